/*
 * The starting plans handed to the first program: the greedy plan (sites by
 * decreasing priority) and the knapsack's plan, whose day-budget optimum is
 * also the priority sum's bound. Both fit every constraint and calendar, so
 * nothing the model learns excludes them and a time limit never returns
 * worse.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

#define KNAPSACK_MAX_CELLS 200000000.0 /* sites x budget days */

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

/* Whether option `o` is a better start than `best`, of one site: more
 * priority (a mission on part of its themes is worth less), more days
 * (closer to the recommendation), then the preferred firm. */
static int better_start(const plan_option *best, const plan_option *o)
{
	if (best->cents != o->cents)
		return o->cents > best->cents;
	if (best->days != o->days)
		return o->days > best->days;
	return o->pref < best->pref;
}

/*
 * Plans the sites of `order`, in that order, each with its best option that
 * still fits the budget, the firm's capacity and the firm's calendar: more
 * days first (closest to the recommendation), then the preferred firm; with
 * `days_of` (per site), only options of those days. Valid, not proven
 * optimal.
 */
static void place_in_order(planner *p, const size_t *order, size_t ns,
                           const int *days_of, plan_sol *s)
{
	const ap_campaign *c = p->c;
	memset(s->on, 0, p->n_opts ? p->n_opts : 1);
	int days = 0;
	double euros = 0;
	int *load = ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(int));
	int *per_org = ap_xcalloc(p->n_orgs ? p->n_orgs : 1, sizeof(int));
	for (size_t oi = 0; oi < ns; oi++) {
		size_t i = order[oi];
		size_t best = SIZE_MAX;
		if (c->max_missions_per_org > 0 &&
		    per_org[p->org_of[i]] >= c->max_missions_per_org)
			continue;
		for (size_t j = p->site_first_opt[i];
		     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
			const plan_option *o = &p->opts[j];
			double cost = o->days * c->firms[o->firm].daily_rate;
			if ((days_of && o->days != days_of[i]) ||
			    (c->has_budget_days &&
			     days + o->days > c->budget_days) ||
			    (c->has_budget_euros &&
			     euros + cost > c->budget_euros + 1e-6) ||
			    load[o->firm] + o->days > p->capacity[o->firm])
				continue;
			if (best != SIZE_MAX &&
			    !better_start(&p->opts[best], o))
				continue;
			/* It must fit the firm's calendar. */
			s->on[j] = 1;
			if (plan_firm_fits(p, s, o->firm))
				best = j;
			s->on[j] = 0;
		}
		if (best == SIZE_MAX)
			continue;
		s->on[best] = 1;
		days += p->opts[best].days;
		euros += p->opts[best].days *
		         c->firms[p->opts[best].firm].daily_rate;
		load[p->opts[best].firm] += p->opts[best].days;
		per_org[p->org_of[i]]++;
	}
	free(per_org);
	free(load);
}

/* The greedy plan: every site, by decreasing priority. */
static void greedy(planner *p, plan_sol *s)
{
	size_t ns = p->in->n;
	size_t *order = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	for (size_t i = 0; i < ns; i++)
		order[i] = i;
	by_priority(p, order, ns);
	place_in_order(p, order, ns, NULL, s);
	free(order);
}

/* A plan's value at the levels the knapsack sees, compared in order:
 * the priority sum (more is better), then, negated so that more is better
 * throughout, the days cut below the recommendation, the days and the
 * sites' ranks in site-id order. */
typedef struct lex {
	long v[4];
} lex;

static int lex_better(const lex *a, const lex *b)
{
	for (int k = 0; k < 4; k++)
		if (a->v[k] != b->v[k])
			return a->v[k] > b->v[k];
	return 0;
}

static lex lex_add(lex a, const lex *b)
{
	for (int k = 0; k < 4; k++)
		a.v[k] += b->v[k];
	return a;
}

/* The day counts site i's options offer, at most 8 (min..max days of a
 * policy span at most 60, but a site's options have its recommendation,
 * or with allow_shorter the days from min_days up to it). */
static int site_day_counts(const planner *p, size_t i, int *out, int max)
{
	int n = 0;
	for (size_t j = p->site_first_opt[i];
	     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
		int d = p->opts[j].days, seen = 0;
		for (int k = 0; k < n; k++)
			seen |= out[k] == d;
		if (!seen && n < max)
			out[n++] = d;
	}
	return n;
}

/* One cell of the knapsack's table, for one site: best[d] with the site
 * taken with one of its `nc` day counts, or not. Cells below d still hold
 * the values before this site (d goes down). */
static void knapsack_cell(lex *best, unsigned char *took, size_t d,
                          const lex *worth, const int *counts, int nc)
{
	for (int q = 0; q < nc; q++) {
		size_t w = (size_t)counts[q];
		if (w > d)
			continue;
		lex v = lex_add(best[d - w], &worth[q]);
		if (lex_better(&v, &best[d])) {
			best[d] = v;
			took[d] = (unsigned char)(q + 1);
		}
	}
}

/* The best that site i's options of `days` days are worth at the
 * knapsack's levels: the most priority (a mission on part of its themes is
 * worth less), the least shortening. */
static lex best_worth(const planner *p, size_t i, int days)
{
	lex w = {{0, LONG_MIN, -(long)days, -(long)p->site_rank[i]}};
	for (size_t j = p->site_first_opt[i];
	     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
		const plan_option *o = &p->opts[j];
		if (o->days != days)
			continue;
		long shortening = -(long)(o->rec - o->days);
		if (o->cents > w.v[0] ||
		    (o->cents == w.v[0] && shortening > w.v[1])) {
			w.v[0] = o->cents;
			w.v[1] = shortening;
		}
	}
	return w;
}

/*
 * The day budget alone, as a multiple-choice knapsack: each site with an
 * option takes one of its day counts or none, and is worth, lexicographically,
 * its priority (in hundredths), then minus its shortening, its days and
 * its rank. Firms, euros and calendars are left out, so its optimum bounds
 * every plan at these four levels. Solved exactly by dynamic programming
 * over the days. Its selection, planned in priority order with the days it
 * chose, is a second starting plan; when every site of it finds a firm
 * and room, that plan reaches the bound and the four levels are proven at
 * once. Sets p->knapsack_bound (the priority sum's bound; -1 when the
 * budget has no days or the table would be too large) and p->knapsack_lex
 * (the four levels' bound).
 */
#define KNAPSACK_CHOICES 8
static void knapsack(planner *p, plan_sol *s)
{
	const ap_campaign *c = p->c;
	size_t ns = p->in->n;
	p->knapsack_bound = -1;
	memset(s->on, 0, p->n_opts ? p->n_opts : 1);
	if (!c->has_budget_days || c->budget_days <= 0)
		return;
	size_t cap = (size_t)c->budget_days;
	size_t *items = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	size_t ni = 0;
	for (size_t oi = 0; oi < ns; oi++)
		if (p->site_n_opts[p->order[oi]])
			items[ni++] = p->order[oi];
	if ((double)ni * (double)(cap + 1) > KNAPSACK_MAX_CELLS) {
		free(items);
		return;
	}
	/* best[d]: the best plan within d days; took[k * (cap + 1) + d]: the
	 * choice (1 + its index) with which item k improved best[d]. */
	lex *best = ap_xcalloc(cap + 1, sizeof(lex));
	unsigned char *took = ap_xcalloc((ni ? ni : 1) * (cap + 1), 1);
	int counts[KNAPSACK_CHOICES];
	for (size_t k = 0; k < ni; k++) {
		size_t i = items[k];
		int nc = site_day_counts(p, i, counts, KNAPSACK_CHOICES);
		lex worth[KNAPSACK_CHOICES];
		for (int q = 0; q < nc; q++)
			worth[q] = best_worth(p, i, counts[q]);
		for (size_t d = cap + 1; d-- > 0;)
			knapsack_cell(best, took + k * (cap + 1), d, worth,
			              counts, nc);
	}
	p->knapsack_bound = best[cap].v[0];
	for (int k = 0; k < 4; k++)
		p->knapsack_lex[k] =
		    best[cap].v[k] < 0 ? -best[cap].v[k] : best[cap].v[k];
	int *days_of = ap_xcalloc(ns ? ns : 1, sizeof(int));
	size_t *set = ap_xmalloc((ni ? ni : 1) * sizeof(size_t));
	size_t n = 0, d = cap;
	for (size_t k = ni; k-- > 0;) {
		int q = took[k * (cap + 1) + d];
		if (!q)
			continue;
		site_day_counts(p, items[k], counts, KNAPSACK_CHOICES);
		days_of[items[k]] = counts[q - 1];
		set[n++] = items[k];
		d -= (size_t)counts[q - 1];
	}
	by_priority(p, set, n);
	place_in_order(p, set, n, days_of, s);
	free(days_of);
	free(set);
	free(took);
	free(best);
	free(items);
}

/* The better of the greedy plan and the knapsack's, placed; sets the
 * knapsack's bound. */
size_t plan_start(planner *p, plan_sol *start)
{
	/* Each mission may use its site's whole window. */
	for (size_t j = 0; j < p->n_opts; j++) {
		start->from[j] = p->win_first[p->opts[j].site];
		start->to[j] = p->win_last[p->opts[j].site];
	}
	greedy(p, start);
	plan_sol alt;
	plan_sol_init(&alt, p->n_opts);
	plan_sol_copy(p, &alt, start);
	knapsack(p, &alt);
	if (plan_level_value(p, PLAN_PRIORITY, &alt) >
	    plan_level_value(p, PLAN_PRIORITY, start))
		plan_sol_copy(p, start, &alt);
	plan_sol_free(&alt, p->n_opts);
	/* Each firm's missions were checked to fit as they were added:
	 * placing them again gives their dates (the same placement, so it
	 * cannot fail: a failure is the caller's internal error). */
	return plan_place_all(p, start);
}
