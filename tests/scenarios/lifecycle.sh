#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How production hosts end a director: the network namespace is deleted
# with IPVS still configured in it (a container exits; nobody runs
# ipvsadm -C), right after the configuration changed.
#
#   cl1 --- rt --- lan --- dir1 (NAT director, every module in use)
#                     +--- rs1, rs2, rs3 (SIPp UAS :5060, echo :53, :1812)
#
#   netns_exit        every module has per-netns state in dir1: sip with
#                     the reply engine (SIPp calls, bindings, per-service
#                     seed and reply settings over netlink), lor and rr with
#                     the engine (outstanding records), an empty sip
#                     service (ICMP from the VIP). A real server is removed
#                     from the sip service, and dir1 is deleted at once.
#                     Every netns exit completes, no reference, timer or
#                     work item is left (the modules unload) and the kernel
#                     log has no refcount warning. Before the fix:
#                     "refcount_t: decrement hit 0; leaking memory" from
#                     ip_vs_sip_free_work (a panic with panic_on_warn).
#   netns_exit_dr     the same for a DR director with sip (flag-3 and
#                     bound), several namespaces deleted in one batch.
#   unload_after_flush
#                     100 bindings flushed with the CLI (each freed after
#                     an RCU grace period), the service deleted and the
#                     modules unloaded at once: every binding is back in
#                     its cache when the caches are destroyed. A flush that
#                     leaks its bindings fails here with "Objects remaining
#                     in ip_vs_kaff_binding-64 on __kmem_cache_shutdown()"
#                     and a WARN (scripts/uml-run keeps those caches apart
#                     from kmalloc's, where the leak would go unseen).
#
# Run: make modules-uml && tests/run-scenarios lifecycle[:test_name,...]
# shellcheck disable=SC2317 # test functions are called by scenario_main
# shellcheck disable=SC1010 # "do" is an argument of the netlink client
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh
. tests/lib/harness.sh
. tests/lib/nl.sh

DNS='{"af":"inet","protocol":17,"addr":"10.0.100.1","port":53}'
CLI=${IPVS_UDP_CLI:-$PWD/build/cmake/cli/ipvs-udp}

# exit_done NAME: the deleted namespaces' exits complete, our modules
# unload, and the kernel log has no refcount or other warning since MARK.
exit_done() {
	local name=$1 log
	check "$name: netns exits complete and every module unloads" \
		topo_settle 120
	log=$(dmesg | sed -n "/lifecycle-mark-$name/,\$p")
	if grep -qE 'refcount_t|WARNING|BUG|leaking' <<<"$log"; then
		grep -E 'refcount_t|WARNING|BUG|leaking' <<<"$log" |
			head -n 5 | sed 's/^/# /'
		fail "$name: kernel log clean after the netns exit"
	else
		pass "$name: kernel log clean after the netns exit"
	fi
}

# calls NAME N: N SIPp calls from cl1 through the VIP, all completed.
calls() {
	local name=$1 n=$2 rc s
	sip_uac uac1 cl1 "$VIP4" "$n" 10
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	calls_ok "$name" "$s" "$rc" "$n"
}

test_netns_exit() {
	local i r
	topo_setup nat 3
	sip_init
	harness_require udp-rr udp-echo-server
	for i in 1 2 3; do
		sip_uas "$i" || return 1
		echo_server "$i" "$(rs_addr4 "$i")" 53
		echo_server "$i" "$(rs_addr4 "$i")" 1812
	done
	sip_service dir1 "$VIP4" -s sip -o --pe reply || return 1
	ns dir1 ipvsadm -A -u "$VIP4:53" -s lor -o --pe reply || return 1
	ns dir1 ipvsadm -A -u "$VIP4:1812" -s rr -o --pe reply || return 1
	ns dir1 ipvsadm -A -u "$VIP4:5070" -s sip -o || return 1
	for i in 1 2 3; do
		sip_add_rs dir1 "$VIP4" "$i" 1 || return 1
		ns dir1 ipvsadm -a -u "$VIP4:53" -r "$(rs_addr4 "$i"):53" -m ||
			return 1
		ns dir1 ipvsadm -a -u "$VIP4:1812" -r "$(rs_addr4 "$i"):1812" \
			-m || return 1
	done
	# Bindings that outlive the test: the exit must free live ones.
	r=$(nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"seed\":42,\"transaction-timeout\":900,\"linger-timeout\":900}}")
	check "netns_exit: per-service seed and lifetimes set over netlink" \
		[ "$(json "$r" 'd["ok"]')" = True ]
	r=$(nl dir1 do reply-set \
		"{\"service\":$DNS,\"settings\":{\"timeout-ms\":30000}}")
	check "netns_exit: per-service reply settings set over netlink" \
		[ "$(json "$r" 'd["ok"]')" = True ]
	calls netns_exit 10
	udp_rr cl1 "$VIP4" 53 30 >/dev/null
	udp_rr cl1 "$VIP4" 1812 10 >/dev/null
	udp_rr cl1 "$VIP4" 5070 3 >/dev/null
	ns dir1 cat /proc/net/ip_vs_sip | sed 's/^/# /'
	# shellcheck disable=SC2016 # awk's fields: "UDP addr:port Bindings"
	check "netns_exit: bindings exist before the exit" \
		[ "$(ns dir1 awk '$2 ~ /:5060$/ { print $3 }' /proc/net/ip_vs_sip)" -gt 0 ]
	echo "lifecycle-mark-netns_exit" >/dev/kmsg
	# The real server leaves, then the container ends: no ipvsadm -C.
	ns dir1 ipvsadm -d -u "$VIP4:5060" -r "$(rs_addr4 3):5060" || return 1
	ip netns del dir1
	topo_cleanup
	exit_done netns_exit
}

test_netns_exit_dr() {
	local i d
	topo_setup dr 3 2
	sip_init
	for i in 1 2 3; do sip_uas "$i" || return 1; done
	sip_service dir1 "$VIP4" -s sip -o || return 1
	sip_service dir2 "$VIP4" -s sip -o -b flag-3 || return 1
	for d in dir1 dir2; do
		for i in 1 2 3; do sip_add_rs "$d" "$VIP4" "$i" 1 || return 1; done
	done
	calls netns_exit_dr 10
	echo "lifecycle-mark-netns_exit_dr" >/dev/kmsg
	ns dir1 ipvsadm -e -u "$VIP4:5060" -r "$(rs_addr4 1):5060" -g -w 0
	ns dir2 ipvsadm -d -u "$VIP4:5060" -r "$(rs_addr4 2):5060"
	topo_cleanup
	exit_done netns_exit_dr
}

# bindings_are N: dir1's sip service has N bindings.
bindings_are() { [ "$(sip_counter dir1 Bindings)" = "$1" ]; }

test_unload_after_flush() {
	local i
	topo_setup nat 3
	sip_init
	sip_service dir1 "$VIP4" -s sip -o || return 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP4" "$i" 1 || return 1; done
	send_calls cl1 0 100 || return 1
	check "unload_after_flush: 100 bindings before the flush" \
		wait_for 30 bindings_are 100
	echo "lifecycle-mark-unload_after_flush" >/dev/kmsg
	ns dir1 "$CLI" binding flush "udp:$VIP4:5060" >/dev/null
	ns dir1 ipvsadm -C
	modprobe -r ip_vs_sip ip_vs_kaff
	check "unload_after_flush: ip_vs_kaff unloaded" \
		[ ! -d /sys/module/ip_vs_kaff ]
	topo_cleanup
	exit_done unload_after_flush
}

scenario_main "$@"
