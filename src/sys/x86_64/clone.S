/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for x86_64.  The child must not return into the C
 * frame of the parent (it runs on another stack, in the same memory), so
 * it calls fn(arg) from here and ends with the exit system call.
 */
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, @function
fx__clone3_run:
	mov %rdx, %r8		/* fn: r8 and r9 survive the system call */
	mov %rcx, %r9		/* arg */
	mov $435, %eax		/* SYS_clone3 */
	syscall
	test %rax, %rax
	jnz 1f
	/* child: the kernel set rsp to the top of our stack */
	xor %ebp, %ebp
	mov %r9, %rdi
	call *%r8
	mov %eax, %edi
	mov $60, %eax		/* SYS_exit */
	syscall
	hlt
1:	ret
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg) */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, @function
fx__clone_run:
	and $-16, %rsi
	sub $16, %rsi
	mov %rcx, (%rsi)	/* fn and arg wait on the child's stack */
	mov %r8, 8(%rsi)
	xor %r10d, %r10d	/* child_tid */
	xor %r8d, %r8d		/* tls */
	mov $56, %eax		/* SYS_clone */
	syscall
	test %rax, %rax
	jnz 1f
	xor %ebp, %ebp
	pop %rax
	pop %rdi
	call *%rax
	mov %eax, %edi
	mov $60, %eax
	syscall
	hlt
1:	ret
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",@progbits
