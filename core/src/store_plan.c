/*
 * Saved plans and their missions (followup.md): a plan is kept with its
 * campaign's bytes and its JSON; a mission keeps its id across re-plans,
 * its status only moves forward (a trigger of the schema refuses the rest),
 * and each change is one transaction with its audit rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "store_impl.h"
#include "util.h"

static const char *const status_names[] = {NULL, "planned", "confirmed", "held",
                                           "cancelled"};

const char *ap_mission_status_name(ap_mission_status st)
{
	return st >= AP_MISSION_PLANNED && st <= AP_MISSION_CANCELLED
	           ? status_names[st]
	           : "unknown";
}

ap_mission_status ap_mission_status_of(const char *name)
{
	for (int i = AP_MISSION_PLANNED; i <= AP_MISSION_CANCELLED; i++)
		if (name && strcmp(name, status_names[i]) == 0)
			return (ap_mission_status)i;
	return (ap_mission_status)0;
}

void ap_mission_id(char out[AP_MISSION_ID_SIZE], long long plan, int number)
{
	snprintf(out, AP_MISSION_ID_SIZE, "P%lld-M-%03d", plan, number);
}

/* `dates` is `days` real dates, increasing, comma-separated; the first
 * and last copied out. */
static int dates_ok(const char *dates, int days, char first[11], char last[11])
{
	if (!dates || days < 1 || strlen(dates) != (size_t)days * 11 - 1)
		return 0;
	char prev[11] = "";
	for (int k = 0; k < days; k++) {
		char day[11];
		memcpy(day, dates + k * 11, 10);
		day[10] = '\0';
		if (!store_date_ok(day) || strcmp(day, prev) <= 0 ||
		    (k + 1 < days && dates[k * 11 + 10] != ','))
			return 0;
		memcpy(prev, day, 11);
	}
	memcpy(first, dates, 10);
	first[10] = '\0';
	memcpy(last, prev, 11);
	return 1;
}

static int mission_in_ok(ap_store *s, const ap_store_mission_in *m, ap_diags *d)
{
	char first[11], last[11];
	const char *what = m->mission_id ? m->mission_id : "a new mission";
	if (m->mission_id ? !ap_store_name_ok(m->mission_id) : m->number < 1)
		return store_refuse(s, d, AP_EUSAGE, "%s: malformed id", what);
	if (!ap_store_name_ok(m->case_id) || !ap_store_name_ok(m->site_id) ||
	    !ap_store_name_ok(m->firm))
		return store_refuse(s, d, AP_EUSAGE,
		                    "%s: its case, site and firm must be ids",
		                    what);
	if (!dates_ok(m->dates, m->days, first, last))
		return store_refuse(
		    s, d, AP_EUSAGE,
		    "%s: its dates must be %d days, increasing, "
		    "YYYY-MM-DD,...",
		    what, m->days);
	if (!m->mission_id && m->status != AP_MISSION_PLANNED)
		return store_refuse(s, d, AP_EUSAGE,
		                    "a new mission can only be planned");
	if (!ap_mission_status_of(ap_mission_status_name(m->status)) ||
	    m->sequence < 0)
		return store_refuse(s, d, AP_EUSAGE, "%s: malformed status",
		                    what);
	return AP_OK;
}

static int plan_in_ok(ap_store *s, const ap_store_plan_in *in, ap_diags *d)
{
	if (!in || in->version != AP_STORE_PLAN_VERSION || in->id < 1 ||
	    !in->campaign_name || !in->campaign || !in->plan_json ||
	    !in->actor || !*in->actor || in->replans < 0 ||
	    (in->n_missions && !in->missions))
		return store_refuse(s, d, AP_EUSAGE, "malformed plan to save");
	for (size_t i = 0; i < in->n_missions; i++) {
		int status = mission_in_ok(s, &in->missions[i], d);
		if (status != AP_OK)
			return status;
	}
	return AP_OK;
}

/* One integer of a one-row query, or `none` when there is no row. */
static int query_int(ap_store *s, long long *out, long long none,
                     const char *sql, long long arg, ap_diags *d,
                     const char *doing)
{
	sqlite3_stmt *st;
	int status = store_prepare(s, &st, sql, d, doing);
	if (status != AP_OK)
		return status;
	sqlite3_bind_int64(st, 1, arg);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : none;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	           ? AP_OK
	           : store_fail(s, d, rc, doing);
}

/* The plan re-planned exists, and has not been re-planned already (a
 * campaign's plans are one line, each re-planning the one before). */
static int replans_ok(ap_store *s, long long id, ap_diags *d, const char *doing)
{
	if (!id)
		return AP_OK;
	long long n, child;
	int status = query_int(
	    s, &n, 0, "SELECT count(*) FROM plan WHERE id = ?", id, d, doing);
	if (status == AP_OK && !n)
		return store_refuse(s, d, AP_ENOTFOUND,
		                    "%s: there is no saved plan P%lld", doing,
		                    id);
	if (status == AP_OK)
		status = query_int(s, &child, 0,
		                   "SELECT id FROM plan WHERE replans = ?", id,
		                   d, doing);
	if (status == AP_OK && child)
		return store_refuse(s, d, AP_EINVALID,
		                    "%s: plan P%lld was re-planned already, by "
		                    "P%lld: re-plan that one",
		                    doing, id, child);
	return status;
}

static int insert_plan(ap_store *s, long long *out, const ap_store_plan_in *in,
                       const char *at, ap_diags *d, const char *doing)
{
	char sha[AP_SHA256_HEX];
	ap_sha256_of(in->campaign, in->campaign_len, sha);
	long long taken;
	int status =
	    query_int(s, &taken, 0, "SELECT count(*) FROM plan WHERE id >= ?",
	              in->id, d, doing);
	if (status == AP_OK && taken)
		return store_refuse(s, d, AP_EBUSY,
		                    "%s: another plan was saved as P%lld "
		                    "meanwhile; plan again",
		                    doing, in->id);
	if (status == AP_OK)
		status = store_run(
		    s, d, doing,
		    "INSERT INTO plan (id, campaign_name, campaign, "
		    "campaign_sha256, "
		    "plan_json, replans, saved_at, saved_by) VALUES (?, ?, ?, "
		    "?, ?, "
		    "nullif(?, 0), ?, ?)",
		    "itbtbitt", (int64_t)in->id, in->campaign_name,
		    in->campaign, in->campaign_len, sha, in->plan_json,
		    in->plan_json_len, (int64_t)in->replans, at, in->actor);
	*out = in->id;
	if (status != AP_OK)
		return status;
	char object[32], detail[96];
	snprintf(object, sizeof object, "P%lld", *out);
	if (in->replans)
		snprintf(detail, sizeof detail, "%zu missions, re-plans P%lld",
		         in->n_missions, in->replans);
	else
		snprintf(detail, sizeof detail, "%zu missions", in->n_missions);
	return store_audit(s, at, in->actor, "plan.save", object, detail, d);
}

/* What the store has of an existing mission. */
typedef struct mission_now {
	int found;
	ap_mission_status status;
	char firm[AP_STORE_NAME_SIZE];
	char *dates;
} mission_now;

static int mission_now_row(sqlite3_stmt *st, void *ctx)
{
	mission_now *m = ctx;
	m->found = 1;
	m->status = ap_mission_status_of(store_text(st, 0));
	snprintf(m->firm, sizeof m->firm, "%s", store_text(st, 1));
	m->dates = ap_xstrdup(store_text(st, 2));
	return 0;
}

static int find_mission(ap_store *s, mission_now *out, const char *id,
                        ap_diags *d, const char *doing)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st;
	int status = store_prepare(
	    s, &st,
	    "SELECT status, firm, dates FROM mission WHERE mission_id = ?", d,
	    doing);
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, id);
	return store_each_row(s, st, mission_now_row, out, d, doing);
}

static int insert_mission(ap_store *s, long long plan,
                          const ap_store_mission_in *m, const char *at,
                          const char *actor, ap_diags *d, const char *doing)
{
	char id[AP_MISSION_ID_SIZE], first[11], last[11];
	ap_mission_id(id, plan, m->number);
	dates_ok(m->dates, m->days, first, last);
	int status = store_run(
	    s, d, doing,
	    "INSERT INTO mission (mission_id, plan, case_id, site_id, firm, "
	    "days, first_day, last_day, dates, sequence, updated_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "tittti"
	    "tttit",
	    id, (int64_t)plan, m->case_id, m->site_id, m->firm,
	    (int64_t)m->days, first, last, m->dates, (int64_t)m->sequence, at);
	char *detail = ap_xasprintf("%s with %s, %d days from %s", m->site_id,
	                            m->firm, m->days, first);
	if (status == AP_OK)
		status =
		    store_audit(s, at, actor, "mission.plan", id, detail, d);
	free(detail);
	return status;
}

/* The audit action of a change to an existing mission, or NULL when the
 * plan keeps it as it was. */
static const char *change_of(const mission_now *now,
                             const ap_store_mission_in *m)
{
	if (m->status == AP_MISSION_CANCELLED && now->status != m->status)
		return "mission.cancel";
	if (strcmp(now->firm, m->firm) != 0 ||
	    strcmp(now->dates, m->dates) != 0)
		return "mission.move";
	return NULL;
}

static int update_mission(ap_store *s, long long plan,
                          const ap_store_mission_in *m, const char *at,
                          const char *actor, ap_diags *d, const char *doing)
{
	mission_now now;
	int status = find_mission(s, &now, m->mission_id, d, doing);
	if (status == AP_OK && !now.found)
		status = store_refuse(s, d, AP_ENOTFOUND,
		                      "%s: there is no mission %s", doing,
		                      m->mission_id);
	if (status == AP_OK && now.status != m->status &&
	    m->status != AP_MISSION_CANCELLED)
		status = store_refuse(
		    s, d, AP_EINVALID,
		    "%s: mission %s is %s: a plan may keep it "
		    "or cancel it, not make it %s",
		    doing, m->mission_id, ap_mission_status_name(now.status),
		    ap_mission_status_name(m->status));
	const char *action = status == AP_OK ? change_of(&now, m) : NULL;
	char first[11], last[11];
	dates_ok(m->dates, m->days, first, last);
	if (status == AP_OK)
		status = store_run(
		    s, d, doing,
		    "UPDATE mission SET plan = ?, firm = ?, days = ?, "
		    "first_day = ?, last_day = ?, dates = ?, status = ?, "
		    "sequence = ?, updated_at = ? WHERE mission_id = ?",
		    "itit"
		    "tttit"
		    "t",
		    (int64_t)plan, m->firm, (int64_t)m->days, first, last,
		    m->dates, ap_mission_status_name(m->status),
		    (int64_t)m->sequence, at, m->mission_id);
	char *detail =
	    action && strcmp(action, "mission.cancel") == 0
	        ? ap_xasprintf("dropped by plan P%lld", plan)
	        : ap_xasprintf("in plan P%lld: %s, %d days from %s (was %s, "
	                       "from %.10s)",
	                       plan, m->firm, m->days, first, now.firm,
	                       now.dates ? now.dates : "");
	if (status == AP_OK && action)
		status =
		    store_audit(s, at, actor, action, m->mission_id, detail, d);
	free(detail);
	free(now.dates);
	return status;
}

int ap_store_plan_save(long long *out_plan, ap_store *s,
                       const ap_store_plan_in *in, ap_diags *d)
{
	*out_plan = 0;
	int status = plan_in_ok(s, in, d);
	if (status != AP_OK)
		return status;
	const char *doing = "cannot save the plan";
	status = store_begin(s, d, doing);
	if (status != AP_OK)
		return status;
	char at[AP_STORE_TIME_SIZE];
	store_time(s, at);
	long long plan = 0;
	status = replans_ok(s, in->replans, d, doing);
	if (status == AP_OK)
		status = insert_plan(s, &plan, in, at, d, doing);
	for (size_t i = 0; i < in->n_missions && status == AP_OK; i++) {
		const ap_store_mission_in *m = &in->missions[i];
		status =
		    m->mission_id
		        ? update_mission(s, plan, m, at, in->actor, d, doing)
		        : insert_mission(s, plan, m, at, in->actor, d, doing);
	}
	if (status != AP_OK) {
		store_rollback(s);
		return status;
	}
	status = store_commit(s, d, doing);
	if (status == AP_OK)
		*out_plan = plan;
	return status;
}

int ap_store_plan_next(long long *out, ap_store *s, ap_diags *d)
{
	return query_int(s, out, 1,
	                 "SELECT coalesce(max(id), 0) + 1 + 0 * ? FROM plan", 0,
	                 d, "cannot read the saved plans");
}

/* ---- reading plans --------------------------------------------------------
 */

typedef struct plan_cb {
	int (*each)(void *ctx, const ap_store_plan *p);
	void *ctx;
} plan_cb;

static int plan_row(sqlite3_stmt *st, void *ctx)
{
	plan_cb *cb = ctx;
	ap_store_plan p = {
	    .id = sqlite3_column_int64(st, 0),
	    .replans = sqlite3_column_int64(st, 1),
	    .campaign_name = store_text(st, 2),
	    .saved_at = store_text(st, 3),
	    .saved_by = store_text(st, 4),
	    .campaign = sqlite3_column_blob(st, 5),
	    .campaign_len = (size_t)sqlite3_column_bytes(st, 5),
	    .plan_json = sqlite3_column_blob(st, 6),
	    .plan_json_len = (size_t)sqlite3_column_bytes(st, 6),
	};
	return cb->each(cb->ctx, &p);
}

typedef struct plan_found {
	plan_cb cb;
	int found;
} plan_found;

static int plan_found_row(void *ctx, const ap_store_plan *p)
{
	plan_found *f = ctx;
	f->found = 1;
	return f->cb.each(f->cb.ctx, p);
}

int ap_store_plan_get(ap_store *s, long long id,
                      int (*each)(void *ctx, const ap_store_plan *p), void *ctx,
                      ap_diags *d)
{
	const char *doing = "cannot read the saved plan";
	sqlite3_stmt *st;
	int status = store_prepare(
	    s, &st,
	    "SELECT id, coalesce(replans, 0), campaign_name, saved_at, "
	    "saved_by, campaign, plan_json FROM plan WHERE id = ?1 OR (?1 = 0 "
	    "AND id = (SELECT max(id) FROM plan))",
	    d, doing);
	if (status != AP_OK)
		return status;
	sqlite3_bind_int64(st, 1, id);
	plan_found f = {{each, ctx}, 0};
	plan_cb cb = {plan_found_row, &f};
	status = store_each_row(s, st, plan_row, &cb, d, doing);
	if (status == AP_OK && !f.found)
		status = id ? store_refuse(s, d, AP_ENOTFOUND,
		                           "there is no saved plan P%lld", id)
		            : store_refuse(s, d, AP_ENOTFOUND,
		                           "the store has no saved plan: save "
		                           "one with `appui plan --save`");
	return status;
}

int ap_store_plans(ap_store *s, int (*each)(void *ctx, const ap_store_plan *p),
                   void *ctx, ap_diags *d)
{
	const char *doing = "cannot list the saved plans";
	sqlite3_stmt *st;
	int status = store_prepare(s, &st,
	                           "SELECT id, coalesce(replans, 0), "
	                           "campaign_name, saved_at, saved_by, NULL, "
	                           "NULL FROM plan ORDER BY id",
	                           d, doing);
	if (status != AP_OK)
		return status;
	plan_cb cb = {each, ctx};
	return store_each_row(s, st, plan_row, &cb, d, doing);
}

/* ---- reading missions -----------------------------------------------------
 */

typedef struct mission_cb {
	int (*each)(void *ctx, const ap_store_mission *m);
	void *ctx;
} mission_cb;

static const char *text_or_null(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int mission_row(sqlite3_stmt *st, void *ctx)
{
	mission_cb *cb = ctx;
	ap_store_mission m = {
	    .mission_id = store_text(st, 0),
	    .plan = sqlite3_column_int64(st, 1),
	    .case_id = store_text(st, 2),
	    .site_id = store_text(st, 3),
	    .firm = store_text(st, 4),
	    .days = sqlite3_column_int(st, 5),
	    .dates = store_text(st, 6),
	    .first_day = store_text(st, 7),
	    .last_day = store_text(st, 8),
	    .status = ap_mission_status_of(store_text(st, 9)),
	    .held_first = text_or_null(st, 10),
	    .held_last = text_or_null(st, 11),
	    .sequence = sqlite3_column_int(st, 12),
	    .updated_at = store_text(st, 13),
	};
	return cb->each(cb->ctx, &m);
}

/* The plans of one campaign: up from ?1 to its first plan, then down
 * along the re-plans. */
static const char missions_sql[] =
    "WITH RECURSIVE up(id, replans) AS ("
    "  SELECT id, replans FROM plan WHERE id = ?1"
    "  UNION SELECT p.id, p.replans FROM plan p JOIN up ON p.id = "
    "up.replans),"
    " down(id) AS ("
    "  SELECT id FROM up WHERE replans IS NULL"
    "  UNION SELECT p.id FROM plan p JOIN down ON p.replans = down.id)"
    " SELECT mission_id, plan, case_id, site_id, firm, days, dates, "
    "first_day, last_day, status, held_first, held_last, sequence, "
    "updated_at FROM mission"
    " WHERE (?1 = 0 OR plan IN (SELECT id FROM down))"
    " AND (?2 IS NULL OR site_id = ?2) AND (?3 IS NULL OR mission_id = ?3)"
    " ORDER BY first_day, mission_id";

int ap_store_missions(ap_store *s, const ap_store_mission_query *q,
                      int (*each)(void *ctx, const ap_store_mission *m),
                      void *ctx, ap_diags *d)
{
	if (!q || q->version != AP_STORE_MISSION_QUERY_VERSION || q->plan < 0)
		return store_refuse(s, d, AP_EUSAGE, "malformed mission query");
	const char *doing = "cannot list the missions";
	sqlite3_stmt *st;
	int status = store_prepare(s, &st, missions_sql, d, doing);
	if (status != AP_OK)
		return status;
	sqlite3_bind_int64(st, 1, q->plan);
	store_bind_text(st, 2, q->site_id);
	store_bind_text(st, 3, q->mission_id);
	mission_cb cb = {each, ctx};
	return store_each_row(s, st, mission_row, &cb, d, doing);
}

/* ---- a mission's life -----------------------------------------------------
 */

typedef struct mission_one {
	int found;
	ap_mission_status status;
	char first[11], last[11];
} mission_one;

static int mission_one_row(void *ctx, const ap_store_mission *m)
{
	mission_one *o = ctx;
	o->found = 1;
	o->status = m->status;
	snprintf(o->first, sizeof o->first, "%s", m->first_day);
	snprintf(o->last, sizeof o->last, "%s", m->last_day);
	return 0;
}

/* Whether `from` may move to `to`, as the schema's trigger says. */
static int forward(ap_mission_status from, ap_mission_status to)
{
	return (from == AP_MISSION_PLANNED &&
	        (to == AP_MISSION_CONFIRMED || to == AP_MISSION_CANCELLED)) ||
	       (from == AP_MISSION_CONFIRMED &&
	        (to == AP_MISSION_HELD || to == AP_MISSION_CANCELLED));
}

static const char *action_of(ap_mission_status st)
{
	return st == AP_MISSION_CONFIRMED ? "mission.confirm"
	       : st == AP_MISSION_HELD    ? "mission.held"
	                                  : "mission.cancel";
}

static int set_checked(ap_store *s, const mission_one *now, const char *id,
                       ap_mission_status to, const char *first,
                       const char *last, ap_diags *d, const char *doing)
{
	if (!now->found)
		return store_refuse(s, d, AP_ENOTFOUND,
		                    "%s: there is no mission %s", doing, id);
	if (!forward(now->status, to))
		return store_refuse(
		    s, d, AP_EINVALID,
		    "%s: mission %s is %s; a mission goes from planned to "
		    "confirmed, then to held, or is cancelled before it is "
		    "held",
		    doing, id, ap_mission_status_name(now->status));
	if (first && last && strcmp(first, last) > 0)
		return store_refuse(s, d, AP_EUSAGE,
		                    "%s: held from %s to %s: the first day is "
		                    "after the last",
		                    doing, first, last);
	return AP_OK;
}

int ap_store_mission_set(ap_store *s, const char *actor, const char *mission_id,
                         ap_mission_status status, const char *held_first,
                         const char *held_last, ap_diags *d)
{
	if (!actor || !*actor || !ap_store_name_ok(mission_id) ||
	    status < AP_MISSION_CONFIRMED || status > AP_MISSION_CANCELLED ||
	    (held_first && !store_date_ok(held_first)) ||
	    (held_last && !store_date_ok(held_last)) ||
	    (status != AP_MISSION_HELD && (held_first || held_last)))
		return store_refuse(s, d, AP_EUSAGE,
		                    "malformed mission change (dates are "
		                    "YYYY-MM-DD, for a held mission only)");
	char *doing = ap_xasprintf("cannot record mission %s as %s", mission_id,
	                           ap_mission_status_name(status));
	int rc = store_begin(s, d, doing);
	if (rc != AP_OK)
		goto out;
	mission_one now = {0};
	ap_store_mission_query q = AP_STORE_MISSION_QUERY_INIT;
	q.mission_id = mission_id;
	rc = ap_store_missions(s, &q, mission_one_row, &now, d);
	const char *first = held_first ? held_first : now.first;
	const char *last = held_last ? held_last : now.last;
	if (rc == AP_OK)
		rc = set_checked(s, &now, mission_id, status,
		                 status == AP_MISSION_HELD ? first : NULL,
		                 status == AP_MISSION_HELD ? last : NULL, d,
		                 doing);
	int held = status == AP_MISSION_HELD;
	char at[AP_STORE_TIME_SIZE];
	store_time(s, at);
	if (rc == AP_OK)
		rc = store_run(s, d, doing,
		               "UPDATE mission SET status = ?, held_first = ?, "
		               "held_last = ?, sequence = sequence + 1, "
		               "updated_at = ? WHERE mission_id = ?",
		               "ttttt", ap_mission_status_name(status),
		               held ? first : NULL, held ? last : NULL, at,
		               mission_id);
	char *detail =
	    held ? ap_xasprintf("confirmed -> held, from %s to %s", first, last)
	         : ap_xasprintf("%s -> %s", ap_mission_status_name(now.status),
	                        ap_mission_status_name(status));
	if (rc == AP_OK)
		rc = store_audit(s, at, actor, action_of(status), mission_id,
		                 detail, d);
	free(detail);
	if (rc == AP_OK)
		rc = store_commit(s, d, doing);
	else
		store_rollback(s);
out:
	free(doing);
	return rc;
}
