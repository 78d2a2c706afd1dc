/* SPDX-License-Identifier: MIT */
/*
 * Soak: spawn-and-wait cycles of build/torture-true, one after another,
 * with constant resident set, heap, mappings and descriptor count.
 *
 * The goal is 1,000,000 cycles.  On the 2-core CI machine a cycle costs
 * 370-460 us with the clone backend (the kernel's exec and exit of even a
 * 4 KiB static program; posix_spawn costs the same) and 820-1,800 us
 * with the fork backend, and much more when the machine is busy, so the
 * soak runs 200,000 cycles on clone and 50,000 on fork or for 30 s,
 * whichever ends first (both scaled): about 80,000 cycles on clone at
 * scale 1; FX_TORTURE_SCALE=15 (count 3,000,000, 450 s) makes the
 * million.  Usage is sampled ten times along the way (every tenth of the
 * cycles or of the budget) and printed; the end must equal the start
 * (after a warm-up that fills malloc's caches), and so must every sample.
 */
#include "torture.h"

#include <string.h>

TORTURE(torture_soak, 100)
{
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	fx_attr *attr = fxt_attr();
	struct ftt_usage base, now;
	struct fxt_loop loop;
	double last, next;
	long every, last_n = 0, i;

	for (int k = 0; k < 100; k++)
		ftt_run_ok(attr, argv);
	base = ftt_baseline("start");
	loop = ftt_loop(fxt_backend() == FX_BACKEND_FORK ? 50000 : 200000, 30);
	every = loop.count / 10 > 0 ? loop.count / 10 : 1;
	last = loop.start;
	next = last + loop.seconds / 10;
	while ((i = fxt_loop_next(&loop)) >= 0) {
		long n = i + 1;
		fx_proc *proc = NULL;
		fx_error err;
		int status = -1, rc;
		char label[96];
		double t;

		rc = fx_spawn(&proc, argv[0], argv, attr, &err);
		if (rc < 0) {
			char text[300];
			FAIL("cycle %ld: %s [step %s]", n, fx_strerror(&err, text, sizeof text),
			     fx_step_name(err.step));
		}
		rc = fx_proc_wait(proc, &status, -1);
		if (rc < 0 || status != 0)
			FAIL("cycle %ld: fx_proc_wait %d, status 0x%x", n, rc, status);
		fx_proc_free(proc);
		t = ftt_now();
		if (n % every != 0 && t < next)
			continue;
		now = ftt_usage();
		snprintf(label, sizeof label, "%ld cycles (%.0f/s)", n,
		         (double)(n - last_n) / (t - last));
		ftt_usage_print(label, &now);
		last = t;
		next = t + loop.seconds / 10;
		last_n = n;
		ftt_assert_back(&base, &now, 0, 256);
	}
	fxt_loop_end(&loop, 200, "spawn+wait cycles");
	now = ftt_usage();
	ftt_note("%s: %ld spawn+wait cycles in %.1f s, %.0f/s, %.0f us each; "
	         "start rss=%ld KiB fds=%ld, end rss=%ld KiB fds=%ld\n",
	         fxt_backend_name(), loop.done, loop.elapsed, loop.done / loop.elapsed,
	         loop.elapsed / loop.done * 1e6, base.rss_kb, base.fds, now.rss_kb,
	         now.fds);
	fx_attr_free(attr);
	ftt_assert_back(&base, &now, 0, 256);
}
