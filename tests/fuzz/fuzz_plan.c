/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the descriptor shuffle (src/core/plan.c), run against a
 * model of the kernel's descriptor table instead of a real child:
 *
 *     make fuzz-build && build/fuzz/fuzz_plan tests/fuzz/corpus/fuzz_plan
 *
 * The input describes a parent: which fds 0..63 are open (each its own
 * open file, some close-on-exec), the mappings set with fx_attr_set_fd,
 * the fds closed again before the spawn, the flags, and the channel of
 * the child's report: an error pipe, which takes the two lowest free
 * numbers as pipe2() would, or shared memory (no descriptor at all).
 * With a shared table (CLONE_FILES) the child's pidfd then takes the
 * lowest free number, where the child sees it until it unshares.  The
 * plan's
 * descriptor operations are then executed on the model with the
 * semantics of dup3, fcntl(F_DUPFD_CLOEXEC), fcntl(F_SETFD), close and
 * close_range, followed by execve's closing of close-on-exec fds, and
 * the outcome is checked:
 *   - every child fd mapped from a parent fd holds that parent fd's
 *     file, inheritable; every fd mapped from -1 is closed;
 *   - fds 0-2 not mapped are the parent's, as execve leaves them;
 *   - with close-other-fds nothing else survives execve; with
 *     FX_KEEP_FDS exactly the parent's inheritable fds do;
 *   - the error pipe, if any, is open, close-on-exec and the pipe's
 *     write end before every operation and at execve (a failing child
 *     can always report, and a successful execve always closes it);
 *   - the child's own pidfd never survives execve, even on the number
 *     of a source closed before the spawn;
 *   - an operation fails only when a mapped source was closed before the
 *     spawn, and then with the step and index that name it;
 *   - fx__plan_build refuses (-EBADF) exactly a source that the pipe
 *     reused.
 * Any violation aborts, which libFuzzer reports with the input.
 *
 * fx_attr_set_fd checks that the parent fd is open with fcntl(F_GETFD);
 * src/core/attr.c is compiled for this target with -Dfcntl=fx__fuzz_fcntl so
 * that the check asks the model (see mk/gates.mk).
 */
#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "core/attr.h"
#include "forkexec.h"
#include "forkexec-linux.h"
#include "child/plan.h"

#define NPARENT 64            /* parent fds the input may open: 0..63 */
#define MAXFD 1024            /* the model's table */
#define MAXMAPS 24
#define OBJ_NONE 0
#define OBJ_PIPE_R (-1)
#define OBJ_PIPE_W (-2)
#define OBJ_PIDFD (-3)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fx__fuzz_fcntl(int fd, int cmd, ...);

struct slot {
	int obj;                /* OBJ_NONE: closed; > 0: parent file fd+1 */
	int cloexec;
};

/* The parent as fx_attr_set_fd sees it (fcntl is routed here). */
static struct slot parent_at_set[MAXFD];

int fx__fuzz_fcntl(int fd, int cmd, ...)
{
	if (cmd != F_GETFD)
		violation("attr.c called fcntl(%d, %d): only F_GETFD is modelled", fd, cmd);
	if (fd < 0 || fd >= MAXFD || parent_at_set[fd].obj == OBJ_NONE) {
		errno = EBADF;
		return -1;
	}
	return parent_at_set[fd].cloexec ? FD_CLOEXEC : 0;
}

/* ---- the model's system calls: >= 0 or -errno, as the raw stubs ---- */

static int valid(long fd)
{
	return fd >= 0 && fd < MAXFD;
}

static long m_dupfd_cloexec(struct slot *t, long fd, long from)
{
	if (!valid(fd) || t[fd].obj == OBJ_NONE)
		return -EBADF;
	if (from < 0 || from >= MAXFD)
		return -EINVAL;
	for (long n = from; n < MAXFD; n++) {
		if (t[n].obj == OBJ_NONE) {
			t[n].obj = t[fd].obj;
			t[n].cloexec = 1;
			return n;
		}
	}
	return -EMFILE;
}

static long m_dup3(struct slot *t, long oldfd, long newfd, int flags)
{
	if (!valid(oldfd) || t[oldfd].obj == OBJ_NONE)
		return -EBADF;
	if (oldfd == newfd)
		return -EINVAL;
	if (!valid(newfd))
		return -EBADF;
	t[newfd].obj = t[oldfd].obj;
	t[newfd].cloexec = !!flags;
	return newfd;
}

static long m_setfd(struct slot *t, long fd, int cloexec)
{
	if (!valid(fd) || t[fd].obj == OBJ_NONE)
		return -EBADF;
	t[fd].cloexec = cloexec;
	return 0;
}

static long m_close(struct slot *t, long fd)
{
	if (!valid(fd) || t[fd].obj == OBJ_NONE)
		return -EBADF;
	t[fd].obj = OBJ_NONE;
	t[fd].cloexec = 0;
	return 0;
}

/* close_range(lo, hi) as the child's close_fds() does it: sparing ctx's
 * error channel. */
static long m_close_range(struct slot *t, unsigned lo, unsigned hi, int keep)
{
	if (lo > hi)
		return 0;
	for (unsigned fd = lo; fd <= hi && fd < MAXFD; fd++)
		if ((int)fd != keep) {
			t[fd].obj = OBJ_NONE;
			t[fd].cloexec = 0;
		}
	return 0;
}

/* ---- the run ---- */

struct child {
	struct slot t[MAXFD];
	struct fx__child_ctx ctx;
	int slots[3 * MAXMAPS + 8];
	int slot_set[3 * MAXMAPS + 8];
	int in_memory;          /* the report goes through memory: no pipe */
	int pidfd;              /* the child's pidfd in a shared table, or -1 */
};

static void check_err_channel(const struct child *c, const char *when, size_t i)
{
	int fd = c->ctx.err_fd;

	if (fd < 0 && c->in_memory)
		return;

	if (!valid(fd) || c->t[fd].obj != OBJ_PIPE_W)
		violation("error channel (fd %d) is not the pipe's write end %s op %zu", fd, when, i);
	if (!c->t[fd].cloexec)
		violation("error channel (fd %d) lost close-on-exec %s op %zu", fd, when, i);
}

/* Runs one descriptor operation; other kinds touch no descriptor. */
static long run_op(struct child *c, const struct fx__plan *plan, const struct fx__op *op)
{
	long rc;

	switch (op->kind) {
	case FX__OP_CLOSE_FROM:
		/* Unsharing a shared table or closing a private one: either
		 * way the child keeps exactly the fds below a; of a shared
		 * one, without its own pidfd (child.c's close_from). */
		rc = m_close_range(c->t, (unsigned)op->a, ~0U, -1);
		if (rc == 0 && c->pidfd >= 0 && c->pidfd < op->a)
			m_close(c->t, c->pidfd);
		return rc;
	case FX__OP_MOVE_ERR:
		rc = m_dupfd_cloexec(c->t, c->ctx.err_fd, op->a);
		if (rc >= 0)
			c->ctx.err_fd = (int)rc;
		return rc;
	case FX__OP_FD_TO_SLOT:
		if (op->b < 0 || (size_t)op->b >= plan->nslots)
			violation("slot %d out of the plan's %zu", op->b, plan->nslots);
		rc = m_dupfd_cloexec(c->t, op->a, op->c);
		if (rc >= 0) {
			c->slots[op->b] = (int)rc;
			c->slot_set[op->b] = 1;
		}
		return rc;
	case FX__OP_DUP_FD:
		return m_dup3(c->t, op->a, op->b, 0);
	case FX__OP_DUP_SLOT:
		if (op->a < 0 || (size_t)op->a >= plan->nslots || !c->slot_set[op->a])
			violation("slot %d used before it was filled", op->a);
		return m_dup3(c->t, c->slots[op->a], op->b, 0);
	case FX__OP_INHERIT_FD:
		return m_setfd(c->t, op->a, 0);
	case FX__OP_CLOSE_FD:
		rc = m_close(c->t, op->a);
		return rc == -EBADF ? 0 : rc;
	case FX__OP_CLOSE_RANGE:
		return m_close_range(c->t, (unsigned)op->a, (unsigned)op->b, c->ctx.err_fd);
	case FX__OP_RESET_HANDLERS:
	case FX__OP_SIG_DEFAULT:
	case FX__OP_PDEATHSIG:
	case FX__OP_SETSID:
	case FX__OP_SETPGID:
	case FX__OP_CHROOT:
	case FX__OP_SETGROUPS:
	case FX__OP_SETGID:
	case FX__OP_SETUID:
	case FX__OP_CHDIR:
	case FX__OP_NOCTTY:
	case FX__OP_SETCTTY:
	case FX__OP_FOREGROUND:
	case FX__OP_SIGMASK:
	case FX__OP_PTRACE:
	case FX__OP_EXEC:
	case FX__OP_SCHED:
	case FX__OP_SCHED_ATTR:
	case FX__OP_DROP_CAPS:
	case FX__OP_UNSHARE:
	case FX__OP_WAIT_PARENT:
	case FX__OP_RLIMIT:
	case FX__OP_RLIMIT_RAISE:
	case FX__OP_JOIN_CGROUP:
	case FX__OP_NICE:
	case FX__OP_AFFINITY:
	case FX__OP_BOUNDING:
	case FX__OP_KEEPCAPS:
	case FX__OP_AMBIENT:
	case FX__OP_INHERITABLE:
	case FX__OP_UMASK:
	case FX__OP_NO_NEW_PRIVS:
	case FX__OP_SECCOMP:
	case FX__OP_LANDLOCK:
	case FX__OP_JOIN:
	case FX__OP_MOUNT:
	case FX__OP_MKDIR:
	case FX__OP_MKFILE:
	case FX__OP_SYMLINK:
	case FX__OP_PIVOT:
	case FX__OP_UMOUNT:
	case FX__OP_REMOUNT_RO:
	case FX__OP_SETHOSTNAME:
	case FX__OP_PROPAGATION:
	case FX__OP_IOPRIO:
	case FX__OP_SECUREBITS:
	/* Opens /proc/self/timens_offsets and closes it again: the table
	 * ends as it was. */
	case FX__OP_TIME_OFFSETS:
		return 0;
	}
	violation("unknown op kind %u", op->kind);
}

static int is_fd_op(unsigned kind)
{
	return kind == FX__OP_CLOSE_FROM || kind == FX__OP_MOVE_ERR || kind == FX__OP_FD_TO_SLOT ||
	       kind == FX__OP_DUP_FD || kind == FX__OP_DUP_SLOT || kind == FX__OP_INHERIT_FD ||
	       kind == FX__OP_CLOSE_FD || kind == FX__OP_CLOSE_RANGE;
}

/*
 * The handshake and the namespaces come before any descriptor is
 * touched (the handshake's pipe must still be where the parent left
 * it); the exact rlimits after the last (a low RLIMIT_NOFILE would
 * forbid the shuffle's fds); setuid between the raise of hard limits
 * and the ambient capabilities; the seccomp filters last.
 */
static void check_containment_order(const struct fx__plan *plan)
{
	size_t first_fd = plan->child.nops, last_fd = 0, setuid_at = plan->child.nops;

	for (size_t i = 0; i < plan->child.nops; i++) {
		if (is_fd_op(plan->child.ops[i].kind)) {
			if (first_fd == plan->child.nops)
				first_fd = i;
			last_fd = i;
		}
		if (plan->child.ops[i].kind == FX__OP_SETUID)
			setuid_at = i;
	}
	for (size_t i = 0; i < plan->child.nops; i++) {
		unsigned k = plan->child.ops[i].kind;
		/* The view too: the parent's fds are still where it left
		 * them, and the pivots must precede chroot and chdir. */
		if ((k == FX__OP_UNSHARE || k == FX__OP_WAIT_PARENT || k == FX__OP_JOIN ||
		     k == FX__OP_MOUNT || k == FX__OP_PIVOT || k == FX__OP_MKFILE) &&
		    i > first_fd)
			violation("op %zu (namespaces) after the first fd op %zu", i, first_fd);
		if (k == FX__OP_RLIMIT && first_fd < plan->child.nops && i < last_fd)
			violation("op %zu (rlimit) before the last fd op %zu", i, last_fd);
		if ((k == FX__OP_RLIMIT_RAISE || k == FX__OP_KEEPCAPS || k == FX__OP_INHERITABLE) &&
		    i > setuid_at)
			violation("op %zu (privileged) after setuid at %zu", i, setuid_at);
		if (k == FX__OP_AMBIENT && setuid_at < plan->child.nops && i < setuid_at)
			violation("op %zu (ambient) before setuid at %zu", i, setuid_at);
		/* A filter may refuse what any later step calls: only more
		 * filters and execve follow one. */
		if (k == FX__OP_SECCOMP && i + 1 < plan->child.nops &&
		    plan->child.ops[i + 1].kind != FX__OP_SECCOMP && plan->child.ops[i + 1].kind != FX__OP_EXEC)
			violation("op %zu (seccomp) followed by op kind %u", i,
			          plan->child.ops[i + 1].kind);
		/* landlock: after no_new_privs, before the filters and execve. */
		if (k == FX__OP_LANDLOCK &&
		    (i == 0 || plan->child.ops[i - 1].kind != FX__OP_NO_NEW_PRIVS ||
		     (plan->child.ops[i + 1].kind != FX__OP_SECCOMP && plan->child.ops[i + 1].kind != FX__OP_EXEC)))
			violation("op %zu (landlock) out of place", i);
	}
	if (plan->child.nops == 0 || plan->child.ops[plan->child.nops - 1].kind != FX__OP_EXEC)
		violation("the plan does not end with execve");
}

static int mapped_from(const fx_attr *attr, int child_fd)
{
	for (size_t i = 0; i < attr->nmaps; i++)
		if (attr->maps[i].child_fd == child_fd)
			return (int)i;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct child c;
	static struct slot parent[MAXFD];
	struct input in = { data, size };
	struct fx__plan plan;
	fx_attr *attr;
	char *argv[] = { "prog", NULL };
	int err_r = -1, err_w = -1, rc;
	long bad_fd = -1;

	memset(parent_at_set, 0, sizeof parent_at_set);
	memset(&c, 0, sizeof c);

	/* The parent when the mappings are set. */
	uint64_t open_bits = take64(&in), cloexec_bits = take64(&in);
	for (int fd = 0; fd < NPARENT; fd++) {
		if (open_bits >> fd & 1) {
			parent_at_set[fd].obj = fd + 1;
			parent_at_set[fd].cloexec = (int)(cloexec_bits >> fd & 1);
		}
	}

	if (fx_attr_new(&attr) < 0)
		return 0;
	unsigned flags = take(&in);
	(void)fx_attr_set_flags(attr, flags & FX_FLAGS_ALL_);
	if (flags & 0x80)
		(void)fx_attr_set_tty_fd(attr, (int)(take(&in) % NPARENT));
	/* Containment (forkexec-linux.h): its operations must keep their
	 * places around the descriptor shuffle (checked after the build). */
	unsigned lx = take(&in);
	if (lx & 1)
		(void)fx_attr_set_namespaces(attr, CLONE_NEWNS | CLONE_NEWNET);
	if (lx & 2)
		(void)fx_attr_set_root_maps(attr);
	if (lx & 4)
		(void)fx_attr_set_rlimit(attr, RLIMIT_NOFILE, take(&in) % 64, 64);
	if (lx & 8)
		(void)fx_attr_set_umask(attr, 022);
	if (lx & 16)
		(void)fx_attr_set_nice(attr, (int)(take(&in) % 40) - 20);
	if (lx & 32)
		(void)fx_attr_set_uid(attr, 1000);
	if (lx & 64)
		(void)fx_attr_set_ambient_caps(attr, FX_CAP(10));
	if ((lx & 64) && (take(&in) & 1))       /* any mask, invalid bits too */
		(void)fx_attr_set_inheritable_caps(attr, (uint64_t)take(&in) << (take(&in) % 40));
	if (lx & 512) {
		/* A view (needs the mount namespace of lx & 1). */
		(void)fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, "/usr", "/usr");
		(void)fx_attr_add_mount(attr, FX_MOUNT_DEV, NULL, "/dev");
		(void)fx_attr_add_tmpfs(attr, "/tmp/a/b", 4096, 0700);
		(void)fx_attr_add_mount(attr, FX_MOUNT_SYMLINK, "usr/lib", "/lib");
	}
	if (lx & 128) {
		static const char *const names[] = { "uname", "getcwd" };

		(void)fx_attr_set_seccomp_names(attr, (lx & 256) ? FX_SECCOMP_ALLOW : FX_SECCOMP_DENY,
		                                names, 2, 0);
	}

	unsigned nmaps = take(&in) % (MAXMAPS + 1);
	for (unsigned i = 0; i < nmaps; i++) {
		unsigned a = take(&in), b = take(&in);
		/* Mostly small numbers, sometimes a target far above. */
		int child_fd = a < 240 ? (int)(a % NPARENT) : 100 + (int)(a - 240) * 20;
		int parent_fd = (int)(b % (NPARENT + 1)) - 1;
		rc = fx_attr_set_fd(attr, child_fd, parent_fd);
		if (rc < 0 && rc != -EBADF)
			violation("fx_attr_set_fd(%d, %d) = %d", child_fd, parent_fd, rc);
		if (rc == -EBADF && parent_fd >= 0 && parent_at_set[parent_fd].obj != OBJ_NONE)
			violation("fx_attr_set_fd refused open fd %d", parent_fd);
	}

	/* Some fds are closed again before the spawn. */
	memcpy(parent, parent_at_set, sizeof parent);
	unsigned closes_byte = take(&in), ncloses = closes_byte % 4;
	for (unsigned i = 0; i < ncloses; i++)
		m_close(parent, take(&in) % NPARENT);
	c.in_memory = !!(closes_byte & 0x80);

	/* pipe2(O_CLOEXEC): the two lowest free numbers. */
	for (int fd = 0; fd < MAXFD && err_w < 0 && !c.in_memory; fd++) {
		if (parent[fd].obj != OBJ_NONE)
			continue;
		parent[fd].cloexec = 1;
		if (err_r < 0) {
			err_r = fd;
			parent[fd].obj = OBJ_PIPE_R;
		} else {
			err_w = fd;
			parent[fd].obj = OBJ_PIPE_W;
		}
	}

	rc = fx__plan_build(&plan, attr, "/bin/prog", argv, err_w, err_r, &bad_fd);

	/* The one refusal: a source the pipe reused. */
	int reused = -1;
	for (size_t i = 0; i < attr->nmaps; i++) {
		int p = attr->maps[i].parent_fd;
		if (reused < 0 && p >= 0 && (p == err_w || p == err_r))
			reused = attr->maps[i].child_fd;
	}
	if (rc == -EBADF) {
		if (reused < 0)
			violation("plan refused with EBADF, but no source is a pipe end");
		if (mapped_from(attr, (int)bad_fd) < 0)
			violation("plan named fd %ld, which is no target", bad_fd);
		int p = attr->maps[mapped_from(attr, (int)bad_fd)].parent_fd;
		if (p != err_w && p != err_r)
			violation("plan named fd %ld, whose source %d is not a pipe end", bad_fd, p);
		goto out_plan;
	}
	if (rc < 0)
		violation("fx__plan_build = %d", rc);
	check_containment_order(&plan);
	if (reused >= 0)
		violation("plan accepted source of fd %d, reused by the pipe", reused);

	/* Shape of the plan. */
	if (plan.child.nops == 0 || plan.child.ops[plan.child.nops - 1].kind != FX__OP_EXEC)
		violation("the plan does not end with execve");
	if (plan.nslots > sizeof c.slots / sizeof c.slots[0])
		violation("%zu slots", plan.nslots);
	if (plan.fd_floor <= err_w)
		violation("fd_floor %d not above the error channel %d", plan.fd_floor, err_w);
	if (c.in_memory)
		for (size_t i = 0; i < plan.child.nops; i++)
			if (plan.child.ops[i].kind == FX__OP_MOVE_ERR)
				violation("op %zu moves an error pipe there is none of", i);
	for (size_t i = 0; i < attr->nmaps; i++)
		if (attr->maps[i].child_fd >= plan.fd_floor ||
		    attr->maps[i].parent_fd >= plan.fd_floor)
			violation("fd_floor %d not above map %d <- %d", plan.fd_floor,
			          attr->maps[i].child_fd, attr->maps[i].parent_fd);

	/* The child starts with the parent's table. */
	memcpy(c.t, parent, sizeof parent);
	c.ctx.plan = &plan.child;
	c.ctx.slots = c.slots;
	c.ctx.err_fd = err_w;
	c.ctx.files_shared = plan.closes_fds && (flags & 0x40);
	/* CLONE_PIDFD installs the pidfd (close-on-exec) in the parent's
	 * table on the lowest free number before the child runs; a private
	 * copy of the table is made without it. */
	c.pidfd = -1;
	if (c.ctx.files_shared) {
		for (int fd = 0; fd < MAXFD && c.pidfd < 0; fd++)
			if (c.t[fd].obj == OBJ_NONE)
				c.pidfd = fd;
		if (c.pidfd >= 0) {
			c.t[c.pidfd].obj = OBJ_PIDFD;
			c.t[c.pidfd].cloexec = 1;
		}
	}

	for (size_t i = 0; i < plan.child.nops; i++) {
		const struct fx__op *op = &plan.child.ops[i];

		check_err_channel(&c, "before", i);
		long r = run_op(&c, &plan, op);
		if (r >= 0)
			continue;
		/* Only a source closed before the spawn may fail, reported as
		 * the mapping of the child fd it was meant for. */
		check_err_channel(&c, "at the failure of", i);
		if (op->step != FX_STEP_FD_MAP)
			violation("op %zu (kind %u) failed with %ld, step %u", i, op->kind, r,
			          op->step);
		int m = mapped_from(attr, (int)op->index);
		if (m < 0)
			violation("failed op %zu names fd %ld, which is no target", i, op->index);
		int p = attr->maps[m].parent_fd;
		if (p < 0 || parent[p].obj != OBJ_NONE || r != -EBADF)
			violation("op %zu failed (%ld) for fd %ld <- %d, an open source", i, r,
			          op->index, p);
		goto out_plan;
	}
	check_err_channel(&c, "at execve, after", plan.child.nops);

	/* Every source open: nothing may have failed. */
	for (size_t i = 0; i < attr->nmaps; i++) {
		int p = attr->maps[i].parent_fd;
		if (p >= 0 && parent[p].obj == OBJ_NONE)
			violation("fd %d <- %d: closed source, yet no failure",
			          attr->maps[i].child_fd, p);
	}

	/* execve closes the close-on-exec fds. */
	for (int fd = 0; fd < MAXFD; fd++)
		if (c.t[fd].cloexec)
			c.t[fd].obj = OBJ_NONE;

	int keep = !plan.closes_fds;
	for (int fd = 0; fd < MAXFD; fd++) {
		int m = mapped_from(attr, fd), want;
		if (m >= 0) {
			int p = attr->maps[m].parent_fd;
			want = p < 0 ? OBJ_NONE : parent[p].obj;
		} else if (fd <= 2 || keep) {
			want = parent[fd].cloexec ? OBJ_NONE : parent[fd].obj;
		} else {
			want = OBJ_NONE;
		}
		if (c.t[fd].obj != want)
			violation("after execve fd %d holds %d, want %d (%s)", fd, c.t[fd].obj, want,
			          m >= 0 ? "mapped" : fd <= 2 ? "stdio" : keep ? "kept" : "closed");
	}
out_plan:
	fx__plan_free(&plan);
	fx_attr_free(attr);
	return 0;
}
