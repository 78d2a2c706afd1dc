/* SPDX-License-Identifier: MIT */
/*
 * The child's filesystem view (forkexec-linux.h): mount operations in
 * bubblewrap's vocabulary, kept as attributes and at each spawn turned
 * into the child's plan: primitive operations (mount, mkdir, an empty
 * file, symlink, pivot_root, umount, chdir, a read-only remount) with
 * every path already formed here, in the parent.
 *
 * The sequence, after the child's new namespaces (a new mount namespace
 * is required), as bubblewrap's:
 *
 *     "/" made a slave, recursively: nothing we mount goes back out
 *     a tmpfs on /tmp (the base), holding newroot (a tmpfs of its own,
 *       the future root) and oldroot
 *     pivot_root into the base, the old root at /oldroot
 *     the caller's operations, in order: sources under /oldroot,
 *       destinations under /newroot (their parents made as needed)
 *     /oldroot detached
 *     pivot_root into /newroot, the base detached, chdir /
 *
 * so the child's root holds only what the operations put there.  Each
 * primitive carries the index of the caller's operation it belongs to,
 * which a failure reports (FX_STEP_MOUNT) and describe names:
 * `ro-bind "/nope" -> "/x": No such file or directory`.  Everything
 * happens inside the child's own mount namespace: a failure leaves
 * nothing on the host.
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
#include "child/plan.h"
#include "linux/plan_linux.h"
#include "linux/mounts_linux.h"

/* The devices of the minimal /dev, bound from the host's (mknod is not
 * allowed in a user namespace), and its links. */
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
static const char *const dev_links[][2] = {
	{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	{ "pts/ptmx", "ptmx" },
};

static void *keep(struct fx__plan *plan, void *p)
{
	void **grown;

	if (!p)
		return NULL;
	grown = realloc(plan->mount_mem, (plan->nmount_mem + 1) * sizeof *grown);
	if (!grown) {
		free(p);
		return NULL;
	}
	grown[plan->nmount_mem++] = p;
	plan->mount_mem = grown;
	return p;
}

static char *join(struct fx__plan *plan, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return keep(plan, s);
}

static int push_path(struct fx__plan *plan, unsigned kind, const char *path, long index)
{
	struct fx__op *op;

	if (!path)
		return -ENOMEM;
	op = fx__plan_push(plan, kind, FX_STEP_MOUNT);
	op->ptr = path;
	op->index = index;
	return 0;
}

static int push_mount(struct fx__plan *plan, const char *src, const char *dest,
                      const char *type, unsigned long flags, const char *data, long index)
{
	struct fx__mount_args *m = keep(plan, calloc(1, sizeof *m));
	struct fx__op *op;

	if (!m || !dest)
		return -ENOMEM;
	/* The kernel ignores the source and type of a bind, a remount and
	 * a propagation change; "none" rather than NULL keeps checkers of
	 * mount(2)'s arguments (valgrind) quiet. */
	m->src = src ? src : "none";
	m->dest = dest;
	m->type = type ? type : "none";
	m->flags = flags;
	m->data = data;
	op = fx__plan_push(plan, FX__OP_MOUNT, FX_STEP_MOUNT);
	op->ptr = m;
	op->index = index;
	return 0;
}

/* An operation on two paths: symlink(a, b), pivot_root(a, b). */
static int push_pair(struct fx__plan *plan, unsigned kind, const char *a, const char *b,
                     long index)
{
	struct fx__mount_args *m;
	struct fx__op *op;

	if (!a || !b)
		return -ENOMEM;
	m = keep(plan, calloc(1, sizeof *m));
	if (!m)
		return -ENOMEM;
	m->src = a;
	m->dest = b;
	op = fx__plan_push(plan, kind, FX_STEP_MOUNT);
	op->ptr = m;
	op->index = index;
	return 0;
}

static int push_symlink(struct fx__plan *plan, const char *target, const char *path,
                        long index)
{
	return push_pair(plan, FX__OP_SYMLINK, target, path, index);
}

/* The parents of dest under /newroot, made as needed ("/a/b/c": /newroot/a,
 * /newroot/a/b). */
static int push_parents(struct fx__plan *plan, const char *dest, long index)
{
	for (const char *p = strchr(dest + 1, '/'); p; p = strchr(p + 1, '/')) {
		char *part = keep(plan, strndup(dest, (size_t)(p - dest)));
		int rc;

		if (!part)
			return -ENOMEM;
		rc = push_path(plan, FX__OP_MKDIR, join(plan, "/newroot", part), index);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The minimal /dev at dest (d: "/newroot" + dest). */
static int push_dev(struct fx__plan *plan, const char *d, long index)
{
	int rc = push_path(plan, FX__OP_MKDIR, d, index);

	if (rc == 0)
		rc = push_mount(plan, "tmpfs", d, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755", index);
	for (size_t i = 0; rc == 0 && i < sizeof dev_nodes / sizeof dev_nodes[0]; i++) {
		const char *node = join(plan, "/", dev_nodes[i]);
		const char *at = node ? join(plan, d, node) : NULL;

		rc = push_path(plan, FX__OP_MKFILE, at, index);
		if (rc == 0)
			rc = push_mount(plan, node ? join(plan, "/oldroot/dev", node) : NULL, at, NULL,
			                MS_BIND, NULL, index);
	}
	if (rc == 0)
		rc = push_path(plan, FX__OP_MKDIR, join(plan, d, "/pts"), index);
	if (rc == 0)
		rc = push_mount(plan, "devpts", join(plan, d, "/pts"), "devpts", MS_NOSUID | MS_NOEXEC,
		                "newinstance,ptmxmode=0666,mode=620", index);
	if (rc == 0)
		rc = push_path(plan, FX__OP_MKDIR, join(plan, d, "/shm"), index);
	for (size_t i = 0; rc == 0 && i < sizeof dev_links / sizeof dev_links[0]; i++) {
		const char *name = join(plan, "/", dev_links[i][1]);

		rc = push_symlink(plan, dev_links[i][0], name ? join(plan, d, name) : NULL, index);
	}
	return rc;
}

static int push_request(struct fx__plan *plan, const struct mount_req *r, long index)
{
	const char *dest = join(plan, "/newroot", r->dest);
	const char *src = r->src && r->kind != FX_MOUNT_SYMLINK ? join(plan, "/oldroot", r->src)
	                                                        : r->src;
	char *data;
	struct stat st;
	int rc = push_parents(plan, r->dest, index);

	if (rc < 0 || !dest || (r->src && !src))
		return rc < 0 ? rc : -ENOMEM;
	switch (r->kind) {
	case FX_MOUNT_BIND:
	case FX_MOUNT_RO_BIND:
	case FX_MOUNT_DEV_BIND:
		/* The mount point is a directory or a file as the source
		 * is; one that is missing fails at its mount, in the child,
		 * with the kernel's own error. */
		rc = push_path(plan, r->src && stat(r->src, &st) == 0 && !S_ISDIR(st.st_mode)
		                     ? FX__OP_MKFILE : FX__OP_MKDIR, dest, index);
		if (rc == 0)
			rc = push_mount(plan, src, dest, NULL, MS_BIND | MS_REC, NULL, index);
		if (rc == 0 && r->kind == FX_MOUNT_RO_BIND)
			rc = push_path(plan, FX__OP_REMOUNT_RO, dest, index);
		return rc;
	case FX_MOUNT_TMPFS:
		data = keep(plan, malloc(64));
		if (!data)
			return -ENOMEM;
		if (r->size)
			snprintf(data, 64, "mode=%04o,size=%lu", r->mode, r->size);
		else
			snprintf(data, 64, "mode=%04o", r->mode);
		rc = push_path(plan, FX__OP_MKDIR, dest, index);
		return rc ? rc : push_mount(plan, "tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV, data,
		                            index);
	case FX_MOUNT_PROC:
		rc = push_path(plan, FX__OP_MKDIR, dest, index);
		return rc ? rc : push_mount(plan, "proc", dest, "proc",
		                            MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL, index);
	case FX_MOUNT_MQUEUE:
		rc = push_path(plan, FX__OP_MKDIR, dest, index);
		return rc ? rc : push_mount(plan, "mqueue", dest, "mqueue", 0, NULL, index);
	case FX_MOUNT_DEV:
		return push_dev(plan, dest, index);
	case FX_MOUNT_DIR:
		return push_path(plan, FX__OP_MKDIR, dest, index);
	case FX_MOUNT_SYMLINK:
		return push_symlink(plan, src, dest, index);
	case FX_MOUNT_REMOUNT_RO:
		return push_path(plan, FX__OP_REMOUNT_RO, dest, index);
	}
	return -EINVAL;
}

/* Primitive operations per caller's operation, at most. */
#define FX__DEV_OPS 32
#define FX__PATH_OPS 3

size_t fx__mounts_nops(const struct fx_attr *attr)
{
	const struct fx__mounts *m = attr->lx ? attr->lx->mounts : NULL;
	size_t n;

	if (!m)
		return 0;
	n = 16;
	for (size_t i = 0; i < m->n; i++) {
		n += FX__DEV_OPS + FX__PATH_OPS;
		for (const char *p = m->v[i].dest; *p; p++)
			n += *p == '/';
	}
	return n;
}

int fx__plan_mounts(struct fx__plan *plan, const struct fx_attr *attr)
{
	const struct fx__mounts *m = attr->lx ? attr->lx->mounts : NULL;
	unsigned long ns = attr->lx ? attr->lx->ns_flags : 0;
	int rc = 0;

	if (!m || (!m->n && !m->hostname))
		return 0;
	if (m->hostname) {
		struct fx__op *op;

		/* Refused here rather than let sethostname change the host's
		 * name: describe names it (`hostname "x" needs a new uts
		 * namespace`). */
		if (!(ns & CLONE_NEWUTS)) {
			plan->fail_step = FX_STEP_MOUNT;
			return -EINVAL;
		}
		op = fx__plan_push(plan, FX__OP_SETHOSTNAME, FX_STEP_MOUNT);
		op->ptr = m->hostname;
		op->a = (int)strlen(m->hostname);
		op->index = -1;
	}
	if (!m->n)
		return 0;
	/* A view needs a mount namespace of its own. */
	if (!(ns & CLONE_NEWNS)) {
		plan->fail_step = FX_STEP_MOUNT;
		return -EINVAL;
	}
	rc = push_mount(plan, NULL, "/", NULL, MS_REC | MS_SLAVE, NULL, -1);
	if (rc == 0)
		rc = push_mount(plan, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", -1);
	if (rc == 0)
		rc = push_path(plan, FX__OP_MKDIR, "/tmp/newroot", -1);
	if (rc == 0)
		rc = push_path(plan, FX__OP_MKDIR, "/tmp/oldroot", -1);
	if (rc == 0)
		rc = push_mount(plan, "tmpfs", "/tmp/newroot", "tmpfs", MS_NOSUID | MS_NODEV,
		                "mode=0755", -1);
	/* The base becomes the root, the old one is at /oldroot. */
	if (rc == 0)
		rc = push_pair(plan, FX__OP_PIVOT, "/tmp", "/tmp/oldroot", -1);
	if (rc == 0)
		rc = push_path(plan, FX__OP_CHDIR, "/", -1);
	for (size_t i = 0; rc == 0 && i < m->n; i++)
		rc = push_request(plan, &m->v[i], (long)i);
	if (rc == 0)
		rc = push_path(plan, FX__OP_UMOUNT, "/oldroot", -1);
	/* pivot_root(".", ".") stacks the base over the new root at "/":
	 * detaching "." then takes the base away, as bubblewrap does. */
	if (rc == 0)
		rc = push_path(plan, FX__OP_CHDIR, "/newroot", -1);
	if (rc == 0)
		rc = push_pair(plan, FX__OP_PIVOT, ".", ".", -1);
	if (rc == 0)
		rc = push_path(plan, FX__OP_UMOUNT, ".", -1);
	if (rc == 0)
		rc = push_path(plan, FX__OP_CHDIR, "/", -1);
	return rc;
}

void fx__plan_mounts_free(struct fx__plan *plan)
{
	for (size_t i = 0; i < plan->nmount_mem; i++)
		free(plan->mount_mem[i]);
	free(plan->mount_mem);
	plan->mount_mem = NULL;
	plan->nmount_mem = 0;
}

