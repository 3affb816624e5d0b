#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-service settings of the "reply" persistence engine (reply-set with a
# service, over the ipvs_udp generic netlink family), on the topology and
# helpers of reply.sh (sourced), in a UML boot of its own:
#
#   strict        strict 0: a datagram a real server sends on its own from
#                 its service port leaves from the VIP (upstream-like),
#                 counted as permissive; strict 1 (default): unchanged;
#                 reset drops the service's settings; bad values get extack
#   txid_match    two outstanding DNS queries with different IDs from one
#                 client port: two records with txid-match 1 (default),
#                 one with txid-match 0 (addresses and ports only)
#   per_service   two services of one namespace, reply timeouts 200 ms and
#                 the default 5000 ms, one real server answering after
#                 600 ms: the first's replies pass late and unchanged, the
#                 second's leave from the VIP
#
# Run: make modules-uml && tests/run-scenarios reply-settings[:test_name,...]
cd "$(dirname "$0")/../.." || exit 1
REPLY_SCENARIO_LIB=1
. tests/scenarios/reply.sh

NLT=tests/tools/ipvs_udp_nl.py

# nlr ARGS...: the ipvs_udp netlink client in dir1.
nlr() { ns dir1 "$PY" "$NLT" "$@"; }

# svcj PORT: the service VIP4:PORT (UDP) as the family addresses it.
svcj() { echo "{\"af\":\"inet\",\"protocol\":17,\"addr\":\"$VIP4\",\"port\":$1}"; }

# reply_counter NAME: a reply-counters value from counters-get.
reply_counter() {
	json "$(nlr do counters-get '{}')" "d['msgs'][0]['reply']['$1']"
}

test_strict() {
	local r src s
	s=$(svcj 5353)
	setup udp || return 1
	service "$VIP4" 5353 -s rr -o --pe reply || return 1
	r=$(nlr do reply-get "{\"service\":$s}")
	echo "# reply-get: $r"
	check "strict: default strict 1, txid-match 1, no settings of its own" \
		[ "$(json "$r" 'd["msgs"][0]["settings"]["strict"], d["msgs"][0]["settings"]["txid-match"], d["msgs"][0]["settings"]["own"]')" = "1 1 0" ]
	r=$(nlr do reply-set "{\"service\":$s,\"settings\":{\"strict\":0}}")
	check "strict: reply-set strict 0 for the service accepted" \
		[ "$(json "$r" 'd["ok"]')" = True ]
	r=$(nlr do reply-get "{\"service\":$s}")
	check "strict: reply-get reads it back (strict 0, own 1)" \
		[ "$(json "$r" 'd["msgs"][0]["settings"]["strict"], d["msgs"][0]["settings"]["own"]')" = "0 1" ]
	check "strict: the namespace stays strict" \
		[ "$(json "$(nlr do reply-get '{}')" 'd["msgs"][0]["settings"]["strict"]')" = 1 ]
	listen_once 45680 || return 1
	rs1_sends 45680
	src=$(arrived_from 45680)
	echo "# strict 0: unsolicited datagram arrived from $src"
	check "strict: strict 0 gives a real server's own datagram the VIP ($src)" \
		[ "$src" = "$VIP4" ]
	check "strict: counted as permissive ($(reply_counter permissive))" \
		[ "$(reply_counter permissive)" -ge 1 ]
	r=$(nlr do reply-set "{\"service\":$s,\"settings\":{\"strict\":1}}")
	listen_once 45681 || return 1
	rs1_sends 45681
	src=$(arrived_from 45681)
	echo "# strict 1: unsolicited datagram arrived from $src"
	check "strict: strict 1 leaves it with rs1's own address ($src)" \
		[ "$src" = "$(rs_addr4 1)" ]
	r=$(nlr do reply-set "{\"service\":$s,\"settings\":{\"strict\":2}}")
	check "strict: strict 2 refused (ERANGE) with extack" \
		[ "$(json "$r" 'd["error"], bool(d["extack"])')" = "ERANGE True" ]
	r=$(nlr do reply-set "{\"service\":$s,\"settings\":{\"max-requests\":5}}")
	check "strict: max-requests per service refused (EINVAL) with extack" \
		[ "$(json "$r" 'd["error"], "per namespace" in d["extack"]')" = "EINVAL True" ]
	check "strict: counters-get: one service with settings of its own" \
		[ "$(reply_counter services)" = 1 ]
	r=$(nlr do reply-set "{\"service\":$s,\"reset\":true}")
	check "strict: reset accepted" [ "$(json "$r" 'd["ok"]')" = True ]
	r=$(nlr do reply-get "{\"service\":$s}")
	check "strict: after reset the service follows the namespace (own 0)" \
		[ "$(json "$r" 'd["msgs"][0]["settings"]["own"]')" = 0 ]
	r=$(nlr do reply-set "{\"service\":$s,\"reset\":true}")
	check "strict: a second reset: ENOENT with extack" \
		[ "$(json "$r" 'd["error"], bool(d["extack"])')" = "ENOENT True" ]
	r=$(nlr do reply-set '{"reset":true}')
	check "strict: reset without a service: EINVAL with extack" \
		[ "$(json "$r" 'd["error"], bool(d["extack"])')" = "EINVAL True" ]
}

# dns_pair PORT: two DNS queries (IDs 0x1111, 0x2222) from one socket of
# cl1 bound to PORT, to VIP4:53; nothing answers them.
dns_pair() {
	ns cl1 "$PY" - "$VIP4" "$1" <<'PYEOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[2])))
q = b"\x07example\x04test\x00\x00\x01\x00\x01"
for i in (0x1111, 0x2222):
    s.sendto(struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + q, (sys.argv[1], 53))
PYEOF
}

test_txid_match() {
	local s r n0 n1 n2
	s=$(svcj 53)
	setup none || return 1
	bg rs1 "$PY" tests/tools/udp_server.py rs1 "$(rs_addr4 1)" 53 --silent
	wait_udp_port rs1 53 || return 1
	ns dir1 ipvsadm -A -u "$VIP4:53" -s rr -o --pe reply || return 1
	ns dir1 ipvsadm -a -u "$VIP4:53" -r "$(rs_addr4 1):53" -m || return 1
	n0=$(pe_global Records)
	dns_pair 40001
	sleep 0.3
	n1=$(pe_global Records)
	echo "# txid-match 1: records $n0 -> $n1"
	check "txid_match: two DNS IDs from one port, txid-match 1: two records" \
		[ $((n1 - n0)) = 2 ]
	r=$(nlr do reply-set "{\"service\":$s,\"settings\":{\"txid-match\":0}}")
	check "txid_match: reply-set txid-match 0 accepted" \
		[ "$(json "$r" 'd["ok"]')" = True ]
	dns_pair 40002
	sleep 0.3
	n2=$(pe_global Records)
	echo "# txid-match 0: records $n1 -> $n2"
	check "txid_match: txid-match 0: one record for both" \
		[ $((n2 - n1)) = 1 ]
	r=$(nlr do reply-set "{\"service\":$s,\"settings\":{\"txid-match\":7}}")
	check "txid_match: txid-match 7 refused (ERANGE) with extack" \
		[ "$(json "$r" 'd["error"], bool(d["extack"])')" = "ERANGE True" ]
}

# slow_server PORT: rs1 answers every datagram on PORT after 600 ms.
slow_server() {
	bg rs1 "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    d, p = s.recvfrom(2048)
    time.sleep(0.6)
    s.sendto(b"rs1 " + d, p)
' "$(rs_addr4 1)" "$1"
	wait_udp_port rs1 "$1"
}

test_per_service() {
	local p r a b
	setup none || return 1
	for p in 5353 5354; do
		slow_server "$p" || return 1
		ns dir1 ipvsadm -A -u "$VIP4:$p" -s rr -o --pe reply || return 1
		ns dir1 ipvsadm -a -u "$VIP4:$p" -r "$(rs_addr4 1):$p" -m ||
			return 1
	done
	r=$(nlr do reply-set "{\"service\":$(svcj 5353),\"settings\":{\"timeout-ms\":200}}")
	check "per_service: reply-set timeout-ms 200 for :5353 accepted" \
		[ "$(json "$r" 'd["ok"]')" = True ]
	r=$(nlr do reply-get "{\"service\":$(svcj 5354)}")
	check "per_service: :5354 keeps the namespace's 5000 ms" \
		[ "$(json "$r" 'd["msgs"][0]["settings"]["timeout-ms"]')" = 5000 ]
	# (A reply later than the client's 2 s still counts, as late.)
	a=$(ns cl1 "$PY" tests/tools/udp_client.py "$VIP4" 5353 4 --timeout 2 --grace 3)
	b=$(ns cl1 "$PY" tests/tools/udp_client.py "$VIP4" 5354 4 --timeout 2 --grace 3)
	echo "# 200 ms service: $a"
	echo "# 5000 ms service: $b"
	check "per_service: 200 ms: replies after 600 ms pass late, from rs1" \
		[ "$(json "$a" 'd["replies"] + d["late"], list(d["sources"])')" = "4 ['$(rs_addr4 1)']" ]
	check "per_service: 5000 ms: the same replies leave from the VIP" \
		[ "$(json "$b" 'd["replies"] + d["late"], list(d["sources"])')" = "4 ['$VIP4']" ]
	check "per_service: the late ones counted as late ($(pe_global Late))" \
		[ "$(pe_global Late)" -ge 4 ]
}

[ $# -eq 0 ] && set -- test_strict test_txid_match test_per_service
scenario_main "$@"
