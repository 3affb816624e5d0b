#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# init (PID 1) of the clean Debian 12 or 13 system that
# scripts/debs-clean-system-check installs our .debs into and boots on
# Debian's own kernel: everything used here was installed by apt in that
# system (the ipvs-udp CLI and the DKMS-built modules from our packages;
# ipvsadm, iproute2, sipp from Debian), except udpq, the DNS-like peer of
# tests/qemu/. Topology (NAT director in the root namespace) as in
# tests/qemu/guest.sh:
#
#   ns c 10.0.1.2 -- 10.0.1.1 [director, VIPs 10.0.100.x on lo] 10.0.N.1 --
#   10.0.N.1N ns sN-1 (N = 2, 3, 4: s1 10.0.2.11, s2 10.0.3.12, s3 10.0.4.13)
#
# Prints PASS/FAIL lines, then CLEAN-GUEST-DONE, then powers off.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
K=$(uname -r)
# The suite the host made this system from (debs-clean-system-check).
SUITE=$(cat /etc/ipvs-udp-clean-suite 2>/dev/null || echo bookworm)
tag="clean-system guest"
[ "$SUITE" = bookworm ] || tag="clean-system $SUITE guest"
pass() { echo "PASS: $tag: $*"; }
fail() { echo "FAIL: $tag: $*"; }
finish() {
	echo "CLEAN-GUEST-DONE"
	sync
	echo o >/proc/sysrq-trigger
	sleep 10
}
trap finish EXIT
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
echo 1 >/proc/sys/kernel/sysrq
echo # end the line the firmware's escape sequences left open

if grep -qx "VERSION_CODENAME=$SUITE" /etc/os-release && grep -q Debian /proc/version &&
	[ "$(cat /proc/sys/kernel/modprobe)" = /sbin/modprobe ]; then
	pass "booted the clean $SUITE on Debian's $K ($(dpkg-query -W -f='${Version}' "linux-image-$K"))"
else
	fail "not the clean system on Debian's kernel: $(cat /proc/version)"
fi
sip_ko=$(modinfo -n ip_vs_sip 2>&1)
if [[ $sip_ko == /lib/modules/$K/updates/dkms/ip_vs_sip.ko* ]] &&
	! grep -q '^ip_vs' /proc/modules; then
	pass "modinfo: ip_vs_sip is DKMS's $sip_ko, no IPVS module loaded yet"
else
	fail "modinfo ip_vs_sip: $sip_ko; loaded: $(grep '^ip_vs' /proc/modules | cut -d' ' -f1 | xargs)"
fi

ip link set lo up
RS="10.0.2.11 10.0.3.12 10.0.4.13"
ip netns add c
ip link add d0 type veth peer name c0 netns c
ip addr add 10.0.1.1/24 dev d0
ip link set d0 up
ip -n c addr add 10.0.1.2/24 dev c0
ip -n c link set c0 up
ip -n c link set lo up
ip -n c route add default via 10.0.1.1
for i in 1 2 3; do
	ip netns add s$i
	ip link add d$i type veth peer name e0 netns s$i
	ip addr add 10.0.$((i + 1)).1/24 dev d$i
	ip link set d$i up
	ip -n s$i addr add 10.0.$((i + 1)).1$i/24 dev e0
	ip -n s$i link set e0 up
	ip -n s$i link set lo up
	ip -n s$i route add default via 10.0.$((i + 1)).1
done
for v in 1 2; do ip addr add 10.0.100.$v/32 dev lo; done
echo 1 >/proc/sys/net/ipv4/ip_forward

# SIP: SIPp UAS on every real server; one that sees an ACK or BYE of a call
# whose INVITE went elsewhere answers 481, and that call fails at the UAC.
# SIPp's watchdog ends a run after 120 main-loop stalls over 500 ms: off
# (a software-emulated guest).
PATIENT=(-watchdog_minor_maxtriggers 1000000 -watchdog_major_maxtriggers 1000000)
mkdir -p /tmp/sip
cp /root/uas.xml /tmp/sip/uas.xml
for i in 1 2 3; do
	s=s$i
	a=10.0.$((i + 1)).1$i
	ip netns exec $s sipp -sf /tmp/sip/uas.xml -i $a -p 5060 -bind_local -t u1 \
		-nostdin -timeout 300s "${PATIENT[@]}" >"/tmp/sip/$s.out" 2>&1 </dev/null &
	ip netns exec $s udpq serve 53 $s &
done
sleep 2

# uac NAME VIP CALLS: SIPp's default UAC (INVITE, ACK, BYE) from one socket.
uac() {
	ip netns exec c timeout -k 5 120 sipp -sn uac "$2:5060" -i 10.0.1.2 -p 5060 \
		-bind_local -t u1 -nostdin -m "$3" -r 10 -timeout 90s -timeout_error "${PATIENT[@]}" \
		-trace_stat -stf "/tmp/sip/$1.csv" -fd 1 >"/tmp/sip/$1.out" 2>&1 </dev/null
}
stat() { # CSV COLUMN: last value of a SIPp statistics column
	awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
		END { print (c ? $c : "?") }' "$1" 2>/dev/null
}
add_rs() { # VIP:PORT CMD... ending in PORT: run it with PORT replaced by each real server's RIP:PORT
	local r port=${1##*:} a
	shift
	for r in $RS; do
		a=("$@")
		a[${#a[@]} - 1]=$r:$port
		"${a[@]}" || return 1
	done
}
inpkts() { # SERVICE RIP: packets IPVS sent to that real server
	ipvsadm -L -n -u "$1" --stats --exact | awk -v r="$2" '$2 == r { print $4 }'
}

if ipvsadm -A -u 10.0.100.1:5060 -s sip -o &&
	add_rs 10.0.100.1:5060 ipvsadm -a -u 10.0.100.1:5060 -m -r PORT &&
	grep -q '^ip_vs_sip ' /proc/modules; then
	pass "ipvsadm -A -u 10.0.100.1:5060 -s sip -o autoloaded ip_vs_sip ($(grep '^ip_vs' /proc/modules | cut -d' ' -f1 | xargs))"
else
	fail "ipvsadm -A -s sip -o / autoload of ip_vs_sip"
	dmesg | tail -n 5 | sed 's/^/# /'
fi
uac sip 10.0.100.1 20
rc=$?
sleep 2.5 # IPVS folds its per-CPU counters into the totals every 2 s
okc=$(stat /tmp/sip/sip.csv 'SuccessfulCall(C)')
pk=$(for r in $RS; do inpkts 10.0.100.1:5060 "$r:5060"; done | xargs)
used=$(for p in $pk; do [ "$p" -gt 0 ] && echo; done | wc -l)
if [ $rc -eq 0 ] && [ "$okc" = 20 ] && [ "$used" -eq 3 ]; then
	pass "sipp: 20 of 20 calls through -s sip -o (packets per real server: $pk)"
else
	fail "sipp through -s sip -o: exit $rc, $okc of 20 calls, packets per real server: $pk"
	tail -n 5 /tmp/sip/sip.out | sed 's/^/# /'
fi
n=$(ipvs-udp call show udp 10.0.100.1:5060 2>/tmp/sip/calls.err | grep -c 10.0.100.1)
if [ "$n" -ge 1 ]; then
	pass "ipvs-udp call show lists $n Call-ID bindings of the sip scheduler (generic netlink)"
else
	fail "ipvs-udp call show: $n bindings: $(head -n 2 /tmp/sip/calls.err)"
fi
# Control: the same calls through "-s rr -o" split, and fail (with three
# servers a call's BYE never follows its INVITE when calls do not overlap).
ipvsadm -A -u 10.0.100.2:5060 -s rr -o
add_rs 10.0.100.2:5060 ipvsadm -a -u 10.0.100.2:5060 -m -r PORT
uac rr 10.0.100.2 6
rc=$?
okc=$(stat /tmp/sip/rr.csv 'SuccessfulCall(C)')
if [ $rc -ne 0 ] && [ "$okc" != 6 ]; then
	pass "control: -s rr -o splits calls ($okc of 6 successful, sipp exit $rc)"
else
	fail "control: -s rr -o: $okc of 6 calls, sipp exit $rc"
fi

# DNS-like requests through the CLI's "dns" kind: -s rr -o --pe reply,
# loaded on demand; replies must come from the VIP, from both servers.
svc=
if ipvs-udp service add dns udp 10.0.100.1:53 &&
	add_rs 10.0.100.1:53 ipvs-udp dest add udp 10.0.100.1:53 --method nat PORT &&
	grep -q '^ip_vs_pe_reply ' /proc/modules &&
	svc=$(ipvs-udp service show udp 10.0.100.1:53 2>&1) &&
	grep -q 'pe reply' <<<"$svc" && ipvsadm -L -n -u 10.0.100.1:53 | grep -q '^UDP .* rr ops'; then
	pass "ipvs-udp service add dns: -s rr -o --pe reply, ip_vs_pe_reply autoloaded"
else
	fail "ipvs-udp service add dns / dest add: $(grep '^ip_vs_pe' /proc/modules | cut -d' ' -f1)"
	{ echo "$svc"; ipvsadm -L -n -u 10.0.100.1:53; } | sed 's/^/# /'
	dmesg | tail -n 5 | sed 's/^/# /'
fi
for id in 1 2 3 4 5 6; do
	ip netns exec c udpq dns 5353 10.0.100.1 53 $id
done >/tmp/dns.out 2>&1
from=$(grep -c '^10\.0\.100\.1 s[123]$' /tmp/dns.out)
used=$(cut -d' ' -f2 /tmp/dns.out | sort -u | grep -c '^s[123]$')
if [ "$from" -eq 6 ] && [ "$used" -eq 3 ]; then
	pass "--pe reply: 6 replies from the VIP, all 3 servers"
else
	fail "--pe reply: $from of 6 replies from the VIP, $used servers: $(xargs </tmp/dns.out)"
fi

ipvsadm -C
for m in ip_vs_pe_reply ip_vs_sip; do
	rmmod "$m" || fail "rmmod $m"
done
if dmesg | grep -E -q 'BUG|WARNING:|Oops|Call Trace|refcount_t'; then
	fail "kernel log has a report"
	dmesg | grep -E -A5 'BUG|WARNING:|Oops|Call Trace' | sed 's/^/# /' | head -n 30
else
	pass "modules unloaded, clean kernel log"
fi
