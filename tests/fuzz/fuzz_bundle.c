/*
 * Fuzz target: a mission case bundle (untrusted tar.gz / tar.zst / zip read
 * with libarchive) through everything `appui verify`, `show` and `extract`
 * do with one:
 *
 *   ap_bundle_open      reads every member under the limits, hashes them,
 *                       parses bag-info.txt and the manifests;
 *   ap_bundle_check     the BagIt checks (manifests, Payload-Oxum);
 *   ap_bundle_rescore   re-reads the bag's case files from memory with the
 *                       reader, scores them with the shipped plugins and
 *                       compares with data/score/score.json;
 *   ap_bundle_show      the description, into /dev/null;
 *   ap_bundle_extract   into a folder of the scratch folder.
 *
 * The bundle API takes a path: the input is written to a file in a private
 * scratch folder, created once and rewritten each iteration.
 *
 * Besides crashes and sanitizer reports, the extraction is held to what
 * bundle.h promises; a broken promise aborts (a finding, saved by libFuzzer):
 *   - the working directory is the same after the call;
 *   - nothing outside the target folder changes: nothing appears next to it,
 *     and the working directory (a decoy folder holding folders named like
 *     the bag's, as a user's might) is left as it was, times included;
 *   - refused (rc != 0): nothing is left in the target folder;
 *   - extracted (rc == 0): the target folder holds exactly the bag's folder,
 *     whose path was returned, and it holds only folders and regular files.
 *
 * (APPUI_FUZZ_BUNDLE_NO_DECOY_TIMES=1 in the environment skips the times.)
 *
 * Run it with an absolute -artifact_prefix (run.sh does): the working
 * directory is the decoy folder during the extraction.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH, FTW_PHYS */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <appui/bundle.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The time given to the decoy folders: 2001-01-01T00:00:00Z. */
#define DECOY_TIME 978307200

/* Set, the decoy folders' times are not compared: to fuzz on past a known
 * finding while it is being fixed. */
#define NO_TIMES "APPUI_FUZZ_BUNDLE_NO_DECOY_TIMES"

/* Folders made in the decoy working directory at most, per input. */
#define MAX_DECOYS 64

static fz_file in;
static const char *in_base; /* the input's name in the scratch folder */
static const char *xdir;    /* where bundles are extracted */
static const char *decoy;   /* the working directory during extraction */
static char *cwd0;          /* the working directory of the process */

static void broken(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "fuzz_bundle: extraction broke a promise of bundle.h: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Empties `dir` (keeps it). */
static void empty_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	closedir(dp);
}

static int only_files_and_dirs(const char *path, const struct stat *st,
                               int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_SL || flag == FTW_SLN ||
	    !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)))
		broken("'%s' is neither a folder nor a regular file", path);
	return 0;
}

static size_t n_decoys; /* folders made in the decoy */

static int decoy_unchanged(const char *path, const struct stat *st, int flag,
                           struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0; /* the decoy itself: extraction may read it */
	if (flag != FTW_D && flag != FTW_DP)
		broken("'%s' appeared in the working directory", path);
	if (st->st_mtim.tv_sec != DECOY_TIME && !getenv(NO_TIMES))
		broken("the working directory's folder '%s' was modified "
		       "(mtime %lld, was %lld)",
		       path, (long long)st->st_mtim.tv_sec,
		       (long long)DECOY_TIME);
	n_decoys--;
	return 0;
}

/* Makes `rel` (a folder path inside the decoy) and its parents. */
static void make_decoy(const char *rel)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", decoy, rel);
	if (n < 0 || (size_t)n >= sizeof path)
		return;
	for (char *p = path + strlen(decoy) + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0755) == 0)
			n_decoys++;
		else if (errno != EEXIST)
			broken("cannot make the decoy folder '%s'", path);
		*p = c;
		if (!c)
			break;
	}
}

static int has_dotdot(const char *rel)
{
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if ((n == 2 && p[0] == '.' && p[1] == '.') ||
		    (n == 1 && p[0] == '.') || n == 0)
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* The folders of the bag, as a user who extracted it by hand, or has one of
 * that name, would have them in the working directory. */
static void make_decoys(const ap_bundle *b)
{
	const char *name = ap_bundle_name(b);
	if (!*name || strchr(name, '/') || has_dotdot(name))
		return;
	make_decoy(name);
	for (size_t i = 0; i < ap_bundle_member_count(b); i++) {
		if (n_decoys >= MAX_DECOYS)
			break;
		const char *rel = ap_bundle_member_at(b, i)->path;
		const char *slash = strrchr(rel, '/');
		if (!slash || has_dotdot(rel))
			continue;
		char dir[4096];
		int n = snprintf(dir, sizeof dir, "%s/%.*s", name,
		                 (int)(slash - rel), rel);
		if (n > 0 && (size_t)n < sizeof dir)
			make_decoy(dir);
	}
}

static int set_time(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level == 0)
		return 0;
	const struct timespec t[2] = {{DECOY_TIME, 0}, {DECOY_TIME, 0}};
	if (utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) != 0)
		broken("cannot date the decoy folder '%s'", path);
	return 0;
}

/* Dates every folder of the decoy, after all are made (making a child
 * changes its parent's time). */
static void date_decoys(void)
{
	nftw(decoy, set_time, 16, FTW_PHYS);
}

/* The names in `dir` (not "." and ".."); `dir` missing is 0 names. At most
 * `max` are stored in `names` (each to free). */
static size_t list_dir(const char *dir, char **names, size_t max)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		if (errno != ENOENT)
			broken("cannot list '%s'", dir);
		return 0;
	}
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n < max)
			names[n] = strdup(e->d_name);
		n++;
	}
	closedir(dp);
	return n;
}

static void free_names(char **names, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++)
		free(names[i]);
}

static void check_extraction(int rc, const char *extracted)
{
	char *cwd = getcwd(NULL, 0);
	if (!cwd || strcmp(cwd, decoy) != 0)
		broken("the working directory is now '%s'", cwd ? cwd : "?");
	free(cwd);

	nftw(decoy, decoy_unchanged, 16, FTW_PHYS);
	if (n_decoys != 0)
		broken("%s", "a folder of the working directory disappeared");

	char *names[4];
	size_t n = list_dir(fz_scratch_dir(), names, 4);
	for (size_t i = 0; i < n && i < 4; i++)
		if (strcmp(names[i], in_base) != 0 &&
		    strcmp(names[i], "x") != 0 && strcmp(names[i], "cwd") != 0)
			broken("'%s' appeared next to the target folder",
			       names[i]);
	if (n > 3)
		broken("%s", "files appeared next to the target folder");
	free_names(names, n, 4);

	n = list_dir(xdir, names, 4);
	if (rc != 0) {
		if (n)
			broken("a refused bundle left '%s' behind", names[0]);
		if (extracted)
			broken("a refused bundle returned a path '%s'",
			       extracted);
		return;
	}
	if (n != 1)
		broken("%s", "the target folder does not hold exactly one bag");
	const char *slash = extracted ? strrchr(extracted, '/') : NULL;
	if (!slash || strcmp(slash + 1, names[0]) != 0 ||
	    strncmp(extracted, xdir, strlen(xdir)) != 0)
		broken("the returned path is '%s'",
		       extracted ? extracted : "(none)");
	free_names(names, n, 4);
	nftw(xdir, only_files_and_dirs, 16, FTW_PHYS);
}

static void init(void)
{
	fz_file_init(&in, "bundle");
	in_base = strrchr(in.path, '/') + 1;
	xdir = fz_scratch_path("x");
	decoy = fz_scratch_path("cwd");
	if (mkdir(decoy, 0755) != 0)
		broken("cannot make '%s'", decoy);
	cwd0 = getcwd(NULL, 0);
	if (!cwd0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ap_reader *r = fz_reader();
	const ap_host *h = fz_default_host();
	if (!in.path)
		init();
	fz_file_write(&in, data, size);
	FILE *out = fz_sink();

	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;
	n_decoys = 0;
	if (ap_bundle_open(&b, in.path, NULL, d) == 0) {
		fprintf(out, "%s %s %llu\n", ap_bundle_name(b),
		        ap_bundle_kind(b),
		        (unsigned long long)ap_bundle_archive_bytes(b));
		for (size_t i = 0; i < ap_bundle_member_count(b); i++) {
			const ap_bundle_member *m = ap_bundle_member_at(b, i);
			size_t len = 0;
			const char *bytes = ap_bundle_member_data(b, m->path,
			                                          &len);
			const char *hash = ap_bundle_manifest_hash(b, m->path);
			fprintf(out, "%s %llu %s %s %zu\n", m->path,
			        (unsigned long long)m->size, m->sha256,
			        hash ? hash : "-", len);
			if (bytes && len)
				fwrite(bytes, 1, len, out);
		}
		for (size_t i = 0; i < ap_bundle_info_count(b); i++) {
			const char *label, *value;
			ap_bundle_info_at(b, i, &label, &value);
			fprintf(out, "%s: %s\n", label, value);
		}
		const char *site = ap_bundle_info(b, "Appui-Site-Id");
		if (site)
			fputs(site, out);
		ap_bundle_check(b, d);
		ap_bundle_rescore(b, r, h, NULL, d);
		ap_bundle_show(out, b);
		fflush(out);
		make_decoys(b);
		ap_bundle_free(b);
	}
	date_decoys();

	char *extracted = NULL;
	if (chdir(decoy) != 0)
		broken("cannot enter '%s'", decoy);
	int rc = ap_bundle_extract(in.path, xdir, NULL, &extracted, d);
	check_extraction(rc, extracted);
	if (chdir(cwd0) != 0)
		broken("cannot return to '%s'", cwd0);
	free(extracted);
	empty_dir(xdir);
	rmdir(xdir);
	empty_dir(decoy);

	fz_print_diags(d);
	ap_diags_free(d);
	return 0;
}
