/* SPDX-License-Identifier: MIT */
/*
 * Hostile parent, continued: threads cancelled (pthread_cancel, deferred)
 * while they spawn.  Library code full of close() and read() calls is
 * full of cancellation points; a spawn cancelled half-way must not leave a
 * child nobody knows about, nor its descriptors or memory.  (glibc's
 * posix_spawn disables cancellation for the same reason.)  fx_proc_wait, like
 * waitpid, may be a cancellation point: the test's own cleanup handler
 * then reaps the child it holds.
 *
 *   1. Deterministic: a thread with a cancellation already pending calls
 *      fx_spawn, 20 times.
 *   2. Random: 200 threads, or as many as 8 s allow (scaled), spawn
 *      torture-true in a loop and are cancelled after a random 0-2 ms
 *      of it.
 * Afterwards: no child left, descriptors and mappings as before.
 */
#include "torture.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct victim {
	int self_cancel;
	const fx_attr *attr;
	long spawns;
};

/* Runs when the thread is cancelled: reaps the child it holds, if any. */
static void reap_held(void *arg)
{
	fx_proc **held = arg;

	if (*held) {
		fx_proc_wait(*held, NULL, -1); /* cancellation is off while unwinding */
		fx_proc_free(*held);
		*held = NULL;
	}
}

static void *victim_main(void *arg)
{
	struct victim *v = arg;
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	fx_proc *held = NULL;

	pthread_cleanup_push(reap_held, &held);
	if (v->self_cancel)
		pthread_cancel(pthread_self());
	for (;;) {
		fx_error err;
		fx_proc *proc;
		int rc = fx_spawn(&held, argv[0], argv, v->attr, &err);

		if (rc < 0)
			FAIL("fx_spawn: %s", strerror(-rc));
		v->spawns++;
		rc = fx_proc_wait(held, NULL, -1);
		if (rc < 0)
			FAIL("fx_proc_wait: %s", strerror(-rc));
		proc = held;
		held = NULL;
		fx_proc_free(proc);
		if (v->self_cancel)
			pthread_testcancel(); /* fx_spawn ignored the request: fine */
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static void *cancel_self(void *arg)
{
	(void)arg;
	pthread_cancel(pthread_self());
	pthread_testcancel();
	return NULL;
}

static void busy_us(long us)
{
	double end = ftt_now() + us / 1e6;

	while (ftt_now() < end)
		;
}

/* The random rounds: 8 s at scale 1, after the 20 deterministic ones. */
TORTURE(torture_cancel_spawner, 40)
{
	fx_attr *attr = fxt_attr();
	struct ftt_usage base, end;
	struct fxt_loop loop;
	unsigned seed = ftt_seed();
	long cancelled = 0, spawns = 0;
	char *argv[2] = { (char *)ftt_true_path(), NULL };

	ftt_run_ok(attr, argv);
	ftt_warm_threads(1);
	{
		/* The first cancellation loads libgcc_s for unwinding. */
		pthread_t thread;
		ASSERT_EQ(pthread_create(&thread, NULL, cancel_self, NULL), 0);
		ASSERT_EQ(pthread_join(thread, NULL), 0);
	}
	base = ftt_baseline("baseline");

	for (int i = 0; i < 20; i++) {
		struct victim v = { 1, attr, 0 };
		pthread_t thread;
		void *ret = NULL;

		ASSERT_EQ(pthread_create(&thread, NULL, victim_main, &v), 0);
		ASSERT_EQ(pthread_join(thread, &ret), 0);
		ASSERT(ret == PTHREAD_CANCELED);
		fxt_assert_no_children();
		if (fxt_fd_count() != base.fds)
			FAIL("a thread cancelled in fx_spawn (round %d, %ld spawns "
			     "returned) left %ld descriptors behind", i, v.spawns,
			     fxt_fd_count() - base.fds);
	}
	loop = ftt_loop(200, 8);
	for (long i; (i = fxt_loop_next(&loop)) >= 0;) {
		struct victim v = { 0, attr, 0 };
		pthread_t thread;
		void *ret = NULL;

		ASSERT_EQ(pthread_create(&thread, NULL, victim_main, &v), 0);
		busy_us(rand_r(&seed) % 2000);
		ASSERT_EQ(pthread_cancel(thread), 0);
		ASSERT_EQ(pthread_join(thread, &ret), 0);
		cancelled += ret == PTHREAD_CANCELED;
		spawns += v.spawns;
		fxt_assert_no_children();
		if (fxt_fd_count() != base.fds)
			FAIL("thread %ld, cancelled after %ld spawns, left %ld "
			     "descriptors behind", i, v.spawns, fxt_fd_count() - base.fds);
	}
	end = ftt_usage();
	ftt_usage_print("end", &end);
	fxt_loop_end(&loop, 10, "threads cancelled at random");
	ftt_note("%s: 20 threads with a pending cancellation and %ld cancelled at "
	         "random after %ld spawns in all: nothing left behind\n",
	         fxt_backend_name(), cancelled, spawns);
	fx_attr_free(attr);
	ftt_assert_back(&base, &end, 4096, 512);
}
