/*
 * A campaign's outcome (docs/followup.md): for the sites whose mission was
 * held and that have a later diagnostic, per theme, how many improved a
 * band, stayed or worsened, the median change of need, and whether each
 * change is larger than its uncertainty; every site named.
 *
 * Made from the cases' JSON texts, as `appui score --format json` writes
 * each case, and the saved missions: the diagnostic before a mission is
 * the case it was planned on; the one after, the site's first diagnostic
 * dated after the mission's last held day. Deterministic: the same inputs
 * give the same bytes.
 */
#ifndef APPUI_FOLLOWUP_H
#define APPUI_FOLLOWUP_H

#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/mission.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A change of need is clear when it is larger than this many points and
 * the two intervals under missing data do not overlap. */
#define AP_FOLLOWUP_MARGIN 5.0

typedef enum ap_change_verdict {
	AP_VERDICT_IMPROVED = 0,
	AP_VERDICT_UNCLEAR = 1, /* "no clear change" */
	AP_VERDICT_WORSENED = 2
} ap_change_verdict;

/* "improved", "no clear change", "worsened". */
AP_API const char *ap_change_verdict_name(ap_change_verdict v);

/* The rule: from need `a` in [a_low, a_high] to `b` in [b_low, b_high]. */
AP_API ap_change_verdict ap_change_verdict_of(double a, double a_low,
                                              double a_high, double b,
                                              double b_low, double b_high);

typedef struct ap_followup ap_followup;

AP_API ap_followup *ap_followup_new(void);
AP_API void ap_followup_free(ap_followup *f);

/* A case, as ap_report_json_case_text() writes it. AP_OK, or AP_EINVALID
 * when it is not such a text. */
AP_API int ap_followup_add_case(ap_followup *f, const char *json, size_t len);

/* The missions of the campaign (only the held ones count). */
AP_API void ap_followup_set_missions(ap_followup *f,
                                     const ap_saved_missions *m);

/* The outcome as a table, and as one JSON document (docs/followup.md). */
AP_API void ap_followup_table(FILE *out, ap_followup *f);
AP_API void ap_followup_json(FILE *out, ap_followup *f);

#ifdef __cplusplus
}
#endif

#endif
