/* SPDX-License-Identifier: MIT */
/*
 * What a failed containment step worked on, for fx_strerror: the map's
 * text, the cgroup, the limit's or the capability's name.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "core/attr.h"
#include "forkexec-linux.h"
#include "core/spawn_core.h"

/* "0 1000 1, 1 100000 65536": the lines as the parent wrote them. */
static void map_subject(fx_error *err, const struct fx__id_map *map, size_t n)
{
	size_t len = 0, cap = sizeof err->subject;

	err->subject[0] = 0;
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(err->subject + len, cap - len, "%s%u %u %u",
		                        i ? ", " : "", map[i].inside, map[i].outside,
		                        map[i].count);
}

/* The first kind of namespace in flags, by nsenter(1)'s name. */
static const char *ns_name(unsigned long flags)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} kinds[] = {
		{ CLONE_NEWUSER, "user" }, { CLONE_NEWPID, "pid" }, { CLONE_NEWNS, "mount" },
		{ CLONE_NEWNET, "net" }, { CLONE_NEWUTS, "uts" }, { CLONE_NEWIPC, "ipc" },
		{ CLONE_NEWCGROUP, "cgroup" }, { 0x00000080 /* CLONE_NEWTIME */, "time" },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (flags & kinds[i].flag)
			return kinds[i].name;
	return "?";
}

void fx__describe_linux(fx_error *err, const struct fx_attr *attr)
{
	const struct fx__linux_attr *lx = attr->lx;
	char *s = err->subject;
	size_t n = sizeof err->subject;

	if (!lx)
		return;
	switch (err->step) {
	case FX_STEP_UID_MAP:
		map_subject(err, lx->uid_map, lx->nuid_map);
		break;
	case FX_STEP_GID_MAP:
		map_subject(err, lx->gid_map, lx->ngid_map);
		break;
	case FX_STEP_SETGROUPS_POLICY:
		snprintf(s, n, "%s", lx->setgroups == FX__SETGROUPS_ALLOW_ ? "allow" : "deny");
		break;
	case FX_STEP_CGROUP:
		if (lx->cgroup_path)
			snprintf(s, n, "%s", lx->cgroup_path);
		else
			snprintf(s, n, "fd %d", lx->cgroup_fd);
		break;
	case FX_STEP_JOIN:
		/* The plan's refusal, before any child exists (index -1). */
		if (err->code == EINVAL && err->index == -1 && (lx->join_flags & lx->ns_flags))
			snprintf(s, n, "%s namespace both joined and new",
			         ns_name(lx->join_flags & lx->ns_flags));
		break;
	case FX_STEP_RLIMIT:
		if (fx_rlimit_name((int)err->index))
			snprintf(s, n, "%s", fx_rlimit_name((int)err->index));
		break;
	case FX_STEP_BOUNDING:
	case FX_STEP_AMBIENT:
	case FX_STEP_INHERITABLE:
		if (fx_cap_name((int)err->index))
			snprintf(s, n, "%s", fx_cap_name((int)err->index));
		break;
	case FX_STEP_MOUNT:
		fx__describe_mount(err, attr);
		break;
	case FX_STEP_NICE:
		if (lx->nice_relative)
			snprintf(s, n, "%ld (%+d from the caller's)", err->index, lx->nice);
		else
			snprintf(s, n, "%d", lx->nice);
		break;
	case FX_STEP_SECUREBITS:
		snprintf(s, n, "%#x", (unsigned)lx->securebits);
		break;
	case FX_STEP_IOPRIO:
		snprintf(s, n, "class %d level %d", lx->ioprio >> 13, lx->ioprio & 0x1fff);
		break;
	default:
		break;
	}
}
