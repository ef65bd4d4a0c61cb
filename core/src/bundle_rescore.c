/*
 * Re-scoring an opened bundle: its case files scored again with the plugins
 * and configuration loaded now, and every difference from the score, the
 * plugin versions and the configuration it records said (the diff_*s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle_impl.h"

/* ---- re-scoring ------------------------------------------------------------
 */

static json_t *by_key(json_t *array, const char *key, const char *value)
{
	size_t i;
	json_t *e;
	json_array_foreach(array, i, e)
	{
		const char *s = json_string_value(json_object_get(e, key));
		if (s && strcmp(s, value) == 0)
			return e;
	}
	return NULL;
}

/* json_equal() calls two absent values different. */
static int json_same(json_t *a, json_t *b)
{
	return (!a && !b) || json_equal(a, b);
}

/* A value for a message: compact JSON, at most about 60 bytes. */
static char *short_json(json_t *v)
{
	if (!v)
		return ap_xstrdup("(none)");
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	                            JSON_REAL_PRECISION(12));
	if (!s) {
		ap_oom();
	}
	size_t n = strlen(s);
	if (n > 60) {
		n = 56;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
		strcpy(s + n, "...");
	}
	return s;
}

/* "need 45.2 -> 47.1", or with `values` 0 "indicators changed". */
static void diff_value(ap_buf *out, const char *key, json_t *a, json_t *b,
                       int values)
{
	if (json_same(a, b))
		return;
	if (!values) {
		ap_buf_printf(out, "%s%s changed", out->len ? ", " : "", key);
		return;
	}
	char *sa = short_json(a), *sb = short_json(b);
	ap_buf_printf(out, "%s%s %s -> %s", out->len ? ", " : "", key, sa, sb);
	free(sa);
	free(sb);
}

static int listed(const char *key, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* Every member of two objects but `skip`: the old ones in their order,
 * then the new ones. */
static void diff_members(ap_buf *out, json_t *old, json_t *now,
                         const char *const *skip, size_t n_skip, int values)
{
	const char *key;
	json_t *v;
	json_object_foreach(old, key, v)
	{
		if (!listed(key, skip, n_skip))
			diff_value(out, key, v, json_object_get(now, key),
			           values);
	}
	json_object_foreach(now, key, v)
	{
		if (!listed(key, skip, n_skip) && !json_object_get(old, key))
			diff_value(out, key, NULL, v, values);
	}
}

static void diff_theme(const ap_bundle *b, const char *case_id, json_t *old,
                       json_t *now, ap_diags *d)
{
	static const char *const keys[] = {
	    "need", "band", "days", "confidence", "need_low", "need_high"};
	/* "observations" is the case file's text, not a score (the file's
	 * bytes are checked by the manifest): bags made before the score
	 * carried it verify as they did. */
	static const char *const skip[] = {
	    "theme",     "plugin",      "plugin_version", "need",
	    "band",      "days",        "confidence",     "need_low",
	    "need_high", "observations"};
	const char *theme = bundle_jget_str(old ? old : now, "theme");
	if (!now) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "case %s: theme %s: scored in the bundle by "
		             "plugin %s %s, not scored now (is its plugin "
		             "loaded?)",
		             case_id, theme, bundle_jget_str(old, "plugin"),
		             bundle_jget_str(old, "plugin_version"));
		return;
	}
	if (!old) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "case %s: theme %s: not in the bundle, scored now "
		             "by plugin %s %s",
		             case_id, theme, bundle_jget_str(now, "plugin"),
		             bundle_jget_str(now, "plugin_version"));
		return;
	}
	ap_buf what;
	ap_buf_init(&what);
	/* The numbers a reader compares, with their values; the rest
	 * (indicators, levers, rules...) by name. */
	for (size_t i = 0; i < AP_ARRAY_LEN(keys); i++)
		diff_value(&what, keys[i], json_object_get(old, keys[i]),
		           json_object_get(now, keys[i]), 1);
	diff_members(&what, old, now, skip, AP_ARRAY_LEN(skip), 0);
	if (what.len) {
		const char *pv_old = bundle_jget_str(old, "plugin_version");
		const char *pv_now = bundle_jget_str(now, "plugin_version");
		if (strcmp(pv_old, pv_now) != 0 ||
		    strcmp(bundle_jget_str(old, "plugin"),
		           bundle_jget_str(now, "plugin")))
			ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
			             "case %s: theme %s changed: %s (plugin %s "
			             "%s in the bundle, %s %s now)",
			             case_id, theme, what.data,
			             bundle_jget_str(old, "plugin"), pv_old,
			             bundle_jget_str(now, "plugin"), pv_now);
		else
			ap_diags_add(
			    d, AP_ERROR, b->file, 0, SCORE_JSON,
			    "case %s: theme %s changed: %s (same plugin "
			    "%s %s: the configuration or the toolkit "
			    "differs)",
			    case_id, theme, what.data,
			    bundle_jget_str(now, "plugin"), pv_now);
	}
	ap_buf_free(&what);
}

static void diff_scores(const ap_bundle *b, json_t *old, json_t *now,
                        ap_diags *d)
{
	size_t before = ap_diags_errors(d);
	json_t *oc = json_object_get(old, "cases"),
	       *nc = json_object_get(now, "cases");
	size_t i;
	json_t *c;
	json_array_foreach(oc, i, c)
	{
		const char *id = bundle_jget_str(c, "case_id");
		json_t *n = by_key(nc, "case_id", id);
		if (!n) {
			ap_diags_add(
			    d, AP_ERROR, b->file, 0, SCORE_JSON,
			    "case %s: in the bundle's score, not scored "
			    "now",
			    id);
			continue;
		}
		json_t *ot = json_object_get(c, "themes");
		json_t *nt = json_object_get(n, "themes");
		size_t k;
		json_t *t;
		json_array_foreach(ot, k, t)
		{
			diff_theme(
			    b, id, t,
			    by_key(nt, "theme", bundle_jget_str(t, "theme")),
			    d);
		}
		json_array_foreach(nt, k, t)
		{
			if (!by_key(ot, "theme", bundle_jget_str(t, "theme")))
				diff_theme(b, id, NULL, t, d);
		}
		static const char *const skip[] = {"themes"};
		ap_buf what;
		ap_buf_init(&what);
		diff_members(&what, c, n, skip, 1, 1);
		if (what.len)
			ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
			             "case %s changed: %s", id, what.data);
		ap_buf_free(&what);
	}
	json_array_foreach(nc, i, c)
	{
		const char *id = bundle_jget_str(c, "case_id");
		if (!by_key(oc, "case_id", id))
			ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
			             "case %s: scored now, not in the bundle's "
			             "score",
			             id);
	}
	if (ap_diags_errors(d) == before)
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "differs from the score computed now (%s)",
		             json_equal(json_object_get(old, "warnings"),
		                        json_object_get(now, "warnings"))
		                 ? "other details"
		                 : "its warnings");
}

/* The plugin versions recorded in bag-info.txt against the loaded ones. */
static void diff_plugins(const ap_bundle *b, const ap_host *h, ap_diags *d)
{
	size_t np = ap_host_plugin_count(h);
	for (size_t i = 0; i < b->n_info; i++) {
		if (strcasecmp(b->labels[i], "Appui-Plugin") != 0)
			continue;
		char id[128], version[128];
		if (sscanf(b->values[i], "%127s %127s", id, version) != 2)
			continue;
		const ap_plugin_info *now = NULL;
		for (size_t k = 0; k < np && !now; k++) {
			const ap_plugin_info *p = ap_host_plugin_at(h, k);
			if (p->status == AP_PLUGIN_LOADED &&
			    strcmp(p->id, id) == 0)
				now = p;
		}
		if (!now)
			ap_diags_add(d, AP_WARNING, b->file, 0, "bag-info.txt",
			             "plugin %s %s of the bundle is not loaded "
			             "now",
			             id, version);
		else if (!now->version || strcmp(now->version, version) != 0)
			ap_diags_add(
			    d, AP_WARNING, b->file, 0, "bag-info.txt",
			    "plugin %s: %s in the bundle, %s loaded now", id,
			    version, now->version ? now->version : "?");
	}
	for (size_t k = 0; k < np; k++) {
		const ap_plugin_info *p = ap_host_plugin_at(h, k);
		if (p->status != AP_PLUGIN_LOADED)
			continue;
		int recorded = 0;
		for (size_t i = 0; i < b->n_info && !recorded; i++) {
			size_t n = strlen(p->id);
			recorded =
			    strcasecmp(b->labels[i], "Appui-Plugin") == 0 &&
			    strncmp(b->values[i], p->id, n) == 0 &&
			    b->values[i][n] == ' ';
		}
		if (!recorded)
			ap_diags_add(
			    d, AP_WARNING, b->file, 0, "bag-info.txt",
			    "plugin %s %s is loaded now, the bundle was "
			    "scored without it",
			    p->id, p->version ? p->version : "?");
	}
}

static void diff_config(const ap_bundle *b, const char *config_file,
                        ap_diags *d)
{
	const char *rec = ap_bundle_info(b, "Appui-Configuration");
	if (!rec)
		return;
	char now[80] = "built-in defaults";
	if (config_file) {
		char hex[65];
		ap_diags *tmp = ap_diags_new();
		int ok = bundle_config_hash(config_file, hex, tmp) == 0;
		ap_diags_free(tmp);
		if (!ok)
			return;
		snprintf(now, sizeof now, "sha256 %s", hex);
	}
	if (strcmp(rec, now) == 0)
		return;
	/* Hashes are shortened for the message, as git does. */
	char a[40], c[40];
	snprintf(a, sizeof a, "%.23s%s", rec, strlen(rec) > 23 ? "..." : "");
	snprintf(c, sizeof c, "%.23s%s", now, strlen(now) > 23 ? "..." : "");
	ap_diags_add(d, AP_WARNING, b->file, 0, "bag-info.txt",
	             "the configuration differs from the one the bundle was "
	             "scored with (%s in the bundle, %s now)",
	             a, c);
}

size_t ap_bundle_rescore(const ap_bundle *b, ap_reader *r, const ap_host *h,
                         const char *config_file, ap_diags *d)
{
	size_t before = ap_diags_errors(d), nc = 0;
	blob *cs = ap_xcalloc(b->n + 1, sizeof(*cs));
	score_docs sd = {NULL, 0, NULL, 0};
	json_t *old = NULL, *now = NULL;
	diff_plugins(b, h, d);
	diff_config(b, config_file, d);
	for (size_t i = 0; i < b->n; i++) {
		const rmember *rm = &b->mem[i];
		if (strncmp(rm->path, CASE_DIR, strlen(CASE_DIR)) != 0)
			continue;
		if (!rm->kept) {
			ap_diags_add(d, AP_ERROR, b->file, 0, rm->path,
			             "too large to be re-read");
			goto out;
		}
		cs[nc++] = (blob){rm->path, rm->data.data ? rm->data.data : "",
		                  rm->data.len};
	}
	if (nc == 0) {
		ap_diags_add(d, AP_ERROR, b->file, 0, CASE_DIR,
		             "no case file to re-score");
		goto out;
	}
	size_t stored_len = 0;
	const char *stored = ap_bundle_member_data(b, SCORE_JSON, &stored_len);
	if (!stored) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "missing: nothing to compare the score with");
		goto out;
	}
	size_t bad = ap_diags_count(d);
	if (bundle_score_blobs(r, h, cs, nc, 0, &sd, NULL, d) != 0) {
		/* The case's own problems (FILE is its name in the bag) say
		 * why; this line says where. */
		ap_diags_add(d, AP_ERROR, b->file, 0, CASE_DIR,
		             "a case file is not valid with the schema and "
		             "plugins loaded now (%zu problem%s above)",
		             ap_diags_count(d) - bad,
		             ap_diags_count(d) - bad == 1 ? "" : "s");
		goto out;
	}
	if (sd.json_len == stored_len &&
	    memcmp(sd.json, stored, sd.json_len) == 0)
		goto out;
	json_error_t err;
	old = json_loadb(stored, stored_len, 0, &err);
	now = json_loadb(sd.json, sd.json_len, 0, &err);
	if (!old) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "not valid JSON: %s", err.text);
		goto out;
	}
	if (!now) {
		ap_diags_add(d, AP_ERROR, b->file, 0, SCORE_JSON,
		             "internal error: the new score is not JSON");
		goto out;
	}
	diff_scores(b, old, now, d);
out:
	json_decref(old);
	json_decref(now);
	free(sd.json);
	free(sd.txt);
	free(cs);
	return ap_diags_errors(d) - before;
}
