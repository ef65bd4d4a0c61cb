/*
 * Opening an extracted bag: the folder `appui extract`, tar or unzip leave,
 * read into the same ap_bundle as an archive, so that ap_bundle_check(),
 * ap_bundle_rescore() and ap_bundle_show() judge both forms alike.
 *
 * The folder may be hostile (a bag received as a folder, or edited after
 * extraction). It is walked with openat() from one descriptor per level,
 * never through a path that could be swapped: an entry is looked at with
 * fstatat(AT_SYMLINK_NOFOLLOW) and opened with O_NOFOLLOW, and the file
 * opened must be the one looked at. A symbolic link is reported and never
 * followed (not even one that stays inside the bag: an archive's link is
 * refused too), a FIFO, device or socket is reported and never opened, so
 * nothing outside the bag is read and nothing blocks. The member limits
 * apply as for an archive (a file over the size limit is refused before it
 * is read, and again as its bytes come if it grows); the ratio does not,
 * since nothing is decompressed. Names are checked as a member's are.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_impl.h"

/* Deeper folders are refused: one descriptor is open per level. */
#define MAX_DEPTH 64

typedef struct walk {
	ap_bundle *b;
	const char *file; /* the folder, as given: every message's file */
	limits lm;
	size_t entries; /* files and folders seen, against lm.members */
	uint64_t total;
	char *buf;
	ap_diags *d;
} walk;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Why a folder entry's type has no place in a bag, or NULL. */
static const char *type_problem(mode_t mode)
{
	if (S_ISREG(mode) || S_ISDIR(mode))
		return NULL;
	if (S_ISLNK(mode))
		return "is a symbolic link (a bag holds only files and "
		       "folders): not followed";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "is a device (a bag holds only files and folders): not "
		       "read";
	if (S_ISFIFO(mode))
		return "is a FIFO (a bag holds only files and folders): not "
		       "read";
	if (S_ISSOCK(mode))
		return "is a socket (a bag holds only files and folders): not "
		       "read";
	return "has an unknown type (a bag holds only files and folders)";
}

/* Why a name read from a folder cannot be a member's, or NULL. */
static const char *name_problem(const char *rel)
{
	if (strlen(rel) > 4096)
		return "has a name longer than 4096 bytes";
	if (bundle_has_control(rel))
		return "has a control character in its name";
	if (strchr(rel, '\\'))
		return "has a backslash in its name";
	if (!ap_utf8_valid(rel))
		return "has a name that is not valid UTF-8";
	return NULL;
}

/* The sorted names of the folder open as `fd` (taken: closed here), or -1
 * (reported). */
static int list_names(walk *w, int fd, const char *rel, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	DIR *dir = fdopendir(fd);
	if (!dir) {
		ap_diags_add(w->d, AP_ERROR, w->file, 0, *rel ? rel : ".",
		             "cannot read the folder: %s", strerror(errno));
		close(fd);
		return -1;
	}
	size_t cap = 0;
	int rc = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(dir);
		if (!de) {
			if (errno) {
				ap_diags_add(w->d, AP_ERROR, w->file, 0,
				             *rel ? rel : ".",
				             "cannot read the folder: %s",
				             strerror(errno));
				rc = -1;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > w->lm.members) {
			ap_diags_add(w->d, AP_ERROR, w->file, 0, "",
			             "more than %zu members: refused",
			             w->lm.members);
			rc = -1;
			break;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = ap_xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = ap_xstrdup(de->d_name);
	}
	closedir(dir);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_name);
	return rc;
}

/* Reads the regular file `name` of the folder `dfd`, looked at as `st`. */
static int read_file(walk *w, int dfd, const char *name, const char *rel,
                     const struct stat *st)
{
	if ((uint64_t)st->st_size > w->lm.member) {
		ap_diags_add(w->d, AP_ERROR, w->file, 0, rel,
		             "%jd bytes, over the limit of %" PRIu64
		             " bytes for one member: refused",
		             (intmax_t)st->st_size, w->lm.member);
		return -1;
	}
	int fd =
	    openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat now;
	if (fd < 0 || fstat(fd, &now) != 0) {
		ap_diags_add(w->d, AP_ERROR, w->file, 0, rel, "cannot read: %s",
		             strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(now.st_mode) || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		ap_diags_add(w->d, AP_ERROR, w->file, 0, rel,
		             "changed while the bag was read: refused");
		close(fd);
		return -1;
	}
	rmember *rm = bundle_add_member(w->b, rel);
	bundle_hashing h;
	bundle_hash_begin(&h);
	int rc = -1;
	for (;;) {
		ssize_t k = read(fd, w->buf, IO_BUF);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ap_diags_add(w->d, AP_ERROR, w->file, 0, rel,
			             "cannot read: %s", strerror(errno));
			goto out;
		}
		if (k == 0)
			break;
		if (bundle_member_bytes(&h, rm, w->buf, (size_t)k, &w->lm,
		                        &w->total, w->file, rel, w->d) != 0)
			goto out;
	}
	rc = 0;
out:
	bundle_hash_end(&h, rm);
	close(fd);
	return rc;
}

/*
 * The folder open as `fd` (taken), at `rel` inside the bag ("" for the bag
 * itself, else ending in '/'). Returns 0, or -1 when reading must stop (a
 * limit, an unreadable folder or file: reported); an entry that has no place
 * in a bag is reported and reading goes on, as for an archive.
 */
static int walk_dir(walk *w, int fd, const char *rel, int depth)
{
	char **names;
	size_t n;
	int dfd = dup(fd);
	if (dfd < 0) {
		ap_diags_add(w->d, AP_ERROR, w->file, 0, *rel ? rel : ".",
		             "cannot read the folder: %s", strerror(errno));
		close(fd);
		return -1;
	}
	int rc = list_names(w, fd, rel, &names, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *sub = ap_xasprintf("%s%s", rel, names[i]);
		const char *why = name_problem(sub);
		struct stat st;
		if (!why &&
		    fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			ap_diags_add(w->d, AP_ERROR, w->file, 0, sub,
			             "cannot read: %s", strerror(errno));
			rc = -1;
		} else if (!why) {
			why = type_problem(st.st_mode);
		}
		if (rc == 0 && why) {
			ap_diags_add(w->d, AP_ERROR, w->file, 0, sub, "%s",
			             why);
		} else if (rc == 0 && S_ISDIR(st.st_mode)) {
			if (depth >= MAX_DEPTH) {
				ap_diags_add(
				    w->d, AP_ERROR, w->file, 0, sub,
				    "folders nested more than %d deep: "
				    "refused",
				    MAX_DEPTH);
				rc = -1;
			} else {
				int cfd = openat(dfd, names[i],
				                 O_RDONLY | O_DIRECTORY |
				                     O_NOFOLLOW | O_CLOEXEC);
				char *next = ap_xasprintf("%s/", sub);
				if (cfd < 0) {
					ap_diags_add(w->d, AP_ERROR, w->file, 0,
					             sub, "cannot read: %s",
					             strerror(errno));
					rc = -1;
				} else {
					rc = walk_dir(w, cfd, next, depth + 1);
				}
				free(next);
			}
		} else if (rc == 0) {
			rc = read_file(w, dfd, names[i], sub, &st);
		}
		free(sub);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(dfd);
	return rc;
}

/* The folder's own name: the bag's (as an archive's top folder). */
static char *folder_name(const char *path)
{
	char *real = realpath(path, NULL);
	const char *p = real ? real : path;
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	size_t start = n;
	while (start > 0 && p[start - 1] != '/')
		start--;
	char *name = ap_xmalloc(n - start + 1);
	memcpy(name, p + start, n - start);
	name[n - start] = '\0';
	free(real);
	return name;
}

int bundle_open_dir(ap_bundle **out, const char *path, int dfd,
                    const ap_bundle_limits *lim, ap_diags *d)
{
	*out = NULL;
	ap_bundle *b = ap_xcalloc(1, sizeof(*b));
	b->file = ap_xstrdup(path);
	b->parse = ap_diags_new();
	b->kind = ap_xstrdup("folder");
	b->name = folder_name(path);
	walk w = {.b = b, .file = path, .d = d};
	bundle_resolve_limits(lim, 0, &w.lm);
	w.lm.total = UINT64_MAX; /* nothing is decompressed */
	w.buf = ap_xmalloc(IO_BUF);
	int rc = walk_dir(&w, dfd, "", 0);
	free(w.buf);
	if (rc != 0) {
		ap_bundle_free(b);
		return -1;
	}
	bundle_finish_open(b);
	*out = b;
	return 0;
}
