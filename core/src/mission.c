/*
 * The bridge between a plan and the store's missions (appui/mission.h):
 * loading the saved missions, fixing the confirmed and held ones, and
 * matching a new plan's missions with the saved ones.
 */
#include "appui/mission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/text.h"
#include "jsonout.h"
#include "util.h"

/* ---- loading ---------------------------------------------------------------
 */

/* "YYYY-MM-DD,YYYY-MM-DD,..." into `days` days (the store checked it). */
static ap_day *dates_of(const char *text, int days)
{
	ap_day *v = ap_xcalloc((size_t)(days > 0 ? days : 1), sizeof(*v));
	for (int k = 0; k < days; k++) {
		char day[11];
		ap_date date = {0, 0, 0};
		if (strlen(text) >= (size_t)k * 11 + 10) {
			memcpy(day, text + k * 11, 10);
			day[10] = '\0';
			ap_date_parse(day, &date);
		}
		v[k] = ap_day_from_date(date);
	}
	return v;
}

static char *dup_or_null(const char *s)
{
	return s ? ap_xstrdup(s) : NULL;
}

static int add_saved(void *ctx, const ap_store_mission *m)
{
	ap_saved_missions *all = ctx;
	all->v = ap_xrealloc(all->v, (all->n + 1) * sizeof(*all->v));
	all->v[all->n++] = (ap_saved_mission){
	    .mission_id = ap_xstrdup(m->mission_id),
	    .case_id = ap_xstrdup(m->case_id),
	    .site_id = ap_xstrdup(m->site_id),
	    .firm = ap_xstrdup(m->firm),
	    .dates_text = ap_xstrdup(m->dates),
	    .dates = dates_of(m->dates, m->days),
	    .days = m->days,
	    .status = m->status,
	    .held_first = dup_or_null(m->held_first),
	    .held_last = dup_or_null(m->held_last),
	    .sequence = m->sequence,
	    .plan = m->plan,
	    .updated_at = ap_xstrdup(m->updated_at),
	};
	return 0;
}

int ap_saved_missions_load(ap_saved_missions **out, ap_store *s, long long plan,
                           ap_diags *d)
{
	ap_saved_missions *all = ap_xcalloc(1, sizeof(*all));
	all->plan = plan;
	ap_store_mission_query q = AP_STORE_MISSION_QUERY_INIT;
	q.plan = plan;
	int status = ap_store_missions(s, &q, add_saved, all, d);
	if (status != AP_OK) {
		ap_saved_missions_free(all);
		all = NULL;
	}
	*out = all;
	return status;
}

void ap_saved_missions_free(ap_saved_missions *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		ap_saved_mission *v = &m->v[i];
		free(v->mission_id);
		free(v->case_id);
		free(v->site_id);
		free(v->firm);
		free(v->dates_text);
		free(v->dates);
		free(v->held_first);
		free(v->held_last);
		free(v->updated_at);
	}
	free(m->v);
	free(m);
}

static int pinned(const ap_saved_mission *m)
{
	return m->status == AP_MISSION_CONFIRMED ||
	       m->status == AP_MISSION_HELD;
}

void ap_saved_fixed(ap_fixed_mission **out, size_t *n,
                    const ap_saved_missions *m)
{
	*out = ap_xcalloc(m && m->n ? m->n : 1, sizeof(**out));
	*n = 0;
	for (size_t i = 0; m && i < m->n; i++)
		if (pinned(&m->v[i]))
			(*out)[(*n)++] =
			    (ap_fixed_mission){m->v[i].site_id, m->v[i].firm,
			                       m->v[i].dates, m->v[i].days};
}

int ap_plan_id_parse(const char *s, long long *out)
{
	if (!s)
		return -1;
	if (*s == 'P' || *s == 'p')
		s++;
	long long v = 0;
	if (!*s || strlen(s) > 15)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < 1)
		return -1;
	*out = v;
	return 0;
}

/* ---- matching --------------------------------------------------------------
 */

typedef struct planned_view {
	const char *site_id, *case_id, *firm;
	const ap_day *dates;
	int days, fixed;
} planned_view;

static planned_view view_of(const ap_plan *p, size_t i)
{
	const ap_planned *m = &p->missions[i];
	const ap_plan_site *s = ap_plan_input_at(p->input, m->site);
	return (planned_view){
	    s->site_id, s->case_id, p->campaign->firms[m->firm].id,
	    m->dates,   m->days,    m->fixed};
}

/* The saved mission mission `v` continues, or NULL: the pinned one it was
 * fixed from, or the planned one of its site with its firm. */
static const ap_saved_mission *match_of(const planned_view *v,
                                        const ap_saved_missions *saved,
                                        const char *taken)
{
	for (size_t j = 0; saved && j < saved->n; j++) {
		const ap_saved_mission *m = &saved->v[j];
		if (taken[j] || strcmp(m->site_id, v->site_id) != 0 ||
		    strcmp(m->firm, v->firm) != 0)
			continue;
		if (v->fixed ? pinned(m) : m->status == AP_MISSION_PLANNED)
			return m;
	}
	return NULL;
}

static char *dates_text(const ap_day *dates, int days)
{
	char *s = ap_xcalloc((size_t)days * 11 + 1, 1);
	for (int k = 0; k < days; k++) {
		ap_date_format(ap_date_from_day(dates[k]), s + k * 11);
		if (k + 1 < days)
			s[k * 11 + 10] = ',';
	}
	return s;
}

static int same_days(const ap_saved_mission *m, const planned_view *v)
{
	if (m->days != v->days)
		return 0;
	for (int k = 0; k < v->days; k++)
		if (m->dates[k] != v->dates[k])
			return 0;
	return 1;
}

static void add_cancelled(ap_mission_update *u, const ap_saved_mission *m,
                          int first_index, int sequence)
{
	u->cancelled = ap_xrealloc(u->cancelled, (u->n_cancelled + 1) *
	                                             sizeof(*u->cancelled));
	u->cancelled[u->n_cancelled++] =
	    (ap_ics_cancelled){m->mission_id, m->firm, m->site_id,  m->case_id,
	                       m->dates,      m->days, first_index, sequence};
}

/* Mission i of the plan: a row continuing `m` (or a new one), its id and
 * its calendar identity. */
static void plan_row(ap_mission_update *u, const ap_plan *p, size_t i,
                     const ap_saved_mission *m, long long plan_id)
{
	planned_view v = view_of(p, i);
	ap_store_mission_in *r = &u->rows[u->n_rows++];
	*r = (ap_store_mission_in){
	    .number = (int)i + 1,
	    .case_id = v.case_id,
	    .site_id = v.site_id,
	    .firm = v.firm,
	    .days = v.days,
	    .dates = dates_text(v.dates, v.days),
	    .status = m ? m->status : AP_MISSION_PLANNED,
	    .sequence = 0,
	};
	if (!m) {
		ap_mission_id(u->ids[i], plan_id, (int)i + 1);
		u->added++;
	} else {
		snprintf(u->ids[i], AP_MISSION_ID_SIZE, "%s", m->mission_id);
		r->mission_id = m->mission_id;
		r->case_id = m->case_id; /* a mission stays its case's */
		int moved = !same_days(m, &v);
		r->sequence = m->sequence + moved;
		moved ? u->moved++ : u->kept++;
		if (m->days > v.days)
			add_cancelled(u, m, v.days, r->sequence);
	}
	u->ics[i] = (ap_ics_mission){u->ids[i], r->sequence};
}

/* A saved mission no mission of the new plan continues. */
static void drop_row(ap_mission_update *u, const ap_saved_mission *m)
{
	if (m->status == AP_MISSION_CANCELLED) {
		add_cancelled(u, m, 0, m->sequence);
		return;
	}
	ap_store_mission_in *r = &u->rows[u->n_rows++];
	*r = (ap_store_mission_in){
	    .mission_id = m->mission_id,
	    .case_id = m->case_id,
	    .site_id = m->site_id,
	    .firm = m->firm,
	    .days = m->days,
	    .dates = ap_xstrdup(m->dates_text),
	    .status = AP_MISSION_CANCELLED,
	    .sequence = m->sequence + 1,
	};
	add_cancelled(u, m, 0, r->sequence);
	u->dropped++;
}

int ap_mission_update_of(ap_mission_update **out, const ap_plan *p,
                         const ap_saved_missions *saved, long long plan_id)
{
	*out = NULL;
	if (!p || plan_id < 1)
		return AP_EUSAGE;
	size_t n_saved = saved ? saved->n : 0;
	ap_mission_update *u = ap_xcalloc(1, sizeof(*u));
	u->rows = ap_xcalloc(p->n_missions + n_saved + 1, sizeof(*u->rows));
	u->ids = ap_xcalloc(p->n_missions + 1, sizeof(*u->ids));
	u->ics = ap_xcalloc(p->n_missions + 1, sizeof(*u->ics));
	char *taken = ap_xcalloc(n_saved + 1, 1);
	for (size_t i = 0; i < p->n_missions; i++) {
		planned_view v = view_of(p, i);
		const ap_saved_mission *m = match_of(&v, saved, taken);
		if (m)
			taken[m - saved->v] = 1;
		plan_row(u, p, i, m, plan_id);
	}
	for (size_t j = 0; j < n_saved; j++)
		if (!taken[j])
			drop_row(u, &saved->v[j]);
	free(taken);
	*out = u;
	return AP_OK;
}

void ap_mission_update_free(ap_mission_update *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n_rows; i++)
		free((char *)u->rows[i].dates);
	free(u->rows);
	free(u->ids);
	free(u->ics);
	free(u->cancelled);
	free(u);
}

/* ---- outputs ---------------------------------------------------------------
 */

static int shown(const ap_saved_mission *m, const char *site_id)
{
	return !site_id || strcmp(m->site_id, site_id) == 0;
}

void ap_saved_missions_table(FILE *out, const ap_saved_missions *m,
                             const char *site_id)
{
	fprintf(out, "%-14s  %-10s  %-20s  %-20s  %4s  %-22s  %-22s  %3s\n",
	        "mission", "status", "site", "firm", "days", "planned", "held",
	        "seq");
	for (size_t i = 0; i < m->n; i++) {
		const ap_saved_mission *v = &m->v[i];
		if (!shown(v, site_id))
			continue;
		char planned[24], held[24] = "-";
		snprintf(planned, sizeof planned, "%.10s..%.10s", v->dates_text,
		         v->dates_text + 11 * (v->days - 1));
		if (v->held_first)
			snprintf(held, sizeof held, "%.10s..%.10s",
			         v->held_first, v->held_last);
		ap_shown sh = {0};
		fprintf(
		    out, "%-14s  %-10s  %-20s  %-20s  %4d  %-22s  %-22s  %3d\n",
		    ap_shown_text(&sh, v->mission_id),
		    ap_mission_status_name(v->status),
		    ap_shown_text(&sh, v->site_id), ap_shown_text(&sh, v->firm),
		    v->days, planned, held, v->sequence);
		ap_shown_free(&sh);
	}
}

static json_t *dates_json(const ap_saved_mission *v)
{
	json_t *a = json_array();
	for (int k = 0; k < v->days; k++) {
		char day[11];
		ap_date_format(ap_date_from_day(v->dates[k]), day);
		json_array_append_new(a, json_string(day));
	}
	return a;
}

static json_t *mission_json(const ap_saved_mission *v)
{
	json_t *o = json_object();
	char plan[32];
	snprintf(plan, sizeof plan, "P%lld", v->plan);
	json_object_set_new(o, "mission_id", jsonout_str(v->mission_id));
	json_object_set_new(o, "plan", json_string(plan));
	json_object_set_new(o, "status",
	                    json_string(ap_mission_status_name(v->status)));
	json_object_set_new(o, "case_id", jsonout_str(v->case_id));
	json_object_set_new(o, "site_id", jsonout_str(v->site_id));
	json_object_set_new(o, "firm", jsonout_str(v->firm));
	json_object_set_new(o, "days", json_integer(v->days));
	json_object_set_new(o, "dates", dates_json(v));
	json_object_set_new(o, "held_first", jsonout_str(v->held_first));
	json_object_set_new(o, "held_last", jsonout_str(v->held_last));
	json_object_set_new(o, "sequence", json_integer(v->sequence));
	json_object_set_new(o, "updated_at", jsonout_str(v->updated_at));
	return o;
}

void ap_saved_missions_json(FILE *out, const ap_saved_missions *m,
                            const char *site_id)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->n; i++)
		if (shown(&m->v[i], site_id))
			json_array_append_new(a, mission_json(&m->v[i]));
	json_t *root = json_object();
	json_object_set_new(root, "missions", a);
	jsonout_dumpf(root, out,
	              JSON_PRESERVE_ORDER | JSON_COMPACT |
	                  JSON_REAL_PRECISION(12));
	fputc('\n', out);
	json_decref(root);
}
