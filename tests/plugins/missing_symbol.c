/* A plugin that calls a function no library provides: with RTLD_NOW the
 * host refuses it at load time, with the symbol in the message, instead of
 * crashing at the first call. */
#include <appui/plugin.h>

double ap_function_that_does_not_exist(const ap_scorer *s);

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
	return ap_function_that_does_not_exist(s) > 0 ? 0
	                                              : ap_scorer_compute(s);
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,   .theme = "missing",     .name = "missing symbol",
    .version = "1.0.0", .catalogue = catalogue, .catalogue_len = 1,
    .score = score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
