#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-message kernel cost of the sip scheduler: key extraction against one
# memchr() pass; extraction + lookup with 1k, 100k and 1M bindings; and the
# cost curves of a new Call-ID per message over 3, 64 and 1024 real servers
# and over Call-IDs of 16 to 255 bytes. Runs bench/kmod/ip_vs_sip_bench.ko
# in the UML test kernel, then draws each curve (per-message ns against its
# variable, with the min-max of the rounds) as a PNG in docs/ with gnuplot
# (IPVS_UDP_BENCH_PLOTS=DIR elsewhere, empty: none).
#
# Usage (host): bench/sip-kernel-cost.sh [ITERATIONS]
# IPVS_UDP_BENCH_ONLY=parse|new|bind|lookup|servers|callid runs one part
# only ("bind": the new-Call-ID binding stage alone, to attach a profiler
# to).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --inside ]; then
	modprobe ip_vs_sip_bench iterations="$2" \
		${IPVS_UDP_BENCH_ONLY:+only="$IPVS_UDP_BENCH_ONLY"}
	dmesg | sed -n 's/.*ip_vs_sip_bench: //p'
	modprobe -r ip_vs_sip_bench
	exit 0
fi
make -s modules-uml >/dev/null
. bench/lib.sh
bench_header
out=$(scripts/uml-run --mem 2048M --timeout 900 -- "$0" --inside "${1:-1000000}")
echo "$out"
plots=${IPVS_UDP_BENCH_PLOTS-docs}
[ -n "$plots" ] || exit 0
command -v gnuplot >/dev/null ||
	{ echo "# no gnuplot (apt-get install gnuplot-nox): no plots"; exit 0; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# curve=NAME x=X per_message_ns=M (min A max B) -> "X M A B" in d/NAME
sed -n 's/^curve=\([a-z_]*\) x=\([0-9]*\) per_message_ns=\([0-9]*\) (min \([0-9]*\) max \([0-9]*\)).*/\1 \2 \3 \4 \5/p' \
	<<<"$out" | while read -r name x m a b; do echo "$x $m $a $b" >>"$d/$name"; done
sed -n 's/^bindings=\([0-9]*\) per_message_ns=\([0-9]*\) (min \([0-9]*\) max \([0-9]*\)).*/\1 \2 \3 \4/p' \
	<<<"$out" >"$d/bindings"
# plot NAME TITLE XLABEL LOGX
plot() {
	[ -s "$d/$1" ] || return 0
	gnuplot <<EOF
set terminal pngcairo size 640,400 font ",10"
set output "$plots/sip-cost-$1.png"
set title "$2"
set xlabel "$3"
set ylabel "ns per message (median of 9 rounds, min-max)"
set yrange [0:*]
set grid
$([ "$4" = log ] && echo "set logscale x")
set xtics ($(awk '{ printf "%s\"%s\" %s", (NR > 1 ? ", " : ""), $1, $1 }' "$d/$1"))
plot "$d/$1" using 1:2:3:4 with yerrorlines title "sip scheduler" lw 2 pt 7
EOF
	echo "# plot: $plots/sip-cost-$1.png"
}
plot servers "A new Call-ID per message: parse, hash, pick, bind" "real servers of the service" log
plot callid_len "A new Call-ID per message, by Call-ID length (3 servers)" "Call-ID bytes" lin
plot bindings "An existing call's message: parse, hash, lookup" "bindings in the table" log
