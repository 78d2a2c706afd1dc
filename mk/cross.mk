# SPDX-License-Identifier: MIT
# make check-cross: the Linux backend on the other Debian release
# architectures, each cross-built statically with Debian's cross
# compiler and run under qemu-user (.ci/gate-cross.sh, as check-aarch64):
#
#   Debian   compiler prefix          src/sys/      qemu
#   i386     i686-linux-gnu-          i386          qemu-i386 (or natively, with IA32 emulation)
#   armhf    arm-linux-gnueabihf-     arm           qemu-arm
#   riscv64  riscv64-linux-gnu-       riscv64       qemu-riscv64
#   ppc64el  powerpc64le-linux-gnu-   powerpc64le   qemu-ppc64le
#   s390x    s390x-linux-gnu-         s390x         qemu-s390x
#
# The core tests, what differs from one architecture or system call path
# to another, are declared so at the test (TEST_CORE, tests/runner.h;
# `fxtest -l -c` lists them).  check-aarch64 and check-generic run them
# too (mk/gates.mk).
#
# check-cross is the reduced run that CI can afford (the whole suite
# under qemu takes about 4 minutes per architecture and backend on the CI
# machine under stress-ng --cpu 2: s390x [clone] 230 s, [fork] 251 s,
# i386 [clone] 248 s):
#   - the clone backend only ([clone]; the fork backend's child makes the
#     same raw system calls, and [clone-pipe] repeats [clone] under qemu);
#   - only the core tests: every spawn_* test (each step of the
#     child, one raw system call each), the error reports (but for
#     the leak-check loop errors_repeated_*), the fixed fd shuffles, the
#     static purity checks of child.o with the cross binutils (symbols,
#     relocations, the count of the architecture's trap instruction,
#     the branch and thread-pointer rules of tests/purity_isa.c) and the
#     counter-examples that prove those rules can fail, built with the
#     cross compiler (purity_rules_catch_bad_objects), attributes, the report
#     channel, every limits_* test (rlimits through prlimit64's 64-bit
#     values on 32-bit machines, umask, nice, scheduling, affinity,
#     capabilities), seccomp by name (each architecture's own table
#     and filter), the process handle but proc_exit_codes, atfork, and
#     a few posix_spawn file actions and errors.  Left out: fxrun_*,
#     io_*, ns_*, fdmap_random_*, fdmap_keep_fds_*, proc_exit_codes, the
#     other posix_* tests and purity_trace_* (strace cannot see a qemu
#     guest);
#   - only fxtest, fxprobe and fxrun are built (not the shared libraries).
# check-cross-full runs the whole suite on both backends for each, as
# check-aarch64 does; check-cross-ARCH and check-cross-full-ARCH one.
# Tests qemu-user cannot run are in .ci/ARCH.skip.  Packages and binfmt
# handlers: .ci/install-deps.

CROSS_ARCHES ?= i386 armhf riscv64 ppc64el s390x
CROSS_PREFIX_i386    := i686-linux-gnu-
CROSS_PREFIX_armhf   := arm-linux-gnueabihf-
CROSS_PREFIX_riscv64 := riscv64-linux-gnu-
CROSS_PREFIX_ppc64el := powerpc64le-linux-gnu-
CROSS_PREFIX_s390x   := s390x-linux-gnu-
CROSS_BUILD := $(BUILD)/cross

# (check-cross-ARCH are pattern rules, which make never applies to a
# .PHONY target: they stay off that list.)
.PHONY: check-cross check-cross-full

cross_cc = $(CROSS_PREFIX_$(1))gcc
cross_tools = CC='$(CROSS_PREFIX_$(1))gcc' OBJDUMP='$(CROSS_PREFIX_$(1))objdump' \
              READELF='$(CROSS_PREFIX_$(1))readelf'

# Each architecture in turn; one that fails does not stop the others,
# and the last line says which failed and how long each took.
check-cross check-cross-full:
	@failed=; times=; for a in $(CROSS_ARCHES); do \
	    t0=$$(date +%s); \
	    $(MAKE) --no-print-directory $@-$$a || failed="$$failed $$a"; \
	    times="$$times $$a=$$(( $$(date +%s) - t0 ))s"; \
	done; \
	echo "# $@:$$times"; \
	if [ -n "$$failed" ]; then echo "# $@: failed:$$failed"; exit 1; fi

check-cross-%:
	$(MAKE) --no-print-directory CC=$(call cross_cc,$*) BUILD=$(CROSS_BUILD)/$* \
	    PROG_LDFLAGS=-static \
	    $(CROSS_BUILD)/$*/fxtest $(CROSS_BUILD)/$*/fxprobe $(CROSS_BUILD)/$*/fxrun
	$(call cross_tools,$*) FXTEST_ARGS='-b clone' FXTEST_ONLY= FXTEST_CORE=1 \
	    bash $(GATES_CI)/gate-cross.sh $* $(CROSS_BUILD)/$*

check-cross-full-%:
	$(MAKE) --no-print-directory CC=$(call cross_cc,$*) BUILD=$(CROSS_BUILD)/$* \
	    PROG_LDFLAGS=-static all $(CROSS_BUILD)/$*/fxtest $(CROSS_BUILD)/$*/fxprobe
	$(call cross_tools,$*) bash $(GATES_CI)/gate-cross.sh $* $(CROSS_BUILD)/$*

# ---- check-generic -------------------------------------------------------
# The fallback for architectures without stubs (src/sys/generic: libc's
# syscall(2), the fork backend only), forced on this machine with
# SYS_ARCH=generic, so that it builds and works where it will be used
# (mips64el, ...).  The fork backend's core (TEST_CORE; the whole suite
# with GATES_FULL=1, mk/gates.mk); .ci/generic.skip.
GENERIC_BUILD := $(BUILD)/generic

.PHONY: check-generic
check-generic:
	$(MAKE) --no-print-directory SYS_ARCH=generic BUILD=$(GENERIC_BUILD) \
	    all $(GENERIC_BUILD)/fxtest $(GENERIC_BUILD)/fxprobe
	$(GENERIC_SUITE) bash $(GATES_CI)/run-suite.sh generic $(GENERIC_BUILD)/fxtest
