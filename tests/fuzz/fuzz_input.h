/* SPDX-License-Identifier: MIT */
/*
 * What the libFuzzer targets (tests/fuzz/fuzz_*.c) share: reading their input
 * a byte at a time, and stopping on a broken invariant.
 */
#ifndef FXT_FUZZ_INPUT_H
#define FXT_FUZZ_INPUT_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct input {
	const uint8_t *p;
	size_t left;
};

/* The next byte, or 0 once the input is used up. */
static inline unsigned take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

/* The next 8 bytes, little-endian. */
static inline uint64_t take64(struct input *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)take(in) << (8 * i);
	return v;
}

/* Reports a broken invariant, prefixed with the target's name, and
 * aborts: libFuzzer then keeps the input. */
__attribute__((noreturn, format(printf, 1, 2)))
static inline void violation(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

#endif
