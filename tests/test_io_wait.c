/* SPDX-License-Identifier: MIT */
/*
 * The io layer: the step by step calls and waiting on many
 * (the helpers: io_harness.h).
 */

#include "io_harness.h"

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
		char **argv = fxt_probe_argv("--wait-stdin", codes[i]);
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

/* A child reaped by someone else, where the kernel keeps no status for
 * its pidfd (FORKEXEC_EXIT_INFO=off; test_reaped.c has the status it
 * keeps), comes back -ECHILD, and leaves the set. */
TEST(io_waitset_lost_child)
{
	int before = fxt_fd_count();
	fx_attr *attr = fxt_attr();
	fx_proc *proc, *done = NULL;
	fx_waitset *ws;
	fx_error err;
	siginfo_t si;
	int st;

	ASSERT_SYS(setenv("FORKEXEC_EXIT_INFO", "off", 1));
	ASSERT_OK(fx_waitset_new(&ws));
	char **argv = fxt_probe_argv("--exit=3", NULL);
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
