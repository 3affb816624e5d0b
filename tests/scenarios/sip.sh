#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sip scheduler with real SIP traffic: SIPp calls (INVITE, ACK, BYE)
# from clients over one UDP socket, SIPp UAS on three real servers.
#
#   cl1 [cl2] --- rt --- lan --- dir1 (ipvsadm -A -u VIP:5060 -s sip -o)
#                           +--- rs1, rs2, rs3 (SIPp UAS on port 5060)
#
# A call works only if its ACK and BYE reach the server that took its
# INVITE: the UAS answers a BYE of a dialog it does not know with 481,
# which fails the call at the UAC. Besides SIPp's own verdict, every
# server's message log is checked for calls split over servers.
#
# Each test has a baseline that makes it fail without the feature (see
# also test_baselines): rr -o splits calls; sip without -o puts one
# client's calls on one server.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/sip.sh [test_...]

# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

XSRC=tests/tools/sip_xsrc.py
# To see the tests fail without the feature, e.g.:
#   IPVS_UDP_SIP_SCHED=rr tests/run-scenarios sip
#   IPVS_UDP_SIP_OPS= tests/run-scenarios sip      (no one-packet scheduling)
SCHED=${IPVS_UDP_SIP_SCHED:-sip}
OPS=${IPVS_UDP_SIP_OPS--o}

# sip_setup METHOD NCL "SERVICE OPTIONS" [W1 W2 W3]: topology with three
# real servers and NCL clients, a SIPp UAS on each real server (counting
# what reaches it), the service on dir1 (IPv4 VIP) with those weights.
sip_setup() {
	local method=$1 ncl=$2 opts=$3 i
	shift 3
	topo_setup "$method" 3 1 "$ncl"
	sip_init
	for i in 1 2 3; do
		sip_uas "$i" || return 1
		sip_rs_count_init "$i"
	done
	# shellcheck disable=SC2086
	sip_service dir1 "$VIP4" $opts || return 1
	for i in 1 2 3; do
		sip_add_rs dir1 "$VIP4" "$i" "${1:-1}" || return 1
		[ $# -gt 0 ] && shift
	done
	return 0
}

# spread_ok SUMMARY FIELD W1 W2 W3: each server's count (FIELD of the
# summary: "calls", or "new_after" for calls started after --since) is
# within 4 standard deviations of its weight's share: random Call-IDs make
# each count a binomial draw (a 15% bound: about one run in 100 failed one
# of this file's three checks; ignoring the weights misses by over 10).
spread_ok() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, math, sys
d = json.loads(sys.argv[1])
f = sys.argv[2]
w = [float(x) for x in sys.argv[3:]]
n = [d["servers"]["rs%d" % (i + 1)][f] for i in range(len(w))]
tot, W, worst, pct = sum(n), sum(w), 0.0, 0.0
for i in range(len(w)):
    p = w[i] / W
    exp, sd = tot * p, math.sqrt(tot * p * (1 - p))
    worst = max(worst, abs(n[i] - exp) / sd if sd else 99.0)
    pct = max(pct, abs(n[i] - exp) / exp if exp else 1.0)
print("# calls per server %s for weights %s: worst deviation %.1f%% of the "
      "weight's share, %.1f standard deviations" %
      (n, [int(x) for x in w], 100 * pct, worst))
sys.exit(0 if tot and worst <= 4 else 1)
EOF
}

test_dr_spread() {
	local s rc t
	sip_setup dr 1 "-s $SCHED $OPS" || return 1
	sip_uac uac1 cl1 "$VIP4" 600 100
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	calls_ok "dr sip -o, weights 1,1,1" "$s" "$rc" 600
	check "dr sip -o: calls within 4 standard deviations of weights 1,1,1" \
		spread_ok "$s" calls 1 1 1

	for i in 1 2 3; do
		ns dir1 ipvsadm -e -u "$VIP4:5060" -r "$(rs_addr4 "$i"):5060" -g \
			-w "$i" || return 1
	done
	t=$(sip_now)
	# 80 calls/s: near 100 a UML kernel on a shared host saturates, and
	# SIPp's own retransmission limits then fail calls (seen in CI at 120).
	sip_uac uac2 cl1 "$VIP4" 1200 80
	rc=$?
	uac_report uac2 "$rc"
	s=$(sip_summary --since "$t")
	echo "# $s"
	calls_ok "dr sip -o, weights 1,2,3" "$s" "$rc" 1800
	check "dr sip -o: calls within 4 standard deviations of weights 1,2,3" \
		spread_ok "$s" new_after 1 2 3
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
}

test_nat_spread() {
	local s rc replies
	sip_setup nat 1 "-s $SCHED $OPS --pe sip" || return 1
	# The real servers' replies come in and go out dir1's eth0, to rt on
	# the same subnet: dir1 would send ICMP redirects, after which the
	# real servers answer the client straight, un-NATed, from their own
	# address (SIPp's UAC takes any source; a real client does not).
	ns dir1 sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.eth0.send_redirects=0
	# Count the replies reaching the client by source address.
	ns cl1 iptables-legacy -I INPUT -p udp --sport 5060 -s "$VIP4" -j ACCEPT
	ns cl1 iptables-legacy -I INPUT -p udp --sport 5060 ! -s "$VIP4" -j ACCEPT
	# NAT doubles the director's work; UML's one CPU saturates near
	# 100 calls/s, and late replies make SIPp retransmit.
	sip_uac uac1 cl1 "$VIP4" 900 75
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	replies=$(ns cl1 iptables-legacy -nvxL INPUT | awk -v vip="$VIP4" '
		/spt:5060/ { if ($8 == vip) v += $1; else o += $1 }
		END { print v + 0, o + 0 }')
	echo "# replies at the client: ${replies% *} from the VIP, ${replies#* } from real server addresses"
	calls_ok "nat sip -o --pe sip" "$s" "$rc" 900
	check "nat sip -o --pe sip: calls within 4 standard deviations of weights 1,1,1" \
		spread_ok "$s" calls 1 1 1
	check "nat sip -o --pe sip: every reply NATed to the VIP (${replies% *} of $((${replies% *} + ${replies#* })))" \
		[ "${replies#* }/$((${replies% *} > 0))" = 0/1 ]
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
}

# What the sip scheduler fixes: rr -o sends a call's ACK and BYE to other
# servers; sip without -o schedules only a flow's first datagram.
test_baselines() {
	local s rc t busy
	sip_setup dr 1 "-s rr -o" || return 1
	SIP_UAC_SLACK=40 sip_uac uac1 cl1 "$VIP4" 300 100
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	check "rr -o baseline: calls fail (SIPp exit $rc, $(sj "$s" \
		'd["uac"]["failed"]') of 300 failed, $(sj "$s" \
		'd["uac"]["r481"]') BYEs answered 481)" \
		[ "$(sj "$s" 'd["uac"]["failed"]')" -gt 0 ]
	check "rr -o baseline: calls split over servers ($(sj "$s" \
		'd["split"]') calls)" [ "$(sj "$s" 'd["split"]')" -gt 0 ]

	ns dir1 ipvsadm -D -u "$VIP4:5060"
	sip_service dir1 "$VIP4" -s sip || return 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP4" "$i" 1 || return 1; done
	t=$(sip_now)
	sip_uac uac2 cl1 "$VIP4" 300 100
	rc=$?
	uac_report uac2 "$rc"
	s=$(sip_summary --since "$t")
	echo "# $s"
	busy=$(sj "$s" 'len([v for v in d["servers"].values() if v["new_after"]])')
	check "sip without -o baseline: one client's calls all on one server" \
		[ "$busy" = 1 ]
}

# INVITE from cl1, ACK and BYE from cl2: still one server per call.
test_cross_source() {
	local s out rc
	sip_setup dr 2 "-s $SCHED $OPS" || return 1
	out=$(/usr/bin/python3 "$XSRC" --vip "$VIP4" --calls 90 \
		--invite "cl1,$(cl_addr4 1),5060" --dialog "cl2,$(cl_addr4 2),5060")
	rc=$?
	echo "# sip_xsrc: $out"
	s=$(sip_summary)
	echo "# $s"
	check "cross-source: 90 of 90 calls successful" \
		[ "$rc/$(json "$out" 'd["ok"]')" = "0/90" ]
	check "cross-source: every call's messages reached one server" \
		[ "$(sj "$s" 'd["split"]')" = 0 ]
	check "cross-source: calls on all three servers" \
		[ "$(sj "$s" 'min(v["calls"] for v in d["servers"].values())')" -gt 0 ]
	check "cross-source: 90 INVITEs, ACKs and BYEs seen (270 messages)" \
		[ "$(sj "$s" 'sum(v["received"] for v in d["servers"].values())')" -ge 270 ]
}

# The UAC of the tests below makes calls of 4 s at 20 calls/s until it is
# told to stop. Each test waits until rs2 is in the middle of calls (60
# datagrams reached it: after about 4 s, some 25 of its calls are up), then
# changes rs2, waits until the UAC has started 60 more calls, and stops it:
# a slow guest stretches the run instead of changing what it tests.
rs2_busy() { [ "$(sip_rs_count 2)" -ge 60 ]; }
calls_start() {
	sip_uac_start uac1 cl1 "$VIP4" - 20 -d 4000
	wait_for 120 rs2_busy ||
		{ echo "# rs2 got only $(sip_rs_count 2) datagrams"; return 1; }
}
new_calls() { [ "$(sip_uac_sent_since uac1 "$1")" -ge 60 ]; }
calls_stop() { # EPOCH
	wait_for 120 new_calls "$1" ||
		echo "# the UAC started only $(sip_uac_sent_since uac1 "$1") calls after the change"
	sip_uac_stop uac1
	sip_uac_wait uac1
}

# A real server removed while calls run (expire_nodest_conn=$1).
remove_run() {
	local exp=$1 s rc t c0 c1 moved m1 m3 label="remove rs2 (expire_nodest_conn=$1)"
	sip_setup dr 1 "-s $SCHED $OPS" || return 1
	ns dir1 sysctl -qw net.ipv4.vs.expire_nodest_conn="$exp" || return 1
	calls_start || return 1
	ns dir1 ipvsadm -d -u "$VIP4:5060" -r "$(rs_addr4 2):5060" || return 1
	t=$(sip_now)
	c0=$(sip_rs_count 2)
	calls_stop "$t"
	rc=$?
	sleep 0.5
	c1=$(sip_rs_count 2)
	uac_report uac1 "$rc"
	moved=$(sip_counter dir1 Moved)
	s=$(sip_summary --since "$t" --origin rs2)
	echo "# $s"
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
	m1=$(sj "$s" 'd["origin"]["moved"]["rs1"]')
	m3=$(sj "$s" 'd["origin"]["moved"]["rs3"]')
	echo "# rs2 had $(sj "$s" 'd["origin"]["calls"]') calls; datagrams to rs2: $c0 at removal, $c1 at the end; later messages of its calls went to rs1 ($m1 calls) and rs3 ($m3 calls); Moved counter $moved; failed calls: $(sj "$s" 'd["origin"]["failed_origin"]') of rs2's (481 from the survivor: expected), $(sj "$s" 'd["origin"]["failed_other"]') others"
	check "$label: no datagram reached rs2 after its removal" [ "$c1" = "$c0" ]
	check "$label: rs2's calls' later messages went to both survivors" \
		gt0 "$m1" "$m3"
	check "$label: Moved counter = calls moved ($moved = $m1 + $m3)" \
		[ "$moved" = $((m1 + m3)) ]
	check "$label: no call of rs1 or rs3 failed, new calls complete" \
		[ "$(sj "$s" 'd["origin"]["failed_other"]')" = 0 ]
	check "$label: calls of rs1 and rs3 stayed on their server" \
		[ "$(sj "$s" 'd["split_other"]')" = 0 ]
	check "$label: calls started after the removal (some on each survivor)" \
		gt0 "$(sj "$s" 'd["servers"]["rs1"]["new_after"]')" \
		"$(sj "$s" 'd["servers"]["rs3"]["new_after"]')"
}
test_remove_server_nodest0() { remove_run 0; }
test_remove_server_nodest1() { remove_run 1; }

# rs2 set to weight 0 while calls run. Default: its calls drain (finish
# there); with flag-1 they move off at once.
weight0_run() {
	local mode=$1 s rc t c0 c1 moved m1 m3 flags="" label
	[ "$mode" = move ] && flags="-b flag-1"
	label="weight 0 on rs2 ($mode${flags:+, $flags})"
	sip_setup dr 1 "-s $SCHED $OPS $flags" || return 1
	calls_start || return 1
	ns dir1 ipvsadm -e -u "$VIP4:5060" -r "$(rs_addr4 2):5060" -g -w 0 ||
		return 1
	t=$(sip_now)
	c0=$(sip_rs_count 2)
	calls_stop "$t"
	rc=$?
	sleep 0.5
	c1=$(sip_rs_count 2)
	uac_report uac1 "$rc"
	moved=$(sip_counter dir1 Moved)
	# INVITEs SIPp logs up to 0.2 s late still count as earlier calls.
	s=$(sip_summary --since "$(awk -v t="$t" 'BEGIN { printf "%.6f", t + 0.2 }')" \
		--origin rs2)
	echo "# $s"
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
	m1=$(sj "$s" 'd["origin"]["moved"]["rs1"]')
	m3=$(sj "$s" 'd["origin"]["moved"]["rs3"]')
	echo "# rs2 had $(sj "$s" 'd["origin"]["calls"]') calls, $(sj "$s" 'd["origin"]["stayed"]') of them with a BYE sent after weight 0 that reached it; datagrams to rs2: $c0 at weight 0, $c1 at the end; calls moved to rs1: $m1, rs3: $m3; Moved counter $moved; new calls on rs2: $(sj "$s" 'd["servers"]["rs2"]["new_after"]')"
	check "$label: no new call on rs2" \
		[ "$(sj "$s" 'd["servers"]["rs2"]["new_after"]')" = 0 ]
	check "$label: calls of rs1 and rs3 unaffected" \
		[ "$(sj "$s" 'd["origin"]["failed_other"]')/$(sj "$s" 'd["split_other"]')" = 0/0 ]
	if [ "$mode" = drain ]; then
		calls_ok "$label" "$s" "$rc" "$(sj "$s" 'd["uac"]["calls"]')"
		# By the UAC's send times: a busy guest reads rs2's counters
		# (c0) too late to tell, and its UAS may read earlier
		# messages late.
		check "$label: rs2's calls finished on rs2 ($(sj "$s" \
			'd["origin"]["stayed"]') BYEs sent after weight 0 reached it)" \
			gt0 "$(sj "$s" 'd["origin"]["stayed"]')"
		check "$label: no call moved (Moved $moved)" \
			[ "$m1/$m3/$moved" = 0/0/0 ]
	else
		check "$label: no datagram reached rs2 after weight 0" \
			[ "$c1" = "$c0" ]
		check "$label: rs2's calls moved to both other servers" \
			gt0 "$m1" "$m3"
		check "$label: Moved counter = calls moved ($moved = $m1 + $m3)" \
			[ "$moved" = $((m1 + m3)) ]
	fi
}
test_weight0_drain() { weight0_run drain; }
test_weight0_move() { weight0_run move; }

test_ipv6_dr() {
	local s rc i
	topo_setup dr 3
	sip_init
	for i in 1 2 3; do sip_uas "$i" "$VIP6" || return 1; done
	# shellcheck disable=SC2086
	sip_service dir1 "$VIP6" -s "$SCHED" $OPS || return 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP6" "$i" 1 || return 1; done
	sip_uac uac1 cl1 "$VIP6" 300 100
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
	calls_ok "ipv6 dr sip -o" "$s" "$rc" 300
	check "ipv6 dr sip -o: calls on all three servers" \
		[ "$(sj "$s" 'min(v["calls"] for v in d["servers"].values())')" -gt 0 ]
}

scenario_main "$@"
