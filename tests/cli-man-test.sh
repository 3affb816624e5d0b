#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs/ipvs-udp.1 against the CLI: the page renders without groff warnings,
# and every command of `ipvs-udp help` and every option of each command's
# --help appears in it. One PASS/FAIL line each.
# Usage: tests/cli-man-test.sh IPVS_UDP_BINARY MAN_PAGE
set -uo pipefail
cli=$1
page=$2
failed=0

if ! command -v groff >/dev/null; then
	echo "SKIP: man page: groff not installed"
	exit 0
fi
warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
if [ -z "$warn" ]; then
	echo "PASS: man page renders without warnings"
else
	echo "$warn" | head -n 10 | sed 's/^/# /'
	echo "FAIL: man page renders without warnings"
	failed=1
fi
# The rendered page (hyphenation off), and its text as one line.
lines=$(groff -man -Tascii -rHY=0 -P-cbou "$page" 2>/dev/null)
text=$(tr -d '\n' <<<"$lines" | sed 's/ \+/ /g')

cmds=$("$cli" help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z-]*\( [a-z][a-z]*\)\?\).*/\1/p')
n=0
for c in $(tr ' ' '#' <<<"$cmds"); do
	c=${c//#/ }
	n=$((n + 1))
	# Each command is the tag of its own paragraph under COMMANDS.
	if ! grep -qE -- "^ {7}$c( |\$)" <<<"$lines"; then
		echo "FAIL: man page: command '$c' has no entry"
		failed=1
		continue
	fi
	[ "$c" = help ] || [ "$c" = version ] && continue
	# the options of its Options: section, each as a whole word of the
	# page (--pe is not found inside --persistent)
	# shellcheck disable=SC2086 # "service add" is two words
	for o in $("$cli" $c --help | sed -n 's/^  \(--[a-z][a-z0-9-]*\).*/\1/p' | sort -u); do
		if ! grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" <<<"$text"; then
			echo "FAIL: man page: option $o of '$c' missing"
			failed=1
		fi
	done
done
[ "$n" -ge 15 ] || { echo "FAIL: man page: only $n commands found in ipvs-udp help"; failed=1; }
[ $failed = 0 ] && echo "PASS: man page: all $n commands of ipvs-udp help and their options"
exit $failed
