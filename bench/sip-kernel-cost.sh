#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-message kernel cost of the sip scheduler: key extraction against one
# memchr() pass, and extraction + lookup with 1k, 100k and 1M bindings.
# Runs bench/kmod/ip_vs_sip_bench.ko in the UML test kernel.
#
# Usage (host): bench/sip-kernel-cost.sh [ITERATIONS]
# IPVS_UDP_BENCH_ONLY=parse|new|bind|lookup runs one part only ("bind": the
# new-Call-ID binding stage alone, to attach a profiler to).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then
	make -s modules-uml >/dev/null
	exec scripts/uml-run --mem 2048M --timeout 900 -- "$0" --inside "${1:-1000000}"
fi
modprobe ip_vs_sip_bench iterations="$2" ${IPVS_UDP_BENCH_ONLY:+only="$IPVS_UDP_BENCH_ONLY"}
dmesg | sed -n 's/.*ip_vs_sip_bench: //p'
modprobe -r ip_vs_sip_bench
