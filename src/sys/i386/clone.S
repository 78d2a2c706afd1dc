/* SPDX-License-Identifier: MIT */
/*
 * Clone trampolines for i386 (arguments on the stack, cdecl).  The child
 * must not return into the C frame of the parent (it runs on another
 * stack, in the same memory), so it calls fn(arg) from here and ends with
 * the exit system call.  Every register but eax survives int $0x80, so
 * the clone3 child finds fn and arg in esi and edi, saved here for the
 * parent; the legacy clone takes five arguments in registers, so there
 * they wait on the child's stack.
 */
	.text

/* long fx__clone3_run(struct clone_args *args, size_t size,
 *                     int (*fn)(void *), void *arg) */
	.globl fx__clone3_run
	.hidden fx__clone3_run
	.type fx__clone3_run, @function
fx__clone3_run:
	push %ebx
	push %esi
	push %edi
	mov 16(%esp), %ebx	/* args */
	mov 20(%esp), %ecx	/* size */
	mov 24(%esp), %esi	/* fn */
	mov 28(%esp), %edi	/* arg */
	mov $435, %eax		/* SYS_clone3 */
	int $0x80
	test %eax, %eax
	jnz 1f
	/* child: esp is the top of our stack; the ABI wants it 16-byte
	 * aligned at the call, with the argument at (%esp) */
	xor %ebp, %ebp
	and $-16, %esp
	sub $16, %esp
	mov %edi, (%esp)
	call *%esi
	mov %eax, %ebx
	mov $1, %eax		/* SYS_exit */
	int $0x80
	hlt
1:	pop %edi
	pop %esi
	pop %ebx
	ret
	.size fx__clone3_run, .-fx__clone3_run

/* long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
 *                    int (*fn)(void *), void *arg)
 * i386's clone takes flags, stack, parent_tid, tls, child_tid. */
	.globl fx__clone_run
	.hidden fx__clone_run
	.type fx__clone_run, @function
fx__clone_run:
	push %ebx
	push %esi
	push %edi
	mov 20(%esp), %ecx	/* stack_top */
	and $-16, %ecx
	sub $16, %ecx
	mov 32(%esp), %eax	/* arg, at the child's (%esp) */
	mov %eax, (%ecx)
	mov 28(%esp), %eax	/* fn, just above */
	mov %eax, 4(%ecx)
	mov 16(%esp), %ebx	/* flags */
	mov 24(%esp), %edx	/* parent_tid */
	xor %esi, %esi		/* tls */
	xor %edi, %edi		/* child_tid */
	mov $120, %eax		/* SYS_clone */
	int $0x80
	test %eax, %eax
	jnz 1f
	xor %ebp, %ebp
	call *4(%esp)
	mov %eax, %ebx
	mov $1, %eax		/* SYS_exit */
	int $0x80
	hlt
1:	pop %edi
	pop %esi
	pop %ebx
	ret
	.size fx__clone_run, .-fx__clone_run

	.section .note.GNU-stack,"",@progbits
