/* SPDX-License-Identifier: MIT */
/*
 * bench-spew SIZE [CHUNK]: writes SIZE bytes to stdout in writes of
 * CHUNK bytes (default 65536), from one buffer filled once, and exits 0;
 * 1 if a write fails.  The writer of the capture benchmark: static, so
 * that every contestant pays the same small start-up, and doing nothing
 * but write, so that the reader is what is measured.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	unsigned long long left, chunk = 65536;

	if (argc < 2)
		return 2;
	left = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		chunk = strtoull(argv[2], NULL, 0);
	if (chunk == 0 || chunk > sizeof buf)
		return 2;
	/* A pattern the readers can spot-check: byte i is i % 251. */
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)(i % 251);
	while (left > 0) {
		size_t n = left < chunk ? (size_t)left : (size_t)chunk;
		ssize_t w = write(1, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 1;
		left -= (unsigned long long)w;
	}
	return 0;
}
