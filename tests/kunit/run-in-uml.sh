#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the UML test kernel: load every KUnit test module of this project
# (kernel/tests/*_test.ko, installed under updates/ by uml-init) with
# modprobe, so that its dependencies load the normal way, and print the
# KTAP results of the suites each one ran, from the kernel log (debugfs
# keeps only the last lines of a parameterised case).
#
# Usage (normally through tests/run-kunit): run-in-uml.sh [MODULE...]
dir=/lib/modules/$(uname -r)/updates
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
	dmesg -C
	if ! out=$(modprobe "$m" 2>&1); then
		echo "not ok 1 $m # modprobe failed: $out"
		rc=1
		continue
	fi
	echo "# module: $m"
	dmesg | sed -n 's/^\[[ 0-9.]*\] //p' |
		sed -n '/KTAP version/,$p' | grep -E '^ *(KTAP|1\.\.|ok |not ok |# )'
	modprobe -r "$m" || rc=1
done
exit $rc
