#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# SIP datagrams over IPv4 and IPv6 loopback for capture.sh (nothing listens).
import socket, sys, time
def sip(cid, method="OPTIONS"):
    h = ("%s sip:rs@example.org SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n"
         "From: <sip:a@example.org>;tag=1\r\nTo: <sip:rs@example.org>\r\n" % method)
    if cid is not None:
        h += "Call-ID: %s\r\n" % cid
    return (h + "CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n" % method).encode()
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s4.bind(("127.0.0.1", 5062))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(("::1", 5064))
s4.sendto(sip("lo4-call-1@host"), ("127.0.0.1", 5060))
s4.sendto(b"\r\n\r\n", ("127.0.0.1", 5060))                          # keepalive: no key
s6.sendto(sip("lo6-call-2@host", "INVITE"), ("::1", 5060))
s4.sendto(sip(None), ("127.0.0.1", 5060))                            # SIP without Call-ID
s4.sendto(sip("big-" + "x" * 2900 + "@frag"), ("127.0.0.1", 5060))   # fragmented when MTU small
s6.sendto(sip("big6-" + "y" * 2900 + "@frag"), ("::1", 5060))
s4.sendto(sip("i" * 300), ("127.0.0.1", 5060))                       # oversized Call-ID
time.sleep(0.3)
