#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RADIUS request/reply pairs per second through an IPVS NAT director with
# one-packet scheduling and the reply engine, with and without the radius
# scheduler's work:
#
#   -s rr     -o --pe reply   baseline: each request on its own
#   -s radius -o --pe reply   every request parsed, its State looked up
#                             (and its Calling-Station-Id bound when the
#                             State is not), every reply parsed and its
#                             State learned
#
#   cl1 --- rt --- dir1 (NAT, VIP 10.0.100.1:1812) --- rs1..rs3
#
# The servers answer each Access-Request with itself as an
# Access-Challenge (bench/udp_rr.c radius-server); the client keeps WINDOW
# requests in flight from one socket (at most 255: the Identifier tells
# them apart), each from one of 4096 stations in turn with its State, as
# the later rounds of 4096 logins. SECONDS per run, RUNS rounds (each
# configuration once per round, so slow drifts of a shared machine hit
# both alike), in one UML boot; prints each run, the medians and the
# ratio to the baseline. Not a test: UML on the host's cores, client,
# director and servers sharing one virtual CPU. The numbers compare the
# paths.
#
# Usage (host): bench/radius-throughput.sh [SECONDS [WINDOW [RUNS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_boot "$0" 5 "$@"
secs=$2 window=$3 runs=$4
. tests/lib/result.sh
. tests/lib/topo.sh
RR=build/bench/udp_rr
trap topo_cleanup EXIT

bench_nat radius-server 1812

configs=("-s rr -o --pe reply" "-s radius -o --pe reply")
declare -A vals
echo "# $runs rounds of ${secs}s per configuration, interleaved (round 1:"
echo "# every configuration once, then round 2, ...), one client socket,"
echo "# $window requests in flight"
for ((r = 1; r <= runs; r++)); do
	for i in "${!configs[@]}"; do
		c=${configs[$i]}
		# shellcheck disable=SC2086
		ns dir1 ipvsadm -A -u "$VIP4:1812" $c
		for j in 1 2 3; do
			ns dir1 ipvsadm -a -u "$VIP4:1812" -r "$(rs_addr4 "$j"):1812" -m
		done
		ns cl1 $RR radius-client "$VIP4" 1812 1 "$window" >/dev/null	# warm-up
		out=$(ns cl1 $RR radius-client "$VIP4" 1812 "$secs" "$window")
		echo "$c: round $r: $out"
		vals[$i]+=" $(awk '{ print $6 }' <<<"$out")"
		if [ "$r" = "$runs" ] && [[ $c == *radius* ]]; then
			ns dir1 cat /proc/net/ip_vs_radius | sed 's/^/#   /'
		fi
		ns dir1 ipvsadm -D -u "$VIP4:1812"
		# Let the reply engine's records of this configuration expire.
		sleep 6
	done
done
bench_report
