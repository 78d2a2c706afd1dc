#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make check-aarch64, make check-cross: a cross build of the suite, run
# under qemu-user.
#
#   .ci/gate-cross.sh GATE BUILD
#
# GATE is a Debian architecture (aarch64, armhf, i386, ppc64el, riscv64,
# s390x); BUILD holds its static fxtest, fxprobe and fxrun.  The runner
# runs under qemu-ARCH-static; the programs of that architecture the
# tests exec (the probe, fxrun) reach qemu through the kernel's
# binfmt_misc handler, and /bin/true and other host programs run
# natively.  i386 runs natively instead where this kernel can (IA32
# emulation, not disabled at boot).  Under qemu-user a vfork-style clone
# is really a fork, clone3 is refused and ptrace is not emulated: the
# library must still be right.  Tests that cannot run there are listed,
# with the reason, in .ci/GATE.skip (see .ci/run-suite.sh).
set -uo pipefail

gate=${1:?usage: gate-cross.sh GATE BUILD}
build=${2:-build/$gate}
here=$(cd "$(dirname "$0")" && pwd)

# Debian's name -> qemu's name, the cross tools' prefix.
case $gate in
aarch64) qarch=aarch64 cross=aarch64-linux-gnu- ;;
armhf)   qarch=arm     cross=arm-linux-gnueabihf- ;;
i386)    qarch=i386    cross=i686-linux-gnu- ;;
ppc64el) qarch=ppc64le cross=powerpc64le-linux-gnu- ;;
riscv64) qarch=riscv64 cross=riscv64-linux-gnu- ;;
s390x)   qarch=s390x   cross=s390x-linux-gnu- ;;
*) echo "gate-cross: unknown architecture $gate" >&2; exit 2 ;;
esac

[ -x "$build/fxtest" ] || { echo "gate-cross: $build/fxtest not built" >&2; exit 2; }
wrapper=()
if [ "$gate" = i386 ] && "$build/fxtest" -l >/dev/null 2>&1 &&
   ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-i386 2>/dev/null; then
	echo "# $gate: runs natively (IA32 emulation)"
else
	qemu=$(command -v "qemu-$qarch-static" || command -v "qemu-$qarch") ||
		{ echo "gate-cross: qemu-user not installed (.ci/install-deps)" >&2; exit 2; }
	wrapper=("$qemu")
	binfmt=/proc/sys/fs/binfmt_misc/qemu-$qarch
	if ! grep -qx enabled "$binfmt" 2>/dev/null; then
		echo "gate-cross: no binfmt_misc handler for $gate ($binfmt): the tests" \
		     "could not exec the $gate probe; run .ci/install-deps as root" >&2
		exit 2
	fi
	# A "fix binary" handler (flag F): the kernel opened qemu once, so
	# it also runs the probe inside the tests' chroots.
	grep -q '^flags:.*F' "$binfmt" ||
		echo "gate-cross: warning: the binfmt handler lacks flag F: chroot tests will fail" >&2
fi

# The purity tests read child.o and build objects meant to fail: the
# host's objdump cannot disassemble these, so they use the cross tools
# (set by the make targets; the defaults serve a direct run).
export CC=${CC:-${cross}gcc}
export OBJDUMP=${OBJDUMP:-${cross}objdump}
export READELF=${READELF:-${cross}readelf}

# Here the vfork-style clone is really a fork, so the library never
# proves that memory is shared and every spawn reports over the pipe:
# [clone-pipe] would only repeat [clone] (both the pipe channel on the
# clone backend), and is left out.  The shared-memory channel runs in
# make check, check-sanitize and check-musl.
export FXTEST_ARGS=${FXTEST_ARGS:--b clone -b fork}
bash "$here/run-suite.sh" "$gate" "$build/fxtest" "${wrapper[@]}"
