#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Request/reply pairs per second through an IPVS NAT director with
# one-packet scheduling, for the three ways to get replies back to the VIP:
#
#   -s rr  -o --pe sip     upstream: the sip engine's conn_out, translating
#                          anything the real servers send from the port
#   -s rr  -o --pe reply   the reply engine (records every request)
#   -s lor -o --pe reply   ... and least-outstanding scheduling
#
#   cl1 --- rt --- dir1 (NAT, VIP 10.0.100.1:53) --- rs1..rs3 (echo)
#
# One client socket (connected, DNS-shaped requests with distinct IDs,
# WINDOW in flight) for SECONDS per run, RUNS rounds (each configuration
# once per round, so slow drifts of a shared machine hit all alike), in
# one UML boot; prints each run, the medians and their ratios to the first
# configuration. Not a test: UML on the host's cores, client, director and
# servers sharing one virtual CPU. The numbers compare the paths.
#
# Usage (host): bench/reply-throughput.sh [SECONDS [WINDOW [RUNS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_boot "$0" 3 "$@"
secs=$2 window=$3 runs=$4
. tests/lib/result.sh
. tests/lib/topo.sh
RR=build/bench/udp_rr
trap topo_cleanup EXIT

bench_nat server 53

configs=("-s rr -o --pe sip" "-s rr -o --pe reply" "-s lor -o --pe reply")
declare -A vals
echo "# $runs rounds of ${secs}s per configuration, interleaved (round 1:"
echo "# every configuration once, then round 2, ...), one client socket,"
echo "# $window requests in flight"
for ((r = 1; r <= runs; r++)); do
	for i in "${!configs[@]}"; do
		c=${configs[$i]}
		# Upstream's path without our engine loaded: once loaded, it
		# records the requests of every NAT service of the namespace
		# while any has a conn_out engine (sip's has), which would
		# charge the baseline for our work.
		if [[ $c != *reply* ]]; then
			modprobe -r ip_vs_lor ip_vs_pe_reply 2>/dev/null || true
			! grep -q '^ip_vs_pe_reply ' /proc/modules ||
				echo "# warning: ip_vs_pe_reply still loaded for '$c'"
		fi
		# shellcheck disable=SC2086
		ns dir1 ipvsadm -A -u "$VIP4:53" $c
		for j in 1 2 3; do
			ns dir1 ipvsadm -a -u "$VIP4:53" -r "$(rs_addr4 "$j"):53" -m
		done
		ns cl1 $RR client "$VIP4" 53 1 "$window" >/dev/null	# warm-up
		out=$(ns cl1 $RR client "$VIP4" 53 "$secs" "$window")
		echo "$c: round $r: $out"
		vals[$i]+=" $(awk '{ print $6 }' <<<"$out")"
		if [ "$r" = "$runs" ] && [ -r /proc/net/ip_vs_pe_reply ] &&
			[[ $c == *reply* ]]; then
			ns dir1 awk 'NR <= 2' /proc/net/ip_vs_pe_reply | sed 's/^/#   /'
		fi
		ns dir1 ipvsadm -D -u "$VIP4:53"
		# Let the reply engine's records of this configuration expire.
		sleep 6
	done
done
bench_report
