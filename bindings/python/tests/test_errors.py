"""Every error class: a failed start raises a SpawnError that is also the
OSError subclass subprocess would raise, with the library's step,
subject and message; bad keywords are refused before any child exists."""
import errno
import os
import pickle

import pytest

import forkexec


def spawn_error(fn):
    with pytest.raises(forkexec.SpawnError) as info:
        fn()
    return info.value


ROWS = [
    # (keywords, args, OSError subclass, step, subject, message)
    (dict(cwd="/nope"), ["true"], FileNotFoundError, "chdir", "/nope",
     'chdir "/nope": No such file or directory'),
    (dict(), ["/nonexistent/prog"], FileNotFoundError, "exec", "/nonexistent/prog",
     'exec "/nonexistent/prog": No such file or directory'),
    (dict(), ["no-such-program-fx"], FileNotFoundError, None, "no-such-program-fx", None),
    (dict(), ["/etc/passwd"], PermissionError, "exec", "/etc/passwd",
     'exec "/etc/passwd": Permission denied'),
    (dict(cwd="/etc/passwd"), ["true"], NotADirectoryError, "chdir", "/etc/passwd",
     'chdir "/etc/passwd": Not a directory'),
    (dict(), ["/"], PermissionError, "exec", "/", None),
    (dict(chroot="/nope"), ["/bin/true"], FileNotFoundError, "chroot", "/nope", None),
]


@pytest.mark.parametrize("kw,args,cls,step,subject,message", ROWS)
def test_error_classes(kw, args, cls, step, subject, message):
    for start in (forkexec.run, forkexec.spawn):
        e = spawn_error(lambda: start(args, **kw))
        assert isinstance(e, cls) and isinstance(e, OSError)
        assert type(e).__name__ == cls.__name__[:-5] + "SpawnError"
        assert e.errno == {FileNotFoundError: errno.ENOENT, PermissionError: errno.EACCES,
                           NotADirectoryError: errno.ENOTDIR}[cls]
        if step:
            assert e.step == step
        assert e.subject == subject
        if message:
            assert str(e) == message == e.message
        assert e.strerror == os.strerror(e.errno)


def test_except_both_ways():
    try:
        forkexec.run(["true"], cwd="/nope")
    except FileNotFoundError as e:
        assert e.filename == "/nope"
    try:
        forkexec.run(["true"], cwd="/nope")
    except forkexec.SpawnError as e:
        assert isinstance(e, forkexec.FileNotFoundSpawnError)


def test_fd_error_has_index():
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    # A closed descriptor asked for: the parent refuses it, naming the fd.
    with pytest.raises(OSError) as info:
        forkexec.run(["true"], pass_fds=[w])
    e = info.value
    assert e.errno == errno.EBADF
    if isinstance(e, forkexec.SpawnError):
        assert e.index == w or e.index == -1


def test_setuid_error():
    if os.geteuid() != 0:
        # An unprivileged caller cannot become root.
        e = spawn_error(lambda: forkexec.run(["true"], user=0))
        assert isinstance(e, PermissionError) and e.step == "setuid"
    else:
        # Root in a user namespace mapping only itself cannot be 1234.
        try:
            e = spawn_error(lambda: forkexec.run(["true"], map_root_user=True, user=1234))
        except pytest.fail.Exception:
            raise
        assert e.step in ("setuid", "setgid", "setgroups")
        assert isinstance(e, OSError)


def test_unknown_namespace_and_keyword():
    with pytest.raises(ValueError):
        forkexec.run(["true"], namespaces=["bogus"])
    with pytest.raises(TypeError):
        forkexec.run(["true"], no_such_keyword=1)
    with pytest.raises(ValueError):
        forkexec.run(["true"], rlimits={9999: 1})
    with pytest.raises(ValueError):
        forkexec.run(["true"], umask=0o7777)
    with pytest.raises(ValueError):
        forkexec.run(["true"], seccomp=b"123")
    with pytest.raises(KeyError):
        forkexec.run(["true"], user="no-such-user-fx")
    with pytest.raises(ValueError):
        forkexec.run(["true"], backend="vfork")


def test_seccomp_without_no_new_privs():
    if os.geteuid() == 0:
        pytest.skip("root may install a filter without no_new_privs")
    allow = bytes.fromhex("0600000000 00ff7f".replace(" ", ""))
    e = spawn_error(lambda: forkexec.run(["true"], seccomp=allow))
    assert e.step == "seccomp" and isinstance(e, PermissionError)


def test_pickle_keeps_class():
    e = spawn_error(lambda: forkexec.run(["true"], cwd="/nope"))
    e2 = pickle.loads(pickle.dumps(e))
    assert isinstance(e2, FileNotFoundError) and isinstance(e2, forkexec.SpawnError)
    assert e2.step == "chdir" and str(e2) == str(e)


def test_empty_args():
    with pytest.raises(IndexError):
        forkexec.run([])
    with pytest.raises(ValueError):
        forkexec.run(["tr\0ue"])
