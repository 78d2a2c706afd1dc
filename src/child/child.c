/* SPDX-License-Identifier: MIT */
/*
 * The child: from its creation to execve.
 *
 * Contract.  This code runs in a process that may share the parent's
 * memory (CLONE_VM|CLONE_VFORK) and its thread-local storage, on a small
 * stack of our own, with every signal blocked.  It therefore calls no libc
 * function at all: no malloc (the parent's heap locks may be held by other
 * threads), no errno (it is the parent thread's), no stdio, no libc
 * setuid() (glibc's broadcasts a signal to every thread of the parent).
 * It only reads the plan the parent built and makes raw system calls
 * (sys/rawsys.h), each of which returns -errno on failure.  It is built
 * without stack protector or instrumentation (see the Makefile), and a
 * test disassembles it to prove it calls nothing outside itself.
 *
 * On failure it makes one fx__report and exits 127: into the ctx, which
 * the parent has proven to share with us, or else to the error pipe.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* This file sees only what the child walks (struct fx__child_plan),
 * never the parent's whole plan: see plan.h. */
#define FX__CHILD_TU
#include "child/plan.h"
#include "sys/rawsys.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

#define FX__PTRACE_TRACEME 0
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif
#define FX__SECCOMP_SET_MODE_FILTER 1
#define FX__PRIO_PROCESS 0
#define FX__IOPRIO_WHO_PROCESS 1  /* <linux/ioprio.h> */
#define FX__PR_SET_SECUREBITS 28  /* <linux/prctl.h> */
#define FX__NEWPID 0x20000000UL /* CLONE_NEWPID */

struct fx__dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

__attribute__((noreturn)) static void fail(struct fx__child_ctx *ctx, const struct fx__op *op,
                                           long rc, long index)
{
	struct fx__report rep;

	rep.magic = FX__REPORT_MAGIC;
	rep.step = op ? op->step : FX_STEP_PROTOCOL;
	rep.code = (int32_t)-rc;
	rep.pad = 0;
	rep.index = index;
	if (ctx->err_fd < 0) {
		/* No pipe: memory is shared (the parent proved it) and the
		 * parent sleeps until we exit, then reads this.  The magic goes
		 * last, so that a child killed halfway leaves no report, as a
		 * killed child leaves the pipe empty. */
		ctx->report.step = rep.step;
		ctx->report.code = rep.code;
		ctx->report.pad = 0;
		ctx->report.index = rep.index;
		__atomic_store_n(&ctx->report.magic, rep.magic, __ATOMIC_RELEASE);
	} else {
		/* A pipe write of less than PIPE_BUF bytes is atomic; EINTR
		 * cannot happen with every signal blocked. */
		fx__sys_write(ctx->err_fd, &rep, sizeof rep);
	}
	fx__sys_exit_group(127);
}

static int is_signal_settable(int sig)
{
	return sig != SIGKILL && sig != SIGSTOP;
}

/* Resets every caught signal to SIG_DFL; ignored ones stay ignored. */
static long reset_caught_handlers(void)
{
	struct fx__ksigaction old, dfl = { .handler = FX__KSIG_DFL };

	for (int sig = 1; sig <= FX__NSIG; sig++) {
		if (!is_signal_settable(sig))
			continue;
		if (fx__sys_rt_sigaction(sig, 0, &old) < 0)
			continue; /* not a signal this kernel knows */
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): the kernel filled old */
		if (old.handler == FX__KSIG_DFL || old.handler == FX__KSIG_IGN)
			continue;
		long rc = fx__sys_rt_sigaction(sig, &dfl, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static long set_default_handlers(uint64_t mask)
{
	struct fx__ksigaction dfl = { .handler = FX__KSIG_DFL };

	for (int sig = 1; sig <= FX__NSIG; sig++) {
		if (!(mask & (1ULL << (sig - 1))) || !is_signal_settable(sig))
			continue;
		long rc = fx__sys_rt_sigaction(sig, &dfl, 0);
		if (rc < 0 && rc != -EINVAL)
			return rc;
	}
	return 0;
}

static long parse_fd_name(const char *s)
{
	long v = 0;

	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): from getdents64 */
	if (*s == 0)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* close_range(lo, hi) without close_range (Linux < 5.9, or a seccomp
 * filter that refuses it): walk /proc/self/fd, else try every number up
 * to the descriptor limit.  `keep` is the error channel. */
static void close_range_by_hand(unsigned lo, unsigned hi, int keep)
{
	uint64_t limit[2] = { 1024, 1024 }; /* rlim_cur, rlim_max */
	char buf[1024] __attribute__((aligned(8)));
	long dir = fx__sys_openat(AT_FDCWD, "/proc/self/fd",
	                          O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (dir >= 0) {
		long n;
		while ((n = fx__sys_getdents64((int)dir, buf, sizeof buf)) > 0) {
			for (long off = 0; off < n;) {
				/* The kernel filled buf; the analyzer cannot see it. */
				/* NOLINTBEGIN(clang-analyzer-core.*) */
				struct fx__dirent64 *d = (struct fx__dirent64 *)(void *)(buf + off);
				long fd = parse_fd_name(d->name);
				off += d->reclen;
				/* NOLINTEND(clang-analyzer-core.*) */
				if (fd >= (long)lo && fd <= (long)hi && fd != dir && fd != keep)
					fx__sys_close((int)fd);
			}
		}
		fx__sys_close((int)dir);
		if (n == 0)
			return;
	}
	fx__sys_prlimit64(0, RLIMIT_NOFILE, 0, limit);
	/* The kernel never allows more than fs.nr_open (at most 2^20 by
	 * default) descriptors, whatever RLIMIT_NOFILE says. */
	if (limit[0] == 0 || limit[0] > (1u << 20))
		limit[0] = 1u << 20;
	if (hi >= limit[0])
		hi = (unsigned)(limit[0] - 1);
	for (unsigned fd = lo; fd <= hi && fd >= lo; fd++)
		if ((int)fd != keep)
			fx__sys_close((int)fd);
}

static int close_range_unsupported(long rc)
{
	return rc == -ENOSYS || rc == -EPERM || rc == -EINVAL;
}

/* Closes lo..hi except the error channel. */
static long close_fds(struct fx__child_ctx *ctx, unsigned lo, unsigned hi)
{
	int keep = ctx->err_fd;
	long rc = 0;

	if (lo > hi)
		return 0;
	if (keep >= 0 && (unsigned)keep >= lo && (unsigned)keep <= hi) {
		if ((unsigned)keep > lo)
			rc = fx__sys_close_range(lo, (unsigned)keep - 1, 0);
		if (rc == 0 && (unsigned)keep < hi)
			rc = fx__sys_close_range((unsigned)keep + 1, hi, 0);
	} else {
		rc = fx__sys_close_range(lo, hi, 0);
	}
	if (rc < 0 && close_range_unsupported(rc)) {
		close_range_by_hand(lo, hi, keep);
		rc = 0;
	}
	return rc;
}

/*
 * Everything from fd `from` up is closed.  When the table is still the
 * parent's (CLONE_FILES), CLOSE_RANGE_UNSHARE gives the child a copy of
 * only the fds below `from`, so the parent's table is never touched and a
 * parent with 10,000 open fds is not copied whole.  If that fails the
 * parent retries without CLONE_FILES; nothing else may be done with a
 * shared table, so the failure is reported at once.
 */
static long close_from(struct fx__child_ctx *ctx, unsigned from)
{
	long rc;

	if (!ctx->files_shared)
		return close_fds(ctx, from, ~0U);
	rc = fx__sys_close_range(from, ~0U, CLOSE_RANGE_UNSHARE);
	/* CLONE_PIDFD put our own pidfd into the table we shared, on the
	 * lowest free number: perhaps that of a source the caller closed.
	 * Our copy must not hand it on.  (The kernel wrote its number into
	 * the parent's memory before we ran.) */
	if (rc == 0 && ctx->pidfd && *ctx->pidfd >= 0 && (unsigned)*ctx->pidfd < from)
		fx__sys_close(*ctx->pidfd);
	return rc;
}

/*
 * posix_spawn's file actions may name any fd, the error pipe's numbers
 * included (they were free in the caller when it added them).  So the
 * write end moves above every fd the actions name, and both numbers are
 * closed: an action then finds them as the caller left them, not open.
 * With the report in memory there is no pipe and nothing to do.
 */
static long hide_error_pipe(struct fx__child_ctx *ctx, const struct fx__op *op)
{
	long rc;
	int old = ctx->err_fd;

	if (old < 0)
		return 0;
	rc = fx__sys_fcntl(old, F_DUPFD_CLOEXEC, op->a);
	if (rc < 0)
		return rc;
	ctx->err_fd = (int)rc;
	fx__sys_close(old);
	if (op->c >= 0)
		fx__sys_close(op->c);
	return 0;
}

/*
 * An open action: the file lands on fd a, whatever number openat chose.
 * POSIX says a target already open "shall be closed before the new file
 * is opened" (as glibc does): with the table full, opening first would
 * fail with EMFILE.  The error channel is never an action's target
 * (FX__OP_HIDE_ERR moved it away), but it is spared all the same.
 */
static long open_onto(const struct fx__child_ctx *ctx, const struct fx__op *op)
{
	if (op->a != ctx->err_fd)
		fx__sys_close(op->a);
	long fd = fx__sys_openat(AT_FDCWD, op->ptr, op->b, op->c);

	if (fd < 0 || fd == op->a)
		return fd;
	long rc = fx__sys_dup3((int)fd, op->a, op->b & O_CLOEXEC);
	fx__sys_close((int)fd);
	return rc;
}

/*
 * The namespaces the clone could not make.  unshare(CLONE_NEWPID) would
 * give a new pid namespace to our children only, never to us, so it is
 * refused rather than quietly not done.
 */
static long unshare_rest(struct fx__child_ctx *ctx)
{
	if (!ctx->ns_unshare)
		return 0;
	if (ctx->ns_unshare & FX__NEWPID)
		return -EINVAL;
	return fx__sys_unshare(ctx->ns_unshare);
}

/*
 * Waits until the parent has written our maps.  A child that unshared
 * its namespaces itself tells the parent first (an empty report on the
 * error pipe).  End of file means the parent gave up (it knows why) or
 * died: either way nobody waits for us, and we leave without a word.
 */
static long wait_for_parent(struct fx__child_ctx *ctx)
{
	char go;
	long rc;

	fx__sys_close(ctx->sync_wfd);
	if (ctx->maps_by_pipe) {
		struct fx__report ready = { FX__REPORT_MAGIC, FX_STEP_NONE, 0, 0, -1 };
		rc = fx__sys_write(ctx->err_fd, &ready, sizeof ready);
		if (rc < 0)
			return rc;
	}
	do
		rc = fx__sys_read(ctx->sync_fd, &go, 1);
	while (rc == -EINTR);
	if (rc == 0)
		fx__sys_exit_group(127);
	fx__sys_close(ctx->sync_fd);
	return rc < 0 ? rc : 0;
}

/* A hard limit above the current one, while we may still raise it. */
static long raise_hard_limit(const struct fx__op *op)
{
	const uint64_t *want = op->ptr;
	uint64_t cur[2] = { 0, 0 };
	long rc = fx__sys_prlimit64(0, op->a, 0, cur);

	if (rc < 0 || want[1] <= cur[1])
		return rc;
	cur[1] = want[1];
	return fx__sys_prlimit64(0, op->a, cur, 0);
}

/* The offsets of the time namespace the child unshared, which it
 * enters at execve; the kernel takes them in one write. */
static long write_time_offsets(const struct fx__op *op)
{
	long fd = fx__sys_openat(AT_FDCWD, "/proc/self/timens_offsets",
	                         O_WRONLY | O_CLOEXEC, 0);
	long rc;

	if (fd < 0)
		return fd;
	rc = fx__sys_write((int)fd, op->ptr, (size_t)op->b);
	fx__sys_close((int)fd);
	if (rc >= 0 && rc != op->b)
		rc = -EIO;
	return rc < 0 ? rc : 0;
}

/* The cgroup the fork backend's child moves itself into ("0": us). */
static long join_cgroup(int dirfd)
{
	long fd = fx__sys_openat(dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC, 0);
	long rc;

	if (fd < 0)
		return fd;
	rc = fx__sys_write((int)fd, "0", 1);
	fx__sys_close((int)fd);
	return rc < 0 ? rc : 0;
}

static long drop_bounding(const uint64_t *caps, long *index)
{
	for (int cap = 0; cap < 64; cap++) {
		if (!(*caps & (1ULL << cap)))
			continue;
		long rc = fx__sys_prctl(PR_CAPBSET_DROP, cap);
		if (rc < 0) {
			*index = cap;
			return rc;
		}
	}
	return 0;
}

/*
 * The first capability of caps the child may not make inheritable: one
 * outside its bounding set, else one not in `held` (neither permitted
 * nor inheritable now; without CAP_SETPCAP those are the kernel's two
 * rules); -1 if the refusal was for another reason.
 */
static long first_cap_refused(uint64_t caps, uint64_t held)
{
	for (int cap = 0; cap < 64; cap++)
		if ((caps & (1ULL << cap)) && fx__sys_prctl(PR_CAPBSET_READ, cap) == 0)
			return cap;
	for (int cap = 0; cap < 64; cap++)
		if ((caps & ~held) & (1ULL << cap))
			return cap;
	return -1;
}

/* The inheritable set, exactly; the permitted and effective ones as they are. */
static long set_inheritable(const struct fx__op *op, long *index)
{
	uint64_t caps = *(const uint64_t *)op->ptr;
	struct fx__cap_header hdr = { FX__CAP_VERSION_3, 0 };
	struct fx__cap_data data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	uint64_t held;
	long rc = fx__sys_capget(&hdr, data);

	if (rc < 0)
		return rc;
	held = (uint64_t)(data[1].permitted | data[1].inheritable) << 32 |
	       (data[0].permitted | data[0].inheritable);
	data[0].inheritable = (uint32_t)caps;
	data[1].inheritable = (uint32_t)(caps >> 32);
	rc = fx__sys_capset(&hdr, data);
	if (rc < 0)
		*index = first_cap_refused(caps, held);
	return rc;
}

/* After setuid: nothing permitted or effective; the inheritable set
 * emptied too, unless keep_inheritable (what FX__OP_INHERITABLE set). */
static long drop_caps(int keep_inheritable)
{
	struct fx__cap_header hdr = { FX__CAP_VERSION_3, 0 };
	struct fx__cap_data data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (keep_inheritable) {
		long rc = fx__sys_capget(&hdr, data);

		if (rc < 0)
			return rc;
		for (int w = 0; w < 2; w++)
			data[w].permitted = data[w].effective = 0;
	}
	return fx__sys_capset(&hdr, data);
}

/*
 * Ambient capabilities: each must be permitted and inheritable before it
 * can be raised.  After a switch to an ordinary user (which kept the
 * permitted set, PR_SET_KEEPCAPS) they become the whole of the child's
 * sets, beside the inheritable set asked for (op->c); a root child adds
 * them to its inheritable set only.
 */
static long raise_ambient(const struct fx__op *op, long *index)
{
	uint64_t caps = *(const uint64_t *)op->ptr;
	struct fx__cap_header hdr = { FX__CAP_VERSION_3, 0 };
	struct fx__cap_data data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	long rc = fx__sys_capget(&hdr, data);

	if (rc < 0)
		return rc;
	for (int w = 0; w < 2; w++) {
		uint32_t word = (uint32_t)(caps >> (32 * w));
		data[w].inheritable |= word;
		if (op->b) {
			data[w].permitted = word;
			data[w].effective = word;
			data[w].inheritable = op->c ? data[w].inheritable : word;
		}
	}
	rc = fx__sys_capset(&hdr, data);
	if (rc < 0) {
		/* Name the first one we may not have: not in the bounding
		 * set, which an inheritable capability must be (held: all,
		 * so that only the bounding set names one). */
		*index = first_cap_refused(caps, ~0ULL);
		return rc;
	}
	for (int cap = 0; cap < 64; cap++) {
		if (!(caps & (1ULL << cap)))
			continue;
		rc = fx__sys_prctl5(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
		if (rc < 0) {
			*index = cap;
			return rc;
		}
	}
	return 0;
}

/*
 * execve, and for glibc's posix_spawn before 2.15 (plan->shell_argv) a
 * file without a #! line (ENOEXEC) run by /bin/sh as a script.
 */
static long exec_or_shell(const struct fx__child_plan *plan, const char *path)
{
	long rc = fx__sys_execve(path, plan->argv, plan->envp);

	if (rc != -ENOEXEC || !plan->shell_argv)
		return rc;
	return fx__sys_execve("/bin/sh", plan->shell_argv, plan->envp);
}

/* ------------------------------------------------------------------ */
/* The filesystem view (mounts_linux.c formed every path and argument) */
/* ------------------------------------------------------------------ */

#define FX__MS_RDONLY 1UL
#define FX__MS_NOSUID 2UL
#define FX__MS_NODEV 4UL
#define FX__MS_NOEXEC 8UL
#define FX__MS_REMOUNT 32UL
#define FX__MS_BIND 4096UL
#define FX__MNT_DETACH 2

/*
 * Read-only, keeping the flags a less privileged mount namespace may
 * not drop (nosuid, nodev, noexec locked on the source): we cannot read
 * them without parsing, so try the plain remount first and add them,
 * as the kernel's EPERM says they are needed.
 */
static long remount_ro(const char *path)
{
	static const unsigned long locked[] = {
		0, FX__MS_NOSUID | FX__MS_NODEV, FX__MS_NOSUID | FX__MS_NODEV | FX__MS_NOEXEC,
		FX__MS_NODEV, FX__MS_NOSUID, FX__MS_NOSUID | FX__MS_NOEXEC,
		FX__MS_NODEV | FX__MS_NOEXEC, FX__MS_NOEXEC,
	};
	long rc = -EPERM;

	for (unsigned i = 0; i < sizeof locked / sizeof locked[0] && rc == -EPERM; i++)
		rc = fx__sys_mount("none", path, "none",
		                   FX__MS_REMOUNT | FX__MS_BIND | FX__MS_RDONLY | locked[i], 0);
	return rc;
}

static long view_op(const struct fx__op *op)
{
	const struct fx__mount_args *m = op->ptr;
	long rc;

	switch (op->kind) {
	case FX__OP_MOUNT:
		return fx__sys_mount(m->src, m->dest, m->type, m->flags, m->data);
	case FX__OP_MKDIR:
		rc = fx__sys_mkdirat(AT_FDCWD, op->ptr, 0755);
		return rc == -EEXIST ? 0 : rc;
	case FX__OP_MKFILE:
		rc = fx__sys_openat(AT_FDCWD, op->ptr, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
		if (rc < 0)
			return rc;
		fx__sys_close((int)rc);
		return 0;
	case FX__OP_SYMLINK:
		return fx__sys_symlinkat(m->src, AT_FDCWD, m->dest);
	case FX__OP_PIVOT:
		return fx__sys_pivot_root(m->src, m->dest);
	case FX__OP_UMOUNT:
		return fx__sys_umount2(op->ptr, FX__MNT_DETACH);
	case FX__OP_REMOUNT_RO:
		return remount_ro(op->ptr);
	case FX__OP_SETHOSTNAME:
		return fx__sys_sethostname(op->ptr, (size_t)op->a);
	}
	return -EINVAL;
}

static long run_op(struct fx__child_ctx *ctx, const struct fx__op *op, long *index)
{
	const struct fx__child_plan *plan = ctx->plan;
	long rc;

	switch (op->kind) {
	case FX__OP_RESET_HANDLERS:
		return ctx->handlers_cleared ? 0 : reset_caught_handlers();
	case FX__OP_SIG_DEFAULT:
		return set_default_handlers(*(const uint64_t *)op->ptr);
	case FX__OP_PDEATHSIG:
		rc = fx__sys_prctl(PR_SET_PDEATHSIG, op->a);
		if (rc < 0)
			return rc;
		/* The parent may have died before the prctl: then we were
		 * reparented and no signal will ever come. */
		if (ctx->parent_pid && fx__sys_getppid() != ctx->parent_pid)
			return -ESRCH;
		return 0;
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
		return drop_caps(op->a);
	case FX__OP_CHDIR:
		return fx__sys_chdir(op->ptr);
	case FX__OP_CLOSE_FROM:
		return close_from(ctx, (unsigned)op->a);
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
		return fx__sys_dup3(op->a, op->b, 0);
	case FX__OP_DUP_SLOT:
		return fx__sys_dup3(ctx->slots[op->a], op->b, 0);
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
		int pgrp = (int)fx__sys_getpgid(0);
		if (pgrp < 0)
			return pgrp;
		return fx__sys_ioctl(op->a, TIOCSPGRP, (long)&pgrp);
	}
	case FX__OP_SIGMASK:
		return fx__sys_rt_sigprocmask(SIG_SETMASK,
		                              plan->has_sigmask ? &plan->sigmask : &ctx->thread_mask,
		                              0);
	case FX__OP_PTRACE:
		return fx__sys_ptrace(FX__PTRACE_TRACEME, 0, 0, 0);
	case FX__OP_EXEC:
		return exec_or_shell(plan, plan->path);
	case FX__OP_SCHED:
		if (op->a < 0)
			return fx__sys_sched_setparam(0, op->ptr);
		return fx__sys_sched_setscheduler(0, op->a, op->ptr);
	case FX__OP_SCHED_ATTR:
		return fx__sys_sched_setattr(0, op->ptr, 0);
	case FX__OP_RESETIDS:
		/* Group first: once the effective uid is no longer 0, the
		 * group could not be changed any more. */
		rc = fx__sys_setresgid(~0U, (unsigned)op->a, ~0U);
		if (rc < 0)
			return rc;
		return fx__sys_setresuid(~0U, (unsigned)op->b, ~0U);
	case FX__OP_HIDE_ERR:
		return hide_error_pipe(ctx, op);
	case FX__OP_OPEN:
		return open_onto(ctx, op);
	case FX__OP_FCHDIR:
		return fx__sys_fchdir(op->a);
	case FX__OP_EXEC_SEARCH:
		break; /* fx__child_main runs it: it reports its own index */
	case FX__OP_UNSHARE:
		return unshare_rest(ctx);
	case FX__OP_WAIT_PARENT:
		return wait_for_parent(ctx);
	case FX__OP_RLIMIT:
		return fx__sys_prlimit64(0, op->a, op->ptr, 0);
	case FX__OP_RLIMIT_RAISE:
		return raise_hard_limit(op);
	case FX__OP_JOIN_CGROUP:
		return ctx->in_cgroup ? 0 : join_cgroup(op->a);
	case FX__OP_NICE:
		return fx__sys_setpriority(FX__PRIO_PROCESS, 0, op->a);
	case FX__OP_TIME_OFFSETS:
		return write_time_offsets(op);
	case FX__OP_SECUREBITS:
		return fx__sys_prctl(FX__PR_SET_SECUREBITS, op->a);
	case FX__OP_IOPRIO:
		return fx__sys_ioprio_set(FX__IOPRIO_WHO_PROCESS, 0, op->a);
	case FX__OP_AFFINITY:
		return fx__sys_sched_setaffinity(0, (size_t)op->b, op->ptr);
	case FX__OP_BOUNDING:
		return drop_bounding(op->ptr, index);
	case FX__OP_KEEPCAPS:
		return fx__sys_prctl(PR_SET_KEEPCAPS, 1);
	case FX__OP_AMBIENT:
		return raise_ambient(op, index);
	case FX__OP_INHERITABLE:
		return set_inheritable(op, index);
	case FX__OP_UMASK:
		fx__sys_umask((unsigned)op->a);
		return 0;
	case FX__OP_NO_NEW_PRIVS:
		return fx__sys_prctl5(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	case FX__OP_SECCOMP:
		return fx__sys_seccomp(FX__SECCOMP_SET_MODE_FILTER, 0, op->ptr);
	case FX__OP_PROPAGATION:
		return fx__sys_mount(0, "/", 0, (unsigned long)op->a, 0);
	case FX__OP_JOIN:
		/* One call for every kind (a pidfd, Linux 5.8), so that the
		 * kernel orders them itself: the user namespace first. */
		return fx__sys_setns(op->a, *(const unsigned long *)op->ptr);
	case FX__OP_MOUNT:
	case FX__OP_MKDIR:
	case FX__OP_MKFILE:
	case FX__OP_SYMLINK:
	case FX__OP_PIVOT:
	case FX__OP_UMOUNT:
	case FX__OP_REMOUNT_RO:
	case FX__OP_SETHOSTNAME:
		return view_op(op);
	case FX__OP_LANDLOCK:
		/* The ruleset was mapped onto fd a by the shuffle; once in
		 * force, the program needs it no more. */
		rc = fx__sys_landlock_restrict_self(op->a, 0);
		if (rc == 0)
			fx__sys_close(op->a);
		return rc;
	}
	return -EINVAL;
}

/*
 * execvp's search, over candidates the parent built: an error that only
 * says "not here" moves on to the next directory, EACCES too but it is
 * remembered, anything else (ENOEXEC, E2BIG, ...) ends the search.  Only
 * returns on failure, with the candidate to blame in *index.
 */
static long exec_search(const struct fx__child_plan *plan, long *index)
{
	long rc = -ENOENT, eacces_at = -1;

	for (size_t i = 0; i < plan->nsearch; i++) {
		rc = exec_or_shell(plan, plan->search[i]);
		*index = (long)i;
		switch (rc) {
		case -EACCES:
			if (eacces_at < 0)
				eacces_at = (long)i;
			continue;
		case -ENOENT:
		case -ENOTDIR:
		case -ESTALE:
		case -ENODEV:
		case -ETIMEDOUT:
			continue;
		default:
			return rc;
		}
	}
	if (eacces_at >= 0) {
		*index = eacces_at;
		return -EACCES;
	}
	return rc;
}

__attribute__((noreturn)) void fx__child_main(struct fx__child_ctx *ctx)
{
	const struct fx__child_plan *plan = ctx->plan;

	for (size_t i = 0; i < plan->nops; i++) {
		const struct fx__op *op = &plan->ops[i];
		if (op->kind == FX__OP_EXEC_SEARCH) {
			long index = -1;
			long rc = exec_search(plan, &index);
			fail(ctx, op, rc, index);
		}
		long index = op->index;
		long rc = run_op(ctx, op, &index);
		if (rc < 0)
			fail(ctx, op, rc, index);
	}
	/* The plan always ends with FX__OP_EXEC, which only returns on error. */
	fail(ctx, 0, -EPROTO, -1);
}

int fx__child_entry(void *ctx)
{
	fx__child_main(ctx);
}

int fx__vm_probe_entry(void *flag)
{
	*(volatile int *)flag = 1;
	return 0;
}
