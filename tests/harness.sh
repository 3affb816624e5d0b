#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-tests of scripts/uml-run, run on the host: exit codes, output, the
# read-only host, the results directory, module autoloading, and that a
# kernel WARNING, a kmemleak report or a hang fails the run (and a hang
# shows its tasks); the debug kernel panics on a WARNING (panic_on_warn).
#
# Usage: tests/harness.sh [--debug]   (--debug adds the debug-kernel checks)
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1
. tests/lib/result.sh
# Each flavour its own: make check runs both at once.
OUT=build/harness${1:+-debug}.out

run() { scripts/uml-run "$@"; }

# expect_rc WANT NAME UML-RUN-ARGS...
expect_rc() {
	local want=$1 name=$2 rc
	shift 2
	run "$@" >"$OUT" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "harness: $name (exit $rc)"
	else
		sed 's/^/# /' "$OUT" | tail -n 30
		fail "harness: $name: exit $rc, wanted $want"
	fi
}

mkdir -p build
if [ "${1:-}" != --debug ]; then
	expect_rc 0 "true exits 0" -- true
	expect_rc 1 "false exits 1" -- false
	expect_rc 42 "exit status passes through" -- sh -c 'exit 42'

	out=$(run -- sh -c 'echo out; echo err >&2' 2>/dev/null)
	check "harness: stdout and stderr of the command reach stdout" \
		[ "$out" = "$(printf 'out\nerr')" ]

	probe=$REPO/build/ro-probe
	rm -f "$probe"
	run -- sh -c "mount -o remount,rw / 2>/dev/null; echo x >$probe" \
		>/dev/null 2>&1
	check "harness: the host root is read-only, even after remount,rw" \
		[ ! -e "$probe" ]

	res=$REPO/build/results-probe
	rm -rf "$res"
	run --results "$res" -- sh -c "echo ok >$res/f" >/dev/null 2>&1
	check "harness: --results directory is writable" \
		[ "$(cat "$res/f" 2>/dev/null)" = ok ]

	expect_rc 0 "ipvsadm autoloads ip_vs and ip_vs_rr" -- sh -c \
		'ipvsadm -A -u 10.9.9.9:53 -s rr && grep -q "^ip_vs_rr " /proc/modules'
	expect_rc 0 "modprobe finds this project's modules" -- \
		modprobe ipvs_udp_harness_test
	expect_rc 70 "an injected kernel WARNING fails the run" -- \
		modprobe ipvs_udp_harness_test warn=1
	check "harness: the WARNING is printed" \
		grep -q 'injected warning' "$OUT"
	# 60 s: the watchdog fires 30 s before the timeout; the boot may take
	# up to that on a loaded host. The guest sleeps: it takes no slot of
	# make check's UML pool (a slot stands for a busy core).
	slots=${IPVS_UDP_SLOTS:-}
	unset IPVS_UDP_SLOTS
	expect_rc 124 "a hung command hits the timeout" --timeout 60 -- sleep 600
	[ -z "$slots" ] || export IPVS_UDP_SLOTS=$slots
	check "harness: the watchdog's task list before the timeout is printed" \
		grep -q "watchdog: command still running" "$OUT"
	check "harness: ... and shows the hung command" \
		grep -q '[0-9] sleep 600' "$OUT"
else
	expect_rc 1 "debug kernel: false exits 1" --debug -- false
	expect_rc 70 "debug kernel: an injected leak fails the run (kmemleak)" \
		--debug -- modprobe ipvs_udp_harness_test leak=1
	check "harness: the kmemleak report is printed" \
		grep -q 'unreferenced object' "$OUT"
	# Modules unloaded and loaded again, as the torture run does: without
	# CONFIG_KASAN_VMALLOC, UML's KASAN reports the module file's buffer
	# at a freed module's address (its redzones stay poisoned).
	expect_rc 0 "debug kernel: exit 0, modules reloaded, the known maple_tree RCU report allowed" \
		--debug -- sh -c 'for i in 1 2 3; do /bin/true; done
			for i in 1 2 3 4; do modprobe ip_vs_sip && modprobe ip_vs_rr &&
				modprobe -r ip_vs_sip ip_vs_rr || exit 9; done'
	# panic_on_warn, as production hosts set it: a WARN ends the kernel.
	run --debug -- sh -c 'modprobe ipvs_udp_harness_test warn=1; echo survived' \
		>"$OUT" 2>&1
	rc=$?
	check "harness: debug kernel: an injected WARNING panics it (panic_on_warn; exit $rc)" \
		[ "$rc" -ne 0 ]
	check "harness: ... the command did not go on, the panic is in the log" \
		sh -c '! grep -q "^survived" "$1" &&
			grep -q "panic_on_warn" "$1"' _ "$OUT"
fi
exit "$RESULT_FAILED"
