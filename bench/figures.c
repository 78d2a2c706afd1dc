/* SPDX-License-Identifier: MIT */
/*
 * The figures: median latency against the parent's resident memory and
 * against its open descriptors, one panel per target, drawn by gnuplot
 * (when installed) from the .dat files written here.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether strategy i has a median somewhere in this sweep. */
static bool has_data(const char *sweep, int target, bool mem, const double *v,
                     size_t nv, size_t i)
{
	/* Not one point borrowed from the baseline: no row in the table. */
	if (!bench_sweep_has(sweep, target, bench_strategies[i].name))
		return false;
	for (size_t k = 0; k < nv; k++) {
		const struct cell *c = bench_sweep_cell(sweep, target, mem, v[k]);
		const struct result *r = c ? bench_cell_result(c, bench_strategies[i].name) : NULL;

		if (r && r->s.n && !r->failures)
			return true;
	}
	return false;
}

/*
 * One data file per sweep and target: x, then a column per strategy that
 * has data.  Returns the number of columns, or -1.
 */
static int write_dat(const char *path, const char *sweep, int target, bool mem,
                     size_t *which)
{
	double v[BENCH_MAX_SWEEP_VALUES];
	size_t nv = bench_sweep_values(sweep, target, mem, v, BENCH_MAX_SWEEP_VALUES);
	int ncols = 1;
	FILE *f;

	if (nv < 2)
		return -1;
	if (!(f = fopen(path, "we")))
		return -1;
	fprintf(f, "%s", mem ? "\"GiB\"" : "\"fds\"");
	for (size_t i = 0; i < bench_nstrategies; i++)
		if (has_data(sweep, target, mem, v, nv, i)) {
			fprintf(f, " \"%s\"", bench_strategies[i].label);
			which[ncols++ - 1] = i;
		}
	fprintf(f, "\n");
	for (size_t k = 0; k < nv; k++) {
		const struct cell *c = bench_sweep_cell(sweep, target, mem, v[k]);

		fprintf(f, "%g", v[k]);
		for (size_t i = 0; i < bench_nstrategies; i++) {
			const struct result *r = c ? bench_cell_result(c, bench_strategies[i].name) : NULL;

			if (!has_data(sweep, target, mem, v, nv, i))
				continue;
			if (r && r->s.n && !r->failures)
				fprintf(f, " %.3f", r->median_us);
			else
				fprintf(f, " NaN");
		}
		fprintf(f, "\n");
	}
	fclose(f);
	return ncols;
}

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b;
	char buf[65536];
	size_t n;

	if (!a)
		return -1;
	if (!(b = fopen(to, "wb"))) {
		fclose(a);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, a)) > 0)
		fwrite(buf, 1, n, b);
	fclose(a);
	return fclose(b);
}

int bench_draw_figures(const char *dir, const char *copy_to)
{
	/* One per strategy (the table has 13): no two lines alike. */
	static const char *const colors[] = { "#000000", "#d62728", "#ff7f0e",
	                                      "#9467bd", "#e377c2", "#bcbd22",
	                                      "#1f77b4", "#2ca02c", "#17becf",
	                                      "#8c564b", "#7f7f7f", "#aec7e8",
	                                      "#98df8a", "#ff9896" };
	static const struct {
		const char *name, *sweep, *xlabel, *title;
		bool mem;
	} figs[] = {
		{ "memory", "memory", "parent resident memory (GiB, 4 KiB pages)",
		  "spawn-then-wait against parent resident memory (median, 3 fds, 1 thread)",
		  true },
		{ "fds", "fds", "open descriptors in the parent (log scale)",
		  "spawn-then-wait against open descriptors in the parent (median, 0 GiB, 1 thread)",
		  false },
	};
	int drawn = 0;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		printf("\nFigures: gnuplot not installed: skipped\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
		char dat[TGT_COUNT][1024], gp[1024], png[1024], cmd[2200];
		int ncols[TGT_COUNT];
		size_t which[TGT_COUNT][BENCH_MAX_CONTESTANTS];
		FILE *f;
		bool ok = true;

		for (int k = 0; k < TGT_COUNT; k++) {
			snprintf(dat[k], sizeof dat[k], "%s/%s-%s.dat", dir, figs[i].name,
			         bench_targets[k].name);
			ncols[k] = write_dat(dat[k], figs[i].sweep, k, figs[i].mem, which[k]);
			ok &= ncols[k] > 1;
		}
		if (!ok)
			continue;
		snprintf(gp, sizeof gp, "%s/%s.gp", dir, figs[i].name);
		snprintf(png, sizeof png, "%s/%s.png", dir, figs[i].name);
		if (!(f = fopen(gp, "we")))
			continue;
		/* The key: two columns of up to 6 under each panel, glibc's beside ours. */
		fprintf(f, "set terminal pngcairo size 1400,720 font ',10' noenhanced\n"
		           "set output '%s'\n"
		           "set datafile missing 'NaN'\n"
		           "set multiplot layout 1,2 title '%s'\n"
		           "set logscale y\n"
		           "set grid\n"
		           "set key below maxrows 6 font ',9' samplen 2 width -8\n"
		           "set bmargin 11\n"
		           "set offsets graph 0.03, graph 0.03, 0, 0\n"
		           "set xlabel '%s'\n"
		           "set ylabel 'microseconds (log scale)'\n",
		        png, figs[i].title, figs[i].xlabel);
		/* One colour per strategy, the same in every figure; fx_spawn bold. */
		for (size_t s = 0; s < bench_nstrategies; s++)
			fprintf(f, "set linetype %zu lc rgb '%s' lw %s pt %zu ps 1.3\n", s + 1,
			        colors[s % (sizeof colors / sizeof colors[0])],
			        !strncmp(bench_strategies[s].name, "fx_", 3) ? "2.5" : "1.2",
			        s + 1);
		if (!figs[i].mem)
			fprintf(f, "set logscale x\n");
		{
			/* Tics where the measurements are, and no 1e+06. */
			double v[BENCH_MAX_SWEEP_VALUES];
			size_t nv = bench_sweep_values(figs[i].sweep, TGT_TINY, figs[i].mem, v,
			                         BENCH_MAX_SWEEP_VALUES);

			fprintf(f, "set format y '%%.0f'\nset xtics (");
			for (size_t k = 0; k < nv; k++)
				fprintf(f, "%s%g", k ? ", " : "", v[k]);
			fprintf(f, ")\n");
		}
		for (int k = 0; k < TGT_COUNT; k++) {
			fprintf(f, "set title '%s'\nplot ", bench_targets[k].label);
			for (int col = 2; col <= ncols[k]; col++)
				fprintf(f, "%s'%s' using 1:%d with linespoints lt %zu title columnheader(%d)",
				        col > 2 ? ", \\\n     " : "", dat[k], col,
				        which[k][col - 2] + 1, col);
			fprintf(f, "\n");
		}
		fprintf(f, "unset multiplot\n");
		fclose(f);
		snprintf(cmd, sizeof cmd, "gnuplot '%s'", gp);
		if (system(cmd) != 0) {
			fprintf(stderr, "fxbench: gnuplot failed on %s\n", gp);
			continue;
		}
		drawn++;
		printf("Figure: %s\n", png);
		if (copy_to) {
			char to[1024];

			snprintf(to, sizeof to, "%s/bench-%s.png", copy_to, figs[i].name);
			if (copy_file(png, to) < 0)
				fprintf(stderr, "fxbench: copying to %s: %s\n", to, strerror(errno));
			else
				printf("Figure: %s\n", to);
		}
	}
	return drawn;
}
