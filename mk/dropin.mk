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
# The archive's copy has no symbol versions (a static link takes names
# as they are): FX_POSIX_ARCHIVE.
DROPIN_A_OBJS := $(filter-out $(BUILD)/obj/src/posix/posix_spawn.o,$(LIB_OBJS)) \
                 $(BUILD)/obj/dropin/posix_spawn_archive.o

$(BUILD)/obj/dropin/posix_spawn.o: src/posix/posix_spawn.c
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) -DFX_BUILDING_LIBRARY -DFX_POSIX_STANDARD_NAMES $(LIB_DEFS) \
	    $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj/dropin/posix_spawn_archive.o: src/posix/posix_spawn.c
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) -DFX_BUILDING_LIBRARY -DFX_POSIX_STANDARD_NAMES -DFX_POSIX_ARCHIVE \
	    $(LIB_DEFS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<

-include $(BUILD)/obj/dropin/posix_spawn.d $(BUILD)/obj/dropin/posix_spawn_archive.d

$(DROPIN_A): $(DROPIN_A_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The version script, for the target: each name at glibc's version on
# this architecture (src/posix/posix_versions.h), the old posix_spawn and
# posix_spawnp too where glibc has them.  -std=c11 keeps `linux` and
# `unix` from being macros; -P drops the line markers.
DROPIN_MAP := $(BUILD)/forkexec-posix.map

$(DROPIN_MAP): src/forkexec-posix.map.in src/posix/posix_versions.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -std=c11 -x c -iquote src $(FX_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) -o $@ src/forkexec-posix.map.in

$(DROPIN_SO): $(DROPIN_OBJS) $(DROPIN_MAP)
	$(CC) -shared -Wl,-soname,libforkexec-posix.so \
	    -Wl,--version-script=$(DROPIN_MAP) $(INSTR) $(LDFLAGS) -o $@ $(DROPIN_OBJS)

.PHONY: check-dropin
check-dropin: $(DROPIN_SO) $(DROPIN_A) $(BUILD)/fxprobe
	tests/dropin/run.sh $(BUILD)
