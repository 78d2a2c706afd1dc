/* SPDX-License-Identifier: MIT */
/* s390x system call convention: number in r1 with `svc 0` (which also
 * serves numbers above 255, that `svc NR` cannot encode), arguments in
 * r2..r6, result in r2; every other register survives. */
#ifndef FX_SYS_S390X_SYSCALL_ARCH_H
#define FX_SYS_S390X_SYSCALL_ARCH_H

#define FX__SVC_IN_REGS                         \
	register long r1 __asm__("r1") = n;     \
	register long r2 __asm__("r2") = a

static inline long fx__syscall0(long n)
{
	register long r1 __asm__("r1") = n;
	register long r2 __asm__("r2");
	__asm__ __volatile__("svc 0" : "=r"(r2) : "r"(r1) : "memory");
	return r2;
}

static inline long fx__syscall1(long n, long a)
{
	FX__SVC_IN_REGS;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1) : "memory");
	return r2;
}

static inline long fx__syscall2(long n, long a, long b)
{
	FX__SVC_IN_REGS;
	register long r3 __asm__("r3") = b;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3) : "memory");
	return r2;
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	FX__SVC_IN_REGS;
	register long r3 __asm__("r3") = b;
	register long r4 __asm__("r4") = c;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4) : "memory");
	return r2;
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	FX__SVC_IN_REGS;
	register long r3 __asm__("r3") = b;
	register long r4 __asm__("r4") = c;
	register long r5 __asm__("r5") = d;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4), "r"(r5)
	                     : "memory");
	return r2;
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	FX__SVC_IN_REGS;
	register long r3 __asm__("r3") = b;
	register long r4 __asm__("r4") = c;
	register long r5 __asm__("r5") = d;
	register long r6 __asm__("r6") = e;
	__asm__ __volatile__("svc 0" : "+r"(r2)
	                     : "r"(r1), "r"(r3), "r"(r4), "r"(r5), "r"(r6)
	                     : "memory");
	return r2;
}

#endif
