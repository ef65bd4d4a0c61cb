/*
 * Mission planning: which sites get a mission, how many days, with which
 * firm, and on which days, within a campaign's budget and calendar.
 *
 * The selection and the firm assignment maximise the sum of the priorities
 * of the planned sites under the budget (days and euros) and the firms'
 * capacities, exactly (a 0-1 program solved by CBC, COIN-OR branch and cut).
 * A second program keeps that sum and breaks the ties: missions closer to
 * their recommended days (when shorter missions are allowed), then fewer
 * days in all, then sites earlier by id (left out for large campaigns, see
 * docs/planning.md), then the preferred firms (in the site's region, then
 * cheaper). Each firm's missions are then placed on its working days; a set
 * of missions a firm cannot fit in its calendar is excluded by a cut and
 * both programs solved again. See docs/planning.md.
 */
#ifndef APPUI_PLAN_H
#define APPUI_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "appui/calendar.h"
#include "appui/campaign.h"
#include "appui/common.h"
#include "appui/diag.h"
#include "appui/score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One scored site, as the planner sees it. */
typedef struct ap_plan_site {
	const char *file;
	const char *case_id;
	const char *site_id;
	const char *site_name;
	const char *commune;
	const char *organisation_id;
	const char *organisation_name;
	const char *region;        /* the organisation's region, or NULL */
	const char *const *themes; /* mission themes, by decreasing need */
	size_t n_themes;
	int days;        /* recommended mission days; 0: no mission */
	double priority; /* 0 when no mission */
	int has_window;  /* the request's window, when it gives one */
	ap_day window_first, window_last;
	ap_date diagnosed; /* the diagnostic's date: of two cases of one site,
	                      the plan takes the more recent */
} ap_plan_site;

/* The sites of a campaign, copied out of their cases as they are scored, so
 * that a batch never holds every case in memory. */
typedef struct ap_plan_input ap_plan_input;

AP_API ap_plan_input *ap_plan_input_new(void);
AP_API void ap_plan_input_free(ap_plan_input *in);
/* What the planner needs of a scored case; the strings are the case's and
 * the result's (valid while they are). */
AP_API void ap_plan_site_of(const ap_case_result *r, ap_plan_site *out);
/* Adds a site given field by field (tests, generators); strings copied. */
AP_API void ap_plan_input_add_site(ap_plan_input *in, const ap_plan_site *s);
AP_API size_t ap_plan_input_count(const ap_plan_input *in);
AP_API const ap_plan_site *ap_plan_input_at(const ap_plan_input *in, size_t i);

typedef enum ap_unplanned_reason {
	AP_UNPLANNED_BELOW_THRESHOLD = 0, /* no theme needs support, or priority
	                                     below the campaign's minimum */
	AP_UNPLANNED_NO_FIRM = 1, /* no firm covers its themes in its region */
	AP_UNPLANNED_WINDOW = 2,  /* no eligible firm has enough working days
	                             in its window */
	AP_UNPLANNED_BUDGET = 3,  /* the budget is spent on higher priorities */
	AP_UNPLANNED_CAPACITY = 4, /* its eligible firms are fully booked */
	AP_UNPLANNED_FAIRNESS = 5  /* its organisation has the campaign's
	                              most missions */
} ap_unplanned_reason;

/* "below threshold", "no firm", "window too short", "budget exhausted",
 * "firms fully booked", "organisation cap". */
AP_API const char *ap_unplanned_reason_name(ap_unplanned_reason r);

typedef struct ap_planned {
	size_t site; /* index in the input */
	size_t firm; /* index in the campaign's firms */
	int days;
	ap_day *dates; /* `days` working days, increasing */
	double cost;   /* days x daily rate, euros excluding tax */
	char *why;     /* why this firm */
	int fixed;     /* given as fixed (ap_plan_options), kept as it was */
} ap_planned;

typedef struct ap_unplanned {
	size_t site;
	ap_unplanned_reason reason;
	char *detail;
	/* The smallest change with which this plan, its missions as they
	 * are, takes the site too: more budget days or euros, one firm's
	 * capacity, a theme one firm would have to cover; computed against
	 * the final bookings. NULL when none is named (below threshold, no
	 * room in any calendar). */
	char *would_take;
} ap_unplanned;

/* A mission that must stay as it is (confirmed with its firm, under way):
 * the plan keeps it, counts it against the budget and the firm's
 * capacity, and plans the other sites around it. */
typedef struct ap_fixed_mission {
	const char *site_id; /* a site among the inputs */
	const char *firm_id; /* a firm of the campaign */
	const ap_day *dates; /* `days` working days of the firm, increasing */
	int days;
} ap_fixed_mission;

#define AP_PLAN_OPTIONS_VERSION 1
typedef struct ap_plan_options {
	unsigned version;  /* AP_PLAN_OPTIONS_VERSION (0 reads as 1) */
	double time_limit; /* wall seconds for the solver; 0: the default, 10 */
	const ap_fixed_mission *fixed;
	size_t n_fixed;
} ap_plan_options;
#define AP_PLAN_OPTIONS_INIT                        \
	{                                           \
		AP_PLAN_OPTIONS_VERSION, 0, NULL, 0 \
	}

typedef struct ap_plan {
	const ap_campaign *campaign;
	const ap_plan_input *input;
	ap_planned *missions; /* by first day, then site id */
	size_t n_missions;
	ap_unplanned *unplanned; /* by decreasing priority, then site id */
	size_t n_unplanned;
	double priority_sum;
	int total_days;
	double total_euros;
	int *firm_days;     /* per campaign firm */
	double *firm_euros; /* per campaign firm */
	int optimal;        /* proven optimal */
	double bound;       /* best bound on the priority sum */
	double gap;         /* (bound - priority_sum) / bound; 0 when optimal */
	int solver_rounds;  /* models solved (1 + calendar cuts) */
	int ties_settled;   /* the tie-break stage finished: among the optimal
	                       plans, this one is fully fixed by the inputs */
	ap_plan_input *own_input; /* `input`: the sites given, one case per
	                             site (its strings are the given input's) */
} ap_plan;

/*
 * Plans the campaign. A site (an organisation's site id) is planned once:
 * of several cases of one site, the plan takes the most recent diagnostic
 * (the last given, when dates are equal), and names each other in a
 * warning in `d`. `in` must outlive the plan. Returns 0 and the plan (free with
 * ap_plan_free()), or -1 with the reason in `d` (the solver failed; never for
 * an empty or impossible campaign, which gives an empty plan).
 */
AP_API int ap_plan_build(ap_plan **out, const ap_campaign *c,
                         const ap_plan_input *in, const ap_plan_options *opt,
                         ap_diags *d);
AP_API void ap_plan_free(ap_plan *p);

/* ---- outputs (plan_report.c) ------------------------------------------------
 */

/* The table: missions, the totals against the budget, the unplanned sites. */
AP_API void ap_plan_table(FILE *out, const ap_plan *p);
/* One JSON document (docs/planning.md lists its fields). */
AP_API void ap_plan_json(FILE *out, const ap_plan *p, const ap_diags *d);
/* RFC 4180 CSV, UTF-8, a header line then one row per mission. */
AP_API void ap_plan_csv(FILE *out, const ap_plan *p);
/*
 * One RFC 5545 calendar per firm with at least one mission, DIR/<firm-id>.ics,
 * one all-day event per mission day; each written to a temporary file then
 * renamed. Returns 0, or -1 with the reason in `d`.
 */
AP_API int ap_plan_ics(const ap_plan *p, const char *dir, ap_diags *d);

#ifdef __cplusplus
}
#endif

#endif
