#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP request/reply client for the ipvs-udp scenarios.

Usage: udp_client.py ADDR PORT COUNT [--connect] [--timeout S] [--sport P]

Sends COUNT requests "req-N" from ONE socket and waits for each reply.
Prints one JSON object: how many replies came back, which server answered
how often (the first word of the reply), and from which source address the
replies came. With --connect the socket is connect()ed to ADDR:PORT, so the
kernel drops replies from any other source, as a DNS stub resolver does.
"""
import json
import socket
import sys


def main():
    args = sys.argv[1:]
    addr, port, count = args[0], int(args[1]), int(args[2])
    connect = "--connect" in args
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 1.0
    sport = int(args[args.index("--sport") + 1]) if "--sport" in args else 0
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    s.settimeout(timeout)
    if connect:
        s.connect((addr, port))
    servers, sources = {}, {}
    replies = errors = 0
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
        except socket.timeout:
            continue
        except ConnectionRefusedError:
            errors += 1
            continue
        replies += 1
        name = data.split(b" ", 1)[0].decode(errors="replace")
        servers[name] = servers.get(name, 0) + 1
        sources[peer[0]] = sources.get(peer[0], 0) + 1
    print(json.dumps({"sent": count, "replies": replies, "refused": errors,
                      "servers": servers, "sources": sources}))


if __name__ == "__main__":
    main()
