/*
 * The store's insides, shared by its files: store.c (opening, the schema and
 * its migrations, errors, transactions, the audit log, the clock),
 * store_casefile.c (versions, refused attempts, listings), store_account.c
 * (accounts and tokens), store_check.c (integrity, export, backup). The only
 * files that see SQLite.
 */
#ifndef APPUI_STORE_IMPL_H
#define APPUI_STORE_IMPL_H

#include <sqlite3.h>

#include "appui/store.h"

/* "APUI": the store's PRAGMA application_id, so that another program's
 * SQLite file is never taken for a store. */
#define STORE_APPLICATION_ID 0x41505549

/* Statements kept prepared between uses (store_keep). */
#define STORE_KEPT 32
typedef struct store_kept {
	sqlite3_stmt *st;
	int in_use;
} store_kept;

struct ap_store {
	sqlite3 *db;
	char *path;
	char now[AP_STORE_TIME_SIZE]; /* ap_store_options.now, or "" */
	int busy_timeout_ms;
	/* Between ap_store_batch_begin() and ap_store_batch_commit(): each
	 * change is a savepoint of one transaction. */
	int batch;
	int batch_lost;   /* SQLite ended that transaction (a full disk) */
	int batch_status; /* then the status of that failure */
	store_kept kept[STORE_KEPT];
	size_t n_kept;
};

/* Opens as ap_store_open() does, migrating to schema `target` only (the
 * tests make stores of an older schema with it). */
int store_open_at(ap_store **out, const char *path, const ap_store_options *opt,
                  int target, ap_diags *d);

/* Migrates the store forward to schema `target` (store_schema.c). */
int store_migrate(ap_store *s, int target, ap_diags *d);
/* PRAGMA user_version, or -1 with the problem in `d` and its status in
 * `*status`. */
int store_user_version(ap_store *s, ap_diags *d, int *status);

/* The connection, for the tests. */
sqlite3 *store_db(ap_store *s);

/*
 * An SQLite failure `rc` while `doing` ("cannot store CF-1") as a problem
 * "STORE:0: DOING: why" in `d`; returns its status: AP_EFULL (a full
 * disk), AP_EBUSY (another writer held the store past the busy timeout),
 * AP_ESETUP (damaged, not a database), AP_EOUTPUT (I/O, read-only), or
 * AP_ESETUP for anything else.
 */
int store_fail(ap_store *s, ap_diags *d, int rc, const char *doing);

/* sqlite3_prepare_v2 of a constant statement; on failure, the problem and
 * its status. */
int store_prepare(ap_store *s, sqlite3_stmt **out, const char *sql, ap_diags *d,
                  const char *doing);
/* As store_prepare(), for a statement run again and again (a lookup or a
 * write of every upload): it is compiled once and kept (the same text is
 * the same statement); give it back with store_done() instead of
 * sqlite3_finalize(). A statement in use, or one more than the store
 * keeps, is compiled as store_prepare() does. */
int store_keep(ap_store *s, sqlite3_stmt **out, const char *sql, ap_diags *d,
               const char *doing);
/* Ends a use of a statement of store_keep(): reset and its bindings
 * cleared when kept, else finalized. */
void store_done(ap_store *s, sqlite3_stmt *st);
/* Runs statements without results. */
int store_exec(ap_store *s, const char *sql, ap_diags *d, const char *doing);

/* BEGIN IMMEDIATE: the write lock is taken first, so a transaction never
 * has to be upgraded (which can fail with SQLITE_BUSY whatever the busy
 * timeout). */
int store_begin(ap_store *s, ap_diags *d, const char *doing);
/* COMMIT; on failure the transaction is rolled back. */
int store_commit(ap_store *s, ap_diags *d, const char *doing);
/* ROLLBACK, when a transaction is open. */
void store_rollback(ap_store *s);

/* The time of a change: the fixed one, or the clock (UTC). */
void store_time(const ap_store *s, char out[AP_STORE_TIME_SIZE]);

/* One audit row, inside the caller's transaction. */
int store_audit(ap_store *s, const char *at, const char *actor,
                const char *action, const char *object, const char *detail,
                ap_diags *d);

/* 1 when `s` is a real date, "YYYY-MM-DD"; a real time,
 * "YYYY-MM-DDTHH:MM:SSZ". */
int store_date_ok(const char *s);
int store_time_ok(const char *s);

/*
 * Runs one statement that gives no rows, its parameters bound in order as
 * `types` says: 't' a string (NULL as NULL), 'i' an int64_t, 'b' a blob (a
 * pointer, then a size_t). Returns AP_OK or the failure's status.
 */
int store_run(ap_store *s, ap_diags *d, const char *doing, const char *sql,
              const char *types, ...);

/* A problem "PATH:0: message" in `d`; returns `status`. */
int store_refuse(ap_store *s, ap_diags *d, int status, const char *fmt, ...)
    AP_PRINTF(4, 5);

/* Steps `st` to its end (and finalizes it), calling `row` for each row;
 * stops when it returns nonzero (that value returned). */
int store_each_row(ap_store *s, sqlite3_stmt *st,
                   int (*row)(sqlite3_stmt *st, void *ctx), void *ctx,
                   ap_diags *d, const char *doing);

/* Text column `i` of `st`, "" for NULL. */
const char *store_text(sqlite3_stmt *st, int i);

/* Binds `s` (NULL as NULL) to parameter `i`. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
