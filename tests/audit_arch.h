/* SPDX-License-Identifier: MIT */
/*
 * FXT_AUDIT_ARCH: the AUDIT_ARCH_ value of the architecture the tests are
 * built for, which a seccomp program checks first (a system call of a
 * foreign architecture has other numbers).  Undefined where the tests
 * have no seccomp program (the tests that need one skip there).
 */
#ifndef FXT_AUDIT_ARCH_H
#define FXT_AUDIT_ARCH_H

#include <linux/audit.h>

#if defined(__x86_64__)
#define FXT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FXT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define FXT_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__arm__)
#define FXT_AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FXT_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__riscv) && __riscv_xlen == 64
#define FXT_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__s390x__)
#define FXT_AUDIT_ARCH AUDIT_ARCH_S390X
#endif

#endif
