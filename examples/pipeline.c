/* SPDX-License-Identifier: MIT */
/*
 * pipeline: printf 'cherry\napple\nbanana\n' | sort | head -n 2,
 * with each stage's status, as bash's PIPESTATUS and pipefail give them.
 *
 *     pipeline
 *
 * The stages run as one new process group; the pipes between them are
 * made by the parent, and its own copies are closed as soon as the stages
 * have theirs, so that each stage sees end of file in time.
 */
#include <stdio.h>
#include <string.h>

#include <forkexec-io.h>

int main(void)
{
	char *produce[] = { "printf", "cherry\\napple\\nbanana\\n", NULL };
	char *sort[] = { "sort", NULL };
	char *head[] = { "head", "-n", "2", NULL };
	fx_pipeline *pl;
	fx_run_opts *opts;
	fx_result *res;
	fx_error err;
	char msg[512];
	int rc;

	if (fx_pipeline_new(&pl) < 0 || fx_run_opts_new(&opts) < 0)
		return 1;
	/* argv is copied; NULL attributes: each stage's defaults. */
	if ((rc = fx_pipeline_add(pl, "printf", produce, NULL)) < 0 ||
	    (rc = fx_pipeline_add(pl, "sort", sort, NULL)) < 0 ||
	    (rc = fx_pipeline_add(pl, "head", head, NULL)) < 0) {
		fprintf(stderr, "pipeline: fx_pipeline_add: %s\n", strerror(-rc));
		return 1;
	}

	/* Capture the last stage's stdout; the whole group gets 10 s. */
	fx_run_opts_set_flags(opts, FX_RUN_CAPTURE_STDOUT);
	fx_run_opts_set_timeout(opts, 10000);
	rc = fx_pipeline_run(&res, pl, opts, &err);
	fx_run_opts_free(opts);
	if (rc < 0) {
		fprintf(stderr, "pipeline: stage %ld: %s\n", fx_pipeline_failed_stage(pl),
		        fx_strerror(&err, msg, sizeof msg));
		fx_pipeline_free(pl);
		return 1;
	}

	fputs(res->out.data, stdout);
	for (size_t i = 0; i < res->nstages; i++)
		printf("stage %zu exited with code %d\n", i, fx_status_code(res->stage_status[i]));
	printf("pipefail status: %d\n", fx_status_code(res->pipefail_status));
	fx_result_free(res);
	fx_pipeline_free(pl);
	return 0;
}
