/* SPDX-License-Identifier: MIT */
/*
 * fxbench-capture: how fast a child's output is captured.
 *
 * A child (bench-spew) writes SIZE bytes (1 GiB) to stdout in 64 KiB
 * writes; each contestant starts it, takes all of it, and waits for it:
 *
 *   plain loop       fx_spawn with a stdout pipe (the kernel's default
 *                    size), then read() into one reused 64 KiB buffer
 *                    until end of file, keeping nothing: the floor, what
 *                    moving the bytes through a pipe costs at all
 *   plain loop, P    the same on a pipe of P bytes (F_SETPIPE_SZ)
 *   fx_run, P        fx_run with FX_RUN_CAPTURE_STDOUT and pipe size P:
 *                    every byte kept, in one buffer
 *   fx_run, discard  the same with a limit of 0 bytes, FX_LIMIT_DISCARD:
 *                    the loop alone, keeping nothing (what is left of the
 *                    difference is the price of keeping 1 GiB)
 *   Python           subprocess.run(argv, capture_output=True)
 *   Go               exec.Command(argv...).Output()
 *
 * Rounds: each contestant takes one turn per round, in a new shuffled
 * order every round, so that drift of a loaded machine hits all alike;
 * the median of the rounds is reported.  A turn is an untimed run of the
 * same size, then the timed one, in the same process (peers do both
 * themselves, and time themselves: their interpreter's start-up is not
 * counted).  The untimed run is there because a virtual machine may
 * hand memory its guest freed back to the host (virtio-balloon free page
 * reporting, as on the machine the README's figures come from): the
 * first touch of such memory costs seconds per GiB, and would decide the
 * ranking by who ran after an idle moment.  Information only: a missed
 * target never fails the run, a wrong byte count does.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forkexec-io.h"

extern char **environ;

#define MAX_ROUNDS 64
#define CHUNK 65536

static struct {
	unsigned long long size;
	int rounds;
	const char *spew, *python, *go, *out_dir, *only;
	int quick;
} opt = { 1ULL << 30, 5, NULL, NULL, NULL, NULL, NULL, 0 };

struct contestant {
	const char *name;
	char label[96];
	int kind;               /* K_* */
	int pipe_size;          /* asked for; 0: the kernel's default */
	const char *skip;
	double wall_s[MAX_ROUNDS], cpu_s[MAX_ROUNDS];
	int n;
	double median_s, median_cpu_s;
};

enum { K_PLAIN, K_FXRUN, K_PYTHON, K_GO };

static struct contestant cs[] = {
	{ "plain", "plain read loop, 64 KiB buffer", K_PLAIN, 0, NULL, { 0 }, { 0 }, 0, 0, 0 },
	{ "plain_1m", "plain read loop, 64 KiB buffer", K_PLAIN, 1 << 20, NULL, { 0 }, { 0 }, 0, 0, 0 },
	{ "fx_run", "fx_run, capture", K_FXRUN, -1, NULL, { 0 }, { 0 }, 0, 0, 0 },
	{ "fx_run_64k", "fx_run, capture", K_FXRUN, 0, NULL, { 0 }, { 0 }, 0, 0, 0 },
	{ "fx_run_1m", "fx_run, capture", K_FXRUN, 1 << 20, NULL, { 0 }, { 0 }, 0, 0, 0 },
	{ "fx_run_discard", "fx_run, keeping nothing (limit 0, discard)", K_FXRUN, -1, NULL,
	  { 0 }, { 0 }, 0, 0, 0 },
	{ "python", "Python subprocess.run(capture_output=True)", K_PYTHON, -2, NULL, { 0 }, { 0 }, 0, 0, 0 },
	{ "go", "Go exec.Command().Output()", K_GO, -2, NULL, { 0 }, { 0 }, 0, 0, 0 },
};
#define NCS (sizeof cs / sizeof cs[0])

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process and its reaped children. */
static double cpu_s(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
	                kids.ru_stime.tv_sec) +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
	                kids.ru_stime.tv_usec) / 1e6;
}

static char size_arg[32];

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fxbench-capture: %s: %s\n", what, why);
	exit(1);
}

/* What the kernel gives for a pipe asked to be `size` (0: default). */
static int pipe_size_given(int size)
{
	int p[2], got;

	if (pipe(p) < 0)
		return -1;
	if (size > 0)
		fcntl(p[0], F_SETPIPE_SZ, size);
	got = fcntl(p[0], F_GETPIPE_SZ);
	close(p[0]);
	close(p[1]);
	return got;
}

static void run_plain(struct contestant *c, double *wall, double *cpu)
{
	static char buf[CHUNK];
	char *argv[] = { (char *)opt.spew, size_arg, NULL };
	unsigned long long got = 0;
	fx_attr *attr;
	fx_proc *proc;
	fx_error err;
	char msg[512];
	double t0 = now_s(), c0 = cpu_s();
	int fd, st;
	ssize_t n;

	if (fx_attr_new(&attr) < 0 || fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_PIPE) < 0)
		die("attr", "out of memory");
	if (fx_spawn(&proc, opt.spew, argv, attr, &err) < 0)
		die("fx_spawn", fx_strerror(&err, msg, sizeof msg));
	fd = fx_proc_stdio_fd(proc, FX_STDOUT);
	if (c->pipe_size > 0)
		fcntl(fd, F_SETPIPE_SZ, c->pipe_size);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read", strerror(errno));
		got += (unsigned long long)n;
	}
	if (fx_proc_wait(proc, &st, -1) < 0 || st != 0)
		die(c->name, "the writer failed");
	*wall = now_s() - t0;
	*cpu = cpu_s() - c0;
	fx_proc_free(proc);
	fx_attr_free(attr);
	if (got != opt.size)
		die(c->name, "short read");
}

static void run_fxrun(struct contestant *c, double *wall, double *cpu)
{
	char *argv[] = { (char *)opt.spew, size_arg, NULL };
	fx_run_opts *o;
	fx_result *res;
	fx_error err;
	char msg[512];
	double t0, c0;

	if (fx_run_opts_new(&o) < 0 || fx_run_opts_set_flags(o, FX_RUN_CAPTURE_STDOUT) < 0)
		die("opts", "out of memory");
	if (c->pipe_size >= 0)
		fx_run_opts_set_pipe_size(o, c->pipe_size);
	if (strcmp(c->name, "fx_run_discard") == 0)
		fx_run_opts_set_limit(o, FX_STDOUT, 0, FX_LIMIT_DISCARD);
	t0 = now_s();
	c0 = cpu_s();
	if (fx_run(&res, opt.spew, argv, NULL, o, &err) < 0)
		die("fx_run", fx_strerror(&err, msg, sizeof msg));
	*wall = now_s() - t0;
	*cpu = cpu_s() - c0;
	if (res->status != 0 || res->out.len != (strcmp(c->name, "fx_run_discard") ? opt.size : 0))
		die(c->name, "wrong status or length");
	/* Spot checks: the writer's byte at stream offset p is
	 * (p % CHUNK) % 251. */
	for (unsigned long long p = 0; p < res->out.len; p += opt.size / 97 + 1)
		if ((unsigned char)res->out.data[p] != (p % CHUNK) % 251)
			die(c->name, "wrong byte in the capture");
	fx_result_free(res);
	fx_run_opts_free(o);
}

/* A peer: one timed run, printed by itself in nanoseconds. */
static void run_peer(struct contestant *c, double *wall, double *cpu)
{
	char size[32], line[64];
	const char *argv[12];
	size_t n = 0;
	posix_spawn_file_actions_t fa;
	int p[2], st, e;
	pid_t pid;
	FILE *f;

	snprintf(size, sizeof size, "%llu", opt.size);
	if (c->kind == K_PYTHON) {
		argv[n++] = "python3";
		argv[n++] = opt.python;
	} else {
		argv[n++] = opt.go;
	}
	argv[n++] = "--spew";
	argv[n++] = opt.spew;
	argv[n++] = "--size";
	argv[n++] = size;
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (e)
		die(argv[0], strerror(e));
	f = fdopen(p[0], "r");
	*wall = NAN;
	while (f && fgets(line, sizeof line, f))
		*wall = strtod(line, NULL) / 1e9;
	if (f)
		fclose(f);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (st != 0 || isnan(*wall))
		die(c->name, "the peer failed (see its stderr)");
	*cpu = NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_ROUNDS];

	if (n == 0)
		return NAN;
	memcpy(s, v, (size_t)n * sizeof *s);
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static const char *pipe_label(int size, char *buf, size_t len)
{
	if (size < 0)
		size = FX_RUN_DEFAULT_PIPE_SIZE;
	if (size == 0)
		snprintf(buf, len, "default (%d KiB)", pipe_size_given(0) / 1024);
	else
		snprintf(buf, len, "%d KiB (got %d KiB)", size / 1024, pipe_size_given(size) / 1024);
	return buf;
}

static unsigned long long read_ull(const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned long long v = 0;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void report(FILE *out)
{
	const struct contestant *plain = &cs[0], *fx = &cs[2];
	char pipe[64];
	double mib = (double)opt.size / (1 << 20);

	fprintf(out, "**Capture throughput: a child writes %.0f MiB to stdout in 64 KiB writes; "
	        "median of %d rounds**\n\n", mib, opt.rounds);
	fprintf(out, "| contestant | pipe | runs | median s | MiB/s | x plain loop | CPU s |\n");
	fprintf(out, "|---|---|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < NCS; i++) {
		const struct contestant *c = &cs[i];

		if (c->skip) {
			fprintf(out, "| %s | | skipped: %s | | | | |\n", c->label, c->skip);
			continue;
		}
		fprintf(out, "| %s | %s | %d | %.3f | %.0f | %.2fx | ", c->label,
		        c->pipe_size == -2 ? "(its own)" : pipe_label(c->pipe_size, pipe, sizeof pipe),
		        c->n, c->median_s, mib / c->median_s, plain->median_s / c->median_s);
		if (isnan(c->median_cpu_s))
			fprintf(out, "- |\n");
		else
			fprintf(out, "%.3f |\n", c->median_cpu_s);
	}
	fprintf(out, "\n\"x plain loop\" is throughput over the plain loop's on the default pipe "
	        "(higher is faster).  CPU s: this process and the child, in-process contestants "
	        "only.\n\n");
	fprintf(out, "Pipes here: /proc/sys/fs/pipe-max-size %llu, pipe-user-pages-soft %llu "
	        "pages; the kernel's default %d KiB.\n\n", read_ull("/proc/sys/fs/pipe-max-size"),
	        read_ull("/proc/sys/fs/pipe-user-pages-soft"), pipe_size_given(0) / 1024);
	if (opt.quick) {
		fprintf(out, "(--quick: a smoke run; no target judged)\n");
		return;
	}
	fprintf(out, "**Targets** (information only)\n\n");
	double r = plain->median_s / fx->median_s;
	fprintf(out, "- fx_run vs the plain loop: %.2fx (target >= 0.90x) %s\n", r,
	        r >= 0.9 ? "PASS" : "MISS");
	for (size_t i = NCS - 2; i < NCS; i++) {
		if (cs[i].skip) {
			fprintf(out, "- fx_run vs %s: skipped (%s)\n", cs[i].label, cs[i].skip);
			continue;
		}
		r = cs[i].median_s / fx->median_s;
		fprintf(out, "- fx_run vs %s: %.2fx as fast (target > 1.00x) %s\n", cs[i].label, r,
		        r > 1.0 ? "PASS" : "MISS");
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: fxbench-capture --spew PROG [--mib N] [--rounds N] [--quick]\n"
	                "       [--python-peer SCRIPT] [--go-peer PROG] [--out DIR]\n"
	                "       [--only NAME,...]  (plain_1m, fx_run, fx_run_64k, fx_run_1m,\n"
	                "                           fx_run_discard, python, go; the plain loop\n"
	                "                           always runs)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "spew", 1, NULL, 's' }, { "mib", 1, NULL, 'm' }, { "rounds", 1, NULL, 'r' },
		{ "quick", 0, NULL, 'q' }, { "python-peer", 1, NULL, 'p' },
		{ "go-peer", 1, NULL, 'g' }, { "out", 1, NULL, 'o' }, { "only", 1, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, order[NCS];
	double t_start = now_s();

	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 's': opt.spew = optarg; break;
		case 'm': opt.size = strtoull(optarg, NULL, 0) << 20; break;
		case 'r': opt.rounds = atoi(optarg); break;
		case 'q': opt.quick = 1; break;
		case 'p': opt.python = optarg; break;
		case 'g': opt.go = optarg; break;
		case 'o': opt.out_dir = optarg; break;
		case 'O': opt.only = optarg; break;
		default: usage();
		}
	}
	if (!opt.spew || opt.rounds < 1 || opt.rounds > MAX_ROUNDS || opt.size == 0)
		usage();
	if (opt.quick) {
		opt.size = 16ULL << 20;
		opt.rounds = 2;
	}
	snprintf(size_arg, sizeof size_arg, "%llu", opt.size);
	if (!opt.python || access(opt.python, R_OK) < 0 || system("python3 -c '' 2>/dev/null") != 0)
		cs[NCS - 2].skip = "python3 or the peer script missing";
	if (!opt.go || access(opt.go, X_OK) < 0)
		cs[NCS - 1].skip = "the Go peer is not built (is golang-go installed?)";

	/* --only a,b,c: the others are skipped (the plain loop, the
	 * reference of every ratio, always runs). */
	for (size_t i = 1; opt.only && i < NCS; i++) {
		char list[512];
		int found = 0;

		snprintf(list, sizeof list, "%s", opt.only);
		for (char *t = strtok(list, ","); t; t = strtok(NULL, ","))
			found |= strcmp(t, cs[i].name) == 0;
		if (!found && !cs[i].skip)
			cs[i].skip = "not in --only";
	}
	srand(12345);
	for (int round = 0; round < opt.rounds; round++) {
		for (size_t i = 0; i < NCS; i++)
			order[i] = (int)i;
		for (size_t i = NCS - 1; i > 0; i--) {
			size_t j = (size_t)rand() % (i + 1);
			int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < NCS; k++) {
			struct contestant *c = &cs[order[k]];
			double wall, cpu;

			if (c->skip)
				continue;
			if (c->kind == K_PLAIN) {
				run_plain(c, &wall, &cpu);
				run_plain(c, &wall, &cpu);
			} else if (c->kind == K_FXRUN) {
				run_fxrun(c, &wall, &cpu);
				run_fxrun(c, &wall, &cpu);
			} else {
				run_peer(c, &wall, &cpu);
			}
			c->wall_s[c->n] = wall;
			c->cpu_s[c->n] = cpu;
			c->n++;
		}
		fprintf(stderr, "fxbench-capture: round %d of %d done\n", round + 1, opt.rounds);
	}
	for (size_t i = 0; i < NCS; i++) {
		cs[i].median_s = median(cs[i].wall_s, cs[i].n);
		cs[i].median_cpu_s = median(cs[i].cpu_s, cs[i].n);
	}
	report(stdout);
	printf("\nRun in %.1f s.\n", now_s() - t_start);
	if (opt.out_dir) {
		char path[4096];
		FILE *f;

		mkdir(opt.out_dir, 0755);
		snprintf(path, sizeof path, "%s/capture.md", opt.out_dir);
		f = fopen(path, "w");
		if (!f)
			die(path, strerror(errno));
		report(f);
		fclose(f);
		snprintf(path, sizeof path, "%s/capture.csv", opt.out_dir);
		f = fopen(path, "w");
		if (!f)
			die(path, strerror(errno));
		fprintf(f, "contestant,pipe_size,round,wall_s,cpu_s\n");
		for (size_t i = 0; i < NCS; i++)
			for (int r = 0; r < cs[i].n; r++)
				fprintf(f, "%s,%d,%d,%.6f,%.6f\n", cs[i].name, cs[i].pipe_size, r,
				        cs[i].wall_s[r], cs[i].cpu_s[r]);
		fclose(f);
	}
	return 0;
}
