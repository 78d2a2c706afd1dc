/* SPDX-License-Identifier: MIT */
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
#include "forkexec-linux.h"
#include "forkexec-posix.h"

extern char **environ;

static int devnull_r = -1, devnull_w = -1;
static fx_attr *typical_attr, *userns_attr, *sandbox_attr;

/*
 * The posix_spawn objects, glibc's and ours, built once by
 * bench_strategies_init as a real caller would: a spawn then pays for the
 * spawn alone, not for building its actions.  An fx_ object must be made
 * and used by fx_ functions only, so each set exists twice.
 */
static posix_spawn_file_actions_t glibc_typical_fa, glibc_closefrom_fa;
static posix_spawnattr_t glibc_typical_sa;
static posix_spawn_file_actions_t fx_typical_fa, fx_closefrom_fa;
static posix_spawnattr_t fx_typical_sa;

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

/*
 * /proc/PID/NAME of a child that waits for it, one write (the kernel takes
 * a map whole, once).  Returns 0 or a negative errno, with why filled.
 */
static int write_proc(pid_t pid, const char *name, const char *text,
                      struct spawn_ctx *ctx)
{
	char path[64];
	size_t len = strlen(text);
	ssize_t n;
	int fd, e = 0;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
		e = errno;
	} else {
		while ((n = write(fd, text, len)) < 0 && errno == EINTR)
			;
		e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
		close(fd);
	}
	if (e)
		snprintf(ctx->why, sizeof ctx->why, "%s \"%s\": %s", name, text,
		         strerror(e));
	return -e;
}

/* "0 EUID 1", "0 EGID 1": root inside, us outside (unshare -r). */
static char uid_map_text[32], gid_map_text[32];

/*
 * What a fork-based spawner does for a new user namespace with maps (Go's
 * os/exec, which drops CLONE_VM|CLONE_VFORK for it): fork, copying the
 * page tables; the child enters a new user namespace and says so; the
 * parent writes setgroups "deny", uid_map and gid_map; the child, let go,
 * runs the program.  Go makes the namespace with the clone itself, not
 * with unshare: the same work in the child, and the copy is the cost.
 * The child reports unshare's errno (0: done) on one pipe and waits on
 * the other: a byte goes on, end of file gives up.
 */
static int run_fork_userns(const struct target *t, struct spawn_ctx *ctx)
{
	int ready[2] = { -1, -1 }, go[2], e = 0, st;
	ssize_t n;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		e = errno;
		if (ready[0] >= 0) {
			close(ready[0]);
			close(ready[1]);
		}
		snprintf(ctx->why, sizeof ctx->why, "pipe2: %s", strerror(e));
		return -e;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		snprintf(ctx->why, sizeof ctx->why, "fork: %s", strerror(e));
		close(ready[0]);
		close(ready[1]);
		close(go[0]);
		close(go[1]);
		return -e;
	}
	if (pid == 0) {
		char c;

		close(ready[0]);
		close(go[1]);
		e = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
		if (write(ready[1], &e, sizeof e) != (ssize_t)sizeof e || e ||
		    read(go[0], &c, 1) != 1)
			_exit(126);
		execve(t->path, t->argv, environ);
		_exit(127);
	}
	close(ready[1]);
	close(go[0]);
	while ((n = read(ready[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof e) {
		e = n < 0 ? errno : EPIPE;
		snprintf(ctx->why, sizeof ctx->why, "child's report: %s", strerror(e));
	} else if (e) {
		snprintf(ctx->why, sizeof ctx->why, "unshare(CLONE_NEWUSER): %s",
		         strerror(e));
	} else if ((e = -write_proc(pid, "setgroups", "deny", ctx)) == 0 &&
	           (e = -write_proc(pid, "uid_map", uid_map_text, ctx)) == 0 &&
	           (e = -write_proc(pid, "gid_map", gid_map_text, ctx)) == 0 &&
	           write(go[1], "", 1) != 1) {
		e = errno;
		snprintf(ctx->why, sizeof ctx->why, "write: %s", strerror(e));
	}
	close(ready[0]);
	close(go[1]);
	st = reap(pid, ctx);
	return e ? -e : st;
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

/* posix_spawn and fx_posix_spawn alike: the prototype without restrict. */
typedef int spawn_fn(pid_t *pid, const char *path,
                     const posix_spawn_file_actions_t *fa,
                     const posix_spawnattr_t *sa, char *const argv[],
                     char *const envp[]);

static int ps_run(spawn_fn *fn, const char *what, const struct target *t,
                  const posix_spawn_file_actions_t *fa,
                  const posix_spawnattr_t *sa, struct spawn_ctx *ctx)
{
	pid_t pid;
	int e = fn(&pid, t->path, fa, sa, t->argv, environ);

	if (e) {
		char msg[320];
		fx_error err;

		/* Ours says which step or file action failed. */
		if (fn == fx_posix_spawn && fx_posix_spawn_error(&err))
			snprintf(ctx->why, sizeof ctx->why, "%s: %s", what,
			         fx_strerror(&err, msg, sizeof msg));
		else
			snprintf(ctx->why, sizeof ctx->why, "%s: %s", what, strerror(e));
		return -e;
	}
	return reap(pid, ctx);
}

static int run_posix_spawn(const struct target *t, struct spawn_ctx *ctx)
{
	return ps_run(posix_spawn, "posix_spawn", t, NULL, NULL, ctx);
}

/* The typical set in POSIX terms: 3 dup2 actions, a chdir, a new session. */
static int run_posix_spawn_typical(const struct target *t, struct spawn_ctx *ctx)
{
	return ps_run(posix_spawn, "posix_spawn", t, &glibc_typical_fa,
	              &glibc_typical_sa, ctx);
}

/*
 * closefrom(3): glibc's child, made with CLONE_VM but not CLONE_FILES,
 * gets a copy of the whole descriptor table from clone, then closes it.
 */
static int run_posix_spawn_closefrom(const struct target *t, struct spawn_ctx *ctx)
{
	return ps_run(posix_spawn, "posix_spawn", t, &glibc_closefrom_fa, NULL, ctx);
}

/* ---- forkexec ---------------------------------------------------- */

static int fx_run_path(const char *path, char *const argv[], const fx_attr *attr,
                       struct spawn_ctx *ctx)
{
	fx_proc *p;
	fx_error err;
	int st, r;

	r = fx_spawn(&p, path, argv, attr, &err);
	if (r < 0) {
		char msg[320];

		snprintf(ctx->why, sizeof ctx->why, "fx_spawn: %s",
		         fx_strerror(&err, msg, sizeof msg));
		return r;
	}
	r = fx_proc_wait(p, &st, -1);
	fx_proc_free(p);
	if (r < 0) {
		snprintf(ctx->why, sizeof ctx->why, "fx_proc_wait: %s", strerror(-r));
		return r;
	}
	return st;
}

static int fx_run_attr(const struct target *t, const fx_attr *attr,
                       struct spawn_ctx *ctx)
{
	return fx_run_path(t->path, t->argv, attr, ctx);
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

/*
 * A new user namespace, the caller root in it (unshare -r): the child
 * shares our memory and waits on a pipe while we write its maps, then we
 * sleep until it has exec'd.  Nothing is copied: the cost should not grow
 * with the parent (forkexec-linux.h, "Cost").
 */
static int run_fx_userns(const struct target *t, struct spawn_ctx *ctx)
{
	return fx_run_attr(t, userns_attr, ctx);
}

static int run_fx_posix_spawn(const struct target *t, struct spawn_ctx *ctx)
{
	return ps_run(fx_posix_spawn, "fx_posix_spawn", t, NULL, NULL, ctx);
}

static int run_fx_posix_spawn_typical(const struct target *t, struct spawn_ctx *ctx)
{
	return ps_run(fx_posix_spawn, "fx_posix_spawn", t, &fx_typical_fa,
	              &fx_typical_sa, ctx);
}

/* Ours drops the fds at or above 3 without copying the table first. */
static int run_fx_posix_spawn_closefrom(const struct target *t, struct spawn_ctx *ctx)
{
	return ps_run(fx_posix_spawn, "fx_posix_spawn", t, &fx_closefrom_fa, NULL, ctx);
}

/*
 * A sandbox as bubblewrap makes one, with the same options both ways:
 * new user (root mapped), mount and pid namespaces, /usr read-only, the
 * /bin, /lib and /lib64 links, a tmpfs /tmp, /proc and the minimal /dev;
 * then /usr/bin/true, whatever the cell's target (only /usr is in the
 * view).  fx_sandbox is one fx_spawn; bwrap_sandbox is a posix_spawn of
 * bwrap, which builds the view in a process of its own.
 */
#define SANDBOX_TRUE "/usr/bin/true"
#define BWRAP "/usr/bin/bwrap"

static int run_fx_sandbox(const struct target *t, struct spawn_ctx *ctx)
{
	static char *const argv[] = { "true", NULL };

	return fx_run_path(SANDBOX_TRUE, argv, sandbox_attr, ctx);
}

static int run_bwrap_sandbox(const struct target *t, struct spawn_ctx *ctx)
{
	static char *const argv[] = {
		"bwrap", "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-pid",
		"--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
		"--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
		"--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev", SANDBOX_TRUE, NULL,
	};
	pid_t pid;
	int e = posix_spawn(&pid, BWRAP, NULL, NULL, argv, environ);

	if (e) {
		snprintf(ctx->why, sizeof ctx->why, "posix_spawn of bwrap: %s", strerror(e));
		return -e;
	}
	return reap(pid, ctx);
}

static const char *userns_unavailable(void);

static const char *bwrap_unavailable(void)
{
	if (access(BWRAP, X_OK) != 0)
		return "bwrap is not installed (.ci/install-deps: bubblewrap)";
	return userns_unavailable();
}

/*
 * Whether this system lets us make a user namespace and map ourselves in
 * it: not without CONFIG_USER_NS, with user.max_user_namespaces at 0, in
 * a container whose seccomp profile refuses unshare, or where a security
 * module refuses the maps (Ubuntu's AppArmor for unprivileged callers).
 * Asked once, at start-up (0 GiB, so its fork costs nothing), of the
 * fork-based spawn, not of forkexec: a refusal (EPERM, EACCES, ENOSPC,
 * EINVAL, ENOSYS) makes both strategies skipped; any other failure is left
 * for the cells to report as one, so that no bug of ours hides here.
 */
static const char *userns_skip;

static void userns_probe(void)
{
	static char why[sizeof ((struct spawn_ctx *)0)->why + 64];
	struct spawn_ctx ctx = { .worker = 0 };
	int r = run_fork_userns(&bench_targets[TGT_TINY], &ctx);

	if (r == -EPERM || r == -EACCES || r == -ENOSPC || r == -EINVAL ||
	    r == -ENOSYS) {
		snprintf(why, sizeof why, "no user namespace here: %s", ctx.why);
		userns_skip = why;
	}
}

static const char *userns_unavailable(void)
{
	return userns_skip;
}

const struct strategy bench_strategies[] = {
	{ "floor", "floor: clone(VM|VFORK)+execve", run_floor, NULL, true, false, false },
	{ "fork", "fork+execve", run_fork, NULL, false, true, false },
	{ "vfork", "vfork+execve", run_vfork, NULL, false, false, false },
	{ "posix_spawn", "glibc posix_spawn", run_posix_spawn, NULL, false, false,
	  false },
	{ "posix_spawn_typical", "glibc posix_spawn, chdir+setsid+3 fds",
	  run_posix_spawn_typical, NULL, false, false, false },
	{ "posix_spawn_closefrom", "glibc posix_spawn, closefrom(3)",
	  run_posix_spawn_closefrom, NULL, false, false, false },
	{ "fx_default", "fx_spawn, defaults", run_fx_default, NULL, false, false, false },
	{ "fx_typical", "fx_spawn, chdir+setsid+3 fds", run_fx_typical, NULL, false,
	  false, false },
	{ "fx_posix_spawn", "fx_posix_spawn", run_fx_posix_spawn, NULL, false, false,
	  false },
	{ "fx_posix_spawn_typical", "fx_posix_spawn, chdir+setsid+3 fds",
	  run_fx_posix_spawn_typical, NULL, false, false, false },
	{ "fx_posix_spawn_closefrom", "fx_posix_spawn, closefrom(3)",
	  run_fx_posix_spawn_closefrom, NULL, false, false, false },
	{ "fx_userns", "fx_spawn, new user ns, root map", run_fx_userns,
	  userns_unavailable, false, false, true },
	{ "fork_userns", "fork+unshare(user)+maps+execve", run_fork_userns,
	  userns_unavailable, false, true, true },
	{ "fx_sandbox", "fx_spawn, bwrap-style sandbox of /usr/bin/true", run_fx_sandbox,
	  userns_unavailable, false, false, true },
	{ "bwrap_sandbox", "posix_spawn of bwrap, the same sandbox", run_bwrap_sandbox,
	  bwrap_unavailable, false, false, true },
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
	    (r = fx_attr_set_fd(typical_attr, 0, devnull_r)) < 0 ||
	    (r = fx_attr_set_fd(typical_attr, 1, devnull_w)) < 0 ||
	    (r = fx_attr_set_fd(typical_attr, 2, devnull_w)) < 0) {
		fprintf(stderr, "fxbench: building the typical attributes: %s\n",
		        strerror(-r));
		return -1;
	}
	if ((r = fx_attr_new(&userns_attr)) < 0 ||
	    (r = fx_attr_set_root_maps(userns_attr)) < 0) {
		fprintf(stderr, "fxbench: building the user namespace attributes: %s\n",
		        strerror(-r));
		return -1;
	}
	if ((r = fx_attr_new(&sandbox_attr)) < 0 ||
	    (r = fx_attr_set_namespaces(sandbox_attr, CLONE_NEWUSER | CLONE_NEWNS |
	                                              CLONE_NEWPID)) < 0 ||
	    (r = fx_attr_set_root_maps(sandbox_attr)) < 0 ||
	    (r = fx_attr_add_mount(sandbox_attr, FX_MOUNT_RO_BIND, "/usr", "/usr")) < 0 ||
	    (r = fx_attr_add_mount(sandbox_attr, FX_MOUNT_SYMLINK, "usr/bin", "/bin")) < 0 ||
	    (r = fx_attr_add_mount(sandbox_attr, FX_MOUNT_SYMLINK, "usr/lib", "/lib")) < 0 ||
	    (r = fx_attr_add_mount(sandbox_attr, FX_MOUNT_SYMLINK, "usr/lib64", "/lib64")) < 0 ||
	    (r = fx_attr_add_tmpfs(sandbox_attr, "/tmp", 0, 01777)) < 0 ||
	    (r = fx_attr_add_mount(sandbox_attr, FX_MOUNT_PROC, NULL, "/proc")) < 0 ||
	    (r = fx_attr_add_mount(sandbox_attr, FX_MOUNT_DEV, NULL, "/dev")) < 0) {
		fprintf(stderr, "fxbench: building the sandbox attributes: %s\n", strerror(-r));
		return -1;
	}
	snprintf(uid_map_text, sizeof uid_map_text, "0 %u 1", (unsigned)geteuid());
	snprintf(gid_map_text, sizeof gid_map_text, "0 %u 1", (unsigned)getegid());
	userns_probe();
	/* These return a positive errno, as POSIX says. */
	if ((r = posix_spawn_file_actions_init(&glibc_typical_fa)) ||
	    (r = posix_spawn_file_actions_adddup2(&glibc_typical_fa, devnull_r, 0)) ||
	    (r = posix_spawn_file_actions_adddup2(&glibc_typical_fa, devnull_w, 1)) ||
	    (r = posix_spawn_file_actions_adddup2(&glibc_typical_fa, devnull_w, 2)) ||
	    (r = posix_spawn_file_actions_addchdir_np(&glibc_typical_fa, "/")) ||
	    (r = posix_spawnattr_init(&glibc_typical_sa)) ||
	    (r = posix_spawnattr_setflags(&glibc_typical_sa, POSIX_SPAWN_SETSID)) ||
	    (r = posix_spawn_file_actions_init(&glibc_closefrom_fa)) ||
	    (r = posix_spawn_file_actions_addclosefrom_np(&glibc_closefrom_fa, 3))) {
		fprintf(stderr, "fxbench: building glibc's posix_spawn objects: %s\n",
		        strerror(r));
		return -1;
	}
	if ((r = fx_posix_spawn_file_actions_init(&fx_typical_fa)) ||
	    (r = fx_posix_spawn_file_actions_adddup2(&fx_typical_fa, devnull_r, 0)) ||
	    (r = fx_posix_spawn_file_actions_adddup2(&fx_typical_fa, devnull_w, 1)) ||
	    (r = fx_posix_spawn_file_actions_adddup2(&fx_typical_fa, devnull_w, 2)) ||
	    (r = fx_posix_spawn_file_actions_addchdir_np(&fx_typical_fa, "/")) ||
	    (r = fx_posix_spawnattr_init(&fx_typical_sa)) ||
	    (r = fx_posix_spawnattr_setflags(&fx_typical_sa, POSIX_SPAWN_SETSID)) ||
	    (r = fx_posix_spawn_file_actions_init(&fx_closefrom_fa)) ||
	    (r = fx_posix_spawn_file_actions_addclosefrom_np(&fx_closefrom_fa, 3))) {
		fprintf(stderr, "fxbench: building the fx_posix_spawn objects: %s\n",
		        strerror(r));
		return -1;
	}
	return 0;
}
