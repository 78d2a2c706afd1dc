#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The public headers compile cleanly as C99, C11 and C17 (gcc, and clang
# if installed) and as C++11 (g++, and clang++ if installed), each alone
# and all four together, with -Wall -Wextra -pedantic -Werror and no
# feature-test macro.  Each test unit takes the address of every function
# its headers declare, so every prototype is used; the C++ objects must
# then refer to those functions by their plain C names, which only
# extern "C" gives (a mangled name would not link against the library).
# Usage: tests/scripts/headers-test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
FLAGS=(-Wall -Wextra -pedantic -Werror -Iinclude)
headers=(forkexec forkexec-io forkexec-linux forkexec-posix)
fail=0 runs=0

# The functions each header declares itself, from the compiler's view.
for h in "${headers[@]}"; do
	printf '#include <%s.h>\n' "$h" >"$tmp/aux.c"
	gcc -Iinclude -aux-info "$tmp/aux" -fsyntax-only "$tmp/aux.c"
	grep -E "^/\\* include/$h\\.h:" "$tmp/aux" |
		sed -E 's/\(.*//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*) *$/\1/' | sort -u >"$tmp/$h.fns"
	[ -s "$tmp/$h.fns" ] || { echo "headers-test: no function found in $h.h"; exit 1; }
done

# unit NAME HEADER...: a test unit including the headers in that order.
unit() {
	local name=$1
	shift
	{
		for h in "$@"; do printf '#include <%s.h>\n' "$h"; done
		printf 'typedef void (*fx_test_fn)(void);\nfx_test_fn fx_test_refs[] = {\n'
		for h in "$@"; do sed 's/.*/\t(fx_test_fn)&,/' "$tmp/$h.fns"; done
		printf '\t0\n};\n'
	} >"$tmp/$name.c"
	cat "$tmp/$name.c" >"$tmp/$name.cc"
	for h in "$@"; do cat "$tmp/$h.fns"; done | sort -u >"$tmp/$name.want"
}

for h in "${headers[@]}"; do unit "$h" "$h"; done
unit all "${headers[@]}"
unit all-reversed forkexec-posix forkexec-linux forkexec-io forkexec
units=("${headers[@]}" all all-reversed)

try() {
	runs=$((runs + 1))
	if ! "$@" >"$tmp/out" 2>&1; then
		echo "headers-test: FAIL: $*"
		sed 's/^/    /' "$tmp/out" | head -20
		fail=1
		return 1
	fi
}

# clang and clang++ where installed (.ci/install-deps installs them);
# FX_REQUIRE_TOOLS (set by .ci/run) makes their absence a failure.
ccs=(gcc)
cxxs=(g++)
for t in clang clang++; do
	if command -v $t >/dev/null; then
		[ $t = clang ] && ccs+=(clang) || cxxs+=(clang++)
	elif [ -n "${FX_REQUIRE_TOOLS:-}" ]; then
		echo "headers-test: $t is not installed and FX_REQUIRE_TOOLS is set (.ci/install-deps installs it)" >&2
		exit 1
	else
		echo "headers-test: $t skipped: $t is not installed; .ci/install-deps installs it"
	fi
done

for cc in "${ccs[@]}"; do
	for std in c99 c11 c17; do
		for u in "${units[@]}"; do
			try "$cc" -std="$std" "${FLAGS[@]}" -c -o "$tmp/$u.o" "$tmp/$u.c" || true
		done
	done
done

for cxx in "${cxxs[@]}"; do
	for u in "${units[@]}"; do
		try "$cxx" -std=c++11 "${FLAGS[@]}" -c -o "$tmp/$u.o" -x c++ "$tmp/$u.cc" || continue
		nm -u "$tmp/$u.o" | awk '{ print $2 }' | sort >"$tmp/$u.got"
		missing=$(comm -23 "$tmp/$u.want" "$tmp/$u.got")
		if [ -n "$missing" ]; then
			echo "headers-test: FAIL: $cxx: $u: not referred to by its C name (no extern \"C\"?):"
			printf '    %s\n' $missing | head -10
			fail=1
		fi
	done
done

if [ "$fail" = 0 ]; then
	echo "headers-test: ok: $runs compilations (${ccs[*]}: c99 c11 c17; ${cxxs[*]}: c++11), each header alone and all together"
else
	echo "headers-test: FAILED"
	exit 1
fi
