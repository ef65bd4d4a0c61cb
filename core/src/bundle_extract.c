/*
 * Extracting a possibly hostile bundle: each member checked (type, path, top
 * folder, sizes, expansion) before it reaches the disk, all written into a
 * temporary folder, then moved in place whole, never over an existing bag.
 * A member given twice, or a name that is both a file and a folder, is
 * refused before it is written.
 */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_impl.h"

/* ---- extracting ------------------------------------------------------------
 */

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* FTW_PHYS: a link is removed, never followed. */
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Moves the extracted bag in place; never over an existing one (rename()
 * would replace an empty folder). */
static int move_in_place(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE. */
	struct stat st;
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* A member's bytes from the archive to the disk, within the limits
 * (`total`: the bytes of the archive so far). Returns 0, -1 (refused),
 * -2 (the disk) or AP_EINTERRUPTED. */
static int copy_data(struct archive *a, struct archive *w, const char *path,
                     const char *norm, const limits *lm, uint64_t *total,
                     char *buf, ap_diags *d)
{
	uint64_t size = 0;
	for (;;) {
		if (ap_cancelled()) {
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "interrupted: nothing extracted");
			return AP_EINTERRUPTED;
		}
		la_ssize_t k = archive_read_data(a, buf, IO_BUF);
		if (k < 0) {
			ap_diags_add(d, AP_ERROR, path, 0, norm,
			             "cannot read: %s", bundle_read_error(a));
			return -1;
		}
		if (k == 0)
			break;
		size += (uint64_t)k;
		*total += (uint64_t)k;
		if (bundle_within_limits(lm, size, *total, path, norm, d) != 0)
			return -1;
		if (archive_write_data(w, buf, (size_t)k) != k) {
			ap_diags_add(d, AP_ERROR, path, 0, norm,
			             "cannot extract: %s",
			             bundle_read_error(w));
			return -2;
		}
	}
	return 0;
}

/* The extraction proper, run inside the temporary folder. */
static int extract_members(struct archive *a, struct archive *w,
                           const char *path, const limits *lm, char **top,
                           bundle_names *seen, char *buf, int utf8, ap_diags *d)
{
	uint64_t total = 0;
	size_t count = 0;
	for (;;) {
		if (ap_cancelled()) {
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "interrupted: nothing extracted");
			return AP_EINTERRUPTED;
		}
		struct archive_entry *e;
		int r = bundle_next_member(a, path, lm->members, &count, &e, d);
		if (r == 0)
			break;
		if (r < 0)
			return -1;
		const char *raw = bundle_entry_name(e);
		int is_dir = archive_entry_filetype(e) == AE_IFDIR;
		char *norm;
		const char *rel = NULL;
		const char *why =
		    bundle_member_problem(e, is_dir, top, &norm, &rel);
		if (why) {
			ap_diags_add(d, AP_ERROR, path, 0, raw ? raw : "",
			             "%s: refused", why);
			free(norm);
			return -1;
		}
		/* Before the disk writer sees it: libarchive would fail on
		 * it, in its own words, or write through a file's name. */
		const char *which;
		why = bundle_names_add(seen, norm, is_dir, &which);
		if (why) {
			ap_diags_add(d, AP_ERROR, path, 0, which, "%s", why);
			free(norm);
			return -1;
		}
		if (!is_dir && archive_entry_size_is_set(e) &&
		    (uint64_t)archive_entry_size(e) > lm->member) {
			ap_diags_add(
			    d, AP_ERROR, path, 0, norm,
			    "%jd bytes, over the size limit of %" PRIu64
			    " bytes for one member: refused",
			    (intmax_t)archive_entry_size(e), lm->member);
			free(norm);
			return -1;
		}
		/* A fresh entry: only a name, a type, a plain mode, a size
		 * and a time reach the disk (no owner, ACL, xattr, flags). */
		struct archive_entry *clean = archive_entry_new();
		if (!clean) {
			ap_oom();
		}
		bundle_set_entry_name(clean, norm, utf8);
		archive_entry_set_filetype(clean, is_dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(clean, is_dir ? 0755 : 0644);
		if (!is_dir && archive_entry_size_is_set(e))
			archive_entry_set_size(clean, archive_entry_size(e));
		if (archive_entry_mtime_is_set(e))
			archive_entry_set_mtime(clean, archive_entry_mtime(e),
			                        0);
		int wr = archive_write_header(w, clean);
		archive_entry_free(clean);
		if (wr != ARCHIVE_OK) {
			ap_diags_add(d, AP_ERROR, path, 0, norm,
			             "cannot extract: %s",
			             bundle_read_error(w));
			free(norm);
			return -2;
		}
		int cr = is_dir
		             ? 0
		             : copy_data(a, w, path, norm, lm, &total, buf, d);
		if (cr != 0) {
			free(norm);
			return cr;
		}
		if (archive_write_finish_entry(w) != ARCHIVE_OK) {
			ap_diags_add(d, AP_ERROR, path, 0, norm,
			             "cannot extract: %s",
			             bundle_read_error(w));
			free(norm);
			return -2;
		}
		free(norm);
	}
	if (!*top) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "an empty archive, not a bundle");
		return -1;
	}
	if (archive_write_close(w) != ARCHIVE_OK) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot extract: %s",
		             bundle_read_error(w));
		return -2;
	}
	return 0;
}

/* The bundle to extract: a regular file, whose size sets the limits. */
static int check_source(const char *path, const ap_bundle_limits *lim,
                        limits *lm, ap_diags *d)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot read: %s",
		             strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "not a regular file: a bundle is a file");
		return -1;
	}
	bundle_resolve_limits(lim, (uint64_t)st.st_size, lm);
	return 0;
}

/* The folder to extract into: made when it does not exist (*made_dir). */
static int prepare_target(const char *dir, int *made_dir, ap_diags *d)
{
	struct stat ds;
	if (stat(dir, &ds) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0) {
			ap_diags_add(d, AP_ERROR, dir, 0, "",
			             "cannot create the folder: %s",
			             strerror(errno));
			return -2;
		}
		*made_dir = 1;
	} else if (!S_ISDIR(ds.st_mode)) {
		ap_diags_add(d, AP_ERROR, dir, 0, "", "not a folder");
		return -2;
	}
	return 0;
}

/* Back to the working directory `cwd`, which was left for the temporary
 * folder. */
static void return_to(int cwd)
{
	if (fchdir(cwd) != 0) {
		/* Nothing sensible can follow with a lost working directory. */
		fprintf(
		    stderr,
		    _("appui: cannot return to the working directory: %s\n"),
		    strerror(errno));
		ap_oom();
	}
}

/*
 * Extracts the members of `a` into the temporary folder `tmp` of `dir`.
 * libarchive resolves entries against the working directory, and its SECURE
 * flags refuse absolute names: so the member names stay relative and the
 * working directory is the temporary folder, for the time of this call.
 * Returns extract_members()'s result, or -2 when `tmp` cannot be entered.
 */
static int extract_into(struct archive *a, const char *path, const char *dir,
                        const char *tmp, const limits *lm, char **top, int utf8,
                        ap_diags *d)
{
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(tmp) != 0) {
		ap_diags_add(d, AP_ERROR, dir, 0, "",
		             "cannot enter the temporary folder: %s",
		             strerror(errno));
		if (cwd >= 0)
			close(cwd);
		return -2;
	}
	struct archive *w = archive_write_disk_new();
	if (!w) {
		ap_oom();
	}
	/* Never _OWNER, _PERM, _ACL, _XATTR or _FFLAGS; NO_OVERWRITE is a
	 * second guard behind the names checked in extract_members(). */
	archive_write_disk_set_options(
	    w, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	           ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	           ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
	           ARCHIVE_EXTRACT_NO_OVERWRITE | ARCHIVE_EXTRACT_TIME);
	char *buf = ap_xmalloc(IO_BUF);
	bundle_names seen = {0};
	int xr = extract_members(a, w, path, lm, top, &seen, buf, utf8, d);
	bundle_names_free(&seen);
	/* The disk writer applies deferred fix-ups (times, modes of folders)
	 * when it is closed, by relative path: close it while the working
	 * directory is still the temporary folder, or it would touch files of
	 * the same names in the user's directory. */
	archive_write_close(w);
	archive_write_free(w);
	return_to(cwd);
	close(cwd);
	free(buf);
	return xr;
}

int ap_bundle_extract(const char *path, const char *dir,
                      const ap_bundle_limits *lim, char **extracted,
                      ap_diags *d)
{
	int rc = -1, made_dir = 0;
	char *tmp = NULL, *top = NULL, *src = NULL, *dst = NULL;
	struct archive *a = NULL;
	int fd = -1;
	ap_call_locale loc = {(locale_t)0, (locale_t)0};
	limits lm;
	if (extracted)
		*extracted = NULL;
	if (check_source(path, lim, &lm, d) != 0)
		return -1;
	if (prepare_target(dir, &made_dir, d) != 0)
		return -2;
	bundle_utf8_enter(&loc);
	tmp = ap_path_join(dir, ".appui-extract-XXXXXX");
	if (!mkdtemp(tmp)) {
		ap_diags_add(d, AP_ERROR, dir, 0, "",
		             "cannot create a temporary folder: %s",
		             strerror(errno));
		free(tmp);
		tmp = NULL;
		rc = -2;
		goto fail;
	}
	/* Opened before the working directory changes: `path` may be
	 * relative. */
	uint64_t size;
	a = bundle_reader_open(path, &fd, &size, d);
	if (!a)
		goto fail;
	rc = extract_into(a, path, dir, tmp, &lm, &top, loc.loc != (locale_t)0,
	                  d);
	if (rc != 0)
		goto fail;
	src = ap_path_join(tmp, top);
	dst = ap_path_join(dir, top);
	if (move_in_place(src, dst) != 0) {
		ap_diags_add(d, AP_ERROR, dst, 0, "", "%s",
		             errno == EEXIST || errno == ENOTEMPTY
		                 ? "already exists: not overwritten"
		                 : strerror(errno));
		rc = -2;
		goto fail;
	}
	rmdir(tmp);
	rc = 0;
	if (extracted) {
		*extracted = dst;
		dst = NULL;
	}
fail:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	ap_locale_leave(&loc);
	if (rc != 0 && tmp)
		remove_tree(tmp);
	if (rc != 0 && made_dir)
		rmdir(dir);
	free(tmp);
	free(top);
	free(src);
	free(dst);
	return rc;
}
