#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs a command the way a careful build tool would, with forkexec.

    sandboxed_build.py [COMMAND ARG...]     (default: uname -a)

The command runs in new user, mount, network, UTS and IPC namespaces as
root of its own user namespace (so without any real privilege), with no
network, no new privileges, a 1 GiB address-space limit, 256 open files,
nice 10, a 30-second timeout that kills its whole process group, and a
2-second bound on grandchildren that keep its pipes open.  Its output is
captured; a failure to start says which step failed.  Where this host
allows no user namespace, it runs without them and says so.
"""
import resource
import sys

import forkexec

cmd = sys.argv[1:] or ["uname", "-a"]
limits = dict(
    no_new_privs=True,
    rlimits={resource.RLIMIT_AS: 1 << 30, resource.RLIMIT_NOFILE: 256},
    nice=10,
)
contained = dict(map_root_user=True, namespaces=["user", "mount", "net", "uts", "ipc"])

try:
    try:
        r = forkexec.run(cmd, capture_output=True, text=True, timeout=30, kill_group=True,
                         wait_delay=2, **limits, **contained)
    except forkexec.SpawnError as e:
        if e.step not in ("namespaces", "uid_map", "gid_map", "setgroups policy"):
            raise
        print("no user namespaces here (%s): running without them" % e, file=sys.stderr)
        r = forkexec.run(cmd, capture_output=True, text=True, timeout=30, kill_group=True,
                         wait_delay=2, **limits)
except FileNotFoundError as e:
    # Also a forkexec.SpawnError: e.step says where ("exec"), str(e) the rest.
    sys.exit("cannot start it: %s (step %s)" % (e, e.step))
except forkexec.TimeoutExpired as e:
    sys.exit("timed out after %s s" % e.timeout)

sys.stdout.write(r.stdout)
sys.stderr.write(r.stderr)
print("exit status %d" % r.returncode, file=sys.stderr)
sys.exit(r.returncode)
