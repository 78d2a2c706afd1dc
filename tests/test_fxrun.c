/* SPDX-License-Identifier: MIT */
/*
 * fxrun: exit codes and messages, and each option as the child sees it
 * (the harness: fxrun_harness.h).
 */

#include "fxrun_harness.h"

/* ------------------------------------------------------------------ */
/* Exit codes and messages                                             */
/* ------------------------------------------------------------------ */

TEST(fxrun_exit_zero)
{
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "argv.0"), fxt_probe_path());
	ASSERT_STR_EQ(r.err, "");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_exit_code)
{
	struct fxr r;

	FXRUN(&r, fxt_probe_path(), "--exit=3");
	ASSERT_EQ(r.code, 3);
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);
}

TEST(fxrun_killed_by_signal)
{
	struct fxr r;

	/* fxrun dies of the child's signal, as env(1) does. */
	FXRUN(&r, fxt_probe_path(), "--kill=15");
	ASSERT_EQ(r.sig, SIGTERM);
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);

	/* Without a core file of its own (the child's is the one wanted). */
	FXRUN(&r, fxt_probe_path(), "--kill=11");
	ASSERT_EQ(r.sig, SIGSEGV);
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);
}

TEST(fxrun_not_found_path)
{
	struct fxr r;

	FXRUN(&r, "/nonexistent/fxrun-test-program");
	ASSERT_EQ(r.code, 127);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strncmp(r.err, "fxrun: ", 7) == 0);
	ASSERT(strstr(r.err, "No such file or directory"));
	fxr_free(&r);
}

TEST(fxrun_not_found_search)
{
	/*
	 * A PATH of our own: a directory on the host's PATH that we may not
	 * search (/root/bin, run as nobody) makes the lookup say EACCES.
	 */
	char *const envp[] = { (char *)"PATH=/usr/bin:/bin", NULL };
	struct fxr r;

	FXRUN_WITH(&r, &(struct fxr_setup){ .envp = envp },
	           "fxrun-no-such-program-anywhere");
	ASSERT_EQ(r.code, 127);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strncmp(r.err, "fxrun: ", 7) == 0);
	fxr_free(&r);
}

TEST(fxrun_not_executable)
{
	char *dir = fxt_tmpdir();
	char *plain = fxt_join(dir, "plain");
	char *garbage = fxt_join(dir, "garbage");
	struct fxr r;

	/* No execute bit at all: EACCES, even for root. */
	fxt_write_file(plain, "#!/bin/sh\nexit 0\n", 0644);
	FXRUN(&r, plain);
	ASSERT_EQ(r.code, 126);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, "Permission denied"));
	fxr_free(&r);

	/* Executable but no known format: ENOEXEC, so /bin/sh reads it, as
	 * execvp and env(1) do; sh finds no command in it. */
	fxt_write_file(garbage, "\x01\x02\x03\x04 not a program\n", 0755);
	FXRUN(&r, garbage);
	ASSERT_EQ(r.code, 127);
	ASSERT(strstr(r.err, "not found"));
	fxr_free(&r);

	free(plain);
	free(garbage);
	free(dir);
}

TEST(fxrun_chdir_fails)
{
	struct fxr r;

	FXRUN(&r, "-C", "/nope", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err,
	              "fxrun: chdir \"/nope\": No such file or directory\n");
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);
}

TEST_ONCE(fxrun_help)
{
	struct fxr r;

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--help");
	ASSERT_EQ(r.code, 0);
	ASSERT(strncmp(r.out, "Usage: fxrun ", 13) == 0);
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "-h");
	ASSERT_EQ(r.code, 0);
	ASSERT(strncmp(r.out, "Usage: fxrun ", 13) == 0);
	fxr_free(&r);
}

TEST_ONCE(fxrun_version)
{
	struct fxr r;
	char want[64];

	snprintf(want, sizeof want, "fxrun (forkexec) %s\n", fx_version_string());
	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--version");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_EQ(r.out, want);
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);
}

TEST_ONCE(fxrun_unknown_option)
{
	struct fxr r;

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--bogus",
	           "true");
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err, "fxrun: unknown option '--bogus'\n"
	                     "Try 'fxrun --help'.\n");
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "-Z", "true");
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err, "fxrun: unknown option '-Z'\n"
	                     "Try 'fxrun --help'.\n");
	fxr_free(&r);
}

/* Each of these is refused before anything is spawned. */
TEST_ONCE(fxrun_bad_usage)
{
	static const char *const cases[][5] = {
		{ "-C", NULL },                          /* missing argument */
		{ "-u", "0", NULL },                     /* missing program */
		{ "-0", "true", NULL },                  /* -0 is for printing */
		{ "--ign", "true", NULL },               /* ambiguous abbreviation */
		{ "=x", "true", NULL },                  /* an assignment with no name */
		{ "--fd", "5", "true", NULL },
		{ "--fd", "x=1", "true", NULL },
		{ "--fd=-1=0", "true", NULL },
		{ "-e", "NOEQUALS", "true", NULL },
		{ "-e", "=value", "true", NULL },
		{ "-U", "A=B", "true", NULL },
		{ "--pgid", "-3", "true", NULL },
		{ "--pdeathsig", "NOSUCHSIG", "true", NULL },
		{ "--backend", "spoon", "true", NULL },
		{ "-G", "a,,b", "true", NULL },
		{ "--ctty", "0", "true", NULL },         /* needs --setsid */
		{ "--setsid", "--pgid", "0", "true" },
		{ "--setsid", "--noctty", "true", NULL },
		{ "--setsid=yes", "true", NULL },
		{ "-u", "", "true", NULL },
		{ "--timeout", "1x", "true", NULL },
		{ "--timeout", "-1", "true", NULL },
		{ "--timeout", "", "true", NULL },
		{ "--timeout", "1.5.2", "true", NULL },
		{ "--timeout", "s", "true", NULL },
		{ "--kill-after", "1", "true", NULL },   /* needs --timeout */
		{ "--signal", "TERM", "true", NULL },    /* needs --timeout */
		{ "--timeout", "1", "--signal", "NOPE", "true" },
		{ "--kill-group", "--pgid", "7", "true" },
		{ "--stdin", "f", "--null-stdin", "true" },
		{ "--stderr", "f", "--stderr-to-stdout", "true" },
		{ "--append", "true", NULL },            /* needs a file */
		{ "--stdout", "f", "--fd", "1=2", "true" },
		{ "--stdout", "", "true", NULL },
		{ "--null-stdin=1", "true", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[6] = { 0 };
		struct fxr r;
		size_t j;

		for (j = 0; j < 5 && cases[i][j]; j++)
			args[j] = cases[i][j];
		fxr_run(&r, &(struct fxr_setup){ .no_backend = 1 }, args);
		if (r.code != 125 || count_lines(r.err) != 2 ||
		    strncmp(r.err, "fxrun: ", 7) != 0 ||
		    !strstr(r.err, "\nTry 'fxrun --help'.\n"))
			FAIL("case %zu (%s): exit %d, stderr \"%s\"", i,
			     args[0] ? args[0] : "(none)", r.code, r.err);
		fxr_free(&r);
	}
}

TEST_ONCE(fxrun_unknown_user)
{
	struct fxr r;

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 },
	           "-u", "fxrun-no-such-user", "true");
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err, "fxrun: unknown user \"fxrun-no-such-user\"\n");
	fxr_free(&r);

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 },
	           "-G", "0,fxrun-no-such-group", "true");
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err, "fxrun: unknown group \"fxrun-no-such-group\"\n");
	fxr_free(&r);
}

/* ------------------------------------------------------------------ */
/* Options as the child sees them                                      */
/* ------------------------------------------------------------------ */

TEST(fxrun_chdir)
{
	char *dir = fxt_tmpdir();
	char *opt = NULL;
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "-C", dir, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cwd"), dir);
	fxt_report_free(rep);
	fxr_free(&r);

	/* The --opt=value form, and the short option glued to its value. */
	if (asprintf(&opt, "--chdir=%s", dir) < 0)
		FAIL("asprintf");
	FXRUN(&r, opt, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cwd"), dir);
	fxt_report_free(rep);
	fxr_free(&r);
	free(opt);

	if (asprintf(&opt, "-C%s", dir) < 0)
		FAIL("asprintf");
	FXRUN(&r, opt, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cwd"), dir);
	fxt_report_free(rep);
	fxr_free(&r);
	free(opt);
	free(dir);
}

TEST(fxrun_chroot)
{
	char *dir, *probe, *sub;
	struct fxr r;
	fxt_report *rep;

	require_root();
	dir = fxt_tmpdir();
	probe = fxt_join(dir, "fxprobe");
	fxt_copy_file(fxt_probe_path(), probe, 0755);
	FXRUN(&r, "--chroot", dir, "/fxprobe");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cwd"), "/");
	fxt_report_free(rep);
	fxr_free(&r);

	sub = fxt_join(dir, "sub");
	ASSERT_SYS(mkdir(sub, 0755));
	FXRUN(&r, "--chroot", dir, "-C", "/sub", "/fxprobe");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cwd"), "/sub");
	fxt_report_free(rep);
	fxr_free(&r);
	free(sub);
	free(probe);
	free(dir);
}

/* A comma-separated, sorted list, as the probe writes "groups". */
static char *group_string(gid_t *g, int n)
{
	char *s = calloc((size_t)n + 1, 12);
	int i, j;

	if (!s)
		FAIL("calloc");
	for (i = 1; i < n; i++)           /* insertion sort: n is small */
		for (j = i; j > 0 && g[j - 1] > g[j]; j--) {
			gid_t t = g[j];

			g[j] = g[j - 1];
			g[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		sprintf(s + strlen(s), "%s%u", i ? "," : "", (unsigned)g[i]);
	return s;
}

TEST(fxrun_user_by_name)
{
	struct passwd *pw;
	gid_t groups[256];
	int n = 256;
	char want_uid[64], want_gid[64], *want_groups;
	struct fxr r;
	fxt_report *rep;

	require_root();
	pw = getpwnam("nobody");
	if (!pw)
		SKIP("no user nobody");
	snprintf(want_uid, sizeof want_uid, "%u,%u,%u,%u", pw->pw_uid,
	         pw->pw_uid, pw->pw_uid, pw->pw_uid);
	snprintf(want_gid, sizeof want_gid, "%u,%u,%u,%u", pw->pw_gid,
	         pw->pw_gid, pw->pw_gid, pw->pw_gid);
	if (getgrouplist("nobody", pw->pw_gid, groups, &n) < 0)
		FAIL("getgrouplist");
	want_groups = group_string(groups, n);

	FXRUN(&r, "-u", "nobody", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), want_uid);
	ASSERT_STR_EQ(fxt_get(rep, "gid"), want_gid);
	ASSERT_STR_EQ(fxt_get(rep, "groups"), want_groups);
	fxt_report_free(rep);
	fxr_free(&r);

	/* -g and -G override what the name brings. */
	FXRUN(&r, "-u", "nobody", "-g", "7", "-G", "8,9", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), want_uid);
	ASSERT_STR_EQ(fxt_get(rep, "gid"), "7,7,7,7");
	ASSERT_STR_EQ(fxt_get(rep, "groups"), "8,9");
	fxt_report_free(rep);
	fxr_free(&r);
	free(want_groups);
}

TEST(fxrun_user_by_number)
{
	require_root();
	fxrun_rows("fxrun_user_by_number");
}

TEST(fxrun_groups)
{
	struct group *gr;
	char list[64], want[64];
	struct fxr r;
	fxt_report *rep;

	require_root();
	FXRUN(&r, "-G", "", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "groups"), "");
	fxt_report_free(rep);
	fxr_free(&r);

	gr = getgrgid(0);
	if (!gr)
		SKIP("group 0 has no name");
	snprintf(list, sizeof list, "12,%s,5", gr->gr_name);
	snprintf(want, sizeof want, "0,5,12");
	FXRUN(&r, "--groups", list, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "groups"), want);
	fxt_report_free(rep);
	fxr_free(&r);
}

/* 1 if the report's environment holds exactly `entry`. */
static int has_env(const fxt_report *rep, const char *entry)
{
	size_t i = 0;
	const char *key, *value;

	while (fxt_next(rep, "env.", &i, &key, &value))
		if (strcmp(value, entry) == 0)
			return 1;
	return 0;
}

static int has_env_name(const fxt_report *rep, const char *name)
{
	size_t i = 0, len = strlen(name);
	const char *key, *value;

	while (fxt_next(rep, "env.", &i, &key, &value))
		if (strncmp(value, name, len) == 0 && value[len] == '=')
			return 1;
	return 0;
}

TEST(fxrun_env)
{
	char *const envp[] = {
		(char *)"KEEP=1", (char *)"DROP=2", (char *)"CHANGE=old",
		(char *)"PATH=/usr/bin:/bin", NULL
	};
	struct fxr_setup s = { .envp = envp };
	struct fxr r;
	fxt_report *rep;

	/* Without -i/-e/-U the environment is inherited as is. */
	FXRUN_WITH(&r, &s, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_count(rep, "env."), 4);
	ASSERT(has_env(rep, "DROP=2"));
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN_WITH(&r, &s, "-U", "DROP", "-e", "CHANGE=new", "--env=NEW=a=b",
	           "--unset", "NOT_THERE", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_count(rep, "env."), 4);
	ASSERT(has_env(rep, "KEEP=1"));
	ASSERT(has_env(rep, "CHANGE=new"));
	ASSERT(has_env(rep, "NEW=a=b"));
	ASSERT(has_env(rep, "PATH=/usr/bin:/bin"));
	ASSERT(!has_env_name(rep, "DROP"));
	fxt_report_free(rep);
	fxr_free(&r);

	/* Later options win: set then unset, unset then set. */
	FXRUN_WITH(&r, &s, "-e", "A=1", "-U", "A", "-U", "B", "-e", "B=2",
	           fxt_probe_path());
	rep = report_ok(&r);
	ASSERT(!has_env_name(rep, "A"));
	ASSERT(has_env(rep, "B=2"));
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_ignore_environment)
{
	char *path = NULL;
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "-i", "-e", "ONLY=this", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_count(rep, "env."), 1);
	ASSERT_STR_EQ(fxt_get(rep, "env.0"), "ONLY=this");
	fxt_report_free(rep);
	fxr_free(&r);

	/* With an explicit environment, PATH is searched in it. */
	if (asprintf(&path, "PATH=%s", fxt_build_dir()) < 0)
		FAIL("asprintf");
	FXRUN(&r, "-i", "-e", path, "fxprobe");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "env.0"), path);
	ASSERT_STR_EQ(fxt_get(rep, "argv.0"), "fxprobe");
	fxt_report_free(rep);
	fxr_free(&r);
	free(path);
}

TEST(fxrun_argv0)
{
	fxrun_rows("fxrun_argv0");
}

/* Arguments after PROGRAM are PROGRAM's (the rows: fxrun_rows.c). */
TEST(fxrun_options_end_at_program)
{
	fxrun_rows("fxrun_options_end_at_program");
}

TEST(fxrun_fd_map)
{
	char *dir = fxt_tmpdir();
	char *in = fxt_join(dir, "input");
	struct fxr_setup s = { .stdin_path = in };
	struct fxt_fdinfo fd;
	struct fxr r;
	fxt_report *rep;

	fxt_write_file(in, "hello\n", 0644);
	FXRUN_WITH(&r, &s, "--fd", "5=0", "--fd=2=-", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT(fxt_fd_info(rep, 5, &fd));
	ASSERT_STR_EQ(fd.target, in);
	ASSERT_EQ(fd.cloexec, 0);
	ASSERT(fxt_fd_info(rep, 0, &fd));
	ASSERT_STR_EQ(fd.target, in);
	ASSERT(!fxt_fd_info(rep, 2, &fd));
	/* Nothing of fxrun's own leaks: 0, 1 (the report) and 5 only. */
	ASSERT_EQ(fxt_count(rep, "fd."), 2);
	fxt_report_free(rep);
	fxr_free(&r);
	free(in);
	free(dir);
}

TEST(fxrun_setsid)
{
	fxrun_rows("fxrun_setsid");
}

TEST(fxrun_pgid_new)
{
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--pgid", "0", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "pgid"), fxt_get_ll(rep, "pid"));
	ASSERT_NE(fxt_get_ll(rep, "sid"), fxt_get_ll(rep, "pid"));
	ASSERT_EQ(fxt_get_ll(rep, "sid"), getsid(0));
	fxt_report_free(rep);
	fxr_free(&r);

	/* Without it, the child shares fxrun's group (the test's). */
	FXRUN(&r, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "pgid"), getpgrp());
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_pdeathsig)
{
	fxrun_rows("fxrun_pdeathsig");
}

TEST(fxrun_signal_inheritance)
{
	sigset_t mask;
	struct fxr_setup s = { .sigmask = &mask };
	void (*old_hup)(int);
	struct fxr r;
	fxt_report *rep;
	unsigned long long bits;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	/* An ignored SIGHUP (as under nohup) must stay ignored in the child. */
	old_hup = signal(SIGHUP, SIG_IGN);

	FXRUN_WITH(&r, &s, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_hex(rep, "sigmask"), FXT_SIGBIT(SIGUSR2));
	bits = fxt_get_hex(rep, "sigign");
	ASSERT(bits & FXT_SIGBIT(SIGHUP));
	/* fxrun's handlers are not the child's. */
	ASSERT_EQ(fxt_get_hex(rep, "sigcaught"), 0);
	bits = fxt_get_hex(rep, "sigign");
	ASSERT(!(bits & FXT_SIGBIT(SIGINT)));
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN_WITH(&r, &s, "--clean-signals", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_hex(rep, "sigmask"), 0);
	ASSERT_EQ(fxt_get_hex(rep, "sigign"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
	signal(SIGHUP, old_hup);
}

/* A new pty: its master, and its slave's path in *path. */
static int new_pty(const char **path)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0)
		SKIP("posix_openpt: %s", strerror(errno));
	if (grantpt(master) < 0 || unlockpt(master) < 0 || !ptsname(master))
		FAIL("pty setup: %s", strerror(errno));
	*path = ptsname(master);
	return master;
}

/*
 * The probe's `ctty` value for the terminal at path: the kernel's
 * encoding of its device number, as TIOCGDEV and /proc's tty_nr give it.
 */
static long long tty_nr(const char *path)
{
	struct stat st;
	unsigned maj, min;

	if (stat(path, &st) < 0)
		FAIL("stat %s: %s", path, strerror(errno));
	maj = major(st.st_rdev);
	min = minor(st.st_rdev);
	return (long long)((min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12));
}

/* A new session whose controlling terminal is a fresh pty on fd 0. */
TEST(fxrun_ctty)
{
	struct fxr_setup s = { 0 };
	int master = new_pty(&s.stdin_path);
	struct fxr r;
	fxt_report *rep;
	long long pid;

	FXRUN_WITH(&r, &s, "--setsid", "--ctty", "0", "--tty-foreground",
	           fxt_probe_path());
	rep = report_ok(&r);
	pid = fxt_get_ll(rep, "pid");
	ASSERT_EQ(fxt_get_ll(rep, "sid"), pid);
	ASSERT_EQ(fxt_get_ll(rep, "ctty"), tty_nr(s.stdin_path));
	ASSERT_EQ(fxt_get_ll(rep, "tpgid"), pid);
	fxt_report_free(rep);
	fxr_free(&r);

	/* Without --ctty a new session has no terminal, whatever fd 0 is. */
	FXRUN_WITH(&r, &s, "--setsid", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "ctty"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
	close(master);
}

/*
 * setsid -c: fxrun leads a session whose terminal is a pty; a child in a
 * new session cannot take that terminal with --ctty (EPERM: it is
 * fxrun's session's), but takes it with --steal-ctty when privileged.
 */
TEST(fxrun_steal_ctty)
{
	struct fxr_setup s = { 0 };
	int master = new_pty(&s.session_tty);
	struct fxr r;
	fxt_report *rep;
	long long pid;

	FXRUN_WITH(&r, &s, "--setsid", "--ctty", "0", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "Operation not permitted"));
	/* One line, which says what setsid -c's users want instead. */
	ASSERT(strstr(r.err, "--steal-ctty takes it") && !strchr(r.err, '\n')[1]);
	fxr_free(&r);

	if (geteuid() != 0) {
		close(master);
		SKIP("stealing a terminal needs CAP_SYS_ADMIN");
	}
	FXRUN_WITH(&r, &s, "--setsid", "--steal-ctty", fxt_probe_path());
	rep = report_ok(&r);
	pid = fxt_get_ll(rep, "pid");
	ASSERT_EQ(fxt_get_ll(rep, "sid"), pid);
	ASSERT_EQ(fxt_get_ll(rep, "ctty"), tty_nr(s.session_tty));
	fxt_report_free(rep);
	fxr_free(&r);
	close(master);
}

/* fxrun leads a session on a pty; --noctty detaches the child from it. */
TEST(fxrun_noctty)
{
	struct fxr_setup s = { 0 };
	int master = new_pty(&s.session_tty);
	struct fxr r;
	fxt_report *rep;

	FXRUN_WITH(&r, &s, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "ctty"), tty_nr(s.session_tty));
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN_WITH(&r, &s, "--noctty", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "ctty"), 0);
	ASSERT_EQ(fxt_get_ll(rep, "tpgid"), -1);
	fxt_report_free(rep);
	fxr_free(&r);
	close(master);
}

/*
 * ^C on fxrun's terminal.  With the child in fxrun's group the terminal
 * signals both, and fxrun reports the child's death; with the child in a
 * group of its own only fxrun gets it, and must forward it.
 */
TEST(fxrun_terminal_interrupt)
{
	static const char *const variants[][2] = { { NULL }, { "--pgid", "0" } };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct fxr_setup s = { 0 };
		int master = new_pty(&s.session_tty);
		const char *args[6] = { 0 };
		size_t n = 0;
		struct fxr r;
		char *text;

		if (variants[i][0]) {
			args[n++] = variants[i][0];
			args[n++] = variants[i][1];
		}
		args[n++] = fxt_probe_path();
		args[n++] = "--sleep-ms=30000";
		fxr_start(&r, &s, args);
		text = wait_for_text(r.out_path, "\npdeathsig=");
		free(text);
		ASSERT_EQ(write(master, "\x03", 1), 1);
		fxr_finish(&r);
		if (r.code != 128 + SIGINT)
			FAIL("variant %zu: exit %d, stderr \"%s\"", i, r.code,
			     r.err);
		fxr_free(&r);
		close(master);
	}
}

/* Without --keep-fds only 0, 1, 2 and the --fd ones reach the child. */
TEST(fxrun_keep_fds)
{
	int fd = open("/dev/null", O_RDONLY);   /* inherited by fxrun */
	struct fxt_fdinfo info;
	struct fxr r;
	fxt_report *rep;

	ASSERT_SYS(fd);
	FXRUN(&r, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT(!fxt_fd_info(rep, fd, &info));
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--keep-fds", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT(fxt_fd_info(rep, fd, &info));
	ASSERT_STR_EQ(info.target, "/dev/null");
	fxt_report_free(rep);
	fxr_free(&r);
	close(fd);
}

TEST_ONCE(fxrun_backend_fork)
{
	struct fxr r;
	fxt_report *rep;

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 },
	           "--backend", "fork", fxt_probe_path(), "--exit=0");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "argv.1"), "--exit=0");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 },
	           "--backend=fork", "-C", "/nope", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err,
	              "fxrun: chdir \"/nope\": No such file or directory\n");
	fxr_free(&r);
}
