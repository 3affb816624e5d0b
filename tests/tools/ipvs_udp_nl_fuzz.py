#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded, time-bounded fuzz loop against the ipvs_udp generic netlink family.

  ipvs_udp_nl_fuzz.py SECONDS SEED SERVICE-JSON DEST-JSON

Every round picks one of:
  - a valid request of the spec (on the live SERVICE or on random ones,
    with in- and out-of-range settings), mutated or not;
  - random attributes: random types, lengths, NLA_F_NESTED or not,
    nesting up to 4 deep, under a random command (known or not);
  - a truncated message: genetlink header cut, netlink length larger or
    smaller than what was sent (the kernel drops those silently: a valid
    probe request follows and must be answered);
  - random netlink flags and genetlink version/reserved bytes;
  - a batch of several requests in one send;
  - a dump abandoned after its first message (the socket is closed with
    the dump in progress) or read slowly, while the shell side deletes
    and re-adds the service.
Prints one JSON object: requests sent, answers by errno name, how many
errors carried an extack message per errno name, probes, abandoned and
interrupted dumps, timeouts, and the seed (to reproduce a run).
"""
import errno
import json
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipvs_udp_nl as n  # noqa: E402

FLAG_BITS = [0x1, 0x4, 0x8, 0x10, 0x20, 0x100, 0x200, 0x400, 0x800]


class Fuzz:
    def __init__(self, seconds, seed, svc, dest):
        self.rnd = random.Random(seed)
        self.seed = seed
        self.seconds = seconds
        self.spec = n.Spec()
        self.svc = svc
        self.dest = dest
        self.g = self.open()
        self.st = {"seed": seed, "sent": 0, "ok": 0, "errors": {},
                   "extack": {}, "no_extack": {}, "timeouts": 0,
                   "probes": 0, "silent": 0, "batches": 0,
                   "dumps_abandoned": 0, "dumps_slow": 0, "dumps_intr": 0,
                   "dump_msgs": 0, "kinds": {}}

    @staticmethod
    def open():
        g = n.Genl(timeout=5.0)
        err = g.resolve("ipvs_udp")
        if err:
            raise SystemExit(json.dumps(err))
        return g

    # ---- request material ------------------------------------------------
    def rand_service(self):
        r = self.rnd.random()
        if r < 0.5:
            return dict(self.svc)
        if r < 0.7:
            return {"af": "inet", "fwmark": self.rnd.choice([0, 1, 7, 0xffffffff])}
        af = self.rnd.choice(["inet", "inet6", 0, 7, 0xffff])
        addr = self.rnd.choice(["10.0.100.1", "10.0.100.2", "fd00:100::1",
                                "hex:", "hex:0a", "hex:" + "ff" * 17])
        s = {"af": af, "protocol": self.rnd.choice([17, 6, 0, 255]),
             "addr": addr, "port": self.rnd.choice([5060, 0, 5061, 65535])}
        for k in list(s):
            if self.rnd.random() < 0.1:
                del s[k]
        return s

    def rand_settings(self, reply):
        big = [0, 1, 2, 30, 3600, 86400, 86401, 0xffffffff]
        if reply:
            keys = ["timeout-ms", "max-requests", "timeout-threshold"]
        else:
            keys = ["dialog-timeout", "early-timeout", "transaction-timeout",
                    "linger-timeout", "max-bindings"]
        return {k: self.rnd.choice(big) for k in keys if self.rnd.random() < 0.5}

    def valid(self):
        """(op name, attributes) of one request of the spec."""
        op = self.rnd.choice(list(self.spec.ops))
        obj = {}
        if op.startswith("sip-") or op.startswith("binding-"):
            if self.rnd.random() < 0.9:
                obj["service"] = self.rand_service()
        if op == "sip-set" or op == "reply-set":
            obj["settings"] = self.rand_settings(op == "reply-set")
        if op.startswith("binding-"):
            r = self.rnd.random()
            if r < 0.3:
                obj["call-id"] = self.rnd.choice(
                    ["nl-1@test", "", "x" * 255, "x" * 256, "\r\n", "fz-7@test"])
            elif r < 0.6:
                obj["dest"] = dict(self.dest) if self.rnd.random() < 0.7 else \
                    {"af": "inet", "addr": "10.9.9.9", "port": 5060}
        attrs = self.spec.ops[op]["attribute-set"]
        try:
            payload = n.encode(self.spec, attrs, obj)
        except (KeyError, ValueError):
            payload = b""
        return op, payload

    def rand_attrs(self, depth):
        out = b""
        for _ in range(self.rnd.randint(0, 5)):
            t = self.rnd.randint(0, 24)
            if depth < 4 and self.rnd.random() < 0.3:
                fl = n.NLA_F_NESTED if self.rnd.random() < 0.7 else 0
                out += n.nla(t | fl, self.rand_attrs(depth + 1))
            else:
                ln = self.rnd.choice([0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 255,
                                      256, 300, self.rnd.randint(0, 2000)])
                out += n.nla(t, bytes(self.rnd.getrandbits(8) for _ in range(ln)))
        if self.rnd.random() < 0.1 and out:
            # an attribute length pointing past the end
            out = struct.pack("HH", len(out) + self.rnd.randint(1, 64),
                              self.rnd.randint(0, 20)) + out
        return out

    def mutate(self, b):
        b = bytearray(b)
        for _ in range(self.rnd.randint(1, 4)):
            if not b:
                break
            i = self.rnd.randrange(len(b))
            r = self.rnd.random()
            if r < 0.5:
                b[i] = self.rnd.getrandbits(8)
            elif r < 0.7:
                del b[i:i + self.rnd.randint(1, 8)]
            else:
                b[i:i] = bytes(self.rnd.getrandbits(8)
                               for _ in range(self.rnd.randint(1, 8)))
        return bytes(b)

    # ---- sending -----------------------------------------------------------
    def count(self, err):
        if err is None:
            self.st["ok"] += 1
            return
        name = err["error"]
        self.st["errors"][name] = self.st["errors"].get(name, 0) + 1
        d = "extack" if err.get("extack") else "no_extack"
        self.st[d][name] = self.st[d].get(name, 0) + 1

    def request(self, cmd, payload, flags=None, hdr=None):
        if flags is None:
            flags = n.NLM_F_REQUEST | n.NLM_F_ACK
        seq = self.g.send(self.g.family, flags, cmd, payload, raw_hdr=hdr)
        self.st["sent"] += 1
        msgs, err = self.g.recv_all(seq)
        if err is None and msgs and not flags & 0x300 and flags & n.NLM_F_ACK:
            _, err = self.g.recv_all(seq)  # the ACK after a do reply
        self.st["dump_msgs"] += len(msgs) if flags & 0x300 else 0
        if any(f & n.NLM_F_DUMP_INTR for f, _ in msgs):
            self.st["dumps_intr"] += 1
        self.count(err)

    def probe(self):
        """A valid request after one the kernel may drop silently."""
        self.st["probes"] += 1
        op = self.spec.ops["counters-get"]
        self.request(op["value"], b"")

    def raw_send(self, data):
        try:
            self.g.sk.send(data)
        except OSError as e:
            self.count({"error": errno.errorcode.get(e.errno, str(e.errno))})

    def drain(self):
        """Answers to messages whose sequence nobody waits for."""
        self.g.sk.setblocking(False)
        try:
            while True:
                self.g.sk.recv(1 << 20)
        except (BlockingIOError, socket.timeout):
            pass
        finally:
            self.g.sk.settimeout(5.0)

    def kind(self, k):
        self.st["kinds"][k] = self.st["kinds"].get(k, 0) + 1

    def round(self):
        r = self.rnd.random()
        if r < 0.35:
            self.kind("valid")
            op, payload = self.valid()
            if self.rnd.random() < 0.5:
                payload = self.mutate(payload)
            flags = n.NLM_F_REQUEST | n.NLM_F_ACK
            if self.rnd.random() < 0.3:
                flags = n.NLM_F_REQUEST | n.NLM_F_DUMP
            self.request(self.spec.ops[op]["value"], payload, flags)
        elif r < 0.6:
            self.kind("random")
            flags = n.NLM_F_REQUEST | n.NLM_F_ACK
            if self.rnd.random() < 0.3:
                flags = n.NLM_F_REQUEST | n.NLM_F_DUMP
            self.request(self.rnd.randint(0, 16), self.rand_attrs(0), flags)
        elif r < 0.7:
            self.kind("flags")
            flags = n.NLM_F_REQUEST
            for b in FLAG_BITS:
                if self.rnd.random() < 0.3:
                    flags |= b
            flags |= n.NLM_F_ACK  # so that every request is answered
            op, payload = self.valid()
            hdr = None
            if self.rnd.random() < 0.5:
                hdr = struct.pack("BBH", self.spec.ops[op]["value"],
                                  self.rnd.randint(0, 255),
                                  self.rnd.getrandbits(16))
            self.request(self.spec.ops[op]["value"], payload, flags, hdr)
        elif r < 0.8:
            self.kind("truncated")
            self.truncated()
        elif r < 0.87:
            self.kind("batch")
            self.batch()
        else:
            self.kind("dump")
            self.dump()

    def truncated(self):
        op, payload = self.valid()
        cmd = self.spec.ops[op]["value"]
        body = struct.pack("BBH", cmd, 1, 0) + payload
        choice = self.rnd.randint(0, 3)
        if choice == 0:
            # genetlink header cut: 0 to 3 bytes of it (an error reply)
            body = body[:self.rnd.randint(0, 3)]
            self.g.seq += 1
            msg = struct.pack("IHHII", 16 + len(body), self.g.family,
                              n.NLM_F_REQUEST | n.NLM_F_ACK, self.g.seq, 0) + body
            self.raw_send(msg)
            self.st["sent"] += 1
            try:
                _, err = self.g.recv_all(self.g.seq)
                self.count(err)
            except socket.timeout:
                self.st["silent"] += 1
                self.drain()
        else:
            # netlink length beyond what was sent, below its header, or the
            # message cut in the middle of an attribute: dropped or an error
            self.g.seq += 1
            full = struct.pack("IHHII", 16 + len(body), self.g.family,
                               n.NLM_F_REQUEST | n.NLM_F_ACK, self.g.seq, 0) + body
            if choice == 1:
                msg = struct.pack("I", len(full) + self.rnd.randint(1, 4096)) + full[4:]
            elif choice == 2:
                msg = struct.pack("I", self.rnd.randint(0, 15)) + full[4:]
            else:
                cut = self.rnd.randint(16, len(full))
                msg = struct.pack("I", cut) + full[4:cut]
            self.raw_send(msg)
            self.st["sent"] += 1
            self.st["silent"] += 1
            self.probe()
            self.drain()

    def batch(self):
        self.st["batches"] += 1
        data = b""
        seqs = []
        for _ in range(self.rnd.randint(2, 6)):
            op, payload = self.valid()
            if self.rnd.random() < 0.5:
                payload = self.mutate(payload)
            self.g.seq += 1
            body = struct.pack("BBH", self.spec.ops[op]["value"], 1, 0) + payload
            m = struct.pack("IHHII", 16 + len(body), self.g.family,
                            n.NLM_F_REQUEST | n.NLM_F_ACK, self.g.seq, 0) + body
            data += m + b"\0" * ((4 - len(m) % 4) % 4)
            seqs.append(self.g.seq)
        self.raw_send(data)
        self.st["sent"] += len(seqs)
        for s in seqs:
            msgs, err = self.g.recv_all(s)
            if err is None and msgs:
                _, err = self.g.recv_all(s)
            self.count(err)

    def dump(self):
        """A dump of the live service's bindings: abandoned after the first
        message (socket closed mid-dump) or read slowly."""
        op = self.spec.ops["binding-get"]
        obj = {"service": dict(self.svc)} if self.rnd.random() < 0.7 else {}
        if self.rnd.random() < 0.3:
            obj["dest"] = dict(self.dest)
        payload = n.encode(self.spec, op["attribute-set"], obj)
        g = self.open()
        seq = g.send(g.family, n.NLM_F_REQUEST | n.NLM_F_DUMP, op["value"], payload)
        self.st["sent"] += 1
        if self.rnd.random() < 0.5:
            msgs, err = g.recv_all(seq, max_msgs=1)
            self.st["dumps_abandoned"] += 1
            g.sk.close()
            self.st["dump_msgs"] += len(msgs)
            self.count(err)
            return
        self.st["dumps_slow"] += 1
        total, err, done = 0, None, False
        while not done:
            data = g.sk.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, t, fl, s, _ = struct.unpack_from("IHHII", data, off)
                body = data[off + 16:off + ln]
                off += max((ln + 3) & ~3, 16)
                if s != seq:
                    continue
                if t in (n.NLMSG_DONE, n.NLMSG_ERROR):
                    e = -struct.unpack_from("i", body)[0] if len(body) >= 4 else 0
                    if e:
                        err = n.Genl._err(e, fl | (n.NLM_F_CAPPED if t == n.NLMSG_DONE else 0),
                                          body[4:] if t == n.NLMSG_DONE else body,
                                          done=t == n.NLMSG_DONE)
                    done = True
                    break
                total += 1
                if fl & n.NLM_F_DUMP_INTR:
                    self.st["dumps_intr"] += 1
            time.sleep(0.002)
        g.sk.close()
        self.st["dump_msgs"] += total
        self.count(err)

    def run(self):
        end = time.time() + self.seconds
        while time.time() < end:
            try:
                self.round()
            except socket.timeout:
                self.st["timeouts"] += 1
                self.g.sk.close()
                self.g = self.open()
            except OSError as e:
                self.count({"error": errno.errorcode.get(e.errno, str(e.errno))})
                self.g.sk.close()
                self.g = self.open()
        return self.st


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    f = Fuzz(float(argv[1]), int(argv[2]), json.loads(argv[3]), json.loads(argv[4]))
    print(json.dumps(f.run(), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
