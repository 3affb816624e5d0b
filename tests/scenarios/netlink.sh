#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipvs_udp generic netlink family (ip_vs_udp_nl, docs/netlink.md),
# driven by tests/tools/ipvs_udp_nl.py (plain sockets, attribute ids from
# netlink/ipvs_udp.yaml):
#
#   cl1 --- rt --- lan --- dir1 (ipvsadm -A -u VIP:5060 -s sip -o)
#                     +--- rs1, rs2, rs3 (SIPp UAS on port 5060)
#
# Family autoload and "not loaded" errors; settings round trips (per
# service for sip, per netns for reply); bindings dump after SIPp calls
# against what each real server received; flush by real server moves its
# calls; permissions; hostile requests; a dump interrupted by deleting the
# service; a dump across a switch from sip to radius (test_dump_switch); a
# bounded fuzz loop (IPVS_UDP_NL_FUZZ_SECONDS, default 20).
# test_hostile and test_fuzz run by default from netlink-hostile.sh.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/netlink.sh [test_...]

# shellcheck disable=SC2317 # test functions are called by scenario_main
# shellcheck disable=SC1010 # "do" is an argument of the client here
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh
. tests/lib/nl.sh

SVC6='{"af":"inet6","protocol":17,"addr":"fd00:100::1","port":5060}'

# jf JSON EXPR: a value of a client result (EXPR over d).
jf() { json "$1" "$2"; }

# dest JSON of rsI's IPv4 address (dr: the real server's own address).
rsj() { echo "{\"af\":\"inet\",\"addr\":\"$(rs_addr4 "$1")\",\"port\":5060}"; }

# nl_setup [uas] [long]: the topology with three real servers (counting
# the datagrams that reach them), the sip service on dir1; "uas": a SIPp
# UAS on each real server; "long": bindings of transactions live 600 s
# (set over netlink), so that slow runs do not see them expire.
nl_setup() {
	topo_setup dr 3 1 1
	sip_init
	for i in 1 2 3; do
		if [[ " $* " == *" uas "* ]]; then
			sip_uas "$i" || return 1
		fi
		sip_rs_count_init "$i"
	done
	sip_service dir1 "$VIP4" -s sip -o || return 1
	for i in 1 2 3; do
		sip_add_rs dir1 "$VIP4" "$i" 1 || return 1
	done
	if [[ " $* " == *" long "* ]]; then
		nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"transaction-timeout\":600,\"linger-timeout\":600}}" |
			grep -q '"ok": true' || return 1
	fi
	return 0
}

# paused_dump NAME: a binding dump of $SVC on dir1 that reads its first
# message and waits (for paused_dump_end NAME), so that a test changes the
# service between two messages of one dump.
paused_dump() {
	rm -f "$SIP_DIR/$1.ready" "$SIP_DIR/$1.go"
	ns dir1 /usr/bin/python3 - "$SVC" "$SIP_DIR/$1" >"$SIP_DIR/$1" 2>&1 <<'EOF' &
import json, os, sys, time
sys.path.insert(0, "tests/tools")
import ipvs_udp_nl as n
spec = n.Spec()
g = n.Genl()
g.resolve("ipvs_udp")
op = spec.ops["binding-get"]
seq = g.send(g.family, n.NLM_F_REQUEST | n.NLM_F_DUMP, op["value"],
             n.encode(spec, "sip", {"service": json.loads(sys.argv[1])}))
first, err = g.recv_all(seq, max_msgs=1)
open(sys.argv[2] + ".ready", "w").close()
while not os.path.exists(sys.argv[2] + ".go"):
    time.sleep(0.1)
rest, err = g.recv_all(seq)
msgs = first + rest
sched = [n.decode(spec, "sip", b[4:]).get("scheduler") for _, b in msgs]
print(json.dumps({"n": len(msgs), "err": err, "sip": sched.count("sip"),
                  "radius": sched.count("radius"),
                  "intr": any(f & n.NLM_F_DUMP_INTR for f, _ in msgs)}))
EOF
	TOPO_PIDS+=($!)
	wait_for 60 test -e "$SIP_DIR/$1.ready"
}

# paused_dump_end NAME: let it go on; its result (n, err, sip, radius,
# intr) in PD_RESULT (not in a $(...) subshell, which cannot wait for it)
paused_dump_end() {
	touch "$SIP_DIR/$1.go"
	wait "${TOPO_PIDS[-1]}"
	PD_RESULT=$(tail -n 1 "$SIP_DIR/$1")
}

test_autoload() {
	local r
	topo_setup dr 1 1 1
	modprobe -r ip_vs_sip ip_vs_pe_reply ip_vs_udp_nl 2>/dev/null
	r=$(nl dir1 do counters-get '{}')
	echo "# counters-get without feature modules: $r"
	check "resolving the family loads ip_vs_udp_nl" \
		grep -q '^ip_vs_udp_nl ' /proc/modules
	check "... and neither ip_vs_sip nor ip_vs_pe_reply" \
		bash -c '! grep -qE "^(ip_vs_sip|ip_vs_pe_reply) " /proc/modules'
	check "counters-get works with no feature module" \
		[ "$(jf "$r" 'd["ok"]')" = True ]
	r=$(nl dir1 do sip-get "{\"service\":$SVC}")
	echo "# sip-get without ip_vs_sip: $r"
	check "sip-get without ip_vs_sip: EOPNOTSUPP" \
		[ "$(jf "$r" 'd["error"]')" = EOPNOTSUPP ]
	check "... extack says ip_vs_sip is not loaded" \
		grep -q "ip_vs_sip not loaded" <<<"$(jf "$r" 'd["extack"]')"
	r=$(nl dir1 do reply-get '{}')
	check "reply-get without ip_vs_pe_reply: extack says so" \
		grep -q "ip_vs_pe_reply not loaded" <<<"$(jf "$r" 'd["extack"]')"
}

test_settings() {
	local r s2 set
	nl_setup || return 1
	ns dir1 ipvsadm -A -u "[$VIP6]:5060" -s sip -o || return 1
	r=$(nl dir1 do sip-get "{\"service\":$SVC}")
	echo "# sip-get: $r"
	check "sip-get: module parameter defaults (dialog 1800 s, linger 32 s)" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["dialog-timeout"], d["msgs"][0]["settings"]["linger-timeout"]')" = "1800 32" ]
	check "sip-get: drain policy drain, service echoed" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["drain-policy"], d["msgs"][0]["service"]["addr"]')" = "drain 10.0.100.1" ]
	set='{"dialog-timeout":600,"early-timeout":90,"transaction-timeout":16,"linger-timeout":5,"max-bindings":1000,"drain-policy":"move"}'
	r=$(nl dir1 do sip-set "{\"service\":$SVC,\"settings\":$set}")
	check "sip-set accepted" [ "$(jf "$r" 'd["ok"]')" = True ]
	r=$(nl dir1 do sip-get "{\"service\":$SVC}")
	check "sip-get after sip-set: every value as set" \
		[ "$(jf "$r" '" ".join(str(d["msgs"][0]["settings"][k]) for k in ("dialog-timeout","early-timeout","transaction-timeout","linger-timeout","max-bindings","drain-policy"))')" = "600 90 16 5 1000 move" ]
	s2=$(nl dir1 do sip-get "{\"service\":$SVC6}")
	echo "# other service: $s2"
	check "the other (IPv6) service keeps its settings (per service)" \
		[ "$(jf "$s2" 'd["msgs"][0]["settings"]["dialog-timeout"], d["msgs"][0]["settings"]["drain-policy"]')" = "1800 drain" ]
	check "/proc/net/ip_vs_sip shows the new cap" \
		[ "$(sip_counter dir1 Cap 2)$(sip_counter dir1 Cap 1)" != "262144262144" ]
	r=$(nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"dialog-timeout\":0}}")
	check "sip-set dialog-timeout 0: ERANGE (policy range)" \
		[ "$(jf "$r" 'd["error"]')" = ERANGE ]
	r=$(nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"svc-flags\":1}}")
	check "sip-set svc-flags: read only, with extack" \
		[ "$(jf "$r" 'd["error"], "read only" in d["extack"]')" = "EOPNOTSUPP True" ]

	modprobe ip_vs_pe_reply || return 1
	r=$(nl dir1 do reply-get '{}')
	echo "# reply-get: $r"
	check "reply-get: module parameter default 5000 ms" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["timeout-ms"]')" = 5000 ]
	r=$(nl dir1 do reply-set '{"settings":{"timeout-ms":750,"timeout-threshold":3}}')
	check "reply-set accepted" [ "$(jf "$r" 'd["ok"]')" = True ]
	r=$(nl dir1 do reply-get '{}')
	check "reply-get after reply-set: 750 ms, threshold 3" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["timeout-ms"], d["msgs"][0]["settings"]["timeout-threshold"]')" = "750 3" ]
	r=$(nl rs1 do reply-get '{}')
	check "another network namespace keeps 5000 ms (per netns)" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["timeout-ms"]')" = 5000 ]
	permission_checks
}

# bindings_ok DUMP: every dumped binding's server is the one that got the
# Call-ID's messages (SIPp UAS logs), and every Call-ID is there.
bindings_ok() {
	/usr/bin/python3 - "$1" "$SIP_DIR" "$(rs_addr4 1)" "$(rs_addr4 2)" "$(rs_addr4 3)" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
where = {}
for i in (1, 2, 3):
    for line in open("%s/rs%d.short" % (sys.argv[2], i), errors="replace"):
        p = line.split("\t")
        if len(p) > 4 and p[3] == "R":
            where.setdefault(p[4], set()).add(sys.argv[2 + i])
got = {m["binding"]["call-id"]: m["binding"].get("dest", {}).get("addr") for m in d["msgs"]}
bad = [c for c in where if got.get(c) not in where[c]]
per = {a: list(got.values()).count(a) for a in sys.argv[3:]}
print("# %d calls seen by servers, %d bindings dumped, per server %s, %d wrong" %
      (len(where), len(got), per, len(bad)))
sys.exit(0 if where and not bad and all(per.values()) else 1)
EOF
}

# placements PORT: "Call-ID dest" lines, sorted, of the service VIP4:PORT.
placements() {
	nl dir1 dump binding-get "{\"service\":${SVC/5060/$1}}" |
		/usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
for m in sorted(d["msgs"], key=lambda m: m["binding"]["call-id"]):
    print(m["binding"]["call-id"], m["binding"].get("dest", {}).get("addr"))'
}

# differ PREFIX: "N M": of the M Call-IDs PREFIX-* bound in both services
# (ports 5060 and 5061), N are bound to different real servers.
differ() {
	/usr/bin/python3 -c 'import sys
a = dict(l.split() for l in sys.argv[1].splitlines())
b = dict(l.split() for l in sys.argv[2].splitlines())
k = [c for c in a if c in b and c.startswith(sys.argv[3] + "-")]
print(sum(a[c] != b[c] for c in k), len(k))' \
		"$(placements 5060)" "$(placements 5061)" "$1"
}

# Per-service hash seed (sip-set seed). Two services with the same real
# servers and weights stand for two directors (what they place depends on
# servers, weights and seed only, sip-scale.sh checks real directors);
# real SIP datagrams, NAT (one real-server port for both services).
test_seed() {
	local i p r d before svcb=${SVC/5060/5061}
	topo_setup nat 3 || return 1
	for p in 5060 5061; do
		ns dir1 ipvsadm -A -u "$VIP4:$p" -s sip -o || return 1
		for i in 1 2 3; do
			ns dir1 ipvsadm -a -u "$VIP4:$p" \
				-r "$(rs_addr4 "$i"):5060" -m || return 1
		done
		nl dir1 do sip-set "{\"service\":${SVC/5060/$p},\"settings\":{\"transaction-timeout\":600}}" |
			grep -q '"ok": true' || return 1
	done
	r=$(nl dir1 do sip-set "{\"service\":$svcb,\"settings\":{\"seed\":12345}}")
	check "seed: sip-set seed accepted" [ "$(jf "$r" 'd["ok"]')" = True ]
	r=$(nl dir1 do sip-get "{\"service\":$svcb}")
	check "seed: sip-get reads it back (12345)" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["seed"]')" = 12345 ]
	r=$(nl dir1 do sip-get "{\"service\":$SVC}")
	check "seed: the other service keeps the module parameter's (0)" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["seed"]')" = 0 ]
	# shellcheck disable=SC2016 # awk's own $
	check "seed: /proc/net/ip_vs_sip shows it" [ "$(ns dir1 awk 'NR == 1 {
		for (i = 1; i <= NF; i++) if ($i == "Seed") c = i + 1; next }
		/:5061 / { print $c }' /proc/net/ip_vs_sip)" = 12345 ]
	send_calls cl1 0 60 s1 5060
	send_calls cl1 0 60 s1 5061
	sleep 1
	d=$(differ s1)
	echo "# seeds 0 and 12345: $d (differently placed, Call-IDs)"
	check "seed: another seed places the same Call-IDs differently ($d)" \
		[ "${d#* }/$((${d% *} > 10))" = 60/1 ]
	before=$(placements 5060)
	r=$(nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"seed\":12345}}")
	check "seed: the first service gets the same seed (12345)" \
		[ "$(jf "$r" 'd["ok"]')" = True ]
	check "seed: bindings survive the seed change" \
		[ "$(placements 5060)" = "$before" ]
	send_calls cl1 0 60 s1 5060
	sleep 1
	check "seed: bound Call-IDs stay on their servers" \
		[ "$(placements 5060)" = "$before" ]
	send_calls cl1 0 60 s2 5060
	send_calls cl1 0 60 s2 5061
	sleep 1
	d=$(differ s2)
	echo "# both seeds 12345: $d (differently placed, Call-IDs)"
	check "seed: the same non-default seed places new Call-IDs alike ($d)" \
		[ "$d" = "0 60" ]
}

test_bindings() {
	local rc r n i
	nl_setup uas long || return 1
	sip_uac uac1 cl1 "$VIP4" 60 30
	rc=$?
	uac_report uac1 "$rc"
	r=$(nl dir1 dump binding-get "{\"service\":$SVC}")
	check "binding dump after 60 SIPp calls: every call on its server" \
		bindings_ok "$r"
	n=$(jf "$r" 'len(d["msgs"])')
	check "binding dump: as many as /proc/net/ip_vs_sip Bindings ($n)" \
		[ "$n" = "$(sip_counter dir1 Bindings)" ]
	echo "# states: $(jf "$r" 'set((m["binding"]["state"], m.get("scheduler")) for m in d["msgs"])')"
	# 3: linger (binding-state; a sip service's, the service tells)
	check "binding dump: states are linger (calls ended with BYE)" \
		[ "$(jf "$r" 'set((m["binding"]["state"], m["scheduler"]) for m in d["msgs"]) == {(3, "sip")}')" = True ]
	for i in 1 2 3; do
		r=$(nl dir1 dump binding-get "{\"service\":$SVC,\"dest\":$(rsj "$i")}")
		check "binding dump filtered by rs$i: only rs$i" \
			[ "$(jf "$r" 'len(d["msgs"]) > 0 and all(m["binding"]["dest"]["addr"] == "'"$(rs_addr4 "$i")"'" for m in d["msgs"])')" = True ]
	done
	r=$(nl dir1 dump binding-get '{}')
	check "binding dump of all services of the namespace" \
		[ "$(jf "$r" 'len(d["msgs"])')" = "$n" ]
	# Many bindings: resumable over many messages, none lost or repeated.
	send_calls cl1 0 3000 many
	sleep 2
	nl dir1 dump binding-get "{\"service\":$SVC}" >"$SIP_DIR/big.json"
	r=$(/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(d["msgs"]), len(set(m["binding"]["call-id"] for m in d["msgs"])), d["intr"])' "$SIP_DIR/big.json")
	echo "# big dump: $r (messages, distinct, interrupted)"
	check "dump of $((n + 3000)) bindings: all of them, each once" \
		[ "${r% *}" = "$(sip_counter dir1 Bindings) $(sip_counter dir1 Bindings)" ]
	r=$(nl dir1 do binding-get "{\"service\":$SVC,\"call-id\":\"many-7@test\"}")
	check "binding-get of one Call-ID" \
		[ "$(jf "$r" 'd["msgs"][0]["binding"]["call-id"]')" = "many-7@test" ]
	r=$(nl dir1 do binding-get "{\"service\":$SVC,\"call-id\":\"nosuch@test\"}")
	check "binding-get of an unknown Call-ID: ENOENT with extack" \
		[ "$(jf "$r" 'd["error"], bool(d["extack"])')" = "ENOENT True" ]
	ynl_cli_checks
}

test_flush() {
	local r n before after i c1 ev
	nl_setup long || return 1
	send_calls cl1 0 300 fl
	sleep 1
	r=$(nl dir1 dump binding-get "{\"service\":$SVC,\"dest\":$(rsj 1)}")
	n=$(jf "$r" 'len(d["msgs"])')
	echo "# $n of 300 Call-IDs bound to rs1"
	# Quiesce rs1: with the default drain policy its calls stay there.
	ns dir1 ipvsadm -e -u "$VIP4:5060" -r "$(rs_addr4 1):5060" -g -w 0
	before=$(sip_rs_count 1)
	send_calls cl1 0 300 fl
	sleep 1
	after=$(sip_rs_count 1)
	check "drain: rs1 (weight 0) still gets its $n calls" \
		[ $((after - before)) -eq "$n" ]
	bg dir1 /usr/bin/python3 "$NL" listen 60 >"$SIP_DIR/events" 2>&1
	wait_for 60 grep -q listening "$SIP_DIR/events"
	r=$(nl dir1 do binding-flush "{\"service\":$SVC,\"dest\":$(rsj 1)}")
	echo "# flush rs1: $r"
	check "flush by dest rs1 removed its $n bindings" \
		[ "$(jf "$r" 'd["msgs"][0]["count"]')" = "$n" ]
	r=$(nl dir1 dump binding-get "{\"service\":$SVC,\"dest\":$(rsj 1)}")
	check "no binding left on rs1" [ "$(jf "$r" 'len(d["msgs"])')" = 0 ]
	before=$(sip_rs_count 1)
	send_calls cl1 0 300 fl
	sleep 1
	after=$(sip_rs_count 1)
	check "after the flush rs1's calls moved: rs1 got $((after - before))" \
		[ $((after - before)) -eq 0 ]
	r=$(nl dir1 dump binding-get "{\"service\":$SVC}")
	check "... and all 300 Call-IDs are bound again, to rs2 and rs3" \
		[ "$(jf "$r" 'len(d["msgs"]), sorted(set(m["binding"]["dest"]["addr"] for m in d["msgs"]))')" = "300 ['$(rs_addr4 2)', '$(rs_addr4 3)']" ]
	c1=$(jf "$r" '[m["binding"]["call-id"] for m in d["msgs"] if m["binding"]["dest"]["addr"] == "'"$(rs_addr4 2)"'"][0]')
	r=$(nl dir1 do binding-flush "{\"service\":$SVC,\"call-id\":\"$c1\"}")
	check "flush by Call-ID removes exactly one" \
		[ "$(jf "$r" 'd["msgs"][0]["count"]')" = 1 ]
	# Removing a real server: an event with its bindings.
	ns dir1 ipvsadm -d -u "$VIP4:5060" -r "$(rs_addr4 3):5060"
	sleep 1
	ev=$(cat "$SIP_DIR/events")
	echo "$ev" | sed 's/^/# event: /'
	check "event: flushed, rs1, $n bindings" \
		grep -q "\"reason\": \"flushed\".*\"addr\": \"$(rs_addr4 1)\".*\"bindings\": $n," <<<"$ev"
	check "event: dest-removed for rs3 with its bindings" \
		grep -qE "\"reason\": \"dest-removed\".*\"addr\": \"$(rs_addr4 3)\".*\"bindings\": [1-9]" <<<"$ev"
	r=$(nl dir1 do binding-flush "{\"service\":$SVC}")
	check "flush of the whole service" [ "$(jf "$r" 'd["msgs"][0]["count"] > 0')" = True ]
	check "... leaves no binding" [ "$(sip_counter dir1 Bindings)" = 0 ]
}

# Every operation needs CAP_NET_ADMIN in the initial user namespace, as
# IPVS's own (netlink-priv.sh checks every operation and identity).
permission_checks() {
	local r
	r=$(ns dir1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		/usr/bin/python3 "$NL" do sip-set "{\"service\":$SVC,\"settings\":{\"linger-timeout\":7}}")
	echo "# nobody: $r"
	check "sip-set as nobody: EPERM" [ "$(jf "$r" 'd["error"]')" = EPERM ]
	r=$(ns dir1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		/usr/bin/python3 "$NL" do binding-flush "{\"service\":$SVC}")
	check "binding-flush as nobody: EPERM" [ "$(jf "$r" 'd["error"]')" = EPERM ]
	r=$(ns dir1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		/usr/bin/python3 "$NL" do sip-get "{\"service\":$SVC}")
	check "sip-get as nobody: EPERM (reads too)" [ "$(jf "$r" 'd["error"]')" = EPERM ]
	r=$(ns dir1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		/usr/bin/python3 "$NL" dump binding-get '{}')
	check "binding-get dump as nobody: EPERM (Call-IDs)" [ "$(jf "$r" 'd["error"]')" = EPERM ]
	r=$(ns dir1 unshare --user --map-root-user \
		/usr/bin/python3 "$NL" do reply-set '{"settings":{"timeout-ms":100}}')
	echo "# root of a user namespace without its own netns: $r"
	check "reply-set as root of a child user namespace: EPERM" \
		[ "$(jf "$r" 'd["error"]')" = EPERM ]
	r=$(ns dir1 unshare --user --map-root-user \
		/usr/bin/python3 "$NL" do sip-set "{\"service\":$SVC,\"settings\":{\"linger-timeout\":7}}")
	check "sip-set as root of a child user namespace: EPERM" \
		[ "$(jf "$r" 'd["error"]')" = EPERM ]
	r=$(nl dir1 do sip-get "{\"service\":$SVC}")
	check "the settings did not change" \
		[ "$(jf "$r" 'd["msgs"][0]["settings"]["linger-timeout"]')" = 5 ]
}

# hostile NAME EXPECTED-ERRNO RESULT: an error with an extack message.
hostile() {
	echo "# $1: $3"
	check "$1: $2 with extack" \
		[ "$(jf "$3" 'd["error"], bool(d["extack"])')" = "$2 True" ]
}

test_hostile() {
	local r
	nl_setup long || return 1
	# sip-get (cmd 1) with an unknown top-level attribute 9.
	hostile "unknown attribute" EINVAL "$(nl dir1 raw 1 0800090000000000)"
	# sip-set (cmd 2): service nest is attribute 1; a u32 where a nest goes.
	hostile "u32 in place of the service nest" EINVAL "$(nl dir1 raw 2 0800010001000000)"
	# service af as u32 (u16 expected): nest(1){af(1) len 8}
	hostile "af of the wrong size" EINVAL "$(nl dir1 raw 1 0c0001800800010002000000)"
	hostile "address of 5 bytes" EINVAL \
		"$(nl dir1 do sip-get '{"service":{"af":"inet","protocol":17,"addr":"hex:0a00640101","port":5060}}')"
	hostile "af 7" EINVAL \
		"$(nl dir1 do sip-get '{"service":{"af":7,"protocol":17,"addr":"10.0.100.1","port":5060}}')"
	hostile "service without port" EINVAL \
		"$(nl dir1 do sip-get '{"service":{"af":"inet","protocol":17,"addr":"10.0.100.1"}}')"
	hostile "missing service" EINVAL "$(nl dir1 do sip-get '{}')"
	hostile "no such service" ESRCH \
		"$(nl dir1 do sip-get '{"service":{"af":"inet","protocol":17,"addr":"10.0.100.1","port":5061}}')"
	hostile "call-id of 256 bytes" EINVAL \
		"$(nl dir1 do binding-flush "{\"service\":$SVC,\"call-id\":\"$(printf 'x%.0s' {1..256})\"}")"
	hostile "empty call-id" EINVAL \
		"$(nl dir1 do binding-get "{\"service\":$SVC,\"call-id\":\"\"}")"
	hostile "flush by dest and call-id" EINVAL \
		"$(nl dir1 do binding-flush "{\"service\":$SVC,\"call-id\":\"a\",\"dest\":$(rsj 1)}")"
	hostile "flush of a real server not in the service" ENOENT \
		"$(nl dir1 do binding-flush "{\"service\":$SVC,\"dest\":{\"af\":\"inet\",\"addr\":\"10.9.9.9\",\"port\":5060}}")"
	hostile "reply timeout above the range" ERANGE \
		"$(modprobe ip_vs_pe_reply; nl dir1 do reply-set '{"settings":{"timeout-ms":3600001}}')"
	hostile "dump with a call-id" EINVAL \
		"$(nl dir1 dump binding-get "{\"service\":$SVC,\"call-id\":\"a\"}")"
	r=$(nl dir1 raw 40 "")
	check "unknown command: EOPNOTSUPP" [ "$(jf "$r" 'd["error"]')" = EOPNOTSUPP ]

	# A dump interrupted by deleting the service: a clean end.
	send_calls cl1 0 3000 intr
	sleep 1
	paused_dump intr || return 1
	ns dir1 ipvsadm -D -u "$VIP4:5060"
	paused_dump_end intr
	r=$PD_RESULT
	echo "# dump, service deleted after the first message: $r"
	check "dump interrupted by service deletion ends cleanly, partial" \
		[ "$(jf "$r" 'd["err"] is None and 0 < d["n"] < 3000')" = True ]
}

# Small topology: also run under the debug kernel (scripts/check).
# counters-get of many services: more than one page of counters in one
# reply (the message grows as it needs).
test_counters_many() {
	local r p
	nl_setup || return 1
	for ((p = 6000; p < 6040; p++)); do
		ns dir1 ipvsadm -A -u "$VIP4:$p" -s sip -o || return 1
		ns dir1 ipvsadm -A -u "$VIP4:$((p + 1000))" -s radius -o || return 1
	done
	r=$(nl dir1 do counters-get '{}')
	check "counters-get of 41 sip and 40 radius services: one reply with all" \
		[ "$(jf "$r" '(d["ok"], len(d["msgs"][0]["sip"]), len(d["msgs"][0]["radius"]))')" = "(True, 41, 40)" ]
}

# A binding dump paused after its first message while the service switches
# from sip to radius and fills with radius conversations: the dump goes on
# with the new table from its first bucket, flagged interrupted, and misses
# none of them (the cursor is for the old table, not the new).
test_dump_switch() {
	local r
	nl_setup long || return 1
	send_calls cl1 0 2000 sw
	sleep 1
	paused_dump sw || return 1
	ns dir1 ipvsadm -E -u "$VIP4:5060" -s radius -o || return 1
	# 1000 Access-Requests, each another Calling-Station-Id: 1000 bindings
	ns cl1 /usr/bin/python3 - "$VIP4" <<'EOF'
import os, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1000):
    a = b"\x04\x06\xc0\x00\x02\x01" + b"\x1f\x0a" + b"sw%06d" % i
    s.sendto(struct.pack("!BBH", 1, i & 255, 20 + len(a)) + os.urandom(16) + a,
             (sys.argv[1], 5060))
EOF
	r=$(ns dir1 awk 'NR == 2 { print $3 }' /proc/net/ip_vs_radius)
	echo "# radius bindings after the switch: $r"
	paused_dump_end sw
	r=$PD_RESULT
	echo "# dump across the switch: $r"
	check "dump across a scheduler switch: every radius binding of the new table" \
		[ "$(jf "$r" 'd["err"] is None and d["radius"] == 1000')" = True ]
	check "... and the dump is flagged interrupted" [ "$(jf "$r" 'd["intr"]')" = True ]
}

test_fuzz() {
	local r secs=${IPVS_UDP_NL_FUZZ_SECONDS:-20}
	topo_setup dr 1 1 1
	sip_service dir1 "$VIP4" -s sip -o || return 1
	sip_add_rs dir1 "$VIP4" 1 1 || return 1
	# A radius service: its operations and bindings get fuzzed too.
	ns dir1 ipvsadm -A -u "$VIP4:1812" -s radius -o || return 1
	ns dir1 ipvsadm -a -u "$VIP4:1812" -r "$(rs_addr4 1):1812" -g || return 1
	# Not under kmemleak (debug kernel): ip_vs_pe_reply's per-netns hook
	# tables get reported there once namespaces go (its own issue); the
	# reply ops are then fuzzed on their "not loaded" path.
	[ -e /sys/kernel/debug/kmemleak ] || modprobe ip_vs_pe_reply
	send_calls cl1 0 500 fz
	r=$(nl dir1 fuzz "$secs" "${IPVS_UDP_NL_FUZZ_SEED:-$RANDOM}")
	echo "# fuzz $secs s: $r"
	check "fuzz: requests answered, none timed out" \
		[ "$(jf "$r" 'd["sent"] > 100 and d["timeouts"] == 0')" = True ]
	check "fuzz: most errors carry an extack message" \
		[ "$(jf "$r" 'd["extack"] * 2 > sum(d["errors"].values())')" = True ]
	r=$(nl dir1 do sip-get "{\"service\":$SVC}")
	check "the family still answers after the fuzz" [ "$(jf "$r" 'd["ok"]')" = True ]
}

# The kernel's own YNL CLI (tools/net/ynl/cli.py of linux-source-6.12, as
# unpacked by scripts/ynl-gen) drives the family from the spec alone.
ynl_cli_checks() {
	local ynl=build/linux-6.12/tools/net/ynl r n vip
	local spec=build/linux-6.12/Documentation/netlink/specs/ipvs_udp.yaml
	if [ ! -f "$ynl/cli.py" ] || [ ! -f "$spec" ]; then
		skip "ynl cli: run scripts/ynl-gen first (unpacks the 6.12 YNL tools)"
		return 0
	fi
	# 6.12's ynl.py cannot decode attributes of type "pad" (later kernels
	# skip them): give it the spec without them, and --process-unknown.
	# Every attribute keeps its number (a type is its position unless it
	# has a value: dropping a pad must not renumber those after it).
	/usr/bin/python3 - "$spec" "$SIP_DIR/ipvs_udp.yaml" <<'EOF'
import sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
for s in y["attribute-sets"]:
    v = 1
    for a in s["attributes"]:
        v = a.setdefault("value", v) + 1
    s["attributes"] = [a for a in s["attributes"] if a["type"] != "pad"]
out = open(sys.argv[2], "w")
out.write(open(sys.argv[1]).readline())     # the SPDX line ynl requires
yaml.safe_dump(y, out, sort_keys=False)
EOF
	spec=$SIP_DIR/ipvs_udp.yaml
	n=$(sip_counter dir1 Bindings)
	vip=$(/usr/bin/python3 -c "import socket; print(socket.inet_aton('$VIP4').hex())")
	r=$(ns dir1 /usr/bin/python3 "$ynl/cli.py" --spec "$spec" --no-schema \
		--process-unknown --do sip-get \
		--json "{\"service\":{\"af\":2,\"protocol\":17,\"addr\":\"$vip\",\"port\":5060}}" 2>&1)
	echo "# ynl cli --do sip-get: $(echo "$r" | tr '\n' ' ' | cut -c1-300)"
	check "ynl cli --do sip-get: $n bindings" \
		grep -qE "'bindings': $n\b" <<<"$r"
	r=$(ns dir1 /usr/bin/python3 "$ynl/cli.py" --spec "$spec" --no-schema \
		--process-unknown --dump binding-get 2>&1)
	check "ynl cli --dump binding-get: $n Call-IDs" \
		[ "$(grep -o "'call-id': b'[^']*'" <<<"$r" | sort -u | wc -l)" = "$n" ]
}

# The hostile requests and the fuzz loop run from netlink-hostile.sh, in
# their own UML boot.
[ $# -eq 0 ] && set -- test_autoload test_settings test_bindings test_flush test_dump_switch \
	test_counters_many \
	test_seed
scenario_main "$@"
