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
	ap_firm *firms; /* in file order */
	size_t n_firms;
} ap_campaign;

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
