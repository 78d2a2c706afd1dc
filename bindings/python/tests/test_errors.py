# SPDX-License-Identifier: MIT
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


def test_bad_descriptor_refused_before_spawn():
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    # A closed descriptor: refused when the attribute is set, naming the
    # keyword; no child is started.
    with pytest.raises(OSError) as info:
        forkexec.run(["true"], pass_fds=[w])
    assert info.value.errno == errno.EBADF
    assert str(info.value) == "[Errno 9] pass_fds: Bad file descriptor"
    assert not isinstance(info.value, forkexec.SpawnError)


def test_setuid_error():
    if os.geteuid() != 0:
        # An unprivileged caller cannot become root.
        e = spawn_error(lambda: forkexec.run(["true"], user=0))
        assert isinstance(e, PermissionError) and e.step == "setuid"
    else:
        try:
            forkexec.run(["true"], map_root_user=True)
        except OSError:
            pytest.skip("no user namespaces here")
        # Root of a user namespace that maps only itself: uid 1234 has no
        # mapping there, and the kernel says EINVAL at the setuid step.
        e = spawn_error(lambda: forkexec.run(["true"], map_root_user=True, user=1234))
        assert e.step == "setuid" and e.errno == errno.EINVAL
        assert str(e) == "setuid 1234: Invalid argument" and e.subject == "1234"
        assert type(e) is forkexec.SpawnError


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
