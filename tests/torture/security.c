/* SPDX-License-Identifier: MIT */
/*
 * Security.
 *
 *   - Credentials: a root parent spawns with uid, gid and groups 65534.
 *     The child's real, effective, saved and file-system ids, and its
 *     groups, must all be the target, and every capability set (effective,
 *     permitted, inheritable, ambient) empty, also when the parent has an
 *     ambient capability raised and asked to keep its capabilities across
 *     setuid (PR_SET_KEEPCAPS).  The parent keeps its own identity.
 *   - Descriptors: 10,000 random descriptor layouts or 16 s of them
 *     (scaled), whichever ends first: the parent
 *     opens memfds named after their number, without O_CLOEXEC or with
 *     it, at random numbers up to 200; a default spawn of the probe must
 *     show 0, 1 and 2 only (and the report fd, which the probe leaves
 *     out).  One layout in three also maps random parent fds to random
 *     child fds (overlaps, chains and cycles come by chance): then exactly
 *     those must appear, each the right memfd, inheritable.
 */
#include "torture.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <asm/unistd.h>   /* not <sys/syscall.h>: -Isrc shadows it */
#include <unistd.h>

#define NOBODY 65534

static void expect_caps_empty(const fxt_report *r, const char *what)
{
	static const char *const keys[] = { "capeff", "capprm", "capinh", "capamb" };

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (fxt_get_hex(r, keys[i]) != 0)
			FAIL("%s: %s=%s, expected no capability", what, keys[i],
			     fxt_get(r, keys[i]));
}

static void expect_nobody(const fxt_report *r, const char *what)
{
	ASSERT_STR_EQ(fxt_get(r, "uid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(r, "gid"), "65534,65534,65534,65534");
	ASSERT_STR_EQ(fxt_get(r, "groups"), "65534");
	expect_caps_empty(r, what);
}

/* Raises CAP_NET_BIND_SERVICE in the inheritable and ambient sets. */
static void raise_ambient(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	ASSERT_SYS(syscall(__NR_capget, &hdr, data));
	data[CAP_TO_INDEX(CAP_NET_BIND_SERVICE)].inheritable |=
		CAP_TO_MASK(CAP_NET_BIND_SERVICE);
	ASSERT_SYS(syscall(__NR_capset, &hdr, data));
	ASSERT_SYS(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
}

TORTURE(torture_credentials, 60)
{
	gid_t groups[1] = { NOBODY };
	fx_attr *attr = fxt_attr(), *plain = fxt_attr();
	char *dir, *probe;
	fxt_report *r;
	uid_t ru, eu, su;
	struct ftt_usage base, end;

	if (geteuid() != 0)
		SKIP("needs root, to switch to uid 65534");
	/* The probe where uid 65534 can surely execute it. */
	dir = fxt_tmpdir();
	probe = fxt_join(dir, "fxprobe");
	fxt_copy_file(fxt_probe_path(), probe, 0755);
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_groups(attr, 1, groups));

	for (int i = 0; i < 60; i++) {
		int status = -1;
		fx_error err;

		if (i == 10)
			base = ftt_baseline("baseline after 10 spawns");
		ASSERT_SPAWNED(fxt_probe_file(probe, attr, NULL, &r, &status, &err), &err);
		ASSERT_EQ(status, 0);
		expect_nobody(r, "uid 65534");
		fxt_report_free(r);
	}
	end = ftt_usage();
	ftt_usage_print("end", &end);
	ftt_assert_back(&base, &end, 4096, 256);

	/* The parent is untouched (a CLONE_VM child shares no credentials). */
	ASSERT_SYS(getresuid(&ru, &eu, &su));
	ASSERT_EQ(ru, 0);
	ASSERT_EQ(eu, 0);
	ASSERT_EQ(su, 0);
	ASSERT_EQ(getgroups(0, NULL) >= 0, 1);
	ftt_note("%s: 60 children as 65534 (uid r,e,s,fs; gid r,e,s,fs; groups) "
	         "with no capability; parent still 0,0,0\n", fxt_backend_name());
	fx_attr_free(attr);
	fx_attr_free(plain);
	fxt_assert_no_children();
}

/*
 * The same switch from a parent that runs with capabilities in its
 * inheritable and ambient sets (a service started with systemd's
 * AmbientCapabilities=, say) and PR_SET_KEEPCAPS.  The kernel clears the
 * ambient set at the switch to non-root, but never the inheritable one:
 * unless the library drops it, the uid-65534 child keeps CapInh, and an
 * exec of a file with that capability in its inheritable file set turns
 * it into a permitted capability.
 */
TORTURE(torture_credentials_capable_parent, 60)
{
	gid_t groups[1] = { NOBODY };
	fx_attr *attr = fxt_attr(), *plain = fxt_attr();
	char *probe = fxt_join(fxt_tmpdir(), "fxprobe");
	fxt_report *r;

	if (geteuid() != 0)
		SKIP("needs root, to switch to uid 65534");
	fxt_copy_file(fxt_probe_path(), probe, 0755);
	ASSERT_OK(fx_attr_set_uid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_gid(attr, NOBODY));
	ASSERT_OK(fx_attr_set_groups(attr, 1, groups));
	raise_ambient();
	ASSERT_SYS(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	r = fxt_probe_ok(plain, NULL);
	if ((fxt_get_hex(r, "capamb") & (1ull << CAP_NET_BIND_SERVICE)) == 0)
		FAIL("control: a root child did not inherit the ambient capability "
		     "(capamb=%s)", fxt_get(r, "capamb"));
	fxt_report_free(r);
	for (int i = 0; i < 10; i++) {
		int status = -1;
		fx_error err;

		ASSERT_SPAWNED(fxt_probe_file(probe, attr, NULL, &r, &status, &err), &err);
		ASSERT_EQ(status, 0);
		expect_nobody(r, "uid 65534 from a parent with inheritable+ambient "
		              "capabilities and KEEPCAPS");
		fxt_report_free(r);
	}
	ftt_note("%s: 10 children as 65534 from a parent with CAP_NET_BIND_SERVICE "
	         "inheritable and ambient, and KEEPCAPS: no capability\n",
	         fxt_backend_name());
	fx_attr_free(attr);
	fx_attr_free(plain);
	fxt_assert_no_children();
}

/* ------------------------------------------------------------------ */
/* Random descriptor layouts                                           */
/* ------------------------------------------------------------------ */

#define LAYOUT_MAX_FD 200
#define SAVED_STD 600 /* where the runner's 0, 1, 2 wait while closed */

struct layout {
	int open[LAYOUT_MAX_FD + 1];      /* 1 if the parent has it (>= 3) */
	int cloexec[LAYOUT_MAX_FD + 1];
	int map_src[LAYOUT_MAX_FD + 1];   /* child fd -> parent fd, -1 none */
	int std_closed[3];                /* the parent's 0, 1, 2 closed */
	int nopen, nmaps;
};

static unsigned rnd(unsigned *seed, unsigned n)
{
	return (unsigned)rand_r(seed) % n;
}

/* A memfd at exactly `fd`, named "L<fd>". */
static void open_at(int fd, int cloexec)
{
	char name[16];
	int m;

	snprintf(name, sizeof name, "L%d", fd);
	m = memfd_create(name, 0);
	ASSERT_SYS(m);
	if (m == fd) {
		if (cloexec)
			ASSERT_SYS(fcntl(fd, F_SETFD, FD_CLOEXEC));
		return;
	}
	ASSERT_SYS(dup3(m, fd, cloexec ? O_CLOEXEC : 0));
	close(m);
}

/*
 * Draws a layout and opens it.  One in three also gets maps, one in four
 * closes some of the parent's 0, 1, 2 (so the error pipe and the report
 * pipe land there), and maps may then target 0-2 too.
 */
static void make_layout(struct layout *l, unsigned *seed)
{
	int want = (int)rnd(seed, 25), lo;

	memset(l, 0, sizeof *l);
	for (int fd = 0; fd <= LAYOUT_MAX_FD; fd++)
		l->map_src[fd] = -1;
	/* Sometimes a dense block at the bottom, so the error pipe lands high. */
	if (rnd(seed, 4) == 0) {
		int top = 3 + (int)rnd(seed, 40);
		for (int fd = 3; fd < top; fd++) {
			l->open[fd] = 1;
			l->cloexec[fd] = (int)rnd(seed, 2);
		}
	}
	for (int i = 0; i < want; i++) {
		int fd = 3 + (int)rnd(seed, LAYOUT_MAX_FD - 2);
		l->open[fd] = 1;
		l->cloexec[fd] = (int)rnd(seed, 3) == 0;
	}
	for (int fd = 3; fd <= LAYOUT_MAX_FD; fd++) {
		if (!l->open[fd])
			continue;
		open_at(fd, l->cloexec[fd]);
		l->nopen++;
	}
	if (rnd(seed, 4) == 0)
		for (int k = 0; k < 3; k++)
			l->std_closed[k] = (int)rnd(seed, 2);
	if (l->nopen == 0 || rnd(seed, 3) != 0)
		return;
	/* Random maps from open parent fds to child fds (not the probe's
	 * report fd); a source may also be a target. */
	lo = l->std_closed[0] | l->std_closed[1] | l->std_closed[2] ? 0 : 3;
	for (int n = 1 + (int)rnd(seed, 6); n > 0; n--) {
		int src, dst;
		do
			src = 3 + (int)rnd(seed, LAYOUT_MAX_FD - 2);
		while (!l->open[src]);
		do
			dst = lo + (int)rnd(seed, (unsigned)(LAYOUT_MAX_FD + 1 - lo));
		while (dst == FXT_REPORT_FD);
		if (l->map_src[dst] < 0)
			l->nmaps++;
		l->map_src[dst] = src;
	}
}

static void close_layout(const struct layout *l)
{
	for (int fd = 3; fd <= LAYOUT_MAX_FD; fd++)
		if (l->open[fd])
			close(fd);
}

static void describe(const struct layout *l, const fxt_report *r, char *buf, size_t len)
{
	size_t used = 0, iter = 0;
	const char *key, *value;

	used += (size_t)snprintf(buf + used, len - used, "parent fds:");
	for (int fd = 0; fd < 3; fd++)
		if (l->std_closed[fd])
			used += (size_t)snprintf(buf + used, len - used, " %d(closed)", fd);
	for (int fd = 3; fd <= LAYOUT_MAX_FD && used < len; fd++)
		if (l->open[fd])
			used += (size_t)snprintf(buf + used, len - used, " %d%s", fd,
			                         l->cloexec[fd] ? "(cloexec)" : "");
	used += (size_t)snprintf(buf + used, len - used, "; maps:");
	for (int fd = 0; fd <= LAYOUT_MAX_FD && used < len; fd++)
		if (l->map_src[fd] >= 0)
			used += (size_t)snprintf(buf + used, len - used, " %d<-%d", fd,
			                         l->map_src[fd]);
	used += (size_t)snprintf(buf + used, len - used, "; child:");
	while (used < len && fxt_next(r, "fd.", &iter, &key, &value))
		used += (size_t)snprintf(buf + used, len - used, " %s=%s", key + 3, value);
}

/*
 * The child must have: each of 0-2 that is mapped (the right memfd) or
 * open in the parent (the parent's), each mapped fd above 2, and nothing
 * else.
 */
static void check_layout(const struct layout *l, const fxt_report *r,
                         char std[3][256], long n)
{
	static char msg[8192];
	struct fxt_fdinfo info;
	size_t want = 0;

	for (int fd = 0; fd <= LAYOUT_MAX_FD; fd++) {
		char target[64];
		const char *expect = NULL;
		int has = fxt_fd_info(r, fd, &info);

		if (l->map_src[fd] >= 0) {
			snprintf(target, sizeof target, "/memfd:L%d (deleted)", l->map_src[fd]);
			expect = target;
		} else if (fd < 3 && !l->std_closed[fd]) {
			expect = std[fd];
		}
		if (!expect) {
			if (has && fd != FXT_REPORT_FD) {
				describe(l, r, msg, sizeof msg);
				FAIL("layout %ld: child fd %d (%s) should not be open: %s", n, fd,
				     info.target, msg);
			}
			continue;
		}
		want++;
		if (!has || strcmp(info.target, expect) ||
		    (l->map_src[fd] >= 0 && info.cloexec)) {
			describe(l, r, msg, sizeof msg);
			FAIL("layout %ld: child fd %d should be %s%s: %s", n, fd,
			     l->map_src[fd] >= 0 ? "an inheritable " : "", expect, msg);
		}
	}
	if (fxt_count(r, "fd.") != want) {
		describe(l, r, msg, sizeof msg);
		FAIL("layout %ld: the child has %zu fds, expected %zu: %s", n,
		     fxt_count(r, "fd."), want, msg);
	}
}

/*
 * Random layouts until the loop ends, each checked; counts layouts with
 * maps and open fds.
 */
static void layouts_round(struct fxt_loop *loop, unsigned *seed, char std[3][256],
                          long *mapped, long *total_open, long *std_closed)
{
	long i;

	while ((i = fxt_loop_next(loop)) >= 0) {
		struct layout l;
		fx_attr *attr = fxt_attr();
		fxt_report *r = NULL;
		fx_error err;
		int status = -1, rc, closed = 0;

		make_layout(&l, seed);
		for (int fd = 0; fd <= LAYOUT_MAX_FD; fd++)
			if (l.map_src[fd] >= 0)
				ASSERT_OK(fx_attr_set_fd(attr, fd, l.map_src[fd]));
		for (int k = 0; k < 3; k++) {
			if (!l.std_closed[k])
				continue;
			ASSERT_SYS(fcntl(k, F_DUPFD_CLOEXEC, SAVED_STD + k) == SAVED_STD + k ? 0 : -1);
			close(k);
			closed = 1;
		}
		rc = fxt_probe(attr, NULL, &r, &status, &err);
		/* The runner's output is back before anything can fail. */
		for (int k = 0; k < 3; k++) {
			if (!l.std_closed[k])
				continue;
			ASSERT_SYS(dup2(SAVED_STD + k, k));
			close(SAVED_STD + k);
		}
		ASSERT_SPAWNED(rc, &err);
		ASSERT_EQ(status, 0);
		check_layout(&l, r, std, i);
		fxt_report_free(r);
		fx_attr_free(attr);
		close_layout(&l);
		*mapped += l.nmaps > 0;
		*total_open += l.nopen;
		*std_closed += closed;
	}
}

/* 16 s at scale 1, after a warm-up of 100 layouts (5 s at most). */
TORTURE(torture_fd_layouts, 70)
{
	long mapped = 0, total_open = 0, std_closed = 0;
	unsigned seed = ftt_seed();
	struct ftt_usage base, end;
	struct fxt_loop loop = fxt_loop(100, 5);
	char std[3][256];

	for (int fd = 0; fd < 3; fd++) {
		char path[64];
		ssize_t len;

		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		len = readlink(path, std[fd], sizeof std[fd] - 1);
		ASSERT_GT(len, 0);
		std[fd][len] = 0;
	}
	ftt_need_fds(SAVED_STD + 3);
	layouts_round(&loop, &seed, std, &mapped, &total_open, &std_closed); /* warm-up */
	mapped = total_open = std_closed = 0;
	base = ftt_baseline("baseline");
	loop = ftt_loop(10000, 16);
	layouts_round(&loop, &seed, std, &mapped, &total_open, &std_closed);
	end = ftt_usage();
	ftt_usage_print("end", &end);
	fxt_loop_end(&loop, 50, "random layouts");
	ftt_note("%s: %ld layouts (%.1f parent fds each on average, %ld with random "
	         "maps, %ld with some of 0-2 closed) in %.1f s: every child had "
	         "exactly its fds\n", fxt_backend_name(), loop.done,
	         (double)total_open / loop.done, mapped, std_closed, loop.elapsed);
	/* The random sizes of the attributes' fd maps fill malloc's caches
	 * bin by bin; a leak of even 32 bytes a spawn would pass 64 KiB. */
	ftt_assert_back(&base, &end, 64 * 1024, 256);
}
