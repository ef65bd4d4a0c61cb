/*
 * energy.c: an example appui theme plugin, "energy" (précarité énergétique,
 * energy poverty). Build it with the Makefile next to it; docs/plugins.md
 * walks through it. The only header needed is <appui/plugin.h>.
 */
#include <appui/plugin.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * 1. The catalogue: one entry per indicator a case file may give in
 * <theme ref="energy">. `unit` is the code a file's indicator/@unit must
 * equal; the domain is checked by the host before scoring (a percent above
 * 100 is an error in the file). thresholds[] are the upper limits of levels
 * 0, 1 and 2 (lower is better); above the third limit is level 3. The
 * weights (here 2, 1, 2) say how much each indicator counts in the need.
 * Coordinators can override thresholds and weights in the configuration
 * file (themes.energy.indicators), so these are only defaults.
 */
static const ap_indicator_def catalogue[] = {
    {"heating.complaints",
     "per-100-dwellings-year",
     "heating complaints per 100 dwellings per year",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {5, 15, 30},
     2},
    {"energy.label_fg",
     "percent",
     "dwellings with energy label (DPE) F or G",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {10, 25, 50},
     1},
    {"heating.outage_days",
     "days",
     "longest heating outage in the heating season, in days",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_NONNEGATIVE,
     {1, 3, 7},
     2},
};

/*
 * 2. Parameters of the theme's own rule. The host enforces the range and
 * lets the configuration change the value: themes.energy.params.label_fg_floor.
 */
static const ap_param_def params[] = {
    {"label_fg_floor",
     "share of F/G dwellings (percent) from which the band is at least watch",
     50, 0, 100},
};

/*
 * 3. State. A plugin keeps no global variables: whatever init computes goes
 * into a state the host hands back to score() and finish(). Here the state
 * only holds the configured parameter, to show the pattern; a plugin with
 * nothing to keep can leave init and finish NULL and call ap_scorer_param().
 */
struct energy_state {
	double label_fg_floor;
};

static int energy_init(ap_plugin_env *env, void **state)
{
	struct energy_state *st = malloc(sizeof *st);
	if (!st) {
		ap_env_fail(env, "out of memory"); /* the plugin is refused */
		return -1;
	}
	st->label_fg_floor = ap_env_param(env, "label_fg_floor");
	*state = st;
	return 0;
}

static void energy_finish(void *state)
{
	free(state);
}

/*
 * 4. Scoring one case. The host has already read the file and checked units
 * and domains. ap_scorer_compute() does the common method: levels, need,
 * interval for missing data, confidence, band, levers. Then the theme's rule:
 * the weighted need can hide a stock in which most dwellings are energy
 * sieves (passoires thermiques) when tenants do not complain, so a high
 * share of F/G labels alone makes the band at least "watch".
 */
static int energy_score(void *state, ap_scorer *s)
{
	const struct energy_state *st = state;
	double fg;

	if (ap_scorer_compute(s) != 0)
		return -1; /* e.g. no indicator given: the host reports why */

	if (ap_scorer_value(s, "energy.label_fg", &fg) &&
	    fg >= st->label_fg_floor) {
		char rule[128];
		snprintf(
		    rule, sizeof rule,
		    "%g %% of dwellings labelled F or G (rule: %g or more)", fg,
		    st->label_fg_floor);
		ap_scorer_raise_band(s, AP_BAND_WATCH,
		                     rule); /* recorded either way */
	}
	return 0;
}

/*
 * 5. The descriptor. AP_PLUGIN_HEADER fills the ABI version and the struct
 * size, which the host checks before calling anything. The theme id is what
 * case files write in <theme ref="...">.
 */
static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,
    .theme = "energy",
    .name = "Précarité énergétique (energy poverty)",
    .version = "1.0.0",
    .catalogue = catalogue,
    .catalogue_len = sizeof catalogue / sizeof catalogue[0],
    .params = params,
    .params_len = sizeof params / sizeof params[0],
    .init = energy_init,
    .score = energy_score,
    .finish = energy_finish,
};

/* 6. The one exported symbol: appui_plugin_entry(), returning the descriptor.
 */
AP_PLUGIN_ENTRY
{
	return &plugin;
}
