/* SPDX-License-Identifier: MIT */
/*
 * The io layer: pipelines and cancellation (the helpers: io_harness.h).
 */

#include "io_harness.h"

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
	ASSERT_EQ(res->status, 0);
	ASSERT_EQ(res->end, FX_END_EXITED);
	ASSERT_EQ(res->pid, fx_pipeline_pgid(pl));
	/* The pipeline keeps the stages' statuses. */
	int st;
	ASSERT_OK(fx_pipeline_status(pl, 0, &st));
	ASSERT_EQ(fx_status_signal(st), SIGPIPE);
	ASSERT_OK(fx_pipeline_status(pl, 1, &st));
	ASSERT_EQ(fx_status_code(st), 3);
	ASSERT_OK(fx_pipeline_status(pl, 2, &st));
	ASSERT_EQ(st, 0);
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
	ASSERT_EQ(fx_pipeline_pipefail(pl), 0);
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

/*
 * Every stage's program is looked up before any stage starts: with the
 * last one missing, the first never runs.  Its stderr file, which the
 * parent would create as it starts that stage, shows it: no file.
 */
TEST(io_pipeline_missing_program_starts_nothing)
{
	int before = fxt_fd_count();
	fx_attr *first = fxt_attr(), *attr = fxt_attr();
	char *echo[] = { (char *)"echo", (char *)"x", NULL };
	char *none[] = { (char *)"no-such-program-fx", NULL };
	char *dir = fxt_tmpdir(), *path = fxt_join(dir, "first.err");
	fx_pipeline *pl;
	fx_error err;
	struct stat st;

	ASSERT_OK(fx_attr_set_stdio_path(first, FX_STDERR, path, O_WRONLY | O_CREAT | O_TRUNC,
	                                 0600));
	ASSERT_OK(fx_pipeline_new(&pl));
	ASSERT_OK(fx_pipeline_add(pl, "echo", echo, first));
	ASSERT_OK(fx_pipeline_add(pl, "cat", (char *[]){ (char *)"cat", NULL }, attr));
	ASSERT_OK(fx_pipeline_add(pl, none[0], none, attr));
	ASSERT_ERR(fx_pipeline_start(pl, &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_LOOKUP);
	ASSERT_STR_EQ(err.subject, "no-such-program-fx");
	ASSERT_EQ(fx_pipeline_failed_stage(pl), 2);
	ASSERT(stat(path, &st) < 0 && errno == ENOENT);
	fxt_assert_fd_count(before);
	fxt_assert_no_children();
	fx_pipeline_free(pl);
	fx_attr_free(first);
	fx_attr_free(attr);
	free(path);
	free(dir);
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
	for (size_t i = 0; i < 2; i++) {
		int st = 0;
		ASSERT_OK(fx_pipeline_status(pl, i, &st));
		ASSERT_EQ(fx_status_signal(st), SIGTERM);
	}
	ASSERT_EQ(fx_status_signal(fx_pipeline_pipefail(pl)), SIGTERM);
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
	char **argv = fxt_probe_argv("--sleep-ms=100000", NULL);
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
