# SPDX-License-Identifier: MIT
# The benchmark (bench/, see the README's "Benchmarks").  Included by the
# main Makefile; uses its BUILD, CC, FX_CPPFLAGS, CPPFLAGS, BASE_CFLAGS, INSTR, CFLAGS,
# LDFLAGS, PROG_LDFLAGS, STATIC_LIB and BENCH_SRCS.
#
#   make bench         the full run (3-8 minutes; wants 16 GiB of free memory),
#                      then the capture benchmark (about 7 minutes with the peers)
#   make bench-capture the capture benchmark alone
#   make bench-quick   every strategy a few times, exit status checked: seconds
#   make bench BENCH_ARGS='--figures-to docs --max-mem-gib 4'

BENCH_BIN  := $(BUILD)/fxbench
BENCH_TINY := $(BUILD)/bench-tiny
BENCH_GO   := $(BUILD)/bench-goexec
BENCH_ARGS ?=
# The Go peer is built only where Go is installed (Debian: golang-go).
GO         ?= $(shell command -v go 2>/dev/null)

BENCH_DEPS := $(BENCH_BIN) $(BENCH_TINY) $(if $(GO),$(BENCH_GO))
BENCH_RUN  := $(BENCH_BIN) --tiny $(BENCH_TINY) --python-peer bench/peer_popen.py \
              --go-peer $(BENCH_GO)

# The capture benchmark (bench/capture/): a child writes 1 GiB to stdout;
# fx_run against a plain read loop, Python and Go.  CAPTURE_ARGS for more
# (--rounds N, --mib N, --only ...).
CAPTURE_BIN  := $(BUILD)/fxbench-capture
CAPTURE_SPEW := $(BUILD)/bench-spew
CAPTURE_GO   := $(BUILD)/bench-capture-go
CAPTURE_ARGS ?=
CAPTURE_DEPS := $(CAPTURE_BIN) $(CAPTURE_SPEW) $(if $(GO),$(CAPTURE_GO))
CAPTURE_RUN  := $(CAPTURE_BIN) --spew $(CAPTURE_SPEW) \
                --python-peer bench/capture/peer_capture.py --go-peer $(CAPTURE_GO)

.PHONY: bench bench-quick bench-capture

# The bench uses the public headers only.
BENCH_CPPFLAGS = $(filter-out -iquote src,$(FX_CPPFLAGS)) $(CPPFLAGS)

$(BENCH_BIN): $(BENCH_SRCS) bench/bench.h include/forkexec.h include/forkexec-posix.h include/forkexec-linux.h \
              $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CPPFLAGS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -Ibench -o $@ $(BENCH_SRCS) \
	    $(STATIC_LIB) -lpthread -lm $(LDFLAGS) $(PROG_LDFLAGS)

# One raw exit system call, static, no libc: spawning it costs the spawn alone.
$(BENCH_TINY): bench/tiny.c
	@mkdir -p $(dir $@)
	$(CC) -static -nostdlib -nostartfiles -no-pie -Wl,--build-id=none -o $@ $<

# GOPATH mode and a cache under $(BUILD): no module, no network, no $HOME.
$(BENCH_GO): bench/peer_exec.go
	@mkdir -p $(dir $@)
	cd bench && env GO111MODULE=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= \
	    GOPATH=$(abspath $(BUILD))/go GOCACHE=$(abspath $(BUILD))/go/cache \
	    $(GO) build -o $(abspath $@) peer_exec.go

$(CAPTURE_BIN): bench/capture/capture.c include/forkexec.h include/forkexec-io.h $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CPPFLAGS) $(BASE_CFLAGS) $(INSTR) $(CFLAGS) -o $@ bench/capture/capture.c \
	    $(STATIC_LIB) -lm $(LDFLAGS) $(PROG_LDFLAGS)

# Static: every contestant's child starts alike, and fast.
$(CAPTURE_SPEW): bench/capture/spew.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -static -o $@ $<

$(CAPTURE_GO): bench/capture/peer_capture.go
	@mkdir -p $(dir $@)
	cd bench/capture && env GO111MODULE=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= \
	    GOPATH=$(abspath $(BUILD))/go GOCACHE=$(abspath $(BUILD))/go/cache \
	    $(GO) build -o $(abspath $@) peer_capture.go

bench: $(BENCH_DEPS) $(CAPTURE_DEPS)
	$(BENCH_RUN) --out $(BUILD)/bench $(BENCH_ARGS)
	$(CAPTURE_RUN) --out $(BUILD)/bench $(CAPTURE_ARGS)

bench-capture: $(CAPTURE_DEPS)
	$(CAPTURE_RUN) --out $(BUILD)/bench $(CAPTURE_ARGS)

bench-quick: $(BENCH_DEPS) $(CAPTURE_DEPS)
	$(BENCH_RUN) --quick --out $(BUILD)/bench/quick
	$(CAPTURE_RUN) --quick --out $(BUILD)/bench/quick
