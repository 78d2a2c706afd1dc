/* SPDX-License-Identifier: MIT */
/*
 * fxbench: how long spawn-then-wait takes, for forkexec and for the ways
 * a C program (or Python, or Go) usually starts a process.
 *
 * One concern per file:
 *   main.c        options, the plan of the run, the modes
 *   strategies.c  the in-process ways to spawn and wait, the floor included
 *   runner.c      one cell: interleaved rounds, time budgets, threads
 *   sweeps.c      the parent's state: resident memory, open descriptors
 *   peers.c       Python's subprocess and Go's os/exec, in their own processes
 *   syscount.c    system calls per spawn, counted by strace
 *   report.c      statistics, tables, CSV, markdown, targets
 *   figures.c     the gnuplot figures
 */
#ifndef FXBENCH_H
#define FXBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_THREADS 2
#define BENCH_MAX_CONTESTANTS 32
#define BENCH_MAX_CELLS 64
#define BENCH_MAX_SWEEP_VALUES 7

/* ------------------------------------------------------------------ */
/* What is spawned                                                     */
/* ------------------------------------------------------------------ */

enum { TGT_TINY, TGT_TRUE, TGT_COUNT };

struct target {
	const char *name;  /* "tiny", "true": CSV and command line */
	const char *label; /* what the tables show */
	const char *path;
	char *argv[2];
};

extern struct target bench_targets[TGT_COUNT];

/* ------------------------------------------------------------------ */
/* In-process strategies (strategies.c)                                */
/* ------------------------------------------------------------------ */

/* What a strategy may use and where it explains a failure. */
struct spawn_ctx {
	int worker;      /* 0 .. BENCH_MAX_THREADS - 1 */
	char why[384];   /* set on failure */
};

struct strategy {
	const char *name;  /* id on the command line and in the CSV */
	const char *label; /* what the tables show */
	/*
	 * Spawns `t`, waits for it and returns its wait status (0 when it
	 * exited 0), or a negative errno with ctx->why filled.
	 */
	int (*run)(const struct target *t, struct spawn_ctx *ctx);
	/* NULL when the strategy can run here; else why it is skipped. */
	const char *(*unavailable)(void);
	bool is_floor;
	/* It forks: the parent's pages are left copy-on-write shared until
	 * the runner settles them (runner.c). */
	bool forks;
	/*
	 * It spawns into a new user namespace: it runs only in the cells
	 * marked userns (the baseline and the top of the memory sweep),
	 * which its target compares, and has no row elsewhere: the fork-based
	 * one costs as much as fork at 16 GiB, and the descriptor and thread
	 * cells would tell nothing about namespaces.
	 */
	bool userns;
};

extern const struct strategy bench_strategies[];
extern const size_t bench_nstrategies;

/* Opens what the strategies need (the /dev/null descriptors, attributes). */
int bench_strategies_init(void);
const struct strategy *bench_strategy_find(const char *name);

/* ------------------------------------------------------------------ */
/* External peers (peers.c)                                            */
/* ------------------------------------------------------------------ */

struct peer {
	const char *name;
	const char *label;
	/* argv prefix; the runner appends the target and the budget */
	const char *argv[4];
	const char *skip; /* non-NULL: why it is skipped */
};

enum { PEER_PYTHON, PEER_GO, PEER_COUNT };
extern struct peer bench_peers[PEER_COUNT];

/* Finds python3 and the Go program; marks the missing ones skipped. */
void bench_peers_init(const char *python_script, const char *go_program);

struct samples;
/*
 * Runs `p` against `t` for about budget_ms (at least min_n spawns) and
 * appends its per-spawn times.  Returns 0, or -1 with why filled.
 */
int bench_peer_run(const struct peer *p, const struct target *t,
                   double budget_ms, int min_n, struct samples *out,
                   char *why, size_t whylen);

/* ------------------------------------------------------------------ */
/* Samples and results (report.c)                                      */
/* ------------------------------------------------------------------ */

struct samples {
	uint64_t *ns;
	size_t n, cap;
};

void samples_push(struct samples *s, uint64_t ns);
void samples_append(struct samples *dst, const struct samples *src);
void samples_free(struct samples *s);

/* One line of the results: one contestant in one cell. */
struct result {
	const char *name;   /* strategy or peer id */
	const char *label;
	bool is_peer;
	bool is_floor;
	bool ran;           /* false: skipped, see note */
	/*
	 * 0: runs with the cell's thread count.  1: the single-threaded twin
	 * a multi-threaded cell runs in the same rounds, so that "2 threads
	 * vs 1" compares slices taken side by side, not minutes apart.
	 */
	int solo;
	const char *note;
	struct samples s;
	double busy_s;      /* wall time of its slices */
	double cpu_us;      /* CPU time (parent thread + child) of cpu_n spawns */
	long cpu_n;
	long failures;
	/* computed by bench_finish_cell */
	double median_us, p90_us, ratio, spawns_per_s;
	double cpu_mean_us, cpu_ratio; /* NAN with 2 threads and for peers */
};

struct cell {
	int target;         /* TGT_* */
	double mem_gib;
	int fds;
	int threads;
	const char *sweep;  /* "base", "memory", "fds", "threads" */
	bool userns;        /* the userns strategies run here too */
	size_t nresults;
	struct result results[BENCH_MAX_CONTESTANTS];
};

extern struct cell bench_cells[BENCH_MAX_CELLS];
extern size_t bench_ncells;

/* Medians, p90s, spawns per second, ratios to the floor. */
void bench_finish_cell(struct cell *c);
const struct result *bench_cell_result(const struct cell *c, const char *name);
/* The single-threaded twin of `name` in a multi-threaded cell, or NULL. */
const struct result *bench_cell_solo(const struct cell *c, const char *name);

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

struct options {
	bool quick;
	double budget_s;     /* per contestant per cell */
	double slice_ms;     /* a turn with 2 threads (and its 1-thread twin) */
	int min_samples;
	long max_samples;
	int max_mem_gib;
	bool peers;
	bool pin;            /* 1-thread cells on one CPU (see runner.c) */
	bool syscalls;
	int syscall_n;
	const char *out_dir;
	const char *figures_to;
	const char *only;    /* comma-separated strategies, or NULL for all */
	const char *sweeps;  /* comma-separated sweeps, or NULL for all */
	const char *tiny;
	const char *python_script;
	const char *go_program;
	const char *self;    /* this program, for the strace runs */
	char command[1024];  /* the command line as typed, for the report */
	char load_start[64]; /* /proc/loadavg when the run began */
	double elapsed_s;    /* of the whole run, for the report */
};

extern struct options opt;

/* runner.c: fills `c` by interleaved rounds.  Returns the failures seen. */
long bench_run_cell(struct cell *c, bool with_peers);

/* sweeps.c */
int bench_mem_set(double gib);       /* grows (or shrinks) the resident ballast */
double bench_mem_now(void);
/* Breaks the copy-on-write sharing a fork left on the parent's pages. */
void bench_settle_fork_debt(void);
int bench_fds_set(int total);        /* total open descriptors, 0-2 included */
int bench_raise_nofile(long want);
double bench_mem_available_gib(void);

/* syscount.c */
struct syscount {
	const char *strategy;
	int fds;             /* open descriptors in the parent: 3 or 10,000 */
	bool ran;
	const char *note;
	double total;        /* all calls per spawn, parent and child */
	double excluded;     /* execve, wait4/waitid, the tiny child's exit */
	double other;        /* total - excluded */
	double child_exit;   /* the tiny program's own exit */
	double spawn;        /* total - child_exit: spawn to release, the target */
	char detail[512];    /* "name n, name n, ..." per spawn */
};
extern struct syscount bench_syscounts[BENCH_MAX_CONTESTANTS];
extern size_t bench_nsyscounts;
int bench_syscount_all(void);           /* runs strace per strategy */
/* The traced mode: n spawns (after one warm-up) with `fds` open. */
int bench_syscount_child(const char *strategy, long n, int fds);

/* report.c */
/* The x values of a sweep ("memory", "fds") for a target, sorted; the
 * baseline cell counts as one of them. */
size_t bench_sweep_values(const char *sweep, int target, bool mem, double *v,
                          size_t max);
const struct cell *bench_sweep_cell(const char *sweep, int target, bool mem,
                                    double x);
/* Whether strategy `name` has a row (ran or skipped) in a cell of the
 * sweep itself, not only in the baseline that the sweep borrows. */
bool bench_sweep_has(const char *sweep, int target, const char *name);
void bench_print_tables(void);
int bench_write_csv(const char *path);
int bench_write_markdown(const char *path);
void bench_print_targets(void);
void bench_loadavg(char *buf, size_t len);

/* figures.c: returns how many were drawn */
int bench_draw_figures(const char *dir, const char *copy_to);

/* Monotonic time in nanoseconds (vDSO: no system call). */
uint64_t bench_now_ns(void);
/* "1.5 GiB", "64 MiB" */
const char *bench_mem_label(double gib, char *buf, size_t len);

#endif
