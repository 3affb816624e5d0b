#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run "ipvs-udp radius decode" (the arguments) over tests/data/radius/*.bin:
# each file's line and exit status must be the ones expected.txt gives
# (FILE, EXIT, OUTPUT, tab-separated). Every .bin file must be listed.
set -u
tool=("$@")
dir=$(dirname "$0")/data/radius
failed=0
n=0
while IFS=$'\t' read -r file want_rc want; do
	[ -z "$file" ] || [ "${file#\#}" != "$file" ] && continue
	n=$((n + 1))
	got=$("${tool[@]}" "$dir/$file")
	rc=$?
	[ "$got" = "$want" ] && [ "$rc" = "$want_rc" ] && continue
	echo "$file: got '$got' (exit $rc), want '$want' (exit $want_rc)"
	failed=1
done <"$dir/expected.txt"
for f in "$dir"/*.bin; do
	grep -q "^$(basename "$f")	" "$dir/expected.txt" ||
		{ echo "$f: not in expected.txt"; failed=1; }
done
[ "$n" -gt 0 ] || { echo "no examples"; exit 1; }
exit $failed
