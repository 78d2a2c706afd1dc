/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family against the libc's: posix_spawnp's PATH
 * search, pidfd_spawn and SETCGROUP (the harness: posix_harness.h).
 */

#include "posix_harness.h"

/* ------------------------------------------------------------------ */
/* posix_spawnp: the PATH search                                       */
/* ------------------------------------------------------------------ */

/* PATH=a:b... of the given dirs, set in this process's environment. */
static void set_path(const char *a, const char *b)
{
	char path[2 * PATH_MAX + 2];

	snprintf(path, sizeof path, "%s%s%s", a, b ? ":" : "", b ? b : "");
	ASSERT_SYS(setenv("PATH", path, 1));
}

/* The program is searched in the caller's PATH and found in a later
 * directory than the first. */
TEST(posix_spawnp_later_dir)
{
	char *a = fxt_tmpdir(), *b = fxt_tmpdir();
	char *prog = install_probe(b, "fxp-prog", 0755);
	struct run proto = { .file = "fxp-prog", .search = 1 };
	struct run fx, lc;

	set_path(a, b);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), prog);
	ASSERT_STR_EQ(fxt_get(fx.r, "argv.0"), "fxp-prog");
	run_free(&fx);
	run_free(&lc);
}

/* A file without execute permission does not stop the search (EACCES is
 * remembered): the executable one later in PATH runs. */
TEST(posix_spawnp_skips_non_executable)
{
	char *a = fxt_tmpdir(), *b = fxt_tmpdir();
	char *prog = install_probe(b, "fxp-prog", 0755);
	struct run proto = { .file = "fxp-prog", .search = 1 };
	struct run fx, lc;

	install_probe(a, "fxp-prog", 0644);
	set_path(a, b);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), prog);
	run_free(&fx);
	run_free(&lc);
}

/* Only non-executable candidates: EACCES; none at all: ENOENT. */
TEST(posix_spawnp_eacces_enoent)
{
	char *a = fxt_tmpdir(), *b = fxt_tmpdir();
	struct run proto = { .file = "fxp-prog", .search = 1 };
	struct run fx, lc;

	install_probe(a, "fxp-prog", 0644);
	set_path(a, b);
	PAIR_ERR(&proto, &fx, &lc, EACCES);
	ASSERT_EQ(fx.err_rc, EACCES);
	proto.file = "fxp-none";
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
	ASSERT_EQ(fx.err_rc, ENOENT);
}

/* ENOEXEC from a candidate ends the search and is returned (glibc >= 2.15
 * runs no shell), although a runnable one follows. */
TEST(posix_spawnp_enoexec_stops)
{
	char *a = fxt_tmpdir(), *b = fxt_tmpdir();
	char *bad = fxt_join(a, "fxp-prog");
	struct run proto = { .file = "fxp-prog", .search = 1 };
	struct run fx, lc;

	fxt_write_file(bad, "\x01\x02 not a program\n", 0755);
	install_probe(b, "fxp-prog", 0755);
	set_path(a, b);
	PAIR_ERR(&proto, &fx, &lc, ENOEXEC);
	ASSERT_EQ(fx.err_rc, ENOEXEC);
	ASSERT_EQ(fx.err.step, FX_STEP_EXEC);
}

/* A name with a slash is used as is, relative to the cwd, never searched. */
TEST(posix_spawnp_slash_not_searched)
{
	char *a = fxt_tmpdir(), *here = fxt_tmpdir();
	char *mine = install_probe(make_dir(here, "sub"), "fxp-prog", 0755);
	struct run proto = { .file = "sub/fxp-prog", .search = 1 };
	struct run fx, lc;

	install_probe(make_dir(a, "sub"), "fxp-prog", 0755);
	install_probe(make_dir(a, "other"), "fxp-prog", 0755);
	set_path(a, NULL);
	ASSERT_SYS(chdir(here));
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), mine);
	run_free(&fx);
	run_free(&lc);

	proto.file = "other/fxp-prog";
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
}

/* PATH comes from the caller's environment, not from envp. */
TEST(posix_spawnp_path_from_caller)
{
	char *a = fxt_tmpdir(), *b = fxt_tmpdir();
	char envpath[PATH_MAX + 8];
	char *envp[] = { envpath, NULL };
	struct run proto = { .file = "fxp-prog", .search = 1, .envp = envp };
	struct run fx, lc;

	install_probe(a, "fxp-prog", 0755);
	snprintf(envpath, sizeof envpath, "PATH=%s", b);
	set_path(a, NULL);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "env.0"), envpath);
	run_free(&fx);
	run_free(&lc);

	snprintf(envpath, sizeof envpath, "PATH=%s", a);
	set_path(b, NULL);
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
}

static void setup_chdir_first(struct run *run, posix_spawnattr_t *a,
                              posix_spawn_file_actions_t *fa)
{
	(void)a;
	OK0(run->f->addchdir(fa, run->ctx->path[0]));
}

/*
 * The search happens in the child after the file actions: a relative
 * PATH element is relative to the cwd an addchdir action gave.
 */
TEST(posix_spawnp_relative_path_after_chdir)
{
	char *d = fxt_tmpdir();
	char *prog = install_probe(make_dir(d, "bin"), "fxp-prog", 0755);
	struct ctx c = { .path = { d } };
	struct run proto = { .file = "fxp-prog", .search = 1,
	                     .setup = setup_chdir_first, .ctx = &c };
	struct run fx, lc;

	set_path("bin", NULL);
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), prog);
	run_free(&fx);
	run_free(&lc);
}

/*
 * An empty PATH element is the current directory (the child's, after the
 * actions), as in glibc's execvp, although fx_spawn skips such elements.
 */
TEST(posix_spawnp_empty_path_element)
{
	char *d = fxt_tmpdir(), *none = fxt_tmpdir();
	char *prog = install_probe(d, "fxp-prog", 0755);
	char path[PATH_MAX + 8];
	struct ctx c = { .path = { d } };
	struct run proto = { .file = "fxp-prog", .search = 1,
	                     .setup = setup_chdir_first, .ctx = &c };
	struct run fx, lc;

	snprintf(path, sizeof path, "%s::/nonexistent", none);
	ASSERT_SYS(setenv("PATH", path, 1));
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), prog);
	run_free(&fx);
	run_free(&lc);
}

/*
 * PATH unset: the search uses confstr's default, /bin:/usr/bin, as
 * glibc does (`true` is run there; it writes no report).
 */
TEST(posix_spawnp_path_unset)
{
	static char *const envp[] = { NULL };
	struct run proto = { .file = "true", .search = 1, .no_report = 1,
	                     .envp = envp };
	struct run fx, lc;

	if (access("/bin/true", X_OK) != 0 && access("/usr/bin/true", X_OK) != 0)
		SKIP("no true in /bin or /usr/bin");
	ASSERT_SYS(unsetenv("PATH"));
	PAIR_OK(&proto, &fx, &lc);
	run_free(&fx);
	run_free(&lc);
	proto.file = "fxp-none";
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
}

/*
 * Names: a 256-byte name is ENAMETOOLONG before any search (glibc checks
 * NAME_MAX), a 255-byte one is searched (ENOENT here); an empty name is
 * ENOENT.
 */
TEST(posix_spawnp_name_length)
{
	char name[300];
	struct run proto = { .file = name, .search = 1 };
	struct run fx, lc;

	set_path(fxt_tmpdir(), NULL);
	memset(name, 'n', 256);
	name[256] = 0;
	PAIR_ERR(&proto, &fx, &lc, ENAMETOOLONG);
	name[255] = 0;
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
	name[0] = 0;
	PAIR_ERR(&proto, &fx, &lc, ENOENT);
}

/*
 * execvp's rule for other errors: ENOTDIR (a PATH element that is a file)
 * and ENOENT let the search go on, while one that means "found but not
 * runnable", here ELOOP from a symlink loop in an element, ends it.
 */
TEST(posix_spawnp_search_errors)
{
	char *a = fxt_tmpdir(), *b = fxt_tmpdir();
	char *prog = install_probe(b, "fxp-prog", 0755);
	char *loop = fxt_join(a, "loop");
	char path[3 * PATH_MAX];
	struct run proto = { .file = "fxp-prog", .search = 1 };
	struct run fx, lc;

	ASSERT_SYS(symlink(loop, loop));
	snprintf(path, sizeof path, "/dev/null:/nonexistent:%s", b);
	ASSERT_SYS(setenv("PATH", path, 1));
	PAIR_OK(&proto, &fx, &lc);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), prog);
	run_free(&fx);
	run_free(&lc);

	snprintf(path, sizeof path, "%s:%s", loop, b);
	ASSERT_SYS(setenv("PATH", path, 1));
	PAIR_ERR(&proto, &fx, &lc, ELOOP);
}

/* ------------------------------------------------------------------ */
/* pidfd_spawn and SETCGROUP (forkexec alone)                          */
/* ------------------------------------------------------------------ */

/*
 * fx_pidfd_spawn (glibc 2.39's pidfd_spawn): a close-on-exec pidfd of
 * the child instead of its pid, usable with waitid(P_PIDFD) for its
 * status; fx_pidfd_spawnp searches PATH.
 */
TEST(posix_pidfd_spawn)
{
	static const char *const exit7[] = { "--exit=7", NULL };
	struct run proto = { .pidfd_api = 1, .args = exit7, .exit_code = 7 };
	struct run fx;
	char *a = fxt_tmpdir();
	char *prog = install_probe(a, "fxp-prog", 0755);

	SOLO(&proto, &fx);
	ASSERT_EQ(fx.rc, 0);
	ASSERT_GE(fx.pidfd, 0);
	ASSERT(fx.pidfd_cloexec);
	ASSERT_EQ(fx.pid, UNTOUCHED);
	/* waitid(P_PIDFD) gave the probe's pid (checked by the harness)... */
	ASSERT_GT(fx.child, 0);
	/* ...and its exit status (7, checked by SOLO). */
	run_free(&fx);

	proto.search = 1;
	proto.file = "fxp-prog";
	set_path("/nonexistent", a);
	SOLO(&proto, &fx);
	ASSERT_EQ(fx.rc, 0);
	ASSERT(fx.pidfd_cloexec);
	ASSERT_STR_EQ(fxt_get(fx.r, "exe"), prog);
	run_free(&fx);
	fxt_assert_no_children();
}

/* A failing fx_pidfd_spawn(p) returns the errno, leaves *pidfd alone,
 * and leaves no child or descriptor. */
TEST(posix_pidfd_spawn_error)
{
	struct run proto = { .pidfd_api = 1, .file = "/nope/prog" };
	struct run fx;

	SOLO(&proto, &fx);
	EXPECT_ERR(&fx, ENOENT);
	proto.search = 1;
	proto.file = "fxp-none";
	set_path("/nonexistent", NULL);
	SOLO(&proto, &fx);
	EXPECT_ERR(&fx, ENOENT);
}

/* A writable cgroup2 mount: its mount point and its root in the hierarchy. */
static int find_cgroup2(char *mnt, size_t mlen, char *root, size_t rlen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f)) {
		char r[PATH_MAX], m[PATH_MAX], opts[256];
		const char *sep = strstr(line, " - ");
		char fstype[64];

		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1 ||
		    strcmp(fstype, "cgroup2") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %4095s %4095s %255s", r, m, opts) != 3)
			continue;
		if (strncmp(opts, "rw", 2) != 0)
			continue;
		snprintf(mnt, mlen, "%s", m);
		snprintf(root, rlen, "%s", strcmp(r, "/") == 0 ? "" : r);
		found = 1;
	}
	fclose(f);
	return found;
}

static void inspect_cgroup(struct run *run, pid_t pid)
{
	char path[64], buf[sizeof run->text];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	ASSERT(f != NULL);
	run->text[0] = 0;
	while (fgets(buf, sizeof buf, f))
		if (strncmp(buf, "0::", 3) == 0) {
			buf[strcspn(buf, "\n")] = 0;
			memmove(run->text, buf + 3, strlen(buf + 3) + 1);
		}
	fclose(f);
}

static void setup_cgroup(struct run *run, posix_spawnattr_t *a,
                         posix_spawn_file_actions_t *fa)
{
	(void)fa;
	OK0(fx_posix_spawnattr_setcgroup_np(a, run->ctx->fd[0]));
	OK0(fx_posix_spawnattr_setflags(a, POSIX_SPAWN_SETCGROUP));
}

struct cgroup_case {
	const char *dir;        /* the new cgroup's directory */
	char want[2 * PATH_MAX + 64];  /* its name in /proc/PID/cgroup */
};

static void setcgroup_helper(void *arg)
{
	const struct cgroup_case *cg = arg;
	struct ctx c;
	struct run proto = { .setup = setup_cgroup, .ctx = &c, .hold = 1,
	                     .inspect = inspect_cgroup };
	struct run fx, self;

	inspect_cgroup(&self, getpid());
	c.fd[0] = open(cg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_SYS(c.fd[0]);

	SOLO_OK(&proto, &fx);
	ASSERT_STR_EQ(fx.text, cg->want);
	run_free(&fx);

	proto.pidfd_api = 1;
	SOLO_OK(&proto, &fx);
	ASSERT_STR_EQ(fx.text, cg->want);
	run_free(&fx);

	/* The spawner itself has not moved. */
	inspect_cgroup(&fx, getpid());
	ASSERT_STR_EQ(fx.text, self.text);
	close(c.fd[0]);
}

/*
 * Whether clone3 exists here: only clone3 can start a child in a cgroup.
 * A zero-sized argument is EINVAL where it exists; valgrind and qemu-user
 * answer ENOSYS.
 */
static int have_clone3(void)
{
	return !(syscall(435 /* clone3 */, NULL, 0) < 0 && errno == ENOSYS);
}

/* Without clone3, SETCGROUP fails with ENOSYS and leaves nothing behind:
 * the child is never started outside the cgroup asked for. */
static void setcgroup_without_clone3(void)
{
	char *dir = fxt_tmpdir();
	struct ctx c;
	struct run proto = { .setup = setup_cgroup, .ctx = &c };
	struct run fx;

	c.fd[0] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_SYS(c.fd[0]);
	SOLO(&proto, &fx);
	printf("# no clone3 here (valgrind, qemu-user): SETCGROUP gives %s\n",
	       strerror(fx.rc));
	EXPECT_ERR(&fx, ENOSYS);
	close(c.fd[0]);
}

/*
 * POSIX_SPAWN_SETCGROUP (glibc 2.39, any libc here): the child starts in
 * the cgroup v2 directory given by setcgroup_np (CLONE_INTO_CGROUP),
 * with fx_posix_spawn and fx_pidfd_spawn; the parent stays where it was.
 * The spawns run in a helper, so that the directory is removed even when
 * an assertion fails.  Skipped only without a cgroup2 hierarchy mounted
 * read-write.
 */
TEST(posix_setcgroup)
{
	char mnt[PATH_MAX], root[PATH_MAX], dir[PATH_MAX + 64];
	struct cgroup_case cg = { .dir = dir };
	pid_t pid;
	int st;

	if (!have_clone3()) {
		setcgroup_without_clone3();
		return;
	}
	if (!find_cgroup2(mnt, sizeof mnt, root, sizeof root))
		SKIP("no cgroup2 hierarchy mounted read-write");
	snprintf(dir, sizeof dir, "%s/fxtest-%d", mnt, (int)getpid());
	if (mkdir(dir, 0755) != 0) {
		if (errno == EACCES || errno == EPERM || errno == EROFS)
			SKIP("mkdir %s: %s", dir, strerror(errno));
		FAIL("mkdir %s: %s", dir, strerror(errno));
	}
	snprintf(cg.want, sizeof cg.want, "%s/fxtest-%d", root, (int)getpid());
	pid = fork();
	if (pid == 0) {
		setcgroup_helper(&cg);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (rmdir(dir) != 0)
		printf("# rmdir %s: %s\n", dir, strerror(errno));
	ASSERT_SYS(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("the helper process ended with status 0x%x", st);
}

/*
 * SETCGROUP with a descriptor that is no cgroup v2 directory (a plain
 * directory; a closed fd) fails as the call's return value, leaving
 * nothing behind: the child is never started elsewhere instead.
 */
TEST(posix_setcgroup_bad_fd)
{
	char *dir = fxt_tmpdir();
	struct ctx c;
	struct run proto = { .setup = setup_cgroup, .ctx = &c };
	struct run fx;

	if (!have_clone3()) {
		setcgroup_without_clone3();
		return;
	}
	c.fd[0] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_SYS(c.fd[0]);
	SOLO(&proto, &fx);
	if (fx.rc == 0)
		FAIL("a spawn into a plain directory as cgroup succeeded");
	printf("plain directory as cgroup: %s\n", strerror(fx.rc));
	EXPECT_ERR(&fx, fx.rc);
	close(c.fd[0]);

	c.fd[0] = 90;
	SOLO(&proto, &fx);
	EXPECT_ERR(&fx, EBADF);
}
