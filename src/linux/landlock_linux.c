/* SPDX-License-Identifier: MIT */
/*
 * Landlock (forkexec-linux.h): path rules and TCP port rules, kept as
 * attributes, and at each spawn made into a ruleset in the parent:
 * landlock_create_ruleset, then landlock_add_rule for each path (opened
 * here with O_PATH) and port.  The ruleset reaches the child as one of
 * its descriptors (an fd map onto itself, at a number above every
 * other map's target); the child's only landlock call is
 * landlock_restrict_self on it, after no_new_privs, last before its
 * seccomp filters and execve, and then it closes it.
 *
 * So paths are resolved in the parent's view of the file system, before
 * the child exists: a chroot or a new mount namespace of the child does
 * not change which files a rule names.
 *
 * The rights asked for are those of the kernel's Landlock ABI (asked
 * with LANDLOCK_CREATE_RULESET_VERSION): best effort, a right the
 * kernel does not know is neither handled nor granted.  With
 * FX_LANDLOCK_STRICT a right the library would handle and the kernel
 * cannot (truncate before ABI 3, device ioctls before ABI 5, TCP ports
 * before ABI 4) fails the spawn instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/attr.h"
#include "forkexec-linux.h"
#include "core/spawn_core.h"
#include "linux/sandbox.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444 /* the same number on every architecture */
#define SYS_landlock_add_rule 445
#endif

/* <linux/landlock.h>, spelled out: older headers lack the later rights. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_ABI1 ((1ULL << 13) - 1)   /* execute .. make_sym */
#define LL_FS_REFER (1ULL << 13)        /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)     /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)    /* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)     /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)
/* The rights a rule on a file (not a directory) may hold. */
#define LL_FS_FILE (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | \
                    LL_FS_IOCTL_DEV)
#define LL_FS_RO (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
/* The Landlock ABI of every right the library handles. */
#define LL_ABI_FS_ALL 5
#define LL_ABI_NET 4

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

struct ll_path {
	char *path;
	int access;             /* FX_LANDLOCK_RO or FX_LANDLOCK_RW */
};

struct ll_port {
	uint16_t port;
	int how;                /* FX_LANDLOCK_BIND or FX_LANDLOCK_CONNECT */
};

struct fx__landlock {
	struct ll_path *paths;
	size_t npaths;
	struct ll_port *ports;
	size_t nports;
	unsigned flags;
};

void fx__landlock_free(struct fx__landlock *ll)
{
	if (!ll)
		return;
	for (size_t i = 0; i < ll->npaths; i++)
		free(ll->paths[i].path);
	free(ll->paths);
	free(ll->ports);
	free(ll);
}

static struct fx__landlock *landlock_of(fx_attr *attr)
{
	struct fx__linux_attr *lx = fx__attr_lx(attr);

	if (lx && !lx->landlock)
		lx->landlock = calloc(1, sizeof *lx->landlock);
	return lx ? lx->landlock : NULL;
}

int fx_landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	/* ENOSYS: no such call; EOPNOTSUPP: built in but off at boot. */
	if (v < 0)
		return errno == ENOSYS || errno == EOPNOTSUPP ? -EOPNOTSUPP : -errno;
	return (int)v;
}

int fx_attr_add_landlock_path(fx_attr *attr, const char *path, int access)
{
	struct fx__landlock *ll;
	struct ll_path *grown;
	char *copy;

	if (!attr || !path || !*path || (access != FX_LANDLOCK_RO && access != FX_LANDLOCK_RW))
		return -EINVAL;
	ll = landlock_of(attr);
	copy = ll ? strdup(path) : NULL;
	grown = copy ? realloc(ll->paths, (ll->npaths + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	grown[ll->npaths].path = copy;
	grown[ll->npaths].access = access;
	ll->paths = grown;
	ll->npaths++;
	return 0;
}

int fx_attr_add_landlock_port(fx_attr *attr, unsigned port, int how)
{
	struct fx__landlock *ll;
	struct ll_port *grown;

	if (!attr || port > 65535 || (how != FX_LANDLOCK_BIND && how != FX_LANDLOCK_CONNECT))
		return -EINVAL;
	ll = landlock_of(attr);
	grown = ll ? realloc(ll->ports, (ll->nports + 1) * sizeof *grown) : NULL;
	if (!grown)
		return -ENOMEM;
	grown[ll->nports].port = (uint16_t)port;
	grown[ll->nports].how = how;
	ll->ports = grown;
	ll->nports++;
	return 0;
}

int fx_attr_set_landlock_flags(fx_attr *attr, unsigned flags)
{
	struct fx__landlock *ll;

	if (!attr || (flags & ~(unsigned)(FX_LANDLOCK_STRICT | FX_LANDLOCK_FS)))
		return -EINVAL;
	ll = landlock_of(attr);
	if (!ll)
		return -ENOMEM;
	ll->flags = flags;
	return 0;
}

static uint64_t fs_rights(int abi)
{
	uint64_t r = LL_FS_ABI1;

	if (abi >= 2)
		r |= LL_FS_REFER;
	if (abi >= 3)
		r |= LL_FS_TRUNCATE;
	if (abi >= 5)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

static int fail(fx_error *err, int code, long index, const char *subject)
{
	fx__set_error(err, FX_STEP_LANDLOCK, code, index);
	if (subject) {
		size_t n = strlen(subject);

		if (n >= sizeof err->subject)
			n = sizeof err->subject - 1;
		memcpy(err->subject, subject, n);
		err->subject[n] = 0;
	}
	return -code;
}

/* Each rule into the ruleset: -errno, with err naming the rule. */
static int add_rules(int rfd, const struct fx__landlock *ll, uint64_t fs, uint64_t net,
                     fx_error *err)
{
	for (size_t i = 0; i < ll->npaths; i++) {
		struct ll_path_beneath_attr pb;
		struct stat st;
		int pfd = open(ll->paths[i].path, O_PATH | O_CLOEXEC);

		if (pfd < 0)
			return fail(err, errno, (long)i, ll->paths[i].path);
		pb.allowed_access = (ll->paths[i].access == FX_LANDLOCK_RO ? LL_FS_RO : fs) & fs;
		/* A rule on a file may hold the file rights only. */
		if (fstat(pfd, &st) == 0 && !S_ISDIR(st.st_mode))
			pb.allowed_access &= LL_FS_FILE;
		pb.parent_fd = pfd;
		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &pb, 0) < 0) {
			int e = errno;

			close(pfd);
			return fail(err, e, (long)i, ll->paths[i].path);
		}
		close(pfd);
	}
	for (size_t i = 0; i < ll->nports; i++) {
		struct ll_net_port_attr np;
		uint64_t right = ll->ports[i].how == FX_LANDLOCK_BIND ? LL_NET_BIND_TCP
		                                                      : LL_NET_CONNECT_TCP;

		if (!(net & right))
			continue;
		np.allowed_access = right;
		np.port = ll->ports[i].port;
		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np, 0) < 0)
			return fail(err, errno, (long)(ll->npaths + i), NULL);
	}
	return 0;
}

/* The ruleset for ll, close-on-exec, or -errno with err set; -1 with
 * *none set when this kernel handles none of the rights asked for. */
static int make_ruleset(const struct fx__landlock *ll, int *none, fx_error *err)
{
	struct ll_ruleset_attr ra = { 0, 0 };
	int abi = fx_landlock_abi(), want_abi = 1, rfd, rc;
	long r;

	if (abi < 0)
		return fail(err, -abi, -1, NULL);
	if (ll->npaths || (ll->flags & FX_LANDLOCK_FS)) {
		ra.handled_access_fs = fs_rights(abi);
		want_abi = LL_ABI_FS_ALL;
	}
	for (size_t i = 0; i < ll->nports; i++) {
		if (abi >= LL_ABI_NET)
			ra.handled_access_net |= ll->ports[i].how == FX_LANDLOCK_BIND
			                         ? LL_NET_BIND_TCP : LL_NET_CONNECT_TCP;
		if (want_abi < LL_ABI_NET)
			want_abi = LL_ABI_NET;
	}
	if ((ll->flags & FX_LANDLOCK_STRICT) && abi < want_abi)
		return fail(err, EOPNOTSUPP, abi, NULL);
	/* Nothing this kernel can handle (ports before ABI 4, best effort):
	 * an empty ruleset, which the kernel refuses; nothing to restrict. */
	if (!ra.handled_access_fs && !ra.handled_access_net) {
		*none = 1;
		return -1;
	}
	/* Before ABI 4 the kernel's struct ends after the fs rights. */
	r = syscall(SYS_landlock_create_ruleset, &ra,
	            ra.handled_access_net ? sizeof ra : sizeof ra.handled_access_fs, 0);
	if (r < 0)
		return fail(err, errno, -1, NULL);
	rfd = (int)r;
	rc = add_rules(rfd, ll, ra.handled_access_fs, ra.handled_access_net, err);
	if (rc < 0) {
		close(rfd);
		return rc;
	}
	return rfd;
}

int fx__landlock_wire(struct fx_attr *eff, struct fx__fd_map **owned,
                      const struct fx_attr *attr, int *fd_out, fx_error *err)
{
	const struct fx__landlock *ll = attr->lx ? attr->lx->landlock : NULL;
	struct fx__fd_map *maps;
	int rfd, fd, floor = 3, none = 0;

	*fd_out = -1;
	if (!ll)
		return 0;
	rfd = make_ruleset(ll, &none, err);
	if (none)
		return 0;
	if (rfd < 0)
		return rfd;
	/* Above every target of the child, so that mapping it onto its own
	 * number moves nothing and takes no fd the child was given. */
	for (size_t i = 0; i < eff->nmaps; i++)
		if (eff->maps[i].child_fd >= floor)
			floor = eff->maps[i].child_fd + 1;
	fd = fcntl(rfd, F_DUPFD_CLOEXEC, floor);
	close(rfd);
	if (fd < 0)
		return fail(err, errno, -1, NULL);
	maps = malloc((eff->nmaps + 1) * sizeof *maps);
	if (!maps) {
		close(fd);
		return fail(err, ENOMEM, -1, NULL);
	}
	if (eff->nmaps)
		memcpy(maps, eff->maps, eff->nmaps * sizeof *maps);
	maps[eff->nmaps].child_fd = fd;
	maps[eff->nmaps].parent_fd = fd;
	free(*owned);
	*owned = maps;
	eff->maps = maps;
	eff->nmaps++;
	eff->maps_cap = eff->nmaps;
	eff->landlock_fd = fd;
	*fd_out = fd;
	return 0;
}
