# SPDX-License-Identifier: MIT
"""Check 3 of tests/dropin/run.sh: CPython's os.posix_spawn, os.posix_spawnp
and subprocess, run once with and once without the drop-in; run.sh compares
the two transcripts this prints byte for byte.

    python3 py_spawn.py PROBE WORKDIR

PROBE is tests/dropin/probe.c compiled; WORKDIR an empty directory (the
same path in both runs, so paths in the transcript are equal).  Nothing in
the transcript depends on a pid or on timing.
"""
import errno
import os
import signal
import subprocess
import sys

PROBE, WORK = sys.argv[1], sys.argv[2]
os.chdir(WORK)
ENV = {"PATH": os.path.join(WORK, "bin") + ":/usr/bin:/bin", "PROBE_WORK": WORK,
       "PROBE_X": "x-value"}
SPAWN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def out(*a):
    print(*a, flush=True)


def show_file(path):
    with open(path) as f:
        for line in f:
            out("  | " + line.rstrip("\n"))


def wait(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def fds():
    return sorted(int(x) for x in os.listdir("/proc/self/fd"))


def case(name, fn):
    """Runs fn, reports its result or the exception it raised, and that no
    descriptor leaked in the parent."""
    before = fds()
    out("== " + name)
    try:
        fn()
    except OSError as e:
        out("  raised %s errno=%s (%s) filename=%r" % (
            type(e).__name__, errno.errorcode.get(e.errno, e.errno), e.strerror,
            e.filename))
    after = fds()
    if after != before:
        out("  FD LEAK: before %s after %s" % (before, after))


def spawn_to_file(name, fn_spawn, path, argv, outfile, **kw):
    def run():
        fa = [(os.POSIX_SPAWN_OPEN, 1, outfile, SPAWN_FLAGS, 0o644),
              (os.POSIX_SPAWN_DUP2, 1, 2),
              (os.POSIX_SPAWN_CLOSE, 0)] + kw.pop("extra_fa", [])
        pid = fn_spawn(path, argv, ENV, file_actions=fa, **kw)
        out("  exit code %d" % wait(pid))
        show_file(outfile)
    case(name, run)


def main():
    os.mkdir("bin")
    os.symlink(PROBE, "bin/probe-in-path")
    for script in ("noshebang", "bin/noshebang"):
        with open(script, "w") as f:
            f.write("echo from a script without #!\n")
        os.chmod(script, 0o755)
    with open("notexec", "w") as f:
        f.write("#!/bin/sh\necho never\n")
    os.chmod("notexec", 0o644)

    # A signal ignored in the parent stays ignored in the child unless it
    # is in setsigdef; a blocked one stays blocked unless setsigmask says.
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGWINCH})

    spawn_to_file("posix_spawn, open/dup2/close actions, defaults", os.posix_spawn,
                  PROBE, ["probe", "--exit", "3", "--env", "PROBE_X"], "out1.txt")
    spawn_to_file("posix_spawn setpgroup=0 setsigmask setsigdef", os.posix_spawn,
                  PROBE, ["probe", "a b", ""], "out2.txt", setpgroup=0,
                  setsigmask={signal.SIGUSR1, signal.SIGTERM},
                  setsigdef={signal.SIGUSR2})
    spawn_to_file("posix_spawn setsid", os.posix_spawn, PROBE, ["probe"], "out3.txt",
                  setsid=True)
    spawn_to_file("posix_spawn resetids", os.posix_spawn, PROBE, ["probe"], "out4.txt",
                  resetids=True)
    # glibc's posix_spawnattr_setschedpolicy accepts SCHED_OTHER, SCHED_FIFO
    # and SCHED_RR only (SCHED_BATCH and SCHED_IDLE are the drop-in's
    # documented extension, checked apart by run.sh).  SCHED_FIFO needs
    # CAP_SYS_NICE: without it both ways fail alike with EPERM.
    spawn_to_file("posix_spawn scheduler=SCHED_OTHER", os.posix_spawn, PROBE,
                  ["probe"], "out5.txt", scheduler=(os.SCHED_OTHER, os.sched_param(0)))
    spawn_to_file("posix_spawn scheduler=SCHED_FIFO/1 setpgroup",
                  os.posix_spawn, PROBE, ["probe"], "out6.txt",
                  scheduler=(os.SCHED_FIFO, os.sched_param(1)), setpgroup=0)
    spawn_to_file("posix_spawn setsid and setpgroup=0 (EPERM: a session leader)",
                  os.posix_spawn, PROBE, ["probe"], "out6b.txt", setsid=True, setpgroup=0)
    # posix_spawnp searches the caller's PATH, not the one in env.
    spawn_to_file("posix_spawnp, name only in env's PATH", os.posix_spawnp,
                  "probe-in-path", ["probe-in-path", "--env", "PATH"], "out7.txt")
    saved_path = os.environ["PATH"]
    os.environ["PATH"] = "/nonexistent-dir:" + os.path.join(WORK, "bin") + ":/usr/bin:/bin"
    spawn_to_file("posix_spawnp, name in the caller's PATH", os.posix_spawnp,
                  "probe-in-path", ["probe-in-path", "--env", "PATH"], "out7b.txt")
    spawn_to_file("posix_spawn, dup2 of an fd onto itself keeps it open",
                  os.posix_spawn, PROBE, ["probe"], "out8.txt",
                  extra_fa=[(os.POSIX_SPAWN_OPEN, 7, "/dev/null", os.O_RDONLY, 0),
                            (os.POSIX_SPAWN_DUP2, 7, 7),
                            (os.POSIX_SPAWN_CLOSE, 42)])

    def stdin_pipe():
        r, w = os.pipe()
        pid = os.posix_spawn(PROBE, ["probe", "--stdin"], ENV, file_actions=[
            (os.POSIX_SPAWN_DUP2, r, 0), (os.POSIX_SPAWN_CLOSE, r),
            (os.POSIX_SPAWN_CLOSE, w),
            (os.POSIX_SPAWN_OPEN, 1, "out9.txt", SPAWN_FLAGS, 0o600),
            (os.POSIX_SPAWN_DUP2, 1, 2)])
        os.close(r)
        os.write(w, b"through a pipe\n")
        os.close(w)
        out("  exit code %d" % wait(pid))
        show_file("out9.txt")
    case("posix_spawn, stdin from a pipe", stdin_pipe)

    # Failures: the exception, its errno and filename must be the same.
    def fail(path, fa=None, fn=os.posix_spawn, argv=None):
        def run():
            pid = fn(path, argv or ["x"], ENV, file_actions=fa or [])
            out("  UNEXPECTED: spawned, exit code %d" % wait(pid))
        return run
    case("posix_spawn of a nonexistent path", fail("/nonexistent/dir/prog"))
    case("posix_spawnp of a nonexistent name", fail("nosuchtool-xyz", fn=os.posix_spawnp))
    case("posix_spawn of a file without x permission", fail(os.path.join(WORK, "notexec")))
    case("posix_spawn of a directory", fail(WORK))
    case("posix_spawn of a script without #! (ENOEXEC, no sh fallback)",
         fail(os.path.join(WORK, "noshebang")))
    case("posix_spawnp of a script without #! found in PATH",
         fail("noshebang", fn=os.posix_spawnp, argv=["noshebang"]))
    os.environ["PATH"] = saved_path
    case("open action in a nonexistent directory",
         fail(PROBE, [(os.POSIX_SPAWN_OPEN, 1, "/nonexistent-dir/out", SPAWN_FLAGS, 0o644)]))
    case("open action O_RDONLY of a missing file",
         fail(PROBE, [(os.POSIX_SPAWN_OPEN, 0, "missing.txt", os.O_RDONLY, 0)]))
    case("dup2 action from a closed fd", fail(PROBE, [(os.POSIX_SPAWN_DUP2, 250, 1)]))

    # subprocess: with an executable that has a directory part and
    # close_fds=False (and nothing else that needs fork), CPython 3.11 uses
    # os.posix_spawn; the wrapper below proves that it did.
    calls = []
    real = os.posix_spawn

    def counting(*a, **kw):
        calls.append(a[0])
        return real(*a, **kw)
    os.posix_spawn = counting
    try:
        def sp_run():
            r = subprocess.run([PROBE, "--stdin", "--exit", "5", "--env", "PROBE_X"],
                               close_fds=False, capture_output=True, env=ENV,
                               input=b"subprocess input\n")
            out("  returncode %d, stderr %r" % (r.returncode, r.stderr))
            for line in r.stdout.decode().splitlines():
                out("  | " + line)
        case("subprocess.run(close_fds=False, capture_output=True)", sp_run)

        def sp_shell():
            r = subprocess.run("echo out; echo err >&2; exit 4", shell=True,
                               executable="/bin/sh", close_fds=False,
                               capture_output=True)
            out("  returncode %d stdout %r stderr %r" % (r.returncode, r.stdout, r.stderr))
        case("subprocess.run(shell=True, executable=/bin/sh, close_fds=False)", sp_shell)

        def sp_missing():
            subprocess.run(["/nonexistent/dir/prog"], close_fds=False, capture_output=True)
        case("subprocess.run of a nonexistent path, close_fds=False", sp_missing)

        def sp_noexec():
            subprocess.run([os.path.join(WORK, "notexec")], close_fds=False)
        case("subprocess.run of a file without x permission, close_fds=False", sp_noexec)

        def sp_check_output():
            o = subprocess.check_output(["/bin/sh", "-c", "echo $PROBE_X; ls /proc/self/fd | wc -l"],
                                        close_fds=False, env=ENV, stderr=subprocess.DEVNULL)
            out("  output %r" % o)
        case("subprocess.check_output(close_fds=False)", sp_check_output)
    finally:
        os.posix_spawn = real
    out("subprocess used os.posix_spawn %d times (for %s)" % (
        len(calls), ", ".join(sorted(set(os.path.basename(c) for c in calls)))))


main()
