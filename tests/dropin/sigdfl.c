/* SPDX-License-Identifier: MIT */
/*
 * sigdfl PROGRAM [ARG...]: runs PROGRAM with signals 32 and 33 at SIG_DFL.
 *
 * A process started by glibc's posix_spawn begins with them ignored (see
 * run.sh), and SIG_IGN is inherited by everything it starts; GNU make
 * runs its recipes that way, so `make check` hands run.sh an ignored 32
 * and 33.  The check of what the drop-in does with them starts from the
 * default instead.  glibc's sigaction() refuses its internal signals: the
 * raw system call does not.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

int main(int argc, char **argv)
{
	struct ksigaction dfl;

	memset(&dfl, 0, sizeof dfl); /* SIG_DFL */
	if (argc < 2) {
		fprintf(stderr, "usage: sigdfl PROGRAM [ARG...]\n");
		return 2;
	}
	for (int sig = 32; sig <= 33; sig++)
		if (syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask) != 0) {
			perror("sigdfl: rt_sigaction");
			return 2;
		}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
