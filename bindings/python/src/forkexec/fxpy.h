/* SPDX-License-Identifier: MIT */
/*
 * The C core of the Python binding (forkexec._forkexec): what its files
 * share.  attrs.c and attrs_sandbox.c (attrs.h) turn keywords into an
 * fx_attr, proc.c is the process handle type, module.c has run, spawn,
 * wait_any and the module.
 *
 * Built against the stable ABI (Py_LIMITED_API, set by setup.py) and
 * libforkexec's static library.  Every wait releases the GIL; a wait in
 * the main thread wakes on EINTR to run Python's signal handlers
 * (PyErr_CheckSignals), so that Ctrl-C reaches the caller.
 */
#ifndef FXPY_H
#define FXPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <poll.h>
#include <stdint.h>

#include <forkexec.h>
#include <forkexec-io.h>
#include <forkexec-linux.h>

/* The stdio codes the Python layer passes (subprocess's PIPE, STDOUT
 * and DEVNULL); None inherits, a number >= 0 is a descriptor. */
#define FXPY_PIPE    (-1)
#define FXPY_STDOUT  (-2)
#define FXPY_DEVNULL (-3)

/* A spawn's request, built from the keywords with the GIL held. */
struct fxpy_spec {
	fx_attr *attr;
	PyObject *file;         /* bytes: the program (executable=, else args[0]) */
	PyObject *argv_keep;    /* list of bytes backing argv */
	char **argv;
	unsigned flags;         /* fx_attr flags gathered from the keywords */
	int has_pgid;           /* process_group= gave a group (pgid) */
	long pgid;
	int piped[3];           /* which streams are pipes */
};

/* Fills spec from args, the three stdio values and the attribute
 * keywords (a dict or NULL); `nonblock`: pipes for the run loop.  On
 * failure sets a Python exception and returns -1; fxpy_spec_clear
 * releases what it holds either way. */
int fxpy_spec_build(struct fxpy_spec *spec, PyObject *args, PyObject *stdio[3],
                    PyObject *kw, int nonblock, int new_group);
void fxpy_spec_clear(struct fxpy_spec *spec);

/* Raises forkexec._forkexec.Failure for a failed spawn (rc < 0, err). */
PyObject *fxpy_raise_spawn(int rc, const fx_error *err);
/* Raises OSError for a library call's negative errno. */
PyObject *fxpy_raise_errno(int rc);

/* Whether this is the process's main thread: the only one where Python
 * runs signal handlers, and so the only one that must wake for them. */
int fxpy_main_thread(void);

/* poll(2) with the GIL released, for up to timeout_ms (< 0: forever),
 * waking to run signal handlers: returns poll's count (0 at the
 * deadline), -1 with a Python exception set when a handler raised, or
 * -2 with errno for poll's own failure. */
int fxpy_poll(struct pollfd *pfd, int n, int64_t deadline_ns);
int64_t fxpy_now_ns(void);

/* The process handle type (proc.c). */
extern PyTypeObject *fxpy_proc_type;
int fxpy_proc_init(PyObject *module);
PyObject *fxpy_proc_wrap(fx_proc *p);
fx_proc *fxpy_proc_get(PyObject *obj);

extern PyObject *fxpy_failure; /* forkexec._forkexec.Failure */

#endif /* FXPY_H */
