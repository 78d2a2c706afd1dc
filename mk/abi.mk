# SPDX-License-Identifier: MIT
# The ABI and the public headers (tests/scripts/abi-test.sh, tests/scripts/headers-test.sh):
#
#   check-abi      the symbols libforkexec.so exports = the functions the
#                  public headers declare = src/forkexec.map, node by node
#                  = debian/libforkexec1.symbols; the newest node is
#                  FORKEXEC_MAJOR.MINOR and the soname follows the major
#   check-headers  each public header alone and all together compile with
#                  -Wall -Wextra -pedantic -Werror as C99, C11, C17 (gcc,
#                  clang) and C++11 (g++, clang++), every function by its C name

.PHONY: check-abi check-headers

check-abi: $(SHARED_LIB)
	tests/scripts/abi-test.sh $(BUILD)

check-headers:
	tests/scripts/headers-test.sh
