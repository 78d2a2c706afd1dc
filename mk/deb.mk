# SPDX-License-Identifier: MIT
# The Debian packages (debian/): tests/scripts/deb-test.sh builds them with
# dpkg-buildpackage in a scratch copy of the tree (it writes ../*.deb),
# runs lintian (no error, no warning), checks what each package holds and
# that src/child/child.c was compiled without dpkg's hardening flags, extracts
# them into a scratch root and builds and runs an example against it.

.PHONY: check-deb

check-deb:
	tests/scripts/deb-test.sh
