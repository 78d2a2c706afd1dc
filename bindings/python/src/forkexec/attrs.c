/* SPDX-License-Identifier: MIT */
/*
 * Keywords to an fx_attr: one table row per keyword, each with the
 * setter it calls.  A value the library refuses raises ValueError (the
 * setter's -EINVAL) or OSError naming the keyword, before any child
 * exists.  None for a keyword means its default, as in subprocess.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/filter.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrs.h"

/* The exception for a setter's negative errno; `what`, when not NULL,
 * names the item of the keyword's value that was refused. */
int fxpy_fail_rc_on(const char *key, const char *what, int rc)
{
	const char *sep = what ? " " : "", *item = what ? what : "";

	if (rc == -EINVAL)
		PyErr_Format(PyExc_ValueError, "%s%s%s: invalid value", key, sep, item);
	else if (rc == -ENOTSUP)
		PyErr_Format(PyExc_NotImplementedError, "%s%s%s: not supported here", key, sep, item);
	else {
		/* OSError picks the subclass from the errno. */
		PyObject *args = Py_BuildValue("(iN)", -rc,
		                               PyUnicode_FromFormat("%s%s%s: %s", key, sep, item,
		                                                    strerror(-rc)));
		if (args) {
			PyErr_SetObject(PyExc_OSError, args);
			Py_DECREF(args);
		}
	}
	return -1;
}

int fxpy_fail_rc(const char *key, int rc)
{
	return fxpy_fail_rc_on(key, NULL, rc);
}

/* A setter's result: 0, or -1 with its exception. */
int fxpy_fail_if(const char *key, int rc)
{
	return rc < 0 ? fxpy_fail_rc(key, rc) : 0;
}

int fxpy_as_long(const char *key, PyObject *v, long *out)
{
	*out = PyLong_AsLong(v);
	if (*out == -1 && PyErr_Occurred()) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "%s: an integer is required", key);
		return -1;
	}
	return 0;
}

/* A path-like as bytes: a new reference, or NULL with the error set. */
PyObject *fxpy_fs_bytes(PyObject *v)
{
	PyObject *b = NULL;

	if (!PyUnicode_FSConverter(v, &b))
		return NULL;
	return b;
}

/* Calls fn on each item of an iterable. */
int fxpy_each(const char *key, PyObject *v, int (*fn)(const char *, PyObject *, void *), void *ctx)
{
	PyObject *it = PyObject_GetIter(v), *item;
	int rc = 0;

	if (!it)
		return -1;
	while (rc == 0 && (item = PyIter_Next(it))) {
		rc = fn(key, item, ctx);
		Py_DECREF(item);
	}
	Py_DECREF(it);
	return rc < 0 || PyErr_Occurred() ? -1 : 0;
}

int fxpy_each_pair(const char *key, PyObject *v,
                   int (*fn)(const char *, PyObject *, PyObject *, void *), void *ctx)
{
	PyObject *items = PyMapping_Items(v);
	int rc = 0;

	if (!items)
		return -1;
	for (Py_ssize_t i = 0; rc == 0 && i < PyList_Size(items); i++) {
		PyObject *kv = PyList_GetItem(items, i);

		rc = fn(key, PyTuple_GetItem(kv, 0), PyTuple_GetItem(kv, 1), ctx);
	}
	Py_DECREF(items);
	return rc < 0 ? -1 : 0;
}

static int id_of(const char *key, PyObject *v, int group, long *out)
{
	if (PyLong_Check(v))
		return fxpy_as_long(key, v, out);
	PyObject *b = fxpy_fs_bytes(v);
	if (!b)
		return -1;
	const char *name = PyBytes_AsString(b);
	char buf[16384];
	int rc;
	if (group) {
		struct group g, *res = NULL;
		rc = getgrnam_r(name, &g, buf, sizeof buf, &res);
		if (res)
			*out = (long)g.gr_gid;
	} else {
		struct passwd pw, *res = NULL;
		rc = getpwnam_r(name, &pw, buf, sizeof buf, &res);
		if (res)
			*out = (long)pw.pw_uid;
	}
	if (rc || *out < 0) {
		PyErr_Format(PyExc_KeyError, "%s: no such %s: %s", key, group ? "group" : "user", name);
		Py_DECREF(b);
		return -1;
	}
	Py_DECREF(b);
	return 0;
}

struct gid_list {
	gid_t v[4096];
	size_t n;
};

static int add_gid(const char *key, PyObject *item, void *ctx)
{
	struct gid_list *l = ctx;
	long id = -1;

	if (id_of(key, item, 1, &id) < 0)
		return -1;
	if (l->n == sizeof l->v / sizeof l->v[0]) {
		PyErr_Format(PyExc_ValueError, "%s: too many groups", key);
		return -1;
	}
	l->v[l->n++] = (gid_t)id;
	return 0;
}

/* The keywords whose value is one string (a path, a name) given to one
 * setter, which copies it. */
int fxpy_set_text(struct fxpy_ctx *c, const char *key, PyObject *v,
                    int (*set)(fx_attr *, const char *))
{
	PyObject *b = fxpy_fs_bytes(v);
	int rc;

	if (!b)
		return -1;
	rc = set(c->spec->attr, PyBytes_AsString(b));
	Py_DECREF(b);
	return fxpy_fail_if(key, rc);
}

/* The keywords whose value is one int given to one setter. */
int fxpy_set_int(struct fxpy_ctx *c, const char *key, PyObject *v, int (*set)(fx_attr *, int))
{
	long n;

	if (fxpy_as_long(key, v, &n) < 0)
		return -1;
	if (n < INT_MIN || n > INT_MAX) {
		PyErr_Format(PyExc_ValueError, "%s: %ld is out of range", key, n);
		return -1;
	}
	FXPY_CHECK(key, set(c->spec->attr, (int)n));
	return 0;
}

static int k_cwd(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_text(c, key, v, fx_attr_set_cwd);
}

static int k_chroot(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_text(c, key, v, fx_attr_set_chroot);
}

static int k_executable(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	PyObject *b = fxpy_fs_bytes(v);

	if (!b)
		return -1;
	Py_XDECREF(c->spec->file);
	c->spec->file = b;
	return 0;
}

static int k_env(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	PyObject *items = PyMapping_Items(v);
	Py_ssize_t n;
	PyObject **keep;
	char **envp;
	int rc = -1;

	if (!items)
		return -1;
	n = PyList_Size(items);
	keep = calloc((size_t)n + 1, sizeof *keep);
	envp = calloc((size_t)n + 1, sizeof *envp);
	if (!keep || !envp) {
		PyErr_NoMemory();
		goto out;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *kv = PyList_GetItem(items, i);
		PyObject *k = fxpy_fs_bytes(PyTuple_GetItem(kv, 0)), *val;
		if (!k)
			goto out;
		val = fxpy_fs_bytes(PyTuple_GetItem(kv, 1));
		if (!val) {
			Py_DECREF(k);
			goto out;
		}
		if (strchr(PyBytes_AsString(k), '=') || !PyBytes_Size(k)) {
			PyErr_Format(PyExc_ValueError, "illegal environment variable name");
			Py_DECREF(k);
			Py_DECREF(val);
			goto out;
		}
		keep[i] = PyBytes_FromFormat("%s=%s", PyBytes_AsString(k), PyBytes_AsString(val));
		Py_DECREF(k);
		Py_DECREF(val);
		if (!keep[i])
			goto out;
		envp[i] = PyBytes_AsString(keep[i]);
	}
	rc = fx_attr_set_env(c->spec->attr, envp);
	rc = rc < 0 ? fxpy_fail_rc(key, rc) : 0;
out:
	if (keep)
		for (Py_ssize_t i = 0; i < n; i++)
			Py_XDECREF(keep[i]);
	free(keep);
	free(envp);
	Py_DECREF(items);
	return rc;
}

static int k_user(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	long id = -1;

	if (id_of(key, v, 0, &id) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_uid(c->spec->attr, (uid_t)id));
	return 0;
}

static int k_group(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	long id = -1;

	if (id_of(key, v, 1, &id) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_gid(c->spec->attr, (gid_t)id));
	return 0;
}

static int k_groups(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	struct gid_list *l = calloc(1, sizeof *l);
	int rc;

	if (!l) {
		PyErr_NoMemory();
		return -1;
	}
	rc = fxpy_each(key, v, add_gid, l);
	if (rc == 0) {
		rc = fx_attr_set_groups(c->spec->attr, l->n, l->v);
		rc = rc < 0 ? fxpy_fail_rc(key, rc) : 0;
	}
	free(l);
	return rc;
}

static int flag(struct fxpy_ctx *c, PyObject *v, unsigned bit)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	if (t)
		c->spec->flags |= bit;
	else
		c->spec->flags &= ~bit;
	return 0;
}

static int k_setsid(struct fxpy_ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_SETSID); }
static int k_noctty(struct fxpy_ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_NOCTTY); }
static int k_setctty(struct fxpy_ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_SETCTTY); }
static int k_foreground(struct fxpy_ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_FOREGROUND); }
static int k_ptrace(struct fxpy_ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_PTRACE); }
static int k_clean_signals(struct fxpy_ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_CLEAN_SIGNALS); }

static int k_close_fds(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	if (t)
		c->spec->flags &= ~FX_KEEP_FDS;
	else
		c->spec->flags |= FX_KEEP_FDS;
	return 0;
}

static int k_restore_signals(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	c->restore_signals = t;
	return 0;
}

static int k_process_group(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	long pg;

	if (fxpy_as_long(key, v, &pg) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_pgid(c->spec->attr, (pid_t)pg));
	c->spec->has_pgid = pg >= 0;
	c->spec->pgid = pg;
	return 0;
}

static int k_umask(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	long m;

	if (fxpy_as_long(key, v, &m) < 0)
		return -1;
	if (m < 0) /* subprocess's default, -1: the parent's */
		return 0;
	FXPY_CHECK(key, fx_attr_set_umask(c->spec->attr, (mode_t)m));
	return 0;
}

static int map_one(const char *key, PyObject *item, void *ctx)
{
	long fd;

	if (fxpy_as_long(key, item, &fd) < 0)
		return -1;
	if (fd < 0 || fd > INT32_MAX) {
		PyErr_Format(PyExc_ValueError, "%s: bad descriptor %ld", key, fd);
		return -1;
	}
	FXPY_CHECK(key, fx_attr_set_fd(ctx, (int)fd, (int)fd));
	return 0;
}

static int k_pass_fds(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_each(key, v, map_one, c->spec->attr);
}

static int k_pdeathsig(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_int(c, key, v, fx_attr_set_pdeathsig);
}

static int k_tty_fd(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_int(c, key, v, fx_attr_set_tty_fd);
}

static int k_backend(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int b;

	if (PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, "clone") == 0)
		b = FX_BACKEND_CLONE;
	else if (PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, "fork") == 0)
		b = FX_BACKEND_FORK;
	else {
		PyErr_Format(PyExc_ValueError, "%s: 'clone' or 'fork'", key);
		return -1;
	}
	FXPY_CHECK(key, fx_attr_set_backend(c->spec->attr, b));
	return 0;
}

static int add_sig(const char *key, PyObject *item, void *ctx)
{
	long s;

	if (fxpy_as_long(key, item, &s) < 0)
		return -1;
	if (sigaddset(ctx, (int)s) < 0) {
		PyErr_Format(PyExc_ValueError, "%s: bad signal %ld", key, s);
		return -1;
	}
	return 0;
}

static int k_sigmask(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	sigemptyset(&c->sigmask);
	if (fxpy_each(key, v, add_sig, &c->sigmask) < 0)
		return -1;
	c->has_sigmask = 1;
	return 0;
}

static const struct { const char *name; unsigned long flag; } ns_names[] = {
	{ "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID }, { "mount", CLONE_NEWNS },
	{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP },
#ifdef CLONE_NEWTIME
	{ "time", CLONE_NEWTIME },
#else
	{ "time", 0x80 },
#endif
};

static int add_ns(const char *key, PyObject *item, void *ctx)
{
	unsigned long *flags = ctx;

	for (size_t i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++) {
		if (PyUnicode_Check(item) && PyUnicode_CompareWithASCIIString(item, ns_names[i].name) == 0) {
			*flags |= ns_names[i].flag;
			return 0;
		}
	}
	PyErr_Format(PyExc_ValueError, "%s: unknown namespace %R (user, pid, mount, net, uts, ipc, cgroup, time)", key, item);
	return -1;
}

/* Kinds of namespace, for namespaces and join: names or CLONE_NEW* bits. */
int fxpy_ns_flags_of(const char *key, PyObject *v, unsigned long *flags)
{
	*flags = 0;
	if (PyLong_Check(v)) {
		*flags = PyLong_AsUnsignedLong(v);
		return PyErr_Occurred() ? -1 : 0;
	}
	return fxpy_each(key, v, add_ns, flags);
}

static int k_namespaces(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	unsigned long flags;

	if (fxpy_ns_flags_of(key, v, &flags) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_namespaces(c->spec->attr, flags));
	return 0;
}

static int add_map_line(const char *key, PyObject *item, void *ctx)
{
	struct fxpy_ctx *c = ctx;
	unsigned long in, out, count;
	PyObject *t = PySequence_Tuple(item);

	if (!t)
		return -1;
	if (!PyArg_ParseTuple(t, "kkk", &in, &out, &count)) {
		Py_DECREF(t);
		return -1;
	}
	Py_DECREF(t);
	if (key[0] == 'u')
		FXPY_CHECK(key, fx_attr_add_uid_map(c->spec->attr, (uid_t)in, (uid_t)out, (unsigned)count));
	else
		FXPY_CHECK(key, fx_attr_add_gid_map(c->spec->attr, (gid_t)in, (gid_t)out, (unsigned)count));
	return 0;
}

static int k_id_map(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_each(key, v, add_map_line, c);
}

static int k_setgroups(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int p;

	if (PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, "allow") == 0)
		p = FX_SETGROUPS_ALLOW;
	else if (PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, "deny") == 0)
		p = FX_SETGROUPS_DENY;
	else {
		PyErr_Format(PyExc_ValueError, "%s: 'allow' or 'deny'", key);
		return -1;
	}
	FXPY_CHECK(key, fx_attr_set_setgroups_policy(c->spec->attr, p));
	return 0;
}

static int k_map_root_user(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	if (t)
		FXPY_CHECK(key, fx_attr_set_root_maps(c->spec->attr));
	return 0;
}

static int add_cap(const char *key, PyObject *item, void *ctx)
{
	long cap;

	if (fxpy_as_long(key, item, &cap) < 0)
		return -1;
	if (cap < 0 || cap > 63) {
		PyErr_Format(PyExc_ValueError, "%s: bad capability %ld", key, cap);
		return -1;
	}
	*(uint64_t *)ctx |= FX_CAP(cap);
	return 0;
}

/* Capabilities: an iterable of numbers (CAP_NET_BIND_SERVICE is 10). */
static int caps_of(const char *key, PyObject *v, uint64_t *caps)
{
	*caps = 0;
	return fxpy_each(key, v, add_cap, caps);
}

static int k_ambient_caps(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	uint64_t caps;

	if (caps_of(key, v, &caps) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_ambient_caps(c->spec->attr, caps));
	return 0;
}

/* The child's inheritable set, exactly (an empty iterable: none). */
static int k_inheritable_caps(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	uint64_t caps;

	if (caps_of(key, v, &caps) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_inheritable_caps(c->spec->attr, caps));
	return 0;
}

static int k_drop_caps(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	uint64_t caps;

	if (caps_of(key, v, &caps) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_add_bounding_drop(c->spec->attr, caps));
	return 0;
}

static int k_cgroup(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	if (PyLong_Check(v)) {
		long fd;
		if (fxpy_as_long(key, v, &fd) < 0)
			return -1;
		FXPY_CHECK(key, fx_attr_set_cgroup_fd(c->spec->attr, (int)fd));
		return 0;
	}
	PyObject *b = fxpy_fs_bytes(v);
	int rc;
	if (!b)
		return -1;
	rc = fx_attr_set_cgroup_path(c->spec->attr, PyBytes_AsString(b));
	Py_DECREF(b);
	return rc < 0 ? fxpy_fail_rc(key, rc) : 0;
}

/* An rlimit value: a number, with -1 (resource.RLIM_INFINITY) for none. */
static int rlim_of(const char *key, PyObject *v, uint64_t *out)
{
	long long x = PyLong_AsLongLong(v);

	if (x == -1 && PyErr_Occurred())
		return -1;
	*out = x < 0 ? UINT64_MAX : (uint64_t)x;
	return 0;
}

/* One resource: a limit for both, or (soft, hard). */
static int set_rlimit_pair(const char *key, PyObject *res, PyObject *val, void *attr)
{
	long r;
	uint64_t soft, hard;
	int rc = fxpy_as_long(key, res, &r);

	if (rc == 0 && PyLong_Check(val)) {
		rc = rlim_of(key, val, &soft);
		hard = soft;
	} else if (rc == 0) {
		PyObject *t = PySequence_Tuple(val);
		rc = -1;
		if (t && PyTuple_Size(t) == 2 && rlim_of(key, PyTuple_GetItem(t, 0), &soft) == 0 &&
		    rlim_of(key, PyTuple_GetItem(t, 1), &hard) == 0)
			rc = 0;
		else if (!PyErr_Occurred())
			PyErr_Format(PyExc_ValueError, "%s: a limit or (soft, hard)", key);
		Py_XDECREF(t);
	}
	return rc < 0 ? -1 : fxpy_fail_if(key, fx_attr_set_rlimit(attr, (int)r, soft, hard));
}

static int k_rlimits(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_each_pair(key, v, set_rlimit_pair, c->spec->attr);
}

static int k_no_new_privs(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_no_new_privs(c->spec->attr, t));
	return 0;
}

static int k_nice(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_int(c, key, v, fx_attr_set_nice);
}

/* nice(1)'s -n: the spawning thread's nice value at each spawn, plus
 * this, clamped by the library (refused with nice: see exclusive). */
static int k_nice_adjust(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	return fxpy_set_int(c, key, v, fx_attr_set_nice_adjust);
}

static int k_sched(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	int policy, prio;
	PyObject *t = PySequence_Tuple(v);

	if (!t)
		return -1;
	if (!PyArg_ParseTuple(t, "ii", &policy, &prio)) {
		Py_DECREF(t);
		return -1;
	}
	Py_DECREF(t);
	FXPY_CHECK(key, fx_attr_set_sched(c->spec->attr, policy, prio));
	return 0;
}

static int add_cpu(const char *key, PyObject *item, void *ctx)
{
	long cpu;

	if (fxpy_as_long(key, item, &cpu) < 0)
		return -1;
	if (cpu < 0 || cpu >= CPU_SETSIZE) {
		PyErr_Format(PyExc_ValueError, "%s: bad CPU %ld", key, cpu);
		return -1;
	}
	CPU_SET((int)cpu, (cpu_set_t *)ctx);
	return 0;
}

static int k_cpus(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (fxpy_each(key, v, add_cpu, &set) < 0)
		return -1;
	FXPY_CHECK(key, fx_attr_set_cpus(c->spec->attr, sizeof set, &set));
	return 0;
}

/* seccomp: the filter as bytes, struct sock_filter after struct sock_filter. */
static int k_seccomp(struct fxpy_ctx *c, const char *key, PyObject *v)
{
	PyObject *b = PyBytes_FromObject(v);
	struct sock_fprog prog;
	Py_ssize_t len;
	int rc;

	if (!b)
		return -1;
	len = PyBytes_Size(b);
	if (len % (Py_ssize_t)sizeof(struct sock_filter) || len / 8 > USHRT_MAX) {
		Py_DECREF(b);
		PyErr_Format(PyExc_ValueError, "%s: a whole number of 8-byte instructions", key);
		return -1;
	}
	prog.len = (unsigned short)(len / (Py_ssize_t)sizeof(struct sock_filter));
	prog.filter = (struct sock_filter *)PyBytes_AsString(b);
	rc = fx_attr_set_seccomp(c->spec->attr, &prog);
	Py_DECREF(b);
	return rc < 0 ? fxpy_fail_rc(key, rc) : 0;
}

/* attrs_sandbox.c has the sandbox's. */
static const struct fxpy_keyword keywords[] = {
	{ "cwd", k_cwd, 0 }, { "env", k_env, 0 }, { "executable", k_executable, 0 },
	{ "user", k_user, 0 }, { "group", k_group, 0 }, { "groups", k_groups, 0 },
	{ "extra_groups", k_groups, 0 }, { "setsid", k_setsid, 0 },
	{ "start_new_session", k_setsid, 0 }, { "process_group", k_process_group, 0 },
	{ "umask", k_umask, 0 }, { "pass_fds", k_pass_fds, 0 }, { "close_fds", k_close_fds, 0 },
	{ "restore_signals", k_restore_signals, 0 }, { "chroot", k_chroot, 0 },
	{ "pdeathsig", k_pdeathsig, 0 }, { "backend", k_backend, 0 }, { "noctty", k_noctty, 0 },
	{ "setctty", k_setctty, 0 }, { "foreground", k_foreground, 0 }, { "tty_fd", k_tty_fd, 0 },
	{ "ptrace", k_ptrace, 0 }, { "clean_signals", k_clean_signals, 0 },
	{ "sigmask", k_sigmask, 0 }, { "namespaces", k_namespaces, 0 }, { "uid_map", k_id_map, 0 },
	{ "gid_map", k_id_map, 0 }, { "setgroups", k_setgroups, 0 },
	{ "map_root_user", k_map_root_user, 0 }, { "ambient_caps", k_ambient_caps, 0 },
	{ "inheritable_caps", k_inheritable_caps, 0 }, { "drop_caps", k_drop_caps, 0 },
	{ "cgroup", k_cgroup, 0 }, { "rlimits", k_rlimits, 0 },
	{ "no_new_privs", k_no_new_privs, 0 }, { "nice", k_nice, 0 },
	{ "nice_adjust", k_nice_adjust, 0 }, { "sched", k_sched, 0 }, { "cpus", k_cpus, 0 },
	{ "seccomp", k_seccomp, 0 },
};

/*
 * Keywords that set one attribute of the library two ways, the later
 * call replacing the earlier: in one Python call neither is "later", so
 * both given is refused (ValueError, as subprocess refuses stdin with
 * input).
 */
static const char *const exclusive[][2] = {
	{ "nice", "nice_adjust" }, { "sched", "sched_deadline" },
	{ "seccomp_deny", "seccomp_allow" },
};

static int check_exclusive(PyObject *kw)
{
	for (size_t i = 0; i < sizeof exclusive / sizeof exclusive[0]; i++) {
		PyObject *a = PyDict_GetItemString(kw, exclusive[i][0]);
		PyObject *b = PyDict_GetItemString(kw, exclusive[i][1]);
		if (a && a != Py_None && b && b != Py_None) {
			PyErr_Format(PyExc_ValueError, "%s and %s may not both be used",
			             exclusive[i][0], exclusive[i][1]);
			return -1;
		}
	}
	return 0;
}

/* The row of keyword `key` in one table, or NULL. */
static const struct fxpy_keyword *find_keyword(const struct fxpy_keyword *table, size_t n,
                                               PyObject *key)
{
	for (size_t i = 0; i < n; i++)
		if (PyUnicode_CompareWithASCIIString(key, table[i].name) == 0)
			return &table[i];
	return NULL;
}

/* Applies keyword `key` in its pass (late or not); refuses an unknown one. */
static int apply_keyword(struct fxpy_ctx *c, PyObject *key, PyObject *v, int late)
{
	const struct fxpy_keyword *k = find_keyword(keywords, sizeof keywords / sizeof keywords[0], key);

	if (!k)
		k = find_keyword(fxpy_sandbox_keywords, fxpy_n_sandbox_keywords, key);
	if (!k) {
		PyErr_Format(PyExc_TypeError, "unexpected keyword argument %R", key);
		return -1;
	}
	return v == Py_None || k->late != late ? 0 : k->fn(c, k->name, v);
}

/* Where one stream goes: None, PIPE, STDOUT, DEVNULL, a number or a file. */
static int set_stream(struct fxpy_spec *spec, int s, PyObject *v, int nonblock)
{
	long fd;
	int rc;

	if (!v || v == Py_None)
		return 0;
	if (PyLong_Check(v)) {
		if (fxpy_as_long("stdio", v, &fd) < 0)
			return -1;
	} else {
		PyObject *n = PyObject_CallMethod(v, "fileno", NULL);
		if (!n)
			return -1;
		rc = fxpy_as_long("stdio", n, &fd);
		Py_DECREF(n);
		if (rc < 0)
			return -1;
	}
	if (fd == FXPY_PIPE) {
		rc = fx_attr_set_stdio(spec->attr, s, nonblock ? FX_STDIO_PIPE_NONBLOCK : FX_STDIO_PIPE);
		spec->piped[s] = 1;
	} else if (fd == FXPY_DEVNULL) {
		rc = fx_attr_set_stdio(spec->attr, s, FX_STDIO_NULL);
	} else if (fd == FXPY_STDOUT) {
		if (s != FX_STDERR) {
			PyErr_SetString(PyExc_ValueError, "STDOUT is for stderr only");
			return -1;
		}
		rc = fx_attr_set_stdio(spec->attr, s, FX_STDIO_STDOUT);
		spec->piped[s] = 0;
	} else if (fd >= 0 && fd <= INT32_MAX) {
		rc = fx_attr_set_stdio_fd(spec->attr, s, (int)fd);
	} else {
		PyErr_Format(PyExc_ValueError, "bad stdio value %ld", fd);
		return -1;
	}
	return rc < 0 ? fxpy_fail_rc("stdio", rc) : 0;
}

static int build_argv(struct fxpy_spec *spec, PyObject *args)
{
	PyObject *seq;
	Py_ssize_t n;

	if (PyUnicode_Check(args) || PyBytes_Check(args) || !PySequence_Check(args)) {
		/* A lone program, as subprocess takes it. */
		PyObject *b = fxpy_fs_bytes(args);
		if (!b)
			return -1;
		spec->argv_keep = PyList_New(1);
		if (!spec->argv_keep) {
			Py_DECREF(b);
			return -1;
		}
		PyList_SetItem(spec->argv_keep, 0, b);
	} else {
		seq = PySequence_List(args);
		if (!seq)
			return -1;
		n = PyList_Size(seq);
		for (Py_ssize_t i = 0; i < n; i++) {
			PyObject *b = fxpy_fs_bytes(PyList_GetItem(seq, i));
			if (!b) {
				Py_DECREF(seq);
				return -1;
			}
			PyList_SetItem(seq, i, b);
		}
		spec->argv_keep = seq;
	}
	n = PyList_Size(spec->argv_keep);
	if (n == 0) {
		PyErr_SetString(PyExc_IndexError, "args is empty");
		return -1;
	}
	spec->argv = calloc((size_t)n + 1, sizeof *spec->argv);
	if (!spec->argv) {
		PyErr_NoMemory();
		return -1;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *b = PyList_GetItem(spec->argv_keep, i);
		char *s = PyBytes_AsString(b);
		if ((Py_ssize_t)strlen(s) != PyBytes_Size(b)) {
			PyErr_SetString(PyExc_ValueError, "embedded null byte");
			return -1;
		}
		spec->argv[i] = s;
	}
	spec->file = PyList_GetItem(spec->argv_keep, 0);
	Py_INCREF(spec->file);
	return 0;
}

int fxpy_spec_build(struct fxpy_spec *spec, PyObject *args, PyObject *stdio[3],
                    PyObject *kw, int nonblock, int new_group)
{
	struct fxpy_ctx c;
	int rc;

	memset(spec, 0, sizeof *spec);
	memset(&c, 0, sizeof c);
	c.spec = spec;
	c.restore_signals = 1;
	if ((rc = fx_attr_new(&spec->attr)) < 0) {
		PyErr_NoMemory();
		return -1;
	}
	if (build_argv(spec, args) < 0)
		return -1;
	if (kw) {
		PyObject *key, *v;
		if (check_exclusive(kw) < 0)
			return -1;
		for (int late = 0; late < 2; late++) {
			Py_ssize_t pos = 0;
			while (PyDict_Next(kw, &pos, &key, &v))
				if (apply_keyword(&c, key, v, late) < 0)
					return -1;
		}
	}
	for (int s = 0; s < 3; s++)
		if (set_stream(spec, s, stdio[s], nonblock) < 0)
			return -1;
	/* kill_group: a group of the child's own, unless one was asked for. */
	if (new_group && !spec->has_pgid && !(spec->flags & FX_SETSID))
		FXPY_CHECK("kill_group", fx_attr_set_pgid(spec->attr, 0));
	FXPY_CHECK("flags", fx_attr_set_flags(spec->attr, spec->flags));
	if (c.has_sigmask)
		FXPY_CHECK("sigmask", fx_attr_set_sigmask(spec->attr, &c.sigmask));
	if (c.restore_signals) {
		/* subprocess's restore_signals: what Python ignores at start-up
		 * goes back to the default, so `yes | head` ends as in a shell. */
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigaddset(&set, SIGXFSZ);
		FXPY_CHECK("restore_signals", fx_attr_set_sigdefault(spec->attr, &set));
	}
	return 0;
}

void fxpy_spec_clear(struct fxpy_spec *spec)
{
	fx_attr_free(spec->attr);
	free(spec->argv);
	Py_XDECREF(spec->file);
	Py_XDECREF(spec->argv_keep);
	memset(spec, 0, sizeof *spec);
}
