/*
 * Theme plugin "quality": qualité de service (quality of service).
 *
 * Catalogue: tenant satisfaction, complaint handling, vacancy, turnover and
 * lifts, with the thresholds of docs/scoring.md. Own rule: when a diagnostic
 * gives the raw number of complaints instead of the rate, the rate per 100
 * dwellings and per year is derived from it, the site's dwellings and the
 * period the count covers.
 */
#include <appui/plugin.h>
#include <stdio.h>

static const ap_indicator_def catalogue[] = {
    {"satisfaction.overall",
     "percent",
     "overall tenant satisfaction",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {80, 70, 60},
     3},
    {"satisfaction.cleanliness",
     "percent",
     "satisfaction with the cleanliness of common areas",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {80, 70, 60},
     2},
    {"satisfaction.requests",
     "percent",
     "satisfaction with the handling of technical requests",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {75, 65, 55},
     2},
    {"complaints.rate",
     "per-100-dwellings-year",
     "complaints per 100 dwellings per year",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {20, 40, 70},
     2},
    {"complaints.count",
     "count",
     "complaints received over @period-months (default 12)",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 0, 0},
     0},
    {"complaints.first_reply_48h",
     "percent",
     "complaints with a first reply within 48 hours",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {90, 75, 60},
     2},
    {"complaints.median_days",
     "days",
     "median days to close a complaint",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {10, 20, 45},
     1},
    {"vacancy.long_term",
     "percent",
     "dwellings vacant for more than 3 months",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {1.5, 3, 5},
     1},
    {"turnover.rate",
     "percent",
     "yearly tenant turnover",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {12, 15, 20},
     1},
    {"lifts.breakdowns",
     "per-lift-year",
     "breakdowns per lift per year",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {4, 8, 12},
     2},
    {"lifts.outage_days",
     "days",
     "longest lift outage in days",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {2, 7, 30},
     1},
};

static int quality_score(void *state, ap_scorer *s)
{
	(void)state;
	double rate;
	const ap_indicator *count = ap_scorer_input(s, "complaints.count");
	if (count && !ap_scorer_value(s, "complaints.rate", &rate)) {
		const ap_site *site = ap_scorer_site(s);
		long months =
		    count->period_months > 0 ? count->period_months : 12;
		rate = count->value * 100.0 / (double)site->dwellings * 12.0 /
		       (double)months;
		char how[160];
		snprintf(how, sizeof how,
		         "%g complaints over %ld months on %ld dwellings = "
		         "%.2f per 100 "
		         "dwellings per year",
		         count->value, months, site->dwellings, rate);
		ap_scorer_derive(s, "complaints.rate", rate, how);
	}
	return ap_scorer_compute(s);
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,
    .theme = "quality",
    .name = "Qualité de service (quality of service)",
    .version = "1.0.0",
    .catalogue = catalogue,
    .catalogue_len = sizeof catalogue / sizeof catalogue[0],
    .score = quality_score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
