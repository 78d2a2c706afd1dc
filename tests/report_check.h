/* SPDX-License-Identifier: MIT */
/*
 * report_check.h: a few keys of the probe's report compared with what a
 * table row wants, for the tables of fxrun_rows.c and test_limits.c.
 */
#ifndef FXT_REPORT_CHECK_H
#define FXT_REPORT_CHECK_H

#include <string.h>

#include "fxt.h"

enum fxt_check_kind { FXT_STR = 0, FXT_LL, FXT_HEX };

/* One key; a list of them ends with one whose key is NULL. */
struct fxt_check {
	const char *key;
	enum fxt_check_kind kind;
	const char *str;            /* FXT_STR: the value wanted */
	long long num;              /* FXT_LL, FXT_HEX: the value wanted ... */
	long long (*fn)(void);      /* ... or the function computing it */
	const char *same_as;        /* FXT_LL: equal to this other key */
};

#define CHECK_STR(k, v)   { .key = (k), .kind = FXT_STR, .str = (v) }
#define CHECK_LL(k, v)    { .key = (k), .kind = FXT_LL, .num = (v) }
#define CHECK_FN(k, f)    { .key = (k), .kind = FXT_LL, .fn = (f) }
#define CHECK_SAME(k, o)  { .key = (k), .kind = FXT_LL, .same_as = (o) }
#define CHECK_HEX(k, v)   { .key = (k), .kind = FXT_HEX, .num = (long long)(v) }

/* Fails, naming `label` (the row), at the first key that differs. */
static inline void fxt_check_report(const fxt_report *rep,
                                    const struct fxt_check *c,
                                    const char *label)
{
	for (; c->key; c++) {
		const char *got = fxt_get(rep, c->key);
		long long want = c->fn ? c->fn() : c->num;

		if (!got)
			FAIL("%s: no %s in the report", label, c->key);
		switch (c->kind) {
		case FXT_STR:
			if (strcmp(got, c->str) != 0)
				FAIL("%s: %s=%s, want %s", label, c->key, got,
				     c->str);
			break;
		case FXT_LL:
			if (c->same_as)
				want = fxt_get_ll(rep, c->same_as);
			if (fxt_get_ll(rep, c->key) != want)
				FAIL("%s: %s=%s, want %lld%s%s", label, c->key,
				     got, want, c->same_as ? " as " : "",
				     c->same_as ? c->same_as : "");
			break;
		case FXT_HEX:
			if (fxt_get_hex(rep, c->key) != (unsigned long long)want)
				FAIL("%s: %s=%s, want %llx", label, c->key, got,
				     (unsigned long long)want);
			break;
		}
	}
}

#endif /* FXT_REPORT_CHECK_H */
