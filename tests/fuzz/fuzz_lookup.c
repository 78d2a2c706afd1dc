/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the PATH search (fx__lookup, src/core/lookup.c):
 *
 *     make fuzz-build && build/fuzz/fuzz_lookup tests/fuzz/corpus/fuzz_lookup
 *
 * A small tree is made once under /tmp (executables, a non-executable
 * file, a directory, symbolic links good and dangling, a program in the
 * tree's top directory, which the fuzzer's working directory is) and the
 * input chooses the program name and the search path, element by
 * element, from words that name parts of the tree, relative names, empty
 * elements and raw bytes; sometimes the path comes from an environment
 * set with fx_attr_set_env, sometimes the tree is the child's root.
 * fx__lookup must not crash or leak, and:
 *   - a name with '/' is returned as it is;
 *   - otherwise a result is "<element>/<name>" for a non-empty, absolute
 *     element of the search path (never the working directory through an
 *     empty or relative element), names a regular executable file, and is the first such
 *     candidate in the path's order;
 *   - failing, it returns -ENOENT, -EACCES (something was found but not
 *     executable) or -ENAMETOOLONG, and leaves *out NULL.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "core/attr.h"
#include "forkexec.h"
#include "core/lookup.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tree[64];
static int home_fd = -1;        /* the fuzzer's own working directory */

/* Back home first: libFuzzer writes the crash file where we stand. */
__attribute__((noreturn)) static void fail(const char *what)
{
	if (home_fd >= 0 && fchdir(home_fd) != 0)
		fprintf(stderr, "fuzz_lookup: cannot go back home\n");
	fprintf(stderr, "fuzz_lookup: %s\n", what);
	abort();
}

static void make_file(const char *rel, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tree, rel);
	f = fopen(path, "w");
	if (!f || fputs("#!/bin/sh\nexit 0\n", f) < 0 || fclose(f) != 0 || chmod(path, mode) != 0)
		abort();
}

static void make_dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", tree, rel);
	if (mkdir(path, 0755) != 0)
		abort();
}

static void make_link(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", tree, rel);
	if (symlink(target, path) != 0)
		abort();
}

static void remove_tree(void)
{
	char cmd[128];

	if (tree[0] && chdir("/") == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tree);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_lookup: could not remove %s\n", tree);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(tree, sizeof tree, "/tmp/fxfuzz-lookup.XXXXXX");
	if (!mkdtemp(tree))
		abort();
	make_file("prog", 0755);        /* reachable only through "." or "" */
	make_dir("a");
	make_file("a/prog", 0755);
	make_file("a/data", 0644);
	make_dir("a/dir");
	make_dir("b");
	make_file("b/prog", 0644);      /* found, not executable */
	make_file("b/tool", 0755);
	make_dir("c");
	make_link("../a/prog", "c/prog");
	make_link("nowhere", "c/dangling");
	make_link("../a/dir", "c/tool");
	make_file("c/only", 0100);      /* executable by its owner only */
	make_file("d", 0755);           /* an element that is a file */
	make_dir("e");
	home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (home_fd < 0)
		abort();
	atexit(remove_tree);
	return 0;
}

/* Appends a word chosen by the input, or up to 16 raw bytes. */
static void append_word(struct input *in, char *buf, size_t cap, int names)
{
	static const char *const dirs[] = {
		"@a", "@b", "@c", "@d", "@e", "", ".", "a", "b", "/nonexistent",
		"@a/", "@a/dir", "@a/../b", "/", "@", "@c/prog", "",
	};
	static const char *const files[] = {
		"prog", "tool", "data", "dir", "dangling", "only", "missing", "..",
		".", "a/prog", "/bin/sh", "",
	};
	size_t len = strlen(buf);
	unsigned w = take(in);
	const char *word;
	char raw[17];

	if (w < 200) {
		word = names ? files[w % (sizeof files / sizeof *files)]
		             : dirs[w % (sizeof dirs / sizeof *dirs)];
	} else if (w < 250) {
		size_t n = take(in) % 17;
		for (size_t i = 0; i < n; i++) {
			raw[i] = (char)take(in);
			if (!raw[i] || (!names && raw[i] == ':'))
				raw[i] = 'x';
		}
		raw[n] = 0;
		word = raw;
	} else {
		/* Longer than any path the search may build. */
		while (len + 1 < cap && len < PATH_MAX + 8)
			buf[len++] = 'L';
		buf[len] = 0;
		return;
	}
	if (word[0] == '@') {
		snprintf(buf + len, cap - len, "%s%s", tree, word + 1);
		return;
	}
	snprintf(buf + len, cap - len, "%s", word);
}

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* What a candidate is: 1 executable, -1 there but not executable, 0 absent. */
static int classify(const char *root, const char *cand)
{
	char path[2 * PATH_MAX + 2];
	struct stat st;

	snprintf(path, sizeof path, "%s%s", root ? root : "", cand);
	if (strlen(path) >= PATH_MAX)
		return 0;
	if (stat(path, &st) != 0)
		return errno == EACCES ? -1 : 0;
	return is_executable_file(path) ? 1 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char file[PATH_MAX + 64], search[4 * PATH_MAX];
	struct input in = { data, size };
	fx_attr *attr;
	char *out = (char *)"unset", *env[3];
	char pathvar[sizeof search + 8];
	int rc;

	file[0] = search[0] = 0;
	append_word(&in, file, sizeof file, 1);
	unsigned mode = take(&in), nelem = take(&in) % 8;
	for (unsigned i = 0; i < nelem; i++) {
		if (i)
			strcat(search, ":");
		append_word(&in, search, sizeof search - PATH_MAX - 16, 0);
	}

	/* Relative elements are searched from the tree's top. */
	if (chdir(tree) != 0)
		fail("chdir to the tree");
	if (fx_attr_new(&attr) < 0)
		fail("fx_attr_new");
	switch (mode % 4) {
	case 0:
		if (fx_attr_set_search_path(attr, search) < 0)
			goto out;
		break;
	case 1:
		/* From the child's environment. */
		snprintf(pathvar, sizeof pathvar, "PATH=%s", search);
		env[0] = (char *)"HOME=/";
		env[1] = pathvar;
		env[2] = NULL;
		if (fx_attr_set_env(attr, env) < 0)
			goto out;
		break;
	case 2:
		/* An environment without PATH: the default path. */
		env[0] = (char *)"HOME=/";
		env[1] = NULL;
		if (fx_attr_set_env(attr, env) < 0)
			goto out;
		break;
	case 3:
		/* The tree as the child's root: absolute elements only make
		 * sense there. */
		if (fx_attr_set_search_path(attr, search) < 0 || fx_attr_set_chroot(attr, tree) < 0)
			goto out;
		break;
	}

	const char *dirs = fx__search_path(attr);
	if (!dirs)
		fail("fx__search_path returned NULL");
	if (mode % 4 != 2 && strcmp(dirs, search) != 0)
		fail("fx__search_path is not the path that was set");
	if (mode % 4 == 2 && strcmp(dirs, "/usr/bin:/bin") != 0)
		fail("without PATH in the environment, the path is not the default");

	rc = fx__lookup(file, attr, &out);

	if (strchr(file, '/')) {
		if (rc == -ENOMEM)
			goto out;
		if (rc != 0 || !out || strcmp(out, file) != 0)
			fail("a name with a slash was not returned as it is");
		free(out);
		goto out;
	}
	if (rc < 0) {
		if (out)
			fail("a failed search left *out set");
		if (rc != -ENOENT && rc != -EACCES && rc != -ENAMETOOLONG && rc != -ENOMEM)
			fail("unexpected error code");
	} else if (rc != 0 || !out) {
		fail("success without a result");
	}

	/* The oracle: the first non-empty element holding an executable. */
	const char *root = attr->root;
	int want = -ENOENT;
	size_t flen = strlen(file);
	char cand[2 * PATH_MAX + 2];

	if (flen > NAME_MAX) {
		want = -ENAMETOOLONG;
	} else {
		for (const char *p = dirs;;) {
			const char *end = strchrnul(p, ':');
			size_t dlen = (size_t)(end - p);

			/* Relative elements are skipped like empty ones: the
			 * child's working directory is not ours. */
			if (dlen > 0 && *p == '/' && dlen + 1 + flen + 1 <= PATH_MAX) {
				snprintf(cand, sizeof cand, "%.*s/%s", (int)dlen, p, file);
				int k = classify(root, cand);
				if (k > 0) {
					if (rc != 0 || strcmp(out, cand) != 0) {
						fprintf(stderr, "fuzz_lookup: want %s, got %d %s\n", cand, rc,
						        rc == 0 ? out : "");
						fail("not the first executable candidate");
					}
					want = 0;
					break;
				}
				if (k < 0)
					want = -EACCES;
			}
			if (!*end)
				break;
			p = end + 1;
		}
	}
	if (rc != want) {
		fprintf(stderr, "fuzz_lookup: file \"%s\" path \"%s\": got %d, want %d\n", file, dirs,
		        rc, want);
		fail("wrong result or error code");
	}
	if (rc == 0) {
		/* Never through an empty element: the directory is one of the
		 * path's non-empty elements, spelt as it is. */
		size_t olen = strlen(out), dlen = olen - flen - 1;
		if (olen < flen + 2 || out[dlen] != '/' || strcmp(out + dlen + 1, file))
			fail("the result does not end with /NAME");
		int found = 0;
		for (const char *p = dirs; !found;) {
			const char *end = strchrnul(p, ':');
			found = (size_t)(end - p) == dlen && !strncmp(p, out, dlen);
			if (!*end)
				break;
			p = end + 1;
		}
		if (!found)
			fail("the result's directory is no non-empty element of the path");
		char path[2 * PATH_MAX + 2];
		snprintf(path, sizeof path, "%s%s", root ? root : "", out);
		if (!is_executable_file(path))
			fail("the result is not an executable regular file");
		free(out);
	}
out:
	fx_attr_free(attr);
	if (fchdir(home_fd) != 0)
		fail("fchdir home");
	return 0;
}
