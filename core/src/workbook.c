/*
 * The workbook (docs/workbook.md): the report's data as sheets of a table
 * each, written with libxlsxwriter (the only module that includes it).
 *
 * Numbers are numbers, dates are dates, text is text: every string from the
 * input goes through worksheet_write_string(), never as a formula, so a
 * site named "=HYPERLINK(...)" stays that text. Strings are shown inert
 * (ap_buf_inert: controls, bidirectional overrides and line separators as
 * visible escapes), a literal "_xHHHH_" is escaped as OOXML asks so that
 * Excel does not decode it, and a string is cut at Excel's 32,767
 * characters.
 *
 * The bytes are deterministic: the document properties are fixed (their
 * creation time is the report's date when one is given, else a constant;
 * libxlsxwriter gives the zip entries a fixed date, or that time). The rows are
 * written in order, in constant-memory mode, so that a report of 10,000 sites
 * does not hold every cell in memory.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "appui/atomic.h"
#include "appui/status.h"
#include "document_impl.h"
#include "util.h"

#define DEFAULT_TITLE "Dispositif d'appui solidaire"
/* 2000-01-01T00:00:00Z: the creation time without a report date. */
#define FIXED_CREATED ((time_t)946684800)
#define MAX_COLS      64
/* Themes with a need column of their own on the Sites sheet. */
#define MAX_THEMES 16
#define MAX_WIDTH  60.0
#define MIN_WIDTH  6.0
/* Excel's longest cell text, in UTF-16 units. */
#define MAX_CELL_UNITS 32767

typedef struct book {
	lxw_workbook *wb;
	lxw_format *bold, *date, *euros, *share;
	ap_buf text; /* the cell text being prepared */
	lxw_error err;
	const char *where; /* the sheet of the first error */
	const json_t *plan;
} book;

typedef struct sheet {
	book *b;
	lxw_worksheet *ws;
	const char *name;
	lxw_row_t row; /* the row being written; 0 is the header */
	lxw_col_t ncols;
	double width[MAX_COLS];
} sheet;

/* ---- cells ------------------------------------------------------------ */

static int failed(sheet *s, lxw_error e)
{
	if (e != LXW_NO_ERROR && s->b->err == LXW_NO_ERROR) {
		s->b->err = e;
		s->b->where = s->name;
	}
	return s->b->err != LXW_NO_ERROR;
}

static void widen(sheet *s, lxw_col_t c, double chars)
{
	double w = chars + 1;
	if (c < MAX_COLS && w > s->width[c])
		s->width[c] = w > MAX_WIDTH ? MAX_WIDTH : w;
}

/* "_xHHHH_" in the input would be read back as the character HHHH: its
 * underscore is written "_x005F_". */
static int ooxml_escape_at(const char *p)
{
	if (p[0] != '_' || p[1] != 'x')
		return 0;
	for (int i = 2; i < 6; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	return p[6] == '_';
}

/* `s` as the cell's text in b->text; returns its width in characters. */
static size_t cell_text(book *b, const char *s)
{
	ap_buf inert;
	ap_buf_init(&inert);
	ap_buf_inert(&inert, s, 1);
	ap_buf_reset(&b->text);
	ap_buf_add(&b->text, "", 0); /* allocated, even for "" */
	size_t units = 0, chars = 0;
	const unsigned char *p =
	    (const unsigned char *)(inert.data ? inert.data : "");
	while (*p) {
		size_t n = ap_utf8_seq(p);
		n = n ? n : 1; /* never: inert text is UTF-8 */
		int esc = ooxml_escape_at((const char *)p);
		/* The escape counts as written: libxlsxwriter measures that. */
		size_t u = esc ? 7 : n == 4 ? 2 : 1;
		if (units + u > MAX_CELL_UNITS)
			break;
		if (esc)
			ap_buf_puts(&b->text, "_x005F_");
		else
			ap_buf_add(&b->text, (const char *)p, n);
		units += u;
		chars++;
		p += n;
	}
	ap_buf_free(&inert);
	return chars;
}

static void put_str(sheet *s, lxw_col_t c, const char *v)
{
	if (!v || !*v || failed(s, LXW_NO_ERROR))
		return;
	size_t chars = cell_text(s->b, v);
	widen(s, c, (double)chars);
	failed(s,
	       worksheet_write_string(s->ws, s->row, c, s->b->text.data, NULL));
}

static void put_num(sheet *s, lxw_col_t c, double v, lxw_format *f)
{
	if (failed(s, LXW_NO_ERROR))
		return;
	/* The integer part's digits, a sign, two decimals: a width, without
	 * formatting every number. */
	double a = v < 0 ? -v : v;
	int n = v < 0 ? 4 : 3;
	for (n++; a >= 10 && n < 24; a /= 10)
		n++;
	widen(s, c, (double)n + (f ? 2 : 0));
	failed(s, worksheet_write_number(s->ws, s->row, c, v, f));
}

static void put_bool(sheet *s, lxw_col_t c, int v)
{
	if (failed(s, LXW_NO_ERROR))
		return;
	widen(s, c, 5);
	failed(s, worksheet_write_boolean(s->ws, s->row, c, v, NULL));
}

/* A date "YYYY-MM-DD" as an Excel date; anything else as text. */
static void put_date(sheet *s, lxw_col_t c, const char *iso)
{
	int y, m, d, end = 0;
	if (!iso)
		return;
	if (strlen(iso) != 10 ||
	    sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &end) != 3 || end != 10 ||
	    y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) {
		put_str(s, c, iso);
		return;
	}
	if (failed(s, LXW_NO_ERROR))
		return;
	lxw_datetime dt = {y, m, d, 0, 0, 0};
	widen(s, c, 10);
	failed(s, worksheet_write_datetime(s->ws, s->row, c, &dt, s->b->date));
}

/* Strings joined by `sep` (an array of strings), as one text. */
static void put_list(sheet *s, lxw_col_t c, const json_t *a, const char *sep)
{
	if (!json_is_array(a))
		return;
	ap_buf joined;
	ap_buf_init(&joined);
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
	{
		if (i)
			ap_buf_puts(&joined, sep);
		ap_buf_puts(&joined,
		            json_is_string(v) ? json_string_value(v) : "");
	}
	put_str(s, c, joined.data ? joined.data : "");
	ap_buf_free(&joined);
}

/* A JSON value as its cell: a string as text, a number as a number, true
 * and false as booleans; null or absent leaves the cell empty. */
static void put_json(sheet *s, lxw_col_t c, const json_t *v, lxw_format *f)
{
	if (json_is_string(v))
		put_str(s, c, json_string_value(v));
	else if (json_is_number(v))
		put_num(s, c, json_number_value(v), f);
	else if (json_is_boolean(v))
		put_bool(s, c, json_is_true(v));
	else if (json_is_array(v))
		put_list(s, c, v, ", ");
}

static void put_key(sheet *s, lxw_col_t c, const json_t *o, const char *key)
{
	put_json(s, c, json_object_get(o, key), NULL);
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int cmp_str(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "");
}

/* ---- sheets ----------------------------------------------------------- */

static int sheet_begin(sheet *s, book *b, const char *name,
                       const char *const *headers, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->b = b;
	s->name = name;
	s->ncols = (lxw_col_t)(n < MAX_COLS ? n : MAX_COLS);
	s->ws = workbook_add_worksheet(b->wb, name);
	if (!s->ws)
		return failed(s, LXW_ERROR_MEMORY_MALLOC_FAILED);
	for (lxw_col_t c = 0; c < s->ncols; c++) {
		s->width[c] = MIN_WIDTH;
		/* A theme's name comes from a plugin: inert too. Room for
		 * the filter's button beside the name. */
		widen(s, c, (double)cell_text(b, headers[c]) + 2);
		failed(s, worksheet_write_string(s->ws, 0, c, b->text.data,
		                                 b->bold));
	}
	s->row = 1;
	return failed(s, LXW_NO_ERROR);
}

/* The header frozen, the filter over the table, the widths. */
static void sheet_end(sheet *s)
{
	if (failed(s, LXW_NO_ERROR))
		return;
	lxw_row_t last = s->row > 1 ? s->row - 1 : 0;
	worksheet_freeze_panes(s->ws, 1, 0);
	failed(s, worksheet_autofilter(s->ws, 0, 0, last, s->ncols - 1));
	for (lxw_col_t c = 0; c < s->ncols; c++)
		failed(s, worksheet_set_column(s->ws, c, c, s->width[c], NULL));
}

/* The themes of all the cases, in the order they first appear. */
static json_t *theme_names(const json_t *cases)
{
	json_t *names = json_array();
	size_t i, k, j;
	const json_t *c, *t, *seen;
	json_array_foreach(cases, i, c)
	{
		json_array_foreach(json_object_get(c, "themes"), k, t)
		{
			const char *name = str_of(t, "theme");
			int found = !name;
			json_array_foreach(names, j, seen)
			{
				found = found ||
				        !strcmp(json_string_value(seen), name);
			}
			if (!found && json_array_size(names) < MAX_THEMES)
				json_array_append_new(names, json_string(name));
		}
	}
	return names;
}

/* ---- Sites ------------------------------------------------------------ */

static const char *const site_cols[] = {
    "Rank",      "Site",         "Site name",
    "Commune",   "Organisation", "Organisation name",
    "Region",    "Case",         "Diagnostic firm",
    "Complexity"};
static const char *const site_tail[] = {
    "Top need",     "Mission days", "Priority", "Mission themes",
    "Window start", "Window end",   "File"};
#define N_SITE_COLS (sizeof(site_cols) / sizeof(*site_cols))
#define N_SITE_TAIL (sizeof(site_tail) / sizeof(*site_tail))

static const json_t *theme_of(const json_t *c, const char *name)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(c, "themes"), i, t)
	{
		if (!cmp_str(str_of(t, "theme"), name))
			return t;
	}
	return NULL;
}

static void site_row(sheet *s, const doc_ranked *r, size_t rank,
                     const json_t *themes)
{
	static const char *const keys[] = {
	    "site_id",           "site_name", "commune", "organisation_id",
	    "organisation_name", "region",    "case_id", "firm",
	    "complexity"};
	const json_t *c = r->c, *m = json_object_get(c, "mission");
	const json_t *w = json_object_get(c, "request_window");
	lxw_col_t col = 0;
	put_num(s, col++, (double)rank, NULL);
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		put_key(s, col++, c, keys[k]);
	size_t i;
	const json_t *name;
	json_array_foreach(themes, i, name)
	{
		const json_t *t = theme_of(c, json_string_value(name));
		put_key(s, col++, t, "need");
	}
	if (json_array_size(json_object_get(c, "themes")))
		put_num(s, col, doc_top_need(c), NULL);
	col++;
	put_key(s, col++, m, "days");
	put_key(s, col++, m, "priority");
	put_key(s, col++, m, "themes");
	put_date(s, col++, str_of(w, "start"));
	put_date(s, col++, str_of(w, "end"));
	put_key(s, col++, c, "file");
}

static void write_sites(book *b, const doc_ranked *r, size_t n,
                        const json_t *themes)
{
	size_t nt = json_array_size(themes);
	size_t nh = N_SITE_COLS + nt + N_SITE_TAIL;
	const char **headers = ap_xcalloc(nh, sizeof(*headers));
	char **owned = ap_xcalloc(nt + 1, sizeof(*owned));
	for (size_t i = 0; i < N_SITE_COLS; i++)
		headers[i] = site_cols[i];
	for (size_t i = 0; i < nt; i++) {
		owned[i] = ap_xasprintf(
		    "Need %s", json_string_value(json_array_get(themes, i)));
		headers[N_SITE_COLS + i] = owned[i];
	}
	for (size_t i = 0; i < N_SITE_TAIL; i++)
		headers[N_SITE_COLS + nt + i] = site_tail[i];
	sheet s;
	if (!sheet_begin(&s, b, "Sites", headers, nh)) {
		for (size_t i = 0; i < n && !failed(&s, LXW_NO_ERROR); i++) {
			site_row(&s, &r[i], i + 1, themes);
			s.row++;
		}
		sheet_end(&s);
	}
	for (size_t i = 0; i < nt; i++)
		free(owned[i]);
	free(owned);
	free(headers);
}

/* ---- Themes and Indicators -------------------------------------------- */

static const char *const theme_cols[] = {
    "Rank",     "Site",      "Case",           "Theme", "Need",
    "Need low", "Need high", "Band",           "Days",  "Confidence",
    "Missing",  "Plugin",    "Plugin version", "Rules"};

static void theme_row(sheet *s, const json_t *c, size_t rank, const json_t *t)
{
	static const char *const keys[] = {"theme",     "need", "need_low",
	                                   "need_high", "band", "days",
	                                   "confidence"};
	put_num(s, 0, (double)rank, NULL);
	put_key(s, 1, c, "site_id");
	put_key(s, 2, c, "case_id");
	lxw_col_t col = 3;
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		put_key(s, col++, t, keys[k]);
	put_num(s, col++,
	        (double)json_array_size(json_object_get(t, "missing")), NULL);
	put_key(s, col++, t, "plugin");
	put_key(s, col++, t, "plugin_version");
	put_list(s, col++, json_object_get(t, "rules"), "; ");
}

static void write_themes(book *b, const doc_ranked *r, size_t n)
{
	sheet s;
	if (sheet_begin(&s, b, "Themes", theme_cols,
	                sizeof(theme_cols) / sizeof(*theme_cols)))
		return;
	for (size_t i = 0; i < n && !failed(&s, LXW_NO_ERROR); i++) {
		size_t k;
		const json_t *t;
		json_array_foreach(json_object_get(r[i].c, "themes"), k, t)
		{
			theme_row(&s, r[i].c, i + 1, t);
			s.row++;
		}
	}
	sheet_end(&s);
}

static const char *const indicator_cols[] = {
    "Rank",  "Site",   "Case",         "Theme",   "Indicator", "Value",
    "Level", "Weight", "Contribution", "Missing", "Derived",   "Line"};

/* The start of a row: rank, site, case, theme. */
static void indicator_head(sheet *s, const json_t *c, size_t rank,
                           const json_t *t)
{
	put_num(s, 0, (double)rank, NULL);
	put_key(s, 1, c, "site_id");
	put_key(s, 2, c, "case_id");
	put_key(s, 3, t, "theme");
}

/* The theme's indicators, then those it misses (no value, level,
 * contribution). */
static void indicator_rows(sheet *s, const json_t *c, size_t rank,
                           const json_t *t)
{
	static const char *const keys[] = {"ref", "value", "level", "weight",
	                                   "contribution"};
	size_t k;
	const json_t *v;
	json_array_foreach(json_object_get(t, "indicators"), k, v)
	{
		indicator_head(s, c, rank, t);
		for (size_t j = 0; j < sizeof(keys) / sizeof(*keys); j++)
			put_key(s, (lxw_col_t)(4 + j), v, keys[j]);
		put_bool(s, 9, 0);
		put_bool(s, 10, json_is_true(json_object_get(v, "derived")));
		put_key(s, 11, v, "line");
		s->row++;
	}
	json_array_foreach(json_object_get(t, "missing"), k, v)
	{
		indicator_head(s, c, rank, t);
		put_json(s, 4, v, NULL);
		put_bool(s, 9, 1);
		s->row++;
	}
}

static void write_indicators(book *b, const doc_ranked *r, size_t n)
{
	sheet s;
	if (sheet_begin(&s, b, "Indicators", indicator_cols,
	                sizeof(indicator_cols) / sizeof(*indicator_cols)))
		return;
	for (size_t i = 0; i < n && !failed(&s, LXW_NO_ERROR); i++) {
		size_t k;
		const json_t *t;
		json_array_foreach(json_object_get(r[i].c, "themes"), k, t)
		{
			indicator_rows(&s, r[i].c, i + 1, t);
		}
	}
	sheet_end(&s);
}

/* ---- Plan, Unplanned, Firms ------------------------------------------- */

static const char *const plan_cols[] = {"Mission",
                                        "Site",
                                        "Site name",
                                        "Organisation",
                                        "Organisation name",
                                        "Region",
                                        "Case",
                                        "Themes",
                                        "Firm",
                                        "Firm name",
                                        "Days",
                                        "Recommended days",
                                        "First day",
                                        "Last day",
                                        "Daily rate",
                                        "Cost",
                                        "Priority",
                                        "Partial",
                                        "Fixed",
                                        "Why"};

/* The first and the last of the mission's dates (ISO dates sort as
 * text). */
static void mission_span(const json_t *m, const char **first, const char **last)
{
	size_t i;
	const json_t *d;
	*first = *last = NULL;
	json_array_foreach(json_object_get(m, "dates"), i, d)
	{
		const char *s = json_string_value(d);
		if (!s)
			continue;
		if (!*first || strcmp(s, *first) < 0)
			*first = s;
		if (!*last || strcmp(s, *last) > 0)
			*last = s;
	}
}

static void mission_row(sheet *s, const json_t *m)
{
	static const char *const head[] = {"mission",
	                                   "site_id",
	                                   "site_name",
	                                   "organisation_id",
	                                   "organisation_name",
	                                   "region",
	                                   "case_id",
	                                   "themes",
	                                   "firm",
	                                   "firm_name",
	                                   "days",
	                                   "recommended_days"};
	lxw_col_t col = 0;
	for (size_t k = 0; k < sizeof(head) / sizeof(*head); k++)
		put_key(s, col++, m, head[k]);
	const char *first, *last;
	mission_span(m, &first, &last);
	put_date(s, col++, first);
	put_date(s, col++, last);
	put_json(s, col++, json_object_get(m, "daily_rate"), s->b->euros);
	put_json(s, col++, json_object_get(m, "cost"), s->b->euros);
	put_key(s, col++, m, "priority");
	put_key(s, col++, m, "partial");
	put_key(s, col++, m, "fixed");
	put_key(s, col++, m, "why");
}

/* One row per element of plan[key], each written by `row`. */
static void write_list(book *b, const char *name, const char *key,
                       const char *const *cols, size_t ncols,
                       void (*row)(sheet *, const json_t *))
{
	sheet s;
	if (sheet_begin(&s, b, name, cols, ncols))
		return;
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(b->plan, key), i, v)
	{
		if (failed(&s, LXW_NO_ERROR))
			break;
		row(&s, v);
		s.row++;
	}
	sheet_end(&s);
}

static const char *const unplanned_cols[] = {
    "Site",   "Site name", "Organisation", "Region",   "Case",
    "Reason", "Detail",    "Would take",   "Priority", "Days"};

static void unplanned_row(sheet *s, const json_t *u)
{
	static const char *const keys[] = {
	    "site_id", "site_name", "organisation_id", "region",   "case_id",
	    "reason",  "detail",    "would_take",      "priority", "days"};
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		put_key(s, (lxw_col_t)k, u, keys[k]);
}

static const char *const firm_cols[] = {
    "Firm",     "Name",         "Daily rate", "Days booked",
    "Capacity", "Booked share", "Euros",      "Days off"};

/* "2017-07-24 to 2017-08-18; ..." */
static void put_days_off(sheet *s, lxw_col_t c, const json_t *off)
{
	ap_buf t;
	ap_buf_init(&t);
	size_t i;
	const json_t *p;
	json_array_foreach(off, i, p)
	{
		ap_buf_printf(&t, "%s%s to %s", i ? "; " : "",
		              str_of(p, "start") ? str_of(p, "start") : "?",
		              str_of(p, "end") ? str_of(p, "end") : "?");
	}
	put_str(s, c, t.data ? t.data : "");
	ap_buf_free(&t);
}

static void firm_row(sheet *s, const json_t *f)
{
	const json_t *booked = json_object_get(f, "days_booked");
	const json_t *cap = json_object_get(f, "capacity");
	put_key(s, 0, f, "id");
	put_key(s, 1, f, "name");
	put_json(s, 2, json_object_get(f, "daily_rate"), s->b->euros);
	put_json(s, 3, booked, NULL);
	put_json(s, 4, cap, NULL);
	if (json_is_number(booked) && json_number_value(cap) > 0)
		put_num(s, 5,
		        json_number_value(booked) / json_number_value(cap),
		        s->b->share);
	put_json(s, 6, json_object_get(f, "euros"), s->b->euros);
	put_days_off(s, 7, json_object_get(f, "days_off"));
}

#define TABLE(a) (a), (sizeof(a) / sizeof(*(a)))

static void write_plan(book *b)
{
	write_list(b, "Plan", "missions", TABLE(plan_cols), mission_row);
	write_list(b, "Unplanned", "unplanned", TABLE(unplanned_cols),
	           unplanned_row);
	write_list(b, "Firms", "firms", TABLE(firm_cols), firm_row);
}

/* ---- the workbook ----------------------------------------------------- */

/* The report's date at midnight UTC, else the fixed time. */
static time_t created_time(const char *date)
{
	int y, m, d, end = 0;
	if (!date || strlen(date) != 10 ||
	    sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &end) != 3 || end != 10 ||
	    y < 1980 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31)
		return FIXED_CREATED;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return timegm(&tm);
}

static int book_open(book *b, const char *file, const char *dir,
                     const ap_document *doc, const ap_document_options *opt)
{
	memset(b, 0, sizeof(*b));
	ap_buf_init(&b->text);
	b->plan = doc->plan;
	lxw_workbook_options o = {.constant_memory = LXW_TRUE,
	                          .tmpdir = (char *)dir};
	b->wb = workbook_new_opt(file, &o);
	if (!b->wb)
		return -1;
	lxw_doc_properties p = {0};
	p.title = (char *)(opt && opt->title ? opt->title : DEFAULT_TITLE);
	p.subject =
	    (char *)str_of(json_object_get(doc->plan, "campaign"), "name");
	p.created = created_time(opt ? opt->date : NULL);
	b->err = workbook_set_properties(b->wb, &p);
	b->bold = workbook_add_format(b->wb);
	format_set_bold(b->bold);
	b->date = workbook_add_format(b->wb);
	format_set_num_format(b->date, "yyyy-mm-dd");
	b->euros = workbook_add_format(b->wb);
	format_set_num_format(b->euros, "#,##0.00");
	b->share = workbook_add_format(b->wb);
	format_set_num_format(b->share, "0.0%");
	return 0;
}

static void write_all(book *b, const ap_document *doc)
{
	size_t n;
	doc_ranked *r = doc_rank(doc, &n);
	json_t *themes = theme_names(doc->cases);
	write_sites(b, r, n, themes);
	write_themes(b, r, n);
	write_indicators(b, r, n);
	if (doc->plan)
		write_plan(b);
	json_decref(themes);
	free(r);
}

int ap_document_xlsx(const char *path, const ap_document *doc,
                     const ap_document_options *opt, ap_diags *d)
{
	ap_atomic a;
	if (ap_atomic_open(&a, path, "workbook", d) != 0)
		return AP_EOUTPUT;
	/* The file is written by name; the descriptor stays open for the
	 * flush to the disk (ap_atomic_commit). */
	char *dir = ap_path_dirname(path);
	book b;
	int rc = book_open(&b, a.tmp, dir, doc, opt);
	if (rc == 0) {
		write_all(&b, doc);
		lxw_error closed = workbook_close(b.wb);
		if (b.err == LXW_NO_ERROR && closed != LXW_NO_ERROR) {
			b.err = closed;
			b.where = NULL;
		}
	}
	free(dir);
	ap_buf_free(&b.text);
	if (rc != 0 || b.err != LXW_NO_ERROR) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot write the workbook%s%s: %s",
		             b.where ? ", sheet " : "", b.where ? b.where : "",
		             rc ? "out of memory" : lxw_strerror(b.err));
		ap_atomic_abort(&a);
		return AP_EOUTPUT;
	}
	return ap_atomic_commit(&a, d) == 0 ? AP_OK : AP_EOUTPUT;
}
