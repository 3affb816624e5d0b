#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-source SIP UAC: each call's INVITE comes from one client address,
its in-dialog requests (ACK, BYE) from another.

Usage: sip_xsrc.py --vip ADDR [--port 5060] --calls N
                   --invite NS,ADDR[,PORT] --dialog NS,ADDR[,PORT]
                   [--prefix STR] [--timeout S]

NS is a network namespace name (ip netns): the tool opens each socket in
its namespace (setns), so one process speaks from several hosts. PORT 0
(the default) takes a new ephemeral port for every call, so that routers
hashing on ports (ECMP) send a call's messages different ways; any other
PORT is one socket shared by every call.

Per call: INVITE from the first address (retransmitted at T1=0.5 s,
doubling), wait for a final response; then ACK and BYE from the second
address with a fresh Via (that address) and branch and the To tag of the
200; wait for the BYE's final response, which may come back to either
address. A call is "ok" when its BYE got a 2xx. Replies to earlier calls
(200 retransmissions) are ignored. Prints one JSON line:
  {"calls": N, "ok": N, "failed": N, "r481": N, "no_answer": N,
   "seconds": S}
Exit status 0 when every call was ok.
"""
import argparse
import ctypes
import json
import os
import random
import select
import socket
import sys
import time

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def open_socket(netns, addr, port):
    """A UDP socket bound to addr:port inside network namespace netns."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if _libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + netns)
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
    finally:
        if _libc.setns(here, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(here)
        os.close(there)
    return s


def hostport(addr, port):
    return "[%s]:%d" % (addr, port) if ":" in addr else "%s:%d" % (addr, port)


def parse(data):
    """(status, cseq method, Call-ID, To header) of a SIP message."""
    try:
        text = data.decode("utf-8", "replace")
    except Exception:
        return None
    head = text.split("\r\n\r\n", 1)[0].split("\r\n")
    if not head:
        return None
    status = 0
    if head[0].startswith("SIP/2.0 "):
        try:
            status = int(head[0].split()[1])
        except (IndexError, ValueError):
            return None
    hdr = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            k = k.strip().lower()
            k = {"i": "call-id", "t": "to"}.get(k, k)
            hdr.setdefault(k, v.strip())
    method = hdr.get("cseq", "").split()[-1:] or [""]
    return status, method[0], hdr.get("call-id", ""), hdr.get("to", "")


class Endpoint:
    def __init__(self, spec):
        parts = spec.split(",")
        self.ns, self.addr = parts[0], parts[1]
        self.port = int(parts[2]) if len(parts) > 2 else 0
        self.sock = None

    def socket(self):
        """The shared socket, or a new one per call for port 0."""
        if self.port and self.sock:
            return self.sock
        s = open_socket(self.ns, self.addr, self.port)
        if self.port:
            self.sock = s
        return s


def request(method, vip, port, src, cid, ftag, cseq, to_tag, branch,
            body=""):
    uri = "sip:service@" + hostport(vip, port)
    to = "service <%s>" % uri + (";tag=" + to_tag if to_tag else "")
    me = hostport(*src.getsockname()[:2])
    lines = [
        "%s %s SIP/2.0" % (method, uri),
        "Via: SIP/2.0/UDP %s;branch=z9hG4bK-%s;rport" % (me, branch),
        "From: xsrc <sip:xsrc@%s>;tag=%s" % (me, ftag),
        "To: " + to,
        "Call-ID: " + cid,
        "CSeq: %d %s" % (cseq, method),
        "Contact: <sip:xsrc@%s>" % me,
        "Max-Forwards: 70",
    ]
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def transact(socks, dest, sock, msg, cid, method, timeout):
    """Send msg (retransmitting) until a final response for (cid, method)
    arrives on any of socks. Return (status, To header) or (0, "")."""
    t1, start = 0.5, time.monotonic()
    next_tx = start
    while True:
        now = time.monotonic()
        if now - start > timeout:
            return 0, ""
        if now >= next_tx:
            sock.sendto(msg, dest)
            next_tx = now + t1
            t1 = min(t1 * 2, 4.0)
        r, _, _ = select.select(socks, [], [], max(0.0, next_tx - now))
        for s in r:
            try:
                data = s.recv(65535)
            except OSError:
                continue
            p = parse(data)
            if not p or p[2] != cid or p[1] != method:
                continue
            if p[0] >= 200:
                return p[0], p[3]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vip", required=True)
    ap.add_argument("--port", type=int, default=5060)
    ap.add_argument("--calls", type=int, default=10)
    ap.add_argument("--invite", required=True)
    ap.add_argument("--dialog", required=True)
    ap.add_argument("--prefix", default="xsrc")
    ap.add_argument("--timeout", type=float, default=8.0)
    a = ap.parse_args()

    inv, dlg = Endpoint(a.invite), Endpoint(a.dialog)
    fam = socket.AF_INET6 if ":" in a.vip else socket.AF_INET
    dest = (a.vip, a.port, 0, 0) if fam == socket.AF_INET6 else \
        (a.vip, a.port)
    sdp = ("v=0\r\no=xsrc 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
           "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n")
    res = {"calls": a.calls, "ok": 0, "failed": 0, "r481": 0,
           "no_answer": 0}
    tag = "%08x" % random.getrandbits(32)
    start = time.monotonic()
    for n in range(a.calls):
        cid = "%s-%d-%s@%s" % (a.prefix, n, tag, inv.addr)
        ftag = "f%d%s" % (n, tag)
        si, sd = inv.socket(), dlg.socket()
        socks = [si, sd]
        msg = request("INVITE", a.vip, a.port, si, cid, ftag, 1, "",
                      "%s-%d-i" % (tag, n), sdp)
        status, to = transact(socks, dest, si, msg, cid, "INVITE",
                              a.timeout)
        ok = False
        if 200 <= status < 300 and ";tag=" in to:
            to_tag = to.split(";tag=", 1)[1].split(";")[0]
            ack = request("ACK", a.vip, a.port, sd, cid, ftag, 1, to_tag,
                          "%s-%d-a" % (tag, n))
            sd.sendto(ack, dest)
            bye = request("BYE", a.vip, a.port, sd, cid, ftag, 2, to_tag,
                          "%s-%d-b" % (tag, n))
            status, _ = transact(socks, dest, sd, bye, cid, "BYE",
                                 a.timeout)
            ok = 200 <= status < 300
        if ok:
            res["ok"] += 1
        else:
            res["failed"] += 1
            if status == 481:
                res["r481"] += 1
            elif status == 0:
                res["no_answer"] += 1
        for s in socks:
            if s is not inv.sock and s is not dlg.sock:
                s.close()
    res["seconds"] = round(time.monotonic() - start, 2)
    print(json.dumps(res, sort_keys=True))
    sys.exit(0 if res["ok"] == a.calls else 1)


if __name__ == "__main__":
    main()
