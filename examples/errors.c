/* SPDX-License-Identifier: MIT */
/*
 * errors: what each kind of failure looks like, and how to report it.
 *
 *     errors
 *
 * forkexec has one error convention: a function returns 0 (or a count)
 * on success and a negative errno on failure, and never sets errno.  A
 * spawn that fails also fills an fx_error saying which step failed, with
 * what errno and on what; fx_strerror makes one line of it.  A failed
 * spawn leaves nothing behind: no child, no zombie, no descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <forkexec-io.h>

/* Tries one spawn and prints the outcome: the step's name, then the line. */
static void try_spawn(const char *what, const char *file, fx_attr *attr)
{
	char *argv[] = { (char *)file, NULL };
	fx_proc *proc;
	fx_error err;
	char msg[512];
	int status;

	int rc = fx_spawn(&proc, file, argv, attr, &err);
	if (rc < 0) {
		/* rc is -err.code; err.step is an enum fx_step. */
		printf("%-22s step %-8s %s\n", what, fx_step_name(err.step),
		       fx_strerror(&err, msg, sizeof msg));
		return;
	}
	fx_proc_wait(proc, &status, -1);
	fx_proc_free(proc);
	printf("%-22s started and exited %d\n", what, fx_status_code(status));
}

int main(void)
{
	fx_attr *attr;
	int rc;

	if ((rc = fx_attr_new(&attr)) < 0) {
		fprintf(stderr, "errors: fx_attr_new: %s\n", strerror(-rc));
		return 1;
	}

	/* A setter refuses a bad value at once: here an unknown flag bit. */
	rc = fx_attr_set_flags(attr, 1u << 30);
	printf("%-22s %s\n", "unknown flag:", rc == -EINVAL ? "refused with -EINVAL" : "accepted?");

	/* Failures in the parent, before any child exists. */
	try_spawn("program not found:", "no-such-program-xyz", NULL);
	fx_attr_set_stdio_path(attr, FX_STDOUT, "/nonexistent/out.log",
	                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
	try_spawn("stdout file:", "true", attr);
	fx_attr_set_stdio(attr, FX_STDOUT, FX_STDIO_INHERIT);

	/* Failures in the child, reported back over the error channel. */
	fx_attr_set_cwd(attr, "/nonexistent");
	try_spawn("working directory:", "true", attr);
	fx_attr_set_cwd(attr, NULL);
	try_spawn("not a program:", "/dev/null", attr);

	/* And one that works. */
	try_spawn("all well:", "true", attr);

	fx_attr_free(attr);
	return 0;
}
