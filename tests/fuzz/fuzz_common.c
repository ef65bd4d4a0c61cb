#define _GNU_SOURCE /* nftw's FTW_DEPTH, FTW_PHYS */
#include "fuzz_common.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static char *scratch;

static void die(const char *what)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, strerror(errno));
	abort();
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_scratch(void)
{
	/* A target may have left the working directory inside (a crash in
	 * the middle of an extraction): step out first. */
	if (scratch && chdir("/") == 0)
		nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fz_scratch_dir(void)
{
	if (scratch)
		return scratch;
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	size_t n = strlen(tmp) + sizeof "/apfuzz.XXXXXX";
	scratch = malloc(n);
	if (!scratch)
		die("malloc");
	snprintf(scratch, n, "%s/apfuzz.XXXXXX", tmp);
	if (!mkdtemp(scratch))
		die("mkdtemp");
	/* Absolute, so that a change of working directory does not matter. */
	char *abs = realpath(scratch, NULL);
	if (!abs)
		die("realpath");
	free(scratch);
	scratch = abs;
	atexit(remove_scratch);
	return scratch;
}

const char *fz_scratch_path(const char *name)
{
	const char *dir = fz_scratch_dir();
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p = malloc(n);
	if (!p)
		die("malloc");
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

void fz_file_init(fz_file *f, const char *name)
{
	const char *dir = fz_scratch_dir();
	size_t n = strlen(dir) + 1 + strlen(name) + sizeof ".XXXXXX";
	char *p = malloc(n);
	if (!p)
		die("malloc");
	snprintf(p, n, "%s/%s.XXXXXX", dir, name);
	f->fd = mkstemp(p);
	if (f->fd < 0)
		die("mkstemp");
	f->path = p;
}

void fz_file_write(fz_file *f, const uint8_t *data, size_t size)
{
	if (ftruncate(f->fd, 0) != 0)
		die("ftruncate");
	size_t done = 0;
	while (done < size) {
		ssize_t k = pwrite(f->fd, data + done, size - done,
		                   (off_t)done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("pwrite");
		done += (size_t)k;
	}
}

FILE *fz_sink(void)
{
	static FILE *sink;
	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			die("/dev/null");
	}
	return sink;
}

void fz_print_diags(const ap_diags *d)
{
	FILE *out = fz_sink();
	for (size_t i = 0; i < ap_diags_count(d); i++)
		ap_diag_print(out, ap_diags_at(d, i));
	fflush(out);
}

static void print_and_abort(ap_diags *d, const char *what)
{
	fprintf(stderr, "fuzz harness: %s\n", what);
	for (size_t i = 0; i < ap_diags_count(d); i++)
		ap_diag_print(stderr, ap_diags_at(d, i));
	abort();
}

ap_reader *fz_reader(void)
{
	static ap_reader *r;
	if (!r) {
		ap_diags *d = ap_diags_new();
		if (ap_reader_new(&r, APPUI_TEST_SCHEMA, 0, d) != 0)
			print_and_abort(d, "cannot load " APPUI_TEST_SCHEMA);
		ap_diags_free(d);
	}
	return r;
}

const ap_search_dir *fz_plugin_dirs(size_t *n)
{
	static const ap_search_dir dir = {APPUI_TEST_PLUGINDIR, "fuzz"};
	*n = 1;
	return &dir;
}

const ap_host *fz_default_host(void)
{
	static ap_host *h;
	if (!h) {
		ap_diags *d = ap_diags_new();
		ap_config *cfg = ap_config_defaults(); /* kept: the host uses it */
		size_t n;
		const ap_search_dir *dirs = fz_plugin_dirs(&n);
		if (ap_host_open(&h, cfg, dirs, n, d) != 0 ||
		    ap_host_loaded_count(h) != 3)
			print_and_abort(d, "the shipped plugins do not load "
			                   "from " APPUI_TEST_PLUGINDIR);
		ap_diags_free(d);
	}
	return h;
}

/* memmem for "@include", ignoring case (cheap insurance should a libconfig
 * read the directive case-insensitively). */
static int has_include(const uint8_t *data, size_t size)
{
	static const char word[] = "include";
	const size_t n = sizeof word - 1;
	for (const uint8_t *p = data; (p = memchr(p, '@', size - (size_t)(p - data)));
	     p++) {
		size_t left = size - (size_t)(p - data) - 1;
		if (left >= n && strncasecmp((const char *)p + 1, word, n) == 0)
			return 1;
		if (left == 0)
			break;
	}
	return 0;
}

int fz_cfg_include_escapes(const uint8_t *data, size_t size)
{
	if (!has_include(data, size))
		return 0;
	return memmem(data, size, "..", 2) != NULL ||
	       memchr(data, '\\', size) != NULL;
}
