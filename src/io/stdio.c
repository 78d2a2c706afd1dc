/* SPDX-License-Identifier: MIT */
/*
 * Stdio wiring: the attribute setters, and the parent's work at spawn
 * time, which turns each setting into an ordinary fd mapping.
 *
 * Everything is opened or made here, in the parent, before the child
 * exists (a path, /dev/null, a pipe), close-on-exec from birth, so that
 * no other thread's spawn can inherit it; the child gets it through the
 * plan's descriptor shuffle like any fx_attr_set_fd source.  What was
 * opened for the child alone is closed once the spawn is over, and on
 * failure everything is, so that nothing is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/compat.h"
#include "core/attr.h"
#include "forkexec-io.h"
#include "io/stdio_wire.h"
#include "sys/rawsys.h"

#define PATH_FLAGS_OK (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_EXCL | O_NOFOLLOW | \
                       O_NONBLOCK | O_SYNC | O_DSYNC)

static int check_stream(const fx_attr *attr, int stream)
{
	return attr && stream >= 0 && stream <= 2 ? 0 : -EINVAL;
}

static void clear_stdio(fx_attr *attr, int stream)
{
	struct fx__stdio *st = &attr->stdio[stream];

	if (st->how == FX_STDIO_FD)
		fx__attr_unmap(attr, stream);
	free(st->path);
	memset(st, 0, sizeof *st);
}

int fx_attr_set_stdio(fx_attr *attr, int stream, int how)
{
	if (check_stream(attr, stream) < 0)
		return -EINVAL;
	switch (how) {
	case FX_STDIO_INHERIT:
	case FX_STDIO_NULL:
	case FX_STDIO_PIPE:
	case FX_STDIO_PIPE_NONBLOCK:
		break;
	case FX_STDIO_STDOUT:
		if (stream != FX_STDERR)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	clear_stdio(attr, stream);
	attr->stdio[stream].how = how;
	return 0;
}

int fx_attr_set_stdio_fd(fx_attr *attr, int stream, int fd)
{
	if (check_stream(attr, stream) < 0)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	/* fx_attr_set_fd records FX_STDIO_FD for fds 0-2. */
	return fx_attr_set_fd(attr, stream, fd);
}

int fx_attr_set_stdio_path(fx_attr *attr, int stream, const char *path, int oflags,
                           mode_t mode)
{
	char *copy;

	if (check_stream(attr, stream) < 0 || !path || !*path || (oflags & ~PATH_FLAGS_OK) ||
	    (oflags & O_ACCMODE) == O_ACCMODE || (mode & ~07777u))
		return -EINVAL;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	clear_stdio(attr, stream);
	attr->stdio[stream].how = FX_STDIO_PATH;
	attr->stdio[stream].path = copy;
	attr->stdio[stream].oflags = oflags;
	attr->stdio[stream].mode = mode;
	return 0;
}

int fx_attr_get_stdio(const fx_attr *attr, int stream)
{
	if (check_stream(attr, stream) < 0)
		return -EINVAL;
	return attr->stdio[stream].how;
}

/* ------------------------------------------------------------------ */
/* At spawn time                                                       */
/* ------------------------------------------------------------------ */

static const struct fx__stdio *setting(const struct fx_attr *attr,
                                       const struct fx__spawn_opts *xo, int stream)
{
	if (xo && xo->stdio[stream])
		return xo->stdio[stream];
	return &attr->stdio[stream];
}

static int fail(fx_error *err, int stream, int code, const char *what, int quoted)
{
	err->step = FX_STEP_STDIN + stream;
	err->code = code;
	err->index = stream;
	snprintf(err->subject, sizeof err->subject, quoted ? "\"%s\"" : "%s", what);
	return -code;
}

static void add_map(struct fx__stdio_set *set, int child_fd, int parent_fd)
{
	set->maps[set->eff.nmaps].child_fd = child_fd;
	set->maps[set->eff.nmaps].parent_fd = parent_fd;
	set->eff.nmaps++;
}

static int find_map(const struct fx__stdio_set *set, int child_fd, int *parent_fd)
{
	for (size_t i = 0; i < set->eff.nmaps; i++) {
		if (set->maps[i].child_fd == child_fd) {
			*parent_fd = set->maps[i].parent_fd;
			return 1;
		}
	}
	return 0;
}

static int open_pipe(struct fx__stdio_set *set, int stream, int nonblock, int size,
                     fx_error *err)
{
	int fds[2], mine, theirs;

	if (fx__pipe_cloexec(fds) < 0)
		return fail(err, stream, errno, "pipe", 0);
	mine = stream == FX_STDIN ? fds[1] : fds[0];
	theirs = stream == FX_STDIN ? fds[0] : fds[1];
	set->parent[stream] = mine;
	set->child[stream] = theirs;
	/* Only the parent's end: the two ends are two open files, and the
	 * child's stays blocking as programs expect. */
	if (nonblock && fcntl(mine, F_SETFL, O_NONBLOCK) < 0)
		return fail(err, stream, errno, "pipe", 0);
	/* A hint: refused beyond /proc/sys/fs/pipe-max-size or the user's
	 * pipe quota, and then the default size works too. */
#ifdef F_SETPIPE_SZ /* Linux only; elsewhere the size is a hint not taken */
	if (size > 0)
		(void)fcntl(mine, F_SETPIPE_SZ, size);
#endif
	add_map(set, stream, theirs);
	return 0;
}

int fx__stdio_prepare(struct fx__stdio_set *set, const struct fx_attr *attr,
                      const struct fx__spawn_opts *xo, fx_error *err)
{
	int wired = 0, rc;

	memset(set, 0, sizeof *set);
	set->eff = *attr;
	for (int s = 0; s < 3; s++) {
		set->parent[s] = set->child[s] = -1;
		if ((xo && xo->stdio[s]) || attr->stdio[s].how != FX_STDIO_INHERIT)
			wired = 1;
	}
	if (xo && xo->set_pgid)
		set->eff.pgid = xo->pgid;
	if (!wired)
		return 0;

	/* The caller's maps, less those of streams an override replaces. */
	set->maps = malloc((attr->nmaps + 3) * sizeof *set->maps);
	if (!set->maps)
		return fx__set_error(err, FX_STEP_PLAN, ENOMEM, -1);
	set->eff.maps = set->maps;
	set->eff.maps_cap = attr->nmaps + 3;
	set->eff.nmaps = 0;
	for (size_t i = 0; i < attr->nmaps; i++) {
		int c = attr->maps[i].child_fd;
		if (c <= 2 && xo && xo->stdio[c])
			continue;
		set->maps[set->eff.nmaps++] = attr->maps[i];
	}

	/* In stream order: stderr may follow stdout, whatever that became. */
	for (int s = 0; s < 3; s++) {
		const struct fx__stdio *st = setting(attr, xo, s);
		int fd, from;

		switch (st->how) {
		case FX_STDIO_INHERIT:
			break;
		case FX_STDIO_FD:
			/* attr's own are among its maps already. */
			if (xo && xo->stdio[s])
				add_map(set, s, st->fd);
			break;
		case FX_STDIO_NULL:
			fd = open("/dev/null", (s == FX_STDIN ? O_RDONLY : O_WRONLY) | O_CLOEXEC | O_NOCTTY);
			if (fd < 0)
				return fail(err, s, errno, "/dev/null", 1);
			set->child[s] = fd;
			add_map(set, s, fd);
			break;
		case FX_STDIO_PATH:
			fd = open(st->path, st->oflags | O_CLOEXEC | O_NOCTTY, st->mode);
			if (fd < 0)
				return fail(err, s, errno, st->path, 1);
			set->child[s] = fd;
			add_map(set, s, fd);
			break;
		case FX_STDIO_PIPE:
		case FX_STDIO_PIPE_NONBLOCK:
			rc = open_pipe(set, s, st->how == FX_STDIO_PIPE_NONBLOCK,
			               xo ? xo->pipe_size : 0, err);
			if (rc < 0)
				return rc;
			break;
		case FX_STDIO_STDOUT:
			/* Whatever the child's fd 1 is made from, or the
			 * parent's fd 1 when it is inherited. */
			if (!find_map(set, FX_STDOUT, &from))
				from = FX_STDOUT;
			add_map(set, FX_STDERR, from);
			break;
		default:
			return fx__set_error(err, FX_STEP_ARGS, EINVAL, s);
		}
	}
	return 0;
}

void fx__stdio_finish(struct fx__stdio_set *set, int failed)
{
	for (int s = 0; s < 3; s++) {
		if (set->child[s] >= 0)
			fx__sys_close(set->child[s]);
		set->child[s] = -1;
		if (failed && set->parent[s] >= 0) {
			fx__sys_close(set->parent[s]);
			set->parent[s] = -1;
		}
	}
	free(set->maps);
	set->maps = NULL;
}
