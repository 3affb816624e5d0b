#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipvs_udp generic netlink family under hostile requests: malformed
# attributes with extack checks, a dump interrupted by deleting its
# service, and a bounded fuzz loop (tests/scenarios/netlink.sh has them;
# this file gives them their own UML boot).
#
# Run inside UML: scripts/uml-run -- tests/scenarios/netlink-hostile.sh
if [ $# -eq 0 ]; then
	set -- test_hostile test_fuzz
fi
exec "$(dirname "$0")/netlink.sh" "$@"
