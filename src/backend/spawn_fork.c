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
#if defined(__linux__)
#include <sys/wait.h>
#endif
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

#if defined(__linux__)
/*
 * Whether a pidfd opened after the fork names the child we made.  A child
 * that ends before pidfd_open may already be reaped by someone else (the
 * kernel, with SIGCHLD ignored; another thread's SIGCHLD handler): the
 * open then fails, or, should its pid be reused meanwhile, names a
 * stranger, whose status and signals are not ours.  waitid with WNOWAIT
 * looks without reaping: ECHILD says the pidfd names no child of ours;
 * the handle then has no pidfd, and a status that is unknown rather than
 * a stranger's.  P_PIDFD is Linux 5.4 (EINVAL before): nothing to ask.
 */
static int names_our_child(int fd)
{
	siginfo_t si;

	si.si_pid = 0;
	while (waitid((idtype_t)3 /* P_PIDFD */, (id_t)fd, &si,
	              WEXITED | WNOHANG | WNOWAIT) < 0) {
		if (errno != EINTR)
			return errno != ECHILD;
	}
	return 1;
}
#else
static int names_our_child(int fd)
{
	return 1;
}
#endif

int fx__pidfd_reserve(void)
{
	return (int)fx__sys_pidfd_open((int)fx__sys_getpid(), 0);
}

int fx__pidfd_of(pid_t pid, int reserve)
{
	long fd = fx__sys_pidfd_open(pid, 0);

	/* With the table full the reserved slot is the one left to us.
	 * Another thread could take it between the close and the open:
	 * only then does a required pidfd fail after the clone. */
	if (fd == -EMFILE && reserve >= 0) {
		close(reserve);
		reserve = -1;
		fd = fx__sys_pidfd_open(pid, 0);
	}
	if (reserve >= 0)
		close(reserve);
	return (int)fd;
}

int fx__backend_fork(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t *pid,
                     int *pidfd, int *step)
{
	pid_t child;
	int saved, reserve = -1;

	*pidfd = -1;
	/* Only clone3 can start a child in a cgroup: a plan whose child may
	 * not join it by itself (POSIX_SPAWN_SETCGROUP, as glibc has it)
	 * fails as the clone backend does without clone3.  Reached on the
	 * generic fallback (src/sys/generic), where posix_spawn forks. */
	if (plan->cgroup_fd >= 0 && !plan->cgroup_join) {
		*step = plan->cgroup_step ? plan->cgroup_step : FX_STEP_CLONE;
		return -ENOSYS;
	}
	if (plan->need_pidfd && (reserve = fx__pidfd_reserve()) < 0) {
		*step = FX_STEP_CLONE;
		return reserve;
	}
	ctx->handlers_cleared = 0;
	ctx->files_shared = 0;
	/* The child checks its parent after PR_SET_PDEATHSIG by getppid(),
	 * unless it waits for its maps: the handshake proves it then. */
	ctx->parent_pid = plan->handshake ? 0 : (int)fx__sys_getpid();
#if defined(__APPLE__)
	ctx->fd_bound = darwin_fd_bound();
#endif
	child = fx__fork();
	if (child == 0)
		fx__child_main(ctx);
	saved = errno;
	if (child < 0) {
		if (reserve >= 0)
			close(reserve);
		*step = FX_STEP_CLONE;
		return -saved;
	}
	/* The child is ours and, unless someone else reaped it already, its
	 * pid cannot have been reused. */
	if (!plan->no_pidfd) {
		int fd = fx__pidfd_of(child, reserve);
		if (fd >= 0 && !names_our_child(fd)) {
			fx__sys_close(fd);
			fd = -1;
		}
		*pidfd = fd >= 0 ? fd : -1;
	}
	*pid = child;
	return 0;
}
