# SPDX-License-Identifier: MIT
# examples/: small complete programs for readers (README, "Examples").
# `make examples` builds them against the build tree's static library,
# as a user's program would be built against an installed one: the
# public headers only (no _GNU_SOURCE, no src/), the library's warnings.
# `make check-examples` runs each with asserted output and exit status
# (tests/scripts/examples-test.sh); some need root (chroot, setuid) and user
# namespaces, and say so in a SKIP line when they cannot run.

EX_SRCS   := $(wildcard examples/*.c)
EX_BINS   := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EX_SRCS))
EX_CFLAGS := -std=gnu11 -O2 -g $(WARN)

.PHONY: examples check-examples

examples: $(EX_BINS)

$(BUILD)/examples/%: examples/%.c $(STATIC_LIB) include/forkexec.h include/forkexec-io.h \
                     include/forkexec-linux.h include/forkexec-posix.h
	@mkdir -p $(dir $@)
	$(CC) -Iinclude $(EX_CFLAGS) $(CFLAGS) -o $@ $< $(STATIC_LIB) $(LDFLAGS)

check-examples: examples $(BUILD)/fxprobe
	tests/scripts/examples-test.sh $(BUILD)
