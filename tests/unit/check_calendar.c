/* Unit tests of the calendar: day numbers, weekdays, Easter against the
 * published table, and the eleven French public holidays of every year of
 * the table. */
#include <stdio.h>
#include <string.h>

#include "appui/calendar.h"
#include "testutil.h"

static ap_day day_of(int y, int m, int d)
{
	return ap_day_from_date((ap_date){y, m, d});
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

START_TEST(known_day_numbers)
{
	ck_assert_int_eq(day_of(1970, 1, 1), 0);
	ck_assert_int_eq(day_of(1970, 1, 2), 1);
	ck_assert_int_eq(day_of(1969, 12, 31), -1);
	ck_assert_int_eq(day_of(2000, 3, 1), 11017);
	ck_assert_int_eq(day_of(2019, 9, 2), 18141);
	ck_assert_int_eq(day_of(1900, 1, 1), -25567);
	ck_assert_int_eq(day_of(2200, 12, 31), 84370);
}
END_TEST

/* Every day from 1600 to 2400 converts to a date and back, and the dates
 * follow each other one day at a time (so no day is skipped or doubled). */
START_TEST(round_trips)
{
	ap_day first = day_of(1600, 1, 1), last = day_of(2400, 12, 31);
	ap_date prev = ap_date_from_day(first - 1);
	ck_assert_int_eq(prev.year, 1599);
	ck_assert_int_eq(prev.month, 12);
	ck_assert_int_eq(prev.day, 31);
	for (ap_day day = first; day <= last; day++) {
		ap_date d = ap_date_from_day(day);
		ck_assert_int_eq(ap_day_from_date(d), day);
		if (d.day == 1) {
			/* Day one of a month follows the last day of the
			 * previous. */
			int pm = d.month == 1 ? 12 : d.month - 1;
			int py = d.month == 1 ? d.year - 1 : d.year;
			ck_assert_int_eq(prev.year, py);
			ck_assert_int_eq(prev.month, pm);
			int len = pm == 2 ? 28 + is_leap(py)
			          : (pm == 4 || pm == 6 || pm == 9 || pm == 11)
			              ? 30
			              : 31;
			ck_assert_int_eq(prev.day, len);
		} else {
			ck_assert_int_eq(d.year, prev.year);
			ck_assert_int_eq(d.month, prev.month);
			ck_assert_int_eq(d.day, prev.day + 1);
		}
		prev = d;
	}
	/* 801 years, 195 of them leap (1600, 2000, 2400 are; 1700, 1800...
	 * not). */
	ck_assert_int_eq(last - first + 1, 801L * 365 + 195);
}
END_TEST

START_TEST(weekdays_of_known_dates)
{
	ck_assert_int_eq(ap_day_weekday(day_of(1970, 1, 1)), 4); /* Thursday */
	ck_assert_int_eq(ap_day_weekday(day_of(1969, 12, 29)), 1);
	ck_assert_int_eq(ap_day_weekday(day_of(1900, 1, 1)), 1);
	ck_assert_int_eq(ap_day_weekday(day_of(2000, 1, 1)), 6);
	ck_assert_int_eq(ap_day_weekday(day_of(2019, 9, 2)), 1);
	ck_assert_int_eq(ap_day_weekday(day_of(2019, 12, 20)), 5);
	ck_assert_int_eq(ap_day_weekday(day_of(2019, 12, 22)), 7);
	ck_assert_int_eq(ap_day_weekday(day_of(2024, 2, 29)), 4);
	ck_assert_int_eq(ap_day_weekday(day_of(2200, 12, 31)), 3);
	/* Consecutive days cycle 1..7, across the 1970 epoch too. */
	for (ap_day day = -400; day < 400; day++)
		ck_assert_int_eq(ap_day_weekday(day + 1),
		                 ap_day_weekday(day) % 7 + 1);
}
END_TEST

static const ap_date easters[] = {
    {2019, 4, 21}, {2020, 4, 12}, {2021, 4, 4},  {2022, 4, 17}, {2023, 4, 9},
    {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},  {2027, 3, 28}, {2028, 4, 16},
    {2029, 4, 1},  {2030, 4, 21}, {2031, 4, 13}, {2032, 3, 28}, {2033, 4, 17},
    {2034, 4, 9},  {2035, 3, 25},
};

START_TEST(easter_table)
{
	for (size_t i = 0; i < sizeof easters / sizeof easters[0]; i++) {
		ap_date e = ap_easter(easters[i].year);
		ck_assert_int_eq(e.year, easters[i].year);
		ck_assert_int_eq(e.month, easters[i].month);
		ck_assert_int_eq(e.day, easters[i].day);
		ck_assert_int_eq(ap_day_weekday(ap_day_from_date(e)), 7);
	}
	/* The extremes of the Gregorian computus. */
	ap_date e = ap_easter(2285);
	ck_assert(e.month == 3 && e.day == 22);
	e = ap_easter(1943);
	ck_assert(e.month == 4 && e.day == 25);
	/* Always a Sunday between 22 March and 25 April. */
	for (int y = 1900; y <= 2200; y++) {
		e = ap_easter(y);
		ap_day day = ap_day_from_date(e);
		ck_assert_int_eq(ap_day_weekday(day), 7);
		ck_assert(day >= day_of(y, 3, 22) && day <= day_of(y, 4, 25));
	}
}
END_TEST

static void expect_holiday(ap_day day, const char *name)
{
	const char *got = ap_french_holiday(day);
	char buf[11];
	ap_date_format(ap_date_from_day(day), buf);
	ck_assert_msg(got != NULL, "%s should be %s", buf, name);
	ck_assert_msg(strcmp(got, name) == 0, "%s is '%s', not '%s'", buf, got,
	              name);
	ck_assert_int_eq(ap_is_working_day(day), 0);
}

START_TEST(movable_holidays)
{
	for (size_t i = 0; i < sizeof easters / sizeof easters[0]; i++) {
		ap_day easter = ap_day_from_date(easters[i]);
		ck_assert_ptr_null(ap_french_holiday(easter - 1));
		expect_holiday(easter + 1, "Lundi de Pâques (Easter Monday)");
		expect_holiday(easter + 39, "Ascension (Ascension Day)");
		expect_holiday(easter + 50, "Lundi de Pentecôte (Whit Monday)");
		ck_assert_int_eq(ap_day_weekday(easter + 1), 1);
		ck_assert_int_eq(ap_day_weekday(easter + 39), 4);
		ck_assert_int_eq(ap_day_weekday(easter + 50), 1);
	}
	/* The explicit checks. */
	expect_holiday(day_of(2025, 4, 21), "Lundi de Pâques (Easter Monday)");
	expect_holiday(day_of(2025, 5, 29), "Ascension (Ascension Day)");
	expect_holiday(day_of(2025, 6, 9), "Lundi de Pentecôte (Whit Monday)");
	/* Good Friday and Whit Sunday's eve are not public holidays. */
	ck_assert_ptr_null(ap_french_holiday(day_of(2025, 4, 18)));
	ck_assert_int_eq(ap_is_working_day(day_of(2025, 4, 18)), 1);
	ck_assert_int_eq(ap_is_working_day(day_of(2025, 5, 30)), 1);
}
END_TEST

START_TEST(fixed_holidays)
{
	static const struct {
		int month, day;
		const char *name;
	} fixed[] = {
	    {1, 1, "Jour de l'an (New Year's Day)"},
	    {5, 1, "Fête du Travail (Labour Day)"},
	    {5, 8, "Victoire 1945 (Victory in Europe Day)"},
	    {7, 14, "Fête nationale (Bastille Day)"},
	    {8, 15, "Assomption (Assumption Day)"},
	    {11, 1, "Toussaint (All Saints' Day)"},
	    {11, 11, "Armistice 1918 (Armistice Day)"},
	    {12, 25, "Noël (Christmas Day)"},
	};
	for (int y = 2019; y <= 2035; y++) {
		for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
			expect_holiday(day_of(y, fixed[i].month, fixed[i].day),
			               fixed[i].name);
			/* The day after is not a fixed holiday: no bridge days
			 * (it may be Ascension: 9 May 2024). */
			const char *next = ap_french_holiday(
			    day_of(y, fixed[i].month, fixed[i].day) + 1);
			ck_assert(!next ||
			          strcmp(next, "Ascension (Ascension Day)") ==
			              0);
		}
		ck_assert_ptr_null(ap_french_holiday(day_of(y, 12, 26)));
	}
}
END_TEST

START_TEST(eleven_holidays_a_year)
{
	for (int y = 2019; y <= 2035; y++) {
		int n = 0;
		for (ap_day day = day_of(y, 1, 1); day <= day_of(y, 12, 31);
		     day++)
			n += ap_french_holiday(day) != NULL;
		ck_assert_msg(n == 11, "%d has %d holidays", y, n);
	}
	/* In 2008 Ascension fell on 1 May: ten days, the shared one named for
	 * both. */
	int n = 0;
	for (ap_day day = day_of(2008, 1, 1); day <= day_of(2008, 12, 31);
	     day++)
		n += ap_french_holiday(day) != NULL;
	ck_assert_int_eq(n, 10);
	ck_assert_str_eq(
	    ap_french_holiday(day_of(2008, 5, 1)),
	    "Fête du Travail et Ascension (Labour Day and Ascension "
	    "Day)");
}
END_TEST

START_TEST(working_days)
{
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 9, 2)), 1); /* Monday */
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 9, 6)), 1); /* Friday */
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 9, 7)),
	                 0); /* Saturday */
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 9, 8)), 0); /* Sunday */
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 11, 1)),
	                 0); /* Friday, Toussaint */
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 11, 11)), 0);
	ck_assert_int_eq(ap_is_working_day(day_of(2019, 11, 12)), 1);
	/* A weekend holiday is simply not worked, and not moved. */
	ck_assert_int_eq(ap_is_working_day(day_of(2020, 11, 11)),
	                 0); /* Wednesday */
	ck_assert_int_eq(ap_is_working_day(day_of(2020, 11, 1)),
	                 0); /* Sunday */
	ck_assert_int_eq(ap_is_working_day(day_of(2020, 11, 2)),
	                 1); /* Monday */
	/* Autumn 2019 campaign window: 80 weekdays, minus 1 and 11 November. */
	int n = 0;
	for (ap_day day = day_of(2019, 9, 2); day <= day_of(2019, 12, 20);
	     day++)
		n += ap_is_working_day(day);
	ck_assert_int_eq(n, 78);
}
END_TEST

/* Dates compare as their day numbers do. */
START_TEST(compare_dates)
{
	ap_date a = {2019, 12, 31}, b = {2020, 1, 1}, c = {2020, 1, 2};
	ck_assert_int_eq(ap_date_cmp(a, b), -1);
	ck_assert_int_eq(ap_date_cmp(b, a), 1);
	ck_assert_int_eq(ap_date_cmp(b, b), 0);
	ck_assert_int_eq(ap_date_cmp(b, c), -1);
	ap_date m1 = {2020, 2, 29}, m2 = {2020, 3, 1};
	ck_assert_int_eq(ap_date_cmp(m2, m1), 1);
	for (ap_day d = 18000; d < 18800; d += 13) {
		ap_date x = ap_date_from_day(d), y = ap_date_from_day(d + 29);
		ck_assert_int_eq(ap_date_cmp(x, y), -1);
		ck_assert_int_eq(ap_date_cmp(y, x), 1);
	}
}
END_TEST

START_TEST(parse_and_format)
{
	ap_date d;
	ck_assert_int_eq(ap_date_parse("2019-09-02", &d), 0);
	ck_assert(d.year == 2019 && d.month == 9 && d.day == 2);
	ck_assert_int_eq(ap_date_parse("2020-02-29", &d), 0);
	ck_assert_int_eq(ap_date_parse("2000-02-29", &d), 0);
	ck_assert_int_eq(ap_date_parse("1900-01-01", &d), 0);
	ck_assert_int_eq(ap_date_parse("2200-12-31", &d), 0);

	static const char *const bad[] = {
	    "2019-02-29",  "2019-13-01",  "2019-4-1",
	    "2019-04-1",   "2019-04-01x", "2019-04-01 ",
	    " 2019-04-01", "2019-00-10",  "2019-04-00",
	    "2019-04-31",  "1900-02-29",  "2100-02-29",
	    "1899-12-31",  "2201-01-01",  "2019/04/01",
	    "+019-04-01",  "2019-+4-01",  "",
	    "2019",        "20190401",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = (ap_date){1, 2, 3};
		ck_assert_msg(ap_date_parse(bad[i], &d) == -1, "'%s' accepted",
		              bad[i]);
		/* A refused string leaves the output as it was. */
		ck_assert(d.year == 1 && d.month == 2 && d.day == 3);
	}
	ck_assert_int_eq(ap_date_parse(NULL, &d), -1);

	char buf[11];
	ap_date_format((ap_date){2019, 9, 2}, buf);
	ck_assert_str_eq(buf, "2019-09-02");
	ap_date_format((ap_date){1900, 12, 31}, buf);
	ck_assert_str_eq(buf, "1900-12-31");
	/* Format then parse gives the same day, for a day a week of 1900..2200.
	 */
	for (ap_day day = day_of(1900, 1, 1); day <= day_of(2200, 12, 31);
	     day += 7) {
		ap_date_format(ap_date_from_day(day), buf);
		ck_assert_int_eq(ap_date_parse(buf, &d), 0);
		ck_assert_int_eq(ap_day_from_date(d), day);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("calendar");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, known_day_numbers);
	tcase_add_test(tc, round_trips);
	tcase_add_test(tc, weekdays_of_known_dates);
	tcase_add_test(tc, easter_table);
	tcase_add_test(tc, movable_holidays);
	tcase_add_test(tc, fixed_holidays);
	tcase_add_test(tc, eleven_holidays_a_year);
	tcase_add_test(tc, working_days);
	tcase_add_test(tc, parse_and_format);
	tcase_add_test(tc, compare_dates);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
