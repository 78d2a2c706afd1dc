/* SPDX-License-Identifier: MIT */
/*
 * fx_env_for_user: the environment runuser(1) and setpriv(1) give a
 * program they start as another user, built from a passwd entry.  A
 * parent-side helper for fx_attr_set_env; it looks nothing up itself
 * (the caller has the entry), so it works for any source of users.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkexec.h"

/* setpriv(1)'s PATH for an ordinary user and for root (<paths.h>). */
#define PATH_USER "/usr/local/bin:/bin:/usr/bin"
#define PATH_ROOT "/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin"

/* Does entry ("NAME=VALUE") define the name of `var` ("NAME=...")? */
static int same_name(const char *entry, const char *var)
{
	size_t len = (size_t)(strchr(var, '=') - var);

	return strncmp(entry, var, len) == 0 && entry[len] == '=';
}

/* var in the place of its name's first entry (later ones go), else at
 * the end: what setenv(3) does, so the order is runuser's. */
static void put(char **env, size_t *n, char *var)
{
	size_t i, j, k;

	for (i = 0; i < *n && !same_name(env[i], var); i++)
		continue;
	if (i == *n) {
		env[(*n)++] = var;
		return;
	}
	env[i] = var;
	for (j = k = i + 1; j < *n; j++)
		if (!same_name(env[j], var))
			env[k++] = env[j];
	*n = k;
}

int fx_env_for_user(char ***out, char *const *base, const struct passwd *pw,
                    unsigned flags)
{
	const char *shell, *dir, *path;
	size_t n_base = 0, n = 0, strings, i;
	char **env, *p;
	char *vars[5];
	int n_vars = 0, reset = !!(flags & FX_ENV_RESET);

	if (!out || !pw || !pw->pw_name || (flags & ~(unsigned)FX_ENV_RESET))
		return -EINVAL;
	*out = NULL;
	shell = pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
	dir = pw->pw_dir ? pw->pw_dir : "";
	path = pw->pw_uid == 0 ? PATH_ROOT : PATH_USER;
	while (base && base[n_base])
		n_base++;
	/* One block: the array (base, five variables, NULL), then the strings. */
	strings = sizeof "SHELL=" + strlen(shell) + sizeof "HOME=" + strlen(dir) +
	          2 * strlen(pw->pw_name) + sizeof "USER=" + sizeof "LOGNAME=" +
	          sizeof "PATH=" + strlen(path);
	env = malloc((n_base + 6) * sizeof *env + strings);
	if (!env)
		return -ENOMEM;
	p = (char *)(env + n_base + 6);
	if (reset)
		vars[n_vars++] = p, p += sprintf(p, "SHELL=%s", shell) + 1;
	vars[n_vars++] = p, p += sprintf(p, "HOME=%s", dir) + 1;
	vars[n_vars++] = p, p += sprintf(p, "USER=%s", pw->pw_name) + 1;
	vars[n_vars++] = p, p += sprintf(p, "LOGNAME=%s", pw->pw_name) + 1;
	if (reset)
		vars[n_vars++] = p, sprintf(p, "PATH=%s", path);

	for (i = 0; i < n_base; i++)
		if (!reset || strncmp(base[i], "TERM=", 5) == 0)
			env[n++] = base[i];
	for (int v = 0; v < n_vars; v++)
		put(env, &n, vars[v]);
	env[n] = NULL;
	*out = env;
	return 0;
}
