/*
 * The store: one SQLite database file that keeps every accepted version of
 * every case file byte for byte (with its SHA-256, who sent it and when), the
 * attempts that were refused (without their body), the accounts and their
 * tokens (as hashes only), an audit row for every change, and the saved plans
 * and their missions. docs/store.md says what it keeps and for how long.
 *
 * Append-only: a correction is a new version; the same bytes again are a
 * duplicate, not a version; nothing is overwritten or deleted by an upload.
 * Every change is one transaction with its audit row, committed to the disk
 * before the call returns (WAL, synchronous=FULL): a crash or kill -9 leaves
 * the whole change or none of it. A full disk is AP_EFULL, and nothing
 * already stored is lost. Listings are ordered (case id, then version), so
 * the same store gives the same output.
 *
 * The schema is versioned (PRAGMA user_version) and migrated forward when a
 * store is opened; a store written by a newer appui is refused.
 *
 * A store is used by one thread at a time. Never carry one across fork():
 * open it after the worker pool is started (appui/pool.h). Errors are added
 * to the caller's problems as "STORE:0: message".
 */
#ifndef APPUI_STORE_H
#define APPUI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "appui/common.h"
#include "appui/diag.h"
#include "appui/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this appui writes and reads. */
#define AP_STORE_SCHEMA 3

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) and its NUL: every time the store records. */
#define AP_STORE_TIME_SIZE 21
/* A SHA-256 as 64 lower-case hex digits and a NUL. */
#define AP_STORE_SHA256_SIZE 65
/* A token: 32 random bytes in base64url without padding, and a NUL. */
#define AP_STORE_TOKEN_SIZE 44
/* Ids and account names: 1 to 64 of [A-Za-z0-9._-], and a NUL. */
#define AP_STORE_NAME_SIZE 65

typedef struct ap_store ap_store;

#define AP_STORE_OPTIONS_VERSION 1
typedef struct ap_store_options {
	int version;         /* AP_STORE_OPTIONS_VERSION */
	int create;          /* create the file (mode 0600) when missing */
	int busy_timeout_ms; /* how long to wait for another writer; 0: 30 s */
	/* The time of every change, "YYYY-MM-DDTHH:MM:SSZ"; NULL: the clock.
	 * The clock is read for these times only (data: when a version was
	 * received), never for a score or a plan. */
	const char *now;
} ap_store_options;
#define AP_STORE_OPTIONS_INIT                        \
	{                                            \
		AP_STORE_OPTIONS_VERSION, 0, 0, NULL \
	}

/*
 * Opens the store at `path` (with opt->create, creates it), and migrates
 * its schema forward. Returns AP_OK; AP_ESETUP when it is missing (without
 * create), not a regular file, not an appui store, damaged, or of a newer
 * schema than AP_STORE_SCHEMA; AP_EBUSY, AP_EFULL or AP_EOUTPUT when it
 * cannot be written; AP_EUSAGE for bad options. The reason is in `d`.
 */
AP_API int ap_store_open(ap_store **out, const char *path,
                         const ap_store_options *opt, ap_diags *d);
AP_API void ap_store_close(ap_store *s);

AP_API const char *ap_store_path(const ap_store *s);

/* Whether the store answers (a read of its schema version): AP_OK, or a
 * status with the reason in `d`. For a service's health check. */
AP_API int ap_store_ping(ap_store *s, ap_diags *d);

/* 1 when `s` is an id (case, site, firm) or an account name the store
 * takes: 1 to 64 of [A-Za-z0-9._-]. */
AP_API int ap_store_name_ok(const char *s);

/* ---- case files ---------------------------------------------------------- */

/* A valid case file to keep, with what its reader found in it. */
#define AP_STORE_UPLOAD_VERSION 1
typedef struct ap_store_upload {
	int version;      /* AP_STORE_UPLOAD_VERSION */
	const char *name; /* the file's name as sent (a path, an upload) */
	const void *data; /* its bytes, kept as they are */
	size_t len;
	const char *case_id;
	const char *site_id;
	const char *organisation_id;
	const char *firm_id;   /* diagnostic/@firm */
	const char *diagnosed; /* the diagnostic's date, YYYY-MM-DD */
	const char *sender;    /* who sent it: an account, "local:USER" */
} ap_store_upload;
#define AP_STORE_UPLOAD_INIT                                              \
	{                                                                 \
		AP_STORE_UPLOAD_VERSION, NULL, NULL, 0, NULL, NULL, NULL, \
		    NULL, NULL, NULL                                      \
	}

typedef enum ap_store_outcome {
	AP_STORE_NEW_CASE = 1,    /* version 1 of a case not seen before */
	AP_STORE_NEW_VERSION = 2, /* a correction: version n > 1 */
	AP_STORE_DUPLICATE = 3    /* the bytes of version n: nothing written */
} ap_store_outcome;

typedef struct ap_store_added {
	ap_store_outcome outcome;
	int n; /* the version: the new one, or the one duplicated */
	char sha256[AP_STORE_SHA256_SIZE];
	char received_at[AP_STORE_TIME_SIZE]; /* of version n */
} ap_store_added;

/*
 * Keeps `u` as the next version of its case, or says it is a duplicate of
 * an earlier version (the same bytes). A case belongs to the firm of its
 * first version: a version that names another firm is refused
 * (AP_EFORBIDDEN). Returns AP_OK and `*out`; AP_EUSAGE for a malformed
 * upload; AP_EFULL, AP_EBUSY or AP_EOUTPUT when it cannot be written
 * (nothing of it is then stored).
 */
AP_API int ap_store_add(ap_store_added *out, ap_store *s,
                        const ap_store_upload *u, ap_diags *d);

/*
 * ap_store_add() of the file at `path` (a regular file, read here), if its
 * bytes are still those whose SHA-256 is `sha256`: the ones a worker read
 * and checked (ap_pool_meta). u->data and u->len are not used. A file that
 * changed since is not stored (AP_EINVALID: "changed after it was checked").
 */
AP_API int ap_store_add_file(ap_store_added *out, ap_store *s, const char *path,
                             const char *sha256, const ap_store_upload *u,
                             ap_diags *d);

/* A refused upload: its attempt is recorded, not its body. */
#define AP_STORE_ATTEMPT_VERSION 1
typedef struct ap_store_attempt {
	int version;      /* AP_STORE_ATTEMPT_VERSION */
	const char *name; /* as sent */
	const void *data; /* the bytes, for their size and digest; or NULL */
	size_t len;
	const char *sha256; /* when data is NULL: the digest of the bytes
	                       (ap_pool_meta), or NULL when none were read */
	size_t size;        /* with sha256: how many bytes */
	const char *sender;
	size_t errors;           /* how many errors it had */
	const char *first_error; /* the first, as printed: FILE:LINE: ... */
} ap_store_attempt;
#define AP_STORE_ATTEMPT_INIT                                              \
	{                                                                  \
		AP_STORE_ATTEMPT_VERSION, NULL, NULL, 0, NULL, 0, NULL, 0, \
		    NULL                                                   \
	}

/* Records the attempt `a` (and its audit row). Returns AP_OK, AP_EUSAGE
 * for a malformed attempt, or a status for a store that cannot be
 * written. */
AP_API int ap_store_add_rejected(ap_store *s, const ap_store_attempt *a,
                                 ap_diags *d);

/* A stored version, as a listing gives it; valid during the callback. */
typedef struct ap_store_version {
	const char *case_id;
	int n;          /* the version, from 1 */
	int n_versions; /* how many its case has */
	const char *site_id;
	const char *organisation_id;
	const char *firm_id;
	const char *diagnosed;   /* YYYY-MM-DD */
	const char *sha256;      /* of the bytes, as stored */
	size_t size;             /* of the bytes */
	const char *name;        /* as sent */
	const char *sender;      /* who sent it */
	const char *received_at; /* YYYY-MM-DDTHH:MM:SSZ */
	const void *body;        /* the bytes, with ap_store_query.with_body */
} ap_store_version;

/* Which versions a listing gives. */
#define AP_STORE_QUERY_VERSION 1
typedef struct ap_store_query {
	int version;         /* AP_STORE_QUERY_VERSION */
	const char *case_id; /* NULL: every case */
	const char *site_id; /* NULL: any */
	const char *firm_id; /* NULL: any */
	const char *since;   /* received at or after: YYYY-MM-DD or a full
	                        time; NULL: any */
	int all_versions;    /* 0: the latest version of each case */
	int n;               /* with case_id: version n only (0: as above) */
	int with_body;
} ap_store_query;
#define AP_STORE_QUERY_INIT                                             \
	{                                                               \
		AP_STORE_QUERY_VERSION, NULL, NULL, NULL, NULL, 0, 0, 0 \
	}

/* Called for each version; a nonzero return stops the listing, which then
 * returns that value. */
typedef int (*ap_store_version_fn)(void *ctx, const ap_store_version *v);

/*
 * Calls `each` for the versions `q` selects, by case id (byte order) then
 * version number. The site and firm filters apply to the latest version of
 * each case, or to each version with all_versions. Returns AP_OK (also
 * when nothing matched), what `each` returned, AP_EUSAGE for a malformed
 * query, or another status with the reason in `d`.
 */
AP_API int ap_store_versions(ap_store *s, const ap_store_query *q,
                             ap_store_version_fn each, void *ctx, ap_diags *d);

/* A refused attempt, as ap_store_rejections() gives it (valid during the
 * callback). */
typedef struct ap_store_rejection {
	const char *name;
	const char *sender;
	const char *received_at;
	const char *sha256; /* NULL when nothing could be read */
	long long size;     /* -1 when nothing could be read */
	size_t errors;
	const char *first_error;
} ap_store_rejection;

/* Calls `each` for the refused attempts received at or after `since`
 * (YYYY-MM-DD or a full time; NULL: all), oldest first; stops as
 * ap_store_versions. */
AP_API int ap_store_rejections(ap_store *s, const char *since,
                               int (*each)(void *ctx,
                                           const ap_store_rejection *r),
                               void *ctx, ap_diags *d);

/* An audit row (valid during the callback): when, who, what (an action
 * such as "casefile.upload", "account.revoke"), on what, and the detail. */
typedef struct ap_store_audit_row {
	long long id;
	const char *at;
	const char *actor;
	const char *action;
	const char *object;
	const char *detail;
} ap_store_audit_row;

/* Calls `each` for the audit rows written at or after `since` (NULL: all),
 * in the order they were written; stops as ap_store_versions. */
AP_API int ap_store_audit(ap_store *s, const char *since,
                          int (*each)(void *ctx, const ap_store_audit_row *r),
                          void *ctx, ap_diags *d);

/*
 * A group commit, for a service that stores many uploads at once: the
 * changes made between ap_store_batch_begin() and ap_store_batch_commit()
 * are one transaction, each change a savepoint of it (a change refused on
 * its own, another firm's case say, is undone alone). None of them is on
 * the disk, nor may be acknowledged, before ap_store_batch_commit()
 * returns AP_OK: one flush to the disk for all of them. When it fails (a
 * full disk), none of them is stored and nothing stored before is lost.
 * Both return AP_OK or a status with the reason in `d`.
 */
AP_API int ap_store_batch_begin(ap_store *s, ap_diags *d);
AP_API int ap_store_batch_commit(ap_store *s, ap_diags *d);

/* ---- checks, exports and backups ----------------------------------------- */

typedef struct ap_store_counts {
	size_t cases, versions, rejected, accounts, tokens, audit;
} ap_store_counts;

/*
 * PRAGMA integrity_check, then every version's bytes hashed again against
 * their digest and size. Each problem is added to `d`. Returns AP_OK and the
 * counts when all is well, AP_EINVALID when a problem was found, another
 * status when the store could not be read.
 */
AP_API int ap_store_check(ap_store_counts *out, ap_store *s, ap_diags *d);

/*
 * Writes the latest version of each case to DIR/CASE-ID.xml, or with
 * `all_versions` every version to DIR/CASE-ID.vN.xml, each written whole or
 * not at all (appui/atomic.h); DIR is created when missing. A version whose
 * bytes no longer hash to their digest is not written (a problem). Returns
 * AP_OK and the number of files written, AP_EINVALID when a version was
 * damaged, AP_EOUTPUT when a file could not be written, AP_EUSAGE when a
 * file to write is the store itself (nothing more is written).
 */
AP_API int ap_store_export(size_t *out_files, ap_store *s, const char *dir,
                           int all_versions, ap_diags *d);

/*
 * Copies the store while it is in use (SQLite's online backup) to a
 * temporary file beside `dest`, checks the copy (PRAGMA integrity_check),
 * flushes it to the disk and renames it to `dest` (mode 0600). The copy is
 * one self-contained file (no WAL beside it). Returns AP_OK, or a status
 * with the reason in `d` (then `dest` is as it was).
 */
AP_API int ap_store_backup(ap_store *s, const char *dest, ap_diags *d);

/* ---- accounts and tokens ------------------------------------------------- */

typedef enum ap_store_role {
	AP_ROLE_FIRM = 1,        /* uploads its own firm's case files */
	AP_ROLE_COORDINATOR = 2, /* reads everything, plans, follows up */
	AP_ROLE_ADMINISTRATOR = 3
} ap_store_role;

/* "firm", "coordinator", "administrator"; and back (0 when unknown). */
AP_API const char *ap_store_role_name(ap_store_role r);
AP_API ap_store_role ap_store_role_of(const char *name);

typedef struct ap_store_account {
	char name[AP_STORE_NAME_SIZE];
	ap_store_role role;
	char firm_id[AP_STORE_NAME_SIZE]; /* a firm's; "" for other roles */
	char created_at[AP_STORE_TIME_SIZE];
	char revoked_at[AP_STORE_TIME_SIZE]; /* "" while active */
	size_t tokens;                       /* active tokens */
} ap_store_account;

/*
 * Adds an account. A firm's is bound to `firm_id` (required; NULL for the
 * other roles). `actor` is who does it, for the audit log. Returns AP_OK,
 * AP_EUSAGE for a malformed name or firm id, AP_EINVALID when the name is
 * taken.
 */
AP_API int ap_store_account_add(ap_store *s, const char *actor,
                                const char *name, ap_store_role role,
                                const char *firm_id, ap_diags *d);

/* Revokes an account and every token it has. AP_ENOTFOUND when there is no
 * such account, AP_EINVALID when it is revoked already. */
AP_API int ap_store_account_revoke(ap_store *s, const char *actor,
                                   const char *name, ap_diags *d);

/* Calls `each` for every account, by name; stops as ap_store_versions. */
AP_API int ap_store_accounts(ap_store *s,
                             int (*each)(void *ctx, const ap_store_account *a),
                             void *ctx, ap_diags *d);

/*
 * A new token for an active account: 32 bytes from getrandom(), written to
 * `out` (to show once) and kept only as its SHA-256. Returns AP_OK,
 * AP_ENOTFOUND (no such account), AP_EINVALID (revoked).
 */
AP_API int ap_store_token_new(char out[AP_STORE_TOKEN_SIZE], ap_store *s,
                              const char *actor, const char *account,
                              ap_diags *d);

/* Revokes one token, given as its text (a token that could not be handed
 * over, or is known to be lost). AP_ENOTFOUND when no active token is
 * that. */
AP_API int ap_store_token_revoke(ap_store *s, const char *actor,
                                 const char *token, ap_diags *d);

/* The active account a token belongs to (compared by hash, in constant
 * time): AP_OK and `*out`, or AP_ENOTFOUND (unknown, or revoked). */
AP_API int ap_store_token_account(ap_store_account *out, ap_store *s,
                                  const char *token, ap_diags *d);

/* ---- saved plans and their missions (followup.md) ------------------------ */

/* A mission's status only moves forward: planned -> confirmed -> held, or
 * planned/confirmed -> cancelled. */
typedef enum ap_mission_status {
	AP_MISSION_PLANNED = 1,
	AP_MISSION_CONFIRMED = 2,
	AP_MISSION_HELD = 3, /* done, on the dates recorded as held */
	AP_MISSION_CANCELLED = 4
} ap_mission_status;

/* "planned", "confirmed", "held", "cancelled"; and back (0 when unknown). */
AP_API const char *ap_mission_status_name(ap_mission_status st);
AP_API ap_mission_status ap_mission_status_of(const char *name);

/* A mission id: "P<plan>-M-<nnn>", the plan that first planned it and its
 * number there; it never changes, across re-plans too. */
#define AP_MISSION_ID_SIZE 32
AP_API void ap_mission_id(char out[AP_MISSION_ID_SIZE], long long plan,
                          int number);

/* A mission as the store keeps it; valid during the callback. */
typedef struct ap_store_mission {
	const char *mission_id;
	long long plan; /* the latest saved plan that has it */
	const char *case_id, *site_id, *firm;
	int days;
	const char *dates; /* its planned days, "YYYY-MM-DD,YYYY-MM-DD,..." */
	const char *first_day, *last_day;
	ap_mission_status status;
	const char *held_first, *held_last; /* when held; else NULL */
	int sequence;           /* of its calendar events: up at each change */
	const char *updated_at; /* YYYY-MM-DDTHH:MM:SSZ */
} ap_store_mission;

/* A mission to write with a plan: new, or an existing one (by id) that
 * the plan moves, keeps, or cancels. */
typedef struct ap_store_mission_in {
	const char *mission_id; /* NULL: a new mission, given the id
	                           ap_mission_id() of the plan and `number` */
	int number;             /* a new mission's number in the plan, from 1 */
	const char *case_id, *site_id, *firm;
	int days;
	const char *dates;        /* as ap_store_mission.dates */
	ap_mission_status status; /* PLANNED for a new one; CANCELLED for one
	                             the plan drops; else its status as it is */
	int sequence;
} ap_store_mission_in;

#define AP_STORE_PLAN_VERSION 1
typedef struct ap_store_plan_in {
	int version;               /* AP_STORE_PLAN_VERSION */
	const char *campaign_name; /* the campaign's file name as given */
	const void *campaign;      /* its bytes */
	size_t campaign_len;
	const char *plan_json; /* as `appui plan --format json` writes it */
	size_t plan_json_len;
	long long replans; /* the plan it re-plans; 0: a first plan */
	const char *actor;
	const ap_store_mission_in *missions;
	size_t n_missions;
	/* The id the plan takes, that its new missions' ids name: the one
	 * ap_store_plan_next() gave; AP_EBUSY when another plan took it
	 * meanwhile (nothing saved). */
	long long id;
} ap_store_plan_in;
#define AP_STORE_PLAN_INIT                                                    \
	{                                                                     \
		AP_STORE_PLAN_VERSION, NULL, NULL, 0, NULL, 0, 0, NULL, NULL, \
		    0, 0                                                      \
	}

/* The id the next saved plan will take (1 in a store with none). */
AP_API int ap_store_plan_next(long long *out, ap_store *s, ap_diags *d);

/*
 * Saves a plan and writes its missions, in one transaction with one audit
 * row for the plan ("plan.save") and one per mission written
 * ("mission.plan", "mission.move", "mission.cancel"). A mission id not yet
 * in the store is a new mission (status planned); one in the store is
 * updated to the new plan (a status may only move forward). Returns AP_OK
 * and the plan's id in `*out_plan`, AP_EUSAGE for a malformed plan,
 * AP_ENOTFOUND when `replans` is no saved plan, AP_EINVALID for a status
 * that would move backward, or a status for a store that cannot be written.
 */
AP_API int ap_store_plan_save(long long *out_plan, ap_store *s,
                              const ap_store_plan_in *in, ap_diags *d);

/* A saved plan; valid during the call. */
typedef struct ap_store_plan {
	long long id;
	long long replans; /* 0: a first plan */
	const char *campaign_name;
	const void *campaign;
	size_t campaign_len;
	const char *plan_json;
	size_t plan_json_len;
	const char *saved_at, *saved_by;
} ap_store_plan;

/* Calls `each` with plan `id` (0: the latest saved). Returns AP_OK, what
 * `each` returned, AP_ENOTFOUND, or another status with the reason in
 * `d`. */
AP_API int ap_store_plan_get(ap_store *s, long long id,
                             int (*each)(void *ctx, const ap_store_plan *p),
                             void *ctx, ap_diags *d);

/* Calls `each` for every saved plan, oldest first (plan_json and campaign
 * are NULL here). */
AP_API int ap_store_plans(ap_store *s,
                          int (*each)(void *ctx, const ap_store_plan *p),
                          void *ctx, ap_diags *d);

#define AP_STORE_MISSION_QUERY_VERSION 1
typedef struct ap_store_mission_query {
	int version;            /* AP_STORE_MISSION_QUERY_VERSION */
	long long plan;         /* the missions of this plan's campaign: of the
	                           plans it re-plans, or that re-plan it; 0: all */
	const char *site_id;    /* NULL: any */
	const char *mission_id; /* NULL: any */
} ap_store_mission_query;
#define AP_STORE_MISSION_QUERY_INIT                           \
	{                                                     \
		AP_STORE_MISSION_QUERY_VERSION, 0, NULL, NULL \
	}

/* Calls `each` for the missions `q` selects, by first day then mission id;
 * stops as ap_store_versions. */
AP_API int ap_store_missions(ap_store *s, const ap_store_mission_query *q,
                             int (*each)(void *ctx, const ap_store_mission *m),
                             void *ctx, ap_diags *d);

/*
 * Moves mission `mission_id` to `status` (confirmed, held or cancelled),
 * with its audit row ("mission.confirm", "mission.held", "mission.cancel")
 * by `actor`. Held takes the dates it was held, `held_first` and
 * `held_last` (YYYY-MM-DD; NULL: its planned first and last days). The
 * sequence of its calendar events goes up by one. Returns AP_OK,
 * AP_ENOTFOUND, AP_EINVALID when the status would move backward (the
 * reason in `d`), AP_EUSAGE for malformed dates.
 */
AP_API int ap_store_mission_set(ap_store *s, const char *actor,
                                const char *mission_id,
                                ap_mission_status status,
                                const char *held_first, const char *held_last,
                                ap_diags *d);

#ifdef __cplusplus
}
#endif

#endif
