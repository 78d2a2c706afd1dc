/* SPDX-License-Identifier: MIT */
/*
 * What the spawn core asks of spawn_linux.c, on Darwin: there is no
 * clone, so no clone backend (fx_attr_set_backend refuses it and the
 * default is the fork backend), no report in shared memory, and the
 * signal blocking goes through pthread_sigmask.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "backend/backend.h"

int fx__backend_clone(struct fx__child_ctx *ctx, pid_t *pid, int *pidfd, int *step)
{
	*pidfd = -1;
	*step = FX_STEP_CLONE;
	return -ENOTSUP;
}

int fx__clone_reports_in_memory(void)
{
	return 0;
}

int fx__clone_handshakes_in_memory(void)
{
	return 0;
}

void fx__kernel_lacks(unsigned what)
{
}

/* Darwin's sigset_t is a 32-bit mask, bit sig-1, as the low half of ours. */
uint64_t fx__block_all_signals(void)
{
	sigset_t all, old;

	sigfillset(&all);
	sigemptyset(&old);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	return (uint64_t)old;
}

void fx__restore_signals(uint64_t mask)
{
	sigset_t set = (sigset_t)mask;

	pthread_sigmask(SIG_SETMASK, &set, 0);
}
