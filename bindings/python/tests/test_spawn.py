# SPDX-License-Identifier: MIT
"""spawn() and Process: pid, pidfd with selectors and asyncio, wait with
a timeout, poll, signals, streams, the context manager, wait_any, and
the reaping of a Process dropped while its child runs."""
import asyncio
import gc
import os
import select
import selectors
import signal
import subprocess

import pytest

import forkexec
from conftest import PROBE, children, parse


def test_pid_wait_poll():
    p = forkexec.spawn(["sh", "-c", "read x; exit 5"], stdin=forkexec.PIPE)
    assert p.pid > 0 and p.pidfd >= 0 and p.poll() is None and p.returncode is None
    with pytest.raises(subprocess.TimeoutExpired):
        p.wait(timeout=0.05)
    p.stdin.write(b"\n")
    p.stdin.close()
    assert p.wait() == 5 and p.poll() == 5 and p.returncode == 5


def test_signals():
    p = forkexec.spawn(["sleep", "60"])
    p.terminate()
    assert p.wait() == -signal.SIGTERM
    p.kill()  # after the end: nothing, as subprocess
    p = forkexec.spawn(["sleep", "60"])
    p.send_signal(signal.SIGUSR1)
    assert p.wait() == -signal.SIGUSR1


def test_streams_and_communicate():
    p = forkexec.spawn(["sh", "-c", "cat; echo e >&2"], stdin=forkexec.PIPE,
                       stdout=forkexec.PIPE, stderr=forkexec.PIPE)
    out, err = p.communicate(b"x" * 300000)
    assert out == b"x" * 300000 and err == b"e\n" and p.returncode == 0
    p = forkexec.spawn(["cat"], stdin=forkexec.PIPE, stdout=forkexec.PIPE, text=True)
    out, err = p.communicate("t\r\n")
    assert out == "t\n" and err is None
    with forkexec.spawn(["echo", "line"], stdout=forkexec.PIPE) as p:
        assert p.stdout.read() == b"line\n"
        assert p.wait() == 0
    assert p.returncode == 0


def test_context_manager_kills_and_reaps():
    with forkexec.spawn(["sleep", "60"], stdout=forkexec.PIPE) as p:
        pid = p.pid
    assert p.returncode == -signal.SIGKILL
    assert pid not in children()
    with pytest.raises(RuntimeError):
        with forkexec.spawn(["sleep", "60"]) as p:
            raise RuntimeError
    assert p.returncode == -signal.SIGKILL


def test_pidfd_with_selectors():
    p = forkexec.spawn(["sh", "-c", "read x || true"], stdin=forkexec.PIPE)
    with selectors.DefaultSelector() as sel:
        sel.register(p.pidfd, selectors.EVENT_READ)
        assert sel.select(0) == []
        p.stdin.close()
        assert len(sel.select(30)) == 1
    assert p.wait() == 0


def test_pidfd_with_asyncio():
    async def main():
        loop = asyncio.get_running_loop()
        p = forkexec.spawn(["true"])
        ended = loop.create_future()
        loop.add_reader(p.pidfd, ended.set_result, None)
        try:
            await asyncio.wait_for(ended, 30)
        finally:
            loop.remove_reader(p.pidfd)
        return p.poll()
    assert asyncio.run(main()) == 0


def test_wait_any():
    ps = [forkexec.spawn(["sh", "-c", "read x; exit %d" % i], stdin=forkexec.PIPE)
          for i in range(3)]
    try:
        assert forkexec.wait_any(ps, timeout=0.05) is None
        ps[1].stdin.close()
        done = forkexec.wait_any(ps)
        assert done is ps[1] and done.returncode == 1
        # One that has ended is returned at once.
        assert forkexec.wait_any(ps) is ps[1]
        ps[2].stdin.close()
        assert forkexec.wait_any([ps[0], ps[2]]) is ps[2]
    finally:
        for p in ps:
            p.stdin.close()
            p.wait()
    assert [p.returncode for p in ps] == [0, 1, 2]


def test_dropped_process_is_reaped():
    p = forkexec.spawn(["sh", "-c", "read x"], stdin=forkexec.PIPE)
    pid = p.pid
    # A pidfd of our own, to know when the child has exited.
    fd = os.pidfd_open(pid)
    try:
        stdin = p.stdin
        del p  # while the child still runs: it cannot end before stdin closes
        gc.collect()
        assert forkexec._active
        stdin.close()
        assert select.select([fd], [], [], 30)[0] == [fd]
    finally:
        os.close(fd)
    # It has exited: the next spawn reaps it.
    forkexec.spawn(["true"]).wait()
    assert not forkexec._active
    assert pid not in children()


def test_spawn_attributes():
    p = forkexec.spawn([PROBE], stdout=forkexec.PIPE, setsid=True, cwd="/")
    out = p.stdout.read()
    p.stdout.close()
    assert p.wait() == 0
    r = parse(out)
    assert r["sid"] == r["pid"] == str(p.pid) and r["cwd"] == "/"


def test_threads_wait_on_one_process():
    import threading
    p = forkexec.spawn(["sh", "-c", "read x; exit 4"], stdin=forkexec.PIPE)
    got = []
    ts = [threading.Thread(target=lambda: got.append(p.wait())) for _ in range(4)]
    for t in ts:
        t.start()
    p.stdin.close()
    for t in ts:
        t.join()
    assert got == [4, 4, 4, 4] and p.poll() == 4
