#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/dropin/run.sh BUILD_DIR
#
# Proves that real, unmodified programs work through the posix_spawn
# drop-in (BUILD_DIR/libforkexec-posix.so with LD_PRELOAD, and
# BUILD_DIR/libforkexec-posix.a linked first): every program is run once
# without the drop-in (glibc's posix_spawn) and once with it, and the two
# runs must print the same, exit the same and produce the same files.
#
#   GNU make (Debian's 4.3 runs every recipe and $(shell) through
#   posix_spawn), CPython's os.posix_spawn/os.posix_spawnp/subprocess,
#   bash (a fork user: nothing may break), ninja if installed (a
#   posix_spawn user), the symbol bindings (LD_DEBUG=bindings), the static
#   archive (ld --trace-symbol, nm) and a C program using the whole family
#   through the system's <spawn.h>.
#
# Prints "ok N - name" / "not ok N - name" (with "# " diagnostics) per check
# and ends with "N passed, N failed[, N skipped]"; exits 0 only if none
# failed.  Nothing depends on timing: no sleep, no time limit but a hang
# guard (`timeout`, 15 minutes a command) that only turns a hang into a
# failure.  Everything is generated in a temporary directory, removed at
# the end.  Runs as root or not (the RESETIDS case needs root and says so).

set -u
export LC_ALL=C
# Run from `make check`: a nested make must not join that make's jobserver
# nor print its level.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEFILES GNUMAKEFLAGS MAKEOVERRIDES MAKE_TERMOUT MAKE_TERMERR
unset LD_PRELOAD LD_DEBUG LD_BIND_NOW

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
BUILD=$(cd "$1" && pwd -P)
HERE=$(cd "$(dirname "$0")" && pwd -P)
SO=$BUILD/libforkexec-posix.so
AR=$BUILD/libforkexec-posix.a
CC=${CC:-cc}
GUARD=
command -v timeout >/dev/null && GUARD="timeout -k 30 900"

T=$(mktemp -d "${TMPDIR:-/tmp}/fx-dropin.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
# The RESETIDS case runs children as euid 65534: they must reach the probe.
chmod 755 "$T"
W=$T/w   # every run works here, so that the two runs print the same paths

n=0 passed=0 failed=0 skipped=0

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}
# not_ok NAME [DIAGNOSTIC-FILE-OR-TEXT...]: the diagnostics, "# "-prefixed
not_ok() {
	local name=$1 d
	shift
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $name"
	for d in "$@"; do
		if [ -f "$d" ]; then
			head -n 40 "$d"
		else
			printf '%s\n' "$d"
		fi
	done | sed 's/^/#   /'
}
skip() {
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}
note() { printf '#   %s\n' "$@"; }

# same LABEL A B: nothing if A and B are equal, else the diff into $T/why
same() {
	if cmp -s "$2" "$3"; then
		return 0
	fi
	{ echo "$1 differs (- without the drop-in, + with it):"
	  diff -u "$2" "$3" | tail -n +3 | head -n 30; } >> "$T/why"
	return 1
}

# fresh_work: an empty $W
fresh_work() {
	rm -rf "$W"
	mkdir -p "$W"
	chmod 755 "$W"
}

# in_work MODE OUT -- CMD...: runs CMD in $W without (MODE=plain) or with
# (MODE=dropin) the drop-in preloaded; stdout to OUT.out, stderr to OUT.err,
# exit status to OUT.rc.  stdin is /dev/null.  Both runs write to the same
# two files first, since the programs print what their fds point to.
in_work() {
	local mode=$1 out=$2 rc
	shift 3
	if [ "$mode" = dropin ]; then
		(cd "$W" && exec env LD_PRELOAD="$SO" $GUARD "$@") > "$T/stdout" 2> "$T/stderr" < /dev/null
	else
		(cd "$W" && exec $GUARD "$@") > "$T/stdout" 2> "$T/stderr" < /dev/null
	fi
	rc=$?
	mv "$T/stdout" "$out.out"
	mv "$T/stderr" "$out.err"
	echo "$rc" > "$out.rc"
	return 0
}

# without_internal_signals FILE: FILE without probe's lines on glibc's
# internal signals 32 and 33 (kept in FILE.raw), which have a check of their
# own (see INTERNAL_SIGNALS)
without_internal_signals() {
	mv "$1" "$1.raw"
	grep -v 'internal (32 33):' "$1.raw" > "$1"
}

# compare_runs BASE: the .out, .err and .rc of BASE.plain and BASE.dropin
compare_runs() {
	local b=$1 r=0
	same "stdout" "$b.plain.out" "$b.dropin.out" || r=1
	same "stderr" "$b.plain.err" "$b.dropin.err" || r=1
	same "exit status" "$b.plain.rc" "$b.dropin.rc" || r=1
	return $r
}

# ---- preparation -----------------------------------------------------

echo "# drop-in: $SO"
echo "# $(make --version | head -n 1); $(ldd --version 2>&1 | head -n 1)"

dropin_ok=1
: > "$T/why"
if [ ! -f "$SO" ]; then
	not_ok "the drop-in library exists" "no $SO (make BUILD=... all builds it)"
	dropin_ok=0
else
	LD_PRELOAD="$SO" /bin/true 2> "$T/load.err"
	if [ -s "$T/load.err" ] || ! nm -D --defined-only "$SO" | grep -q ' T posix_spawn$'; then
		not_ok "the drop-in loads with LD_PRELOAD and defines posix_spawn" "$T/load.err"
		dropin_ok=0
	else
		ok "the drop-in loads with LD_PRELOAD and defines posix_spawn"
	fi
fi

if ! $CC -std=gnu11 -O2 -Wall -Wextra -o "$T/probe" "$HERE/probe.c" 2> "$T/cc.err" ||
   ! $CC -std=gnu11 -O2 -Wall -Wextra -o "$T/family" "$HERE/family.c" -ldl 2>> "$T/cc.err" ||
   ! $CC -std=gnu11 -O2 -Wall -Wextra -o "$T/sigdfl" "$HERE/sigdfl.c" 2>> "$T/cc.err"; then
	not_ok "the test programs compile" "$T/cc.err"
	echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
	exit 1
fi
chmod 755 "$T/probe" "$T/family"
export PROBE_WORK=$W

# needs_dropin NAME: fails NAME when the library is missing or broken
needs_dropin() {
	[ $dropin_ok = 1 ] && return 0
	not_ok "$1" "the drop-in library is missing or does not load (see above)"
	return 1
}

# file_digests: "MODE SHA256 PATH" of every file under $W
file_digests() {
	(cd "$W" && find . -type f | sort | while IFS= read -r f; do
		printf '%s %s %s\n' "$(stat -c %a "$f")" "$(sha256sum < "$f" | cut -c 1-64)" "$f"
	done)
}

# ---- 1. GNU make, a generated 58-target project ----------------------
#
# Debian's make 4.3 is built with posix_spawn: every recipe line (directly
# when it has no shell metacharacter, else /bin/sh -c) and every $(shell)
# is started with posix_spawn; the recursive make shares the jobserver's
# pipe, which the drop-in must pass on.  -j4 -Otarget keeps each target's
# output together but not the order of the targets: its lines are
# compared sorted, and a -j1 run is compared as is.

make_project() { # MODE JOBS BASE
	fresh_work
	bash "$HERE/gen_make_project.sh" "$W"
	in_work "$1" "$3.$1" -- make "$2" -Otarget all
	sort "$3.$1.out" > "$3.sorted.$1.out"
	sort "$3.$1.err" > "$3.sorted.$1.err"
	cp "$3.$1.rc" "$3.sorted.$1.rc"
	file_digests > "$3.$1.files"
	(cd "$W" && find . -printf '%y %m %p\n' | sort -k 3) > "$3.$1.tree"
}

for jobs in -j4 -j1; do
	name="make $jobs: a 58-target project (C compiles, shell recipes, \$(shell), recursive make) same output, status and files"
	needs_dropin "$name" || continue
	: > "$T/why"
	make_project plain $jobs "$T/m$jobs"
	make_project dropin $jobs "$T/m$jobs"
	r=0
	if [ $jobs = -j4 ]; then
		compare_runs "$T/m$jobs.sorted" || r=1
	else
		compare_runs "$T/m$jobs" || r=1
	fi
	same "produced files (mode, sha256)" "$T/m$jobs.plain.files" "$T/m$jobs.dropin.files" || r=1
	same "file tree" "$T/m$jobs.plain.tree" "$T/m$jobs.dropin.tree" || r=1
	if [ "$(cat "$T/m$jobs.plain.rc")" != 0 ] || ! grep -q '^all done$' "$T/m$jobs.plain.out"; then
		echo "the project does not build without the drop-in (status $(cat "$T/m$jobs.plain.rc"))" >> "$T/why"
		cat "$T/m$jobs.plain.err" >> "$T/why"
		r=1
	fi
	if [ $r = 0 ]; then
		ok "$name"
		[ $jobs = -j4 ] && note "$(wc -l < "$T/m$jobs.plain.out") stdout lines, $(wc -l < "$T/m$jobs.plain.err") stderr lines, $(wc -l < "$T/m$jobs.plain.files") files"
	else
		not_ok "$name" "$T/why"
	fi
done

# ---- 2. make: a missing tool and other failures to start a recipe ----
#
# make 4.3 looks a recipe's command up in PATH itself (gnulib's
# find_in_given_path) before calling posix_spawn: a command that is not
# found, or a path that does not exist or is not executable, never reaches
# posix_spawn, and make prints "make: CMD: No such file or directory" and
# "Error 127".  What does reach it: a file whose #! interpreter is missing
# (posix_spawn returns ENOENT), whose interpreter is not executable
# (EACCES), or a script without #! (ENOEXEC: make runs it again with
# /bin/sh).  If posix_spawn started a child that then failed with 127
# instead of returning the errno, make would print only "Error 127",
# without the "No such file or directory" line; so the messages must be
# the same both ways.  Each target is also run alone with LD_DEBUG=bindings
# (lazy binding): a posix_spawn binding line appears only if make called it.

write_failure_makefile() {
	mkdir -p "$W/tools"
	printf '#!/nonexistent/interpreter\necho never\n' > "$W/tools/badinterp"
	printf '#!%s/tools/notexec\necho never\n' "$W" > "$W/tools/noexecinterp"
	printf 'echo "no #! line, args: $*"\n' > "$W/tools/noshebang"
	printf '#!/bin/sh\necho never\n' > "$W/tools/notexec"
	chmod 755 "$W/tools/badinterp" "$W/tools/noexecinterp" "$W/tools/noshebang"
	chmod 644 "$W/tools/notexec"
	cat > "$W/Makefile" <<'EOF'
TARGETS := missing missing-abs not-executable missing-via-sh bad-interpreter \
           interpreter-not-executable no-shebang exit-3 killed shell-missing ok
all: $(TARGETS)
missing:
	nosuchtool-xyz --version
missing-abs:
	/nonexistent/dir/tool --version
not-executable:
	./tools/notexec
missing-via-sh:
	nosuchtool-xyz --version; exit $$?
bad-interpreter:
	./tools/badinterp --version
interpreter-not-executable:
	./tools/noexecinterp
no-shebang:
	./tools/noshebang a b
exit-3:
	exit 3
killed:
	kill -TERM $$$$
shell-missing:
	@echo "shell: [$(shell nosuchtool-xyz)]"
ok:
	echo fine
.PHONY: $(TARGETS)
EOF
}

fail_targets="missing missing-abs not-executable missing-via-sh bad-interpreter interpreter-not-executable no-shebang exit-3 killed shell-missing ok"
name="make: a missing tool and other recipes that cannot start: same messages and status"
if needs_dropin "$name"; then
	: > "$T/why"
	fresh_work
	write_failure_makefile
	r=0
	for t in $fail_targets; do
		for mode in plain dropin; do
			in_work $mode "$T/f-$t.$mode" -- make $t
		done
		compare_runs "$T/f-$t" || { r=1; echo "  (target $t)" >> "$T/why"; }
		(cd "$W" && LD_DEBUG=bindings make $t 2>&1 >/dev/null < /dev/null) |
			grep -q "normal symbol \`posix_spawn'" && called=yes || called=no
		echo "$t: posix_spawn called: $called; status $(cat "$T/f-$t.plain.rc"); stderr: $(paste -sd'|' "$T/f-$t.plain.err")" >> "$T/fail-notes"
	done
	for mode in plain dropin; do
		in_work $mode "$T/f-all.$mode" -- make -k all
	done
	compare_runs "$T/f-all" || { r=1; echo "  (make -k all)" >> "$T/why"; }
	if ! grep -q 'make: nosuchtool-xyz: No such file or directory' "$T/f-missing.plain.err"; then
		echo "unexpected message without the drop-in:" >> "$T/why"
		cat "$T/f-missing.plain.err" >> "$T/why"
		r=1
	fi
	if [ $r = 0 ]; then
		ok "$name"
		while read -r line; do note "$line"; done < "$T/fail-notes"
	else
		not_ok "$name" "$T/why" "$T/fail-notes"
	fi
fi

# ---- 3. CPython: os.posix_spawn, os.posix_spawnp, subprocess ---------
#
# py_spawn.py exercises file actions (open, dup2, close), setpgroup, setsid,
# setsigdef, setsigmask, resetids, scheduler, failures (their exception
# class, errno and filename), and subprocess.run/check_output with
# close_fds=False and an executable with a directory part, the case where
# CPython 3.11 calls os.posix_spawn (its _USE_POSIX_SPAWN is true on glibc
# >= 2.24; Lib/subprocess.py also requires no preexec_fn, no pass_fds, no
# cwd, no start_new_session/process_group, no user/group/umask change, and
# std fds > 2); the script counts those calls.

PY=
if command -v python3 >/dev/null; then
	PY=$(python3 -c 'import sys; print(sys.executable)')
fi
name="python3: os.posix_spawn/os.posix_spawnp/subprocess transcripts identical"
if [ -z "$PY" ]; then
	skip "$name" "no python3"
elif needs_dropin "$name"; then
	: > "$T/why"
	for mode in plain dropin; do
		fresh_work
		in_work $mode "$T/py.$mode" -- "$PY" "$HERE/py_spawn.py" "$T/probe" "$W"
		without_internal_signals "$T/py.$mode.out"
	done
	r=0
	compare_runs "$T/py" || r=1
	if [ "$(cat "$T/py.plain.rc")" != 0 ] || [ -s "$T/py.plain.err" ]; then
		echo "py_spawn.py failed without the drop-in:" >> "$T/why"
		cat "$T/py.plain.err" >> "$T/why"
		r=1
	fi
	if grep -q 'FD LEAK\|UNEXPECTED' "$T/py.dropin.out"; then
		grep 'FD LEAK\|UNEXPECTED' "$T/py.dropin.out" >> "$T/why"
		r=1
	fi
	used=$(sed -n 's/^subprocess used os.posix_spawn \([0-9]*\) times.*/\1/p' "$T/py.plain.out")
	if [ "${used:-0}" -lt 4 ]; then
		echo "subprocess did not use os.posix_spawn (${used:-0} calls): the check proves less than it says" >> "$T/why"
		r=1
	fi
	if [ $r = 0 ]; then
		ok "$name"
		note "$PY ($("$PY" -V 2>&1)): $(grep -c '^== ' "$T/py.plain.out") cases; $(tail -n 1 "$T/py.plain.out")"
	else
		not_ok "$name" "$T/why"
	fi
fi

# ---- 4. bash -c ------------------------------------------------------
#
# bash starts commands with fork + execve, never posix_spawn: with the
# drop-in preloaded into it (and into everything it runs) nothing may
# change.  This is the "nothing breaks" check.

name="bash -c: pipelines, command substitution, a missing command: same output and status"
if needs_dropin "$name"; then
	: > "$T/why"
	cat > "$T/bash-script" <<'EOF'
set -o pipefail
echo "pipeline: $(printf 'b\na\nc\n' | sort | tr a-z A-Z | head -n 2 | paste -sd, -)"
x=$(echo inner $(echo nested)); echo "substitution: $x"
nosuchtool-xyz --version; echo "missing: $?"
/nonexistent/dir/prog; echo "missing path: $?"
./notexec; echo "not executable: $?"
( exit 3 ); echo "subshell: $?"
echo "process substitution: $(cat <(echo from it))"
{ echo to-stderr >&2; } 2>&1 | sed 's/^/piped: /'
true & wait $!; echo "background: $?"
out=$(sh -c 'echo from sh; exit 5'); echo "nested sh: $? $out"
printf '%s\n' x y | while read -r l; do echo "loop $l"; done
command -v sh; type cd
exec 3> fd3.txt; echo via-fd3 >&3; exec 3>&-; cat fd3.txt
false | true; echo "pipefail: $?"
trap 'echo "exit trap"' EXIT
exit 4
EOF
	for mode in plain dropin; do
		fresh_work
		printf '#!/bin/sh\n' > "$W/notexec"
		in_work $mode "$T/bash.$mode" -- bash -c "$(cat "$T/bash-script")"
	done
	if compare_runs "$T/bash" && [ "$(cat "$T/bash.plain.rc")" = 4 ]; then
		ok "$name"
	else
		not_ok "$name" "$T/why" "status without the drop-in: $(cat "$T/bash.plain.rc")"
	fi
fi

# ---- 5. the symbols bind to the drop-in ------------------------------
#
# With LD_BIND_NOW=1 every posix_spawn* symbol a program imports is bound
# at start and LD_DEBUG=bindings shows where: with the drop-in preloaded,
# to it, although the program's references are versioned
# (posix_spawn@GLIBC_2.15: the drop-in's unversioned definitions satisfy
# them); without it, to libc.so.6.  A lazy run (no LD_BIND_NOW) shows the
# binding made when the program really calls posix_spawn.

# imports OBJECT...: the posix_spawn family names the objects import
imports() {
	nm -D --undefined-only "$@" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' |
		grep -E '^(posix_spawn|pidfd_spawn)' | sort -u
}
# bindings LOGFILE: "FROM TO SYMBOL" for the family, the drop-in's own
# internal references left out
bindings() {
	sed -n "s/.*binding file \([^ ]*\) \[[0-9]*\] to \([^ ]*\) \[[0-9]*\]: normal symbol \`\([^']*\)'.*/\1 \2 \3/p" "$1" |
		awk -v so="$SO" '$1 != so && $3 ~ /^(posix_spawn|pidfd_spawn)/' | sort -u
}

# check_bindings NAME "OBJECTS" CALLED -- CMD...: CALLED is the symbol the
# command calls (checked in the lazy run)
check_bindings() {
	local name=$1 objs=$2 called=$3 want sym r=0
	shift 4
	: > "$T/why"
	want=$(imports $objs)
	if [ -z "$want" ]; then
		skip "$name" "$objs import nothing of the posix_spawn family here"
		return
	fi
	(cd "$W" && LD_BIND_NOW=1 LD_DEBUG=bindings LD_PRELOAD="$SO" $GUARD "$@") > /dev/null 2> "$T/bind.dropin" < /dev/null
	(cd "$W" && LD_BIND_NOW=1 LD_DEBUG=bindings $GUARD "$@") > /dev/null 2> "$T/bind.plain" < /dev/null
	(cd "$W" && LD_DEBUG=bindings LD_PRELOAD="$SO" $GUARD "$@") > /dev/null 2> "$T/bind.lazy" < /dev/null
	bindings "$T/bind.dropin" > "$T/b.dropin"
	bindings "$T/bind.plain" > "$T/b.plain"
	bindings "$T/bind.lazy" > "$T/b.lazy"
	for sym in $want; do
		if ! awk -v s="$sym" -v so="$SO" '$3 == s && $2 == so {f=1} END {exit !f}' "$T/b.dropin"; then
			echo "with the drop-in, \`$sym' is not bound to it" >> "$T/why"
			r=1
		fi
		if ! awk -v s="$sym" '$3 == s && $2 ~ /\/libc\.so\.6$/ {f=1} END {exit !f}' "$T/b.plain"; then
			echo "without the drop-in, \`$sym' is not bound to libc.so.6" >> "$T/why"
			r=1
		fi
	done
	if awk -v so="$SO" '$2 != so {f=1} END {exit !f}' "$T/b.dropin"; then
		echo "with the drop-in, bindings elsewhere:" >> "$T/why"
		awk -v so="$SO" '$2 != so' "$T/b.dropin" >> "$T/why"
		r=1
	fi
	if ! awk -v s="$called" -v so="$SO" '$3 == s && $2 == so {f=1} END {exit !f}' "$T/b.lazy"; then
		echo "lazy run: the call of \`$called' was not bound to the drop-in" >> "$T/why"
		r=1
	fi
	if [ $r = 0 ]; then
		ok "$name"
		note "$(echo $want | wc -w) symbols: $(echo $want)" \
		     "e.g. $(grep -m 1 "normal symbol \`posix_spawn'" "$T/bind.dropin" | sed 's/^[[:space:]]*[0-9]*:[[:space:]]*//')"
	else
		not_ok "$name" "$T/why"
	fi
}

fresh_work
printf 'all:\n\techo recipe run by posix_spawn\n' > "$W/Makefile"
MAKE_BIN=$(command -v make)
if needs_dropin "LD_DEBUG=bindings: make's posix_spawn* bind to the drop-in"; then
	check_bindings "LD_DEBUG=bindings: make's posix_spawn* bind to the drop-in" \
		"$MAKE_BIN" posix_spawn -- make
fi
if [ -n "$PY" ] && needs_dropin "LD_DEBUG=bindings: python3's posix_spawn* bind to the drop-in"; then
	# the interpreter and, when built shared, its libpython
	py_objs="$PY $(ldd "$PY" | awk '/libpython/ {print $3}')"
	check_bindings "LD_DEBUG=bindings: python3's posix_spawn* bind to the drop-in" \
		"$py_objs" posix_spawn -- "$PY" -c 'import os; os.waitpid(os.posix_spawn("/bin/true", ["true"], {}), 0)'
fi
if needs_dropin "LD_DEBUG=bindings: the <spawn.h> test program's symbols bind to the drop-in"; then
	fresh_work
	check_bindings "LD_DEBUG=bindings: the <spawn.h> test program's symbols bind to the drop-in" \
		"$T/family" posix_spawn -- "$T/family" "$T/probe" "$W"
fi

# ---- 6. the static archive -------------------------------------------
#
# family.c linked with libforkexec-posix.a before libc: ld's
# --trace-symbol must show the archive's definitions, nm the program's own
# posix_spawn, and the program must print what it prints with glibc's.
# The same with -static (libc.a's spawn objects must not be pulled in
# beside ours).

static_check() { # NAME SUFFIX EXTRA-LDFLAGS
	local name=$1 exe=$T/family-$2 sym r=0
	: > "$T/why"
	if [ ! -f "$AR" ]; then
		not_ok "$name" "no $AR"
		return
	fi
	if ! $CC -std=gnu11 -O2 -DFAMILY_STATIC_DROPIN $3 -o "$exe" "$HERE/family.c" "$AR" -lpthread \
	     -Wl,--trace-symbol=posix_spawn -Wl,--trace-symbol=posix_spawnp \
	     -Wl,--trace-symbol=posix_spawn_file_actions_addopen \
	     -Wl,--trace-symbol=posix_spawnattr_setsigmask > "$T/ld.trace" 2>&1; then
		not_ok "$name" "link failed:" "$T/ld.trace"
		return
	fi
	for sym in posix_spawn posix_spawnp posix_spawn_file_actions_addopen posix_spawnattr_setsigmask; do
		if ! grep -q "libforkexec-posix\.a(.*): definition of $sym\$" "$T/ld.trace"; then
			echo "ld does not take $sym from the archive:" >> "$T/why"
			r=1
		fi
		if ! nm "$exe" | grep -q " T $sym\$"; then
			echo "nm: $sym not defined in the program" >> "$T/why"
			r=1
		fi
	done
	[ $r = 1 ] && cat "$T/ld.trace" >> "$T/why"
	fresh_work
	in_work plain "$T/st-$2" -- "$exe" "$T/probe" "$W"
	fresh_work
	in_work plain "$T/st-$2-x" -- "$exe" "$T/probe" "$W" extensions
	without_internal_signals "$T/st-$2.out"
	if [ ! -f "$T/fam.plain.out" ]; then
		fresh_work
		in_work plain "$T/fam.plain" -- "$T/family" "$T/probe" "$W"
		without_internal_signals "$T/fam.plain.out"
	fi
	same "transcript (- glibc's posix_spawn, + the archive's)" "$T/fam.plain.out" "$T/st-$2.out" || r=1
	same "stderr" "$T/fam.plain.err" "$T/st-$2.err" || r=1
	if ! grep -q 'pidfd cloexec=yes, child exited with 9' "$T/st-$2-x.out"; then
		echo "pidfd_spawn from the archive:" >> "$T/why"
		cat "$T/st-$2-x.out" "$T/st-$2-x.err" >> "$T/why"
		r=1
	fi
	if [ $r = 0 ]; then
		ok "$name"
		note "$(grep -m 1 'definition of posix_spawn$' "$T/ld.trace")"
	else
		not_ok "$name" "$T/why"
	fi
}
static_check "static archive: cc prog.c libforkexec-posix.a -lpthread uses the archive's posix_spawn and behaves as glibc's" dyn ""
if echo 'int main(void){return 0;}' | $CC -static -x c - -o "$T/static-test" 2> /dev/null; then
	static_check "static archive with -static: the archive's definitions replace libc.a's" static -static
else
	skip "static archive with -static" "no static libc (libc6-dev's libc.a) here"
fi

# ---- 7. the whole family through the system's <spawn.h> --------------
#
# family.c (built against glibc's <spawn.h>: glibc's struct sizes and flag
# values) sets every attribute, adds every file action kind, spawns, fails
# in every way it can, destroys; the child (probe.c) prints its argv, cwd,
# process group, session, ids, scheduler, signal mask and ignored signals,
# descriptor table and controlling terminal.  Same binary, with and without
# LD_PRELOAD; the transcripts must be identical.  Then the extensions
# glibc 2.36 lacks or does otherwise, checked against the drop-in's
# documented behaviour.

name="<spawn.h> program: every attribute, file action and failure, same transcript with LD_PRELOAD"
if needs_dropin "$name"; then
	: > "$T/why"
	for mode in plain dropin; do
		fresh_work
		in_work $mode "$T/fam.$mode" -- "$T/family" "$T/probe" "$W"
		without_internal_signals "$T/fam.$mode.out"
	done
	r=0
	compare_runs "$T/fam" || r=1
	if grep -q 'CHILD LEFT\|FD LEAK' "$T/fam.dropin.out"; then
		grep 'CHILD LEFT\|FD LEAK' "$T/fam.dropin.out" >> "$T/why"
		r=1
	fi
	if [ $r = 0 ]; then
		ok "$name"
		note "$(grep -c '^== ' "$T/fam.plain.out") cases"
	else
		not_ok "$name" "$T/why"
	fi
fi

name="<spawn.h> program with LD_PRELOAD: pidfd_spawn[p], addchdir, SCHED_BATCH, O_CLOEXEC open, addfchdir(-1) as documented"
if needs_dropin "$name"; then
	: > "$T/why"
	for mode in plain dropin; do
		fresh_work
		in_work $mode "$T/ext.$mode" -- "$T/family" "$T/probe" "$W" extensions
	done
	r=0
	x=$T/ext.dropin.out
	# expect PATTERN WHAT: a line of the drop-in's transcript
	expect() {
		grep -q -- "$1" "$x" || { echo "with the drop-in, expected: $2" >> "$T/why"; r=1; }
	}
	[ "$(grep -c 'pidfd cloexec=yes, child exited with 9' "$x")" = 2 ] ||
		{ echo "pidfd_spawn and pidfd_spawnp: a cloexec pidfd, waitid(P_PIDFD) gives the status" >> "$T/why"; r=1; }
	expect '| cwd=\$W/sub/sub2' "posix_spawn_file_actions_addchdir changes the child's cwd"
	expect '| sched policy=3 priority=0' "SCHED_BATCH accepted and applied"
	expect 'addfchdir_np(-1) = EBADF' "addfchdir_np(-1) is EBADF (POSIX.1-2024)"
	if sed -n '/O_CLOEXEC onto fd 12/,$p' "$x" | grep -q '| fd 12 '; then
		echo "with the drop-in, expected: an open action with O_CLOEXEC keeps the flag (fd 12 closed at exec)" >> "$T/why"
		r=1
	fi
	sed -n '/O_CLOEXEC onto fd 12/,$p' "$T/ext.plain.out" | grep -q '| fd 12 ' ||
		{ echo "glibc: fd 12 expected open in the child (glibc's dup2 drops O_CLOEXEC)" >> "$T/why"; r=1; }
	if [ $r = 0 ]; then
		ok "$name"
		note "glibc 2.36 here: $(grep -c ': absent' "$T/ext.plain.out") of pidfd_spawn, pidfd_spawnp, addchdir absent; $(grep -o 'setschedpolicy(SCHED_BATCH) = [A-Z0-9]*' "$T/ext.plain.out"); $(grep -o 'addfchdir_np(-1) = [A-Z0-9]*' "$T/ext.plain.out")"
	else
		not_ok "$name" "$T/why" "--- transcript with the drop-in:" "$x" "$T/ext.dropin.err"
	fi
fi

# ---- glibc's internal signals 32 and 33 in the child ----------------
#
# glibc's posix_spawn child runs with every signal blocked and resets each
# signal in that (full) set: a caught one to SIG_DFL, but glibc's internal
# SIGCANCEL (32) and SIGSETXID (33) to SIG_IGN (spawni.c, __spawni_child:
# "if (__is_internal_signal (sig)) sa.sa_handler = SIG_IGN").  SIG_IGN
# survives execve, so every program glibc's posix_spawn starts begins with
# 32 and 33 ignored (SigIgn: 0000000180000000), where fork + execve leaves
# them as they were (SIG_DFL).  The other checks leave these two signals
# out; this one says what the drop-in does with them.  INTERNAL_SIGNALS:
# "dfl" (the default: SIG_DFL, as fork + execve gives and POSIX says of a
# caught signal; a deliberate difference, in the README) or "glibc" (the
# drop-in must do as glibc).

INTERNAL_SIGNALS=${FX_DROPIN_INTERNAL_SIGNALS:-dfl}
name="glibc's internal signals 32 and 33 in the child: as INTERNAL_SIGNALS=$INTERNAL_SIGNALS says"
if needs_dropin "$name"; then
	: > "$T/why"
	fresh_work
	printf 'all:\n\tgrep -e SigIgn /proc/self/status\n' > "$W/Makefile"
	# From SIG_DFL (sigdfl), whatever run.sh inherited: under `make
	# check` glibc's posix_spawn has already made them SIG_IGN here.
	for mode in plain dropin; do
		in_work $mode "$T/sig.$mode" -- "$T/sigdfl" make --no-print-directory -s
	done
	for mode in plain dropin; do
		fresh_work
		in_work $mode "$T/sigfam.$mode.run" -- "$T/sigdfl" "$T/family" "$T/probe" "$W"
		grep 'internal (32 33):' "$T/sigfam.$mode.run.out" | sort | uniq -c > "$T/sigfam.$mode"
	done
	r=0
	if [ "$INTERNAL_SIGNALS" = glibc ]; then
		same "a make recipe's SigIgn" "$T/sig.plain.out" "$T/sig.dropin.out" || r=1
		same "the <spawn.h> program's children, 32 and 33 (count, line)" "$T/sigfam.plain" "$T/sigfam.dropin" || r=1
	else
		grep -q 'SigIgn:[[:space:]]*0*$' "$T/sig.dropin.out" ||
			{ echo "a make recipe's SigIgn with the drop-in: $(cat "$T/sig.dropin.out") (expected 0)" >> "$T/why"; r=1; }
		if grep -v 'internal (32 33):$' "$T/sigfam.dropin" | grep -q .; then
			{ echo "with the drop-in, children with 32 or 33 ignored:"; cat "$T/sigfam.dropin"; } >> "$T/why"
			r=1
		fi
	fi
	if [ $r = 0 ]; then
		ok "$name"
		note "without the drop-in: $(cat "$T/sig.plain.out"); with it: $(cat "$T/sig.dropin.out")"
	else
		not_ok "$name" "$T/why"
	fi
fi

# ---- 8. ninja, when installed ----------------------------------------
#
# ninja runs every build command with posix_spawn (/bin/sh -c CMD), its
# output through a pipe file action: a second real program, if present.

name="ninja: a generated build with -j4, same output, status and files"
if ! command -v ninja > /dev/null; then
	skip "$name" "ninja is not installed"
elif needs_dropin "$name"; then
	: > "$T/why"
	gen_ninja() {
		fresh_work
		{
			echo 'rule gen'
			echo '  command = ./prog $n > $out && echo "made $out" >&2'
			echo 'rule cc'
			echo '  command = gcc -O1 -c $in -o $out'
			echo 'rule link'
			echo '  command = gcc -o $out $in'
			echo 'rule cat'
			echo '  command = cat $in | sort -n > $out'
			echo 'build prog.o: cc prog.c'
			echo 'build prog: link prog.o'
			for i in $(seq 1 30); do echo "build d$i.txt: gen | prog"; echo "  n = $i"; done
			echo "build all.txt: cat $(seq 1 30 | sed 's/^/d/; s/$/.txt/' | tr '\n' ' ')"
			echo 'default all.txt'
		} > "$W/build.ninja"
		printf '#include <stdio.h>\n#include <stdlib.h>\nint main(int c, char **v) { long n = atol(v[1]), i; for (i = 0; i < n %% 5 + 2; i++) printf("%%ld\\n", n * 7919 %% 1009 + i); return 0; }\n' > "$W/prog.c"
	}
	for mode in plain dropin; do
		gen_ninja
		in_work $mode "$T/nj.$mode" -- ninja -j4
		# ninja's status lines ([3/33] ...) come in completion order
		sed 's/^\[[0-9]*\/[0-9]*\] //' "$T/nj.$mode.out" | sort > "$T/nj.sorted.$mode.out"
		sort "$T/nj.$mode.err" > "$T/nj.sorted.$mode.err"
		cp "$T/nj.$mode.rc" "$T/nj.sorted.$mode.rc"
		rm -f "$W/.ninja_log" "$W/.ninja_deps"
		file_digests > "$T/nj.$mode.files"
	done
	r=0
	compare_runs "$T/nj.sorted" || r=1
	same "produced files" "$T/nj.plain.files" "$T/nj.dropin.files" || r=1
	[ "$(cat "$T/nj.plain.rc")" = 0 ] || { echo "ninja fails without the drop-in" >> "$T/why"; cat "$T/nj.plain.out" >> "$T/why"; r=1; }
	if [ $r = 0 ]; then ok "$name"; else not_ok "$name" "$T/why"; fi
fi

echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed = 0 ]
