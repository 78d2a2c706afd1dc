#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs each program of examples/ and asserts its output and exit status.
# drop-privileges needs root and userns-sandbox user namespaces: without
# them they print a SKIP line (as root both must pass).
# Usage: tests/scripts/examples-test.sh [BUILD]   (make check-examples)
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
ex=$build/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 failn=0 skip=0

# run NAME ARGS...: runs $ex/NAME with a 30 s bound; sets $out, $err, $rc.
run() {
	local name=$1
	shift
	timeout 30 "$ex/$name" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
ok() { echo "ok - $1"; pass=$((pass + 1)); }
skipped() { echo "ok - $1 # SKIP $2"; skip=$((skip + 1)); }
not_ok() {
	echo "not ok - $1: $2"
	echo "    status $rc"
	sed 's/^/    stdout: /' "$tmp/out"
	sed 's/^/    stderr: /' "$tmp/err"
	failn=$((failn + 1))
}
# check NAME WANT_RC WANT_STDOUT_REGEX [WANT_STDERR_REGEX]: the whole
# output, lines joined by '|', must match the extended regex.
check() {
	local name=$1 want_rc=$2 want_out=$3 want_err=${4:-}
	local o e
	o=$(tr '\n' '|' <"$tmp/out")
	e=$(tr '\n' '|' <"$tmp/err")
	if [ "$rc" != "$want_rc" ]; then
		not_ok "$name" "exit status $rc, expected $want_rc"
	elif ! [[ $o =~ ^${want_out}$ ]]; then
		not_ok "$name" "stdout does not match ^${want_out}\$"
	elif ! [[ $e =~ ^${want_err}$ ]]; then
		not_ok "$name" "stderr does not match ^${want_err}\$"
	else
		ok "$name"
	fi
}

run wait-timeout 3000 sh -c 'exit 3'
check "wait-timeout: exits in time" 3 'exited with code 3\|'
SECONDS=0
run wait-timeout 300 sleep 20
check "wait-timeout: killed at the deadline" 124 'pid [0-9]+ ran over 300 ms: killed\|'
[ "$SECONDS" -lt 10 ] || not_ok "wait-timeout: deadline" "took $SECONDS s for a 300 ms deadline"

if [ "$(id -u)" = 0 ]; then
	root=$tmp/root
	mkdir -p "$root" && chmod 755 "$root"
	cp "$build/fxprobe" "$root/probe"
	run drop-privileges 65534 65533 "$root" /probe --exit=7
	if [ "$rc" = 7 ] && grep -qx 'uid=65534,65534,65534,65534' "$tmp/out" &&
	   grep -qx 'gid=65533,65533,65533,65533' "$tmp/out" && grep -qx 'groups=' "$tmp/out" &&
	   grep -qx 'cwd=/' "$tmp/out" && grep -qx 'env.0=PATH=/bin:/usr/bin' "$tmp/out" &&
	   grep -qx 'argv.0=/probe' "$tmp/out"; then
		ok "drop-privileges: uid, gid, no groups, chroot, environment"
	else
		not_ok "drop-privileges" "the probe's report is not what was asked"
	fi
	chmod 700 "$root"
	run drop-privileges 65534 65534 "$root" /probe
	check "drop-privileges: an unreadable root names the step" 127 '' \
	      'drop-privileges: chdir "/": Permission denied\|'
else
	skipped "drop-privileges" "needs root"
fi

run swap-fds sh -c 'echo to-stdout; echo to-stderr >&2; exit 4'
check "swap-fds: stdout and stderr swapped" 4 'to-stderr\|' 'to-stdout\|'

run errors
check "errors: each failure with its step" 0 \
'unknown flag: +refused with -EINVAL\|program not found: +step lookup +lookup "no-such-program-xyz": No such file or directory\|stdout file: +step stdout +stdout "/nonexistent/out.log": No such file or directory\|working directory: +step chdir +chdir "/nonexistent": No such file or directory\|not a program: +step exec +exec "/dev/null": Permission denied\|all well: +started and exited 0\|'

run many-children 5
# In the order they end; each child sleeps i/10 s, so the order is the
# index on any machine that is not stalled for 100 ms at a time: the
# codes are checked as a set, sorted.
codes=$(sed -n 's/^pid [0-9]* exited with code \([0-9]*\)$/\1/p' "$tmp/out" | sort -n | tr '\n' ' ')
if [ "$rc" = 0 ] && [ "$(head -n 1 "$tmp/out")" = "started 5 children" ] && [ "$codes" = "0 1 2 3 4 " ] &&
   [ "$(grep -c '^pid' "$tmp/out")" = 5 ]; then
	ok "many-children: five exits reported"
else
	not_ok "many-children" "codes '$codes'"
fi

run capture 5000 sh -c 'echo out; echo err >&2; exit 2'
check "capture: both streams" 2 'stdout \(4 bytes\): out\|stderr \(4 bytes\): err\|exited with code 2 in [0-9]+ ms\|'
run capture 300 sh -c 'echo early; exec sleep 20'
check "capture: timeout" 124 'stdout \(6 bytes\): early\|stderr \(0 bytes\): timed out: ended by signal 15\|'

run log-lines 8 sh -c 'echo one; printf "two\nthree"; echo 0123456789abcdef >&2; exit 3'
check "log-lines: lines, the tail of stderr" 3 '    1  one\|    2  two\|    3  three\|' \
      '3 lines; stderr: last 8 bytes \(9 dropped before them\):\|9abcdef\|exited with code 3\|'
# A stdout that fails (/dev/full): the line sink fails, the command is
# ended (its signal, or the SIGPIPE of a write racing it).
timeout 30 "$ex/log-lines" 16 yes >/dev/full 2>"$tmp/err"
rc=$?
: >"$tmp/out"
check "log-lines: a failing sink ends the command" 124 '' \
      '[0-9]+ lines; stderr: last 0 bytes:\|stopped: the line sink failed \(-5\), the command ended by signal (13|15)\|'

run pipeline
check "pipeline: sort | head" 0 'apple\|banana\|stage 0 exited with code 0\|stage 1 exited with code 0\|stage 2 exited with code 0\|pipefail status: 0\|'

run userns-sandbox sh -c 'id -u; hostname sandbox && hostname; grep -c : /proc/net/dev'
if [ "$rc" = 127 ] && [ "$(id -u)" != 0 ] && grep -q 'Operation not permitted\|Permission denied' "$tmp/err"; then
	skipped "userns-sandbox" "no unprivileged user namespaces here"
else
	# uid 0 inside, the hostname changed, one network interface (lo).
	check "userns-sandbox: root, hostname, no network" 0 '0\|sandbox\|1\|'
	[ "$(hostname)" != sandbox ] || not_ok "userns-sandbox" "the host's name changed"
fi

# The bubblewrap-style sandbox: the root holds exactly the view, the
# hostname is its own, /tmp writable, one network interface (lo).
run sandbox /bin/sh -c 'ls /; hostname; echo x > /tmp/y && cat /tmp/y; grep -c : /proc/net/dev'
if [ "$rc" = 127 ] && [ "$(id -u)" != 0 ] && grep -q 'Operation not permitted\|Permission denied' "$tmp/err"; then
	skipped "sandbox" "no unprivileged user namespaces here"
else
	check "sandbox: the view, hostname, tmp, no network" 0 'bin\|dev\|lib\|lib64\|proc\|tmp\|usr\|sandbox\|x\|1\|'
fi

# uname(1) cannot get the system's name; the same command without the
# filter can; a name the architecture has not is refused.
run seccomp-deny getcwd,uname uname -s
check "seccomp-deny: uname refused" 1 '' 'uname: cannot get system name: Operation not permitted\|'
run seccomp-deny getcwd uname -s
check "seccomp-deny: other calls run" 0 'Linux\|'
run seccomp-deny no_such_call true
check "seccomp-deny: unknown name" 1 '' 'seccomp-deny: no_such_call: No such file or directory\|'

printf 'line 1\nline 2\n' >"$tmp/in"
run posix-spawn "$tmp/in" "$tmp/posix-out" sh -c 'cat; echo err >&2; exit 5'
check "posix-spawn: file actions" 5 'pid [0-9]+ exited with code 5\|'
if [ "$(cat "$tmp/posix-out" 2>/dev/null)" != "$(printf 'line 1\nline 2\nerr')" ]; then
	not_ok "posix-spawn: output file" "holds '$(cat "$tmp/posix-out" 2>/dev/null)'"
fi
run posix-spawn "$tmp/missing" "$tmp/posix-out" cat
check "posix-spawn: the failed action named" 127 '' \
      "posix-spawn: file action 0 \\(open \"$tmp/missing\"\\): No such file or directory \\(No such file or directory\\)\\|"

echo "$pass passed, $failn failed, $skip skipped"
[ "$failn" = 0 ]
