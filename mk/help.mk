# SPDX-License-Identifier: MIT
# make help: every public target, one line each.  Included by the
# Makefile; a target added to a mk/*.mk gets its line here.

.PHONY: help
help:
	@printf '%s\n' \
	'Build' \
	'  all                  the libraries, the drop-in and fxrun (the default)' \
	'  examples             the programs of examples/' \
	'  clean                remove $(BUILD)/' \
	'Everyday checks' \
	'  check                man pages, the suite on both backends, the drop-in, the examples' \
	'  check-extra          check-abi, check-headers, check-install and bench-quick' \
	'  check-man            every public function documented; mandoc lint' \
	'  check-examples       build and run the examples' \
	'  check-dropin         the posix_spawn drop-in under real programs' \
	'  check-abi            the exported names against the map and the symbols file' \
	'  check-headers        each public header compiles on its own' \
	'  check-install        install into a scratch root, build against it, uninstall' \
	'  check-python         the Python binding in a venv (pytest)' \
	'Gates (docs/testing.md)' \
	'  check-all            every gate, whole (about 40 minutes)' \
	'  gates                lint check-sanitize check-valgrind fuzz check-musl check-aarch64' \
	'  lint                 tidy and cppcheck' \
	'  tidy                 clang-tidy over src/ and tools/' \
	'  cppcheck             cppcheck over src/ and tools/' \
	'  check-sanitize       the suite under ASan, UBSan and LSan' \
	'  check-valgrind       the suite under valgrind' \
	'  fuzz-build           build the fuzzers' \
	'  fuzz                 run each fuzzer FUZZ_TIME seconds' \
	'  check-musl           the suite built with musl-gcc' \
	'  aarch64-build        the aarch64 cross build' \
	'  check-aarch64        the suite on aarch64 under qemu-user' \
	'  check-cross          the core tests on i386 armhf riscv64 ppc64el s390x (check-cross-ARCH: one)' \
	'  check-cross-full     the whole suite on each of those (check-cross-full-ARCH: one)' \
	'  check-generic        the fork backend through libc syscall(2) (SYS_ARCH=generic)' \
	'  check-macos          the macOS cross build with zig cc, checked statically' \
	'  check-macos-selftest the checks of check-macos against planted objects' \
	'  check-deb            build the Debian packages, lintian, install and use them' \
	'  torture              the torture tests (FX_TORTURE_SCALE)' \
	'Benchmarks (docs/benchmarks.md)' \
	'  bench                the full benchmark, then the capture benchmark' \
	'  bench-capture        the capture benchmark alone' \
	'  bench-quick          every strategy a few times, statuses checked' \
	'  bench-python         forkexec.run against subprocess.run' \
	'Install (PREFIX, LIBDIR, DESTDIR, ...: mk/install.mk)' \
	'  install              everything below' \
	'  install-lib          libforkexec.a, the shared library and its links' \
	'  install-bin          fxrun' \
	'  install-headers      include/*.h' \
	'  install-pc           forkexec.pc' \
	'  install-dropin       libforkexec-posix.so and .a into DROPINDIR (Linux)' \
	'  install-man          the manual pages and a link for each function' \
	'  uninstall            every file install installed (uninstall-lib, -bin, ... one part)' \
	'  clean-python         remove the Python venv and build files' \
	'Variables: CC, CPPFLAGS, CFLAGS, LDFLAGS (added to the build'"'"'s own), BUILD, PREFIX, DESTDIR.'
