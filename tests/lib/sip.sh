# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# SIP traffic for the ipvs-udp scenarios: SIPp user agents on the topology
# of tests/lib/topo.sh (source that first), and reading their results.
#
#   sip_init                   fresh work directory $SIP_DIR, UAS scenario
#   sip_service DIR VIP OPTS.. ipvsadm -A -u VIP:5060 OPTS in DIR
#   sip_add_rs DIR VIP I [W]   real server rsI (forwarding method of the
#                              topology, address family of VIP), weight W
#   sip_uas I [ADDR]           SIPp UAS in rsI on ADDR:5060 (default: the
#                              VIP for dr/tun/vipless, the RIP for nat);
#                              waits until it listens
#   sip_uac NAME CL TARGET CALLS RATE [SIPP_ARGS...]
#                              SIPp UAC in namespace CL: CALLS calls at RATE
#                              per second to TARGET:5060 over one UDP socket
#                              (local port 5060); returns SIPp's exit code
#   sip_uac_start / sip_uac_wait NAME   the same in the background; CALLS
#                              "-": calls until sip_uac_stop NAME
#   sip_uac_stop NAME          no new calls; the open ones finish (SIGUSR1)
#   sip_uac_sent_since NAME EPOCH   calls the UAC started after EPOCH
#   sip_uac_stat NAME COLUMN   a column of the UAC's final statistics line
#   sip_summary [ARGS...]      tests/tools/sipp_log.py over every UAS log
#                              and every UAC log (JSON; see that tool)
#   sip_counter DIR COLUMN [N] a column of /proc/net/ip_vs_sip (service line
#                              N, default 1) in namespace DIR
#   sip_rs_count_init I / sip_rs_count I
#                              count datagrams to port 5060 reaching rsI
#   sip_param NAME VALUE       an ip_vs_sip module parameter
#   sip_now                    wall clock, comparable with SIPp's log times
#   sj, gt0, uac_report, calls_ok   checks shared by the SIP scenarios
#
# SIPp UAS: tests/data/sip/uas.xml (copied by sip_init), SIPp's built-in uas
# flow, except that
#  - a BYE of a dialog the server does not know (also after a stray ACK)
#    is answered "481 Call/Transaction Does Not Exist", as a real SIP
#    server does: SIPp's built-in uas answers 200 OK to any stray BYE, so a
#    call whose BYE reached the wrong server would look successful;
#  - it sends no 180: SIPp answers a retransmitted request with the first
#    message it sent after it, which must be the 200 (with a 180 first, a
#    retransmitted INVITE aborts the call).
# The UAC is SIPp's built-in uac. It takes any 200 as the BYE's answer
# (even a late retransmission of the INVITE's), so sip_summary judges calls
# from the messages: a call is successful when its BYE got a 2xx and no
# failure response came back.
#
# Every SIPp run is bounded: UACs stop after CALLS calls (-m) or at a
# global -timeout, which counts as failure (-timeout_error), with timeout(1)
# as a backstop; a UAS quits after an hour at the latest (topo_cleanup
# stops it before). Logs (short
# message traces with timestamps, statistics CSV, errors) are in $SIP_DIR:
# rsI.short, NAME.short, NAME.csv, ...
#
# A UML guest on a loaded host runs slower, and then the tests must take
# longer, not fail (seen in make check: 250 of 900 calls failed, and a UAC
# ended with SIPp's fatal "Overload error"):
#  - SIPp's watchdog, which ends a run after 120 main-loop stalls over
#    500 ms (or 10 over 3 s) in 10 minutes, is off (SIPP_PATIENT);
#  - a UAC keeps at most RATE x hold time + 20 calls open (-l): when the
#    guest cannot keep up, calls start later instead of piling up
#    retransmissions that make it fall further behind;
#  - the global timeout allows three times the calls' nominal time.

SIPP=/usr/bin/sipp
SIP_PORT=5060
SIP_DIR=/tmp/sip
SIP_LOG_TOOL=tests/tools/sipp_log.py
declare -A SIP_UAC_PID=()

SIP_BUF=2097152
SIPP_PATIENT=(-watchdog_minor_maxtriggers 1000000
	-watchdog_major_maxtriggers 1000000)

sip_init() {
	# Room for SIPp's socket buffers (-buff_size): a UML guest can stall a
	# user agent long enough to overflow the default 208 KiB.
	sysctl -qw net.core.rmem_max=$SIP_BUF net.core.wmem_max=$SIP_BUF
	rm -rf "$SIP_DIR"
	mkdir -p "$SIP_DIR"
	SIP_UAC_PID=()
	cp tests/data/sip/uas.xml "$SIP_DIR/uas.xml"
}

_sip_v6() { [[ $1 == *:* ]]; }
_sip_hostport() {
	if _sip_v6 "$1"; then echo "[$1]:$SIP_PORT"; else echo "$1:$SIP_PORT"; fi
}

sip_service() {
	local dir=$1 vip=$2
	shift 2
	ns "$dir" ipvsadm -A -u "$(_sip_hostport "$vip")" "$@"
}

# Address of rsI in VIP's family; forwarding flag of the topology.
_sip_rip() {
	if _sip_v6 "$1"; then rs_addr6 "$2"; else rs_addr4 "$2"; fi
}
_sip_fwd() {
	case "$TOPO_METHOD" in
	nat) echo -m ;;
	tun) echo -i ;;
	*) echo -g ;;
	esac
}

sip_add_rs() {
	local dir=$1 vip=$2 i=$3 w=${4:-1}
	ns "$dir" ipvsadm -a -u "$(_sip_hostport "$vip")" \
		-r "$(_sip_hostport "$(_sip_rip "$vip" "$i")")" "$(_sip_fwd)" -w "$w"
}

sip_uas() {
	local i=$1 addr=${2:-}
	if [ -z "$addr" ]; then
		if [ "$TOPO_METHOD" = nat ]; then
			addr=$(rs_addr4 "$i")
		else
			addr=$VIP4
		fi
	fi
	# shellcheck disable=SC2217 # bg's command gets the redirections
	bg "rs$i" "$SIPP" -sf "$SIP_DIR/uas.xml" -i "$addr" -p "$SIP_PORT" \
		-bind_local -t u1 -nostdin -cp $((8888 + i)) -buff_size $SIP_BUF \
		-timeout 3600s "${SIPP_PATIENT[@]}" \
		-trace_shortmsg -shortmessage_file "$SIP_DIR/rs$i.short" \
		-trace_stat -stf "$SIP_DIR/rs$i.csv" -fd 1 \
		-trace_err -error_file "$SIP_DIR/rs$i.err" \
		>"$SIP_DIR/rs$i.out" 2>&1 </dev/null
	wait_udp_port "rs$i" "$SIP_PORT"
}

# sip_uac_start NAME CL TARGET CALLS RATE [SIPP_ARGS...]
sip_uac_start() {
	local name=$1 cl=$2 target=$3 calls=$4 rate=$5 k laddr tmo hold=0 a prev=
	local count=()
	shift 5
	k=${cl#cl}
	if _sip_v6 "$target"; then laddr=$(cl_addr6 "$k"); else laddr=$(cl_addr4 "$k"); fi
	for a; do # the hold time of -d MS, if given
		[ "$prev" = -d ] && hold=$a
		prev=$a
	done
	# Generous (see above): a passing run never waits for it.
	if [ "$calls" = - ]; then
		tmo=900
	else
		tmo=$((3 * calls / rate + ${SIP_UAC_SLACK:-120}))
		count=(-m "$calls")
	fi
	ns "$cl" timeout -k 5 $((tmo + 30)) "$SIPP" -sn uac "$(_sip_hostport "$target")" -i "$laddr" \
		-p "$SIP_PORT" -bind_local -t u1 -nostdin -cp $((8900 + k)) \
		-buff_size $SIP_BUF "${count[@]}" -r "$rate" \
		-l $((rate * hold / 1000 + 20)) "${SIPP_PATIENT[@]}" \
		-timeout "${tmo}s" -timeout_error \
		-trace_shortmsg -shortmessage_file "$SIP_DIR/$name.short" \
		-trace_stat -stf "$SIP_DIR/$name.csv" -fd 1 \
		-trace_err -error_file "$SIP_DIR/$name.err" \
		"$@" >"$SIP_DIR/$name.out" 2>&1 </dev/null &
	SIP_UAC_PID[$name]=$!
	TOPO_PIDS+=($!)
}

sip_uac_wait() {
	local rc
	wait "${SIP_UAC_PID[$1]}"
	rc=$?
	unset "SIP_UAC_PID[$1]"
	return $rc
}

sip_uac() {
	sip_uac_start "$@"
	sip_uac_wait "$1"
}

# sip_uac_stop NAME: SIPp's soft quit (SIGUSR1) for the UAC NAME (its own
# process, not the timeout(1) and ip-netns wrappers before it); then
# sip_uac_wait NAME returns its exit code.
sip_uac_stop() {
	pkill -USR1 -f "^$SIPP -sn uac .*-shortmessage_file $SIP_DIR/$1\.short "
}

# sip_uac_sent_since NAME EPOCH: how many calls the UAC NAME started
# (INVITE sent) after EPOCH, by its message log.
sip_uac_sent_since() {
	awk -F'\t' -v t="$2" '$4 == "S" && $6 == "CSeq:1 INVITE" &&
		$7 ~ /^INVITE / && $3 > t && !seen[$5]++ { n++ }
		END { print n + 0 }' "$SIP_DIR/$1.short" 2>/dev/null || echo 0
}

# The value of COLUMN (e.g. "SuccessfulCall(C)") in the last line of a
# SIPp statistics CSV.
sip_uac_stat() {
	awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
		if ($i == col) c = i } END { print (c ? $c : "?") }' \
		"$SIP_DIR/$1.csv" 2>/dev/null || echo "?"
}

# sip_summary [--since EPOCH] [--origin rsI]: every UAS and UAC log.
sip_summary() {
	local f args=()
	for f in "$SIP_DIR"/rs*.short; do
		[ -e "$f" ] || continue
		args+=(--rs "$(basename "$f" .short)=$f")
	done
	for f in "$SIP_DIR"/uac*.short; do
		[ -e "$f" ] || continue
		args+=(--uac "$f")
	done
	/usr/bin/python3 "$SIP_LOG_TOOL" "${args[@]}" "$@"
}

# sip_counter DIR COLUMN [N]: one column ("Bindings", "Moved", ...) of
# service line N of /proc/net/ip_vs_sip. The Service column holds two
# fields (protocol and address), so data field = header field + 1.
sip_counter() {
	# shellcheck disable=SC2016
	ns "$1" awk -v col="$2" -v n="${3:-1}" 'NR == 1 {
		for (i = 1; i <= NF; i++) if ($i == col) c = i + 1; next }
		NR == n + 1 { print (c ? $c : "?"); found = 1 }
		END { if (!found) print "?" }' /proc/net/ip_vs_sip
}

# Wall clock as seconds with fractions, comparable with SIPp's log times.
sip_now() { date +%s.%N; }

# sip_pct A B: A as a percentage of B, one decimal.
sip_pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }'; }

# sip_rs_count_init I / sip_rs_count I: count every datagram to port 5060
# that reaches rsI's INPUT (iptables counters, IPv4 and IPv6).
sip_rs_count_init() {
	ns "rs$1" iptables-legacy -I INPUT -p udp --dport "$SIP_PORT"
	ns "rs$1" ip6tables-legacy -I INPUT -p udp --dport "$SIP_PORT"
}
sip_rs_count() {
	{
		ns "rs$1" iptables-legacy -nvxL INPUT
		ns "rs$1" ip6tables-legacy -nvxL INPUT
	} | awk '$0 ~ /dpt:'"$SIP_PORT"'/ { n += $1 } END { print n + 0 }'
}

# sip_param NAME VALUE: an ip_vs_sip module parameter, applying to services
# created afterwards (loads the module with it when not loaded yet).
sip_param() {
	if [ -d /sys/module/ip_vs_sip/parameters ]; then
		echo "$2" >"/sys/module/ip_vs_sip/parameters/$1"
	else
		modprobe ip_vs_sip "$1=$2"
	fi
}

# Checks shared by the SIP scenarios (tests/lib/result.sh must be sourced).

# sj SUMMARY EXPR: a value of a sip_summary JSON (EXPR over d).
sj() { json "$1" "$2"; }

# gt0 N...: every N is a number above 0.
gt0() {
	local v
	for v; do
		[ "$v" -gt 0 ] 2>/dev/null || return 1
	done
}

# uac_report NAME RC: SIPp's own verdict as a comment line.
uac_report() {
	echo "# $1: SIPp exit $2, successful $(sip_uac_stat "$1" \
		'SuccessfulCall(C)'), failed $(sip_uac_stat "$1" 'FailedCall(C)')"
}

# All calls of a run completed, every call on one server.
calls_ok() {
	local label=$1 s=$2 rc=$3 calls=$4
	check "$label: SIPp exit 0" [ "$rc" = 0 ]
	check "$label: $calls of $calls calls successful, 0 failed" \
		[ "$(sj "$s" 'd["uac"]["ok"]')/$(sj "$s" 'd["uac"]["failed"]')" = \
		"$calls/0" ]
	check "$label: every call's messages reached one server" \
		[ "$(sj "$s" 'd["split"]')" = 0 ]
}
