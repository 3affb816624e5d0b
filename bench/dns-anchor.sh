#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DNS through the director, against what a DNS operator would run instead:
#
#   -s lor -o --pe reply   IPVS NAT, our engine, least outstanding requests
#   -s rr  -o --pe reply   IPVS NAT, our engine, round robin
#   dnsdist                dnsdist 1.7 (Debian's) on the director, listening
#                          on the VIP, policy leastOutstanding, no cache
#
#   cl1 --- rt --- dir1 (VIP 10.0.100.1:53) --- rs1..rs3 (nsd)
#
# Same topology, same peers (Debian's nsd on the real servers, dnsperf on
# the client, example.test from tests/data/reply/), same CPU (UML's one
# virtual CPU runs every namespace). dnsperf keeps WINDOW queries in flight
# for SECONDS per run; rounds are interleaved (round 1 runs every
# configuration once, then round 2, ...) so the drift of a shared machine
# falls on all alike. Per run it records:
#   qps         dnsperf's queries per second; lost is what it lost besides
#               the WINDOW queries still in flight when the time is up,
#               which it counts as lost too
#   cpu/1k      the UML kernel's busy CPU time (/proc/stat) per 1,000
#               answered queries: client and servers do the same work in
#               every configuration, so the differences are the director's
#   p50, p99    latency percentiles from dnsperf -v (every answer)
# and reports medians, the spread (min-max) and the ratios to the first
# configuration. Not a test, and not a director's rate: the ratios are
# what this measures.
#
# Usage (host): bench/dns-anchor.sh [SECONDS [WINDOW [RUNS]]]   (8 100 5)
# Needs dnsdist and dnsperf (apt-get install dnsdist dnsperf nsd).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then
	for b in dnsdist dnsperf nsd; do
		command -v "$b" >/dev/null ||
			{ echo "bench/dns-anchor.sh: needs $b (apt-get install $b)" >&2; exit 1; }
	done
fi
. bench/lib.sh
bench_boot "$0" 5 "${1:-8}" "${2:-100}" "${3:-5}"
secs=$2 window=$3 runs=$4
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/nsd.sh
W=/tmp/dns-anchor
mkdir -p "$W"
trap topo_cleanup EXIT

bench_nat_topo
for i in 1 2 3; do
	start_nsd "$i"
done
for i in 1 2 3; do
	wait_udp_port "rs$i" 53 120
done
# One query per name of the zone, over and over.
grep -v '^#' tests/data/reply/dnsperf.txt >"$W/queries"

cat >"$W/dnsdist.conf" <<EOF
setLocal('$VIP4:53')
-- no security polling: it would send queries out of the test network
setSecurityPollSuffix('')
setACL({'0.0.0.0/0'})
setServerPolicy(leastOutstanding)
setMaxUDPOutstanding(65535)
for i, a in ipairs({'$(rs_addr4 1)', '$(rs_addr4 2)', '$(rs_addr4 3)'}) do
  newServer({address=a .. ':53', checkName='example.test.', checkType='SOA',
             checkInterval=1})
end
EOF


# start CONFIG, stop CONFIG: the director as CONFIG has it.
start() {
	local i
	if [ "$1" = dnsdist ]; then
		# shellcheck disable=SC2217 # bg's command gets the redirections
		bg dir1 dnsdist --supervised --disable-syslog -C "$W/dnsdist.conf" \
			>>"$W/dnsdist.log" 2>&1 </dev/null
		wait_udp_port dir1 53 60
		# until its health checks have marked the servers up
		wait_for 30 answers
		return
	fi
	# shellcheck disable=SC2086 # the ipvsadm arguments are words
	ns dir1 ipvsadm -A -u "$VIP4:53" $1
	for i in 1 2 3; do
		ns dir1 ipvsadm -a -u "$VIP4:53" -r "$(rs_addr4 "$i"):53" -m
	done
}
stop() {
	if [ "$1" = dnsdist ]; then
		ns dir1 pkill -x dnsdist || true
		wait_for 30 no_dnsdist
	else
		ns dir1 ipvsadm -D -u "$VIP4:53"
		# let the reply engine's records of this configuration expire
		sleep 3
	fi
}
no_dnsdist() { ! pgrep -x dnsdist >/dev/null; }
answers() {
	ns cl1 dnsperf -s "$VIP4" -p 53 -d "$W/queries" -n 1 -t 1 2>&1 |
		grep -q 'Queries lost: *0 '
}

configs=("-s lor -o --pe reply" "-s rr -o --pe reply" "dnsdist")
declare -A qps cpu p50 p99 lost
echo "# $runs rounds of ${secs}s per configuration, interleaved; dnsperf with"
echo "# $window queries in flight"
for ((r = 1; r <= runs; r++)); do
	for i in "${!configs[@]}"; do
		c=${configs[$i]}
		start "$c"
		# warm-up: the servers' and the director's first answers
		ns cl1 dnsperf -s "$VIP4" -p 53 -d "$W/queries" -l 1 -q "$window" \
			>/dev/null 2>&1
		b0=$(bench_busy)
		ns cl1 dnsperf -s "$VIP4" -p 53 -d "$W/queries" -l "$secs" \
			-q "$window" -t 2 -v >"$W/out" 2>&1
		b1=$(bench_busy)
		stop "$c"
		read -r q ok l < <(awk -v w="$window" '
			/Queries per second:/ { q = $4 }
			/Queries completed:/ { ok = $3 }
			/Queries lost:/ { lost = $3 - w; if (lost < 0) lost = 0 }
			END { printf "%.0f %d %d\n", q, ok, lost }' "$W/out")
		awk '/^> NOERROR/ { print $NF * 1e6 }' "$W/out" | sort -g >"$W/lat"
		n=$(wc -l <"$W/lat")
		a=$(sed -n "$((n / 2 + 1))p" "$W/lat" | cut -d. -f1)
		b=$(sed -n "$((n * 99 / 100 + 1))p" "$W/lat" | cut -d. -f1)
		cpu1k=$(awk -v j=$((b1 - b0)) -v ok="$ok" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.1f", ok ? j / hz * 1000 / (ok / 1000) : 0 }')
		echo "$c: round $r: $q qps, $ok answered, $l lost, busy $((b1 - b0))" \
			"jiffies: ${cpu1k} ms CPU per 1k, p50 ${a} us, p99 ${b} us"
		qps[$i]+=" $q" cpu[$i]+=" $cpu1k" p50[$i]+=" $a" p99[$i]+=" $b"
		lost[$i]+=" $l"
	done
done

# med WORDS: the median; span WORDS: min-max
echo "# medians (spread) and ratio to '${configs[0]}'"
printf '| %-22s | %-22s | %-24s | %-14s | %-14s | %s |\n' director qps \
	"CPU ms per 1k queries" "p50 us" "p99 us" lost
# shellcheck disable=SC2086 # the runs are words
base_q=$(bench_med ${qps[0]}) base_c=$(bench_med ${cpu[0]})
for i in "${!configs[@]}"; do
	# shellcheck disable=SC2086
	mq=$(bench_med ${qps[$i]}) mc=$(bench_med ${cpu[$i]})
	# shellcheck disable=SC2086
	printf '| %-22s | %s (%s, %.2fx) | %s (%s, %.2fx) | %s (%s) | %s (%s) | %s |\n' \
		"${configs[$i]}" "$mq" "$(bench_span ${qps[$i]})" \
		"$(awk -v a="$mq" -v b="$base_q" 'BEGIN { print a / b }')" \
		"$mc" "$(bench_span ${cpu[$i]})" \
		"$(awk -v a="$mc" -v b="$base_c" 'BEGIN { print a / b }')" \
		"$(bench_med ${p50[$i]})" "$(bench_span ${p50[$i]})" \
		"$(bench_med ${p99[$i]})" "$(bench_span ${p99[$i]})" "${lost[$i]# }"
done
