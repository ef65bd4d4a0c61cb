/*
 * A campaign's outcome (appui/followup.h): the held missions' sites, their
 * diagnostic before and after, per theme the change of need and of band.
 */
#include "appui/followup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "appui/text.h"
#include "jsonout.h"
#include "util.h"

static const char *const bands[] = {"good", "watch", "degraded", "critical"};
#define N_BANDS 4

typedef struct fu_theme {
	char *theme;
	double need, low, high;
	int band; /* index in bands; -1 when unknown */
} fu_theme;

typedef struct fu_case {
	char *case_id, *site_id, *site_name, *diagnosed, *firm;
	fu_theme *themes;
	size_t n_themes;
} fu_case;

struct ap_followup {
	fu_case *cases;
	size_t n_cases;
	const ap_saved_missions *missions;
};

ap_followup *ap_followup_new(void)
{
	return ap_xcalloc(1, sizeof(ap_followup));
}

static void case_free(fu_case *c)
{
	for (size_t i = 0; i < c->n_themes; i++)
		free(c->themes[i].theme);
	free(c->themes);
	free(c->case_id);
	free(c->site_id);
	free(c->site_name);
	free(c->diagnosed);
	free(c->firm);
}

void ap_followup_free(ap_followup *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_cases; i++)
		case_free(&f->cases[i]);
	free(f->cases);
	free(f);
}

static char *jdup(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? ap_xstrdup(s) : NULL;
}

static int band_index(const char *name)
{
	for (int i = 0; i < N_BANDS; i++)
		if (name && strcmp(name, bands[i]) == 0)
			return i;
	return -1;
}

static void read_themes(fu_case *c, json_t *themes)
{
	size_t n = json_array_size(themes);
	c->themes = ap_xcalloc(n + 1, sizeof(*c->themes));
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(themes, i);
		char *theme = jdup(t, "theme");
		if (!theme)
			continue;
		c->themes[c->n_themes++] = (fu_theme){
		    theme, json_number_value(json_object_get(t, "need")),
		    json_number_value(json_object_get(t, "need_low")),
		    json_number_value(json_object_get(t, "need_high")),
		    band_index(json_string_value(json_object_get(t, "band")))};
	}
}

int ap_followup_add_case(ap_followup *f, const char *json, size_t len)
{
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	fu_case c = {0};
	if (o) {
		c.case_id = jdup(o, "case_id");
		c.site_id = jdup(o, "site_id");
		c.diagnosed = jdup(o, "diagnosed");
	}
	if (!c.case_id || !c.site_id || !c.diagnosed) {
		case_free(&c);
		json_decref(o);
		return AP_EINVALID;
	}
	c.site_name = jdup(o, "site_name");
	c.firm = jdup(o, "firm");
	read_themes(&c, json_object_get(o, "themes"));
	json_decref(o);
	f->cases = ap_xrealloc(f->cases, (f->n_cases + 1) * sizeof(*f->cases));
	f->cases[f->n_cases++] = c;
	return AP_OK;
}

void ap_followup_set_missions(ap_followup *f, const ap_saved_missions *m)
{
	f->missions = m;
}

/* ---- the outcome -----------------------------------------------------------
 */

typedef struct fu_site {
	const ap_saved_mission *m;
	const fu_case *before, *after; /* after: NULL, none yet */
} fu_site;

static const fu_case *case_of(const ap_followup *f, const char *case_id)
{
	for (size_t i = 0; i < f->n_cases; i++)
		if (strcmp(f->cases[i].case_id, case_id) == 0)
			return &f->cases[i];
	return NULL;
}

/* The site's first diagnostic dated after `day` and after `before`'s
 * (then by case id). */
static const fu_case *after_of(const ap_followup *f, const fu_case *before,
                               const char *day)
{
	const fu_case *best = NULL;
	for (size_t i = 0; i < f->n_cases; i++) {
		const fu_case *c = &f->cases[i];
		if (strcmp(c->site_id, before->site_id) != 0 ||
		    strcmp(c->diagnosed, day) <= 0 ||
		    strcmp(c->diagnosed, before->diagnosed) <= 0)
			continue;
		int cmp = best ? strcmp(c->diagnosed, best->diagnosed) : -1;
		if (cmp < 0 ||
		    (cmp == 0 && strcmp(c->case_id, best->case_id) < 0))
			best = c;
	}
	return best;
}

/* The held missions whose case is known, by site id then mission id. */
static fu_site *sites_of(const ap_followup *f, size_t *n)
{
	size_t cap = f->missions ? f->missions->n : 0;
	fu_site *v = ap_xcalloc(cap + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < cap; i++) {
		const ap_saved_mission *m = &f->missions->v[i];
		const fu_case *before = case_of(f, m->case_id);
		if (m->status != AP_MISSION_HELD || !before)
			continue;
		v[(*n)++] =
		    (fu_site){m, before, after_of(f, before, m->held_last)};
	}
	for (size_t i = 1; i < *n; i++) /* insertion sort: a campaign's few */
		for (size_t j = i; j > 0; j--) {
			int c = strcmp(v[j - 1].m->site_id, v[j].m->site_id);
			if (c < 0 || (c == 0 && strcmp(v[j - 1].m->mission_id,
			                               v[j].m->mission_id) < 0))
				break;
			fu_site t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static const fu_theme *theme_of(const fu_case *c, const char *theme)
{
	for (size_t i = 0; c && i < c->n_themes; i++)
		if (strcmp(c->themes[i].theme, theme) == 0)
			return &c->themes[i];
	return NULL;
}

/* -1 better band, 0 the same, 1 worse; 2 unknown. */
static int band_change(const fu_theme *a, const fu_theme *b)
{
	if (a->band < 0 || b->band < 0)
		return 2;
	return (b->band > a->band) - (b->band < a->band);
}

static const char *band_change_name(int c)
{
	return c < 0    ? "better"
	       : c == 0 ? "same"
	       : c == 1 ? "worse"
	                : "unknown";
}

static ap_history_verdict verdict(const fu_theme *a, const fu_theme *b)
{
	return ap_history_rule(a->need, a->low, a->high, b->need, b->low,
	                       b->high, AP_HISTORY_MARGIN);
}

/* The themes of every compared pair, sorted by name, each once. */
static char **themes_of(const fu_site *v, size_t n, size_t *n_themes)
{
	char **t = NULL;
	*n_themes = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; v[i].after && k < v[i].before->n_themes;
		     k++) {
			const char *name = v[i].before->themes[k].theme;
			size_t j = 0;
			while (j < *n_themes && strcmp(t[j], name) < 0)
				j++;
			if (!theme_of(v[i].after, name) ||
			    (j < *n_themes && strcmp(t[j], name) == 0))
				continue;
			t = ap_xrealloc(t, (*n_themes + 1) * sizeof(*t));
			memmove(t + j + 1, t + j, (*n_themes - j) * sizeof(*t));
			t[j] = (char *)name;
			(*n_themes)++;
		}
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One theme across the sites. */
typedef struct fu_sum {
	size_t sites, band[3], verdicts[4]; /* by ap_history_verdict */
	double median;
} fu_sum;

static fu_sum sum_of(const fu_site *v, size_t n, const char *theme)
{
	fu_sum s = {0};
	double *deltas = ap_xcalloc(n + 1, sizeof(double));
	for (size_t i = 0; i < n; i++) {
		const fu_theme *a = theme_of(v[i].before, theme),
		               *b = theme_of(v[i].after, theme);
		if (!a || !b)
			continue;
		int bc = band_change(a, b);
		if (bc != 2)
			s.band[bc + 1]++;
		s.verdicts[verdict(a, b)]++;
		deltas[s.sites++] = b->need - a->need;
	}
	qsort(deltas, s.sites, sizeof(double), cmp_double);
	if (s.sites)
		s.median =
		    s.sites % 2
		        ? deltas[s.sites / 2]
		        : (deltas[s.sites / 2 - 1] + deltas[s.sites / 2]) / 2;
	free(deltas);
	s.median = jround(s.median, 2);
	return s;
}

/* ---- the table -------------------------------------------------------------
 */

static void table_site(FILE *out, const fu_site *s)
{
	ap_shown sh = {0};
	for (size_t k = 0; k < s->before->n_themes; k++) {
		const fu_theme *a = &s->before->themes[k];
		const fu_theme *b = theme_of(s->after, a->theme);
		if (!b)
			continue;
		char need[64];
		snprintf(need, sizeof need, "%.2f -> %.2f (%+.2f)", a->need,
		         b->need, jround(b->need - a->need, 2));
		fprintf(out,
		        "%-18s  %-10s  %-10s  %-10s  %-9s  %-26s  %-9s -> %-9s "
		        " %s\n",
		        ap_shown_text(&sh, s->m->site_id),
		        ap_shown_text(&sh, s->m->mission_id),
		        ap_shown_text(&sh, s->m->held_last),
		        ap_shown_text(&sh, s->after->diagnosed),
		        ap_shown_text(&sh, a->theme), need,
		        a->band >= 0 ? bands[a->band] : "?",
		        b->band >= 0 ? bands[b->band] : "?",
		        ap_history_verdict_name(verdict(a, b)));
	}
	ap_shown_free(&sh);
}

static void table_names(FILE *out, const fu_site *v, size_t n,
                        const char *theme, int which, const char *label)
{
	ap_shown sh = {0};
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		const fu_theme *a = theme_of(v[i].before, theme),
		               *b = theme_of(v[i].after, theme);
		if (!a || !b || band_change(a, b) != which)
			continue;
		fprintf(out, "%s%s", first ? label : ", ",
		        ap_shown_text(&sh, v[i].m->site_id));
		first = 0;
	}
	if (!first)
		fputc('\n', out);
	ap_shown_free(&sh);
}

static void table_themes(FILE *out, const fu_site *v, size_t n)
{
	size_t nt;
	char **themes = themes_of(v, n, &nt);
	fprintf(out, _("\nPer theme (need 0-100: lower is better)\n"));
	fprintf(out, "  %-10s  %5s  %11s  %9s  %10s  %8s  %15s  %8s  %6s\n",
	        "THEME", "SITES", "BETTER BAND", "SAME BAND", "WORSE BAND",
	        "IMPROVED", "NO CLEAR CHANGE", "WORSENED", "MEDIAN");
	for (size_t t = 0; t < nt; t++) {
		fu_sum s = sum_of(v, n, themes[t]);
		fprintf(out,
		        "  %-10s  %5zu  %11zu  %9zu  %10zu  %8zu  %15zu  %8zu  "
		        "%+6.2f\n",
		        themes[t], s.sites, s.band[0], s.band[1], s.band[2],
		        s.verdicts[AP_HISTORY_IMPROVED],
		        s.verdicts[AP_HISTORY_NO_CLEAR_CHANGE],
		        s.verdicts[AP_HISTORY_WORSENED], s.median);
		table_names(out, v, n, themes[t], -1, "    better band: ");
		table_names(out, v, n, themes[t], 0, "    same band:   ");
		table_names(out, v, n, themes[t], 1, "    worse band:  ");
	}
	free(themes);
}

void ap_followup_table(FILE *out, ap_followup *f)
{
	size_t n, later = 0;
	fu_site *v = sites_of(f, &n);
	for (size_t i = 0; i < n; i++)
		later += v[i].after != NULL;
	fprintf(out,
	        _("Campaign follow-up: %zu held missions, %zu with a later "
	          "diagnostic\n\n"),
	        n, later);
	fprintf(out, "%-18s  %-10s  %-10s  %-10s  %-9s  %-26s  %-22s  %s\n",
	        "SITE", "MISSION", "HELD TO", "LATER", "THEME", "NEED", "BAND",
	        "CHANGE");
	for (size_t i = 0; i < n; i++)
		if (v[i].after)
			table_site(out, &v[i]);
	table_themes(out, v, n);
	ap_shown sh = {0};
	if (later < n)
		fputs(_("\nHeld, no later diagnostic yet:"), out);
	for (size_t i = 0, k = 0; i < n; i++)
		if (!v[i].after)
			fprintf(out, "%s%s", k++ ? ", " : " ",
			        ap_shown_text(&sh, v[i].m->site_id));
	if (later < n)
		fputc('\n', out);
	ap_shown_free(&sh);
	free(v);
}

/* ---- JSON ------------------------------------------------------------------
 */

static json_t *diag_json(const fu_case *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "case_id", jsonout_str(c->case_id));
	json_object_set_new(o, "diagnosed", jsonout_str(c->diagnosed));
	json_object_set_new(o, "firm", jsonout_str(c->firm));
	return o;
}

static json_t *theme_change_json(const fu_theme *a, const fu_theme *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "theme", jsonout_str(a->theme));
	json_object_set_new(o, "need_before", jnum(jround(a->need, 2)));
	json_object_set_new(o, "need_after", jnum(jround(b->need, 2)));
	json_object_set_new(o, "change", jnum(jround(b->need - a->need, 2)));
	json_object_set_new(o, "band_before",
	                    a->band >= 0 ? json_string(bands[a->band])
	                                 : json_null());
	json_object_set_new(o, "band_after",
	                    b->band >= 0 ? json_string(bands[b->band])
	                                 : json_null());
	json_object_set_new(o, "band_change",
	                    json_string(band_change_name(band_change(a, b))));
	json_object_set_new(
	    o, "verdict", json_string(ap_history_verdict_name(verdict(a, b))));
	return o;
}

static json_t *site_json(const fu_site *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "site_id", jsonout_str(s->m->site_id));
	json_object_set_new(o, "site_name", jsonout_str(s->before->site_name));
	json_object_set_new(o, "mission_id", jsonout_str(s->m->mission_id));
	json_object_set_new(o, "firm", jsonout_str(s->m->firm));
	json_object_set_new(o, "held_first", jsonout_str(s->m->held_first));
	json_object_set_new(o, "held_last", jsonout_str(s->m->held_last));
	json_object_set_new(o, "before", diag_json(s->before));
	json_object_set_new(o, "after",
	                    s->after ? diag_json(s->after) : json_null());
	json_t *themes = json_array();
	for (size_t k = 0; s->after && k < s->before->n_themes; k++) {
		const fu_theme *b =
		    theme_of(s->after, s->before->themes[k].theme);
		if (b)
			json_array_append_new(
			    themes,
			    theme_change_json(&s->before->themes[k], b));
	}
	json_object_set_new(o, "themes", themes);
	return o;
}

static json_t *names_json(const fu_site *v, size_t n, const char *theme,
                          int which)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const fu_theme *x = theme_of(v[i].before, theme),
		               *y = theme_of(v[i].after, theme);
		if (x && y && band_change(x, y) == which)
			json_array_append_new(a, jsonout_str(v[i].m->site_id));
	}
	return a;
}

static json_t *sum_json(const fu_site *v, size_t n, const char *theme)
{
	fu_sum s = sum_of(v, n, theme);
	json_t *o = json_object();
	json_object_set_new(o, "theme", jsonout_str(theme));
	json_object_set_new(o, "sites", json_integer((json_int_t)s.sites));
	json_object_set_new(o, "better_band",
	                    json_integer((json_int_t)s.band[0]));
	json_object_set_new(o, "same_band",
	                    json_integer((json_int_t)s.band[1]));
	json_object_set_new(o, "worse_band",
	                    json_integer((json_int_t)s.band[2]));
	json_object_set_new(
	    o, "improved",
	    json_integer((json_int_t)s.verdicts[AP_HISTORY_IMPROVED]));
	json_object_set_new(
	    o, "no_clear_change",
	    json_integer((json_int_t)s.verdicts[AP_HISTORY_NO_CLEAR_CHANGE]));
	json_object_set_new(
	    o, "worsened",
	    json_integer((json_int_t)s.verdicts[AP_HISTORY_WORSENED]));
	json_object_set_new(o, "median_change", jnum(s.median));
	json_object_set_new(o, "better_band_sites",
	                    names_json(v, n, theme, -1));
	json_object_set_new(o, "same_band_sites", names_json(v, n, theme, 0));
	json_object_set_new(o, "worse_band_sites", names_json(v, n, theme, 1));
	return o;
}

void ap_followup_json(FILE *out, ap_followup *f)
{
	size_t n, nt;
	fu_site *v = sites_of(f, &n);
	json_t *root = json_object(), *sites = json_array(),
	       *awaiting = json_array(), *themes = json_array();
	char plan[32];
	snprintf(plan, sizeof plan, "P%lld",
	         f->missions ? f->missions->plan : 0);
	json_object_set_new(root, "plan", json_string(plan));
	json_object_set_new(root, "margin", jnum(AP_HISTORY_MARGIN));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(v[i].after ? sites : awaiting,
		                      site_json(&v[i]));
	char **names = themes_of(v, n, &nt);
	for (size_t t = 0; t < nt; t++)
		json_array_append_new(themes, sum_json(v, n, names[t]));
	free(names);
	json_object_set_new(root, "held", json_integer((json_int_t)n));
	json_object_set_new(root, "sites", sites);
	json_object_set_new(root, "themes", themes);
	json_object_set_new(root, "awaiting", awaiting);
	jsonout_dumpf(root, out,
	              JSON_PRESERVE_ORDER | JSON_COMPACT |
	                  JSON_REAL_PRECISION(12));
	fputc('\n', out);
	json_decref(root);
	free(v);
}
