/* SPDX-License-Identifier: MIT */
/*
 * The POSIX limits of forkexec.h: umask, resource limits, nice value and
 * scheduling policy, on every platform and backend.  Like attr.c, every
 * setter refuses a bad value at once.  They are kept beside the Linux
 * containment attributes in attr->lx (made on first use, since most
 * attribute sets need neither), which the planner reads: plan_linux.c on
 * Linux, nolinux_darwin.c on Darwin.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "core/attr.h"

#ifdef __linux__
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#endif

/* The resources this platform has: Linux's 16, Darwin's 9. */
#if defined(RLIM_NLIMITS) && RLIM_NLIMITS < FX__NRLIMITS
#define FX__RLIMITS_HERE RLIM_NLIMITS
#else
#define FX__RLIMITS_HERE FX__NRLIMITS
#endif

struct fx__linux_attr *fx__attr_lx(struct fx_attr *attr)
{
	if (!attr->lx) {
		attr->lx = calloc(1, sizeof *attr->lx);
		if (attr->lx) {
			attr->lx->cgroup_fd = -1;
			attr->lx->join_pidfd = -1;
		}
	}
	return attr->lx;
}

int fx_attr_set_rlimit(fx_attr *attr, int resource, uint64_t soft, uint64_t hard)
{
	struct fx__linux_attr *lx;

	if (!attr || resource < 0 || resource >= FX__RLIMITS_HERE || soft > hard)
		return -EINVAL;
	if (!(lx = fx__attr_lx(attr)))
		return -ENOMEM;
	lx->rlimit[resource][0] = soft;
	lx->rlimit[resource][1] = hard;
	lx->rlimit_set |= 1u << resource;
	return 0;
}

int fx_attr_set_umask(fx_attr *attr, mode_t mask)
{
	struct fx__linux_attr *lx;

	if (!attr || (mask & ~(mode_t)0777))
		return -EINVAL;
	if (!(lx = fx__attr_lx(attr)))
		return -ENOMEM;
	lx->has_umask = 1;
	lx->umask = mask;
	return 0;
}

int fx_attr_set_nice(fx_attr *attr, int nice)
{
	struct fx__linux_attr *lx;

	if (!attr || nice < -20 || nice > 19)
		return -EINVAL;
	if (!(lx = fx__attr_lx(attr)))
		return -ENOMEM;
	lx->has_nice = 1;
	lx->nice = nice;
	lx->nice_relative = 0;
	return 0;
}

int fx_attr_set_nice_adjust(fx_attr *attr, int adjustment)
{
	struct fx__linux_attr *lx;

	if (!attr)
		return -EINVAL;
	if (!(lx = fx__attr_lx(attr)))
		return -ENOMEM;
	lx->has_nice = 1;
	/* Past 39 either way every start clamps alike: no overflow later. */
	lx->nice = adjustment < -40 ? -40 : adjustment > 40 ? 40 : adjustment;
	lx->nice_relative = 1;
	return 0;
}

int fx_attr_set_sched(fx_attr *attr, int policy, int priority)
{
#ifdef __linux__
	struct fx__linux_attr *lx;
	int base = policy & ~SCHED_RESET_ON_FORK;
	int realtime = base == SCHED_FIFO || base == SCHED_RR;

	if (!attr)
		return -EINVAL;
	if (base != SCHED_OTHER && base != SCHED_BATCH && base != SCHED_IDLE && !realtime)
		return -EINVAL;
	if (realtime ? priority < 1 || priority > 99 : priority != 0)
		return -EINVAL;
	if (!(lx = fx__attr_lx(attr)))
		return -ENOMEM;
	lx->has_sched = 1;
	lx->policy = policy;
	lx->priority = priority;
	return 0;
#else
	/* POSIX's process scheduling is an option Darwin does not have
	 * (no sched_setscheduler). */
	return attr ? -ENOTSUP : -EINVAL;
#endif
}
