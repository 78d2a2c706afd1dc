/* SPDX-License-Identifier: MIT */
/*
 * A posix_spawn call -> the plan the child executes (see plan.h).
 *
 * The child's order is glibc's, which POSIX leaves open: signal
 * dispositions, scheduler, setsid, setpgid, effective ids back to the
 * real ones, then the file actions in the caller's order, then the
 * signal mask, then execve (or execvp's search).  Unlike fx_spawn, every
 * descriptor the caller has not marked close-on-exec is inherited, as
 * POSIX says.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/compat.h"
#include "forkexec-posix.h"
#include "posix/posix.h"
#include "core/spawn_core.h"

/* Fixed steps: signals (2), scheduler, setsid, setpgid, resetids, the fd
 * table, the error pipe, the mask, execve. */
#define FX__POSIX_FIXED_OPS 12

/* The highest fd actions[0..n) name, or -1. */
static int highest_fd(const struct fx__file_actions *fa, int n)
{
	int top = -1;

	for (int i = 0; i < n; i++) {
		const struct fx__action *a = &fa->v[i];
		if (a->kind == FX__FA_CHDIR || a->kind == FX__FA_CLOSEFROM)
			continue;
		if (a->fd > top)
			top = a->fd;
		if (a->kind == FX__FA_DUP2 && a->newfd > top)
			top = a->newfd;
	}
	return top;
}

/* Whether some action names fd (as a source, a target, or to close). */
static int names_fd(const struct fx__file_actions *fa, int fd)
{
	for (int i = 0; fd >= 0 && i < fa->n; i++) {
		const struct fx__action *a = &fa->v[i];
		if (a->kind == FX__FA_CHDIR || a->kind == FX__FA_CLOSEFROM)
			continue;
		if (a->fd == fd || (a->kind == FX__FA_DUP2 && a->newfd == fd))
			return 1;
	}
	return 0;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/*
 * With a closefrom action, every fd at or above its `from` that no
 * earlier action names is closed by the time it runs anyway: those the
 * child drops first, with a table of its own (CLONE_FILES, then
 * close_range's UNSHARE), so that a parent with 10,000 open fds has its
 * table neither copied whole by clone nor closed entry by entry.
 * Returns that first fd, or -1 without a closefrom.
 */
static int drop_floor(const struct fx__file_actions *fa, int err_fd, int err_fd_read)
{
	for (int i = 0; i < fa->n; i++) {
		if (fa->v[i].kind != FX__FA_CLOSEFROM)
			continue;
		int floor = max_int(fa->v[i].fd, highest_fd(fa, i) + 1);
		return max_int(floor, max_int(err_fd, err_fd_read) + 1);
	}
	return -1;
}

static void plan_action(struct fx__plan *plan, const struct fx__action *a, long index)
{
	struct fx__op *op;

	switch (a->kind) {
	case FX__FA_OPEN:
		op = fx__plan_push(plan, FX__OP_OPEN, FX_STEP_FILE_ACTION);
		op->a = a->fd;
		op->b = a->oflag;
		op->c = (int)a->mode;
		op->ptr = a->path;
		break;
	case FX__FA_CLOSE:
		op = fx__plan_push(plan, FX__OP_CLOSE_FD, FX_STEP_FILE_ACTION);
		op->a = a->fd;
		break;
	case FX__FA_DUP2:
		/* dup2(fd, fd) would leave close-on-exec set (POSIX.1-2024). */
		if (a->fd == a->newfd) {
			op = fx__plan_push(plan, FX__OP_INHERIT_FD, FX_STEP_FILE_ACTION);
			op->a = a->fd;
		} else {
			op = fx__plan_push(plan, FX__OP_DUP_FD, FX_STEP_FILE_ACTION);
			op->a = a->fd;
			op->b = a->newfd;
		}
		break;
	case FX__FA_CHDIR:
		op = fx__plan_push(plan, FX__OP_CHDIR, FX_STEP_FILE_ACTION);
		op->ptr = a->path;
		break;
	case FX__FA_FCHDIR:
		op = fx__plan_push(plan, FX__OP_FCHDIR, FX_STEP_FILE_ACTION);
		op->a = a->fd;
		break;
	case FX__FA_CLOSEFROM:
		op = fx__plan_push(plan, FX__OP_CLOSE_RANGE, FX_STEP_FILE_ACTION);
		op->a = a->fd;
		op->b = -1; /* ~0U: to the end of the table */
		break;
	default: /* FX__FA_TCSETPGRP */
		op = fx__plan_push(plan, FX__OP_FOREGROUND, FX_STEP_FILE_ACTION);
		op->a = a->fd;
		break;
	}
	op->index = index;
}

/*
 * execvp's candidates for `file`: one per PATH element, in order, an
 * empty element meaning the current directory.  PATH is the caller's,
 * not envp's, as glibc and musl take it; unset, it is confstr's default.
 */
static int build_search(struct fx__plan *plan, const char *file)
{
	const char *dirs = getenv("PATH");
	size_t flen = strlen(file), n = 1, bytes = 0;
	char **list, *text;

	if (flen > NAME_MAX)
		return -ENAMETOOLONG;
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (const char *p = dirs; *p; p++)
		n += *p == ':';
	bytes = strlen(dirs) + n * (flen + 2);
	list = malloc(n * sizeof *list + bytes);
	if (!list)
		return -ENOMEM;
	text = (char *)(list + n);
	for (size_t i = 0; i < n; i++) {
		const char *end = fx__strchrnul(dirs, ':');
		size_t dlen = (size_t)(end - dirs);

		list[i] = text;
		if (dlen) {
			memcpy(text, dirs, dlen);
			text[dlen++] = '/';
		}
		memcpy(text + dlen, file, flen + 1);
		text += dlen + flen + 1;
		dirs = *end ? end + 1 : end;
	}
	plan->search = list;
	plan->nsearch = n;
	return 0;
}

int fx__plan_build_posix(struct fx__plan *plan, const void *source, int err_fd,
                         int err_fd_read, fx_error *err)
{
	const struct fx__posix_call *call = source;
	const struct fx__spawnattr *attr = call->attr;
	const struct fx__file_actions *fa = call->actions;
	unsigned flags = (unsigned short)attr->flags;
	struct fx__op *op;
	int floor, rc;

	memset(plan, 0, sizeof *plan);
	plan->cgroup_fd = (flags & POSIX_SPAWN_SETCGROUP) ? attr->cgroup : -1;
	plan->no_pidfd = !call->want_pidfd;
	plan->argv = call->argv;
	plan->envp = call->envp;
	plan->ops = calloc(FX__POSIX_FIXED_OPS + (size_t)fa->n, sizeof *plan->ops);
	if (!plan->ops)
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	if (call->search && !strchr(call->file, '/')) {
		if ((rc = build_search(plan, call->file)) < 0)
			return fx__set_error(err, FX_STEP_PLAN, -rc, -1);
	} else {
		plan->path = call->file;
	}

	/* Every caught handler goes back to the default (a parent's handler
	 * must never run in the child), the SETSIGDEF ones too. */
	fx__plan_push(plan, FX__OP_RESET_HANDLERS, FX_STEP_SIGNALS);
	if ((flags & POSIX_SPAWN_SETSIGDEF) && attr->sigdefault) {
		plan->sigdefault = attr->sigdefault;
		fx__plan_push(plan, FX__OP_SIG_DEFAULT, FX_STEP_SIGNALS)->ptr = &plan->sigdefault;
	}
	if (flags & (POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSCHEDPARAM)) {
		plan->sched_priority = attr->priority;
		op = fx__plan_push(plan, FX__OP_SCHED, FX_STEP_SCHED);
		op->a = (flags & POSIX_SPAWN_SETSCHEDULER) ? attr->policy : -1;
		op->ptr = &plan->sched_priority;
	}
	if (flags & POSIX_SPAWN_SETSID)
		fx__plan_push(plan, FX__OP_SETSID, FX_STEP_SETSID);
	if (flags & POSIX_SPAWN_SETPGROUP) {
		op = fx__plan_push(plan, FX__OP_SETPGID, FX_STEP_SETPGID);
		op->a = attr->pgroup;
		op->index = attr->pgroup;
	}
	if (flags & POSIX_SPAWN_RESETIDS) {
		op = fx__plan_push(plan, FX__OP_RESETIDS, FX_STEP_RESETIDS);
		op->a = (int)getgid();
		op->b = (int)getuid();
	}

	floor = drop_floor(fa, err_fd, err_fd_read);
	if (floor >= 0) {
		plan->closes_fds = 1; /* the child may start on our table */
		plan->fd_floor = floor;
		fx__plan_push(plan, FX__OP_CLOSE_FROM, FX_STEP_FDTABLE)->a = floor;
	}
	/*
	 * The error pipe took two numbers that were free when the caller
	 * named fds in its actions: if an action names one, the pipe moves
	 * out of its way and both numbers are closed again (after the table
	 * is the child's own: in a shared one that would close ours).  A
	 * closefrom spares the pipe by itself (child.c).
	 */
	if (names_fd(fa, err_fd) || names_fd(fa, err_fd_read)) {
		op = fx__plan_push(plan, FX__OP_HIDE_ERR, FX_STEP_PIPE);
		op->a = max_int(3, highest_fd(fa, fa->n) + 1);
		op->c = err_fd_read;
	}
	for (int i = 0; i < fa->n; i++)
		plan_action(plan, &fa->v[i], i);

	if (flags & POSIX_SPAWN_SETSIGMASK) {
		plan->sigmask = attr->sigmask;
		plan->has_sigmask = 1;
	}
	fx__plan_push(plan, FX__OP_SIGMASK, FX_STEP_SIGMASK);
	fx__plan_push(plan, plan->search ? FX__OP_EXEC_SEARCH : FX__OP_EXEC, FX_STEP_EXEC);
	return 0;
}
