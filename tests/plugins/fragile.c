/* A plugin that misbehaves on purpose, for the isolation tests: on a case
 * whose x.value is 666 it crashes (SIGSEGV), 777 it never returns, 888 it
 * aborts; otherwise it scores normally. */
#include <appui/plugin.h>
#include <signal.h>
#include <stdlib.h>

static const ap_indicator_def catalogue[] = {
    {"x.value", "count", "x", AP_LOWER_IS_BETTER, AP_DOMAIN_COUNT, {0, 1, 2},
     1},
};

static int score(void *state, ap_scorer *s)
{
	(void)state;
	double v = 0;
	ap_scorer_value(s, "x.value", &v);
	if (v == 666)
		raise(SIGSEGV);
	if (v == 777)
		for (volatile unsigned spin = 0;; spin++)
			;
	if (v == 888)
		abort();
	return ap_scorer_compute(s);
}

static const ap_plugin plugin = {
    AP_PLUGIN_HEADER,
    .theme = "fragile",
    .name = "fragile on purpose",
    .version = "1.0.0",
    .catalogue = catalogue,
    .catalogue_len = 1,
    .score = score,
};

AP_PLUGIN_ENTRY
{
	return &plugin;
}
