/* SPDX-License-Identifier: MIT */
/*
 * The descriptor shuffle, tried on thousands of random mappings.
 *
 * Each case lays out random parent descriptors 0..~64 (dups of a pool of
 * pipe ends, each end a distinct object: a pipe's inode and its access
 * mode tell it apart; plus the test's own fds 0-2), some close-on-exec,
 * then asks for a random mapping child_fd <- parent_fd built from
 * patterns that stress the shuffle: cycles (0<->1, 0->1->2->0, longer),
 * identity maps (of close-on-exec fds too), one source to many targets,
 * closes, a target mapped twice, sources above and below their targets,
 * and targets on the lowest free fds, where the probe's report pipe and
 * the library's own error pipe land at spawn time.  The probe reports its
 * descriptor table and the test compares it exactly with a model: every
 * target holds the right object, fds 0-2 not mapped are the parent's,
 * nothing else is open (or, with FX_KEEP_FDS, exactly the parent's
 * inheritable fds besides).  The parent's own table must come out of the
 * spawn untouched.
 *
 * Reproducible: the seed is fixed, printed with any failure, and can be
 * changed with FXT_FDMAP_SEED=N; FXT_FDMAP_CASE=N runs only case N.
 *
 * Each test runs its share of the cases (1000, or 500 with FX_KEEP_FDS)
 * or for FDMAP_BUDGET_S seconds, whichever ends first: natively all of
 * them, in a few seconds; under valgrind or qemu, where a spawn costs
 * ten times as much, the first ones only.  A case's number alone picks
 * the case, so the cases run are the same on every run.
 */
#include "fxt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <asm/unistd.h>   /* not <sys/syscall.h>: -Isrc shadows it */
#include <sys/wait.h>
#include <unistd.h>

#define FDMAP_DEFAULT_SEED 0x5eedf00d2024ull
#define NPIPES 8                     /* pool: 16 distinct pipe ends */
#define NPOOL (2 * NPIPES)
#define NOBJ (NPOOL + 3)             /* + the test's own fds 0, 1, 2 */
#define ORIG(fd) (NPOOL + (fd))
#define MAXFD 128                    /* model and checks cover 0..MAXFD-1 */
#define MAXTARGET 72                 /* highest child fd a case maps */
#define POOL_BASE 500                /* where the pool lives, close-on-exec */
#define SAVE_BASE 600                /* where fds 0-2 are saved */
#define MAXMAPS 64
#define CASES_PER_TEST 1000
#define FDMAP_BUDGET_S 8             /* the tests' timeout: 3x that and more */
#define FDMAP_MIN_CASES 10           /* fewer proves nothing */

struct object {
	dev_t dev;
	ino_t ino;
	int accmode;
	char target[256];            /* readlink, as the probe reports it */
	int fd;                      /* where the pool keeps it */
};

struct fdcase {
	int layout[MAXFD];           /* object at parent fd, or -1 */
	int cloexec[MAXFD];
	int nmaps;
	int map_child[MAXMAPS], map_parent[MAXMAPS];
	int free_fds[8];             /* lowest fds free in the parent */
	int keep;                    /* FX_KEEP_FDS */
	int expect[MAXFD];           /* the model: object at child fd, or -1 */
};

struct fdmap_env {
	struct object obj[NOBJ];
	uint64_t seed;
	long only_case;              /* -1: all */
};

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, the same everywhere                     */
/* ------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rng_below(uint64_t *s, int n)
{
	return (int)(rng_next(s) % (uint64_t)n);
}

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

static void identify(struct object *o, int fd)
{
	struct stat st;
	char path[64];
	ssize_t n;
	int fl;

	ASSERT_SYS(fstat(fd, &st));
	ASSERT_SYS(fl = fcntl(fd, F_GETFL));
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	o->accmode = fl & O_ACCMODE;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, o->target, sizeof o->target - 1);
	ASSERT_SYS(n);
	o->target[n] = 0;
}

static void fdmap_setup(struct fdmap_env *env)
{
	const char *s = getenv("FXT_FDMAP_SEED");
	const char *c = getenv("FXT_FDMAP_CASE");

	env->seed = s && *s ? strtoull(s, NULL, 0) : FDMAP_DEFAULT_SEED;
	env->only_case = c && *c ? strtol(c, NULL, 0) : -1;

	ASSERT_EQ(fxt_fd_count(), 3); /* the runner's promise */
	for (int i = 0; i < NPIPES; i++) {
		int p[2];

		fxt_pipe(p);
		for (int e = 0; e < 2; e++) {
			int k = 2 * i + e;

			ASSERT_SYS(dup3(p[e], POOL_BASE + k, O_CLOEXEC));
			close(p[e]);
			env->obj[k].fd = POOL_BASE + k;
			identify(&env->obj[k], POOL_BASE + k);
		}
	}
	for (int fd = 0; fd < 3; fd++) {
		ASSERT_SYS(dup3(fd, SAVE_BASE + fd, O_CLOEXEC));
		env->obj[ORIG(fd)].fd = SAVE_BASE + fd;
		identify(&env->obj[ORIG(fd)], fd);
	}
}

/* Back to fds 0-2 as the runner gave them and nothing else below MAXFD. */
static void restore_stdio(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (dup2(SAVE_BASE + fd, fd) != fd)
			FAIL("restoring fd %d: %s", fd, strerror(errno));
	if (syscall(__NR_close_range, 3u, (unsigned)MAXFD - 1, 0u) != 0)
		for (int fd = 3; fd < MAXFD; fd++)
			close(fd);
}

static void fdmap_teardown(void)
{
	restore_stdio();
	for (int fd = POOL_BASE; fd < POOL_BASE + NPOOL; fd++)
		close(fd);
	for (int fd = SAVE_BASE; fd < SAVE_BASE + 3; fd++)
		close(fd);
	fxt_assert_fd_count(3);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Generating a case                                                   */
/* ------------------------------------------------------------------ */

static int open_fds(const struct fdcase *c, int *out)
{
	int n = 0;

	for (int fd = 0; fd < MAXFD; fd++)
		if (c->layout[fd] >= 0)
			out[n++] = fd;
	return n;
}

static void add_map(struct fdcase *c, int child, int parent)
{
	if (c->nmaps < MAXMAPS) {
		c->map_child[c->nmaps] = child;
		c->map_parent[c->nmaps] = parent;
		c->nmaps++;
	}
}

/* A target: often 0-2 or a fd the spawn's own pipes are about to take. */
static int pick_target(uint64_t *r, const struct fdcase *c, const int *open,
                       int nopen)
{
	int u = rng_below(r, 100);

	if (u < 30)
		return rng_below(r, 3);
	if (u < 55)
		return c->free_fds[rng_below(r, 6)];
	if (u < 70 && nopen)
		return open[rng_below(r, nopen)];
	return rng_below(r, MAXTARGET + 1);
}

static void gen_layout(uint64_t *r, struct fdcase *c)
{
	static const int densities[] = { 0, 5, 15, 40, 80, 100 };
	static const int widths[] = { 4, 8, 16, 32, 64 };
	int density = densities[rng_below(r, 6)];
	int width = widths[rng_below(r, 5)];
	int cloexec_pct = rng_below(r, 4) * 25;
	int n = 0;

	for (int fd = 0; fd < MAXFD; fd++) {
		c->layout[fd] = -1;
		c->cloexec[fd] = 0;
	}
	for (int fd = 0; fd < 3; fd++) {
		int u = rng_below(r, 100);

		if (u < 50)
			c->layout[fd] = ORIG(fd);
		else if (u < 90)
			c->layout[fd] = rng_below(r, NPOOL);
		c->cloexec[fd] = c->layout[fd] >= 0 &&
		                 rng_below(r, 100) < cloexec_pct / 2;
	}
	for (int fd = 3; fd < width; fd++) {
		if (rng_below(r, 100) >= density)
			continue;
		c->layout[fd] = rng_below(r, NPOOL);
		c->cloexec[fd] = rng_below(r, 100) < cloexec_pct;
	}
	/* A few far above every target: above the shuffle's floor unless
	 * used as sources, so closing "the rest" must reach them. */
	if (rng_below(r, 100) < 30) {
		int extra = 1 + rng_below(r, 3);

		for (int i = 0; i < extra; i++) {
			int fd = MAXTARGET + 1 +
			         rng_below(r, MAXFD - MAXTARGET - 1);

			if (fd == FXT_REPORT_FD)
				continue;
			c->layout[fd] = rng_below(r, NPOOL);
			c->cloexec[fd] = rng_below(r, 100) < cloexec_pct;
		}
	}
	for (int fd = 0; fd < MAXFD && n < 8; fd++)
		if (c->layout[fd] < 0)
			c->free_fds[n++] = fd;
}

static void gen_maps(uint64_t *r, struct fdcase *c)
{
	int open[MAXFD], nopen = open_fds(c, open);
	int npatterns = 1 + rng_below(r, 3);

	c->nmaps = 0;
	for (int p = 0; p < npatterns; p++) {
		int kind = rng_below(r, 9);

		if (nopen == 0)
			kind = 6; /* only closes are possible */
		switch (kind) {
		case 0: /* random pairs, some identities, some closes */
		case 1: {
			int n = 1 + rng_below(r, 6);

			for (int i = 0; i < n; i++) {
				int t = pick_target(r, c, open, nopen);
				int u = rng_below(r, 100), s;

				if (u < 12)
					s = -1;
				else if (u < 27 && c->layout[t] >= 0)
					s = t;
				else
					s = open[rng_below(r, nopen)];
				add_map(c, t, s);
			}
			break;
		}
		case 2: { /* a cycle among open fds: t_i <- t_(i+1) */
			int k = 2 + rng_below(r, 4), cyc[8];

			if (k > nopen)
				k = nopen;
			for (int i = 0; i < k; i++) {
				int again;

				do {
					cyc[i] = open[rng_below(r, nopen)];
					again = 0;
					for (int j = 0; j < i; j++)
						again |= cyc[j] == cyc[i];
				} while (again);
			}
			for (int i = 0; i < k; i++)
				add_map(c, cyc[i], cyc[(i + 1) % k]);
			break;
		}
		case 3: { /* stdio: 0<->1 or 0->1->2->0, sources wherever open */
			int rot = rng_below(r, 3);

			for (int t = 0; t < 3; t++) {
				int s = (t + 1 + rot) % 3;

				if (rot == 2 && t == 2)
					continue; /* 0<->1 only */
				if (rot == 2)
					s = 1 - t;
				add_map(c, t, c->layout[s] >= 0 ? s :
				        open[rng_below(r, nopen)]);
			}
			break;
		}
		case 4: { /* one source, several targets */
			int s = open[rng_below(r, nopen)];
			int n = 2 + rng_below(r, 3);

			for (int i = 0; i < n; i++)
				add_map(c, pick_target(r, c, open, nopen), s);
			break;
		}
		case 5: /* onto the fds the spawn's own pipes will take */
			for (int i = 0; i < 4; i++)
				add_map(c, c->free_fds[i],
				        rng_below(r, 6) ? open[rng_below(r, nopen)]
				                        : -1);
			break;
		case 6: { /* closes */
			int n = 1 + rng_below(r, 3);

			for (int i = 0; i < n; i++)
				add_map(c, pick_target(r, c, open, nopen), -1);
			break;
		}
		case 7: { /* a target mapped twice: the last one counts */
			int t = pick_target(r, c, open, nopen);

			add_map(c, t, open[rng_below(r, nopen)]);
			add_map(c, t, rng_below(r, 4) ? open[rng_below(r, nopen)]
			                              : -1);
			break;
		}
		case 8: /* identity of a close-on-exec fd: the flag must go */
			for (int i = 0; i < nopen; i++) {
				int fd = open[(i + rng_below(r, nopen)) % nopen];

				if (c->cloexec[fd]) {
					add_map(c, fd, fd);
					break;
				}
			}
			break;
		}
	}
}

static void compute_model(struct fdcase *c)
{
	int mapped[MAXFD] = { 0 }, src[MAXFD];

	for (int i = 0; i < c->nmaps; i++) {
		mapped[c->map_child[i]] = 1;
		src[c->map_child[i]] = c->map_parent[i];
	}
	for (int fd = 0; fd < MAXFD; fd++) {
		int inherit = c->layout[fd] >= 0 && !c->cloexec[fd];

		if (mapped[fd])
			c->expect[fd] = src[fd] < 0 ? -1 : c->layout[src[fd]];
		else if (fd <= 2 || c->keep)
			c->expect[fd] = inherit ? c->layout[fd] : -1;
		else
			c->expect[fd] = -1;
	}
}

/* ------------------------------------------------------------------ */
/* Describing a case (for failures)                                    */
/* ------------------------------------------------------------------ */

struct text {
	char buf[8192];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;

	if (t->len >= sizeof t->buf - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof t->buf)
		t->len = sizeof t->buf - 1;
}

static void obj_name(char *out, size_t len, int o)
{
	if (o < 0)
		snprintf(out, len, "closed");
	else if (o >= NPOOL)
		snprintf(out, len, "orig%d", o - NPOOL);
	else
		snprintf(out, len, "p%d%c", o / 2, o % 2 ? 'w' : 'r');
}

static void describe(struct text *t, const struct fdmap_env *env,
                     const struct fdcase *c, long num)
{
	char name[32];

	addf(t, "\n  reproduce: FXT_FDMAP_SEED=%#" PRIx64 " FXT_FDMAP_CASE=%ld"
	     " build/fxtest -b %s %s\n  parent:", env->seed, num,
	     fxt_backend_name(), fxt_test_name());
	for (int fd = 0; fd < MAXFD; fd++) {
		if (c->layout[fd] < 0)
			continue;
		obj_name(name, sizeof name, c->layout[fd]);
		addf(t, " %d=%s%s", fd, name, c->cloexec[fd] ? "(ce)" : "");
	}
	addf(t, "\n  free: %d %d %d %d\n  maps:", c->free_fds[0],
	     c->free_fds[1], c->free_fds[2], c->free_fds[3]);
	for (int i = 0; i < c->nmaps; i++)
		addf(t, " %d<-%d", c->map_child[i], c->map_parent[i]);
	addf(t, "%s\n  expected:", c->keep ? " +KEEP_FDS" : "");
	for (int fd = 0; fd < MAXFD; fd++) {
		if (c->expect[fd] < 0)
			continue;
		obj_name(name, sizeof name, c->expect[fd]);
		addf(t, " %d=%s", fd, name);
	}
}

/* ------------------------------------------------------------------ */
/* Running and checking a case                                         */
/* ------------------------------------------------------------------ */

static void build_layout(const struct fdmap_env *env, const struct fdcase *c)
{
	if (syscall(__NR_close_range, 0u, (unsigned)MAXFD - 1, 0u) != 0)
		for (int fd = 0; fd < MAXFD; fd++)
			close(fd);
	for (int fd = 0; fd < MAXFD; fd++) {
		int o = c->layout[fd];

		if (o >= 0 && dup3(env->obj[o].fd, fd,
		                   c->cloexec[fd] ? O_CLOEXEC : 0) != fd)
			FAIL("dup3 onto %d: %s", fd, strerror(errno));
	}
}

/* The parent's table after the spawn, before anything is restored. */
static int parent_intact(const struct fdmap_env *env, const struct fdcase *c,
                         struct text *why)
{
	int ok = 1;

	for (int fd = 0; fd < MAXFD; fd++) {
		int o = c->layout[fd], fdfl = fcntl(fd, F_GETFD);
		struct stat st;

		if (o < 0) {
			if (fdfl >= 0) {
				addf(why, "\n  parent fd %d is open after the "
				     "spawn", fd);
				ok = 0;
			}
			continue;
		}
		if (fdfl < 0 || fstat(fd, &st) != 0) {
			addf(why, "\n  parent fd %d was closed by the spawn", fd);
			ok = 0;
			continue;
		}
		if (st.st_ino != env->obj[o].ino || st.st_dev != env->obj[o].dev ||
		    (fcntl(fd, F_GETFL) & O_ACCMODE) != env->obj[o].accmode) {
			addf(why, "\n  parent fd %d was replaced by the spawn",
			     fd);
			ok = 0;
		}
		if (!!(fdfl & FD_CLOEXEC) != c->cloexec[fd]) {
			addf(why, "\n  parent fd %d: close-on-exec %d -> %d",
			     fd, c->cloexec[fd], !!(fdfl & FD_CLOEXEC));
			ok = 0;
		}
	}
	return ok;
}

static int child_matches(const struct fdmap_env *env, const struct fdcase *c,
                         const fxt_report *r, struct text *why)
{
	size_t it = 0, expected = 0, seen = 0;
	const char *key, *value;
	int ok = 1;

	for (int fd = 0; fd < MAXFD; fd++) {
		struct fxt_fdinfo info;
		int have = fxt_fd_info(r, fd, &info), o = c->expect[fd];
		char name[32];

		if (fd == FXT_REPORT_FD)
			continue;
		obj_name(name, sizeof name, o);
		if (o >= 0)
			expected++;
		if (!have) {
			if (o >= 0) {
				addf(why, "\n  child fd %d: closed, expected %s",
				     fd, name);
				ok = 0;
			}
			continue;
		}
		if (o < 0) {
			addf(why, "\n  child fd %d: open (%s flags=%o), "
			     "expected closed", fd, info.target, info.flags);
			ok = 0;
			continue;
		}
		if (strcmp(info.target, env->obj[o].target) != 0 ||
		    (info.flags & O_ACCMODE) != env->obj[o].accmode) {
			addf(why, "\n  child fd %d: %s flags=%o, expected %s "
			     "(%s accmode %d)", fd, info.target, info.flags,
			     name, env->obj[o].target, env->obj[o].accmode);
			ok = 0;
		}
		if (info.cloexec) {
			addf(why, "\n  child fd %d: close-on-exec", fd);
			ok = 0;
		}
	}
	while (fxt_next(r, "fd.", &it, &key, &value)) {
		seen++;
		if (atoi(key + 3) >= MAXFD) {
			addf(why, "\n  child %s=%s, expected closed", key, value);
			ok = 0;
		}
	}
	if (ok && seen != expected) {
		addf(why, "\n  child has %zu fds, expected %zu", seen, expected);
		ok = 0;
	}
	return ok;
}

static void run_case(const struct fdmap_env *env, long num, int keep)
{
	uint64_t r = env->seed ^ (0xa5a5a5a5ull * (uint64_t)(num + 1));
	static struct fdcase c;
	struct text why = { .len = 0 };
	fxt_report *report = NULL;
	int status = -1, rc, ok;
	fx_attr *attr;
	fx_error err;

	rng_next(&r);
	memset(&c, 0, sizeof c);
	c.keep = keep;
	gen_layout(&r, &c);
	gen_maps(&r, &c);
	compute_model(&c);

	attr = fxt_attr();
	if (keep)
		ASSERT_OK(fx_attr_set_flags(attr, FX_KEEP_FDS));
	build_layout(env, &c);
	for (int i = 0; i < c.nmaps; i++) {
		int mr = fx_attr_set_fd(attr, c.map_child[i], c.map_parent[i]);

		if (mr < 0) {
			restore_stdio();
			describe(&why, env, &c, num);
			FAIL("fx_attr_set_fd(%d, %d): %s%s", c.map_child[i],
			     c.map_parent[i], strerror(-mr), why.buf);
		}
	}
	rc = fxt_probe(attr, NULL, &report, &status, &err);
	ok = parent_intact(env, &c, &why);
	restore_stdio();
	fx_attr_free(attr);
	if (rc < 0) {
		char msg[512];

		describe(&why, env, &c, num);
		FAIL("case %ld: spawn failed: %s [%s index %ld]%s", num,
		     fx_strerror(&err, msg, sizeof msg), fx_step_name(err.step),
		     err.index, why.buf);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe(&why, env, &c, num);
		FAIL("case %ld: the probe ended with status 0x%x%s", num,
		     status, why.buf);
	}
	ok &= child_matches(env, &c, report, &why);
	fxt_report_free(report);
	if (!ok) {
		describe(&why, env, &c, num);
		FAIL("case %ld (seed %#" PRIx64 "): wrong descriptors:%s", num,
		     env->seed, why.buf);
	}
}

/*
 * Cases first..first+count-1, in order, for the time budget at most; the
 * case number alone picks the case.
 */
static void run_cases(long first, long count, int keep)
{
	static struct fdmap_env env;
	struct fxt_loop loop;
	long i;

	fdmap_setup(&env);
	if (env.only_case >= 0) {
		if (env.only_case >= first && env.only_case < first + count) {
			run_case(&env, env.only_case, keep);
			printf("case %ld on %s, seed %#" PRIx64 "\n", env.only_case,
			       fxt_backend_name(), env.seed);
		}
		fdmap_teardown();
		return;
	}
	loop = fxt_loop_at_least(count, FDMAP_BUDGET_S, FDMAP_MIN_CASES);
	while ((i = fxt_loop_next(&loop)) >= 0)
		run_case(&env, first + i, keep);
	fdmap_teardown();
	printf("cases %ld..%ld on %s, seed %#" PRIx64 "\n", first,
	       first + loop.done - 1, fxt_backend_name(), env.seed);
	fxt_loop_end(&loop, "cases");
}

#define FDMAP_TEST(n)                                                         \
	TEST_TIMEOUT(fdmap_random_##n, 4 * FDMAP_BUDGET_S)                    \
	{                                                                     \
		run_cases((long)(n) * CASES_PER_TEST, CASES_PER_TEST, 0);     \
	}

FDMAP_TEST(0)
FDMAP_TEST(1)
FDMAP_TEST(2)
FDMAP_TEST(3)
FDMAP_TEST(4)
FDMAP_TEST(5)
FDMAP_TEST(6)
FDMAP_TEST(7)
FDMAP_TEST(8)
FDMAP_TEST(9)

/* FX_KEEP_FDS: inheritable parent fds survive, close-on-exec ones do not. */
TEST_TIMEOUT(fdmap_keep_fds_0, 4 * FDMAP_BUDGET_S)
{
	run_cases(100000, 500, 1);
}

TEST_TIMEOUT(fdmap_keep_fds_1, 4 * FDMAP_BUDGET_S)
{
	run_cases(100500, 500, 1);
}

/* ------------------------------------------------------------------ */
/* A few fixed cases, named, for readable failures                     */
/* ------------------------------------------------------------------ */

/* The pool of one fixed case: fds given as {child, parent} pairs. */
static void fixed_case(const int (*pairs)[2], int n, int keep)
{
	static struct fdmap_env env;
	static struct fdcase c;
	struct text why = { .len = 0 };
	fxt_report *report;
	fx_attr *attr;
	int ok;

	fdmap_setup(&env);
	memset(&c, 0, sizeof c);
	for (int fd = 0; fd < MAXFD; fd++)
		c.layout[fd] = -1;
	/* Parent: 0-2 as given by the runner, 3..9 pool ends, 5 and 8
	 * close-on-exec. */
	for (int fd = 0; fd < 3; fd++)
		c.layout[fd] = ORIG(fd);
	for (int fd = 3; fd < 10; fd++) {
		c.layout[fd] = fd - 3;
		c.cloexec[fd] = fd == 5 || fd == 8;
	}
	for (int i = 0, k = 0; i < MAXFD && k < 8; i++)
		if (c.layout[i] < 0)
			c.free_fds[k++] = i;
	for (int i = 0; i < n; i++)
		add_map(&c, pairs[i][0], pairs[i][1]);
	c.keep = keep;
	compute_model(&c);

	attr = fxt_attr();
	if (keep)
		ASSERT_OK(fx_attr_set_flags(attr, FX_KEEP_FDS));
	build_layout(&env, &c);
	for (int i = 0; i < n; i++)
		ASSERT_OK(fx_attr_set_fd(attr, pairs[i][0], pairs[i][1]));
	report = fxt_probe_ok(attr, NULL);
	ok = parent_intact(&env, &c, &why);
	restore_stdio();
	ok &= child_matches(&env, &c, report, &why);
	fxt_report_free(report);
	fx_attr_free(attr);
	if (!ok) {
		describe(&why, &env, &c, -1);
		FAIL("wrong descriptors:%s", why.buf);
	}
	fdmap_teardown();
}

#define FIXED(name, keep, ...)                                                \
	TEST_CORE(fdmap_fixed_##name)                                         \
	{                                                                     \
		static const int pairs[][2] = { __VA_ARGS__ };                \
		fixed_case(pairs, (int)(sizeof pairs / sizeof pairs[0]),      \
		           keep);                                             \
	}

FIXED(swap_0_1, 0, { 0, 1 }, { 1, 0 })
FIXED(rotate_0_1_2, 0, { 0, 1 }, { 1, 2 }, { 2, 0 })
FIXED(identity_cloexec, 0, { 5, 5 }, { 8, 8 })
FIXED(onto_error_pipe_fds, 0, { 10, 3 }, { 11, 4 }, { 12, 5 }, { 13, 6 })
FIXED(fan_out, 0, { 0, 7 }, { 1, 7 }, { 2, 7 }, { 20, 7 })
FIXED(close_stdio, 0, { 0, -1 }, { 1, -1 }, { 2, -1 })
FIXED(down_and_up, 0, { 3, 9 }, { 9, 3 }, { 40, 4 }, { 4, 6 })
FIXED(mapped_twice, 0, { 4, 3 }, { 4, 7 })
FIXED(keep_with_cycle, 1, { 3, 4 }, { 4, 3 }, { 12, 8 })
FIXED(long_cycle, 0, { 3, 4 }, { 4, 5 }, { 5, 6 }, { 6, 7 }, { 7, 8 },
      { 8, 9 }, { 9, 3 })
