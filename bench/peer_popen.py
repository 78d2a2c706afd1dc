#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fxbench peer: times subprocess.Popen(argv).wait() in Python's own loop.

Run by fxbench once per slice.  Prints one spawn-then-wait time in
nanoseconds per line on stdout; exits 1 if a child does not exit 0.
Popen is used with its defaults (close_fds=True, stdio inherited), which
is what a Python program gets when it does not ask for more.
"""
import argparse
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True, help="program to run")
    ap.add_argument("--budget-ms", type=float, default=1000.0)
    ap.add_argument("--min", type=int, default=5, help="at least this many")
    a = ap.parse_args()

    argv = [a.target]
    # Warm-up, not timed: the first Popen imports and allocates.
    if subprocess.Popen(argv).wait() != 0:
        sys.exit("peer_popen: %s did not exit 0" % a.target)

    times = []
    clock = time.perf_counter_ns
    deadline = clock() + int(a.budget_ms * 1e6)
    while len(times) < a.min or clock() < deadline:
        t0 = clock()
        rc = subprocess.Popen(argv).wait()
        t1 = clock()
        if rc != 0:
            sys.exit("peer_popen: %s exited %d" % (a.target, rc))
        times.append(t1 - t0)
    sys.stdout.write("".join("%d\n" % t for t in times))


if __name__ == "__main__":
    main()
