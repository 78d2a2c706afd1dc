/* SPDX-License-Identifier: MIT */
/*
 * The symbol versions glibc gives the posix_spawn family, per
 * architecture, which the drop-in (libforkexec-posix.so) gives its own
 * definitions so that a program linked against any glibc finds each
 * name at the version it asks for.  Included by posix_spawn.c and by
 * forkexec-posix.map.in (preprocessed into the drop-in's version
 * script, see mk/dropin.mk), so both read one table.
 *
 * FX_POSIX_ABI: which first version glibc has on this architecture
 * (from `objdump -T` of each libc.so.6):
 *   1  GLIBC_2.2.5  x86_64
 *   2  GLIBC_2.2    i386, s390x
 *   3  GLIBC_2.4    arm (EABI)
 *   4  GLIBC_2.17   aarch64, powerpc64le
 *   5  GLIBC_2.27   riscv64
 *   0  anything else: the drop-in's names stay unversioned.
 * Where the first version is older than 2.15, posix_spawn and
 * posix_spawnp exist twice: at that version with the old behaviour (a
 * file without #! run by /bin/sh; FX_POSIX_COMPAT_SPAWN) and at
 * GLIBC_2.15 as the default.  The later names are at the same versions
 * everywhere: the _np chdir actions 2.29, closefrom 2.34, tcsetpgrp
 * 2.35, pidfd_spawn and the cgroup attribute 2.39.  The POSIX.1-2024
 * addchdir/addfchdir, which glibc lacks, are at FORKEXEC_POSIX_0.
 */
#ifndef FX_POSIX_VERSIONS_H
#define FX_POSIX_VERSIONS_H

#if defined(__x86_64__) && !defined(__ILP32__)
#define FX_POSIX_ABI 1
#elif defined(__i386__) || defined(__s390x__)
#define FX_POSIX_ABI 2
#elif defined(__arm__) && defined(__ARM_EABI__)
#define FX_POSIX_ABI 3
#elif defined(__aarch64__) && !defined(__ILP32__)
#define FX_POSIX_ABI 4
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define FX_POSIX_ABI 4
#elif defined(__riscv) && __riscv_xlen == 64
#define FX_POSIX_ABI 5
#else
#define FX_POSIX_ABI 0
#endif

#if FX_POSIX_ABI == 1
#define FX_POSIX_BASE_VERSION "GLIBC_2.2.5"
#elif FX_POSIX_ABI == 2
#define FX_POSIX_BASE_VERSION "GLIBC_2.2"
#elif FX_POSIX_ABI == 3
#define FX_POSIX_BASE_VERSION "GLIBC_2.4"
#endif

#define FX_POSIX_COMPAT_SPAWN (FX_POSIX_ABI >= 1 && FX_POSIX_ABI <= 3)

#endif
