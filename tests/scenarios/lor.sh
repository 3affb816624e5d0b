#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "lor" scheduler (kernel/ip_vs_lor.c) where the outstanding counts do
# not tell the servers apart: the weights must (the counts' ties go by
# weighted round robin), and a service without a usable server answers
# with a port unreachable from the VIP.
#
#   cl1 --- rt --- lan --- dir1 (DR or NAT: VIP on lo; vipless: no VIP,
#                     |          fwmark 1 + ip rule + local 0/0 table 100)
#                     +--- rs1, rs2, rs3 (udp-echo-server, weights 3:1:1)
#
#   dr_weights
#             DR, -s lor -o --pe reply, then the same service without the
#             engine (wlc overhead): replies never pass the director, every
#             count stays 0; 100 requests one at a time (udp-rr) are shared
#             60:20:20 (+-10: lost replies, not speed)
#   icmp_no_dest
#             vipless director, -f 1 -s lor -o --pe reply with NAT servers,
#             then -f 1 -s lor -o with DR servers, every server at weight 0
#             (then, DR, no server at all): the client's connected socket
#             gets ECONNREFUSED, and icmp-watch sees one port unreachable
#             from the VIP quoting its datagram each time (stock 6.1 sends
#             none: the VIP is not a local address)
#
# Run inside UML: scripts/uml-run -- tests/scenarios/lor.sh [test_...]
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/harness.sh
. tests/lib/icmp.sh

harness_require ipvs-setup udp-rr udp-echo-server icmp-watch

PORT=5353
SPORT=40001
CLIENT=tests/tools/udp_client.py
PROC=/proc/net/ip_vs_icmp_vip
WEIGHTS=(3 1 1)
N=100

# setup_weighted METHOD: three echo servers (DR: on the VIP, NAT: on their
# own address), to be weighted 3:1:1 by add_weighted.
setup_weighted() {
	local method=$1 addr i
	topo_setup "$method" 3 || return 1
	for i in 1 2 3; do
		addr=$VIP4
		[ "$method" = nat ] && addr=$(rs_addr4 "$i")
		echo_server "$i" "$addr" "$PORT"
	done
	for i in 1 2 3; do
		wait_udp_port "rs$i" "$PORT" || return 1
	done
}

# add_weighted FWD ARGS...: service VIP:PORT -s lor -o with ipvs-setup's
# ARGS, the three servers with forwarding method FWD, weights 3:1:1.
add_weighted() {
	local fwd=$1 i
	shift
	ipvs_setup dir1 service add udp "$VIP4:$PORT" lor --ops "$@" || return 1
	for i in 1 2 3; do
		ipvs_setup dir1 dest add udp "$VIP4:$PORT" \
			"$(rs_addr4 "$i"):$PORT" "$fwd" \
			--weight "${WEIGHTS[$((i - 1))]}" || return 1
	done
	echo "# $(ipvs_setup dir1 list --json)"
}

# between X LO HI: LO <= X <= HI.
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# expect_shares NAME: N requests one at a time; the servers' counts follow
# the weights 3:1:1 within 10 (the old tie break gave all to rs1).
expect_shares() {
	local name=$1 out i want got total=0 w
	out=$(udp_rr cl1 "$VIP4" "$PORT" "$N" --timeout 2)
	echo "# $name: $out"
	check "$name: at least $((N - 10)) of $N replies" \
		[ "$(json "$out" 'd["replies"]')" -ge $((N - 10)) ]
	for w in "${WEIGHTS[@]}"; do total=$((total + w)); done
	for i in 1 2 3; do
		want=$((N * WEIGHTS[i - 1] / total))
		got=$(json "$out" "d['servers'].get('rs$i', 0)")
		check "$name: rs$i (weight ${WEIGHTS[$((i - 1))]}) got $got of $N, want $want +-10" \
			between "$got" $((want - 10)) $((want + 10))
	done
}

test_dr_weights() {
	setup_weighted dr || return 1
	add_weighted --route --pe reply || return 1
	expect_shares "DR lor --pe reply"
	# shellcheck disable=SC2016 # awk's fields
	check "DR lor --pe reply: no request recorded (DR is not), counts 0" \
		ns dir1 awk 'NR == 2 && $1 != 0 { exit 1 }' /proc/net/ip_vs_pe_reply
	ipvs_setup dir1 service del udp "$VIP4:$PORT" || return 1
	add_weighted --route || return 1
	expect_shares "DR lor without engine (wlc overhead)"
}

# no_dest_icmp NAME FWD I ARGS...: fwmark service -s lor with ARGS and three
# servers of forwarding method FWD at weight 0: a probe gets exactly one
# port unreachable from the VIP, error I of the capture.
no_dest_icmp() {
	local name=$1 fwd=$2 i=$3 out errs s want
	shift 3
	ns dir1 ipvsadm -A -f 1 -s lor "$@" || return 1
	for s in 1 2 3; do
		ns dir1 ipvsadm -a -f 1 -r "$(rs_addr4 "$s")" "$fwd" -w 0 ||
			return 1
	done
	echo "# $(ns dir1 ipvsadm -Sn | tr '\n' ';')"
	out=$(probe "$VIP4")
	echo "# weight 0: $out"
	check "$name, all at weight 0: the connected socket gets ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	# One error, and no second one a moment later.
	wait_for 60 cap_has $((i + 1))
	sleep 1
	errs=$(cap_errors $((i + 1)))
	check "$name, all at weight 0: exactly one error reaches the client" \
		[ "$(cap_count)" = $((i + 1)) ]
	expect_error "$name, all at weight 0" "$errs" "$i" "$VIP4" \
		"$(cl_addr4 1)" "$VIP4"
	# With IPVS's conn_schedule wrapped (stock_schedulers=Y, the default)
	# it is the kernel's error, made routable and given the VIP
	# (rewritten_v4), and lor's ip_vs_icmp_vip_no_dest() stays quiet;
	# with N the module builds it for lor (generated_v4).
	if [ "$(cat /sys/module/ip_vs_icmp_vip/parameters/stock_schedulers)" = Y ]; then
		want="$((i + 1))/0/0"
	else
		want="0/$((i + 1))/0"
	fi
	check "$name: rewritten_v4/generated_v4/duplicates $want" \
		[ "$(counter rewritten_v4)/$(counter generated_v4)/$(counter duplicates)" = "$want" ]
}

# NAT with the engine, then DR without it (the scheduler is the same, the
# engine and forwarding method must not matter), then no server at all.
test_icmp_no_dest() {
	local out s
	topo_setup vipless 0 || return 1
	cap_start || return 1
	no_dest_icmp "NAT lor --pe reply" -m 0 -o --pe reply
	check "lor loaded ip_vs_icmp_vip" grep -q '^ip_vs_icmp_vip ' /proc/modules
	ns dir1 ipvsadm -C
	no_dest_icmp "DR lor" -g 1 -o
	for s in 1 2 3; do
		ns dir1 ipvsadm -d -f 1 -r "$(rs_addr4 "$s")" || return 1
	done
	out=$(probe "$VIP4")
	echo "# no server: $out"
	check "DR lor, no server: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	wait_for 60 cap_has 3
	check "DR lor, no server: a third error, from the VIP" \
		[ "$(json "$(cap_errors 3)" 'len(d), d[2]["src"]')" = "3 $VIP4" ]
}

scenario_main "$@"
