/*
 * Unit tests of scoring: indicator levels, theme need and its interval under
 * missing data, confidence, bands, theme rules, levers, recommended days, the
 * site's complexity and the site mission.
 *
 * Every case is a real case file read through the shipped schema and scored
 * by the shipped plugins with the shipped configuration (configs/appui.cfg),
 * so the expected numbers are the defaults of
 * shared/spec/casefile-v1.md ("Indicator catalogue", "Scoring method").
 * Each expected number is computed by hand in the comment next to it.
 *
 * Catalogue weights used below:
 *   quality  : overall 3, cleanliness 2, requests 2, complaints.rate 2,
 *              first_reply_48h 2, median_days 1, vacancy 1, turnover 1,
 *              lifts.breakdowns 2, lifts.outage_days 1      -> total 17
 *              (complaints.count has weight 0: not scored itself)
 *   urban    : gup.convention 2, gup.orphan_spaces 2, cleanliness.audit 3,
 *              waste.bulky_callouts 2, waste.removal_hours 2,
 *              reports.closed_in_time 2, vehicles.abandoned 1,
 *              lighting.failures 1, tfpb.actions_done 1,
 *              walking.age_months 1                          -> total 17
 *   security : incidents.rate 2, staff.assaults 3, staff.assaults_physical 2,
 *              vandalism.cost 2, halls.occupied 2, deal.points 3,
 *              insecurity.feeling 2, access.failures 1,
 *              partnership.convention 1                      -> total 18
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define TOL                  0.01
#define EQ(actual, expected) ck_assert_double_eq_tol((actual), (expected), TOL)

/* Case-file snippets. */
#define IND(ref, v)    "<indicator ref=\"" ref "\" value=\"" v "\"/>"
#define THEME(t, body) "<theme ref=\"" t "\">" body "</theme>"

/* Three site contexts. */
/* ageing stock (1960 < 1977), enclaved, no local staff (0 FTE): complexity 3 */
#define SITE_C3                                                            \
	"<built>1960</built><situation>enclaved</situation><onsite-staff " \
	"fte=\"0\"/>"
/* ageing stock, urban renewal under way: complexity 2 */
#define SITE_C2 "<renewal>npnru-national</renewal><built>1960</built>"

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

typedef struct scored {
	ap_case *c;
	ap_case_result *r;
} scored;

static scored score_site(long dwellings, const char *site_extra,
                         const char *themes)
{
	char *xml = tu_casefile(dwellings, site_extra, themes);
	scored s;
	s.r = tu_score(host, reader, xml, &s.c);
	ck_assert_ptr_nonnull(s.r);
	free(xml);
	return s;
}

static scored score(const char *themes)
{
	return score_site(412, "", themes);
}

static void unscore(scored *s)
{
	ap_case_result_free(s->r);
	ap_case_free(s->c);
	s->r = NULL;
	s->c = NULL;
}

static const ap_theme_result *theme(const scored *s, const char *ref)
{
	const ap_theme_result *t = tu_theme(s->r, ref);
	ck_assert_msg(t != NULL, "theme %s was not scored", ref);
	return t;
}

static const ap_indicator_row *row(const ap_theme_result *t, const char *ref)
{
	const ap_indicator_row *r = tu_row(t, ref);
	ck_assert_msg(r != NULL, "no row for %s in theme %s", ref, t->theme);
	return r;
}

static char *xfmt(const char *fmt, ...) AP_PRINTF(1, 2);
static char *xfmt(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	char *s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static int in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* The rows' contributions add up to the need. */
static void check_contributions(const ap_theme_result *t)
{
	double sum = 0;
	for (size_t i = 0; i < t->n_rows; i++)
		sum += t->rows[i].contribution;
	EQ(sum, t->need);
}

static void check_lever(const ap_lever *lv, const char *ref, int level,
                        int new_level, double need_after, double gain)
{
	ck_assert_str_eq(lv->ref, ref);
	ck_assert_int_eq(lv->level, level);
	ck_assert_int_eq(lv->new_level, new_level);
	EQ(lv->need_after, need_after);
	EQ(lv->gain, gain);
}

/* ---- 1. level thresholds ------------------------------------------------- */

typedef struct level_case {
	const char *ref;
	const char *value;
	int level;
} level_case;

/* Scores a theme with one indicator and checks its level, and that the need
 * of a lone indicator is 100 x level / 3. */
static void check_levels(const char *theme_ref, const level_case *cases,
                         size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *themes = xfmt("<theme ref=\"%s\"><indicator ref=\"%s\" "
		                    "value=\"%s\"/></theme>",
		                    theme_ref, cases[i].ref, cases[i].value);
		scored s = score(themes);
		const ap_theme_result *t = theme(&s, theme_ref);
		const ap_indicator_row *r = row(t, cases[i].ref);
		ck_assert_msg(r->level == cases[i].level,
		              "%s = %s: level %d, expected %d", cases[i].ref,
		              cases[i].value, r->level, cases[i].level);
		ck_assert_double_eq_tol(r->value, strtod(cases[i].value, NULL),
		                        1e-9);
		ck_assert_uint_eq(t->n_rows, 1);
		/* one indicator: need = 100 x w x l / (3 x w) = 100 x l / 3 */
		EQ(t->need, 100.0 * cases[i].level / 3.0);
		unscore(&s);
		free(themes);
	}
}

START_TEST(levels_quality)
{
	static const level_case cases[] = {
	    /* satisfaction.overall: higher is better, >= 80 / 70 / 60 */
	    {"satisfaction.overall", "100", 0},
	    {"satisfaction.overall", "80", 0},   /* at t0: still level 0 */
	    {"satisfaction.overall", "79.9", 1}, /* just below t0 */
	    {"satisfaction.overall", "70", 1},   /* at t1 */
	    {"satisfaction.overall", "69.9", 2},
	    {"satisfaction.overall", "60", 2},   /* at t2 */
	    {"satisfaction.overall", "59.9", 3}, /* below t2 */
	    {"satisfaction.overall", "0", 3},
	    /* satisfaction.requests: higher is better, >= 75 / 65 / 55 */
	    {"satisfaction.requests", "75", 0},
	    {"satisfaction.requests", "74.9", 1},
	    {"satisfaction.requests", "65", 1},
	    {"satisfaction.requests", "64.9", 2},
	    {"satisfaction.requests", "55", 2},
	    {"satisfaction.requests", "54.9", 3},
	    /* complaints.rate: lower is better, <= 20 / 40 / 70 */
	    {"complaints.rate", "0", 0},
	    {"complaints.rate", "20", 0},    /* at t0 */
	    {"complaints.rate", "20.01", 1}, /* just above t0 */
	    {"complaints.rate", "40", 1},    /* at t1 */
	    {"complaints.rate", "40.01", 2},
	    {"complaints.rate", "70", 2},    /* at t2 */
	    {"complaints.rate", "70.01", 3}, /* above t2 */
	    {"complaints.rate", "500", 3},
	    /* vacancy.long_term: lower is better, <= 1.5 / 3 / 5 (percent) */
	    {"vacancy.long_term", "0", 0},
	    {"vacancy.long_term", "1.5", 0},
	    {"vacancy.long_term", "1.51", 1},
	    {"vacancy.long_term", "3", 1},
	    {"vacancy.long_term", "3.01", 2},
	    {"vacancy.long_term", "5", 2},
	    {"vacancy.long_term", "5.01", 3},
	    {"vacancy.long_term", "100", 3},
	    /* lifts.outage_days: lower is better, <= 2 / 7 / 30 */
	    {"lifts.outage_days", "2", 0},
	    {"lifts.outage_days", "2.1", 1},
	    {"lifts.outage_days", "7", 1},
	    {"lifts.outage_days", "7.1", 2},
	    {"lifts.outage_days", "30", 2},
	    {"lifts.outage_days", "30.1", 3},
	};
	check_levels("quality", cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(levels_urban)
{
	static const level_case cases[] = {
	    /* gup.convention: flag, 1 -> level 0, 0 -> level 2 */
	    {"gup.convention", "1", 0},
	    {"gup.convention", "0", 2},
	    /* gup.orphan_spaces: count, lower is better, <= 0 / 2 / 5 */
	    {"gup.orphan_spaces", "0", 0},
	    {"gup.orphan_spaces", "1", 1},
	    {"gup.orphan_spaces", "2", 1}, /* at t1 */
	    {"gup.orphan_spaces", "3", 2},
	    {"gup.orphan_spaces", "5", 2}, /* at t2 */
	    {"gup.orphan_spaces", "6", 3},
	    /* cleanliness.audit: higher is better, >= 90 / 80 / 65 */
	    {"cleanliness.audit", "100", 0},
	    {"cleanliness.audit", "90", 0},
	    {"cleanliness.audit", "89.9", 1},
	    {"cleanliness.audit", "80", 1},
	    {"cleanliness.audit", "79.9", 2},
	    {"cleanliness.audit", "65", 2},
	    {"cleanliness.audit", "64.9", 3},
	    /* waste.removal_hours: lower is better, <= 48 / 96 / 168 */
	    {"waste.removal_hours", "0", 0},
	    {"waste.removal_hours", "48", 0},
	    {"waste.removal_hours", "48.5", 1},
	    {"waste.removal_hours", "96", 1},
	    {"waste.removal_hours", "96.5", 2},
	    {"waste.removal_hours", "168", 2},
	    {"waste.removal_hours", "168.5", 3},
	};
	check_levels("urban", cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(levels_security)
{
	static const level_case cases[] = {
	    /* staff.assaults_physical: count, <= 0 / 0 / 1: any assault >= 2 */
	    {"staff.assaults_physical", "0", 0},
	    {"staff.assaults_physical", "1", 2},
	    {"staff.assaults_physical", "2", 3},
	    /* deal.points: count, <= 0 / 0 / 1: one point 2, two or more 3 */
	    {"deal.points", "0", 0},
	    {"deal.points", "1", 2},
	    {"deal.points", "2", 3},
	    {"deal.points", "7", 3},
	    /* halls.occupied: percent, lower is better, <= 0 / 5 / 15 */
	    {"halls.occupied", "0", 0},
	    {"halls.occupied", "0.1", 1},
	    {"halls.occupied", "5", 1},
	    {"halls.occupied", "5.1", 2},
	    {"halls.occupied", "15", 2},
	    {"halls.occupied", "15.1", 3},
	    {"halls.occupied", "100", 3},
	    /* partnership.convention: flag, 1 -> level 0, 0 -> level 1 */
	    {"partnership.convention", "1", 0},
	    {"partnership.convention", "0", 1},
	    /* staff.assaults: count, <= 0 / 1 / 3 */
	    {"staff.assaults", "0", 0},
	    {"staff.assaults", "1", 1},
	    {"staff.assaults", "2", 2},
	    {"staff.assaults", "3", 2},
	    {"staff.assaults", "4", 3},
	};
	check_levels("security", cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* ---- 2. need formula ------------------------------------------------------
 */

START_TEST(need_quality)
{
	scored s =
	    score(THEME("quality", IND("satisfaction.overall", "65") /* l2 w3 */
	                IND("satisfaction.cleanliness", "75")        /* l1 w2 */
	                IND("complaints.rate", "30")                 /* l1 w2 */
	                IND("vacancy.long_term", "6")                /* l3 w1 */
	                IND("lifts.outage_days", "1")));             /* l0 w1 */
	const ap_theme_result *t = theme(&s, "quality");
	ck_assert_uint_eq(t->n_rows, 5);
	ck_assert_int_eq(row(t, "satisfaction.overall")->level, 2);
	ck_assert_int_eq(row(t, "satisfaction.cleanliness")->level, 1);
	ck_assert_int_eq(row(t, "complaints.rate")->level, 1);
	ck_assert_int_eq(row(t, "vacancy.long_term")->level, 3);
	ck_assert_int_eq(row(t, "lifts.outage_days")->level, 0);
	EQ(row(t, "satisfaction.overall")->weight, 3);
	EQ(row(t, "vacancy.long_term")->weight, 1);
	/* sum w = 3+2+2+1+1 = 9; sum w.l = 6+2+2+3+0 = 13;
	 * need = 100 x 13 / 27 = 48.148 */
	EQ(t->need, 48.15);
	ck_assert_int_eq(t->band, AP_BAND_WATCH); /* 25 <= 48.15 < 50 */
	/* contributions = 100 x w x l / 27 */
	EQ(row(t, "satisfaction.overall")->contribution, 22.22);    /* 600/27 */
	EQ(row(t, "satisfaction.cleanliness")->contribution, 7.41); /* 200/27 */
	EQ(row(t, "complaints.rate")->contribution, 7.41);          /* 200/27 */
	EQ(row(t, "vacancy.long_term")->contribution, 11.11);       /* 300/27 */
	EQ(row(t, "lifts.outage_days")->contribution, 0.0);
	check_contributions(t); /* 22.22 + 7.41 + 7.41 + 11.11 + 0 = 48.15 */
	/* rows are in catalogue order */
	ck_assert_str_eq(t->rows[0].ref, "satisfaction.overall");
	ck_assert_str_eq(t->rows[1].ref, "satisfaction.cleanliness");
	ck_assert_str_eq(t->rows[2].ref, "complaints.rate");
	ck_assert_str_eq(t->rows[3].ref, "vacancy.long_term");
	ck_assert_str_eq(t->rows[4].ref, "lifts.outage_days");
	ck_assert_int_eq(t->rows[0].derived, 0);
	ck_assert_int_gt(t->rows[0].line, 0);
	unscore(&s);
}
END_TEST

START_TEST(need_urban)
{
	scored s =
	    score(THEME("urban", IND("walking.age_months", "6") /* l0 w1 */
	                IND("gup.convention", "0")              /* l2 w2 */
	                IND("gup.orphan_spaces", "1")           /* l1 w2 */
	                IND("cleanliness.audit", "85")          /* l1 w3 */
	                IND("waste.removal_hours", "200")));    /* l3 w2 */
	const ap_theme_result *t = theme(&s, "urban");
	ck_assert_uint_eq(t->n_rows, 5);
	/* sum w = 1+2+2+3+2 = 10; sum w.l = 0+4+2+3+6 = 15;
	 * need = 100 x 15 / 30 = 50.00 */
	EQ(t->need, 50.0);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED);       /* 50 is not < 50 */
	EQ(row(t, "gup.convention")->contribution, 13.33); /* 400/30 */
	EQ(row(t, "gup.orphan_spaces")->contribution, 6.67);   /* 200/30 */
	EQ(row(t, "cleanliness.audit")->contribution, 10.0);   /* 300/30 */
	EQ(row(t, "waste.removal_hours")->contribution, 20.0); /* 600/30 */
	EQ(row(t, "walking.age_months")->contribution, 0.0);
	check_contributions(t);
	/* catalogue order, whatever the file order */
	ck_assert_str_eq(t->rows[0].ref, "gup.convention");
	ck_assert_str_eq(t->rows[4].ref, "walking.age_months");
	/* orphan spaces 1 < 3: the GUP rule does not apply */
	ck_assert(!tu_has_rule(t, "orphan"));
	unscore(&s);
}
END_TEST

START_TEST(need_security)
{
	scored s =
	    score(THEME("security", IND("incidents.rate", "3") /* l1 w2 */
	                IND("staff.assaults", "2")             /* l2 w3 */
	                IND("vandalism.cost", "30")            /* l3 w2 */
	                IND("insecurity.feeling", "15")        /* l1 w2 */
	                IND("access.failures", "4")            /* l0 w1 */
	                IND("partnership.convention", "0")));  /* l1 w1 */
	const ap_theme_result *t = theme(&s, "security");
	ck_assert_uint_eq(t->n_rows, 6);
	/* sum w = 2+3+2+2+1+1 = 11; sum w.l = 2+6+6+2+0+1 = 17;
	 * need = 100 x 17 / 33 = 51.515 */
	EQ(t->need, 51.52);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED);
	EQ(row(t, "incidents.rate")->contribution, 6.06);     /* 200/33 */
	EQ(row(t, "staff.assaults")->contribution, 18.18);    /* 600/33 */
	EQ(row(t, "vandalism.cost")->contribution, 18.18);    /* 600/33 */
	EQ(row(t, "insecurity.feeling")->contribution, 6.06); /* 200/33 */
	EQ(row(t, "access.failures")->contribution, 0.0);
	EQ(row(t, "partnership.convention")->contribution, 3.03); /* 100/33 */
	check_contributions(t);
	ck_assert_uint_eq(t->n_rules,
	                  0); /* no physical assault, no deal point */
	unscore(&s);
}
END_TEST

/* ---- 3. missing data: interval and confidence ------------------------------
 */

START_TEST(interval_quality_partial)
{
	/* the case of need_quality: 5 of 10 scored indicators */
	scored s =
	    score(THEME("quality", IND("satisfaction.overall", "65") /* l2 w3 */
	                IND("satisfaction.cleanliness", "75")        /* l1 w2 */
	                IND("complaints.rate", "30")                 /* l1 w2 */
	                IND("vacancy.long_term", "6")                /* l3 w1 */
	                IND("lifts.outage_days", "1")));             /* l0 w1 */
	const ap_theme_result *t = theme(&s, "quality");
	/* missing: requests 2, first_reply_48h 2, median_days 1, turnover 1,
	 * lifts.breakdowns 2 = 8 (complaints.count, weight 0, is not "missing")
	 * need_low  = 100 x 13 / (3 x 17) = 1300/51 = 25.49
	 * need_high = 100 x (13 + 3 x 8) / 51 = 3700/51 = 72.55
	 * confidence = 9 / 17 = 0.529 */
	EQ(t->need, 48.15);
	EQ(t->need_low, 25.49);
	EQ(t->need_high, 72.55);
	EQ(t->confidence, 0.5294);
	ck_assert(t->need_low <= t->need && t->need <= t->need_high);
	ck_assert_uint_eq(t->n_missing, 5);
	const char *missing[] = {
	    "satisfaction.requests", "complaints.first_reply_48h",
	    "complaints.median_days", "turnover.rate", "lifts.breakdowns"};
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(t->missing[i],
		                 missing[i]); /* catalogue order */
	ck_assert(!in_list(t->missing, t->n_missing, "complaints.count"));
	unscore(&s);
}
END_TEST

START_TEST(interval_quality_full)
{
	scored s =
	    score(THEME("quality", IND("satisfaction.overall", "85") /* l0 w3 */
	                IND("satisfaction.cleanliness", "72")        /* l1 w2 */
	                IND("satisfaction.requests", "60")           /* l2 w2 */
	                IND("complaints.rate", "80")                 /* l3 w2 */
	                IND("complaints.first_reply_48h", "95")      /* l0 w2 */
	                IND("complaints.median_days", "15")          /* l1 w1 */
	                IND("vacancy.long_term", "4")                /* l2 w1 */
	                IND("turnover.rate", "25")                   /* l3 w1 */
	                IND("lifts.breakdowns", "3")                 /* l0 w2 */
	                IND("lifts.outage_days", "10")));            /* l2 w1 */
	const ap_theme_result *t = theme(&s, "quality");
	/* sum w.l = 0+2+4+6+0+1+2+3+0+2 = 20; need = 100 x 20 / 51 = 39.22;
	 * nothing missing: low = need = high, confidence 1 */
	ck_assert_uint_eq(t->n_rows, 10);
	ck_assert_uint_eq(t->n_missing, 0);
	EQ(t->need, 39.22);
	EQ(t->need_low, 39.22);
	EQ(t->need_high, 39.22);
	EQ(t->confidence, 1.0);
	check_contributions(t);
	unscore(&s);
}
END_TEST

START_TEST(interval_single_indicator)
{
	/* quality, satisfaction.overall alone at level 2 (w3):
	 * need = 66.67; need_low = 100 x 6 / 51 = 11.76;
	 * need_high = 100 x (6 + 3 x 14) / 51 = 4800/51 = 94.12;
	 * confidence = 3/17 = 0.176 */
	scored s = score(THEME("quality", IND("satisfaction.overall", "65")));
	const ap_theme_result *t = theme(&s, "quality");
	EQ(t->need, 66.67);
	EQ(t->need_low, 11.76);
	EQ(t->need_high, 94.12);
	EQ(t->confidence, 0.1765);
	ck_assert_uint_eq(t->n_missing, 9);
	unscore(&s);

	/* urban, gup.convention = 1 alone (l0, w2): need 0; need_low 0;
	 * need_high = 100 x 3 x 15 / 51 = 88.24; confidence 2/17 = 0.118 */
	s = score(THEME("urban", IND("gup.convention", "1")));
	t = theme(&s, "urban");
	EQ(t->need, 0.0);
	EQ(t->need_low, 0.0);
	EQ(t->need_high, 88.24);
	EQ(t->confidence, 0.1176);
	ck_assert_int_eq(t->band, AP_BAND_GOOD);
	ck_assert_uint_eq(t->n_missing, 9);
	unscore(&s);

	/* security, deal.points = 2 alone (l3, w3): need 100;
	 * need_low = 100 x 9 / 54 = 16.67; need_high = 100 x 54 / 54 = 100;
	 * confidence = 3/18 = 0.167 */
	s = score(THEME("security", IND("deal.points", "2")));
	t = theme(&s, "security");
	EQ(t->need, 100.0);
	EQ(t->need_low, 16.67);
	EQ(t->need_high, 100.0);
	EQ(t->confidence, 0.1667);
	ck_assert_uint_eq(t->n_missing, 8);
	unscore(&s);
}
END_TEST

START_TEST(interval_urban_security_partial)
{
	/* the cases of need_urban and need_security */
	scored s =
	    score(THEME("urban", IND("walking.age_months", "6") /* l0 w1 */
	                IND("gup.convention", "0")              /* l2 w2 */
	                IND("gup.orphan_spaces", "1")           /* l1 w2 */
	                IND("cleanliness.audit", "85")          /* l1 w3 */
	                IND("waste.removal_hours", "200"))      /* l3 w2 */
	          THEME("security", IND("incidents.rate", "3")  /* l1 w2 */
	                IND("staff.assaults", "2")              /* l2 w3 */
	                IND("vandalism.cost", "30")             /* l3 w2 */
	                IND("insecurity.feeling", "15")         /* l1 w2 */
	                IND("access.failures", "4")             /* l0 w1 */
	                IND("partnership.convention", "0")));   /* l1 w1 */
	const ap_theme_result *u = theme(&s, "urban");
	/* urban: present w 10, sum w.l 15, missing w 7 (bulky 2, reports 2,
	 * vehicles 1, lighting 1, tfpb 1)
	 * need_low = 1500/51 = 29.41; need_high = 100 x (15+21)/51 = 70.59;
	 * confidence = 10/17 = 0.588 */
	EQ(u->need_low, 29.41);
	EQ(u->need, 50.0);
	EQ(u->need_high, 70.59);
	EQ(u->confidence, 0.5882);
	ck_assert_uint_eq(u->n_missing, 5);
	const ap_theme_result *sec = theme(&s, "security");
	/* security: present w 11, sum w.l 17, missing w 7 (physical 2, halls 2,
	 * deal 3)
	 * need_low = 1700/54 = 31.48; need_high = 100 x (17+21)/54 = 70.37;
	 * confidence = 11/18 = 0.611 */
	EQ(sec->need_low, 31.48);
	EQ(sec->need, 51.52);
	EQ(sec->need_high, 70.37);
	EQ(sec->confidence, 0.6111);
	ck_assert_uint_eq(sec->n_missing, 3);
	ck_assert_str_eq(sec->missing[0], "staff.assaults_physical");
	ck_assert_str_eq(sec->missing[1], "halls.occupied");
	ck_assert_str_eq(sec->missing[2], "deal.points");
	ck_assert(u->need_low <= u->need && u->need <= u->need_high);
	ck_assert(sec->need_low <= sec->need && sec->need <= sec->need_high);
	unscore(&s);
}
END_TEST

/* ---- 4. derived complaints.rate --------------------------------------------
 */

START_TEST(derived_rate_12_months)
{
	scored s = score(THEME(
	    "quality", "<indicator ref=\"complaints.count\" value=\"210\" "
	               "period-months=\"12\"/>"));
	const ap_theme_result *t = theme(&s, "quality");
	const ap_indicator_row *r = row(t, "complaints.rate");
	/* 210 x 100 / 412 x 12 / 12 = 50.97 per 100 dwellings per year:
	 * 40 < 50.97 <= 70 -> level 2 */
	EQ(r->value, 50.97);
	ck_assert_int_eq(r->level, 2);
	ck_assert_int_eq(r->derived, 1);
	ck_assert_int_eq(r->line, 0);
	ck_assert(tu_has_rule(t, "derived"));
	ck_assert(tu_has_rule(t, "complaints.rate"));
	/* the count itself is not a row (weight 0) */
	ck_assert_ptr_null(tu_row(t, "complaints.count"));
	ck_assert_uint_eq(t->n_rows, 1);
	/* need = 100 x 2 / 3 = 66.67; confidence = 2/17 = 0.118 */
	EQ(t->need, 66.67);
	EQ(t->confidence, 0.1176);
	unscore(&s);
}
END_TEST

START_TEST(derived_rate_default_period)
{
	/* no period-months: 12 by default -> 50.97 as above */
	scored s = score(THEME("quality", IND("complaints.count", "210")));
	const ap_indicator_row *r =
	    row(theme(&s, "quality"), "complaints.rate");
	EQ(r->value, 50.97);
	ck_assert_int_eq(r->level, 2);
	ck_assert_int_eq(r->derived, 1);
	unscore(&s);
}
END_TEST

START_TEST(derived_rate_6_months)
{
	scored s = score(
	    THEME("quality",
	          IND("satisfaction.overall",
	              "85") "<indicator ref=\"complaints.count\" value=\"210\" "
	                    "period-months=\"6\"/>"));
	const ap_theme_result *t = theme(&s, "quality");
	const ap_indicator_row *r = row(t, "complaints.rate");
	/* 210 x 100 / 412 x 12 / 6 = 101.94 (twice 50.97) > 70 -> level 3 */
	EQ(r->value, 101.94);
	ck_assert_int_eq(r->level, 3);
	ck_assert_int_eq(r->derived, 1);
	ck_assert(tu_has_rule(t, "derived"));
	/* overall 85 -> l0 w3; rate l3 w2: need = 100 x 6 / 15 = 40 */
	EQ(t->need, 40.0);
	ck_assert_int_eq(row(t, "satisfaction.overall")->derived, 0);
	unscore(&s);
}
END_TEST

START_TEST(derived_rate_24_months)
{
	/* 210 x 100 / 412 x 12 / 24 = 25.49 (half of 50.97): 20 < 25.49 <= 40
	 * -> level 1 */
	scored s = score(THEME(
	    "quality", "<indicator ref=\"complaints.count\" value=\"210\" "
	               "period-months=\"24\"/>"));
	const ap_indicator_row *r =
	    row(theme(&s, "quality"), "complaints.rate");
	EQ(r->value, 25.49);
	ck_assert_int_eq(r->level, 1);
	unscore(&s);
}
END_TEST

START_TEST(given_rate_wins)
{
	scored s = score(THEME(
	    "quality", "<indicator ref=\"complaints.count\" value=\"210\" "
	               "period-months=\"6\"/>" IND("complaints.rate", "10")));
	const ap_theme_result *t = theme(&s, "quality");
	const ap_indicator_row *r = row(t, "complaints.rate");
	/* the given rate (10 <= 20 -> level 0) is scored, nothing derived */
	EQ(r->value, 10.0);
	ck_assert_int_eq(r->level, 0);
	ck_assert_int_eq(r->derived, 0);
	ck_assert_int_gt(r->line, 0);
	ck_assert(!tu_has_rule(t, "derived"));
	ck_assert_uint_eq(t->n_rules, 0);
	EQ(t->need, 0.0);
	unscore(&s);
}
END_TEST

/* ---- 5. theme rules --------------------------------------------------------
 */

/* Security indicators all at level 0 except the two the rules read. */
#define SEC_GOOD                       \
	IND("incidents.rate", "1")     \
	IND("staff.assaults", "0")     \
	IND("vandalism.cost", "5")     \
	IND("halls.occupied", "0")     \
	IND("insecurity.feeling", "5") \
	IND("access.failures", "2") IND("partnership.convention", "1")

START_TEST(rule_security_physical_assault)
{
	scored s =
	    score(THEME("security", SEC_GOOD IND("staff.assaults_physical", "1")
	                                IND("deal.points", "0")));
	const ap_theme_result *t = theme(&s, "security");
	/* physical 1 -> l2 (w2), all else 0: need = 100 x 4 / 54 = 7.41, good
	 * by need, raised to degraded by the rule */
	EQ(t->need, 7.41);
	ck_assert_double_lt(t->need, 50);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED);
	ck_assert(tu_has_rule(t, "physical assault"));
	ck_assert(!tu_has_rule(t, "deal point"));
	unscore(&s);
}
END_TEST

START_TEST(rule_security_no_assault)
{
	scored s =
	    score(THEME("security", SEC_GOOD IND("staff.assaults_physical", "0")
	                                IND("deal.points", "0")));
	const ap_theme_result *t = theme(&s, "security");
	EQ(t->need, 0.0);
	ck_assert_int_eq(t->band, AP_BAND_GOOD);
	ck_assert_uint_eq(t->n_rules, 0);
	unscore(&s);
}
END_TEST

START_TEST(rule_security_two_deal_points)
{
	scored s =
	    score(THEME("security", SEC_GOOD IND("staff.assaults_physical", "0")
	                                IND("deal.points", "2")));
	const ap_theme_result *t = theme(&s, "security");
	/* deal 2 -> l3 (w3): need = 100 x 9 / 54 = 16.67 -> raised to degraded
	 */
	EQ(t->need, 16.67);
	ck_assert_int_ge(t->band, AP_BAND_DEGRADED);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED);
	ck_assert(tu_has_rule(t, "deal point"));
	ck_assert(!tu_has_rule(t, "physical assault"));
	unscore(&s);
}
END_TEST

START_TEST(rule_security_one_deal_point)
{
	scored s =
	    score(THEME("security", SEC_GOOD IND("staff.assaults_physical", "0")
	                                IND("deal.points", "1")));
	const ap_theme_result *t = theme(&s, "security");
	/* deal 1 -> l2 (w3): need = 100 x 6 / 54 = 11.11 -> good, no rule */
	EQ(t->need, 11.11);
	ck_assert_int_eq(t->band, AP_BAND_GOOD);
	ck_assert(!tu_has_rule(t, "deal point"));
	ck_assert_uint_eq(t->n_rules, 0);
	unscore(&s);
}
END_TEST

START_TEST(rule_security_already_critical)
{
	scored s =
	    score(THEME("security", IND("incidents.rate", "20") /* l3 w2: 6 */
	                IND("staff.assaults", "5")              /* l3 w3: 9 */
	                IND("staff.assaults_physical", "1")     /* l2 w2: 4 */
	                IND("vandalism.cost", "30")             /* l3 w2: 6 */
	                IND("halls.occupied", "20")             /* l3 w2: 6 */
	                IND("deal.points", "2")                 /* l3 w3: 9 */
	                IND("insecurity.feeling", "40")         /* l3 w2: 6 */
	                IND("access.failures", "40")            /* l3 w1: 3 */
	                IND("partnership.convention", "0")));   /* l1 w1: 1 */
	const ap_theme_result *t = theme(&s, "security");
	/* sum w.l = 50; need = 100 x 50 / 54 = 92.59 -> critical; "at least
	 * degraded" leaves it critical; both rules are recorded */
	EQ(t->need, 92.59);
	ck_assert_int_eq(t->band, AP_BAND_CRITICAL);
	ck_assert(tu_has_rule(t, "physical assault"));
	ck_assert(tu_has_rule(t, "deal point"));
	unscore(&s);
}
END_TEST

/* Urban indicators all at level 0 except the two the rule reads (w 13). */
/* (clang-format does not settle on this macro: it is laid out by hand.) */
// clang-format off
#define URB_GOOD                                                             \
	IND("cleanliness.audit", "95")                                       \
	IND("waste.bulky_callouts", "0.5")                                   \
	IND("waste.removal_hours", "24")                                     \
	IND("reports.closed_in_time", "90")                                  \
	IND("vehicles.abandoned", "0")                                       \
	IND("lighting.failures", "2")                                        \
	IND("tfpb.actions_done", "95")                                       \
	IND("walking.age_months", "6")
// clang-format on

START_TEST(rule_urban_no_convention_orphans)
{
	scored s = score(THEME("urban", URB_GOOD IND("gup.convention", "0")
	                                    IND("gup.orphan_spaces", "3")));
	const ap_theme_result *t = theme(&s, "urban");
	/* convention 0 -> l2 (w2), orphans 3 -> l2 (w2): sum w.l = 8;
	 * need = 100 x 8 / 51 = 15.69 -> good by need, raised to degraded */
	EQ(t->need, 15.69);
	ck_assert_int_ge(t->band, AP_BAND_DEGRADED);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED);
	ck_assert(tu_has_rule(t, "orphan spaces"));
	ck_assert(tu_has_rule(t, "GUP convention"));
	unscore(&s);
}
END_TEST

START_TEST(rule_urban_two_orphans)
{
	scored s = score(THEME("urban", URB_GOOD IND("gup.convention", "0")
	                                    IND("gup.orphan_spaces", "2")));
	const ap_theme_result *t = theme(&s, "urban");
	/* convention l2 (4) + orphans 2 -> l1 (2): need = 600/51 = 11.76 */
	EQ(t->need, 11.76);
	ck_assert_int_eq(t->band, AP_BAND_GOOD);
	ck_assert(!tu_has_rule(t, "orphan"));
	ck_assert_uint_eq(t->n_rules, 0);
	unscore(&s);
}
END_TEST

START_TEST(rule_urban_convention_six_orphans)
{
	scored s = score(THEME("urban", URB_GOOD IND("gup.convention", "1")
	                                    IND("gup.orphan_spaces", "6")));
	const ap_theme_result *t = theme(&s, "urban");
	/* convention l0 + orphans 6 -> l3 (6): need = 600/51 = 11.76 */
	EQ(t->need, 11.76);
	ck_assert_int_eq(t->band, AP_BAND_GOOD);
	ck_assert(!tu_has_rule(t, "orphan"));
	ck_assert_uint_eq(t->n_rules, 0);
	unscore(&s);
}
END_TEST

/* ---- 6. bands at their limits ------------------------------------------- */

static void check_band(const char *theme_ref, const char *body, double need,
                       ap_band band)
{
	char *themes = xfmt("<theme ref=\"%s\">%s</theme>", theme_ref, body);
	scored s = score(themes);
	const ap_theme_result *t = theme(&s, theme_ref);
	EQ(t->need, need);
	ck_assert_msg(t->band == band, "%s need %.4f: band %s, expected %s",
	              theme_ref, t->need, ap_band_name(t->band),
	              ap_band_name(band));
	unscore(&s);
	free(themes);
}

START_TEST(bands_exact_limits)
{
	/* overall l1 (w3) + vacancy l0 (w1): 100 x 3 / 12 = 25 -> watch */
	check_band("quality",
	           IND("satisfaction.overall", "75")
	               IND("vacancy.long_term", "1"),
	           25.0, AP_BAND_WATCH);
	/* median_days l1 (w1) + vacancy l2 (w1): 100 x 3 / 6 = 50 -> degraded
	 */
	check_band("quality",
	           IND("complaints.median_days", "15")
	               IND("vacancy.long_term", "4"),
	           50.0, AP_BAND_DEGRADED);
	/* overall l2 (w3) + vacancy l3 (w1): 100 x 9 / 12 = 75 -> critical */
	check_band("quality",
	           IND("satisfaction.overall", "65")
	               IND("vacancy.long_term", "6"),
	           75.0, AP_BAND_CRITICAL);
	/* staff.assaults l1 (w3) + access l0 (w1): 300/12 = 25 -> watch */
	check_band("security",
	           IND("staff.assaults", "1") IND("access.failures", "0"), 25.0,
	           AP_BAND_WATCH);
	/* incidents l1 (w2) + vandalism l2 (w2): 600/12 = 50 -> degraded */
	check_band("security",
	           IND("incidents.rate", "4") IND("vandalism.cost", "20"), 50.0,
	           AP_BAND_DEGRADED);
	/* audit l3 (w3) + walking l0 (w1): 900/12 = 75 -> critical */
	check_band("urban",
	           IND("cleanliness.audit", "60")
	               IND("walking.age_months", "3"),
	           75.0, AP_BAND_CRITICAL);
	/* orphans l1 (w2) + removal l2 (w2): 600/12 = 50 -> degraded */
	check_band("urban",
	           IND("gup.orphan_spaces", "1")
	               IND("waste.removal_hours", "100"),
	           50.0, AP_BAND_DEGRADED);
}
END_TEST

START_TEST(bands_just_below_limits)
{
	/* overall w3, cleanliness w2, vacancy w1, outage w1: W = 7, 3W = 21 */
	/* overall l1 (3) + cleanliness l1 (2) = 5: 500/21 = 23.81 -> good */
	check_band("quality",
	           IND("satisfaction.overall", "75")
	               IND("satisfaction.cleanliness", "75")
	                   IND("vacancy.long_term", "1")
	                       IND("lifts.outage_days", "1"),
	           23.81, AP_BAND_GOOD);
	/* l2 (6) + l2 (4) = 10: 1000/21 = 47.62 -> watch */
	check_band("quality",
	           IND("satisfaction.overall", "65")
	               IND("satisfaction.cleanliness", "65")
	                   IND("vacancy.long_term", "1")
	                       IND("lifts.outage_days", "1"),
	           47.62, AP_BAND_WATCH);
	/* l3 (9) + l3 (6) = 15: 1500/21 = 71.43 -> degraded */
	check_band("quality",
	           IND("satisfaction.overall", "50")
	               IND("satisfaction.cleanliness", "50")
	                   IND("vacancy.long_term", "1")
	                       IND("lifts.outage_days", "1"),
	           71.43, AP_BAND_DEGRADED);
	/* 15 + vacancy l1 (1) = 16: 1600/21 = 76.19 -> critical */
	check_band("quality",
	           IND("satisfaction.overall", "50")
	               IND("satisfaction.cleanliness", "50")
	                   IND("vacancy.long_term", "2")
	                       IND("lifts.outage_days", "1"),
	           76.19, AP_BAND_CRITICAL);
}
END_TEST

START_TEST(bands_single_indicator)
{
	/* one indicator: need = 100 x level / 3 */
	check_band("quality", IND("satisfaction.overall", "90"), 0.0,
	           AP_BAND_GOOD);
	check_band("quality", IND("satisfaction.overall", "75"), 33.33,
	           AP_BAND_WATCH);
	check_band("quality", IND("satisfaction.overall", "65"), 66.67,
	           AP_BAND_DEGRADED);
	check_band("quality", IND("satisfaction.overall", "50"), 100.0,
	           AP_BAND_CRITICAL);
}
END_TEST

/* ---- 7. levers
 * --------------------------------------------------------------- */

START_TEST(levers_top_three_ties)
{
	scored s =
	    score(THEME("quality", IND("satisfaction.overall", "75") /* l1 w3 */
	                IND("satisfaction.cleanliness", "75")        /* l1 w2 */
	                IND("satisfaction.requests", "80")           /* l0 w2 */
	                IND("complaints.rate", "50")                 /* l2 w2 */
	                IND("complaints.first_reply_48h", "50")      /* l3 w2 */
	                IND("vacancy.long_term", "2")                /* l1 w1 */
	                IND("lifts.outage_days", "10")));            /* l2 w1 */
	const ap_theme_result *t = theme(&s, "quality");
	/* W = 13, 3W = 39; sum w.l = 3+2+0+4+6+1+2 = 18: need = 1800/39 = 46.15
	 * one level better: gain = 100 x w / 39
	 *   overall 7.69; cleanliness, rate, first_reply 5.13 (tie);
	 *   vacancy, outage 2.56; requests (l0) none
	 * top 3: overall, then cleanliness and rate (catalogue order beats
	 * first_reply_48h) */
	EQ(t->need, 46.15);
	ck_assert_uint_eq(t->n_levers, 3);
	check_lever(&t->levers[0], "satisfaction.overall", 1, 0, 38.46, 7.69);
	/* 1500/39 = 38.46 */
	check_lever(&t->levers[1], "satisfaction.cleanliness", 1, 0, 41.03,
	            5.13);
	/* 1600/39 = 41.03 */
	check_lever(&t->levers[2], "complaints.rate", 2, 1, 41.03, 5.13);
	for (size_t i = 0; i < t->n_levers; i++) {
		ck_assert_str_ne(t->levers[i].ref, "satisfaction.requests");
		EQ(t->levers[i].gain, t->need - t->levers[i].need_after);
	}
	unscore(&s);
}
END_TEST

START_TEST(levers_flag_and_fewer_than_three)
{
	scored s = score(THEME("urban", IND("gup.convention", "0") /* l2 w2 */
	                       IND("cleanliness.audit", "85")      /* l1 w3 */
	                       IND("walking.age_months", "6")));   /* l0 w1 */
	const ap_theme_result *t = theme(&s, "urban");
	/* W = 6, 3W = 18; sum w.l = 4+3 = 7: need = 700/18 = 38.89
	 * convention: the other answer (1) -> level 0: need 300/18 = 16.67,
	 *             gain 22.22
	 * audit: 1 -> 0: need 400/18 = 22.22, gain 16.67
	 * walking is level 0: no lever; so only 2 levers */
	EQ(t->need, 38.89);
	ck_assert_uint_eq(t->n_levers, 2);
	check_lever(&t->levers[0], "gup.convention", 2, 0, 16.67, 22.22);
	check_lever(&t->levers[1], "cleanliness.audit", 1, 0, 22.22, 16.67);
	unscore(&s);
}
END_TEST

START_TEST(levers_security)
{
	scored s = score(THEME("security", IND("deal.points", "2") /* l3 w3 */
	                       IND("halls.occupied", "10")         /* l2 w2 */
	                       IND("partnership.convention", "0")  /* l1 w1 */
	                       IND("access.failures", "0")));      /* l0 w1 */
	const ap_theme_result *t = theme(&s, "security");
	/* W = 7, 3W = 21; sum w.l = 9+4+1 = 14: need = 1400/21 = 66.67
	 * deal 3 -> 2: 1100/21 = 52.38, gain 14.29
	 * halls 2 -> 1: 1200/21 = 57.14, gain 9.52
	 * partnership (flag) 1 -> 0: 1300/21 = 61.90, gain 4.76 */
	EQ(t->need, 66.67);
	ck_assert_uint_eq(t->n_levers, 3);
	check_lever(&t->levers[0], "deal.points", 3, 2, 52.38, 14.29);
	check_lever(&t->levers[1], "halls.occupied", 2, 1, 57.14, 9.52);
	check_lever(&t->levers[2], "partnership.convention", 1, 0, 61.90, 4.76);
	unscore(&s);
}
END_TEST

START_TEST(levers_none_when_all_good)
{
	scored s =
	    score(THEME("quality", IND("satisfaction.overall", "90")
	                               IND("vacancy.long_term", "1"))
	              THEME("urban", URB_GOOD IND("gup.convention", "1")));
	ck_assert_uint_eq(theme(&s, "quality")->n_levers, 0);
	ck_assert_uint_eq(theme(&s, "urban")->n_levers, 0);
	unscore(&s);
	/* one indicator above level 0 among several: exactly one lever */
	s = score(THEME("quality", IND("satisfaction.overall", "90") IND(
	                               "vacancy.long_term", "2"))); /* l1 w1 */
	const ap_theme_result *t = theme(&s, "quality");
	/* W = 4: need = 100/12 = 8.33; vacancy 1 -> 0: need 0, gain 8.33 */
	ck_assert_uint_eq(t->n_levers, 1);
	check_lever(&t->levers[0], "vacancy.long_term", 1, 0, 0.0, 8.33);
	unscore(&s);
}
END_TEST

/* ---- 8. recommended days per theme ------------------------------------------
 */

/* quality watch (33.33), urban degraded (66.67), security critical (100) */
#define THEMES_W_D_C                                        \
	THEME("quality", IND("satisfaction.overall", "75")) \
	THEME("urban", IND("cleanliness.audit", "70"))      \
	THEME("security", IND("deal.points", "2"))

START_TEST(days_by_band)
{
	scored s = score(THEMES_W_D_C);
	ck_assert_int_eq(s.r->complexity, 0);
	ck_assert_int_eq(theme(&s, "quality")->band, AP_BAND_WATCH);
	ck_assert_int_eq(theme(&s, "urban")->band, AP_BAND_DEGRADED);
	ck_assert_int_eq(theme(&s, "security")->band, AP_BAND_CRITICAL);
	ck_assert_int_eq(theme(&s, "quality")->days, 3);  /* watch */
	ck_assert_int_eq(theme(&s, "urban")->days, 4);    /* degraded */
	ck_assert_int_eq(theme(&s, "security")->days, 5); /* critical */
	unscore(&s);

	s = score(THEME("quality", IND("satisfaction.overall", "90")));
	ck_assert_int_eq(theme(&s, "quality")->band, AP_BAND_GOOD);
	ck_assert_int_eq(theme(&s, "quality")->days, 0); /* good */
	unscore(&s);
}
END_TEST

START_TEST(days_complexity_bonus)
{
	scored s = score_site(412, SITE_C3, THEMES_W_D_C);
	/* 1960 < 1977, enclaved, 0 FTE: complexity 3 >= 3 -> +1 day */
	ck_assert_int_eq(s.r->complexity, 3);
	ck_assert_int_eq(theme(&s, "quality")->days, 4);  /* 3 + 1 */
	ck_assert_int_eq(theme(&s, "urban")->days, 5);    /* 4 + 1 */
	ck_assert_int_eq(theme(&s, "security")->days, 6); /* 5 + 1 */
	unscore(&s);

	s = score_site(412, SITE_C3,
	               THEME("quality", IND("satisfaction.overall", "90")));
	ck_assert_int_eq(s.r->complexity, 3);
	ck_assert_int_eq(theme(&s, "quality")->days, 0); /* good stays 0 */
	unscore(&s);

	s = score_site(412, SITE_C2, THEMES_W_D_C);
	/* complexity 2 < 3: no bonus */
	ck_assert_int_eq(s.r->complexity, 2);
	ck_assert_int_eq(theme(&s, "quality")->days, 3);
	ck_assert_int_eq(theme(&s, "urban")->days, 4);
	ck_assert_int_eq(theme(&s, "security")->days, 5);
	unscore(&s);
}
END_TEST

START_TEST(days_follow_raised_band)
{
	scored s =
	    score(THEME("security", SEC_GOOD IND("staff.assaults_physical", "1")
	                                IND("deal.points", "0")));
	const ap_theme_result *t = theme(&s, "security");
	/* need 7.41 but band raised to degraded: 4 days */
	EQ(t->need, 7.41);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED);
	ck_assert_int_eq(t->days, 4);
	unscore(&s);
}
END_TEST

/* ---- 9. complexity factors -------------------------------------------------
 */

static const char *const all_factors[] = {
    "ageing-stock",   "fragile-occupancy", "enclaved-or-peripheral",
    "no-local-staff", "far-from-agency",   "urban-renewal"};

/* A site with only the data of `factor`: it holds or not, and the five other
 * factors are unknown. */
static void check_factor(long dwellings, const char *site_extra,
                         const char *factor, int holds)
{
	scored s =
	    score_site(dwellings, site_extra,
	               THEME("quality", IND("satisfaction.overall", "90")));
	const ap_case_result *r = s.r;
	ck_assert_msg(r->complexity == holds, "%s: complexity %d, expected %d",
	              site_extra, r->complexity, holds);
	ck_assert_uint_eq(r->n_factors, (size_t)holds);
	ck_assert_msg(in_list(r->factors, r->n_factors, factor) == holds,
	              "%s: factor %s should %shold", site_extra, factor,
	              holds ? "" : "not ");
	ck_assert_msg(
	    !in_list(r->unknown_factors, r->n_unknown_factors, factor),
	    "%s: %s listed as unknown", site_extra, factor);
	ck_assert_uint_eq(r->n_unknown_factors, 5);
	for (size_t i = 0; i < 6; i++)
		if (strcmp(all_factors[i], factor) != 0)
			ck_assert(in_list(r->unknown_factors,
			                  r->n_unknown_factors,
			                  all_factors[i]));
	unscore(&s);
}

START_TEST(factor_ageing_stock)
{
	check_factor(412, "<built>1976</built>", "ageing-stock",
	             1); /* < 1977 */
	check_factor(412, "<built>1977</built>", "ageing-stock", 0);
	check_factor(412, "<built>2005</built>", "ageing-stock", 0);
}
END_TEST

START_TEST(factor_fragile_occupancy)
{
	check_factor(412, "<occupancy low-income-share=\"50\"/>",
	             "fragile-occupancy", 0); /* 50 is not > 50 */
	check_factor(412, "<occupancy low-income-share=\"50.1\"/>",
	             "fragile-occupancy", 1);
}
END_TEST

START_TEST(factor_no_local_staff)
{
	/* 1 x 100 / 100 = 1, not < 1 */
	check_factor(100, "<onsite-staff fte=\"1\"/>", "no-local-staff", 0);
	/* 0.99 x 100 / 100 = 0.99 < 1 */
	check_factor(100, "<onsite-staff fte=\"0.99\"/>", "no-local-staff", 1);
	/* 4 x 100 / 412 = 0.97 < 1 */
	check_factor(412, "<onsite-staff fte=\"4\"/>", "no-local-staff", 1);
	/* 5 x 100 / 412 = 1.21 */
	check_factor(412, "<onsite-staff fte=\"5\"/>", "no-local-staff", 0);
	check_factor(412, "<onsite-staff fte=\"0\"/>", "no-local-staff", 1);
}
END_TEST

START_TEST(factor_far_from_agency)
{
	check_factor(412, "<agency-distance-km>10</agency-distance-km>",
	             "far-from-agency", 0); /* 10 is not > 10 */
	check_factor(412, "<agency-distance-km>10.1</agency-distance-km>",
	             "far-from-agency", 1);
}
END_TEST

START_TEST(factor_urban_renewal)
{
	check_factor(412, "<renewal>npnru-regional</renewal>", "urban-renewal",
	             1);
	check_factor(412, "<renewal>npnru-national</renewal>", "urban-renewal",
	             1);
	check_factor(412, "<renewal>pnru</renewal>", "urban-renewal", 0);
	check_factor(412, "<renewal>none</renewal>", "urban-renewal", 0);
}
END_TEST

START_TEST(factor_situation)
{
	check_factor(412, "<situation>peripheral</situation>",
	             "enclaved-or-peripheral", 1);
	check_factor(412, "<situation>enclaved</situation>",
	             "enclaved-or-peripheral", 1);
	check_factor(412, "<situation>central</situation>",
	             "enclaved-or-peripheral", 0);
	check_factor(412, "<situation>rural</situation>",
	             "enclaved-or-peripheral", 0);
}
END_TEST

START_TEST(factors_unknown_and_all)
{
	/* no site context at all: complexity 0, every factor unknown */
	scored s = score(THEME("quality", IND("satisfaction.overall", "90")));
	ck_assert_int_eq(s.r->complexity, 0);
	ck_assert_uint_eq(s.r->n_factors, 0);
	ck_assert_uint_eq(s.r->n_unknown_factors, 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert(in_list(s.r->unknown_factors, s.r->n_unknown_factors,
		                  all_factors[i]));
	unscore(&s);

	/* all six hold (elements in free order): complexity 6, none unknown */
	s = score_site(412,
	               "<renewal>npnru-national</renewal>"
	               "<agency-distance-km>14</agency-distance-km>"
	               "<occupancy low-income-share=\"58\"/>"
	               "<onsite-staff fte=\"0\"/>"
	               "<situation>enclaved</situation>"
	               "<built>1968</built>",
	               THEME("quality", IND("satisfaction.overall", "90")));
	ck_assert_int_eq(s.r->complexity, 6);
	ck_assert_uint_eq(s.r->n_factors, 6);
	ck_assert_uint_eq(s.r->n_unknown_factors, 0);
	for (size_t i = 0; i < 6; i++)
		ck_assert(
		    in_list(s.r->factors, s.r->n_factors, all_factors[i]));
	unscore(&s);

	/* all six known, none holds: complexity 0, none unknown */
	s = score_site(100,
	               "<built>1990</built><situation>central</situation>"
	               "<onsite-staff fte=\"2\"/>"
	               "<agency-distance-km>3</agency-distance-km>"
	               "<renewal>none</renewal>"
	               "<occupancy low-income-share=\"30\"/>",
	               THEME("quality", IND("satisfaction.overall", "90")));
	ck_assert_int_eq(s.r->complexity, 0);
	ck_assert_uint_eq(s.r->n_factors, 0);
	ck_assert_uint_eq(s.r->n_unknown_factors, 0);
	unscore(&s);

	/* SITE_C3: ageing stock, enclaved, no local staff */
	s = score_site(412, SITE_C3,
	               THEME("quality", IND("satisfaction.overall", "90")));
	ck_assert_int_eq(s.r->complexity, 3);
	ck_assert(in_list(s.r->factors, s.r->n_factors, "ageing-stock"));
	ck_assert(
	    in_list(s.r->factors, s.r->n_factors, "enclaved-or-peripheral"));
	ck_assert(in_list(s.r->factors, s.r->n_factors, "no-local-staff"));
	ck_assert_uint_eq(s.r->n_unknown_factors, 3);
	unscore(&s);
}
END_TEST

/* ---- 10. site mission
 * ---------------------------------------------------------- */

static void check_mission_themes(const ap_case_result *r,
                                 const char *const *themes, size_t n)
{
	ck_assert_uint_eq(r->mission.n_themes, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(r->mission.themes[i], themes[i]);
}

START_TEST(mission_three_themes)
{
	scored s = score(THEMES_W_D_C);
	/* days: security 5 (highest) + 1 for urban (degraded); quality is only
	 * watch: 6 */
	ck_assert_int_eq(s.r->has_mission, 1);
	ck_assert_int_eq(s.r->mission.days, 6);
	static const char *const order[] = {"security", "urban", "quality"};
	check_mission_themes(s.r, order, 3); /* 100 > 66.67 > 33.33 */
	/* priority = 100 + 0.25 x (66.67 + 33.33) + 5 x 0 = 125 */
	EQ(s.r->mission.priority, 125.0);
	unscore(&s);
}
END_TEST

START_TEST(mission_clamped_and_complexity)
{
	scored s = score_site(412, SITE_C3, THEMES_W_D_C);
	/* days: 6 (critical + bonus) + 1 (urban degraded) = 7 -> clamped to 6
	 */
	ck_assert_int_eq(s.r->mission.days, 6);
	/* priority = 100 + 0.25 x 100 + 5 x 3 = 140 */
	EQ(s.r->mission.priority, 140.0);
	unscore(&s);
}
END_TEST

START_TEST(mission_two_degraded_one_watch)
{
	scored s =
	    score_site(412, SITE_C2,
	               THEME("security",
	                     IND("partnership.convention", "0")) /* l1: 33.33 */
	               THEME("urban", IND("gup.orphan_spaces", "1") /* l1 w2 */
	                     IND("waste.removal_hours", "100")) /* l2 w2: 50 */
	               THEME("quality", IND("satisfaction.overall",
	                                    "65"))); /* l2: 66.67 */
	ck_assert_int_eq(s.r->complexity, 2);
	ck_assert_int_eq(theme(&s, "quality")->band, AP_BAND_DEGRADED);
	ck_assert_int_eq(theme(&s, "urban")->band, AP_BAND_DEGRADED);
	ck_assert_int_eq(theme(&s, "security")->band, AP_BAND_WATCH);
	/* days: 4 (degraded, complexity 2: no bonus) + 1 (the other degraded
	 * theme) = 5; the watch theme adds nothing */
	ck_assert_int_eq(s.r->mission.days, 5);
	static const char *const order[] = {"quality", "urban", "security"};
	check_mission_themes(s.r, order, 3); /* 66.67 > 50 > 33.33 */
	/* priority = 66.67 + 0.25 x (50 + 33.33) + 5 x 2
	 *          = 66.667 + 20.833 + 10 = 97.50 */
	EQ(s.r->mission.priority, 97.50);
	unscore(&s);
}
END_TEST

START_TEST(mission_one_watch_theme)
{
	scored s =
	    score(THEME("quality", IND("satisfaction.overall", "75"))
	              THEME("urban", URB_GOOD IND("gup.convention", "1"))
	                  THEME("security", SEC_GOOD IND("deal.points", "0")));
	ck_assert_int_eq(s.r->has_mission, 1);
	/* watch 3 days; good themes are not in the mission */
	ck_assert_int_eq(s.r->mission.days, 3);
	static const char *const order[] = {"quality"};
	check_mission_themes(s.r, order, 1);
	/* priority = 33.33 */
	EQ(s.r->mission.priority, 33.33);
	unscore(&s);
}
END_TEST

START_TEST(mission_single_theme_days)
{
	/* one critical theme: its 5 days, no other theme to add */
	scored s = score(THEME("security", IND("deal.points", "2")));
	ck_assert_int_eq(s.r->has_mission, 1);
	ck_assert_int_eq(s.r->mission.days, 5);
	EQ(s.r->mission.priority, 100.0); /* 100 + 0 + 5 x 0 */
	unscore(&s);

	/* the same with complexity 3: 5 + 1 = 6 days;
	 * priority = 100 + 5 x 3 = 115 */
	s = score_site(412, SITE_C3,
	               THEME("security", IND("deal.points", "2")));
	ck_assert_int_eq(s.r->mission.days, 6);
	EQ(s.r->mission.priority, 115.0);
	unscore(&s);

	/* one degraded theme: 4 days */
	s = score(THEME("urban", IND("cleanliness.audit", "70")));
	ck_assert_int_eq(s.r->mission.days, 4);
	EQ(s.r->mission.priority, 66.67);
	unscore(&s);

	/* two critical themes, complexity 0: 5 + 1 (the other one) = 6;
	 * quality 100 (overall 50 -> l3), security 100: priority
	 * = 100 + 0.25 x 100 = 125 */
	s = score(THEME("quality", IND("satisfaction.overall", "50"))
	              THEME("security", IND("deal.points", "2")));
	ck_assert_int_eq(s.r->mission.days, 6);
	ck_assert_uint_eq(s.r->mission.n_themes, 2);
	EQ(s.r->mission.priority, 125.0);
	unscore(&s);

	/* two watch themes: 3 days (watch themes add nothing);
	 * priority = 33.33 + 0.25 x 33.33 = 41.67 */
	s = score(THEME("quality", IND("satisfaction.overall", "75"))
	              THEME("security", IND("partnership.convention", "0")));
	ck_assert_int_eq(s.r->mission.days, 3);
	ck_assert_uint_eq(s.r->mission.n_themes, 2);
	EQ(s.r->mission.priority, 41.67);
	unscore(&s);
}
END_TEST

START_TEST(mission_raised_band_theme)
{
	scored s = score(
	    THEME("security", SEC_GOOD IND("staff.assaults_physical", "1")
	                          IND("deal.points", "0")) /* 7.41, degraded */
	    THEME("quality", IND("satisfaction.overall", "75")));
	/* security: need 7.41, band degraded (rule), 4 days; quality watch 3
	 * days. days = 4 (highest, security) + 0 (quality is only watch) = 4 */
	ck_assert_int_eq(s.r->mission.days, 4);
	/* ordered by need: quality 33.33, security 7.41 */
	static const char *const order[] = {"quality", "security"};
	check_mission_themes(s.r, order, 2);
	/* priority = 33.33 + 0.25 x 7.41 = 33.333 + 1.852 = 35.19 */
	EQ(s.r->mission.priority, 35.19);
	unscore(&s);
}
END_TEST

START_TEST(mission_none_when_all_good)
{
	scored s = score_site(
	    412, SITE_C3,
	    THEME("quality", IND("satisfaction.overall", "90"))
	        THEME("urban", URB_GOOD IND("gup.convention", "1"))
	            THEME("security", SEC_GOOD IND("deal.points", "1")));
	/* security deal 1: 11.11 good; complexity 3 does not make a mission */
	ck_assert_int_eq(s.r->n_themes, 3);
	for (size_t i = 0; i < s.r->n_themes; i++)
		ck_assert_int_eq(s.r->themes[i].band, AP_BAND_GOOD);
	ck_assert_int_eq(s.r->has_mission, 0);
	ck_assert_uint_eq(s.r->mission.n_themes, 0);
	unscore(&s);
}
END_TEST

/* ---- 11. properties over random cases ---------------------------------------
 */

/* The default catalogue of the spec, as an independent oracle. */
enum { DOM_NONNEG, DOM_PERCENT, DOM_COUNT, DOM_FLAG };

typedef struct spec_ind {
	const char *ref;
	int higher; /* 1 when a higher value is better */
	int domain;
	double t[3];
	double w;
} spec_ind;

static const spec_ind spec_quality[] = {
    {"satisfaction.overall", 1, DOM_PERCENT, {80, 70, 60}, 3},
    {"satisfaction.cleanliness", 1, DOM_PERCENT, {80, 70, 60}, 2},
    {"satisfaction.requests", 1, DOM_PERCENT, {75, 65, 55}, 2},
    {"complaints.rate", 0, DOM_NONNEG, {20, 40, 70}, 2},
    {"complaints.first_reply_48h", 1, DOM_PERCENT, {90, 75, 60}, 2},
    {"complaints.median_days", 0, DOM_NONNEG, {10, 20, 45}, 1},
    {"vacancy.long_term", 0, DOM_PERCENT, {1.5, 3, 5}, 1},
    {"turnover.rate", 0, DOM_PERCENT, {12, 15, 20}, 1},
    {"lifts.breakdowns", 0, DOM_NONNEG, {4, 8, 12}, 2},
    {"lifts.outage_days", 0, DOM_NONNEG, {2, 7, 30}, 1},
};

static const spec_ind spec_urban[] = {
    {"gup.convention", 1, DOM_FLAG, {1, 1, 0}, 2},
    {"gup.orphan_spaces", 0, DOM_COUNT, {0, 2, 5}, 2},
    {"cleanliness.audit", 1, DOM_PERCENT, {90, 80, 65}, 3},
    {"waste.bulky_callouts", 0, DOM_NONNEG, {1, 3, 6}, 2},
    {"waste.removal_hours", 0, DOM_NONNEG, {48, 96, 168}, 2},
    {"reports.closed_in_time", 1, DOM_PERCENT, {85, 70, 50}, 2},
    {"vehicles.abandoned", 0, DOM_COUNT, {0, 2, 5}, 1},
    {"lighting.failures", 0, DOM_PERCENT, {5, 10, 20}, 1},
    {"tfpb.actions_done", 1, DOM_PERCENT, {90, 75, 50}, 1},
    {"walking.age_months", 0, DOM_NONNEG, {12, 24, 36}, 1},
};

static const spec_ind spec_security[] = {
    {"incidents.rate", 0, DOM_NONNEG, {2, 5, 10}, 2},
    {"staff.assaults", 0, DOM_COUNT, {0, 1, 3}, 3},
    {"staff.assaults_physical", 0, DOM_COUNT, {0, 0, 1}, 2},
    {"vandalism.cost", 0, DOM_NONNEG, {7, 12, 25}, 2},
    {"halls.occupied", 0, DOM_PERCENT, {0, 5, 15}, 2},
    {"deal.points", 0, DOM_COUNT, {0, 0, 1}, 3},
    {"insecurity.feeling", 0, DOM_PERCENT, {10, 20, 38}, 2},
    {"access.failures", 0, DOM_PERCENT, {5, 15, 30}, 1},
    {"partnership.convention", 1, DOM_FLAG, {1, 0, 0}, 1},
};

#define MAX_IND 10

typedef struct spec_theme {
	const char *ref;
	const spec_ind *cat;
	size_t n;
} spec_theme;

static const spec_theme spec_themes[] = {
    {"quality", spec_quality, sizeof spec_quality / sizeof spec_quality[0]},
    {"urban", spec_urban, sizeof spec_urban / sizeof spec_urban[0]},
    {"security", spec_security, sizeof spec_security / sizeof spec_security[0]},
};

static int spec_level(const spec_ind *d, double v)
{
	if (d->higher)
		return v >= d->t[0]   ? 0
		       : v >= d->t[1] ? 1
		       : v >= d->t[2] ? 2
		                      : 3;
	return v <= d->t[0] ? 0 : v <= d->t[1] ? 1 : v <= d->t[2] ? 2 : 3;
}

static ap_band spec_band(double need)
{
	return need < 25   ? AP_BAND_GOOD
	       : need < 50 ? AP_BAND_WATCH
	       : need < 75 ? AP_BAND_DEGRADED
	                   : AP_BAND_CRITICAL;
}

/* xorshift64*: deterministic across platforms. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() >> 33) % n;
}

/* A value as written in the file, and the double it stands for. */
typedef struct value {
	char text[32];
	double v;
} value;

static void set_value(value *out, const spec_ind *d, double v)
{
	if (d->domain == DOM_COUNT || d->domain == DOM_FLAG)
		snprintf(out->text, sizeof out->text, "%.0f", v);
	else
		snprintf(out->text, sizeof out->text, "%.2f", v);
	out->v = strtod(out->text, NULL);
}

/* A random value in the indicator's domain; often at or next to a limit. */
static void random_value(value *out, const spec_ind *d)
{
	double v;
	switch (d->domain) {
	case DOM_FLAG:
		v = rng_below(2);
		break;
	case DOM_COUNT:
		if (rng_below(3) == 0)
			v = d->t[rng_below(3)] + rng_below(2);
		else
			v = rng_below((unsigned)d->t[2] + 4);
		break;
	case DOM_PERCENT:
		if (rng_below(3) == 0) {
			v = d->t[rng_below(3)] + ((int)rng_below(3) - 1) * 0.01;
			v = v < 0 ? 0 : v > 100 ? 100 : v;
		} else {
			v = rng_below(10001) / 100.0;
		}
		break;
	default: /* DOM_NONNEG */
		if (rng_below(3) == 0) {
			v = d->t[rng_below(3)] + ((int)rng_below(3) - 1) * 0.01;
			v = v < 0 ? 0 : v;
		} else {
			v = rng_below((unsigned)(d->t[2] * 200) + 1) / 100.0;
		}
		break;
	}
	set_value(out, d, v);
}

/* A value one threshold worse than a value at `level` (< 3): just past
 * limit t[level] in the bad direction. Returns 0 when the domain has no
 * worse value (a flag already at 0). */
static int worse_value(value *out, const spec_ind *d, int level)
{
	double step =
	    (d->domain == DOM_COUNT || d->domain == DOM_FLAG) ? 1 : 0.01;
	double v = d->higher ? d->t[level] - step : d->t[level] + step;
	if (v < 0 || (d->domain == DOM_PERCENT && v > 100) ||
	    (d->domain == DOM_FLAG && v > 1))
		return 0;
	set_value(out, d, v);
	return 1;
}

typedef struct oracle {
	double need, need_low, need_high, confidence;
	ap_band band;
	int rule; /* a theme rule applies */
	size_t n_levers;
	const char *levers[3];
} oracle;

static void compute_oracle(const spec_theme *th, const int *present,
                           const value *vals, oracle *o)
{
	double s = 0, w_p = 0, w_all = 0, w_missing = 0;
	int level[MAX_IND];
	for (size_t i = 0; i < th->n; i++) {
		const spec_ind *d = &th->cat[i];
		w_all += d->w;
		if (present[i]) {
			level[i] = spec_level(d, vals[i].v);
			s += d->w * level[i];
			w_p += d->w;
		} else {
			w_missing += d->w;
		}
	}
	o->need = 100 * s / (3 * w_p);
	o->need_low = 100 * s / (3 * w_all);
	o->need_high = 100 * (s + 3 * w_missing) / (3 * w_all);
	o->confidence = w_p / w_all;
	o->band = spec_band(o->need);
	o->rule = 0;
	/* theme rules of the spec, with the shipped parameters */
	for (size_t i = 0; i < th->n; i++) {
		if (!present[i])
			continue;
		const char *ref = th->cat[i].ref;
		double v = vals[i].v;
		if ((strcmp(ref, "staff.assaults_physical") == 0 && v >= 1) ||
		    (strcmp(ref, "deal.points") == 0 && v >= 2))
			o->rule = 1;
		if (strcmp(ref, "gup.convention") == 0 && v == 0) {
			/* gup.orphan_spaces is the next entry */
			if (present[i + 1] && vals[i + 1].v >= 3)
				o->rule = 1;
		}
	}
	if (o->rule && o->band < AP_BAND_DEGRADED)
		o->band = AP_BAND_DEGRADED;
	/* levers: gain is proportional to w x (level - new level); equal gains
	 * keep catalogue order */
	double gain[MAX_IND];
	for (size_t i = 0; i < th->n; i++) {
		gain[i] = -1;
		if (!present[i] || level[i] == 0)
			continue;
		int nl = th->cat[i].domain == DOM_FLAG
		             ? spec_level(&th->cat[i], vals[i].v != 0 ? 0 : 1)
		             : level[i] - 1;
		gain[i] = th->cat[i].w * (level[i] - nl);
	}
	o->n_levers = 0;
	int taken[MAX_IND] = {0};
	while (o->n_levers < 3) {
		long best = -1;
		for (size_t i = 0; i < th->n; i++)
			if (!taken[i] && gain[i] > 0 &&
			    (best < 0 || gain[i] > gain[best]))
				best = (long)i;
		if (best < 0)
			break;
		taken[best] = 1;
		o->levers[o->n_levers++] = th->cat[best].ref;
	}
}

static char *theme_of_values(const spec_theme *th, const int *present,
                             const value *vals)
{
	size_t cap = 64 + th->n * 96, len = 0;
	char *xml = malloc(cap);
	ck_assert_ptr_nonnull(xml);
	len += (size_t)snprintf(xml + len, cap - len, "<theme ref=\"%s\">",
	                        th->ref);
	for (size_t i = 0; i < th->n; i++)
		if (present[i])
			len += (size_t)snprintf(
			    xml + len, cap - len,
			    "<indicator ref=\"%s\" value=\"%s\"/>",
			    th->cat[i].ref, vals[i].text);
	snprintf(xml + len, cap - len, "</theme>");
	return xml;
}

/* Scores the theme and checks it against the oracle and the invariants. */
static ap_theme_result check_case(const spec_theme *th, const int *present,
                                  const value *vals, const char *what)
{
	char *themes = theme_of_values(th, present, vals);
	scored s = score(themes);
	const ap_theme_result *t = theme(&s, th->ref);
	oracle o;
	compute_oracle(th, present, vals, &o);

	/* (a) the interval holds the need, all in range */
	ck_assert_msg(t->need_low <= t->need && t->need <= t->need_high,
	              "%s %s: low %.4f need %.4f high %.4f", what, themes,
	              t->need_low, t->need, t->need_high);
	ck_assert_msg(t->need_low >= 0 && t->need_high <= 100 && t->need >= 0 &&
	                  t->need <= 100,
	              "%s %s: out of 0..100", what, themes);
	ck_assert_msg(t->confidence >= 0 && t->confidence <= 1,
	              "%s %s: confidence %.4f", what, themes, t->confidence);
	/* and the numbers are those of the spec's formula */
	ck_assert_msg(fabs(t->need - o.need) < TOL,
	              "%s %s: need %.4f, spec %.4f", what, themes, t->need,
	              o.need);
	ck_assert_msg(fabs(t->need_low - o.need_low) < TOL,
	              "%s %s: need_low %.4f, spec %.4f", what, themes,
	              t->need_low, o.need_low);
	ck_assert_msg(fabs(t->need_high - o.need_high) < TOL,
	              "%s %s: need_high %.4f, spec %.4f", what, themes,
	              t->need_high, o.need_high);
	ck_assert_msg(fabs(t->confidence - o.confidence) < TOL,
	              "%s %s: confidence %.4f, spec %.4f", what, themes,
	              t->confidence, o.confidence);
	ck_assert_msg(t->band == o.band, "%s %s: band %s, spec %s", what,
	              themes, ap_band_name(t->band), ap_band_name(o.band));
	double sum = 0;
	for (size_t i = 0; i < t->n_rows; i++)
		sum += t->rows[i].contribution;
	ck_assert_msg(fabs(sum - t->need) < TOL, "%s %s: contributions %.4f",
	              what, themes, sum);
	ck_assert_msg(t->n_levers == o.n_levers, "%s %s: %zu levers, spec %zu",
	              what, themes, t->n_levers, o.n_levers);
	for (size_t i = 0; i < o.n_levers; i++) {
		ck_assert_msg(strcmp(t->levers[i].ref, o.levers[i]) == 0,
		              "%s %s: lever %zu is %s, spec %s", what, themes,
		              i, t->levers[i].ref, o.levers[i]);
		ck_assert(fabs(t->levers[i].gain -
		               (t->need - t->levers[i].need_after)) < TOL);
		if (i > 0)
			ck_assert(t->levers[i].gain <= t->levers[i - 1].gain);
	}

	ap_theme_result copy = {.need = t->need,
	                        .need_low = t->need_low,
	                        .need_high = t->need_high,
	                        .band = t->band};
	unscore(&s);
	free(themes);
	return copy;
}

static void property_run(const spec_theme *th, uint64_t seed, int n_cases)
{
	rng_state = seed;
	for (int c = 0; c < n_cases; c++) {
		int present[MAX_IND] = {0};
		value vals[MAX_IND];
		size_t n_present = 0;
		/* a random non-empty subset; about half the catalogue on
		 * average, sometimes all of it */
		int all = rng_below(8) == 0;
		for (size_t i = 0; i < th->n; i++) {
			present[i] = all || rng_below(2);
			n_present += (size_t)present[i];
			random_value(&vals[i], &th->cat[i]);
		}
		if (!n_present)
			present[rng_below((unsigned)th->n)] = 1;

		char what[64];
		snprintf(what, sizeof what, "%s case %d", th->ref, c);
		ap_theme_result base = check_case(th, present, vals, what);

		/* (b) each present indicator made worse, one at a time */
		for (size_t i = 0; i < th->n; i++) {
			if (!present[i])
				continue;
			int level = spec_level(&th->cat[i], vals[i].v);
			if (level == 3)
				continue;
			value saved = vals[i];
			if (!worse_value(&vals[i], &th->cat[i], level))
				continue;
			ck_assert_int_gt(spec_level(&th->cat[i], vals[i].v),
			                 level);
			snprintf(what, sizeof what, "%s case %d, %s worse",
			         th->ref, c, th->cat[i].ref);
			ap_theme_result worse =
			    check_case(th, present, vals, what);
			ck_assert_msg(worse.need >= base.need,
			              "%s: need fell from %.4f to %.4f", what,
			              base.need, worse.need);
			ck_assert_msg(worse.band >= base.band,
			              "%s: band fell from %s to %s", what,
			              ap_band_name(base.band),
			              ap_band_name(worse.band));
			vals[i] = saved;
		}
	}
}

START_TEST(property_quality)
{
	property_run(&spec_themes[0], 0x9E3779B97F4A7C15ULL, 110);
}
END_TEST

START_TEST(property_urban)
{
	property_run(&spec_themes[1], 0xD1B54A32D192ED03ULL, 110);
}
END_TEST

START_TEST(property_security)
{
	property_run(&spec_themes[2], 0x8CB92BA72F3D8DD7ULL, 110);
}
END_TEST

/* ---- suite ------------------------------------------------------------------
 */

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *scoring_suite(void)
{
	Suite *s = suite_create("scoring");
	TCase *tc;

	tc = tcase(s, "levels");
	tcase_add_test(tc, levels_quality);
	tcase_add_test(tc, levels_urban);
	tcase_add_test(tc, levels_security);

	tc = tcase(s, "need");
	tcase_add_test(tc, need_quality);
	tcase_add_test(tc, need_urban);
	tcase_add_test(tc, need_security);

	tc = tcase(s, "interval");
	tcase_add_test(tc, interval_quality_partial);
	tcase_add_test(tc, interval_quality_full);
	tcase_add_test(tc, interval_single_indicator);
	tcase_add_test(tc, interval_urban_security_partial);

	tc = tcase(s, "derived");
	tcase_add_test(tc, derived_rate_12_months);
	tcase_add_test(tc, derived_rate_default_period);
	tcase_add_test(tc, derived_rate_6_months);
	tcase_add_test(tc, derived_rate_24_months);
	tcase_add_test(tc, given_rate_wins);

	tc = tcase(s, "rules");
	tcase_add_test(tc, rule_security_physical_assault);
	tcase_add_test(tc, rule_security_no_assault);
	tcase_add_test(tc, rule_security_two_deal_points);
	tcase_add_test(tc, rule_security_one_deal_point);
	tcase_add_test(tc, rule_security_already_critical);
	tcase_add_test(tc, rule_urban_no_convention_orphans);
	tcase_add_test(tc, rule_urban_two_orphans);
	tcase_add_test(tc, rule_urban_convention_six_orphans);

	tc = tcase(s, "bands");
	tcase_add_test(tc, bands_exact_limits);
	tcase_add_test(tc, bands_just_below_limits);
	tcase_add_test(tc, bands_single_indicator);

	tc = tcase(s, "levers");
	tcase_add_test(tc, levers_top_three_ties);
	tcase_add_test(tc, levers_flag_and_fewer_than_three);
	tcase_add_test(tc, levers_security);
	tcase_add_test(tc, levers_none_when_all_good);

	tc = tcase(s, "days");
	tcase_add_test(tc, days_by_band);
	tcase_add_test(tc, days_complexity_bonus);
	tcase_add_test(tc, days_follow_raised_band);

	tc = tcase(s, "complexity");
	tcase_add_test(tc, factor_ageing_stock);
	tcase_add_test(tc, factor_fragile_occupancy);
	tcase_add_test(tc, factor_no_local_staff);
	tcase_add_test(tc, factor_far_from_agency);
	tcase_add_test(tc, factor_urban_renewal);
	tcase_add_test(tc, factor_situation);
	tcase_add_test(tc, factors_unknown_and_all);

	tc = tcase(s, "mission");
	tcase_add_test(tc, mission_three_themes);
	tcase_add_test(tc, mission_clamped_and_complexity);
	tcase_add_test(tc, mission_two_degraded_one_watch);
	tcase_add_test(tc, mission_one_watch_theme);
	tcase_add_test(tc, mission_single_theme_days);
	tcase_add_test(tc, mission_raised_band_theme);
	tcase_add_test(tc, mission_none_when_all_good);

	tc = tcase(s, "property");
	tcase_add_test(tc, property_quality);
	tcase_add_test(tc, property_urban);
	tcase_add_test(tc, property_security);

	return s;
}

int main(void)
{
	return tu_run(scoring_suite());
}
