/* SPDX-License-Identifier: MIT */
/*
 * Turning -u / -g / -G into numbers.  This is where fxrun looks names up
 * (NSS may open files, sockets, load modules): in fxrun itself, before
 * the child exists, never in the child.
 */
#ifndef FXRUN_CREDS_H
#define FXRUN_CREDS_H

#include <stddef.h>
#include <sys/types.h>

struct fxrun_creds {
	int has_uid;
	uid_t uid;
	int has_gid;
	gid_t gid;
	int has_groups;         /* 1: set exactly these groups (maybe none) */
	size_t n_groups;
	gid_t *groups;
};

/*
 * Resolves the -u, -g and -G arguments (each NULL when not given).
 *
 * A USER given by name also brings its primary group and its
 * supplementary groups (getgrouplist), as su and runuser do, unless -g or
 * -G say otherwise: -g replaces the primary group (which then also heads
 * the group list), -G replaces the list.  A numeric USER sets the uid
 * alone.  An all-digit USER or GROUP is always a number.
 *
 * Returns 0, or a negative errno with a one-line reason in errbuf
 * (`unknown user "bob"`).  *c must be released with fxrun_creds_free in
 * every case.
 */
int fxrun_resolve_creds(const char *user, const char *group,
                        const char *groups, struct fxrun_creds *c,
                        char *errbuf, size_t errlen);

void fxrun_creds_free(struct fxrun_creds *c);

#endif /* FXRUN_CREDS_H */
