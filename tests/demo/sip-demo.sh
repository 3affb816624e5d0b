#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SIP demo (make demo, via scripts/demo): the same SIPp traffic, CALLS
# calls from one client over one UDP socket, through the sip scheduler and
# through stock round robin, both with one-packet scheduling, in DR mode
# with three real servers running SIPp UAS. Prints a table per scheduler:
# calls per real server, calls whose messages reached more than one
# server, successful and failed calls; then the sip scheduler's counters.
#
#   cl1 --- rt --- lan --- dir1 (ipvsadm -A -u 10.0.100.1:5060 -s ... -o)
#                     +--- rs1, rs2, rs3 (SIPp UAS, DR: VIP on lo)
#
# Run inside UML: scripts/uml-run -- tests/demo/sip-demo.sh [CALLS [RATE]]
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh

CALLS=${1:-300}
RATE=${2:-100}
trap topo_cleanup EXIT

echo "Setting up: client cl1, director dir1, real servers rs1..rs3 (network namespaces)..."
topo_setup dr 3
sip_init
for i in 1 2 3; do
	sip_uas "$i" || exit 1
done

rows=()
counters=""
for sched in sip rr; do
	ns dir1 ipvsadm -D -u "$VIP4:5060" 2>/dev/null
	sip_service dir1 "$VIP4" -s $sched -o || exit 1
	for i in 1 2 3; do sip_add_rs dir1 "$VIP4" "$i" 1 || exit 1; done
	echo "Running $CALLS SIPp calls (INVITE, ACK, BYE) at $RATE/s through -s $sched -o..."
	t=$(sip_now)
	SIP_UAC_SLACK=40 sip_uac "uac_$sched" cl1 "$VIP4" "$CALLS" "$RATE"
	rc=$?
	sleep 0.5
	s=$(/usr/bin/python3 "$SIP_LOG_TOOL" --since "$t" \
		--uac "$SIP_DIR/uac_$sched.short" \
		--rs "rs1=$SIP_DIR/rs1.short" --rs "rs2=$SIP_DIR/rs2.short" \
		--rs "rs3=$SIP_DIR/rs3.short")
	rows+=("$(json "$s" '" ".join(str(x) for x in [d["servers"]["rs1"]["new_after"], d["servers"]["rs2"]["new_after"], d["servers"]["rs3"]["new_after"], d["split"], d["uac"]["ok"], d["uac"]["failed"], d["uac"]["r481"]])') $rc $sched")
	if [ $sched = sip ]; then
		counters=$(ns dir1 cat /proc/net/ip_vs_sip)
	fi
done

echo
echo "$CALLS SIP calls from $(cl_addr4 1):5060 (one UDP socket) to $VIP4:5060, DR, 3 real servers"
echo
printf '%-12s %6s %6s %6s   %7s   %10s %7s   %8s %5s\n' scheduler rs1 rs2 rs3 split \
	successful failed "BYE->481" SIPp
printf '%-12s %6s %6s %6s   %7s   %10s %7s   %8s %5s\n' ------------ ------ ------ \
	------ ------- ---------- ------- -------- -----
for r in "${rows[@]}"; do
	read -r a b c sp ok bad r481 rc sched <<<"$r"
	printf '%-12s %6s %6s %6s   %7s   %10s %7s   %8s %5s\n' "-s $sched -o" \
		"$a" "$b" "$c" "$sp" "$ok" "$bad" "$r481" "exit $rc"
done
echo
echo "  rs1..rs3: calls whose INVITE reached that real server"
echo "  split: calls whose messages reached more than one real server"
echo "  successful: the BYE was answered 200; a real server that never saw"
echo "  the call's INVITE answers its BYE 481 (BYE->481) and the call fails"
echo
echo "sip scheduler counters, /proc/net/ip_vs_sip in dir1 after its run:"
/usr/bin/python3 - "$counters" <<'PY'
import sys
lines = sys.argv[1].splitlines()
head = lines[0].split()[1:]
for line in lines[1:]:
    f = line.split()
    print("  Service  %s %s" % (f[0], f[1]))
    vals = f[2:]
    pairs = list(zip(head, vals))
    for i in range(0, len(pairs), 4):
        print("  " + "".join("%-10s %-10s" % p for p in pairs[i:i + 4]))
PY
