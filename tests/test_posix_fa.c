/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family against the libc's: file actions as the
 * probe sees them (the harness: posix_harness.h).
 */

#include "posix_harness.h"

/* ------------------------------------------------------------------ */
/* File actions                                                        */
/* ------------------------------------------------------------------ */

static void setup_open(struct run *run, posix_spawnattr_t *a,
                       posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;
	const char *const *p = run->ctx->path;

	(void)a;
	/* The created file is made anew by each run, to see its mode. */
	if (unlink(p[1]) != 0 && errno != ENOENT)
		FAIL("unlink %s: %s", p[1], strerror(errno));
	OK0(f->addopen(fa, 0, p[0], O_RDONLY, 0));
	OK0(f->addopen(fa, 1, p[1], O_WRONLY | O_CREAT | O_TRUNC, 0666));
	OK0(f->addopen(fa, 5, p[2], O_RDWR | O_APPEND, 0));
}

static void after_open(struct run *run)
{
	struct stat st;

	ASSERT_SYS(stat(run->ctx->path[1], &st));
	run->val[0] = st.st_mode & 07777;
}

/*
 * addopen: the file is opened with the given flags (and mode through the
 * umask when created) on exactly the requested fd, inheritable: stdin
 * read-only, stdout created write-only, fd 5 read-write appending.
 */
TEST(posix_fa_open)
{
	char *dir = fxt_tmpdir();
	struct ctx c = { .path = { fxt_join(dir, "in"), fxt_join(dir, "out"),
	                           fxt_join(dir, "rw") } };
	struct run proto = { .setup = setup_open, .ctx = &c, .after = after_open };
	struct run fx, lc;
	struct fxt_fdinfo info;

	fxt_write_file(c.path[0], "input\n", 0644);
	fxt_write_file(c.path[2], "rw\n", 0600);
	umask(027);
	PAIR_OK(&proto, &fx, &lc);
	info = FD_OPEN(fx.r, 0);
	ASSERT_STR_EQ(info.target, c.path[0]);
	ASSERT_EQ(info.cloexec, 0);
	ASSERT_EQ(info.flags & O_ACCMODE, O_RDONLY);
	info = FD_OPEN(fx.r, 1);
	ASSERT_STR_EQ(info.target, c.path[1]);
	ASSERT_EQ(info.cloexec, 0);
	ASSERT_EQ(info.flags & O_ACCMODE, O_WRONLY);
	info = FD_OPEN(fx.r, 5);
	ASSERT_STR_EQ(info.target, c.path[2]);
	ASSERT_EQ(info.cloexec, 0);
	ASSERT_EQ(info.flags & (O_ACCMODE | O_APPEND), O_RDWR | O_APPEND);
	ASSERT_EQ(fx.val[0], 0640);
	ASSERT_EQ(lc.val[0], 0640);
	run_free(&fx);
	run_free(&lc);
}

static void setup_open_cloexec(struct run *run, posix_spawnattr_t *a,
                               posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->addopen(fa, 7, "/dev/null", O_RDONLY | O_CLOEXEC, 0));
	OK0(run->f->addopen(fa, 8, "/dev/null", O_RDONLY, 0));
}

/*
 * forkexec's documented difference: an open action with O_CLOEXEC keeps
 * the flag on its target fd, so the program does not get it (glibc loses
 * the flag when it has to dup2 the file onto the fd).  forkexec alone.
 */
TEST_CORE(posix_fa_open_cloexec_kept)
{
	struct run proto = { .setup = setup_open_cloexec };
	struct run fx;

	SOLO_OK(&proto, &fx);
	FD_CLOSED(fx.r, 7);
	ASSERT_EQ(FD_OPEN(fx.r, 8).cloexec, 0);
	run_free(&fx);
}

static void setup_close(struct run *run, posix_spawnattr_t *a,
                        posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->addclose(fa, run->ctx->fd[0]));
	OK0(run->f->addclose(fa, 77));  /* not open: not an error */
}

/* addclose closes an inherited fd; closing an fd that is not open is not
 * an error (POSIX.1-2024; glibc agrees). */
TEST(posix_fa_close)
{
	struct ctx c;
	struct run proto = { .setup = setup_close, .ctx = &c };
	struct run fx, lc;

	c.fd[0] = open_at("/dev/null", O_RDONLY, 6);
	c.fd[1] = open_at("/dev/null", O_RDONLY, 7);
	PAIR_OK(&proto, &fx, &lc);
	FD_CLOSED(fx.r, 6);
	FD_CLOSED(fx.r, 77);
	ASSERT_EQ(FD_OPEN(fx.r, 7).cloexec, 0);
	run_free(&fx);
	run_free(&lc);
	close(c.fd[0]);
	close(c.fd[1]);
}

static void setup_dup2(struct run *run, posix_spawnattr_t *a,
                       posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;

	(void)a;
	OK0(f->adddup2(fa, run->ctx->fd[0], 9));  /* over an open fd */
	OK0(f->adddup2(fa, run->ctx->fd[0], 1));
	OK0(f->adddup2(fa, run->ctx->fd[1], 0));
}

/*
 * adddup2 places the source on the target, inheritable, replacing what
 * was there; the close-on-exec source itself is gone after exec.
 */
TEST(posix_fa_dup2)
{
	char *dir = fxt_tmpdir();
	char *one = fxt_join(dir, "one"), *two = fxt_join(dir, "two");
	struct ctx c;
	struct run proto = { .setup = setup_dup2, .ctx = &c };
	struct run fx, lc;
	int over;

	fxt_write_file(one, "1", 0644);
	fxt_write_file(two, "2", 0644);
	c.fd[0] = open_at(one, O_RDONLY | O_CLOEXEC, 20);
	c.fd[1] = open_at(two, O_RDONLY | O_CLOEXEC, 21);
	over = open_at("/dev/null", O_RDONLY, 9);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(FD_OPEN(fx.r, 9).target, one);
	ASSERT_EQ(FD_OPEN(fx.r, 9).cloexec, 0);
	ASSERT_STR_EQ(FD_OPEN(fx.r, 1).target, one);
	ASSERT_STR_EQ(FD_OPEN(fx.r, 0).target, two);
	ASSERT_EQ(FD_OPEN(fx.r, 0).cloexec, 0);
	FD_CLOSED(fx.r, 20);
	FD_CLOSED(fx.r, 21);
	run_free(&fx);
	run_free(&lc);
	close(c.fd[0]);
	close(c.fd[1]);
	close(over);
}

static void setup_dup2_same(struct run *run, posix_spawnattr_t *a,
                            posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->adddup2(fa, run->ctx->fd[0], run->ctx->fd[0]));
}

/*
 * POSIX.1-2024: adddup2(fd, fd) clears FD_CLOEXEC, so a close-on-exec
 * descriptor reaches the program (plain dup2(fd, fd) would not; glibc
 * 2.36 does the same).  The parent's flag is untouched.
 */
TEST_CORE(posix_fa_dup2_same_fd_clears_cloexec)
{
	struct ctx c;
	struct run proto = { .setup = setup_dup2_same, .ctx = &c };
	struct run fx, lc;

	c.fd[0] = open_at("/dev/null", O_RDONLY | O_CLOEXEC, 11);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(FD_OPEN(fx.r, 11).target, "/dev/null");
	ASSERT_EQ(FD_OPEN(fx.r, 11).cloexec, 0);
	ASSERT(is_cloexec(c.fd[0]));
	run_free(&fx);
	run_free(&lc);
	close(c.fd[0]);
}

static void setup_order(struct run *run, posix_spawnattr_t *a,
                        posix_spawn_file_actions_t *fa)
{
	const struct family *f = run->f;

	(void)a;
	OK0(f->addchdir(fa, run->ctx->path[0]));
	OK0(f->addopen(fa, 6, "rel.txt", O_RDONLY, 0));  /* in the new cwd */
	OK0(f->adddup2(fa, run->ctx->fd[0], 12));
	OK0(f->addclose(fa, run->ctx->fd[0]));            /* after its dup2 */
	OK0(f->addchdir(fa, "sub"));                      /* relative to the first */
}

/*
 * File actions run in the order added: a relative open after a chdir
 * opens in the new directory, a close after a dup2 of the same fd keeps
 * the copy, a relative chdir after another is relative to it.
 */
TEST(posix_fa_order)
{
	char *dir = fxt_tmpdir();
	char *rel = fxt_join(dir, "rel.txt");
	char *sub = make_dir(dir, "sub");
	struct ctx c = { .path = { dir } };
	struct run proto = { .setup = setup_order, .ctx = &c };
	struct run fx, lc;

	fxt_write_file(rel, "x", 0644);
	c.fd[0] = open_at("/dev/null", O_RDONLY, 10);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(FD_OPEN(fx.r, 6).target, rel);
	ASSERT_STR_EQ(FD_OPEN(fx.r, 12).target, "/dev/null");
	FD_CLOSED(fx.r, 10);
	ASSERT_STR_EQ(fxt_get(fx.r, "cwd"), sub);
	run_free(&fx);
	run_free(&lc);
	close(c.fd[0]);
}

static void setup_chdir(struct run *run, posix_spawnattr_t *a,
                        posix_spawn_file_actions_t *fa)
{
	(void)a;
	if (run->ctx->n) {  /* forkexec's POSIX.1-2024 name */
		OK0(fx_posix_spawn_file_actions_addchdir(fa, run->ctx->path[0]));
		OK0(fx_posix_spawn_file_actions_addchdir(fa, "sub"));
	} else {
		OK0(run->f->addchdir(fa, run->ctx->path[0]));
		OK0(run->f->addchdir(fa, "sub"));
	}
}

/* addchdir_np: the child starts in the directory; the parent's cwd is
 * unchanged; fx's addchdir (no _np) is the same function. */
TEST(posix_fa_chdir)
{
	char *dir = fxt_tmpdir();
	char *sub = make_dir(dir, "sub");
	struct ctx c = { .path = { dir } };
	struct run proto = { .setup = setup_chdir, .ctx = &c };
	struct run fx, lc;
	char before[PATH_MAX], after[PATH_MAX];

	ASSERT(getcwd(before, sizeof before) != NULL);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "cwd"), sub);
	run_free(&fx);
	run_free(&lc);
	ASSERT(getcwd(after, sizeof after) != NULL);
	ASSERT_STR_EQ(after, before);

	c.n = 1;
	SOLO_OK(&proto, &fx);
	ASSERT_STR_EQ(fxt_get(fx.r, "cwd"), sub);
	run_free(&fx);
}

static void setup_fchdir(struct run *run, posix_spawnattr_t *a,
                         posix_spawn_file_actions_t *fa)
{
	(void)a;
	if (run->ctx->n)
		OK0(fx_posix_spawn_file_actions_addfchdir(fa, run->ctx->fd[0]));
	else
		OK0(run->f->addfchdir(fa, run->ctx->fd[0]));
}

/* addfchdir_np: the child starts in the directory of a (close-on-exec)
 * descriptor, which stays closed for the program; fx's addfchdir too. */
TEST(posix_fa_fchdir)
{
	char *dir = fxt_tmpdir();
	struct ctx c = { .n = 0 };
	struct run proto = { .setup = setup_fchdir, .ctx = &c };
	struct run fx, lc;

	c.fd[0] = open_at(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 14);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "cwd"), dir);
	FD_CLOSED(fx.r, 14);
	run_free(&fx);
	run_free(&lc);

	c.n = 1;
	SOLO_OK(&proto, &fx);
	ASSERT_STR_EQ(fxt_get(fx.r, "cwd"), dir);
	run_free(&fx);
	close(c.fd[0]);
}

static void setup_closefrom(struct run *run, posix_spawnattr_t *a,
                            posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->addclosefrom(fa, 10));
	OK0(run->f->adddup2(fa, 5, 30));  /* after it: stays */
}

/*
 * addclosefrom_np(10): every fd >= 10 is closed, those below are kept,
 * and a later action may open above 10 again.  (The report is placed on
 * fd 9 before it.)
 */
TEST_CORE(posix_fa_closefrom)
{
	struct run proto = { .setup = setup_closefrom, .report_fd = 9,
	                     .report_first = 1, .needs = NEED_CLOSEFROM };
	struct run fx, lc;
	int fds[] = { 5, 6, 10, 20, 21, 40 };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		open_at("/dev/null", O_RDONLY, fds[i]);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(FD_OPEN(fx.r, 5).cloexec, 0);
	ASSERT_EQ(FD_OPEN(fx.r, 6).cloexec, 0);
	ASSERT_EQ(FD_OPEN(fx.r, 30).cloexec, 0);
	FD_CLOSED(fx.r, 10);
	FD_CLOSED(fx.r, 20);
	FD_CLOSED(fx.r, 21);
	FD_CLOSED(fx.r, 40);
	ASSERT_EQ(fxt_count(fx.r, "fd."), 6);  /* 0, 1, 2, 5, 6, 30 */
	run_free(&fx);
	run_free(&lc);
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close(fds[i]);
}

/* The slave of a new pty as the controlling terminal of a new session
 * (this helper's); fails or skips the test otherwise. */
static int own_pty_session(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave;
	const char *name;

	if (master < 0)
		SKIP("posix_openpt: %s", strerror(errno));
	ASSERT_SYS(grantpt(master));
	ASSERT_SYS(unlockpt(master));
	name = ptsname(master);
	ASSERT(name != NULL);
	ASSERT_SYS(setsid());
	/* Without O_NOCTTY: it becomes our controlling terminal. */
	slave = open(name, O_RDWR | O_CLOEXEC);
	ASSERT_SYS(slave);
	ASSERT_EQ(tcgetpgrp(slave), getpgrp());
	/* The master stays open (the slave would hang up), inherited by no one. */
	return slave;
}

static void setup_tcsetpgrp(struct run *run, posix_spawnattr_t *a,
                            posix_spawn_file_actions_t *fa)
{
	sigset_t ttou, old;

	/*
	 * Take the terminal back from the previous run's child first: we
	 * are in the background then, so SIGTTOU is blocked for the call
	 * (and only for it: the child's mask is compared).
	 */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	ASSERT_SYS(sigprocmask(SIG_BLOCK, &ttou, &old));
	ASSERT_SYS(tcsetpgrp(run->ctx->fd[0], getpgrp()));
	ASSERT_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
	OK0(run->f->setflags(a, POSIX_SPAWN_SETPGROUP));
	OK0(run->f->setpgroup(a, 0));
	OK0(run->f->addtcsetpgrp(fa, run->ctx->fd[0]));
}

static void tcsetpgrp_helper(void *arg)
{
	struct ctx c;
	struct run proto = { .setup = setup_tcsetpgrp, .ctx = &c,
	                     .needs = NEED_TCSETPGRP };
	struct run fx, lc;

	(void)arg;
	c.fd[0] = own_pty_session();
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_EQ(fxt_get_ll(fx.r, "pgid"), fx.child);
	ASSERT_EQ(fxt_get_ll(fx.r, "tpgid"), fx.child);
	ASSERT_EQ(fxt_get_ll(fx.r, "sid"), getsid(0));
	if (!lc.not_run)
		ASSERT_EQ(fxt_get_ll(lc.r, "tpgid"), lc.child);
	run_free(&fx);
	run_free(&lc);
}

/*
 * addtcsetpgrp_np (with SETPGROUP 0): the child's new group becomes the
 * foreground group of the controlling terminal before exec, though the
 * child is in the background when it asks (SIGTTOU notwithstanding).
 * Run in a helper leading a session with a pty as its terminal.
 */
TEST(posix_fa_tcsetpgrp)
{
	in_helper(tcsetpgrp_helper, NULL);
}
