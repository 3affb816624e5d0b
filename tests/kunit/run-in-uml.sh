#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the UML test kernel: load every KUnit test module of this project
# (kernel/tests/*_test.ko, installed under updates/ by uml-init) with
# modprobe, so that its dependencies load the normal way, and print the
# KTAP results of the suites each one ran, from debugfs.
#
# Usage (normally through tests/run-kunit): run-in-uml.sh [MODULE...]
dir=/lib/modules/$(uname -r)/updates
kunit=/sys/kernel/debug/kunit
rc=0
mods=("$@")
if [ ${#mods[@]} -eq 0 ]; then
	for ko in "$dir"/*_test.ko; do
		m=$(basename "$ko" .ko)
		[ "$m" = ipvs_udp_harness_test ] && continue
		mods+=("$m")
	done
fi
for m in "${mods[@]}"; do
	before=$(ls "$kunit" 2>/dev/null)
	if ! out=$(modprobe "$m" 2>&1); then
		echo "not ok 1 $m # modprobe failed: $out"
		rc=1
		continue
	fi
	for s in $(ls "$kunit"); do
		grep -qxF "$s" <<<"$before" && continue
		echo "# module: $m"
		cat "$kunit/$s/results"
	done
	modprobe -r "$m" || rc=1
done
exit $rc
