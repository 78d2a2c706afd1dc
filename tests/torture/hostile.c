/* SPDX-License-Identifier: MIT */
/*
 * Hostile parent: spawning while other threads hold the locks a careless
 * fork+exec would need.
 *
 *   - one thread holds stdio's locks (flockfile on stdout and stderr);
 *   - one holds the dynamic loader's lock (it waits inside a
 *     dl_iterate_phdr callback);
 *   - one holds an application mutex that a registered pthread_atfork
 *     prepare handler takes, so a fork that ran the handlers would hang;
 *   - two sit in malloc/free in tight loops, all threads sharing one
 *     arena (M_ARENA_MAX=1) so that its lock is contended, with sizes
 *     past the tcache and past the mmap threshold.
 *
 * 10,000 spawns or 12 s of them (scaled), whichever ends first, must
 * complete; a hang is caught by the runner's timeout.  The atfork
 * handlers must never run, in the parent or in a child (the counters
 * live in a shared page, so a child's run shows).
 * Nothing may be lost: the round is run once to warm up (thread stacks
 * cached by glibc, arena grown), then the measured round must end with
 * the same descriptors, mappings, heap and resident set.
 *
 * The test never prints while the stdio locks are held: it uses
 * ftt_note (a raw write to fd 2) and asserts only after the round.
 */
#include "torture.h"

#include <link.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct atfork_runs {
	atomic_long prepare, parent, child;
};

static struct atfork_runs *runs;
static pthread_mutex_t app_mutex = PTHREAD_MUTEX_INITIALIZER;

/* The hostile threads wait for `stop` on this condition. */
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int stop, held;

static void atfork_prepare(void)
{
	atomic_fetch_add(&runs->prepare, 1);
	pthread_mutex_lock(&app_mutex); /* held by a hostile thread: hangs */
}

static void atfork_parent(void)
{
	atomic_fetch_add(&runs->parent, 1);
	pthread_mutex_unlock(&app_mutex);
}

static void atfork_child(void)
{
	atomic_fetch_add(&runs->child, 1);
	pthread_mutex_unlock(&app_mutex);
}

/* Tells the main thread one more lock is held, then waits for stop. */
static void hold_until_stop(void)
{
	pthread_mutex_lock(&gate);
	held++;
	pthread_cond_broadcast(&gate_cond);
	while (!stop)
		pthread_cond_wait(&gate_cond, &gate);
	pthread_mutex_unlock(&gate);
}

static void *stdio_holder(void *arg)
{
	(void)arg;
	flockfile(stdout);
	flockfile(stderr);
	hold_until_stop();
	funlockfile(stderr);
	funlockfile(stdout);
	return NULL;
}

static void *mutex_holder(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&app_mutex);
	hold_until_stop();
	pthread_mutex_unlock(&app_mutex);
	return NULL;
}

static int loader_callback(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)info;
	(void)size;
	(void)arg;
	hold_until_stop(); /* inside dl_iterate_phdr: the loader lock is held */
	return 1;
}

static void *loader_holder(void *arg)
{
	(void)arg;
	dl_iterate_phdr(loader_callback, NULL);
	return NULL;
}

static void *malloc_looper(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	long loops = 0;

	for (;;) {
		size_t size = 1024 + (size_t)(rand_r(&seed) % (256 * 1024));
		char *p = malloc(size);

		if (p) {
			p[0] = 1;
			p[size - 1] = 1;
			p = realloc(p, size / 2 + 1);
			free(p);
		}
		if ((++loops & 63) == 0 && __atomic_load_n(&stop, __ATOMIC_RELAXED))
			break;
	}
	return (void *)loops;
}

struct round {
	long spawns, failures_checked;
	double seconds;
	long malloc_loops;
};

/*
 * Starts the hostile threads, spawns until the loop ends (every 100th,
 * from the 2nd on, a spawn that must fail at chdir), stops the threads.
 * Returns a message for the first unexpected result, or NULL; asserts
 * only after the threads are gone, since a failing assertion prints.
 */
static const char *hostile_round(struct fxt_loop *loop, struct round *r)
{
	static char msg[512];
	pthread_t threads[5];
	void *(*fns[5])(void *) = { stdio_holder, mutex_holder, loader_holder,
	                            malloc_looper, malloc_looper };
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	fx_attr *attr = fxt_attr(), *bad = fxt_attr();
	const char *problem = NULL;

	ASSERT_OK(fx_attr_set_cwd(bad, "/nonexistent/torture/dir"));
	stop = 0;
	held = 0;
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(pthread_create(&threads[i], NULL, fns[i], (void *)(uintptr_t)(i + 1)), 0);
	pthread_mutex_lock(&gate);
	while (held < 3)
		pthread_cond_wait(&gate_cond, &gate);
	pthread_mutex_unlock(&gate);

	memset(r, 0, sizeof *r);
	for (long i; !problem && (i = fxt_loop_next(loop)) >= 0;) {
		fx_proc *proc = NULL;
		fx_error err;
		int status = -1, rc;

		if (i % 100 == 1) {
			rc = fx_spawn(&proc, argv[0], argv, bad, &err);
			if (rc != -ENOENT || err.step != FX_STEP_CHDIR) {
				snprintf(msg, sizeof msg, "spawn %ld: expected ENOENT at chdir, "
				         "got %d at step %s", i, rc, fx_step_name(err.step));
				problem = msg;
			}
			if (rc >= 0) {
				fx_proc_wait(proc, NULL, -1);
				fx_proc_free(proc);
			}
			r->failures_checked++;
			continue;
		}
		rc = fx_spawn(&proc, argv[0], argv, attr, &err);
		if (rc < 0) {
			char text[300];
			snprintf(msg, sizeof msg, "spawn %ld failed: %s", i,
			         fx_strerror(&err, text, sizeof text));
			problem = msg;
			break;
		}
		rc = fx_proc_wait(proc, &status, -1);
		fx_proc_free(proc);
		if (rc < 0 || status != 0) {
			snprintf(msg, sizeof msg, "spawn %ld: fx_proc_wait %d, status 0x%x", i,
			         rc, status);
			problem = msg;
		}
		r->spawns++;
	}
	r->seconds = ftt_now() - loop->start;

	pthread_mutex_lock(&gate);
	stop = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate);
	for (int i = 0; i < 5; i++) {
		void *ret = NULL;
		ASSERT_EQ(pthread_join(threads[i], &ret), 0);
		if (i >= 3)
			r->malloc_loops += (long)ret;
	}
	fx_attr_free(attr);
	fx_attr_free(bad);
	return problem;
}

/* 12 s at scale 1; a warm-up of 1 % of the spawns (3 s at most) comes first. */
TORTURE(torture_hostile_parent, 60)
{
	struct fxt_loop loop = fxt_loop(ftt_count(10000) / 100 + 1, 3);
	struct ftt_usage base, end;
	struct round r;
	const char *problem;

	runs = mmap(NULL, sizeof *runs, PROT_READ | PROT_WRITE,
	            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT(runs != MAP_FAILED);
	/* One arena for every thread, so its lock is really contended, and
	 * fixed thresholds so the heap's shape does not drift. */
#ifdef __GLIBC__
	ASSERT(mallopt(M_ARENA_MAX, 1) == 1);
	ASSERT(mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1);
	ASSERT(mallopt(M_TRIM_THRESHOLD, 128 * 1024) == 1);
#endif
	ASSERT_EQ(pthread_atfork(atfork_prepare, atfork_parent, atfork_child), 0);

	problem = hostile_round(&loop, &r); /* warm-up */
	if (problem)
		FAIL("warm-up: %s", problem);
	base = ftt_baseline("baseline");

	loop = ftt_loop(10000, 12);
	problem = hostile_round(&loop, &r);
	if (problem)
		FAIL("%s", problem);
	/* A spawn that must fail (the 2nd) among them. */
	fxt_loop_end(&loop, 20, "spawns among the hostile threads");
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_note("%s: %ld spawns + %ld failing ones in %.2f s (%.0f spawns/s) "
	         "against %ld malloc/free loops; atfork prepare/parent/child ran "
	         "%ld/%ld/%ld times\n", fxt_backend_name(), r.spawns,
	         r.failures_checked, r.seconds, (r.spawns + r.failures_checked) / r.seconds,
	         r.malloc_loops, (long)runs->prepare, (long)runs->parent,
	         (long)runs->child);
	ASSERT_EQ(r.spawns + r.failures_checked, loop.done);
	ASSERT_EQ(runs->prepare, 0);
	ASSERT_EQ(runs->parent, 0);
	ASSERT_EQ(runs->child, 0);
	ftt_assert_back(&base, &end, 4096, 1024);
}
