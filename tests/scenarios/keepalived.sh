#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# keepalived and ldirectord driving the sip scheduler, with SIPp traffic.
#
#   cl1 --- rt --- lan --- dir1 (keepalived or ldirectord: UDP VIP:5060,
#                   |            sip, ops, DR, a health check per server)
#                   +--- rs1, rs2, rs3 (SIPp UAS on VIP:5060)
#
# test_keepalived: keepalived built with keepalived-patches/
# (scripts/build-keepalived) creates the service with "lvs_sched sip",
# "ops" and a named sip flag, and a DNS service with "lvs_sched lor",
# "ops" and "persistence_engine reply", and refuses (logged) a service
# whose "lvs_sched nosuch" the kernel does not have. SIPp calls run; rs2's SIP server
# dies; its MISC_CHECK fails, keepalived removes rs2, and the later
# messages of rs2's calls reach the surviving servers, each call one
# server, while no call of the survivors fails and new calls complete.
# rs2's calls that were inside a dialog when it died get 481 from the
# survivor (its dialog state died with it); that is counted, not hidden.
#
# First, as the baseline, Debian's own keepalived 2.2.7
# (/usr/sbin/keepalived) runs with the same configuration: it drops
# "lvs_sched sip" and "lor" ("Invalid lvs_scheduler"), creates both
# services with wlc, ignores the sip flag and the persistence engine:
# what the patch fixes. Every check of the patched keepalived fails with
# the stock one: IPVS_UDP_KEEPALIVED=/usr/sbin/keepalived tests/run-scenarios
# keepalived:test_keepalived.
#
# test_ldirectord: Debian's ldirectord, unpatched: "scheduler = sip",
# "ops = yes", "schedflags = flag-2" become ipvsadm -s sip -o -b flag-2
# (ldirectord accepts any [a-z]+ scheduler and leaves the check to the
# kernel); calls work, a failed server is removed (with
# IPVS_UDP_LD_SCHED=rr every check fails). ldirectord has no
# setting for a persistence engine (--pe), so "-o --pe reply" services
# cannot be made with it.
#
# The health check (MISC_CHECK, ldirectord's external check) asks the real
# server whether a SIP server listens on port 5060 (its /proc/net/udp),
# as an agent on the real server would: in DR mode the UAS listens on the
# VIP only, which the director cannot probe.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/keepalived.sh [test_...]

# shellcheck disable=SC2317,SC2217 # test functions are called by scenario_main; bg takes redirections
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

KA=${IPVS_UDP_KEEPALIVED:-build/keepalived/sbin/keepalived}
KA_STOCK=/usr/sbin/keepalived
# keepalived's script security wants root-owned directories all the way.
KA_DIR=/run/ipvs-udp-ka

ka_init() {
	rm -rf "$KA_DIR"
	mkdir -p "$KA_DIR"
	chmod 755 "$KA_DIR"
	# check-rs I | check-rs VIP VPORT RIP RPORT (ldirectord's arguments):
	# is a SIP server listening on port 5060 of rsI?
	# (port 5060 = 0x13C4 in the real server's /proc/net/udp).
	cat >"$KA_DIR/check-rs" <<'EOF'
#!/bin/sh
i=$1
[ $# -ge 3 ] && i=$(( ${3##*.} - 10 ))
exec nsenter --net="/run/netns/rs$i" \
	awk '$2 ~ /:13C4$/ { f = 1 } END { exit !f }' /proc/net/udp
EOF
	chmod 755 "$KA_DIR/check-rs"
}

# ka_conf FILE: the configuration both keepalived binaries get.
ka_conf() {
	local i
	{
		cat <<EOF
global_defs {
	router_id ipvs-udp-test
	enable_script_security
	script_user root
}

virtual_server $VIP4 5060 {
	delay_loop 1
	lvs_sched sip
	sip-addr-only
	ops
	lvs_method DR
	protocol UDP
EOF
		for i in 1 2 3; do
			cat <<EOF
	real_server $(rs_addr4 "$i") 5060 {
		weight 1
		MISC_CHECK {
			misc_path "$KA_DIR/check-rs $i"
			misc_timeout 5
			retry 1
			delay_before_retry 1
		}
	}
EOF
		done
		cat <<EOF
}

virtual_server $VIP4 5061 {
	delay_loop 5
	lvs_sched nosuch
	ops
	lvs_method DR
	protocol UDP
	real_server $(rs_addr4 1) 5061 {
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
}

virtual_server $VIP4 53 {
	delay_loop 5
	lvs_sched lor
	ops
	persistence_engine reply
	lvs_method DR
	protocol UDP
	real_server $(rs_addr4 1) 53 {
		weight 1
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
}
EOF
	} >"$1"
}

# ka_start BIN NAME: keepalived (checker only, foreground, log to the
# console) in dir1.
ka_start() {
	bg dir1 "$1" -n -l -D -C -f "$KA_DIR/keepalived.conf" \
		-p "$KA_DIR/$2.pid" -c "$KA_DIR/$2-checker.pid" \
		>"$KA_DIR/$2.log" 2>&1 </dev/null
}

# The service as `ipvsadm -S -n` saves it (UDP VIP:PORT), and its real
# servers (ipvsadm -Ln).
svc_line() { ns dir1 ipvsadm -S -n | grep -e "^-A -u $VIP4:$1 "; }
svc_rs() {
	ns dir1 ipvsadm -Ln -u "$VIP4:$1" 2>/dev/null |
		awk '$1 == "->" && $2 != "RemoteAddress:Port" { printf "%s ", $2 }'
}
rs_count_is() { [ "$(svc_rs "$1" | wc -w)" = "$2" ]; }
rs_absent() { ! svc_rs 5060 | grep -qw "$(rs_addr4 "$1"):5060"; }
rs_present() { svc_rs 5060 | grep -qw "$(rs_addr4 "$1"):5060"; }

# setup: three SIPp UAS, counters, ka_init.
setup() {
	local i
	topo_setup dr 3 1 1
	sip_init
	ka_init
	for i in 1 2 3; do
		sip_uas "$i" || return 1
		sip_rs_count_init "$i"
	done
}

# matches STRING ERE...: STRING matches every ERE.
matches() {
	local s=$1
	shift
	for re; do
		[[ $s =~ $re ]] || return 1
	done
}

# moved_split: of the calls whose INVITE reached rs2, how many reached
# both rs1 and rs3 (a moved call must go to one survivor only).
moved_split() {
	/usr/bin/python3 - "$SIP_DIR" <<'EOF'
import sys
d = sys.argv[1]
def calls(n, invite_only):
    s = set()
    for line in open("%s/rs%d.short" % (d, n), errors="replace"):
        p = line.rstrip("\n").split("\t")
        if len(p) >= 7 and p[3] == "R" and (not invite_only or p[5].endswith(" INVITE")):
            s.add(p[4])
    return s
mine = calls(2, True)
print(len(mine & calls(1, False) & calls(3, False)))
EOF
}

# Debian's keepalived with the same configuration: "lvs_sched sip" and
# "lor" rejected, wlc instead, the sip flag unknown, the persistence
# engine dropped. (With wlc and ops every datagram finds all servers idle
# and goes to the same one: 300 of 300 calls on one server, measured.)
stock_baseline() {
	local line dns
	echo "# $($KA_STOCK -v 2>&1 | head -n 1) ($KA_STOCK)"
	ka_start "$KA_STOCK" stock
	wait_for 15 rs_count_is 5060 3
	line=$(svc_line 5060)
	dns=$(svc_line 53)
	echo "# $line"
	echo "# $dns"
	echo "# $(svc_line 5061)"
	grep -E "lvs_sched|Unknown keyword|scheduler" "$KA_DIR/stock.log" |
		sed 's/^/# /'
	check "stock keepalived baseline: 'lvs_sched sip' rejected" \
		grep -q "Invalid lvs_scheduler 'sip'" "$KA_DIR/stock.log"
	check "stock keepalived baseline: service created with wlc instead of sip" \
		matches "$line" " -s wlc " " -o( |$)"
	check "stock keepalived baseline: sip-addr-only unknown, no flag set" \
		no_flag "$line" "$KA_DIR/stock.log"
	check "stock keepalived baseline: lor -> wlc, persistence_engine reply dropped" \
		matches "$dns" " -s wlc -o$"
	# keepalived removes its services when it stops.
	kill "$(cat "$KA_DIR/stock.pid")"
	wait_for 15 svc_gone
}
svc_gone() { [ -z "$(ns dir1 ipvsadm -S -n)" ]; }

test_keepalived() {
	local s rc t0 t1 c0 c1 m1 m3 line dns down sip spread
	setup || return 1
	ka_conf "$KA_DIR/keepalived.conf"
	stock_baseline
	if [ ! -x "$KA" ]; then
		skip "keepalived: $KA not built (scripts/build-keepalived)"
		return 0
	fi
	echo "# keepalived: $KA"
	ka_start "$KA" ka
	wait_for 15 rs_count_is 5060 3
	line=$(svc_line 5060)
	echo "# $line"
	dns=$(svc_line 53)
	echo "# $dns"
	check "keepalived: UDP $VIP4:5060 created with scheduler sip and ops" \
		matches "$line" " -s sip " " -o( |$)"
	check "keepalived: sip-addr-only set (scheduler flag 2)" \
		matches "$line" " -b (flag-2|sip-addr-only)( |$)"
	check "keepalived: the sip module schedules the service" \
		ns dir1 grep -q "$VIP4:5060" /proc/net/ip_vs_sip
	# The checks below hold only with the sip scheduler balancing the
	# calls (with wlc they all land on one server and most would pass
	# vacuously): each is tied to that.
	sip=0
	matches "$line" " -s sip " && sip=1
	check "keepalived: three real servers of the sip service, all checks up" \
		[ "$(svc_rs 5060 | wc -w)/$sip" = 3/1 ]
	check "keepalived: UDP $VIP4:53 created with lor, ops, pe reply" \
		matches "$dns" " -s lor " " --pe reply " " -o( |$)"
	check "keepalived: lvs_sched nosuch: no service, the kernel's refusal logged" \
		refused nosuch 5061 "$KA_DIR/ka.log"

	# 15 s of calls, 2 s each; rs2 dies after 3 s.
	sip_uac_start uac1 cl1 "$VIP4" 450 30 -d 2000
	sleep 3
	t0=$(sip_now)
	# rs2's SIP server dies.
	kill "$(ns rs2 ss -Hnlup 'sport = :5060' | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)"
	wait_for 10 rs_absent 2
	t1=$(sip_now)
	c0=$(sip_rs_count 2)
	down=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "# rs2 removed ${down} s after its SIP server died; real servers now: $(svc_rs 5060)"
	sip_uac_wait uac1
	rc=$?
	sleep 0.5
	c1=$(sip_rs_count 2)
	uac_report uac1 "$rc"
	s=$(sip_summary --since "$t1" --origin rs2)
	echo "# $s"
	echo "# $(grep -E 'Removing service|Adding service' "$KA_DIR/ka.log" | tail -n 2)"
	m1=$(sj "$s" 'd["origin"]["moved"]["rs1"]')
	m3=$(sj "$s" 'd["origin"]["moved"]["rs3"]')
	# Calls on all three servers before rs2 died, and the sip scheduler.
	spread=$(sj "$s" 'int(min(v["calls"] for v in d["servers"].values()) > 0)')
	[ "$sip" = 1 ] || spread=0
	echo "# rs2 had $(sj "$s" 'd["origin"]["calls"]') calls; datagrams to rs2: $c0 at removal, $c1 at the end; later messages of its calls went to rs1 ($m1 calls) and rs3 ($m3 calls); Moved counter $(sip_counter dir1 Moved); failed calls: $(sj "$s" 'd["origin"]["failed_origin"]') of rs2's (in a dialog when it died: 481 from the survivor), $(sj "$s" 'd["origin"]["failed_other"]') others"
	check "keepalived: failed check removed rs2 from the sip service (ipvsadm -Ln: $(svc_rs 5060))" \
		[ "$(svc_rs 5060)/$sip" = "$(rs_addr4 1):5060 $(rs_addr4 3):5060 /1" ]
	check "keepalived: calls on all three servers, no datagram reached rs2 after its removal" \
		[ "$c1/$spread" = "$c0/1" ]
	check "keepalived: rs2's calls' later messages went to both survivors" \
		gt0 "$m1" "$m3"
	check "keepalived: each moved call reached one survivor only" \
		[ "$(moved_split)/$((m1 + m3 > 0))" = 0/1 ]
	check "keepalived: calls on all three servers, no call of rs1 or rs3 failed, new calls complete" \
		[ "$(sj "$s" 'd["origin"]["failed_other"]')/$spread" = 0/1 ]
	check "keepalived: calls on all three servers, calls of rs1 and rs3 stayed on their server" \
		[ "$(sj "$s" 'd["split_other"]')/$spread" = 0/1 ]
	check "keepalived: calls started after the removal on both survivors" \
		gt0 "$(sj "$s" 'd["servers"]["rs1"]["new_after"]')" \
		"$(sj "$s" 'd["servers"]["rs3"]["new_after"]')"

	# rs2 comes back: its check passes, keepalived adds it again.
	bg rs2 "$SIPP" -sf "$SIP_DIR/uas.xml" -i "$VIP4" -p "$SIP_PORT" \
		-bind_local -t u1 -nostdin -cp 8899 -timeout 120s \
		>"$SIP_DIR/rs2-again.out" 2>&1 </dev/null
	wait_udp_port rs2 "$SIP_PORT"
	check "keepalived: rs2 added back to the sip service once its SIP server is up again" \
		rs2_back "$sip"
}
rs2_gone() { wait_for 15 rs_absent 2 && [ "$1" = 1 ]; }
rs2_back() { wait_for 10 rs_present 2 && [ "$1" = 1 ]; }

refused() {
	[ -z "$(svc_line "$2")" ] &&
		grep -q "the kernel does not know scheduler '$1'" "$3"
}
no_flag() {
	[[ ! "$1" =~ flag-|sip-|-b ]] &&
		grep -q "Unknown keyword 'sip-addr-only'" "$2"
}

test_ldirectord() {
	local s rc line i sip
	setup || return 1
	{
		cat <<EOF
checktimeout=5
checkinterval=1
failurecount=2
autoreload=no
quiescent=no
supervised=yes
virtual=$VIP4:5060
EOF
		for i in 1 2 3; do
			echo "	real=$(rs_addr4 "$i"):5060 gate 1"
		done
		cat <<EOF
	protocol=udp
	scheduler=${IPVS_UDP_LD_SCHED:-sip}
	schedflags=flag-2
	ops=yes
	checktype=external
	checkcommand="$KA_DIR/check-rs"
EOF
	} >"$KA_DIR/ldirectord.cf"
	bg dir1 /usr/sbin/ldirectord "$KA_DIR/ldirectord.cf" start \
		>"$KA_DIR/ldirectord.out" 2>&1 </dev/null
	wait_for 20 rs_count_is 5060 3
	line=$(svc_line 5060)
	echo "# $line"
	check "ldirectord: scheduler=sip ops=yes schedflags=flag-2 -> sip (flag-2) ops" \
		matches "$line" " -s sip " " -b (flag-2|sip-addr-only)( |$)" " -o( |$)"
	# Tied to the sip scheduler like the keepalived checks.
	sip=0
	matches "$line" " -s sip " && sip=1
	check "ldirectord: three real servers of the sip service, all checks up" \
		[ "$(svc_rs 5060 | wc -w)/$sip" = 3/1 ]
	sip_uac uac1 cl1 "$VIP4" 200 50
	rc=$?
	uac_report uac1 "$rc"
	s=$(sip_summary)
	echo "# $s"
	calls_ok "ldirectord sip ops" "$s" "$rc" 200
	check "ldirectord: calls on all three servers by the sip scheduler" \
		[ "$(sj "$s" 'int(min(v["calls"] for v in d["servers"].values()) > 0)')/$sip" = 1/1 ]
	kill "$(ns rs2 ss -Hnlup 'sport = :5060' | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)"
	check "ldirectord: failed check removed rs2 from the sip service" \
		rs2_gone "$sip"
	echo "# real servers: $(svc_rs 5060)"
	grep -E 'Added|Deleted' "$KA_DIR/ldirectord.out" | tail -n 2 | sed 's/^/# /'
}

scenario_main "$@"
