/*
 * The sites of a campaign as the planner sees them (ap_plan_input): copied
 * out of each scored case, into one arena, so that a batch never holds every
 * case in memory.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

ap_plan_input *ap_plan_input_new(void)
{
	ap_plan_input *in = ap_xcalloc(1, sizeof(*in));
	ap_arena_init(&in->arena);
	return in;
}

void ap_plan_input_free(ap_plan_input *in)
{
	if (!in)
		return;
	ap_arena_free(&in->arena);
	free(in->sites);
	free(in);
}

void ap_plan_input_add_site(ap_plan_input *in, const ap_plan_site *s)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->sites =
		    ap_xrealloc(in->sites, in->cap * sizeof(*in->sites));
	}
	ap_arena *a = &in->arena;
	ap_plan_site *c = &in->sites[in->n++];
	*c = *s;
	/* Priorities count in hundredths, as printed: the sum a coordinator
	 * adds up from the table is the one that was maximised. */
	c->priority = round(s->priority * 100.0) / 100.0;
	c->file = ap_arena_strdup(a, s->file);
	c->case_id = ap_arena_strdup(a, s->case_id);
	c->site_id = ap_arena_strdup(a, s->site_id);
	c->site_name = ap_arena_strdup(a, s->site_name);
	c->commune = ap_arena_strdup(a, s->commune);
	c->organisation_id = ap_arena_strdup(a, s->organisation_id);
	c->organisation_name = ap_arena_strdup(a, s->organisation_name);
	c->region = ap_arena_strdup(a, s->region);
	const char **themes =
	    ap_arena_alloc(a, (s->n_themes + 1) * sizeof(*themes));
	for (size_t i = 0; i < s->n_themes; i++)
		themes[i] = ap_arena_strdup(a, s->themes[i]);
	c->themes = themes;
	ap_partial_mission *pm =
	    ap_arena_alloc(a, (s->n_partials + 1) * sizeof(*pm));
	for (size_t i = 0; i < s->n_partials; i++) {
		pm[i] = s->partials[i];
		pm[i].priority = round(pm[i].priority * 100.0) / 100.0;
	}
	c->partials = pm;
}

void ap_plan_site_of(const ap_case_result *r, ap_plan_site *s)
{
	const ap_case *c = r->c;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	const ap_request *rq = ap_case_request(c);
	*s = (ap_plan_site){
	    .file = ap_case_file(c),
	    .case_id = ap_case_id(c),
	    .site_id = site->id,
	    .site_name = site->name,
	    .commune = site->commune,
	    .organisation_id = org->id,
	    .organisation_name = org->name,
	    .region = org->region,
	    .diagnosed = ap_case_diagnostic(c)->date,
	};
	if (r->has_mission) {
		s->themes = r->mission.themes;
		s->n_themes = r->mission.n_themes;
		s->days = r->mission.days;
		s->priority = r->mission.priority;
		s->partials = r->partials;
		s->n_partials = r->n_partials;
	}
	if (rq->window_start.year && rq->window_end.year) {
		s->has_window = 1;
		s->window_first = ap_day_from_date(rq->window_start);
		s->window_last = ap_day_from_date(rq->window_end);
	}
}

size_t ap_plan_input_count(const ap_plan_input *in)
{
	return in->n;
}

const ap_plan_site *ap_plan_input_at(const ap_plan_input *in, size_t i)
{
	return i < in->n ? &in->sites[i] : NULL;
}

typedef struct site_ref {
	const ap_plan_site *s;
	size_t i; /* in the input */
} site_ref;

/* By organisation, site, diagnostic date, then input order. */
static int cmp_site_ref(const void *a, const void *b)
{
	const site_ref *x = a, *y = b;
	int c = strcmp(x->s->organisation_id, y->s->organisation_id);
	if (!c)
		c = strcmp(x->s->site_id, y->s->site_id);
	if (!c)
		c = ap_date_cmp(x->s->diagnosed, y->s->diagnosed);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int same_site(const ap_plan_site *x, const ap_plan_site *y)
{
	return strcmp(x->organisation_id, y->organisation_id) == 0 &&
	       strcmp(x->site_id, y->site_id) == 0;
}

/* Warns that `s` is left out for `kept`, a more recent case of its site. */
static void warn_left_out(const ap_plan_site *s, const ap_plan_site *kept,
                          ap_diags *d)
{
	const ap_date a = s->diagnosed, b = kept->diagnosed;
	ap_diags_add(d, AP_WARNING, s->file, 0, "site/@id",
	             "site %s of %s is also in %s (case %s, diagnosed "
	             "%04d-%02d-%02d): the plan takes one case per site, the "
	             "most recent, so not this one (case %s, %04d-%02d-%02d)",
	             s->site_id, s->organisation_id, kept->file, kept->case_id,
	             b.year, b.month, b.day, s->case_id, a.year, a.month,
	             a.day);
}

ap_plan_input *plan_input_one_per_site(const ap_plan_input *in, ap_diags *d)
{
	size_t n = in->n;
	site_ref *refs = ap_xcalloc(n ? n : 1, sizeof(*refs));
	unsigned char *dropped = ap_xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++)
		refs[i] = (site_ref){&in->sites[i], i};
	qsort(refs, n, sizeof(*refs), cmp_site_ref);
	/* In each run of one site, the last is the most recent. */
	for (size_t k = 0, end; k < n; k = end) {
		for (end = k + 1; end < n && same_site(refs[k].s, refs[end].s);
		     end++)
			;
		for (size_t j = k; j + 1 < end; j++) {
			dropped[refs[j].i] = 1;
			warn_left_out(refs[j].s, refs[end - 1].s, d);
		}
	}
	ap_plan_input *out = ap_plan_input_new();
	out->sites = ap_xcalloc(n ? n : 1, sizeof(*out->sites));
	out->cap = n;
	for (size_t i = 0; i < n; i++)
		if (!dropped[i])
			out->sites[out->n++] = in->sites[i];
	free(refs);
	free(dropped);
	return out;
}
