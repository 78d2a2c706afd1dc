/* SPDX-License-Identifier: MIT */
/*
 * fxrun: waiting (signal forwarding, the ptrace hand-off), stdio files
 * and timeouts (the harness: fxrun_harness.h).
 */

#include "fxrun_harness.h"

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
 * timeout(1) forwards its --signal as it forwards SIGTERM: a SIGUSR1
 * sent to fxrun --timeout -s USR1 reaches the program (which dies of it,
 * and fxrun of the same) instead of killing fxrun alone and leaving the
 * program behind.
 */
TEST(fxrun_timeout_forwards_its_signal)
{
	struct fxr r;
	char *text;
	pid_t child;
	int alive;

	fxr_start(&r, &(struct fxr_setup){ 0 },
	          (const char *const[]){ "--timeout", "1000", "-s", "USR1",
	                                 fxt_probe_path(), "--sleep-ms=30000", NULL });
	text = wait_for_text(r.out_path, "\npdeathsig=");
	child = strstr(text, "\npid=") ? (pid_t)atol(strstr(text, "\npid=") + 5) : 0;
	free(text);
	ASSERT(child > 0);
	ASSERT_SYS(kill(r.pid, SIGUSR1));
	fxr_finish(&r);
	/* fxrun reaped the program before it died of the same signal. */
	alive = kill(child, 0) == 0;
	if (alive)
		kill(child, SIGKILL);
	ASSERT(!alive);
	ASSERT_EQ(r.sig, SIGUSR1);
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
		char *text = fxt_read_file(path);
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
	text = fxt_read_file(out);
	ASSERT_STR_EQ(text, "o\n");
	free(text);
	text = fxt_read_file(err);
	ASSERT_STR_EQ(text, "e\n");
	free(text);
	fxr_free(&r);

	/* --append adds; --stderr-to-stdout follows stdout into the file. */
	FXRUN(&r, "--stdout", out, "--append", "--stderr-to-stdout", "/bin/sh", "-c",
	      "echo o2; echo e2 >&2");
	ASSERT_EQ(r.code, 0);
	text = fxt_read_file(out);
	ASSERT_STR_EQ(text, "o\no2\ne2\n");
	free(text);
	fxr_free(&r);
	/* Without --append the file starts over. */
	FXRUN(&r, "--stdout", out, "/bin/sh", "-c", "echo new");
	text = fxt_read_file(out);
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
