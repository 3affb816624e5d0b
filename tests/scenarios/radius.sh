#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "radius" scheduler (ip_vs_radius) with real FreeRADIUS servers and
# real EAP supplicants (eapol_test), through the "reply" engine:
#
#   cl1 --- rt --- lan --- dir1 (VIP 10.0.100.1 / fd00:100::1)
#                     +--- rs1, rs2, rs3  (FreeRADIUS 3, each with its own
#                                          EAP state, on :1812 and :1813)
#
#   ipvsadm -A -u VIP:1812 -s radius -o --pe reply
#
# Every server has the same users file (alice) and certificates, and puts
# its name in the Class attribute of its Access-Accept, so a supplicant
# knows which server logged it in. A login is 8 to 10 rounds whose TLS
# session lives in one server's memory.
#
# What each test shows:
#   peap_nat, ttls_nat  every EAP-PEAP/MSCHAPv2 and EAP-TTLS/PAP login
#                       through the VIP succeeds, spread over the servers;
#                       the States were learned from the challenges
#   one_socket          the same, with every login sent from one NAS socket
#   weights             1200 conversations over servers weighted 1:2:3:
#                       each server's share within 15% of its weight
#   baseline_rr         -s rr -o --pe reply: most logins fail (the test
#                       sees the problem)
#   dr                  every login succeeds in DR mode, where the director
#                       never sees a challenge (the conversation key alone)
#   tun                 every login succeeds in TUN mode (IPIP to the
#                       servers), without the reply engine
#   cap_dr, cap_tun     the binding cap reached in DR (with the reply
#                       engine) and TUN (without): logins still succeed,
#                       placed by the hash, and no binding over the cap
#   accounting          Start, Interim-Update and Stop of each
#                       Acct-Session-Id reach one server
#   quiesced            a quiesced server gets no new login
#   removed             a server removed in the middle of logins: they fail
#                       once, and their retries succeed on the others
#   flood               random States and Calling-Station-Ids at the
#                       binding cap leave every ongoing login unaffected
#   ipv6                logins through an IPv6 VIP
#   netlink             the operator's view over netlink (ipvs-udp CLI):
#                       settings, counters, every login's binding on the
#                       server that logged it in, States, flush by State
#                       and by server, events when a server is removed
#   two_directors       DR with two directors whose configurations were
#                       made in different orders and end equal: a NAS sends
#                       each login's rounds from two ports, one routed to
#                       each director, and every login succeeds; with
#                       another seed on one director most fail
#
# Run: make modules-uml && tests/run-scenarios radius[:test_name,...]
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh

DATA=tests/data/radius-eap
NAS=tests/tools/radius_nas.py
PY=/usr/bin/python3
NRS=3
PROC=/proc/net/ip_vs_radius
SECRET=testing123
OUT=/tmp/radius-logins
RELAY=
CLI=${IPVS_UDP_CLI:-$PWD/build/cmake/cli/ipvs-udp}

# ---- servers ------------------------------------------------------------

# start_freeradius I: FreeRADIUS on rs I, from Debian's configuration with
# our client, user and Class; its own directory for logs and state.
start_freeradius() {
	local i=$1 d=/tmp/radius-rs$1
	rm -rf "$d"
	mkdir -p "$d"
	cp -a /etc/freeradius/3.0/. "$d/"
	sed -i -e "s|^raddbdir = .*|raddbdir = $d|" \
		-e "s|^logdir = .*|logdir = $d|" \
		-e "s|^run_dir = .*|run_dir = $d|" \
		-e "s|^localstatedir = .*|localstatedir = $d|" \
		-e 's|^\(\s*\)\(user\|group\) = freerad|\1#\2|' "$d/radiusd.conf"
	printf 'client lab {\n\tipaddr = 10.0.0.0/8\n\tsecret = %s\n}\n' \
		"$SECRET" >>"$d/clients.conf"
	printf 'client lab6 {\n\tipv6addr = fd00::/16\n\tsecret = %s\n}\n' \
		"$SECRET" >>"$d/clients.conf"
	sed -i '1i alice Cleartext-Password := "alicepass"' \
		"$d/mods-config/files/authorize"
	sed -i "s|^post-auth {|post-auth {\n\tupdate reply {\n\t\t\&Class := \"rs$i\"\n\t}|" \
		"$d/sites-enabled/default"
	# shellcheck disable=SC2016 # $1 is for the inner shell
	bg "rs$i" sh -c 'exec freeradius -f -d "$1" >"$1/stdout" 2>&1' _ "$d"
}

# setup METHOD [NDIR]: METHOD (nat or dr) topology with NDIR directors
# (default 1) and NRS FreeRADIUS servers, all listening.
setup() {
	local i
	topo_setup "$1" "$NRS" "${2:-1}"
	# As in reply.sh: no ICMP redirects around the director (topo_setup
	# makes the real servers ignore them).
	[ "$1" != nat ] || ns dir1 sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.eth0.send_redirects=0
	for ((i = 1; i <= NRS; i++)); do
		start_freeradius "$i"
	done
	for ((i = 1; i <= NRS; i++)); do
		wait_udp_port "rs$i" 1812 120 || return 1
		wait_udp_port "rs$i" 1813 120 || return 1
	done
	rm -rf "$OUT"
	mkdir -p "$OUT"
}

# service VIP PORT FWD ARGS...: a UDP service on VIP:PORT over all real
# servers (same port), forwarding FWD (-m or -g), with ipvsadm -A ARGS.
service() {
	local vip=$1 port=$2 fwd=$3 i rs
	shift 3
	ns dir1 ipvsadm -A -u "$vip:$port" "$@" || return 1
	for ((i = 1; i <= NRS; i++)); do
		if [[ $vip == \[* ]]; then
			rs="[$(rs_addr6 "$i")]"
		else
			rs=$(rs_addr4 "$i")
		fi
		ns dir1 ipvsadm -a -u "$vip:$port" -r "$rs:$port" "$fwd" ||
			return 1
	done
}

# mac N: the Calling-Station-Id (MAC address) of supplicant N
mac() { printf '02:00:00:%02x:%02x:%02x' $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }

# login METHOD N SERVER PORT: one eapol_test login of supplicant N (its
# own MAC address), METHOD peap or ttls; its log in $OUT/N.log, its result
# (the Class of the server that logged it in, or FAIL) in $OUT/N.
login() {
	local m=$1 n=$2 rc
	ns cl1 eapol_test -c "$DATA/$m.conf" -a "$3" -p "$4" -s "$SECRET" \
		-M "$(mac "$n")" -t 60 -r 0 >"$OUT/$n.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '^SUCCESS' "$OUT/$n.log"; then
		"$PY" "$NAS" class-of "$OUT/$n.log" >"$OUT/$n"
	else
		echo FAIL >"$OUT/$n"
	fi
}

# logins METHOD FIRST LAST PAR SERVER PORT: supplicants FIRST..LAST, PAR at
# a time. (A bare wait would wait for the servers too.)
logins() {
	local m=$1 first=$2 last=$3 par=$4 n pids=()
	for ((n = first; n <= last; n++)); do
		login "$m" "$n" "$5" "$6" &
		pids+=($!)
		if ((${#pids[@]} == par)); then
			wait "${pids[@]}"
			pids=()
		fi
	done
	[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
}

# results FIRST LAST: "rs1 rs1 FAIL rs3 ..." of supplicants FIRST..LAST
results() {
	local n
	for ((n = $1; n <= $2; n++)); do
		cat "$OUT/$n" 2>/dev/null || echo FAIL
	done | xargs
}

# count WORD LIST...: how many words of LIST are WORD
count() {
	local w=$1 n=0 x
	shift
	for x in "$@"; do
		[ "$x" = "$w" ] && n=$((n + 1))
	done
	echo "$n"
}

# proc_col SERVICE COLUMN: a counter of /proc/net/ip_vs_radius, by header
proc_col() {
	ns dir1 awk -v s="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i + 1; next }
		index($0, s) == 1 { print $col[c] }' "$PROC"
}

show_proc() { ns dir1 cat "$PROC" | sed 's/^/# /'; }

# every_server_at_least N LIST...: each of rs1..rsNRS appears N times
every_server_at_least() {
	local min=$1 i
	shift
	for ((i = 1; i <= NRS; i++)); do
		[ "$(count "rs$i" "$@")" -ge "$min" ] || return 1
	done
}

# relay_start ARGS...: the NAS relay (tests/tools/radius_nas.py) on
# 127.0.0.1:11812 of cl1, to the VIP's port 1812, with ARGS; not through
# ns(), so that $RELAY is the relay's own process.
relay_start() {
	ip netns exec cl1 "$PY" "$NAS" relay 11812 "$VIP4" 1812 "$@" \
		>"$OUT/relay.json" &
	RELAY=$!
	wait_udp_port cl1 11812 30
}

# relay_stop: stop it and show its counts
relay_stop() {
	kill "$RELAY"
	wait "$RELAY" 2>/dev/null
	echo "# relay: $(cat "$OUT/relay.json")"
}

# ---- tests --------------------------------------------------------------

# eap_nat METHOD: 24 logins, 6 at a time, through -s radius -o --pe reply
eap_nat() {
	local m=$1 r svc="UDP $VIP4:1812"
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply || return 1
	logins "$m" 1 24 6 "$VIP4" 1812
	r=$(results 1 24)
	echo "# $m: $r"
	show_proc
	check "${m}_nat: 24/24 logins succeed" [ "$(count FAIL $r)" = 0 ]
	# shellcheck disable=SC2086 # the words are the list
	check "${m}_nat: spread over the 3 servers (>= 4 each)" \
		every_server_at_least 4 $r
	check "${m}_nat: States learned from the challenges (>= 24 * 5)" \
		[ "$(proc_col "$svc" Learned)" -ge 120 ]
	check "${m}_nat: the learned States decided the later rounds" \
		[ "$(proc_col "$svc" StateHits)" -ge 120 ]
	check "${m}_nat: no State went unrecognised" \
		[ "$(proc_col "$svc" StateMisses)" = 0 ]
}

test_peap_nat() { eap_nat peap; }
test_ttls_nat() { eap_nat ttls; }

# Every login from one socket, as a NAS sends them.
test_one_socket() {
	local r
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply || return 1
	relay_start || return 1
	logins peap 1 18 6 127.0.0.1 11812
	relay_stop
	r=$(results 1 18)
	echo "# one socket: $r"
	check "one_socket: 18/18 logins from one NAS socket succeed" \
		[ "$(count FAIL $r)" = 0 ]
	# shellcheck disable=SC2086 # the words are the list
	check "one_socket: spread over the 3 servers (>= 3 each)" \
		every_server_at_least 3 $r
}

# inpkts I: datagrams IPVS sent to rs I of the VIP's port 1812
inpkts() {
	ns dir1 ipvsadm -Ln --stats --exact -u "$VIP4:1812" |
		awk -v rs="$(rs_addr4 "$1"):1812" '$1 == "->" && $2 == rs { print $4 }'
}

# inpkts_all: their sum over rs1..rs3
inpkts_all() {
	local i n=0 got
	for i in 1 2 3; do
		got=$(inpkts "$i")
		n=$((n + ${got:-0}))
	done
	echo "$n"
}

# New conversations spread by the servers' weights (1:2:3): 1200 PAP
# requests from one NAS, each another Calling-Station-Id (a first round),
# counted per real server by IPVS.
test_weights() {
	local i n total=1200 got want bad=0
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply || return 1
	for i in 1 2 3; do
		ns dir1 ipvsadm -e -u "$VIP4:1812" -r "$(rs_addr4 "$i"):1812" \
			-m -w "$i" || return 1
	done
	for ((i = 1; i <= total; i++)); do
		printf 'User-Name = "alice"\nUser-Password = "alicepass"\nCalling-Station-Id = "%s"\nNAS-IP-Address = 192.0.2.1\n\n' \
			"$(mac $((i + 4096)))"
	done >"$OUT/weights"
	# No retries: each request is counted once.
	ns cl1 radclient -q -p 20 -r 1 -t 10 -f "$OUT/weights" \
		"$VIP4:1812" auth "$SECRET" ||
		echo "# radclient: some requests went unanswered"
	# IPVS's estimator folds its per-CPU counters in every 2 s.
	wait_for 30 eval '[ "$(inpkts_all)" -ge "$total" ]'
	n=$(inpkts_all)
	check "weights: IPVS sent all $total requests ($n)" [ "$n" = "$total" ]
	for i in 1 2 3; do
		got=$(inpkts "$i")
		want=$((total * i / 6))
		echo "# rs$i (weight $i): $got of $total, want $want"
		# within 15% of the weight's share
		[ $((got * 100)) -ge $((want * 85)) ] &&
			[ $((got * 100)) -le $((want * 115)) ] || bad=$((bad + 1))
	done
	check "weights: each server's share within 15% of its weight" \
		[ "$bad" = 0 ]
}

# Without the scheduler, a login's rounds spread over the servers. One
# login at a time: concurrent ones could fall into step with rr's turns.
test_baseline_rr() {
	local r
	setup nat || return 1
	service "$VIP4" 1812 -m -s rr -o --pe reply || return 1
	logins peap 1 12 1 "$VIP4" 1812
	r=$(results 1 12)
	echo "# rr: $r"
	check "baseline_rr: most logins fail with -s rr ($(count FAIL $r) of 12)" \
		[ "$(count FAIL $r)" -ge 9 ]
}

# cli ARGS...: the ipvs-udp CLI on dir1
cli() { ns dir1 "$CLI" "$@"; }

# fails CMD...: CMD exits non-zero
fails() { ! "$@"; }

# binds DUMP EXPR: how many bindings of a "bindings --json" DUMP satisfy
# EXPR over b
binds() { json "$1" "sum(1 for b in d['bindings'] if $2)"; }

# The operator's view over netlink, through the CLI: what it shows is what
# the traffic did.
test_netlink() {
	local svc=(udp "$VIP4:1812") r dump n i want st cnt ev pid
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply || return 1
	# Long timeouts: a slow run must not see bindings expire.
	r=$(cli --json radius set "${svc[@]}" --conversation-timeout 600 \
		--acct-timeout 60)
	echo "# $r"
	check "netlink: radius-set took both timeouts" \
		[ "$(json "$r" "(d['settings']['conversation_timeout'], d['settings']['acct_timeout'])")" = "(600, 60)" ]
	check "netlink: the seed is a string (jq would round it)" \
		[ "$(json "$r" "type(d['settings']['seed']).__name__")" = str ]
	modprobe ip_vs_sip
	r=$(cli sip show "${svc[@]}" 2>&1)
	echo "# $r"
	check "netlink: sip-settings of a radius service names the scheduler" \
		grep -q "no such service using the sip scheduler" <<<"$r"

	logins peap 1 12 4 "$VIP4" 1812
	r=$(results 1 12)
	echo "# logins: $r"
	check "netlink: 12/12 logins succeed" [ "$(count FAIL $r)" = 0 ]
	dump=$(cli --json binding show "${svc[@]}")
	r=$(cli --json radius show "${svc[@]}")
	show_proc
	n=$(json "$dump" "len(d['bindings'])")
	echo "# $n bindings; counters: $(json "$r" "d['counters']")"
	check "netlink: the counters count the dumped bindings" \
		[ "$(json "$r" "d['counters']['bindings']")" = "$n" ]
	check "netlink: the counters agree with /proc" \
		[ "$(json "$r" "d['counters']['learned']")" = "$(learned)" ]
	# Each login's conversation binding names the server that logged it in
	# (eapol_test sends the MAC address as 02-00-00-00-00-0N).
	echo "# a conversation: $(json "$dump" "[b for b in d['bindings'] if b['state'] == 'conversation'][0]")"
	st=0
	for ((i = 1; i <= 12; i++)); do
		want=$(rs_addr4 "$(sed 's/^rs//' "$OUT/$i")"):1812
		cnt=$(binds "$dump" "b['kind'] == 'calling-station-id' and b['value'].replace('-', ':').lower() == '$(mac "$i")' and b['nas_type'] == 'nas-ip' and b['destination'] == '$want' and b['state'] == 'conversation'")
		[ "$cnt" = 1 ] || { echo "# login $i: $cnt bindings to $want"; st=1; }
	done
	check "netlink: every login's conversation is bound to the server that logged it in" \
		[ "$st" = 0 ]
	check "netlink: every learned State is bound (and none expired)" \
		[ "$(binds "$dump" "b['kind'] == 'state' and b['state'] == 'state'")" = "$(learned)" ]
	check "netlink: every binding is on a real server of the service" \
		[ "$(binds "$dump" "b['destination'] and b['destination'].startswith('10.0.2.1')")" = "$n" ]

	# One State by its bytes, then flushed.
	st=$(json "$dump" "[b['value'] for b in d['bindings'] if b['kind'] == 'state'][0]")
	check "netlink: bindings --state finds a learned State" \
		cli binding show "${svc[@]}" --state "$st"
	r=$(cli --json binding flush "${svc[@]}" --state "$st")
	check "netlink: flush --state removes it" \
		[ "$(json "$r" "d['flushed']")" = 1 ]
	check "netlink: ... and it is gone (exit 1)" \
		fails cli binding show "${svc[@]}" --state "$st"

	# Flush one server's bindings, watching the event.
	want=$(rs_addr4 1):1812
	dump=$(cli --json binding show "${svc[@]}" --dest "$want")
	n=$(json "$dump" "len(d['bindings'])")
	ns dir1 "$CLI" --json monitor --count 2 --timeout 30 >"$OUT/events" &
	pid=$!
	sleep 1
	r=$(cli --json binding flush "${svc[@]}" --dest "$want")
	check "netlink: flush --dest removes that server's $n bindings" \
		[ "$(json "$r" "d['flushed']")" = "$n" ]
	check "netlink: ... none are left on it" \
		[ "$(json "$(cli --json binding show "${svc[@]}" --dest "$want")" "len(d['bindings'])")" = 0 ]
	# Removing a server: its bindings move, and listeners are told.
	want=$(rs_addr4 2):1812
	n=$(json "$(cli --json binding show "${svc[@]}" --dest "$want")" "len(d['bindings'])")
	ns dir1 ipvsadm -d -u "$VIP4:1812" -r "$want"
	wait "$pid"
	ev=$(cat "$OUT/events")
	echo "# events: $ev"
	check "netlink: the flush was announced (flushed, its count)" \
		grep -q "\"event\":\"flushed\".*\"bindings\":$(json "$r" "d['flushed']")," <<<"$ev"
	check "netlink: the removal was announced with the server's $n bindings" \
		grep -q "\"event\":\"dest-removed\".*\"destination\":\"$want\",\"bindings\":$n," <<<"$ev"
	r=$(cli metrics)
	check "netlink: Prometheus counters of the radius service" \
		grep -q "^ipvs_udp_radius_learned_total{service=\"udp:$VIP4:1812\"} [1-9]" <<<"$r"
}

# direct MODE FWD METHOD N ARGS...: N logins in DR or TUN (-g, -i), where
# the director never sees a challenge: the conversation key alone keeps
# each login together. TUN: IPIP to the real servers, which answer from
# the VIP on their tunl0.
direct() {
	local mode=$1 fwd=$2 m=$3 n=$4 r svc="UDP $VIP4:1812"
	shift 4
	setup "$mode" || return 1
	service "$VIP4" 1812 "$fwd" -s radius -o "$@" || return 1
	logins "$m" 1 "$n" 6 "$VIP4" 1812
	r=$(results 1 "$n")
	echo "# $mode: $r"
	show_proc
	check "$mode: $n/$n logins succeed" [ "$(count FAIL $r)" = 0 ]
	# shellcheck disable=SC2086 # the words are the list
	check "$mode: spread over the 3 servers (>= $((n / 6)) each)" \
		every_server_at_least $((n / 6)) $r
	check "$mode: no State learned (the replies bypass the director)" \
		[ "$(proc_col "$svc" Learned)" = 0 ]
	check "$mode: each login bound by its key ($n bindings)" \
		[ "$(proc_col "$svc" Bindings)" = "$n" ]
}

test_dr() { direct dr -g peap 24 --pe reply; }
test_tun() { direct tun -i ttls 18; }

# cap_mode MODE FWD ARGS...: a service in MODE (dr, tun) with the binding
# cap at 4 (radius-set over netlink, before any traffic); 18 logins
cap_mode() {
	local mode=$1 fwd=$2 r svc="UDP $VIP4:1812"
	shift 2
	setup "$mode" || return 1
	service "$VIP4" 1812 "$fwd" -s radius -o "$@" || return 1
	ns dir1 "$CLI" radius set udp "$VIP4:1812" --max-bindings 4 ||
		return 1
	logins peap 1 18 6 "$VIP4" 1812
	r=$(results 1 18)
	echo "# cap 4, $mode: $r"
	show_proc
	check "cap_$mode: 18/18 logins succeed past the cap" \
		[ "$(count FAIL $r)" = 0 ]
	check "cap_$mode: 4 bindings, the cap" \
		[ "$(proc_col "$svc" Bindings)" = 4 ]
	check "cap_$mode: the keys over it refused (placed by the hash)" \
		[ "$(proc_col "$svc" Refused)" -ge 14 ]
	check "cap_$mode: each unbound login still on one server" \
		[ "$(proc_col "$svc" Moved)" = 0 ]
}

test_cap_dr() { cap_mode dr -g --pe reply; }
test_cap_tun() { cap_mode tun -i; }

# Start, Interim-Update and Stop of 30 sessions; each session's requests
# in one server's detail file.
test_accounting() {
	local i s kind f n bad=0 servers
	setup nat || return 1
	service "$VIP4" 1813 -m -s radius -o --pe reply || return 1
	for kind in Start Interim-Update Stop; do
		for ((i = 1; i <= 30; i++)); do
			printf 'Acct-Status-Type = %s\nAcct-Session-Id = "%08X"\nNAS-IP-Address = 192.0.2.1\nCalling-Station-Id = "%s"\nUser-Name = "alice"\n\n' \
				"$kind" $((i * 2654435761 % 4294967296)) "$(mac "$i")"
		done >"$OUT/acct-$kind"
		ns cl1 radclient -q -p 10 -r 3 -t 5 -f "$OUT/acct-$kind" \
			"$VIP4:1813" acct "$SECRET" ||
			fail "accounting: radclient $kind did not get every response"
	done
	for ((i = 1; i <= 30; i++)); do
		s=$(printf '%08X' $((i * 2654435761 % 4294967296)))
		servers=$(grep -l "Acct-Session-Id = \"$s\"" \
			/tmp/radius-rs*/radacct/*/detail-* 2>/dev/null |
			sed 's|/tmp/radius-\(rs[0-9]*\)/.*|\1|' | sort -u | xargs)
		n=$(grep -h -c "Acct-Session-Id = \"$s\"" \
			/tmp/radius-rs*/radacct/*/detail-* 2>/dev/null |
			awk '{ t += $1 } END { print t + 0 }')
		if [ "$(wc -w <<<"$servers")" != 1 ] || [ "$n" != 3 ]; then
			echo "# session $s: $n requests on: $servers"
			bad=$((bad + 1))
		fi
	done
	for f in 1 2 3; do
		echo "# rs$f: $(cat /tmp/radius-rs$f/radacct/*/detail-* 2>/dev/null |
			grep -c 'Acct-Status-Type = Start') sessions"
	done
	check "accounting: each of 30 sessions has its Start, Interim and Stop on one server" \
		[ "$bad" = 0 ]
	for f in 1 2 3; do
		check "accounting: rs$f holds some sessions" \
			grep -q 'Acct-Status-Type = Start' \
			/tmp/radius-rs$f/radacct/*/detail-*
	done
}

# A quiesced server (weight 0) gets no new login.
test_quiesced() {
	local r
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply || return 1
	ns dir1 ipvsadm -e -u "$VIP4:1812" -r "$(rs_addr4 1):1812" -m -w 0 ||
		return 1
	logins peap 1 18 6 "$VIP4" 1812
	r=$(results 1 18)
	echo "# quiesced rs1: $r"
	check "quiesced: 18/18 logins succeed" [ "$(count FAIL $r)" = 0 ]
	check "quiesced: none on rs1" [ "$(count rs1 $r)" = 0 ]
}

# learned: the Learned counter of the VIP's service
learned() { proc_col "UDP $VIP4:1812" Learned; }

# rs1 removed while its logins are in the middle of their rounds (every
# request held 0.5 s on its way, so a login takes seconds): each fails
# once, and its retry completes on another server.
test_removed() {
	local r n mine=() pids
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply || return 1
	# Which supplicants rs1 serves: a first login of 1..24
	logins peap 1 24 6 "$VIP4" 1812
	for ((n = 1; n <= 24; n++)); do
		[ "$(cat "$OUT/$n")" = rs1 ] && mine+=("$n")
	done
	echo "# rs1 serves ${mine[*]}"
	[ "${#mine[@]}" -ge 2 ] || { fail "removed: rs1 serves ${#mine[@]} of 24"; return 1; }
	rm -f "$OUT/challenged"
	relay_start --delay 0.5 --challenged "$OUT/challenged" || return 1
	pids=()
	for n in "${mine[@]}"; do
		login peap "$n" 127.0.0.1 11812 &
		pids+=($!)
	done
	# Every one of them has had a challenge from rs1, none can be done.
	# Counted per supplicant by the relay: the director's Learned counts
	# States, several a login, so its sum could be reached while some
	# logins had not started (they then ran whole on another server).
	wait_for 30 eval '[ "$(cat "$OUT/challenged" 2>/dev/null)" = ${#mine[@]} ]' ||
		fail "removed: the logins did not start"
	ns dir1 ipvsadm -d -u "$VIP4:1812" -r "$(rs_addr4 1):1812" || return 1
	wait "${pids[@]}"
	r=$(for n in "${mine[@]}"; do cat "$OUT/$n"; done | xargs)
	echo "# during the removal: $r"
	check "removed: the logins in flight on rs1 fail ($(count FAIL $r) of ${#mine[@]})" \
		[ "$(count FAIL $r)" = "${#mine[@]}" ]
	pids=()
	for n in "${mine[@]}"; do
		login peap "$n" 127.0.0.1 11812 &
		pids+=($!)
	done
	wait "${pids[@]}"
	relay_stop
	r=$(for n in "${mine[@]}"; do cat "$OUT/$n"; done | xargs)
	echo "# retries: $r"
	check "removed: every retry succeeds" [ "$(count FAIL $r)" = 0 ]
	check "removed: ... on the other servers" [ "$(count rs1 $r)" = 0 ]
}

# A flood of made-up States and Calling-Station-Ids while the binding
# table is at its cap: the ongoing logins all succeed. The flood is the
# director's to bear: the servers drop it (its source ports) before
# FreeRADIUS, whose Access-Rejects to 6000 bogus requests would otherwise
# slow the logins down on a loaded machine.
test_flood() {
	local r sent f1 f2 i p svc="UDP $VIP4:1812"
	# the cap of services created from now on
	modprobe ip_vs_radius || return 1
	echo 40 >/sys/module/ip_vs_radius/parameters/max_bindings
	setup nat || return 1
	service "$VIP4" 1812 -m -s radius -o --pe reply
	echo 262144 >/sys/module/ip_vs_radius/parameters/max_bindings
	for ((i = 1; i <= NRS; i++)); do
		for p in 41000 41001; do
			ns "rs$i" iptables-legacy -A INPUT -p udp --sport "$p" \
				-j DROP || return 1
		done
	done
	# The debug kernel (KASAN, kmemleak, lockdep) runs this on a core it
	# shares with make check's other UML kernels. There, at 2000 forged
	# datagrams a second, 1 login of 18 failed once in make check; alone
	# (idle machine, same rate) it passes, with no reply refused. Its
	# cause is not known yet: a failed login's eapol_test log and the
	# reply engine's counters are printed now. The same 6000 at a quarter
	# of the rate still fill the cap and miss as many States, on a lighter
	# loaded debug kernel.
	local rate=1000
	[ ! -e /sys/kernel/debug/kmemleak ] || rate=250
	ns cl1 "$PY" "$NAS" flood "$VIP4" 1812 3000 --sport 41000 --rate "$rate" \
		>"$OUT/flood1" &
	f1=$!
	ns cl1 "$PY" "$NAS" flood "$VIP4" 1812 3000 --state-only \
		--sport 41001 --rate "$rate" >"$OUT/flood2" &
	f2=$!
	logins peap 1 18 6 "$VIP4" 1812
	wait "$f1" "$f2"
	r=$(results 1 18)
	sent=$(($(cat "$OUT/flood1") + $(cat "$OUT/flood2")))
	echo "# under a flood of $sent: $r"
	show_proc
	ns dir1 cat /proc/net/ip_vs_pe_reply | sed 's/^/# reply: /'
	for ((i = 1; i <= 18; i++)); do
		[ "$(cat "$OUT/$i" 2>/dev/null)" != FAIL ] ||
			tail -n 8 "$OUT/$i.log" | sed "s/^/# login $i: /"
	done
	check "flood: 18/18 logins succeed under $sent forged requests" \
		[ "$(count FAIL $r)" = 0 ]
	check "flood: the table stayed at its cap (40)" \
		[ "$(proc_col "$svc" Bindings)" -le 40 ]
	check "flood: keys were refused at the cap" \
		[ "$(proc_col "$svc" Refused)" -gt 0 ]
	check "flood: the forged States were misses, never bound" \
		[ "$(proc_col "$svc" StateMisses)" -ge 3000 ]
}

test_ipv6() {
	local r
	setup nat || return 1
	service "[$VIP6]" 1812 -m -s radius -o --pe reply || return 1
	logins peap 1 12 6 "$VIP6" 1812
	r=$(results 1 12)
	echo "# ipv6: $r"
	show_proc
	check "ipv6: 12/12 logins through [$VIP6]:1812 succeed" \
		[ "$(count FAIL $r)" = 0 ]
	check "ipv6: the States were learned" \
		[ "$(proc_col "UDP [$VIP6]:1812" Learned)" -ge 60 ]
}

# dir_service DIR ORDER: the radius service on DIR in DR, its servers added
# in ORDER (words "I:W": rs I with weight W, re-added when it comes again)
dir_service() {
	local d=$1 w i
	shift
	ns "$d" ipvsadm -A -u "$VIP4:1812" -s radius -o --pe reply || return 1
	for w in "$@"; do
		i=${w%%:*}
		ns "$d" ipvsadm -d -u "$VIP4:1812" -r "$(rs_addr4 "$i"):1812" \
			2>/dev/null
		ns "$d" ipvsadm -a -u "$VIP4:1812" -r "$(rs_addr4 "$i"):1812" -g \
			-w "${w#*:}" || return 1
	done
}

# two_dir_logins FIRST LAST: logins through the two-port relay
two_dir_logins() {
	relay_start --sports 40001,40002 || return 1
	logins peap "$1" "$2" 6 127.0.0.1 11812
	relay_stop
}

# Messages counter of dir D's service
dir_messages() {
	ns "$1" awk 'NR == 2 { print $5 }' "$PROC"
}

test_two_directors() {
	local r m1 m2
	setup dr 2 || return 1
	# Source port 40001 to dir1, 40002 to dir2, whatever ECMP would do.
	ns rt ip rule add ipproto udp sport 40001 table 101 || return 1
	ns rt ip rule add ipproto udp sport 40002 table 102 || return 1
	ns rt ip route add "$VIP4/32" via "$(dir_addr4 1)" table 101 || return 1
	ns rt ip route add "$VIP4/32" via "$(dir_addr4 2)" table 102 || return 1
	# Equal in the end, made differently
	dir_service dir1 1:1 2:1 3:1 || return 1
	dir_service dir2 3:2 1:5 2:1 3:1 1:1 || return 1
	two_dir_logins 1 18
	r=$(results 1 18)
	m1=$(dir_messages dir1)
	m2=$(dir_messages dir2)
	echo "# two directors: $r (dir1 $m1, dir2 $m2 datagrams)"
	check "two_directors: both directors saw the rounds ($m1 and $m2)" \
		[ "$m1" -ge 18 ] && [ "$m2" -ge 18 ]
	check "two_directors: 18/18 logins succeed across them" \
		[ "$(count FAIL $r)" = 0 ]

	# The same with another seed on dir2: the directors disagree.
	ns dir2 ipvsadm -D -u "$VIP4:1812"
	echo 7 >/sys/module/ip_vs_radius/parameters/hash_seed
	dir_service dir2 1:1 2:1 3:1
	echo 0 >/sys/module/ip_vs_radius/parameters/hash_seed
	two_dir_logins 19 36
	r=$(results 19 36)
	echo "# another seed on dir2: $r"
	check "two_directors: with another seed on dir2 most logins fail ($(count FAIL $r) of 18)" \
		[ "$(count FAIL $r)" -ge 9 ]
}

scenario_main "$@"
