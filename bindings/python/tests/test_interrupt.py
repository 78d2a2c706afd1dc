# SPDX-License-Identifier: MIT
"""Ctrl-C: SIGINT while run() (or a wait) blocks raises KeyboardInterrupt
in the caller, and run() has killed and reaped its child by then."""
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import forkexec
from conftest import PY, children

# Runs a Python child that writes its pid to fd W and sleeps; the test
# sends SIGINT once it has read the pid.
SCRIPT = r"""
import os, signal, sys, forkexec
# Started from a shell's background job, SIGINT may come ignored, and
# Python then installs no KeyboardInterrupt handler: install it.
signal.signal(signal.SIGINT, signal.default_int_handler)
w = int(sys.argv[1])
code = "import os, time; os.write(%d, b'%%d\\n' %% os.getpid()); time.sleep(60)" % w
try:
    forkexec.run([sys.executable, "-c", code], pass_fds=[w], capture_output=True,
                 kill_group=True)
    print("not interrupted")
except KeyboardInterrupt:
    kids = open("/proc/self/task/%d/children" % os.getpid()).read().split()
    print("interrupted children=%d" % len(kids))
"""


@pytest.fixture(autouse=True)
def sigint_raises():
    """SIGINT raises KeyboardInterrupt here, as in an interactive
    Python, even when this process inherited it ignored (a background
    job of a non-interactive shell, as CI may start us)."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def test_sigint_from_outside_kills_and_reaps():
    r, w = os.pipe()
    try:
        p = subprocess.Popen([PY, "-c", SCRIPT, str(w)], pass_fds=[w], stdout=subprocess.PIPE)
        os.close(w)
        w = -1
        child = int(os.read(r, 100).split()[0])
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=60)
        assert out == b"interrupted children=0\n"
        # The grandchild was killed and reaped: gone from the system.
        assert not os.path.exists("/proc/%d" % child) or \
            open("/proc/%d/stat" % child).read().split(")")[1].split()[0] in "ZX"
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_sigint_in_process():
    r, w = os.pipe()

    def interrupt():
        # Once the child says it runs, Ctrl-C this process.
        os.read(r, 100)
        os.kill(os.getpid(), signal.SIGINT)
    t = threading.Thread(target=interrupt)
    t.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            forkexec.run(["sh", "-c", "echo up >&2; exec sleep 60"], stderr=w,
                         capture_output=False, stdout=forkexec.PIPE)
    finally:
        t.join()
        os.close(r)
        os.close(w)
    assert children() == set()


def interrupted(wait):
    """Starts a child that says "up", sends this process SIGINT once it
    has, and checks that wait(process) raises KeyboardInterrupt and
    leaves the child running."""
    r, w = os.pipe()
    p = forkexec.spawn(["sh", "-c", "echo up >&2; exec sleep 60"], stderr=w)
    os.close(w)

    main = threading.get_native_id()

    def interrupt():
        os.read(r, 100)
        # The child runs; SIGINT once the main thread blocks in the wait
        # (its kernel wait channel is poll's), not while it is still in
        # t.start().
        for _ in range(100000):
            with open("/proc/self/task/%d/wchan" % main) as f:
                if "poll" in f.read():
                    break
            time.sleep(0.0001)
        os.kill(os.getpid(), signal.SIGINT)
    t = threading.Thread(target=interrupt)
    t.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            wait(p)
        assert p.poll() is None
    finally:
        t.join()
        p.kill()
        p.wait()
        os.close(r)


def test_sigint_during_wait():
    interrupted(lambda p: p.wait())


def test_sigint_during_wait_any():
    interrupted(lambda p: forkexec.wait_any([p]))


def test_sigint_while_output_streams():
    # The child writes without pause: poll always has something, and the
    # signal must still get through (checked at least every 100 ms).
    r, w = os.pipe()

    def interrupt():
        os.read(r, 100)
        os.kill(os.getpid(), signal.SIGINT)
    t = threading.Thread(target=interrupt)
    t.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            forkexec.run(["sh", "-c", "echo up >&2; exec yes"], stderr=w,
                         stdout=forkexec.PIPE, kill_group=True)
    finally:
        t.join()
        os.close(r)
        os.close(w)
    assert children() == set()
