/*
 * Scoring results: what a plugin's score of one theme gives, and what the
 * host makes of a whole case (complexity, mission days, priority). Owned by
 * the host; read-only for everyone else.
 */
#ifndef APPUI_SCORE_H
#define APPUI_SCORE_H

#include <stddef.h>

#include "appui/case.h"
#include "appui/common.h"
#include "appui/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One line of the explanation: why a theme has the need it has. */
typedef struct ap_indicator_row {
	const char *ref;
	double value;
	int level; /* 0..3 */
	double weight;
	double contribution; /* points of need; the rows add up to the need */
	int derived;         /* 1 when computed from other data, not read */
	long line;           /* in the case file; 0 when derived */
} ap_indicator_row;

/* A lever (levier d'amélioration): one indicator improved by one level. */
typedef struct ap_lever {
	const char *ref;
	int level, new_level;
	double need_after;
	double gain; /* need - need_after */
} ap_lever;

typedef struct ap_theme_result {
	const char *theme;
	const char *plugin;         /* plugin id: "quality" */
	const char *plugin_version; /* "1.0.0" */
	double need;                /* 0..100 over the indicators present */
	double need_low;            /* missing indicators at level 0 */
	double need_high;           /* missing indicators at level 3 */
	double confidence; /* share of the catalogue's weight present, 0..1 */
	ap_band band;
	int days;
	ap_indicator_row *rows; /* catalogue order */
	size_t n_rows;
	const char **missing; /* catalogue indicators absent, catalogue order */
	size_t n_missing;
	ap_lever levers[3];
	size_t n_levers;
	char **rules; /* theme rules applied, derivations, remarks */
	size_t n_rules;
} ap_theme_result;

typedef struct ap_mission {
	int days;            /* 3..6 with the default policy */
	const char **themes; /* band watch or worse, by decreasing need */
	size_t n_themes;
	double priority;
} ap_mission;

/* The mission on part of the mission's themes, as the method gives it for
 * those themes alone: for a plan where no firm covers them all (the
 * campaign's policy.partial_themes). Bit i of `themes` is mission.themes[i]. */
typedef struct ap_partial_mission {
	unsigned themes;
	int days;
	double priority;
} ap_partial_mission;

/* At most this many mission themes get partial missions (2^6 - 2 subsets). */
#define AP_PARTIAL_MAX_THEMES 6

typedef struct ap_case_result {
	const ap_case *c;
	int complexity;       /* 0..6 */
	const char **factors; /* complexity factors present */
	size_t n_factors;
	const char **unknown_factors; /* factors the file lacks data for */
	size_t n_unknown_factors;
	ap_theme_result *themes; /* in the order of the diagnostic */
	size_t n_themes;
	int has_mission;
	ap_mission mission;
	/* Every proper, non-empty subset of the mission's themes (when it has
	 * 2 to AP_PARTIAL_MAX_THEMES), by increasing `themes`. */
	ap_partial_mission *partials;
	size_t n_partials;
} ap_case_result;

AP_API void ap_case_result_free(ap_case_result *r);

#ifdef __cplusplus
}
#endif

#endif
