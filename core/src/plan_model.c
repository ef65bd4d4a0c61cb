/*
 * The planner's model: its working state (each firm's working days and
 * capacity), the options of each site ((firm, days) pairs), the tie-break
 * weights, and the two 0-1 programs built from them and handed to the
 * solver (plan_solver.h).
 *
 * Stage 1 chooses at most one option per site, within the budget in days
 * and in euros and each firm's capacity (its declared days, and no more
 * than its working days in the campaign), maximising the sum of the
 * priorities of the planned sites (in hundredths, so the objective is a
 * whole number); the knapsack's bound (plan_start.c) is one of its rows.
 * Stage 2 keeps that optimum and breaks the ties (plan_tie_weights()).
 */
#define _GNU_SOURCE /* qsort_r */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan_impl.h"
#include "plan_solver.h"

long plan_cents(double priority)
{
	return lround(priority * 100.0);
}

/* The most working days of a firm inside [from, to] and one span. */
static int days_in_span(const planner *p, size_t f, ap_day from, ap_day to)
{
	size_t lo, hi;
	plan_avail_range(p, f, from, to, &lo, &hi);
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

int plan_firm_region_match(const ap_firm *f, const char *region)
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
	p->opts[p->n_opts++] = (plan_option){site, firm, days, pref};
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

/* Sets up the planner: each firm's working days and capacity, and the
 * per-site arrays that the options fill. */
void plan_init(planner *p, const ap_campaign *c, const ap_plan_input *in,
               double time_limit)
{
	size_t ns = in->n, nf = c->n_firms;
	*p = (planner){
	    .c = c, .in = in, .first = c->window_first, .last = c->window_last};
	p->deadline = ap_now() + time_limit;
	p->avail = ap_xcalloc(nf ? nf : 1, sizeof(*p->avail));
	p->n_avail = ap_xcalloc(nf ? nf : 1, sizeof(*p->n_avail));
	p->capacity = ap_xcalloc(nf ? nf : 1, sizeof(*p->capacity));
	for (size_t f = 0; f < nf; f++) {
		long span = c->window_last - c->window_first + 1;
		p->avail[f] =
		    ap_xmalloc((size_t)(span > 0 ? span : 1) * sizeof(ap_day));
		for (ap_day day = c->window_first; day <= c->window_last; day++)
			if (ap_firm_available(c, &c->firms[f], day))
				p->avail[f][p->n_avail[f]++] = day;
		p->capacity[f] = c->firms[f].capacity < (int)p->n_avail[f]
		                     ? c->firms[f].capacity
		                     : (int)p->n_avail[f];
	}
	p->win_first = ap_xcalloc(ns ? ns : 1, sizeof(ap_day));
	p->win_last = ap_xcalloc(ns ? ns : 1, sizeof(ap_day));
	p->min_days = ap_xcalloc(ns ? ns : 1, sizeof(int));
	p->max_days = ap_xcalloc(ns ? ns : 1, sizeof(int));
	p->reason = ap_xcalloc(ns ? ns : 1, sizeof(*p->reason));
	p->detail = ap_xcalloc(ns ? ns : 1, sizeof(char *));
	p->site_first_opt = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
	p->site_n_opts = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
	p->site_rank = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
}

void plan_free_planner(planner *p)
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

/* Firms ranked by rate (then id): the rank is the tie-break among firms. */
static size_t *firm_ranks(const ap_campaign *c)
{
	size_t nf = c->n_firms;
	size_t *rank = ap_xcalloc(nf ? nf : 1, sizeof(*rank));
	for (size_t f = 0; f < nf; f++)
		for (size_t g = 0; g < nf; g++)
			if (c->firms[g].daily_rate < c->firms[f].daily_rate ||
			    (c->firms[g].daily_rate == c->firms[f].daily_rate &&
			     strcmp(c->firms[g].id, c->firms[f].id) < 0))
				rank[f]++;
	return rank;
}

/* Sites in site-id order, so that the model, and so the plan, do not
 * depend on the order the files were given in. */
static void order_sites(planner *p)
{
	size_t ns = p->in->n;
	size_t *order = p->order = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	for (size_t i = 0; i < ns; i++)
		order[i] = i;
	qsort_r(order, ns, sizeof(size_t), cmp_site_order, (void *)p->in);
	for (size_t oi = 0; oi < ns; oi++)
		p->site_rank[order[oi]] = oi;
}

/* A site without a mission, or below the campaign's minimum priority, gets
 * no option: its reason is set and 1 returned. */
static int below_threshold(planner *p, size_t i)
{
	const ap_campaign *c = p->c;
	const ap_plan_site *s = &p->in->sites[i];
	if (s->days > 0 && s->priority > 0 &&
	    !(c->min_priority > 0 && s->priority < c->min_priority))
		return 0;
	p->reason[i] = AP_UNPLANNED_BELOW_THRESHOLD;
	p->detail[i] =
	    s->days <= 0 ? ap_xstrdup("every theme is good: no mission needed")
	                 : ap_xasprintf("priority %.2f is below the campaign's "
	                                "minimum of %.2f",
	                                s->priority, c->min_priority);
	return 1;
}

/*
 * Site i's options: (firm, days) pairs where the firm covers all the
 * mission's themes, serves the site's region, and has enough working days
 * inside [from, to] (the request window within the campaign window) and
 * within one span of max_span_days. Counts in `sf` how the firms fell short.
 */
static void site_options(planner *p, size_t i, const size_t *rank, ap_day from,
                         ap_day to, plan_shortfall *sf)
{
	const ap_campaign *c = p->c;
	const ap_plan_site *s = &p->in->sites[i];
	size_t nf = c->n_firms;
	*sf = (plan_shortfall){0};
	for (size_t f = 0; f < nf; f++) {
		const ap_firm *firm = &c->firms[f];
		int ok = ap_firm_serves(firm, s->region);
		for (size_t t = 0; ok && t < s->n_themes; t++)
			ok = ap_firm_covers(firm, s->themes[t]);
		if (!ok)
			continue;
		sf->eligible++;
		int fit = from <= to ? days_in_span(p, f, from, to) : 0;
		if (fit > sf->best_days)
			sf->best_days = fit;
		if (p->capacity[f] > sf->best_capacity)
			sf->best_capacity = p->capacity[f];
		if (fit < p->min_days[i])
			sf->short_window++;
		else if (p->capacity[f] < p->min_days[i])
			sf->short_capacity++;
		/* Firms in the site's region first, then by rate. */
		long pref =
		    (plan_firm_region_match(firm, s->region) ? 0 : (long)nf) +
		    (long)rank[f];
		for (int d = p->max_days[i]; d >= p->min_days[i]; d--)
			if (d <= fit && d <= p->capacity[f])
				add_option(p, i, f, d, pref);
	}
}

/* Every site's options, in site-id order; the reason of each site left
 * without one. */
void plan_build_options(planner *p)
{
	const ap_campaign *c = p->c;
	size_t ns = p->in->n;
	size_t *rank = firm_ranks(c);
	order_sites(p);
	for (size_t oi = 0; oi < ns; oi++) {
		size_t i = p->order[oi];
		const ap_plan_site *s = &p->in->sites[i];
		p->site_first_opt[i] = p->n_opts;
		if (below_threshold(p, i))
			continue;
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
		plan_shortfall sf;
		site_options(p, i, rank, from, to, &sf);
		p->site_n_opts[i] = p->n_opts - p->site_first_opt[i];
		if (!p->site_n_opts[i])
			plan_no_option_reason(p, i, &sf, from, to);
	}
	free(rank);
}

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
void plan_tie_weights(planner *p)
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
			cents_total +=
			    (double)plan_cents(p->in->sites[i].priority);
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

/* An option's cost in stage 2 (lower is better). */
static double tie_cost(const planner *p, const plan_option *o)
{
	return (double)(p->max_days[o->site] - o->days) * p->tie_short_weight +
	       (double)o->days * p->tie_day_weight +
	       (double)p->site_rank[o->site] * p->tie_rank_weight +
	       (double)o->pref;
}

/* How good a plan is for a stage: the priority sum (stage 1, higher is
 * better) or minus the tie-break cost (stage 2). */
double plan_value_of(const planner *p, int stage, const unsigned char *chosen)
{
	double v = 0;
	for (size_t j = 0; j < p->n_opts; j++) {
		if (!chosen[j])
			continue;
		const plan_option *o = &p->opts[j];
		if (stage == 1)
			v += (double)plan_cents(p->in->sites[o->site].priority);
		else
			v -= tie_cost(p, o);
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
		const plan_option *o = &p->opts[j];
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

/* Where a stage's rows are: one per site with options (in site-id order,
 * like the columns: the model, and so the plan, must not depend on the
 * order of the input files), budget days, budget euros, one per firm, one
 * per calendar cut, in stage 2 the priority floor, in stage 1 the
 * knapsack's bound on the priority sum; -1 for a row left out. */
typedef struct stage_rows {
	int n;
	int *site;
	int days, euros, firm0, cut0, floor, bound;
} stage_rows;

static void stage_layout(const planner *p, int stage, stage_rows *r)
{
	const ap_campaign *c = p->c;
	size_t ns = p->in->n;
	int row = 0;
	r->site = ap_xcalloc(ns ? ns : 1, sizeof(int));
	for (size_t i = 0; i < ns; i++)
		r->site[i] = -1;
	for (size_t k = 0; k < ns; k++)
		if (p->site_n_opts[p->order[k]])
			r->site[p->order[k]] = row++;
	r->days = c->has_budget_days ? row++ : -1;
	r->euros = c->has_budget_euros ? row++ : -1;
	r->firm0 = row;
	row += (int)c->n_firms;
	r->cut0 = row;
	row += (int)p->n_cuts;
	r->floor = stage == 2 ? row++ : -1;
	r->bound = stage == 1 && p->knapsack_bound >= 0 ? row++ : -1;
	r->n = row;
}

static void stage_row_bounds(const planner *p, const stage_rows *r, long target,
                             plan_program *pg)
{
	const ap_campaign *c = p->c;
	if (r->days >= 0)
		pg->row_up[r->days] = c->budget_days;
	if (r->euros >= 0)
		pg->row_up[r->euros] = c->budget_euros + 1e-6;
	for (size_t f = 0; f < c->n_firms; f++)
		pg->row_up[r->firm0 + (int)f] = p->capacity[f];
	for (size_t k = 0; k < p->n_cuts; k++)
		pg->row_up[r->cut0 + (int)k] = (double)p->cut_len[k] - 1;
	if (r->floor >= 0) {
		pg->row_lo[r->floor] = (double)target - 0.5;
		pg->row_up[r->floor] = DBL_MAX;
	}
	if (r->bound >= 0)
		pg->row_up[r->bound] = (double)p->knapsack_bound + 0.5;
}

/* One column per option, its row indices in increasing order. */
static void stage_columns(const planner *p, int stage, const stage_rows *r,
                          plan_program *pg)
{
	const ap_campaign *c = p->c;
	size_t no = p->n_opts;
	size_t *cut_count = ap_xcalloc(no, sizeof(size_t));
	for (size_t k = 0; k < p->n_cuts; k++)
		for (size_t m = 0; m < p->cut_len[k]; m++)
			cut_count[p->cuts[k][m]]++;
	for (size_t j = 0; j < no; j++) {
		const plan_option *o = &p->opts[j];
		double worth =
		    (double)plan_cents(p->in->sites[o->site].priority);
		plan_program_column(pg, stage == 1 ? worth : tie_cost(p, o), 0,
		                    1);
		plan_program_elem(pg, r->site[o->site], 1);
		if (r->days >= 0)
			plan_program_elem(pg, r->days, o->days);
		if (r->euros >= 0)
			plan_program_elem(pg, r->euros,
			                  o->days *
			                      c->firms[o->firm].daily_rate);
		plan_program_elem(pg, r->firm0 + (int)o->firm, o->days);
		if (cut_count[j])
			for (size_t k = 0; k < p->n_cuts; k++)
				for (size_t m = 0; m < p->cut_len[k]; m++)
					if (p->cuts[k][m] == j)
						plan_program_elem(
						    pg, r->cut0 + (int)k, 1);
		if (r->floor >= 0)
			plan_program_elem(pg, r->floor, worth);
		if (r->bound >= 0)
			plan_program_elem(pg, r->bound, worth);
	}
	free(cut_count);
}

/* Stage `stage`'s program; `start`, when given, sets the cutoff. */
static void stage_program(const planner *p, int stage, long target,
                          const unsigned char *start, plan_program *pg)
{
	stage_rows r;
	stage_layout(p, stage, &r);
	plan_program_init(pg, r.n);
	stage_row_bounds(p, &r, target, pg);
	stage_columns(p, stage, &r, pg);
	free(r.site);
	pg->maximise = stage == 1;
	/* Both objectives are whole numbers: a gap under one unit is none. */
	pg->allowable_gap = 0.5;
	double left = p->deadline - ap_now();
	pg->seconds = left > 0.05 ? left : 0.05;
	/* The starting plan's value as a cutoff: the search prunes every node
	 * that cannot do at least as well (a plan worth as much stays in). */
	if (start) {
		double v = plan_value_of(p, stage, start);
		pg->has_cutoff = 1;
		pg->cutoff = stage == 1 ? v - 0.5 : -v + 0.5;
	}
}

/*
 * Solves one stage. Stage 1 maximises the priority sum; stage 2 keeps it at
 * `target` and minimises the tie-break cost. `start`, a plan known to fit
 * every constraint and calendar (the greedy one, or stage 1's for stage 2),
 * is handed to the search first, so a time limit never returns worse.
 * Fills `chosen` (0/1 per option); *optimal when proven; returns 0, or -1
 * when the solver failed.
 */
int plan_solve_stage(planner *p, int stage, long target,
                     const unsigned char *start, unsigned char *chosen,
                     int *optimal, ap_diags *d)
{
	const ap_campaign *c = p->c;
	size_t no = p->n_opts;
	memset(chosen, 0, no ? no : 1);
	*optimal = 1;
	if (no == 0)
		return 0;

	plan_program pg;
	plan_solution sol;
	stage_program(p, stage, target, start, &pg);
	plan_program_solve(&pg, &sol);
	const double *x = sol.x;
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
	if (!sol.proven && !sol.stopped) {
		ap_diags_add(d, AP_ERROR, c->path ? c->path : "campaign", 0,
		             "plan",
		             "the solver failed (CBC status %d, secondary %d)",
		             sol.status, sol.secondary);
		rc = -1;
		goto out;
	}
	if (x)
		for (size_t j = 0; j < no; j++)
			chosen[j] = x[j] > 0.5;
	/* Stopped by the time limit with nothing, or with worse than the plan
	 * we started from: keep that one. */
	if (start &&
	    (!x || (!sol.proven && plan_value_of(p, stage, chosen) <
	                               plan_value_of(p, stage, start))))
		memcpy(chosen, start, no);
	*optimal = sol.proven && x;
	if (stage == 1) {
		if (sol.stopped)
			p->timed_out = 1;
		/* The bound on the priority sum (the solver minimises -sum). */
		p->best_bound =
		    sol.proven && x ? fabs(sol.objective) : fabs(sol.bound);
		p->have_bound = 1;
	}
out:
	plan_solution_free(&sol);
	plan_program_free(&pg);
	return rc;
}
