#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded torture run of the ipvs-udp modules (tests/scenarios/torture.sh).

Usage: torture.py SEED SECONDS

Runs inside the UML test kernel on the NAT topology torture.sh builds
(director dir1, real servers rs1..rs3 answering on 5060, 53 and 1812,
clients cl1/cl2 sending SIP-, DNS- and RADIUS-shaped, garbage and flood
traffic). For SECONDS it draws operations from random.Random(SEED):

  services   add, delete, edit (scheduler sip / radius / lor / rr, the
             reply engine on or off, sip and radius flags) under traffic
             (ipvsadm -E)
  servers    add, delete, re-add, weight to 0 and back
  netns      side namespaces with services, deleted without any cleanup
  modules    unload attempts (refused while used), reloads by autoload
  sysctls    expire_nodest_conn, conntrack, net.ipvs_udp.icmp_vip
  netlink    sip-set, radius-set (seed, cap, timeouts), reply-set, dumps,
             flushes

After every step it checks: the kernel log holds no new WARNING, BUG,
KASAN, lockdep, RCU or refcount report; no datagram reached a real server
more than a second after it left the port's service; the sip counters add
up (Messages = Parsed + NoKey, Bindings <= Cap). Each operation is printed
with its step number, so a failure names the seed and the step: the same
SEED replays the same operations (timing, and so the traffic, differs).

Prints "# ..." progress lines and one "PASS: ..." or "FAIL: ..." line per
invariant class at the end; exit status 1 on any failure.
"""
import json
import os
import random
import re
import subprocess
import sys
import time

VIP = "10.0.100.1"
PORTS = (5060, 53, 1812)
RS = {1: "10.0.2.11", 2: "10.0.2.12", 3: "10.0.2.13"}
NL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ipvs_udp_nl.py")
MODULES = ("ip_vs_udp_nl", "ip_vs_sip", "ip_vs_radius", "ip_vs_kaff",
           "ip_vs_lor", "ip_vs_pe_reply", "ip_vs_icmp_vip")
SCHEDS = ("sip", "radius", "lor", "rr")
KEYED = ("sip", "radius")  # schedulers with bindings and flags
BAD = re.compile(r"WARNING:|BUG:|KASAN|UBSAN|refcount_t|possible recursive|"
                 r"circular locking|suspicious RCU|Oops|general protection|"
                 r"leaking memory|kernel BUG|list_add corruption|"
                 r"list_del corruption|INFO: task .* blocked")
GRACE = 1.0


def run(*args, check=False, timeout=60):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if check and p.returncode:
        raise RuntimeError("%s: %s" % (" ".join(args), p.stderr.strip()))
    return p


def ns(name, *args, **kw):
    return run("ip", "netns", "exec", name, *args, **kw)


class Kmsg:
    """New kernel log records since the last read (non-blocking)."""

    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)

    def new(self):
        out = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except OSError:  # EPIPE: records were overwritten; go on
                continue
            if not rec:
                break
            out.append(rec.decode(errors="replace").split(";", 1)[-1])
        return out


class Torture:
    def __init__(self, seed, seconds):
        self.rnd = random.Random(seed)
        self.seed = seed
        self.deadline = time.monotonic() + seconds
        self.svcs = {}  # port -> {"sched", "pe", "flags", "dests": {i: w}}
        self.removed = {}  # (i, port) -> [t_removed, snapshot or None]
        # (scheduler, port) -> bindings when its cap was last set: a lower cap
        # refuses new bindings but keeps those there (they expire)
        self.cap_floor = {}
        self.side = []  # side namespaces alive
        self.nside = 0
        self.step = 0
        self.fails = {"log": 0, "removed": 0, "counters": 0, "ops": 0}
        self.kmsg = Kmsg()
        self.ops = 0

    # ---- helpers -------------------------------------------------------
    def say(self, msg):
        print("# [%d] %s" % (self.step, msg), flush=True)

    def fail(self, kind, msg):
        self.fails[kind] += 1
        print("# FAILED [%d] %s: %s (seed %d)" % (self.step, kind, msg,
                                                  self.seed), flush=True)

    def ipvsadm(self, *args):
        p = ns("dir1", "ipvsadm", *args)
        self.say("ipvsadm %s -> %d %s" % (" ".join(args), p.returncode,
                                          p.stderr.strip()[:80]))
        return p.returncode == 0

    def nl(self, *args, netns="dir1"):
        p = ns(netns, "/usr/bin/python3", NL, *args, timeout=60)
        try:
            return json.loads(p.stdout) if p.stdout.strip() else {}
        except ValueError:
            return {"raw": p.stdout[:200]}

    def svc_opts(self, sched, pe, flags):
        o = ["-s", sched, "-o"]
        if pe:
            o += ["--pe", "reply"]
        if sched in KEYED and flags:
            o += ["-b", ",".join(flags)]
        return o

    def rs_count(self, i, port):
        p = ns("rs%d" % i, "iptables-legacy", "-nvxL", "INPUT")
        for line in p.stdout.splitlines():
            if "dpt:%d" % port in line:
                return int(line.split()[0])
        return 0

    def mark_removed(self, i, port):
        self.removed[(i, port)] = [time.monotonic(), None]

    def mark_added(self, i, port):
        self.removed.pop((i, port), None)

    # ---- operations ----------------------------------------------------
    def op_svc_add(self):
        free = [p for p in PORTS if p not in self.svcs]
        if not free:
            return self.op_svc_edit()
        port = self.rnd.choice(free)
        sched = self.rnd.choice(SCHEDS)
        pe = self.rnd.random() < 0.6
        flags = self.rnd.sample(["flag-1", "flag-2", "flag-3"],
                                self.rnd.randint(0, 1))
        if self.ipvsadm("-A", "-u", "%s:%d" % (VIP, port),
                        *self.svc_opts(sched, pe, flags)):
            self.svcs[port] = {"sched": sched, "pe": pe, "flags": flags,
                               "dests": {}}
            for i in self.rnd.sample(sorted(RS), self.rnd.randint(1, 3)):
                self.dest_add(port, i, self.rnd.randint(0, 3))

    def op_svc_del(self):
        if not self.svcs:
            return self.op_svc_add()
        port = self.rnd.choice(sorted(self.svcs))
        if self.ipvsadm("-D", "-u", "%s:%d" % (VIP, port)):
            for i in self.svcs.pop(port)["dests"]:
                self.mark_removed(i, port)

    def op_svc_edit(self):
        if not self.svcs:
            return self.op_svc_add()
        port = self.rnd.choice(sorted(self.svcs))
        s = self.svcs[port]
        sched = self.rnd.choice(SCHEDS)
        pe = self.rnd.random() < 0.6
        flags = self.rnd.sample(["flag-1", "flag-2", "flag-3"],
                                self.rnd.randint(0, 2))
        if self.ipvsadm("-E", "-u", "%s:%d" % (VIP, port),
                        *self.svc_opts(sched, pe, flags)):
            s.update(sched=sched, pe=pe, flags=flags)

    def dest_add(self, port, i, w):
        if self.ipvsadm("-a", "-u", "%s:%d" % (VIP, port), "-r",
                        "%s:%d" % (RS[i], port), "-m", "-w", str(w)):
            self.svcs[port]["dests"][i] = w
            self.mark_added(i, port)

    def op_dest(self):
        if not self.svcs:
            return self.op_svc_add()
        port = self.rnd.choice(sorted(self.svcs))
        dests = self.svcs[port]["dests"]
        i = self.rnd.choice(sorted(RS))
        if i not in dests:
            self.dest_add(port, i, self.rnd.randint(0, 3))
        elif self.rnd.random() < 0.4:
            if self.ipvsadm("-d", "-u", "%s:%d" % (VIP, port), "-r",
                            "%s:%d" % (RS[i], port)):
                del dests[i]
                self.mark_removed(i, port)
        else:
            w = 0 if dests[i] else self.rnd.randint(1, 3)
            if self.ipvsadm("-e", "-u", "%s:%d" % (VIP, port), "-r",
                            "%s:%d" % (RS[i], port), "-m", "-w", str(w)):
                dests[i] = w

    def op_netns(self):
        if self.side and (len(self.side) > 2 or self.rnd.random() < 0.5):
            name = self.side.pop(self.rnd.randrange(len(self.side)))
            p = run("ip", "netns", "del", name)
            self.say("netns del %s (no cleanup) -> %d" % (name, p.returncode))
            return
        self.nside += 1
        name = "tx%d" % self.nside
        run("ip", "netns", "add", name, check=True)
        self.side.append(name)
        ns(name, "ip", "link", "set", "lo", "up")
        ns(name, "ip", "addr", "add", "10.9.0.1/24", "dev", "lo")
        for port, sched in ((5060, "sip"), (53, "lor"),
                            (1812, self.rnd.choice(("radius", "rr")))):
            pe = ["--pe", "reply"] if self.rnd.random() < 0.7 else []
            ns(name, "ipvsadm", "-A", "-u", "%s:%d" % (VIP, port), "-s",
               sched, "-o", *pe)
            for k in range(self.rnd.randint(0, 3)):
                ns(name, "ipvsadm", "-a", "-u", "%s:%d" % (VIP, port), "-r",
                   "10.9.0.%d:%d" % (10 + k, port), "-m", "-w",
                   str(self.rnd.randint(0, 2)))
        if self.rnd.random() < 0.5:
            self.nl("do", "sip-set", json.dumps({
                "service": {"af": "inet", "protocol": 17, "addr": VIP,
                            "port": 5060},
                "settings": {"seed": self.rnd.getrandbits(63)}}), netns=name)
        if self.rnd.random() < 0.5:
            self.nl("do", "radius-set", json.dumps({
                "service": {"af": "inet", "protocol": 17, "addr": VIP,
                            "port": 1812},
                "settings": {"seed": self.rnd.getrandbits(63),
                             "acct-timeout": 5}}), netns=name)
        if self.rnd.random() < 0.5:
            ns(name, "ipvsadm", "-d", "-u", "%s:5060" % VIP, "-r",
               "10.9.0.10:5060")
        self.say("netns add %s with services" % name)

    def op_module(self):
        m = self.rnd.choice(MODULES)
        p = run("modprobe", "-r", m)
        self.say("modprobe -r %s -> %d %s" % (m, p.returncode,
                                              p.stderr.strip()[:60]))

    def op_sysctl(self):
        key, vals = self.rnd.choice((
            ("net.ipv4.vs.expire_nodest_conn", ("0", "1")),
            ("net.ipv4.vs.conntrack", ("0", "1")),
            ("net.ipvs_udp.icmp_vip", ("0", "1"))))
        v = self.rnd.choice(vals)
        p = ns("dir1", "sysctl", "-qw", "%s=%s" % (key, v))
        self.say("sysctl %s=%s -> %d" % (key, v, p.returncode))

    def op_netlink(self):
        svc = {"af": "inet", "protocol": 17, "addr": VIP,
               "port": self.rnd.choice(PORTS)}
        c = self.rnd.randrange(9)
        if c in (0, 7):
            sched = "sip" if c == 0 else "radius"
            st = {"seed": self.rnd.getrandbits(63)}
            if self.rnd.random() < 0.5:
                st["max-bindings"] = self.rnd.choice((0, 1, 50, 262144))
            if self.rnd.random() < 0.5:
                st["transaction-timeout" if c == 0 else
                   "conversation-timeout"] = self.rnd.randint(1, 60)
            if c == 7 and self.rnd.random() < 0.5:
                st["acct-timeout"] = self.rnd.randint(0, 60)
            r = self.nl("do", sched + "-set",
                        json.dumps({"service": svc, "settings": st}))
            if "max-bindings" in st and r.get("ok"):
                b = self.keyed_proc(sched).get(svc["port"], {}).get(
                    "Bindings")
                if b is not None:
                    self.cap_floor[(sched, svc["port"])] = int(b)
        elif c == 1:
            st = {"timeout-ms": self.rnd.randint(1, 5000),
                  "strict": self.rnd.randint(0, 1),
                  "txid-match": self.rnd.randint(0, 1)}
            body = {"settings": st}
            if self.rnd.random() < 0.5:
                body["service"] = svc
            r = self.nl("do", "reply-set", json.dumps(body))
        elif c == 2:
            r = self.nl("dump", "binding-get", json.dumps({"service": svc}))
        elif c == 3:
            r = self.nl("dump", "reply-dest-get", "{}")
        elif c == 4:
            r = self.nl("do", "binding-flush", json.dumps({"service": svc}))
        elif c == 5:
            r = self.nl("do", "sip-get", json.dumps({"service": svc}))
        elif c == 8:
            r = self.nl("do", "radius-get", json.dumps({"service": svc}))
        else:
            r = self.nl("do", "counters-get", json.dumps({"service": svc}))
        self.say("netlink op %d on port %d -> %s" %
                 (c, svc["port"], json.dumps(r)[:100]))

    # ---- invariants ----------------------------------------------------
    def check_log(self):
        for line in self.kmsg.new():
            if BAD.search(line):
                self.fail("log", line.strip()[:200])

    def check_removed(self):
        now = time.monotonic()
        for (i, port), st in self.removed.items():
            if now - st[0] < GRACE:
                continue
            n = self.rs_count(i, port)
            if st[1] is None:
                st[1] = n
            elif n != st[1]:
                self.fail("removed", "rs%d:%d got %d datagrams %.1f s after "
                          "it left the service" % (i, port, n - st[1],
                                                   now - st[0]))
                st[1] = n

    def keyed_proc(self, sched):
        """dir1's /proc/net/ip_vs_<sched>: {port: {column: value}}, each
        with its line under "line" ({} when the module is not loaded)."""
        p = ns("dir1", "cat", "/proc/net/ip_vs_" + sched)
        if p.returncode:
            return {}
        lines = p.stdout.splitlines()
        if len(lines) < 2:
            return {}
        head = lines[0].split()
        out = {}
        for line in lines[1:]:
            f = line.split()
            # the Service column is two fields: protocol and address
            v = dict(zip(head[1:], f[2:]))
            v["line"] = line
            port = f[1].rsplit(":", 1)[-1] if len(f) > 1 else ""
            out[int(port) if port.isdigit() else line] = v
        return out

    def check_counters(self):
        for sched in KEYED:
            for port, v in self.keyed_proc(sched).items():
                self.check_keyed(sched, port, v)

    def check_keyed(self, sched, port, v):
        line = v["line"]
        try:
            b, cap = int(v["Bindings"]), int(v["Cap"])
            if sched == "sip":
                msgs, parsed, nokey = (int(v["Messages"]), int(v["Parsed"]),
                                       int(v["NoKey"]))
        except (KeyError, ValueError):
            self.fail("counters", "unreadable line: %s" % line)
            return
        # Two reads of per-CPU counters race with traffic: Messages is
        # counted first, so it may lead by a few.
        if sched == "sip" and not 0 <= msgs - parsed - nokey <= 64:
            self.fail("counters", "Messages %d != Parsed %d + NoKey %d"
                      % (msgs, parsed, nokey))
        # Under a cap set lower than the bindings there were, those stay
        # until they expire, and no new one may join them.
        floor = self.cap_floor.get((sched, port))
        if floor is not None:
            floor = self.cap_floor[(sched, port)] = min(floor, b)
        if b > max(cap, floor or 0):
            self.fail("counters", "%s Bindings %d > Cap %d%s" % (
                sched, b, cap, "" if floor is None else
                " and the %d there when it was set" % floor))

    # ---- main loop -----------------------------------------------------
    def run(self):
        ops = ((self.op_svc_add, 3), (self.op_svc_del, 1),
               (self.op_svc_edit, 3), (self.op_dest, 6), (self.op_netns, 2),
               (self.op_module, 1), (self.op_sysctl, 1),
               (self.op_netlink, 3))
        table = [f for f, w in ops for _ in range(w)]
        while time.monotonic() < self.deadline:
            self.step += 1
            op = self.rnd.choice(table)
            try:
                op()
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                self.fail("ops", "%s: %s" % (op.__name__, e))
            self.check_log()
            self.check_removed()
            if self.step % 5 == 0:
                self.check_counters()
            time.sleep(self.rnd.random() * 0.3)
        # the side namespaces go as containers do
        for name in self.side:
            run("ip", "netns", "del", name)
        self.check_log()
        self.say("%d steps" % self.step)
        names = {"log": "kernel log clean after every step",
                 "removed": "no datagram reached a removed server",
                 "counters": "sip counters add up, sip and radius bindings "
                             "within the cap",
                 "ops": "every operation completed"}
        for k, text in names.items():
            if self.fails[k]:
                print("FAIL: %s (seed %d, %d failures)" %
                      (text, self.seed, self.fails[k]))
            else:
                print("PASS: %s (%d steps)" % (text, self.step))
        return 1 if any(self.fails.values()) else 0


def main():
    seed, seconds = int(sys.argv[1]), float(sys.argv[2])
    return Torture(seed, seconds).run()


if __name__ == "__main__":
    sys.exit(main())
