/* SPDX-License-Identifier: MIT */
/*
 * Sinks (fx_run_opts_set_sink, fx_run_opts_set_line_sink): where a
 * stream's chunks go instead of the result, and the partial line a line
 * sink holds between chunks.
 */
#ifndef FX_SINK_H
#define FX_SINK_H

#include <stddef.h>

#include "forkexec-io.h"

/* A stream's sink, as the options hold it: one of the two, or none. */
struct fx__sink {
	fx_sink_fn fn;
	fx_line_fn line_fn;
	void *ctx;
};

/* What a line sink holds of a line whose newline has not come yet. */
struct fx__lines {
	char *buf;
	size_t len, cap;
};

static inline int fx__sink_set(const struct fx__sink *s)
{
	return s->fn || s->line_fn;
}

/*
 * Gives n bytes to the sink (a line sink: every line they complete).
 * Returns 0, or -ENOMEM when the partial line cannot be held; a sink
 * that fails leaves what it returned in *failed (nonzero) and the
 * return is 0.
 */
int fx__sink_put(const struct fx__sink *s, struct fx__lines *l, int stream, const char *data,
                 size_t n, int *failed);

/* The stream has ended: a line sink's last line without newline, then
 * the sink's end call (NULL, 0).  *failed as for fx__sink_put. */
void fx__sink_end(const struct fx__sink *s, struct fx__lines *l, int stream, int *failed);

void fx__lines_free(struct fx__lines *l);

#endif
