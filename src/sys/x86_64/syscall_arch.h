/* SPDX-License-Identifier: MIT */
/* x86_64 system call convention: number in rax, arguments in rdi, rsi,
 * rdx, r10, r8, r9; the kernel clobbers rcx and r11. */
#ifndef FX_SYS_X86_64_SYSCALL_ARCH_H
#define FX_SYS_X86_64_SYSCALL_ARCH_H

static inline long fx__syscall0(long n)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}

static inline long fx__syscall1(long n, long a)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n), "D"(a)
	                     : "rcx", "r11", "memory");
	return ret;
}

static inline long fx__syscall2(long n, long a, long b)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b)
	                     : "rcx", "r11", "memory");
	return ret;
}

static inline long fx__syscall3(long n, long a, long b, long c)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c)
	                     : "rcx", "r11", "memory");
	return ret;
}

static inline long fx__syscall4(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
	                     : "rcx", "r11", "memory");
	return ret;
}

static inline long fx__syscall5(long n, long a, long b, long c, long d, long e)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	__asm__ __volatile__("syscall" : "=a"(ret)
	                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
	                     : "rcx", "r11", "memory");
	return ret;
}

#endif
