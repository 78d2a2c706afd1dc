#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make check-aarch64: the aarch64 build of the suite, under qemu-user
# (.ci/gate-cross.sh, which make check-cross runs for the other
# architectures).
#
#   .ci/gate-aarch64.sh A64_BUILD
exec bash "$(dirname "$0")/gate-cross.sh" aarch64 "${1:-build/aarch64}"
