/* SPDX-License-Identifier: MIT */
/*
 * The plan's Linux containment steps (plan_linux.c), which plan.c calls
 * at their places in the child's order (forkexec-linux.h lists it).
 */
#ifndef FX_PLAN_LINUX_H
#define FX_PLAN_LINUX_H

#include <stddef.h>

#include "child/plan.h"

struct fx_attr;

/* At most how many operations the functions below push. */
size_t fx__plan_linux_nops(const struct fx_attr *attr);
/* The cgroup, and after setsid/setpgid: the namespaces and the wait for
 * the parent's maps.  -errno, with plan->fail_step set if the failure
 * has a step of its own (the cgroup cannot be opened). */
int fx__plan_linux_namespaces(struct fx__plan *plan, const struct fx_attr *attr);
/* After chroot, while the child may still be privileged: rlimits, nice,
 * scheduling policy, affinity, the bounding set. */
void fx__plan_linux_limits(struct fx__plan *plan, const struct fx_attr *attr);
/* Whether setuid must keep the permitted set (PR_SET_KEEPCAPS). */
int fx__plan_linux_setuid_keeps_caps(const struct fx_attr *attr);
/* Whether the child must say PR_SET_KEEPCAPS before a switch to a
 * non-root uid (the securebits write says it instead when there is one). */
int fx__plan_linux_keepcaps_prctl(const struct fx_attr *attr);
/* Whether an inheritable set was asked for, which the emptying of the
 * capability sets after setuid must leave as it is. */
int fx__plan_linux_keeps_inheritable(const struct fx_attr *attr);
/* After setuid: the ambient capabilities, instead of dropping them all. */
void fx__plan_linux_ambient(struct fx__plan *plan, const struct fx_attr *attr);
/* After the terminal: umask, no_new_privs. */
void fx__plan_linux_late(struct fx__plan *plan, const struct fx_attr *attr);
/* Last before execve. */
void fx__plan_linux_seccomp(struct fx__plan *plan, const struct fx_attr *attr);
void fx__plan_linux_free(struct fx__plan *plan);
/* mounts_linux.c: the filesystem view's operations (after the
 * namespaces and the joins), at most how many, and their memory. */
size_t fx__mounts_nops(const struct fx_attr *attr);
int fx__plan_mounts(struct fx__plan *plan, const struct fx_attr *attr);
void fx__plan_mounts_free(struct fx__plan *plan);

#endif
