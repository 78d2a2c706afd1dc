#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the test suite for one gate, without the tests that gate cannot run.
#
#   .ci/run-suite.sh GATE FXTEST [WRAPPER...]
#
# .ci/GATE.skip lists the tests the gate leaves out: a shell pattern over
# test names, then the reason; a line ".include FILE" reads FILE (in .ci)
# there too, so that the qemu-user gates share one list of qemu's limits.
# Each one left out is printed as
#   # SKIP name (GATE): reason
# so that nothing is skipped silently; the others are passed to FXTEST by
# name, under WRAPPER (valgrind, qemu) if given, with FXT_GATE=GATE in
# the environment for tests that can tell for themselves.  FXTEST_ARGS
# (e.g. "-b clone") goes before the names.  FXTEST_ONLY, if set, is a
# list of shell patterns: a reduced run (make check-cross) keeps only the
# tests that match one, and says how many it left out.  The exit status
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

# A reduced run: the tests outside FXTEST_ONLY are left out like skipped
# ones (so that the runner's substring selection cannot bring them back),
# with one line for all of them.
reduced=0
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

export FXT_GATE=$gate
# shellcheck disable=SC2086 # FXTEST_ARGS is a list of options
"$@" "$fxtest" ${FXTEST_ARGS:-} "${keep[@]}"
