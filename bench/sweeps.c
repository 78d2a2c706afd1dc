/* SPDX-License-Identifier: MIT */
/*
 * The parent's state that the sweeps vary: resident memory (with its page
 * tables, which fork must copy) and open descriptors (which fork copies,
 * exec keeps unless close-on-exec, and forkexec closes by default).
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* ---- resident memory --------------------------------------------- */

#define GIB (1024.0 * 1024.0 * 1024.0)

/* Grown a segment at a time, so a sweep never populates a page twice. */
#define MAX_SEGMENTS 16

static struct {
	void *base[MAX_SEGMENTS];
	size_t len[MAX_SEGMENTS];
	size_t n, total;
} ballast;

double bench_mem_now(void)
{
	return (double)ballast.total / GIB;
}

static bool in_ballast(uintptr_t lo, uintptr_t hi)
{
	for (size_t i = 0; i < ballast.n; i++) {
		uintptr_t b = (uintptr_t)ballast.base[i];

		if (lo < b + ballast.len[i] && b < hi)
			return true;
	}
	return false;
}

/*
 * After a fork, every private writable page of ours is shared with the
 * child, copy-on-write, until someone writes it: the next write to each
 * page faults and copies it.  Left alone, that debt of fork's is paid by
 * whichever strategy runs next, in its timed window, and more by one that
 * touches more pages (fx_spawn's heap, say, against the floor's static
 * stack): measured on this VM, fx_spawn went from 1.02x to 1.23x the
 * floor once fork joined the rotation.  So after a forking strategy's
 * turn, untimed, the runner asks the kernel to make every private
 * writable mapping writable now (MADV_POPULATE_WRITE, Linux 5.14: it
 * breaks the sharing without changing a byte), all but the ballast, which
 * no strategy writes.  Without MADV_POPULATE_WRITE nothing is done.
 */
void bench_settle_fork_debt(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	uintptr_t lo[256], hi[256];
	size_t n = 0;
	char line[512];

	if (!f)
		return;
	/* Read whole before any madvise: populating may split mappings. */
	while (n < 256 && fgets(line, sizeof line, f)) {
		unsigned long a, b;
		char perm[8];

		if (sscanf(line, "%lx-%lx %7s", &a, &b, perm) == 3 && perm[0] == 'r' &&
		    perm[1] == 'w' && perm[3] == 'p' && !in_ballast(a, b)) {
			lo[n] = a;
			hi[n++] = b;
		}
	}
	fclose(f);
	for (size_t i = 0; i < n; i++)
		madvise((void *)lo[i], hi[i] - lo[i], MADV_POPULATE_WRITE);
}

double bench_mem_available_gib(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	double kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib / (1024.0 * 1024.0);
}

/*
 * Private anonymous memory, written page by page so that every 4 KiB page
 * is resident and has its own page-table entry.  Transparent huge pages
 * are refused for it: a 2 MiB page needs no PTEs, and a parent with small
 * pages is what makes fork expensive (and is what most large programs have).
 */
int bench_mem_set(double gib)
{
	size_t want = (size_t)(gib * GIB);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t add;
	char *p;

	want -= want % page;
	if (want < ballast.total) {
		while (ballast.n) {
			ballast.n--;
			munmap(ballast.base[ballast.n], ballast.len[ballast.n]);
		}
		ballast.total = 0;
	}
	if (want == ballast.total)
		return 0;
	if (ballast.n == MAX_SEGMENTS) {
		fprintf(stderr, "fxbench: too many memory segments\n");
		return -1;
	}
	add = want - ballast.total;
	p = mmap(NULL, add, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "fxbench: mmap %.2f GiB: %s\n", (double)add / GIB,
		        strerror(errno));
		return -1;
	}
	madvise(p, add, MADV_NOHUGEPAGE);
	if (madvise(p, add, MADV_POPULATE_WRITE) < 0) {
		/* Before 5.14: touch every page ourselves. */
		for (size_t off = 0; off < add; off += page)
			((volatile char *)p)[off] = 1;
	}
	ballast.base[ballast.n] = p;
	ballast.len[ballast.n++] = add;
	ballast.total = want;
	return 0;
}

const char *bench_mem_label(double gib, char *buf, size_t len)
{
	if (gib == 0)
		snprintf(buf, len, "0 GiB");
	else if (gib < 1)
		snprintf(buf, len, "%.0f MiB", gib * 1024);
	else
		snprintf(buf, len, "%.0f GiB", gib);
	return buf;
}

/* ---- open descriptors -------------------------------------------- */

int bench_raise_nofile(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if ((long)rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < want)
		rl.rlim_max = (rlim_t)want; /* needs CAP_SYS_RESOURCE */
	rl.rlim_cur = (rlim_t)want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		fprintf(stderr, "fxbench: RLIMIT_NOFILE to %ld: %s\n", want,
		        strerror(errno));
		return -1;
	}
	return 0;
}

/* The extra descriptors, in the order they were opened. */
static int *extra;
static int extra_n;

/*
 * Makes `total` descriptors open besides the bench's own close-on-exec
 * ones: 0, 1, 2 plus total - 3 duplicates of /dev/null, all inheritable,
 * as a careless (or old) program leaves them.
 */
int bench_fds_set(int total)
{
	int want = total > 3 ? total - 3 : 0;

	while (extra_n > want)
		close(extra[--extra_n]);
	if (extra_n == want)
		return 0;
	if (bench_raise_nofile((long)total + 64) < 0)
		return -1;
	{
		int *p = realloc(extra, (size_t)want * sizeof *extra);

		if (!p) {
			fprintf(stderr, "fxbench: out of memory\n");
			return -1;
		}
		extra = p;
	}
	while (extra_n < want) {
		/* Neither open(2) nor dup(2) sets close-on-exec: on purpose. */
		int fd = extra_n ? dup(extra[0]) : open("/dev/null", O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "fxbench: opening descriptor %d: %s\n",
			        extra_n + 3, strerror(errno));
			return -1;
		}
		extra[extra_n++] = fd;
	}
	return 0;
}
