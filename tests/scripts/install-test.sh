#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make install into a scratch tree (DESTDIR, and a PREFIX of its own),
# then an example built against the installed copy alone, through
# pkg-config: linked with the shared library and run with it, and linked
# statically (pkg-config --static) and run; then make uninstall must
# leave no file in the tree.  Usage: tests/scripts/install-test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
MAKE=${MAKE:-make}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/opt/forkexec-install-test
vars=(DESTDIR="$dest" PREFIX="$prefix")
fail=0
bad() { echo "install-test: FAIL: $*"; fail=1; }

[ ! -e "$prefix" ] || { echo "install-test: $prefix exists; remove it first"; exit 1; }
# Files of others beside ours, which uninstall must leave alone.
others=(lib/libother.so.1 include/other.h share/man/man3/other.3 bin/other)
for f in "${others[@]}"; do mkdir -p "$(dirname "$dest$prefix/$f")"; echo other >"$dest$prefix/$f"; done
$MAKE --no-print-directory -s install "${vars[@]}" >"$tmp/install.log"
[ ! -e "$prefix" ] || bad "make install wrote outside DESTDIR ($prefix)"
root=$dest$prefix
find "$dest" \( -type f -o -type l \) -printf '%P\n' | grep -v '/other' | grep -v 'libother' | sort >"$tmp/files"
echo "install-test: installed $(wc -l <"$tmp/files") files and links under DESTDIR"
for f in lib/libforkexec.so.1 lib/libforkexec.so lib/libforkexec.a lib/libforkexec-posix.so \
         lib/libforkexec-posix.a lib/pkgconfig/forkexec.pc bin/fxrun include/forkexec.h \
         include/forkexec-io.h include/forkexec-linux.h include/forkexec-posix.h; do
	[ -e "$root/$f" ] || bad "not installed: $prefix/$f"
done
# Every page of man/ is installed, and each installed link resolves.
for p in man/*.[137]; do
	[ -e "$p" ] || continue
	[ -f "$root/share/man/man${p##*.}/${p##*/}" ] || bad "page not installed: $p"
done
while read -r l; do
	[ -e "$l" ] || bad "dangling link: $l"
done < <(find "$dest" -type l)

# pkg-config sees the installed .pc only; the sysroot maps its paths
# (prefix=/opt/...) into DESTDIR, as for a staged install.
export PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$root/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
cflags=$(pkg-config --cflags forkexec)
libs=$(pkg-config --libs forkexec)
slibs=$(pkg-config --static --libs forkexec)
echo "install-test: cflags '$cflags', libs '$libs', static libs '$slibs'"
[[ $cflags == *"-I$root/include"* ]] || bad "cflags '$cflags' do not name the installed headers"

# The example includes <forkexec-io.h> and nothing of the source tree.
$CC $cflags -o "$tmp/shared" examples/capture.c $libs
$CC -static $cflags -o "$tmp/static" examples/capture.c $slibs

readelf -d "$tmp/shared" | grep -q 'NEEDED.*\[libforkexec\.so\.1\]' ||
	bad "the shared build does not need libforkexec.so.1"
readelf -d "$tmp/static" | grep -q NEEDED && bad "the static build needs shared libraries"
# The loader must take the installed copy, not one of the build tree.
LD_LIBRARY_PATH=$root/lib ldd "$tmp/shared" | grep libforkexec >"$tmp/ldd"
grep -q "=> $root/lib/libforkexec.so.1 " "$tmp/ldd" || bad "ldd: $(cat "$tmp/ldd")"

want=$'stdout (3 bytes): hi\nstderr (0 bytes): exited with code 3'
for kind in shared static; do
	set +e
	out=$(LD_LIBRARY_PATH=$root/lib "$tmp/$kind" 5000 sh -c 'echo hi; exit 3')
	rc=$?
	set -e
	out=$(sed 's/ in [0-9]* ms$//' <<<"$out")
	if [ "$rc" = 3 ] && [ "$out" = "$want" ]; then
		echo "install-test: ok: the $kind build runs"
	else
		bad "$kind build: status $rc, output '$out'"
	fi
done

$MAKE --no-print-directory -s uninstall "${vars[@]}" >"$tmp/uninstall.log"
for f in "${others[@]}"; do
	[ -f "$dest$prefix/$f" ] || bad "make uninstall removed a file it did not install: $prefix/$f"
	rm -f "$dest$prefix/$f"
done
left=$(find "$dest" \! -type d)
if [ -n "$left" ]; then
	bad "make uninstall left files:"
	echo "$left"
else
	echo "install-test: ok: make uninstall removed all $(wc -l <"$tmp/files") files and links"
fi
[ "$fail" = 0 ] || { echo "install-test: FAILED"; exit 1; }
echo "install-test: ok"
