/* SPDX-License-Identifier: MIT */
/*
 * The child's report channel (src/core/spawn.c).  Where this process has
 * proven that a CLONE_VM|CLONE_VFORK clone shares memory, the clone
 * backend's child reports in memory and no pipe is made; everywhere else
 * (the fork backend, [clone-pipe], an emulator) a close-on-exec pipe
 * carries the report.  The whole suite runs on both channels; these
 * tests pin down what tells them apart, through a seccomp filter the
 * test process installs on itself (its children inherit it):
 *
 *   - pipe2 refused with EPERM: a spawn that reports in memory does not
 *     notice, one that needs the pipe fails at FX_STEP_PIPE, cleanly;
 *   - ptrace killing the caller: a child killed at its last step before
 *     execve made no report, so the spawn succeeds and fx_proc_wait says it
 *     was killed, on either channel.
 */
#include "fxt.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <asm/unistd.h> /* the kernel's system call numbers */
#include <unistd.h>

#include "audit_arch.h"

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

/* One spawn of /bin/true that must exit 0. */
static void spawn_true(fx_attr *attr)
{
	char *argv[] = { "true", NULL };
	fx_proc *proc = NULL;
	fx_error err;

	ASSERT_SPAWNED(fx_spawn(&proc, "/bin/true", argv, attr, &err), &err);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);
}

/* The low 32 bits of the first argument. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FXT_ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#else
#define FXT_ARG0_LO offsetof(struct seccomp_data, args[0])
#endif

/*
 * Makes system call `nr` (and `nr2`, if not -1) return `action` for this
 * process and every child it makes from now on, when its first argument
 * is `arg0` (any, if arg0 is -1); the test process is its own, so nothing
 * else is touched.
 */
static void filter_syscalls(int nr, int nr2, long arg0, unsigned action)
{
#ifdef FXT_AUDIT_ARCH
	struct sock_filter any_arg = BPF_STMT(BPF_JMP | BPF_JA, 1);
	struct sock_filter this_arg = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)arg0, 1, 0);
	struct sock_filter code[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FXT_AUDIT_ARCH, 0, 5),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 1, 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr2, 0, 2),
		/* 5 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, FXT_ARG0_LO),
		/* 6 */ arg0 < 0 ? any_arg : this_arg,
		/* 7 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 8 */ BPF_STMT(BPF_RET | BPF_K, action),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };

	ASSERT_SYS(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		SKIP("no seccomp filter here: %s", strerror(errno));
#else
	(void)nr;
	(void)nr2;
	(void)arg0;
	(void)action;
	SKIP("no seccomp architecture constant for this machine");
#endif
}

/*
 * The clone backend reports in memory exactly where memory is shared:
 * natively (i386 on a 64-bit kernel included), not where an emulator
 * (qemu-user, valgrind) turns a vfork-style clone into a fork.  The test
 * asks the host itself, with a vfork of its own.
 */
TEST_CORE(channel_as_the_variant_says)
{
	int in_memory = fxt_report_in_memory();
	int shared = fxt_vfork_shares_memory();

	printf("vfork shares memory: %d; emulator: %s\n", shared,
	       fxt_emulator() ? fxt_emulator() : "none");
	if (fxt_backend() == FX_BACKEND_FORK || fxt_pipe_forced())
		ASSERT_EQ(in_memory, 0);
	else if (shared < 0)
		SKIP("vfork failed: whether memory is shared is unknown");
	else
		ASSERT_EQ(in_memory, shared);
}

/* No pipe to be had: only a spawn that reports in memory goes on. */
TEST_CORE(channel_without_pipe2)
{
	char *argv[] = { "true", NULL };
	int in_memory = fxt_report_in_memory(), before, rc, st = -1;
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;

	/* The first spawn settles the channel (and its one-time probe)
	 * before the filter is there. */
	spawn_true(attr);
	before = fxt_fd_count();
#ifdef __NR_pipe
	filter_syscalls(__NR_pipe2, __NR_pipe, -1, SECCOMP_RET_ERRNO | EPERM);
#else
	filter_syscalls(__NR_pipe2, -1, -1, SECCOMP_RET_ERRNO | EPERM);
#endif
	for (int i = 0; i < 20; i++) {
		rc = fx_spawn(&proc, "/bin/true", argv, attr, &err);
		if (in_memory) {
			ASSERT_OK(rc);
			ASSERT_OK(fx_proc_wait(proc, &st, -1));
			ASSERT_EQ(st, 0);
			fx_proc_free(proc);
		} else {
			ASSERT_EQ(rc, -EPERM);
			ASSERT_EQ(err.step, FX_STEP_PIPE);
			ASSERT_EQ(err.code, EPERM);
			ASSERT(proc == NULL);
		}
		fxt_assert_no_children();
		fxt_assert_fd_count(before);
	}
	printf("%s: 20 spawns with pipe2 refused: %s\n", fxt_variant_name(),
	       in_memory ? "all worked (report in memory)" : "all failed at pipe");
	fx_attr_free(attr);
}

/*
 * Killed at its last step (PTRACE_TRACEME, just before execve): no report
 * was made, so the spawn succeeded, and the status says how the child
 * died.  The same on both channels: an empty pipe, or no magic in memory.
 */
TEST_CORE(channel_child_killed_before_exec)
{
	char *argv[] = { "true", NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;
	int before, st = -1;

	spawn_true(attr);
	before = fxt_fd_count();
	ASSERT_OK(fx_attr_set_flags(attr, FX_PTRACE));
	/* PTRACE_TRACEME only: LeakSanitizer's leak check at exit attaches
	 * to the test's threads with ptrace, and must still be able to. */
	filter_syscalls(__NR_ptrace, -1, 0 /* PTRACE_TRACEME */, SECCOMP_RET_KILL_PROCESS);
	for (int i = 0; i < 5; i++) {
		ASSERT_OK(fx_spawn(&proc, "/bin/true", argv, attr, &err));
		ASSERT_OK(fx_proc_wait(proc, &st, -1));
		ASSERT(fx_status_signal(st) == SIGSYS);
		fx_proc_free(proc);
		fxt_assert_no_children();
		fxt_assert_fd_count(before);
	}
	fx_attr_free(attr);
}
