/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the posix_spawn plan (src/posix/plan_posix.c), run on a
 * model of the kernel's descriptor table instead of a real child:
 *
 *     make fuzz-build && build/fuzz/fuzz_posix_plan tests/fuzz/corpus/fuzz_posix_plan
 *
 * The input describes a parent (which fds 0..63 are open, some
 * close-on-exec), the report's channel (an error pipe, which takes the
 * two lowest free numbers as pipe2() would, or shared memory), whether
 * the child starts on the parent's table (CLONE_FILES, then the child's
 * pidfd takes the lowest free number there), and up to 24 file actions:
 * open (of a path that exists or not, perhaps O_CLOEXEC), close, dup2,
 * fchdir, closefrom and tcsetpgrp on fds 0..71.
 *
 * The reference is POSIX: the actions applied in order to the table the
 * caller sees (no pipe, no pidfd), then execve's closing of close-on-exec
 * fds, or the first action that fails, with its errno.  The plan's
 * operations are run on the child's model table with the semantics of
 * close_range (CLOSE_RANGE_UNSHARE), fcntl, dup3, openat and close, as
 * child.c makes them, and must give the same: the same fds holding the
 * same files with the same flag, or a failure at the same action with the
 * same errno.  Besides, before every operation the error pipe, if any,
 * is open, close-on-exec and the write end (a failing child can always
 * report), and after execve neither it nor the pidfd survives.  Any
 * violation aborts, which libFuzzer reports with the input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "forkexec.h"
#include "child/plan.h"
#include "posix/posix.h"
#include "core/spawn_core.h"

#define NPARENT 64            /* parent fds the input may open: 0..63 */
#define NAMED 72              /* fds the actions may name: 0..71 */
#define MAXFD 256             /* the model's table (RLIMIT_NOFILE) */
#define MAXACTIONS 24
#define OBJ_NONE 0
#define OBJ_PIPE_R (-1)
#define OBJ_PIPE_W (-2)
#define OBJ_PIDFD (-3)
#define OBJ_OPENED 1000       /* + action index: a file an open action made */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct slot {
	int obj;                /* OBJ_NONE: closed; 1..64: parent file fd+1 */
	int cloexec;
};

/* ---- the model table ---------------------------------------------- */

static int is_open(const struct slot *t, long fd)
{
	return fd >= 0 && fd < MAXFD && t[fd].obj != OBJ_NONE;
}

static int lowest_free(const struct slot *t, int from)
{
	for (int fd = from; fd < MAXFD; fd++)
		if (t[fd].obj == OBJ_NONE)
			return fd;
	return -1;
}

static void put(struct slot *t, int fd, int obj, int cloexec)
{
	t[fd].obj = obj;
	t[fd].cloexec = cloexec;
}

static void drop(struct slot *t, long fd)
{
	if (fd >= 0 && fd < MAXFD)
		put(t, (int)fd, OBJ_NONE, 0);
}

static void exec_closes(struct slot *t)
{
	for (int fd = 0; fd < MAXFD; fd++)
		if (t[fd].cloexec)
			drop(t, fd);
}

/* ---- the input ---------------------------------------------------- */

struct scenario {
	struct slot parent[MAXFD];
	struct fx__action actions[MAXACTIONS];
	int nactions;
	int in_memory, shared_table;
};

static const char path_ok[] = "exists", path_missing[] = "missing";

static void read_scenario(struct input *in, struct scenario *s)
{
	uint64_t open_bits = take64(in), cloexec_bits = take64(in);

	memset(s, 0, sizeof *s);
	for (int fd = 0; fd < NPARENT; fd++)
		if (open_bits >> fd & 1)
			put(s->parent, fd, fd + 1, (int)(cloexec_bits >> fd & 1));
	unsigned mode = take(in);
	s->in_memory = mode & 1;
	s->shared_table = !!(mode & 2);
	s->nactions = (int)(take(in) % (MAXACTIONS + 1));
	for (int i = 0; i < s->nactions; i++) {
		struct fx__action *a = &s->actions[i];
		unsigned kind = take(in) % 6;

		a->fd = (int)(take(in) % NAMED);
		a->newfd = -1;
		switch (kind) {
		case 0:
			a->kind = FX__FA_OPEN;
			a->oflag = O_RDONLY | ((take(in) & 1) ? O_CLOEXEC : 0);
			a->path = (char *)((take(in) % 5) ? path_ok : path_missing);
			break;
		case 1:
			a->kind = FX__FA_CLOSE;
			break;
		case 2:
			a->kind = FX__FA_DUP2;
			a->newfd = (int)(take(in) % NAMED);
			break;
		case 3:
			a->kind = FX__FA_FCHDIR;
			break;
		case 4:
			a->kind = FX__FA_CLOSEFROM;
			break;
		default:
			a->kind = FX__FA_TCSETPGRP;
			break;
		}
	}
}

/* ---- the reference: POSIX on the caller's table ------------------- */

/* Returns -1 when every action worked (t is then the table at execve's
 * end), or the failing action's index with *code its errno. */
static int reference(const struct scenario *s, struct slot *t, int *code)
{
	memcpy(t, s->parent, sizeof s->parent);
	for (int i = 0; i < s->nactions; i++) {
		const struct fx__action *a = &s->actions[i];

		switch (a->kind) {
		case FX__FA_OPEN:
			if (a->path == path_missing) {
				*code = ENOENT;
				return i;
			}
			put(t, a->fd, OBJ_OPENED + i, !!(a->oflag & O_CLOEXEC));
			break;
		case FX__FA_CLOSE:
			drop(t, a->fd);
			break;
		case FX__FA_DUP2:
			if (!is_open(t, a->fd)) {
				*code = EBADF;
				return i;
			}
			if (a->fd == a->newfd)
				t[a->fd].cloexec = 0;
			else
				put(t, a->newfd, t[a->fd].obj, 0);
			break;
		case FX__FA_CLOSEFROM:
			for (int fd = a->fd; fd < MAXFD; fd++)
				drop(t, fd);
			break;
		default: /* fchdir, tcsetpgrp: on a terminal directory, say */
			if (!is_open(t, a->fd)) {
				*code = EBADF;
				return i;
			}
			break;
		}
	}
	exec_closes(t);
	return -1;
}

/* ---- the plan, run on the child's model --------------------------- */

struct child {
	struct slot t[MAXFD];
	int err_fd;             /* the write end as the child knows it, or -1 */
	int pidfd;              /* the pidfd in the parent's table, or -1 */
	int shared;             /* still on the parent's table */
};

static void check_pipe(const struct child *c, size_t i)
{
	if (c->err_fd < 0)
		return;
	if (!is_open(c->t, c->err_fd) || c->t[c->err_fd].obj != OBJ_PIPE_W ||
	    !c->t[c->err_fd].cloexec)
		violation("before operation %zu the error channel (fd %d) is not the "
		          "pipe's write end, open and close-on-exec", i, c->err_fd);
}

/* close_range(lo, hi) sparing the error channel, as child.c's close_fds. */
static void close_fds(struct child *c, unsigned lo, unsigned hi)
{
	for (unsigned fd = lo; fd <= hi && fd < MAXFD; fd++)
		if ((int)fd != c->err_fd)
			drop(c->t, fd);
}

/* One operation; returns 0 or -errno, as child.c's run_op. */
static long run_op(struct child *c, const struct fx__op *op)
{
	long fd;

	switch (op->kind) {
	case FX__OP_CLOSE_FROM:
		/* CLOSE_RANGE_UNSHARE on a shared table: a copy of the fds
		 * below, then the child's own pidfd closed in it. */
		for (int n = op->a; n < MAXFD; n++)
			drop(c->t, n);
		if (c->shared && c->pidfd >= 0 && c->pidfd < op->a)
			drop(c->t, c->pidfd);
		c->shared = 0;
		return 0;
	case FX__OP_HIDE_ERR:
		if (c->err_fd < 0)
			return 0;
		if (c->shared)
			violation("the error pipe is hidden on a table still shared");
		fd = lowest_free(c->t, op->a);
		if (fd < 0)
			return -EMFILE;
		put(c->t, (int)fd, OBJ_PIPE_W, 1);
		drop(c->t, c->err_fd);
		c->err_fd = (int)fd;
		if (op->c >= 0)
			drop(c->t, op->c);
		return 0;
	case FX__OP_OPEN:
		/* The target is closed first, as POSIX says (child.c). */
		if (op->a != c->err_fd)
			drop(c->t, op->a);
		if (op->ptr == path_missing)
			return -ENOENT;
		fd = lowest_free(c->t, 0);
		if (fd < 0)
			return -EMFILE;
		put(c->t, (int)fd, OBJ_OPENED + (int)op->index, !!(op->b & O_CLOEXEC));
		if (fd != op->a) {
			put(c->t, op->a, OBJ_OPENED + (int)op->index, !!(op->b & O_CLOEXEC));
			drop(c->t, fd);
		}
		return 0;
	case FX__OP_CLOSE_FD:
		drop(c->t, op->a); /* not being open is fine */
		return 0;
	case FX__OP_INHERIT_FD:
		if (!is_open(c->t, op->a))
			return -EBADF;
		c->t[op->a].cloexec = 0;
		return 0;
	case FX__OP_DUP_FD:
		if (!is_open(c->t, op->a))
			return -EBADF;
		put(c->t, op->b, c->t[op->a].obj, 0);
		return 0;
	case FX__OP_CLOSE_RANGE:
		close_fds(c, (unsigned)op->a, (unsigned)op->b);
		return 0;
	case FX__OP_FCHDIR:
	case FX__OP_FOREGROUND:
		return is_open(c->t, op->a) ? 0 : -EBADF;
	case FX__OP_RESET_HANDLERS:
	case FX__OP_SIG_DEFAULT:
	case FX__OP_SIGMASK:
	case FX__OP_EXEC:
	case FX__OP_EXEC_SEARCH:
		return 0;
	default:
		violation("operation kind %u in a posix plan with file actions only", op->kind);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	static struct scenario s;
	static struct slot want[MAXFD];
	static struct child c;
	struct fx__spawnattr attr;
	struct fx__file_actions fa;
	struct fx__posix_call call;
	struct fx__plan plan;
	char *argv[] = { "x", NULL };
	int pipe_r = -1, pipe_w = -1, code = 0, fails_at, rc;
	fx_error err;

	read_scenario(&in, &s);
	fails_at = reference(&s, want, &code);

	memcpy(c.t, s.parent, sizeof s.parent);
	if (!s.in_memory) {
		pipe_r = lowest_free(c.t, 0);
		put(c.t, pipe_r, OBJ_PIPE_R, 1);
		pipe_w = lowest_free(c.t, 0);
		put(c.t, pipe_w, OBJ_PIPE_W, 1);
	}
	memset(&attr, 0, sizeof attr);
	fa = (struct fx__file_actions){ s.actions, s.nactions, s.nactions };
	call = (struct fx__posix_call){ .attr = &attr, .actions = &fa, .file = "/bin/x",
	                                .argv = argv, .want_pidfd = 1 };
	rc = fx__plan_build_posix(&plan, &call, pipe_w, pipe_r, &err);
	if (rc < 0)
		violation("the plan was refused: step %d, errno %d", err.step, err.code);

	/* The child's table: a copy at clone, or the parent's own (with the
	 * pidfd on the lowest free number) where the plan allows sharing. */
	c.err_fd = pipe_w;
	c.pidfd = -1;
	c.shared = plan.closes_fds && s.shared_table;
	if (c.shared) {
		c.pidfd = lowest_free(c.t, 0);
		put(c.t, c.pidfd, OBJ_PIDFD, 1);
	}

	for (size_t i = 0; i < plan.child.nops; i++) {
		const struct fx__op *op = &plan.child.ops[i];
		long r;

		check_pipe(&c, i);
		if (c.shared && op->kind != FX__OP_CLOSE_FROM && op->kind != FX__OP_RESET_HANDLERS &&
		    op->kind != FX__OP_SIG_DEFAULT)
			violation("operation %zu (kind %u) runs on the parent's table", i, op->kind);
		r = run_op(&c, op);
		if (r == 0)
			continue;
		if (op->step != FX_STEP_FILE_ACTION)
			violation("operation %zu failed (%ld) at step %u, not a file action",
			          i, -r, op->step);
		if (fails_at != op->index || code != -r)
			violation("action %ld failed with errno %ld; POSIX says %s %d (errno %d)",
			          op->index, -r, fails_at < 0 ? "none fails, not" : "action",
			          fails_at, code);
		fx__plan_free(&plan);
		return 0;
	}
	if (fails_at >= 0)
		violation("every action worked; POSIX says action %d fails (errno %d)",
		          fails_at, code);
	exec_closes(c.t);
	for (int fd = 0; fd < MAXFD; fd++) {
		if (c.t[fd].obj != want[fd].obj || c.t[fd].cloexec != want[fd].cloexec)
			violation("after execve fd %d holds %d (cloexec %d); POSIX says %d "
			          "(cloexec %d)", fd, c.t[fd].obj, c.t[fd].cloexec,
			          want[fd].obj, want[fd].cloexec);
	}
	fx__plan_free(&plan);
	return 0;
}
