/*
 * Creating a bundle: the case files read, checked and scored, the site's plan
 * entry, bag-info.txt, then one pass over the sorted members that hashes the
 * payload as it streams, written through appui/atomic.h.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "appui/atomic.h"
#include "appui/calendar.h"
#include "appui/version.h"
#include "bundle_impl.h"
#include "digest.h"

#define PLAN_MAX ((size_t)64 << 20)

/*
 * Every write of a bundle goes through this pointer, so that a unit test can
 * make the disk "full" without root or a small file system. Not part of the
 * API (hidden, like every symbol without AP_API).
 */
ssize_t (*ap_bundle_test_write)(int fd, const void *buf, size_t n) = write;

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
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
void bundle_set_entry_name(struct archive_entry *e, const char *name, int utf8)
{
	if (utf8)
		archive_entry_set_pathname_utf8(e, name);
	else
		archive_entry_copy_pathname(e, name);
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

/* ---- the plan entry ------------------------------------------------------
 */

/*
 * How well a plan entry matches the site: its main case 3, another of its
 * cases 2, only the site 1, not at all 0.
 */
/* How well a plan entry matches the bag: 0 when it is about another site
 * (by organisation and site, as firms choose case ids and they collide);
 * else 3 for the main case, 2 for another of the bag's cases, 1 for the
 * site alone. */
static int plan_match(const json_t *entry, const char *main_case,
                      const char *const *case_ids, size_t n, const char *site,
                      const char *org)
{
	const char *cid = json_string_value(json_object_get(entry, "case_id"));
	const char *sid = json_string_value(json_object_get(entry, "site_id"));
	const char *oid =
	    json_string_value(json_object_get(entry, "organisation_id"));
	if (!sid || strcmp(sid, site) != 0 || (oid && strcmp(oid, org) != 0))
		return 0;
	if (cid && strcmp(cid, main_case) == 0)
		return 3;
	for (size_t i = 0; cid && i < n; i++)
		if (strcmp(cid, case_ids[i]) == 0)
			return 2;
	return 1;
}

/*
 * Picks the site's entry of a plan (the JSON of `appui plan --format
 * json`): a mission, or, for an unplanned site, its unplanned entry with the
 * reason. Writes data/plan/mission.json and the mission's bag-info labels.
 */
static int plan_entry(const char *plan_path, const char *main_case,
                      const char *const *case_ids, size_t n_cases,
                      const char *site, const char *org, char **out,
                      size_t *out_len, ap_buf *info, ap_diags *d)
{
	int rc = -1;
	char *text = NULL;
	size_t len = 0;
	json_t *plan = NULL, *doc = NULL;
	if (bundle_read_input(plan_path, PLAN_MAX, &text, &len, d) != 0)
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
			int m = plan_match(e, main_case, case_ids, n_cases,
			                   site, org);
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
		         bundle_jget_str(campaign, "id"),
		         bundle_jget_str(campaign, "name"));
	if (planned) {
		info_add(info, "Appui-Mission-Status", "planned");
		info_add(info, "Appui-Mission-Id", "%s",
		         bundle_jget_str(best, "mission"));
		info_add(info, "Appui-Mission-Days", "%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(best, "days")));
		info_add(info, "Appui-Mission-Firm", "%s (%s)",
		         bundle_jget_str(best, "firm"),
		         bundle_jget_str(best, "firm_name"));
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
		         bundle_jget_str(best, "reason"));
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

/*
 * The members are written in sorted order (bag-info.txt, bagit.txt, data/...,
 * manifest-sha256.txt, manifest-sha512.txt, tagmanifest-sha256.txt,
 * tagmanifest-sha512.txt), so the manifests, which sort after data/, are
 * built from hashes already known. Everything that could
 * make two runs differ is fixed: member order, times (the diagnostic's date),
 * owners (0, no names), modes, the gzip header's timestamp; the score and the
 * explanation are computed with the case read under its name inside the bag,
 * so they do not depend on where the input files were.
 */

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
	bundle_set_entry_name(e, full, w->utf8);
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
		if (ap_cancelled()) {
			w->cancelled = 1;
			return -1;
		}
		/* A mebibyte at a time, so that a cancel is seen soon. */
		size_t chunk = n < (1u << 20) ? n : (1u << 20);
		la_ssize_t k = archive_write_data(w->a, p, chunk);
		if (k <= 0) {
			write_failed(w, d);
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A manifest of the members of `kinds` in `alg`, sorted by path (the members
 * are). */
static char *manifest_of(const writer *w, int kind1, int kind2,
                         ap_digest_alg alg, size_t *len)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	for (size_t i = 0; i < w->n; i++) {
		const wmember *m = &w->m[i];
		if (m->kind != kind1 && m->kind != kind2)
			continue;
		/* Two spaces: the separator `sha256sum -c` reads. */
		ap_buf_printf(&b, "%s  %s\n", m->hash[alg], m->path);
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
		m->data =
		    m->kind == M_MANIFEST
		        ? manifest_of(w, M_PAYLOAD, M_PAYLOAD, m->alg, &len)
		        : manifest_of(w, M_TAG, M_MANIFEST, m->alg, &len);
		m->size = len;
	}
	if (put_header(w, m->path, 0, m->size, d) != 0)
		return -1;
	/* Every member in every algorithm, in the same pass. */
	ap_digest s[AP_DIGEST_ALGS];
	for (int a = 0; a < AP_DIGEST_ALGS; a++)
		ap_digest_init(&s[a], (ap_digest_alg)a);
	int rc = -1;
	if (m->data) {
		for (int a = 0; a < AP_DIGEST_ALGS; a++)
			ap_digest_update(&s[a], m->data, (size_t)m->size);
		if (put_data(w, m->data, (size_t)m->size, d) != 0)
			goto out;
	} else {
		uint64_t left = m->size;
		while (left) {
			size_t chunk = left < IO_BUF ? (size_t)left : IO_BUF;
			if (bundle_read_exact(m->fd, m->src, w->buf, chunk,
			                      d) != 0) {
				w->bad_input = 1;
				goto out;
			}
			for (int a = 0; a < AP_DIGEST_ALGS; a++)
				ap_digest_update(&s[a], w->buf, chunk);
			if (put_data(w, w->buf, chunk, d) != 0)
				goto out;
			left -= chunk;
		}
		if (bundle_at_end(m->fd, m->src, d) != 0) {
			w->bad_input = 1;
			goto out;
		}
	}
	rc = 0;
out:
	for (int a = 0; a < AP_DIGEST_ALGS; a++)
		ap_digest_final(&s[a], m->hash[a]);
	m->hashed = rc == 0;
	return rc;
}

static int cmp_wmember(const void *a, const void *b)
{
	return strcmp(((const wmember *)a)->path, ((const wmember *)b)->path);
}

/* What appui writes, appui reads: no more entries than verify and extract
 * take. */
static void too_many_entries(const char *path, size_t entries, ap_diags *d)
{
	ap_diags_add(
	    d, AP_ERROR, path, 0, "",
	    "the bundle would hold %zu entries, more than the %u that "
	    "'appui verify' and 'appui extract' read: give fewer files",
	    entries, AP_BUNDLE_MAX_MEMBERS);
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

/* The archive proper: the top folder, then each member after the folders
 * it is in. The archive is closed (its last writes count) and freed. */
static int write_members(writer *w, ap_bundle_format format, ap_diags *d)
{
	int rc = -1;
	char **dirs = NULL;
	size_t n_dirs = 0;
	if (open_writer(w, format, d) != 0)
		goto out;
	if (put_header(w, NULL, 1, 0, d) != 0)
		goto out;
	for (size_t i = 0; i < w->n; i++) {
		if (put_dirs(w, w->m[i].path, &dirs, &n_dirs, d) != 0 ||
		    put_member(w, &w->m[i], d) != 0)
			goto out;
	}
	size_t entries = 1 + n_dirs + w->n;
	if (entries > AP_BUNDLE_MAX_MEMBERS) {
		too_many_entries(w->path, entries, d);
		w->bad_input = 1;
		goto out;
	}
	/* archive_write_close does the last writes: its result counts. */
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		write_failed(w, d);
		goto out;
	}
	archive_write_free(w->a);
	w->a = NULL;
	rc = 0;
out:
	if (w->a) {
		/* archive_write_free() does not close an archive in the FATAL
		 * state, and so leaks its compressor: close it here. What it
		 * still writes goes to the temporary, removed after. */
		archive_write_close(w->a);
		archive_write_free(w->a);
		w->a = NULL;
	}
	for (size_t i = 0; i < n_dirs; i++)
		free(dirs[i]);
	free(dirs);
	return rc;
}

/* A bundle that `appui extract` and `verify` would take for a bomb is
 * refused now rather than found unreadable later. */
static int check_ratio(writer *w, ap_diags *d)
{
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
		return -1;
	}
	return 0;
}

/*
 * Writes the members (sorted) to `path` through appui/atomic.h: a temporary
 * file in the same folder, flushed then renamed, so `path` is either the old
 * file or the whole new bundle. Returns 0, 1 when an input is to blame (a
 * file changed while read, a bundle too compressible), -1 when the output
 * is.
 */
static int write_bag(writer *w, ap_bundle_format format, ap_diags *d)
{
	int rc = -1;
	struct stat st;
	ap_call_locale loc = {(locale_t)0, (locale_t)0};
	ap_atomic out;
	w->fd = -1;
	if (stat(w->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "exists and is not a regular file: a bundle is "
		             "written to a file");
		return -1;
	}
	if (ap_atomic_open(&out, w->path, "bundle", d) != 0)
		return -1;
	/* The archive goes to the temporary's descriptor through
	 * ap_bundle_test_write(); its FILE stays empty, and is flushed to the
	 * disk and closed by ap_atomic_commit(). */
	w->fd = fileno(out.f);
	w->buf = ap_xmalloc(IO_BUF);
	bundle_utf8_enter(&loc);
	w->utf8 = loc.loc != (locale_t)0;
	if (write_members(w, format, d) == 0 && check_ratio(w, d) == 0)
		rc = 0;
	w->fd = -1;
	if (rc == 0)
		rc = ap_atomic_commit(&out, d) == 0 ? 0 : -1;
	else
		ap_atomic_abort(&out);
	ap_locale_leave(&loc);
	free(w->buf);
	w->buf = NULL;
	if (w->cancelled) {
		ap_diags_add(d, AP_ERROR, w->path, 0, "",
		             "interrupted: nothing written");
		return AP_EINTERRUPTED;
	}
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
	if (bundle_read_input(ci->path, AP_BUNDLE_MAX_MEMBER_BYTES, &ci->data,
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

/* A bag being made: its case files, what was computed from them, and the
 * members to write. */
typedef struct new_bag {
	const ap_bundle_spec *spec;
	size_t before;  /* errors in the caller's list before the call */
	case_in *cases; /* sorted by member name once read */
	size_t nc;
	size_t main_i; /* the latest diagnostic: it names and dates the bag */
	case_score *scores; /* each case's, for bag-info.txt */
	ap_buf plan_info;   /* the plan entry's bag-info.txt labels */
	char *top;          /* the bag's folder: SITE_CASE */
	writer w;
	size_t cap; /* of w.m */
	uint64_t oxum_bytes;
	size_t oxum_files;
} new_bag;

static void new_bag_init(new_bag *nb, const char *path,
                         const ap_bundle_spec *spec, ap_diags *d)
{
	memset(nb, 0, sizeof(*nb));
	nb->spec = spec;
	nb->before = ap_diags_errors(d);
	nb->nc = spec->n_case_files;
	nb->cases = ap_xcalloc(nb->nc + 1, sizeof(*nb->cases));
	nb->scores = ap_xcalloc(nb->nc + 1, sizeof(*nb->scores));
	ap_buf_init(&nb->plan_info);
	nb->w.path = path;
	nb->w.fd = -1;
}

static void new_bag_free(new_bag *nb)
{
	writer *w = &nb->w;
	for (size_t i = 0; i < w->n; i++) {
		free(w->m[i].path);
		free(w->m[i].data);
		free(w->m[i].src);
		if (w->m[i].fd >= 0)
			close(w->m[i].fd);
	}
	free(w->m);
	for (size_t i = 0; i < nb->nc; i++)
		case_in_free(&nb->cases[i]);
	free(nb->cases);
	free(nb->scores);
	free(nb->top);
	ap_buf_free(&nb->plan_info);
}

/* Reads and checks every case file, so that one run reports every problem;
 * all are of one site. Sorts them and picks the main case. */
static int read_cases(new_bag *nb, ap_reader *r, const ap_host *h, ap_diags *d)
{
	const ap_bundle_spec *spec = nb->spec;
	case_in *cases = nb->cases;
	size_t nc = nb->nc;
	for (size_t i = 0; i < nc; i++) {
		const char *name = base_name(spec->case_files[i]);
		const char *why = bundle_bad_member_name(name);
		cases[i].path = spec->case_files[i];
		cases[i].member = bundle_member_name(CASE_DIR, name);
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
	if (ap_diags_errors(d) > nb->before)
		return -1;
	for (size_t i = 1; i < nc; i++) {
		if (strcmp(cases[i].site, cases[0].site) != 0) {
			ap_diags_add(
			    d, AP_ERROR, cases[i].path, 0, "site/@id",
			    "site %s, but %s is about site %s: a bundle "
			    "holds one site",
			    cases[i].site, cases[0].path, cases[0].site);
			return -1;
		}
	}
	qsort(cases, nc, sizeof(*cases), cmp_case_in);
	/* The latest diagnostic names the bag and dates it. */
	nb->main_i = 0;
	for (size_t i = 1; i < nc; i++) {
		int c = ap_date_cmp(cases[i].date, cases[nb->main_i].date);
		if (c > 0 ||
		    (c == 0 && strcmp(cases[i].id, cases[nb->main_i].id) > 0))
			nb->main_i = i;
	}
	return 0;
}

/* An in-memory member, which takes `data`. */
static void add_data(new_bag *nb, const char *path, int kind, char *data,
                     size_t size)
{
	wmember *m = add_member(&nb->w, &nb->cap, path, kind);
	m->data = data;
	m->size = size;
}

/* Scores the cases under their names in the bag and picks the site's plan
 * entry: the payload made in memory, after the case files themselves. */
static int add_payload(new_bag *nb, ap_reader *r, const ap_host *h, ap_diags *d)
{
	size_t nc = nb->nc;
	case_in *cases = nb->cases;
	const case_in *mc = &cases[nb->main_i];
	const char **ids = ap_xcalloc(nc + 1, sizeof(*ids));
	blob *blobs = ap_xcalloc(nc + 1, sizeof(*blobs));
	score_docs sd = {NULL, 0, NULL, 0};
	char *mission = NULL;
	size_t mission_len = 0;
	int rc = -1;
	for (size_t i = 0; i < nc; i++) {
		ids[i] = cases[i].id;
		blobs[i] = (blob){cases[i].member, cases[i].data, cases[i].len};
	}
	if (bundle_score_blobs(r, h, blobs, nc, nb->spec->strict, &sd,
	                       nb->scores, d) != 0)
		goto out;
	if (nb->spec->plan_file &&
	    plan_entry(nb->spec->plan_file, mc->id, ids, nc, mc->site, mc->org,
	               &mission, &mission_len, &nb->plan_info, d) != 0)
		goto out;
	for (size_t i = 0; i < nc; i++) {
		add_data(nb, cases[i].member, M_PAYLOAD, cases[i].data,
		         cases[i].len);
		cases[i].data = NULL;
	}
	add_data(nb, SCORE_JSON, M_PAYLOAD, sd.json, sd.json_len);
	add_data(nb, SCORE_TXT, M_PAYLOAD, sd.txt, sd.txt_len);
	sd.json = sd.txt = NULL;
	if (mission)
		add_data(nb, PLAN_JSON, M_PAYLOAD, mission, mission_len);
	mission = NULL;
	rc = 0;
out:
	free(ids);
	free(blobs);
	free(sd.json);
	free(sd.txt);
	free(mission);
	return rc;
}

/* The attachments, read while the bag is written; each is checked and
 * opened now, so that one run reports every problem. */
static int add_attachments(new_bag *nb, ap_diags *d)
{
	const ap_bundle_spec *spec = nb->spec;
	writer *w = &nb->w;
	for (size_t i = 0; i < spec->n_attachments; i++) {
		const char *src = spec->attachments[i];
		const char *name = base_name(src);
		const char *why = bundle_bad_member_name(name);
		if (why) {
			ap_diags_add(d, AP_ERROR, src, 0, "", "%s", why);
			continue;
		}
		char *member = bundle_member_name(ATTACH_DIR, name);
		int dup = 0;
		for (size_t k = 0; k < w->n && !dup; k++)
			dup = strcmp(w->m[k].path, member) == 0;
		if (dup) {
			ap_diags_add(d, AP_ERROR, src, 0, "",
			             "another attachment is also named %s",
			             name);
			free(member);
			continue;
		}
		uint64_t size = 0;
		int fd = bundle_open_input(src, AP_BUNDLE_MAX_MEMBER_BYTES,
		                           &size, d);
		if (fd >= 0) {
			wmember *m = add_member(w, &nb->cap, member, M_PAYLOAD);
			m->fd = fd;
			m->src = ap_xstrdup(src);
			m->size = size;
		}
		free(member);
	}
	return ap_diags_errors(d) > nb->before ? -1 : 0;
}

/* bag-info.txt: the labels of RFC 8493 section 2.2.2, then ours. */
static int bag_info(const new_bag *nb, const ap_host *h, ap_buf *info,
                    ap_diags *d)
{
	const ap_bundle_spec *spec = nb->spec;
	const case_in *cases = nb->cases;
	size_t nc = nb->nc, main_i = nb->main_i;
	const case_in *mc = &cases[main_i];
	const case_score *ms = &nb->scores[main_i];
	const ap_date dt = mc->date;
	info_add(info, "Source-Organization", "%s", mc->org_name);
	for (size_t i = 0; i < nc; i++)
		info_add(info, "External-Identifier", "%s",
		         i == 0 ? mc->id : cases[i <= main_i ? i - 1 : i].id);
	info_add(info, "External-Description",
	         "appui mission case bundle of site %s (%s, %s): case "
	         "file%s, score%s%s",
	         mc->site, mc->site_name, mc->commune, nc > 1 ? "s" : "",
	         spec->plan_file ? ", plan entry" : "",
	         spec->n_attachments ? ", attachments" : "");
	info_add(info, "Bagging-Date", "%04d-%02d-%02d", dt.year, dt.month,
	         dt.day);
	info_add(info, "Payload-Oxum", "%" PRIu64 ".%zu", nb->oxum_bytes,
	         nb->oxum_files);
	info_add(info, "Bag-Software-Agent", "appui %s", AP_VERSION);
	info_add(info, "Appui-Organisation-Id", "%s", mc->org);
	info_add(info, "Appui-Site-Id", "%s", mc->site);
	info_add(info, "Appui-Site-Name", "%s (%s)", mc->site_name,
	         mc->commune);
	for (size_t i = 0; i < nc; i++)
		info_add(info, "Appui-Diagnostic", "%s %04d-%02d-%02d %s",
		         cases[i].id, cases[i].date.year, cases[i].date.month,
		         cases[i].date.day, cases[i].firm);
	if (ms->has_mission)
		info_add(info, "Appui-Recommended-Days", "%d (priority %.2f)",
		         ms->days, round(ms->priority * 100) / 100);
	else
		info_add(info, "Appui-Recommended-Days", "0 (no mission)");
	if (nb->plan_info.len)
		ap_buf_puts(info, nb->plan_info.data);
	else
		info_add(info, "Appui-Mission-Status", "no plan given");
	if (spec->config_file) {
		char hex[65];
		if (bundle_config_hash(spec->config_file, hex, d) != 0)
			return -1;
		info_add(info, "Appui-Configuration", "sha256 %s", hex);
	} else {
		info_add(info, "Appui-Configuration", "built-in defaults");
	}
	info_plugins(info, h);
	return 0;
}

/* The tag files after the payload is complete (bag-info.txt counts it),
 * then every member in the order they are written. */
static int add_tag_files(new_bag *nb, const ap_host *h, ap_diags *d)
{
	writer *w = &nb->w;
	nb->oxum_files = w->n;
	for (size_t i = 0; i < w->n; i++)
		nb->oxum_bytes += w->m[i].size;
	ap_buf info;
	ap_buf_init(&info);
	if (bag_info(nb, h, &info, d) != 0) {
		ap_buf_free(&info);
		return -1;
	}
	add_data(nb, "bag-info.txt", M_TAG, info.data, info.len);
	static const char bagit[] = "BagIt-Version: 1.0\n"
	                            "Tag-File-Character-Encoding: UTF-8\n";
	add_data(nb, "bagit.txt", M_TAG, ap_xstrdup(bagit), sizeof bagit - 1);
	for (int a = 0; a < AP_DIGEST_ALGS; a++) {
		add_member(w, &nb->cap, bundle_manifest[a], M_MANIFEST)->alg =
		    (ap_digest_alg)a;
		add_member(w, &nb->cap, bundle_tagmanifest[a], M_TAGMANIFEST)
		    ->alg = (ap_digest_alg)a;
	}
	qsort(w->m, w->n, sizeof(*w->m), cmp_wmember);
	return 0;
}

/* Every member's time: the diagnostic's date, midnight UTC. A zip holds it
 * twice, as a DOS time (1980 to 2107) and as a signed 32-bit Unix time (to
 * January 2038); so that both say the same and neither wraps, a zip's time
 * is clamped to 1980-01-01 .. 2037-12-31 (docs/bundles.md). */
static time_t member_time(ap_date date, ap_bundle_format format)
{
	struct tm tm = {.tm_year = date.year - 1900,
	                .tm_mon = date.month - 1,
	                .tm_mday = date.day};
	time_t t = timegm(&tm);
	const time_t first = 315532800; /* 1980-01-01 */
	const time_t last = 2145830400; /* 2037-12-31 */
	if (format == AP_BUNDLE_ZIP && t < first)
		return first;
	if (format == AP_BUNDLE_ZIP && t > last)
		return last;
	return t;
}

int ap_bundle_create(const char *path, const ap_bundle_spec *spec, ap_reader *r,
                     const ap_host *h, ap_bundle_summary *summary, ap_diags *d)
{
	int rc = -1;
	new_bag nb;
	new_bag_init(&nb, path, spec, d);
	if (summary)
		memset(summary, 0, sizeof(*summary));
	if (nb.nc == 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "no case file: a bundle holds a site's case "
		             "files");
		goto out;
	}
	/* Before reading anything: the cases, the attachments, the score's
	 * two files, the six tag files and four folders at least. */
	size_t least = nb.nc + spec->n_attachments + 12;
	if (least > AP_BUNDLE_MAX_MEMBERS) {
		too_many_entries(path, least, d);
		goto out;
	}
	if (read_cases(&nb, r, h, d) != 0 || add_payload(&nb, r, h, d) != 0)
		goto out;
	const case_in *mc = &nb.cases[nb.main_i];
	nb.top = ap_xasprintf("%s_%s", mc->site, mc->id);
	nb.w.top = nb.top;
	nb.w.mtime = member_time(mc->date, spec->format);
	if (add_attachments(&nb, d) != 0 || add_tag_files(&nb, h, d) != 0)
		goto out;
	int wrc = write_bag(&nb.w, spec->format, d);
	if (wrc != 0) {
		rc = wrc == AP_EINTERRUPTED ? wrc : wrc > 0 ? -1 : -2;
		goto out;
	}
	if (summary) {
		summary->name = ap_xstrdup(nb.top);
		summary->payload_files = nb.oxum_files;
		summary->payload_bytes = nb.oxum_bytes;
		summary->archive_bytes = nb.w.written;
	}
	rc = 0;
out:
	new_bag_free(&nb);
	return rc;
}
