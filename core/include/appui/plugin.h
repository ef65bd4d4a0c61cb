/*
 * appui plugin contract.
 *
 * A theme plugin is a shared object that exports one function,
 * appui_plugin_entry(), returning a constant descriptor. The host reads the
 * descriptor's ABI fields before anything else and refuses a plugin built for
 * another ABI with a message naming the file and both versions.
 *
 * A plugin is its catalogue (the indicators of its theme, with default
 * thresholds and weights) plus its theme's own rules. The scoring toolkit
 * (levels, need, interval under missing data, confidence, levers, explanation)
 * lives in libappui; a plugin links libappui (pkg-config appui) and never uses
 * symbols of the appui executable. This header is the whole contract.
 *
 * Compatibility: AP_PLUGIN_ABI_MAJOR changes when a change breaks existing
 * plugins; AP_PLUGIN_ABI_MINOR when members are appended to struct ap_plugin
 * or functions are added to libappui. The host loads a plugin when the majors
 * are equal and the plugin's minor is not newer than the host's.
 */
#ifndef APPUI_PLUGIN_H
#define APPUI_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "appui/case.h"
#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AP_PLUGIN_ABI_MAJOR 1
#define AP_PLUGIN_ABI_MINOR 0

/* The one symbol a plugin exports. */
#define AP_PLUGIN_ENTRY_SYMBOL "appui_plugin_entry"

/* Whether a higher value of an indicator is better or worse. */
typedef enum ap_direction {
	AP_LOWER_IS_BETTER = 0,
	AP_HIGHER_IS_BETTER = 1
} ap_direction;

/* The values an indicator may take; a value outside is an error in the file. */
typedef enum ap_domain {
	AP_DOMAIN_NONNEGATIVE = 0, /* any decimal >= 0 */
	AP_DOMAIN_PERCENT = 1,     /* 0..100 */
	AP_DOMAIN_COUNT = 2,       /* a whole number >= 0 */
	AP_DOMAIN_FLAG = 3         /* 0 or 1 */
} ap_domain;

/*
 * One indicator of a theme's catalogue. thresholds[] are the limits of levels
 * 0, 1 and 2: for AP_LOWER_IS_BETTER, value <= t[0] is level 0, <= t[1] level
 * 1, <= t[2] level 2, above level 3; for AP_HIGHER_IS_BETTER the same with >=.
 * A weight of 0 marks an input the plugin reads but that is not scored itself
 * (complaints.count, from which the quality plugin derives complaints.rate).
 * The host may override thresholds and weight from the configuration.
 */
typedef struct ap_indicator_def {
	const char *ref;   /* "satisfaction.overall" */
	const char *unit;  /* unit code that indicator/@unit must match */
	const char *label; /* short English description */
	ap_direction direction;
	ap_domain domain;
	double thresholds[3];
	double weight;
} ap_indicator_def;

/* A numeric parameter of a theme rule, settable in the configuration. */
typedef struct ap_param_def {
	const char *name; /* [a-z][a-z0-9_]* */
	const char *doc;
	double default_value;
	double min, max; /* inclusive range the host enforces */
} ap_param_def;

/* What the host hands to init: the plugin's parameters after configuration. */
typedef struct ap_plugin_env ap_plugin_env;

/* The value of a declared parameter (its default unless configured). */
AP_API double ap_env_param(const ap_plugin_env *env, const char *name);

/* Record why init failed; the host prints it with the plugin's path. */
AP_API void ap_env_fail(ap_plugin_env *env, const char *fmt, ...)
    AP_PRINTF(2, 3);

/* The scoring of one theme of one case, owned by the host. */
typedef struct ap_scorer ap_scorer;

typedef struct ap_plugin {
	/* These three come first in every ABI version and are checked first. */
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t
	    struct_size; /* sizeof(struct ap_plugin) as the plugin saw it */

	const char *theme; /* theme id in case files: "quality" */
	const char
	    *name; /* human name: "Qualité de service (quality of service)" */
	const char *version; /* the plugin's own version: "1.0.0" */

	const ap_indicator_def *catalogue;
	size_t catalogue_len;
	const ap_param_def *params; /* may be NULL */
	size_t params_len;

	/*
	 * Called once after loading, with the configured parameters. Stores the
	 * plugin's state (or NULL) in *state. Returns 0, or -1 after
	 * ap_env_fail(). May be NULL.
	 */
	int (*init)(ap_plugin_env *env, void **state);

	/*
	 * Scores one theme of one case: reads the case and the indicator values
	 * through the scorer, may derive values, calls ap_scorer_compute(),
	 * then applies the theme's rules. Returns 0, or -1 after
	 * ap_scorer_fail(). Must not keep pointers into the scorer after
	 * returning.
	 */
	int (*score)(void *state, ap_scorer *scorer);

	/* Releases the state at exit. May be NULL. */
	void (*finish)(void *state);
} ap_plugin;

/* Initialiser for the three ABI fields. */
#define AP_PLUGIN_HEADER                                                    \
	.abi_major = AP_PLUGIN_ABI_MAJOR, .abi_minor = AP_PLUGIN_ABI_MINOR, \
	.struct_size = (uint32_t)sizeof(ap_plugin)

/* Declares the entry point; a plugin defines it to return its descriptor. */
#define AP_PLUGIN_ENTRY                                          \
	__attribute__((visibility("default"))) const ap_plugin * \
	appui_plugin_entry(void)

typedef const ap_plugin *(*ap_plugin_entry_fn)(void);

/* ---- the scoring toolkit, for a plugin's score() --------------------------
 */

/* Bands of need, in increasing order. */
typedef enum ap_band {
	AP_BAND_GOOD = 0,     /* no mission on this theme */
	AP_BAND_WATCH = 1,    /* à surveiller */
	AP_BAND_DEGRADED = 2, /* dégradé */
	AP_BAND_CRITICAL = 3  /* critique */
} ap_band;

/* "good", "watch", "degraded", "critical". */
AP_API const char *ap_band_name(ap_band band);

/* The case being scored and its site. */
AP_API const ap_case *ap_scorer_case(const ap_scorer *s);
AP_API const ap_site *ap_scorer_site(const ap_scorer *s);

/* The site's complexity (0..6), computed by the host from the site context. */
AP_API int ap_scorer_complexity(const ap_scorer *s);

/* The value of a configured parameter of this plugin. */
AP_API double ap_scorer_param(const ap_scorer *s, const char *name);

/*
 * The indicator `ref` of this theme as written in the case file, or NULL when
 * the file does not give it. Derived values are not returned here.
 */
AP_API const ap_indicator *ap_scorer_input(const ap_scorer *s, const char *ref);

/*
 * The value that will be scored for `ref`: the file's value, or a value
 * derived with ap_scorer_derive(). Returns 1 and sets *value when there is
 * one, 0 otherwise.
 */
AP_API int ap_scorer_value(const ap_scorer *s, const char *ref, double *value);

/*
 * Supplies a value for a catalogue indicator that the file does not give,
 * computed from other data; `how` explains it and appears in the rules.
 * Returns 0, or -1 if `ref` is not in the catalogue or already has a value.
 */
AP_API int ap_scorer_derive(ap_scorer *s, const char *ref, double value,
                            const char *how);

/*
 * Computes levels, need, need interval, confidence, band and levers from the
 * values present. Call it once, after deriving and before the band rules.
 */
AP_API int ap_scorer_compute(ap_scorer *s);

/* After ap_scorer_compute(): the need (0..100) and the band. */
AP_API double ap_scorer_need(const ap_scorer *s);
AP_API ap_band ap_scorer_band(const ap_scorer *s);

/* After ap_scorer_compute(): the level (0..3) of `ref`, or -1 if absent. */
AP_API int ap_scorer_level(const ap_scorer *s, const char *ref);

/*
 * A theme rule: raises the band to at least `band` (the need is unchanged)
 * and records `rule`. Recorded even when the band was already as high, so the
 * explanation says which rules held.
 */
AP_API void ap_scorer_raise_band(ap_scorer *s, ap_band band, const char *rule);

/* Records a rule or remark in the explanation without changing the result. */
AP_API void ap_scorer_note(ap_scorer *s, const char *fmt, ...) AP_PRINTF(2, 3);

/* Records why score() failed; the host reports it for this case and theme. */
AP_API void ap_scorer_fail(ap_scorer *s, const char *fmt, ...) AP_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif

#endif
