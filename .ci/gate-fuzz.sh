#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make fuzz: a short libFuzzer run of each target.
#
#   .ci/gate-fuzz.sh FUZZ_BUILD SECONDS TARGET...
#
# Each target starts from its committed seeds (tests/fuzz/corpus/TARGET/, read
# only) and writes what it finds to FUZZ_BUILD/corpus/TARGET/; a crash, a
# leak, a sanitizer report or a broken invariant (abort) leaves its input
# in FUZZ_BUILD/artifacts/ and fails the gate.  To reproduce one:
#   FUZZ_BUILD/TARGET FUZZ_BUILD/artifacts/TARGET-crash-...
# To add the new inputs to the seeds (keep them few and small):
#   FUZZ_BUILD/TARGET -merge=1 tests/fuzz/corpus/TARGET FUZZ_BUILD/corpus/TARGET
set -uo pipefail

build=$1 seconds=$2
shift 2
root=$(pwd)
status=0

mkdir -p "$build/artifacts"
for t in "$@"; do
	bin=$build/$t seeds=tests/fuzz/corpus/$t out=$build/corpus/$t log=$build/$t.log
	mkdir -p "$out"
	[ -d "$seeds" ] || { echo "gate-fuzz: no seed corpus $seeds" >&2; status=1; continue; }
	echo "# fuzz $t: ${seconds} s from $(find "$seeds" -type f | wc -l) seeds"
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$root/$build/artifacts/$t-" \
		"$out" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "not ok - $t: exit $rc after ${runs:-?} runs; the report:"
		grep -v -E '^#[0-9]+\s|^INFO:|^\s*NEW_FUNC' "$log" | tail -n 60 | sed 's/^/# /'
		status=1
	else
		echo "ok - $t: ${runs:-?} runs, ${cov:-cov: ?}, no failure"
	fi
done
exit "$status"
