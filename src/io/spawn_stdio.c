/* SPDX-License-Identifier: MIT */
/*
 * fx_spawn: stdio as a layer above the core.
 *
 * The core (src/core/spawn.c) knows fd maps, not stdio settings.  This
 * file is where the two meet: it resolves the program (so that a missing
 * one creates no output file), lets stdio.c turn the stdio settings (and
 * the io layer's overrides: fx_run, pipelines) into fd maps on a copy of
 * the attributes, opening files, /dev/null and pipes in the parent, then
 * hands that copy to the core and gives the handle its pipe ends.  The
 * dependency runs one way only: io calls the core, never the reverse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/lookup.h"
#include "core/proc.h"
#include "core/spawn_core.h"
#include "io/stdio_wire.h"
#include "linux/sandbox.h"

int fx__spawn_lookup(const char *file, const struct fx_attr *attr, char **path,
                     fx_error *err)
{
	int rc;

	*path = NULL;
	/* As execve and execvp say of an empty name. */
	rc = *file ? fx__lookup(file, attr, path) : -ENOENT;
	if (rc < 0) {
		fx__set_error(err, FX_STEP_LOOKUP, -rc, -1);
		snprintf(err->subject, sizeof err->subject, "%s", file);
	}
	return rc;
}

int fx__spawn_ex(fx_proc **out, const char *file, char *const argv[], const fx_attr *attr,
                 const struct fx__spawn_opts *xo, fx_error *err)
{
	struct fx__stdio_set set;
	fx_error scratch;
	fx_proc *proc = NULL;
	char *path = NULL;
	int rc, landlock_fd = -1, join_fd = -1;

	if (!err)
		err = &scratch;
	fx__set_error(err, FX_STEP_NONE, 0, -1);
	if (!out || !file || !argv || !argv[0])
		return fx__set_error(err, FX_STEP_ARGS, EINVAL, -1);
	*out = NULL;
	attr = fx__attr_or_default(attr);
	rc = fx__spawn_lookup(file, attr, &path, err);
	if (rc < 0)
		return rc;
	/* The program exists: now its stdio, so that a missing program
	 * creates no output file. */
	rc = fx__stdio_prepare(&set, attr, xo, err);
	/* The sandbox's descriptors, made before the child exists: the
	 * landlock ruleset, and the pidfd of the namespaces to join. */
	if (rc == 0)
		rc = fx__landlock_wire(&set.eff, &set.maps, attr, &landlock_fd, err);
	if (rc == 0)
		rc = fx__join_wire(&set.eff, attr, &join_fd, err);
	if (rc == 0)
		rc = fx__spawn_path(&proc, path, argv, &set.eff, err);
	if (rc == 0) {
		for (int s = 0; s < 3; s++)
			proc->stdio[s] = set.parent[s];
		*out = proc;
	}
	fx__stdio_finish(&set, rc < 0);
	if (landlock_fd >= 0)
		close(landlock_fd);
	if (join_fd >= 0)
		close(join_fd);
	free(path);
	return rc;
}

int fx_spawn(fx_proc **out, const char *file, char *const argv[], const fx_attr *attr,
             fx_error *err)
{
	return fx__spawn_ex(out, file, argv, attr, NULL, err);
}
