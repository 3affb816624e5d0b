# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# NSD on a real server of the topology (tests/lib/topo.sh), from the
# templates in tests/data/reply/: the reply scenarios and the DNS benchmark
# share it. Sourced.

NSD_DATA=tests/data/reply

# from_template IN OUT NAME ADDR4 ADDR6 DIR
from_template() {
	sed -e "s|@NAME@|$3|g" -e "s|@ADDR@|$4|g" -e "s|@ADDR6@|$5|g" \
		-e "s|@DIR@|$6|g" "$1" >"$2"
}

# start_nsd I: nsd on rs I, port 53 of its IPv4 and IPv6 addresses,
# serving example.test (NAME.example.test TXT names the server).
start_nsd() {
	local i=$1 d=/tmp/reply-nsd-rs$1
	mkdir -p "$d"
	from_template "$NSD_DATA"/nsd.conf.in "$d/nsd.conf" "rs$i" \
		"$(rs_addr4 "$i")" "$(rs_addr6 "$i")" "$d"
	# A second listening address for the IPv6 tests.
	sed -i "s|^\tip-address: .*|&\n\tip-address: $(rs_addr6 "$i")|" \
		"$d/nsd.conf"
	from_template "$NSD_DATA"/example.test.zone.in "$d/example.test.zone" \
		"rs$i" "" "" "$d"
	# shellcheck disable=SC2016 # $1 is for the inner shell
	bg "rs$i" sh -c 'exec nsd -d -c "$1" >/dev/null 2>&1' _ "$d/nsd.conf"
}
