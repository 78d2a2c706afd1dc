#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fxbench-capture peer: subprocess.run(argv, capture_output=True).

Prints, per run, the wall time in nanoseconds of one run (spawn, capture,
wait) and the CPU seconds it took (this process and the child) on a line
of its own; exits 1 if the child fails or the capture is
not the expected length.  Each timed run follows an untimed one of the
same size (see capture.c on why).

With --echo N: N runs of subprocess.run(["/bin/echo", "hi"],
capture_output=True), timed together; prints the mean of one.
"""
import argparse
import resource
import subprocess
import sys
import time


def cpu_s():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spew")
    ap.add_argument("--size", type=int)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--echo", type=int, default=0)
    a = ap.parse_args()

    clock = time.perf_counter_ns
    if a.echo:
        t0, c0 = clock(), cpu_s()
        for _ in range(a.echo):
            p = subprocess.run(["/bin/echo", "hi"], capture_output=True)
            if p.returncode != 0 or p.stdout != b"hi\n":
                sys.exit("peer_capture.py: echo: exit %d, %r" % (p.returncode, p.stdout))
        sys.stdout.write("%d %.6f\n" % ((clock() - t0) // a.echo, (cpu_s() - c0) / a.echo))
        return
    if a.spew is None or a.size is None:
        sys.exit("peer_capture.py: --spew and --size, or --echo N")
    out = []
    for _ in range(a.reps):
        subprocess.run([a.spew, str(a.size)], capture_output=True, check=True)
        t0, c0 = clock(), cpu_s()
        p = subprocess.run([a.spew, str(a.size)], capture_output=True)
        t1, c1 = clock(), cpu_s()
        if p.returncode != 0 or len(p.stdout) != a.size:
            sys.exit("peer_capture.py: exit %d, %d bytes" % (p.returncode, len(p.stdout)))
        del p
        out.append((t1 - t0, c1 - c0))
    sys.stdout.write("".join("%d %.6f\n" % t for t in out))


if __name__ == "__main__":
    main()
