/* SPDX-License-Identifier: MIT */
/*
 * Building and validating an attribute set.  Every setter checks its
 * argument and refuses a bad one at once, so that a spawn never fails
 * later for a reason that could have been seen here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/attr.h"
#include "forkexec-io.h"

#define FX__NGROUPS_MAX 65536 /* the kernel's NGROUPS_MAX */

static int replace_string(char **slot, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

static int check_path(const char *path)
{
	if (!path)
		return 0;
	if (!*path)
		return -EINVAL;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int fx_attr_new(fx_attr **out)
{
	fx_attr *attr;

	if (!out)
		return -EINVAL;
	attr = calloc(1, sizeof *attr);
	if (!attr)
		return -ENOMEM;
	attr->backend = FX__BACKEND_DEFAULT;
	attr->pgid = -1;
	*out = attr;
	return 0;
}

void fx_attr_free(fx_attr *attr)
{
	if (!attr)
		return;
	free(attr->argv0);
	free_strv(attr->env);
	free(attr->search_path);
	free(attr->cwd);
	free(attr->root);
	free(attr->groups);
	free(attr->maps);
	for (int i = 0; i < 3; i++)
		free(attr->stdio[i].path);
	fx__attr_linux_free(attr);
	free(attr);
}

int fx_attr_set_flags(fx_attr *attr, unsigned flags)
{
	if (!attr || (flags & ~FX_FLAGS_ALL_))
		return -EINVAL;
	/* TIOCSCTTY only works for a session leader without a terminal. */
	if ((flags & FX_SETCTTY) && !(flags & FX_SETSID))
		return -EINVAL;
	/* After setsid there is no terminal to give up, and giving it up
	 * contradicts taking one. */
	if ((flags & FX_NOCTTY) && (flags & (FX_SETSID | FX_SETCTTY)))
		return -EINVAL;
	/* A session leader may not change its process group. */
	if ((flags & FX_SETSID) && attr->pgid >= 0)
		return -EINVAL;
	attr->flags = flags;
	return 0;
}

unsigned fx_attr_get_flags(const fx_attr *attr)
{
	return attr ? attr->flags : 0;
}

int fx_attr_set_backend(fx_attr *attr, int backend)
{
	if (!attr || (backend != FX_BACKEND_CLONE && backend != FX_BACKEND_FORK))
		return -EINVAL;
#if defined(__APPLE__) || defined(FX_SYS_GENERIC)
	if (backend == FX_BACKEND_CLONE)
		return -ENOTSUP; /* see FX__BACKEND_DEFAULT */
#endif
#if !defined(__APPLE__)
	/* The fork backend can only unshare: no new pid namespace for the
	 * child itself (forkexec-linux.h). */
	if (backend == FX_BACKEND_FORK && attr->lx && (attr->lx->ns_flags & CLONE_NEWPID))
		return -EINVAL;
#endif
	attr->backend = backend;
	return 0;
}

int fx_attr_set_argv0(fx_attr *attr, const char *argv0)
{
	if (!attr)
		return -EINVAL;
	return replace_string(&attr->argv0, argv0);
}

int fx_attr_set_env(fx_attr *attr, char *const envp[])
{
	char **copy = NULL;
	size_t n = 0;

	if (!attr)
		return -EINVAL;
	if (envp) {
		while (envp[n])
			n++;
		copy = calloc(n + 1, sizeof *copy);
		if (!copy)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			copy[i] = strdup(envp[i]);
			if (!copy[i]) {
				free_strv(copy);
				return -ENOMEM;
			}
		}
	}
	free_strv(attr->env);
	attr->env = copy;
	return 0;
}

int fx_attr_set_search_path(fx_attr *attr, const char *path)
{
	if (!attr)
		return -EINVAL;
	return replace_string(&attr->search_path, path);
}

int fx_attr_set_cwd(fx_attr *attr, const char *dir)
{
	int rc;

	if (!attr)
		return -EINVAL;
	rc = check_path(dir);
	return rc < 0 ? rc : replace_string(&attr->cwd, dir);
}

int fx_attr_set_chroot(fx_attr *attr, const char *dir)
{
	int rc;

	if (!attr)
		return -EINVAL;
	rc = check_path(dir);
	return rc < 0 ? rc : replace_string(&attr->root, dir);
}

int fx_attr_set_uid(fx_attr *attr, uid_t uid)
{
	if (!attr || uid == (uid_t)-1)
		return -EINVAL;
	attr->uid = uid;
	attr->has_uid = 1;
	return 0;
}

int fx_attr_set_gid(fx_attr *attr, gid_t gid)
{
	if (!attr || gid == (gid_t)-1)
		return -EINVAL;
	attr->gid = gid;
	attr->has_gid = 1;
	return 0;
}

int fx_attr_set_groups(fx_attr *attr, size_t n, const gid_t *groups)
{
	gid_t *copy = NULL;

	if (!attr || n > FX__NGROUPS_MAX || (n && !groups))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (groups[i] == (gid_t)-1)
			return -EINVAL;
	if (n) {
		copy = malloc(n * sizeof *copy);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, groups, n * sizeof *copy);
	}
	free(attr->groups);
	attr->groups = copy;
	attr->ngroups = n;
	attr->has_groups = 1;
	return 0;
}

int fx_attr_clear_credentials(fx_attr *attr)
{
	if (!attr)
		return -EINVAL;
	free(attr->groups);
	attr->groups = NULL;
	attr->ngroups = 0;
	attr->has_uid = attr->has_gid = attr->has_groups = 0;
	return 0;
}

int fx_attr_set_pgid(fx_attr *attr, pid_t pgid)
{
	if (!attr || pgid < -1)
		return -EINVAL;
	/* A session leader may not change its process group. */
	if (pgid >= 0 && (attr->flags & FX_SETSID))
		return -EINVAL;
	attr->pgid = pgid;
	return 0;
}

int fx_attr_set_tty_fd(fx_attr *attr, int child_fd)
{
	if (!attr)
		return -EINVAL;
	if (child_fd < 0)
		return -EBADF;
	attr->tty_fd = child_fd;
	return 0;
}

int fx_attr_set_pdeathsig(fx_attr *attr, int sig)
{
	if (!attr || sig < 0 || sig > 64)
		return -EINVAL;
#if defined(__APPLE__)
	if (sig != 0)
		return -ENOTSUP; /* no PR_SET_PDEATHSIG */
#endif
	attr->pdeathsig = sig;
	return 0;
}

int fx_attr_set_fd(fx_attr *attr, int child_fd, int parent_fd)
{
	if (!attr)
		return -EINVAL;
	if (child_fd < 0 || parent_fd < -1)
		return -EBADF;
	if (parent_fd >= 0 && fcntl(parent_fd, F_GETFD) < 0)
		return -EBADF;
	/* The last word on fds 0-2 wins, be it a map or a stdio setting. */
	if (child_fd <= 2) {
		struct fx__stdio *st = &attr->stdio[child_fd];
		free(st->path);
		memset(st, 0, sizeof *st);
		st->how = FX_STDIO_FD;
		st->fd = parent_fd;
	}
	for (size_t i = 0; i < attr->nmaps; i++) {
		if (attr->maps[i].child_fd == child_fd) {
			attr->maps[i].parent_fd = parent_fd;
			return 0;
		}
	}
	if (attr->nmaps == attr->maps_cap) {
		size_t cap = attr->maps_cap ? attr->maps_cap * 2 : 8;
		struct fx__fd_map *maps = realloc(attr->maps, cap * sizeof *maps);
		if (!maps)
			return -ENOMEM;
		attr->maps = maps;
		attr->maps_cap = cap;
	}
	attr->maps[attr->nmaps].child_fd = child_fd;
	attr->maps[attr->nmaps].parent_fd = parent_fd;
	attr->nmaps++;
	return 0;
}

void fx__attr_unmap(fx_attr *attr, int child_fd)
{
	for (size_t i = 0; i < attr->nmaps; i++) {
		if (attr->maps[i].child_fd == child_fd) {
			attr->maps[i] = attr->maps[--attr->nmaps];
			return;
		}
	}
}

uint64_t fx__sigset_to_mask(const sigset_t *set)
{
	uint64_t mask = 0;

	for (int sig = 1; sig <= 64; sig++)
		if (sigismember(set, sig) == 1)
			mask |= 1ULL << (sig - 1);
	return mask;
}

int fx_attr_set_sigmask(fx_attr *attr, const sigset_t *mask)
{
	if (!attr || !mask)
		return -EINVAL;
	attr->sigmask = fx__sigset_to_mask(mask);
	attr->has_sigmask = 1;
	return 0;
}

int fx_attr_set_sigdefault(fx_attr *attr, const sigset_t *set)
{
	if (!attr || !set)
		return -EINVAL;
	attr->sigdefault = fx__sigset_to_mask(set);
	attr->has_sigdefault = 1;
	return 0;
}
