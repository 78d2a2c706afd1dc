/* SPDX-License-Identifier: MIT */
/*
 * fxrun's Linux containment options (forkexec-linux.h): the apply step
 * for what fxrun_parse stored in struct fxrun_opts.
 */
#ifndef FXRUN_LINUX_H
#define FXRUN_LINUX_H

#include "forkexec.h"
#include "fxrun_args.h"

/*
 * Calls the fx_attr_* setter of each containment option given, in the
 * order forkexec-linux.h needs (the namespaces before the maps), after
 * reading --seccomp's FILE.  On failure prints one line on stderr,
 * "fxrun: OPTION VALUE: reason", and returns the negative errno.
 */
int fxrun_apply_linux(const struct fxrun_opts *o, fx_attr *a);

#endif /* FXRUN_LINUX_H */
