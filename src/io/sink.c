/* SPDX-License-Identifier: MIT */
/*
 * Sinks: a stream's output handed to the caller's function as it is
 * read, so that it can be forwarded, hashed or parsed without being
 * kept; and line sinks, which cut it into whole lines whatever the
 * child's writes and the pipe's reads did to them.  The run loop (io.c)
 * reads and enforces limits and deadlines; this file only delivers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/sink.h"

static int lines_append(struct fx__lines *l, const char *p, size_t n)
{
	if (l->cap - l->len < n) {
		size_t ncap = l->cap ? l->cap : 256;
		char *b;

		while (ncap - l->len < n) {
			if (ncap > (size_t)-1 / 2)
				return -ENOMEM;
			ncap *= 2;
		}
		b = realloc(l->buf, ncap);
		if (!b)
			return -ENOMEM;
		l->buf = b;
		l->cap = ncap;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	return 0;
}

/* Lines complete within the chunk go to the sink from the chunk itself;
 * only a line cut by a read is copied, to be completed by the next. */
static int lines_put(const struct fx__sink *s, struct fx__lines *l, int stream, const char *data,
                     size_t n, int *failed)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t piece;
		int rc;

		if (!nl)
			return lines_append(l, data, n);
		piece = (size_t)(nl - data) + 1;
		if (l->len) {
			if ((rc = lines_append(l, data, piece)) < 0)
				return rc;
			rc = s->line_fn(s->ctx, stream, l->buf, l->len);
			l->len = 0;
		} else {
			rc = s->line_fn(s->ctx, stream, data, piece);
		}
		if (rc != 0) {
			*failed = rc;
			return 0;
		}
		data += piece;
		n -= piece;
	}
	return 0;
}

int fx__sink_put(const struct fx__sink *s, struct fx__lines *l, int stream, const char *data,
                 size_t n, int *failed)
{
	int rc;

	*failed = 0;
	if (n == 0)
		return 0;
	if (s->line_fn)
		return lines_put(s, l, stream, data, n, failed);
	rc = s->fn(s->ctx, stream, data, n);
	if (rc != 0)
		*failed = rc;
	return 0;
}

void fx__sink_end(const struct fx__sink *s, struct fx__lines *l, int stream, int *failed)
{
	int rc;

	*failed = 0;
	if (s->line_fn) {
		if (l->len) {
			rc = s->line_fn(s->ctx, stream, l->buf, l->len);
			l->len = 0;
			if (rc != 0) {
				*failed = rc;
				return;
			}
		}
		rc = s->line_fn(s->ctx, stream, NULL, 0);
	} else {
		rc = s->fn(s->ctx, stream, NULL, 0);
	}
	if (rc != 0)
		*failed = rc;
}

void fx__lines_free(struct fx__lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
}
