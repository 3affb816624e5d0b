#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sip scheduler at scale: several directors that must agree without
# sharing state, and a flood of random Call-IDs against the binding cap.
#
#   cl1..cl3 --- rt (ECMP, L4 hash) --- lan --- dir1..dir3 (-s sip -o, DR)
#                                          +--- rs1, rs2, rs3 (SIPp UAS)
#
# Run inside UML: scripts/uml-run -- tests/scenarios/sip-scale.sh [test_...]

# shellcheck disable=SC2317,SC2119 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

XSRC=tests/tools/sip_xsrc.py
SIPFLOOD=build/cmake/sipflood
# IPVS_UDP_SIP_SCHED=rr / IPVS_UDP_SIP_OPS= run these without the feature.
SCHED=${IPVS_UDP_SIP_SCHED:-sip}
OPS=${IPVS_UDP_SIP_OPS--o}
# SIPp's global timeout beyond the calls' own time (tests/lib/sip.sh): six
# user agents share one UML CPU here, so be generous; a passing run never
# waits for it.
SIP_UAC_SLACK=${SIP_UAC_SLACK:-120}
# The flood's own time limit (sipflood -T). Its concurrent SIPp calls may
# take that long and a minute more.
FLOOD_LIMIT=240
# Binding lifetimes for the flood test: an hour, longer than any run may
# last (tests/run-scenarios gives a scenario file 900 s by default), so
# that no binding expires whatever the machine's speed, and every Call-ID
# bound stays counted.
FLOOD_LIFETIME=3600

# dir_services: the same service and real servers on every director.
dir_services() {
	local d i
	for ((d = 1; d <= TOPO_NDIR; d++)); do
		[ -n "${1:-}" ] && sip_param hash_seed $(($1 + d))
		# shellcheck disable=SC2086
		sip_service "dir$d" "$VIP4" -s "$SCHED" $OPS || return 1
		for i in 1 2 3; do
			sip_add_rs "dir$d" "$VIP4" "$i" 1 || return 1
		done
	done
}

# sum_counter COLUMN: a /proc/net/ip_vs_sip column summed over directors.
sum_counter() {
	local d n=0 v
	for ((d = 1; d <= TOPO_NDIR; d++)); do
		v=$(sip_counter "dir$d" "$1")
		v=${v//[!0-9]/}
		n=$((n + ${v:-0}))
	done
	echo "$n"
}

# Three directors behind the router's ECMP route. SIPp calls from three
# clients, then calls whose INVITE and in-dialog requests come from
# different addresses and ports, so that they cross directors.
test_scale_out() {
	local s out rc rcs="" c d msgs created calls i
	topo_setup dr 3 3 3
	sip_init
	for i in 1 2 3; do sip_uas "$i" || return 1; done
	dir_services || return 1
	for c in 1 2 3; do
		sip_uac_start "uac$c" "cl$c" "$VIP4" 200 30
	done
	for c in 1 2 3; do
		sip_uac_wait "uac$c"
		rc=$?
		uac_report "uac$c" "$rc"
		rcs+=$rc
	done
	out=$(/usr/bin/python3 "$XSRC" --vip "$VIP4" --calls 90 \
		--invite "cl1,$(cl_addr4 1),0" --dialog "cl2,$(cl_addr4 2),0")
	rc=$?
	echo "# sip_xsrc (new ports every call): $out"
	s=$(sip_summary)
	echo "# $s"
	msgs=""
	for ((d = 1; d <= 3; d++)); do
		echo "# dir$d: $(ns "dir$d" cat /proc/net/ip_vs_sip | tail -n 1)"
		msgs+=" $(sip_counter "dir$d" Messages)"
	done
	created=$(sum_counter Created)
	calls=$(sj "$s" 'd["calls"]')
	echo "# Messages per director:$msgs; bindings created on all directors: $created for $calls calls (each extra one: a call whose messages crossed to a director that had not seen it)"
	check "scale-out: SIPp exit 0 on cl1, cl2, cl3" [ "$rcs" = 000 ]
	check "scale-out: 600 of 600 SIPp calls successful, 0 failed" \
		[ "$(sj "$s" 'd["uac"]["ok"]')/$(sj "$s" 'd["uac"]["failed"]')" = 600/0 ]
	check "scale-out: 90 of 90 cross-source calls successful" \
		[ "$rc/$(json "$out" 'd["ok"]')" = 0/90 ]
	check "scale-out: every call's messages reached one server" \
		[ "$(sj "$s" 'd["split"]')" = 0 ]
	# shellcheck disable=SC2086
	check "scale-out: every director saw traffic (Messages$msgs)" gt0 $msgs
	check "scale-out: calls crossed directors ($created bindings for $calls calls)" \
		[ "$created" -gt "$calls" ]

	# Control: directors with different hash seeds disagree, which these
	# checks must notice.
	for ((d = 1; d <= 3; d++)); do
		ns "dir$d" ipvsadm -D -u "$VIP4:5060"
	done
	dir_services 100 || return 1
	sip_param hash_seed 0
	out=$(/usr/bin/python3 "$XSRC" --vip "$VIP4" --calls 60 --prefix ctl \
		--invite "cl1,$(cl_addr4 1),0" --dialog "cl2,$(cl_addr4 2),0")
	echo "# control, seeds 101/102/103: sip_xsrc: $out"
	s=$(sip_summary)
	echo "# $s"
	check "scale-out control: directors with different seeds split calls ($(sj "$s" 'd["split"]') split, $(json "$out" 'd["failed"]') of 60 failed)" \
		gt0 "$(sj "$s" 'd["split"]')" "$(json "$out" 'd["failed"]')"
}

# max_bindings 50000; 1,000,000 INVITEs with random Call-IDs from cl2 while
# SIPp calls run from cl1. The real servers drop the flood (iptables), so
# only the director's state is under test. No binding may expire during the
# test (all lifetimes FLOOD_LIFETIME): the table then holds every Call-ID
# bound, and must stop at the cap, however long the flood takes.
test_flood() {
	local cap=50000 n=1000000 s rc out i slab0 slab1 mon peak bound
	local msgs parsed created refused hits bind monpid arrived flood expired
	# IPVS_UDP_SIP_MAX_BINDINGS=4000000 shows the checks fail without a cap.
	sip_param max_bindings "${IPVS_UDP_SIP_MAX_BINDINGS:-$cap}"
	# Unanswered INVITEs are bound for transaction_timeout (32 s, Timer B),
	# ringing ones for early_timeout, ended calls (SIPp's) linger for
	# linger_timeout: keep them all for the whole test.
	sip_param transaction_timeout "$FLOOD_LIFETIME"
	sip_param early_timeout "$FLOOD_LIFETIME"
	sip_param linger_timeout "$FLOOD_LIFETIME"
	topo_setup dr 3 1 2
	sip_init
	for i in 1 2 3; do
		sip_uas "$i" || return 1
		ns "rs$i" iptables-legacy -I INPUT -s "$(cl_addr4 2)" -j DROP
	done
	# shellcheck disable=SC2086
	sip_service dir1 "$VIP4" -s "$SCHED" $OPS || return 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP4" "$i" 1 || return 1; done
	sip_param max_bindings 262144
	sip_param transaction_timeout 32
	sip_param early_timeout 180
	sip_param linger_timeout 32
	[ -x "$SIPFLOOD" ] || { fail "flood: $SIPFLOOD missing (make userspace)"; return 0; }
	# Datagrams for the service that reach the director (mangle
	# PREROUTING, before IPVS), all and the flood's: at 50k/s UML's
	# virtual network may drop a few on the way, which is not the
	# scheduler's doing.
	ns dir1 iptables-legacy -t mangle -A PREROUTING -d "$VIP4/32" -p udp \
		--dport 5060 || return 1
	ns dir1 iptables-legacy -t mangle -A PREROUTING -s "$(cl_addr4 2)/32" \
		-d "$VIP4/32" -p udp --dport 5060 || return 1

	mon=$SIP_DIR/bindings.log
	(
		while :; do
			sip_counter dir1 Bindings
			sleep 0.2
		done
	) >"$mon" 2>/dev/null &
	monpid=$!
	TOPO_PIDS+=("$monpid")
	sync
	echo 3 >/proc/sys/vm/drop_caches
	slab0=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	SIP_UAC_SLACK=$((FLOOD_LIMIT + 60)) sip_uac_start uac1 cl1 "$VIP4" 600 40
	sleep 2
	out=$(ns cl2 "$SIPFLOOD" -n "$n" -T "$FLOOD_LIMIT" "$VIP4" 5060)
	echo "# sipflood: $out"
	sip_uac_wait uac1
	rc=$?
	uac_report uac1 "$rc"
	sleep 1.5
	kill "$monpid"
	echo 3 >/proc/sys/vm/drop_caches
	slab1=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	s=$(sip_summary)
	echo "# $s"
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
	peak=$(sort -n "$mon" | tail -n 1)
	# Arrivals first: a datagram still arriving then counts in Messages
	# too, never only in the arrivals.
	# shellcheck disable=SC2016 # awk's fields
	read -r arrived flood < <(ns dir1 iptables-legacy -t mangle -nvxL \
		PREROUTING | awk '/dpt:5060/ { printf "%s ", $1 } END { print "" }')
	msgs=$(sip_counter dir1 Messages)
	parsed=$(sip_counter dir1 Parsed)
	created=$(sip_counter dir1 Created)
	refused=$(sip_counter dir1 Refused)
	hits=$(sip_counter dir1 Hits)
	expired=$(sip_counter dir1 Expired)
	bind=$(sip_counter dir1 Bindings)
	# No service line (another scheduler): numbers that fail the checks.
	for i in peak msgs parsed created refused hits expired bind arrived flood; do
		[[ ${!i} =~ ^[0-9]+$ ]] || printf -v "$i" %s -1
	done
	# Bound: each binding is one kmalloc (<= 256 B with the Call-ID) plus
	# its rhashtable bucket; 8 MiB slack for everything else.
	bound=$((cap * 256 / 1024 + 8192))
	echo "# Bindings: peak $peak over $(wc -l <"$mon") samples, $bind at the end, cap $cap; Messages $msgs, Parsed $parsed, Created $created, Hits $hits, Refused $refused, Expired $expired; arrived at the director $arrived (flood $flood); Slab ${slab0} kB before, ${slab1} kB after (+$((slab1 - slab0)) kB, bound $bound kB)"
	check "flood: $n datagrams sent in $(json "$out" 'd["seconds"]') s" \
		[ "$(json "$out" 'd["sent"]')" = "$n" ]
	check "flood: >= 99% of them reached the director ($flood)" \
		[ "$flood" -ge $((n * 99 / 100)) ]
	check "flood: the director scheduled every datagram that reached it ($msgs of $arrived)" \
		[ "$msgs" -ge "$arrived" ]
	[ "$bind" -gt "$peak" ] && peak=$bind
	check "flood: Bindings never above the cap (peak $peak, cap $cap)" \
		[ "$peak" -le "$cap" ]
	check "flood: no binding expired before its $FLOOD_LIFETIME s (Expired $expired)" \
		[ "$expired" = 0 ]
	check "flood: the table filled up to the cap ($bind)" [ "$bind" = "$cap" ]
	check "flood: Refused counts the rest ($refused >= $flood - $cap)" \
		[ "$refused" -ge $((flood - cap)) ]
	check "flood: every parsed message was a hit, a new binding or refused" \
		[ $((created + hits + refused)) = "$parsed" ]
	check "flood: Slab grew by at most $bound kB (+$((slab1 - slab0)) kB)" \
		[ $((slab1 - slab0)) -le "$bound" ]
	calls_ok "flood: concurrent SIPp calls" "$s" "$rc" 600
}

scenario_main "$@"
