/* The configuration as plain structs, read once; libconfig stays in config.c.
 */
#ifndef APPUI_CONFIG_IMPL_H
#define APPUI_CONFIG_IMPL_H

#include <stddef.h>

#include "appui/config.h"

typedef struct cfg_indicator {
	char *ref;
	int has_thresholds, has_weight;
	double thresholds[3];
	double weight;
	long line;
} cfg_indicator;

typedef struct cfg_param {
	char *name;
	double value;
	long line;
} cfg_param;

/* A theme's section: overrides checked against the plugin once it loads. */
typedef struct cfg_theme {
	char *theme;
	long line;
	cfg_indicator *indicators;
	size_t n_indicators;
	cfg_param *params;
	size_t n_params;
} cfg_theme;

typedef struct ap_policy {
	/* Bands: need below `watch` is good, below `degraded` watch, ... */
	double band_watch, band_degraded, band_critical;
	/* Days per theme band, and the complexity bonus. */
	int days_watch, days_degraded, days_critical;
	int complexity_bonus, complexity_bonus_from;
	/* Site mission: +other_theme_days per other theme degraded or worse,
	 * clamped to mission_min..mission_max. */
	int other_theme_days, mission_min, mission_max;
	/* Priority = top need + other_themes x other needs + complexity x c. */
	double priority_other_themes, priority_complexity;
	/* Complexity factors. */
	long built_before;
	double low_income_share_above;
	double staff_per_100_below;
	double agency_km_above;
	char **situations;
	size_t n_situations;
	char **renewals;
	size_t n_renewals;
} ap_policy;

struct ap_config {
	char *path; /* NULL for defaults */
	char *dir;  /* folder of the file, for relative paths */
	char **plugin_path;
	size_t n_plugin_path;
	long plugin_path_line;
	char **plugins; /* enabled theme ids; NULL = every plugin found */
	size_t n_plugins;
	int plugins_set;
	char *schema;     /* NULL = the installed one */
	char *store_path; /* store.path, resolved; NULL when not set */
	char *listen, *tls_certificate, *tls_key; /* service.*, resolved */
	ap_service_settings service;
	size_t max_file_bytes;
	double case_time_limit; /* seconds a worker may spend on one case */
	ap_policy policy;
	cfg_theme *themes;
	size_t n_themes;
};

#endif
