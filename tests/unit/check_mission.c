/*
 * Saved plans and their missions: the store's part (store_plan.c: saving,
 * listing, a status moving forward only, the audit rows) and the bridge to
 * the planner (mission.c: which missions are fixed, and what a new plan does
 * to each saved one).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "testutil.h"

static char dir[64];
static char path[160];
static ap_diags *diags;
static ap_store *store;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_mission_XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	snprintf(path, sizeof path, "%s/appui.db", dir);
	diags = ap_diags_new();
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.create = 1;
	opt.now = "2024-03-01T09:00:00Z";
	ck_assert_int_eq(ap_store_open(&store, path, &opt, diags), AP_OK);
}

static void teardown(void)
{
	ap_store_close(store);
	ap_diags_free(diags);
}

static int said(const char *needle)
{
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		if (strstr(ap_diags_at(diags, i)->message, needle))
			return 1;
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		ap_diag_print(stderr, ap_diags_at(diags, i));
	return 0;
}

static ap_store_mission_in new_mission(int number, const char *site,
                                       const char *firm, const char *dates,
                                       int days)
{
	ap_store_mission_in m = {NULL, number, "CF-1", site,
	                         firm, days,   dates,  AP_MISSION_PLANNED,
	                         0};
	return m;
}

static int save(long long id, long long replans, ap_store_mission_in *m,
                size_t n)
{
	ap_store_plan_in in = AP_STORE_PLAN_INIT;
	in.id = id;
	in.campaign_name = "campaign.cfg";
	in.campaign = "id = \"C\";";
	in.campaign_len = 9;
	in.plan_json = "{\"missions\":[]}";
	in.plan_json_len = strlen(in.plan_json);
	in.replans = replans;
	in.actor = "local:test";
	in.missions = m;
	in.n_missions = n;
	long long got = 0;
	int rc = ap_store_plan_save(&got, store, &in, diags);
	if (rc == AP_OK)
		ck_assert_int_eq(got, id);
	return rc;
}

/* A first plan: P1-M-001 (A, F1) and P1-M-002 (B, F2). */
static void first_plan(void)
{
	ap_store_mission_in m[] = {
	    new_mission(1, "A", "F1", "2019-09-02,2019-09-03,2019-09-04", 3),
	    new_mission(2, "B", "F2", "2019-09-09,2019-09-10,2019-09-11", 3)};
	ck_assert_int_eq(save(1, 0, m, 2), AP_OK);
}

static ap_saved_missions *load(long long plan)
{
	ap_saved_missions *m = NULL;
	ck_assert_int_eq(ap_saved_missions_load(&m, store, plan, diags), AP_OK);
	return m;
}

static const ap_saved_mission *find(const ap_saved_missions *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].mission_id, id) == 0)
			return &m->v[i];
	return NULL;
}

static int audit_has(void *ctx, const ap_store_audit_row *r)
{
	const char **want = ctx;
	if (strcmp(r->action, want[0]) == 0 &&
	    strcmp(r->object, want[1]) == 0 && strcmp(r->detail, want[2]) == 0)
		want[3] = "found";
	return 0;
}

static int audited(const char *action, const char *object, const char *detail)
{
	const char *want[4] = {action, object, detail, NULL};
	ck_assert_int_eq(ap_store_audit(store, NULL, audit_has, want, diags),
	                 AP_OK);
	return want[3] != NULL;
}

START_TEST(a_saved_plan_names_its_missions)
{
	long long next = 0;
	ck_assert_int_eq(ap_store_plan_next(&next, store, diags), AP_OK);
	ck_assert_int_eq(next, 1);
	first_plan();
	ap_saved_missions *m = load(1);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_str_eq(m->v[0].mission_id, "P1-M-001");
	ck_assert_str_eq(m->v[1].mission_id, "P1-M-002");
	ck_assert_int_eq(m->v[0].status, AP_MISSION_PLANNED);
	ck_assert_int_eq(m->v[0].days, 3);
	ck_assert_int_eq(ap_date_from_day(m->v[0].dates[2]).day, 4);
	ap_saved_missions_free(m);
	ck_assert(audited("plan.save", "P1", "2 missions"));
	ck_assert(audited("mission.plan", "P1-M-002",
	                  "B with F2, 3 days from 2019-09-09"));
	ck_assert_int_eq(ap_store_plan_next(&next, store, diags), AP_OK);
	ck_assert_int_eq(next, 2);
	/* The id was taken meanwhile: nothing saved. */
	ck_assert_int_eq(save(1, 0, NULL, 0), AP_EBUSY);
	ck_assert(said("another plan was saved as P1 meanwhile"));
}
END_TEST

START_TEST(malformed_missions_are_refused_whole)
{
	ap_store_mission_in m[] = {
	    new_mission(1, "A", "F1", "2019-09-02,2019-09-03", 2),
	    new_mission(2, "B", "F2", "2019-09-10,2019-09-09", 2)};
	ck_assert_int_eq(save(1, 0, m, 2), AP_EUSAGE);
	ck_assert(said("its dates must be 2 days, increasing"));
	m[1] = new_mission(2, "B/../x", "F2", "2019-09-09,2019-09-10", 2);
	ck_assert_int_eq(save(1, 0, m, 2), AP_EUSAGE);
	m[1] = new_mission(2, "B", "F2", "2019-09-09,2019-09-1", 2);
	ck_assert_int_eq(save(1, 0, m, 2), AP_EUSAGE);
	ap_saved_missions *all = load(0);
	ck_assert_uint_eq(all->n, 0);
	ap_saved_missions_free(all);
}
END_TEST

START_TEST(a_status_only_moves_forward)
{
	first_plan();
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_HELD, NULL, NULL,
	                                      diags),
	                 AP_EINVALID);
	ck_assert(said("mission P1-M-001 is planned"));
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_CONFIRMED, NULL, NULL,
	                                      diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_CONFIRMED, NULL, NULL,
	                                      diags),
	                 AP_EINVALID);
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_HELD, "2019-09-05",
	                                      "2019-09-03", diags),
	                 AP_EUSAGE);
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_HELD, NULL, NULL,
	                                      diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_CANCELLED, NULL, NULL,
	                                      diags),
	                 AP_EINVALID);
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-009",
	                                      AP_MISSION_CONFIRMED, NULL, NULL,
	                                      diags),
	                 AP_ENOTFOUND);
	ap_saved_missions *m = load(1);
	const ap_saved_mission *a = find(m, "P1-M-001");
	ck_assert_int_eq(a->status, AP_MISSION_HELD);
	/* Held on its planned days by default; each change a new sequence. */
	ck_assert_str_eq(a->held_first, "2019-09-02");
	ck_assert_str_eq(a->held_last, "2019-09-04");
	ck_assert_int_eq(a->sequence, 2);
	ap_saved_missions_free(m);
	ck_assert(audited("mission.held", "P1-M-001",
	                  "confirmed -> held, from 2019-09-02 to 2019-09-04"));
}
END_TEST

START_TEST(a_replan_continues_moves_and_drops)
{
	first_plan();
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P1-M-001",
	                                      AP_MISSION_CONFIRMED, NULL, NULL,
	                                      diags),
	                 AP_OK);
	/* P2 keeps P1-M-001, drops P1-M-002, plans C. */
	ap_store_mission_in m[3] = {
	    new_mission(0, "A", "F1", "2019-09-02,2019-09-03,2019-09-04", 3),
	    new_mission(0, "B", "F2", "2019-09-09,2019-09-10,2019-09-11", 3),
	    new_mission(3, "C", "F1", "2019-10-01,2019-10-02,2019-10-03", 3)};
	m[0].mission_id = "P1-M-001";
	m[0].status = AP_MISSION_CONFIRMED;
	m[0].sequence = 1;
	m[1].mission_id = "P1-M-002";
	m[1].status = AP_MISSION_CANCELLED;
	m[1].sequence = 1;
	ck_assert_int_eq(save(2, 7, m, 3), AP_ENOTFOUND);
	ck_assert_int_eq(save(2, 1, m, 3), AP_OK);
	ap_saved_missions *all = load(2), *via_first = load(1);
	ck_assert_uint_eq(all->n, 3);
	ck_assert_uint_eq(via_first->n, 3); /* one campaign */
	ck_assert_int_eq(find(all, "P1-M-002")->status, AP_MISSION_CANCELLED);
	ck_assert_int_eq(find(all, "P1-M-002")->dropped_by, 2);
	ck_assert_int_eq(find(all, "P1-M-001")->plan, 2);
	ck_assert_ptr_nonnull(find(all, "P2-M-003"));
	/* Dropped by a re-plan: the site may come back; cancelled by a
	 * coordinator: it stays out. */
	ck_assert(!ap_saved_site_withdrawn(all, "B"));
	ap_saved_missions_free(all);
	ap_saved_missions_free(via_first);
	ck_assert(audited("mission.cancel", "P1-M-002", "dropped by plan P2"));
	ck_assert_int_eq(ap_store_mission_set(store, "coord", "P2-M-003",
	                                      AP_MISSION_CANCELLED, NULL, NULL,
	                                      diags),
	                 AP_OK);
	all = load(2);
	ck_assert(ap_saved_site_withdrawn(all, "C"));
	ck_assert(!ap_saved_site_withdrawn(all, "A"));
	ap_saved_missions_free(all);
	/* A re-planned plan is not re-planned again; a kept mission may not
	 * be made planned again by a plan. */
	ck_assert_int_eq(save(3, 1, NULL, 0), AP_EINVALID);
	ck_assert(said("plan P1 was re-planned already, by P2"));
	m[0].status = AP_MISSION_PLANNED;
	ck_assert_int_eq(save(3, 2, m, 1), AP_EINVALID);
	ck_assert(said("mission P1-M-001 is confirmed"));
}
END_TEST

/* ---- matching a new plan with the saved missions ------------------------- */

static ap_day day(int y, int mo, int d)
{
	return ap_day_from_date((ap_date){y, mo, d});
}

static ap_saved_mission saved(const char *id, const char *site,
                              const char *firm, ap_day first, int days,
                              ap_mission_status st, int seq)
{
	ap_saved_mission m = {0};
	m.mission_id = (char *)id;
	m.case_id = (char *)"CF";
	m.site_id = (char *)site;
	m.firm = (char *)firm;
	m.dates = calloc((size_t)days, sizeof(ap_day));
	for (int k = 0; k < days; k++)
		m.dates[k] = first + k;
	m.days = days;
	m.status = st;
	m.sequence = seq;
	return m;
}

START_TEST(a_new_plan_matched_with_the_saved_one)
{
	ap_firm firms[2] = {{.id = (char *)"F1"}, {.id = (char *)"F2"}};
	ap_campaign c = {0};
	c.firms = firms;
	c.n_firms = 2;
	ap_plan_input *in = ap_plan_input_new();
	const char *sites[] = {"A", "B", "E"};
	for (int i = 0; i < 3; i++) {
		ap_plan_site s = {0};
		s.site_id = sites[i];
		s.case_id = sites[i];
		ap_plan_input_add_site(in, &s);
	}
	ap_day b[3] = {day(2019, 9, 9), day(2019, 9, 10), day(2019, 9, 11)};
	ap_day a[2] = {day(2019, 9, 16), day(2019, 9, 17)};
	ap_day e[1] = {day(2019, 9, 18)};
	ap_planned pm[3] = {
	    {.site = 1, .firm = 1, .days = 3, .dates = b, .fixed = 1},
	    {.site = 0, .firm = 0, .days = 2, .dates = a},
	    {.site = 2, .firm = 1, .days = 1, .dates = e}};
	ap_plan p = {0};
	p.campaign = &c;
	p.input = in;
	p.missions = pm;
	p.n_missions = 3;
	ap_saved_mission v[4] = {saved("P1-M-001", "A", "F1", day(2019, 9, 2),
	                               3, AP_MISSION_PLANNED, 0),
	                         saved("P1-M-002", "B", "F2", day(2019, 9, 9),
	                               3, AP_MISSION_CONFIRMED, 1),
	                         saved("P1-M-003", "C", "F1", day(2019, 10, 1),
	                               2, AP_MISSION_PLANNED, 0),
	                         saved("P1-M-004", "D", "F1", day(2019, 10, 7),
	                               2, AP_MISSION_CANCELLED, 1)};
	v[2].dates_text = (char *)"2019-10-01,2019-10-02";
	ap_saved_missions sm = {1, v, 4};

	ap_fixed_mission *fixed;
	size_t n_fixed;
	ap_saved_fixed(&fixed, &n_fixed, &sm);
	ck_assert_uint_eq(n_fixed, 1);
	ck_assert_str_eq(fixed[0].site_id, "B");
	free(fixed);

	ap_mission_update *u = NULL;
	ck_assert_int_eq(ap_mission_update_of(&u, &p, &sm, 2), AP_OK);
	ck_assert_str_eq(u->ids[0], "P1-M-002"); /* the pinned one */
	ck_assert_str_eq(u->ids[1], "P1-M-001"); /* moved, a day less */
	ck_assert_str_eq(u->ids[2], "P2-M-003"); /* new */
	ck_assert_int_eq(u->ics[0].sequence, 1);
	ck_assert_int_eq(u->ics[1].sequence, 1);
	ck_assert_uint_eq(u->kept, 1);
	ck_assert_uint_eq(u->moved, 1);
	ck_assert_uint_eq(u->added, 1);
	ck_assert_uint_eq(u->dropped, 1);
	ck_assert_uint_eq(u->n_rows, 4);
	ck_assert_str_eq(u->rows[3].mission_id, "P1-M-003");
	ck_assert_int_eq(u->rows[3].status, AP_MISSION_CANCELLED);
	ck_assert_int_eq(u->rows[3].sequence, 1);
	/* Sent as cancelled: A's third day, all of C, and D again. */
	ck_assert_uint_eq(u->n_cancelled, 3);
	ck_assert_str_eq(u->cancelled[0].mission_id, "P1-M-001");
	ck_assert_int_eq(u->cancelled[0].first_index, 2);
	ck_assert_str_eq(u->cancelled[1].mission_id, "P1-M-003");
	ck_assert_int_eq(u->cancelled[1].first_index, 0);
	ck_assert_str_eq(u->cancelled[2].mission_id, "P1-M-004");
	ap_mission_update_free(u);
	for (int i = 0; i < 4; i++)
		free(v[i].dates);
	ap_plan_input_free(in);
}
END_TEST

START_TEST(plan_ids_parsed)
{
	long long id = 0;
	ck_assert_int_eq(ap_plan_id_parse("P12", &id), 0);
	ck_assert_int_eq(id, 12);
	ck_assert_int_eq(ap_plan_id_parse("7", &id), 0);
	ck_assert_int_eq(id, 7);
	ck_assert_int_eq(ap_plan_id_parse("P0", &id), -1);
	ck_assert_int_eq(ap_plan_id_parse("P-1", &id), -1);
	ck_assert_int_eq(ap_plan_id_parse("P1;x", &id), -1);
	ck_assert_int_eq(ap_plan_id_parse("", &id), -1);
	ck_assert_int_eq(ap_plan_id_parse("P1234567890123456", &id), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mission");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_saved_plan_names_its_missions);
	tcase_add_test(tc, malformed_missions_are_refused_whole);
	tcase_add_test(tc, a_status_only_moves_forward);
	tcase_add_test(tc, a_replan_continues_moves_and_drops);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_test(tc, a_new_plan_matched_with_the_saved_one);
	tcase_add_test(tc, plan_ids_parsed);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
