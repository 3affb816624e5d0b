#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Baseline: what stock IPVS does with UDP request/reply traffic today
# (shared/reference/upstream-ipvs-facts.md). These pin the behaviour that the
# ipvs-udp modules fix, so that their own scenarios have a proven baseline:
# if one of these starts failing, the kernel under test behaves differently
# from the one our fixes were written against.
#
#   cl1 --- rt --- lan --- dir1 (NAT, VIP 10.0.100.1 / fd00:100::1 on lo)
#                     +--- rs1, rs2   (udp-echo-server on port 5353)
#
# Everything runs on the C++ harness (tests/harness/, tests/lib/harness.sh):
# ipvs-setup configures IPVS over its generic netlink family through
# libipvs-udp, udp-rr sends the requests and reports who answered from
# where, udp-echo-server answers with its name, icmp-watch records the ICMP
# errors on the client's link.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/stock-ipvs.sh [test_...]
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/harness.sh

harness_require ipvs-setup udp-rr udp-echo-server icmp-watch

PORT=5353
SPORT=40001

# NAT service on VIP:PORT with two real servers; SCHED and ipvs-setup
# service options (--ops, --pe NAME).
setup_nat_service() {
	local sched=$1 i
	shift
	topo_setup nat 2
	for i in 1 2; do
		echo_server "$i" "$(rs_addr4 "$i")" $PORT
	done
	ipvs_setup dir1 service add udp "$VIP4:$PORT" "$sched" "$@" || return 1
	for i in 1 2; do
		ipvs_setup dir1 dest add udp "$VIP4:$PORT" "$(rs_addr4 "$i"):$PORT" --nat ||
			return 1
	done
	echo "# $(ipvs_setup dir1 list --json)"
	wait_udp_port rs1 $PORT && wait_udp_port rs2 $PORT
}

# Without -o, every datagram of one client address:port follows the first.
test_rr_sticks_to_one_server() {
	local out
	setup_nat_service rr || return 1
	out=$(udp_rr cl1 $VIP4 $PORT 20)
	echo "# $out"
	check "rr: 20/20 replies" [ "$(json "$out" 'd["replies"]')" = 20 ]
	check "rr: all requests reached one real server" \
		[ "$(json "$out" 'len(d["servers"])')" = 1 ]
	check "rr: replies come from the VIP" \
		[ "$(json "$out" 'list(d["sources"])')" = "['$VIP4']" ]
	# The scheduling unit is the client's address:port: 20 source ports
	# are 20 connections, spread by rr.
	out=$(udp_rr cl1 $VIP4 $PORT 20 --sockets 20)
	echo "# $out"
	check "rr: 20 source ports spread 10/10, every reply from the VIP" \
		[ "$(json "$out" '(sorted(d["servers"].values()), list(d["sources"]))')" = \
		"([10, 10], ['$VIP4'])" ]
}

# With -o each datagram is scheduled, but NAT replies are not translated.
test_rr_ops_replies_from_real_server() {
	local out errs
	setup_nat_service rr --ops || return 1
	out=$(udp_rr cl1 $VIP4 $PORT 20)
	echo "# $out"
	check "rr -o: requests spread 10/10" \
		[ "$(json "$out" 'sorted(d["servers"].values())')" = "[10, 10]" ]
	check "rr -o: replies come from the real servers, not the VIP" \
		[ "$(json "$out" 'sorted(d["sources"])')" = \
		"['$(rs_addr4 1)', '$(rs_addr4 2)']" ]
	# The connected socket: the replies do arrive, from the real servers'
	# addresses, and the client's kernel answers each with a port
	# unreachable (no rate limit on cl1, so one per reply).
	ns cl1 sysctl -qw net.ipv4.icmp_ratelimit=0 || return 1
	icmp_watch_start cl1 --iface eth0 --outgoing || return 1
	out=$(udp_rr cl1 $VIP4 $PORT 20 --connect --timeout 0.3 --sport $SPORT)
	echo "# $out"
	errs=$(icmp_watch_stop)
	echo "# icmp-watch: $(json "$errs" 'len(d["errors"])') errors, the first: $(json "$errs" 'json.dumps(d["errors"][:1])')"
	check "rr -o: a connected client socket gets no reply" \
		[ "$(json "$out" 'd["replies"]')" = 0 ]
	check "rr -o: the client refuses each of the 20 replies (port unreachable to the real server)" \
		[ "$(json "$errs" 'sorted((e["type"], e["code"], e["dst"]) for e in d["errors"])')" = \
		"$(json '0' "sorted([(3, 3, '$(rs_addr4 1)')] * 10 + [(3, 3, '$(rs_addr4 2)')] * 10)")" ]
	check "rr -o: each refused reply was from RIP:$PORT to the client's port" \
		[ "$(json "$errs" 'sorted(set((e["q_src"], e["q_sport"], e["q_dst"], e["q_dport"], e["q_payload"].split()[0], e["icmp_csum_ok"], e["ip_csum_ok"]) for e in d["errors"]))')" = \
		"[('$(rs_addr4 1)', $PORT, '$(cl_addr4 1)', $SPORT, 'rs1', True, True), ('$(rs_addr4 2)', $PORT, '$(cl_addr4 1)', $SPORT, 'rs2', True, True)]" ]
}

# The sip persistence engine's conn_out NATs the replies back.
test_rr_ops_pe_sip_replies_from_vip() {
	local out
	setup_nat_service rr --ops --pe sip || return 1
	out=$(udp_rr cl1 $VIP4 $PORT 20 --connect)
	echo "# $out"
	check "rr -o --pe sip: 20/20 replies on a connected socket" \
		[ "$(json "$out" 'd["replies"]')" = 20 ]
	check "rr -o --pe sip: requests spread 10/10" \
		[ "$(json "$out" 'sorted(d["servers"].values())')" = "[10, 10]" ]
	check "rr -o --pe sip: module ip_vs_pe_sip was autoloaded" \
		grep -q '^ip_vs_pe_sip ' /proc/modules
}

# A service whose VIP is local to the director and that has no real
# server: IPVS answers with a port unreachable, from the VIP (the kernel
# picks the local destination as source), quoting the client's datagram.
# The ip_vs_icmp_vip module must not be loaded for this baseline.
test_no_dest_port_unreachable_from_local_vip() {
	local out errs fam vip cl want
	topo_setup nat 0
	check "no dest: ip_vs_icmp_vip is not loaded (stock kernel)" \
		[ ! -d /sys/module/ip_vs_icmp_vip ]
	ipvs_setup dir1 service add udp "$VIP4:$PORT" rr || return 1
	ipvs_setup dir1 service add udp "[$VIP6]:$PORT" rr || return 1
	icmp_watch_start cl1 --iface eth0 || return 1
	for fam in 4 6; do
		if [ $fam = 4 ]; then vip=$VIP4; else vip=$VIP6; fi
		out=$(udp_rr cl1 "$vip" $PORT 1 --connect --sport $SPORT --timeout 2)
		echo "# v$fam: $out"
		check "no dest v$fam: the connected socket gets ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
	done
	errs=$(icmp_watch_stop 1)
	echo "# $errs"
	check "no dest: exactly two errors reach the client" \
		[ "$(json "$errs" 'len(d["errors"])')" = 2 ]
	for fam in 4 6; do
		if [ $fam = 4 ]; then
			vip=$VIP4 cl=$(cl_addr4 1) want="3, 3"
		else
			vip=$VIP6 cl=$(cl_addr6 1) want="1, 4"
		fi
		check "no dest v$fam: port unreachable from the VIP to the client, checksums valid" \
			[ "$(json "$errs" "[(e['src'], e['dst'], e['type'], e['code'], e['ip_csum_ok'], e['icmp_csum_ok']) for e in d['errors'] if e['af'] == $fam]")" = \
			"[('$vip', '$cl', $want, True, True)]" ]
		check "no dest v$fam: it quotes the client's datagram" \
			[ "$(json "$errs" "[(e['q_src'], e['q_dst'], e['q_sport'], e['q_dport'], e['q_payload']) for e in d['errors'] if e['af'] == $fam]")" = \
			"[('$cl', '$vip', $SPORT, $PORT, 'req-0')]" ]
	done
}

scenario_main "$@"
