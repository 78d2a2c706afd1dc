/* SPDX-License-Identifier: MIT */
/* i386 system call convention: number in eax, arguments in ebx, ecx,
 * edx, esi, edi (ebp the sixth), `int $0x80`, result in eax; every other
 * register survives.  int $0x80 rather than the vDSO's entry point: the
 * child may not call into anything, and the vDSO is a call.  gcc >= 5
 * lets asm take ebx even in position-independent code. */
#ifndef FX_SYS_I386_SYSCALL_ARCH_H
#define FX_SYS_I386_SYSCALL_ARCH_H

static inline long fx__syscall0(long n)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(n) : "memory");
	return ret;
}

static inline long fx__syscall1(long n, long a)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(n), "b"(a) : "memory");
	return ret;
}

static inline long fx__syscall2(long n, long a, long b)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b) : "memory");
	return ret;
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c)
	                     : "memory");
	return ret;
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d)
	                     : "memory");
	return ret;
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret)
	                     : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
	                     : "memory");
	return ret;
}

#endif
