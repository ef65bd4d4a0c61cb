/*
 * A site over time (appui/history.h): the rule of a clear change on each
 * side of the margin and with overlapping intervals, the order of the
 * diagnostics, the indicators that moved, the missions held between two
 * diagnostics, and text from the files kept inert in the JSON and the
 * table.
 */
#define _GNU_SOURCE /* open_memstream */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/history.h"
#include "testutil.h"

/* A theme of a case's JSON, with `inds` its indicators' JSON. */
static char *theme(const char *id, double need, double low, double high,
                   const char *band, const char *inds)
{
	char *s = NULL;
	ck_assert_int_ge(asprintf(&s,
	                          "{\"theme\":\"%s\",\"plugin\":\"p\","
	                          "\"need\":%.2f,\"need_low\":%.2f,"
	                          "\"need_high\":%.2f,\"confidence\":1,"
	                          "\"band\":\"%s\",\"days\":0,"
	                          "\"indicators\":[%s],\"missing\":[]}",
	                          id, need, low, high, band, inds ? inds : ""),
	                 0);
	return s;
}

/* A case's JSON text as the score JSON gives it (the fields read). */
static char *case_json(const char *case_id, const char *site, const char *date,
                       const char *name, char *themes)
{
	char *s = NULL;
	ck_assert_int_ge(
	    asprintf(&s,
	             "{\"file\":\"%s.xml\",\"case_id\":\"%s\",\"site_id\":"
	             "\"%s\",\"site_name\":\"%s\",\"firm\":\"FIRM-A\","
	             "\"diagnosed\":\"%s\",\"themes\":[%s],\"mission\":null}",
	             case_id, case_id, site, name, date, themes),
	    0);
	free(themes);
	return s;
}

static int add(ap_history *h, char *json)
{
	int rc = ap_history_add_case(h, json, strlen(json));
	free(json);
	return rc;
}

/* A case of site S with one theme "quality". */
static int add_need(ap_history *h, const char *id, const char *date,
                    double need, double low, double high)
{
	const char *band = need < 25   ? "good"
	                   : need < 50 ? "watch"
	                   : need < 75 ? "degraded"
	                               : "critical";
	return add(h, case_json(id, "S", date, "Site",
	                        theme("quality", need, low, high, band, NULL)));
}

static ap_history *new_history(void)
{
	ap_history *h = NULL;
	ck_assert_int_eq(ap_history_new(&h, "S", NULL), AP_OK);
	return h;
}

/* Not inlined: GCC's -Wdangling-pointer at -O3 takes the memory stream's
 * buffer for this frame's local once inlined (a false positive). */
static char *json_of(const ap_history *h) __attribute__((noinline));
static char *json_of(const ap_history *h)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(ap_history_json(f, h), AP_OK);
	fclose(f);
	return text;
}

static char *table_of(const ap_history *h) __attribute__((noinline));
static char *table_of(const ap_history *h)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(ap_history_table(f, h), AP_OK);
	fclose(f);
	return text;
}

/* The verdict of quality between a case of need `a` and one of need `b`. */
static ap_history_verdict verdict_of(double a, double alow, double ahigh,
                                     double b, double blow, double bhigh,
                                     double *delta)
{
	ap_history *h = new_history();
	ck_assert_int_eq(add_need(h, "C1", "2016-01-10", a, alow, ahigh),
	                 AP_OK);
	ck_assert_int_eq(add_need(h, "C2", "2018-01-10", b, blow, bhigh),
	                 AP_OK);
	size_t n;
	const ap_history_change *c = ap_history_changes(h, 0, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c->theme, "quality");
	ap_history_verdict v = c->verdict;
	*delta = c->delta;
	ap_history_free(h);
	return v;
}

START_TEST(rule_each_side_of_the_margin)
{
	double d;
	/* Fell by 5.01, intervals apart: improved. */
	ck_assert_int_eq(verdict_of(60, 60, 60, 54.99, 54.99, 54.99, &d),
	                 AP_HISTORY_IMPROVED);
	ck_assert_double_eq_tol(d, -5.01, 1e-9);
	/* Fell by exactly 5: not more than the margin. */
	ck_assert_int_eq(verdict_of(60, 60, 60, 55, 55, 55, &d),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	ck_assert_double_eq_tol(d, -5, 1e-9);
	ck_assert_int_eq(verdict_of(60.3, 60.3, 60.3, 55.3, 55.3, 55.3, &d),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	/* Rose by 5.01 / by 5. */
	ck_assert_int_eq(verdict_of(40, 40, 40, 45.01, 45.01, 45.01, &d),
	                 AP_HISTORY_WORSENED);
	ck_assert_int_eq(verdict_of(40, 40, 40, 45, 45, 45, &d),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	/* The direct rule agrees. */
	ck_assert_int_eq(
	    ap_history_rule(60, 60, 60, 54.99, 54.99, 54.99, AP_HISTORY_MARGIN),
	    AP_HISTORY_IMPROVED);
	ck_assert_int_eq(ap_history_rule(60, 60, 60, 50, 50, 50, 10.0),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
}
END_TEST

START_TEST(rule_overlapping_intervals)
{
	double d;
	/* Fell by 20, but the new interval reaches into the old one. */
	ck_assert_int_eq(verdict_of(60, 50, 70, 40, 30, 55, &d),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	/* Touching is overlapping: new high = old low. */
	ck_assert_int_eq(verdict_of(60, 50, 70, 40, 30, 50, &d),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	ck_assert_int_eq(verdict_of(60, 50, 70, 40, 30, 49.99, &d),
	                 AP_HISTORY_IMPROVED);
	/* Rose by 20, intervals overlapping; then apart. */
	ck_assert_int_eq(verdict_of(40, 30, 55, 60, 50, 70, &d),
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	ck_assert_int_eq(verdict_of(40, 30, 49.99, 60, 50, 70, &d),
	                 AP_HISTORY_WORSENED);
}
END_TEST

START_TEST(band_change_and_not_comparable)
{
	ap_history *h = new_history();
	char *t1 = theme("quality", 80, 80, 80, "critical", NULL);
	char *t2 = theme("security", 30, 30, 30, "watch", NULL);
	char *both = NULL;
	ck_assert_int_ge(asprintf(&both, "%s,%s", t2, t1), 0);
	free(t1);
	free(t2);
	ck_assert_int_eq(add(h, case_json("C1", "S", "2016-01-01", "n", both)),
	                 AP_OK);
	ck_assert_int_eq(
	    add(h, case_json("C2", "S", "2017-01-01", "n",
	                     theme("quality", 40, 40, 40, "watch", NULL))),
	    AP_OK);
	size_t n;
	const ap_history_change *c = ap_history_changes(h, 0, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(c[0].theme, "quality");
	ck_assert_int_eq(c[0].band_change, AP_HISTORY_BAND_BETTER);
	ck_assert_str_eq(ap_history_band_change_name(c[0].band_change),
	                 "better band");
	ck_assert_str_eq(c[1].theme, "security");
	ck_assert_int_eq(c[1].verdict, AP_HISTORY_NOT_COMPARABLE);
	ck_assert_ptr_null(ap_history_band_change_name(c[1].band_change));
	char *j = json_of(h);
	ck_assert_ptr_nonnull(strstr(
	    j, "{\"theme\":\"security\",\"delta\":null,\"verdict\":\"not "
	       "comparable\",\"band_change\":null,\"indicators\":[]}"));
	ck_assert_ptr_nonnull(strstr(j,
	                             "\"delta\":-40,\"verdict\":\"improved\","
	                             "\"band_change\":\"better band\""));
	/* Themes by id in a diagnostic, whatever the case's order. */
	const ap_history_diagnostic *d0 = ap_history_at(h, 0);
	ck_assert_str_eq(d0->themes[0].theme, "quality");
	ck_assert_int_eq(d0->themes[1].band, AP_BAND_WATCH);
	free(j);
	ap_history_free(h);
}
END_TEST

START_TEST(ordered_by_date_then_case_id)
{
	ap_history *h = new_history();
	ck_assert_int_eq(add_need(h, "C-2020", "2020-05-01", 30, 30, 30),
	                 AP_OK);
	ck_assert_int_eq(add_need(h, "C-B", "2018-03-01", 40, 40, 40), AP_OK);
	ck_assert_int_eq(add_need(h, "C-2016", "2016-09-20", 80, 80, 80),
	                 AP_OK);
	ck_assert_int_eq(add_need(h, "C-A", "2018-03-01", 45, 45, 45), AP_OK);
	ck_assert_uint_eq(ap_history_count(h), 4);
	const char *want[] = {"C-2016", "C-A", "C-B", "C-2020"};
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(ap_history_at(h, i)->case_id, want[i]);
	ck_assert_ptr_null(ap_history_at(h, 4));
	/* The changes follow the order: C-A to C-B fell by 5 only. */
	size_t n;
	ck_assert_int_eq(ap_history_changes(h, 1, &n)->verdict,
	                 AP_HISTORY_NO_CLEAR_CHANGE);
	ck_assert_int_eq(ap_history_changes(h, 0, &n)->verdict,
	                 AP_HISTORY_IMPROVED);
	ck_assert_ptr_null(ap_history_changes(h, 3, &n));
	ck_assert_uint_eq(n, 0);
	char *j = json_of(h);
	ck_assert_ptr_nonnull(
	    strstr(j, "{\"from\":\"C-A\",\"to\":\"C-B\",\"missions_between\""));
	free(j);
	ap_history_free(h);
}
END_TEST

START_TEST(indicators_that_moved)
{
	const char *before =
	    "{\"ref\":\"a.same\",\"value\":10,\"level\":1,\"weight\":1,"
	    "\"contribution\":2,\"line\":3},"
	    "{\"ref\":\"b.level\",\"value\":50,\"level\":3,\"weight\":1,"
	    "\"contribution\":11.76,\"line\":4},"
	    "{\"ref\":\"c.value\",\"value\":7.5,\"level\":2,\"weight\":1,"
	    "\"contribution\":4,\"line\":5},"
	    "{\"ref\":\"d.gone\",\"value\":1,\"level\":2,\"weight\":1,"
	    "\"contribution\":3,\"line\":6}";
	const char *after =
	    "{\"ref\":\"e.new\",\"value\":3,\"level\":1,\"weight\":1,"
	    "\"contribution\":1.5,\"line\":3},"
	    "{\"ref\":\"c.value\",\"value\":8,\"level\":2,\"weight\":1,"
	    "\"contribution\":4,\"line\":4},"
	    "{\"ref\":\"b.level\",\"value\":90,\"level\":0,\"weight\":1,"
	    "\"contribution\":0,\"line\":5},"
	    "{\"ref\":\"a.same\",\"value\":10,\"level\":1,\"weight\":1,"
	    "\"contribution\":2,\"line\":6}";
	ap_history *h = new_history();
	ck_assert_int_eq(
	    add(h, case_json("C1", "S", "2016-01-01", "n",
	                     theme("quality", 60, 60, 60, "degraded", before))),
	    AP_OK);
	ck_assert_int_eq(
	    add(h, case_json("C2", "S", "2017-01-01", "n",
	                     theme("quality", 50, 50, 50, "degraded", after))),
	    AP_OK);
	size_t n;
	const ap_history_change *c = ap_history_changes(h, 0, &n);
	ck_assert_uint_eq(c->n_moved, 4);
	char *j = json_of(h);
	const char *want =
	    "\"indicators\":["
	    "{\"ref\":\"b.level\",\"from_level\":3,\"to_level\":0,"
	    "\"from_value\":50,\"to_value\":90,\"contribution_delta\":-11.76},"
	    "{\"ref\":\"c.value\",\"from_level\":2,\"to_level\":2,"
	    "\"from_value\":7.5,\"to_value\":8,\"contribution_delta\":0},"
	    "{\"ref\":\"d.gone\",\"from_level\":2,\"to_level\":null,"
	    "\"from_value\":1,\"to_value\":null,\"contribution_delta\":-3},"
	    "{\"ref\":\"e.new\",\"from_level\":null,\"to_level\":1,"
	    "\"from_value\":null,\"to_value\":3,\"contribution_delta\":1.5}]";
	ck_assert_msg(strstr(j, want), "%s", j);
	ck_assert_ptr_null(strstr(j, "a.same"));
	char *t = table_of(h);
	ck_assert_ptr_nonnull(strstr(t, "b.level"));
	ck_assert_ptr_nonnull(strstr(t, "3 -> 0"));
	ck_assert_ptr_nonnull(strstr(t, "- -> 1"));
	ck_assert_ptr_null(strstr(t, "a.same"));
	free(t);
	free(j);
	ap_history_free(h);
}
END_TEST

static void mission(ap_history *h, const char *id, const char *status,
                    const char *first, const char *last)
{
	ap_history_mission m = {id, "FIRM-A", status, first, last};
	ck_assert_int_eq(ap_history_add_mission(h, &m), AP_OK);
}

/* Diagnostics on 2016-09-20 and 2018-10-01, and missions around them in
 * the order `order` gives (a permutation of 0..5). */
static ap_history *with_missions(const int *order)
{
	ap_history *h = new_history();
	ck_assert_int_eq(add_need(h, "C1", "2016-09-20", 80, 80, 80), AP_OK);
	ck_assert_int_eq(add_need(h, "C2", "2018-10-01", 30, 30, 30), AP_OK);
	static const char *const m[][4] = {
	    {"M-IN", "held", "2017-01-09", "2017-01-13"},
	    {"M-LASTDAY", "held", "2018-09-27", "2018-10-01"},
	    {"M-ONFIRST", "held", "2016-09-20", "2016-09-23"},
	    {"M-AFTER", "held", "2018-09-28", "2018-10-02"},
	    {"M-PLANNED", "planned", "2017-03-06", "2017-03-10"},
	    {"M-CANCELLED", "cancelled", "2017-04-03", "2017-04-07"}};
	for (int i = 0; i < 6; i++)
		mission(h, m[order[i]][0], m[order[i]][1], m[order[i]][2],
		        m[order[i]][3]);
	return h;
}

START_TEST(missions_between)
{
	static const int fwd[] = {0, 1, 2, 3, 4, 5},
	                 back[] = {5, 3, 1, 4, 2, 0};
	ap_history *h = with_missions(fwd);
	ck_assert_uint_eq(ap_history_missions_between(h, 0), 2);
	char *j = json_of(h);
	const char *want =
	    "\"missions_between\":["
	    "{\"mission_id\":\"M-IN\",\"firm\":\"FIRM-A\",\"status\":\"held\","
	    "\"first\":\"2017-01-09\",\"last\":\"2017-01-13\"},"
	    "{\"mission_id\":\"M-LASTDAY\",\"firm\":\"FIRM-A\",\"status\":"
	    "\"held\",\"first\":\"2018-09-27\",\"last\":\"2018-10-01\"}],";
	ck_assert_msg(strstr(j, want), "%s", j);
	/* Every mission is in "missions", by first day. */
	const char *all = strstr(j, "],\"missions\":[");
	ck_assert_ptr_nonnull(all);
	const char *ids[] = {"M-ONFIRST",   "M-IN",      "M-PLANNED",
	                     "M-CANCELLED", "M-LASTDAY", "M-AFTER"};
	const char *at = all;
	for (size_t i = 0; i < 6; i++) {
		at = strstr(at, ids[i]);
		ck_assert_msg(at != NULL, "%s not in order", ids[i]);
	}
	/* The same missions in another order: the same bytes. */
	ap_history *h2 = with_missions(back);
	char *j2 = json_of(h2);
	ck_assert_str_eq(j, j2);
	char *t = table_of(h);
	ck_assert_ptr_nonnull(strstr(t, "Missions held between: M-IN"));
	free(t);
	free(j);
	free(j2);
	ap_history_free(h);
	ap_history_free(h2);
}
END_TEST

START_TEST(refused_inputs)
{
	ap_history *h = new_history();
	ck_assert_int_eq(add_need(h, "C1", "2016-01-01", 50, 50, 50), AP_OK);
	/* Another site, a case given twice, not a case, a bad band. */
	ck_assert_int_eq(
	    add(h, case_json("C2", "OTHER", "2017-01-01", "n",
	                     theme("quality", 1, 1, 1, "good", NULL))),
	    AP_EINVALID);
	ck_assert_int_eq(add_need(h, "C1", "2019-01-01", 50, 50, 50),
	                 AP_EINVALID);
	ck_assert_int_eq(ap_history_add_case(h, "[1,2]", 5), AP_EINVALID);
	ck_assert_int_eq(ap_history_add_case(h, "{\"site_id\":", 11),
	                 AP_EINVALID);
	ck_assert_int_eq(
	    add(h, case_json("C3", "S", "2017-01-01", "n",
	                     theme("quality", 1, 1, 1, "excellent", NULL))),
	    AP_EINVALID);
	ck_assert_int_eq(
	    add(h, case_json("C4", "S", "2017-02-30", "n",
	                     theme("quality", 1, 1, 1, "good", NULL))),
	    AP_EINVALID);
	ck_assert_uint_eq(ap_history_count(h), 1);
	ap_history_mission m = {"M", "F", "done", "2017-01-01", "2017-01-02"};
	ck_assert_int_eq(ap_history_add_mission(h, &m), AP_EINVALID);
	m.status = "held";
	m.first = "2017-01-03";
	ck_assert_int_eq(ap_history_add_mission(h, &m), AP_EINVALID);
	m.first = "2017-1-1";
	ck_assert_int_eq(ap_history_add_mission(h, &m), AP_EINVALID);
	ap_history *none = NULL;
	ck_assert_int_eq(ap_history_new(&none, "", NULL), AP_EUSAGE);
	ap_history_options bad = {99, 5};
	ck_assert_int_eq(ap_history_new(&none, "S", &bad), AP_EUSAGE);
	ck_assert_ptr_null(none);
	ap_history_free(h);
}
END_TEST

START_TEST(hostile_text_is_inert)
{
	ap_history *h = new_history();
	/* An ESC sequence, a bidirectional override (U+202E) and a newline
	 * in the site name and a case id; a firm that forges a line. */
	const char *name = "Les \\u001b[31mRouges\\u202e\\nFAKE";
	ck_assert_int_eq(
	    add(h, case_json("C\\u001b[2J", "S", "2016-01-01", name,
	                     theme("quality", 80, 80, 80, "critical", NULL))),
	    AP_OK);
	ck_assert_int_eq(add_need(h, "C2", "2018-01-01", 20, 20, 20), AP_OK);
	ap_history_mission m = {"M\x1b[1m", "F\xe2\x80\xae\n", "held",
	                        "2017-01-02", "2017-01-03"};
	ck_assert_int_eq(ap_history_add_mission(h, &m), AP_OK);
	char *t = table_of(h);
	ck_assert_ptr_null(strchr(t, '\x1b'));
	ck_assert_ptr_null(strstr(t, "\xe2\x80\xae"));
	ck_assert_ptr_null(strstr(t, "\nFAKE"));
	ck_assert_ptr_nonnull(strstr(t, "C\\x1b[2J"));
	ck_assert_ptr_nonnull(strstr(t, "M\\x1b[1m"));
	ck_assert_ptr_nonnull(strstr(t, "F\\u202e\\n"));
	char *j = json_of(h);
	ck_assert_ptr_null(strchr(j, '\x1b'));
	ck_assert_ptr_null(strstr(j, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(j, "\\u202e"));
	json_error_t e;
	json_t *doc = json_loads(j, 0, &e);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "site_id")),
	                 "S");
	json_decref(doc);
	/* One line: the newline of the name is escaped. */
	ck_assert_ptr_eq(strchr(j, '\n'), j + strlen(j) - 1);
	free(t);
	free(j);
	ap_history_free(h);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(ap_history_verdict_name(AP_HISTORY_IMPROVED),
	                 "improved");
	ck_assert_str_eq(ap_history_verdict_name(AP_HISTORY_WORSENED),
	                 "worsened");
	ck_assert_str_eq(ap_history_verdict_name(AP_HISTORY_NO_CLEAR_CHANGE),
	                 "no clear change");
	ck_assert_str_eq(ap_history_band_change_name(AP_HISTORY_BAND_WORSE),
	                 "worse band");
	ck_assert_str_eq(ap_history_band_change_name(AP_HISTORY_BAND_SAME),
	                 "same band");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("history");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, rule_each_side_of_the_margin);
	tcase_add_test(tc, rule_overlapping_intervals);
	tcase_add_test(tc, band_change_and_not_comparable);
	tcase_add_test(tc, ordered_by_date_then_case_id);
	tcase_add_test(tc, indicators_that_moved);
	tcase_add_test(tc, missions_between);
	tcase_add_test(tc, refused_inputs);
	tcase_add_test(tc, hostile_text_is_inert);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
