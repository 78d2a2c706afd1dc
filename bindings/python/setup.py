# SPDX-License-Identifier: MIT
"""Builds forkexec._forkexec against libforkexec's static library.

The library comes from the repository's own Makefile (`make
build/libforkexec.a`: every object is -fPIC, and the child's object gets
the flags the Makefile alone knows), run in the tree two levels up when
building from a checkout.  An sdist carries a copy of the library's
sources under libforkexec/ (make_release_tree below), so that `python3 -m
build`, which builds the wheel from the sdist, works too.  FORKEXEC_ROOT
names another tree.
"""
import os
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
# What the library's build needs from the tree.
LIB_FILES = ["Makefile", "src", "include"]


def lib_root():
    for root in (os.environ.get("FORKEXEC_ROOT"), os.path.join(HERE, "..", ".."),
                 os.path.join(HERE, "libforkexec")):
        if root and os.path.exists(os.path.join(root, "include", "forkexec.h")):
            return os.path.abspath(root)
    raise SystemExit("forkexec: libforkexec's sources not found "
                     "(build from the repository, or set FORKEXEC_ROOT)")


class BuildExt(build_ext):
    def run(self):
        root = lib_root()
        make = os.environ.get("MAKE", "make")
        subprocess.check_call([make, "-C", root, "-j2", "build/libforkexec.a"])
        for ext in self.extensions:
            ext.include_dirs.append(os.path.join(root, "include"))
            ext.extra_objects.append(os.path.join(root, "build", "libforkexec.a"))
            ext.depends.append(os.path.join(root, "build", "libforkexec.a"))
        super().run()


class SDist(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        root = lib_root()
        dest = os.path.join(base_dir, "libforkexec")
        for name in LIB_FILES:
            src = os.path.join(root, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(dest, name))
            else:
                os.makedirs(dest, exist_ok=True)
                shutil.copy2(src, os.path.join(dest, name))


ext = Extension(
    "forkexec._forkexec",
    sources=["src/forkexec/module.c", "src/forkexec/attrs.c", "src/forkexec/attrs_sandbox.c",
             "src/forkexec/proc.c"],
    depends=["src/forkexec/fxpy.h", "src/forkexec/attrs.h"],
    define_macros=[("Py_LIMITED_API", "0x03090000"), ("_GNU_SOURCE", None)],
    extra_compile_args=["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
    py_limited_api=True,
)

setup(
    ext_modules=[ext],
    cmdclass={"build_ext": BuildExt, "sdist": SDist},
    options={"bdist_wheel": {"py_limited_api": "cp39"}},
)
