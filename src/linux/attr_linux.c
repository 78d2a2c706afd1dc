/* SPDX-License-Identifier: MIT */
/*
 * The attributes of forkexec-linux.h: namespaces and id maps,
 * capabilities, cgroup, no_new_privs, CPU affinity and seccomp (the
 * POSIX limits of forkexec.h are attr_limits.c's).  Like attr.c,
 * every setter refuses a bad value at once.  They live in attr->lx,
 * made on first use.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/attr.h"
#include "forkexec-linux.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define FX__NS_ALL (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | \
                    CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWTIME)
#define FX__SECCOMP_INSNS_MAX 4096 /* the kernel's BPF_MAXINSNS */
#define FX__SOCK_FILTER_SIZE 8     /* struct sock_filter: u16, u8, u8, u32 */

/* The kernel's struct sock_fprog, declared here so that this file needs
 * no kernel header. */
struct sock_fprog {
	unsigned short len;
	void *filter;
};

#define LINUX_ATTR(lx, attr)              \
	do {                              \
		if (!(attr))              \
			return -EINVAL;   \
		(lx) = fx__attr_lx(attr); \
		if (!(lx))                \
			return -ENOMEM;   \
	} while (0)

void fx__attr_linux_free(struct fx_attr *attr)
{
	struct fx__linux_attr *lx = attr->lx;

	if (!lx)
		return;
	free(lx->uid_map);
	free(lx->gid_map);
	free(lx->cgroup_path);
	free(lx->mount_proc);
	free(lx->cpus);
	free(lx->seccomp);
	free(lx->seccomp_names);
	fx__landlock_free(lx->landlock);
	fx__mounts_free(lx->mounts);
	free(lx);
	attr->lx = NULL;
}

int fx_attr_set_namespaces(fx_attr *attr, unsigned long flags)
{
	struct fx__linux_attr *lx;

	if (!attr || (flags & ~(unsigned long)FX__NS_ALL))
		return -EINVAL;
	/* unshare(CLONE_NEWPID) gives a new pid namespace to the caller's
	 * children only, never to the caller itself. */
	if ((flags & CLONE_NEWPID) && attr->backend == FX_BACKEND_FORK)
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	if (!(flags & CLONE_NEWUSER) && (lx->nuid_map || lx->ngid_map))
		return -EINVAL;
	if (!(flags & CLONE_NEWTIME) && (lx->has_time_offset[0] || lx->has_time_offset[1]))
		return -EINVAL;
	lx->ns_flags = flags;
	return 0;
}

static int add_map(struct fx__id_map **map, size_t *n, uint32_t inside, uint32_t outside,
                   unsigned count)
{
	struct fx__id_map *grown;

	if (count == 0 || (uint64_t)inside + count - 1 > UINT32_MAX - 1 ||
	    (uint64_t)outside + count - 1 > UINT32_MAX - 1)
		return -EINVAL;
	if (*n >= FX__MAP_LINES_MAX)
		return -E2BIG;
	grown = realloc(*map, (*n + 1) * sizeof **map);
	if (!grown)
		return -ENOMEM;
	grown[*n].inside = inside;
	grown[*n].outside = outside;
	grown[*n].count = count;
	*map = grown;
	(*n)++;
	return 0;
}

int fx_attr_add_uid_map(fx_attr *attr, uid_t inside, uid_t outside, unsigned count)
{
	struct fx__linux_attr *lx;
	int rc;

	LINUX_ATTR(lx, attr);
	rc = add_map(&lx->uid_map, &lx->nuid_map, inside, outside, count);
	if (rc == 0)
		lx->ns_flags |= CLONE_NEWUSER;
	return rc;
}

int fx_attr_add_gid_map(fx_attr *attr, gid_t inside, gid_t outside, unsigned count)
{
	struct fx__linux_attr *lx;
	int rc;

	LINUX_ATTR(lx, attr);
	rc = add_map(&lx->gid_map, &lx->ngid_map, inside, outside, count);
	if (rc == 0)
		lx->ns_flags |= CLONE_NEWUSER;
	return rc;
}

int fx_attr_set_setgroups_policy(fx_attr *attr, int policy)
{
	struct fx__linux_attr *lx;

	if (policy != FX_SETGROUPS_DEFAULT && policy != FX_SETGROUPS_ALLOW &&
	    policy != FX_SETGROUPS_DENY)
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->setgroups = policy;
	return 0;
}

int fx_attr_set_mount_propagation(fx_attr *attr, int propagation)
{
	struct fx__linux_attr *lx;

	if (propagation != FX_PROPAGATION_PRIVATE && propagation != FX_PROPAGATION_SLAVE &&
	    propagation != FX_PROPAGATION_SHARED && propagation != FX_PROPAGATION_UNCHANGED)
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->propagation = propagation;
	return 0;
}

/* chrt --deadline: checked here as the kernel would, so that a bad
 * value fails the call, not the spawn. */
int fx_attr_set_sched_deadline(fx_attr *attr, uint64_t runtime_ns, uint64_t deadline_ns,
                               uint64_t period_ns)
{
	struct fx__linux_attr *lx;

	if (!period_ns)
		period_ns = deadline_ns;
	if (!attr || runtime_ns < 1024 || runtime_ns > deadline_ns || deadline_ns > period_ns ||
	    period_ns >= (uint64_t)1 << 63)
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->has_sched = 1;
	lx->policy = FX__SCHED_DEADLINE;
	lx->priority = 0;
	lx->sched_dl[0] = runtime_ns;
	lx->sched_dl[1] = deadline_ns;
	lx->sched_dl[2] = period_ns;
	return 0;
}

/* unshare(1)'s --mount-proc: the proc of the child's pid namespace on
 * `dir`, in a mount namespace of its own so that the host's /proc is not
 * covered. */
int fx_attr_set_mount_proc(fx_attr *attr, const char *dir)
{
	struct fx__linux_attr *lx;
	char *copy = NULL;

	if (!attr || (dir && !*dir))
		return -EINVAL;
	if (dir && strlen(dir) >= PATH_MAX)
		return -ENAMETOOLONG;
	LINUX_ATTR(lx, attr);
	if (dir && !(copy = strdup(dir)))
		return -ENOMEM;
	free(lx->mount_proc);
	lx->mount_proc = copy;
	if (copy)
		lx->ns_flags |= CLONE_NEWNS;
	return 0;
}

int fx_attr_set_root_maps(fx_attr *attr)
{
	struct fx__linux_attr *lx;
	int rc;

	LINUX_ATTR(lx, attr);
	lx->nuid_map = lx->ngid_map = 0;
	rc = fx_attr_add_uid_map(attr, 0, geteuid(), 1);
	if (rc == 0)
		rc = fx_attr_add_gid_map(attr, 0, getegid(), 1);
	if (rc == 0)
		lx->setgroups = FX_SETGROUPS_DENY;
	return rc;
}

static int valid_caps(uint64_t caps)
{
	return !(caps >> (FX__CAP_LAST + 1));
}

int fx_attr_set_ambient_caps(fx_attr *attr, uint64_t caps)
{
	struct fx__linux_attr *lx;

	if (!valid_caps(caps))
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->has_ambient = caps != 0;
	lx->ambient = caps;
	return 0;
}

int fx_attr_set_inheritable_caps(fx_attr *attr, uint64_t caps)
{
	struct fx__linux_attr *lx;

	if (!valid_caps(caps))
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->has_inheritable = 1;
	lx->inheritable = caps;
	return 0;
}

int fx_attr_add_bounding_drop(fx_attr *attr, uint64_t caps)
{
	struct fx__linux_attr *lx;

	if (!valid_caps(caps))
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->bounding_drop |= caps;
	return 0;
}

int fx_attr_set_cgroup_fd(fx_attr *attr, int dirfd)
{
	struct fx__linux_attr *lx;

	if (dirfd < -1)
		return -EBADF;
	LINUX_ATTR(lx, attr);
	free(lx->cgroup_path);
	lx->cgroup_path = NULL;
	lx->cgroup_fd = dirfd;
	return 0;
}

int fx_attr_set_cgroup_path(fx_attr *attr, const char *path)
{
	struct fx__linux_attr *lx;
	char *copy = NULL;

	if (path && (!*path || strlen(path) >= PATH_MAX))
		return *path ? -ENAMETOOLONG : -EINVAL;
	LINUX_ATTR(lx, attr);
	if (path && !(copy = strdup(path)))
		return -ENOMEM;
	free(lx->cgroup_path);
	lx->cgroup_path = copy;
	lx->cgroup_fd = -1;
	return 0;
}



int fx_attr_set_no_new_privs(fx_attr *attr, int on)
{
	struct fx__linux_attr *lx;

	LINUX_ATTR(lx, attr);
	lx->no_new_privs = !!on;
	return 0;
}

int fx_attr_set_ioprio(fx_attr *attr, int ioclass, int level)
{
	struct fx__linux_attr *lx;
	/* The kernel keeps IDLE's level too (ionice(1) sets 7); NONE's
	 * must be 0. */
	if (ioclass < FX_IOPRIO_CLASS_NONE || ioclass > FX_IOPRIO_CLASS_IDLE ||
	    level < 0 || level > (ioclass == FX_IOPRIO_CLASS_NONE ? 0 : 7))
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->has_ioprio = 1;
	/* IOPRIO_PRIO_VALUE of <linux/ioprio.h>: the class above 13 bits of data. */
	lx->ioprio = ioclass << 13 | level;
	return 0;
}

int fx_attr_set_time_offset(fx_attr *attr, int clock, int64_t seconds,
                            long nanoseconds)
{
	struct fx__linux_attr *lx;
	int i = clock == CLOCK_MONOTONIC ? 0 : clock == CLOCK_BOOTTIME ? 1 : -1;

	if (i < 0 || nanoseconds < 0 || nanoseconds > 999999999L)
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->has_time_offset[i] = 1;
	lx->time_sec[i] = seconds;
	lx->time_nsec[i] = nanoseconds;
	lx->ns_flags |= CLONE_NEWTIME;
	return 0;
}

int fx_attr_set_securebits(fx_attr *attr, int bits)
{
	struct fx__linux_attr *lx;

	/* The eight bits <linux/securebits.h> defines (up to Linux 6.x). */
	if (bits < 0 || bits > 0xff)
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	lx->has_securebits = 1;
	lx->securebits = bits;
	return 0;
}

int fx_attr_set_cpus(fx_attr *attr, size_t setsize, const void *cpus)
{
	struct fx__linux_attr *lx;
	const unsigned char *bytes = cpus;
	void *copy = NULL;
	size_t i;

	if (cpus) {
		if (setsize == 0 || setsize > (size_t)1 << 20)
			return -EINVAL;
		for (i = 0; i < setsize && !bytes[i]; i++)
			;
		if (i == setsize)
			return -EINVAL;
	}
	LINUX_ATTR(lx, attr);
	if (cpus) {
		copy = malloc(setsize);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, cpus, setsize);
	}
	free(lx->cpus);
	lx->cpus = copy;
	lx->cpus_size = cpus ? setsize : 0;
	return 0;
}

int fx_attr_set_seccomp(fx_attr *attr, const struct sock_fprog *prog)
{
	struct fx__linux_attr *lx;
	void *copy = NULL;

	if (prog && (prog->len == 0 || prog->len > FX__SECCOMP_INSNS_MAX || !prog->filter))
		return -EINVAL;
	LINUX_ATTR(lx, attr);
	if (prog) {
		copy = malloc((size_t)prog->len * FX__SOCK_FILTER_SIZE);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, prog->filter, (size_t)prog->len * FX__SOCK_FILTER_SIZE);
	}
	free(lx->seccomp);
	lx->seccomp = copy;
	lx->seccomp_len = prog ? prog->len : 0;
	return 0;
}
