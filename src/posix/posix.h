/* SPDX-License-Identifier: MIT */
/*
 * The posix_spawn family's state, kept in the bytes of the system's own
 * posix_spawnattr_t and posix_spawn_file_actions_t (posix_spawn.c checks
 * at compile time that it fits), and the plan built from it
 * (plan_posix.c).
 */
#ifndef FX_POSIX_H
#define FX_POSIX_H

#include <stdint.h>
#include <sys/types.h>

#include "forkexec.h"
#include "child/plan.h"

struct fx__spawnattr {
	short flags;            /* POSIX_SPAWN_* */
	pid_t pgroup;
	int policy;             /* SETSCHEDULER */
	int priority;           /* struct sched_param's one field */
	int cgroup;             /* SETCGROUP: a cgroup v2 directory fd */
	uint64_t sigmask;       /* kernel layout: bit sig-1 */
	uint64_t sigdefault;
};

enum fx__action_kind {
	FX__FA_OPEN,
	FX__FA_CLOSE,
	FX__FA_DUP2,
	FX__FA_CHDIR,
	FX__FA_FCHDIR,
	FX__FA_CLOSEFROM,
	FX__FA_TCSETPGRP
};

struct fx__action {
	int kind;               /* enum fx__action_kind */
	int fd;                 /* open's target, dup2's source, close's, ... */
	int newfd;              /* dup2's target */
	int oflag;
	mode_t mode;
	char *path;             /* open, chdir: the caller's string, copied */
};

struct fx__file_actions {
	struct fx__action *v;
	int n, cap;
};

/* What one posix_spawn call asks for. */
struct fx__posix_call {
	const struct fx__spawnattr *attr;       /* never NULL (defaults) */
	const struct fx__file_actions *actions; /* never NULL (maybe empty) */
	const char *file;       /* posix_spawn's path, or posix_spawnp's file */
	int search;             /* posix_spawnp: search PATH if file has no '/' */
	char *const *argv;
	char *const *envp;
	int want_pidfd;
};

/* A fx__spawn_request's build (spawn_core.h) for a posix call. */
int fx__plan_build_posix(struct fx__plan *plan, const void *source, int err_fd,
                         int err_fd_read, fx_error *err);

#endif
