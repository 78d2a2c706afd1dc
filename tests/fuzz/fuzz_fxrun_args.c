/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for fxrun's option parser (tools/fxrun_args.c):
 *
 *     clang -std=gnu11 -D_GNU_SOURCE -g -fsanitize=fuzzer,address,undefined \
 *         -Iinclude -Itools -o build/fuzz_fxrun_args \
 *         tests/fuzz/fuzz_fxrun_args.c tools/fxrun_args.c
 *     build/fuzz_fxrun_args -max_total_time=60
 *
 * The input is split on NUL bytes into argv[1..]; argv[0] is "fxrun" and
 * argv[argc] is NULL, as main() gets them.  Besides the sanitizers, it
 * checks what fxrun.c relies on after a successful parse.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fxrun_args.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[MAX_ARGS + 2];
	char err[128];
	struct fxrun_opts o;
	int argc = 1, r;
	size_t i, start = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"fxrun";
	for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	r = fxrun_parse(argc, argv, &o, err, sizeof err);
	if (memchr(err, '\0', sizeof err) == NULL)
		abort();
	if (r == 0 && o.action == FXRUN_RUN && !(o.dump && !o.cmd)) {
		if (!o.cmd || o.n_cmd < 1 || o.cmd[o.n_cmd] != NULL)
			abort();
		for (i = 0; i < o.n_fds; i++)
			if (o.fds[i].child_fd < 0 || o.fds[i].parent_fd < -1)
				abort();
		/* fxrun.c's deadline arithmetic must not overflow; the signal
		 * is a real one, or 0 (timeout's -s 0: none, still 124). */
		if (o.timeout_ms < -1 || o.timeout_ms > 1000000000000000LL ||
		    o.kill_after_ms < -1 || o.kill_after_ms > 1000000000000000LL ||
		    o.timeout_sig < 0 || o.timeout_sig >= 65)
			abort();
		if (o.append && !o.stdout_path && !o.stderr_path)
			abort();
	}
	if (r != 0 && r != -EINVAL && r != -ENOMEM)
		abort();
	if (r == -EINVAL && err[0] == '\0')
		abort();
	fxrun_opts_free(&o);
	free(buf);
	return 0;
}
