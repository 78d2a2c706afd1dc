/* SPDX-License-Identifier: MIT */
/*
 * fxrun --dump: the process's privilege state in setpriv --dump's words,
 * line for line, so that the two can be compared (tests/test_fxrun_diff.c).
 */
#include "fxrun_dump.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forkexec-linux.h"
#include "fxrun_args.h"

#ifdef __linux__
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* Names of the securebits, low bit first (<linux/securebits.h>). */
static const char *const securebit_names[] = {
	"noroot", "noroot_locked", "no_setuid_fixup", "no_setuid_fixup_locked",
	"keep_caps", "keep_caps_locked", "no_cap_ambient_raise",
	"no_cap_ambient_raise_locked",
};

/* The highest capability the kernel knows: PR_CAPBSET_READ says EINVAL past it. */
static int last_cap(void)
{
	int c = 0;

	while (c < 63 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0)
		c++;
	return c;
}

static void put_cap(FILE *out, int cap, int *first)
{
	const char *name = cap <= FXRUN_CAP_LAST ? fxrun_cap_name((unsigned)cap) : NULL;

	fputs(*first ? "" : ",", out);
	*first = 0;
	if (name)
		fputs(name, out);
	else
		fprintf(out, "cap_%d", cap);
}

/* "Label: a,b,c" or "Label: [none]" for the caps in `set`. */
static void put_caps(FILE *out, const char *label, uint64_t set, int last)
{
	int first = 1, c;

	fprintf(out, "%s: ", label);
	for (c = 0; c <= last; c++)
		if (set & ((uint64_t)1 << c))
			put_cap(out, c, &first);
	fputs(first ? "[none]\n" : "\n", out);
}

int fxrun_dump(FILE *out)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, *groups = NULL;
	uint64_t inh, amb = 0, bnd = 0;
	int n, i, last = last_cap(), bits, sig = 0, first = 1;

	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0)
		return -errno;
	fprintf(out, "uid: %lu\neuid: %lu\ngid: %lu\negid: %lu\n",
	        (unsigned long)ruid, (unsigned long)euid,
	        (unsigned long)rgid, (unsigned long)egid);
	n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	if (n > 0) {
		groups = calloc((size_t)n, sizeof *groups);
		if (!groups)
			return -ENOMEM;
		n = getgroups(n, groups);
		if (n < 0) {
			free(groups);
			return -errno;
		}
	}
	fputs("Supplementary groups: ", out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%lu", i ? "," : "", (unsigned long)groups[i]);
	fputs(n ? "\n" : "[none]\n", out);
	free(groups);
	fprintf(out, "no_new_privs: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	inh = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
	for (i = 0; i <= last; i++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, i, 0, 0) > 0)
			amb |= (uint64_t)1 << i;
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) > 0)
			bnd |= (uint64_t)1 << i;
	}
	put_caps(out, "Inheritable capabilities", inh, last);
	put_caps(out, "Ambient capabilities", amb, last);
	put_caps(out, "Capability bounding set", bnd, last);

	bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	fputs("Securebits: ", out);
	for (i = 0; bits > 0 && i < 32; i++) {
		if (!((unsigned)bits & (1u << i)))
			continue;
		fputs(first ? "" : ",", out);
		first = 0;
		if (i < (int)(sizeof securebit_names / sizeof securebit_names[0]))
			fputs(securebit_names[i], out);
		else
			fprintf(out, "unknown_%d", i);
	}
	fputs(first ? "[none]\n" : "\n", out);

	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	if (sig == 0)
		fputs("Parent death signal: [none]\n", out);
	else if (fxrun_signal_name(sig))
		fprintf(out, "Parent death signal: %s\n", fxrun_signal_name(sig));
	else
		fprintf(out, "Parent death signal: %d\n", sig);
	return 0;
}
#else
int fxrun_dump(FILE *out)
{
	(void)out;
	return -ENOTSUP;
}
#endif
