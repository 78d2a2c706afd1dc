#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make check-python: a venv in BUILD (Debian's python3, with the system's
# site packages, so setuptools and pytest come from Debian, offline), the
# module installed into it from the tree, then pytest.  Without
# python3-venv, pytest or Python.h it says so in one line and skips,
# unless FX_REQUIRE_TOOLS=1 or CI=true, where that is a failure.
#
#   bindings/python/check.sh BUILD [pytest args...]
#   bindings/python/check.sh BUILD --install-only   (the venv, for the bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
python=${FX_PYTHON:-/usr/bin/python3}
venv=$build/python-venv

missing=
"$python" -c 'import ensurepip, venv' 2>/dev/null || missing=" python3-venv"
"$python" -c 'import pytest' 2>/dev/null || missing="$missing python3-pytest"
"$python" -c 'import setuptools' 2>/dev/null || missing="$missing python3-setuptools"
inc=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null || true)
[ -e "$inc/Python.h" ] || missing="$missing python3-dev"
if [ -n "$missing" ]; then
	if [ "${FX_REQUIRE_TOOLS:-0}" = 1 ] || [ "${CI:-}" = true ]; then
		echo "check-python: FAIL: missing:$missing (.ci/install-deps installs them)"
		exit 1
	fi
	echo "check-python: SKIP: missing:$missing"
	exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
	"$python" -m venv --system-site-packages "$venv"
fi
# No index, no isolation: everything comes from this machine.  The
# setuptools cache in the tree goes first: it decides what to rebuild by
# file times, and once installed a stale extension.
rm -rf bindings/python/build
"$venv/bin/python" -m pip install -q --no-build-isolation --no-index --no-deps \
	--force-reinstall ./bindings/python
if [ "${1:-}" = --install-only ]; then
	exit 0
fi
# Run from outside the tree, so that the installed module is the one tested.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
(cd "$build" && FX_BUILD="$PWD" "$PWD/python-venv/bin/python" -m pytest -p no:cacheprovider \
	-q -rs "$OLDPWD/bindings/python/tests" "$@") 2>&1 | tee "$log" || status=$?
# The suite runners' closing line (.ci/run sums them), from pytest's.
last=$(grep -E '[0-9]+ (passed|failed|error|skipped)' "$log" | tail -n1 || true)
count() { echo "$last" | grep -oE "[0-9]+ $1" | awk '{ n += $1 } END { print n + 0 }'; }
echo "$(count passed) passed, $(($(count failed) + $(count 'errors?'))) failed, $(count skipped) skipped"
exit "$status"
