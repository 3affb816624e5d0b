#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Inside Debian's own kernel under QEMU (tests/qemu/run): the distribution's
# ip_vs.ko, our modules built for this exact kernel, iproute2, ipvsadm and
# kmod from the host. Topology (NAT director in the root namespace):
#
#   ns c 10.0.1.2 -- 10.0.1.1 [director, VIPs 10.0.100.x on lo] 10.0.2.1 --
#   10.0.2.11 ns s1;  10.0.3.1 -- 10.0.3.12 ns s2
#
# Each real server answers SIP (with its name) and DNS-like queries
# (udpq serve). Prints PASS/FAIL lines.
set -u
K=$(uname -r)
pass() { echo "PASS: qemu $K: $*"; }
fail() { echo "FAIL: qemu $K: $*"; }
q() { ip netns exec c udpq "$@"; }
# busybox sh prefers its own applets: use the host's tools explicitly.
ip() { /usr/local/sbin/ip "$@"; }
modprobe() { /usr/local/sbin/modprobe "$@"; }
rmmod() { /usr/local/sbin/rmmod "$@"; }

echo	# end the line the firmware's escape sequences left open
case "$(cat /proc/version)" in
*Debian*) pass "booted Debian's kernel: $(cut -d' ' -f1-3 /proc/version)" ;;
*) fail "not a Debian kernel: $(cat /proc/version)" ;;
esac

if ! modprobe veth || ! modprobe ip_vs; then
	fail "modprobe veth ip_vs"
	exit 1
fi
ip link set lo up
ip netns add c
ip netns add s1
ip netns add s2
ip link add d0 type veth peer name c0 netns c
ip link add d1 type veth peer name e0 netns s1
ip link add d2 type veth peer name e0 netns s2
ip addr add 10.0.1.1/24 dev d0
ip addr add 10.0.2.1/24 dev d1
ip addr add 10.0.3.1/24 dev d2
for v in 1 2 3; do ip addr add 10.0.100.$v/32 dev lo; done
for d in d0 d1 d2; do ip link set "$d" up; done
echo 1 >/proc/sys/net/ipv4/ip_forward
ip -n c addr add 10.0.1.2/24 dev c0
ip -n s1 addr add 10.0.2.11/24 dev e0
ip -n s2 addr add 10.0.3.12/24 dev e0
for ns in c s1 s2; do
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "$(ip -n "$ns" -o link | sed -n 's/^[0-9]*: \([ce]0\)@.*/\1/p')" up
done
ip -n c route add default via 10.0.1.1
ip -n s1 route add default via 10.0.2.1
ip -n s2 route add default via 10.0.3.1
for s in s1 s2; do
	for port in 5060 53; do
		ip netns exec "$s" udpq serve "$port" "$s" &
	done
done
sleep 1

# SIP: -s sip -o, NAT; 3 messages for each of 12 Call-IDs.
if ipvsadm -A -u 10.0.100.1:5060 -s sip -o &&
	ipvsadm -a -u 10.0.100.1:5060 -r 10.0.2.11:5060 -m &&
	ipvsadm -a -u 10.0.100.1:5060 -r 10.0.3.12:5060 -m; then
	pass "ipvsadm -A -s sip -o (ip_vs_sip autoloaded: $(grep -c '^ip_vs_sip ' /proc/modules))"
else
	fail "ipvsadm -A -s sip -o"
	dmesg | tail -n 5 | sed 's/^/# /'
fi
# calls SERVICE N: every message of a call must reach one server; prints
# "split" for a call that did not, and the servers used.
calls() {
	i=1
	while [ "$i" -le "$2" ]; do
		first=
		for m in INVITE ACK BYE; do
			r=$(q sip 5060 "$1" 5060 "call-$i@10.0.1.2" "$m")
			echo "$r" >>/tmp/sip.log
			n=${r#* }
			[ -z "$first" ] && first=$n
			[ "$n" = "$first" ] || echo split
			echo "server $n"
		done
		i=$((i + 1))
	done
}
calls 10.0.100.1 12 >/tmp/sip.out
ok=$(grep -c '^server s[12]$' /tmp/sip.out)
used=$(grep '^server' /tmp/sip.out | sort -u | wc -l)
if [ "$ok" -eq 36 ] && ! grep -q split /tmp/sip.out && [ "$used" -eq 2 ]; then
	pass "sip -o: 12 calls, 36 messages, each call on one server, both servers used"
else
	fail "sip -o: $ok/36 answered, $(grep -c split /tmp/sip.out) splits, $used servers"
	sed 's/^/# /' /tmp/sip.log | tail -n 12
fi
# The scheduler's own counters saw the 36 messages.
line=$(grep '10.0.100.1:5060' /proc/net/ip_vs_sip)
# "UDP VIP:PORT Bindings Cap Messages Parsed ..."
if [ "$(echo "$line" | awk '{ print $5, $6 }')" = "36 36" ]; then
	pass "/proc/net/ip_vs_sip counts them: $(echo "$line" | xargs)"
else
	fail "/proc/net/ip_vs_sip: $(cat /proc/net/ip_vs_sip)"
fi
# Control: the same calls through "-s rr -o" are split (the check can tell).
ipvsadm -A -u 10.0.100.2:5060 -s rr -o
ipvsadm -a -u 10.0.100.2:5060 -r 10.0.2.11:5060 -m
ipvsadm -a -u 10.0.100.2:5060 -r 10.0.3.12:5060 -m
calls 10.0.100.2 2 >/tmp/rr.out
if grep -q split /tmp/rr.out; then
	pass "control: rr -o splits calls"
else
	fail "control: rr -o kept every call together"
fi

# DNS-like request/reply: -o --pe reply (rr and lor), NAT; replies must come
# from the VIP. Control: -o without the engine, replies from the server.
dns() { # VIP FIRST_ID: 6 queries, prints "SRC NAME" each
	id=$2
	while [ "$id" -lt $(($2 + 6)) ]; do
		q dns 5353 "$1" 53 "$id"
		id=$((id + 1))
	done
}
for sched in rr lor; do
	vip=10.0.100.1
	[ "$sched" = lor ] && vip=10.0.100.3
	if ipvsadm -A -u $vip:53 -s $sched -o --pe reply &&
		ipvsadm -a -u $vip:53 -r 10.0.2.11:53 -m &&
		ipvsadm -a -u $vip:53 -r 10.0.3.12:53 -m; then
		pass "ipvsadm -A -s $sched -o --pe reply"
	else
		fail "ipvsadm -A -s $sched -o --pe reply"
		dmesg | tail -n 5 | sed 's/^/# /'
	fi
	dns $vip 100 >/tmp/dns.out
	from=$(grep -c "^$vip s[12]\$" /tmp/dns.out)
	used=$(cut -d' ' -f2 /tmp/dns.out | sort -u | grep -c '^s[12]$')
	if [ "$from" -eq 6 ] && [ "$used" -eq 2 ]; then
		pass "$sched -o --pe reply: 6 replies from the VIP $vip, both servers"
	else
		fail "$sched -o --pe reply: $from/6 replies from $vip, $used servers"
		sed 's/^/# /' /tmp/dns.out
	fi
done
for m in ip_vs_pe_reply ip_vs_lor ip_vs_icmp_vip; do
	grep -q "^$m " /proc/modules || fail "$m not loaded"
done
ipvsadm -A -u 10.0.100.2:53 -s rr -o
ipvsadm -a -u 10.0.100.2:53 -r 10.0.2.11:53 -m
ipvsadm -a -u 10.0.100.2:53 -r 10.0.3.12:53 -m
dns 10.0.100.2 200 >/tmp/stock.out
if grep -q '^10\.0\.[23]\.1[12] ' /tmp/stock.out &&
	! grep -q '^10\.0\.100\.' /tmp/stock.out; then
	pass "control: stock -o replies come from the real servers"
else
	fail "control: stock -o replies: $(xargs </tmp/stock.out)"
fi

ipvsadm -C
for m in ip_vs_lor ip_vs_pe_reply ip_vs_sip ip_vs_icmp_vip; do
	rmmod "$m" || fail "rmmod $m"
done
if dmesg | grep -E -q 'BUG|WARNING:|Oops|Call Trace|refcount_t'; then
	fail "kernel log has a report"
	dmesg | grep -E -A5 'BUG|WARNING:|Oops|Call Trace' | sed 's/^/# /' | head -n 30
else
	pass "modules unloaded, clean kernel log"
fi
