/* SPDX-License-Identifier: MIT */
/*
 * The Linux backend: the child is created with clone3 (or clone) and
 * CLONE_VM|CLONE_VFORK, so no page table is copied whatever the parent's
 * size, on a stack of our own so it never runs on the caller's frames.
 * The calling thread sleeps until the child has exec'd or exited; other
 * threads run on.
 *
 * Optional kernel features are tried and, once refused, remembered:
 * clone3 (5.3; seccomp filters may answer ENOSYS or EPERM), its
 * CLONE_CLEAR_SIGHAND (5.5), CLONE_PIDFD (5.2), and a shared descriptor
 * table that the child unshares with close_range (5.9).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.h"
#include "sys/rawsys.h"

#include <sched.h>

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
#define FX__FUTEX_WAIT 0 /* shared, as the kernel's CLONE_CHILD_CLEARTID wake is */

/*
 * The child needs little: a few frames and a 1 KiB buffer for the
 * /proc/self/fd fallback.  64 KiB leaves a wide margin; a guard page
 * below turns an overflow into a crash of the child, not corruption.
 */
#define FX__STACK_SIZE ((size_t)64 * 1024)

#ifdef FX_SYS_GENERIC
/* The generic fallback has no trampolines (src/sys/generic): every clone
 * is refused, as ENOSYS.  fx_attr_set_backend refuses the clone backend
 * there, so no spawn comes this way. */
long fx__clone3_run(struct fx__clone_args *args, size_t size, int (*fn)(void *), void *arg)
{
	return -ENOSYS;
}

long fx__clone_run(unsigned long flags, void *stack_top, int *parent_tid,
                   int (*fn)(void *), void *arg)
{
	return -ENOSYS;
}
#endif

static atomic_uint kernel_lacks;

void fx__kernel_lacks(unsigned what)
{
	atomic_fetch_or_explicit(&kernel_lacks, what, memory_order_relaxed);
}

static unsigned lacks(void)
{
	return atomic_load_explicit(&kernel_lacks, memory_order_relaxed);
}

uint64_t fx__block_all_signals(void)
{
	uint64_t all = ~0ULL, old = 0;

	fx__sys_rt_sigprocmask(SIG_SETMASK, &all, &old);
	return old;
}

void fx__restore_signals(uint64_t mask)
{
	fx__sys_rt_sigprocmask(SIG_SETMASK, &mask, 0);
}

/*
 * One stack per thread, mapped on first use and kept: a spawning thread
 * sleeps while its child runs, so two children never share one, and no
 * mmap/munmap (which take the address space's lock) on the common path.
 */
static pthread_key_t stack_key;
static int stack_key_ok;
static pthread_once_t stack_once = PTHREAD_ONCE_INIT;
static __thread char *thread_stack;

static size_t guard_size(void)
{
	static atomic_size_t cached;
	size_t size = atomic_load_explicit(&cached, memory_order_relaxed);

	if (!size) {
		long page = sysconf(_SC_PAGESIZE);
		size = page > 0 ? (size_t)page : 4096;
		atomic_store_explicit(&cached, size, memory_order_relaxed);
	}
	return size;
}

static void unmap_stack(void *base)
{
	munmap(base, guard_size() + FX__STACK_SIZE);
}

static void make_stack_key(void)
{
	stack_key_ok = pthread_key_create(&stack_key, unmap_stack) == 0;
}

/*
 * Returns the lowest usable byte of a child stack, or NULL.  *kept says
 * whether it is this thread's cached stack; when the application has
 * taken every pthread key, there is nowhere to hang the cache's
 * destructor, and the stack is mapped for this spawn alone.
 */
static char *child_stack(int *kept)
{
	size_t guard = guard_size();
	char *base;

	*kept = 1;
	if (thread_stack)
		return thread_stack + guard;
	pthread_once(&stack_once, make_stack_key);
	base = mmap(NULL, guard + FX__STACK_SIZE, PROT_READ | PROT_WRITE,
	            MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, guard, PROT_NONE) < 0) {
		munmap(base, guard + FX__STACK_SIZE);
		return NULL;
	}
	if (stack_key_ok && pthread_setspecific(stack_key, base) == 0)
		thread_stack = base;
	else
		*kept = 0;
	return base + guard;
}

/*
 * Does CLONE_VM really share memory here, and does CLONE_VFORK really
 * suspend us?  Emulators (qemu-user) and valgrind quietly turn a
 * vfork-style clone into a fork.  Two things depend on the answer: the
 * child's report may travel through memory only if memory is shared, and
 * the descriptor table may be shared only while the parent truly sleeps.
 * So it is asked once, by a child that only writes a flag, on a small
 * stack in this frame (we sleep while it runs, as musl's posix_spawn
 * does with its child).
 */
static atomic_int vm_shared_state; /* 0 unknown, 1 shared, -1 not */

static int vm_is_shared(void)
{
	int state = atomic_load_explicit(&vm_shared_state, memory_order_acquire);
	char stack[4096] __attribute__((aligned(16)));
	volatile int flag = 0;
	int seen;
	long pid;

	if (state)
		return state > 0;
	uint64_t old = fx__block_all_signals();
	pid = fx__clone_run(CLONE_VM | CLONE_VFORK | SIGCHLD, stack + sizeof stack, NULL,
	                    fx__vm_probe_entry, (void *)&flag);
	/* Read before the child is waited for: set already only if the
	 * child wrote our memory and we slept until it was done. */
	seen = flag;
	fx__restore_signals(old);
	if (pid > 0)
		while (waitpid((pid_t)pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	/* A clone refused for want of resources (RLIMIT_NPROC, memory)
	 * proves nothing: ask again next time. */
	if (pid <= 0)
		return 0;
	state = seen ? 1 : -1;
	atomic_store_explicit(&vm_shared_state, state, memory_order_release);
	return state > 0;
}

/*
 * FORKEXEC_REPORT=pipe keeps the error pipe where memory would do, so
 * that the test suite can run every test on both channels.  Read once;
 * ignored in set-user-ID programs.  A test knob, not an interface.
 */
static int pipe_forced(void)
{
	static atomic_int forced; /* 0 unknown, 1 forced, -1 not */
	int state = atomic_load_explicit(&forced, memory_order_relaxed);

	if (!state) {
		const char *v = secure_getenv("FORKEXEC_REPORT");
		state = v && strcmp(v, "pipe") == 0 ? 1 : -1;
		atomic_store_explicit(&forced, state, memory_order_relaxed);
	}
	return state > 0;
}

int fx__clone_reports_in_memory(void)
{
	return vm_is_shared() && !pipe_forced();
}

int fx__clone_handshakes_in_memory(void)
{
	return vm_is_shared() && !(lacks() & FX__NO_CLONE3);
}

/*
 * A child cloned with CLONE_VM but without CLONE_VFORK runs beside us on
 * our memory until it has exec'd or exited; the kernel then clears
 * ctx->vm_busy and wakes this futex (CLONE_CHILD_CLEARTID), as it ends a
 * vfork.  Every signal is blocked, so only that wakes us.
 */
static void wait_until_vm_released(struct fx__child_ctx *ctx)
{
	int busy;

	while ((busy = __atomic_load_n(&ctx->vm_busy, __ATOMIC_ACQUIRE)) != 0)
		fx__syscall4(SYS_futex, (long)&ctx->vm_busy, FX__FUTEX_WAIT, busy, 0);
}

/*
 * The handshake of a child that shares our memory: write its maps, let
 * it go, wait until it no longer needs our memory.  If the maps failed,
 * the child left without a report (or made its own, which then wins):
 * make one for it, on the channel the caller reads.
 */
static void handshake_in_memory(struct fx__child_ctx *ctx, pid_t pid)
{
	int step = FX_STEP_NAMESPACES;
	int rc = fx__release_child(ctx, pid, &step);

	wait_until_vm_released(ctx);
	ctx->sync_fd = ctx->sync_wfd = -1;
	if (rc == 0)
		return;
	struct fx__report rep = { FX__REPORT_MAGIC, (uint32_t)step, -rc, 0, -1 };
	if (ctx->err_fd >= 0) {
		if (write(ctx->err_fd, &rep, sizeof rep) != (ssize_t)sizeof rep)
			return; /* the caller reads a torn report: FX_STEP_PROTOCOL */
	} else if (__atomic_load_n(&ctx->report.magic, __ATOMIC_ACQUIRE) != FX__REPORT_MAGIC) {
		ctx->report = rep;
	}
}

/* The step to blame when the clone itself fails. */
static int clone_step(const struct fx__plan *plan, unsigned long long flags, long rc)
{
	if ((flags & CLONE_INTO_CGROUP) && plan->cgroup_step)
		return plan->cgroup_step;
	if (plan->ns_flags && (rc == -EPERM || rc == -EINVAL || rc == -ENOSPC || rc == -EUSERS))
		return FX_STEP_NAMESPACES;
	return FX_STEP_CLONE;
}

/*
 * Three ways, by what the plan needs and what this process has proven:
 *   - the common one: CLONE_VM|CLONE_VFORK, with the namespaces (if any)
 *     made by the clone; we sleep until the child has exec'd or exited;
 *   - a child that must wait for its id maps, with memory proven shared
 *     and clone3: CLONE_VM without CLONE_VFORK, so that we can write the
 *     maps while it waits, then we sleep until it has exec'd or exited
 *     (CLONE_CHILD_CLEARTID).  Still no page table copied;
 *   - the same where memory is not proven shared (an emulator) or there
 *     is no clone3: a plain fork-style clone, the child unshares its
 *     namespaces and tells us on the error pipe, and the caller writes
 *     the maps (spawn.c).
 */
int fx__backend_clone(struct fx__child_ctx *ctx, pid_t *pid, int *pidfd, int *step)
{
	const struct fx__plan *plan = ctx->plan;
	int stack_kept, want_pidfd = !plan->no_pidfd, fd = -1;
	int shared = vm_is_shared();
	int beside = plan->handshake && shared && !(lacks() & FX__NO_CLONE3);
	int forked = plan->handshake && !beside;
	char *stack = child_stack(&stack_kept);
	unsigned long long flags = 0;
	long rc;

	*pidfd = -1;
	if (!stack) {
		*step = FX_STEP_STACK;
		return -ENOMEM;
	}
	ctx->files_shared = ctx->plan->closes_fds && !plan->handshake &&
	                    !(lacks() & FX__NO_SHARED_FILES) && shared;
	ctx->parent_pid = ctx->plan->checks_parent ? (int)fx__sys_getpid() : 0;
	ctx->maps_by_pipe = forked;
	for (;;) {
		unsigned no = lacks();
		/* An emulator turns our clone into a fork and refuses the
		 * namespace flags: there the child unshares them itself. */
		unsigned long long ns = shared && !forked ? plan->ns_flags : 0;

		flags = forked ? 0 : CLONE_VM | (beside ? CLONE_CHILD_CLEARTID : CLONE_VFORK);
		if (!(no & FX__NO_CLONE_PIDFD) && want_pidfd)
			flags |= CLONE_PIDFD;
		if (ctx->files_shared)
			flags |= CLONE_FILES;
		fd = -1;
		ctx->pidfd = (flags & CLONE_PIDFD) ? &fd : NULL;
		ctx->vm_busy = 1;
		if (!(no & FX__NO_CLONE3)) {
			struct fx__clone_args args;
			size_t size = FX__CLONE_ARGS_SIZE_V0;
			memset(&args, 0, sizeof args);
			if (!(no & FX__NO_CLEAR_SIGHAND))
				flags |= CLONE_CLEAR_SIGHAND;
			if (plan->cgroup_fd >= 0) {
				flags |= CLONE_INTO_CGROUP;
				args.cgroup = (unsigned)plan->cgroup_fd;
				size = FX__CLONE_ARGS_SIZE_V2;
			}
			flags |= ns;
			ctx->ns_unshare = plan->ns_flags & ~ns;
			ctx->handlers_cleared = !!(flags & CLONE_CLEAR_SIGHAND);
			args.flags = flags;
			args.pidfd = (unsigned long)&fd;
			args.child_tid = (unsigned long)&ctx->vm_busy;
			args.exit_signal = SIGCHLD;
			args.stack = (unsigned long)stack;
			args.stack_size = FX__STACK_SIZE;
			ctx->in_cgroup = !!(flags & CLONE_INTO_CGROUP);
			rc = fx__clone3_run(&args, size, fx__child_entry, ctx);
			/* Only clone3 can start a child in a cgroup, and EPERM may
			 * be the cgroup's answer: no fallback (the error is the
			 * caller's) but to a child that joins it by itself, where
			 * the plan allows it, and only when clone3 is missing.  A
			 * child that was to share our memory while we write its
			 * maps needs clone3: the caller starts over. */
			if (rc == -ENOSYS || (rc == -EPERM && !ns && plan->cgroup_fd < 0)) {
				if (plan->cgroup_fd >= 0 && !plan->cgroup_join)
					break;
				fx__kernel_lacks(FX__NO_CLONE3);
				if (beside) {
					rc = -EAGAIN;
					*step = FX__STEP_RETRY;
					break;
				}
				continue;
			}
			if (rc == -EINVAL && (flags & CLONE_CLEAR_SIGHAND)) {
				fx__kernel_lacks(FX__NO_CLEAR_SIGHAND);
				continue;
			}
		} else if (plan->cgroup_fd >= 0 && !plan->cgroup_join) {
			rc = -ENOSYS;
		} else {
			ctx->in_cgroup = 0;
			/* clone() has no room for CLONE_NEWTIME (its bit is
			 * CSIGNAL's): the child unshares it. */
			ns &= ~(unsigned long long)CLONE_NEWTIME;
			flags |= ns;
			ctx->ns_unshare = plan->ns_flags & ~ns;
			ctx->handlers_cleared = 0;
			rc = fx__clone_run((unsigned long)flags | SIGCHLD, stack + FX__STACK_SIZE,
			                   &fd, fx__child_entry, ctx);
			if (rc == -EINVAL && (flags & CLONE_PIDFD)) {
				fx__kernel_lacks(FX__NO_CLONE_PIDFD);
				continue;
			}
		}
		/* The pidfd takes a slot of its own: with a table one short of
		 * full, the child is worth more than its pidfd. */
		if (rc == -EMFILE && (flags & CLONE_PIDFD)) {
			want_pidfd = 0;
			continue;
		}
		/* valgrind, for one, refuses CLONE_FILES with CLONE_VFORK. */
		if (rc == -EINVAL && ctx->files_shared) {
			fx__kernel_lacks(FX__NO_SHARED_FILES);
			ctx->files_shared = 0;
			continue;
		}
		break;
	}
	if (rc > 0 && beside)
		handshake_in_memory(ctx, (pid_t)rc);
	if (!stack_kept)
		unmap_stack(stack - guard_size());
	if (rc < 0) {
		if (*step != FX__STEP_RETRY)
			*step = clone_step(plan, flags, rc);
		return (int)rc;
	}
	if (fd < 0 && want_pidfd) {
		long r = fx__sys_pidfd_open((int)rc, 0);
		fd = r >= 0 ? (int)r : -1;
	}
	*pid = (pid_t)rc;
	*pidfd = fd;
	return 0;
}
