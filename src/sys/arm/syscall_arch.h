/* SPDX-License-Identifier: MIT */
/* arm EABI system call convention: number in r7, arguments in r0..r5,
 * `svc 0`, result in r0; every other register survives.  In Thumb code
 * r7 is the frame pointer, which gcc will not hand to an asm operand, so
 * the number goes in through another register and r7 is put back after
 * the call. */
#ifndef FX_SYS_ARM_SYSCALL_ARCH_H
#define FX_SYS_ARM_SYSCALL_ARCH_H

#define FX__SVC(...)                                                       \
	do {                                                               \
		long fx_r7_;                                               \
		__asm__ __volatile__("mov %[save], r7\n\t"                 \
		                     "mov r7, %[nr]\n\t"                   \
		                     "svc 0\n\t"                           \
		                     "mov r7, %[save]"                     \
		                     : "+r"(r0), [save] "=&r"(fx_r7_)       \
		                     : [nr] "r"(n), ##__VA_ARGS__          \
		                     : "memory");                          \
		return r0;                                                 \
	} while (0)

static inline long fx__syscall0(long n)
{
	register long r0 __asm__("r0") = 0;
	FX__SVC();
}

static inline long fx__syscall1(long n, long a)
{
	register long r0 __asm__("r0") = a;
	FX__SVC();
}

static inline long fx__syscall2(long n, long a, long b)
{
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	FX__SVC("r"(r1));
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	FX__SVC("r"(r1), "r"(r2));
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d;
	FX__SVC("r"(r1), "r"(r2), "r"(r3));
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d;
	register long r4 __asm__("r4") = e;
	FX__SVC("r"(r1), "r"(r2), "r"(r3), "r"(r4));
}

#endif
