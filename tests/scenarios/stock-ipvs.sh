#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Baseline: what stock IPVS does with UDP request/reply traffic today
# (shared/reference/upstream-ipvs-facts.md). These pin the behaviour that the
# ipvs-udp modules fix, so that their own scenarios have a proven baseline:
# if one of these starts failing, the kernel under test behaves differently
# from the one our fixes were written against.
#
#   cl1 --- rt --- lan --- dir1 (NAT, VIP 10.0.100.1 / fd00:100::1)
#                     +--- rs1, rs2   (udp_server.py on port 5353)
#
# Run inside UML: scripts/uml-run -- tests/scenarios/stock-ipvs.sh [test_...]
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh

PORT=5353
CLIENT=tests/tools/udp_client.py
SERVER=tests/tools/udp_server.py

# NAT service on VIP:PORT with two real servers; extra ipvsadm -A options.
setup_nat_service() {
	local i
	topo_setup nat 2
	for i in 1 2; do
		bg "rs$i" /usr/bin/python3 $SERVER "rs$i" "$(rs_addr4 "$i")" $PORT
	done
	ns dir1 ipvsadm -A -u "$VIP4:$PORT" "$@" || return 1
	for i in 1 2; do
		ns dir1 ipvsadm -a -u "$VIP4:$PORT" -r "$(rs_addr4 "$i"):$PORT" -m \
			|| return 1
	done
	wait_udp_port rs1 $PORT && wait_udp_port rs2 $PORT
}

# Without -o, every datagram of one client address:port follows the first.
test_rr_sticks_to_one_server() {
	local out
	setup_nat_service -s rr || return 1
	out=$(ns cl1 /usr/bin/python3 $CLIENT $VIP4 $PORT 20)
	echo "# $out"
	check "rr: 20/20 replies" [ "$(json "$out" 'd["replies"]')" = 20 ]
	check "rr: all requests reached one real server" \
		[ "$(json "$out" 'len(d["servers"])')" = 1 ]
	check "rr: replies come from the VIP" \
		[ "$(json "$out" 'list(d["sources"])')" = "['$VIP4']" ]
}

# With -o each datagram is scheduled, but NAT replies are not translated.
test_rr_ops_replies_from_real_server() {
	local out
	setup_nat_service -s rr -o || return 1
	out=$(ns cl1 /usr/bin/python3 $CLIENT $VIP4 $PORT 20)
	echo "# $out"
	check "rr -o: requests spread 10/10" \
		[ "$(json "$out" 'sorted(d["servers"].values())')" = "[10, 10]" ]
	check "rr -o: replies come from the real servers, not the VIP" \
		[ "$(json "$out" 'sorted(d["sources"])')" = \
		"['$(rs_addr4 1)', '$(rs_addr4 2)']" ]
	out=$(ns cl1 /usr/bin/python3 $CLIENT $VIP4 $PORT 20 --connect \
		--timeout 0.3)
	echo "# $out"
	check "rr -o: a connected client socket gets no reply" \
		[ "$(json "$out" 'd["replies"]')" = 0 ]
}

# The sip persistence engine's conn_out NATs the replies back.
test_rr_ops_pe_sip_replies_from_vip() {
	local out
	setup_nat_service -s rr -o --pe sip || return 1
	out=$(ns cl1 /usr/bin/python3 $CLIENT $VIP4 $PORT 20 --connect)
	echo "# $out"
	check "rr -o --pe sip: 20/20 replies on a connected socket" \
		[ "$(json "$out" 'd["replies"]')" = 20 ]
	check "rr -o --pe sip: requests spread 10/10" \
		[ "$(json "$out" 'sorted(d["servers"].values())')" = "[10, 10]" ]
	check "rr -o --pe sip: module ip_vs_pe_sip was autoloaded" \
		grep -q '^ip_vs_pe_sip ' /proc/modules
}

scenario_main "$@"
