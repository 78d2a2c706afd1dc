/* SPDX-License-Identifier: MIT */
/*
 * The parent's half of the namespace handshake: writing a waiting
 * child's setgroups, uid_map and gid_map, then letting it go on.
 *
 * The kernel accepts each map once, whole, in a single write, and only
 * while the child is in its new user namespace; the child therefore
 * waits on a pipe (child.c, FX__OP_WAIT_PARENT) until we have written
 * them.  /proc/PID/setgroups must be written before gid_map.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "child/plan.h"

static int write_proc_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	size_t len = strlen(text);
	ssize_t n;
	int fd, rc = 0;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	close(fd);
	return rc;
}

static int write_maps(const struct fx__plan *plan, pid_t pid, int *step)
{
	int rc = 0;

	if (plan->setgroups_text && (rc = write_proc_file(pid, "setgroups",
	                                                  plan->setgroups_text)) < 0) {
		*step = FX_STEP_SETGROUPS_POLICY;
		return rc;
	}
	if (plan->uid_map_text && (rc = write_proc_file(pid, "uid_map", plan->uid_map_text)) < 0) {
		*step = FX_STEP_UID_MAP;
		return rc;
	}
	if (plan->gid_map_text && (rc = write_proc_file(pid, "gid_map", plan->gid_map_text)) < 0) {
		*step = FX_STEP_GID_MAP;
		return rc;
	}
	return 0;
}

int fx__release_child(const struct fx__child_ctx *ctx, pid_t pid, int *step)
{
	int rc = write_maps(ctx->plan, pid, step);

	/* One byte lets it go on; end of file, if the maps failed, makes it
	 * leave quietly: we know why. */
	if (rc == 0 && write(ctx->sync_wfd, "", 1) != 1) {
		rc = -errno;
		*step = FX_STEP_NAMESPACES;
	}
	/* The ctx keeps the numbers: a child that shares our memory may
	 * still be reading them. */
	close(ctx->sync_wfd);
	close(ctx->sync_fd);
	return rc;
}
