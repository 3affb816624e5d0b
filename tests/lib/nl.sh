# SPDX-License-Identifier: GPL-2.0
#
# The ipvs_udp netlink test client and SIP datagrams for the netlink
# scenarios (netlink, netlink-hostile, netlink-priv, lifecycle). Source
# after result.sh, topo.sh and sip.sh.
# shellcheck shell=bash

NL=tests/tools/ipvs_udp_nl.py
# The sip service of the scenarios, as the client's JSON.
SVC='{"af":"inet","protocol":17,"addr":"10.0.100.1","port":5060}'

# nl NS ARGS...: the client in network namespace NS (JSON on stdout).
nl() {
	local n=$1
	shift
	ns "$n" /usr/bin/python3 "$NL" "$@"
}

# send_calls NS FIRST COUNT [PREFIX [PORT]]: one SIP OPTIONS per Call-ID
# PREFIX-FIRST .. PREFIX-(FIRST+COUNT-1) from NS's client address to
# VIP:PORT (PREFIX nl, PORT 5060).
send_calls() {
	ns "$1" /usr/bin/python3 - "$(cl_addr4 1)" "$VIP4" "$2" "$3" "${4:-nl}" "${5:-5060}" <<'PY'
import socket, sys, time
src, vip, first, n, pfx = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
port = int(sys.argv[6])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for i in range(first, first + n):
    cid = "%s-%d@test" % (pfx, i)
    m = ("OPTIONS sip:rs@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d\r\n"
         "From: <sip:a@%s>;tag=%d\r\nTo: <sip:rs@%s>\r\nCall-ID: %s\r\n"
         "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n") % (
             vip, src, i, src, i, vip, cid)
    s.sendto(m.encode(), (vip, port))
    if i % 200 == 199:
        time.sleep(0.05)
PY
}
