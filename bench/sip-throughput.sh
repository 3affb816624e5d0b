#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Datagrams per second through one director, same SIP traffic (a new
# Call-ID in every datagram, all from one client socket), NAT to 3 real
# servers that drop what they get, for:
#   rr      -s rr -o                              (baseline)
#   sip     -s sip -o
#   pe-sip  -s rr -o -p 60 -M 0.0.0.0 --pe sip    (upstream's Call-ID path)
# and raw UDP (iperf3 -u, no Call-ID: the sip scheduler's fallback path)
# through -s sip -o against -s rr -o, one real server.
# Rounds are interleaved and the median of each is reported, with ratios
# against rr measured in the same run (the machine is noisy).
#
# Usage (host): bench/sip-throughput.sh [ROUNDS] [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
if [ "${1:-}" != --inside ]; then
	make -s modules-uml userspace >/dev/null || exit 1
	exec scripts/uml-run --timeout 1800 -- "$0" --inside "${1:-3}" "${2:-5}"
fi
ROUNDS=$2
SECS=$3
. tests/lib/result.sh
. tests/lib/topo.sh
FLOOD=build/cmake/sipflood

topo_setup nat 3
for i in 1 2 3; do
	ns "rs$i" iptables-legacy -A INPUT -p udp --dport 5060 -j DROP
done

svc_setup() {
	ns dir1 ipvsadm -C
	ns dir1 ipvsadm -A -u "$VIP4:5060" "$@" || exit 1
	for i in 1 2 3; do
		ns dir1 ipvsadm -a -u "$VIP4:5060" -r "$(rs_addr4 "$i"):5060" -m
	done
}

inpkts() {
	ns dir1 ipvsadm -Ln --stats --exact -u "$VIP4:5060" |
		awk '$1 == "UDP" {print $3}'
}

# One measurement: datagrams the service forwarded per second.
measure() {
	local before after
	before=$(inpkts)
	ns cl1 "$FLOOD" -n 100000000 -T "$SECS" -s 5060 "$VIP4" 5060 >/dev/null
	after=$(inpkts)
	echo $(((after - before) / SECS))
}

declare -A res
for ((r = 1; r <= ROUNDS; r++)); do
	svc_setup -s rr -o
	res[rr]+="$(measure) "
	svc_setup -s sip -o
	res[sip]+="$(measure) "
	svc_setup -s rr -o -p 60 -M 0.0.0.0 --pe sip
	res[pe-sip]+="$(measure) "
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${res[rr]}" | median)
echo "SIP datagrams/s through the director (NAT, 3 servers, $ROUNDS x ${SECS}s, median):"
for k in rr sip pe-sip; do
	m=$(echo "${res[$k]}" | median)
	printf '  %-7s %8d/s  %.2fx rr   (runs: %s)\n' "$k" "$m" \
		"$(echo "$m / $base" | bc -l)" "${res[$k]}"
done

# Raw UDP through one real server: the fallback path (no Call-ID). DR,
# since iperf3's UDP handshake needs its reply and -o alone does not NAT it.
topo_cleanup
topo_setup dr 1
ns rs1 iperf3 -s -D -B "$VIP4" >/dev/null 2>&1
wait_for 10 sh -c "ip netns exec rs1 ss -Htln | grep -q 5201"
iperf() {
	ns dir1 ipvsadm -C
	ns dir1 ipvsadm -A -t "$VIP4:5201" -s rr
	ns dir1 ipvsadm -a -t "$VIP4:5201" -r "$(rs_addr4 1):5201" -g
	ns dir1 ipvsadm -A -u "$VIP4:5201" "$@"
	ns dir1 ipvsadm -a -u "$VIP4:5201" -r "$(rs_addr4 1):5201" -g
	ns cl1 iperf3 -u -c "$VIP4" -b 0 -l 200 -t "$SECS" -J 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["end"]["sum"]; print(int(s["packets"]*(1-s["lost_percent"]/100)/s["seconds"]))'
}
declare -A ip
for ((r = 1; r <= ROUNDS; r++)); do
	ip[rr]+="$(iperf -s rr -o) "
	ip[sip]+="$(iperf -s sip -o) "
done
base=$(echo "${ip[rr]}" | median)
echo "iperf3 -u 200-byte datagrams/s received (1 server, median):"
for k in rr sip; do
	m=$(echo "${ip[$k]}" | median)
	printf '  %-7s %8d/s  %.2fx rr   (runs: %s)\n' "$k" "$m" \
		"$(echo "$m / $base" | bc -l)" "${ip[$k]}"
done
topo_cleanup
