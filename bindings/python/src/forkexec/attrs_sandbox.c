/* SPDX-License-Identifier: MIT */
/*
 * The Linux sandbox's keywords (forkexec-linux.h): I/O priority,
 * securebits, time offsets, a fresh proc, SCHED_DEADLINE, the
 * filesystem view and hostname, landlock, seccomp by name, and joining
 * another process's namespaces.  attrs.c walks their table after its
 * own; the helpers are attrs.h's.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attrs.h"

/* Whether v is the str s. */
static int is_name(PyObject *v, const char *s)
{
	return PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, s) == 0;
}

/* The index of name v in names[0..n), or -1 with ValueError. */
static int name_index(const char *key, PyObject *v, const char *const names[], size_t n,
                      const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (is_name(v, names[i]))
			return (int)i;
	PyErr_Format(PyExc_ValueError, "%s: unknown %s %R", key, what, v);
	return -1;
}

/* v as a tuple of min to max items (a new reference), or NULL with
 * ValueError saying the shape expected. */
static PyObject *tuple_of(const char *key, PyObject *v, Py_ssize_t min, Py_ssize_t max,
                          const char *shape)
{
	PyObject *t = PyUnicode_Check(v) || PyBytes_Check(v) ? NULL : PySequence_Tuple(v);

	if (t && PyTuple_Size(t) >= min && PyTuple_Size(t) <= max)
		return t;
	Py_XDECREF(t);
	PyErr_Clear();
	PyErr_Format(PyExc_ValueError, "%s: %s expected", key, shape);
	return NULL;
}

/* fxpy_each() over a collection, refusing a lone str or bytes, which would
 * otherwise be taken letter by letter. */
static int each_item(const char *key, PyObject *v,
                     int (*fn)(const char *, PyObject *, void *), void *ctx)
{
	if (PyUnicode_Check(v) || PyBytes_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s: a collection is required, not a single string", key);
		return -1;
	}
	return fxpy_each(key, v, fn, ctx);
}

/* A number of nanoseconds: 0 to 2**63-1 (the library's bounds are
 * tighter; a negative one cannot reach it as uint64_t unchanged). */
static int ns_of(const char *key, PyObject *v, uint64_t *out)
{
	long long x;

	if (!PyLong_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s: an integer is required", key);
		return -1;
	}
	x = PyLong_AsLongLong(v);
	if ((x == -1 && PyErr_Occurred()) || x < 0) {
		PyErr_Clear();
		PyErr_Format(PyExc_ValueError, "%s: invalid value", key);
		return -1;
	}
	*out = (uint64_t)x;
	return 0;
}

/* ionice(1)'s classes, at their FX_IOPRIO_CLASS_* numbers. */
static const char *const ioprio_classes[] = { "none", "rt", "be", "idle" };

static int k_ioprio(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	PyObject *t = tuple_of(key, v, 2, 2, "(class, level)");
	long cls, level;
	int rc;

	if (!t)
		return -1;
	if (PyUnicode_Check(PyTuple_GetItem(t, 0))) {
		cls = name_index(key, PyTuple_GetItem(t, 0), ioprio_classes, 4, "class");
		rc = cls < 0 ? -1 : 0;
	} else {
		rc = fxpy_as_long(key, PyTuple_GetItem(t, 0), &cls);
	}
	if (rc == 0)
		rc = fxpy_as_long(key, PyTuple_GetItem(t, 1), &level);
	Py_DECREF(t);
	if (rc < 0)
		return -1;
	/* Out of int's range is as invalid as out of the library's. */
	if (cls < 0 || cls > INT_MAX || level < 0 || level > INT_MAX)
		return fxpy_fail_rc(key, -EINVAL);
	FXPY_CHECK(key, fx_attr_set_ioprio(c->spec->attr, (int)cls, (int)level));
	return 0;
}

static int k_securebits(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_int(c, key, v, fx_attr_set_securebits);
}

/* Seconds as the library's (sec, nsec), nsec 0 to 999999999: a float is
 * floored, so -1.5 is (-2, 500000000).  Done without libm. */
static int offset_of(const char *key, PyObject *v, int64_t *sec, long *nsec)
{
	double d, frac;
	int64_t whole;

	if (PyLong_Check(v)) {
		long long x = PyLong_AsLongLong(v);
		if (x == -1 && PyErr_Occurred()) {
			PyErr_Clear();
			return fxpy_fail_rc(key, -EINVAL);
		}
		*sec = x;
		*nsec = 0;
		return 0;
	}
	if (!PyFloat_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s: seconds (int or float) are required", key);
		return -1;
	}
	d = PyFloat_AsDouble(v);
	/* NaN fails both comparisons. */
	if (!(d > -9.2e18 && d < 9.2e18))
		return fxpy_fail_rc(key, -EINVAL);
	whole = (int64_t)d;
	if ((double)whole > d)
		whole--;
	frac = (d - (double)whole) * 1e9 + 0.5;
	*nsec = (long)frac;
	if (*nsec > 999999999L) {
		whole++;
		*nsec -= 1000000000L;
	}
	*sec = whole;
	return 0;
}

/* unshare --monotonic/--boottime: {time.CLOCK_MONOTONIC: seconds, ...}.
 * Each adds a time namespace (applied after namespaces: see late). */
static int set_time_offset_pair(const char *key, PyObject *clk, PyObject *val, void *attr)
{
	long clock, nsec;
	int64_t sec;
	int rc = fxpy_as_long(key, clk, &clock);

	if (rc == 0)
		rc = offset_of(key, val, &sec, &nsec);
	if (rc == 0 && (clock < INT_MIN || clock > INT_MAX))
		rc = fxpy_fail_rc(key, -EINVAL);
	if (rc == 0)
		rc = fxpy_fail_if(key, fx_attr_set_time_offset(attr, (int)clock, sec, nsec));
	return rc;
}

static int k_time_offsets(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_each_pair(key, v, set_time_offset_pair, c->spec->attr);
}

/* unshare --mount-proc=DIR (adds a mount namespace: see late). */
static int k_mount_proc(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_text(c, key, v, fx_attr_set_mount_proc);
}

/* chrt --deadline: (runtime_ns, deadline_ns, period_ns), period 0 being
 * the deadline (refused with sched: see exclusive). */
static int k_sched_deadline(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	PyObject *t = tuple_of(key, v, 3, 3, "(runtime_ns, deadline_ns, period_ns)");
	uint64_t ns[3];
	int rc = 0;

	if (!t)
		return -1;
	for (Py_ssize_t i = 0; rc == 0 && i < 3; i++)
		rc = ns_of(key, PyTuple_GetItem(t, i), &ns[i]);
	Py_DECREF(t);
	if (rc < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_sched_deadline(c->spec->attr, ns[0], ns[1], ns[2]));
	return 0;
}

/* bubblewrap's vocabulary, at FX_MOUNT_* - 1 (fxrun's option names). */
static const char *const mount_kinds[] = {
	"bind", "ro-bind", "dev-bind", "tmpfs", "proc", "dev", "mqueue", "dir", "symlink",
	"remount-ro",
};

/*
 * One view operation: (kind, src, dest), src None for the kinds that
 * take none; a tmpfs may add (..., size, mode) for fx_attr_add_tmpfs.
 * A src for a kind that takes none is refused rather than dropped.
 */
static int add_mount(const char *key, PyObject *item, void *ctx)
{
	PyObject *t = tuple_of(key, item, 3, 5, "(kind, src, dest) or (\"tmpfs\", None, dest, size, mode)");
	PyObject *src = NULL, *dest = NULL;
	int kind, takes_src, rc = -1;

	if (!t)
		return -1;
	kind = name_index(key, PyTuple_GetItem(t, 0), mount_kinds, 10, "mount kind") + 1;
	if (kind <= 0)
		goto out;
	takes_src = kind == FX_MOUNT_BIND || kind == FX_MOUNT_RO_BIND ||
	            kind == FX_MOUNT_DEV_BIND || kind == FX_MOUNT_SYMLINK;
	if (PyTuple_Size(t) != 3 && (kind != FX_MOUNT_TMPFS || PyTuple_Size(t) != 5)) {
		PyErr_Format(PyExc_ValueError, "%s: (kind, src, dest), or a tmpfs's "
		             "(\"tmpfs\", None, dest, size, mode)", key);
		goto out;
	}
	if (!takes_src && PyTuple_GetItem(t, 1) != Py_None) {
		PyErr_Format(PyExc_ValueError, "%s: %s takes no source (None)", key,
		             mount_kinds[kind - 1]);
		goto out;
	}
	if (takes_src && PyTuple_GetItem(t, 1) != Py_None && !(src = fxpy_fs_bytes(PyTuple_GetItem(t, 1))))
		goto out;
	if (!(dest = fxpy_fs_bytes(PyTuple_GetItem(t, 2))))
		goto out;
	if (PyTuple_Size(t) == 5) {
		long size, mode;
		if (fxpy_as_long(key, PyTuple_GetItem(t, 3), &size) < 0 ||
		    fxpy_as_long(key, PyTuple_GetItem(t, 4), &mode) < 0)
			goto out;
		rc = size < 0 || mode < 0 ? -EINVAL
		     : fx_attr_add_tmpfs(ctx, PyBytes_AsString(dest), (unsigned long)size, (mode_t)mode);
	} else {
		rc = fx_attr_add_mount(ctx, kind, src ? PyBytes_AsString(src) : NULL,
		                       PyBytes_AsString(dest));
	}
	if (rc < 0)
		rc = fxpy_fail_rc_on(key, PyBytes_AsString(dest), rc);
out:
	Py_XDECREF(src);
	Py_XDECREF(dest);
	Py_DECREF(t);
	return rc;
}

static int k_mounts(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return each_item(key, v, add_mount, c->spec->attr);
}

static int k_hostname(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_text(c, key, v, fx_attr_set_hostname);
}

/* The landlock keyword's keys: path lists, port lists and flags, as
 * fxrun's --landlock-ro, -rw, -bind, -connect and -strict. */
enum { LL_PATHS, LL_PORTS, LL_FLAG };
static const struct { const char *name; int type; int value; } landlock_keys[] = {
	{ "ro", LL_PATHS, FX_LANDLOCK_RO }, { "rw", LL_PATHS, FX_LANDLOCK_RW },
	{ "bind", LL_PORTS, FX_LANDLOCK_BIND }, { "connect", LL_PORTS, FX_LANDLOCK_CONNECT },
	{ "strict", LL_FLAG, FX_LANDLOCK_STRICT }, { "fs", LL_FLAG, FX_LANDLOCK_FS },
};

struct landlock_ctx {
	fx_attr *attr;
	int how;        /* FX_LANDLOCK_RO/RW or FX_LANDLOCK_BIND/CONNECT */
};

static int add_landlock_path(const char *key, PyObject *item, void *ctx)
{
	struct landlock_ctx *l = ctx;
	PyObject *b = fxpy_fs_bytes(item);
	int rc;

	if (!b)
		return -1;
	rc = fx_attr_add_landlock_path(l->attr, PyBytes_AsString(b), l->how);
	if (rc < 0)
		fxpy_fail_rc_on(key, PyBytes_AsString(b), rc);
	Py_DECREF(b);
	return rc < 0 ? -1 : 0;
}

static int add_landlock_port(const char *key, PyObject *item, void *ctx)
{
	struct landlock_ctx *l = ctx;
	long port;

	if (fxpy_as_long(key, item, &port) < 0)
		return -1;
	/* Negative: as invalid as past 65535, which the library refuses. */
	FXPY_CHECK(key, port < 0 || port > 65535 ? -EINVAL
	           : fx_attr_add_landlock_port(l->attr, (unsigned)port, l->how));
	return 0;
}

/* One key of the landlock mapping (ctx: struct landlock_call); its
 * flags are gathered for one call of the setter after all keys. */
struct landlock_call {
	fx_attr *attr;
	unsigned flags;
};

static int add_landlock_key(const char *key, PyObject *name, PyObject *val, void *ctx)
{
	struct landlock_call *call = ctx;
	struct landlock_ctx l = { call->attr, 0 };
	size_t k = 0;
	int rc;

	while (k < sizeof landlock_keys / sizeof landlock_keys[0] &&
	       !is_name(name, landlock_keys[k].name))
		k++;
	if (k == sizeof landlock_keys / sizeof landlock_keys[0]) {
		PyErr_Format(PyExc_ValueError, "%s: unknown key %R (ro, rw, bind, connect, "
		             "strict, fs)", key, name);
		return -1;
	}
	l.how = landlock_keys[k].value;
	if (landlock_keys[k].type == LL_PATHS)
		rc = each_item(key, val, add_landlock_path, &l);
	else if (landlock_keys[k].type == LL_PORTS)
		rc = each_item(key, val, add_landlock_port, &l);
	else if ((rc = PyObject_IsTrue(val)) > 0)
		call->flags |= (unsigned)landlock_keys[k].value;
	return rc < 0 ? -1 : 0;
}

static int k_landlock(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	struct landlock_call call = { c->spec->attr, 0 };

	if (fxpy_each_pair(key, v, add_landlock_key, &call) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_landlock_flags(c->spec->attr, call.flags));
	return 0;
}

/* The names, kept as bytes in a list while the library reads them. */
struct names {
	PyObject *keep;
	const char **v;
	size_t n;
};

static int add_name(const char *key, PyObject *item, void *ctx)
{
	struct names *l = ctx;
	PyObject *b = fxpy_fs_bytes(item);
	int rc;

	if (!b)
		return -1;
	rc = PyList_Append(l->keep, b);
	Py_DECREF(b);
	return rc;
}

/*
 * seccomp by name: a collection of system call names, or (names, errno)
 * with errno 1 to 4095, 0 for EPERM, or SECCOMP_KILL.  An unknown name
 * is OSError(ENOENT) naming it, as the library's -ENOENT.
 */
static int seccomp_names(struct fxpy_ctx *c, const char *key, PyObject *v, int mode)
{
	struct names l = { PyList_New(0), NULL, 0 };
	PyObject *names = v;
	long action = 0;
	int rc = -1;

	if (!l.keep)
		return -1;
	if (PyTuple_Check(v) && PyTuple_Size(v) == 2 && PyLong_Check(PyTuple_GetItem(v, 1)) &&
	    !PyUnicode_Check(PyTuple_GetItem(v, 0))) {
		names = PyTuple_GetItem(v, 0);
		if (fxpy_as_long(key, PyTuple_GetItem(v, 1), &action) < 0)
			goto out;
	}
	if (each_item(key, names, add_name, &l) < 0)
		goto out;
	l.n = (size_t)PyList_Size(l.keep);
	l.v = calloc(l.n + 1, sizeof *l.v);
	if (!l.v) {
		PyErr_NoMemory();
		goto out;
	}
	for (size_t i = 0; i < l.n; i++) {
		l.v[i] = PyBytes_AsString(PyList_GetItem(l.keep, (Py_ssize_t)i));
		if (fx_syscall_number(l.v[i]) < 0) {
			fxpy_fail_rc_on(key, l.v[i], -ENOENT);
			goto out;
		}
	}
	rc = fxpy_fail_if(key, action < INT_MIN || action > INT_MAX ? -EINVAL
	                  : fx_attr_set_seccomp_names(c->spec->attr, mode, l.v, l.n, (int)action));
out:
	free(l.v);
	Py_DECREF(l.keep);
	return rc;
}

static int k_seccomp_deny(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return seccomp_names(c, key, v, FX_SECCOMP_DENY);
}

static int k_seccomp_allow(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return seccomp_names(c, key, v, FX_SECCOMP_ALLOW);
}

/*
 * nsenter: (target, namespaces), the namespaces as the namespaces
 * keyword takes them.  An int target is a pid (a pidfd opened at each
 * spawn); anything with fileno(), such as a Process, gives a pidfd,
 * borrowed: it must stay open until the spawn.
 */
/* The pidfd of a join target: its fileno(), -EBADF for a Process
 * already reaped (pidfd -1), -1 with the error set for no fileno(). */
static int pidfd_of(PyObject *target)
{
	int fd = PyObject_AsFileDescriptor(target);

	if (fd < 0 && PyErr_ExceptionMatches(PyExc_ValueError)) {
		PyErr_Clear();
		return -EBADF;
	}
	return fd;
}

static int k_join(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	PyObject *t = tuple_of(key, v, 2, 2, "(pid or Process, namespaces)");
	unsigned long flags;
	long pid;
	int rc;

	if (!t)
		return -1;
	rc = fxpy_ns_flags_of(key, PyTuple_GetItem(t, 1), &flags);
	if (rc == 0 && PyLong_Check(PyTuple_GetItem(t, 0))) {
		rc = fxpy_as_long(key, PyTuple_GetItem(t, 0), &pid);
		if (rc == 0)
			rc = pid < INT_MIN || pid > INT_MAX ? fxpy_fail_rc(key, -EINVAL)
			     : fxpy_fail_if(key, fx_attr_join_namespaces_pid(c->spec->attr, (pid_t)pid, flags));
	} else if (rc == 0) {
		int fd = pidfd_of(PyTuple_GetItem(t, 0));
		rc = fd == -1 ? -1 : fxpy_fail_if(key, fd < 0 ? fd
		                                  : fx_attr_join_namespaces_fd(c->spec->attr, fd, flags));
	}
	Py_DECREF(t);
	return rc;
}

const struct fxpy_keyword fxpy_sandbox_keywords[] = {
	{ "ioprio", k_ioprio, 0 }, { "securebits", k_securebits, 0 },
	{ "time_offsets", k_time_offsets, 1 }, { "mount_proc", k_mount_proc, 1 },
	{ "sched_deadline", k_sched_deadline, 0 }, { "mounts", k_mounts, 0 },
	{ "hostname", k_hostname, 0 }, { "landlock", k_landlock, 0 },
	{ "seccomp_deny", k_seccomp_deny, 0 }, { "seccomp_allow", k_seccomp_allow, 0 },
	{ "join", k_join, 0 },
};
const size_t fxpy_n_sandbox_keywords =
	sizeof fxpy_sandbox_keywords / sizeof fxpy_sandbox_keywords[0];
