# SPDX-License-Identifier: MIT
# The posix_spawn drop-in: src/posix/posix_spawn.c built a second time with the
# standard names (posix_spawn, posix_spawnp, posix_spawnattr_*,
# posix_spawn_file_actions_*, pidfd_spawn, pidfd_spawnp), linked with the
# engine into a library for LD_PRELOAD and an archive that overrides
# libc's definitions when linked first.  Included by the Makefile.

DROPIN_SO  := $(BUILD)/libforkexec-posix.so
DROPIN_A   := $(BUILD)/libforkexec-posix.a
DROPIN_OBJS := $(filter-out $(BUILD)/obj/src/posix/posix_spawn.o,$(LIB_OBJS)) \
               $(BUILD)/obj/dropin/posix_spawn.o

$(BUILD)/obj/dropin/posix_spawn.o: src/posix/posix_spawn.c $(wildcard src/*/*.h) include/forkexec.h \
                                   include/forkexec-posix.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DFX_BUILDING_LIBRARY -DFX_POSIX_STANDARD_NAMES $(LIB_DEFS) \
	    $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -fvisibility=hidden -c -o $@ $<

$(DROPIN_A): $(DROPIN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# An anonymous version node: the definitions are unversioned, and an
# unversioned definition satisfies a program's versioned reference
# (posix_spawn@GLIBC_2.15) when it comes first in the search order.
$(DROPIN_SO): $(DROPIN_OBJS) src/forkexec-posix.map
	$(CC) -shared -Wl,-soname,libforkexec-posix.so \
	    -Wl,--version-script=src/forkexec-posix.map $(INSTR) $(SHLIB_LDFLAGS) -o $@ $(DROPIN_OBJS)

# DROPINDIR: where install-dropin puts both (the Debian packages use a
# private directory, /usr/lib/<triplet>/forkexec: see debian/rules).
DROPINDIR ?= $(LIBDIR)

install-dropin: $(DROPIN_SO) $(DROPIN_A)
	install -d $(DESTDIR)$(DROPINDIR)
	install -m 755 $(DROPIN_SO) $(DESTDIR)$(DROPINDIR)/
	install -m 644 $(DROPIN_A) $(DESTDIR)$(DROPINDIR)/

.PHONY: install-dropin check-dropin
check-dropin: $(DROPIN_SO) $(DROPIN_A) $(BUILD)/fxprobe
	tests/dropin/run.sh $(BUILD)
