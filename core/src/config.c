/*
 * Configuration reader. libconfig is used here and nowhere else: the file is
 * read once and turned into plain structs (config_impl.h).
 *
 * libconfig's lookup functions answer "false" both for a missing member and
 * for one of the wrong type, so every member is looked up, its type checked,
 * and any problem reported with the file and line libconfig recorded.
 */
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/reader.h"
#include "config_impl.h"
#include "util.h"

typedef struct reader {
	ap_config *cfg;
	ap_diags *d;
	const char *main_file;
	size_t errors;
} reader;

static const char *src_file(const reader *r, const config_setting_t *s)
{
	const char *f = s ? config_setting_source_file(s) : NULL;
	return f ? f : r->main_file;
}

static long src_line(const config_setting_t *s)
{
	return s ? (long)config_setting_source_line(s) : 0;
}

static void cerr(reader *r, const config_setting_t *s, const char *fmt, ...)
	AP_PRINTF(3, 4);

static void cerr(reader *r, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = ap_xvasprintf(fmt, ap);
	va_end(ap);
	ap_diags_add(r->d, AP_ERROR, src_file(r, s), src_line(s), "", "%s", msg);
	free(msg);
	r->errors++;
}

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "a whole number";
	case CONFIG_TYPE_FLOAT:
		return "a decimal number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	default:
		return "an unknown type";
	}
}

/* The full name of a setting for messages: "days.watch". */
static char *setting_name(const config_setting_t *s)
{
	const char *parts[16];
	size_t n = 0;
	for (const config_setting_t *p = s; p && n < 16;
	     p = config_setting_parent(p)) {
		if (config_setting_is_root(p))
			break;
		const char *name = config_setting_name(p);
		if (!name) {
			/* An element of a list: name it by its index. */
			static __thread char idx[8][24];
			snprintf(idx[n % 8], sizeof idx[0], "[%d]", config_setting_index(p));
			name = idx[n % 8];
		}
		parts[n++] = name;
	}
	ap_buf b;
	ap_buf_init(&b);
	while (n-- > 0) {
		if (b.len && parts[n][0] != '[')
			ap_buf_putc(&b, '.');
		ap_buf_puts(&b, parts[n]);
	}
	if (!b.data)
		ap_buf_puts(&b, "(root)");
	return b.data;
}

/* Reports members of `group` whose names are not in `known`. */
static void check_keys(reader *r, const config_setting_t *group,
                       const char *const *known, size_t n_known)
{
	int count = config_setting_length(group);
	for (int i = 0; i < count; i++) {
		const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(m);
		int ok = 0;
		for (size_t k = 0; k < n_known && !ok; k++)
			ok = strcmp(name, known[k]) == 0;
		if (!ok) {
			char *full = setting_name(m);
			ap_buf hint;
			ap_buf_init(&hint);
			for (size_t k = 0; k < n_known; k++)
				ap_buf_printf(&hint, "%s%s", k ? ", " : "", known[k]);
			cerr(r, m, "unknown setting '%s' (known here: %s)", full,
			     hint.data ? hint.data : "none");
			ap_buf_free(&hint);
			free(full);
		}
	}
}

static int want_type(reader *r, const config_setting_t *s, int type)
{
	int t = config_setting_type(s);
	if (t == type || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64))
		return 1;
	char *full = setting_name(s);
	cerr(r, s, "'%s' must be %s, not %s", full, type_name(type), type_name(t));
	free(full);
	return 0;
}

/* A decimal setting: a whole number is accepted too (25 for 25.0). */
static int get_number(reader *r, const config_setting_t *s, double *out)
{
	int t = config_setting_type(s);
	if (t == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(s);
	else {
		char *full = setting_name(s);
		cerr(r, s, "'%s' must be a number, not %s", full, type_name(t));
		free(full);
		return -1;
	}
	return 0;
}

static void opt_number(reader *r, const config_setting_t *g, const char *name,
                       double *out, double min, double max)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	double v;
	if (!s || get_number(r, s, &v) != 0)
		return;
	if (!(v >= min && v <= max)) {
		char *full = setting_name(s);
		cerr(r, s, "'%s' = %g is out of range (%g..%g)", full, v, min, max);
		free(full);
		return;
	}
	*out = v;
}

static void opt_int(reader *r, const config_setting_t *g, const char *name,
                    long *out, long min, long max)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s || !want_type(r, s, CONFIG_TYPE_INT))
		return;
	long long v = config_setting_get_int64(s);
	if (v < min || v > max) {
		char *full = setting_name(s);
		cerr(r, s, "'%s' = %lld is out of range (%ld..%ld)", full, v, min, max);
		free(full);
		return;
	}
	*out = (long)v;
}

static void opt_int_i(reader *r, const config_setting_t *g, const char *name,
                      int *out, long min, long max)
{
	long v = *out;
	opt_int(r, g, name, &v, min, max);
	*out = (int)v;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A list of strings: ["a", "b"]. Replaces *out. */
static void opt_strings(reader *r, const config_setting_t *g, const char *name,
                        char ***out, size_t *n_out, int *set)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s)
		return;
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		char *full = setting_name(s);
		cerr(r, s, "'%s' must be an array of strings [\"...\"], not %s", full,
		     type_name(t));
		free(full);
		return;
	}
	int len = config_setting_length(s);
	char **v = ap_xcalloc((size_t)len + 1, sizeof(*v));
	size_t n = 0;
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			char *full = setting_name(s);
			cerr(r, e, "'%s' must hold strings only", full);
			free(full);
			continue;
		}
		v[n++] = ap_xstrdup(config_setting_get_string(e));
	}
	free_strings(*out, *n_out);
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
				ap_buf_printf(&b, "%s%s", k ? ", " : "", allowed[k]);
			char *full = setting_name(s);
			cerr(r, s, "'%s' in '%s' is not one of: %s", values[i], full,
			     b.data);
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
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-' || (extra && strchr(extra, *p))))
			return 0;
	}
	return 1;
}

static void read_indicator(reader *r, const config_setting_t *e,
                           cfg_indicator *out)
{
	static const char *const keys[] = {"ref", "thresholds", "weight"};
	memset(out, 0, sizeof(*out));
	out->line = src_line(e);
	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		cerr(r, e, "each indicator must be a group { ref = \"...\"; ... }");
		return;
	}
	check_keys(r, e, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(e, "ref");
	if (!s) {
		cerr(r, e, "an indicator needs its 'ref'");
		return;
	}
	if (!want_type(r, s, CONFIG_TYPE_STRING))
		return;
	out->ref = ap_xstrdup(config_setting_get_string(s));

	s = config_setting_get_member(e, "thresholds");
	if (s) {
		int t = config_setting_type(s);
		if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) ||
		    config_setting_length(s) != 3) {
			cerr(r, s,
			     "'thresholds' of '%s' must be three numbers [level 0, level "
			     "1, level 2 limits]",
			     out->ref);
		} else {
			int ok = 1;
			for (int i = 0; i < 3; i++)
				ok &= get_number(r, config_setting_get_elem(s, (unsigned)i),
				                 &out->thresholds[i]) == 0;
			out->has_thresholds = ok;
		}
	}
	s = config_setting_get_member(e, "weight");
	if (s && get_number(r, s, &out->weight) == 0) {
		if (!(out->weight >= 0 && out->weight <= 100))
			cerr(r, s, "'weight' of '%s' = %g is out of range (0..100)",
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
	out->line = src_line(g);
	if (!want_type(r, g, CONFIG_TYPE_GROUP))
		return;
	check_keys(r, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *list = config_setting_get_member(g, "indicators");
	if (list && want_type(r, list, CONFIG_TYPE_LIST)) {
		int n = config_setting_length(list);
		out->indicators = ap_xcalloc((size_t)n + 1, sizeof(*out->indicators));
		for (int i = 0; i < n; i++) {
			cfg_indicator *ci = &out->indicators[out->n_indicators];
			read_indicator(r, config_setting_get_elem(list, (unsigned)i), ci);
			if (!ci->ref)
				continue;
			for (size_t k = 0; k < out->n_indicators; k++) {
				if (strcmp(out->indicators[k].ref, ci->ref) == 0) {
					cerr(r, config_setting_get_elem(list, (unsigned)i),
					     "indicator '%s' of theme '%s' is configured twice (first "
					     "at line %ld)",
					     ci->ref, out->theme, out->indicators[k].line);
					break;
				}
			}
			out->n_indicators++;
		}
	}
	const config_setting_t *params = config_setting_get_member(g, "params");
	if (params && want_type(r, params, CONFIG_TYPE_GROUP)) {
		int n = config_setting_length(params);
		out->params = ap_xcalloc((size_t)n + 1, sizeof(*out->params));
		for (int i = 0; i < n; i++) {
			const config_setting_t *p = config_setting_get_elem(params, (unsigned)i);
			double v;
			if (get_number(r, p, &v) != 0)
				continue;
			cfg_param *cp = &out->params[out->n_params++];
			cp->name = ap_xstrdup(config_setting_name(p));
			cp->value = v;
			cp->line = src_line(p);
		}
	}
}

static void read_policy(reader *r, const config_setting_t *root, ap_policy *p)
{
	const config_setting_t *g;
	if ((g = config_setting_get_member(root, "bands")) &&
	    want_type(r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {"watch", "degraded", "critical"};
		check_keys(r, g, keys, AP_ARRAY_LEN(keys));
		opt_number(r, g, "watch", &p->band_watch, 0, 100);
		opt_number(r, g, "degraded", &p->band_degraded, 0, 100);
		opt_number(r, g, "critical", &p->band_critical, 0, 100);
		if (!(p->band_watch <= p->band_degraded &&
		      p->band_degraded <= p->band_critical))
			cerr(r, g,
			     "band limits out of order: watch (%g) <= degraded (%g) <= "
			     "critical (%g) is required",
			     p->band_watch, p->band_degraded, p->band_critical);
	}
	if ((g = config_setting_get_member(root, "days")) &&
	    want_type(r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {
			"watch",         "degraded",         "critical",
			"complexity_bonus", "complexity_bonus_from", "other_theme_days",
			"mission_min",   "mission_max"};
		check_keys(r, g, keys, AP_ARRAY_LEN(keys));
		opt_int_i(r, g, "watch", &p->days_watch, 0, 60);
		opt_int_i(r, g, "degraded", &p->days_degraded, 0, 60);
		opt_int_i(r, g, "critical", &p->days_critical, 0, 60);
		opt_int_i(r, g, "complexity_bonus", &p->complexity_bonus, 0, 60);
		opt_int_i(r, g, "complexity_bonus_from", &p->complexity_bonus_from, 0, 6);
		opt_int_i(r, g, "other_theme_days", &p->other_theme_days, 0, 60);
		opt_int_i(r, g, "mission_min", &p->mission_min, 1, 60);
		opt_int_i(r, g, "mission_max", &p->mission_max, 1, 60);
		if (p->mission_min > p->mission_max)
			cerr(r, g, "mission_min (%d) is above mission_max (%d)",
			     p->mission_min, p->mission_max);
		if (!(p->days_watch <= p->days_degraded &&
		      p->days_degraded <= p->days_critical))
			cerr(r, g,
			     "days out of order: watch (%d) <= degraded (%d) <= critical "
			     "(%d) is required",
			     p->days_watch, p->days_degraded, p->days_critical);
	}
	if ((g = config_setting_get_member(root, "priority")) &&
	    want_type(r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {"other_themes", "complexity"};
		check_keys(r, g, keys, AP_ARRAY_LEN(keys));
		opt_number(r, g, "other_themes", &p->priority_other_themes, 0, 10);
		opt_number(r, g, "complexity", &p->priority_complexity, 0, 100);
	}
	if ((g = config_setting_get_member(root, "complexity")) &&
	    want_type(r, g, CONFIG_TYPE_GROUP)) {
		static const char *const keys[] = {
			"built_before",        "low_income_share_above", "situations",
			"staff_per_100_below", "agency_km_above",        "renewals"};
		check_keys(r, g, keys, AP_ARRAY_LEN(keys));
		opt_int(r, g, "built_before", &p->built_before, 1850, 2200);
		opt_number(r, g, "low_income_share_above", &p->low_income_share_above, 0,
		           100);
		opt_number(r, g, "staff_per_100_below", &p->staff_per_100_below, 0, 100);
		opt_number(r, g, "agency_km_above", &p->agency_km_above, 0, 10000);
		opt_strings(r, g, "situations", &p->situations, &p->n_situations, NULL);
		opt_strings(r, g, "renewals", &p->renewals, &p->n_renewals, NULL);
		/* A typo here would silently switch a factor off. */
		static const char *const situations[] = {"central", "peripheral",
		                                         "enclaved", "rural"};
		static const char *const renewals[] = {"none", "pnru", "npnru-national",
		                                       "npnru-regional"};
		check_values(r, config_setting_get_member(g, "situations"),
		             (const char *const *)p->situations, p->n_situations,
		             situations, AP_ARRAY_LEN(situations));
		check_values(r, config_setting_get_member(g, "renewals"),
		             (const char *const *)p->renewals, p->n_renewals, renewals,
		             AP_ARRAY_LEN(renewals));
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
	static const char *const renewals[] = {"npnru-national", "npnru-regional"};
	ap_config *cfg = ap_xcalloc(1, sizeof(*cfg));
	cfg->max_file_bytes = AP_DEFAULT_MAX_FILE_BYTES;
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

static void read_root(reader *r, const config_setting_t *root)
{
	static const char *const keys[] = {"plugin_path", "plugins",  "schema",
	                                   "limits",      "bands",    "days",
	                                   "priority",    "complexity", "themes"};
	ap_config *cfg = r->cfg;
	check_keys(r, root, keys, AP_ARRAY_LEN(keys));

	const config_setting_t *s = config_setting_get_member(root, "plugin_path");
	if (s) {
		opt_strings(r, root, "plugin_path", &cfg->plugin_path,
		            &cfg->n_plugin_path, NULL);
		cfg->plugin_path_line = src_line(s);
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
			cerr(r, config_setting_get_member(root, "plugins"),
			     "'%s' in 'plugins' is not a theme id", cfg->plugins[i]);

	if ((s = config_setting_get_member(root, "schema")) &&
	    want_type(r, s, CONFIG_TYPE_STRING)) {
		cfg->schema = ap_path_join(cfg->dir, config_setting_get_string(s));
		if (access(cfg->schema, R_OK) != 0)
			cerr(r, s, "schema '%s' cannot be read: %s", cfg->schema,
			     strerror(errno));
	}
	const config_setting_t *g = config_setting_get_member(root, "limits");
	if (g && want_type(r, g, CONFIG_TYPE_GROUP)) {
		static const char *const lkeys[] = {"max_file_bytes"};
		check_keys(r, g, lkeys, AP_ARRAY_LEN(lkeys));
		long max = (long)cfg->max_file_bytes;
		opt_int(r, g, "max_file_bytes", &max, 1024, 1L << 30);
		cfg->max_file_bytes = (size_t)max;
	}
	read_policy(r, root, &cfg->policy);

	g = config_setting_get_member(root, "themes");
	if (g && want_type(r, g, CONFIG_TYPE_GROUP)) {
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
	reader r = {.cfg = cfg, .d = d, .main_file = path};

	/* libconfig reports an unreadable file as "file I/O error" at line 0:
	 * say what is wrong with the path ourselves. */
	struct stat st;
	if (stat(path, &st) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot read configuration: %s",
		             strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read configuration: not a regular file");
		goto fail;
	}
	if (access(path, R_OK) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot read configuration: %s",
		             strerror(errno));
		goto fail;
	}

	config_t lc;
	config_init(&lc);
	/* @include resolves against the including file's folder, not the cwd. */
	config_set_include_dir(&lc, cfg->dir);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		const char *file = config_error_file(&lc);
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			ap_diags_add(d, AP_ERROR, file ? file : path, 0, "",
			             "cannot read configuration (or a file it includes): %s",
			             errno ? strerror(errno) : "I/O error");
		else
			ap_diags_add(d, AP_ERROR, file ? file : path,
			             config_error_line(&lc), "", "%s",
			             config_error_text(&lc));
		config_destroy(&lc);
		goto fail;
	}
	read_root(&r, config_root_setting(&lc));
	config_destroy(&lc);
	if (r.errors)
		goto fail;
	*out = cfg;
	return 0;
fail:
	ap_config_free(cfg);
	return -1;
}

void ap_config_free(ap_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->dir);
	free_strings(cfg->plugin_path, cfg->n_plugin_path);
	free_strings(cfg->plugins, cfg->n_plugins);
	free(cfg->schema);
	free_strings(cfg->policy.situations, cfg->policy.n_situations);
	free_strings(cfg->policy.renewals, cfg->policy.n_renewals);
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

size_t ap_config_max_file_bytes(const ap_config *cfg)
{
	return cfg->max_file_bytes;
}

int ap_config_is_campaign(const char *path)
{
	config_t lc;
	config_init(&lc);
	char *dir = ap_path_dirname(path);
	config_set_include_dir(&lc, dir);
	int is = 0;
	if (config_read_file(&lc, path) == CONFIG_TRUE) {
		const config_setting_t *root = config_root_setting(&lc);
		is = config_setting_get_member(root, "firms") != NULL ||
		     config_setting_get_member(root, "budget") != NULL;
	}
	config_destroy(&lc);
	free(dir);
	return is;
}
