#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# keepalived and ldirectord driving the sip scheduler, with SIPp traffic.
#
#   cl1 --- rt --- lan --- dir1 (keepalived or ldirectord: UDP VIP:5060,
#                   |            sip, ops, DR, a health check per server)
#                   +--- rs1, rs2, rs3 (SIP UAS on VIP:5060)
#
# test_keepalived: keepalived 2.3 (Debian 13's 2.3.3) built with
# keepalived-patches/2.3/ (scripts/build-keepalived; sid's 2.3.4:
# scripts/build-keepalived --version 2.3.4, then
# IPVS_UDP_KEEPALIVED=build/keepalived-2.3.4/sbin/keepalived) creates the
# service with "lvs_sched sip",
# "ops" and a named sip flag, and a DNS service with "lvs_sched lor",
# "ops" and "persistence_engine reply", two RADIUS services with
# "lvs_sched radius" and named radius flags (radius-move-quiesced on
# 1812; radius-addr-only and radius-stateless on 1813), and refuses
# (logged) a service whose "lvs_sched nosuch" the kernel does not have,
# and ignores (logged) a radius flag of an "lvs_sched rr" service. SIPp calls (the
# external peer) run; rs2's SIP server dies; its MISC_CHECK fails,
# keepalived removes rs2, and the later messages of rs2's calls reach the
# surviving servers, each call one server, which answer them: not one call
# fails (SIPp's statistics), nothing reaches rs2 after its removal, new
# calls go to both survivors.
#
# The real servers share their dialog state, as a SIP farm behind a load
# balancer does (Kamailio's dialog module replicated over DMQ, or a
# shared database): each runs the harness UAS `sip-calls uas
# --dialog-store $SIP_DIR/dialogs`, a directory on the UML tmpfs that
# every real-server namespace reaches, one file per dialog written when
# its INVITE is answered. A survivor thus answers the BYE of a dialog rs2
# created with 200, and 481 only a dialog nobody knows. Without shared
# state no balancer can move a call inside its dialog: the control
# IPVS_UDP_KA_STORE=0 tests/run-scenarios keepalived:test_keepalived
# gives every server its own dialogs (today's SIPp UAS behaviour) and
# checks that rs2's calls in a dialog then fail with 481 (20-30 of them).
#
# First, as the baseline, the system's own keepalived (/usr/sbin/keepalived,
# Debian 12's 2.2.7; IPVS_UDP_KEEPALIVED_STOCK names another, e.g.
# build/keepalived-2.3.3-stock/sbin/keepalived from
# scripts/build-keepalived --stock) runs with the same configuration: it
# drops "lvs_sched sip", "lor" and "radius" ("Invalid lvs_scheduler"),
# creates the services with wlc, ignores the sip and radius flags and the
# persistence engine:
# what the patches fix. Every check of the patched keepalived fails with
# a stock one: IPVS_UDP_KEEPALIVED=/usr/sbin/keepalived (or the unpatched
# 2.3.3 above) tests/run-scenarios keepalived:test_keepalived.
#
# test_keepalived_22: the 2.2 series still works: keepalived 2.2.7 built
# with keepalived-patches/2.2/ (scripts/build-keepalived --version 2.2;
# skipped when it is not built) creates the same three services from the
# same configuration (the radius services and their flags too), real
# servers with checks that always pass and no calls (the calls are the kernel's business, not keepalived's).
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
. tests/lib/harness.sh

harness_require sip-calls

KA=${IPVS_UDP_KEEPALIVED:-build/keepalived/sbin/keepalived}
KA_STOCK=${IPVS_UDP_KEEPALIVED_STOCK:-/usr/sbin/keepalived}
KA22=${IPVS_UDP_KEEPALIVED_22:-build/keepalived-2.2.7/sbin/keepalived}
# 1: the real servers share their dialogs; 0: each has its own (control).
KA_STORE=${IPVS_UDP_KA_STORE:-1}
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

# ka_conf FILE [CHECK]: the configuration every keepalived binary gets;
# CHECK I is the sip service's health check of rsI (default check-rs).
ka_conf() {
	local i chk=${2:-$KA_DIR/check-rs}
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
			misc_path "$chk $i"
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

virtual_server $VIP4 1812 {
	delay_loop 5
	lvs_sched radius
	radius-move-quiesced
	ops
	persistence_engine reply
	lvs_method DR
	protocol UDP
	real_server $(rs_addr4 1) 1812 {
		weight 1
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
}

virtual_server $VIP4 1813 {
	delay_loop 5
	lvs_sched radius
	radius-addr-only
	radius-stateless
	ops
	persistence_engine reply
	lvs_method DR
	protocol UDP
	real_server $(rs_addr4 1) 1813 {
		weight 1
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
}

# A radius flag with another scheduler: reported, ignored.
virtual_server $VIP4 5062 {
	delay_loop 5
	lvs_sched rr
	radius-stateless
	ops
	lvs_method DR
	protocol UDP
	real_server $(rs_addr4 1) 5062 {
		weight 1
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
}
EOF
	} >"$1"
}

# ka_up BIN NAME SECONDS: start keepalived BIN (its version in the log) as
# ka_start does, and wait up to SECONDS for the three servers of :5060.
ka_up() {
	echo "# keepalived: $($1 -v 2>&1 | head -n 1) ($1)"
	ka_start "$1" "$2"
	wait_for "$3" rs_count_is 5060 3
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

# setup [store]: three UAS (SIPp; with "store" the harness UAS sharing
# their dialogs, or not with IPVS_UDP_KA_STORE=0), counters, ka_init.
setup() {
	local i
	topo_setup dr 3 1 2
	sip_init
	ka_init
	mkdir -p "$SIP_DIR/dialogs"
	for i in 1 2 3; do
		if [ "${1:-}" = store ]; then
			ka_uas "$i" || return 1
		else
			sip_uas "$i" || return 1
		fi
		sip_rs_count_init "$i"
	done
}

# ka_uas I: the harness UAS in rsI on VIP:5060, logging to rsI.log, with
# the shared dialog store (its own dialogs only with IPVS_UDP_KA_STORE=0).
ka_uas() {
	local store=()
	[ "$KA_STORE" = 0 ] || store=(--dialog-store "$SIP_DIR/dialogs")
	bg "rs$1" "$HARNESS_BIN/sip-calls" uas --name "rs$1" --bind "$VIP4:$SIP_PORT" \
		--log "$SIP_DIR/rs$1.log" "${store[@]}" >>"$SIP_DIR/rs$1.out" 2>&1 </dev/null
	wait_udp_port "rs$1" "$SIP_PORT"
}

# matches STRING ERE...: STRING matches every ERE.
matches() {
	local s=$1
	shift
	for re; do
		[[ $s =~ $re ]] || return 1
	done
}

# ka_summary DEAD SINCE: where the calls went, from the UAS logs (rsI.log:
# Call-ID, method, source, status sent) and SIPp's UAC logs (uac1.short,
# uac2.short), as JSON: calls {rsI: calls whose INVITE rsI answered},
# origin (rs2's calls), moved {rs1, rs3: rs2's calls any of whose messages
# that survivor got}, moved_ok {rs1, rs3: ... whose BYE it answered with
# 200}, moved_split (rs2's calls at both survivors), split_other (calls of
# rs1 or rs3 at another server), r481 (481s sent by any server), new_after
# {rs1, rs3: calls whose first INVITE a UAC sent after SINCE}, sent, failed
# (calls whose BYE no server answered with 200 as far as either side's
# log shows, or that got a failure response), lost_bye (of those, rs2's
# calls whose BYE SIPp sent between DEAD, rs2's death, and SINCE, its
# removal: sent to the dead server, and SIPp, which matches responses by
# status code, can take a late 200 to the INVITE for the BYE's and stop
# retransmitting; a real UA retransmits until the removal), failed_ids.
ka_summary() {
	/usr/bin/python3 - "$SIP_DIR" "$1" "$2" <<'EOF'
import json, sys
sys.path.insert(0, "tests/tools")
from sipp_log import uac_calls
d, dead, since = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
names = ("rs1", "rs2", "rs3")
seen = {n: set() for n in names}
inv = {n: set() for n in names}
bye_ok = {n: set() for n in names}
r481 = 0
for n in names:
    try:
        f = open("%s/%s.log" % (d, n), errors="replace")
    except FileNotFoundError:
        continue
    for line in f:
        p = line.rstrip("\n").split("\t")
        if len(p) != 4:
            continue
        cid, method, status = p[0], p[1], p[3]
        seen[n].add(cid)
        if method == "INVITE":
            inv[n].add(cid)
        if method == "BYE" and status == "200":
            bye_ok[n].add(cid)
        if status == "481":
            r481 += 1
u = uac_calls(["%s/%s.short" % (d, n) for n in ("uac1", "uac2")],
              set().union(*bye_ok.values()))
first, sent, bad, bye_at, failed = (u[k] for k in
                                    ("first", "sent", "bad", "bye_at", "failed"))
lost = {c for c in failed - bad if c in inv["rs2"] and
        any(dead <= t <= since for t in bye_at.get(c, ()))}
late = {c for c, t in first.items() if t > since}
origin = inv["rs2"]
others = (inv["rs1"] | inv["rs3"]) - origin
print(json.dumps({
    "calls": {n: len(inv[n]) for n in names},
    "origin": len(origin),
    "moved": {n: len(origin & seen[n]) for n in ("rs1", "rs3")},
    "moved_ok": {n: len(origin & bye_ok[n]) for n in ("rs1", "rs3")},
    "moved_split": len(origin & seen["rs1"] & seen["rs3"]),
    "split_other": len({c for c in others
                        if sum(c in seen[n] for n in names) > 1}),
    "r481": r481,
    "new_after": {n: len(late & inv[n]) for n in ("rs1", "rs3")},
    "sent": len(sent),
    "failed": len(failed),
    "lost_bye": len(lost),
    "failed_ids": sorted(failed - lost)[:5],
}))
EOF
}

# Debian's keepalived with the same configuration: "lvs_sched sip" and
# "lor" rejected, wlc instead, the sip flag unknown, the persistence
# engine dropped. (With wlc and ops every datagram finds all servers idle
# and goes to the same one: 300 of 300 calls on one server, measured.)
stock_baseline() {
	local line dns
	ka_up "$KA_STOCK" stock 240
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
	echo "# $(svc_line 1813)"
	check "stock keepalived baseline: radius -> wlc, radius-stateless unknown, no flag" \
		stock_radius "$(svc_line 1813)" "$KA_DIR/stock.log"
	# keepalived removes its services when it stops.
	kill "$(cat "$KA_DIR/stock.pid")"
	wait_for 60 svc_gone
}
stock_radius() {
	matches "$1" " -s wlc -o$" &&
		grep -q "Unknown keyword 'radius-stateless'" "$2"
}
svc_gone() { [ -z "$(ns dir1 ipvsadm -S -n)" ]; }

test_keepalived() {
	local k rc rc2 failed2 t0 t1 c0 c1 m1 m3 line dns down sip spread failed
	setup store || return 1
	ka_conf "$KA_DIR/keepalived.conf"
	stock_baseline
	if [ ! -x "$KA" ]; then
		skip "keepalived: $KA not built (scripts/build-keepalived)"
		return 0
	fi
	ka_up "$KA" ka 240
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
	radius_checks keepalived "$KA_DIR/ka.log"

	# 15 s of calls, 2 s each; rs2 dies after about 3 s (once 60
	# datagrams reached it, however slow SIPp starts).
	sip_uac_start uac1 cl1 "$VIP4" 450 30 -d 2000
	wait_for 60 rs2_got 60
	t0=$(sip_now)
	# rs2's SIP server dies.
	kill "$(ns rs2 ss -Hnlup 'sport = :5060' | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)"
	wait_for 60 rs_absent 2
	t1=$(sip_now)
	c0=$(sip_rs_count 2)
	down=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "# rs2 removed ${down} s after its SIP server died; real servers now: $(svc_rs 5060)"
	# New calls once rs2 is gone, from a second client: on a slow
	# machine uac1 may have sent its last INVITE before the removal.
	sip_uac_start uac2 cl2 "$VIP4" 60 30 -d 500
	sip_uac_wait uac1
	rc=$?
	sip_uac_wait uac2
	rc2=$?
	sleep 0.5
	c1=$(sip_rs_count 2)
	uac_report uac1 "$rc"
	uac_report uac2 "$rc2"
	failed=$(sip_uac_stat uac1 'FailedCall(C)')
	failed2=$(sip_uac_stat uac2 'FailedCall(C)')
	k=$(ka_summary "$t0" "$t1")
	echo "# $k"
	echo "# $(grep -E 'Removing service|Adding service' "$KA_DIR/ka.log" | tail -n 2)"
	m1=$(sj "$k" 'd["moved"]["rs1"]')
	m3=$(sj "$k" 'd["moved"]["rs3"]')
	# Calls on all three servers before rs2 died, and the sip scheduler.
	spread=$(sj "$k" 'int(min(d["calls"].values()) > 0)')
	[ "$sip" = 1 ] || spread=0
	echo "# rs2 had $(sj "$k" 'd["origin"]') calls; datagrams to rs2: $c0 at removal, $c1 at the end; later messages of its calls went to rs1 ($m1 calls, $(sj "$k" 'd["moved_ok"]["rs1"]') BYEs answered 200) and rs3 ($m3, $(sj "$k" 'd["moved_ok"]["rs3"]')); Moved counter $(sip_counter dir1 Moved); failed calls: $failed (SIPp), $(sj "$k" 'd["failed"]') (messages; $(sj "$k" 'd["lost_bye"]') of rs2 whose BYE went to it dead, SIPp taking a stale 200 for its answer); 481 sent: $(sj "$k" 'd["r481"]')"
	check "keepalived: failed check removed rs2 from the sip service (ipvsadm -Ln: $(svc_rs 5060))" \
		[ "$(svc_rs 5060)/$sip" = "$(rs_addr4 1):5060 $(rs_addr4 3):5060 /1" ]
	check "keepalived: calls on all three servers, no datagram reached rs2 after its removal" \
		[ "$c1/$spread" = "$c0/1" ]
	check "keepalived: rs2's calls' later messages went to both survivors" \
		gt0 "$m1" "$m3"
	check "keepalived: each moved call reached one survivor only" \
		[ "$(sj "$k" 'd["moved_split"]')/$((m1 + m3 > 0))" = 0/1 ]
	check "keepalived: calls on all three servers, calls of rs1 and rs3 stayed on their server" \
		[ "$(sj "$k" 'd["split_other"]')/$spread" = 0/1 ]
	check "keepalived: calls started after the removal on both survivors" \
		gt0 "$(sj "$k" 'd["new_after"]["rs1"]')" "$(sj "$k" 'd["new_after"]["rs3"]')"
	if [ "$KA_STORE" = 0 ]; then
		# The control: per-server dialogs, rs2's calls in a dialog fail.
		check "keepalived control (per-server dialogs): rs2's calls in a dialog failed with 481 from the survivors" \
			gt0 "$failed" "$(sj "$k" 'd["r481"]')"
	else
		check "keepalived: 450 + 60 calls, 0 failed (SIPp's statistics, and messages but for BYEs sent to rs2 dead), SIPp exit 0" \
			[ "$(sip_uac_stat uac1 'SuccessfulCall(C)')/$(sip_uac_stat uac2 'SuccessfulCall(C)')/$failed/$failed2/$(sj "$k" 'd["sent"]')/$(sj "$k" 'd["failed"] - d["lost_bye"]')/$rc/$rc2/$spread" = 450/60/0/0/510/0/0/0/1 ]
		# (Tied to calls having moved at all: none move without sip.)
		check "keepalived: every moved call's BYE answered 200 by its survivor (shared dialogs), no 481" \
			[ "$(sj "$k" 'd["moved_ok"]["rs1"]')/$(sj "$k" 'd["moved_ok"]["rs3"]')/$(sj "$k" 'd["r481"]')/$((m1 + m3 > 0))" = "$m1/$m3/0/1" ]
	fi

	# rs2 comes back: its check passes, keepalived adds it again.
	ka_uas 2
	check "keepalived: rs2 added back to the sip service once its SIP server is up again" \
		rs2_back "$sip"
}
rs2_got() { [ "$(sip_rs_count 2)" -ge "$1" ]; }
rs2_gone() { wait_for 60 rs_absent 2 && [ "$1" = 1 ]; }
rs2_back() { wait_for 60 rs_present 2 && [ "$1" = 1 ]; }

# radius_checks TAG LOG: the radius services and the misplaced radius
# flag, as keepalived TAG configured them (its log in LOG).
radius_checks() {
	local auth acct wrong
	wait_for 30 svc_present 1812 1813 5062
	auth=$(svc_line 1812)
	acct=$(svc_line 1813)
	wrong=$(svc_line 5062)
	echo "# $auth"
	echo "# $acct"
	echo "# $wrong"
	grep -F "only applies to radius scheduler" "$2" | sed 's/^/# /'
	check "$1: UDP $VIP4:1812 created with radius, ops, pe reply, radius-move-quiesced (flag 1 only)" \
		matches "$auth" " -s radius " " --pe reply " " -o( |$)" " -b (flag-1|radius-move-quiesced)$"
	check "$1: UDP $VIP4:1813 created with radius, radius-addr-only and radius-stateless (flags 2 and 3 only)" \
		matches "$acct" " -s radius " " -o( |$)" " -b (flag-2,flag-3|radius-addr-only,radius-stateless)$"
	check "$1: radius-stateless with lvs_sched rr reported and ignored" \
		misplaced "$wrong" "$2"
}
svc_present() {
	local p
	for p; do
		[ -n "$(svc_line "$p")" ] || return 1
	done
}
misplaced() {
	matches "$1" " -s rr " && [[ ! "$1" =~ " -b " ]] &&
		grep -q "radius-stateless only applies to radius scheduler" "$2"
}

refused() {
	[ -z "$(svc_line "$2")" ] &&
		grep -q "the kernel does not know scheduler '$1'" "$3"
}
no_flag() {
	[[ ! "$1" =~ flag-|sip-|-b ]] &&
		grep -q "Unknown keyword 'sip-addr-only'" "$2"
}

test_keepalived_22() {
	local line dns sip=0
	if [ ! -x "$KA22" ]; then
		skip "keepalived 2.2: $KA22 not built (scripts/build-keepalived --version 2.2)"
		return 0
	fi
	topo_ns dir1 "link add dummy0 type dummy" "link set dummy0 up" \
		"addr add $(dir_addr4 1)/24 dev dummy0"
	ka_init
	ka_conf "$KA_DIR/keepalived.conf" /bin/true
	ka_up "$KA22" ka22 60
	line=$(svc_line 5060)
	dns=$(svc_line 53)
	echo "# $line"
	echo "# $dns"
	matches "$line" " -s sip " && sip=1
	check "keepalived 2.2: UDP $VIP4:5060 created with sip, sip-addr-only (flag 2), ops" \
		matches "$line" " -s sip " " -b (flag-2|sip-addr-only)( |$)" " -o( |$)"
	check "keepalived 2.2: three real servers of the sip service" \
		[ "$(svc_rs 5060 | wc -w)/$sip" = 3/1 ]
	check "keepalived 2.2: UDP $VIP4:53 created with lor, ops, pe reply" \
		matches "$dns" " -s lor " " --pe reply " " -o( |$)"
	check "keepalived 2.2: lvs_sched nosuch: no service, the kernel's refusal logged" \
		refused nosuch 5061 "$KA_DIR/ka22.log"
	radius_checks "keepalived 2.2" "$KA_DIR/ka22.log"
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
	wait_for 240 rs_count_is 5060 3
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
