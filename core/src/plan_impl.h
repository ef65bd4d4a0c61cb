/*
 * What the planner's files share and nothing else sees: the sites input, the
 * options of each site and the planner's working state, and the functions
 * one planner file offers another (plan_ prefix).
 */
#ifndef APPUI_PLAN_IMPL_H
#define APPUI_PLAN_IMPL_H

#include "appui/plan.h"
#include "util.h"

#define PLAN_DEFAULT_TIME_LIMIT 10.0
#define PLAN_MAX_ROUNDS         200

struct ap_plan_input {
	ap_arena arena;
	ap_plan_site *sites;
	size_t n, cap;
};

/* One way to plan a site: a firm and a number of days. */
typedef struct plan_option {
	size_t site, firm;
	int days;
	long pref; /* lower is preferred: out of region, then by rate rank */
} plan_option;

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
	plan_option *opts;
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

/* How a site's eligible firms fell short, for its reason (plan_reason.c). */
typedef struct plan_shortfall {
	int eligible, best_days, best_capacity;
	int short_window, short_capacity;
} plan_shortfall;

/* plan_model.c: the planner's state, the options, the 0-1 programs. */
long plan_cents(double priority);
int plan_firm_region_match(const ap_firm *f, const char *region);
/* The sites of `in`, one case per site (the most recent; the others named
 * in warnings); the strings stay `in`'s (plan_input.c). */
ap_plan_input *plan_input_one_per_site(const ap_plan_input *in, ap_diags *d);

void plan_init(planner *p, const ap_campaign *c, const ap_plan_input *in,
               double time_limit);
void plan_free_planner(planner *p);
void plan_build_options(planner *p);
void plan_tie_weights(planner *p);
double plan_value_of(const planner *p, int stage, const unsigned char *chosen);
int plan_solve_stage(planner *p, int stage, long target,
                     const unsigned char *start, unsigned char *chosen,
                     int *optimal, ap_diags *d);

/* plan_start.c: the starting plans (greedy and knapsack). */
void plan_start(planner *p, unsigned char *start);

/* plan_place.c: calendar placement and cuts. */
/* The firm's working days within [from, to]: indices into avail[f]. */
void plan_avail_range(const planner *p, size_t f, ap_day from, ap_day to,
                      size_t *lo, size_t *hi);
int plan_firm_fits(const planner *p, const unsigned char *chosen, size_t f);
size_t plan_place_all(planner *p, const unsigned char *chosen, ap_day **dates);

/* plan_reason.c: why a site is not planned, why a firm was chosen. */
void plan_no_option_reason(planner *p, size_t i, const plan_shortfall *sf,
                           ap_day from, ap_day to);
void plan_unplanned_reason(const planner *p, const ap_plan *plan, size_t i,
                           ap_unplanned *u);
char *plan_explain_firm(const planner *p, const ap_plan *plan, size_t opt);

#endif
