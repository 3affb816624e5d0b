# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The options tests/run-kunit and tests/run-scenarios take in front of
# their own arguments.

# uml_args ARGS...: the leading --debug and --kernel K of ARGS, as
# scripts/uml-run options (UML_ARGS) and as the tag the runner's result
# lines carry (UML_TAG: " (debug)", " (newest)"; 6.1 is untagged);
# UML_NARGS is how many of ARGS they were.
uml_args() {
	UML_ARGS=() UML_TAG='' UML_NARGS=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--debug)
			UML_ARGS+=(--debug)
			UML_TAG="$UML_TAG (debug)"
			;;
		--kernel)
			UML_ARGS+=(--kernel "$2")
			[ "$2" = 6.1 ] || UML_TAG="$UML_TAG ($2)"
			shift
			UML_NARGS=$((UML_NARGS + 1))
			;;
		*) break ;;
		esac
		shift
		UML_NARGS=$((UML_NARGS + 1))
	done
}
