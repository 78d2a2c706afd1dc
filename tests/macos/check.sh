#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make check-macos: cross-builds forkexec for aarch64-macos and
# x86_64-macos with zig cc (-Werror), then checks the Mach-O objects with
# llvm-nm.  Nothing here runs on a Mac: it proves the Darwin build
# compiles and links, and that the child's code can only call the thin
# libSystem entry points (src/child/child_darwin.c says why each is safe).
#
#   tests/macos/check.sh ZIG [ARCH...]      (mk/macos.mk passes ZIG)
#   tests/macos/check.sh --self-test ZIG    only the planted-object test
set -euo pipefail

self_test_only=0
if [ "${1:-}" = --self-test ]; then
	self_test_only=1
	shift
fi
zig=${1:?usage: check.sh ZIG [ARCH...]}
shift
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(aarch64 x86_64)
nm=${LLVM_NM:-llvm-nm}
ld64=${LD64:-ld64.lld-14}
tbd=$(dirname "$zig")/lib/libc/darwin/libSystem.13.tbd
# zig 0.11 marks its objects for macOS 11.7.1 whatever the target says;
# the linker is told the same, or it warns for every object.
macos_min=11.7.1
failed=0

fail() {
	echo "check-macos: FAIL: $*" >&2
	failed=1
}

# What the child may call (Mach-O names: C names with a leading "_").
# Go's list (commit c61d322d), then our documented additions.
child_allowed=(
	_ptrace _setsid _setpgid _getpid _ioctl _chroot _setgroups _setgid
	_setuid _chdir _dup2 _fcntl _close _execve _write ___exit
	_sigaction _sigprocmask _getpgrp ___error
	_getrlimit _setrlimit _setpriority _umask
)
# Never referenced by the library: C fork, vfork, exit, _exit,
# posix_spawn(p), pthread_atfork.
lib_forbidden=(_fork _vfork _exit __exit _posix_spawn _posix_spawnp _pthread_atfork)

# undefined FILE...: the names FILE references, one a line; fails (and
# so does the check) if llvm-nm cannot read a file.
undefined() {
	local out
	out=$("$nm" -u "$@") || { echo "check-macos: $nm cannot read $*" >&2; return 1; }
	printf '%s\n' "$out" | awk 'NF && $NF !~ /:$/ {print $NF}' | sort -u
}

# check_child OBJ: every undefined symbol of OBJ is on the allowlist.
check_child() {
	local obj=$1 syms sym bad=()
	syms=$(undefined "$obj") || return 1
	for sym in $syms; do
		local ok=0 a
		for a in "${child_allowed[@]}"; do
			[ "$sym" = "$a" ] && ok=1 && break
		done
		[ $ok = 1 ] || bad+=("$sym")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		echo "check-macos: $obj calls what the child may not: ${bad[*]}" >&2
		return 1
	fi
	return 0
}

# What src/child/child_darwin.c itself may not call: every allowed entry
# point but __exit (C names, without the Mach-O "_"), for it calls them
# through the fx__sys_* wrappers of src/sys/darwin/rawsys.h, which alone
# read errno (__error).  llvm-nm cannot tell a wrapper's call, inlined,
# from a direct one: the file's own preprocessed lines can.
child_wrapped=()
for a in "${child_allowed[@]}"; do
	[ "$a" = ___exit ] || child_wrapped+=("${a#_}")
done

# check_child_source SRC CC...: SRC preprocessed by CC (no comments, errno
# expanded to (*__error())); its own lines (by the line markers, not its
# headers') call no name of child_wrapped.
check_child_source() {
	local src=$1 pp own re hits
	shift
	pp=$("$@" -E "$src") || { echo "check-macos: cannot preprocess $src" >&2; return 1; }
	own=$(printf '%s\n' "$pp" | awk -v f="\"$src\"" '/^# [0-9]+ "/ { own = ($3 == f); next } own')
	if [ -z "$(printf '%s' "$own" | tr -d '[:space:]')" ]; then
		echo "check-macos: no line of $src in its preprocessed text" >&2
		return 1
	fi
	re=$(IFS='|'; echo "${child_wrapped[*]}")
	hits=$(printf '%s\n' "$own" | grep -oE "(^|[^A-Za-z0-9_])($re)[[:space:]]*\(" |
	       sed -E 's/^[^A-Za-z_]*//; s/[[:space:]]*\($//' | sort -u | tr '\n' ' ' || true)
	if [ -n "$hits" ]; then
		echo "check-macos: $src calls directly, not through rawsys.h: $hits" >&2
		return 1
	fi
	return 0
}

# check_lib_refs FILE...: no forbidden name referenced.
check_lib_refs() {
	local syms bad
	syms=$(undefined "$@") || return 1
	bad=$(printf '%s\n' "$syms" | grep -Fx "$(printf '%s\n' "${lib_forbidden[@]}")" || true)
	if [ -n "$bad" ]; then
		echo "check-macos: $* reference $(echo $bad)" >&2
		return 1
	fi
	return 0
}

# expect_caught WHAT SYMBOL CHECK ARGS...: CHECK must fail, naming SYMBOL
# (not for another reason, such as an unreadable file).
expect_caught() {
	local what=$1 sym=$2 msg
	shift 2
	if msg=$("$@" 2>&1); then
		fail "self-test: $what passed the check"
	elif printf '%s\n' "$msg" | grep -qw -- "$sym"; then
		echo "check-macos: self-test: $what is caught ($sym)"
	else
		fail "self-test: $what failed the check for another reason: $msg"
	fi
}

self_test() {
	local dir=build/macos-selftest
	mkdir -p "$dir"
	printf '#include <stdlib.h>\nvoid *fx__bad_child(void) { return malloc(16); }\n' > "$dir/bad_malloc.c"
	printf '#include <stdlib.h>\nvoid fx__bad_child(void) { exit(127); }\n' > "$dir/bad_exit.c"
	printf '#include <unistd.h>\nint fx__bad_lib(void) { return fork(); }\n' > "$dir/bad_fork.c"
	printf '#include <unistd.h>\nextern void __exit(int);\nvoid fx__good_child(void) { write(2, "x", 1); __exit(127); }\n' > "$dir/good_child.c"
	for b in bad_malloc bad_exit bad_fork good_child; do
		"$zig" cc -target aarch64-macos -O2 -c -o "$dir/$b.o" "$dir/$b.c"
	done
	# Sources for check_child_source: a direct sigaction, an errno, and
	# the control, both through a wrapper of a header (and named in a
	# comment, which does not count).
	printf '#include <signal.h>\nint fx__bad_child(void) { return sigaction(1, 0, 0); }\n' > "$dir/bad_direct.c"
	printf '#include <errno.h>\nint fx__bad_child(void) { return errno; }\n' > "$dir/bad_errno.c"
	printf '#include <errno.h>\n#include <signal.h>\nstatic inline long w(int s) { return sigaction(s, 0, 0) < 0 ? -errno : 0; }\n' > "$dir/wrap.h"
	printf '#include "wrap.h"\n/* not sigaction(1, 0, 0) nor errno */\nlong fx__good_child(void) { return w(1); }\n' > "$dir/good_wrapped.c"
	expect_caught "a child calling sigaction itself" sigaction \
	    check_child_source "$dir/bad_direct.c" "$zig" cc -target aarch64-macos
	expect_caught "a child reading errno itself" __error \
	    check_child_source "$dir/bad_errno.c" "$zig" cc -target aarch64-macos
	if check_child_source "$dir/good_wrapped.c" "$zig" cc -target aarch64-macos; then
		echo "check-macos: self-test: a child calling through a wrapper passes"
	else
		fail "self-test: a child calling sigaction through a wrapper was refused"
	fi
	expect_caught "a child calling malloc" _malloc check_child "$dir/bad_malloc.o"
	expect_caught "a child calling exit" _exit check_child "$dir/bad_exit.o"
	expect_caught "a library calling fork" _fork check_lib_refs "$dir/bad_fork.o"
	expect_caught "a library calling exit" _exit check_lib_refs "$dir/bad_exit.o"
	# The control: a child calling only allowed names passes.
	if check_child "$dir/good_child.o"; then
		echo "check-macos: self-test: a child calling write and __exit passes"
	else
		fail "self-test: a child calling only write and __exit was refused"
	fi
}

self_test
if [ $self_test_only = 1 ]; then
	exit $failed
fi

for arch in "${arches[@]}"; do
	case $arch in
	aarch64) ldarch=arm64 ;;
	x86_64) ldarch=x86_64 ;;
	*) echo "check-macos: unknown arch $arch" >&2; exit 2 ;;
	esac
	b=build/macos-$arch
	targets=()
	for t in ${MACOS_TARGETS:-libforkexec.a libforkexec.1.dylib}; do
		targets+=("$b/$t")
	done
	echo "check-macos: building $b"
	make --no-print-directory -j2 CI=true BUILD="$b" \
	    CC="$zig cc -target $arch-macos" AR="$zig ar" \
	    DYLIB_LINK="$ld64 -arch $ldarch -platform_version macos $macos_min $macos_min -dylib -exported_symbols_list src/forkexec.exp $tbd" \
	    "${targets[@]}" >"$b.log" 2>&1 || { mkdir -p "$b"; tail -30 "$b.log" >&2; fail "$arch: the build failed ($b.log)"; continue; }

	child=$b/obj/src/child/child_darwin.o
	check_child "$child" || fail "$arch: $child"
	check_child_source src/child/child_darwin.c "$zig" cc -target "$arch-macos" -D_GNU_SOURCE \
	    -Iinclude -iquote src -DFX_BUILDING_LIBRARY || fail "$arch: src/child/child_darwin.c"
	echo "check-macos: $arch: the child calls only: $(undefined "$child" | tr '\n' ' ')"
	undefined "$b/obj/src/backend/spawn_fork.o" | grep -qx ___fork ||
		fail "$arch: spawn_fork.o does not call __fork"
	undefined "$child" | grep -qx ___exit ||
		fail "$arch: the child does not leave through __exit"
	check_lib_refs "$b/libforkexec.a" "$b/libforkexec.1.dylib" ||
		fail "$arch: forbidden references"
	exports=$("$nm" -gU "$b/libforkexec.1.dylib" | awk '{print $NF}') ||
		fail "$arch: $nm cannot read the dylib"
	others=$(echo "$exports" | grep -v '^_fx_[a-z]' || true)
	[ -z "$others" ] || fail "$arch: the dylib exports $(echo $others)"
	echo "$exports" | grep -qx _fx_spawn || fail "$arch: the dylib does not export fx_spawn"
	echo "check-macos: $arch: the dylib exports $(echo "$exports" | wc -l) names, all fx_"
	id=$(llvm-objdump --macho --dylib-id "$b/libforkexec.1.dylib" | tail -1)
	[ "$id" = @rpath/libforkexec.1.dylib ] || fail "$arch: install name $id"
	for f in "${targets[@]}"; do
		[ -e "$f" ] || { fail "$arch: $f was not built"; continue; }
		case $f in
		*.a) kind=$(llvm-objdump -a "$f" 2>&1 | grep -m1 'file format' || true) ;;
		*) kind=$(file -b "$f") ;;
		esac
		case $kind in
		*Mach-O*|*mach-o*) ;;
		*) fail "$arch: $f is not Mach-O: $kind" ;;
		esac
	done
done

if [ $failed = 0 ]; then
	echo "check-macos: OK (${arches[*]})"
fi
exit $failed
