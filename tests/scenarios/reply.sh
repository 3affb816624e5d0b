#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "reply" persistence engine (ip_vs_pe_reply) and the "lor" scheduler
# (ip_vs_lor) with real DNS and RADIUS servers, in NAT mode:
#
#   cl1 --- rt --- lan --- dir1 (NAT, VIP 10.0.100.1 / fd00:100::1)
#                     +--- rs1, rs2, rs3  (nsd on :53, freeradius on :1812,
#                                          or udp_server.py on :5353)
#
#   ipvsadm -A -u VIP:53 -s rr -o --pe reply    (-s lor, fwmark, IPv6)
#
# What each test shows:
#   dns_rr, dns_lor   dnsperf through the VIP gets every answer; a client
#                     with a connected socket (as a stub resolver) gets every
#                     answer too, from the VIP, spread over the servers
#   dns_baseline      without the engine (-s rr -o) that client gets none
#   radius            radclient gets every Access-Accept from the VIP, spread
#   stopped_server    a SIGSTOPped server's timeouts show in
#                     /proc/net/ip_vs_pe_reply within seconds, and lor steers
#                     new queries away from it (rr keeps sending it 1/3)
#   unsolicited       a datagram a real server sends on its own does not get
#                     the VIP's address (upstream's sip engine gives it one)
#   ipv6, fwmark      the same for an IPv6 VIP and a fwmark service (which
#                     upstream's sip engine cannot serve at all)
#   (more in reply-more.sh: conntrack, expire_nodest_conn, SIP servers'
#   own requests)
#
# Run: make modules-uml && tests/run-scenarios reply[:test_name,...]
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/nsd.sh

DATA=tests/data/reply
DNSC=tests/tools/dns_client.py
PY=/usr/bin/python3
NRS=3
PROC=/proc/net/ip_vs_pe_reply
# Nothing here races the clock. The clients count an answer that arrives
# after their per-query timeout as late but answered (only the datagram's
# match to its query and its source decide), and wait for late answers
# until GRACE seconds pass without a datagram. The engine's reply timeout,
# after which a reply leaves untranslated, is LONG_REPLY_MS except where
# timeouts are what is tested.
GRACE=3
LONG_REPLY_MS=30000

# ---- servers ------------------------------------------------------------

# start_radius I: freeradius on rs I, port 1812 of its IPv4 address.
start_radius() {
	local i=$1 d=/tmp/reply-rad-rs$1
	mkdir -p "$d"
	from_template "$DATA"/radiusd.conf.in "$d/radiusd.conf" "rs$i" \
		"$(rs_addr4 "$i")" "" "$d"
	# shellcheck disable=SC2016 # $1 is for the inner shell
	bg "rs$i" sh -c 'exec freeradius -f -d "$1" >/dev/null 2>&1' _ "$d"
}

# start_udp I: udp_server.py on rs I, port 5353.
start_udp() {
	bg "rs$1" "$PY" tests/tools/udp_server.py "rs$1" "$(rs_addr4 "$1")" 5353
}

# setup KIND: NAT topology with NRS real servers running KIND
# (nsd, radius or udp), all listening.
setup() {
	local kind=$1 i port
	topo_setup nat "$NRS"
	# The real servers share the LAN with the router: without this the
	# director's ICMP redirects (IPv6: NDISC redirects) make them send
	# their replies straight to the router, around the director, once
	# they hold the router's neighbour entry. NAT setups turn them off
	# (LVS-HOWTO, LVS-NAT).
	ns dir1 sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.eth0.send_redirects=0
	for ((i = 1; i <= NRS; i++)); do
		ns "rs$i" sysctl -qw net.ipv4.conf.all.accept_redirects=0 \
			net.ipv4.conf.eth0.accept_redirects=0 \
			net.ipv6.conf.all.accept_redirects=0 \
			net.ipv6.conf.eth0.accept_redirects=0
	done
	case "$kind" in
	none) return 0 ;;
	nsd) port=53 ;;
	radius) port=1812 ;;
	udp) port=5353 ;;
	esac
	for ((i = 1; i <= NRS; i++)); do
		"start_$kind" "$i"
	done
	for ((i = 1; i <= NRS; i++)); do
		wait_udp_port "rs$i" "$port" 120 || return 1
	done
	# nsd listens before it answers: until each server answers a query
	# from the director itself (not through IPVS), a starting server's
	# first answers could come after any client's timeout.
	if [ "$kind" = nsd ]; then
		for ((i = 1; i <= NRS; i++)); do
			wait_for 60 nsd_answers "$i" ||
				{ echo "# rs$i's nsd does not answer"; return 1; }
		done
	fi
}

# nsd_answers I: rsI's nsd answers a query the director sends it.
nsd_answers() {
	[ "$(json "$(ns dir1 "$PY" "$DNSC" "$(rs_addr4 "$1")" 53 1 \
		--timeout 2)" 'd["answered"]')" = 1 ]
}

# service VIP PORT ARGS...: a UDP NAT service on VIP:PORT over all real
# servers (same port), with extra ipvsadm -A arguments.
service() {
	local vip=$1 port=$2 i rs
	shift 2
	ns dir1 ipvsadm -A -u "$vip:$port" "$@" || return 1
	for ((i = 1; i <= NRS; i++)); do
		if [[ $vip == \[* ]]; then
			rs="[$(rs_addr6 "$i")]"
		else
			rs=$(rs_addr4 "$i")
		fi
		ns dir1 ipvsadm -a -u "$vip:$port" -r "$rs:$port" -m || return 1
	done
}

# reply_timeout MS: the engine's reply timeout (module parameter) for the
# requests recorded from now on.
reply_timeout() {
	echo "$1" >/sys/module/ip_vs_pe_reply/parameters/reply_timeout_ms
}

# dnsq ADDR PORT COUNT ARGS...: dns_client.py in cl1, waiting for late
# answers.
dnsq() {
	ns cl1 "$PY" "$DNSC" "$@" --grace "$GRACE"
}

# answers JSON: answers a dns_client.py run got, in time or late.
answers() {
	json "$1" 'd["answered"] + d["late"]'
}

# ---- reading /proc/net/ip_vs_pe_reply -----------------------------------

# pe_dest ADDR:PORT COLUMN: a real server's counter (0 if not listed).
pe_dest() {
	# shellcheck disable=SC2016 # awk's fields
	ns dir1 awk -v d="$1" -v n="$2" '
		NR == 3 { for (i = 1; i <= NF; i++) if ($i == n) c = i }
		NR > 3 && $2 == d { print $c; f = 1 }
		END { if (!f) print 0 }' "$PROC"
}

# pe_global COLUMN: a namespace-wide counter.
pe_global() {
	# shellcheck disable=SC2016 # awk's fields
	ns dir1 awk -v n="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i }
		NR == 2 { print $c }' "$PROC"
}

show_proc() {
	ns dir1 cat "$PROC" | sed 's/^/#   /'
}

# every_server_at_least JSON MIN: each of rs1..rsN answered >= MIN times.
every_server_at_least() {
	local i n
	for ((i = 1; i <= NRS; i++)); do
		n=$(json "$1" "d['servers'].get('rs$i', 0)")
		[ "$n" -ge "$2" ] || return 1
	done
}

# ---- tests --------------------------------------------------------------

# dnsperf_late OUTPUT: answers dnsperf got after it had timed their query
# out ("[Timeout] ... msg id N", then "unexpected (maybe timed out) id: N";
# dnsperf numbers its queries by slot and reuses a slot only after all
# 65536, so an ID names one query here). stdout and stderr interleave in
# any order: the IDs in both lists.
dnsperf_late() {
	# shellcheck disable=SC2016 # awk's fields
	awk '/\[Timeout\] .* timed out: msg id [0-9]+$/ { t[$NF] = 1 }
		/unexpected \(maybe timed out\) id: [0-9]+$/ { u[$NF] = 1 }
		END { for (i in u) if (i in t) n++; print n + 0 }' <<<"$1"
}

# dnsperf and a connected client through VIP:53 with scheduler $1; each
# server must get at least $2 of the client's 60 queries sent one at a time
# and $3 of all 420.
dns_through_vip() {
	local sched=$1 min=$2 mintotal=$3 out perf sent ok late n i
	setup nsd || return 1
	service "$VIP4" 53 -s "$sched" -o --pe reply || return 1
	check "$sched: ip_vs_pe_reply autoloaded by --pe reply" \
		grep -q '^ip_vs_pe_reply ' /proc/modules
	reply_timeout "$LONG_REPLY_MS"

	# dnsperf matches answers by ID only (its socket is not connected);
	# the engine's counters below show they came through the VIP.
	perf=$(ns cl1 dnsperf -s "$VIP4" -p 53 -d "$DATA"/dnsperf.txt -n 60 \
		-c 1 -q 20 -t 5 2>&1)
	sent=$(awk '/Queries sent:/ { print $3 }' <<<"$perf")
	ok=$(awk '/Queries completed:/ { print $3 }' <<<"$perf")
	late=$(dnsperf_late "$perf")
	echo "# dnsperf: sent $sent, completed $ok, $late more answered after" \
		"dnsperf's 5 s timeout," \
		"$(awk '/Queries per second:/ { print $4 }' <<<"$perf") qps"
	check "$sched: dnsperf, 300 queries from one socket, all answered ($late late)" \
		[ "$((${ok:-0} + late))" = 300 -a "${sent:-0}" = 300 ]

	out=$(dnsq "$VIP4" 53 60 --connect --window 5)
	echo "# connected client: $out"
	check "$sched: connected client, 60/60 answers ($(json "$out" 'd["late"]') late)" \
		[ "$(answers "$out")" = 60 ]
	check "$sched: every answer from the VIP" \
		[ "$(json "$out" 'list(d["sources"])')" = "['$VIP4']" ]
	# With 5 queries in flight lor's shares follow how fast each server
	# answers, which on a loaded machine is anything (1/13/46 was seen).
	# One at a time, every count is 0 when a query is placed: a tie for
	# lor (its weighted round robin), and rr's order either way.
	out=$(dnsq "$VIP4" 53 60 --connect --window 1)
	echo "# connected client, one query at a time: $out"
	check "$sched: one query at a time: spread over the 3 servers (>= $min each)" \
		every_server_at_least "$out" "$min"

	show_proc
	for ((i = 1; i <= NRS; i++)); do
		n=$(pe_dest "$(rs_addr4 "$i"):53" Replies)
		echo "# rs$i: $n replies counted by the engine"
		[ "$n" -ge "$mintotal" ] ||
			fail "$sched: rs$i got only $n of 420 queries"
	done
	check "$sched: no unsolicited, late or refused datagram" \
		[ "$(pe_global Unsolicited)$(pe_global Late)$(pe_global Refused)" \
		= 000 ]
}

# rr alternates exactly: 20 and 140 each.
test_dns_rr() {
	dns_through_vip rr 20 140
}

# lor follows the servers' speed under load (dnsperf: every one gets
# some, not equal shares) and the weights when nothing is outstanding
# (equal weights: 20 each, one at a time; 15 leaves room for a reply
# dnsperf gave up on, still outstanding until the engine's timeout).
test_dns_lor() {
	dns_through_vip lor 15 4
}

# Stock one-packet scheduling: a connected socket never sees an answer.
test_dns_baseline() {
	local out
	setup nsd || return 1
	service "$VIP4" 53 -s rr -o || return 1
	out=$(dnsq "$VIP4" 53 30 --connect --window 5 --timeout 0.5)
	echo "# connected client: $out"
	check "baseline rr -o: connected client gets 0/30 answers" \
		[ "$(answers "$out")" = 0 ]
	out=$(dnsq "$VIP4" 53 30 --window 5 --timeout 0.5)
	echo "# unconnected client: $out"
	check "baseline rr -o: the answers come from the real servers ($(json "$out" 'd["late"]') late)" \
		[ "$(json "$out" "d['sources'].get('$VIP4', 0)")" = 0 -a \
		"$(answers "$out")" = 30 ]
}

test_radius() {
	local out acc i n
	setup radius || return 1
	service "$VIP4" 1812 -s rr -o --pe reply || return 1
	reply_timeout "$LONG_REPLY_MS"
	# One try per request (-r 1: a retransmission would be a second
	# request to match), with a generous timeout: radclient drops a reply
	# that comes after it.
	out=$(printf 'User-Name = "alice"\nUser-Password = "secret"\n' |
		ns cl1 radclient -x -c 60 -p 10 -t 10 -r 1 "$VIP4:1812" auth \
		testing123 2>&1)
	acc=$(grep -c "^Received Access-Accept .* from $VIP4:1812 " <<<"$out")
	echo "# radclient: $acc Access-Accept from the VIP," \
		"$(grep -c '^Sent Access-Request' <<<"$out") requests sent," \
		"$(grep -c 'No reply from server' <<<"$out") without reply"
	check "radius: 60/60 Access-Accept, all from $VIP4:1812" [ "$acc" = 60 ]
	for ((i = 1; i <= NRS; i++)); do
		n=$(grep -c "Reply-Message = \"rs$i\"" <<<"$out")
		echo "# rs$i answered $n"
		[ "$n" -ge 10 ] || fail "radius: rs$i answered only $n of 60"
	done
	show_proc
	check "radius: the engine matched 60 replies on their Identifiers" \
		[ "$(pe_global Replies)" = 60 ]

	# Without the engine no reply comes from the VIP.
	ns dir1 ipvsadm -E -u "$VIP4:1812" -s rr -o || return 1
	out=$(printf 'User-Name = "alice"\nUser-Password = "secret"\n' |
		ns cl1 radclient -x -c 10 -p 10 -t 1 -r 1 "$VIP4:1812" auth \
		testing123 2>&1)
	acc=$(grep -c "^Received Access-Accept .* from $VIP4:1812 " <<<"$out")
	echo "# baseline rr -o: radclient got $acc Access-Accept from the VIP"
	check "radius baseline rr -o: no Access-Accept from the VIP" \
		[ "$acc" = 0 ]
}

# The pids of every nsd process of real server I (main, xfrd, server).
nsd_pids() {
	local p pids=()
	for p in $(ip netns pids "rs$1"); do
		case "$(cat "/proc/$p/comm" 2>/dev/null)" in
		nsd*) pids+=("$p") ;;	# "nsd: main", "nsd: xfrd", ...
		esac
	done
	[ ${#pids[@]} -gt 0 ] && echo "${pids[@]}"
}

# Requests the engine counted for real server I.
rs_requests() {
	pe_dest "$(rs_addr4 "$1"):53" Requests
}

# Under lor a stopped server gets a request only while its outstanding
# count is not above the others'; the client keeps at most W=4 queries in
# flight, so it has at most W+1 outstanding before the engine times them
# out, R (10 s here) after each. Its share of a run of T seconds is thus
# bounded by (W+1) * (1 + ceil(T/R)) queries, whatever the machine's speed;
# rr gives it a third.
test_stopped_server() {
	local out pids r0 r1 t0 t n t1 bound got rms=10000
	setup nsd || return 1
	service "$VIP4" 53 -s lor -o --pe reply || return 1
	reply_timeout "$rms"
	out=$(dnsq "$VIP4" 53 30 --connect --window 3)
	check "stopped: warm-up, 30/30 answers ($(json "$out" 'd["late"]') late)" \
		[ "$(answers "$out")" = 30 ]

	pids=$(nsd_pids 1) || return 1
	# shellcheck disable=SC2086
	kill -STOP $pids
	t0=$(date +%s.%N)
	r0=$(rs_requests 1)
	out=$(dnsq "$VIP4" 53 150 --connect --window 4 --timeout 1)
	r1=$(rs_requests 1)
	t1=$(date +%s.%N)
	# shellcheck disable=SC2016 # awk's variables
	read -r t bound < <(awk -v a="$t0" -v b="$t1" -v r="$rms" 'BEGIN {
		t = b - a; p = int(t * 1000 / r); if (p * r < t * 1000) p++
		printf "%.1f %d\n", t, 5 * (1 + p) }')
	got=$(answers "$out")
	echo "# lor, rs1 stopped: $out; rs1 got $((r1 - r0)) of 150 in $t s (bound $bound)"
	check "stopped: lor sends the stopped server few queries ($((r1 - r0)) <= $bound of 150, rr: 50)" \
		[ $((r1 - r0)) -le "$bound" -a "$bound" -lt 50 ]
	check "stopped: lor, every query to a running server answered ($got = 150 - $((r1 - r0)))" \
		[ "$got" = $((150 - (r1 - r0))) ]

	# Poll: rs1's first timeout is due R after the stop, plus a GC pass.
	t=$(($(date +%s) + rms / 1000 + 30))
	while n=$(pe_dest "$(rs_addr4 1):53" Timeouts); [ "$n" -eq 0 ]; do
		[ "$(date +%s)" -lt "$t" ] || break
		sleep 0.2
	done
	echo "# rs1 timeouts $n, $(awk -v a="$t0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }') s after the stop (reply timeout $((rms / 1000)) s)"
	check "stopped: rs1's timeouts show in $PROC" [ "$n" -gt 0 ]
	check "stopped: the others have no timeouts" \
		[ "$(pe_dest "$(rs_addr4 2):53" Timeouts)" = 0 -a \
		"$(pe_dest "$(rs_addr4 3):53" Timeouts)" = 0 ]
	show_proc

	# The same with rr: the stopped server keeps getting its third.
	ns dir1 ipvsadm -E -u "$VIP4:53" -s rr -o --pe reply || return 1
	r0=$(rs_requests 1)
	out=$(ns cl1 "$PY" "$DNSC" "$VIP4" 53 60 --connect --window 4 \
		--timeout 0.5)
	r1=$(rs_requests 1)
	echo "# rr, rs1 stopped: $out; rs1 got $((r1 - r0)) of 60"
	check "stopped: rr (reference) sends it a third ($((r1 - r0)) of 60)" \
		[ $((r1 - r0)) -ge 18 ]
	# shellcheck disable=SC2086
	kill -CONT $pids
}

# Listen on UDP port P of cl1 for one datagram; print its source address.
listen_once() {
	bg cl1 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(20)
try:
    data, peer = s.recvfrom(2048)
    print(peer[0])
except socket.timeout:
    print("none")
' "$1" >"/tmp/reply-listen-$1"
	wait_udp_port cl1 "$1"
}

# rs1 sends one datagram from its service port 5353 to cl1:P.
rs1_sends() {
	ns rs1 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5353))
s.sendto(b"unsolicited", (sys.argv[2], int(sys.argv[3])))
' "$(rs_addr4 1)" "$(cl_addr4 1)" "$1"
}

# Source address the datagram had when it reached cl1:P.
arrived_from() {
	wait_for 60 grep -q . "/tmp/reply-listen-$1"
	cat "/tmp/reply-listen-$1"
}

test_unsolicited() {
	local out src n
	setup udp || return 1
	service "$VIP4" 5353 -s rr -o --pe reply || return 1
	reply_timeout "$LONG_REPLY_MS"
	out=$(ns cl1 "$PY" tests/tools/udp_client.py "$VIP4" 5353 9 --connect \
		--grace "$GRACE")
	echo "# requests: $out"
	check "unsolicited: requests still answered from the VIP (9/9, $(json "$out" 'd["late"]') late)" \
		[ "$(json "$out" 'd["replies"] + d["late"]')" = 9 ]

	listen_once 45678 || return 1
	rs1_sends 45678
	src=$(arrived_from 45678)
	echo "# --pe reply: unsolicited datagram arrived from $src"
	check "unsolicited: --pe reply leaves it with rs1's own address" \
		[ "$src" = "$(rs_addr4 1)" ]
	check "unsolicited: counted as unsolicited in $PROC" \
		[ "$(pe_global Unsolicited)" -ge 1 ]

	# Without -o IPVS's own entries translate: nothing is recorded.
	n=$(pe_global Requests)
	ns dir1 ipvsadm -E -u "$VIP4:5353" -s rr --pe reply || return 1
	out=$(ns cl1 "$PY" tests/tools/udp_client.py "$VIP4" 5353 9 --connect \
		--grace "$GRACE")
	echo "# without -o: $out; engine requests $n -> $(pe_global Requests)"
	check "unsolicited: without -o replies from the VIP, nothing recorded" \
		[ "$(json "$out" 'd["replies"] + d["late"]')" = 9 -a \
		"$(pe_global Requests)" = "$n" ]

	# Upstream's sip engine gives the VIP to anything from the port.
	ns dir1 ipvsadm -E -u "$VIP4:5353" -s rr -o --pe sip || return 1
	listen_once 45679 || return 1
	rs1_sends 45679
	src=$(arrived_from 45679)
	echo "# --pe sip: unsolicited datagram arrived from $src"
	check "unsolicited: reference --pe sip gives it the VIP ($src)" \
		[ "$src" = "$VIP4" ]
}

test_ipv6() {
	local out
	setup nsd || return 1
	service "[$VIP6]" 53 -s rr -o --pe reply || return 1
	reply_timeout "$LONG_REPLY_MS"
	out=$(dnsq "$VIP6" 53 60 --connect --window 5)
	echo "# connected client: $out"
	check "ipv6: connected client, 60/60 answers ($(json "$out" 'd["late"]') late)" \
		[ "$(answers "$out")" = 60 ]
	check "ipv6: every answer from $VIP6" \
		[ "$(json "$out" 'list(d["sources"])')" = "['$VIP6']" ]
	check "ipv6: answers spread over the 3 servers (>= 10 each)" \
		every_server_at_least "$out" 10
	show_proc
	check "ipv6: counted per real server" \
		[ "$(pe_dest "[$(rs_addr6 1)]:53" Replies)" -ge 10 ]
}

test_fwmark() {
	local out i
	setup nsd || return 1
	ns dir1 iptables-legacy -t mangle -A PREROUTING -d "$VIP4/32" -p udp \
		--dport 53 -j MARK --set-mark 1 || return 1
	ns dir1 ipvsadm -A -f 1 -s rr -o --pe reply || return 1
	for ((i = 1; i <= NRS; i++)); do
		ns dir1 ipvsadm -a -f 1 -r "$(rs_addr4 "$i"):53" -m || return 1
	done
	reply_timeout "$LONG_REPLY_MS"
	out=$(dnsq "$VIP4" 53 60 --connect --window 5)
	echo "# connected client: $out"
	check "fwmark: connected client, 60/60 answers ($(json "$out" 'd["late"]') late)" \
		[ "$(answers "$out")" = 60 ]
	check "fwmark: every answer from the VIP the client used" \
		[ "$(json "$out" 'list(d["sources"])')" = "['$VIP4']" ]
	check "fwmark: answers spread over the 3 servers (>= 10 each)" \
		every_server_at_least "$out" 10
	show_proc
	check "fwmark: the mark shows in $PROC" \
		[ "$(pe_dest "$(rs_addr4 1):53" Mark)" = 0x1 ]

	# Upstream's sip engine refuses fwmark services: no answer at all.
	ns dir1 ipvsadm -E -f 1 -s rr -o --pe sip || return 1
	out=$(dnsq "$VIP4" 53 20 --connect --window 5 --timeout 0.5)
	echo "# --pe sip: $out"
	check "fwmark: reference --pe sip answers nothing on a connected socket" \
		[ "$(answers "$out")" = 0 ]
}

# reply-more.sh sources this file for its helpers.
[ -n "${REPLY_SCENARIO_LIB:-}" ] || scenario_main "$@"
