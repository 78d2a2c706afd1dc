/* SPDX-License-Identifier: MIT */
/*
 * System calls per spawn, parent and child, from the clone to the execve,
 * counted by `strace -f -c`.  The bench runs itself under strace in the
 * mode `--syscall-count STRATEGY --count N`: one warm-up spawn of the tiny
 * program, then N more.  A second run with --count 0 (the warm-up only) is
 * the baseline; (run - baseline) / N is what one steady-state spawn costs,
 * start-up, warm-up and exit of the bench itself cancelling out.
 *
 * The tiny program makes exactly one system call of its own (exit), so the
 * counts are the spawn's.  The target counts everything from the start of
 * the spawn to the release of the handle (fx_spawn to fx_proc_free),
 * execve and the wait included: all but that exit.  The table also shows
 * the calls besides execve, wait4/waitid and the exit.
 */
#include "bench.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct syscount bench_syscounts[BENCH_MAX_CONTESTANTS];
size_t bench_nsyscounts;

/* ---- the traced mode -------------------------------------------- */

int bench_syscount_child(const char *name, long n, int fds)
{
	const struct strategy *s = bench_strategy_find(name);
	struct spawn_ctx ctx = { .worker = 0 };
	const struct target *t = &bench_targets[TGT_TINY];

	if (!s) {
		fprintf(stderr, "fxbench: --syscall-count: no strategy %s\n", name);
		return 2;
	}
	if (s->unavailable && s->unavailable()) {
		fprintf(stderr, "fxbench: %s\n", s->unavailable());
		return 3;
	}
	if (bench_fds_set(fds) < 0)
		return 1;
	for (long i = 0; i <= n; i++) {
		int st = s->run(t, &ctx);

		if (st != 0) {
			fprintf(stderr, "fxbench: %s: %s (status %d)\n", name,
			        ctx.why[0] ? ctx.why : "child did not exit 0", st);
			return 1;
		}
	}
	return 0;
}

/* ---- the driver -------------------------------------------------- */

#define MAX_NAMES 96

struct counts {
	size_t n;
	char name[MAX_NAMES][32];
	long calls[MAX_NAMES];
};

static long counts_get(const struct counts *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return c->calls[i];
	return 0;
}

/* Reads `strace -c -U name,calls` output. */
static int counts_read(const char *path, struct counts *c)
{
	FILE *f = fopen(path, "re");
	char line[256], name[32];
	long calls;

	c->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%31s %ld", name, &calls) != 2)
			continue;
		if (!strcmp(name, "total") || name[0] == '-' || c->n == MAX_NAMES)
			continue;
		snprintf(c->name[c->n], sizeof c->name[0], "%s", name);
		c->calls[c->n++] = calls;
	}
	fclose(f);
	return 0;
}

static int run_strace(const char *strategy, long n, int fds, const char *outfile,
                      struct counts *c)
{
	char count[32], nfds[32];
	const char *argv[] = { "strace", "-f", "-c", "-S", "calls", "-U", "name,calls",
	                       "-o", outfile, "--", opt.self, "--syscall-count",
	                       strategy, "--count", count, "--fds", nfds, "--tiny",
	                       bench_targets[TGT_TINY].path, NULL };
	pid_t pid;
	int e, st;

	snprintf(count, sizeof count, "%ld", n);
	snprintf(nfds, sizeof nfds, "%d", fds);
	e = posix_spawnp(&pid, "strace", NULL, NULL, (char *const *)argv, environ);
	if (e)
		return -e;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -ECHILD;
	return counts_read(outfile, c) < 0 ? -EIO : 0;
}

static bool in_path(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static bool excluded(const char *name)
{
	return !strcmp(name, "execve") || !strcmp(name, "wait4") ||
	       !strcmp(name, "waitid") || !strcmp(name, "exit");
}

/* Counts one strategy with `fds` open; fills *sc.  Returns 1 on failure. */
static int count_one(const struct strategy *s, int fds, struct syscount *sc)
{
	static struct counts base, run;
	char f0[1024], f1[1024];
	size_t len = 0;
	int r;

	*sc = (struct syscount){ .strategy = s->name, .fds = fds };
	if (s->unavailable && (sc->note = s->unavailable()))
		return 0;
	snprintf(f0, sizeof f0, "%s/strace-%s-%dfds-0.txt", opt.out_dir, s->name, fds);
	snprintf(f1, sizeof f1, "%s/strace-%s-%dfds-%d.txt", opt.out_dir, s->name,
	         fds, opt.syscall_n);
	if ((r = run_strace(s->name, 0, fds, f0, &base)) < 0 ||
	    (r = run_strace(s->name, opt.syscall_n, fds, f1, &run)) < 0) {
		sc->note = r == -ECHILD ? "strace run failed (see above)"
		                        : "could not run strace";
		return 1;
	}
	sc->ran = true;
	for (size_t k = 0; k < run.n; k++) {
		double per = (double)(run.calls[k] - counts_get(&base, run.name[k])) /
		             opt.syscall_n;

		if (per < 0.005)
			continue;
		sc->total += per;
		if (!strcmp(run.name[k], "exit"))
			sc->child_exit += per;
		if (excluded(run.name[k]))
			sc->excluded += per;
		if (len < sizeof sc->detail)
			len += (size_t)snprintf(sc->detail + len, sizeof sc->detail - len,
			                        "%s%s %.3g", len ? ", " : "",
			                        run.name[k], per);
	}
	sc->other = sc->total - sc->excluded;
	sc->spawn = sc->total - sc->child_exit;
	printf("  syscalls: %-24s %5d fds: %5.1f per spawn with execve and wait, "
	       "%4.1f besides them\n", s->name, fds, sc->spawn, sc->other);
	return 0;
}

int bench_syscount_all(void)
{
	/*
	 * Again with many fds open: fx_spawn's defaults and both closefrom(3)
	 * spawns close them all, in calls that must not grow with the table.
	 */
	static const char *const at_many_fds[] = { "fx_default", "posix_spawn_closefrom",
	                                           "fx_posix_spawn_closefrom" };
	int failures = 0;

	bench_nsyscounts = 0;
	if (!in_path("strace")) {
		printf("  strace not installed: skipped\n");
		return 0;
	}
	{
		/*
		 * A sanitizer build (INSTR=-fsanitize=address) runs too: its leak
		 * checker refuses to run under ptrace and would fail every count.
		 * The parent read its options at start-up; only the traced get this.
		 */
		const char *old = getenv("ASAN_OPTIONS");
		char buf[1024];

		snprintf(buf, sizeof buf, "%s%sdetect_leaks=0", old ? old : "",
		         old && *old ? ":" : "");
		setenv("ASAN_OPTIONS", buf, 1);
	}
	for (size_t i = 0; i < bench_nstrategies; i++)
		failures += count_one(&bench_strategies[i], 3,
		                      &bench_syscounts[bench_nsyscounts++]);
	for (size_t i = 0; i < sizeof at_many_fds / sizeof at_many_fds[0]; i++)
		failures += count_one(bench_strategy_find(at_many_fds[i]),
		                      opt.quick ? 1000 : 10000,
		                      &bench_syscounts[bench_nsyscounts++]);
	return failures;
}
