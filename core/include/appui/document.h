/*
 * Reports people look at (docs/reports.md): an HTML page with charts and a
 * workbook, made from the same data as the command's JSON outputs, so that
 * a report never says what `appui score --format json` and `appui plan
 * --format json` would not: the cases' JSON texts, in input order, and the
 * plan's JSON text when a campaign is given.
 *
 * Both writers are deterministic: the same inputs give the same bytes (a
 * date appears only when the caller gives one).
 */
#ifndef APPUI_DOCUMENT_H
#define APPUI_DOCUMENT_H

#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_document ap_document;

AP_API ap_document *ap_document_new(void);
AP_API void ap_document_free(ap_document *doc);

/* A case, as ap_report_json_case_text() writes it (the pool's JSON part).
 * Returns AP_OK, or AP_EINVALID when it is not such a text. */
AP_API int ap_document_add_case(ap_document *doc, const char *json, size_t len);

/* The plan, as ap_plan_json() writes it. Returns AP_OK or AP_EINVALID. */
AP_API int ap_document_set_plan(ap_document *doc, const char *json, size_t len);

/* A saved plan's missions, as `appui mission list --format json` writes
 * them: each site's page marks its missions on its chart over time.
 * Returns AP_OK or AP_EINVALID. */
AP_API int ap_document_set_missions(ap_document *doc, const char *json,
                                    size_t len);

/* The campaign's outcome, as `appui followup --format json` writes it.
 * Returns AP_OK or AP_EINVALID. */
AP_API int ap_document_set_followup(ap_document *doc, const char *json,
                                    size_t len);

#define AP_DOCUMENT_OPTIONS_VERSION 1
typedef struct ap_document_options {
	int version;       /* AP_DOCUMENT_OPTIONS_VERSION */
	const char *title; /* NULL: "Dispositif d'appui solidaire" */
	const char *date;  /* shown as the report's date; NULL: none */
} ap_document_options;
#define AP_DOCUMENT_OPTIONS_INIT                        \
	{                                               \
		AP_DOCUMENT_OPTIONS_VERSION, NULL, NULL \
	}

/* The HTML report: one self-contained page (docs/reports.md). */
AP_API int ap_document_html(FILE *out, const ap_document *doc,
                            const ap_document_options *opt, ap_diags *d);

/* The workbook (XLSX) at `path`, written whole or not at all. Returns
 * AP_OK, or AP_EOUTPUT with the reason in `d`. */
AP_API int ap_document_xlsx(const char *path, const ap_document *doc,
                            const ap_document_options *opt, ap_diags *d);

#ifdef __cplusplus
}
#endif

#endif
