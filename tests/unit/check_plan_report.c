/* Unit tests of the plan outputs: the table, JSON, CSV read back with an
 * RFC 4180 parser, and iCalendar read back with libical, on a plan built by
 * hand (no solver), with names that need quoting, escaping and folding. */
#include <dirent.h>
#include <jansson.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/plan.h"
#include "testutil.h"

/* ---- the fixture --------------------------------------------------------- */

/* Day numbers (days since 1970-01-01) written out, so that the expected
 * dates do not come from the calendar code the outputs use. */
#define SEP02 18141L /* 2019-09-02, a Monday */
#define DEC20 18250L /* 2019-12-20 */

/* Accents, a comma, a semicolon and a quote: every escape of every output. */
#define NAME0 "Résidence \"Les Tilleuls\", bât. A; entrée 2"
/* Longer than one iCalendar line on its own. */
#define NAME1                                                               \
	"Ensemble immobilier du quartier des Hauts-de-Bièvre, résidence " \
	"Château-Gaillard, tranche 3 (réhabilitation thermique)"
#define NAME2 "Cité Jardin"
#define WHY0  "covers quality and security in ARA, cheapest"

static const char *const themes0[] = {"quality", "security"};
static const char *const themes1[] = {"urban"};
static const char *const themes2[] = {"quality"};

static ap_day dates0[] = {SEP02, SEP02 + 1, SEP02 + 3, SEP02 + 7, SEP02 + 8};
static ap_day dates1[] = {SEP02 + 14, SEP02 + 15, SEP02 + 16, SEP02 + 17};
static ap_day dates2[] = {SEP02 + 21, SEP02 + 22, SEP02 + 28};
static const char *const strs0[] = {"2019-09-02", "2019-09-03", "2019-09-05",
                                    "2019-09-09", "2019-09-10"};
static const char *const strs1[] = {"2019-09-16", "2019-09-17", "2019-09-18",
                                    "2019-09-19"};
static const char *const strs2[] = {"2019-09-23", "2019-09-24", "2019-09-30"};

static ap_firm firms[3];
static ap_campaign camp;
static ap_planned missions[3];
static ap_unplanned unplanned[2];
static int fdays[3] = {8, 4, 0};
static double feuros[3] = {9200, 3922, 0};
static ap_plan plan;
static ap_plan_input *input;

static void add_site(const char *case_id, const char *id, const char *name,
                     const char *commune, const char *org, const char *org_name,
                     const char *region, const char *const *themes,
                     size_t n_themes, int days, double priority)
{
	ap_plan_site s;
	memset(&s, 0, sizeof s);
	s.file = "cases/x.xml";
	s.case_id = case_id;
	s.site_id = id;
	s.site_name = name;
	s.commune = commune;
	s.organisation_id = org;
	s.organisation_name = org_name;
	s.region = region;
	s.themes = themes;
	s.n_themes = n_themes;
	s.days = days;
	s.priority = priority;
	ap_plan_input_add_site(input, &s);
}

static void setup(void)
{
	memset(firms, 0, sizeof firms);
	firms[0].id = "F1";
	firms[0].name = "Cabinet Équilibre";
	firms[0].daily_rate = 1150;
	firms[0].capacity = 40;
	firms[1].id = "F2";
	firms[1].name = "Habitat, Conseil & Co";
	firms[1].daily_rate = 980.5;
	firms[1].capacity = 30;
	firms[2].id = "F3";
	firms[2].name = "Idle";
	firms[2].daily_rate = 900;
	firms[2].capacity = 20;

	memset(&camp, 0, sizeof camp);
	camp.id = "2019-autumn";
	camp.name = "Campagne automne 2019";
	camp.window_first = SEP02;
	camp.window_last = DEC20;
	camp.has_budget_days = 1;
	camp.budget_days = 20;
	camp.has_budget_euros = 1;
	camp.budget_euros = 30000;
	camp.min_days = 3;
	camp.max_days = 6;
	camp.max_span_days = 56;
	camp.firms = firms;
	camp.n_firms = 3;

	input = ap_plan_input_new();
	add_site("C-001", "S-001", NAME0, "Saint-Étienne", "ORG-1",
	         "Toit Forézien", "ARA", themes0, 2, 5, 82.5);
	add_site("C-002", "S-002", NAME1, "Châtenay-Malabry", "ORG-2",
	         "Hauts-de-Seine Habitat", "IDF", themes1, 1, 4, 71.25);
	add_site("C-003", "S-003", NAME2, "Lyon", "ORG-1", "Toit Forézien",
	         NULL, themes2, 1, 3, 60);
	add_site("C-004", "S-004", "Les Pins", "Nice", "ORG-3", "Azur", "PACA",
	         themes0, 2, 6, 40.125);
	add_site("C-005", "S-005", "Le Port", "Ajaccio", "ORG-4",
	         "Corse Habitat", "COR", themes1, 1, 3, 30);

	memset(missions, 0, sizeof missions);
	missions[0] = (ap_planned){0, 0, 5, dates0, 5750, WHY0, 0, 0, 0};
	missions[1] =
	    (ap_planned){1, 1, 4, dates1, 3922, "only firm in IDF", 0, 0, 0};
	missions[2] = (ap_planned){2, 0, 3, dates2, 3450, NULL, 0, 0, 0};
	unplanned[0] = (ap_unplanned){3, AP_UNPLANNED_BUDGET,
	                              "needs 6 days, 8 left after higher "
	                              "priorities",
	                              NULL};
	unplanned[1] = (ap_unplanned){4, AP_UNPLANNED_NO_FIRM,
	                              "no firm covers urban in COR", NULL};

	memset(&plan, 0, sizeof plan);
	plan.campaign = &camp;
	plan.input = input;
	plan.missions = missions;
	plan.n_missions = 3;
	plan.unplanned = unplanned;
	plan.n_unplanned = 2;
	plan.priority_sum = 213.75;
	plan.total_days = 12;
	plan.total_euros = 13122;
	plan.firm_days = fdays;
	plan.firm_euros = feuros;
	plan.optimal = 0;
	plan.bound = 216.46;
	plan.gap = 0.0125;
	plan.solver_rounds = 2;
}

static void teardown(void)
{
	ap_plan_input_free(input);
	input = NULL;
}

/* ---- helpers ------------------------------------------------------------- */

typedef void (*writer)(FILE *out, const ap_plan *p, const ap_diags *d);

static void w_table(FILE *out, const ap_plan *p, const ap_diags *d)
{
	(void)d;
	ap_plan_table(out, p);
}

static void w_json(FILE *out, const ap_plan *p, const ap_diags *d)
{
	ap_plan_json(out, p, d);
}

static void w_csv(FILE *out, const ap_plan *p, const ap_diags *d)
{
	(void)d;
	ap_plan_csv(out, p);
}

/* The output of `w` as a string to free; its length in *len. */
static char *capture(writer w, const ap_plan *p, const ap_diags *d, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	w(f, p, d);
	ck_assert_int_eq(fclose(f), 0);
	if (len)
		*len = n;
	return buf;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap + 1);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The names in `dir`, sorted, joined by spaces. */
static char *list_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	char *out = calloc(1, 1);
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (strcmp(name, ".") && strcmp(name, "..")) {
			out = realloc(out, len + strlen(name) + 2);
			len += (size_t)sprintf(out + len, "%s%s",
			                       len ? " " : "", name);
		}
		free(ents[i]);
	}
	free(ents);
	return out;
}

static void make_tmpdir(char out[64])
{
	snprintf(out, 64, "/tmp/appui-rep-XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(out));
}

static void rm_tree(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (strcmp(name, ".") && strcmp(name, "..")) {
			char path[512];
			snprintf(path, sizeof path, "%s/%s", dir, name);
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				rm_tree(path);
			else
				unlink(path);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	rmdir(dir);
}

/* ---- reason names -------------------------------------------------------- */

START_TEST(reason_names)
{
	ck_assert_str_eq(ap_unplanned_reason_name(AP_UNPLANNED_BELOW_THRESHOLD),
	                 "below threshold");
	ck_assert_str_eq(ap_unplanned_reason_name(AP_UNPLANNED_NO_FIRM),
	                 "no firm");
	ck_assert_str_eq(ap_unplanned_reason_name(AP_UNPLANNED_WINDOW),
	                 "window too short");
	ck_assert_str_eq(ap_unplanned_reason_name(AP_UNPLANNED_BUDGET),
	                 "budget exhausted");
	ck_assert_str_eq(ap_unplanned_reason_name(AP_UNPLANNED_CAPACITY),
	                 "firms fully booked");
}
END_TEST

/* ---- table --------------------------------------------------------------- */

static int has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* The line of `text` that contains `needle` (a copy), or NULL. */
static char *line_with(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	if (!at)
		return NULL;
	const char *start = at;
	while (start > text && start[-1] != '\n')
		start--;
	const char *end = strchr(at, '\n');
	size_t n = end ? (size_t)(end - start) : strlen(start);
	char *l = malloc(n + 1);
	memcpy(l, start, n);
	l[n] = '\0';
	return l;
}

START_TEST(table_rows_totals_and_reasons)
{
	char *t = capture(w_table, &plan, NULL, NULL);
	/* One row per mission, with every column. */
	char *row = line_with(t, "M-001");
	ck_assert_ptr_nonnull(row);
	ck_assert_msg(has(row, "S-001") && has(row, "ORG-1") &&
	                  has(row, "quality,security") && has(row, " 5 ") &&
	                  has(row, "F1") &&
	                  has(row, "2019-09-02..2019-09-10 (5 d)") &&
	                  has(row, "5750.00"),
	              "row: %s", row);
	free(row);
	row = line_with(t, "M-002");
	ck_assert_msg(
	    row && has(row, "S-002") && has(row, "urban") && has(row, "F2") &&
	        has(row, "2019-09-16..2019-09-19 (4 d)") && has(row, "3922.00"),
	    "row: %s", row);
	free(row);
	row = line_with(t, "M-003");
	ck_assert_msg(row && has(row, "S-003") &&
	                  has(row, "2019-09-23..2019-09-30 (3 d)") &&
	                  has(row, "3450.00"),
	              "row: %s", row);
	free(row);
	/* The rows line up: M-002's cost ends where M-001's does. */
	char *r1 = line_with(t, "M-001"), *r2 = line_with(t, "M-002");
	ck_assert_uint_eq(strlen(r1), strlen(r2));
	free(r1);
	free(r2);
	/* Totals against the budget. */
	ck_assert_msg(has(t, "12 / 20"), "%s", t);
	ck_assert_msg(has(t, "13122.00 / 30000.00"), "%s", t);
	ck_assert_msg(has(t, "213.75"), "%s", t);
	ck_assert_msg(has(t, "best found in the time limit, gap 1.25%"), "%s",
	              t);
	ck_assert_msg(has(t, "Solver rounds: 2"), "%s", t);
	/* Firms: booked / capacity, including the idle one. */
	row = line_with(t, "Cabinet Équilibre");
	ck_assert_msg(row && has(row, "F1") && has(row, " 8 ") &&
	                  has(row, " 40 ") && has(row, "9200.00"),
	              "firm: %s", row);
	free(row);
	row = line_with(t, "Idle");
	ck_assert_msg(row && has(row, "F3") && has(row, " 20 "), "firm: %s",
	              row);
	free(row);
	/* Unplanned sites with reason and detail, in plan order. */
	row = line_with(t, "S-004");
	ck_assert_msg(row && has(row, "budget exhausted") &&
	                  has(row, "needs 6 days, 8 left"),
	              "unplanned: %s", row);
	free(row);
	row = line_with(t, "S-005");
	ck_assert_msg(row && has(row, "no firm") &&
	                  has(row, "no firm covers urban in COR"),
	              "unplanned: %s", row);
	free(row);
	ck_assert(strstr(t, "S-004") < strstr(t, "S-005"));
	/* Why this firm, per mission. */
	ck_assert_msg(has(t, WHY0), "%s", t);
	ck_assert_msg(has(t, "only firm in IDF"), "%s", t);
	/* No trailing space anywhere; the text ends with a newline. */
	ck_assert_msg(!has(t, " \n"), "trailing space:\n%s", t);
	ck_assert(t[strlen(t) - 1] == '\n');
	free(t);

	/* Proven optimal, no budget in euros. */
	plan.optimal = 1;
	plan.gap = 0;
	camp.has_budget_euros = 0;
	t = capture(w_table, &plan, NULL, NULL);
	row = line_with(t, "Solution:");
	ck_assert_msg(row && has(row, "optimal") && !has(row, "gap"), "%s",
	              row);
	free(row);
	ck_assert_msg(has(t, "13122.00 (no budget in euros)"), "%s", t);
	free(t);

	/* No mission at all. */
	plan.n_missions = 0;
	plan.n_unplanned = 0;
	t = capture(w_table, &plan, NULL, NULL);
	ck_assert_msg(has(t, "No mission planned."), "%s", t);
	ck_assert(!has(t, " \n"));
	free(t);
}
END_TEST

/* ---- JSON ---------------------------------------------------------------- */

static const char *jsonout_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	ck_assert_msg(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}

static double jnumber(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	ck_assert_msg(json_is_number(v), "%s is not a number", key);
	return json_number_value(v);
}

static void expect_strings(json_t *a, const char *const *want, size_t n)
{
	ck_assert(json_is_array(a));
	ck_assert_uint_eq(json_array_size(a), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(json_string_value(json_array_get(a, i)),
		                 want[i]);
}

START_TEST(json_document)
{
	ap_diags *d = ap_diags_new();
	ap_diags_add(d, AP_WARNING, "camp.cfg", 12, "firm[F3]", "never used");
	ap_diags_add(d, AP_ERROR, "cases/bad.xml", 3, "site", "no site");
	size_t n1, n2;
	char *s = capture(w_json, &plan, d, &n1);
	char *again = capture(w_json, &plan, d, &n2);
	/* Deterministic: the same plan gives the same bytes. */
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(s, again, n1) == 0);
	free(again);

	json_error_t err;
	json_t *doc = json_loads(s, 0, &err);
	ck_assert_msg(doc != NULL, "line %d: %s\n%s", err.line, err.text, s);
	ck_assert(s[n1 - 1] == '\n');

	json_t *c = json_object_get(doc, "campaign");
	ck_assert_str_eq(jsonout_str(c, "id"), "2019-autumn");
	ck_assert_str_eq(jsonout_str(c, "name"), "Campagne automne 2019");
	ck_assert_str_eq(jsonout_str(json_object_get(c, "window"), "start"),
	                 "2019-09-02");
	ck_assert_str_eq(jsonout_str(json_object_get(c, "window"), "end"),
	                 "2019-12-20");
	json_t *b = json_object_get(c, "budget");
	ck_assert(json_is_integer(json_object_get(b, "days")));
	ck_assert_int_eq(json_integer_value(json_object_get(b, "days")), 20);
	ck_assert_double_eq(jnumber(b, "euros"), 30000);

	json_t *r = json_object_get(doc, "result");
	ck_assert(json_is_false(json_object_get(r, "optimal")));
	ck_assert_double_eq_tol(jnumber(r, "gap"), 0.0125, 1e-9);
	ck_assert_double_eq_tol(jnumber(r, "bound"), 216.46, 1e-9);
	ck_assert_double_eq_tol(jnumber(r, "priority_sum"), 213.75, 1e-9);
	ck_assert_double_eq(jnumber(r, "days"), 12);
	ck_assert_double_eq(jnumber(r, "euros"), 13122);
	ck_assert(json_is_integer(json_object_get(r, "euros")));
	ck_assert_double_eq(jnumber(r, "solver_rounds"), 2);

	json_t *ms = json_object_get(doc, "missions");
	ck_assert_uint_eq(json_array_size(ms), 3);
	json_t *m = json_array_get(ms, 0);
	ck_assert_str_eq(jsonout_str(m, "mission"), "M-001");
	ck_assert_str_eq(jsonout_str(m, "case_id"), "C-001");
	ck_assert_str_eq(jsonout_str(m, "site_id"), "S-001");
	ck_assert_str_eq(jsonout_str(m, "site_name"), NAME0);
	ck_assert_str_eq(jsonout_str(m, "organisation_id"), "ORG-1");
	ck_assert_str_eq(jsonout_str(m, "region"), "ARA");
	expect_strings(json_object_get(m, "themes"), themes0, 2);
	ck_assert_double_eq(jnumber(m, "days"), 5);
	ck_assert_double_eq(jnumber(m, "recommended_days"), 5);
	ck_assert_double_eq(jnumber(m, "priority"), 82.5);
	ck_assert_str_eq(jsonout_str(m, "firm"), "F1");
	ck_assert_str_eq(jsonout_str(m, "firm_name"), "Cabinet Équilibre");
	ck_assert_double_eq(jnumber(m, "daily_rate"), 1150);
	ck_assert_double_eq(jnumber(m, "cost"), 5750);
	expect_strings(json_object_get(m, "dates"), strs0, 5);
	ck_assert_str_eq(jsonout_str(m, "why"), WHY0);
	m = json_array_get(ms, 1);
	ck_assert_str_eq(jsonout_str(m, "mission"), "M-002");
	ck_assert_str_eq(jsonout_str(m, "site_name"), NAME1);
	ck_assert_double_eq(jnumber(m, "daily_rate"), 980.5);
	expect_strings(json_object_get(m, "dates"), strs1, 4);
	m = json_array_get(ms, 2);
	ck_assert_str_eq(jsonout_str(m, "mission"), "M-003");
	ck_assert(json_is_null(json_object_get(m, "region")));
	ck_assert(json_is_null(json_object_get(m, "why")));
	expect_strings(json_object_get(m, "dates"), strs2, 3);

	json_t *us = json_object_get(doc, "unplanned");
	ck_assert_uint_eq(json_array_size(us), 2);
	json_t *u = json_array_get(us, 0);
	ck_assert_str_eq(jsonout_str(u, "case_id"), "C-004");
	ck_assert_str_eq(jsonout_str(u, "site_id"), "S-004");
	ck_assert_str_eq(jsonout_str(u, "organisation_id"), "ORG-3");
	ck_assert_str_eq(jsonout_str(u, "reason"), "budget exhausted");
	ck_assert_str_eq(jsonout_str(u, "detail"),
	                 "needs 6 days, 8 left after higher priorities");
	ck_assert_double_eq(jnumber(u, "priority"), 40.13);
	ck_assert_double_eq(jnumber(u, "days"), 6);
	ck_assert_str_eq(jsonout_str(json_array_get(us, 1), "reason"),
	                 "no firm");

	json_t *fs = json_object_get(doc, "firms");
	ck_assert_uint_eq(json_array_size(fs), 3);
	json_t *f = json_array_get(fs, 1);
	ck_assert_str_eq(jsonout_str(f, "id"), "F2");
	ck_assert_str_eq(jsonout_str(f, "name"), "Habitat, Conseil & Co");
	ck_assert_double_eq(jnumber(f, "days_booked"), 4);
	ck_assert_double_eq(jnumber(f, "capacity"), 30);
	ck_assert_double_eq(jnumber(f, "euros"), 3922);
	ck_assert_double_eq(jnumber(json_array_get(fs, 2), "days_booked"), 0);

	json_t *e = json_object_get(doc, "errors");
	ck_assert_uint_eq(json_array_size(e), 1);
	ck_assert_str_eq(jsonout_str(json_array_get(e, 0), "file"),
	                 "cases/bad.xml");
	ck_assert_double_eq(jnumber(json_array_get(e, 0), "line"), 3);
	ck_assert_str_eq(jsonout_str(json_array_get(e, 0), "field"), "site");
	ck_assert_str_eq(jsonout_str(json_array_get(e, 0), "message"),
	                 "no site");
	json_t *w = json_object_get(doc, "warnings");
	ck_assert_uint_eq(json_array_size(w), 1);
	ck_assert_str_eq(jsonout_str(json_array_get(w, 0), "message"),
	                 "never used");
	json_decref(doc);
	free(s);

	/* No budget: null, not 0; no diagnostics: empty lists. */
	camp.has_budget_days = 0;
	camp.has_budget_euros = 0;
	plan.optimal = 1;
	plan.gap = 0;
	s = capture(w_json, &plan, NULL, NULL);
	doc = json_loads(s, 0, &err);
	ck_assert_ptr_nonnull(doc);
	b = json_object_get(json_object_get(doc, "campaign"), "budget");
	ck_assert(json_is_null(json_object_get(b, "days")));
	ck_assert(json_is_null(json_object_get(b, "euros")));
	r = json_object_get(doc, "result");
	ck_assert(json_is_true(json_object_get(r, "optimal")));
	ck_assert_double_eq(jnumber(r, "gap"), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "errors")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "warnings")), 0);
	json_decref(doc);
	free(s);

	/* An empty plan is a complete document with empty lists. */
	plan.n_missions = 0;
	plan.n_unplanned = 0;
	s = capture(w_json, &plan, NULL, NULL);
	doc = json_loads(s, 0, &err);
	ck_assert_msg(doc != NULL, "%s", s);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "missions")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "unplanned")),
	                  0);
	json_decref(doc);
	free(s);
	ap_diags_free(d);
}
END_TEST

/* ---- CSV ----------------------------------------------------------------- */

#define MAX_FIELDS 32
#define MAX_ROWS   16

typedef struct csv {
	char *field[MAX_ROWS][MAX_FIELDS];
	size_t n_fields[MAX_ROWS];
	size_t n_rows;
} csv;

/*
 * A strict RFC 4180 reader: records end with CRLF (a bare CR or LF outside
 * quotes fails), a quoted field doubles its quotes and may hold anything,
 * and a quote must not appear in an unquoted field. Returns 0 or -1.
 */
static int csv_parse(const char *s, size_t len, csv *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < len) {
		size_t row = out->n_rows;
		if (row == MAX_ROWS)
			return -1;
		for (;;) {
			char *v = malloc(len + 1);
			size_t n = 0;
			if (i < len && s[i] == '"') {
				i++;
				for (;;) {
					if (i >= len)
						return -1; /* unterminated */
					if (s[i] == '"') {
						if (i + 1 < len &&
						    s[i + 1] == '"') {
							v[n++] = '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					v[n++] = s[i++];
				}
			} else {
				while (i < len && s[i] != ',' && s[i] != '\r' &&
				       s[i] != '\n') {
					if (s[i] == '"')
						return -1;
					v[n++] = s[i++];
				}
			}
			v[n] = '\0';
			if (out->n_fields[row] == MAX_FIELDS)
				return -1;
			out->field[row][out->n_fields[row]++] = v;
			if (i < len && s[i] == ',') {
				i++;
				continue;
			}
			if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
				i += 2;
				break;
			}
			return -1; /* no CRLF after the last field */
		}
		out->n_rows++;
	}
	return 0;
}

static void csv_free(csv *c)
{
	for (size_t r = 0; r < MAX_ROWS; r++)
		for (size_t f = 0; f < c->n_fields[r]; f++)
			free(c->field[r][f]);
}

START_TEST(csv_reads_back)
{
	size_t len;
	char *s = capture(w_csv, &plan, NULL, &len);
	/* Every line ends with CRLF. */
	ck_assert(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			ck_assert_msg(i > 0 && s[i - 1] == '\r',
			              "bare LF at %zu", i);
	/* UTF-8 without a byte order mark. */
	ck_assert(memcmp(s, "\xEF\xBB\xBF", 3) != 0);

	csv c;
	ck_assert_msg(csv_parse(s, len, &c) == 0, "not RFC 4180:\n%s", s);
	ck_assert_uint_eq(c.n_rows, 4);
	static const char *const head[] = {
	    "mission",         "case_id",    "site_id",   "site_name",
	    "organisation_id", "region",     "themes",    "days",
	    "firm_id",         "firm_name",  "first_day", "last_day",
	    "dates",           "daily_rate", "cost_eur",  "priority"};
	for (size_t r = 0; r < c.n_rows; r++)
		ck_assert_uint_eq(c.n_fields[r], 16);
	for (size_t f = 0; f < 16; f++)
		ck_assert_str_eq(c.field[0][f], head[f]);
	static const char *const row1[] = {
	    "M-001",
	    "C-001",
	    "S-001",
	    NAME0,
	    "ORG-1",
	    "ARA",
	    "quality security",
	    "5",
	    "F1",
	    "Cabinet Équilibre",
	    "2019-09-02",
	    "2019-09-10",
	    "2019-09-02 2019-09-03 2019-09-05 2019-09-09 2019-09-10",
	    "1150.00",
	    "5750.00",
	    "82.50"};
	for (size_t f = 0; f < 16; f++)
		ck_assert_str_eq(c.field[1][f], row1[f]);
	static const char *const row2[] = {
	    "M-002",
	    "C-002",
	    "S-002",
	    NAME1,
	    "ORG-2",
	    "IDF",
	    "urban",
	    "4",
	    "F2",
	    "Habitat, Conseil & Co",
	    "2019-09-16",
	    "2019-09-19",
	    "2019-09-16 2019-09-17 2019-09-18 2019-09-19",
	    "980.50",
	    "3922.00",
	    "71.25"};
	for (size_t f = 0; f < 16; f++)
		ck_assert_str_eq(c.field[2][f], row2[f]);
	ck_assert_str_eq(c.field[3][0], "M-003");
	ck_assert_str_eq(c.field[3][3], NAME2);
	ck_assert_str_eq(c.field[3][5], ""); /* no region */
	ck_assert_str_eq(c.field[3][12], "2019-09-23 2019-09-24 2019-09-30");
	/* The name with a quote is quoted, its quotes doubled. */
	ck_assert(has(s,
	              "\"R\xC3\xA9sidence \"\"Les Tilleuls\"\", b\xC3\xA2t. A; "
	              "entr\xC3\xA9"
	              "e 2\""));
	csv_free(&c);
	free(s);

	/* A line break in a field is quoted and reads back. */
	static const char *const odd_themes[] = {"a"};
	ap_plan_site odd;
	memset(&odd, 0, sizeof odd);
	odd.case_id = "C-9";
	odd.site_id = "S-9";
	odd.site_name = "two\r\nlines";
	odd.organisation_id = "O";
	odd.themes = odd_themes;
	odd.n_themes = 1;
	odd.days = 3;
	ap_plan_input_add_site(input, &odd);
	static ap_day d3[] = {SEP02, SEP02 + 1, SEP02 + 2};
	ap_planned one = {5, 2, 3, d3, 2700, NULL, 0, 0, 0};
	plan.missions = &one;
	plan.n_missions = 1;
	s = capture(w_csv, &plan, NULL, &len);
	ck_assert_msg(csv_parse(s, len, &c) == 0, "%s", s);
	ck_assert_uint_eq(c.n_rows, 2);
	ck_assert_str_eq(c.field[1][3], "two\r\nlines");
	csv_free(&c);
	free(s);

	/* No mission: the header alone. */
	plan.n_missions = 0;
	s = capture(w_csv, &plan, NULL, &len);
	ck_assert_msg(csv_parse(s, len, &c) == 0, "%s", s);
	ck_assert_uint_eq(c.n_rows, 1);
	csv_free(&c);
	free(s);
}
END_TEST

/* ---- iCalendar ----------------------------------------------------------- */

/* Checks the raw text: CRLF line ends, at most 75 octets a line, folds that
 * never split a UTF-8 sequence. Returns the number of folded lines. */
static int check_lines(const char *path, const char *s, size_t len)
{
	int folds = 0;
	size_t start = 0;
	ck_assert_msg(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n',
	              "%s: does not end with CRLF", path);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r')
			ck_assert_msg(i + 1 < len && s[i + 1] == '\n',
			              "%s: bare CR at %zu", path, i);
		if (s[i] != '\n')
			continue;
		ck_assert_msg(i > 0 && s[i - 1] == '\r', "%s: bare LF at %zu",
		              path, i);
		size_t n = i - 1 - start; /* octets without the CRLF */
		ck_assert_msg(n <= 75, "%s: line of %zu octets at %zu", path, n,
		              start);
		if (s[start] == ' ') {
			folds++;
			unsigned char c = (unsigned char)s[start + 1];
			ck_assert_msg((c & 0xC0) != 0x80,
			              "%s: fold inside a UTF-8 sequence at %zu",
			              path, start);
		}
		if (n > 0) {
			unsigned char last = (unsigned char)s[i - 2];
			ck_assert_msg(last < 0xC0,
			              "%s: line ends on a lead byte at %zu",
			              path, i);
		}
		start = i + 1;
	}
	return folds;
}

typedef struct expected_event {
	const char *date; /* YYYY-MM-DD */
	const char *uid;
	char *summary;
	const char *location;
} expected_event;

/* Parses `path` with libical and compares its events, in order, to `want`. */
static void check_calendar(const char *path, const expected_event *want,
                           size_t n_want)
{
	size_t len;
	char *s = read_file(path, &len);
	check_lines(path, s, len);
	ck_assert(strncmp(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
	ck_assert(has(s, "\r\nPRODID:-//appui//mission plan//EN\r\n"));
	ck_assert(has(s, "\r\nCALSCALE:GREGORIAN\r\n"));
	ck_assert(has(s, "\r\nMETHOD:PUBLISH\r\n"));
	ck_assert(has(s, "\r\nX-WR-CALNAME:"));

	icalcomponent *cal = icalparser_parse_string(s);
	ck_assert_msg(cal != NULL, "%s: libical cannot parse it", path);
	ck_assert_int_eq(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	size_t n = 0;
	for (icalcomponent *ev =
	         icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(cal,
	                                               ICAL_VEVENT_COMPONENT)) {
		ck_assert_msg(n < n_want, "%s: more events than mission days",
		              path);
		const expected_event *w = &want[n++];
		struct icaltimetype t = icalcomponent_get_dtstart(ev);
		char date[16];
		snprintf(date, sizeof date, "%04d-%02d-%02d", t.year, t.month,
		         t.day);
		ck_assert(t.is_date);
		ck_assert_str_eq(date, w->date);
		struct icaltimetype e = icalcomponent_get_dtend(ev);
		ck_assert(e.is_date);
		ck_assert_int_eq(icaltime_compare_date_only(e, t), 1);
		ck_assert_int_eq(icaltime_as_timet(e) - icaltime_as_timet(t),
		                 86400);
		ck_assert_str_eq(icalcomponent_get_uid(ev), w->uid);
		ck_assert_str_eq(icalcomponent_get_summary(ev), w->summary);
		ck_assert_str_eq(icalcomponent_get_location(ev), w->location);
		const char *desc = icalcomponent_get_description(ev);
		ck_assert_ptr_nonnull(desc);
		struct icaltimetype stamp = icalcomponent_get_dtstamp(ev);
		ck_assert_str_eq(icaltime_as_ical_string(stamp),
		                 "20190902T000000Z");
		ck_assert_int_eq(icalcomponent_get_status(ev),
		                 ICAL_STATUS_CONFIRMED);
	}
	ck_assert_uint_eq(n, n_want);
	icalcomponent_free(cal);
	free(s);
}

/* The events of one mission; UIDs name the case, the day and the firm. */
static size_t mission_events(expected_event *out, const char *case_id,
                             const char *firm, const char *name,
                             const char *themes, const char *location,
                             const char *const *dates, int days)
{
	for (int k = 0; k < days; k++) {
		char uid[64];
		snprintf(uid, sizeof uid, "%s-%.4s%.2s%.2s-%s@appui", case_id,
		         dates[k], dates[k] + 5, dates[k] + 8, firm);
		size_t n = strlen(name) + strlen(themes) + 64;
		char *summary = malloc(n);
		snprintf(summary, n, "Appui solidaire: %s (%s) day %d/%d", name,
		         themes, k + 1, days);
		out[k].date = dates[k];
		out[k].uid = strdup(uid);
		out[k].summary = summary;
		out[k].location = location;
	}
	return (size_t)days;
}

static void free_events(expected_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)ev[i].uid);
		free(ev[i].summary);
	}
}

START_TEST(ics_reads_back)
{
	char tmp[64], dir[128];
	make_tmpdir(tmp);
	/* A folder that does not exist yet is created. */
	snprintf(dir, sizeof dir, "%s/calendars", tmp);
	ap_diags *d = ap_diags_new();
	ck_assert_int_eq(ap_plan_ics(&plan, dir, d), 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	/* One file per firm with missions (not the idle F3), nothing else. */
	char *names = list_dir(dir);
	ck_assert_str_eq(names, "F1.ics F2.ics");
	free(names);

	expected_event f1[8], f2[4];
	size_t n1 =
	    mission_events(f1, "C-001", "F1", NAME0, "quality, security",
	                   NAME0 ", Saint-Étienne", strs0, 5);
	n1 += mission_events(f1 + n1, "C-003", "F1", NAME2, "quality",
	                     NAME2 ", Lyon", strs2, 3);
	size_t n2 = mission_events(f2, "C-002", "F2", NAME1, "urban",
	                           NAME1 ", Châtenay-Malabry", strs1, 4);
	char path[256];
	snprintf(path, sizeof path, "%s/F1.ics", dir);
	check_calendar(path, f1, n1);
	snprintf(path, sizeof path, "%s/F2.ics", dir);
	check_calendar(path, f2, n2);
	free_events(f1, n1);
	free_events(f2, n2);

	/* The long name is folded, and the escapes are in the raw text. */
	size_t len;
	char *s = read_file(path, &len);
	ck_assert_int_gt(check_lines(path, s, len), 0);
	free(s);
	snprintf(path, sizeof path, "%s/F1.ics", dir);
	char *first = read_file(path, &len);
	ck_assert_msg(has(first, "\"Les Tilleuls\"\\, bât. A\\; entrée 2"),
	              "%s", first);

	/* Written again over the existing files: the same bytes, no
	 * temporary file left. */
	ck_assert_int_eq(ap_plan_ics(&plan, dir, d), 0);
	size_t len2;
	char *second = read_file(path, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert(memcmp(first, second, len) == 0);
	free(first);
	free(second);
	names = list_dir(dir);
	ck_assert_str_eq(names, "F1.ics F2.ics");
	free(names);

	ap_diags_free(d);
	rm_tree(tmp);
	/* libical keeps a ring of temporary strings and the UTC zone: release
	 * them so that valgrind shows only what the code under test keeps. */
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
}
END_TEST

/* A fold falls inside a character unless the writer backs up: the same
 * run of 2-, 3- and 4-byte characters after 0 to 3 ASCII letters puts
 * every kind of byte at every fold position. */
START_TEST(ics_folds_between_characters)
{
	static const char *const th[] = {"quality"};
	char tmp[64], path[128];
	make_tmpdir(tmp);
	snprintf(path, sizeof path, "%s/F1.ics", tmp);
	for (int pad = 0; pad < 4; pad++) {
		char name[512] = "";
		for (int i = 0; i < pad; i++)
			strcat(name, "x");
		for (int i = 0; i < 12; i++)
			strcat(name, "é€\xF0\x9F\x8F\xA0");
		ap_plan_input *in = ap_plan_input_new();
		ap_plan_site site;
		memset(&site, 0, sizeof site);
		site.case_id = "C-1";
		site.site_id = "S-1";
		site.site_name = name;
		site.commune = "Ümlaut";
		site.organisation_id = "O-1";
		site.organisation_name = name;
		site.themes = th;
		site.n_themes = 1;
		site.days = 3;
		site.priority = 50;
		ap_plan_input_add_site(in, &site);
		ap_planned m = {0, 0, 3, dates2, 3450, NULL, 0, 0, 0};
		plan.input = in;
		plan.missions = &m;
		plan.n_missions = 1;
		ap_diags *d = ap_diags_new();
		ck_assert_int_eq(ap_plan_ics(&plan, tmp, d), 0);
		ap_diags_free(d);

		expected_event ev[3];
		char loc[600];
		snprintf(loc, sizeof loc, "%s, Ümlaut", name);
		size_t n = mission_events(ev, "C-1", "F1", name, "quality", loc,
		                          strs2, 3);
		check_calendar(path, ev, n);
		free_events(ev, n);
		ap_plan_input_free(in);
	}
	plan.input = input;
	rm_tree(tmp);
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
}
END_TEST

START_TEST(ics_failures_leave_nothing)
{
	char tmp[64], target[192];
	make_tmpdir(tmp);
	char plain[128];
	snprintf(plain, sizeof plain, "%s/plain", tmp);
	FILE *f = fopen(plain, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a folder\n", f);
	fclose(f);

	/* A folder under a regular file cannot be created. */
	ap_diags *d = ap_diags_new();
	snprintf(target, sizeof target, "%s/sub", plain);
	ck_assert_int_eq(ap_plan_ics(&plan, target, d), -1);
	ck_assert_uint_ge(ap_diags_errors(d), 1);
	const ap_diag *g = ap_diags_at(d, 0);
	ck_assert_int_eq(g->severity, AP_ERROR);
	ck_assert_int_eq(g->line, 0);
	ck_assert_msg(strncmp(g->file, target, strlen(target)) == 0, "file %s",
	              g->file);
	ck_assert_msg(g->message[0] != '\0', "empty message");
	char *names = list_dir(tmp);
	ck_assert_str_eq(names, "plain");
	free(names);

	/* The target is a regular file: DIR/FILE:0: message, nothing created.
	 */
	ap_diags_clear(d);
	ck_assert_int_eq(ap_plan_ics(&plan, plain, d), -1);
	ck_assert_uint_ge(ap_diags_errors(d), 1);
	g = ap_diags_at(d, 0);
	char want[192];
	snprintf(want, sizeof want, "%s/F1.ics", plain);
	ck_assert_str_eq(g->file, want);
	ck_assert_int_eq(g->line, 0);
	names = list_dir(tmp);
	ck_assert_str_eq(names, "plain");
	free(names);

	/* A read-only folder (when not root, who may write anyway): the
	 * error names the file, and no temporary file stays behind. */
	char ro[128];
	snprintf(ro, sizeof ro, "%s/ro", tmp);
	ck_assert_int_eq(mkdir(ro, 0555), 0);
	if (geteuid() != 0) {
		ap_diags_clear(d);
		ck_assert_int_eq(ap_plan_ics(&plan, ro, d), -1);
		snprintf(want, sizeof want, "%s/F1.ics", ro);
		ck_assert_str_eq(ap_diags_at(d, 0)->file, want);
		names = list_dir(ro);
		ck_assert_str_eq(names, "");
		free(names);
	}
	chmod(ro, 0755);

	/* The last step fails (F1.ics is a folder, rename() refuses): the
	 * temporary files of both calendars are removed. */
	char busy[128], sub[192];
	snprintf(busy, sizeof busy, "%s/busy", tmp);
	snprintf(sub, sizeof sub, "%s/F1.ics", busy);
	ck_assert_int_eq(mkdir(busy, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ap_diags_clear(d);
	ck_assert_int_eq(ap_plan_ics(&plan, busy, d), -1);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, sub);
	names = list_dir(busy);
	ck_assert_str_eq(names, "F1.ics");
	free(names);
	rmdir(sub);
	rmdir(busy);

	/* A firm id that is not a file name is refused, nothing written. */
	char out[128];
	snprintf(out, sizeof out, "%s/out", tmp);
	firms[0].id = "../F1";
	ap_diags_clear(d);
	ck_assert_int_eq(ap_plan_ics(&plan, out, d), -1);
	ck_assert_uint_ge(ap_diags_errors(d), 1);
	names = list_dir(tmp);
	ck_assert_str_eq(names, "plain ro");
	free(names);
	firms[0].id = "F1";

	/* No mission: no calendar, and no error. */
	plan.n_missions = 0;
	ap_diags_clear(d);
	ck_assert_int_eq(ap_plan_ics(&plan, out, d), 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);

	ap_diags_free(d);
	rm_tree(tmp);
}
END_TEST

/* ---- what-if ------------------------------------------------------------- */

/* The settings a what-if replaced are in the table's heading and in the
 * JSON campaign, with the file's values; the CSV is the plan's alone. */
START_TEST(overrides_shown)
{
	ap_override ov[] = {
	    {AP_OVERRIDE_BUDGET_DAYS, 0, 20, 1, 150},
	    {AP_OVERRIDE_BUDGET_EUROS, 0, 30000, 0, 0},
	    {AP_OVERRIDE_CAPACITY, 2, 0, 1, 20},
	};
	char *csv0 = capture(w_csv, &plan, NULL, NULL);
	char *t0 = capture(w_table, &plan, NULL, NULL);
	ck_assert(!has(t0, "What-if"));
	char *j0 = capture(w_json, &plan, NULL, NULL);
	ck_assert(!has(j0, "overrides"));
	camp.overrides = ov;
	camp.n_overrides = 3;

	char *t = capture(w_table, &plan, NULL, NULL);
	char *l = line_with(t, "What-if");
	ck_assert_msg(l && strcmp(l, "What-if (not the campaign file): "
	                             "budget.days 20 (file: 150); budget.euros "
	                             "30000.00 (file: none); capacity of F3 0 "
	                             "(file: 20)") == 0,
	              "%s", t);
	/* Right under the title. */
	ck_assert_ptr_eq(strstr(t, "What-if"), strchr(t, '\n') + 1);
	free(l);
	free(t);

	char *js = capture(w_json, &plan, NULL, NULL);
	json_error_t err;
	json_t *doc = json_loads(js, 0, &err);
	ck_assert_msg(doc != NULL, "%s", err.text);
	json_t *a =
	    json_object_get(json_object_get(doc, "campaign"), "overrides");
	ck_assert_uint_eq(json_array_size(a), 3);
	json_t *o = json_array_get(a, 0);
	ck_assert_str_eq(jsonout_str(o, "setting"), "budget.days");
	ck_assert(json_is_integer(json_object_get(o, "value")));
	ck_assert_double_eq(jnumber(o, "value"), 20);
	ck_assert_double_eq(jnumber(o, "file"), 150);
	ck_assert_ptr_null(json_object_get(o, "firm"));
	o = json_array_get(a, 1);
	ck_assert_str_eq(jsonout_str(o, "setting"), "budget.euros");
	ck_assert(json_is_null(json_object_get(o, "file")));
	o = json_array_get(a, 2);
	ck_assert_str_eq(jsonout_str(o, "setting"), "capacity");
	ck_assert_str_eq(jsonout_str(o, "firm"), "F3");
	ck_assert_double_eq(jnumber(o, "value"), 0);
	ck_assert_double_eq(jnumber(o, "file"), 20);
	json_decref(doc);
	free(js);

	char *c1 = capture(w_csv, &plan, NULL, NULL);
	ck_assert_str_eq(c1, csv0);
	free(c1);
	free(csv0);
	free(t0);
	free(j0);
	camp.overrides = NULL;
	camp.n_overrides = 0;
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_report");
	TCase *tc = tcase_create("plan_report");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reason_names);
	tcase_add_test(tc, table_rows_totals_and_reasons);
	tcase_add_test(tc, json_document);
	tcase_add_test(tc, overrides_shown);
	tcase_add_test(tc, csv_reads_back);
	tcase_add_test(tc, ics_reads_back);
	tcase_add_test(tc, ics_folds_between_characters);
	tcase_add_test(tc, ics_failures_leave_nothing);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
