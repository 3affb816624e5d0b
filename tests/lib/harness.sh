# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The C++ test harness (tests/harness/) for the scenarios: its tools are
# built on the host by `make userspace` into build/cmake/tests/harness and
# seen inside UML through the read-only host root. IPVS_UDP_HARNESS points
# elsewhere (another build directory). Source tests/lib/topo.sh and
# tests/lib/result.sh first.
#
#   harness_require TOOL...    exit with a FAIL line unless every tool is built
#   ipvs_setup NS ARGS...      tests/harness/setup.h, in namespace NS
#   udp_rr NS ARGS...          request/reply client (JSON summary)
#   echo_server I ADDR PORT [ARGS...]
#                              udp-echo-server "rsI" in namespace rsI
#   icmp_watch_start NS [ARGS...] / icmp_watch_stop
#                              ICMP errors seen in NS (JSON), see icmp-watch
#   sip_calls NS ARGS...       SIP call generator, UAS, verifier

HARNESS_BIN=${IPVS_UDP_HARNESS:-build/cmake/tests/harness}
HARNESS_WATCH_PID=
HARNESS_WATCH_OUT=/tmp/icmp-watch.json

harness_require() {
	local t missing=
	for t; do
		[ -x "$HARNESS_BIN/$t" ] || missing+=" $HARNESS_BIN/$t"
	done
	if [ -n "$missing" ]; then
		echo "FAIL: harness tools missing:$missing (build them with: make userspace)"
		exit 1
	fi
}

ipvs_setup() {
	local n=$1
	shift
	ns "$n" "$HARNESS_BIN/ipvs-setup" "$@"
}

udp_rr() {
	local n=$1
	shift
	ns "$n" "$HARNESS_BIN/udp-rr" "$@"
}

sip_calls() {
	local n=$1
	shift
	ns "$n" "$HARNESS_BIN/sip-calls" "$@"
}

echo_server() {
	local i=$1 addr=$2 port=$3
	shift 3
	bg "rs$i" "$HARNESS_BIN/udp-echo-server" "$@" "rs$i" "$addr" "$port"
}

# icmp_watch_start NS [ARGS...]: watch until icmp_watch_stop (at most 120 s).
icmp_watch_start() {
	local n=$1 ready=/tmp/icmp-watch.ready
	shift
	rm -f "$ready" "$HARNESS_WATCH_OUT"
	bg "$n" "$HARNESS_BIN/icmp-watch" --timeout 120 --ready "$ready" \
		--out "$HARNESS_WATCH_OUT" "$@"
	HARNESS_WATCH_PID=${TOPO_PIDS[-1]}
	if ! wait_for 60 test -e "$ready"; then
		echo "# icmp-watch did not start"
		return 1
	fi
}

# icmp_watch_stop [SETTLE_S]: after SETTLE_S (default 0.5) seconds for
# late errors, stop the watcher and print its JSON.
icmp_watch_stop() {
	sleep "${1:-0.5}"
	kill -TERM "$HARNESS_WATCH_PID" 2>/dev/null
	wait "$HARNESS_WATCH_PID" 2>/dev/null
	cat "$HARNESS_WATCH_OUT" 2>/dev/null || echo '{"errors": null}'
}
