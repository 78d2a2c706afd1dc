/* SPDX-License-Identifier: MIT */
/*
 * The fallback for an architecture without stubs of its own: every call
 * goes through libc's syscall(2), which sets errno.  That is a libc call
 * and a write to thread-local storage, which a child sharing the
 * parent's memory must never make: so this build has no clone backend
 * (fx_attr_set_backend refuses it with -ENOTSUP, and the default is the
 * fork backend, whose child has memory of its own).  errno is saved and
 * restored around each call, so that the parent's calls leave it as the
 * caller had it.
 */
#ifndef FX_SYS_GENERIC_SYSCALL_ARCH_H
#define FX_SYS_GENERIC_SYSCALL_ARCH_H

#include <unistd.h>

#define FX__NO_CLONE_BACKEND 1

static inline long fx__syscall_generic(long n, long a, long b, long c, long d, long e)
{
	int saved = errno;
	long ret = syscall(n, a, b, c, d, e);

	if (ret == -1)
		ret = -errno;
	errno = saved;
	return ret;
}

static inline long fx__syscall0(long n)
{
	return fx__syscall_generic(n, 0, 0, 0, 0, 0);
}

static inline long fx__syscall1(long n, long a)
{
	return fx__syscall_generic(n, a, 0, 0, 0, 0);
}

static inline long fx__syscall2(long n, long a, long b)
{
	return fx__syscall_generic(n, a, b, 0, 0, 0);
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	return fx__syscall_generic(n, a, b, c, 0, 0);
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	return fx__syscall_generic(n, a, b, c, d, 0);
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	return fx__syscall_generic(n, a, b, c, d, e);
}

#endif
