/*
 * The store's records of what happened, read back: the refused attempts and
 * the audit log, oldest first.
 */
#include <string.h>

#include "store_impl.h"

static int since_ok(ap_store *s, const char *since, ap_diags *d)
{
	if (!since || store_date_ok(since) || store_time_ok(since))
		return AP_OK;
	ap_diags_add(d, AP_ERROR, s->path, 0, "",
	             "--since wants YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not "
	             "'%s'",
	             since);
	return AP_EUSAGE;
}

typedef struct rejection_cb {
	int (*each)(void *ctx, const ap_store_rejection *r);
	void *ctx;
} rejection_cb;

static int rejection_row(sqlite3_stmt *st, void *ctx)
{
	rejection_cb *cb = ctx;
	ap_store_rejection r = {
	    .name = store_text(st, 0),
	    .sender = store_text(st, 1),
	    .received_at = store_text(st, 2),
	    .sha256 = (const char *)sqlite3_column_text(st, 3),
	    .size = sqlite3_column_type(st, 4) == SQLITE_NULL
	                ? -1
	                : sqlite3_column_int64(st, 4),
	    .errors = (size_t)sqlite3_column_int64(st, 5),
	    .first_error = store_text(st, 6),
	};
	return cb->each(cb->ctx, &r);
}

int ap_store_rejections(ap_store *s, const char *since,
                        int (*each)(void *ctx, const ap_store_rejection *r),
                        void *ctx, ap_diags *d)
{
	int status = since_ok(s, since, d);
	if (status != AP_OK)
		return status;
	const char *doing = "cannot read the refused attempts";
	sqlite3_stmt *st;
	status = store_prepare(s, &st,
	                       "SELECT name, sender, received_at, sha256, size,"
	                       " errors, first_error FROM rejected WHERE ?1 IS"
	                       " NULL OR received_at >= ?1 ORDER BY id",
	                       d, doing);
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, since);
	rejection_cb cb = {each, ctx};
	return store_each_row(s, st, rejection_row, &cb, d, doing);
}

typedef struct audit_cb {
	int (*each)(void *ctx, const ap_store_audit_row *r);
	void *ctx;
} audit_cb;

static int audit_row(sqlite3_stmt *st, void *ctx)
{
	audit_cb *cb = ctx;
	ap_store_audit_row r = {
	    .id = sqlite3_column_int64(st, 0),
	    .at = store_text(st, 1),
	    .actor = store_text(st, 2),
	    .action = store_text(st, 3),
	    .object = store_text(st, 4),
	    .detail = store_text(st, 5),
	};
	return cb->each(cb->ctx, &r);
}

int ap_store_audit(ap_store *s, const char *since,
                   int (*each)(void *ctx, const ap_store_audit_row *r),
                   void *ctx, ap_diags *d)
{
	int status = since_ok(s, since, d);
	if (status != AP_OK)
		return status;
	const char *doing = "cannot read the audit log";
	sqlite3_stmt *st;
	status = store_prepare(s, &st,
	                       "SELECT id, at, actor, action, object, detail"
	                       " FROM audit WHERE ?1 IS NULL OR at >= ?1"
	                       " ORDER BY id",
	                       d, doing);
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, since);
	audit_cb cb = {each, ctx};
	return store_each_row(s, st, audit_row, &cb, d, doing);
}
