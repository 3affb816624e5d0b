#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""SIP over IPv6 with extension headers, for tests/scenarios/sip-v6ext.sh.

  sip_v6ext.py send --vip ADDR [--port 5060] --calls N [--ext KIND]
                    [--big-every K] [--prefix STR]
  sip_v6ext.py recv --addr ADDR [--port 5060] --log FILE

send: N calls of four messages each (INVITE, ACK, BYE and the BYE's
retransmission), every message from a new UDP socket (a new source port),
so that only the Call-ID can keep a call together. KIND says which IPv6
extension headers every datagram carries, set with the sticky socket
options IPV6_HOPOPTS / IPV6_DSTOPTS (PadN options):
  dst    a 16-byte Destination Options header
  hbh    an 8-byte Hop-by-Hop Options header
  both   both (Hop-by-Hop 8 bytes, then Destination Options 16 bytes)
  none   no extension header
Every K-th call's INVITE is padded to 3000 bytes of body, so that IPv6
fragments it (a Fragment header on top of the others). Prints one JSON
line: {"calls": N, "messages": M, "big": B}.

recv: logs "CALL-ID LENGTH" for every datagram received on ADDR:PORT
until killed.
"""
import argparse
import json
import socket
import sys

IPV6_HOPOPTS = getattr(socket, "IPV6_HOPOPTS", 54)
IPV6_DSTOPTS = getattr(socket, "IPV6_DSTOPTS", 59)

# Extension headers as setsockopt takes them: next header (filled in by
# the kernel), length in 8-byte units minus one, then options: PadN (at
# most 5 bytes: Linux drops longer padding) and, in the 16-byte header, an
# experimental option (RFC 4727, type 0x1e: "skip if unknown").
HBH8 = bytes([0, 0, 1, 4, 0, 0, 0, 0])
DST16 = bytes([0, 1, 1, 4, 0, 0, 0, 0, 0x1e, 6, 1, 2, 3, 4, 5, 6])


def message(method, callid, vip, port, cseq, body=b""):
    head = ("%s sip:svc@[%s]:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP [fd00:1::2]:5060;branch=z9hG4bK-%s-%d\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:a@example.com>;tag=%s\r\n"
            "To: <sip:svc@example.com>\r\n"
            "Call-ID: %s\r\n"
            "CSeq: %d %s\r\n"
            "Content-Length: %d\r\n\r\n"
            % (method, vip, port, callid, cseq, callid, callid, cseq,
               "INVITE" if method == "ACK" else method, len(body)))
    return head.encode() + body


def send(args):
    msgs = big = 0
    for c in range(args.calls):
        callid = "%s-%d@v6ext.example.com" % (args.prefix, c)
        body = b""
        if args.big_every and c % args.big_every == 0:
            body = b"v=0\r\n" + b"a=x-pad:" + b"p" * 2990 + b"\r\n"
            big += 1
        flow = [("INVITE", 1, body), ("ACK", 1, b""), ("BYE", 2, b""),
                ("BYE", 2, b"")]
        for method, cseq, b in flow:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            if args.ext in ("hbh", "both"):
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_HOPOPTS, HBH8)
            if args.ext in ("dst", "both"):
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_DSTOPTS, DST16)
            s.sendto(message(method, callid, args.vip, args.port, cseq, b),
                     (args.vip, args.port))
            s.close()
            msgs += 1
    print(json.dumps({"calls": args.calls, "messages": msgs, "big": big}))


def recv(args):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    s.bind((args.addr, args.port))
    with open(args.log, "a", buffering=1) as log:
        while True:
            data = s.recv(65536)
            callid = "-"
            for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
                if line.lower().startswith(b"call-id:"):
                    callid = line[8:].strip().decode(errors="replace")
                    break
            log.write("%s %d\n" % (callid, len(data)))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("--vip", required=True)
    ps.add_argument("--port", type=int, default=5060)
    ps.add_argument("--calls", type=int, required=True)
    ps.add_argument("--ext", choices=("dst", "hbh", "both", "none"),
                    default="dst")
    ps.add_argument("--big-every", type=int, default=0)
    ps.add_argument("--prefix", default="v6")
    pr = sub.add_parser("recv")
    pr.add_argument("--addr", required=True)
    pr.add_argument("--port", type=int, default=5060)
    pr.add_argument("--log", required=True)
    args = p.parse_args()
    if args.cmd == "send":
        send(args)
    else:
        recv(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
