#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Torture run: seeded random sequences of the operations a production
# director meets, under SIP-, DNS- and RADIUS-shaped, garbage and flood
# traffic (tests/tools/torture.py, tests/tools/torture_traffic.py):
#
#   cl1, cl2 (traffic) --- rt --- lan --- dir1 (NAT director)
#                                    +--- rs1..rs3 (echo on 5060, 53, 1812)
#
# Services edited, switched between sip, lor and rr with the reply engine
# on and off under traffic; servers removed, quiesced, re-added; side
# namespaces with services deleted without cleanup; module unloads and
# reloads; sysctl flips; netlink settings, dumps and flushes. After every
# step: a clean kernel log, no datagram at a removed server, counters that
# add up. At the end: every netns exit completes, the modules unload, and
# the director's slab memory is back at its baseline.
#
#   IPVS_UDP_TORTURE_SEED     the seed (default: a fresh one, printed)
#   IPVS_UDP_TORTURE_SECONDS  how long (default 90 under the debug kernel,
#                             30 on the normal one; make torture SECONDS=N)
#
# make check runs it on the normal kernel (30 s, a fresh seed); make
# torture runs it under the debug kernel (KASAN, kmemleak, lockdep,
# PROVE_RCU, panic_on_warn: uml-run fails the run on any report).
# Run: tests/run-scenarios [--debug] torture
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/harness.sh

slab_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

test_torture() {
	local seed=${IPVS_UDP_TORTURE_SEED:-$RANDOM$RANDOM}
	local secs i p slab0 slab1 rc
	# 90 s under the debug kernel (make check), 30 s on the normal one.
	secs=${IPVS_UDP_TORTURE_SECONDS:-$([ -e /sys/kernel/debug/kmemleak ] && echo 90 || echo 30)}
	echo "# torture seed $seed, ${secs}s (IPVS_UDP_TORTURE_SEED=$seed replays the operations)"
	harness_require udp-echo-server
	slab0=$(slab_kb)
	topo_setup nat 3 1 2
	for i in 1 2 3; do
		ns "rs$i" iptables-legacy -A INPUT -p udp --dport 5060
		ns "rs$i" iptables-legacy -A INPUT -p udp --dport 53
		ns "rs$i" iptables-legacy -A INPUT -p udp --dport 1812
		for p in 5060 53 1812; do
			echo_server "$i" "$(rs_addr4 "$i")" "$p"
		done
	done
	bg cl1 /usr/bin/python3 tests/tools/torture_traffic.py "$(cl_addr4 1)" \
		"$VIP4" $((secs + 30)) "$seed"
	bg cl2 /usr/bin/python3 tests/tools/torture_traffic.py "$(cl_addr4 2)" \
		"$VIP4" $((secs + 30)) $((seed + 1))
	/usr/bin/python3 tests/tools/torture.py "$seed" "$secs"
	rc=$?
	[ "$rc" -eq 0 ] || echo "# replay: IPVS_UDP_TORTURE_SEED=$seed tests/run-scenarios --debug torture"
	topo_cleanup
	check "netns exits complete, modules unload" topo_settle 180
	slab1=$(slab_kb)
	echo "# slab: ${slab0} kB before, ${slab1} kB after the teardown"
	if [ -e /sys/kernel/debug/kmemleak ]; then
		# KASAN's quarantine keeps freed objects in the slab: kmemleak
		# judges leaks here (uml-run's scan at the end of the run).
		echo "# debug kernel: leaks are judged by kmemleak at the end of the run"
	else
		check "slab memory back at its baseline (+$((slab1 - slab0)) kB)" \
			[ $((slab1 - slab0)) -lt 8192 ]
	fi
}

scenario_main "$@"
