# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What the request/reply benchmarks (reply-throughput.sh,
# radius-throughput.sh) share: the host side that builds and boots UML,
# the NAT topology with bench/udp_rr.c servers, and the medians with their
# ratios to the first configuration. Sourced; not a benchmark itself.

# bench_header: when, at which commit and on how loaded a host a benchmark
# starts (host side).
bench_header() {
	echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)," \
		"host load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_busy: the (UML) CPU's busy jiffies so far: user, nice, system,
# irq, softirq.
bench_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# bench_med WORDS: their median; bench_span WORDS: "min-max".
bench_med() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
bench_span() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { a = $1 } { b = $1 } END { print a "-" b }'
}

# bench_boot SCRIPT RUNS ARGS...: on the host (ARGS not starting with
# --inside), build the modules and udp_rr, then run SCRIPT inside UML as
# "SCRIPT --inside SECONDS WINDOW RUNS" (defaults 8, 128 and RUNS); inside,
# return.
bench_boot() {
	local script=$1 runs=$2
	shift 2
	[ "${1:-}" != --inside ] || return 0
	make -s modules-uml >/dev/null
	mkdir -p build/bench
	gcc -O2 -Wall -o build/bench/udp_rr bench/udp_rr.c
	bench_header
	exec scripts/uml-run --timeout 900 -- "$script" --inside "${1:-8}" \
		"${2:-128}" "${3:-$runs}"
}

# bench_nat_topo: the NAT topology with 3 real servers, replies kept on
# the director (no ICMP redirects, see tests/scenarios/reply.sh).
bench_nat_topo() {
	local i
	topo_setup nat 3
	ns dir1 sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.eth0.send_redirects=0
	for i in 1 2 3; do
		ns "rs$i" sysctl -qw net.ipv4.conf.all.accept_redirects=0 \
			net.ipv4.conf.eth0.accept_redirects=0
	done
}

# bench_nat MODE PORT: bench_nat_topo, each real server running
# "udp_rr MODE" on PORT.
bench_nat() {
	local i
	bench_nat_topo
	for i in 1 2 3; do
		bg "rs$i" "$RR" "$1" "$(rs_addr4 "$i")" "$2"
	done
	for i in 1 2 3; do
		wait_udp_port "rs$i" "$2"
	done
}

# shellcheck disable=SC2154 # configs and vals are the caller's
# bench_report: from the arrays configs (names) and vals (each one's runs,
# space separated), print the medians, their ratios to configs[0] and the
# runs of each.
bench_report() {
	local i medians=()
	for i in "${!configs[@]}"; do
		# shellcheck disable=SC2086 # the runs are words
		medians+=("$(bench_med ${vals[$i]})")
	done
	echo "# medians (pairs/s) and ratio to '${configs[0]}':"
	for i in "${!configs[@]}"; do
		printf '%-26s %8s  %s\n' "${configs[$i]}" "${medians[$i]}" \
			"$(awk -v a="${medians[$i]}" -v b="${medians[0]}" \
			'BEGIN { printf "%.2fx", a / b }')"
	done
	for i in "${!configs[@]}"; do
		# shellcheck disable=SC2086 # the runs are words
		printf '# %s: runs %s\n' "${configs[$i]}" "$(echo ${vals[$i]})"
	done
}
