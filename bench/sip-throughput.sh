#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Datagrams per second through one director, same SIP traffic (a new
# Call-ID in every datagram, all from one client socket), NAT to 3 real
# servers that drop what they get, for:
#   rr      -s rr -o                              (baseline)
#   sip     -s sip -o
#   pe-sip  -s rr -o -p 60 -M 0.0.0.0 --pe sip    (upstream's Call-ID path)
# and raw UDP (iperf3 -u, no Call-ID: the sip scheduler's fallback path)
# through -s sip -o against -s rr -o, one real server, DR.
#
# Every measurement runs in a freshly booted UML kernel, so that state one
# configuration leaves behind (bindings being freed, persistence templates
# expiring) cannot slow the next one. Rounds of the configurations are
# interleaved; medians and ratios against rr of the same run are reported.
#
# Usage (host): bench/sip-throughput.sh [ROUNDS] [SECONDS]
# IPVS_UDP_BENCH_KINDS="rr sip" measures only those configurations (the
# default is all five: rr sip pe-sip iperf-rr iperf-sip).
# IPVS_UDP_BENCH_PER_CALL=K sends each Call-ID K times in a row (default 1:
# every datagram a new call, the worst case for sip; 3 is what a call's
# INVITE, ACK and BYE put through a DR director); =mix sends sipflood -M's
# mix of calls, REGISTER refreshes and OPTIONS keepalives (3 datagrams in
# 10 with a new Call-ID; tests/tools/sipflood.c describes it).
# Kinds sip-250 and sip-1000 are -s sip -o with 249 or 999 more sip
# services (VIPs 10.0.101.1 up, 3 servers each) beside the measured one:
# the services curve; rr-250 and rr-1000 the same with rr, for what IPVS
# itself pays per service.
# IPVS_UDP_BENCH_BASE=DIR adds "sip-base": -s sip -o with the modules in DIR
# (e.g. a copy of build/uml made before a change), interleaved with the
# others, for a before/after comparison in the same run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

if [ "${1:-}" = --inside ]; then
	# One measurement: bench/sip-throughput.sh --inside KIND SECONDS
	KIND=$2
	SECS=$3
	. tests/lib/result.sh
	. tests/lib/topo.sh
	# settle_idle MAX_S: wait until the UML's CPU was at least 95% idle
	# for 3 seconds in a row (at most MAX_S s); says how long it took.
	settle_idle() {
		local end=$((SECONDS + $1)) calm=0 t0=$SECONDS a b
		a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
		while [ "$calm" -lt 3 ] && [ "$SECONDS" -lt "$end" ]; do
			sleep 1
			b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
			if awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y)
				busy = y[1] - x[1]; idle = y[2] - x[2]
				exit !(busy * 20 <= busy + idle) }'; then
				calm=$((calm + 1))
			else
				calm=0
			fi
			a=$b
		done
		echo "SETTLE $((SECONDS - t0))"
	}
	case "$KIND" in
	rr | sip | pe-sip | sip-250 | sip-1000 | rr-250 | rr-1000)
		topo_setup nat 3
		for i in 1 2 3; do
			ns "rs$i" iptables-legacy -A INPUT -p udp --dport 5060 -j DROP
		done
		case "$KIND" in
		rr*) opts=(-s rr -o) ;;
		sip*) opts=(-s sip -o) ;;
		pe-sip) opts=(-s rr -o -p 60 -M 0.0.0.0 --pe sip) ;;
		esac
		# The other services, created first: IPVS adds a service at
		# the head of its hash chain, so the measured one is found
		# behind them.
		nsvc=1
		case "$KIND" in *-[0-9]*) nsvc=${KIND##*-} ;; esac
		if [ "$nsvc" -gt 1 ]; then
			for ((v = 1; v < nsvc; v++)); do
				a=10.0.$((101 + v / 250)).$((v % 250 + 1))
				echo "-A -u $a:5060 ${opts[*]}"
				for i in 1 2 3; do
					echo "-a -u $a:5060 -r $(rs_addr4 "$i"):5060 -m"
				done
			done | ns dir1 ipvsadm -R || exit 1
			# Let what creating them left behind (placement tables
			# rebuilt on the workqueue, tables freed after a grace
			# period, first touches of their memory) finish before
			# the measured traffic: a fixed 20 s was not enough for
			# 1,000 sip services (a profile of the flood found
			# ip_vs_kaff_table_make() and page faults).
			settle_idle 300
		fi
		ns dir1 ipvsadm -A -u "$VIP4:5060" "${opts[@]}" || exit 1
		for i in 1 2 3; do
			ns dir1 ipvsadm -a -u "$VIP4:5060" -r "$(rs_addr4 "$i"):5060" -m
		done
		mark=${IPVS_UDP_BENCH_MARK:-}
		[ -z "$mark" ] || : >"$mark/start"
		per=(-k "${IPVS_UDP_BENCH_PER_CALL:-1}")
		[ "${IPVS_UDP_BENCH_PER_CALL:-}" != mix ] || per=(-M)
		ns cl1 build/cmake/sipflood -n 100000000 -T "$SECS" -s 5060 \
			"${per[@]}" "$VIP4" 5060 >/dev/null
		[ -z "$mark" ] || : >"$mark/end"
		n=$(ns dir1 ipvsadm -Ln --stats --exact -u "$VIP4:5060" |
			awk '$1 == "UDP" {print $3}')
		echo "RESULT $((n / SECS))"
		echo "PACKETS $n"
		;;
	iperf-rr | iperf-sip)
		topo_setup dr 1
		ns rs1 iperf3 -s -D -B "$VIP4" >/dev/null 2>&1
		wait_for 10 sh -c "ip netns exec rs1 ss -Htln | grep -q 5201"
		ns dir1 ipvsadm -A -t "$VIP4:5201" -s rr
		ns dir1 ipvsadm -a -t "$VIP4:5201" -r "$(rs_addr4 1):5201" -g
		ns dir1 ipvsadm -A -u "$VIP4:5201" -s "${KIND#iperf-}" -o
		ns dir1 ipvsadm -a -u "$VIP4:5201" -r "$(rs_addr4 1):5201" -g
		ns cl1 iperf3 -u -c "$VIP4" -b 0 -l 200 -t "$SECS" -J 2>/dev/null |
			/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["end"]["sum"]; print("RESULT", int(s["packets"]*(1-s["lost_percent"]/100)/s["seconds"]))'
		;;
	esac
	topo_cleanup
	exit 0
fi

ROUNDS=${1:-3}
SECS=${2:-5}
make -s modules-uml userspace >/dev/null 2>&1 || exit 1

# CPU time (clock ticks) used so far by process $1 and its descendants,
# reaped children included: the UML kernel and its user processes.
tree_cpu() {
	local pids
	pids=$(ps -eo pid=,ppid= | awk -v root="$1" '{ p[$1] = $2 }
		END { for (x in p) { y = x
			while ((y in p) && y != root && y > 1) y = p[y]
			if (y == root) print x } }')
	# shellcheck disable=SC2046,SC2086
	(cd /proc && cat $(printf '%s/stat ' $pids) 2>/dev/null) |
		sed 's/.*) //' | awk '{ s += $12 + $13 + $14 + $15 } END { print s }'
}

# One measurement in a fresh UML kernel: prints datagrams per wall second
# and per second of CPU time the UML used while sipflood ran (the latter
# does not depend on how much of the machine other jobs take).
measure() {
	local k=$1 mark out pid c0='' c1='' n w
	local mods=()
	[ "$k" != sip-base ] || mods=(--modules "$IPVS_UDP_BENCH_BASE")
	mark=$(mktemp -d "$PWD/build/bench-mark.XXXXXX")
	out=$mark/out
	IPVS_UDP_BENCH_MARK=$mark scripts/uml-run "${mods[@]}" --results "$mark" \
		--timeout 300 -- "$0" --inside "${k%-base}" "$SECS" >"$out" 2>/dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		[ -n "$c0" ] || [ ! -e "$mark/start" ] || c0=$(tree_cpu "$pid")
		[ -n "$c1" ] || [ ! -e "$mark/end" ] || c1=$(tree_cpu "$pid")
		sleep 0.02
	done
	wait "$pid"
	w=$(sed -n 's/^RESULT //p' "$out")
	n=$(sed -n 's/^PACKETS //p' "$out")
	if [ -n "$n" ] && [ -n "$c0" ] && [ -n "$c1" ] && [ "$c1" -gt "$c0" ]; then
		echo "${w:-0} $((n * $(getconf CLK_TCK) / (c1 - c0)))"
	else
		echo "${w:-0} 0"
	fi
	rm -rf "$mark"
}

declare -A res cpu
for ((r = 1; r <= ROUNDS; r++)); do
	for k in ${IPVS_UDP_BENCH_KINDS:-rr sip pe-sip iperf-rr iperf-sip} \
		${IPVS_UDP_BENCH_BASE:+sip-base}; do
		case "$k" in
		iperf-*)
			v=$(scripts/uml-run --timeout 300 -- "$0" --inside "$k" \
				"$SECS" 2>/dev/null | sed -n 's/^RESULT //p')
			res[$k]+="${v:-0} "
			;;
		*)
			read -r v c < <(measure "$k")
			res[$k]+="${v:-0} "
			cpu[$k]+="${c:-0} "
			;;
		esac
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {
	local -n r=$1
	local base=$2 k m
	shift 2
	for k in "$@"; do
		[ -n "${r[$k]:-}" ] || continue
		m=$(echo "${r[$k]}" | median)
		printf '  %-9s %8d/s  %.2fx %s   (runs: %s)\n' "$k" "$m" \
			"$(echo "$m / $base" | bc -l)" "$1" "${r[$k]}"
	done
}
echo "SIP datagrams/s through the director (NAT, 3 servers, ${IPVS_UDP_BENCH_PER_CALL:-1} datagram(s) per Call-ID, $ROUNDS x ${SECS}s, median, fresh kernel each):"
report res "$(echo "${res[rr]:-0}" | median)" rr rr-250 rr-1000 sip sip-250 sip-1000 sip-base pe-sip
echo "... per second of CPU time the UML kernel and its processes used while sipflood ran:"
report cpu "$(echo "${cpu[rr]:-0}" | median)" rr rr-250 rr-1000 sip sip-250 sip-1000 sip-base pe-sip
[ -n "${res[iperf-rr]:-}" ] || exit 0
echo "iperf3 -u 200-byte datagrams/s received (DR, 1 server, median):"
report res "$(echo "${res[iperf-rr]}" | median)" iperf-rr iperf-sip
