# SPDX-License-Identifier: MIT
"""The drop-in table: subprocess calls run through subprocess and through
forkexec, compared on returncode, stdout, stderr and the exception's
type (and for CalledProcessError its returncode and output)."""
import os
import subprocess
import sys

import pytest

import forkexec

PY = sys.executable

# (function name, args, keywords)
TABLE = [
    ("run", ["true"], {}),
    ("run", ["false"], {}),
    ("run", "true", {}),
    ("run", ["sh", "-c", "echo out; echo err >&2; exit 3"], dict(capture_output=True)),
    ("run", ["sh", "-c", "echo out; echo err >&2"], dict(stdout=subprocess.PIPE)),
    ("run", ["sh", "-c", "echo out; echo err >&2"], dict(stderr=subprocess.PIPE)),
    ("run", ["sh", "-c", "echo out; echo err >&2"],
     dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT)),
    ("run", ["sh", "-c", "echo out; echo err >&2"],
     dict(stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)),
    ("run", ["cat"], dict(input=b"bytes in", capture_output=True)),
    ("run", ["cat"], dict(input="text in\r\n", capture_output=True, text=True)),
    ("run", ["cat"], dict(input="t", capture_output=True, universal_newlines=True)),
    ("run", ["printf", "\\351"], dict(capture_output=True, encoding="latin-1")),
    ("run", ["printf", "\\377"], dict(capture_output=True, text=True, errors="replace")),
    ("run", ["cat"], dict(stdin=subprocess.DEVNULL, capture_output=True)),
    ("run", ["sh", "-c", "exit 2"], dict(check=True)),
    ("run", ["sh", "-c", "echo partial; exit 2"], dict(check=True, capture_output=True)),
    ("run", ["sh", "-c", "kill -9 $$"], dict()),
    ("run", ["sleep", "10"], dict(timeout=0.2)),
    ("run", ["sh", "-c", "echo $X"], dict(env={"X": "y"}, capture_output=True)),
    ("run", ["pwd"], dict(cwd="/tmp", capture_output=True)),
    ("run", ["pwd"], dict(cwd=b"/usr", capture_output=True)),
    ("run", ["sh", "-c", "umask"], dict(umask=0o22, capture_output=True)),
    ("run", ["x", "-c", "echo $0"], dict(executable="/bin/sh", capture_output=True)),
    ("run", "echo $((6*7)) && exit 4", dict(shell=True, capture_output=True)),
    ("run", ["sh", "-c", "[ \"$(ps -o sid= -p $$ | tr -d ' ')\" = $$ ] && echo leader"],
     dict(start_new_session=True, capture_output=True)),
    ("run", ["true"], dict(cwd="/nope")),
    ("run", ["/nonexistent"], {}),
    ("run", ["no-such-program-fx"], {}),
    ("run", ["/etc/passwd"], {}),
    ("run", ["true"], dict(capture_output=True, stdout=subprocess.PIPE)),
    ("run", ["true"], dict(input=b"", stdin=subprocess.PIPE)),
    ("run", [PY, "-c", "import signal; print(signal.getsignal(signal.SIGPIPE))"],
     dict(capture_output=True)),
    ("run", [PY, "-c", "import signal; print(signal.getsignal(signal.SIGPIPE))"],
     dict(capture_output=True, restore_signals=False)),
    ("run", ["sh", "-c", "yes | head -c 3"], dict(capture_output=True)),
    ("check_output", ["echo", "hi"], {}),
    ("check_output", ["cat"], dict(input=b"x")),
    ("check_output", ["cat"], dict(input=None, text=True)),
    ("check_output", ["sh", "-c", "echo o; exit 1"], {}),
    ("check_output", ["sh", "-c", "echo o; echo e >&2"], dict(stderr=subprocess.STDOUT)),
    ("check_output", ["echo"], dict(stdout=subprocess.PIPE)),
    ("call", ["sh", "-c", "exit 9"], {}),
    ("call", ["sleep", "10"], dict(timeout=0.2)),
    ("check_call", ["true"], {}),
    ("check_call", ["false"], {}),
]


def outcome(module, name, args, kw):
    try:
        r = getattr(module, name)(args, **kw)
    except subprocess.CalledProcessError as e:
        return ("CalledProcessError", e.returncode, e.output, e.stderr)
    except subprocess.TimeoutExpired as e:
        # call() reports the time left, a hair under the timeout.
        return ("TimeoutExpired", round(e.timeout, 1), e.output, e.stderr)
    except OSError as e:
        # subprocess's OSError, forkexec's SpawnError subclass of it:
        # compare the builtin class below it and the errno.
        builtin = [c for c in type(e).__mro__ if c.__module__ == "builtins"][0]
        return (builtin.__name__, e.errno)
    except Exception as e:  # noqa: B902 (ValueError, TypeError, ...)
        return (type(e).__name__,)
    if isinstance(r, subprocess.CompletedProcess):
        return ("CompletedProcess", r.returncode, r.stdout, r.stderr)
    return ("value", r)


@pytest.mark.parametrize("name,args,kw", TABLE, ids=[str(i) for i in range(len(TABLE))])
def test_same_as_subprocess(name, args, kw):
    want = outcome(subprocess, name, args, kw)
    got = outcome(forkexec, name, args, kw)
    assert got == want
