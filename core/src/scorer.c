/*
 * The scoring toolkit: what every theme plugin shares. A plugin supplies its
 * catalogue and its rules; everything here follows docs/scoring.md:
 *
 *   need      = 100 x sum(w_i x level_i) / (3 x sum(w_i))  over indicators
 * present need_low  = the same over the whole catalogue, missing ones at level
 * 0 need_high = the same, missing ones at level 3 confidence = sum(w present) /
 * sum(w catalogue) levers    = the three indicators whose improvement by one
 * level (for a yes/no indicator: the other answer) lowers the need most (ties:
 * catalogue order)
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host_impl.h"
#include "util.h"

struct ap_scorer {
	const loaded_plugin *p;
	const ap_policy *policy;
	const ap_case *c;
	const ap_theme_data *theme;
	int complexity;
	/* Per catalogue entry. */
	double *value;
	const ap_indicator **input;
	unsigned char *has, *derived;
	int *level;
	int computed;
	ap_theme_result *res;
	ap_ptrs rules;
	char *failure;
	int no_data; /* the theme gives nothing to score */
};

const char *ap_band_name(ap_band band)
{
	static const char *const names[] = {"good", "watch", "degraded",
	                                    "critical"};
	return (unsigned)band < 4 ? names[band] : "unknown";
}

int scorer_level_of(const ap_indicator_def *def, double v)
{
	const double *t = def->thresholds;
	if (def->direction == AP_HIGHER_IS_BETTER)
		return v >= t[0] ? 0 : v >= t[1] ? 1 : v >= t[2] ? 2 : 3;
	return v <= t[0] ? 0 : v <= t[1] ? 1 : v <= t[2] ? 2 : 3;
}

static long index_of(const ap_scorer *s, const char *ref)
{
	for (size_t i = 0; i < s->p->n_catalogue; i++)
		if (strcmp(s->p->catalogue[i].ref, ref) == 0)
			return (long)i;
	return -1;
}

/* Rounding to 1e-9 keeps 24.999999999999996 from falling below a limit of 25
 * because of the order of a sum. */
static double tidy(double x)
{
	return round(x * 1e9) / 1e9;
}

const ap_case *ap_scorer_case(const ap_scorer *s)
{
	return s->c;
}

const ap_site *ap_scorer_site(const ap_scorer *s)
{
	return ap_case_site(s->c);
}

int ap_scorer_complexity(const ap_scorer *s)
{
	return s->complexity;
}

double ap_scorer_param(const ap_scorer *s, const char *name)
{
	const ap_plugin *d = s->p->desc;
	for (size_t i = 0; i < d->params_len; i++)
		if (strcmp(d->params[i].name, name) == 0)
			return s->p->params[i];
	return NAN;
}

const ap_indicator *ap_scorer_input(const ap_scorer *s, const char *ref)
{
	long i = index_of(s, ref);
	return i >= 0 ? s->input[i] : NULL;
}

int ap_scorer_value(const ap_scorer *s, const char *ref, double *value)
{
	long i = index_of(s, ref);
	if (i < 0 || !s->has[i])
		return 0;
	*value = s->value[i];
	return 1;
}

static void add_rule(ap_scorer *s, char *text)
{
	ap_ptrs_push(&s->rules, text);
}

int ap_scorer_derive(ap_scorer *s, const char *ref, double value,
                     const char *how)
{
	long i = index_of(s, ref);
	if (i < 0 || s->has[i] || s->computed || !isfinite(value))
		return -1;
	/* A derived value obeys the same domain as a read one. */
	ap_domain dom = s->p->catalogue[i].domain;
	if (value < 0 || (dom == AP_DOMAIN_PERCENT && value > 100) ||
	    (dom == AP_DOMAIN_FLAG && value != 0 && value != 1) ||
	    (dom == AP_DOMAIN_COUNT && value != floor(value)))
		return -1;
	s->value[i] = value;
	s->has[i] = 1;
	s->derived[i] = 1;
	add_rule(s, ap_xasprintf("%s derived: %s", ref,
	                         how ? how : "by the plugin"));
	return 0;
}

static double need_of(const ap_scorer *s, const int *level, int missing_level,
                      int over_catalogue)
{
	double num = 0, den = 0;
	for (size_t i = 0; i < s->p->n_catalogue; i++) {
		double w = s->p->catalogue[i].weight;
		if (w <= 0)
			continue;
		if (s->has[i]) {
			num += w * level[i];
			den += w;
		} else if (over_catalogue) {
			num += w * missing_level;
			den += w;
		}
	}
	return den > 0 ? tidy(100.0 * num / (3.0 * den)) : 0;
}

static ap_band band_of(const ap_policy *p, double need)
{
	if (need < p->band_watch)
		return AP_BAND_GOOD;
	if (need < p->band_degraded)
		return AP_BAND_WATCH;
	if (need < p->band_critical)
		return AP_BAND_DEGRADED;
	return AP_BAND_CRITICAL;
}

int ap_scorer_compute(ap_scorer *s)
{
	if (s->computed)
		return 0;
	const size_t n = s->p->n_catalogue;
	ap_theme_result *r = s->res;
	double w_present = 0, w_all = 0;
	size_t n_rows = 0, n_missing = 0;
	for (size_t i = 0; i < n; i++) {
		const ap_indicator_def *def = &s->p->catalogue[i];
		if (s->has[i])
			s->level[i] = scorer_level_of(def, s->value[i]);
		if (def->weight <= 0)
			continue;
		w_all += def->weight;
		if (s->has[i]) {
			w_present += def->weight;
			n_rows++;
		} else {
			n_missing++;
		}
	}
	if (w_present <= 0) {
		ap_scorer_fail(s,
		               "no scorable indicator of theme '%s' is given",
		               s->p->desc->theme);
		s->no_data = 1;
		return -1;
	}

	r->need = need_of(s, s->level, 0, 0);
	r->need_low = need_of(s, s->level, 0, 1);
	r->need_high = need_of(s, s->level, 3, 1);
	r->confidence = w_all > 0 ? tidy(w_present / w_all) : 0;
	r->band = band_of(s->policy, r->need);

	r->rows = ap_xcalloc(n_rows, sizeof(*r->rows));
	r->missing = ap_xcalloc(n_missing, sizeof(*r->missing));
	for (size_t i = 0; i < n; i++) {
		const ap_indicator_def *def = &s->p->catalogue[i];
		if (def->weight <= 0)
			continue;
		if (!s->has[i]) {
			r->missing[r->n_missing++] = def->ref;
			continue;
		}
		r->rows[r->n_rows++] = (ap_indicator_row){
		    .ref = def->ref,
		    .value = s->value[i],
		    .level = s->level[i],
		    .weight = def->weight,
		    .contribution = tidy(100.0 * def->weight * s->level[i] /
		                         (3.0 * w_present)),
		    .derived = s->derived[i],
		    .line = s->input[i] ? s->input[i]->line : 0,
		};
	}

	/* Levers: recompute the need with one indicator one level better. */
	int *trial = ap_xmalloc(n * sizeof(*trial));
	for (size_t i = 0; i < n; i++) {
		const ap_indicator_def *def = &s->p->catalogue[i];
		if (!s->has[i] || s->level[i] == 0 || def->weight <= 0)
			continue;
		memcpy(trial, s->level, n * sizeof(*trial));
		/* A yes/no indicator has no "one level better": its improvement
		 * is the other answer (no GUP convention -> a convention). */
		if (def->domain == AP_DOMAIN_FLAG)
			trial[i] =
			    scorer_level_of(def, s->value[i] != 0 ? 0 : 1);
		else
			trial[i]--;
		if (trial[i] >= s->level[i])
			continue;
		ap_lever lv = {
		    .ref = def->ref,
		    .level = s->level[i],
		    .new_level = trial[i],
		    .need_after = need_of(s, trial, 0, 0),
		};
		lv.gain = tidy(r->need - lv.need_after);
		/* Insert in order of gain; equal gains keep catalogue order. */
		size_t pos = r->n_levers;
		while (pos > 0 && r->levers[pos - 1].gain < lv.gain)
			pos--;
		if (pos >= 3)
			continue;
		size_t last = r->n_levers < 3 ? r->n_levers : 2;
		for (size_t k = last; k > pos; k--)
			r->levers[k] = r->levers[k - 1];
		r->levers[pos] = lv;
		if (r->n_levers < 3)
			r->n_levers++;
	}
	free(trial);
	s->computed = 1;
	return 0;
}

double ap_scorer_need(const ap_scorer *s)
{
	return s->computed ? s->res->need : NAN;
}

ap_band ap_scorer_band(const ap_scorer *s)
{
	return s->computed ? s->res->band : AP_BAND_GOOD;
}

int ap_scorer_level(const ap_scorer *s, const char *ref)
{
	long i = index_of(s, ref);
	if (i < 0 || !s->computed || !s->has[i])
		return -1;
	return s->level[i];
}

void ap_scorer_raise_band(ap_scorer *s, ap_band band, const char *rule)
{
	if (!s->computed || (unsigned)band > AP_BAND_CRITICAL)
		return;
	ap_band before = s->res->band;
	if (band > before) {
		s->res->band = band;
		add_rule(s, ap_xasprintf("%s: band raised from %s to %s", rule,
		                         ap_band_name(before),
		                         ap_band_name(band)));
	} else {
		add_rule(s, ap_xasprintf("%s: band at least %s (already %s)",
		                         rule, ap_band_name(band),
		                         ap_band_name(before)));
	}
}

void ap_scorer_note(ap_scorer *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_rule(s, ap_xvasprintf(fmt, ap));
	va_end(ap);
}

void ap_scorer_fail(ap_scorer *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(s->failure);
	s->failure = ap_xvasprintf(fmt, ap);
	va_end(ap);
}

static int days_of(const ap_policy *p, ap_band band, int complexity)
{
	int days;
	switch (band) {
	case AP_BAND_WATCH:
		days = p->days_watch;
		break;
	case AP_BAND_DEGRADED:
		days = p->days_degraded;
		break;
	case AP_BAND_CRITICAL:
		days = p->days_critical;
		break;
	default:
		return 0;
	}
	if (complexity >= p->complexity_bonus_from)
		days += p->complexity_bonus;
	return days;
}

void scorer_theme_clear(ap_theme_result *r)
{
	free(r->rows);
	free(r->missing);
	for (size_t i = 0; i < r->n_rules; i++)
		free(r->rules[i]);
	free(r->rules);
	memset(r, 0, sizeof(*r));
}

int scorer_run(const loaded_plugin *p, const ap_policy *policy,
               const ap_case *c, const ap_theme_data *theme, int complexity,
               ap_theme_result *out, char **error)
{
	const size_t n = p->n_catalogue;
	ap_scorer s = {
	    .p = p,
	    .policy = policy,
	    .c = c,
	    .theme = theme,
	    .complexity = complexity,
	    .res = out,
	};
	/* One allocation for the per-indicator arrays. */
	s.value = ap_xcalloc(n ? n : 1, sizeof(*s.value));
	s.input = ap_xcalloc(n ? n : 1, sizeof(*s.input));
	s.level = ap_xcalloc(n ? n : 1, sizeof(*s.level));
	s.has = ap_xcalloc(n ? n : 1, 2);
	s.derived = s.has + n;

	memset(out, 0, sizeof(*out));
	out->theme = p->desc->theme;
	out->plugin = p->info->id;
	out->plugin_version = p->desc->version;
	for (size_t i = 0; i < theme->n_indicators; i++) {
		long k = index_of(&s, theme->indicators[i].ref);
		if (k < 0)
			continue; /* unknown refs were reported by the check */
		s.value[k] = theme->indicators[i].value;
		s.input[k] = &theme->indicators[i];
		s.has[k] = 1;
	}

	int rc = p->desc->score(p->state, &s);
	if (rc == 0 && !s.computed)
		rc = ap_scorer_compute(&s);
	if (rc != 0 || s.failure) {
		*error = s.failure
		             ? s.failure
		             : ap_xstrdup("the plugin reported a failure");
		s.failure = NULL;
		for (size_t i = 0; i < s.rules.len; i++)
			free(s.rules.items[i]);
		ap_ptrs_free(&s.rules);
		scorer_theme_clear(out);
		rc = s.no_data ? -2 : -1;
	} else {
		out->days = days_of(policy, out->band, complexity);
		out->rules = (char **)s.rules.items;
		out->n_rules = s.rules.len;
	}
	free(s.value);
	free(s.input);
	free(s.level);
	free(s.has);
	return rc;
}

/* ---- the site --------------------------------------------------------------
 */

static int in_list(char *const *list, size_t n, const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int scorer_site_complexity(const ap_policy *p, const ap_site *site,
                           const char **factors, size_t *n_factors,
                           const char **unknown, size_t *n_unknown)
{
	*n_factors = *n_unknown = 0;
#define FACTOR(name, known, holds)                      \
	do {                                            \
		if (!(known))                           \
			unknown[(*n_unknown)++] = name; \
		else if (holds)                         \
			factors[(*n_factors)++] = name; \
	} while (0)
	FACTOR("ageing-stock", site->built >= 0, site->built < p->built_before);
	FACTOR("fragile-occupancy", !isnan(site->low_income_share),
	       site->low_income_share > p->low_income_share_above);
	FACTOR("enclaved-or-peripheral", site->situation != NULL,
	       in_list(p->situations, p->n_situations, site->situation));
	FACTOR("no-local-staff",
	       !isnan(site->onsite_fte) && site->dwellings > 0,
	       site->onsite_fte * 100.0 / (double)site->dwellings <
	           p->staff_per_100_below);
	FACTOR("far-from-agency", !isnan(site->agency_distance_km),
	       site->agency_distance_km > p->agency_km_above);
	FACTOR("urban-renewal", site->renewal != NULL,
	       in_list(p->renewals, p->n_renewals, site->renewal));
#undef FACTOR
	return (int)*n_factors;
}

static int by_need(const void *a, const void *b)
{
	const ap_theme_result *x = *(const ap_theme_result *const *)a;
	const ap_theme_result *y = *(const ap_theme_result *const *)b;
	if (x->need != y->need)
		return x->need > y->need ? -1 : 1;
	return strcmp(x->theme, y->theme);
}

/* The method's mission days and priority for the themes `in` (by
 * decreasing need): the top theme's days, more for each other degraded
 * theme, within the policy's bounds; the top need, a share of the others'
 * and of the complexity. */
static void mission_of(const ap_policy *p, const ap_theme_result *const *in,
                       size_t n, int complexity, int *days_out,
                       double *priority)
{
	int top_days = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i]->days > top_days)
			top_days = in[i]->days;
	/* Every other theme degraded or worse adds days; "other" excludes one
	 * theme holding the top days. */
	int extra = 0, skipped_top = 0;
	for (size_t i = 0; i < n; i++) {
		if (!skipped_top && in[i]->days == top_days) {
			skipped_top = 1;
			continue;
		}
		if (in[i]->band >= AP_BAND_DEGRADED)
			extra += p->other_theme_days;
	}
	int days = top_days + extra;
	if (days < p->mission_min)
		days = p->mission_min;
	if (days > p->mission_max)
		days = p->mission_max;
	*days_out = days;
	double others = 0;
	for (size_t i = 1; i < n; i++)
		others += in[i]->need;
	*priority = tidy(in[0]->need + p->priority_other_themes * others +
	                 p->priority_complexity * complexity);
}

/* The mission of each proper subset of the mission's themes. */
static void partial_missions(const ap_policy *p,
                             const ap_theme_result *const *in, size_t n,
                             ap_case_result *r)
{
	if (n < 2 || n > AP_PARTIAL_MAX_THEMES)
		return;
	unsigned all = (1u << n) - 1;
	r->partials = ap_xcalloc(all - 1, sizeof(*r->partials));
	for (unsigned mask = 1; mask < all; mask++) {
		const ap_theme_result *sub[AP_PARTIAL_MAX_THEMES];
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (mask & (1u << i))
				sub[k++] = in[i];
		ap_partial_mission *pm = &r->partials[r->n_partials++];
		pm->themes = mask;
		mission_of(p, sub, k, r->complexity, &pm->days, &pm->priority);
	}
}

void scorer_site_mission(const ap_policy *p, ap_case_result *r)
{
	const ap_theme_result *in[64];
	size_t n = 0;
	for (size_t i = 0; i < r->n_themes && n < 64; i++)
		if (r->themes[i].band >= AP_BAND_WATCH)
			in[n++] = &r->themes[i];
	r->has_mission = n > 0;
	if (!n)
		return;
	qsort(in, n, sizeof(*in), by_need);

	ap_mission *m = &r->mission;
	mission_of(p, in, n, r->complexity, &m->days, &m->priority);
	m->themes = ap_xcalloc(n, sizeof(*m->themes));
	for (size_t i = 0; i < n; i++)
		m->themes[i] = in[i]->theme;
	m->n_themes = n;
	partial_missions(p, in, n, r);
}

void ap_case_result_free(ap_case_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_themes; i++)
		scorer_theme_clear(&r->themes[i]);
	free(r->themes);
	free(r->factors);
	free(r->unknown_factors);
	free(r->mission.themes);
	free(r->partials);
	free(r);
}
