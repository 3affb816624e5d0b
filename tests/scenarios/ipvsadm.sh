#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvsadm with ipvsadm-patches/ applied (scripts/build-ipvsadm) speaks the
# new features: named sip and radius scheduler flags (-b sip-move-quiesced,
# -b radius-stateless, ...) set the right kernel flags and are listed and
# saved by name, "pe reply" is listed for one-packet services,
# save/restore reproduces the kernel state, usage text and man page
# describe sip, lor, radius and reply.
#
# The kernel state is cross-checked with the stock /usr/sbin/ipvsadm
# (-Sn prints the generic flag-1..3 and every engine) and, for
# sip-move-quiesced and radius-stateless, with the scheduler's behaviour
# (/proc/net/ip_vs_sip, /proc/net/ip_vs_radius).
#
#   cl1 --- rt --- lan --- dir1 (DR, VIP 10.0.100.1 / fd00:100::1)
#                     +--- rs1, rs2
#
# IPVS_UDP_IPVSADM=/usr/sbin/ipvsadm (and IPVS_UDP_IPVSADM_MAN=
# /usr/share/man/man8/ipvsadm.8.gz) run the same checks against the stock
# tool: every test then fails.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/ipvsadm.sh [test_...]
# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

IPVSADM=${IPVS_UDP_IPVSADM:-build/ipvsadm/sbin/ipvsadm}
MANPAGE=${IPVS_UDP_IPVSADM_MAN:-build/ipvsadm/man/man8/ipvsadm.8}
STOCK=/usr/sbin/ipvsadm
SVC=$VIP4:5060

if ! [ -x "$IPVSADM" ]; then
	fail "ipvsadm: $IPVSADM not built (run scripts/build-ipvsadm)"
	exit 1
fi
echo "# ipvsadm under test: $IPVSADM"

I() { ns dir1 "$IPVSADM" "$@"; }

# The service line of VSVC in a listing ("UDP  10.0.100.1:5060 sip ...").
svc_line() { awk -v s="$2" '$2 == s' <<<"$1"; }
# The -A rule of VSVC (e.g. "-u 10.0.100.1:5060") in the stock tool's -Sn.
stock_rule() { ns dir1 "$STOCK" -Sn | grep -e "^-A $1 "; }

# A director namespace alone, for the tests that send no traffic.
dir_only() {
	topo_ns dir1 "link add dummy0 type dummy" "link set dummy0 up" \
		"addr add $(dir_addr4 1)/24 dev dummy0" \
		"addr add $(dir_addr6 1)/64 dev dummy0 nodad"
}

sip_svc() {
	I -A -u "$SVC" -s sip -o "$@" || return 1
	I -a -u "$SVC" -r "$(rs_addr4 1):5060" -g -w 1 &&
		I -a -u "$SVC" -r "$(rs_addr4 2):5060" -g -w 1
}

test_sip_flags() {
	local l err
	dir_only || return 1
	check "sip flags: -A -s sip -b sip-move-quiesced accepted" \
		sip_svc -b sip-move-quiesced
	l=$(stock_rule "-u $SVC")
	echo "# stock -Sn: $l"
	check "sip flags: kernel has flag-1 only (stock -Sn)" \
		[ "$l" = "-A -u $SVC -s sip -o -b flag-1" ]
	l=$(svc_line "$(I -Ln)" "$SVC")
	echo "# -Ln: $l"
	check "sip flags: -Ln lists sip (sip-move-quiesced) ops" \
		[ "$l" = "UDP  $SVC sip (sip-move-quiesced) ops" ]

	I -E -u "$SVC" -s sip -o -b sip-addr-only,sip-stateless
	l=$(stock_rule "-u $SVC")
	echo "# after -E -b sip-addr-only,sip-stateless, stock -Sn: $l"
	check "sip flags: -E -b sip-addr-only,sip-stateless sets flag-2,flag-3" \
		[ "$l" = "-A -u $SVC -s sip -o -b flag-2,flag-3" ]

	I -E -u "$SVC" -s sip -o -b sip-stateless,sip-move-quiesced,sip-addr-only
	l=$(svc_line "$(I -Ln)" "$SVC")
	echo "# all three: stock -Sn: $(stock_rule "-u $SVC"); -Ln: $l"
	check "sip flags: all three listed by name" \
		[ "$l" = "UDP  $SVC sip (sip-move-quiesced,sip-addr-only,sip-stateless) ops" -a \
		"$(stock_rule "-u $SVC")" = "-A -u $SVC -s sip -o -b flag-1,flag-2,flag-3" ]

	# The generic names still work and are listed by name for sip.
	I -A -u "$VIP4:5062" -s sip -b flag-2
	l=$(svc_line "$(I -Ln)" "$VIP4:5062")
	echo "# -b flag-2: $l"
	check "sip flags: -b flag-2 on sip listed as sip-addr-only" \
		[ "$l" = "UDP  $VIP4:5062 sip (sip-addr-only)" ]

	# Named sip flags belong to sip, as sh-port belongs to sh.
	err=$(I -A -u "$VIP4:5061" -s rr -b sip-stateless 2>&1)
	echo "# -s rr -b sip-stateless: $err"
	check "sip flags: refused with another scheduler as incompatible" \
		[ "$err" = "incompatible scheduler flag \`sip-stateless'" -a \
		-z "$(stock_rule "-u $VIP4:5061")" ]
}

RSVC=$VIP4:1812

radius_svc() {
	I -A -u "$RSVC" -s radius -o --pe reply "$@" || return 1
	I -a -u "$RSVC" -r "$(rs_addr4 1):1812" -g -w 1 &&
		I -a -u "$RSVC" -r "$(rs_addr4 2):1812" -g -w 1
}

# The stock tool's rule for the radius service once -E -b "$1" set its
# flags with the patched tool.
radius_flags_as_stock() {
	I -E -u "$RSVC" -s radius -o --pe reply -b "$1" || return 1
	stock_rule "-u $RSVC"
}

test_radius_flags() {
	local l err
	dir_only || return 1
	check "radius flags: -A -s radius -o --pe reply -b radius-stateless accepted" \
		radius_svc -b radius-stateless
	l=$(stock_rule "-u $RSVC")
	echo "# stock -Sn: $l"
	check "radius flags: -b radius-stateless sets flag-3 only (stock -Sn)" \
		[ "$l" = "-A -u $RSVC -s radius --pe reply -o -b flag-3" ]
	l=$(svc_line "$(I -Ln)" "$RSVC")
	echo "# -Ln: $l"
	check "radius flags: -Ln lists radius (radius-stateless) pe reply ops" \
		[ "$l" = "UDP  $RSVC radius (radius-stateless) pe reply ops" ]
	l=$(I -Sn | grep -e "^-A -u $RSVC ")
	echo "# -Sn: $l"
	check "radius flags: -Sn saves -b radius-stateless" \
		[ "$l" = "-A -u $RSVC -s radius --pe reply -o -b radius-stateless" ]

	# Each name on its own, so that two swapped names show.
	l=$(radius_flags_as_stock radius-move-quiesced)
	echo "# -E -b radius-move-quiesced, stock -Sn: $l"
	check "radius flags: -b radius-move-quiesced sets flag-1 only (stock -Sn)" \
		[ "$l" = "-A -u $RSVC -s radius --pe reply -o -b flag-1" ]
	l=$(radius_flags_as_stock radius-addr-only)
	echo "# -E -b radius-addr-only, stock -Sn: $l"
	check "radius flags: -b radius-addr-only sets flag-2 only (stock -Sn)" \
		[ "$l" = "-A -u $RSVC -s radius --pe reply -o -b flag-2" ]

	I -E -u "$RSVC" -s radius -o --pe reply \
		-b radius-stateless,radius-addr-only,radius-move-quiesced
	l=$(svc_line "$(I -Ln)" "$RSVC")
	echo "# all three: stock -Sn: $(stock_rule "-u $RSVC"); -Ln: $l; -Sn: $(I -Sn | grep -e "^-A -u $RSVC ")"
	check "radius flags: all three listed and saved by name" \
		[ "$l" = "UDP  $RSVC radius (radius-move-quiesced,radius-addr-only,radius-stateless) pe reply ops" -a \
		"$(stock_rule "-u $RSVC")" = "-A -u $RSVC -s radius --pe reply -o -b flag-1,flag-2,flag-3" -a \
		"$(I -Sn | grep -e "^-A -u $RSVC ")" = "-A -u $RSVC -s radius --pe reply -o -b radius-move-quiesced,radius-addr-only,radius-stateless" ]

	# The generic names still work and are listed by name for radius.
	I -A -u "$VIP4:1813" -s radius -o -b flag-1,flag-3
	l=$(svc_line "$(I -Ln)" "$VIP4:1813")
	echo "# -b flag-1,flag-3: $l"
	check "radius flags: -b flag-1,flag-3 on radius listed as radius-move-quiesced,radius-stateless" \
		[ "$l" = "UDP  $VIP4:1813 radius (radius-move-quiesced,radius-stateless) ops" ]

	# Named radius flags belong to radius, and sip's to sip.
	err=$(I -A -u "$VIP4:1814" -s sip -b radius-stateless 2>&1)
	echo "# -s sip -b radius-stateless: $err"
	check "radius flags: refused with the sip scheduler as incompatible" \
		[ "$err" = "incompatible scheduler flag \`radius-stateless'" -a \
		-z "$(stock_rule "-u $VIP4:1814")" ]
	err=$(I -A -u "$VIP4:1815" -s radius -b sip-stateless 2>&1)
	echo "# -s radius -b sip-stateless: $err"
	check "radius flags: sip's names refused with the radius scheduler" \
		[ "$err" = "incompatible scheduler flag \`sip-stateless'" -a \
		-z "$(stock_rule "-u $VIP4:1815")" ]
}

# One Access-Request from cl1 to the radius service, keyed by its
# User-Name and NAS-IP-Address (RFC 2865; no reply is needed).
radius_request() {
	ns cl1 /usr/bin/python3 -c '
import os, socket, struct, sys
user = sys.argv[1].encode()
attrs = bytes([1, 2 + len(user)]) + user + bytes([4, 6]) + socket.inet_aton("10.0.1.2")
m = struct.pack("!BBH", 1, 7, 20 + len(attrs)) + os.urandom(16) + attrs
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(m, ("10.0.100.1", 1812))' "$1"
}

# radius_counter COLUMN: a column of the first service line of
# /proc/net/ip_vs_radius in dir1 (the Service column holds two fields).
radius_counter() {
	# shellcheck disable=SC2016
	ns dir1 awk -v col="$1" 'NR == 1 {
		for (i = 1; i <= NF; i++) if ($i == col) c = i + 1; next }
		NR == 2 { print (c ? $c : "?"); found = 1 }
		END { if (!found) print "?" }' /proc/net/ip_vs_radius
}
radius_messages_are() { [ "$(radius_counter Messages)" = "$1" ]; }

# radius_run FLAGS...: a radius service with FLAGS, one keyed request.
# Prints "Messages Created Bindings".
radius_run() {
	radius_svc "$@" || return 1
	radius_request "ipvsadm-user-1" || return 1
	wait_for 60 radius_messages_are 1
	echo "$(radius_counter Messages) $(radius_counter Created) $(radius_counter Bindings)"
}

# The kernel acts on the flag "-b radius-stateless" set: a keyed request
# is bound to its server without it, and placed by the hash alone, with
# no binding, with it.
test_radius_stateless_behaviour() {
	local r
	topo_setup dr 2
	r=$(radius_run) || return 1
	echo "# no flag: Messages Created Bindings: $r"
	check "radius-stateless: without the flag the request's key is bound (Created 1)" \
		[ "$r" = "1 1 1" ]
	I -C
	r=$(radius_run -b radius-stateless) ||
		{ fail "radius-stateless: service with -b radius-stateless"; return 0; }
	echo "# -b radius-stateless: Messages Created Bindings: $r"
	check "radius-stateless: with -b radius-stateless the key is placed, not bound (Created 0)" \
		[ "$r" = "1 0 0" ]
}

# One SIP request with Call-ID $1 from cl1 to the VIP.
sip_request() {
	ns cl1 /usr/bin/python3 -c '
import socket, sys
m = ("OPTIONS sip:svc@10.0.100.1 SIP/2.0\r\n"
     "Via: SIP/2.0/UDP 10.0.1.2:5099;branch=z9hG4bK-" + sys.argv[1] + "\r\n"
     "From: <sip:t@cl1>;tag=1\r\nTo: <sip:svc@10.0.100.1>\r\n"
     "Call-ID: " + sys.argv[1] + "\r\nCSeq: 1 OPTIONS\r\n"
     "Content-Length: 0\r\n\r\n")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.1.2", 5099))
s.sendto(m.encode(), ("10.0.100.1", 5060))' "$1"
}

# SIP datagrams that reached rs1 and rs2, "N1 N2".
rs_counts() { echo "$(sip_rs_count 1) $(sip_rs_count 2)"; }
# wait until rs1 + rs2 got N datagrams
rs_total_is() { [ "$(rs_counts | awk '{ print $1 + $2 }')" = "$1" ]; }

# quiesce_run FLAGS: bind a call, set its server to weight 0, send the
# call's next request. Prints "first-server second-server Moved".
quiesce_run() {
	local c0 c1 first second
	# shellcheck disable=SC2086
	sip_svc $1 || return 1
	sip_rs_count_init 1 && sip_rs_count_init 2 || return 1
	sip_request "ipvsadm-call-1" || return 1
	wait_for 60 rs_total_is 1
	c0=$(rs_counts)
	case "$c0" in
	"1 0") first=1 ;;
	"0 1") first=2 ;;
	*) echo "# unexpected placement: $c0" >&2; return 1 ;;
	esac
	ns dir1 "$STOCK" -e -u "$SVC" -r "$(rs_addr4 "$first"):5060" -g -w 0 ||
		return 1
	sip_request "ipvsadm-call-1" || return 1
	wait_for 60 rs_total_is 2
	c1=$(rs_counts)
	case "$c1" in
	"2 0" | "0 2") second=$first ;;
	"1 1") second=$((3 - first)) ;;
	*) echo "# unexpected placement: $c1" >&2; return 1 ;;
	esac
	echo "rs$first rs$second $(sip_counter dir1 Moved)"
}

# The kernel acts on the flag that "-b sip-move-quiesced" set: a call
# bound to a real server set to weight 0 moves at once (without the flag it
# drains: stays).
test_sip_move_quiesced_behaviour() {
	local r
	topo_setup dr 2
	r=$(quiesce_run "") || return 1
	echo "# no flag: first, second server, Moved: $r"
	check "move-quiesced: without the flag the call stays on its quiesced server" \
		[ "$(echo "$r" | awk '{ print ($1 == $2) " " $3 }')" = "1 0" ]
	I -C
	ns rs1 iptables-legacy -F INPUT && ns rs2 iptables-legacy -F INPUT &&
		ns rs1 ip6tables-legacy -F INPUT && ns rs2 ip6tables-legacy -F INPUT ||
		return 1
	r=$(quiesce_run "-b sip-move-quiesced") ||
		{ fail "move-quiesced: service with -b sip-move-quiesced"; return 0; }
	echo "# -b sip-move-quiesced: first, second server, Moved: $r"
	check "move-quiesced: with -b sip-move-quiesced the call moves (Moved 1)" \
		[ "$(echo "$r" | awk '{ print ($1 != $2) " " $3 }')" = "1 1" ]
}

# Save with the tool, clear, restore with the tool: the kernel state (as the
# stock tool dumps it) is identical, and the saved rules use the names.
test_save_restore() {
	local before after saved
	dir_only || return 1
	{
		sip_svc -b sip-move-quiesced,sip-addr-only,sip-stateless &&
			I -A -u "[$VIP6]:5060" -s sip -o -b sip-addr-only &&
			I -a -u "[$VIP6]:5060" -r "[$(rs_addr6 1)]:5060" -g -w 3 &&
			I -A -u "$VIP4:53" -s lor -o --pe reply &&
			I -a -u "$VIP4:53" -r "$(rs_addr4 1):53" -g -w 2 &&
			I -a -u "$VIP4:53" -r "$(rs_addr4 2):53" -g -w 5 &&
			I -A -f 1 -s rr -o --pe reply &&
			I -a -f 1 -r "$(rs_addr4 1)" -g &&
			I -A -u "$VIP4:5070" -s rr -p 60 --pe sip &&
			I -A -u "$VIP4:5071" -s sip -b flag-3 &&
			I -A -u "$VIP4:1812" -s radius -o --pe reply -b radius-stateless,radius-move-quiesced &&
			I -a -u "$VIP4:1812" -r "$(rs_addr4 2):1812" -g -w 4
	} || { fail "save/restore: setting up the services with $IPVSADM"; return 0; }
	before=$(ns dir1 "$STOCK" -Sn)
	saved=$(I -Sn)
	echo "$saved" | sed 's/^/# saved: /'
	I -C
	[ -z "$(ns dir1 "$STOCK" -Sn)" ] || return 1
	echo "$saved" | I -R
	after=$(ns dir1 "$STOCK" -Sn)
	if [ "$before" != "$after" ]; then
		diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
	fi
	check "save/restore: identical kernel state after -S | -C | -R ($(echo "$before" | grep -c '^-A') services, $(echo "$before" | grep -c '^-a') servers)" \
		[ -n "$before" -a "$before" = "$after" ]
	check "save/restore: rules name the sip flags" \
		grep -qx -e "-A -u $SVC -s sip -o -b sip-move-quiesced,sip-addr-only,sip-stateless" \
		<<<"$saved"
	check "save/restore: generic -b flag-3 on sip saved as sip-stateless" \
		grep -qx -e "-A -u $VIP4:5071 -s sip -b sip-stateless" <<<"$saved"
	check "save/restore: rules name the radius flags" \
		grep -qx -e "-A -u $VIP4:1812 -s radius --pe reply -o -b radius-move-quiesced,radius-stateless" \
		<<<"$saved"
	# The restored rules list the same way as the originals.
	check "save/restore: restored services list pe reply and the sip flags" \
		[ "$(svc_line "$(I -Ln)" "$VIP4:53")" = "UDP  $VIP4:53 lor pe reply ops" -a \
		"$(svc_line "$(I -Ln)" "[$VIP6]:5060")" = "UDP  [$VIP6]:5060 sip (sip-addr-only) ops" ]
}

test_pe_reply_listing() {
	local out
	dir_only || return 1
	I -A -u "$VIP4:53" -s lor -o --pe reply || return 1
	I -A -u "$VIP4:5353" -s rr --pe reply || return 1
	I -A -f 1 -s rr -o --pe reply || return 1
	I -A -u "$VIP4:5070" -s rr -p 60 --pe sip -o || return 1
	out=$(I -Ln)
	echo "$out" | sed 's/^/# /'
	check "pe reply: -Ln lists UDP $VIP4:53 lor pe reply ops" \
		[ "$(svc_line "$out" "$VIP4:53")" = "UDP  $VIP4:53 lor pe reply ops" ]
	check "pe reply: -Ln lists the engine without -o too" \
		[ "$(svc_line "$out" "$VIP4:5353")" = "UDP  $VIP4:5353 rr pe reply" ]
	check "pe reply: -Ln lists the engine of a fwmark service" \
		grep -qx "FWM  1 rr pe reply ops" <<<"$out"
	# Regression check (passes with stock too): persistent services unchanged.
	check "pe reply: persistent services list as before (unchanged from stock)" \
		[ "$(svc_line "$out" "$VIP4:5070")" = "UDP  $VIP4:5070 rr persistent 60 pe sip ops" ]
	check "pe reply: lor and pe_reply modules autoloaded (unchanged from stock)" \
		eval 'grep -q "^ip_vs_lor " /proc/modules &&
			grep -q "^ip_vs_pe_reply " /proc/modules'
}

test_usage() {
	local out
	out=$("$IPVSADM" -h 2>&1)
	check "usage: -h names sip, lor and radius among the schedulers" \
		grep -q 'one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|sip|lor|radius,' <<<"$out"
	check "usage: -h names reply among the persistence engines" \
		grep -q 'persistence engine may be sip|reply,' <<<"$out"
}

# The man page renders without groff warnings and documents the additions.
test_man_page() {
	local warn text
	warn=$(zcat -f "$MANPAGE" | groff -man -Tascii -ww -z 2>&1)
	[ -z "$warn" ] && echo "# groff -ww: no warnings" || echo "# groff: $warn"
	# Long lines, no hyphenation, whitespace squeezed: phrases grep as one.
	text=$(zcat -f "$MANPAGE" | groff -man -Tascii -rLL=1000n -rHY=0 -P-cbou \
		2>/dev/null | tr -s ' \n\t' '   ')
	man_has() { [ -z "$warn" ] && grep -qF -- "$1" <<<"$text"; }
	check "man: -s sip described" man_has "sip - SIP Call-ID:"
	check "man: -s lor described" man_has "lor - Least Outstanding Requests:"
	check "man: --pe reply described" man_has "reply - from the ipvs-udp modules"
	check "man: sip-move-quiesced explained" \
		man_has "three flags: sip-move-quiesced (flag-1), which moves the calls bound to a real server with weight 0 at once"
	check "man: sip-addr-only explained" \
		man_has "sip-addr-only (flag-2), which places datagrams without a Call-ID by the client address alone"
	check "man: sip-stateless explained" \
		man_has "sip-stateless (flag-3), which makes the scheduler stateless"
	check "man: --pe without -p and with -o explained" \
		man_has "A persistence engine does not need -p"
	check "man: -b example with a named flag" \
		man_has "ipvsadm -A -u 10.0.0.1:5060 -s sip -o -b sip-move-quiesced"
	check "man: -s radius described" man_has "radius - RADIUS conversations:"
	check "man: radius-move-quiesced explained" \
		man_has "radius-move-quiesced (flag-1), which moves the conversations bound to a real server with weight 0 at once"
	check "man: radius-addr-only explained" \
		man_has "radius-addr-only (flag-2), which places datagrams without a key by the client address alone"
	check "man: radius-stateless explained" \
		man_has "radius-stateless (flag-3), which makes the scheduler stateless"
	check "man: -b example with a radius flag" \
		man_has "ipvsadm -A -u 10.0.0.1:1812 -s radius -o --pe reply -b radius-stateless"
}

scenario_main "$@"
