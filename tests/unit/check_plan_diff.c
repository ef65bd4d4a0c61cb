/* Unit tests of the comparison with a previous plan: the previous plan
 * read back (and hostile ones refused), the changes from it (sites in and
 * out, firm and days changed, sorted), and how the table and the JSON show
 * them; on plans built by hand (no solver). */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/plan.h"
#include "testutil.h"

/* Day numbers written out, so that the expected dates do not come from
 * the calendar code. */
#define SEP02 18141L /* 2019-09-02, a Monday */
#define DEC20 18250L /* 2019-12-20 */

static const char *const quality[] = {"quality"};

static ap_firm firms[2];
static ap_campaign camp;
static ap_planned missions[3];
static ap_unplanned unplanned[2];
static ap_plan plan;
static ap_plan_input *input;
static ap_day d_s1[] = {SEP02, SEP02 + 1, SEP02 + 2};
static ap_day d_s3[] = {SEP02 + 7, SEP02 + 8, SEP02 + 9};
static ap_day d_s5[] = {SEP02 + 14, SEP02 + 15, SEP02 + 16};

static void add_site(const char *id, const char *org)
{
	ap_plan_site s;
	memset(&s, 0, sizeof s);
	s.file = "x.xml";
	s.case_id = id;
	s.site_id = id;
	s.organisation_id = org;
	s.themes = quality;
	s.n_themes = 1;
	s.days = 3;
	s.priority = 50;
	ap_plan_input_add_site(input, &s);
}

/*
 * Now: S-5 (F1), S-3 (F2), S-1 (F1) planned; S-2 and S-4 not. The
 * previous plan of most tests (PREV): S-1 with F1 on the same days, S-2
 * (now budget exhausted), S-3 with F1 (now F2) on other days, S-9 (no
 * longer given), S-4 of another organisation (so another site).
 */
static void setup(void)
{
	memset(firms, 0, sizeof firms);
	firms[0].id = "F1";
	firms[1].id = "F2";
	memset(&camp, 0, sizeof camp);
	camp.id = "C";
	camp.window_first = SEP02;
	camp.window_last = DEC20;
	camp.min_days = 3;
	camp.max_days = 6;
	camp.firms = firms;
	camp.n_firms = 2;
	input = ap_plan_input_new();
	add_site("S-1", "ORG-A"); /* 0 */
	add_site("S-2", "ORG-A"); /* 1 */
	add_site("S-3", "ORG-B"); /* 2 */
	add_site("S-4", "ORG-A"); /* 3 */
	add_site("S-5", "ORG-B"); /* 4 */
	/* In plan order (by first day), not in site order. */
	missions[0] = (ap_planned){4, 0, 3, d_s5, 3000, NULL, 0, 0, 0};
	missions[1] = (ap_planned){2, 1, 3, d_s3, 3000, NULL, 0, 0, 0};
	missions[2] = (ap_planned){0, 0, 3, d_s1, 3000, NULL, 0, 0, 0};
	unplanned[0] = (ap_unplanned){1, AP_UNPLANNED_BUDGET, "no days", NULL};
	unplanned[1] = (ap_unplanned){3, AP_UNPLANNED_NO_FIRM, "no firm", NULL};
	memset(&plan, 0, sizeof plan);
	plan.campaign = &camp;
	plan.input = input;
	plan.missions = missions;
	plan.n_missions = 3;
	plan.unplanned = unplanned;
	plan.n_unplanned = 2;
	plan.optimal = 1;
	plan.ties_settled = 1;
}

static void teardown(void)
{
	ap_plan_input_free(input);
	input = NULL;
}

/* The previous plans of the tests, one mission a line as appui writes
 * them (clang-format would split their strings). */
/* clang-format off */
#define M(site, org, firm, dates)                                        \
	"{\"site_id\":\"" site "\",\"organisation_id\":" org           \
	",\"firm\":\"" firm "\",\"dates\":[" dates "],\"why\":\"x\"}"

#define PREV                                                               \
	"{\"campaign\":{\"id\":\"C\"},\"missions\":[\n"                     \
	M("S-9", "\"ORG-A\"", "F2", "\"2019-10-01\"") ",\n"                   \
	M("S-3", "\"ORG-B\"", "F1",                                          \
	  "\"2019-09-12\",\"2019-09-10\",\"2019-09-11\"") ",\n"              \
	M("S-1", "\"ORG-A\"", "F1",                                          \
	  "\"2019-09-02\",\"2019-09-03\",\"2019-09-04\"") ",\n"              \
	M("S-2", "\"ORG-A\"", "F2", "\"2019-09-20\"") ",\n"                   \
	M("S-4", "\"ORG-Z\"", "F2", "\"2019-09-23\"")                         \
	"\n],\"unplanned\":[]}"

/* No organisation: null, or absent. */
#define NO_ORG                                                             \
	"{\"missions\":[" M("S-1", "null", "F1", "\"2019-09-02\"") ","         \
	"{\"site_id\":\"S-2\",\"firm\":\"F1\",\"dates\":[\"2019-09-03\"]}]}"

/* The plan of the fixture, exactly. */
#define SAME                                                               \
	"{\"missions\":[\n"                                                  \
	M("S-1", "\"ORG-A\"", "F1",                                          \
	  "\"2019-09-02\",\"2019-09-03\",\"2019-09-04\"") ",\n"              \
	M("S-3", "\"ORG-B\"", "F2",                                          \
	  "\"2019-09-09\",\"2019-09-10\",\"2019-09-11\"") ",\n"              \
	M("S-5", "\"ORG-B\"", "F1",                                          \
	  "\"2019-09-16\",\"2019-09-17\",\"2019-09-18\"") "]}"

/* S-1 a day more, a day of S-3 moved, S-5 missing. */
#define MOVED                                                              \
	"{\"missions\":[\n"                                                  \
	M("S-1", "\"ORG-A\"", "F1",                                          \
	  "\"2019-09-02\",\"2019-09-03\",\"2019-09-04\",\"2019-09-05\"")    \
	",\n"                                                                 \
	M("S-3", "\"ORG-B\"", "F2",                                          \
	  "\"2019-09-09\",\"2019-09-10\",\"2019-09-12\"") "]}"

/* One site in two missions. */
#define TWICE                                                              \
	"{\"missions\":[" M("S", "\"O\"", "F", "\"2019-09-02\"") ","         \
	M("S", "\"O\"", "G", "\"2019-09-03\"") "]}"
/* clang-format on */

static ap_prev_plan *parse_ok(const char *text)
{
	ap_diags *d = ap_diags_new();
	ap_prev_plan *p = NULL;
	int rc = ap_prev_plan_parse(&p, "prev.json", text, strlen(text), d);
	for (size_t i = 0; i < ap_diags_count(d); i++)
		ap_diag_print(stderr, ap_diags_at(d, i));
	ck_assert_int_eq(rc, AP_OK);
	ck_assert_ptr_nonnull(p);
	ap_diags_free(d);
	return p;
}

START_TEST(previous_plan_read_back)
{
	ap_prev_plan *p = parse_ok(PREV);
	ck_assert_str_eq(p->name, "prev.json");
	ck_assert_uint_eq(p->n_missions, 5);
	/* By site id, then organisation; days increasing. */
	const char *want[] = {"S-1", "S-2", "S-3", "S-4", "S-9"};
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(p->missions[i].site_id, want[i]);
	ck_assert_str_eq(p->missions[2].firm, "F1");
	ck_assert_str_eq(p->missions[2].organisation_id, "ORG-B");
	ck_assert_uint_eq(p->missions[2].n_dates, 3);
	ck_assert_int_eq(p->missions[2].dates[0], SEP02 + 8);
	ck_assert_int_eq(p->missions[2].dates[2], SEP02 + 10);
	ap_prev_plan_free(p);

	/* No organisation (null or absent) is "". */
	p = parse_ok(NO_ORG);
	ck_assert_str_eq(p->missions[0].organisation_id, "");
	ck_assert_str_eq(p->missions[1].organisation_id, "");
	ap_prev_plan_free(p);

	p = parse_ok("{\"missions\":[]}");
	ck_assert_uint_eq(p->n_missions, 0);
	ap_prev_plan_free(p);
}
END_TEST

static const ap_plan_change *change(const ap_plan_changes *ch, size_t i)
{
	ck_assert_uint_lt(i, ch->n_changes);
	return &ch->changes[i];
}

START_TEST(changes_in_out_firm_dates)
{
	ap_prev_plan *p = parse_ok(PREV);
	ap_plan_changes *ch = NULL;
	ck_assert_int_eq(ap_plan_diff(&ch, p, &plan), AP_OK);
	ck_assert_str_eq(ch->against, "prev.json");
	ck_assert_uint_eq(ch->count[AP_CHANGE_IN], 1);
	ck_assert_uint_eq(ch->count[AP_CHANGE_OUT], 3);
	ck_assert_uint_eq(ch->count[AP_CHANGE_FIRM], 1);
	ck_assert_uint_eq(ch->count[AP_CHANGE_DATES], 1);
	ck_assert_uint_eq(ch->n_changes, 6);

	/* In: S-5, with its firm and days now. */
	const ap_plan_change *c = change(ch, 0);
	ck_assert_int_eq(c->kind, AP_CHANGE_IN);
	ck_assert_str_eq(c->site_id, "S-5");
	ck_assert_str_eq(c->organisation_id, "ORG-B");
	ck_assert_ptr_null(c->from_firm);
	ck_assert_str_eq(c->to_firm, "F1");
	ck_assert_uint_eq(c->n_to, 3);
	ck_assert_int_eq(c->to_dates[0], SEP02 + 14);
	/* Out, by site id: S-2 (its reason now), S-4 of ORG-Z (a site not
	 * given now: S-4 of ORG-A is another site), S-9 (not given). */
	c = change(ch, 1);
	ck_assert_int_eq(c->kind, AP_CHANGE_OUT);
	ck_assert_str_eq(c->site_id, "S-2");
	ck_assert_str_eq(c->from_firm, "F2");
	ck_assert_ptr_null(c->to_firm);
	ck_assert_str_eq(c->reason, "budget exhausted");
	c = change(ch, 2);
	ck_assert_str_eq(c->site_id, "S-4");
	ck_assert_str_eq(c->organisation_id, "ORG-Z");
	ck_assert_str_eq(c->reason, "not in the inputs");
	c = change(ch, 3);
	ck_assert_str_eq(c->site_id, "S-9");
	ck_assert_str_eq(c->reason, "not in the inputs");
	ck_assert_uint_eq(c->n_from, 1);
	/* S-3: another firm and other days, one change of each kind. */
	c = change(ch, 4);
	ck_assert_int_eq(c->kind, AP_CHANGE_FIRM);
	ck_assert_str_eq(c->site_id, "S-3");
	ck_assert_str_eq(c->from_firm, "F1");
	ck_assert_str_eq(c->to_firm, "F2");
	c = change(ch, 5);
	ck_assert_int_eq(c->kind, AP_CHANGE_DATES);
	ck_assert_str_eq(c->site_id, "S-3");
	ck_assert_int_eq(c->from_dates[0], SEP02 + 8);
	ck_assert_int_eq(c->to_dates[0], SEP02 + 7);
	ck_assert_ptr_null(c->reason);
	/* S-1, the same firm and days: no change. */
	for (size_t i = 0; i < ch->n_changes; i++)
		ck_assert_str_ne(ch->changes[i].site_id, "S-1");
	ap_plan_changes_free(ch);
	ap_prev_plan_free(p);
}
END_TEST

START_TEST(changes_of_a_day_only_and_none)
{
	/* The plan against itself: no change. */
	ap_prev_plan *p = parse_ok(SAME);
	ap_plan_changes *ch = NULL;
	ck_assert_int_eq(ap_plan_diff(&ch, p, &plan), AP_OK);
	ck_assert_uint_eq(ch->n_changes, 0);
	ap_plan_changes_free(ch);
	ap_prev_plan_free(p);

	/* One day more, or one day moved, is a change of days. */
	p = parse_ok(MOVED);
	ck_assert_int_eq(ap_plan_diff(&ch, p, &plan), AP_OK);
	ck_assert_uint_eq(ch->count[AP_CHANGE_DATES], 2);
	ck_assert_uint_eq(ch->count[AP_CHANGE_IN], 1); /* S-5 */
	ck_assert_uint_eq(ch->count[AP_CHANGE_FIRM], 0);
	ck_assert_str_eq(change(ch, 1)->site_id, "S-1");
	ck_assert_uint_eq(change(ch, 1)->n_from, 4);
	ck_assert_str_eq(change(ch, 2)->site_id, "S-3");
	ap_plan_changes_free(ch);
	ap_prev_plan_free(p);

	/* Every site out of an empty plan now. */
	p = parse_ok(PREV);
	plan.n_missions = 0;
	plan.n_unplanned = 0;
	ck_assert_int_eq(ap_plan_diff(&ch, p, &plan), AP_OK);
	ck_assert_uint_eq(ch->count[AP_CHANGE_OUT], 5);
	ck_assert_uint_eq(ch->n_changes, 5);
	ap_plan_changes_free(ch);
	ck_assert_int_eq(ap_plan_diff(&ch, NULL, &plan), AP_EUSAGE);
	ck_assert_ptr_null(ch);
	ap_prev_plan_free(p);
}
END_TEST

/* `text` is refused with a problem of prev.json holding `field` and
 * `needle`. */
static void expect_refused(const char *text, long line, const char *field,
                           const char *needle)
{
	ap_diags *d = ap_diags_new();
	ap_prev_plan *p = (ap_prev_plan *)1;
	int rc = ap_prev_plan_parse(&p, "prev.json", text, strlen(text), d);
	ck_assert_int_eq(rc, AP_EINVALID);
	ck_assert_ptr_null(p);
	int found = 0;
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		found |= strcmp(g->file, "prev.json") == 0 && g->line == line &&
		         strcmp(g->field, field) == 0 &&
		         strstr(g->message, needle) != NULL;
	}
	if (!found)
		for (size_t i = 0; i < ap_diags_count(d); i++)
			ap_diag_print(stderr, ap_diags_at(d, i));
	ck_assert_msg(found, "no '%s: %s' for %s", field, needle, text);
	ap_diags_free(d);
}

START_TEST(hostile_previous_plans_refused)
{
	expect_refused("", 1, "", "not valid JSON");
	expect_refused("{\"missions\":[\n", 2, "", "not valid JSON");
	expect_refused("{\"missions\":[],\n\"missions\":[]}", 2, "",
	               "duplicate object key");
	expect_refused("[1,2]", 0, "", "not a plan (no \"missions\" array)");
	expect_refused("{\"missions\":{}}", 0, "", "not a plan");
	expect_refused("{\"missions\":[7]}", 0, "missions[0]",
	               "must be an object, not a number");
	expect_refused("{\"missions\":[{\"firm\":\"F\","
	               "\"dates\":[\"2019-09-02\"]}]}",
	               0, "missions[0]", "no \"site_id\"");
	expect_refused("{\"missions\":[{\"site_id\":\"\",\"firm\":\"F\","
	               "\"dates\":[\"2019-09-02\"]}]}",
	               0, "missions[0].site_id", "is empty");
	expect_refused("{\"missions\":[{\"site_id\":\"S\",\"firm\":[],"
	               "\"dates\":[\"2019-09-02\"]}]}",
	               0, "missions[0].firm", "must be a string, not an array");
	expect_refused("{\"missions\":[{\"site_id\":\"S\",\"firm\":\"F\","
	               "\"organisation_id\":5,\"dates\":[\"2019-09-02\"]}]}",
	               0, "missions[0].organisation_id", "not a number");
	expect_refused("{\"missions\":[{\"site_id\":\"S\",\"firm\":\"F\"}]}", 0,
	               "missions[0].dates", "not absent");
	expect_refused("{\"missions\":[{\"site_id\":\"S\",\"firm\":\"F\","
	               "\"dates\":[]}]}",
	               0, "missions[0].dates", "not an empty one");
	expect_refused("{\"missions\":[{\"site_id\":\"S\",\"firm\":\"F\","
	               "\"dates\":[\"2019-09-02\",\"2019-02-30\"]}]}",
	               0, "missions[0].dates[1]", "not a date (YYYY-MM-DD)");
	expect_refused("{\"missions\":[{\"site_id\":\"S\",\"firm\":\"F\","
	               "\"dates\":[\"2019-09-02\",\"2019-09-02\"]}]}",
	               0, "missions[0].dates", "a day is given twice");
	expect_refused(TWICE, 0, "missions", "site S of O is planned twice");
	/* A NUL in a string, and nesting deeper than the parser allows. */
	expect_refused("{\"missions\":[{\"site_id\":\"S\\u0000X\"}]}", 1, "",
	               "not valid JSON");
	char deep[5000];
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	expect_refused(deep, 1, "", "not valid JSON");
}
END_TEST

START_TEST(many_problems_are_capped)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fputs("{\"missions\":[", f);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "%s7", i ? "," : "");
	fputs("]}", f);
	fclose(f);
	ap_diags *d = ap_diags_new();
	ap_prev_plan *p = NULL;
	ck_assert_int_eq(ap_prev_plan_parse(&p, "prev.json", text, len, d),
	                 AP_EINVALID);
	ck_assert_uint_eq(ap_diags_count(d), 21);
	ck_assert_str_eq(ap_diags_at(d, 20)->message,
	                 "980 more problems not shown");
	ap_diags_free(d);
	free(text);
}
END_TEST

/* Files that are not regular, too large or missing are refused, named. */
START_TEST(previous_plan_files_refused)
{
	char dir[] = "/tmp/appui-diff-XXXXXX";
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	char path[128];
	ap_diags *d = ap_diags_new();
	ap_prev_plan *p = NULL;

	snprintf(path, sizeof path, "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(ap_prev_plan_read(&p, path, d), AP_EINVALID);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, path);
	ck_assert_str_eq(ap_diags_at(d, 0)->message,
	                 "cannot read the plan: not a regular file");
	ck_assert_int_eq(ap_prev_plan_read(&p, dir, d), AP_EINVALID);
	ck_assert_int_eq(ap_prev_plan_read(&p, "/dev/zero", d), AP_EINVALID);
	ck_assert_str_eq(ap_diags_at(d, 2)->message,
	                 "cannot read the plan: not a regular file");

	snprintf(path, sizeof path, "%s/big.json", dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)AP_PREV_PLAN_MAX_BYTES + 1), 0);
	close(fd);
	ck_assert_int_eq(ap_prev_plan_read(&p, path, d), AP_EINVALID);
	ck_assert_str_eq(ap_diags_at(d, 3)->message,
	                 "cannot read the plan: over the size limit (64 MiB)");
	unlink(path);

	snprintf(path, sizeof path, "%s/missing.json", dir);
	ck_assert_int_eq(ap_prev_plan_read(&p, path, d), AP_EINVALID);
	ck_assert_str_eq(ap_diags_at(d, 4)->message,
	                 "cannot read the plan: No such file or directory");
	ck_assert_ptr_null(p);

	/* A good one, through a file. */
	snprintf(path, sizeof path, "%s/prev.json", dir);
	FILE *f = fopen(path, "w");
	fputs(PREV, f);
	fclose(f);
	ck_assert_int_eq(ap_prev_plan_read(&p, path, d), AP_OK);
	ck_assert_uint_eq(p->n_missions, 5);
	ck_assert_str_eq(p->name, path);
	ap_prev_plan_free(p);
	unlink(path);
	ap_diags_free(d);
}
END_TEST

/* The table (json = 0) or the JSON of the plan with `o`, to free. */
static char *capture(int json, const ap_plan_report_options *o)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	if (json)
		ap_plan_json_with(f, &plan, NULL, o);
	else
		ap_plan_table_with(f, &plan, o);
	ck_assert_int_eq(fclose(f), 0);
	char *text = strdup(buf);
	free(buf);
	return text;
}

START_TEST(changes_in_the_outputs)
{
	ap_prev_plan *p = parse_ok(PREV);
	ap_plan_changes *ch = NULL;
	ck_assert_int_eq(ap_plan_diff(&ch, p, &plan), AP_OK);
	ap_plan_report_options o = AP_PLAN_REPORT_OPTIONS_INIT;
	o.changes = ch;

	char *t = capture(0, &o);
	char *sec = strstr(t, "\nChanges from prev.json (1 in, 3 out, 1 firm, "
	                      "1 dates)\n");
	ck_assert_msg(sec != NULL, "%s", t);
	const char *rows[] = {
	    "  in      S-5   ORG-B         -",
	    "  out     S-2   ORG-A         F2 2019-09-20 (1 d)",
	    "  out     S-4   ORG-Z",
	    "  out     S-9",
	    "  firm    S-3   ORG-B         F1",
	    "  dates   S-3   ORG-B         "
	    "2019-09-10..2019-09-12 (3 d)  "
	    "2019-09-09..2019-09-11 (3 d)"};
	const char *at = sec;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *r = strstr(at, rows[i]);
		ck_assert_msg(r != NULL, "no '%s' in order in:\n%s", rows[i],
		              sec);
		at = r;
	}
	ck_assert(strstr(sec, "F1 2019-09-16..2019-09-18 (3 d)"));
	ck_assert(strstr(sec, "budget exhausted"));
	ck_assert(strstr(sec, "not in the inputs"));
	free(t);

	/* The same table, without the options, has no such section. */
	t = capture(0, NULL);
	ck_assert_ptr_null(strstr(t, "Changes from"));
	free(t);
	ap_plan_report_options other = {99, ch};
	t = capture(0, &other);
	ck_assert_ptr_null(strstr(t, "Changes from"));
	free(t);

	char *js = capture(1, &o);
	json_error_t err;
	json_t *doc = json_loads(js, 0, &err);
	ck_assert_msg(doc != NULL, "%s", err.text);
	json_t *c = json_object_get(doc, "changes");
	ck_assert_str_eq(json_string_value(json_object_get(c, "against")),
	                 "prev.json");
	json_t *in = json_object_get(c, "in"), *out = json_object_get(c, "out");
	ck_assert_uint_eq(json_array_size(in), 1);
	ck_assert_uint_eq(json_array_size(out), 3);
	json_t *e = json_array_get(out, 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "site")), "S-4");
	ck_assert_str_eq(json_string_value(json_object_get(e, "organisation")),
	                 "ORG-Z");
	ck_assert_str_eq(json_string_value(json_object_get(e, "reason")),
	                 "not in the inputs");
	ck_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(e, "dates"), 0)),
	    "2019-09-23");
	e = json_array_get(json_object_get(c, "firm"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "from")), "F1");
	ck_assert_str_eq(json_string_value(json_object_get(e, "to")), "F2");
	e = json_array_get(json_object_get(c, "dates"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "site")), "S-3");
	ck_assert_uint_eq(json_array_size(json_object_get(e, "from")), 3);
	ck_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(e, "to"), 0)),
	    "2019-09-09");
	json_decref(doc);
	free(js);
	js = capture(1, NULL);
	ck_assert_ptr_null(strstr(js, "\"changes\""));
	free(js);

	/* No change: said so. */
	ap_plan_changes none = {"same.json", NULL, 0, {0}};
	o.changes = &none;
	t = capture(0, &o);
	ck_assert(strstr(t, "\nNo change from same.json: the same sites, "
	                    "firms and days.\n"));
	free(t);
	ap_plan_changes_free(ch);
	ap_prev_plan_free(p);
}
END_TEST

START_TEST(kind_names)
{
	ck_assert_str_eq(ap_change_kind_name(AP_CHANGE_IN), "in");
	ck_assert_str_eq(ap_change_kind_name(AP_CHANGE_OUT), "out");
	ck_assert_str_eq(ap_change_kind_name(AP_CHANGE_FIRM), "firm");
	ck_assert_str_eq(ap_change_kind_name(AP_CHANGE_DATES), "dates");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_diff");
	TCase *tc = tcase_create("plan_diff");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, previous_plan_read_back);
	tcase_add_test(tc, changes_in_out_firm_dates);
	tcase_add_test(tc, changes_of_a_day_only_and_none);
	tcase_add_test(tc, hostile_previous_plans_refused);
	tcase_add_test(tc, many_problems_are_capped);
	tcase_add_test(tc, previous_plan_files_refused);
	tcase_add_test(tc, changes_in_the_outputs);
	tcase_add_test(tc, kind_names);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
