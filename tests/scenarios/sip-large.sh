#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sip scheduler on large INVITEs: a call that went through proxies and
# SBCs carries Record-Route and Authorization headers, and its Call-ID can
# come after the first 2048 bytes of the datagram, which is then
# fragmented (MTU 1500) and reassembled by the director: the scheduler
# reads a non-linear skb whose Call-ID is past its linear area.
#
#   cl1 --- rt --- lan --- dir1 (ipvsadm -A -u VIP:5060 -s sip -o)
#                     +--- rs1, rs2, rs3 (DR; a UDP listener logging the
#                                        Call-ID of every datagram)
#
# tests/tools/sip_large.py sends calls of four messages (INVITE, ACK, BYE,
# BYE again), each message from a new source port; every INVITE has about
# 2,600 (test_ipv4_2600, test_ipv6_2600) or 8,000 (one_ipv4_8000) bytes
# of those headers before its Call-ID. Passes when every message of every
# call reached the same server, all servers got calls, the INVITEs left
# the client in fragments, and the scheduler parsed every datagram (no
# "no key" fallback). Then a few requests whose Call-ID header is longer
# than the parser reads (2048 bytes) must be counted in the TooLong column
# of /proc/net/ip_vs_sip and in the netlink counters.
#
# Fails without the fix (a parser that read only the first 2048 bytes):
# each INVITE is placed by its (new) source port, so about two calls in
# three are split between servers.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/sip-large.sh [test_...]

# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

TOOL=tests/tools/sip_large.py
CALLS=60
WORK=/tmp/sip-large

# toolong_is N: dir1's TooLong counter is N.
toolong_is() { [ "$(sip_counter dir1 TooLong)" = "$1" ]; }

# large_run FAMILY PAD: the topology, the service, the calls with PAD bytes
# of proxy headers before the Call-ID, and the checks.
large_run() {
	local fam=$1 pad=$2 vip i sent msgs pcap frags label parsed nokey
	local toolong nl af
	label="ipv$fam, Call-ID after $pad bytes of proxy headers"
	topo_setup dr 3
	rm -rf "$WORK"
	mkdir -p "$WORK"
	if [ "$fam" = 6 ]; then vip=$VIP6; else vip=$VIP4; fi
	for i in 1 2 3; do
		bg "rs$i" /usr/bin/python3 "$TOOL" recv --addr "$vip" \
			--log "$WORK/rs$i.log"
		wait_udp_port "rs$i" 5060 || return 1
	done
	if [ "$fam" = 6 ]; then
		ns dir1 ipvsadm -A -u "[$vip]:5060" -s sip -o || return 1
		for i in 1 2 3; do
			ns dir1 ipvsadm -a -u "[$vip]:5060" \
				-r "[$(rs_addr6 "$i")]:5060" -g -w 1 || return 1
		done
	else
		ns dir1 ipvsadm -A -u "$vip:5060" -s sip -o || return 1
		for i in 1 2 3; do
			ns dir1 ipvsadm -a -u "$vip:5060" \
				-r "$(rs_addr4 "$i"):5060" -g -w 1 || return 1
		done
	fi

	# What reaches the director, before reassembly
	pcap=$WORK/dir1.pcap
	bg dir1 tcpdump -i eth0 -n -s 128 -U -w "$pcap" \
		"dst host $vip" 2>/dev/null
	wait_for 60 test -s "$pcap" || sleep 1

	sent=$(ns cl1 /usr/bin/python3 "$TOOL" send --vip "$vip" \
		--calls "$CALLS" --pad "$pad" --prefix "v$fam-$pad") || return 1
	echo "# sent: $sent"
	msgs=$(json "$sent" 'd["messages"]')
	check "$label: every INVITE's Call-ID starts past byte 2048 ($(json "$sent" 'd["callid_at"]'))" \
		[ "$(json "$sent" 'd["callid_at"][0]')" -gt 2048 ]
	# Every message reached a server (or give up after 20 s).
	wait_for 60 sh -c "[ \$(cat $WORK/rs*.log | wc -l) -ge $msgs ]"
	sleep 1
	kill "${TOPO_PIDS[-1]}" 2>/dev/null
	wait "${TOPO_PIDS[-1]}" 2>/dev/null

	frags=$(tcpdump -r "$pcap" -n -v 2>/dev/null | grep -v '^ ' |
		grep -c -E 'frag \(|flags \[\+\]|offset [1-9]')
	echo "# capture: $frags fragments"
	check "$label: the INVITEs reached the director in fragments ($frags for $CALLS)" \
		[ "$frags" -ge $((2 * CALLS)) ]
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
	/usr/bin/python3 - "$WORK" "$CALLS" <<'EOF'
import collections, glob, os, sys
work, calls = sys.argv[1], int(sys.argv[2])
where = collections.defaultdict(collections.Counter)
for f in sorted(glob.glob(os.path.join(work, "rs*.log"))):
    rs = os.path.basename(f)[:-4]
    for line in open(f):
        cid, n = line.split()
        where[cid][rs] += 1
split = [c for c, v in where.items() if len(v) > 1]
lost = [c for c, v in where.items() if sum(v.values()) != 4]
per = collections.Counter(next(iter(v)) for v in where.values() if len(v) == 1)
print("# calls seen %d of %d, split over servers %d, incomplete %d, "
      "calls per server %s" % (len(where), calls, len(split), len(lost),
                               dict(sorted(per.items()))))
for c in split[:3]:
    print("#   split: %s %s" % (c, dict(where[c])))
ok = len(where) == calls and not split and not lost and len(per) == 3
sys.exit(0 if ok else 1)
EOF
	check "$label: every message of a call on one server" [ $? -eq 0 ]
	parsed=$(sip_counter dir1 Parsed)
	nokey=$(sip_counter dir1 NoKey)
	check "$label: scheduler parsed all $msgs messages (parsed $parsed, no key $nokey)" \
		[ "$parsed" = "$msgs" ] && [ "$nokey" = 0 ]

	# Call-ID headers past the parser's 2048-byte line cap are counted.
	ns cl1 /usr/bin/python3 "$TOOL" toolong --vip "$vip" --count 3 \
		>/dev/null || return 1
	wait_for 60 toolong_is 3
	toolong=$(sip_counter dir1 TooLong)
	nokey=$(sip_counter dir1 NoKey)
	check "$label: 3 Call-ID headers over 2048 bytes counted TooLong ($toolong) and placed by address (no key $nokey)" \
		[ "$toolong" = 3 ] && [ "$nokey" = 3 ]
	if [ "$fam" = 6 ]; then af=inet6; else af=inet; fi
	nl=$(ns dir1 /usr/bin/python3 tests/tools/ipvs_udp_nl.py "do" sip-get \
		"{\"service\":{\"af\":\"$af\",\"protocol\":17,\"addr\":\"$vip\",\"port\":5060}}" 2>&1)
	toolong=$(json "$nl" 'd["msgs"][0]["counters"].get("toolong")')
	echo "# sip-get counters: $(json "$nl" 'd["msgs"][0]["counters"]')"
	check "$label: netlink counters show toolong 3 ($toolong)" \
		[ "$toolong" = 3 ]
}

# make check runs the 2,600-byte calls over IPv4 and IPv6; the 8,000-byte
# ones (more windows) run by name:
#   tests/run-scenarios sip-large:one_ipv4_8000
test_ipv4_2600() { large_run 4 2600; }
test_ipv6_2600() { large_run 6 2600; }
one_ipv4_8000() { large_run 4 8000; }

scenario_main "$@"
