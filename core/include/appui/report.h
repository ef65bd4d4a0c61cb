/*
 * Outputs of scoring: the table a coordinator reads, the explanation that
 * defends it, and the JSON document other tools read (docs/cli.md documents
 * every field). Same results in, same bytes out.
 */
#ifndef APPUI_REPORT_H
#define APPUI_REPORT_H

#include <stdio.h>

#include "appui/common.h"
#include "appui/diag.h"
#include "appui/host.h"
#include "appui/score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* JSON, streamed: begin, one call per case in input order (`index` counts
 * from 0), then end with the problems of the batch. */
AP_API void ap_report_json_begin(FILE *out);
AP_API void ap_report_json_case(FILE *out, const ap_case_result *r,
                                size_t index);
AP_API void ap_report_json_end(FILE *out, const ap_diags *d);

/*
 * The table: one row per case, sorted by decreasing mission priority (sites
 * with no mission last, by decreasing need), then the explanation of each case
 * in the same order when `explain` is set. Sorts `results` in place.
 */
AP_API void ap_report_table(FILE *out, const ap_host *h,
                            const ap_case_result **results, size_t n,
                            int explain);

/* The explanation of one case: indicators, rules, levers, mission. */
AP_API void ap_report_explain(FILE *out, const ap_case_result *r);

#ifdef __cplusplus
}
#endif

#endif
