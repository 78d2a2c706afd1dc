/* SPDX-License-Identifier: MIT */
/*
 * The smallest program there is: it exits 0 with one raw exit system call.
 * No libc, no dynamic loader, no start-up files (-nostdlib -static), so
 * spawning it measures the spawn and execve alone.  Not part of fxbench:
 * built as build/bench-tiny by mk/bench.mk.
 */
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "\txorl %edi, %edi\n"  /* status 0 */
        "\tmovl $60, %eax\n"   /* SYS_exit */
        "\tsyscall\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "\tmov x0, #0\n"       /* status 0 */
        "\tmov x8, #93\n"      /* SYS_exit */
        "\tsvc #0\n");
#else
#error "bench/tiny.c: add the exit system call of this architecture"
#endif
