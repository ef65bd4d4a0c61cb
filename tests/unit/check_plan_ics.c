/* Unit tests of the calendars of saved plans (ap_plan_ics_with): a firm that
 * imports the calendars of a plan, then those of its re-plan, ends with the
 * re-plan's days and nothing else. The import is done by ics_apply
 * (tests/calendar/ics_apply.c), a calendar client on libical, run as a
 * program; the plans are built by hand (no solver). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "appui/plan.h"
#include "testutil.h"

/* ---- the fixture --------------------------------------------------------- */

/* Day numbers written out, so that the expected dates do not come from the
 * calendar code the outputs use. */
#define SEP02 18141L /* 2019-09-02, a Monday */

static const char *const themes[] = {"quality"};

/* The first plan. */
static ap_day d_a[] = {SEP02, SEP02 + 1, SEP02 + 2, SEP02 + 3, SEP02 + 4};
static ap_day d_b[] = {SEP02 + 7, SEP02 + 8, SEP02 + 9, SEP02 + 10};
static ap_day d_c[] = {SEP02 + 14, SEP02 + 15, SEP02 + 16};
static ap_day d_d[] = {SEP02 + 21, SEP02 + 22};
/* The re-plan: P1-M-003 moved to 2019-09-30, P1-M-002 one day shorter,
 * P1-M-004 cancelled, a new mission P2-M-005. */
static ap_day d_c2[] = {SEP02 + 28, SEP02 + 29, SEP02 + 30};
static ap_day d_e[] = {SEP02 + 35, SEP02 + 36};

static ap_firm firms[4];
static ap_campaign camp;
static ap_plan plan;
static ap_plan_input *input;
static ap_planned first[4], second[4];
static ap_ics_mission first_ids[4], second_ids[4];
static ap_ics_cancelled gone[2];

static void add_site(const char *case_id, const char *site_id, const char *name)
{
	ap_plan_site s;
	memset(&s, 0, sizeof s);
	s.file = "cases/x.xml";
	s.case_id = case_id;
	s.site_id = site_id;
	s.site_name = name;
	s.commune = "Lyon";
	s.organisation_id = "ORG-1";
	s.organisation_name = "Toit Forézien";
	s.themes = themes;
	s.n_themes = 1;
	s.days = 5;
	s.priority = 50;
	ap_plan_input_add_site(input, &s);
}

static ap_planned mission(size_t site, size_t firm, int days, ap_day *dates)
{
	return (ap_planned){site, firm, days, dates, 1000.0 * days,
	                    NULL, 0,    0,    0};
}

static void setup(void)
{
	memset(firms, 0, sizeof firms);
	char *ids[] = {"F1", "F2", "F3", "F4"};
	for (int f = 0; f < 4; f++) {
		firms[f].id = ids[f];
		firms[f].name = ids[f];
		firms[f].daily_rate = 1000;
		firms[f].capacity = 40;
	}
	memset(&camp, 0, sizeof camp);
	camp.id = "2019-autumn";
	camp.name = "Campagne automne 2019";
	camp.window_first = SEP02;
	camp.window_last = SEP02 + 100;
	camp.firms = firms;
	camp.n_firms = 4;

	input = ap_plan_input_new();
	add_site("C-001", "S-001", "Les Tilleuls");
	add_site("C-002", "S-002", "Château-Gaillard");
	add_site("C-003", "S-003", "Cité Jardin");
	add_site("C-004", "S-004", "Les Pins");
	add_site("C-005", "S-005", "Le Port");

	first[0] = mission(0, 0, 5, d_a);
	first[1] = mission(1, 1, 4, d_b);
	first[2] = mission(2, 0, 3, d_c);
	first[3] = mission(3, 2, 2, d_d);
	first_ids[0] = (ap_ics_mission){"P1-M-001", 0};
	first_ids[1] = (ap_ics_mission){"P1-M-002", 0};
	first_ids[2] = (ap_ics_mission){"P1-M-003", 0};
	first_ids[3] = (ap_ics_mission){"P1-M-004", 0};

	second[0] = mission(0, 0, 5, d_a);
	second[1] = mission(1, 1, 3, d_b);
	second[2] = mission(2, 0, 3, d_c2);
	second[3] = mission(4, 1, 2, d_e);
	second_ids[0] = (ap_ics_mission){"P1-M-001", 0};
	second_ids[1] = (ap_ics_mission){"P1-M-002", 1};
	second_ids[2] = (ap_ics_mission){"P1-M-003", 1};
	second_ids[3] = (ap_ics_mission){"P2-M-005", 0};
	/* Given out of order: the output sorts them. */
	gone[0] = (ap_ics_cancelled){"P1-M-004", "F3", "S-004", "C-004",
	                             d_d,        2,    0,       1};
	gone[1] = (ap_ics_cancelled){"P1-M-002", "F2", "S-002", "C-002",
	                             d_b,        4,    3,       1};

	memset(&plan, 0, sizeof plan);
	plan.campaign = &camp;
	plan.input = input;
}

static void teardown(void)
{
	ap_plan_input_free(input);
	input = NULL;
}

/* ---- helpers ------------------------------------------------------------- */

static char *tmpdir(char out[64])
{
	snprintf(out, 64, "/tmp/appui-ics-XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(out));
	return out;
}

/* Writes the calendars of `n` missions with `ids` and `n_gone` cancelled
 * entries into `dir`; asserts it succeeds. */
static void export(const char *dir, ap_planned *m, size_t n,
                   const ap_ics_mission *ids, const ap_ics_cancelled *c,
                   size_t n_gone)
{
	plan.missions = m;
	plan.n_missions = n;
	ap_plan_ics_options opt = AP_PLAN_ICS_OPTIONS_INIT;
	opt.missions = ids;
	opt.cancelled = c;
	opt.n_cancelled = n_gone;
	ap_diags *d = ap_diags_new();
	int rc = ap_plan_ics_with(&plan, dir, &opt, d);
	ck_assert_msg(rc == 0, "%s",
	              ap_diags_count(d) ? ap_diags_at(d, 0)->message : "");
	ap_diags_free(d);
}

/* ics_apply OLD NEW --list: its exit status, its stdout and stderr in *out
 * (to free). */
static int apply(const char *old, const char *now, char **out)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' --list 2>&1",
	         APPUI_TEST_ICS_APPLY, old, now);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	size_t got;
	while ((got = fread(s + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len < 2)
			s = realloc(s, cap *= 2);
	}
	s[len] = '\0';
	int st = pclose(p);
	ck_assert(WIFEXITED(st));
	*out = s;
	return WEXITSTATUS(st);
}

/* The line of `out` that starts with `uid` and a space, copied into
 * `line`; 0 when there is none. */
static int event_line(const char *out, const char *uid, char line[128])
{
	size_t n = strlen(uid);
	for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
		if (strncmp(l, uid, n) == 0 && l[n] == ' ') {
			size_t len = strcspn(l, "\n");
			snprintf(line, 128, "%.*s", (int)len, l);
			return 1;
		}
		if (!strchr(l, '\n'))
			break;
	}
	return 0;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void expect_event(const char *out, const char *uid, const char *want)
{
	char line[128];
	ck_assert_msg(event_line(out, uid, line), "%s: not in\n%s", uid, out);
	ck_assert_str_eq(line, want);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	size_t got;
	while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2)
			s = realloc(s, cap *= 2);
	}
	s[len] = '\0';
	fclose(f);
	return s;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The content lines unfolded (RFC 5545 3.1): CRLF and a space removed. */
static char *unfold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ')
			p += 2;
		else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

static int is_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1; /* not even created */
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n == 0;
}

/* ---- re-planning --------------------------------------------------------- */

START_TEST(replan_updates_and_cancels)
{
	char e[64], d1[64], d2[64];
	tmpdir(e);
	tmpdir(d1);
	tmpdir(d2);
	export(d1, first, 4, first_ids, NULL, 0);
	export(d2, second, 4, second_ids, gone, 2);

	char *out;
	ck_assert_int_eq(apply(e, d1, &out), 0);
	ck_assert_msg(starts_with(out,
	                          "0 events before, 14 after: 0 updated, 0 "
	                          "cancelled, 14 added, 0 unchanged\n"),
	              "%s", out);
	expect_event(out, "P1-M-003-1@appui", "P1-M-003-1@appui 20190916 0");
	expect_event(out, "P1-M-004-2@appui", "P1-M-004-2@appui 20190924 0");
	free(out);

	ck_assert_int_eq(apply(d1, d2, &out), 0);
	/* 14 - 3 cancelled + 2 added; updated: the 3 moved days and the 3
	 * days left of the shorter mission (a higher SEQUENCE). */
	ck_assert_msg(starts_with(out,
	                          "14 events before, 13 after: 6 updated, 3 "
	                          "cancelled, 2 added, 5 unchanged\n"),
	              "%s", out);
	/* Moved: the same UIDs, the new days, a higher SEQUENCE. */
	expect_event(out, "P1-M-003-1@appui", "P1-M-003-1@appui 20190930 1");
	expect_event(out, "P1-M-003-2@appui", "P1-M-003-2@appui 20191001 1");
	expect_event(out, "P1-M-003-3@appui", "P1-M-003-3@appui 20191002 1");
	expect_event(out, "P1-M-002-3@appui", "P1-M-002-3@appui 20190911 1");
	expect_event(out, "P1-M-001-5@appui", "P1-M-001-5@appui 20190906 0");
	expect_event(out, "P2-M-005-2@appui", "P2-M-005-2@appui 20191008 0");
	char line[128];
	ck_assert(!event_line(out, "P1-M-002-4@appui", line));
	ck_assert(!event_line(out, "P1-M-004-1@appui", line));
	ck_assert(!event_line(out, "P1-M-004-2@appui", line));
	/* 13 events, one line each, no UID twice (the list is sorted). */
	ck_assert_uint_eq(count(out, "\n"), 14);
	for (char *l = strchr(out, '\n') + 1, *n; (n = strchr(l, '\n'));
	     l = n + 1) {
		char *next = n + 1;
		size_t u = strcspn(l, " ");
		ck_assert_msg(!*next || strncmp(l, next, u + 1) != 0,
		              "UID twice: %.*s", (int)u, l);
	}
	free(out);

	/* F3 has no mission left: its calendar holds the cancellations. */
	char path[128];
	snprintf(path, sizeof path, "%s/F3.ics", d2);
	char *f3 = read_file(path), *u = unfold(f3);
	ck_assert_uint_eq(count(f3, "\r\nSTATUS:CANCELLED\r\n"), 2);
	ck_assert_uint_eq(count(f3, "\r\nSTATUS:CONFIRMED\r\n"), 0);
	ck_assert(strstr(u, "\r\nSUMMARY:Appui solidaire: S-004 annulé "
	                    "(cancelled)\r\n"));
	ck_assert(strstr(u, "\r\nDTSTART;VALUE=DATE:20190923\r\n"));
	free(u);
	free(f3);
}
END_TEST

/* The checker is not a formality: what a re-plan without its cancellations,
 * a lower SEQUENCE, a UID twice or a broken file would leave is caught. */
START_TEST(checker_catches_leftovers)
{
	char d1[64], d2[64], d3[64], d4[64];
	tmpdir(d1);
	tmpdir(d2);
	tmpdir(d3);
	tmpdir(d4);
	export(d1, first, 4, first_ids, NULL, 0);
	/* The re-plan without its cancelled entries: P1-M-004 stays in F3's
	 * calendar, and P1-M-002's fourth day in F2's. */
	export(d2, second, 4, second_ids, NULL, 0);
	char *out;
	ck_assert_int_eq(apply(d1, d2, &out), 1);
	ck_assert_msg(strstr(out, "F3.ics: P1-M-004-1@appui (20190923) "
	                          "stays from before"),
	              "%s", out);
	ck_assert_msg(strstr(out, "F2.ics: P1-M-002-4@appui"), "%s", out);
	free(out);

	/* An event sent again with a lower SEQUENCE. */
	first_ids[2].sequence = 2;
	export(d3, first, 4, first_ids, NULL, 0);
	ck_assert_int_eq(apply(d3, d1, &out), 1);
	ck_assert_msg(strstr(out, "P1-M-003-1@appui has SEQUENCE 0, lower "
	                          "than 2 before"),
	              "%s", out);
	free(out);

	/* A UID twice in one file, then a file that does not parse. */
	char path[128];
	snprintf(path, sizeof path, "%s/F1.ics", d4);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	const char *ev = "BEGIN:VEVENT\r\nUID:x@appui\r\nDTSTAMP:20190902T"
	                 "000000Z\r\nDTSTART;VALUE=DATE:20190902\r\nEND:"
	                 "VEVENT\r\n";
	fprintf(f,
	        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
	        "%s%sEND:VCALENDAR\r\n",
	        ev, ev);
	fclose(f);
	ck_assert_int_eq(apply(d1, d4, &out), 1);
	ck_assert_msg(strstr(out, "F1.ics: UID x@appui appears twice"), "%s",
	              out);
	free(out);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2019\r\n"
	      "END:VEVENT\r\nEND:VCALENDAR\r\n",
	      f);
	fclose(f);
	ck_assert_int_eq(apply(d1, d4, &out), 1);
	ck_assert_msg(strstr(out, "F1.ics: does not parse"), "%s", out);
	free(out);
}
END_TEST

/* ---- the bytes ----------------------------------------------------------- */

/* Without identities the calendars are those of ap_plan_ics(); with them,
 * every event has its SEQUENCE and its mission id, and the cancelled ones
 * come after the plan's, by mission id, whatever order they are given in. */
START_TEST(same_bytes_and_order)
{
	char a[64], b[64], c[64];
	tmpdir(a);
	tmpdir(b);
	tmpdir(c);
	plan.missions = second;
	plan.n_missions = 4;
	ap_plan_ics_options none = AP_PLAN_ICS_OPTIONS_INIT;
	ck_assert_int_eq(ap_plan_ics(&plan, a, NULL), 0);
	ck_assert_int_eq(ap_plan_ics_with(&plan, b, &none, NULL), 0);
	char pa[128], pb[128];
	snprintf(pa, sizeof pa, "%s/F2.ics", a);
	snprintf(pb, sizeof pb, "%s/F2.ics", b);
	char *x = read_file(pa), *y = read_file(pb);
	ck_assert_str_eq(x, y);
	ck_assert(strstr(x, "\r\nUID:C-002-20190909-F2@appui\r\n"));
	ck_assert(!strstr(x, "SEQUENCE"));
	free(x);
	free(y);

	export(b, second, 4, second_ids, gone, 2);
	ap_ics_cancelled in_order[2] = {gone[1], gone[0]};
	export(c, second, 4, second_ids, in_order, 2);
	snprintf(pb, sizeof pb, "%s/F2.ics", b);
	snprintf(pa, sizeof pa, "%s/F2.ics", c);
	x = read_file(pa);
	y = read_file(pb);
	ck_assert_str_eq(x, y);
	/* P1-M-002's three days, P2-M-005's two, then the cancelled day. */
	ck_assert_uint_eq(count(x, "BEGIN:VEVENT"), 6);
	ck_assert_uint_eq(count(x, "\r\nSEQUENCE:"), 6);
	const char *uids[] = {"P1-M-002-1", "P1-M-002-2", "P1-M-002-3",
	                      "P2-M-005-1", "P2-M-005-2", "P1-M-002-4"};
	const char *at = x;
	for (int k = 0; k < 6; k++) {
		char want[64];
		snprintf(want, sizeof want, "\r\nUID:%s@appui\r\n", uids[k]);
		const char *hit = strstr(at, want);
		ck_assert_msg(hit, "%s not after the event before", uids[k]);
		at = hit + 1;
	}
	char *u = unfold(x);
	ck_assert(strstr(u, "Mission P1-M-002\\, day 1 of 3\\, site S-002"));
	ck_assert(strstr(u, "Cancelled: mission P1-M-002\\, day 4 of 4"));
	free(u);
	free(x);
	free(y);
}
END_TEST

/* ---- hostile identities -------------------------------------------------- */

/* Every line ends in CRLF and holds no other CR or LF; no line was added. */
static void check_lines(const char *path, size_t events)
{
	char *s = read_file(path);
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\r')
			ck_assert_msg(s[i + 1] == '\n', "%s: bare CR at %zu",
			              path, i);
		if (s[i] == '\n')
			ck_assert_msg(i > 0 && s[i - 1] == '\r',
			              "%s: bare LF at %zu", path, i);
	}
	ck_assert_msg(!strstr(s, "\nX-INJECT") && !strstr(s, "\nUID:evil") &&
	                  !strstr(s, "\nEND:VCALENDAR\r\nBEGIN"),
	              "%s: a line was added:\n%s", path, s);
	ck_assert_uint_eq(count(s, "\r\nBEGIN:VEVENT\r\n"), events);
	ck_assert_uint_eq(count(s, "\r\nEND:VEVENT\r\n"), events);
	ck_assert_uint_eq(count(s, "\r\nEND:VCALENDAR\r\n"), 1);
	free(s);
}

START_TEST(hostile_ids_add_no_line)
{
	ap_plan_input_free(input);
	input = ap_plan_input_new();
	plan.input = input;
	add_site("C\r\nEND:VCALENDAR", "S-001\nX-INJECT:1",
	         "Cité\r\nX-INJECT:2\nSTATUS:CANCELLED\r");
	ap_planned m[1] = {mission(0, 0, 3, d_c)};
	ap_ics_mission ids[1] = {{"P1\r\nBEGIN:VEVENT\r\nUID:evil", 1}};
	ap_ics_cancelled c[1] = {{"P0\nUID:evil\r\nX-INJECT:3;,\\", "F1",
	                          "S\nX-INJECT:4", "C\rX-INJECT:5", d_d, 2, 0,
	                          2}};
	char e[64], d[64], path[128];
	tmpdir(e);
	tmpdir(d);
	export(d, m, 1, ids, c, 1);
	snprintf(path, sizeof path, "%s/F1.ics", d);
	check_lines(path, 5);
	/* libical reads it as three events (the cancelled are not kept). */
	char *out;
	ck_assert_int_eq(apply(e, d, &out), 0);
	ck_assert_msg(starts_with(out, "0 events before, 3 after: 0 updated, 0 "
	                               "cancelled, 3 added, 0 unchanged\n"),
	              "%s", out);
	free(out);
}
END_TEST

/* ---- refused options ----------------------------------------------------- */

/* ap_plan_ics_with refuses `opt`: -1, an error that holds `needle`, and no
 * file written. */
static void refused(const ap_plan_ics_options *opt, const char *needle)
{
	char tmp[64], dir[128];
	tmpdir(tmp);
	snprintf(dir, sizeof dir, "%s/out", tmp);
	ap_diags *d = ap_diags_new();
	ck_assert_int_eq(ap_plan_ics_with(&plan, dir, opt, d), -1);
	ck_assert_uint_ge(ap_diags_errors(d), 1);
	int found = 0;
	for (size_t i = 0; i < ap_diags_count(d); i++)
		found |= strstr(ap_diags_at(d, i)->message, needle) != NULL;
	ck_assert_msg(found, "no error with '%s': %s", needle,
	              ap_diags_at(d, 0)->message);
	ck_assert(is_empty_dir(dir));
	ap_diags_free(d);
}

START_TEST(options_refused)
{
	plan.missions = second;
	plan.n_missions = 4;
	ap_plan_ics_options opt = AP_PLAN_ICS_OPTIONS_INIT;
	opt.missions = second_ids;
	ap_ics_cancelled c = gone[0];
	opt.cancelled = &c;
	opt.n_cancelled = 1;

	c.firm_id = "F9";
	refused(&opt, "no firm 'F9'");
	c.firm_id = "F3";
	/* A firm with only cancelled days still needs a file name. */
	firms[2].id = "../F3";
	c.firm_id = "../F3";
	refused(&opt, "cannot be a file name");
	firms[2].id = "F3";
	c.firm_id = "F3";
	c.first_index = 3;
	refused(&opt, "out of its 2 days");
	c.first_index = 0;
	c.sequence = -1;
	refused(&opt, "negative");
	c.sequence = 1;

	/* A day both planned and cancelled in one calendar. */
	c = gone[1];
	c.first_index = 2;
	refused(&opt, "day 3 is both planned and cancelled");
	/* Two entries of one mission for one firm. */
	ap_ics_cancelled twice[2] = {gone[1], gone[1]};
	opt.cancelled = twice;
	opt.n_cancelled = 2;
	refused(&opt, "cancelled twice");

	opt.cancelled = NULL;
	opt.n_cancelled = 0;
	ap_ics_mission ids[4];
	memcpy(ids, second_ids, sizeof ids);
	opt.missions = ids;
	ids[3].mission_id = "P1-M-001";
	refused(&opt, "two missions have the id 'P1-M-001'");
	ids[3].mission_id = "";
	refused(&opt, "mission M-004 has no saved id");
	ids[3].mission_id = "P2-M-005";

	/* Given to another firm: cancelled in the calendar it was in (F1),
	 * the same UIDs in the new one (F2). */
	char tmp[64];
	tmpdir(tmp);
	ap_ics_cancelled moved = gone[1];
	moved.firm_id = "F1";
	moved.first_index = 0;
	opt.missions = second_ids;
	opt.cancelled = &moved;
	opt.n_cancelled = 1;
	ck_assert_int_eq(ap_plan_ics_with(&plan, tmp, &opt, NULL), 0);

	/* Cancelled entries need the plan's identities. */
	opt.missions = NULL;
	opt.cancelled = gone;
	opt.n_cancelled = 2;
	refused(&opt, "saved ids");
	opt.version = AP_PLAN_ICS_OPTIONS_VERSION + 1;
	refused(&opt, "version 2");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_ics");
	TCase *tc = tcase_create("plan_ics");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, replan_updates_and_cancels);
	tcase_add_test(tc, checker_catches_leftovers);
	tcase_add_test(tc, same_bytes_and_order);
	tcase_add_test(tc, hostile_ids_add_no_line);
	tcase_add_test(tc, options_refused);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
