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
#define PLAN_MAX_ROUNDS         1000

struct ap_plan_input {
	ap_arena arena;
	ap_plan_site *sites;
	size_t n, cap;
};

/* One way to plan a site: a firm and a number of days. */
typedef struct plan_option {
	size_t site, firm;
	int days;
	long pref;  /* lower is preferred: out of region, then by rate rank */
	long cents; /* its priority, in hundredths */
	int rec;    /* the days recommended for its themes */
	unsigned themes; /* 0: all the site's mission themes; else a part */
} plan_option;

/*
 * A column of the programs: option `opt` with the days it may use,
 * [from, to]. An option has one column, its site's window, until the
 * calendar shows that the window is not enough to know where it goes (it is
 * longer than a span): then it is split, one column per start day, each
 * [start, start + span - 1] within the window.
 */
typedef struct plan_col {
	size_t opt;
	ap_day from, to;
} plan_col;

/* An interval capacity of firm `firm`: its missions whose days must fall
 * in [from, to] take at most `cap` days, its working days there. */
typedef struct plan_ival {
	size_t firm;
	ap_day from, to;
	int cap;
} plan_ival;

/* A plan in the making: per option, whether it is taken and the days its
 * mission may use (`from`, `to`); the dates once placed. */
typedef struct plan_sol {
	unsigned char *on;
	ap_day *from, *to;
	ap_day **dates; /* per option taken, once placed; else NULL */
} plan_sol;

/* The objectives, solved one after the other, each keeping the optimum of
 * those before: the priority sum (maximised), then, minimised, the changes
 * from a previous plan (only when asked), the days cut below the
 * recommendation, the days, the sites' ranks in site-id order, the firms'
 * preference ranks. Each is a whole number. */
typedef enum plan_level {
	PLAN_PRIORITY,
	PLAN_CHANGES,
	PLAN_SHORTENING,
	PLAN_DAYS,
	PLAN_SITE_ORDER,
	PLAN_FIRM_ORDER,
	PLAN_LEVELS
} plan_level;

typedef struct planner {
	const ap_campaign *c; /* &eff */
	const ap_campaign *given;
	/* The campaign as the planner sees it: the budget less the fixed
	 * missions (its firms are the given campaign's). */
	ap_campaign eff;
	const ap_fixed_mission *fixed_missions;
	size_t n_fixed_missions;
	size_t *fixed_of;   /* per site: its fixed mission, or SIZE_MAX */
	size_t *fixed_firm; /* per fixed mission: its firm */
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
	unsigned char *split; /* per option: one column per start day */
	plan_col *cols;
	size_t n_cols, cap_cols;
	plan_ival *ivals;
	size_t n_ivals, cap_ivals;
	/* Solver state. */
	double deadline;   /* monotonic seconds */
	size_t *site_rank; /* position in site-id order */
	size_t *org_of;    /* per site: its organisation's index */
	size_t n_orgs;
	size_t *order;             /* site indices in site-id order */
	double best_bound;         /* of the priority sum, in hundredths */
	double max_priority_cents; /* sum over the sites with options */
	int have_bound;
	/* The knapsack's bounds (plan_start.c): on the priority sum (-1 when
	 * there is none), and on the first four levels, lexicographically:
	 * the priority sum at most knapsack_lex[0]; if equal, the shortening
	 * at least knapsack_lex[1]; and so on. */
	long knapsack_lex[4];
	/* With fewest changes from a previous plan: per option, what it
	 * changes (1 for a site that plan did not have or another firm, -1
	 * for its site with the same firm: a site kept is one fewer out);
	 * NULL otherwise. */
	long *change_cost;
	long knapsack_bound; /* the priority sum's bound from the day budget,
	                        or -1 */
	/* The optimum of each level solved so far (PLAN_PRIORITY: in
	 * hundredths), kept by the levels after it. */
	long fixed[PLAN_LEVELS];
	int n_fixed;
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
/* The columns of the options as they stand (split or not). */
void plan_build_columns(planner *p);
/* An option's term in a level's objective. */
long plan_level_cost(const planner *p, plan_level level, size_t opt);
/* A plan's value at a level. */
long plan_level_value(const planner *p, plan_level level, const plan_sol *s);

void plan_sol_init(plan_sol *s, size_t n_opts);
void plan_sol_free(plan_sol *s, size_t n_opts);
void plan_sol_copy(const planner *p, plan_sol *to, const plan_sol *from);

/*
 * Solves one level: the best plan at `level` keeping p->fixed for the
 * levels before it, within the budget, the capacities and the interval
 * capacities found so far. `best`, a placed plan that keeps them all, is the
 * search's start and cutoff, so a time limit never returns worse. Fills
 * `got` (not placed); *proven when proven optimal. Returns 0, or -1 when the
 * solver failed.
 */
int plan_solve_level(planner *p, plan_level level, const plan_sol *best,
                     plan_sol *got, int *proven, ap_diags *d);

/* plan_firms.c: the last level, the firms of the sites `best` plans, by a
 * rule that gives the same plan on every machine (a local optimum of the
 * preference ranks). Returns 1 with the plan in `best`, or 0 when the rule
 * finds no firm for a site (`best` untouched). */
int plan_settle_firms(planner *p, plan_sol *best);

/* plan_fixed.c: the fixed missions checked and taken out of the budget,
 * the capacities and the calendars (0, or -1 with the reasons in `d`);
 * then added to the plan. */
int plan_fix_missions(planner *p, const ap_fixed_mission *fixed, size_t n,
                      ap_diags *d);
void plan_add_fixed(const planner *p, ap_plan *plan);

/* plan_start.c: the starting plans (greedy and knapsack), placed. Returns
 * the number of firms whose missions did not fit (none, unless a bug). */
size_t plan_start(planner *p, plan_sol *start);

/* plan_place.c: calendar placement, interval capacities and splits. */
/* The firm's working days within [from, to]: indices into avail[f]. */
void plan_avail_range(const planner *p, size_t f, ap_day from, ap_day to,
                      size_t *lo, size_t *hi);
/* Whether firm f's missions in `s` fit its calendar (not exact: used to
 * build the starting plan, which only has to fit). */
int plan_firm_fits(const planner *p, const plan_sol *s, size_t f);
/*
 * Places every firm's missions of `s` on its calendar, filling s->dates.
 * For each firm whose missions do not fit, the model learns why: the
 * interval whose capacity they exceed becomes a row, or, when no interval
 * is exceeded, its missions with windows longer than a span are split.
 * Returns the number of firms that did not fit.
 */
size_t plan_place_all(planner *p, plan_sol *s);

/* plan_reason.c: why a site is not planned, why a firm was chosen. */
void plan_no_option_reason(planner *p, size_t i, const plan_shortfall *sf,
                           ap_day from, ap_day to);
void plan_unplanned_reason(const planner *p, const ap_plan *plan, size_t i,
                           ap_unplanned *u);
char *plan_explain_firm(const planner *p, const ap_plan *plan, size_t opt);
/* What it would take to plan site i too (ap_unplanned.would_take). */
char *plan_would_take(const planner *p, const ap_plan *plan, size_t i);

#endif
