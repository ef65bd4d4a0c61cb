/*
 * Theme plugin "security": tranquillité / sécurité (tranquillity and
 * security).
 *
 * Own rules: any physical assault on staff, or two or more known deal points
 * (points de deal), make the band at least "degraded": the weighted need can
 * dilute one grave fact among many good indicators, and these facts alone
 * justify support.
 */
#include <appui/plugin.h>
#include <stdio.h>

static const ap_indicator_def catalogue[] = {
    {"incidents.rate",
     "per-100-dwellings-year",
     "reported incidents per 100 dwellings per year",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {2, 5, 10},
     2},
    {"staff.assaults",
     "count",
     "assaults on staff over 12 months",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 1, 3},
     3},
    {"staff.assaults_physical",
     "count",
     "physical assaults on staff over 12 months",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 0, 1},
     2},
    {"vandalism.cost",
     "euros-per-dwelling-year",
     "cost of vandalism per dwelling per year",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {7, 12, 25},
     2},
    {"halls.occupied",
     "percent",
     "halls occupied (CCH L126-2)",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {0, 5, 15},
     2},
    {"deal.points",
     "count",
     "known drug-dealing points",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 0, 1},
     3},
    {"insecurity.feeling",
     "percent",
     "residents who feel unsafe",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {10, 20, 38},
     2},
    {"access.failures",
     "percent",
     "entrances with faulty access control or lighting",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {5, 15, 30},
     1},
    {"partnership.convention",
     "flag",
     "landlord-police-justice convention (1 yes, 0 no)",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_FLAG,
     {1, 0, 0},
     1},
};

static const ap_param_def params[] = {
    {"physical_assaults_floor",
     "physical assaults on staff from which the band is at least degraded", 1,
     1, 1000},
    {"deal_points_floor",
     "deal points from which the band is at least degraded", 2, 1, 1000},
};

static int security_score(void *state, ap_scorer *s)
{
	(void)state;
	if (ap_scorer_compute(s) != 0)
		return -1;
	char rule[160];
	double v;
	double assaults = ap_scorer_param(s, "physical_assaults_floor");
	double deals = ap_scorer_param(s, "deal_points_floor");
	if (ap_scorer_value(s, "staff.assaults_physical", &v) &&
	    v >= assaults) {
		snprintf(rule, sizeof rule,
		         "%g physical assault(s) on staff (rule: %g or more)",
		         v, assaults);
		ap_scorer_raise_band(s, AP_BAND_DEGRADED, rule);
	}
	if (ap_scorer_value(s, "deal.points", &v) && v >= deals) {
		snprintf(rule, sizeof rule,
		         "%g known deal points (rule: %g or more)", v, deals);
		ap_scorer_raise_band(s, AP_BAND_DEGRADED, rule);
	}
	return 0;
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,
    .theme = "security",
    .name = "Tranquillité / sécurité (tranquillity and security)",
    .version = "1.0.0",
    .catalogue = catalogue,
    .catalogue_len = sizeof catalogue / sizeof catalogue[0],
    .params = params,
    .params_len = sizeof params / sizeof params[0],
    .score = security_score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
