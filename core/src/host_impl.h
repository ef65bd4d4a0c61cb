/* Internals shared by the plugin host and the scoring toolkit. */
#ifndef APPUI_HOST_IMPL_H
#define APPUI_HOST_IMPL_H

#include "appui/host.h"
#include "appui/plugin.h"
#include "config_impl.h"

/* A plugin that loaded, with its catalogue after configuration. */
typedef struct loaded_plugin {
	const ap_plugin *desc;
	const ap_plugin_info *info; /* set once loading is done */
	size_t info_index;
	size_t dir_index; /* position of its folder in the search path */
	ap_indicator_def
	    *catalogue; /* desc->catalogue with overrides applied */
	size_t n_catalogue;
	double *params; /* one per desc->params, after configuration */
	void *state;
} loaded_plugin;

struct ap_plugin_env {
	const loaded_plugin *plugin;
	char *failure;
};

/* Scores one theme of a case with one plugin into `out`. Returns 0; -2 when
 * the theme gives no indicator to score; -1 when the plugin failed. On
 * failure *error holds the message (to free). */
int scorer_run(const loaded_plugin *p, const ap_policy *policy,
               const ap_case *c, const ap_theme_data *theme, int complexity,
               ap_theme_result *out, char **error);

/* Frees what scorer_run() put in a result. */
void scorer_theme_clear(ap_theme_result *r);

/* The site's complexity factors. */
int scorer_site_complexity(const ap_policy *policy, const ap_site *site,
                           const char **factors, size_t *n_factors,
                           const char **unknown, size_t *n_unknown);

/* Fills the mission of a scored case. */
void scorer_site_mission(const ap_policy *policy, ap_case_result *r);

/* The level of a value against a catalogue entry's thresholds. */
int scorer_level_of(const ap_indicator_def *def, double value);

#endif
