/* SPDX-License-Identifier: MIT */
/* aarch64 system call convention: number in x8, arguments in x0..x5,
 * result in x0; every other register survives. */
#ifndef FX_SYS_AARCH64_SYSCALL_ARCH_H
#define FX_SYS_AARCH64_SYSCALL_ARCH_H

#define FX__SVC_IN_REGS                         \
	register long x8 __asm__("x8") = n;     \
	register long x0 __asm__("x0") = a

static inline long fx__syscall0(long n)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0");
	__asm__ __volatile__("svc 0" : "=r"(x0) : "r"(x8) : "memory", "cc");
	return x0;
}

static inline long fx__syscall1(long n, long a)
{
	FX__SVC_IN_REGS;
	__asm__ __volatile__("svc 0" : "+r"(x0) : "r"(x8) : "memory", "cc");
	return x0;
}

static inline long fx__syscall2(long n, long a, long b)
{
	FX__SVC_IN_REGS;
	register long x1 __asm__("x1") = b;
	__asm__ __volatile__("svc 0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory", "cc");
	return x0;
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	FX__SVC_IN_REGS;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ __volatile__("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory", "cc");
	return x0;
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	FX__SVC_IN_REGS;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ __volatile__("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
	                     : "memory", "cc");
	return x0;
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	FX__SVC_IN_REGS;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	__asm__ __volatile__("svc 0" : "+r"(x0)
	                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
	                     : "memory", "cc");
	return x0;
}

#endif
