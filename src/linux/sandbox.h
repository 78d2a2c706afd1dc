/* SPDX-License-Identifier: MIT */
/*
 * What a spawn does for the sandbox's attributes around the plan, in the
 * parent: the landlock ruleset and the pidfd of the namespaces to join
 * become descriptors of the child's (the io layer calls the two wires
 * after stdio has made its fd maps), and a spawn that joins a pid
 * namespace clones from a helper thread inside it (the core calls
 * fx__join_spawn_child instead of fx__spawn_child).  On Darwin,
 * nolinux_darwin.c: nothing to wire, a plain spawn.
 */
#ifndef FX_LINUX_SANDBOX_H
#define FX_LINUX_SANDBOX_H

#include <sys/types.h>

#include "forkexec.h"

struct fx_attr;
struct fx__fd_map;
struct fx__spawn_request;

/*
 * landlock_linux.c: with landlock rules in attr, makes the ruleset and
 * maps it into eff (one more fd map, in a new array that replaces
 * *owned, which the caller frees; eff->landlock_fd); *fd is the parent's
 * copy, to close after the spawn, or -1.  -errno with err set
 * (FX_STEP_LANDLOCK).
 */
int fx__landlock_wire(struct fx_attr *eff, struct fx__fd_map **owned,
                      const struct fx_attr *attr, int *fd, fx_error *err);

/*
 * join_linux.c: with namespaces to join in attr, the pidfd into eff; *fd
 * is one opened here (for a pid), to close after the spawn, or -1.
 * -errno with err set (FX_STEP_JOIN).
 */
int fx__join_wire(struct fx_attr *eff, const struct fx_attr *attr, int *fd, fx_error *err);

/* join_linux.c: fx__spawn_child, from a helper thread in the joined pid
 * namespace when eff joins one. */
int fx__join_spawn_child(const struct fx__spawn_request *req, const struct fx_attr *eff,
                         pid_t *pid, int *pidfd, fx_error *err);

#endif
