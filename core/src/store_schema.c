/*
 * The store's schema, as the migrations that build it: migration N takes a
 * store from schema N-1 to N. A store is only ever migrated forward, in one
 * transaction with its audit row; a migration, once released, is never
 * changed (a change is a new migration appended here, and AP_STORE_SCHEMA
 * moves up).
 *
 * Append-only by construction: triggers refuse to change or delete a case
 * file's version or an audit row, whoever writes to the file. Times are
 * UTC text, "YYYY-MM-DDTHH:MM:SSZ", so that they sort as they compare.
 */
#include <stdio.h>

#include "store_impl.h"
#include "util.h"

/* Schema 1: case files and their versions, refused attempts, accounts and
 * tokens, the audit log. */
static const char migration_1[] =
    "CREATE TABLE account ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL"
    "  CHECK (role IN ('firm', 'coordinator', 'administrator')),"
    " firm_id TEXT CHECK ((role = 'firm') = (firm_id IS NOT NULL)),"
    " created_at TEXT NOT NULL,"
    " revoked_at TEXT);"
    /* A token is kept as the SHA-256 of its text, never as itself. */
    "CREATE TABLE token ("
    " id INTEGER PRIMARY KEY,"
    " account INTEGER NOT NULL REFERENCES account(id),"
    " sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
    " created_at TEXT NOT NULL,"
    " revoked_at TEXT);"
    "CREATE INDEX token_account ON token(account);"
    /* A case belongs to the firm of its first version; `latest` is the
     * number of its versions, numbered from 1. */
    "CREATE TABLE casefile ("
    " id INTEGER PRIMARY KEY,"
    " case_id TEXT NOT NULL UNIQUE,"
    " firm_id TEXT NOT NULL,"
    " latest INTEGER NOT NULL CHECK (latest >= 1),"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE version ("
    " id INTEGER PRIMARY KEY,"
    " casefile INTEGER NOT NULL REFERENCES casefile(id),"
    " n INTEGER NOT NULL CHECK (n >= 1),"
    " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    " size INTEGER NOT NULL CHECK (size = length(body)),"
    " body BLOB NOT NULL,"
    " site_id TEXT NOT NULL,"
    " organisation_id TEXT NOT NULL,"
    " firm_id TEXT NOT NULL,"
    " diagnosed TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " sender TEXT NOT NULL,"
    " received_at TEXT NOT NULL,"
    " UNIQUE (casefile, n),"
    " UNIQUE (casefile, sha256));"
    "CREATE INDEX version_site ON version(site_id);"
    "CREATE INDEX version_firm ON version(firm_id);"
    "CREATE TRIGGER version_no_update BEFORE UPDATE ON version"
    " BEGIN SELECT RAISE(ABORT, 'case file versions are append-only'); END;"
    "CREATE TRIGGER version_no_delete BEFORE DELETE ON version"
    " BEGIN SELECT RAISE(ABORT, 'case file versions are append-only'); END;"
    /* A refused upload: who, when, how big, its digest, its errors; never
     * its body. size and sha256 are NULL when it could not be read. */
    "CREATE TABLE rejected ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " sender TEXT NOT NULL,"
    " received_at TEXT NOT NULL,"
    " size INTEGER,"
    " sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),"
    " errors INTEGER NOT NULL,"
    " first_error TEXT NOT NULL);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " object TEXT NOT NULL,"
    " detail TEXT NOT NULL);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/* Schema 2: saved plans and their missions' statuses (followup.md). A plan
 * keeps its campaign's bytes and the plan as `appui plan --format json`
 * writes it; a mission keeps its identity across re-plans (the UID of its
 * calendar event, whose SEQUENCE goes up with each change), and its status
 * only moves forward: planned -> confirmed -> held, or cancelled. */
static const char migration_2[] =
    "CREATE TABLE plan ("
    " id INTEGER PRIMARY KEY,"
    " campaign_name TEXT NOT NULL,"
    " campaign BLOB NOT NULL,"
    " campaign_sha256 TEXT NOT NULL CHECK (length(campaign_sha256) = 64),"
    " plan_json BLOB NOT NULL,"
    " replans INTEGER REFERENCES plan(id),"
    " saved_at TEXT NOT NULL,"
    " saved_by TEXT NOT NULL);"
    "CREATE TABLE mission ("
    " id INTEGER PRIMARY KEY,"
    " mission_id TEXT NOT NULL UNIQUE,"
    " plan INTEGER NOT NULL REFERENCES plan(id),"
    " case_id TEXT NOT NULL,"
    " site_id TEXT NOT NULL,"
    " firm TEXT NOT NULL,"
    " days INTEGER NOT NULL CHECK (days >= 1),"
    " first_day TEXT NOT NULL,"
    " last_day TEXT NOT NULL CHECK (last_day >= first_day),"
    " status TEXT NOT NULL DEFAULT 'planned'"
    "  CHECK (status IN ('planned', 'confirmed', 'held', 'cancelled')),"
    " held_first TEXT,"
    " held_last TEXT,"
    " sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),"
    " updated_at TEXT NOT NULL,"
    " CHECK ((status = 'held') = (held_first IS NOT NULL"
    "  AND held_last IS NOT NULL)));"
    "CREATE INDEX mission_plan ON mission(plan);"
    "CREATE TRIGGER mission_status_forward"
    " BEFORE UPDATE OF status ON mission"
    " WHEN NOT (NEW.status = OLD.status"
    "  OR (OLD.status = 'planned' AND NEW.status IN ('confirmed', "
    "'cancelled'))"
    "  OR (OLD.status = 'confirmed' AND NEW.status IN ('held', "
    "'cancelled')))"
    " BEGIN SELECT RAISE(ABORT, 'a mission''s status only moves forward:"
    " planned, confirmed, then held or cancelled'); END;";

/* Schema 3: each mission's planned days, for the calendars that update
 * (a mission's days need not be consecutive); and for a cancelled mission,
 * the plan that dropped it (NULL: a coordinator cancelled it). */
static const char migration_3[] =
    "ALTER TABLE mission ADD COLUMN dates TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE mission ADD COLUMN dropped_by INTEGER REFERENCES plan(id);";

static const char *const migrations[] = {migration_1, migration_2, migration_3};

_Static_assert(AP_ARRAY_LEN(migrations) == AP_STORE_SCHEMA,
               "one migration per schema version");

int store_user_version(ap_store *s, ap_diags *d, int *status)
{
	sqlite3_stmt *st;
	*status = store_prepare(s, &st, "PRAGMA user_version", d,
	                        "cannot read the store's schema version");
	if (*status != AP_OK)
		return -1;
	int rc = sqlite3_step(st);
	int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (v < 0)
		*status = store_fail(s, d, rc,
		                     "cannot read the store's schema version");
	return v;
}

/* Migrates the store from its schema to `target`, in one transaction; a
 * store already there (another process may just have migrated it) is left
 * as it is. */
int store_migrate(ap_store *s, int target, ap_diags *d)
{
	const char *doing = "cannot migrate the store's schema";
	int status = store_begin(s, d, doing);
	if (status != AP_OK)
		return status;
	int from = store_user_version(s, d, &status);
	if (from < 0 || from >= target) {
		store_rollback(s);
		return status;
	}
	for (int v = from; v < target && status == AP_OK; v++)
		status = store_exec(s, migrations[v], d, doing);
	char sql[96];
	snprintf(sql, sizeof sql,
	         "PRAGMA application_id = %d; PRAGMA user_version = %d",
	         STORE_APPLICATION_ID, target);
	if (status == AP_OK)
		status = store_exec(s, sql, d, doing);
	char at[AP_STORE_TIME_SIZE], detail[64];
	store_time(s, at);
	snprintf(detail, sizeof detail, "schema %d to %d", from, target);
	if (status == AP_OK)
		status = store_audit(s, at, "appui", "store.migrate", "schema",
		                     detail, d);
	if (status != AP_OK) {
		store_rollback(s);
		return status;
	}
	return store_commit(s, d, doing);
}
