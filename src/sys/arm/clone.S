/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for arm (EABI, ARM state; fn may be Thumb code, so
 * it is called with blx).  The child must not return into the C frame
 * of the parent (it runs on another stack, in the same memory), so it
 * calls fn(arg) from here and ends with the exit system call.  Every
 * register but r0 survives the system call, so fn and arg ride in r4 and
 * r5, which the parent saves first.
 */
	.syntax unified
	.arm
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, %function
	.p2align 2
fx__clone3_run:
	push {r4, r5, r7, lr}
	mov r4, r2
	mov r5, r3
	movw r7, #435		/* SYS_clone3 */
	svc 0
	cmp r0, #0
	bne 1f
	/* child: sp is the top of our stack (8-byte aligned) */
	mov fp, #0
	mov lr, #0
	mov r0, r5
	blx r4
	mov r7, #1		/* SYS_exit */
	svc 0
	udf #0
1:	pop {r4, r5, r7, pc}
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg)
 * arm's clone takes flags, stack, parent_tid, tls, child_tid; arg, the
 * fifth argument, comes on the stack. */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, %function
	.p2align 2
fx__clone_run:
	push {r4, r5, r6, r7, r8, lr}
	ldr r5, [sp, #24]	/* arg */
	mov r6, r3		/* fn */
	bic r1, r1, #15
	mov r3, #0		/* tls */
	mov r4, #0		/* child_tid */
	mov r7, #120		/* SYS_clone */
	svc 0
	cmp r0, #0
	bne 1f
	mov fp, #0
	mov lr, #0
	mov r0, r5
	blx r6
	mov r7, #1		/* SYS_exit */
	svc 0
	udf #0
1:	pop {r4, r5, r6, r7, r8, pc}
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",%progbits
