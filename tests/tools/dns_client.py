#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""DNS query client for the ipvs-udp reply scenarios.

Usage: dns_client.py ADDR PORT COUNT [--connect] [--window W] [--timeout S]
                     [--grace S] [--name NAME] [--sport P]

Sends COUNT TXT queries for NAME (default whoami.example.test, which each
test server answers with its own name) from ONE socket, with distinct
random message IDs and up to W (default 1) queries outstanding at once, as
a resolver does. With --connect the socket is connect()ed to ADDR:PORT, so
the kernel drops answers from any other source, as a stub resolver's does;
without it every answer's source is reported.

A query unanswered after S seconds (default 1) frees its place in the
window and counts as a timeout, but its ID is remembered: an answer that
still arrives for it counts as late (a slow machine, not a lost answer).
With --grace G (default 0), after the last query the client keeps reading
while queries are unanswered, until G seconds pass without any datagram.

Prints one JSON object: queries sent, answered (an answer whose ID matches
a query still outstanding), timeouts, late (answers to timed-out queries;
answered + late queries got an answer), answers that matched no query
(stray, also a second answer to one query), which server answered how
often, the answers' source addresses (answered and late alike), the stray
datagrams' source addresses, and the longest time an answer took
(max_rtt, seconds).
"""
import json
import random
import select
import socket
import struct
import sys
import time


def query(qid, name):
    msg = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        msg += bytes([len(label)]) + label.encode()
    return msg + b"\0" + struct.pack(">HH", 16, 1)     # TXT, IN


def skip_name(msg, off):
    while off < len(msg):
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += n + 1
    raise ValueError("truncated name")


def first_txt(msg):
    """The first TXT string of the answer section, or None."""
    qd, an = struct.unpack(">HH", msg[4:8])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
        off += 10
        if rtype == 16 and rdlen > 0:
            return msg[off + 1:off + 1 + msg[off]].decode(errors="replace")
        off += rdlen
    return None


def main():
    args = sys.argv[1:]
    addr, port, count = args[0], int(args[1]), int(args[2])

    def opt(name, conv, default):
        return conv(args[args.index(name) + 1]) if name in args else default

    connect = "--connect" in args
    window = opt("--window", int, 1)
    timeout = opt("--timeout", float, 1.0)
    grace = opt("--grace", float, 0.0)
    name = opt("--name", str, "whoami.example.test")
    sport = opt("--sport", int, 0)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    if connect:
        s.connect((addr, port))
    s.setblocking(False)

    ids = random.sample(range(65536), count)
    pending = {}            # id -> deadline
    sent_at = {}            # id -> send time, until answered
    servers, sources, stray_sources = {}, {}, {}
    sent = answered = timeouts = late = stray = refused = 0
    max_rtt = 0.0
    last_rx = time.monotonic()
    while True:
        now = time.monotonic()
        while sent < count and len(pending) < window:
            qid = ids[sent]
            msg = query(qid, name)
            try:
                if connect:
                    s.send(msg)
                else:
                    s.sendto(msg, (addr, port))
            except ConnectionRefusedError:
                refused += 1
            pending[qid] = now + timeout
            sent_at[qid] = now
            sent += 1
            last_rx = max(last_rx, now)
        for qid in [q for q, dl in pending.items() if dl <= now]:
            del pending[qid]
            timeouts += 1
        if pending:
            wait = max(0.0, min(pending.values()) - time.monotonic())
        elif sent < count:
            continue
        elif sent_at and grace > 0:
            # Timed-out queries without an answer yet: wait for late
            # answers until the link has been quiet for the grace time.
            wait = last_rx + grace - time.monotonic()
            if wait <= 0:
                break
        else:
            break
        if not select.select([s], [], [], wait)[0]:
            continue
        try:
            data, peer = s.recvfrom(65535)
        except (BlockingIOError, ConnectionRefusedError):
            continue
        last_rx = time.monotonic()
        qid = struct.unpack(">H", data[:2])[0] if len(data) >= 12 else None
        if qid not in sent_at:
            stray += 1
            stray_sources[peer[0]] = stray_sources.get(peer[0], 0) + 1
            continue
        max_rtt = max(max_rtt, last_rx - sent_at.pop(qid))
        if qid in pending:
            del pending[qid]
            answered += 1
        else:
            late += 1
        try:
            who = first_txt(data) or "?"
        except (ValueError, struct.error):
            who = "?"
        servers[who] = servers.get(who, 0) + 1
        sources[peer[0]] = sources.get(peer[0], 0) + 1
    print(json.dumps({"sent": sent, "answered": answered,
                      "timeouts": timeouts, "late": late, "stray": stray,
                      "refused": refused, "servers": servers,
                      "sources": sources, "stray_sources": stray_sources,
                      "max_rtt": round(max_rtt, 3)}))


if __name__ == "__main__":
    main()
