/* SPDX-License-Identifier: MIT */
/*
 * The runner's own promise (tests/runner.c): a test that hangs is killed
 * at its timeout with everything it started, each process named in the
 * report, and the run goes on.
 */
#include "fxt.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec-io.h"

/*
 * Run only by runner_kills_hung_test, which sets FXT_RUNNER_SELFTEST to
 * a file: hangs with a child in its process group and a grandchild that
 * left the group and the session (setsid), after writing the three pids
 * to that file, one a line, the grandchild's last.
 */
TEST_ONCE_TIMEOUT(runner_selftest_hang, 3)
{
	const char *file = getenv("FXT_RUNNER_SELFTEST");
	int ready[2];
	pid_t test = getpid(), child;
	char c;

	ASSERT(file);
	ASSERT_SYS(pipe(ready));
	child = fork();
	ASSERT_SYS(child);
	if (child == 0) {
		pid_t grandchild = fork();

		if (grandchild == 0) {
			FILE *f;

			setsid();
			f = fopen(file, "a");
			if (f) {
				fprintf(f, "%d\n%d\n%d\n", (int)test, (int)getppid(), (int)getpid());
				fclose(f);
			}
			if (write(ready[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		for (;;)
			pause();
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	for (;;)
		pause();
}

TEST_ONCE_TIMEOUT(runner_kills_hung_test, 60)
{
	char *file = fxt_join(fxt_scratch_dir(), "pids");
	char *argv[] = { "fxtest", "runner_selftest_hang", NULL };
	char exe[4096], line[64], want[64];
	fx_run_opts *o;
	fx_result *res = NULL;
	fx_error err;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int pids[3], npids = 0, before = fxt_fd_count();
	FILE *f;

	ASSERT_SYS(n);
	exe[n] = 0;
	ASSERT_SYS(setenv("FXT_RUNNER_SELFTEST", file, 1));
	ASSERT_OK(fx_run_opts_new(&o));
	ASSERT_OK(fx_run_opts_set_flags(o, FX_RUN_CAPTURE_STDOUT));
	fxt_assert_spawned_(__FILE__, __LINE__, fx_run(&res, exe, argv, NULL, o, &err), &err);
	ASSERT(res);
	printf("%s", res->out.data);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(fx_status_code(res->status), 1); /* one test failed: the hung one */
	ASSERT(strstr(res->out.data, "not ok 1 - runner_selftest_hang"));
	ASSERT(strstr(res->out.data, "timed out after 3 s"));

	f = fopen(file, "r");
	ASSERT(f);
	while (npids < 3 && fgets(line, sizeof line, f))
		pids[npids++] = atoi(line);
	fclose(f);
	ASSERT_EQ(npids, 3);
	for (int i = 0; i < 3; i++) {
		snprintf(want, sizeof want, "# killed pid %d (", pids[i]);
		ASSERT(strstr(res->out.data, want));
		/* Killed and reaped by the inner runner, its subreaper: gone. */
		ASSERT_EQ(kill(pids[i], 0), -1);
		ASSERT_EQ(errno, ESRCH);
	}
	ASSERT(strstr(res->out.data, ": a descendant outside the test's process group"));
	fx_result_free(res);
	fx_run_opts_free(o);
	free(file);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
}

/* A loop whose budget is spent at once still does its min rounds, and
 * no more: what proves anything is counted, not assumed to fit. */
TEST_ONCE(runner_loop_runs_its_min_past_the_budget)
{
	struct fxt_loop loop = fxt_loop_at_least(100, 0, 20);
	long n = 0;

	while (fxt_loop_next(&loop) >= 0)
		n++;
	ASSERT_EQ(n, 20);
	ASSERT(loop.out_of_time);
	fxt_loop_end(&loop, "rounds");

	loop = fxt_loop(100, 0);
	for (n = 0; fxt_loop_next(&loop) >= 0;)
		n++;
	ASSERT_EQ(n, 1);

	loop = fxt_loop_at_least(5, 0, 20); /* min above count: count */
	for (n = 0; fxt_loop_next(&loop) >= 0;)
		n++;
	ASSERT_EQ(n, 5);
	ASSERT(!loop.out_of_time);
}
