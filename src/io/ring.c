/* SPDX-License-Identifier: MIT */
/*
 * The ring of FX_LIMIT_TAIL (ring.h).  The bytes come in chunks of a
 * pipe read, copied in at most two pieces; only the last `size` bytes of
 * a chunk longer than the ring matter, so nothing is copied twice.
 */
#include <string.h>

#include "io/ring.h"

void fx__ring_put(char *ring, size_t size, size_t *head, const char *src, size_t n)
{
	size_t first;

	if (size == 0)
		return;
	if (n >= size) {
		memcpy(ring, src + (n - size), size);
		*head = 0;
		return;
	}
	first = size - *head < n ? size - *head : n;
	memcpy(ring + *head, src, first);
	memcpy(ring, src + first, n - first);
	*head = (*head + n) % size;
}

static void reverse(char *p, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		char t = p[i];
		p[i] = p[j - 1];
		p[j - 1] = t;
	}
}

/* A rotation by three reversals: in place, so that a ring as large as
 * the memory allows needs no second buffer to be put in order. */
void fx__ring_unwrap(char *ring, size_t size, size_t head)
{
	if (head == 0 || head >= size)
		return;
	reverse(ring, head);
	reverse(ring + head, size - head);
	reverse(ring, size);
}
