/*
 * The case model: one case file, read and checked, immutable.
 *
 * Plugins and outputs read a case through these types only; nothing outside
 * the reader sees XML. Strings are UTF-8 and live as long as the case.
 * Absent optional numbers are NAN (decimals) or -1 (whole numbers); absent
 * optional strings are NULL.
 */
#ifndef APPUI_CASE_H
#define APPUI_CASE_H

#include <stddef.h>

#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_case ap_case;

typedef struct ap_organisation {
	const char *id;
	const char *name;
	const char *kind;   /* oph | esh | coop | sem | other, or NULL */
	const char *region; /* or NULL */
} ap_organisation;

typedef struct ap_site {
	const char *id;
	const char *name;
	const char *commune;
	const char *insee;     /* or NULL */
	const char *qpv;       /* or NULL */
	long dwellings;        /* >= 1 */
	long buildings;        /* or -1 */
	long lifts;            /* or -1 */
	long built;            /* main construction year, or -1 */
	const char *situation; /* central | peripheral | enclaved | rural */
	const char *renewal; /* none | pnru | npnru-national | npnru-regional */
	const char *quality_commitment; /* none | charter | iso9001 | ... */
	double onsite_fte;              /* or NAN */
	double agency_distance_km;      /* or NAN */
	double low_income_share;        /* percent, or NAN */
} ap_site;

typedef struct ap_indicator {
	const char *ref;
	double value;
	long year;          /* or -1 */
	long period_months; /* or -1 */
	const char *source; /* or NULL */
	const char *unit;   /* or NULL */
	long line;          /* line of the element in the case file */
} ap_indicator;

typedef struct ap_observation {
	const char *severity; /* low | medium | high, or NULL */
	const char *text;
	long line;
} ap_observation;

typedef struct ap_theme_data {
	const char *ref;
	long line;
	const ap_indicator *indicators;
	size_t n_indicators;
	const ap_observation *observations;
	size_t n_observations;
} ap_theme_data;

/* A calendar date; year 0 means absent. */
typedef struct ap_date {
	int year, month, day;
} ap_date;

typedef struct ap_diagnostic {
	const char *firm;
	const char *author; /* or NULL */
	const char *method; /* or NULL */
	ap_date date;
} ap_diagnostic;

typedef struct ap_request {
	ap_date date;
	const char *const *themes; /* requested theme ids */
	size_t n_themes;
	ap_date window_start; /* year 0 when no window */
	ap_date window_end;
	const char *note; /* or NULL */
	long line;        /* of the request element */
} ap_request;

AP_API const char *ap_case_id(const ap_case *c);
/* The path the case was read from, as given. */
AP_API const char *ap_case_file(const ap_case *c);
AP_API const ap_organisation *ap_case_organisation(const ap_case *c);
AP_API const ap_site *ap_case_site(const ap_case *c);
AP_API const ap_diagnostic *ap_case_diagnostic(const ap_case *c);
AP_API const ap_request *ap_case_request(const ap_case *c);

/* The themes of the diagnostic, in file order. */
AP_API size_t ap_case_theme_count(const ap_case *c);
AP_API const ap_theme_data *ap_case_theme_at(const ap_case *c, size_t i);
/* The theme `ref`, or NULL when the diagnostic does not cover it. */
AP_API const ap_theme_data *ap_case_theme(const ap_case *c, const char *ref);

/* The indicator `ref` of a theme, or NULL. */
AP_API const ap_indicator *ap_theme_indicator(const ap_theme_data *t,
                                              const char *ref);

#ifdef __cplusplus
}
#endif

#endif
