/* SPDX-License-Identifier: MIT */
/*
 * Joining a running process's namespaces (forkexec-linux.h): the
 * attribute, the pidfd the child's setns takes (the caller's, or one
 * opened here for a pid, at each spawn), and the pid namespace.
 *
 * setns with a pidfd (Linux 5.8) enters several namespaces in one call,
 * in the kernel's order (the user namespace first); the child makes it
 * before its own new namespaces.  A pid namespace is different: setns
 * (and unshare) of CLONE_NEWPID changes the namespace of the caller's
 * later children only, never the caller's.  So with CLONE_NEWPID the
 * spawn runs on a short-lived helper thread that joins the pid
 * namespace itself (setns is per thread) and then clones the child,
 * which is born in it; the calling thread and the rest of the process
 * are untouched.  The cost is a thread's creation per spawn, and the
 * child's parent-death signal would fire when that thread ends, so the
 * two together are refused.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/attr.h"
#include "forkexec-linux.h"
#include "core/spawn_core.h"
#include "linux/sandbox.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* the same number on every architecture */
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define FX__JOIN_ALL (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | \
                      CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWTIME)

static int set_join(fx_attr *attr, int pidfd, pid_t pid, unsigned long flags)
{
	struct fx__linux_attr *lx;

	if (!attr || (flags & ~(unsigned long)FX__JOIN_ALL))
		return -EINVAL;
	lx = fx__attr_lx(attr);
	if (!lx)
		return -ENOMEM;
	lx->join_flags = flags;
	lx->join_pidfd = pidfd;
	lx->join_pid = pid;
	return 0;
}

int fx_attr_join_namespaces_fd(fx_attr *attr, int pidfd, unsigned long flags)
{
	if (flags && pidfd < 0)
		return -EBADF;
	return set_join(attr, flags ? pidfd : -1, 0, flags);
}

int fx_attr_join_namespaces_pid(fx_attr *attr, pid_t pid, unsigned long flags)
{
	if (flags && pid <= 0)
		return -EINVAL;
	return set_join(attr, -1, flags ? pid : 0, flags);
}

int fx__join_wire(struct fx_attr *eff, const struct fx_attr *attr, int *fd_out, fx_error *err)
{
	const struct fx__linux_attr *lx = attr->lx;
	long fd;

	*fd_out = -1;
	if (!lx || !lx->join_flags)
		return 0;
	if ((lx->join_flags & CLONE_NEWPID) && attr->pdeathsig) {
		fx__set_error(err, FX_STEP_JOIN, EINVAL, -1);
		snprintf(err->subject, sizeof err->subject,
		         "pid namespace with a parent-death signal");
		return -EINVAL;
	}
	if (lx->join_pidfd >= 0) {
		fd = lx->join_pidfd;
	} else {
		/* A pidfd is close-on-exec from birth. */
		fd = syscall(SYS_pidfd_open, lx->join_pid, 0);
		if (fd < 0) {
			fx__set_error(err, FX_STEP_JOIN, errno, lx->join_pid);
			return -err->code;
		}
		*fd_out = (int)fd;
	}
	eff->join_fd_set = 1;
	eff->join_fd = (int)fd;
	eff->join_flags = lx->join_flags;
	return 0;
}

struct join_call {
	const struct fx__spawn_request *req;
	int fd;
	pid_t pid;
	int pidfd;
	fx_error *err;
	int rc;
};

static void *join_thread(void *arg)
{
	struct join_call *c = arg;

	if (setns(c->fd, CLONE_NEWPID) < 0)
		c->rc = fx__set_error(c->err, FX_STEP_JOIN, errno, -1);
	else
		c->rc = fx__spawn_child(c->req, &c->pid, &c->pidfd, c->err);
	return NULL;
}

int fx__join_spawn_child(const struct fx__spawn_request *req, const struct fx_attr *eff,
                         pid_t *pid, int *pidfd, fx_error *err)
{
	struct join_call c = { req, eff->join_fd, -1, -1, err, 0 };
	pthread_t t;
	int rc;

	if (!eff->join_fd_set || !(eff->join_flags & CLONE_NEWPID))
		return fx__spawn_child(req, pid, pidfd, err);
	/* The thread starts with this thread's signal mask, which the
	 * child's plan may use (ctx->thread_mask). */
	rc = pthread_create(&t, NULL, join_thread, &c);
	if (rc != 0)
		return fx__set_error(err, FX_STEP_JOIN, rc, -1);
	pthread_join(t, NULL);
	*pid = c.pid;
	*pidfd = c.pidfd;
	return c.rc;
}
