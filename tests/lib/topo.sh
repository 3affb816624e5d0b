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

# The topology is built with few processes, because starting one costs a
# UML kernel about a tenth of a second, and a topology used to take about
# 40 (a quarter of a short test's time): one ip -batch creates every
# namespace, one sysctl per namespace sets it up before it has any device
# (so the devices inherit its conf.default values), one ip -batch creates
# every veth pair, and one ip -batch per namespace does the rest.
# _topo_ns, _topo_sysctl, _topo_link and _topo_cmd only record; _topo_apply
# runs it all.
_TOPO_ORDER=()
declare -A _TOPO_SYSCTL=() _TOPO_CMDS=()
_TOPO_LINKS=

_topo_ns() {
	_TOPO_ORDER+=("$1")
	_TOPO_SYSCTL[$1]="net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
	_TOPO_CMDS[$1]="link set lo up"$'\n'
}

# _topo_sysctl NS KEY=VALUE...
_topo_sysctl() {
	local n=$1
	shift
	_TOPO_SYSCTL[$n]+=" $*"
}

# _topo_cmd NS IP-ARGS...: one line of NS's ip -batch.
_topo_cmd() {
	local n=$1
	shift
	_TOPO_CMDS[$n]+="$*"$'\n'
}

# _topo_link NS1 IF1 NS2 IF2: a veth pair between two namespaces, up.
_topo_link() {
	_TOPO_LINKS+="link add $2 netns $1 type veth peer name $4 netns $3"$'\n'
	_topo_cmd "$1" link set "$2" up
	_topo_cmd "$3" link set "$4" up
}

_topo_reset() {
	_TOPO_ORDER=()
	_TOPO_SYSCTL=()
	_TOPO_CMDS=()
	_TOPO_LINKS=
}

# _topo_port NS BRIDGE_NS BRIDGE ADDR4/LEN ADDR6/LEN: NS's eth0, a veth
# whose peer p-NS is a port of BRIDGE in BRIDGE_NS, with both addresses.
_topo_port() {
	_topo_link "$1" eth0 "$2" "p-$1"
	_topo_cmd "$2" link set "p-$1" master "$3"
	_topo_cmd "$1" addr add "$4" dev eth0
	_topo_cmd "$1" addr add "$5" dev eth0 nodad
}

_topo_apply() {
	local n batch=
	for n in "${_TOPO_ORDER[@]}"; do
		batch+="netns add $n"$'\n'
	done
	ip -batch - <<<"$batch" || return 1
	TOPO_NS+=("${_TOPO_ORDER[@]}")
	for n in "${_TOPO_ORDER[@]}"; do
		# shellcheck disable=SC2086 # one KEY=VALUE a word
		ns "$n" sysctl -qw ${_TOPO_SYSCTL[$n]} || return 1
	done
	ip -batch - <<<"$_TOPO_LINKS" || return 1
	for n in "${_TOPO_ORDER[@]}"; do
		ip -n "$n" -batch - <<<"${_TOPO_CMDS[$n]}" || return 1
	done
}

# topo_ns NAME [IP-BATCH-LINE...]: one namespace alone, set up as
# topo_setup's are (lo up, no IPv6 DAD), then the given ip -batch lines in
# it; deleted by topo_cleanup.
topo_ns() {
	local n=$1 line
	shift
	_topo_reset
	_topo_ns "$n"
	for line in "$@"; do
		_topo_cmd "$n" "$line"
	done
	_topo_apply
}

# topo_setup METHOD NRS [NDIR] [NCL]
topo_setup() {
	local method=$1 nrs=$2 ndir=${3:-1} ncl=${4:-1} i n hops4="" hops6=""
	TOPO_METHOD=$method
	TOPO_NRS=$nrs
	TOPO_NDIR=$ndir
	_topo_reset

	_topo_ns lan
	_topo_cmd lan link add br0 type bridge
	_topo_cmd lan link set br0 up

	_topo_ns rt
	_topo_sysctl rt net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv6.fib_multipath_hash_policy=1
	_topo_cmd rt link add br1 type bridge
	_topo_cmd rt link set br1 up
	_topo_cmd rt addr add 10.0.1.1/24 dev br1
	_topo_cmd rt addr add fd00:1::1/64 dev br1 nodad
	_topo_link rt lan0 lan p-rt
	_topo_cmd lan link set p-rt master br0
	_topo_cmd rt addr add 10.0.2.1/24 dev lan0
	_topo_cmd rt addr add fd00:2::1/64 dev lan0 nodad

	for ((i = 1; i <= ncl; i++)); do
		n=cl$i
		_topo_ns "$n"
		_topo_port "$n" rt br1 "$(cl_addr4 "$i")/24" "$(cl_addr6 "$i")/64"
		_topo_cmd "$n" route add default via 10.0.1.1
		_topo_cmd "$n" route add default via fd00:1::1
	done

	for ((i = 1; i <= ndir; i++)); do
		n=dir$i
		_topo_ns "$n"
		# No ICMP redirects: real servers share the LAN with the router,
		# and a redirect would let their replies bypass the director.
		# (eth0 takes conf.default's value.)
		_topo_sysctl "$n" net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 \
			net.ipv4.conf.all.send_redirects=0 \
			net.ipv4.conf.default.send_redirects=0
		_topo_port "$n" lan br0 "$(dir_addr4 "$i")/24" "$(dir_addr6 "$i")/64"
		_topo_cmd "$n" route add default via 10.0.2.1
		_topo_cmd "$n" route add default via fd00:2::1
		if [ "$method" = vipless ]; then
			_topo_cmd "$n" rule add fwmark 1 lookup 100
			_topo_cmd "$n" route add local 0.0.0.0/0 dev lo table 100
			_topo_cmd "$n" route add local ::/0 dev lo table 100
		else
			_topo_cmd "$n" addr add "$VIP4/32" dev lo
			_topo_cmd "$n" addr add "$VIP6/128" dev lo nodad
		fi
		hops4+=" nexthop via $(dir_addr4 "$i")"
		hops6+=" nexthop via $(dir_addr6 "$i")"
	done
	if [ "$ndir" -eq 1 ]; then
		_topo_cmd rt route add "$VIP4/32" via "$(dir_addr4 1)"
		_topo_cmd rt route add "$VIP6/128" via "$(dir_addr6 1)"
	else
		_topo_cmd rt route add "$VIP4/32" "$hops4"
		_topo_cmd rt route add "$VIP6/128" "$hops6"
	fi

	for ((i = 1; i <= nrs; i++)); do
		n=rs$i
		_topo_ns "$n"
		# (eth0 takes conf.default's value.)
		_topo_sysctl "$n" net.ipv4.conf.all.accept_redirects=0 \
			net.ipv4.conf.default.accept_redirects=0 \
			net.ipv6.conf.all.accept_redirects=0 \
			net.ipv6.conf.default.accept_redirects=0
		_topo_port "$n" lan br0 "$(rs_addr4 "$i")/24" "$(rs_addr6 "$i")/64"
		case "$method" in
		nat)
			_topo_cmd "$n" route add default via "$(dir_addr4 1)"
			_topo_cmd "$n" route add default via "$(dir_addr6 1)"
			;;
		dr | vipless)
			_rs_vip "$n" lo
			;;
		tun)
			# The fallback devices (tunl0, ip6tnl0) exist in every
			# namespace and take any tunnelled packet.
			_topo_cmd "$n" link set tunl0 up
			_topo_cmd "$n" link set ip6tnl0 up
			_topo_sysctl "$n" net.ipv4.conf.all.rp_filter=0 \
				net.ipv4.conf.tunl0.rp_filter=0
			_topo_cmd "$n" addr add "$VIP4/32" dev tunl0
			_topo_cmd "$n" addr add "$VIP6/128" dev ip6tnl0 nodad
			_rs_vip "$n" ""
			;;
		esac
	done

	_topo_apply || return 1
	if [ "$method" = vipless ]; then
		for ((i = 1; i <= ndir; i++)); do
			_vipless "dir$i" || return 1
		done
	fi
}

# Real server of a DR/TUN setup: VIP on DEV (unless empty), never answering
# ARP/ND for it, default route straight to the router.
_rs_vip() {
	_topo_sysctl "$1" net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
	if [ -n "$2" ]; then
		_topo_cmd "$1" addr add "$VIP4/32" dev "$2"
		_topo_cmd "$1" addr add "$VIP6/128" dev "$2" nodad
	fi
	_topo_cmd "$1" route add default via 10.0.2.1
	_topo_cmd "$1" route add default via fd00:2::1
}

# A director without the VIP: fwmark 1 for VIP traffic, delivered locally
# by policy routing, as large DR setups do (the routes and the IPv4 rule
# are in its ip -batch).
_vipless() {
	ns "$1" iptables-legacy -t mangle -A PREROUTING -d "$VIP4/32" \
		-j MARK --set-mark 1 &&
		ns "$1" ip6tables-legacy -t mangle -A PREROUTING -d "$VIP6/128" \
			-j MARK --set-mark 1 &&
		ip -6 -n "$1" rule add fwmark 1 lookup 100
}

# bg NS CMD...: start CMD in the background in NS; killed by topo_cleanup.
bg() {
	local n=$1
	shift
	ip netns exec "$n" "$@" &
	TOPO_PIDS+=($!)
}

# nap SECONDS: sleep without starting a process (a read that times out on
# a FIFO nobody writes; sleep(1) costs a UML kernel a tenth of a second).
_NAP_FD=
nap() {
	local f
	if [ -z "$_NAP_FD" ]; then
		f=${TMPDIR:-/tmp}/nap.$BASHPID
		rm -f "$f"
		mkfifo "$f" && exec {_NAP_FD}<>"$f"
		rm -f "$f"
	fi
	read -r -t "$1" -u "$_NAP_FD" || :
}

# wait_udp_port NS PORT [TIMEOUT_S]: poll until a UDP socket is bound to
# PORT in NS, unconnected (what ss -uln lists; /proc/net/udp is read as it
# is cheaper to start than ss), for TIMEOUT_S seconds (default 60) and at
# least 10 polls.
wait_udp_port() {
	local n=$1 port=$2 hex
	printf -v hex '%04X' "$port"
	# "sl local_address rem_address st": local :PORT, remote :0, state
	# 07 (TCP_CLOSE, which UDP uses for unconnected).
	if ! wait_for "${3:-60}" _udp_bound "$n" ":$hex [0-9A-F]+:0000 07 "; then
		echo "# nothing listens on udp port $port in $n after ${3:-60}s" >&2
		return 1
	fi
}

_udp_bound() { [[ $(ns "$1" cat /proc/net/udp /proc/net/udp6) =~ $2 ]]; }

# wait_for TIMEOUT_S CMD...: poll CMD, 0.1 s apart, until it succeeds; fail
# once TIMEOUT_S seconds have passed and it was tried at least 10 times
# (on a loaded machine a poll can take most of a second).
wait_for() {
	local end=$((SECONDS + $1)) i
	shift
	for ((i = 1; ; i++)); do
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || [ "$i" -lt 10 ] || return 1
		nap 0.1
	done
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
TOPO_MODULES=(ip_vs_fovip ip_vs_sip ip_vs_radius ip_vs_lor ip_vs_pe_reply ip_vs_udp_nl
	ip_vs_icmp_vip ip_vs_kaff)

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
		nap 0.2
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
