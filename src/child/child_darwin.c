/* SPDX-License-Identifier: MIT */
/*
 * The child on Darwin: from __fork() to execve.
 *
 * Contract.  The child of __fork() (the fork that runs no pthread_atfork
 * handler) has one thread, a copy of the parent's memory in which other
 * threads' locks may be held forever, and every signal blocked.  So it
 * calls no malloc, no stdio, nothing that may take a lock: only the thin
 * libSystem entry points that trap straight into the kernel, reading a
 * plan the parent built.  Go's runtime makes the same calls in its
 * darwin child (commit c61d322d lists them: ptrace, setsid, setpgid,
 * getpid, ioctl, chroot, setgroups, setgid, setuid, chdir, dup2, fcntl,
 * close, execve, write; and __exit to leave).  Our steps need a few more,
 * each a trap and nothing else.  This file calls them all (__exit aside)
 * through the fx__sys_* wrappers of sys/darwin/rawsys.h, which alone
 * read errno, through __error():
 *
 *   sigaction    the trap is __sigaction (xnu bsd/kern/syscalls.master,
 *                46, NO_SYSCALL_STUB); Libc's sigaction() (Libc/sys/
 *                sigaction.c) checks the signal number, copies the struct
 *                into the kernel's struct __sigaction with the _sigtramp
 *                address and calls it: no allocation, no lock.  Needed to
 *                reset caught handlers to SIG_DFL, since a handler of the
 *                parent must never run in the child.
 *   sigprocmask  a generated system call stub (syscalls.master 48, without
 *                NO_SYSCALL_STUB, as for setuid 23 or ptrace 26); it sets
 *                the calling thread's mask, the only thread there is.
 *   getpgrp      a generated stub likewise (syscalls.master 81), for
 *                FX_FOREGROUND: the group to hand the terminal to.
 *   getrlimit, setrlimit, setpriority, umask
 *                generated stubs likewise (syscalls.master 194, 195, 96
 *                and 60), for the POSIX limits of forkexec.h
 *                (attr_limits.c): the resource limits, the nice value,
 *                the umask.
 *   __error      the errno the wrappers above set: Libc/sys/errno.c
 *                returns &pthread_self()->err_no (or the global errno),
 *                no lock, no allocation; Go's darwin system call
 *                trampolines read it after every failed call, in the
 *                forked child too.  After a real fork it is the child's
 *                own errno, in the child's own copy of memory.
 *
 * `make check-macos` (mk/macos.mk) checks with llvm-nm that this object
 * calls only those names, and in this file's own preprocessed lines that
 * it calls none of them but __exit directly and reads no errno.  On
 * failure the child writes one fx__report to
 * the close-on-exec error pipe and leaves with __exit(127), never exit():
 * the atexit handlers belong to the parent.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* This file sees only what the child walks (struct fx__child_plan),
 * never the parent's whole plan: see plan.h. */
#define FX__CHILD_TU
#include "child/plan.h"
#include "sys/rawsys.h"

/* libSystem's exit system call stub (no atexit handlers, no stdio
 * flush); not in the headers. */
extern void __exit(int code) __attribute__((noreturn));

__attribute__((noreturn)) static void fail(struct fx__child_ctx *ctx, const struct fx__op *op,
                                           long rc, long index)
{
	struct fx__report rep;

	rep.magic = FX__REPORT_MAGIC;
	rep.step = op ? op->step : FX_STEP_PROTOCOL;
	rep.code = (int32_t)-rc;
	rep.pad = 0;
	rep.index = index;
	/* Less than PIPE_BUF bytes: one atomic write.  Every signal is
	 * blocked, so no EINTR.  Without a pipe (never on Darwin, where
	 * nothing is shared) the parent sees an exit without a report. */
	if (ctx->err_fd >= 0)
		fx__sys_write(ctx->err_fd, &rep, sizeof rep);
	__exit(127);
}

static int is_signal_settable(int sig)
{
	return sig != SIGKILL && sig != SIGSTOP;
}

/* Every caught signal back to SIG_DFL; ignored ones stay ignored. */
static long reset_caught_handlers(void)
{
	struct sigaction old, dfl;

	dfl.sa_handler = SIG_DFL;
	dfl.sa_mask = 0;
	dfl.sa_flags = 0;
	for (int sig = 1; sig <= FX__NSIG; sig++) {
		long rc;

		if (!is_signal_settable(sig))
			continue;
		if (fx__sys_sigaction(sig, 0, &old) < 0)
			continue;
		if (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)
			continue;
		rc = fx__sys_sigaction(sig, &dfl, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static long set_default_handlers(uint64_t mask)
{
	struct sigaction dfl;

	dfl.sa_handler = SIG_DFL;
	dfl.sa_mask = 0;
	dfl.sa_flags = 0;
	for (int sig = 1; sig <= FX__NSIG; sig++) {
		long rc;

		if (!(mask & (1ULL << (sig - 1))) || !is_signal_settable(sig))
			continue;
		rc = fx__sys_sigaction(sig, &dfl, 0);
		if (rc < 0 && rc != -EINVAL)
			return rc;
	}
	return 0;
}

/*
 * Closes lo..hi except the error channel.  Darwin has no close_range and
 * no /proc: the parent bounded the table (ctx->fd_bound, spawn_fork.c),
 * and the child tries each number below that bound, at most a few
 * thousand cheap calls (EBADF for those not open).
 */
static long close_fds(struct fx__child_ctx *ctx, unsigned lo, unsigned hi)
{
	if (ctx->fd_bound <= 0)
		return 0;
	if (hi >= (unsigned)ctx->fd_bound)
		hi = (unsigned)ctx->fd_bound - 1;
	for (unsigned fd = lo; fd <= hi && fd >= lo; fd++)
		if ((int)fd != ctx->err_fd)
			fx__sys_close((int)fd);
	return 0;
}

static long run_op(struct fx__child_ctx *ctx, const struct fx__op *op)
{
	const struct fx__child_plan *plan = ctx->plan;
	long rc;

	switch (op->kind) {
	case FX__OP_RESET_HANDLERS:
		return reset_caught_handlers();
	case FX__OP_SIG_DEFAULT:
		return set_default_handlers(*(const uint64_t *)op->ptr);
	case FX__OP_SETSID:
		return fx__sys_setsid();
	case FX__OP_SETPGID:
		return fx__sys_setpgid(0, op->a);
	case FX__OP_CHROOT:
		return fx__sys_chroot(op->ptr);
	case FX__OP_SETGROUPS:
		return fx__sys_setgroups((size_t)op->a, op->ptr);
	case FX__OP_SETGID:
		return fx__sys_setgid((unsigned)op->a);
	case FX__OP_SETUID:
		return fx__sys_setuid((unsigned)op->a);
	case FX__OP_DROP_CAPS:
		/* No capabilities on Darwin: setuid to an ordinary user
		 * leaves no privilege behind. */
		return 0;
	case FX__OP_CHDIR:
		return fx__sys_chdir(op->ptr);
	case FX__OP_CLOSE_FROM:
		return close_fds(ctx, (unsigned)op->a, ~0U);
	case FX__OP_MOVE_ERR:
		if (ctx->err_fd < 0)
			return 0;
		rc = fx__sys_fcntl(ctx->err_fd, F_DUPFD_CLOEXEC, op->a);
		if (rc >= 0)
			ctx->err_fd = (int)rc;
		return rc;
	case FX__OP_FD_TO_SLOT:
		rc = fx__sys_fcntl(op->a, F_DUPFD_CLOEXEC, op->c);
		if (rc >= 0)
			ctx->slots[op->b] = (int)rc;
		return rc;
	case FX__OP_DUP_FD:
		return fx__sys_dup2(op->a, op->b);
	case FX__OP_DUP_SLOT:
		return fx__sys_dup2(ctx->slots[op->a], op->b);
	case FX__OP_INHERIT_FD:
		return fx__sys_fcntl(op->a, F_SETFD, 0);
	case FX__OP_CLOSE_FD:
		rc = fx__sys_close(op->a);
		return rc == -EBADF ? 0 : rc;
	case FX__OP_CLOSE_RANGE:
		return close_fds(ctx, (unsigned)op->a, (unsigned)op->b);
	case FX__OP_NOCTTY:
		return fx__sys_ioctl(0, TIOCNOTTY, 0);
	case FX__OP_SETCTTY:
		return fx__sys_ioctl(op->a, TIOCSCTTY, op->b);
	case FX__OP_FOREGROUND: {
		/* Every signal is still blocked, SIGTTOU included, so the
		 * kernel lets a background group take the terminal. */
		int pgrp = (int)fx__sys_getpgrp();
		return fx__sys_ioctl(op->a, TIOCSPGRP, (long)&pgrp);
	}
	case FX__OP_SIGMASK: {
		/* Darwin's sigset_t is the low 32 bits of our mask. */
		sigset_t set = (sigset_t)(plan->has_sigmask ? plan->sigmask : ctx->thread_mask);
		return fx__sys_sigprocmask(SIG_SETMASK, &set, 0);
	}
	case FX__OP_RLIMIT: {
		/* rlim_t is 64 bits: op->ptr is {soft, hard} as struct rlimit. */
		const uint64_t *want = op->ptr;
		struct rlimit rl = { want[0], want[1] };
		return fx__sys_setrlimit(op->a, &rl);
	}
	case FX__OP_RLIMIT_RAISE: {
		const uint64_t *want = op->ptr;
		struct rlimit rl;
		rc = fx__sys_getrlimit(op->a, &rl);
		if (rc < 0)
			return rc;
		if (want[1] <= rl.rlim_max)
			return 0;
		rl.rlim_max = want[1];
		return fx__sys_setrlimit(op->a, &rl);
	}
	case FX__OP_NICE:
		return fx__sys_setpriority(PRIO_PROCESS, 0, op->a);
	case FX__OP_UMASK:
		fx__sys_umask((unsigned)op->a);
		return 0;
	case FX__OP_PTRACE:
		return fx__sys_ptrace_traceme();
	case FX__OP_EXEC:
		return fx__sys_execve(plan->path, plan->argv, plan->envp);
	default:
		/* Linux-only steps and the posix_spawn layer: their setters
		 * refuse on Darwin, so no plan holds them. */
		return -ENOTSUP;
	}
}

__attribute__((noreturn)) void fx__child_main(struct fx__child_ctx *ctx)
{
	const struct fx__child_plan *plan = ctx->plan;

	for (size_t i = 0; i < plan->nops; i++) {
		const struct fx__op *op = &plan->ops[i];
		long rc = run_op(ctx, op);
		if (rc < 0)
			fail(ctx, op, rc, op->index);
	}
	/* The plan always ends with FX__OP_EXEC, which only returns on error. */
	fail(ctx, 0, -EPROTO, -1);
}
