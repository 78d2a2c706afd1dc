/* SPDX-License-Identifier: MIT */
/*
 * The spawn protocol: how the parent and one child talk between the
 * clone and the execve.  Every choice of it is made in protocol.c (its
 * table says which, and why); the spawn core (src/core/spawn.c), the
 * backends (spawn_linux.c, spawn_fork.c) and the handshake (userns.c)
 * ask it and carry the answers in the child's ctx, which the child
 * (src/child/child.c) only follows: err_fd < 0 (report in memory),
 * maps_by_pipe, files_shared, ns_unshare, in_cgroup, handlers_cleared.
 */
#ifndef FX_PROTOCOL_H
#define FX_PROTOCOL_H

#include <sched.h> /* the kernel's CLONE_* where libc has them */
#include <stdint.h>

#include "child/plan.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_VM
#define CLONE_VM 0x00000100
#endif
#ifndef CLONE_FILES
#define CLONE_FILES 0x00000400
#endif
#ifndef CLONE_VFORK
#define CLONE_VFORK 0x00004000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_CHILD_CLEARTID
#define CLONE_CHILD_CLEARTID 0x00200000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* How a child that must wait for its id maps (plan->handshake) waits. */
enum fx__handshake {
	FX__HANDSHAKE_NONE,      /* the plan needs none */
	/* CLONE_VM without CLONE_VFORK: the backend writes the maps while
	 * the child waits in our memory, then sleeps on CLONE_CHILD_CLEARTID. */
	FX__HANDSHAKE_IN_MEMORY,
	/* No CLONE_VM (a fork-style clone, or the fork backend): the child
	 * unshares its namespaces itself, says so on the error pipe
	 * (ctx->maps_by_pipe), and the spawn core writes the maps. */
	FX__HANDSHAKE_BY_PIPE
};

/*
 * The report channel, decided before the plan is built (the plan holds
 * the pipe's numbers): 1 for shared memory, 0 for the error pipe.
 * backend: enum fx_backend.
 */
int fx__protocol_reports_in_memory(int backend);

/* The handshake a plan gets on a backend, as things stand now. */
enum fx__handshake fx__protocol_handshake(int backend, const struct fx__plan *plan);

/* Whether the child may share our descriptor table (CLONE_FILES). */
int fx__protocol_shares_files(const struct fx__plan *plan);

/* What one clone attempt passes to the kernel (spawn_linux.c). */
struct fx__clone_choice {
	unsigned long long flags; /* every clone flag, namespaces included, no exit signal */
	unsigned long long ns;    /* the CLONE_NEW* among flags */
	unsigned long ns_unshare; /* the namespaces the child unshares itself */
	int clone3;               /* 1: clone3; 0: clone */
	int refused;              /* 0, or -errno: no clone can make this child */
};

/*
 * Chooses the flags and the system call of one clone attempt.  Called
 * again after each refusal the backend learnt from (fx__kernel_lacks),
 * so that the next attempt does without what was refused.
 */
void fx__protocol_clone(const struct fx__plan *plan, enum fx__handshake hs, int files_shared,
                        int want_pidfd, struct fx__clone_choice *out);

/*
 * Kernel features refused here, learnt from the refusals themselves and
 * remembered for the process's life.
 */
#define FX__NO_CLONE3        (1u << 0)
#define FX__NO_CLEAR_SIGHAND (1u << 1)
#define FX__NO_CLONE_PIDFD   (1u << 2)
#define FX__NO_SHARED_FILES  (1u << 3)
void fx__kernel_lacks(unsigned what);

/* Test hooks: the answers behind the channel and the handshake. */
int fx__clone_reports_in_memory(void);
int fx__clone_handshakes_in_memory(void);
/* Whether this process has run the memory probe already (for the tests
 * that need a process where it has not). */
int fx__vm_probe_done(void);

#endif
