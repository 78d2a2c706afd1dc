/* SPDX-License-Identifier: MIT */
/*
 * fxrun --dump: setpriv --dump's report of the calling process.
 */
#ifndef FXRUN_DUMP_H
#define FXRUN_DUMP_H

#include <stdio.h>

/*
 * Writes uid, euid, gid, egid, the supplementary groups, no_new_privs,
 * the inheritable and ambient capabilities, the bounding set, the
 * securebits and the parent-death signal to out, one "Label: value"
 * line each, as setpriv --dump does.  Returns 0 or a negative errno.
 */
int fxrun_dump(FILE *out);

#endif /* FXRUN_DUMP_H */
