/*
 * Host configuration reader: the file is read once and turned into plain
 * structs (config_impl.h). libconfig is used only here, in campaign.c and in
 * their shared helpers (cfgread.c), which check every member's type and
 * report problems as FILE:LINE.
 */
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/reader.h"
#include "cfgread.h"
#include "config_impl.h"
#include "util.h"

typedef struct reader {
	cfg_reader r; /* messages, the file, its folder, the error count */
	ap_config *cfg;
} reader;

static void opt_number(reader *r, const config_setting_t *g, const char *name,
                       double *out, double min, double max)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	double v;
	if (!s || cfgread_get_number(&r->r, s, &v) != 0)
		return;
	if (!(v >= min && v <= max)) {
		char *full = cfgread_setting_name(s);
		cfgread_error(&r->r, s, "'%s' = %g is out of range (%g..%g)",
		              full, v, min, max);
		free(full);
		return;
	}
	*out = v;
}

/* A list of strings: ["a", "b"]. Replaces *out. */
static void opt_strings(reader *r, const config_setting_t *g, const char *name,
                        char ***out, size_t *n_out, int *set)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	char **v;
	size_t n;
	if (!s || cfgread_read_strings(&r->r, s, &v, &n) != 0)
		return;
	cfgread_free_strings(*out, *n_out);
	*out = v;
	*n_out = n;
	if (set)
		*set = 1;
}

/* Each of `values` must be one of `allowed` (the case file's enumeration). */
static void check_values(reader *r, const config_setting_t *s,
                         const char *const *values, size_t n,
                         const char *const *allowed, size_t n_allowed)
{
	for (size_t i = 0; i < n; i++) {
		int ok = 0;
		for (size_t k = 0; k < n_allowed && !ok; k++)
			ok = strcmp(values[i], allowed[k]) == 0;
		if (!ok) {
			ap_buf b;
			ap_buf_init(&b);
			for (size_t k = 0; k < n_allowed; k++)
				ap_buf_printf(&b, "%s%s", k ? ", " : "",
				              allowed[k]);
			char *full = cfgread_setting_name(s);
			cfgread_error(&r->r, s,
			              "'%s' in '%s' is not one of: %s",
			              values[i], full, b.data);
			free(full);
			ap_buf_free(&b);
		}
	}
}

static int is_name(const char *s, const char *extra)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || (extra && strchr(extra, *p))))
			return 0;
	}
	return 1;
}

static void read_indicator(reader *r, const config_setting_t *e,
                           cfg_indicator *out)
{
	static const char *const keys[] = {"ref", "thresholds", "weight"};
	memset(out, 0, sizeof(*out));
	out->line = cfgread_line(&r->r, e);
	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		cfgread_error(
		    &r->r, e,
		    "each indicator must be a group { ref = \"...\"; ... }");
		return;
	}
	cfgread_check_keys(&r->r, e, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(e, "ref");
	if (!s) {
		cfgread_error(&r->r, e, "an indicator needs its 'ref'");
		return;
	}
	if (!cfgread_want_type(&r->r, s, CONFIG_TYPE_STRING))
		return;
	out->ref = ap_xstrdup(config_setting_get_string(s));

	s = config_setting_get_member(e, "thresholds");
	if (s) {
		int t = config_setting_type(s);
		if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) ||
		    config_setting_length(s) != 3) {
			cfgread_error(
			    &r->r, s,
			    "'thresholds' of '%s' must be three numbers "
			    "[level 0, level "
			    "1, level 2 limits]",
			    out->ref);
		} else {
			int ok = 1;
			for (int i = 0; i < 3; i++)
				ok &=
				    cfgread_get_number(
				        &r->r,
				        config_setting_get_elem(s, (unsigned)i),
				        &out->thresholds[i]) == 0;
			out->has_thresholds = ok;
		}
	}
	s = config_setting_get_member(e, "weight");
	if (s && cfgread_get_number(&r->r, s, &out->weight) == 0) {
		if (!(out->weight >= 0 && out->weight <= 100))
			cfgread_error(
			    &r->r, s,
			    "'weight' of '%s' = %g is out of range (0..100)",
			    out->ref, out->weight);
		else
			out->has_weight = 1;
	}
}

static void read_theme(reader *r, const config_setting_t *g, cfg_theme *out)
{
	static const char *const keys[] = {"indicators", "params"};
	memset(out, 0, sizeof(*out));
	out->theme = ap_xstrdup(config_setting_name(g));
	out->line = cfgread_line(&r->r, g);
	if (!cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP))
		return;
	cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *list =
	    config_setting_get_member(g, "indicators");
	if (list && cfgread_want_type(&r->r, list, CONFIG_TYPE_LIST)) {
		int n = config_setting_length(list);
		out->indicators =
		    ap_xcalloc((size_t)n + 1, sizeof(*out->indicators));
		for (int i = 0; i < n; i++) {
			cfg_indicator *ci = &out->indicators[out->n_indicators];
			read_indicator(
			    r, config_setting_get_elem(list, (unsigned)i), ci);
			if (!ci->ref)
				continue;
			for (size_t k = 0; k < out->n_indicators; k++) {
				if (strcmp(out->indicators[k].ref, ci->ref) ==
				    0) {
					cfgread_error(
					    &r->r,
					    config_setting_get_elem(
					        list, (unsigned)i),
					    "indicator '%s' of theme '%s' is "
					    "configured twice (first "
					    "at line %ld)",
					    ci->ref, out->theme,
					    out->indicators[k].line);
					break;
				}
			}
			out->n_indicators++;
		}
	}
	const config_setting_t *params = config_setting_get_member(g, "params");
	if (params && cfgread_want_type(&r->r, params, CONFIG_TYPE_GROUP)) {
		int n = config_setting_length(params);
		out->params = ap_xcalloc((size_t)n + 1, sizeof(*out->params));
		for (int i = 0; i < n; i++) {
			const config_setting_t *p =
			    config_setting_get_elem(params, (unsigned)i);
			double v;
			if (cfgread_get_number(&r->r, p, &v) != 0)
				continue;
			cfg_param *cp = &out->params[out->n_params++];
			cp->name = ap_xstrdup(config_setting_name(p));
			cp->value = v;
			cp->line = cfgread_line(&r->r, p);
		}
	}
}

static void read_policy(reader *r, const config_setting_t *root, ap_policy *p)
{
	const config_setting_t *g;
	if ((g = config_setting_get_member(root, "bands")) &&
	    cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {"watch", "degraded",
		                                   "critical"};
		cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
		opt_number(r, g, "watch", &p->band_watch, 0, 100);
		opt_number(r, g, "degraded", &p->band_degraded, 0, 100);
		opt_number(r, g, "critical", &p->band_critical, 0, 100);
		if (!(p->band_watch <= p->band_degraded &&
		      p->band_degraded <= p->band_critical))
			cfgread_error(&r->r, g,
			              "band limits out of order: watch (%g) <= "
			              "degraded (%g) <= "
			              "critical (%g) is required",
			              p->band_watch, p->band_degraded,
			              p->band_critical);
	}
	if ((g = config_setting_get_member(root, "days")) &&
	    cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {"watch",
		                                   "degraded",
		                                   "critical",
		                                   "complexity_bonus",
		                                   "complexity_bonus_from",
		                                   "other_theme_days",
		                                   "mission_min",
		                                   "mission_max"};
		cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
		cfgread_opt_int(&r->r, g, "watch", &p->days_watch, 0, 60);
		cfgread_opt_int(&r->r, g, "degraded", &p->days_degraded, 0, 60);
		cfgread_opt_int(&r->r, g, "critical", &p->days_critical, 0, 60);
		cfgread_opt_int(&r->r, g, "complexity_bonus",
		                &p->complexity_bonus, 0, 60);
		cfgread_opt_int(&r->r, g, "complexity_bonus_from",
		                &p->complexity_bonus_from, 0, 6);
		cfgread_opt_int(&r->r, g, "other_theme_days",
		                &p->other_theme_days, 0, 60);
		cfgread_opt_int(&r->r, g, "mission_min", &p->mission_min, 1,
		                60);
		cfgread_opt_int(&r->r, g, "mission_max", &p->mission_max, 1,
		                60);
		if (p->mission_min > p->mission_max)
			cfgread_error(
			    &r->r, g,
			    "mission_min (%d) is above mission_max (%d)",
			    p->mission_min, p->mission_max);
		if (!(p->days_watch <= p->days_degraded &&
		      p->days_degraded <= p->days_critical))
			cfgread_error(
			    &r->r, g,
			    "days out of order: watch (%d) <= degraded "
			    "(%d) <= critical "
			    "(%d) is required",
			    p->days_watch, p->days_degraded, p->days_critical);
	}
	if ((g = config_setting_get_member(root, "priority")) &&
	    cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {"other_themes",
		                                   "complexity"};
		cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
		opt_number(r, g, "other_themes", &p->priority_other_themes, 0,
		           10);
		opt_number(r, g, "complexity", &p->priority_complexity, 0, 100);
	}
	if ((g = config_setting_get_member(root, "complexity")) &&
	    cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {
		    "built_before",    "low_income_share_above",
		    "situations",      "staff_per_100_below",
		    "agency_km_above", "renewals"};
		cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
		cfgread_opt_long(&r->r, g, "built_before", &p->built_before,
		                 1850, 2200);
		opt_number(r, g, "low_income_share_above",
		           &p->low_income_share_above, 0, 100);
		opt_number(r, g, "staff_per_100_below", &p->staff_per_100_below,
		           0, 100);
		opt_number(r, g, "agency_km_above", &p->agency_km_above, 0,
		           10000);
		opt_strings(r, g, "situations", &p->situations,
		            &p->n_situations, NULL);
		opt_strings(r, g, "renewals", &p->renewals, &p->n_renewals,
		            NULL);
		/* A typo here would silently switch a factor off. */
		static const char *const situations[] = {
		    "central", "peripheral", "enclaved", "rural"};
		static const char *const renewals[] = {
		    "none", "pnru", "npnru-national", "npnru-regional"};
		check_values(r, config_setting_get_member(g, "situations"),
		             (const char *const *)p->situations,
		             p->n_situations, situations,
		             AP_ARRAY_LEN(situations));
		check_values(r, config_setting_get_member(g, "renewals"),
		             (const char *const *)p->renewals, p->n_renewals,
		             renewals, AP_ARRAY_LEN(renewals));
	}
}

static char **strings_of(const char *const *v, size_t n)
{
	char **out = ap_xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = ap_xstrdup(v[i]);
	return out;
}

ap_config *ap_config_defaults(void)
{
	static const char *const situations[] = {"enclaved", "peripheral"};
	static const char *const renewals[] = {"npnru-national",
	                                       "npnru-regional"};
	ap_config *cfg = ap_xcalloc(1, sizeof(*cfg));
	cfg->max_file_bytes = AP_DEFAULT_MAX_FILE_BYTES;
	cfg->service = (ap_service_settings){
	    .max_body_bytes = AP_DEFAULT_MAX_FILE_BYTES,
	    .max_connections = 256,
	    .max_per_address = 32,
	    .idle_timeout = 30,
	    .request_timeout = 60,
	    .max_problems = 100,
	    .page_size = 100,
	    .sign_in_failures = 10,
	};
	cfg->case_time_limit = 10;
	cfg->policy = (ap_policy){
	    .band_watch = 25,
	    .band_degraded = 50,
	    .band_critical = 75,
	    .days_watch = 3,
	    .days_degraded = 4,
	    .days_critical = 5,
	    .complexity_bonus = 1,
	    .complexity_bonus_from = 3,
	    .other_theme_days = 1,
	    .mission_min = 3,
	    .mission_max = 6,
	    .priority_other_themes = 0.25,
	    .priority_complexity = 5,
	    .built_before = 1977,
	    .low_income_share_above = 50,
	    .staff_per_100_below = 1,
	    .agency_km_above = 10,
	    .situations = strings_of(situations, 2),
	    .n_situations = 2,
	    .renewals = strings_of(renewals, 2),
	    .n_renewals = 2,
	};
	return cfg;
}

/* store = { path = "FILE"; }: relative to the configuration's folder. */
static void read_store(reader *r, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "store");
	if (!g || !cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP))
		return;
	static const char *const keys[] = {"path"};
	cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(g, "path");
	if (!s || !cfgread_want_type(&r->r, s, CONFIG_TYPE_STRING))
		return;
	const char *path = config_setting_get_string(s);
	if (!*path) {
		cfgread_error(&r->r, s, "'store.path' is empty");
		return;
	}
	r->cfg->store_path = ap_path_join(r->cfg->dir, path);
}

static char *opt_path(reader *r, const config_setting_t *g, const char *key)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	if (!s || !cfgread_want_type(&r->r, s, CONFIG_TYPE_STRING))
		return NULL;
	const char *v = config_setting_get_string(s);
	if (!*v) {
		cfgread_error(&r->r, s, "'service.%s' is empty", key);
		return NULL;
	}
	return ap_path_join(r->cfg->dir, v);
}

static void opt_unsigned(reader *r, const config_setting_t *g, const char *key,
                         unsigned *v, long min, long max)
{
	long x = (long)*v;
	cfgread_opt_long(&r->r, g, key, &x, min, max);
	*v = (unsigned)x;
}

/* service = { listen = "127.0.0.1:8080"; tls = { certificate = "F";
 * key = "F"; }; ...limits }: docs/service.md. */
static void read_service(reader *r, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "service");
	if (!g || !cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP))
		return;
	static const char *const keys[] = {
	    "listen",          "tls",
	    "max_body_bytes",  "max_connections",
	    "max_per_address", "idle_timeout",
	    "request_timeout", "max_problems",
	    "page_size",       "sign_in_failures"};
	cfgread_check_keys(&r->r, g, keys, AP_ARRAY_LEN(keys));
	ap_config *cfg = r->cfg;
	ap_service_settings *v = &cfg->service;
	const config_setting_t *s = config_setting_get_member(g, "listen");
	if (s && cfgread_want_type(&r->r, s, CONFIG_TYPE_STRING)) {
		const char *l = config_setting_get_string(s);
		const char *colon = strrchr(l, ':');
		if (!colon || colon == l || !colon[1] ||
		    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		    strlen(colon + 1) > 5 || atol(colon + 1) > 65535)
			cfgread_error(&r->r, s,
			              "'service.listen' is ADDRESS:PORT (as "
			              "127.0.0.1:8080 or [::1]:8080), not '%s'",
			              l);
		else
			cfg->listen = ap_xstrdup(l);
	}
	const config_setting_t *t = config_setting_get_member(g, "tls");
	if (t && cfgread_want_type(&r->r, t, CONFIG_TYPE_GROUP)) {
		static const char *const tkeys[] = {"certificate", "key"};
		cfgread_check_keys(&r->r, t, tkeys, AP_ARRAY_LEN(tkeys));
		cfg->tls_certificate = opt_path(r, t, "certificate");
		cfg->tls_key = opt_path(r, t, "key");
		if (!cfg->tls_certificate != !cfg->tls_key)
			cfgread_error(&r->r, t,
			              "'service.tls' needs both a certificate "
			              "and a key");
		const char *f[] = {cfg->tls_certificate, cfg->tls_key};
		for (size_t i = 0; i < 2; i++)
			if (f[i] && access(f[i], R_OK) != 0)
				cfgread_error(&r->r, t,
				              "'%s' cannot be read: %s", f[i],
				              strerror(errno));
	}
	long body = (long)v->max_body_bytes;
	cfgread_opt_long(&r->r, g, "max_body_bytes", &body, 1024,
	                 (long)AP_MAX_FILE_BYTES);
	v->max_body_bytes = (size_t)body;
	opt_unsigned(r, g, "max_connections", &v->max_connections, 1, 65536);
	opt_unsigned(r, g, "max_per_address", &v->max_per_address, 1, 65536);
	opt_unsigned(r, g, "idle_timeout", &v->idle_timeout, 1, 3600);
	opt_unsigned(r, g, "request_timeout", &v->request_timeout, 1, 3600);
	unsigned problems = (unsigned)v->max_problems,
	         page = (unsigned)v->page_size;
	opt_unsigned(r, g, "max_problems", &problems, 1, 100000);
	opt_unsigned(r, g, "page_size", &page, 1, 10000);
	v->max_problems = problems;
	v->page_size = page;
	opt_unsigned(r, g, "sign_in_failures", &v->sign_in_failures, 1, 100000);
}

static void read_root(reader *r, const config_setting_t *root)
{
	static const char *const keys[] = {
	    "plugin_path", "plugins",    "schema", "limits", "bands",  "days",
	    "priority",    "complexity", "themes", "store",  "service"};
	ap_config *cfg = r->cfg;
	cfgread_check_keys(&r->r, root, keys, AP_ARRAY_LEN(keys));

	const config_setting_t *s =
	    config_setting_get_member(root, "plugin_path");
	if (s) {
		opt_strings(r, root, "plugin_path", &cfg->plugin_path,
		            &cfg->n_plugin_path, NULL);
		cfg->plugin_path_line = cfgread_line(&r->r, s);
		/* Relative folders are relative to the configuration file. */
		for (size_t i = 0; i < cfg->n_plugin_path; i++) {
			char *abs = ap_path_join(cfg->dir, cfg->plugin_path[i]);
			free(cfg->plugin_path[i]);
			cfg->plugin_path[i] = abs;
		}
	}
	opt_strings(r, root, "plugins", &cfg->plugins, &cfg->n_plugins,
	            &cfg->plugins_set);
	for (size_t i = 0; i < cfg->n_plugins; i++)
		if (!is_name(cfg->plugins[i], "."))
			cfgread_error(
			    &r->r, config_setting_get_member(root, "plugins"),
			    "'%s' in 'plugins' is not a theme id",
			    cfg->plugins[i]);

	if ((s = config_setting_get_member(root, "schema")) &&
	    cfgread_want_type(&r->r, s, CONFIG_TYPE_STRING)) {
		cfg->schema =
		    ap_path_join(cfg->dir, config_setting_get_string(s));
		if (access(cfg->schema, R_OK) != 0)
			cfgread_error(&r->r, s,
			              "schema '%s' cannot be read: %s",
			              cfg->schema, strerror(errno));
	}
	const config_setting_t *g = config_setting_get_member(root, "limits");
	if (g && cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP)) {
		static const char *const lkeys[] = {"max_file_bytes",
		                                    "case_time_limit"};
		cfgread_check_keys(&r->r, g, lkeys, AP_ARRAY_LEN(lkeys));
		long max = (long)cfg->max_file_bytes;
		cfgread_opt_long(&r->r, g, "max_file_bytes", &max, 1024,
		                 (long)AP_MAX_FILE_BYTES);
		cfg->max_file_bytes = (size_t)max;
		opt_number(r, g, "case_time_limit", &cfg->case_time_limit, 0.01,
		           86400);
	}
	read_store(r, root);
	read_service(r, root);
	read_policy(r, root, &cfg->policy);

	g = config_setting_get_member(root, "themes");
	if (g && cfgread_want_type(&r->r, g, CONFIG_TYPE_GROUP)) {
		int n = config_setting_length(g);
		cfg->themes = ap_xcalloc((size_t)n + 1, sizeof(*cfg->themes));
		for (int i = 0; i < n; i++)
			read_theme(r, config_setting_get_elem(g, (unsigned)i),
			           &cfg->themes[cfg->n_themes++]);
	}
}

int ap_config_load(ap_config **out, const char *path, ap_diags *d)
{
	*out = NULL;
	ap_config *cfg = ap_config_defaults();
	cfg->path = ap_xstrdup(path);
	cfg->dir = ap_path_dirname(path);
	reader r = {.cfg = cfg};
	config_t lc;
	if (cfgread_open(&r.r, &lc, path, "configuration", d) != 0)
		goto fail;
	read_root(&r, config_root_setting(&lc));
	config_destroy(&lc);
	if (r.r.errors)
		goto fail;
	cfgread_close(&r.r);
	*out = cfg;
	return 0;
fail:
	cfgread_close(&r.r);
	ap_config_free(cfg);
	return -1;
}

void ap_config_free(ap_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->dir);
	cfgread_free_strings(cfg->plugin_path, cfg->n_plugin_path);
	cfgread_free_strings(cfg->plugins, cfg->n_plugins);
	free(cfg->schema);
	free(cfg->store_path);
	free(cfg->listen);
	free(cfg->tls_certificate);
	free(cfg->tls_key);
	cfgread_free_strings(cfg->policy.situations, cfg->policy.n_situations);
	cfgread_free_strings(cfg->policy.renewals, cfg->policy.n_renewals);
	for (size_t i = 0; i < cfg->n_themes; i++) {
		cfg_theme *t = &cfg->themes[i];
		free(t->theme);
		for (size_t k = 0; k < t->n_indicators; k++)
			free(t->indicators[k].ref);
		free(t->indicators);
		for (size_t k = 0; k < t->n_params; k++)
			free(t->params[k].name);
		free(t->params);
	}
	free(cfg->themes);
	free(cfg);
}

const char *ap_config_path(const ap_config *cfg)
{
	return cfg->path;
}

size_t ap_config_plugin_dir_count(const ap_config *cfg)
{
	return cfg->n_plugin_path;
}

const char *ap_config_plugin_dir_at(const ap_config *cfg, size_t i)
{
	return i < cfg->n_plugin_path ? cfg->plugin_path[i] : NULL;
}

const char *ap_config_schema(const ap_config *cfg)
{
	return cfg->schema;
}

const char *ap_config_store_path(const ap_config *cfg)
{
	return cfg->store_path;
}

void ap_config_service(ap_service_settings *out, const ap_config *cfg)
{
	*out = cfg->service;
	out->listen = cfg->listen;
	out->tls_certificate = cfg->tls_certificate;
	out->tls_key = cfg->tls_key;
}

size_t ap_config_max_file_bytes(const ap_config *cfg)
{
	return cfg->max_file_bytes;
}

int ap_config_is_campaign(const char *path)
{
	ap_diags *d = ap_diags_new();
	cfg_reader r;
	config_t lc;
	int is = 0;
	if (cfgread_open(&r, &lc, path, "file", d) == 0) {
		const config_setting_t *root = config_root_setting(&lc);
		is = config_setting_get_member(root, "firms") != NULL ||
		     config_setting_get_member(root, "budget") != NULL;
		config_destroy(&lc);
	} else {
		/* A file with a syntax error: tell by its text, so that its
		 * errors are reported as a campaign's. */
		ap_buf b;
		ap_buf_init(&b);
		const char *why;
		if (ap_read_regular(path, 4u << 20, &b, &why) == 0) {
			for (const char *p = b.data; p && *p && !is;) {
				p += strspn(p, " \t");
				is = strncmp(p, "firms", 5) == 0 ||
				     strncmp(p, "budget", 6) == 0;
				p = strchr(p, '\n');
				p = p ? p + 1 : NULL;
			}
		}
		ap_buf_free(&b);
	}
	cfgread_close(&r);
	ap_diags_free(d);
	return is;
}

double ap_config_case_time_limit(const ap_config *cfg)
{
	return cfg->case_time_limit;
}
