/* A plugin that fails on cases whose site has fewer than 100 dwellings:
 * an error for that case and theme only. */
#include <appui/plugin.h>

static const ap_indicator_def catalogue[] = {
    {"x.value",
     "count",
     "x",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 1, 2},
     1},
};

static int score(void *state, ap_scorer *s)
{
	(void)state;
	if (ap_scorer_site(s)->dwellings < 100) {
		ap_scorer_fail(s, "cannot score sites under 100 dwellings");
		return -1;
	}
	return ap_scorer_compute(s);
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,   .theme = "failing",     .name = "fails on small sites",
    .version = "1.0.0", .catalogue = catalogue, .catalogue_len = 1,
    .score = score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
