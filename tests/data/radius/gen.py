#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Writes the RADIUS example datagrams of this directory (*.bin), the ones
# expected.txt describes, and the seeds of fuzz/corpus/radius. Run it from
# here after changing a message; the files are committed.
import os
import struct


def attr(t, v):
    return bytes([t, len(v) + 2]) + v


def msg(code, attrs, ident=42, length=None, pad=b""):
    body = b"".join(attrs)
    n = 20 + len(body) if length is None else length
    return struct.pack("!BBH", code, ident, n) + b"0123456789abcdef" + body + pad


USER, NAS_IP, STATE, CALLING, NAS_ID, ACCT, NAS_IPV6 = 1, 4, 24, 31, 32, 44, 95
EAP, MSG_AUTH = 79, 80
MAC = b"02-00-00-00-00-01"
NASIP = bytes([192, 0, 2, 1])
NASIP6 = bytes.fromhex("20010db8000000000000000000000001")
STATE_V = bytes.fromhex("d31a007f") + b"state"

EXAMPLES = {
    "access-first.bin": msg(1, [attr(USER, b"alice"), attr(NAS_IP, NASIP),
                                attr(CALLING, MAC),
                                attr(EAP, b"\x02\x01\x00\x0a\x01alice"),
                                attr(MSG_AUTH, b"A" * 16)]),
    "access-state.bin": msg(1, [attr(USER, b"alice"), attr(NAS_IP, NASIP),
                                attr(CALLING, MAC), attr(STATE, STATE_V),
                                attr(EAP, b"\x02\x02\x00\x06\x19\x00"),
                                attr(MSG_AUTH, b"B" * 16)]),
    "access-user-nasid.bin": msg(1, [attr(USER, b"bob"),
                                     attr(NAS_ID, b"ap 7")]),
    "access-ipv6.bin": msg(1, [attr(CALLING, MAC), attr(NAS_IPV6, NASIP6)]),
    "access-nothing.bin": msg(1, [attr(NAS_IP, NASIP)]),
    "access-two-states.bin": msg(1, [attr(STATE, b"one"), attr(CALLING, MAC),
                                     attr(STATE, b"two")]),
    "challenge.bin": msg(11, [attr(EAP, b"\x01\x02\x00\x06\x19\x20"),
                              attr(STATE, STATE_V),
                              attr(MSG_AUTH, b"C" * 16)]),
    "acct-start.bin": msg(4, [attr(NAS_IP, NASIP), attr(CALLING, MAC),
                              attr(ACCT, b"4D2C0001"),
                              attr(40, b"\x00\x00\x00\x01")]),
    "status-server.bin": msg(12, [attr(MSG_AUTH, b"D" * 16)]),
    "bad-attr.bin": msg(1, [attr(CALLING, MAC), bytes([USER, 0])]),
    "short.bin": msg(1, [attr(CALLING, MAC)])[:30],
    "sip.bin": b"OPTIONS sip:x@example.com SIP/2.0\r\nCall-ID: a@b\r\n\r\n",
    "too-many.bin": msg(1, [bytes([25, 2])] * 256),
}

for name, data in EXAMPLES.items():
    with open(name, "wb") as f:
        f.write(data)
os.makedirs("../../../fuzz/corpus/radius", exist_ok=True)
for name, data in EXAMPLES.items():
    with open("../../../fuzz/corpus/radius/" + name[:-4], "wb") as f:
        f.write(data)
