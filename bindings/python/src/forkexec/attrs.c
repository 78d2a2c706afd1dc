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

#include "fxpy.h"

/* The exception for a setter's negative errno; `what`, when not NULL,
 * names the item of the keyword's value that was refused. */
static int fail_rc_on(const char *key, const char *what, int rc)
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

static int fail_rc(const char *key, int rc)
{
	return fail_rc_on(key, NULL, rc);
}

/* A setter's result: 0, or -1 with its exception. */
static int fail_if(const char *key, int rc)
{
	return rc < 0 ? fail_rc(key, rc) : 0;
}

#define CHECK(key, call) do { int rc_ = (call); if (rc_ < 0) return fail_rc(key, rc_); } while (0)

static int as_long(const char *key, PyObject *v, long *out)
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
static PyObject *fs_bytes(PyObject *v)
{
	PyObject *b = NULL;

	if (!PyUnicode_FSConverter(v, &b))
		return NULL;
	return b;
}

/* Calls fn on each item of an iterable. */
static int each(const char *key, PyObject *v, int (*fn)(const char *, PyObject *, void *), void *ctx)
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

static int id_of(const char *key, PyObject *v, int group, long *out)
{
	if (PyLong_Check(v))
		return as_long(key, v, out);
	PyObject *b = fs_bytes(v);
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

struct ctx {
	struct fxpy_spec *spec;
	int restore_signals;
	sigset_t sigmask;
	int has_sigmask;
};

typedef int (*handler)(struct ctx *c, const char *key, PyObject *v);

/* The keywords whose value is one string (a path, a name) given to one
 * setter, which copies it. */
static int set_text(struct ctx *c, const char *key, PyObject *v,
                    int (*set)(fx_attr *, const char *))
{
	PyObject *b = fs_bytes(v);
	int rc;

	if (!b)
		return -1;
	rc = set(c->spec->attr, PyBytes_AsString(b));
	Py_DECREF(b);
	return fail_if(key, rc);
}

/* The keywords whose value is one int given to one setter. */
static int set_int(struct ctx *c, const char *key, PyObject *v, int (*set)(fx_attr *, int))
{
	long n;

	if (as_long(key, v, &n) < 0)
		return -1;
	if (n < INT_MIN || n > INT_MAX) {
		PyErr_Format(PyExc_ValueError, "%s: %ld is out of range", key, n);
		return -1;
	}
	CHECK(key, set(c->spec->attr, (int)n));
	return 0;
}

static int k_cwd(struct ctx *c, const char *key, PyObject *v)
{
	return set_text(c, key, v, fx_attr_set_cwd);
}

static int k_chroot(struct ctx *c, const char *key, PyObject *v)
{
	return set_text(c, key, v, fx_attr_set_chroot);
}

static int k_executable(struct ctx *c, const char *key, PyObject *v)
{
	PyObject *b = fs_bytes(v);

	if (!b)
		return -1;
	Py_XDECREF(c->spec->file);
	c->spec->file = b;
	return 0;
}

static int k_env(struct ctx *c, const char *key, PyObject *v)
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
		PyObject *k = fs_bytes(PyTuple_GetItem(kv, 0)), *val;
		if (!k)
			goto out;
		val = fs_bytes(PyTuple_GetItem(kv, 1));
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
	rc = rc < 0 ? fail_rc(key, rc) : 0;
out:
	if (keep)
		for (Py_ssize_t i = 0; i < n; i++)
			Py_XDECREF(keep[i]);
	free(keep);
	free(envp);
	Py_DECREF(items);
	return rc;
}

static int k_user(struct ctx *c, const char *key, PyObject *v)
{
	long id = -1;

	if (id_of(key, v, 0, &id) < 0)
		return -1;
	CHECK(key, fx_attr_set_uid(c->spec->attr, (uid_t)id));
	return 0;
}

static int k_group(struct ctx *c, const char *key, PyObject *v)
{
	long id = -1;

	if (id_of(key, v, 1, &id) < 0)
		return -1;
	CHECK(key, fx_attr_set_gid(c->spec->attr, (gid_t)id));
	return 0;
}

static int k_groups(struct ctx *c, const char *key, PyObject *v)
{
	struct gid_list *l = calloc(1, sizeof *l);
	int rc;

	if (!l) {
		PyErr_NoMemory();
		return -1;
	}
	rc = each(key, v, add_gid, l);
	if (rc == 0) {
		rc = fx_attr_set_groups(c->spec->attr, l->n, l->v);
		rc = rc < 0 ? fail_rc(key, rc) : 0;
	}
	free(l);
	return rc;
}

static int flag(struct ctx *c, PyObject *v, unsigned bit)
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

static int k_setsid(struct ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_SETSID); }
static int k_noctty(struct ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_NOCTTY); }
static int k_setctty(struct ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_SETCTTY); }
static int k_foreground(struct ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_FOREGROUND); }
static int k_ptrace(struct ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_PTRACE); }
static int k_clean_signals(struct ctx *c, const char *key, PyObject *v) { return flag(c, v, FX_CLEAN_SIGNALS); }

static int k_close_fds(struct ctx *c, const char *key, PyObject *v)
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

static int k_restore_signals(struct ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	c->restore_signals = t;
	return 0;
}

static int k_process_group(struct ctx *c, const char *key, PyObject *v)
{
	long pg;

	if (as_long(key, v, &pg) < 0)
		return -1;
	CHECK(key, fx_attr_set_pgid(c->spec->attr, (pid_t)pg));
	c->spec->has_pgid = pg >= 0;
	c->spec->pgid = pg;
	return 0;
}

static int k_umask(struct ctx *c, const char *key, PyObject *v)
{
	long m;

	if (as_long(key, v, &m) < 0)
		return -1;
	if (m < 0) /* subprocess's default, -1: the parent's */
		return 0;
	CHECK(key, fx_attr_set_umask(c->spec->attr, (mode_t)m));
	return 0;
}

static int map_one(const char *key, PyObject *item, void *ctx)
{
	long fd;

	if (as_long(key, item, &fd) < 0)
		return -1;
	if (fd < 0 || fd > INT32_MAX) {
		PyErr_Format(PyExc_ValueError, "%s: bad descriptor %ld", key, fd);
		return -1;
	}
	CHECK(key, fx_attr_set_fd(ctx, (int)fd, (int)fd));
	return 0;
}

static int k_pass_fds(struct ctx *c, const char *key, PyObject *v)
{
	return each(key, v, map_one, c->spec->attr);
}

static int k_pdeathsig(struct ctx *c, const char *key, PyObject *v)
{
	return set_int(c, key, v, fx_attr_set_pdeathsig);
}

static int k_tty_fd(struct ctx *c, const char *key, PyObject *v)
{
	return set_int(c, key, v, fx_attr_set_tty_fd);
}

static int k_backend(struct ctx *c, const char *key, PyObject *v)
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
	CHECK(key, fx_attr_set_backend(c->spec->attr, b));
	return 0;
}

static int add_sig(const char *key, PyObject *item, void *ctx)
{
	long s;

	if (as_long(key, item, &s) < 0)
		return -1;
	if (sigaddset(ctx, (int)s) < 0) {
		PyErr_Format(PyExc_ValueError, "%s: bad signal %ld", key, s);
		return -1;
	}
	return 0;
}

static int k_sigmask(struct ctx *c, const char *key, PyObject *v)
{
	sigemptyset(&c->sigmask);
	if (each(key, v, add_sig, &c->sigmask) < 0)
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
static int ns_flags_of(const char *key, PyObject *v, unsigned long *flags)
{
	*flags = 0;
	if (PyLong_Check(v)) {
		*flags = PyLong_AsUnsignedLong(v);
		return PyErr_Occurred() ? -1 : 0;
	}
	return each(key, v, add_ns, flags);
}

static int k_namespaces(struct ctx *c, const char *key, PyObject *v)
{
	unsigned long flags;

	if (ns_flags_of(key, v, &flags) < 0)
		return -1;
	CHECK(key, fx_attr_set_namespaces(c->spec->attr, flags));
	return 0;
}

static int add_map_line(const char *key, PyObject *item, void *ctx)
{
	struct ctx *c = ctx;
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
		CHECK(key, fx_attr_add_uid_map(c->spec->attr, (uid_t)in, (uid_t)out, (unsigned)count));
	else
		CHECK(key, fx_attr_add_gid_map(c->spec->attr, (gid_t)in, (gid_t)out, (unsigned)count));
	return 0;
}

static int k_id_map(struct ctx *c, const char *key, PyObject *v)
{
	return each(key, v, add_map_line, c);
}

static int k_setgroups(struct ctx *c, const char *key, PyObject *v)
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
	CHECK(key, fx_attr_set_setgroups_policy(c->spec->attr, p));
	return 0;
}

static int k_map_root_user(struct ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	if (t)
		CHECK(key, fx_attr_set_root_maps(c->spec->attr));
	return 0;
}

static int add_cap(const char *key, PyObject *item, void *ctx)
{
	long cap;

	if (as_long(key, item, &cap) < 0)
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
	return each(key, v, add_cap, caps);
}

static int k_ambient_caps(struct ctx *c, const char *key, PyObject *v)
{
	uint64_t caps;

	if (caps_of(key, v, &caps) < 0)
		return -1;
	CHECK(key, fx_attr_set_ambient_caps(c->spec->attr, caps));
	return 0;
}

/* The child's inheritable set, exactly (an empty iterable: none). */
static int k_inheritable_caps(struct ctx *c, const char *key, PyObject *v)
{
	uint64_t caps;

	if (caps_of(key, v, &caps) < 0)
		return -1;
	CHECK(key, fx_attr_set_inheritable_caps(c->spec->attr, caps));
	return 0;
}

static int k_drop_caps(struct ctx *c, const char *key, PyObject *v)
{
	uint64_t caps;

	if (caps_of(key, v, &caps) < 0)
		return -1;
	CHECK(key, fx_attr_add_bounding_drop(c->spec->attr, caps));
	return 0;
}

static int k_cgroup(struct ctx *c, const char *key, PyObject *v)
{
	if (PyLong_Check(v)) {
		long fd;
		if (as_long(key, v, &fd) < 0)
			return -1;
		CHECK(key, fx_attr_set_cgroup_fd(c->spec->attr, (int)fd));
		return 0;
	}
	PyObject *b = fs_bytes(v);
	int rc;
	if (!b)
		return -1;
	rc = fx_attr_set_cgroup_path(c->spec->attr, PyBytes_AsString(b));
	Py_DECREF(b);
	return rc < 0 ? fail_rc(key, rc) : 0;
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

static int k_rlimits(struct ctx *c, const char *key, PyObject *v)
{
	PyObject *items = PyMapping_Items(v);
	int rc = 0;

	if (!items)
		return -1;
	for (Py_ssize_t i = 0; rc == 0 && i < PyList_Size(items); i++) {
		PyObject *kv = PyList_GetItem(items, i);
		PyObject *res = PyTuple_GetItem(kv, 0), *val = PyTuple_GetItem(kv, 1);
		long r;
		uint64_t soft, hard;
		rc = as_long(key, res, &r);
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
		if (rc == 0) {
			int e = fx_attr_set_rlimit(c->spec->attr, (int)r, soft, hard);
			rc = e < 0 ? fail_rc(key, e) : 0;
		}
	}
	Py_DECREF(items);
	return rc;
}

static int k_no_new_privs(struct ctx *c, const char *key, PyObject *v)
{
	int t = PyObject_IsTrue(v);

	if (t < 0)
		return -1;
	CHECK(key, fx_attr_set_no_new_privs(c->spec->attr, t));
	return 0;
}

static int k_nice(struct ctx *c, const char *key, PyObject *v)
{
	return set_int(c, key, v, fx_attr_set_nice);
}

/* nice(1)'s -n: the spawning thread's nice value at each spawn, plus
 * this, clamped by the library (refused with nice: see exclusive). */
static int k_nice_adjust(struct ctx *c, const char *key, PyObject *v)
{
	return set_int(c, key, v, fx_attr_set_nice_adjust);
}

static int k_sched(struct ctx *c, const char *key, PyObject *v)
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
	CHECK(key, fx_attr_set_sched(c->spec->attr, policy, prio));
	return 0;
}

static int add_cpu(const char *key, PyObject *item, void *ctx)
{
	long cpu;

	if (as_long(key, item, &cpu) < 0)
		return -1;
	if (cpu < 0 || cpu >= CPU_SETSIZE) {
		PyErr_Format(PyExc_ValueError, "%s: bad CPU %ld", key, cpu);
		return -1;
	}
	CPU_SET((int)cpu, (cpu_set_t *)ctx);
	return 0;
}

static int k_cpus(struct ctx *c, const char *key, PyObject *v)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (each(key, v, add_cpu, &set) < 0)
		return -1;
	CHECK(key, fx_attr_set_cpus(c->spec->attr, sizeof set, &set));
	return 0;
}

/* seccomp: the filter as bytes, struct sock_filter after struct sock_filter. */
static int k_seccomp(struct ctx *c, const char *key, PyObject *v)
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
	return rc < 0 ? fail_rc(key, rc) : 0;
}

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

/* each() over a collection, refusing a lone str or bytes, which would
 * otherwise be taken letter by letter. */
static int each_item(const char *key, PyObject *v,
                     int (*fn)(const char *, PyObject *, void *), void *ctx)
{
	if (PyUnicode_Check(v) || PyBytes_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s: a collection is required, not a single string", key);
		return -1;
	}
	return each(key, v, fn, ctx);
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

static int k_ioprio(struct ctx *c, const char *key, PyObject *v)
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
		rc = as_long(key, PyTuple_GetItem(t, 0), &cls);
	}
	if (rc == 0)
		rc = as_long(key, PyTuple_GetItem(t, 1), &level);
	Py_DECREF(t);
	if (rc < 0)
		return -1;
	/* Out of int's range is as invalid as out of the library's. */
	if (cls < 0 || cls > INT_MAX || level < 0 || level > INT_MAX)
		return fail_rc(key, -EINVAL);
	CHECK(key, fx_attr_set_ioprio(c->spec->attr, (int)cls, (int)level));
	return 0;
}

static int k_securebits(struct ctx *c, const char *key, PyObject *v)
{
	return set_int(c, key, v, fx_attr_set_securebits);
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
			return fail_rc(key, -EINVAL);
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
		return fail_rc(key, -EINVAL);
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
static int k_time_offsets(struct ctx *c, const char *key, PyObject *v)
{
	PyObject *items = PyMapping_Items(v);
	int rc = 0;

	if (!items)
		return -1;
	for (Py_ssize_t i = 0; rc == 0 && i < PyList_Size(items); i++) {
		PyObject *kv = PyList_GetItem(items, i);
		long clock, nsec;
		int64_t sec;

		rc = as_long(key, PyTuple_GetItem(kv, 0), &clock);
		if (rc == 0)
			rc = offset_of(key, PyTuple_GetItem(kv, 1), &sec, &nsec);
		if (rc == 0 && (clock < INT_MIN || clock > INT_MAX))
			rc = fail_rc(key, -EINVAL);
		if (rc == 0)
			rc = fail_if(key, fx_attr_set_time_offset(c->spec->attr, (int)clock, sec, nsec));
	}
	Py_DECREF(items);
	return rc;
}

/* unshare --mount-proc=DIR (adds a mount namespace: see late). */
static int k_mount_proc(struct ctx *c, const char *key, PyObject *v)
{
	return set_text(c, key, v, fx_attr_set_mount_proc);
}

/* chrt --deadline: (runtime_ns, deadline_ns, period_ns), period 0 being
 * the deadline (refused with sched: see exclusive). */
static int k_sched_deadline(struct ctx *c, const char *key, PyObject *v)
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
	CHECK(key, fx_attr_set_sched_deadline(c->spec->attr, ns[0], ns[1], ns[2]));
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
	if (takes_src && PyTuple_GetItem(t, 1) != Py_None && !(src = fs_bytes(PyTuple_GetItem(t, 1))))
		goto out;
	if (!(dest = fs_bytes(PyTuple_GetItem(t, 2))))
		goto out;
	if (PyTuple_Size(t) == 5) {
		long size, mode;
		if (as_long(key, PyTuple_GetItem(t, 3), &size) < 0 ||
		    as_long(key, PyTuple_GetItem(t, 4), &mode) < 0)
			goto out;
		rc = size < 0 || mode < 0 ? -EINVAL
		     : fx_attr_add_tmpfs(ctx, PyBytes_AsString(dest), (unsigned long)size, (mode_t)mode);
	} else {
		rc = fx_attr_add_mount(ctx, kind, src ? PyBytes_AsString(src) : NULL,
		                       PyBytes_AsString(dest));
	}
	if (rc < 0)
		rc = fail_rc_on(key, PyBytes_AsString(dest), rc);
out:
	Py_XDECREF(src);
	Py_XDECREF(dest);
	Py_DECREF(t);
	return rc;
}

static int k_mounts(struct ctx *c, const char *key, PyObject *v)
{
	return each_item(key, v, add_mount, c->spec->attr);
}

static int k_hostname(struct ctx *c, const char *key, PyObject *v)
{
	return set_text(c, key, v, fx_attr_set_hostname);
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
	PyObject *b = fs_bytes(item);
	int rc;

	if (!b)
		return -1;
	rc = fx_attr_add_landlock_path(l->attr, PyBytes_AsString(b), l->how);
	if (rc < 0)
		fail_rc_on(key, PyBytes_AsString(b), rc);
	Py_DECREF(b);
	return rc < 0 ? -1 : 0;
}

static int add_landlock_port(const char *key, PyObject *item, void *ctx)
{
	struct landlock_ctx *l = ctx;
	long port;

	if (as_long(key, item, &port) < 0)
		return -1;
	/* Negative: as invalid as past 65535, which the library refuses. */
	CHECK(key, port < 0 || port > 65535 ? -EINVAL
	           : fx_attr_add_landlock_port(l->attr, (unsigned)port, l->how));
	return 0;
}

static int k_landlock(struct ctx *c, const char *key, PyObject *v)
{
	PyObject *items = PyMapping_Items(v);
	unsigned flags = 0;
	int rc = 0;

	if (!items)
		return -1;
	for (Py_ssize_t i = 0; rc == 0 && i < PyList_Size(items); i++) {
		PyObject *kv = PyList_GetItem(items, i);
		PyObject *name = PyTuple_GetItem(kv, 0), *val = PyTuple_GetItem(kv, 1);
		struct landlock_ctx l = { c->spec->attr, 0 };
		size_t k = 0;

		while (k < sizeof landlock_keys / sizeof landlock_keys[0] &&
		       !is_name(name, landlock_keys[k].name))
			k++;
		if (k == sizeof landlock_keys / sizeof landlock_keys[0]) {
			PyErr_Format(PyExc_ValueError, "%s: unknown key %R (ro, rw, bind, connect, "
			             "strict, fs)", key, name);
			rc = -1;
			break;
		}
		l.how = landlock_keys[k].value;
		if (landlock_keys[k].type == LL_PATHS)
			rc = each_item(key, val, add_landlock_path, &l);
		else if (landlock_keys[k].type == LL_PORTS)
			rc = each_item(key, val, add_landlock_port, &l);
		else if ((rc = PyObject_IsTrue(val)) > 0)
			flags |= (unsigned)landlock_keys[k].value;
		rc = rc < 0 ? -1 : 0;
	}
	Py_DECREF(items);
	if (rc == 0)
		CHECK(key, fx_attr_set_landlock_flags(c->spec->attr, flags));
	return rc;
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
	PyObject *b = fs_bytes(item);
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
static int seccomp_names(struct ctx *c, const char *key, PyObject *v, int mode)
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
		if (as_long(key, PyTuple_GetItem(v, 1), &action) < 0)
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
			fail_rc_on(key, l.v[i], -ENOENT);
			goto out;
		}
	}
	rc = fail_if(key, action < INT_MIN || action > INT_MAX ? -EINVAL
	                  : fx_attr_set_seccomp_names(c->spec->attr, mode, l.v, l.n, (int)action));
out:
	free(l.v);
	Py_DECREF(l.keep);
	return rc;
}

static int k_seccomp_deny(struct ctx *c, const char *key, PyObject *v)
{
	return seccomp_names(c, key, v, FX_SECCOMP_DENY);
}

static int k_seccomp_allow(struct ctx *c, const char *key, PyObject *v)
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

static int k_join(struct ctx *c, const char *key, PyObject *v)
{
	PyObject *t = tuple_of(key, v, 2, 2, "(pid or Process, namespaces)");
	unsigned long flags;
	long pid;
	int rc;

	if (!t)
		return -1;
	rc = ns_flags_of(key, PyTuple_GetItem(t, 1), &flags);
	if (rc == 0 && PyLong_Check(PyTuple_GetItem(t, 0))) {
		rc = as_long(key, PyTuple_GetItem(t, 0), &pid);
		if (rc == 0)
			rc = pid < INT_MIN || pid > INT_MAX ? fail_rc(key, -EINVAL)
			     : fail_if(key, fx_attr_join_namespaces_pid(c->spec->attr, (pid_t)pid, flags));
	} else if (rc == 0) {
		int fd = pidfd_of(PyTuple_GetItem(t, 0));
		rc = fd == -1 ? -1 : fail_if(key, fd < 0 ? fd
		                                  : fx_attr_join_namespaces_fd(c->spec->attr, fd, flags));
	}
	Py_DECREF(t);
	return rc;
}

static const struct { const char *name; handler fn; } keywords[] = {
	{ "cwd", k_cwd }, { "env", k_env }, { "executable", k_executable },
	{ "user", k_user }, { "group", k_group }, { "groups", k_groups },
	{ "extra_groups", k_groups }, { "setsid", k_setsid }, { "start_new_session", k_setsid },
	{ "process_group", k_process_group }, { "umask", k_umask }, { "pass_fds", k_pass_fds },
	{ "close_fds", k_close_fds }, { "restore_signals", k_restore_signals },
	{ "chroot", k_chroot }, { "pdeathsig", k_pdeathsig }, { "backend", k_backend },
	{ "noctty", k_noctty }, { "setctty", k_setctty }, { "foreground", k_foreground },
	{ "tty_fd", k_tty_fd }, { "ptrace", k_ptrace }, { "clean_signals", k_clean_signals },
	{ "sigmask", k_sigmask }, { "namespaces", k_namespaces }, { "uid_map", k_id_map },
	{ "gid_map", k_id_map }, { "setgroups", k_setgroups }, { "map_root_user", k_map_root_user },
	{ "ambient_caps", k_ambient_caps }, { "inheritable_caps", k_inheritable_caps },
	{ "drop_caps", k_drop_caps }, { "cgroup", k_cgroup },
	{ "rlimits", k_rlimits }, { "no_new_privs", k_no_new_privs }, { "nice", k_nice },
	{ "nice_adjust", k_nice_adjust }, { "ioprio", k_ioprio }, { "securebits", k_securebits },
	{ "time_offsets", k_time_offsets }, { "mount_proc", k_mount_proc },
	{ "sched", k_sched }, { "sched_deadline", k_sched_deadline }, { "cpus", k_cpus },
	{ "seccomp", k_seccomp }, { "seccomp_deny", k_seccomp_deny },
	{ "seccomp_allow", k_seccomp_allow }, { "mounts", k_mounts }, { "hostname", k_hostname },
	{ "landlock", k_landlock }, { "join", k_join },
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

/*
 * The keywords applied after all others: their setters add a kind of
 * namespace to the set, which the namespaces keyword replaces
 * (mount_proc's mount namespace would be lost) or refuses to replace
 * (time_offsets' time namespace), so their place in the call must not
 * matter.
 */
static int is_late(handler fn)
{
	return fn == k_time_offsets || fn == k_mount_proc;
}

/* Applies keyword `key` in its pass (late or not); refuses an unknown one. */
static int apply_keyword(struct ctx *c, PyObject *key, PyObject *v, int late)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (PyUnicode_CompareWithASCIIString(key, keywords[i].name) == 0)
			return v == Py_None || is_late(keywords[i].fn) != late ? 0
			       : keywords[i].fn(c, keywords[i].name, v);
	PyErr_Format(PyExc_TypeError, "unexpected keyword argument %R", key);
	return -1;
}

/* Where one stream goes: None, PIPE, STDOUT, DEVNULL, a number or a file. */
static int set_stream(struct fxpy_spec *spec, int s, PyObject *v, int nonblock)
{
	long fd;
	int rc;

	if (!v || v == Py_None)
		return 0;
	if (PyLong_Check(v)) {
		if (as_long("stdio", v, &fd) < 0)
			return -1;
	} else {
		PyObject *n = PyObject_CallMethod(v, "fileno", NULL);
		if (!n)
			return -1;
		rc = as_long("stdio", n, &fd);
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
	return rc < 0 ? fail_rc("stdio", rc) : 0;
}

static int build_argv(struct fxpy_spec *spec, PyObject *args)
{
	PyObject *seq;
	Py_ssize_t n;

	if (PyUnicode_Check(args) || PyBytes_Check(args) || !PySequence_Check(args)) {
		/* A lone program, as subprocess takes it. */
		PyObject *b = fs_bytes(args);
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
			PyObject *b = fs_bytes(PyList_GetItem(seq, i));
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
	struct ctx c;
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
		CHECK("kill_group", fx_attr_set_pgid(spec->attr, 0));
	CHECK("flags", fx_attr_set_flags(spec->attr, spec->flags));
	if (c.has_sigmask)
		CHECK("sigmask", fx_attr_set_sigmask(spec->attr, &c.sigmask));
	if (c.restore_signals) {
		/* subprocess's restore_signals: what Python ignores at start-up
		 * goes back to the default, so `yes | head` ends as in a shell. */
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigaddset(&set, SIGXFSZ);
		CHECK("restore_signals", fx_attr_set_sigdefault(spec->attr, &set));
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
