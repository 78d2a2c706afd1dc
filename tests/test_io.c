/* SPDX-License-Identifier: MIT */
/*
 * The io layer: stdio wiring and fx_run (capture, input, limits,
 * timeout, grace, process groups, wait delay, EPIPE, signal storms)
 * (the helpers: io_harness.h).
 */

#include "io_harness.h"

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
	text = fxt_read_file(out);
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
	ASSERT(res->pid > 0);
	ASSERT(res->spawn_ns > 0 && res->run_ns > 0 && res->total_ns >= res->run_ns);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT(!res->killed);
	fx_result_free(res);

	/* An exit code, a signal, nothing captured, no options at all. */
	run_ok(&res, sh_argv("exit 3"), attr, NULL);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(fx_status_code(res->status), 3);
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
 * Under an emulator (valgrind, qemu-user: observed, see fxt_emulator)
 * every system call and every signal costs a hundred times more: the big
 * transfers shrink there, testing the same thing without running out of
 * time.
 */
static size_t native_or_emulated(size_t native, size_t emulated)
{
	return fxt_emulator() ? emulated : native;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* With `storm`, SIGALRM every 100 microseconds during the run, from a
 * handler installed without SA_RESTART: every poll may fail with EINTR.
 * The storm is counted, not assumed: a run that ends before STORM_SIGNALS
 * have arrived during runs (a fast machine, a small transfer) is followed
 * by another, each checked in full, until they have. */
#define STORM_SIGNALS 100

static void pump_once(size_t size, const unsigned char *input, const unsigned char *expect,
                      long *during)
{
	char arg[64];
	fx_run_opts *o = opts_new(FX_RUN_CAPTURE_STDOUT | FX_RUN_CAPTURE_STDERR);
	fx_attr *attr = fxt_attr();
	fx_result *res;
	long before;

	snprintf(arg, sizeof arg, "--pump=%zu", size);
	ASSERT_OK(fx_run_opts_set_input(o, input, size));
	before = alarms;
	run_ok(&res, fxt_probe_argv(arg, NULL), attr, o);
	*during += alarms - before;
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
}

static void pump_check(size_t size, int storm)
{
	/* Every 100 us natively; an emulator spends longer than that
	 * delivering one, and would do nothing else. */
	long us = (long)native_or_emulated(100, 5000);
	struct itimerval every = { { 0, us }, { 0, us } }, off = { { 0, 0 }, { 0, 0 } };
	long during = 0, runs = 0;
	int before = fxt_fd_count();
	unsigned char *input = malloc(size), *expect = malloc(size);
	struct fxt_pattern pat;

	ASSERT(input && expect);
	fxt_pattern_init(&pat, 77);
	fxt_pattern_fill(&pat, input, size);
	fxt_pattern_init(&pat, 2);
	fxt_pattern_fill(&pat, expect, size);
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
	do {
		pump_once(size, input, expect, &during);
		runs++;
	} while (storm && during < STORM_SIGNALS);
	if (storm) {
		ASSERT_SYS(setitimer(ITIMER_REAL, &off, NULL));
		printf("%ld SIGALRMs during %ld run(s)\n", during, runs);
		ASSERT_GE(during, STORM_SIGNALS);
	}
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
	run_ok(&res, fxt_probe_argv("--sleep-ms=100000", NULL), attr, o);
	signal(SIGTERM, SIG_DFL);
	ASSERT_EQ(res->end, FX_END_TIMEOUT);
	ASSERT_EQ(res->killed, 1);
	ASSERT_EQ(fx_status_signal(res->status), SIGKILL);
	ASSERT_GE(res->run_ns, 500 * 1000000LL);
	ASSERT_LT(res->run_ns, 30 * 1000000000LL);
	fx_result_free(res);

	/* One that obeys SIGTERM needs no SIGKILL. */
	run_ok(&res, fxt_probe_argv("--sleep-ms=100000", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_TIMEOUT);
	ASSERT_EQ(res->killed, 0);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	ASSERT_GE(res->run_ns, 200 * 1000000LL);
	fx_result_free(res);

	/* Grace 0: SIGKILL at once, with the signal. */
	signal(SIGTERM, SIG_IGN);
	ASSERT_OK(fx_run_opts_set_kill(o, SIGTERM, 0));
	run_ok(&res, fxt_probe_argv("--sleep-ms=100000", NULL), attr, o);
	signal(SIGTERM, SIG_DFL);
	ASSERT_EQ(res->killed, 1);
	ASSERT_EQ(fx_status_signal(res->status), SIGKILL);
	fx_result_free(res);

	/* Done before the deadline: no timeout. */
	ASSERT_OK(fx_run_opts_set_timeout(o, 60000));
	run_ok(&res, fxt_probe_argv("--exit=4", NULL), attr, o);
	ASSERT_EQ(res->end, FX_END_EXITED);
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
	fxt_loop_end(&loop, "runs");
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
	fx_result_free(res);

	/* Kill: the result says so. */
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 1001, FX_LIMIT_KILL));
	run_ok(&res, yes, attr, o);
	assert_yes(&res->out, 1001);
	ASSERT_EQ(res->out.truncated, 1);
	ASSERT_EQ(res->end, FX_END_LIMIT);
	ASSERT_EQ(fx_status_signal(res->status), SIGTERM);
	fx_result_free(res);

	/* Discard: the child runs to its end. */
	ASSERT_OK(fx_run_opts_set_limit(o, FX_STDOUT, 10, FX_LIMIT_DISCARD));
	run_ok(&res, fxt_probe_argv("--spew=5000000", NULL), attr, o);
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
