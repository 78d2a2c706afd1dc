/* SPDX-License-Identifier: MIT */
/*
 * The plan: what the parent prepares and the child executes.
 *
 * The parent turns an attribute set into a flat list of operations, each
 * a single system call (or a short loop of them) with its arguments
 * already computed, in the order the child must take them.  The child
 * (child.c) only walks the list; it never allocates, looks anything up,
 * or decides anything the parent could have decided.  New features
 * (posix_spawn file actions, rlimits, namespaces) are new operation kinds.
 */
#ifndef FX_PLAN_H
#define FX_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "forkexec.h"

enum fx__op_kind {
	FX__OP_RESET_HANDLERS,  /* caught signals -> SIG_DFL (skipped if the kernel did it) */
	FX__OP_SIG_DEFAULT,     /* signals in mask -> SIG_DFL */
	FX__OP_PDEATHSIG,       /* a = signal; then check the parent is still ours */
	FX__OP_SETSID,
	FX__OP_SETPGID,         /* a = pgid (0: own group) */
	FX__OP_CHROOT,          /* path */
	FX__OP_SETGROUPS,       /* a = count, groups */
	FX__OP_SETGID,          /* a = gid */
	FX__OP_SETUID,          /* a = uid */
	FX__OP_DROP_CAPS,       /* empty every capability set (a: but the inheritable one) */
	FX__OP_CHDIR,           /* path */
	FX__OP_CLOSE_FROM,      /* close every fd >= a; with a shared table, unshare it */
	FX__OP_MOVE_ERR,        /* move the error channel to a free fd >= a */
	FX__OP_FD_TO_SLOT,      /* slot b = a copy (close-on-exec) of fd a, at >= c */
	FX__OP_DUP_FD,          /* dup fd a onto fd b, inheritable */
	FX__OP_DUP_SLOT,        /* dup slot a onto fd b, inheritable */
	FX__OP_INHERIT_FD,      /* clear close-on-exec on fd a (dup2(a, a) would not) */
	FX__OP_CLOSE_FD,        /* close fd a; not being open is fine */
	FX__OP_CLOSE_RANGE,     /* close fds a..b, but never the error channel */
	FX__OP_NOCTTY,          /* TIOCNOTTY on fd 0 */
	FX__OP_SETCTTY,         /* TIOCSCTTY on fd a; b: 1 steals it (FX_STEAL_CTTY) */
	FX__OP_FOREGROUND,      /* TIOCSPGRP on fd a with the child's own group */
	FX__OP_SIGMASK,         /* the plan's mask, or the spawning thread's */
	FX__OP_PTRACE,          /* PTRACE_TRACEME */
	FX__OP_EXEC,            /* execve(plan path, argv, envp) */
	/* posix_spawn (plan_posix.c) */
	FX__OP_SCHED,           /* a = policy, or -1 for the parameters alone; ptr = sched_param */
	FX__OP_RESETIDS,        /* effective gid := a, effective uid := b (the real ids) */
	FX__OP_HIDE_ERR,        /* error pipe to a free fd >= a, its numbers (and c) closed */
	FX__OP_OPEN,            /* openat(path, b, c) placed on fd a */
	FX__OP_FCHDIR,          /* fchdir(a) */
	FX__OP_EXEC_SEARCH,     /* execve of each plan->search[] in turn, as execvp */
	/* forkexec-linux.h (plan_linux.c) */
	FX__OP_UNSHARE,         /* unshare the namespaces the clone did not make (ctx->ns_unshare) */
	FX__OP_WAIT_PARENT,     /* wait until the parent has written the id maps */
	FX__OP_RLIMIT,          /* prlimit(a, ptr: soft and hard) */
	FX__OP_RLIMIT_RAISE,    /* raise hard limit a to ptr's, if above the current one */
	FX__OP_JOIN_CGROUP,     /* write "0" to cgroup.procs under fd a, unless the clone put us there */
	FX__OP_NICE,            /* setpriority(a) */
	FX__OP_IOPRIO,          /* ioprio_set(IOPRIO_WHO_PROCESS, 0, a) */
	FX__OP_SECUREBITS,      /* prctl(PR_SET_SECUREBITS, a) */
	FX__OP_TIME_OFFSETS,    /* write ptr (b bytes) to /proc/self/timens_offsets */
	FX__OP_AFFINITY,        /* sched_setaffinity(b bytes at ptr) */
	FX__OP_BOUNDING,        /* drop each capability of *ptr from the bounding set */
	FX__OP_KEEPCAPS,        /* PR_SET_KEEPCAPS before setuid */
	FX__OP_AMBIENT,         /* capabilities *ptr inheritable (b: the only ones, but c: beside
	                           the inheritable set), raised ambient */
	FX__OP_UMASK,           /* umask(a) */
	FX__OP_NO_NEW_PRIVS,
	FX__OP_SECCOMP,         /* install the filter ptr (plan->seccomp or seccomp_names) */
	FX__OP_PROPAGATION,     /* mount(NULL, "/", NULL, a, NULL): MS_REC and a propagation type */
	/* landlock (landlock_linux.c, plan_linux.c) */
	FX__OP_LANDLOCK,        /* landlock_restrict_self(fd a), then close fd a */
	/* joining namespaces (join_linux.c, plan_linux.c) */
	FX__OP_JOIN,            /* setns(pidfd a, flags ptr: an unsigned long) */
	/* the filesystem view (mounts_linux.c); ptr a path or fx__mount_args */
	FX__OP_MOUNT,           /* mount(*ptr) */
	FX__OP_MKDIR,           /* mkdir(ptr, 0755); existing is fine */
	FX__OP_MKFILE,          /* an empty file at ptr (a mount point); existing is fine */
	FX__OP_SYMLINK,         /* symlink(ptr->src, ptr->dest) */
	FX__OP_PIVOT,           /* pivot_root(ptr->src, ptr->dest) */
	FX__OP_UMOUNT,          /* umount2(ptr, MNT_DETACH) */
	FX__OP_REMOUNT_RO,      /* the mount at ptr read-only, keeping its locked flags */
	FX__OP_SETHOSTNAME,     /* sethostname(ptr, a) */
	FX__OP_SCHED_ATTR,      /* sched_setattr(0, ptr: struct fx__sched_attr, 0) */
	FX__OP_INHERITABLE      /* the inheritable capability set := *ptr */
};

/* FX__OP_MOUNT's arguments (and the two paths of SYMLINK and PIVOT). */
struct fx__mount_args {
	const char *src, *dest, *type;
	unsigned long flags;
	const char *data;
};

/* The kernel's struct sched_attr (its first version, 48 bytes), for
 * SCHED_DEADLINE: libc has no declaration of it everywhere. */
struct fx__sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

struct fx__op {
	unsigned short kind;    /* enum fx__op_kind */
	unsigned short step;    /* enum fx_step reported if it fails */
	int a, b, c;
	long index;             /* reported with the error: an fd, a count, ... */
	const void *ptr;        /* path, group list or signal mask */
};

/*
 * What the child walks: the operations and what execve needs.  It is all
 * the child's translation unit sees of a plan (child.c defines
 * FX__CHILD_TU, which hides struct fx__plan below): what only the
 * parent or the clone needs cannot be read there by mistake.
 */
struct fx__child_plan {
	struct fx__op *ops;
	size_t nops;
	const char *path;       /* resolved program (NULL with a search) */
	/* posix_spawnp: the candidates FX__OP_EXEC_SEARCH tries, in PATH
	 * order, relative ones resolved by the child (one allocation). */
	char **search;
	size_t nsearch;
	/* glibc's posix_spawn before 2.15 (the drop-in's compat versions):
	 * a file execve refuses with ENOEXEC is run by /bin/sh, with this
	 * argv ("/bin/sh", the file as the caller named it, argv[1]...: for
	 * posix_spawnp glibc hands sh the name, not the path it found).
	 * NULL: no such fallback. */
	char **shell_argv;
	char *const *argv;
	char *const *envp;
	uint64_t sigmask;       /* used when has_sigmask */
	int has_sigmask;
};

#ifndef FX__CHILD_TU
/*
 * The whole plan, as the parent builds it: the child's part, then what
 * the planner, the protocol (src/backend/protocol.c) and the clone need:
 * clone parameters, namespaces and their maps, the pidfd, the memory the
 * ops point into, what the plan owns.
 */
struct fx__plan {
	struct fx__child_plan child;
	size_t nslots;          /* temporary fds the shuffle needs */
	/* Lowest fd the child may close without losing one it needs: every
	 * source, target and the error channel lie below it.  The fd ops
	 * carry it; it is kept here for the planner's fuzzer to check. */
	int fd_floor;
	int closes_fds;         /* the plan closes unlisted fds (a shared table is fine) */
	int checks_parent;      /* the plan compares getppid() with ctx->parent_pid */
	int cgroup_fd;          /* CLONE_INTO_CGROUP this directory; -1: none */
	int no_pidfd;           /* the caller needs no pidfd: do not make one */
	/* The caller cannot do without the pidfd (pidfd_spawn): a spawn that
	 * could not have one fails before the clone, never after it. */
	int need_pidfd;
	int sched_priority;     /* the kernel's struct sched_param, for FX__OP_SCHED */
	/*
	 * Namespaces (plan_linux.c).  ns_flags are the CLONE_NEW* the child
	 * gets; the backend passes those it can to the clone and the child
	 * unshares the rest.  A plan with `handshake` has the child wait
	 * (FX__OP_WAIT_PARENT) until the parent has written uid_map_text,
	 * gid_map_text and setgroups_text to its /proc files, or, in a new
	 * pid namespace (where getppid() says 0), until the parent has shown
	 * it is still there after the parent-death signal was set.
	 */
	unsigned long ns_flags;
	/* Namespaces the child must unshare itself even where the clone
	 * could make them: a time namespace whose offsets it writes (a
	 * clone would put it in the namespace, whose offsets are then
	 * fixed). */
	unsigned long ns_by_child;
	char time_offsets[96];  /* "CLOCKID SEC NSEC\n" lines */
	struct fx__sched_attr sched_attr;       /* FX__OP_SCHED_ATTR's */
	struct fx__mount_args proc_mount;       /* fx_attr_set_mount_proc's, for its FX__OP_MOUNT */
	int handshake;
	char *uid_map_text, *gid_map_text;      /* NULL: none; owned */
	const char *setgroups_text;             /* "allow", "deny" or NULL */
	int cgroup_owned;       /* cgroup_fd was opened by the planner */
	int cgroup_step;        /* step to blame if the clone refuses the cgroup; 0: FX_STEP_CLONE */
	int cgroup_join;        /* without clone3, the child may join it itself (FX__OP_JOIN_CGROUP) */
	int fail_step;          /* why building failed, when it was none of FX_STEP_PLAN/FD_MAP */
	uint64_t bounding_drop, ambient, inheritable;
	unsigned long join_flags;       /* FX__OP_JOIN's (without CLONE_NEWPID) */
	void **mount_mem;               /* what the view's operations point into; owned */
	size_t nmount_mem;
	struct {                /* the kernel's struct sock_fprog */
		unsigned short len;
		const void *filter;
	} seccomp, seccomp_names; /* the raw program; the one compiled from names */
	uint64_t sigdefault;    /* signals FX__OP_SIG_DEFAULT resets */
	/* Owned memory. */
	char **argv_owned;
	char **envp_owned;
};
#endif /* FX__CHILD_TU */

/*
 * The report a failed child makes: fixed size, one write(2) to the error
 * pipe, or stored in the shared ctx with the magic written last.
 */
struct fx__report {
	uint32_t magic;
	uint32_t step;
	int32_t code;           /* positive errno */
	int32_t pad;
	int64_t index;
};
#define FX__REPORT_MAGIC 0x66786572u /* "fxer" */

/*
 * Per-spawn state handed to the child.  The plan is read-only; the rest is
 * the child's to write (slots) or the parent's to fill before the clone.
 */
struct fx__child_ctx {
	const struct fx__child_plan *plan;
	int *slots;             /* nslots ints, written by the child */
	int err_fd;             /* write end of the error pipe; -1: report in memory */
	int handlers_cleared;   /* CLONE_CLEAR_SIGHAND reset the handlers already */
	int files_shared;       /* the fd table is the parent's (CLONE_FILES) */
	/* Where the kernel writes the child's pidfd (CLONE_PIDFD), in the
	 * parent's memory; NULL without one.  With a shared table the child
	 * sees that fd too, and closes it (child.c). */
	const volatile int *pidfd;
	int parent_pid;         /* for the PR_SET_PDEATHSIG check */
	/* Darwin (no close_range): every fd the child may hold lies below
	 * this bound, which the parent computed (spawn_fork.c). */
	int fd_bound;
	uint64_t thread_mask;   /* the spawning thread's signal mask */
	/* Namespaces: those FX__OP_UNSHARE makes (the clone made the others),
	 * and, with a handshake, the pipe the child waits on: it reads one
	 * byte once the parent has written its maps, end of file if the
	 * parent is gone or gave up.  The child closes its copy of the write
	 * end first, so that only the parent's copy keeps it open.  With
	 * maps_by_pipe the namespaces are the child's own unshare, which the
	 * parent must hear of (a report with FX_STEP_NONE on the error
	 * pipe) before it may write the maps. */
	unsigned long ns_unshare;
	int in_cgroup;          /* CLONE_INTO_CGROUP started us in plan->cgroup_fd */
	int sync_fd, sync_wfd;
	int spare_fd;           /* parent: a slot held for the /proc map files (userns.c); -1 */
	int maps_by_pipe;
	/* CLONE_CHILD_CLEARTID: nonzero until the child has exec'd or exited
	 * (the kernel clears it and wakes the futex), for a child that shares
	 * our memory without CLONE_VFORK. */
	volatile int vm_busy;
	/* Without a pipe (err_fd < 0) the child writes its report here: the
	 * parent has proven that it shares the child's memory and sleeps
	 * until the child has exec'd or exited (CLONE_VFORK). */
	struct fx__report report;
};

#ifndef FX__CHILD_TU
struct fx_attr;

/*
 * Builds the plan.  `path` is the resolved program, borrowed like argv;
 * err_fd/err_fd_read are the error pipe, or -1 when the child reports in
 * memory.  On -EBADF, *bad_fd is the child fd whose source is not open.
 */
int fx__plan_build(struct fx__plan *plan, const struct fx_attr *attr, const char *path,
                   char *const argv[], int err_fd, int err_fd_read, long *bad_fd);
void fx__plan_free(struct fx__plan *plan);
/* Appends an operation (room was allocated by the builder); index -1. */
struct fx__op *fx__plan_push(struct fx__plan *plan, unsigned kind, unsigned step);
struct fx__linux_attr;
/* The nice value's FX__OP_NICE, if one was given; an adjustment made
 * absolute from the spawning thread's own (index: the value). */
void fx__plan_push_nice(struct fx__plan *plan, const struct fx__linux_attr *lx);
/* One FX__OP_RLIMIT or FX__OP_RLIMIT_RAISE (kind) per limit given. */
void fx__plan_push_rlimits(struct fx__plan *plan, const struct fx__linux_attr *lx, unsigned kind);
#endif /* FX__CHILD_TU */

/* child.c: runs the plan; never returns. */
__attribute__((noreturn)) void fx__child_main(struct fx__child_ctx *ctx);
/* child.c: the entry the clone trampolines call. */
int fx__child_entry(void *ctx);
/* child.c: the one-time probe that shows whether CLONE_VM shares memory. */
int fx__vm_probe_entry(void *flag);

#endif /* FX_PLAN_H */
