/* SPDX-License-Identifier: MIT */
/*
 * One cell (target x parent memory x open fds x threads): every contestant
 * gets the same time budget and takes turns, one spawn per turn, each
 * round in a new shuffled order, so that drift of the machine (frequency,
 * caches, a busy neighbour) hits all of them alike, even from one
 * millisecond to the next.  The shuffle matters: in a fixed rotation each
 * contestant always follows the same one, and inherits what that one
 * leaves behind (a fork child's page tables still being torn down, a
 * cold cache line); shuffled, every contestant follows every other alike.  Exceptions: with two
 * spawning threads a turn is a short slice (--slice-ms), and a peer's turn
 * is a tenth of its budget, taken when the others have caught up.
 *
 * A contestant leaves the rotation once it has used its budget and has at
 * least min_samples: a 1 s fork at 16 GiB takes its 5 samples, a 150 us
 * vfork takes thousands, and the cell still ends in about budget x N.
 */
#include "bench.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What one spawning thread does during one slice. */
struct job {
	const struct strategy *s;
	const struct target *t;
	uint64_t slice_ns;
	long max_n;
	struct samples out;
	uint64_t start, end;
	long failures;
	int bad_status;
	struct spawn_ctx ctx;
	bool cpu;          /* measure CPU time (single-threaded turns only) */
	double cpu_us;     /* summed over the slice's spawns */
};

/* CPU time of this thread plus that of the children reaped so far. */
static double cpu_now_us(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_THREAD, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
	                kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1e6 +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
	                kids.ru_utime.tv_usec + kids.ru_stime.tv_usec);
}

static void run_job(struct job *j)
{
	uint64_t deadline;
	long n = 0;

	j->start = bench_now_ns();
	deadline = j->start + j->slice_ns;
	do {
		/*
		 * CPU time, read outside the timed window: the parent thread's
		 * and the child's (counted once reaped), robust where wall time
		 * is not, on a machine that others keep busy.
		 */
		double c0 = j->cpu ? cpu_now_us() : 0;
		uint64_t t0 = bench_now_ns();
		int st = j->s->run(j->t, &j->ctx);
		uint64_t t1 = bench_now_ns();

		if (j->cpu)
			j->cpu_us += cpu_now_us() - c0;
		if (st != 0) {
			if (st > 0 && !j->ctx.why[0]) {
				if (WIFEXITED(st))
					snprintf(j->ctx.why, sizeof j->ctx.why,
					         "child exited %d", WEXITSTATUS(st));
				else
					snprintf(j->ctx.why, sizeof j->ctx.why,
					         "child killed by signal %d", WTERMSIG(st));
			}
			j->failures++;
			j->bad_status = st;
			/* A broken strategy does not get to spin: one slice, out. */
			break;
		}
		samples_push(&j->out, t1 - t0);
		n++;
		j->end = t1;
	} while (j->end < deadline && n < j->max_n);
	if (!n)
		j->end = bench_now_ns();
}

/* The second spawning thread, parked on a barrier between slices. */
static struct {
	pthread_t th;
	pthread_barrier_t go, done;
	struct job job;
	bool quit;
	bool running;
} helper;

static void *helper_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_barrier_wait(&helper.go);
		if (helper.quit)
			return NULL;
		run_job(&helper.job);
		pthread_barrier_wait(&helper.done);
	}
}

static int helper_start(void)
{
	int e;

	if (helper.running)
		return 0;
	pthread_barrier_init(&helper.go, NULL, 2);
	pthread_barrier_init(&helper.done, NULL, 2);
	helper.quit = false;
	if ((e = pthread_create(&helper.th, NULL, helper_main, NULL))) {
		fprintf(stderr, "fxbench: pthread_create: %s\n", strerror(e));
		return -1;
	}
	helper.running = true;
	return 0;
}

/* Joined after each threaded cell so the others run single-threaded. */
static void helper_stop(void)
{
	if (!helper.running)
		return;
	helper.quit = true;
	pthread_barrier_wait(&helper.go);
	pthread_join(helper.th, NULL);
	pthread_barrier_destroy(&helper.go);
	pthread_barrier_destroy(&helper.done);
	helper.running = false;
}

/* One slice of an in-process strategy, on 1 or 2 threads. */
static void run_slice(struct cell *c, int threads, struct result *r,
                      const struct strategy *s, uint64_t slice_ns, long max_n)
{
	struct job main_job = { .s = s, .t = &bench_targets[c->target],
	                        .slice_ns = slice_ns, .max_n = max_n,
	                        .ctx = { .worker = 0 }, .cpu = threads == 1 };
	uint64_t start, end;

	if (threads > 1) {
		helper.job = main_job;
		helper.job.out = (struct samples){ 0 };
		helper.job.ctx.worker = 1;
		pthread_barrier_wait(&helper.go);
	}
	run_job(&main_job);
	start = main_job.start;
	end = main_job.end;
	if (threads > 1) {
		pthread_barrier_wait(&helper.done);
		if (helper.job.start < start)
			start = helper.job.start;
		if (helper.job.end > end)
			end = helper.job.end;
	}
	r->busy_s += (double)(end - start) / 1e9;
	if (main_job.cpu && !main_job.failures) {
		r->cpu_us += main_job.cpu_us;
		r->cpu_n += (long)main_job.out.n;
	}
	samples_append(&r->s, &main_job.out);
	samples_free(&main_job.out);
	r->failures += main_job.failures;
	if (main_job.failures && !r->note)
		r->note = strdup(main_job.ctx.why);
	if (threads > 1) {
		samples_append(&r->s, &helper.job.out);
		samples_free(&helper.job.out);
		r->failures += helper.job.failures;
		if (helper.job.failures && !r->note)
			r->note = strdup(helper.job.ctx.why);
	}
}

struct contestant {
	const struct strategy *s;
	const struct peer *p;
	struct result *r;
	int threads;
	bool done;
};

/*
 * The turn order of one round: a Fisher-Yates shuffle driven by a fixed
 * xorshift sequence, so that two runs of the bench take the same turns.
 */
static void shuffle_turns(size_t *order, size_t n, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j;

		*seed ^= *seed << 13;
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		j = (size_t)(*seed % i);
		size_t tmp = order[i - 1];
		order[i - 1] = order[j];
		order[j] = tmp;
	}
}

/*
 * A 1-thread cell runs on one CPU, the lowest the bench may use, and a
 * 2-thread cell on all of them.  Unpinned, the parent and its child land
 * on whichever CPU the scheduler picks, and CPUs need not be alike: on
 * the 2-vCPU VM this bench was tuned on, a spawn of the tiny program
 * takes 320 us on one and 470 us on the other, so a median mixes two
 * populations in proportions that differ from one contestant to the
 * next.  Pinned, every contestant runs on the same CPU.  --no-pin lets
 * them roam.
 */
static void pin_for_cell(int threads)
{
	static cpu_set_t allowed;
	static int known; /* 0 not read, 1 read, -1 unreadable */
	cpu_set_t one;

	if (!known)
		known = sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? 1 : -1;
	if (known < 0 || !opt.pin)
		return;
	if (threads > 1) {
		sched_setaffinity(0, sizeof allowed, &allowed);
		return;
	}
	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &allowed)) {
			CPU_SET(cpu, &one);
			break;
		}
	}
	sched_setaffinity(0, sizeof one, &one);
}

static bool wanted(const char *name, bool is_floor)
{
	const char *o = opt.only;
	size_t len = strlen(name);

	/* The floor always runs: every ratio needs it. */
	if (!o || is_floor)
		return true;
	while (*o) {
		const char *comma = strchr(o, ',');
		size_t l = comma ? (size_t)(comma - o) : strlen(o);

		if (l == len && !strncmp(o, name, l))
			return true;
		o += l + (comma != NULL);
	}
	return false;
}

long bench_run_cell(struct cell *c, bool with_peers)
{
	struct contestant cs[BENCH_MAX_CONTESTANTS];
	size_t nc = 0, active;
	const struct target *t = &bench_targets[c->target];
	uint64_t budget_ns = (uint64_t)(opt.budget_s * 1e9);
	/* Peers start an interpreter per turn: ten turns per cell. */
	uint64_t peer_slice_ns = budget_ns / 10;
	/*
	 * Two threads need a barrier per turn, which a single spawn would not
	 * amortize: their turns (and their 1-thread twins') are short slices.
	 */
	uint64_t thread_slice_ns = (uint64_t)(opt.slice_ms * 1e6);
	long failures = 0;
	uint64_t cell_start = bench_now_ns();
	uint64_t seed = 0x9e3779b97f4a7c15u;
	char mem[32];

	printf("  cell: %-9s %-8s parent %s, %d fds, %d thread%s ...",
	       c->sweep, t->name, bench_mem_label(c->mem_gib, mem, sizeof mem),
	       c->fds, c->threads, c->threads > 1 ? "s" : "");
	fflush(stdout);

	for (size_t i = 0; i < bench_nstrategies; i++) {
		const struct strategy *s = &bench_strategies[i];
		struct result *r;

		/* Not a contestant here at all: no row, not even "skipped". */
		if (s->userns && !c->userns)
			continue;
		r = &c->results[c->nresults++];
		*r = (struct result){ .name = s->name, .label = s->label,
		                      .is_floor = s->is_floor };
		if (!wanted(s->name, s->is_floor)) {
			r->note = "not selected (--only)";
			continue;
		}
		if (s->unavailable && (r->note = s->unavailable()))
			continue;
		cs[nc++] = (struct contestant){ .s = s, .r = r, .threads = c->threads };
	}
	/* A multi-threaded cell measures its 1-thread reference alongside. */
	for (size_t i = 0, n = nc; c->threads > 1 && i < n; i++) {
		struct result *r = &c->results[c->nresults++];

		*r = *cs[i].r;
		r->solo = 1;
		cs[nc++] = (struct contestant){ .s = cs[i].s, .r = r, .threads = 1 };
	}
	for (size_t i = 0; with_peers && i < PEER_COUNT; i++) {
		const struct peer *p = &bench_peers[i];
		struct result *r = &c->results[c->nresults++];

		*r = (struct result){ .name = p->name, .label = p->label,
		                      .is_peer = true };
		if (!wanted(p->name, false)) {
			r->note = "not selected (--only)";
			continue;
		}
		if ((r->note = p->skip))
			continue;
		cs[nc++] = (struct contestant){ .p = p, .r = r };
	}

	pin_for_cell(c->threads);
	if (c->threads > 1 && helper_start() < 0)
		return 1;

	/* Warm-up, not recorded: page cache, lazy binding, first-touch. */
	for (size_t i = 0; i < nc; i++) {
		struct result scratch = { 0 };

		if (!cs[i].s)
			continue;
		run_slice(c, cs[i].threads, &scratch, cs[i].s, 0, 1);
		if (cs[i].s->forks)
			bench_settle_fork_debt();
		if (scratch.failures) {
			cs[i].r->failures += scratch.failures;
			cs[i].r->note = scratch.note;
			cs[i].done = true;
		}
		samples_free(&scratch.s);
	}

	for (;;) {
		double least = -1; /* progress of the slowest in-process one */
		size_t order[BENCH_MAX_CONTESTANTS];

		for (size_t k = 0; k < nc; k++) {
			struct result *r = cs[k].r;

			if (cs[k].done)
				continue;
			if (((uint64_t)(r->busy_s * 1e9) >= budget_ns &&
			     (long)r->s.n >= opt.min_samples) ||
			    (long)r->s.n >= opt.max_samples) {
				cs[k].done = true;
				continue;
			}
			if (cs[k].s && (least < 0 || r->busy_s < least))
				least = r->busy_s;
		}
		active = 0;
		shuffle_turns(order, nc, &seed);
		for (size_t k = 0; k < nc; k++) {
			struct contestant *x = &cs[order[k]];
			struct result *r = x->r;

			if (x->done)
				continue;
			active++;
			/*
			 * A peer takes its turn (one slice, a tenth of its
			 * budget) only when the in-process contestants have
			 * caught up with it: ten visits spread over the cell.
			 */
			if (x->p && least >= 0 && r->busy_s > least)
				continue;
			r->ran = true;
			if (x->s) {
				long room = opt.max_samples - (long)r->s.n;

				run_slice(c, x->threads, r, x->s,
				          x->threads > 1 || c->threads > 1 ? thread_slice_ns : 0,
				          room);
				if (x->s->forks)
					bench_settle_fork_debt();
				if (r->failures)
					x->done = true;
			} else {
				char why[512];
				size_t before = r->s.n;
				/*
				 * Without a budget (--quick) one start-up of the peer
				 * does all its spawns: interpreters start slowly.
				 * Only its spawns count against the budget, not its
				 * start-up.
				 */
				int min_n = budget_ns ? 1 : opt.min_samples;

				if (bench_peer_run(x->p, t, (double)peer_slice_ns / 1e6, min_n,
				                   &r->s, why, sizeof why) < 0) {
					r->failures++;
					r->note = strdup(why);
					x->done = true;
				}
				for (size_t i = before; i < r->s.n; i++)
					r->busy_s += (double)r->s.ns[i] / 1e9;
			}
		}
		if (!active)
			break;
	}
	helper_stop();

	bench_finish_cell(c);
	for (size_t i = 0; i < c->nresults; i++) {
		struct result *r = &c->results[i];

		if (r->failures) {
			failures += r->failures;
			printf("\n    FAILED %s: %s", r->name, r->note ? r->note : "?");
		}
	}
	{
		const struct result *f = bench_cell_result(c, "floor");
		const struct result *d = bench_cell_result(c, "fx_default");
		const struct result *u = bench_cell_result(c, "fx_userns");

		if (f && f->ran)
			printf(" floor %.1f us", f->median_us);
		if (f && f->ran && d && d->ran && !d->failures)
			printf(", fx_spawn %.2fx", d->ratio);
		if (f && f->ran && u && u->ran && !u->failures)
			printf(", fx_spawn user ns %.2fx", u->ratio);
	}
	printf(" (%.1f s)\n", (double)(bench_now_ns() - cell_start) / 1e9);
	fflush(stdout);
	return failures;
}
