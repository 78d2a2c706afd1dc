/* SPDX-License-Identifier: MIT */
/*
 * The apply step of fxrun's sandbox options (see fxrun_sandbox.h):
 * --seccomp-deny and --seccomp-allow LIST[:ERRNO], split here and looked
 * up in the library's system call table; the --landlock-* lists of paths
 * and ports; each failure named after the option and the value that
 * caused it.
 */
#include "fxrun_sandbox.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "forkexec-linux.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
/* Linux's values, for the Darwin build (where the setters refuse them). */
#ifndef CLONE_NEWNS
#define CLONE_NEWNS 0x00020000
#endif
#ifndef CLONE_NEWUTS
#define CLONE_NEWUTS 0x04000000
#endif
#ifndef CLONE_NEWIPC
#define CLONE_NEWIPC 0x08000000
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#ifndef CLONE_NEWPID
#define CLONE_NEWPID 0x20000000
#endif
#ifndef CLONE_NEWNET
#define CLONE_NEWNET 0x40000000
#endif

/* The errno names, from <errno.h>: a table of our own, since only
 * glibc (2.32) can name an errno (strerrorname_np), and musl cannot. */
static const struct { const char *name; int value; } errno_names[] = {
#ifdef EPERM
	{ "EPERM", EPERM },
#endif
#ifdef ENOENT
	{ "ENOENT", ENOENT },
#endif
#ifdef ESRCH
	{ "ESRCH", ESRCH },
#endif
#ifdef EINTR
	{ "EINTR", EINTR },
#endif
#ifdef EIO
	{ "EIO", EIO },
#endif
#ifdef ENXIO
	{ "ENXIO", ENXIO },
#endif
#ifdef E2BIG
	{ "E2BIG", E2BIG },
#endif
#ifdef ENOEXEC
	{ "ENOEXEC", ENOEXEC },
#endif
#ifdef EBADF
	{ "EBADF", EBADF },
#endif
#ifdef ECHILD
	{ "ECHILD", ECHILD },
#endif
#ifdef EAGAIN
	{ "EAGAIN", EAGAIN },
#endif
#ifdef ENOMEM
	{ "ENOMEM", ENOMEM },
#endif
#ifdef EACCES
	{ "EACCES", EACCES },
#endif
#ifdef EFAULT
	{ "EFAULT", EFAULT },
#endif
#ifdef ENOTBLK
	{ "ENOTBLK", ENOTBLK },
#endif
#ifdef EBUSY
	{ "EBUSY", EBUSY },
#endif
#ifdef EEXIST
	{ "EEXIST", EEXIST },
#endif
#ifdef EXDEV
	{ "EXDEV", EXDEV },
#endif
#ifdef ENODEV
	{ "ENODEV", ENODEV },
#endif
#ifdef ENOTDIR
	{ "ENOTDIR", ENOTDIR },
#endif
#ifdef EISDIR
	{ "EISDIR", EISDIR },
#endif
#ifdef EINVAL
	{ "EINVAL", EINVAL },
#endif
#ifdef ENFILE
	{ "ENFILE", ENFILE },
#endif
#ifdef EMFILE
	{ "EMFILE", EMFILE },
#endif
#ifdef ENOTTY
	{ "ENOTTY", ENOTTY },
#endif
#ifdef ETXTBSY
	{ "ETXTBSY", ETXTBSY },
#endif
#ifdef EFBIG
	{ "EFBIG", EFBIG },
#endif
#ifdef ENOSPC
	{ "ENOSPC", ENOSPC },
#endif
#ifdef ESPIPE
	{ "ESPIPE", ESPIPE },
#endif
#ifdef EROFS
	{ "EROFS", EROFS },
#endif
#ifdef EMLINK
	{ "EMLINK", EMLINK },
#endif
#ifdef EPIPE
	{ "EPIPE", EPIPE },
#endif
#ifdef EDOM
	{ "EDOM", EDOM },
#endif
#ifdef ERANGE
	{ "ERANGE", ERANGE },
#endif
#ifdef EDEADLK
	{ "EDEADLK", EDEADLK },
#endif
#ifdef ENAMETOOLONG
	{ "ENAMETOOLONG", ENAMETOOLONG },
#endif
#ifdef ENOLCK
	{ "ENOLCK", ENOLCK },
#endif
#ifdef ENOSYS
	{ "ENOSYS", ENOSYS },
#endif
#ifdef ENOTEMPTY
	{ "ENOTEMPTY", ENOTEMPTY },
#endif
#ifdef ELOOP
	{ "ELOOP", ELOOP },
#endif
#ifdef ENOMSG
	{ "ENOMSG", ENOMSG },
#endif
#ifdef EIDRM
	{ "EIDRM", EIDRM },
#endif
#ifdef ENOSTR
	{ "ENOSTR", ENOSTR },
#endif
#ifdef ENODATA
	{ "ENODATA", ENODATA },
#endif
#ifdef ETIME
	{ "ETIME", ETIME },
#endif
#ifdef ENOSR
	{ "ENOSR", ENOSR },
#endif
#ifdef ENOLINK
	{ "ENOLINK", ENOLINK },
#endif
#ifdef EPROTO
	{ "EPROTO", EPROTO },
#endif
#ifdef EBADMSG
	{ "EBADMSG", EBADMSG },
#endif
#ifdef EOVERFLOW
	{ "EOVERFLOW", EOVERFLOW },
#endif
#ifdef EILSEQ
	{ "EILSEQ", EILSEQ },
#endif
#ifdef EUSERS
	{ "EUSERS", EUSERS },
#endif
#ifdef ENOTSOCK
	{ "ENOTSOCK", ENOTSOCK },
#endif
#ifdef EDESTADDRREQ
	{ "EDESTADDRREQ", EDESTADDRREQ },
#endif
#ifdef EMSGSIZE
	{ "EMSGSIZE", EMSGSIZE },
#endif
#ifdef EPROTOTYPE
	{ "EPROTOTYPE", EPROTOTYPE },
#endif
#ifdef ENOPROTOOPT
	{ "ENOPROTOOPT", ENOPROTOOPT },
#endif
#ifdef EPROTONOSUPPORT
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT },
#endif
#ifdef ESOCKTNOSUPPORT
	{ "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT },
#endif
#ifdef EOPNOTSUPP
	{ "EOPNOTSUPP", EOPNOTSUPP },
#endif
#ifdef EPFNOSUPPORT
	{ "EPFNOSUPPORT", EPFNOSUPPORT },
#endif
#ifdef EAFNOSUPPORT
	{ "EAFNOSUPPORT", EAFNOSUPPORT },
#endif
#ifdef EADDRINUSE
	{ "EADDRINUSE", EADDRINUSE },
#endif
#ifdef EADDRNOTAVAIL
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL },
#endif
#ifdef ENETDOWN
	{ "ENETDOWN", ENETDOWN },
#endif
#ifdef ENETUNREACH
	{ "ENETUNREACH", ENETUNREACH },
#endif
#ifdef ENETRESET
	{ "ENETRESET", ENETRESET },
#endif
#ifdef ECONNABORTED
	{ "ECONNABORTED", ECONNABORTED },
#endif
#ifdef ECONNRESET
	{ "ECONNRESET", ECONNRESET },
#endif
#ifdef ENOBUFS
	{ "ENOBUFS", ENOBUFS },
#endif
#ifdef EISCONN
	{ "EISCONN", EISCONN },
#endif
#ifdef ENOTCONN
	{ "ENOTCONN", ENOTCONN },
#endif
#ifdef ESHUTDOWN
	{ "ESHUTDOWN", ESHUTDOWN },
#endif
#ifdef ETOOMANYREFS
	{ "ETOOMANYREFS", ETOOMANYREFS },
#endif
#ifdef ETIMEDOUT
	{ "ETIMEDOUT", ETIMEDOUT },
#endif
#ifdef ECONNREFUSED
	{ "ECONNREFUSED", ECONNREFUSED },
#endif
#ifdef EHOSTDOWN
	{ "EHOSTDOWN", EHOSTDOWN },
#endif
#ifdef EHOSTUNREACH
	{ "EHOSTUNREACH", EHOSTUNREACH },
#endif
#ifdef EALREADY
	{ "EALREADY", EALREADY },
#endif
#ifdef EINPROGRESS
	{ "EINPROGRESS", EINPROGRESS },
#endif
#ifdef ESTALE
	{ "ESTALE", ESTALE },
#endif
#ifdef EDQUOT
	{ "EDQUOT", EDQUOT },
#endif
#ifdef ECANCELED
	{ "ECANCELED", ECANCELED },
#endif
#ifdef EOWNERDEAD
	{ "EOWNERDEAD", EOWNERDEAD },
#endif
#ifdef ENOTRECOVERABLE
	{ "ENOTRECOVERABLE", ENOTRECOVERABLE },
#endif
#ifdef ENOTSUP
	{ "ENOTSUP", ENOTSUP },
#endif
};

/* ERRNO: "kill", a number from 1 to 4095, or a name such as EPERM.  -1
 * for none of these. */
static int parse_action(const char *s, int *action)
{
	char *end;
	long n;

	if (strcmp(s, "kill") == 0) {
		*action = FX_SECCOMP_KILL;
		return 0;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (*s >= '0' && *s <= '9' && !errno && !*end && n >= 1 && n <= 4095) {
		*action = (int)n;
		return 0;
	}
	for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++) {
		if (strcmp(errno_names[i].name, s) == 0) {
			*action = errno_names[i].value;
			return 0;
		}
	}
	return -1;
}

static int apply_seccomp_names(const struct fxrun_opts *o, fx_attr *a)
{
	const char *opt = o->seccomp_mode == FXRUN_SECCOMP_DENY ? "--seccomp-deny"
	                                                        : "--seccomp-allow";
	char *list = strdup(o->seccomp_list), *colon, *p;
	const char **names = NULL;
	size_t n = 0, cap = 0;
	int action = 0, r = 0;

	if (!list) {
		fprintf(stderr, "fxrun: %s: %s\n", opt, strerror(ENOMEM));
		return -ENOMEM;
	}
	colon = strrchr(list, ':');
	if (colon) {
		*colon = '\0';
		if (parse_action(colon + 1, &action) < 0) {
			fprintf(stderr, "fxrun: %s %s: '%s' is no errno (a number from 1 to 4095, "
			        "a name such as EPERM, or 'kill')\n", opt, o->seccomp_list, colon + 1);
			free(list);
			return -EINVAL;
		}
	}
	for (p = strtok(list, ","); p && r == 0; p = strtok(NULL, ",")) {
		if (fx_syscall_number(p) < 0) {
			fprintf(stderr, "fxrun: %s %s: no system call '%s' on this architecture\n",
			        opt, o->seccomp_list, p);
			r = -ENOENT;
			break;
		}
		if (n == cap) {
			const char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);

			if (!grown) {
				r = -ENOMEM;
				break;
			}
			names = grown;
		}
		names[n++] = p;
	}
	if (r == 0 && n == 0)
		r = -EINVAL;
	if (r == 0)
		r = fx_attr_set_seccomp_names(a, o->seccomp_mode == FXRUN_SECCOMP_DENY
		                                 ? FX_SECCOMP_DENY : FX_SECCOMP_ALLOW,
		                              names, n, action);
	if (r < 0 && r != -ENOENT)
		fprintf(stderr, "fxrun: %s %s: %s\n", opt, o->seccomp_list, strerror(-r));
	free(names);
	free(list);
	return r;
}

static const char *const landlock_opts[] = {
	[FXRUN_LANDLOCK_RO] = "--landlock-ro", [FXRUN_LANDLOCK_RW] = "--landlock-rw",
	[FXRUN_LANDLOCK_BIND] = "--landlock-bind", [FXRUN_LANDLOCK_CONNECT] = "--landlock-connect",
};

/* One item of a --landlock-* list: a path, or a port from 0 to 65535. */
static int landlock_item(const struct fxrun_landlock *l, const char *item, fx_attr *a)
{
	const char *opt = landlock_opts[l->kind];
	char *end;
	long port;
	int r;

	if (*item == '\0') {
		fprintf(stderr, "fxrun: %s %s: an empty item\n", opt, l->list);
		return -EINVAL;
	}
	if (l->kind == FXRUN_LANDLOCK_RO || l->kind == FXRUN_LANDLOCK_RW) {
		r = fx_attr_add_landlock_path(a, item, l->kind == FXRUN_LANDLOCK_RO
		                                       ? FX_LANDLOCK_RO : FX_LANDLOCK_RW);
	} else {
		errno = 0;
		port = strtol(item, &end, 10);
		if (errno || *end || port < 0 || port > 65535 || *item < '0' || *item > '9') {
			fprintf(stderr, "fxrun: %s %s: '%s' is no port (0 to 65535)\n", opt,
			        l->list, item);
			return -EINVAL;
		}
		r = fx_attr_add_landlock_port(a, (unsigned)port, l->kind == FXRUN_LANDLOCK_BIND
		                                                 ? FX_LANDLOCK_BIND
		                                                 : FX_LANDLOCK_CONNECT);
	}
	if (r < 0)
		fprintf(stderr, "fxrun: %s %s: %s\n", opt, item, strerror(-r));
	return r;
}

static int apply_landlock(const struct fxrun_opts *o, fx_attr *a)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < o->n_landlock; i++) {
		const struct fxrun_landlock *l = &o->landlock[i];
		char *list = strdup(l->list), *p, *next;

		if (!list)
			return -ENOMEM;
		/* strsep, not strtok: "a,,b" has an empty item, refused. */
		for (p = list; r == 0 && p; p = next) {
			next = strchr(p, ',');
			if (next)
				*next++ = '\0';
			r = landlock_item(l, p, a);
		}
		free(list);
	}
	if (r == 0 && o->landlock_strict) {
		r = fx_attr_set_landlock_flags(a, FX_LANDLOCK_STRICT);
		if (r < 0)
			fprintf(stderr, "fxrun: --landlock-strict: %s\n", strerror(-r));
	}
	return r;
}

/* The kinds of namespace of pid that differ from ours (by inode and
 * device of /proc/.../ns/NAME), as nsenter --all decides. */
static const struct { const char *name; unsigned long flag; } ns_files[] = {
	{ "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
	{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int differing_namespaces(int pid, unsigned long *flags)
{
	char path[64];

	*flags = 0;
	for (size_t i = 0; i < sizeof ns_files / sizeof ns_files[0]; i++) {
		struct stat theirs, ours;

		snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, ns_files[i].name);
		if (stat(path, &theirs) < 0) {
			/* A kind this kernel lacks is absent for both. */
			if (errno == ENOENT && i > 0)
				continue;
			fprintf(stderr, "fxrun: --join %d: %s: %s\n", pid, path, strerror(errno));
			return -errno;
		}
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns_files[i].name);
		if (stat(path, &ours) < 0 || ours.st_ino != theirs.st_ino ||
		    ours.st_dev != theirs.st_dev)
			*flags |= ns_files[i].flag;
	}
	return 0;
}

static int apply_join(const struct fxrun_opts *o, fx_attr *a)
{
	unsigned long flags = o->join_flags;
	char what[64];
	int r;

	if (o->join_differing) {
		r = differing_namespaces(o->join_pid, &flags);
		if (r < 0)
			return r;
		/* Nothing differs: the program runs where we are. */
		if (!flags)
			return 0;
	}
	snprintf(what, sizeof what, "--join%s %d", o->join_differing ? "" : "-ns", o->join_pid);
	r = fx_attr_join_namespaces_pid(a, o->join_pid, flags);
	if (r < 0)
		fprintf(stderr, "fxrun: %s: %s\n", what, strerror(-r));
	return r;
}

static const char *const view_opts[] = {
	[FXRUN_VIEW_BIND] = "--bind", [FXRUN_VIEW_RO_BIND] = "--ro-bind",
	[FXRUN_VIEW_DEV_BIND] = "--dev-bind", [FXRUN_VIEW_TMPFS] = "--tmpfs",
	[FXRUN_VIEW_PROC] = "--proc", [FXRUN_VIEW_DEV] = "--dev", [FXRUN_VIEW_MQUEUE] = "--mqueue",
	[FXRUN_VIEW_DIR] = "--dir", [FXRUN_VIEW_SYMLINK] = "--symlink",
	[FXRUN_VIEW_REMOUNT_RO] = "--remount-ro",
};

/*
 * The view's operations, in order (FXRUN_VIEW_* are FX_MOUNT_*), and the
 * hostname.  As bubblewrap, a view implies a new mount namespace and a
 * hostname a new uts namespace: added to the set --unshare gave.
 */
static int apply_view(const struct fxrun_opts *o, fx_attr *a)
{
	unsigned long ns = o->unshare;
	int r;

	if (o->map_root_user || o->n_uid_maps || o->n_gid_maps)
		ns |= CLONE_NEWUSER;
	if (o->n_view)
		ns |= CLONE_NEWNS;
	if (o->hostname)
		ns |= CLONE_NEWUTS;
	r = fx_attr_set_namespaces(a, ns);
	if (r < 0) {
		fprintf(stderr, "fxrun: --unshare: %s\n", strerror(-r));
		return r;
	}
	for (size_t i = 0; i < o->n_view; i++) {
		const struct fxrun_view *v = &o->view[i];

		r = fx_attr_add_mount(a, v->kind, v->src, v->dest);
		if (r < 0) {
			if (v->src)
				fprintf(stderr, "fxrun: %s %s %s: %s\n", view_opts[v->kind], v->src,
				        v->dest, r == -EINVAL ? "paths must be absolute" : strerror(-r));
			else
				fprintf(stderr, "fxrun: %s %s: %s\n", view_opts[v->kind], v->dest,
				        r == -EINVAL ? "the path must be absolute" : strerror(-r));
			return r;
		}
	}
	if (o->hostname) {
		r = fx_attr_set_hostname(a, o->hostname);
		if (r < 0) {
			fprintf(stderr, "fxrun: --hostname %s: %s\n", o->hostname, strerror(-r));
			return r;
		}
	}
	return 0;
}

int fxrun_apply_sandbox(const struct fxrun_opts *o, fx_attr *a)
{
	int r = 0;

	if (o->n_view || o->hostname)
		r = apply_view(o, a);
	if (r < 0)
		return r;

	if (o->join_pid)
		r = apply_join(o, a);
	if (r < 0)
		return r;

	if (o->seccomp_mode)
		r = apply_seccomp_names(o, a);
	if (r == 0 && (o->n_landlock || o->landlock_strict))
		r = apply_landlock(o, a);
	return r;
}
