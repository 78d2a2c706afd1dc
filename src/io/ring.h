/* SPDX-License-Identifier: MIT */
/*
 * The ring behind FX_LIMIT_TAIL: the last `size` bytes of a stream, kept
 * in a buffer of that size whose oldest byte is at `head` once it has
 * wrapped, and put back in order when the stream has ended.
 */
#ifndef FX_RING_H
#define FX_RING_H

#include <stddef.h>

/* Writes n bytes at head (wrapping), so that the ring holds the last
 * `size` bytes it was given; advances *head to the oldest byte. */
void fx__ring_put(char *ring, size_t size, size_t *head, const char *src, size_t n);

/* Puts the ring in order in place: the oldest byte (at head) first. */
void fx__ring_unwrap(char *ring, size_t size, size_t head);

#endif
