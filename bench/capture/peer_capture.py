#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fxbench-capture peer: subprocess.run(argv, capture_output=True).

Prints, per run, the wall time in nanoseconds of one run (spawn, capture,
wait) on a line of its own; exits 1 if the child fails or the capture is
not the expected length.  Each timed run follows an untimed one of the
same size (see capture.c on why).
"""
import argparse
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spew", required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--reps", type=int, default=1)
    a = ap.parse_args()

    clock = time.perf_counter_ns
    out = []
    for _ in range(a.reps):
        subprocess.run([a.spew, str(a.size)], capture_output=True, check=True)
        t0 = clock()
        p = subprocess.run([a.spew, str(a.size)], capture_output=True)
        t1 = clock()
        if p.returncode != 0 or len(p.stdout) != a.size:
            sys.exit("peer_capture.py: exit %d, %d bytes" % (p.returncode, len(p.stdout)))
        del p
        out.append(t1 - t0)
    sys.stdout.write("".join("%d\n" % t for t in out))


if __name__ == "__main__":
    main()
