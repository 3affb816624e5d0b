#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""SIP calls with large INVITEs, for tests/scenarios/sip-large.sh.

  sip_large.py send --vip ADDR [--port 5060] --calls N [--pad BYTES]
                    [--prefix STR]
  sip_large.py toolong --vip ADDR [--port 5060] --count N
  sip_large.py recv --addr ADDR [--port 5060] --log FILE

send: N calls of four messages each (INVITE, ACK, BYE and the BYE's
retransmission), every message from a new UDP socket (a new source port),
so that only the Call-ID can keep a call together. Each INVITE carries,
before its Call-ID, Record-Route headers and a Digest Authorization
header of BYTES bytes in all (default 2600), as a call that went through
proxies and SBCs does: with the start line and Via the Call-ID starts
past the first 2048 bytes, and the datagram (IPv4 or IPv6, by ADDR) is
fragmented at MTU 1500. Prints one JSON line:
  {"calls": N, "messages": M, "invite_bytes": [MIN, MAX],
   "callid_at": [MIN, MAX]}
(callid_at: offset of the Call-ID header in the INVITE's UDP payload).

toolong: N OPTIONS requests whose Call-ID header is longer than the
parser reads (2048 bytes): the scheduler counts them as TooLong.

recv: logs "CALL-ID LENGTH" for every datagram received on ADDR:PORT
until killed.
"""
import argparse
import json
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def uri_host(addr):
    return "[%s]" % addr if ":" in addr else addr


def proxy_headers(pad, seq):
    """Record-Route headers, then an Authorization header, pad bytes."""
    out = ""
    i = 0
    while len(out) < pad // 2:
        out += ("Record-Route: <sip:sbc%d.carrier%d.example.net:5060;"
                "transport=udp;lr;ftag=%08x>\r\n" % (i, seq % 7, i * 7919))
        i += 1
    auth = ('Authorization: Digest username="alice", '
            'realm="atlanta.example.com", uri="sip:svc@example.com", '
            'algorithm=MD5, response="7587245234b3434cc3412213e5f113a5", '
            'nonce="')
    nonce = pad - len(out) - len(auth) - 3
    out += auth + ("%064x" % (seq * 104729)) * (nonce // 64 + 1)
    out = out[:pad - 3] + '"\r\n'
    return out


def message(method, callid, vip, port, cseq, seq, pad=0):
    head = ("%s sip:svc@%s:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK-%s-%d\r\n"
            "Max-Forwards: 70\r\n"
            % (method, uri_host(vip), port, callid, cseq))
    if pad:
        head += proxy_headers(pad, seq)
    head += ("From: <sip:a@example.com>;tag=%s\r\n"
             "To: <sip:svc@example.com>\r\n" % callid)
    at = len(head)
    head += ("Call-ID: %s\r\n"
             "CSeq: %d %s\r\n"
             "Content-Length: 0\r\n\r\n"
             % (callid, cseq, "INVITE" if method == "ACK" else method))
    return head.encode(), at


def sendto(vip, port, data):
    s = socket.socket(family(vip), socket.SOCK_DGRAM)
    s.sendto(data, (vip, port))
    s.close()


def send(args):
    msgs = 0
    sizes = []
    ats = []
    for c in range(args.calls):
        callid = "%s-%d@large.example.com" % (args.prefix, c)
        flow = [("INVITE", 1, args.pad), ("ACK", 1, 0), ("BYE", 2, 0),
                ("BYE", 2, 0)]
        for method, cseq, pad in flow:
            data, at = message(method, callid, args.vip, args.port, cseq, c,
                               pad)
            if method == "INVITE":
                sizes.append(len(data))
                ats.append(at)
            sendto(args.vip, args.port, data)
            msgs += 1
    print(json.dumps({"calls": args.calls, "messages": msgs,
                      "invite_bytes": [min(sizes), max(sizes)],
                      "callid_at": [min(ats), max(ats)]}))


def toolong(args):
    for i in range(args.count):
        callid = "toolong-%d-%s@large.example.com" % (i, "k" * 2100)
        data, _ = message("OPTIONS", callid, args.vip, args.port, 1, i)
        sendto(args.vip, args.port, data)
    print(json.dumps({"toolong": args.count}))


def recv(args):
    s = socket.socket(family(args.addr), socket.SOCK_DGRAM)
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
    ps.add_argument("--pad", type=int, default=2600)
    ps.add_argument("--prefix", default="large")
    pt = sub.add_parser("toolong")
    pt.add_argument("--vip", required=True)
    pt.add_argument("--port", type=int, default=5060)
    pt.add_argument("--count", type=int, required=True)
    pr = sub.add_parser("recv")
    pr.add_argument("--addr", required=True)
    pr.add_argument("--port", type=int, default=5060)
    pr.add_argument("--log", required=True)
    args = p.parse_args()
    {"send": send, "toolong": toolong, "recv": recv}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
