# SPDX-License-Identifier: MIT
# Torture tests (tests/torture/): `make torture` builds build/fxtorture and
# runs it with -v, so that each test prints what it measured.  Each loop
# runs for a count or a time budget, whichever ends first; both scale with
# FX_TORTURE_SCALE (default 1: about 7 minutes on 2 cores for the three
# variants, 0.5: 3.5), so a busy machine makes the tests do less, not time
# out.  Extra runner arguments go in TORTURE_ARGS, e.g.
# TORTURE_ARGS="-b clone soak".

TORTURE_SRCS := $(wildcard tests/torture/*.c) tests/runner.c tests/fxt.c
TORTURE_ARGS ?=

.PHONY: torture

# The smallest program that exits 0: no loader, no libc start-up, so that
# the soak measures the library and the kernel, not the program.
$(BUILD)/torture-true: tests/torture/exit0.S
	@mkdir -p $(dir $@)
	$(CC) -nostdlib -static -o $@ $<

$(BUILD)/fxtorture: $(TORTURE_SRCS) $(wildcard tests/torture/*.h tests/*.h) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(FX_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -Itests -o $@ \
	    $(TORTURE_SRCS) $(STATIC_LIB) -lpthread $(LDFLAGS) $(PROG_LDFLAGS)

torture: $(BUILD)/fxtorture $(BUILD)/fxprobe $(BUILD)/torture-true
	$(BUILD)/fxtorture -v $(TORTURE_ARGS)
