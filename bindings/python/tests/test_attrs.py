# SPDX-License-Identifier: MIT
"""Every attribute keyword, checked by what the probe (build/fxprobe)
reports from inside the child.  Rows that need something of the host
(root, user namespaces, cgroup v2) look for it at run time."""
import os
import resource
import signal
import struct

import pytest

import forkexec
from conftest import PROBE, parse, userns_ok

ROOT = os.geteuid() == 0


def test_identity(probe):
    if not ROOT:
        pytest.skip("needs root (setuid, setgid, setgroups)")
    p = probe(user=65534, group=65534, groups=[1, 2])
    assert p["uid"] == "65534,65534,65534,65534"
    assert p["gid"].startswith("65534,65534")
    assert p["groups"] == "1,2"
    assert p["capeff"] == "0000000000000000"
    p = probe(user="nobody", extra_groups=[])
    assert p["uid"].startswith("65534") and p["groups"] == ""


def test_cwd_env_umask_chroot(probe, tmp_path):
    p = probe(cwd=str(tmp_path), env={"A": "1"}, umask=0o77)
    assert p["cwd"] == str(tmp_path) and p["env.0"] == "A=1" and "env.1" not in p
    assert p["umask"] == "0077"
    if ROOT:
        import shutil
        shutil.copy(PROBE, tmp_path / "probe")
        r = forkexec.run(["/probe"], chroot=str(tmp_path), capture_output=True)
        assert parse(r.stdout)["root"] in ("/", "?")
        assert parse(r.stdout)["cwd"] in ("/", "?")


def test_sessions_and_tty(probe):
    p = probe(setsid=True, noctty=False)
    assert p["sid"] == p["pid"]
    p = probe(start_new_session=True)
    assert p["sid"] == p["pid"]
    p = probe(process_group=0)
    assert p["pgid"] == p["pid"]


def test_signals(probe):
    p = probe(sigmask=[signal.SIGUSR1])
    assert int(p["sigmask"], 16) == 1 << (signal.SIGUSR1 - 1)
    # Python ignores SIGPIPE; restore_signals (the default) undoes it.
    p = probe()
    assert int(p["sigign"], 16) & (1 << (signal.SIGPIPE - 1)) == 0
    p = probe(restore_signals=False)
    assert int(p["sigign"], 16) & (1 << (signal.SIGPIPE - 1))
    p = probe(clean_signals=True, restore_signals=False)
    assert int(p["sigign"], 16) == 0 and int(p["sigmask"], 16) == 0
    p = probe(pdeathsig=signal.SIGTERM)
    assert p["pdeathsig"] == str(int(signal.SIGTERM))


def test_fds(probe):
    r, w = os.pipe()
    try:
        p = probe(pass_fds=[w])
        assert ("fd.%d" % w) in p
        p = probe()
        assert ("fd.%d" % w) not in p
        os.set_inheritable(w, True)
        p = probe(close_fds=False)
        assert ("fd.%d" % w) in p
    finally:
        os.close(r)
        os.close(w)


def test_limits_and_scheduling(probe):
    p = probe(rlimits={resource.RLIMIT_NOFILE: (64, 128), resource.RLIMIT_CORE: 0})
    assert p["rlimit.nofile"] == "64:128" and p["rlimit.core"] == "0:0"
    p = probe(rlimits={resource.RLIMIT_CORE: (0, resource.RLIM_INFINITY)})
    assert p["rlimit.core"].endswith(":unlimited") or p["rlimit.core"] == "0:unlimited"
    # 19: a value any caller may set, whatever its own.
    p = probe(nice=19)
    assert p["nice"] == "19"
    p = probe(sched=(os.SCHED_BATCH, 0))
    assert p["sched.policy"] == str(os.SCHED_BATCH)
    p = probe(cpus=[0])
    assert p["cpus"] == "0"
    p = probe(no_new_privs=True)
    assert p["nonewprivs"] == "1"


def test_seccomp(probe):
    # One instruction: return SECCOMP_RET_ALLOW.
    allow = struct.pack("HBBI", 0x06, 0, 0, 0x7fff0000)
    p = probe(seccomp=allow, no_new_privs=True)
    assert p["seccomp"] == "2"


def test_capabilities(probe):
    if not ROOT:
        pytest.skip("needs root (capabilities to keep or drop)")
    CAP_NET_BIND_SERVICE = 10
    p = probe(user=65534, ambient_caps=[CAP_NET_BIND_SERVICE])
    assert int(p["capamb"], 16) == 1 << CAP_NET_BIND_SERVICE
    p = probe(drop_caps=[CAP_NET_BIND_SERVICE])
    assert int(p["capbnd"], 16) & (1 << CAP_NET_BIND_SERVICE) == 0
    CAP_CHOWN, CAP_KILL = 0, 5
    p = probe(user=65534, inheritable_caps=[CAP_CHOWN, CAP_KILL])
    assert int(p["capinh"], 16) == 1 << CAP_CHOWN | 1 << CAP_KILL
    assert int(p["capprm"], 16) == 0


def test_namespaces_and_maps(probe):
    if not userns_ok():
        pytest.skip("no user namespaces here")
    mine = parse(forkexec.run([PROBE], capture_output=True).stdout)
    p = probe(map_root_user=True, namespaces=["user", "uts", "ipc", "net", "mount", "pid"])
    for ns in ("user", "uts", "ipc", "net", "mnt", "pid"):
        assert p["ns." + ns] != mine["ns." + ns], ns
    assert p["uid_map"] == "0 %d 1" % os.geteuid()
    assert p["setgroups"] == "deny"
    p = probe(uid_map=[(0, os.geteuid(), 1)], gid_map=[(0, os.getegid(), 1)],
              setgroups="deny")
    assert p["uid_map"] == "0 %d 1" % os.geteuid() and p["gid_map"] == "0 %d 1" % os.getegid()
    p = probe(namespaces=0)
    assert p["ns.user"] == mine["ns.user"]


def cgroup2_dir():
    """Where this process's cgroup v2 is, from /proc/self/mountinfo and
    /proc/self/cgroup, or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields, _, rest = line.partition(" - ")
            if rest.startswith("cgroup2 "):
                root, mnt = fields.split()[3:5]
                break
        else:
            return None
    with open("/proc/self/cgroup") as f:
        mine = [x[3:] for x in f.read().splitlines() if x.startswith("0::")]
    if not mine or not mine[0].startswith(root):
        return None
    return mnt + mine[0][len(root):].rstrip("/")


def test_cgroup(probe, tmp_path):
    # A directory that is no cgroup: the spawn fails at the cgroup step,
    # naming it, and leaves nothing behind.
    if ROOT or os.path.isdir(tmp_path):
        with pytest.raises(forkexec.SpawnError) as info:
            probe(cgroup=str(tmp_path))
        assert info.value.step == "cgroup" and info.value.subject == str(tmp_path)
    base = cgroup2_dir()
    if not ROOT or base is None:
        pytest.skip("needs root and a cgroup v2 hierarchy (none mounted here)")
    path = os.path.join(base, "fxpy-test-%d" % os.getpid())
    try:
        os.mkdir(path)
    except OSError as e:
        pytest.skip("cannot make a cgroup here: %s" % e)
    try:
        p = probe(cgroup=path)
        assert p["cgroup"].endswith("/fxpy-test-%d" % os.getpid())
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            p = probe(cgroup=fd)
            assert p["cgroup"].endswith("/fxpy-test-%d" % os.getpid())
        finally:
            os.close(fd)
    finally:
        os.rmdir(path)


def test_backend_fork(probe):
    p = probe(backend="fork")
    assert p["ppid"] == str(os.getpid())
    p = probe(backend="clone")
    assert p["ppid"] == str(os.getpid())
