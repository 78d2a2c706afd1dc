/* SPDX-License-Identifier: MIT */
/*
 * Stdio wiring at spawn time (stdio.c), and the spawn entry that the io
 * layer (io.c, pipeline.c) uses: fx_spawn with overrides of the
 * attribute set that the caller's attr must not see changed.
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
 * landlock_linux.c: with landlock rules in attr, makes the ruleset and
 * maps it into set's effective attributes (set->eff.landlock_fd); *fd
 * is the parent's copy, to close after the spawn, or -1.  -errno with
 * err set (FX_STEP_LANDLOCK).
 */
int fx__landlock_wire(struct fx__stdio_set *set, const struct fx_attr *attr, int *fd,
                      fx_error *err);

/*
 * join_linux.c: with namespaces to join in attr, the pidfd into set's
 * effective attributes; *fd is one opened here (for a pid), to close
 * after the spawn, or -1.  -errno with err set (FX_STEP_JOIN).
 */
int fx__join_wire(struct fx__stdio_set *set, const struct fx_attr *attr, int *fd,
                  fx_error *err);
struct fx__spawn_request;
/* join_linux.c: fx__spawn_child, from a helper thread in the joined pid
 * namespace when eff joins one. */
int fx__join_spawn_child(const struct fx__spawn_request *req, const struct fx_attr *eff,
                         pid_t *pid, int *pidfd, fx_error *err);

/* fx_spawn with the io layer's overrides (xo may be NULL). */
int fx__spawn_ex(fx_proc **out, const char *file, char *const argv[], const fx_attr *attr,
                 const struct fx__spawn_opts *xo, fx_error *err);

#endif
