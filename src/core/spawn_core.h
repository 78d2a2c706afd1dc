/* SPDX-License-Identifier: MIT */
/*
 * The spawn core that fx_spawn (spawn.c) and the posix_spawn family
 * (posix_spawn.c) share: make the error channel, build the plan, let a
 * backend create the child, and collect the child's report.
 */
#ifndef FX_SPAWN_CORE_H
#define FX_SPAWN_CORE_H

#include <sys/types.h>

#include "forkexec.h"
#include "child/plan.h"

struct fx__spawn_request {
	int backend;            /* enum fx_backend */
	/*
	 * Builds the plan of one attempt around the error pipe's two fds
	 * (-1 and -1 when the child reports in memory).  On failure returns
	 * -errno with err's step, code and index set.
	 */
	int (*build)(struct fx__plan *plan, const void *source, int err_fd, int err_fd_read,
	             fx_error *err);
	const void *source;
	/* Optional: names what a failed step worked on, in err->subject,
	 * while the plan still exists. */
	void (*describe)(const struct fx__plan *plan, const void *source, fx_error *err);
};

/*
 * Creates the child the request describes.  Returns 0 with *pid and
 * *pidfd set (*pidfd -1 if the plan wanted none or the kernel gave none),
 * or -errno with err's step, code and index set (the subject is the
 * caller's to fill) and nothing left behind.  Cancellation is disabled
 * meanwhile.
 */
int fx__spawn_child(const struct fx__spawn_request *req, pid_t *pid, int *pidfd,
                    fx_error *err);

/* Sets err's step, code and index, clears the subject; returns -code
 * (error.c). */
int fx__set_error(fx_error *err, int step, int code, long index);

#endif
