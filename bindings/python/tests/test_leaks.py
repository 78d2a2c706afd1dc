# SPDX-License-Identifier: MIT
"""Nothing leaks, memory included: many failed and successful calls in a
row leave the process's resident size where it was (counted calls; the
bound is far above one call's worth, far below a leak's)."""
import os
import subprocess

import pytest

import forkexec


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def calls():
    with pytest.raises(FileNotFoundError):
        forkexec.run(["true"], cwd="/nope", env={"A": "b"}, groups=[1, 2], pass_fds=[0])
    with pytest.raises(ValueError):
        forkexec.run(["true"], rlimits={9999: 1})
    with pytest.raises(forkexec.SpawnError):
        forkexec.spawn(["/nonexistent"], stdout=forkexec.PIPE, stderr=forkexec.PIPE)
    with pytest.raises(subprocess.CalledProcessError):
        forkexec.run(["sh", "-c", "echo x; exit 1"], capture_output=True, input=b"in", check=True)
    p = forkexec.spawn(["true"], stdout=forkexec.PIPE)
    p.communicate()
    p = forkexec.spawn(["true"])
    assert forkexec.wait_any([p]) is p


def test_no_memory_growth():
    for _ in range(300):
        calls()
    before = rss_kib()
    for _ in range(3000):
        calls()
    # A leak of even 64 bytes a call would be 1.1 MiB here.
    assert rss_kib() - before < 1024
