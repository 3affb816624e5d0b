#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""RADIUS helpers for tests/scenarios/radius.sh (run inside the UML kernel).

relay LISTEN_PORT SERVER PORT [--delay S] [--sports P1,P2,...]
      [--challenged FILE]
    A NAS that sends every supplicant's requests from one UDP socket, as an
    access point or a switch does: eapol_test instances on this host talk to
    127.0.0.1:LISTEN_PORT, and the relay forwards each request unchanged to
    SERVER:PORT from its single socket, and each reply back to the instance
    whose request has that Identifier. RADIUS has 256 Identifiers per socket:
    a request whose Identifier is in use waits until it is free, as a NAS
    does. With --delay, each request is held S seconds first (a slow link),
    so that a test can act in the middle of a conversation. With --sports,
    one socket per source port, the requests sent from each in turn (a NAS
    with several sockets: the rounds of one login leave from different
    ports; the Identifiers stay unique across them). With --challenged,
    FILE holds the number of supplicants (eapol_test instances) that have
    had an Access-Challenge so far, rewritten as it grows. Prints one JSON
    line of counts when it gets SIGTERM.

flood SERVER PORT COUNT [--state-only] [--sport P] [--rate N]
    COUNT Access-Requests from one socket (source port P), each with a
    random State and a random Calling-Station-Id (none with --state-only),
    N a second (default: as fast as the socket takes them); replies are
    read and ignored. Prints the number sent.

class-of LOGFILE
    The Class attribute (hex, as eapol_test prints it) of the Access-Accept
    in an eapol_test log, decoded; empty when there is none.
"""
import json
import os
import re
import selectors
import signal
import socket
import sys
import time


def relay(listen_port, server, port, delay, sports, challenged_file):
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    local = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    local.bind(("127.0.0.1", listen_port))
    sel = selectors.DefaultSelector()
    sel.register(local, selectors.EVENT_READ, "local")
    ups = []
    for sport in sports or [0]:
        up = socket.socket(fam, socket.SOCK_DGRAM)
        if sport:
            up.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
        up.connect((server, port))
        sel.register(up, selectors.EVENT_READ, up)
        ups.append(up)
    turn = 0
    owner = {}      # Identifier -> (client address, time sent)
    waiting = []    # (due time, client address, datagram)
    counts = {"requests": 0, "replies": 0, "waited": 0, "dropped": 0}
    challenged = set()  # supplicants that had an Access-Challenge
    done = []
    signal.signal(signal.SIGTERM, lambda *_: done.append(1))
    while not done:
        now = time.monotonic()
        # An Identifier whose reply never came is free again after 30 s
        for ident, (_, sent) in list(owner.items()):
            if now - sent > 30:
                del owner[ident]
        still = []
        for due, addr, data in waiting:
            # the same supplicant's retransmission keeps its Identifier
            if due <= now and owner.get(data[1], (addr,))[0] == addr:
                owner[data[1]] = (addr, now)
                ups[turn % len(ups)].send(data)
                turn += 1
                counts["requests"] += 1
            else:
                if due <= now:
                    counts["waited"] += 1
                still.append((due, addr, data))
        waiting = still
        timeout = 0.01 if waiting else 0.2
        for key, _ in sel.select(timeout):
            if key.data == "local":
                data, addr = local.recvfrom(65535)
                if len(data) >= 20:
                    waiting.append((time.monotonic() + delay, addr, data))
            else:
                try:
                    data = key.data.recv(65535)
                except OSError:
                    continue
                if len(data) < 20 or data[1] not in owner:
                    counts["dropped"] += 1
                    continue
                addr, _ = owner.pop(data[1])
                local.sendto(data, addr)
                counts["replies"] += 1
                if data[0] == 11 and challenged_file and addr not in challenged:
                    challenged.add(addr)
                    with open(challenged_file + ".tmp", "w") as f:
                        f.write("%d\n" % len(challenged))
                    os.replace(challenged_file + ".tmp", challenged_file)
    print(json.dumps(counts), flush=True)


def attr(t, v):
    return bytes([t, len(v) + 2]) + v


def flood(server, port, count, state_only, sport, rate):
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if sport:
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    s.connect((server, port))
    s.setblocking(False)
    sent = 0
    start = time.monotonic()
    for i in range(count):
        if rate:
            ahead = start + i / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        attrs = attr(1, b"flood") + attr(4, bytes([192, 0, 2, 99]))
        attrs += attr(24, os.urandom(16))
        if not state_only:
            attrs += attr(31, os.urandom(6).hex("-").encode())
        msg = bytes([1, i & 255]) + (20 + len(attrs)).to_bytes(2, "big")
        msg += os.urandom(16) + attrs
        while True:
            try:
                s.send(msg)
                sent += 1
                break
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break
        try:
            while True:
                s.recv(65535)
        except OSError:
            pass
    print(sent)


def class_of(path):
    with open(path, errors="replace") as f:
        text = f.read()
    m = re.search(r"code=2 \(Access-Accept\).*?Attribute 25 \(Class\) "
                  r"length=\d+\n\s+Value: ([0-9a-f]+)", text, re.S)
    print(bytes.fromhex(m.group(1)).decode(errors="replace") if m else "")


def main():
    a = sys.argv[1:]
    if a[:1] == ["relay"]:
        delay = float(a[a.index("--delay") + 1]) if "--delay" in a else 0.0
        sports = ([int(p) for p in a[a.index("--sports") + 1].split(",")]
                  if "--sports" in a else [])
        chal = a[a.index("--challenged") + 1] if "--challenged" in a else None
        relay(int(a[1]), a[2], int(a[3]), delay, sports, chal)
    elif a[:1] == ["flood"]:
        opt = {k: int(a[a.index(k) + 1]) if k in a else 0
               for k in ("--sport", "--rate")}
        flood(a[1], int(a[2]), int(a[3]), "--state-only" in a,
              opt["--sport"], opt["--rate"])
    elif a[:1] == ["class-of"]:
        class_of(a[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
