# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Test result lines shared by every ipvs-udp test: "PASS: name",
# "FAIL: name: why", "SKIP: name: why". scripts/check counts them.

RESULT_FAILED=0

pass() { echo "PASS: $*"; }
fail() {
	echo "FAIL: $*"
	RESULT_FAILED=1
}
skip() { echo "SKIP: $*"; }

# check NAME CMD...: PASS if CMD succeeds, FAIL otherwise.
check() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name"
	fi
}

# jq-free JSON field access for the Python tools' output.
json() { /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); exec("print(" + sys.argv[2] + ")")' "$1" "$2"; }

# run_test NAME FUNC [ARGS...]: run one test function with a fresh topology
# (the function calls topo_setup), always cleaning up afterwards. A function
# that returns non-zero without having printed a result counts as FAIL.
run_test() {
	local name=$1 before=$RESULT_FAILED rc t0=$SECONDS
	shift
	echo "# --- $name"
	RESULT_FAILED=0
	"$@"
	rc=$?
	topo_cleanup
	echo "# --- $name took $((SECONDS - t0)) s"
	if [ "$rc" -ne 0 ] && [ "$RESULT_FAILED" -eq 0 ]; then
		fail "$name: test function returned $rc"
	fi
	[ "$before" -ne 0 ] && RESULT_FAILED=1
	return 0
}

# scenario_main: run every test_* function named on the command line, or
# all of them, then exit 1 if any failed.
scenario_main() {
	local t tests=("$@")
	trap topo_cleanup EXIT
	if [ ${#tests[@]} -eq 0 ]; then
		mapfile -t tests < <(declare -F | awk '$3 ~ /^test_/ {print $3}')
	fi
	for t in "${tests[@]}"; do
		run_test "${t#test_}" "$t"
	done
	# Every namespace was deleted as a container's is, with IPVS still
	# configured: the exits must complete and leave our modules unloadable.
	if declare -F topo_settle >/dev/null; then
		check "teardown: every netns exit done, our modules unload" \
			topo_settle
	fi
	exit "$RESULT_FAILED"
}
