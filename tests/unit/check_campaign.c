/* Unit tests of the campaign reader: the shipped file, every kind of bad
 * campaign with its FILE:LINE, and firm availability, themes and regions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/campaign.h"
#include "testutil.h"

#define SHIPPED APPUI_TEST_SRCDIR "/../configs/campaign.cfg"

static const char *const themes[] = {"quality", "urban", "security"};

/* Lines 1-3 of most test files; a test adds its own from line 4. */
#define HEAD                                                            \
	"id = \"T-1\";\n"                                               \
	"window = { start = \"2019-09-02\"; end = \"2019-12-20\"; };\n" \
	"budget = { days = 120; euros = 165000.0; };\n"

/* One valid firm, on one line. */
#define FIRM(id)                                                               \
	"  { id = \"" id "\"; themes = [ \"quality\" ]; regions = [ \"*\" ]; " \
	"daily_rate = 1000.0; capacity = 20; }"

/* Lines 4-5: the opening of a firm F; a test adds its other members from
 * line 6. */
#define FIRM_F        \
	"firms = (\n" \
	"  { id = \"F\"; themes = [ \"quality\" ]; regions = [ \"*\" ];\n"

static char dir[64];

/* One scratch folder per test, removed by the teardown. */
static void make_dir(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof dir, "/tmp/appui-camp-XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
}

static void remove_dir(void)
{
	static const char *const names[] = {"campaign.cfg", "firms.cfg"};
	if (!dir[0])
		return;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	dir[0] = '\0';
}

static char *write_file(const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void dump(const ap_diags *d)
{
	for (size_t i = 0; i < ap_diags_count(d); i++)
		ap_diag_print(stderr, ap_diags_at(d, i));
}

/* 1 when `d` holds a problem of severity `sev` on `line` of `path` whose
 * message contains `needle`. */
static int has(const ap_diags *d, ap_severity sev, const char *path, long line,
               const char *needle)
{
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity == sev && g->line == line &&
		    strcmp(g->file, path) == 0 && strstr(g->message, needle))
			return 1;
	}
	return 0;
}

/* Loads `text` (the plugins' themes known) and expects failure with an
 * error containing `needle` on line `line`. */
static void expect_error(const char *text, long line, const char *needle)
{
	make_dir();
	char *path = write_file("campaign.cfg", text);
	ap_diags *d = ap_diags_new();
	ap_campaign *c = (ap_campaign *)1;
	int rc = ap_campaign_load(&c, path, themes, 3, d);
	int found = has(d, AP_ERROR, path, line, needle);
	if (!found)
		dump(d);
	ck_assert_msg(rc == -1 && c == NULL, "expected failure");
	ck_assert_msg(found, "no error '%s' at line %ld", needle, line);
	ap_diags_free(d);
	free(path);
}

/* Loads `text`, expecting success; the diagnostics are left in `d`. */
static ap_campaign *load_ok(const char *text, ap_diags *d, char **path_out)
{
	make_dir();
	char *path = write_file("campaign.cfg", text);
	ap_campaign *c = NULL;
	int rc = ap_campaign_load(&c, path, themes, 3, d);
	if (rc != 0)
		dump(d);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(c);
	if (path_out)
		*path_out = path;
	else
		free(path);
	return c;
}

static ap_day day_of(int y, int m, int d)
{
	return ap_day_from_date((ap_date){y, m, d});
}

static const ap_firm *firm_by_id(const ap_campaign *c, const char *id)
{
	for (size_t i = 0; i < c->n_firms; i++)
		if (strcmp(c->firms[i].id, id) == 0)
			return &c->firms[i];
	return NULL;
}

START_TEST(shipped_file_loads_cleanly)
{
	ap_diags *d = ap_diags_new();
	ap_campaign *c = NULL;
	int rc = ap_campaign_load(&c, SHIPPED, themes, 3, d);
	dump(d);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ck_assert_str_eq(c->id, "USH-APPUI-2016-2019");
	ck_assert_str_eq(c->path, SHIPPED);
	ck_assert_int_eq(c->window_first, day_of(2016, 5, 2));
	ck_assert_int_eq(c->window_last, day_of(2020, 3, 31));
	ck_assert(c->has_budget_days && c->has_budget_euros);
	ck_assert_int_eq(c->budget_days, 150);
	ck_assert_double_eq(c->budget_euros, 185000.0);
	ck_assert_int_eq(c->min_days, 3);
	ck_assert_int_eq(c->max_days, 6);
	ck_assert_int_eq(c->allow_shorter, 0);
	ck_assert_int_eq(c->max_span_days, 56);
	ck_assert_double_eq(c->min_priority, 0.0);
	ck_assert_uint_eq(c->n_firms, 7);

	/* The firms the example case files name, plus one national firm. */
	static const char *const example_firms[] = {"FIRM-ARGOS",
	                                            "FIRM-TRAJECTOIRES",
	                                            "FIRM-HABITAT-CONSEIL",
	                                            "FIRM-VILLE-ET-USAGES",
	                                            "FIRM-SECURITE-URBAINE",
	                                            "FIRM-QUALITEL-CONSEIL"};
	for (size_t i = 0; i < 6; i++)
		ck_assert_msg(firm_by_id(c, example_firms[i]) != NULL,
		              "%s missing", example_firms[i]);
	size_t national = 0;
	for (size_t i = 0; i < c->n_firms; i++) {
		const ap_firm *f = &c->firms[i];
		ck_assert(f->n_themes >= 1 && f->n_themes <= 3);
		ck_assert(f->daily_rate >= 900 && f->daily_rate <= 1400);
		ck_assert(f->capacity >= 12 && f->capacity <= 36);
		ck_assert(f->line > 0);
		national += ap_firm_serves(f, NULL);
	}
	ck_assert_uint_eq(national, 1);

	/* The examples' regions: all three themes together can be served in
	 * most, but not in Bourgogne-Franche-Comté, where a site needing
	 * security has no firm, nor in Centre-Val de Loire. */
	static const char *const regions[] = {"Auvergne-Rhône-Alpes",
	                                      "Bourgogne-Franche-Comté",
	                                      "Bretagne",
	                                      "Centre-Val de Loire",
	                                      "Corse",
	                                      "Grand Est",
	                                      "Hauts-de-France",
	                                      "Normandie",
	                                      "Nouvelle-Aquitaine",
	                                      "Occitanie",
	                                      "Pays de la Loire",
	                                      "Provence-Alpes-Côte d'Azur",
	                                      "Île-de-France"};
	size_t all_three = 0;
	for (size_t r = 0; r < sizeof regions / sizeof regions[0]; r++) {
		int q = 0, u = 0, s = 0, qus = 0;
		for (size_t i = 0; i < c->n_firms; i++) {
			const ap_firm *f = &c->firms[i];
			if (!ap_firm_serves(f, regions[r]))
				continue;
			q |= ap_firm_covers(f, "quality");
			u |= ap_firm_covers(f, "urban");
			s |= ap_firm_covers(f, "security");
			qus |= ap_firm_covers(f, "quality") &&
			       ap_firm_covers(f, "urban") &&
			       ap_firm_covers(f, "security");
		}
		/* Quality and urban everywhere, through the national firm. */
		ck_assert(q && u);
		int no_security =
		    strcmp(regions[r], "Bourgogne-Franche-Comté") == 0 ||
		    strcmp(regions[r], "Centre-Val de Loire") == 0;
		ck_assert_msg(s == !no_security, "%s", regions[r]);
		all_three += qus;
	}
	ck_assert_uint_eq(all_three, 11);
	ap_campaign_free(c);
	ap_diags_free(d);
}
END_TEST

START_TEST(defaults_and_values)
{
	ap_diags *d = ap_diags_new();
	ap_campaign *c = load_ok(
	    "id = \"T\";\n"
	    "window = { start = \"2019-09-02\"; end = \"2019-09-30\"; };\n"
	    "budget = { euros = 20000; };\n"
	    "firms = (\n" FIRM("F") "\n);\n",
	    d, NULL);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ck_assert_str_eq(c->name, "T"); /* the id when no name */
	ck_assert(!c->has_budget_days && c->has_budget_euros);
	ck_assert_double_eq(c->budget_euros,
	                    20000.0); /* whole number accepted */
	ck_assert_int_eq(c->min_days, 3);
	ck_assert_int_eq(c->max_days, 6);
	ck_assert_int_eq(c->allow_shorter, 0);
	ck_assert_int_eq(c->max_span_days, 56);
	ck_assert_double_eq(c->min_priority, 0);
	ck_assert_str_eq(c->firms[0].name, "F");
	ck_assert_int_eq(c->firms[0].line, 5);
	ck_assert_uint_eq(c->firms[0].n_days_off, 0);
	ap_campaign_free(c);

	c = load_ok(
	    HEAD
	    "policy = { min_days = 4; max_days = 5; allow_shorter = true;\n"
	    "  max_span_weeks = 6; min_priority = 10; };\n"
	    "firms = (\n"
	    "  { id = \"F\"; name = \"Fa\"; themes = [ \"urban\", \"security\" "
	    "];\n"
	    "    regions = ( \"Corse\" ); daily_rate = 990; capacity = 0;\n"
	    "    days_off = ( [ \"2019-10-01\", \"2019-10-02\" ], [ "
	    "\"2019-11-04\", \"2019-11-04\" ] ); }\n"
	    ");\n",
	    d, NULL);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ck_assert(c->has_budget_days && c->has_budget_euros);
	ck_assert_int_eq(c->min_days, 4);
	ck_assert_int_eq(c->max_days, 5);
	ck_assert_int_eq(c->allow_shorter, 1);
	ck_assert_int_eq(c->max_span_days, 42);
	ck_assert_double_eq(c->min_priority, 10);
	const ap_firm *f = &c->firms[0];
	ck_assert_str_eq(f->name, "Fa");
	ck_assert_uint_eq(f->n_themes, 2);
	ck_assert_str_eq(f->themes[1], "security");
	ck_assert_uint_eq(f->n_regions, 1);
	ck_assert_str_eq(f->regions[0], "Corse");
	ck_assert_double_eq(f->daily_rate, 990);
	/* 0: listed but taking no mission this campaign. */
	ck_assert_int_eq(f->capacity, 0);
	ck_assert_uint_eq(f->n_days_off, 2);
	ck_assert_int_eq(f->days_off[0].first, day_of(2019, 10, 1));
	ck_assert_int_eq(f->days_off[0].last, day_of(2019, 10, 2));
	ck_assert_int_eq(f->days_off[1].first, f->days_off[1].last);
	ap_campaign_free(c);
	ap_diags_free(d);
}
END_TEST

START_TEST(missing_and_unreadable_files)
{
	ap_diags *d = ap_diags_new();
	ap_campaign *c = (ap_campaign *)1;
	ck_assert_int_eq(
	    ap_campaign_load(&c, "/nonexistent/campaign.cfg", themes, 3, d),
	    -1);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(ap_diags_count(d), 1);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, "/nonexistent/campaign.cfg");
	ck_assert_int_eq(ap_diags_at(d, 0)->line, 0);
	ck_assert(
	    strstr(ap_diags_at(d, 0)->message, "No such file or directory"));
	ap_diags_clear(d);
	make_dir();
	ck_assert_int_eq(ap_campaign_load(&c, dir, themes, 3, d), -1);
	ck_assert(strstr(ap_diags_at(d, 0)->message, "not a regular file"));
	ap_diags_free(d);
}
END_TEST

START_TEST(syntax_error_has_its_line)
{
	expect_error(HEAD "firms = (\n" FIRM("F") "\n);\npolicy = = 3;\n", 7,
	             "syntax error");
}
END_TEST

START_TEST(unknown_keys)
{
	expect_error(HEAD "firms = (\n" FIRM("F") "\n"
	                                          ");\n"
	                                          "bugdet = 3;\n",
	             7,
	             "unknown setting 'bugdet' (known here: id, name, window, "
	             "budget, policy, firms)");
	expect_error(HEAD "policy = {\n"
	                  "  max_day = 5;\n"
	                  "};\n",
	             5, "unknown setting 'policy.max_day'");
	expect_error(HEAD FIRM_F "    daily_rate = 1000.0; capacity = 20;\n"
	                         "    dayoff = 3; }\n"
	                         ");\n",
	             7,
	             "unknown setting 'firms[0].dayoff' (known here: id, name, "
	             "themes, regions, daily_rate, capacity, days_off)");
	expect_error(
	    "id = \"T\";\n"
	    "window = { start = \"2019-09-02\"; end = \"2019-12-20\";\n"
	    "  begin = \"2019-09-01\"; };\n"
	    "budget = { days = 1; hours = 3; };\n",
	    4, "unknown setting 'budget.hours'");
}
END_TEST

START_TEST(wrong_types)
{
	expect_error("id = 2019;\n", 1,
	             "'id' must be a string, not a whole number");
	expect_error(
	    "id = \"T\";\n"
	    "budget = {\n"
	    "  days = 12.5;\n"
	    "};\n",
	    3, "'budget.days' must be a whole number, not a decimal number");
	expect_error(
	    HEAD "policy = {\n"
	         "  allow_shorter = 1;\n"
	         "};\n",
	    5, "'policy.allow_shorter' must be a boolean, not a whole number");
	expect_error(HEAD "firms = (\n"
	                  "  { id = \"F\"; regions = [ \"*\" ];\n"
	                  "    themes = \"quality\";\n"
	                  "    daily_rate = 1000.0; capacity = 20; }\n"
	                  ");\n",
	             6, "'firms[0].themes' must be an array of strings");
	expect_error(HEAD FIRM_F "    daily_rate = \"1000\"; capacity = 20; }\n"
	                         ");\n",
	             6, "'firms[0].daily_rate' must be a number, not a string");
	expect_error(
	    HEAD FIRM_F "    daily_rate = 1000.0; capacity = 20.0; }\n"
	                ");\n",
	    6, "'firms[0].capacity' must be a whole number, not a decimal");
	expect_error(HEAD "firms = [ 1, 2 ];\n", 4,
	             "'firms' must be a list ( ), not an array");
	expect_error(HEAD "firms = ( 1 );\n", 4, "each firm must be a group");
	expect_error(HEAD FIRM_F "    daily_rate = 1000.0; capacity = 20;\n"
	                         "    days_off = ( [ \"2019-10-01\" ] ); }\n"
	                         ");\n",
	             7, "each day off must be a range");
	expect_error("id = \"T\";\n"
	             "window = \"2019-09-02\";\n",
	             2, "'window' must be a group { }, not a string");
}
END_TEST

START_TEST(bad_dates)
{
	expect_error("id = \"T\";\n"
	             "window = {\n"
	             "  start = \"2019-02-29\";\n"
	             "  end = \"2019-12-20\";\n"
	             "};\n",
	             3, "'window.start' = \"2019-02-29\" is not a date");
	expect_error("id = \"T\";\n"
	             "window = {\n"
	             "  start = \"2019-09-02\";\n"
	             "  end = \"2019-12-2\";\n"
	             "};\n",
	             4, "'window.end' = \"2019-12-2\" is not a date");
	expect_error(
	    HEAD FIRM_F "    daily_rate = 1000.0; capacity = 20;\n"
	                "    days_off = ( [ \"2019-10-01\",\n"
	                "                   \"2019-13-01\" ] ); }\n"
	                ");\n",
	    8, "'firms[0].days_off[0][1]' = \"2019-13-01\" is not a date");
	expect_error("id = \"T\";\n"
	             "window = {\n"
	             "  start = \"2019-09-02\";\n"
	             "};\n",
	             2, "the window has no 'end' date");
	expect_error("id = \"T\";\n", 0, "no 'window'");
}
END_TEST

START_TEST(window_out_of_order)
{
	expect_error("id = \"T\";\n"
	             "budget = { days = 10; };\n"
	             "window = {\n"
	             "  start = \"2019-12-20\";\n"
	             "  end = \"2019-09-02\";\n"
	             "};\n",
	             3,
	             "the window starts on 2019-12-20, after it ends on "
	             "2019-09-02");
}
END_TEST

START_TEST(day_off_ranges)
{
	expect_error(
	    HEAD FIRM_F "    daily_rate = 1000.0; capacity = 20;\n"
	                "    days_off = (\n"
	                "      [ \"2019-10-31\", \"2019-10-28\" ]\n"
	                "    ); }\n"
	                ");\n",
	    8,
	    "firm 'F': the day-off range ends on 2019-10-28, before it "
	    "starts on 2019-10-31");

	/* Outside the window: a warning, and the file still loads. */
	ap_diags *d = ap_diags_new();
	char *path;
	ap_campaign *c =
	    load_ok(HEAD FIRM_F "    daily_rate = 1000.0; capacity = 20;\n"
	                        "    days_off = (\n"
	                        "      [ \"2019-10-28\", \"2019-10-31\" ],\n"
	                        "      [ \"2019-12-23\", \"2019-12-23\" ],\n"
	                        "      [ \"2019-12-16\", \"2020-01-03\" ]\n"
	                        "    ); }\n"
	                        ");\n",
	            d, &path);
	ck_assert_uint_eq(ap_diags_count(d), 2);
	ck_assert_uint_eq(ap_diags_errors(d), 0);
	ck_assert(
	    has(d, AP_WARNING, path, 9,
	        "firm 'F': days off 2019-12-23..2019-12-23 are outside the "
	        "campaign window (2019-09-02..2019-12-20)"));
	ck_assert(has(d, AP_WARNING, path, 10,
	              "days off 2019-12-16..2020-01-03 are partly outside"));
	ck_assert_uint_eq(c->firms[0].n_days_off, 3);
	ap_campaign_free(c);
	ap_diags_free(d);
	free(path);
}
END_TEST

START_TEST(budget_problems)
{
	expect_error("id = \"T\";\n"
	             "budget = {\n"
	             "  days = 0;\n"
	             "};\n",
	             3, "'budget.days' = 0: a budget must be positive");
	expect_error("id = \"T\";\n"
	             "budget = {\n"
	             "  days = -10;\n"
	             "};\n",
	             3, "'budget.days' = -10: a budget must be positive");
	expect_error("id = \"T\";\n"
	             "budget = {\n"
	             "  days = 10;\n"
	             "  euros = -5000.0;\n"
	             "};\n",
	             4, "'budget.euros' = -5000: a budget must be positive");
	expect_error("id = \"T\";\n"
	             "budget = {\n"
	             "  euros = 0;\n"
	             "};\n",
	             3, "'budget.euros' = 0: a budget must be positive");
	expect_error("id = \"T\";\n"
	             "\n"
	             "budget = { };\n",
	             3, "the budget sets neither 'days' nor 'euros'");
	/* No budget at all: the file is the problem, not a line. */
	expect_error(
	    "id = \"T\";\n"
	    "window = { start = \"2019-09-02\"; end = \"2019-12-20\"; };\n"
	    "firms = (\n" FIRM("F") "\n"
	                            ");\n",
	    0, "no 'budget'");
}
END_TEST

START_TEST(firm_without_theme)
{
	expect_error(HEAD "firms = (\n" FIRM(
	                 "F") ",\n"
	                      "  { id = \"G\";\n"
	                      "    themes = [ ];\n"
	                      "    regions = [ \"*\" ];\n"
	                      "    daily_rate = 1000.0; capacity = 20; }\n"
	                      ");\n",
	             7, "firm 'G' covers no theme");
	expect_error(HEAD "firms = (\n"
	                  "  { id = \"G\"; regions = [ \"*\" ];\n"
	                  "    daily_rate = 1000.0; capacity = 20; }\n"
	                  ");\n",
	             5, "firm 'G' covers no theme: set themes");
}
END_TEST

START_TEST(unknown_theme)
{
	const char *text = HEAD "firms = (\n"
	                        "  { id = \"F\";\n"
	                        "    themes = [ \"quality\",\n"
	                        "      \"securty\" ];\n"
	                        "    regions = [ \"*\" ];\n"
	                        "    daily_rate = 1000.0; capacity = 20; }\n"
	                        ");\n";
	expect_error(text, 7,
	             "firm 'F' covers unknown theme 'securty' (themes of the "
	             "loaded plugins: quality, urban, security)");
	/* Without the plugins' themes, any theme is taken as is. */
	make_dir();
	char *path = write_file("campaign.cfg", text);
	ap_diags *d = ap_diags_new();
	ap_campaign *c = NULL;
	ck_assert_int_eq(ap_campaign_load(&c, path, NULL, 0, d), 0);
	ck_assert_str_eq(c->firms[0].themes[1], "securty");
	ap_campaign_free(c);
	ap_diags_free(d);
	free(path);
}
END_TEST

START_TEST(duplicate_firm)
{
	expect_error(
	    HEAD "firms = (\n" FIRM("FIRM-A") ",\n" FIRM(
	        "FIRM-B") ",\n"
	                  "  {\n"
	                  "    id = \"FIRM-A\";\n"
	                  "    themes = [ \"urban\" ]; regions = [ \"*\" ];\n"
	                  "    daily_rate = 1000.0; capacity = 20; }\n"
	                  ");\n",
	    8, "firm id 'FIRM-A' is defined twice (first at line 5)");
}
END_TEST

START_TEST(firm_without_region)
{
	expect_error(
	    HEAD "firms = (\n"
	         "  { id = \"F\"; themes = [ \"quality\" ];\n"
	         "    regions = [ ];\n"
	         "    daily_rate = 1000.0; capacity = 20; }\n"
	         ");\n",
	    6, "firm 'F' serves no region (use [ \"*\" ] for everywhere)");
	expect_error(HEAD "firms = (\n"
	                  "  { id = \"F\"; themes = [ \"quality\" ];\n"
	                  "    daily_rate = 1000.0; capacity = 20; }\n"
	                  ");\n",
	             5, "firm 'F' serves no region: set regions");
	expect_error(HEAD "firms = (\n"
	                  "  { id = \"F\"; themes = [ \"quality\" ];\n"
	                  "    regions = [ \"Corse\", \"\" ];\n"
	                  "    daily_rate = 1000.0; capacity = 20; }\n"
	                  ");\n",
	             6, "'firms[0].regions' holds an empty string");
}
END_TEST

START_TEST(firm_rate_and_capacity)
{
	expect_error(HEAD FIRM_F "    daily_rate = 0.0;\n"
	                         "    capacity = 20; }\n"
	                         ");\n",
	             6, "firm 'F': daily_rate = 0 must be positive");
	expect_error(HEAD FIRM_F "    daily_rate = -900;\n"
	                         "    capacity = 20; }\n"
	                         ");\n",
	             6, "firm 'F': daily_rate = -900 must be positive");
	expect_error(HEAD FIRM_F "    capacity = 20; }\n"
	                         ");\n",
	             5, "firm 'F' has no 'daily_rate'");
	expect_error(HEAD FIRM_F "    daily_rate = 1000.0;\n"
	                         "    capacity = -1; }\n"
	                         ");\n",
	             7, "firm 'F': capacity -1 must not be negative");
	expect_error(HEAD FIRM_F "    daily_rate = 1000.0;\n"
	                         "    capacity = 2; }\n"
	                         ");\n",
	             7, "firm 'F': capacity 2 cannot hold a 3-day mission");
	/* Against the configured minimum, whatever the order in the file. */
	expect_error(HEAD FIRM_F "    daily_rate = 1000.0;\n"
	                         "    capacity = 3; }\n"
	                         ");\n"
	                         "policy = { min_days = 4; };\n",
	             7, "firm 'F': capacity 3 cannot hold a 4-day mission");
	expect_error(HEAD FIRM_F "    daily_rate = 1000.0; }\n"
	                         ");\n",
	             5, "firm 'F' has no 'capacity'");
}
END_TEST

START_TEST(policy_problems)
{
	expect_error(HEAD "policy = {\n"
	                  "  min_days = 5;\n"
	                  "  max_days = 4;\n"
	                  "};\n",
	             4, "min_days (5) is above max_days (4)");
	expect_error(HEAD "policy = {\n"
	                  "  min_days = 0;\n"
	                  "};\n",
	             5, "'policy.min_days' = 0 is out of range (1..60)");
	expect_error(HEAD "policy = {\n"
	                  "  max_span_weeks = 0;\n"
	                  "};\n",
	             5, "'policy.max_span_weeks' = 0 is out of range (1..52)");
	expect_error(HEAD "policy = {\n"
	                  "  min_priority = -1.5;\n"
	                  "};\n",
	             5, "'policy.min_priority' = -1.5 must be zero or more");
}
END_TEST

START_TEST(no_firm)
{
	expect_error(HEAD "firms = (\n"
	                  ");\n",
	             4, "no firm: 'firms' is empty");
	expect_error(HEAD, 0, "no firm: set firms");
}
END_TEST

/* Every problem of a file is reported in one pass, in file order. */
START_TEST(all_errors_collected)
{
	make_dir();
	char *path = write_file(
	    "campaign.cfg",
	    HEAD "policy = { min_days = 0; };\n"
	         "firms = (\n"
	         "  { id = \"F\"; themes = [ \"qualty\" ]; regions = [ ];\n"
	         "    daily_rate = -1.0; capacity = 20; }\n);\n");
	ap_diags *d = ap_diags_new();
	ap_campaign *c = NULL;
	ck_assert_int_eq(ap_campaign_load(&c, path, themes, 3, d), -1);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(ap_diags_errors(d), 4);
	ck_assert(has(d, AP_ERROR, path, 4, "'policy.min_days' = 0"));
	ck_assert(has(d, AP_ERROR, path, 6, "unknown theme 'qualty'"));
	ck_assert(has(d, AP_ERROR, path, 6, "serves no region"));
	ck_assert(
	    has(d, AP_ERROR, path, 7, "daily_rate = -1 must be positive"));
	ap_diags_free(d);
	free(path);
}
END_TEST

START_TEST(includes_resolve_against_the_file)
{
	make_dir();
	char *inc = write_file(
	    "firms.cfg", "firms = (\n" FIRM(
	                     "F") ",\n"
	                          "  { id = \"G\"; themes = [ \"urban\" ]; "
	                          "regions = [ \"*\" ];\n"
	                          "    daily_rate = 0; capacity = 20; }\n);\n");
	char *path =
	    write_file("campaign.cfg", HEAD "@include \"firms.cfg\"\n");
	ap_diags *d = ap_diags_new();
	ap_campaign *c = NULL;
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(ap_campaign_load(&c, path, themes, 3, d), -1);
	/* The error names the included file and its line. */
	ck_assert(has(d, AP_ERROR, inc, 4, "firm 'G': daily_rate = 0"));
	ap_diags_clear(d);
	/* So does a syntax error in it. */
	free(write_file("firms.cfg", "firms = (\n" FIRM("F") "\n;\n"));
	ck_assert_int_eq(ap_campaign_load(&c, path, themes, 3, d), -1);
	ck_assert(has(d, AP_ERROR, inc, 3, "syntax error"));
	ap_diags_clear(d);
	/* A missing include is an error of the including file. */
	unlink(inc);
	ck_assert_int_eq(ap_campaign_load(&c, path, themes, 3, d), -1);
	if (ap_diags_count(d) != 1)
		dump(d);
	ck_assert_uint_eq(ap_diags_errors(d), 1);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, path);
	ap_diags_free(d);
	free(inc);
	free(path);
}
END_TEST

START_TEST(availability)
{
	ap_diags *d = ap_diags_new();
	/* Monday 28 October to Friday 15 November 2019: two holidays (Friday
	 * 1 and Monday 11 November), two weekends, two days off for F. */
	ap_campaign *c = load_ok(
	    "id = \"T\";\nwindow = { start = \"2019-10-28\"; end = "
	    "\"2019-11-15\"; };\n"
	    "budget = { days = 10; };\n"
	    "firms = (\n  { id = \"F\"; themes = [ \"quality\" ]; regions = [ "
	    "\"*\" ];\n"
	    "    daily_rate = 1000.0; capacity = 20;\n"
	    "    days_off = ( [ \"2019-11-05\", \"2019-11-06\" ] ); },\n" FIRM(
	        "G") "\n);\n",
	    d, NULL);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	const ap_firm *f = &c->firms[0], *g = &c->firms[1];
	static const int f_days[] = {28,      29,      30,     31,
	                             4 + 31,  7 + 31,  8 + 31, 12 + 31,
	                             13 + 31, 14 + 31, 15 + 31};
	int nf = 0, ng = 0;
	for (ap_day day = day_of(2019, 10, 20); day <= day_of(2019, 11, 24);
	     day++) {
		int expect = 0;
		for (size_t i = 0; i < sizeof f_days / sizeof f_days[0]; i++)
			expect |= day == day_of(2019, 10, 1) + f_days[i] - 1;
		ck_assert_int_eq(ap_firm_available(c, f, day), expect);
		nf += ap_firm_available(c, f, day);
		ng += ap_firm_available(c, g, day);
	}
	ck_assert_int_eq(nf, 11);
	ck_assert_int_eq(ng, 13);
	ck_assert_int_eq(ap_firm_available(c, f, day_of(2019, 11, 1)),
	                 0); /* Toussaint */
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 11, 11)),
	                 0); /* Armistice */
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 11, 2)),
	                 0); /* Saturday */
	ck_assert_int_eq(ap_firm_available(c, f, day_of(2019, 11, 5)),
	                 0); /* day off */
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 11, 5)), 1);
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 10, 25)),
	                 0); /* before */
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 11, 18)),
	                 0); /* after */
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 10, 28)),
	                 1); /* bounds */
	ck_assert_int_eq(ap_firm_available(c, g, day_of(2019, 11, 15)), 1);
	ap_campaign_free(c);
	ap_diags_free(d);
}
END_TEST

START_TEST(covers_and_serves)
{
	ap_diags *d = ap_diags_new();
	ap_campaign *c = load_ok(
	    HEAD
	    "firms = (\n"
	    "  { id = \"R\"; themes = [ \"quality\", \"urban\" ];\n"
	    "    regions = [ \"Normandie\", \"Île-de-France\" ]; daily_rate = "
	    "1000.0; capacity = 20; },\n"
	    "  { id = \"N\"; themes = [ \"security\" ]; regions = [ \"*\" ];\n"
	    "    daily_rate = 1000.0; capacity = 20; }\n);\n",
	    d, NULL);
	const ap_firm *r = &c->firms[0], *n = &c->firms[1];
	ck_assert_int_eq(ap_firm_covers(r, "quality"), 1);
	ck_assert_int_eq(ap_firm_covers(r, "urban"), 1);
	ck_assert_int_eq(ap_firm_covers(r, "security"), 0);
	ck_assert_int_eq(ap_firm_covers(r, "Quality"), 0);
	ck_assert_int_eq(ap_firm_covers(r, NULL), 0);
	ck_assert_int_eq(ap_firm_covers(n, "security"), 1);
	ck_assert_int_eq(ap_firm_covers(n, "quality"), 0);

	ck_assert_int_eq(ap_firm_serves(r, "Normandie"), 1);
	ck_assert_int_eq(ap_firm_serves(r, "Île-de-France"), 1);
	ck_assert_int_eq(ap_firm_serves(r, "Bretagne"), 0);
	ck_assert_int_eq(ap_firm_serves(r, "Normand"), 0);
	ck_assert_int_eq(ap_firm_serves(r, NULL), 0);
	/* "*": everywhere, including a site with no region. */
	ck_assert_int_eq(ap_firm_serves(n, "Bretagne"), 1);
	ck_assert_int_eq(ap_firm_serves(n, "Corse"), 1);
	ck_assert_int_eq(ap_firm_serves(n, NULL), 1);
	ap_campaign_free(c);
	ap_diags_free(d);
}
END_TEST

/* ---- what-if overrides --------------------------------------------------- */

/* A campaign with a day budget only and two firms, min_days 4. */
#define WHAT_IF                                                         \
	"id = \"T-1\";\n"                                               \
	"window = { start = \"2019-09-02\"; end = \"2019-12-20\"; };\n" \
	"budget = { days = 120; };\n"                                   \
	"policy = { min_days = 4; };\n"                                 \
	"firms = (\n" FIRM("A") ",\n" FIRM("B") "\n);\n"

/* 1 when `d` holds an error on `field` whose message holds `needle`. */
static int has_field(const ap_diags *d, const char *field, const char *needle)
{
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity == AP_ERROR && g->line == 0 &&
		    strcmp(g->field, field) == 0 && strstr(g->message, needle))
			return 1;
	}
	return 0;
}

START_TEST(override_replaces_and_records)
{
	ap_diags *d = ap_diags_new();
	ap_campaign *c = load_ok(WHAT_IF, d, NULL);
	ap_capacity_override caps[] = {{"B", 0}, {"A", 7}};
	ap_override_options o = AP_OVERRIDE_OPTIONS_INIT;
	o.set_budget_days = 1;
	o.budget_days = 60;
	o.set_budget_euros = 1;
	o.budget_euros = 1234.5;
	o.capacities = caps;
	o.n_capacities = 2;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_OK);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ck_assert_int_eq(c->budget_days, 60);
	ck_assert(c->has_budget_euros);
	ck_assert_double_eq(c->budget_euros, 1234.5);
	ck_assert_int_eq(firm_by_id(c, "A")->capacity, 7);
	ck_assert_int_eq(firm_by_id(c, "B")->capacity, 0);
	/* In the order of the settings, then of the firms: not as given. */
	ck_assert_uint_eq(c->n_overrides, 4);
	ck_assert_int_eq(c->overrides[0].setting, AP_OVERRIDE_BUDGET_DAYS);
	ck_assert_double_eq(c->overrides[0].value, 60);
	ck_assert(c->overrides[0].file_set);
	ck_assert_double_eq(c->overrides[0].file_value, 120);
	ck_assert_int_eq(c->overrides[1].setting, AP_OVERRIDE_BUDGET_EUROS);
	ck_assert(!c->overrides[1].file_set); /* the file had no euro budget */
	ck_assert_int_eq(c->overrides[2].setting, AP_OVERRIDE_CAPACITY);
	ck_assert_uint_eq(c->overrides[2].firm, 0);
	ck_assert_double_eq(c->overrides[2].value, 7);
	ck_assert_double_eq(c->overrides[2].file_value, 20);
	ck_assert_uint_eq(c->overrides[3].firm, 1);
	ck_assert_str_eq(ap_override_setting_name(c->overrides[3].setting),
	                 "capacity");

	/* A second what-if keeps the file's value. */
	ap_override_options again = AP_OVERRIDE_OPTIONS_INIT;
	again.set_budget_days = 1;
	again.budget_days = 30;
	ck_assert_int_eq(ap_campaign_override(c, &again, d), AP_OK);
	ck_assert_uint_eq(c->n_overrides, 4);
	ck_assert_int_eq(c->budget_days, 30);
	ck_assert_double_eq(c->overrides[0].value, 30);
	ck_assert_double_eq(c->overrides[0].file_value, 120);
	ap_campaign_free(c);
	ap_diags_free(d);
}
END_TEST

/* Every bad value is reported, and the campaign is left as it was. */
START_TEST(override_refused_whole)
{
	ap_diags *d = ap_diags_new();
	char *path = NULL;
	ap_campaign *c = load_ok(WHAT_IF, d, &path);
	ap_capacity_override caps[] = {{"A", 3}, {"NOPE", 5}, {"B", -1},
	                               {"B", 9}, {"A", 8},    {NULL, 4},
	                               {"B", 0}};
	ap_override_options o = AP_OVERRIDE_OPTIONS_INIT;
	o.set_budget_days = 1;
	o.budget_days = 0;
	o.set_budget_euros = 1;
	o.budget_euros = 1e13;
	o.capacities = caps;
	o.n_capacities = 2;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EINVALID);
	ck_assert(has_field(d, "budget.days", "0 days is out of range"));
	ck_assert(has_field(d, "budget.euros", "at most 1e+12"));
	ck_assert(
	    has_field(d, "firms.capacity",
	              "firm 'A': capacity 3 cannot hold a 4-day mission"));
	ck_assert(
	    has_field(d, "firms.capacity",
	              "no firm 'NOPE' in the campaign (its firms: A, B)"));
	ck_assert_str_eq(ap_diags_at(d, 0)->file, path);
	ck_assert_int_eq(c->budget_days, 120);
	ck_assert(!c->has_budget_euros);
	ck_assert_int_eq(firm_by_id(c, "A")->capacity, 20);
	ck_assert_uint_eq(c->n_overrides, 0);

	ap_diags_clear(d);
	o = (ap_override_options)AP_OVERRIDE_OPTIONS_INIT;
	o.capacities = caps + 2;
	o.n_capacities = 5; /* B -1, B 9, A 8, NULL 4, B 0 */
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EINVALID);
	ck_assert(
	    has_field(d, "firms.capacity",
	              "firm 'B': capacity -1 is out of range (0..100000)"));
	ck_assert(has_field(d, "firms.capacity", "firm 'B' is given twice"));
	ck_assert(has_field(d, "firms.capacity", "no firm '' in the campaign"));
	ck_assert_uint_eq(ap_diags_errors(d), 4);
	ck_assert_int_eq(firm_by_id(c, "A")->capacity, 20);
	ck_assert_int_eq(firm_by_id(c, "B")->capacity, 20);

	/* Non-finite euros, and the limits themselves. */
	ap_diags_clear(d);
	o = (ap_override_options)AP_OVERRIDE_OPTIONS_INIT;
	o.set_budget_euros = 1;
	o.budget_euros = INFINITY;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EINVALID);
	o.budget_euros = NAN;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EINVALID);
	o.budget_euros = -5;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EINVALID);
	ck_assert_uint_eq(ap_diags_errors(d), 3);
	o.budget_euros = 1e12;
	o.set_budget_days = 1;
	o.budget_days = 1000001;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EINVALID);
	o.budget_days = 1000000;
	ap_capacity_override top[] = {{"A", 100000}, {"B", 4}};
	o.capacities = top;
	o.n_capacities = 2;
	ap_diags_clear(d);
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_OK);
	ck_assert_int_eq(c->budget_days, 1000000);
	ck_assert_int_eq(firm_by_id(c, "A")->capacity, 100000);

	/* A wrong version is the caller's mistake. */
	o.version = 99;
	ck_assert_int_eq(ap_campaign_override(c, &o, d), AP_EUSAGE);
	ap_campaign_free(c);
	ap_diags_free(d);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("campaign");
	TCase *tc = tcase_create("campaign");
	tcase_set_timeout(tc, 30);
	/* Checked: after every test, with or without fork. */
	tcase_add_checked_fixture(tc, NULL, remove_dir);
	tcase_add_test(tc, shipped_file_loads_cleanly);
	tcase_add_test(tc, defaults_and_values);
	tcase_add_test(tc, missing_and_unreadable_files);
	tcase_add_test(tc, syntax_error_has_its_line);
	tcase_add_test(tc, unknown_keys);
	tcase_add_test(tc, wrong_types);
	tcase_add_test(tc, bad_dates);
	tcase_add_test(tc, window_out_of_order);
	tcase_add_test(tc, day_off_ranges);
	tcase_add_test(tc, budget_problems);
	tcase_add_test(tc, firm_without_theme);
	tcase_add_test(tc, unknown_theme);
	tcase_add_test(tc, duplicate_firm);
	tcase_add_test(tc, firm_without_region);
	tcase_add_test(tc, firm_rate_and_capacity);
	tcase_add_test(tc, policy_problems);
	tcase_add_test(tc, no_firm);
	tcase_add_test(tc, all_errors_collected);
	tcase_add_test(tc, includes_resolve_against_the_file);
	tcase_add_test(tc, availability);
	tcase_add_test(tc, covers_and_serves);
	tcase_add_test(tc, override_replaces_and_records);
	tcase_add_test(tc, override_refused_whole);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
