/* SPDX-License-Identifier: MIT */
/*
 * attr + argv + envp -> the plan the child executes (see plan.h).
 *
 * All decisions are made here, where we may allocate: the order of the
 * child's steps, the descriptor shuffle, which ranges to close, which
 * signal mask to install.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/attr.h"
#include "child/plan.h"
#include "linux/plan_linux.h"

extern char **environ;

/* Room for every fixed step plus the shuffle (at most 2 ops a mapping,
 * one range a gap between targets, one move of the error channel). */
#define FX__FIXED_OPS 25

struct fx__op *fx__plan_push(struct fx__plan *plan, unsigned kind, unsigned step)
{
	struct fx__op *op = &plan->child.ops[plan->child.nops++];

	memset(op, 0, sizeof *op);
	op->kind = (unsigned short)kind;
	op->step = (unsigned short)step;
	op->index = -1;
	return op;
}

void fx__plan_push_rlimits(struct fx__plan *plan, const struct fx__linux_attr *lx, unsigned kind)
{
	for (int r = 0; r < FX__NRLIMITS; r++) {
		if (!(lx->rlimit_set & (1u << r)))
			continue;
		struct fx__op *op = fx__plan_push(plan, kind, FX_STEP_RLIMIT);
		op->a = r;
		op->ptr = lx->rlimit[r];
		op->index = r;
	}
}

void fx__plan_push_nice(struct fx__plan *plan, const struct fx__linux_attr *lx)
{
	struct fx__op *op;
	int value = lx->nice;

	if (!lx->has_nice)
		return;
	if (lx->nice_relative) {
		/* The calling thread's on Linux (nice is per thread there),
		 * the process's elsewhere: in both what the child starts
		 * with.  -1 is a nice value too: errno tells. */
		int saved = errno, now;

		errno = 0;
		now = getpriority(PRIO_PROCESS, 0);
		if (now == -1 && errno != 0)
			now = 0;
		errno = saved;
		value = now + lx->nice;
		value = value < -20 ? -20 : value > 19 ? 19 : value;
	}
	op = fx__plan_push(plan, FX__OP_NICE, FX_STEP_NICE);
	op->a = value;
	if (lx->nice_relative)
		op->index = value;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static int is_target(const struct fx_attr *attr, int fd)
{
	if (fd < 0)
		return 0;
	for (size_t i = 0; i < attr->nmaps; i++)
		if (attr->maps[i].child_fd == fd)
			return 1;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/*
 * The descriptor shuffle, for any mapping child_fd <- parent_fd:
 *   0. with close-other-fds, drop everything at or above `floor` (above
 *      every fd we care about): this is also where a child sharing the
 *      parent's table gets one of its own, holding only the fds below;
 *   1. the error pipe, if there is one, moves out of the way if a target
 *      lands on it;
 *   2. every source that is also some target is first copied to a free
 *      fd >= floor, so no dup onto a target destroys a source still needed
 *      (this handles cycles such as 0->1->2->0);
 *   3. each target is made: dup3 from the source or its copy, or, for a
 *      target equal to its source, clearing close-on-exec (dup2(fd, fd)
 *      would leave the flag set), or closing;
 *   4. with close-other-fds, the gaps between the kept fds are closed.
 * Fds 0-2 not mapped are left as the parent has them.
 */
static int plan_fds(struct fx__plan *plan, const struct fx_attr *attr, int err_fd,
                    int err_fd_read, long *bad_fd)
{
	int closes = !(attr->flags & FX_KEEP_FDS);
	int floor = 3;
	int *targets = NULL;
	size_t ntargets = 0, slot = 0;

	for (size_t i = 0; i < attr->nmaps; i++) {
		const struct fx__fd_map *m = &attr->maps[i];
		/* The pipe took a number that was free: the source the caller
		 * named was not open at spawn time. */
		if (err_fd >= 0 && (m->parent_fd == err_fd || m->parent_fd == err_fd_read)) {
			*bad_fd = m->child_fd;
			return -EBADF;
		}
		floor = max_int(floor, max_int(m->child_fd, m->parent_fd) + 1);
	}
	floor = max_int(floor, err_fd + 1);
	plan->fd_floor = floor;
	plan->closes_fds = closes;

	if (closes)
		fx__plan_push(plan, FX__OP_CLOSE_FROM, FX_STEP_FDTABLE)->a = floor;
	if (is_target(attr, err_fd))
		fx__plan_push(plan, FX__OP_MOVE_ERR, FX_STEP_FD_MAP)->a = floor;

	int *slot_of = calloc(attr->nmaps + 1, sizeof *slot_of);
	if (!slot_of)
		return -ENOMEM;
	for (size_t i = 0; i < attr->nmaps; i++) {
		const struct fx__fd_map *m = &attr->maps[i];
		slot_of[i] = -1;
		if (m->parent_fd < 0 || m->parent_fd == m->child_fd || !is_target(attr, m->parent_fd))
			continue;
		struct fx__op *op = fx__plan_push(plan, FX__OP_FD_TO_SLOT, FX_STEP_FD_MAP);
		op->a = m->parent_fd;
		op->b = (int)slot;
		op->c = floor;
		op->index = m->child_fd;
		slot_of[i] = (int)slot++;
	}
	plan->nslots = slot;

	for (size_t i = 0; i < attr->nmaps; i++) {
		const struct fx__fd_map *m = &attr->maps[i];
		struct fx__op *op;
		if (m->parent_fd < 0) {
			op = fx__plan_push(plan, FX__OP_CLOSE_FD, FX_STEP_FD_MAP);
			op->a = m->child_fd;
		} else if (m->parent_fd == m->child_fd) {
			op = fx__plan_push(plan, FX__OP_INHERIT_FD, FX_STEP_FD_MAP);
			op->a = m->child_fd;
		} else if (slot_of[i] >= 0) {
			op = fx__plan_push(plan, FX__OP_DUP_SLOT, FX_STEP_FD_MAP);
			op->a = slot_of[i];
			op->b = m->child_fd;
		} else {
			op = fx__plan_push(plan, FX__OP_DUP_FD, FX_STEP_FD_MAP);
			op->a = m->parent_fd;
			op->b = m->child_fd;
		}
		op->index = m->child_fd;
	}
	free(slot_of);

	if (!closes)
		return 0;
	targets = malloc((attr->nmaps + 1) * sizeof *targets);
	if (!targets)
		return -ENOMEM;
	for (size_t i = 0; i < attr->nmaps; i++)
		if (attr->maps[i].parent_fd >= 0 && attr->maps[i].child_fd > 2)
			targets[ntargets++] = attr->maps[i].child_fd;
	qsort(targets, ntargets, sizeof *targets, cmp_int);

	/* Step 0 already closed everything >= floor; only copies made after
	 * it (step 1 and 2) can live up there. */
	unsigned top = (slot || is_target(attr, err_fd)) ? ~0U : (unsigned)floor - 1;
	unsigned lo = 3;
	for (size_t i = 0; i <= ntargets; i++) {
		unsigned hi = i < ntargets ? (unsigned)targets[i] - 1 : top;
		if (lo <= hi) {
			struct fx__op *op = fx__plan_push(plan, FX__OP_CLOSE_RANGE, FX_STEP_CLOSE_FDS);
			op->a = (int)lo;
			op->b = (int)hi;
		}
		if (i < ntargets)
			lo = (unsigned)targets[i] + 1;
	}
	free(targets);
	return 0;
}

static int copy_argv(struct fx__plan *plan, const struct fx_attr *attr, char *const argv[])
{
	size_t n = 0;

	if (!attr->argv0) {
		plan->child.argv = argv;
		return 0;
	}
	while (argv[n])
		n++;
	plan->argv_owned = malloc((n + 1) * sizeof *plan->argv_owned);
	if (!plan->argv_owned)
		return -ENOMEM;
	plan->argv_owned[0] = attr->argv0;
	for (size_t i = 1; i <= n; i++)
		plan->argv_owned[i] = argv[i];
	plan->child.argv = plan->argv_owned;
	return 0;
}

/* Inheriting: a copy of the array (not the strings), so that a setenv in
 * another thread cannot free the array under the child. */
static int copy_env(struct fx__plan *plan, const struct fx_attr *attr)
{
	size_t n = 0;
	char **env = environ;

	if (attr->env) {
		plan->child.envp = attr->env;
		return 0;
	}
	while (env && env[n])
		n++;
	plan->envp_owned = malloc((n + 1) * sizeof *plan->envp_owned);
	if (!plan->envp_owned)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		plan->envp_owned[i] = env[i];
	plan->envp_owned[n] = NULL;
	plan->child.envp = plan->envp_owned;
	return 0;
}

int fx__plan_build(struct fx__plan *plan, const struct fx_attr *attr, const char *path,
                   char *const argv[], int err_fd, int err_fd_read, long *bad_fd)
{
	unsigned flags = attr->flags;
	struct fx__op *op;
	int rc;

	memset(plan, 0, sizeof *plan);
	plan->cgroup_fd = -1;
	plan->child.path = path;
	plan->child.ops = calloc(FX__FIXED_OPS + 2 * attr->nmaps + attr->nmaps + 2 +
	                   fx__plan_linux_nops(attr), sizeof *plan->child.ops);
	if (!plan->child.ops)
		return -ENOMEM;
	if ((rc = copy_argv(plan, attr, argv)) < 0 || (rc = copy_env(plan, attr)) < 0)
		return rc;

	/* Signals first: from here on no parent handler may run in the child. */
	fx__plan_push(plan, FX__OP_RESET_HANDLERS, FX_STEP_SIGNALS);
	if (flags & FX_CLEAN_SIGNALS)
		plan->sigdefault = ~0ULL;
	else if (attr->has_sigdefault)
		plan->sigdefault = attr->sigdefault;
	if (plan->sigdefault)
		fx__plan_push(plan, FX__OP_SIG_DEFAULT, FX_STEP_SIGNALS)->ptr = &plan->sigdefault;
	if (attr->pdeathsig) {
		fx__plan_push(plan, FX__OP_PDEATHSIG, FX_STEP_PDEATHSIG)->a = attr->pdeathsig;
		plan->checks_parent = 1;
	}

	if (flags & FX_SETSID)
		fx__plan_push(plan, FX__OP_SETSID, FX_STEP_SETSID);
	if (attr->pgid >= 0) {
		op = fx__plan_push(plan, FX__OP_SETPGID, FX_STEP_SETPGID);
		op->a = attr->pgid;
		op->index = attr->pgid;
	}
	if ((rc = fx__plan_linux_namespaces(plan, attr)) < 0)
		return rc;
	if (attr->root)
		fx__plan_push(plan, FX__OP_CHROOT, FX_STEP_CHROOT)->ptr = attr->root;
	fx__plan_linux_limits(plan, attr);
	if (attr->has_groups) {
		op = fx__plan_push(plan, FX__OP_SETGROUPS, FX_STEP_SETGROUPS);
		op->a = (int)attr->ngroups;
		op->ptr = attr->groups;
		op->index = (long)attr->ngroups;
	}
	if (attr->has_gid) {
		op = fx__plan_push(plan, FX__OP_SETGID, FX_STEP_SETGID);
		op->a = (int)attr->gid;
		op->index = attr->gid;
	}
	if (attr->has_uid) {
		if (fx__plan_linux_keepcaps_prctl(attr))
			fx__plan_push(plan, FX__OP_KEEPCAPS, FX_STEP_AMBIENT);
		op = fx__plan_push(plan, FX__OP_SETUID, FX_STEP_SETUID);
		op->a = (int)attr->uid;
		op->index = attr->uid;
		/* No privilege may outlive the switch to an ordinary user,
		 * but the ambient capabilities asked for. */
		if (attr->uid != 0 && !fx__plan_linux_setuid_keeps_caps(attr))
			fx__plan_push(plan, FX__OP_DROP_CAPS, FX_STEP_DROPCAPS)->a =
				fx__plan_linux_keeps_inheritable(attr);
	}
	/* The kernel clears the parent-death signal when the effective uid
	 * or gid changes: set it again, as Go's runtime and setpriv(1) do,
	 * or `-u USER --pdeathsig SIG` would silently have none. */
	if (attr->pdeathsig && (attr->has_uid || attr->has_gid))
		fx__plan_push(plan, FX__OP_PDEATHSIG, FX_STEP_PDEATHSIG)->a = attr->pdeathsig;
	fx__plan_linux_ambient(plan, attr);
	/* A chroot without chdir would leave the child's cwd outside its
	 * new root, where "..", walked far enough, leads back out. */
	if (attr->cwd || attr->root)
		fx__plan_push(plan, FX__OP_CHDIR, FX_STEP_CHDIR)->ptr = attr->cwd ? attr->cwd : "/";

	if ((rc = plan_fds(plan, attr, err_fd, err_fd_read, bad_fd)) < 0)
		return rc;

	if (flags & FX_NOCTTY)
		fx__plan_push(plan, FX__OP_NOCTTY, FX_STEP_NOCTTY)->index = 0;
	if (flags & FX_SETCTTY) {
		op = fx__plan_push(plan, FX__OP_SETCTTY, FX_STEP_SETCTTY);
		op->a = attr->tty_fd;
		op->b = !!(flags & FX_STEAL_CTTY);
		op->index = attr->tty_fd;
	}
	if (flags & FX_FOREGROUND) {
		op = fx__plan_push(plan, FX__OP_FOREGROUND, FX_STEP_FOREGROUND);
		op->a = attr->tty_fd;
		op->index = attr->tty_fd;
	}

	fx__plan_linux_late(plan, attr);

	if (attr->has_sigmask) {
		plan->child.sigmask = attr->sigmask;
		plan->child.has_sigmask = 1;
	} else if (flags & FX_CLEAN_SIGNALS) {
		plan->child.sigmask = 0;
		plan->child.has_sigmask = 1;
	}
	fx__plan_push(plan, FX__OP_SIGMASK, FX_STEP_SIGMASK);
	if (flags & FX_PTRACE)
		fx__plan_push(plan, FX__OP_PTRACE, FX_STEP_PTRACE);
	fx__plan_linux_seccomp(plan, attr);
	fx__plan_push(plan, FX__OP_EXEC, FX_STEP_EXEC);
	return 0;
}

void fx__plan_free(struct fx__plan *plan)
{
	free(plan->child.ops);
	free(plan->argv_owned);
	free(plan->envp_owned);
	free(plan->child.search);
	free(plan->child.shell_argv);
	fx__plan_linux_free(plan);
	memset(plan, 0, sizeof *plan);
}
