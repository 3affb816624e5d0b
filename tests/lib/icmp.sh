# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What a client sees of a service's ICMP errors, for the scenarios that
# check errors from the VIP (icmp-vip.sh, lor.sh). Source tests/lib/topo.sh,
# tests/lib/result.sh and tests/lib/harness.sh first; the scenario sets
# PORT (the service's), SPORT (the client's source port), CLIENT
# (tests/tools/udp_client.py) and PROC (/proc/net/ip_vs_icmp_vip).
#
#   cap_start                  icmp-watch on cl1's eth0, both directions
#   cap_count / cap_has N      errors recorded so far / at least N
#   cap_errors N               the errors (JSON list), once there are N
#   probe ADDR [PORT [SPORT]]  one request from cl1 on a connected socket
#   counter NAME               dir1's counter NAME in $PROC
#   expect_error NAME JSON INDEX SRC DST QDST
#                              checks of one recorded error

# Record the ICMP and ICMPv6 errors crossing cl1's eth0, both directions
# (icmp-watch), until the topology goes away.
cap_start() {
	icmp_watch_start cl1 --iface eth0 --both
}

# cap_count: how many errors icmp-watch recorded so far (it rewrites its
# output file after each one); read with builtins, as it is polled.
cap_count() {
	local s="" rest
	[ -r "$HARNESS_WATCH_OUT" ] && IFS= read -r -d '' s <"$HARNESS_WATCH_OUT"
	rest=${s//'"af": '/}
	echo $(((${#s} - ${#rest}) / 6))
}

# cap_has N: icmp-watch recorded at least N errors.
cap_has() { [ "$(cap_count)" -ge "$1" ]; }

# cap_errors N: the errors recorded so far (a JSON list), once there are N
# (or after 30 s).
cap_errors() {
	wait_for 30 cap_has "$1"
	json "$(cat "$HARNESS_WATCH_OUT" 2>/dev/null || echo '{"errors": []}')" \
		'json.dumps(d["errors"])'
}

# probe ADDR [PORT [SPORT]]: one request from cl1 on a connected socket.
probe() {
	ns cl1 /usr/bin/python3 "$CLIENT" "$1" "${2:-$PORT}" 1 --connect \
		--sport "${3:-$SPORT}" --timeout 2
}

# counter NAME: dir1's counter from /proc/net/ip_vs_icmp_vip.
counter() {
	ns dir1 awk -v k="$1" '$1 == k { print $2 }' "$PROC"
}

# expect_error NAME JSON INDEX SRC DST QDST: error INDEX of the capture is a
# port unreachable from SRC to DST about the client's "req-0" to QDST:PORT,
# with correct checksums.
expect_error() {
	local name=$1 errs=$2 i=$3 src=$4 dst=$5 qdst=$6 e want
	e=$(json "$errs" "json.dumps(d[$i]) if len(d) > $i else '{}'")
	echo "# error $i: $e"
	if [[ $src == *:* ]]; then want=1; else want=3; fi
	check "$name: error $i comes from $src" \
		[ "$(json "$e" 'd.get("src")')" = "$src" ]
	check "$name: error $i is a port unreachable to the client" \
		[ "$(json "$e" '(d.get("type"), d.get("code"), d.get("dst"))')" = \
		"($want, $([[ $src == *:* ]] && echo 4 || echo 3), '$dst')" ]
	check "$name: error $i quotes the client's datagram" \
		[ "$(json "$e" '(d.get("q_src"), d.get("q_dst"), d.get("q_sport"), d.get("q_dport"), d.get("q_payload"))')" = \
		"('$dst', '$qdst', $SPORT, $PORT, 'req-0')" ]
	check "$name: error $i checksums are correct" \
		[ "$(json "$e" '(d.get("ip_csum_ok"), d.get("icmp_csum_ok"))')" = \
		"(True, True)" ]
}
