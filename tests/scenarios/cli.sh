#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipvs-udp CLI (and through it the C++ library, build/cmake/cli/ipvs-udp
# built on the host, visible here through the read-only host root) against
# the real kernel:
#
#   cl1 --- rt --- lan --- dir1 (services configured by ipvs-udp only)
#                     +--- rs1, rs2, rs3 (SIPp UAS on port 5060)
#
# - "module not loaded" messages (IPVS itself, then ip_vs_sip);
# - one-line service and destination setup, cross-checked against what
#   ipvsadm -Ln reads; connection entries and counters against ipvsadm
#   -Lnc and ipvsadm -Ln --stats;
# - after SIPp calls through a sip service, `calls --json` lists the live
#   bindings with the servers that got each call's INVITE; flushing a
#   quiesced server moves its calls (their next messages are bound to the
#   others), and `watch` reports the flush;
# - reply accounting (`servers --json`) against /proc/net/ip_vs_pe_reply,
#   reply engine settings round trip;
# - an unprivileged user, and root of a user namespace that does not own
#   the network namespace, get the CAP_NET_ADMIN message.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/cli.sh [test_...]

# shellcheck disable=SC2317,SC2001 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

CLI=${IPVS_UDP_CLI:-$PWD/build/cmake/cli/ipvs-udp}

# rc_msg RC WANT TEXT PATTERN: exit status RC is WANT and TEXT has PATTERN.
rc_msg() { [ "$1" = "$2" ] && grep -q -- "$4" <<<"$3"; }
# all_in TEXT PATTERN...: TEXT has every PATTERN.
all_in() {
	local t=$1 p
	shift
	for p in "$@"; do
		grep -q -- "$p" <<<"$t" || return 1
	done
}

# cli NS ARGS...: the CLI in namespace NS; its stderr goes to stdout.
cli() {
	local n=$1
	shift
	ns "$n" "$CLI" "$@" 2>&1
}

# Runs first (tests run in name order): nothing is loaded yet.
test_a_not_loaded() {
	local out rc old
	if lsmod | grep -q '^ip_vs '; then
		skip "not loaded: ip_vs is already loaded"
		return 0
	fi
	# Block module autoloading for one request: IPVS stays missing.
	old=$(sysctl -n kernel.modprobe)
	sysctl -qw kernel.modprobe=/bin/false
	out=$("$CLI" service show 2>&1)
	rc=$?
	sysctl -qw kernel.modprobe="$old"
	echo "# $out"
	check "IPVS missing: exit 3, says 'modprobe ip_vs' (exit $rc)" \
		rc_msg "$rc" 3 "$out" "modprobe ip_vs"
	out=$("$CLI" service show 2>&1)
	rc=$?
	check "IPVS autoloaded by the family lookup: service show exits 0 (exit $rc)" [ "$rc" = 0 ]
	if lsmod | grep -q '^ip_vs_sip '; then
		skip "sip not loaded: ip_vs_sip is already loaded"
		return 0
	fi
	out=$("$CLI" call show 2>&1)
	rc=$?
	echo "# $out"
	check "ip_vs_sip missing: call show exits 3 and says 'modprobe ip_vs_sip' (exit $rc)" \
		rc_msg "$rc" 3 "$out" "modprobe ip_vs_sip"
}

# cmp_ipvsadm NS: the CLI's status --json against ipvsadm -Ln, service by
# service and destination by destination. Prints what differs.
cmp_ipvsadm() {
	/usr/bin/python3 - "$(cli "$1" --json service show)" "$(ns "$1" ipvsadm -Ln)" \
		"$(ns "$1" ipvsadm -Sn)" <<'EOF'
import json, sys
mine = json.loads(sys.argv[1])["services"]
# ipvsadm -Ln shows the engine of persistent services only; -Sn always.
pes = {}
for line in sys.argv[3].splitlines():
    w = line.split()
    if w and w[0] == "-A":
        kind = {"-u": "udp:", "-t": "tcp:", "-f": "fwmark:"}[w[1]]
        pes[kind + w[2]] = w[w.index("--pe") + 1] if "--pe" in w else ""
fwd = {"Route": "route", "Masq": "nat", "Tunnel": "tunnel", "Local": "local"}
# Scheduler flags by name (ipvs-udp, patched ipvsadm) or by number (stock).
NAMES = {p + n: "flag-%d" % i for p in ("sip-", "radius-")
         for i, n in ((1, "move-quiesced"), (2, "addr-only"), (3, "stateless"))}
NAMES.update({"sh-fallback": "flag-1", "sh-port": "flag-2",
              "mh-fallback": "flag-1", "mh-port": "flag-2"})
def sched_flags(names):
    return sorted(f for f in (NAMES.get(x, x) for x in names) if f.startswith("flag-"))
theirs, cur = {}, None
for line in sys.argv[2].splitlines():
    w = line.split()
    if not w or w[0] in ("IP", "Prot") or w[1] == "RemoteAddress:Port":
        continue
    if w[0] in ("UDP", "TCP", "FWM"):
        key = ("fwmark:" + w[1]) if w[0] == "FWM" else (w[0].lower() + ":" + w[1])
        rest = w[3:]
        flags = [x.strip("()") for x in ",".join(rest).split(",")]
        cur = theirs[key] = {"scheduler": w[2], "ops": "ops" in rest,
                             "pe": pes.get(key, "?"),
                             "flags": sched_flags(flags),
                             "dests": {}}
    elif w[0] == "->":
        cur["dests"][w[1]] = (fwd.get(w[2], w[2]), int(w[3]))
bad = []
if sorted(theirs) != sorted(s["service"] for s in mine):
    bad.append("services: ipvsadm %s, ipvs-udp %s"
               % (sorted(theirs), sorted(s["service"] for s in mine)))
for s in mine:
    t = theirs.get(s["service"])
    if not t:
        continue
    got = {"scheduler": s["scheduler"], "ops": "one-packet" in s["flags"], "pe": s["pe"] or "",
           "flags": sched_flags(s["flags"]),
           "dests": {d["destination"]: (d["forward"], d["weight"])
                     for d in s["destinations"]}}
    for k in got:
        if got[k] != t[k]:
            bad.append("%s %s: ipvsadm %s, ipvs-udp %s" % (s["service"], k, t[k], got[k]))
print("# %d services, %d destinations compared"
      % (len(mine), sum(len(s["destinations"]) for s in mine)))
for b in bad:
    print("# differs: " + b)
sys.exit(1 if bad else 0)
EOF
}

test_services_vs_ipvsadm() {
	local out rc i
	topo_setup dr 3 1 1
	check "service add sip (one line)" cli dir1 service add sip udp "$VIP4:5060"
	check "service add dns with lor" cli dir1 service add dns udp "$VIP4:53" --scheduler lor
	check "service add sip IPv6 with flag-1" \
		cli dir1 service add sip udp "[$VIP6]:5060" --flag-1
	check "service add radius on a fwmark" cli dir1 service add radius fwmark 7
	check "service add plain rr" cli dir1 service add plain udp "$VIP4:9999" --scheduler rr
	for i in 1 2 3; do
		cli dir1 dest add udp "$VIP4:5060" "$(rs_addr4 "$i")" --weight "$i" >/dev/null ||
			fail "dest add rs$i"
		cli dir1 dest add udp "$VIP4:9999" "$(rs_addr4 "$i")" >/dev/null ||
			fail "dest add rs$i to 9999"
	done
	check "dest add nat" cli dir1 dest add udp "$VIP4:53" "$(rs_addr4 1):5353" --method nat
	check "dest add tunnel IPv6" \
		cli dir1 dest add udp "[$VIP6]:5060" "[$(rs_addr6 1)]:5070" --method tunnel
	check "dest edit weight" cli dir1 dest edit udp "$VIP4:5060" "$(rs_addr4 2)" --weight 5
	check "service edit keeps the engine" cli dir1 service edit udp "$VIP4:53" --scheduler rr
	ns dir1 ipvsadm -Ln | sed 's/^/# /'
	ns dir1 ipvsadm -Sn | sed 's/^/# /'
	check "service show --json agrees with ipvsadm -Ln and -Sn" cmp_ipvsadm dir1
	out=$(ns dir1 ipvsadm -Sn)
	check "ipvsadm -Sn: sip -o, rr --pe reply -o (edited), flag-1, radius" \
		all_in "$out" "10.0.100.1:5060 -s sip -o" "10.0.100.1:53 -s rr --pe reply -o" \
		"5060 -s sip -o -b flag-1" "-f 7 -s radius --pe reply -o"

	out=$(cli dir1 --json service show udp "[$VIP6]:5060")
	check "service show names the sip service's flag-1: sip-move-quiesced" \
		[ "$(json "$out" "d['services'][0]['flags']")" = "['one-packet', 'sip-move-quiesced']" ]
	check "service edit --sched-flags sets flags by name" \
		cli dir1 service edit udp "[$VIP6]:5060" --sched-flags sip-addr-only,sip-stateless
	check "... as ipvsadm sees them (flag-2, flag-3)" \
		grep -q -- "-u \[$VIP6\]:5060 -s sip -o -b flag-2,flag-3" <<<"$(ns dir1 ipvsadm -Sn)"
	check "service edit --netmask /24 with persistence" \
		cli dir1 service edit udp "$VIP4:9999" --persistent 60 --netmask /24
	check "... ipvsadm shows the mask 255.255.255.0" \
		grep -q -- "-u 10.0.100.1:9999 -s rr -p 60 -M 255.255.255.0" <<<"$(ns dir1 ipvsadm -Sn)"
	check "service show --json shows it dotted" \
		[ "$(json "$(cli dir1 --json service show udp "$VIP4:9999")" "d['services'][0]['netmask']")" = 255.255.255.0 ]
	check "dest del" cli dir1 dest del udp "$VIP4:5060" "$(rs_addr4 3)"
	check "service del" cli dir1 service del fwmark 7
	check "after deletes service show --json still agrees with ipvsadm -Ln" cmp_ipvsadm dir1

	out=$(cli dir1 service add sip udp "$VIP4:5060")
	rc=$?
	check "adding it twice: exit 5, 'already exists' ($out)" \
		rc_msg "$rc" 5 "$out" "already exists"
	out=$(cli dir1 service del udp "$VIP4:1")
	rc=$?
	check "deleting a missing service: exit 1, 'no such service' ($out)" \
		rc_msg "$rc" 1 "$out" "no such service"
	out=$(cli dir1 dest del udp "$VIP4:5060" "$(rs_addr4 3)")
	rc=$?
	check "deleting a missing destination: exit 1 ($out)" [ "$rc" = 1 ]
	out=$(cli dir1 service add plain udp "$VIP4:5062" --scheduler nosuch)
	rc=$?
	check "unknown scheduler: exit 5 and a hint ($out)" \
		rc_msg "$rc" 5 "$out" "not available"
	out=$(cli dir1 dest add udp "$VIP4:5060" 10.0.2.99 --method bogus)
	rc=$?
	check "bad option value: usage error, exit 2" [ "$rc" = 2 ]
	# The grammar: an abbreviation, the default verb and an old spelling
	# all name the same command; the old one says so on stderr only.
	local now
	now=$(ns dir1 "$CLI" --json service show)
	check "abbreviated: 'ser sh' is service show" \
		[ "$(ns dir1 "$CLI" --json ser sh)" = "$now" ]
	check "default verb: 'service' is service show" \
		[ "$(ns dir1 "$CLI" --json service)" = "$now" ]
	out=$(ns dir1 "$CLI" --json status 2>/tmp/status.err)
	check "old spelling: 'status' prints what service show prints" [ "$out" = "$now" ]
	check "old spelling: a deprecation note on stderr ($(cat /tmp/status.err))" \
		grep -q "'status' is deprecated.*use 'ipvs-udp service show'" /tmp/status.err
	out=$(cli dir1 dest show udp "$VIP4:5060")
	check "dest show: the service's real servers, as ipvsadm lists them" \
		[ "$(awk 'NR > 1 { print $2 }' <<<"$out" | sort)" = \
			"$(ns dir1 ipvsadm -Ln -u "$VIP4:5060" | awk '/->/ && NR > 3 { print $2 }' | sort)" ]
}

# stats_conns_are N: ipvsadm counts N connections on dir1's 9999 service.
stats_conns_are() {
	[ "$(ns dir1 ipvsadm -Ln --stats --exact -u "$VIP4:9999" |
		awk '$1 == "UDP" { print $3 }')" = "$1" ]
}

test_conns_and_stats_vs_ipvsadm() {
	local mine theirs st i
	topo_setup dr 3 1 1
	cli dir1 service add plain udp "$VIP4:9999" --scheduler rr >/dev/null || return 1
	for i in 1 2 3; do
		cli dir1 dest add udp "$VIP4:9999" "$(rs_addr4 "$i")" >/dev/null || return 1
	done
	# Eight client sockets, two datagrams each: eight connection entries.
	ns cl1 /usr/bin/python3 - "$VIP4" <<'EOF'
import socket, sys
for p in range(40001, 40009):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", p))
    for _ in range(2):
        s.sendto(b"x" * 100, (sys.argv[1], 9999))
EOF
	sleep 0.5
	mine=$(cli dir1 --json conn show | /usr/bin/python3 -c '
import json, sys
for c in json.load(sys.stdin)["connections"]:
    print(c["protocol"], c["client"], c["virtual"], c["destination"], c["state"])' | sort)
	theirs=$(ns dir1 ipvsadm -Lnc | awk 'NR > 2 { print $1, $4, $5, $6, $3 }' | sort)
	# shellcheck disable=SC2001
	echo "$mine" | sed 's/^/# ipvs-udp conn show: /'
	check "conn show: 8 entries, the same as ipvsadm -Lnc" \
		[ "$(wc -l <<<"$mine")/$mine" = "8/$theirs" ]
	# Since 6.2 IPVS sums its per-CPU counters in the estimator, every
	# 2 s: wait until ipvsadm sees the 8 connections, then compare.
	wait_for 15 stats_conns_are 8 || true
	st=$(cli dir1 --json stats | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["services"][0]
print(s["stats"]["conns"], s["stats"]["inpkts"], s["stats"]["inbytes"])')
	theirs=$(ns dir1 ipvsadm -Ln --stats --exact -u "$VIP4:9999" |
		awk '$1 == "UDP" { print $3, $4, $6 }')
	check "stats: conns, packets, bytes as ipvsadm --stats --exact ($st / $theirs)" \
		[ "$st/${st%% *}" = "$theirs/8" ]
	st=$(cli dir1 stats --prometheus)
	check "stats --prometheus: ipvs_service_connections_total 8" \
		grep -q "^ipvs_service_connections_total{service=\"udp:$VIP4:9999\"} 8$" <<<"$st"
	check "stats --prometheus: the scheduler in ipvs_udp_service_info, not on the counters" \
		grep -q "^ipvs_udp_service_info{flags=\"\",pe=\"\",scheduler=\"rr\",service=\"udp:$VIP4:9999\"} 1$" <<<"$st"
	check "stats --prometheus: one TYPE line per metric" \
		[ "$(grep -c '^# TYPE ipvs_destination_weight ' <<<"$st")" = 1 ]
	# The text a node_exporter textfile gets, as promtool reads it (the
	# binary scripts/promtool fetched on the host, linked into build/ by
	# make check's userspace step, which runs before the scenarios).
	local promtool=$PWD/build/promtool
	if [ -x "$promtool" ]; then
		ns dir1 "$CLI" stats --prometheus >/tmp/stats.prom
		out=$("$promtool" check metrics </tmp/stats.prom 2>&1)
		check "stats --prometheus > file: promtool check metrics passes ($out)" [ $? = 0 ]
	else
		skip "promtool check: no $promtool (scripts/userspace-test links it)"
	fi
}

all_bound() { [ "$(sip_counter dir1 Bindings)" = "$1" ]; }

# calls_vs_uas JSON: every Call-ID whose INVITE reached a server is
# listed, bound to that server.
calls_vs_uas() {
	/usr/bin/python3 - "$1" "$SIP_DIR" <<'EOF'
import glob, json, os, sys
calls = json.loads(sys.argv[1])["calls"]
invite = {}
for f in glob.glob(os.path.join(sys.argv[2], "rs*.short")):
    rs = os.path.basename(f)[2:-6]
    for line in open(f, errors="replace"):
        w = line.rstrip("\n").split("\t")
        if len(w) > 5 and w[3] == "R" and w[5].endswith("INVITE"):
            invite.setdefault(w[4], "10.0.2.%d:5060" % (10 + int(rs)))
bound = {c["call_id"]: c["destination"] for c in calls}
wrong = [i for i in invite if bound.get(i) != invite[i]]
print("# %d calls listed, %d INVITEs at the servers, %d listed with another server"
      " or missing %s" % (len(calls), len(invite), len(wrong), wrong[:3]))
sys.exit(0 if invite and not wrong else 1)
EOF
}

test_calls_flush_watch() {
	local j n2 out rc i ids n moved
	topo_setup dr 3 1 1
	sip_init
	for i in 1 2 3; do
		sip_uas "$i" || return 1
	done
	cli dir1 service add sip udp "$VIP4:5060" >/dev/null || return 1
	for i in 1 2 3; do
		cli dir1 dest add udp "$VIP4:5060" "$(rs_addr4 "$i")" >/dev/null || return 1
	done
	# In DR the director never sees the answers: an answered INVITE stays
	# a transaction (32 s). Bindings that outlive a slow run's checks.
	cli dir1 sip set udp "$VIP4:5060" --transaction-timeout 600 \
		--linger-timeout 600 >/dev/null || return 1
	# 30 calls that stay up 20 s each (SIPp's -d: pause before the BYE).
	sip_uac_start uac1 cl1 "$VIP4" 30 10 -d 20000
	# Until all 30 are bound (3 s at 10 calls/s, however slow SIPp starts).
	wait_for 60 all_bound 30
	j=$(cli dir1 --json call show)
	check "calls --json: the live calls, each bound to the server that got its INVITE" \
		calls_vs_uas "$j"
	echo "# states: $(json "$j" 'sorted(__import__("collections").Counter(c["state"] for c in d["calls"]).items())')"
	check "calls --json: 30 live calls, none lingering" \
		[ "$(json "$j" 'sum(c["state"] != "linger" for c in d["calls"])')" = 30 ]
	check "calls: as many as /proc/net/ip_vs_sip counts" \
		[ "$(json "$j" 'len(d["calls"])')" = "$(sip_counter dir1 Bindings)" ]
	n2=$(json "$j" 'sum(c["destination"] == "'"$(rs_addr4 2)"':5060" for c in d["calls"])')
	ids=$(json "$j" '" ".join(c["call_id"] for c in d["calls"] if c["destination"] == "'"$(rs_addr4 2)"':5060")')
	out=$(cli dir1 --json call show udp "$VIP4:5060" --dest "$(rs_addr4 2)")
	check "call show --dest rs2: the $n2 calls of rs2" [ "$(json "$out" 'len(d["calls"])')" = "$n2" ]

	# Take rs2 down gracefully: quiesce, flush its bindings.
	bg dir1 "$CLI" --json monitor --count 1 --timeout 30 >"$SIP_DIR/watch" 2>&1
	sleep 1
	check "dest edit: quiesce rs2" cli dir1 dest edit udp "$VIP4:5060" "$(rs_addr4 2)" --weight 0
	ns dir1 ipvsadm -Ln | sed 's/^/# /'
	out=$(cli dir1 binding flush udp "$VIP4:5060" --dest "$(rs_addr4 2)")
	echo "# $out"
	check "flush --dest rs2: flushed its $n2 bindings" grep -q "flushed $n2 binding" <<<"$out"
	out=$(cli dir1 --json call show udp "$VIP4:5060" --dest "$(rs_addr4 2)")
	check "no call left on rs2" [ "$(json "$out" 'len(d["calls"])')" = 0 ]
	wait_for 60 grep -q flushed "$SIP_DIR/watch"
	sed 's/^/# watch: /' "$SIP_DIR/watch"
	check "watch: a flushed event for rs2 with $n2 bindings" \
		grep -q "\"event\":\"flushed\",\"service\":\"udp:$VIP4:5060\",\"destination\":\"$(rs_addr4 2):5060\",\"bindings\":$n2," "$SIP_DIR/watch"
	# The next message of each flushed call (an OPTIONS in its dialog's
	# Call-ID) is placed afresh: on rs1 or rs3, and bound there.
	send_options "$ids"
	sleep 0.5
	out=$(cli dir1 --json call show)
	check "after the flush, the next message binds rs2's calls to rs1/rs3" \
		/usr/bin/python3 -c '
import json, sys
ids = set(sys.argv[2].split())
calls = {c["call_id"]: c["destination"] for c in json.loads(sys.argv[1])["calls"]}
where = sorted(set(calls.get(i, "unbound") for i in ids))
print("# flushed calls now on %s" % where)
sys.exit(0 if ids and set(where) <= {"10.0.2.11:5060", "10.0.2.13:5060"} else 1)' "$out" "$ids"
	sip_uac_wait uac1
	ns dir1 cat /proc/net/ip_vs_sip | sed 's/^/# /'
	# Where the flushed calls' BYEs went (informational: some still reach
	# rs2 although their Call-IDs are bound to rs1/rs3 by then, reported
	# to the kernel side; the servers' SIPp write their logs late).
	for i in $(seq 20); do
		bye_places "$ids" >"$SIP_DIR/moved"
		grep -q '^ok' "$SIP_DIR/moved" && break
		sleep 0.5
	done
	read -r _ n moved _ <"$SIP_DIR/moved"
	echo "# BYEs of the $n flushed calls: $moved reached only rs1/rs3; $(cat "$SIP_DIR/moved")"
	out=$(cli dir1 --json call show udp "$VIP4:5060" --call-id "${ids%% *}")
	echo "# $out"
	check "calls --call-id: the moved call is bound to rs1 or rs3 now" \
		grep -qE "\"destination\":\"($(rs_addr4 1)|$(rs_addr4 3)):5060\"" <<<"$out"
	cli dir1 call show udp "$VIP4:5060" --call-id no-such-call >/dev/null
	rc=$?
	check "calls --call-id of an unknown call: exit 1" [ "$rc" = 1 ]
}

# send_options IDS: one SIP OPTIONS per Call-ID in IDS from cl1 to the VIP.
send_options() {
	ns cl1 /usr/bin/python3 - "$(cl_addr4 1)" "$VIP4" "$1" <<'EOF'
import socket, sys
src, vip = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 5070))
for n, cid in enumerate(sys.argv[3].split()):
    m = ("OPTIONS sip:rs@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5070;branch=z9hG4bKcli%d\r\n"
         "From: <sip:a@%s>;tag=c%d\r\nTo: <sip:rs@%s>\r\nCall-ID: %s\r\n"
         "CSeq: 99 OPTIONS\r\nContent-Length: 0\r\n\r\n") % (vip, src, n, src, n, vip, cid)
    s.sendto(m.encode(), (vip, 5060))
EOF
}

# bye_places IDS: "ok|wait N MOVED [...]": of the N Call-IDs in IDS, MOVED
# had their BYEs reach only servers other than rs2 ("ok": all had BYEs).
bye_places() {
	/usr/bin/python3 - "$SIP_DIR" "$1" <<'EOF'
import glob, os, sys
ids = set(sys.argv[2].split())
bye = {}
for f in glob.glob(os.path.join(sys.argv[1], "rs*.short")):
    rs = os.path.basename(f)[:-6]
    for line in open(f, errors="replace"):
        w = line.split("\t")
        if len(w) > 5 and w[3] == "R" and w[5].endswith("BYE") and w[4] in ids:
            bye.setdefault(w[4], set()).add(rs)
moved = sum(1 for i in ids if bye.get(i) and "rs2" not in bye[i])
print("ok" if len(bye) == len(ids) else "wait", len(ids), moved,
      sorted((i, sorted(bye.get(i, []))) for i in ids)[:4])
EOF
}

test_permissions() {
	local out rc
	topo_setup dr 3 1 1
	cli dir1 service add sip udp "$VIP4:5060" >/dev/null || return 1
	out=$(cli dir1 sip set udp "$VIP4:5060" --seed 18446744073709551615)
	check "sip set --seed 2^64-1 set and shown ($out)" \
		grep -q "seed 18446744073709551615" <<<"$out"
	out=$(cli dir1 sip set udp "$VIP4:5060" --seed -1 2>&1)
	check "sip set --seed -1: usage error, exit 2" [ $? = 2 ]
	out=$(ns dir1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$CLI" service add sip udp "$VIP4:5061" 2>&1)
	rc=$?
	echo "# nobody: $out"
	check "nobody: service add exits 4 with the CAP_NET_ADMIN message" \
		rc_msg "$rc" 4 "$out" "needs CAP_NET_ADMIN"
	out=$(ns dir1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$CLI" binding flush udp "$VIP4:5060" 2>&1)
	rc=$?
	check "nobody: binding flush exits 4 ($out)" rc_msg "$rc" 4 "$out" "CAP_NET_ADMIN"
	out=$(ns dir1 unshare -U -r "$CLI" sip set udp "$VIP4:5060" --linger-timeout 5 2>&1)
	rc=$?
	echo "# user namespace root: $out"
	check "root of a user namespace not owning the netns: sip set exits 4" \
		rc_msg "$rc" 4 "$out" "CAP_NET_ADMIN"
	out=$(ns dir1 unshare -U -r "$CLI" --json call show 2>&1)
	rc=$?
	check "... reading bindings is refused there too, as by IPVS (exit $rc)" \
		rc_msg "$rc" 4 "$out" "CAP_NET_ADMIN"
}

# dir1's /proc/net/ip_vs_pe_reply shows no request outstanding.
nothing_outstanding() {
	# shellcheck disable=SC2016 # awk's fields
	[ "$(ns dir1 awk '
		NR == 3 { for (i = 1; i <= NF; i++) if ($i == "Outstanding") c = i }
		NR > 3 { n += $c } END { print n + 0 }' /proc/net/ip_vs_pe_reply)" = 0 ]
}

# Reply accounting: two real servers answer, one never does.
test_servers_vs_proc() {
	local out proc i
	topo_setup nat 3 1 1
	for i in 1 2; do
		bg "rs$i" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(d, a)'
	done
	cli dir1 service add dns udp "$VIP4:53" --scheduler lor >/dev/null || return 1
	for i in 1 2 3; do
		cli dir1 dest add udp "$VIP4:53" "$(rs_addr4 "$i")" --method nat >/dev/null || return 1
	done
	check "reply set: timeout set to 500 ms" \
		cli dir1 reply set --timeout-ms 500
	out=$(cli dir1 --json reply show)
	check "reply set --json reads it back ($out)" grep -q '"timeout_ms":500' <<<"$out"
	out=$(cli dir1 reply set udp "$VIP4:53" --strict off --txid-match off --timeout-ms 800)
	check "reply set SERVICE --strict off --txid-match off ($out)" \
		grep -q 'timeout 800 ms, strict off, txid-match off (its own settings)' <<<"$out"
	out=$(cli dir1 --json reply set udp "$VIP4:53" --strict on)
	check "reply set SERVICE --json ($out)" \
		grep -q '"strict":true,"txid_match":false,"own":true' <<<"$out"
	out=$(cli dir1 reply set udp "$VIP4:53" --strict maybe 2>&1)
	check "reply set --strict maybe: usage error, exit 2" [ $? = 2 ]
	out=$(cli dir1 reply set --timeout-ms 600 udp "$VIP4:53" --max-requests 5 2>&1)
	check "reply set SERVICE --max-requests: usage error, exit 2" [ $? = 2 ]
	out=$(cli dir1 reply reset udp "$VIP4:53")
	check "reply reset SERVICE: back to the namespace's ($out)" \
		grep -q "timeout 500 ms, strict on, txid-match on (the namespace's)" <<<"$out"
	cli dir1 reply set udp "$VIP4:53" --strict off >/dev/null
	cli dir1 service add dns udp "$VIP4:54" >/dev/null || return 1
	cli dir1 reply set udp "$VIP4:54" --timeout-ms 100 >/dev/null
	out=$(cli dir1 service del udp "$VIP4:54")
	check "service del drops the service's reply settings ($out)" \
		grep -q "dropped its reply engine settings" <<<"$out"
	out=$(cli dir1 reply show udp "$VIP4:54")
	check "reply settings of the deleted service are gone ($out)" \
		grep -q "(the namespace's)" <<<"$out"
	cli dir1 reply reset udp "$VIP4:53" >/dev/null
	sleep 0.5
	# 30 DNS-shaped requests (distinct IDs) from one client socket.
	ns cl1 /usr/bin/python3 - "$VIP4" <<'EOF'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for i in range(1, 31):
    s.sendto(struct.pack("!H", i) + bytes(18), (sys.argv[1], 53))
    time.sleep(0.02)
n = 0
try:
    while True:
        s.recvfrom(2048)
        n += 1
except socket.timeout:
    pass
print("# client got %d replies" % n)
EOF
	# Until every request is answered or timed out (500 ms, then the
	# engine's GC pass): the counters do not change after that.
	wait_for 60 nothing_outstanding
	out=$(cli dir1 --json server show)
	proc=$(ns dir1 cat /proc/net/ip_vs_pe_reply)
	echo "$proc" | sed 's/^/# /'
	check "servers --json: requests, replies, timeouts, outstanding as /proc/net/ip_vs_pe_reply" \
		/usr/bin/python3 - "$out" "$proc" <<'EOF'
import json, sys
mine = {d["destination"]: (d["requests"], d["replies"], d["timeouts"], d["outstanding"])
        for d in json.loads(sys.argv[1])["servers"]}
theirs = {}
for line in sys.argv[2].splitlines():
    w = line.split()
    if len(w) > 9 and w[0] == "UDP":
        theirs[w[1]] = (int(w[4]), int(w[5]), int(w[6]), int(w[9]))
print("# ipvs-udp %s\n# /proc    %s" % (sorted(mine.items()), sorted(theirs.items())))
ok = mine == theirs and sum(v[0] for v in mine.values()) == 30
ok = ok and mine.get("10.0.2.13:53", (0, 0, 1))[1] == 0
ok = ok and mine["10.0.2.11:53"][1] + mine["10.0.2.12:53"][1] > 0
sys.exit(0 if ok else 1)
EOF
	out=$(cli dir1 server show)
	echo "$out" | sed 's/^/# /'
	check "servers: a table with the unanswered column" grep -q "unanswered" <<<"$out"
	# The textfile collector's view: each server's replies as the count of
	# its latency histogram, written as a whole.
	check "metrics --output writes the textfile" \
		cli dir1 metrics --output /tmp/ipvs_udp.prom
	check "metrics: each server's histogram counts its replies" \
		/usr/bin/python3 - "$(cli dir1 --json server show)" "$(cat /tmp/ipvs_udp.prom)" <<'EOF'
import json, re, sys
want = {d["destination"]: d["replies"] for d in json.loads(sys.argv[1])["servers"]}
got = {m.group(1): int(m.group(2)) for m in re.finditer(
    r'^ipvs_udp_reply_dest_latency_seconds_count\{destination="([^"]+)"\} (\d+)$',
    sys.argv[2], re.M)}
inf = {m.group(1): int(m.group(2)) for m in re.finditer(
    r'^ipvs_udp_reply_dest_latency_seconds_bucket\{destination="([^"]+)",le="\+Inf"\} (\d+)$',
    sys.argv[2], re.M)}
sums = {m.group(1): float(m.group(2)) for m in re.finditer(
    r'^ipvs_udp_reply_dest_latency_seconds_sum\{destination="([^"]+)"\} (\S+)$',
    sys.argv[2], re.M)}
print("# servers %s\n# histogram counts %s, sums %s" % (want, got, sums))
ok = want == got == inf and sum(want.values()) > 0
# each answered within the 500 ms timeout, in some time
ok = ok and all(0 < sums[d] <= 0.5 * n for d, n in want.items() if n)
ok = ok and re.search(r'^ipvs_udp_up 1$', sys.argv[2], re.M)
ok = ok and re.search(r'^ipvs_udp_service_info\{flags="one-packet",pe="reply",scheduler="lor",'
                      r'service="udp:10.0.100.1:53"\} 1$', sys.argv[2], re.M)
sys.exit(0 if ok else 1)
EOF
}

scenario_main "$@"
