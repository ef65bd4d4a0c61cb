/*
 * The score JSON of one case is written directly, without jansson; these
 * tests hold it to what jansson writes for the same document (built here the
 * way report.c built it before), on the shipped case files and on results
 * whose numbers and strings are drawn at random: every number form (whole,
 * rounded to 2 or 3 decimals, any double, huge, tiny, negative, not finite)
 * and every kind of string (quotes, backslashes, control characters,
 * multi-byte UTF-8, bytes that are not UTF-8).
 */
#define _GNU_SOURCE /* open_memstream */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/* ---- the reference: a jansson document ----------------------------------
 */

/* Text with each byte that is not UTF-8 replaced by U+FFFD, as the writer
 * does (json_string() refuses such text). */
static json_t *ref_str(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t n = strlen(s);
	char *fixed = malloc(3 * n + 1), *o = fixed;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		/* One code point at a time: json_stringn() validates it. */
		size_t k = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
		size_t avail = strnlen((const char *)p, k);
		json_t *one =
		    k == avail ? json_stringn((const char *)p, k) : NULL;
		if (one && *p >= 0xC2) {
			memcpy(o, p, k);
			o += k;
			p += k;
		} else if (*p < 0x80) {
			*o++ = (char)*p++;
		} else {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			p++;
		}
		json_decref(one);
	}
	*o = '\0';
	j = json_string(fixed);
	free(fixed);
	return j;
}

static double round_to(double x, int places)
{
	double scale = places == 2 ? 100.0 : pow(10.0, places);
	return round(x * scale) / scale;
}

static json_t *ref_num(double x)
{
	if (!isfinite(x))
		return json_null();
	if (x == floor(x) && fabs(x) < 1e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

static json_t *ref_strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, ref_str(v[i]));
	return a;
}

static void set(json_t *o, const char *key, json_t *v)
{
	ck_assert_int_eq(json_object_set_new(o, key, v), 0);
}

static json_t *ref_observations(const ap_theme_data *td)
{
	json_t *a = json_array();
	for (size_t i = 0; td && i < td->n_observations; i++) {
		const ap_observation *ob = &td->observations[i];
		json_t *o = json_object();
		set(o, "severity",
		    ob->severity ? ref_str(ob->severity) : json_null());
		set(o, "text", ref_str(ob->text));
		set(o, "line", json_integer(ob->line));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *ref_theme(const ap_theme_result *t, const ap_case *c)
{
	json_t *o = json_object();
	set(o, "theme", ref_str(t->theme));
	set(o, "plugin", ref_str(t->plugin));
	set(o, "plugin_version", ref_str(t->plugin_version));
	set(o, "need", ref_num(round_to(t->need, 2)));
	set(o, "need_low", ref_num(round_to(t->need_low, 2)));
	set(o, "need_high", ref_num(round_to(t->need_high, 2)));
	set(o, "confidence", ref_num(round_to(t->confidence, 3)));
	set(o, "band", ref_str(ap_band_name(t->band)));
	set(o, "days", json_integer(t->days));
	json_t *rows = json_array();
	for (size_t i = 0; i < t->n_rows; i++) {
		const ap_indicator_row *row = &t->rows[i];
		json_t *ro = json_object();
		set(ro, "ref", ref_str(row->ref));
		set(ro, "value", ref_num(round_to(row->value, 2)));
		set(ro, "level", json_integer(row->level));
		set(ro, "weight", ref_num(row->weight));
		set(ro, "contribution",
		    ref_num(round_to(row->contribution, 2)));
		set(ro, "line",
		    row->derived ? json_null() : json_integer(row->line));
		if (row->derived)
			set(ro, "derived", json_true());
		json_array_append_new(rows, ro);
	}
	set(o, "indicators", rows);
	set(o, "missing", ref_strings(t->missing, t->n_missing));
	json_t *levers = json_array();
	for (size_t i = 0; i < t->n_levers; i++) {
		const ap_lever *lv = &t->levers[i];
		json_t *lo = json_object();
		set(lo, "ref", ref_str(lv->ref));
		set(lo, "level", json_integer(lv->level));
		set(lo, "new_level", json_integer(lv->new_level));
		set(lo, "need_after", ref_num(round_to(lv->need_after, 2)));
		set(lo, "gain", ref_num(round_to(lv->gain, 2)));
		json_array_append_new(levers, lo);
	}
	set(o, "levers", levers);
	set(o, "rules", ref_strings((const char *const *)t->rules, t->n_rules));
	set(o, "observations", ref_observations(ap_case_theme(c, t->theme)));
	return o;
}

static json_t *ref_date(ap_date d)
{
	char s[16];
	snprintf(s, sizeof s, "%04d-%02d-%02d", d.year, d.month, d.day);
	return json_string(s);
}

static char *reference(const ap_case_result *r)
{
	const ap_case *c = r->c;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	const ap_request *rq = ap_case_request(c);
	json_t *o = json_object();
	set(o, "file", ref_str(ap_case_file(c)));
	set(o, "case_id", ref_str(ap_case_id(c)));
	set(o, "site_id", ref_str(site->id));
	set(o, "site_name", ref_str(site->name));
	set(o, "commune", ref_str(site->commune));
	set(o, "organisation_id", ref_str(org->id));
	set(o, "organisation_name", ref_str(org->name));
	set(o, "region", ref_str(org->region));
	set(o, "firm", ref_str(ap_case_diagnostic(c)->firm));
	char date[11];
	ap_date_format(ap_case_diagnostic(c)->date, date);
	set(o, "diagnosed", json_string(date));
	set(o, "complexity", json_integer(r->complexity));
	set(o, "factors", ref_strings(r->factors, r->n_factors));
	set(o, "unknown_factors",
	    ref_strings(r->unknown_factors, r->n_unknown_factors));
	json_t *themes = json_array();
	for (size_t i = 0; i < r->n_themes; i++)
		json_array_append_new(themes, ref_theme(&r->themes[i], c));
	set(o, "themes", themes);
	if (r->has_mission) {
		json_t *m = json_object();
		set(m, "days", json_integer(r->mission.days));
		set(m, "themes",
		    ref_strings(r->mission.themes, r->mission.n_themes));
		set(m, "priority", ref_num(round_to(r->mission.priority, 2)));
		set(o, "mission", m);
	} else {
		set(o, "mission", json_null());
	}
	set(o, "requested_themes", ref_strings(rq->themes, rq->n_themes));
	if (rq->window_start.year && rq->window_end.year) {
		json_t *w = json_object();
		set(w, "start", ref_date(rq->window_start));
		set(w, "end", ref_date(rq->window_end));
		set(o, "request_window", w);
	} else {
		set(o, "request_window", json_null());
	}
	char *text = json_dumps(o, FLAGS);
	json_decref(o);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* ---- fixture --------------------------------------------------------------
 */

static ap_config *cfg;
static ap_host *host;
static ap_reader *reader;

static void setup(void)
{
	host = tu_host(&cfg);
	reader = tu_reader();
}

static void teardown(void)
{
	ap_reader_free(reader);
	ap_host_free(host);
	ap_config_free(cfg);
}

static ap_case_result *score_file(const char *path, ap_case **c)
{
	ap_diags *d = ap_diags_new();
	ck_assert_msg(ap_reader_read_file(reader, path, c, d) == 0, "%s", path);
	ap_case_result *r = NULL;
	ck_assert_int_eq(ap_host_score(host, *c, &r, d), 0);
	ap_diags_free(d);
	return r;
}

/* The writer's text for `r`, checked against the reference. */
static void check_same(const ap_case_result *r, const char *what)
{
	char *text = NULL;
	size_t cap = 0;
	size_t len = ap_report_json_case_text(r, &text, &cap);
	char *want = reference(r);
	ck_assert_uint_eq(len, strlen(text));
	size_t at = 0;
	while (text[at] && text[at] == want[at])
		at++;
	size_t from = at > 40 ? at - 40 : 0;
	ck_assert_msg(text[at] == want[at],
	              "%s, at byte %zu:\n got ...%.80s\nwant ...%.80s", what,
	              at, text + from, want + from);
	free(want);
	free(text);
}

/* ---- tests ---------------------------------------------------------------
 */

START_TEST(examples_match_jansson)
{
	DIR *dir = opendir(APPUI_TEST_EXAMPLES);
	ck_assert_ptr_nonnull(dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(dir)) != NULL) {
		size_t k = strlen(e->d_name);
		if (k < 5 || strcmp(e->d_name + k - 4, ".xml") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", APPUI_TEST_EXAMPLES,
		         e->d_name);
		ap_case *c = NULL;
		ap_case_result *r = score_file(path, &c);
		check_same(r, path);
		ap_case_result_free(r);
		ap_case_free(c);
		n++;
	}
	closedir(dir);
	ck_assert_int_ge(n, 39);
}
END_TEST

/* xorshift64*: the same draws on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t draw(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

static double draw_number(void)
{
	double u = (double)(draw() >> 11) / 9007199254740992.0;
	double sign = draw() & 1 ? -1 : 1;
	switch (draw() % 10) {
	case 0: /* whole */
		return sign * (double)(draw() % 100000);
	case 1: /* two decimals, as the outputs round */
		return sign * (double)(draw() % 10000000) / 100.0;
	case 2: /* three decimals */
		return sign * (double)(draw() % 10000000) / 1000.0;
	case 3: /* any double in a score's range */
		return sign * u * 150.0;
	case 4: /* large: beyond the fast path, exponent forms */
		return sign * ldexp(u + 0.5, (int)(draw() % 120));
	case 5: /* tiny */
		return sign * ldexp(u + 0.5, -(int)(draw() % 80));
	case 6: {
		static const double odd[] = {
		    NAN,    INFINITY,   -INFINITY,     0.0, -0.0,
		    1e15,   1e15 + 0.5, 999999999.999, 1e9, 0.0005,
		    0.0015, 2.675,      1.005};
		return odd[draw() % (sizeof odd / sizeof odd[0])];
	}
	case 7: /* any bit pattern that is a finite double */
	{
		uint64_t bits = draw();
		double x;
		memcpy(&x, &bits, sizeof x);
		return isfinite(x) ? x : 1.5;
	}
	default: /* near a multiple of 1/1000 */
		return sign * ((double)(draw() % 1000000) / 1000.0 +
		               (double)((int)(draw() % 5) - 2) * 1e-13);
	}
}

/* A random string: ASCII, escapes, controls, UTF-8 and broken bytes. */
static char *draw_string(void)
{
	static const char *const pieces[] = {"a",
	                                     "Z",
	                                     " ",
	                                     "\"",
	                                     "\\",
	                                     "/",
	                                     "\b",
	                                     "\f",
	                                     "\n",
	                                     "\r",
	                                     "\t",
	                                     "\x01",
	                                     "\x1F",
	                                     "\x7F",
	                                     "é",
	                                     "€",
	                                     "𝄞",
	                                     "\xC3",
	                                     "\xE2\x82",
	                                     "\xF0\x9D\x84",
	                                     "\x80",
	                                     "\xFF",
	                                     "\xC0\xAF",
	                                     "\xED\xA0\x80",
	                                     "\xF4\x90\x80\x80",
	                                     "plain text, "};
	size_t n = draw() % 12;
	char *s = calloc(1, 12 * 16 + 1);
	for (size_t i = 0; i < n; i++)
		strcat(s, pieces[draw() % (sizeof pieces / sizeof pieces[0])]);
	return s;
}

START_TEST(random_results_match_jansson)
{
	ap_case *c = NULL;
	ap_case_result *r = score_file(
	    APPUI_TEST_EXAMPLES "/cf-2016-001-lmh-alouettes.xml", &c);
	ck_assert_uint_ge(r->n_themes, 1);
	ap_theme_result *t = &r->themes[0];
	ck_assert_uint_ge(t->n_rows, 1);
	/* The result's own strings, put back before it is freed. */
	const char *theme = t->theme, *plugin = t->plugin;
	const char *ref0 = t->rows[0].ref;
	char *rule = NULL;
	char **rules = t->rules;
	size_t n_rules = t->n_rules;
	for (int i = 0; i < 4000; i++) {
		t->need = draw_number();
		t->need_low = draw_number();
		t->need_high = draw_number();
		t->confidence = draw_number();
		for (size_t k = 0; k < t->n_rows; k++) {
			t->rows[k].value = draw_number();
			t->rows[k].weight = draw_number();
			t->rows[k].contribution = draw_number();
		}
		for (size_t k = 0; k < t->n_levers; k++) {
			t->levers[k].need_after = draw_number();
			t->levers[k].gain = draw_number();
		}
		r->mission.priority = draw_number();
		char *s1 = draw_string(), *s2 = draw_string(),
		     *s3 = draw_string();
		rule = draw_string();
		t->theme = s1;
		t->plugin = s2;
		t->rows[0].ref = s3;
		t->rules = &rule;
		t->n_rules = 1;
		check_same(r, "random result");
		free(s1);
		free(s2);
		free(s3);
		free(rule);
	}
	t->theme = theme;
	t->plugin = plugin;
	t->rows[0].ref = ref0;
	t->rules = rules;
	t->n_rules = n_rules;
	ap_case_result_free(r);
	ap_case_free(c);
}
END_TEST

/* The stream form is the text with its separator: "\n" first, ",\n" after. */
START_TEST(stream_form_adds_separators)
{
	ap_case *c = NULL;
	ap_case_result *r = score_file(
	    APPUI_TEST_EXAMPLES "/cf-2016-001-lmh-alouettes.xml", &c);
	char *text = NULL, *stream = NULL;
	size_t cap = 0, len = 0;
	ap_report_json_case_text(r, &text, &cap);
	FILE *f = open_memstream(&stream, &len);
	ap_report_json_case(f, r, 0);
	ap_report_json_case(f, r, 1);
	fclose(f);
	ck_assert_uint_eq(len, 2 * strlen(text) + 3);
	ck_assert_int_eq(stream[0], '\n');
	ck_assert_int_eq(memcmp(stream + 1, text, strlen(text)), 0);
	ck_assert_int_eq(memcmp(stream + 1 + strlen(text), ",\n", 2), 0);
	ck_assert_str_eq(stream + 3 + strlen(text), text);
	/* The buffer is reused: a second call gives the same text. */
	char *again = text;
	size_t len2 = ap_report_json_case_text(r, &again, &cap);
	ck_assert_uint_eq(len2, strlen(again));
	free(stream);
	free(again);
	ap_case_result_free(r);
	ap_case_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, examples_match_jansson);
	tcase_add_test(tc, random_results_match_jansson);
	tcase_add_test(tc, stream_form_adds_separators);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
