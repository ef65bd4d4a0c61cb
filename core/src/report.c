/*
 * Score outputs. JSON is written with jansson, one case at a time, so a batch
 * of any size streams in bounded memory. Numbers are rounded to two decimals
 * (three for confidence) before they are written: the output is for people
 * and diffs, and byte-stable across runs.
 */
#include "appui/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "util.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

static double r2(double x)
{
	return jround(x, 2);
}

static double r3(double x)
{
	return jround(x, 3);
}

static json_t *jstrings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *theme_json(const ap_theme_result *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "theme", json_string(t->theme));
	json_object_set_new(o, "plugin", json_string(t->plugin));
	json_object_set_new(o, "plugin_version",
	                    json_string(t->plugin_version));
	json_object_set_new(o, "need", jnum(r2(t->need)));
	json_object_set_new(o, "need_low", jnum(r2(t->need_low)));
	json_object_set_new(o, "need_high", jnum(r2(t->need_high)));
	json_object_set_new(o, "confidence", jnum(r3(t->confidence)));
	json_object_set_new(o, "band", json_string(ap_band_name(t->band)));
	json_object_set_new(o, "days", json_integer(t->days));
	json_t *rows = json_array();
	for (size_t i = 0; i < t->n_rows; i++) {
		const ap_indicator_row *row = &t->rows[i];
		json_t *ro = json_object();
		json_object_set_new(ro, "ref", json_string(row->ref));
		json_object_set_new(ro, "value", jnum(r2(row->value)));
		json_object_set_new(ro, "level", json_integer(row->level));
		json_object_set_new(ro, "weight", jnum(row->weight));
		json_object_set_new(ro, "contribution",
		                    jnum(r2(row->contribution)));
		json_object_set_new(ro, "line",
		                    row->derived ? json_null()
		                                 : json_integer(row->line));
		if (row->derived)
			json_object_set_new(ro, "derived", json_true());
		json_array_append_new(rows, ro);
	}
	json_object_set_new(o, "indicators", rows);
	json_object_set_new(o, "missing", jstrings(t->missing, t->n_missing));
	json_t *levers = json_array();
	for (size_t i = 0; i < t->n_levers; i++) {
		const ap_lever *lv = &t->levers[i];
		json_t *lo = json_object();
		json_object_set_new(lo, "ref", json_string(lv->ref));
		json_object_set_new(lo, "level", json_integer(lv->level));
		json_object_set_new(lo, "new_level",
		                    json_integer(lv->new_level));
		json_object_set_new(lo, "need_after", jnum(r2(lv->need_after)));
		json_object_set_new(lo, "gain", jnum(r2(lv->gain)));
		json_array_append_new(levers, lo);
	}
	json_object_set_new(o, "levers", levers);
	json_object_set_new(
	    o, "rules", jstrings((const char *const *)t->rules, t->n_rules));
	return o;
}

void ap_report_json_begin(FILE *out)
{
	fputs("{\"cases\":[", out);
}

void ap_report_json_case(FILE *out, const ap_case_result *r, size_t index)
{
	const ap_case *c = r->c;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	const ap_request *rq = ap_case_request(c);
	json_t *o = json_object();
	json_object_set_new(o, "file", jstr(ap_case_file(c)));
	json_object_set_new(o, "case_id", json_string(ap_case_id(c)));
	json_object_set_new(o, "site_id", json_string(site->id));
	json_object_set_new(o, "site_name", json_string(site->name));
	json_object_set_new(o, "commune", json_string(site->commune));
	json_object_set_new(o, "organisation_id", json_string(org->id));
	json_object_set_new(o, "organisation_name", json_string(org->name));
	json_object_set_new(o, "region", jstr(org->region));
	json_object_set_new(o, "firm",
	                    json_string(ap_case_diagnostic(c)->firm));
	json_object_set_new(o, "complexity", json_integer(r->complexity));
	json_object_set_new(o, "factors", jstrings(r->factors, r->n_factors));
	json_object_set_new(o, "unknown_factors",
	                    jstrings(r->unknown_factors, r->n_unknown_factors));
	json_t *themes = json_array();
	for (size_t i = 0; i < r->n_themes; i++)
		json_array_append_new(themes, theme_json(&r->themes[i]));
	json_object_set_new(o, "themes", themes);
	if (r->has_mission) {
		json_t *m = json_object();
		json_object_set_new(m, "days", json_integer(r->mission.days));
		json_object_set_new(
		    m, "themes",
		    jstrings(r->mission.themes, r->mission.n_themes));
		json_object_set_new(m, "priority",
		                    jnum(r2(r->mission.priority)));
		json_object_set_new(o, "mission", m);
	} else {
		json_object_set_new(o, "mission", json_null());
	}
	json_object_set_new(o, "requested_themes",
	                    jstrings(rq->themes, rq->n_themes));
	if (rq->window_start.year && rq->window_end.year) {
		char first[16], last[16];
		snprintf(first, sizeof first, "%04d-%02d-%02d",
		         rq->window_start.year, rq->window_start.month,
		         rq->window_start.day);
		snprintf(last, sizeof last, "%04d-%02d-%02d",
		         rq->window_end.year, rq->window_end.month,
		         rq->window_end.day);
		json_t *w = json_object();
		json_object_set_new(w, "start", json_string(first));
		json_object_set_new(w, "end", json_string(last));
		json_object_set_new(o, "request_window", w);
	} else {
		json_object_set_new(o, "request_window", json_null());
	}

	if (index > 0)
		fputc(',', out);
	fputc('\n', out);
	/* One string, one write: jansson's stream writer makes a call per
	 * token, which shows in a batch of ten thousand cases. */
	char *text = json_dumps(o, JSON_FLAGS);
	if (text)
		fputs(text, out);
	free(text);
	json_decref(o);
}

void ap_report_json_end(FILE *out, const ap_diags *d)
{
	json_t *errors = jdiags(d, AP_ERROR);
	json_t *warnings = jdiags(d, AP_WARNING);
	fputs("\n],\"errors\":", out);
	json_dumpf(errors, out, JSON_FLAGS);
	fputs(",\"warnings\":", out);
	json_dumpf(warnings, out, JSON_FLAGS);
	fputs("}\n", out);
	json_decref(errors);
	json_decref(warnings);
}

/* ---- table ------------------------------------------------------------------
 */

static double row_top_need(const ap_score_row *r)
{
	double m = -1;
	for (size_t i = 0; i < r->n_themes; i++)
		if (r->needs[i] > m)
			m = r->needs[i];
	return m;
}

/* Missions by decreasing priority, then sites without one by decreasing
 * need; the site and case ids settle ties. */
static int by_priority(const void *a, const void *b)
{
	const ap_score_row *x = a, *y = b;
	if (x->has_mission != y->has_mission)
		return x->has_mission ? -1 : 1;
	double px = x->has_mission ? x->priority : row_top_need(x);
	double py = y->has_mission ? y->priority : row_top_need(y);
	if (px != py)
		return px > py ? -1 : 1;
	int c = strcmp(x->site_id, y->site_id);
	if (c)
		return c;
	return strcmp(x->case_id, y->case_id);
}

static char *dup(const char *s)
{
	return ap_xstrdup(s ? s : "");
}

void ap_score_row_fill(ap_score_row *row, const ap_case_result *r, int explain)
{
	memset(row, 0, sizeof(*row));
	row->case_id = dup(ap_case_id(r->c));
	row->site_id = dup(ap_case_site(r->c)->id);
	row->organisation_id = dup(ap_case_organisation(r->c)->id);
	row->n_themes = r->n_themes;
	row->themes = ap_xcalloc(r->n_themes + 1, sizeof(char *));
	row->needs = ap_xcalloc(r->n_themes + 1, sizeof(double));
	row->bands = ap_xcalloc(r->n_themes + 1, sizeof(ap_band));
	for (size_t i = 0; i < r->n_themes; i++) {
		row->themes[i] = dup(r->themes[i].theme);
		row->needs[i] = r->themes[i].need;
		row->bands[i] = r->themes[i].band;
	}
	row->has_mission = r->has_mission;
	row->days = r->has_mission ? r->mission.days : 0;
	row->priority = r->has_mission ? r->mission.priority : 0;
	if (explain) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		if (!mem) {
			fputs("appui: out of memory\n", stderr);
			exit(70);
		}
		ap_report_explain(mem, r);
		fclose(mem);
		row->explain = text;
	}
}

void ap_score_row_clear(ap_score_row *row)
{
	free(row->case_id);
	free(row->site_id);
	free(row->organisation_id);
	for (size_t i = 0; i < row->n_themes; i++)
		free(row->themes[i]);
	free(row->themes);
	free(row->needs);
	free(row->bands);
	free(row->explain);
	memset(row, 0, sizeof(*row));
}

void ap_report_rows(FILE *out, const char *const *themes, size_t nt,
                    ap_score_row *rows, size_t n, int explain)
{
	if (n)
		qsort(rows, n, sizeof(*rows), by_priority);
	int site_w = 4, org_w = 12;
	for (size_t i = 0; i < n; i++) {
		int sw = (int)strlen(rows[i].site_id);
		int ow = (int)strlen(rows[i].organisation_id);
		site_w = sw > site_w ? sw : site_w;
		org_w = ow > org_w ? ow : org_w;
	}
	fprintf(out, "%4s  %-*s  %-*s", "RANK", site_w, "SITE", org_w,
	        "ORGANISATION");
	for (size_t t = 0; t < nt; t++)
		fprintf(out, "  %-15s", themes[t]);
	fprintf(out, "  %4s  %8s\n", "DAYS", "PRIORITY");
	size_t missions = 0;
	long days = 0;
	for (size_t i = 0; i < n; i++) {
		const ap_score_row *r = &rows[i];
		fprintf(out, "%4zu  %-*s  %-*s", i + 1, site_w, r->site_id,
		        org_w, r->organisation_id);
		for (size_t t = 0; t < nt; t++) {
			char cell[32];
			snprintf(cell, sizeof cell, "    -");
			for (size_t k = 0; k < r->n_themes; k++)
				if (strcmp(r->themes[k], themes[t]) == 0)
					snprintf(cell, sizeof cell, "%5.1f %s",
					         r2(r->needs[k]),
					         ap_band_name(r->bands[k]));
			fprintf(out, "  %-15s", cell);
		}
		if (r->has_mission) {
			fprintf(out, "  %4d  %8.2f\n", r->days,
			        r2(r->priority));
			missions++;
			days += r->days;
		} else {
			fprintf(out, "  %4s  %8s\n", "-", "-");
		}
	}
	fprintf(out,
	        "\n%zu site%s scored, %zu with a mission, %ld mission days in "
	        "all.\n",
	        n, n == 1 ? "" : "s", missions, days);
	if (explain)
		for (size_t i = 0; i < n; i++)
			if (rows[i].explain)
				fprintf(out, "\n%s", rows[i].explain);
}

void ap_report_table(FILE *out, const ap_host *h,
                     const ap_case_result **results, size_t n, int explain)
{
	ap_score_row *rows = ap_xcalloc(n ? n : 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		ap_score_row_fill(&rows[i], results[i], explain);
	ap_report_rows(out, ap_host_themes(h), ap_host_theme_count(h), rows, n,
	               explain);
	for (size_t i = 0; i < n; i++)
		ap_score_row_clear(&rows[i]);
	free(rows);
}

static void list(FILE *out, const char *const *v, size_t n, const char *none)
{
	if (!n)
		fputs(none, out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", v[i]);
}

void ap_report_explain(FILE *out, const ap_case_result *r)
{
	const ap_case *c = r->c;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	const ap_request *rq = ap_case_request(c);
	fprintf(out, "== %s: %s, %s (%s, %s)\n", site->id, site->name,
	        site->commune, org->name, org->id);
	fprintf(out, "   case %s, file %s, diagnostic by %s\n", ap_case_id(c),
	        ap_case_file(c), ap_case_diagnostic(c)->firm);
	fprintf(out, "   complexity %d: ", r->complexity);
	list(out, r->factors, r->n_factors, "no factor");
	if (r->n_unknown_factors) {
		fputs(" (no data for: ", out);
		list(out, r->unknown_factors, r->n_unknown_factors, "");
		fputc(')', out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < r->n_themes; i++) {
		const ap_theme_result *t = &r->themes[i];
		fprintf(out,
		        "\n   %s: need %.2f, interval %.2f..%.2f, confidence "
		        "%.0f%%, "
		        "band %s, %d day%s (plugin %s %s)\n",
		        t->theme, r2(t->need), r2(t->need_low),
		        r2(t->need_high), round(t->confidence * 100),
		        ap_band_name(t->band), t->days, t->days == 1 ? "" : "s",
		        t->plugin, t->plugin_version);
		fprintf(out, "     %-28s %10s %5s %6s %12s\n", "indicator",
		        "value", "level", "weight", "contribution");
		for (size_t k = 0; k < t->n_rows; k++) {
			const ap_indicator_row *row = &t->rows[k];
			fprintf(out, "     %-28s %10.2f %5d %6g %12.2f%s\n",
			        row->ref, r2(row->value), row->level,
			        row->weight, r2(row->contribution),
			        row->derived ? "  (derived)" : "");
		}
		if (t->n_missing) {
			fputs("     missing: ", out);
			list(out, t->missing, t->n_missing, "");
			fputc('\n', out);
		}
		for (size_t k = 0; k < t->n_rules; k++)
			fprintf(out, "     rule: %s\n", t->rules[k]);
		if (t->n_levers) {
			fputs("     levers:", out);
			for (size_t k = 0; k < t->n_levers; k++) {
				const ap_lever *lv = &t->levers[k];
				fprintf(out,
				        "%s %s level %d->%d lowers the need to "
				        "%.2f (-%.2f)",
				        k ? ";" : "", lv->ref, lv->level,
				        lv->new_level, r2(lv->need_after),
				        r2(lv->gain));
			}
			fputc('\n', out);
		}
	}
	if (r->has_mission) {
		fprintf(out, "\n   mission: %d days on ", r->mission.days);
		list(out, r->mission.themes, r->mission.n_themes, "");
		fprintf(out, ", priority %.2f", r2(r->mission.priority));
	} else if (r->n_themes == 0) {
		fputs("\n   no mission: no theme could be scored", out);
	} else {
		fputs("\n   no mission: every theme is good", out);
	}
	fputs("; requested: ", out);
	list(out, rq->themes, rq->n_themes, "no theme named");
	fputc('\n', out);
}
