/* SPDX-License-Identifier: MIT */
/* riscv64 system call convention: number in a7, arguments in a0..a5,
 * `ecall`, result in a0; every other register survives. */
#ifndef FX_SYS_RISCV64_SYSCALL_ARCH_H
#define FX_SYS_RISCV64_SYSCALL_ARCH_H

#define FX__ECALL_IN_REGS                       \
	register long a7 __asm__("a7") = n;     \
	register long a0 __asm__("a0") = a

static inline long fx__syscall0(long n)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0");
	__asm__ __volatile__("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long fx__syscall1(long n, long a)
{
	FX__ECALL_IN_REGS;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long fx__syscall2(long n, long a, long b)
{
	FX__ECALL_IN_REGS;
	register long a1 __asm__("a1") = b;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1) : "memory");
	return a0;
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	FX__ECALL_IN_REGS;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	FX__ECALL_IN_REGS;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3)
	                     : "memory");
	return a0;
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	FX__ECALL_IN_REGS;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	__asm__ __volatile__("ecall" : "+r"(a0)
	                     : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4)
	                     : "memory");
	return a0;
}

#endif
