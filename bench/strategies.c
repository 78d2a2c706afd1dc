/*
 * The in-process ways to start a program and wait for it.  Each returns the
 * wait status, so the runner can insist on "exited 0" every time.
 *
 * The floor is the least a Linux process can do: clone(CLONE_VM|CLONE_VFORK)
 * on a stack of its own, then execve, with no signal blocking, no error
 * channel, no descriptor hygiene.  Everything else is measured against it.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec.h"

extern char **environ;

/*
 * SLOT: fx_posix_spawn is not in the library yet.  It is declared weak,
 * with posix_spawn's prototype, so the bench links without it and skips the
 * strategy with a note; with the symbol present the strategy runs.  When
 * forkexec.h declares it, this declaration must agree with it (or go).
 */
extern int fx_posix_spawn(pid_t *restrict pid, const char *restrict path,
                          const posix_spawn_file_actions_t *file_actions,
                          const posix_spawnattr_t *restrict attrp,
                          char *const argv[restrict],
                          char *const envp[restrict]) __attribute__((weak));

static int devnull_r = -1, devnull_w = -1;
static fx_attr *typical_attr;

static int reap(pid_t pid, struct spawn_ctx *ctx)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			snprintf(ctx->why, sizeof ctx->why, "waitpid: %s", strerror(errno));
			return -errno;
		}
	}
	return st;
}

/* ---- the floor --------------------------------------------------- */

/*
 * One stack per spawning thread, static: the floor pays for no mapping.
 * 64 KiB is plenty for a function that makes one system call.
 */
static char floor_stacks[BENCH_MAX_THREADS][64 * 1024] __attribute__((aligned(64)));

static int floor_child(void *arg)
{
	const struct target *t = arg;

	/*
	 * syscall(2), not execve(3): one trap and nothing else.  On failure
	 * it writes errno, which is the parent's (shared memory, shared TLS):
	 * the floor has no safety at all, by definition.
	 */
	syscall(SYS_execve, t->path, t->argv, environ);
	syscall(SYS_exit, 127);
	return 127;
}

static int run_floor(const struct target *t, struct spawn_ctx *ctx)
{
	char *stack = floor_stacks[ctx->worker] + sizeof floor_stacks[0];
	pid_t pid = clone(floor_child, stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
	                  (void *)t);

	if (pid < 0) {
		snprintf(ctx->why, sizeof ctx->why, "clone: %s", strerror(errno));
		return -errno;
	}
	return reap(pid, ctx);
}

/* ---- libc ------------------------------------------------------- */

static int run_fork(const struct target *t, struct spawn_ctx *ctx)
{
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(ctx->why, sizeof ctx->why, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		execve(t->path, t->argv, environ);
		_exit(127);
	}
	return reap(pid, ctx);
}

static int run_vfork(const struct target *t, struct spawn_ctx *ctx)
{
	pid_t pid = vfork();

	if (pid < 0) {
		snprintf(ctx->why, sizeof ctx->why, "vfork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		execve(t->path, t->argv, environ);
		_exit(127);
	}
	return reap(pid, ctx);
}

static int run_posix_spawn(const struct target *t, struct spawn_ctx *ctx)
{
	pid_t pid;
	int e = posix_spawn(&pid, t->path, NULL, NULL, t->argv, environ);

	if (e) {
		snprintf(ctx->why, sizeof ctx->why, "posix_spawn: %s", strerror(e));
		return -e;
	}
	return reap(pid, ctx);
}

/* ---- forkexec ---------------------------------------------------- */

static int fx_run_attr(const struct target *t, const fx_attr *attr,
                       struct spawn_ctx *ctx)
{
	fx_proc *p;
	fx_error err;
	int st, r;

	r = fx_spawn(&p, t->path, t->argv, attr, &err);
	if (r < 0) {
		char msg[320];

		snprintf(ctx->why, sizeof ctx->why, "fx_spawn: %s",
		         fx_strerror(&err, msg, sizeof msg));
		return r;
	}
	r = fx_wait(p, &st, -1);
	fx_proc_free(p);
	if (r < 0) {
		snprintf(ctx->why, sizeof ctx->why, "fx_wait: %s", strerror(-r));
		return r;
	}
	return st;
}

/* Defaults: other descriptors closed, caught signals reset. */
static int run_fx_default(const struct target *t, struct spawn_ctx *ctx)
{
	return fx_run_attr(t, NULL, ctx);
}

/* What a service manager asks for: chdir, a new session, stdio mapped. */
static int run_fx_typical(const struct target *t, struct spawn_ctx *ctx)
{
	return fx_run_attr(t, typical_attr, ctx);
}

static int run_fx_posix_spawn(const struct target *t, struct spawn_ctx *ctx)
{
	pid_t pid;
	int e = fx_posix_spawn(&pid, t->path, NULL, NULL, t->argv, environ);

	if (e) {
		snprintf(ctx->why, sizeof ctx->why, "fx_posix_spawn: %s", strerror(e));
		return -e;
	}
	return reap(pid, ctx);
}

static const char *fx_posix_spawn_unavailable(void)
{
	if (!fx_posix_spawn)
		return "fx_posix_spawn is not in the library yet: skipped";
	return NULL;
}

const struct strategy bench_strategies[] = {
	{ "floor", "floor: clone(VM|VFORK)+execve", run_floor, NULL, true },
	{ "fork", "fork+execve", run_fork, NULL, false },
	{ "vfork", "vfork+execve", run_vfork, NULL, false },
	{ "posix_spawn", "glibc posix_spawn", run_posix_spawn, NULL, false },
	{ "fx_default", "fx_spawn, defaults", run_fx_default, NULL, false },
	{ "fx_typical", "fx_spawn, chdir+setsid+3 fds", run_fx_typical, NULL, false },
	{ "fx_posix_spawn", "fx_posix_spawn", run_fx_posix_spawn,
	  fx_posix_spawn_unavailable, false },
};
const size_t bench_nstrategies = sizeof bench_strategies / sizeof bench_strategies[0];

const struct strategy *bench_strategy_find(const char *name)
{
	for (size_t i = 0; i < bench_nstrategies; i++)
		if (!strcmp(bench_strategies[i].name, name))
			return &bench_strategies[i];
	return NULL;
}

int bench_strategies_init(void)
{
	int r;

	/* Close-on-exec here: only the mapping hands them to the child. */
	devnull_r = open("/dev/null", O_RDONLY | O_CLOEXEC);
	devnull_w = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull_r < 0 || devnull_w < 0) {
		fprintf(stderr, "fxbench: /dev/null: %s\n", strerror(errno));
		return -1;
	}
	if ((r = fx_attr_new(&typical_attr)) < 0 ||
	    (r = fx_attr_set_cwd(typical_attr, "/")) < 0 ||
	    (r = fx_attr_set_flags(typical_attr, FX_SETSID)) < 0 ||
	    (r = fx_attr_map_fd(typical_attr, 0, devnull_r)) < 0 ||
	    (r = fx_attr_map_fd(typical_attr, 1, devnull_w)) < 0 ||
	    (r = fx_attr_map_fd(typical_attr, 2, devnull_w)) < 0) {
		fprintf(stderr, "fxbench: building the typical attributes: %s\n",
		        strerror(-r));
		return -1;
	}
	return 0;
}
