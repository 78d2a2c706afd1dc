# SPDX-License-Identifier: MIT
# Manual pages (man/): `make check-man` lints every page with mandoc, where
# a warning is a failure, then checks that every public function has
# exactly one page and that every page names only real functions
# (tests/man-coverage.sh, against the exported symbols of the shared
# library) and that fxrun(1) lists every option of tools/fxrun_args.c,
# and that the check itself can fail (its self-test).
# Included by the Makefile; `make check` runs it first.

MAN_PAGES := $(wildcard man/*.[1-9])

.PHONY: check-man

check-man: $(SHARED_LIB)
	@command -v mandoc >/dev/null || { echo "check-man: mandoc is not installed (.ci/install-deps)" >&2; exit 1; }
	@out=$$(mandoc -T lint -W warning $(MAN_PAGES) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; echo "check-man: mandoc lint failed" >&2; exit 1; fi; \
	echo "check-man: mandoc -T lint -W warning: $(words $(MAN_PAGES)) pages clean"
	CC="$(CC)" tests/man-coverage.sh $(BUILD)
	CC="$(CC)" tests/man-coverage-selftest.sh
