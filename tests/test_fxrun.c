/* SPDX-License-Identifier: MIT */
/*
 * Tests of the fxrun command: exit codes, messages, and each option as
 * the probe sees it.
 *
 * fxrun is started with fork and execve, not with the library under
 * test, so that these tests judge fxrun alone.  Its stdout and stderr go
 * to files, read once it has exited; the probe reports on its stdout.
 * Tests that spawn a child pass `--backend` of the backend under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "fxt.h"
#include "forkexec-io.h"
#include "forkexec-linux.h"

extern char **environ;

/* How the test starts fxrun; every member is optional. */
struct fxr_setup {
	const char *stdin_path;     /* default /dev/null */
	const char *session_tty;    /* fxrun leads a session with this ctty on fd 0 */
	char *const *envp;          /* default: the test's environ */
	const sigset_t *sigmask;    /* default: the test's (empty) mask */
	int no_backend;             /* 1: do not prepend --backend NAME */
};

/* One run of fxrun. */
struct fxr {
	pid_t pid;
	char *out_path, *err_path;
	int code;                   /* its exit code, once finished; 128+N if it
	                               died of signal N, as a shell says */
	int sig;                    /* N if fxrun died of signal N, else 0 */
	char *out, *err;            /* its whole stdout and stderr */
};

/* The whole file, or NULL if it cannot be opened (yet). */
static char *try_read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	if (!text)
		FAIL("out of memory");
	return text;
}

static char *read_file(const char *path)
{
	char *text = try_read_file(path);

	if (!text)
		FAIL("open %s: %s", path, strerror(errno));
	return text;
}

/* In the forked child: fd `fd` becomes `path`; returns only on failure. */
static int child_open(int fd, const char *path, int flags)
{
	int got = open(path, flags | O_CLOEXEC | O_NOCTTY, 0644);

	if (got < 0 || dup2(got, fd) < 0)
		return -1;
	if (got != fd)
		close(got);
	return 0;
}

/*
 * Plain fork and execve: the test process is single-threaded, and
 * <spawn.h> is out of reach (-Isrc finds the library's src/spawn.h).
 */
static void fxr_start(struct fxr *r, const struct fxr_setup *s,
                      const char *const *args)
{
	const char *fxrun = fxt_fxrun_path();
	char *dir, *argv[64];
	size_t n = 0, i;

	if (access(fxrun, X_OK) != 0)
		SKIP("%s not built", fxrun);
	memset(r, 0, sizeof *r);
	dir = fxt_tmpdir();
	r->out_path = fxt_join(dir, "stdout");
	r->err_path = fxt_join(dir, "stderr");
	free(dir);

	argv[n++] = (char *)"fxrun";
	if (!s->no_backend) {
		argv[n++] = (char *)"--backend";
		argv[n++] = (char *)fxt_backend_name();
	}
	for (i = 0; args[i]; i++) {
		if (n >= 63)
			FAIL("too many arguments");
		argv[n++] = (char *)args[i];
	}
	argv[n] = NULL;

	r->pid = fork();
	if (r->pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (r->pid == 0) {
		/* A session leader opening a terminal makes it its ctty. */
		if (s->session_tty) {
			int tty;

			if (setsid() < 0)
				_exit(119);
			tty = open(s->session_tty, O_RDWR | O_CLOEXEC);
			if (tty < 0 || dup2(tty, 0) < 0)
				_exit(119);
			close(tty);
		} else if (child_open(0, s->stdin_path ? s->stdin_path
		                      : "/dev/null", O_RDONLY) < 0) {
			_exit(120);
		}
		if (
		    child_open(1, r->out_path, O_WRONLY | O_CREAT | O_TRUNC) < 0 ||
		    child_open(2, r->err_path, O_WRONLY | O_CREAT | O_TRUNC) < 0)
			_exit(120);
		if (s->sigmask && sigprocmask(SIG_SETMASK, s->sigmask, NULL) < 0)
			_exit(121);
		execve(fxrun, argv, s->envp ? s->envp : environ);
		_exit(122);
	}
}

static void fxr_finish(struct fxr *r)
{
	int status;

	while (waitpid(r->pid, &status, 0) < 0)
		if (errno != EINTR)
			FAIL("waitpid: %s", strerror(errno));
	/* fxrun dies of the signal its child died of (as env(1) does). */
	if (WIFSIGNALED(status)) {
		r->sig = WTERMSIG(status);
		r->code = 128 + r->sig;
	} else if (WIFEXITED(status)) {
		r->code = WEXITSTATUS(status);
	} else {
		FAIL("fxrun: unexpected wait status %#x", status);
	}
	r->out = read_file(r->out_path);
	r->err = read_file(r->err_path);
}

static void fxr_free(struct fxr *r)
{
	free(r->out_path);
	free(r->err_path);
	free(r->out);
	free(r->err);
}

static void fxr_run(struct fxr *r, const struct fxr_setup *s,
                    const char *const *args)
{
	fxr_start(r, s, args);
	fxr_finish(r);
}

/* FXRUN(&r, "-C", dir, probe): runs fxrun with those arguments. */
#define FXRUN(r, ...)                                                         \
	fxr_run((r), &(struct fxr_setup){ 0 },                                \
	        (const char *const[]){ __VA_ARGS__, NULL })
#define FXRUN_WITH(r, setup, ...)                                             \
	fxr_run((r), (setup), (const char *const[]){ __VA_ARGS__, NULL })

/* The probe's report from fxrun's stdout; fails unless fxrun exited 0. */
static fxt_report *report_ok(const struct fxr *r)
{
	if (r->code != 0)
		FAIL("fxrun exited %d; stderr: %s", r->code, r->err);
	return fxt_report_parse(r->out, strlen(r->out));
}

/* Lines in s (a final line without '\n' counts). */
static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Polls `path` until it holds `needle`, for up to 20 s; returns the text. */
static char *wait_for_text(const char *path, const char *needle)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 2000; i++) {
		/* fxrun's child may not have opened it yet. */
		char *text = try_read_file(path);

		if (text && strstr(text, needle))
			return text;
		free(text);
		nanosleep(&tick, NULL);
	}
	FAIL("%s never contained \"%s\"", path, needle);
}

static void require_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
}

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
	struct fxr r;
	fxt_report *rep;

	require_root();
	/* A number sets the uid alone: gid and groups stay root's. */
	FXRUN(&r, "-u", "65534", "-G", "0", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(rep, "gid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "groups"), "0");
	fxt_report_free(rep);
	fxr_free(&r);
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
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--argv0", "-custom", fxt_probe_path(), "x", "--", "-y");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "argv.0"), "-custom");
	ASSERT_STR_EQ(fxt_get(rep, "argv.1"), "x");
	ASSERT_STR_EQ(fxt_get(rep, "argv.2"), "--");
	ASSERT_STR_EQ(fxt_get(rep, "argv.3"), "-y");
	ASSERT_EQ(fxt_get_ll(rep, "argc"), 4);
	fxt_report_free(rep);
	fxr_free(&r);
}

/* Arguments after PROGRAM are PROGRAM's, even when they look like ours. */
TEST(fxrun_options_end_at_program)
{
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--", fxt_probe_path(), "-C", "/nope", "--bogus");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "argv.1"), "-C");
	ASSERT_STR_EQ(fxt_get(rep, "argv.3"), "--bogus");
	fxt_report_free(rep);
	fxr_free(&r);
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
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--setsid", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "sid"), fxt_get_ll(rep, "pid"));
	ASSERT_EQ(fxt_get_ll(rep, "pgid"), fxt_get_ll(rep, "pid"));
	fxt_report_free(rep);
	fxr_free(&r);
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
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--pdeathsig", "SIGUSR1", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "pdeathsig"), SIGUSR1);
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--pdeathsig=9", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "pdeathsig"), SIGKILL);
	fxt_report_free(rep);
	fxr_free(&r);
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

/* ------------------------------------------------------------------ */
/* Waiting: signal forwarding and the ptrace hand-off                  */
/* ------------------------------------------------------------------ */

/* kill(1) of fxrun reaches the child, whose death fxrun then reports. */
TEST(fxrun_forwards_sigterm)
{
	struct fxr r;
	char *text;

	fxr_start(&r, &(struct fxr_setup){ 0 },
	          (const char *const[]){ fxt_probe_path(), "--sleep-ms=30000",
	                                 NULL });
	/* The report is written in one go once the probe runs. */
	text = wait_for_text(r.out_path, "\npdeathsig=");
	free(text);
	ASSERT_SYS(kill(r.pid, SIGTERM));
	fxr_finish(&r);
	ASSERT_EQ(r.code, 128 + SIGTERM);
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);
}

/*
 * Polls /proc/PID/status until the process is stopped ("T (stopped)") with
 * no tracer; the SIGSTOP left by the detach arrives asynchronously.
 */
static int wait_stopped_untraced(int pid)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	char path[64];
	int i;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	for (i = 0; i < 2000; i++) {
		char *text = read_file(path);
		int ok = text && strstr(text, "\nState:\tT (stopped)") &&
		         strstr(text, "\nTracerPid:\t0\n");

		free(text);
		if (ok)
			return 1;
		nanosleep(&tick, NULL);
	}
	return 0;
}

TEST(fxrun_ptrace)
{
	struct fxr r;
	char *text;
	int pid = 0;

	fxr_start(&r, &(struct fxr_setup){ 0 },
	          (const char *const[]){ "--ptrace", fxt_probe_path(),
	                                 "--exit=4", NULL });
	text = wait_for_text(r.err_path, "\n");
	if (strstr(text, "ptrace") && strstr(text, "Operation not permitted")) {
		fxr_finish(&r);
		SKIP("ptrace not permitted here: %s", text);
	}
	if (sscanf(text, "fxrun: pid %d stopped at exec; attach a debugger\n",
	           &pid) != 1 || pid <= 0)
		FAIL("unexpected stderr: %s", text);
	free(text);

	/* Stopped, not traced: a debugger could attach; we just let it go. */
	ASSERT(wait_stopped_untraced(pid));
	ASSERT_SYS(kill(pid, SIGCONT));
	fxr_finish(&r);
	ASSERT_EQ(r.code, 4);
	ASSERT_EQ(count_lines(r.err), 1);
	fxr_free(&r);
}

/* ------------------------------------------------------------------ */
/* Stdio files and timeouts (timeout(1)'s options and exit codes)      */
/* ------------------------------------------------------------------ */

TEST(fxrun_stdio_files)
{
	char *dir = fxt_tmpdir();
	char *out = fxt_join(dir, "out"), *err = fxt_join(dir, "err"), *text;
	struct fxr r;
	fxt_report *rep;
	struct fxt_fdinfo fd;

	FXRUN(&r, "--stdout", out, "--stderr", err, "/bin/sh", "-c", "echo o; echo e >&2");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_EQ(r.out, "");
	ASSERT_STR_EQ(r.err, "");
	text = read_file(out);
	ASSERT_STR_EQ(text, "o\n");
	free(text);
	text = read_file(err);
	ASSERT_STR_EQ(text, "e\n");
	free(text);
	fxr_free(&r);

	/* --append adds; --stderr-to-stdout follows stdout into the file. */
	FXRUN(&r, "--stdout", out, "--append", "--stderr-to-stdout", "/bin/sh", "-c",
	      "echo o2; echo e2 >&2");
	ASSERT_EQ(r.code, 0);
	text = read_file(out);
	ASSERT_STR_EQ(text, "o\no2\ne2\n");
	free(text);
	fxr_free(&r);
	/* Without --append the file starts over. */
	FXRUN(&r, "--stdout", out, "/bin/sh", "-c", "echo new");
	text = read_file(out);
	ASSERT_STR_EQ(text, "new\n");
	free(text);
	fxr_free(&r);

	/* --stdin FILE, and --stderr-to-stdout onto fxrun's own stdout. */
	FXRUN(&r, "--stdin", out, "--stderr-to-stdout", "/bin/sh", "-c", "cat; echo e >&2");
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_EQ(r.out, "new\ne\n");
	ASSERT_STR_EQ(r.err, "");
	fxr_free(&r);

	/* --null-stdin: the probe sees /dev/null, read-only. */
	FXRUN_WITH(&r, &(struct fxr_setup){ .stdin_path = out }, "--null-stdin",
	           fxt_probe_path());
	rep = report_ok(&r);
	ASSERT(fxt_fd_info(rep, 0, &fd));
	ASSERT_STR_EQ(fd.target, "/dev/null");
	ASSERT_EQ(fd.flags & O_ACCMODE, O_RDONLY);
	fxt_report_free(rep);
	fxr_free(&r);

	free(out);
	free(err);
	free(dir);
}

/* A file fxrun cannot open: 125 and the library's message, nothing run. */
TEST(fxrun_stdio_errors)
{
	struct fxr r;

	FXRUN(&r, "--stdout", "/nonexistent-dir/out", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err, "fxrun: stdout \"/nonexistent-dir/out\": No such file or directory\n");
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);
	FXRUN(&r, "--stdin", "/nonexistent-dir/in", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT_STR_EQ(r.err, "fxrun: stdin \"/nonexistent-dir/in\": No such file or directory\n");
	fxr_free(&r);
}

static long long ms_since(double t0)
{
	return (long long)((fxt_now() - t0) * 1000);
}

TEST(fxrun_timeout)
{
	struct fxr r;
	double t0 = fxt_now();

	/* The child obeys SIGTERM: 124. */
	FXRUN(&r, "--timeout", "0.2", fxt_probe_path(), "--no-report", "--sleep-ms=100000");
	ASSERT_EQ(r.code, 124);
	ASSERT_STR_EQ(r.err, "");
	ASSERT_GE(ms_since(t0), 200);
	ASSERT_LT(ms_since(t0), 30000);
	fxr_free(&r);

	/* Another first signal, in milliseconds. */
	FXRUN(&r, "--timeout", "150ms", "--signal", "INT", fxt_probe_path(), "--no-report",
	      "--sleep-ms=100000");
	ASSERT_EQ(r.code, 124);
	fxr_free(&r);

	/* --signal KILL: the child dies of SIGKILL, and so does fxrun, as
	 * timeout(1) does (it is in the group it kills); with --foreground
	 * timeout(1) exits 137, and so does fxrun. */
	FXRUN(&r, "--timeout", "0.1", "--signal", "KILL", fxt_probe_path(), "--no-report",
	      "--sleep-ms=100000");
	ASSERT_EQ(r.sig, SIGKILL);
	fxr_free(&r);
	FXRUN(&r, "--timeout", "0.1", "-s", "KILL", "--foreground", fxt_probe_path(),
	      "--no-report", "--sleep-ms=100000");
	ASSERT_EQ(r.sig, 0);
	ASSERT_EQ(r.code, 128 + SIGKILL);
	fxr_free(&r);

	/* --preserve-status: the child's own status, 128+15. */
	FXRUN(&r, "--timeout", "0.1", "--preserve-status", fxt_probe_path(), "--no-report",
	      "--sleep-ms=100000");
	ASSERT_EQ(r.sig, 0);
	ASSERT_EQ(r.code, 128 + SIGTERM);
	fxr_free(&r);

	/* --verbose: timeout(1)'s line for the signal sent. */
	FXRUN(&r, "--timeout", "1e-1", "--verbose", fxt_probe_path(), "--no-report",
	      "--sleep-ms=100000");
	ASSERT_EQ(r.code, 124);
	ASSERT(strstr(r.err, "sending signal TERM to command"));
	ASSERT_EQ(count_lines(r.err), 1);
	fxr_free(&r);

	/* Done in time, or no timeout at all: the child's own status. */
	FXRUN(&r, "--timeout", "60", fxt_probe_path(), "--no-report", "--exit=5");
	ASSERT_EQ(r.code, 5);
	fxr_free(&r);
	FXRUN(&r, "--timeout", "0", "--kill-after", "1", fxt_probe_path(), "--no-report",
	      "--exit=6");
	ASSERT_EQ(r.code, 6);
	fxr_free(&r);
}

/* A child that ignores SIGTERM (from its first instruction: inherited,
 * so no race with the timeout) is killed --kill-after later: 137. */
TEST(fxrun_timeout_kill_after)
{
	struct fxr r;
	double t0 = fxt_now();

	signal(SIGTERM, SIG_IGN);
	FXRUN(&r, "--timeout", "0.2", "--kill-after", "0.3", fxt_probe_path(), "--no-report",
	      "--sleep-ms=100000");
	signal(SIGTERM, SIG_DFL);
	ASSERT_EQ(r.sig, SIGKILL);
	ASSERT_STR_EQ(r.err, "");
	ASSERT_GE(ms_since(t0), 500);
	ASSERT_LT(ms_since(t0), 30000);
	fxr_free(&r);
}

/*
 * --kill-group: the timeout's signal reaches the grandchild too; without
 * it, the grandchild outlives the timeout.  The test adopts the
 * orphans (a child subreaper) to see how they ended.  A run where the
 * timeout came before the shell had started its grandchild proves
 * nothing and is tried again.
 */
static pid_t grandchild_after_timeout(const char *group_opt, struct fxt_loop *loop)
{
	pid_t pid = 0;

	while (!pid && fxt_loop_next(loop) >= 0) {
		struct fxr r;

		if (group_opt)
			FXRUN(&r, "--timeout", "0.5", group_opt, "/bin/sh", "-c",
			      "sleep 1000 & echo $!; wait");
		else
			FXRUN(&r, "--timeout", "0.5", "/bin/sh", "-c", "sleep 1000 & echo $!; wait");
		ASSERT_EQ(r.code, 124);
		pid = (pid_t)atol(r.out);
		fxr_free(&r);
	}
	fxt_loop_end(loop, "runs");
	ASSERT_GT(pid, 1);
	return pid;
}

/* The grandchild died of the timeout's SIGTERM (or was reaped by its shell). */
static void assert_grandchild_termed(pid_t pid)
{
	int st;

	/* Ours once its shell died, unless the shell reaped it first. */
	if (waitpid(pid, &st, 0) == pid) {
		ASSERT(WIFSIGNALED(st));
		ASSERT_EQ(WTERMSIG(st), SIGTERM);
	} else {
		ASSERT_EQ(errno, ECHILD);
		ASSERT(kill(pid, 0) < 0 && errno == ESRCH);
	}
}

/* --kill-group, and --timeout alone as timeout(1) does; --foreground
 * (timeout(1)'s: no group of its own) leaves the grandchild running. */
TEST(fxrun_kill_group)
{
	struct fxt_loop loop = fxt_loop(10, 40);
	pid_t pid;
	int st;

	ASSERT_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
	pid = grandchild_after_timeout("--kill-group", &loop);
	assert_grandchild_termed(pid);
	loop = fxt_loop(10, 40);
	pid = grandchild_after_timeout(NULL, &loop);
	assert_grandchild_termed(pid);

	loop = fxt_loop(10, 40);
	pid = grandchild_after_timeout("--foreground", &loop);
	/* Alive (not a zombie, which kill(pid, 0) would not tell), and ours. */
	ASSERT_EQ(waitpid(pid, &st, WNOHANG), 0);
	ASSERT_SYS(kill(pid, SIGKILL));
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Linux containment (forkexec-linux.h)                                */
/* ------------------------------------------------------------------ */

/* The inode of the test's own /proc/self/ns/NAME, as the probe's ns.NAME. */
static char *own_ns(const char *name)
{
	char path[64], *s = NULL;
	struct stat st;

	snprintf(path, sizeof path, "/proc/self/ns/%s", name);
	if (stat(path, &st) < 0)
		SKIP("%s: %s", path, strerror(errno));
	if (asprintf(&s, "%llu", (unsigned long long)st.st_ino) < 0)
		FAIL("asprintf");
	return s;
}

/* A line "Name:\tHEX" of /proc/self/status, e.g. the test's own CapBnd. */
static unsigned long long own_status_hex(const char *field)
{
	char *text = read_file("/proc/self/status"), *p;
	size_t len = strlen(field);
	unsigned long long v;

	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, field, len) == 0 && p[len] == ':')
			break;
	if (!p)
		FAIL("no %s in /proc/self/status", field);
	v = strtoull(p + len + 1, NULL, 16);
	free(text);
	return v;
}

/*
 * An unprivileged user runs an inner fxrun: `fxrun -u 65534 -g 65534
 * -G '' -- fxrun --backend B OPTIONS -- fxprobe`; both fxruns report
 * failures on the same stderr.  `opts` is NULL-terminated, at most 6.
 */
static void fxrun_as_nobody(struct fxr *r, const char *const *opts)
{
	const char *args[24] = { "-u", "65534", "-g", "65534", "-G", "", "--",
	                         fxt_fxrun_path(), "--backend",
	                         fxt_backend_name() };
	size_t n = 10, i;

	for (i = 0; opts[i]; i++)
		args[n++] = opts[i];
	args[n++] = "--";
	args[n++] = fxt_probe_path();
	args[n] = NULL;
	fxr_run(r, &(struct fxr_setup){ 0 }, args);
}

TEST(fxrun_unshare)
{
	static const char *const fresh[] = {
		"user", "mnt", "net", "uts", "ipc", "cgroup", "time",
	};
	struct fxr r;
	fxt_report *rep;
	char *mine, key[32];
	size_t i;

	require_root();
	if (access("/proc/self/ns/time", F_OK) != 0)
		SKIP("no time namespaces (Linux 5.6)");
	FXRUN(&r, "--unshare", "user,mount,net", "--unshare=UTS,ipc,cgroup,time",
	      fxt_probe_path());
	rep = report_ok(&r);
	for (i = 0; i < sizeof fresh / sizeof fresh[0]; i++) {
		snprintf(key, sizeof key, "ns.%s", fresh[i]);
		mine = own_ns(fresh[i]);
		if (!fxt_get(rep, key) || strcmp(fxt_get(rep, key), mine) == 0)
			FAIL("%s: the child's is %s, ours %s", key,
			     fxt_get(rep, key) ? fxt_get(rep, key) : "(none)", mine);
		free(mine);
	}
	/* Not asked for: shared. */
	mine = own_ns("pid");
	ASSERT_STR_EQ(fxt_get(rep, "ns.pid"), mine);
	free(mine);
	/* A user namespace without maps: the child is the overflow user. */
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_unshare_pid)
{
	struct fxr r;
	fxt_report *rep;
	char *mine;

	require_root();
	if (fxt_backend() == FX_BACKEND_FORK) {
		/* unshare(2) in a forked child cannot make it pid 1: refused. */
		FXRUN(&r, "--unshare", "pid", fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		ASSERT_STR_EQ(r.err, "fxrun: '--unshare pid' cannot be used with "
		                     "'--backend fork'\nTry 'fxrun --help'.\n");
		fxr_free(&r);
		return;
	}
	FXRUN(&r, "--unshare", "pid", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "pid"), 1);
	/* Its parent, fxrun, is outside its namespace. */
	ASSERT_EQ(fxt_get_ll(rep, "ppid"), 0);
	mine = own_ns("pid");
	ASSERT(strcmp(fxt_get(rep, "ns.pid"), mine) != 0);
	free(mine);
	fxt_report_free(rep);
	fxr_free(&r);
}

/*
 * What the README says of --unshare pid: PROGRAM is pid 1, so the kernel
 * drops the timeout's SIGTERM (the probe does not catch it) and only
 * --kill-after's SIGKILL ends it.
 */
TEST(fxrun_unshare_pid_signals)
{
	struct fxr r;
	double t0;

	require_root();
	if (fxt_backend() == FX_BACKEND_FORK)
		SKIP("--unshare pid is refused with --backend fork");
	t0 = fxt_now();
	FXRUN(&r, "--unshare", "pid", "--timeout", "0.1", fxt_probe_path(),
	      "--no-report", "--sleep-ms=1000");
	if (r.code == 125)
		report_ok(&r);
	ASSERT_EQ(r.code, 124);
	ASSERT_GE(ms_since(t0), 1000);      /* it slept on, SIGTERM dropped */
	fxr_free(&r);

	t0 = fxt_now();
	FXRUN(&r, "--unshare", "pid", "--timeout", "0.1", "--kill-after", "0.1",
	      fxt_probe_path(), "--no-report", "--sleep-ms=20000");
	ASSERT_EQ(r.code, 128 + SIGKILL);
	ASSERT_LT(ms_since(t0), 15000);
	fxr_free(&r);
}

TEST(fxrun_map_root_user)
{
	struct fxr r;
	fxt_report *rep;
	char *mine;

	require_root();
	FXRUN(&r, "--map-root-user", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 0 1");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 0 1");
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	mine = own_ns("user");
	ASSERT(strcmp(fxt_get(rep, "ns.user"), mine) != 0);
	free(mine);
	fxt_report_free(rep);
	fxr_free(&r);

	/* What it is for: an unprivileged user becomes root inside. */
	fxrun_as_nobody(&r, (const char *const[]){ "--map-root-user", NULL });
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "gid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_uid_map)
{
	struct fxr r;
	fxt_report *rep;

	require_root();
	/* Root may map any range, several lines each, in order. */
	FXRUN(&r, "--uid-map", "0:0:1", "--uid-map", "1:100000:1000",
	      "--gid-map=0:0:10", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 0 1,1 100000 1000");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 0 10");
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "0,0,0,0");
	fxt_report_free(rep);
	fxr_free(&r);

	/* Its own uid (0) not mapped: inside, the child is the overflow uid. */
	FXRUN(&r, "--uid-map", "0:100000:1000", "--gid-map", "0:100000:1000",
	      fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 100000 1000");
	ASSERT(strcmp(fxt_get(rep, "uid"), "0,0,0,0") != 0);
	fxt_report_free(rep);
	fxr_free(&r);

	/* An unprivileged user maps its own ids, one line each. */
	fxrun_as_nobody(&r, (const char *const[]){ "--uid-map", "0:65534:1",
	                                           "--gid-map", "0:65534:1", NULL });
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 65534 1");
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "0,0,0,0");
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	fxt_report_free(rep);
	fxr_free(&r);

	/* ... and no other: the kernel refuses, fxrun says so. */
	fxrun_as_nobody(&r, (const char *const[]){ "--uid-map", "0:0:1", NULL });
	ASSERT_EQ(r.code, 125);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, "uid_map"));
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);
}

TEST(fxrun_setgroups)
{
	struct fxr r;
	fxt_report *rep;

	require_root();
	FXRUN(&r, "--uid-map", "0:0:1", "--gid-map", "0:0:1", "--setgroups",
	      "allow", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "allow");
	ASSERT_STR_EQ(fxt_get(rep, "gid_map"), "0 0 1");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--unshare", "user", "--gid-map", "0:0:1", "--setgroups=deny",
	      fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "setgroups"), "deny");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_ambient_caps)
{
	const unsigned long long want = 1ull << 10 | 1ull << 13; /* net_bind_service, net_raw */
	struct fxr r;
	fxt_report *rep;

	require_root();
	/* Kept across the switch to nobody and the exec: what they are for. */
	FXRUN(&r, "-u", "65534", "--ambient-caps", "net_bind_service,CAP_NET_RAW",
	      fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "65534,65534,65534,65534");
	ASSERT_EQ(fxt_get_hex(rep, "capamb"), want);
	ASSERT_EQ(fxt_get_hex(rep, "capeff"), want);
	ASSERT_EQ(fxt_get_hex(rep, "capprm"), want);
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_bounding_caps)
{
	const unsigned long long drop = 1ull << 13 | 1ull << 21; /* net_raw, sys_admin */
	unsigned long long mine = own_status_hex("CapBnd");
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--bounding-caps", "Cap_Net_Raw,sys_admin", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_hex(rep, "capbnd"), mine & ~drop);
	ASSERT_EQ(fxt_get_hex(rep, "capeff") & drop, 0);
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--bounding-caps", "all", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_hex(rep, "capbnd"), 0);
	ASSERT_EQ(fxt_get_hex(rep, "capeff"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
}

/* Where cgroup v2 is mounted, at its root; NULL if it is not. */
static char *cgroup2_mount(void)
{
	char *text = try_read_file("/proc/self/mountinfo"), *line, *save = NULL;
	char *found = NULL;

	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char root[256], point[512];
		const char *sep = strstr(line, " - ");

		/* "ID PARENT MAJ:MIN ROOT POINT ... - TYPE SOURCE ..." */
		if (!sep || strncmp(sep, " - cgroup2 ", 11) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %255s %511s", root, point) == 2 &&
		    strcmp(root, "/") == 0)
			found = strdup(point);
	}
	free(text);
	return found;
}

TEST(fxrun_cgroup)
{
	char *mount, *dir = NULL, want[64];
	struct fxr r;
	fxt_report *rep;

	require_root();
	mount = cgroup2_mount();
	if (!mount)
		SKIP("no cgroup v2 hierarchy mounted");
	snprintf(want, sizeof want, "/fxtest-fxrun-%d", (int)getpid());
	if (asprintf(&dir, "%s%s", mount, want) < 0)
		FAIL("asprintf");
	if (mkdir(dir, 0755) < 0)
		SKIP("mkdir %s: %s", dir, strerror(errno));
	FXRUN(&r, "--cgroup", dir, fxt_probe_path());
	/* Empty again once the probe has exited: removed before judging. */
	if (rmdir(dir) < 0)
		FAIL("rmdir %s: %s", dir, strerror(errno));
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cgroup"), want);
	fxt_report_free(rep);
	fxr_free(&r);

	/* A cgroup that does not exist fails the spawn, named. */
	FXRUN(&r, "--cgroup", dir, fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, dir));
	fxr_free(&r);
	free(dir);
	free(mount);
}

TEST(fxrun_rlimit)
{
	struct rlimit fsize;
	struct fxr r;
	fxt_report *rep;

	ASSERT_SYS(getrlimit(RLIMIT_FSIZE, &fsize));
	/* Lowering needs no privilege; SOFT alone sets both, as prlimit(1). */
	FXRUN(&r, "--rlimit", "nofile=64:128", "--rlimit=CORE=0", "--rlimit",
	      "nofile=64:100", "--rlimit", "msgqueue=4096", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "rlimit.nofile"), "64:100");  /* later wins */
	ASSERT_STR_EQ(fxt_get(rep, "rlimit.core"), "0:0");
	ASSERT_STR_EQ(fxt_get(rep, "rlimit.msgqueue"), "4096:4096");
	fxt_report_free(rep);
	fxr_free(&r);

	if (fsize.rlim_max != RLIM_INFINITY)
		return;
	FXRUN(&r, "--rlimit", "fsize=4096:unlimited", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "rlimit.fsize"), "4096:unlimited");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_umask)
{
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--umask", "0027", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "umask"), "0027");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--umask=7", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "umask"), "0007");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_no_new_privs)
{
	struct fxr r;
	fxt_report *rep;

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		SKIP("the test process already has no_new_privs");
	FXRUN(&r, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "0");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--no-new-privs", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_nice)
{
	struct fxr r;
	fxt_report *rep;

	int own;

	/* --niceness is absolute. */
	FXRUN(&r, "--niceness", "7", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "nice"), 7);
	fxt_report_free(rep);
	fxr_free(&r);

	/* -n and --nice add to fxrun's own, clamped to 19, as nice(1). */
	errno = 0;
	own = getpriority(PRIO_PROCESS, 0);
	ASSERT_EQ(errno, 0);
	FXRUN(&r, "-n", "3", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "nice"), own + 3 > 19 ? 19 : own + 3);
	fxt_report_free(rep);
	fxr_free(&r);
	FXRUN(&r, "--nice", "100", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "nice"), 19);
	fxt_report_free(rep);
	fxr_free(&r);

	if (geteuid() != 0)
		return;
	/* Below the parent's needs CAP_SYS_NICE: set while the child is
	 * still root, so an ordinary-user child gets it too, as nice(1). */
	FXRUN(&r, "-u", "65534", "--niceness", "-5", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "nice"), -5);
	ASSERT_STR_EQ(fxt_get(rep, "uid"), "65534,65534,65534,65534");
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_sched)
{
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--sched", "batch", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "sched.policy"), SCHED_BATCH);
	ASSERT_EQ(fxt_get_ll(rep, "sched.priority"), 0);
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--sched=IDLE:0", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "sched.policy"), SCHED_IDLE);
	fxt_report_free(rep);
	fxr_free(&r);

	if (geteuid() != 0)
		return;
	/* Real-time policies need CAP_SYS_NICE. */
	FXRUN(&r, "--sched", "rr:5", fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "sched.policy"), SCHED_RR);
	ASSERT_EQ(fxt_get_ll(rep, "sched.priority"), 5);
	fxt_report_free(rep);
	fxr_free(&r);
}

TEST(fxrun_cpus)
{
	cpu_set_t mine;
	char opt[64], want[16];
	int cpu = -1, i;
	struct fxr r;
	fxt_report *rep;

	ASSERT_SYS(sched_getaffinity(0, sizeof mine, &mine));
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &mine))
			cpu = i;
	ASSERT_GE(cpu, 0);
	snprintf(want, sizeof want, "%d", cpu);
	FXRUN(&r, "--cpus", want, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cpus"), want);
	fxt_report_free(rep);
	fxr_free(&r);

	/* CPUs far past CPU_SETSIZE (1024) size the set; those the machine
	 * lacks are not in the affinity it gets. */
	snprintf(opt, sizeof opt, "%d,4000-4095", cpu);
	FXRUN(&r, "--cpus", opt, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "cpus"), want);
	fxt_report_free(rep);
	fxr_free(&r);
}

#if defined(__x86_64__)
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__arm__)
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__riscv) && __riscv_xlen == 64
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__s390x__)
#define FXRUN_AUDIT_ARCH AUDIT_ARCH_S390X
#endif

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

/* The errno the test's filter gives uname(2); one nothing else returns. */
#define FXRUN_SECCOMP_ERRNO EXDEV

/*
 * A raw BPF program as `bwrap --seccomp` and `fxrun --seccomp` read it:
 * uname(2) fails with FXRUN_SECCOMP_ERRNO, every other call is allowed,
 * and a call of another architecture (or x32's on x86_64) kills.
 */
static char *write_seccomp_file(void)
{
#ifdef FXRUN_AUDIT_ARCH
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FXRUN_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* __X32_SYSCALL_BIT */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | FXRUN_SECCOMP_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "filter.bpf");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, code, sizeof code) != (ssize_t)sizeof code)
		FAIL("%s: %s", path, strerror(errno));
	close(fd);
	free(dir);
	return path;
#else
	SKIP("no seccomp architecture constant for this machine");
#endif
}

TEST(fxrun_seccomp)
{
	char *filter = write_seccomp_file();
	struct fxr r;
	fxt_report *rep;

	FXRUN(&r, "--seccomp", filter, fxt_probe_path(), "--try-syscall=uname");
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.uname"), FXRUN_SECCOMP_ERRNO);
	ASSERT_STR_EQ(fxt_get(rep, "seccomp"), "2");
	/* The kernel takes a filter only so: --seccomp implies it. */
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--seccomp", filter, fxt_probe_path(), "--try-syscall=getcwd");
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.getcwd"), 0);
	fxt_report_free(rep);
	fxr_free(&r);

	/* Without the filter uname works: the errno was the filter's. */
	FXRUN(&r, fxt_probe_path(), "--try-syscall=uname");
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.uname"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
	free(filter);
}

/* One probe run through fxrun with a seccomp list: try.NAME, or -1
 * when the probe did not exit 0 (r->code says how it ended). */
static long long fxrun_try(struct fxr *r, const char *opt, const char *list,
                           const char *try_arg, const char *key)
{
	fxt_report *rep;
	long long v;

	FXRUN(r, opt, list, fxt_probe_path(), try_arg);
	if (r->code != 0)
		return -1;
	rep = report_ok(r);
	ASSERT_STR_EQ(fxt_get(rep, "seccomp"), "2");
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	v = fxt_get_ll(rep, key);
	fxt_report_free(rep);
	return v;
}

/* --seccomp-deny LIST[:ERRNO] denies exactly those calls; kill kills. */
TEST(fxrun_seccomp_deny)
{
	struct fxr r;

	if (fx_syscall_number("uname") < 0)
		SKIP("no seccomp by name here");
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "uname", "--try-syscall=uname", "try.uname"),
	          EPERM);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "getcwd,uname:EXDEV", "--try-syscall=uname",
	                    "try.uname"), EXDEV);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "getcwd,uname:18", "--try-syscall=getcwd",
	                    "try.getcwd"), 18);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "getcwd,uname", "--try-syscall=getppid",
	                    "try.getppid"), 0);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-deny", "uname:kill", "--try-syscall=uname",
	                    "try.uname"), -1);
	ASSERT_EQ(r.code, 128 + SIGSYS);
	fxr_free(&r);
}

/* --seccomp-allow: every call of this architecture but uname. */
TEST(fxrun_seccomp_allow)
{
	char *list = calloc(1, 65536);
	size_t len = 0;
	struct fxr r;

	ASSERT(list);
	if (fx_syscall_number("uname") < 0)
		SKIP("no seccomp by name here");
	for (int nr = 0; nr < 4096; nr++) {
		const char *name = fx_syscall_name(nr);

		if (name && strcmp(name, "uname") != 0)
			len += (size_t)snprintf(list + len, 65536 - len, "%s,", name);
	}
	ASSERT(len > 0 && len < 65000);
	strcpy(list + len - 1, ":EXDEV");
	ASSERT_EQ(fxrun_try(&r, "--seccomp-allow", list, "--try-syscall=uname", "try.uname"),
	          EXDEV);
	fxr_free(&r);
	ASSERT_EQ(fxrun_try(&r, "--seccomp-allow", list, "--try-syscall=getcwd", "try.getcwd"),
	          0);
	fxr_free(&r);
	free(list);
}

/* --landlock-ro and --landlock-rw: what the probe may open and create. */
TEST(fxrun_landlock_paths)
{
	char *ro = fxt_tmpdir(), *rw = fxt_tmpdir();
	char *ro_f = fxt_join(ro, "f"), *rw_new = fxt_join(rw, "new"), *ro_new = fxt_join(ro, "new");
	char list[3 * PATH_MAX], arg[PATH_MAX + 32];
	struct fxr r;
	fxt_report *rep;
	int abi = fx_landlock_abi();

	if (abi < 0)
		SKIP("no landlock in this kernel: %s", strerror(-abi));
	fxt_write_file(ro_f, "x", 0644);
	snprintf(list, sizeof list, "%s,/proc,%s", fxt_probe_path(), ro);
	snprintf(arg, sizeof arg, "--try-open=%s", ro_f);
	FXRUN(&r, "--landlock-ro", list, "--landlock-rw", rw, fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.open"), 0);
	ASSERT_STR_EQ(fxt_get(rep, "nonewprivs"), "1");
	fxt_report_free(rep);
	fxr_free(&r);
	snprintf(arg, sizeof arg, "--try-create=%s", rw_new);
	FXRUN(&r, "--landlock-ro", list, "--landlock-rw", rw, fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.create"), 0);
	fxt_report_free(rep);
	fxr_free(&r);
	snprintf(arg, sizeof arg, "--try-create=%s", ro_new);
	FXRUN(&r, "--landlock-ro", list, "--landlock-rw", rw, fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.create"), EACCES);
	fxt_report_free(rep);
	fxr_free(&r);
	/* --landlock-strict on this kernel: works from ABI 5, else refused. */
	snprintf(arg, sizeof arg, "--try-open=%s", ro_f);
	FXRUN(&r, "--landlock-strict", "--landlock-ro", list, fxt_probe_path(), arg);
	if (abi >= 5) {
		rep = report_ok(&r);
		ASSERT_EQ(fxt_get_ll(rep, "try.open"), 0);
		fxt_report_free(rep);
	} else {
		ASSERT_EQ(r.code, 125);
		ASSERT(strstr(r.err, "landlock: Operation not supported"));
	}
	fxr_free(&r);
	free(ro_f);
	free(rw_new);
	free(ro_new);
	free(ro);
	free(rw);
}

/* --landlock-bind: that port alone (Landlock ABI 4). */
TEST(fxrun_landlock_bind)
{
	char list[PATH_MAX + 16], arg[64];
	struct fxr r;
	fxt_report *rep;
	int abi = fx_landlock_abi();

	if (abi < 4)
		SKIP("landlock ABI %d here (port rules need 4)", abi);
	snprintf(list, sizeof list, "%s,/proc", fxt_probe_path());
	/* A port the kernel says is free (as root, port 1 would bind
	 * without the rule, but as any user it is refused for being low):
	 * binding it is refused for the rule alone. */
	{
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t len = sizeof sin;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		ASSERT(fd >= 0);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ASSERT_SYS(bind(fd, (struct sockaddr *)&sin, sizeof sin));
		ASSERT_SYS(getsockname(fd, (struct sockaddr *)&sin, &len));
		close(fd);
		snprintf(arg, sizeof arg, "--try-bind=%d", ntohs(sin.sin_port));
	}
	FXRUN(&r, "--landlock-ro", list, "--landlock-bind", "2", fxt_probe_path(), arg);
	rep = report_ok(&r);
	ASSERT_EQ(fxt_get_ll(rep, "try.bind"), EACCES);
	fxt_report_free(rep);
	fxr_free(&r);
}

/*
 * --join PID and --join-ns PID:LIST against a target made with the
 * library: a probe in new uts and net namespaces, waiting on its stdin,
 * whose hostname a forked helper sets from inside.
 */
TEST(fxrun_join)
{
	fx_attr *attr = fxt_attr();
	static const char *const wait_stdin[] = { "--wait-stdin", NULL };
	fx_proc *target;
	fxt_report *t, *rep;
	fx_error err;
	struct fxr r;
	char pid[32], arg[64];
	int status;
	pid_t helper;

	require_root();
	ASSERT_OK(fx_attr_set_namespaces(attr, CLONE_NEWUTS | CLONE_NEWNET));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, wait_stdin, &target, &t, &err), &err);
	helper = fork();
	ASSERT(helper >= 0);
	if (helper == 0)
		_exit(setns(fx_proc_pidfd(target), CLONE_NEWUTS) == 0 &&
		      sethostname("fxrun-join", 10) == 0 ? 0 : 1);
	ASSERT_EQ(waitpid(helper, &status, 0), helper);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(pid, sizeof pid, "%d", (int)fx_proc_pid(target));

	FXRUN(&r, "--join", pid, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "hostname"), "fxrun-join");
	ASSERT_STR_EQ(fxt_get(rep, "ns.uts"), fxt_get(t, "ns.uts"));
	ASSERT_STR_EQ(fxt_get(rep, "ns.net"), fxt_get(t, "ns.net"));
	fxt_report_free(rep);
	fxr_free(&r);

	snprintf(arg, sizeof arg, "%s:uts", pid);
	FXRUN(&r, "--join-ns", arg, fxt_probe_path());
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "ns.uts"), fxt_get(t, "ns.uts"));
	ASSERT(strcmp(fxt_get(rep, "ns.net"), fxt_get(t, "ns.net")) != 0);
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--join-ns", "1:bogus", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "unknown namespace 'bogus'"));
	fxr_free(&r);

	ASSERT_OK(fx_proc_close_stdio(target, FX_STDIN));
	ASSERT_OK(fx_proc_wait(target, &status, -1));
	ASSERT(fx_status_exited(status) && fx_status_code(status) == 0);
	fx_proc_free(target);
	fxt_report_free(t);
	fx_attr_free(attr);
}

/* The filesystem view in bubblewrap's words: the root holds exactly
 * what was asked, the hostname is set; a failing operation is named. */
TEST(fxrun_view)
{
	struct fxr r;
	fxt_report *rep;

	require_root();
	FXRUN(&r, "--ro-bind", fxt_probe_path(), "/fxprobe", "--proc", "/proc",
	      "--tmpfs", "/tmp", "--dir", "/work/deep", "--symlink", "usr/bin", "/bin",
	      "--dev", "/dev", "--hostname", "box", "--", "/fxprobe", "--try-ls=/");
	rep = report_ok(&r);
	ASSERT_STR_EQ(fxt_get(rep, "try.ls"), "bin,dev,fxprobe,proc,tmp,work");
	ASSERT_STR_EQ(fxt_get(rep, "hostname"), "box");
	fxt_report_free(rep);
	fxr_free(&r);

	FXRUN(&r, "--ro-bind", "/nope", "/x", "--", "/bin/true");
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "fxrun: ro-bind \"/nope\" -> \"/x\": No such file or directory"));
	fxr_free(&r);

	FXRUN(&r, "--bind", "rel", "/x", "--", "/bin/true");
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "--bind rel /x: paths must be absolute"));
	fxr_free(&r);

	FXRUN(&r, "--bind", "/only-one");
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "needs two arguments"));
	fxr_free(&r);
}

/* Bad landlock values: exit 125, naming option and value. */
TEST(fxrun_landlock_bad)
{
	static const struct { const char *opt, *value, *says; } cases[] = {
		{ "--landlock-bind", "80,x", "'x' is no port" },
		{ "--landlock-connect", "65536", "'65536' is no port" },
		{ "--landlock-ro", "/usr,,/bin", "an empty item" },
		{ "--landlock-rw", "", "empty list" },
	};
	struct fxr r;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FXRUN(&r, cases[i].opt, cases[i].value, fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		if (!strstr(r.err, cases[i].says))
			FAIL("%s '%s': stderr \"%s\"", cases[i].opt, cases[i].value, r.err);
		fxr_free(&r);
	}
	if (fx_landlock_abi() > 0) {
		FXRUN(&r, "--landlock-ro", "/nope/missing", fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		ASSERT(strstr(r.err, "landlock \"/nope/missing\": No such file or directory"));
		fxr_free(&r);
	}
}

/* Bad lists: exit 125 before anything runs, naming option and value. */
TEST(fxrun_seccomp_names_bad)
{
	static const struct { const char *opt, *value, *says; } cases[] = {
		{ "--seccomp-deny", "uname,no_such_call", "no system call 'no_such_call'" },
		{ "--seccomp-deny", "uname:EBOGUS", "'EBOGUS' is no errno" },
		{ "--seccomp-deny", "uname:4096", "'4096' is no errno" },
		{ "--seccomp-allow", "uname:0", "'0' is no errno" },
		{ "--seccomp-deny", "", "empty list" },
		{ "--seccomp-allow", ":EPERM", "empty list" },
	};
	struct fxr r;

	if (fx_syscall_number("uname") < 0)
		SKIP("no seccomp by name here");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FXRUN(&r, cases[i].opt, cases[i].value, fxt_probe_path());
		ASSERT_EQ(r.code, 125);
		if (!strstr(r.err, cases[i].says))
			FAIL("%s '%s': stderr \"%s\"", cases[i].opt, cases[i].value, r.err);
		ASSERT_STR_EQ(r.out, "");
		fxr_free(&r);
	}
	FXRUN(&r, "--seccomp-deny", "uname", "--seccomp-allow", "uname", fxt_probe_path());
	ASSERT_EQ(r.code, 125);
	ASSERT(strstr(r.err, "exclude each other"));
	fxr_free(&r);
}

/*
 * Each bad value is refused before anything is spawned, exit 125, with a
 * message that names the option and the value.
 */
TEST_ONCE(fxrun_containment_bad_usage)
{
	static const struct { const char *opt, *value, *extra; } cases[] = {
		{ "--unshare", "user,bogus", NULL },
		{ "--unshare", "user,,net", NULL },
		{ "--unshare", "", NULL },
		{ "--uid-map", "0:1000", NULL },
		{ "--uid-map", "0:1000:0", NULL },
		{ "--uid-map", "0:x:1", NULL },
		{ "--uid-map", "4294967295:0:1", NULL },
		{ "--gid-map", "0:1000:1:1", NULL },
		{ "--setgroups", "maybe", "--map-root-user" },
		{ "--ambient-caps", "net_bind", NULL },
		{ "--ambient-caps", "all", NULL },
		{ "--ambient-caps", "chown,", NULL },
		{ "--bounding-caps", "cap_", NULL },
		{ "--bounding-caps", "41", NULL },
		{ "--rlimit", "nofile", NULL },
		{ "--rlimit", "files=10", NULL },
		{ "--rlimit", "nofile=10:5", NULL },
		{ "--rlimit", "nofile=-1", NULL },
		{ "--rlimit", "nofile=:", NULL },
		{ "--rlimit", "cpu=18446744073709551615", NULL },
		{ "--umask", "0778", NULL },
		{ "--umask", "01000", NULL },
		{ "--umask", "u=rwx", NULL },
		{ "--niceness", "20", NULL },
		{ "--niceness", "-21", NULL },
		{ "-n", "5x", NULL },
		{ "--nice", "1.5", NULL },
		{ "--sched", "deadline", NULL },
		{ "--sched", "fifo", NULL },
		{ "--sched", "rr:100", NULL },
		{ "--sched", "batch:3", NULL },
		{ "--cpus", "3-1", NULL },
		{ "--cpus", "0,,1", NULL },
		{ "--cpus", "65536", NULL },
		{ "--cpus", "one", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[6] = { cases[i].opt, cases[i].value };
		char named[128];
		struct fxr r;
		size_t n = 2;

		if (cases[i].extra)
			args[n++] = cases[i].extra;
		args[n++] = "true";
		snprintf(named, sizeof named, "'%s %s'", cases[i].opt, cases[i].value);
		fxr_run(&r, &(struct fxr_setup){ .no_backend = 1 }, args);
		if (r.code != 125 || count_lines(r.err) != 2 ||
		    strncmp(r.err, "fxrun: ", 7) != 0 || !strstr(r.err, named) ||
		    !strstr(r.err, "\nTry 'fxrun --help'.\n"))
			FAIL("case %zu (%s): exit %d, stderr \"%s\"", i, named,
			     r.code, r.err);
		fxr_free(&r);
	}
}

/* Options that only make sense together, and combinations refused. */
TEST_ONCE(fxrun_containment_bad_combinations)
{
	static const char *const cases[][6] = {
		{ "--setgroups", "deny", "true", NULL },
		{ "--map-root-user", "--uid-map", "0:0:1", "true", NULL },
		{ "--map-root-user", "--setgroups", "allow", "true", NULL },
		{ "--ambient-caps", "kill", "--bounding-caps", "chown,KILL", "true", NULL },
		{ "--unshare", "pid", "--backend", "fork", "true", NULL },
		{ "--cgroup", "", "true", NULL },
		{ "--seccomp", "", "true", NULL },
		{ "--no-new-privs=1", "true", NULL },
	};
	static const char *const named[] = {
		"'--setgroups'", "'--map-root-user'", "'--setgroups allow'",
		"kill", "'--unshare pid'", "'--cgroup'", "'--seccomp'",
		"'--no-new-privs'",
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fxr r;

		fxr_run(&r, &(struct fxr_setup){ .no_backend = 1 }, cases[i]);
		if (r.code != 125 || count_lines(r.err) != 2 ||
		    !strstr(r.err, named[i]) ||
		    !strstr(r.err, "\nTry 'fxrun --help'.\n"))
			FAIL("case %zu (%s): exit %d, stderr \"%s\"", i, cases[i][0],
			     r.code, r.err);
		fxr_free(&r);
	}
}

/* A --seccomp FILE that is not a program: one line naming it, exit 125. */
TEST_ONCE(fxrun_seccomp_bad_file)
{
	char *dir = fxt_tmpdir();
	char *odd = fxt_join(dir, "odd"), *empty = fxt_join(dir, "empty");
	char *big = fxt_join(dir, "big"), *missing = fxt_join(dir, "missing");
	const char *files[] = { odd, empty, big, missing };
	const char *why[] = { "multiple of 8", "empty", "more than 4096",
	                      "No such file" };
	char *huge = calloc(4097 * 8 + 1, 1);
	size_t i;

	if (!huge)
		FAIL("calloc");
	memset(huge, 'x', 4097 * 8);
	fxt_write_file(odd, "twelve bytes", 0644);
	fxt_write_file(empty, "", 0644);
	fxt_write_file(big, huge, 0644);
	for (i = 0; i < 4; i++) {
		char named[512];
		struct fxr r;

		snprintf(named, sizeof named, "fxrun: --seccomp %s: ", files[i]);
		FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--seccomp",
		           files[i], fxt_probe_path());
		if (r.code != 125 || count_lines(r.err) != 1 ||
		    strncmp(r.err, named, strlen(named)) != 0 ||
		    !strstr(r.err, why[i]) || r.out[0] != '\0')
			FAIL("%s: exit %d, stderr \"%s\"", files[i], r.code, r.err);
		fxr_free(&r);
	}
	free(huge);
	free(odd);
	free(empty);
	free(big);
	free(missing);
	free(dir);
}

/* A directory of another file system than cgroup2 (a v1 hierarchy, or
 * /tmp) is named as such, not reported as the kernel's EBADF. */
TEST_ONCE(fxrun_cgroup_not_v2)
{
	char *dir = fxt_tmpdir();
	struct fxr r;

	FXRUN(&r, "--cgroup", dir, "true");
	ASSERT_EQ(r.code, 125);
	ASSERT_EQ(count_lines(r.err), 1);
	ASSERT(strstr(r.err, "not a cgroup v2 directory"));
	fxr_free(&r);
	free(dir);
}

TEST_ONCE(fxrun_help_containment)
{
	static const char *const options[] = {
		"Linux containment:", "--unshare LIST", "--map-root-user",
		"--uid-map", "--gid-map", "--setgroups", "--ambient-caps",
		"--bounding-caps", "--cgroup PATH", "--rlimit NAME=SOFT[:HARD]",
		"--umask OCTAL", "--no-new-privs", "--niceness N", "--sched POLICY",
		"--cpus LIST", "--seccomp FILE",
	};
	struct fxr r;
	size_t i;

	FXRUN_WITH(&r, &(struct fxr_setup){ .no_backend = 1 }, "--help");
	ASSERT_EQ(r.code, 0);
	for (i = 0; i < sizeof options / sizeof options[0]; i++)
		if (!strstr(r.out, options[i]))
			FAIL("--help does not mention %s", options[i]);
	fxr_free(&r);
}

/* --dry-run prints the plan and starts nothing. */
TEST(fxrun_dry_run)
{
	char *dir = fxt_tmpdir();
	char *mark = fxt_join(dir, "started");
	char script[512], want[600];
	struct fxr r;

	snprintf(script, sizeof script, "echo > '%s'", mark);
	FXRUN(&r, "--dry-run", "-C", dir, "--umask", "027", "--", "sh", "-c", script);
	ASSERT_EQ(r.code, 0);
	ASSERT_STR_EQ(r.err, "");
	snprintf(want, sizeof want, "child  chdir(\"%s\")\n", dir);
	ASSERT(strstr(r.out, want) != NULL);
	ASSERT(strstr(r.out, "child  umask(0027)\n") != NULL);
	ASSERT(strstr(r.out, "child  execve(\"/") != NULL);
	ASSERT(access(mark, F_OK) != 0);
	fxr_free(&r);

	/* A program that is not there: fxrun's usual error and code. */
	FXRUN(&r, "--dry-run", "no-such-program-fx");
	ASSERT_EQ(r.code, 127);
	ASSERT(strstr(r.err, "no-such-program-fx") != NULL);
	ASSERT_STR_EQ(r.out, "");
	fxr_free(&r);
	free(mark);
	free(dir);
}
