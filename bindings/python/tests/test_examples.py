# SPDX-License-Identifier: MIT
"""The examples run and say what they promise."""
import os
import sys

import forkexec

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")


def test_sandboxed_build():
    script = os.path.join(EXAMPLES, "sandboxed_build.py")
    r = forkexec.run([sys.executable, script, "sh", "-c", "echo hello; exit 3"],
                     capture_output=True, text=True)
    assert r.returncode == 3 and r.stdout == "hello\n"
    assert r.stderr.endswith("exit status 3\n")
    r = forkexec.run([sys.executable, script, "/nope"], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr == 'cannot start it: exec "/nope": No such file or directory (step exec)\n'
