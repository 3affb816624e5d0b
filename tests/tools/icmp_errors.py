#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""List the ICMP and ICMPv6 errors in a packet capture, as JSON.

Usage: icmp_errors.py PCAP [--wait N] [--timeout S]

Reads a classic pcap file (tcpdump -w; Ethernet, Linux cooked v1 or v2)
and prints one JSON list with an object per ICMP error (IPv4 types 3, 4, 5,
11, 12; ICMPv6 types 1-4):

  af, src, dst, type, code        the error's own header
  ip_csum_ok                      IPv4 header checksum (IPv6: true)
  icmp_csum_ok                    ICMP checksum, or ICMPv6 checksum over the
                                  pseudo-header with src and dst
  q_src, q_dst, q_proto           the quoted datagram's IP header
  q_sport, q_dport, q_payload     its UDP/TCP ports and UDP payload (text)

Every checksum is recomputed here from the captured bytes. With --wait N it
rereads the file until it holds at least N errors or S seconds (default 10)
have passed; a record that tcpdump is still writing is ignored.
"""
import ipaddress
import json
import struct
import sys
import time

V4_ERRORS = {3, 4, 5, 11, 12}
V6_ERRORS = {1, 2, 3, 4}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def records(raw):
    if len(raw) < 24:
        return
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit("icmp_errors.py: not a pcap file")
    linktype = struct.unpack(end + "I", raw[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(raw):
        incl = struct.unpack(end + "I", raw[off + 8:off + 12])[0]
        if off + 16 + incl > len(raw):
            break
        yield linktype, raw[off + 16:off + 16 + incl]
        off += 16 + incl


def network(linktype, frame):
    """The IP packet in a frame and its ethertype, or (None, None)."""
    if linktype == 1:  # Ethernet
        off, etype = 14, struct.unpack("!H", frame[12:14])[0]
        while etype in (0x8100, 0x88a8):
            etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
            off += 4
    elif linktype == 113:  # Linux cooked v1
        off, etype = 16, struct.unpack("!H", frame[14:16])[0]
    elif linktype == 276:  # Linux cooked v2
        off, etype = 20, struct.unpack("!H", frame[0:2])[0]
    else:
        return None, None
    return frame[off:], etype


def quoted(q, af):
    d = {}
    if af == 4 and len(q) >= 20 and q[0] >> 4 == 4:
        hl = (q[0] & 15) * 4
        d.update(q_src=str(ipaddress.IPv4Address(q[12:16])),
                 q_dst=str(ipaddress.IPv4Address(q[16:20])), q_proto=q[9])
        rest, proto = q[hl:], q[9]
    elif af == 6 and len(q) >= 40 and q[0] >> 4 == 6:
        d.update(q_src=str(ipaddress.IPv6Address(q[8:24])),
                 q_dst=str(ipaddress.IPv6Address(q[24:40])), q_proto=q[6])
        rest, proto = q[40:], q[6]
    else:
        return d
    if proto in (6, 17) and len(rest) >= 4:
        d.update(q_sport=struct.unpack("!H", rest[0:2])[0],
                 q_dport=struct.unpack("!H", rest[2:4])[0])
    if proto == 17 and len(rest) >= 8:
        d["q_payload"] = rest[8:].decode("ascii", "replace")
    return d


def error(pkt, etype):
    if etype == 0x0800 and len(pkt) >= 20 and pkt[0] >> 4 == 4:
        hl = (pkt[0] & 15) * 4
        tot = struct.unpack("!H", pkt[2:4])[0]
        if pkt[9] != 1 or len(pkt) < tot or tot < hl + 8:
            return None
        icmp = pkt[hl:tot]
        if icmp[0] not in V4_ERRORS:
            return None
        d = dict(af=4, src=str(ipaddress.IPv4Address(pkt[12:16])),
                 dst=str(ipaddress.IPv4Address(pkt[16:20])),
                 type=icmp[0], code=icmp[1],
                 ip_csum_ok=csum(pkt[:hl]) == 0xffff,
                 icmp_csum_ok=csum(icmp) == 0xffff)
        d.update(quoted(icmp[8:], 4))
        return d
    if etype == 0x86dd and len(pkt) >= 48 and pkt[0] >> 4 == 6:
        plen = struct.unpack("!H", pkt[4:6])[0]
        if pkt[6] != 58 or len(pkt) < 40 + plen or plen < 8:
            return None
        icmp = pkt[40:40 + plen]
        if icmp[0] not in V6_ERRORS:
            return None
        pseudo = pkt[8:40] + struct.pack("!IxxxB", plen, 58)
        d = dict(af=6, src=str(ipaddress.IPv6Address(pkt[8:24])),
                 dst=str(ipaddress.IPv6Address(pkt[24:40])),
                 type=icmp[0], code=icmp[1], ip_csum_ok=True,
                 icmp_csum_ok=csum(pseudo + icmp) == 0xffff)
        d.update(quoted(icmp[8:], 6))
        return d
    return None


def errors(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return []
    out = []
    for linktype, frame in records(raw):
        pkt, etype = network(linktype, frame)
        if pkt is not None:
            e = error(pkt, etype)
            if e:
                out.append(e)
    return out


def main():
    args = sys.argv[1:]
    path = args[0]
    want = int(args[args.index("--wait") + 1]) if "--wait" in args else 0
    limit = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 10.0
    end = time.monotonic() + limit
    found = errors(path)
    while len(found) < want and time.monotonic() < end:
        time.sleep(0.1)
        found = errors(path)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
