/* SPDX-License-Identifier: MIT */
/* What fx_spawn (spawn.c) asks of a backend (spawn_linux.c, spawn_fork.c). */
#ifndef FX_BACKEND_H
#define FX_BACKEND_H

#include <sys/types.h>

#include "child/plan.h"

/*
 * Creates a child that runs fx__child_main(ctx).  The caller has blocked
 * every signal and recorded the spawning thread's mask in
 * ctx->thread_mask (the child must not run a handler of the parent's
 * before it has reset them all), and restores it once it has the child's
 * report.  The clone backend returns once the child no longer needs the
 * parent's memory (CLONE_VFORK: it has exec'd or exited); the fork
 * backend at once, and the caller then reads the error pipe.  On success
 * *pid is set, *pidfd too (-1 if the kernel gives none, or the plan wants
 * none).  On failure it returns -errno and sets *step (FX_STEP_STACK or
 * FX_STEP_CLONE).
 */
/* *step of a backend that asks to be called again (a fact about the
 * kernel was just learnt and changes how the plan must be built). */
#define FX__STEP_RETRY (-1)

int fx__backend_clone(struct fx__child_ctx *ctx, pid_t *pid, int *pidfd, int *step);
int fx__backend_fork(struct fx__child_ctx *ctx, pid_t *pid, int *pidfd, int *step);

/*
 * Whether a clone-backend child may report in shared memory instead of
 * over a pipe: this process has proven that CLONE_VM|CLONE_VFORK shares
 * memory and suspends the caller (spawn_linux.c).
 */
int fx__clone_reports_in_memory(void);

/*
 * Whether a child that must wait for its maps (plan->handshake) can
 * share our memory while we write them: proven CLONE_VM, and clone3.
 * Elsewhere it is made without CLONE_VM, unshares its namespaces itself
 * and reports over the pipe (ctx->maps_by_pipe).
 */
int fx__clone_handshakes_in_memory(void);

/*
 * userns.c: writes a waiting child's setgroups, uid_map and gid_map,
 * then lets it go on (or, on failure, makes it leave); closes both ends
 * of ctx's sync pipe, which the caller marks closed (-1) once the child
 * no longer reads ctx.  0, or -errno with *step set.
 */
int fx__release_child(const struct fx__child_ctx *ctx, pid_t pid, int *step);

/* Blocks every signal (even libc's internal ones); returns the old mask. */
uint64_t fx__block_all_signals(void);
void fx__restore_signals(uint64_t mask);

/* Cached kernel capabilities, learnt from refusals (spawn_linux.c). */
#define FX__NO_CLONE3        (1u << 0)
#define FX__NO_CLEAR_SIGHAND (1u << 1)
#define FX__NO_CLONE_PIDFD   (1u << 2)
#define FX__NO_SHARED_FILES  (1u << 3)
void fx__kernel_lacks(unsigned what);

#endif
