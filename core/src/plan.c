/*
 * The mission planner's entry point: ap_plan_build() runs the steps, each
 * in its own file.
 *
 * 1. The options of each site (plan_model.c): (firm, days) pairs where the
 *    firm covers all the mission's themes, serves the site's region, and
 *    has enough working days inside the site's window and one span.
 * 2. Starting plans (plan_start.c): the greedy one and the day budget's
 *    knapsack, solved exactly by dynamic programming, whose optimum bounds
 *    the first four levels (plan_level); a start that reaches the bound
 *    settles them without a search.
 * 3. Otherwise, one 0-1 program per level (plan_model.c, solved by
 *    plan_solver.c): the priority sum, then the tie-breaks, each keeping
 *    the optimum of those before. Each plan is placed on the firms'
 *    calendars (plan_place.c); when a firm's missions do not fit, the
 *    model learns an interval capacity or splits missions by start day,
 *    and the level is solved again: the model is exact for every plan it
 *    gives. The last level, the firms, is a rule (plan_firms.c).
 * 4. The plan: its missions with dates and the reason of each firm, the
 *    sites not planned with theirs (plan_reason.c), the bound and the gap.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

/* What the rounds of solving and placing leave: the best plan placed so
 * far, whether each level was proven, and how many programs were solved. */
typedef struct plan_rounds {
	plan_sol best;
	int proven[PLAN_LEVELS];
	int levels_done; /* levels solved to their end */
	int rounds;
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

/*
 * One level: solve, place; when a firm's missions do not fit, the model
 * learns why (plan_place_all) and the level is solved again, until the
 * plan fits every calendar. A plan that fits keeps every constraint the
 * model holds and more, so the level's optimum in the model is its
 * optimum. Out of time or rounds, the best plan placed so far stays and
 * the level is not proven.
 */
static int solve_level(planner *p, plan_level level, plan_rounds *r,
                       ap_diags *d)
{
	plan_sol got;
	plan_sol_init(&got, p->n_opts);
	int rc = 0, proven = 0;
	for (;;) {
		r->rounds++;
		if ((rc = plan_solve_level(p, level, &r->best, &got, &proven,
		                           d)) != 0)
			break;
		if (plan_place_all(p, &got) == 0) {
			plan_sol_copy(p, &r->best, &got);
			break;
		}
		if (r->rounds >= PLAN_MAX_ROUNDS || ap_now() > p->deadline) {
			proven = 0;
			break;
		}
	}
	r->proven[level] = proven && rc == 0;
	plan_sol_free(&got, p->n_opts);
	return rc;
}

/* A site as the previous plan names it: by site id, then organisation. */
typedef struct prev_key {
	const char *site_id, *organisation_id;
} prev_key;

static int cmp_prev(const void *key, const void *mission)
{
	const prev_key *k = key;
	const ap_prev_mission *m = mission;
	int c = strcmp(k->site_id, m->site_id);
	return c ? c : strcmp(k->organisation_id, m->organisation_id);
}

/* What each option changes from `prev` (planner.change_cost); its missions
 * are in cmp_prev's order. */
static void plan_change_costs(planner *p, const ap_prev_plan *prev)
{
	p->change_cost = ap_xcalloc(p->n_opts ? p->n_opts : 1, sizeof(long));
	for (size_t j = 0; j < p->n_opts; j++) {
		const ap_plan_site *s = &p->in->sites[p->opts[j].site];
		prev_key k = {s->site_id,
		              s->organisation_id ? s->organisation_id : ""};
		const ap_prev_mission *m =
		    bsearch(&k, prev->missions, prev->n_missions,
		            sizeof(*prev->missions), cmp_prev);
		const char *firm = p->c->firms[p->opts[j].firm].id;
		p->change_cost[j] = !m                           ? 1
		                    : strcmp(m->firm, firm) == 0 ? -1
		                                                 : 0;
	}
}

/* The levels in turn, each keeping the optimum of those before, while
 * they are proven and time is left. */
static int solve_levels(planner *p, plan_rounds *r, ap_diags *d)
{
	if (plan_start(p, &r->best) != 0) {
		ap_diags_add(d, AP_ERROR, p->c->path ? p->c->path : "campaign",
		             0, "plan",
		             "internal error: the starting plan does not fit");
		return -1;
	}
	/* The start reaches the knapsack's bound on its levels, in order:
	 * they are proven without a search. The changes from a previous plan
	 * are not the knapsack's: after the priority sum, they come first. */
	static const plan_level lex_level[4] = {PLAN_PRIORITY, PLAN_SHORTENING,
	                                        PLAN_DAYS, PLAN_SITE_ORDER};
	int settled[PLAN_LEVELS] = {0};
	for (int k = 0; p->knapsack_bound >= 0 && k < 4; k++) {
		if (plan_level_value(p, lex_level[k], &r->best) !=
		        p->knapsack_lex[k] ||
		    (k > 0 && p->change_cost))
			break;
		settled[lex_level[k]] = 1;
	}
	for (int level = 0; level < PLAN_LEVELS; level++) {
		if (settled[level]) {
			r->proven[level] = 1;
			if (level == PLAN_PRIORITY) {
				p->best_bound = (double)p->knapsack_bound;
				p->have_bound = 1;
			}
		} else if ((level == PLAN_SHORTENING && !p->c->allow_shorter) ||
		           (level == PLAN_CHANGES && !p->change_cost)) {
			r->proven[level] = 1; /* nothing to choose */
		} else if (level == PLAN_FIRM_ORDER && !p->change_cost) {
			/* The firms, by a rule that is the same on every
			 * machine; the levels before settled the sites. */
			r->proven[level] = plan_settle_firms(p, &r->best);
		} else {
			if (ap_now() > p->deadline)
				break;
			if (solve_level(p, (plan_level)level, r, d) != 0)
				return -1;
		}
		if (!r->proven[level])
			break;
		p->fixed[level] =
		    plan_level_value(p, (plan_level)level, &r->best);
		p->n_fixed = level + 1;
		r->levels_done = level + 1;
	}
	return 0;
}

/* The plan's missions, their totals and why each firm; `planned` marks
 * their sites. */
static void list_missions(const planner *p, plan_rounds *r, ap_plan *plan,
                          unsigned char *planned)
{
	const ap_campaign *c = p->c;
	size_t nm = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		nm += r->best.on[j];
	plan->missions = ap_xcalloc(nm ? nm : 1, sizeof(*plan->missions));
	for (size_t j = 0; j < p->n_opts; j++) {
		if (!r->best.on[j])
			continue;
		const plan_option *o = &p->opts[j];
		const ap_firm *firm = &c->firms[o->firm];
		ap_planned *m = &plan->missions[plan->n_missions++];
		m->site = o->site;
		m->firm = o->firm;
		m->days = o->days;
		m->dates = r->best.dates[j];
		r->best.dates[j] = NULL;
		qsort(m->dates, (size_t)m->days, sizeof(ap_day), cmp_day);
		m->cost = o->days * firm->daily_rate;
		m->themes = o->themes;
		m->priority = (double)o->cents / 100.0;
		plan->priority_sum += m->priority;
		plan->total_days += o->days;
		plan->total_euros += m->cost;
		plan->firm_days[o->firm] += o->days;
		plan->firm_euros[o->firm] += m->cost;
		planned[o->site] = 1;
	}
	/* Explanations need the final bookings. */
	size_t k = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		if (r->best.on[j])
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
	for (size_t k = 0; k < plan->n_unplanned; k++)
		plan->unplanned[k].would_take =
		    plan_would_take(p, plan, plan->unplanned[k].site);
	qsort_r(plan->unplanned, plan->n_unplanned, sizeof(*plan->unplanned),
	        cmp_unplanned, (void *)p->in);
}

/* Whether the plan is proven optimal, its bound and gap, and whether its
 * ties are settled. */
static void set_bound(const planner *p, const plan_rounds *r, ap_plan *plan)
{
	long got = 0;
	for (size_t m = 0; m < plan->n_missions; m++)
		got += plan_cents(plan->missions[m].priority);
	plan->optimal = r->proven[PLAN_PRIORITY];
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
	/* Settled when every tie-break level was solved to its end. */
	plan->ties_settled = plan->optimal && r->levels_done == PLAN_LEVELS;
}

/* The plan the rounds left. */
static ap_plan *make_plan(planner *p, plan_rounds *r)
{
	size_t ns = p->in->n, nf = p->c->n_firms;
	ap_plan *plan = ap_xcalloc(1, sizeof(*plan));
	plan->campaign = p->given;
	plan->input = p->in;
	plan->firm_days = ap_xcalloc(nf ? nf : 1, sizeof(int));
	plan->firm_euros = ap_xcalloc(nf ? nf : 1, sizeof(double));
	plan->solver_rounds = r->rounds;
	unsigned char *planned = ap_xcalloc(ns ? ns : 1, 1);
	for (size_t i = 0; i < ns; i++)
		planned[i] = p->fixed_of[i] != SIZE_MAX;
	list_missions(p, r, plan, planned);
	/* The reasons see the budget and bookings the planner shared: the
	 * fixed missions are added after them. */
	list_unplanned(p, plan, planned);
	set_bound(p, r, plan);
	plan_add_fixed(p, plan);
	qsort_r(plan->missions, plan->n_missions, sizeof(*plan->missions),
	        cmp_missions, (void *)p->in);
	free(planned);
	return plan;
}

int ap_plan_build(ap_plan **out, const ap_campaign *c, const ap_plan_input *in,
                  const ap_plan_options *opt, ap_diags *d)
{
	*out = NULL;
	if (opt && opt->version > AP_PLAN_OPTIONS_VERSION) {
		ap_diags_add(d, AP_ERROR, "plan", 0, "options",
		             "plan options of version %u: this libappui knows "
		             "up to %u",
		             opt->version, AP_PLAN_OPTIONS_VERSION);
		return -1;
	}
	double limit = opt && opt->time_limit > 0 ? opt->time_limit
	                                          : PLAN_DEFAULT_TIME_LIMIT;
	ap_plan_input *sites = plan_input_one_per_site(in, d);
	planner p;
	plan_init(&p, c, sites, limit);
	int rc = plan_fix_missions(&p, opt ? opt->fixed : NULL,
	                           opt ? opt->n_fixed : 0, d) == 0
	             ? AP_OK
	             : AP_EINVALID;
	plan_build_options(&p);
	if (opt && opt->version >= 2 && opt->fewest_changes_from)
		plan_change_costs(&p, opt->fewest_changes_from);

	plan_rounds r = {0};
	plan_sol_init(&r.best, p.n_opts);
	if (rc == AP_OK && solve_levels(&p, &r, d) != 0)
		rc = AP_ESETUP;
	if (rc == 0) {
		*out = make_plan(&p, &r);
		(*out)->own_input = sites;
	}
	plan_sol_free(&r.best, p.n_opts);
	plan_free_planner(&p);
	if (rc != 0)
		ap_plan_input_free(sites); /* the planner pointed into it */
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
	for (size_t i = 0; i < p->n_unplanned; i++) {
		free(p->unplanned[i].detail);
		free(p->unplanned[i].would_take);
	}
	free(p->unplanned);
	free(p->firm_days);
	free(p->firm_euros);
	ap_plan_input_free(p->own_input);
	ap_plan_set_mission_ids(p, NULL);
	free(p);
}

void ap_plan_set_mission_ids(ap_plan *p, const char *const *ids)
{
	for (size_t i = 0; p->mission_ids && i < p->n_missions; i++)
		free(p->mission_ids[i]);
	free(p->mission_ids);
	p->mission_ids = NULL;
	if (!ids)
		return;
	p->mission_ids = ap_xcalloc(p->n_missions + 1, sizeof(char *));
	for (size_t i = 0; i < p->n_missions; i++)
		p->mission_ids[i] = ap_xstrdup(ids[i]);
}
