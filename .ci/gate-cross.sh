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
# library must still be right.  Tests that cannot run under qemu-user are
# listed, with the reason, in .ci/qemu-user.skip, those one architecture
# cannot run in .ci/GATE.skip (see .ci/run-suite.sh).
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
# Natively where this kernel runs the programs itself (i386 on an x86_64
# kernel with IA32 emulation, not disabled at boot, and no qemu handler
# registered for it), observed by running the fxtest; under qemu
# otherwise (.ci/qemu-userns.sh registers a qemu handler for i386 in
# namespaces of its own, to test the qemu path on such a machine).
# CROSS_QEMU=1 refuses to run natively.  The tests decide what to expect
# from what they observe (tests/fxt.h: fxt_emulator), not from this.
wrapper=()
native=0
if [ "${CROSS_QEMU:-}" != 1 ] && ! grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qarch" 2>/dev/null &&
   "$build/fxtest" -l >/dev/null 2>&1; then
	native=1
	echo "# $gate: runs natively (this kernel executes $gate programs itself)"
else
	qemu=$(command -v "qemu-$qarch-static" || command -v "qemu-$qarch") ||
		{ echo "gate-cross: qemu-user not installed (.ci/install-deps)" >&2; exit 2; }
	wrapper=("$qemu")
	export FXT_SKIP_ALSO="qemu-user ${FXT_SKIP_ALSO:-}"
	echo "# $gate: runs under $qemu"
	binfmt=/proc/sys/fs/binfmt_misc/qemu-$qarch
	# The programs the tests exec (the probe, fxrun) reach qemu through
	# binfmt_misc.  Without a handler they could not run, or (CROSS_QEMU=1
	# where the kernel runs them) would run natively beside an emulated
	# runner, which no machine does: .ci/qemu-userns.sh gives a handler
	# of its own.
	if grep -qx enabled "$binfmt" 2>/dev/null; then
		# A "fix binary" handler (flag F): the kernel opened qemu once,
		# so it also runs the probe inside the tests' chroots.
		grep -q '^flags:.*F' "$binfmt" ||
			echo "gate-cross: warning: the binfmt handler lacks flag F: chroot tests will fail" >&2
	else
		echo "gate-cross: no binfmt_misc handler for $gate ($binfmt): the tests" \
		     "could not exec the $gate probe under qemu; run .ci/install-deps as root," \
		     "or for i386: .ci/qemu-userns.sh make check-cross-i386" >&2
		exit 2
	fi
fi

# The purity tests read child.o and build objects meant to fail: the
# host's objdump cannot disassemble these, so they use the cross tools
# (set by the make targets; the defaults serve a direct run).
export CC=${CC:-${cross}gcc}
export OBJDUMP=${OBJDUMP:-${cross}objdump}
export READELF=${READELF:-${cross}readelf}

# Under qemu the vfork-style clone is really a fork, so the library never
# proves that memory is shared and every spawn reports over the pipe:
# [clone-pipe] would only repeat [clone] (both the pipe channel on the
# clone backend), and is left out.  Natively all three variants differ.
if ((native)); then
	export FXTEST_ARGS=${FXTEST_ARGS:-}
else
	export FXTEST_ARGS=${FXTEST_ARGS:--b clone -b fork}
fi
bash "$here/run-suite.sh" "$gate" "$build/fxtest" "${wrapper[@]}"
