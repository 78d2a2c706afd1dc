/* SPDX-License-Identifier: MIT */
/*
 * What a spawned child gets, as the probe reports it: arguments,
 * environment, program lookup, directories, credentials, sessions and
 * terminals, tracing, descriptors and signals.  Every test runs on both
 * backends.
 */
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#if !defined(__APPLE__)
#include <sys/ptrace.h>
#endif
#include <sys/stat.h>
#if !defined(__APPLE__)
#include <sys/sysmacros.h>
#endif
#include <sys/wait.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fxt.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* The probe's fd numbers, in order, as "0,1,2". */
static void fd_list(const fxt_report *r, char *buf, size_t len)
{
	size_t i = 0, used = 0;
	const char *key, *value;

	buf[0] = 0;
	while (fxt_next(r, "fd.", &i, &key, &value) && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		                         used ? "," : "", key + 3);
}

#define ASSERT_FDS(r, want)                                                   \
	do {                                                                  \
		char fxt_fds_[512];                                           \
		fd_list((r), fxt_fds_, sizeof fxt_fds_);                      \
		ASSERT_STR_EQ(fxt_fds_, (want));                              \
	} while (0)

/* What readlink says about one of our own descriptors. */
static void fd_target(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	ASSERT_SYS(n);
	buf[n] = 0;
}

/* A copy of the probe, executable, at dir/name; returns the path. */
static char *install_probe(const char *dir, const char *name)
{
	char *path = fxt_join(dir, name);

	fxt_copy_file(fxt_probe_path(), path, 0755);
	return path;
}

/*
 * The probe's `ctty` value for a terminal: the kernel's encoding of its
 * device number, as TIOCGDEV and /proc's tty_nr give it.
 */
static long long tty_nr(dev_t rdev)
{
	unsigned maj = major(rdev), min = minor(rdev);

	return (long long)((min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12));
}

struct pty {
	int master, slave;
	dev_t rdev;
};

/* A new pseudo-terminal; neither end becomes our controlling terminal. */
static void open_pty(struct pty *p)
{
	struct stat st;
	const char *name;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_SYS(p->master);
	ASSERT_SYS(grantpt(p->master));
	ASSERT_SYS(unlockpt(p->master));
	name = ptsname(p->master);
	ASSERT(name != NULL);
	p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_SYS(p->slave);
	ASSERT_SYS(fstat(p->slave, &st));
	p->rdev = st.st_rdev;
}

/*
 * Runs fn in a forked helper that leads a new session whose controlling
 * terminal is the pty's slave: the situation of a shell.  The test process
 * cannot be that leader itself (it leads its process group, so setsid
 * fails).  Assertions in fn fail the test as usual.
 */
static void in_tty_session(struct pty *p, void (*fn)(struct pty *p))
{
	pid_t pid = fork();
	int st;

	ASSERT_SYS(pid);
	if (pid == 0) {
		ASSERT_SYS(setsid());
		ASSERT_SYS(ioctl(p->slave, TIOCSCTTY, 0));
		fn(p);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("the session helper ended with status 0x%x", st);
}

static const char *const wait_stdin[] = { "--wait-stdin", NULL };

/* ------------------------------------------------------------------ */
/* Arguments and environment                                           */
/* ------------------------------------------------------------------ */

TEST(spawn_argv_exact)
{
	static const char *const args[] = {
		"--", "", "two words", "-", "line\nbreak", "back\\slash",
		"caf\xc3\xa9", "=", "", NULL
	};
	fx_attr *attr = fxt_attr();
	fxt_report *r = fxt_probe_ok(attr, args);
	char key[32];

	/* argv.0 is the program, argv.1 the report option, then ours. */
	ASSERT_EQ(fxt_get_ll(r, "argc"), 2 + 9);
	ASSERT_STR_EQ(fxt_get(r, "argv.0"), fxt_probe_path());
	ASSERT_STR_EQ(fxt_get(r, "argv.1"), "--report-fd=100");
	for (int i = 0; args[i]; i++) {
		snprintf(key, sizeof key, "argv.%d", i + 2);
		ASSERT_STR_EQ(fxt_get(r, key), args[i]);
	}
	ASSERT_EQ(fxt_count(r, "argv."), 11);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_argv_many)
{
	enum { N = 5000 };
	const char **args = calloc(N + 2, sizeof *args);
	char (*text)[16] = calloc(N, sizeof *text);
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	size_t i = 0;
	const char *key, *value;
	int n = 0;

	ASSERT(args && text);
	args[0] = "--";
	for (int k = 0; k < N; k++) {
		snprintf(text[k], sizeof text[k], "arg-%d", k);
		args[k + 1] = text[k];
	}
	r = fxt_probe_ok(attr, args);
	ASSERT_EQ(fxt_get_ll(r, "argc"), N + 3);
	/* Report order is argv order: argv.3 onwards are ours. */
	while (fxt_next(r, "argv.", &i, &key, &value)) {
		if (n >= 3)
			ASSERT_STR_EQ(value, text[n - 3]);
		n++;
	}
	ASSERT_EQ(n, N + 3);
	fxt_report_free(r);
	fx_attr_free(attr);
	free(text);
	free(args);
}

TEST(spawn_argv0_override)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_argv0(attr, "-custom name"));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "argv.0"), "-custom name");
	ASSERT_STR_EQ(fxt_get(r, "argv.1"), "--report-fd=100");
	/* The program run is still the file named, not argv0. */
	ASSERT_STR_EQ(fxt_get(r, "exe"), fxt_probe_path());
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_env_explicit)
{
	char *env[] = { "A=1", "B=two words", "C=", "D=x=y", "E=new\nline",
	                NULL };
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_env(attr, env));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_count(r, "env."), 5);
	ASSERT_STR_EQ(fxt_get(r, "env.0"), "A=1");
	ASSERT_STR_EQ(fxt_get(r, "env.1"), "B=two words");
	ASSERT_STR_EQ(fxt_get(r, "env.2"), "C=");
	ASSERT_STR_EQ(fxt_get(r, "env.3"), "D=x=y");
	ASSERT_STR_EQ(fxt_get(r, "env.4"), "E=new\nline");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* The attr is copied at set time: changing the caller's array later does not matter. */
TEST(spawn_env_copied)
{
	char a[] = "A=before";
	char *env[] = { a, NULL };
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_env(attr, env));
	a[2] = 'X';
	env[0] = NULL;
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_count(r, "env."), 1);
	ASSERT_STR_EQ(fxt_get(r, "env.0"), "A=before");
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_env_inherited)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	size_t i = 0;
	int n = 0;
	const char *key, *value;

	/* Set after the attr exists: the environment is read at spawn time. */
	ASSERT_SYS(setenv("FXT_MARK", "inherited value", 1));
	r = fxt_probe_ok(attr, NULL);
	while (fxt_next(r, "env.", &i, &key, &value)) {
		ASSERT(environ[n] != NULL);
		ASSERT_STR_EQ(value, environ[n]);
		n++;
	}
	ASSERT(environ[n] == NULL);
	ASSERT(n > 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_env_empty)
{
	char *env[] = { NULL };
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_env(attr, env));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_count(r, "env."), 0);
	ASSERT_EQ(fxt_get_ll(r, "argc"), 2);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Program lookup (done by the parent)                                 */
/* ------------------------------------------------------------------ */

TEST(spawn_path_search)
{
	char *dir = fxt_tmpdir(), search[4096];
	char *prog = install_probe(dir, "fxt-found");
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	fx_error err;
	int status;

	snprintf(search, sizeof search, "/nonexistent:%s:/usr/bin", dir);
	ASSERT_OK(fx_attr_set_search_path(attr, search));
	ASSERT_SPAWNED(fxt_probe_file("fxt-found", attr, NULL, &r, &status,
	                              &err), &err);
	ASSERT_EQ(status, 0);
	ASSERT_STR_EQ(fxt_get(r, "exe"), prog);
	ASSERT_STR_EQ(fxt_get(r, "argv.0"), "fxt-found");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* Without a search path the PATH of the child's environment is used. */
TEST(spawn_path_from_env)
{
	char *dir = fxt_tmpdir(), path_var[4096];
	char *prog = install_probe(dir, "fxt-env-found");
	char *env[] = { path_var, NULL };
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	fx_error err;
	int status;

	snprintf(path_var, sizeof path_var, "PATH=/nonexistent:%s", dir);
	ASSERT_OK(fx_attr_set_env(attr, env));
	ASSERT_SPAWNED(fxt_probe_file("fxt-env-found", attr, NULL, &r,
	                              &status, &err), &err);
	ASSERT_STR_EQ(fxt_get(r, "exe"), prog);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* An empty element is never the current directory (unlike execvp). */
TEST(spawn_path_empty_element_not_cwd)
{
	static const char *const searches[] = {
		":/nonexistent", "/nonexistent:", "/nonexistent::/nonexistent2",
		"", NULL
	};
	char *dir = fxt_tmpdir();
	int fds = fxt_fd_count();

	free(install_probe(dir, "fxt-in-cwd"));
	ASSERT_SYS(chdir(dir));
	for (int i = 0; searches[i]; i++) {
		fx_attr *attr = fxt_attr();
		fxt_report *r = NULL;
		fx_error err;
		int rc;

		memset(&err, 0, sizeof err);
		ASSERT_OK(fx_attr_set_search_path(attr, searches[i]));
		rc = fxt_probe_file("fxt-in-cwd", attr, NULL, &r, NULL, &err);
		if (rc >= 0)
			FAIL("search path \"%s\" found the program in the "
			     "current directory", searches[i]);
		ASSERT_ERR(rc, -ENOENT);
		ASSERT_EQ(err.step, FX_STEP_LOOKUP);
		ASSERT_EQ(err.code, ENOENT);
		ASSERT(r == NULL);
		fx_attr_free(attr);
	}
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
}

/* A name with a slash is a path, relative to the cwd: no search. */
TEST(spawn_path_slash_used_as_is)
{
	char *here = fxt_tmpdir(), *elsewhere = fxt_tmpdir(), *sub;
	char *elsewhere_sub = fxt_join(elsewhere, "sub");
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	fx_error err;
	int status;

	sub = fxt_join(here, "sub");
	ASSERT_SYS(mkdir(sub, 0755));
	ASSERT_SYS(mkdir(elsewhere_sub, 0755));
	free(install_probe(sub, "prog"));
	free(install_probe(elsewhere_sub, "prog"));
	ASSERT_SYS(chdir(here));
	/* The search path would find elsewhere/sub/prog if it were used. */
	ASSERT_OK(fx_attr_set_search_path(attr, elsewhere));

	ASSERT_SPAWNED(fxt_probe_file("sub/prog", attr, NULL, &r, &status,
	                              &err), &err);
	ASSERT_STR_EQ(fxt_get(r, "exe"), fxt_join(sub, "prog"));
	fxt_report_free(r);

	ASSERT_SPAWNED(fxt_probe_file("./sub/prog", attr, NULL, &r, &status,
	                              &err), &err);
	ASSERT_STR_EQ(fxt_get(r, "exe"), fxt_join(sub, "prog"));
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* Entries that cannot be run are passed over for a later one that can. */
TEST(spawn_path_skips_non_executable)
{
	char *d_dir = fxt_tmpdir(), *d_plain = fxt_tmpdir();
	char *d_good = fxt_tmpdir(), search[4096], *prog;
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	fx_error err;
	int status;

	/* A directory, then a readable non-executable file (even for root). */
	ASSERT_SYS(mkdir(fxt_join(d_dir, "prog"), 0755));
	fxt_write_file(fxt_join(d_plain, "prog"), "#!/bin/sh\nexit 9\n", 0644);
	prog = install_probe(d_good, "prog");
	snprintf(search, sizeof search, "%s:%s:%s", d_dir, d_plain, d_good);
	ASSERT_OK(fx_attr_set_search_path(attr, search));

	ASSERT_SPAWNED(fxt_probe_file("prog", attr, NULL, &r, &status, &err),
	               &err);
	ASSERT_EQ(status, 0);
	ASSERT_STR_EQ(fxt_get(r, "exe"), prog);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_path_not_found)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r = NULL;
	fx_error err;
	int fds = fxt_fd_count();

	memset(&err, 0, sizeof err);
	ASSERT_OK(fx_attr_set_search_path(attr, "/nonexistent1:/nonexistent2"));
	ASSERT_ERR(fxt_probe_file("fxt-no-such-program", attr, NULL, &r, NULL,
	                          &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_LOOKUP);
	ASSERT_EQ(err.code, ENOENT);
	ASSERT(strstr(err.subject, "fxt-no-such-program") != NULL);
	fx_attr_free(attr);
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Directories                                                         */
/* ------------------------------------------------------------------ */

TEST(spawn_cwd)
{
	char *dir = fxt_tmpdir(), here[4096], after[4096];
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT(getcwd(here, sizeof here) != NULL);
	ASSERT_OK(fx_attr_set_cwd(attr, dir));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "cwd"), dir);
	fxt_report_free(r);
	/* The parent's own directory did not move. */
	ASSERT_STR_EQ(getcwd(after, sizeof after), here);

	/* Without a cwd the child starts in ours. */
	fx_attr_free(attr);
	attr = fxt_attr();
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "cwd"), here);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/*
 * The probe, copied into an empty directory, is run chrooted there.  From
 * inside it cannot see /proc, so its root is read from outside while it
 * waits on stdin.
 */
static void chroot_probe(const char *cwd, const char *want_cwd)
{
	char *root = fxt_tmpdir(), link[64], target[4096];
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	fx_proc *proc;
	fx_error err;
	int in[2], status;
	ssize_t n;

	free(install_probe(root, "fxprobe"));
	ASSERT_SYS(mkdir(fxt_join(root, "sub"), 0755));
	fxt_pipe(in);
	ASSERT_OK(fx_attr_set_fd(attr, 0, in[0]));
	ASSERT_OK(fx_attr_set_chroot(attr, root));
	if (cwd)
		ASSERT_OK(fx_attr_set_cwd(attr, cwd));
	ASSERT_SPAWNED(fxt_probe_start("/fxprobe", attr, wait_stdin, &proc, &r,
	                               &err), &err);
	close(in[0]);

	snprintf(link, sizeof link, "/proc/%d/root", (int)fx_proc_pid(proc));
	n = readlink(link, target, sizeof target - 1);
	ASSERT_SYS(n);
	target[n] = 0;
	ASSERT_STR_EQ(target, root);
	ASSERT_STR_EQ(fxt_get(r, "cwd"), want_cwd);
	ASSERT_STR_EQ(fxt_get(r, "argv.0"), "/fxprobe");
	/* No /proc inside: the probe says so rather than guess. */
	ASSERT_STR_EQ(fxt_get(r, "root"), "?");

	close(in[1]);
	status = fxt_wait_ok(proc);
	ASSERT_EQ(status, 0);
	fx_proc_free(proc);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_chroot)
{
	if (geteuid() != 0)
		SKIP("chroot needs root");
	chroot_probe(NULL, "/");
}

TEST(spawn_chroot_cwd)
{
	if (geteuid() != 0)
		SKIP("chroot needs root");
	/* The cwd is taken inside the new root. */
	chroot_probe("/sub", "/sub");
}

/* ------------------------------------------------------------------ */
/* Credentials                                                         */
/* ------------------------------------------------------------------ */

TEST(spawn_uid_gid_groups)
{
	gid_t groups[] = { 65534, 5, 1000 };
	fx_attr *attr;
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("switching users needs root");
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_uid(attr, 65534));
	ASSERT_OK(fx_attr_set_gid(attr, 65534));
	ASSERT_OK(fx_attr_set_groups(attr, 3, groups));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(r, "gid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(r, "groups"), "5,1000,65534");
	/* Becoming nobody by setuid drops every capability. */
	ASSERT_STR_EQ(fxt_get(r, "capeff"), "0000000000000000");
	fxt_report_free(r);
	fx_attr_free(attr);

	/* The parent kept its identity. */
	ASSERT_EQ(getuid(), 0);
	ASSERT_EQ(geteuid(), 0);
	ASSERT_EQ(getegid(), 0);
}

/* Without fx_attr_set_groups the parent's groups are inherited as they are. */
TEST(spawn_groups_untouched)
{
	gid_t ours[] = { 7, 8 };
	fx_attr *attr;
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("setgroups needs root");
	ASSERT_SYS(setgroups(2, ours));
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_uid(attr, 65534));
	ASSERT_OK(fx_attr_set_gid(attr, 65534));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(r, "groups"), "7,8");
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_groups_cleared)
{
	gid_t ours[] = { 7, 8 };
	fx_attr *attr;
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("setgroups needs root");
	ASSERT_SYS(setgroups(2, ours));
	attr = fxt_attr();
	ASSERT_OK(fx_attr_set_groups(attr, 0, NULL));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "groups"), "");
	ASSERT_STR_EQ(fxt_get(r, "uid"), "0,0,0,0");
	fxt_report_free(r);

	/* clear_credentials forgets the list again: inherited. */
	ASSERT_OK(fx_attr_clear_credentials(attr));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_STR_EQ(fxt_get(r, "groups"), "7,8");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Sessions and process groups                                         */
/* ------------------------------------------------------------------ */

TEST(spawn_setsid)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	long long pid;

	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID));
	r = fxt_probe_ok(attr, NULL);
	pid = fxt_get_ll(r, "pid");
	ASSERT_EQ(fxt_get_ll(r, "sid"), pid);
	ASSERT_EQ(fxt_get_ll(r, "pgid"), pid);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_default_session)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r = fxt_probe_ok(attr, NULL);

	ASSERT_EQ(fxt_get_ll(r, "sid"), getsid(0));
	ASSERT_EQ(fxt_get_ll(r, "pgid"), getpgrp());
	ASSERT_EQ(fxt_get_ll(r, "ppid"), getpid());
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_pgid_new)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "pgid"), fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "sid"), getsid(0));
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A leader in a group of its own, then a second child joining it. */
TEST(spawn_pgid_join)
{
	fx_attr *attr = fxt_attr(), *attr2 = fxt_attr();
	fxt_report *leader, *member;
	fx_proc *proc;
	fx_error err;
	int in[2];
	long long pgid;

	fxt_pipe(in);
	ASSERT_OK(fx_attr_set_fd(attr, 0, in[0]));
	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, wait_stdin, &proc, &leader,
	                               &err), &err);
	close(in[0]);
	pgid = fxt_get_ll(leader, "pid");
	ASSERT_EQ(fxt_get_ll(leader, "pgid"), pgid);
	ASSERT(pgid != getpgrp());

	ASSERT_OK(fx_attr_set_pgid(attr2, (pid_t)pgid));
	member = fxt_probe_ok(attr2, NULL);
	ASSERT_EQ(fxt_get_ll(member, "pgid"), pgid);
	ASSERT(fxt_get_ll(member, "pid") != pgid);

	close(in[1]);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);
	fxt_report_free(leader);
	fxt_report_free(member);
	fx_attr_free(attr);
	fx_attr_free(attr2);
}

/* ------------------------------------------------------------------ */
/* Terminals                                                           */
/* ------------------------------------------------------------------ */

TEST(spawn_setctty)
{
	struct pty p;
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	open_pty(&p);
	ASSERT_OK(fx_attr_set_fd(attr, 0, p.slave));
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "sid"), fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p.rdev));
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), fxt_get_ll(r, "pgid"));
	fxt_report_free(r);
	fx_attr_free(attr);
	close(p.slave);
	close(p.master);
}

/* The terminal is found on another child fd when tty_fd says so. */
TEST(spawn_setctty_tty_fd)
{
	struct pty p;
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	open_pty(&p);
	ASSERT_OK(fx_attr_set_fd(attr, 7, p.slave));
	ASSERT_OK(fx_attr_set_tty_fd(attr, 7));
	ASSERT_OK(fx_attr_set_flags(attr, FX_SETSID | FX_SETCTTY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p.rdev));
	fxt_report_free(r);
	fx_attr_free(attr);
	close(p.slave);
	close(p.master);
}

static void foreground_in_session(struct pty *p)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	long long pid;

	/* We lead the session and are its foreground group. */
	ASSERT_EQ(tcgetpgrp(p->slave), getpgrp());
	ASSERT_OK(fx_attr_set_fd(attr, 0, p->slave));
	ASSERT_OK(fx_attr_set_pgid(attr, 0));
	ASSERT_OK(fx_attr_set_flags(attr, FX_FOREGROUND));
	r = fxt_probe_ok(attr, NULL);
	pid = fxt_get_ll(r, "pid");
	ASSERT_EQ(fxt_get_ll(r, "pgid"), pid);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p->rdev));
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), pid);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A shell starting a job: new group, made the terminal's foreground. */
TEST(spawn_foreground)
{
	struct pty p;

	open_pty(&p);
	in_tty_session(&p, foreground_in_session);
	close(p.slave);
	close(p.master);
}

static void noctty_in_session(struct pty *p)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_fd(attr, 0, p->slave));
	/* Without the flag the child shares our terminal... */
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), tty_nr(p->rdev));
	fxt_report_free(r);
	/* ...with it, it has none, and we still have ours. */
	ASSERT_OK(fx_attr_set_flags(attr, FX_NOCTTY));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "ctty"), 0);
	ASSERT_EQ(fxt_get_ll(r, "tpgid"), -1);
	fxt_report_free(r);
	ASSERT_EQ(tcgetpgrp(p->slave), getpgrp());
	fx_attr_free(attr);
}

TEST(spawn_noctty)
{
	struct pty p;

	open_pty(&p);
	in_tty_session(&p, noctty_in_session);
	close(p.slave);
	close(p.master);
}

/* fd 0 is /dev/null here, not a controlling terminal: TIOCNOTTY fails. */
TEST(spawn_noctty_not_a_tty)
{
	fx_attr *attr = fxt_attr();
	fx_error err;
	int fds = fxt_fd_count();

	memset(&err, 0, sizeof err);
	ASSERT_OK(fx_attr_set_flags(attr, FX_NOCTTY));
	ASSERT_ERR(fxt_probe(attr, NULL, NULL, NULL, &err), -ENOTTY);
	ASSERT_EQ(err.step, FX_STEP_NOCTTY);
	ASSERT_EQ(err.code, ENOTTY);
	fx_attr_free(attr);
	fxt_assert_fd_count(fds);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Tracing                                                             */
/* ------------------------------------------------------------------ */

#if !defined(__APPLE__)
static long long tracer_of(pid_t pid)
{
	char path[64], buf[4096], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_SYS(fd);
	n = read(fd, buf, sizeof buf - 1);
	ASSERT_SYS(n);
	buf[n] = 0;
	close(fd);
	p = strstr(buf, "TracerPid:");
	ASSERT(p != NULL);
	return atoll(p + strlen("TracerPid:"));
}

TEST(spawn_ptrace)
{
	char *argv[] = { (char *)fxt_probe_path(), NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), st;
	pid_t pid;

	ASSERT_SYS(null);
	ASSERT_OK(fx_attr_set_fd(attr, 1, null));
	ASSERT_OK(fx_attr_set_flags(attr, FX_PTRACE));
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	pid = fx_proc_pid(proc);

	/* A tracee stops with SIGTRAP once execve has succeeded. */
	ASSERT_EQ(waitpid(pid, &st, __WALL), pid);
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
		FAIL("expected a SIGTRAP stop, status 0x%x", st);
	ASSERT_EQ(tracer_of(pid), getpid());

	ASSERT_SYS(ptrace(PTRACE_DETACH, pid, NULL, NULL));
	st = fxt_wait_ok(proc);
	ASSERT_EQ(fx_status_exited(st), 1);
	ASSERT_EQ(fx_status_code(st), 0);
	fx_proc_free(proc);
	fx_attr_free(attr);
	close(null);
}
#else
TEST(spawn_ptrace)
{
	SKIP("Linux only: the tracer's pid is read from /proc/PID/status");
}
#endif

TEST(spawn_not_traced_by_default)
{
	FXT_LINUX_ONLY("the probe reads TracerPid from /proc/self/status");
	fx_attr *attr = fxt_attr();
	fxt_report *r = fxt_probe_ok(attr, NULL);

	ASSERT_EQ(fxt_get_ll(r, "tracerpid"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

TEST(spawn_fd_map_pipe)
{
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	char want[256];
	fxt_report *r;
	int p[2];

	fxt_pipe(p);
	fd_target(p[1], want, sizeof want);
	ASSERT_OK(fx_attr_set_fd(attr, 5, p[1]));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT_STR_EQ(info.target, want);
	ASSERT_EQ(info.cloexec, 0);
	ASSERT_EQ(info.flags & O_ACCMODE, O_WRONLY);
	ASSERT_FDS(r, "0,1,2,5");
	fxt_report_free(r);
	fx_attr_free(attr);
	close(p[0]);
	close(p[1]);
}

TEST(spawn_fd_map_file)
{
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "file");
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	int fd;

	fxt_write_file(path, "data", 0644);
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	ASSERT_SYS(fd);
	ASSERT_OK(fx_attr_set_fd(attr, 5, fd));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT_STR_EQ(info.target, path);
	ASSERT_EQ(info.cloexec, 0);
	/* The same open file description: its flags come along. */
	ASSERT_EQ(info.flags & O_ACCMODE, O_RDWR);
	ASSERT(info.flags & O_APPEND);
	fxt_report_free(r);
	fx_attr_free(attr);
	close(fd);
}

/* Descriptors without O_CLOEXEC do not leak into the child by default. */
TEST(spawn_fd_unmapped_closed)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	int fd = open("/dev/null", O_RDONLY);  /* no O_CLOEXEC, on purpose */
	int high = fcntl(fd, F_DUPFD, 600);

	ASSERT_SYS(fd);
	ASSERT_SYS(high);
	r = fxt_probe_ok(attr, NULL);
	ASSERT_FDS(r, "0,1,2");
	fxt_report_free(r);
	fx_attr_free(attr);
	close(fd);
	close(high);
}

TEST(spawn_fd_keep_fds)
{
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	int fd = open("/dev/null", O_RDONLY);  /* no O_CLOEXEC, on purpose */
	int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char want[64];

	ASSERT_SYS(fd);
	ASSERT_SYS(cloexec);
	ASSERT_OK(fx_attr_set_flags(attr, FX_KEEP_FDS));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, fd, &info));
	ASSERT_STR_EQ(info.target, "/dev/null");
	ASSERT_EQ(info.cloexec, 0);
	/* Close-on-exec ones still close, as with plain fork+exec. */
	ASSERT(!fxt_fd_info(r, cloexec, &info));
	snprintf(want, sizeof want, "0,1,2,%d", fd);
	ASSERT_FDS(r, want);
	fxt_report_free(r);
	fx_attr_free(attr);
	close(fd);
	close(cloexec);
}

TEST(spawn_fd_close_child_fd)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	ASSERT_OK(fx_attr_set_fd(attr, 2, -1));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_FDS(r, "0,1");
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* dup2(5, 5) would keep close-on-exec: the library must clear it. */
TEST(spawn_fd_identity_map)
{
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_SYS(null);
	ASSERT_EQ(dup3(null, 5, O_CLOEXEC), 5);
	ASSERT_OK(fx_attr_set_fd(attr, 5, 5));
	r = fxt_probe_ok(attr, NULL);
	ASSERT(fxt_fd_info(r, 5, &info));
	ASSERT_STR_EQ(info.target, "/dev/null");
	ASSERT_EQ(info.cloexec, 0);
	fxt_report_free(r);
	/* Our own fd 5 is untouched. */
	ASSERT_EQ(fcntl(5, F_GETFD), FD_CLOEXEC);
	fx_attr_free(attr);
	close(5);
	close(null);
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */
/* ------------------------------------------------------------------ */

/*
 * execve resets caught signals by itself; what can go wrong is a library
 * that "resets" a caught signal to SIG_IGN, or forgets one it caught.
 */
TEST(spawn_sig_caught_is_default)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	fxt_catch_signal(SIGUSR1);
	fxt_catch_signal(SIGTERM);
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigcaught"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* POSIX: ignored signals stay ignored across exec... */
TEST(spawn_sig_ignored_kept)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	signal(SIGUSR2, SIG_IGN);
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), FXT_SIGBIT(SIGUSR2));
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* ...unless named in sigdefault. */
TEST(spawn_sig_sigdefault)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	sigset_t set;

	signal(SIGUSR2, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ASSERT_OK(fx_attr_set_sigdefault(attr, &set));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), FXT_SIGBIT(SIGPIPE));
	fxt_report_free(r);
	/* The parent's own dispositions are not changed. */
	ASSERT(signal(SIGUSR2, SIG_IGN) == SIG_IGN);
	fx_attr_free(attr);
}

TEST(spawn_sig_clean)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	sigset_t set;

	signal(SIGUSR2, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	fxt_catch_signal(SIGUSR1);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, FXT_SIG_EXTRA);
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	ASSERT_OK(fx_attr_set_flags(attr, FX_CLEAN_SIGNALS));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigign"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigcaught"), 0);
	ASSERT_EQ(fxt_get_hex(r, "sigmask"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

struct mask_job {
	fx_attr *attr;
	fxt_report *report;
};

static void *spawn_with_sighup_blocked(void *arg)
{
	struct mask_job *job = arg;
	sigset_t set, after;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	job->report = fxt_probe_ok(job->attr, NULL);
	/* Spawning blocks all signals for a moment: ours must come back. */
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&after, sig) != (sig == SIGHUP))
			FAIL("signal %d %s blocked after the spawn", sig,
			     sigismember(&after, sig) ? "is" : "is not");
	return NULL;
}

/* The default mask is the spawning thread's, not the main thread's. */
TEST(spawn_sig_mask_of_thread)
{
	struct mask_job job = { fxt_attr(), NULL };
	pthread_t thread;

	ASSERT_EQ(pthread_create(&thread, NULL, spawn_with_sighup_blocked,
	                         &job), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	ASSERT_EQ(fxt_get_hex(job.report, "sigmask"), FXT_SIGBIT(SIGHUP));
	fxt_report_free(job.report);

	/* From the main thread, with nothing blocked, nothing is. */
	job.report = fxt_probe_ok(job.attr, NULL);
	ASSERT_EQ(fxt_get_hex(job.report, "sigmask"), 0);
	fxt_report_free(job.report);
	fx_attr_free(job.attr);
}

TEST(spawn_sig_setmask)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	sigset_t set;

	/* Our own mask has SIGHUP; the attr's mask wins. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, FXT_SIG_HIGHEST);
	ASSERT_OK(fx_attr_set_sigmask(attr, &set));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_hex(r, "sigmask"), FXT_SIGBIT(SIGUSR1) |
	          FXT_SIGBIT(SIGTERM) | FXT_SIGBIT(FXT_SIG_HIGHEST));
	ASSERT_EQ(fxt_get_hex(r, "sigpending"), 0);
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST(spawn_pdeathsig)
{
	FXT_LINUX_ONLY("Darwin has no parent-death signal (fx_attr_set_pdeathsig: -ENOTSUP)");
	fx_attr *attr = fxt_attr();
	fxt_report *r;

	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "pdeathsig"), 0);
	fxt_report_free(r);
	ASSERT_OK(fx_attr_set_pdeathsig(attr, SIGUSR1));
	r = fxt_probe_ok(attr, NULL);
	ASSERT_EQ(fxt_get_ll(r, "pdeathsig"), SIGUSR1);
	fxt_report_free(r);
	fx_attr_free(attr);
}

struct orphan_job {
	fx_attr *attr;
	fx_proc *proc;
};

static void *spawn_and_exit(void *arg)
{
	struct orphan_job *job = arg;
	fx_error err;

	ASSERT_SPAWNED(fxt_probe_start(NULL, job->attr, wait_stdin,
	                               &job->proc, NULL, &err), &err);
	return NULL;
}

/* The signal comes when the spawning thread ends, not the process. */
TEST(spawn_pdeathsig_thread_exit)
{
	FXT_LINUX_ONLY("Darwin has no parent-death signal (fx_attr_set_pdeathsig: -ENOTSUP)");
	struct orphan_job job = { fxt_attr(), NULL };
	pthread_t thread;
	int in[2], st = -1, rc;

	fxt_pipe(in);
	ASSERT_OK(fx_attr_set_fd(job.attr, 0, in[0]));
	ASSERT_OK(fx_attr_set_pdeathsig(job.attr, SIGKILL));
	ASSERT_EQ(pthread_create(&thread, NULL, spawn_and_exit, &job), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	close(in[0]);

	rc = fx_proc_wait(job.proc, &st, 10000);
	close(in[1]);
	if (rc == -ETIMEDOUT) {
		fxt_wait_ok(job.proc);
		FAIL("the child outlived the thread that spawned it");
	}
	ASSERT_OK(rc);
	ASSERT_EQ(fx_status_signal(st), SIGKILL);
	fx_proc_free(job.proc);
	fx_attr_free(job.attr);
}
