/*
 * Diagnostics: the problems found in case files, configuration and plugins.
 *
 * Every problem carries the file, the line (0 when the file itself is the
 * problem), the field (a short path such as "site/dwellings" or
 * "diagnostic/theme[quality]/indicator[complaints.count]/@value") and a
 * message a user can act on. Printed as FILE:LINE: FIELD: message.
 */
#ifndef APPUI_DIAG_H
#define APPUI_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ap_severity { AP_ERROR = 0, AP_WARNING = 1 } ap_severity;

typedef struct ap_diag {
	ap_severity severity;
	const char *file;  /* never NULL */
	long line;         /* 0 when not tied to a line */
	const char *field; /* may be "" */
	const char *message;
} ap_diag;

typedef struct ap_diags ap_diags;

AP_API ap_diags *ap_diags_new(void);
AP_API void ap_diags_free(ap_diags *d);
AP_API void ap_diags_clear(ap_diags *d);

/* Appends a problem; all strings are copied. */
AP_API void ap_diags_add(ap_diags *d, ap_severity sev, const char *file,
                         long line, const char *field, const char *fmt, ...)
    AP_PRINTF(6, 7);

AP_API size_t ap_diags_count(const ap_diags *d);
AP_API const ap_diag *ap_diags_at(const ap_diags *d, size_t i);
AP_API size_t ap_diags_errors(const ap_diags *d);

/* Appends every problem of `src` to `dst`, turning warnings into errors when
 * `strict` is set. */
AP_API void ap_diags_move(ap_diags *dst, ap_diags *src, int strict);

/* Prints one problem as FILE:LINE: FIELD: [warning: ]message. */
AP_API void ap_diag_print(FILE *out, const ap_diag *diag);
/* The line ap_diag_print() prints, without its newline (to free). */
AP_API char *ap_diag_text(const ap_diag *diag);

/*
 * Writes `text` inert, as ap_diag_print() writes a problem's parts: control
 * characters and bytes that are not UTF-8 as \xNN (newline and tab as \n and
 * \t), C1 controls, bidirectional controls and line separators as \uNNNN.
 * For text from files, plugins or the environment that is shown to people.
 */
AP_API void ap_print_inert(FILE *out, const char *text);

#ifdef __cplusplus
}
#endif

#endif
