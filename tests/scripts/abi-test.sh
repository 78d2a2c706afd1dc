#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ABI of libforkexec.so, checked from four sides that must agree:
#
#   the public headers    include/forkexec*.h: the functions they declare
#   the version script    src/forkexec.map: the names it lists, by node
#   the library           build/libforkexec.so: its dynamic symbols
#   the Debian symbols    debian/libforkexec1.symbols
#
# It fails if the library exports a name no header declares, a header
# declares a name the library does not export, a name sits in another
# version node than the script's, the newest node is not the version's
# FORKEXEC_MAJOR.MINOR, the soname does not follow the major, or the
# symbols file lists anything else.  Usage: tests/scripts/abi-test.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
lib=$build/libforkexec.so
map=src/forkexec.map
syms=debian/libforkexec1.symbols
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "abi-test: FAIL: $*"; fail=1; }

[ -e "$lib" ] || { echo "abi-test: no $lib (run make first)"; exit 1; }

# The headers' functions, as the compiler sees them (-aux-info prints
# every prototype with the file that declared it), not as a grep would.
printf '#include <forkexec.h>\n#include <forkexec-io.h>\n#include <forkexec-linux.h>\n#include <forkexec-posix.h>\n' >"$tmp/all.c"
gcc -Iinclude -aux-info "$tmp/aux" -fsyntax-only "$tmp/all.c"
grep -E '^/\* include/forkexec[a-z-]*\.h:' "$tmp/aux" |
	sed -E 's/\(.*//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*) *$/\1/' | sort -u >"$tmp/headers"
[ -s "$tmp/headers" ] || bad "no function found in include/forkexec*.h"
while read -r n; do
	bad "a header declares a name without the fx_ prefix: $n"
done < <(grep -v '^fx_' "$tmp/headers")

# The library: defined dynamic symbols with their version.  nm -D prints
# name@@NODE for a default version and the node itself as an A symbol.
nm -D --defined-only "$lib" >"$tmp/nm"
awk '$2 != "A" { print $3 }' "$tmp/nm" | sort >"$tmp/lib-versioned"
awk '$2 == "A" { print $3 }' "$tmp/nm" | sort >"$tmp/lib-nodes"
sed 's/@.*//' "$tmp/lib-versioned" | sort >"$tmp/lib"
while read -r l; do
	bad "exported without a FORKEXEC_ version node: $l"
done < <(grep -v '@@FORKEXEC_[0-9]*\.[0-9]*$' "$tmp/lib-versioned")

while read -r n; do
	bad "exported but declared in no public header: $n"
done < <(comm -13 "$tmp/headers" "$tmp/lib")
while read -r n; do
	bad "declared in a header but not exported: $n"
done < <(comm -23 "$tmp/headers" "$tmp/lib")

# The version script: which node lists each name.  Comments are removed
# first; a node opens with "NAME {" and closes with "} [PARENT];".
sed -e 's|/\*.*\*/||g' -e '/\/\*/,/\*\//d' "$map" | awk '
	/^[A-Z0-9_.]+[ \t]*\{/ { node = $1; sub(/\{.*/, "", node); nodes[++n] = node; next }
	/^\}/ { node = ""; next }
	node != "" && /^[ \t]*[a-z_][a-z0-9_]*;/ { s = $1; sub(/;/, "", s); print s "@@" node }
	END { for (i = 1; i <= n; i++) print nodes[i] > "/dev/stderr" }
' >"$tmp/map-versioned" 2>"$tmp/map-nodes"
sort -o "$tmp/map-versioned" "$tmp/map-versioned"
if ! diff -u "$tmp/map-versioned" "$tmp/lib-versioned" >"$tmp/d"; then
	bad "the library's name@@node pairs differ from $map's:"
	sed -n '3,$p' "$tmp/d" | grep '^[-+]' | head -20
fi
if ! diff -u <(sort "$tmp/map-nodes") "$tmp/lib-nodes" >/dev/null; then
	bad "version nodes: $map has $(tr '\n' ' ' <"$tmp/map-nodes"), the library $(tr '\n' ' ' <"$tmp/lib-nodes")"
fi

# The newest node is this release's, named after FX_VERSION_MAJOR.MINOR.
major=$(sed -n 's/^#define FX_VERSION_MAJOR \([0-9]*\)$/\1/p' include/forkexec.h)
minor=$(sed -n 's/^#define FX_VERSION_MINOR \([0-9]*\)$/\1/p' include/forkexec.h)
last=$(tail -n 1 "$tmp/map-nodes")
[ "$last" = "FORKEXEC_$major.$minor" ] ||
	bad "the last node of $map is '$last', the version is $major.$minor (FORKEXEC_$major.$minor)"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libforkexec.so.$major" ] || bad "soname '$soname', expected libforkexec.so.$major"

# The Debian symbols file: every name@NODE and node@NODE of the library,
# nothing more.  Its first line names the soname and the package.
head -n 1 "$syms" | grep -qx "libforkexec.so.$major libforkexec$major #MINVER#" ||
	bad "$syms: first line is '$(head -n 1 "$syms")'"
grep '^ ' "$syms" | awk '{ print $1 }' | sort >"$tmp/deb"
{ sed 's/@@/@/' "$tmp/lib-versioned"; sed 's/.*/&@&/' "$tmp/lib-nodes"; } | sort >"$tmp/lib-deb"
if ! diff -u "$tmp/deb" "$tmp/lib-deb" >"$tmp/d"; then
	bad "$syms differs from the library (- symbols file, + library):"
	sed -n '3,$p' "$tmp/d" | grep '^[-+]' | head -20
fi

n=$(wc -l <"$tmp/lib")
if [ "$fail" = 0 ]; then
	echo "abi-test: ok: $n functions, header = library = $map = $syms, nodes: $(tr '\n' ' ' <"$tmp/lib-nodes")"
else
	echo "abi-test: FAILED"
	exit 1
fi
