/*
 * Theme plugin "urban": gestion urbaine de proximité, GUP (local urban
 * management): the day-to-day upkeep of a neighbourhood shared between the
 * landlord and the city.
 *
 * Own rule: a site with no GUP convention with the city and several spaces
 * whose management nobody owns (zones délaissées) is at least "degraded",
 * whatever its other indicators: nobody is in charge of fixing it.
 */
#include <appui/plugin.h>
#include <stdio.h>

static const ap_indicator_def catalogue[] = {
    {"gup.convention",
     "flag",
     "a GUP convention with the city (1 yes, 0 no)",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_FLAG,
     {1, 1, 0},
     2},
    {"gup.orphan_spaces",
     "count",
     "spaces whose management no one owns",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 2, 5},
     2},
    {"cleanliness.audit",
     "percent",
     "common-area cleaning audits conform",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {90, 80, 65},
     3},
    {"waste.bulky_callouts",
     "per-100-dwellings-month",
     "bulky-waste call-outs per 100 dwellings per month",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {1, 3, 6},
     2},
    {"waste.removal_hours",
     "hours",
     "median hours to remove illegal dumping",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {48, 96, 168},
     2},
    {"reports.closed_in_time",
     "percent",
     "reports closed in the agreed time",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {85, 70, 50},
     2},
    {"vehicles.abandoned",
     "count",
     "abandoned vehicles on site",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 2, 5},
     1},
    {"lighting.failures",
     "percent",
     "outdoor lighting points out of service",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {5, 10, 20},
     1},
    {"tfpb.actions_done",
     "percent",
     "planned TFPB-abatement actions delivered",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {90, 75, 50},
     1},
    {"walking.age_months",
     "months",
     "months since the last diagnostic en marchant",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {12, 24, 36},
     1},
};

static const ap_param_def params[] = {
    {"orphan_spaces_without_convention",
     "orphan spaces from which a site without GUP convention is at least "
     "degraded",
     3, 1, 1000},
};

static int urban_score(void *state, ap_scorer *s)
{
	(void)state;
	if (ap_scorer_compute(s) != 0)
		return -1;
	double convention, orphans;
	double limit = ap_scorer_param(s, "orphan_spaces_without_convention");
	if (ap_scorer_value(s, "gup.convention", &convention) &&
	    convention == 0 &&
	    ap_scorer_value(s, "gup.orphan_spaces", &orphans) &&
	    orphans >= limit) {
		char rule[160];
		snprintf(
		    rule, sizeof rule,
		    "no GUP convention and %g orphan spaces (rule: %g or more)",
		    orphans, limit);
		ap_scorer_raise_band(s, AP_BAND_DEGRADED, rule);
	}
	return 0;
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,
    .theme = "urban",
    .name = "Gestion urbaine de proximité (local urban management)",
    .version = "1.0.0",
    .catalogue = catalogue,
    .catalogue_len = sizeof catalogue / sizeof catalogue[0],
    .params = params,
    .params_len = sizeof params / sizeof params[0],
    .score = urban_score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
