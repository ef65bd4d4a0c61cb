/*
 * Calendar arithmetic: dates as day numbers, ISO weekdays, Easter and the
 * French public holidays.
 *
 * Holidays are computed from the year rather than listed, so a campaign in
 * any year works without a table to keep up to date. The date conversions
 * are H. Hinnant's days_from_civil / civil_from_days
 * (https://howardhinnant.github.io/date_algorithms.html): exact for the
 * proleptic Gregorian calendar, no loops, no time zone, no libc.
 */
#include <stdio.h>

#include "appui/calendar.h"
#include "util.h"

/* Floor division, so that eras before 1970 (and before year 0) work. */
static long floor_div(long a, long b)
{
	long q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

ap_day ap_day_from_date(ap_date d)
{
	/* Years start on 1 March, so that the leap day is the last one. */
	long y = (long)d.year - (d.month <= 2);
	long era = floor_div(y, 400);
	long yoe = y - era * 400;                          /* [0, 399] */
	long mp = d.month > 2 ? d.month - 3 : d.month + 9; /* [0, 11] */
	long doy = (153 * mp + 2) / 5 + d.day - 1;         /* [0, 365] */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

ap_date ap_date_from_day(ap_day day)
{
	/* doe: day of the 400-year era [0, 146096]; yoe: year of the era
	 * [0, 399]; doy: day of the March-based year [0, 365]; mp: month from
	 * March [0, 11]. */
	long z = day + 719468;
	long era = floor_div(z, 146097);
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	ap_date d;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int ap_date_parse(const char *s, ap_date *out)
{
	ap_date d;
	/* Exactly YYYY-MM-DD: no sign, no spaces, no short fields, nothing
	 * after, so a typo is an error rather than another date. */
	if (!s || digits(s, 4, &d.year) != 0 || s[4] != '-' ||
	    digits(s + 5, 2, &d.month) != 0 || s[7] != '-' ||
	    digits(s + 8, 2, &d.day) != 0 || s[10] != '\0')
		return -1;
	if (d.year < 1900 || d.year > 2200 || d.month < 1 || d.month > 12 ||
	    d.day < 1 || d.day > ap_days_in_month(d.year, d.month))
		return -1;
	*out = d;
	return 0;
}

int ap_date_cmp(ap_date a, ap_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

void ap_date_format(ap_date d, char out[11])
{
	snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
}

int ap_day_weekday(ap_day day)
{
	/* 1970-01-01 was a Thursday (4). */
	long r = day % 7;
	if (r < 0)
		r += 7;
	return (int)((r + 3) % 7 + 1);
}

ap_date ap_easter(int year)
{
	/* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19;
	int b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int n = h + l - 7 * m + 114;
	return (ap_date){year, n / 31, n % 31 + 1};
}

const char *ap_french_holiday(ap_day day)
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
	ap_date d = ap_date_from_day(day);
	ap_day easter = ap_day_from_date(ap_easter(d.year));
	/* Ascension (Easter + 39) falls between 30 April and 3 June, so it can
	 * be 1 or 8 May (2008, 1975): name both rather than hide one. */
	if (day == easter + 39) {
		if (d.month == 5 && d.day == 1)
			return "Fête du Travail et Ascension (Labour Day and "
			       "Ascension "
			       "Day)";
		if (d.month == 5 && d.day == 8)
			return "Victoire 1945 et Ascension (Victory in Europe "
			       "Day and "
			       "Ascension Day)";
		return "Ascension (Ascension Day)";
	}
	if (day == easter + 1)
		return "Lundi de Pâques (Easter Monday)";
	if (day == easter + 50)
		return "Lundi de Pentecôte (Whit Monday)";
	for (size_t i = 0; i < AP_ARRAY_LEN(fixed); i++)
		if (d.month == fixed[i].month && d.day == fixed[i].day)
			return fixed[i].name;
	return NULL;
}

int ap_is_working_day(ap_day day)
{
	return ap_day_weekday(day) <= 5 && ap_french_holiday(day) == NULL;
}
