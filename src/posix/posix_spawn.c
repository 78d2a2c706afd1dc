/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family on the forkexec engine.
 *
 * Built twice from this one file: into libforkexec with fx_ names, and,
 * with FX_POSIX_STANDARD_NAMES, into the drop-in (libforkexec-posix.so
 * and .a) with the standard names, so that programs compiled against the
 * system's <spawn.h> use the engine unchanged.  The state lives in the
 * bytes of the system's posix_spawnattr_t and posix_spawn_file_actions_t,
 * read and written with memcpy (their declared types are libc's, not
 * ours); a drop-in replaces every function of the family together, so no
 * object made by libc's functions ever reaches ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdalign.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "forkexec-posix.h"
#include "core/attr.h"
#include "posix/posix.h"
#include "core/proc.h"
#include "core/spawn_core.h"

#ifdef FX_POSIX_STANDARD_NAMES
#define FX_NAME(name) name
#define FX_PUBLIC __attribute__((visibility("default")))
/* Standard names this libc's <spawn.h> may not declare (glibc < 2.39). */
int posix_spawn_file_actions_addchdir(posix_spawn_file_actions_t *__restrict fa,
                                      const char *__restrict path);
int posix_spawn_file_actions_addfchdir(posix_spawn_file_actions_t *fa, int fd);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *__restrict fa,
                                         const char *__restrict path);
int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd);
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);
int posix_spawn_file_actions_addtcsetpgrp_np(posix_spawn_file_actions_t *fa, int tcfd);
int posix_spawnattr_getcgroup_np(const posix_spawnattr_t *__restrict attr,
                                 int *__restrict cgroup);
int posix_spawnattr_setcgroup_np(posix_spawnattr_t *attr, int cgroup);
int pidfd_spawn(int *__restrict pidfd, const char *__restrict path,
                const posix_spawn_file_actions_t *file_actions,
                const posix_spawnattr_t *__restrict attrp, char *const argv[],
                char *const envp[]);
int pidfd_spawnp(int *__restrict pidfd, const char *__restrict file,
                 const posix_spawn_file_actions_t *file_actions,
                 const posix_spawnattr_t *__restrict attrp, char *const argv[],
                 char *const envp[]);
#else
#define FX_NAME(name) fx_##name
#define FX_PUBLIC
#endif

/* Our state must fit in libc's objects, on glibc and on musl alike.  It
 * is copied in and out with memcpy (load_attr, store_attr...), never
 * read in place, so their alignment does not matter: on arm and i386
 * posix_spawnattr_t is 4-byte aligned, and our uint64_t masks want 8. */
_Static_assert(sizeof(struct fx__spawnattr) <= sizeof(posix_spawnattr_t),
               "fx__spawnattr does not fit in posix_spawnattr_t");
_Static_assert(sizeof(struct fx__file_actions) <= sizeof(posix_spawn_file_actions_t),
               "fx__file_actions does not fit in posix_spawn_file_actions_t");

#define FX__SPAWN_FLAGS_ALL                                                          \
	(POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |      \
	 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER | \
	 POSIX_SPAWN_USEVFORK | POSIX_SPAWN_SETSID | POSIX_SPAWN_SETCGROUP)

/* ---- the state in libc's bytes ---------------------------------------- */

static struct fx__spawnattr load_attr(const posix_spawnattr_t *attr)
{
	struct fx__spawnattr a;

	memcpy(&a, attr, sizeof a);
	return a;
}

static void store_attr(posix_spawnattr_t *attr, const struct fx__spawnattr *a)
{
	memcpy(attr, a, sizeof *a);
}

static struct fx__file_actions load_actions(const posix_spawn_file_actions_t *fa)
{
	struct fx__file_actions f;

	memcpy(&f, fa, sizeof f);
	return f;
}

static void store_actions(posix_spawn_file_actions_t *fa, const struct fx__file_actions *f)
{
	memcpy(fa, f, sizeof *f);
}

/* ---- attributes ------------------------------------------------------- */

FX_PUBLIC int FX_NAME(posix_spawnattr_init)(posix_spawnattr_t *attr)
{
	struct fx__spawnattr a;

	memset(attr, 0, sizeof *attr);
	memset(&a, 0, sizeof a);
	a.policy = SCHED_OTHER;
	store_attr(attr, &a);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_destroy)(posix_spawnattr_t *attr)
{
	(void)attr;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getflags)(const posix_spawnattr_t *__restrict attr,
                                                short *__restrict flags)
{
	*flags = load_attr(attr).flags;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setflags)(posix_spawnattr_t *attr, short flags)
{
	struct fx__spawnattr a = load_attr(attr);

	if ((unsigned short)flags & ~(unsigned)FX__SPAWN_FLAGS_ALL)
		return EINVAL;
	a.flags = flags;
	store_attr(attr, &a);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getpgroup)(const posix_spawnattr_t *__restrict attr,
                                                 pid_t *__restrict pgroup)
{
	*pgroup = load_attr(attr).pgroup;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setpgroup)(posix_spawnattr_t *attr, pid_t pgroup)
{
	struct fx__spawnattr a = load_attr(attr);

	a.pgroup = pgroup;
	store_attr(attr, &a);
	return 0;
}

/* A sigset_t from the kernel's 64-bit form. */
static void mask_to_sigset(uint64_t mask, sigset_t *set)
{
	sigemptyset(set);
	for (int sig = 1; sig <= 64; sig++)
		if (mask & (1ULL << (sig - 1)))
			sigaddset(set, sig);
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getsigmask)(const posix_spawnattr_t *__restrict attr,
                                                  sigset_t *__restrict sigmask)
{
	mask_to_sigset(load_attr(attr).sigmask, sigmask);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setsigmask)(posix_spawnattr_t *__restrict attr,
                                                  const sigset_t *__restrict sigmask)
{
	struct fx__spawnattr a = load_attr(attr);

	a.sigmask = fx__sigset_to_mask(sigmask);
	store_attr(attr, &a);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getsigdefault)(const posix_spawnattr_t *__restrict attr,
                                                     sigset_t *__restrict sigdefault)
{
	mask_to_sigset(load_attr(attr).sigdefault, sigdefault);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setsigdefault)(posix_spawnattr_t *__restrict attr,
                                                     const sigset_t *__restrict sigdefault)
{
	struct fx__spawnattr a = load_attr(attr);

	a.sigdefault = fx__sigset_to_mask(sigdefault);
	store_attr(attr, &a);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getschedpolicy)(const posix_spawnattr_t *__restrict attr,
                                                      int *__restrict policy)
{
	*policy = load_attr(attr).policy;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setschedpolicy)(posix_spawnattr_t *attr, int policy)
{
	struct fx__spawnattr a = load_attr(attr);

	switch (policy) {
	case SCHED_OTHER:
	case SCHED_FIFO:
	case SCHED_RR:
#ifdef SCHED_BATCH
	case SCHED_BATCH:
#endif
#ifdef SCHED_IDLE
	case SCHED_IDLE:
#endif
		break;
	default:
		return EINVAL;
	}
	a.policy = policy;
	store_attr(attr, &a);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getschedparam)(const posix_spawnattr_t *__restrict attr,
                                                     struct sched_param *__restrict param)
{
	memset(param, 0, sizeof *param);
	param->sched_priority = load_attr(attr).priority;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setschedparam)(posix_spawnattr_t *__restrict attr,
                                                     const struct sched_param *__restrict param)
{
	struct fx__spawnattr a = load_attr(attr);

	a.priority = param->sched_priority;
	store_attr(attr, &a);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_getcgroup_np)(const posix_spawnattr_t *__restrict attr,
                                                    int *__restrict cgroup)
{
	*cgroup = load_attr(attr).cgroup;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawnattr_setcgroup_np)(posix_spawnattr_t *attr, int cgroup)
{
	struct fx__spawnattr a = load_attr(attr);

	a.cgroup = cgroup;
	store_attr(attr, &a);
	return 0;
}

/* ---- file actions ----------------------------------------------------- */

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_init)(posix_spawn_file_actions_t *fa)
{
	struct fx__file_actions f = { NULL, 0, 0 };

	memset(fa, 0, sizeof *fa);
	store_actions(fa, &f);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_destroy)(posix_spawn_file_actions_t *fa)
{
	struct fx__file_actions f = load_actions(fa);

	for (int i = 0; i < f.n; i++)
		free(f.v[i].path);
	free(f.v);
	return FX_NAME(posix_spawn_file_actions_init)(fa);
}

/* As glibc: an fd the process could never have open is EBADF at once. */
static int fd_is_valid(int fd)
{
	long max = sysconf(_SC_OPEN_MAX);

	return fd >= 0 && (max < 0 || fd < max);
}

/* Appends an action; the path, if any, is copied. */
static int add_action(posix_spawn_file_actions_t *fa, const struct fx__action *action)
{
	struct fx__file_actions f = load_actions(fa);
	struct fx__action a = *action;

	if (f.n == f.cap) {
		int cap = f.cap ? 2 * f.cap : 8;
		struct fx__action *v = realloc(f.v, (size_t)cap * sizeof *v);
		if (!v)
			return ENOMEM;
		f.v = v;
		f.cap = cap;
	}
	if (a.path && !(a.path = strdup(a.path))) {
		store_actions(fa, &f);
		return ENOMEM;
	}
	f.v[f.n++] = a;
	store_actions(fa, &f);
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addopen)(posix_spawn_file_actions_t *__restrict fa,
                                                        int fd, const char *__restrict path,
                                                        int oflag, mode_t mode)
{
	struct fx__action a = { FX__FA_OPEN, fd, -1, oflag, mode, (char *)path };

	if (!fd_is_valid(fd))
		return EBADF;
	return add_action(fa, &a);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addclose)(posix_spawn_file_actions_t *fa, int fd)
{
	struct fx__action a = { FX__FA_CLOSE, fd, -1, 0, 0, NULL };

	if (!fd_is_valid(fd))
		return EBADF;
	return add_action(fa, &a);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_adddup2)(posix_spawn_file_actions_t *fa, int fd,
                                                        int newfd)
{
	struct fx__action a = { FX__FA_DUP2, fd, newfd, 0, 0, NULL };

	if (!fd_is_valid(fd) || !fd_is_valid(newfd))
		return EBADF;
	return add_action(fa, &a);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addchdir)(posix_spawn_file_actions_t *__restrict fa,
                                                         const char *__restrict path)
{
	struct fx__action a = { FX__FA_CHDIR, -1, -1, 0, 0, (char *)path };

	return add_action(fa, &a);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addfchdir)(posix_spawn_file_actions_t *fa, int fd)
{
	struct fx__action a = { FX__FA_FCHDIR, fd, -1, 0, 0, NULL };

	if (!fd_is_valid(fd))
		return EBADF;
	return add_action(fa, &a);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addchdir_np)(
	posix_spawn_file_actions_t *__restrict fa, const char *__restrict path)
{
	return FX_NAME(posix_spawn_file_actions_addchdir)(fa, path);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addfchdir_np)(posix_spawn_file_actions_t *fa,
                                                             int fd)
{
	return FX_NAME(posix_spawn_file_actions_addfchdir)(fa, fd);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addclosefrom_np)(posix_spawn_file_actions_t *fa,
                                                                int from)
{
	struct fx__action a = { FX__FA_CLOSEFROM, from, -1, 0, 0, NULL };

	if (!fd_is_valid(from))
		return EBADF;
	return add_action(fa, &a);
}

FX_PUBLIC int FX_NAME(posix_spawn_file_actions_addtcsetpgrp_np)(posix_spawn_file_actions_t *fa,
                                                                int tcfd)
{
	struct fx__action a = { FX__FA_TCSETPGRP, tcfd, -1, 0, 0, NULL };

	if (!fd_is_valid(tcfd))
		return EBADF;
	return add_action(fa, &a);
}

/* ---- spawning --------------------------------------------------------- */

/* Names what the failed step worked on: `3 (open "/x")` for action 3. */
static void describe(const struct fx__plan *plan, const void *source, fx_error *err)
{
	const struct fx__posix_call *call = source;
	const struct fx__file_actions *fa = call->actions;
	char *s = err->subject;
	size_t len = sizeof err->subject;
	long i = err->index;

	switch (err->step) {
	case FX_STEP_FILE_ACTION: {
		if (i < 0 || i >= fa->n)
			break;
		const struct fx__action *a = &fa->v[i];
		switch (a->kind) {
		case FX__FA_OPEN:
			snprintf(s, len, "%ld (open \"%s\")", i, a->path);
			break;
		case FX__FA_CLOSE:
			snprintf(s, len, "%ld (close %d)", i, a->fd);
			break;
		case FX__FA_DUP2:
			snprintf(s, len, "%ld (dup2 %d -> %d)", i, a->fd, a->newfd);
			break;
		case FX__FA_CHDIR:
			snprintf(s, len, "%ld (chdir \"%s\")", i, a->path);
			break;
		case FX__FA_FCHDIR:
			snprintf(s, len, "%ld (fchdir %d)", i, a->fd);
			break;
		case FX__FA_CLOSEFROM:
			snprintf(s, len, "%ld (closefrom %d)", i, a->fd);
			break;
		default:
			snprintf(s, len, "%ld (tcsetpgrp %d)", i, a->fd);
			break;
		}
		break;
	}
	case FX_STEP_EXEC:
		if (plan->search && i >= 0 && (size_t)i < plan->nsearch)
			snprintf(s, len, "%s", plan->search[i]);
		else
			snprintf(s, len, "%s", call->file);
		break;
	case FX_STEP_SETPGID:
		snprintf(s, len, "%ld", i);
		break;
	case FX_STEP_SCHED:
		snprintf(s, len, "(policy %d, priority %d)", call->attr->policy,
		         call->attr->priority);
		break;
	default:
		break;
	}
}

/* The calling thread's last spawn, for fx_posix_spawn_error(). */
static __thread fx_error last_error;

static int spawn(pid_t *pid, int *pidfd, const char *file, int search,
                 const posix_spawn_file_actions_t *file_actions,
                 const posix_spawnattr_t *attrp, char *const argv[], char *const envp[])
{
	struct fx__spawnattr attr;
	struct fx__file_actions none = { NULL, 0, 0 }, actions;
	struct fx__posix_call call;
	struct fx__spawn_request req;
	pid_t child = -1;
	int child_pidfd = -1, rc;

	fx__set_error(&last_error, FX_STEP_NONE, 0, -1);
	if (attrp) {
		attr = load_attr(attrp);
	} else {
		memset(&attr, 0, sizeof attr);
		attr.policy = SCHED_OTHER;
	}
	actions = file_actions ? load_actions(file_actions) : none;
	if (!file) {
		fx__set_error(&last_error, FX_STEP_ARGS, EINVAL, -1);
		return EINVAL;
	}
	if (search && !*file) {
		fx__set_error(&last_error, FX_STEP_LOOKUP, ENOENT, -1);
		return ENOENT;
	}
	call = (struct fx__posix_call){ &attr, &actions, file, search, argv, envp, pidfd != NULL };
	req = (struct fx__spawn_request){ FX__BACKEND_DEFAULT, fx__plan_build_posix, &call,
	                                  describe };
	rc = fx__spawn_child(&req, &child, &child_pidfd, &last_error);
	if (rc < 0)
		return -rc;
	if (pidfd && child_pidfd < 0) {
		/* No pidfd from the kernel (before Linux 5.3): the child runs
		 * and nobody could wait for it through this interface. */
		kill(child, SIGKILL);
		fx__reap(child, -1);
		fx__set_error(&last_error, FX_STEP_CLONE, ENOSYS, -1);
		return ENOSYS;
	}
	if (pid)
		*pid = child;
	if (pidfd)
		*pidfd = child_pidfd;
	return 0;
}

FX_PUBLIC int FX_NAME(posix_spawn)(pid_t *__restrict pid, const char *__restrict path,
                                   const posix_spawn_file_actions_t *file_actions,
                                   const posix_spawnattr_t *__restrict attrp,
                                   char *const argv[], char *const envp[])
{
	return spawn(pid, NULL, path, 0, file_actions, attrp, argv, envp);
}

FX_PUBLIC int FX_NAME(posix_spawnp)(pid_t *__restrict pid, const char *__restrict file,
                                    const posix_spawn_file_actions_t *file_actions,
                                    const posix_spawnattr_t *__restrict attrp,
                                    char *const argv[], char *const envp[])
{
	return spawn(pid, NULL, file, 1, file_actions, attrp, argv, envp);
}

FX_PUBLIC int FX_NAME(pidfd_spawn)(int *__restrict pidfd, const char *__restrict path,
                                   const posix_spawn_file_actions_t *file_actions,
                                   const posix_spawnattr_t *__restrict attrp,
                                   char *const argv[], char *const envp[])
{
	return spawn(NULL, pidfd, path, 0, file_actions, attrp, argv, envp);
}

FX_PUBLIC int FX_NAME(pidfd_spawnp)(int *__restrict pidfd, const char *__restrict file,
                                    const posix_spawn_file_actions_t *file_actions,
                                    const posix_spawnattr_t *__restrict attrp,
                                    char *const argv[], char *const envp[])
{
	return spawn(NULL, pidfd, file, 1, file_actions, attrp, argv, envp);
}

#ifndef FX_POSIX_STANDARD_NAMES
int fx_posix_spawn_error(fx_error *err)
{
	if (err)
		*err = last_error;
	return last_error.step == FX_STEP_NONE ? 0 : last_error.code;
}
#endif
