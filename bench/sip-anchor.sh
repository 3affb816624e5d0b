#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SIP calls through the director, against what a SIP operator would run
# instead:
#
#   sip        -s sip -o --pe reply               IPVS NAT, Call-ID affinity
#   pe-sip     -s rr -o -p 60 -M 0.0.0.0 --pe sip IPVS NAT, upstream's path
#   kamailio   Kamailio 5.6 (Debian's) on the director, listening on the
#              VIP: a stateless dispatcher, algorithm 0 (hash over the
#              Call-ID), the way Kamailio users balance
#
#   cl1 --- rt --- dir1 (VIP 10.0.100.1:5060) --- rs1..rs3 (SIPp UAS)
#
# Same topology, same peers (SIPp's built-in uac on cl1, the scenarios'
# SIPp UAS on the real servers: tests/lib/sip.sh), same CPU (UML's one
# virtual CPU runs every namespace). For each call rate of RATES, each
# configuration places RATE x SECONDS calls (INVITE, 200, ACK, BYE, 200);
# rounds interleave the configurations. Per run:
#   failed     calls whose BYE got no 2xx or that got a failure response
#              (tests/tools/sipp_log.py over every log)
#   cpu/1k     the UML kernel's busy CPU time (/proc/stat) per 1,000 calls:
#              the peers do the same work in every configuration, so the
#              differences are the director's
#   p50, p99   INVITE-to-200 times at the UAC, from its message log
# The report gives, per configuration, the highest rate at which every
# round had 0 failed calls, and at each rate the medians and spreads. Not
# a test, and not a director's rate: the ratios are what this measures.
#
# Usage (host): bench/sip-anchor.sh [SECONDS [RUNS ["RATES"]]]
#               (defaults 10, 3, "100 200 400")
# Needs kamailio (apt-get install kamailio) and sip-tester (SIPp).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
if [ "${1:-}" != --inside ]; then
	for b in kamailio sipp; do
		command -v "$b" >/dev/null ||
			{ echo "bench/sip-anchor.sh: needs $b" >&2; exit 1; }
	done
	make -s modules-uml >/dev/null
	bench_header
	exec scripts/uml-run --timeout 3000 --mem 1024M -- "$0" --inside \
		"${1:-10}" "${2:-3}" "${3:-100 200 400}"
fi
secs=$2 runs=$3 rates=$4
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh
W=/tmp/sip-anchor
mkdir -p "$W/run"
trap topo_cleanup EXIT

modprobe ip_vs
bench_nat_topo
# Connection entries and upstream's persistence templates left by one
# configuration's run expire at their next datagram instead of steering
# the next run (its servers are new ones).
ns dir1 sysctl -qw net.ipv4.vs.expire_nodest_conn=1

for i in 1 2 3; do
	echo "1 sip:$(rs_addr4 "$i"):5060"
done >"$W/dispatcher.list"
cat >"$W/kamailio.cfg" <<EOF
#!KAMAILIO
debug=1
log_stderror=yes
children=1
auto_aliases=no
listen=udp:$VIP4:5060
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
loadmodule "maxfwd.so"
loadmodule "dispatcher.so"
modparam("dispatcher", "list_file", "$W/dispatcher.list")
request_route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	# algorithm 0: the hash of the Call-ID picks the server
	if (!ds_select_dst("1", "0")) {
		sl_send_reply("503", "No destination");
		exit;
	}
	forward();
}
EOF

no_kamailio() { ! pgrep -x kamailio >/dev/null; }
no_sipp() { ! pgrep -x sipp >/dev/null; }

# start CONFIG, stop CONFIG: the director as CONFIG has it.
start() {
	local i
	case $1 in
	kamailio)
		# shellcheck disable=SC2217 # bg's command gets the redirections
		bg dir1 kamailio -f "$W/kamailio.cfg" -DD -E -m 64 -M 8 \
			-Y "$W/run" -P "$W/run/kamailio.pid" \
			>>"$W/kamailio.log" 2>&1 </dev/null
		wait_udp_port dir1 5060 60
		return
		;;
	sip) sip_service dir1 "$VIP4" -s sip -o --pe reply ;;
	pe-sip) sip_service dir1 "$VIP4" -s rr -o -p 60 -M 0.0.0.0 --pe sip ;;
	esac
	for i in 1 2 3; do
		sip_add_rs dir1 "$VIP4" "$i"
	done
}
stop() {
	if [ "$1" = kamailio ]; then
		pkill -x kamailio || true
		wait_for 30 no_kamailio
	else
		ns dir1 ipvsadm -D -u "$VIP4:5060"
		sleep 2
	fi
}

# latency NAME: p50 and p99 (ms) of INVITE to 200 at the UAC NAME.
latency() {
	awk -F'\t' '$4 == "S" && $6 == "CSeq:1 INVITE" && !($5 in s) { s[$5] = $3 }
		$4 == "R" && $6 == "CSeq:1 INVITE" && $7 ~ /^SIP\/2.0 200/ &&
		($5 in s) && !($5 in r) { r[$5] = $3; printf "%.2f\n", ($3 - s[$5]) * 1000 }' \
		"$SIP_DIR/$1.short" | sort -g >"$W/lat"
	local n
	n=$(wc -l <"$W/lat")
	[ "$n" -gt 0 ] || { echo "- -"; return; }
	echo "$(sed -n "$((n / 2 + 1))p" "$W/lat") $(sed -n "$((n * 99 / 100 + 1))p" "$W/lat")"
}

configs=(sip pe-sip kamailio)
declare -A failed cpu p50 p99
echo "# rates: $rates calls/s, ${secs}s each; $runs rounds, configurations interleaved"
for ((r = 1; r <= runs; r++)); do
	for rate in $rates; do
		for c in "${configs[@]}"; do
			sip_init
			for i in 1 2 3; do
				sip_uas "$i"
			done
			start "$c"
			# warm-up: first datagrams, module loads, the UAC's start
			sip_uac warm cl1 "$VIP4" 20 20 >/dev/null 2>&1 || true
			b0=$(bench_busy)
			sip_uac uac1 cl1 "$VIP4" $((rate * secs)) "$rate" || true
			b1=$(bench_busy)
			stop "$c"
			pkill -x sipp || true
			wait_for 30 no_sipp
			# shellcheck disable=SC2119 # no options: every log
			s=$(sip_summary)
			calls=$(json "$s" 'd["uac"]["calls"]')
			f=$(json "$s" 'd["uac"]["failed"]')
			read -r l50 l99 < <(latency uac1)
			c1k=$(awk -v j=$((b1 - b0)) -v n="$calls" -v hz="$(getconf CLK_TCK)" \
				'BEGIN { printf "%.0f", n ? j / hz * 1000 / (n / 1000) : 0 }')
			echo "$c: round $r, $rate/s: $calls calls, $f failed, split" \
				"$(json "$s" 'd["split"]'), ${c1k} ms CPU per 1k calls," \
				"INVITE-200 p50 ${l50} ms, p99 ${l99} ms"
			k="$c/$rate"
			failed[$k]+=" $f" cpu[$k]+=" $c1k" p50[$k]+=" $l50" p99[$k]+=" $l99"
		done
	done
done

echo "# medians (spread) per rate; ratios to sip at the same rate"
printf '| %-9s | %-6s | %-12s | %-26s | %-20s | %-20s |\n' director rate failed \
	"CPU ms per 1k calls" "p50 ms" "p99 ms"
for rate in $rates; do
	# shellcheck disable=SC2086 # the runs are words
	base=$(bench_med ${cpu[sip/$rate]})
	for c in "${configs[@]}"; do
		k="$c/$rate"
		# shellcheck disable=SC2086
		mc=$(bench_med ${cpu[$k]})
		# shellcheck disable=SC2086
		printf '| %-9s | %-6s | %-12s | %s (%s, %.2fx) | %s (%s) | %s (%s) |\n' \
			"$c" "$rate" "${failed[$k]# }" "$mc" "$(bench_span ${cpu[$k]})" \
			"$(awk -v a="$mc" -v b="$base" 'BEGIN { print b ? a / b : 0 }')" \
			"$(bench_med ${p50[$k]})" "$(bench_span ${p50[$k]})" \
			"$(bench_med ${p99[$k]})" "$(bench_span ${p99[$k]})"
	done
done
echo "# highest rate with 0 failed calls in every round"
for c in "${configs[@]}"; do
	best=none
	for rate in $rates; do
		# shellcheck disable=SC2086
		[ "$(printf '%s\n' ${failed[$c/$rate]} | sort -g | tail -1)" = 0 ] && best=$rate
	done
	echo "$c: $best"
done
