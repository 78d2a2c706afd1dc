/* SPDX-License-Identifier: MIT */
/*
 * From samples to what a reader sees: medians and p90s, the tables on
 * stdout, results.csv, results.md (the README's table comes from it), the
 * gnuplot figures, and the PASS/MISS line for each target.
 */
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

struct cell bench_cells[BENCH_MAX_CELLS];
size_t bench_ncells;

/* ---- samples ----------------------------------------------------- */

void samples_push(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *p = realloc(s->ns, cap * sizeof *p);

		if (!p) {
			fprintf(stderr, "fxbench: out of memory\n");
			exit(1);
		}
		s->ns = p;
		s->cap = cap;
	}
	s->ns[s->n++] = ns;
}

void samples_append(struct samples *dst, const struct samples *src)
{
	for (size_t i = 0; i < src->n; i++)
		samples_push(dst, src->ns[i]);
}

void samples_free(struct samples *s)
{
	free(s->ns);
	*s = (struct samples){ 0 };
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile by nearest rank, of sorted samples. */
static double quantile_us(const struct samples *s, double q)
{
	size_t rank;

	if (!s->n)
		return NAN;
	rank = (size_t)ceil(q * (double)s->n);
	if (rank < 1)
		rank = 1;
	if (q == 0.5 && s->n % 2 == 0)
		return ((double)s->ns[s->n / 2 - 1] + (double)s->ns[s->n / 2]) / 2e3;
	return (double)s->ns[rank - 1] / 1e3;
}

static const struct result *find_result(const struct cell *c, const char *name,
                                        int solo)
{
	for (size_t i = 0; i < c->nresults; i++)
		if (c->results[i].solo == solo && !strcmp(c->results[i].name, name))
			return &c->results[i];
	return NULL;
}

const struct result *bench_cell_result(const struct cell *c, const char *name)
{
	return find_result(c, name, 0);
}

const struct result *bench_cell_solo(const struct cell *c, const char *name)
{
	return find_result(c, name, 1);
}

void bench_finish_cell(struct cell *c)
{
	const struct result *floor;

	for (size_t i = 0; i < c->nresults; i++) {
		struct result *r = &c->results[i];

		r->median_us = r->p90_us = r->ratio = r->spawns_per_s = NAN;
		r->cpu_mean_us = r->cpu_ratio = NAN;
		if (r->cpu_n)
			r->cpu_mean_us = r->cpu_us / (double)r->cpu_n;
		if (!r->s.n)
			continue;
		qsort(r->s.ns, r->s.n, sizeof r->s.ns[0], cmp_u64);
		r->median_us = quantile_us(&r->s, 0.5);
		r->p90_us = quantile_us(&r->s, 0.9);
		if (r->busy_s > 0)
			r->spawns_per_s = (double)r->s.n / r->busy_s;
	}
	for (size_t i = 0; i < c->nresults; i++) {
		struct result *r = &c->results[i];

		floor = find_result(c, "floor", r->solo);
		if (floor && floor->s.n && r->s.n)
			r->ratio = r->median_us / floor->median_us;
		if (floor && floor->cpu_n && r->cpu_n)
			r->cpu_ratio = r->cpu_mean_us / floor->cpu_mean_us;
	}
}

/* ---- tables: built once, rendered as text or markdown ------------ */

#define TMAX_ROWS 24
#define TMAX_COLS 10 /* the baseline table has 9; a sweep up to BENCH_MAX_SWEEP_VALUES + 1 */

struct table {
	char title[256];
	int ncols, nrows;
	char head[TMAX_COLS][48];
	char cell[TMAX_ROWS][TMAX_COLS][64];
	char foot[512];
};

/* A table cell's text in markdown: a '|' would end the cell. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void table_render(const struct table *t, FILE *f, bool markdown)
{
	int w[TMAX_COLS] = { 0 };

	for (int c = 0; c < t->ncols; c++) {
		w[c] = (int)strlen(t->head[c]);
		for (int r = 0; r < t->nrows; r++)
			if ((int)strlen(t->cell[r][c]) > w[c])
				w[c] = (int)strlen(t->cell[r][c]);
	}
	if (markdown) {
		fprintf(f, "**%s**\n\n|", t->title);
		for (int c = 0; c < t->ncols; c++)
			fprintf(f, " %s |", t->head[c]);
		fprintf(f, "\n|");
		for (int c = 0; c < t->ncols; c++)
			fprintf(f, "%s|", c ? "---:" : "---");
		fprintf(f, "\n");
		for (int r = 0; r < t->nrows; r++) {
			fprintf(f, "|");
			for (int c = 0; c < t->ncols; c++) {
				fputc(' ', f);
				md_text(f, t->cell[r][c]);
				fprintf(f, " |");
			}
			fprintf(f, "\n");
		}
		if (t->foot[0])
			fprintf(f, "\n%s\n", t->foot);
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "\n%s\n", t->title);
	for (int c = 0; c < t->ncols; c++)
		fprintf(f, c ? "  %*s" : "  %-*s", w[c], t->head[c]);
	fprintf(f, "\n");
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++)
			fprintf(f, c ? "  %*s" : "  %-*s", w[c], t->cell[r][c]);
		fprintf(f, "\n");
	}
	if (t->foot[0])
		fprintf(f, "  %s\n", t->foot);
}

static void fmt_us(char *buf, size_t len, double us)
{
	if (isnan(us))
		snprintf(buf, len, "-");
	else if (us >= 10000)
		snprintf(buf, len, "%.0f", us);
	else if (us >= 100)
		snprintf(buf, len, "%.1f", us);
	else
		snprintf(buf, len, "%.2f", us);
}

static void fmt_ratio(char *buf, size_t len, double x)
{
	if (isnan(x))
		snprintf(buf, len, "-");
	else if (x >= 100)
		snprintf(buf, len, "%.0fx", x);
	else
		snprintf(buf, len, "%.2fx", x);
}

static void fmt_rate(char *buf, size_t len, double x)
{
	if (isnan(x))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", x);
}

/* A result that did not run shows why in its first numeric column. */
static const char *skip_text(const struct result *r)
{
	if (r->failures)
		return "FAILED";
	if (!r->ran)
		return "skipped";
	return NULL;
}

static const struct cell *find_cell(const char *sweep, int target, double mem,
                                    int fds, int threads)
{
	for (size_t i = 0; i < bench_ncells; i++) {
		const struct cell *c = &bench_cells[i];

		if (c->target == target && c->mem_gib == mem && c->fds == fds &&
		    c->threads == threads && (!sweep || !strcmp(c->sweep, sweep)))
			return c;
	}
	return NULL;
}

/* The baseline cell: 0 GiB, 3 fds, 1 thread, peers included. */
static int table_base(struct table *t, int target)
{
	const struct cell *c = find_cell("base", target, 0, 3, 1);

	if (!c)
		return -1;
	*t = (struct table){ .ncols = 9 };
	snprintf(t->title, sizeof t->title,
	         "%s: parent 0 GiB, 3 fds, 1 thread",
	         bench_targets[target].label);
	strcpy(t->head[0], "strategy");
	strcpy(t->head[1], "n");
	strcpy(t->head[2], "median us");
	strcpy(t->head[3], "p90 us");
	strcpy(t->head[4], "x floor");
	strcpy(t->head[5], "p90 x floor");
	strcpy(t->head[6], "spawns/s");
	strcpy(t->head[7], "CPU us");
	strcpy(t->head[8], "CPU x floor");
	for (size_t i = 0; i < c->nresults && t->nrows < TMAX_ROWS; i++) {
		const struct result *r = &c->results[i];
		const struct result *fl = bench_cell_result(c, "floor");
		char (*row)[64] = t->cell[t->nrows++];
		const char *skip = skip_text(r);

		snprintf(row[0], 64, "%s", r->label);
		if (skip) {
			snprintf(row[1], 64, "%s", skip);
			for (int k = 2; k < 9; k++)
				strcpy(row[k], "");
			continue;
		}
		snprintf(row[1], 64, "%zu", r->s.n);
		fmt_us(row[7], 64, r->cpu_mean_us);
		fmt_ratio(row[8], 64, r->cpu_ratio);
		fmt_us(row[2], 64, r->median_us);
		fmt_us(row[3], 64, r->p90_us);
		fmt_ratio(row[4], 64, r->ratio);
		fmt_ratio(row[5], 64, fl && fl->s.n ? r->p90_us / fl->p90_us : NAN);
		fmt_rate(row[6], 64, r->spawns_per_s);
	}
	return 0;
}

/* Distinct values of one dimension among the cells of a sweep. */
size_t bench_sweep_values(const char *sweep, int target, bool mem, double *v,
                           size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < bench_ncells; i++) {
		const struct cell *c = &bench_cells[i];
		double x = mem ? c->mem_gib : c->fds;
		bool seen = false;

		if (c->target != target || c->threads != 1)
			continue;
		if (strcmp(c->sweep, sweep) && strcmp(c->sweep, "base"))
			continue;
		for (size_t k = 0; k < n; k++)
			seen |= v[k] == x;
		if (!seen && n < max)
			v[n++] = x;
	}
	/* insertion sort: a handful of values */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--) {
			double tmp = v[k];
			v[k] = v[k - 1];
			v[k - 1] = tmp;
		}
	return n;
}

const struct cell *bench_sweep_cell(const char *sweep, int target, bool mem,
                                     double x)
{
	const struct cell *c = mem ? find_cell(sweep, target, x, 3, 1)
	                           : find_cell(sweep, target, 0, (int)x, 1);

	return c ? c : (mem ? find_cell("base", target, x, 3, 1)
	                    : find_cell("base", target, 0, (int)x, 1));
}

bool bench_sweep_has(const char *sweep, int target, const char *name)
{
	for (size_t i = 0; i < bench_ncells; i++) {
		const struct cell *c = &bench_cells[i];

		if (c->target == target && !strcmp(c->sweep, sweep) &&
		    bench_cell_result(c, name))
			return true;
	}
	return false;
}

/*
 * Strategies down, sweep values across: "median us (x floor)".  A
 * strategy with no row in the sweep's own cells (one that runs only where
 * user namespaces are measured) has none here either.
 */
static int table_sweep(struct table *t, const char *sweep, int target, bool mem)
{
	double v[TMAX_COLS - 1];
	size_t nv = bench_sweep_values(sweep, target, mem, v, TMAX_COLS - 1);

	if (nv < 2)
		return -1;
	*t = (struct table){ .ncols = (int)nv + 1 };
	snprintf(t->title, sizeof t->title,
	         "%s: median us (x floor) against parent %s, 1 thread",
	         bench_targets[target].label,
	         mem ? "resident memory, 3 fds" : "open descriptors, 0 GiB");
	strcpy(t->head[0], "strategy");
	for (size_t k = 0; k < nv; k++) {
		if (mem)
			bench_mem_label(v[k], t->head[k + 1], sizeof t->head[0]);
		else
			snprintf(t->head[k + 1], sizeof t->head[0], "%.0f fds", v[k]);
	}
	for (size_t i = 0; i < bench_nstrategies && t->nrows < TMAX_ROWS; i++) {
		char (*row)[64];

		if (!bench_sweep_has(sweep, target, bench_strategies[i].name))
			continue;
		row = t->cell[t->nrows++];
		snprintf(row[0], 64, "%s", bench_strategies[i].label);
		for (size_t k = 0; k < nv; k++) {
			const struct cell *c = bench_sweep_cell(sweep, target, mem, v[k]);
			const struct result *r = c ? bench_cell_result(c, bench_strategies[i].name) : NULL;
			char us[24], x[24];

			if (!r || skip_text(r)) {
				snprintf(row[k + 1], 64, "%s", r ? skip_text(r) : "-");
				continue;
			}
			fmt_us(us, sizeof us, r->median_us);
			fmt_ratio(x, sizeof x, r->ratio);
			snprintf(row[k + 1], 64, "%s (%s)", us, x);
		}
	}
	return 0;
}

static int table_threads(struct table *t, int target)
{
	const struct cell *c = find_cell("threads", target, 0, 3, 2);

	if (!c)
		return -1;
	*t = (struct table){ .ncols = 6 };
	snprintf(t->title, sizeof t->title,
	         "%s: spawns per second, 1 and 2 spawning threads side by side (0 GiB, 3 fds)",
	         bench_targets[target].label);
	strcpy(t->head[0], "strategy");
	strcpy(t->head[1], "1 thread/s");
	strcpy(t->head[2], "2 threads/s");
	strcpy(t->head[3], "2 vs 1");
	strcpy(t->head[4], "1-thr median us");
	strcpy(t->head[5], "2-thr median us");
	for (size_t i = 0; i < bench_nstrategies && t->nrows < TMAX_ROWS; i++) {
		const struct result *a = bench_cell_solo(c, bench_strategies[i].name);
		const struct result *b = bench_cell_result(c, bench_strategies[i].name);
		char (*row)[64];

		if (!b) /* not run in this cell at all */
			continue;
		row = t->cell[t->nrows++];
		snprintf(row[0], 64, "%s", bench_strategies[i].label);
		if (!a || !b || skip_text(a) || skip_text(b)) {
			snprintf(row[1], 64, "%s", b && skip_text(b) ? skip_text(b) : "-");
			for (int k = 2; k < 6; k++)
				strcpy(row[k], "");
			continue;
		}
		fmt_rate(row[1], 64, a->spawns_per_s);
		fmt_rate(row[2], 64, b->spawns_per_s);
		fmt_ratio(row[3], 64, b->spawns_per_s / a->spawns_per_s);
		fmt_us(row[4], 64, a->median_us);
		fmt_us(row[5], 64, b->median_us);
	}
	return 0;
}

static int table_syscalls(struct table *t)
{
	if (!bench_nsyscounts)
		return -1;
	*t = (struct table){ .ncols = 4 };
	snprintf(t->title, sizeof t->title,
	         "System calls per spawn of the tiny program (strace -f -c, parent and child)");
	strcpy(t->head[0], "strategy");
	strcpy(t->head[1], "all");
	strcpy(t->head[2], "spawn to release");
	strcpy(t->head[3], "besides execve/wait");
	for (size_t i = 0; i < bench_nsyscounts && t->nrows < TMAX_ROWS; i++) {
		const struct syscount *s = &bench_syscounts[i];
		char (*row)[64] = t->cell[t->nrows++];

		if (s->fds > 3)
			snprintf(row[0], 64, "%s, %d fds", bench_strategy_find(s->strategy)->label,
			         s->fds);
		else
			snprintf(row[0], 64, "%s", bench_strategy_find(s->strategy)->label);
		if (!s->ran) {
			snprintf(row[1], 64, "skipped");
			strcpy(row[2], "");
			strcpy(row[3], "");
			continue;
		}
		snprintf(row[1], 64, "%.1f", s->total);
		snprintf(row[2], 64, "%.1f", s->spawn);
		snprintf(row[3], 64, "%.1f", s->other);
	}
	snprintf(t->foot, sizeof t->foot,
	         "\"all\" includes the tiny program's own exit; \"spawn to release\" "
	         "is all but that exit (the target); \"besides execve/wait\" also "
	         "leaves out execve and wait4/waitid.  The calls, per spawn:");
	return 0;
}

static void syscall_details(FILE *f, bool markdown)
{
	for (size_t i = 0; i < bench_nsyscounts; i++) {
		const struct syscount *s = &bench_syscounts[i];

		if (!s->ran)
			continue;
		char name[64];

		snprintf(name, sizeof name, s->fds > 3 ? "%s (%d fds)" : "%s", s->strategy,
		         s->fds);
		fprintf(f, markdown ? "- `%s`: %s\n" : "  %-36s %s\n", name, s->detail);
	}
	if (markdown)
		fprintf(f, "\n");
}

/* ---- targets ----------------------------------------------------- */

struct verdict {
	char what[160];
	char value[200];
	bool known;
	bool info;          /* a figure with no target: INFO, never PASS/MISS */
	bool pass;
};

#define MAX_TARGETS 20

/* Median of `name` in cell a over the same in cell b. */
static double ratio_of(const struct cell *a, const struct cell *b, const char *name)
{
	const struct result *x = a ? bench_cell_result(a, name) : NULL;
	const struct result *y = b ? bench_cell_result(b, name) : NULL;

	if (!x || !y || !x->s.n || !y->s.n || x->failures || y->failures)
		return NAN;
	return x->median_us / y->median_us;
}

static double floor_ratio(const struct cell *c, const char *name)
{
	const struct result *r = c ? bench_cell_result(c, name) : NULL;

	return r && r->s.n && !r->failures ? r->ratio : NAN;
}

static void verdict(struct verdict *v, double x, double limit, bool at_most,
                    const char *unit)
{
	v->known = !isnan(x);
	if (!v->known) {
		snprintf(v->value, sizeof v->value, "not measured");
		return;
	}
	v->pass = at_most ? x <= limit : x >= limit;
	if (v->pass)
		snprintf(v->value, sizeof v->value, "%.3g%s (target %s %.3g%s)", x,
		         unit, at_most ? "<=" : ">=", limit, unit);
	else
		snprintf(v->value, sizeof v->value, "%.3g%s (target %s %.3g%s: %.1f%% %s)",
		         x, unit, at_most ? "<=" : ">=", limit, unit,
		         fabs(x / limit - 1) * 100, at_most ? "over" : "short");
}

/* The CPU-time ratio beside a wall-time one: steadier on a busy machine. */
static void add_cpu_ratio(struct verdict *v, const struct cell *c)
{
	const struct result *r = c ? bench_cell_result(c, "fx_default") : NULL;
	char buf[64];

	if (!v->known || !r || isnan(r->cpu_ratio))
		return;
	snprintf(buf, sizeof buf, "; CPU time %.3gx", r->cpu_ratio);
	strncat(v->value, buf, sizeof v->value - strlen(v->value) - 1);
}

/* A strategy's result in a cell, if it ran there without a failure. */
static const struct result *measured(const struct cell *c, const char *name)
{
	const struct result *r = c ? bench_cell_result(c, name) : NULL;

	return r && r->s.n && !r->failures ? r : NULL;
}

/*
 * Ours against glibc's in the same cell, the same rounds: a ratio of
 * medians, with the ratio of mean CPU times beside it.
 */
static void vs_glibc(struct verdict *v, const struct cell *c, const char *fx,
                     const char *glibc, double limit)
{
	const struct result *a = measured(c, fx), *b = measured(c, glibc);
	char buf[64];

	verdict(v, a && b ? a->median_us / b->median_us : NAN, limit, true, "x");
	if (!v->known || !a->cpu_n || !b->cpu_n)
		return;
	snprintf(buf, sizeof buf, "; CPU time %.3gx", a->cpu_mean_us / b->cpu_mean_us);
	strncat(v->value, buf, sizeof v->value - strlen(v->value) - 1);
}

static const struct syscount *syscount_of(const char *strategy, int fds)
{
	for (size_t i = 0; i < bench_nsyscounts; i++)
		if (!strcmp(bench_syscounts[i].strategy, strategy) &&
		    bench_syscounts[i].fds == fds && bench_syscounts[i].ran)
			return &bench_syscounts[i];
	return NULL;
}

/* fx_sandbox's median over bwrap_sandbox's, in one cell. */
static double sandbox_vs_bwrap(const struct cell *c)
{
	const struct result *fx = c ? bench_cell_result(c, "fx_sandbox") : NULL;
	const struct result *bw = c ? bench_cell_result(c, "bwrap_sandbox") : NULL;

	if (!fx || !bw || !fx->s.n || !bw->s.n || fx->failures || bw->failures)
		return NAN;
	return fx->median_us / bw->median_us;
}

/* The top of the memory sweep among the user-namespace cells. */
static const struct cell *userns_top(void)
{
	const struct cell *top = NULL;

	for (size_t i = 0; i < bench_ncells; i++) {
		const struct cell *c = &bench_cells[i];

		if (c->target == TGT_TINY && c->threads == 1 && c->userns && c->fds == 3 &&
		    c->mem_gib > 0 && (!top || c->mem_gib > top->mem_gib))
			top = c;
	}
	return top;
}

/*
 * The sandbox figures on one line, as the issue that asked for them
 * reads them: `sandbox: fx_sandbox/bwrap = 0.NN, fx_sandbox 8 GiB/0 GiB
 * = N.NN` ("unknown" for a figure not measured).
 */
static void print_sandbox_line(void)
{
	const struct cell *tiny0 = find_cell("base", TGT_TINY, 0, 3, 1);
	const struct cell *top = userns_top();
	double a = sandbox_vs_bwrap(tiny0), b = ratio_of(top, tiny0, "fx_sandbox");
	char mem[32], x[16], y[16];

	if (!tiny0 || !bench_cell_result(tiny0, "fx_sandbox"))
		return;
	snprintf(x, sizeof x, isnan(a) ? "unknown" : "%.2f", a);
	snprintf(y, sizeof y, isnan(b) ? "unknown" : "%.2f", b);
	printf("\nsandbox: fx_sandbox/bwrap = %s, fx_sandbox %s/0 GiB = %s\n", x,
	       top ? bench_mem_label(top->mem_gib, mem, sizeof mem) : "(no memory sweep)", y);
}

/* Fills v[0 .. MAX_TARGETS - 1] at most; returns how many. */
static size_t targets(struct verdict *v)
{
	const struct cell *tiny0 = find_cell("base", TGT_TINY, 0, 3, 1);
	const struct cell *true0 = find_cell("base", TGT_TRUE, 0, 3, 1);
	const struct cell *big = NULL, *fds = NULL, *nsbig = NULL;
	const struct syscount *sc = NULL;
	char mem[32];
	size_t n = 0;

	memset(v, 0, MAX_TARGETS * sizeof *v);
	for (size_t i = 0; i < bench_ncells; i++) {
		const struct cell *c = &bench_cells[i];

		if (c->target != TGT_TINY || c->threads != 1)
			continue;
		if (c->fds == 3 && c->mem_gib > 0 && (!big || c->mem_gib > big->mem_gib))
			big = c;
		if (c->mem_gib == 0 && c->fds > 3 && (!fds || c->fds > fds->fds))
			fds = c;
		/*
		 * The memory sweep's last level: big's, unless memory became
		 * scarcer or freer than main.c foresaw during the sweep.
		 */
		if (c->userns && c->fds == 3 && c->mem_gib > 0 &&
		    (!nsbig || c->mem_gib > nsbig->mem_gib))
			nsbig = c;
	}
	sc = syscount_of("fx_default", 3);

	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: fx_spawn (defaults) median vs the floor");
	verdict(&v[n], floor_ratio(tiny0, "fx_default"), 1.05, true, "x");
	add_cpu_ratio(&v[n], tiny0);
	n++;
	snprintf(v[n].what, sizeof v[n].what,
	         "/bin/true: fx_spawn (defaults) median vs the floor");
	verdict(&v[n], floor_ratio(true0, "fx_default"), 1.02, true, "x");
	add_cpu_ratio(&v[n], true0);
	n++;
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: fx_spawn (defaults) with the parent at %s vs 0 GiB",
	         big ? bench_mem_label(big->mem_gib, mem, sizeof mem) : "16 GiB");
	verdict(&v[n], ratio_of(big, tiny0, "fx_default"), 1.05, true, "x");
	if (v[n].known) {
		/* The same, each cell divided by its own floor: drift cancels. */
		char norm[64];

		snprintf(norm, sizeof norm, "; %.3gx with each over its floor",
		         floor_ratio(big, "fx_default") / floor_ratio(tiny0, "fx_default"));
		strncat(v[n].value, norm, sizeof v[n].value - strlen(v[n].value) - 1);
	}
	if (big && big->mem_gib < 16)
		strncat(v[n].value, " [memory capped below 16 GiB]",
		        sizeof v[n].value - strlen(v[n].value) - 1);
	n++;
	/*
	 * A new user namespace with maps: forkexec's child waits on our
	 * memory while we write them, where a fork-based spawner copies the
	 * page tables first.  Ours against itself at 0 GiB, then, as
	 * information, the fork-based one against ours, both at the top.
	 */
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: fx_spawn into a new user ns, parent at %s vs 0 GiB",
	         nsbig ? bench_mem_label(nsbig->mem_gib, mem, sizeof mem) : "16 GiB");
	verdict(&v[n], ratio_of(nsbig, tiny0, "fx_userns"), 1.10, true, "x");
	if (v[n].known) {
		const struct result *a = measured(nsbig, "fx_userns");
		const struct result *b = measured(tiny0, "fx_userns");
		char buf[96];

		snprintf(buf, sizeof buf, "; %.3gx with each over its floor",
		         floor_ratio(nsbig, "fx_userns") / floor_ratio(tiny0, "fx_userns"));
		strncat(v[n].value, buf, sizeof v[n].value - strlen(v[n].value) - 1);
		if (a->cpu_n && b->cpu_n) {
			snprintf(buf, sizeof buf, "; CPU time %.3gx",
			         a->cpu_mean_us / b->cpu_mean_us);
			strncat(v[n].value, buf, sizeof v[n].value - strlen(v[n].value) - 1);
		}
		if (nsbig->mem_gib < 16)
			strncat(v[n].value, " [memory capped below 16 GiB]",
			        sizeof v[n].value - strlen(v[n].value) - 1);
	}
	n++;
	{
		const struct result *fx = measured(nsbig, "fx_userns");
		const struct result *fk = measured(nsbig, "fork_userns");
		const struct result *fx0 = measured(tiny0, "fx_userns");
		const struct result *fk0 = measured(tiny0, "fork_userns");
		char x[24], a[24], b[24], x0[24];

		snprintf(v[n].what, sizeof v[n].what,
		         "tiny at %s: fork+unshare+maps (Go's way) vs fx_spawn, user ns",
		         nsbig ? bench_mem_label(nsbig->mem_gib, mem, sizeof mem) : "16 GiB");
		v[n].info = true;
		v[n].known = fx && fk;
		if (!v[n].known) {
			snprintf(v[n].value, sizeof v[n].value, "not measured");
		} else {
			fmt_ratio(x, sizeof x, fk->median_us / fx->median_us);
			fmt_us(a, sizeof a, fk->median_us);
			fmt_us(b, sizeof b, fx->median_us);
			fmt_ratio(x0, sizeof x0, fx0 && fk0 ? fk0->median_us / fx0->median_us
			                                    : NAN);
			snprintf(v[n].value, sizeof v[n].value,
			         "%s: %s us against %s us (at 0 GiB: %s)", x, a, b, x0);
		}
		n++;
	}
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: fx_spawn (defaults, closes fds) with %d fds vs 3",
	         fds ? fds->fds : 10000);
	verdict(&v[n], ratio_of(fds, tiny0, "fx_default"), 1.15, true, "x");
	n++;
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: fx_spawn (defaults) spawns/s, 2 threads vs 1");
	{
		const struct cell *c = find_cell("threads", TGT_TINY, 0, 3, 2);
		const struct result *two = c ? bench_cell_result(c, "fx_default") : NULL;
		const struct result *one = c ? bench_cell_solo(c, "fx_default") : NULL;

		verdict(&v[n], two && one && two->s.n && one->s.n && !two->failures &&
		               !one->failures ? two->spawns_per_s / one->spawns_per_s : NAN,
		        1.9, false, "x");
	}
	n++;
	snprintf(v[n].what, sizeof v[n].what,
	         "syscalls, fx_spawn to fx_proc_free (defaults), execve and wait in");
	verdict(&v[n], sc ? sc->spawn : NAN, 9, true, "");
	n++;

	/* The sandbox: ours against bwrap with the same options, and ours
	 * from the largest parent against itself at 0 GiB. */
	snprintf(v[n].what, sizeof v[n].what,
	         "sandbox: fx_spawn (view, user+mount+pid ns) vs bwrap, same run");
	verdict(&v[n], sandbox_vs_bwrap(tiny0), 0.5, true, "x");
	n++;
	snprintf(v[n].what, sizeof v[n].what, "sandbox: fx_spawn with the parent at %s vs 0 GiB",
	         nsbig ? bench_mem_label(nsbig->mem_gib, mem, sizeof mem) : "16 GiB");
	verdict(&v[n], ratio_of(nsbig, tiny0, "fx_sandbox"), 1.10, true, "x");
	n++;

	/* The POSIX layer against glibc's posix_spawn, cell by cell. */
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: fx_posix_spawn median vs glibc posix_spawn");
	vs_glibc(&v[n++], tiny0, "fx_posix_spawn", "posix_spawn", 0.80);
	snprintf(v[n].what, sizeof v[n].what,
	         "/bin/true: fx_posix_spawn median vs glibc posix_spawn");
	vs_glibc(&v[n++], true0, "fx_posix_spawn", "posix_spawn", 1.00);
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny: chdir+setsid+3 fds, fx_posix_spawn vs glibc posix_spawn");
	vs_glibc(&v[n++], tiny0, "fx_posix_spawn_typical", "posix_spawn_typical", 0.80);
	snprintf(v[n].what, sizeof v[n].what,
	         "tiny, %d fds: closefrom(3), fx_posix_spawn vs glibc posix_spawn",
	         fds ? fds->fds : 10000);
	vs_glibc(&v[n], fds, "fx_posix_spawn_closefrom", "posix_spawn_closefrom", 0.20);
	{
		/*
		 * The part that grows with the table, beside the whole: a spawn
		 * of the tiny program costs about the floor whatever it closes.
		 */
		const struct result *f3 = measured(tiny0, "fx_posix_spawn_closefrom");
		const struct result *g3 = measured(tiny0, "posix_spawn_closefrom");
		const struct result *fm = measured(fds, "fx_posix_spawn_closefrom");
		const struct result *gm = measured(fds, "posix_spawn_closefrom");
		char buf[96];

		if (v[n].known && f3 && g3) {
			snprintf(buf, sizeof buf, "; over 3 fds: fx %+.0f us, glibc %+.0f us",
			         fm->median_us - f3->median_us, gm->median_us - g3->median_us);
			strncat(v[n].value, buf, sizeof v[n].value - strlen(v[n].value) - 1);
		}
	}
	n++;
	{
		const struct syscount *g = syscount_of("posix_spawn", 3);
		const struct syscount *f = syscount_of("fx_posix_spawn", 3);
		const struct syscount *gt = syscount_of("posix_spawn_typical", 3);
		const struct syscount *ft = syscount_of("fx_posix_spawn_typical", 3);

		snprintf(v[n].what, sizeof v[n].what,
		         "syscalls per spawn, fx_posix_spawn vs glibc posix_spawn");
		v[n].info = true;
		v[n].known = g && f;
		if (!v[n].known)
			snprintf(v[n].value, sizeof v[n].value, "not measured");
		else if (gt && ft)
			snprintf(v[n].value, sizeof v[n].value,
			         "glibc makes %.3g, fx_posix_spawn makes %.3g (with "
			         "chdir+setsid+3 fds: %.3g and %.3g)",
			         g->spawn, f->spawn, gt->spawn, ft->spawn);
		else
			snprintf(v[n].value, sizeof v[n].value,
			         "glibc makes %.3g, fx_posix_spawn makes %.3g",
			         g->spawn, f->spawn);
		n++;
	}
	return n;
}

static const char *verdict_word(const struct verdict *v)
{
	return !v->known ? "----" : v->info ? "INFO" : v->pass ? "PASS" : "MISS";
}

void bench_print_targets(void)
{
	struct verdict v[MAX_TARGETS];
	size_t n = targets(v);

	printf("\nTargets (information only; never fails the run%s):\n",
	       opt.quick ? "; --quick: too few samples to mean anything" : "");
	for (size_t i = 0; i < n; i++)
		printf("  %-4s %-66s %s\n", verdict_word(&v[i]), v[i].what, v[i].value);
	print_sandbox_line();
}

/* ---- output ------------------------------------------------------ */

static void render_all(FILE *f, bool markdown)
{
	struct table *t = malloc(sizeof *t);

	if (!t)
		return;
	for (int k = 0; k < TGT_COUNT; k++)
		if (table_base(t, k) == 0)
			table_render(t, f, markdown);
	for (int k = 0; k < TGT_COUNT; k++)
		if (table_sweep(t, "memory", k, true) == 0)
			table_render(t, f, markdown);
	for (int k = 0; k < TGT_COUNT; k++)
		if (table_sweep(t, "fds", k, false) == 0)
			table_render(t, f, markdown);
	for (int k = 0; k < TGT_COUNT; k++)
		if (table_threads(t, k) == 0)
			table_render(t, f, markdown);
	if (table_syscalls(t) == 0) {
		table_render(t, f, markdown);
		syscall_details(f, markdown);
	}
	free(t);
}

void bench_print_tables(void)
{
	render_all(stdout, false);
	/* Notes of skipped contestants, once each. */
	printf("\nNotes:\n");
	for (size_t i = 0; i < bench_ncells; i++)
		for (size_t k = 0; k < bench_cells[i].nresults; k++) {
			const struct result *r = &bench_cells[i].results[k];
			bool seen = false;

			if (!r->note)
				continue;
			for (size_t j = 0; j < i && !seen; j++) {
				const struct result *o = bench_cell_result(&bench_cells[j], r->name);
				seen = o && o->note && !strcmp(o->note, r->note);
			}
			for (size_t j = 0; j < k && !seen; j++)
				seen = bench_cells[i].results[j].note &&
				       !strcmp(bench_cells[i].results[j].note, r->note);
			if (!seen)
				printf("  %s: %s\n", r->name, r->note);
		}
	for (size_t i = 0; i < bench_nsyscounts; i++)
		if (bench_syscounts[i].note && !bench_syscounts[i].ran)
			printf("  syscalls %s: %s\n", bench_syscounts[i].strategy,
			       bench_syscounts[i].note);
}

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int bench_write_csv(const char *path)
{
	FILE *f = fopen(path, "we");
	char sc_path[1024];

	if (!f) {
		fprintf(stderr, "fxbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "sweep,target,strategy,kind,mem_gib,fds,threads,n,median_us,"
	           "p90_us,ratio_to_floor,spawns_per_s,cpu_us,cpu_ratio_to_floor,"
	           "failures,note\n");
	for (size_t i = 0; i < bench_ncells; i++) {
		const struct cell *c = &bench_cells[i];

		for (size_t k = 0; k < c->nresults; k++) {
			const struct result *r = &c->results[k];

			fprintf(f, "%s,%s,%s,%s,%g,%d,%d,%zu,", c->sweep,
			        bench_targets[c->target].name, r->name,
			        r->is_peer ? "peer" : "in-process", c->mem_gib, c->fds,
			        r->solo ? 1 : c->threads, r->s.n);
			if (r->s.n)
				fprintf(f, "%.3f,%.3f,%.4f,%.1f,", r->median_us, r->p90_us,
				        r->ratio, r->spawns_per_s);
			else
				fprintf(f, ",,,,");
			if (r->cpu_n)
				fprintf(f, "%.3f,%.4f,", r->cpu_mean_us, r->cpu_ratio);
			else
				fprintf(f, ",,");
			fprintf(f, "%ld,", r->failures);
			csv_field(f, r->note);
			fputc('\n', f);
		}
	}
	fclose(f);

	snprintf(sc_path, sizeof sc_path, "%s/syscalls.csv", opt.out_dir);
	if (!(f = fopen(sc_path, "we")))
		return -1;
	fprintf(f, "strategy,fds,total,spawn,excluded,other,detail,note\n");
	for (size_t i = 0; i < bench_nsyscounts; i++) {
		const struct syscount *s = &bench_syscounts[i];

		fprintf(f, "%s,%d,", s->strategy, s->fds);
		if (s->ran)
			fprintf(f, "%.2f,%.2f,%.2f,%.2f,", s->total, s->spawn, s->excluded,
			        s->other);
		else
			fprintf(f, ",,,,");
		csv_field(f, s->detail);
		fputc(',', f);
		csv_field(f, s->note);
		fputc('\n', f);
	}
	fclose(f);
	return 0;
}

void bench_loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "re");
	double a = 0, b = 0, c = 0;

	if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
		snprintf(buf, len, "%.2f %.2f %.2f", a, b, c);
	else
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
}

static const char *libc_version(void)
{
#ifdef __GLIBC__
	static char buf[64];

	snprintf(buf, sizeof buf, "glibc %s", gnu_get_libc_version());
	return buf;
#else
	return "libc: not glibc (musl?)";
#endif
}

/* The first line of a command's output, or "-". */
static void cmd_output(const char *cmd, char *buf, size_t len)
{
	char full[512];
	FILE *p;

	snprintf(full, sizeof full, "(%s) 2>/dev/null", cmd);
	buf[0] = 0;
	if ((p = popen(full, "r"))) {
		if (!fgets(buf, (int)len, p))
			buf[0] = 0;
		pclose(p);
	}
	buf[strcspn(buf, "\n")] = 0;
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];

	snprintf(buf, len, "-");
	while (f && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
}

int bench_write_markdown(const char *path)
{
	FILE *f = fopen(path, "we");
	char date[64], cpu[256], py[128], go[128], load_end[64];
	struct verdict v[MAX_TARGETS];
	struct utsname u;
	time_t now = time(NULL);
	size_t n;

	if (!f) {
		fprintf(stderr, "fxbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	bench_loadavg(load_end, sizeof load_end);
	uname(&u);
	cpu_model(cpu, sizeof cpu);
	cmd_output("python3 --version", py, sizeof py);
	cmd_output("go version", go, sizeof go);

	fprintf(f, "Run of %s with `%s` (%.1f s; load average %s at the start, %s at the end).\n\n",
	        date, opt.command, opt.elapsed_s, opt.load_start, load_end);
	fprintf(f, "Machine: %s %s %s, %ld CPUs (%s), %.0f GiB; %s; %s; %s.\n\n",
	        u.sysname, u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), cpu,
	        (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) /
	        (1024.0 * 1024 * 1024),
	        libc_version(), py, go);
	render_all(f, true);
	n = targets(v);
	fprintf(f, "**Targets** (information only)\n\n| target | result | |\n|---|---|---|\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "| %s | %s | %s |\n", v[i].what, v[i].value,
		        !v[i].known ? "-" : v[i].info ? "info" : v[i].pass ? "PASS" : "MISS");
	fclose(f);
	return 0;
}
