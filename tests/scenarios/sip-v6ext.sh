#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sip scheduler on IPv6 datagrams with extension headers: the Call-ID
# must be found at the transport offset IPVS computed (ipv6_find_hdr), not
# at a fixed 40 bytes.
#
#   cl1 --- rt --- lan --- dir1 (ipvsadm -A -u [VIP6]:5060 -s sip -o)
#                     +--- rs1, rs2, rs3 (DR; a UDP listener logging the
#                                        Call-ID of every datagram)
#
# tests/tools/sip_v6ext.py sends calls of four messages (INVITE, ACK, BYE,
# BYE again), each message from a new source port, with a Destination
# Options header, a Hop-by-Hop Options header, or both; every fifth INVITE
# is 3000 bytes long and leaves the client in IPv6 fragments (IPVS
# reassembles them with nf_defrag_ipv6: the scheduler then reads a
# non-linear skb). A packet capture on the director shows that the
# datagrams really carry those headers. Passes when every message of every
# call reached the same server, all servers got calls, and the scheduler
# parsed every datagram (no "no key" fallback).
#
# Fails without the feature: with a fixed IPv6 header length the parser
# reads the extension header as the UDP payload, finds no Call-ID and
# places each message by its (new) source port; with rr, messages of one
# call scatter:
#   IPVS_UDP_SIP_SCHED=rr tests/run-scenarios sip-v6ext
#
# Run inside UML: scripts/uml-run -- tests/scenarios/sip-v6ext.sh [test_...]

# shellcheck disable=SC2317 # test functions are called by scenario_main
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

TOOL=tests/tools/sip_v6ext.py
SCHED=${IPVS_UDP_SIP_SCHED:-sip}
OPS=${IPVS_UDP_SIP_OPS--o}
CALLS=60
WORK=/tmp/v6ext

# v6ext_run EXT: the topology, the service, the calls with extension
# headers EXT, and the checks.
v6ext_run() {
	local ext=$1 i sent msgs big pcap label="ipv6 $1 $SCHED $OPS" parsed nokey
	topo_setup dr 3
	rm -rf "$WORK"
	mkdir -p "$WORK"
	for i in 1 2 3; do
		bg "rs$i" /usr/bin/python3 "$TOOL" recv --addr "$VIP6" \
			--log "$WORK/rs$i.log"
		wait_udp_port "rs$i" 5060 || return 1
	done
	# shellcheck disable=SC2086
	ns dir1 ipvsadm -A -u "[$VIP6]:5060" -s "$SCHED" $OPS || return 1
	for i in 1 2 3; do
		ns dir1 ipvsadm -a -u "[$VIP6]:5060" \
			-r "[$(rs_addr6 "$i")]:5060" -g -w 1 || return 1
	done

	# What reaches the director, before reassembly
	pcap=$WORK/dir1.pcap
	bg dir1 tcpdump -i eth0 -n -s 128 -U -w "$pcap" \
		"ip6 and dst host $VIP6" 2>/dev/null
	wait_for 60 test -s "$pcap" || sleep 1

	sent=$(ns cl1 /usr/bin/python3 "$TOOL" send --vip "$VIP6" \
		--calls "$CALLS" --ext "$ext" --big-every 5 --prefix "$ext") ||
		return 1
	echo "# sent: $sent"
	msgs=$(json "$sent" 'd["messages"]')
	big=$(json "$sent" 'd["big"]')
	# Every message reached a server (or give up after 20 s).
	wait_for 60 sh -c "[ \$(cat $WORK/rs*.log | wc -l) -ge $msgs ]"
	sleep 1
	kill "${TOPO_PIDS[-1]}" 2>/dev/null
	wait "${TOPO_PIDS[-1]}" 2>/dev/null

	v6ext_hdrs "$label" "$ext" "$pcap" "$msgs" "$big"
	echo "# $(ns dir1 cat /proc/net/ip_vs_sip | tail -n 1)"
	/usr/bin/python3 - "$WORK" "$CALLS" "$big" <<'EOF'
import collections, glob, os, sys
work, calls, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
where = collections.defaultdict(collections.Counter)
sizes = collections.Counter()
for f in sorted(glob.glob(os.path.join(work, "rs*.log"))):
    rs = os.path.basename(f)[:-4]
    for line in open(f):
        cid, n = line.split()
        where[cid][rs] += 1
        sizes[cid] = max(sizes[cid], int(n))
split = [c for c, v in where.items() if len(v) > 1]
lost = [c for c, v in where.items() if sum(v.values()) != 4]
per = collections.Counter(next(iter(v)) for v in where.values() if len(v) == 1)
bigs = sum(1 for n in sizes.values() if n > 3000)
print("# calls seen %d of %d, split over servers %d, incomplete %d, "
      "calls per server %s, big INVITEs received %d of %d"
      % (len(where), calls, len(split), len(lost), dict(sorted(per.items())),
         bigs, big))
ok = (len(where) == calls and not split and not lost and len(per) == 3 and
      bigs == big)
sys.exit(0 if ok else 1)
EOF
	check "$label: every message of a call on one server" [ $? -eq 0 ]
	if [ "$SCHED" = sip ]; then
		parsed=$(sip_counter dir1 Parsed)
		nokey=$(sip_counter dir1 NoKey)
		check "$label: scheduler parsed all $msgs messages (parsed $parsed, no key $nokey)" \
			[ "$parsed" = "$msgs" ] && [ "$nokey" = 0 ]
	fi
}

# v6ext_hdrs LABEL EXT PCAP MSGS BIG: the capture (datagrams from the
# client and the director's copies to the real servers) shows the
# extension headers asked for, and the big INVITEs' fragments.
v6ext_hdrs() {
	local label=$1 ext=$2 pcap=$3 msgs=$4 big=$5 want=() n frag h txt
	case "$ext" in
	dst) want=(DSTOPT) ;;
	hbh) want=(HBH) ;;
	both) want=(HBH DSTOPT) ;;
	esac
	txt=$(tcpdump -r "$pcap" -n -v 2>/dev/null | grep -v '^ ')
	for h in "${want[@]}"; do
		n=$(grep -c "$h" <<<"$txt")
		echo "# capture: $n datagrams with a $h header"
		check "$label: capture shows $h headers ($n, at least $msgs)" \
			[ "$n" -ge "$msgs" ]
	done
	frag=$(grep -c 'frag (' <<<"$txt")
	echo "# capture: $frag fragments"
	check "$label: capture shows fragmented INVITEs ($frag fragments for $big)" \
		[ "$frag" -ge $((2 * big)) ]
}

# make check runs test_both (Hop-by-Hop then Destination Options); the
# single-header variants run by name, e.g.
#   tests/run-scenarios sip-v6ext:one_dstopts,one_hopopts
test_both() { v6ext_run both; }
one_dstopts() { v6ext_run dst; }
one_hopopts() { v6ext_run hbh; }

scenario_main "$@"
