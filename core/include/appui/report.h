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
 * One case's JSON object alone (no separator), as ap_report_json_case()
 * writes it, into `*text`, a buffer of `*cap` bytes grown with realloc() as
 * needed (NULL and 0 to start; free() it after the last use). Returns the
 * length; the text is NUL-terminated.
 */
AP_API size_t ap_report_json_case_text(const ap_case_result *r, char **text,
                                       size_t *cap);

/*
 * The table: one row per case, sorted by decreasing mission priority (sites
 * with no mission last, by decreasing need), then the explanation of each case
 * in the same order when `explain` is set. Sorts `results` in place.
 */
AP_API void ap_report_table(FILE *out, const ap_host *h,
                            const ap_case_result **results, size_t n,
                            int explain);

/*
 * CSV (RFC 4180, UTF-8, CR LF): a header, then one row per case and theme
 * from the case's JSON text (as ap_report_json_case_text() writes it). A
 * cell from the case file that a spreadsheet would run as a formula (it
 * starts with =, +, -, @, a tab or a CR) is written as text, after a
 * single quote. Returns AP_OK, or AP_EINVALID when `json` is not a case.
 */
AP_API void ap_report_csv_header(FILE *out);
AP_API int ap_report_csv_case(FILE *out, const char *json, size_t len);

/* The explanation of one case: indicators, rules, levers, mission. */
AP_API void ap_report_explain(FILE *out, const ap_case_result *r);

/*
 * One row of the table, as plain data: what a worker process sends its
 * parent for each case, so that the table does not need the cases in
 * memory.
 */
typedef struct ap_score_row {
	char *case_id, *site_id, *organisation_id;
	size_t n_themes;
	char **themes; /* theme ids scored */
	double *needs;
	ap_band *bands;
	int has_mission, days;
	double priority;
	char *explain; /* the explanation text, or NULL */
} ap_score_row;

/* Fills `row` from a result (with its explanation when `explain`). */
AP_API void ap_score_row_fill(ap_score_row *row, const ap_case_result *r,
                              int explain);
AP_API void ap_score_row_clear(ap_score_row *row);

/* The table's order: missions by decreasing priority, then sites without
 * one by decreasing need; the site and case ids settle ties. <0, 0, >0. */
AP_API int ap_score_row_rank(const ap_score_row *a, const ap_score_row *b);

/* The table from rows: as ap_report_table(); sorts `rows` in place. */
AP_API void ap_report_rows(FILE *out, const char *const *themes,
                           size_t n_themes, ap_score_row *rows, size_t n,
                           int explain);

#ifdef __cplusplus
}
#endif

#endif
