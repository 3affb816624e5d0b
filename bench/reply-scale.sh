#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reply engine at scale: request/reply pairs per second through one
# NAT director with -s rr -o --pe reply as the configuration grows,
#
#   svc-1      1 service (VIP 10.0.100.1:53), 3 real servers
#   svc-250    250 services, one per VIP 10.0.100.1 up (the LVS HOWTO's
#              DNS cluster, section 23.3), each with the 3 servers
#   svc-1000   1000 services, likewise
#   fwmark     the same 1000 VIPs as one fwmark service (iptables marks
#              them), 3 servers
#   rs-64      1 service, 64 real servers (addresses spread over rs1..rs3,
#              a udp_rr server on each)
#
# Traffic always goes to 10.0.100.1:53, the first service created (IPVS
# adds a service at the head of its hash chain: the first is the last
# found), from one connected client socket keeping WINDOW requests in
# flight (bench/udp_rr.c) for SECONDS per run. Rounds interleave the
# configurations in one UML boot; medians, spreads and ratios to svc-1.
# The goal (issue 16): within 1.2x of svc-1 at every point. Not a test.
#
# Usage (host): bench/reply-scale.sh [SECONDS [WINDOW [RUNS]]]  (8 128 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_boot "$0" 5 "$@"
secs=$2 window=$3 runs=$4
. tests/lib/result.sh
. tests/lib/topo.sh
RR=build/bench/udp_rr
W=/tmp/reply-scale
mkdir -p "$W"
trap topo_cleanup EXIT

bench_nat_topo
# 1000 VIPs 10.0.100.1 up, routed to the director, local there.
ns rt ip route add 10.0.100.0/22 via "$(dir_addr4 1)"
ns dir1 ip route add local 10.0.100.0/22 dev lo
# 64 real server addresses: the three of the topology and 61 more.
rips=()
for i in 1 2 3; do
	rips+=("$(rs_addr4 "$i")")
done
for ((k = 0; k < 61; k++)); do
	i=$((k % 3 + 1)) a=10.0.2.$((100 + k))
	ns "rs$i" ip addr add "$a/24" dev eth0
	rips+=("$a")
done
for ((k = 0; k < 64; k++)); do
	bg "rs$((k < 3 ? k + 1 : (k - 3) % 3 + 1))" "$RR" server "${rips[$k]}" 53
done
for i in 1 2 3; do
	wait_udp_port "rs$i" 53
done
sleep 1

# vip N: the Nth VIP (1 up), 10.0.100.1 ... 10.0.103.232
vip() { echo "10.0.$((100 + ($1 - 1) / 250)).$((($1 - 1) % 250 + 1))"; }

# rules CONFIG: the ipvsadm -R lines of CONFIG.
rules() {
	local n=1 s r nrs=3
	case $1 in
	svc-250) n=250 ;;
	svc-1000) n=1000 ;;
	rs-64) nrs=64 ;;
	fwmark)
		echo "-A -f 1 -s rr -o --pe reply"
		for ((r = 0; r < 3; r++)); do
			echo "-a -f 1 -r ${rips[$r]}:53 -m"
		done
		return
		;;
	esac
	for ((s = 1; s <= n; s++)); do
		echo "-A -u $(vip "$s"):53 -s rr -o --pe reply"
		for ((r = 0; r < nrs; r++)); do
			echo "-a -u $(vip "$s"):53 -r ${rips[$r]}:53 -m"
		done
	done
}
for c in svc-1 svc-250 svc-1000 fwmark rs-64; do
	rules "$c" >"$W/$c.rules"
done

configs=(svc-1 svc-250 svc-1000 fwmark rs-64)
declare -A vals
echo "# $runs rounds of ${secs}s per configuration, interleaved, one client"
echo "# socket with $window requests in flight to 10.0.100.1:53"
for ((r = 1; r <= runs; r++)); do
	for i in "${!configs[@]}"; do
		c=${configs[$i]}
		ns dir1 ipvsadm -R <"$W/$c.rules"
		[ "$c" != fwmark ] || ns dir1 iptables-legacy -t mangle -A PREROUTING \
			-d 10.0.100.0/22 -p udp --dport 53 -j MARK --set-mark 1
		ns cl1 $RR client 10.0.100.1 53 1 "$window" >/dev/null	# warm-up
		out=$(ns cl1 $RR client 10.0.100.1 53 "$secs" "$window")
		echo "$c: round $r: $out ($(ns dir1 ipvsadm -Ln | grep -c '^UDP\|^FWM') services)"
		vals[$i]+=" $(awk '{ print $6 }' <<<"$out")"
		ns dir1 ipvsadm -C
		[ "$c" != fwmark ] || ns dir1 iptables-legacy -t mangle -F PREROUTING
		# Let the reply engine's records of this configuration expire.
		sleep 6
	done
done
bench_report
