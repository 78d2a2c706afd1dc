#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian packages in a scratch copy of the tree, lints them,
# checks their contents and builds an example against them.
#
#   1. copy the tree (without build/ and .git) to a temp dir, where
#      dpkg-buildpackage -us -uc -b -j2 writes its .debs next to it;
#      debian/rules runs the quick checks (check-abi, check-examples)
#      unless DEB_BUILD_OPTIONS has nocheck;
#   2. lintian on the .changes: no error and no warning (the info and
#      pedantic tags are printed);
#   3. the child's object was compiled without dpkg's hardening flags
#      (-fstack-protector-strong, -fcf-protection, _FORTIFY_SOURCE), and
#      the library's other objects with them;
#   4. each package holds what it should;
#   5. dpkg-deb -x into a scratch root; an example built with pkg-config
#      (PKG_CONFIG_SYSROOT_DIR), shared and static, runs; so does fxrun.
#
# Usage: tests/scripts/deb-test.sh   (make check-deb)
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
# DEB_TEST_KEEP=1 keeps the scratch tree (build log, packages) for a look.
if [ "${DEB_TEST_KEEP:-}" = 1 ]; then echo "deb-test: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
fail=0
bad() { echo "deb-test: FAIL: $*"; fail=1; }
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

mkdir "$tmp/src"
tar --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp/src" -xf -
echo "deb-test: dpkg-buildpackage -us -uc -b -j2 in $tmp/src"
t0=$SECONDS
if ! (cd "$tmp/src" && dpkg-buildpackage -us -uc -b -j2) >"$tmp/build.log" 2>&1; then
	tail -n 40 "$tmp/build.log"
	echo "deb-test: FAIL: dpkg-buildpackage"
	exit 1
fi
echo "deb-test: built in $((SECONDS - t0)) s: $(cd "$tmp" && echo *.deb)"
grep -E '^(ok|not ok) - |passed, [0-9]+ failed|abi-test:' "$tmp/build.log" | sed 's/^/    /' || true

changes=$(echo "$tmp"/*.changes)
lintian -I --pedantic --fail-on error,warning "$changes" >"$tmp/lintian" 2>&1 || {
	bad "lintian reports errors or warnings"
}
sed 's/^/    lintian: /' "$tmp/lintian"
grep -E '^[EW]: ' "$tmp/lintian" >/dev/null && bad "lintian: $(grep -cE '^[EW]: ' "$tmp/lintian") error/warning tags"

# The compile lines of the build log: the child's, and another object's.
child=$(grep -E ' -c -o [^ ]*obj/src/child/child\.o src/child/child\.c' "$tmp/build.log" || true)
other=$(grep -E ' -c -o [^ ]*obj/src/core/spawn\.o src/core/spawn\.c' "$tmp/build.log" || true)
if [ -z "$child" ] || [ -z "$other" ]; then
	bad "no compile line for src/child/child.c or src/core/spawn.c in the build log"
else
	for f in -fstack-protector-strong -fcf-protection -fcf-protection=full -fstack-clash-protection; do
		# The child's own -fno-* and =none may appear; the hardening form not.
		grep -qE -- "(^| )$f( |$)" <<<"$child" && bad "src/child/child.c was compiled with $f"
	done
	grep -q -- '-U_FORTIFY_SOURCE' <<<"$child" || bad "src/child/child.c: _FORTIFY_SOURCE not undone"
	grep -q -- '-fstack-protector-strong' <<<"$other" || bad "src/core/spawn.c lacks dpkg's -fstack-protector-strong"
	grep -q -- '-D_FORTIFY_SOURCE' <<<"$other" || bad "src/core/spawn.c lacks dpkg's CPPFLAGS"
fi

# What each package holds.
for deb in "$tmp"/*.deb; do
	pkg=$(dpkg-deb -f "$deb" Package)
	dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/$pkg.list"
done
want() {
	local pkg=$1
	shift
	for f in "$@"; do
		grep -qx -- "$f" "$tmp/$pkg.list" || bad "$pkg does not hold $f"
	done
}
L=/usr/lib/$triplet
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
want libforkexec1 "$L/libforkexec.so.1" "$L/libforkexec.so.$version" "$L/forkexec/libforkexec-posix.so"
want libforkexec-dev /usr/include/forkexec.h /usr/include/forkexec-io.h \
	/usr/include/forkexec-linux.h /usr/include/forkexec-posix.h "$L/libforkexec.a" \
	"$L/libforkexec.so" "$L/pkgconfig/forkexec.pc" "$L/forkexec/libforkexec-posix.a"
want fxrun /usr/bin/fxrun
for p in man/*.3 man/*.7; do
	[ -e "$p" ] || continue
	want libforkexec-dev "/usr/share/man/man${p##*.}/${p##*/}.gz"
done
[ -e man/fxrun.1 ] && want fxrun /usr/share/man/man1/fxrun.1.gz
grep -q '/usr/share/man/man1/' "$tmp/libforkexec-dev.list" && bad "libforkexec-dev holds a section-1 page"

# Extracted into a scratch root, used as an installed system would be.
root=$tmp/root
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$root"; done
dangling=$(find "$root" -xtype l -printf '/%P\n')
[ -z "$dangling" ] || bad "dangling links in the packages: $dangling"
export PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$root$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
cc $(pkg-config --cflags forkexec) -o "$tmp/shared" examples/capture.c $(pkg-config --libs forkexec)
cc -static $(pkg-config --cflags forkexec) -o "$tmp/static" examples/capture.c \
	$(pkg-config --static --libs forkexec)
want_out=$'stdout (3 bytes): hi\nstderr (0 bytes): exited with code 3'
for kind in shared static; do
	set +e
	out=$(LD_LIBRARY_PATH=$root$L "$tmp/$kind" 5000 sh -c 'echo hi; exit 3')
	rc=$?
	set -e
	out=$(sed 's/ in [0-9]* ms$//' <<<"$out")
	if [ "$rc" = 3 ] && [ "$out" = "$want_out" ]; then
		echo "deb-test: ok: an example built against the packages ($kind) runs"
	else
		bad "$kind example: status $rc, output '$out'"
	fi
done
ldd=$(LD_LIBRARY_PATH=$root$L ldd "$tmp/shared")
grep -q "=> $root$L/libforkexec.so.1 " <<<"$ldd" ||
	bad "the shared example does not load the packaged library: $ldd"
set +e
out=$("$root/usr/bin/fxrun" -- sh -c 'echo fxrun-ran; exit 4')
rc=$?
set -e
[ "$rc" = 4 ] && [ "$out" = fxrun-ran ] || bad "packaged fxrun: status $rc, output '$out'"

[ "$fail" = 0 ] || { echo "deb-test: FAILED"; exit 1; }
echo "deb-test: ok"
