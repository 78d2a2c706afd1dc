/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family against the libc's: errors returned by the
 * call, leaving nothing behind, and many actions and threads
 * (the harness: posix_harness.h).
 */

#include "posix_harness.h"

/* ------------------------------------------------------------------ */
/* Errors, returned by the call                                        */
/* ------------------------------------------------------------------ */

static void setup_fail_open(struct run *run, posix_spawnattr_t *a,
                            posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;

	(void)a;
	OK0(f->addclose(fa, 77));
	OK0(f->adddup2(fa, 2, 8));
	OK0(f->addopen(fa, 5, run->ctx->path[0], run->ctx->n, 0644));
}

/* One failing open as action 2 with both families, then forkexec's account. */
#define OPEN_FAILS(path_, oflags_, code_, what_)                              \
	do {                                                                  \
		struct ctx c_ = { .path = { (path_) }, .n = (oflags_) };      \
		struct run proto_ = { .setup = setup_fail_open, .ctx = &c_ };  \
		struct run fx_, lc_;                                          \
		PAIR_ERR(&proto_, &fx_, &lc_, (code_));                       \
		CHECK_FA_ERR(&fx_, 2, (code_), (what_));                      \
	} while (0)

/*
 * A failing open action is the call's return value (not an exit status
 * 127): ENOENT, ENOTDIR, EISDIR (a directory opened for writing), ELOOP;
 * fx_strerror names the action: `file action 2 (open "/nope/x"): ...`.
 */
TEST(posix_err_open)
{
	char *dir = fxt_tmpdir();
	char *loop = fxt_join(dir, "loop");

	ASSERT_SYS(symlink(loop, loop));
	OPEN_FAILS("/nope/x", O_RDONLY, ENOENT, "open \"/nope/x\"");
	OPEN_FAILS("/dev/null/x", O_RDONLY, ENOTDIR, NULL);
	OPEN_FAILS(dir, O_WRONLY, EISDIR, NULL);
	OPEN_FAILS(loop, O_RDONLY, ELOOP, NULL);
	OPEN_FAILS("/dev/null", O_RDONLY | O_DIRECTORY, ENOTDIR, NULL);
}

static void eacces_helper(void *arg)
{
	const char *path = arg;

	if (geteuid() == 0) {
		ASSERT_SYS(setresgid(65534, 65534, 65534));
		ASSERT_SYS(setresuid(65534, 65534, 65534));
	}
	OPEN_FAILS(path, O_RDONLY, EACCES, NULL);
	OPEN_FAILS(path, O_WRONLY | O_TRUNC, EACCES, NULL);
}

/* EACCES from an open action: a mode-000 file, opened by nobody (a
 * helper drops root, which would bypass the mode). */
TEST_CORE(posix_err_open_eacces)
{
	char *dir = fxt_tmpdir();
	char *locked = fxt_join(dir, "locked");

	fxt_write_file(locked, "secret", 0);
	in_helper(eacces_helper, locked);
}

static void setup_fail_dup2(struct run *run, posix_spawnattr_t *a,
                            posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;
	int fd = run->ctx->fd[0];

	(void)a;
	switch (run->ctx->n) {
	case 0:  /* a source that is not open at all */
		OK0(f->adddup2(fa, 61, 5));
		break;
	case 1:  /* fd onto itself, not open */
		OK0(f->adddup2(fa, 62, 62));
		break;
	default: /* a source an earlier action closed */
		OK0(f->addclose(fa, fd));
		OK0(f->adddup2(fa, fd, 6));
		break;
	}
}

/* A dup2 action with a source not open in the child fails with EBADF:
 * never opened, onto itself, or closed by an earlier action. */
TEST_CORE(posix_err_dup2)
{
	struct ctx c;
	struct run proto = { .setup = setup_fail_dup2, .ctx = &c };
	struct run fx, lc;

	c.fd[0] = open_at("/dev/null", O_RDONLY, 10);
	for (c.n = 0; c.n < 3; c.n++) {
		PAIR_ERR(&proto, &fx, &lc, EBADF);
		CHECK_FA_ERR(&fx, c.n < 2 ? 0 : 1, EBADF, NULL);
	}
	close(c.fd[0]);
}

static void setup_fail_chdir(struct run *run, posix_spawnattr_t *a,
                             posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->addchdir(fa, run->ctx->path[0]));
	if (run->ctx->path[1])
		OK0(run->f->addchdir(fa, run->ctx->path[1]));
}

/* A chdir action fails with ENOENT or ENOTDIR, also for a relative path
 * that would exist only relative to the parent's cwd. */
TEST(posix_err_chdir)
{
	char *dir = fxt_tmpdir();
	char *file = fxt_join(dir, "file");
	struct ctx c = { .path = { "/nope" } };
	struct run proto = { .setup = setup_fail_chdir, .ctx = &c };
	struct run fx, lc;

	fxt_write_file(file, "", 0644);
	make_dir(dir, "only-here");
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
	CHECK_FA_ERR(&fx, 0, ENOENT, NULL);

	c.path[0] = file;
	PAIR_ERR(&proto, &fx, &lc, ENOTDIR);
	CHECK_FA_ERR(&fx, 0, ENOTDIR, NULL);

	ASSERT_SYS(chdir(dir));
	c.path[0] = "/";
	c.path[1] = "only-here";
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
	CHECK_FA_ERR(&fx, 1, ENOENT, NULL);
}

static void setup_fail_fchdir(struct run *run, posix_spawnattr_t *a,
                              posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;

	(void)a;
	if (run->ctx->n)
		OK0(f->addclose(fa, run->ctx->fd[0]));
	OK0(f->addfchdir(fa, run->ctx->fd[0]));
}

/* An fchdir action fails with EBADF for an fd not open in the child
 * (never, or closed by an earlier action), ENOTDIR for a file's fd. */
TEST(posix_err_fchdir)
{
	char *dir = fxt_tmpdir();
	struct ctx c = { .fd = { 63 } };
	struct run proto = { .setup = setup_fail_fchdir, .ctx = &c };
	struct run fx, lc;
	int dfd = open_at(dir, O_RDONLY | O_DIRECTORY, 15);

	PAIR_ERR(&proto, &fx, &lc, EBADF);
	CHECK_FA_ERR(&fx, 0, EBADF, NULL);

	c.fd[0] = dfd;
	c.n = 1;
	PAIR_ERR(&proto, &fx, &lc, EBADF);
	CHECK_FA_ERR(&fx, 1, EBADF, NULL);

	c.fd[0] = open_at("/dev/null", O_RDONLY | O_CLOEXEC, 16);
	c.n = 0;
	PAIR_ERR(&proto, &fx, &lc, ENOTDIR);
	CHECK_FA_ERR(&fx, 0, ENOTDIR, NULL);
	close(c.fd[0]);
	close(dfd);
}

static void setup_fail_tcsetpgrp(struct run *run, posix_spawnattr_t *a,
                                 posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->addtcsetpgrp(fa, run->ctx->fd[0]));
}

/* A tcsetpgrp action on something that is not a terminal: ENOTTY (a
 * pipe, /dev/null). */
TEST(posix_err_tcsetpgrp)
{
	struct ctx c;
	struct run proto = { .setup = setup_fail_tcsetpgrp, .ctx = &c,
	                     .needs = NEED_TCSETPGRP };
	struct run fx, lc;
	int p[2];

	fxt_pipe(p);
	c.fd[0] = p[0];
	PAIR_ERR(&proto, &fx, &lc, ENOTTY);
	CHECK_FA_ERR(&fx, 0, ENOTTY, NULL);
	c.fd[0] = 0;
	PAIR_ERR(&proto, &fx, &lc, ENOTTY);
	CHECK_FA_ERR(&fx, 0, ENOTTY, NULL);
	close(p[0]);
	close(p[1]);
}

/* SETPGROUP into a group of another session (init's): EPERM. */
TEST(posix_err_setpgroup)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETPGROUP, .pgroup = 1 };
	struct run proto = { .setup = setup_flags, .ctx = &c };
	struct run fx, lc;

	if (getsid(0) == getsid(1))
		SKIP("pid 1 is in our session");
	PAIR_ERR(&proto, &fx, &lc, EPERM);
	ASSERT_EQ(fx.err_rc, EPERM);
	ASSERT_EQ(fx.err.step, FX_STEP_SETPGID);
}

/*
 * execve's failure is the return value: ENOENT (missing), EACCES (no x
 * bit; a directory), ENOEXEC (garbage without #!: glibc >= 2.15 runs no
 * shell); forkexec's step is FX_STEP_EXEC.
 */
TEST(posix_err_exec)
{
	char *dir = fxt_tmpdir();
	char *noexec = fxt_join(dir, "noexec"), *garbage = fxt_join(dir, "garbage");
	struct {
		const char *file;
		int code;
	} cases[] = {
		{ "/nope/prog", ENOENT },
		{ noexec, EACCES },
		{ dir, EACCES },
		{ garbage, ENOEXEC },
	};

	fxt_write_file(noexec, "#!/bin/sh\nexit 0\n", 0644);
	fxt_write_file(garbage, "\x01\x02 not a program\n", 0755);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run proto = { .file = cases[i].file };
		struct run fx, lc;

		PAIR_ERR(&proto, &fx, &lc, cases[i].code);
		ASSERT_EQ(fx.err_rc, cases[i].code);
		ASSERT_EQ(fx.err.step, FX_STEP_EXEC);
		ASSERT_EQ(fx.err.code, cases[i].code);
	}
}

/* fx_posix_spawn_error: 0 (and no step) after a success that follows a
 * failure; it accepts a NULL pointer. */
TEST(posix_spawn_error_after_success)
{
	struct run proto = { .file = "/nope/prog" };
	struct run fx;
	fx_error err;

	SOLO(&proto, &fx);
	EXPECT_ERR(&fx, ENOENT);
	ASSERT_EQ(fx_posix_spawn_error(NULL), ENOENT);
	proto.file = NULL;
	SOLO_OK(&proto, &fx);
	ASSERT_EQ(fx.err_rc, 0);
	ASSERT_EQ(fx.err.step, FX_STEP_NONE);
	ASSERT_EQ(fx_posix_spawn_error(NULL), 0);
	memset(&err, 0x5a, sizeof err);
	ASSERT_EQ(fx_posix_spawn_error(&err), 0);
	ASSERT_EQ(err.step, FX_STEP_NONE);
	ASSERT_EQ(err.code, 0);
	run_free(&fx);
}

static void setup_low_fds(struct run *run, posix_spawnattr_t *a,
                          posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;

	(void)a;
	for (int n = 3; n <= 12; n++)
		OK0(f->adddup2(fa, run->ctx->fd[0], n));
	if (run->ctx->n & 1)
		for (int n = 3; n <= 12; n++)
			OK0(f->addclose(fa, n));
	if (run->ctx->n & 2)
		OK0(f->addopen(fa, 5, "/nope/x", O_RDONLY, 0));
}

/*
 * File actions cannot clobber forkexec's own error channel (the pipe in
 * [clone-pipe], made on the lowest free fds, 3 and 4 here): dup2 onto
 * every fd 3..12 gives the program exactly those (no extra fd); with
 * those fds then overwritten, or closed, a failing action and a failing
 * execve are still reported as the return value, with their index.
 */
TEST(posix_err_channel_survives)
{
	struct ctx c;
	struct run proto = { .setup = setup_low_fds, .ctx = &c };
	struct run fx, lc;

	c.fd[0] = open_at("/dev/null", O_RDONLY | O_CLOEXEC, 40);
	c.n = 0;
	PAIR_OK(&proto, &fx, &lc);
	for (int n = 3; n <= 12; n++) {
		struct fxt_fdinfo info = FD_OPEN(fx.r, n);

		ASSERT_STR_EQ(info.target, "/dev/null");
		ASSERT_EQ(info.cloexec, 0);
	}
	ASSERT_EQ(fxt_count(fx.r, "fd."), 13);
	run_free(&fx);
	run_free(&lc);

	c.n = 1;
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_count(fx.r, "fd."), 3);
	run_free(&fx);
	run_free(&lc);

	c.n = 2;
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
	CHECK_FA_ERR(&fx, 10, ENOENT, "open \"/nope/x\"");
	c.n = 3;
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
	CHECK_FA_ERR(&fx, 20, ENOENT, "open \"/nope/x\"");

	proto.file = "/nope/prog";
	for (c.n = 0; c.n < 2; c.n++) {
		PAIR_ERR(&proto, &fx, &lc, ENOENT);
		ASSERT_EQ(fx.err.step, FX_STEP_EXEC);
	}
	close(c.fd[0]);
}

static void setup_fill(struct run *run, posix_spawnattr_t *a,
                       posix_spawn_file_actions_t *fa)
{
	sigset_t all;

	(void)fa;
	sigfillset(&all);
	OK0(run->f->setsigmask(a, &all));
	OK0(run->f->setsigdefault(a, &all));
	OK0(run->f->setflags(a, run->ctx->flags));
}

/*
 * A full set (sigfillset, as programs commonly pass) is accepted: in
 * sigdefault, SIGKILL and SIGSTOP, whose disposition cannot be set, are
 * no error, and every signal ends default; as the mask, the child blocks
 * all it can (glibc's sigfillset leaves out its signals 32 and 33).
 */
TEST(posix_sigfillset)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSIGDEF };
	struct run proto = { .setup = setup_fill, .ctx = &c };
	struct run fx, lc;
	sigset_t all;
	unsigned long long want = 0;

	fxt_ignore_signal(SIGPIPE);
	fxt_ignore_signal(SIGRTMIN + 2);
	fxt_catch_signal(SIGUSR1);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigign"), 0);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigcaught"), 0);
	run_free(&fx);
	run_free(&lc);

	c.flags = POSIX_SPAWN_SETSIGMASK;
	PAIR_OK(&proto, &fx, &lc);
	sigfillset(&all);
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sigismember(&all, sig) == 1)
			want |= FXT_SIGBIT(sig);
	ASSERT_EQ(fxt_get_hex(fx.r, "sigmask"), want);
	run_free(&fx);
	run_free(&lc);
}

static void setup_sched_bad(struct run *run, posix_spawnattr_t *a,
                            posix_spawn_file_actions_t *fa)
{
	struct sched_param sp = { .sched_priority = run->ctx->prio };

	(void)fa;
	OK0(run->f->setschedpolicy(a, run->ctx->policy));
	OK0(run->f->setschedparam(a, &sp));
	OK0(run->f->setflags(a, run->ctx->flags));
}

/*
 * A scheduling request the kernel refuses is the call's return value:
 * SCHED_FIFO with priority 0, or SETSCHEDPARAM with priority 5 under the
 * inherited SCHED_OTHER, give EINVAL (checked before any privilege);
 * forkexec's step is FX_STEP_SCHED.
 */
TEST(posix_err_sched)
{
	struct ctx c = { .flags = POSIX_SPAWN_SETSCHEDULER, .policy = SCHED_FIFO,
	                 .prio = 0 };
	struct run proto = { .setup = setup_sched_bad, .ctx = &c,
	                     .needs = NEED_SCHED };
	struct run fx, lc;

	PAIR_ERR(&proto, &fx, &lc, EINVAL);
	ASSERT_EQ(fx.err.step, FX_STEP_SCHED);
	c.flags = POSIX_SPAWN_SETSCHEDPARAM;
	c.policy = SCHED_OTHER;
	c.prio = 5;
	PAIR_ERR(&proto, &fx, &lc, EINVAL);
	ASSERT_EQ(fx.err.step, FX_STEP_SCHED);
}

static void setup_many(struct run *run, posix_spawnattr_t *a,
                       posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;

	(void)a;
	for (int i = 0; i < 500; i++) {
		OK0(f->adddup2(fa, run->ctx->fd[0], 50 + i % 20));
		OK0(f->addclose(fa, 50 + (i + 7) % 20));
	}
	OK0(f->adddup2(fa, run->ctx->fd[0], 49));
}

/* A thousand actions, run in order: what survives is what the last ones
 * left (fd 49 and those 50..69 not closed after their last dup2). */
TEST(posix_fa_many)
{
	struct ctx c;
	struct run proto = { .setup = setup_many, .ctx = &c };
	struct run fx, lc;

	c.fd[0] = open_at("/dev/null", O_RDONLY | O_CLOEXEC, 30);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(FD_OPEN(fx.r, 49).cloexec, 0);
	FD_CLOSED(fx.r, 30);
	run_free(&fx);
	run_free(&lc);
	close(c.fd[0]);
}

/*
 * The objects are only read by a spawn: one attribute and one file
 * actions object serve two spawns alike (forkexec alone: the harness
 * makes new objects for each run).
 */
TEST(posix_objects_reusable)
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)fxt_probe_path(), "--report-fd=9", NULL };
	char *envp[] = { NULL };
	pid_t pids[2];
	int p[2], before = fxt_fd_count();

	fxt_pipe(p);
	OK0(fx_posix_spawnattr_init(&attr));
	OK0(fx_posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP));
	OK0(fx_posix_spawn_file_actions_init(&fa));
	OK0(fx_posix_spawn_file_actions_adddup2(&fa, p[1], 9));
	OK0(fx_posix_spawn_file_actions_addopen(&fa, 7, "/dev/null", O_RDONLY, 0));
	/* One after the other, so that the two reports cannot interleave. */
	for (int i = 0; i < 2; i++) {
		int st;

		OK0(fx_posix_spawn(&pids[i], argv[0], &fa, &attr, argv, envp));
		ASSERT_EQ(waitpid(pids[i], &st, 0), pids[i]);
		ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	close(p[1]);
	OK0(fx_posix_spawn_file_actions_destroy(&fa));
	OK0(fx_posix_spawnattr_destroy(&attr));
	{
		size_t len;
		char *text = read_all(p[0], &len);
		fxt_report *r = fxt_report_parse(text, len);

		/* Two reports, one after the other: two of each key. */
		ASSERT_EQ(fxt_count(r, "pgid"), 2);
		ASSERT_EQ(fxt_count(r, "fd.7"), 2);
		fxt_report_free(r);
		free(text);
	}
	close(p[0]);
	ASSERT_NE(pids[0], pids[1]);
	fxt_assert_fd_count(before);
}

static void *fail_in_thread(void *arg)
{
	static char *const argv[] = { "x", NULL };
	int *out = arg;

	out[0] = fx_posix_spawn(NULL, "/nope/thread", NULL, NULL, argv, argv + 1);
	out[1] = fx_posix_spawn_error(NULL);
	return NULL;
}

/* fx_posix_spawn_error reports the calling thread's last call: another
 * thread's failure does not replace this thread's. */
TEST(posix_spawn_error_per_thread)
{
	static char *const argv[] = { "x", NULL };
	pthread_t t;
	int theirs[2] = { -1, -1 };
	fx_error err;

	ASSERT_EQ(fx_posix_spawn(NULL, "/dev/null/x", NULL, NULL, argv, argv + 1),
	          ENOTDIR);
	ASSERT_EQ(pthread_create(&t, NULL, fail_in_thread, theirs), 0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	ASSERT_EQ(theirs[0], ENOENT);
	ASSERT_EQ(theirs[1], ENOENT);
	ASSERT_EQ(fx_posix_spawn_error(&err), ENOTDIR);
	ASSERT_EQ(err.step, FX_STEP_EXEC);
	fxt_assert_no_children();
}
