/* SPDX-License-Identifier: MIT */
/* What fx_spawn (spawn.c) asks of a backend (spawn_linux.c, spawn_fork.c). */
#ifndef FX_BACKEND_H
#define FX_BACKEND_H

#include <sys/types.h>

#include "child/plan.h"
#include "backend/protocol.h" /* the choices the backends follow */

/*
 * Creates a child that runs fx__child_main(ctx), which walks plan->child
 * (ctx->plan); the rest of plan is the clone's (protocol.c).  The caller has blocked
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

int fx__backend_clone(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t *pid,
                      int *pidfd, int *step);
int fx__backend_fork(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t *pid,
                     int *pidfd, int *step);

/*
 * userns.c: writes a waiting child's setgroups, uid_map and gid_map,
 * then lets it go on (or, on failure, makes it leave); closes both ends
 * of ctx's sync pipe, which the caller marks closed (-1) once the child
 * no longer reads ctx.  0, or -errno with *step set.
 */
int fx__release_child(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t pid,
                      int *step);

/*
 * spawn_fork.c: a pidfd the caller cannot do without (plan->need_pidfd)
 * where the clone makes none (the fork backend, a kernel or emulator
 * without CLONE_PIDFD).  fx__pidfd_reserve, before the child exists,
 * proves that pidfd_open works and holds a descriptor slot (a pidfd of
 * our own): -errno if either fails, and then no child may be made.
 * fx__pidfd_of opens the child's pidfd, giving the slot back first if
 * the table is full, and closes the reservation in any case.
 */
int fx__pidfd_reserve(void);
int fx__pidfd_of(pid_t pid, int reserve);

/* Blocks every signal (even libc's internal ones); returns the old mask. */
uint64_t fx__block_all_signals(void);
void fx__restore_signals(uint64_t mask);

#endif
