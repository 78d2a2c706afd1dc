/* SPDX-License-Identifier: MIT */
/*
 * What a spawned child gets, as the probe reports it: arguments,
 * environment, program lookup, directories, credentials, sessions and
 * process groups (the helpers: spawn_harness.h).
 */

#include "spawn_harness.h"

/* ------------------------------------------------------------------ */
/* Arguments and environment                                           */
/* ------------------------------------------------------------------ */

TEST_CORE(spawn_argv_exact)
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

TEST_CORE(spawn_argv_many)
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

TEST_CORE(spawn_argv0_override)
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

TEST_CORE(spawn_env_explicit)
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
TEST_CORE(spawn_env_copied)
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

TEST_CORE(spawn_env_inherited)
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

TEST_CORE(spawn_env_empty)
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

TEST_CORE(spawn_path_search)
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
TEST_CORE(spawn_path_from_env)
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
TEST_CORE(spawn_path_empty_element_not_cwd)
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
TEST_CORE(spawn_path_slash_used_as_is)
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
TEST_CORE(spawn_path_skips_non_executable)
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

TEST_CORE(spawn_path_not_found)
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

TEST_CORE(spawn_cwd)
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

TEST_CORE(spawn_chroot)
{
	if (geteuid() != 0)
		SKIP("chroot needs root");
	chroot_probe(NULL, "/");
}

TEST_CORE(spawn_chroot_cwd)
{
	if (geteuid() != 0)
		SKIP("chroot needs root");
	/* The cwd is taken inside the new root. */
	chroot_probe("/sub", "/sub");
}

/* ------------------------------------------------------------------ */
/* Credentials                                                         */
/* ------------------------------------------------------------------ */

TEST_CORE(spawn_uid_gid_groups)
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
TEST_CORE(spawn_groups_untouched)
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

TEST_CORE(spawn_groups_cleared)
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

TEST_CORE(spawn_setsid)
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

TEST_CORE(spawn_default_session)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r = fxt_probe_ok(attr, NULL);

	ASSERT_EQ(fxt_get_ll(r, "sid"), getsid(0));
	ASSERT_EQ(fxt_get_ll(r, "pgid"), getpgrp());
	ASSERT_EQ(fxt_get_ll(r, "ppid"), getpid());
	fxt_report_free(r);
	fx_attr_free(attr);
}

TEST_CORE(spawn_pgid_new)
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
TEST_CORE(spawn_pgid_join)
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
