/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the torture tests (build/fxtorture, `make torture`).
 *
 * The torture tests use the ordinary runner and harness (runner.h, fxt.h):
 * each test runs in a process of its own, once per backend, with a
 * timeout.  What they add is volume and hostility.  A test that loops
 * does so for a count or a time budget, whichever ends first (ftt_loop),
 * so that a busy machine makes it do less instead of timing out; it
 * asserts on what it did and prints the count.  Counts and budgets scale
 * with FX_TORTURE_SCALE (default 1; 0.1 for a quick pass, 4 for a long
 * one), and the timeouts scale with them above 1.  Every test ends by
 * checking that nothing was lost: no child left, the descriptor count,
 * the number of mappings, the heap in use and the resident set back to a
 * baseline.
 */
#ifndef FX_TORTURE_H
#define FX_TORTURE_H

#include "fxt.h"

#include <stddef.h>

/* ------------------------------------------------------------------ */
/* Registration with scaled timeouts                                   */
/* ------------------------------------------------------------------ */

/*
 * Like TEST_TIMEOUT / TEST_ONCE_TIMEOUT, but the timeout grows with
 * FX_TORTURE_SCALE: the runner reads it before forking the test, and a
 * constructor adjusts it (the descriptor is declared first so that the
 * constructor can name it).
 */
#define FTT_DEFINE_(name, seconds, once_)                                     \
	static struct fxt_test fxt_desc_##name;                               \
	__attribute__((constructor)) static void ftt_timeout_##name(void)     \
	{                                                                     \
		fxt_desc_##name.timeout_s = ftt_timeout(seconds);             \
	}                                                                     \
	FXT_DEFINE_(name, seconds, once_, 0)

#define TORTURE(name, seconds)      FTT_DEFINE_(name, seconds, 0)
#define TORTURE_ONCE(name, seconds) FTT_DEFINE_(name, seconds, 1)

/* FX_TORTURE_SCALE as a number > 0 (default 1). */
double ftt_scale(void);
/* base * scale, at least 1. */
long ftt_count(long base);
/* A timeout for a test that takes up to `base` seconds at scale 1. */
int ftt_timeout(int base);
/*
 * The torture tests' loops (fxt_loop, fxt.h): `count` rounds or `seconds`
 * of them, both scaled.  A test's timeout is at least three times its
 * budget at scale 1, and scales with it above 1 (ftt_timeout).
 */
struct fxt_loop ftt_loop(long count, double seconds, long min);

/* ------------------------------------------------------------------ */
/* Programs                                                            */
/* ------------------------------------------------------------------ */

/* build/torture-true: a static program that only exits 0. */
const char *ftt_true_path(void);
/* Spawns argv (argv[0] is the file) with attr, waits, asserts exit 0. */
#define ftt_run_ok(attr, argv) ftt_run_ok_(__FILE__, __LINE__, (attr), (argv))
void ftt_run_ok_(const char *file, int line, const fx_attr *attr,
                 char *const argv[]);

/* Raises the soft RLIMIT_NOFILE to at least n (skips if the hard one is lower). */
void ftt_need_fds(long n);

/* Seconds on the monotonic clock. */
double ftt_now(void);

/* The test's random seed: FX_TORTURE_SEED, or the time; printed once. */
unsigned ftt_seed(void);

/* ------------------------------------------------------------------ */
/* Resources: a snapshot to compare the end of a test with             */
/* ------------------------------------------------------------------ */

struct ftt_usage {
	long rss_kb;    /* VmRSS */
	long fds;       /* open descriptors */
	long maps;      /* lines of /proc/self/maps */
	long heap;      /* bytes in use by malloc, all arenas (-1: unknown) */
};

struct ftt_usage ftt_usage(void);
/* Only the heap in use (needs no descriptor); -1 if unknown. */
long ftt_usage_heap(void);
/* The baseline: measured after a first measurement and printed. */
struct ftt_usage ftt_baseline(const char *label);
/* One line "label: rss=... KiB fds=... maps=... heap=... B". */
void ftt_usage_print(const char *label, const struct ftt_usage *u);

/*
 * Fails unless `now` is back to `base`: the same descriptors and
 * mappings, the heap in use within heap_slack bytes, the resident set
 * within rss_slack_kb.  Also requires that no child is left.
 */
#define ftt_assert_back(base, now, heap_slack, rss_slack_kb)                  \
	ftt_assert_back_(__FILE__, __LINE__, (base), (now), (heap_slack),     \
	                 (rss_slack_kb))
void ftt_assert_back_(const char *file, int line, const struct ftt_usage *base,
                      const struct ftt_usage *now, long heap_slack,
                      long rss_slack_kb);

/* /proc/self/status "Name:" as a number (kB fields in kB), or -1. */
long ftt_status_field(const char *name);

/*
 * Starts n threads with default attributes at once and joins them, so that
 * glibc's cache of thread stacks holds n stacks, and its list of free
 * arenas n arenas, before a baseline is taken (a test's own threads then
 * reuse them and the mappings stay the same).
 */
void ftt_warm_threads(int n);

/* Prints to stderr without taking stdout's lock (tests lock it). */
__attribute__((format(printf, 1, 2)))
void ftt_note(const char *fmt, ...);

#endif
