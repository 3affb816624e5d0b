# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Network-namespace topologies for the ipvs-udp scenarios. Sourced by the
# scenario scripts, which run inside the UML test kernel (scripts/uml-run).
#
#                     10.0.1.0/24               10.0.2.0/24 (bridge "lan")
#   cl1..clK ---- [lan1] rt [lan0] ----+---- dir1 (10.0.2.2) .. dirD
#   10.0.1.(1+k)  10.0.1.1   10.0.2.1  +---- rs1 (10.0.2.11) .. rsN
#   fd00:1::(1+k) fd00:1::1  fd00:2::1       fd00:2::2.., fd00:2::11..
#
#   VIP 10.0.100.1 and fd00:100::1 (outside both subnets): rt routes it to
#   the director(s), with an ECMP route when there are several directors.
#
# Forwarding methods (topo_setup's first argument):
#   nat  real servers' default route points at dir1; VIP on dir1's lo
#   dr   VIP on the real servers' lo (arp_ignore/arp_announce); replies go
#        straight to rt; VIP on each director's lo
#   tun  like dr, but the VIP sits on the ipip (ip6tnl) fallback device of
#        each real server and rp_filter is off there
#   vipless  like dr, but the director has no VIP at all: packets for the VIP
#        get fwmark 1 in mangle PREROUTING and policy routing delivers marks
#        locally (ip rule fwmark 1 lookup 100; local 0/0 dev lo table 100)
#
# Everything is torn down by topo_cleanup (scenarios trap it on EXIT) the
# way a container runtime ends a container: the namespaces are deleted with
# IPVS still configured in them (no ipvsadm -C), so every scenario ends
# through the netns exit path of IPVS and of every module. topo_settle
# (run by scenario_main at the end) waits for those exits and unloads our
# modules, so that a reference, timer or work item an exit leaves behind
# shows in the kernel log that uml-run checks. IPVS_UDP_TOPO_FLUSH=1 flushes
# IPVS first, as the tests did before.

VIP4=10.0.100.1
VIP6=fd00:100::1
TOPO_NS=()
TOPO_PIDS=()

# ns NAME CMD...: run CMD in namespace NAME.
ns() {
	local n=$1
	shift
	ip netns exec "$n" "$@"
}

rs_addr4() { echo "10.0.2.$((10 + $1))"; }
rs_addr6() { echo "fd00:2::$((16 + $1))"; }
dir_addr4() { echo "10.0.2.$((1 + $1))"; }
dir_addr6() { echo "fd00:2::$((1 + $1))"; }
cl_addr4() { echo "10.0.1.$((1 + $1))"; }
cl_addr6() { echo "fd00:1::$((1 + $1))"; }

_mkns() {
	ip netns add "$1"
	TOPO_NS+=("$1")
	ns "$1" ip link set lo up
	ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
}

# _link NS1 IF1 NS2 IF2: a veth pair between two namespaces.
_link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ns "$1" ip link set "$2" up
	ns "$3" ip link set "$4" up
}

# topo_setup METHOD NRS [NDIR] [NCL]
topo_setup() {
	local method=$1 nrs=$2 ndir=${3:-1} ncl=${4:-1} i hops4="" hops6=""
	TOPO_METHOD=$method
	TOPO_NRS=$nrs
	TOPO_NDIR=$ndir

	_mkns lan
	ns lan ip link add br0 type bridge
	ns lan ip link set br0 up

	_mkns rt
	ns rt sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv6.fib_multipath_hash_policy=1
	ns rt ip link add br1 type bridge
	ns rt ip link set br1 up
	ns rt ip addr add 10.0.1.1/24 dev br1
	ns rt ip addr add fd00:1::1/64 dev br1 nodad
	_link rt lan0 lan p-rt
	ns lan ip link set p-rt master br0
	ns rt ip addr add 10.0.2.1/24 dev lan0
	ns rt ip addr add fd00:2::1/64 dev lan0 nodad

	for ((i = 1; i <= ncl; i++)); do
		_mkns "cl$i"
		_link "cl$i" eth0 rt "p-cl$i"
		ns rt ip link set "p-cl$i" master br1
		ns "cl$i" ip addr add "$(cl_addr4 "$i")/24" dev eth0
		ns "cl$i" ip addr add "$(cl_addr6 "$i")/64" dev eth0 nodad
		ns "cl$i" ip route add default via 10.0.1.1
		ns "cl$i" ip -6 route add default via fd00:1::1
	done

	for ((i = 1; i <= ndir; i++)); do
		_mkns "dir$i"
		_link "dir$i" eth0 lan "p-dir$i"
		ns lan ip link set "p-dir$i" master br0
		# No ICMP redirects: real servers share the LAN with the router,
		# and a redirect would let their replies bypass the director.
		ns "dir$i" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 \
			net.ipv4.conf.all.send_redirects=0 \
			net.ipv4.conf.default.send_redirects=0 \
			net.ipv4.conf.eth0.send_redirects=0
		ns "dir$i" sysctl -qw net.ipv4.vs.conntrack=0 2>/dev/null || true
		ns "dir$i" ip addr add "$(dir_addr4 "$i")/24" dev eth0
		ns "dir$i" ip addr add "$(dir_addr6 "$i")/64" dev eth0 nodad
		ns "dir$i" ip route add default via 10.0.2.1
		ns "dir$i" ip -6 route add default via fd00:2::1
		if [ "$method" = vipless ]; then
			_vipless "dir$i"
		else
			ns "dir$i" ip addr add "$VIP4/32" dev lo
			ns "dir$i" ip addr add "$VIP6/128" dev lo nodad
		fi
		hops4+=" nexthop via $(dir_addr4 "$i")"
		hops6+=" nexthop via $(dir_addr6 "$i")"
	done
	if [ "$ndir" -eq 1 ]; then
		ns rt ip route add "$VIP4/32" via "$(dir_addr4 1)"
		ns rt ip -6 route add "$VIP6/128" via "$(dir_addr6 1)"
	else
		# shellcheck disable=SC2086
		ns rt ip route add "$VIP4/32" $hops4
		# shellcheck disable=SC2086
		ns rt ip -6 route add "$VIP6/128" $hops6
	fi

	for ((i = 1; i <= nrs; i++)); do
		_mkns "rs$i"
		_link "rs$i" eth0 lan "p-rs$i"
		ns lan ip link set "p-rs$i" master br0
		ns "rs$i" sysctl -qw net.ipv4.conf.all.accept_redirects=0 \
			net.ipv4.conf.default.accept_redirects=0 \
			net.ipv6.conf.all.accept_redirects=0 \
			net.ipv6.conf.default.accept_redirects=0 \
			net.ipv4.conf.eth0.accept_redirects=0 \
			net.ipv6.conf.eth0.accept_redirects=0
		ns "rs$i" ip addr add "$(rs_addr4 "$i")/24" dev eth0
		ns "rs$i" ip addr add "$(rs_addr6 "$i")/64" dev eth0 nodad
		case "$method" in
		nat)
			ns "rs$i" ip route add default via "$(dir_addr4 1)"
			ns "rs$i" ip -6 route add default via "$(dir_addr6 1)"
			;;
		dr | vipless)
			_rs_vip "rs$i" lo
			;;
		tun)
			# The fallback devices (tunl0, ip6tnl0) exist in every
			# namespace and take any tunnelled packet.
			ns "rs$i" ip link set tunl0 up
			ns "rs$i" ip link set ip6tnl0 up
			ns "rs$i" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
				net.ipv4.conf.tunl0.rp_filter=0
			ns "rs$i" ip addr add "$VIP4/32" dev tunl0
			ns "rs$i" ip addr add "$VIP6/128" dev ip6tnl0 nodad
			_rs_vip "rs$i" ""
			;;
		esac
	done
}

# Real server of a DR/TUN setup: VIP on DEV (unless empty), never answering
# ARP/ND for it, default route straight to the router.
_rs_vip() {
	ns "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
	if [ -n "$2" ]; then
		ns "$1" ip addr add "$VIP4/32" dev "$2"
		ns "$1" ip addr add "$VIP6/128" dev "$2" nodad
	fi
	ns "$1" ip route add default via 10.0.2.1
	ns "$1" ip -6 route add default via fd00:2::1
}

# A director without the VIP: fwmark 1 for VIP traffic, delivered locally
# by policy routing, as large DR setups do.
_vipless() {
	ns "$1" iptables-legacy -t mangle -A PREROUTING -d "$VIP4/32" \
		-j MARK --set-mark 1
	ns "$1" ip6tables-legacy -t mangle -A PREROUTING -d "$VIP6/128" \
		-j MARK --set-mark 1
	ns "$1" ip rule add fwmark 1 lookup 100
	ns "$1" ip route add local 0.0.0.0/0 dev lo table 100
	ns "$1" ip -6 rule add fwmark 1 lookup 100
	ns "$1" ip -6 route add local ::/0 dev lo table 100
}

# bg NS CMD...: start CMD in the background in NS; killed by topo_cleanup.
bg() {
	local n=$1
	shift
	ip netns exec "$n" "$@" &
	TOPO_PIDS+=($!)
}

# wait_udp_port NS PORT [TIMEOUT_S]: poll until something listens there.
wait_udp_port() {
	local n=$1 port=$2 t=${3:-10} i
	for ((i = 0; i < t * 20; i++)); do
		if ns "$n" ss -Huln "sport = :$port" | grep -q .; then
			return 0
		fi
		sleep 0.05
	done
	echo "# nothing listens on udp port $port in $n after ${t}s" >&2
	return 1
}

# wait_for TIMEOUT_S CMD...: poll CMD until it succeeds.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

topo_cleanup() {
	local p n
	for p in "${TOPO_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${TOPO_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	TOPO_PIDS=()
	if [ "${IPVS_UDP_TOPO_FLUSH:-0}" = 1 ]; then
		for n in "${TOPO_NS[@]}"; do
			case "$n" in
			dir*) ns "$n" ipvsadm -C 2>/dev/null ;;
			esac
		done
	fi
	for n in "${TOPO_NS[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	TOPO_NS=()
}

# Our modules, users first (modprobe -r also drops what they depend on);
# ip_vs_fovip is icmp-vip.sh's test scheduler (kernel/tests/).
TOPO_MODULES=(ip_vs_fovip ip_vs_sip ip_vs_lor ip_vs_pe_reply ip_vs_udp_nl
	ip_vs_icmp_vip)

# _topo_idle: no IPVS service is left anywhere: every ip_vs_* module is
# referenced only by the modules that depend on it (a service holds its
# scheduler's and its engine's module).
_topo_idle() {
	local d n h
	for d in /sys/module/ip_vs_*; do
		[ -e "$d/refcnt" ] || continue
		n=$(cat "$d/refcnt")
		h=$(find "$d/holders" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		[ "$n" -le "$h" ] || return 1
	done
}

# topo_settle [TIMEOUT_S]: after namespaces were deleted, wait until the
# kernel has run their exits (cleanup_net is asynchronous), then unload our
# modules. Prints what is still in use and returns 1 when that does not
# happen in time (default 120 s).
topo_settle() {
	local t=${1:-120} m end
	end=$((SECONDS + t))
	until _topo_idle; do
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.2
	done
	if ! _topo_idle; then
		echo "# still in use after ${t}s: $(grep '^ip_vs' /proc/modules | tr '\n' ';')"
		return 1
	fi
	for m in "${TOPO_MODULES[@]}"; do
		[ -d "/sys/module/$m" ] || continue
		if ! modprobe -r "$m"; then
			echo "# modprobe -r $m failed: $(grep '^ip_vs' /proc/modules | tr '\n' ';')"
			return 1
		fi
	done
}
