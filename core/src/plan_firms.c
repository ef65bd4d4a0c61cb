/*
 * The last tie-break: which firm takes each planned site, once the sites
 * and their days are settled by the levels before. Firms are preferred in
 * the site's region, then by lower daily rate (plan_option.pref).
 *
 * The fewest preference ranks in all is a generalised assignment problem:
 * a branch and bound proves it on small campaigns but not, in any time a
 * coordinator would wait, on a thousand sites, and a search cut by time
 * gives another plan on a slower machine. The firms are chosen instead by
 * a rule that gives the same plan everywhere: the sites in order of
 * priority (then site id) each take their most preferred firm that still
 * has room (capacity, euros, calendar); then, while one exists, a move of
 * one site to a firm it prefers, or a swap of two sites between their
 * firms, that lowers the sum of ranks and fits, is made, in a fixed order.
 * The result is a local optimum: no single move or swap improves it. When
 * first fit leaves a site without a firm, the moves start from the firms
 * the levels before gave instead (a plan that fits).
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

/* A settled site: its options of its settled days, by preference. */
typedef struct seat {
	size_t site;
	size_t *opt; /* option indices, most preferred first */
	size_t n;
	size_t cur;   /* index into opt of the firm it has */
	size_t given; /* the option the levels before gave it */
} seat;

typedef struct assign {
	planner *p;
	seat *v;
	size_t n;
	plan_sol sol;
	int *load; /* per firm */
	double euros;
} assign;

static void seat_options(const planner *p, size_t i, int days, seat *s)
{
	size_t a = p->site_first_opt[i], b = a + p->site_n_opts[i];
	s->site = i;
	s->opt = ap_xmalloc((b - a ? b - a : 1) * sizeof(size_t));
	s->n = 0;
	for (size_t j = a; j < b; j++) {
		if (p->opts[j].days != days)
			continue;
		size_t k = s->n++;
		for (; k > 0 && p->opts[j].pref < p->opts[s->opt[k - 1]].pref;
		     k--)
			s->opt[k] = s->opt[k - 1];
		s->opt[k] = j;
	}
}

/* Priority first, then site-id order. */
static int by_priority(const void *x, const void *y, void *ctx)
{
	const planner *p = ctx;
	const seat *a = x, *b = y;
	double pa = p->in->sites[a->site].priority,
	       pb = p->in->sites[b->site].priority;
	if (pa != pb)
		return pa > pb ? -1 : 1;
	size_t ra = p->site_rank[a->site], rb = p->site_rank[b->site];
	return ra < rb ? -1 : ra > rb;
}

static double rate_of(const assign *a, size_t opt)
{
	const plan_option *o = &a->p->opts[opt];
	return o->days * a->p->c->firms[o->firm].daily_rate;
}

/* Option `to` taken instead of `from` (either may be SIZE_MAX: none):
 * whether it keeps the capacity, the euros and `to`'s firm's calendar. */
static int fits_swap(assign *a, size_t from, size_t to)
{
	const planner *p = a->p;
	const plan_option *o = &p->opts[to];
	int load = a->load[o->firm] + o->days;
	double euros = a->euros + rate_of(a, to);
	if (from != SIZE_MAX) {
		if (p->opts[from].firm == o->firm)
			load -= p->opts[from].days;
		euros -= rate_of(a, from);
	}
	if (load > p->capacity[o->firm] ||
	    (p->c->has_budget_euros && euros > p->c->budget_euros + 1e-6))
		return 0;
	if (from != SIZE_MAX)
		a->sol.on[from] = 0;
	a->sol.on[to] = 1;
	int ok = plan_firm_fits(p, &a->sol, o->firm);
	a->sol.on[to] = 0;
	if (from != SIZE_MAX)
		a->sol.on[from] = 1;
	return ok;
}

static void take(assign *a, size_t from, size_t to)
{
	const planner *p = a->p;
	if (from != SIZE_MAX) {
		a->sol.on[from] = 0;
		a->load[p->opts[from].firm] -= p->opts[from].days;
		a->euros -= rate_of(a, from);
	}
	a->sol.on[to] = 1;
	a->load[p->opts[to].firm] += p->opts[to].days;
	a->euros += rate_of(a, to);
}

/* Each site in turn its most preferred firm with room. Returns 0 when a
 * site finds none. */
static int first_fit(assign *a)
{
	for (size_t k = 0; k < a->n; k++) {
		seat *s = &a->v[k];
		size_t q = 0;
		while (q < s->n && !fits_swap(a, SIZE_MAX, s->opt[q]))
			q++;
		if (q == s->n)
			return 0;
		s->cur = q;
		take(a, SIZE_MAX, s->opt[q]);
	}
	return 1;
}

/* When first fit leaves a site without a firm (earlier sites took the room
 * it needed), the firms the levels before gave, which fit, are the start
 * instead. */
static int as_given(assign *a)
{
	memset(a->sol.on, 0, a->p->n_opts ? a->p->n_opts : 1);
	memset(a->load, 0,
	       (a->p->c->n_firms ? a->p->c->n_firms : 1) * sizeof(int));
	a->euros = 0;
	for (size_t k = 0; k < a->n; k++) {
		seat *s = &a->v[k];
		s->cur = 0;
		while (s->cur < s->n && s->opt[s->cur] != s->given)
			s->cur++;
		if (s->cur == s->n)
			return 0;
		take(a, SIZE_MAX, s->given);
	}
	return 1;
}

/* A site moved to a firm it prefers, when it fits. */
static int improve_moves(assign *a)
{
	int moved = 0;
	for (size_t k = 0; k < a->n; k++) {
		seat *s = &a->v[k];
		for (size_t q = 0; q < s->cur; q++) {
			if (!fits_swap(a, s->opt[s->cur], s->opt[q]))
				continue;
			take(a, s->opt[s->cur], s->opt[q]);
			s->cur = q;
			moved = 1;
			break;
		}
	}
	return moved;
}

/* The option of seat `s` with firm `f`, as an index into s->opt, or
 * SIZE_MAX. */
static size_t seat_firm(const assign *a, const seat *s, size_t f)
{
	for (size_t q = 0; q < s->n; q++)
		if (a->p->opts[s->opt[q]].firm == f)
			return q;
	return SIZE_MAX;
}

/* Two sites exchange their firms, when that lowers the ranks and fits. */
static int try_swap(assign *a, seat *s, seat *t)
{
	const planner *p = a->p;
	size_t fs = p->opts[s->opt[s->cur]].firm,
	       ft = p->opts[t->opt[t->cur]].firm;
	if (fs == ft)
		return 0;
	size_t qs = seat_firm(a, s, ft), qt = seat_firm(a, t, fs);
	if (qs == SIZE_MAX || qt == SIZE_MAX)
		return 0;
	long before =
	    p->opts[s->opt[s->cur]].pref + p->opts[t->opt[t->cur]].pref;
	long after = p->opts[s->opt[qs]].pref + p->opts[t->opt[qt]].pref;
	if (after >= before)
		return 0;
	size_t s_from = s->opt[s->cur], t_from = t->opt[t->cur];
	take(a, s_from, s->opt[qs]);
	take(a, t_from, t->opt[qt]);
	int ok =
	    a->load[fs] <= p->capacity[fs] && a->load[ft] <= p->capacity[ft] &&
	    !(p->c->has_budget_euros && a->euros > p->c->budget_euros + 1e-6) &&
	    plan_firm_fits(p, &a->sol, fs) && plan_firm_fits(p, &a->sol, ft);
	if (!ok) {
		take(a, s->opt[qs], s_from);
		take(a, t->opt[qt], t_from);
		return 0;
	}
	s->cur = qs;
	t->cur = qt;
	return 1;
}

static int improve_swaps(assign *a)
{
	int swapped = 0;
	for (size_t k = 0; k < a->n; k++)
		for (size_t m = k + 1; m < a->n; m++)
			swapped |= try_swap(a, &a->v[k], &a->v[m]);
	return swapped;
}

int plan_settle_firms(planner *p, plan_sol *best)
{
	size_t ns = p->in->n;
	assign a = {.p = p};
	a.v = ap_xcalloc(ns ? ns : 1, sizeof(*a.v));
	for (size_t j = 0; j < p->n_opts; j++)
		if (best->on[j]) {
			seat_options(p, p->opts[j].site, p->opts[j].days,
			             &a.v[a.n]);
			a.v[a.n++].given = j;
		}
	qsort_r(a.v, a.n, sizeof(*a.v), by_priority, p);
	a.load = ap_xcalloc(p->c->n_firms ? p->c->n_firms : 1, sizeof(int));
	plan_sol_init(&a.sol, p->n_opts);
	for (size_t j = 0; j < p->n_opts; j++) {
		a.sol.from[j] = p->win_first[p->opts[j].site];
		a.sol.to[j] = p->win_last[p->opts[j].site];
	}
	int ok = first_fit(&a);
	if (!ok)
		ok = as_given(&a);
	while (ok && (improve_moves(&a) || improve_swaps(&a)))
		;
	/* The rule's plan when every site found a firm, and it places (the
	 * same placement that each step checked). */
	if (ok && plan_place_all(p, &a.sol) == 0)
		plan_sol_copy(p, best, &a.sol);
	else
		ok = 0;
	plan_sol_free(&a.sol, p->n_opts);
	for (size_t k = 0; k < a.n; k++)
		free(a.v[k].opt);
	free(a.v);
	free(a.load);
	return ok;
}
