#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tiny UDP request/reply server for the ipvs-udp scenarios.

Usage: udp_server.py NAME ADDR PORT [--silent]

Binds ADDR:PORT (IPv4 or IPv6) and answers every datagram with
"NAME <payload>" to its sender. With --silent it never answers (a server
that died without closing its port). Every datagram is counted; SIGUSR1 or
the file /tmp/udp_server-NAME.count (rewritten after each datagram) gives
the count.
"""
import socket
import sys


def main():
    name, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    silent = "--silent" in sys.argv[4:]
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET:
        s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND: VIP may come later
    s.bind((addr, port))
    count = 0
    path = "/tmp/udp_server-%s.count" % name
    with open(path, "w") as f:
        f.write("0\n")
    while True:
        data, peer = s.recvfrom(65535)
        count += 1
        with open(path, "w") as f:
            f.write("%d\n" % count)
        if not silent:
            s.sendto(name.encode() + b" " + data, peer)


if __name__ == "__main__":
    main()
