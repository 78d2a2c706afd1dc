/* SPDX-License-Identifier: MIT */
/*
 * The filesystem view's attributes, shared by mounts_linux.c (the
 * setters) and plan_mounts_linux.c (the plan).
 */
#ifndef FX_MOUNTS_LINUX_H
#define FX_MOUNTS_LINUX_H

struct mount_req {
	int kind;               /* enum fx_mount_kind */
	char *src, *dest;
	unsigned long size;     /* tmpfs: bytes, 0: the kernel's default */
	unsigned mode;          /* tmpfs: mode of its root */
};

struct fx__mounts {
	struct mount_req *v;
	size_t n;
	char *hostname;
};

#endif
