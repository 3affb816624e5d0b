#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion "ipvs-udp completion bash" generates from the command
# table: it completes commands, subcommands, each command's options and
# some options' values, as a user's shell would ask it. PASS/FAIL lines.
#
# Usage: tests/cli-completion-test.sh IPVS_UDP_BINARY
set -uo pipefail
CLI=$1
script=$(mktemp)
trap 'rm -f "$script"' EXIT
"$CLI" completion bash >"$script" || { echo "FAIL: completion: the script"; exit 1; }
failed=0

# complete WORDS...: what the completion offers for the last word
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ipvs_udp; echo "${COMPREPLY[*]}"' \
		_ "$script" "$@"
}

expect() {
	local want=$1 got
	shift
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then
		echo "PASS: completion: '$*' -> $want"
	else
		echo "FAIL: completion: '$*' -> '$got', want '$want'"
		failed=1
	fi
}

expect "server service" ipvs-udp ser
expect "add" ipvs-udp service a
expect "add del edit show" ipvs-udp --json dest ""
expect "--state" ipvs-udp binding flush udp:10.0.100.1:1812 --st
expect "drain move" ipvs-udp radius set udp:10.0.100.1:1812 --drain-policy ""
expect "sip-move-quiesced sip-addr-only sip-stateless" ipvs-udp service edit x --sched-flags sip-
expect "--timeout --timestamp" ipvs-udp monitor --t
expect "radius reply" ipvs-udp help r
# show is the default verb: an object's options are show's
expect "--call-id --dest --help --json" ipvs-udp call --
# an old spelling still completes, but is not offered
expect "--call-id" ipvs-udp calls --call
expect "" ipvs-udp calls
# Every command of the table, and each of its options, is offered.
n=0
while read -r name; do
	# shellcheck disable=SC2086 # a command is one or two words
	got=$(complete_words ipvs-udp $name -)
	opts=$("$CLI" $name --help | sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' | sort -u)
	for o in $opts; do
		grep -qw -- "$o" <<<"$got" || {
			echo "FAIL: completion: '$name' does not offer $o"
			failed=1
		}
	done
	n=$((n + 1))
done < <("$CLI" help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\( [a-z][a-z]*\)\?\)\( .*\)\?$/\1/p' |
	grep -v '^\(help\|version\|completion\)$' | sort -u)
[ "$n" -gt 20 ] && echo "PASS: completion: the options of $n commands" ||
	{ echo "FAIL: completion: only $n commands found in ipvs-udp help"; failed=1; }
exit $failed
