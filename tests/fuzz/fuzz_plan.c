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
 * The containment attributes (forkexec-linux.h) come from the input too,
 * the newer ones (mount propagation, mount_proc, ioprio, securebits,
 * time-namespace offsets, SCHED_DEADLINE, a view, a hostname) with valid
 * and invalid values, from bytes after the rest (so that an older seed
 * means what it meant).  A setter must accept exactly the values its
 * header documents and an invalid one must change nothing; the plan must
 * hold each operation exactly when asked, with the value asked, in its
 * place (the privileged ones before setuid, the mount namespace's after
 * the unshare and before the view and the shuffle, the time offsets
 * before the view takes /proc away); a view without a mount namespace
 * or a hostname without a uts namespace must be refused (FX_STEP_MOUNT,
 * EINVAL, described as needing one), nothing else.
 * Any violation aborts, which libFuzzer reports with the input.
 *
 * fx_attr_set_fd checks that the parent fd is open with fcntl(F_GETFD);
 * src/core/attr.c is compiled for this target with -Dfcntl=fx__fuzz_fcntl so
 * that the check asks the model (see mk/gates.mk).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
/* Needs the privilege that a switch to an ordinary uid drops. */
static int is_privileged_op(unsigned kind)
{
	return kind == FX__OP_RLIMIT_RAISE || kind == FX__OP_KEEPCAPS || kind == FX__OP_UNSHARE ||
	       kind == FX__OP_PROPAGATION || kind == FX__OP_MOUNT || kind == FX__OP_PIVOT ||
	       kind == FX__OP_SETHOSTNAME || kind == FX__OP_TIME_OFFSETS || kind == FX__OP_NICE ||
	       kind == FX__OP_IOPRIO || kind == FX__OP_SCHED || kind == FX__OP_SCHED_ATTR ||
	       kind == FX__OP_BOUNDING || kind == FX__OP_SECUREBITS || kind == FX__OP_INHERITABLE;
}

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
		     k == FX__OP_MOUNT || k == FX__OP_PIVOT || k == FX__OP_MKFILE ||
		     k == FX__OP_PROPAGATION || k == FX__OP_TIME_OFFSETS ||
		     k == FX__OP_SETHOSTNAME) &&
		    i > first_fd)
			violation("op %zu (namespaces) after the first fd op %zu", i, first_fd);
		if (k == FX__OP_RLIMIT && first_fd < plan->child.nops && i < last_fd)
			violation("op %zu (rlimit) before the last fd op %zu", i, last_fd);
		if (is_privileged_op(k) && i > setuid_at)
			violation("op %zu (privileged, kind %u) after setuid at %zu", i, k, setuid_at);
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

/* ---- the newer attributes: what was asked, and the plan they make ---- */

struct expect {
	int propagation;        /* the last accepted; FX_PROPAGATION_PRIVATE by default */
	int mount_proc;         /* "/proc" set (and not cleared since) */
	int has_ioprio, ioprio;
	int has_securebits, securebits;
	int has_time[2];        /* CLOCK_MONOTONIC, CLOCK_BOOTTIME */
	int64_t time_sec[2];
	long time_nsec[2];
	int sched;              /* 0 none, 1 SCHED_DEADLINE, 2 fx_attr_set_sched's */
	uint64_t dl[3];         /* runtime, deadline, period (0 made the deadline) */
	int policy;
	int view, hostname;     /* a view given, a hostname given */
	int has_inheritable;    /* fx_attr_set_inheritable_caps accepted */
	uint64_t inheritable;
};

/* The setter's answer must be what its header documents. */
static void expect_rc(const char *what, int rc, int want)
{
	if (rc != want)
		violation("%s = %d, want %d", what, rc, want);
}

/* Values at and around the limits of fx_attr_set_sched_deadline. */
static uint64_t dl_value(unsigned b)
{
	static const uint64_t v[] = {
		0, 1023, 1024, 1025, 1000000, 2000000, 100000000,
		(uint64_t)1 << 62, ((uint64_t)1 << 63) - 1, (uint64_t)1 << 63, UINT64_MAX,
	};

	return v[b % (sizeof v / sizeof v[0])];
}

/* Every value is tried, valid or not; the model keeps what was accepted. */
static void set_newer(struct input *in, fx_attr *attr, struct expect *ex)
{
	static char long_path[PATH_MAX + 1];
	unsigned e1 = take(in), e2 = take(in);
	int rc;

	memset(ex, 0, sizeof *ex);
	/* Namespaces first: fx_attr_set_namespaces replaces the set, and
	 * mount_proc and the time offsets add to it. */
	if (e2 & 8) {
		unsigned long ns = attr->lx ? attr->lx->ns_flags : 0;

		expect_rc("fx_attr_set_namespaces(+uts)",
		          fx_attr_set_namespaces(attr, ns | CLONE_NEWUTS), 0);
	}
	if (e1 & 1) {
		int p = (int)(take(in) % 6) - 1;
		int ok = p >= FX_PROPAGATION_PRIVATE && p <= FX_PROPAGATION_UNCHANGED;

		expect_rc("fx_attr_set_mount_propagation", fx_attr_set_mount_propagation(attr, p),
		          ok ? 0 : -EINVAL);
		if (ok)
			ex->propagation = p;
	}
	if (e1 & 2) {
		unsigned c = take(in) % 4;

		if (!long_path[0]) {
			memset(long_path, 'a', PATH_MAX);
			long_path[0] = '/';
		}
		rc = fx_attr_set_mount_proc(attr, c == 0 ? "/proc" : c == 1 ? "" :
		                                  c == 2 ? NULL : long_path);
		expect_rc("fx_attr_set_mount_proc", rc,
		          c == 1 ? -EINVAL : c == 3 ? -ENAMETOOLONG : 0);
		if (c == 0 || c == 2)
			ex->mount_proc = c == 0;
	}
	if (e1 & 4) {
		int cls = (int)(take(in) % 6) - 1, level = (int)(take(in) % 10) - 1;
		int ok = cls >= FX_IOPRIO_CLASS_NONE && cls <= FX_IOPRIO_CLASS_IDLE && level >= 0 &&
		         level <= (cls == FX_IOPRIO_CLASS_NONE ? 0 : 7);

		expect_rc("fx_attr_set_ioprio", fx_attr_set_ioprio(attr, cls, level),
		          ok ? 0 : -EINVAL);
		if (ok) {
			ex->has_ioprio = 1;
			ex->ioprio = cls << 13 | level;
		}
	}
	if (e1 & 8) {
		unsigned lo = take(in), hi = take(in);
		int bits = hi < 200 ? (int)lo : hi < 230 ? (int)(lo | (hi - 199) << 8) : -(int)lo - 1;
		int ok = bits >= 0 && bits <= 0xff;

		expect_rc("fx_attr_set_securebits", fx_attr_set_securebits(attr, bits),
		          ok ? 0 : -EINVAL);
		if (ok) {
			ex->has_securebits = 1;
			ex->securebits = bits;
		}
	}
	/* e1 & 16: one offset, e1 & 32: a second one. */
	for (int n = 0; n < 2; n++) {
		static const int clocks[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME, -1 };
		static const long nsecs[] = { 0, 1, 999999999L, 1000000000L, -1 };
		if (!(e1 & (16u << n)))
			continue;
		int clock = clocks[take(in) % 4];
		long nsec = nsecs[take(in) % 5];
		int64_t sec = (int64_t)take64(in);
		int i = clock == CLOCK_MONOTONIC ? 0 : clock == CLOCK_BOOTTIME ? 1 : -1;
		int ok = i >= 0 && nsec >= 0 && nsec <= 999999999L;

		expect_rc("fx_attr_set_time_offset", fx_attr_set_time_offset(attr, clock, sec, nsec),
		          ok ? 0 : -EINVAL);
		if (ok) {
			ex->has_time[i] = 1;
			ex->time_sec[i] = sec;
			ex->time_nsec[i] = nsec;
		}
	}
	/* e1 & 64: SCHED_DEADLINE; e1 & 128: fx_attr_set_sched, before it
	 * (e2 & 16) or after: each replaces the other. */
	for (int n = 0; n < 2; n++) {
		int deadline_now = (n == 0) == !(e2 & 16);

		if (deadline_now && (e1 & 64)) {
			uint64_t r = dl_value(take(in)), d = dl_value(take(in)), p = dl_value(take(in));
			uint64_t pe = p ? p : d;
			int ok = r >= 1024 && r <= d && d <= pe && pe < (uint64_t)1 << 63;

			expect_rc("fx_attr_set_sched_deadline", fx_attr_set_sched_deadline(attr, r, d, p),
			          ok ? 0 : -EINVAL);
			if (ok) {
				ex->sched = 1;
				ex->dl[0] = r;
				ex->dl[1] = d;
				ex->dl[2] = pe;
			}
		} else if (!deadline_now && (e1 & 128)) {
			static const int policies[] = { SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, 6 };
			int policy = policies[take(in) % 4];

			expect_rc("fx_attr_set_sched", fx_attr_set_sched(attr, policy, 0),
			          policy == 6 ? -EINVAL : 0);
			if (policy != 6) {
				ex->sched = 2;
				ex->policy = policy;
			}
		}
	}
	if (e2 & 1) {
		/* A view: it needs a mount namespace (lx & 1, mount_proc). */
		expect_rc("fx_attr_add_mount",
		          fx_attr_add_mount(attr, FX_MOUNT_RO_BIND, "/usr", "/usr"), 0);
		expect_rc("fx_attr_add_mount", fx_attr_add_mount(attr, FX_MOUNT_DEV, NULL, "/dev"), 0);
		expect_rc("fx_attr_add_tmpfs", fx_attr_add_tmpfs(attr, "/tmp/a/b", 4096, 0700), 0);
		expect_rc("fx_attr_add_mount",
		          fx_attr_add_mount(attr, FX_MOUNT_SYMLINK, "usr/lib", "/lib"), 0);
		expect_rc("fx_attr_add_mount", fx_attr_add_mount(attr, FX_MOUNT_DIR, NULL, "x"),
		          -EINVAL);
		ex->view = 1;
	}
	if (e2 & 4) {
		static const char *const names[] = {
			"box", "", "a-name-of-sixty-five-bytes-which-is-one-more-than-the-kernel-allows",
		};
		unsigned c = take(in) % 3;

		expect_rc("fx_attr_set_hostname", fx_attr_set_hostname(attr, names[c]),
		          c == 0 ? 0 : -EINVAL);
		ex->hostname |= c == 0;
	}
	if (e2 & 64) {
		/* Any mask, bits past the last capability (40) too. */
		uint64_t caps = take64(in) >> (take(in) % 64);
		int ok = !(caps >> 41);

		expect_rc("fx_attr_set_inheritable_caps", fx_attr_set_inheritable_caps(attr, caps),
		          ok ? 0 : -EINVAL);
		if (ok) {
			ex->has_inheritable = 1;
			ex->inheritable = caps;
		}
	}
	if (e2 & 2) {
		static const char *const names[] = { "uname", "getcwd" };

		expect_rc("fx_attr_set_seccomp_names",
		          fx_attr_set_seccomp_names(attr, (e2 & 32) ? FX_SECCOMP_ALLOW : FX_SECCOMP_DENY,
		                                    names, 2, 0),
		          0);
	}
}

static size_t first_of(const struct fx__plan *plan, unsigned kind)
{
	for (size_t i = 0; i < plan->child.nops; i++)
		if (plan->child.ops[i].kind == kind)
			return i;
	return plan->child.nops;
}

static size_t count_of(const struct fx__plan *plan, unsigned kind)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->child.nops; i++)
		n += plan->child.ops[i].kind == kind;
	return n;
}

/* An operation of fx_attr_set_mount_proc's mount (index -2). */
static int is_proc_mount(const struct fx__op *op)
{
	return op->kind == FX__OP_MOUNT && op->index == -2;
}

/* The first operation of the view (the hostname aside). */
static size_t view_first(const struct fx__plan *plan)
{
	for (size_t i = 0; i < plan->child.nops; i++) {
		unsigned k = plan->child.ops[i].kind;

		if ((k == FX__OP_MOUNT && !is_proc_mount(&plan->child.ops[i])) ||
		    k == FX__OP_MKDIR || k == FX__OP_MKFILE || k == FX__OP_SYMLINK ||
		    k == FX__OP_PIVOT || k == FX__OP_UMOUNT || k == FX__OP_REMOUNT_RO)
			return i;
	}
	return plan->child.nops;
}

/* Operation `at` (if there) comes after the namespaces exist and their
 * maps are written, and before the view and the shuffle. */
static void check_ns_place(const struct fx__plan *plan, size_t at, const char *what)
{
	size_t n = plan->child.nops;
	size_t unshare = first_of(plan, FX__OP_UNSHARE), wait = first_of(plan, FX__OP_WAIT_PARENT);

	if (at == n)
		return;
	if (unshare == n || at < unshare || (wait < n && at < wait))
		violation("op %zu (%s) before the namespaces (unshare %zu, wait %zu)", at, what,
		          unshare, wait);
	if (at > view_first(plan))
		violation("op %zu (%s) after the view's first op %zu", at, what, view_first(plan));
}

static void check_newer(const struct fx__plan *plan, const fx_attr *attr,
                        const struct expect *ex)
{
	unsigned long ns = attr->lx ? attr->lx->ns_flags : 0;
	size_t n = plan->child.nops, at, proc_at = n;

	/* Propagation: once, after the unshare, before any mount. */
	at = first_of(plan, FX__OP_PROPAGATION);
	if (count_of(plan, FX__OP_PROPAGATION) !=
	    ((ns & CLONE_NEWNS) && ex->propagation != FX_PROPAGATION_UNCHANGED ? 1u : 0u))
		violation("%zu propagation ops, propagation %d, ns %#lx",
		          count_of(plan, FX__OP_PROPAGATION), ex->propagation, ns);
	if (at < n) {
		static const int type[] = { MS_PRIVATE, MS_SLAVE, MS_SHARED };

		if (plan->child.ops[at].a != (int)(MS_REC | type[ex->propagation]))
			violation("propagation %#x for %d", plan->child.ops[at].a, ex->propagation);
		check_ns_place(plan, at, "propagation");
	}
	/* mount_proc: once, after the propagation (the host must not see
	 * it), before the view. */
	size_t nproc = 0;
	for (size_t i = 0; i < n; i++)
		if (is_proc_mount(&plan->child.ops[i])) {
			const struct fx__mount_args *m = plan->child.ops[i].ptr;

			nproc++;
			proc_at = i;
			if (!m || strcmp(m->dest, "/proc") != 0 || strcmp(m->type, "proc") != 0)
				violation("op %zu: the proc mount is not proc on /proc", i);
		}
	if (nproc != (size_t)ex->mount_proc)
		violation("%zu proc mounts, mount_proc %d", nproc, ex->mount_proc);
	if (proc_at < n) {
		if (!(ns & CLONE_NEWNS))
			violation("mount_proc without a new mount namespace");
		check_ns_place(plan, proc_at, "mount_proc");
		at = first_of(plan, FX__OP_PROPAGATION);
		if (at < n && at > proc_at)
			violation("proc mount %zu before the propagation %zu", proc_at, at);
	}
	/* The time offsets: the lines asked for, in the new namespaces,
	 * before the view (which takes the host's /proc away). */
	char want[96] = "";
	int len = 0;
	for (int i = 0; i < 2; i++)
		if (ex->has_time[i])
			len += snprintf(want + len, sizeof want - (size_t)len, "%d %lld %ld\n",
			                i ? CLOCK_BOOTTIME : CLOCK_MONOTONIC,
			                (long long)ex->time_sec[i], ex->time_nsec[i]);
	at = first_of(plan, FX__OP_TIME_OFFSETS);
	if (count_of(plan, FX__OP_TIME_OFFSETS) != (len ? 1u : 0u))
		violation("%zu time offset ops for \"%s\"", count_of(plan, FX__OP_TIME_OFFSETS), want);
	if (at < n) {
		const struct fx__op *op = &plan->child.ops[at];

		if (!(ns & CLONE_NEWTIME))
			violation("time offsets without CLONE_NEWTIME");
		if (strcmp(op->ptr, want) != 0 || op->b != len)
			violation("time offsets \"%s\" (%d), want \"%s\"", (const char *)op->ptr, op->b,
			          want);
		check_ns_place(plan, at, "time offsets");
	}
	/* ioprio, securebits: once, the value asked for (their place:
	 * is_privileged_op). */
	at = first_of(plan, FX__OP_IOPRIO);
	if (count_of(plan, FX__OP_IOPRIO) != (size_t)ex->has_ioprio ||
	    (at < n && plan->child.ops[at].a != ex->ioprio))
		violation("ioprio op %zu of %zu, want %d", at, n, ex->has_ioprio ? ex->ioprio : -1);
	/* A switch to a non-root uid keeping ambient capabilities needs
	 * keep_caps: from the securebits write when there is one (a locked
	 * keep_caps refuses PR_SET_KEEPCAPS), else from PR_SET_KEEPCAPS. */
	int keepcaps = attr->has_uid && attr->uid != 0 && attr->lx && attr->lx->has_ambient;
	int want_bits = ex->securebits | (keepcaps ? 0x10 : 0);

	at = first_of(plan, FX__OP_SECUREBITS);
	if (count_of(plan, FX__OP_SECUREBITS) != (size_t)ex->has_securebits ||
	    (at < n && plan->child.ops[at].a != want_bits))
		violation("securebits op %zu of %zu, want %#x", at, n,
		          ex->has_securebits ? want_bits : -1);
	if (count_of(plan, FX__OP_KEEPCAPS) != (size_t)(keepcaps && !ex->has_securebits))
		violation("%zu keepcaps ops, keepcaps %d, securebits %d",
		          count_of(plan, FX__OP_KEEPCAPS), keepcaps, ex->has_securebits);
	/* The scheduler: the last of fx_attr_set_sched and _deadline. */
	at = first_of(plan, FX__OP_SCHED_ATTR);
	if (count_of(plan, FX__OP_SCHED_ATTR) != (ex->sched == 1 ? 1u : 0u) ||
	    count_of(plan, FX__OP_SCHED) != (ex->sched == 2 ? 1u : 0u))
		violation("%zu sched_attr and %zu sched ops, want kind %d",
		          count_of(plan, FX__OP_SCHED_ATTR), count_of(plan, FX__OP_SCHED), ex->sched);
	if (at < n) {
		const struct fx__sched_attr *sa = plan->child.ops[at].ptr;

		if (sa->size != sizeof *sa || sa->policy != 6 || sa->runtime != ex->dl[0] ||
		    sa->deadline != ex->dl[1] || sa->period != ex->dl[2])
			violation("sched_attr %u/%u %llu %llu %llu, want %llu %llu %llu", sa->size,
			          sa->policy, (unsigned long long)sa->runtime,
			          (unsigned long long)sa->deadline, (unsigned long long)sa->period,
			          (unsigned long long)ex->dl[0], (unsigned long long)ex->dl[1],
			          (unsigned long long)ex->dl[2]);
	}
	at = first_of(plan, FX__OP_SCHED);
	if (at < n && plan->child.ops[at].a != ex->policy)
		violation("sched policy %d, want %d", plan->child.ops[at].a, ex->policy);
	/* The hostname: once, in the new uts namespace. */
	at = first_of(plan, FX__OP_SETHOSTNAME);
	if (count_of(plan, FX__OP_SETHOSTNAME) != (size_t)ex->hostname)
		violation("%zu sethostname ops, hostname %d", count_of(plan, FX__OP_SETHOSTNAME),
		          ex->hostname);
	check_ns_place(plan, at, "sethostname");
	if (ex->view && view_first(plan) == n)
		violation("a view, but no view op");
	/* The inheritable set: once, exactly (its place: is_privileged_op);
	 * the emptying after setuid and the ambient step keep it. */
	at = first_of(plan, FX__OP_INHERITABLE);
	if (count_of(plan, FX__OP_INHERITABLE) != (size_t)ex->has_inheritable ||
	    (at < n && *(const uint64_t *)plan->child.ops[at].ptr != ex->inheritable))
		violation("inheritable op %zu of %zu, want %d %#llx", at, n, ex->has_inheritable,
		          (unsigned long long)ex->inheritable);
	for (size_t i = 0; i < n; i++) {
		const struct fx__op *op = &plan->child.ops[i];

		if ((op->kind == FX__OP_DROP_CAPS && op->a != ex->has_inheritable) ||
		    (op->kind == FX__OP_AMBIENT && op->c != ex->has_inheritable))
			violation("op %zu (kind %u) forgets the inheritable set (%d)", i, op->kind,
			          ex->has_inheritable);
	}
}

/* A view without a mount namespace, a hostname without a uts namespace:
 * refused before any child exists, and described as such. */
static int check_refusal(const struct fx__plan *plan, const fx_attr *attr,
                         const struct expect *ex, int rc)
{
	unsigned long ns = attr->lx ? attr->lx->ns_flags : 0;
	int hostname = ex->hostname && !(ns & CLONE_NEWUTS);
	int view = ex->view && !(ns & CLONE_NEWNS);
	fx_error err = { 0 };

	if (!hostname && !view) {
		if (rc < 0 && rc != -EBADF)
			violation("fx__plan_build = %d (step %d)", rc, plan->fail_step);
		return 0;
	}
	if (rc != -EINVAL || plan->fail_step != FX_STEP_MOUNT)
		violation("fx__plan_build = %d (step %d), want EINVAL at the view's step", rc,
		          plan->fail_step);
	err.step = FX_STEP_MOUNT;
	err.code = EINVAL;
	err.index = -1;
	fx__describe_mount(&err, attr);
	if (!strstr(err.subject, hostname ? "needs a new uts namespace" :
	                                    "needs a new mount namespace"))
		violation("refusal described as \"%s\"", err.subject);
	return 1;
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
	struct expect ex;
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
	if (lx & 128) {
		static const char *const names[] = { "uname", "getcwd" };

		(void)fx_attr_set_seccomp_names(attr, FX_SECCOMP_DENY, names, 2, 0);
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
	/* The newer attributes, from what bytes are left. */
	set_newer(&in, attr, &ex);

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
	if (check_refusal(&plan, attr, &ex, rc))
		goto out_plan;
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
	check_newer(&plan, attr, &ex);
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
