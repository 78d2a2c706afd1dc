/* The attribute set, as attr.c keeps it and plan.c reads it. */
#ifndef FX_ATTR_H
#define FX_ATTR_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "forkexec.h"

struct fx__fd_map {
	int child_fd;
	int parent_fd;          /* -1: close child_fd */
};

/* Where one of the child's fds 0-2 goes (forkexec-io.h). */
struct fx__stdio {
	int how;                /* enum fx_stdio; FX_STDIO_INHERIT (0) when unset */
	int fd;                 /* FX_STDIO_FD: the caller's descriptor */
	char *path;             /* FX_STDIO_PATH, owned */
	int oflags;
	mode_t mode;
};

struct fx_attr {
	unsigned flags;         /* FX_* flags */
	int backend;            /* enum fx_backend */
	char *argv0;
	char **env;             /* NULL: inherit environ */
	char *search_path;
	char *cwd;
	char *root;
	int has_uid, has_gid, has_groups;
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t *groups;
	pid_t pgid;             /* -1: unchanged */
	int tty_fd;
	int pdeathsig;
	struct fx__fd_map *maps;
	size_t nmaps, maps_cap;
	int has_sigmask, has_sigdefault;
	uint64_t sigmask;       /* kernel layout: bit sig-1 */
	uint64_t sigdefault;
	/* FX_STDIO_FD is kept as a map (maps above) and recorded here. */
	struct fx__stdio stdio[3];
};

/* Forgets the mapping of child_fd, if any. */
void fx__attr_unmap(struct fx_attr *attr, int child_fd);

/* The kernel's 64-bit form of a libc sigset_t. */
uint64_t fx__sigset_to_mask(const sigset_t *set);

#endif
