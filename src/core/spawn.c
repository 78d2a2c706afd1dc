/* SPDX-License-Identifier: MIT */
/*
 * The spawn core: build the plan, let a backend create the child, and
 * learn from the child's report whether it reached execve.  fx_spawn
 * itself lives a layer up (src/io/spawn_stdio.c), which resolves the
 * program and turns stdio settings into fd maps before calling
 * fx__spawn_path here.
 *
 * The report has two channels (which one a spawn uses is decided in
 * src/backend/protocol.c, with the rest of the protocol).  Where this process has proven that a
 * CLONE_VM|CLONE_VFORK clone shares our memory and suspends us until the
 * child has exec'd or exited (spawn_linux.c), a failed child writes its
 * report into the ctx, magic last, and we read it once the clone
 * returns: no pipe, no extra system call, as glibc's posix_spawn does.
 * Everywhere else (the fork backend, an emulator or sandbox that turns
 * the clone into a fork) a close-on-exec pipe carries it: the child's
 * write end closes by itself at a successful execve (we read end of
 * file) and carries one fx__report otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/compat.h"
#include "core/attr.h"
#include "core/lookup.h"
#include "child/plan.h"
#include "core/proc.h"
#include "backend/backend.h"
#include "core/spawn_core.h"
#include "linux/sandbox.h"

static const struct fx_attr default_attr = {
	.backend = FX__BACKEND_DEFAULT,
	.pgid = -1,
};

static void set_subject(fx_error *err, const char *s)
{
	snprintf(err->subject, sizeof err->subject, "%s", s ? s : "");
}

static int parent_fd_of(const struct fx_attr *attr, long child_fd)
{
	for (size_t i = 0; i < attr->nmaps; i++)
		if (attr->maps[i].child_fd == child_fd)
			return attr->maps[i].parent_fd;
	return -1;
}

/* Names what the failed step worked on, for fx_strerror. */
static void describe_subject(fx_error *err, const struct fx_attr *attr, const char *path)
{
	switch (err->step) {
	case FX_STEP_CHDIR:
		set_subject(err, attr->cwd ? attr->cwd : "/");
		break;
	case FX_STEP_CHROOT:
		set_subject(err, attr->root);
		break;
	case FX_STEP_EXEC:
		set_subject(err, path);
		break;
	case FX_STEP_SETUID:
	case FX_STEP_SETGID:
	case FX_STEP_SETPGID:
		snprintf(err->subject, sizeof err->subject, "%ld", err->index);
		break;
	case FX_STEP_SETGROUPS:
		snprintf(err->subject, sizeof err->subject, "(%ld groups)", err->index);
		break;
	case FX_STEP_FD_MAP: {
		int parent_fd = parent_fd_of(attr, err->index);
		if (err->index < 0)
			break;
		if (parent_fd >= 0)
			snprintf(err->subject, sizeof err->subject, "%ld (from parent fd %d)",
			         err->index, parent_fd);
		else
			snprintf(err->subject, sizeof err->subject, "%ld", err->index);
		break;
	}
	case FX_STEP_NOCTTY:
	case FX_STEP_SETCTTY:
	case FX_STEP_FOREGROUND:
		snprintf(err->subject, sizeof err->subject, "on fd %ld", err->index);
		break;
	default:
		fx__describe_linux(err, attr);
		break;
	}
}

/*
 * Reads the child's report: 1 if it failed (or, with ready_ok, said it
 * is ready for its maps: step FX_STEP_NONE, code 0), 0 if it reached
 * execve.
 */
static int read_report_as(int fd, struct fx__report *rep, int ready_ok)
{
	size_t got = 0;

	while (got < sizeof *rep) {
		ssize_t n = read(fd, (char *)rep + got, sizeof *rep - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == 0)
		return 0;
	if (got == sizeof *rep && rep->magic == FX__REPORT_MAGIC && ready_ok &&
	    rep->step == FX_STEP_NONE && rep->code == 0)
		return 1;
	if (got != sizeof *rep || rep->magic != FX__REPORT_MAGIC ||
	    rep->step >= FX_STEP_COUNT_ || rep->step == FX_STEP_NONE || rep->code <= 0) {
		rep->step = FX_STEP_PROTOCOL;
		rep->code = EPROTO;
		rep->index = -1;
	}
	return 1;
}

static int read_report(int fd, struct fx__report *rep)
{
	return read_report_as(fd, rep, 0);
}

/*
 * Reads a report made in shared memory: 1 if the child failed.  The child
 * has exec'd or exited by now (CLONE_VFORK), and wrote the magic last, so
 * the report is whole if the magic is there; a child killed before it
 * wrote the magic made no report, as with an empty pipe.
 */
static int memory_report(const struct fx__child_ctx *ctx, struct fx__report *rep)
{
	if (__atomic_load_n(&ctx->report.magic, __ATOMIC_ACQUIRE) != FX__REPORT_MAGIC)
		return 0;
	*rep = ctx->report;
	if (rep->step >= FX_STEP_COUNT_ || rep->code <= 0) {
		rep->step = FX_STEP_PROTOCOL;
		rep->code = EPROTO;
		rep->index = -1;
	}
	return 1;
}

/* Whether a failed child asks for another try without a shared fd table. */
static int wants_private_table(const struct fx__child_ctx *ctx, const struct fx__report *rep)
{
	return ctx->files_shared && rep->step == FX_STEP_FDTABLE &&
	       (rep->code == ENOSYS || rep->code == EINVAL || rep->code == EPERM);
}

/*
 * A child that unshared its namespaces itself (ctx->maps_by_pipe) says
 * so with an empty report; we then write its maps and let it go on.
 * Returns 0 when it is on its way to execve, or 1 with *rep the reason
 * it is not: its own report (it failed before), or our failure to write
 * its maps (it then leaves without a word).
 */
static int handshake_by_pipe(const struct fx__plan *plan, struct fx__child_ctx *ctx, int fd,
                             pid_t pid,
                             struct fx__report *rep)
{
	int step = FX_STEP_NAMESPACES, rc;

	if (read_report_as(fd, rep, 1) == 0) {
		/* It died before it could say anything. */
		rep->step = FX_STEP_PROTOCOL;
		rep->code = EPROTO;
		rep->index = -1;
		return 1;
	}
	if (rep->step != FX_STEP_NONE)
		return 1;
	rc = fx__release_child(plan, ctx, pid, &step);
	ctx->sync_fd = ctx->sync_wfd = -1;
	if (rc == 0)
		return 0;
	rep->step = (uint32_t)step;
	rep->code = -rc;
	rep->index = -1;
	return 1;
}

static int make_sync_pipe(struct fx__child_ctx *ctx, fx_error *err)
{
	int fds[2];

	if (fx__pipe_cloexec(fds) < 0)
		return fx__set_error(err, FX_STEP_PIPE, errno, -1);
	ctx->sync_fd = fds[0];
	ctx->sync_wfd = fds[1];
	/* The parent opens /proc/PID/{setgroups,uid_map,gid_map} once the
	 * child exists, one at a time: the slot for them is taken now, so
	 * that a full table fails the spawn here, before any child. */
	ctx->spare_fd = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
	if (ctx->spare_fd < 0)
		return fx__set_error(err, FX_STEP_PIPE, errno, -1);
	return 0;
}

/*
 * One attempt.  Returns 0 with *pid and *pidfd set, a negative errno with
 * err filled, or 1 when the backend learnt something of the kernel (it
 * refused a shared fd table, or clone3) and the caller should try again.
 */
static int spawn_attempt(const struct fx__spawn_request *req, pid_t *out_pid, int *out_pidfd,
                         fx_error *err)
{
	struct fx__plan plan;
	struct fx__child_ctx ctx;
	struct fx__report rep;
	int pipefd[2] = { -1, -1 }, pidfd = -1, step = FX_STEP_CLONE, rc, failed;
	int in_memory = fx__protocol_reports_in_memory(req->backend);
	pid_t pid = -1;

	memset(&ctx, 0, sizeof ctx);
	memset(&plan, 0, sizeof plan);
	ctx.sync_fd = ctx.sync_wfd = ctx.spare_fd = -1;
again:
	if (!in_memory && fx__pipe_cloexec(pipefd) < 0)
		return fx__set_error(err, FX_STEP_PIPE, errno, -1);
	rc = req->build(&plan, req->source, pipefd[1], pipefd[0], err);
	if (rc < 0)
		goto out_plan;
	/* A child that cannot wait for its maps in our memory reports on
	 * the pipe (protocol.c): build again around one. */
	if (in_memory && fx__protocol_handshake(req->backend, &plan) == FX__HANDSHAKE_BY_PIPE) {
		fx__plan_free(&plan);
		in_memory = 0;
		goto again;
	}
	if (plan.handshake && (rc = make_sync_pipe(&ctx, err)) < 0)
		goto out_plan;
	ctx.plan = &plan.child;
	ctx.err_fd = pipefd[1];
	ctx.ns_unshare = plan.ns_flags;
	/* The fork backend keeps this; the clone backend asks again, as
	 * things stand when it clones. */
	ctx.maps_by_pipe = fx__protocol_handshake(req->backend, &plan) == FX__HANDSHAKE_BY_PIPE;
	if (plan.nslots) {
		ctx.slots = calloc(plan.nslots, sizeof *ctx.slots);
		if (!ctx.slots) {
			rc = fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
			goto out_plan;
		}
	}
	/*
	 * Every signal stays blocked until the report is in: the child may
	 * run no handler of ours before it has reset them, and a parent that
	 * waits for a forked child's report sleeps in read() as a vfork
	 * parent sleeps in clone, rather than run handlers on the CPU the
	 * child needs (under the signal-storm torture test the fork backend
	 * spawned 2.5 times slower than the clone one before).
	 */
	ctx.thread_mask = fx__block_all_signals();
	if (req->backend == FX_BACKEND_FORK)
		rc = fx__backend_fork(&plan, &ctx, &pid, &pidfd, &step);
	else
		rc = fx__backend_clone(&plan, &ctx, &pid, &pidfd, &step);
	if (pipefd[1] >= 0) {
		close(pipefd[1]);
		pipefd[1] = -1;
	}
	if (rc < 0) {
		fx__restore_signals(ctx.thread_mask);
		if (step == FX__STEP_RETRY)
			rc = 1;
		else
			fx__set_error(err, step, -rc, -1);
		goto out_plan;
	}
	if (ctx.maps_by_pipe && handshake_by_pipe(&plan, &ctx, pipefd[0], pid, &rep))
		failed = 1;
	else
		failed = in_memory ? memory_report(&ctx, &rep) : read_report(pipefd[0], &rep);
	fx__restore_signals(ctx.thread_mask);
	if (failed) {
		fx__reap(pid, pidfd);
		if (pidfd >= 0)
			close(pidfd);
		if (wants_private_table(&ctx, &rep)) {
			fx__kernel_lacks(FX__NO_SHARED_FILES);
			rc = 1;
		} else {
			rc = fx__set_error(err, (int)rep.step, rep.code, (long)rep.index);
			if (req->describe)
				req->describe(&plan, req->source, err);
		}
		goto out_plan;
	}
	*out_pid = pid;
	*out_pidfd = pidfd;
	rc = 0;
out_plan:
	free(ctx.slots);
	fx__plan_free(&plan);
	if (ctx.sync_fd >= 0)
		close(ctx.sync_fd);
	if (ctx.sync_wfd >= 0)
		close(ctx.sync_wfd);
	if (ctx.spare_fd >= 0)
		close(ctx.spare_fd);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	return rc;
}

int fx__spawn_child(const struct fx__spawn_request *req, pid_t *pid, int *pidfd, fx_error *err)
{
	int rc, cancel_state;

	/* close() and read() are cancellation points: a thread cancelled
	 * there would leave a child nobody knows of, and descriptors. */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	do {
		rc = spawn_attempt(req, pid, pidfd, err);
	} while (rc == 1);
	pthread_setcancelstate(cancel_state, NULL);
	return rc;
}

/* fx_spawn's plans: from an fx_attr. */
struct attr_source {
	const struct fx_attr *attr;
	const char *path;
	char *const *argv;
};

static int build_from_attr(struct fx__plan *plan, const void *source, int err_fd,
                           int err_fd_read, fx_error *err)
{
	const struct attr_source *src = source;
	long bad_fd = -1;
	int rc = fx__plan_build(plan, src->attr, src->path, src->argv, err_fd, err_fd_read,
	                        &bad_fd);

	if (rc < 0 && plan->fail_step)
		return fx__set_error(err, plan->fail_step, -rc, -1);
	if (rc == -EBADF)
		return fx__set_error(err, FX_STEP_FD_MAP, EBADF, bad_fd);
	if (rc < 0)
		return fx__set_error(err, FX_STEP_PLAN, -rc, -1);
	return 0;
}

/*
 * The core's fx_spawn, below stdio: the program is resolved already and
 * attr's stdio settings have been turned into fd maps by the io layer
 * (src/io/spawn_stdio.c), which owns fx_spawn and fills the handle's
 * pipe ends once we return.  The core reads no stdio setting.
 */
int fx__spawn_path(fx_proc **out, const char *path, char *const argv[],
                   const struct fx_attr *attr, fx_error *err)
{
	fx_proc *proc;
	int rc;

	if (!attr)
		attr = &default_attr;
	/* Allocated before the child exists, so that nothing can fail once
	 * it runs. */
	proc = malloc(sizeof *proc);
	if (!proc)
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	struct attr_source src = { attr, path, argv };
	struct fx__spawn_request req = { attr->backend, build_from_attr, &src, NULL };
	pid_t pid = -1;
	int pidfd = -1;

	rc = fx__join_spawn_child(&req, attr, &pid, &pidfd, err);
	if (rc < 0) {
		describe_subject(err, attr, path);
		free(proc);
		return rc;
	}
	proc->pid = pid;
	proc->pidfd = pidfd;
	proc->reaped = 0;
	proc->taken = 0;
	proc->lost = 0;
	proc->status = 0;
	for (int s = 0; s < 3; s++)
		proc->stdio[s] = -1;
	*out = proc;
	return 0;
}

const struct fx_attr *fx__attr_or_default(const struct fx_attr *attr)
{
	return attr ? attr : &default_attr;
}
