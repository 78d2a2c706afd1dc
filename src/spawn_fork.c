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

#include "backend.h"
#include "sys/rawsys.h"

#if defined(FX_HAVE__FORK)
#define fx__fork() _Fork()
#elif defined(__APPLE__)
extern pid_t __fork(void);
#define fx__fork() __fork()
#else
#define fx__fork() fork()
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
