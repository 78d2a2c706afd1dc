/* SPDX-License-Identifier: MIT */
/*
 * The spawn protocol, decided in one place.
 *
 * Between the clone and the execve the parent and the child must agree
 * on three things: where a failed child's report goes (the channel),
 * how a child that needs its id maps waits for them (the handshake), and
 * what the clone itself is asked for.  Every such choice is made here,
 * from what the plan needs (src/child/plan.h: handshake, closes_fds,
 * cgroup_fd, ns_flags, need_pidfd...) and what this process has proven
 * of the kernel; the other files carry the answers out.
 *
 *  case                          clone flags / call             report   handshake      why
 *  ----------------------------  -----------------------------  -------  -------------  ---------------------------------------
 *  clone backend, memory proven  clone3 CLONE_VM|CLONE_VFORK     memory   -              no page table copied, no pipe: the
 *    shared (the common case)    (+CLEAR_SIGHAND, +PIDFD,                                child writes into ctx, magic last, and
 *                                +FILES, +INTO_CGROUP, +NEW*)                            we read it once the vfork returns
 *  same, FORKEXEC_REPORT=pipe    same                            pipe     -              the test suite runs every test on both
 *  clone backend, memory not     CLONE_VM|CLONE_VFORK, no        pipe     -              qemu-user, valgrind turn the clone into
 *    proven (an emulator)        CLONE_FILES, no CLONE_NEW*                              a fork: memory is not shared, a table
 *                                (the child unshares them)                               may not be shared while we run
 *  clone backend, id maps,       clone3 CLONE_VM|                memory   in memory      the parent must write the maps while
 *    memory shared, clone3       CLONE_CHILD_CLEARTID (no        or pipe  (backend)      the child waits, so no VFORK; we sleep
 *                                VFORK, no FILES), +NEW*                                 on the futex CLEARTID wakes instead
 *  clone backend, id maps,       clone/clone3 without CLONE_VM   pipe     by pipe        the in-memory wait needs CLONE_CHILD_
 *    no shared memory or no      (a fork), no CLONE_NEW*                  (spawn.c)      CLEARTID, whose address only clone3
 *    clone3                      (the child unshares, then                               takes here (fx__clone_run passes no
 *                                says so on the pipe)                                    child_tid), and shared memory
 *  fork backend (and Darwin)     fork()                          pipe     by pipe        portable; nothing shared (a cgroup:
 *                                                                                        the child joins it, or ENOSYS where
 *                                                                                        the plan forbids that, spawn_fork.c)
 *
 * Beside the table, per clone attempt (fx__protocol_clone):
 *  - clone3 unless refused once (ENOSYS, or EPERM from a seccomp filter):
 *    then clone(), which has no CLONE_INTO_CGROUP (the child joins the
 *    cgroup itself where the plan allows, else the spawn fails with
 *    ENOSYS) and no room for CLONE_NEWTIME (the child unshares it);
 *  - CLONE_PIDFD (5.2) when a pidfd is wanted, unless refused once; else
 *    pidfd_open after the clone, with a slot reserved before it when the
 *    caller cannot do without one (spawn_linux.c, spawn_fork.c);
 *  - CLONE_CLEAR_SIGHAND (5.5) with clone3, unless refused once; without
 *    it the child resets the handlers itself;
 *  - CLONE_FILES when the plan closes fds anyway (the child unshares the
 *    table with close_range, 5.9, which costs less than copying it), no
 *    handshake, memory proven shared, and never refused (valgrind
 *    refuses it with CLONE_VFORK; a child whose close_range cannot
 *    unshare asks for a retry, spawn.c);
 *  - namespaces by the clone where it can make them (memory shared, not
 *    a fork-style handshake), except those the plan says the child must
 *    make (a time namespace whose offsets it writes): the rest by the
 *    child's unshare (ctx->ns_unshare).
 *
 * Darwin (spawn_darwin.c) answers "pipe" and "no clone" to all of it.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "backend/backend.h"
#include "backend/protocol.h"
#include "sys/rawsys.h"

static atomic_uint kernel_lacks;

void fx__kernel_lacks(unsigned what)
{
	atomic_fetch_or_explicit(&kernel_lacks, what, memory_order_relaxed);
}

static unsigned lacks(void)
{
	return atomic_load_explicit(&kernel_lacks, memory_order_relaxed);
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
 *
 * The caller never asked for that child, so it must never see it: it is
 * cloned with exit signal 0, which sends no SIGCHLD when it ends and
 * makes it a "clone" child that waitpid(-1) without __WALL or __WCLONE
 * (what SIGCHLD handlers call) neither reaps nor reports; nor does
 * SIGCHLD set to SIG_IGN auto-reap it.  We reap it ourselves, with
 * __WALL (an emulator that turns the clone into a fork may give it
 * SIGCHLD after all), before the caller's signal mask is back, so that
 * no handler of the caller's can run while it exists.  Proving sharing
 * in the first real spawn instead would make that spawn's report
 * channel depend on its own outcome: a separate, invisible child is
 * simpler.
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
	/* No exit signal in the flags' low byte: see above. */
	pid = fx__clone_run(CLONE_VM | CLONE_VFORK, stack + sizeof stack, NULL,
	                    fx__vm_probe_entry, (void *)&flag);
	/* Read before the child is waited for: set already only if the
	 * child wrote our memory and we slept until it was done. */
	seen = flag;
	if (pid > 0)
		while (waitpid((pid_t)pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	fx__restore_signals(old);
	/* A clone refused for want of resources (RLIMIT_NPROC, memory)
	 * proves nothing: ask again next time.  One refused as invalid
	 * will be refused again: qemu-user, which turns a vfork-style
	 * clone into a fork, refuses one whose exit signal is not SIGCHLD
	 * (EINVAL), and shares no memory with it either. */
	if (pid <= 0 && pid != -EINVAL)
		return 0;
	state = pid > 0 && seen ? 1 : -1;
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

int fx__vm_probe_done(void)
{
	return atomic_load_explicit(&vm_shared_state, memory_order_acquire) != 0;
}

int fx__clone_reports_in_memory(void)
{
	return vm_is_shared() && !pipe_forced();
}

int fx__clone_handshakes_in_memory(void)
{
	return vm_is_shared() && !(lacks() & FX__NO_CLONE3);
}

int fx__protocol_reports_in_memory(int backend)
{
	return backend != FX_BACKEND_FORK && fx__clone_reports_in_memory();
}

enum fx__handshake fx__protocol_handshake(int backend, const struct fx__plan *plan)
{
	if (!plan->handshake)
		return FX__HANDSHAKE_NONE;
	if (backend != FX_BACKEND_FORK && fx__clone_handshakes_in_memory())
		return FX__HANDSHAKE_IN_MEMORY;
	return FX__HANDSHAKE_BY_PIPE;
}

int fx__protocol_shares_files(const struct fx__plan *plan)
{
	return plan->closes_fds && !plan->handshake && !(lacks() & FX__NO_SHARED_FILES) &&
	       vm_is_shared();
}

void fx__protocol_clone(const struct fx__plan *plan, enum fx__handshake hs, int files_shared,
                        int want_pidfd, struct fx__clone_choice *out)
{
	unsigned no = lacks();
	int forked = hs == FX__HANDSHAKE_BY_PIPE;
	/* An emulator turns our clone into a fork and refuses the namespace
	 * flags: there the child unshares them itself. */
	unsigned long long ns = vm_is_shared() && !forked ? plan->ns_flags & ~plan->ns_by_child : 0;
	unsigned long long flags;

	memset(out, 0, sizeof *out);
	flags = forked ? 0 : CLONE_VM | (hs == FX__HANDSHAKE_IN_MEMORY ? CLONE_CHILD_CLEARTID
	                                                               : CLONE_VFORK);
	if (!(no & FX__NO_CLONE_PIDFD) && want_pidfd)
		flags |= CLONE_PIDFD;
	if (files_shared)
		flags |= CLONE_FILES;
	if (!(no & FX__NO_CLONE3)) {
		out->clone3 = 1;
		if (!(no & FX__NO_CLEAR_SIGHAND))
			flags |= CLONE_CLEAR_SIGHAND;
		if (plan->cgroup_fd >= 0)
			flags |= CLONE_INTO_CGROUP;
	} else if (plan->cgroup_fd >= 0 && !plan->cgroup_join) {
		/* Only clone3 can start a child in a cgroup. */
		out->refused = -ENOSYS;
	} else {
		/* clone() has no room for CLONE_NEWTIME (its bit is
		 * CSIGNAL's): the child unshares it. */
		ns &= ~(unsigned long long)CLONE_NEWTIME;
	}
	out->ns = ns;
	out->flags = flags | ns;
	out->ns_unshare = plan->ns_flags & ~ns;
}
