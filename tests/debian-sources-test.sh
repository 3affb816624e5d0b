#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit test of scripts/debian-sources on made-up apt configurations: the
# mirror comes from an entry of type "deb" for bookworm, whatever the file
# order (a deb-src-only file that sorts first named the mirror of
# debs-clean-system-check, and debootstrap then failed on a user's
# machine), one-line and deb822 alike, disabled entries skipped; the
# sources for another suite keep each entry's mirror and keyring.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/result.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# apt NAME: a fresh apt directory $T/NAME; files are written by the caller.
apt() { rm -rf "${T:?}/$1" && mkdir -p "$T/$1/sources.list.d" && echo "$T/$1"; }
ds() { IPVS_UDP_APT_DIR=$1 scripts/debian-sources "${@:2}" 2>/dev/null; }

d=$(apt src-first)
cat >"$d/sources.list.d/a-src.sources" <<'X'
Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main
X
cat >"$d/sources.list.d/debian.sources" <<'X'
Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
check "debian-sources: a deb-src-only file sorting first is not the mirror ($(ds "$d" --mirror))" \
	[ "$(ds "$d" --mirror)" = http://mirror.example/debian ]
trixie_ok() {
	local out
	out=$(ds "$d" trixie)
	[ "$(grep -c '^Types: deb$' <<<"$out")" -eq 2 ] &&
		grep -qx 'Suites: trixie trixie-updates' <<<"$out" &&
		grep -qx 'Suites: trixie-security' <<<"$out" &&
		grep -qx 'URIs: http://mirror.example/debian-security' <<<"$out" &&
		! grep -q 'src.example\|bookworm' <<<"$out" &&
		[ "$(grep -c '^Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg$' <<<"$out")" -eq 2 ]
}
check "debian-sources: trixie keeps the mirrors and keyrings, no deb-src" trixie_ok

# mirror_case NAME FILE WANT TEXT: apt directory NAME with TEXT in FILE
# (relative to it); sets d. Passes when the mirror printed is WANT.
mirror_case() {
	d=$(apt "$1")
	printf '%b' "$4" >"$d/$2"
	check "debian-sources: $1: the mirror is $3" [ "$(ds "$d" --mirror)" = "$3" ]
}

mirror_case both-types sources.list.d/debian.sources http://both.example/debian \
	'Types: deb-src deb\nURIs: http://both.example/debian\nSuites: bookworm\nComponents: main\n'
mirror_case one-line sources.list http://line.example/debian \
	'deb-src http://src.example/debian bookworm main\n# deb http://old.example/debian bookworm main\ndeb [signed-by=/k.gpg] http://line.example/debian bookworm main contrib\n'
one_line_carried() {
	local out
	out=$(ds "$d" trixie)
	grep -qx 'Signed-By: /k.gpg' <<<"$out" && grep -qx 'Components: main contrib' <<<"$out"
}
check "debian-sources: one-line signed-by and components carried over" one_line_carried
mirror_case disabled sources.list.d/debian.sources http://on.example/debian \
	'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n\nTypes: deb\nURIs: http://on.example/debian\nSuites: bookworm\nComponents: main\n'

d=$(apt src-only)
printf 'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\nComponents: main\n' \
	>"$d/sources.list.d/debian.sources"
IPVS_UDP_APT_DIR=$d scripts/debian-sources --mirror >/dev/null 2>&1
check "debian-sources: only deb-src entries: an error, not a mirror" [ $? -ne 0 ]
exit "$RESULT_FAILED"
