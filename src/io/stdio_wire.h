/* SPDX-License-Identifier: MIT */
/*
 * Stdio wiring at spawn time (stdio.c), and the spawn entry that the io
 * layer (io.c, pipeline.c) uses (spawn_stdio.c): fx_spawn with overrides
 * of the attribute set that the caller's attr must not see changed.  It
 * turns stdio into fd maps, then calls the core (fx__spawn_path).
 */
#ifndef FX_STDIO_WIRE_H
#define FX_STDIO_WIRE_H

#include <sys/types.h>

#include "core/attr.h"
#include "core/spawn_core.h"

/* What the io layer asks of a spawn beyond the caller's attr. */
struct fx__spawn_opts {
	/* Replaces attr's setting of a stream (NULL: attr's stands). */
	const struct fx__stdio *stdio[3];
	int pipe_size;          /* F_SETPIPE_SZ for the pipes made, 0: the default */
	int set_pgid;           /* 1: pgid below replaces attr's */
	pid_t pgid;
};

/* One spawn's wiring: the attr it runs with, and the descriptors made. */
struct fx__stdio_set {
	struct fx_attr eff;     /* the caller's attr with stdio turned into maps */
	struct fx__fd_map *maps;/* eff.maps when they were rebuilt (owned) */
	int parent[3];          /* the parent's pipe ends, for the handle; -1 */
	int child[3];           /* opened for the child alone; closed after */
};

/*
 * Opens, makes and maps what attr's stdio settings (or xo's overrides)
 * ask for.  On failure returns -errno with err naming the stream
 * (FX_STEP_STDIN...) and what it worked on; the caller then calls
 * fx__stdio_finish(set, 1), which closes everything.
 */
int fx__stdio_prepare(struct fx__stdio_set *set, const struct fx_attr *attr,
                      const struct fx__spawn_opts *xo, fx_error *err);
/* After the spawn: closes the child's ends; with `failed`, the parent's too. */
void fx__stdio_finish(struct fx__stdio_set *set, int failed);

/*
 * The program's path as fx_spawn finds it (attr already defaulted), in
 * *path (malloc'd); or -errno with err naming FX_STEP_LOOKUP and file.
 * fx_pipeline looks up every stage with it before starting any.
 */
int fx__spawn_lookup(const char *file, const struct fx_attr *attr, char **path,
                     fx_error *err);

/* fx_spawn with the io layer's overrides (xo may be NULL); spawn_stdio.c. */
int fx__spawn_ex(fx_proc **out, const char *file, char *const argv[], const fx_attr *attr,
                 const struct fx__spawn_opts *xo, fx_error *err);

#endif
