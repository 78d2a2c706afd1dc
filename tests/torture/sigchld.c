/* SPDX-License-Identifier: MIT */
/*
 * SIGCHLD owned by other code.  The library must neither hang nor report
 * a wrong status when someone else reaps its children:
 *
 *   - SIGCHLD set to SIG_IGN: the kernel reaps every child itself, so
 *     fx_proc_wait must say -ECHILD ("taken away"), blocking, polling or with
 *     a timeout, and -ETIMEDOUT while the child still runs;
 *   - a foreign SIGCHLD handler (no SA_RESTART) that calls
 *     waitpid(-1, WNOHANG) in a loop, and then a foreign thread that
 *     calls a blocking waitpid(-1) after every spawn: fx_proc_wait returns
 *     either the child's true status or -ECHILD, and then the foreign
 *     reaper must have got that true status (it was taken, not lost).
 *
 * The children exit with distinctive codes (the probe's --exit) so that a
 * status belonging to another child cannot pass.  In both settings,
 * failing spawns must still report their step and errno exactly, and
 * nothing is left at the end.  Each setting runs 300 rounds or a few
 * seconds of them (scaled), whichever ends first.
 */
#include "torture.h"

#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The probe, exiting with `code`, reporting into /dev/null at fd 100. */
static fx_proc *spawn_probe_exit(fx_attr *attr, int code, const char *extra)
{
	char exit_arg[32], *argv[5];
	fx_proc *proc = NULL;
	fx_error err;
	int rc, i = 0;

	snprintf(exit_arg, sizeof exit_arg, "--exit=%d", code);
	argv[i++] = (char *)fxt_probe_path();
	argv[i++] = "--report-fd=100";
	argv[i++] = exit_arg;
	if (extra)
		argv[i++] = (char *)extra;
	argv[i] = NULL;
	rc = fx_spawn(&proc, argv[0], argv, attr, &err);
	ASSERT_SPAWNED(rc, &err);
	return proc;
}

static fx_attr *probe_attr(int devnull)
{
	fx_attr *attr = fxt_attr();

	ASSERT_OK(fx_attr_set_fd(attr, 100, devnull));
	return attr;
}

/* Spawns that must fail, with their exact step and errno. */
static void check_failures(const char *noexec)
{
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	char *noexec_argv[2] = { (char *)noexec, NULL };
	fx_attr *attr = fxt_attr();
	fx_proc *proc = NULL;
	fx_error err;

	ASSERT_OK(fx_attr_set_cwd(attr, "/nonexistent/sigchld"));
	ASSERT_ERR(fx_spawn(&proc, argv[0], argv, attr, &err), -ENOENT);
	ASSERT_EQ(err.step, FX_STEP_CHDIR);
	ASSERT_OK(fx_attr_set_cwd(attr, NULL));
	ASSERT_ERR(fx_spawn(&proc, noexec, noexec_argv, attr, &err), -EACCES);
	ASSERT_EQ(err.step, FX_STEP_EXEC);
	ASSERT(proc == NULL);
	fx_attr_free(attr);
}

static char *make_noexec(void)
{
	char *path = fxt_join(fxt_tmpdir(), "noexec");

	fxt_write_file(path, "#!/bin/sh\nexit 0\n", 0644);
	return path;
}

/*
 * Spawns while SIGCHLD is ignored, until the loop ends; returns how many
 * waits said -ECHILD.
 */
static long ignored_round(struct fxt_loop *loop, int devnull, const char *noexec)
{
	fx_attr *attr = probe_attr(devnull);
	long echild = 0, i;

	while ((i = fxt_loop_next(loop)) >= 0) {
		int code = (int)(i % 200) + 1, status = -1, rc;
		fx_proc *proc;

		switch (i % 4) {
		case 0: /* blocking */
			proc = spawn_probe_exit(attr, code, NULL);
			rc = fx_proc_wait(proc, &status, -1);
			break;
		case 1: /* with a timeout: the pidfd's poll path */
			proc = spawn_probe_exit(attr, code, NULL);
			rc = fx_proc_wait(proc, &status, 30000);
			break;
		case 2: { /* still running, then gone */
			int in[2];
			fx_attr *held = probe_attr(devnull);

			fxt_pipe(in);
			ASSERT_OK(fx_attr_set_fd(held, 0, in[0]));
			proc = spawn_probe_exit(held, code, "--wait-stdin");
			close(in[0]);
			ASSERT_ERR(fx_proc_wait(proc, &status, 0), -ETIMEDOUT);
			ASSERT_ERR(fx_proc_wait(proc, &status, 1), -ETIMEDOUT);
			close(in[1]);
			rc = fx_proc_wait(proc, &status, -1);
			fx_attr_free(held);
			break;
		}
		default:
			check_failures(noexec);
			continue;
		}
		if (rc != -ECHILD)
			FAIL("spawn %ld: fx_proc_wait returned %d (%s) with status 0x%x; SIGCHLD "
			     "is ignored, so the status is gone: expected -ECHILD", i, rc,
			     rc < 0 ? strerror(-rc) : "success", status);
		/* Gone for good: asking again says the same, kill finds nothing. */
		ASSERT_ERR(fx_proc_wait(proc, &status, 0), -ECHILD);
		ASSERT_ERR(fx_proc_kill(proc, SIGTERM), -ESRCH);
		fx_proc_free(proc);
		echild++;
	}
	fx_attr_free(attr);
	return echild;
}

/* 300 rounds or 8 s at scale 1, after a warm-up of 40 (5 s at most). */
TORTURE(torture_sigchld_ignored, 40)
{
	struct fxt_loop loop = fxt_loop(40, 5);
	long echild;
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char *noexec = make_noexec();
	struct ftt_usage base, end;

	ASSERT_SYS(devnull);
	ASSERT(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
	ignored_round(&loop, devnull, noexec); /* warm-up */
	base = ftt_baseline("baseline");
	loop = ftt_loop(300, 8);
	echild = ignored_round(&loop, devnull, noexec);
	end = ftt_usage();
	ftt_usage_print("end", &end);
	/* Every kind of round (blocking, timed, running, failing) at least once. */
	fxt_loop_end(&loop, 4, "rounds with SIGCHLD ignored");
	ftt_note("%s: %ld waits answered -ECHILD, %ld rounds of failing spawns "
	         "reported exactly\n", fxt_backend_name(), echild, loop.done - echild);
	ftt_assert_back(&base, &end, 0, 256);
}

/* ------------------------------------------------------------------ */
/* A foreign reaper                                                    */
/* ------------------------------------------------------------------ */

#define TAKEN_MAX 8192
struct taken {
	pid_t pid;
	int status;
};
static struct taken taken[TAKEN_MAX];
static atomic_int ntaken;

static void record_taken(pid_t pid, int status)
{
	int i = atomic_fetch_add(&ntaken, 1);

	if (i < TAKEN_MAX) {
		taken[i].status = status;
		atomic_store((atomic_int *)&taken[i].pid, pid);
	}
}

/* The status the foreign reaper took from pid, newest first; -1 if none. */
static int taken_status(pid_t pid)
{
	int n = atomic_load(&ntaken);

	for (int i = (n < TAKEN_MAX ? n : TAKEN_MAX) - 1; i >= 0; i--)
		if (atomic_load((atomic_int *)&taken[i].pid) == pid)
			return taken[i].status;
	return -1;
}

static void foreign_handler(int sig)
{
	int saved = errno, status;
	pid_t pid;

	(void)sig;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		record_taken(pid, status);
	errno = saved;
}

static sem_t reap_one;
static atomic_int reaper_stop;

static void *foreign_reaper(void *arg)
{
	(void)arg;
	for (;;) {
		int status;
		pid_t pid;

		while (sem_wait(&reap_one) != 0)
			;
		if (atomic_load(&reaper_stop))
			return NULL;
		do
			pid = waitpid(-1, &status, 0);
		while (pid < 0 && errno == EINTR);
		if (pid > 0)
			record_taken(pid, status);
	}
}

struct race_tally {
	long ours, theirs, failures;
};

/*
 * Spawns of the probe with distinct exit codes while someone else reaps,
 * until the loop ends; after_spawn (if set) is called with each running
 * child.
 */
static void race_round(struct fxt_loop *loop, int devnull, const char *noexec,
                       void (*after_spawn)(void), struct race_tally *tally)
{
	fx_attr *attr = probe_attr(devnull);
	long i;

	while ((i = fxt_loop_next(loop)) >= 0) {
		int code = (int)(i % 250) + 1, status = -1, rc;
		fx_proc *proc;
		pid_t pid;

		if (i % 10 == 9) {
			check_failures(noexec);
			tally->failures++;
			continue;
		}
		proc = spawn_probe_exit(attr, code, NULL);
		pid = fx_proc_pid(proc);
		if (after_spawn)
			after_spawn();
		rc = fx_proc_wait(proc, &status, i % 2 ? 30000 : -1);
		if (rc == 0) {
			if (!fx_status_exited(status) || fx_status_code(status) != code)
				FAIL("spawn %ld: fx_proc_wait gave status 0x%x, the child exited "
				     "with %d", i, status, code);
			tally->ours++;
		} else if (rc == -ECHILD) {
			/* The handler may still be running in another thread,
			 * but for a handler in this thread it is done. */
			int st = -1;
			for (int tries = 0; tries < 1000000 && (st = taken_status(pid)) < 0; tries++)
				sched_yield();
			if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != code)
				FAIL("spawn %ld: fx_proc_wait said -ECHILD but the foreign reaper "
				     "took status 0x%x for pid %d (exit %d expected)", i, st,
				     (int)pid, code);
			ASSERT_ERR(fx_proc_wait(proc, &status, 0), -ECHILD);
			tally->theirs++;
		} else {
			FAIL("spawn %ld: fx_proc_wait returned %d (%s)", i, rc, strerror(-rc));
		}
		fx_proc_free(proc);
	}
	fx_attr_free(attr);
}

static void wake_reaper(void)
{
	sem_post(&reap_one);
}

/*
 * Both foreign reapers, one after the other, each for count spawns or
 * for seconds.
 */
static void foreign_rounds(long count, double seconds, struct fxt_loop loops[2],
                           int devnull, const char *noexec, struct race_tally *h,
                           struct race_tally *t)
{
	struct sigaction sa;
	pthread_t thread;

	/* 1. A SIGCHLD handler that reaps everything it can. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = foreign_handler;
	sigemptyset(&sa.sa_mask);
	ASSERT_SYS(sigaction(SIGCHLD, &sa, NULL));
	loops[0] = fxt_loop(count, seconds);
	race_round(&loops[0], devnull, noexec, NULL, h);
	signal(SIGCHLD, SIG_DFL);

	/* 2. A thread that waits for any child after every spawn.  When
	 * fx_proc_wait won, its waitpid finds no child and returns ECHILD. */
	ASSERT_SYS(sem_init(&reap_one, 0, 0));
	atomic_store(&reaper_stop, 0);
	ASSERT_EQ(pthread_create(&thread, NULL, foreign_reaper, NULL), 0);
	loops[1] = fxt_loop(count, seconds);
	race_round(&loops[1], devnull, noexec, wake_reaper, t);
	atomic_store(&reaper_stop, 1);
	sem_post(&reap_one);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	sem_destroy(&reap_one);
}

/*
 * 300 spawns or 4 s for each reaper at scale 1, after a warm-up of 40
 * each (5 s at most).
 */
TORTURE(torture_sigchld_foreign_reaper, 60)
{
	struct fxt_loop loops[2];
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char *noexec = make_noexec();
	struct race_tally h = { 0, 0, 0 }, t = { 0, 0, 0 };
	struct ftt_usage base, end;

	ASSERT_SYS(devnull);
	foreign_rounds(40, 5, loops, devnull, noexec, &h, &t); /* warm-up */
	memset(&h, 0, sizeof h);
	memset(&t, 0, sizeof t);
	atomic_store(&ntaken, 0);
	base = ftt_baseline("baseline");
	foreign_rounds(ftt_count(300), 4 * ftt_scale(), loops, devnull, noexec, &h, &t);
	end = ftt_usage();
	ftt_usage_print("end", &end);
	/* A failing spawn (every 10th) among each reaper's. */
	fxt_loop_end(&loops[0], 10, "spawns against a reaping handler");
	fxt_loop_end(&loops[1], 10, "spawns against a reaping thread");
	ftt_note("%s: handler: %ld statuses by fx_proc_wait, %ld taken by the handler "
	         "(fx_proc_wait said -ECHILD, the handler had the true status), %ld "
	         "failing spawns exact; thread: %ld by fx_proc_wait, %ld taken, %ld "
	         "failing spawns exact\n", fxt_backend_name(), h.ours, h.theirs,
	         h.failures, t.ours, t.theirs, t.failures);
	ASSERT_EQ(h.ours + h.theirs + h.failures, loops[0].done);
	ASSERT_EQ(t.ours + t.theirs + t.failures, loops[1].done);
	ftt_assert_back(&base, &end, 0, 256);
}
