/*
 * The mission planner. CBC (COIN-OR branch and cut) is used here and
 * nowhere else.
 *
 * 1. Each site with a mission gets its options: (firm, days) pairs where the
 *    firm covers all the mission's themes, serves the site's region, and has
 *    enough working days inside the site's window (the request window within
 *    the campaign window) and within one span of max_span_days.
 * 2. A 0-1 program chooses at most one option per site, within the budget in
 *    days and in euros and each firm's capacity (its declared days, and no
 *    more than its working days in the campaign), maximising the sum of the
 *    priorities of the planned sites (in hundredths, so the objective is a
 *    whole number). The day budget alone, a knapsack solved exactly by
 *    dynamic programming, bounds that sum and gives a second starting plan
 *    (see knapsack()). A second program keeps that optimum and breaks ties:
 *    missions closer to their recommended days, fewer days in all, then the
 *    preferred firms (in the site's region, then cheaper).
 * 3. Each firm's missions are placed on its calendar (scheduler below). When
 *    a firm cannot fit the set of missions it was given, that exact set is
 *    forbidden by a cut and the programs are solved again.
 */
#define _GNU_SOURCE /* qsort_r */
#include "appui/plan.h"

#include <Cbc_C_Interface.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define DEFAULT_TIME_LIMIT 10.0
#define MAX_ROUNDS         200

/* ---- input
 * ---------------------------------------------------------------------- */

struct ap_plan_input {
	ap_arena arena;
	ap_plan_site *sites;
	size_t n, cap;
};

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
	};
	if (r->has_mission) {
		s->themes = r->mission.themes;
		s->n_themes = r->mission.n_themes;
		s->days = r->mission.days;
		s->priority = r->mission.priority;
	}
	if (rq->window_start.year && rq->window_end.year) {
		s->has_window = 1;
		s->window_first = ap_day_from_date(rq->window_start);
		s->window_last = ap_day_from_date(rq->window_end);
	}
}

void ap_plan_input_add(ap_plan_input *in, const ap_case_result *r)
{
	ap_plan_site s;
	ap_plan_site_of(r, &s);
	ap_plan_input_add_site(in, &s);
}

size_t ap_plan_input_count(const ap_plan_input *in)
{
	return in->n;
}

const ap_plan_site *ap_plan_input_at(const ap_plan_input *in, size_t i)
{
	return i < in->n ? &in->sites[i] : NULL;
}

const char *ap_unplanned_reason_name(ap_unplanned_reason r);

/* ---- options
 * ------------------------------------------------------------------- */

/* One way to plan a site: a firm and a number of days. */
typedef struct option {
	size_t site, firm;
	int days;
	long pref;  /* lower is preferred: out of region, then by rate rank */
	int column; /* in the program, 1-based */
} option;

typedef struct planner {
	const ap_campaign *c;
	const ap_plan_input *in;
	ap_day first, last; /* campaign window */
	/* Per firm: its working days in the campaign, in order. */
	ap_day **avail;
	size_t *n_avail;
	int *capacity; /* min(declared, working days) */
	/* Per site. */
	ap_day *win_first, *win_last;
	int *min_days, *max_days;
	ap_unplanned_reason *reason; /* when it has no option */
	char **detail;
	option *opts;
	size_t n_opts, cap_opts;
	size_t *site_first_opt, *site_n_opts;
	/* Calendar cuts: each a list of option indices that may not all hold.
	 */
	size_t **cuts;
	size_t *cut_len;
	size_t n_cuts;
	/* Solver state. */
	double deadline; /* monotonic seconds */
	int timed_out;   /* stage 1 stopped at the time limit */
	double tie_day_weight, tie_short_weight, tie_rank_weight, tie_max;
	size_t *site_rank;         /* position in site-id order */
	size_t *order;             /* site indices in site-id order */
	double best_bound;         /* stage 1, in hundredths */
	double max_priority_cents; /* sum over the sites with options */
	int have_bound;
	long knapsack_bound; /* stage 1's bound from the day budget, or -1 */
} planner;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long cents(double priority)
{
	return lround(priority * 100.0);
}

static int cmp_day(const void *a, const void *b)
{
	ap_day x = *(const ap_day *)a, y = *(const ap_day *)b;
	return x < y ? -1 : x > y;
}

/* The firm's working days within [from, to]: indices into avail[f]. */
static void avail_range(const planner *p, size_t f, ap_day from, ap_day to,
                        size_t *lo, size_t *hi)
{
	const ap_day *a = p->avail[f];
	size_t n = p->n_avail[f], l = 0, h = n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (a[m] < from)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (a[m] <= to)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

/* The most working days of a firm inside [from, to] and one span. */
static int days_in_span(const planner *p, size_t f, ap_day from, ap_day to)
{
	size_t lo, hi;
	avail_range(p, f, from, to, &lo, &hi);
	const ap_day *a = p->avail[f];
	long span = p->c->max_span_days;
	int best = 0;
	size_t j = lo;
	for (size_t i = lo; i < hi; i++) {
		if (j < i)
			j = i;
		while (j < hi && a[j] - a[i] < span)
			j++;
		if ((int)(j - i) > best)
			best = (int)(j - i);
	}
	return best;
}

static int firm_region_match(const ap_firm *f, const char *region)
{
	if (!region)
		return 0;
	for (size_t i = 0; i < f->n_regions; i++)
		if (strcmp(f->regions[i], region) == 0)
			return 1;
	return 0;
}

static void add_option(planner *p, size_t site, size_t firm, int days,
                       long pref)
{
	if (p->n_opts == p->cap_opts) {
		p->cap_opts = p->cap_opts ? p->cap_opts * 2 : 256;
		p->opts = ap_xrealloc(p->opts, p->cap_opts * sizeof(*p->opts));
	}
	p->opts[p->n_opts++] = (option){site, firm, days, pref, 0};
}

static char *themes_text(const ap_plan_site *s)
{
	ap_buf b;
	ap_buf_init(&b);
	for (size_t i = 0; i < s->n_themes; i++)
		ap_buf_printf(&b, "%s%s", i ? "+" : "", s->themes[i]);
	if (!b.data)
		ap_buf_puts(&b, "-");
	return b.data;
}

static int cmp_site_order(const void *a, const void *b, void *ctx)
{
	const ap_plan_input *in = ctx;
	const ap_plan_site *x = &in->sites[*(const size_t *)a];
	const ap_plan_site *y = &in->sites[*(const size_t *)b];
	int c = strcmp(x->site_id, y->site_id);
	if (!c)
		c = strcmp(x->case_id, y->case_id);
	if (!c)
		c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	return c;
}

static void build_options(planner *p)
{
	const ap_campaign *c = p->c;
	size_t nf = c->n_firms, ns = p->in->n;

	/* Firms ranked by rate once: the rank is the tie-break among firms. */
	size_t *rank = ap_xcalloc(nf ? nf : 1, sizeof(*rank));
	for (size_t f = 0; f < nf; f++)
		for (size_t g = 0; g < nf; g++)
			if (c->firms[g].daily_rate < c->firms[f].daily_rate ||
			    (c->firms[g].daily_rate == c->firms[f].daily_rate &&
			     strcmp(c->firms[g].id, c->firms[f].id) < 0))
				rank[f]++;

	/* Sites in site-id order, so that the model, and so the plan, do not
	 * depend on the order the files were given in. */
	size_t *order = p->order = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	for (size_t i = 0; i < ns; i++)
		order[i] = i;
	qsort_r(order, ns, sizeof(size_t), cmp_site_order, (void *)p->in);
	for (size_t oi = 0; oi < ns; oi++) {
		size_t i = order[oi];
		const ap_plan_site *s = &p->in->sites[i];
		p->site_rank[i] = oi;
		p->site_first_opt[i] = p->n_opts;
		if (s->days <= 0 || s->priority <= 0 ||
		    (c->min_priority > 0 && s->priority < c->min_priority)) {
			p->reason[i] = AP_UNPLANNED_BELOW_THRESHOLD;
			p->detail[i] =
			    s->days <= 0
			        ? ap_xstrdup(
			              "every theme is good: no mission needed")
			        : ap_xasprintf(
			              "priority %.2f is below the campaign's "
			              "minimum of %.2f",
			              s->priority, c->min_priority);
			continue;
		}
		ap_day from = p->first, to = p->last;
		if (s->has_window) {
			from = s->window_first > from ? s->window_first : from;
			to = s->window_last < to ? s->window_last : to;
		}
		p->win_first[i] = from;
		p->win_last[i] = to;
		int rec = s->days < c->min_days   ? c->min_days
		          : s->days > c->max_days ? c->max_days
		                                  : s->days;
		p->max_days[i] = rec;
		p->min_days[i] = c->allow_shorter ? c->min_days : rec;

		int eligible = 0, best_days = 0, best_capacity = 0;
		int short_window = 0, short_capacity = 0;
		for (size_t f = 0; f < nf; f++) {
			const ap_firm *firm = &c->firms[f];
			int ok = ap_firm_serves(firm, s->region);
			for (size_t t = 0; ok && t < s->n_themes; t++)
				ok = ap_firm_covers(firm, s->themes[t]);
			if (!ok)
				continue;
			eligible++;
			int fit = from <= to ? days_in_span(p, f, from, to) : 0;
			if (fit > best_days)
				best_days = fit;
			if (p->capacity[f] > best_capacity)
				best_capacity = p->capacity[f];
			if (fit < p->min_days[i])
				short_window++;
			else if (p->capacity[f] < p->min_days[i])
				short_capacity++;
			/* Firms in the site's region first, then by rate. */
			long pref =
			    (firm_region_match(firm, s->region) ? 0
			                                        : (long)nf) +
			    (long)rank[f];
			for (int d = p->max_days[i]; d >= p->min_days[i]; d--)
				if (d <= fit && d <= p->capacity[f])
					add_option(p, i, f, d, pref);
		}
		p->site_n_opts[i] = p->n_opts - p->site_first_opt[i];
		if (p->site_n_opts[i])
			continue;
		char *themes = themes_text(s);
		if (!eligible) {
			p->reason[i] = AP_UNPLANNED_NO_FIRM;
			p->detail[i] =
			    ap_xasprintf("no firm covers %s in %s", themes,
			                 s->region ? s->region : "its region");
		} else if (short_capacity && !short_window) {
			p->reason[i] = AP_UNPLANNED_CAPACITY;
			p->detail[i] =
			    ap_xasprintf("needs %d days; the eligible firms "
			                 "can take at most %d "
			                 "in the campaign",
			                 p->min_days[i], best_capacity);
		} else {
			char a[11], b[11];
			ap_date_format(ap_date_from_day(from), a);
			ap_date_format(ap_date_from_day(to), b);
			p->reason[i] = AP_UNPLANNED_WINDOW;
			if (from > to)
				p->detail[i] = ap_xstrdup(
				    "its request window is outside the "
				    "campaign window");
			else if (short_capacity)
				p->detail[i] = ap_xasprintf(
				    "needs %d working days between %s and %s; "
				    "%d eligible firm%s at most %d there, "
				    "%d cannot take %d days in the campaign",
				    p->min_days[i], a, b, short_window,
				    short_window > 1 ? "s have" : " has",
				    best_days, short_capacity, p->min_days[i]);
			else
				p->detail[i] = ap_xasprintf(
				    "needs %d working days between %s and %s; "
				    "the %d eligible firm%s at most %d",
				    p->min_days[i], a, b, eligible,
				    eligible > 1 ? "s have" : " has",
				    best_days);
		}
		free(themes);
	}
	free(rank);
}

/* ---- the 0-1 programs
 * -------------------------------------------------------- */

/*
 * Stage 2 ranks the plans of equal priority lexicographically: less
 * shortening below the recommended days, then fewer days, then sites
 * earlier in site-id order, then preferred firms. Each weight exceeds the
 * largest total of the terms after it over all sites, so no trade between
 * levels is possible. When the weights would pass 2^50 (a double then no
 * longer holds them exactly; from about 2,000 sites, fewer with
 * allow_shorter), the site-order level is
 * left out: the plan stays deterministic, its ties then go to the order
 * the solver meets the sites in, which is site-id order.
 */
static void tie_weights(planner *p)
{
	double pref_total = 0, days_total = 0, rank_total = 0, cents_total = 0;
	for (size_t i = 0; i < p->in->n; i++) {
		long max_pref = 0;
		for (size_t j = p->site_first_opt[i];
		     j < p->site_first_opt[i] + p->site_n_opts[i]; j++)
			if (p->opts[j].pref > max_pref)
				max_pref = p->opts[j].pref;
		if (p->site_n_opts[i]) {
			pref_total += (double)max_pref;
			days_total += p->max_days[i];
			rank_total += (double)p->site_rank[i];
			cents_total += (double)cents(p->in->sites[i].priority);
		}
	}
	p->max_priority_cents = cents_total;
	const double limit = 1125899906842624.0; /* 2^50 */
	for (int with_rank = 1; with_rank >= 0; with_rank--) {
		p->tie_rank_weight = with_rank ? pref_total + 1 : 0;
		double below_days =
		    p->tie_rank_weight * rank_total + pref_total;
		p->tie_day_weight = below_days + 1;
		double below_short =
		    p->tie_day_weight * days_total + below_days;
		p->tie_short_weight = p->c->allow_shorter ? below_short + 1 : 0;
		p->tie_max = p->tie_short_weight * days_total + below_short;
		if (p->tie_max <= limit)
			return;
	}
	p->tie_max = limit;
}

/* How good a plan is for a stage: the priority sum (stage 1, higher is
 * better) or minus the tie-break cost (stage 2). */
static double value_of(const planner *p, int stage, const unsigned char *chosen)
{
	double v = 0;
	for (size_t j = 0; j < p->n_opts; j++) {
		if (!chosen[j])
			continue;
		const option *o = &p->opts[j];
		if (stage == 1)
			v += (double)cents(p->in->sites[o->site].priority);
		else
			v -=
			    (double)(p->max_days[o->site] - o->days) *
			        p->tie_short_weight +
			    (double)o->days * p->tie_day_weight +
			    (double)p->site_rank[o->site] * p->tie_rank_weight +
			    (double)o->pref;
	}
	return v;
}

/* Checks a solver's 0-1 solution against every constraint, exactly. */
static int solution_fits(const planner *p, const double *x)
{
	const ap_campaign *c = p->c;
	int days = 0, ok = 1;
	double euros = 0;
	int *load = ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(int));
	unsigned char *used = ap_xcalloc(p->in->n ? p->in->n : 1, 1);
	for (size_t j = 0; j < p->n_opts && ok; j++) {
		if (x[j] <= 0.5)
			continue;
		const option *o = &p->opts[j];
		ok = !used[o->site];
		used[o->site] = 1;
		days += o->days;
		euros += o->days * c->firms[o->firm].daily_rate;
		load[o->firm] += o->days;
	}
	if (c->has_budget_days && days > c->budget_days)
		ok = 0;
	if (c->has_budget_euros && euros > c->budget_euros + 1e-6)
		ok = 0;
	for (size_t f = 0; f < c->n_firms; f++)
		if (load[f] > p->capacity[f])
			ok = 0;
	for (size_t k = 0; k < p->n_cuts && ok; k++) {
		size_t all = 0;
		for (size_t m = 0; m < p->cut_len[k]; m++)
			all += x[p->cuts[k][m]] > 0.5;
		ok = all < p->cut_len[k];
	}
	free(load);
	free(used);
	return ok;
}

/*
 * Solves one stage with CBC. Stage 1 maximises the priority sum; stage 2
 * keeps it at `target` and minimises the tie-break cost. `start`, a plan
 * known to fit every constraint and calendar (the greedy one, or stage 1's
 * for stage 2), is handed to the search first, so a time limit never returns
 * worse. Fills `chosen` (0/1 per option); *optimal when proven; returns 0,
 * or -1 when the solver failed.
 */
static int solve(planner *p, int stage, long target, const unsigned char *start,
                 unsigned char *chosen, int *optimal, ap_diags *d)
{
	const ap_campaign *c = p->c;
	size_t ns = p->in->n, nf = c->n_firms, no = p->n_opts;
	memset(chosen, 0, no ? no : 1);
	*optimal = 1;
	if (no == 0)
		return 0;

	/* Rows: one per site with options, budget days, budget euros, one per
	 * firm, one per calendar cut, in stage 1 the knapsack's bound on the
	 * priority sum, in stage 2 the priority floor. */
	int row = 0;
	int *site_row = ap_xcalloc(ns ? ns : 1, sizeof(int));
	/* Site rows in site-id order, like the columns: the model, and so
	 * the plan, must not depend on the order of the input files. */
	for (size_t i = 0; i < ns; i++)
		site_row[i] = -1;
	for (size_t i = 0; i < ns; i++)
		if (p->site_n_opts[i])
			row++;
	{
		int next = 0;
		for (size_t r = 0; r < ns; r++)
			if (p->site_n_opts[p->order[r]])
				site_row[p->order[r]] = next++;
	}
	int days_row = c->has_budget_days ? row++ : -1;
	int euros_row = c->has_budget_euros ? row++ : -1;
	int firm_row0 = row;
	row += (int)nf;
	int cut_row0 = row;
	row += (int)p->n_cuts;
	int floor_row = stage == 2 ? row++ : -1;
	int bound_row = stage == 1 && p->knapsack_bound >= 0 ? row++ : -1;
	double *row_lo = ap_xmalloc((size_t)row * sizeof(double));
	double *row_up = ap_xmalloc((size_t)row * sizeof(double));
	for (int r = 0; r < row; r++) {
		row_lo[r] = -DBL_MAX;
		row_up[r] = 1;
	}
	if (days_row >= 0)
		row_up[days_row] = c->budget_days;
	if (euros_row >= 0)
		row_up[euros_row] = c->budget_euros + 1e-6;
	for (size_t f = 0; f < nf; f++)
		row_up[firm_row0 + (int)f] = p->capacity[f];
	for (size_t k = 0; k < p->n_cuts; k++)
		row_up[cut_row0 + (int)k] = (double)p->cut_len[k] - 1;
	if (floor_row >= 0) {
		row_lo[floor_row] = (double)target - 0.5;
		row_up[floor_row] = DBL_MAX;
	}
	if (bound_row >= 0)
		row_up[bound_row] = (double)p->knapsack_bound + 0.5;

	/* Columns, in compressed sparse column form; each cut lists options. */
	size_t *cut_count = ap_xcalloc(no, sizeof(size_t));
	for (size_t k = 0; k < p->n_cuts; k++)
		for (size_t m = 0; m < p->cut_len[k]; m++)
			cut_count[p->cuts[k][m]]++;
	size_t cap = no * 5;
	for (size_t k = 0; k < p->n_cuts; k++)
		cap += p->cut_len[k];
	CoinBigIndex *col_start = ap_xmalloc((no + 1) * sizeof(CoinBigIndex));
	int *index = ap_xmalloc((cap ? cap : 1) * sizeof(int));
	double *value = ap_xmalloc((cap ? cap : 1) * sizeof(double));
	double *col_lo = ap_xcalloc(no, sizeof(double));
	double *col_up = ap_xmalloc(no * sizeof(double));
	double *obj = ap_xmalloc(no * sizeof(double));
	size_t ne = 0;
	for (size_t j = 0; j < no; j++) {
		const option *o = &p->opts[j];
		const ap_plan_site *s = &p->in->sites[o->site];
		col_start[j] = (CoinBigIndex)ne;
		col_up[j] = 1;
		if (stage == 1) {
			obj[j] = (double)cents(s->priority);
		} else {
			double shortfall =
			    (double)(p->max_days[o->site] - o->days);
			obj[j] =
			    shortfall * p->tie_short_weight +
			    (double)o->days * p->tie_day_weight +
			    (double)p->site_rank[o->site] * p->tie_rank_weight +
			    (double)o->pref;
		}
		/* Row indices in increasing order within a column. */
		index[ne] = site_row[o->site], value[ne++] = 1;
		if (days_row >= 0)
			index[ne] = days_row, value[ne++] = o->days;
		if (euros_row >= 0)
			index[ne] = euros_row,
			value[ne++] = o->days * c->firms[o->firm].daily_rate;
		index[ne] = firm_row0 + (int)o->firm, value[ne++] = o->days;
		if (cut_count[j])
			for (size_t k = 0; k < p->n_cuts; k++)
				for (size_t m = 0; m < p->cut_len[k]; m++)
					if (p->cuts[k][m] == j)
						index[ne] = cut_row0 + (int)k,
						value[ne++] = 1;
		if (floor_row >= 0)
			index[ne] = floor_row,
			value[ne++] = (double)cents(s->priority);
		if (bound_row >= 0)
			index[ne] = bound_row,
			value[ne++] = (double)cents(s->priority);
	}
	col_start[no] = (CoinBigIndex)ne;

	Cbc_Model *model = Cbc_newModel();
	Cbc_loadProblem(model, (int)no, row, col_start, index, value, col_lo,
	                col_up, obj, row_lo, row_up);
	Cbc_setObjSense(model, stage == 1 ? -1.0 : 1.0);
	for (size_t j = 0; j < no; j++)
		Cbc_setInteger(model, (int)j);
	/* Quiet: stdout carries the plan. */
	Cbc_setLogLevel(model, 0);
	Cbc_setParameter(model, "log", "0");
	Cbc_setParameter(model, "slog", "0");
	/* Both objectives are whole numbers: a gap under one unit is none. */
	Cbc_setAllowableGap(model, 0.5);
	Cbc_setAllowableFractionGap(model, 0.0);
	double left = p->deadline - now();
	Cbc_setMaximumSeconds(model, left > 0.05 ? left : 0.05);
	/* The starting plan's value as a cutoff: the search prunes every node
	 * that cannot do at least as well (a plan worth as much stays in). */
	if (start) {
		double v = value_of(p, stage, start);
		Cbc_setCutoff(model, stage == 1 ? v - 0.5 : -v + 0.5);
	}
	int ret = Cbc_solve(model);
	const double *x = Cbc_bestSolution(model);
	if (x && !solution_fits(p, x)) {
		/* Never trust a solver's tolerances with a budget: a solution
		 * that breaks a constraint by rounding is not used. */
		ap_diags_add(
		    d, AP_WARNING, c->path ? c->path : "campaign", 0, "plan",
		    "the solver's plan breaks a constraint by rounding; "
		    "using the best plan known to fit");
		x = NULL;
	}
	int rc = 0;
	int proven = Cbc_isProvenOptimal(model);
	int stopped =
	    Cbc_isSecondsLimitReached(model) || Cbc_isNodeLimitReached(model);
	if (!proven && !stopped) {
		ap_diags_add(d, AP_ERROR, c->path ? c->path : "campaign", 0,
		             "plan",
		             "the solver failed (CBC status %d, secondary %d)",
		             ret, Cbc_secondaryStatus(model));
		rc = -1;
	} else {
		if (x)
			for (size_t j = 0; j < no; j++)
				chosen[j] = x[j] > 0.5;
		/* Stopped by the time limit with nothing, or with worse than
		 * the plan we started from: keep that one. */
		if (start && (!x || (!proven && value_of(p, stage, chosen) <
		                                    value_of(p, stage, start))))
			memcpy(chosen, start, no);
		*optimal = proven && x;
		if (stage == 1) {
			if (stopped)
				p->timed_out = 1;
			/* The bound on the priority sum (CBC minimises -sum).
			 */
			p->best_bound =
			    proven && x
			        ? fabs(Cbc_getObjValue(model))
			        : fabs(Cbc_getBestPossibleObjValue(model));
			p->have_bound = 1;
		}
	}
	Cbc_deleteModel(model);
	free(site_row);
	free(row_lo);
	free(row_up);
	free(cut_count);
	free(col_start);
	free(index);
	free(value);
	free(col_lo);
	free(col_up);
	free(obj);
	return rc;
}

/* ---- calendars
 * ------------------------------------------------------------------ */

typedef struct job {
	size_t opt;
	ap_day release, deadline;
	int need, done;
	ap_day started;
} job;

static int by_deadline(const void *a, const void *b)
{
	const job *x = a, *y = b;
	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	if (x->release != y->release)
		return x->release < y->release ? -1 : 1;
	return x->opt < y->opt ? -1 : x->opt > y->opt;
}

/*
 * Places a firm's missions on its working days. First as blocks, one
 * mission after the other in order of deadline (what a firm prefers: a
 * mission's days together); when that fails, day by day, earliest deadline
 * first, which fits every set of windows that can be fitted at all (for
 * days of one unit each, EDF is exact). A mission's span is kept within
 * max_span_days by tightening its deadline once it starts. Returns 0 and
 * the dates, or -1 when the set does not fit.
 */
static int schedule_firm(const planner *p, size_t f, job *jobs, size_t n,
                         ap_day **dates)
{
	const ap_day *a = p->avail[f];
	size_t na = p->n_avail[f];
	long span = p->c->max_span_days;

	/* Blocks; `jobs` come sorted by deadline. */
	size_t cursor = 0;
	int ok = 1;
	for (size_t k = 0; k < n && ok; k++) {
		size_t lo, hi;
		avail_range(p, f, jobs[k].release, jobs[k].deadline, &lo, &hi);
		if (lo < cursor)
			lo = cursor;
		if (hi < lo || hi - lo < (size_t)jobs[k].need ||
		    a[lo + (size_t)jobs[k].need - 1] - a[lo] >= span) {
			ok = 0;
			break;
		}
		for (int m = 0; m < jobs[k].need; m++)
			dates[k][m] = a[lo + (size_t)m];
		cursor = lo + (size_t)jobs[k].need;
	}
	if (ok)
		return 0;

	/* Earliest deadline first, day by day. */
	for (size_t k = 0; k < n; k++)
		jobs[k].done = 0;
	for (size_t t = 0; t < na; t++) {
		ap_day day = a[t];
		size_t pick = n;
		for (size_t k = 0; k < n; k++) {
			job *j = &jobs[k];
			if (j->done == j->need || j->release > day)
				continue;
			ap_day dl = j->deadline;
			if (j->done && j->started + span - 1 < dl)
				dl = j->started + span - 1;
			if (dl < day)
				return -1; /* missed */
			if (pick == n)
				pick = k;
			else {
				ap_day pdl = jobs[pick].deadline;
				if (jobs[pick].done &&
				    jobs[pick].started + span - 1 < pdl)
					pdl = jobs[pick].started + span - 1;
				if (dl < pdl)
					pick = k;
			}
		}
		if (pick == n)
			continue;
		job *j = &jobs[pick];
		if (!j->done)
			j->started = day;
		dates[pick][j->done++] = day;
	}
	for (size_t k = 0; k < n; k++)
		if (jobs[k].done < jobs[k].need)
			return -1;
	return 0;
}

/* ---- building
 * ------------------------------------------------------------------- */

static void add_cut(planner *p, const size_t *opts, size_t n)
{
	p->cuts = ap_xrealloc(p->cuts, (p->n_cuts + 1) * sizeof(*p->cuts));
	p->cut_len =
	    ap_xrealloc(p->cut_len, (p->n_cuts + 1) * sizeof(*p->cut_len));
	p->cuts[p->n_cuts] = ap_xmalloc(n * sizeof(size_t));
	memcpy(p->cuts[p->n_cuts], opts, n * sizeof(size_t));
	p->cut_len[p->n_cuts++] = n;
}

/*
 * Schedules every firm's chosen options. Returns the number of firms whose
 * set did not fit (a cut was added for each); fills `dates` otherwise.
 */
static size_t place_all(planner *p, const unsigned char *chosen, ap_day **dates)
{
	size_t nf = p->c->n_firms, bad = 0;
	for (size_t f = 0; f < nf; f++) {
		size_t n = 0;
		for (size_t j = 0; j < p->n_opts; j++)
			n += chosen[j] && p->opts[j].firm == f;
		if (!n)
			continue;
		job *jobs = ap_xcalloc(n, sizeof(*jobs));
		ap_day **slots = ap_xcalloc(n, sizeof(*slots));
		size_t k = 0;
		for (size_t j = 0; j < p->n_opts; j++) {
			if (!chosen[j] || p->opts[j].firm != f)
				continue;
			const option *o = &p->opts[j];
			jobs[k] = (job){j,
			                p->win_first[o->site],
			                p->win_last[o->site],
			                o->days,
			                0,
			                0};
			k++;
		}
		qsort(jobs, n, sizeof(*jobs), by_deadline);
		for (k = 0; k < n; k++)
			slots[k] =
			    ap_xcalloc((size_t)jobs[k].need, sizeof(ap_day));
		if (schedule_firm(p, f, jobs, n, slots) == 0) {
			for (k = 0; k < n; k++) {
				free(dates[jobs[k].opt]);
				dates[jobs[k].opt] = slots[k];
			}
		} else {
			size_t *set = ap_xmalloc(n * sizeof(size_t));
			for (k = 0; k < n; k++) {
				set[k] = jobs[k].opt;
				free(slots[k]);
			}
			add_cut(p, set, n);
			free(set);
			bad++;
		}
		free(slots);
		free(jobs);
	}
	return bad;
}

static int cmp_missions(const void *a, const void *b, void *ctx)
{
	const ap_planned *x = a, *y = b;
	const ap_plan_input *in = ctx;
	if (x->dates[0] != y->dates[0])
		return x->dates[0] < y->dates[0] ? -1 : 1;
	return strcmp(in->sites[x->site].site_id, in->sites[y->site].site_id);
}

static int cmp_unplanned(const void *a, const void *b, void *ctx)
{
	const ap_unplanned *x = a, *y = b;
	const ap_plan_input *in = ctx;
	double px = in->sites[x->site].priority,
	       py = in->sites[y->site].priority;
	if (px != py)
		return px > py ? -1 : 1;
	int c = strcmp(in->sites[x->site].site_id, in->sites[y->site].site_id);
	return c ? c
	         : strcmp(in->sites[x->site].case_id,
	                  in->sites[y->site].case_id);
}

/* Why this firm: the preference order, and why better-ranked firms were not
 * used. */
static char *explain_firm(const planner *p, const ap_plan *plan, size_t opt)
{
	const option *o = &p->opts[opt];
	const ap_plan_site *s = &p->in->sites[o->site];
	const ap_firm *firm = &p->c->firms[o->firm];
	ap_buf b;
	ap_buf_init(&b);
	if (firm_region_match(firm, s->region))
		ap_buf_printf(&b, "%s works in %s, the site's region", firm->id,
		              s->region);
	else
		ap_buf_printf(&b, "%s works in every region", firm->id);
	ap_buf_printf(&b, ", covers its themes, %.2f EUR/day",
	              firm->daily_rate);
	size_t first = p->site_first_opt[o->site], n = p->site_n_opts[o->site];
	size_t better = 0, others = 0;
	for (size_t j = first; j < first + n; j++) {
		const option *q = &p->opts[j];
		if (q->days != o->days || q->firm == o->firm)
			continue;
		others++;
		if (q->pref >= o->pref)
			continue;
		const ap_firm *other = &p->c->firms[q->firm];
		const char *why;
		if (plan->firm_days[q->firm] + q->days > p->capacity[q->firm])
			why = "was fully booked";
		else if (p->c->has_budget_euros &&
		         plan->total_euros - o->days * firm->daily_rate +
		                 q->days * other->daily_rate >
		             p->c->budget_euros + 1e-6)
			why = "would exceed the euro budget";
		else
			why =
			    "had no room in its calendar in the site's window";
		ap_buf_printf(
		    &b, "%s %s (%.2f EUR/day, %s) %s",
		    better ? ";" : "; preferred", other->id, other->daily_rate,
		    firm_region_match(other, s->region) ? "in region"
		                                        : "every region",
		    why);
		better++;
	}
	if (!better && others)
		ap_buf_printf(&b, "; the preferred of %zu eligible firms",
		              others + 1);
	else if (!better)
		ap_buf_puts(&b, "; the only eligible firm");
	return b.data;
}

/* Sites by decreasing priority, then site id: stable and deterministic. */
static void by_priority(const planner *p, size_t *order, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = order[i], k = i;
		while (k > 0) {
			const ap_plan_site *a = &p->in->sites[order[k - 1]];
			const ap_plan_site *b = &p->in->sites[v];
			if (a->priority > b->priority ||
			    (a->priority == b->priority &&
			     strcmp(a->site_id, b->site_id) <= 0))
				break;
			order[k] = order[k - 1];
			k--;
		}
		order[k] = v;
	}
}

/*
 * Plans the sites of `order`, in that order, each with its best option that
 * still fits the budget, the firm's capacity and the firm's calendar: more
 * days first (closest to the recommendation), then the preferred firm; with
 * `fewest_days`, only options of the site's fewest days. Valid, not proven
 * optimal.
 */
static void place_in_order(planner *p, const size_t *order, size_t ns,
                           int fewest_days, unsigned char *chosen)
{
	const ap_campaign *c = p->c;
	memset(chosen, 0, p->n_opts ? p->n_opts : 1);
	int days = 0;
	double euros = 0;
	int *load = ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(int));
	for (size_t oi = 0; oi < ns; oi++) {
		size_t i = order[oi];
		size_t best = SIZE_MAX;
		int fewest = INT32_MAX;
		for (size_t j = p->site_first_opt[i];
		     j < p->site_first_opt[i] + p->site_n_opts[i]; j++)
			if (p->opts[j].days < fewest)
				fewest = p->opts[j].days;
		for (size_t j = p->site_first_opt[i];
		     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
			const option *o = &p->opts[j];
			double cost = o->days * c->firms[o->firm].daily_rate;
			if ((fewest_days && o->days != fewest) ||
			    (c->has_budget_days &&
			     days + o->days > c->budget_days) ||
			    (c->has_budget_euros &&
			     euros + cost > c->budget_euros + 1e-6) ||
			    load[o->firm] + o->days > p->capacity[o->firm])
				continue;
			if (best != SIZE_MAX &&
			    (p->opts[best].days > o->days ||
			     (p->opts[best].days == o->days &&
			      p->opts[best].pref <= o->pref)))
				continue;
			/* It must fit the firm's calendar. */
			chosen[j] = 1;
			size_t n = 0;
			for (size_t q = 0; q < p->n_opts; q++)
				n += chosen[q] && p->opts[q].firm == o->firm;
			job *jobs = ap_xcalloc(n, sizeof(*jobs));
			ap_day **slots = ap_xcalloc(n, sizeof(*slots));
			size_t k = 0;
			for (size_t q = 0; q < p->n_opts; q++)
				if (chosen[q] && p->opts[q].firm == o->firm)
					jobs[k++] =
					    (job){q,
					          p->win_first[p->opts[q].site],
					          p->win_last[p->opts[q].site],
					          p->opts[q].days,
					          0,
					          0};
			qsort(jobs, n, sizeof(*jobs), by_deadline);
			for (k = 0; k < n; k++)
				slots[k] = ap_xcalloc((size_t)jobs[k].need,
				                      sizeof(ap_day));
			if (schedule_firm(p, o->firm, jobs, n, slots) == 0)
				best = j;
			for (k = 0; k < n; k++)
				free(slots[k]);
			free(slots);
			free(jobs);
			chosen[j] = 0;
		}
		if (best == SIZE_MAX)
			continue;
		chosen[best] = 1;
		days += p->opts[best].days;
		euros += p->opts[best].days *
		         c->firms[p->opts[best].firm].daily_rate;
		load[p->opts[best].firm] += p->opts[best].days;
	}
	free(load);
}

/* The greedy plan: every site, by decreasing priority. */
static void greedy(planner *p, unsigned char *chosen)
{
	size_t ns = p->in->n;
	size_t *order = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	for (size_t i = 0; i < ns; i++)
		order[i] = i;
	by_priority(p, order, ns);
	place_in_order(p, order, ns, 0, chosen);
	free(order);
}

#define KNAPSACK_MAX_CELLS 200000000.0 /* sites x budget days */

/*
 * The day budget alone, as a 0-1 knapsack: each site with an option weighs
 * its fewest days and is worth its priority (in hundredths); firms, euros
 * and calendars are left out. Solved exactly by dynamic programming over
 * the days, it bounds every plan's priority sum: stage 1 gets that bound as
 * a row, which its linear relaxation (a fraction of a site) does not give.
 * The sites of the knapsack's best selection, planned in priority order, are
 * a second starting plan; when they all fit firms and calendars, that plan
 * reaches the bound and is optimal at once. Sets p->knapsack_bound (-1 when
 * the budget has no days or the table would be too large) and fills
 * `chosen` with that plan.
 */
static void knapsack(planner *p, unsigned char *chosen)
{
	const ap_campaign *c = p->c;
	size_t ns = p->in->n;
	p->knapsack_bound = -1;
	memset(chosen, 0, p->n_opts ? p->n_opts : 1);
	if (!c->has_budget_days || c->budget_days <= 0)
		return;
	size_t cap = (size_t)c->budget_days;
	size_t *items = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	size_t ni = 0;
	for (size_t i = 0; i < ns; i++)
		if (p->site_n_opts[i])
			items[ni++] = i;
	if ((double)ni * (double)(cap + 1) > KNAPSACK_MAX_CELLS) {
		free(items);
		return;
	}
	int *weight = ap_xmalloc((ni ? ni : 1) * sizeof(int));
	for (size_t k = 0; k < ni; k++) {
		size_t i = items[k];
		int w = INT32_MAX;
		for (size_t j = p->site_first_opt[i];
		     j < p->site_first_opt[i] + p->site_n_opts[i]; j++)
			if (p->opts[j].days < w)
				w = p->opts[j].days;
		weight[k] = w;
	}
	/* best[d]: the best sum within d days; took[k][d]: item k improved
	 * best[d] when it was added (a bit per cell, to rebuild the set). */
	long *best = ap_xcalloc(cap + 1, sizeof(long));
	size_t row = (cap + 8) / 8;
	unsigned char *took = ap_xcalloc((ni ? ni : 1) * row, 1);
	for (size_t k = 0; k < ni; k++) {
		long v = cents(p->in->sites[items[k]].priority);
		size_t w = (size_t)weight[k];
		for (size_t d = cap + 1; d-- > w;) {
			if (best[d - w] + v > best[d]) {
				best[d] = best[d - w] + v;
				took[k * row + d / 8] |=
				    (unsigned char)(1u << d % 8);
			}
		}
	}
	p->knapsack_bound = best[cap];
	size_t *set = ap_xmalloc((ni ? ni : 1) * sizeof(size_t));
	size_t n = 0;
	size_t d = cap;
	for (size_t k = ni; k-- > 0;) {
		if (took[k * row + d / 8] & (1u << d % 8)) {
			set[n++] = items[k];
			d -= (size_t)weight[k];
		}
	}
	by_priority(p, set, n);
	place_in_order(p, set, n, 1, chosen);
	free(set);
	free(took);
	free(best);
	free(weight);
	free(items);
}

static void planner_free(planner *p)
{
	for (size_t f = 0; f < p->c->n_firms; f++)
		free(p->avail[f]);
	free(p->avail);
	free(p->n_avail);
	free(p->capacity);
	free(p->win_first);
	free(p->win_last);
	free(p->min_days);
	free(p->max_days);
	free(p->reason);
	for (size_t i = 0; i < p->in->n; i++)
		free(p->detail[i]);
	free(p->detail);
	free(p->opts);
	free(p->site_first_opt);
	free(p->site_n_opts);
	free(p->site_rank);
	free(p->order);
	for (size_t k = 0; k < p->n_cuts; k++)
		free(p->cuts[k]);
	free(p->cuts);
	free(p->cut_len);
}

int ap_plan_build(ap_plan **out, const ap_campaign *c, const ap_plan_input *in,
                  const ap_plan_options *opt, ap_diags *d)
{
	*out = NULL;
	double limit =
	    opt && opt->time_limit > 0 ? opt->time_limit : DEFAULT_TIME_LIMIT;
	size_t ns = in->n, nf = c->n_firms;
	planner p = {
	    .c = c, .in = in, .first = c->window_first, .last = c->window_last};
	p.deadline = now() + limit;
	p.avail = ap_xcalloc(nf ? nf : 1, sizeof(*p.avail));
	p.n_avail = ap_xcalloc(nf ? nf : 1, sizeof(*p.n_avail));
	p.capacity = ap_xcalloc(nf ? nf : 1, sizeof(*p.capacity));
	for (size_t f = 0; f < nf; f++) {
		long span = c->window_last - c->window_first + 1;
		p.avail[f] =
		    ap_xmalloc((size_t)(span > 0 ? span : 1) * sizeof(ap_day));
		for (ap_day day = c->window_first; day <= c->window_last; day++)
			if (ap_firm_available(c, &c->firms[f], day))
				p.avail[f][p.n_avail[f]++] = day;
		p.capacity[f] = c->firms[f].capacity < (int)p.n_avail[f]
		                    ? c->firms[f].capacity
		                    : (int)p.n_avail[f];
	}
	p.win_first = ap_xcalloc(ns ? ns : 1, sizeof(ap_day));
	p.win_last = ap_xcalloc(ns ? ns : 1, sizeof(ap_day));
	p.min_days = ap_xcalloc(ns ? ns : 1, sizeof(int));
	p.max_days = ap_xcalloc(ns ? ns : 1, sizeof(int));
	p.reason = ap_xcalloc(ns ? ns : 1, sizeof(*p.reason));
	p.detail = ap_xcalloc(ns ? ns : 1, sizeof(char *));
	p.site_first_opt = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
	p.site_n_opts = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
	p.site_rank = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
	build_options(&p);
	tie_weights(&p);

	unsigned char *chosen = ap_xcalloc(p.n_opts ? p.n_opts : 1, 1);
	ap_day **dates = ap_xcalloc(p.n_opts ? p.n_opts : 1, sizeof(ap_day *));
	int optimal1 = 1, optimal2 = 1, rounds = 0, ties_run = 0;
	long best = 0;
	/* A good plan to start from; it fits every calendar, so the cuts never
	 * exclude it. */
	unsigned char *start = ap_xcalloc(p.n_opts ? p.n_opts : 1, 1);
	greedy(&p, start);
	{
		/* The knapsack's plan when it is better (see knapsack()). */
		unsigned char *alt = ap_xcalloc(p.n_opts ? p.n_opts : 1, 1);
		knapsack(&p, alt);
		if (value_of(&p, 1, alt) > value_of(&p, 1, start))
			memcpy(start, alt, p.n_opts);
		free(alt);
	}
	for (;;) {
		rounds++;
		if (p.knapsack_bound >= 0 &&
		    value_of(&p, 1, start) >= (double)p.knapsack_bound) {
			/* The starting plan reaches the knapsack's bound:
			 * stage 1's optimum, proven without a search. */
			memcpy(chosen, start, p.n_opts);
			optimal1 = 1;
			p.best_bound = (double)p.knapsack_bound;
			p.have_bound = 1;
		} else if (solve(&p, 1, 0, start, chosen, &optimal1, d) != 0) {
			goto fail;
		}
		best = 0;
		for (size_t j = 0; j < p.n_opts; j++)
			if (chosen[j])
				best +=
				    cents(in->sites[p.opts[j].site].priority);
		ties_run = 0;
		if (!p.timed_out) {
			/* Stage 2 keeps the optimum and breaks the ties. */
			ties_run = 1;
			unsigned char *tie =
			    ap_xcalloc(p.n_opts ? p.n_opts : 1, 1);
			if (solve(&p, 2, best, chosen, tie, &optimal2, d) !=
			    0) {
				free(tie);
				goto fail;
			}
			long check = 0;
			for (size_t j = 0; j < p.n_opts; j++)
				if (tie[j])
					check += cents(
					    in->sites[p.opts[j].site].priority);
			if (check >= best)
				memcpy(chosen, tie, p.n_opts);
			free(tie);
		}
		size_t bad = place_all(&p, chosen, dates);
		if (!bad)
			break;
		if (rounds >= MAX_ROUNDS || now() > p.deadline) {
			/* Keep what fits: drop each unplaceable firm's set. */
			for (size_t k = p.n_cuts - bad; k < p.n_cuts; k++)
				for (size_t m = 0; m < p.cut_len[k]; m++)
					chosen[p.cuts[k][m]] = 0;
			optimal1 = 0;
			break;
		}
	}

	ap_plan *plan = ap_xcalloc(1, sizeof(*plan));
	plan->campaign = c;
	plan->input = in;
	plan->firm_days = ap_xcalloc(nf ? nf : 1, sizeof(int));
	plan->firm_euros = ap_xcalloc(nf ? nf : 1, sizeof(double));
	plan->solver_rounds = rounds;
	size_t nm = 0;
	for (size_t j = 0; j < p.n_opts; j++)
		nm += chosen[j];
	plan->missions = ap_xcalloc(nm ? nm : 1, sizeof(*plan->missions));
	unsigned char *planned = ap_xcalloc(ns ? ns : 1, 1);
	for (size_t j = 0; j < p.n_opts; j++) {
		if (!chosen[j])
			continue;
		const option *o = &p.opts[j];
		const ap_firm *firm = &c->firms[o->firm];
		ap_planned *m = &plan->missions[plan->n_missions++];
		m->site = o->site;
		m->firm = o->firm;
		m->days = o->days;
		m->dates = dates[j];
		dates[j] = NULL;
		qsort(m->dates, (size_t)m->days, sizeof(ap_day), cmp_day);
		m->cost = o->days * firm->daily_rate;
		plan->priority_sum += in->sites[o->site].priority;
		plan->total_days += o->days;
		plan->total_euros += m->cost;
		plan->firm_days[o->firm] += o->days;
		plan->firm_euros[o->firm] += m->cost;
		planned[o->site] = 1;
	}
	/* Explanations need the final bookings. */
	size_t k = 0;
	for (size_t j = 0; j < p.n_opts; j++)
		if (chosen[j])
			plan->missions[k++].why = explain_firm(&p, plan, j);
	qsort_r(plan->missions, plan->n_missions, sizeof(*plan->missions),
	        cmp_missions, (void *)in);

	plan->unplanned = ap_xcalloc(ns ? ns : 1, sizeof(*plan->unplanned));
	for (size_t i = 0; i < ns; i++) {
		if (planned[i])
			continue;
		ap_unplanned *u = &plan->unplanned[plan->n_unplanned++];
		u->site = i;
		if (!p.site_n_opts[i]) {
			u->reason = p.reason[i];
			u->detail = p.detail[i];
			p.detail[i] = NULL;
			continue;
		}
		/* It had options: what stopped it is the budget or the firms.
		 */
		int dmin = p.min_days[i];
		double cheapest = -1;
		int room = 0;
		for (size_t j = p.site_first_opt[i];
		     j < p.site_first_opt[i] + p.site_n_opts[i]; j++) {
			const option *o = &p.opts[j];
			double cost = o->days * c->firms[o->firm].daily_rate;
			if (cheapest < 0 || cost < cheapest)
				cheapest = cost;
			room |= plan->firm_days[o->firm] + o->days <=
			        p.capacity[o->firm];
		}
		if (c->has_budget_days &&
		    plan->total_days + dmin > c->budget_days) {
			u->reason = AP_UNPLANNED_BUDGET;
			u->detail = ap_xasprintf(
			    "needs %d days; %d of the %d budget days "
			    "are left",
			    dmin, c->budget_days - plan->total_days,
			    c->budget_days);
		} else if (c->has_budget_euros && plan->total_euros + cheapest >
		                                      c->budget_euros + 1e-6) {
			u->reason = AP_UNPLANNED_BUDGET;
			u->detail = ap_xasprintf(
			    "costs at least %.2f EUR; %.2f EUR of the "
			    "budget are left",
			    cheapest, c->budget_euros - plan->total_euros);
		} else if (!room) {
			u->reason = AP_UNPLANNED_CAPACITY;
			u->detail =
			    ap_xstrdup("every eligible firm is fully booked");
		} else {
			u->reason = AP_UNPLANNED_CAPACITY;
			u->detail = ap_xstrdup(
			    "the eligible firms' calendars are full in "
			    "its window");
		}
	}
	qsort_r(plan->unplanned, plan->n_unplanned, sizeof(*plan->unplanned),
	        cmp_unplanned, (void *)in);

	long got = 0;
	for (size_t m = 0; m < plan->n_missions; m++)
		got += cents(in->sites[plan->missions[m].site].priority);
	plan->optimal = optimal1 && !p.timed_out;
	/* A search stopped with its bound under one hundredth above the plan
	 * has proven it all the same: priorities count in hundredths. */
	if (!plan->optimal && p.have_bound && p.best_bound < (double)got + 1.0)
		plan->optimal = 1;
	if (plan->optimal) {
		plan->bound = (double)got / 100.0;
		plan->gap = 0;
	} else {
		/* Without a bound from the search, every site with an option
		 * planned is one. */
		double bound =
		    p.have_bound ? p.best_bound : p.max_priority_cents;
		if (bound < (double)got)
			bound = (double)got;
		plan->bound = bound / 100.0;
		plan->gap = bound > 0 ? (bound - (double)got) / bound : 0;
	}
	/* Settled only by a second program that ran to its end: a first one
	 * stopped by the time limit leaves no time for it. */
	plan->ties_settled = plan->optimal && ties_run && optimal2;
	(void)best;

	for (size_t j = 0; j < p.n_opts; j++)
		free(dates[j]);
	free(dates);
	free(chosen);
	free(start);
	free(planned);
	planner_free(&p);
	*out = plan;
	return 0;

fail:
	for (size_t j = 0; j < p.n_opts; j++)
		free(dates[j]);
	free(dates);
	free(chosen);
	free(start);
	planner_free(&p);
	return -1;
}

void ap_plan_free(ap_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_missions; i++) {
		free(p->missions[i].dates);
		free(p->missions[i].why);
	}
	free(p->missions);
	for (size_t i = 0; i < p->n_unplanned; i++)
		free(p->unplanned[i].detail);
	free(p->unplanned);
	free(p->firm_days);
	free(p->firm_euros);
	free(p);
}
