/*
 * Soak: spawn-and-wait cycles of build/torture-true, one after another,
 * with constant resident set, heap, mappings and descriptor count.
 *
 * The goal is 1,000,000 cycles.  On the 2-core CI machine a cycle costs
 * about 460 us with the clone backend (the kernel's exec and exit of even
 * a 4 KiB static program; posix_spawn costs the same) and about 820 us
 * with the fork backend, so scale 1 runs 200,000 cycles on clone and
 * 50,000 on fork (about 90 + 40 s); FX_TORTURE_SCALE=5 gives the full
 * 1,000,000 on clone.  Usage is sampled ten times along the way and
 * printed; the end must equal the start (after a warm-up that fills
 * malloc's caches), and so must every sample.
 */
#include "torture.h"

#include <string.h>

TORTURE(torture_soak, 240)
{
	long n = ftt_count(fxt_backend() == FX_BACKEND_FORK ? 50000 : 200000);
	char *argv[2] = { (char *)ftt_true_path(), NULL };
	fx_attr *attr = fxt_attr();
	struct ftt_usage base, now;
	double t0, last;
	long last_i = 0;

	for (int i = 0; i < 100; i++)
		ftt_run_ok(attr, argv);
	base = ftt_baseline("start");
	t0 = last = ftt_now();
	for (long i = 1; i <= n; i++) {
		fx_proc *proc = NULL;
		fx_error err;
		int status = -1, rc;

		rc = fx_spawn(&proc, argv[0], argv, attr, &err);
		if (rc < 0) {
			char text[300];
			FAIL("cycle %ld: %s [step %s]", i, fx_strerror(&err, text, sizeof text),
			     fx_step_name(err.step));
		}
		rc = fx_wait(proc, &status, -1);
		if (rc < 0 || status != 0)
			FAIL("cycle %ld: fx_wait %d, status 0x%x", i, rc, status);
		fx_proc_free(proc);
		if (i % (n / 10 > 0 ? n / 10 : 1) == 0 || i == n) {
			double t = ftt_now();
			char label[96];

			now = ftt_usage();
			snprintf(label, sizeof label, "%ld cycles (%.0f/s)", i,
			         (double)(i - last_i) / (t - last));
			ftt_usage_print(label, &now);
			last = t;
			last_i = i;
			ftt_assert_back(&base, &now, 0, 256);
		}
	}
	now = ftt_usage();
	ftt_note("%s: %ld spawn+wait cycles in %.1f s, %.0f/s, %.0f us each; "
	         "start rss=%ld KiB fds=%ld, end rss=%ld KiB fds=%ld\n",
	         fxt_backend_name(), n, ftt_now() - t0, n / (ftt_now() - t0),
	         (ftt_now() - t0) / n * 1e6, base.rss_kb, base.fds, now.rss_kb, now.fds);
	fx_attr_free(attr);
	ftt_assert_back(&base, &now, 0, 256);
}
