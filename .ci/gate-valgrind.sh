#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make check-valgrind: the suite under valgrind's memcheck.
#
#   .ci/gate-valgrind.sh BUILD_DIR
#
# valgrind runs the runner and, because it follows fork() by itself,
# every test process the runner forks: the tests and the library are
# checked.  The programs the tests exec (the probe, fxrun, /bin/true) run
# natively (--trace-children=no).  A memcheck error, or a definite leak
# not in .ci/valgrind.supp, makes that test process exit 99, which the
# runner reports as the test's failure; valgrind's report goes to the
# runner's stderr, printed here.  Tests valgrind cannot run are listed,
# with the reason, in .ci/valgrind.skip.
set -uo pipefail

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null ||
	{ echo "gate-valgrind: valgrind not installed (.ci/install-deps)" >&2; exit 2; }

# --run-libc-freeres=no: otherwise valgrind calls glibc's __libc_freeres
#   in every process that exits, a spawned child that failed before
#   execve included, and that flushes stdio buffers the child must never
#   write (tests/test_atfork.c checks exactly this).
# --vgdb=no: no FIFOs in /tmp, no extra descriptors.
# No --log-file: valgrind would reopen it, inheritable, in each forked
#   child, and spawned programs would see one descriptor too many.
# Warnings about the system calls valgrind 3.19 does not know (424
# pidfd_send_signal, 434 pidfd_open; the library falls back) are
# filtered out of the output, and nothing else.
# Here the vfork-style clone is really a fork, so the library never
# proves that memory is shared and every spawn reports over the pipe:
# [clone-pipe] would only repeat [clone] (both the pipe channel on the
# clone backend), and is left out.  The shared-memory channel runs in
# make check, check-sanitize and check-musl.
export FXTEST_ARGS=${FXTEST_ARGS:--b clone -b fork}
bash "$here/run-suite.sh" valgrind "$build/fxtest" \
	valgrind -q --tool=memcheck --trace-children=no --run-libc-freeres=no --vgdb=no \
	--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	--error-exitcode=99 --suppressions="$here/valgrind.supp" 2>&1 |
	grep -v -E -e 'unhandled amd64-linux syscall: (424|434)$' \
		-e 'You may be able to write your own handler\.$' \
		-e 'Read the file README_MISSING_SYSCALL_OR_IOCTL\.$' \
		-e 'Nevertheless we consider this a bug\.  Please report$' \
		-e 'it at http://valgrind\.org/support/bug_reports\.html\.$'
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || echo "gate-valgrind: failed (the suite under valgrind exited $rc)" >&2
exit "$rc"
