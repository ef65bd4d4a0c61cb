/*
 * Calendar arithmetic for planning: days as integers, weekdays, and the
 * French public holidays, computed (not listed) for any year from 1900 to
 * 2200, Easter by the Gregorian computus.
 */
#ifndef APPUI_CALENDAR_H
#define APPUI_CALENDAR_H

#include "appui/case.h"
#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Days since 1970-01-01 (negative before). */
typedef long ap_day;

AP_API ap_day ap_day_from_date(ap_date d);
AP_API ap_date ap_date_from_day(ap_day day);

/* Parses "YYYY-MM-DD" into a real calendar date. Returns 0, or -1. */
AP_API int ap_date_parse(const char *s, ap_date *out);

/* -1, 0 or 1 as `a` is before, the same as or after `b`. */
AP_API int ap_date_cmp(ap_date a, ap_date b);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL). */
AP_API void ap_date_format(ap_date d, char out[11]);

/* 1 = Monday ... 7 = Sunday (ISO 8601). */
AP_API int ap_day_weekday(ap_day day);

/* Easter Sunday of `year` (Gregorian). */
AP_API ap_date ap_easter(int year);

/*
 * When `day` is a French public holiday (jour férié, metropolitan France):
 * returns its name ("Lundi de Pâques (Easter Monday)", ...) or NULL.
 * The eleven: 1 January, Easter Monday, 1 May, 8 May, Ascension, Whit
 * Monday, 14 July, 15 August, 1 November, 11 November, 25 December.
 */
AP_API const char *ap_french_holiday(ap_day day);

/* 1 when `day` is Monday..Friday and not a French public holiday. */
AP_API int ap_is_working_day(ap_day day);

#ifdef __cplusplus
}
#endif

#endif
