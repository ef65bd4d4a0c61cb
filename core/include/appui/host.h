/*
 * The plugin host: finds theme plugins in a search path, loads them with
 * their configuration, refuses the ones that cannot be used (and says why),
 * checks cases against the loaded catalogues and scores them.
 */
#ifndef APPUI_HOST_H
#define APPUI_HOST_H

#include <stddef.h>

#include "appui/case.h"
#include "appui/common.h"
#include "appui/config.h"
#include "appui/diag.h"
#include "appui/score.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_host ap_host;

typedef enum ap_plugin_status {
	AP_PLUGIN_LOADED = 0,
	AP_PLUGIN_REFUSED = 1, /* could not be used: see reason */
	AP_PLUGIN_DISABLED =
	    2, /* loadable, but not enabled by the configuration */
	AP_PLUGIN_SHADOWED = 3, /* its file name or theme is provided by a
	                           folder earlier in the search path */
	AP_PLUGIN_SKIPPED = 4   /* an entry of a plugin folder that is no
	                           candidate: not a *.so name, hidden, not a
	                           regular file; see reason */
} ap_plugin_status;

typedef struct ap_plugin_info {
	const char *path;
	const char *id;      /* the file name without ".so": "quality" */
	const char *theme;   /* NULL when the descriptor could not be read */
	const char *name;    /* NULL likewise */
	const char *version; /* NULL likewise */
	int abi_major, abi_minor; /* -1 when unknown */
	ap_plugin_status status;
	const char *reason; /* why refused or disabled; NULL when loaded */
} ap_plugin_info;

/* One folder of the search path and where it came from. */
typedef struct ap_search_dir {
	const char *dir;
	const char *origin; /* "--plugin-dir", "APPUI_PLUGIN_PATH", ... */
} ap_search_dir;

/*
 * Loads the plugins found in `dirs`, in order: the first plugin found for a
 * theme is the one used, later ones are shadowed; two plugins for one theme
 * in the same folder are refused. A folder, or a plugin file, that every user
 * may write to is refused (anyone could put code there that appui runs): its
 * entry says why, and none of a refused folder's files is loaded. Every entry
 * of a folder is listed by ap_host_plugin_at(): loaded, refused, disabled,
 * shadowed, or skipped (no candidate), each but the loaded with its reason.
 * Refusals are warnings in `d`; configuration errors found against the
 * plugins' declarations (unknown indicator or parameter, thresholds out of
 * order) are errors. Returns 0, or -1 when the configuration is wrong (the
 * host is still returned so that it can be listed).
 */
AP_API int ap_host_open(ap_host **out, const ap_config *cfg,
                        const ap_search_dir *dirs, size_t n_dirs, ap_diags *d);
AP_API void ap_host_free(ap_host *h);

/* The configuration the host was opened with (which outlives it). */
AP_API const ap_config *ap_host_config(const ap_host *h);

AP_API size_t ap_host_plugin_count(const ap_host *h);
AP_API const ap_plugin_info *ap_host_plugin_at(const ap_host *h, size_t i);
/* The number of plugins loaded and able to score. */
AP_API size_t ap_host_loaded_count(const ap_host *h);
/* The loaded themes, sorted by theme id. */
AP_API size_t ap_host_theme_count(const ap_host *h);
AP_API const char *ap_host_theme_at(const ap_host *h, size_t i);
/* The same as an array of ap_host_theme_count() strings. */
AP_API const char *const *ap_host_themes(const ap_host *h);

/*
 * Checks a case against the catalogues: an unknown theme or indicator is a
 * warning; a unit that differs from the catalogue's or a value outside the
 * indicator's domain is an error. Returns the number of errors added.
 */
AP_API size_t ap_host_check_case(const ap_host *h, const ap_case *c,
                                 ap_diags *d);

/*
 * Scores every theme of the case that a loaded plugin covers, then the site's
 * complexity and mission. A plugin failing on one theme is an error in `d`
 * for that case and theme; the other themes are still scored. Returns 0 and
 * the result (free with ap_case_result_free()), or -1.
 */
AP_API int ap_host_score(const ap_host *h, const ap_case *c,
                         ap_case_result **out, ap_diags *d);

/* Options of ap_host_score_with(). */
typedef struct ap_score_options {
	/* Themes not to score (a plugin that crashed on this case, say). */
	const char *const *skip;
	size_t n_skip;
	/* Called just before each plugin scores a theme: a worker process
	 * tells its parent which plugin is running, so that a crash or a hang
	 * can be put down to it. */
	void (*before_theme)(void *ctx, const char *theme);
	void *ctx;
} ap_score_options;

AP_API int ap_host_score_with(const ap_host *h, const ap_case *c,
                              const ap_score_options *opt, ap_case_result **out,
                              ap_diags *d);

#ifdef __cplusplus
}
#endif

#endif
