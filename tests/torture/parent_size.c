/* SPDX-License-Identifier: MIT */
/*
 * The parent's shape: spawning from a thread with a small stack, and from
 * a parent with a huge resident set.
 *
 *   - Small stack: a thread with a 64 KiB stack spawns (with a PATH
 *     search, a failing spawn and its formatted error too), 200 times
 *     or for 6 s (scaled), whichever ends first.
 *   - Large parent: with 16 GiB resident (FX_TORTURE_BIG_GIB, default 16;
 *     every page touched, no transparent huge pages so the page tables
 *     are as large as they get), spawning still works; a few spawns are
 *     timed at 0 and at 16 GiB on each backend and printed (information,
 *     not asserted: the clone backend should not care, the fork backend
 *     copies page tables).  Skipped, saying why, unless MemAvailable
 *     exceeds the size by 4 GiB.
 */
#include "torture.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

struct small_run {
	struct fxt_loop loop;
	long done;
};

static void *small_stack_spawner(void *arg)
{
	char *true_argv[2] = { (char *)ftt_true_path(), NULL };
	char *sh_argv[4] = { "sh", "-c", "exit 3", NULL };
	struct small_run *run = arg;
	fx_attr *attr = fxt_attr(), *bad = fxt_attr();

	ASSERT_OK(fx_attr_set_cwd(bad, "/nonexistent/small-stack"));
	for (long i; (i = fxt_loop_next(&run->loop)) >= 0;) {
		fx_proc *proc = NULL;
		fx_error err;
		char text[300];
		int status = -1;

		if (i % 20 == 0) {
			/* A PATH search and a program with a real start-up. */
			ASSERT_SPAWNED(fx_spawn(&proc, "sh", sh_argv, attr, &err), &err);
			ASSERT_OK(fx_proc_wait(proc, &status, -1));
			ASSERT_EQ(fx_status_code(status), 3);
			fx_proc_free(proc);
		} else if (i % 20 == 1) {
			ASSERT_ERR(fx_spawn(&proc, true_argv[0], true_argv, bad, &err), -ENOENT);
			ASSERT_EQ(err.step, FX_STEP_CHDIR);
			ASSERT(strstr(fx_strerror(&err, text, sizeof text), "small-stack"));
		} else {
			ftt_run_ok(attr, true_argv);
		}
		run->done++;
	}
	fx_attr_free(attr);
	fx_attr_free(bad);
	return NULL;
}

/* Spawns in a new thread with a 64 KiB stack until the loop ends. */
static long small_stack_run(struct fxt_loop loop)
{
	struct small_run run = { loop, 0 };
	pthread_attr_t tattr;
	pthread_t thread;

	ASSERT_EQ(pthread_attr_init(&tattr), 0);
	ASSERT_EQ(pthread_attr_setstacksize(&tattr, 64 * 1024), 0);
	ASSERT_EQ(pthread_create(&thread, &tattr, small_stack_spawner, &run), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	pthread_attr_destroy(&tattr);
	/* The thread's loop says how long it took and why it stopped. */
	fxt_loop_end(&run.loop, 20, "spawns from a thread with a 64 KiB stack");
	return run.done;
}

/* 6 s at scale 1, after a warm-up of 5 s at most. */
TORTURE(torture_small_stack, 40)
{
	struct ftt_usage base, end;
	long done;

	small_stack_run(fxt_loop(40, 5)); /* warm-up: the small stack cached by glibc */
	base = ftt_baseline("baseline");
	done = small_stack_run(ftt_loop(200, 6));
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_note("%s: %ld spawns from a thread with a 64 KiB stack\n",
	         fxt_backend_name(), done);
	ftt_assert_back(&base, &end, 4096, 256);
}

/* ------------------------------------------------------------------ */
/* Large parent                                                        */
/* ------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Spawns torture-true `n` times with `backend`; returns the median in ms. */
static double time_spawns(int backend, int n)
{
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	fx_attr *attr = NULL;
	double t[16], med;

	ASSERT_OK(fx_attr_new(&attr));
	ASSERT_OK(fx_attr_set_backend(attr, backend));
	if (n > 16)
		n = 16;
	for (int i = 0; i < n; i++) {
		double t0 = ftt_now();
		ftt_run_ok(attr, argv);
		t[i] = (ftt_now() - t0) * 1e3;
	}
	qsort(t, (size_t)n, sizeof t[0], cmp_double);
	med = t[n / 2];
	fx_attr_free(attr);
	return med;
}

/* Filling the parent's memory stops after this, at whatever size. */
#define FILL_BUDGET_S 45.0

/* The timeout: the fill's budget, then 14 spawns at 0 GiB and 14 at the
 * size reached (5 of them forks, a second each at 16 GiB on a quiet
 * machine), with room for a machine three times slower. */
TORTURE_ONCE(torture_large_parent, 240)
{
	const char *env = getenv("FX_TORTURE_BIG_GIB");
	long gib = env && *env ? atol(env) : 16;
	long avail_kb = -1;
	double before[2], after[2], fill;
	struct ftt_usage base, end;
	size_t size, mapped;
	char *mem;
	FILE *f;

	if (gib <= 0)
		SKIP("FX_TORTURE_BIG_GIB=%s", env);
	f = fopen("/proc/meminfo", "re");
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "MemAvailable: %ld kB", &avail_kb) == 1)
				break;
		fclose(f);
	}
	if (avail_kb < (gib + 4) * 1024 * 1024)
		SKIP("needs %ld GiB available for a %ld GiB parent, the machine has %.1f",
		     gib + 4, gib, avail_kb / 1048576.0);

	before[0] = time_spawns(FX_BACKEND_CLONE, 9);
	before[1] = time_spawns(FX_BACKEND_FORK, 9);
	base = ftt_baseline("baseline");

	mapped = (size_t)gib << 30;
	fill = ftt_now();
	mem = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	           MAP_NORESERVE, -1, 0);
	ASSERT(mem != MAP_FAILED);
	/* Small pages: the page tables a fork would copy are as big as can be. */
	madvise(mem, mapped, MADV_NOHUGEPAGE);
	/*
	 * A GiB at a time, for a time budget: on a busy machine writing
	 * 16 GiB once took 179 s, where a quiet one takes about 15.  The
	 * test is about a parent far bigger than a spawn should notice, so
	 * it goes on with what it has after the budget, at least 2 GiB.
	 */
	for (size = 0; size < mapped && ftt_now() - fill < FILL_BUDGET_S; size += (size_t)1 << 30) {
		if (madvise(mem + size, (size_t)1 << 30, MADV_POPULATE_WRITE) != 0) {
			for (size_t off = 0; off < (size_t)1 << 30; off += 4096)
				mem[size + off] = 1;
		}
	}
	fill = ftt_now() - fill;
	ftt_note("%zu of %ld GiB resident in %.1f s (VmRSS %ld MiB)%s\n", size >> 30, gib,
	         fill, ftt_status_field("VmRSS") / 1024,
	         size < mapped ? ": the fill budget ran out" : "");
	ASSERT_GE(size, mapped < ((size_t)2 << 30) ? mapped : (size_t)2 << 30);
	ASSERT_GE(ftt_status_field("VmRSS"), (long)(size >> 10) * 9 / 10);
	gib = (long)(size >> 30);

	mem[0] = 42;
	mem[size - 1] = 43;
	after[0] = time_spawns(FX_BACKEND_CLONE, 9);
	after[1] = time_spawns(FX_BACKEND_FORK, 5);
	/* The parent's memory is intact. */
	ASSERT_EQ(mem[0], 42);
	ASSERT_EQ(mem[size - 1], 43);
	ASSERT_SYS(munmap(mem, mapped));
	ftt_note("median spawn+wait of torture-true: clone %.2f ms at 0 GiB, %.2f ms "
	         "at %ld GiB; fork %.2f ms at 0 GiB, %.2f ms at %ld GiB\n",
	         before[0], after[0], gib, before[1], after[1], gib);
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_assert_back(&base, &end, 4096, 1024);
}
