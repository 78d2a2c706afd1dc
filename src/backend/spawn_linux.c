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
#include "backend/protocol.h"
#include "sys/rawsys.h"

#include <sched.h>

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

static atomic_int pidfd_proven; /* pidfd_open has worked here (Linux 5.3) */

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
static void handshake_in_memory(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t pid)
{
	int step = FX_STEP_NAMESPACES;
	int rc = fx__release_child(plan, ctx, pid, &step);

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
 * Creates the child the way protocol.c chooses (its table: the common
 * vfork-style clone, a child that waits for its maps in our memory, or a
 * fork-style clone whose child unshares and reports on the pipe), and
 * learns from each refusal: the next attempt asks protocol.c again.
 */
int fx__backend_clone(const struct fx__plan *plan, struct fx__child_ctx *ctx, pid_t *pid,
                      int *pidfd, int *step)
{
	int stack_kept, want_pidfd = !plan->no_pidfd, fd = -1, reserve = -1;
	enum fx__handshake hs = fx__protocol_handshake(FX_BACKEND_CLONE, plan);
	int beside = hs == FX__HANDSHAKE_IN_MEMORY;
	char *stack = child_stack(&stack_kept);
	struct fx__clone_choice how;
	unsigned long long flags = 0;
	long rc;

	*pidfd = -1;
	if (!stack) {
		*step = FX_STEP_STACK;
		return -ENOMEM;
	}
	ctx->files_shared = fx__protocol_shares_files(plan);
	/* The child checks its parent after PR_SET_PDEATHSIG by getppid(),
	 * unless it waits for its maps: the handshake proves it then (in a
	 * new pid namespace getppid() says 0). */
	ctx->parent_pid = plan->checks_parent && !plan->handshake ? (int)fx__sys_getpid() : 0;
	ctx->maps_by_pipe = hs == FX__HANDSHAKE_BY_PIPE;
	for (;;) {
		fx__protocol_clone(plan, hs, ctx->files_shared, want_pidfd, &how);
		flags = how.flags;
		/*
		 * A pidfd the caller cannot do without: a kernel before 5.2
		 * ignores CLONE_PIDFD in clone(), and pidfd_open (5.3) would
		 * then fail after the child exists.  So this process proves
		 * once, before any such clone, that pidfd_open works (a pidfd
		 * of our own, which also holds a slot).
		 */
		if (plan->need_pidfd && reserve < 0 &&
		    !atomic_load_explicit(&pidfd_proven, memory_order_relaxed)) {
			rc = reserve = fx__pidfd_reserve();
			if (rc < 0)
				break;
			atomic_store_explicit(&pidfd_proven, 1, memory_order_relaxed);
		}
		if (flags & CLONE_PIDFD) {
			/* The clone takes its slot itself, or fails (EMFILE). */
			if (reserve >= 0) {
				close(reserve);
				reserve = -1;
			}
		} else if (plan->need_pidfd && reserve < 0) {
			/* pidfd_open will follow the clone: its slot first. */
			rc = reserve = fx__pidfd_reserve();
			if (rc < 0)
				break;
		}
		fd = -1;
		ctx->pidfd = (flags & CLONE_PIDFD) ? &fd : NULL;
		ctx->vm_busy = 1;
		ctx->ns_unshare = how.ns_unshare;
		ctx->handlers_cleared = !!(flags & CLONE_CLEAR_SIGHAND);
		ctx->in_cgroup = !!(flags & CLONE_INTO_CGROUP);
		if (how.refused) {
			rc = how.refused;
		} else if (how.clone3) {
			struct fx__clone_args args;
			size_t size = FX__CLONE_ARGS_SIZE_V0;
			memset(&args, 0, sizeof args);
			if (flags & CLONE_INTO_CGROUP) {
				args.cgroup = (unsigned)plan->cgroup_fd;
				size = FX__CLONE_ARGS_SIZE_V2;
			}
			args.flags = flags;
			args.pidfd = (unsigned long)&fd;
			args.child_tid = (unsigned long)&ctx->vm_busy;
			args.exit_signal = SIGCHLD;
			args.stack = (unsigned long)stack;
			args.stack_size = FX__STACK_SIZE;
			rc = fx__clone3_run(&args, size, fx__child_entry, ctx);
			/* Only clone3 can start a child in a cgroup, and EPERM may
			 * be the cgroup's answer: no fallback (the error is the
			 * caller's) but to a child that joins it by itself, where
			 * the plan allows it, and only when clone3 is missing.  A
			 * child that was to share our memory while we write its
			 * maps needs clone3: the caller starts over. */
			if (rc == -ENOSYS ||
			    (rc == -EPERM && !how.ns && plan->cgroup_fd < 0)) {
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
		} else {
			rc = fx__clone_run((unsigned long)flags | SIGCHLD, stack + FX__STACK_SIZE,
			                   &fd, fx__child_entry, ctx);
			if (rc == -EINVAL && (flags & CLONE_PIDFD)) {
				fx__kernel_lacks(FX__NO_CLONE_PIDFD);
				continue;
			}
		}
		/* The pidfd takes a slot of its own: with a table one short of
		 * full, the child is worth more than its pidfd, unless the
		 * caller cannot do without it (pidfd_spawn: EMFILE, as glibc,
		 * and the kernel made no child). */
		if (rc == -EMFILE && (flags & CLONE_PIDFD) && !plan->need_pidfd) {
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
		handshake_in_memory(plan, ctx, (pid_t)rc);
	if (!stack_kept)
		unmap_stack(stack - guard_size());
	if (rc < 0) {
		if (reserve >= 0)
			close(reserve);
		if (*step != FX__STEP_RETRY)
			*step = clone_step(plan, flags, rc);
		return (int)rc;
	}
	if (fd < 0 && want_pidfd) {
		int r = fx__pidfd_of((pid_t)rc, reserve);
		fd = r >= 0 ? r : -1;
	} else if (reserve >= 0) {
		close(reserve);
	}
	*pid = (pid_t)rc;
	*pidfd = fd;
	return 0;
}
