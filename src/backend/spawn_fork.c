/* SPDX-License-Identifier: MIT */
/*
 * The portable backend: a real fork, for kernels or sandboxes where the
 * clone backend cannot be used, and for other Unixes.  The child is made
 * with the fork that skips pthread_atfork handlers: _Fork() (glibc 2.34,
 * musl 1.2.2, the BSDs) or __fork() (macOS); plain fork() is the last
 * resort, and then the handlers do run.  The child then executes the same
 * plan as the clone backend's, with the same raw system calls.
 */
#include <errno.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <dirent.h>
#include <stdlib.h>
#include <sys/resource.h>
#endif

#include "backend/backend.h"
#include "sys/rawsys.h"

#if defined(FX_HAVE__FORK)
#define fx__fork() _Fork()
#elif defined(__APPLE__)
extern pid_t __fork(void);
#define fx__fork() __fork()
#else
#define fx__fork() fork()
#endif

#if defined(__APPLE__)
/*
 * Darwin has no close_range and no /proc/self/fd the child could walk
 * without allocating, so the parent bounds the table for it: above the
 * highest fd open now (listed in /dev/fd, read here where we may
 * allocate) and the soft RLIMIT_NOFILE, below which the kernel hands out
 * every new fd.  A fd at or above the bound would have to be opened by
 * another thread between this scan and __fork, above a limit lowered
 * since: not a case worth a per-spawn cost of more close calls.  The
 * child then tries each number below the bound (child_darwin.c).
 */
static int darwin_fd_bound(void)
{
	struct rlimit rl;
	long bound = 256;
	DIR *dir;
	struct dirent *d;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		bound = (long)rl.rlim_cur;
	/* OPEN_MAX, the most a process gets whatever its limit says. */
	if (bound > 10240)
		bound = 10240;
	dir = opendir("/dev/fd");
	if (dir) {
		while ((d = readdir(dir)) != NULL) {
			char *end;
			long fd = strtol(d->d_name, &end, 10);
			if (end != d->d_name && *end == 0 && fd >= bound)
				bound = fd + 1;
		}
		closedir(dir);
	}
	return (int)bound;
}
#endif

int fx__backend_fork(struct fx__child_ctx *ctx, pid_t *pid, int *pidfd, int *step)
{
	pid_t child;
	int saved;

	*pidfd = -1;
	/* Only clone3 can start a child in a cgroup: a plan whose child may
	 * not join it by itself (POSIX_SPAWN_SETCGROUP, as glibc has it)
	 * fails as the clone backend does without clone3.  Reached on the
	 * generic fallback (src/sys/generic), where posix_spawn forks. */
	if (ctx->plan->cgroup_fd >= 0 && !ctx->plan->cgroup_join) {
		*step = ctx->plan->cgroup_step ? ctx->plan->cgroup_step : FX_STEP_CLONE;
		return -ENOSYS;
	}
	ctx->handlers_cleared = 0;
	ctx->files_shared = 0;
	ctx->parent_pid = (int)fx__sys_getpid();
#if defined(__APPLE__)
	ctx->fd_bound = darwin_fd_bound();
#endif
	child = fx__fork();
	if (child == 0)
		fx__child_main(ctx);
	saved = errno;
	if (child < 0) {
		*step = FX_STEP_CLONE;
		return -saved;
	}
	/* Race-free: the child is ours and not yet reaped, so its pid
	 * cannot have been reused. */
	if (!ctx->plan->no_pidfd) {
		long fd = fx__sys_pidfd_open(child, 0);
		*pidfd = fd >= 0 ? (int)fd : -1;
	}
	*pid = child;
	return 0;
}
