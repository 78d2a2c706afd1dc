# SPDX-License-Identifier: MIT
"""forkexec: start processes safely and fast, from Python.

A drop-in for the process-starting part of :mod:`subprocess` over
libforkexec: :func:`run`, :func:`check_output`, :func:`call` and
:func:`check_call` take subprocess's arguments and return or raise what
subprocess does (:class:`subprocess.CompletedProcess`,
:class:`subprocess.TimeoutExpired`, :class:`subprocess.CalledProcessError`),
so code moves over by changing the import.  On top of that:

* a failed start says which step of the child's set-up failed, on what
  (:class:`SpawnError`: ``chdir "/nope": No such file or directory``),
  and is still the :class:`OSError` subclass subprocess would raise
  (``except FileNotFoundError`` works);
* every containment attribute of the library is a keyword: namespaces,
  uid/gid maps, capabilities, cgroup, rlimits, seccomp, nice, scheduling,
  CPU affinity, no_new_privs, chroot, ...;
* :func:`spawn` returns a :class:`Process` with a pollable ``pidfd``;
  :func:`wait_any` waits for the first of many to end;
* ``kill_group`` and ``wait_delay`` for children that leave grandchildren
  behind.

Every wait releases the GIL, and Ctrl-C during :func:`run` kills and
reaps the child before KeyboardInterrupt reaches the caller.
"""

import io
import locale
import os
import signal
import subprocess
import threading
from subprocess import (DEVNULL, PIPE, STDOUT, CalledProcessError,
                        CompletedProcess, SubprocessError, TimeoutExpired)

from . import _forkexec as _fx

__all__ = [
    "run", "check_output", "call", "check_call", "spawn", "wait_any",
    "Process", "SpawnError", "PIPE", "STDOUT", "DEVNULL",
    "CompletedProcess", "CalledProcessError", "TimeoutExpired",
    "SubprocessError", "library_version",
    "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
    "SECCOMP_KILL",
]

# The library's numbers: ioprio's classes (the names "none", "rt", "be"
# and "idle" work too), and seccomp_deny/seccomp_allow's action that
# kills the process instead of returning an errno.
IOPRIO_CLASS_NONE = _fx.IOPRIO_CLASS_NONE
IOPRIO_CLASS_RT = _fx.IOPRIO_CLASS_RT
IOPRIO_CLASS_BE = _fx.IOPRIO_CLASS_BE
IOPRIO_CLASS_IDLE = _fx.IOPRIO_CLASS_IDLE
SECCOMP_KILL = _fx.SECCOMP_KILL

__version__ = "0.1.0"


def library_version():
    """The version of libforkexec this module was built with."""
    return _fx._library_version()


# ---------------------------------------------------------------------------
# Errors

class SpawnError(OSError):
    """A child could not be started.

    An :class:`OSError` with the errno of the failed step, so that the
    usual subclass applies: the exception raised is an instance of both
    ``SpawnError`` and, say, :class:`FileNotFoundError` (through a class
    such as ``FileNotFoundSpawnError``).  Attributes besides ``errno``,
    ``strerror`` and ``filename``:

    ``step``
        which step failed, as the library names it (``"exec"``,
        ``"chdir"``, ``"setuid"``, ``"uid_map"``, ``"rlimit"``, ...);
    ``index``
        the descriptor, group or argument concerned, or -1;
    ``subject``
        what the step worked on (a path, an id), or "";
    ``message``
        the library's one-line message, also ``str(error)``:
        ``chdir "/nope": No such file or directory``.
    """

    step = "none"
    index = -1
    subject = ""
    message = ""

    def __str__(self):
        return self.message or super().__str__()


_error_classes = {OSError: SpawnError}

for _base in (FileNotFoundError, PermissionError, FileExistsError,
              NotADirectoryError, IsADirectoryError, ProcessLookupError,
              ChildProcessError, InterruptedError, BlockingIOError,
              TimeoutError, ConnectionError):
    _name = _base.__name__[:-len("Error")] + "SpawnError"
    _cls = type(_name, (SpawnError, _base), {
        "__module__": __name__,
        "__doc__": "A SpawnError that is also a %s." % _base.__name__,
    })
    _error_classes[_base] = _cls
    globals()[_name] = _cls
    __all__.append(_name)
del _base, _name, _cls

# Steps whose subject is a file name (OSError.filename, as subprocess sets it).
_path_steps = frozenset(("exec", "lookup", "chdir", "chroot", "stdin",
                         "stdout", "stderr", "cgroup"))


def _spawn_error(code, step, index, subject, message, strerror):
    base = type(OSError(code, strerror))
    cls = _error_classes.get(base)
    if cls is None:
        cls = _error_classes[base] = type(
            base.__name__[:-len("Error")] + "SpawnError", (SpawnError, base),
            {"__module__": __name__})
    if step in _path_steps and subject:
        e = cls(code, strerror, subject)
    else:
        e = cls(code, strerror)
    e.step = step
    e.index = index
    e.subject = subject
    e.message = message
    return e


# ---------------------------------------------------------------------------
# run and friends

def _returncode(status):
    return os.waitstatus_to_exitcode(status)


def _text_mode(text, encoding, errors, universal_newlines):
    return bool(encoding or errors or text or universal_newlines)


def _decode(data, encoding, errors):
    if data is None:
        return None
    s = data.decode(encoding or locale.getpreferredencoding(False), errors or "strict")
    # What subprocess's text mode does (universal newlines).
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _shell_args(args, executable):
    sh = executable or "/bin/sh"
    if isinstance(args, (str, bytes, os.PathLike)):
        return [sh, "-c", args]
    return [sh, "-c", *args]


def _check_stdio(v):
    # subprocess accepts None, PIPE, DEVNULL, STDOUT, an fd or a file.
    if v is None or isinstance(v, int):
        return v
    return v.fileno()


def run(args, *, stdin=None, input=None, stdout=None, stderr=None,
        capture_output=False, shell=False, timeout=None, check=False,
        encoding=None, errors=None, text=None, universal_newlines=None,
        kill_group=False, wait_delay=None, **attrs):
    """Runs a command, waits for it, and returns a CompletedProcess.

    As :func:`subprocess.run`: ``input`` is fed to stdin,
    ``capture_output`` (or ``stdout``/``stderr`` = PIPE) captures,
    ``timeout`` kills the child with SIGKILL and raises
    :class:`subprocess.TimeoutExpired`, ``check`` raises
    :class:`subprocess.CalledProcessError` for a non-zero status, and
    ``text``/``encoding``/``errors`` decode.  Besides:

    ``kill_group``
        the child starts a process group of its own (unless
        ``process_group`` or ``setsid`` gives it one), and the timeout's
        and Ctrl-C's SIGKILL go to the whole group.
    ``wait_delay``
        seconds to go on reading the pipes once the child has ended
        (a grandchild may hold them open); then they are closed.  None
        (the default) waits for end of file, as subprocess does.

    Every other keyword is an attribute of the child (see the module's
    README): cwd, env, executable, user, group, groups (extra_groups),
    setsid (start_new_session), process_group, umask, pass_fds,
    close_fds, restore_signals, chroot, pdeathsig, backend, noctty,
    setctty, foreground, tty_fd, ptrace, clean_signals, sigmask,
    namespaces, uid_map, gid_map, setgroups, map_root_user, ambient_caps,
    inheritable_caps, drop_caps, cgroup, rlimits, no_new_privs, nice,
    nice_adjust, ioprio, securebits, time_offsets, mount_proc, sched,
    sched_deadline, cpus, seccomp, seccomp_deny, seccomp_allow, mounts,
    hostname, landlock, join.  nice and nice_adjust, sched and
    sched_deadline, seccomp_deny and seccomp_allow are exclusive pairs
    (ValueError).

    A child that cannot be started raises :class:`SpawnError`.
    """
    if capture_output:
        if stdout is not None or stderr is not None:
            raise ValueError("stdout and stderr arguments may not be used "
                             "with capture_output.")
        stdout = stderr = PIPE
    textmode = _text_mode(text, encoding, errors, universal_newlines)
    if input is not None:
        if stdin is not None:
            raise ValueError("stdin and input arguments may not both be used.")
        if textmode:
            input = input.encode(encoding or locale.getpreferredencoding(False),
                                 errors or "strict")
    if shell:
        cmd = _shell_args(args, attrs.pop("executable", None))
    else:
        cmd = args
    if stdout is not None and not isinstance(stdout, int):
        stdout = stdout.fileno()
    if stderr is not None and not isinstance(stderr, int):
        stderr = stderr.fileno()
    if stdin is not None and not isinstance(stdin, int):
        stdin = stdin.fileno()
    try:
        status, out, err, timed_out, _, _ = _fx._run(
            cmd, stdin, stdout, stderr, input, timeout, kill_group,
            wait_delay, attrs or None)
    except _fx.Failure as f:
        raise _spawn_error(*f.args) from None
    if timed_out:
        # subprocess gives what was read before the kill, undecoded.
        raise TimeoutExpired(args, timeout, output=out, stderr=err)
    if textmode:
        out = _decode(out, encoding, errors)
        err = _decode(err, encoding, errors)
    rc = _returncode(status)
    if check and rc:
        raise CalledProcessError(rc, args, out, err)
    return CompletedProcess(args, rc, out, err)


def call(args, *, timeout=None, **kwargs):
    """Runs a command and returns its returncode, as subprocess.call."""
    return run(args, timeout=timeout, **kwargs).returncode


def check_call(args, **kwargs):
    """Runs a command; CalledProcessError unless it returned 0."""
    run(args, check=True, **kwargs)
    return 0


def check_output(args, *, timeout=None, **kwargs):
    """Runs a command and returns its stdout, as subprocess.check_output."""
    for kw in ("stdout", "check"):
        if kw in kwargs:
            raise ValueError("%s argument not allowed, it will be overridden." % kw)
    if "input" in kwargs and kwargs["input"] is None:
        textmode = _text_mode(kwargs.get("text"), kwargs.get("encoding"),
                              kwargs.get("errors"), kwargs.get("universal_newlines"))
        kwargs["input"] = "" if textmode else b""
    return run(args, stdout=PIPE, timeout=timeout, check=True, **kwargs).stdout


# ---------------------------------------------------------------------------
# spawn and Process

# Handles of Process objects dropped before their child was reaped: kept
# here and reaped as they end, so that no zombie outlives its Process.
_active = []


def _reap_active():
    for core in _active[:]:
        if core.wait(0) is not None:
            _active.remove(core)


class Process:
    """A running child started by :func:`spawn`.

    ``pid``, ``pidfd`` (pollable: readable once the child has ended, so
    selectors and ``asyncio``'s ``loop.add_reader`` can wait on it),
    ``returncode`` (None while it runs; -N for signal N), ``args``, and
    ``stdin``/``stdout``/``stderr``: file objects over the pipes asked
    for with PIPE, else None.  As a context manager it closes the
    streams, and kills (SIGKILL) and reaps a child still running.
    """

    def __init__(self, core, args, streams):
        self._core = core
        # One waiter at a time on the handle, as Popen's _waitpid_lock.
        self._lock = threading.Lock()
        self.args = args
        self.pid = core.pid
        self.returncode = None
        self.stdin, self.stdout, self.stderr = streams

    @property
    def pidfd(self):
        """The child's pidfd (owned by the Process), or -1 without one.

        Closed once the child was reaped (its returncode known)."""
        return self._core.pidfd if self._core is not None else -1

    def fileno(self):
        """The pidfd: a Process can be given to selectors and select()."""
        return self.pidfd

    def _set_status(self, status):
        if status is not None and self.returncode is None:
            self.returncode = _returncode(status)
            # Reaped: the handle and its pidfd go, as Popen keeps no
            # descriptor once it has waited.
            self._core = None
        return self.returncode

    def poll(self):
        """The returncode if the child has ended (reaping it), else None."""
        if self.returncode is None and self._lock.acquire(False):
            try:
                if self.returncode is None:
                    self._set_status(self._core.wait(0))
            finally:
                self._lock.release()
        return self.returncode

    def wait(self, timeout=None):
        """Waits for the child to end and returns its returncode.

        Raises :class:`subprocess.TimeoutExpired` after ``timeout``
        seconds; the child keeps running.  The GIL is released while
        waiting, and Ctrl-C interrupts the wait.
        """
        if self.returncode is None:
            with self._lock:
                if self.returncode is None:
                    status = self._core.wait(timeout)
                    if status is None:
                        raise TimeoutExpired(self.args, timeout)
                    self._set_status(status)
        return self.returncode

    def send_signal(self, sig):
        """Sends ``sig`` through the pidfd; nothing once it was reaped."""
        if self.returncode is None:
            self._core.send_signal(sig)

    def terminate(self):
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self):
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)

    def communicate(self, input=None, timeout=None):
        """Feeds ``input``, reads stdout and stderr to their end, waits.

        Returns ``(stdout, stderr)`` as subprocess's communicate does
        (bytes, or str for a text-mode stream).
        """
        import selectors
        import time
        deadline = None if timeout is None else time.monotonic() + timeout
        chunks = {}
        sel = selectors.DefaultSelector()
        try:
            if self.stdin:
                if input:
                    if isinstance(input, str):
                        data = input.encode(getattr(self.stdin, "encoding", None) or "utf-8",
                                            getattr(self.stdin, "errors", None) or "strict")
                    else:
                        data = bytes(input)
                    self.stdin.flush()
                    view = memoryview(data)
                    sel.register(self.stdin.fileno(), selectors.EVENT_WRITE, view)
                else:
                    self.stdin.close()
            for name in ("stdout", "stderr"):
                f = getattr(self, name)
                if f:
                    chunks[name] = []
                    sel.register(f.fileno(), selectors.EVENT_READ, name)
            while sel.get_map():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutExpired(self.args, timeout)
                for key, _ in sel.select(left):
                    if key.data in chunks:
                        b = os.read(key.fd, 1 << 18)
                        if b:
                            chunks[key.data].append(b)
                        else:
                            sel.unregister(key.fd)
                    else:
                        try:
                            n = os.write(key.fd, key.data[:1 << 16])
                        except BrokenPipeError:
                            n = len(key.data)
                        view = key.data[n:]
                        if view:
                            sel.modify(key.fd, selectors.EVENT_WRITE, view)
                        else:
                            sel.unregister(key.fd)
                            self.stdin.close()
        finally:
            sel.close()
        out = []
        for name in ("stdout", "stderr"):
            f = getattr(self, name)
            if f is None:
                out.append(None)
                continue
            data = b"".join(chunks[name])
            if isinstance(f, io.TextIOWrapper):
                data = _decode(data, f.encoding, f.errors)
            f.close()
            out.append(data)
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        self.wait(left)
        return tuple(out)

    def _close_streams(self):
        for f in (self.stdin, self.stdout, self.stderr):
            if f:
                try:
                    f.close()
                except OSError:
                    pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._close_streams()
        if self.returncode is None:
            self.kill()
            self.wait()

    def __del__(self):
        core = getattr(self, "_core", None)
        if core is not None and self.returncode is None and core.wait(0) is None:
            _active.append(core)

    def __repr__(self):
        return "<forkexec.Process pid=%d returncode=%r>" % (self.pid, self.returncode)


def _stream(fd, mode, bufsize, textmode, encoding, errors):
    if fd < 0:
        return None
    f = io.open(fd, mode, bufsize)
    if textmode:
        f = io.TextIOWrapper(f, encoding=encoding or locale.getpreferredencoding(False),
                             errors=errors or "strict", write_through="w" in mode,
                             line_buffering=bufsize == 1)
    return f


def spawn(args, *, stdin=None, stdout=None, stderr=None, shell=False,
          bufsize=-1, text=None, encoding=None, errors=None,
          universal_newlines=None, **attrs):
    """Starts a command and returns a :class:`Process` without waiting.

    ``stdin``, ``stdout`` and ``stderr`` as subprocess.Popen takes them
    (PIPE makes the stream a file object of the Process), and the same
    attribute keywords as :func:`run`.  Raises :class:`SpawnError` when
    the child cannot be started; nothing is left behind then.
    """
    if _active:
        _reap_active()
    cmd = _shell_args(args, attrs.pop("executable", None)) if shell else args
    try:
        core = _fx._spawn(cmd, _check_stdio(stdin), _check_stdio(stdout),
                          _check_stdio(stderr), attrs or None)
    except _fx.Failure as f:
        raise _spawn_error(*f.args) from None
    textmode = _text_mode(text, encoding, errors, universal_newlines)
    try:
        streams = (
            _stream(core.take_fd(0), "wb", bufsize, textmode, encoding, errors),
            _stream(core.take_fd(1), "rb", bufsize, textmode, encoding, errors),
            _stream(core.take_fd(2), "rb", bufsize, textmode, encoding, errors),
        )
    except BaseException:
        core.send_signal(signal.SIGKILL)
        core.wait(None)
        raise
    return Process(core, args, streams)


def wait_any(processes, timeout=None):
    """Waits for the first of ``processes`` to end and returns it.

    The Process returned has its returncode set; the others run on.
    None after ``timeout`` seconds.  One that had already ended is
    returned at once.  Built on the library's wait sets (epoll over the
    pidfds); the GIL is released and Ctrl-C interrupts the wait.
    """
    processes = list(processes)
    for p in processes:
        if p.returncode is not None:
            return p
    if not processes:
        raise ValueError("wait_any: no processes")
    i = _fx._wait_any([p._core for p in processes], timeout)
    if i is None:
        return None
    p = processes[i]
    p._set_status(p._core.wait(0))
    return p
