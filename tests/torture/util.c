/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the torture tests: scaling, the tiny program, resource
 * snapshots.  See torture.h.
 */
#include "torture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "slurp.h"

double ftt_scale(void)
{
	static double scale;
	const char *s;
	char *end;

	if (scale > 0)
		return scale;
	scale = 1;
	s = getenv("FX_TORTURE_SCALE");
	if (s && *s) {
		double v = strtod(s, &end);
		if (end != s && *end == 0 && v > 0)
			scale = v;
	}
	return scale;
}

long ftt_count(long base)
{
	double n = (double)base * ftt_scale();

	return n < 1 ? 1 : (long)(n + 0.5);
}

int ftt_timeout(int base)
{
	double s = ftt_scale();

	return s > 1 ? (int)(base * s + 0.5) : base;
}

struct fxt_loop ftt_loop(long count, double seconds, long min)
{
	return fxt_loop_at_least(ftt_count(count), seconds * ftt_scale(), min);
}

const char *ftt_true_path(void)
{
	static char path[PATH_MAX];

	if (!path[0])
		snprintf(path, sizeof path, "%s/torture-true", fxt_build_dir());
	if (access(path, X_OK) != 0)
		FAIL("%s: %s (build it: make build/torture-true)", path,
		     strerror(errno));
	return path;
}

void ftt_run_ok_(const char *file, int line, const fx_attr *attr,
                 char *const argv[])
{
	fx_proc *proc = NULL;
	fx_error err;
	int status = -1, rc;

	rc = fx_spawn(&proc, argv[0], argv, attr, &err);
	fxt_assert_spawned_(file, line, rc, &err);
	rc = fx_proc_wait(proc, &status, -1);
	if (rc < 0)
		fxt_fail_(file, line, "fx_proc_wait: %s", strerror(-rc));
	if (!fx_status_exited(status) || fx_status_code(status) != 0)
		fxt_fail_(file, line, "%s ended with status 0x%x", argv[0], status);
	fx_proc_free(proc);
}

void ftt_need_fds(long n)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
		FAIL("getrlimit: %s", strerror(errno));
	if (lim.rlim_cur >= (rlim_t)n)
		return;
	if (lim.rlim_max < (rlim_t)n)
		SKIP("needs %ld descriptors, the hard limit is %lu", n,
		     (unsigned long)lim.rlim_max);
	lim.rlim_cur = (rlim_t)n;
	if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
		FAIL("setrlimit: %s", strerror(errno));
}

double ftt_now(void)
{
	return fxt_now();
}

unsigned ftt_seed(void)
{
	static unsigned seed;
	static int have;
	const char *s = getenv("FX_TORTURE_SEED");

	if (have)
		return seed;
	if (s && *s)
		seed = (unsigned)strtoul(s, NULL, 0);
	else
		seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	have = 1;
	ftt_note("seed %u (set FX_TORTURE_SEED=%u to repeat)\n", seed, seed);
	return seed;
}

void ftt_note(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fxt_write_all(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ------------------------------------------------------------------ */
/* Resources                                                           */
/* ------------------------------------------------------------------ */

/*
 * Under a sanitizer, malloc is the sanitizer's (quarantine, shadow
 * memory): only descriptors and children are compared then.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FTT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define FTT_SANITIZED 1
#endif
#endif
#ifndef FTT_SANITIZED
#define FTT_SANITIZED 0
#endif

long ftt_status_field(const char *name)
{
	char buf[8192], *p;
	size_t len = strlen(name);

	if (fxt_slurp("/proc/self/status", buf, sizeof buf) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, name, len) == 0 && p[len] == ':')
			return strtol(p + len + 1, NULL, 10);
	return -1;
}

/*
 * Mappings in /proc/self/maps, read in chunks (it can be long), with a
 * run of [heap] lines counted as one: the heap this process inherited
 * from its fork (the runner's) cannot grow in place (its anon_vma chain
 * is not a single one), so the kernel gives brk a new, adjacent VMA the
 * first time malloc pushes the break past it.  That is malloc's doing,
 * not a mapping the library left.
 */
static long count_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	char buf[65536], line_end[8] = "";
	long lines = 0;
	int in_heap = 0;
	size_t tail = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			/* The last 6 characters of each line: "[heap]" or not. */
			if (buf[i] != '\n') {
				memmove(line_end, line_end + (tail == 6), tail - (tail == 6));
				tail -= tail == 6;
				line_end[tail++] = buf[i];
				continue;
			}
			int heap = tail == 6 && memcmp(line_end, "[heap]", 6) == 0;
			lines += !(heap && in_heap);
			in_heap = heap;
			tail = 0;
		}
	}
	close(fd);
	return lines;
}

long ftt_usage_heap(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33) && !FTT_SANITIZED
	struct mallinfo2 mi = mallinfo2();

	/* Small blocks plus blocks served by mmap. */
	return (long)(mi.uordblks + mi.hblkhd);
#else
	return -1;
#endif
}

struct ftt_usage ftt_usage(void)
{
	struct ftt_usage u;

	u.fds = fxt_fd_count();
	u.maps = count_maps();
	/* Last, so that the stack the calls above touched is counted the
	 * first time already. */
	u.rss_kb = ftt_status_field("VmRSS");
	u.heap = ftt_usage_heap();
	return u;
}

struct ftt_usage ftt_baseline(const char *label)
{
	struct ftt_usage u = ftt_usage();
	char line[160];

	/* Once for nothing: the stack and the code of the measurement and of
	 * the printing are resident before the numbers that count. */
	snprintf(line, sizeof line, "%ld %ld", u.rss_kb, u.fds);
	u = ftt_usage();
	ftt_usage_print(label, &u);
	return u;
}

void ftt_usage_print(const char *label, const struct ftt_usage *u)
{
	ftt_note("%s: rss=%ld KiB fds=%ld maps=%ld heap=%ld B\n", label,
	         u->rss_kb, u->fds, u->maps, u->heap);
}

void ftt_assert_back_(const char *file, int line, const struct ftt_usage *base,
                      const struct ftt_usage *now, long heap_slack,
                      long rss_slack_kb)
{
	fxt_assert_no_children_(file, line);
	if (now->fds != base->fds)
		fxt_assert_fd_count_(file, line, (int)base->fds);
	if (FTT_SANITIZED)
		return;
	if (now->maps != base->maps)
		fxt_fail_(file, line, "%ld mappings at the end, %ld at the start",
		          now->maps, base->maps);
	if (base->heap >= 0 && now->heap > base->heap + heap_slack)
		fxt_fail_(file, line, "heap in use grew from %ld to %ld bytes",
		          base->heap, now->heap);
	if (now->rss_kb > base->rss_kb + rss_slack_kb)
		fxt_fail_(file, line, "resident set grew from %ld to %ld KiB",
		          base->rss_kb, now->rss_kb);
}

static void *idle_thread(void *arg)
{
	pthread_barrier_t *barrier = arg;
	/* An arena of its own (kept for the next thread), then all alive
	 * at once, so that each has a stack of its own. */
	char *volatile block = malloc(64 * 1024);

	if (block)
		block[0] = 1;
	free(block);
	pthread_barrier_wait(barrier);
	return NULL;
}

void ftt_warm_threads(int n)
{
	pthread_t *threads = calloc((size_t)n, sizeof *threads);
	pthread_barrier_t barrier;

	if (!threads)
		FAIL("out of memory");
	pthread_barrier_init(&barrier, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&threads[i], NULL, idle_thread, &barrier) != 0)
			FAIL("pthread_create: %s", strerror(errno));
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&barrier);
	free(threads);
}
