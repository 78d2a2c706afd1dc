/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for powerpc64le (ELFv2).  The child must not return
 * into the C frame of the parent (it runs on another stack, in the same
 * memory), so it calls fn(arg) from here and ends with the exit system
 * call.  The kernel keeps r14..r31 across the system call, so fn and arg
 * ride in r30 and r31, which the parent saves below its stack pointer
 * (the ABI's protected zone: no frame is needed).  A failed call sets
 * cr0.SO and returns a positive errno, negated here.  ELFv2 wants the
 * callee's address in r12 (for its TOC) and a minimal frame of 32 bytes
 * with a null back chain under the child's stack pointer.
 */
	.abiversion 2
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, @function
	.p2align 4
fx__clone3_run:
	std 30, -16(1)
	std 31, -8(1)
	mr 30, 5		/* fn */
	mr 31, 6		/* arg */
	li 0, 435		/* SYS_clone3 */
	sc
	bns+ 1f
	neg 3, 3
1:	cmpdi 3, 0
	bne 2f
	/* child: r1 is the top of our stack */
	clrrdi 1, 1, 4
	li 0, 0
	stdu 0, -32(1)
	mtlr 0
	mr 12, 30
	mtctr 12
	mr 3, 31
	bctrl
	li 0, 1			/* SYS_exit */
	sc
	trap
2:	ld 30, -16(1)
	ld 31, -8(1)
	blr
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg)
 * powerpc's clone takes flags, stack, parent_tid, tls, child_tid. */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, @function
	.p2align 4
fx__clone_run:
	std 30, -16(1)
	std 31, -8(1)
	mr 30, 6		/* fn */
	mr 31, 7		/* arg */
	clrrdi 4, 4, 4		/* the stack, 16-byte aligned */
	li 6, 0			/* tls */
	li 7, 0			/* child_tid */
	li 0, 120		/* SYS_clone */
	sc
	bns+ 1f
	neg 3, 3
1:	cmpdi 3, 0
	bne 2f
	li 0, 0
	stdu 0, -32(1)
	mtlr 0
	mr 12, 30
	mtctr 12
	mr 3, 31
	bctrl
	li 0, 1			/* SYS_exit */
	sc
	trap
2:	ld 30, -16(1)
	ld 31, -8(1)
	blr
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",@progbits
