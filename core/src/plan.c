/*
 * The mission planner's entry point: ap_plan_build() runs the steps, each
 * in its own file.
 *
 * 1. The options of each site (plan_model.c): (firm, days) pairs where the
 *    firm covers all the mission's themes, serves the site's region, and
 *    has enough working days inside the site's window and one span.
 * 2. A starting plan (plan_start.c), then two 0-1 programs (plan_model.c,
 *    solved by plan_solver.c): stage 1 maximises the priority sum within
 *    the budget and the firms' capacities, stage 2 keeps that optimum and
 *    breaks the ties.
 * 3. Each firm's missions are placed on its calendar (plan_place.c). When a
 *    firm cannot fit the set of missions it was given, that exact set is
 *    forbidden by a cut and the programs are solved again.
 * 4. The plan: its missions with dates and the reason of each firm, the
 *    sites not planned with theirs (plan_reason.c), the bound and the gap.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

/* What the rounds of solving and placing leave. */
typedef struct plan_rounds {
	unsigned char *chosen; /* per option */
	ap_day **dates;        /* per chosen option */
	int optimal1, optimal2, rounds, ties_run;
} plan_rounds;

static int cmp_day(const void *a, const void *b)
{
	ap_day x = *(const ap_day *)a, y = *(const ap_day *)b;
	return x < y ? -1 : x > y;
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

static long chosen_cents(const planner *p, const unsigned char *chosen)
{
	long sum = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		if (chosen[j])
			sum +=
			    plan_cents(p->in->sites[p->opts[j].site].priority);
	return sum;
}

/* Stage 1 from `start`, unless the start already reaches the knapsack's
 * bound (stage 1's optimum, proven without a search). */
static int solve_stage1(planner *p, const unsigned char *start, plan_rounds *r,
                        ap_diags *d)
{
	if (p->knapsack_bound >= 0 &&
	    plan_value_of(p, 1, start) >= (double)p->knapsack_bound) {
		memcpy(r->chosen, start, p->n_opts);
		r->optimal1 = 1;
		p->best_bound = (double)p->knapsack_bound;
		p->have_bound = 1;
		return 0;
	}
	return plan_solve_stage(p, 1, 0, start, r->chosen, &r->optimal1, d);
}

/* Stage 2 keeps stage 1's optimum and breaks the ties. */
static int solve_stage2(planner *p, plan_rounds *r, ap_diags *d)
{
	long best = chosen_cents(p, r->chosen);
	unsigned char *tie = ap_xcalloc(p->n_opts ? p->n_opts : 1, 1);
	int rc = plan_solve_stage(p, 2, best, r->chosen, tie, &r->optimal2, d);
	if (rc == 0 && chosen_cents(p, tie) >= best)
		memcpy(r->chosen, tie, p->n_opts);
	free(tie);
	return rc;
}

/* Solves and places until every firm's missions fit its calendar, or the
 * rounds or the time run out (then each unplaceable set is dropped). */
static int solve_and_place(planner *p, plan_rounds *r, ap_diags *d)
{
	int rc = 0;
	/* A good plan to start from; it fits every calendar, so the cuts never
	 * exclude it. */
	unsigned char *start = ap_xcalloc(p->n_opts ? p->n_opts : 1, 1);
	plan_start(p, start);
	for (;;) {
		r->rounds++;
		if ((rc = solve_stage1(p, start, r, d)) != 0)
			goto out;
		r->ties_run = 0;
		if (!p->timed_out) {
			r->ties_run = 1;
			if ((rc = solve_stage2(p, r, d)) != 0)
				goto out;
		}
		size_t bad = plan_place_all(p, r->chosen, r->dates);
		if (!bad)
			break;
		if (r->rounds >= PLAN_MAX_ROUNDS || ap_now() > p->deadline) {
			/* Keep what fits: drop each unplaceable firm's set. */
			for (size_t k = p->n_cuts - bad; k < p->n_cuts; k++)
				for (size_t m = 0; m < p->cut_len[k]; m++)
					r->chosen[p->cuts[k][m]] = 0;
			r->optimal1 = 0;
			break;
		}
	}
out:
	free(start);
	return rc;
}

/* The plan's missions, their totals and why each firm; `planned` marks
 * their sites. */
static void list_missions(const planner *p, plan_rounds *r, ap_plan *plan,
                          unsigned char *planned)
{
	const ap_campaign *c = p->c;
	size_t nm = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		nm += r->chosen[j];
	plan->missions = ap_xcalloc(nm ? nm : 1, sizeof(*plan->missions));
	for (size_t j = 0; j < p->n_opts; j++) {
		if (!r->chosen[j])
			continue;
		const plan_option *o = &p->opts[j];
		const ap_firm *firm = &c->firms[o->firm];
		ap_planned *m = &plan->missions[plan->n_missions++];
		m->site = o->site;
		m->firm = o->firm;
		m->days = o->days;
		m->dates = r->dates[j];
		r->dates[j] = NULL;
		qsort(m->dates, (size_t)m->days, sizeof(ap_day), cmp_day);
		m->cost = o->days * firm->daily_rate;
		plan->priority_sum += p->in->sites[o->site].priority;
		plan->total_days += o->days;
		plan->total_euros += m->cost;
		plan->firm_days[o->firm] += o->days;
		plan->firm_euros[o->firm] += m->cost;
		planned[o->site] = 1;
	}
	/* Explanations need the final bookings. */
	size_t k = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		if (r->chosen[j])
			plan->missions[k++].why = plan_explain_firm(p, plan, j);
	qsort_r(plan->missions, plan->n_missions, sizeof(*plan->missions),
	        cmp_missions, (void *)p->in);
}

/* Every site not in the plan, with its reason. */
static void list_unplanned(planner *p, ap_plan *plan,
                           const unsigned char *planned)
{
	size_t ns = p->in->n;
	plan->unplanned = ap_xcalloc(ns ? ns : 1, sizeof(*plan->unplanned));
	for (size_t i = 0; i < ns; i++) {
		if (planned[i])
			continue;
		ap_unplanned *u = &plan->unplanned[plan->n_unplanned++];
		u->site = i;
		if (!p->site_n_opts[i]) {
			u->reason = p->reason[i];
			u->detail = p->detail[i];
			p->detail[i] = NULL;
			continue;
		}
		plan_unplanned_reason(p, plan, i, u);
	}
	qsort_r(plan->unplanned, plan->n_unplanned, sizeof(*plan->unplanned),
	        cmp_unplanned, (void *)p->in);
}

/* Whether the plan is proven optimal, its bound and gap, and whether its
 * ties are settled. */
static void set_bound(const planner *p, const plan_rounds *r, ap_plan *plan)
{
	long got = 0;
	for (size_t m = 0; m < plan->n_missions; m++)
		got +=
		    plan_cents(p->in->sites[plan->missions[m].site].priority);
	plan->optimal = r->optimal1 && !p->timed_out;
	/* A search stopped with its bound under one hundredth above the plan
	 * has proven it all the same: priorities count in hundredths. */
	if (!plan->optimal && p->have_bound &&
	    p->best_bound < (double)got + 1.0)
		plan->optimal = 1;
	if (plan->optimal) {
		plan->bound = (double)got / 100.0;
		plan->gap = 0;
	} else {
		/* Without a bound from the search, every site with an option
		 * planned is one. */
		double bound =
		    p->have_bound ? p->best_bound : p->max_priority_cents;
		if (bound < (double)got)
			bound = (double)got;
		plan->bound = bound / 100.0;
		plan->gap = bound > 0 ? (bound - (double)got) / bound : 0;
	}
	/* Settled only by a second program that ran to its end: a first one
	 * stopped by the time limit leaves no time for it. */
	plan->ties_settled = plan->optimal && r->ties_run && r->optimal2;
}

/* The plan the rounds left. */
static ap_plan *make_plan(planner *p, plan_rounds *r)
{
	size_t ns = p->in->n, nf = p->c->n_firms;
	ap_plan *plan = ap_xcalloc(1, sizeof(*plan));
	plan->campaign = p->c;
	plan->input = p->in;
	plan->firm_days = ap_xcalloc(nf ? nf : 1, sizeof(int));
	plan->firm_euros = ap_xcalloc(nf ? nf : 1, sizeof(double));
	plan->solver_rounds = r->rounds;
	unsigned char *planned = ap_xcalloc(ns ? ns : 1, 1);
	list_missions(p, r, plan, planned);
	list_unplanned(p, plan, planned);
	set_bound(p, r, plan);
	free(planned);
	return plan;
}

int ap_plan_build(ap_plan **out, const ap_campaign *c, const ap_plan_input *in,
                  const ap_plan_options *opt, ap_diags *d)
{
	*out = NULL;
	double limit = opt && opt->time_limit > 0 ? opt->time_limit
	                                          : PLAN_DEFAULT_TIME_LIMIT;
	ap_plan_input *sites = plan_input_one_per_site(in, d);
	planner p;
	plan_init(&p, c, sites, limit);
	plan_build_options(&p);
	plan_tie_weights(&p);

	plan_rounds r = {.optimal1 = 1, .optimal2 = 1};
	r.chosen = ap_xcalloc(p.n_opts ? p.n_opts : 1, 1);
	r.dates = ap_xcalloc(p.n_opts ? p.n_opts : 1, sizeof(ap_day *));
	int rc = solve_and_place(&p, &r, d);
	if (rc == 0) {
		*out = make_plan(&p, &r);
		(*out)->own_input = sites;
	} else {
		ap_plan_input_free(sites);
	}

	for (size_t j = 0; j < p.n_opts; j++)
		free(r.dates[j]);
	free(r.dates);
	free(r.chosen);
	plan_free_planner(&p);
	return rc;
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
	ap_plan_input_free(p->own_input);
	free(p);
}
