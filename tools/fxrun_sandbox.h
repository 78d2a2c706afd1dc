/* SPDX-License-Identifier: MIT */
/*
 * fxrun's sandbox options (forkexec-linux.h, fx_attr_set_seccomp_names(3)):
 * the apply step for what fxrun_parse stored in struct fxrun_opts.
 */
#ifndef FXRUN_SANDBOX_H
#define FXRUN_SANDBOX_H

#include "forkexec.h"
#include "fxrun_args.h"

/*
 * Calls the setter of each sandbox option given.  On failure prints one
 * line on stderr, "fxrun: OPTION VALUE: reason", and returns the
 * negative errno.
 */
int fxrun_apply_sandbox(const struct fxrun_opts *o, fx_attr *a);

#endif /* FXRUN_SANDBOX_H */
