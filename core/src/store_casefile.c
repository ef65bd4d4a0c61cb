/*
 * Case files in the store: a version added (or found to be a duplicate), a
 * refused attempt recorded, and the listings. Each change is one
 * transaction holding its audit row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/reader.h"
#include "digest.h"
#include "store_impl.h"
#include "util.h"

/* "NAME:0: cannot store it: WHY", AP_EUSAGE. */
static int malformed(ap_diags *d, const char *name, const char *why)
{
	ap_diags_add(d, AP_ERROR, name ? name : "(upload)", 0, "",
	             "cannot store it: %s", why);
	return AP_EUSAGE;
}

static int upload_ok(const ap_store_upload *u, ap_diags *d)
{
	const char *name = u ? u->name : NULL;
	if (!u || u->version != AP_STORE_UPLOAD_VERSION || !u->name)
		return malformed(d, name, "malformed upload");
	if (!u->data || u->len == 0 || u->len > AP_MAX_FILE_BYTES)
		return malformed(d, name, "no bytes, or too many");
	const char *ids[] = {u->case_id, u->site_id, u->organisation_id,
	                     u->firm_id};
	for (size_t i = 0; i < AP_ARRAY_LEN(ids); i++)
		if (!ap_store_name_ok(ids[i]))
			return malformed(d, name,
			                 "an id is not 1 to 64 of "
			                 "[A-Za-z0-9._-]");
	if (!store_date_ok(u->diagnosed))
		return malformed(d, name, "the diagnostic date is not a date");
	if (!u->sender || !*u->sender)
		return malformed(d, name, "no sender");
	return AP_OK;
}

/* The case's row: AP_OK and *id (0 when there is none), its firm and
 * latest version. */
static int find_case(ap_store *s, const char *case_id, int64_t *id,
                     char firm[AP_STORE_NAME_SIZE], int *latest, ap_diags *d,
                     const char *doing)
{
	sqlite3_stmt *st;
	int status = store_keep(
	    s, &st,
	    "SELECT id, firm_id, latest FROM casefile WHERE case_id = ?", d,
	    doing);
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, case_id);
	int rc = sqlite3_step(st);
	*id = 0;
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(firm, AP_STORE_NAME_SIZE, "%s", store_text(st, 1));
		*latest = sqlite3_column_int(st, 2);
		rc = SQLITE_DONE;
	}
	store_done(s, st);
	return rc == SQLITE_DONE ? AP_OK : store_fail(s, d, rc, doing);
}

/* A version of the case with these bytes: 1 and `out` filled, 0 when none,
 * or a negative status. */
static int find_duplicate(ap_store *s, int64_t id, const char *sha256,
                          ap_store_added *out, ap_diags *d, const char *doing)
{
	sqlite3_stmt *st;
	int status = store_keep(s, &st,
	                        "SELECT n, received_at FROM version"
	                        " WHERE casefile = ? AND sha256 = ?",
	                        d, doing);
	if (status != AP_OK)
		return status;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, sha256);
	int rc = sqlite3_step(st);
	int found = 0;
	if (rc == SQLITE_ROW) {
		out->outcome = AP_STORE_DUPLICATE;
		out->n = sqlite3_column_int(st, 0);
		snprintf(out->received_at, AP_STORE_TIME_SIZE, "%s",
		         store_text(st, 1));
		found = 1;
		rc = SQLITE_DONE;
	}
	store_done(s, st);
	return rc == SQLITE_DONE ? found : store_fail(s, d, rc, doing);
}

/* Inside the transaction: the version row, its case's row, the audit row. */
static int write_version(ap_store *s, const ap_store_upload *u, int64_t id,
                         int n, const char *at, ap_store_added *out,
                         ap_diags *d, const char *doing)
{
	int status;
	if (id == 0) {
		status = store_run(s, d, doing,
		                   "INSERT INTO casefile (case_id, firm_id, "
		                   "latest, created_at) VALUES (?, ?, 1, ?)",
		                   "ttt", u->case_id, u->firm_id, at);
		id = sqlite3_last_insert_rowid(s->db);
	} else {
		status = store_run(
		    s, d, doing, "UPDATE casefile SET latest = ? WHERE id = ?",
		    "ii", (int64_t)n, id);
	}
	if (status == AP_OK)
		status = store_run(
		    s, d, doing,
		    "INSERT INTO version (casefile, n, sha256, size, body, "
		    "site_id, organisation_id, firm_id, diagnosed, name, "
		    "sender, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
		    "?, "
		    "?, ?)",
		    "iitibttttttt", id, (int64_t)n, out->sha256,
		    (int64_t)u->len, u->data, u->len, u->site_id,
		    u->organisation_id, u->firm_id, u->diagnosed, u->name,
		    u->sender, at);
	if (status != AP_OK)
		return status;
	char *detail = ap_xasprintf("version %d, sha256 %s, from %s", n,
	                            out->sha256, u->name);
	status = store_audit(s, at, u->sender,
	                     n == 1 ? "casefile.upload" : "casefile.correction",
	                     u->case_id, detail, d);
	free(detail);
	return status;
}

int ap_store_add(ap_store_added *out, ap_store *s, const ap_store_upload *u,
                 ap_diags *d)
{
	memset(out, 0, sizeof(*out));
	int status = upload_ok(u, d);
	if (status != AP_OK)
		return status;
	ap_sha256_of(u->data, u->len, out->sha256);
	char *doing = ap_xasprintf("cannot store %s", u->case_id);
	status = store_begin(s, d, doing);
	if (status != AP_OK)
		goto out;
	char at[AP_STORE_TIME_SIZE], firm[AP_STORE_NAME_SIZE];
	store_time(s, at);
	int64_t id;
	int latest = 0;
	status = find_case(s, u->case_id, &id, firm, &latest, d, doing);
	if (status == AP_OK && id && strcmp(firm, u->firm_id) != 0) {
		ap_diags_add(d, AP_ERROR, u->name, 0, "diagnostic/@firm",
		             "case %s belongs to firm %s (that of its first "
		             "version); this file is of firm %s: not stored",
		             u->case_id, firm, u->firm_id);
		status = AP_EFORBIDDEN;
	}
	if (status == AP_OK && id) {
		int dup = find_duplicate(s, id, out->sha256, out, d, doing);
		status = dup < 0 ? dup : AP_OK;
		if (dup > 0) {
			store_rollback(s); /* nothing was written */
			goto out;
		}
	}
	int n = latest + 1;
	if (status == AP_OK)
		status = write_version(s, u, id, n, at, out, d, doing);
	if (status != AP_OK) {
		store_rollback(s);
		goto out;
	}
	status = store_commit(s, d, doing);
	if (status == AP_OK) {
		out->outcome =
		    n == 1 ? AP_STORE_NEW_CASE : AP_STORE_NEW_VERSION;
		out->n = n;
		memcpy(out->received_at, at, AP_STORE_TIME_SIZE);
	}
out:
	free(doing);
	return status;
}

int ap_store_add_file(ap_store_added *out, ap_store *s, const char *path,
                      const char *sha256, const ap_store_upload *u, ap_diags *d)
{
	memset(out, 0, sizeof(*out));
	if (!u || !path || !sha256)
		return malformed(d, path, "malformed upload");
	ap_buf b;
	ap_buf_init(&b);
	const char *why;
	int status;
	char got[AP_SHA256_HEX];
	if (ap_read_regular(path, AP_MAX_FILE_BYTES, &b, &why) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read it again to store it: %s", why);
		status = AP_EINVALID;
	} else {
		ap_sha256_of(b.data, b.len, got);
		status = AP_OK;
	}
	if (status == AP_OK && strcmp(got, sha256) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "the file changed after it was checked: not "
		             "stored; run the command again");
		status = AP_EINVALID;
	}
	if (status == AP_OK) {
		ap_store_upload v = *u;
		v.data = b.data;
		v.len = b.len;
		status = ap_store_add(out, s, &v, d);
	}
	ap_buf_free(&b);
	return status;
}

int ap_store_add_rejected(ap_store *s, const ap_store_attempt *a, ap_diags *d)
{
	if (!a || a->version != AP_STORE_ATTEMPT_VERSION || !a->name ||
	    !a->sender || !*a->sender || !a->first_error ||
	    (a->sha256 && strlen(a->sha256) != 64))
		return malformed(d, a ? a->name : NULL, "malformed attempt");
	char sha[AP_SHA256_HEX];
	const char *digest = a->sha256;
	int64_t size = (int64_t)a->size;
	if (a->data) {
		ap_sha256_of(a->data, a->len, sha);
		digest = sha;
		size = (int64_t)a->len;
	}
	const char *doing = "cannot record a refused file";
	int status = store_begin(s, d, doing);
	if (status != AP_OK)
		return status;
	char at[AP_STORE_TIME_SIZE];
	store_time(s, at);
	/* size is NULL with the digest when nothing could be read. */
	status =
	    store_run(s, d, doing,
	              digest ? "INSERT INTO rejected (name, sender, "
	                       "received_at, errors, first_error, sha256, "
	                       "size) VALUES (?, ?, ?, ?, ?, ?, ?)"
	                     : "INSERT INTO rejected (name, sender, "
	                       "received_at, errors, first_error, sha256) "
	                       "VALUES (?, ?, ?, ?, ?, ?)",
	              digest ? "tttitti" : "tttitt", a->name, a->sender, at,
	              (int64_t)a->errors, a->first_error, digest, size);
	char *detail = ap_xasprintf("%zu error%s: %s", a->errors,
	                            a->errors == 1 ? "" : "s", a->first_error);
	if (status == AP_OK)
		status = store_audit(s, at, a->sender, "casefile.rejected",
		                     a->name, detail, d);
	free(detail);
	if (status != AP_OK) {
		store_rollback(s);
		return status;
	}
	return store_commit(s, d, doing);
}

/* ---- listings ----------------------------------------------------------- */

static int query_ok(const ap_store_query *q, ap_store *s, ap_diags *d)
{
	const char *bad = NULL;
	if (!q || q->version != AP_STORE_QUERY_VERSION)
		bad = "malformed query";
	else if (q->since && !store_date_ok(q->since) &&
	         !store_time_ok(q->since))
		bad = "--since wants YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ";
	else if (q->n < 0 || (q->n > 0 && !q->case_id))
		bad = "a version number is only for one case";
	if (!bad)
		return AP_OK;
	ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s", bad);
	return AP_EUSAGE;
}

static void version_of(sqlite3_stmt *st, ap_store_version *v)
{
	memset(v, 0, sizeof(*v));
	v->case_id = store_text(st, 0);
	v->n = sqlite3_column_int(st, 1);
	v->n_versions = sqlite3_column_int(st, 2);
	v->site_id = store_text(st, 3);
	v->organisation_id = store_text(st, 4);
	v->firm_id = store_text(st, 5);
	v->diagnosed = store_text(st, 6);
	v->sha256 = store_text(st, 7);
	v->size = (size_t)sqlite3_column_int64(st, 8);
	v->name = store_text(st, 9);
	v->sender = store_text(st, 10);
	v->received_at = store_text(st, 11);
	/* With the body, its size is that of the bytes there are. */
	v->body = sqlite3_column_blob(st, 12);
	if (v->body)
		v->size = (size_t)sqlite3_column_bytes(st, 12);
}

int ap_store_versions(ap_store *s, const ap_store_query *q,
                      ap_store_version_fn each, void *ctx, ap_diags *d)
{
	int status = query_ok(q, s, d);
	if (status != AP_OK)
		return status;
	const char *doing = "cannot read the store";
	sqlite3_stmt *st;
	/* One case (a batch asks for each of thousands in turn): a plain
	 * equality on case_id, which its unique index answers; an "?1 IS
	 * NULL OR" term would make every query read the whole table. */
#define VERSION_SELECT                                                   \
	"SELECT c.case_id, v.n, c.latest, v.site_id, v.organisation_id," \
	" v.firm_id, v.diagnosed, v.sha256, v.size, v.name, v.sender,"   \
	" v.received_at, CASE WHEN ?7 THEN v.body END"                   \
	" FROM casefile c JOIN version v ON v.casefile = c.id WHERE "
#define VERSION_FILTERS                                      \
	" AND (?2 IS NULL OR v.site_id = ?2)"                \
	" AND (?3 IS NULL OR v.firm_id = ?3)"                \
	" AND (?4 IS NULL OR v.received_at >= ?4)"           \
	" AND CASE WHEN ?5 > 0 THEN v.n = ?5 WHEN ?6 THEN 1" \
	" ELSE v.n = c.latest END ORDER BY c.case_id, v.n"
	status = store_prepare(
	    s, &st,
	    q->case_id ? VERSION_SELECT "c.case_id = ?1" VERSION_FILTERS
	               : VERSION_SELECT "?1 IS NULL" VERSION_FILTERS,
	    d, doing);
#undef VERSION_SELECT
#undef VERSION_FILTERS
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, q->case_id);
	store_bind_text(st, 2, q->site_id);
	store_bind_text(st, 3, q->firm_id);
	store_bind_text(st, 4, q->since);
	sqlite3_bind_int(st, 5, q->n);
	sqlite3_bind_int(st, 6, q->all_versions != 0);
	sqlite3_bind_int(st, 7, q->with_body != 0);
	int rc;
	for (;;) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		ap_store_version v;
		version_of(st, &v);
		int r = each(ctx, &v);
		if (r != 0) {
			sqlite3_finalize(st);
			return r;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? AP_OK : store_fail(s, d, rc, doing);
}
