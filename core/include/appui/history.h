/*
 * A site over time (docs/followup.md): the latest version of each of a
 * site's case files, ordered by diagnostic date (then case id), each as
 * `appui score --format json` writes it (ap_report_json_case_text()), with
 * the missions of the site. From them: per diagnostic, the need, interval
 * and band of each theme; per pair of successive diagnostics, each theme's
 * change (a verdict by the rule of docs/followup.md, the band change, the
 * indicators that moved) and the missions held between the two.
 *
 * Pure: no clock, no file, no store. The same cases and missions, in any
 * order, give the same bytes.
 */
#ifndef APPUI_HISTORY_H
#define APPUI_HISTORY_H

#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A need must fall (or rise) by more than this, in points, to be a clear
 * change; and the two intervals must not overlap. */
#define AP_HISTORY_MARGIN 5.0

/* A theme's change between two diagnostics. */
typedef enum ap_history_verdict {
	AP_HISTORY_NO_CLEAR_CHANGE = 0,
	AP_HISTORY_IMPROVED = 1,
	AP_HISTORY_WORSENED = 2,
	AP_HISTORY_NOT_COMPARABLE = 3 /* the theme is in one of the two only */
} ap_history_verdict;

/* "no clear change", "improved", "worsened", "not comparable". */
AP_API const char *ap_history_verdict_name(ap_history_verdict v);

/* The band of the later diagnostic against the earlier one's (bands: good <
 * watch < degraded < critical). */
typedef enum ap_history_band_change {
	AP_HISTORY_BAND_NONE = 0, /* not comparable */
	AP_HISTORY_BAND_BETTER = 1,
	AP_HISTORY_BAND_SAME = 2,
	AP_HISTORY_BAND_WORSE = 3
} ap_history_band_change;

/* "better band", "same band", "worse band"; NULL for AP_HISTORY_BAND_NONE. */
AP_API const char *ap_history_band_change_name(ap_history_band_change c);

/*
 * The rule of docs/followup.md, on needs as the score JSON prints them:
 * improved when the need fell by more than `margin` (the fall rounded to
 * two decimals, so 5.00 is not more than 5) and the new interval is wholly
 * below the old one (new high < old low); worsened symmetrically; else no
 * clear change.
 */
AP_API ap_history_verdict ap_history_rule(double old_need, double old_low,
                                          double old_high, double new_need,
                                          double new_low, double new_high,
                                          double margin);

/* A mission of the site; the strings are copied. */
typedef struct ap_history_mission {
	const char *mission_id, *firm, *status; /* status: planned, confirmed,
	                                           held or cancelled */
	const char *first, *last; /* YYYY-MM-DD: held dates when held, else
	                             planned */
} ap_history_mission;

#define AP_HISTORY_OPTIONS_VERSION 1
typedef struct ap_history_options {
	int version;   /* AP_HISTORY_OPTIONS_VERSION */
	double margin; /* AP_HISTORY_MARGIN */
} ap_history_options;
#define AP_HISTORY_OPTIONS_INIT                               \
	{                                                     \
		AP_HISTORY_OPTIONS_VERSION, AP_HISTORY_MARGIN \
	}

typedef struct ap_history ap_history;

/* A history of site `site_id` (copied); `opt` NULL: the defaults. Returns
 * AP_OK, or AP_EUSAGE for no site id or an unknown options version. */
AP_API int ap_history_new(ap_history **out, const char *site_id,
                          const ap_history_options *opt);
AP_API void ap_history_free(ap_history *h);

/* A case's JSON text, as ap_report_json_case_text() writes it. Returns
 * AP_OK, or AP_EINVALID when it is not such a text, is a case of another
 * site, or a case already added (the caller gives the latest version of
 * each case once). */
AP_API int ap_history_add_case(ap_history *h, const char *json, size_t len);

/* A mission (copied). Returns AP_OK, or AP_EINVALID for no id, an unknown
 * status or a date that is not YYYY-MM-DD (first after last too). */
AP_API int ap_history_add_mission(ap_history *h, const ap_history_mission *m);

struct ap_store_mission;
/* A mission as the store keeps it: a held one placed by its held days, the
 * others by their planned days. As ap_history_add_mission(). */
AP_API int ap_history_add_stored(ap_history *h,
                                 const struct ap_store_mission *m);

/* ---- reading it (for a chart, a campaign summary) ---------------------- */

typedef struct ap_history_theme {
	const char *theme;
	double need, need_low, need_high; /* as the score JSON prints them */
	ap_band band;
} ap_history_theme;

typedef struct ap_history_diagnostic {
	const char *case_id, *file, *diagnosed, *firm; /* diagnosed:
	                                                  YYYY-MM-DD */
	const ap_history_theme *themes;                /* by theme id */
	size_t n_themes;
} ap_history_diagnostic;

/* A theme's change from diagnostic i to i + 1. */
typedef struct ap_history_change {
	const char *theme;
	ap_history_verdict verdict;
	double delta; /* new need - old need, two decimals; 0 when not
	                 comparable */
	ap_history_band_change band_change;
	size_t n_moved; /* indicators that moved */
} ap_history_change;

AP_API const char *ap_history_site_id(const ap_history *h);
/* The latest diagnostic's site name; NULL with none. */
AP_API const char *ap_history_site_name(const ap_history *h);
/* The diagnostics, by date then case id. */
AP_API size_t ap_history_count(const ap_history *h);
AP_API const ap_history_diagnostic *ap_history_at(const ap_history *h,
                                                  size_t i);
/* The changes from diagnostic i to i + 1 (i + 1 < count), one per theme of
 * either, by theme id; their number in `*n`. */
AP_API const ap_history_change *ap_history_changes(const ap_history *h,
                                                   size_t i, size_t *n);
/* Missions held between diagnostics i and i + 1: first day after the
 * earlier date, last day on or before the later; their count. */
AP_API size_t ap_history_missions_between(const ap_history *h, size_t i);

/* ---- outputs ----------------------------------------------------------- */

/* A table for a terminal: text from the files shown inert (appui/text.h).
 * Returns AP_OK, or AP_EOUTPUT when `out` cannot be written. */
AP_API int ap_history_table(FILE *out, const ap_history *h);

/* The JSON document of docs/cli.md ("history"), one line. Returns AP_OK,
 * or AP_EOUTPUT. */
AP_API int ap_history_json(FILE *out, const ap_history *h);

#ifdef __cplusplus
}
#endif

#endif
