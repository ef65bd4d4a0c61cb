/*
 * Host configuration (libconfig): where plugins are, which are enabled, each
 * theme's catalogue thresholds and weights and rule parameters, the band
 * limits, the day rules, the priority weights and the complexity factors.
 * Every number has the default of docs/scoring.md; a file overrides them.
 */
#ifndef APPUI_CONFIG_H
#define APPUI_CONFIG_H

#include <stddef.h>

#include "appui/common.h"
#include "appui/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_config ap_config;

/* The built-in defaults, with no file. */
AP_API ap_config *ap_config_defaults(void);

/*
 * Reads `path` over the defaults. Every problem (syntax, unknown key, wrong
 * type, value out of range, thresholds out of order, missing or unreadable
 * file) is added to `d` as FILE:LINE: message. Returns 0 and the
 * configuration, or -1 when any error was found (*out is NULL).
 */
AP_API int ap_config_load(ap_config **out, const char *path, ap_diags *d);

AP_API void ap_config_free(ap_config *cfg);

/* The file it was read from, or NULL for the defaults. */
AP_API const char *ap_config_path(const ap_config *cfg);

/* Plugin folders of 'plugin_path', resolved against the file's folder. */
AP_API size_t ap_config_plugin_dir_count(const ap_config *cfg);
AP_API const char *ap_config_plugin_dir_at(const ap_config *cfg, size_t i);

/* The schema named by 'schema', or NULL for the installed one. */
AP_API const char *ap_config_schema(const ap_config *cfg);

/*
 * 1 when the file at `path` is a campaign file (it has a top-level 'firms'
 * or 'budget'), 0 when it is not or cannot be read (ap_config_load() then
 * says why).
 */
AP_API int ap_config_is_campaign(const char *path);

/* store.path (the store's database file), resolved against the file's
 * folder; NULL when not set. */
AP_API const char *ap_config_store_path(const ap_config *cfg);

/* The service's settings (the 'service' group; docs/service.md): paths
 * resolved against the file's folder; NULL when not set. */
typedef struct ap_service_settings {
	const char *listen; /* "ADDRESS:PORT" */
	const char *tls_certificate, *tls_key;
	size_t max_body_bytes;
	unsigned max_connections, max_per_address;
	unsigned idle_timeout, request_timeout; /* seconds */
	size_t max_problems, page_size;
	unsigned sign_in_failures;
} ap_service_settings;
AP_API void ap_config_service(ap_service_settings *out, const ap_config *cfg);

/* limits.case_time_limit: seconds one case may take to score. */
AP_API double ap_config_case_time_limit(const ap_config *cfg);

/* limits.max_file_bytes. */
AP_API size_t ap_config_max_file_bytes(const ap_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
