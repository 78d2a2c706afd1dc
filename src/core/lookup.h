/* SPDX-License-Identifier: MIT */
#ifndef FX_LOOKUP_H
#define FX_LOOKUP_H

#include "core/attr.h"

/*
 * Resolves `file` to the path the child will execve, in the parent.
 * *out is malloc'd.  Returns 0, -ENOENT (nowhere), -EACCES (found only
 * where it cannot be executed) or -ENOMEM/-ENAMETOOLONG.
 */
int fx__lookup(const char *file, const struct fx_attr *attr, char **out);

/* The directories searched for `attr` (never NULL). */
const char *fx__search_path(const struct fx_attr *attr);

#endif
