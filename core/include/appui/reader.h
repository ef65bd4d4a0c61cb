/*
 * The case file reader: parses a case file safely, validates it against the
 * schema, checks what the schema cannot, and builds the case model.
 *
 * Parsing is hardened for untrusted files: no network, no external entities,
 * no DTD at all (a DOCTYPE is refused before its declarations are read), a
 * size limit checked before parsing, and libxml2's own depth and expansion
 * limits. See docs/casefile-format.md.
 */
#ifndef APPUI_READER_H
#define APPUI_READER_H

#include <stddef.h>

#include "appui/case.h"
#include "appui/common.h"
#include "appui/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest case file: libxml2 reads at most 10,000,000 bytes of one
 * document without XML_PARSE_HUGE, which appui never sets (it would lift
 * the parser's other limits too). Also the default limit. */
#define AP_MAX_FILE_BYTES         10000000u
#define AP_DEFAULT_MAX_FILE_BYTES AP_MAX_FILE_BYTES

typedef struct ap_reader ap_reader;

/*
 * Loads the schema at `schema_path` once. Files over `max_file_bytes` are
 * refused before parsing (0 means AP_DEFAULT_MAX_FILE_BYTES; more than
 * AP_MAX_FILE_BYTES means AP_MAX_FILE_BYTES). Returns 0, or -1 with the
 * reason in `d`.
 */
AP_API int ap_reader_new(ap_reader **out, const char *schema_path,
                         size_t max_file_bytes, ap_diags *d);
AP_API void ap_reader_free(ap_reader *r);

/*
 * Reads one case file. Returns 0 and the case in *out when the file is valid
 * (warnings may have been added to `d`), -1 when it is not (each problem is in
 * `d`, *out is NULL). The caller frees the case with ap_case_free().
 */
AP_API int ap_reader_read_file(ap_reader *r, const char *path, ap_case **out,
                               ap_diags *d);

/* The same for a document in memory; `name` is used in diagnostics. */
AP_API int ap_reader_read_memory(ap_reader *r, const char *name,
                                 const char *data, size_t len, ap_case **out,
                                 ap_diags *d);

AP_API void ap_case_free(ap_case *c);

#ifdef __cplusplus
}
#endif

#endif
