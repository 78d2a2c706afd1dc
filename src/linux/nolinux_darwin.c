/* SPDX-License-Identifier: MIT */
/*
 * forkexec-linux.h on Darwin: every setter refuses with -ENOTSUP (Darwin
 * has no namespaces, capabilities, cgroups, seccomp...), and the
 * planner's hooks (plan_linux.h) add only the POSIX limits of forkexec.h
 * that attr_limits.c keeps: resource limits, nice value, umask.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "forkexec-linux.h"
#include "core/attr.h"
#include "core/spawn_core.h"
#include "linux/sandbox.h"
#include "backend/backend.h"
#include "linux/plan_linux.h"

int fx_attr_set_namespaces(fx_attr *attr, unsigned long flags)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_add_uid_map(fx_attr *attr, uid_t inside, uid_t outside, unsigned count)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_add_gid_map(fx_attr *attr, gid_t inside, gid_t outside, unsigned count)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_setgroups_policy(fx_attr *attr, int policy)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_mount_propagation(fx_attr *attr, int propagation)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_root_maps(fx_attr *attr)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_ambient_caps(fx_attr *attr, uint64_t caps)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_inheritable_caps(fx_attr *attr, uint64_t caps)
{
	return attr ? -ENOTSUP : -EINVAL;
}

/* Darwin has no capabilities. */
const char *fx_cap_name(int cap)
{
	return NULL;
}

/* Darwin's resources, named as Linux's are (RLIMIT_RSS is RLIMIT_AS). */
const char *fx_rlimit_name(int resource)
{
	static const struct {
		int resource;
		const char *name;
	} names[] = {
		{ RLIMIT_CPU, "cpu" }, { RLIMIT_FSIZE, "fsize" }, { RLIMIT_DATA, "data" },
		{ RLIMIT_STACK, "stack" }, { RLIMIT_CORE, "core" }, { RLIMIT_AS, "as" },
		{ RLIMIT_MEMLOCK, "memlock" }, { RLIMIT_NPROC, "nproc" },
		{ RLIMIT_NOFILE, "nofile" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].resource == resource)
			return names[i].name;
	return NULL;
}

int fx_attr_add_bounding_drop(fx_attr *attr, uint64_t caps)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_cgroup_fd(fx_attr *attr, int dirfd)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_cgroup_path(fx_attr *attr, const char *path)
{
	return attr ? -ENOTSUP : -EINVAL;
}



int fx_attr_set_sched_deadline(fx_attr *attr, uint64_t runtime_ns, uint64_t deadline_ns,
                               uint64_t period_ns)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_mount_proc(fx_attr *attr, const char *dir)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_no_new_privs(fx_attr *attr, int on)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_time_offset(fx_attr *attr, int clock, int64_t seconds,
                            long nanoseconds)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_securebits(fx_attr *attr, int bits)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_ioprio(fx_attr *attr, int ioclass, int level)
{
	return attr ? -ENOTSUP : -EINVAL;
}



int fx_attr_set_cpus(fx_attr *attr, size_t setsize, const void *cpus)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_seccomp(fx_attr *attr, const struct sock_fprog *prog)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_seccomp_names(fx_attr *attr, int mode, const char *const names[], size_t n,
                              int action)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_syscall_number(const char *name)
{
	return name ? -ENOTSUP : -EINVAL;
}

const char *fx_syscall_name(int nr)
{
	return NULL;
}

int fx_attr_add_landlock_path(fx_attr *attr, const char *path, int access)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_add_landlock_port(fx_attr *attr, unsigned port, int how)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_landlock_flags(fx_attr *attr, unsigned flags)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_landlock_abi(void)
{
	return -EOPNOTSUPP;
}

/* No landlock rules exist here: nothing to wire. */
int fx__landlock_wire(struct fx_attr *eff, struct fx__fd_map **owned,
                      const struct fx_attr *attr, int *fd, fx_error *err)
{
	*fd = -1;
	return 0;
}

int fx_attr_join_namespaces_fd(fx_attr *attr, int pidfd, unsigned long flags)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_join_namespaces_pid(fx_attr *attr, pid_t pid, unsigned long flags)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx__join_wire(struct fx_attr *eff, const struct fx_attr *attr, int *fd, fx_error *err)
{
	*fd = -1;
	return 0;
}

int fx__join_spawn_child(const struct fx__spawn_request *req, const struct fx_attr *eff,
                         pid_t *pid, int *pidfd, fx_error *err)
{
	return fx__spawn_child(req, pid, pidfd, err);
}

int fx_attr_add_mount(fx_attr *attr, int kind, const char *src, const char *dest)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_add_tmpfs(fx_attr *attr, const char *dest, unsigned long size, mode_t mode)
{
	return attr ? -ENOTSUP : -EINVAL;
}

int fx_attr_set_hostname(fx_attr *attr, const char *name)
{
	return attr ? -ENOTSUP : -EINVAL;
}

/* attr->lx holds only the POSIX limits here (attr_limits.c). */
void fx__attr_linux_free(struct fx_attr *attr)
{
	free(attr->lx);
	attr->lx = NULL;
}

void fx__describe_linux(fx_error *err, const struct fx_attr *attr)
{
}

/* The POSIX limits (attr_limits.c): each rlimit twice, nice, umask. */
size_t fx__plan_linux_nops(const struct fx_attr *attr)
{
	return attr->lx ? 2 * FX__NRLIMITS + 2 : 0;
}

int fx__plan_linux_namespaces(struct fx__plan *plan, const struct fx_attr *attr)
{
	return 0;
}

/* As on Linux (plan_linux.c): a higher hard limit and the nice value
 * while the child is still root, the exact limits and the umask after
 * its descriptors. */
void fx__plan_linux_limits(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;

	if (!lx)
		return;
	if (attr->has_uid)
		fx__plan_push_rlimits(plan, lx, FX__OP_RLIMIT_RAISE);
	fx__plan_push_nice(plan, lx);
}

int fx__plan_linux_setuid_keeps_caps(const struct fx_attr *attr)
{
	return 0;
}

int fx__plan_linux_keepcaps_prctl(const struct fx_attr *attr)
{
	return 0;
}

int fx__plan_linux_keeps_inheritable(const struct fx_attr *attr)
{
	return 0;
}

void fx__plan_linux_ambient(struct fx__plan *plan, const struct fx_attr *attr)
{
}

void fx__plan_linux_late(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;

	if (!lx)
		return;
	fx__plan_push_rlimits(plan, lx, FX__OP_RLIMIT);
	if (lx->has_umask)
		fx__plan_push(plan, FX__OP_UMASK, FX_STEP_NONE)->a = (int)lx->umask;
}

void fx__plan_linux_seccomp(struct fx__plan *plan, const struct fx_attr *attr)
{
}

void fx__plan_linux_free(struct fx__plan *plan)
{
}

/* No plan has a handshake (no user namespaces). */
int fx__release_child(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t pid,
                      int *step)
{
	*step = FX_STEP_CLONE;
	return -ENOTSUP;
}
