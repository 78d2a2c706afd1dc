#!/usr/bin/env bash
# make check-aarch64: the aarch64 build of the suite, under qemu-user.
#
#   .ci/gate-aarch64.sh A64_BUILD
#
# The runner runs under qemu-aarch64-static; the aarch64 programs the
# tests exec (the probe, fxrun) reach qemu through the kernel's
# binfmt_misc handler, and /bin/true and other host programs run
# natively.  Under qemu-user a vfork-style clone is really a fork, clone3
# is refused and ptrace is not emulated: the library must still be
# right.  Tests that cannot run there are listed, with the reason, in
# .ci/aarch64.skip (see .ci/run-suite.sh).
set -uo pipefail

build=${1:-build/aarch64}
here=$(cd "$(dirname "$0")" && pwd)
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64) ||
	{ echo "gate-aarch64: qemu-user not installed (.ci/install-deps)" >&2; exit 2; }
binfmt=/proc/sys/fs/binfmt_misc/qemu-aarch64
if ! grep -qx enabled "$binfmt" 2>/dev/null; then
	echo "gate-aarch64: no binfmt_misc handler for aarch64 ($binfmt): the tests" \
	     "could not exec the aarch64 probe; run .ci/install-deps as root" >&2
	exit 2
fi
# A "fix binary" handler (flag F): the kernel opened qemu once, so it also
# runs the probe inside the tests' chroots.
grep -q '^flags:.*F' "$binfmt" ||
	echo "gate-aarch64: warning: the binfmt handler lacks flag F: chroot tests will fail" >&2

# The purity tests read child.o and build objects meant to fail: the
# host's objdump cannot disassemble aarch64, so they use these (set by
# mk/gates.mk; the defaults serve a direct run).
export CC=${CC:-aarch64-linux-gnu-gcc}
export OBJDUMP=${OBJDUMP:-aarch64-linux-gnu-objdump}
export READELF=${READELF:-aarch64-linux-gnu-readelf}

# Here the vfork-style clone is really a fork, so the library never
# proves that memory is shared and every spawn reports over the pipe:
# [clone-pipe] would only repeat [clone] (both the pipe channel on the
# clone backend), and is left out.  The shared-memory channel runs in
# make check, check-sanitize and check-musl.
export FXTEST_ARGS=${FXTEST_ARGS:--b clone -b fork}
bash "$here/run-suite.sh" aarch64 "$build/fxtest" "$qemu"
