#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sip scheduler's Call-ID affinity, measured with the C++ harness
# (tests/harness/sip-calls): each call's INVITE comes from one client host,
# its ACK and BYE from another, as when a call's dialog is driven by two
# proxies; each real server runs a sip-calls UAS that answers a BYE of a
# call it never saw with 481 and logs which Call-IDs it got. The verdict
# (sip-calls verify): every Call-ID reached exactly one server.
#
#   cl1, cl2 --- rt --- lan --- dir1 (DR; VIP 10.0.100.1:5060)
#                          +--- rs1, rs2, rs3 (sip-calls uas on VIP:5060)
#
# IPVS is configured with ipvs-setup (generic netlink through libipvs-udp).
#
#   sip_ops     -s sip -o, a fresh source port per call and host, then both
#               hosts on one socket each (5060, as proxies): every call ok,
#               none split, all three servers used
#   baselines   the service edited to -s rr -o: calls split across servers,
#               their BYEs answered 481 (the verifier sees it); edited to
#               -s sip without -o, proxies on 5060: nothing splits, but IPVS
#               pins each proxy socket to the server of its first datagram,
#               so every call lands on one server
#
# Run: make modules-uml userspace && tests/run-scenarios sip-affinity
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/harness.sh

harness_require ipvs-setup sip-calls

CALLS=${IPVS_UDP_AFFINITY_CALLS:-60}
LOGS=/tmp/sip-affinity

# setup SCHED [--ops]: DR topology, two clients, three UAS, the service.
setup() {
	local sched=$1 i
	shift
	topo_setup dr 3 1 2
	rm -rf "$LOGS"
	mkdir -p "$LOGS"
	for i in 1 2 3; do
		bg "rs$i" "$HARNESS_BIN/sip-calls" uas --name "rs$i" --bind "$VIP4:5060" \
			--log "$LOGS/rs$i.log"
	done
	ipvs_setup dir1 service add udp "$VIP4:5060" "$sched" "$@" || return 1
	for i in 1 2 3; do
		ipvs_setup dir1 dest add udp "$VIP4:5060" "$(rs_addr4 "$i")" --route || return 1
	done
	for i in 1 2 3; do
		wait_udp_port "rs$i" 5060 || return 1
	done
}

# calls PORT: CALLS calls, INVITE from cl1, ACK and BYE from cl2, source
# port PORT on both (0: a new one per call). Prints the UAC's JSON.
calls() {
	# Bounded: a call takes milliseconds; 5 s per unanswered transaction.
	ns cl1 timeout -k 5 120 "$HARNESS_BIN/sip-calls" uac --vip "$VIP4" --calls "$CALLS" --timeout 5 \
		--invite "cl1,$(cl_addr4 1),$1" --dialog "cl2,$(cl_addr4 2),$1" \
		--ids "$LOGS/ids"
}

verdict() {
	sip_calls cl1 verify --expect "$LOGS/ids" rs1="$LOGS/rs1.log" \
		rs2="$LOGS/rs2.log" rs3="$LOGS/rs3.log"
}

# reset: empty the UAS logs between two runs on the same topology.
reset() {
	local i
	for i in 1 2 3; do
		: >"$LOGS/rs$i.log"
	done
}

affinity_holds() {
	local label=$1 port=$2 uac v
	reset
	uac=$(calls "$port")
	echo "# uac: $uac"
	v=$(verdict)
	echo "# verdict: $v"
	check "$label: $CALLS of $CALLS calls ok" \
		[ "$(json "$uac" '(d["ok"], d["failed"])')" = "($CALLS, 0)" ]
	check "$label: every Call-ID reached exactly one server, none missing" \
		[ "$(json "$v" '(d["ok"], d["calls"], d["split"], d["missing"], d["r481"])')" = \
		"(True, $CALLS, 0, 0, 0)" ]
	check "$label: the calls are spread over the three servers" \
		[ "$(json "$v" 'len([n for n in d["servers"].values() if n > 0])')" = 3 ]
}

# -s sip -o: a fresh source port per call and host, then both hosts on one
# socket each (port 5060, as proxies).
test_sip_ops() {
	setup sip --ops || return 1
	affinity_holds "sip -o, ephemeral ports" 0
	affinity_holds "sip -o, proxies on 5060" 5060
}

# The same topology with the service edited (ipvs-setup service edit):
# -s rr -o splits calls, -s sip without -o piles them on one server.
test_baselines() {
	local uac v
	setup sip --ops || return 1
	ipvs_setup dir1 service edit udp "$VIP4:5060" rr || return 1
	reset
	uac=$(calls 0)
	echo "# rr -o uac: $uac"
	v=$(verdict)
	echo "# rr -o verdict: $v"
	check "rr -o baseline: calls are split across servers" \
		[ "$(json "$v" 'd["split"] > 0 and not d["ok"]')" = True ]
	check "rr -o baseline: split calls fail (BYE answered 481 by a server that lacks the call)" \
		[ "$(json "$uac" 'd["r481"] > 0 and d["failed"] >= d["r481"]')" = True ]

	ipvs_setup dir1 service edit udp "$VIP4:5060" sip --no-ops || return 1
	echo "# $(ipvs_setup dir1 list --json)"
	check "sip without -o: the service was edited (sip, no ops)" \
		[ "$(json "$(ipvs_setup dir1 list --json)" '(d["services"][0]["scheduler"], "one-packet" in d["services"][0]["flags"])')" = \
		"('sip', False)" ]
	reset
	uac=$(calls 5060)
	echo "# sip uac: $uac"
	v=$(verdict)
	echo "# sip verdict: $v"
	check "sip without -o: $CALLS of $CALLS calls ok, none split" \
		[ "$(json "$uac" 'd["ok"]'):$(json "$v" 'd["split"]')" = "$CALLS:0" ]
	check "sip without -o: every call on the one server both proxy sockets are pinned to" \
		[ "$(json "$v" 'sorted(d["servers"].values())')" = "[0, 0, $CALLS]" ]
}

scenario_main "$@"
