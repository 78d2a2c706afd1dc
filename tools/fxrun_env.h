/* SPDX-License-Identifier: MIT */
/*
 * The child's environment, from -i, -e and -U.
 */
#ifndef FXRUN_ENV_H
#define FXRUN_ENV_H

#include "fxrun_args.h"

/*
 * Builds the environment the options ask for, starting from `base` (fxrun's
 * environ) or from nothing with -i, then applying each -e and -U in order;
 * a NAME set or unset replaces every earlier entry of that NAME.  *out is a
 * malloc'd NULL-terminated array of pointers into `base` and argv (free the
 * array only), or NULL when no option touched the environment: then the
 * child simply inherits.  Returns 0 or -ENOMEM.
 */
int fxrun_build_env(const struct fxrun_opts *o, char *const *base,
                    char ***out);

#endif /* FXRUN_ENV_H */
