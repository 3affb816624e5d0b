#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How the captures here were made (tests/unit/pcap_test.cc reads them): in
# a new network namespace whose loopback has MTU 1400 (so that 3 KB
# datagrams fragment), tcpdump on lo (Ethernet), on "any" (Linux cooked
# SLL2, and SLL with -y) and on lo with a 150-byte snap length, while
# send.py sends SIP datagrams over IPv4 and IPv6 loopback. Nothing leaves
# the namespace. Run as root: unshare -n tests/data/pcap/capture.sh
set -euo pipefail
cd "$(dirname "$0")"
ip link set lo up mtu 1400
f='udp port 5060 or ip[6:2] & 0x1fff != 0 or ip6'
tcpdump -U -i lo -w lo-eth.pcap "$f" 2>/dev/null & p1=$!
tcpdump -U -i any -w any-sll2.pcap "$f" 2>/dev/null & p2=$!
tcpdump -U -i any -y LINUX_SLL -w any-sll.pcap "$f" 2>/dev/null & p3=$!
tcpdump -U -i lo -s 150 -w lo-snap150.pcap udp port 5060 2>/dev/null & p4=$!
sleep 1.5
/usr/bin/python3 send.py
sleep 1
kill -INT $p1 $p2 $p3 $p4
wait
