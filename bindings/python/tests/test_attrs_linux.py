# SPDX-License-Identifier: MIT
"""The keywords of the library's newer attributes (nice_adjust, ioprio,
securebits, time_offsets, mount_proc, sched_deadline) and of its sandbox
(mounts, hostname, landlock, seccomp_deny/seccomp_allow, join), checked
by what the probe (build/fxprobe) reports from inside the child.  What
needs something of the host (root, user namespaces, a time namespace,
Landlock) is looked for at run time; a refused value raises before any
child exists."""
import errno
import os
import signal
import time

import pytest

import forkexec
from conftest import BUILD, PROBE, parse, userns_ok

ROOT = os.geteuid() == 0


def privileged_ns(*kinds):
    """Keywords for new namespaces of these kinds: as root, just those;
    otherwise inside a user namespace where the caller is root, or a
    skip when this host has none."""
    if ROOT:
        return dict(namespaces=list(kinds))
    if not userns_ok():
        pytest.skip("needs root or user namespaces (none here)")
    return dict(namespaces=["user", *kinds], map_root_user=True)


def mine():
    return parse(forkexec.run([PROBE], capture_output=True).stdout)


def test_nice_adjust(probe):
    # The spawning thread's value plus the adjustment, clamped to -20..19.
    here = os.getpriority(os.PRIO_PROCESS, 0)
    assert probe(nice_adjust=3)["nice"] == str(min(19, here + 3))
    assert probe(nice_adjust=100)["nice"] == "19"
    assert probe(nice=None, nice_adjust=0)["nice"] == str(here)
    if ROOT:
        assert probe(nice_adjust=-100)["nice"] == "-20"
    with pytest.raises(ValueError, match="nice and nice_adjust"):
        probe(nice=1, nice_adjust=1)


def test_ioprio(probe):
    assert probe(ioprio=("idle", 7))["ioprio"] == "3:7"
    assert probe(ioprio=(forkexec.IOPRIO_CLASS_BE, 4))["ioprio"] == "2:4"
    assert probe(ioprio=["be", 0])["ioprio"] == "2:0"
    if not ROOT:
        pytest.skip("the realtime class needs root (CAP_SYS_ADMIN or CAP_SYS_NICE)")
    assert probe(ioprio=("rt", 1))["ioprio"] == "1:1"


def test_securebits(probe):
    if not ROOT:
        pytest.skip("needs root (CAP_SETPCAP)")
    # SECBIT_NOROOT | SECBIT_NO_SETUID_FIXUP: bits that execve keeps.
    assert probe(securebits=0x5)["securebits"] == "5"
    assert probe()["securebits"] == "0"


def test_time_offsets(probe):
    if not os.path.exists("/proc/self/ns/time"):
        pytest.skip("this kernel has no time namespaces")
    ns = privileged_ns("mount")
    offsets = {time.CLOCK_MONOTONIC: 1000000, time.CLOCK_BOOTTIME: 2000000.5}
    # The namespaces keyword comes after time_offsets in the call: the
    # time namespace it adds must survive it.
    lo = {c: time.clock_gettime(c) for c in offsets}
    p = probe("--clocks", time_offsets=offsets, **ns)
    hi = {c: time.clock_gettime(c) for c in offsets}
    for c, key in ((time.CLOCK_MONOTONIC, "clock.monotonic"),
                   (time.CLOCK_BOOTTIME, "clock.boottime")):
        seen = int(p[key])
        assert int(lo[c] + offsets[c]) <= seen <= int(hi[c] + offsets[c]), (key, seen)
    assert p["ns.time"] != mine()["ns.time"]


def test_mount_proc(probe):
    ns = privileged_ns("pid")
    # mount_proc before namespaces in the call: its mount namespace must
    # survive the namespaces keyword, so the host's /proc stays as it is.
    p = probe("--try-ls=/proc", mount_proc="/proc", **ns)
    pids = [x for x in p["try.ls"].split(",") if x.isdigit()]
    assert pids == ["1"], p["try.ls"]
    assert p["ns.mnt"] != mine()["ns.mnt"]
    assert str(os.getpid()) in os.listdir("/proc")


def test_sched_deadline(probe):
    if not ROOT:
        pytest.skip("needs root (CAP_SYS_NICE)")
    try:
        p = probe(sched_deadline=(10000000, 100000000, 0))
    except forkexec.SpawnError as e:
        if e.step == "sched" and e.errno in (errno.EBUSY, errno.EPERM):
            pytest.skip("the kernel refused SCHED_DEADLINE here: %s" % e)
        raise
    SCHED_DEADLINE = 6
    assert p["sched.policy"] == str(SCHED_DEADLINE)
    with pytest.raises(ValueError, match="sched and sched_deadline"):
        probe(sched=(os.SCHED_BATCH, 0), sched_deadline=(10000000, 100000000, 0))


def test_mounts(probe):
    ns = privileged_ns("mount")
    view = [("ro-bind", BUILD, "/b"), ("tmpfs", None, "/t"), ("dir", None, "/d"),
            ("symlink", "b/fxprobe", "/p"), ("tmpfs", None, "/s", 1 << 20, 0o700)]
    # Run through the symlink: the new root has only what the view put there.
    r = forkexec.run(["/p", "--try-ls=/"], capture_output=True, mounts=view, **ns)
    assert r.returncode == 0, r
    assert parse(r.stdout)["try.ls"] == "b,d,p,s,t"
    r = forkexec.run(["/b/fxprobe", "--try-create=/b/fxpy-ro"], capture_output=True,
                     mounts=view, **ns)
    assert parse(r.stdout)["try.create"] == str(errno.EROFS)
    assert not os.path.exists(os.path.join(BUILD, "fxpy-ro"))
    # The library requires the mount namespace: the spawn fails, naming it.
    with pytest.raises(forkexec.SpawnError) as info:
        forkexec.run(["/b/fxprobe"], mounts=view)
    assert info.value.step == "mount" and info.value.errno == errno.EINVAL


def test_hostname(probe):
    ns = privileged_ns("uts")
    assert probe(hostname="fxpy-test", **ns)["hostname"] == "fxpy-test"
    with pytest.raises(forkexec.SpawnError) as info:
        probe(hostname="fxpy-test")
    assert info.value.step == "mount" and info.value.errno == errno.EINVAL
    assert "uts" in str(info.value)


def landlock_probe(probe, *args, **kw):
    try:
        return probe(*args, **kw)
    except forkexec.SpawnError as e:
        if e.step == "landlock" and e.errno == errno.EOPNOTSUPP:
            pytest.skip("this kernel has no Landlock")
        raise


def test_landlock(probe, tmp_path):
    inside = tmp_path / "in"
    outside = tmp_path.parent / ("fxpy-landlock-%d" % os.getpid())
    rules = {"ro": ["/"], "rw": [str(tmp_path)]}
    try:
        p = landlock_probe(probe, "--try-create=%s" % inside, landlock=rules)
        assert p["try.create"] == "0" and inside.exists()
        p = landlock_probe(probe, "--try-create=%s" % outside, landlock=rules)
        assert p["try.create"] == str(errno.EACCES)
        assert not outside.exists()
    finally:
        if outside.exists():
            outside.unlink()
    # fs with no path rule: nothing is reachable, not even the program.
    with pytest.raises(PermissionError) as info:
        landlock_probe(probe, landlock={"fs": True})
    assert info.value.step == "exec"


def test_landlock_ports(probe):
    try:
        p = landlock_probe(probe, "--try-bind=40002",
                           landlock={"bind": [40001], "strict": True})
    except forkexec.SpawnError as e:
        if e.step == "landlock":
            pytest.skip("this kernel's Landlock cannot restrict ports: %s" % e)
        raise
    assert p["try.bind"] == str(errno.EACCES)


def test_seccomp_names(probe):
    p = probe("--try-syscall=uname", seccomp_deny=["uname"], no_new_privs=True)
    assert p["try.uname"] == str(errno.EPERM)
    p = probe("--try-syscall=getcwd", seccomp_deny=["uname"], no_new_privs=True)
    assert p["try.getcwd"] == "0"
    p = probe("--try-syscall=uname", seccomp_deny=(["uname"], errno.ENOSYS),
              no_new_privs=True)
    assert p["try.uname"] == str(errno.ENOSYS)
    # An allow list without what the probe needs: its first other call
    # kills it (execve is always let through, so the spawn succeeds).
    r = forkexec.run([PROBE], capture_output=True, no_new_privs=True,
                     seccomp_allow=(["getppid"], forkexec.SECCOMP_KILL))
    assert r.returncode == -signal.SIGSYS
    with pytest.raises(ValueError, match="seccomp_deny and seccomp_allow"):
        probe(seccomp_deny=["uname"], seccomp_allow=["uname"])


def test_join(probe):
    kinds = ["uts"] if ROOT else ["user", "uts"]
    holder_ns = privileged_ns("uts")
    holder = forkexec.spawn([PROBE, "--wait-stdin"], stdin=forkexec.PIPE,
                            stdout=forkexec.PIPE, hostname="fxpy-holder", **holder_ns)
    with holder:
        theirs = parse(holder.stdout.read())
        for target in (holder.pid, holder):
            p = probe(join=(target, kinds))
            assert p["hostname"] == "fxpy-holder"
            assert p["ns.uts"] == theirs["ns.uts"] != mine()["ns.uts"]
        holder.stdin.close()
        assert holder.wait() == 0
    # A Process already reaped has no pidfd: the library's EBADF.
    with pytest.raises(OSError) as info:
        probe(join=(holder, kinds))
    assert info.value.errno == errno.EBADF
    assert not isinstance(info.value, forkexec.SpawnError)


REFUSED = [
    # (keywords, exception class)
    (dict(nice_adjust="3"), TypeError),
    (dict(nice=1, nice_adjust=1), ValueError),
    (dict(ioprio=("rt", 8)), ValueError),
    (dict(ioprio=("none", 1)), ValueError),
    (dict(ioprio=("fast", 0)), ValueError),
    (dict(ioprio=5), ValueError),
    (dict(securebits=0x100), ValueError),
    (dict(time_offsets={time.CLOCK_REALTIME: 1}), ValueError),
    (dict(time_offsets={time.CLOCK_MONOTONIC: float("nan")}), ValueError),
    (dict(time_offsets={time.CLOCK_MONOTONIC: "1"}), TypeError),
    (dict(mount_proc=""), ValueError),
    (dict(sched_deadline=(100000, 50000, 0)), ValueError),
    (dict(sched_deadline=(-1, 50000, 0)), ValueError),
    (dict(sched=(0, 0), sched_deadline=(10000000, 100000000, 0)), ValueError),
    (dict(mounts=[("bind", "relative", "/x")]), ValueError),
    (dict(mounts=[("bogus", None, "/x")]), ValueError),
    (dict(mounts=[("tmpfs", "/src", "/x")]), ValueError),
    (dict(mounts=[("tmpfs", None, "/x", -1, 0o755)]), ValueError),
    (dict(mounts=[("dir", None, "/x", 1, 2)]), ValueError),
    (dict(mounts="/x"), TypeError),
    (dict(hostname="x" * 65), ValueError),
    (dict(landlock={"ro": [""]}), ValueError),
    (dict(landlock={"bind": [70000]}), ValueError),
    (dict(landlock={"rx": ["/"]}), ValueError),
    (dict(landlock={"ro": "/"}), TypeError),
    (dict(seccomp_deny=["no_such_call_fx"]), FileNotFoundError),
    (dict(seccomp_deny=(["uname"], 5000)), ValueError),
    (dict(seccomp_deny="uname"), TypeError),
    (dict(seccomp_deny=["uname"], seccomp_allow=["uname"]), ValueError),
    (dict(join=(0, ["uts"])), ValueError),
    (dict(join=(1, ["bogus"])), ValueError),
    (dict(join=(1,)), ValueError),
    (dict(join=(object(), ["uts"])), TypeError),
]


@pytest.mark.parametrize("kw,cls", REFUSED)
def test_refused_at_set_time(kw, cls, tmp_path):
    # A child that ran would leave the mark; the fixture checks that no
    # descriptor or child is left.
    mark = tmp_path / "ran"
    for start in (forkexec.run, forkexec.spawn):
        with pytest.raises(cls) as info:
            start(["/bin/sh", "-c", "echo > %s" % mark], **kw)
        assert not isinstance(info.value, forkexec.SpawnError)
        assert not mark.exists()


def test_keywords_documented():
    # Every keyword of the README's table is accepted (None: its
    # default), and named in run's docstring and the type stubs.
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "README.md")) as f:
        rows = [line for line in f if line.startswith("| `")]
    with open(os.path.join(here, "..", "src", "forkexec", "__init__.pyi")) as f:
        stubs = f.read()
    names = set()
    for row in rows:
        cell = row.split("|")[1]
        names.update(x.split("=")[0] for x in cell.split("`")[1::2])
    assert {"nice_adjust", "ioprio", "join", "landlock", "mounts"} <= names
    for name in sorted(names):
        forkexec.run(["true"], **{name: None})
        assert name in forkexec.run.__doc__, name
        assert "    %s:" % name in stubs, name
