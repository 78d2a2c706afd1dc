/* SPDX-License-Identifier: MIT */
/*
 * Waiting on many children: an epoll instance watching their pidfds.
 *
 * A pidfd polls readable once its process has exited, so the set learns
 * which child ended without SIGCHLD (no handler, nothing to race with
 * the caller's own) and reaps exactly that child with waitid(P_PIDFD):
 * never a wait for any child, which would steal other code's children.
 *
 * Darwin has no pidfd: a kqueue watches each child's pid instead
 * (EVFILT_PROC, NOTE_EXIT; the pid is ours until we reap it).  A child
 * that has exited before it is added cannot be registered (ESRCH), so
 * each wait first asks every member with waitpid(WNOHANG): O(n) calls a
 * wait, and no exit can be missed.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <fcntl.h>
#include <sys/event.h>
#else
#include <sys/epoll.h>
#endif

#include "io/io.h"
#include "core/proc.h"
#include "sys/rawsys.h"

/* Handles without a pidfd (kernels before 5.3) are checked this often. */
#define NO_PIDFD_POLL_NS 10000000

struct fx_waitset {
	int epfd;
	fx_proc **members;
	size_t n, cap;
};

int fx_waitset_new(fx_waitset **out)
{
	fx_waitset *ws;

	if (!out)
		return -EINVAL;
	ws = calloc(1, sizeof *ws);
	if (!ws)
		return -ENOMEM;
#if defined(__APPLE__)
	ws->epfd = kqueue();
	if (ws->epfd >= 0)
		(void)fcntl(ws->epfd, F_SETFD, FD_CLOEXEC);
#else
	ws->epfd = epoll_create1(EPOLL_CLOEXEC);
#endif
	if (ws->epfd < 0) {
		int rc = -errno;
		free(ws);
		return rc;
	}
	*out = ws;
	return 0;
}

void fx_waitset_free(fx_waitset *ws)
{
	if (!ws)
		return;
	fx__sys_close(ws->epfd);
	free(ws->members);
	free(ws);
}

static long find(const fx_waitset *ws, const fx_proc *proc)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->members[i] == proc)
			return (long)i;
	return -1;
}

#if defined(__APPLE__)
/* Every member is checked before each kevent (see the top). */
static int watched(const fx_proc *proc)
{
	return 0;
}

static int watch(fx_waitset *ws, fx_proc *proc)
{
	struct kevent ev;

	if (proc->reaped || proc->lost)
		return 0;
	EV_SET(&ev, (uintptr_t)proc->pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, proc);
	if (kevent(ws->epfd, &ev, 1, NULL, 0, NULL) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}
#else
/* Watched by epoll: it has a pidfd, and fx_proc_wait still needs it. */
static int watched(const fx_proc *proc)
{
	return proc->pidfd >= 0 && !proc->reaped && !proc->lost;
}

static int watch(fx_waitset *ws, fx_proc *proc)
{
	if (watched(proc)) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = proc };
		if (epoll_ctl(ws->epfd, EPOLL_CTL_ADD, proc->pidfd, &ev) < 0)
			return -errno;
	}
	return 0;
}
#endif

int fx_waitset_add(fx_waitset *ws, fx_proc *proc)
{
	if (!ws || !proc)
		return -EINVAL;
	if (find(ws, proc) >= 0)
		return -EEXIST;
	if (ws->n == ws->cap) {
		size_t cap = ws->cap ? ws->cap * 2 : 16;
		fx_proc **m = realloc(ws->members, cap * sizeof(fx_proc *));
		if (!m)
			return -ENOMEM;
		ws->members = m;
		ws->cap = cap;
	}
	int rc = watch(ws, proc);
	if (rc < 0)
		return rc;
	ws->members[ws->n++] = proc;
	return 0;
}

static void drop(fx_waitset *ws, size_t i)
{
	fx_proc *proc = ws->members[i];

#if defined(__APPLE__)
	/* A one-shot entry not yet fired (or none: ENOENT). */
	struct kevent ev;
	EV_SET(&ev, (uintptr_t)proc->pid, EVFILT_PROC, EV_DELETE, 0, 0, NULL);
	(void)kevent(ws->epfd, &ev, 1, NULL, 0, NULL);
#else
	/* Its pidfd is still open (the handle owns it): the kernel's entry
	 * goes only with an explicit delete.  Not registered: ENOENT. */
	if (proc->pidfd >= 0)
		(void)epoll_ctl(ws->epfd, EPOLL_CTL_DEL, proc->pidfd, NULL);
#endif
	ws->members[i] = ws->members[--ws->n];
}

int fx_waitset_remove(fx_waitset *ws, fx_proc *proc)
{
	long i;

	if (!ws || !proc)
		return -EINVAL;
	i = find(ws, proc);
	if (i < 0)
		return -ENOENT;
	drop(ws, (size_t)i);
	return 0;
}

size_t fx_waitset_count(const fx_waitset *ws)
{
	return ws ? ws->n : 0;
}

int fx_waitset_fd(const fx_waitset *ws)
{
	return ws ? ws->epfd : -1;
}

/* 1 if member i has ended (reaped now or before, or lost), with rc and
 * status; 0 if it still runs. */
static int check(fx_waitset *ws, size_t i, int *rc, int *status)
{
	int r = fx_proc_wait(ws->members[i], status, 0);

	if (r == -ETIMEDOUT)
		return 0;
	*rc = r;
	return 1;
}

static int take(fx_waitset *ws, size_t i, int rc, int st, fx_proc **done, int *status)
{
	if (done)
		*done = ws->members[i];
	/* -ECHILD: the status is unknown, and none is made up. */
	if (status && rc == 0)
		*status = st;
	drop(ws, i);
	return rc;
}

int fx_waitset_wait(fx_waitset *ws, fx_proc **done, int *status, int timeout_ms)
{
	int64_t deadline;
	int rc, st = 0;

	if (!ws)
		return -EINVAL;
	if (!ws->n)
		return -ENOENT;
	deadline = fx__deadline_of(timeout_ms);
	for (;;) {
#if defined(__APPLE__)
		struct kevent ev;
#else
		struct epoll_event ev;
#endif
		int64_t now, wake = deadline;
		int n, unwatched = 0;

		/* Those epoll cannot tell about: already reaped, or no pidfd. */
		for (size_t i = 0; i < ws->n; i++) {
			if (watched(ws->members[i]))
				continue;
			if (check(ws, i, &rc, &st))
				return take(ws, i, rc, st, done, status);
			unwatched = 1;
		}
		now = fx__now_ns();
		if (unwatched && now + NO_PIDFD_POLL_NS < wake)
			wake = now + NO_PIDFD_POLL_NS;
#if defined(__APPLE__)
		/* Every member was just checked: only an exit can wake us. */
		{
			int ms = fx__poll_timeout(deadline, now);
			struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
			n = kevent(ws->epfd, NULL, 0, &ev, 1, ms < 0 ? NULL : &ts);
		}
#define EVENT_PROC(ev) ((ev).udata)
#else
		n = epoll_wait(ws->epfd, &ev, 1, fx__poll_timeout(wake, now));
#define EVENT_PROC(ev) ((ev).data.ptr)
#endif
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 1) {
			long i = find(ws, EVENT_PROC(ev));
			if (i >= 0 && check(ws, (size_t)i, &rc, &st))
				return take(ws, (size_t)i, rc, st, done, status);
#if !defined(__APPLE__)
			/* Taken by another waiter, its status not yet published
			 * (proc.c's recover): its pidfd stays readable, so wait
			 * for the EPOLLHUP that comes with the status instead
			 * of waking again at once. */
			if (i >= 0 && ws->members[i]->taken) {
				struct epoll_event hup = { .events = 0, .data.ptr = ws->members[i] };
				(void)epoll_ctl(ws->epfd, EPOLL_CTL_MOD, ws->members[i]->pidfd, &hup);
			}
#endif
			continue;
		}
		if (n == 0 && deadline != INT64_MAX && fx__now_ns() >= deadline)
			return -ETIMEDOUT;
	}
}
