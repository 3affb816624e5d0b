#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the userspace build (BUILD_DIR, default build/cmake) with DESTDIR
# into BUILD_DIR/install-test, then build a small consumer against the
# installed tree through pkg-config and through find_package(ipvs-udp),
# and run both. One PASS/FAIL line each.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$(cd "${1:-$REPO/build/cmake}" && pwd)
T=$B/install-test
rm -rf "$T"
mkdir -p "$T"
failed=0

if ! DESTDIR=$T/root cmake --install "$B" --prefix /usr/local >"$T/install.log" 2>&1; then
	sed 's/^/# /' "$T/install.log" | tail -n 20
	echo "FAIL: install: cmake --install"
	exit 1
fi
root=$T/root/usr/local
pc=$(find "$root" -name ipvs-udp.pc | head -n 1)
cfg=$(find "$root" -name ipvs-udp-config.cmake | head -n 1)
for f in include/ipvs-udp/ipvs.h include/ipvs-udp/udp.h include/ipvs-udp/transport.h \
	include/ipvs-udp/result.h include/ipvs-udp/service.h include/ipvs-udp/export.h \
	bin/ipvs-udp share/man/man1/ipvs-udp.1 share/bash-completion/completions/ipvs-udp; do
	[ -e "$root/$f" ] || { echo "FAIL: install: $f missing"; failed=1; }
done
# The netlink plumbing and the codecs are the library's own.
for f in include/ipvs-udp/netlink.h include/ipvs-udp/codec.h; do
	[ ! -e "$root/$f" ] || { echo "FAIL: install: private $f installed"; failed=1; }
done
if [ -n "$pc" ] && [ -n "$cfg" ] && ls "$root"/lib*/libipvs-udp.* >/dev/null 2>&1; then
	echo "PASS: install: library, headers, ipvs-udp.pc, ipvs-udp-config.cmake, CLI, man page"
else
	echo "FAIL: install: pc=${pc:-missing} cmake=${cfg:-missing}"
	exit 1
fi

# The metrics units: installed, and as systemd reads them (the service run
# from the installed tree's binary, without the man page lookup).
u=$root/lib/systemd/system
if [ -f "$u/ipvs-udp-metrics.service" ] && [ -f "$u/ipvs-udp-metrics.timer" ] &&
	grep -q "^ExecStart=/usr/local/bin/ipvs-udp metrics --output " "$u/ipvs-udp-metrics.service"; then
	echo "PASS: install: ipvs-udp-metrics.service and .timer (ExecStart in the prefix)"
else
	echo "FAIL: install: ipvs-udp-metrics units missing or with another ExecStart"
	failed=1
fi
if command -v systemd-analyze >/dev/null; then
	v=$T/units
	mkdir -p "$v"
	sed "s|^ExecStart=/usr/local/bin/ipvs-udp|ExecStart=$root/bin/ipvs-udp|" \
		"$u/ipvs-udp-metrics.service" >"$v/ipvs-udp-metrics.service"
	cp "$u/ipvs-udp-metrics.timer" "$v/"
	out=$(systemd-analyze verify --man=no "$v/ipvs-udp-metrics.service" \
		"$v/ipvs-udp-metrics.timer" 2>&1 | grep ipvs-udp-metrics)
	if [ -z "$out" ]; then
		echo "PASS: install: systemd-analyze verify finds nothing in the units"
	else
		sed 's/^/# /' <<<"$out"
		echo "FAIL: install: systemd-analyze verify"
		failed=1
	fi
else
	echo "SKIP: install: systemd-analyze verify (no systemd-analyze)"
fi

libdir=$(dirname "$(dirname "$pc")")
# pkg-config (relocatable .pc: ${pcfiledir}); static or shared library.
# shellcheck disable=SC2086 # $flags are several words
if flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs --static ipvs-udp) &&
	g++ -std=c++20 -Wall -Werror "$REPO/tests/install/consumer.cc" -o "$T/consumer-pc" \
		$flags >"$T/pc.log" 2>&1 &&
	out=$(LD_LIBRARY_PATH=$libdir "$T/consumer-pc") &&
	[[ "$out" == "udp:10.0.100.1:5060 "*" dialog" ]]; then
	echo "PASS: install: consumer via pkg-config ($out)"
else
	sed 's/^/# /' "$T/pc.log" | tail -n 20
	echo "FAIL: install: consumer via pkg-config"
	failed=1
fi

# find_package(ipvs-udp)
if cmake -S "$REPO/tests/install" -B "$T/consumer-cmake" \
	-DCMAKE_PREFIX_PATH="$root" >"$T/cmake.log" 2>&1 &&
	cmake --build "$T/consumer-cmake" >>"$T/cmake.log" 2>&1 &&
	out=$(LD_LIBRARY_PATH=$libdir "$T/consumer-cmake/consumer") &&
	[[ "$out" == "udp:10.0.100.1:5060 "*" dialog" ]]; then
	echo "PASS: install: consumer via find_package(ipvs-udp) ($out)"
else
	sed 's/^/# /' "$T/cmake.log" | tail -n 20
	echo "FAIL: install: consumer via find_package(ipvs-udp)"
	failed=1
fi
exit $failed
