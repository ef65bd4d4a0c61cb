/*
 * The starting plans handed to stage 1: the greedy plan (sites by
 * decreasing priority) and the knapsack's plan, whose day-budget optimum is
 * also stage 1's bound. Both fit every constraint and calendar, so the
 * cuts never exclude them and a time limit never returns worse.
 */
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
			const plan_option *o = &p->opts[j];
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
			if (plan_firm_fits(p, chosen, o->firm))
				best = j;
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
		long v = plan_cents(p->in->sites[items[k]].priority);
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

/* The better of the greedy plan and the knapsack's; sets the knapsack's
 * bound. */
void plan_start(planner *p, unsigned char *start)
{
	greedy(p, start);
	unsigned char *alt = ap_xcalloc(p->n_opts ? p->n_opts : 1, 1);
	knapsack(p, alt);
	if (plan_value_of(p, 1, alt) > plan_value_of(p, 1, start))
		memcpy(start, alt, p->n_opts);
	free(alt);
}
