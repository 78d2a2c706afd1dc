/* SPDX-License-Identifier: MIT */
/*
 * Tests of the io layer (forkexec-io.h): stdio wiring, fx_run (capture,
 * input, limits, timeout, grace, process groups, wait delay, EPIPE,
 * signal storms) and the step by step calls.
 *
 * Every test ends checking that no descriptor and no child is left.
 * Tests whose children leave grandchildren behind make the test process
 * a child subreaper first, so that those are reparented to it (not to
 * the runner, which would count them as strays), and reap them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec-io.h"
#include "fxt.h"
#include "pattern.h"

#define MIB ((size_t)1024 * 1024)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static fx_run_opts *opts_new(unsigned flags)
{
	fx_run_opts *o;

	ASSERT_OK(fx_run_opts_new(&o));
	ASSERT_OK(fx_run_opts_set_flags(o, flags));
	return o;
}

/* fx_run that must start the program; fails with the library's message. */
#define run_ok(res, argv, attr, opts) run_ok_(__FILE__, __LINE__, (res), (argv), (attr), (opts))
static void run_ok_(const char *file, int line, fx_result **res, char *const *argv,
                    const fx_attr *attr, const fx_run_opts *opts)
{
	fx_error err;
	int rc = fx_run(res, argv[0], argv, attr, opts, &err);

	fxt_assert_spawned_(file, line, rc, &err);
	if (!*res)
		fxt_fail_(file, line, "fx_run returned 0 without a result");
}

/* The probe's argv: fxprobe --no-report ARGS... */
static char **probe_argv(const char *a1, const char *a2)
{
	static char *argv[5];
	size_t n = 0;

	argv[n++] = (char *)fxt_probe_path();
	argv[n++] = (char *)"--no-report";
	if (a1)
		argv[n++] = (char *)a1;
	if (a2)
		argv[n++] = (char *)a2;
	argv[n] = NULL;
	return argv;
}

static char **sh_argv(const char *script)
{
	static char *argv[4];

	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)script;
	argv[3] = NULL;
	return argv;
}

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		FAIL("open %s: %s", path, strerror(errno));
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

/* Orphans of our children come to us, not to the runner. */
static void adopt_orphans(void)
{
	ASSERT_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
}

/* Reaps every child we have; call after killing them. */
static void reap_adopted(void)
{
	int st;

	while (waitpid(-1, &st, __WALL) > 0 || errno == EINTR)
		;
}

/* ------------------------------------------------------------------ */
/* Stdio wiring                                                        */
/* ------------------------------------------------------------------ */

TEST(io_stdio_null)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo fd;

	for (int s = 0; s < 3; s++)
		ASSERT_OK(fx_attr_set_stdio(attr, s, FX_STDIO_NULL));
	fxt_report *r = fxt_probe_ok(attr, NULL);
	for (int s = 0; s < 3; s++) {
		ASSERT(fxt_fd_info(r, s, &fd));
		ASSERT_STR_EQ(fd.target, "/dev/null");
		ASSERT_EQ(fd.cloexec, 0);
		ASSERT_EQ(fd.flags & O_ACCMODE, s == 0 ? O_RDONLY : O_WRONLY);
	}
	fxt_report_free(r);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

TEST(io_stdio_path)
{
	int before = fxt_fd_count();
	char *dir = fxt_tmpdir();
	char *in = fxt_join(dir, "in"), *out = fxt_join(dir, "out"), *text;
	char *argv[] = { (char *)"cat", NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;

	fxt_write_file(in, "one\n", 0644);
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDIN, in, O_RDONLY, 0));
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDOUT, out, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	ASSERT_EQ(fx_attr_get_stdio(attr, FX_STDOUT), FX_STDIO_PATH);
	ASSERT_SPAWNED(fx_spawn(&proc, "cat", argv, attr, &err), &err);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);
	/* Appending: the second run adds to the first. */
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDOUT, out, O_WRONLY | O_APPEND, 0));
	ASSERT_SPAWNED(fx_spawn(&proc, "cat", argv, attr, &err), &err);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);
	text = read_whole(out);
	ASSERT_STR_EQ(text, "one\none\n");
	struct stat st;
	ASSERT_SYS(stat(out, &st));
	ASSERT_EQ(st.st_mode & 0777, 0600);
	free(text);
	free(in);
	free(out);
	free(dir);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A path that cannot be opened: the stream and the path in the error,
 * and nothing left behind, not even what the other streams opened. */
TEST(io_stdio_path_errors)
{
	int before = fxt_fd_count();
	char *dir = fxt_tmpdir();
	char *out = fxt_join(dir, "out"), *bad = fxt_join(dir, "no/such/file");
	char *argv[] = { (char *)"true", NULL }, msg[512], want[600];
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;

	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDOUT, out, O_WRONLY | O_CREAT, 0644));
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDERR, bad, O_WRONLY | O_CREAT, 0644));
	ASSERT_ERR(fx_spawn(&proc, "true", argv, attr, &err), -ENOENT);
	ASSERT(proc == NULL);
	ASSERT_EQ(err.step, FX_STEP_STDERR);
	ASSERT_EQ(err.code, ENOENT);
	ASSERT_EQ(err.index, 2);
	snprintf(want, sizeof want, "stderr \"%s\": %s", bad, strerror(ENOENT));
	ASSERT_STR_EQ(fx_strerror(&err, msg, sizeof msg), want);
	fxt_assert_fd_count(before);

	/* stdin, and a file that may not be written. */
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDIN, bad, O_RDONLY, 0));
	ASSERT_ERR(fx_spawn(&proc, "true", argv, attr, &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_STDIN);
	ASSERT_STR_EQ(fx_step_name(err.step), "stdin");
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_INHERIT));
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDERR, dir, O_WRONLY, 0));
	ASSERT_ERR(fx_spawn(&proc, "true", argv, attr, &err), -EISDIR);
	ASSERT_EQ(err.step, FX_STEP_STDERR);

	/* fx_run says the same. */
	fx_result *res = (fx_result *)1;
	ASSERT_ERR(fx_run(&res, "true", argv, attr, NULL, &err), -EISDIR);
	ASSERT(res == NULL);
	ASSERT_EQ(err.step, FX_STEP_STDERR);
	/* A missing program opens nothing. */
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDERR, bad, O_WRONLY | O_CREAT, 0644));
	unlink(out);
	ASSERT_ERR(fx_spawn(&proc, "no-such-program-fx", argv, attr, &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_LOOKUP);
	ASSERT_ERR(access(out, F_OK), -1);

	free(out);
	free(bad);
	free(dir);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

TEST_ONCE(io_stdio_setters)
{
	fx_attr *attr;
	int p[2];

	ASSERT_OK(fx_attr_new(&attr));
	for (int s = 0; s < 3; s++)
		ASSERT_EQ(fx_attr_get_stdio(attr, s), FX_STDIO_INHERIT);
	ASSERT_ERR(fx_attr_set_stdio(attr, 3, FX_STDIO_NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(attr, -1, FX_STDIO_NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(NULL, 0, FX_STDIO_NULL), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_STDOUT), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_STDOUT), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_FD), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_PATH), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio(attr, FX_STDOUT, 99), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio_path(attr, FX_STDOUT, "x", O_WRONLY | O_DIRECTORY, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio_path(attr, FX_STDOUT, "x", O_WRONLY | O_RDWR | O_ACCMODE, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio_path(attr, FX_STDOUT, "", O_WRONLY, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio_path(attr, FX_STDOUT, NULL, O_WRONLY, 0), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio_path(attr, FX_STDOUT, "x", O_WRONLY, 010000), -EINVAL);
	ASSERT_ERR(fx_attr_set_stdio_fd(attr, FX_STDOUT, -1), -EBADF);
	fxt_pipe(p);
	close(p[1]);
	ASSERT_ERR(fx_attr_set_stdio_fd(attr, FX_STDOUT, p[1]), -EBADF);

	/* The last word wins, map or stdio. */
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDERR, FX_STDIO_STDOUT));
	ASSERT_OK(fx_attr_set_fd(attr, 2, p[0]));
	ASSERT_EQ(fx_attr_get_stdio(attr, FX_STDERR), FX_STDIO_FD);
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDERR, FX_STDIO_NULL));
	ASSERT_EQ(fx_attr_get_stdio(attr, FX_STDERR), FX_STDIO_NULL);
	ASSERT_OK(fx_attr_set_stdio_fd(attr, FX_STDERR, p[0]));
	ASSERT_EQ(fx_attr_get_stdio(attr, FX_STDERR), FX_STDIO_FD);
	ASSERT_OK(fx_attr_set_stdio_path(attr, FX_STDERR, "/dev/null", O_WRONLY, 0));
	ASSERT_EQ(fx_attr_get_stdio(attr, FX_STDERR), FX_STDIO_PATH);
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDERR, FX_STDIO_INHERIT));
	ASSERT_EQ(fx_attr_get_stdio(attr, FX_STDERR), FX_STDIO_INHERIT);
	close(p[0]);
	fx_attr_free(attr);
}

/* The parent's end: close-on-exec, blocking or not as asked; the
 * child's end: inheritable and blocking. */
TEST(io_stdio_pipe_ends)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	struct fxt_fdinfo info;
	fxt_report *r;
	fx_proc *proc;
	fx_error err;
	char buf[16];

	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_PIPE_NONBLOCK));
	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, NULL, &proc, &r, &err), &err);
	for (int s = 0; s < 2; s++) {
		int fd = fx_proc_stdio_fd(proc, s);
		ASSERT_GE(fd, 3);
		ASSERT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
		ASSERT_EQ(!!(fcntl(fd, F_GETFL) & O_NONBLOCK), s == FX_STDOUT);
		ASSERT(fxt_fd_info(r, s, &info));
		ASSERT(strncmp(info.target, "pipe:", 5) == 0);
		ASSERT_EQ(info.cloexec, 0);
		ASSERT_EQ(info.flags & O_NONBLOCK, 0);
	}
	ASSERT_EQ(fx_proc_stdio_fd(proc, FX_STDERR), -1);
	/* The probe wrote its report elsewhere: stdout is empty, and ends. */
	ASSERT_EQ(fx_proc_read(proc, FX_STDOUT, buf, sizeof buf, -1), 0);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	ASSERT_OK(fx_proc_close_stdio(proc, FX_STDIN));
	ASSERT_ERR(fx_proc_close_stdio(proc, FX_STDIN), -EBADF);
	fxt_report_free(r);
	fx_proc_free(proc);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* 2>&1 follows stdout wherever it goes: a pipe, a map, the parent's. */
TEST(io_stdio_merge)
{
	int before = fxt_fd_count();
	char **argv = sh_argv("echo out; echo err >&2");
	fx_attr *attr = fxt_attr();
	char buf[64];
	size_t len = 0;
	ssize_t n;
	fx_proc *proc;
	fx_error err;
	int p[2];

	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_PIPE));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDERR, FX_STDIO_STDOUT));
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	while ((n = fx_proc_read(proc, FX_STDOUT, buf + len, sizeof buf - 1 - len, -1)) > 0)
		len += (size_t)n;
	ASSERT_EQ(n, 0);
	buf[len] = 0;
	ASSERT_STR_EQ(buf, "out\nerr\n");
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);

	/* stdout mapped from the caller's pipe: stderr follows it. */
	fxt_pipe(p);
	ASSERT_OK(fx_attr_set_fd(attr, 1, p[1]));
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	close(p[1]);
	ASSERT_EQ(fxt_wait_ok(proc), 0);
	fx_proc_free(proc);
	n = read(p[0], buf, sizeof buf - 1);
	ASSERT_EQ(n, 8);
	buf[n] = 0;
	ASSERT_STR_EQ(buf, "out\nerr\n");
	close(p[0]);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* fx_run                                                              */
/* ------------------------------------------------------------------ */

TEST(io_run_basic)
{
	int before = fxt_fd_count();
	char *argv[] = { (char *)"cat", NULL };
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	ASSERT_OK(fx_run_opts_set_input(o, "hello", 5));
	run_ok(&res, argv, attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->out.len, 5);
	ASSERT_STR_EQ(res->out.data, "hello");
	ASSERT_EQ(res->err.len, 0);
	ASSERT_STR_EQ(res->err.data, "");
	ASSERT_EQ(res->in_written, 5);
	ASSERT_EQ(res->in_error, 0);
	ASSERT_EQ(res->nstages, 1);
	ASSERT_EQ(res->stage_status[0], 0);
	ASSERT_EQ(res->pipefail_status, 0);
	ASSERT(res->pid > 0);
	ASSERT(res->spawn_ns > 0 && res->run_ns > 0 && res->total_ns >= res->run_ns);
	ASSERT(!res->timed_out && !res->killed && !res->limit_hit && !res->wait_delay_expired);
	fx_result_free(res);

	/* An exit code, a signal, nothing captured, no options at all. */
	run_ok(&res, sh_argv("exit 3"), attr, NULL);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(fx_status_code(res->status), 3);
	ASSERT_EQ(res->pipefail_status, res->status);
	ASSERT(res->out.data == NULL && res->err.data == NULL);
	fx_result_free(res);
	run_ok(&res, sh_argv("kill -USR1 $$"), attr, NULL);
	ASSERT_EQ(res->end, FX_END_SIGNALED);
	ASSERT_EQ(fx_status_signal(res->status), SIGUSR1);
	fx_result_free(res);

	/* stdin a pipe without input: the child reads end of file. */
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_OK(fx_run_opts_set_input(o, NULL, 0));
	run_ok(&res, argv, attr, o);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->out.len, 0);
	fx_result_free(res);

	/* Merged stderr lands in out. */
	ASSERT_OK(fx_run_opts_set_flags(o, FX_RUN_CAPTURE_STDOUT | FX_RUN_MERGE_STDERR));
	run_ok(&res, sh_argv("echo a; echo b >&2; echo c"), attr, o);
	ASSERT_STR_EQ(res->out.data, "a\nb\nc\n");
	ASSERT(res->err.data == NULL);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

TEST_ONCE(io_run_opts_setters)
{
	fx_run_opts *o;

	ASSERT_ERR(fx_run_opts_new(NULL), -EINVAL);
	ASSERT_OK(fx_run_opts_new(&o));
	ASSERT_ERR(fx_run_opts_set_flags(o, 1u << 31), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_flags(NULL, 0), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_input(o, NULL, 3), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_limit(o, FX_STDIN, 1, FX_LIMIT_KILL), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_limit(o, FX_STDOUT, 1, 7), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_kill(o, 0, 0), -EINVAL);
	ASSERT_ERR(fx_run_opts_set_kill(o, 65, 0), -EINVAL);
	ASSERT_OK(fx_run_opts_set_kill(o, SIGINT, -5));
	ASSERT_OK(fx_run_opts_set_timeout(o, -7));
	ASSERT_OK(fx_run_opts_set_wait_delay(o, -1));
	ASSERT_ERR(fx_run_opts_set_pipe_size(o, -1), -EINVAL);
	ASSERT_OK(fx_run_opts_set_pipe_size(o, 0));
	fx_run_opts_free(o);
	fx_run_opts_free(NULL);
	fx_result_free(NULL);
}

/*
 * 64 MiB each way and 64 MiB more on stderr, in chunks of random sizes,
 * the child blocking on each: stdout must be stdin byte for byte and
 * stderr the pattern, checked by comparison and by checksum.
 */
/*
 * Under an emulator (the valgrind gate, and the qemu-user ones:
 * check-aarch64, check-cross) every system call
 * and every signal costs a hundred times more: the big transfers shrink
 * there, testing the same thing without running out of time.
 */
static size_t native_or_emulated(size_t native, size_t emulated)
{
	static const char *const emulators[] = {
		"valgrind", "aarch64", "i386", "armhf", "riscv64", "ppc64el", "s390x",
	};
	const char *gate = getenv("FXT_GATE");

	for (size_t i = 0; gate && i < sizeof emulators / sizeof emulators[0]; i++)
		if (!strcmp(gate, emulators[i]))
			return emulated;
	return native;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* With `storm`, SIGALRM every 100 microseconds during the run, from a
 * handler installed without SA_RESTART: every poll may fail with EINTR. */
static void pump_check(size_t size, int storm)
{
	/* Every 100 us natively; an emulator spends longer than that
	 * delivering one, and would do nothing else. */
	long us = (long)native_or_emulated(100, 5000);
	struct itimerval every = { { 0, us }, { 0, us } }, off = { { 0, 0 }, { 0, 0 } };
	long storm_signals;
	int before = fxt_fd_count();
	unsigned char *input = malloc(size), *expect = malloc(size);
	char arg[64];
	struct fxt_pattern pat;
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	ASSERT(input && expect);
	fxt_pattern_init(&pat, 77);
	fxt_pattern_fill(&pat, input, size);
	fxt_pattern_init(&pat, 2);
	fxt_pattern_fill(&pat, expect, size);
	snprintf(arg, sizeof arg, "--pump=%zu", size);
	ASSERT_OK(fx_run_opts_set_input(o, input, size));
	if (storm) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0; /* no SA_RESTART */
		ASSERT_SYS(sigaction(SIGALRM, &sa, NULL));
		alarms = 0;
		ASSERT_SYS(setitimer(ITIMER_REAL, &every, NULL));
	}
	run_ok(&res, probe_argv(arg, NULL), attr, o);
	storm_signals = alarms;
	if (storm) {
		ASSERT_SYS(setitimer(ITIMER_REAL, &off, NULL));
		printf("%ld SIGALRMs during the run\n", storm_signals);
		ASSERT_GT(storm_signals, us == 100 ? 100 : 10);
	}
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->in_written, size);
	ASSERT_EQ(res->in_error, 0);
	ASSERT_EQ(res->out.len, size);
	ASSERT_EQ(res->err.len, size);
	ASSERT_EQ(fxt_fnv(FXT_FNV_INIT, res->out.data, res->out.len),
	          fxt_fnv(FXT_FNV_INIT, input, size));
	ASSERT_EQ(fxt_fnv(FXT_FNV_INIT, res->err.data, res->err.len),
	          fxt_fnv(FXT_FNV_INIT, expect, size));
	ASSERT(memcmp(res->out.data, input, size) == 0);
	ASSERT(memcmp(res->err.data, expect, size) == 0);
	ASSERT_EQ(res->out.data[size], 0);
	printf("%zu MiB each way in %.2f s\n", size / MIB, (double)res->total_ns / 1e9);
	fx_result_free(res);
	fx_run_opts_free(o);
	fx_attr_free(attr);
	free(input);
	free(expect);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

TEST_TIMEOUT(io_run_64mib_both_ways, 180)
{
	pump_check(native_or_emulated(64 * MIB, 16 * MIB), 0);
}

/* SIGALRM every 100 microseconds, without SA_RESTART, all through the
 * same capture: nothing may be lost. */
TEST_TIMEOUT(io_run_signal_storm, 180)
{
	pump_check(native_or_emulated(64 * MIB, 4 * MIB), 1);
}

/* A child that ignores SIGTERM: killed with SIGKILL after the grace. */
TEST(io_run_timeout_grace)
{
	int before = fxt_fd_count();
	fx_run_opts *o = opts_new(0);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	/* Ignored here, so ignored in the child from its first instruction:
	 * no window in which our SIGTERM could still kill it. */
	signal(SIGTERM, SIG_IGN);
	ASSERT_OK(fx_run_opts_set_timeout(o, 200));
	ASSERT_OK(fx_run_opts_set_kill(o, SIGTERM, 300));
	run_ok(&res, probe_argv("--sleep-ms=100000", NULL), attr, o);
	signal(SIGTERM, SIG_DFL);
	ASSERT_EQ(res->end, FX_END_TIMEOUT);
	ASSERT_EQ(res->timed_out, 1);
	ASSERT_EQ(res->killed, 1);
	ASSERT_EQ(fx_status_signal(res->status), SIGKILL);
	ASSERT_GE(res->run_ns, 500 * 1000000LL);
	ASSERT_LT(res->run_ns, 30 * 1000000000LL);
	fx_result_free(res);

	/* One that obeys SIGTERM needs no SIGKILL. */
	run_ok(&res, probe_argv("--sleep-ms=100000", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_TIMEOUT);
	ASSERT_EQ(res->killed, 0);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	ASSERT_GE(res->run_ns, 200 * 1000000LL);
	fx_result_free(res);

	/* Grace 0: SIGKILL at once, with the signal. */
	signal(SIGTERM, SIG_IGN);
	ASSERT_OK(fx_run_opts_set_kill(o, SIGTERM, 0));
	run_ok(&res, probe_argv("--sleep-ms=100000", NULL), attr, o);
	signal(SIGTERM, SIG_DFL);
	ASSERT_EQ(res->killed, 1);
	ASSERT_EQ(fx_status_signal(res->status), SIGKILL);
	fx_result_free(res);

	/* Done before the deadline: no timeout. */
	ASSERT_OK(fx_run_opts_set_timeout(o, 60000));
	run_ok(&res, probe_argv("--exit=4", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->timed_out, 0);
	ASSERT_EQ(fx_status_code(res->status), 4);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* The grandchild's pid from text the test's script printed; dead once
 * reaped by us (it was orphaned to us) or by its parent. */
static void assert_killed(const char *pid_text, int sig)
{
	pid_t pid = (pid_t)atol(pid_text);
	int st;

	ASSERT_GT(pid, 1);
	if (waitpid(pid, &st, 0) == pid) {
		ASSERT(WIFSIGNALED(st));
		ASSERT_EQ(WTERMSIG(st), sig);
	} else {
		/* Its parent reaped it before it died itself. */
		ASSERT_EQ(errno, ECHILD);
		ASSERT_ERR(kill(pid, 0) == 0 ? 0 : -errno, -ESRCH);
	}
}

/*
 * FX_RUN_KILL_GROUP: the signal, and SIGKILL after the grace, reach the
 * grandchild too.  The trigger is an output limit, so that the
 * grandchild surely exists when it fires (the shell starts it and says
 * its pid before it writes the byte over the limit).
 */
TEST(io_run_kill_group)
{
	int before = fxt_fd_count();
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR | FX_RUN_KILL_GROUP);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	adopt_orphans();
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 0, FX_LIMIT_KILL));
	ASSERT_OK(fx_run_opts_set_kill(o, SIGTERM, 200));
	signal(SIGTERM, SIG_IGN);
	run_ok(&res, sh_argv("sleep 1000 & echo $! >&2; echo over; wait"), attr, o);
	signal(SIGTERM, SIG_DFL);
	ASSERT_EQ(res->end, FX_END_LIMIT);
	ASSERT_EQ(res->limit_hit, 1);
	ASSERT_EQ(res->killed, 1);
	ASSERT_EQ(res->out.len, 0);
	ASSERT_EQ(res->out.truncated, 1);
	ASSERT_EQ(fx_status_signal(res->status), SIGKILL);
	assert_killed(res->err.data, SIGKILL);
	fx_result_free(res);

	/* SIGTERM obeyed by the whole group. */
	run_ok(&res, sh_argv("sleep 1000 & echo $! >&2; echo over; wait"), attr, o);
	ASSERT_EQ(res->killed, 0);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	assert_killed(res->err.data, SIGTERM);
	fx_result_free(res);

	reap_adopted();
	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* The same on a timeout.  A run where the timeout came before the shell
 * had started its grandchild proves nothing and is tried again. */
TEST(io_run_timeout_kill_group)
{
	int before = fxt_fd_count();
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_KILL_GROUP);
	fx_attr *attr = fxt_attr();
	struct fxt_loop loop = fxt_loop(10, 40);
	long proven = 0;
	fx_result *res;

	adopt_orphans();
	ASSERT_OK(fx_run_opts_set_timeout(o, 500));
	while (!proven && fxt_loop_next(&loop) >= 0) {
		run_ok(&res, sh_argv("sleep 1000 & echo $!; wait"), attr, o);
		ASSERT_EQ(res->end, FX_END_TIMEOUT);
		ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
		if (res->out.len) {
			assert_killed(res->out.data, SIGTERM);
			proven++;
		}
		fx_result_free(res);
		reap_adopted();
	}
	fxt_loop_end(&loop, 1, "runs");
	ASSERT_EQ(proven, 1);
	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A grandchild holding stdout open cannot keep fx_run waiting past the
 * wait delay; what the child wrote is there. */
TEST(io_run_wait_delay)
{
	int before = fxt_fd_count();
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_KILL_GROUP);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	adopt_orphans();
	ASSERT_OK(fx_run_opts_set_wait_delay(o, 300));
	run_ok(&res, sh_argv("sleep 100 & echo x"), attr, o);
	ASSERT_EQ(res->end, FX_END_WAIT_DELAY);
	ASSERT_EQ(res->wait_delay_expired, 1);
	ASSERT_EQ(res->status, 0);
	ASSERT_STR_EQ(res->out.data, "x\n");
	ASSERT_GE(res->total_ns - res->run_ns, 300 * 1000000LL);
	ASSERT_LT(res->total_ns, 30 * 1000000000LL);
	kill(-res->pid, SIGKILL);
	fx_result_free(res);
	reap_adopted();

	/* Delay 0: what is in the pipe is read, then it is closed. */
	ASSERT_OK(fx_run_opts_set_wait_delay(o, 0));
	run_ok(&res, sh_argv("sleep 100 & echo y"), attr, o);
	ASSERT_EQ(res->end, FX_END_WAIT_DELAY);
	ASSERT_STR_EQ(res->out.data, "y\n");
	kill(-res->pid, SIGKILL);
	fx_result_free(res);
	reap_adopted();

	/* Nobody holding the pipe: no delay. */
	ASSERT_OK(fx_run_opts_set_wait_delay(o, 60000));
	run_ok(&res, sh_argv("echo z"), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->wait_delay_expired, 0);
	ASSERT_STR_EQ(res->out.data, "z\n");
	ASSERT_LT(res->total_ns, 30 * 1000000000LL);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

static void assert_yes(const fx_output *o, size_t len)
{
	ASSERT_EQ(o->len, len);
	for (size_t i = 0; i < len; i++)
		if (o->data[i] != (i % 2 ? '\n' : 'y'))
			FAIL("byte %zu of the output is %d", i, o->data[i]);
}

TEST(io_run_limits)
{
	int before = fxt_fd_count();
	char *yes[] = { (char *)"yes", NULL };
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT);
	fx_attr *attr = fxt_attr();
	fx_result *res;

	/* Truncate: the pipe closes, `yes` dies of SIGPIPE. */
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 1000, FX_LIMIT_TRUNCATE));
	run_ok(&res, yes, attr, o);
	assert_yes(&res->out, 1000);
	ASSERT_EQ(res->out.truncated, 1);
	ASSERT_EQ(res->end, FX_END_SIGNALED);
	ASSERT_EQ(fx_status_signal(res->status), SIGPIPE);
	ASSERT_EQ(res->limit_hit, 0);
	fx_result_free(res);

	/* Kill: the result says so. */
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 1001, FX_LIMIT_KILL));
	run_ok(&res, yes, attr, o);
	assert_yes(&res->out, 1001);
	ASSERT_EQ(res->out.truncated, 1);
	ASSERT_EQ(res->end, FX_END_LIMIT);
	ASSERT_EQ(res->limit_hit, 1);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	fx_result_free(res);

	/* Discard: the child runs to its end. */
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 10, FX_LIMIT_DISCARD));
	run_ok(&res, probe_argv("--spew=5000000", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->out.len, 10);
	ASSERT_EQ(res->out.truncated, 1);
	fx_result_free(res);

	/* Exactly at the limit: nothing lost, nothing truncated. */
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 3, FX_LIMIT_KILL));
	run_ok(&res, sh_argv("printf abc"), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_STR_EQ(res->out.data, "abc");
	ASSERT_EQ(res->out.truncated, 0);
	fx_result_free(res);

	/* Per stream: stderr's limit leaves stdout alone. */
	ASSERT_OK(fx_run_opts_set_flags(o, FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR));
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, SIZE_MAX, FX_LIMIT_KILL));
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDERR, 2, FX_LIMIT_DISCARD));
	run_ok(&res, sh_argv("echo out; echo error >&2"), attr, o);
	ASSERT_STR_EQ(res->out.data, "out\n");
	ASSERT_STR_EQ(res->err.data, "er");
	ASSERT_EQ(res->err.truncated, 1);
	ASSERT_EQ(res->out.truncated, 0);
	fx_result_free(res);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

static int sigpipe_pending(void)
{
	sigset_t set;

	ASSERT_SYS(sigpending(&set));
	return sigismember(&set, SIGPIPE);
}

/* A child that closes its stdin early: EPIPE in the result, no SIGPIPE
 * (ours is at its default: it would end the test), nothing pending. */
TEST(io_run_epipe)
{
	int before = fxt_fd_count();
	size_t size = 8 * MIB; /* more than any pipe holds */
	char *input = calloc(1, size);
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	sigset_t pipe_set, mask;

	ASSERT(input);
	ASSERT_OK(fx_run_opts_set_input(o, input, size));
	run_ok(&res, sh_argv("exec 0<&-; echo closed"), attr, o);
	ASSERT_EQ(res->in_error, EPIPE);
	ASSERT_LT(res->in_written, size);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->status, 0);
	ASSERT_STR_EQ(res->out.data, "closed\n");
	fx_result_free(res);
	ASSERT_EQ(sigpipe_pending(), 0);
	ASSERT_SYS(sigprocmask(SIG_SETMASK, NULL, &mask));
	ASSERT_EQ(sigismember(&mask, SIGPIPE), 0);

	/* A SIGPIPE the caller had pending (blocked) stays pending, and
	 * the caller's mask stays as it was. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	ASSERT_SYS(sigprocmask(SIG_BLOCK, &pipe_set, NULL));
	ASSERT_SYS(raise(SIGPIPE));
	run_ok(&res, sh_argv("exec 0<&-"), attr, o);
	ASSERT_EQ(res->in_error, EPIPE);
	fx_result_free(res);
	ASSERT_EQ(sigpipe_pending(), 1);
	ASSERT_SYS(sigprocmask(SIG_SETMASK, NULL, &mask));
	ASSERT_EQ(sigismember(&mask, SIGPIPE), 1);
	struct timespec zero = { 0, 0 };
	ASSERT_EQ(sigtimedwait(&pipe_set, NULL, &zero), SIGPIPE);
	ASSERT_SYS(sigprocmask(SIG_UNBLOCK, &pipe_set, NULL));

	free(input);
	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

TEST(io_run_spawn_errors)
{
	int before = fxt_fd_count();
	char *argv[] = { (char *)"no-such-program-fx", NULL };
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	fx_error err;

	ASSERT_OK(fx_run_opts_set_input(o, "x", 1));
	ASSERT_ERR(fx_run(&res, argv[0], argv, attr, o, &err), -ENOENT);
	ASSERT(res == NULL);
	ASSERT_EQ(err.step, FX_STEP_LOOKUP);
	ASSERT_OK(fx_attr_set_cwd(attr, "/no/such/dir"));
	argv[0] = (char *)"true";
	ASSERT_ERR(fx_run(&res, argv[0], argv, attr, o, &err), -ENOENT);
	ASSERT(res == NULL);
	ASSERT_EQ(err.step, FX_STEP_CHDIR);
	ASSERT_ERR(fx_run(NULL, argv[0], argv, attr, o, &err), -EINVAL);
	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Step by step                                                        */
/* ------------------------------------------------------------------ */

TEST(io_step_cat)
{
	int before = fxt_fd_count();
	char *argv[] = { (char *)"cat", NULL };
	fx_attr *attr = fxt_attr();
	char buf[64];
	fx_proc *proc;
	fx_error err;
	ssize_t n;
	struct pollfd p[2];

	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_OK(fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_PIPE_NONBLOCK));
	ASSERT_SPAWNED(fx_spawn(&proc, "cat", argv, attr, &err), &err);
	ASSERT_EQ(fx_proc_write(proc, "ping", 4, -1), 4);
	/* Pollable: stdout becomes readable once cat echoed. */
	p[0] = (struct pollfd){ fx_proc_stdio_fd(proc, FX_STDOUT), POLLIN, 0 };
	while (poll(p, 1, -1) < 0)
		ASSERT_EQ(errno, EINTR);
	n = fx_proc_read(proc, FX_STDOUT, buf, sizeof buf, 0);
	ASSERT_EQ(n, 4);
	ASSERT(memcmp(buf, "ping", 4) == 0);
	/* Nothing more: a deadline, then -ETIMEDOUT; 0 gives -EAGAIN. */
	double t0 = fxt_now();
	ASSERT_ERR((int)fx_proc_read(proc, FX_STDOUT, buf, sizeof buf, 100), -ETIMEDOUT);
	ASSERT_GE(fxt_now() - t0, 0.099);
	ASSERT_ERR((int)fx_proc_read(proc, FX_STDOUT, buf, sizeof buf, 0), -EAGAIN);
	ASSERT_ERR((int)fx_proc_read(proc, FX_STDERR, buf, sizeof buf, 0), -EBADF);
	ASSERT_ERR((int)fx_proc_read(proc, FX_STDIN, buf, sizeof buf, 0), -EINVAL);
	/* The pidfd too: not readable while cat runs.  (Where there is
	 * none, valgrind's fork backend lacking pidfd_open, fx_proc_wait polls.) */
	p[1] = (struct pollfd){ fx_proc_pidfd(proc), POLLIN, 0 };
	if (p[1].fd >= 0)
		ASSERT_EQ(poll(&p[1], 1, 0), 0);
	ASSERT_OK(fx_proc_close_stdio(proc, FX_STDIN));
	ASSERT_ERR((int)fx_proc_write(proc, "x", 1, 0), -EBADF);
	ASSERT_EQ(fx_proc_read(proc, FX_STDOUT, buf, sizeof buf, -1), 0);
	while (p[1].fd >= 0 && poll(&p[1], 1, -1) < 0)
		ASSERT_EQ(errno, EINTR);
	ASSERT_OK(fx_proc_wait(proc, NULL, p[1].fd >= 0 ? 0 : -1));
	fx_proc_free(proc);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* Writes with a deadline on a full pipe, and EPIPE without SIGPIPE, on
 * a blocking end and a non-blocking one. */
TEST(io_step_write)
{
	int before = fxt_fd_count();
	static char big[256 * 1024];
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	int in;

	for (int nb = 0; nb < 2; nb++) {
		ASSERT_OK(fx_attr_set_stdio(attr, FX_STDIN, nb ? FX_STDIO_PIPE_NONBLOCK : FX_STDIO_PIPE));
		/* A child that never reads until we say (over a pipe of ours). */
		int go[2];
		fxt_pipe(go);
		ASSERT_OK(fx_attr_set_fd(attr, 3, go[0]));
		char **argv = sh_argv("read x <&3; exec sleep 100 0<&-");
		ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
		close(go[0]);
		ssize_t n = fx_proc_write(proc, big, sizeof big, 100);
		ASSERT_GT(n, 0);
		ASSERT_LT(n, (ssize_t)sizeof big);
		ASSERT_ERR((int)fx_proc_write(proc, big, sizeof big, 50), -ETIMEDOUT);
		ASSERT_ERR((int)fx_proc_write(proc, big, sizeof big, 0), -EAGAIN);
		/* Let it close its stdin: EPIPE, and no SIGPIPE. */
		ASSERT_EQ(write(go[1], "\n", 1), 1);
		close(go[1]);
		ssize_t got;
		double t0 = fxt_now();
		while ((got = fx_proc_write(proc, big, sizeof big, 100)) != -EPIPE) {
			ASSERT(got == -ETIMEDOUT || got > 0);
			ASSERT_LT(fxt_now() - t0, 30);
		}
		ASSERT_EQ(sigpipe_pending(), 0);
		in = fx_proc_take_stdio_fd(proc, FX_STDIN);
		ASSERT_GE(in, 0);
		ASSERT_EQ(fx_proc_stdio_fd(proc, FX_STDIN), -1);
		close(in);
		ASSERT_OK(fx_proc_kill(proc, SIGKILL));
		fxt_wait_ok(proc);
		fx_proc_free(proc);
	}
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Waiting on many                                                     */
/* ------------------------------------------------------------------ */

/*
 * 500 children at once, all blocked on one pipe until we close it; each
 * exits with its own code.  The set returns each exactly once with its
 * own status, and never touches a child that is not in it: a plain
 * fork()ed one, already a zombie, is still there for us afterwards.
 */
TEST_TIMEOUT(io_waitset_500, 240)
{
	enum { N = 500 };
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	fx_proc *procs[N], *done;
	char codes[N][16];
	int seen[N] = { 0 };
	fx_waitset *ws;
	fx_error err;
	int go[2], st;
	pid_t other;

	ASSERT_OK(fx_waitset_new(&ws));
	fxt_pipe(go);
	ASSERT_OK(fx_attr_set_stdio_fd(attr, FX_STDIN, go[0]));
	for (int i = 0; i < N; i++) {
		snprintf(codes[i], sizeof codes[i], "--exit=%d", i % 251);
		char **argv = probe_argv("--wait-stdin", codes[i]);
		ASSERT_SPAWNED(fx_spawn(&procs[i], argv[0], argv, attr, &err), &err);
		ASSERT_OK(fx_waitset_add(ws, procs[i]));
	}
	close(go[0]);
	ASSERT_EQ(fx_waitset_count(ws), N);
	ASSERT_ERR(fx_waitset_add(ws, procs[7]), -EEXIST);
	ASSERT_ERR(fx_waitset_wait(ws, &done, &st, 0), -ETIMEDOUT);
	ASSERT_ERR(fx_waitset_wait(ws, &done, &st, 50), -ETIMEDOUT);
	struct pollfd p = { fx_waitset_fd(ws), POLLIN, 0 };
	ASSERT_EQ(poll(&p, 1, 0), 0);

	other = fork();
	ASSERT(other >= 0);
	if (other == 0)
		_exit(9);

	close(go[1]); /* every child reads end of file now */
	/* Pollable where the children have pidfds (not under valgrind's
	 * fork backend, which lacks pidfd_open). */
	while (fx_proc_pidfd(procs[0]) >= 0 && poll(&p, 1, -1) < 0)
		ASSERT_EQ(errno, EINTR);
	for (int k = 0; k < N; k++) {
		ASSERT_OK(fx_waitset_wait(ws, &done, &st, -1));
		int i = 0;
		while (i < N && procs[i] != done)
			i++;
		ASSERT_LT(i, N);
		ASSERT_EQ(seen[i], 0);
		seen[i] = 1;
		ASSERT_EQ(fx_status_code(st), i % 251);
		ASSERT_EQ(fx_waitset_count(ws), N - 1 - k);
	}
	ASSERT_ERR(fx_waitset_wait(ws, &done, &st, -1), -ENOENT);
	/* The stranger is untouched. */
	ASSERT_EQ(waitpid(other, &st, 0), other);
	ASSERT_EQ(WEXITSTATUS(st), 9);

	/* A child waited for already comes back at once; remove works. */
	ASSERT_OK(fx_waitset_add(ws, procs[0]));
	ASSERT_OK(fx_waitset_add(ws, procs[1]));
	ASSERT_OK(fx_waitset_remove(ws, procs[1]));
	ASSERT_ERR(fx_waitset_remove(ws, procs[1]), -ENOENT);
	ASSERT_OK(fx_waitset_wait(ws, &done, &st, 0));
	ASSERT(done == procs[0]);
	ASSERT_EQ(fx_status_code(st), 0);

	for (int i = 0; i < N; i++)
		fx_proc_free(procs[i]);
	fx_waitset_free(ws);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A child reaped by someone else comes back -ECHILD, and leaves the set. */
TEST(io_waitset_lost_child)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	fx_proc *proc, *done = NULL;
	fx_waitset *ws;
	fx_error err;
	siginfo_t si;
	int st;

	ASSERT_OK(fx_waitset_new(&ws));
	char **argv = probe_argv("--exit=3", NULL);
	ASSERT_SPAWNED(fx_spawn(&proc, argv[0], argv, attr, &err), &err);
	ASSERT_OK(fx_waitset_add(ws, proc));
	/* Someone else's waitpid takes it first. */
	ASSERT_SYS(waitid(P_PID, (id_t)fx_proc_pid(proc), &si, WEXITED));
	ASSERT_ERR(fx_waitset_wait(ws, &done, &st, -1), -ECHILD);
	ASSERT(done == proc);
	ASSERT_EQ(fx_waitset_count(ws), 0);
	fx_proc_free(proc);
	fx_waitset_free(ws);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Pipelines                                                           */
/* ------------------------------------------------------------------ */

static void add_sh(fx_pipeline *pl, const char *script, const fx_attr *attr)
{
	ASSERT_OK(fx_pipeline_add(pl, "/bin/sh", sh_argv(script), attr));
}

/*
 * yes | sh -c 'head -n 2; exit 3' | cat: the middle stage fails, the
 * first dies of SIGPIPE once it is gone, the last passes on what it got.
 * Each stage's status, the last one's as the pipeline's, the pipefail
 * summary (the middle one's), and nothing left.
 */
TEST(io_pipeline_middle_fails)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT);
	char *yes[] = { (char *)"yes", NULL }, *cat[] = { (char *)"cat", NULL };
	fx_pipeline *pl;
	fx_result *res;
	fx_error err;

	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_OK(fx_pipeline_add(pl, "yes", yes, attr));
	add_sh(pl, "head -n 2; exit 3", attr);
	ASSERT_OK(fx_pipeline_add(pl, "cat", cat, attr));
	ASSERT_EQ(fx_pipeline_count(pl), 3);
	ASSERT_SPAWNED(fx_pipeline_run(&res, pl, o, &err), &err);
	ASSERT_STR_EQ(res->out.data, "y\ny\n");
	ASSERT_EQ(res->nstages, 3);
	ASSERT_EQ(fx_status_signal(res->stage_status[0]), SIGPIPE);
	ASSERT_EQ(fx_status_code(res->stage_status[1]), 3);
	ASSERT_EQ(res->stage_status[2], 0);
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(fx_status_code(res->pipefail_status), 3);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->pid, fx_pipeline_pgid(pl));
	/* The pipeline keeps the stages' statuses. */
	int st;
	ASSERT_OK(fx_pipeline_status(pl, 1, &st));
	ASSERT_EQ(fx_status_code(st), 3);
	ASSERT_EQ(fx_status_code(fx_pipeline_pipefail(pl)), 3);
	ASSERT_ERR(fx_pipeline_start(pl, &err), -EBUSY);
	ASSERT_ERR(fx_pipeline_add(pl, "cat", cat, attr), -EBUSY);
	fx_result_free(res);
	fx_pipeline_free(pl);
	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* One process group, led by the first stage; stderr of every stage in
 * one buffer, in the order written. */
TEST(io_pipeline_group_and_stderr)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	const char *stage = "cat; read -r a b c d pg rest < /proc/self/stat; echo $pg; echo e$$ >&2";
	char want[256], line[64];
	fx_pipeline *pl;
	fx_result *res;
	fx_error err;

	ASSERT_OK(fx_pipeline_new(&pl));
	for (int i = 0; i < 3; i++)
		add_sh(pl, stage, attr);
	ASSERT_SPAWNED(fx_pipeline_run(&res, pl, o, &err), &err);
	ASSERT_EQ(res->pipefail_status, 0);
	want[0] = 0;
	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof line, "%d\n", (int)res->pid);
		strcat(want, line);
	}
	ASSERT_STR_EQ(res->out.data, want);
	want[0] = 0;
	for (size_t i = 0; i < 3; i++) {
		snprintf(line, sizeof line, "e%d\n", (int)fx_proc_pid(fx_pipeline_proc(pl, i)));
		strcat(want, line);
	}
	ASSERT_STR_EQ(res->err.data, want);
	fx_result_free(res);
	fx_pipeline_free(pl);

	/* Merged: every stage's stderr into the captured stdout. */
	ASSERT_OK(fx_run_opts_set_flags(o, FX_RUN_CAPTURE_STDOUT | FX_RUN_MERGE_STDERR));
	ASSERT_OK(fx_pipeline_new(&pl));
	add_sh(pl, "echo one >&2", attr);
	add_sh(pl, "cat; echo two >&2; echo three", attr);
	ASSERT_SPAWNED(fx_pipeline_run(&res, pl, o, &err), &err);
	ASSERT_STR_EQ(res->out.data, "one\ntwo\nthree\n");
	fx_result_free(res);
	fx_pipeline_free(pl);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* Step by step: the pipeline's ends, its wait and statuses. */
TEST(io_pipeline_step)
{
	int before = fxt_fd_count();
	fx_attr *first = fxt_attr(), *last = fxt_attr();
	char *tr[] = { (char *)"tr", (char *)"a-z", (char *)"A-Z", NULL };
	char *sed[] = { (char *)"sed", (char *)"s/L/_/g", NULL };
	char buf[64];
	size_t len = 0;
	ssize_t n;
	fx_pipeline *pl;
	fx_error err;

	ASSERT_OK(fx_attr_set_stdio(first, FX_STDIN, FX_STDIO_PIPE));
	ASSERT_OK(fx_attr_set_stdio(last, FX_STDOUT, FX_STDIO_PIPE));
	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_EQ(fx_pipeline_pgid(pl), -1);
	ASSERT_ERR(fx_pipeline_wait(pl, 0), -EINVAL);
	ASSERT_OK(fx_pipeline_add(pl, "tr", tr, first));
	ASSERT_OK(fx_pipeline_add(pl, "sed", sed, last));
	ASSERT_SPAWNED(fx_pipeline_start(pl, &err), &err);
	ASSERT_EQ(fx_pipeline_failed_stage(pl), -1);
	ASSERT_GT(fx_pipeline_pgid(pl), 1);
	ASSERT_EQ(fx_pipeline_pgid(pl), fx_proc_pid(fx_pipeline_proc(pl, 0)));
	ASSERT_EQ(getpgid(fx_proc_pid(fx_pipeline_proc(pl, 1))), fx_pipeline_pgid(pl));
	ASSERT_EQ(fx_pipeline_stdio_fd(pl, FX_STDERR), -1);
	int in = fx_pipeline_stdio_fd(pl, FX_STDIN), out = fx_pipeline_stdio_fd(pl, FX_STDOUT);
	ASSERT(in >= 0 && out >= 0);
	ASSERT_EQ(fcntl(in, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ASSERT_EQ(fx_pipeline_pipefail(pl), -EAGAIN);
	ASSERT_ERR(fx_pipeline_status(pl, 0, NULL), -EAGAIN);
	ASSERT_ERR(fx_pipeline_wait(pl, 50), -ETIMEDOUT);
	fxt_write_all(in, "hello\n", 6);
	ASSERT_OK(fx_pipeline_close_stdio(pl, FX_STDIN));
	while ((n = read(out, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	ASSERT_STR_EQ(buf, "HE__O\n");
	ASSERT_OK(fx_pipeline_wait(pl, -1));
	ASSERT_EQ(fx_pipeline_pipefail(pl), 0);
	int st = -1;
	ASSERT_OK(fx_pipeline_status(pl, 1, &st));
	ASSERT_EQ(st, 0);
	ASSERT_ERR(fx_pipeline_status(pl, 2, &st), -EINVAL);
	fx_pipeline_free(pl);
	fx_attr_free(first);
	fx_attr_free(last);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A stage that cannot start: its error and index; the stages started
 * before it killed and reaped; nothing left. */
TEST(io_pipeline_start_failure)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr(), *bad;
	char *cat[] = { (char *)"cat", NULL };
	char *none[] = { (char *)"no-such-program-fx", NULL };
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT);
	fx_pipeline *pl;
	fx_result *res;
	fx_error err;

	char *sl[] = { (char *)"sleep", (char *)"100", NULL };

	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_ERR(fx_pipeline_start(pl, &err), -EINVAL);
	/* Not under a shell, whose own child the group kill would orphan. */
	ASSERT_OK(fx_pipeline_add(pl, "sleep", sl, attr));
	ASSERT_OK(fx_pipeline_add(pl, "cat", cat, attr));
	ASSERT_OK(fx_pipeline_add(pl, none[0], none, attr));
	ASSERT_ERR(fx_pipeline_start(pl, &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_LOOKUP);
	ASSERT_EQ(fx_pipeline_failed_stage(pl), 2);
	ASSERT_EQ(fx_pipeline_pgid(pl), -1);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
	/* fx_pipeline_run the same. */
	ASSERT_ERR(fx_pipeline_run(&res, pl, o, &err), -ENOENT);
	ASSERT(res == NULL);
	fx_pipeline_free(pl);

	/* A stage asking for its own group or session is refused. */
	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_OK(fx_attr_new(&bad));
	ASSERT_OK(fx_attr_set_flags(bad, FX_SETSID));
	ASSERT_ERR(fx_pipeline_add(pl, "cat", cat, bad), -EINVAL);
	fx_pipeline_free(pl);
	fx_attr_free(bad);

	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A timeout signals the whole pipeline's group. */
TEST(io_pipeline_timeout)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	fx_run_opts *o = opts_new(0);
	char *sl[] = { (char *)"sleep", (char *)"100", NULL };
	fx_pipeline *pl;
	fx_result *res;
	fx_error err;

	ASSERT_OK(fx_run_opts_set_timeout(o, 200));
	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_OK(fx_pipeline_add(pl, "sleep", sl, attr));
	ASSERT_OK(fx_pipeline_add(pl, "sleep", sl, attr));
	ASSERT_SPAWNED(fx_pipeline_run(&res, pl, o, &err), &err);
	ASSERT_EQ(res->end, FX_END_TIMEOUT);
	ASSERT_EQ(fx_status_signal(res->stage_status[0]), SIGTERM);
	ASSERT_EQ(fx_status_signal(res->stage_status[1]), SIGTERM);
	ASSERT_EQ(fx_status_signal(res->pipefail_status), SIGTERM);
	fx_result_free(res);
	fx_pipeline_free(pl);
	fx_run_opts_free(o);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                        */
/* ------------------------------------------------------------------ */

static void free_opts(void *o)
{
	fx_run_opts_free(o);
}

static void *run_forever(void *arg)
{
	fx_attr *attr = arg;
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	fx_result *res = NULL;
	char **argv = probe_argv("--sleep-ms=100000", NULL);
	static char input[4 << 20];

	/* A child that sleeps, and input it never reads: the run stays in
	 * its loop, with every pipe open and SIGPIPE blocked, until
	 * cancelled in poll. */
	ASSERT_OK(fx_run_opts_set_input(o, input, sizeof input));
	pthread_cleanup_push(free_opts, o);
	fx_run(&res, argv[0], argv, attr, o, NULL);
	pthread_cleanup_pop(1);
	return res;
}

/* A thread cancelled inside fx_run: its child killed and reaped, every
 * descriptor closed, the memory freed (LeakSanitizer sees to that in
 * check-sanitize). */
TEST(io_run_cancelled)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	pthread_t t;
	void *ret;

	ASSERT_EQ(pthread_create(&t, NULL, run_forever, attr), 0);
	/* Until its child exists: cat is our child, seen in /proc. */
	double t0 = fxt_now();
	pid_t kid;
	while (fxt_list_children(&kid, 1) == 0) {
		ASSERT_LT(fxt_now() - t0, 30);
		sched_yield();
	}
	ASSERT_EQ(pthread_cancel(t), 0);
	ASSERT_EQ(pthread_join(t, &ret), 0);
	ASSERT(ret == PTHREAD_CANCELED);
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* The pipes fx_run makes have the size asked for, as the child sees them. */
TEST(io_run_pipe_size)
{
	int before = fxt_fd_count();
	static const int sizes[] = { -1, 0, 1 << 20, 4096 };
	static const int want[] = { FX_RUN_DEFAULT_PIPE_SIZE, 65536, 1 << 20, 4096 };
	char *argv[] = { (char *)fxt_probe_path(), NULL };
	fx_attr *attr = fxt_attr();
	fx_result *res;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);

		ASSERT_OK(fx_run_opts_set_input(o, "", 0));
		if (sizes[i] >= 0)
			ASSERT_OK(fx_run_opts_set_pipe_size(o, sizes[i]));
		/* The probe's report on its stdout, which we capture; it
		 * describes its other fds, stdin and stderr, fx_run's pipes
		 * too. */
		run_ok(&res, argv, attr, o);
		ASSERT_EQ(res->status, 0);
		fxt_report *r = fxt_report_parse(res->out.data, res->out.len);
		for (int fd = 0; fd < 3; fd += 2) {
			char key[16];

			snprintf(key, sizeof key, "pipesz.%d", fd);
			if (fxt_get_ll(r, key) != want[i])
				FAIL("asked %d: fd %d has %lld", sizes[i], fd, fxt_get_ll(r, key));
		}
		fxt_report_free(r);
		fx_result_free(res);
		fx_run_opts_free(o);
	}
	fx_attr_free(attr);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}
