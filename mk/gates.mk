# SPDX-License-Identifier: MIT
# The gates of issue 3: the suite again under other eyes, each in a build
# directory of its own.  `make gates` runs them all; each target alone:
#
#   lint            clang-tidy and cppcheck (.clang-tidy, .cppcheck-suppressions)
#   check-sanitize  ASan+UBSan+LSan (gcc) on everything but the child; the suite
#   check-valgrind  memcheck on the suite, plain build (.ci/gate-valgrind.sh)
#   fuzz            libFuzzer smoke run of tests/fuzz/fuzz_*.c, FUZZ_TIME (30) s each
#   check-musl      the suite built with musl-gcc
#   check-aarch64   cross-built for aarch64, the suite under qemu-user
#
# A gate that cannot run some test lists it, with the reason, in
# .ci/GATE.skip; .ci/run-suite.sh prints each one as a SKIP line (tests
# read the host themselves, never the gate's name).  Packages:
# .ci/install-deps.

# CI runs each gate reduced to what is different in it (docs/testing.md);
# GATES_FULL=1 (make check-all) runs today's whole matrix instead:
#
#   gate            in CI (reduced)                         GATES_FULL=1
#   check-sanitize  every test, [clone] only                every variant
#   check-valgrind  the engine and the I/O layer            the suite
#                   (VALGRIND_ONLY), [clone] and [fork]     ([clone], [fork])
#   check-musl      every test, [clone] and [fork]          every variant
#   check-aarch64   the core (TEST_CORE, tests/runner.h),   the suite,
#                   [clone]                                 [clone], [fork]
#   check-generic   the core (TEST_CORE), [fork]            the suite, [fork]
#
# [clone-pipe] differs from [clone] only in the channel, which is the
# same code whatever the instrumentation or libc: make check runs it.
GATES_FULL ?=
VALGRIND_ONLY ?= spawn_* errors_* attr_* channel_* proc_* fdmap_fixed_* io_*
ifeq ($(GATES_FULL),1)
SAN_SUITE     := FXTEST_ARGS= FXTEST_ONLY= FXTEST_CORE=
VG_SUITE      := FXTEST_ONLY= FXTEST_CORE=
MUSL_SUITE    := FXTEST_ARGS= FXTEST_ONLY= FXTEST_CORE=
A64_SUITE     := FXTEST_ONLY= FXTEST_CORE=
GENERIC_SUITE := FXTEST_ARGS='-b fork' FXTEST_ONLY= FXTEST_CORE=
else
SAN_SUITE     := FXTEST_ARGS='-b clone' FXTEST_ONLY= FXTEST_CORE=
VG_SUITE      := FXTEST_ONLY='$(VALGRIND_ONLY)' FXTEST_CORE=
MUSL_SUITE    := FXTEST_ARGS='-b clone -b fork' FXTEST_ONLY= FXTEST_CORE=
A64_SUITE     := FXTEST_ARGS='-b clone' FXTEST_ONLY= FXTEST_CORE=1
GENERIC_SUITE := FXTEST_ARGS='-b fork' FXTEST_ONLY= FXTEST_CORE=1
endif

GATES_CI     := .ci
SAN_BUILD    := $(BUILD)/asan
MUSL_BUILD   := $(BUILD)/musl
A64_BUILD    := $(BUILD)/aarch64
FUZZ_BUILD   := $(BUILD)/fuzz

.PHONY: gates check-sanitize check-valgrind fuzz fuzz-build check-musl \
        check-aarch64 aarch64-build lint

gates: lint check-sanitize check-valgrind fuzz check-musl check-aarch64

# ---- check-sanitize ------------------------------------------------------
# INSTR reaches every object but src/child/child.c, which the Makefile builds
# with -fno-sanitize=all: the child shares the parent's memory and may
# call no runtime.  The runner ends each test with _exit(), which skips
# LeakSanitizer's atexit check, so the runners are linked with
# -Wl,--wrap=_exit and .ci/lsan-exit.c, which checks for leaks first.
SAN_CC    ?= $(CC)
SAN_INSTR := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
SAN_LDFLAGS = -Wl,--wrap=_exit $(CURDIR)/$(SAN_BUILD)/gates/lsan-exit.o
# quarantine_size_mb: a smaller heap to copy makes the fork backend's
# fork() of an instrumented test process several times cheaper.
# fast_unwind_on_malloc=0: the frame-pointer unwinder stops in glibc
# (asprintf), and leak suppressions need the whole allocation stack.
# Tests the gate cannot run are listed in .ci/sanitize.skip.
SAN_ENV := ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:quarantine_size_mb=16:fast_unwind_on_malloc=0 \
           UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/$(GATES_CI)/lsan.supp:print_suppressions=0

$(SAN_BUILD)/gates/lsan-exit.o: $(GATES_CI)/lsan-exit.c
	@mkdir -p $(dir $@)
	$(SAN_CC) -O1 -g -c -o $@ $<

check-sanitize: $(SAN_BUILD)/gates/lsan-exit.o
	$(MAKE) --no-print-directory CC='$(SAN_CC)' BUILD=$(SAN_BUILD) \
	    INSTR='$(SAN_INSTR)' PROG_LDFLAGS='$(SAN_LDFLAGS)' \
	    all $(SAN_BUILD)/fxtest $(SAN_BUILD)/fxprobe
	$(SAN_ENV) $(SAN_SUITE) bash $(GATES_CI)/run-suite.sh sanitize $(SAN_BUILD)/fxtest

# ---- check-valgrind ------------------------------------------------------
check-valgrind: all $(BUILD)/fxtest $(BUILD)/fxprobe
	$(VG_SUITE) bash $(GATES_CI)/gate-valgrind.sh $(BUILD)

# ---- fuzz ----------------------------------------------------------------
# The internal targets are compiled from src/ directly, with coverage;
# src/core/attr.c's fcntl() is routed to the fd-table model in fuzz_plan.c.
FUZZ_CC      ?= clang
FUZZ_TIME    ?= 30
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all $(WARN)
FUZZ_TARGETS := fuzz_fxrun_args fuzz_plan fuzz_posix_plan fuzz_lookup
FUZZ_HDRS    := include/forkexec.h include/forkexec-posix.h include/forkexec-linux.h \
                tests/fuzz/fuzz_input.h \
                $(wildcard src/*/*.h tools/*.h)

$(FUZZ_BUILD)/fuzz_fxrun_args: tests/fuzz/fuzz_fxrun_args.c tools/fxrun_args.c src/linux/names_linux.c \
                               $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(FUZZ_CFLAGS) -Itools -o $@ $(filter %.c,$^)

$(FUZZ_BUILD)/fuzz_plan: tests/fuzz/fuzz_plan.c src/core/plan.c src/linux/plan_linux.c src/core/attr.c src/core/attr_limits.c src/linux/attr_linux.c \
                         src/linux/seccomp_linux.c src/linux/landlock_linux.c src/linux/mounts_linux.c \
                         src/linux/plan_mounts_linux.c src/core/error.c $(BUILD)/gen/syscall_names.h \
                         $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FX_CPPFLAGS) $(CPPFLAGS) -iquote $(BUILD)/gen $(FUZZ_CFLAGS) -Dfcntl=fx__fuzz_fcntl -o $@ \
	    $(filter %.c,$^)

$(FUZZ_BUILD)/fuzz_posix_plan: tests/fuzz/fuzz_posix_plan.c src/posix/plan_posix.c src/core/plan.c \
                               src/linux/plan_linux.c src/linux/plan_mounts_linux.c src/core/error.c \
                               $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

$(FUZZ_BUILD)/fuzz_lookup: tests/fuzz/fuzz_lookup.c src/core/lookup.c src/core/attr.c src/core/attr_limits.c src/linux/attr_linux.c \
                           src/linux/landlock_linux.c src/linux/mounts_linux.c src/core/error.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

fuzz-build: $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	bash $(GATES_CI)/gate-fuzz.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_TARGETS)

# ---- check-musl ----------------------------------------------------------
# musl-gcc searches musl's headers only; the library and the runner use
# the kernel's uapi headers (<linux/sched.h>, <asm/unistd.h>), which
# musl distributions ship apart (Alpine's linux-headers).  Here they come
# from linux-libc-dev, through a directory that holds nothing else.
MUSL_CC    ?= musl-gcc
MUSL_KINC  := $(CURDIR)/$(MUSL_BUILD)/kinc
MUSL_MARCH := $(shell gcc -dumpmachine 2>/dev/null)

$(MUSL_KINC)/.stamp:
	@mkdir -p $(dir $@)
	ln -sfn /usr/include/linux $(dir $@)linux
	ln -sfn /usr/include/asm-generic $(dir $@)asm-generic
	ln -sfn /usr/include/$(MUSL_MARCH)/asm $(dir $@)asm
	@touch $@

check-musl: $(MUSL_KINC)/.stamp
	$(MAKE) --no-print-directory CC='$(MUSL_CC) -isystem $(MUSL_KINC)' BUILD=$(MUSL_BUILD) \
	    all $(MUSL_BUILD)/fxtest $(MUSL_BUILD)/fxprobe
	$(MUSL_SUITE) bash $(GATES_CI)/run-suite.sh musl $(MUSL_BUILD)/fxtest

# ---- check-aarch64 -------------------------------------------------------
# Everything is linked statically, so that qemu needs no aarch64 loader
# and the probe runs in the tests' chroots; the aarch64 programs the
# tests exec reach qemu through binfmt_misc (.ci/gate-aarch64.sh checks).
# The purity tests disassemble aarch64 objects, and build some to fail,
# with the cross tools, which they take from CC, OBJDUMP and READELF
# (binutils-aarch64-linux-gnu comes with gcc-aarch64-linux-gnu).
A64_CROSS ?= aarch64-linux-gnu-
A64_CC    ?= $(A64_CROSS)gcc

aarch64-build:
	$(MAKE) --no-print-directory CC=$(A64_CC) BUILD=$(A64_BUILD) \
	    PROG_LDFLAGS=-static all $(A64_BUILD)/fxtest $(A64_BUILD)/fxprobe

check-aarch64: aarch64-build
	CC='$(A64_CC)' OBJDUMP='$(A64_CROSS)objdump' READELF='$(A64_CROSS)readelf' $(A64_SUITE) \
	    bash $(GATES_CI)/gate-aarch64.sh $(A64_BUILD)

# ---- lint ----------------------------------------------------------------
lint: tidy cppcheck

# ---- check-all -----------------------------------------------------------
# Today's complete matrix, each gate whole (GATES_FULL=1): what to run
# before a release and after any change to the child (src/child/child.c), the
# stubs and trampolines (src/sys/) or the report channel
# (about 40 minutes on a quiet 2-core machine): see docs/testing.md.
# check-cross stays the reduced run CI had (make check-cross-full runs
# the whole suite on each architecture, much longer).
.PHONY: check-all
check-all:
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory check-extra
	$(MAKE) --no-print-directory check-macos
	$(MAKE) --no-print-directory check-deb
	$(MAKE) --no-print-directory check-cross
	$(MAKE) --no-print-directory GATES_FULL=1 check-generic
	FX_TORTURE_SCALE=0.5 $(MAKE) --no-print-directory torture
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory GATES_FULL=1 check-sanitize
	$(MAKE) --no-print-directory GATES_FULL=1 check-valgrind
	$(MAKE) --no-print-directory fuzz FUZZ_TIME=30
	$(MAKE) --no-print-directory GATES_FULL=1 check-musl
	$(MAKE) --no-print-directory GATES_FULL=1 check-aarch64
