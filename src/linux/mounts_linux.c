/* SPDX-License-Identifier: MIT */
/*
 * The child's filesystem view (forkexec-linux.h): the mount operations
 * in bubblewrap's vocabulary and the hostname, kept as attributes (the
 * plan they become: plan_mounts_linux.c), and the subject a failed one
 * is named by: `ro-bind "/nope" -> "/x"`.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "core/attr.h"
#include "forkexec-linux.h"
#include "linux/mounts_linux.h"

static const char *const kind_names[] = {
	[FX_MOUNT_BIND] = "bind", [FX_MOUNT_RO_BIND] = "ro-bind",
	[FX_MOUNT_DEV_BIND] = "dev-bind", [FX_MOUNT_TMPFS] = "tmpfs",
	[FX_MOUNT_PROC] = "proc", [FX_MOUNT_DEV] = "dev", [FX_MOUNT_MQUEUE] = "mqueue",
	[FX_MOUNT_DIR] = "dir", [FX_MOUNT_SYMLINK] = "symlink",
	[FX_MOUNT_REMOUNT_RO] = "remount-ro",
};

void fx__mounts_free(struct fx__mounts *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].src);
		free(m->v[i].dest);
	}
	free(m->v);
	free(m->hostname);
	free(m);
}

static struct fx__mounts *mounts_of(fx_attr *attr)
{
	struct fx__linux_attr *lx = fx__attr_lx(attr);

	if (lx && !lx->mounts)
		lx->mounts = calloc(1, sizeof *lx->mounts);
	return lx ? lx->mounts : NULL;
}

static int add(fx_attr *attr, int kind, const char *src, const char *dest, unsigned long size,
               unsigned mode)
{
	struct fx__mounts *m = mounts_of(attr);
	struct mount_req *grown, *r;

	if (!m)
		return -ENOMEM;
	grown = realloc(m->v, (m->n + 1) * sizeof *grown);
	if (!grown)
		return -ENOMEM;
	m->v = grown;
	r = &m->v[m->n];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->size = size;
	r->mode = mode;
	r->src = src ? strdup(src) : NULL;
	r->dest = strdup(dest);
	if ((src && !r->src) || !r->dest) {
		free(r->src);
		free(r->dest);
		return -ENOMEM;
	}
	m->n++;
	return 0;
}

int fx_attr_add_mount(fx_attr *attr, int kind, const char *src, const char *dest)
{
	int needs_src = kind == FX_MOUNT_BIND || kind == FX_MOUNT_RO_BIND ||
	                kind == FX_MOUNT_DEV_BIND || kind == FX_MOUNT_SYMLINK;

	if (!attr || kind < FX_MOUNT_BIND || kind > FX_MOUNT_REMOUNT_RO || !dest ||
	    dest[0] != '/' || (needs_src && (!src || !*src)) ||
	    (needs_src && kind != FX_MOUNT_SYMLINK && src[0] != '/'))
		return -EINVAL;
	return add(attr, kind, needs_src ? src : NULL, dest, 0, kind == FX_MOUNT_TMPFS ? 0755 : 0);
}

int fx_attr_add_tmpfs(fx_attr *attr, const char *dest, unsigned long size, mode_t mode)
{
	if (!attr || !dest || dest[0] != '/' || (mode & ~07777u))
		return -EINVAL;
	return add(attr, FX_MOUNT_TMPFS, NULL, dest, size, mode);
}

int fx_attr_set_hostname(fx_attr *attr, const char *name)
{
	struct fx__mounts *m;
	char *copy;

	/* The kernel's __NEW_UTS_LEN. */
	if (!attr || (name && (!*name || strlen(name) > 64)))
		return -EINVAL;
	m = mounts_of(attr);
	if (!m)
		return -ENOMEM;
	copy = name ? strdup(name) : NULL;
	if (name && !copy)
		return -ENOMEM;
	free(m->hostname);
	m->hostname = copy;
	return 0;
}

void fx__describe_mount(fx_error *err, const struct fx_attr *attr)
{
	const struct fx__mounts *m = attr->lx ? attr->lx->mounts : NULL;
	const struct mount_req *r;

	/* fx_attr_set_mount_proc's mount, outside the view. */
	if (err->index == -2 && attr->lx && attr->lx->mount_proc) {
		snprintf(err->subject, sizeof err->subject, "proc \"%s\"", attr->lx->mount_proc);
		return;
	}
	/* What the plan refuses (plan_mounts_linux.c), the hostname first:
	 * a spawn with either fails there, with index -1, whatever else. */
	if (m && err->index == -1 && err->code == EINVAL) {
		unsigned long ns = attr->lx->ns_flags;

		if (m->hostname && !(ns & CLONE_NEWUTS)) {
			snprintf(err->subject, sizeof err->subject,
			         "hostname \"%s\" needs a new uts namespace (CLONE_NEWUTS)",
			         m->hostname);
			return;
		}
		if (m->n && !(ns & CLONE_NEWNS)) {
			snprintf(err->subject, sizeof err->subject,
			         "the view needs a new mount namespace (CLONE_NEWNS)");
			return;
		}
	}
	if (!m || err->index < 0 || (size_t)err->index >= m->n) {
		snprintf(err->subject, sizeof err->subject, "the view");
		return;
	}
	r = &m->v[err->index];
	if (r->src)
		snprintf(err->subject, sizeof err->subject, "%s \"%s\" -> \"%s\"", kind_names[r->kind],
		         r->src, r->dest);
	else
		snprintf(err->subject, sizeof err->subject, "%s \"%s\"", kind_names[r->kind], r->dest);
}
