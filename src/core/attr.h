/* SPDX-License-Identifier: MIT */
/* The attribute set, as attr.c keeps it and plan.c reads it. */
#ifndef FX_ATTR_H
#define FX_ATTR_H

/*
 * The backend of a new attribute set, of fx_spawn without one and of the
 * posix_spawn family.  The clone backend needs this architecture's raw
 * stubs and trampolines (src/sys/ARCH); a build on the generic fallback
 * (FX_SYS_GENERIC, src/sys/generic) has only the fork backend, whose
 * child has memory of its own and may go through libc's syscall(), and so
 * has Darwin (__fork, spawn_fork.c, child_darwin.c), which has no clone.
 */
#if defined(__APPLE__) || defined(FX_SYS_GENERIC)
#define FX__BACKEND_DEFAULT FX_BACKEND_FORK
#else
#define FX__BACKEND_DEFAULT FX_BACKEND_CLONE
#endif

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "forkexec.h"

struct fx__fd_map {
	int child_fd;
	int parent_fd;          /* -1: close child_fd */
};

/* Where one of the child's fds 0-2 goes (forkexec-io.h). */
struct fx__stdio {
	int how;                /* enum fx_stdio; FX_STDIO_INHERIT (0) when unset */
	int fd;                 /* FX_STDIO_FD: the caller's descriptor */
	char *path;             /* FX_STDIO_PATH, owned */
	int oflags;
	mode_t mode;
};

/* One line of a uid_map or gid_map. */
struct fx__id_map {
	uint32_t inside, outside, count;
};

#define FX__MAP_LINES_MAX 340   /* the kernel's limit since Linux 4.15 */
#define FX__NRLIMITS 16         /* RLIMIT_CPU .. RLIMIT_RTTIME */
#define FX__CAP_LAST 40         /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */

/*
 * Linux containment (forkexec-linux.h) and the POSIX limits of
 * forkexec.h (umask, rlimits, nice, scheduling; attr_limits.c).  Kept
 * apart and made on first use: most attribute sets never need it.
 */
struct fx__linux_attr {
	/* (Ordered by size, so that the struct has no padding.) */
	unsigned long ns_flags;         /* CLONE_NEW* */
	struct fx__id_map *uid_map, *gid_map;
	size_t nuid_map, ngid_map;
	uint64_t ambient;
	uint64_t inheritable;           /* has_inheritable: the child's inheritable set */
	uint64_t bounding_drop;
	char *cgroup_path;
	char *mount_proc;               /* a fresh proc mounted here (--mount-proc); NULL: none */
	uint64_t rlimit[FX__NRLIMITS][2];
	int64_t time_sec[2];            /* [0] CLOCK_MONOTONIC, [1] CLOCK_BOOTTIME */
	long time_nsec[2];
	uint64_t sched_dl[3];           /* SCHED_DEADLINE's runtime, deadline, period (ns) */
	size_t cpus_size;
	void *cpus;
	void *seccomp;                  /* struct sock_filter[seccomp_len] */
	void *seccomp_names;            /* compiled from names (seccomp_linux.c) */
	struct fx__landlock *landlock;  /* landlock_linux.c; NULL: none */
	struct fx__mounts *mounts;      /* mounts_linux.c: the view, the hostname; NULL: none */
	/* Namespaces to join (join_linux.c): of the process of join_pidfd
	 * (borrowed) or of join_pid; join_flags 0: none. */
	unsigned long join_flags;
	int join_pidfd;                 /* -1: by join_pid */
	pid_t join_pid;
	int setgroups;                  /* enum fx_setgroups_policy */
	int propagation;                /* enum fx_propagation */
	int has_ambient;
	int has_inheritable;
	int cgroup_fd;                  /* borrowed; -1: none (or by path) */
	unsigned rlimit_set;            /* bit r: rlimit[r] was given */
	int has_umask;
	mode_t umask;
	int no_new_privs;
	int has_nice, nice;
	int nice_relative;              /* nice is an adjustment (fx_attr_set_nice_adjust) */
	int has_ioprio, ioprio;         /* class << 13 | level, as the kernel takes it */
	int has_securebits, securebits;
	int has_time_offset[2];         /* as time_sec */
	int has_sched, policy, priority;    /* policy FX__SCHED_DEADLINE: sched_dl */
	unsigned short seccomp_len;
	unsigned short seccomp_names_len;
};

/* SCHED_DEADLINE, which not every libc's <sched.h> names. */
#define FX__SCHED_DEADLINE 6

struct fx_attr {
	unsigned flags;         /* FX_* flags */
	int backend;            /* enum fx_backend */
	char *argv0;
	char **env;             /* NULL: inherit environ */
	char *search_path;
	char *cwd;
	char *root;
	int has_uid, has_gid, has_groups;
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t *groups;
	pid_t pgid;             /* -1: unchanged */
	int tty_fd;
	int pdeathsig;
	struct fx__fd_map *maps;
	size_t nmaps, maps_cap;
	int has_sigmask, has_sigdefault;
	uint64_t sigmask;       /* kernel layout: bit sig-1 */
	uint64_t sigdefault;
	/* FX_STDIO_FD is kept as a map (maps above) and recorded here. */
	struct fx__stdio stdio[3];
	struct fx__linux_attr *lx;      /* NULL: none of forkexec-linux.h */
	/* At spawn time only (the effective copy, landlock_linux.c): the
	 * landlock ruleset, mapped onto this same fd number in the child;
	 * 0: none. */
	int landlock_fd;
	/* At spawn time only: the pidfd whose namespaces the child joins
	 * (join_linux.c), the flags it joins; join_fd_set 0: none. */
	int join_fd_set, join_fd;
	unsigned long join_flags;
};

/* Forgets the mapping of child_fd, if any. */
void fx__attr_unmap(struct fx_attr *attr, int child_fd);

/* attr_limits.c: attr->lx, made on first use; NULL when out of memory. */
struct fx__linux_attr *fx__attr_lx(struct fx_attr *attr);
/* landlock_linux.c: frees the landlock rules. */
struct fx__landlock;
void fx__landlock_free(struct fx__landlock *ll);
/* mounts_linux.c: frees the view's operations. */
struct fx__mounts;
void fx__mounts_free(struct fx__mounts *m);
/* mounts_linux.c: names the operation of a failed FX_STEP_MOUNT. */
void fx__describe_mount(fx_error *err, const struct fx_attr *attr);
/* attr_linux.c (nolinux_darwin.c): frees attr->lx. */
void fx__attr_linux_free(struct fx_attr *attr);
/* forkexec-linux.h's FX_SETGROUPS_ALLOW, for files that do not include it. */
#define FX__SETGROUPS_ALLOW_ 1
/* describe_linux.c: names what a failed containment step worked on. */
void fx__describe_linux(fx_error *err, const struct fx_attr *attr);

/* The kernel's 64-bit form of a libc sigset_t. */
uint64_t fx__sigset_to_mask(const sigset_t *set);

#endif
