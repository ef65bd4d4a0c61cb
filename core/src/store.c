/*
 * The store: opening a database file, its settings, and what every change
 * shares (errors, transactions, the audit log, the clock). See
 * appui/store.h and docs/store.md.
 *
 * Durability: journal_mode=WAL with synchronous=FULL. Under WAL, NORMAL
 * skips the sync of each commit, so a commit "might roll back following a
 * power loss or system crash" (sqlite.org/pragma.html#pragma_synchronous);
 * an upload answered "stored" must survive that, so every commit is synced.
 * The cost is one fsync per change, which the store's write rate (uploads
 * from a few dozen firms) never feels.
 */
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "appui/version.h"
#include "util.h"

#define DEFAULT_BUSY_TIMEOUT_MS 30000

int ap_store_name_ok(const char *s)
{
	size_t n = 0;
	for (; s && s[n]; n++) {
		char c = s[n];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return n >= 1 && n <= 64;
}

/* `n` digits at `s` as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int date_at(const char *s)
{
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	return y >= 1 && s[4] == '-' && s[7] == '-' && m >= 1 && m <= 12 &&
	       d >= 1 && d <= ap_days_in_month(y, m);
}

int store_date_ok(const char *s)
{
	return s && strlen(s) == 10 && date_at(s);
}

int store_time_ok(const char *s)
{
	if (!s || strlen(s) != 20 || !date_at(s) || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	int h = digits(s + 11, 2), m = digits(s + 14, 2),
	    sec = digits(s + 17, 2);
	return h >= 0 && h <= 23 && m >= 0 && m <= 59 && sec >= 0 && sec <= 59;
}

void store_time(const ap_store *s, char out[AP_STORE_TIME_SIZE])
{
	if (s->now[0]) {
		memcpy(out, s->now, AP_STORE_TIME_SIZE);
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, AP_STORE_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- errors ------------------------------------------------------------- */

int store_fail(ap_store *s, ap_diags *d, int rc, const char *doing)
{
	const char *why = sqlite3_errmsg(s->db);
	int sys = sqlite3_system_errno(s->db);
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		ap_oom();
	case SQLITE_FULL:
		break;
	case SQLITE_IOERR:
		if (sys == ENOSPC || sys == EDQUOT)
			break;
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s (%s)", doing,
		             why, strerror(sys));
		return AP_EOUTPUT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "%s: the store is busy: another process held it "
		             "for more than %d ms; try again",
		             doing, s->busy_timeout_ms);
		return AP_EBUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "%s: the store is damaged (%s): see 'appui store "
		             "check', and restore a backup (docs/store.md)",
		             doing, why);
		return AP_ESETUP;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s", doing, why);
		return AP_EOUTPUT;
	case SQLITE_CONSTRAINT:
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s", doing, why);
		return AP_EINVALID;
	default:
		ap_diags_add(d, AP_ERROR, s->path, 0, "", "%s: %s", doing, why);
		return AP_ESETUP;
	}
	ap_diags_add(d, AP_ERROR, s->path, 0, "",
	             "%s: the disk is full: nothing of this change was "
	             "written, and what was stored before is intact; free "
	             "some space and try again",
	             doing);
	return AP_EFULL;
}

int store_prepare(ap_store *s, sqlite3_stmt **out, const char *sql, ap_diags *d,
                  const char *doing)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);
	if (rc == SQLITE_OK)
		return AP_OK;
	*out = NULL;
	return store_fail(s, d, rc, doing);
}

int store_keep(ap_store *s, sqlite3_stmt **out, const char *sql, ap_diags *d,
               const char *doing)
{
	for (size_t i = 0; i < s->n_kept; i++) {
		store_kept *k = &s->kept[i];
		if (strcmp(sqlite3_sql(k->st), sql) != 0)
			continue;
		if (k->in_use)
			break;
		k->in_use = 1;
		*out = k->st;
		return AP_OK;
	}
	if (s->n_kept == STORE_KEPT)
		return store_prepare(s, out, sql, d, doing);
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                            out, NULL);
	if (rc != SQLITE_OK) {
		*out = NULL;
		return store_fail(s, d, rc, doing);
	}
	s->kept[s->n_kept++] = (store_kept){.st = *out, .in_use = 1};
	return AP_OK;
}

void store_done(ap_store *s, sqlite3_stmt *st)
{
	for (size_t i = 0; i < s->n_kept; i++)
		if (s->kept[i].st == st && s->kept[i].in_use) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->kept[i].in_use = 0;
			return;
		}
	sqlite3_finalize(st);
}

int store_exec(ap_store *s, const char *sql, ap_diags *d, const char *doing)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? AP_OK : store_fail(s, d, rc, doing);
}

int store_begin(ap_store *s, ap_diags *d, const char *doing)
{
	if (s->batch && s->batch_lost) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "%s: an earlier change of the same commit failed",
		             doing);
		return s->batch_status;
	}
	return store_exec(s, s->batch ? "SAVEPOINT change" : "BEGIN IMMEDIATE",
	                  d, doing);
}

int store_commit(ap_store *s, ap_diags *d, const char *doing)
{
	int rc = sqlite3_exec(s->db, s->batch ? "RELEASE change" : "COMMIT",
	                      NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return AP_OK;
	int status = store_fail(s, d, rc, doing);
	store_rollback(s);
	if (s->batch && sqlite3_get_autocommit(s->db) && !s->batch_lost) {
		s->batch_lost = 1;
		s->batch_status = status;
	}
	return status;
}

void store_rollback(ap_store *s)
{
	if (sqlite3_get_autocommit(s->db)) {
		/* SQLite ended the transaction itself (a full disk): in a
		 * batch, the changes before this one are gone too. */
		if (s->batch && !s->batch_lost) {
			s->batch_lost = 1;
			s->batch_status = AP_EFULL;
		}
		return;
	}
	if (s->batch)
		sqlite3_exec(s->db, "ROLLBACK TO change; RELEASE change", NULL,
		             NULL, NULL);
	else
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int ap_store_batch_begin(ap_store *s, ap_diags *d)
{
	if (s->batch)
		return AP_EUSAGE;
	int rc = store_exec(s, "BEGIN IMMEDIATE", d,
	                    "cannot begin a group of changes");
	if (rc == AP_OK) {
		s->batch = 1;
		s->batch_lost = 0;
	}
	return rc;
}

int ap_store_batch_commit(ap_store *s, ap_diags *d)
{
	if (!s->batch)
		return AP_EUSAGE;
	s->batch = 0;
	if (s->batch_lost) {
		ap_diags_add(
		    d, AP_ERROR, s->path, 0, "",
		    "a group of changes was not stored: a change of it "
		    "failed and took the others with it");
		return s->batch_status;
	}
	int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return AP_OK;
	int status = store_fail(s, d, rc, "cannot store a group of changes");
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return status;
}

const char *store_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

int store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
	         : sqlite3_bind_null(st, i);
}

static void bind_args(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't') {
			store_bind_text(st, i + 1, va_arg(ap, const char *));
		} else if (types[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		} else {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			sqlite3_bind_blob64(st, i + 1, p, n, SQLITE_STATIC);
		}
	}
}

int store_run(ap_store *s, ap_diags *d, const char *doing, const char *sql,
              const char *types, ...)
{
	sqlite3_stmt *st;
	int status = store_keep(s, &st, sql, d, doing);
	if (status != AP_OK)
		return status;
	va_list ap;
	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	int rc = sqlite3_step(st);
	store_done(s, st);
	return rc == SQLITE_DONE ? AP_OK : store_fail(s, d, rc, doing);
}

int store_refuse(ap_store *s, ap_diags *d, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ap_diags_addv(d, AP_ERROR, s->path, 0, "", fmt, ap);
	va_end(ap);
	return status;
}

/* Steps `st` to its end, calling `row` for each row; stops when it returns
 * nonzero (that value returned). */
int store_each_row(ap_store *s, sqlite3_stmt *st,
                   int (*row)(sqlite3_stmt *st, void *ctx), void *ctx,
                   ap_diags *d, const char *doing)
{
	int rc;
	for (;;) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		int r = row(st, ctx);
		if (r != 0) {
			sqlite3_finalize(st);
			return r;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? AP_OK : store_fail(s, d, rc, doing);
}

int store_audit(ap_store *s, const char *at, const char *actor,
                const char *action, const char *object, const char *detail,
                ap_diags *d)
{
	return store_run(s, d, "cannot write the audit log",
	                 "INSERT INTO audit (at, actor, action, object, detail)"
	                 " VALUES (?, ?, ?, ?, ?)",
	                 "ttttt", at, actor, action, object,
	                 detail ? detail : "");
}

/* ---- opening ------------------------------------------------------------ */

/* The file at `path` is a regular file, or is created (mode 0600: what it
 * holds is not for every user of the machine; SQLite gives its -wal and
 * -shm files the same mode). */
static int prepare_file(const char *path, int create, ap_diags *d)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			return AP_OK;
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "not a regular file; refusing to use it as the "
		             "store");
		return AP_ESETUP;
	}
	if (errno != ENOENT) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot open the store: %s", strerror(errno));
		return AP_ESETUP;
	}
	if (!create) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "no store here: create it with 'appui store "
		             "init'");
		return AP_ESETUP;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot create the store: %s", strerror(errno));
		return AP_EOUTPUT;
	}
	if (fd >= 0)
		close(fd);
	return AP_OK;
}

/* The file is an appui store of a schema this appui reads, or an empty
 * database to make one of. */
static int check_kind(ap_store *s, int target, int *schema, ap_diags *d)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
	    s->db,
	    "SELECT (SELECT application_id FROM pragma_application_id),"
	    " (SELECT user_version FROM pragma_user_version),"
	    " (SELECT count(*) FROM sqlite_schema)",
	    -1, &st, NULL);
	int app = 0, objects = 0;
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			rc = SQLITE_OK;
			app = sqlite3_column_int(st, 0);
			*schema = sqlite3_column_int(st, 1);
			objects = sqlite3_column_int(st, 2);
		}
		sqlite3_finalize(st);
	}
	if ((rc & 0xff) == SQLITE_NOTADB) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "not an appui store: the file is not a SQLite "
		             "database");
		return AP_ESETUP;
	}
	if (rc != SQLITE_OK)
		return store_fail(s, d, rc, "cannot open the store");
	if (app != STORE_APPLICATION_ID && (app || *schema || objects)) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "not an appui store: a SQLite database of another "
		             "program (application_id %d, user_version %d)",
		             app, *schema);
		return AP_ESETUP;
	}
	if (*schema > target) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "the store has schema version %d, newer than this "
		             "appui (%s) reads (schema %d at most): open it "
		             "with a newer appui; nothing was changed",
		             *schema, AP_VERSION, target);
		return AP_ESETUP;
	}
	return AP_OK;
}

static int use_wal(ap_store *s, ap_diags *d)
{
	const char *doing = "cannot set the store's journal mode";
	sqlite3_stmt *st;
	int status =
	    store_prepare(s, &st, "PRAGMA journal_mode = WAL", d, doing);
	if (status != AP_OK)
		return status;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		status = store_fail(s, d, rc, doing);
	} else if (strcmp(store_text(st, 0), "wal") != 0) {
		ap_diags_add(d, AP_ERROR, s->path, 0, "",
		             "%s: write-ahead logging is not available here "
		             "(the mode stays '%s'): keep the store on a local "
		             "file system",
		             doing, store_text(st, 0));
		status = AP_ESETUP;
	}
	sqlite3_finalize(st);
	return status;
}

int store_open_at(ap_store **out, const char *path, const ap_store_options *opt,
                  int target, ap_diags *d)
{
	*out = NULL;
	static const ap_store_options defaults = AP_STORE_OPTIONS_INIT;
	if (!opt)
		opt = &defaults;
	const char *name = path && *path ? path : "(store)";
	if (opt->version != AP_STORE_OPTIONS_VERSION || !path || !*path ||
	    opt->busy_timeout_ms < 0) {
		ap_diags_add(d, AP_ERROR, name, 0, "",
		             "cannot open the store: bad options");
		return AP_EUSAGE;
	}
	if (opt->now && !store_time_ok(opt->now)) {
		ap_diags_add(d, AP_ERROR, name, 0, "",
		             "the time '%s' is not YYYY-MM-DDTHH:MM:SSZ",
		             opt->now);
		return AP_EUSAGE;
	}
	int status = prepare_file(path, opt->create, d);
	if (status != AP_OK)
		return status;
	ap_store *s = ap_xcalloc(1, sizeof(*s));
	s->path = ap_xstrdup(path);
	if (opt->now)
		memcpy(s->now, opt->now, AP_STORE_TIME_SIZE);
	s->busy_timeout_ms = opt->busy_timeout_ms ? opt->busy_timeout_ms
	                                          : DEFAULT_BUSY_TIMEOUT_MS;
	int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	if (!s->db)
		ap_oom();
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
	int schema = 0;
	if (rc != SQLITE_OK)
		status = store_fail(s, d, rc, "cannot open the store");
	if (status == AP_OK)
		status = check_kind(s, target, &schema, d);
	if (status == AP_OK)
		status = store_exec(s,
		                    "PRAGMA foreign_keys = ON;"
		                    " PRAGMA synchronous = FULL",
		                    d, "cannot open the store");
	if (status == AP_OK)
		status = use_wal(s, d);
	if (status == AP_OK && schema < target)
		status = store_migrate(s, target, d);
	if (status != AP_OK) {
		ap_store_close(s);
		return status;
	}
	*out = s;
	return AP_OK;
}

int ap_store_open(ap_store **out, const char *path, const ap_store_options *opt,
                  ap_diags *d)
{
	return store_open_at(out, path, opt, AP_STORE_SCHEMA, d);
}

void ap_store_close(ap_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_kept; i++)
		sqlite3_finalize(s->kept[i].st);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *ap_store_path(const ap_store *s)
{
	return s->path;
}

sqlite3 *store_db(ap_store *s)
{
	return s->db;
}

int ap_store_ping(ap_store *s, ap_diags *d)
{
	int status;
	store_user_version(s, d, &status);
	return status;
}
