/* SPDX-License-Identifier: MIT */
/* powerpc64 system call convention: number in r0, arguments in r3..r8,
 * `sc`, result in r3.  On failure the kernel sets cr0's summary-overflow
 * bit and leaves a positive errno in r3: negated here, so the stubs
 * return -errno like every other architecture's.  The kernel may change
 * r0, r4..r12, ctr, xer and cr0 (Linux's powerpc syscall64-abi). */
#ifndef FX_SYS_POWERPC64LE_SYSCALL_ARCH_H
#define FX_SYS_POWERPC64LE_SYSCALL_ARCH_H

#define FX__SC                                                               \
	__asm__ __volatile__("sc\n\t"                                        \
	                     "bns+ 1f\n\t"                                   \
	                     "neg %1, %1\n"                                  \
	                     "1:"                                            \
	                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5),       \
	                       "+r"(r6), "+r"(r7)                            \
	                     :                                               \
	                     : "memory", "cr0", "ctr", "xer", "r8", "r9",    \
	                       "r10", "r11", "r12")

#define FX__SC_REGS(a, b, c, d, e)               \
	register long r0 __asm__("r0") = n;      \
	register long r3 __asm__("r3") = (a);    \
	register long r4 __asm__("r4") = (b);    \
	register long r5 __asm__("r5") = (c);    \
	register long r6 __asm__("r6") = (d);    \
	register long r7 __asm__("r7") = (e)

static inline long fx__syscall0(long n)
{
	FX__SC_REGS(0, 0, 0, 0, 0);
	FX__SC;
	return r3;
}

static inline long fx__syscall1(long n, long a)
{
	FX__SC_REGS(a, 0, 0, 0, 0);
	FX__SC;
	return r3;
}

static inline long fx__syscall2(long n, long a, long b)
{
	FX__SC_REGS(a, b, 0, 0, 0);
	FX__SC;
	return r3;
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	FX__SC_REGS(a, b, c, 0, 0);
	FX__SC;
	return r3;
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	FX__SC_REGS(a, b, c, d, 0);
	FX__SC;
	return r3;
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	FX__SC_REGS(a, b, c, d, e);
	FX__SC;
	return r3;
}

#endif
