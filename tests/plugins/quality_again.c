/* A second plugin claiming the theme "quality": refused, the first stays. */
#include <appui/plugin.h>

static const ap_indicator_def catalogue[] = {
    {"satisfaction.overall",
     "percent",
     "x",
     AP_HIGHER_IS_BETTER,
     AP_DOMAIN_PERCENT,
     {99, 98, 97},
     1},
};

static int score(void *state, ap_scorer *s)
{
	(void)state;
	return ap_scorer_compute(s);
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,
    .theme = "quality",
    .name = "another quality plugin",
    .version = "0.0.1",
    .catalogue = catalogue,
    .catalogue_len = 1,
    .score = score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
