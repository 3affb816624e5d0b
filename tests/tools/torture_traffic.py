#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Background traffic for the torture run (tests/scenarios/torture.sh).

Usage: torture_traffic.py SRC VIP SECONDS SEED

From one client address, for SECONDS, paced (about 300 datagrams per
second in all, with a burst of 500 new Call-IDs every few seconds):
  - SIP-shaped: INVITE, ACK and BYE of fresh Call-IDs to VIP:5060, and
    CRLF keepalives;
  - DNS-shaped: queries with random IDs to VIP:53;
  - RADIUS-shaped: Access-Requests with random Identifiers, keyed by
    Calling-Station-Id and sometimes a State, and challenge-coded datagrams
    whose echo teaches a radius director a State, to VIP:1812;
  - garbage: random bytes and truncated SIP to all three ports.
Replies are read and dropped. Prints a JSON count of what was sent.
"""
import json
import os
import random
import socket
import struct
import sys
import time

PORTS = (5060, 53, 1812)


def radius(rnd):
    """An Access-Request keyed by one of 300 Calling-Station-Ids (sometimes
    with one of 50 States), or a datagram coded Access-Challenge with a
    State: the real servers echo it, and a director running the radius
    scheduler with the reply engine learns that State from the echo."""
    attrs = b"\x04\x06\xc0\x00\x02\x01"  # NAS-IP-Address 192.0.2.1
    state = b"\x18\x06" + struct.pack("!I", rnd.randrange(50))
    code = 1
    if rnd.random() < 0.15:
        code, attrs = 11, attrs + state
    else:
        attrs += b"\x1f\x0a" + b"st%06d" % rnd.randrange(300)
        if rnd.random() < 0.3:
            attrs += state
    return struct.pack("!BBH", code, rnd.getrandbits(8),
                       20 + len(attrs)) + os.urandom(16) + attrs


def sip(method, cid, seq, src):
    return ("%s sip:svc@torture SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%x\r\n"
            "From: <sip:a@%s>;tag=%x\r\nTo: <sip:svc@torture>\r\n"
            "Call-ID: %s\r\nCSeq: %d %s\r\nContent-Length: 0\r\n\r\n" %
            (method, src, seq, src, seq, cid, seq, method)).encode()


def main():
    src, vip, secs, seed = (sys.argv[1], sys.argv[2], float(sys.argv[3]),
                            int(sys.argv[4]))
    rnd = random.Random(seed)
    socks = []
    for _ in range(4):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.setblocking(False)
        socks.append(s)
    sent = {"sip": 0, "dns": 0, "radius": 0, "garbage": 0, "flood": 0}
    end = time.monotonic() + secs
    next_burst = time.monotonic() + 3
    n = 0
    while time.monotonic() < end:
        n += 1
        s = socks[n % len(socks)]
        kind = rnd.random()
        try:
            if kind < 0.4:
                cid = "%x@torture" % rnd.getrandbits(64)
                for m in ("INVITE", "ACK", "BYE"):
                    s.sendto(sip(m, cid, n, src), (vip, 5060))
                sent["sip"] += 3
            elif kind < 0.45:
                s.sendto(b"\r\n\r\n", (vip, 5060))
                sent["sip"] += 1
            elif kind < 0.7:
                q = struct.pack("!HHHHHH", rnd.getrandbits(16), 0x0100, 1, 0,
                                0, 0) + b"\x07torture\x00\x00\x01\x00\x01"
                s.sendto(q, (vip, 53))
                sent["dns"] += 1
            elif kind < 0.9:
                s.sendto(radius(rnd), (vip, 1812))
                sent["radius"] += 1
            else:
                g = os.urandom(rnd.randint(0, 300))
                if rnd.random() < 0.5:
                    g = sip("INVITE", "x", 1, src)[:rnd.randint(0, 120)] + g
                s.sendto(g, (vip, rnd.choice(PORTS)))
                sent["garbage"] += 1
            if time.monotonic() >= next_burst:
                for i in range(500):
                    cid = "flood-%x-%d" % (rnd.getrandbits(48), i)
                    s.sendto(sip("OPTIONS", cid, i, src), (vip, 5060))
                sent["flood"] += 500
                next_burst = time.monotonic() + 3 + rnd.random() * 3
        except (BlockingIOError, ConnectionRefusedError, OSError):
            pass
        for r in socks:
            try:
                while r.recv(2048):
                    pass
            except (BlockingIOError, ConnectionRefusedError, OSError):
                pass
        time.sleep(0.005)
    print(json.dumps(sent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
