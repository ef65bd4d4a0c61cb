/* Unit tests of idle capacity: which firms a plan leaves with days, and
 * the first reason each site did not go to them, on a plan built by hand
 * (no solver) where each site is made to stop at one reason. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/plan.h"
#include "testutil.h"

/* Day numbers written out: September 2019 has no public holiday. */
#define SEP02 18141L /* 2019-09-02, a Monday */
#define SEP27 18166L /* 2019-09-27, a Friday */

static const char *const quality[] = {"quality"};
static const char *const security[] = {"security"};
static char *r1[] = {"R1"}, *r9[] = {"R9"}, *everywhere[] = {"*"};
static char *th_qu[] = {"quality", "urban"};
static char *th_all[] = {"quality", "urban", "security"};
static char *th_q[] = {"quality"};

enum { F0, F1, F2, F3, F4 };
static ap_firm firms[5];
static ap_campaign camp;
static ap_planned missions[4];
static ap_unplanned unplanned[6];
static int fdays[5];
static double feuros[5];
static ap_plan plan;
static ap_plan_input *input;
static ap_day d_a[] = {SEP02, SEP02 + 1, SEP02 + 2};
static ap_day d_else[] = {SEP02 + 7, SEP02 + 8, SEP02 + 9, SEP02 + 10};
static ap_day d_pref[] = {SEP02 + 14, SEP02 + 15, SEP02 + 16};
static ap_day d_full[] = {SEP02, SEP02 + 1, SEP02 + 2, SEP02 + 3, SEP02 + 4};
static ap_day_range off[1];

static void firm(int i, const char *id, char **themes, size_t nt,
                 char **regions, double rate, int capacity)
{
	firms[i] = (ap_firm){0};
	firms[i].id = (char *)id;
	firms[i].themes = themes;
	firms[i].n_themes = nt;
	firms[i].regions = regions;
	firms[i].n_regions = 1;
	firms[i].daily_rate = rate;
	firms[i].capacity = capacity;
}

static void site(const char *id, const char *region, const char *const *themes,
                 size_t nt, int days)
{
	ap_plan_site s;
	memset(&s, 0, sizeof s);
	s.file = "x.xml";
	s.case_id = id;
	s.site_id = id;
	s.organisation_id = "ORG";
	s.region = region;
	s.themes = themes;
	s.n_themes = nt;
	s.days = days;
	s.priority = days ? 50 : 0;
	ap_plan_input_add_site(input, &s);
}

/*
 * F0 (quality, urban; R1; 1000 EUR; 8 days, 3 booked) is the firm under
 * test: each site not planned stops at another reason for it, in order.
 * F1 (every theme, everywhere, 900 EUR, 30 days) has days left too; F2,
 * F3 and F4 have none. 15 of 17 budget days are booked.
 */
static void setup(void)
{
	firm(F0, "F0", th_qu, 2, r1, 1000, 8);
	firm(F1, "F1", th_all, 3, everywhere, 900, 30);
	firm(F2, "F2", th_q, 1, r9, 1100, 5);
	firm(F3, "F3", th_q, 1, r1, 500, 0);
	firm(F4, "F4", th_q, 1, r1, 800, 3);
	memset(&camp, 0, sizeof camp);
	camp.id = "C";
	camp.window_first = SEP02;
	camp.window_last = SEP27;
	camp.has_budget_days = 1;
	camp.budget_days = 17;
	camp.has_budget_euros = 1;
	camp.budget_euros = 20000;
	camp.min_days = 3;
	camp.max_days = 6;
	camp.max_span_days = 56;
	camp.firms = firms;
	camp.n_firms = 5;

	input = ap_plan_input_new();
	site("S-A", "R1", quality, 1, 3);      /* 0: planned with F0 */
	site("S-ELSE", "R1", quality, 1, 4);   /* 1: with F1 */
	site("S-PREF", "R1", quality, 1, 3);   /* 2: with F4 */
	site("S-FULL", "R9", quality, 1, 5);   /* 3: with F2 */
	site("S-THEME", "R1", security, 1, 3); /* 4 */
	site("S-REGION", "R2", quality, 1, 3); /* 5 */
	site("S-WINDOW", "R1", quality, 1, 3); /* 6: window = S-A's days */
	site("S-DAYS", "R1", quality, 1, 6);   /* 7 */
	site("S-BUDGET", "R1", quality, 1, 3); /* 8 */
	site("S-BELOW", "R1", quality, 1, 0);  /* 9: no mission needed */
	ap_plan_site *w = (ap_plan_site *)ap_plan_input_at(input, 6);
	w->has_window = 1;
	w->window_first = SEP02;
	w->window_last = SEP02 + 2;

	missions[0] = (ap_planned){0, F0, 3, d_a, 3000, NULL, 0, 0, 0};
	missions[1] = (ap_planned){1, F1, 4, d_else, 3600, NULL, 0, 0, 0};
	missions[2] = (ap_planned){2, F4, 3, d_pref, 2400, NULL, 0, 0, 0};
	missions[3] = (ap_planned){3, F2, 5, d_full, 5500, NULL, 0, 0, 0};
	for (size_t i = 0; i < 6; i++)
		unplanned[i] =
		    (ap_unplanned){4 + i, AP_UNPLANNED_BUDGET, "x", NULL};
	unplanned[5].reason = AP_UNPLANNED_BELOW_THRESHOLD;
	int days[] = {3, 4, 5, 0, 3};
	double euros[] = {3000, 3600, 5500, 0, 2400};
	memcpy(fdays, days, sizeof fdays);
	memcpy(feuros, euros, sizeof feuros);

	memset(&plan, 0, sizeof plan);
	plan.campaign = &camp;
	plan.input = input;
	plan.missions = missions;
	plan.n_missions = 4;
	plan.unplanned = unplanned;
	plan.n_unplanned = 6;
	plan.total_days = 15;
	plan.total_euros = 14500;
	plan.firm_days = fdays;
	plan.firm_euros = feuros;
	plan.optimal = 1;
	plan.ties_settled = 1;
}

static void teardown(void)
{
	ap_plan_input_free(input);
	input = NULL;
}

static ap_plan_idle *idle_of(void)
{
	ap_plan_idle *idle = NULL;
	ck_assert_int_eq(ap_plan_idle_of(&idle, &plan), AP_OK);
	ck_assert_ptr_nonnull(idle);
	return idle;
}

/* Asserts the counts of `got` against `want` (AP_IDLE_REASONS of them). */
static void expect_counts(const size_t *got, const size_t *want, size_t sum,
                          size_t got_sum, const char *what)
{
	for (int r = 0; r < AP_IDLE_REASONS; r++)
		ck_assert_msg(got[r] == want[r], "%s: %s: %zu, not %zu", what,
		              ap_idle_reason_name((ap_idle_reason)r), got[r],
		              want[r]);
	ck_assert_uint_eq(got_sum, sum);
}

START_TEST(each_site_stops_at_its_first_reason)
{
	ap_plan_idle *idle = idle_of();
	/* F2, F3 (capacity 0) and F4 have no day left. */
	ck_assert_uint_eq(idle->n_firms, 2);
	const ap_idle_firm *e = &idle->firms[0];
	ck_assert_uint_eq(e->firm, F0);
	ck_assert_int_eq(e->days_left, 5);
	/* theme, region, window, days left, budget; S-BELOW not counted. */
	size_t un0[AP_IDLE_REASONS] = {1, 1, 1, 1, 1, 0, 0};
	expect_counts(e->unplanned, un0, 5, e->n_unplanned, "F0 unplanned");
	/* S-FULL: region; S-PREF: F4 names R1 and is cheaper; S-ELSE: F1,
	 * a "*" firm, is not preferred to F0, which could take it. */
	size_t el0[AP_IDLE_REASONS] = {0, 1, 0, 0, 0, 1, 1};
	expect_counts(e->elsewhere, el0, 3, e->n_elsewhere, "F0 elsewhere");

	e = &idle->firms[1];
	ck_assert_uint_eq(e->firm, F1);
	ck_assert_int_eq(e->days_left, 26);
	/* F1 could take every one but for the budget: 2 days left. */
	size_t un1[AP_IDLE_REASONS] = {0, 0, 0, 0, 5, 0, 0};
	expect_counts(e->unplanned, un1, 5, e->n_unplanned, "F1 unplanned");
	/* S-A, S-PREF and S-FULL went to firms naming their region. */
	size_t el1[AP_IDLE_REASONS] = {0, 0, 0, 0, 0, 3, 0};
	expect_counts(e->elsewhere, el1, 3, e->n_elsewhere, "F1 elsewhere");
	ap_plan_idle_free(idle);
}
END_TEST

START_TEST(budget_in_euros_and_shorter_missions)
{
	/* 200 euros left: moving S-ELSE from F1 (900) to F0 (1000) costs
	 * 400 more, S-PREF from F4 (800) 600 more; the budget stops both
	 * before the choice between firms is looked at. */
	camp.budget_euros = 14700;
	ap_plan_idle *idle = idle_of();
	ck_assert_uint_eq(idle->firms[0].elsewhere[AP_IDLE_BUDGET], 2);
	ck_assert_uint_eq(idle->firms[0].elsewhere[AP_IDLE_OTHER], 0);
	ck_assert_uint_eq(idle->firms[0].elsewhere[AP_IDLE_PREFERRED], 0);
	/* S-PREF from F4 (800) to F1 (900) too, 300 more; S-A and S-FULL
	 * would cost less with F1, whose region rule still puts it last. */
	ck_assert_uint_eq(idle->firms[1].elsewhere[AP_IDLE_BUDGET], 1);
	ck_assert_uint_eq(idle->firms[1].elsewhere[AP_IDLE_PREFERRED], 2);
	ap_plan_idle_free(idle);

	/* With allow_shorter, S-DAYS needs 3 days, which F0 has left: it
	 * stops at the budget instead. */
	camp.budget_euros = 20000;
	camp.allow_shorter = 1;
	idle = idle_of();
	ck_assert_uint_eq(idle->firms[0].unplanned[AP_IDLE_DAYS_LEFT], 0);
	ck_assert_uint_eq(idle->firms[0].unplanned[AP_IDLE_BUDGET], 2);
	ap_plan_idle_free(idle);

	/* Without a day budget, F1 could take every unplanned site. */
	camp.allow_shorter = 0;
	camp.has_budget_days = 0;
	idle = idle_of();
	ck_assert_uint_eq(idle->firms[1].unplanned[AP_IDLE_OTHER], 5);
	ap_plan_idle_free(idle);
}
END_TEST

START_TEST(calendar_and_days_left)
{
	/* F0 off from 5 September: no room anywhere for it. */
	off[0] = (ap_day_range){SEP02 + 3, SEP27};
	firms[F0].days_off = off;
	firms[F0].n_days_off = 1;
	ap_plan_idle *idle = idle_of();
	size_t un0[AP_IDLE_REASONS] = {1, 1, 3, 0, 0, 0, 0};
	expect_counts(idle->firms[0].unplanned, un0, 5,
	              idle->firms[0].n_unplanned, "F0 off");
	ck_assert_uint_eq(idle->firms[0].elsewhere[AP_IDLE_WINDOW], 2);
	ap_plan_idle_free(idle);

	/* Mission days must be within one span: 3 weeks' free days, but a
	 * one-week span holds only 5 of the 6 S-DAYS needs. */
	firms[F0].n_days_off = 0;
	firms[F0].capacity = 20;
	camp.max_span_days = 7;
	idle = idle_of();
	ck_assert_uint_eq(idle->firms[0].unplanned[AP_IDLE_WINDOW], 2);
	ap_plan_idle_free(idle);

	/* 1 day left, fewer than a mission: every site it could otherwise
	 * take needs more. */
	camp.max_span_days = 56;
	firms[F0].capacity = 4;
	idle = idle_of();
	ck_assert_int_eq(idle->firms[0].days_left, 1);
	size_t un1[AP_IDLE_REASONS] = {1, 1, 1, 2, 0, 0, 0};
	expect_counts(idle->firms[0].unplanned, un1, 5,
	              idle->firms[0].n_unplanned, "F0 1 day left");
	ck_assert_uint_eq(idle->firms[0].elsewhere[AP_IDLE_DAYS_LEFT], 2);
	ap_plan_idle_free(idle);

	/* Fully booked: not idle. */
	firms[F0].capacity = 3;
	idle = idle_of();
	ck_assert_uint_eq(idle->n_firms, 1);
	ck_assert_uint_eq(idle->firms[0].firm, F1);
	ap_plan_idle_free(idle);
	ck_assert_int_eq(ap_plan_idle_of(&idle, NULL), AP_EUSAGE);
	ck_assert_ptr_null(idle);
}
END_TEST

static char *capture(int json)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	if (json)
		ap_plan_json(f, &plan, NULL);
	else
		ap_plan_table(f, &plan);
	ck_assert_int_eq(fclose(f), 0);
	char *text = strdup(buf);
	free(buf);
	return text;
}

START_TEST(idle_in_the_outputs)
{
	char *t = capture(0);
	const char *want =
	    "\nIdle capacity (days left, and why no more site went to the "
	    "firm)\n"
	    "  F0: 5 of 8 days left\n"
	    "    5 sites not planned that need a mission: 1 theme not "
	    "covered, 1 region not served, 1 no room in the window, 1 too "
	    "few days left, 1 over budget\n"
	    "    3 sites planned with another firm: 1 region not served, 1 "
	    "another firm preferred, 1 not chosen\n"
	    "  F1: 26 of 30 days left\n"
	    "    5 sites not planned that need a mission: 5 over budget\n"
	    "    3 sites planned with another firm: 3 another firm "
	    "preferred\n";
	ck_assert_msg(strstr(t, want) != NULL, "%s", t);
	/* After the firms, before the sites not planned. */
	ck_assert(strstr(t, "Firms (") < strstr(t, want));
	ck_assert(strstr(t, want) < strstr(t, "Not planned ("));
	free(t);

	char *js = capture(1);
	json_error_t err;
	json_t *doc = json_loads(js, 0, &err);
	ck_assert_msg(doc != NULL, "%s", err.text);
	json_t *idle = json_object_get(doc, "idle");
	ck_assert_uint_eq(json_array_size(idle), 2);
	json_t *e = json_array_get(idle, 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "firm")), "F0");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "capacity")), 8);
	ck_assert_int_eq(json_integer_value(json_object_get(e, "days_booked")),
	                 3);
	ck_assert_int_eq(json_integer_value(json_object_get(e, "days_left")),
	                 5);
	json_t *un = json_object_get(e, "unplanned");
	ck_assert_uint_eq(json_array_size(un), 5);
	json_t *r = json_array_get(un, 2);
	ck_assert_str_eq(json_string_value(json_object_get(r, "reason")),
	                 "no room in the window");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "sites")), 1);
	json_t *el = json_object_get(json_array_get(idle, 1), "elsewhere");
	ck_assert_uint_eq(json_array_size(el), 1);
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(el, 0), "reason")),
	    "another firm preferred");
	json_decref(doc);
	free(js);

	/* No firm with days left: no section, an empty list. */
	for (size_t f = 0; f < camp.n_firms; f++)
		firms[f].capacity = fdays[f];
	t = capture(0);
	ck_assert_ptr_null(strstr(t, "Idle capacity"));
	free(t);
	js = capture(1);
	ck_assert_ptr_nonnull(strstr(js, ",\"idle\":[],"));
	free(js);
}
END_TEST

START_TEST(reason_names)
{
	const char *want[] = {
	    "theme not covered", "region not served", "no room in the window",
	    "too few days left", "over budget",       "another firm preferred",
	    "not chosen"};
	for (int r = 0; r < AP_IDLE_REASONS; r++)
		ck_assert_str_eq(ap_idle_reason_name((ap_idle_reason)r),
		                 want[r]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_idle");
	TCase *tc = tcase_create("plan_idle");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, each_site_stops_at_its_first_reason);
	tcase_add_test(tc, budget_in_euros_and_shorter_missions);
	tcase_add_test(tc, calendar_and_days_left);
	tcase_add_test(tc, idle_in_the_outputs);
	tcase_add_test(tc, reason_names);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
