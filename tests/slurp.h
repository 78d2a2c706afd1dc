/* SPDX-License-Identifier: MIT */
/*
 * fxt_slurp: a whole small file (a /proc file) into a buffer, shared by
 * the probe and the torture tests.  Header-only: the probe is a static
 * program of its own, linked with nothing of the tests.
 */
#ifndef FXT_SLURP_H
#define FXT_SLURP_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

/* Reads path into buf (NUL-terminated, at most size - 1 bytes); returns
 * its length or -1. */
static inline ssize_t fxt_slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0)
		return -1;
	while (n < size - 1) {
		ssize_t r = read(fd, buf + n, size - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

#endif
