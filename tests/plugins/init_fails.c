/* A plugin whose init fails: refused with its own message. */
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

static int fail_init(ap_plugin_env *env, void **state)
{
	*state = NULL;
	ap_env_fail(env, "licence file /nonexistent/licence.key not found");
	return -1;
}

static int score(void *state, ap_scorer *s)
{
	(void)state;
	return ap_scorer_compute(s);
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,   .theme = "initfail",    .name = "init fails",
    .version = "1.0.0", .catalogue = catalogue, .catalogue_len = 1,
    .init = fail_init,  .score = score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
