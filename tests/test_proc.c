/* SPDX-License-Identifier: MIT */
/*
 * The process handle: waiting (blocking, polling, with a timeout),
 * killing, the pidfd, status decoding, and what happens when the child
 * was reaped by someone else.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#if !defined(__APPLE__)
#include <sys/syscall.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fxt.h"

static const char *const wait_stdin[] = { "--wait-stdin", NULL };

/*
 * A probe that runs until its stdin is closed: *in_w is the write end we
 * close to let it finish.
 */
static fx_proc *start_waiting_probe(int *in_w)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;
	int in[2];

	fxt_pipe(in);
	ASSERT_OK(fx_attr_set_fd(attr, 0, in[0]));
	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, wait_stdin, &proc, NULL,
	                               &err), &err);
	close(in[0]);
	fx_attr_free(attr);
	*in_w = in[1];
	return proc;
}

static fx_proc *start_probe(const char *const *args)
{
	fx_attr *attr = fxt_attr();
	fx_proc *proc;
	fx_error err;

	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, args, &proc, NULL, &err),
	               &err);
	fx_attr_free(attr);
	return proc;
}

static long long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000LL +
	       (now.tv_nsec - since->tv_nsec) / 1000000;
}

TEST_CORE(proc_wait_blocking)
{
	static const char *const args[] = { "--exit=7", NULL };
	fx_proc *proc = start_probe(args);
	int st = -1;

	ASSERT_OK(fx_proc_wait(proc, &st, -1));
	ASSERT_EQ(fx_status_exited(st), 1);
	ASSERT_EQ(fx_status_code(st), 7);
	ASSERT_EQ(fx_status_signal(st), 0);
	fx_proc_free(proc);
	fxt_assert_no_children();
}

TEST_CORE(proc_wait_poll)
{
	int in, st = -1;
	fx_proc *proc = start_waiting_probe(&in);

	ASSERT_ERR(fx_proc_wait(proc, &st, 0), -ETIMEDOUT);
	ASSERT_ERR(fx_proc_wait(proc, &st, 0), -ETIMEDOUT);
	close(in);
	ASSERT_OK(fx_proc_wait(proc, &st, -1));
	ASSERT_EQ(st, 0);
	fx_proc_free(proc);
	fxt_assert_no_children();
}

TEST_CORE(proc_wait_timeout)
{
	struct timespec start;
	int in, st = -1;
	fx_proc *proc = start_waiting_probe(&in);
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ASSERT_ERR(fx_proc_wait(proc, &st, 100), -ETIMEDOUT);
	ms = elapsed_ms(&start);
	ASSERT_GE(ms, 99);
	ASSERT_LT(ms, 5000);
	/* A timeout consumes nothing: the real status is still to come. */
	close(in);
	ASSERT_OK(fx_proc_wait(proc, &st, 10000));
	ASSERT_EQ(fx_status_exited(st), 1);
	ASSERT_EQ(fx_status_code(st), 0);
	fx_proc_free(proc);
	fxt_assert_no_children();
}

/* A child that finishes within the timeout is returned at once. */
TEST_CORE(proc_wait_timeout_finishes)
{
	static const char *const args[] = { "--exit=3", NULL };
	struct timespec start;
	fx_proc *proc = start_probe(args);
	int st = -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ASSERT_OK(fx_proc_wait(proc, &st, 30000));
	ASSERT_LT(elapsed_ms(&start), 20000);
	ASSERT_EQ(fx_status_code(st), 3);
	fx_proc_free(proc);
}

TEST_CORE(proc_wait_repeat)
{
	static const char *const args[] = { "--exit=42", NULL };
	fx_proc *proc = start_probe(args);
	int first = -1, again = -1;

	ASSERT_OK(fx_proc_wait(proc, &first, -1));
	ASSERT_EQ(fx_status_code(first), 42);
	ASSERT_OK(fx_proc_wait(proc, &again, -1));
	ASSERT_EQ(again, first);
	again = -1;
	ASSERT_OK(fx_proc_wait(proc, &again, 0));
	ASSERT_EQ(again, first);
	again = -1;
	ASSERT_OK(fx_proc_wait(proc, &again, 100));
	ASSERT_EQ(again, first);
	fx_proc_free(proc);
	fxt_assert_no_children();
}

TEST_CORE(proc_kill_term)
{
	int in, st = -1;
	fx_proc *proc = start_waiting_probe(&in);

	ASSERT_OK(fx_proc_kill(proc, SIGTERM));
	ASSERT_OK(fx_proc_wait(proc, &st, -1));
	ASSERT_EQ(fx_status_exited(st), 0);
	ASSERT_EQ(fx_status_code(st), -1);
	ASSERT_EQ(fx_status_signal(st), SIGTERM);
	ASSERT_EQ(fx_status_core(st), 0);
	close(in);
	fx_proc_free(proc);
}

/* Signal 0 checks the child exists; a bad number is refused. */
TEST_CORE(proc_kill_signal_numbers)
{
	int in, st = -1;
	fx_proc *proc = start_waiting_probe(&in);

	ASSERT_OK(fx_proc_kill(proc, 0));
	ASSERT_ERR(fx_proc_kill(proc, -1), -EINVAL);
	ASSERT_ERR(fx_proc_kill(proc, 65), -EINVAL);
	ASSERT_ERR(fx_proc_kill(proc, 100000), -EINVAL);
	/* Still alive after the refusals. */
	ASSERT_ERR(fx_proc_wait(proc, &st, 0), -ETIMEDOUT);
	close(in);
	ASSERT_OK(fx_proc_wait(proc, &st, -1));
	ASSERT_EQ(st, 0);
	fx_proc_free(proc);
}

TEST_CORE(proc_kill_after_reap)
{
	fx_proc *proc = start_probe(NULL);
	int st;

	ASSERT_OK(fx_proc_wait(proc, &st, -1));
	ASSERT_ERR(fx_proc_kill(proc, SIGTERM), -ESRCH);
	ASSERT_ERR(fx_proc_kill(proc, 0), -ESRCH);
	fx_proc_free(proc);
}

/*
 * The n-th exit code to try: the edges first (0, 1, 127, 128, 254, 255),
 * then the others in order, so that a run the time budget cuts short
 * still has them.
 */
static int nth_exit_code(long n)
{
	static const int edges[] = { 0, 1, 127, 128, 254, 255 };
	const long nedges = (long)(sizeof edges / sizeof edges[0]);
	int code = 1;

	if (n < nedges)
		return edges[n];
	/* The (n - nedges)-th code of 2..253 but 127 and 128. */
	for (n -= nedges; n >= 0; n--)
		do
			code++;
		while (code == 127 || code == 128);
	return code;
}

/*
 * Every exit code makes it through, and decodes as an exit: all 256, or
 * as many as 10 s allow (the edges first).
 */
TEST(proc_exit_codes)
{
	struct fxt_loop loop = fxt_loop_at_least(256, 10, 16);

	for (long i; (i = fxt_loop_next(&loop)) >= 0;) {
		int code = nth_exit_code(i);
		char arg[32];
		const char *args[] = { arg, NULL };
		fx_proc *proc;
		int st = -1;

		snprintf(arg, sizeof arg, "--exit=%d", code);
		proc = start_probe(args);
		ASSERT_OK(fx_proc_wait(proc, &st, -1));
		if (fx_status_exited(st) != 1 || fx_status_code(st) != code ||
		    fx_status_signal(st) != 0 || fx_status_core(st) != 0)
			FAIL("exit %d: status 0x%x decoded as exited=%d code=%d "
			     "signal=%d core=%d", code, st, fx_status_exited(st),
			     fx_status_code(st), fx_status_signal(st),
			     fx_status_core(st));
		fx_proc_free(proc);
	}
	fxt_loop_end(&loop, "exit codes");
	fxt_assert_no_children();
}

TEST_CORE(proc_killed_by_signal)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGKILL, SIGUSR1,
	                            SIGALRM, SIGTERM, 0 };
	struct rlimit none = { 0, 0 };

	/* Some of these would dump core otherwise; we only decode. */
	ASSERT_SYS(setrlimit(RLIMIT_CORE, &none));
	for (int i = 0; sigs[i]; i++) {
		char arg[32];
		const char *args[] = { arg, NULL };
		fx_proc *proc;
		int st = -1;

		snprintf(arg, sizeof arg, "--kill=%d", sigs[i]);
		proc = start_probe(args);
		ASSERT_OK(fx_proc_wait(proc, &st, -1));
		ASSERT_EQ(fx_status_exited(st), 0);
		ASSERT_EQ(fx_status_code(st), -1);
		ASSERT_EQ(fx_status_signal(st), sigs[i]);
		fx_proc_free(proc);
	}
}

/*
 * RLIMIT_CORE 0 suppresses a core file (1 as well for a piped
 * core_pattern, where the kernel ignores 0): the status must say
 * "no core" and fx_status_core must agree with WCOREDUMP.
 */
TEST_CORE(proc_core_not_dumped)
{
	static const char *const args[] = { "--kill=11", NULL };
	struct rlimit none = { 0, 0 };
	char pattern[16] = "";
	int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY | O_CLOEXEC);
	fx_proc *proc;
	int st = -1;

	if (fd >= 0) {
		if (read(fd, pattern, sizeof pattern - 1) < 0)
			pattern[0] = 0;
		close(fd);
	}
	if (pattern[0] == '|')
		none.rlim_cur = none.rlim_max = 1;
	ASSERT_SYS(setrlimit(RLIMIT_CORE, &none));
	proc = start_probe(args);
	ASSERT_OK(fx_proc_wait(proc, &st, -1));
	ASSERT_EQ(fx_status_signal(st), SIGSEGV);
	ASSERT_EQ(fx_status_core(st), 0);
	ASSERT_EQ(fx_status_core(st), WCOREDUMP(st) ? 1 : 0);
	fx_proc_free(proc);
}

/* Decoding alone, on hand-made statuses in waitpid's encoding. */
TEST_ONCE_CORE(proc_status_decode)
{
	int exited7 = 7 << 8, killed9 = SIGKILL, core11 = SIGSEGV | 0x80;
	int stopped = (SIGSTOP << 8) | 0x7f, continued = 0xffff;

	ASSERT_EQ(fx_status_exited(exited7), 1);
	ASSERT_EQ(fx_status_code(exited7), 7);
	ASSERT_EQ(fx_status_signal(exited7), 0);
	ASSERT_EQ(fx_status_core(exited7), 0);

	ASSERT_EQ(fx_status_exited(killed9), 0);
	ASSERT_EQ(fx_status_code(killed9), -1);
	ASSERT_EQ(fx_status_signal(killed9), SIGKILL);
	ASSERT_EQ(fx_status_core(killed9), 0);

	ASSERT_EQ(fx_status_exited(core11), 0);
	ASSERT_EQ(fx_status_signal(core11), SIGSEGV);
	ASSERT_EQ(fx_status_core(core11), 1);

	/* Not terminations: neither an exit nor a terminating signal. */
	ASSERT_EQ(fx_status_exited(stopped), 0);
	ASSERT_EQ(fx_status_code(stopped), -1);
	ASSERT_EQ(fx_status_signal(stopped), 0);
	ASSERT_EQ(fx_status_exited(continued), 0);
	ASSERT_EQ(fx_status_signal(continued), 0);

	ASSERT_EQ(fx_status_code(0), 0);
	ASSERT_EQ(fx_status_code(255 << 8), 255);
}

TEST_CORE(proc_pid)
{
	fx_attr *attr = fxt_attr();
	fxt_report *r;
	fx_proc *proc;
	fx_error err;

	ASSERT_SPAWNED(fxt_probe_start(NULL, attr, NULL, &proc, &r, &err),
	               &err);
	ASSERT(fx_proc_pid(proc) > 0);
	ASSERT_EQ(fx_proc_pid(proc), fxt_get_ll(r, "pid"));
	ASSERT_EQ(fxt_get_ll(r, "ppid"), getpid());
	fxt_wait_ok(proc);
	/* The pid stays readable after the wait. */
	ASSERT_EQ(fx_proc_pid(proc), fxt_get_ll(r, "pid"));
	fx_proc_free(proc);
	fxt_report_free(r);
	fx_attr_free(attr);
}

/* A pidfd on this kernel (5.3+), close-on-exec, readable at exit, closed by free. */
TEST_CORE(proc_pidfd)
{
	int baseline = fxt_fd_count(), in, pidfd, st;
	fx_proc *proc = start_waiting_probe(&in);
	struct pollfd pfd;
	char path[64], target[64];
	ssize_t n;

	pidfd = fx_proc_pidfd(proc);
	/* Where the kernel (or valgrind) has no pidfds, the API says -1. */
#if defined(__APPLE__)
	if (pidfd < 0) {
#else
	if (pidfd < 0 && syscall(SYS_pidfd_open, getpid(), 0) < 0 && errno == ENOSYS) {
#endif
		ASSERT_EQ(pidfd, -1);
		ASSERT_OK(fx_proc_kill(proc, SIGKILL));
		ASSERT_OK(fx_proc_wait(proc, &st, -1));
		close(in);
		fx_proc_free(proc);
		SKIP("no pidfd_open here: the handle works by pid, as documented");
	}
	ASSERT_GE(pidfd, 0);
	ASSERT_EQ(fcntl(pidfd, F_GETFD), FD_CLOEXEC);
	snprintf(path, sizeof path, "/proc/self/fd/%d", pidfd);
	n = readlink(path, target, sizeof target - 1);
	ASSERT_SYS(n);
	target[n] = 0;
	ASSERT_STR_EQ(target, "anon_inode:[pidfd]");

	pfd.fd = pidfd;
	pfd.events = POLLIN;
	ASSERT_EQ(poll(&pfd, 1, 0), 0);
	close(in);
	ASSERT_EQ(poll(&pfd, 1, 10000), 1);
	ASSERT(pfd.revents & POLLIN);

	st = fxt_wait_ok(proc);
	ASSERT_EQ(st, 0);
	ASSERT_EQ(fx_proc_pidfd(proc), pidfd);
	fx_proc_free(proc);
	fxt_assert_fd_count(baseline);
}

/*
 * Reaped behind the handle's back with waitpid, where the kernel keeps
 * no status for the pidfd (forced with FORKEXEC_EXIT_INFO=off; the
 * status the pidfd keeps is test_reaped.c's): -ECHILD, not a hang.
 */
TEST_CORE(proc_wait_reaped_elsewhere)
{
	int in, st = -1;
	fx_proc *proc = start_waiting_probe(&in);
	pid_t pid = fx_proc_pid(proc);

	ASSERT_SYS(setenv("FORKEXEC_EXIT_INFO", "off", 1));
	close(in);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_EQ(st, 0);
	ASSERT_ERR(fx_proc_wait(proc, &st, -1), -ECHILD);
	ASSERT_ERR(fx_proc_wait(proc, &st, 0), -ECHILD);
	fx_proc_free(proc);
	fxt_assert_no_children();
}

/*
 * The kernel wakes waiters of an auto-reaped child a moment before it
 * unhashes the process, so /proc may still list it right after -ECHILD.
 * Wait for that condition itself (the pidfd stops reaching a process),
 * bounded, before counting children.
 */
static void await_unhashed(int pidfd)
{
	struct timespec start, now;

	if (pidfd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
#if defined(__APPLE__)
	(void)now;
	(void)start;
#else
	while (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			FAIL("the auto-reaped child is still reachable after 10 s");
		sched_yield();
	}
#endif
}

/* With SIGCHLD ignored the kernel reaps children itself (and keeps no
 * status for the pidfd: FORKEXEC_EXIT_INFO=off, as above). */
TEST_CORE(proc_wait_sigchld_ignored)
{
	int in, st = -1;
	fx_proc *proc;

	ASSERT_SYS(setenv("FORKEXEC_EXIT_INFO", "off", 1));
	signal(SIGCHLD, SIG_IGN);
	proc = start_waiting_probe(&in);
	close(in);
	ASSERT_ERR(fx_proc_wait(proc, &st, 10000), -ECHILD);
	await_unhashed(fx_proc_pidfd(proc));
	fx_proc_free(proc);
	fxt_assert_no_children();
}

/* Freeing an unwaited handle leaves the child running, ours to reap. */
TEST_CORE(proc_free_unwaited)
{
	int in, st = -1;
	fx_proc *proc = start_waiting_probe(&in);
	pid_t pid = fx_proc_pid(proc);

	fx_proc_free(proc);
	ASSERT_SYS(kill(pid, 0));
	ASSERT_EQ(waitpid(pid, &st, WNOHANG), 0);
	close(in);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_EQ(st, 0);
	fxt_assert_no_children();
}

TEST_ONCE_CORE(proc_free_null)
{
	fx_proc_free(NULL);
}
