/*
 * Comparing a plan with a previous one (appui plan --against PLAN.json):
 * which sites came in, which went out, which changed firm or days.
 *
 * The previous plan is the JSON that `appui plan --format json` wrote, but
 * it comes back as any file would: edited by hand, truncated, or not a plan
 * at all. It is read as hostile input (a regular file, a size limit, no key
 * twice, every member used checked for its type) and only what the
 * comparison needs is kept: each mission's site, firm and days. A site is
 * an organisation's site id, as in the planner, which plans a site once.
 *
 * The comparison itself is pure: the previous missions and the new plan's
 * in, the changes out, sorted by kind and site, so that the same two plans
 * give the same report.
 */
#define _GNU_SOURCE /* qsort_r */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "appui/plan.h"
#include "util.h"

/* A hostile file with a problem in every element would give one message
 * per element: the first ones say enough. */
#define MAX_PROBLEMS 20

/* ---- reading --------------------------------------------------------------
 */

typedef struct prev_reader {
	const char *name;
	ap_diags *d;
	size_t problems;
} prev_reader;

/* A problem at `field` ("missions[3].dates", or "" for the file). */
static void prev_error(prev_reader *r, long line, const char *field,
                       const char *fmt, ...) AP_PRINTF(4, 5);
static void prev_error(prev_reader *r, long line, const char *field,
                       const char *fmt, ...)
{
	r->problems++;
	if (!r->d || r->problems > MAX_PROBLEMS)
		return;
	va_list ap;
	va_start(ap, fmt);
	ap_diags_addv(r->d, AP_ERROR, r->name, line, field, fmt, ap);
	va_end(ap);
}

/* "missions[I]" or "missions[I].KEY" into `out`. */
static const char *field_name(char out[64], size_t i, const char *key)
{
	snprintf(out, 64, "missions[%zu]%s%s", i, key ? "." : "",
	         key ? key : "");
	return out;
}

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "unknown";
}

/* The string member `key` of mission `i` (copied), or NULL after a
 * problem; with `optional`, a member absent or null is "". */
static char *member_string(prev_reader *r, const json_t *m, size_t i,
                           const char *key, int optional)
{
	const json_t *v = json_object_get(m, key);
	char f[64];
	if (optional && (!v || json_is_null(v)))
		return ap_xstrdup("");
	if (!v) {
		prev_error(r, 0, field_name(f, i, NULL), "no \"%s\"", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		prev_error(r, 0, field_name(f, i, key),
		           "must be a string, not %s", json_type_name(v));
		return NULL;
	}
	if (!*json_string_value(v)) {
		prev_error(r, 0, field_name(f, i, key), "is empty");
		return NULL;
	}
	return ap_xstrdup(json_string_value(v));
}

static int cmp_day(const void *a, const void *b)
{
	ap_day x = *(const ap_day *)a, y = *(const ap_day *)b;
	return x < y ? -1 : x > y;
}

/* Mission i's "dates": an array of YYYY-MM-DD strings, each once. Returns
 * 0 and the days, increasing, or -1 after a problem. */
static int member_dates(prev_reader *r, const json_t *m, size_t i,
                        ap_prev_mission *out)
{
	const json_t *a = json_object_get(m, "dates");
	char f[64];
	if (!json_is_array(a) || json_array_size(a) == 0) {
		prev_error(r, 0, field_name(f, i, "dates"),
		           "must be an array of YYYY-MM-DD dates, not %s",
		           !a                 ? "absent"
		           : json_is_array(a) ? "an empty one"
		                              : json_type_name(a));
		return -1;
	}
	size_t n = json_array_size(a);
	out->dates = ap_xcalloc(n ? n : 1, sizeof(*out->dates));
	for (size_t k = 0; k < n; k++) {
		const char *s = json_string_value(json_array_get(a, k));
		ap_date date;
		if (!s || ap_date_parse(s, &date) != 0) {
			char key[32];
			snprintf(key, sizeof key, "dates[%zu]", k);
			prev_error(r, 0, field_name(f, i, key),
			           "not a date (YYYY-MM-DD)");
			return -1;
		}
		out->dates[k] = ap_day_from_date(date);
	}
	qsort(out->dates, n, sizeof(*out->dates), cmp_day);
	for (size_t k = 1; k < n; k++)
		if (out->dates[k] == out->dates[k - 1]) {
			prev_error(r, 0, field_name(f, i, "dates"),
			           "a day is given twice");
			return -1;
		}
	out->n_dates = n;
	return 0;
}

static void free_mission(ap_prev_mission *m)
{
	free(m->site_id);
	free(m->organisation_id);
	free(m->firm);
	free(m->dates);
}

/* Mission i into `out`. Returns 0, or -1 after a problem. */
static int read_mission(prev_reader *r, const json_t *m, size_t i,
                        ap_prev_mission *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(m)) {
		char f[64];
		prev_error(r, 0, field_name(f, i, NULL),
		           "must be an object, not %s", json_type_name(m));
		return -1;
	}
	out->site_id = member_string(r, m, i, "site_id", 0);
	out->organisation_id = member_string(r, m, i, "organisation_id", 1);
	out->firm = member_string(r, m, i, "firm", 0);
	int rc = out->site_id && out->organisation_id && out->firm ? 0 : -1;
	if (member_dates(r, m, i, out) != 0)
		rc = -1;
	if (rc)
		free_mission(out);
	return rc;
}

static int cmp_site(const char *site_a, const char *org_a, const char *site_b,
                    const char *org_b)
{
	int c = strcmp(site_a, site_b);
	return c ? c : strcmp(org_a, org_b);
}

static int cmp_prev(const void *a, const void *b)
{
	const ap_prev_mission *x = a, *y = b;
	return cmp_site(x->site_id, x->organisation_id, y->site_id,
	                y->organisation_id);
}

/* Sorted by site; a site planned twice is a problem (a plan never has
 * one, so the file was edited or is not one plan). */
static void sort_and_check(prev_reader *r, ap_prev_plan *p)
{
	qsort(p->missions, p->n_missions, sizeof(*p->missions), cmp_prev);
	for (size_t i = 1; i < p->n_missions; i++) {
		const ap_prev_mission *a = &p->missions[i - 1];
		const ap_prev_mission *b = &p->missions[i];
		if (cmp_prev(a, b) == 0)
			prev_error(r, 0, "missions",
			           "site %s%s%s is planned twice", b->site_id,
			           *b->organisation_id ? " of " : "",
			           b->organisation_id);
	}
}

int ap_prev_plan_parse(ap_prev_plan **out, const char *name, const char *text,
                       size_t len, ap_diags *d)
{
	*out = NULL;
	prev_reader r = {name ? name : "plan", d, 0};
	json_error_t err;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		prev_error(&r, err.line > 0 ? err.line : 0, "",
		           "not valid JSON: %s", err.text);
		return AP_EINVALID;
	}
	const json_t *missions = json_object_get(doc, "missions");
	if (!json_is_array(missions)) {
		prev_error(&r, 0, "",
		           "not a plan (no \"missions\" array): give the "
		           "output of 'appui plan --format json'");
		json_decref(doc);
		return AP_EINVALID;
	}
	ap_prev_plan *p = ap_xcalloc(1, sizeof(*p));
	p->name = ap_xstrdup(r.name);
	size_t n = json_array_size(missions);
	p->missions = ap_xcalloc(n ? n : 1, sizeof(*p->missions));
	for (size_t i = 0; i < n; i++)
		if (read_mission(&r, json_array_get(missions, i), i,
		                 &p->missions[p->n_missions]) == 0)
			p->n_missions++;
	json_decref(doc);
	if (!r.problems)
		sort_and_check(&r, p);
	if (r.problems > MAX_PROBLEMS && d)
		ap_diags_add(d, AP_ERROR, r.name, 0, "",
		             "%zu more problems not shown",
		             r.problems - MAX_PROBLEMS);
	if (r.problems) {
		ap_prev_plan_free(p);
		return AP_EINVALID;
	}
	*out = p;
	return AP_OK;
}

int ap_prev_plan_read(ap_prev_plan **out, const char *path, ap_diags *d)
{
	*out = NULL;
	ap_buf b;
	ap_buf_init(&b);
	const char *why = NULL;
	int rc;
	if (ap_read_regular(path, AP_PREV_PLAN_MAX_BYTES, &b, &why) != 0) {
		if (d)
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "cannot read the plan: %s%s", why,
			             strcmp(why, "over the size limit") == 0
			                 ? " (64 MiB)"
			                 : "");
		rc = AP_EINVALID;
	} else {
		rc = ap_prev_plan_parse(out, path, b.data ? b.data : "", b.len,
		                        d);
	}
	ap_buf_free(&b);
	return rc;
}

void ap_prev_plan_free(ap_prev_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_missions; i++)
		free_mission(&p->missions[i]);
	free(p->missions);
	free(p->name);
	free(p);
}

/* ---- comparing ------------------------------------------------------------
 */

const char *ap_change_kind_name(ap_change_kind k)
{
	switch (k) {
	case AP_CHANGE_IN:
		return "in";
	case AP_CHANGE_OUT:
		return "out";
	case AP_CHANGE_FIRM:
		return "firm";
	case AP_CHANGE_DATES:
		return "dates";
	}
	return "unknown";
}

static const char *site_id_of(const ap_plan_site *s)
{
	return s->site_id ? s->site_id : "";
}

static const char *org_of(const ap_plan_site *s)
{
	return s->organisation_id ? s->organisation_id : "";
}

static int cmp_now(const void *a, const void *b, void *ctx)
{
	const ap_plan *p = ctx;
	const ap_plan_site *x =
	    ap_plan_input_at(p->input, p->missions[*(const size_t *)a].site);
	const ap_plan_site *y =
	    ap_plan_input_at(p->input, p->missions[*(const size_t *)b].site);
	return cmp_site(site_id_of(x), org_of(x), site_id_of(y), org_of(y));
}

/* Why the site of `m` is not in `now`: its unplanned reason, or not one
 * of the sites given. */
static const char *out_reason(const ap_plan *now, const ap_prev_mission *m)
{
	for (size_t i = 0; i < now->n_unplanned; i++) {
		const ap_plan_site *s =
		    ap_plan_input_at(now->input, now->unplanned[i].site);
		if (cmp_site(site_id_of(s), org_of(s), m->site_id,
		             m->organisation_id) == 0)
			return ap_unplanned_reason_name(
			    now->unplanned[i].reason);
	}
	return "not in the inputs";
}

static int same_dates(const ap_prev_mission *m, const ap_planned *n)
{
	if (m->n_dates != (size_t)(n->days > 0 ? n->days : 0) ||
	    (m->n_dates && !n->dates))
		return 0;
	for (size_t k = 0; k < m->n_dates; k++)
		if (m->dates[k] != n->dates[k])
			return 0;
	return 1;
}

/* Appends a change of `kind` to the list of its kind. */
static ap_plan_change *add(ap_plan_change **lists, size_t *count,
                           ap_change_kind kind, const char *site,
                           const char *org)
{
	ap_plan_change *c = &lists[kind][count[kind]++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->site_id = site;
	c->organisation_id = org;
	return c;
}

static void from_prev(ap_plan_change *c, const ap_prev_mission *m)
{
	c->from_firm = m->firm;
	c->from_dates = m->dates;
	c->n_from = m->n_dates;
}

static void to_now(ap_plan_change *c, const ap_plan *now, const ap_planned *n)
{
	c->to_firm = now->campaign->firms[n->firm].id;
	c->to_dates = n->dates;
	c->n_to = n->dates && n->days > 0 ? (size_t)n->days : 0;
}

/* Both lists in site order, walked together; each change goes to the
 * list of its kind, so each list is in site order too. */
static void walk(const ap_prev_plan *prev, const ap_plan *now,
                 const size_t *order, ap_plan_change **lists, size_t *count)
{
	size_t i = 0, j = 0;
	while (i < prev->n_missions || j < now->n_missions) {
		const ap_prev_mission *m =
		    i < prev->n_missions ? &prev->missions[i] : NULL;
		const ap_planned *n =
		    j < now->n_missions ? &now->missions[order[j]] : NULL;
		const ap_plan_site *s =
		    n ? ap_plan_input_at(now->input, n->site) : NULL;
		int c = !m   ? 1
		        : !n ? -1
		             : cmp_site(m->site_id, m->organisation_id,
		                        site_id_of(s), org_of(s));
		if (c < 0) {
			ap_plan_change *ch =
			    add(lists, count, AP_CHANGE_OUT, m->site_id,
			        m->organisation_id);
			from_prev(ch, m);
			ch->reason = out_reason(now, m);
			i++;
			continue;
		}
		if (c > 0) {
			to_now(add(lists, count, AP_CHANGE_IN, site_id_of(s),
			           org_of(s)),
			       now, n);
			j++;
			continue;
		}
		const char *firm = now->campaign->firms[n->firm].id;
		if (strcmp(m->firm, firm ? firm : "") != 0) {
			ap_plan_change *ch =
			    add(lists, count, AP_CHANGE_FIRM, m->site_id,
			        m->organisation_id);
			from_prev(ch, m);
			to_now(ch, now, n);
		}
		if (!same_dates(m, n)) {
			ap_plan_change *ch =
			    add(lists, count, AP_CHANGE_DATES, m->site_id,
			        m->organisation_id);
			from_prev(ch, m);
			to_now(ch, now, n);
		}
		i++;
		j++;
	}
}

int ap_plan_diff(ap_plan_changes **out, const ap_prev_plan *prev,
                 const ap_plan *now)
{
	if (!out)
		return AP_EUSAGE;
	*out = NULL;
	if (!prev || !now)
		return AP_EUSAGE;
	size_t nm = now->n_missions, np = prev->n_missions;
	size_t *order = ap_xcalloc(nm ? nm : 1, sizeof(*order));
	for (size_t j = 0; j < nm; j++)
		order[j] = j;
	qsort_r(order, nm, sizeof(*order), cmp_now, (void *)now);
	/* At most one change of each kind per site. */
	ap_plan_change *lists[4];
	for (int k = 0; k < 4; k++)
		lists[k] = ap_xcalloc(np + nm + 1, sizeof(ap_plan_change));
	ap_plan_changes *ch = ap_xcalloc(1, sizeof(*ch));
	ch->against = prev->name;
	walk(prev, now, order, lists, ch->count);
	size_t total = 0;
	for (int k = 0; k < 4; k++)
		total += ch->count[k];
	ch->changes = ap_xcalloc(total ? total : 1, sizeof(*ch->changes));
	for (int k = 0; k < 4; k++) {
		memcpy(&ch->changes[ch->n_changes], lists[k],
		       ch->count[k] * sizeof(*ch->changes));
		ch->n_changes += ch->count[k];
		free(lists[k]);
	}
	free(order);
	*out = ch;
	return AP_OK;
}

void ap_plan_changes_free(ap_plan_changes *c)
{
	if (!c)
		return;
	free(c->changes);
	free(c);
}
