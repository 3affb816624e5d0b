#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipvs_udp generic netlink family under hostile requests, in its own
# UML boot:
#
#   test_hostile (tests/scenarios/netlink.sh): malformed attributes with
#     extack checks, a dump interrupted by deleting its service;
#   test_fuzz_churn (here): a seeded, time-bounded fuzz loop
#     (tests/tools/ipvs_udp_nl_fuzz.py: random attribute types, lengths
#     and nesting, random commands and flags, truncated netlink and
#     genetlink headers, batches, dumps abandoned or read slowly) while the
#     service it targets is deleted and re-added, its real server removed
#     and re-added, and SIP datagrams create bindings, all the time. Under
#     the debug kernel (scripts/check: DEBUG_SCENARIOS) KASAN, UBSAN,
#     lockdep and kmemleak reports fail the run (scripts/uml-splat-check).
#
#   IPVS_UDP_NL_FUZZ_SECONDS  fuzz time (default 45 under the debug kernel,
#                             30 otherwise)
#   IPVS_UDP_NL_FUZZ_SEED     the seed (default random; printed)
#
# Run inside UML: scripts/uml-run -- tests/scenarios/netlink-hostile.sh
#   [test_hostile] [test_fuzz_churn] [test_fuzz (netlink.sh's short loop)]

# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh
. tests/lib/nl.sh

[ $# -eq 0 ] && set -- test_hostile test_fuzz_churn

FUZZ=tests/tools/ipvs_udp_nl_fuzz.py

# churn: until $SIP_DIR/stop exists, delete and re-add the service and its
# real server, and send datagrams (new bindings); counts rounds.
churn() {
	local i=0
	while [ ! -e "$SIP_DIR/stop" ]; do
		i=$((i + 1))
		send_calls cl1 0 100 "ch$i" >/dev/null 2>&1
		sleep 0.3
		ns dir1 ipvsadm -d -u "$VIP4:5060" -r "$(rs_addr4 1):5060" 2>/dev/null
		sip_add_rs dir1 "$VIP4" 1 1 2>/dev/null
		sleep 0.2
		ns dir1 ipvsadm -D -u "$VIP4:5060" 2>/dev/null
		sip_service dir1 "$VIP4" -s sip -o 2>/dev/null
		sip_add_rs dir1 "$VIP4" 1 1 2>/dev/null
		echo "$i" >"$SIP_DIR/churn"
	done
}

test_fuzz_churn() {
	local r secs seed kmemleak='' t0=$SECONDS
	[ -e /sys/kernel/debug/kmemleak ] && kmemleak=1
	secs=${IPVS_UDP_NL_FUZZ_SECONDS:-$([ -n "$kmemleak" ] && echo 45 || echo 30)}
	seed=${IPVS_UDP_NL_FUZZ_SEED:-$RANDOM$RANDOM}
	echo "# fuzz seed $seed, $secs s (IPVS_UDP_NL_FUZZ_SEED=$seed reproduces the requests;" \
		"the churn's timing differs)"
	topo_setup dr 1 1 1
	sip_init
	sip_service dir1 "$VIP4" -s sip -o || return 1
	sip_add_rs dir1 "$VIP4" 1 1 || return 1
	# Not under kmemleak: see test_fuzz in netlink.sh (ip_vs_pe_reply's
	# per-netns tables); the reply ops are then fuzzed on their "not
	# loaded" path.
	[ -n "$kmemleak" ] || modprobe ip_vs_pe_reply
	send_calls cl1 0 500 fz
	echo "# bindings before the fuzz: $(sip_counter dir1 Bindings)"
	churn &
	TOPO_PIDS+=($!)
	r=$(ns dir1 /usr/bin/python3 "$FUZZ" "$secs" "$seed" "$SVC" \
		"{\"af\":\"inet\",\"addr\":\"$(rs_addr4 1)\",\"port\":5060}")
	touch "$SIP_DIR/stop"
	wait "${TOPO_PIDS[-1]}"
	echo "# fuzz: $r (setup and fuzz: $((SECONDS - t0)) s)"
	echo "# churn rounds (service and real server deleted and re-added): $(cat "$SIP_DIR/churn" 2>/dev/null)"
	if ! json "$r" 'd["sent"]' >/dev/null 2>&1; then
		fail "fuzz: the fuzz loop did not finish: $r"
		return 0
	fi
	check "fuzz: requests sent, none timed out (seed $seed)" \
		[ "$(json "$r" 'd["sent"] > 200 and d["timeouts"] == 0')" = True ]
	check "fuzz: the service was deleted and re-added during the fuzz" \
		[ "$(cat "$SIP_DIR/churn" 2>/dev/null || echo 0)" -ge 2 ]
	# The kernel's error paths were reached: policy rejections (EINVAL
	# with extack), unknown services (ESRCH), unknown commands
	# (EOPNOTSUPP), and most errors explain themselves.
	echo "# errors with extack by errno: $(json "$r" 'd["extack"]')"
	echo "# errors without extack by errno: $(json "$r" 'd["no_extack"]')"
	check "fuzz: EINVAL with extack, ESRCH and EOPNOTSUPP answered" \
		[ "$(json "$r" 'd["extack"].get("EINVAL", 0) > 10 and "ESRCH" in d["errors"] and "EOPNOTSUPP" in d["errors"]')" = True ]
	check "fuzz: most errors carry an extack message" \
		[ "$(json "$r" 'sum(d["extack"].values()) * 2 > sum(d["errors"].values())')" = True ]
	check "fuzz: successful requests and dumps with bindings too" \
		[ "$(json "$r" 'd["ok"] > 20 and d["dump_msgs"] > 0')" = True ]
	check "fuzz: dumps abandoned mid-way and truncated messages sent" \
		[ "$(json "$r" 'd["dumps_abandoned"] > 0 and d["kinds"].get("truncated", 0) > 0 and d["probes"] > 0')" = True ]
	# Alive afterwards: the family answers on a fresh service.
	ns dir1 ipvsadm -D -u "$VIP4:5060" 2>/dev/null
	sip_service dir1 "$VIP4" -s sip -o || return 1
	# shellcheck disable=SC1010 # "do" is an argument of the client
	r=$(ns dir1 /usr/bin/python3 "$NL" do sip-get "{\"service\":$SVC}")
	check "the family still answers after the fuzz" [ "$(json "$r" 'd["ok"]')" = True ]
}

# test_hostile and test_fuzz live in netlink.sh: run them there, then ours.
theirs=()
ours=()
for t in "$@"; do
	case "$t" in
	test_hostile | test_fuzz) theirs+=("$t") ;;
	*) ours+=("$t") ;;
	esac
done
if [ ${#theirs[@]} -gt 0 ]; then
	tests/scenarios/netlink.sh "${theirs[@]}" || RESULT_FAILED=1
fi
[ ${#ours[@]} -gt 0 ] || exit "$RESULT_FAILED"
scenario_main "${ours[@]}"
