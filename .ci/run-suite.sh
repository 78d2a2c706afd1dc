#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the test suite for one gate, without the tests that gate cannot run.
#
#   .ci/run-suite.sh GATE FXTEST [WRAPPER...]
#
# .ci/GATE.skip lists the tests the gate leaves out: a shell pattern over
# test names, then the reason; a line ".include FILE" reads FILE (in .ci)
# there too; FXT_SKIP_ALSO names more lists (gate-cross.sh adds
# qemu-user, the limits of qemu-user, when it runs the suite under qemu).
# Each one left out is printed as
#   # SKIP name (GATE): reason
# so that nothing is skipped silently; the others are passed to FXTEST by
# name, under WRAPPER (valgrind, qemu) if given.  The gate's name is not
# passed on: a test decides what to expect from what it observes
# (tests/fxt.h), never from the gate it runs in.  FXTEST_ARGS
# (e.g. "-b clone") goes before the names.  A reduced run keeps fewer
# tests, and says how many it left out: FXTEST_CORE=1 the core alone (the
# tests declared TEST_CORE, tests/runner.h: make check-cross,
# check-aarch64, check-generic), FXTEST_ONLY a list of shell patterns
# over names (make check-valgrind).  The exit status
# is fxtest's.
set -uo pipefail

gate=$1 fxtest=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
skipfile=$here/$gate.skip

[ -e "$fxtest" ] || { echo "run-suite: $fxtest not built" >&2; exit 2; }

# Listed natively (an aarch64 fxtest runs through binfmt_misc), and
# without LeakSanitizer, which reports the list's array that the runner
# does not free and then exits before stdout is flushed.
mapfile -t all < <(ASAN_OPTIONS=detect_leaks=0 "$fxtest" -l)
((${#all[@]})) || { echo "run-suite: $fxtest -l listed no test" >&2; exit 2; }

declare -A skip=()
read_skips() {
	local pat reason
	while read -r pat reason; do
		[ -z "$pat" ] || [ "${pat:0:1}" = "#" ] && continue
		if [ "$pat" = .include ]; then
			read_skips "$here/$reason"
			continue
		fi
		for t in "${all[@]}"; do
			# shellcheck disable=SC2053 # $pat is a pattern on purpose
			if [[ $t == $pat ]] && [ -z "${skip[$t]:-}" ]; then
				skip[$t]=$reason
				echo "# SKIP $t ($gate): $reason"
			fi
		done
	done <"$1"
}
[ ! -f "$skipfile" ] || read_skips "$skipfile"
# FXT_SKIP_ALSO: more lists of .ci, named by what the gate script
# observed (gate-cross.sh: qemu-user, when the suite runs under qemu).
for extra in ${FXT_SKIP_ALSO:-}; do
	read_skips "$here/$extra.skip"
done

# A reduced run: the tests outside the core or FXTEST_ONLY are left out
# like skipped ones (so that the runner's substring selection cannot bring
# them back), with one line for all of them.
reduced=0
if [ "${FXTEST_CORE:-}" = 1 ]; then
	declare -A core=()
	while read -r t; do core[$t]=1; done < <(ASAN_OPTIONS=detect_leaks=0 "$fxtest" -l -c)
	((${#core[@]})) || { echo "run-suite: $fxtest -l -c listed no test" >&2; exit 2; }
	for t in "${all[@]}"; do
		[ -z "${skip[$t]:-}" ] || continue
		[ -n "${core[$t]:-}" ] || { skip[$t]="not in the core"; reduced=$((reduced + 1)); }
	done
	echo "# $gate: reduced run: $reduced tests outside the core (fxtest -l -c)"
fi
if [ -n "${FXTEST_ONLY:-}" ]; then
	read -ra only <<<"$FXTEST_ONLY"
	for t in "${all[@]}"; do
		[ -z "${skip[$t]:-}" ] || continue
		in=0
		for pat in "${only[@]}"; do
			# shellcheck disable=SC2053 # $pat is a pattern on purpose
			[[ $t == $pat ]] && in=1 && break
		done
		((in)) || { skip[$t]="not in the reduced run"; reduced=$((reduced + 1)); }
	done
	echo "# $gate: reduced run: $reduced tests outside FXTEST_ONLY ($FXTEST_ONLY)"
fi

# The runner selects tests by substring, so a test whose name is part of
# a skipped test's name would bring that one back: it is left out too.
for t in "${all[@]}"; do
	[ -z "${skip[$t]:-}" ] || continue
	for s in "${!skip[@]}"; do
		if [[ $s == *"$t"* ]]; then
			skip[$t]="the runner, which selects by substring, would also run $s"
			echo "# SKIP $t ($gate): ${skip[$t]}"
			break
		fi
	done
done
keep=()
for t in "${all[@]}"; do
	[ -n "${skip[$t]:-}" ] || keep+=("$t")
done
echo "# $gate: ${#keep[@]} of ${#all[@]} tests, ${#skip[@]} left out"
((${#keep[@]})) || exit 0

# shellcheck disable=SC2086 # FXTEST_ARGS is a list of options
"$@" "$fxtest" ${FXTEST_ARGS:-} "${keep[@]}"
