/* SPDX-License-Identifier: MIT */
/*
 * fxrun: the options whose test is one shape, "run fxrun with these
 * options and the probe, read the report, compare a few keys", as one
 * table driven by one loop.  Each row carries the name of the test that
 * runs it (the TEST()s stay in test_fxrun*.c, where the skip lists of
 * .ci/ find them by name), and a failure names the row.
 */

#include "fxrun_harness.h"
#include "report_check.h"

/* Where a row's argument list has this, the probe's path goes. */
#define PROBE "\001probe"

struct row {
	const char *test;           /* the TEST() that runs it */
	int (*when)(void);          /* NULL, or run only where this says 1 */
	const char *args[10];       /* fxrun's arguments, PROBE for the probe */
	struct fxt_check checks[6];
};

static int as_root(void)
{
	return geteuid() == 0;
}

/* -n 3 adds to fxrun's own niceness, clamped to 19, as nice(1). */
static long long own_nice_plus_3(void)
{
	int own;

	errno = 0;
	own = getpriority(PRIO_PROCESS, 0);
	ASSERT_EQ(errno, 0);
	return own + 3 > 19 ? 19 : own + 3;
}

static int fsize_unlimited(void)
{
	struct rlimit fsize;

	ASSERT_SYS(getrlimit(RLIMIT_FSIZE, &fsize));
	return fsize.rlim_max == RLIM_INFINITY;
}

static const struct row rows[] = {
	/* test_fxrun.c */
	{ "fxrun_argv0", NULL,
	  { "--argv0", "-custom", PROBE, "x", "--", "-y" },
	  { CHECK_STR("argv.0", "-custom"), CHECK_STR("argv.1", "x"), CHECK_STR("argv.2", "--"),
	    CHECK_STR("argv.3", "-y"), CHECK_LL("argc", 4) } },
	/* Arguments after PROGRAM are PROGRAM's, even when they look like ours. */
	{ "fxrun_options_end_at_program", NULL,
	  { "--", PROBE, "-C", "/nope", "--bogus" },
	  { CHECK_STR("argv.1", "-C"), CHECK_STR("argv.3", "--bogus") } },
	/* A number sets the uid alone: gid and groups stay root's. */
	{ "fxrun_user_by_number", NULL,
	  { "-u", "65534", "-G", "0", PROBE },
	  { CHECK_STR("uid", "65534,65534,65534,65534"), CHECK_STR("gid", "0,0,0,0"),
	    CHECK_STR("groups", "0") } },
	{ "fxrun_setsid", NULL,
	  { "--setsid", PROBE },
	  { CHECK_SAME("sid", "pid"), CHECK_SAME("pgid", "pid") } },
	{ "fxrun_pdeathsig", NULL,
	  { "--pdeathsig", "SIGUSR1", PROBE }, { CHECK_LL("pdeathsig", SIGUSR1) } },
	{ "fxrun_pdeathsig", NULL,
	  { "--pdeathsig=9", PROBE }, { CHECK_LL("pdeathsig", SIGKILL) } },

	/* test_fxrun_linux.c */
	{ "fxrun_setgroups", NULL,
	  { "--uid-map", "0:0:1", "--gid-map", "0:0:1", "--setgroups", "allow",
	    PROBE },
	  { CHECK_STR("setgroups", "allow"), CHECK_STR("gid_map", "0 0 1") } },
	{ "fxrun_setgroups", NULL,
	  { "--unshare", "user", "--gid-map", "0:0:1", "--setgroups=deny",
	    PROBE },
	  { CHECK_STR("setgroups", "deny") } },
	/* Kept across the switch to nobody and the exec: what they are for
	 * (net_bind_service 10, net_raw 13). */
	{ "fxrun_ambient_caps", NULL,
	  { "-u", "65534", "--ambient-caps", "net_bind_service,CAP_NET_RAW",
	    PROBE },
	  { CHECK_STR("uid", "65534,65534,65534,65534"),
	    CHECK_HEX("capamb", 1ull << 10 | 1ull << 13),
	    CHECK_HEX("capeff", 1ull << 10 | 1ull << 13),
	    CHECK_HEX("capprm", 1ull << 10 | 1ull << 13) } },
	/* Lowering needs no privilege; SOFT alone sets both, as prlimit(1);
	 * the later of two wins. */
	{ "fxrun_rlimit", NULL,
	  { "--rlimit", "nofile=64:128", "--rlimit=CORE=0", "--rlimit",
	    "nofile=64:100", "--rlimit", "msgqueue=4096", PROBE },
	  { CHECK_STR("rlimit.nofile", "64:100"), CHECK_STR("rlimit.core", "0:0"),
	    CHECK_STR("rlimit.msgqueue", "4096:4096") } },
	{ "fxrun_rlimit", fsize_unlimited,
	  { "--rlimit", "fsize=4096:unlimited", PROBE },
	  { CHECK_STR("rlimit.fsize", "4096:unlimited") } },
	{ "fxrun_umask", NULL,
	  { "--umask", "0027", PROBE }, { CHECK_STR("umask", "0027") } },
	{ "fxrun_umask", NULL,
	  { "--umask=7", PROBE }, { CHECK_STR("umask", "0007") } },
	{ "fxrun_no_new_privs", NULL,
	  { PROBE }, { CHECK_STR("nonewprivs", "0") } },
	{ "fxrun_no_new_privs", NULL,
	  { "--no-new-privs", PROBE }, { CHECK_STR("nonewprivs", "1") } },
	/* --niceness is absolute; -n and --nice add to fxrun's own. */
	{ "fxrun_nice", NULL,
	  { "--niceness", "7", PROBE }, { CHECK_LL("nice", 7) } },
	{ "fxrun_nice", NULL,
	  { "-n", "3", PROBE }, { CHECK_FN("nice", own_nice_plus_3) } },
	{ "fxrun_nice", NULL,
	  { "--nice", "100", PROBE }, { CHECK_LL("nice", 19) } },
	/* Below the parent's needs CAP_SYS_NICE: set while the child is
	 * still root, so an ordinary-user child gets it too, as nice(1). */
	{ "fxrun_nice", as_root,
	  { "-u", "65534", "--niceness", "-5", PROBE },
	  { CHECK_LL("nice", -5), CHECK_STR("uid", "65534,65534,65534,65534") } },
	{ "fxrun_sched", NULL,
	  { "--sched", "batch", PROBE },
	  { CHECK_LL("sched.policy", SCHED_BATCH), CHECK_LL("sched.priority", 0) } },
	{ "fxrun_sched", NULL,
	  { "--sched=IDLE:0", PROBE }, { CHECK_LL("sched.policy", SCHED_IDLE) } },
	/* Real-time policies need CAP_SYS_NICE. */
	{ "fxrun_sched", as_root,
	  { "--sched", "rr:5", PROBE },
	  { CHECK_LL("sched.policy", SCHED_RR), CHECK_LL("sched.priority", 5) } },

	/* test_fxrun_sandbox.c */
	/* --hostname alone: the uts namespace it needs is implied. */
	{ "fxrun_hostname_implies_uts", as_root,
	  { "--hostname", "fxrun-uts", PROBE }, { CHECK_STR("hostname", "fxrun-uts") } },
};

/* "fxrun_x row 2 (--umask=7 ...)": which row failed, for the message. */
static void row_label(char *buf, size_t len, const struct row *w, size_t nth)
{
	size_t i, n;

	n = (size_t)snprintf(buf, len, "%s row %zu (", w->test, nth);
	for (i = 0; w->args[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
		                      strcmp(w->args[i], PROBE) == 0 ?
		                      "PROBE" : w->args[i]);
	if (n < len)
		snprintf(buf + n, len - n, ")");
}

static void check_row(const struct row *w, const char *label)
{
	const char *args[sizeof w->args / sizeof w->args[0] + 1] = { 0 };
	fxt_report *rep;
	struct fxr r;
	size_t i;

	for (i = 0; w->args[i]; i++)
		args[i] = strcmp(w->args[i], PROBE) == 0 ? fxt_probe_path() :
		                                           w->args[i];
	fxr_run(&r, &(struct fxr_setup){ 0 }, args);
	if (r.code != 0)
		FAIL("%s: fxrun exited %d; stderr: %s", label, r.code, r.err);
	rep = fxt_report_parse(r.out, strlen(r.out));
	fxt_check_report(rep, w->checks, label);
	fxt_report_free(rep);
	fxr_free(&r);
}

void fxrun_rows(const char *test)
{
	char label[256];
	size_t i, nth = 0;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (strcmp(rows[i].test, test) != 0)
			continue;
		nth++;
		if (rows[i].when && !rows[i].when())
			continue;
		row_label(label, sizeof label, &rows[i], nth);
		check_row(&rows[i], label);
	}
	if (nth == 0)
		FAIL("no row of the fxrun table is %s's", test);
}
