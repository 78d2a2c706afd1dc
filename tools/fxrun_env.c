/* SPDX-License-Identifier: MIT */
/*
 * Environment building for fxrun (see fxrun_env.h).  Nothing is copied:
 * the array points at strings that live as long as fxrun, and the library
 * copies what it keeps.
 */
#include "fxrun_env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Does `entry` ("NAME=VALUE", or a bare "NAME") define the name name[0..len)? */
static int defines(const char *entry, const char *name, size_t len)
{
	return strncmp(entry, name, len) == 0 &&
	       (entry[len] == '=' || entry[len] == '\0');
}

/* Removes every entry defining name[0..len), keeping the order of the rest. */
static void remove_name(char **env, size_t *n, const char *name, size_t len)
{
	size_t i, j = 0;

	for (i = 0; i < *n; i++)
		if (!defines(env[i], name, len))
			env[j++] = env[i];
	*n = j;
}

int fxrun_build_env(const struct fxrun_opts *o, char *const *base,
                    char ***out)
{
	size_t n_base = 0, n = 0, i;
	char **env;

	*out = NULL;
	if (!o->clear_env && o->n_env_ops == 0)
		return 0;

	if (!o->clear_env && base)
		while (base[n_base])
			n_base++;
	/* At most every base entry plus one per -e, and the NULL. */
	env = malloc((n_base + o->n_env_ops + 1) * sizeof *env);
	if (!env)
		return -ENOMEM;
	for (i = 0; i < n_base; i++)
		env[n++] = base[i];

	for (i = 0; i < o->n_env_ops; i++) {
		const struct fxrun_env_op *op = &o->env_ops[i];
		const char *eq = strchr(op->arg, '=');
		size_t len = eq ? (size_t)(eq - op->arg) : strlen(op->arg);

		remove_name(env, &n, op->arg, len);
		if (op->kind == FXRUN_ENV_SET)
			env[n++] = (char *)op->arg;
	}
	env[n] = NULL;
	*out = env;
	return 0;
}
