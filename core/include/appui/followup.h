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
 * give the same bytes. A change is judged by ap_history_rule() with
 * AP_HISTORY_MARGIN, as a site's history judges it.
 */
#ifndef APPUI_FOLLOWUP_H
#define APPUI_FOLLOWUP_H

#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/history.h"
#include "appui/mission.h"

#ifdef __cplusplus
extern "C" {
#endif

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
