/*
 * What keeps a store trustworthy over the years: the check (SQLite's own
 * integrity check, then every version's bytes hashed again), the export of
 * the case files as plain files, and the online backup, itself checked
 * before it takes its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/atomic.h"
#include "appui/status.h"
#include "digest.h"
#include "store_impl.h"
#include "util.h"

/* A damaged file is what the check is for: its problem, not a failure. */
static int damaged(ap_store *s, int rc, ap_diags *d, const char *doing)
{
	int base = rc & 0xff;
	if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s", doing,
		             sqlite3_errmsg(s->db));
		return AP_EINVALID;
	}
	return store_fail(s, d, rc, doing);
}

/* Runs a check that gives one text row per problem (or "ok"); each one
 * becomes a problem "WHAT: row". Returns AP_OK or a status; counts the
 * problems into *bad. */
static int rows_check(ap_store *s, const char *sql, const char *what,
                      size_t *bad, ap_diags *d)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return damaged(s, rc, d, what);
	for (;;) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		const char *t = store_text(st, 0);
		if (strcmp(t, "ok") == 0)
			continue;
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s", what, t);
		(*bad)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? AP_OK : damaged(s, rc, d, what);
}

/* Every version hashed again against its digest and size. */
static int digests_check(ap_store *s, size_t *bad, ap_diags *d)
{
	const char *doing = "cannot read the case files";
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
	    s->db,
	    "SELECT c.case_id, v.n, v.sha256, v.size, v.body FROM version v"
	    " JOIN casefile c ON c.id = v.casefile ORDER BY c.case_id, v.n",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return damaged(s, rc, d, doing);
	for (;;) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		const void *body = sqlite3_column_blob(st, 4);
		size_t len = (size_t)sqlite3_column_bytes(st, 4);
		long long size = sqlite3_column_int64(st, 3);
		char got[AP_SHA256_HEX];
		ap_sha256_of(body ? body : "", len, got);
		const char *want = store_text(st, 2);
		if (strcmp(got, want) != 0 || (long long)len != size) {
			ap_diags_add(
			    d, AP_ERROR, s->path, 0, "",
			    "case %s version %d: its %zu bytes hash to "
			    "%s, not to their digest %s (%lld bytes): "
			    "they were changed",
			    store_text(st, 0), sqlite3_column_int(st, 1), len,
			    got, want, size);
			(*bad)++;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? AP_OK : damaged(s, rc, d, doing);
}

static int count_all(ap_store *s, ap_store_counts *out, ap_diags *d)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
	    s->db,
	    "SELECT (SELECT count(*) FROM casefile), (SELECT count(*) FROM "
	    "version), (SELECT count(*) FROM rejected), (SELECT count(*) "
	    "FROM account), (SELECT count(*) FROM token), (SELECT count(*) "
	    "FROM audit)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return damaged(s, rc, d, "cannot count");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t *v[] = {&out->cases,    &out->versions, &out->rejected,
		               &out->accounts, &out->tokens,   &out->audit};
		for (int i = 0; i < 6; i++)
			*v[i] = (size_t)sqlite3_column_int64(st, i);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? AP_OK : damaged(s, rc, d, "cannot count");
}

int ap_store_check(ap_store_counts *out, ap_store *s, ap_diags *d)
{
	memset(out, 0, sizeof(*out));
	/* One read transaction: a consistent view while writers go on. */
	int status = store_exec(s, "BEGIN", d, "cannot check the store");
	if (status != AP_OK)
		return status;
	size_t bad = 0;
	status =
	    rows_check(s, "PRAGMA integrity_check", "integrity_check", &bad, d);
	if (status == AP_OK)
		status = rows_check(
		    s,
		    "SELECT printf('%s row %d refers to a missing %s row', "
		    "\"table\", rowid, parent) FROM pragma_foreign_key_check",
		    "foreign keys", &bad, d);
	if (status == AP_OK)
		status = rows_check(
		    s,
		    "SELECT printf('case %s: %d versions, numbered up to %d, "
		    "but its latest is %d', c.case_id, count(v.id), max(v.n), "
		    "c.latest) FROM casefile c LEFT JOIN version v ON "
		    "v.casefile = c.id GROUP BY c.id HAVING count(v.id) != "
		    "c.latest OR max(v.n) IS NOT c.latest ORDER BY c.case_id",
		    "versions", &bad, d);
	if (status == AP_OK)
		status = digests_check(s, &bad, d);
	if (status == AP_OK)
		status = count_all(s, out, d);
	store_rollback(s);
	if (status == AP_OK && bad)
		status = AP_EINVALID;
	return status;
}

/* 1 when `path` is the store's file or one of its companions. */
static int is_store_file(const ap_store *s, const char *path)
{
	struct stat a, b;
	if (stat(path, &a) != 0)
		return 0;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < AP_ARRAY_LEN(suffix); i++) {
		char *p = ap_xasprintf("%s%s", s->path, suffix[i]);
		int same = stat(p, &b) == 0 && a.st_dev == b.st_dev &&
		           a.st_ino == b.st_ino;
		free(p);
		if (same)
			return 1;
	}
	return 0;
}

/* ---- export ------------------------------------------------------------- */

typedef struct export_ctx {
	ap_store *s;
	const char *dir;
	int all;
	size_t files, damaged;
	ap_diags *d;
} export_ctx;

static int export_one(void *ctx, const ap_store_version *v)
{
	export_ctx *x = ctx;
	char got[AP_SHA256_HEX];
	ap_sha256_of(v->body ? v->body : "", v->size, got);
	/* The id names the file: never one that could leave the folder. */
	if (!ap_store_name_ok(v->case_id) || strcmp(got, v->sha256) != 0) {
		ap_diags_add(x->d, AP_ERROR, x->s->path, 0, "",
		             "case %s version %d: its bytes no longer hash to "
		             "their digest: not exported; see 'appui store "
		             "check'",
		             v->case_id, v->n);
		x->damaged++;
		return 0;
	}
	char *path =
	    x->all ? ap_xasprintf("%s/%s.v%d.xml", x->dir, v->case_id, v->n)
	           : ap_xasprintf("%s/%s.xml", x->dir, v->case_id);
	if (is_store_file(x->s, path)) {
		ap_diags_add(x->d, AP_ERROR, path, 0, "",
		             "this is the store itself: refused, nothing more "
		             "written");
		free(path);
		return AP_EUSAGE;
	}
	ap_atomic a;
	int rc = ap_atomic_open(&a, path, "exported case file", x->d);
	free(path);
	if (rc != 0)
		return AP_EOUTPUT;
	if (fwrite(v->body, 1, v->size, a.f) != v->size) {
		ap_atomic_abort(&a);
		ap_diags_add(x->d, AP_ERROR, x->dir, 0, "",
		             "cannot write %s: %s", v->case_id,
		             strerror(errno));
		return AP_EOUTPUT;
	}
	if (ap_atomic_commit(&a, x->d) != 0)
		return AP_EOUTPUT;
	x->files++;
	return ap_cancelled() ? AP_EINTERRUPTED : 0;
}

int ap_store_export(size_t *out_files, ap_store *s, const char *dir,
                    int all_versions, ap_diags *d)
{
	*out_files = 0;
	struct stat st;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		ap_diags_add(d, AP_ERROR, dir, 0, "",
		             "cannot create the folder: %s", strerror(errno));
		return AP_EOUTPUT;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, dir, 0, "", "not a folder");
		return AP_EOUTPUT;
	}
	export_ctx x = {.s = s, .dir = dir, .all = all_versions, .d = d};
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.all_versions = all_versions;
	q.with_body = 1;
	int status = store_exec(s, "BEGIN", d, "cannot read the store");
	if (status == AP_OK)
		status = ap_store_versions(s, &q, export_one, &x, d);
	store_rollback(s);
	*out_files = x.files;
	if (status == AP_OK && x.damaged)
		status = AP_EINVALID;
	return status;
}

/* ---- backup ------------------------------------------------------------- */

/* The backup proper into the file `tmp`: copied, made one self-contained
 * file (rollback journal, not WAL), checked, closed. */
static int copy_into(ap_store *s, const char *tmp, const char *dest,
                     ap_diags *d)
{
	sqlite3 *to = NULL;
	int rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL);
	if (!to)
		ap_oom();
	int status = AP_OK;
	char *doing = ap_xasprintf("cannot back the store up to %s", dest);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b =
		    sqlite3_backup_init(to, "main", s->db, "main");
		rc = b ? SQLITE_OK : sqlite3_errcode(to);
		for (int waited = 0; b;) {
			rc = sqlite3_backup_step(b, -1);
			if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
			    waited < s->busy_timeout_ms) {
				sqlite3_sleep(50);
				waited += 50;
				continue;
			}
			break;
		}
		if (b && sqlite3_backup_finish(b) != SQLITE_OK &&
		    rc == SQLITE_DONE)
			rc = sqlite3_errcode(to);
		if (rc == SQLITE_DONE)
			rc = sqlite3_exec(to, "PRAGMA journal_mode = DELETE",
			                  NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		/* The reason is the copy's (a full disk) or the store's. */
		int sys = sqlite3_system_errno(to);
		int full = (rc & 0xff) == SQLITE_FULL || sys == ENOSPC;
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s", doing,
		             full ? "the disk is full" : sqlite3_errmsg(to));
		status = full ? AP_EFULL : AP_EOUTPUT;
	}
	if (status == AP_OK) {
		sqlite3_stmt *st;
		rc = sqlite3_prepare_v2(to, "PRAGMA integrity_check", -1, &st,
		                        NULL);
		const char *t = NULL;
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			t = (const char *)sqlite3_column_text(st, 0);
		if (!t || strcmp(t, "ok") != 0) {
			ap_diags_add(
			    d, AP_ERROR, dest, 0, "",
			    "%s: the copy fails its integrity check (%s)",
			    doing, t ? t : sqlite3_errmsg(to));
			status = AP_EOUTPUT;
		}
		if (rc == SQLITE_OK)
			sqlite3_finalize(st);
	}
	if (sqlite3_close(to) != SQLITE_OK && status == AP_OK) {
		ap_diags_add(d, AP_ERROR, dest, 0, "", "%s: cannot close it",
		             doing);
		status = AP_EOUTPUT;
	}
	free(doing);
	return status;
}

/* The copy on the disk before it is renamed (SQLite synced its commit;
 * this covers the change of journal mode too). */
static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int ap_store_backup(ap_store *s, const char *dest, ap_diags *d)
{
	if (!dest || !*dest) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "no backup file given");
		return AP_EUSAGE;
	}
	if (is_store_file(s, dest)) {
		ap_diags_add(d, AP_ERROR, dest, 0, "",
		             "this is the store itself: a backup goes to "
		             "another file; refused, nothing written");
		return AP_EUSAGE;
	}
	ap_atomic a;
	if (ap_atomic_open(&a, dest, "backup", d) != 0)
		return AP_EOUTPUT;
	/* The temporary is empty and 0600; SQLite writes it from here. */
	if (chmod(a.tmp, 0600) != 0 || ap_atomic_sync(&a, d) != 0) {
		ap_atomic_abort(&a);
		return AP_EOUTPUT;
	}
	char *journal = ap_xasprintf("%s-journal", a.tmp);
	int status = copy_into(s, a.tmp, dest, d);
	if (status == AP_OK && sync_file(a.tmp) != 0) {
		ap_diags_add(d, AP_ERROR, dest, 0, "",
		             "cannot write the backup: %s", strerror(errno));
		status = errno == ENOSPC ? AP_EFULL : AP_EOUTPUT;
	}
	if (status == AP_OK)
		status = ap_atomic_commit(&a, d) == 0 ? AP_OK : AP_EOUTPUT;
	else
		ap_atomic_abort(&a);
	unlink(journal);
	free(journal);
	return status;
}
