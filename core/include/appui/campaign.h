/*
 * A planning campaign (libconfig file, configs/campaign.cfg): its window, its
 * budget in days and/or euros, the consulting firms with their themes,
 * regions, daily rates, capacities and days off, and the planning policy.
 */
#ifndef APPUI_CAMPAIGN_H
#define APPUI_CAMPAIGN_H

#include <stddef.h>

#include "appui/calendar.h"
#include "appui/common.h"
#include "appui/diag.h"
#include "appui/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_day_range {
	ap_day first, last; /* inclusive */
} ap_day_range;

typedef struct ap_firm {
	char *id;
	char *name;
	char **themes; /* theme ids the firm covers */
	size_t n_themes;
	char **regions; /* regions served; one "*" = everywhere */
	size_t n_regions;
	double daily_rate; /* euros excluding tax, > 0 */
	int capacity;      /* days available in the campaign window, >= 0 */
	ap_day_range *days_off;
	size_t n_days_off;
	long line; /* where the firm is defined */
} ap_firm;

typedef struct ap_campaign {
	char *path;
	char *id;
	char *name;
	ap_day window_first, window_last; /* inclusive */
	int has_budget_days, has_budget_euros;
	int budget_days;     /* total days the scheme finances */
	double budget_euros; /* total euros excluding tax */
	/* Policy. */
	int min_days, max_days; /* 3 and 6 */
	int allow_shorter;   /* plan a mission shorter than recommended (never
	                        below min_days) to fit more sites */
	int max_span_days;   /* first to last day of a mission: 8 weeks = 56 */
	double min_priority; /* sites below are "below threshold" (0 = none) */
	/* Fairness: at most this many missions for one organisation (0 =
	 * no cap). */
	int max_missions_per_org;
	/* When no firm covers all of a site's themes: a mission on the themes
	 * one firm covers, with the days and priority the method gives for
	 * them (ap_partial_mission). */
	int partial_themes;
	ap_firm *firms; /* in file order */
	size_t n_firms;
	/* The settings ap_campaign_override() replaced for this run, with
	 * the values the file gave: every output names them, so that a plan
	 * printed from a what-if never passes for the campaign's own. */
	struct ap_override *overrides;
	size_t n_overrides;
} ap_campaign;

/* One setting replaced for one run. */
typedef enum ap_override_setting {
	AP_OVERRIDE_BUDGET_DAYS = 0,  /* budget.days */
	AP_OVERRIDE_BUDGET_EUROS = 1, /* budget.euros */
	AP_OVERRIDE_CAPACITY = 2      /* a firm's capacity */
} ap_override_setting;

typedef struct ap_override {
	ap_override_setting setting;
	size_t firm;       /* AP_OVERRIDE_CAPACITY: index in the firms */
	double value;      /* what the run uses */
	int file_set;      /* 1 when the file set it (a budget may be absent) */
	double file_value; /* what the file gave, when file_set */
} ap_override;

/*
 * Reads a campaign file. Every problem (dates in the wrong order, a firm
 * with no theme, a negative budget, an unknown theme when `known_themes` is
 * given, a capacity that cannot hold one mission of min_days, unknown keys,
 * wrong types) is added to `d` as FILE:LINE: message, before any planning.
 * Returns 0 and the campaign, or -1 (*out is NULL).
 */
AP_API int ap_campaign_load(ap_campaign **out, const char *path,
                            const char *const *known_themes, size_t n_known,
                            ap_diags *d);
AP_API void ap_campaign_free(ap_campaign *c);

/* A firm's capacity for one run (ap_override_options.capacities). */
typedef struct ap_capacity_override {
	const char *firm; /* the firm's id */
	long long capacity;
} ap_capacity_override;

#define AP_OVERRIDE_OPTIONS_VERSION 1
typedef struct ap_override_options {
	int version;         /* AP_OVERRIDE_OPTIONS_VERSION */
	int set_budget_days; /* replace budget.days with budget_days */
	long long budget_days;
	int set_budget_euros; /* replace budget.euros with budget_euros */
	double budget_euros;
	const ap_capacity_override *capacities; /* each firm at most once */
	size_t n_capacities;
} ap_override_options;
#define AP_OVERRIDE_OPTIONS_INIT                                 \
	{                                                        \
		AP_OVERRIDE_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0 \
	}

/*
 * What-if: replaces settings of a loaded campaign for one run, without
 * editing its file. Every value is checked as the campaign file's would be
 * (budget days a whole number 1..1000000, euros finite, more than 0 and at
 * most 1e12, a capacity 0 or min_days..100000 of a firm of the campaign,
 * named once); every problem is added to `d` (file: the campaign's path,
 * line 0, field: "budget.days", "budget.euros" or "firms.capacity"). All or
 * nothing: on any problem the campaign is left as it was. Each setting
 * replaced is recorded in c->overrides with the file's value (a second call
 * keeps the file's). Returns AP_OK, AP_EINVALID, or AP_EUSAGE for a wrong
 * options version.
 */
AP_API int ap_campaign_override(ap_campaign *c, const ap_override_options *o,
                                ap_diags *d);

/* "budget.days", "budget.euros", "capacity". */
AP_API const char *ap_override_setting_name(ap_override_setting s);

/* 1 when `firm` works on `day`: a working day, in the campaign window, not
 * one of its days off. */
AP_API int ap_firm_available(const ap_campaign *c, const ap_firm *firm,
                             ap_day day);

/* 1 when the firm covers `theme` / serves `region` (NULL region: only a
 * firm serving everywhere). */
AP_API int ap_firm_covers(const ap_firm *firm, const char *theme);
AP_API int ap_firm_serves(const ap_firm *firm, const char *region);

#ifdef __cplusplus
}
#endif

#endif
