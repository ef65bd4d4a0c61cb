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

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ap_severity { AP_ERROR = 0, AP_WARNING = 1 } ap_severity;

typedef struct ap_diag {
	ap_severity severity;
	const char *file;    /* never NULL */
	long line;           /* 0 when not tied to a line */
	const char *field;   /* may be "" */
	const char *message; /* in English: what programs read (JSON, the
	                        store, the service) */
	const char *shown;   /* in the user's language (appui/i18n.h): what
	                        ap_diag_print() prints; may be `message` */
} ap_diag;

typedef struct ap_diags ap_diags;

AP_API ap_diags *ap_diags_new(void);
AP_API void ap_diags_free(ap_diags *d);
AP_API void ap_diags_clear(ap_diags *d);

/* Appends a problem; all strings are copied. `fmt` is translated for
 * ap_diag.shown (appui/i18n.h). */
AP_API void ap_diags_add(ap_diags *d, ap_severity sev, const char *file,
                         long line, const char *field, const char *fmt, ...)
    AP_PRINTF(6, 7);

/* ap_diags_add() with a va_list. */
AP_API void ap_diags_addv(ap_diags *d, ap_severity sev, const char *file,
                          long line, const char *field, const char *fmt,
                          va_list ap) AP_PRINTF(6, 0);

/* Appends a problem whose message is already written, in English and in
 * the user's language (`shown`, NULL: the same); strings are copied. */
AP_API void ap_diags_add_shown(ap_diags *d, ap_severity sev, const char *file,
                               long line, const char *field,
                               const char *message, const char *shown);

AP_API size_t ap_diags_count(const ap_diags *d);
AP_API const ap_diag *ap_diags_at(const ap_diags *d, size_t i);
AP_API size_t ap_diags_errors(const ap_diags *d);

/* Appends every problem of `src` to `dst`, turning warnings into errors when
 * `strict` is set. */
AP_API void ap_diags_move(ap_diags *dst, ap_diags *src, int strict);

/* Prints one problem as FILE:LINE: FIELD: [warning: ]message, in the
 * user's language. */
AP_API void ap_diag_print(FILE *out, const ap_diag *diag);
/* The same line in English, without its newline (to free): for programs
 * (the store's record of a refusal, the service's answers). */
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
