/* SPDX-License-Identifier: MIT */
/*
 * The plan's Linux containment steps (forkexec-linux.h): which
 * namespaces, the id maps' text, capabilities, limits and the seccomp
 * filter, as operations placed by plan.c between its own.  Everything
 * is decided and formatted here, in the parent.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "core/attr.h"
#include "child/plan.h"
#include "linux/plan_linux.h"
#include "forkexec-linux.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

size_t fx__plan_linux_nops(const struct fx_attr *attr)
{
	/* join cgroup, unshare, wait, propagation, 16 rlimits twice, nice,
	 * ioprio, sched, affinity, bounding, inheritable, securebits,
	 * keepcaps, ambient,
	 * umask, no_new_privs, seccomp raw and by name, no_new_privs and
	 * landlock, join, time offsets, mount proc; the view's own */
	return attr->lx ? 4 + 2 * FX__NRLIMITS + 22 + fx__mounts_nops(attr) : 0;
}

/* "IN OUT COUNT\n" per line, in one string: the kernel wants the whole
 * map in a single write. */
static char *map_text(const struct fx__id_map *map, size_t n)
{
	size_t cap = n * 34 + 1, len = 0;
	char *text = malloc(cap);

	if (!text)
		return NULL;
	text[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%u %u %u\n", map[i].inside,
		                        map[i].outside, map[i].count);
	return text;
}

static int open_cgroup(struct fx__plan *plan, const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		plan->fail_step = FX_STEP_CGROUP;
		return -errno;
	}
	plan->cgroup_fd = fd;
	plan->cgroup_owned = 1;
	return 0;
}

/*
 * Another process's namespaces, after the child's own new ones (which
 * the clone makes at birth, whatever the backend would do later: so
 * both backends join from the same place), and a kind both joined and
 * new is refused.
 */
static int push_join(struct fx__plan *plan, const struct fx_attr *attr,
                     const struct fx__linux_attr *lx)
{
	if (!attr->join_fd_set)
		return 0;
	if (attr->join_flags & lx->ns_flags) {
		plan->fail_step = FX_STEP_JOIN;
		return -EINVAL;
	}
	/* The pid namespace was joined for us by the spawning thread
	 * (join_linux.c): setns gives it to children only. */
	plan->join_flags = attr->join_flags & ~(unsigned long)CLONE_NEWPID;
	if (plan->join_flags) {
		struct fx__op *op = fx__plan_push(plan, FX__OP_JOIN, FX_STEP_JOIN);

		op->a = attr->join_fd;
		op->ptr = &plan->join_flags;
	}
	return 0;
}

/* The joins, then the filesystem view (which may need what was joined). */
static int push_join_and_view(struct fx__plan *plan, const struct fx_attr *attr,
                              const struct fx__linux_attr *lx)
{
	int rc = push_join(plan, attr, lx);

	return rc < 0 ? rc : fx__plan_mounts(plan, attr);
}

int fx__plan_linux_namespaces(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;

	if (!lx)
		return 0;
	if (lx->cgroup_path) {
		int rc = open_cgroup(plan, lx->cgroup_path);
		if (rc < 0)
			return rc;
	} else if (lx->cgroup_fd >= 0) {
		plan->cgroup_fd = lx->cgroup_fd;
	}
	if (plan->cgroup_fd >= 0)
		plan->cgroup_step = FX_STEP_CGROUP;
	/* A child that cannot be born in the cgroup (a fork, a kernel or
	 * emulator without clone3) moves itself there, before its
	 * namespaces (a new cgroup namespace is then rooted in it). */
	if (plan->cgroup_fd >= 0) {
		plan->cgroup_join = 1;
		fx__plan_push(plan, FX__OP_JOIN_CGROUP, FX_STEP_CGROUP)->a = plan->cgroup_fd;
	}
	if (!lx->ns_flags)
		return push_join_and_view(plan, attr, lx);
	/* The fork backend can only unshare, and unshare gives a new pid
	 * namespace to the children of the caller alone. */
	if ((lx->ns_flags & CLONE_NEWPID) && attr->backend == FX_BACKEND_FORK) {
		plan->fail_step = FX_STEP_NAMESPACES;
		return -EINVAL;
	}
	plan->ns_flags = lx->ns_flags;
	fx__plan_push(plan, FX__OP_UNSHARE, FX_STEP_NAMESPACES);
	if (lx->nuid_map && !(plan->uid_map_text = map_text(lx->uid_map, lx->nuid_map)))
		return -ENOMEM;
	if (lx->ngid_map && !(plan->gid_map_text = map_text(lx->gid_map, lx->ngid_map)))
		return -ENOMEM;
	if (lx->has_time_offset[0] || lx->has_time_offset[1]) {
		/* The kernel's clock ids: CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7. */
		int len = 0;

		for (int i = 0; i < 2; i++)
			if (lx->has_time_offset[i])
				len += snprintf(plan->time_offsets + len,
				                sizeof plan->time_offsets - (size_t)len,
				                "%d %lld %ld\n", i ? CLOCK_BOOTTIME : CLOCK_MONOTONIC,
				                (long long)lx->time_sec[i], lx->time_nsec[i]);
		plan->ns_by_child = CLONE_NEWTIME;
	}
	if (lx->setgroups == FX_SETGROUPS_ALLOW)
		plan->setgroups_text = "allow";
	else if (lx->setgroups == FX_SETGROUPS_DENY || lx->ngid_map)
		plan->setgroups_text = "deny";
	/* In a new pid namespace getppid() is 0 whoever the parent is: the
	 * handshake is then what proves the parent outlived the prctl. */
	plan->handshake = plan->uid_map_text || plan->gid_map_text ||
	                  (plan->setgroups_text && (lx->ns_flags & CLONE_NEWUSER)) ||
	                  (attr->pdeathsig && (lx->ns_flags & CLONE_NEWPID));
	if (plan->handshake)
		fx__plan_push(plan, FX__OP_WAIT_PARENT, FX_STEP_NAMESPACES);
	/* A new mount namespace starts as a copy of ours, shared mounts
	 * still shared (systemd makes / shared): a mount the child makes
	 * would appear on the host.  So it is made private, as unshare(1)
	 * and Go do, unless the caller chose otherwise; after the maps,
	 * before chroot. */
	if ((lx->ns_flags & CLONE_NEWNS) && lx->propagation != FX_PROPAGATION_UNCHANGED) {
		static const int type[] = { MS_PRIVATE, MS_SLAVE, MS_SHARED };
		fx__plan_push(plan, FX__OP_PROPAGATION, FX_STEP_PROPAGATION)->a =
			MS_REC | type[lx->propagation];
	}
	/* unshare --mount-proc: a proc of the child's own pid namespace,
	 * once the mounts are private (not seen by the host), before chroot
	 * and the view, which then keep or drop it as they would the old. */
	if (lx->mount_proc) {
		struct fx__op *op = fx__plan_push(plan, FX__OP_MOUNT, FX_STEP_MOUNT);

		plan->proc_mount = (struct fx__mount_args){
			.src = "proc", .dest = lx->mount_proc, .type = "proc",
			.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
		};
		op->ptr = &plan->proc_mount;
		op->index = -2;
	}
	/* After the maps: the child is then root, with CAP_SYS_TIME, in the
	 * user namespace that owns the new time namespace. */
	if (plan->time_offsets[0]) {
		struct fx__op *op = fx__plan_push(plan, FX__OP_TIME_OFFSETS, FX_STEP_TIME_OFFSETS);

		op->ptr = plan->time_offsets;
		op->b = (int)strlen(plan->time_offsets);
	}
	return push_join_and_view(plan, attr, lx);
}

/* SECBIT_KEEP_CAPS of <linux/securebits.h>. */
#define FX__SECBIT_KEEP_CAPS 0x10

/* A switch to a non-root uid that must keep the permitted set, for the
 * ambient capabilities raised after it. */
static int setuid_needs_keepcaps(const struct fx_attr *attr)
{
	return attr->has_uid && attr->uid != 0 && fx__plan_linux_setuid_keeps_caps(attr);
}

void fx__plan_linux_limits(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;
	struct fx__op *op;

	if (!lx)
		return;
	/* A hard limit above the current one needs privilege, which a
	 * switch to an ordinary user is about to drop: raise it now.  The
	 * exact limits come after the descriptors (fx__plan_linux_late): a
	 * low RLIMIT_NOFILE would otherwise forbid the shuffle's fds. */
	if (attr->has_uid)
		fx__plan_push_rlimits(plan, lx, FX__OP_RLIMIT_RAISE);
	fx__plan_push_nice(plan, lx);
	if (lx->has_ioprio)
		fx__plan_push(plan, FX__OP_IOPRIO, FX_STEP_IOPRIO)->a = lx->ioprio;
	if (lx->has_sched && lx->policy == FX__SCHED_DEADLINE) {
		plan->sched_attr = (struct fx__sched_attr){
			.size = sizeof plan->sched_attr, .policy = FX__SCHED_DEADLINE,
			.runtime = lx->sched_dl[0], .deadline = lx->sched_dl[1],
			.period = lx->sched_dl[2],
		};
		fx__plan_push(plan, FX__OP_SCHED_ATTR, FX_STEP_SCHED)->ptr = &plan->sched_attr;
	} else if (lx->has_sched) {
		plan->sched_priority = lx->priority;
		op = fx__plan_push(plan, FX__OP_SCHED, FX_STEP_SCHED);
		op->a = lx->policy;
		op->ptr = &plan->sched_priority;
	}
	if (lx->cpus) {
		op = fx__plan_push(plan, FX__OP_AFFINITY, FX_STEP_AFFINITY);
		op->b = (int)lx->cpus_size;
		op->ptr = lx->cpus;
	}
	if (lx->bounding_drop) {
		plan->bounding_drop = lx->bounding_drop;
		fx__plan_push(plan, FX__OP_BOUNDING, FX_STEP_BOUNDING)->ptr = &plan->bounding_drop;
	}
	/* Within the bounding set just left, and while the child still
	 * holds what it adds (a switch to a non-root uid keeps it). */
	if (lx->has_inheritable) {
		plan->inheritable = lx->inheritable;
		op = fx__plan_push(plan, FX__OP_INHERITABLE, FX_STEP_INHERITABLE);
		op->ptr = &plan->inheritable;
	}
	/* Needs CAP_SETPCAP: while still privileged, before the uid switch
	 * (whose effect on the capabilities the bits change). */
	if (lx->has_securebits) {
		int bits = lx->securebits;

		/* With keep_caps locked PR_SET_KEEPCAPS is refused: the uid
		 * switch that must keep the permitted set for the ambient
		 * capabilities gets keep_caps from this write instead
		 * (execve clears it, locked or not, as setpriv(1) relies on). */
		if (setuid_needs_keepcaps(attr))
			bits |= FX__SECBIT_KEEP_CAPS;
		fx__plan_push(plan, FX__OP_SECUREBITS, FX_STEP_SECUREBITS)->a = bits;
	}
}

int fx__plan_linux_setuid_keeps_caps(const struct fx_attr *attr)
{
	return attr->lx && attr->lx->has_ambient;
}

int fx__plan_linux_keepcaps_prctl(const struct fx_attr *attr)
{
	return setuid_needs_keepcaps(attr) && !attr->lx->has_securebits;
}

int fx__plan_linux_keeps_inheritable(const struct fx_attr *attr)
{
	return attr->lx && attr->lx->has_inheritable;
}

void fx__plan_linux_ambient(struct fx__plan *plan, const struct fx_attr *attr)
{
	struct fx__op *op;

	if (!fx__plan_linux_setuid_keeps_caps(attr))
		return;
	plan->ambient = attr->lx->ambient;
	op = fx__plan_push(plan, FX__OP_AMBIENT, FX_STEP_AMBIENT);
	op->ptr = &plan->ambient;
	/* After a switch to an ordinary user the child holds what it was
	 * given and nothing else; as root it keeps root's sets.  An
	 * inheritable set asked for (FX__OP_INHERITABLE, before setuid)
	 * stays beside the ambient ones. */
	op->b = attr->has_uid && attr->uid != 0;
	op->c = attr->lx->has_inheritable;
}

void fx__plan_linux_late(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;

	if (!lx)
		return;
	fx__plan_push_rlimits(plan, lx, FX__OP_RLIMIT);
	if (lx->has_umask)
		fx__plan_push(plan, FX__OP_UMASK, FX_STEP_NONE)->a = (int)lx->umask;
	if (lx->no_new_privs)
		fx__plan_push(plan, FX__OP_NO_NEW_PRIVS, FX_STEP_NO_NEW_PRIVS);
}

void fx__plan_linux_seccomp(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;

	if (!lx)
		return;
	/* Landlock before the filters, which might refuse its call; it
	 * needs no_new_privs (set again if set already: it cannot hurt). */
	if (attr->landlock_fd > 0) {
		fx__plan_push(plan, FX__OP_NO_NEW_PRIVS, FX_STEP_NO_NEW_PRIVS);
		fx__plan_push(plan, FX__OP_LANDLOCK, FX_STEP_LANDLOCK)->a = attr->landlock_fd;
	}
	/* Both may be given: the kernel runs every filter a process has and
	 * the strictest answer wins, so their order does not matter. */
	if (lx->seccomp) {
		plan->seccomp.len = lx->seccomp_len;
		plan->seccomp.filter = lx->seccomp;
		fx__plan_push(plan, FX__OP_SECCOMP, FX_STEP_SECCOMP)->ptr = &plan->seccomp;
	}
	if (lx->seccomp_names) {
		plan->seccomp_names.len = lx->seccomp_names_len;
		plan->seccomp_names.filter = lx->seccomp_names;
		fx__plan_push(plan, FX__OP_SECCOMP, FX_STEP_SECCOMP)->ptr = &plan->seccomp_names;
	}
}

void fx__plan_linux_free(struct fx__plan *plan)
{
	free(plan->uid_map_text);
	free(plan->gid_map_text);
	if (plan->cgroup_owned && plan->cgroup_fd >= 0)
		close(plan->cgroup_fd);
	fx__plan_mounts_free(plan);
}
