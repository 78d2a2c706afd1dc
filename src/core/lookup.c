/* SPDX-License-Identifier: MIT */
/*
 * PATH search, done by the parent before the child exists (the child may
 * not allocate, so it cannot build candidate paths).  Unlike execvp, an
 * empty or relative element is skipped rather than taken relative to the
 * current directory, and a file found but not executable does not stop
 * the search.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/compat.h"
#include "core/lookup.h"

#define FX__DEFAULT_PATH "/usr/bin:/bin"

static const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; *env; env++)
		if (!strncmp(*env, name, len) && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

const char *fx__search_path(const struct fx_attr *attr)
{
	const char *path = NULL;

	if (attr && attr->search_path)
		path = attr->search_path;
	else if (attr && attr->env)
		path = env_get(attr->env, "PATH");
	else
		path = getenv("PATH");
	return path ? path : FX__DEFAULT_PATH;
}

/*
 * Is `path` (seen from the parent's root, below `root` if the child will
 * chroot) a regular file we may execute?  Returns 0, -EACCES or -ENOENT.
 * access() answers for the parent's credentials; a child that changes
 * them may still fail at execve, and then says so.
 */
static int check_candidate(const char *root, const char *path)
{
	char buf[PATH_MAX];
	struct stat st;

	if (root) {
		size_t rlen = strlen(root), plen = strlen(path);
		if (rlen + plen + 1 > sizeof buf)
			return -ENAMETOOLONG;
		memcpy(buf, root, rlen);
		memcpy(buf + rlen, path, plen + 1);
		path = buf;
	}
	/* A directory we may not search hides nothing we could run: that is
	 * "not found", as with Go's LookPath, not "permission denied". */
	if (stat(path, &st) < 0)
		return -ENOENT;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return access(path, X_OK) == 0 ? 0 : -EACCES;
}

int fx__lookup(const char *file, const struct fx_attr *attr, char **out)
{
	const char *root = attr ? attr->root : NULL;
	const char *dirs;
	size_t flen = strlen(file);
	int seen_eacces = 0;

	*out = NULL;
	if (strchr(file, '/')) {
		*out = strdup(file);
		return *out ? 0 : -ENOMEM;
	}
	dirs = fx__search_path(attr);
	if (flen > NAME_MAX)
		return -ENAMETOOLONG;
	for (const char *p = dirs; *p;) {
		const char *end = fx__strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		char cand[PATH_MAX];

		/* A relative element would be resolved against the child's
		 * working directory, which is not ours: skip it, as the empty
		 * one (Go's LookPath likewise refuses relative results). */
		if (dlen > 0 && *p == '/' && dlen + 1 + flen + 1 <= sizeof cand) {
			memcpy(cand, p, dlen);
			cand[dlen] = '/';
			memcpy(cand + dlen + 1, file, flen + 1);
			int rc = check_candidate(root, cand);
			if (rc == 0) {
				*out = strdup(cand);
				return *out ? 0 : -ENOMEM;
			}
			if (rc == -EACCES)
				seen_eacces = 1;
		}
		p = *end ? end + 1 : end;
	}
	return seen_eacces ? -EACCES : -ENOENT;
}
