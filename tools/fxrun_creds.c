/* SPDX-License-Identifier: MIT */
/*
 * User and group name resolution for fxrun (see fxrun_creds.h).  fxrun is
 * single-threaded, so the non-reentrant getpwnam/getgrnam are fine; their
 * results are copied out at once because the next lookup overwrites them.
 */
#include "fxrun_creds.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fxrun_args.h"

/* (uid_t)-1 and (gid_t)-1 mean "unchanged" to the kernel: not an id. */
#define ID_MAX ((unsigned long)(gid_t)-1 - 1)

/* The kernel's limit (NGROUPS_MAX); beyond it setgroups fails anyway. */
#define GROUPS_MAX 65536

/*
 * getpwnam and getgrnam return NULL both for "no such name" (errno 0, or
 * one of these, depending on the NSS module) and for real failures.
 */
static int not_found(int e)
{
	return e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

static int lookup_group(const char *name, gid_t *gid,
                        char *errbuf, size_t errlen)
{
	unsigned long n;
	struct group *gr;

	if (fxrun_parse_number(name, ID_MAX, &n) == 0) {
		*gid = (gid_t)n;
		return 0;
	}
	errno = 0;
	gr = getgrnam(name);
	if (!gr) {
		int e = errno;

		if (not_found(e)) {
			snprintf(errbuf, errlen, "unknown group \"%s\"", name);
			return -ENOENT;
		}
		snprintf(errbuf, errlen, "group \"%s\": %s", name, strerror(e));
		return -e;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* The groups of `user` plus `gid`, as initgroups(user, gid) would set. */
static int user_groups(const char *user, gid_t gid, struct fxrun_creds *c,
                       char *errbuf, size_t errlen)
{
	int n = 32;

	for (;;) {
		gid_t *g = realloc(c->groups, (size_t)n * sizeof *g);
		int got = n;

		if (!g) {
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
		c->groups = g;
#if defined(__APPLE__)
		/* Darwin's getgrouplist takes int; gid_t has the same size. */
		if (getgrouplist(user, (int)gid, (int *)g, &got) >= 0) {
#else
		if (getgrouplist(user, gid, g, &got) >= 0) {
#endif
			c->n_groups = (size_t)got;
			c->has_groups = 1;
			return 0;
		}
		/* glibc stores the size needed in `got`; others may not. */
		if (n >= GROUPS_MAX) {
			snprintf(errbuf, errlen, "user \"%s\": too many groups", user);
			return -E2BIG;
		}
		n = got > n ? got : n * 2;
		if (n > GROUPS_MAX)
			n = GROUPS_MAX;
	}
}

/* -G: "" is no group at all; otherwise names or numbers split on ','. */
static int parse_group_list(const char *list, struct fxrun_creds *c,
                            char *errbuf, size_t errlen)
{
	size_t n = 1, i = 0;
	const char *p;
	char *copy, *save = NULL, *tok;
	int r = 0;

	c->has_groups = 1;
	c->n_groups = 0;
	if (*list == '\0')
		return 0;
	for (p = list; *p; p++)
		n += *p == ',';
	c->groups = malloc(n * sizeof *c->groups);
	copy = strdup(list);
	if (!c->groups || !copy) {
		free(copy);
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok && r == 0;
	     tok = strtok_r(NULL, ",", &save))
		r = lookup_group(tok, &c->groups[i++], errbuf, errlen);
	c->n_groups = i;
	free(copy);
	return r;
}

int fxrun_resolve_creds(const char *user, const char *group,
                        const char *groups, struct fxrun_creds *c,
                        char *errbuf, size_t errlen)
{
	unsigned long n;
	int r;

	memset(c, 0, sizeof *c);
	if (group) {
		r = lookup_group(group, &c->gid, errbuf, errlen);
		if (r < 0)
			return r;
		c->has_gid = 1;
	}
	if (groups) {
		r = parse_group_list(groups, c, errbuf, errlen);
		if (r < 0)
			return r;
	}
	if (!user)
		return 0;

	if (fxrun_parse_number(user, ID_MAX, &n) == 0) {
		c->uid = (uid_t)n;
		c->has_uid = 1;
		return 0;
	}

	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		int e = errno;

		if (not_found(e)) {
			snprintf(errbuf, errlen, "unknown user \"%s\"", user);
			return -ENOENT;
		}
		snprintf(errbuf, errlen, "user \"%s\": %s", user, strerror(e));
		return -e;
	}
	c->uid = pw->pw_uid;
	c->has_uid = 1;
	if (!c->has_gid) {
		c->gid = pw->pw_gid;
		c->has_gid = 1;
	}
	if (!c->has_groups)
		return user_groups(user, c->gid, c, errbuf, errlen);
	return 0;
}

void fxrun_creds_free(struct fxrun_creds *c)
{
	free(c->groups);
	c->groups = NULL;
	c->n_groups = 0;
}
