/* SPDX-License-Identifier: MIT */
#ifndef FX_PROC_H
#define FX_PROC_H

#include <sys/types.h>

struct fx_proc {
	pid_t pid;
	int pidfd;              /* -1 if none */
	int reaped;
	int lost;               /* reaped by someone else: no status, no process */
	int status;             /* valid once reaped */
	int stdio[3];           /* the parent's ends of the stdio pipes; -1 */
};

/* Reaps a child known to have exited or to be exiting (a failed spawn). */
void fx__reap(pid_t pid, int pidfd);

#endif
