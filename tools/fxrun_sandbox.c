/*
 * The apply step of fxrun's sandbox options (see fxrun_sandbox.h):
 * --seccomp-deny and --seccomp-allow LIST[:ERRNO], split here and looked
 * up in the library's system call table, each failure named after the
 * option and the value that caused it.
 */
#include "fxrun_sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkexec-linux.h"

/*
 * ERRNO: "kill", a number from 1 to 4095, or (with glibc 2.32's
 * strerrorname_np) a name such as EPERM.  -1 for none of these.
 */
static int parse_action(const char *s, int *action)
{
	char *end;
	long n;

	if (strcmp(s, "kill") == 0) {
		*action = FX_SECCOMP_KILL;
		return 0;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (*s >= '0' && *s <= '9' && !errno && !*end && n >= 1 && n <= 4095) {
		*action = (int)n;
		return 0;
	}
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	for (int e = 1; e <= 4095; e++) {
		const char *name = strerrorname_np(e);

		if (name && strcmp(name, s) == 0) {
			*action = e;
			return 0;
		}
	}
#endif
	return -1;
}

static int apply_seccomp_names(const struct fxrun_opts *o, fx_attr *a)
{
	const char *opt = o->seccomp_mode == FXRUN_SECCOMP_DENY ? "--seccomp-deny"
	                                                        : "--seccomp-allow";
	char *list = strdup(o->seccomp_list), *colon, *p;
	const char **names = NULL;
	size_t n = 0, cap = 0;
	int action = 0, r = 0;

	if (!list) {
		fprintf(stderr, "fxrun: %s: %s\n", opt, strerror(ENOMEM));
		return -ENOMEM;
	}
	colon = strrchr(list, ':');
	if (colon) {
		*colon = '\0';
		if (parse_action(colon + 1, &action) < 0) {
			fprintf(stderr, "fxrun: %s %s: '%s' is no errno (a number from 1 to 4095, "
			        "a name such as EPERM, or 'kill')\n", opt, o->seccomp_list, colon + 1);
			free(list);
			return -EINVAL;
		}
	}
	for (p = strtok(list, ","); p && r == 0; p = strtok(NULL, ",")) {
		if (fx_syscall_number(p) < 0) {
			fprintf(stderr, "fxrun: %s %s: no system call '%s' on this architecture\n",
			        opt, o->seccomp_list, p);
			r = -ENOENT;
			break;
		}
		if (n == cap) {
			const char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);

			if (!grown) {
				r = -ENOMEM;
				break;
			}
			names = grown;
		}
		names[n++] = p;
	}
	if (r == 0 && n == 0)
		r = -EINVAL;
	if (r == 0)
		r = fx_attr_set_seccomp_names(a, o->seccomp_mode == FXRUN_SECCOMP_DENY
		                                 ? FX_SECCOMP_DENY : FX_SECCOMP_ALLOW,
		                              names, n, action);
	if (r < 0 && r != -ENOENT)
		fprintf(stderr, "fxrun: %s %s: %s\n", opt, o->seccomp_list, strerror(-r));
	free(names);
	free(list);
	return r;
}

int fxrun_apply_sandbox(const struct fxrun_opts *o, fx_attr *a)
{
	int r = 0;

	if (o->seccomp_mode)
		r = apply_seccomp_names(o, a);
	return r;
}
