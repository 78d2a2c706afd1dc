/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for riscv64.  The child must not return into the C
 * frame of the parent (it runs on another stack, in the same memory), so
 * it calls fn(arg) from here and ends with the exit system call.  Every
 * register but a0 survives the system call, so fn and arg ride in s1
 * and s2, which the parent saves first.
 */
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, %function
fx__clone3_run:
	addi sp, sp, -16
	sd s1, 0(sp)
	sd s2, 8(sp)
	mv s1, a2
	mv s2, a3
	li a7, 435		/* SYS_clone3 */
	ecall
	bnez a0, 1f
	/* child: sp is the top of our stack (16-byte aligned) */
	mv s0, zero
	mv ra, zero
	mv a0, s2
	jalr s1
	li a7, 93		/* SYS_exit */
	ecall
	ebreak
1:	ld s1, 0(sp)
	ld s2, 8(sp)
	addi sp, sp, 16
	ret
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg)
 * riscv's clone takes flags, stack, parent_tid, tls, child_tid. */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, %function
fx__clone_run:
	addi sp, sp, -16
	sd s1, 0(sp)
	sd s2, 8(sp)
	mv s1, a3
	mv s2, a4
	andi a1, a1, -16
	li a3, 0		/* tls */
	li a4, 0		/* child_tid */
	li a7, 220		/* SYS_clone */
	ecall
	bnez a0, 1f
	mv s0, zero
	mv ra, zero
	mv a0, s2
	jalr s1
	li a7, 93		/* SYS_exit */
	ecall
	ebreak
1:	ld s1, 0(sp)
	ld s2, 8(sp)
	addi sp, sp, 16
	ret
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",%progbits
