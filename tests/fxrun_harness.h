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
/*
 * fxrun_harness.h: the helpers the test_fxrun*.c files share (running
 * fxrun, reading the probe's report).  Static inline: each test file
 * takes what it uses.
 */
#ifndef FXT_FXRUN_HARNESS_H
#define FXT_FXRUN_HARNESS_H
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

/* In the forked child: fd `fd` becomes `path`; returns only on failure. */
static inline int child_open(int fd, const char *path, int flags)
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
static inline void fxr_start(struct fxr *r, const struct fxr_setup *s,
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

static inline void fxr_finish(struct fxr *r)
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
	r->out = fxt_read_file(r->out_path);
	r->err = fxt_read_file(r->err_path);
}

static inline void fxr_free(struct fxr *r)
{
	free(r->out_path);
	free(r->err_path);
	free(r->out);
	free(r->err);
}

static inline void fxr_run(struct fxr *r, const struct fxr_setup *s,
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
static inline fxt_report *report_ok(const struct fxr *r)
{
	if (r->code != 0)
		FAIL("fxrun exited %d; stderr: %s", r->code, r->err);
	return fxt_report_parse(r->out, strlen(r->out));
}

/*
 * Runs the rows of fxrun_rows.c's table that belong to the test named
 * `test` (fxrun with a row's options and the probe, a few keys of the
 * report compared); fails naming the row.
 */
void fxrun_rows(const char *test);

/* Lines in s (a final line without '\n' counts). */
static inline int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Polls `path` until it holds `needle`, for up to 20 s; returns the text. */
static inline char *wait_for_text(const char *path, const char *needle)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 2000; i++) {
		/* fxrun's child may not have opened it yet. */
		char *text = fxt_try_read_file(path);

		if (text && strstr(text, needle))
			return text;
		free(text);
		nanosleep(&tick, NULL);
	}
	FAIL("%s never contained \"%s\"", path, needle);
}

static inline void require_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
}

static inline long long ms_since(double t0)
{
	return (long long)((fxt_now() - t0) * 1000);
}

#endif
