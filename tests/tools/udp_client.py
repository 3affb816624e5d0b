#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP request/reply client for the ipvs-udp scenarios.

Usage: udp_client.py ADDR PORT COUNT [--connect] [--timeout S] [--sport P]
                     [--grace S]

Sends COUNT requests "req-N" from ONE socket and waits for each reply, at
most S seconds (default 1). Prints one JSON object: how many replies came
back in time, how many late (the reply to a request that had timed out,
read while waiting for a later one or, with --grace G, in the G seconds
after the last request that pass without a datagram), which server
answered how often (the first word of the reply), and from which source
address the replies came (in time and late alike). With --connect the
socket is connect()ed to ADDR:PORT, so the kernel drops replies from any
other source, as a DNS stub resolver does.
"""
import json
import socket
import sys
import time


def main():
    args = sys.argv[1:]
    addr, port, count = args[0], int(args[1]), int(args[2])
    connect = "--connect" in args
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 1.0
    sport = int(args[args.index("--sport") + 1]) if "--sport" in args else 0
    grace = float(args[args.index("--grace") + 1]) if "--grace" in args else 0.0
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    s.settimeout(timeout)
    if connect:
        s.connect((addr, port))
    servers, sources = {}, {}
    replies = errors = late = 0
    timed_out = set()       # requests whose reply has not come in time

    def got(data, peer):
        name = data.split(b" ", 1)[0].decode(errors="replace")
        servers[name] = servers.get(name, 0) + 1
        sources[peer[0]] = sources.get(peer[0], 0) + 1

    def is_late(data):
        body = data.split(b" ", 1)[-1]
        if body in timed_out:
            timed_out.discard(body)
            return True
        return False

    for i in range(count):
        msg = b"req-%d" % i
        try:
            if connect:
                s.send(msg)
            else:
                s.sendto(msg, (addr, port))
            while True:
                data, peer = s.recvfrom(65535)
                if data.endswith(msg):
                    break
                if is_late(data):
                    late += 1
                    got(data, peer)
        except socket.timeout:
            timed_out.add(msg)
            continue
        except ConnectionRefusedError:
            errors += 1
            continue
        replies += 1
        got(data, peer)
    s.settimeout(None)
    quiet = time.monotonic() + grace
    while timed_out and grace > 0:
        left = quiet - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            break
        except ConnectionRefusedError:
            continue
        quiet = time.monotonic() + grace
        if is_late(data):
            late += 1
            got(data, peer)
    print(json.dumps({"sent": count, "replies": replies, "late": late,
                      "refused": errors,
                      "servers": servers, "sources": sources}))


if __name__ == "__main__":
    main()
