/* SPDX-License-Identifier: MIT */
/*
 * forkexec._forkexec.Proc: an fx_proc owned by a Python object.  The
 * Python layer's Process wraps it (streams, returncode, TimeoutExpired);
 * this type only waits, signals and hands out the pipe ends.  A handle
 * whose child was never reaped is kept alive by the Python layer until
 * it is, so freeing one never leaves a zombie behind.
 */
#include <errno.h>
#include <signal.h>

#include "fxpy.h"

typedef struct {
	PyObject_HEAD
	fx_proc *p;
} ProcObject;

PyTypeObject *fxpy_proc_type;

PyObject *fxpy_proc_wrap(fx_proc *p)
{
	ProcObject *o = PyObject_New(ProcObject, fxpy_proc_type);

	if (!o) {
		fx_proc_free(p);
		return NULL;
	}
	o->p = p;
	return (PyObject *)o;
}

fx_proc *fxpy_proc_get(PyObject *obj)
{
	if (!PyObject_TypeCheck(obj, fxpy_proc_type)) {
		PyErr_SetString(PyExc_TypeError, "not a forkexec process handle");
		return NULL;
	}
	return ((ProcObject *)obj)->p;
}

static void proc_dealloc(PyObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);
	freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

	fx_proc_free(((ProcObject *)self)->p);
	tp_free(self);
	Py_DECREF(tp);
}

static PyObject *proc_pid(PyObject *self, void *closure)
{
	return PyLong_FromLong((long)fx_proc_pid(((ProcObject *)self)->p));
}

static PyObject *proc_pidfd(PyObject *self, void *closure)
{
	return PyLong_FromLong((long)fx_proc_pidfd(((ProcObject *)self)->p));
}

/*
 * wait(timeout): the status (waitpid's encoding) once the child ended,
 * None if it still runs after timeout seconds (None: forever, 0: a
 * poll).  Blocks with the GIL released; Ctrl-C raises KeyboardInterrupt
 * here and leaves the child as it is (the caller decides).
 */
static PyObject *proc_wait(PyObject *self, PyObject *args)
{
	fx_proc *p = ((ProcObject *)self)->p;
	PyObject *timeout = Py_None;
	int64_t deadline = INT64_MAX;
	int status, rc;

	if (!PyArg_ParseTuple(args, "|O", &timeout))
		return NULL;
	if (timeout != Py_None) {
		double t = PyFloat_AsDouble(timeout);
		if (t == -1.0 && PyErr_Occurred())
			return NULL;
		deadline = fxpy_now_ns() + (int64_t)(t > 0 ? t * 1e9 : 0);
	}
	rc = fx_proc_wait(p, &status, 0);
	while (rc == -ETIMEDOUT) {
		int pidfd = fx_proc_pidfd(p);
		if (pidfd >= 0) {
			struct pollfd pfd = { pidfd, POLLIN, 0 };
			int n = fxpy_poll(&pfd, 1, deadline);
			if (n == -1)
				return NULL;
			if (n == -2)
				return PyErr_SetFromErrno(PyExc_OSError);
		} else {
			/* No pidfd (before Linux 5.3): look every 10 ms. */
			int64_t now = fxpy_now_ns(), next = now + 10000000;
			if (fxpy_poll(NULL, 0, next < deadline ? next : deadline) == -1)
				return NULL;
		}
		rc = fx_proc_wait(p, &status, 0);
		if (rc == -ETIMEDOUT && fxpy_now_ns() >= deadline)
			Py_RETURN_NONE;
	}
	if (rc < 0)
		return fxpy_raise_errno(rc);
	return PyLong_FromLong(status);
}

/* send_signal(sig): True if sent, False once the child was reaped. */
static PyObject *proc_send_signal(PyObject *self, PyObject *args)
{
	int sig, rc;

	if (!PyArg_ParseTuple(args, "i", &sig))
		return NULL;
	rc = fx_proc_kill(((ProcObject *)self)->p, sig);
	if (rc == -ESRCH)
		Py_RETURN_FALSE;
	if (rc < 0)
		return fxpy_raise_errno(rc);
	Py_RETURN_TRUE;
}

/* take_fd(stream): the parent's end of that stream's pipe, now the
 * caller's, or -1. */
static PyObject *proc_take_fd(PyObject *self, PyObject *args)
{
	int stream;

	if (!PyArg_ParseTuple(args, "i", &stream))
		return NULL;
	return PyLong_FromLong(fx_proc_take_stdio_fd(((ProcObject *)self)->p, stream));
}

static PyMethodDef proc_methods[] = {
	{ "wait", proc_wait, METH_VARARGS, "wait(timeout=None) -> status or None" },
	{ "send_signal", proc_send_signal, METH_VARARGS, "send_signal(sig) -> bool" },
	{ "take_fd", proc_take_fd, METH_VARARGS, "take_fd(stream) -> fd or -1" },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef proc_getset[] = {
	{ "pid", proc_pid, NULL, "the child's process id", NULL },
	{ "pidfd", proc_pidfd, NULL, "the child's pidfd (owned by the handle), or -1", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyType_Slot proc_slots[] = {
	{ Py_tp_dealloc, proc_dealloc },
	{ Py_tp_methods, proc_methods },
	{ Py_tp_getset, proc_getset },
	{ Py_tp_doc, "A started child (forkexec's fx_proc); see forkexec.Process." },
	{ 0, NULL },
};

static PyType_Spec proc_spec = {
	"forkexec._forkexec.Proc", sizeof(ProcObject), 0, Py_TPFLAGS_DEFAULT, proc_slots,
};

int fxpy_proc_init(PyObject *module)
{
	fxpy_proc_type = (PyTypeObject *)PyType_FromSpec(&proc_spec);
	if (!fxpy_proc_type)
		return -1;
	Py_INCREF(fxpy_proc_type);
	return PyModule_AddObject(module, "Proc", (PyObject *)fxpy_proc_type);
}
