#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""forkexec.run against subprocess.run, in one Python process.

Cells: the bench's static tiny program (build/bench-tiny: one exit
system call, so the spawn is all there is) without and with
capture_output; /bin/true (the dynamic loader dominates); the same
again from this process once it holds and has touched 8 GiB; and the
capture of 256 MiB written by build/bench-spew.  The small process's
cells run again after the 8 GiB are freed; flatness is forkexec from
8 GiB against the mean of the two small runs.  Each cell alternates
batches of the two contestants (rounds), so that a machine shared with
others slows both alike; it prints the median time per call of each,
and the median of the rounds' ratios (forkexec / subprocess; for the
capture, the throughput ratio forkexec / subprocess), against the
targets: <= 0.6 on the tiny program, <= 1.0 on /bin/true, <= 1.10 for
forkexec from 8 GiB against itself from a small process, >= 2.0 for the
capture.  Exit status 0 whatever the ratios: this measures, it does not
gate.

    bench.py --tiny build/bench-tiny --spew build/bench-spew
             [--rounds N] [--quick] [--big-gib N] [--no-big]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

import forkexec


def cpu():
    """CPU seconds of this process and its reaped children."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def per_call(fn, n):
    t0, c0 = time.perf_counter(), cpu()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n, (cpu() - c0) / n


CPU = {}


def duel(a, b, n, rounds):
    """Median seconds per call of a and b, and the median of a/b.  The
    CPU time both spent (this process and the children) is kept in CPU,
    a second view that a busy machine disturbs less than the clock."""
    a(), b()  # warm up
    ta, tb, ratios, ca, cb = [], [], [], 0.0, 0.0
    for r in range(rounds):
        # Alternate who goes first, so neither always follows the other.
        if r % 2:
            (y, cy), (x, cx) = per_call(b, n), per_call(a, n)
        else:
            (x, cx), (y, cy) = per_call(a, n), per_call(b, n)
        ta.append(x)
        tb.append(y)
        ratios.append(x / y)
        ca += cx
        cb += cy
    CPU["last"] = (ca / rounds, cb / rounds)
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def report(name, ta, tb, ratio, target, better="le"):
    ok = ratio <= target if better == "le" else ratio >= target
    ca, cb = CPU["last"]
    print("%-34s forkexec %9.1f us  subprocess %9.1f us  ratio %.2f (target %s %.2f: %s)"
          "  cpu %.1f/%.1f us = %.2f"
          % (name, ta * 1e6, tb * 1e6, ratio, "<=" if better == "le" else ">=", target,
             "met" if ok else "MISSED", ca * 1e6, cb * 1e6, ca / cb if cb else 0), flush=True)
    return ratio


def spawn_cells(tiny, n, rounds, label, results):
    cells = [
        ("tiny", lambda: forkexec.run([tiny]), lambda: subprocess.run([tiny]), 0.6),
        ("tiny, capture_output",
         lambda: forkexec.run([tiny], capture_output=True),
         lambda: subprocess.run([tiny], capture_output=True), 0.6),
        ("/bin/true", lambda: forkexec.run(["/bin/true"]),
         lambda: subprocess.run(["/bin/true"]), 1.0),
    ]
    for name, a, b, target in cells:
        ta, tb, ratio = duel(a, b, n if name != "/bin/true" else max(1, n // 4), rounds)
        results[(label, name)] = (ta, tb)
        report("%s%s" % (label, name), ta, tb, ratio, target)


def capture_cell(spew, mib, rounds):
    size = mib << 20
    args = [spew, str(size)]

    def fx():
        r = forkexec.run(args, capture_output=True)
        assert r.returncode == 0 and len(r.stdout) == size

    def sp():
        r = subprocess.run(args, capture_output=True)
        assert r.returncode == 0 and len(r.stdout) == size
    ta, tb, ratio = duel(fx, sp, 1, rounds)
    ca, cb = CPU["last"]
    print("%-34s forkexec %7.0f MiB/s  subprocess %7.0f MiB/s  throughput ratio %.2f "
          "(target >= 2.00: %s)  cpu %.0f/%.0f ms = %.2f"
          % ("capture of %d MiB" % mib, mib / ta, mib / tb, 1 / ratio,
             "met" if 1 / ratio >= 2.0 else "MISSED", ca * 1e3, cb * 1e3, cb / ca if ca else 0),
          flush=True)


def mem_available_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / (1 << 20)
    return 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", required=True)
    ap.add_argument("--spew", required=True)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--calls", type=int, default=200, help="calls per batch (tiny)")
    ap.add_argument("--capture-mib", type=int, default=256)
    ap.add_argument("--big-gib", type=int, default=8)
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--quick", action="store_true", help="a few calls: checks that it runs")
    o = ap.parse_args()
    if o.quick:
        o.rounds, o.calls, o.capture_mib, o.no_big = 2, 4, 8, True
    print("bench-python: %s, forkexec %s (libforkexec %s), load %s" % (
        sys.version.split()[0], forkexec.__version__, forkexec.library_version(),
        " ".join(open("/proc/loadavg").read().split()[:3])), flush=True)
    results = {}
    spawn_cells(o.tiny, o.calls, o.rounds, "", results)
    capture_cell(o.spew, o.capture_mib, max(3, o.rounds // 3))
    if o.no_big:
        return 0
    need = o.big_gib + 2
    if mem_available_gib() < need:
        print("8 GiB cells: skipped, %.1f GiB available, %d wanted" % (mem_available_gib(), need))
        return 0
    big = bytearray(o.big_gib << 30)
    # bytearray's memory is calloc'ed and untouched: write to every page.
    big[::4096] = b"\1" * len(range(0, len(big), 4096))
    label = "holding %d GiB: " % o.big_gib
    spawn_cells(o.tiny, o.calls, o.rounds, label, results)
    del big
    # The small process again, after: the flatness ratio compares the
    # large one with the mean of the small one before and after it, so
    # that a load that changed during the run weighs on both sides.
    label2 = "small again: "
    spawn_cells(o.tiny, o.calls, o.rounds, label2, results)
    for name in ("tiny", "tiny, capture_output", "/bin/true"):
        small = (results[("", name)][0] + results[(label2, name)][0]) / 2
        large = results[(label, name)][0]
        ratio = large / small
        print("%-34s forkexec %9.1f us from %d GiB, %9.1f us small: ratio %.2f "
              "(target <= 1.10: %s)" % ("flat, " + name, large * 1e6, o.big_gib, small * 1e6,
                                        ratio, "met" if ratio <= 1.10 else "MISSED"), flush=True)
    print("load after: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
