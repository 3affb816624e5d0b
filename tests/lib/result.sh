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

# json JSON EXPR: print the Python expression EXPR over d, the parsed JSON
# (jq-free field access for the Python tools' output). Starting python3
# costs about a second in UML, more than most tests' traffic, so after
# json_server_start one python3 (a coprocess) answers the calls of the
# shell and its subshells, one at a time: a token byte in a FIFO, taken
# and put back with read and printf (builtins: no process is started),
# keeps a call from a background job from interleaving with another. A
# call that cannot take the token within a second, or that runs where the
# coprocess is not reachable, starts a python3 of its own. A caller killed
# mid-call takes the token with it, so the stream it may have left
# half-read is never used again.
_JSON_PY='
import contextlib, io, json, sys, traceback

def answer(doc, expr):
    buf, rc = io.StringIO(), 0
    try:
        with contextlib.redirect_stdout(buf):
            exec("print(" + expr + ")",
                 {"json": json, "sys": sys, "d": json.loads(doc)})
    except Exception:
        traceback.print_exc()
        rc = 1
    return rc, buf.getvalue().encode()

if len(sys.argv) == 3:
    rc, out = answer(sys.argv[1], sys.argv[2])
    sys.stdout.buffer.write(out)
    sys.exit(rc)
inp, outp = sys.stdin.buffer, sys.stdout.buffer
for hdr in inp:
    n1, n2 = map(int, hdr.split())
    doc, expr = inp.read(n1).decode(), inp.read(n2).decode()
    rc, out = answer(doc, expr)
    outp.write(b"%d %d\n" % (rc, len(out)) + out)
    outp.flush()
'
_JSON_PID=
_JSON_TOKEN=

json_server_start() {
	local fifo=${TMPDIR:-/tmp}/json-server.$$
	[ -z "$_JSON_PID" ] || return 0
	rm -f "$fifo"
	mkfifo "$fifo" && exec {_JSON_TOKEN}<>"$fifo" || return 0
	rm -f "$fifo"
	coproc _JSON { exec /usr/bin/python3 -c "$_JSON_PY"; }
	printf t >&"$_JSON_TOKEN"
}

json() {
	local LC_ALL=C rc="" n="" out=""
	if [ -n "$_JSON_PID" ] && [ -n "$_JSON_TOKEN" ] &&
		read -r -N 1 -t 1 -u "$_JSON_TOKEN"; then
		if { printf '%d %d\n%s%s' "${#1}" "${#2}" "$1" "$2" \
			>&"${_JSON[1]}"; } 2>/dev/null; then
			read -r rc n <&"${_JSON[0]}" &&
				{ [ "$n" -eq 0 ] ||
					IFS= read -r -N "$n" out <&"${_JSON[0]}"; } &&
				printf t >&"$_JSON_TOKEN"
			printf '%s' "$out"
			return "${rc:-1}"
		fi
		printf t >&"$_JSON_TOKEN"
	fi
	/usr/bin/python3 -c "$_JSON_PY" "$1" "$2"
}

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
	json_server_start
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
