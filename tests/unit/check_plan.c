/*
 * Unit tests of the planner: every plan obeys the guarantees of
 * docs/planning.md, and the selection is optimal: on 1000 random small
 * campaigns its priority sum (then its days) equals the best found by
 * exhaustive search, whose calendar check is an independent max-flow.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/calendar.h"
#include "appui/campaign.h"
#include "appui/plan.h"
#include "testutil.h"

/* ---- building campaigns by hand
 * ---------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: seeded, so every run tests the same instances. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static int rnd_int(int lo, int hi)
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static const char *const THEMES[] = {"quality", "urban", "security"};
static const char *const REGIONS[] = {"Bretagne", "Occitanie", "Normandie"};

static char **strv(const char *const *v, size_t n)
{
	char **out = calloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = strdup(v[i]);
	return out;
}

static ap_day day_of(const char *iso)
{
	ap_date d;
	ck_assert_int_eq(ap_date_parse(iso, &d), 0);
	return ap_day_from_date(d);
}

static ap_campaign *campaign_new(const char *first, const char *last)
{
	ap_campaign *c = calloc(1, sizeof(*c));
	c->id = strdup("TEST");
	c->name = strdup("test campaign");
	c->window_first = day_of(first);
	c->window_last = day_of(last);
	c->min_days = 3;
	c->max_days = 6;
	c->max_span_days = 56;
	return c;
}

static ap_firm *firm_add(ap_campaign *c, const char *id,
                         const char *const *themes, size_t n_themes,
                         const char *const *regions, size_t n_regions,
                         double rate, int capacity)
{
	c->firms = realloc(c->firms, (c->n_firms + 1) * sizeof(*c->firms));
	ap_firm *f = &c->firms[c->n_firms++];
	memset(f, 0, sizeof(*f));
	f->id = strdup(id);
	f->name = strdup(id);
	f->themes = strv(themes, n_themes);
	f->n_themes = n_themes;
	f->regions = strv(regions, n_regions);
	f->n_regions = n_regions;
	f->daily_rate = rate;
	f->capacity = capacity;
	return f;
}

static void site_add(ap_plan_input *in, const char *id, const char *region,
                     const char *const *themes, size_t n_themes, int days,
                     double priority, const char *w_first, const char *w_last)
{
	ap_plan_site s = {
	    .file = "test.xml",
	    .case_id = id,
	    .site_id = id,
	    .site_name = id,
	    .commune = "Rennes",
	    .organisation_id = "ORG",
	    .organisation_name = "Org",
	    .region = region,
	    .themes = themes,
	    .n_themes = n_themes,
	    .days = days,
	    .priority = priority,
	};
	if (w_first) {
		s.has_window = 1;
		s.window_first = day_of(w_first);
		s.window_last = day_of(w_last);
	}
	ap_plan_input_add_site(in, &s);
}

/* ---- checking a plan against the guarantees
 * ---------------------------------- */

static void check_plan_valid(const ap_campaign *c, const ap_plan_input *in,
                             const ap_plan *p)
{
	int days = 0;
	double euros = 0, prio = 0;
	int *firm_days = calloc(c->n_firms, sizeof(int));
	unsigned char *seen = calloc(ap_plan_input_count(in), 1);
	for (size_t m = 0; m < p->n_missions; m++) {
		const ap_planned *pm = &p->missions[m];
		const ap_plan_site *s = ap_plan_input_at(in, pm->site);
		const ap_firm *f = &c->firms[pm->firm];
		ck_assert_msg(!seen[pm->site], "site planned twice");
		seen[pm->site] = 1;
		/* 1. 3..6 days, never more than recommended, only covered
		 * themes, a firm serving the region. */
		ck_assert_int_ge(pm->days, c->min_days);
		ck_assert_int_le(pm->days, c->max_days);
		/* A mission on part of the themes (partial_themes) has that
		 * part's days, its priority and only its themes covered. */
		int rec = s->days;
		for (size_t k = 0; pm->themes && k < s->n_partials; k++)
			if (s->partials[k].themes == pm->themes)
				rec = s->partials[k].days;
		ck_assert(!pm->themes || c->partial_themes);
		ck_assert_int_le(pm->days, rec > c->max_days   ? c->max_days
		                           : rec < c->min_days ? c->min_days
		                                               : rec);
		if (!c->allow_shorter && !pm->themes)
			ck_assert_int_eq(pm->days, s->days);
		for (size_t t = 0; t < s->n_themes; t++)
			if (!pm->themes || (pm->themes & (1u << t)))
				ck_assert(ap_firm_covers(f, s->themes[t]));
		ck_assert(ap_firm_serves(f, s->region));
		/* 3, 4. working days of the firm, in both windows, in order, in
		 * one span, never two missions of a firm on one day. */
		for (int k = 0; k < pm->days; k++) {
			ap_day d = pm->dates[k];
			ck_assert(ap_firm_available(c, f, d));
			ck_assert(ap_is_working_day(d));
			ck_assert(ap_french_holiday(d) == NULL);
			ck_assert(d >= c->window_first && d <= c->window_last);
			if (s->has_window)
				ck_assert(d >= s->window_first &&
				          d <= s->window_last);
			if (k)
				ck_assert(d > pm->dates[k - 1]);
			for (size_t o = 0; o < p->n_missions; o++) {
				if (o == m || p->missions[o].firm != pm->firm)
					continue;
				for (int q = 0; q < p->missions[o].days; q++)
					ck_assert_msg(
					    p->missions[o].dates[q] != d,
					    "firm %s booked twice on one day",
					    f->id);
			}
		}
		ck_assert_int_lt(pm->dates[pm->days - 1] - pm->dates[0],
		                 c->max_span_days);
		ck_assert_double_eq_tol(pm->cost, pm->days * f->daily_rate,
		                        1e-9);
		ck_assert_ptr_nonnull(pm->why);
		days += pm->days;
		euros += pm->cost;
		prio += pm->themes ? pm->priority : s->priority;
		firm_days[pm->firm] += pm->days;
	}
	/* 2. budget; 3. capacity. */
	if (c->has_budget_days)
		ck_assert_int_le(days, c->budget_days);
	if (c->has_budget_euros)
		ck_assert_msg(euros <= c->budget_euros + 1e-6,
		              "euros %.4f > budget %.4f", euros,
		              c->budget_euros);
	for (size_t f = 0; f < c->n_firms; f++)
		ck_assert_int_le(firm_days[f], c->firms[f].capacity);
	ck_assert_int_eq(days, p->total_days);
	ck_assert_double_eq_tol(euros, p->total_euros, 1e-6);
	ck_assert_double_eq_tol(prio, p->priority_sum, 1e-6);
	/* 7. every other site is listed, with a reason. */
	ck_assert_uint_eq(p->n_missions + p->n_unplanned,
	                  ap_plan_input_count(in));
	for (size_t u = 0; u < p->n_unplanned; u++) {
		ck_assert(!seen[p->unplanned[u].site]);
		ck_assert_ptr_nonnull(p->unplanned[u].detail);
	}
	free(firm_days);
	free(seen);
}

/* ---- exhaustive search
 * ----------------------------------------------------------- */

/*
 * Can a firm fit these missions? Max flow from missions (capacity: days)
 * to the firm's available days in each window (capacity 1). The test
 * campaigns are shorter than the 8-week span, so the span never binds and
 * the flow is an exact check, written independently of the planner.
 */
typedef struct bf_mission {
	ap_day from, to;
	int days;
} bf_mission;

static int flow_fits(const ap_campaign *c, const ap_firm *f,
                     const bf_mission *ms, size_t n)
{
	ap_day days[128];
	size_t nd = 0;
	for (ap_day d = c->window_first; d <= c->window_last && nd < 128; d++)
		if (ap_firm_available(c, f, d))
			days[nd++] = d;
	/* Augmenting paths (Kuhn) over mission-day units. */
	int owner[128];
	for (size_t k = 0; k < nd; k++)
		owner[k] = -1;
	int need = 0;
	for (size_t m = 0; m < n; m++)
		need += ms[m].days;
	int units[64];
	size_t nu = 0;
	for (size_t m = 0; m < n; m++)
		for (int k = 0; k < ms[m].days; k++)
			units[nu++] = (int)m;
	int matched = 0;
	for (size_t u = 0; u < nu; u++) {
		/* DFS with a visited mark per day. */
		unsigned char visited[128] = {0};
		int stack_unit[64], stack_pos[64], sp = 0;
		int path_day[64];
		stack_unit[0] = (int)u;
		stack_pos[0] = 0;
		int found = 0;
		while (sp >= 0 && !found) {
			int cu = stack_unit[sp];
			const bf_mission *bm = &ms[units[cu]];
			int advanced = 0;
			while (stack_pos[sp] < (int)nd) {
				int k = stack_pos[sp]++;
				if (visited[k] || days[k] < bm->from ||
				    days[k] > bm->to)
					continue;
				visited[k] = 1;
				path_day[sp] = k;
				if (owner[k] < 0) {
					found = 1;
				} else {
					sp++;
					stack_unit[sp] = owner[k];
					stack_pos[sp] = 0;
				}
				advanced = 1;
				break;
			}
			if (!advanced)
				sp--;
		}
		if (found) {
			for (int level = sp; level >= 0; level--)
				owner[path_day[level]] = stack_unit[level];
			matched++;
		}
	}
	return matched == need;
}

typedef struct bf {
	const ap_campaign *c;
	const ap_plan_input *in;
	size_t n;
	int *choice_firm, *choice_days; /* -1: not planned */
	long best_cents;
	int best_days;
	int best_shortfall;
	int best_ranks; /* sum of the planned sites' positions in id order */
} bf;

static long cents(double x)
{
	return lround(x * 100);
}

static int rec_days(const ap_campaign *c, const ap_plan_site *s)
{
	return s->days < c->min_days   ? c->min_days
	       : s->days > c->max_days ? c->max_days
	                               : s->days;
}

static void bf_evaluate(bf *b)
{
	const ap_campaign *c = b->c;
	int days = 0, shortfall = 0, ranks = 0;
	double euros = 0;
	long sum = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->choice_firm[i] < 0)
			continue;
		const ap_plan_site *s = ap_plan_input_at(b->in, i);
		days += b->choice_days[i];
		euros +=
		    b->choice_days[i] * c->firms[b->choice_firm[i]].daily_rate;
		sum += cents(s->priority);
		shortfall += rec_days(c, s) - b->choice_days[i];
		ranks += (int)i; /* ids S00, S01, ... follow the input order */
	}
	if (c->has_budget_days && days > c->budget_days)
		return;
	if (c->has_budget_euros && euros > c->budget_euros + 1e-6)
		return;
	for (size_t f = 0; f < c->n_firms; f++) {
		bf_mission ms[16];
		size_t n = 0;
		int load = 0;
		for (size_t i = 0; i < b->n; i++) {
			if (b->choice_firm[i] != (int)f)
				continue;
			const ap_plan_site *s = ap_plan_input_at(b->in, i);
			ap_day from = c->window_first, to = c->window_last;
			if (s->has_window) {
				from = s->window_first > from ? s->window_first
				                              : from;
				to = s->window_last < to ? s->window_last : to;
			}
			ms[n++] = (bf_mission){from, to, b->choice_days[i]};
			load += b->choice_days[i];
		}
		if (load > c->firms[f].capacity)
			return;
		if (n && !flow_fits(c, &c->firms[f], ms, n))
			return;
	}
	/* Ties: less shortening, fewer days, then sites earlier by id. */
	int better = sum != b->best_cents ? sum > b->best_cents
	             : shortfall != b->best_shortfall
	                 ? shortfall < b->best_shortfall
	             : days != b->best_days ? days < b->best_days
	                                    : ranks < b->best_ranks;
	if (better) {
		b->best_cents = sum;
		b->best_days = days;
		b->best_shortfall = shortfall;
		b->best_ranks = ranks;
	}
}

static void bf_search(bf *b, size_t i)
{
	if (i == b->n) {
		bf_evaluate(b);
		return;
	}
	const ap_campaign *c = b->c;
	const ap_plan_site *s = ap_plan_input_at(b->in, i);
	b->choice_firm[i] = -1;
	bf_search(b, i + 1);
	if (s->days <= 0 || s->priority <= 0)
		return;
	int rec = rec_days(c, s);
	int lo = c->allow_shorter ? c->min_days : rec;
	for (size_t f = 0; f < c->n_firms; f++) {
		int ok = ap_firm_serves(&c->firms[f], s->region);
		for (size_t t = 0; ok && t < s->n_themes; t++)
			ok = ap_firm_covers(&c->firms[f], s->themes[t]);
		if (!ok)
			continue;
		for (int d = lo; d <= rec; d++) {
			b->choice_firm[i] = (int)f;
			b->choice_days[i] = d;
			bf_search(b, i + 1);
		}
	}
	b->choice_firm[i] = -1;
}

static void free_campaign(ap_campaign *c)
{
	ap_campaign_free(c);
}

/* One random small campaign: 1-8 sites, 1-3 firms, a window of 2-7 weeks. */
static void random_instance(ap_campaign **cp, ap_plan_input **inp)
{
	static const char *starts[] = {"2025-03-31", "2025-04-28", "2025-05-05",
	                               "2025-10-27", "2025-12-15"};
	const char *start = starts[rnd_int(0, 4)];
	ap_day first = day_of(start);
	ap_day last = first + rnd_int(13, 48);
	char a[11], b[11];
	ap_date_format(ap_date_from_day(first), a);
	ap_date_format(ap_date_from_day(last), b);
	ap_campaign *c = campaign_new(a, b);
	c->allow_shorter = rnd_int(0, 3) == 0;
	if (rnd_int(0, 3)) {
		c->has_budget_days = 1;
		c->budget_days = rnd_int(3, 24);
	}
	if (!c->has_budget_days || rnd_int(0, 2) == 0) {
		c->has_budget_euros = 1;
		c->budget_euros = rnd_int(3, 25) * 1000.0;
	}
	int nf = rnd_int(0, 3) == 0 ? 3 : rnd_int(1, 2);
	for (int f = 0; f < nf; f++) {
		const char *themes[3];
		size_t nt = 0;
		for (int t = 0; t < 3; t++)
			if (rnd_int(0, 2))
				themes[nt++] = THEMES[t];
		if (!nt)
			themes[nt++] = THEMES[f % 3];
		const char *regions[3];
		size_t nr = 0;
		if (rnd_int(0, 4) == 0)
			regions[nr++] = "*";
		else
			for (int r = 0; r < 3; r++)
				if (rnd_int(0, 1) || (r == 2 && !nr))
					regions[nr++] = REGIONS[r];
		char id[16];
		snprintf(id, sizeof id, "F%d", f);
		ap_firm *firm =
		    firm_add(c, id, themes, nt, regions, nr,
		             900 + 50 * rnd_int(0, 8), rnd_int(3, 20));
		if (rnd_int(0, 2) == 0) {
			firm->days_off = calloc(1, sizeof(*firm->days_off));
			firm->days_off[0].first = first + rnd_int(0, 10);
			firm->days_off[0].last =
			    firm->days_off[0].first + rnd_int(0, 6);
			firm->n_days_off = 1;
		}
	}
	ap_plan_input *in = ap_plan_input_new();
	int ns = rnd_int(1, c->allow_shorter ? 5 : 8);
	for (int i = 0; i < ns; i++) {
		const char *themes[3];
		size_t nt = 0;
		for (int t = 0; t < 3; t++)
			if (rnd_int(0, 2) == 0)
				themes[nt++] = THEMES[t];
		if (!nt)
			themes[nt++] = THEMES[rnd_int(0, 2)];
		char id[16];
		snprintf(id, sizeof id, "S%02d", i);
		int days = rnd_int(0, 8) == 0 ? 0 : rnd_int(3, 6);
		/* Priorities often equal, to exercise the tie-breaks. */
		double prio = days ? (double)rnd_int(2, 12) * 12.5 : 0;
		char wa[11], wb[11];
		/* Narrow windows often, so that firms' calendars conflict. */
		int has_window = rnd_int(0, 2) != 0;
		if (has_window) {
			ap_day w0 = first + rnd_int(-2, 8);
			ap_day w1 = w0 + (rnd_int(0, 1) ? rnd_int(5, 10)
			                                : rnd_int(11, 30));
			ap_date_format(ap_date_from_day(w0), wa);
			ap_date_format(ap_date_from_day(w1), wb);
		}
		site_add(in, id, REGIONS[rnd_int(0, 2)], themes, nt, days, prio,
		         has_window ? wa : NULL, has_window ? wb : NULL);
	}
	*cp = c;
	*inp = in;
}

START_TEST(optimal_against_exhaustive_search)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	int instances = 1000, with_missions = 0, with_unplanned = 0,
	    shorter = 0;
	int with_cuts = 0;
	for (int k = 0; k < instances; k++) {
		ap_campaign *c;
		ap_plan_input *in;
		random_instance(&c, &in);
		ap_diags *d = ap_diags_new();
		ap_plan *p = NULL;
		ap_plan_options opt = {.time_limit = 30};
		int brc = ap_plan_build(&p, c, in, &opt, d);
		if (brc != 0)
			for (size_t q = 0; q < ap_diags_count(d); q++)
				fprintf(stderr, "DBG %d: %s\n", k,
				        ap_diags_at(d, q)->message);
		ck_assert_int_eq(brc, 0);
		ck_assert_msg(p->optimal, "instance %d not proven optimal", k);
		check_plan_valid(c, in, p);

		bf b = {.c = c, .in = in, .n = ap_plan_input_count(in)};
		b.choice_firm = calloc(b.n, sizeof(int));
		b.choice_days = calloc(b.n, sizeof(int));
		b.best_cents = 0;
		b.best_days = 0;
		b.best_shortfall = 0;
		b.best_ranks = 0;
		bf_search(&b, 0);
		long got = 0;
		int shortfall = 0, ranks = 0;
		for (size_t m = 0; m < p->n_missions; m++) {
			const ap_plan_site *s =
			    ap_plan_input_at(in, p->missions[m].site);
			got += cents(s->priority);
			shortfall += rec_days(c, s) - p->missions[m].days;
			ranks += (int)p->missions[m].site;
		}
		ck_assert_msg(got == b.best_cents,
		              "instance %d: planner %ld, exhaustive search %ld",
		              k, got, b.best_cents);
		/* Ties: less shortening, fewer days, then sites by id. */
		ck_assert_msg(shortfall == b.best_shortfall &&
		                  p->total_days == b.best_days &&
		                  ranks == b.best_ranks,
		              "instance %d: tie-break differs (shortfall %d vs "
		              "%d, days %d vs %d, site ranks %d vs %d)",
		              k, shortfall, b.best_shortfall, p->total_days,
		              b.best_days, ranks, b.best_ranks);
		with_missions += p->n_missions > 0;
		with_unplanned += p->n_unplanned > 0;
		shorter += c->allow_shorter;
		with_cuts += p->solver_rounds > 1;
		free(b.choice_firm);
		free(b.choice_days);
		ap_plan_free(p);
		ap_diags_free(d);
		ap_plan_input_free(in);
		free_campaign(c);
	}
	/* The generator gives varied instances, not trivial ones. */
	ck_assert_int_gt(with_missions, instances / 2);
	ck_assert_int_gt(with_unplanned, instances / 3);
	ck_assert_int_gt(shorter, instances / 8);
	/* ... and calendars that force the planner to cut and solve again. */
	ck_assert_msg(with_cuts >= 10,
	              "only %d instances needed a calendar cut", with_cuts);
}
END_TEST

/* ---- behaviours
 * ------------------------------------------------------------------ */

static const char *const Q[] = {"quality"};
static const char *const QU[] = {"quality", "urban"};
static const char *const S[] = {"security"};
static const char *const BRETAGNE[] = {"Bretagne"};
static const char *const EVERYWHERE[] = {"*"};

static ap_plan *plan_of(const ap_campaign *c, const ap_plan_input *in)
{
	ap_diags *d = ap_diags_new();
	ap_plan *p = NULL;
	ck_assert_int_eq(ap_plan_build(&p, c, in, NULL, d), 0);
	ap_diags_free(d);
	check_plan_valid(c, in, p);
	return p;
}

static const ap_unplanned *
unplanned_of(const ap_plan *p, const ap_plan_input *in, const char *site)
{
	for (size_t u = 0; u < p->n_unplanned; u++)
		if (strcmp(ap_plan_input_at(in, p->unplanned[u].site)->site_id,
		           site) == 0)
			return &p->unplanned[u];
	return NULL;
}

static const ap_planned *mission_of(const ap_plan *p, const ap_plan_input *in,
                                    const char *site)
{
	for (size_t m = 0; m < p->n_missions; m++)
		if (strcmp(ap_plan_input_at(in, p->missions[m].site)->site_id,
		           site) == 0)
			return &p->missions[m];
	return NULL;
}

START_TEST(reasons_for_unplanned_sites)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-10-31");
	c->has_budget_days = 1;
	c->budget_days = 8;
	firm_add(c, "FQ", Q, 1, BRETAGNE, 1, 1000, 30);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A-TOP", "Bretagne", Q, 1, 5, 90, NULL, NULL);
	site_add(in, "B-GOOD", "Bretagne", Q, 1, 0, 0, NULL, NULL);
	site_add(in, "C-NOFIRM", "Bretagne", S, 1, 4, 80, NULL, NULL);
	site_add(in, "D-ELSEWHERE", "Occitanie", Q, 1, 4, 70, NULL, NULL);
	site_add(in, "E-SHORTWIN", "Bretagne", Q, 1, 4, 60, "2025-09-06",
	         "2025-09-09");
	site_add(in, "F-BUDGET", "Bretagne", Q, 1, 4, 50, NULL, NULL);
	site_add(in, "G-OUTSIDE", "Bretagne", Q, 1, 3, 40, "2026-01-05",
	         "2026-02-27");
	ap_plan *p = plan_of(c, in);
	ck_assert_ptr_nonnull(mission_of(p, in, "A-TOP"));
	ck_assert_int_eq(unplanned_of(p, in, "B-GOOD")->reason,
	                 AP_UNPLANNED_BELOW_THRESHOLD);
	ck_assert_int_eq(unplanned_of(p, in, "C-NOFIRM")->reason,
	                 AP_UNPLANNED_NO_FIRM);
	ck_assert(strstr(unplanned_of(p, in, "C-NOFIRM")->detail,
	                 "no firm covers security in Bretagne"));
	ck_assert_int_eq(unplanned_of(p, in, "D-ELSEWHERE")->reason,
	                 AP_UNPLANNED_NO_FIRM);
	/* 2025-09-06..09 holds two working days (Mon 8, Tue 9). */
	const ap_unplanned *w = unplanned_of(p, in, "E-SHORTWIN");
	ck_assert_int_eq(w->reason, AP_UNPLANNED_WINDOW);
	ck_assert_msg(strstr(w->detail, "at most 2"), "%s", w->detail);
	ck_assert_int_eq(unplanned_of(p, in, "F-BUDGET")->reason,
	                 AP_UNPLANNED_BUDGET);
	ck_assert(strstr(unplanned_of(p, in, "F-BUDGET")->detail,
	                 "3 of the 8 budget days are left"));
	/* What it would take, computed against the plan: one more day. */
	ck_assert_str_eq(unplanned_of(p, in, "F-BUDGET")->would_take,
	                 "1 more budget day (a 4-day mission with FQ)");
	/* A theme no firm covers: the firm that lacks only it. */
	ck_assert_str_eq(unplanned_of(p, in, "C-NOFIRM")->would_take,
	                 "FQ covering security");
	ck_assert_ptr_null(unplanned_of(p, in, "B-GOOD")->would_take);
	ck_assert_int_eq(unplanned_of(p, in, "G-OUTSIDE")->reason,
	                 AP_UNPLANNED_WINDOW);
	ck_assert_str_eq(ap_unplanned_reason_name(AP_UNPLANNED_BUDGET),
	                 "budget exhausted");
	/* Unplanned sites come by decreasing priority. */
	ck_assert_str_eq(ap_plan_input_at(in, p->unplanned[0].site)->site_id,
	                 "C-NOFIRM");
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* Reasons are checked against the final bookings of every eligible firm:
 * one on leave all the window (no booking, no working day), one whose
 * other missions took its days there. */
START_TEST(reasons_against_final_bookings)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	ap_firm *leave = firm_add(c, "F-LEAVE", Q, 1, BRETAGNE, 1, 900, 40);
	leave->days_off = calloc(1, sizeof(ap_day_range));
	leave->days_off[0] =
	    (ap_day_range){day_of("2025-10-01"), day_of("2025-10-31")};
	leave->n_days_off = 1;
	firm_add(c, "F-BUSY", Q, 1, BRETAGNE, 1, 1200, 40);
	ap_plan_input *in = ap_plan_input_new();
	/* Two weeks, ten working days: two missions of four. */
	site_add(in, "Y1", "Bretagne", Q, 1, 4, 90, "2025-10-06", "2025-10-17");
	site_add(in, "Y2", "Bretagne", Q, 1, 4, 80, "2025-10-06", "2025-10-17");
	site_add(in, "X", "Bretagne", Q, 1, 4, 50, "2025-10-06", "2025-10-17");
	ap_plan *p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 2);
	const ap_unplanned *x = unplanned_of(p, in, "X");
	ck_assert_int_eq(x->reason, AP_UNPLANNED_CAPACITY);
	ck_assert_msg(strstr(x->detail, "F-LEAVE has 0 working days in the "
	                                "window"),
	              "%s", x->detail);
	ck_assert_msg(strstr(x->detail, "F-BUSY has at most 2 free days "
	                                "within one span"),
	              "%s", x->detail);
	ck_assert_msg(!strstr(x->detail, "fully booked") &&
	                  !strstr(x->detail, "of its 40 days booked"),
	              "%s", x->detail);
	/* No change of numbers gives it room: nothing is named. */
	ck_assert_ptr_null(x->would_take);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* The fairness cap: at most N missions for one organisation; the next
 * site of that organisation says why, and the room goes to another. */
START_TEST(missions_per_organisation_cap)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	c->max_missions_per_org = 2;
	firm_add(c, "FQ", Q, 1, BRETAGNE, 1, 1000, 40);
	ap_plan_input *in = ap_plan_input_new();
	/* site_add gives every site the organisation ORG. */
	site_add(in, "A1", "Bretagne", Q, 1, 4, 90, NULL, NULL);
	site_add(in, "A2", "Bretagne", Q, 1, 4, 80, NULL, NULL);
	site_add(in, "A3", "Bretagne", Q, 1, 4, 70, NULL, NULL);
	ap_plan_site other = *ap_plan_input_at(in, 2);
	other.site_id = other.case_id = "B1";
	other.organisation_id = "ORG-B";
	other.priority = 10;
	ap_plan_input_add_site(in, &other);
	ap_plan *p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 3);
	ck_assert_ptr_nonnull(mission_of(p, in, "A1"));
	ck_assert_ptr_nonnull(mission_of(p, in, "A2"));
	ck_assert_ptr_nonnull(mission_of(p, in, "B1"));
	const ap_unplanned *u = unplanned_of(p, in, "A3");
	ck_assert_int_eq(u->reason, AP_UNPLANNED_FAIRNESS);
	ck_assert_msg(strstr(u->detail, "ORG already has 2 missions"), "%s",
	              u->detail);
	ck_assert(p->optimal);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* Fixed missions stay as given, count against the budget and the firm,
 * take their days from its calendar; the rest is planned around them. */
START_TEST(fixed_missions_are_kept)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-09-12");
	c->has_budget_days = 1;
	c->budget_days = 12;
	firm_add(c, "FQ", Q, 1, BRETAGNE, 1, 1000, 10);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", Q, 1, 4, 90, NULL, NULL);
	site_add(in, "B", "Bretagne", Q, 1, 4, 80, NULL, NULL);
	site_add(in, "C", "Bretagne", Q, 1, 4, 20, NULL, NULL);
	/* C, the lowest priority, is confirmed on Mon 8 to Thu 11. */
	ap_day days[] = {day_of("2025-09-08"), day_of("2025-09-09"),
	                 day_of("2025-09-10"), day_of("2025-09-11")};
	ap_fixed_mission fx = {"C", "FQ", days, 4};
	ap_plan_options opt = AP_PLAN_OPTIONS_INIT;
	opt.fixed = &fx;
	opt.n_fixed = 1;
	ap_diags *d = ap_diags_new();
	ap_plan *p = NULL;
	ck_assert_int_eq(ap_plan_build(&p, c, in, &opt, d), 0);
	check_plan_valid(c, in, p);
	/* Ten working days, capacity 10: C's four and one more of four. */
	ck_assert_uint_eq(p->n_missions, 2);
	const ap_planned *m = mission_of(p, in, "C");
	ck_assert_ptr_nonnull(m);
	ck_assert(m->fixed);
	ck_assert_int_eq(m->dates[0], days[0]);
	ck_assert_int_eq(m->dates[3], days[3]);
	ck_assert_ptr_nonnull(mission_of(p, in, "A"));
	ck_assert(!mission_of(p, in, "A")->fixed);
	ck_assert_int_eq(p->total_days, 8);
	ck_assert_int_eq(p->firm_days[0], 8);
	ck_assert(p->optimal);
	ck_assert_msg(strstr(unplanned_of(p, in, "B")->detail, "FQ"), "%s",
	              unplanned_of(p, in, "B")->detail);
	ap_plan_free(p);

	/* A fixed day that is not a working day is refused, and says so. */
	days[3] = day_of("2025-09-13"); /* a Saturday */
	ck_assert_int_eq(ap_plan_build(&p, c, in, &opt, d), -1);
	ck_assert_ptr_null(p);
	int said = 0;
	for (size_t k = 0; k < ap_diags_count(d); k++)
		said |= strstr(ap_diags_at(d, k)->message,
		               "2025-09-13 is not a free working day of FQ") !=
		        NULL;
	ck_assert(said);
	ap_diags_free(d);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* policy.partial_themes: when no firm covers all of a site's themes, a
 * mission on the part one firm covers, with that part's days and priority;
 * without it, the site has no firm. */
START_TEST(partial_themes_when_no_firm_covers_all)
{
	static const char *const QS[] = {"quality", "security"};
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	firm_add(c, "FQ", Q, 1, BRETAGNE, 1, 1000, 40);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", QS, 2, 6, 90, NULL, NULL);
	/* What the scorer gives for each part (bit 0: quality). */
	ap_partial_mission parts[] = {{1, 4, 62.5}, {2, 3, 55}};
	ap_plan_site *a = (ap_plan_site *)ap_plan_input_at(in, 0);
	a->partials = parts;
	a->n_partials = 2;
	ap_plan *p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 0);
	ck_assert_int_eq(unplanned_of(p, in, "A")->reason,
	                 AP_UNPLANNED_NO_FIRM);
	ap_plan_free(p);

	c->partial_themes = 1;
	p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 1);
	const ap_planned *m = mission_of(p, in, "A");
	ck_assert_uint_eq(m->themes, 1);
	ck_assert_int_eq(m->days, 4);
	ck_assert(fabs(m->priority - 62.5) < 1e-9);
	ck_assert(fabs(p->priority_sum - 62.5) < 1e-9);
	ck_assert(p->optimal);
	ck_assert_msg(strstr(m->why, "covers quality of its themes (partial"),
	              "%s", m->why);
	ck_assert_msg(strstr(m->why, "not planned: security"), "%s", m->why);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

START_TEST(capacity_and_firm_preference)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	firm_add(c, "F-EVERYWHERE-CHEAP", QU, 2, EVERYWHERE, 1, 800, 40);
	firm_add(c, "F-BRETAGNE-DEAR", QU, 2, BRETAGNE, 1, 1300, 5);
	firm_add(c, "F-BRETAGNE-CHEAP", QU, 2, BRETAGNE, 1, 1100, 4);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "S1", "Bretagne", QU, 2, 4, 90, NULL, NULL);
	site_add(in, "S2", "Bretagne", QU, 2, 5, 80, NULL, NULL);
	site_add(in, "S3", "Bretagne", QU, 2, 4, 70, NULL, NULL);
	ap_plan *p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 3);
	/* In-region firms first, cheaper first; then the national one. The
	 * cheap regional firm holds 4 days: one 4-day mission. */
	int regional_cheap = 0, regional_dear = 0, national = 0;
	for (size_t m = 0; m < p->n_missions; m++) {
		const char *id = c->firms[p->missions[m].firm].id;
		regional_cheap += strcmp(id, "F-BRETAGNE-CHEAP") == 0;
		regional_dear += strcmp(id, "F-BRETAGNE-DEAR") == 0;
		national += strcmp(id, "F-EVERYWHERE-CHEAP") == 0;
	}
	ck_assert_int_eq(regional_cheap, 1);
	ck_assert_int_eq(regional_dear, 1);
	ck_assert_int_eq(national, 1);
	ck_assert_int_le(p->firm_days[1], 5);
	ck_assert_int_le(p->firm_days[2], 4);
	/* The national firm's mission says why the regional ones were not used.
	 */
	for (size_t m = 0; m < p->n_missions; m++)
		if (p->missions[m].firm == 0)
			ck_assert_msg(
			    strstr(
			        p->missions[m].why,
			        "F-BRETAGNE-DEAR has 5 of its 5 days booked") &&
			        strstr(p->missions[m].why,
			               "F-BRETAGNE-CHEAP has 4 of its 4 days "
			               "booked"),
			    "%s", p->missions[m].why);
		else
			ck_assert_msg(
			    strstr(p->missions[m].why, "the site's region"),
			    "%s", p->missions[m].why);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

START_TEST(holidays_weekends_and_days_off_are_never_booked)
{
	/* May 2025 has 1 May, 8 May, Ascension (29) and is full of bridges. */
	ap_campaign *c = campaign_new("2025-04-28", "2025-05-16");
	ap_firm *f = firm_add(c, "F", Q, 1, EVERYWHERE, 1, 1000, 30);
	f->days_off = calloc(1, sizeof(*f->days_off));
	f->days_off[0].first = day_of("2025-05-05");
	f->days_off[0].last = day_of("2025-05-07");
	f->n_days_off = 1;
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", Q, 1, 6, 90, NULL, NULL);
	site_add(in, "B", "Bretagne", Q, 1, 3, 80, NULL, NULL);
	ap_plan *p = plan_of(c, in);
	/* Working days: Apr 28-30, May 2, 9, 12-16 = 10; both fit (9 days). */
	ck_assert_uint_eq(p->n_missions, 2);
	for (size_t m = 0; m < p->n_missions; m++)
		for (int k = 0; k < p->missions[m].days; k++) {
			ap_day d = p->missions[m].dates[k];
			ck_assert(d != day_of("2025-05-01") &&
			          d != day_of("2025-05-08"));
			ck_assert(d < day_of("2025-05-05") ||
			          d > day_of("2025-05-07"));
			ck_assert_int_le(ap_day_weekday(d), 5);
		}
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

START_TEST(span_of_eight_weeks)
{
	/* A firm with one free day a week cannot do a 6-day mission within 8
	 * weeks if... it can: 8 weeks hold 8 free days. With a 3-week span
	 * policy it cannot. */
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	ap_firm *f = firm_add(c, "F", Q, 1, EVERYWHERE, 1, 1000, 30);
	/* Days off: every Tuesday to Friday. */
	size_t n = 0;
	f->days_off = calloc(20, sizeof(*f->days_off));
	for (ap_day mon = day_of("2025-09-01"); mon <= day_of("2025-12-19");
	     mon += 7) {
		f->days_off[n].first = mon + 1;
		f->days_off[n].last = mon + 4;
		n++;
	}
	f->n_days_off = n;
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", Q, 1, 6, 90, NULL, NULL);
	ap_plan *p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 1);
	ck_assert_int_lt(p->missions[0].dates[5] - p->missions[0].dates[0], 56);
	ap_plan_free(p);
	c->max_span_days = 21;
	p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 0);
	ck_assert_int_eq(p->unplanned[0].reason, AP_UNPLANNED_WINDOW);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

START_TEST(calendar_conflicts_are_resolved)
{
	/* Two sites whose windows overlap on the only free days of the one
	 * firm: both cannot be planned, whatever the budget; the higher
	 * priority is. */
	ap_campaign *c = campaign_new("2025-09-01", "2025-09-12");
	firm_add(c, "F", Q, 1, EVERYWHERE, 1, 1000, 30);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", Q, 1, 4, 60, "2025-09-01", "2025-09-05");
	site_add(in, "B", "Bretagne", Q, 1, 4, 70, "2025-09-01", "2025-09-05");
	site_add(in, "C", "Bretagne", Q, 1, 5, 50, NULL, NULL);
	ap_plan *p = plan_of(c, in);
	ck_assert_ptr_nonnull(mission_of(p, in, "B"));
	ck_assert_ptr_null(mission_of(p, in, "A"));
	ck_assert_ptr_nonnull(mission_of(p, in, "C"));
	ck_assert_int_eq(unplanned_of(p, in, "A")->reason,
	                 AP_UNPLANNED_CAPACITY);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

START_TEST(shorter_missions_fit_more_sites)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	c->has_budget_days = 1;
	c->budget_days = 9;
	firm_add(c, "F", Q, 1, EVERYWHERE, 1, 1000, 30);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", Q, 1, 5, 60, NULL, NULL);
	site_add(in, "B", "Bretagne", Q, 1, 5, 60, NULL, NULL);
	ap_plan *p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 1); /* 10 days do not fit 9 */
	ap_plan_free(p);
	c->allow_shorter = 1;
	p = plan_of(c, in);
	ck_assert_uint_eq(p->n_missions, 2);
	/* Shortened only as much as needed: 5 + 4. */
	ck_assert_int_eq(p->total_days, 9);
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* The day budget as a knapsack: taking sites by priority (A, B, then E)
 * gives 220, the best is B, C and D for 230. */
START_TEST(knapsack_beats_priority_order)
{
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	c->has_budget_days = 1;
	c->budget_days = 14;
	firm_add(c, "F", Q, 1, EVERYWHERE, 1, 1000, 60);
	ap_plan_input *in = ap_plan_input_new();
	site_add(in, "A", "Bretagne", Q, 1, 6, 100, NULL, NULL);
	site_add(in, "B", "Bretagne", Q, 1, 5, 80, NULL, NULL);
	site_add(in, "C", "Bretagne", Q, 1, 5, 80, NULL, NULL);
	site_add(in, "D", "Bretagne", Q, 1, 4, 70, NULL, NULL);
	site_add(in, "E", "Bretagne", Q, 1, 3, 40, NULL, NULL);
	ap_plan *p = plan_of(c, in);
	ck_assert(p->optimal);
	ck_assert_double_eq_tol(p->priority_sum, 230, 1e-9);
	ck_assert_int_eq(p->total_days, 14);
	ck_assert_ptr_null(mission_of(p, in, "A"));
	ap_plan_free(p);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* Where the day budget is what binds, the knapsack proves the optimum
 * before any search: a limit far too short for the solver still gives a
 * plan proven optimal, with its bound. */
START_TEST(knapsack_bound_proves_the_optimum)
{
	rng_state = 11;
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	c->has_budget_days = 1;
	c->budget_days = 997;
	for (int f = 0; f < 20; f++) {
		char id[8];
		snprintf(id, sizeof id, "F%02d", f);
		firm_add(c, id, Q, 1, EVERYWHERE, 1, 900 + 10 * f, 60);
	}
	ap_plan_input *in = ap_plan_input_new();
	for (int i = 0; i < 600; i++) {
		char id[16];
		snprintf(id, sizeof id, "S%04d", i);
		site_add(in, id, "Bretagne", Q, 1, rnd_int(3, 6),
		         rnd_int(2000, 15000) / 100.0, NULL, NULL);
	}
	ap_plan_options opt = {.time_limit = 1e-6};
	ap_diags *d = ap_diags_new();
	ap_plan *p = NULL;
	ck_assert_int_eq(ap_plan_build(&p, c, in, &opt, d), 0);
	check_plan_valid(c, in, p);
	ck_assert(p->optimal);
	ck_assert_double_eq(p->gap, 0);
	ck_assert_double_eq_tol(p->bound, p->priority_sum, 1e-9);
	ck_assert_int_le(p->total_days, 997);
	ap_plan_free(p);
	ap_diags_free(d);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

START_TEST(same_inputs_same_plan)
{
	rng_state = 42;
	ap_campaign *c;
	ap_plan_input *in;
	random_instance(&c, &in);
	ap_plan *a = plan_of(c, in), *b = plan_of(c, in);
	ck_assert_uint_eq(a->n_missions, b->n_missions);
	for (size_t m = 0; m < a->n_missions; m++) {
		ck_assert_uint_eq(a->missions[m].site, b->missions[m].site);
		ck_assert_uint_eq(a->missions[m].firm, b->missions[m].firm);
		ck_assert(
		    memcmp(a->missions[m].dates, b->missions[m].dates,
		           (size_t)a->missions[m].days * sizeof(ap_day)) == 0);
		ck_assert_str_eq(a->missions[m].why, b->missions[m].why);
	}
	ap_plan_free(a);
	ap_plan_free(b);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

/* The plan does not depend on the order the sites come in. */
START_TEST(input_order_does_not_matter)
{
	for (int seed = 1; seed <= 40; seed++) {
		rng_state = (uint64_t)seed * 7919;
		ap_campaign *c;
		ap_plan_input *in;
		random_instance(&c, &in);
		ap_plan_input *rev = ap_plan_input_new();
		for (size_t i = ap_plan_input_count(in); i-- > 0;)
			ap_plan_input_add_site(rev, ap_plan_input_at(in, i));
		ap_plan *a = plan_of(c, in), *b = plan_of(c, rev);
		ck_assert_uint_eq(a->n_missions, b->n_missions);
		for (size_t m = 0; m < a->n_missions; m++) {
			const ap_planned *x = &a->missions[m],
			                 *y = &b->missions[m];
			ck_assert_str_eq(
			    ap_plan_input_at(in, x->site)->site_id,
			    ap_plan_input_at(rev, y->site)->site_id);
			ck_assert_uint_eq(x->firm, y->firm);
			ck_assert_int_eq(x->days, y->days);
			ck_assert(memcmp(x->dates, y->dates,
			                 (size_t)x->days * sizeof(ap_day)) ==
			          0);
		}
		ap_plan_free(a);
		ap_plan_free(b);
		ap_plan_input_free(rev);
		ap_plan_input_free(in);
		free_campaign(c);
	}
}
END_TEST

START_TEST(time_limit_gives_a_valid_plan_and_its_gap)
{
	/* 1500 sites and 8 firms with a 1 ms limit: the plan may not be proven
	 * optimal, but it is valid and says how far from the bound it may be.
	 */
	rng_state = 7;
	ap_campaign *c = campaign_new("2025-09-01", "2025-12-19");
	c->has_budget_days = 1;
	c->budget_days = 400;
	for (int f = 0; f < 8; f++) {
		char id[8];
		snprintf(id, sizeof id, "F%d", f);
		const char *themes[] = {THEMES[f % 3], THEMES[(f + 1) % 3]};
		const char *regions[] = {REGIONS[f % 3]};
		firm_add(c, id, themes, 2, regions, 1, 900 + 37 * f, 40 + f);
	}
	ap_plan_input *in = ap_plan_input_new();
	for (int i = 0; i < 1500; i++) {
		char id[16];
		snprintf(id, sizeof id, "S%04d", i);
		const char *themes[] = {THEMES[rnd_int(0, 2)]};
		site_add(in, id, REGIONS[rnd_int(0, 2)], themes, 1,
		         rnd_int(3, 6), rnd_int(2000, 15000) / 100.0, NULL,
		         NULL);
	}
	ap_diags *d = ap_diags_new();
	ap_plan *p = NULL;
	ap_plan_options opt = {.time_limit = 0.001};
	ck_assert_int_eq(ap_plan_build(&p, c, in, &opt, d), 0);
	check_plan_valid(c, in, p);
	ck_assert(p->bound >= p->priority_sum - 1e-6);
	ck_assert(p->gap >= 0 && p->gap < 1);
	if (p->optimal)
		ck_assert_double_eq(p->gap, 0);
	/* Ties are settled only by a second program that ran to its end. */
	if (p->ties_settled)
		ck_assert(p->optimal);
	ap_plan_free(p);
	ap_diags_free(d);
	ap_plan_input_free(in);
	free_campaign(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("optimality");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, optimal_against_exhaustive_search);
	suite_add_tcase(s, tc);
	tc = tcase_create("guarantees");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, reasons_for_unplanned_sites);
	tcase_add_test(tc, capacity_and_firm_preference);
	tcase_add_test(tc, reasons_against_final_bookings);
	tcase_add_test(tc, missions_per_organisation_cap);
	tcase_add_test(tc, fixed_missions_are_kept);
	tcase_add_test(tc, partial_themes_when_no_firm_covers_all);
	tcase_add_test(tc, holidays_weekends_and_days_off_are_never_booked);
	tcase_add_test(tc, span_of_eight_weeks);
	tcase_add_test(tc, calendar_conflicts_are_resolved);
	tcase_add_test(tc, shorter_missions_fit_more_sites);
	tcase_add_test(tc, knapsack_beats_priority_order);
	tcase_add_test(tc, knapsack_bound_proves_the_optimum);
	tcase_add_test(tc, same_inputs_same_plan);
	tcase_add_test(tc, input_order_does_not_matter);
	tcase_add_test(tc, time_limit_gives_a_valid_plan_and_its_gap);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
