/*
 * The planner's model: its working state (each firm's working days and
 * capacity), the options of each site ((firm, days) pairs), the tie-break
 * weights, and the two 0-1 programs built from them and handed to the
 * solver (plan_solver.h).
 *
 * Each program chooses at most one column per site, within the budget in
 * days and in euros, each firm's capacity (its declared days, and no more
 * than its working days in the campaign) and the interval capacities the
 * calendar placement found (plan_place.c). The first maximises the sum of
 * the priorities of the planned sites (in hundredths, so the objective is
 * a whole number; the knapsack's bound, plan_start.c, is one of its rows);
 * the next ones keep the optimum of those before and break the ties, one
 * whole-number objective each (plan_level).
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

static void add_option(planner *p, const plan_option *o)
{
	if (p->n_opts == p->cap_opts) {
		p->cap_opts = p->cap_opts ? p->cap_opts * 2 : 256;
		p->opts = ap_xrealloc(p->opts, p->cap_opts * sizeof(*p->opts));
	}
	p->opts[p->n_opts++] = *o;
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
	*p = (planner){.given = c,
	               .eff = *c,
	               .in = in,
	               .first = c->window_first,
	               .last = c->window_last};
	p->c = &p->eff;
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
	free(p->org_of);
	free(p->fixed_of);
	free(p->fixed_firm);
	free(p->order);
	free(p->split);
	free(p->change_cost);
	free(p->cols);
	free(p->ivals);
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

static int cmp_org(const void *a, const void *b, void *ctx)
{
	const ap_plan_input *in = ctx;
	const char *x = in->sites[*(const size_t *)a].organisation_id;
	const char *y = in->sites[*(const size_t *)b].organisation_id;
	return strcmp(x ? x : "", y ? y : "");
}

/* Each site's organisation, numbered in id order (the fairness cap). */
static void number_orgs(planner *p)
{
	size_t ns = p->in->n;
	size_t *by = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	for (size_t i = 0; i < ns; i++)
		by[i] = i;
	qsort_r(by, ns, sizeof(size_t), cmp_org, (void *)p->in);
	p->org_of = ap_xcalloc(ns ? ns : 1, sizeof(size_t));
	for (size_t k = 0; k < ns; k++) {
		if (k && cmp_org(&by[k - 1], &by[k], (void *)p->in) != 0)
			p->n_orgs++;
		p->org_of[by[k]] = p->n_orgs;
	}
	if (ns)
		p->n_orgs++;
	free(by);
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
	number_orgs(p);
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

/* The part of site s's themes that firm f covers, as bits of s->themes. */
static unsigned covered(const ap_firm *f, const ap_plan_site *s)
{
	unsigned mask = 0;
	for (size_t t = 0; t < s->n_themes && t < AP_PARTIAL_MAX_THEMES; t++)
		if (ap_firm_covers(f, s->themes[t]))
			mask |= 1u << t;
	return mask;
}

/* No firm covers all of site i's themes (policy.partial_themes): each firm
 * that serves its region and covers part of them may take a mission on
 * that part, with the days and priority the method gives for it. */
static void partial_options(planner *p, size_t i, const size_t *rank,
                            ap_day from, ap_day to)
{
	const ap_campaign *c = p->c;
	const ap_plan_site *s = &p->in->sites[i];
	for (size_t f = 0; f < c->n_firms; f++) {
		const ap_firm *firm = &c->firms[f];
		unsigned mask = covered(firm, s);
		if (!mask || !ap_firm_serves(firm, s->region))
			continue;
		const ap_partial_mission *part = NULL;
		for (size_t k = 0; k < s->n_partials; k++)
			if (s->partials[k].themes == mask)
				part = &s->partials[k];
		if (!part || part->priority <= 0 ||
		    (c->min_priority > 0 && part->priority < c->min_priority))
			continue;
		int d = part->days < c->min_days   ? c->min_days
		        : part->days > c->max_days ? c->max_days
		                                   : part->days;
		int fit = from <= to ? days_in_span(p, f, from, to) : 0;
		long pref = (plan_firm_region_match(firm, s->region)
		                 ? 0
		                 : (long)c->n_firms) +
		            (long)rank[f];
		plan_option o = {i, f,   d, pref, plan_cents(part->priority),
		                 d, mask};
		if (d <= fit && d <= p->capacity[f])
			add_option(p, &o);
	}
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
		for (int d = p->max_days[i]; d >= p->min_days[i]; d--) {
			plan_option o = {i,
			                 f,
			                 d,
			                 pref,
			                 plan_cents(s->priority),
			                 p->max_days[i],
			                 0};
			if (d <= fit && d <= p->capacity[f])
				add_option(p, &o);
		}
	}
	if (!sf->eligible && c->partial_themes)
		partial_options(p, i, rank, from, to);
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
		if (p->fixed_of[i] != SIZE_MAX || below_threshold(p, i))
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
		if (p->site_n_opts[i])
			p->max_priority_cents +=
			    (double)plan_cents(s->priority);
	}
	free(rank);
	p->split = ap_xcalloc(p->n_opts ? p->n_opts : 1, 1);
	plan_build_columns(p);
}

/* ---- columns ----------------------------------------------------------- */

static void add_col(planner *p, size_t opt, ap_day from, ap_day to)
{
	if (p->n_cols == p->cap_cols) {
		p->cap_cols = p->cap_cols ? p->cap_cols * 2 : 256;
		p->cols = ap_xrealloc(p->cols, p->cap_cols * sizeof(*p->cols));
	}
	p->cols[p->n_cols++] = (plan_col){opt, from, to};
}

/* The columns of split option j: one per start day whose span, within
 * the window, holds the option's days, leaving out a start whose days are
 * all in the span of the start before it. */
static void split_columns(planner *p, size_t j)
{
	const plan_option *o = &p->opts[j];
	ap_day from = p->win_first[o->site], to = p->win_last[o->site];
	long span = p->c->max_span_days;
	size_t lo, hi, last_end = 0;
	plan_avail_range(p, o->firm, from, to, &lo, &hi);
	const ap_day *a = p->avail[o->firm];
	for (size_t i = lo; i < hi; i++) {
		ap_day end = a[i] + (ap_day)span - 1;
		if (end > to)
			end = to;
		size_t e = i;
		while (e < hi && a[e] <= end)
			e++;
		if (e - i < (size_t)o->days || (i > lo && e == last_end))
			continue;
		last_end = e;
		add_col(p, j, a[i], end);
	}
}

void plan_build_columns(planner *p)
{
	p->n_cols = 0;
	for (size_t j = 0; j < p->n_opts; j++) {
		const plan_option *o = &p->opts[j];
		if (p->split[j])
			split_columns(p, j);
		else
			add_col(p, j, p->win_first[o->site],
			        p->win_last[o->site]);
	}
}

/* ---- plans in the making ------------------------------------------------ */

void plan_sol_init(plan_sol *s, size_t n_opts)
{
	size_t n = n_opts ? n_opts : 1;
	s->on = ap_xcalloc(n, 1);
	s->from = ap_xcalloc(n, sizeof(ap_day));
	s->to = ap_xcalloc(n, sizeof(ap_day));
	s->dates = ap_xcalloc(n, sizeof(ap_day *));
}

void plan_sol_free(plan_sol *s, size_t n_opts)
{
	for (size_t j = 0; s->dates && j < n_opts; j++)
		free(s->dates[j]);
	free(s->dates);
	free(s->on);
	free(s->from);
	free(s->to);
	*s = (plan_sol){0};
}

void plan_sol_copy(const planner *p, plan_sol *to, const plan_sol *from)
{
	for (size_t j = 0; j < p->n_opts; j++) {
		to->on[j] = from->on[j];
		to->from[j] = from->from[j];
		to->to[j] = from->to[j];
		free(to->dates[j]);
		to->dates[j] = NULL;
		if (from->on[j] && from->dates[j]) {
			size_t n = (size_t)p->opts[j].days * sizeof(ap_day);
			to->dates[j] = ap_xmalloc(n);
			memcpy(to->dates[j], from->dates[j], n);
		}
	}
}

/* ---- the levels ---------------------------------------------------------- */

long plan_level_cost(const planner *p, plan_level level, size_t opt)
{
	const plan_option *o = &p->opts[opt];
	switch (level) {
	case PLAN_PRIORITY:
		return o->cents;
	case PLAN_CHANGES:
		return p->change_cost ? p->change_cost[opt] : 0;
	case PLAN_SHORTENING:
		return o->rec - o->days;
	case PLAN_DAYS:
		return o->days;
	case PLAN_SITE_ORDER:
		return (long)p->site_rank[o->site];
	case PLAN_FIRM_ORDER:
		return o->pref;
	default:
		return 0;
	}
}

long plan_level_value(const planner *p, plan_level level, const plan_sol *s)
{
	long v = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		if (s->on[j])
			v += plan_level_cost(p, level, j);
	return v;
}

/* Checks a solver's 0-1 solution against the budget, the capacities and
 * one mission a site, exactly: never trust a solver's tolerances with a
 * budget. */
static int solution_fits(const planner *p, const plan_sol *s)
{
	const ap_campaign *c = p->c;
	int days = 0, ok = 1;
	double euros = 0;
	int *load = ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(int));
	unsigned char *used = ap_xcalloc(p->in->n ? p->in->n : 1, 1);
	int *per_org = ap_xcalloc(p->n_orgs ? p->n_orgs : 1, sizeof(int));
	for (size_t j = 0; j < p->n_opts && ok; j++) {
		if (!s->on[j])
			continue;
		const plan_option *o = &p->opts[j];
		ok = !used[o->site];
		used[o->site] = 1;
		if (++per_org[p->org_of[o->site]] > c->max_missions_per_org &&
		    c->max_missions_per_org > 0)
			ok = 0;
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
	free(per_org);
	free(load);
	free(used);
	return ok;
}

/* Where a level's rows are: one per site with options (in site-id order,
 * like the columns: the model, and so the plan, must not depend on the
 * order of the input files), budget days, budget euros, one per firm, one
 * per interval capacity, one per level already solved, and at the first
 * level the knapsack's bound on the priority sum; -1 for a row left out. */
typedef struct level_rows {
	int n;
	int *site;
	int days, euros, firm0, org0, ival0, fixed0, bound;
} level_rows;

static void level_layout(const planner *p, plan_level level, level_rows *r)
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
	r->org0 = c->max_missions_per_org > 0 ? row : -1;
	if (r->org0 >= 0)
		row += (int)p->n_orgs;
	r->ival0 = row;
	row += (int)p->n_ivals;
	r->fixed0 = row;
	row += p->n_fixed;
	r->bound =
	    level == PLAN_PRIORITY && p->knapsack_bound >= 0 ? row++ : -1;
	r->n = row;
}

static void level_row_bounds(const planner *p, const level_rows *r,
                             plan_program *pg)
{
	const ap_campaign *c = p->c;
	if (r->days >= 0)
		pg->row_up[r->days] = c->budget_days;
	if (r->euros >= 0)
		pg->row_up[r->euros] = c->budget_euros + 1e-6;
	for (size_t f = 0; f < c->n_firms; f++)
		pg->row_up[r->firm0 + (int)f] = p->capacity[f];
	for (size_t k = 0; r->org0 >= 0 && k < p->n_orgs; k++)
		pg->row_up[r->org0 + (int)k] = c->max_missions_per_org;
	for (size_t k = 0; k < p->n_ivals; k++)
		pg->row_up[r->ival0 + (int)k] = p->ivals[k].cap;
	for (int k = 0; k < p->n_fixed; k++) {
		/* The priority sum at least its optimum; each tie-break at
		 * most its own. Whole numbers: half a unit is no tolerance. */
		int row = r->fixed0 + k;
		if (k == PLAN_PRIORITY) {
			pg->row_lo[row] = (double)p->fixed[k] - 0.5;
			pg->row_up[row] = DBL_MAX;
		} else {
			pg->row_up[row] = (double)p->fixed[k] + 0.5;
		}
	}
	if (r->bound >= 0)
		pg->row_up[r->bound] = (double)p->knapsack_bound + 0.5;
}

/* The interval capacities that hold column `col`, in increasing order:
 * those of its firm whose interval contains its days. */
static void col_ivals(const planner *p, const level_rows *r, size_t col,
                      plan_program *pg)
{
	const plan_col *k = &p->cols[col];
	const plan_option *o = &p->opts[k->opt];
	for (size_t v = 0; v < p->n_ivals; v++) {
		const plan_ival *iv = &p->ivals[v];
		if (iv->firm == o->firm && iv->from <= k->from &&
		    k->to <= iv->to)
			plan_program_elem(pg, r->ival0 + (int)v, o->days);
	}
}

/* One column per plan_col, its row indices in increasing order. */
static void level_columns(const planner *p, plan_level level,
                          const level_rows *r, plan_program *pg)
{
	const ap_campaign *c = p->c;
	for (size_t k = 0; k < p->n_cols; k++) {
		size_t j = p->cols[k].opt;
		const plan_option *o = &p->opts[j];
		plan_program_column(pg, (double)plan_level_cost(p, level, j), 0,
		                    1);
		plan_program_elem(pg, r->site[o->site], 1);
		if (r->days >= 0)
			plan_program_elem(pg, r->days, o->days);
		if (r->euros >= 0)
			plan_program_elem(pg, r->euros,
			                  o->days *
			                      c->firms[o->firm].daily_rate);
		plan_program_elem(pg, r->firm0 + (int)o->firm, o->days);
		if (r->org0 >= 0)
			plan_program_elem(pg, r->org0 + (int)p->org_of[o->site],
			                  1);
		col_ivals(p, r, k, pg);
		for (int f = 0; f < p->n_fixed; f++) {
			long cost = plan_level_cost(p, (plan_level)f, j);
			if (cost)
				plan_program_elem(pg, r->fixed0 + f,
				                  (double)cost);
		}
		if (r->bound >= 0)
			plan_program_elem(
			    pg, r->bound,
			    (double)plan_level_cost(p, PLAN_PRIORITY, j));
	}
}

/* The program of `level`, started from `best`. */
static void level_program(const planner *p, plan_level level,
                          const plan_sol *best, plan_program *pg)
{
	level_rows r;
	level_layout(p, level, &r);
	plan_program_init(pg, r.n);
	level_row_bounds(p, &r, pg);
	level_columns(p, level, &r, pg);
	free(r.site);
	pg->maximise = level == PLAN_PRIORITY;
	/* The objectives are whole numbers: a gap under one unit is none. */
	pg->allowable_gap = 0.5;
	double left = p->deadline - ap_now();
	pg->seconds = left > 0.05 ? left : 0.05;
	/* The start's value as a cutoff: the search prunes every node that
	 * cannot do at least as well (a plan worth as much stays in). */
	double v = (double)plan_level_value(p, level, best);
	pg->has_cutoff = 1;
	pg->cutoff = pg->maximise ? v - 0.5 : v + 0.5;
}

int plan_solve_level(planner *p, plan_level level, const plan_sol *best,
                     plan_sol *got, int *proven, ap_diags *d)
{
	const ap_campaign *c = p->c;
	for (size_t j = 0; j < p->n_opts; j++)
		got->on[j] = 0;
	*proven = 1;
	if (p->n_cols == 0)
		return 0;

	plan_program pg;
	plan_solution sol;
	level_program(p, level, best, &pg);
	plan_program_solve(&pg, &sol);
	int rc = 0;
	if (!sol.proven && !sol.stopped) {
		ap_diags_add(d, AP_ERROR, c->path ? c->path : "campaign", 0,
		             "plan",
		             "the solver failed (CBC status %d, secondary %d)",
		             sol.status, sol.secondary);
		rc = -1;
		goto out;
	}
	for (size_t k = 0; sol.x && k < p->n_cols; k++) {
		if (sol.x[k] <= 0.5)
			continue;
		size_t j = p->cols[k].opt;
		got->on[j] = 1;
		got->from[j] = p->cols[k].from;
		got->to[j] = p->cols[k].to;
	}
	if (sol.x && !solution_fits(p, got)) {
		ap_diags_add(
		    d, AP_WARNING, c->path ? c->path : "campaign", 0, "plan",
		    "the solver's plan breaks a constraint by rounding; "
		    "using the best plan known to fit");
		sol.proven = 0;
	}
	/* Nothing found, or worse than the start (the time limit): the start
	 * it is. */
	long v = plan_level_value(p, level, got),
	     w = plan_level_value(p, level, best);
	if (!sol.x || !solution_fits(p, got) ||
	    (level == PLAN_PRIORITY ? v < w : v > w)) {
		plan_sol_copy(p, got, best);
		sol.proven = sol.proven && sol.x && v == w;
	}
	*proven = sol.proven;
	if (level == PLAN_PRIORITY) {
		/* The bound on the priority sum (the solver minimises -sum). */
		double bound =
		    sol.proven ? (double)plan_level_value(p, PLAN_PRIORITY, got)
		               : fabs(sol.bound);
		if (!p->have_bound || bound < p->best_bound)
			p->best_bound = bound;
		p->have_bound = 1;
	}
out:
	plan_solution_free(&sol);
	plan_program_free(&pg);
	return rc;
}
