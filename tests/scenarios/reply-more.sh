#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# More of the "reply" persistence engine, on the topology and helpers of
# reply.sh (sourced), in a UML boot of its own:
#
#   conntrack         DNS through rr -o --pe reply with net.ipv4.vs.conntrack=1 and nf_conntrack
#                     active (nftables ct rule): answers from the VIP, each
#                     counted once; records drain; the modules unload
#   expire_nodest     expire_nodest_conn=1, a real server removed mid-run:
#                     answers from the VIP, records drain, modules unload
#   other_engine      a -s rr -o service without the engine next to a
#                     --pe reply service: its requests are not recorded
#                     (IPVS never hands their replies to the engine), so
#                     they never count as timeouts of its real servers
#   sip_server_call   -s sip -o --pe reply: SIPp on rs1 calls SIPp on cl1
#                     (server-initiated INVITE, ACK, BYE): every request
#                     reaches the client from the VIP and the client's
#                     responses reach rs1 (the Call-ID was bound to it)
#   sip_other_server  a Call-ID bound to rsK: rsK's request gets the VIP,
#                     another server's does not (counted), nor does a
#                     datagram without a Call-ID
#   no_conn           a reply IPVS makes no connection entry for (slab
#                     fault injection, as at newer kernels' conn_max):
#                     unchanged and counted, its request still pending
#                     for the next copy, which is the reply
#
# Run: make modules-uml && tests/run-scenarios reply-more[:test_name,...]
REPLY_SCENARIO_LIB=1
# shellcheck source=tests/scenarios/reply.sh
. "$(dirname "$0")/reply.sh"
# Only the tests of this file.
for f in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
	unset -f "$f"
done

# ---- conntrack, expire_nodest_conn ------------------------------------

# The record table drains: every record is gone within two reply timeouts
# (answered ones at their deadline, timed-out ones a timeout later) and a
# GC pass, and nothing stays outstanding. Polled, with 30 s to spare.
records_drain() {
	local name=$1 t
	t=$(($(date +%s) + 2 * $(pe_global TimeoutMs) / 1000 + 30))
	while [ "$(pe_global Records)" != 0 ] && [ "$(date +%s)" -lt "$t" ]; do
		sleep 0.3
	done
	check "$name: no record left after the timeout ($(pe_global Records))" \
		[ "$(pe_global Records)" = 0 ]
	# shellcheck disable=SC2016 # awk's fields
	check "$name: nothing outstanding" [ "$(ns dir1 awk '
		NR == 3 { for (i = 1; i <= NF; i++) if ($i == "Outstanding") c = i }
		NR > 3 { n += $c } END { print n + 0 }' "$PROC")" = 0 ]
}

# Delete the services and unload the modules (the debug kernel's kmemleak
# scan at the end of the run then sees anything they leaked).
unload_engine() {
	local name=$1
	ns dir1 ipvsadm -C
	check "$name: ip_vs_lor and ip_vs_pe_reply unload after the service delete" \
		modprobe -r ip_vs_lor ip_vs_pe_reply
	check "$name: modules gone" \
		sh -c '! grep -q "^ip_vs_pe_reply " /proc/modules'
}

# net.ipv4.vs.conntrack=1 with nf_conntrack active in the director's
# namespace (an nftables ct rule): replies still leave from the VIP, each
# counted once.
test_conntrack() {
	local out n
	setup nsd || return 1
	ns dir1 nft -f - <<-'EOF' || return 1
	table inet t {
		chain f {
			type filter hook forward priority 0; policy accept;
			ct state new counter
		}
	}
	EOF
	service "$VIP4" 53 -s rr -o --pe reply || return 1
	# (the sysctl exists once ip_vs is loaded)
	ns dir1 sysctl -qw net.ipv4.vs.conntrack=1 || return 1
	reply_timeout 5000
	out=$(dnsq "$VIP4" 53 60 --connect --window 5)
	echo "# connected client: $out"
	n=$(ns dir1 cat /proc/sys/net/netfilter/nf_conntrack_count)
	echo "# nf_conntrack entries in dir1: $n;" \
		"$(ns dir1 nft list chain inet t f | grep -o 'packets [0-9]*')"
	check "conntrack: nf_conntrack tracks the director's traffic" \
		[ "$n" -gt 0 ]
	check "conntrack: connected client, 60/60 answers from the VIP ($(json "$out" 'd["late"]') late)" \
		[ "$(answers "$out")" = 60 -a \
		"$(json "$out" 'list(d["sources"])')" = "['$VIP4']" ]
	check "conntrack: answers spread over the 3 servers (>= 10 each)" \
		every_server_at_least "$out" 10
	show_proc
	check "conntrack: 60 replies counted, no unsolicited, late or refused" \
		[ "$(pe_global Replies)" = 60 -a \
		"$(pe_global Unsolicited)$(pe_global Late)$(pe_global Refused)" \
		= 000 ]
	records_drain conntrack
	unload_engine conntrack
}

# net.ipv4.vs.expire_nodest_conn=1, a real server removed while queries
# run: the answers still come from the VIP, the removed server's
# accounting stops, no record stays behind, the modules unload clean.
test_expire_nodest() {
	local out r3 r3b i
	setup nsd || return 1
	service "$VIP4" 53 -s rr -o --pe reply || return 1
	ns dir1 sysctl -qw net.ipv4.vs.expire_nodest_conn=1 || return 1
	reply_timeout 5000
	# 10 rounds of 60 queries, each from a new connected socket.
	# shellcheck disable=SC2016 # for the inner shell
	ns cl1 sh -c 'for k in 1 2 3 4 5 6 7 8 9 10; do
		"$1" "$2" "$3" 53 60 --connect --window 2 --timeout 1 \
		--grace "$4"; done' _ \
		"$PY" "$DNSC" "$VIP4" "$GRACE" >/tmp/reply-nodest.json &
	for ((i = 0; i < 200; i++)); do
		[ "$(pe_global Requests)" -ge 150 ] && break
		sleep 0.05
	done
	ns dir1 ipvsadm -d -u "$VIP4:53" -r "$(rs_addr4 3):53" || return 1
	r3=$(rs_requests 3)
	wait $! || return 1
	# shellcheck disable=SC2016 # Python
	out=$("$PY" -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
src = sorted({s for d in a for s in d["sources"]})
print(json.dumps({"rounds": len(a),
                  "answered": sum(d["answered"] + d["late"] for d in a),
                  "sources": src}))' /tmp/reply-nodest.json)
	r3b=$(rs_requests 3)
	echo "# rs3 removed after $r3 of its queries; client: $out"
	check "expire_nodest: every answer from the VIP" \
		[ "$(json "$out" 'd["sources"]')" = "['$VIP4']" ]
	check "expire_nodest: >= 590 of 600 answered" \
		[ "$(json "$out" 'd["answered"]')" -ge 590 ]
	check "expire_nodest: rs3 removed mid-run, got nothing after ($r3 -> $r3b)" \
		[ "$r3b" = "$r3" -a "$r3" -lt 180 ]
	check "expire_nodest: rs1 and rs2 took the rest" \
		[ $(($(rs_requests 1) + $(rs_requests 2) + r3)) -ge 600 ]
	show_proc
	records_drain expire_nodest
	unload_engine expire_nodest
}

# A one-packet NAT service without the engine, in a namespace where
# another service uses it (so the hooks are active): the engine must not
# record its requests. Their replies go out untranslated (no engine), never
# reach this engine's conn_out, and recorded they would only time out,
# charged to real servers that answered every query.
test_other_engine() {
	local out
	setup nsd || return 1
	# Ours, on a port nobody queries: the engine is active in dir1.
	service "$VIP4" 54 -s rr -o --pe reply || return 1
	service "$VIP4" 53 -s rr -o || return 1
	reply_timeout 500
	out=$(dnsq "$VIP4" 53 30 --window 5 --timeout 0.5)
	echo "# rr -o without the engine, unconnected client: $out"
	check "other_engine: 30/30 answered (by the real servers' addresses, $(json "$out" 'd["late"]') late)" \
		[ "$(answers "$out")" = 30 ]
	# Past the timeout and a GC pass (every second).
	sleep 2.5
	show_proc
	check "other_engine: none of its requests recorded" \
		[ "$(pe_global Requests)" = 0 -a "$(pe_global Records)" = 0 ]
	check "other_engine: no timeouts charged to its real servers" \
		[ "$(pe_global Timeouts)" = 0 ]
	reply_timeout 5000
	unload_engine other_engine
}

# ---- no connection entry for a reply (conn_max, memory) -----------------

# Slab fault injection (CONFIG_FAILSLAB) for the caches marked at boot,
# which is only IPVS's ip_vs_conn (scripts/uml-run: slub_debug=A,ip_vs_conn):
# armed, every ip_vs_conn_new() fails, as at the conn_max limit of newer
# kernels. failslab_arm 1|0.
FS=/sys/kernel/debug/failslab
failslab_arm() {
	if [ "$1" = 1 ]; then
		echo Y >"$FS/cache-filter" && echo 0 >"$FS/verbose" &&
			echo -1 >"$FS/times" && echo 1 >"$FS/interval" &&
			echo 100 >"$FS/probability"
	else
		echo 0 >"$FS/probability"
	fi
}

# A real server that answers one request twice, each when told: it waits
# for /tmp/nc-go-N, sends "answer N" to the client and touches
# /tmp/nc-sent-N. The client (one unbound socket: it takes datagrams from
# any source) prints the source of each datagram it gets.
NC_SERVER='
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
data, peer = s.recvfrom(2048)
open("/tmp/nc-got", "w").close()
for n in (1, 2):
    while not os.path.exists("/tmp/nc-go-%d" % n):
        time.sleep(0.05)
    s.sendto(b"answer %d" % n, peer)
    open("/tmp/nc-sent-%d" % n, "w").close()
'
NC_CLIENT='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"request", (sys.argv[1], int(sys.argv[2])))
s.settimeout(120)
for _ in (1, 2):
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        break
    print(peer[0], data.decode(), flush=True)
'

# nc_got N: the client has printed N datagrams.
nc_got() { [ "$(wc -l </tmp/nc-client)" -ge "$1" ]; }

# A reply IPVS cannot make a connection entry for leaves unchanged and is
# counted (NoConn); its request stays pending, so the server's next copy
# of the reply is translated and counted as the reply, not a duplicate.
test_no_conn() {
	local port=5400 rs out
	if [ ! -e /sys/kernel/slab/ip_vs_conn ] && ! modprobe ip_vs; then
		fail "no_conn: ip_vs does not load"
		return 1
	fi
	if [ ! -w "$FS/probability" ] ||
		[ "$(cat /sys/kernel/slab/ip_vs_conn/failslab 2>/dev/null)" != 1 ]; then
		skip "no_conn: the kernel has no slab fault injection for ip_vs_conn (CONFIG_FAILSLAB, slub_debug=A,ip_vs_conn)"
		return 0
	fi
	setup none || return 1
	rs=$(rs_addr4 1)
	rm -f /tmp/nc-*
	bg rs1 "$PY" -c "$NC_SERVER" "$rs" "$port"
	wait_udp_port rs1 "$port" || return 1
	ns dir1 ipvsadm -A -u "$VIP4:$port" -s rr -o --pe reply || return 1
	ns dir1 ipvsadm -a -u "$VIP4:$port" -r "$rs:$port" -m || return 1
	reply_timeout "$LONG_REPLY_MS"
	bg cl1 "$PY" -c "$NC_CLIENT" "$VIP4" "$port" >/tmp/nc-client
	wait_for 60 test -e /tmp/nc-got || return 1
	check "no_conn: the request recorded" [ "$(pe_global Records)" = 1 ]

	failslab_arm 1 || return 1
	touch /tmp/nc-go-1
	wait_for 60 test -e /tmp/nc-sent-1
	wait_for 60 nc_got 1
	failslab_arm 0 || return 1
	show_proc
	out=$(head -n 1 /tmp/nc-client)
	echo "# first copy of the reply, IPVS unable to make an entry: $out"
	check "no_conn: that copy left unchanged (from $rs)" \
		[ "$out" = "$rs answer 1" ]
	check "no_conn: counted in NoConn, not as a reply" \
		[ "$(pe_global NoConn)/$(pe_global Replies)" = 1/0 ]
	check "no_conn: the request still outstanding" \
		[ "$(pe_dest "$rs:$port" Outstanding)" = 1 ]

	touch /tmp/nc-go-2
	wait_for 60 nc_got 2
	show_proc
	out=$(sed -n 2p /tmp/nc-client)
	echo "# second copy: $out"
	check "no_conn: the second copy translated (from the VIP $VIP4)" \
		[ "$out" = "$VIP4 answer 2" ]
	check "no_conn: it is the request's reply, not a duplicate" \
		[ "$(pe_global Replies)/$(pe_global Duplicates)/$(pe_global NoConn)" = 1/0/1 ]
	check "no_conn: nothing outstanding" \
		[ "$(pe_dest "$rs:$port" Outstanding)" = 0 ]
	reply_timeout 5000
	unload_engine no_conn
}

# ---- SIP servers' own requests (scheduler sip) --------------------------

# SIPP and SIPP_PATIENT (SIPp's watchdog off: a slow guest must slow the
# test down, not fail it) as the SIP scenarios have them.
# shellcheck source=tests/lib/sip.sh
. tests/lib/sip.sh
SIPD=/tmp/reply-sip

# ipt_count NS SRC: UDP datagrams to port 5060 from SRC:5060 counted by the
# INPUT rule added by count_from.
count_from() {
	ns "$1" iptables-legacy -A INPUT -p udp -s "$2" --sport 5060 --dport 5060
}
ipt_count() {
	# shellcheck disable=SC2016 # awk's fields
	ns "$1" iptables-legacy -nvxL INPUT | awk -v s="$2" '
		$7 == s && /spt:5060 dpt:5060/ { n += $1 } END { print n + 0 }'
}

# rs_inpkts I: datagrams IPVS sent to rsI for VIP:5060.
rs_inpkts() {
	# shellcheck disable=SC2016 # awk's fields
	ns dir1 ipvsadm -Ln --stats --exact -u "$VIP4:5060" |
		awk -v d="$(rs_addr4 "$1"):5060" '$2 == d { print $4 }'
}

# rs_inpkts_atleast I N: IPVS has sent rsI at least N datagrams.
rs_inpkts_atleast() {
	local n
	n=$(rs_inpkts "$1")
	[ "${n:-0}" -ge "$2" ]
}

test_sip_server_call() {
	local calls=6 rc i n v r
	setup none || return 1
	sysctl -qw net.core.rmem_max=2097152 net.core.wmem_max=2097152
	rm -rf "$SIPD"
	mkdir -p "$SIPD"
	service "$VIP4" 5060 -s sip -o --pe reply || return 1
	count_from cl1 "$VIP4"
	count_from cl1 "$(rs_addr4 1)"
	# The client answers (SIPp's built-in UAS) ...
	# shellcheck disable=SC2217 # bg's command gets the redirections
	bg cl1 "$SIPP" -sn uas -i "$(cl_addr4 1)" -p 5060 -bind_local -t u1 \
		-nostdin -cp 8901 -timeout 120s "${SIPP_PATIENT[@]}" -trace_err \
		-error_file "$SIPD/cl1.err" >"$SIPD/cl1.out" 2>&1 </dev/null
	wait_udp_port cl1 5060 || return 1
	echo "# UAS listening ($(date +%T))"
	# ... calls a real server starts (SIPp's built-in UAC in rs1).
	ns rs1 timeout -k 5 90 "$SIPP" -sn uac "$(cl_addr4 1):5060" \
		-i "$(rs_addr4 1)" -p 5060 -bind_local -t u1 -nostdin -cp 8911 \
		-m "$calls" -r 2 -timeout 60s -timeout_error "${SIPP_PATIENT[@]}" \
		-trace_stat -stf "$SIPD/rs1.csv" -fd 1 -trace_err \
		-error_file "$SIPD/rs1.err" >"$SIPD/rs1.out" 2>&1 </dev/null
	rc=$?
	n=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++)
		if ($i == "SuccessfulCall(C)") c = i } END { print $c + 0 }' \
		"$SIPD/rs1.csv" 2>/dev/null)
	echo "# SIPp UAC in rs1: exit $rc, $n of $calls calls successful" \
		"($(date +%T))"
	check "sip_server_call: $calls/$calls calls rs1 started succeeded" \
		[ "$rc" = 0 -a "$n" = "$calls" ]
	v=$(ipt_count cl1 "$VIP4")
	r=$(ipt_count cl1 "$(rs_addr4 1)")
	echo "# cl1 received $v requests from $VIP4:5060, $r from rs1's address"
	check "sip_server_call: INVITE, ACK, BYE reached cl1 from the VIP" \
		[ "$v" -ge $((3 * calls)) -a "$r" = 0 ]
	# IPVS's counters lag by up to 2 s since 6.2 (summed by the estimator).
	wait_for 15 rs_inpkts_atleast 1 $((2 * calls)) || true
	echo "# IPVS datagrams to rs1 $(rs_inpkts 1), rs2 $(rs_inpkts 2)," \
		"rs3 $(rs_inpkts 3)"
	check "sip_server_call: the client's responses all went to rs1" \
		[ "$(rs_inpkts 1)" -ge $((2 * calls)) -a "$(rs_inpkts 2)" = 0 \
		-a "$(rs_inpkts 3)" = 0 ]
	show_proc
	ns dir1 cat /proc/net/ip_vs_sip | sed 's/^/#   /'
	check "sip_server_call: $calls Call-IDs first seen from rs1 (SipNew)" \
		[ "$(pe_global SipNew)" -ge "$calls" ]
	check "sip_server_call: none refused" \
		[ "$(pe_global SipOther)$(pe_global SipNoKey)" = 00 ]
}

# rs_sip_sends I PORT CALLID: rsI sends a NOTIFY with CALLID from its port
# 5060 to cl1:PORT.
rs_sip_sends() {
	ns "rs$1" "$PY" -c '
import socket, sys
rs, cl, port, cid = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((rs, 5060))
msg = ("NOTIFY sip:alice@%s:%d SIP/2.0\r\n"
       "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%s\r\n"
       "From: <sip:srv@%s>;tag=1\r\nTo: <sip:alice@%s>;tag=2\r\n"
       "Call-ID: %s\r\nCSeq: 2 NOTIFY\r\nEvent: dialog\r\n"
       "Content-Length: 0\r\n\r\n") % (cl, port, rs, port, rs, cl, cid)
s.sendto(msg.encode(), (cl, port))
' "$(rs_addr4 "$1")" "$(cl_addr4 1)" "$2" "$3"
}

test_sip_other_server() {
	local k=0 j i n0 src
	setup none || return 1
	service "$VIP4" 5060 -s sip -o --pe reply || return 1
	# The client subscribes: Call-ID sub-1 is bound to some rsK.
	ns cl1 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 5070))
s.sendto(("SUBSCRIBE sip:srv@%s SIP/2.0\r\n"
          "Via: SIP/2.0/UDP %s:5070;branch=z9hG4bK-sub1\r\n"
          "From: <sip:alice@%s>;tag=2\r\nTo: <sip:srv@%s>\r\n"
          "Call-ID: sub-1@test\r\nCSeq: 1 SUBSCRIBE\r\nEvent: dialog\r\n"
          "Content-Length: 0\r\n\r\n" % ((sys.argv[2],) + (sys.argv[1],) * 2
          + (sys.argv[2],))).encode(), (sys.argv[2], 5060))
' "$(cl_addr4 1)" "$VIP4"
	for ((n0 = 0; n0 < 200 && k == 0; n0++)); do
		for ((i = 1; i <= NRS; i++)); do
			[ "$(rs_inpkts "$i")" = 1 ] && k=$i
		done
		[ "$k" -gt 0 ] || sleep 0.1
	done
	echo "# SUBSCRIBE Call-ID sub-1@test went to rs$k"
	ns dir1 ipvsadm -Ln --stats --exact | sed 's/^/#   /'
	[ "$k" -gt 0 ] || { fail "sip_other_server: SUBSCRIBE not scheduled"; return 1; }
	j=$((k % NRS + 1))

	listen_once 45680 || return 1
	rs_sip_sends "$j" 45680 sub-1@test
	src=$(arrived_from 45680)
	echo "# rs$j's NOTIFY for rs$k's Call-ID arrived from $src"
	check "sip_other_server: rs$j's NOTIFY for rs$k's call keeps rs$j's address" \
		[ "$src" = "$(rs_addr4 "$j")" ]
	check "sip_other_server: counted (SipOther)" \
		[ "$(pe_global SipOther)" = 1 -a "$(pe_global SipNew)" = 0 ]

	listen_once 45681 || return 1
	rs_sip_sends "$k" 45681 sub-1@test
	src=$(arrived_from 45681)
	echo "# rs$k's NOTIFY for its own Call-ID arrived from $src"
	check "sip_other_server: rs$k's NOTIFY for its own call from the VIP" \
		[ "$src" = "$VIP4" ]
	check "sip_other_server: counted (SipBound)" \
		[ "$(pe_global SipBound)" = 1 ]

	# Not SIP at all: no Call-ID to vouch for.
	n0=$(pe_global SipNoKey)
	listen_once 45682 || return 1
	ns "rs$j" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5060))
s.sendto(b"\r\n\r\n", (sys.argv[2], 45682))
' "$(rs_addr4 "$j")" "$(cl_addr4 1)"
	src=$(arrived_from 45682)
	echo "# rs$j's keepalive arrived from $src"
	check "sip_other_server: a datagram without Call-ID keeps rs$j's address" \
		[ "$src" = "$(rs_addr4 "$j")" -a "$(pe_global SipNoKey)" = $((n0 + 1)) ]
	show_proc
}

scenario_main "$@"
