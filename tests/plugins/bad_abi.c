/* A plugin built for a future, incompatible plugin ABI: must be refused
 * before anything but its entry point is called. */
#include <appui/plugin.h>
#include <stdlib.h>

static const ap_indicator_def catalogue[] = {
    {"x.value",
     "count",
     "x",
     AP_LOWER_IS_BETTER,
     AP_DOMAIN_COUNT,
     {0, 1, 2},
     1},
};

/* Would abort the test if the host called it. */
static int never_score(void *state, ap_scorer *s)
{
	(void)state;
	(void)s;
	abort();
}

static const ap_plugin plugin = {
    .abi_major = 99,
    .abi_minor = 0,
    .struct_size = sizeof(ap_plugin),
    .theme = "future",
    .name = "future",
    .version = "9.0.0",
    .catalogue = catalogue,
    .catalogue_len = 1,
    .score = never_score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
