#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit test of scripts/uml-splat-check on recorded kernel logs: every kind
# of report fails a run, and the allowlist lets exactly the known
# maple_tree RCU report through, not the same report from elsewhere.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/result.sh

expect() {
	local want=$1 log=$2 what=$3 rc
	python3 scripts/uml-splat-check scripts/uml-allowlist \
		"tests/data/splat/$log" >/dev/null 2>&1
	rc=$?
	check "splat-check: $what" [ "$rc" -eq "$want" ]
}

expect 0 clean.log "a clean log passes"
expect 1 warn.log "a WARNING fails"
expect 1 kmemleak.log "a kmemleak report of a module's allocation fails"
expect 1 kmemleak-init.log "a leak allocated by the sip scheduler fails"
expect 1 kmemleak-nl.log "a leak allocated by the ipvs_udp netlink family fails"
expect 0 kmemleak-kernel.log "a kmemleak report not from our modules is not judged"
expect 1 kasan.log "a KASAN report fails"
expect 0 maple-rcu.log "the known maple_tree RCU report from fork_handler is allowed"
expect 1 other-rcu.log "the same RCU report from another file is not"
exit "$RESULT_FAILED"
