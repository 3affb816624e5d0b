#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sip scheduler with other service kinds than sip.sh's: real SIP
# traffic (SIPp calls: INVITE, ACK, BYE over one UDP socket) to
#  - a UDP service with IPIP tunnel forwarding (-i), and
#  - a fwmark service (-f 1, marked in the director's mangle PREROUTING)
#    with direct routing (-g).
#
#   cl1 --- rt --- lan --- dir1 (ipvsadm ... -s sip -o)
#                     +--- rs1, rs2, rs3 (SIPp UAS on VIP:5060)
#
# A call works only if its ACK and BYE reach the server that took its
# INVITE (the UAS answers a BYE of an unknown dialog with 481). Each test
# fails without the feature, e.g.:
#   IPVS_UDP_SIP_SCHED=rr tests/run-scenarios sip-modes
#
# Run inside UML: scripts/uml-run -- tests/scenarios/sip-modes.sh [test_...]

# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

SCHED=${IPVS_UDP_SIP_SCHED:-sip}
OPS=${IPVS_UDP_SIP_OPS--o}
CALLS=150
RATE=50

# modes_run LABEL: SIPp calls from cl1 to the VIP, then the checks.
modes_run() {
	local label=$1 s rc
	sip_uac uac1 cl1 "$VIP4" "$CALLS" "$RATE"
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip 2>/dev/null | tail -n 1)"
	calls_ok "$label" "$s" "$rc" "$CALLS"
	check "$label: calls on all three servers" \
		[ "$(sj "$s" 'min(v["calls"] for v in d["servers"].values())')" -gt 0 ]
}

test_tun() {
	local i
	topo_setup tun 3
	sip_init
	for i in 1 2 3; do sip_uas "$i" || return 1; done
	# shellcheck disable=SC2086
	sip_service dir1 "$VIP4" -s "$SCHED" $OPS || return 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP4" "$i" 1 || return 1; done
	ns dir1 ipvsadm -Ln | sed 's/^/# /'
	modes_run "tun $SCHED $OPS"
}

test_fwmark() {
	local i
	topo_setup dr 3
	sip_init
	for i in 1 2 3; do sip_uas "$i" || return 1; done
	ns dir1 iptables-legacy -t mangle -A PREROUTING -d "$VIP4/32" -p udp \
		--dport "$SIP_PORT" -j MARK --set-mark 1 || return 1
	# shellcheck disable=SC2086
	ns dir1 ipvsadm -A -f 1 -s "$SCHED" $OPS || return 1
	for i in 1 2 3; do
		ns dir1 ipvsadm -a -f 1 -r "$(rs_addr4 "$i"):$SIP_PORT" -g -w 1 ||
			return 1
	done
	ns dir1 ipvsadm -Ln | sed 's/^/# /'
	modes_run "fwmark dr $SCHED $OPS"
}

scenario_main "$@"
