# SPDX-License-Identifier: MIT
# Manual pages (man/): `make check-man` lints every page with mandoc, where
# a warning is a failure (without mandoc it says the lint was skipped, and
# fails instead where FX_REQUIRE_TOOLS is set, as .ci/run sets it), then checks that every public function has
# exactly one page and that every page names only real functions
# (tests/scripts/man-coverage.sh, against the exported symbols of the shared
# library) and that fxrun(1) lists every option of tools/fxrun_args.c,
# and that the check itself can fail (its self-test).
# Included by the Makefile; `make check` runs it first.

MAN_PAGES := $(wildcard man/*.[1-9])

.PHONY: check-man

check-man: $(SHARED_LIB)
	@if command -v mandoc >/dev/null; then \
	    out=$$(mandoc -T lint -W warning $(MAN_PAGES) 2>&1); \
	    if [ -n "$$out" ]; then echo "$$out"; echo "check-man: mandoc lint failed" >&2; exit 1; fi; \
	    echo "check-man: mandoc -T lint -W warning: $(words $(MAN_PAGES)) pages clean"; \
	elif [ -n "$(FX_REQUIRE_TOOLS)" ]; then \
	    echo "check-man: lint failed: mandoc is not installed and FX_REQUIRE_TOOLS is set; .ci/install-deps installs it" >&2; exit 1; \
	else \
	    echo "check-man: lint skipped: mandoc is not installed; .ci/install-deps installs it"; \
	fi
	CC="$(CC)" tests/scripts/man-coverage.sh $(BUILD)
	CC="$(CC)" tests/scripts/man-coverage-selftest.sh
