# SPDX-License-Identifier: MIT
# The Python binding (bindings/python/, its README).  Not part of `make
# check` (its time budget); .ci/run runs it as a step of its own.
#
#   make check-python   a venv in $(BUILD)/python-venv from Debian's python3,
#                       the module installed into it from the tree, pytest
#   make bench-python   forkexec.run against subprocess.run, one Python process
#                       (BENCH_PY_ARGS: --quick, --no-big, --big-gib N)

PYTHON_BIN    ?= /usr/bin/python3
BENCH_PY_ARGS ?=

.PHONY: check-python bench-python clean-python

check-python: $(BUILD)/fxprobe $(BUILD)/bench-tiny
	FX_PYTHON=$(PYTHON_BIN) bindings/python/check.sh $(BUILD)

bench-python: $(BUILD)/bench-tiny $(BUILD)/bench-spew
	FX_PYTHON=$(PYTHON_BIN) bindings/python/check.sh $(BUILD) --install-only
	$(BUILD)/python-venv/bin/python bindings/python/bench.py --tiny $(BUILD)/bench-tiny \
	    --spew $(BUILD)/bench-spew $(BENCH_PY_ARGS)

# What an in-tree pip or build run leaves in bindings/python.
clean-python:
	rm -rf bindings/python/build bindings/python/dist bindings/python/src/forkexec.egg-info \
	    $(BUILD)/python-venv
