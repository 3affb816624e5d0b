#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Small generic netlink client for the ipvs_udp family (plain sockets).

Attribute names and types come from the YNL spec (netlink/ipvs_udp.yaml),
the wire format is built here with struct, so that tests can also send
what no library would: unknown attributes, wrong types, bad lengths.

  ipvs_udp_nl.py do OP [JSON]       one request, prints the JSON result
  ipvs_udp_nl.py dump OP [JSON]     dump request (--max-msgs N: stop early)
  ipvs_udp_nl.py raw CMD HEX [dump] a request with raw attribute bytes
  ipvs_udp_nl.py listen SECONDS     print the events of group "events"
  ipvs_udp_nl.py join               join group "events" and leave: the result
  ipvs_udp_nl.py ipvs CMD [dump]    a request without attributes to IPVS's own
                                    family (its permission check answers first)
  ipvs_udp_nl.py batch JSON         several of the above in one process: a list
                                    of ["do"|"dump", OP, {...}], ["join"] or
                                    ["ipvs", CMD, "do"|"dump"]; prints the list
                                    of results
  ipvs_udp_nl.py fuzz SECONDS SEED  random and mutated requests

The result is one JSON object: {"ok": true, "msgs": [...]} or
{"ok": false, "errno": N, "error": "EPERM", "extack": "..."}.
JSON request attributes: {"service": {"af": "inet", "protocol": 17,
"addr": "10.0.0.1", "port": 5060}, "settings": {...}}.
"""
import errno
import ipaddress
import json
import os
import random
import select
import socket
import struct
import sys
import time

import yaml

NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
NLM_F_REQUEST = 1
NLM_F_MULTI = 2
NLM_F_ACK = 4
NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_DROP_MEMBERSHIP = 2
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
SOL_NETLINK = 270
NLA_F_NESTED = 0x8000
ERRNAMES = {errno.EOPNOTSUPP: "EOPNOTSUPP"}

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_PATH = os.path.join(HERE, "..", "..", "netlink", "ipvs_udp.yaml")


class Spec:
    def __init__(self, path=SPEC_PATH):
        with open(path) as f:
            y = yaml.safe_load(f)
        self.name = y["name"]
        self.sets = {}
        for s in y["attribute-sets"]:
            attrs, val = {}, 1
            for a in s["attributes"]:
                val = a.get("value", val)
                attrs[a["name"]] = dict(a, value=val)
                val += 1
            self.sets[s["name"]] = attrs
        self.ops, val = {}, 1
        for o in y["operations"]["list"]:
            val = o.get("value", val)
            self.ops[o["name"]] = dict(o, value=val)
            val += 1
        self.enums = {}
        for d in y.get("definitions", []):
            if d["type"] == "enum":
                self.enums[d["name"]] = [e["name"] if isinstance(e, dict) else e
                                         for e in d["entries"]]

    def op_by_cmd(self, cmd):
        for o in self.ops.values():
            if o["value"] == cmd:
                return o
        return None


def nla(atype, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, atype) + payload + b"\0" * ((4 - n % 4) % 4)


def af_num(v):
    if isinstance(v, int):
        return v
    return {"inet": socket.AF_INET, "inet6": socket.AF_INET6}[v]


def encode(spec, set_name, obj):
    out = b""
    attrs = spec.sets[set_name]
    for k, v in obj.items():
        a = attrs[k]
        t = a["type"]
        vals = v if a.get("multi-attr") and isinstance(v, list) else [v]
        for v1 in vals:
            if t == "nest":
                out += nla(a["value"] | NLA_F_NESTED,
                           encode(spec, a["nested-attributes"], v1))
            elif t in ("u8", "u16", "u32", "u64"):
                if k == "af":
                    v1 = af_num(v1)
                if isinstance(v1, str) and "enum" in a:
                    v1 = spec.enums[a["enum"]].index(v1)
                fmt = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q"}[t]
                if a.get("byte-order") == "big-endian":
                    fmt = ">" + fmt
                out += nla(a["value"], struct.pack(fmt, v1))
            elif t == "flag":
                if v1:
                    out += nla(a["value"], b"")
            elif t == "binary":
                if isinstance(v1, str) and v1.startswith("hex:"):
                    b = bytes.fromhex(v1[4:])
                elif k == "addr" and isinstance(v1, str):
                    b = ipaddress.ip_address(v1).packed
                else:
                    b = v1.encode() if isinstance(v1, str) else bytes(v1)
                out += nla(a["value"], b)
            else:
                raise ValueError("cannot encode %s" % t)
    return out


def decode(spec, set_name, data):
    res = {}
    attrs = {a["value"]: a for a in spec.sets[set_name].values()}
    off = 0
    while off + 4 <= len(data):
        n, t = struct.unpack_from("HH", data, off)
        if n < 4:
            break
        p = data[off + 4:off + n]
        off += (n + 3) & ~3
        a = attrs.get(t & 0x3fff)
        if a is None:
            res["unknown-%d" % (t & 0x3fff)] = p.hex()
            continue
        k, ty = a["name"], a["type"]
        if ty == "pad":
            continue
        if ty == "nest":
            v = decode(spec, a["nested-attributes"], p)
        elif ty in ("u8", "u16", "u32", "u64"):
            fmt = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q"}[ty]
            if a.get("byte-order") == "big-endian":
                fmt = ">" + fmt
            v = struct.unpack(fmt, p)[0]
            if "enum" in a and v < len(spec.enums[a["enum"]]):
                v = spec.enums[a["enum"]][v]
        elif ty == "binary" and k == "addr" and len(p) in (4, 16):
            v = str(ipaddress.ip_address(p))
        elif ty == "binary":
            v = p.decode("latin-1")
        elif ty == "string":
            v = p.rstrip(b"\0").decode("utf-8", "replace")
        else:
            v = p.hex()
        if a.get("multi-attr"):
            res.setdefault(k, []).append(v)
        else:
            res[k] = v
    return res


class Genl:
    def __init__(self, timeout=5.0):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_GENERIC)
        self.sk.bind((0, 0))
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sk.settimeout(timeout)
        self.seq = int(time.time()) & 0xffff
        self.family = None
        self.groups = {}

    def send(self, ftype, flags, cmd, payload, version=1, raw_hdr=None):
        self.seq += 1
        hdr = raw_hdr if raw_hdr is not None else struct.pack("BBH", cmd,
                                                              version, 0)
        body = hdr + payload
        msg = struct.pack("IHHII", 16 + len(body), ftype, flags, self.seq,
                          0) + body
        self.sk.send(msg)
        return self.seq

    def recv_all(self, seq, max_msgs=None):
        """Messages of a request until its ACK/DONE/error.

        Return: (list of (flags, genl payload), error dict or None)."""
        msgs = []
        while True:
            data = self.sk.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                n, t, fl, s, _ = struct.unpack_from("IHHII", data, off)
                body = data[off + 16:off + n]
                off += (n + 3) & ~3
                if s != seq:
                    continue
                if t == NLMSG_ERROR:
                    err = -struct.unpack_from("i", body)[0]
                    if err == 0:
                        return msgs, None
                    return msgs, self._err(err, fl, body)
                if t == NLMSG_DONE:
                    err = -struct.unpack_from("i", body)[0] if len(body) >= 4 else 0
                    if err:
                        return msgs, self._err(err, fl | NLM_F_CAPPED, body[4:],
                                               done=True)
                    return msgs, None
                msgs.append((fl, body))
                if max_msgs is not None and len(msgs) >= max_msgs:
                    return msgs, None
                if not fl & NLM_F_MULTI:
                    # a do reply; the ACK follows only with NLM_F_ACK
                    return msgs, None

    @staticmethod
    def _err(err, fl, body, done=False):
        res = {"ok": False, "errno": err,
               "error": ERRNAMES.get(err, errno.errorcode.get(err, str(err))),
               "extack": ""}
        if done:
            tlv = body
        else:
            if not fl & NLM_F_ACK_TLVS:
                return res
            if fl & NLM_F_CAPPED:
                tlv = body[4 + 16:]
            else:
                inner = struct.unpack_from("I", body, 4)[0]
                tlv = body[4 + ((inner + 3) & ~3):]
        off = 0
        while off + 4 <= len(tlv):
            n, t = struct.unpack_from("HH", tlv, off)
            if n < 4:
                break
            if t == NLMSGERR_ATTR_MSG:
                res["extack"] = tlv[off + 4:off + n].rstrip(b"\0").decode()
            elif t == NLMSGERR_ATTR_OFFS:
                res["offset"] = struct.unpack_from("I", tlv, off + 4)[0]
            off += (n + 3) & ~3
        return res

    def resolve(self, name):
        seq = self.send(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
                        CTRL_CMD_GETFAMILY,
                        nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        msgs, err = self.recv_all(seq)
        if err:
            return err
        body = msgs[0][1][4:]
        off = 0
        while off + 4 <= len(body):
            n, t = struct.unpack_from("HH", body, off)
            p = body[off + 4:off + n]
            if t == CTRL_ATTR_FAMILY_ID:
                self.family = struct.unpack("H", p)[0]
            elif t & 0x3fff == CTRL_ATTR_MCAST_GROUPS:
                goff = 0
                while goff + 4 <= len(p):
                    gn, _ = struct.unpack_from("HH", p, goff)
                    g = p[goff + 4:goff + gn]
                    goff += (gn + 3) & ~3
                    gname, gid, ioff = None, None, 0
                    while ioff + 4 <= len(g):
                        inn, it = struct.unpack_from("HH", g, ioff)
                        if it == 2:
                            gid = struct.unpack_from("I", g, ioff + 4)[0]
                        elif it == 1:
                            gname = g[ioff + 4:ioff + inn].rstrip(b"\0").decode()
                        ioff += (inn + 3) & ~3
                    self.groups[gname] = gid
            off += (n + 3) & ~3
        return None


def run_op(spec, g, mode, opname, obj, max_msgs=None):
    op = spec.ops[opname]
    payload = encode(spec, op["attribute-set"], obj or {})
    flags = NLM_F_REQUEST | NLM_F_ACK
    if mode == "dump":
        flags = NLM_F_REQUEST | NLM_F_DUMP
    seq = g.send(g.family, flags, op["value"], payload)
    msgs, err = g.recv_all(seq, max_msgs)
    if err:
        return err
    if mode == "do" and msgs:
        g.recv_all(seq)         # the ACK after the reply
    out = []
    intr = False
    for fl, body in msgs:
        intr |= bool(fl & NLM_F_DUMP_INTR)
        out.append(decode(spec, op["attribute-set"], body[4:]))
    return {"ok": True, "msgs": out, "intr": intr}


def join_events(g):
    """Join the "events" group (the kernel's multicast permission check)."""
    try:
        g.sk.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.groups["events"])
    except OSError as e:
        return {"ok": False, "errno": e.errno,
                "error": errno.errorcode.get(e.errno, str(e.errno)), "extack": ""}
    g.sk.setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, g.groups["events"])
    return {"ok": True}


def ipvs_request(cmd, dump):
    """A request without attributes to IPVS's own family "IPVS", version 1.

    Its permission check comes before it looks at attributes, so the
    answer says whether this caller may use that operation: EPERM, or
    what the operation makes of an empty request."""
    g = Genl()
    err = g.resolve("IPVS")
    if err:
        return err
    flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
    seq = g.send(g.family, flags, cmd, b"")
    msgs, err = g.recv_all(seq)
    if err:
        return err
    if not dump and msgs:
        g.recv_all(seq)
    return {"ok": True, "msgs": len(msgs)}


def batch(spec, g, items):
    out = []
    for it in items:
        try:
            if it[0] in ("do", "dump"):
                out.append(run_op(spec, g, it[0], it[1],
                                  it[2] if len(it) > 2 else {}))
            elif it[0] == "join":
                out.append(join_events(resolved_genl(spec)))
            elif it[0] == "ipvs":
                out.append(ipvs_request(int(it[1]), it[2] == "dump"))
            else:
                raise ValueError("unknown batch item %r" % (it,))
        except socket.timeout:
            out.append({"ok": False, "error": "timeout", "extack": ""})
        except OSError as e:
            out.append({"ok": False, "errno": e.errno,
                        "error": errno.errorcode.get(e.errno, ""), "extack": ""})
    return out


def resolved_genl(spec):
    g = Genl()
    g.resolve(spec.name)
    return g


def fuzz(spec, g, seconds, seed):
    """Random and mutated requests; every one must get a clean answer."""
    rnd = random.Random(seed)
    stats = {"sent": 0, "ok": 0, "errors": {}, "extack": 0, "timeouts": 0}
    valid = [
        ("sip-get", {"service": {"af": "inet", "protocol": 17,
                                 "addr": "10.0.0.100", "port": 5060}}),
        ("sip-set", {"service": {"af": "inet", "protocol": 17,
                                 "addr": "10.0.0.100", "port": 5060},
                     "settings": {"linger-timeout": 30}}),
        ("binding-get", {"service": {"af": "inet", "fwmark": 1},
                         "call-id": "x"}),
        ("binding-flush", {"service": {"af": "inet6", "protocol": 17,
                                       "addr": "fd00::100", "port": 5060},
                           "call-id": "abc"}),
        ("radius-get", {"service": {"af": "inet", "protocol": 17,
                                    "addr": "10.0.100.1", "port": 1812}}),
        ("radius-set", {"service": {"af": "inet", "protocol": 17,
                                    "addr": "10.0.100.1", "port": 1812},
                        "settings": {"conversation-timeout": 30,
                                     "acct-timeout": 0}}),
        ("binding-get", {"service": {"af": "inet", "protocol": 17,
                                     "addr": "10.0.100.1", "port": 1812},
                         "key": "hex:047374"}),
        ("binding-flush", {"service": {"af": "inet", "protocol": 17,
                                       "addr": "10.0.100.1", "port": 1812},
                           "key": "hex:010078"}),
        ("reply-get", {}), ("reply-set", {"settings": {"timeout-ms": 5000}}),
        ("reply-dest-get", {}), ("counters-get", {}),
    ]

    def rand_attrs(depth):
        out = b""
        for _ in range(rnd.randint(0, 5)):
            t = rnd.randint(0, 20)
            if depth < 3 and rnd.random() < 0.3:
                out += nla(t | (NLA_F_NESTED if rnd.random() < 0.7 else 0),
                           rand_attrs(depth + 1))
            else:
                n = rnd.choice([0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 255, 256,
                                300, rnd.randint(0, 2000)])
                out += nla(t, bytes(rnd.getrandbits(8) for _ in range(n)))
        return out

    def mutate(b):
        b = bytearray(b)
        for _ in range(rnd.randint(1, 4)):
            if not b:
                break
            i = rnd.randrange(len(b))
            r = rnd.random()
            if r < 0.5:
                b[i] = rnd.getrandbits(8)
            elif r < 0.7:
                del b[i:i + rnd.randint(1, 8)]
            else:
                b[i:i] = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 8)))
        return bytes(b)

    end = time.time() + seconds
    while time.time() < end:
        r = rnd.random()
        if r < 0.5:
            name, obj = rnd.choice(valid)
            op = spec.ops[name]
            cmd = op["value"]
            payload = mutate(encode(spec, op["attribute-set"], obj))
        else:
            cmd = rnd.randint(0, 12)
            payload = rand_attrs(0)
        flags = NLM_F_REQUEST | NLM_F_ACK
        if rnd.random() < 0.3:
            flags = NLM_F_REQUEST | NLM_F_DUMP
        raw_hdr = None
        if rnd.random() < 0.05:
            raw_hdr = struct.pack("BBH", cmd, rnd.randint(0, 3),
                                  rnd.getrandbits(16))
        try:
            seq = g.send(g.family, flags, cmd, payload, raw_hdr=raw_hdr)
            stats["sent"] += 1
            _, err = g.recv_all(seq)
        except socket.timeout:
            stats["timeouts"] += 1
            continue
        except OSError as e:
            err = {"error": errno.errorcode.get(e.errno, str(e.errno)),
                   "extack": ""}
        if err is None:
            stats["ok"] += 1
        else:
            stats["errors"][err["error"]] = stats["errors"].get(err["error"], 0) + 1
            if err.get("extack"):
                stats["extack"] += 1
    return stats


def main(argv):
    max_msgs = None
    if len(argv) > 1 and argv[1] == "--max-msgs":
        max_msgs = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec = Spec()
    try:
        g = Genl()
    except OSError as e:
        print(json.dumps({"ok": False, "errno": e.errno,
                          "error": errno.errorcode.get(e.errno, "")}))
        return 1
    err = g.resolve(spec.name)
    if err:
        err["extack"] = err["extack"] or "family not found"
        print(json.dumps(err))
        return 1
    mode = argv[1]
    try:
        if mode in ("do", "dump"):
            obj = json.loads(argv[3]) if len(argv) > 3 else {}
            res = run_op(spec, g, mode, argv[2], obj, max_msgs)
        elif mode == "raw":
            flags = NLM_F_REQUEST | NLM_F_ACK
            if len(argv) > 4 and argv[4] == "dump":
                flags = NLM_F_REQUEST | NLM_F_DUMP
            seq = g.send(g.family, flags, int(argv[2]), bytes.fromhex(argv[3]))
            msgs, err = g.recv_all(seq)
            res = err or {"ok": True, "msgs": [m[1].hex() for m in msgs]}
        elif mode == "listen":
            g.sk.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                            g.groups["events"])
            end = time.time() + float(argv[2])
            sys.stdout.write(json.dumps({"listening": True}) + "\n")
            sys.stdout.flush()
            while time.time() < end:
                r, _, _ = select.select([g.sk], [], [], end - time.time())
                if not r:
                    break
                data = g.sk.recv(1 << 16)
                n, t, fl, s, _ = struct.unpack_from("IHHII", data)
                if t != g.family:
                    continue        # e.g. the ACK of the family lookup
                ev = decode(spec, "event", data[20:n])
                sys.stdout.write(json.dumps({"event": ev}) + "\n")
                sys.stdout.flush()
            return 0
        elif mode == "join":
            res = join_events(g)
        elif mode == "ipvs":
            res = ipvs_request(int(argv[2]), len(argv) > 3 and argv[3] == "dump")
        elif mode == "batch":
            print(json.dumps(batch(spec, g, json.loads(argv[2]))))
            return 0
        elif mode == "fuzz":
            res = fuzz(spec, g, float(argv[2]), int(argv[3]))
            res["ok"] = True
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except socket.timeout:
        res = {"ok": False, "error": "timeout", "extack": ""}
    except OSError as e:
        res = {"ok": False, "errno": e.errno,
               "error": errno.errorcode.get(e.errno, ""), "extack": ""}
    print(json.dumps(res))
    return 0 if res.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
