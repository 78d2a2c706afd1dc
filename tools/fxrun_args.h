/* SPDX-License-Identifier: MIT */
/*
 * fxrun's command line, parsed into a plain structure.
 *
 * Parsing is pure: it prints nothing, exits nowhere, reads no global state
 * and looks nothing up, so a fuzzer can drive it with any argv.  Names of
 * users and groups are stored as given and resolved later, by the caller.
 */
#ifndef FXRUN_ARGS_H
#define FXRUN_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the command line asks fxrun to do. */
enum fxrun_action {
	FXRUN_RUN = 0,          /* spawn cmd[0] */
	FXRUN_HELP,             /* -h / --help seen: print the usage */
	FXRUN_VERSION,          /* --version seen */
	FXRUN_PRINTENV,         /* no PROGRAM, only environment options: print
	                           the environment, as env(1) does */
	FXRUN_DUMP              /* --dump alone: print fxrun's own state */
};

/* One -e or -U, kept in command-line order: later ones win. */
enum fxrun_env_kind { FXRUN_ENV_SET, FXRUN_ENV_UNSET };

/* --seccomp-deny, --seccomp-allow (forkexec-linux.h's FX_SECCOMP_*). */
enum fxrun_seccomp_mode { FXRUN_SECCOMP_DENY = 1, FXRUN_SECCOMP_ALLOW = 2 };

/* A landlock option's comma-separated list, in command-line order. */
enum fxrun_landlock_kind {
	FXRUN_LANDLOCK_RO, FXRUN_LANDLOCK_RW, FXRUN_LANDLOCK_BIND, FXRUN_LANDLOCK_CONNECT
};
/* The filesystem view's options, in bubblewrap's words (forkexec-linux.h's
 * FX_MOUNT_*, in the same order). */
enum fxrun_view_kind {
	FXRUN_VIEW_BIND = 1, FXRUN_VIEW_RO_BIND, FXRUN_VIEW_DEV_BIND, FXRUN_VIEW_TMPFS,
	FXRUN_VIEW_PROC, FXRUN_VIEW_DEV, FXRUN_VIEW_MQUEUE, FXRUN_VIEW_DIR, FXRUN_VIEW_SYMLINK,
	FXRUN_VIEW_REMOUNT_RO
};
struct fxrun_view {
	int kind;                   /* enum fxrun_view_kind */
	const char *src, *dest;     /* src NULL for the one-argument kinds */
};

struct fxrun_landlock {
	int kind;                   /* enum fxrun_landlock_kind */
	const char *list;
};
struct fxrun_env_op {
	int kind;               /* enum fxrun_env_kind */
	const char *arg;        /* "NAME=VALUE" for SET, "NAME" for UNSET */
};

/* One --fd CHILD=PARENT; parent_fd -1 means "close CHILD in the child". */
struct fxrun_fd_map {
	int child_fd;
	int parent_fd;
};

/* One --uid-map or --gid-map line: INSIDE:OUTSIDE:COUNT. */
struct fxrun_id_map {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;         /* >= 1; inside + count and outside + count
	                           stay below 2^32 */
};

/* "unlimited" in struct fxrun_rlimit (RLIM_INFINITY when applied). */
#define FXRUN_RLIM_UNLIMITED UINT64_MAX

/* One --rlimit NAME=SOFT[:HARD]. */
struct fxrun_rlimit {
	int resource;           /* RLIMIT_* */
	const char *name;       /* "nofile": static, for messages */
	uint64_t soft, hard;    /* soft <= hard when both set; FXRUN_RLIM_UNLIMITED */
	int keep_soft;          /* ":HARD": the soft limit stays as fxrun's */
	int keep_hard;          /* "SOFT:": the hard limit stays as fxrun's */
};

/* One element of --cpus: CPUs lo..hi. */
struct fxrun_cpu_range {
	unsigned lo, hi;        /* lo <= hi <= FXRUN_CPU_MAX */
	unsigned stride;        /* >= 1: lo, lo + stride, ... up to hi */
};

/* The highest CPU number --cpus takes (the set is allocated to cover it). */
#define FXRUN_CPU_MAX 65535

/* The kernel's limit on the lines of a uid_map or gid_map. */
#define FXRUN_ID_MAP_MAX 340

/* SCHED_DEADLINE (Linux numbers it 6; not every libc names it). */
#define FXRUN_SCHED_DEADLINE 6

/*
 * Every string points into the argv given to fxrun_parse (nothing is
 * copied), so argv must outlive the structure.  NULL means "not given".
 */
struct fxrun_opts {
	const char *chdir;      /* -C */
	const char *chroot;     /* --chroot */
	const char *user;       /* -u, a name or a decimal uid */
	const char *group;      /* -g, a name or a decimal gid */
	const char *groups;     /* -G, comma-separated; "" clears the groups */
	char *supp_groups;      /* --supp-group (runuser -G), comma-joined; made
	                           into group and groups at the end of parsing */
	const char *userspec;   /* --userspec (chroot): USER[:GROUP] */
	const char *argv0;      /* --argv0 */

	/* (The ints together, here and below: no padding.) */
	int action;             /* enum fxrun_action */
	int init_groups;        /* --init-groups (setpriv): groups from -u's entry */
	int skip_chdir;         /* --skip-chdir (chroot): stay in the directory */
	unsigned flags;         /* FX_* flags from forkexec.h */
	int pgid_set;
	pid_t pgid;             /* --pgid, when pgid_set */
	int tty_fd;             /* --ctty, or -1 */
	int pdeathsig;          /* --pdeathsig, 0 for none */
	int backend;            /* enum fx_backend; -1: the library's default */

	int clear_env;          /* -i */
	int preserve_env;       /* -m: -u NAME leaves HOME, USER, LOGNAME */
	int reset_env;          /* --reset-env, as setpriv(1) */
	struct fxrun_env_op *env_ops;
	size_t n_env_ops;

	struct fxrun_fd_map *fds;
	size_t n_fds;

	/* Stdio (forkexec-io.h): files opened by fxrun, /dev/null, 2>&1. */
	const char *stdin_path;     /* --stdin */
	const char *stdout_path;    /* --stdout */
	const char *stderr_path;    /* --stderr */
	long long timeout_ms;       /* -1: not given; 0: given, disabled (as timeout(1)) */
	long long kill_after_ms;    /* -1: never SIGKILL */
	int append;                 /* --append: O_APPEND instead of O_TRUNC */
	int stderr_to_stdout;       /* --stderr-to-stdout */
	int null_stdin;             /* --null-stdin */

	/* timeout(1): --timeout, --kill-after (above), --signal, --kill-group. */
	int timeout_sig;            /* default SIGTERM */
	int signal_set;             /* --signal was given */
	int kill_group;             /* signal the child's whole process group */
	int dry_run;                /* --dry-run: print the plan, start nothing */
	int timeout_foreground;     /* --foreground: no group of its own (timeout(1)) */
	int preserve_status;        /* --preserve-status */
	int dump;                   /* --dump: with options, PROGRAM is fxrun --dump */
	int no_wait;                /* -f, --no-wait: start PROGRAM, do not wait (setsid -f) */
	int verbose;                /* 1: --verbose (timeout(1)); 2: -v, --debug (env(1)'s, and the timeout's lines) */

	/* env(1): -0, and the signal options (bit n-1 for signal n). */
	int null_sep;               /* -0: print the environment NUL-separated */
	int list_signals;           /* --list-signal-handling */
	uint64_t sig_default;       /* --default-signal */
	uint64_t sig_ignore;        /* --ignore-signal */
	uint64_t sig_block;         /* --block-signal */
	uint64_t sig_unblock;       /* --default-signal also unblocks, as
	                               env(1) does; the later option wins */
	void **owned;               /* -S: the argvs rebuilt around its words, and
	                               the words' storage, freed with the opts */
	size_t n_owned;
	/* -v's "split -S" lines: each -S seen after -v, and its words. */
	struct { const char *str; char **words; } debug_split[8];
	size_t n_debug_split;

	/*
	 * PROGRAM and its arguments: the tail of argv, so NULL-terminated
	 * when argv[argc] is NULL, as it is for main().  NULL unless action
	 * is FXRUN_RUN.
	 */
	char **cmd;
	int n_cmd;              /* (the first of the ints below) */

	/*
	 * Linux containment (forkexec-linux.h), applied by fxrun_linux.c.
	 * Names are already numbers here; only --seccomp's FILE is read
	 * later, by the apply step.  (Ints first, then the wider fields:
	 * no padding.)
	 */
	int map_root_user;          /* --map-root-user */
	int setgroups;              /* enum fx_setgroups_policy; 0: not given */
	int propagation_set;
	int propagation;            /* enum fx_propagation, when propagation_set */
	int umask;                  /* --umask, or -1 */
	int no_new_privs;           /* --no-new-privs, or implied by --seccomp */
	int nice_set;               /* 1: absolute (--niceness), 2: relative (-n) */
	int nice;                   /* -20..19 absolute; any int relative */
	int sched_set;
	int sched_policy;           /* SCHED_*, when sched_set */
	int sched_priority;         /* 1-99 for FIFO and RR, else 0 */
	int reset_on_fork;          /* -R, --reset-on-fork: SCHED_RESET_ON_FORK */
	int inh_caps_given;         /* --inh-caps: fxrun's inheritable set, changed */
	int time_offset_set[2];     /* --monotonic, --boottime */
	long long time_offset[2];   /* seconds */
	unsigned long long sched_dl[3]; /* --sched deadline: runtime, deadline, period (ns) */
	int securebits_set;         /* --securebits */
	int securebits_on;          /* bits to set ("+name") */
	int securebits_off;         /* bits to clear ("-name") */
	int ioprio_set;
	int ioprio_class;           /* FX_IOPRIO_CLASS_*, when ioprio_set */
	int ioprio_level;           /* 0-7 */
	int seccomp_mode;           /* FXRUN_SECCOMP_*; 0: not given */
	int landlock_strict;        /* --landlock-strict */
	int join_pid;               /* --join, --join-ns: 0 none */
	int join_differing;         /* --join: every namespace that differs from ours */
	unsigned long unshare;      /* CLONE_NEW* bits (--unshare, repeatable) */
	struct fxrun_id_map *uid_maps;  /* --uid-map, in order */
	size_t n_uid_maps;
	struct fxrun_id_map *gid_maps;  /* --gid-map, in order */
	size_t n_gid_maps;
	size_t map_user_line;       /* --map-user's uid map line + 1, or 0 */
	size_t map_group_line;      /* --map-group's gid map line + 1, or 0 */
	uint64_t ambient_caps;      /* --ambient-caps mask, FX_CAP() bits */
	uint64_t bounding_drop;     /* --bounding-caps: the caps to drop */
	uint64_t inh_caps_add;      /* by --inh-caps: these added */
	uint64_t inh_caps_del;      /* and these taken away */
	const char *cgroup;         /* --cgroup */
	const char *mount_proc;     /* --mount-proc[=DIR]; NULL: not given */
	struct fxrun_rlimit *rlimits;   /* --rlimit, in order (later wins) */
	size_t n_rlimits;
	struct fxrun_cpu_range *cpus;   /* --cpus (the last one given) */
	size_t n_cpus;              /* 0: not given */
	unsigned long cpus_max;     /* the highest CPU in cpus */
	const char *seccomp;        /* --seccomp FILE */
	/* --seccomp-deny or --seccomp-allow LIST[:ERRNO], split and looked
	 * up by the apply step (fxrun_sandbox.c): the table is the library's. */
	const char *seccomp_list;
	unsigned long join_flags;   /* --join-ns LIST */
	struct fxrun_landlock *landlock;    /* --landlock-ro/-rw/-bind/-connect */
	struct fxrun_view *view;    /* --bind, --tmpfs, ... in order */
	size_t n_view;
	const char *view_arg2;      /* parsing: the second argument of --bind & co */
	const char *hostname;       /* --hostname */
	size_t n_landlock;
};

/*
 * Parses argv[1..argc-1] into *o (which needs no initialisation).
 * Options stop at "--" or at the first argument that is not an option:
 * that argument is PROGRAM and the rest are its arguments, untouched.
 *
 * Returns 0 on success; -EINVAL for bad usage and -ENOMEM when out of
 * memory, with a one-line reason (no "fxrun:" prefix, no newline) in
 * errbuf.  In every case *o must be released with fxrun_opts_free.
 */
int fxrun_parse(int argc, char **argv, struct fxrun_opts *o,
                char *errbuf, size_t errlen);

/*
 * Capability names for --ambient-caps and --bounding-caps: the name of
 * capability number cap ("net_bind_service"), or NULL past the last one
 * fxrun knows (FXRUN_CAP_LAST).
 */
#define FXRUN_CAP_LAST 40       /* CAP_CHECKPOINT_RESTORE */
#define FXRUN_NRLIMITS 16       /* RLIMIT_* are 0..15 (in an order of each architecture's) */
const char *fxrun_cap_name(unsigned cap);

/* Releases what fxrun_parse allocated; the strings belong to argv. */
void fxrun_opts_free(struct fxrun_opts *o);

/*
 * A decimal number with no sign, space or suffix, at most max: 0 and the
 * value in *out, or -EINVAL.  Shared with the uid/gid resolution, which
 * treats an all-digit USER or GROUP as a number.
 */
int fxrun_parse_number(const char *s, unsigned long max, unsigned long *out);

/*
 * A DURATION as timeout(1) takes it, plus milliseconds: a non-negative
 * number as strtod reads it ("2", "1.5", ".25", "1e3", "0x10", "inf")
 * with an optional unit, "ms", "s" (the default), "m", "h" or "d".  Stores it in milliseconds, rounded
 * up (so that a positive duration never becomes 0, which means none);
 * -EINVAL for anything else.  Durations beyond about 30,000 years are
 * clamped to that.
 */
int fxrun_parse_duration(const char *s, long long *ms);

/*
 * A signal given as a number ("15") or a name with or without "SIG"
 * ("TERM", "SIGTERM", "RTMIN+2", any case): the number, or -EINVAL.
 */
int fxrun_parse_signal(const char *s);

/* The name of signal sig without "SIG" ("TERM"), or NULL if it has none. */
const char *fxrun_signal_name(int sig);

/*
 * Signal sig's name as coreutils' sig2str writes it, into buf: "TERM",
 * "RTMIN+2", "RTMAX-1", "EXIT" for 0; NULL if it has none (32, 33).
 */
const char *fxrun_signal_str(int sig, char *buf, size_t len);

#endif /* FXRUN_ARGS_H */
