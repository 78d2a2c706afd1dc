# SPDX-License-Identifier: MIT
"""Shared helpers: the probe (build/fxprobe) and a check, after every
test, that no descriptor and no child was left behind."""
import os
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.environ.get("FX_BUILD", os.path.join(ROOT, "build"))
PROBE = os.path.join(BUILD, "fxprobe")
TINY = os.path.join(BUILD, "bench-tiny")


def children():
    """This process's children, as the kernel lists them (all threads)."""
    kids = set()
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/children" % tid) as f:
                kids.update(int(p) for p in f.read().split())
        except FileNotFoundError:
            pass
    return kids


def open_fds():
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def no_leaks():
    fds, kids = open_fds(), children()
    yield
    # The listing itself opens one descriptor: both sides have it.
    assert open_fds() - fds == set(), "descriptor left open"
    assert children() - kids == set(), "child left behind"


def userns_ok():
    """Whether this host gives us a user namespace (observed, by one run)."""
    import forkexec
    try:
        forkexec.run(["true"], map_root_user=True)
        return True
    except OSError:
        return False


def parse(out):
    """fxprobe's report (key=value lines) as a dict."""
    report = {}
    for line in out.decode().splitlines():
        k, _, v = line.partition("=")
        report[k] = v
    return report


@pytest.fixture
def probe():
    if not os.access(PROBE, os.X_OK):
        pytest.skip("build/fxprobe not built (make build/fxprobe)")

    def run_probe(*args, **kw):
        import forkexec
        r = forkexec.run([PROBE, *args], capture_output=True, **kw)
        assert r.returncode == 0, r
        return parse(r.stdout)
    return run_probe


PY = sys.executable
