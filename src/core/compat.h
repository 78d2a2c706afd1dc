/* SPDX-License-Identifier: MIT */
/*
 * The few libc calls Linux has and Darwin lacks, for the parent side.
 */
#ifndef FX_COMPAT_H
#define FX_COMPAT_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/*
 * A pipe whose both ends are close-on-exec.  Darwin has no pipe2: the
 * flag is set just after pipe(), and a fork+exec by another thread of
 * the program in between could inherit the ends.  Our own children
 * close every fd they were not given (FX__OP_CLOSE_FROM), so only a
 * foreign fork in that instant can: there is no way around it on Darwin.
 */
static inline int fx__pipe_cloexec(int fds[2])
{
#if defined(__APPLE__)
	if (pipe(fds) < 0)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0) {
		int saved = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved;
		return -1;
	}
	return 0;
#else
	return pipe2(fds, O_CLOEXEC);
#endif
}

/* strchr, or the terminating NUL when c is absent (strchrnul is GNU's). */
static inline const char *fx__strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return s;
}

#endif
