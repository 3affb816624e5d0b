#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit test of tests/kunit/ktap2results.py: a KUnit failure can never turn
# into a pass, whatever part of the KTAP output is missing.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/result.sh

expect() {
	local want=$1 file=$2 what=$3 rc
	python3 tests/kunit/ktap2results.py <"tests/data/ktap/$file" >/dev/null
	rc=$?
	check "ktap: $what" [ "$rc" -eq "$want" ]
}

expect 0 pass.ktap "all cases ok passes"
expect 1 fail-case.ktap "a failed case fails"
expect 1 fail-param.ktap "a failed parameter of a case fails"
expect 1 fail-suite-only.ktap "a suite reported not ok with no failed case in the log fails"
expect 1 short.ktap "fewer results than planned (a crash) fails"
expect 1 empty.ktap "no output at all fails"
n=$(python3 tests/kunit/ktap2results.py <tests/data/ktap/fail-param.ktap | grep -c '^FAIL: kunit s.p.y$')
check "ktap: the failing parameter is named suite.case.param" [ "$n" -eq 1 ]
exit "$RESULT_FAILED"
