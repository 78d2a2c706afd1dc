/* SPDX-License-Identifier: MIT */
/*
 * forkexec-io: running and talking to children.
 *
 * The layer most callers want, on top of fx_spawn (forkexec.h): where the
 * child's stdin, stdout and stderr go; fx_run, which starts a program,
 * feeds its stdin, captures its stdout and stderr in one poll loop (no
 * deadlock, whatever the child writes first and however much), with byte
 * limits, a timeout that signals the child or its whole process group
 * and then kills it, and a bound on how long a grandchild holding the
 * pipes can keep it waiting; the same machinery step by step for callers
 * with their own event loop; pipelines; waiting on many children at once.
 *
 * Conventions are forkexec.h's: 0 (or a count) or a negative errno, never
 * errno, never a print; opaque objects with _new and _free; _free(NULL)
 * does nothing.  Every descriptor the library makes is close-on-exec, and
 * every descriptor it hands out can be polled.
 *
 * Signals: no call installs a handler, none changes a disposition, none
 * reaps a child that is not its own (waitid on the child's pidfd), and
 * none returns early or loses data on EINTR.  Writing to a child that
 * closed its stdin gives -EPIPE, never a SIGPIPE: SIGPIPE is blocked in
 * the calling thread around the writes, and a SIGPIPE the write raised
 * is taken back (sigtimedwait) before the mask is restored; one that was
 * pending before is left alone.
 */
#ifndef FORKEXEC_IO_H
#define FORKEXEC_IO_H

#include <stdint.h>
#include <sys/types.h>

#include "forkexec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Stdio wiring                                                        */
/* ------------------------------------------------------------------ */

/* The streams, as fds of the child. */
#define FX_STDIN  0
#define FX_STDOUT 1
#define FX_STDERR 2

/*
 * Where a stream of the child goes.  Everything is opened or made by the
 * parent at spawn time, close-on-exec, and handed to the child through
 * the same descriptor shuffle as fx_attr_set_fd; what the parent opened
 * for the child alone is closed again before fx_spawn returns.
 */
enum fx_stdio {
	/* The parent's own fd 0, 1 or 2, as it is (the default). */
	FX_STDIO_INHERIT = 0,
	/* /dev/null: read-only for stdin, write-only for stdout and stderr. */
	FX_STDIO_NULL = 1,
	/* A new pipe.  The parent's end (close-on-exec, blocking) belongs to
	 * the process handle: fx_proc_stdio_fd, fx_proc_read, fx_proc_write. */
	FX_STDIO_PIPE = 2,
	/* The same with the parent's end O_NONBLOCK (the child's end stays
	 * blocking, as programs expect). */
	FX_STDIO_PIPE_NONBLOCK = 3,
	/* stderr only: wherever the child's stdout goes (2>&1), a pipe
	 * included. */
	FX_STDIO_STDOUT = 4,
	/* A descriptor of the caller's (fx_attr_set_stdio_fd). */
	FX_STDIO_FD = 5,
	/* A file opened by the parent (fx_attr_set_stdio_path). */
	FX_STDIO_PATH = 6
};

/*
 * Sets `stream` (FX_STDIN, FX_STDOUT or FX_STDERR) to FX_STDIO_INHERIT,
 * _NULL, _PIPE, _PIPE_NONBLOCK or (stderr only) _STDOUT.  The last of
 * this call, fx_attr_set_stdio_fd, fx_attr_set_stdio_path and
 * fx_attr_set_fd naming the same child fd wins.  -EINVAL for a bad
 * stream or value.
 */
FX_EXTERN int fx_attr_set_stdio(fx_attr *attr, int stream, int how);

/*
 * `stream` becomes a copy of the caller's descriptor `fd` (which must be
 * open now and at spawn time; the caller keeps it).  The same as
 * fx_attr_set_fd(attr, stream, fd), recorded as FX_STDIO_FD.
 */
FX_EXTERN int fx_attr_set_stdio_fd(fx_attr *attr, int stream, int fd);

/*
 * `stream` becomes the file at `path` (copied), opened by the parent at
 * spawn time, relative to the parent's working directory (not the
 * child's: fx_attr_set_cwd and chroot apply after), with `oflags` and
 * `mode` as open(2) takes them.  oflags: an access mode (O_RDONLY,
 * O_WRONLY, O_RDWR) and any of O_CREAT, O_TRUNC, O_APPEND, O_EXCL,
 * O_NOFOLLOW, O_NONBLOCK, O_SYNC, O_DSYNC; other bits are -EINVAL.
 * O_CLOEXEC and O_NOCTTY are added.  Typical:
 *
 *     fx_attr_set_stdio_path(attr, FX_STDIN, "in.txt", O_RDONLY, 0);
 *     fx_attr_set_stdio_path(attr, FX_STDOUT, "out.log",
 *                            O_WRONLY | O_CREAT | O_APPEND, 0644);
 *
 * A file that cannot be opened fails the spawn with step FX_STEP_STDIN,
 * _STDOUT or _STDERR, the errno, and the path in the message
 * (`stdout "/nope/out.log": No such file or directory`); nothing is
 * left behind.
 */
FX_EXTERN int fx_attr_set_stdio_path(fx_attr *attr, int stream, const char *path,
                                     int oflags, mode_t mode);

/* The enum fx_stdio of `stream` (FX_STDIO_FD also after fx_attr_set_fd
 * on it), or -EINVAL. */
FX_EXTERN int fx_attr_get_stdio(const fx_attr *attr, int stream);

/* ------------------------------------------------------------------ */
/* Step by step: the pipes of a running child                          */
/* ------------------------------------------------------------------ */

/*
 * The parent's end of `stream`'s pipe (FX_STDIO_PIPE), owned by the
 * handle and closed by fx_proc_free; -1 if the stream is not a pipe or
 * was closed or taken.  Poll it in your own loop (POLLIN for stdout and
 * stderr, POLLOUT for stdin), with fx_proc_pidfd for the child's end.
 */
FX_EXTERN int fx_proc_stdio_fd(const fx_proc *proc, int stream);

/* The same descriptor, now the caller's to close; the handle forgets it. */
FX_EXTERN int fx_proc_take_stdio_fd(fx_proc *proc, int stream);

/* Closes the parent's end of `stream` (stdin: the child reads end of
 * file).  0, or -EBADF if there is none. */
FX_EXTERN int fx_proc_close_stdio(fx_proc *proc, int stream);

/*
 * Writes buf to the child's stdin pipe until all of it is written, the
 * child closes its end, or timeout_ms passes (< 0: no deadline; 0: what
 * fits now).  Returns the number of bytes written if any; otherwise
 * -ETIMEDOUT (or -EAGAIN for timeout_ms 0) when nothing fitted in time,
 * -EPIPE when the child closed its stdin (never a SIGPIPE), -EBADF when
 * stdin is not a pipe of the handle.  Works on blocking and non-blocking
 * ends alike: a blocking one is written PIPE_BUF bytes at a time after
 * poll said there was room, so the deadline holds.
 */
FX_EXTERN ssize_t fx_proc_write(fx_proc *proc, const void *buf, size_t len, int timeout_ms);

/*
 * Reads what `stream` (FX_STDOUT or FX_STDERR) has, waiting up to
 * timeout_ms (< 0: forever; 0: not at all) for the first byte.  Returns
 * the number of bytes read (at most len), 0 at end of file, -ETIMEDOUT
 * (-EAGAIN for timeout_ms 0) when nothing came in time, -EBADF when the
 * stream is not a pipe of the handle.
 */
FX_EXTERN ssize_t fx_proc_read(fx_proc *proc, int stream, void *buf, size_t len,
                               int timeout_ms);

/* ------------------------------------------------------------------ */
/* fx_run: start, feed, capture, time out, wait                        */
/* ------------------------------------------------------------------ */

typedef struct fx_run_opts fx_run_opts;

/* fx_run's behaviours, set together with fx_run_opts_set_flags. */
#define FX_RUN_CAPTURE_STDOUT (1u << 0) /* stdout becomes a pipe read into result->out. */
#define FX_RUN_CAPTURE_STDERR (1u << 1) /* stderr becomes a pipe read into result->err. */
#define FX_RUN_MERGE_STDERR   (1u << 2) /* stderr goes into stdout's pipe (2>&1): both land in result->out. */
#define FX_RUN_KILL_GROUP     (1u << 3) /* Signals go to the child's whole process group; the child starts a new one unless attr gives it one. */
#define FX_RUN_FLAGS_ALL_     ((1u << 4) - 1)

/* What happens to output beyond a stream's limit (fx_run_opts_set_limit). */
enum fx_limit {
	/* Keep the first bytes and stop reading: the pipe is closed, so the
	 * child's next write to it fails with EPIPE (or SIGPIPE ends it),
	 * as under `head -c`. */
	FX_LIMIT_TRUNCATE = 0,
	/* Keep the first bytes, read on and drop the rest: the child runs
	 * on undisturbed. */
	FX_LIMIT_DISCARD = 1,
	/* Keep the first bytes, drop the rest, and end the child as on a
	 * timeout (the kill signal, the grace period, SIGKILL); the result
	 * ends with FX_END_LIMIT. */
	FX_LIMIT_KILL = 2
};

/* New options: no input, nothing captured, no limit, no timeout,
 * SIGTERM then SIGKILL after 5000 ms, a wait delay of 1000 ms. */
FX_EXTERN int fx_run_opts_new(fx_run_opts **out);
FX_EXTERN void fx_run_opts_free(fx_run_opts *opts);

/* Replaces the flags (default 0).  Unknown bits: -EINVAL. */
FX_EXTERN int fx_run_opts_set_flags(fx_run_opts *opts, unsigned flags);

/*
 * Bytes fed to the child's stdin, which becomes a pipe closed once they
 * are all written.  Borrowed, not copied: the buffer must stay valid
 * until fx_run returns.  NULL and 0: no input (stdin as attr says; a
 * pipe there is closed at once, so the child reads end of file).
 */
FX_EXTERN int fx_run_opts_set_input(fx_run_opts *opts, const void *data, size_t len);

/*
 * At most `max` bytes kept from `stream` (FX_STDOUT or FX_STDERR;
 * merged stderr counts as stdout), then `action` (enum fx_limit).
 * Default: no limit (SIZE_MAX).
 */
FX_EXTERN int fx_run_opts_set_limit(fx_run_opts *opts, int stream, size_t max, int action);

/* The child's deadline, from its start: < 0 for none (the default). */
FX_EXTERN int fx_run_opts_set_timeout(fx_run_opts *opts, int timeout_ms);

/*
 * How the child is ended on timeout or FX_LIMIT_KILL: `sig` (default
 * SIGTERM) to the child, or its group with FX_RUN_KILL_GROUP, followed
 * by SIGCONT (a stopped child could not act on it), then SIGKILL if it
 * is still there after grace_ms (default 5000; 0 sends SIGKILL with
 * the signal; < 0 never sends it).
 */
FX_EXTERN int fx_run_opts_set_kill(fx_run_opts *opts, int sig, int grace_ms);

/*
 * How long, once the child has ended, to go on reading and writing its
 * pipes, which a grandchild may hold open (`sh -c 'daemon &'`): after
 * that they are closed and the result says FX_END_WAIT_DELAY (Go's
 * Cmd.WaitDelay).  Default 1000 ms; < 0 waits for end of file forever.
 */
FX_EXTERN int fx_run_opts_set_wait_delay(fx_run_opts *opts, int delay_ms);

/*
 * The size asked of the kernel (F_SETPIPE_SZ) for each pipe fx_run and
 * fx_pipeline_run make, in bytes: 0 keeps the kernel's default (64 KiB
 * on Linux), > 0 asks for that much (the kernel rounds it up to a power
 * of two of pages and refuses more than /proc/sys/fs/pipe-max-size to
 * an unprivileged caller, or anything past the user's pipe quota: then
 * the default stays, silently).  Default FX_RUN_DEFAULT_PIPE_SIZE.
 */
FX_EXTERN int fx_run_opts_set_pipe_size(fx_run_opts *opts, int bytes);

/*
 * 256 KiB: a read takes up to four times what the kernel's 64 KiB pipe
 * holds, and a large capture ran as fast as with 1 MiB (the README's
 * capture benchmark), while using a quarter of the per-user pipe quota
 * (/proc/sys/fs/pipe-user-pages-soft), past which the kernel gives that
 * user's new pipes 8 KiB: 128 runs capturing both streams fit in the
 * default 64 MiB.
 */
#define FX_RUN_DEFAULT_PIPE_SIZE (256 * 1024)

/* How a run ended, most significant first. */
enum fx_end {
	FX_END_EXITED = 1,      /* the child (a pipeline: its last stage) exited by itself */
	FX_END_SIGNALED = 2,    /* a signal that was not ours ended it (a pipeline: its last stage) */
	FX_END_TIMEOUT = 3,     /* the timeout passed: we signalled it (status says how it ended) */
	FX_END_LIMIT = 4,       /* an output limit with FX_LIMIT_KILL: we signalled it */
	FX_END_WAIT_DELAY = 5   /* it ended, but its pipes stayed open past the wait delay */
};

/* A captured stream. */
typedef struct fx_output {
	char *data;             /* NUL-terminated (not counted in len); NULL if not captured */
	size_t len;
	int truncated;          /* the limit was reached and bytes were lost */
} fx_output;

/*
 * The result of fx_run, allocated by it and freed with fx_result_free.
 * Only the library allocates it, so later versions may add members at
 * the end.
 */
typedef struct fx_result {
	int end;                /* enum fx_end: TIMEOUT > LIMIT > WAIT_DELAY > SIGNALED > EXITED */
	int status;             /* waitpid's encoding (fx_status_*); the last stage's for a pipeline */
	pid_t pid;              /* the child (a pipeline: its first stage, the group leader) */
	int timed_out;          /* the timeout passed while it ran */
	int limit_hit;          /* a FX_LIMIT_KILL limit was passed */
	int killed;             /* SIGKILL was sent after the grace period */
	int wait_delay_expired; /* pipes were still open when the wait delay ended */
	fx_output out;          /* captured stdout (with merged stderr) */
	fx_output err;          /* captured stderr */
	size_t in_written;      /* bytes of the input the child's stdin took */
	int in_error;           /* 0, or a positive errno: EPIPE if the child closed its stdin early */
	int64_t spawn_ns;       /* the spawn itself */
	int64_t run_ns;         /* from the spawn to the end of the child (the last stage) */
	int64_t total_ns;       /* the whole call */
	/* Pipelines (fx_pipeline_run); for fx_run, 1 and &status. */
	size_t nstages;
	int *stage_status;      /* each stage's status, in order */
	int pipefail_status;    /* the rightmost stage's status that is not exit 0, else 0 */
} fx_result;

/*
 * Starts `file` as fx_spawn does (attr may be NULL), feeds the input,
 * captures what the flags ask, enforces limits, timeout and wait delay,
 * and reaps the child.  A stream attr makes a pipe (FX_STDIO_PIPE) is
 * treated as if the flag asked for it: stdout and stderr captured,
 * stdin fed (with no input: closed at once).  Returns 0 with *res set whatever the child did;
 * a negative errno if it could not be started (err says why, as
 * fx_spawn's, and nothing is left behind) or if running it failed
 * (poll, memory: FX_STEP_RUN; the child is then killed and reaped).
 * Streams not captured nor fed go as attr says.
 */
FX_EXTERN int fx_run(fx_result **res, const char *file, char *const argv[],
                     const fx_attr *attr, const fx_run_opts *opts, fx_error *err);

FX_EXTERN void fx_result_free(fx_result *res);

/* ------------------------------------------------------------------ */
/* Waiting on many                                                     */
/* ------------------------------------------------------------------ */

/*
 * A set of running children waited for together: whichever ends first is
 * reaped and returned.  It watches their pidfds (epoll), so it needs no
 * SIGCHLD handler and never reaps a child that is not in the set, and
 * its descriptor can itself be polled by an event loop.  The set does
 * not own the handles: free them yourself, after removing them or after
 * they were returned.
 */
typedef struct fx_waitset fx_waitset;

FX_EXTERN int fx_waitset_new(fx_waitset **out);
/* Frees the set; its children are left as they are (running or not). */
FX_EXTERN void fx_waitset_free(fx_waitset *ws);

/*
 * Adds a child; -EEXIST if it is in the set already.  A child already
 * waited for (fx_proc_wait returned 0) is returned by the next
 * fx_waitset_wait at once.  A handle without a pidfd (a kernel before
 * 5.3) is checked every 10 ms instead.
 */
FX_EXTERN int fx_waitset_add(fx_waitset *ws, fx_proc *proc);
/* Removes a child without waiting for it; -ENOENT if it is not in the set. */
FX_EXTERN int fx_waitset_remove(fx_waitset *ws, fx_proc *proc);
/* How many children the set holds. */
FX_EXTERN size_t fx_waitset_count(const fx_waitset *ws);
/* A descriptor (an epoll instance, close-on-exec, owned by the set)
 * that polls readable when a child of the set may have ended: children
 * with a pidfd only; fx_waitset_wait sees the others too. */
FX_EXTERN int fx_waitset_fd(const fx_waitset *ws);

/*
 * Waits up to timeout_ms (< 0: forever; 0: not at all) for a child of
 * the set to end, reaps it through its pidfd, removes it from the set
 * and returns 0 with *done and *status (either may be NULL).  -ETIMEDOUT
 * if none ended in time, -ENOENT if the set is empty, -ECHILD (with
 * *done set, and removed) if someone else reaped that child first.
 */
FX_EXTERN int fx_waitset_wait(fx_waitset *ws, fx_proc **done, int *status, int timeout_ms);

/* ------------------------------------------------------------------ */
/* Pipelines                                                           */
/* ------------------------------------------------------------------ */

/*
 * `a | b | c`: stages started in order as one new process group (the
 * first stage leads it), each stage's stdout wired to the next one's
 * stdin through a pipe the parent makes (close-on-exec, its own copies
 * closed as soon as the stages have theirs), waited for together, each
 * stage's status kept.
 *
 * Each stage has its own attributes (cwd, environment, ...).  The
 * wiring wins over a stage's own stdin and stdout settings, except the
 * first stage's stdin and the last stage's stdout, which are the
 * pipeline's.  A stage whose stderr is FX_STDIO_PIPE writes into one
 * pipe all such stages share (fx_pipeline_stdio_fd).  A stage may not
 * ask for its own session or group (FX_SETSID, a pgid): -EINVAL.
 * The group is not made the terminal's foreground group: a stage that
 * reads an inherited terminal is stopped by SIGTTIN.
 */
typedef struct fx_pipeline fx_pipeline;

FX_EXTERN int fx_pipeline_new(fx_pipeline **out);
/* Frees the pipeline and its stages' handles; stages not waited for are
 * left running (reap them first: fx_pipeline_wait). */
FX_EXTERN void fx_pipeline_free(fx_pipeline *pl);

/*
 * Appends a stage: `file` and argv are copied; attr (NULL: defaults) is
 * borrowed and must stay valid until the pipeline is started.  -EBUSY
 * once started.
 */
FX_EXTERN int fx_pipeline_add(fx_pipeline *pl, const char *file, char *const argv[],
                              const fx_attr *attr);
/* The number of stages. */
FX_EXTERN size_t fx_pipeline_count(const fx_pipeline *pl);

/*
 * Starts every stage.  On failure returns the failed spawn's -errno with
 * err as fx_spawn fills it and fx_pipeline_failed_stage naming the
 * stage; the stages already started are killed (SIGKILL to the group)
 * and reaped, and every pipe closed.  -EINVAL without stages, -EBUSY
 * if already started.
 */
FX_EXTERN int fx_pipeline_start(fx_pipeline *pl, fx_error *err);
/* The stage whose start failed, or -1. */
FX_EXTERN long fx_pipeline_failed_stage(const fx_pipeline *pl);

/* The process group of a started pipeline (the first stage's pid), or -1. */
FX_EXTERN pid_t fx_pipeline_pgid(const fx_pipeline *pl);
/* Stage i's handle (owned by the pipeline), or NULL. */
FX_EXTERN fx_proc *fx_pipeline_proc(const fx_pipeline *pl, size_t i);

/*
 * The pipeline's pipe ends, owned by it: FX_STDIN, the first stage's
 * stdin; FX_STDOUT, the last stage's stdout; FX_STDERR, the stderr pipe
 * the stages share.  -1 where there is no pipe.  Pollable.
 */
FX_EXTERN int fx_pipeline_stdio_fd(const fx_pipeline *pl, int stream);
/* Closes one of them (FX_STDIN: the first stage reads end of file). */
FX_EXTERN int fx_pipeline_close_stdio(fx_pipeline *pl, int stream);

/* Sends sig to the pipeline's process group. */
FX_EXTERN int fx_pipeline_kill(fx_pipeline *pl, int sig);

/*
 * Waits up to timeout_ms (< 0: forever) for every stage to end, reaping
 * each through its pidfd: 0 once all have, -ETIMEDOUT otherwise (those
 * that ended are reaped and keep their status).
 */
FX_EXTERN int fx_pipeline_wait(fx_pipeline *pl, int timeout_ms);

/* Stage i's status once reaped (waitpid's encoding): 0 and *status, or
 * -EAGAIN while it runs, -ECHILD if someone else reaped it, -EINVAL. */
FX_EXTERN int fx_pipeline_status(const fx_pipeline *pl, size_t i, int *status);

/*
 * The pipefail summary, as bash's `set -o pipefail` has it: the status
 * of the rightmost stage that did not exit 0, or 0 if all did; -EAGAIN
 * while a stage runs.
 */
FX_EXTERN int fx_pipeline_pipefail(const fx_pipeline *pl);

/*
 * fx_run for a pipeline: starts it (as fx_pipeline_start), feeds the
 * input to the first stage, captures the last stage's stdout
 * (FX_RUN_CAPTURE_STDOUT) and every stage's stderr in one buffer
 * (FX_RUN_CAPTURE_STDERR; FX_RUN_MERGE_STDERR puts it into out),
 * applies limits, timeout and wait delay, signals always going to the
 * pipeline's group, and reaps every stage.  The result's stage_status
 * has each stage's status, status the last stage's, pipefail_status the
 * summary, pid the group leader.  Errors as fx_run's.
 */
FX_EXTERN int fx_pipeline_run(fx_result **res, fx_pipeline *pl, const fx_run_opts *opts,
                              fx_error *err);

#ifdef __cplusplus
}
#endif

#endif /* FORKEXEC_IO_H */
