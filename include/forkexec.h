/* SPDX-License-Identifier: MIT */
/*
 * forkexec: start processes safely and fast.
 *
 * The child is created without running pthread_atfork handlers, runs only
 * raw system calls between its creation and execve, and reports any failure
 * back to the parent as {step, errno, index}.  Everything that can allocate
 * or look something up (PATH search, argv/envp copies, the descriptor
 * shuffle) is done by the parent before the child exists.
 *
 * Conventions: every function that can fail returns 0 (or a count) on
 * success and a negative errno on failure; it never sets errno and never
 * prints.  Objects are opaque, made with _new and released with _free;
 * _free(NULL) does nothing.  Setters validate their argument and refuse a
 * bad value at once, so a spawn does not fail later for it.
 *
 * Names (settled in 1.0, for all four headers; forkexec(7) has the same
 * table).  The rule, then its exceptions:
 *
 *   fx_<object>_<verb>     an operation on an object: fx_proc_wait,
 *                          fx_proc_kill, fx_pipeline_start, fx_waitset_add.
 *                          Except the calls that make a running child
 *                          from nothing (fx_spawn, fx_run), and the
 *                          posix_spawn family, which keeps the standard
 *                          names behind fx_ (fx_posix_spawnattr_getflags).
 *   _new / _free           make and release an object (posix_spawn's
 *                          objects: _init / _destroy, as the standard).
 *   set_ / add_ / clear_   set_ replaces a value; add_ appends to a list
 *                          or adds to a set (fx_attr_add_uid_map,
 *                          fx_attr_add_bounding_drop); clear_ forgets.
 *   get_                   reads back what a set_ stored, where a caller
 *                          builds the next value from it (fx_attr_get_flags,
 *                          fx_attr_get_stdio); other attributes are
 *                          write-only.
 *   fx_<handle>_<noun>     a fact of a handle, no get_: fx_proc_pid,
 *                          fx_proc_pidfd, fx_proc_stdio_fd, fx_pipeline_pgid,
 *                          fx_pipeline_count, fx_waitset_fd.
 *   one meaning per word   "map" is a noun: a uid_map/gid_map line
 *                          (fx_attr_add_uid_map, fx_attr_set_root_maps) or
 *                          the descriptor map (fx_attr_set_fd: child fd ->
 *                          parent fd).  "caps" is a capability mask.
 *                          Stutter kept: fx_attr_set_setgroups_policy
 *                          (setgroups is the /proc file's and the system
 *                          call's own name).
 *   size_t / ssize_t       indexes and counts are size_t; one that may be
 *                          absent is ssize_t, -1 for none
 *                          (fx_pipeline_failed_stage).
 *   errno signs            a return value is a negative errno; an errno
 *                          value stored in a struct (fx_error.code,
 *                          fx_result.in_error) is positive, as errno
 *                          itself is, and 0 means none.
 */
#ifndef FORKEXEC_H
#define FORKEXEC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
/* sigset_t: <signal.h> declares it only when POSIX is asked for
 * (_POSIX_C_SOURCE), <sys/select.h> always, so that the header compiles
 * under a strict -std=c99. */
#include <sys/select.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FX_BUILDING_LIBRARY) && defined(__GNUC__)
#define FX_EXTERN __attribute__((visibility("default")))
#else
#define FX_EXTERN
#endif

#define FX_VERSION_MAJOR 1
#define FX_VERSION_MINOR 1
#define FX_VERSION_PATCH 0
#define FX_VERSION_HEX \
	((FX_VERSION_MAJOR << 16) | (FX_VERSION_MINOR << 8) | FX_VERSION_PATCH)

/* The version of the library actually loaded, as FX_VERSION_HEX encodes it. */
FX_EXTERN unsigned fx_version(void);
/* The same as "MAJOR.MINOR.PATCH". */
FX_EXTERN const char *fx_version_string(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/*
 * Where a spawn failed.  The comment beside each step says whether the
 * parent or the child takes it.  Values are stable: a new step is added
 * at the end, so the list is in the order the steps were added, not the
 * order the child takes them (forkexec(7) and forkexec-linux.h give
 * that order).
 */
enum fx_step {
	FX_STEP_NONE = 0,      /* no error */
	FX_STEP_ARGS,          /* an argument of the call itself (argv, file) */
	FX_STEP_LOOKUP,        /* PATH search for the program, in the parent */
	FX_STEP_PLAN,          /* building the child's plan (memory, limits) */
	FX_STEP_PIPE,          /* creating the error channel */
	FX_STEP_STACK,         /* mapping the child's stack */
	FX_STEP_CLONE,         /* creating the child (clone3, clone, fork) */
	FX_STEP_SIGNALS,       /* child: resetting signal dispositions */
	FX_STEP_PDEATHSIG,     /* child: PR_SET_PDEATHSIG, or the parent already gone */
	FX_STEP_SETSID,        /* child: setsid */
	FX_STEP_SETPGID,       /* child: setpgid */
	FX_STEP_CHROOT,        /* child: chroot */
	FX_STEP_SETGROUPS,     /* child: setgroups */
	FX_STEP_SETGID,        /* child: setgid */
	FX_STEP_SETUID,        /* child: setuid */
	FX_STEP_DROPCAPS,      /* child: capset dropping what a root parent held */
	FX_STEP_CHDIR,         /* child: chdir */
	FX_STEP_FDTABLE,       /* child: a descriptor table of its own, fds above the kept ones closed */
	FX_STEP_FD_MAP,        /* child: placing a mapped descriptor; index = child fd */
	FX_STEP_CLOSE_FDS,     /* child: closing the descriptors not asked for */
	FX_STEP_NOCTTY,        /* child: TIOCNOTTY */
	FX_STEP_SETCTTY,       /* child: TIOCSCTTY; index = child fd */
	FX_STEP_FOREGROUND,    /* child: TIOCSPGRP; index = child fd */
	FX_STEP_SIGMASK,       /* child: setting the signal mask */
	FX_STEP_PTRACE,        /* child: PTRACE_TRACEME */
	FX_STEP_EXEC,          /* child: execve */
	FX_STEP_PROTOCOL,      /* the child's report was malformed or cut short */
	FX_STEP_SCHED,         /* child: sched_setscheduler / sched_setparam (posix_spawn) */
	FX_STEP_RESETIDS,      /* child: effective ids back to the real ones (posix_spawn) */
	FX_STEP_FILE_ACTION,   /* child: a posix_spawn file action; index = its position */
	FX_STEP_STDIN,         /* parent: opening stdin's file or making its pipe (forkexec-io.h) */
	FX_STEP_STDOUT,        /* parent: the same for stdout */
	FX_STEP_STDERR,        /* parent: the same for stderr */
	FX_STEP_RUN,           /* parent: running a started child (fx_run: poll, read, memory) */
	/* forkexec-linux.h */
	FX_STEP_NAMESPACES,    /* the new namespaces (clone or unshare), and the wait for the maps */
	FX_STEP_UID_MAP,       /* parent: writing the child's uid_map */
	FX_STEP_GID_MAP,       /* parent: writing the child's gid_map */
	FX_STEP_SETGROUPS_POLICY, /* parent: writing the child's /proc/PID/setgroups */
	FX_STEP_CGROUP,        /* parent: opening the cgroup, or the clone refusing it */
	FX_STEP_BOUNDING,      /* child: PR_CAPBSET_DROP; index = capability */
	FX_STEP_AMBIENT,       /* child: keeping and raising ambient capabilities; index = capability */
	FX_STEP_RLIMIT,        /* child: prlimit; index = resource */
	FX_STEP_NICE,          /* child: setpriority */
	FX_STEP_AFFINITY,      /* child: sched_setaffinity */
	FX_STEP_NO_NEW_PRIVS,  /* child: PR_SET_NO_NEW_PRIVS */
	FX_STEP_SECCOMP,       /* child: installing the seccomp filter */
	FX_STEP_PROPAGATION,   /* child: the new mount namespace's propagation (mount(2) on "/") */
	FX_STEP_IOPRIO,        /* child: ioprio_set (forkexec-linux.h) */
	FX_STEP_SECUREBITS,    /* child: PR_SET_SECUREBITS (forkexec-linux.h) */
	FX_STEP_TIME_OFFSETS,  /* child: writing its new time namespace's offsets (forkexec-linux.h) */
	FX_STEP_LANDLOCK,      /* parent: the landlock ruleset (index: the rule); child: restricting itself */
	FX_STEP_JOIN,          /* joining a running process's namespaces (setns); index = pid */
	FX_STEP_MOUNT,         /* the filesystem view: an operation (index: which) or its frame (-1) */
	/* 1.1 */
	FX_STEP_INHERITABLE,   /* child: capset of the inheritable set (forkexec-linux.h); index = capability */
	FX_STEP_COUNT_         /* not a step: one past the last */
};

/*
 * What went wrong, filled by fx_spawn on failure.  `subject` holds what the
 * step worked on (a path, an id, an fd), truncated to fit, or "".
 */
typedef struct fx_error {
	int step;       /* enum fx_step */
	int code;       /* errno value, positive (see Names above); 0 if none */
	long index;     /* the fd, group, or argument concerned; -1 if none */
	char subject[256];
} fx_error;

/* A short fixed name for a step ("chdir", "setuid", ...). */
FX_EXTERN const char *fx_step_name(int step);

/*
 * Formats `err` as one line, e.g. `chdir "/nope": No such file or directory`,
 * into buf (always NUL-terminated when len > 0).  Returns buf.
 */
FX_EXTERN char *fx_strerror(const fx_error *err, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Attributes                                                          */
/* ------------------------------------------------------------------ */

typedef struct fx_attr fx_attr;

/* Process creation backends. */
enum fx_backend {
	/* Linux: clone3 (or clone) with CLONE_VM|CLONE_VFORK on a private stack. */
	FX_BACKEND_CLONE = 0,
	/* Portable: _Fork() (or __fork, or fork) and a close-on-exec error pipe. */
	FX_BACKEND_FORK = 1
};

/* Boolean behaviours, set together with fx_attr_set_flags. */
#define FX_SETSID        (1u << 0) /* The child starts a new session (setsid); excludes a pgid. */
#define FX_NOCTTY        (1u << 1) /* The child gives up its controlling terminal (TIOCNOTTY on fd 0). */
#define FX_SETCTTY       (1u << 2) /* The terminal on the tty fd becomes the child's controlling terminal (needs FX_SETSID). */
#define FX_FOREGROUND    (1u << 3) /* The child's process group becomes the foreground group of the terminal on the tty fd. */
#define FX_PTRACE        (1u << 4) /* The child asks to be traced (PTRACE_TRACEME) just before execve. */
#define FX_KEEP_FDS      (1u << 5) /* Descriptors open without O_CLOEXEC are inherited, as with plain fork+exec. */
#define FX_CLEAN_SIGNALS (1u << 6) /* Every signal to its default disposition and an empty mask. */
#define FX_STEAL_CTTY    (1u << 7) /* With FX_SETCTTY: take the terminal even from another session (TIOCSCTTY with 1; needs CAP_SYS_ADMIN), as setsid -c does. */
#define FX_FLAGS_ALL_    ((1u << 8) - 1)

/* A new attribute set with the defaults described beside each setter. */
FX_EXTERN int fx_attr_new(fx_attr **out);
FX_EXTERN void fx_attr_free(fx_attr *attr);

/* Replaces the flags (default 0).  Unknown bits: -EINVAL. */
FX_EXTERN int fx_attr_set_flags(fx_attr *attr, unsigned flags);
FX_EXTERN unsigned fx_attr_get_flags(const fx_attr *attr);

/* enum fx_backend (default FX_BACKEND_CLONE).  A build for an architecture
 * without raw system call stubs (see the README) has only the fork
 * backend, its default there; it refuses FX_BACKEND_CLONE with -ENOTSUP. */
FX_EXTERN int fx_attr_set_backend(fx_attr *attr, int backend);

/* argv[0] seen by the child, instead of argv[0] of the call.  NULL: unset. */
FX_EXTERN int fx_attr_set_argv0(fx_attr *attr, const char *argv0);

/*
 * The child's environment, copied.  NULL (the default) inherits the
 * parent's `environ` as it is at spawn time.
 */
FX_EXTERN int fx_attr_set_env(fx_attr *attr, char *const envp[]);

struct passwd;

/* fx_env_for_user: setpriv --reset-env's environment (else runuser -u's). */
#define FX_ENV_RESET (1u << 0)

/*
 * An environment for a program run as the user of a passwd entry, for
 * fx_attr_set_env: base (may be NULL) with HOME, USER and LOGNAME set
 * from pw in place, as runuser -u does; with FX_ENV_RESET only base's
 * TERM, then SHELL, HOME, USER, LOGNAME and PATH, as setpriv --reset-env
 * does.  *out is one malloc'd block (free it with free) whose array also
 * points into base's strings.  -EINVAL for a NULL out or pw, or an
 * unknown flag; -ENOMEM.
 */
FX_EXTERN int fx_env_for_user(char ***out, char *const *base,
                              const struct passwd *pw, unsigned flags);

/*
 * The directories searched for a program name without '/', copied.
 * Default: PATH of the environment set with fx_attr_set_env if there is
 * one, else the parent's PATH, else "/usr/bin:/bin".  Empty and relative
 * elements are skipped, never taken relative to the current directory
 * (the child's may differ).  NULL: back to default.
 */
FX_EXTERN int fx_attr_set_search_path(fx_attr *attr, const char *path);

/* Working directory of the child (after chroot, if any).  NULL: unset
 * (the parent's, or "/" when a chroot is set). */
FX_EXTERN int fx_attr_set_cwd(fx_attr *attr, const char *dir);

/* Root directory of the child (chroot), followed by chdir to the working
 * directory or "/", so that the child's cwd is inside it.  NULL: unset. */
FX_EXTERN int fx_attr_set_chroot(fx_attr *attr, const char *dir);

/*
 * Credentials, applied as raw setgroups, setgid, setuid in that order.
 * A uid other than 0 also empties every capability set (capset): the
 * kernel clears the permitted and effective sets itself, but not the
 * inheritable one, nor the permitted one under PR_SET_KEEPCAPS.
 */
FX_EXTERN int fx_attr_set_uid(fx_attr *attr, uid_t uid);
FX_EXTERN int fx_attr_set_gid(fx_attr *attr, gid_t gid);
/*
 * An explicit supplementary group list, copied (n == 0 clears all groups).
 * Without this call the groups are left untouched.
 */
FX_EXTERN int fx_attr_set_groups(fx_attr *attr, size_t n, const gid_t *groups);
/* Forgets uid, gid and groups set before. */
FX_EXTERN int fx_attr_clear_credentials(fx_attr *attr);

/*
 * Process group: 0 puts the child in a new group it leads, pgid > 0 joins
 * that group, -1 (the default) stays in the parent's group.  A pgid >= 0
 * with FX_SETSID is refused (-EINVAL): a session leader cannot change group.
 */
FX_EXTERN int fx_attr_set_pgid(fx_attr *attr, pid_t pgid);

/* The child fd of the terminal used by FX_SETCTTY and FX_FOREGROUND (default 0). */
FX_EXTERN int fx_attr_set_tty_fd(fx_attr *attr, int child_fd);

/*
 * Signal sent to the child when the thread that spawned it exits
 * (PR_SET_PDEATHSIG); 0 (the default) for none.
 */
FX_EXTERN int fx_attr_set_pdeathsig(fx_attr *attr, int sig);

/*
 * Descriptor `parent_fd` of the parent becomes `child_fd` in the child,
 * without close-on-exec.  parent_fd == -1 closes child_fd in the child.
 * Any permutation works, cycles included.  Mapping a child_fd twice keeps
 * the last.  Without a mapping, child fds 0, 1 and 2 are the parent's as
 * they are; every other descriptor is closed unless FX_KEEP_FDS is set.
 */
FX_EXTERN int fx_attr_set_fd(fx_attr *attr, int child_fd, int parent_fd);

/* The child's signal mask.  Default: the mask of the spawning thread. */
FX_EXTERN int fx_attr_set_sigmask(fx_attr *attr, const sigset_t *mask);
/*
 * Signals reset to SIG_DFL in the child.  Caught signals are always reset;
 * ignored ones stay ignored unless named here (POSIX's default).
 */
FX_EXTERN int fx_attr_set_sigdefault(fx_attr *attr, const sigset_t *set);

/* ------------------------------------------------------------------ */
/* Limits and scheduling (POSIX: every platform and backend)          */
/* ------------------------------------------------------------------ */

/*
 * The resource limit `resource` (RLIMIT_* of <sys/resource.h>): soft and
 * hard (RLIM_INFINITY for none), set in the child after its descriptors
 * are in place (a low RLIMIT_NOFILE cannot get in the way of the
 * shuffle); a hard limit above the current one is raised before the
 * switch to another uid, while the child may (CAP_SYS_RESOURCE on
 * Linux, root elsewhere).  -EINVAL for a resource this system does not
 * have or soft above hard.
 */
FX_EXTERN int fx_attr_set_rlimit(fx_attr *attr, int resource, uint64_t soft,
                                 uint64_t hard);

/* The name of resource `resource` (RLIMIT_NOFILE: "nofile"), as
 * fx_strerror prints it; NULL for a number it does not know.  A static
 * string. */
FX_EXTERN const char *fx_rlimit_name(int resource);

/* The child's umask (0 to 0777).  Default: the parent's. */
FX_EXTERN int fx_attr_set_umask(fx_attr *attr, mode_t mask);

/* The child's nice value, -20 to 19, set before the switch to another
 * uid (lowering it needs privilege: CAP_SYS_NICE on Linux). */
FX_EXTERN int fx_attr_set_nice(fx_attr *attr, int nice);
/*
 * (1.1) The child's nice value as nice(1) sets it: the spawning
 * thread's, read at each spawn, plus adjustment, clamped to -20..19.
 * Replaces fx_attr_set_nice's value, and is replaced by it.  Lowering
 * needs privilege as above: without it the spawn fails (FX_STEP_NICE,
 * fx_strerror naming the value), where nice(1) warns and runs anyway.
 */
FX_EXTERN int fx_attr_set_nice_adjust(fx_attr *attr, int adjustment);

/*
 * Scheduling policy (SCHED_OTHER, SCHED_FIFO, SCHED_RR; on Linux also
 * SCHED_BATCH, SCHED_IDLE, optionally | SCHED_RESET_ON_FORK) and its
 * static priority (1-99 for FIFO and RR, 0 for the others).  -EINVAL
 * outside that; -ENOTSUP where the system has no POSIX process
 * scheduling (Darwin).
 */
FX_EXTERN int fx_attr_set_sched(fx_attr *attr, int policy, int priority);

/* ------------------------------------------------------------------ */
/* Spawning and the process handle                                      */
/* ------------------------------------------------------------------ */

typedef struct fx_proc fx_proc;

/*
 * Starts `file` with `argv` (NULL-terminated, argv[0] required).  A file
 * without '/' is searched as fx_attr_set_search_path says.  attr may be
 * NULL for the defaults; err may be NULL.  On success *out is the running
 * child.  On failure nothing is left behind: no child, no zombie, no
 * descriptor, no memory; the return value is the negative errno and err
 * says which step failed.
 */
FX_EXTERN int fx_spawn(fx_proc **out, const char *file, char *const argv[],
                       const fx_attr *attr, fx_error *err);

/*
 * A dry run of fx_spawn: writes into buf (NUL-terminated when len > 0)
 * the system calls a spawn with these arguments would make, one a line,
 * as strace shows them, in order: the parent's around the clone (stdio
 * files and pipes, the clone and its namespaces and cgroup, the uid and
 * gid maps), prefixed "parent ", and the child's, prefixed "child  ",
 * down to execve.  Nothing is started, opened or created (but a cgroup
 * directory given by path, opened to plan and closed again); descriptor
 * numbers the kernel would choose are the lowest free above those the
 * attributes name, and what only the spawn can know is <in brackets>.
 * Returns the length of the whole text (snprintf-style: call again with
 * a larger buffer if it is len or more), or a negative errno with err
 * set as fx_spawn would (the program not found, a bad attribute).
 */
FX_EXTERN ssize_t fx_attr_explain(const fx_attr *attr, const char *file, char *const argv[],
                                  char *buf, size_t len, fx_error *err);

FX_EXTERN pid_t fx_proc_pid(const fx_proc *proc);
/* The pidfd, owned by the handle; -1 where the kernel has none. */
FX_EXTERN int fx_proc_pidfd(const fx_proc *proc);

/*
 * Waits for the child to terminate.  timeout_ms < 0 blocks, 0 polls,
 * > 0 waits that long.  On termination returns 0 and stores the status
 * (waitpid's encoding: use fx_status_* or the W* macros).  Returns
 * -ETIMEDOUT if still running.  When someone else reaped the child
 * (SIGCHLD ignored, or a SIGCHLD handler's waitpid(-1)), the status
 * comes from its pidfd where the kernel keeps it (Linux 6.15 and later):
 * 0 and the real status all the same; where it cannot (older kernels, no
 * pidfd, other systems), -ECHILD: the status is unknown.  After it
 * returned 0 once, it returns the same status again.
 */
FX_EXTERN int fx_proc_wait(fx_proc *proc, int *status, int timeout_ms);

/* Sends sig through the pidfd; -ESRCH once the child was reaped (by fx_proc_wait,
 * or by someone else: after fx_proc_wait said -ECHILD). */
FX_EXTERN int fx_proc_kill(fx_proc *proc, int sig);

/*
 * Releases the handle and its pidfd.  A child not yet waited for is left
 * running and must be reaped by the caller (waitpid on fx_proc_pid).
 */
FX_EXTERN void fx_proc_free(fx_proc *proc);

/* Status decoding. */
FX_EXTERN int fx_status_exited(int status);   /* 1 if it exited */
FX_EXTERN int fx_status_code(int status);     /* exit code, or -1 */
FX_EXTERN int fx_status_signal(int status);   /* terminating signal, or 0 */
FX_EXTERN int fx_status_core(int status);     /* 1 if it dumped core */

#ifdef __cplusplus
}
#endif

#endif /* FORKEXEC_H */
