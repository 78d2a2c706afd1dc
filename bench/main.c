/* SPDX-License-Identifier: MIT */
/*
 * fxbench: the plan of a run.
 *
 *   fxbench            the full run: about 5-10 minutes, needs 16 GiB free
 *   fxbench --quick    every strategy a few times, exit status checked,
 *                      no time asserted: seconds (part of `make check`)
 *
 * The order: system-call counts first (separate processes under strace),
 * then at 0 GiB the baseline cells (peers included), the 2-thread cells
 * and the descriptor sweep, then the memory sweep, which grows the parent
 * step by step.  Each cell interleaves its contestants (runner.c).
 */
#include "bench.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct target bench_targets[TGT_COUNT] = {
	[TGT_TINY] = { "tiny", "tiny static binary", NULL, { NULL, NULL } },
	[TGT_TRUE] = { "true", "/bin/true", "/bin/true", { "true", NULL } },
};

struct options opt = {
	.budget_s = 1.0,
	.slice_ms = 10,
	.min_samples = 5,
	.max_samples = 200000,
	.max_mem_gib = 16,
	.peers = true,
	.pin = true,
	.syscalls = true,
	.syscall_n = 200,
};

static const double mem_levels[] = { 1, 4, 16 };
static const int fd_levels[] = { 100, 1000, 10000 };

static void usage(FILE *f)
{
	fprintf(f,
	"usage: fxbench [options]\n"
	"  --quick               a few hundred spawns, checks every strategy exits 0\n"
	"  --budget SECONDS      time per contestant per cell (default 1)\n"
	"  --slice-ms MS         a turn in the 2-thread cells (default 10)\n"
	"  --min-samples N       at least N spawns per contestant per cell (default 5)\n"
	"  --max-mem-gib N       largest parent memory of the sweep (default 16)\n"
	"  --only LIST           comma-separated strategies (the floor always runs)\n"
	"  --sweeps LIST         some of base,threads,fds,memory (default: all)\n"
	"  --no-peers            skip Python and Go\n"
	"  --no-pin              let 1-thread cells roam over every CPU\n"
	"  --no-syscalls         skip the strace counts\n"
	"  --syscall-spawns N    spawns per strace count (default 200)\n"
	"  --out DIR             results.csv, results.md, figures (default: build/bench)\n"
	"  --figures-to DIR      also copy the figures there as bench-*.png\n"
	"  --tiny PATH           the tiny program (default: bench-tiny beside fxbench)\n"
	"  --python-peer PATH    peer_popen.py (default: ../bench/ from fxbench)\n"
	"  --go-peer PATH        the Go peer (default: bench-goexec beside fxbench)\n"
	"  --list                the strategies and peers\n"
	"  --syscall-count S --count N [--fds F]\n"
	"                        (internal) N spawns of S with F fds open, for strace\n");
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static struct cell *new_cell(const char *sweep, int target, double mem, int fds,
                             int threads, bool userns)
{
	struct cell *c;

	if (bench_ncells == BENCH_MAX_CELLS) {
		fprintf(stderr, "fxbench: too many cells\n");
		exit(1);
	}
	c = &bench_cells[bench_ncells++];
	*c = (struct cell){ .target = target, .mem_gib = mem, .fds = fds,
	                    .threads = threads, .sweep = sweep, .userns = userns };
	return c;
}

static bool sweep_wanted(const char *sweep)
{
	const char *o = opt.sweeps;
	size_t len = strlen(sweep);

	while (o && *o) {
		const char *comma = strchr(o, ',');
		size_t l = comma ? (size_t)(comma - o) : strlen(o);

		if (l == len && !strncmp(o, sweep, l))
			return true;
		o += l + (comma != NULL);
	}
	return !o;
}

/* userns: the user namespace strategies run in these cells too. */
static long run_cells(const char *sweep, double mem, int fds, int threads,
                      bool peers, bool userns)
{
	long failures = 0;

	if (!sweep_wanted(sweep))
		return 0;

	for (int t = 0; t < TGT_COUNT; t++)
		failures += bench_run_cell(new_cell(sweep, t, mem, fds, threads, userns),
		                           peers);
	return failures;
}

/*
 * Whether the memory sweep can grow the parent to `gib` from where it is
 * now; if not, why (when why is given).  From here or from any level
 * reached before `gib`, the answer is the same (growing by x leaves x
 * less available), so it also tells whether a level is the sweep's last.
 */
static bool mem_level_fits(double gib, char *why, size_t len)
{
	double avail = bench_mem_available_gib();

	if (gib > opt.max_mem_gib) {
		snprintf(why, len, "above --max-mem-gib %d", opt.max_mem_gib);
		return false;
	}
	if (avail >= 0 && gib - bench_mem_now() > avail - 1.0) {
		snprintf(why, len, "only %.1f GiB available", avail);
		return false;
	}
	return true;
}

static int run(void)
{
	long failures = 0;
	uint64_t t0 = bench_now_ns();
	char path[PATH_MAX], mem[32];
	/* --quick: one small level, the last, so the user namespace cells run. */
	static const double quick_levels[] = { 1.0 / 16 };
	double capped[sizeof mem_levels / sizeof mem_levels[0]];
	const double *levels = opt.quick ? quick_levels : capped;
	size_t nlevels = opt.quick ? 1 : sizeof mem_levels / sizeof mem_levels[0];

	/* --max-mem-gib between two levels makes it the top one (8 GiB:
	 * 1, 4, 8), so that the user namespace cells run at the size asked. */
	memcpy(capped, mem_levels, sizeof capped);
	for (size_t i = 1; i < nlevels && !opt.quick; i++)
		if (capped[i] > opt.max_mem_gib && capped[i - 1] < opt.max_mem_gib)
			capped[i] = opt.max_mem_gib;

	bench_loadavg(opt.load_start, sizeof opt.load_start);
	if (mkdir_p(opt.out_dir) < 0) {
		fprintf(stderr, "fxbench: %s: %s\n", opt.out_dir, strerror(errno));
		return 1;
	}
	printf("fxbench%s (load average %s): %s; out: %s\n", opt.quick ? " --quick" : "",
	       opt.load_start,
	       opt.quick ? "every strategy a few times, exit status checked"
	                 : "budget per contestant per cell",
	       opt.out_dir);
	if (!opt.quick)
		printf("  %.2g s x %zu strategies x ~%zu cells: expect 3-8 minutes "
		       "(fork at 16 GiB is slow)\n", opt.budget_s, bench_nstrategies,
		       (size_t)2 * (2 + sizeof fd_levels / sizeof fd_levels[0] +
		                    sizeof mem_levels / sizeof mem_levels[0]));

	if (opt.syscalls) {
		printf("System calls per spawn (strace -f -c, %d spawns):\n", opt.syscall_n);
		fflush(stdout);
		failures += bench_syscount_all();
	}

	printf("Cells:\n");
	failures += run_cells("base", 0, 3, 1, opt.peers, true);
	failures += run_cells("threads", 0, 3, 2, false, false);

	if (!sweep_wanted("fds")) {
		/* nothing */
	} else if (opt.quick) {
		if (bench_fds_set(1000) < 0)
			return 1;
		failures += run_cells("fds", 0, 1000, 1, false, false);
	} else {
		for (size_t i = 0; i < sizeof fd_levels / sizeof fd_levels[0]; i++) {
			if (bench_fds_set(fd_levels[i]) < 0)
				return 1;
			failures += run_cells("fds", 0, fd_levels[i], 1, false, false);
		}
	}
	bench_fds_set(3);

	for (size_t i = 0; i < nlevels && sweep_wanted("memory"); i++) {
		double gib = levels[i];
		bool last = true;
		char why[64];

		if (!mem_level_fits(gib, why, sizeof why)) {
			printf("  memory %s: %s: skipped\n",
			       bench_mem_label(gib, mem, sizeof mem), why);
			continue;
		}
		/*
		 * The user namespace strategies run at the sweep's last level
		 * only, the one the 16 GiB targets compare: the fork row
		 * already shows how fork's copy of the page tables grows from
		 * level to level, and fork_userns at each would only add its
		 * seconds.
		 */
		for (size_t k = i + 1; k < nlevels; k++)
			last &= !mem_level_fits(levels[k], NULL, 0);
		printf("  growing the parent to %s ...", bench_mem_label(gib, mem, sizeof mem));
		fflush(stdout);
		{
			uint64_t g0 = bench_now_ns();

			if (bench_mem_set(gib) < 0)
				return 1;
			printf(" %.1f s\n", (double)(bench_now_ns() - g0) / 1e9);
		}
		failures += run_cells("memory", gib, 3, 1, false, last);
	}
	bench_mem_set(0);
	opt.elapsed_s = (double)(bench_now_ns() - t0) / 1e9;

	bench_print_tables();
	snprintf(path, sizeof path, "%s/results.csv", opt.out_dir);
	if (bench_write_csv(path) == 0)
		printf("\nCSV: %s\n", path);
	snprintf(path, sizeof path, "%s/results.md", opt.out_dir);
	if (bench_write_markdown(path) == 0)
		printf("Markdown: %s\n", path);
	bench_draw_figures(opt.out_dir, opt.figures_to);
	bench_print_targets();

	printf("\n%s in %.1f s: %ld failure%s\n", opt.quick ? "quick run" : "run",
	       (double)(bench_now_ns() - t0) / 1e9, failures, failures == 1 ? "" : "s");
	if (failures)
		fprintf(stderr, "fxbench: FAILED: %ld failure%s (a spawn that did not "
		        "exit 0, or a count that failed: see above)\n",
		        failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}

static const char *need(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "fxbench: %s needs a value\n", argv[*i]);
		exit(2);
	}
	return argv[++*i];
}

int main(int argc, char **argv)
{
	static char exe[PATH_MAX], dir[PATH_MAX], tiny[PATH_MAX + 16],
	            out[PATH_MAX + 16], py[PATH_MAX + 32], go[PATH_MAX + 16],
	            tiny_abs[PATH_MAX];
	const char *count_strategy = NULL;
	long count = 0;
	int count_fds = 3;
	bool list = false, budget_set = false;
	ssize_t len;
	size_t clen = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < argc && clen < sizeof opt.command; i++)
		clen += (size_t)snprintf(opt.command + clen, sizeof opt.command - clen,
		                         "%s%s", i ? " " : "", argv[i]);

	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0) {
		fprintf(stderr, "fxbench: /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	exe[len] = 0;
	snprintf(dir, sizeof dir, "%s", exe);
	*strrchr(dir, '/') = 0;
	snprintf(tiny, sizeof tiny, "%s/bench-tiny", dir);
	snprintf(out, sizeof out, "%s/bench", dir);
	snprintf(py, sizeof py, "%s/../bench/peer_popen.py", dir);
	snprintf(go, sizeof go, "%s/bench-goexec", dir);
	opt.self = exe;
	opt.tiny = tiny;
	opt.out_dir = out;
	opt.python_script = py;
	opt.go_program = go;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--quick"))
			opt.quick = true;
		else if (!strcmp(a, "--budget"))
			opt.budget_s = atof(need(argc, argv, &i)), budget_set = true;
		else if (!strcmp(a, "--slice-ms"))
			opt.slice_ms = atof(need(argc, argv, &i));
		else if (!strcmp(a, "--min-samples"))
			opt.min_samples = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--max-mem-gib"))
			opt.max_mem_gib = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--only"))
			opt.only = need(argc, argv, &i);
		else if (!strcmp(a, "--sweeps"))
			opt.sweeps = need(argc, argv, &i);
		else if (!strcmp(a, "--no-peers"))
			opt.peers = false;
		else if (!strcmp(a, "--no-pin"))
			opt.pin = false;
		else if (!strcmp(a, "--no-syscalls"))
			opt.syscalls = false;
		else if (!strcmp(a, "--syscall-spawns"))
			opt.syscall_n = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--out"))
			opt.out_dir = need(argc, argv, &i);
		else if (!strcmp(a, "--figures-to"))
			opt.figures_to = need(argc, argv, &i);
		else if (!strcmp(a, "--tiny"))
			opt.tiny = need(argc, argv, &i);
		else if (!strcmp(a, "--python-peer"))
			opt.python_script = need(argc, argv, &i);
		else if (!strcmp(a, "--go-peer"))
			opt.go_program = need(argc, argv, &i);
		else if (!strcmp(a, "--list"))
			list = true;
		else if (!strcmp(a, "--syscall-count"))
			count_strategy = need(argc, argv, &i);
		else if (!strcmp(a, "--count"))
			count = atol(need(argc, argv, &i));
		else if (!strcmp(a, "--fds"))
			count_fds = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "fxbench: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (opt.syscall_n < 1 || opt.slice_ms < 0 || opt.min_samples < 1 ||
	    opt.budget_s < 0 || opt.max_mem_gib < 0) {
		fprintf(stderr, "fxbench: a numeric option is out of range\n");
		return 2;
	}

	if (list) {
		for (size_t i = 0; i < bench_nstrategies; i++)
			printf("%-26s %s\n", bench_strategies[i].name, bench_strategies[i].label);
		for (size_t i = 0; i < PEER_COUNT; i++)
			printf("%-26s %s (peer)\n", bench_peers[i].name, bench_peers[i].label);
		return 0;
	}

	/*
	 * Absolute: a relative path would be taken from the child's working
	 * directory, which fx_typical changes.
	 */
	if (!realpath(opt.tiny, tiny_abs)) {
		fprintf(stderr, "fxbench: %s: %s (make build/bench-tiny, or --tiny)\n",
		        opt.tiny, strerror(errno));
		return 1;
	}
	opt.tiny = tiny_abs;
	bench_targets[TGT_TINY].path = opt.tiny;
	bench_targets[TGT_TINY].argv[0] = "tiny";

	if (access(opt.tiny, X_OK) < 0) {
		fprintf(stderr, "fxbench: %s: %s\n", opt.tiny, strerror(errno));
		return 1;
	}
	if (bench_strategies_init() < 0)
		return 1;
	if (count_strategy)
		return bench_syscount_child(count_strategy, count, count_fds);

	if (opt.quick) {
		if (!budget_set)
			opt.budget_s = 0;
		opt.slice_ms = 0;
		opt.min_samples = 6;
		opt.syscall_n = 5;
		if (!strcmp(opt.out_dir, out))
			snprintf(out + strlen(out), sizeof out - strlen(out), "/quick");
	}
	bench_peers_init(opt.python_script, opt.go_program);
	return run();
}
