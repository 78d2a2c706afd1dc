#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a command where i386 programs go through qemu-user, without
# touching the host's binfmt handlers (other users' runs stay native):
# as root of a user namespace mapped one to one onto the host's ids, with
# a mount namespace holding its own binfmt_misc instance (Linux 6.7+)
# that sends i386 programs to qemu-i386-static.  To test the qemu path of
# check-cross on a kernel that runs i386 natively:
#
#   .ci/qemu-userns.sh make check-cross-i386
#
# Tests that need a capability over the host (CAP_SYS_NICE) skip there,
# saying so.  Run as root.
set -euo pipefail

qemu=$(command -v qemu-i386-static) || { echo "qemu-userns: qemu-i386-static not installed" >&2; exit 2; }
# qemu-user preserves argv[0] (binfmt flag P) when called by this name.
dir=$(mktemp -d)
ln -s "$qemu" "$dir/i386-binfmt-P"
fifo=$dir/go
mkfifo "$fifo"
unshare --user --mount --propagation private bash -c '
	read -r _ <"$0"
	interp=$1
	shift
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
	# ELF 32-bit little-endian, e_machine 3 (i386); F: qemu opened now.
	printf "%s" ":qemu-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$interp:PF" \
		>/proc/sys/fs/binfmt_misc/register
	exec "$@"' "$fifo" "$dir/i386-binfmt-P" "$@" &
pid=$!
# The maps can be written once the child has its own user namespace.
while [ "$(readlink /proc/$pid/ns/user)" = "$(readlink /proc/self/ns/user)" ]; do
	kill -0 "$pid" 2>/dev/null || break
done
echo "0 0 4294967295" >"/proc/$pid/uid_map"
echo "0 0 4294967295" >"/proc/$pid/gid_map"
echo go >"$fifo"
rc=0
wait "$pid" || rc=$?
rm -rf "$dir"
exit "$rc"
