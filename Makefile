# SPDX-License-Identifier: MIT
# forkexec — GNU make.  `make` builds the libraries and fxrun, `make check`
# runs the suite on both backends, `make check-all` everything CI can
# (docs/testing.md), `make bench` runs the benchmark.

CC       ?= cc
AR       ?= ar
BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
LIBDIR   ?= $(PREFIX)/lib
BINDIR   ?= $(PREFIX)/bin
INCDIR   ?= $(PREFIX)/include
PKGDIR   ?= $(LIBDIR)/pkgconfig

VERSION  := 1.1.0
SOMAJOR  := 1
MACHINE  := $(shell $(CC) -dumpmachine)
ARCH     := $(firstword $(subst -, ,$(MACHINE)))
# Darwin (Apple's clang says ...-apple-darwin, zig cc ...-macos) builds
# the fork backend through libSystem (mk/macos.mk, src/*_darwin.c).
OS       := $(if $(or $(findstring darwin,$(MACHINE)),$(findstring macos,$(MACHINE))),darwin,linux)
# The directory of src/sys with the raw system call stubs and clone
# trampolines: ARCH, with i386..i686 as i386.  Where there is none (say
# mips64el), or with SYS_ARCH=generic, the stubs go through libc's
# syscall(2), which only the fork backend can use (src/sys/generic/).
# Darwin has none of them: its child calls libSystem (src/child/child_darwin.c).
ifeq ($(OS),darwin)
SYS_ARCH := darwin
else
SYS_ARCH ?= $(patsubst i%86,i386,$(ARCH))
ifeq ($(wildcard src/sys/$(SYS_ARCH)/syscall_arch.h),)
SYS_ARCH := generic
endif
endif

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wcast-align -Wno-unused-parameter
ifeq ($(CI),true)
WARN     += -Werror
endif
OPT      ?= -O2 -g
# The build's own flags live in FX_CPPFLAGS, BASE_CFLAGS and CHILD_CFLAGS;
# CPPFLAGS, CFLAGS and LDFLAGS are the user's (make CPPFLAGS=-DX, a
# distribution's hardening) and come after them on every command line,
# so that they add to what the build needs and never replace it.
# src/ is searched for "quoted" includes only, so that no private header
# can shadow a system one (<spawn.h>, <sys/...>).
FX_CPPFLAGS := -D_GNU_SOURCE -Iinclude -iquote src -DFX_SYS_ARCH='"$(SYS_ARCH)"'
ifeq ($(SYS_ARCH),generic)
FX_CPPFLAGS += -DFX_SYS_GENERIC
endif
# _Fork() (glibc 2.34, musl 1.2.2) forks without running atfork handlers.
HAVE__FORK := $(shell echo 'int main(void){return _Fork();}' | \
                $(CC) -D_GNU_SOURCE -include unistd.h -x c - -o /dev/null 2>/dev/null && echo 1)
ifeq ($(HAVE__FORK),1)
LIB_DEFS += -DFX_HAVE__FORK
endif
CFLAGS   ?=
# LDFLAGS (a distribution's -Wl,-z,relro -Wl,-z,now) reaches every link,
# the shared libraries' too.  PROG_LDFLAGS reaches the programs only:
# the gates link them with -static or with a wrapped _exit (mk/gates.mk,
# mk/cross.mk), which a shared library cannot take.
LDFLAGS  ?=
PROG_LDFLAGS ?=
# A .d file next to each object lists the headers it included, so that a
# changed header rebuilds what includes it and nothing else.
DEPFLAGS  = -MMD -MP
BASE_CFLAGS := -std=gnu11 $(OPT) $(WARN) -fPIC
# Sanitizer or coverage flags for everything but the child (see check-sanitize).
INSTR    ?=

LAYERS     := io posix core backend linux child
LIB_SRCS   := $(filter-out src/child/%.c,$(wildcard $(LAYERS:%=src/%/*.c)))
CHILD_SRCS := src/child/child.c
ASM_SRCS   := $(wildcard src/sys/$(SYS_ARCH)/*.S)
ifeq ($(OS),darwin)
# Darwin builds src/*_darwin.c instead of the Linux-only files, and no
# posix_spawn layer (its types are Apple's; see the README).
DARWIN_EXCLUDED := src/linux/attr_linux.c src/backend/exitinfo_linux.c src/linux/plan_linux.c src/backend/userns.c src/linux/describe_linux.c \
                   src/linux/names_linux.c src/linux/seccomp_linux.c src/linux/landlock_linux.c \
                   src/linux/join_linux.c src/linux/mounts_linux.c src/linux/plan_mounts_linux.c \
                   src/backend/spawn_linux.c src/backend/protocol.c src/posix/posix_spawn.c src/posix/plan_posix.c
LIB_SRCS   := $(filter-out $(DARWIN_EXCLUDED),$(LIB_SRCS))
CHILD_SRCS := src/child/child_darwin.c
ASM_SRCS   :=
else
LIB_SRCS   := $(filter-out src/%_darwin.c,$(LIB_SRCS))
endif

# The child's code runs on a small private stack, shared with the parent's
# memory, between clone and execve: no stack protector (it reads TLS),
# no sanitizer or profiling hooks (they call into runtimes), no builtins
# that could turn a loop into a call to memset/memcpy.
CHILD_CFLAGS := -std=gnu11 $(OPT) $(WARN) -fPIC -fno-stack-protector \
                -fno-sanitize=all -fno-builtin -ffreestanding \
                -fno-tree-loop-distribute-patterns -fcf-protection=none \
                -fno-asynchronous-unwind-tables -fno-exceptions \
                -fno-stack-clash-protection -fno-profile-arcs -fno-test-coverage
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n1)),clang)
CHILD_CFLAGS := $(filter-out -fno-tree-loop-distribute-patterns,$(CHILD_CFLAGS))
endif
ifeq ($(OS),darwin)
# Mach-O has no stack clash protection to turn off: clang calls the flag
# unused, an error under -Werror.
CHILD_CFLAGS := $(filter-out -fno-stack-clash-protection,$(CHILD_CFLAGS))
endif

LIB_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) \
              $(patsubst %.c,$(BUILD)/obj/%.o,$(CHILD_SRCS)) \
              $(patsubst %.S,$(BUILD)/obj/%.o,$(ASM_SRCS))

FXRUN_SRCS := $(wildcard tools/*.c)
TEST_SRCS  := $(filter-out tests/probe.c,$(wildcard tests/*.c))
ifeq ($(OS),darwin)
# The tests that build on Darwin; the others test Linux facts (namespaces,
# seccomp, /proc, the posix_spawn layer, ...): see the README.
TEST_SRCS  := tests/runner.c tests/fxt.c tests/test_attr.c tests/test_spawn.c tests/test_spawn_fds.c \
              tests/test_proc.c tests/test_errors.c
endif
BENCH_SRCS := $(filter-out bench/tiny.c,$(wildcard bench/*.c))
TEST_PRELOAD := $(if $(filter darwin,$(OS)),,$(BUILD)/fxreap.so)

STATIC_LIB := $(BUILD)/libforkexec.a
ifeq ($(OS),darwin)
SHARED_LIB := $(BUILD)/libforkexec.$(SOMAJOR).dylib
ALL_EXTRA  :=
else
SHARED_LIB := $(BUILD)/libforkexec.so.$(VERSION)
ALL_EXTRA  := $(BUILD)/libforkexec-posix.so $(BUILD)/libforkexec-posix.a
endif

.PHONY: all check bench clean tidy cppcheck

all: $(STATIC_LIB) $(SHARED_LIB) $(BUILD)/fxrun $(ALL_EXTRA)

# The child's object (src/child/child.c, or src/child/child_darwin.c on Darwin).
# The user's CFLAGS (a distribution's hardening: -fstack-protector-strong,
# -fcf-protection) and INSTR never reach the child: CHILD_CFLAGS stands
# in for both (the reasons above it).  The user's CPPFLAGS do, for their
# -D and -I, but with _FORTIFY_SOURCE undefined after them: its checks
# are calls into libc, which the child may not make.  (One line each, the
# compile commands: tests/scripts/deb-test.sh reads them from the build log.)
$(patsubst %.c,$(BUILD)/obj/%.o,$(CHILD_SRCS)): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) -U_FORTIFY_SOURCE -DFX_BUILDING_LIBRARY $(CHILD_CFLAGS) -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) -DFX_BUILDING_LIBRARY $(LIB_DEFS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<

# seccomp by name: the system call names of the architecture $(CC)
# targets, from the kernel headers it sees (mk/syscall-names.awk), so
# that a cross build gets its target's table.
$(BUILD)/gen/syscall_names.h: mk/syscall-names.awk
	@mkdir -p $(dir $@)
	printf '#include <asm/unistd.h>\n' | $(CC) $(CPPFLAGS) -dM -E -x c - | \
	    awk -f mk/syscall-names.awk | LC_ALL=C sort -u > $@.tmp
	test -s $@.tmp && mv $@.tmp $@
$(BUILD)/obj/src/linux/seccomp_linux.o: $(BUILD)/gen/syscall_names.h
$(BUILD)/obj/src/linux/seccomp_linux.o: CPPFLAGS += -iquote $(BUILD)/gen

$(BUILD)/obj/src/sys/%.o: src/sys/%.S
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) -fPIC $(DEPFLAGS) -c -o $@ $<

-include $(LIB_OBJS:.o=.d)

# An object compiled before this build wrote dependency files has none,
# so a header change would never rebuild it: this stamp, made once and
# newer than such objects, rebuilds them one time (then it is older than
# every object and costs nothing).
$(LIB_OBJS): $(BUILD)/.deps-stamp
$(BUILD)/.deps-stamp:
	@mkdir -p $(dir $@)
	@touch $@

$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

ifeq ($(OS),darwin)
# The install name carries the major version as an ELF soname does;
# only the public fx_ names are exported (src/forkexec.exp).  mk/macos.mk
# links with ld64.lld instead (zig's linker takes no exported-symbols
# list and adds its own runtime's exports).
DYLIB_LINK ?= $(CC) -dynamiclib -Wl,-exported_symbols_list,src/forkexec.exp
$(SHARED_LIB): $(LIB_OBJS) src/forkexec.exp
	$(DYLIB_LINK) -install_name @rpath/libforkexec.$(SOMAJOR).dylib \
	    -compatibility_version $(SOMAJOR).1 -current_version $(VERSION) \
	    $(INSTR) $(LDFLAGS) -o $@ $(LIB_OBJS)
	ln -sf libforkexec.$(SOMAJOR).dylib $(BUILD)/libforkexec.dylib
else
$(SHARED_LIB): $(LIB_OBJS) src/forkexec.map
	$(CC) -shared -Wl,-soname,libforkexec.so.$(SOMAJOR) \
	    -Wl,--version-script=src/forkexec.map $(INSTR) $(LDFLAGS) -o $@ $(LIB_OBJS)
	ln -sf libforkexec.so.$(VERSION) $(BUILD)/libforkexec.so.$(SOMAJOR)
	ln -sf libforkexec.so.$(SOMAJOR) $(BUILD)/libforkexec.so
endif

$(BUILD)/fxrun: $(FXRUN_SRCS) $(wildcard tools/*.h) $(STATIC_LIB) include/forkexec-io.h include/forkexec-linux.h
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -Itools -o $@ $(FXRUN_SRCS) $(STATIC_LIB) $(LDFLAGS) $(PROG_LDFLAGS)

# The probe runs inside chroots and under other users: linked statically so
# it needs nothing from the file system.  musl-gcc can link it too.
# (Darwin has no static linking: there it is an ordinary program.)
PROBE_STATIC := $(if $(filter darwin,$(OS)),,-static)
$(BUILD)/fxprobe: tests/probe.c tests/probe_darwin.h tests/pattern.h tests/slurp.h
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) -std=gnu11 -O1 -g $(WARN) $(PROBE_STATIC) -o $@ $<

$(BUILD)/fxtest: $(TEST_SRCS) $(wildcard tests/*.h) $(STATIC_LIB) include/forkexec-io.h include/forkexec-linux.h \
                 $(TEST_PRELOAD)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -Itests -DFXT_SOURCE_DIR='"$(CURDIR)"' \
	    -o $@ $(TEST_SRCS) $(STATIC_LIB) -lpthread $(LDFLAGS) $(PROG_LDFLAGS)

# A foreign reaper to LD_PRELOAD into fxrun (tests/test_reaped.c); Linux only.
$(BUILD)/fxreap.so: tests/preload/reap_in_poll.c
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -shared $(LDFLAGS) -o $@ $<

# make check, the everyday test (under 2 minutes on a quiet 2-core
# machine, with nothing beyond a fresh Debian's gcc, make, strace,
# binutils and python3): the manual pages (mk/man.mk), the suite, the
# posix_spawn drop-in under real programs (tests/dropin/run.sh) and the
# examples (mk/examples.mk).  make check-extra: the ABI and header checks,
# an install into a scratch root (mk/abi.mk, mk/install.mk) and every
# benchmark strategy a few times (statuses checked, never a time), so
# that the benchmark cannot rot; CI runs it, as does make check-all
# (mk/gates.mk: the whole matrix).  See docs/testing.md.
ifeq ($(OS),darwin)
# Darwin: the suite alone (no posix_spawn drop-in, and the benchmark is Linux's).
check: all $(BUILD)/fxtest $(BUILD)/fxprobe
	$(BUILD)/fxtest
else
check: all $(BUILD)/fxtest $(BUILD)/fxprobe
	$(MAKE) --no-print-directory check-man
	$(BUILD)/fxtest
	tests/dropin/run.sh $(BUILD)
	$(MAKE) --no-print-directory check-examples
endif

.PHONY: check-extra
check-extra: all
	$(MAKE) --no-print-directory check-abi check-headers check-install
	$(MAKE) --no-print-directory bench-quick

# Configuration of the linters lives in .clang-tidy and .cppcheck-suppressions
# (one id a line; cppcheck 2.10 takes no comments there: it is not given the
# system headers, hence missingIncludeSystem; prefer an inline
# "// cppcheck-suppress id" with its reason at the line).
tidy: $(BUILD)/gen/syscall_names.h
	clang-tidy --quiet $(LIB_SRCS) $(CHILD_SRCS) $(FXRUN_SRCS) -- $(FX_CPPFLAGS) $(CPPFLAGS) \
	    -iquote $(BUILD)/gen -DFX_BUILDING_LIBRARY -std=gnu11

cppcheck: $(BUILD)/gen/syscall_names.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	    --inline-suppr --suppressions-list=.cppcheck-suppressions \
	    $(subst -iquote ,-I,$(FX_CPPFLAGS) $(CPPFLAGS)) -I$(BUILD)/gen -D__x86_64__ src tools

clean:
	rm -rf $(BUILD)

-include $(wildcard mk/*.mk)
