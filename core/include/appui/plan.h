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
	/* The missions on part of `themes` (bit i: themes[i]), for
	 * policy.partial_themes; none when it has one theme. */
	const ap_partial_mission *partials;
	size_t n_partials;
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
	/* The themes planned: 0, all the site's mission themes; else the bits
	 * (themes[i]) of a mission on part of them (policy.partial_themes). */
	unsigned themes;
	double priority; /* the mission's: the site's, or its part's */
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

struct ap_prev_plan;

#define AP_PLAN_OPTIONS_VERSION 2
typedef struct ap_plan_options {
	unsigned version;  /* AP_PLAN_OPTIONS_VERSION (0 reads as 1) */
	double time_limit; /* wall seconds for the solver; 0: the default, 10 */
	const ap_fixed_mission *fixed;
	size_t n_fixed;
	/* Version 2: among the plans of the best priority sum, the one with
	 * the fewest changes from this plan (sites in, sites out, firms
	 * changed), before the other tie-breaks; NULL: no such level. */
	const struct ap_prev_plan *fewest_changes_from;
} ap_plan_options;
#define AP_PLAN_OPTIONS_INIT                              \
	{                                                 \
		AP_PLAN_OPTIONS_VERSION, 0, NULL, 0, NULL \
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
	char **mission_ids; /* a saved plan's mission ids; NULL: M-001... */
} ap_plan;

/*
 * Plans the campaign. A site (an organisation's site id) is planned once:
 * of several cases of one site, the plan takes the most recent diagnostic
 * (the last given, when dates are equal), and names each other in a
 * warning in `d`. `in` must outlive the plan. Returns AP_OK and the plan
 * (free with ap_plan_free()); AP_EINVALID when a fixed mission is wrong
 * (each problem in `d`); AP_ESETUP when the solver failed. Never an error
 * for an empty or impossible campaign, which gives an empty plan.
 */
AP_API int ap_plan_build(ap_plan **out, const ap_campaign *c,
                         const ap_plan_input *in, const ap_plan_options *opt,
                         ap_diags *d);
AP_API void ap_plan_free(ap_plan *p);
/* Names the plan's missions with a saved plan's ids (one per mission,
 * copied), shown by every output instead of M-001, M-002... */
AP_API void ap_plan_set_mission_ids(ap_plan *p, const char *const *ids);

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

/* A saved mission's identity, for mission i of the plan. */
typedef struct ap_ics_mission {
	const char *mission_id;
	int sequence;
} ap_ics_mission;
/* Events to send as cancelled: days first_index..days-1 of a saved mission
 * (0: the whole mission, cancelled or given up; k: a mission that now has
 * k days). */
typedef struct ap_ics_cancelled {
	const char *mission_id;
	const char *firm_id;
	const char *site_id;
	const char *case_id;
	const ap_day *dates;
	int days;
	int first_index;
	int sequence;
} ap_ics_cancelled;
#define AP_PLAN_ICS_OPTIONS_VERSION 1
typedef struct ap_plan_ics_options {
	int version;
	const ap_ics_mission *missions; /* NULL: an unsaved plan */
	const ap_ics_cancelled *cancelled;
	size_t n_cancelled;
} ap_plan_ics_options;
#define AP_PLAN_ICS_OPTIONS_INIT                           \
	{                                                  \
		AP_PLAN_ICS_OPTIONS_VERSION, NULL, NULL, 0 \
	}
AP_API int ap_plan_ics_with(const ap_plan *p, const char *dir,
                            const ap_plan_ics_options *opt, ap_diags *d);

/* ---- comparing with a previous plan (plan_diff.c) --------------------------
 */

/* A mission of a previous plan: its site, its firm and its days. */
typedef struct ap_prev_mission {
	char *site_id;
	char *organisation_id; /* "" when the plan gave none */
	char *firm;
	ap_day *dates; /* increasing */
	size_t n_dates;
} ap_prev_mission;

/* The missions of a previous `appui plan --format json`. */
typedef struct ap_prev_plan {
	char *name;                /* the file, as given */
	ap_prev_mission *missions; /* by site id, then organisation id */
	size_t n_missions;
} ap_prev_plan;

/* The largest previous plan read, in bytes: 64 MiB, far above a national
 * campaign's plan (about 500 bytes a site). */
#define AP_PREV_PLAN_MAX_BYTES ((size_t)64 << 20)

/*
 * Reads a previous plan, the JSON of `appui plan --format json`, as hostile
 * input: a regular file of at most AP_PREV_PLAN_MAX_BYTES, valid JSON with
 * no key twice, a "missions" array whose elements each give a "site_id",
 * a "firm" and "dates" (YYYY-MM-DD strings), each site at most once; other
 * members are ignored. Returns AP_OK and the plan (free with
 * ap_prev_plan_free()), or AP_EINVALID with every problem in `d` as
 * FILE:LINE: FIELD: message (at most 20).
 */
AP_API int ap_prev_plan_read(ap_prev_plan **out, const char *path, ap_diags *d);
/* The same from `len` bytes of `text`, named `name` in the problems. */
AP_API int ap_prev_plan_parse(ap_prev_plan **out, const char *name,
                              const char *text, size_t len, ap_diags *d);
AP_API void ap_prev_plan_free(ap_prev_plan *p);

typedef enum ap_change_kind {
	AP_CHANGE_IN = 0,   /* planned now, not before */
	AP_CHANGE_OUT = 1,  /* planned before, not now */
	AP_CHANGE_FIRM = 2, /* planned both times, with another firm */
	AP_CHANGE_DATES = 3 /* planned both times, on other days */
} ap_change_kind;

/* "in", "out", "firm", "dates". */
AP_API const char *ap_change_kind_name(ap_change_kind k);

/* One change; the strings and dates are the previous plan's and the new
 * plan's (valid while both are). A site whose firm and days both changed
 * is a FIRM change and a DATES change. */
typedef struct ap_plan_change {
	ap_change_kind kind;
	const char *site_id;
	const char *organisation_id; /* "" when none */
	const char *from_firm;       /* before; NULL for IN */
	const char *to_firm;         /* now; NULL for OUT */
	const ap_day *from_dates;
	size_t n_from;
	const ap_day *to_dates;
	size_t n_to;
	/* OUT: why the site is not planned now: the name of its reason
	 * (ap_unplanned_reason_name()), or "not in the inputs" when none of
	 * the case files given is of that site; NULL otherwise. */
	const char *reason;
} ap_plan_change;

typedef struct ap_plan_changes {
	const char *against;     /* the previous plan's name */
	ap_plan_change *changes; /* by kind, then site id, then organisation */
	size_t n_changes;
	size_t count[4]; /* per ap_change_kind */
} ap_plan_changes;

/*
 * What changed from `prev` to `now`: the sites planned now and not before,
 * before and not now, and those planned both times with another firm or on
 * other days. A site is an organisation's site id. Pure: reads only its
 * arguments. Returns AP_OK and the changes (free with
 * ap_plan_changes_free()), or AP_EUSAGE for a NULL argument.
 */
AP_API int ap_plan_diff(ap_plan_changes **out, const ap_prev_plan *prev,
                        const ap_plan *now);
AP_API void ap_plan_changes_free(ap_plan_changes *c);

/* ---- idle capacity (plan_idle.c) -------------------------------------------
 */

/* Why a site did not go to a firm with days left: the first of these that
 * holds, in this order. */
typedef enum ap_idle_reason {
	AP_IDLE_THEME = 0,     /* the firm does not cover all its themes */
	AP_IDLE_REGION = 1,    /* it does not serve the site's region */
	AP_IDLE_WINDOW = 2,    /* its calendar, with the days already booked,
	                          has no room for the mission in the site's
	                          window within one span */
	AP_IDLE_DAYS_LEFT = 3, /* fewer days left than the mission needs */
	AP_IDLE_BUDGET = 4,    /* the mission with this firm would exceed the
	                          budget in days or in euros */
	AP_IDLE_PREFERRED = 5, /* planned with a firm preferred to this one
	                          (in the site's region, then cheaper) */
	AP_IDLE_OTHER = 6      /* none of these: not chosen (the search was
	                          stopped, or the tie-breaks chose otherwise) */
} ap_idle_reason;
#define AP_IDLE_REASONS 7

/* "theme not covered", "region not served", "no room in the window",
 * "too few days left", "over budget", "another firm preferred",
 * "not chosen". */
AP_API const char *ap_idle_reason_name(ap_idle_reason r);

/* A firm with days left, and why no more site went to it. */
typedef struct ap_idle_firm {
	size_t firm;   /* index in the campaign's firms */
	int days_left; /* its capacity less the days the plan books it */
	/* The sites that need a mission (not below threshold) and are not
	 * planned, and those planned with another firm, by first reason. */
	size_t unplanned[AP_IDLE_REASONS];
	size_t elsewhere[AP_IDLE_REASONS];
	size_t n_unplanned, n_elsewhere; /* the sums */
} ap_idle_firm;

typedef struct ap_plan_idle {
	ap_idle_firm *firms; /* in campaign order */
	size_t n_firms;
} ap_plan_idle;

/*
 * The firms of `p` with days left (capacity less the days booked, more
 * than 0) and, for each, the sites it did not get counted by the first
 * reason it could not take them, from the plan's inputs only (campaign,
 * sites, missions). An unplanned site needs its fewest days (the
 * recommendation, or policy.min_days with allow_shorter); a site planned
 * with another firm, its mission's days. Pure. Returns AP_OK and the list
 * (free with ap_plan_idle_free()), or AP_EUSAGE for a NULL argument.
 */
AP_API int ap_plan_idle_of(ap_plan_idle **out, const ap_plan *p);
AP_API void ap_plan_idle_free(ap_plan_idle *idle);

/* ---- outputs with more parts (plan_report.c) -------------------------------
 */

#define AP_PLAN_REPORT_OPTIONS_VERSION 1
typedef struct ap_plan_report_options {
	int version;                    /* AP_PLAN_REPORT_OPTIONS_VERSION */
	const ap_plan_changes *changes; /* NULL: no comparison */
} ap_plan_report_options;
#define AP_PLAN_REPORT_OPTIONS_INIT                  \
	{                                            \
		AP_PLAN_REPORT_OPTIONS_VERSION, NULL \
	}

/* ap_plan_table() and ap_plan_json(), with the parts `opt` asks for: the
 * changes from a previous plan (a section "Changes from NAME" in the
 * table, a "changes" member in JSON). NULL or an unknown version: none. */
AP_API void ap_plan_table_with(FILE *out, const ap_plan *p,
                               const ap_plan_report_options *opt);
AP_API void ap_plan_json_with(FILE *out, const ap_plan *p, const ap_diags *d,
                              const ap_plan_report_options *opt);

#ifdef __cplusplus
}
#endif

#endif
