/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for aarch64.  The child must not return into the C
 * frame of the parent (it runs on another stack, in the same memory), so
 * it calls fn(arg) from here and ends with the exit system call.  Every
 * register but x0 survives the system call, so fn and arg ride in x9/x10.
 */
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, %function
fx__clone3_run:
	mov x9, x2
	mov x10, x3
	mov x8, #435		/* SYS_clone3 */
	svc #0
	cbnz x0, 1f
	mov x29, #0
	mov x30, #0
	mov x0, x10
	blr x9
	mov x8, #93		/* SYS_exit */
	svc #0
	brk #0
1:	ret
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg) */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, %function
fx__clone_run:
	and x1, x1, #-16
	mov x9, x3
	mov x10, x4
	mov x3, #0		/* tls */
	mov x4, #0		/* child_tid */
	mov x8, #220		/* SYS_clone */
	svc #0
	cbnz x0, 1f
	mov x29, #0
	mov x30, #0
	mov x0, x10
	blr x9
	mov x8, #93
	svc #0
	brk #0
1:	ret
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",@progbits
