# SPDX-License-Identifier: MIT
"""run(), check_output(), call(): capture, input, text, check, stdio
targets, timeouts, kill_group, wait_delay, pass_fds, threads."""
import os
import select
import signal
import subprocess
import tempfile
import threading

import pytest

import forkexec
from conftest import PROBE, PY, parse


def test_capture_and_status():
    r = forkexec.run(["sh", "-c", "echo out; echo err >&2; exit 3"], capture_output=True)
    assert (r.returncode, r.stdout, r.stderr) == (3, b"out\n", b"err\n")
    assert isinstance(r, subprocess.CompletedProcess)


def test_signal_status():
    r = forkexec.run(["sh", "-c", "kill -TERM $$"])
    assert r.returncode == -signal.SIGTERM


def test_input_and_large_capture():
    data = os.urandom(3 << 20)
    r = forkexec.run(["cat"], input=data, capture_output=True)
    assert r.stdout == data and r.stderr == b""
    # Both streams at once, larger than any pipe: no deadlock.
    r = forkexec.run(["sh", "-c", "head -c 5000000 /dev/zero; head -c 3000000 /dev/zero >&2"],
                     capture_output=True)
    assert len(r.stdout) == 5000000 and len(r.stderr) == 3000000


def test_input_child_closes_stdin():
    # The child reads nothing: the rest of the input is dropped, no SIGPIPE.
    r = forkexec.run(["true"], input=b"x" * (4 << 20))
    assert r.returncode == 0


def test_text_mode():
    r = forkexec.run(["cat"], input="h\u00e9\r\nx", capture_output=True, text=True)
    assert r.stdout == "h\u00e9\nx"
    r = forkexec.run(["printf", "\\377"], capture_output=True, encoding="latin-1")
    assert r.stdout == "\u00ff"
    r = forkexec.run(["printf", "\\377"], capture_output=True, errors="replace")
    assert r.stdout == "\ufffd"


def test_check_and_helpers():
    with pytest.raises(subprocess.CalledProcessError) as info:
        forkexec.run(["sh", "-c", "echo o; exit 4"], stdout=forkexec.PIPE, check=True)
    assert info.value.returncode == 4 and info.value.output == b"o\n"
    assert forkexec.check_output(["echo", "a"]) == b"a\n"
    assert forkexec.check_output(["cat"], input="t", text=True) == "t"
    assert forkexec.call(["sh", "-c", "exit 7"]) == 7
    assert forkexec.check_call(["true"]) == 0
    with pytest.raises(subprocess.CalledProcessError):
        forkexec.check_call(["false"])
    with pytest.raises(ValueError):
        forkexec.check_output(["true"], stdout=forkexec.PIPE)
    with pytest.raises(ValueError):
        forkexec.run(["true"], capture_output=True, stdout=forkexec.PIPE)
    with pytest.raises(ValueError):
        forkexec.run(["true"], input=b"", stdin=forkexec.DEVNULL)


def test_stdio_targets():
    with tempfile.TemporaryFile() as f:
        r = forkexec.run(["sh", "-c", "echo one; echo two >&2"], stdout=f, stderr=forkexec.STDOUT)
        f.seek(0)
        assert f.read() == b"one\ntwo\n" and r.stdout is None
    with tempfile.TemporaryFile() as f:
        forkexec.run(["echo", "fd"], stdout=f.fileno())
        f.seek(0)
        assert f.read() == b"fd\n"
    r = forkexec.run(["sh", "-c", "echo x; echo y >&2"], stdout=forkexec.DEVNULL,
                     stderr=forkexec.PIPE)
    assert r.stdout is None and r.stderr == b"y\n"
    r = forkexec.run(["sh", "-c", "echo x; echo y >&2"], stdout=forkexec.PIPE,
                     stderr=forkexec.STDOUT)
    assert r.stdout == b"x\ny\n" and r.stderr is None
    r = forkexec.run(["cat"], stdin=forkexec.DEVNULL, capture_output=True)
    assert r.stdout == b""
    with tempfile.TemporaryFile() as f:
        f.write(b"from file")
        f.seek(0)
        assert forkexec.run(["cat"], stdin=f, capture_output=True).stdout == b"from file"


def test_timeout_kills_and_keeps_output():
    # The child prints, then says "ready" on a side pipe, then hangs.  A
    # timeout that passed before it got that far proves nothing: the
    # test doubles it and tries again (counted attempts, no sleep).
    timeout = 0.25
    for _ in range(8):
        r, w = os.pipe()
        try:
            with pytest.raises(subprocess.TimeoutExpired) as info:
                forkexec.run(["sh", "-c", "echo early; echo ready >&2; exec sleep 60"],
                             stdout=forkexec.PIPE, stderr=w, timeout=timeout)
            os.close(w)
            w = -1
            ready = os.read(r, 100)
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)
        assert info.value.timeout == timeout
        assert info.value.cmd == ["sh", "-c", "echo early; echo ready >&2; exec sleep 60"]
        if ready:
            assert info.value.output == b"early\n"
            break
        timeout *= 2
    else:
        pytest.fail("the child never got to its first line before the timeout")
    with pytest.raises(subprocess.TimeoutExpired):
        forkexec.call(["sleep", "60"], timeout=0.2)


@pytest.mark.parametrize("group", [{}, {"setsid": True}, {"process_group": 0}])
def test_kill_group_reaches_grandchildren(group):
    # The grandchild holds stdout: without kill_group the timeout kills
    # sh alone and the pipe stays open until the grandchild ends.
    r, w = os.pipe()
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            forkexec.run(["sh", "-c", "sleep 60 & echo $!; wait"], stdout=w, timeout=0.5,
                         kill_group=True, **group)
        os.close(w)
        w = -1
        pid = int(os.read(r, 100))
        # The grandchild was in the group: it got SIGKILL too.  It is
        # init's child now; its pidfd polls readable once it has exited
        # (sleep 60 would not, within the bound).
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return  # gone already
        try:
            assert select.select([fd], [], [], 30)[0] == [fd]
        finally:
            os.close(fd)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_process_group_and_setsid():
    r = forkexec.run([PROBE], capture_output=True, kill_group=True)
    p = parse(r.stdout)
    assert p["pgid"] == p["pid"]
    p = parse(forkexec.run([PROBE], capture_output=True, setsid=True).stdout)
    assert p["sid"] == p["pid"]
    p = parse(forkexec.run([PROBE], capture_output=True, process_group=0).stdout)
    assert p["pgid"] == p["pid"] and p["sid"] != p["pid"]


def test_wait_delay_bounds_a_held_pipe():
    # sh exits at once; its background sleep holds stdout open.
    r = forkexec.run(["sh", "-c", "sleep 30 & echo $!"], capture_output=True, wait_delay=0.2)
    assert r.returncode == 0
    os.kill(int(r.stdout), signal.SIGKILL)
    # Without a wait delay the run lasts until the pipe closes: here
    # when the grandchild is killed, which it is once its pid is read.
    rd, wr = os.pipe()
    got = []

    def killer():
        got.append(int(os.read(rd, 100)))
        os.kill(got[0], signal.SIGKILL)
    t = threading.Thread(target=killer)
    t.start()
    try:
        r = forkexec.run([PY, "-c", "import os, subprocess, sys; "
                          "p = subprocess.Popen(['sleep', '30']); "
                          "os.write(int(sys.argv[1]), b'%d' % p.pid)", str(wr)],
                         capture_output=True, pass_fds=[wr])
        assert r.returncode == 0 and got
    finally:
        os.close(wr)
        t.join()
        os.close(rd)


def test_pass_fds():
    r, w = os.pipe()
    try:
        assert os.get_inheritable(w) is False
        out = forkexec.run([PY, "-c", "import os,sys; os.write(int(sys.argv[1]), b'hi')", str(w)],
                           pass_fds=[w])
        assert out.returncode == 0
        assert os.read(r, 10) == b"hi"
        # Not passed: closed in the child.
        out = forkexec.run([PY, "-c", "import os,sys; os.write(int(sys.argv[1]), b'hi')", str(w)],
                           capture_output=True)
        assert out.returncode != 0 and b"Bad file descriptor" in out.stderr
    finally:
        os.close(r)
        os.close(w)


def test_env_cwd_umask_executable_shell():
    r = forkexec.run(["sh", "-c", "echo $FX_T; pwd; umask"], env={"FX_T": "v", "PATH": "/usr/bin:/bin"},
                     cwd="/tmp", umask=0o27, capture_output=True)
    assert r.stdout == b"v\n/tmp\n0027\n"
    r = forkexec.run(["whatever", "-c", "echo $0"], executable="/bin/sh", capture_output=True)
    assert r.stdout == b"whatever\n"
    r = forkexec.run("echo $((1+2))", shell=True, capture_output=True)
    assert r.stdout == b"3\n"
    r = forkexec.run([b"echo", os.fsencode("/tmp")], capture_output=True)
    assert r.stdout == b"/tmp\n"


def test_threads():
    errors = []

    def worker(n):
        try:
            for i in range(20):
                r = forkexec.run(["sh", "-c", "echo %d-%d" % (n, i)], capture_output=True)
                assert r.stdout == b"%d-%d\n" % (n, i)
        except BaseException as e:  # noqa: B902
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_gil_released_during_run():
    # The child waits for a line that only another Python thread writes,
    # once it has read the child's "ready": run() must not hold the GIL.
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()

    def helper():
        assert os.read(from_child_r, 6) == b"ready\n"
        os.write(to_child_w, b"go\n")
    t = threading.Thread(target=helper)
    t.start()
    try:
        r = forkexec.run(["sh", "-c", "echo ready; read x; echo $x >&2"], stdin=to_child_r,
                         stdout=from_child_w, stderr=forkexec.PIPE)
        assert r.stderr == b"go\n"
    finally:
        t.join()
        for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
            os.close(fd)
