/* SPDX-License-Identifier: MIT */
/*
 * What the keyword files share: attrs.c (the process's own attributes,
 * the table walk, the spawn request) and attrs_sandbox.c (the Linux
 * sandbox's keywords, with their own table).
 */
#ifndef FXPY_ATTRS_H
#define FXPY_ATTRS_H

#include <signal.h>

#include "fxpy.h"

/* What the keywords of one call build up besides the fx_attr. */
struct fxpy_ctx {
	struct fxpy_spec *spec;
	int restore_signals;
	sigset_t sigmask;
	int has_sigmask;
};

typedef int (*fxpy_handler)(struct fxpy_ctx *c, const char *key, PyObject *v);

/* One keyword: its handler, and whether it is applied after all others
 * (late: it adds a kind of namespace that the namespaces keyword would
 * replace or refuse to replace, so its place in the call must not
 * matter). */
struct fxpy_keyword {
	const char *name;
	fxpy_handler fn;
	int late;
};

/* attrs_sandbox.c's keywords. */
extern const struct fxpy_keyword fxpy_sandbox_keywords[];
extern const size_t fxpy_n_sandbox_keywords;

/* The exception for a setter's negative errno (-1); `what`, when not
 * NULL, names the item of the keyword's value that was refused. */
int fxpy_fail_rc_on(const char *key, const char *what, int rc);
int fxpy_fail_rc(const char *key, int rc);
/* A setter's result: 0, or -1 with its exception. */
int fxpy_fail_if(const char *key, int rc);
#define FXPY_CHECK(key, call) \
	do { int rc_ = (call); if (rc_ < 0) return fxpy_fail_rc(key, rc_); } while (0)

/* An int of Python (TypeError otherwise). */
int fxpy_as_long(const char *key, PyObject *v, long *out);
/* A path-like as bytes: a new reference, or NULL with the error set. */
PyObject *fxpy_fs_bytes(PyObject *v);
/* Calls fn on each item of an iterable. */
int fxpy_each(const char *key, PyObject *v, int (*fn)(const char *, PyObject *, void *),
              void *ctx);
/* Calls fn on each (key, value) pair of a mapping, in its order. */
int fxpy_each_pair(const char *key, PyObject *v,
                   int (*fn)(const char *, PyObject *, PyObject *, void *), void *ctx);
/* One string (a path, a name), or one int, given to one setter. */
int fxpy_set_text(struct fxpy_ctx *c, const char *key, PyObject *v,
                  int (*set)(fx_attr *, const char *));
int fxpy_set_int(struct fxpy_ctx *c, const char *key, PyObject *v, int (*set)(fx_attr *, int));
/* Namespace names ("user", "pid", ...) or CLONE_NEW* bits as flags. */
int fxpy_ns_flags_of(const char *key, PyObject *v, unsigned long *flags);

#endif /* FXPY_ATTRS_H */
