/*
 * Plan outputs: the terminal table, one JSON document and RFC 4180 CSV (the
 * calendars are in plan_ics.c).
 *
 * Every output is a function of the plan alone (no clock, no locale, no hash
 * order), so the same plan gives the same bytes: the outputs go into diffs,
 * version control and the firms' calendars, where a spurious change is noise
 * or, in a calendar, an event that looks rescheduled. Numbers are rounded as
 * in report.c (two decimals) before they are written.
 *
 * Text from the case files is UTF-8 when it was read through the reader, but
 * the plan input can also be filled field by field; every output therefore
 * replaces a malformed UTF-8 sequence with U+FFFD rather than emit invalid
 * JSON (jansson would silently drop the field), CSV or iCalendar text.
 */
#include "appui/plan.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonout.h"
#include "plan_report.h"
#include "text_table.h"
#include "util.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

const char *ap_unplanned_reason_name(ap_unplanned_reason r)
{
	switch (r) {
	case AP_UNPLANNED_BELOW_THRESHOLD:
		return N_("below threshold");
	case AP_UNPLANNED_NO_FIRM:
		return N_("no firm");
	case AP_UNPLANNED_WINDOW:
		return N_("window too short");
	case AP_UNPLANNED_BUDGET:
		return N_("budget exhausted");
	case AP_UNPLANNED_CAPACITY:
		return N_("firms fully booked");
	case AP_UNPLANNED_FAIRNESS:
		return N_("organisation cap");
	}
	return N_("unknown");
}

/* ---- shared helpers ------------------------------------------------------ */

static double r2(double x)
{
	return jround(x, 2);
}

/* The gap is a fraction: four decimals keep the hundredths of a percent that
 * the table shows. */
static double r4(double x)
{
	return jround(x, 4);
}

/* Joins strings with `sep`, as valid UTF-8; returns a string to free. */
static char *join(const char *const *v, size_t n, const char *sep)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ap_buf_puts(&b, sep);
		jsonout_put_utf8(&b, v[i]);
	}
	return b.data;
}

static const ap_plan_site *site_of(const ap_plan *p, size_t i)
{
	return ap_plan_input_at(p->input, i);
}

/* The themes mission m plans (the site's mission themes, or the part of
 * them a firm covers: ap_planned.themes), into v; their count. With
 * `left`, the themes it does not plan instead. */
static size_t mission_theme_list(const ap_plan *p, const ap_planned *m,
                                 int left, const char **v)
{
	const ap_plan_site *s = site_of(p, m->site);
	size_t n = 0;
	for (size_t t = 0; t < s->n_themes && t < AP_PARTIAL_MAX_THEMES; t++) {
		int in = !m->themes || (m->themes & (1u << t));
		if (in != left)
			v[n++] = s->themes[t];
	}
	return n;
}

char *plan_mission_themes(const ap_plan *p, const ap_planned *m,
                          const char *sep)
{
	const char *v[AP_PARTIAL_MAX_THEMES];
	const ap_plan_site *s = site_of(p, m->site);
	if (!m->themes)
		return join(s->themes, s->n_themes, sep);
	return join(v, mission_theme_list(p, m, 0, v), sep);
}

/* The mission's priority: the site's, or that of its part. */
static double mission_priority(const ap_plan *p, const ap_planned *m)
{
	return m->themes ? m->priority : site_of(p, m->site)->priority;
}

static const ap_firm *firm_of(const ap_plan *p, size_t i)
{
	return &p->campaign->firms[i];
}

static void day_str(ap_day day, char out[11])
{
	ap_date_format(ap_date_from_day(day), out);
}

/* "M-001": missions are numbered in plan order, from 1; a saved plan's
 * missions have the ids the store gave them (ap_plan_set_mission_ids()). */
static void mission_id(const ap_plan *p, size_t i, char out[32])
{
	if (p->mission_ids)
		snprintf(out, 32, "%s", p->mission_ids[i]);
	else
		snprintf(out, 32, "M-%03zu", i + 1);
}

static int firm_days(const ap_plan *p, size_t f)
{
	return p->firm_days ? p->firm_days[f] : 0;
}

static double firm_euros(const ap_plan *p, size_t f)
{
	return p->firm_euros ? p->firm_euros[f] : 0;
}

/* ---- table --------------------------------------------------------------- */

/* A cell; an empty text is "-" too. */
static void tbl_add(text_table *t, const char *s)
{
	text_table_add(t, s && *s ? s : "-");
}

/* "2019-09-02..2019-10-07 (5 d)": the first and last day and the count; the
 * full list is in the other outputs. */
static char *compact_days(const ap_day *dates, size_t n)
{
	char a[11], b[11];
	if (!n || !dates)
		return ap_xstrdup("-");
	day_str(dates[0], a);
	day_str(dates[n - 1], b);
	if (n == 1)
		return ap_xasprintf("%s (1 d)", a);
	return ap_xasprintf("%s..%s (%zu d)", a, b, n);
}

static char *compact_dates(const ap_planned *m)
{
	return compact_days(m->dates, m->days > 0 ? (size_t)m->days : 0);
}

static void table_missions(FILE *out, const ap_plan *p)
{
	static const char *const head[] = {
	    N_("MISSION"), N_("SITE"), N_("ORGANISATION"), N_("THEMES"),
	    N_("DAYS"),    N_("FIRM"), N_("DATES"),        N_("COST")};
	text_table t = {AP_ARRAY_LEN(head), head, "llllrllr", {0}};
	if (!p->n_missions) {
		fputs(_("No mission planned.\n"), out);
		return;
	}
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_planned *m = &p->missions[i];
		const ap_plan_site *s = site_of(p, m->site);
		char id[32];
		mission_id(p, i, id);
		tbl_add(&t, id);
		tbl_add(&t, s->site_id);
		tbl_add(&t, s->organisation_id);
		char *themes = plan_mission_themes(p, m, ",");
		tbl_add(&t, themes);
		free(themes);
		text_table_addf(&t, "%d", m->days);
		tbl_add(&t, firm_of(p, m->firm)->id);
		char *dates = compact_dates(m);
		tbl_add(&t, dates);
		free(dates);
		text_table_addf(&t, "%.2f", r2(m->cost));
	}
	text_table_print(out, &t, "");
}

static void table_totals(FILE *out, const ap_plan *p)
{
	const ap_campaign *c = p->campaign;
	fprintf(out, _("\n%zu mission%s, %zu site%s not planned.\n"),
	        p->n_missions, p->n_missions == 1 ? "" : "s", p->n_unplanned,
	        p->n_unplanned == 1 ? "" : "s");
	if (c->has_budget_days)
		fprintf(out, _("Days:          %d / %d budgeted\n"),
		        p->total_days, c->budget_days);
	else
		fprintf(out, _("Days:          %d (no budget in days)\n"),
		        p->total_days);
	if (c->has_budget_euros)
		fprintf(out, _("Euros:         %.2f / %.2f budgeted\n"),
		        r2(p->total_euros), r2(c->budget_euros));
	else
		fprintf(out, _("Euros:         %.2f (no budget in euros)\n"),
		        r2(p->total_euros));
	fprintf(out, _("Priority sum:  %.2f\n"), r2(p->priority_sum));
	if (p->optimal)
		fputs(_("Solution:      optimal\n"), out);
	else
		fprintf(
		    out,
		    _("Solution:      best found in the time limit, gap %.2f%% "
		      "(bound %.2f)\n"),
		    r2(p->gap * 100.0), r2(p->bound));
	if (!p->ties_settled)
		fputs(_("Ties:          not settled in the time limit (another "
		        "run "
		        "may break ties between equal plans differently)\n"),
		      out);
	fprintf(out, _("Solver rounds: %d\n"), p->solver_rounds);
}

static void table_firms(FILE *out, const ap_plan *p)
{
	static const char *const head[] = {N_("FIRM"), N_("NAME"), N_("DAYS"),
	                                   N_("CAPACITY"), N_("EUROS")};
	const ap_campaign *c = p->campaign;
	text_table t = {AP_ARRAY_LEN(head), head, "llrrr", {0}};
	if (!c->n_firms)
		return;
	fputs(_("\nFirms (days booked / capacity)\n"), out);
	for (size_t f = 0; f < c->n_firms; f++) {
		tbl_add(&t, c->firms[f].id);
		tbl_add(&t, c->firms[f].name);
		text_table_addf(&t, "%d", firm_days(p, f));
		text_table_addf(&t, "%d", c->firms[f].capacity);
		text_table_addf(&t, "%.2f", r2(firm_euros(p, f)));
	}
	text_table_print(out, &t, "  ");
}

/* "N sites not planned: 4 theme not covered, 2 region not served". */
static void idle_line(FILE *out, size_t n, const char *what,
                      const size_t *count)
{
	if (!n)
		return;
	fprintf(out, _("    %zu site%s %s:"), n, n == 1 ? "" : "s", what);
	const char *sep = " ";
	for (int r = 0; r < AP_IDLE_REASONS; r++) {
		if (!count[r])
			continue;
		fprintf(out, "%s%zu %s", sep, count[r],
		        _(ap_idle_reason_name((ap_idle_reason)r)));
		sep = ", ";
	}
	fputc('\n', out);
}

/* The firms with days left, and why no more site went to them. */
static void table_idle(FILE *out, const ap_plan *p)
{
	ap_plan_idle *idle = NULL;
	if (ap_plan_idle_of(&idle, p) != AP_OK || !idle->n_firms) {
		ap_plan_idle_free(idle);
		return;
	}
	fputs(_("\nIdle capacity (days left, and why no more site went to the "
	        "firm)\n"),
	      out);
	for (size_t i = 0; i < idle->n_firms; i++) {
		const ap_idle_firm *e = &idle->firms[i];
		const ap_firm *f = firm_of(p, e->firm);
		char *id = text_table_inert(f->id);
		fprintf(out, _("  %s: %d of %d days left\n"), id, e->days_left,
		        f->capacity);
		free(id);
		idle_line(out, e->n_unplanned,
		          e->n_unplanned == 1
		              ? _("not planned that needs a mission")
		              : _("not planned that need a mission"),
		          e->unplanned);
		idle_line(out, e->n_elsewhere, _("planned with another firm"),
		          e->elsewhere);
		if (!e->n_unplanned && !e->n_elsewhere)
			fputs(_("    no other site needs a mission\n"), out);
	}
	ap_plan_idle_free(idle);
}

static void table_unplanned(FILE *out, const ap_plan *p)
{
	static const char *const head[] = {N_("SITE"),   N_("ORGANISATION"),
	                                   N_("DAYS"),   N_("PRIORITY"),
	                                   N_("REASON"), N_("DETAIL")};
	text_table t = {AP_ARRAY_LEN(head), head, "llrrll", {0}};
	if (!p->n_unplanned)
		return;
	fprintf(out, _("\nNot planned (%zu)\n"), p->n_unplanned);
	for (size_t i = 0; i < p->n_unplanned; i++) {
		const ap_unplanned *u = &p->unplanned[i];
		const ap_plan_site *s = site_of(p, u->site);
		tbl_add(&t, s->site_id);
		tbl_add(&t, s->organisation_id);
		text_table_addf(&t, "%d", s->days);
		text_table_addf(&t, "%.2f", r2(s->priority));
		tbl_add(&t, _(ap_unplanned_reason_name(u->reason)));
		tbl_add(&t, u->detail);
	}
	text_table_print(out, &t, "  ");
}

/* For each site not planned, the smallest change that would take it. */
static void table_would_take(FILE *out, const ap_plan *p)
{
	int any = 0;
	for (size_t i = 0; i < p->n_unplanned; i++) {
		const ap_unplanned *u = &p->unplanned[i];
		if (!u->would_take)
			continue;
		if (!any++)
			fputs(_("\nWhat it would take (the plan as it is, plus "
			        "the "
			        "site)\n"),
			      out);
		char *site = text_table_inert(site_of(p, u->site)->site_id);
		char *what = text_table_inert(u->would_take);
		fprintf(out, "  %s: %s\n", site, what);
		free(site);
		free(what);
	}
}

static void table_why(FILE *out, const ap_plan *p)
{
	if (!p->n_missions)
		return;
	fputs(_("\nWhy these firms\n"), out);
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_planned *m = &p->missions[i];
		char id[32];
		mission_id(p, i, id);
		char *site = text_table_inert(site_of(p, m->site)->site_id);
		char *firm = text_table_inert(firm_of(p, m->firm)->id);
		char *why = text_table_inert(m->why && *m->why ? m->why : "-");
		fprintf(out, "  %s %s -> %s: %s\n", id, site, firm, why);
		free(site);
		free(firm);
		free(why);
	}
}

/* A setting's value as the table shows it: euros with two decimals. */
static void override_value(ap_buf *b, ap_override_setting s, double v)
{
	if (s == AP_OVERRIDE_BUDGET_EUROS)
		ap_buf_printf(b, "%.2f", r2(v));
	else
		ap_buf_printf(b, "%.0f", v);
}

/* "What-if (not the campaign file): budget.days 60 (file: 150); ...": the
 * settings this run replaced, under the title, so that a printed plan
 * never passes for the campaign's own. */
static void table_overrides(FILE *out, const ap_campaign *c)
{
	if (!c->n_overrides)
		return;
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "What-if (not the campaign file):");
	for (size_t i = 0; i < c->n_overrides; i++) {
		const ap_override *v = &c->overrides[i];
		ap_buf_puts(&b, i ? "; " : " ");
		if (v->setting == AP_OVERRIDE_CAPACITY) {
			ap_buf_puts(&b, "capacity of ");
			ap_buf_inert(&b, c->firms[v->firm].id, 0);
		} else {
			ap_buf_puts(&b, ap_override_setting_name(v->setting));
		}
		ap_buf_putc(&b, ' ');
		override_value(&b, v->setting, v->value);
		ap_buf_puts(&b, " (file: ");
		if (v->file_set)
			override_value(&b, v->setting, v->file_value);
		else
			ap_buf_puts(&b, "none");
		ap_buf_putc(&b, ')');
	}
	fprintf(out, "%s\n", b.data);
	ap_buf_free(&b);
}

/* "FIRM-ARGOS 2019-01-07..2019-01-14 (6 d)" (to free). */
static char *firm_and_days(const char *firm, const ap_day *dates, size_t n)
{
	char *days = compact_days(dates, n);
	char *s = ap_xasprintf("%s %s", firm ? firm : "-", days);
	free(days);
	return s;
}

/* The row of one change: what the site had before, what it has now. */
static void change_row(text_table *t, const ap_plan_change *c)
{
	tbl_add(t, ap_change_kind_name(c->kind));
	tbl_add(t, c->site_id);
	tbl_add(t, c->organisation_id);
	char *before = NULL, *now = NULL;
	switch (c->kind) {
	case AP_CHANGE_IN:
		now = firm_and_days(c->to_firm, c->to_dates, c->n_to);
		break;
	case AP_CHANGE_OUT:
		before = firm_and_days(c->from_firm, c->from_dates, c->n_from);
		now = ap_xstrdup(c->reason ? c->reason : "-");
		break;
	case AP_CHANGE_FIRM:
		before = ap_xstrdup(c->from_firm ? c->from_firm : "-");
		now = ap_xstrdup(c->to_firm ? c->to_firm : "-");
		break;
	case AP_CHANGE_DATES:
		before = compact_days(c->from_dates, c->n_from);
		now = compact_days(c->to_dates, c->n_to);
		break;
	}
	tbl_add(t, before);
	tbl_add(t, now);
	free(before);
	free(now);
}

/* What changed from the previous plan: sites in, out, firm and days. */
static void table_changes(FILE *out, const ap_plan_changes *ch)
{
	static const char *const head[] = {N_("CHANGE"), N_("SITE"),
	                                   N_("ORGANISATION"), N_("BEFORE"),
	                                   N_("NOW")};
	text_table t = {AP_ARRAY_LEN(head), head, "lllll", {0}};
	char *name = text_table_inert(ch->against ? ch->against : "-");
	if (!ch->n_changes) {
		fprintf(out,
		        _("\nNo change from %s: the same sites, firms and "
		          "days.\n"),
		        name);
		free(name);
		return;
	}
	fprintf(out,
	        _("\nChanges from %s (%zu in, %zu out, %zu firm, %zu dates)\n"),
	        name, ch->count[AP_CHANGE_IN], ch->count[AP_CHANGE_OUT],
	        ch->count[AP_CHANGE_FIRM], ch->count[AP_CHANGE_DATES]);
	free(name);
	for (size_t i = 0; i < ch->n_changes; i++)
		change_row(&t, &ch->changes[i]);
	text_table_print(out, &t, "  ");
}

/* The options, or NULL when they are absent or of another version. */
static const ap_plan_report_options *
report_options(const ap_plan_report_options *opt)
{
	return opt && opt->version == AP_PLAN_REPORT_OPTIONS_VERSION ? opt
	                                                             : NULL;
}

void ap_plan_table(FILE *out, const ap_plan *p)
{
	ap_plan_table_with(out, p, NULL);
}

void ap_plan_table_with(FILE *out, const ap_plan *p,
                        const ap_plan_report_options *opt)
{
	opt = report_options(opt);
	const ap_campaign *c = p->campaign;
	char a[11], b[11];
	day_str(c->window_first, a);
	day_str(c->window_last, b);
	char *name = text_table_inert(c->name ? c->name : c->id);
	fprintf(out, _("Campaign %s, %s to %s\n"), name, a, b);
	free(name);
	table_overrides(out, c);
	fputc('\n', out);
	table_missions(out, p);
	table_totals(out, p);
	table_firms(out, p);
	table_idle(out, p);
	table_unplanned(out, p);
	table_would_take(out, p);
	table_why(out, p);
	if (opt && opt->changes)
		table_changes(out, opt->changes);
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *jstrings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jsonout_str(v[i]));
	return a;
}

static json_t *jday(ap_day day)
{
	char s[11];
	day_str(day, s);
	return json_string(s);
}

static json_t *override_num(ap_override_setting s, double v)
{
	return s == AP_OVERRIDE_BUDGET_EUROS ? jnum(r2(v))
	                                     : json_integer((json_int_t)v);
}

/* [{"setting":"budget.days","value":60,"file":150}, {"setting":"capacity",
 * "firm":"F","value":40,"file":36}]: what this run replaced; "file" is
 * null when the file set no such budget. */
static json_t *overrides_json(const ap_campaign *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n_overrides; i++) {
		const ap_override *v = &c->overrides[i];
		json_t *o = json_object();
		json_object_set_new(
		    o, "setting",
		    json_string(ap_override_setting_name(v->setting)));
		if (v->setting == AP_OVERRIDE_CAPACITY)
			json_object_set_new(o, "firm",
			                    jsonout_str(c->firms[v->firm].id));
		json_object_set_new(o, "value",
		                    override_num(v->setting, v->value));
		json_object_set_new(
		    o, "file",
		    v->file_set ? override_num(v->setting, v->file_value)
		                : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *campaign_json(const ap_campaign *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", jsonout_str(c->id));
	json_object_set_new(o, "name", jsonout_str(c->name));
	json_t *w = json_object();
	json_object_set_new(w, "start", jday(c->window_first));
	json_object_set_new(w, "end", jday(c->window_last));
	json_object_set_new(o, "window", w);
	json_t *b = json_object();
	json_object_set_new(b, "days",
	                    c->has_budget_days ? json_integer(c->budget_days)
	                                       : json_null());
	json_object_set_new(b, "euros",
	                    c->has_budget_euros ? jnum(r2(c->budget_euros))
	                                        : json_null());
	json_object_set_new(o, "budget", b);
	if (c->n_overrides)
		json_object_set_new(o, "overrides", overrides_json(c));
	return o;
}

static json_t *result_json(const ap_plan *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "optimal", json_boolean(p->optimal));
	json_object_set_new(o, "gap", jnum(r4(p->gap)));
	json_object_set_new(o, "bound", jnum(r2(p->bound)));
	json_object_set_new(o, "priority_sum", jnum(r2(p->priority_sum)));
	json_object_set_new(o, "days", json_integer(p->total_days));
	json_object_set_new(o, "euros", jnum(r2(p->total_euros)));
	json_object_set_new(o, "ties_settled", json_boolean(p->ties_settled));
	json_object_set_new(o, "solver_rounds", json_integer(p->solver_rounds));
	json_object_set_new(o, "missions",
	                    json_integer((json_int_t)p->n_missions));
	json_object_set_new(o, "unplanned",
	                    json_integer((json_int_t)p->n_unplanned));
	return o;
}

static json_t *mission_json(const ap_plan *p, size_t i)
{
	const ap_planned *m = &p->missions[i];
	const ap_plan_site *s = site_of(p, m->site);
	const ap_firm *f = firm_of(p, m->firm);
	char id[32];
	mission_id(p, i, id);
	json_t *o = json_object();
	json_object_set_new(o, "mission", json_string(id));
	json_object_set_new(o, "case_id", jsonout_str(s->case_id));
	json_object_set_new(o, "site_id", jsonout_str(s->site_id));
	json_object_set_new(o, "site_name", jsonout_str(s->site_name));
	json_object_set_new(o, "commune", jsonout_str(s->commune));
	json_object_set_new(o, "organisation_id",
	                    jsonout_str(s->organisation_id));
	json_object_set_new(o, "organisation_name",
	                    jsonout_str(s->organisation_name));
	json_object_set_new(o, "region", jsonout_str(s->region));
	const char *v[AP_PARTIAL_MAX_THEMES];
	if (m->themes)
		json_object_set_new(
		    o, "themes", jstrings(v, mission_theme_list(p, m, 0, v)));
	else
		json_object_set_new(o, "themes",
		                    jstrings(s->themes, s->n_themes));
	json_object_set_new(o, "days", json_integer(m->days));
	json_object_set_new(o, "recommended_days", json_integer(s->days));
	json_object_set_new(o, "priority", jnum(r2(mission_priority(p, m))));
	/* A mission on part of the site's themes says which are left. */
	json_object_set_new(o, "partial", json_boolean(m->themes != 0));
	if (m->themes)
		json_object_set_new(
		    o, "themes_left",
		    jstrings(v, mission_theme_list(p, m, 1, v)));
	json_object_set_new(o, "firm", jsonout_str(f->id));
	json_object_set_new(o, "firm_name", jsonout_str(f->name));
	json_object_set_new(o, "daily_rate", jnum(r2(f->daily_rate)));
	json_object_set_new(o, "cost", jnum(r2(m->cost)));
	json_t *dates = json_array();
	for (int k = 0; m->dates && k < m->days; k++)
		json_array_append_new(dates, jday(m->dates[k]));
	json_object_set_new(o, "dates", dates);
	json_object_set_new(o, "why", jsonout_str(m->why));
	json_object_set_new(o, "fixed", json_boolean(m->fixed));
	return o;
}

static json_t *unplanned_json(const ap_plan *p, size_t i)
{
	const ap_unplanned *u = &p->unplanned[i];
	const ap_plan_site *s = site_of(p, u->site);
	json_t *o = json_object();
	json_object_set_new(o, "case_id", jsonout_str(s->case_id));
	json_object_set_new(o, "site_id", jsonout_str(s->site_id));
	json_object_set_new(o, "site_name", jsonout_str(s->site_name));
	json_object_set_new(o, "organisation_id",
	                    jsonout_str(s->organisation_id));
	json_object_set_new(o, "region", jsonout_str(s->region));
	json_object_set_new(o, "reason",
	                    json_string(ap_unplanned_reason_name(u->reason)));
	json_object_set_new(o, "detail", jsonout_str(u->detail));
	json_object_set_new(o, "would_take", jsonout_str(u->would_take));
	json_object_set_new(o, "priority", jnum(r2(s->priority)));
	json_object_set_new(o, "days", json_integer(s->days));
	return o;
}

static json_t *firm_json(const ap_plan *p, size_t i)
{
	const ap_firm *f = firm_of(p, i);
	json_t *o = json_object();
	json_object_set_new(o, "id", jsonout_str(f->id));
	json_object_set_new(o, "name", jsonout_str(f->name));
	json_object_set_new(o, "daily_rate", jnum(r2(f->daily_rate)));
	json_object_set_new(o, "days_booked", json_integer(firm_days(p, i)));
	json_object_set_new(o, "capacity", json_integer(f->capacity));
	json_object_set_new(o, "euros", jnum(r2(firm_euros(p, i))));
	json_t *off = json_array();
	for (size_t k = 0; k < f->n_days_off; k++) {
		json_t *r = json_object();
		json_object_set_new(r, "start", jday(f->days_off[k].first));
		json_object_set_new(r, "end", jday(f->days_off[k].last));
		json_array_append_new(off, r);
	}
	json_object_set_new(o, "days_off", off);
	return o;
}

/* [{"reason":"theme not covered","sites":4}, ...]: the reasons counted. */
static json_t *idle_counts(const size_t *count)
{
	json_t *a = json_array();
	for (int r = 0; r < AP_IDLE_REASONS; r++) {
		if (!count[r])
			continue;
		json_t *o = json_object();
		json_object_set_new(
		    o, "reason",
		    json_string(ap_idle_reason_name((ap_idle_reason)r)));
		json_object_set_new(o, "sites",
		                    json_integer((json_int_t)count[r]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *idle_json(const ap_plan *p, const ap_idle_firm *e)
{
	const ap_firm *f = firm_of(p, e->firm);
	json_t *o = json_object();
	json_object_set_new(o, "firm", jsonout_str(f->id));
	json_object_set_new(o, "capacity", json_integer(f->capacity));
	json_object_set_new(o, "days_booked",
	                    json_integer(firm_days(p, e->firm)));
	json_object_set_new(o, "days_left", json_integer(e->days_left));
	json_object_set_new(o, "unplanned", idle_counts(e->unplanned));
	json_object_set_new(o, "elsewhere", idle_counts(e->elsewhere));
	return o;
}

static void dump(FILE *out, json_t *j)
{
	jsonout_dumpf(j, out, JSON_FLAGS);
	json_decref(j);
}

/* `"key":[` then one element a line, so that a diff of two plans shows the
 * missions that changed. */
static void dump_list(FILE *out, const char *key, const ap_plan *p, size_t n,
                      json_t *(*one)(const ap_plan *, size_t))
{
	fprintf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", out);
		dump(out, one(p, i));
	}
	fputs(n ? "\n]" : "]", out);
}

static json_t *jdays(const ap_day *dates, size_t n)
{
	json_t *a = json_array();
	for (size_t k = 0; dates && k < n; k++)
		json_array_append_new(a, jday(dates[k]));
	return a;
}

static json_t *change_json(const ap_plan_change *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "site", jsonout_str(c->site_id));
	json_object_set_new(o, "organisation",
	                    c->organisation_id && *c->organisation_id
	                        ? jsonout_str(c->organisation_id)
	                        : json_null());
	switch (c->kind) {
	case AP_CHANGE_IN:
		json_object_set_new(o, "firm", jsonout_str(c->to_firm));
		json_object_set_new(o, "dates", jdays(c->to_dates, c->n_to));
		break;
	case AP_CHANGE_OUT:
		json_object_set_new(o, "firm", jsonout_str(c->from_firm));
		json_object_set_new(o, "dates",
		                    jdays(c->from_dates, c->n_from));
		json_object_set_new(o, "reason", jsonout_str(c->reason));
		break;
	case AP_CHANGE_FIRM:
		json_object_set_new(o, "from", jsonout_str(c->from_firm));
		json_object_set_new(o, "to", jsonout_str(c->to_firm));
		break;
	case AP_CHANGE_DATES:
		json_object_set_new(o, "from", jdays(c->from_dates, c->n_from));
		json_object_set_new(o, "to", jdays(c->to_dates, c->n_to));
		break;
	}
	return o;
}

/* ,"changes":{"against":NAME,"in":[...],"out":[...],"firm":[...],
 * "dates":[...]}, one change a line as the missions are. */
static void dump_changes(FILE *out, const ap_plan_changes *ch)
{
	fputs(",\"changes\":{\"against\":", out);
	dump(out, jsonout_str(ch->against));
	for (int k = 0; k < 4; k++) {
		size_t n = 0;
		fprintf(out, ",\"%s\":[",
		        ap_change_kind_name((ap_change_kind)k));
		for (size_t i = 0; i < ch->n_changes; i++) {
			if ((int)ch->changes[i].kind != k)
				continue;
			fputs(n++ ? ",\n" : "\n", out);
			dump(out, change_json(&ch->changes[i]));
		}
		fputs(n ? "\n]" : "]", out);
	}
	fputc('}', out);
}

/* ,"idle":[ one firm a line ] */
static void dump_idle(FILE *out, const ap_plan *p)
{
	ap_plan_idle *idle = NULL;
	ap_plan_idle_of(&idle, p);
	size_t n = idle ? idle->n_firms : 0;
	fputs(",\"idle\":[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", out);
		dump(out, idle_json(p, &idle->firms[i]));
	}
	fputs(n ? "\n]" : "]", out);
	ap_plan_idle_free(idle);
}

void ap_plan_json(FILE *out, const ap_plan *p, const ap_diags *d)
{
	ap_plan_json_with(out, p, d, NULL);
}

void ap_plan_json_with(FILE *out, const ap_plan *p, const ap_diags *d,
                       const ap_plan_report_options *opt)
{
	opt = report_options(opt);
	fputs("{\"campaign\":", out);
	dump(out, campaign_json(p->campaign));
	fputs(",\"result\":", out);
	dump(out, result_json(p));
	dump_list(out, "missions", p, p->n_missions, mission_json);
	dump_list(out, "unplanned", p, p->n_unplanned, unplanned_json);
	dump_list(out, "firms", p, p->campaign->n_firms, firm_json);
	dump_idle(out, p);
	if (opt && opt->changes)
		dump_changes(out, opt->changes);
	fputs(",\"errors\":", out);
	dump(out, jsonout_diags(d, AP_ERROR));
	fputs(",\"warnings\":", out);
	dump(out, jsonout_diags(d, AP_WARNING));
	fputs("}\n", out);
}

/* ---- CSV ----------------------------------------------------------------- */

void ap_plan_csv(FILE *out, const ap_plan *p)
{
	static const char *const head[] = {
	    "mission",         "case_id",    "site_id",   "site_name",
	    "organisation_id", "region",     "themes",    "days",
	    "firm_id",         "firm_name",  "first_day", "last_day",
	    "dates",           "daily_rate", "cost_eur",  "priority"};
	for (size_t i = 0; i < AP_ARRAY_LEN(head); i++)
		csv_field(out, head[i], i == 0);
	fputs("\r\n", out);
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_planned *m = &p->missions[i];
		const ap_plan_site *s = site_of(p, m->site);
		const ap_firm *f = firm_of(p, m->firm);
		char id[32], first[11] = "", last[11] = "";
		mission_id(p, i, id);
		csv_field(out, id, 1);
		csv_text(out, s->case_id, 0);
		csv_text(out, s->site_id, 0);
		csv_text(out, s->site_name, 0);
		csv_text(out, s->organisation_id, 0);
		csv_text(out, s->region, 0);
		char *themes = plan_mission_themes(p, m, " ");
		csv_text(out, themes, 0);
		free(themes);
		csv_fieldf(out, "%d", m->days);
		csv_text(out, f->id, 0);
		csv_text(out, f->name, 0);
		ap_buf dates;
		ap_buf_init(&dates);
		ap_buf_puts(&dates, "");
		for (int k = 0; m->dates && k < m->days; k++) {
			char day[11];
			day_str(m->dates[k], day);
			ap_buf_printf(&dates, "%s%s", k ? " " : "", day);
		}
		if (m->dates && m->days > 0) {
			day_str(m->dates[0], first);
			day_str(m->dates[m->days - 1], last);
		}
		csv_field(out, first, 0);
		csv_field(out, last, 0);
		csv_field(out, dates.data, 0);
		ap_buf_free(&dates);
		csv_fieldf(out, "%.2f", r2(f->daily_rate));
		csv_fieldf(out, "%.2f", r2(m->cost));
		csv_fieldf(out, "%.2f", r2(mission_priority(p, m)));
		fputs("\r\n", out);
	}
}
