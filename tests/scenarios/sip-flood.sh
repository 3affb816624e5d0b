#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Call-ID flood against the sip scheduler in every forwarding mode, with
# and without the reply engine: the binding table is filled to its cap by
# random Call-IDs (tests/tools/sipflood.c, another client), then real calls
# are made (after the flood: its OPTIONS would be calls to the SIPp UAS).
# README promises that new calls at the cap are still placed and
# still work, and existing bindings are never evicted.
#
#   cl1 (SIPp UAC), cl2 (flood) --- rt --- lan --- dir1 (-s sip -o ...)
#                                             +--- rs1, rs2, rs3 (SIPp UAS)
#
# For each mode (dr, dr_reply, tun, tun_reply, nat_reply): the cap (300,
# with bindings that live 10 minutes so that the flood's stay) is reached
# and never exceeded, however many more Call-IDs come; every SIPp call
# completes; the calls got no binding (refused, counted) yet each call's
# messages reached one server; with NAT every response reaches the client
# from the VIP, none from a real server's address (before the fix the
# engine turned the scheduler's "refused" into "unchanged", overriding the
# record of the client's request: the responses left with the real
# server's address); the director's slab memory stays flat while ten times
# the cap more Call-IDs arrive at the cap.
#
# Run: make modules-uml userspace && tests/run-scenarios sip-flood[:test_x]
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

SIPFLOOD=build/cmake/sipflood
NL=tests/tools/ipvs_udp_nl.py
SVC='{"af":"inet","protocol":17,"addr":"10.0.100.1","port":5060}'
CAP=300
CALLS=30

slab_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

# flood N: N OPTIONS with fresh Call-IDs from cl2, paced.
flood() {
	ns cl2 "$SIPFLOOD" -n "$1" -r 2000 -T 120 -m OPTIONS "$VIP4" 5060
}

# flood_run NAME METHOD [IPVSADM_OPTS...]
flood_run() {
	local name=$1 method=$2 i r s rc b0 b1 slab0 slab1 vip_resp rs_resp
	shift 2
	[ -x "$SIPFLOOD" ] || {
		fail "$name: $SIPFLOOD missing (make userspace)"
		return 0
	}
	topo_setup "$method" 3 1 2
	sip_init
	sip_service dir1 "$VIP4" -s sip -o "$@" || return 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP4" "$i" 1 || return 1; done
	r=$(ns dir1 /usr/bin/python3 "$NL" do sip-set "{\"service\":$SVC,\"settings\":{\"max-bindings\":$CAP,\"transaction-timeout\":600,\"early-timeout\":600,\"linger-timeout\":600}}")
	check "$name: cap $CAP and 10-minute bindings set" \
		[ "$(json "$r" 'd["ok"]')" = True ]
	# Responses reaching the client: from the VIP, from a real server.
	ns cl1 iptables-legacy -A INPUT -p udp -s "$VIP4" --sport 5060
	ns cl1 iptables-legacy -A INPUT -p udp -s 10.0.2.0/24 --sport 5060

	flood $((CAP * 2)) >/dev/null
	b0=$(sip_counter dir1 Bindings)
	check "$name: the flood fills the table to its cap ($b0 of $CAP)" \
		[ "$b0" = "$CAP" ]
	slab0=$(slab_kb)
	flood $((CAP * 10)) >/dev/null
	slab1=$(slab_kb)
	b1=$(sip_counter dir1 Bindings)
	# The UAS start after the flood: its OPTIONS would be calls to them.
	for i in 1 2 3; do sip_uas "$i" || return 1; done
	sip_uac uac1 cl1 "$VIP4" "$CALLS" 10
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	ns dir1 cat /proc/net/ip_vs_sip | sed 's/^/# /'
	calls_ok "$name" "$s" "$rc" "$CALLS"
	check "$name: still at the cap after $((CAP * 10)) more Call-IDs ($b1)" \
		[ "$b1" = "$CAP" ]
	check "$name: new calls were refused a binding (counted)" \
		[ "$(sip_counter dir1 Refused)" -ge $((CAP * 10)) ]
	echo "# slab: ${slab0} kB at the cap, ${slab1} kB after the second flood"
	check "$name: slab memory flat at the cap (+$((slab1 - slab0)) kB)" \
		[ $((slab1 - slab0)) -lt 4096 ]
	# shellcheck disable=SC2016 # awk's fields
	read -r vip_resp rs_resp < <(ns cl1 iptables-legacy -nvxL INPUT |
		awk '/spt:5060/ { printf "%s ", $1 } END { print "" }')
	echo "# responses at cl1: $vip_resp from the VIP, $rs_resp from real servers"
	if [ "$method" = nat ]; then
		check "$name: every response from the VIP" \
			test "$vip_resp" -ge $((CALLS * 2)) -a "$rs_resp" = 0
	fi
}

test_dr() { flood_run dr dr; }
test_dr_reply() { flood_run dr_reply dr --pe reply; }
test_tun() { flood_run tun tun; }
test_tun_reply() { flood_run tun_reply tun --pe reply; }
test_nat_reply() { flood_run nat_reply nat --pe reply; }

scenario_main "$@"
