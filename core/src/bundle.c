/*
 * Mission case bundles (appui/bundle.h): BagIt bags (RFC 8493) serialized as
 * tar.gz, tar.zst or zip with libarchive, hashed with SHA-256 from OpenSSL's
 * libcrypto. Nothing else in appui includes either library.
 *
 * Writing is one pass over the inputs: the members are written in sorted
 * order (bag-info.txt, bagit.txt, data/..., manifest-sha256.txt,
 * tagmanifest-sha256.txt) and the payload is hashed as it streams, so the
 * manifests, which sort after data/, are built from hashes already known.
 * Everything that could make two runs differ is fixed: member order, times
 * (the diagnostic's date), owners (0, no names), modes, the gzip header's
 * timestamp; the score and the explanation are computed with the case read
 * under its name inside the bag, so they do not depend on where the input
 * files were.
 */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE, open_memstream */
#include "appui/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "appui/calendar.h"
#include "appui/report.h"
#include "appui/status.h"
#include "appui/version.h"
#include "digest.h"
#include "util.h"

#define IO_BUF (1u << 20) /* copy buffer: large reads keep up with gzip */
/* Below this many bytes, the expansion ratio is not checked: a small bag of
 * text legitimately compresses more than 100:1, and is no bomb. */
#define RATIO_FLOOR ((uint64_t)1 << 20)
/* Members read into memory when a bundle is opened (tag files, case files,
 * score, plan entry) are kept up to this size. */
#define KEEP_MAX ((size_t)64 << 20)
#define PLAN_MAX ((size_t)64 << 20)

#define CASE_DIR    "data/casefiles/"
#define SCORE_DIR   "data/score/"
#define SCORE_JSON  SCORE_DIR "score.json"
#define SCORE_TXT   SCORE_DIR "score.txt"
#define PLAN_JSON   "data/plan/mission.json"
#define ATTACH_DIR  "data/attachments/"
#define MANIFEST    "manifest-sha256.txt"
#define TAGMANIFEST "tagmanifest-sha256.txt"

/*
 * Every write of a bundle goes through this pointer, so that a unit test can
 * make the disk "full" without root or a small file system. Not part of the
 * API (hidden, like every symbol without AP_API).
 */
ssize_t (*ap_bundle_test_write)(int fd, const void *buf, size_t n) = write;

/* ---- small helpers -------------------------------------------------------
 */

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "12 MiB"-style sizes for people; exact bytes are printed next to them. */
static void human_size(char *out, size_t n, uint64_t bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB",
	                                    "TiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < AP_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, n, "%" PRIu64 " bytes", bytes);
	else
		snprintf(out, n, "%.1f %s", v, units[u]);
}

/*
 * libarchive converts names between UTF-8 and the locale's character set;
 * in the "C" locale of a command a non-ASCII name cannot be converted (and
 * libarchive 3.6.2 then dereferences a NULL name in archive_write_header).
 * Bag names are UTF-8, so the calling thread works in C.UTF-8 for the
 * duration of a call (uselocale: this thread only, nothing global).
 */
typedef struct utf8_locale {
	locale_t loc, old;
} utf8_locale;

static void utf8_enter(utf8_locale *u)
{
	u->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	u->old = u->loc ? uselocale(u->loc) : (locale_t)0;
}

static void utf8_leave(utf8_locale *u)
{
	if (!u->loc)
		return;
	uselocale(u->old);
	freelocale(u->loc);
	u->loc = (locale_t)0;
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Sets an entry's name: UTF-8 when the thread could enter C.UTF-8, else
 * its bytes as they are. */
static void set_entry_name(struct archive_entry *e, const char *name, int utf8)
{
	if (utf8)
		archive_entry_set_pathname_utf8(e, name);
	else
		archive_entry_copy_pathname(e, name);
}

/* ---- formats ------------------------------------------------------------
 */

static const struct {
	const char *name;
	const char *ext;
	ap_bundle_format format;
} formats[] = {
    {"tar.gz", ".tar.gz", AP_BUNDLE_TAR_GZ},
    {"tgz", ".tgz", AP_BUNDLE_TAR_GZ},
    {"tar.zst", ".tar.zst", AP_BUNDLE_TAR_ZST},
    {"zip", ".zip", AP_BUNDLE_ZIP},
};

int ap_bundle_format_from_name(const char *name, ap_bundle_format *out)
{
	for (size_t i = 0; name && i < AP_ARRAY_LEN(formats); i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	}
	return -1;
}

int ap_bundle_format_from_path(const char *path, ap_bundle_format *out)
{
	for (size_t i = 0; path && i < AP_ARRAY_LEN(formats); i++) {
		if (ap_str_ends_with(path, formats[i].ext)) {
			*out = formats[i].format;
			return 0;
		}
	}
	return -1;
}

const char *ap_bundle_format_name(ap_bundle_format f)
{
	switch (f) {
	case AP_BUNDLE_TAR_GZ:
		return "tar.gz";
	case AP_BUNDLE_TAR_ZST:
		return "tar.zst";
	case AP_BUNDLE_ZIP:
		return "zip";
	}
	return "?";
}

void ap_bundle_summary_clear(ap_bundle_summary *s)
{
	if (!s)
		return;
	free(s->name);
	memset(s, 0, sizeof(*s));
}

/* ---- input files ------------------------------------------------------------
 */

/*
 * Why `name` cannot be the file name of a member, or NULL. Manifests would
 * have to percent-encode '%', CR and LF, which `sha256sum -c` does not
 * understand, and a backslash starts an escaped line for it: such names are
 * refused rather than written in a form only one of the two tools reads.
 */
static const char *bad_member_name(const char *name)
{
	if (!*name)
		return "the name is empty";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "the name is '.' or '..'";
	if (has_control(name))
		return "the name contains a control character";
	if (strpbrk(name, "%\\"))
		return "the name contains '%' or '\\', which manifests "
		       "would have to escape: rename the file";
	if (!ap_utf8_valid(name))
		return "the name is not valid UTF-8";
	if (strlen(name) > 200)
		return "the name is longer than 200 bytes";
	return NULL;
}

/*
 * Opens a regular file for reading. O_NONBLOCK so that a FIFO given by
 * mistake is refused instead of waiting for a writer.
 */
static int open_input(const char *path, uint64_t max, uint64_t *size,
                      ap_diags *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot open: %s",
		             strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "not a regular file: only files can be bundled");
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "%jd bytes, over the limit of %" PRIu64
		             " bytes for one member (appui extract would "
		             "refuse the bundle)",
		             (intmax_t)st.st_size, max);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* Reads exactly `size` bytes of `fd`: a file that changes while it is read
 * is an error, not a silently different copy. */
static int read_exact(int fd, const char *path, char *buf, size_t size,
                      ap_diags *d)
{
	size_t got = 0;
	while (got < size) {
		ssize_t k = read(fd, buf + got, size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "cannot read: %s", strerror(errno));
			return -1;
		}
		if (k == 0) {
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "the file shrank while it was read");
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

static int at_end(int fd, const char *path, ap_diags *d)
{
	char c;
	ssize_t k;
	do
		k = read(fd, &c, 1);
	while (k < 0 && errno == EINTR);
	if (k != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "the file grew while it was read");
		return -1;
	}
	return 0;
}

static int read_input(const char *path, uint64_t max, char **data, size_t *len,
                      ap_diags *d)
{
	uint64_t size;
	int fd = open_input(path, max, &size, d);
	if (fd < 0)
		return -1;
	char *buf = ap_xmalloc((size_t)size + 1);
	if (read_exact(fd, path, buf, (size_t)size, d) != 0 ||
	    at_end(fd, path, d) != 0) {
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	buf[size] = '\0';
	*data = buf;
	*len = (size_t)size;
	return 0;
}

/* ---- scoring -------------------------------------------------------------
 */

/* A case file: its name inside the bag and its bytes. */
typedef struct blob {
	const char *name;
	const char *data;
	size_t len;
} blob;

typedef struct case_score {
	int has_mission, days;
	double priority;
} case_score;

/*
 * Reads, checks and scores each case from memory under its name in the bag,
 * and writes the score JSON and the explanation. Bundling and verifying both
 * come here, so a bag verified with the plugins it was made with gives the
 * same bytes. A case that is invalid, or a theme a plugin fails on, is an
 * error (a bundle holds a complete score); with `strict`, so is a warning.
 */
static int score_blobs(ap_reader *r, const ap_host *h, const blob *cs, size_t n,
                       int strict, char **json, size_t *json_len, char **txt,
                       size_t *txt_len, case_score *scores, ap_diags *d)
{
	int rc = -1;
	*json = *txt = NULL;
	*json_len = *txt_len = 0;
	FILE *jf = open_memstream(json, json_len);
	FILE *tf = open_memstream(txt, txt_len);
	if (!jf || !tf) {
		ap_oom();
	}
	ap_diags *found = ap_diags_new(), *tmp = ap_diags_new();
	ap_report_json_begin(jf);
	for (size_t i = 0; i < n; i++) {
		ap_case *c = NULL;
		ap_case_result *res = NULL;
		ap_diags_clear(tmp);
		if (ap_reader_read_memory(r, cs[i].name, cs[i].data, cs[i].len,
		                          &c, tmp) == 0)
			ap_host_check_case(h, c, tmp);
		if (c && ap_diags_errors(tmp) == 0)
			ap_host_score(h, c, &res, tmp);
		int bad = !res || ap_diags_errors(tmp) > 0 ||
		          (strict && ap_diags_count(tmp) > 0);
		ap_diags_move(bad ? d : found, tmp, strict);
		if (bad) {
			ap_case_result_free(res);
			ap_case_free(c);
			goto fail;
		}
		if (scores) {
			scores[i].has_mission = res->has_mission;
			scores[i].days =
			    res->has_mission ? res->mission.days : 0;
			scores[i].priority = res->mission.priority;
		}
		ap_report_json_case(jf, res, i);
		if (i)
			fputc('\n', tf);
		ap_report_explain(tf, res);
		ap_case_result_free(res);
		ap_case_free(c);
	}
	ap_report_json_end(jf, found);
	rc = 0;
fail:
	ap_diags_free(found);
	ap_diags_free(tmp);
	/* fclose() makes the buffers final; a failed one means out of memory.
	 */
	if (fclose(jf) != 0 || fclose(tf) != 0) {
		ap_oom();
	}
	if (rc != 0) {
		free(*json);
		free(*txt);
		*json = *txt = NULL;
	}
	return rc;
}

/* ---- bag-info.txt ----------------------------------------------------------
 */

/* One "Label: value" line; a value never spans lines (control characters
 * become spaces), so every reader sees the same labels. */
static void info_add(ap_buf *b, const char *label, const char *fmt, ...)
    AP_PRINTF(3, 4);

static void info_add(ap_buf *b, const char *label, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = ap_xvasprintf(fmt, ap);
	va_end(ap);
	for (char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	ap_buf_printf(b, "%s: %s\n", label, v);
	free(v);
}

static const char *jget_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* ---- the plan entry ------------------------------------------------------
 */

/*
 * How well a plan entry matches the site: its main case 3, another of its
 * cases 2, only the site 1, not at all 0.
 */
static int plan_match(const json_t *entry, const char *main_case,
                      const char *const *case_ids, size_t n, const char *site)
{
	const char *cid = json_string_value(json_object_get(entry, "case_id"));
	const char *sid = json_string_value(json_object_get(entry, "site_id"));
	if (cid && strcmp(cid, main_case) == 0)
		return 3;
	for (size_t i = 0; cid && i < n; i++)
		if (strcmp(cid, case_ids[i]) == 0)
			return 2;
	return sid && strcmp(sid, site) == 0 ? 1 : 0;
}

/*
 * Picks the site's entry of a plan (the JSON of `appui plan --format
 * json`): a mission, or, for an unplanned site, its unplanned entry with the
 * reason. Writes data/plan/mission.json and the mission's bag-info labels.
 */
static int plan_entry(const char *plan_path, const char *main_case,
                      const char *const *case_ids, size_t n_cases,
                      const char *site, char **out, size_t *out_len,
                      ap_buf *info, ap_diags *d)
{
	int rc = -1;
	char *text = NULL;
	size_t len = 0;
	json_t *plan = NULL, *doc = NULL;
	if (read_input(plan_path, PLAN_MAX, &text, &len, d) != 0)
		return -1;
	json_error_t err;
	plan = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!plan) {
		ap_diags_add(d, AP_ERROR, plan_path, err.line, "",
		             "not valid JSON: %s", err.text);
		goto fail;
	}
	json_t *missions = json_object_get(plan, "missions");
	json_t *unplanned = json_object_get(plan, "unplanned");
	if (!json_is_array(missions) || !json_is_array(unplanned)) {
		ap_diags_add(d, AP_ERROR, plan_path, 0, "",
		             "not a plan: give the output of 'appui plan "
		             "--format json'");
		goto fail;
	}
	/* The best match wins; a mission before an unplanned entry. */
	json_t *best = NULL;
	int best_score = 0, planned = 0;
	json_t *lists[2] = {missions, unplanned};
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *e;
		json_array_foreach(lists[l], i, e)
		{
			int m =
			    plan_match(e, main_case, case_ids, n_cases, site);
			if (m > best_score) {
				best = e;
				best_score = m;
				planned = l == 0;
			}
		}
	}
	if (!best) {
		ap_diags_add(d, AP_ERROR, plan_path, 0, "",
		             "the plan has no mission and no unplanned entry "
		             "for site %s (case %s)",
		             site, main_case);
		goto fail;
	}
	json_t *campaign = json_object_get(plan, "campaign");
	doc = json_object();
	json_object_set_new(doc, "status",
	                    json_string(planned ? "planned" : "unplanned"));
	json_object_set(doc, "campaign", campaign ? campaign : json_null());
	json_object_set(doc, planned ? "mission" : "unplanned", best);
	/* 15 significant digits give back the decimals the plan was written
	 * with (79.9, not 79.900000000000006). */
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	if (!s) {
		ap_oom();
	}
	*out_len = strlen(s) + 1;
	*out = ap_xasprintf("%s\n", s);
	free(s);

	if (campaign)
		info_add(info, "Appui-Campaign", "%s (%s)",
		         jget_str(campaign, "id"), jget_str(campaign, "name"));
	if (planned) {
		info_add(info, "Appui-Mission-Status", "planned");
		info_add(info, "Appui-Mission-Id", "%s",
		         jget_str(best, "mission"));
		info_add(info, "Appui-Mission-Days", "%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(best, "days")));
		info_add(info, "Appui-Mission-Firm", "%s (%s)",
		         jget_str(best, "firm"), jget_str(best, "firm_name"));
		ap_buf dates;
		ap_buf_init(&dates);
		size_t i;
		json_t *day;
		json_array_foreach(json_object_get(best, "dates"), i, day)
		{
			ap_buf_printf(&dates, "%s%s", i ? " " : "",
			              json_string_value(day)
			                  ? json_string_value(day)
			                  : "?");
		}
		info_add(info, "Appui-Mission-Dates", "%s",
		         dates.data ? dates.data : "");
		ap_buf_free(&dates);
	} else {
		info_add(info, "Appui-Mission-Status", "unplanned: %s",
		         jget_str(best, "reason"));
	}
	rc = 0;
fail:
	json_decref(doc);
	json_decref(plan);
	free(text);
	return rc;
}

/* ---- writing a bag ---------------------------------------------------------
 */

enum { M_PAYLOAD, M_TAG, M_MANIFEST, M_TAGMANIFEST };

typedef struct wmember {
	char *path; /* inside the bag */
	char *data; /* the content when it is in memory (owned) */
	int fd;     /* otherwise an open file, read while writing */
	char *src;  /* that file's path, for messages */
	uint64_t size;
	int kind;
	int hashed;
	char sha256[65];
} wmember;

typedef struct writer {
	struct archive *a;
	int fd;
	const char *path; /* the bundle being written */
	const char *top;
	time_t mtime;
	uint64_t written;
	wmember *m;
	size_t n;
	char *buf;
	int utf8;      /* the thread is in C.UTF-8 */
	int bad_input; /* the failure is an input's, not the output's */
} writer;

static la_ssize_t out_write(struct archive *a, void *ctx, const void *buf,
                            size_t n)
{
	writer *w = ctx;
	const char *p = buf;
	size_t left = n;
	while (left) {
		ssize_t k = ap_bundle_test_write(w->fd, p, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			archive_set_error(a, k < 0 ? errno : ENOSPC, "%s",
			                  strerror(k < 0 ? errno : ENOSPC));
			return -1;
		}
		p += k;
		left -= (size_t)k;
	}
	w->written += n;
	return (la_ssize_t)n;
}

static void write_failed(writer *w, ap_diags *d)
{
	const char *why = archive_error_string(w->a);
	ap_diags_add(d, AP_ERROR, w->path, 0, "",
	             "cannot write the bundle: %s; nothing was written",
	             why ? why : strerror(archive_errno(w->a)));
}

static int put_header(writer *w, const char *rel, int dir, uint64_t size,
                      ap_diags *d)
{
	struct archive_entry *e = archive_entry_new();
	if (!e) {
		ap_oom();
	}
	char *full =
	    rel ? ap_xasprintf("%s/%s", w->top, rel) : ap_xstrdup(w->top);
	/* UTF-8 names as they are: pax stores them in a "path" record, zip
	 * sets its UTF-8 flag. Owners stay 0 and nameless. */
	set_entry_name(e, full, w->utf8);
	archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, dir ? 0755 : 0644);
	archive_entry_set_size(e, dir ? 0 : (la_int64_t)size);
	archive_entry_set_mtime(e, w->mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	int rc = archive_write_header(w->a, e);
	archive_entry_free(e);
	/* Without C.UTF-8, a non-ASCII name is stored as its bytes (pax
	 * hdrcharset=BINARY), with a warning that says just that. */
	if (rc == ARCHIVE_WARN && !w->utf8 && !is_ascii(full))
		rc = ARCHIVE_OK;
	free(full);
	if (rc != ARCHIVE_OK) {
		write_failed(w, d);
		return -1;
	}
	return 0;
}

static int put_data(writer *w, const char *p, size_t n, ap_diags *d)
{
	while (n) {
		la_ssize_t k = archive_write_data(w->a, p, n);
		if (k <= 0) {
			write_failed(w, d);
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A manifest of the members of `kinds`, sorted by path (the members are). */
static char *manifest_of(const writer *w, int kind1, int kind2, size_t *len)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	for (size_t i = 0; i < w->n; i++) {
		const wmember *m = &w->m[i];
		if (m->kind != kind1 && m->kind != kind2)
			continue;
		/* Two spaces: the separator `sha256sum -c` reads. */
		ap_buf_printf(&b, "%s  %s\n", m->sha256, m->path);
	}
	*len = b.len;
	return b.data;
}

static int put_member(writer *w, wmember *m, ap_diags *d)
{
	if (m->kind == M_MANIFEST || m->kind == M_TAGMANIFEST) {
		/* Everything they list sorts before them: check, do not trust
		 * the names. */
		for (size_t i = 0; i < w->n; i++) {
			int listed = m->kind == M_MANIFEST
			                 ? w->m[i].kind == M_PAYLOAD
			                 : (w->m[i].kind == M_TAG ||
			                    w->m[i].kind == M_MANIFEST);
			if (listed && !w->m[i].hashed) {
				ap_diags_add(
				    d, AP_ERROR, w->path, 0, "",
				    "internal error: %s sorts after %s",
				    w->m[i].path, m->path);
				return -1;
			}
		}
		size_t len;
		m->data = m->kind == M_MANIFEST
		              ? manifest_of(w, M_PAYLOAD, M_PAYLOAD, &len)
		              : manifest_of(w, M_TAG, M_MANIFEST, &len);
		m->size = len;
	}
	if (put_header(w, m->path, 0, m->size, d) != 0)
		return -1;
	ap_sha256 s;
	ap_sha256_init(&s);
	int rc = -1;
	if (m->data) {
		ap_sha256_update(&s, m->data, (size_t)m->size);
		if (put_data(w, m->data, (size_t)m->size, d) != 0)
			goto out;
	} else {
		uint64_t left = m->size;
		while (left) {
			size_t chunk = left < IO_BUF ? (size_t)left : IO_BUF;
			if (read_exact(m->fd, m->src, w->buf, chunk, d) != 0) {
				w->bad_input = 1;
				goto out;
			}
			ap_sha256_update(&s, w->buf, chunk);
			if (put_data(w, w->buf, chunk, d) != 0)
				goto out;
			left -= chunk;
		}
		if (at_end(m->fd, m->src, d) != 0) {
			w->bad_input = 1;
			goto out;
		}
	}
	rc = 0;
out:
	ap_sha256_final(&s, m->sha256);
	m->hashed = rc == 0;
	return rc;
}

static int cmp_wmember(const void *a, const void *b)
{
	return strcmp(((const wmember *)a)->path, ((const wmember *)b)->path);
}

/* The folders of `path` not yet written, in order, before it. */
static int put_dirs(writer *w, const char *path, char ***done, size_t *n_done,
                    ap_diags *d)
{
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		char *dir = ap_xmalloc((size_t)(p - path) + 1);
		memcpy(dir, path, (size_t)(p - path));
		dir[p - path] = '\0';
		int seen = 0;
		for (size_t i = 0; i < *n_done && !seen; i++)
			seen = strcmp((*done)[i], dir) == 0;
		if (seen) {
			free(dir);
			continue;
		}
		*done = ap_xrealloc(*done, (*n_done + 1) * sizeof(**done));
		(*done)[(*n_done)++] = dir;
		if (put_header(w, dir, 1, 0, d) != 0)
			return -1;
	}
	return 0;
}

static int open_writer(writer *w, ap_bundle_format format, ap_diags *d)
{
	struct archive *a = archive_write_new();
	if (!a) {
		ap_oom();
	}
	w->a = a;
	int rc = ARCHIVE_OK;
	switch (format) {
	case AP_BUNDLE_TAR_GZ:
		rc = archive_write_add_filter_gzip(a);
		break;
	case AP_BUNDLE_TAR_ZST:
		rc = archive_write_add_filter_zstd(a);
		break;
	case AP_BUNDLE_ZIP:
		rc = archive_write_add_filter_none(a);
		break;
	}
	/* ARCHIVE_WARN means an external program would compress: its output
	 * (and so the bundle's bytes) would depend on that program. */
	if (rc != ARCHIVE_OK) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "this libarchive cannot write %s by itself (%s)",
		             ap_bundle_format_name(format),
		             archive_error_string(a) ? archive_error_string(a)
		                                     : "no built-in support");
		return -1;
	}
	if (format == AP_BUNDLE_ZIP) {
		rc = archive_write_set_format_zip(a);
	} else {
		/* ustar headers, with a pax record only when a name or size
		 * needs one. */
		rc = archive_write_set_format_pax_restricted(a);
	}
	if (rc == ARCHIVE_OK && format == AP_BUNDLE_TAR_GZ)
		/* The gzip header's time is the clock's by default. */
		rc = archive_write_set_filter_option(a, "gzip", "timestamp",
		                                     NULL);
	/* A regular file: no padding after the last block (as bsdtar). */
	if (rc == ARCHIVE_OK)
		rc = archive_write_set_bytes_in_last_block(a, 1);
	if (rc == ARCHIVE_OK)
		rc = archive_write_open2(a, w, NULL, out_write, NULL, NULL);
	if (rc != ARCHIVE_OK) {
		write_failed(w, d);
		return -1;
	}
	return 0;
}

/* Flushes a folder's entry of a renamed file; a file system that cannot
 * (EINVAL) has nothing to flush. */
static int sync_dir_of(const char *path)
{
	char *dir = ap_path_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	if (rc != 0 && errno == EINVAL)
		rc = 0;
	close(fd);
	return rc;
}

/*
 * Writes the members (sorted) to `path` through a temporary file in the same
 * folder, flushed then renamed: `path` is either the old file or the whole
 * new bundle. Returns 0, 1 when an input is to blame (a file changed while
 * read, a bundle too compressible), -1 when the output is.
 */
static int write_bag(writer *w, ap_bundle_format format, ap_diags *d)
{
	int rc = -1;
	char *tmp = NULL;
	char **dirs = NULL;
	size_t n_dirs = 0;
	struct stat st;
	utf8_locale loc = {(locale_t)0, (locale_t)0};
	w->fd = -1;
	if (stat(w->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "exists and is not a regular file: a bundle is "
		             "written to a file");
		return -1;
	}
	tmp = ap_xasprintf("%s.tmp.XXXXXX", w->path);
	w->fd = mkstemp(tmp);
	if (w->fd < 0) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "cannot create the bundle: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp makes 0600; a bundle is a document, made as any file. */
	if (fchmod(w->fd, ap_new_file_mode(NULL)) != 0)
		goto fail_errno;
	w->buf = ap_xmalloc(IO_BUF);
	utf8_enter(&loc);
	w->utf8 = loc.loc != (locale_t)0;
	if (open_writer(w, format, d) != 0)
		goto fail;
	if (put_header(w, NULL, 1, 0, d) != 0)
		goto fail;
	for (size_t i = 0; i < w->n; i++) {
		if (put_dirs(w, w->m[i].path, &dirs, &n_dirs, d) != 0 ||
		    put_member(w, &w->m[i], d) != 0)
			goto fail;
	}
	/* archive_write_close does the last writes: its result counts. */
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		write_failed(w, d);
		goto fail;
	}
	archive_write_free(w->a);
	w->a = NULL;
	/* A bundle that `appui extract` and `verify` would take for a bomb
	 * is refused now rather than found unreadable later. */
	uint64_t total = 0;
	for (size_t i = 0; i < w->n; i++)
		total += w->m[i].size;
	if (total > RATIO_FLOOR && total / AP_BUNDLE_MAX_RATIO > w->written) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "the members compress more than %u:1 (%" PRIu64
		             " bytes in %" PRIu64 "): appui extract would "
		             "refuse the bundle as a decompression bomb; "
		             "compress the largest attachment first",
		             AP_BUNDLE_MAX_RATIO, total, w->written);
		w->bad_input = 1;
		goto fail;
	}
	if (fsync(w->fd) != 0)
		goto fail_errno;
	int fd = w->fd;
	w->fd = -1;
	if (close(fd) != 0) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "cannot write the bundle: %s; nothing was written",
		             strerror(errno));
		goto fail;
	}
	if (rename(tmp, w->path) != 0) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "cannot move the bundle in place: %s",
		             strerror(errno));
		goto fail;
	}
	if (sync_dir_of(w->path) != 0) {
		/* The bundle is in place; only its durability is in doubt. */
		ap_diags_add(d, AP_WARNING, w->path, 0, "",
		             "cannot flush the folder: %s", strerror(errno));
	}
	rc = 0;
	goto out;
fail_errno:
	ap_diags_add(d, AP_ERROR, w->path, 0, "",
	             "cannot write the bundle: %s; nothing was written",
	             strerror(errno));
fail:
	if (w->a) {
		/* archive_write_free() does not close an archive in the FATAL
		 * state, and so leaks its compressor: close it here. What it
		 * still writes goes to the file removed below. */
		archive_write_close(w->a);
		archive_write_free(w->a);
		w->a = NULL;
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	unlink(tmp);
out:
	utf8_leave(&loc);
	for (size_t i = 0; i < n_dirs; i++)
		free(dirs[i]);
	free(dirs);
	free(w->buf);
	w->buf = NULL;
	free(tmp);
	/* 1: an input is to blame; -1: the output. */
	return rc == 0 ? 0 : w->bad_input ? 1 : -1;
}

/* ---- creating a bundle -----------------------------------------------------
 */

typedef struct case_in {
	const char *path; /* as given */
	char *member;     /* "data/casefiles/NAME" */
	char *data;
	size_t len;
	char *id, *site, *site_name, *commune, *org, *org_name, *firm;
	ap_date date;
} case_in;

static void case_in_free(case_in *c)
{
	free(c->member);
	free(c->data);
	free(c->id);
	free(c->site);
	free(c->site_name);
	free(c->commune);
	free(c->org);
	free(c->org_name);
	free(c->firm);
}

static int cmp_case_in(const void *a, const void *b)
{
	return strcmp(((const case_in *)a)->member,
	              ((const case_in *)b)->member);
}

/* Reads a case file and checks it under the path the user gave, so that
 * problems name that file. */
static int load_case_in(case_in *ci, ap_reader *r, const ap_host *h, int strict,
                        ap_diags *d)
{
	ap_diags *tmp = ap_diags_new();
	ap_case *c = NULL;
	int rc = -1;
	if (read_input(ci->path, AP_BUNDLE_MAX_MEMBER_BYTES, &ci->data,
	               &ci->len, tmp) != 0)
		goto out;
	if (ap_reader_read_memory(r, ci->path, ci->data, ci->len, &c, tmp) == 0)
		ap_host_check_case(h, c, tmp);
	if (!c || ap_diags_errors(tmp) > 0 ||
	    (strict && ap_diags_count(tmp) > 0))
		goto out;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	ci->id = ap_xstrdup(ap_case_id(c));
	ci->site = ap_xstrdup(site->id);
	ci->site_name = ap_xstrdup(site->name);
	ci->commune = ap_xstrdup(site->commune);
	ci->org = ap_xstrdup(org->id);
	ci->org_name = ap_xstrdup(org->name);
	ci->firm = ap_xstrdup(ap_case_diagnostic(c)->firm);
	ci->date = ap_case_diagnostic(c)->date;
	rc = 0;
out:
	/* Warnings stay visible (they are also in the score JSON). */
	ap_diags_move(d, tmp, strict);
	ap_diags_free(tmp);
	ap_case_free(c);
	return rc;
}

static int cmp_plugin_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "Appui-Plugin: <id> <version>" for each loaded plugin, sorted. */
static void info_plugins(ap_buf *info, const ap_host *h)
{
	size_t n = ap_host_plugin_count(h), k = 0;
	char **lines = ap_xcalloc(n + 1, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		const ap_plugin_info *p = ap_host_plugin_at(h, i);
		if (p->status == AP_PLUGIN_LOADED)
			lines[k++] = ap_xasprintf(
			    "%s %s", p->id, p->version ? p->version : "?");
	}
	qsort(lines, k, sizeof(*lines), cmp_plugin_line);
	for (size_t i = 0; i < k; i++) {
		info_add(info, "Appui-Plugin", "%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

static int config_hash(const char *path, char hex[65], ap_diags *d)
{
	char *data = NULL;
	size_t len = 0;
	if (read_input(path, 16u << 20, &data, &len, d) != 0)
		return -1;
	ap_sha256_of(data, len, hex);
	free(data);
	return 0;
}

static wmember *add_member(writer *w, size_t *cap, const char *path, int kind)
{
	if (w->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		w->m = ap_xrealloc(w->m, *cap * sizeof(*w->m));
	}
	wmember *m = &w->m[w->n++];
	memset(m, 0, sizeof(*m));
	m->path = ap_xstrdup(path);
	m->fd = -1;
	m->kind = kind;
	return m;
}

int ap_bundle_create(const char *path, const ap_bundle_spec *spec, ap_reader *r,
                     const ap_host *h, ap_bundle_summary *summary, ap_diags *d)
{
	int rc = -1;
	size_t nc = spec->n_case_files, cap = 0;
	case_in *cases = ap_xcalloc(nc + 1, sizeof(*cases));
	const char **ids = ap_xcalloc(nc + 1, sizeof(*ids));
	blob *blobs = ap_xcalloc(nc + 1, sizeof(*blobs));
	case_score *scores = ap_xcalloc(nc + 1, sizeof(*scores));
	char *json = NULL, *txt = NULL, *mission = NULL, *top = NULL;
	size_t json_len = 0, txt_len = 0, mission_len = 0;
	ap_buf info, plan_info;
	ap_buf_init(&info);
	ap_buf_init(&plan_info);
	writer w;
	memset(&w, 0, sizeof(w));
	w.path = path;
	w.fd = -1;
	size_t before = ap_diags_errors(d);

	if (summary)
		memset(summary, 0, sizeof(*summary));
	if (nc == 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "no case file: a bundle holds a site's case "
		             "files");
		goto fail;
	}
	/* Every case file is read and checked, so that one run reports
	 * every problem. */
	for (size_t i = 0; i < nc; i++) {
		const char *name = base_name(spec->case_files[i]);
		const char *why = bad_member_name(name);
		cases[i].path = spec->case_files[i];
		cases[i].member = ap_xasprintf(CASE_DIR "%s", name);
		if (why) {
			ap_diags_add(d, AP_ERROR, cases[i].path, 0, "", "%s",
			             why);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(cases[k].member, cases[i].member) == 0)
				ap_diags_add(
				    d, AP_ERROR, cases[i].path, 0, "",
				    "another case file is also named %s: a "
				    "bag holds one file per name",
				    name);
		load_case_in(&cases[i], r, h, spec->strict, d);
	}
	if (ap_diags_errors(d) > before)
		goto fail;
	for (size_t i = 1; i < nc; i++) {
		if (strcmp(cases[i].site, cases[0].site) != 0) {
			ap_diags_add(
			    d, AP_ERROR, cases[i].path, 0, "site/@id",
			    "site %s, but %s is about site %s: a bundle "
			    "holds one site",
			    cases[i].site, cases[0].path, cases[0].site);
			goto fail;
		}
	}
	qsort(cases, nc, sizeof(*cases), cmp_case_in);
	/* The latest diagnostic names the bag and dates it. */
	size_t main_i = 0;
	for (size_t i = 1; i < nc; i++) {
		int c = ap_date_cmp(cases[i].date, cases[main_i].date);
		if (c > 0 ||
		    (c == 0 && strcmp(cases[i].id, cases[main_i].id) > 0))
			main_i = i;
	}
	const case_in *mc = &cases[main_i];
	for (size_t i = 0; i < nc; i++) {
		ids[i] = cases[i].id;
		blobs[i] = (blob){cases[i].member, cases[i].data, cases[i].len};
	}
	if (score_blobs(r, h, blobs, nc, spec->strict, &json, &json_len, &txt,
	                &txt_len, scores, d) != 0)
		goto fail;
	if (spec->plan_file &&
	    plan_entry(spec->plan_file, mc->id, ids, nc, mc->site, &mission,
	               &mission_len, &plan_info, d) != 0)
		goto fail;

	top = ap_xasprintf("%s_%s", mc->site, mc->id);
	w.top = top;
	struct tm tm = {.tm_year = mc->date.year - 1900,
	                .tm_mon = mc->date.month - 1,
	                .tm_mday = mc->date.day};
	w.mtime = timegm(&tm);

	/* The payload. */
	for (size_t i = 0; i < nc; i++) {
		wmember *m = add_member(&w, &cap, cases[i].member, M_PAYLOAD);
		m->data = cases[i].data;
		cases[i].data = NULL;
		m->size = cases[i].len;
	}
	wmember *m = add_member(&w, &cap, SCORE_JSON, M_PAYLOAD);
	m->data = json;
	m->size = json_len;
	json = NULL;
	m = add_member(&w, &cap, SCORE_TXT, M_PAYLOAD);
	m->data = txt;
	m->size = txt_len;
	txt = NULL;
	if (mission) {
		m = add_member(&w, &cap, PLAN_JSON, M_PAYLOAD);
		m->data = mission;
		m->size = mission_len;
		mission = NULL;
	}
	for (size_t i = 0; i < spec->n_attachments; i++) {
		const char *src = spec->attachments[i];
		const char *name = base_name(src);
		const char *why = bad_member_name(name);
		if (why) {
			ap_diags_add(d, AP_ERROR, src, 0, "", "%s", why);
			continue;
		}
		char *member = ap_xasprintf(ATTACH_DIR "%s", name);
		int dup = 0;
		for (size_t k = 0; k < w.n && !dup; k++)
			dup = strcmp(w.m[k].path, member) == 0;
		if (dup) {
			ap_diags_add(d, AP_ERROR, src, 0, "",
			             "another attachment is also named %s",
			             name);
			free(member);
			continue;
		}
		uint64_t size = 0;
		int fd = open_input(src, AP_BUNDLE_MAX_MEMBER_BYTES, &size, d);
		if (fd >= 0) {
			m = add_member(&w, &cap, member, M_PAYLOAD);
			m->fd = fd;
			m->src = ap_xstrdup(src);
			m->size = size;
		}
		free(member);
	}
	if (ap_diags_errors(d) > before)
		goto fail;
	uint64_t oxum_bytes = 0;
	size_t oxum_files = w.n;
	for (size_t i = 0; i < w.n; i++)
		oxum_bytes += w.m[i].size;

	/* bag-info.txt: the labels of RFC 8493 section 2.2.2, then ours. */
	const ap_date dt = mc->date;
	info_add(&info, "Source-Organization", "%s", mc->org_name);
	for (size_t i = 0; i < nc; i++)
		info_add(&info, "External-Identifier", "%s",
		         i == 0 ? mc->id : cases[i <= main_i ? i - 1 : i].id);
	info_add(&info, "External-Description",
	         "appui mission case bundle of site %s (%s, %s): case "
	         "file%s, score%s%s",
	         mc->site, mc->site_name, mc->commune, nc > 1 ? "s" : "",
	         spec->plan_file ? ", plan entry" : "",
	         spec->n_attachments ? ", attachments" : "");
	info_add(&info, "Bagging-Date", "%04d-%02d-%02d", dt.year, dt.month,
	         dt.day);
	info_add(&info, "Payload-Oxum", "%" PRIu64 ".%zu", oxum_bytes,
	         oxum_files);
	info_add(&info, "Bag-Software-Agent", "appui %s", AP_VERSION);
	info_add(&info, "Appui-Organisation-Id", "%s", mc->org);
	info_add(&info, "Appui-Site-Id", "%s", mc->site);
	info_add(&info, "Appui-Site-Name", "%s (%s)", mc->site_name,
	         mc->commune);
	for (size_t i = 0; i < nc; i++)
		info_add(&info, "Appui-Diagnostic", "%s %04d-%02d-%02d %s",
		         cases[i].id, cases[i].date.year, cases[i].date.month,
		         cases[i].date.day, cases[i].firm);
	if (scores[main_i].has_mission)
		info_add(&info, "Appui-Recommended-Days", "%d (priority %.2f)",
		         scores[main_i].days,
		         round(scores[main_i].priority * 100) / 100);
	else
		info_add(&info, "Appui-Recommended-Days", "0 (no mission)");
	if (plan_info.len)
		ap_buf_puts(&info, plan_info.data);
	else
		info_add(&info, "Appui-Mission-Status", "no plan given");
	if (spec->config_file) {
		char hex[65];
		if (config_hash(spec->config_file, hex, d) != 0)
			goto fail;
		info_add(&info, "Appui-Configuration", "sha256 %s", hex);
	} else {
		info_add(&info, "Appui-Configuration", "built-in defaults");
	}
	info_plugins(&info, h);

	m = add_member(&w, &cap, "bag-info.txt", M_TAG);
	m->size = info.len;
	m->data = info.data;
	ap_buf_init(&info);
	static const char bagit[] = "BagIt-Version: 1.0\n"
	                            "Tag-File-Character-Encoding: UTF-8\n";
	m = add_member(&w, &cap, "bagit.txt", M_TAG);
	m->data = ap_xstrdup(bagit);
	m->size = sizeof bagit - 1;
	add_member(&w, &cap, MANIFEST, M_MANIFEST);
	add_member(&w, &cap, TAGMANIFEST, M_TAGMANIFEST);
	qsort(w.m, w.n, sizeof(*w.m), cmp_wmember);

	int wrc = write_bag(&w, spec->format, d);
	if (wrc != 0) {
		rc = wrc > 0 ? -1 : -2;
		goto fail;
	}
	if (summary) {
		summary->name = ap_xstrdup(top);
		summary->payload_files = oxum_files;
		summary->payload_bytes = oxum_bytes;
		summary->archive_bytes = w.written;
	}
	rc = 0;
fail:
	for (size_t i = 0; i < w.n; i++) {
		free(w.m[i].path);
		free(w.m[i].data);
		free(w.m[i].src);
		if (w.m[i].fd >= 0)
			close(w.m[i].fd);
	}
	free(w.m);
	for (size_t i = 0; i < nc; i++)
		case_in_free(&cases[i]);
	free(cases);
	free(ids);
	free(blobs);
	free(scores);
	free(json);
	free(txt);
	free(mission);
	free(top);
	ap_buf_free(&info);
	ap_buf_free(&plan_info);
	return rc;
}

/* ---- reading archives ------------------------------------------------------
 */

typedef struct limits {
	uint64_t member;
	size_t members;
	uint64_t total;
	unsigned ratio;
} limits;

static void resolve_limits(const ap_bundle_limits *in, uint64_t archive,
                           limits *out)
{
	out->member = in && in->max_member_bytes ? in->max_member_bytes
	                                         : AP_BUNDLE_MAX_MEMBER_BYTES;
	out->members =
	    in && in->max_members ? in->max_members : AP_BUNDLE_MAX_MEMBERS;
	out->ratio = in && in->max_ratio ? in->max_ratio : AP_BUNDLE_MAX_RATIO;
	out->total = archive > UINT64_MAX / out->ratio ? UINT64_MAX
	                                               : archive * out->ratio;
	if (out->total < RATIO_FLOOR)
		out->total = RATIO_FLOOR;
}

/* Only what bundles are made of: gzip, zstd or nothing; tar or zip. */
static struct archive *reader_open(const char *path, ap_diags *d)
{
	struct archive *a = archive_read_new();
	if (!a) {
		ap_oom();
	}
	/* ARCHIVE_WARN: an external program would decompress; it still
	 * reads. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read as a bundle: %s",
		             archive_error_string(a) ? archive_error_string(a)
		                                     : strerror(errno));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static const char *entry_name(struct archive_entry *e)
{
	const char *p = archive_entry_pathname_utf8(e);
	return p ? p : archive_entry_pathname(e);
}

/* Why an entry's type has no place in a bag, or NULL. */
static const char *entry_type_problem(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "is a hard link (a bag holds only files and folders)";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
		return NULL;
	case AE_IFLNK:
		return "is a symbolic link (a bag holds only files and "
		       "folders)";
	case AE_IFCHR:
	case AE_IFBLK:
		return "is a device (a bag holds only files and folders)";
	case AE_IFIFO:
		return "is a FIFO (a bag holds only files and folders)";
	case AE_IFSOCK:
		return "is a socket (a bag holds only files and folders)";
	}
	return "has an unknown type (a bag holds only files and folders)";
}

/*
 * Why an entry's path is unsafe, or NULL with the path normalised in *norm
 * (no "./" in front, no '/' at the end).
 */
static const char *entry_path_problem(const char *raw, char **norm)
{
	*norm = NULL;
	if (!raw || !*raw)
		return "has no name";
	if (raw[0] == '/' || (isalpha((unsigned char)raw[0]) && raw[1] == ':'))
		return "is an absolute path";
	if (strlen(raw) > 4096)
		return "has a name longer than 4096 bytes";
	if (has_control(raw))
		return "has a control character in its name";
	if (strchr(raw, '\\'))
		return "has a backslash in its name";
	if (!ap_utf8_valid(raw))
		return "has a name that is not valid UTF-8";
	while (raw[0] == '.' && raw[1] == '/')
		raw += 2;
	char *p = ap_xstrdup(raw);
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	const char *why = NULL;
	if (n == 0)
		why = "has no name";
	for (char *c = p; !why && *c;) {
		size_t len = strcspn(c, "/");
		if (len == 0)
			why = "has an empty component ('//') in its name";
		else if (len == 2 && c[0] == '.' && c[1] == '.')
			why = "contains '..': it would be written outside the "
			      "folder";
		else if (len == 1 && c[0] == '.')
			why = "contains a '.' component";
		c += len;
		if (*c == '/')
			c++;
	}
	if (why) {
		free(p);
		return why;
	}
	*norm = p;
	return NULL;
}

/*
 * Splits a normalised path at its top folder: every member of a bag is
 * inside one. Sets *top on the first call; *rel points into `norm`.
 */
static const char *top_problem(char **top, const char *norm, int is_dir,
                               const char **rel)
{
	const char *slash = strchr(norm, '/');
	size_t len = slash ? (size_t)(slash - norm) : strlen(norm);
	if (!slash && !is_dir)
		return "is outside the bag's top folder";
	if (!*top) {
		*top = ap_xmalloc(len + 1);
		memcpy(*top, norm, len);
		(*top)[len] = '\0';
	} else if (strlen(*top) != len || memcmp(*top, norm, len) != 0) {
		return "is outside the bag's top folder";
	}
	*rel = slash ? slash + 1 : "";
	return NULL;
}

static const char *read_error(struct archive *a)
{
	const char *s = archive_error_string(a);
	return s ? s : "unknown error";
}

/*
 * The next member of a bundle being read: 1 and its entry in *e, 0 at the
 * end, -1 (reported) when the archive cannot be read or holds more than
 * `max_members`; *count counts the members read.
 */
static int next_member(struct archive *a, const char *path, size_t max_members,
                       size_t *count, struct archive_entry **e, ap_diags *d)
{
	int r = archive_read_next_header(a, e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "not a readable bundle: %s", read_error(a));
		return -1;
	}
	if (++*count > max_members) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "more than %zu members: refused", max_members);
		return -1;
	}
	return 1;
}

/*
 * Why a member may not be read or extracted (its type, its path, or a top
 * folder other than the bag's), or NULL with its normalised path in *norm
 * (to free, set in either case when the path itself is sound) and its path
 * inside the bag in *rel.
 */
static const char *member_problem(struct archive_entry *e, int is_dir,
                                  char **top, char **norm, const char **rel)
{
	*norm = NULL;
	const char *why = entry_type_problem(e);
	if (!why)
		why = entry_path_problem(entry_name(e), norm);
	if (!why)
		why = top_problem(top, *norm, is_dir, rel);
	return why;
}

/* ---- an opened bundle ------------------------------------------------------
 */

typedef struct rmember {
	ap_bundle_member m; /* m.path points to path */
	char *path;
	ap_buf data;
	int kept;
} rmember;

typedef struct mline {
	char *path;
	char hash[65];
	long line;
} mline;

typedef struct mlist {
	int present;
	mline *v;
	size_t n;
} mlist;

struct ap_bundle {
	char *file;
	char *name;
	char *kind;
	uint64_t archive_bytes;
	rmember *mem;
	size_t n, cap;
	char **labels, **values;
	size_t n_info;
	mlist manifest, tagmanifest;
	ap_diags *parse; /* problems of the tag files, reported by check */
};

void ap_bundle_free(ap_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->mem[i].path);
		ap_buf_free(&b->mem[i].data);
	}
	free(b->mem);
	for (size_t i = 0; i < b->n_info; i++) {
		free(b->labels[i]);
		free(b->values[i]);
	}
	free(b->labels);
	free(b->values);
	mlist *lists[2] = {&b->manifest, &b->tagmanifest};
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->n; i++)
			free(lists[l]->v[i].path);
		free(lists[l]->v);
	}
	ap_diags_free(b->parse);
	free(b->file);
	free(b->name);
	free(b->kind);
	free(b);
}

/* The members appui reads back: tag files, case files, score, plan. */
static int wants_kept(const char *rel)
{
	return !strchr(rel, '/') ||
	       strncmp(rel, CASE_DIR, strlen(CASE_DIR)) == 0 ||
	       strncmp(rel, SCORE_DIR, strlen(SCORE_DIR)) == 0 ||
	       strcmp(rel, PLAN_JSON) == 0;
}

/* bsearch: a path against a member's, or a manifest line's. */
static int cmp_member_key(const void *key, const void *elem)
{
	return strcmp(key, ((const rmember *)elem)->path);
}

static const rmember *find_member(const ap_bundle *b, const char *rel)
{
	return b->n
	           ? bsearch(rel, b->mem, b->n, sizeof(*b->mem), cmp_member_key)
	           : NULL;
}

static int cmp_rmember(const void *a, const void *b)
{
	return strcmp(((const rmember *)a)->path, ((const rmember *)b)->path);
}

static int cmp_mline(const void *a, const void *b)
{
	return strcmp(((const mline *)a)->path, ((const mline *)b)->path);
}

/* Splits a tag file into lines (LF, CRLF or CR, RFC 8493 section 2.1.1);
 * calls `fn` with each, NUL-terminated in a copy. */
static void each_line(const char *data, size_t len,
                      void (*fn)(void *, char *, long), void *ctx)
{
	char *copy = ap_xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	long no = 0;
	char *p = copy, *end = copy + len;
	while (p < end) {
		char *e = p;
		while (e < end && *e != '\n' && *e != '\r')
			e++;
		char *next = e;
		if (next < end && *next == '\r' && next + 1 < end &&
		    next[1] == '\n')
			next++;
		*e = '\0';
		fn(ctx, p, ++no);
		p = next + 1;
	}
	free(copy);
}

typedef struct mctx {
	ap_bundle *b;
	mlist *list;
	const char *name;
	size_t cap;
} mctx;

/* Percent-decodes %0A, %0D and %25 (RFC 8493 section 2.1.3). */
static void pct_decode(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '%' && (strncasecmp(p, "%0A", 3) == 0 ||
		                    strncasecmp(p, "%0D", 3) == 0 ||
		                    strncmp(p, "%25", 3) == 0)) {
			*o++ = (char)strtol((char[]){p[1], p[2], 0}, NULL, 16);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

static void manifest_line(void *ctx, char *line, long no)
{
	mctx *m = ctx;
	if (!*line)
		return;
	size_t hl = strspn(line, "0123456789abcdefABCDEF");
	char *path = line + hl;
	size_t ws = strspn(path, " \t");
	path += ws;
	if (hl != 64 || ws == 0 || !*path) {
		ap_diags_add(m->b->parse, AP_ERROR, m->b->file, 0, m->name,
		             "line %ld: not 'SHA256  PATH'", no);
		return;
	}
	if (m->list->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->list->v =
		    ap_xrealloc(m->list->v, m->cap * sizeof(*m->list->v));
	}
	mline *l = &m->list->v[m->list->n++];
	for (size_t i = 0; i < 64; i++)
		l->hash[i] = (char)tolower((unsigned char)line[i]);
	l->hash[64] = '\0';
	l->path = ap_xstrdup(path);
	pct_decode(l->path);
	l->line = no;
}

static void parse_manifest(ap_bundle *b, const char *name, mlist *list)
{
	const rmember *rm = find_member(b, name);
	if (!rm)
		return;
	list->present = 1;
	if (!rm->kept) {
		ap_diags_add(b->parse, AP_ERROR, b->file, 0, name,
		             "too large to be a manifest");
		return;
	}
	mctx ctx = {b, list, name, 0};
	each_line(rm->data.data ? rm->data.data : "", rm->data.len,
	          manifest_line, &ctx);
	if (list->n > 1)
		qsort(list->v, list->n, sizeof(*list->v), cmp_mline);
	for (size_t i = 1; i < list->n; i++)
		if (strcmp(list->v[i].path, list->v[i - 1].path) == 0)
			ap_diags_add(b->parse, AP_ERROR, b->file, 0, name,
			             "line %ld: %s is listed twice",
			             list->v[i].line, list->v[i].path);
}

static void info_line(void *ctx, char *line, long no)
{
	ap_bundle *b = ctx;
	if (!*line)
		return;
	if ((line[0] == ' ' || line[0] == '\t') && b->n_info) {
		/* A continuation: folded into the previous value. */
		char *v = b->values[b->n_info - 1];
		b->values[b->n_info - 1] =
		    ap_xasprintf("%s %s", v, line + strspn(line, " \t"));
		free(v);
		return;
	}
	char *colon = strchr(line, ':');
	if (!colon || colon == line) {
		ap_diags_add(b->parse, AP_ERROR, b->file, 0, "bag-info.txt",
		             "line %ld: not 'Label: value'", no);
		return;
	}
	*colon = '\0';
	char *value = colon + 1;
	value += strspn(value, " \t");
	b->labels = ap_xrealloc(b->labels, (b->n_info + 1) * sizeof(char *));
	b->values = ap_xrealloc(b->values, (b->n_info + 1) * sizeof(char *));
	b->labels[b->n_info] = ap_xstrdup(line);
	b->values[b->n_info++] = ap_xstrdup(value);
}

static void set_kind(ap_bundle *b, struct archive *a)
{
	if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_ZIP) {
		b->kind = ap_xstrdup("zip");
		return;
	}
	switch (archive_filter_code(a, 0)) {
	case ARCHIVE_FILTER_GZIP:
		b->kind = ap_xstrdup("tar.gz");
		break;
	case ARCHIVE_FILTER_ZSTD:
		b->kind = ap_xstrdup("tar.zst");
		break;
	case ARCHIVE_FILTER_NONE:
		b->kind = ap_xstrdup("tar");
		break;
	default:
		b->kind = ap_xasprintf("tar.%s", archive_filter_name(a, 0));
	}
}

/* Reads one member's data: hashes it, keeps it when asked, enforces the
 * limits as the bytes come (a header's size can lie). */
static int read_member(struct archive *a, const char *file, const char *name,
                       rmember *rm, char *buf, const limits *lm,
                       uint64_t *total, ap_diags *d)
{
	ap_sha256 s;
	ap_sha256_init(&s);
	int rc = -1;
	for (;;) {
		la_ssize_t k = archive_read_data(a, buf, IO_BUF);
		if (k < 0) {
			ap_diags_add(d, AP_ERROR, file, 0, name,
			             "cannot read: %s", read_error(a));
			goto out;
		}
		if (k == 0)
			break;
		rm->m.size += (uint64_t)k;
		*total += (uint64_t)k;
		if (rm->m.size > lm->member) {
			ap_diags_add(d, AP_ERROR, file, 0, name,
			             "larger than the limit of %" PRIu64
			             " bytes for one member: refused",
			             lm->member);
			goto out;
		}
		if (*total > lm->total) {
			ap_diags_add(
			    d, AP_ERROR, file, 0, name,
			    "the archive expands to more than %u times "
			    "its size: refused (a decompression bomb?)",
			    lm->ratio);
			goto out;
		}
		ap_sha256_update(&s, buf, (size_t)k);
		if (rm->kept && rm->m.size <= KEEP_MAX) {
			ap_buf_add(&rm->data, buf, (size_t)k);
		} else if (rm->kept) {
			rm->kept = 0;
			ap_buf_free(&rm->data);
		}
	}
	rc = 0;
out:
	ap_sha256_final(&s, rm->m.sha256);
	return rc;
}

int ap_bundle_open(ap_bundle **out, const char *path,
                   const ap_bundle_limits *lim, ap_diags *d)
{
	*out = NULL;
	int rc = -1;
	struct archive *a = NULL;
	char *buf = NULL;
	ap_bundle *b = ap_xcalloc(1, sizeof(*b));
	b->file = ap_xstrdup(path);
	b->parse = ap_diags_new();
	utf8_locale loc;
	utf8_enter(&loc);
	struct stat st;
	if (stat(path, &st) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot read: %s",
		             strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "not a regular file: a bundle is a file");
		goto fail;
	}
	b->archive_bytes = (uint64_t)st.st_size;
	limits lm;
	resolve_limits(lim, b->archive_bytes, &lm);
	a = reader_open(path, d);
	if (!a)
		goto fail;
	buf = ap_xmalloc(IO_BUF);
	uint64_t total = 0;
	size_t count = 0;
	for (;;) {
		struct archive_entry *e;
		int r = next_member(a, path, lm.members, &count, &e, d);
		if (r == 0)
			break;
		if (r < 0)
			goto fail;
		if (!b->kind)
			set_kind(b, a);
		const char *raw = entry_name(e);
		int is_dir = archive_entry_filetype(e) == AE_IFDIR;
		char *norm;
		const char *rel = NULL;
		const char *why =
		    member_problem(e, is_dir, &b->name, &norm, &rel);
		if (why) {
			/* Reported, not read: the bag is broken, reading
			 * goes on so that every problem is seen. */
			ap_diags_add(d, AP_ERROR, path, 0, raw ? raw : "", "%s",
			             why);
			free(norm);
			continue;
		}
		if (is_dir) {
			free(norm);
			continue;
		}
		if (archive_entry_size_is_set(e) &&
		    (uint64_t)archive_entry_size(e) > lm.member) {
			ap_diags_add(d, AP_ERROR, path, 0, rel,
			             "%jd bytes, over the limit of %" PRIu64
			             " bytes for one member: refused",
			             (intmax_t)archive_entry_size(e),
			             lm.member);
			free(norm);
			goto fail;
		}
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 32;
			b->mem = ap_xrealloc(b->mem, b->cap * sizeof(*b->mem));
		}
		rmember *rm = &b->mem[b->n++];
		memset(rm, 0, sizeof(*rm));
		rm->path = ap_xstrdup(rel);
		rm->kept = wants_kept(rel);
		ap_buf_init(&rm->data);
		int ok = read_member(a, path, rel, rm, buf, &lm, &total, d);
		free(norm);
		if (ok != 0)
			goto fail;
	}
	if (b->n == 0 && !b->name) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "an empty archive, not a bundle");
		goto fail;
	}
	if (!b->name)
		b->name = ap_xstrdup("");
	if (!b->kind)
		set_kind(b, a);
	if (b->n > 1)
		qsort(b->mem, b->n, sizeof(*b->mem), cmp_rmember);
	for (size_t i = 0; i < b->n; i++) {
		b->mem[i].m.path = b->mem[i].path;
		if (i > 0 && strcmp(b->mem[i].path, b->mem[i - 1].path) == 0)
			ap_diags_add(d, AP_ERROR, path, 0, b->mem[i].path,
			             "is in the archive twice");
	}
	const rmember *info = find_member(b, "bag-info.txt");
	if (info && info->kept)
		each_line(info->data.data ? info->data.data : "",
		          info->data.len, info_line, b);
	parse_manifest(b, MANIFEST, &b->manifest);
	parse_manifest(b, TAGMANIFEST, &b->tagmanifest);
	rc = 0;
	*out = b;
fail:
	if (a)
		archive_read_free(a);
	utf8_leave(&loc);
	free(buf);
	if (rc != 0)
		ap_bundle_free(b);
	return rc;
}

const char *ap_bundle_name(const ap_bundle *b)
{
	return b->name;
}

const char *ap_bundle_kind(const ap_bundle *b)
{
	return b->kind;
}

uint64_t ap_bundle_archive_bytes(const ap_bundle *b)
{
	return b->archive_bytes;
}

size_t ap_bundle_member_count(const ap_bundle *b)
{
	return b->n;
}

const ap_bundle_member *ap_bundle_member_at(const ap_bundle *b, size_t i)
{
	return i < b->n ? &b->mem[i].m : NULL;
}

const char *ap_bundle_member_data(const ap_bundle *b, const char *path,
                                  size_t *len)
{
	const rmember *rm = find_member(b, path);
	if (!rm || !rm->kept)
		return NULL;
	if (len)
		*len = rm->data.len;
	return rm->data.data ? rm->data.data : "";
}

static int cmp_mline_key(const void *key, const void *elem)
{
	return strcmp(key, ((const mline *)elem)->path);
}

static const mline *find_mline(const mlist *l, const char *path)
{
	return l->n ? bsearch(path, l->v, l->n, sizeof(*l->v), cmp_mline_key)
	            : NULL;
}

const char *ap_bundle_manifest_hash(const ap_bundle *b, const char *path)
{
	const mline *l = find_mline(&b->manifest, path);
	return l ? l->hash : NULL;
}

size_t ap_bundle_info_count(const ap_bundle *b)
{
	return b->n_info;
}

void ap_bundle_info_at(const ap_bundle *b, size_t i, const char **label,
                       const char **value)
{
	*label = i < b->n_info ? b->labels[i] : NULL;
	*value = i < b->n_info ? b->values[i] : NULL;
}

const char *ap_bundle_info(const ap_bundle *b, const char *label)
{
	for (size_t i = 0; i < b->n_info; i++)
		if (strcasecmp(b->labels[i], label) == 0)
			return b->values[i];
	return NULL;
}

/* ---- checking a bag --------------------------------------------------------
 */

static int is_payload(const char *rel)
{
	return strncmp(rel, "data/", 5) == 0;
}

static int is_tagmanifest(const char *rel)
{
	return strncmp(rel, "tagmanifest-", 12) == 0 && !strchr(rel, '/');
}

static void check_bagit_txt(const ap_bundle *b, ap_diags *d)
{
	size_t len;
	const char *t = ap_bundle_member_data(b, "bagit.txt", &len);
	if (!t) {
		ap_diags_add(d, AP_ERROR, b->file, 0, "bagit.txt",
		             "missing: every bag has one");
		return;
	}
	/* RFC 8493 section 2.1.1: exactly these two lines. */
	char major[8], minor[8], enc[32], rest[2];
	char *copy = ap_xmalloc(len + 1);
	memcpy(copy, t, len);
	copy[len] = '\0';
	int n = sscanf(copy,
	               "BagIt-Version: %7[0-9].%7[0-9]%*[\r\n]"
	               "Tag-File-Character-Encoding: %31[^\r\n]%*[\r\n]%1c",
	               major, minor, enc, rest);
	free(copy);
	if (n != 3)
		ap_diags_add(d, AP_ERROR, b->file, 0, "bagit.txt",
		             "not 'BagIt-Version: M.N' then "
		             "'Tag-File-Character-Encoding: ENCODING'");
	else if (strcasecmp(enc, "UTF-8") != 0)
		ap_diags_add(d, AP_ERROR, b->file, 0, "bagit.txt",
		             "tag files in %s: appui reads UTF-8 only", enc);
}

/* A sorted manifest against the sorted members it should list. */
static void check_list(const ap_bundle *b, const mlist *l, const char *name,
                       int payload, ap_diags *d)
{
	size_t i = 0, k = 0;
	for (;;) {
		/* The next member the list should cover. */
		while (i < b->n && (payload ? !is_payload(b->mem[i].path)
		                            : (is_payload(b->mem[i].path) ||
		                               is_tagmanifest(b->mem[i].path))))
			i++;
		if (i >= b->n && k >= l->n)
			break;
		int c = i >= b->n   ? 1
		        : k >= l->n ? -1
		                    : strcmp(b->mem[i].path, l->v[k].path);
		if (c < 0) {
			ap_diags_add(d, AP_ERROR, b->file, 0, b->mem[i].path,
			             "extra: not listed in %s", name);
			i++;
		} else if (c > 0) {
			if (!find_member(b, l->v[k].path))
				ap_diags_add(
				    d, AP_ERROR, b->file, 0, l->v[k].path,
				    "missing: listed in %s, not in the "
				    "bundle",
				    name);
			else
				ap_diags_add(d, AP_ERROR, b->file, 0,
				             l->v[k].path,
				             "listed in %s but not a %s file",
				             name, payload ? "payload" : "tag");
			k++;
		} else {
			if (strcmp(b->mem[i].m.sha256, l->v[k].hash) != 0)
				ap_diags_add(
				    d, AP_ERROR, b->file, 0, l->v[k].path,
				    "modified: its SHA-256 is %s, %s "
				    "says %s",
				    b->mem[i].m.sha256, name, l->v[k].hash);
			i++;
			k++;
		}
	}
}

size_t ap_bundle_check(const ap_bundle *b, ap_diags *d)
{
	size_t before = ap_diags_errors(d);
	check_bagit_txt(b, d);
	ap_diags_move(d, b->parse, 0);
	if (!b->manifest.present) {
		ap_diags_add(d, AP_ERROR, b->file, 0, MANIFEST,
		             "missing: appui checks SHA-256 payload "
		             "manifests");
	} else {
		check_list(b, &b->manifest, MANIFEST, 1, d);
	}
	if (b->tagmanifest.present)
		check_list(b, &b->tagmanifest, TAGMANIFEST, 0, d);
	const char *oxum = ap_bundle_info(b, "Payload-Oxum");
	if (oxum) {
		uint64_t bytes = 0, want_bytes;
		size_t files = 0, want_files;
		for (size_t i = 0; i < b->n; i++) {
			if (is_payload(b->mem[i].path)) {
				bytes += b->mem[i].m.size;
				files++;
			}
		}
		char tail;
		if (sscanf(oxum, "%" SCNu64 ".%zu%c", &want_bytes, &want_files,
		           &tail) != 2)
			ap_diags_add(d, AP_ERROR, b->file, 0, "bag-info.txt",
			             "Payload-Oxum '%s' is not OCTETS.FILES",
			             oxum);
		else if (want_bytes != bytes || want_files != files)
			ap_diags_add(d, AP_ERROR, b->file, 0, "bag-info.txt",
			             "Payload-Oxum says %" PRIu64
			             " bytes in %zu files, the payload has "
			             "%" PRIu64 " bytes in %zu files",
			             want_bytes, want_files, bytes, files);
	}
	return ap_diags_errors(d) - before;
}

/* ---- re-scoring ------------------------------------------------------------
 */

static json_t *by_key(json_t *array, const char *key, const char *value)
{
	size_t i;
	json_t *e;
	json_array_foreach(array, i, e)
	{
		const char *s = json_string_value(json_object_get(e, key));
		if (s && strcmp(s, value) == 0)
			return e;
	}
	return NULL;
}

/* json_equal() calls two absent values different. */
static int json_same(json_t *a, json_t *b)
{
	return (!a && !b) || json_equal(a, b);
}

/* A value for a message: compact JSON, at most about 60 bytes. */
static char *short_json(json_t *v)
{
	if (!v)
		return ap_xstrdup("(none)");
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	                            JSON_REAL_PRECISION(12));
	if (!s) {
		ap_oom();
	}
	size_t n = strlen(s);
	if (n > 60) {
		n = 56;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
		strcpy(s + n, "...");
	}
	return s;
}

/* "need 45.2 -> 47.1", or with `values` 0 "indicators changed". */
static void diff_value(ap_buf *out, const char *key, json_t *a, json_t *b,
                       int values)
{
	if (json_same(a, b))
		return;
	if (!values) {
		ap_buf_printf(out, "%s%s changed", out->len ? ", " : "", key);
		return;
	}
	char *sa = short_json(a), *sb = short_json(b);
	ap_buf_printf(out, "%s%s %s -> %s", out->len ? ", " : "", key, sa, sb);
	free(sa);
	free(sb);
}

static int listed(const char *key, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* Every member of two objects but `skip`: the old ones in their order,
 * then the new ones. */
static void diff_members(ap_buf *out, json_t *old, json_t *now,
                         const char *const *skip, size_t n_skip, int values)
{
	const char *key;
	json_t *v;
	json_object_foreach(old, key, v)
	{
		if (!listed(key, skip, n_skip))
			diff_value(out, key, v, json_object_get(now, key),
			           values);
	}
	json_object_foreach(now, key, v)
	{
		if (!listed(key, skip, n_skip) && !json_object_get(old, key))
			diff_value(out, key, NULL, v, values);
	}
}

static void diff_theme(const ap_bundle *b, const char *case_id, json_t *old,
                       json_t *now, ap_diags *d)
{
	static const char *const keys[] = {
	    "need", "band", "days", "confidence", "need_low", "need_high"};
	static const char *const skip[] = {
	    "theme", "plugin",     "plugin_version", "need",     "band",
	    "days",  "confidence", "need_low",       "need_high"};
	const char *theme = jget_str(old ? old : now, "theme");
	if (!now) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "case %s: theme %s: scored in the bundle by "
		             "plugin %s %s, not scored now (is its plugin "
		             "loaded?)",
		             case_id, theme, jget_str(old, "plugin"),
		             jget_str(old, "plugin_version"));
		return;
	}
	if (!old) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "case %s: theme %s: not in the bundle, scored now "
		             "by plugin %s %s",
		             case_id, theme, jget_str(now, "plugin"),
		             jget_str(now, "plugin_version"));
		return;
	}
	ap_buf what;
	ap_buf_init(&what);
	/* The numbers a reader compares, with their values; the rest
	 * (indicators, levers, rules...) by name. */
	for (size_t i = 0; i < AP_ARRAY_LEN(keys); i++)
		diff_value(&what, keys[i], json_object_get(old, keys[i]),
		           json_object_get(now, keys[i]), 1);
	diff_members(&what, old, now, skip, AP_ARRAY_LEN(skip), 0);
	if (what.len) {
		const char *pv_old = jget_str(old, "plugin_version");
		const char *pv_now = jget_str(now, "plugin_version");
		if (strcmp(pv_old, pv_now) != 0 ||
		    strcmp(jget_str(old, "plugin"), jget_str(now, "plugin")))
			ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
			             "case %s: theme %s changed: %s (plugin %s "
			             "%s in the bundle, %s %s now)",
			             case_id, theme, what.data,
			             jget_str(old, "plugin"), pv_old,
			             jget_str(now, "plugin"), pv_now);
		else
			ap_diags_add(
			    d, AP_ERROR, b->file, 0, SCORE_JSON,
			    "case %s: theme %s changed: %s (same plugin "
			    "%s %s: the configuration or the toolkit "
			    "differs)",
			    case_id, theme, what.data, jget_str(now, "plugin"),
			    pv_now);
	}
	ap_buf_free(&what);
}

static void diff_scores(const ap_bundle *b, json_t *old, json_t *now,
                        ap_diags *d)
{
	size_t before = ap_diags_errors(d);
	json_t *oc = json_object_get(old, "cases"),
	       *nc = json_object_get(now, "cases");
	size_t i;
	json_t *c;
	json_array_foreach(oc, i, c)
	{
		const char *id = jget_str(c, "case_id");
		json_t *n = by_key(nc, "case_id", id);
		if (!n) {
			ap_diags_add(
			    d, AP_ERROR, b->file, 0, SCORE_JSON,
			    "case %s: in the bundle's score, not scored "
			    "now",
			    id);
			continue;
		}
		json_t *ot = json_object_get(c, "themes");
		json_t *nt = json_object_get(n, "themes");
		size_t k;
		json_t *t;
		json_array_foreach(ot, k, t)
		{
			diff_theme(b, id, t,
			           by_key(nt, "theme", jget_str(t, "theme")),
			           d);
		}
		json_array_foreach(nt, k, t)
		{
			if (!by_key(ot, "theme", jget_str(t, "theme")))
				diff_theme(b, id, NULL, t, d);
		}
		static const char *const skip[] = {"themes"};
		ap_buf what;
		ap_buf_init(&what);
		diff_members(&what, c, n, skip, 1, 1);
		if (what.len)
			ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
			             "case %s changed: %s", id, what.data);
		ap_buf_free(&what);
	}
	json_array_foreach(nc, i, c)
	{
		const char *id = jget_str(c, "case_id");
		if (!by_key(oc, "case_id", id))
			ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
			             "case %s: scored now, not in the bundle's "
			             "score",
			             id);
	}
	if (ap_diags_errors(d) == before)
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "differs from the score computed now (%s)",
		             json_equal(json_object_get(old, "warnings"),
		                        json_object_get(now, "warnings"))
		                 ? "other details"
		                 : "its warnings");
}

/* The plugin versions recorded in bag-info.txt against the loaded ones. */
static void diff_plugins(const ap_bundle *b, const ap_host *h, ap_diags *d)
{
	size_t np = ap_host_plugin_count(h);
	for (size_t i = 0; i < b->n_info; i++) {
		if (strcasecmp(b->labels[i], "Appui-Plugin") != 0)
			continue;
		char id[128], version[128];
		if (sscanf(b->values[i], "%127s %127s", id, version) != 2)
			continue;
		const ap_plugin_info *now = NULL;
		for (size_t k = 0; k < np && !now; k++) {
			const ap_plugin_info *p = ap_host_plugin_at(h, k);
			if (p->status == AP_PLUGIN_LOADED &&
			    strcmp(p->id, id) == 0)
				now = p;
		}
		if (!now)
			ap_diags_add(d, AP_WARNING, b->file, 0, "bag-info.txt",
			             "plugin %s %s of the bundle is not loaded "
			             "now",
			             id, version);
		else if (!now->version || strcmp(now->version, version) != 0)
			ap_diags_add(
			    d, AP_WARNING, b->file, 0, "bag-info.txt",
			    "plugin %s: %s in the bundle, %s loaded now", id,
			    version, now->version ? now->version : "?");
	}
	for (size_t k = 0; k < np; k++) {
		const ap_plugin_info *p = ap_host_plugin_at(h, k);
		if (p->status != AP_PLUGIN_LOADED)
			continue;
		int recorded = 0;
		for (size_t i = 0; i < b->n_info && !recorded; i++) {
			size_t n = strlen(p->id);
			recorded =
			    strcasecmp(b->labels[i], "Appui-Plugin") == 0 &&
			    strncmp(b->values[i], p->id, n) == 0 &&
			    b->values[i][n] == ' ';
		}
		if (!recorded)
			ap_diags_add(
			    d, AP_WARNING, b->file, 0, "bag-info.txt",
			    "plugin %s %s is loaded now, the bundle was "
			    "scored without it",
			    p->id, p->version ? p->version : "?");
	}
}

static void diff_config(const ap_bundle *b, const char *config_file,
                        ap_diags *d)
{
	const char *rec = ap_bundle_info(b, "Appui-Configuration");
	if (!rec)
		return;
	char now[80] = "built-in defaults";
	if (config_file) {
		char hex[65];
		ap_diags *tmp = ap_diags_new();
		int ok = config_hash(config_file, hex, tmp) == 0;
		ap_diags_free(tmp);
		if (!ok)
			return;
		snprintf(now, sizeof now, "sha256 %s", hex);
	}
	if (strcmp(rec, now) == 0)
		return;
	/* Hashes are shortened for the message, as git does. */
	char a[40], c[40];
	snprintf(a, sizeof a, "%.23s%s", rec, strlen(rec) > 23 ? "..." : "");
	snprintf(c, sizeof c, "%.23s%s", now, strlen(now) > 23 ? "..." : "");
	ap_diags_add(d, AP_WARNING, b->file, 0, "bag-info.txt",
	             "the configuration differs from the one the bundle was "
	             "scored with (%s in the bundle, %s now)",
	             a, c);
}

size_t ap_bundle_rescore(const ap_bundle *b, ap_reader *r, const ap_host *h,
                         const char *config_file, ap_diags *d)
{
	size_t before = ap_diags_errors(d), nc = 0;
	blob *cs = ap_xcalloc(b->n + 1, sizeof(*cs));
	char *json = NULL, *txt = NULL;
	size_t json_len = 0, txt_len = 0;
	json_t *old = NULL, *now = NULL;
	diff_plugins(b, h, d);
	diff_config(b, config_file, d);
	for (size_t i = 0; i < b->n; i++) {
		const rmember *rm = &b->mem[i];
		if (strncmp(rm->path, CASE_DIR, strlen(CASE_DIR)) != 0)
			continue;
		if (!rm->kept) {
			ap_diags_add(d, AP_ERROR, b->file, 0, rm->path,
			             "too large to be re-read");
			goto out;
		}
		cs[nc++] = (blob){rm->path, rm->data.data ? rm->data.data : "",
		                  rm->data.len};
	}
	if (nc == 0) {
		ap_diags_add(d, AP_ERROR, b->file, 0, CASE_DIR,
		             "no case file to re-score");
		goto out;
	}
	size_t stored_len = 0;
	const char *stored = ap_bundle_member_data(b, SCORE_JSON, &stored_len);
	if (!stored) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "missing: nothing to compare the score with");
		goto out;
	}
	size_t bad = ap_diags_count(d);
	if (score_blobs(r, h, cs, nc, 0, &json, &json_len, &txt, &txt_len, NULL,
	                d) != 0) {
		/* The case's own problems (FILE is its name in the bag) say
		 * why; this line says where. */
		ap_diags_add(d, AP_ERROR, b->file, 0, CASE_DIR,
		             "a case file is not valid with the schema and "
		             "plugins loaded now (%zu problem%s above)",
		             ap_diags_count(d) - bad,
		             ap_diags_count(d) - bad == 1 ? "" : "s");
		goto out;
	}
	if (json_len == stored_len && memcmp(json, stored, json_len) == 0)
		goto out;
	json_error_t err;
	old = json_loadb(stored, stored_len, 0, &err);
	now = json_loadb(json, json_len, 0, &err);
	if (!old) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "not valid JSON: %s", err.text);
		goto out;
	}
	if (!now) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "internal error: the new score is not JSON");
		goto out;
	}
	diff_scores(b, old, now, d);
out:
	json_decref(old);
	json_decref(now);
	free(json);
	free(txt);
	free(cs);
	return ap_diags_errors(d) - before;
}

/* ---- showing a bag ---------------------------------------------------------
 */

static void show_score(FILE *out, const ap_bundle *b)
{
	size_t len;
	const char *s = ap_bundle_member_data(b, SCORE_JSON, &len);
	json_error_t err;
	json_t *doc = s ? json_loadb(s, len, 0, &err) : NULL;
	if (!doc) {
		fprintf(out, "score:        %s\n",
		        s ? "data/score/score.json is not valid JSON"
		          : "none (no data/score/score.json)");
		return;
	}
	fprintf(out, "score:        %-12s %-10s %7s  %-9s %4s  %s\n", "case",
	        "theme", "need", "band", "days", "plugin");
	size_t i, k;
	json_t *c, *t;
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
		json_array_foreach(json_object_get(c, "themes"), k, t)
		{
			fprintf(out,
			        "              %-12s %-10s %7.2f  %-9s "
			        "%4" JSON_INTEGER_FORMAT "  %s %s\n",
			        k ? "" : jget_str(c, "case_id"),
			        jget_str(t, "theme"),
			        json_number_value(json_object_get(t, "need")),
			        jget_str(t, "band"),
			        json_integer_value(json_object_get(t, "days")),
			        jget_str(t, "plugin"),
			        jget_str(t, "plugin_version"));
		}
		json_t *m = json_object_get(c, "mission");
		if (json_is_object(m))
			fprintf(
			    out,
			    "              %-12s mission of "
			    "%" JSON_INTEGER_FORMAT " days, priority %.2f\n",
			    "", json_integer_value(json_object_get(m, "days")),
			    json_number_value(json_object_get(m, "priority")));
		else
			fprintf(out, "              %-12s no mission\n", "");
	}
	json_decref(doc);
}

/* Every value of `label`, joined. */
static void show_info(FILE *out, const ap_bundle *b, const char *title,
                      const char *label, const char *sep)
{
	int first = 1;
	for (size_t i = 0; i < b->n_info; i++) {
		if (strcasecmp(b->labels[i], label) != 0)
			continue;
		fprintf(out, first ? "%-13s %s" : "%s%s", first ? title : sep,
		        b->values[i]);
		first = 0;
	}
	if (!first)
		fputc('\n', out);
}

void ap_bundle_show(FILE *out, const ap_bundle *b)
{
	char size[32];
	human_size(size, sizeof size, b->archive_bytes);
	fprintf(out, "bundle:       %s (%s, %s, %" PRIu64 " bytes)\n", b->file,
	        b->kind ? b->kind : "?", size, b->archive_bytes);
	size_t vlen;
	const char *bagit = ap_bundle_member_data(b, "bagit.txt", &vlen);
	char version[16] = "?";
	if (bagit)
		sscanf(bagit, "BagIt-Version: %15[0-9.]", version);
	fprintf(out, "bag:          %s/ (BagIt %s", b->name, version);
	const char *date = ap_bundle_info(b, "Bagging-Date");
	const char *agent = ap_bundle_info(b, "Bag-Software-Agent");
	if (date)
		fprintf(out, ", bagged %s", date);
	if (agent)
		fprintf(out, " by %s", agent);
	fputs(")\n", out);
	const char *org = ap_bundle_info(b, "Source-Organization");
	const char *org_id = ap_bundle_info(b, "Appui-Organisation-Id");
	if (org)
		fprintf(out, "organisation: %s%s%s%s\n", org,
		        org_id ? " (" : "", org_id ? org_id : "",
		        org_id ? ")" : "");
	const char *site = ap_bundle_info(b, "Appui-Site-Id");
	const char *site_name = ap_bundle_info(b, "Appui-Site-Name");
	if (site)
		fprintf(out, "site:         %s%s%s\n", site,
		        site_name ? ": " : "", site_name ? site_name : "");
	show_info(out, b, "diagnostics:", "Appui-Diagnostic",
	          "\n              ");
	show_info(out, b, "recommended:", "Appui-Recommended-Days", "");
	show_info(out, b, "campaign:", "Appui-Campaign", "");
	const char *status = ap_bundle_info(b, "Appui-Mission-Status");
	if (status) {
		fprintf(out, "mission:      %s", status);
		const char *id = ap_bundle_info(b, "Appui-Mission-Id");
		const char *days = ap_bundle_info(b, "Appui-Mission-Days");
		const char *firm = ap_bundle_info(b, "Appui-Mission-Firm");
		const char *dates = ap_bundle_info(b, "Appui-Mission-Dates");
		if (id)
			fprintf(out, " %s", id);
		if (days)
			fprintf(out, ", %s days", days);
		if (firm)
			fprintf(out, " with %s", firm);
		if (dates)
			fprintf(out, "\n              on %s", dates);
		fputc('\n', out);
	}
	show_score(out, b);
	show_info(out, b, "plugins:", "Appui-Plugin", ", ");
	show_info(out, b, "config:", "Appui-Configuration", "");
	const char *oxum = ap_bundle_info(b, "Payload-Oxum");
	uint64_t bytes = 0;
	size_t files = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (is_payload(b->mem[i].path)) {
			bytes += b->mem[i].m.size;
			files++;
		}
	}
	fprintf(out, "payload:      %zu files, %" PRIu64 " bytes%s%s%s\n",
	        files, bytes, oxum ? " (Payload-Oxum " : "", oxum ? oxum : "",
	        oxum ? ")" : "");
	fprintf(out, "\nmembers:\n%12s  %-64s  %s\n", "bytes", "sha256",
	        "path");
	for (size_t i = 0; i < b->n; i++) {
		const ap_bundle_member *m = &b->mem[i].m;
		const char *note = "";
		if (is_payload(m->path)) {
			const char *want = ap_bundle_manifest_hash(b, m->path);
			if (!want)
				note = "  (not in the manifest)";
			else if (strcmp(want, m->sha256) != 0)
				note = "  (differs from the manifest)";
		}
		fprintf(out, "%12" PRIu64 "  %s  %s%s\n", m->size, m->sha256,
		        m->path, note);
	}
}

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

/* The extraction proper, run inside the temporary folder. */
static int extract_members(struct archive *a, struct archive *w,
                           const char *path, const limits *lm, char **top,
                           char *buf, int utf8, ap_diags *d)
{
	uint64_t total = 0;
	size_t count = 0;
	for (;;) {
		struct archive_entry *e;
		int r = next_member(a, path, lm->members, &count, &e, d);
		if (r == 0)
			break;
		if (r < 0)
			return -1;
		const char *raw = entry_name(e);
		int is_dir = archive_entry_filetype(e) == AE_IFDIR;
		char *norm;
		const char *rel = NULL;
		const char *why = member_problem(e, is_dir, top, &norm, &rel);
		if (why) {
			ap_diags_add(d, AP_ERROR, path, 0, raw ? raw : "",
			             "%s: refused", why);
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
		set_entry_name(clean, norm, utf8);
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
			             "cannot extract: %s", read_error(w));
			free(norm);
			return -2;
		}
		uint64_t size = 0;
		while (!is_dir) {
			la_ssize_t k = archive_read_data(a, buf, IO_BUF);
			if (k < 0) {
				ap_diags_add(d, AP_ERROR, path, 0, norm,
				             "cannot read: %s", read_error(a));
				free(norm);
				return -1;
			}
			if (k == 0)
				break;
			size += (uint64_t)k;
			total += (uint64_t)k;
			if (size > lm->member) {
				ap_diags_add(d, AP_ERROR, path, 0, norm,
				             "larger than the limit of %" PRIu64
				             " bytes for one member: refused",
				             lm->member);
				free(norm);
				return -1;
			}
			if (total > lm->total) {
				ap_diags_add(
				    d, AP_ERROR, path, 0, norm,
				    "the archive expands to more than %u "
				    "times its size: refused (a "
				    "decompression bomb?)",
				    lm->ratio);
				free(norm);
				return -1;
			}
			if (archive_write_data(w, buf, (size_t)k) != k) {
				ap_diags_add(d, AP_ERROR, path, 0, norm,
				             "cannot extract: %s",
				             read_error(w));
				free(norm);
				return -2;
			}
		}
		if (archive_write_finish_entry(w) != ARCHIVE_OK) {
			ap_diags_add(d, AP_ERROR, path, 0, norm,
			             "cannot extract: %s", read_error(w));
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
		             read_error(w));
		return -2;
	}
	return 0;
}

int ap_bundle_extract(const char *path, const char *dir,
                      const ap_bundle_limits *lim, char **extracted,
                      ap_diags *d)
{
	int rc = -1, made_dir = 0, cwd = -1, moved = 0;
	char *tmp = NULL, *top = NULL, *src = NULL, *dst = NULL, *buf = NULL;
	struct archive *a = NULL, *w = NULL;
	utf8_locale loc = {(locale_t)0, (locale_t)0};
	if (extracted)
		*extracted = NULL;
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
	limits lm;
	resolve_limits(lim, (uint64_t)st.st_size, &lm);
	struct stat ds;
	if (stat(dir, &ds) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0) {
			ap_diags_add(d, AP_ERROR, dir, 0, "",
			             "cannot create the folder: %s",
			             strerror(errno));
			return -2;
		}
		made_dir = 1;
	} else if (!S_ISDIR(ds.st_mode)) {
		ap_diags_add(d, AP_ERROR, dir, 0, "", "not a folder");
		return -2;
	}
	utf8_enter(&loc);
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
	a = reader_open(path, d);
	if (!a)
		goto fail;
	/* libarchive resolves entries against the working directory, and
	 * its SECURE flags refuse absolute names: so the member names stay
	 * relative and the working directory is the temporary folder. */
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(tmp) != 0) {
		ap_diags_add(d, AP_ERROR, dir, 0, "",
		             "cannot enter the temporary folder: %s",
		             strerror(errno));
		rc = -2;
		goto fail;
	}
	moved = 1;
	w = archive_write_disk_new();
	if (!w) {
		ap_oom();
	}
	/* Never _OWNER, _PERM, _ACL, _XATTR or _FFLAGS; NO_OVERWRITE turns a
	 * member given twice into an error. */
	archive_write_disk_set_options(
	    w, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	           ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	           ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
	           ARCHIVE_EXTRACT_NO_OVERWRITE | ARCHIVE_EXTRACT_TIME);
	buf = ap_xmalloc(IO_BUF);
	int xr = extract_members(a, w, path, &lm, &top, buf,
	                         loc.loc != (locale_t)0, d);
	/* The disk writer applies deferred fix-ups (times, modes of folders)
	 * when it is closed, by relative path: close it while the working
	 * directory is still the temporary folder, or it would touch files of
	 * the same names in the user's directory. */
	archive_write_close(w);
	archive_write_free(w);
	w = NULL;
	if (fchdir(cwd) != 0) {
		/* Nothing sensible can follow with a lost working directory. */
		fprintf(stderr,
		        "appui: cannot return to the working directory: %s\n",
		        strerror(errno));
		ap_oom();
	}
	moved = 0;
	if (xr != 0) {
		rc = xr;
		goto fail;
	}
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
	if (moved && w) {
		archive_write_close(w);
		archive_write_free(w);
		w = NULL;
	}
	if (moved && fchdir(cwd) != 0) {
		fprintf(stderr,
		        "appui: cannot return to the working directory: %s\n",
		        strerror(errno));
		ap_oom();
	}
	if (cwd >= 0)
		close(cwd);
	if (w)
		archive_write_free(w);
	if (a)
		archive_read_free(a);
	utf8_leave(&loc);
	if (rc != 0 && tmp)
		remove_tree(tmp);
	if (rc != 0 && made_dir)
		rmdir(dir);
	free(tmp);
	free(top);
	free(src);
	free(dst);
	free(buf);
	return rc;
}
