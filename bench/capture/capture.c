/* SPDX-License-Identifier: MIT */
/*
 * fxbench-capture: how fast a child's output is captured.
 *
 * A child (bench-spew) writes SIZE bytes (1 GiB) to stdout in 64 KiB
 * writes; each contestant starts it, takes all of it, and waits for it.
 * Every pipe is fx_run's default size (FX_RUN_DEFAULT_PIPE_SIZE) unless
 * said otherwise, so that like is compared with like:
 *
 *   plain, keeping   the reference: fx_spawn with a stdout pipe, then
 *                    read() into one buffer of the final size, allocated
 *                    up front (the best a C program can do, since one
 *                    that does not know the size in advance does no
 *                    better), until end of file
 *   plain, nothing   the ceiling: the same loop into one reused 64 KiB
 *                    buffer, keeping nothing: what moving the bytes
 *                    through the pipe costs at all
 *   fx_run           fx_run with FX_RUN_CAPTURE_STDOUT: every byte kept,
 *                    in one buffer
 *   fx_run, discard  the same with a limit of 0 bytes, FX_LIMIT_DISCARD:
 *                    the loop alone, keeping nothing
 *   Python           subprocess.run(argv, capture_output=True)
 *   Go               exec.Command(argv...).Output()
 *
 * Only with --only: the plain loop and fx_run on the kernel's default
 * pipe and on 1 MiB, for the choice of the default pipe size (the
 * default pipe's loop swings fivefold from run to run on two vCPUs: it
 * is no baseline).
 *
 * One-line runs: /bin/echo hi, LINE_REPS times a turn, through fx_run
 * capturing stdout and through fx_spawn + fx_proc_wait with stdout on
 * /dev/null (the spawn alone: the floor), alternating call by call, each
 * call timed, the turn's figure the median call; and through Python's
 * subprocess.run(capture_output=True), whose turn's figure is the mean
 * of its calls (the peer times them together).
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

enum { K_PLAIN, K_KEEP, K_FXRUN, K_PYTHON, K_GO, K_LINE_FX, K_LINE_SPAWN, K_LINE_PY };

/* Contestants opt-in with --only (the pipe-size study). */
#define EXTRA "not in --only (a pipe-size study)"

#define C(name, label, kind, pipe, skip) \
	{ name, label, kind, pipe, skip, { 0 }, { 0 }, 0, 0, 0 }
static struct contestant cs[] = {
	C("plain_keep", "plain loop keeping every byte (buffer of the final size)", K_KEEP, -1, NULL),
	C("plain", "plain loop keeping nothing (reused 64 KiB buffer)", K_PLAIN, -1, NULL),
	C("fx_run", "fx_run, capture", K_FXRUN, -1, NULL),
	C("fx_run_discard", "fx_run, keeping nothing (limit 0, discard)", K_FXRUN, -1, NULL),
	C("python", "Python subprocess.run(capture_output=True)", K_PYTHON, -2, NULL),
	C("go", "Go exec.Command().Output()", K_GO, -2, NULL),
	C("plain_64k", "plain loop keeping nothing", K_PLAIN, 0, EXTRA),
	C("plain_1m", "plain loop keeping nothing", K_PLAIN, 1 << 20, EXTRA),
	C("fx_run_64k", "fx_run, capture", K_FXRUN, 0, EXTRA),
	C("fx_run_1m", "fx_run, capture", K_FXRUN, 1 << 20, EXTRA),
	C("line_fx_run", "/bin/echo hi: fx_run capturing stdout", K_LINE_FX, -1, NULL),
	C("line_spawn", "/bin/echo hi: fx_spawn + fx_proc_wait, stdout on /dev/null", K_LINE_SPAWN, -2, NULL),
	C("line_python", "/bin/echo hi: Python subprocess.run(capture_output=True)", K_LINE_PY, -2, NULL),
};
#undef C
#define NCS (sizeof cs / sizeof cs[0])
enum { I_KEEP, I_PLAIN, I_FX, I_DISCARD, I_PY, I_GO, I_LINE_FX = NCS - 3, I_LINE_SPAWN, I_LINE_PY };

static int line_reps = 200;

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

/* The plain loops: keeping nothing (a reused buffer) or every byte
 * (one buffer of the final size, from malloc, as a C program would). */
static void run_plain(struct contestant *c, double *wall, double *cpu)
{
	static char buf[CHUNK];
	char *argv[] = { (char *)opt.spew, size_arg, NULL };
	unsigned long long got = 0;
	char *keep = NULL;
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
	if (c->pipe_size != 0)
		fcntl(fd, F_SETPIPE_SZ, c->pipe_size < 0 ? FX_RUN_DEFAULT_PIPE_SIZE : c->pipe_size);
	if (c->kind == K_KEEP) {
		keep = malloc(opt.size + 1);
		if (!keep)
			die(c->name, "out of memory");
	}
	for (;;) {
		if (keep) {
			/* Ask for all that is left, as a reader that knows the
			 * size would; the pipe gives what it holds. */
			n = read(fd, keep + got, opt.size + 1 - got);
		} else {
			n = read(fd, buf, sizeof buf);
		}
		if (n == 0)
			break;
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
	for (unsigned long long p = 0; keep && p < got; p += opt.size / 97 + 1)
		if ((unsigned char)keep[p] != (p % CHUNK) % 251)
			die(c->name, "wrong byte kept");
	free(keep);
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
	if (c->kind == K_PYTHON || c->kind == K_LINE_PY) {
		argv[n++] = "python3";
		argv[n++] = opt.python;
	} else {
		argv[n++] = opt.go;
	}
	if (c->kind == K_LINE_PY) {
		snprintf(size, sizeof size, "%d", line_reps);
		argv[n++] = "--echo";
		argv[n++] = size;
	} else {
		argv[n++] = "--spew";
		argv[n++] = opt.spew;
		argv[n++] = "--size";
		argv[n++] = size;
	}
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
	*wall = *cpu = NAN;
	/* "NANOSECONDS [CPU_SECONDS]": the Go peer gives no CPU time. */
	while (f && fgets(line, sizeof line, f)) {
		char *end;
		*wall = strtod(line, &end) / 1e9;
		*cpu = end != line && *end == ' ' ? strtod(end, NULL) : NAN;
	}
	if (f)
		fclose(f);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (st != 0 || isnan(*wall))
		die(c->name, "the peer failed (see its stderr)");
}

static int cmp_double(const void *a, const void *b);

/*
 * line_reps runs of /bin/echo hi each way, fx_run capturing and
 * fx_spawn + fx_proc_wait, alternating call by call so that both see the
 * same moment of a busy machine; each is timed alone, and the turn's
 * figure for each is the median of its calls.
 */
static void run_line_pair(double *fx_wall, double *spawn_wall)
{
	static char *const argv[] = { "/bin/echo", "hi", NULL };
	double *t_fx = calloc((size_t)line_reps, sizeof *t_fx);
	double *t_sp = calloc((size_t)line_reps, sizeof *t_sp);
	fx_run_opts *o;
	fx_attr *attr;
	fx_error err;
	char msg[512];

	if (!t_fx || !t_sp || fx_run_opts_new(&o) < 0 ||
	    fx_run_opts_set_flags(o, FX_RUN_CAPTURE_STDOUT) < 0 || fx_attr_new(&attr) < 0 ||
	    fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_NULL) < 0)
		die("line", "out of memory");
	for (int i = 0; i < line_reps; i++) {
		fx_result *res;
		fx_proc *proc;
		double t0;
		int st;

		t0 = now_s();
		if (fx_run(&res, argv[0], argv, NULL, o, &err) < 0)
			die("fx_run", fx_strerror(&err, msg, sizeof msg));
		t_fx[i] = now_s() - t0;
		if (res->status != 0 || res->out.len != 3 || memcmp(res->out.data, "hi\n", 3))
			die("line_fx_run", "wrong status or output");
		fx_result_free(res);

		t0 = now_s();
		if (fx_spawn(&proc, argv[0], argv, attr, &err) < 0)
			die("fx_spawn", fx_strerror(&err, msg, sizeof msg));
		if (fx_proc_wait(proc, &st, -1) < 0 || st != 0)
			die("line_spawn", "wrong status");
		t_sp[i] = now_s() - t0;
		fx_proc_free(proc);
	}
	qsort(t_fx, (size_t)line_reps, sizeof *t_fx, cmp_double);
	qsort(t_sp, (size_t)line_reps, sizeof *t_sp, cmp_double);
	*fx_wall = t_fx[line_reps / 2];
	*spawn_wall = t_sp[line_reps / 2];
	free(t_fx);
	free(t_sp);
	fx_run_opts_free(o);
	fx_attr_free(attr);
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
	const struct contestant *ref = &cs[I_KEEP];
	char pipe[64];
	double mib = (double)opt.size / (1 << 20);

	fprintf(out, "**Capture throughput: a child writes %.0f MiB to stdout in 64 KiB writes; "
	        "median of %d rounds**\n\n", mib, opt.rounds);
	fprintf(out, "| contestant | pipe | runs | median s | MiB/s | x plain keeping | CPU s |\n");
	fprintf(out, "|---|---|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < NCS; i++) {
		const struct contestant *c = &cs[i];

		if (c->kind >= K_LINE_FX)
			continue;
		if (c->skip) {
			if (c->skip != (const char *)EXTRA)
				fprintf(out, "| %s | | skipped: %s | | | | |\n", c->label, c->skip);
			continue;
		}
		fprintf(out, "| %s | %s | %d | %.3f | %.0f | %.2fx | ", c->label,
		        c->pipe_size == -2 ? "(its own)" : pipe_label(c->pipe_size, pipe, sizeof pipe),
		        c->n, c->median_s, mib / c->median_s, ref->median_s / c->median_s);
		if (isnan(c->median_cpu_s))
			fprintf(out, "- |\n");
		else
			fprintf(out, "%.3f |\n", c->median_cpu_s);
	}
	fprintf(out, "\n\"x plain keeping\" is throughput over the plain loop's that keeps every "
	        "byte (higher is faster).  CPU s: the caller's process and the child's "
	        "(not for Go).\n\n");
	fprintf(out, "**One line: /bin/echo hi, %d calls a turn (fx_run and fx_spawn+wait "
	        "alternating: the median call; Python: the mean), median of %d turns**\n\n",
	        line_reps, opt.rounds);
	fprintf(out, "| contestant | runs | median us a call | x fx_spawn+wait |\n");
	fprintf(out, "|---|---:|---:|---:|\n");
	for (size_t i = I_LINE_FX; i < NCS; i++) {
		const struct contestant *c = &cs[i];

		if (c->skip) {
			fprintf(out, "| %s | skipped: %s | | |\n", c->label, c->skip);
			continue;
		}
		fprintf(out, "| %s | %d | %.1f | %.2fx |\n", c->label, c->n, c->median_s * 1e6,
		        c->median_s / cs[I_LINE_SPAWN].median_s);
	}
	fprintf(out, "\nPipes here: /proc/sys/fs/pipe-max-size %llu, pipe-user-pages-soft %llu "
	        "pages; the kernel's default %d KiB.\n\n", read_ull("/proc/sys/fs/pipe-max-size"),
	        read_ull("/proc/sys/fs/pipe-user-pages-soft"), pipe_size_given(0) / 1024);
	if (opt.quick) {
		fprintf(out, "(--quick: a smoke run; no target judged)\n");
		return;
	}
	/* The four ratios, each within this run; a missed target never
	 * fails it (information). */
	const struct contestant *fx = &cs[I_FX];
	double keep = NAN, nothing = NAN, py = NAN, line = NAN;
	if (!fx->skip && !ref->skip)
		keep = ref->median_s / fx->median_s;
	if (!fx->skip && !cs[I_DISCARD].skip)
		nothing = cs[I_DISCARD].median_s / fx->median_s;
	if (!fx->skip && !cs[I_PY].skip)
		py = cs[I_PY].median_s / fx->median_s;
	if (!cs[I_LINE_FX].skip && !cs[I_LINE_SPAWN].skip)
		line = cs[I_LINE_FX].median_s / cs[I_LINE_SPAWN].median_s;
	fprintf(out, "fx_run vs a plain loop keeping every byte: %.2fx\n", keep);
	fprintf(out, "fx_run keeping vs keeping nothing: %.2fx\n", nothing);
	fprintf(out, "fx_run vs Python subprocess.run(capture_output=True): %.2fx as fast\n", py);
	fprintf(out, "fx_run, one line, vs fx_spawn+wait: %.2fx\n", line);
	fprintf(out, "\nTargets: keeping every byte >= 0.90x (%s), Python >= 2.50x (%s), "
	        "one line <= 1.10x (%s); keeping vs nothing is information.\n",
	        isnan(keep) ? "not run" : keep >= 0.9 ? "PASS" : "MISS",
	        isnan(py) ? "not run" : py >= 2.5 ? "PASS" : "MISS",
	        isnan(line) ? "not run" : line <= 1.1 ? "PASS" : "MISS");
	if (!isnan(py) && !isnan(cs[I_PY].median_cpu_s))
		fprintf(out, "CPU time, Python subprocess.run / fx_run: %.2fx (information)\n",
		        cs[I_PY].median_cpu_s / fx->median_cpu_s);
	if (!cs[I_GO].skip)
		fprintf(out, "fx_run vs Go exec.Command().Output(): %.2fx as fast (information)\n",
		        cs[I_GO].median_s / fx->median_s);
}

static void usage(void)
{
	fprintf(stderr, "usage: fxbench-capture --spew PROG [--mib N] [--rounds N] [--quick]\n"
	                "       [--python-peer SCRIPT] [--go-peer PROG] [--out DIR]\n"
	                "       [--line-reps N] [--only NAME,...]\n"
	                "  --only: plain_keep, plain, fx_run, fx_run_discard, python, go, line_fx_run,\n"
	                "          line_spawn (the two line_ run together), line_python, and (only when named) plain_64k, plain_1m,\n"
	                "          fx_run_64k, fx_run_1m\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "spew", 1, NULL, 's' }, { "mib", 1, NULL, 'm' }, { "rounds", 1, NULL, 'r' },
		{ "quick", 0, NULL, 'q' }, { "python-peer", 1, NULL, 'p' },
		{ "go-peer", 1, NULL, 'g' }, { "out", 1, NULL, 'o' }, { "only", 1, NULL, 'O' },
		{ "line-reps", 1, NULL, 'l' },
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
		case 'l': line_reps = atoi(optarg); break;
		default: usage();
		}
	}
	if (!opt.spew || opt.rounds < 1 || opt.rounds > MAX_ROUNDS || opt.size == 0 ||
	    line_reps < 1)
		usage();
	if (opt.quick) {
		opt.size = 16ULL << 20;
		opt.rounds = 2;
		line_reps = 10;
	}
	snprintf(size_arg, sizeof size_arg, "%llu", opt.size);
	if (!opt.python || access(opt.python, R_OK) < 0 || system("python3 -c '' 2>/dev/null") != 0)
		cs[I_PY].skip = cs[I_LINE_PY].skip = "python3 or the peer script missing";
	if (!opt.go || access(opt.go, X_OK) < 0)
		cs[I_GO].skip = "the Go peer is not built (is golang-go installed?)";

	/* --only a,b,c: the others are skipped; the extras run only when
	 * named. */
	for (size_t i = 0; opt.only && i < NCS; i++) {
		char list[512];
		int found = 0;

		snprintf(list, sizeof list, "%s", opt.only);
		for (char *t = strtok(list, ","); t; t = strtok(NULL, ","))
			found |= strcmp(t, cs[i].name) == 0;
		if (!found && !cs[i].skip)
			cs[i].skip = "not in --only";
		else if (found && cs[i].skip == (const char *)EXTRA)
			cs[i].skip = NULL;
	}
	/* The two one-line contestants run together, call by call. */
	if (!cs[I_LINE_FX].skip || !cs[I_LINE_SPAWN].skip)
		cs[I_LINE_FX].skip = cs[I_LINE_SPAWN].skip = NULL;
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
			if (c->kind == K_PLAIN || c->kind == K_KEEP) {
				run_plain(c, &wall, &cpu);
				run_plain(c, &wall, &cpu);
			} else if (c->kind == K_LINE_SPAWN) {
				continue; /* with line_fx_run, call by call */
			} else if (c->kind == K_LINE_FX) {
				struct contestant *sp = &cs[I_LINE_SPAWN];

				run_line_pair(&wall, &sp->wall_s[sp->n]);
				sp->cpu_s[sp->n++] = cpu = NAN;
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
