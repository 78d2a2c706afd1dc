/* SPDX-License-Identifier: MIT */
/*
 * limits_harness.h: what test_limits.c and test_caps.c share: a spawn
 * that must fail and leave nothing behind, our own /proc/self/status,
 * and the table of "set an attribute or two, compare the probe's keys".
 * Static inline: each test file takes what it uses.
 */
#ifndef FXT_LIMITS_HARNESS_H
#define FXT_LIMITS_HARNESS_H

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "fxt.h"
#include "report_check.h"
#include "forkexec-linux.h"

#define NOBODY 65534
#define NBS FX_CAP(CAP_NET_BIND_SERVICE) /* 0x400 */

/*
 * A probe spawn that must fail.  Fills *err (poisoned first, so a field
 * the library forgets shows), checks rc == -err->code, and that the
 * spawn left no child and no descriptor behind.  Returns rc.
 */
#define spawn_fail(attr, err) spawn_fail_(__FILE__, __LINE__, (attr), (err))
static inline int spawn_fail_(const char *f, int l, fx_attr *attr, fx_error *err)
{
	int before = fxt_fd_count(), status = -1;
	fxt_report *r = NULL;
	char text[512];
	int rc;

	memset(err, 0x5a, sizeof *err);
	rc = fxt_probe(attr, NULL, &r, &status, err);
	if (rc >= 0) {
		snprintf(text, sizeof text, "uid %s, nice %s, nofile %s",
		         fxt_get(r, "uid"), fxt_get(r, "nice"),
		         fxt_get(r, "rlimit.nofile"));
		fxt_report_free(r);
		fxt_fail_(f, l, "the spawn succeeded (status 0x%x; %s), "
		          "expected a failure", status, text);
	}
	fxt_assert_spawn_error_(f, l, rc, err);
	fxt_assert_no_children_(f, l);
	fxt_assert_fd_count_(f, l, before);
	return rc;
}

/* A hexadecimal field of our own /proc/self/status (CapBnd...). */
static inline unsigned long long self_status_hex(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	unsigned long long v = 0;
	int found = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		FAIL("/proc/self/status: %s", strerror(errno));
	while (!found && fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			found = sscanf(line + n + 1, "%llx", &v) == 1;
	fclose(f);
	if (!found)
		FAIL("no %s in /proc/self/status", field);
	return v;
}

/* 1 if we hold cap in our effective set. */
static inline int have_cap(int cap)
{
	return !!(self_status_hex("CapEff") & FX_CAP(cap));
}

/* ------------------------------------------------------------------ */
/* The table: set a few attributes, spawn the probe, compare keys      */
/* ------------------------------------------------------------------ */

/*
 * The tests of one shape, "set an attribute or two, spawn the probe,
 * compare a few keys of its report", as rows of one table driven by one
 * loop.  Each row carries the name of the TEST_CORE that runs it (the
 * skip lists of .ci/ find tests by name), and a failure names the row.
 */
enum set_op { SET_END = 0, SET_GID, SET_UID, SET_AMBIENT, SET_INHERITABLE, SET_RLIMIT,
              SET_UMASK, SET_NNP, SET_NICE, SET_SCHED };

struct set {
	enum set_op op;
	long long a, b, c;
};

struct limits_row {
	const char *test;
	struct set sets[4];
	struct fxt_check checks[7];  /* ended by a NULL key */
};

static inline void set_one(fx_attr *attr, const struct set *s)
{
	switch (s->op) {
	case SET_END:
		break;
	case SET_GID:
		ASSERT_OK(fx_attr_set_gid(attr, (gid_t)s->a));
		break;
	case SET_UID:
		ASSERT_OK(fx_attr_set_uid(attr, (uid_t)s->a));
		break;
	case SET_AMBIENT:
		ASSERT_OK(fx_attr_set_ambient_caps(attr, (uint64_t)s->a));
		break;
	case SET_INHERITABLE:
		ASSERT_OK(fx_attr_set_inheritable_caps(attr, (uint64_t)s->a));
		break;
	case SET_RLIMIT:
		ASSERT_OK(fx_attr_set_rlimit(attr, (int)s->a, (rlim_t)s->b,
		                             (rlim_t)s->c));
		break;
	case SET_UMASK:
		ASSERT_OK(fx_attr_set_umask(attr, (mode_t)s->a));
		break;
	case SET_NNP:
		ASSERT_OK(fx_attr_set_no_new_privs(attr, (int)s->a));
		break;
	case SET_NICE:
		ASSERT_OK(fx_attr_set_nice(attr, (int)s->a));
		break;
	case SET_SCHED:
		ASSERT_OK(fx_attr_set_sched(attr, (int)s->a, (int)s->b));
		break;
	}
}

/* Runs the rows of rows[0..n) that belong to the test named `test`. */
#define LIMITS_TABLE(rows, test) limits_table_((rows), sizeof (rows) / sizeof (rows)[0], (test))
static inline void limits_table_(const struct limits_row *rows, size_t n, const char *test)
{
	size_t i, j, nth = 0;
	char label[128];

	for (i = 0; i < n; i++) {
		const struct limits_row *w = &rows[i];
		fx_attr *attr;
		fxt_report *r;

		if (strcmp(w->test, test) != 0)
			continue;
		snprintf(label, sizeof label, "%s row %zu", test, ++nth);
		attr = fxt_attr();
		for (j = 0; j < sizeof w->sets / sizeof w->sets[0] &&
		            w->sets[j].op != SET_END; j++)
			set_one(attr, &w->sets[j]);
		r = fxt_probe_ok(attr, NULL);
		fxt_check_report(r, w->checks, label);
		fxt_report_free(r);
		fx_attr_free(attr);
	}
	if (nth == 0)
		FAIL("no row of the limits table is %s's", test);
}

#endif /* FXT_LIMITS_HARNESS_H */
