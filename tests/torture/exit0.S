/* SPDX-License-Identifier: MIT */
/*
 * build/torture-true: the smallest program that exits 0, for the soak and
 * concurrency tortures, where the cost of the spawned program should be
 * the kernel's exec and exit alone (no dynamic loader, no libc start-up).
 * Built with -nostdlib -static; it makes one system call.
 */
	.text
	.globl _start
_start:
#if defined(__x86_64__)
	mov	$231, %eax	/* exit_group */
	xor	%edi, %edi
	syscall
#elif defined(__aarch64__)
	mov	x8, #94		/* exit_group */
	mov	x0, #0
	svc	#0
#else
#error "torture-true: no exit stub for this architecture"
#endif
	.section .note.GNU-stack,"",%progbits
