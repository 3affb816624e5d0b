#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a sip-callid binary (the arguments: the tool, or "ipvs-udp sip decode")
# over tests/data/sip/*: each file's key must be the one expected.txt names,
# "none" with exit 1 when it names none.
set -u
tool=("$@")
dir=$(dirname "$0")/data/sip
failed=0
n=0
while read -r file want; do
	[ -z "$file" ] || [ "${file#\#}" != "$file" ] && continue
	n=$((n + 1))
	got=$("${tool[@]}" "$dir/$file")
	rc=$?
	if [ "$want" = none ]; then
		[ "$got" = none ] && [ "$rc" -eq 1 ] && continue
	else
		[ "$got" = "$want" ] && [ "$rc" -eq 0 ] && continue
	fi
	echo "$file: got '$got' (exit $rc), want '$want'"
	failed=1
done <"$dir/expected.txt"
[ "$n" -gt 0 ] || { echo "no examples"; exit 1; }
exit $failed
