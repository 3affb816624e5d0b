#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP from the VIP (kernel/ip_vs_icmp_vip_core.c): a virtual service with no
# usable real server answers a client with a port unreachable whose source
# is the VIP and whose quote is the client's datagram, also on a director
# that does not configure the VIP. Errors that are not IPVS's keep the
# kernel's own source.
#
#   cl1 --- rt --- lan --- dir1 ("vipless": fwmark 1 + ip rule + local 0/0
#                     |          table 100; services -f 1, IPv4 and IPv6)
#                     +--- rs1 (VIP on lo, DR; only for the removal tests)
#
# Every check looks at what reaches the client: ECONNREFUSED on a connected
# UDP socket (tests/tools/udp_client.py) and the errors on cl1's eth0 as the
# C++ harness's icmp-watch records them (tests/harness/tools/icmp_watch.cc:
# an AF_PACKET socket, checksums verified from the bytes, the quoted
# datagram decoded).
#
# Stock 6.1 on such a director sends no IPv4 error at all and the IPv6 error
# from the director's address; the "switch off" and "unload" tests pin that
# baseline. IPv4 errors for any scheduler come from the module's wrap of
# IPVS's conn_schedule (module parameter stock_schedulers=Y, the default:
# the kernel's own error, made routable, gets the VIP: rewritten_v4); with
# stock_schedulers=N only our schedulers get them, built by the module
# (generated_v4). With IPVS patched with kernel-patches/6.1/0001-ipvs-*
# (tests/run-scenarios-patched: the ip_vs.ko modprobe loads, from updates/,
# has `modinfo -F ipvs_udp_patches`) IPVS itself sends both from the VIP,
# and the expectations below follow.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/icmp-vip.sh [test_...]
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/harness.sh
. tests/lib/icmp.sh

harness_require icmp-watch

PORT=5353
SPORT=40001
CLIENT=tests/tools/udp_client.py
SERVER=tests/tools/udp_server.py
PROC=/proc/net/ip_vs_icmp_vip

PATCHED=
PATCHES=$(modinfo -F ipvs_udp_patches ip_vs 2>/dev/null)
if [ -n "$PATCHES" ]; then
	PATCHED=1
	echo "# IPVS patches: $PATCHES ($(modinfo -n ip_vs))"
fi

# icmp_vip_load [Y|N]: ip_vs_icmp_vip loaded with module parameter
# stock_schedulers Y (default: IPVS's conn_schedule wrapped) or N (only
# schedulers calling ip_vs_icmp_vip_no_dest()), reloaded if it has the
# other value (fovip, which uses it, goes first; a namespace of the last
# test may still hold fovip for a moment).
icmp_vip_load() {
	local want=${1:-Y} par=/sys/module/ip_vs_icmp_vip/parameters
	if [ -e "$par/stock_schedulers" ] &&
		[ "$(cat "$par/stock_schedulers")" != "$want" ]; then
		if [ -e /sys/module/ip_vs_fovip ]; then
			wait_for 60 modprobe -r ip_vs_fovip || return 1
		fi
		wait_for 60 modprobe -r ip_vs_icmp_vip || return 1
	fi
	modprobe ip_vs_icmp_vip stock_schedulers="$want" || return 1
	[ "$(cat "$par/stock_schedulers")" = "$want" ]
}

# Director dir1 without the VIP; fwmark services with scheduler $1 for both
# families, no real server; $2 real servers in the topology. $WRAP: the
# module parameter stock_schedulers (Y unless a test sets it).
setup_vipless() {
	topo_setup vipless "${2:-0}" || return 1
	icmp_vip_load "${WRAP:-Y}" || return 1
	ns dir1 ipvsadm -A -f 1 -s "$1" || return 1
	ns dir1 ipvsadm -A -f 1 -6 -s "$1" || return 1
	cap_start
}

# IPv6, stock scheduler: the kernel builds the error from the director's
# address and the module gives it the VIP.
test_v6_no_dest_from_vip() {
	local out errs
	setup_vipless rr || return 1
	out=$(probe "$VIP6")
	echo "# $out"
	check "v6 no dest: the connected socket gets ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 1)
	check "v6 no dest: exactly one error reaches the client" \
		[ "$(json "$errs" 'len(d)')" = 1 ]
	expect_error "v6 no dest" "$errs" 0 "$VIP6" "$(cl_addr6 1)" "$VIP6"
	if [ -n "$PATCHED" ]; then
		check "v6 no dest (patched kernel): IPVS sent it from the VIP" \
			[ "$(counter already_vip)/$(counter rewritten_v6)" = 1/0 ]
	else
		check "v6 no dest: counted as rewritten_v6" \
			[ "$(counter rewritten_v6)" = 1 ]
	fi
}

# The baseline: with the switch off, stock behaviour is back (IPv6 from the
# director's address; on a patched kernel IPVS itself uses the VIP).
test_v6_switch_off_baseline() {
	local out errs src
	setup_vipless rr || return 1
	ns dir1 sysctl -qw net.ipvs_udp.icmp_vip=0 || return 1
	out=$(probe "$VIP6")
	echo "# $out"
	check "v6 switch off: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 1)
	src=$(dir_addr6 1)
	[ -n "$PATCHED" ] && src=$VIP6
	expect_error "v6 switch off" "$errs" 0 "$src" "$(cl_addr6 1)" "$VIP6"
	check "v6 switch off: nothing counted" \
		[ "$(counter enabled) $(counter rewritten_v6) $(counter already_vip)" = "0 0 0" ]
}

# IPv4, a scheduler of ours (fovip calls ip_vs_icmp_vip_no_dest()), IPVS
# not wrapped (stock_schedulers=N): the module builds the error from the
# VIP itself.
test_v4_no_dest_scheduler_helper() {
	local out errs WRAP=N
	setup_vipless fovip || return 1
	out=$(probe "$VIP4")
	echo "# $out"
	check "v4 fovip no dest: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 1)
	sleep 1
	errs=$(cap_errors 1)
	check "v4 fovip no dest: exactly one error reaches the client" \
		[ "$(json "$errs" 'len(d)')" = 1 ]
	expect_error "v4 fovip no dest" "$errs" 0 "$VIP4" "$(cl_addr4 1)" "$VIP4"
	check "v4 fovip no dest: counted as generated_v4" \
		[ "$(counter generated_v4)" = 1 ]
	if [ -n "$PATCHED" ]; then
		check "v4 fovip no dest (patched kernel): IPVS's own error dropped as a duplicate" \
			[ "$(counter duplicates)" = 1 ]
	fi
}

# IPv4, a scheduler of ours under the conn_schedule wrap (the default):
# one error, the kernel's own, from the VIP; the helper sees the route copy
# and stays quiet (no second error, nothing generated, no duplicate).
test_v4_no_dest_scheduler_wrapped() {
	local out errs
	setup_vipless fovip || return 1
	out=$(probe "$VIP4")
	echo "# $out"
	check "v4 fovip wrapped: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 1)
	sleep 1
	errs=$(cap_errors 1)
	check "v4 fovip wrapped: exactly one error reaches the client" \
		[ "$(json "$errs" 'len(d)')" = 1 ]
	expect_error "v4 fovip wrapped" "$errs" 0 "$VIP4" "$(cl_addr4 1)" "$VIP4"
	check "v4 fovip wrapped: one error counted, none generated or duplicated" \
		[ "$(counter rewritten_v4)/$(counter already_vip)/$(counter generated_v4)/$(counter duplicates)" = \
		"$([ -n "$PATCHED" ] && echo 0/1/0/0 || echo 1/0/0/0)" ]
}

# IPv4 baseline: switch off, the same scheduler gets stock behaviour (no
# error at all; from the VIP on a patched kernel).
test_v4_switch_off_baseline() {
	local out errs
	setup_vipless fovip || return 1
	ns dir1 sysctl -qw net.ipvs_udp.icmp_vip=0 || return 1
	out=$(probe "$VIP4")
	echo "# $out"
	errs=$(cap_errors 0)
	if [ -n "$PATCHED" ]; then
		check "v4 switch off (patched kernel): ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
		expect_error "v4 switch off (patched kernel)" "$(cap_errors 1)" 0 \
			"$VIP4" "$(cl_addr4 1)" "$VIP4"
	else
		check "v4 switch off: no ECONNREFUSED (stock: no error at all)" \
			[ "$(json "$out" 'd["refused"]')" = 0 ]
		check "v4 switch off: no error on the wire" \
			[ "$(json "$errs" 'len(d)')" = 0 ]
	fi
	check "v4 switch off: nothing generated" \
		[ "$(counter generated_v4)" = 0 ]
}

# v4_counted NAME N: the N IPv4 errors of a stock scheduler were the
# kernel's, given the VIP by the module (stock IPVS with the wrap) or sent
# from the VIP by IPVS itself (patched), none built by the module, none
# dropped as a duplicate.
v4_counted() {
	check "$1: $2 kernel error(s) from the VIP, none generated or duplicated" \
		[ "$(counter rewritten_v4)/$(counter already_vip)/$(counter generated_v4)/$(counter duplicates)" = \
		"$([ -n "$PATCHED" ] && echo "0/$2/0/0" || echo "$2/0/0/0")" ]
}

# IPv4, stock scheduler: the kernel's error, routable through the wrap of
# conn_schedule, from the VIP (patched kernel: IPVS's own, from the VIP).
# It is the kernel's own error, so the kernel's per-destination rate limit
# (net.ipv4.icmp_ratelimit) holds the next one back: 100 s, none; 1 s, one.
test_v4_no_dest_stock_scheduler() {
	local out errs
	setup_vipless rr || return 1
	out=$(probe "$VIP4" "$PORT" 40001)
	echo "# $out"
	check "v4 rr no dest: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 1)
	sleep 1
	errs=$(cap_errors 1)
	check "v4 rr no dest: exactly one error" \
		[ "$(json "$errs" 'len(d)')" = 1 ]
	SPORT=40001 expect_error "v4 rr no dest" "$errs" 0 "$VIP4" \
		"$(cl_addr4 1)" "$VIP4"
	v4_counted "v4 rr no dest" 1
	ns dir1 sysctl -qw net.ipv4.icmp_ratelimit=100000 || return 1
	out=$(probe "$VIP4" "$PORT" 40002)
	check "v4 rr icmp_ratelimit=100000: no ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 0 ]
	ns dir1 sysctl -qw net.ipv4.icmp_ratelimit=1000 || return 1
	out=$(probe "$VIP4" "$PORT" 40003)
	check "v4 rr icmp_ratelimit=1000: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	check "v4 rr icmp_ratelimit: errors on the wire for the first and third" \
		[ "$(json "$(cap_errors 2)" '[e.get("q_sport") for e in d]')" = \
		"[40001, 40003]" ]
}

# IPv4, fwmark service with a stock scheduler (wlc, the HOWTO's IPsec case):
# a server of weight 0 is not usable (error from the VIP); at weight 1 the
# next flow is served and gets no error; once it is removed a new flow gets
# the error again; with the switch off, stock (none).
test_v4_stock_wlc_weight0_usable_removed() {
	local out errs rs
	setup_vipless wlc 1 || return 1
	rs=$(rs_addr4 1)
	ns dir1 ipvsadm -a -f 1 -r "$rs" -g -w 0 || return 1
	bg rs1 /usr/bin/python3 "$SERVER" rs1 "$VIP4" "$PORT"
	wait_udp_port rs1 "$PORT" || return 1
	out=$(probe "$VIP4" "$PORT" 40001)
	echo "# weight 0: $out"
	check "v4 wlc weight 0: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	ns dir1 ipvsadm -e -f 1 -r "$rs" -g -w 1 || return 1
	out=$(probe "$VIP4" "$PORT" 40002)
	echo "# weight 1: $out"
	check "v4 wlc weight 1: served, reply from the VIP, no error" \
		[ "$(json "$out" '(d["replies"], d["refused"], list(d["sources"]))')" = \
		"(1, 0, ['$VIP4'])" ]
	ns dir1 ipvsadm -d -f 1 -r "$rs" || return 1
	out=$(probe "$VIP4" "$PORT" 40003)
	echo "# removed: $out"
	check "v4 wlc server removed: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	ns dir1 sysctl -qw net.ipvs_udp.icmp_vip=0 || return 1
	out=$(probe "$VIP4" "$PORT" 40004)
	echo "# switch off: $out"
	errs=$(cap_errors 2)
	sleep 1
	errs=$(cap_errors 2)
	if [ -n "$PATCHED" ]; then
		check "v4 wlc switch off (patched kernel): ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
		check "v4 wlc: three errors, none while the server was usable" \
			[ "$(json "$errs" '[e.get("q_sport") for e in d]')" = \
			"[40001, 40003, 40004]" ]
	else
		check "v4 wlc switch off: no ECONNREFUSED (stock)" \
			[ "$(json "$out" 'd["refused"]')" = 0 ]
		check "v4 wlc: two errors, none while the server was usable or the switch off" \
			[ "$(json "$errs" '[e.get("q_sport") for e in d]')" = \
			"[40001, 40003]" ]
	fi
	SPORT=40001 expect_error "v4 wlc weight 0" "$errs" 0 "$VIP4" \
		"$(cl_addr4 1)" "$VIP4"
	SPORT=40003 expect_error "v4 wlc removed" "$errs" 1 "$VIP4" \
		"$(cl_addr4 1)" "$VIP4"
	v4_counted "v4 wlc" 2
}

# IPv4, a plain VIP:port service (no fwmark service) with rr on the VIP-less
# director: no server, error from the VIP; with a server, served, no error.
test_v4_plain_vip_stock_scheduler() {
	local out errs rs
	topo_setup vipless 1 || return 1
	icmp_vip_load Y || return 1
	ns dir1 ipvsadm -A -u "$VIP4:$PORT" -s rr || return 1
	cap_start || return 1
	out=$(probe "$VIP4" "$PORT" 40001)
	echo "# no server: $out"
	check "v4 plain VIP rr no server: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	rs=$(rs_addr4 1)
	ns dir1 ipvsadm -a -u "$VIP4:$PORT" -r "$rs" -g || return 1
	bg rs1 /usr/bin/python3 "$SERVER" rs1 "$VIP4" "$PORT"
	wait_udp_port rs1 "$PORT" || return 1
	out=$(probe "$VIP4" "$PORT" 40002)
	echo "# server: $out"
	check "v4 plain VIP rr with a server: served, no error" \
		[ "$(json "$out" '(d["replies"], d["refused"], list(d["sources"]))')" = \
		"(1, 0, ['$VIP4'])" ]
	errs=$(cap_errors 1)
	sleep 1
	errs=$(cap_errors 1)
	check "v4 plain VIP rr: exactly one error" [ "$(json "$errs" 'len(d)')" = 1 ]
	SPORT=40001 expect_error "v4 plain VIP rr" "$errs" 0 "$VIP4" \
		"$(cl_addr4 1)" "$VIP4"
	v4_counted "v4 plain VIP rr" 1
}

# A flow to rs1 is active; rs1 is removed (expire_nodest_conn=1); the next
# datagram of the flow gets the error from the VIP.
last_server_removed() {
	local fam=$1 sched=$2 vip rs out errs cl six=
	setup_vipless "$sched" 1 || return 1
	if [ "$fam" = 6 ]; then
		vip=$VIP6 rs=$(rs_addr6 1) cl=$(cl_addr6 1) six=-6
	else
		vip=$VIP4 rs=$(rs_addr4 1) cl=$(cl_addr4 1)
	fi
	# shellcheck disable=SC2086
	ns dir1 ipvsadm -a -f 1 $six -r "$rs" -g || return 1
	ns dir1 sysctl -qw net.ipv4.vs.expire_nodest_conn=1 || return 1
	bg rs1 /usr/bin/python3 "$SERVER" rs1 "$vip" "$PORT"
	wait_udp_port rs1 "$PORT" || return 1
	out=$(ns cl1 /usr/bin/python3 "$CLIENT" "$vip" "$PORT" 3 --connect \
		--sport "$SPORT")
	echo "# before: $out"
	check "v$fam $sched: the flow gets its replies from the VIP" \
		[ "$(json "$out" '(d["replies"], list(d["sources"]))')" = \
		"(3, ['$vip'])" ]
	check "v$fam $sched: IPVS holds the flow's connection entry" \
		ns dir1 sh -c "ipvsadm -L -n -c | grep -q ':$SPORT '"
	# shellcheck disable=SC2086
	ns dir1 ipvsadm -d -f 1 $six -r "$rs" || return 1
	out=$(probe "$vip")
	echo "# after: $out"
	check "v$fam $sched: after removal the flow gets ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 1)
	check "v$fam $sched: exactly one error reaches the client" \
		[ "$(json "$errs" 'len(d)')" = 1 ]
	expect_error "v$fam $sched after removal" "$errs" 0 "$vip" "$cl" "$vip"
}

test_last_server_removed_v4() {
	last_server_removed 4 fovip
}

test_last_server_removed_v6() {
	last_server_removed 6 rr
}

# tests/uml/config.base has CONFIG_IP_NF_TARGET_REJECT and
# CONFIG_IP6_NF_TARGET_REJECT: a kernel without them is a failure.
NOREJECT="iptables REJECT does not work in this kernel (tests/uml/config.base asks for CONFIG_IP_NF_TARGET_REJECT and CONFIG_IP6_NF_TARGET_REJECT)"

# Errors about ordinary routed traffic keep their source, after an IPVS
# error on the same director (so that the module has just been at work):
# a closed port on another host whose errors are routed through the
# director, and errors of the director itself from a REJECT in FORWARD.
test_routed_errors_keep_their_source() {
	local out errs n=3 reject=1
	setup_vipless rr 1 || return 1
	# 10.0.201.11 / fd00:201::11 on rs1, routed via dir1 both ways.
	ns rs1 ip addr add 10.0.201.11/32 dev lo || return 1
	ns rs1 ip addr add fd00:201::11/128 dev lo nodad || return 1
	ns rs1 ip route add 10.0.1.0/24 via "$(dir_addr4 1)" || return 1
	ns rs1 ip -6 route add fd00:1::/64 via "$(dir_addr6 1)" || return 1
	ns dir1 ip route add 10.0.201.0/24 via "$(rs_addr4 1)" || return 1
	ns dir1 ip -6 route add fd00:201::/64 via "$(rs_addr6 1)" || return 1
	ns rt ip route add 10.0.201.0/24 via "$(dir_addr4 1)" || return 1
	ns rt ip -6 route add fd00:201::/64 via "$(dir_addr6 1)" || return 1
	# 10.0.200.0/24 / fd00:200::/64: routed to dir1, rejected there.
	ns rt ip route add 10.0.200.0/24 via "$(dir_addr4 1)" || return 1
	ns rt ip -6 route add fd00:200::/64 via "$(dir_addr6 1)" || return 1
	if ! ns dir1 iptables-legacy -A FORWARD -d 10.0.200.0/24 -p udp \
		-j REJECT 2>/dev/null ||
		! ns dir1 ip6tables-legacy -A FORWARD -d fd00:200::/64 -p udp \
			-j REJECT 2>/dev/null; then
		reject=
	fi

	out=$(probe "$VIP6")
	echo "# VIP: $out"
	out=$(probe 10.0.201.11)
	check "routed v4 closed port: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	out=$(probe fd00:201::11)
	check "routed v6 closed port: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	if [ -n "$reject" ]; then
		n=5
		out=$(probe 10.0.200.5)
		check "routed v4 REJECT: ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
		out=$(probe fd00:200::5)
		check "routed v6 REJECT: ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
	fi
	errs=$(cap_errors "$n")
	check "routed: $n errors on the wire" [ "$(json "$errs" 'len(d)')" = "$n" ]
	expect_error "routed (VIP first)" "$errs" 0 "$VIP6" "$(cl_addr6 1)" "$VIP6"
	expect_error "routed v4 closed port" "$errs" 1 10.0.201.11 \
		"$(cl_addr4 1)" 10.0.201.11
	expect_error "routed v6 closed port" "$errs" 2 fd00:201::11 \
		"$(cl_addr6 1)" fd00:201::11
	if [ -n "$reject" ]; then
		expect_error "routed v4 REJECT" "$errs" 3 "$(dir_addr4 1)" \
			"$(cl_addr4 1)" 10.0.200.5
		expect_error "routed v6 REJECT" "$errs" 4 "$(dir_addr6 1)" \
			"$(cl_addr6 1)" fd00:200::5
	else
		fail "routed REJECT in FORWARD keeps the director's address: $NOREJECT"
	fi
	if [ -z "$PATCHED" ]; then
		check "routed: only the IPVS error was rewritten" \
			[ "$(counter rewritten_v4) $(counter rewritten_v6) $(counter already_vip)" = "0 1 0" ]
	fi
}

# Errors about traffic the director receives that IPVS does not serve keep
# the kernel's source: a closed port on the director's own address (v4,
# v6); with REJECT, an INPUT REJECT (before IPVS) of the VIP's port 9999;
# a closed port on the VIP itself (v6: fwmark 2, no service, so the
# datagram passes IPVS and reaches UDP). Both VIP datagrams are byte for
# byte the one IPVS answered just before (IPv6 flow labels off). For the
# REJECT case cl1 drops IPVS's error in PREROUTING, so that no packet
# passes LOCAL_IN anywhere between IPVS's error and the REJECT.
test_local_errors_keep_director_address() {
	local out errs n=4 i=3 reject=
	setup_vipless rr || return 1
	ns cl1 sysctl -qw net.ipv6.auto_flowlabels=0 || return 1
	ns dir1 ip -6 rule add fwmark 2 lookup 100 || return 1
	out=$(probe "$(dir_addr4 1)" 9)
	check "closed v4 port: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	out=$(probe "$(dir_addr6 1)" 9)
	check "closed v6 port: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	if ns dir1 ip6tables-legacy -N probe-reject 2>/dev/null &&
		ns dir1 ip6tables-legacy -A probe-reject -j REJECT 2>/dev/null; then
		reject=1 n=5 i=4
		ns cl1 ip6tables-legacy -t mangle -A PREROUTING -s "$VIP6" \
			-p icmpv6 -j DROP || return 1
	fi
	out=$(ns cl1 /usr/bin/python3 "$CLIENT" "$VIP6" 9999 1 --connect \
		--sport "$SPORT" --timeout 0.5)
	if [ -n "$reject" ]; then
		check "VIP6 port 9999 by IPVS: error dropped by cl1 (no LOCAL_IN)" \
			[ "$(json "$out" 'd["refused"]')" = 0 ]
		ns dir1 ip6tables-legacy -I INPUT -d "$VIP6" -p udp --dport 9999 \
			-j probe-reject || return 1
		out=$(probe "$VIP6" 9999)
		check "VIP6 port 9999, INPUT REJECT: ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
		ns dir1 ip6tables-legacy -F INPUT || return 1
		ns cl1 ip6tables-legacy -t mangle -F PREROUTING || return 1
	else
		check "VIP6 port 9999 by IPVS: ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
	fi
	ns dir1 ip6tables-legacy -t mangle -A PREROUTING -d "$VIP6" -p udp \
		--dport 9999 -j MARK --set-mark 2 || return 1
	out=$(probe "$VIP6" 9999)
	check "VIP6 port 9999 not served by IPVS (closed): ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors "$n")
	check "local errors: $n errors on the wire" \
		[ "$(json "$errs" 'len(d)')" = "$n" ]
	PORT=9 expect_error "closed v4 port" "$errs" 0 "$(dir_addr4 1)" \
		"$(cl_addr4 1)" "$(dir_addr4 1)"
	PORT=9 expect_error "closed v6 port" "$errs" 1 "$(dir_addr6 1)" \
		"$(cl_addr6 1)" "$(dir_addr6 1)"
	PORT=9999 expect_error "VIP6 9999 by IPVS" "$errs" 2 "$VIP6" \
		"$(cl_addr6 1)" "$VIP6"
	if [ -n "$reject" ]; then
		PORT=9999 expect_error "VIP6 9999 by INPUT REJECT" "$errs" 3 \
			"$(dir_addr6 1)" "$(cl_addr6 1)" "$VIP6"
	else
		fail "INPUT REJECT of a VIP port keeps the director's address: $NOREJECT"
	fi
	PORT=9999 expect_error "VIP6 9999 closed" "$errs" "$i" \
		"$(dir_addr6 1)" "$(cl_addr6 1)" "$VIP6"
	check "local errors: only the IPVS error was touched" \
		[ "$(counter rewritten_v6) $(counter already_vip) $(counter duplicates)" = \
		"$([ -n "$PATCHED" ] && echo "0 1 0" || echo "1 0 0")" ]
}

# A local VIP: the kernel already answers from it; nothing changes and the
# helper sends no second error.
test_local_vip_unchanged() {
	local out errs
	topo_setup dr 0 || return 1
	icmp_vip_load Y || return 1
	ns dir1 ipvsadm -A -u "$VIP4:$PORT" -s fovip || return 1
	ns dir1 ipvsadm -A -u "[$VIP6]:$PORT" -s rr || return 1
	cap_start || return 1
	out=$(probe "$VIP4")
	check "local VIP v4: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	out=$(probe "$VIP6")
	check "local VIP v6: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	errs=$(cap_errors 2)
	sleep 1
	errs=$(cap_errors 2)
	check "local VIP: exactly two errors" [ "$(json "$errs" 'len(d)')" = 2 ]
	expect_error "local VIP v4" "$errs" 0 "$VIP4" "$(cl_addr4 1)" "$VIP4"
	expect_error "local VIP v6" "$errs" 1 "$VIP6" "$(cl_addr6 1)" "$VIP6"
	check "local VIP: nothing rewritten or generated, both seen as from the VIP" \
		[ "$(counter rewritten_v4) $(counter rewritten_v6) $(counter generated_v4) $(counter already_vip)" = \
		"0 0 0 2" ]
}

# The errors the module builds obey the kernel's per-destination ICMP rate
# limit (net.ipv4.icmp_ratelimit): 100 s means none now, 1 s one.
test_v4_generated_errors_ratelimited() {
	local out WRAP=N
	setup_vipless fovip || return 1
	ns dir1 sysctl -qw net.ipv4.icmp_ratelimit=100000 || return 1
	out=$(probe "$VIP4")
	check "icmp_ratelimit=100000: no ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 0 ]
	check "icmp_ratelimit=100000: counted as ratelimited" \
		[ "$(counter ratelimited)/$(counter generated_v4)" = 1/0 ]
	ns dir1 sysctl -qw net.ipv4.icmp_ratelimit=1000 || return 1
	out=$(probe "$VIP4")
	check "icmp_ratelimit=1000: ECONNREFUSED" \
		[ "$(json "$out" 'd["refused"]')" = 1 ]
	check "icmp_ratelimit=1000: counted as generated" \
		[ "$(counter generated_v4)" = 1 ]
	check "icmp_ratelimit: exactly one error on the wire" \
		[ "$(json "$(cap_errors 1)" 'len(d)')" = 1 ]
}

# Without the module the director is back to stock (IPv6 from the
# director's address; IPv4: IPVS has its own conn_schedule back, no error);
# loading it again takes effect in namespaces that already exist (pernet
# init, hooks) and wraps IPVS again.
test_module_unload_reload() {
	local out errs src=$VIP6 v4=
	setup_vipless rr || return 1
	probe "$VIP6" >/dev/null
	if [ -e /sys/module/ip_vs_fovip ]; then
		wait_for 60 modprobe -r ip_vs_fovip
	fi
	check "unload: modprobe -r ip_vs_icmp_vip" \
		wait_for 60 modprobe -r ip_vs_icmp_vip
	check "unload: /proc/net/ip_vs_icmp_vip is gone" \
		[ ! -e "/proc/$$/net/ip_vs_icmp_vip" ]
	probe "$VIP6" >/dev/null
	out=$(probe "$VIP4" "$PORT" 40002)
	echo "# v4 unloaded: $out"
	if [ -n "$PATCHED" ]; then
		v4=40002
		check "unloaded v4 (patched kernel): ECONNREFUSED" \
			[ "$(json "$out" 'd["refused"]')" = 1 ]
	else
		check "unloaded v4: no ECONNREFUSED (stock IPVS again)" \
			[ "$(json "$out" 'd["refused"]')" = 0 ]
	fi
	check "reload: modprobe ip_vs_icmp_vip" modprobe ip_vs_icmp_vip
	check "reload: enabled in the existing namespace" \
		[ "$(counter enabled)" = 1 ]
	out=$(probe "$VIP6")
	check "reload: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	out=$(probe "$VIP4" "$PORT" 40003)
	check "reload v4: ECONNREFUSED" [ "$(json "$out" 'd["refused"]')" = 1 ]
	# Four errors, five on the patched kernel; a late extra one shows in
	# the list checked below.
	errs=$(cap_errors $((${v4:+1} + 4)))
	sleep 1
	errs=$(cap_errors $((${v4:+1} + 4)))
	check "unload/reload: errors about v6, v6, ${v4:+v4, }v6, v4" \
		[ "$(json "$errs" '[e.get("q_sport") if e.get("af") == 4 else 6 for e in d]')" = \
		"[6, 6, ${v4:+$v4, }6, 40003]" ]
	expect_error "loaded" "$errs" 0 "$VIP6" "$(cl_addr6 1)" "$VIP6"
	[ -z "$PATCHED" ] && src=$(dir_addr6 1)
	expect_error "unloaded" "$errs" 1 "$src" "$(cl_addr6 1)" "$VIP6"
	expect_error "reloaded" "$errs" $((${v4:+1} + 2)) "$VIP6" \
		"$(cl_addr6 1)" "$VIP6"
	SPORT=40003 expect_error "reloaded v4" "$errs" $((${v4:+1} + 3)) \
		"$VIP4" "$(cl_addr4 1)" "$VIP4"
}

scenario_main "$@"
