/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for s390x.  The child must not return into the C
 * frame of the parent (it runs on another stack, in the same memory), so
 * it calls fn(arg) from here and ends with the exit system call.  Every
 * register but r2 survives the system call, so fn and arg ride in r8 and
 * r9, saved first (r6..r15) in the save area the caller provides.  The
 * child gives fn the 160-byte save area the ABI wants below its stack
 * pointer, with a null back chain.
 */
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, @function
	.p2align 3
fx__clone3_run:
	stmg %r6, %r15, 48(%r15)
	lgr %r8, %r4		/* fn */
	lgr %r9, %r5		/* arg */
	lghi %r1, 435		/* SYS_clone3 */
	svc 0
	ltgr %r2, %r2
	jnz 1f
	/* child: r15 is the top of our stack */
	nill %r15, 0xfff8
	aghi %r15, -160
	xc 0(8, %r15), 0(%r15)
	lghi %r14, 0
	lgr %r2, %r9
	basr %r14, %r8
	lghi %r1, 1		/* SYS_exit */
	svc 0
	j .
1:	lmg %r6, %r15, 48(%r15)
	br %r14
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg)
 * s390's clone takes the stack first, then flags, parent_tid, child_tid
 * and tls. */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, @function
	.p2align 3
fx__clone_run:
	stmg %r6, %r15, 48(%r15)
	lgr %r8, %r5		/* fn */
	lgr %r9, %r6		/* arg */
	lgr %r0, %r2		/* flags */
	lgr %r2, %r3		/* stack */
	nill %r2, 0xfff8
	lgr %r3, %r0
	lghi %r5, 0		/* child_tid */
	lghi %r6, 0		/* tls */
	lghi %r1, 120		/* SYS_clone */
	svc 0
	ltgr %r2, %r2
	jnz 1f
	aghi %r15, -160
	xc 0(8, %r15), 0(%r15)
	lghi %r14, 0
	lgr %r2, %r9
	basr %r14, %r8
	lghi %r1, 1		/* SYS_exit */
	svc 0
	j .
1:	lmg %r6, %r15, 48(%r15)
	br %r14
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",@progbits
