/* SPDX-License-Identifier: MIT */
/*
 * A deterministic byte stream shared by the probe (which writes it) and
 * the tests (which check it): xorshift64*, 8 bytes a step, so that any
 * amount of "random" output can be verified byte for byte without being
 * stored twice.  Header-only: the probe is a static program of its own.
 */
#ifndef FXT_PATTERN_H
#define FXT_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct fxt_pattern {
	uint64_t state;
	uint64_t word;
	unsigned left;          /* bytes of word not handed out yet */
};

static inline void fxt_pattern_init(struct fxt_pattern *p, uint64_t seed)
{
	p->state = seed ? seed : 0x9e3779b97f4a7c15ull;
	p->left = 0;
}

static inline uint64_t fxt_pattern_next64(struct fxt_pattern *p)
{
	uint64_t x = p->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	p->state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* The next n bytes of the stream into buf. */
static inline void fxt_pattern_fill(struct fxt_pattern *p, unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!p->left) {
			p->word = fxt_pattern_next64(p);
			p->left = 8;
		}
		buf[i] = (unsigned char)p->word;
		p->word >>= 8;
		p->left--;
	}
}

/* 64-bit FNV-1a, continued from h (start with FXT_FNV_INIT). */
#define FXT_FNV_INIT 0xcbf29ce484222325ull
static inline uint64_t fxt_fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#endif
