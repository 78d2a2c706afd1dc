/* SPDX-License-Identifier: MIT */
/*
 * forkexec._forkexec: run, spawn and wait_any over libforkexec.
 *
 * run() has its own loop over the pipes and the pidfd rather than
 * calling fx_run, whose poll goes round on EINTR: a Python caller must
 * get Ctrl-C back while the child runs.  So the loop polls with the GIL
 * released, and when a signal interrupts it, takes the GIL to run the
 * handlers; if one raises (KeyboardInterrupt), the child (its group with
 * kill_group) is killed and reaped, every pipe closed, and the exception
 * propagates.  The main thread also wakes every 100 ms to look, for a
 * signal the kernel gave another thread: Python runs handlers in the
 * main thread only.  The capture reads straight into buffers that grow
 * by doubling (realloc: mremap for large ones, no copy), and the pipes
 * are widened (F_SETPIPE_SZ) only once a read finds one full, so a
 * small run pays no extra system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fxpy.h"

#define TICK_NS    (100 * 1000000LL)
#define READ_CHUNK (64 * 1024)
#define WIDE_PIPE  (1024 * 1024)
#define MAP_MIN    (1024 * 1024)
#define HUGE_PAGE  ((size_t)2 << 20)

PyObject *fxpy_failure;

int64_t fxpy_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int fxpy_main_thread(void)
{
	return syscall(SYS_gettid) == getpid();
}

static int poll_ms(int64_t deadline, int64_t now, int main_thread)
{
	int64_t wake = deadline;

	if (main_thread && now + TICK_NS < wake)
		wake = now + TICK_NS;
	if (wake == INT64_MAX)
		return -1;
	if (wake <= now)
		return 0;
	return (int)((wake - now + 999999) / 1000000);
}

/* Runs Python's signal handlers: -1 if one raised.  Called without the
 * GIL; takes it for the check. */
static int check_signals(void)
{
	PyGILState_STATE g = PyGILState_Ensure();
	int rc = PyErr_CheckSignals();

	PyGILState_Release(g);
	return rc;
}

int fxpy_poll(struct pollfd *pfd, int n, int64_t deadline)
{
	int main_thread = fxpy_main_thread();
	int got, err = 0;

	Py_BEGIN_ALLOW_THREADS
	for (;;) {
		int64_t now = fxpy_now_ns();
		got = poll(pfd, (nfds_t)n, poll_ms(deadline, now, main_thread));
		if (got < 0 && errno != EINTR) {
			err = errno;
			got = -2;
			break;
		}
		if (got > 0)
			break;
		if ((got < 0 || main_thread) && check_signals() < 0) {
			got = -1;
			break;
		}
		if (got == 0 && fxpy_now_ns() >= deadline)
			break;
	}
	Py_END_ALLOW_THREADS
	if (got == -2)
		errno = err;
	return got < 0 ? got : (got > 0 ? got : 0);
}

PyObject *fxpy_raise_errno(int rc)
{
	errno = -rc;
	return PyErr_SetFromErrno(PyExc_OSError);
}

PyObject *fxpy_raise_spawn(int rc, const fx_error *err)
{
	char msg[512];
	PyObject *v;

	fx_strerror(err, msg, sizeof msg);
	v = Py_BuildValue("(isisss)", -rc, fx_step_name(err->step), err->index, err->subject,
	                  msg, strerror(-rc));
	if (v) {
		PyErr_SetObject(fxpy_failure, v);
		Py_DECREF(v);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* run                                                                  */
/* ------------------------------------------------------------------ */

struct buf {
	char *data;
	size_t len, cap;
	int fd;
	int wide;               /* F_SETPIPE_SZ was asked */
	int mapped;             /* data is a mapping of its own */
};

struct loop {
	fx_proc *p;
	struct buf out[2];
	int in_fd;
	const char *input;
	size_t in_len, in_off;
	int64_t deadline;       /* the timeout's; INT64_MAX for none */
	int64_t delay_ns;       /* the wait delay; < 0: wait for end of file */
	int64_t exited_at;
	int pgid;               /* > 0: signals go to this group */
	int timed_out, wait_delay_expired;
	int in_error;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void kill_child(struct loop *l, int sig)
{
	if (l->pgid > 0)
		kill(-l->pgid, sig);
	fx_proc_kill(l->p, sig);
}

/*
 * Room for the next read.  Small captures stay on malloc's heap (no
 * system call for a run that prints a line); from MAP_MIN on the buffer
 * is a mapping of its own, offered transparent huge pages and grown
 * with mremap, so a large capture is neither copied while it grows nor
 * faulted in 4 KiB at a time.
 */
static int grow(struct buf *b)
{
	size_t cap = b->cap ? b->cap * 2 : READ_CHUNK;
	char *d;

	if (b->mapped) {
		d = mremap(b->data, b->cap, cap, MREMAP_MAYMOVE);
		if (d == MAP_FAILED)
			return -ENOMEM;
	} else if (cap < MAP_MIN) {
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
	} else {
		d = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (d == MAP_FAILED)
			return -ENOMEM;
		(void)madvise(d, cap, MADV_HUGEPAGE);
		memcpy(d, b->data, b->len);
		free(b->data);
		b->mapped = 1;
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

static void buf_free(struct buf *b)
{
	if (b->mapped)
		munmap(b->data, b->cap);
	else
		free(b->data);
	b->data = NULL;
	b->cap = b->len = 0;
	b->mapped = 0;
}

static int drain(struct buf *b)
{
	for (;;) {
		if (b->cap - b->len < READ_CHUNK / 4 && grow(b) < 0)
			return -ENOMEM;
		size_t want = b->cap - b->len;
		ssize_t n = read(b->fd, b->data + b->len, want);
		if (n > 0) {
			b->len += (size_t)n;
			/* A read of a whole default pipe: ask for a wider one. */
			if (!b->wide && (size_t)n >= READ_CHUNK) {
				b->wide = 1;
				(void)fcntl(b->fd, F_SETPIPE_SZ, WIDE_PIPE);
			}
			if ((size_t)n < want)
				return 0;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		close_fd(&b->fd);
		return 0;
	}
}

static void feed(struct loop *l)
{
	while (l->in_off < l->in_len) {
		ssize_t n = write(l->in_fd, l->input + l->in_off, l->in_len - l->in_off);
		if (n > 0) {
			l->in_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		/* EPIPE (Python ignores SIGPIPE): the child did not want it all,
		 * as subprocess.communicate takes it. */
		l->in_error = n < 0 ? errno : EIO;
		break;
	}
	close_fd(&l->in_fd);
}

/* The loop, without the GIL but for signal checks: 0, -1 when a signal
 * handler raised (the exception is set), or a negative errno. */
static int run_loop(struct loop *l)
{
	int main_thread = fxpy_main_thread();
	int reaped = 0, status;
	int64_t checked = fxpy_now_ns();

	for (;;) {
		struct pollfd pfd[4];
		int n = 0, at_in = -1, at_out[2] = { -1, -1 }, at_proc = -1;
		int64_t now = fxpy_now_ns(), wake = INT64_MAX;
		int open = l->in_fd >= 0 || l->out[0].fd >= 0 || l->out[1].fd >= 0;

		if (reaped && !open)
			return 0;
		if (!reaped) {
			if (!l->timed_out && now >= l->deadline) {
				/* subprocess.run's timeout: SIGKILL, then what the
				 * pipes still hold. */
				l->timed_out = 1;
				kill_child(l, SIGKILL);
			}
			if (!l->timed_out)
				wake = l->deadline;
		} else if (l->delay_ns >= 0) {
			int64_t end = l->exited_at + l->delay_ns;
			if (now >= end) {
				for (int i = 0; i < 2; i++)
					if (l->out[i].fd >= 0 && drain(&l->out[i]) < 0)
						return -ENOMEM;
				if (l->in_fd >= 0 || l->out[0].fd >= 0 || l->out[1].fd >= 0)
					l->wait_delay_expired = 1;
				close_fd(&l->in_fd);
				close_fd(&l->out[0].fd);
				close_fd(&l->out[1].fd);
				return 0;
			}
			wake = end;
		} else if (l->timed_out) {
			/* Timed out, and a grandchild holds the pipes: subprocess
			 * would wait on; the deadline has passed, so stop here. */
			close_fd(&l->in_fd);
			close_fd(&l->out[0].fd);
			close_fd(&l->out[1].fd);
			return 0;
		}
		if (l->in_fd >= 0) {
			at_in = n;
			pfd[n++] = (struct pollfd){ l->in_fd, POLLOUT, 0 };
		}
		for (int i = 0; i < 2; i++) {
			if (l->out[i].fd >= 0) {
				at_out[i] = n;
				pfd[n++] = (struct pollfd){ l->out[i].fd, POLLIN, 0 };
			}
		}
		if (!reaped) {
			int pidfd = fx_proc_pidfd(l->p);
			if (pidfd >= 0) {
				at_proc = n;
				pfd[n++] = (struct pollfd){ pidfd, POLLIN, 0 };
			} else if (now + 10000000 < wake) {
				wake = now + 10000000;
			}
		}
		int got = poll(pfd, (nfds_t)n, poll_ms(wake, now, main_thread));
		if (got < 0 && errno != EINTR)
			return -errno;
		/* On EINTR, and in the main thread at least every TICK_NS even
		 * while output streams in: a signal handled during a read
		 * leaves no EINTR for the next poll. */
		if (got < 0 || (main_thread && fxpy_now_ns() - checked >= TICK_NS)) {
			if (check_signals() < 0)
				return -1;
			checked = fxpy_now_ns();
		}
		if (got <= 0 && at_proc >= 0)
			continue;
		if (at_in >= 0 && pfd[at_in].revents)
			feed(l);
		for (int i = 0; i < 2; i++)
			if (at_out[i] >= 0 && pfd[at_out[i]].revents && drain(&l->out[i]) < 0)
				return -ENOMEM;
		if (!reaped && (at_proc < 0 || pfd[at_proc].revents)) {
			int rc = fx_proc_wait(l->p, &status, 0);
			if (rc == 0 || rc == -ECHILD) {
				reaped = 1;
				l->exited_at = fxpy_now_ns();
			}
		}
	}
}

static void loop_abandon(struct loop *l)
{
	int status;

	close_fd(&l->in_fd);
	close_fd(&l->out[0].fd);
	close_fd(&l->out[1].fd);
	kill_child(l, SIGKILL);
	fx_proc_wait(l->p, &status, -1);
}

/* The captured bytes as a bytes object (one copy: the stable ABI has no
 * way to shrink a bytes object read into directly).  A large one is
 * offered huge pages before the copy touches it. */
static PyObject *take_bytes(struct buf *b, int captured)
{
	PyObject *o;
	char *d;

	if (!captured)
		Py_RETURN_NONE;
	o = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)b->len);
	if (!o)
		return NULL;
	d = PyBytes_AsString(o);
	if (b->len >= 2 * HUGE_PAGE) {
		uintptr_t lo = ((uintptr_t)d + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
		uintptr_t hi = ((uintptr_t)d + b->len) & ~(uintptr_t)(HUGE_PAGE - 1);
		if (hi > lo)
			(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	}
	if (b->len)
		memcpy(d, b->data, b->len);
	buf_free(b);
	return o;
}

static int64_t seconds_ns(PyObject *v)
{
	double t;

	if (v == Py_None)
		return -1;
	t = PyFloat_AsDouble(v);
	if (t == -1.0 && PyErr_Occurred())
		return -2;
	return t <= 0 ? 0 : (int64_t)(t * 1e9);
}

/*
 * _run(args, stdin, stdout, stderr, input, timeout, kill_group,
 *      wait_delay, attrs) -> (status, stdout, stderr, timed_out,
 *      wait_delay_expired, pid)
 */
static PyObject *py_run(PyObject *mod, PyObject *args)
{
	PyObject *argv, *stdio[3], *input, *timeout, *delay, *kw, *ret = NULL;
	PyObject *inbytes = NULL;
	int kill_group, rc, status = 0;
	struct fxpy_spec spec;
	struct loop l;
	fx_error err;
	int64_t t_ns, d_ns;

	if (!PyArg_ParseTuple(args, "OOOOOOpOO", &argv, &stdio[0], &stdio[1], &stdio[2], &input,
	                      &timeout, &kill_group, &delay, &kw))
		return NULL;
	if ((t_ns = seconds_ns(timeout)) == -2 || (d_ns = seconds_ns(delay)) == -2)
		return NULL;
	if (kw == Py_None)
		kw = NULL;
	memset(&l, 0, sizeof l);
	l.in_fd = l.out[0].fd = l.out[1].fd = -1;
	if (input != Py_None) {
		/* The buffer protocol joined the stable ABI in 3.11 only;
		 * bytes come back as they are, without a copy. */
		inbytes = PyBytes_FromObject(input);
		if (!inbytes)
			return NULL;
		stdio[0] = PyLong_FromLong(FXPY_PIPE);
	} else {
		Py_INCREF(stdio[0]);
	}
	rc = fxpy_spec_build(&spec, argv, stdio, kw, 1, kill_group);
	Py_DECREF(stdio[0]);
	if (rc < 0)
		goto out;

	Py_BEGIN_ALLOW_THREADS
	rc = fx_spawn(&l.p, PyBytes_AsString(spec.file), spec.argv, spec.attr, &err);
	Py_END_ALLOW_THREADS
	if (rc < 0) {
		fxpy_raise_spawn(rc, &err);
		goto out;
	}
	l.deadline = t_ns >= 0 ? fxpy_now_ns() + t_ns : INT64_MAX;
	l.delay_ns = d_ns;
	/* The group kill_group signals: the child's own (made for it, or
	 * by setsid or process_group=0), or the one it joined. */
	if (kill_group)
		l.pgid = spec.has_pgid && spec.pgid > 0 ? (int)spec.pgid : (int)fx_proc_pid(l.p);
	l.in_fd = fx_proc_take_stdio_fd(l.p, FX_STDIN);
	l.out[0].fd = fx_proc_take_stdio_fd(l.p, FX_STDOUT);
	l.out[1].fd = fx_proc_take_stdio_fd(l.p, FX_STDERR);
	l.input = inbytes ? PyBytes_AsString(inbytes) : NULL;
	l.in_len = inbytes ? (size_t)PyBytes_Size(inbytes) : 0;
	if (l.in_fd >= 0 && !l.in_len)
		close_fd(&l.in_fd);
	/* A Ctrl-C that came during the spawn (its signals blocked around
	 * the clone) was handled before the loop could see an EINTR. */
	if (PyErr_CheckSignals() < 0) {
		Py_BEGIN_ALLOW_THREADS
		loop_abandon(&l);
		Py_END_ALLOW_THREADS
		goto out;
	}

	Py_BEGIN_ALLOW_THREADS
	rc = run_loop(&l);
	if (rc < 0)
		loop_abandon(&l);
	else
		fx_proc_wait(l.p, &status, -1);
	Py_END_ALLOW_THREADS
	if (rc < -1)
		fxpy_raise_errno(rc);
	if (rc < 0)
		goto out;
	{
		PyObject *o = take_bytes(&l.out[0], spec.piped[1]);
		PyObject *e = o ? take_bytes(&l.out[1], spec.piped[2]) : NULL;
		if (o && e)
			ret = Py_BuildValue("(iNNiii)", status, o, e, l.timed_out, l.wait_delay_expired,
			                    (int)fx_proc_pid(l.p));
		else {
			Py_XDECREF(o);
			Py_XDECREF(e);
		}
	}
out:
	buf_free(&l.out[0]);
	buf_free(&l.out[1]);
	fx_proc_free(l.p);
	Py_XDECREF(inbytes);
	fxpy_spec_clear(&spec);
	return ret;
}

/* _spawn(args, stdin, stdout, stderr, attrs) -> Proc */
static PyObject *py_spawn(PyObject *mod, PyObject *args)
{
	PyObject *argv, *stdio[3], *kw;
	struct fxpy_spec spec;
	fx_proc *p = NULL;
	fx_error err;
	int rc;

	if (!PyArg_ParseTuple(args, "OOOOO", &argv, &stdio[0], &stdio[1], &stdio[2], &kw))
		return NULL;
	rc = fxpy_spec_build(&spec, argv, stdio, kw == Py_None ? NULL : kw, 0, 0);
	if (rc < 0) {
		fxpy_spec_clear(&spec);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	rc = fx_spawn(&p, PyBytes_AsString(spec.file), spec.argv, spec.attr, &err);
	Py_END_ALLOW_THREADS
	fxpy_spec_clear(&spec);
	if (rc < 0)
		return fxpy_raise_spawn(rc, &err);
	return fxpy_proc_wrap(p);
}

/*
 * _wait_any(procs, timeout) -> index of the one that ended, or None at
 * the deadline.  A wait set (fx_waitset) over their pidfds: its epoll
 * descriptor is polled here, so Ctrl-C gets through, then the set reaps
 * the one that ended.
 */
static PyObject *py_wait_any(PyObject *mod, PyObject *args)
{
	PyObject *seq, *timeout, *ret = NULL;
	fx_waitset *ws = NULL;
	fx_proc **procs = NULL;
	Py_ssize_t n;
	int64_t t_ns, deadline;
	int rc;

	if (!PyArg_ParseTuple(args, "OO", &seq, &timeout))
		return NULL;
	if ((t_ns = seconds_ns(timeout)) == -2)
		return NULL;
	seq = PySequence_List(seq);
	if (!seq)
		return NULL;
	n = PyList_Size(seq);
	procs = calloc((size_t)n + 1, sizeof *procs);
	if (!procs) {
		PyErr_NoMemory();
		goto out;
	}
	if ((rc = fx_waitset_new(&ws)) < 0) {
		fxpy_raise_errno(rc);
		goto out;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		procs[i] = fxpy_proc_get(PyList_GetItem(seq, i));
		if (!procs[i])
			goto out;
		rc = fx_waitset_add(ws, procs[i]);
		if (rc < 0 && rc != -EEXIST) {
			fxpy_raise_errno(rc);
			goto out;
		}
	}
	deadline = t_ns >= 0 ? fxpy_now_ns() + t_ns : INT64_MAX;
	for (;;) {
		fx_proc *done = NULL;
		struct pollfd pfd = { fx_waitset_fd(ws), POLLIN, 0 };
		int64_t next = fxpy_now_ns() + 10000000;

		rc = fx_waitset_wait(ws, &done, NULL, 0);
		if (rc == 0 || rc == -ECHILD) {
			for (Py_ssize_t i = 0; i < n; i++)
				if (procs[i] == done) {
					ret = PyLong_FromSsize_t(i);
					break;
				}
			break;
		}
		if (rc == -ENOENT) {
			PyErr_SetString(PyExc_ValueError, "wait_any: no processes");
			break;
		}
		if (rc != -ETIMEDOUT && rc != -EAGAIN) {
			fxpy_raise_errno(rc);
			break;
		}
		if (fxpy_now_ns() >= deadline) {
			Py_INCREF(Py_None);
			ret = Py_None;
			break;
		}
		/* Handles without a pidfd are not in the epoll set: look
		 * every 10 ms for them. */
		int all_pidfd = 1;
		for (Py_ssize_t i = 0; i < n; i++)
			all_pidfd &= fx_proc_pidfd(procs[i]) >= 0;
		rc = fxpy_poll(&pfd, 1, all_pidfd || next > deadline ? deadline : next);
		if (rc == -1)
			break;
		if (rc == -2) {
			PyErr_SetFromErrno(PyExc_OSError);
			break;
		}
	}
out:
	fx_waitset_free(ws);
	free(procs);
	Py_DECREF(seq);
	return ret;
}

static PyObject *py_library_version(PyObject *mod, PyObject *unused)
{
	return PyUnicode_FromString(fx_version_string());
}

static PyMethodDef methods[] = {
	{ "_run", py_run, METH_VARARGS, "The run loop behind forkexec.run." },
	{ "_spawn", py_spawn, METH_VARARGS, "The spawn behind forkexec.spawn." },
	{ "_wait_any", py_wait_any, METH_VARARGS, "The wait set behind forkexec.wait_any." },
	{ "_library_version", py_library_version, METH_NOARGS, "libforkexec's version string." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef moddef = {
	PyModuleDef_HEAD_INIT, "forkexec._forkexec",
	"The C core of the forkexec package (see forkexec).", -1, methods,
	NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__forkexec(void)
{
	PyObject *m = PyModule_Create(&moddef);

	if (!m)
		return NULL;
	fxpy_failure = PyErr_NewException("forkexec._forkexec.Failure", PyExc_Exception, NULL);
	if (!fxpy_failure || PyModule_AddObject(m, "Failure", fxpy_failure) < 0)
		goto fail;
	Py_INCREF(fxpy_failure);
	if (fxpy_proc_init(m) < 0)
		goto fail;
	if (PyModule_AddIntConstant(m, "PIPE", FXPY_PIPE) < 0 ||
	    PyModule_AddIntConstant(m, "STDOUT", FXPY_STDOUT) < 0 ||
	    PyModule_AddIntConstant(m, "DEVNULL", FXPY_DEVNULL) < 0)
		goto fail;
	/* The library's numbers for the ioprio and seccomp keywords. */
	if (PyModule_AddIntConstant(m, "IOPRIO_CLASS_NONE", FX_IOPRIO_CLASS_NONE) < 0 ||
	    PyModule_AddIntConstant(m, "IOPRIO_CLASS_RT", FX_IOPRIO_CLASS_RT) < 0 ||
	    PyModule_AddIntConstant(m, "IOPRIO_CLASS_BE", FX_IOPRIO_CLASS_BE) < 0 ||
	    PyModule_AddIntConstant(m, "IOPRIO_CLASS_IDLE", FX_IOPRIO_CLASS_IDLE) < 0 ||
	    PyModule_AddIntConstant(m, "SECCOMP_KILL", FX_SECCOMP_KILL) < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
