/*
 * Score outputs. JSON is written one case at a time, so a batch of any size
 * streams in bounded memory: each case's object directly (see below), the
 * frame and the batch's problems with jansson. Numbers are rounded to two
 * decimals (three for confidence) before they are written: the output is for
 * people and diffs, and byte-stable across runs.
 */
#include "appui/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "appui/calendar.h"
#include "appui/status.h"
#include "jsonout.h"
#include "util.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

static double r2(double x)
{
	return jround(x, 2);
}

static double r3(double x)
{
	return jround(x, 3);
}

/*
 * Each case's JSON is written straight into a buffer: building a jansson
 * tree for it and dumping it was a third of the time of a batch (one
 * allocation per value, printf per number). The bytes are those jansson
 * writes with JSON_FLAGS, which still writes the rest (begin, the problems
 * at the end, the plans); check_report tests the two against each other.
 */

static void put_lit(ap_buf *b, const char *s, size_t n)
{
	ap_buf_add(b, s, n);
}

/* Only for string literals ("" s does not compile otherwise). */
#define LIT(b, s) put_lit((b), "" s, sizeof(s) - 1)

/* A string as jansson escapes it (no ASCII-only, no slash escape); NULL is
 * null; a byte that is not UTF-8 is replaced by U+FFFD. */
static void put_str(ap_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s) {
		LIT(b, "null");
		return;
	}
	ap_buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			ap_buf_add(b, (const char *)run, (size_t)(p - run));
		unsigned c = *p;
		if (c == 0)
			break;
		if (c >= 0x80) {
			size_t n = ap_utf8_seq(p);
			if (n && ap_utf8_shifty(ap_utf8_code(p, n))) {
				jsonout_put_u(b, ap_utf8_code(p, n));
				p += n;
			} else if (n) {
				ap_buf_add(b, (const char *)p, n);
				p += n;
			} else {
				LIT(b, "\xEF\xBF\xBD");
				p++;
			}
			continue;
		}
		char esc[7] = {'\\', 0};
		size_t n = 2;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
			break;
		}
		ap_buf_add(b, esc, n);
		p++;
	}
	ap_buf_putc(b, '"');
}

static void put_int(ap_buf *b, long long v)
{
	char d[24];
	size_t i = sizeof d;
	unsigned long long u =
	    v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--i] = '-';
	ap_buf_add(b, d + i, sizeof d - i);
}

/* A number as jnum() and jansson write it: null when not finite, whole
 * numbers as integers, others with 12 significant digits. */
static void put_num(ap_buf *b, double x)
{
	if (!isfinite(x)) {
		LIT(b, "null");
		return;
	}
	if (x == floor(x) && fabs(x) < 1e15) {
		put_int(b, (long long)x);
		return;
	}
	/* The outputs round to 2 or 3 decimals: when x is the double nearest
	 * k / 1000, "%.12g" prints k / 1000 in fixed notation with its
	 * trailing zeros dropped, which is done here without printf. */
	if (fabs(x) < 1e9) {
		long long k = llround(x * 1000.0);
		if ((double)k / 1000.0 == x) {
			unsigned long long u =
			    k < 0 ? 0ull - (unsigned long long)k
			          : (unsigned long long)k;
			char frac[3] = {(char)('0' + u / 100 % 10),
			                (char)('0' + u / 10 % 10),
			                (char)('0' + u % 10)};
			size_t nf = 3;
			while (nf && frac[nf - 1] == '0')
				nf--;
			if (k < 0)
				ap_buf_putc(b, '-');
			put_int(b, (long long)(u / 1000));
			ap_buf_putc(b, '.');
			ap_buf_add(b, frac, nf);
			return;
		}
	}
	char tmp[40];
	json_t *j = json_real(x);
	size_t n =
	    j ? json_dumpb(j, tmp, sizeof tmp, JSON_FLAGS | JSON_ENCODE_ANY)
	      : 0;
	json_decref(j);
	if (n == 0 || n > sizeof tmp)
		LIT(b, "null");
	else
		ap_buf_add(b, tmp, n);
}

/* `"key":`, preceded by a comma unless it is the object's first. */
static void put_key(ap_buf *b, const char *key, int first)
{
	if (!first)
		ap_buf_putc(b, ',');
	ap_buf_putc(b, '"');
	ap_buf_puts(b, key);
	LIT(b, "\":");
}

static void put_strings(ap_buf *b, const char *const *v, size_t n)
{
	ap_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ap_buf_putc(b, ',');
		put_str(b, v[i]);
	}
	ap_buf_putc(b, ']');
}

static void put_date(ap_buf *b, ap_date d)
{
	char s[11];
	ap_date_format(d, s);
	put_str(b, s);
}

/* The firm's observations of the theme, as the case file gives them. */
static void put_observations(ap_buf *b, const ap_theme_data *td)
{
	ap_buf_putc(b, '[');
	for (size_t i = 0; td && i < td->n_observations; i++) {
		const ap_observation *o = &td->observations[i];
		ap_buf_puts(b, i ? ",{" : "{");
		put_key(b, "severity", 1);
		if (o->severity)
			put_str(b, o->severity);
		else
			LIT(b, "null");
		put_key(b, "text", 0);
		put_str(b, o->text);
		put_key(b, "line", 0);
		put_int(b, o->line);
		ap_buf_putc(b, '}');
	}
	ap_buf_putc(b, ']');
}

static void put_theme(ap_buf *b, const ap_theme_result *t,
                      const ap_theme_data *td)
{
	put_key(b, "theme", 1);
	put_str(b, t->theme);
	put_key(b, "plugin", 0);
	put_str(b, t->plugin);
	put_key(b, "plugin_version", 0);
	put_str(b, t->plugin_version);
	put_key(b, "need", 0);
	put_num(b, r2(t->need));
	put_key(b, "need_low", 0);
	put_num(b, r2(t->need_low));
	put_key(b, "need_high", 0);
	put_num(b, r2(t->need_high));
	put_key(b, "confidence", 0);
	put_num(b, r3(t->confidence));
	put_key(b, "band", 0);
	put_str(b, ap_band_name(t->band));
	put_key(b, "days", 0);
	put_int(b, t->days);
	put_key(b, "indicators", 0);
	ap_buf_putc(b, '[');
	for (size_t i = 0; i < t->n_rows; i++) {
		const ap_indicator_row *row = &t->rows[i];
		ap_buf_puts(b, i ? ",{" : "{");
		put_key(b, "ref", 1);
		put_str(b, row->ref);
		put_key(b, "value", 0);
		put_num(b, r2(row->value));
		put_key(b, "level", 0);
		put_int(b, row->level);
		put_key(b, "weight", 0);
		put_num(b, row->weight);
		put_key(b, "contribution", 0);
		put_num(b, r2(row->contribution));
		put_key(b, "line", 0);
		if (row->derived)
			LIT(b, "null,\"derived\":true");
		else
			put_int(b, row->line);
		ap_buf_putc(b, '}');
	}
	ap_buf_putc(b, ']');
	put_key(b, "missing", 0);
	put_strings(b, t->missing, t->n_missing);
	put_key(b, "levers", 0);
	ap_buf_putc(b, '[');
	for (size_t i = 0; i < t->n_levers; i++) {
		const ap_lever *lv = &t->levers[i];
		ap_buf_puts(b, i ? ",{" : "{");
		put_key(b, "ref", 1);
		put_str(b, lv->ref);
		put_key(b, "level", 0);
		put_int(b, lv->level);
		put_key(b, "new_level", 0);
		put_int(b, lv->new_level);
		put_key(b, "need_after", 0);
		put_num(b, r2(lv->need_after));
		put_key(b, "gain", 0);
		put_num(b, r2(lv->gain));
		ap_buf_putc(b, '}');
	}
	ap_buf_putc(b, ']');
	put_key(b, "rules", 0);
	put_strings(b, (const char *const *)t->rules, t->n_rules);
	put_key(b, "observations", 0);
	put_observations(b, td);
}

static void put_case(ap_buf *b, const ap_case_result *r)
{
	const ap_case *c = r->c;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	const ap_request *rq = ap_case_request(c);
	ap_buf_putc(b, '{');
	put_key(b, "file", 1);
	put_str(b, ap_case_file(c));
	put_key(b, "case_id", 0);
	put_str(b, ap_case_id(c));
	put_key(b, "site_id", 0);
	put_str(b, site->id);
	put_key(b, "site_name", 0);
	put_str(b, site->name);
	put_key(b, "commune", 0);
	put_str(b, site->commune);
	put_key(b, "organisation_id", 0);
	put_str(b, org->id);
	put_key(b, "organisation_name", 0);
	put_str(b, org->name);
	put_key(b, "region", 0);
	put_str(b, org->region);
	put_key(b, "firm", 0);
	put_str(b, ap_case_diagnostic(c)->firm);
	put_key(b, "diagnosed", 0);
	char date[11];
	ap_date_format(ap_case_diagnostic(c)->date, date);
	put_str(b, date);
	put_key(b, "complexity", 0);
	put_int(b, r->complexity);
	put_key(b, "factors", 0);
	put_strings(b, r->factors, r->n_factors);
	put_key(b, "unknown_factors", 0);
	put_strings(b, r->unknown_factors, r->n_unknown_factors);
	put_key(b, "themes", 0);
	ap_buf_putc(b, '[');
	for (size_t i = 0; i < r->n_themes; i++) {
		ap_buf_puts(b, i ? ",{" : "{");
		put_theme(b, &r->themes[i],
		          ap_case_theme(c, r->themes[i].theme));
		ap_buf_putc(b, '}');
	}
	ap_buf_putc(b, ']');
	put_key(b, "mission", 0);
	if (r->has_mission) {
		ap_buf_putc(b, '{');
		put_key(b, "days", 1);
		put_int(b, r->mission.days);
		put_key(b, "themes", 0);
		put_strings(b, r->mission.themes, r->mission.n_themes);
		put_key(b, "priority", 0);
		put_num(b, r2(r->mission.priority));
		ap_buf_putc(b, '}');
	} else {
		LIT(b, "null");
	}
	put_key(b, "requested_themes", 0);
	put_strings(b, rq->themes, rq->n_themes);
	put_key(b, "request_window", 0);
	if (rq->window_start.year && rq->window_end.year) {
		ap_buf_putc(b, '{');
		put_key(b, "start", 1);
		put_date(b, rq->window_start);
		put_key(b, "end", 0);
		put_date(b, rq->window_end);
		ap_buf_putc(b, '}');
	} else {
		LIT(b, "null");
	}
	ap_buf_putc(b, '}');
}

void ap_report_json_begin(FILE *out)
{
	fputs("{\"cases\":[", out);
}

size_t ap_report_json_case_text(const ap_case_result *r, char **text,
                                size_t *cap)
{
	ap_buf b = {*text, 0, *cap};
	put_case(&b, r);
	*text = b.data;
	*cap = b.cap;
	return b.len;
}

void ap_report_json_case(FILE *out, const ap_case_result *r, size_t index)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, index > 0 ? ",\n" : "\n");
	put_case(&b, r);
	fwrite(b.data, 1, b.len, out);
	ap_buf_free(&b);
}

void ap_report_json_end(FILE *out, const ap_diags *d)
{
	json_t *errors = jsonout_diags(d, AP_ERROR);
	json_t *warnings = jsonout_diags(d, AP_WARNING);
	fputs("\n],\"errors\":", out);
	jsonout_dumpf(errors, out, JSON_FLAGS);
	fputs(",\"warnings\":", out);
	jsonout_dumpf(warnings, out, JSON_FLAGS);
	fputs("}\n", out);
	json_decref(errors);
	json_decref(warnings);
}

/* ---- table ------------------------------------------------------------------
 */

static double row_top_need(const ap_score_row *r)
{
	double m = -1;
	for (size_t i = 0; i < r->n_themes; i++)
		if (r->needs[i] > m)
			m = r->needs[i];
	return m;
}

int ap_score_row_rank(const ap_score_row *x, const ap_score_row *y)
{
	if (x->has_mission != y->has_mission)
		return x->has_mission ? -1 : 1;
	double px = x->has_mission ? x->priority : row_top_need(x);
	double py = y->has_mission ? y->priority : row_top_need(y);
	if (px != py)
		return px > py ? -1 : 1;
	int c = strcmp(x->site_id, y->site_id);
	if (c)
		return c;
	return strcmp(x->case_id, y->case_id);
}

static int by_priority(const void *a, const void *b)
{
	return ap_score_row_rank(a, b);
}

static char *dup(const char *s)
{
	return ap_xstrdup(s ? s : "");
}

void ap_score_row_fill(ap_score_row *row, const ap_case_result *r, int explain)
{
	memset(row, 0, sizeof(*row));
	row->case_id = dup(ap_case_id(r->c));
	row->site_id = dup(ap_case_site(r->c)->id);
	row->organisation_id = dup(ap_case_organisation(r->c)->id);
	row->n_themes = r->n_themes;
	row->themes = ap_xcalloc(r->n_themes + 1, sizeof(char *));
	row->needs = ap_xcalloc(r->n_themes + 1, sizeof(double));
	row->bands = ap_xcalloc(r->n_themes + 1, sizeof(ap_band));
	for (size_t i = 0; i < r->n_themes; i++) {
		row->themes[i] = dup(r->themes[i].theme);
		row->needs[i] = r->themes[i].need;
		row->bands[i] = r->themes[i].band;
	}
	row->has_mission = r->has_mission;
	row->days = r->has_mission ? r->mission.days : 0;
	row->priority = r->has_mission ? r->mission.priority : 0;
	if (explain) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		if (!mem) {
			ap_oom();
		}
		ap_report_explain(mem, r);
		fclose(mem);
		row->explain = text;
	}
}

void ap_score_row_clear(ap_score_row *row)
{
	free(row->case_id);
	free(row->site_id);
	free(row->organisation_id);
	for (size_t i = 0; i < row->n_themes; i++)
		free(row->themes[i]);
	free(row->themes);
	free(row->needs);
	free(row->bands);
	free(row->explain);
	memset(row, 0, sizeof(*row));
}

void ap_report_rows(FILE *out, const char *const *themes, size_t nt,
                    ap_score_row *rows, size_t n, int explain)
{
	if (n)
		qsort(rows, n, sizeof(*rows), by_priority);
	int site_w = 4, org_w = 12;
	for (size_t i = 0; i < n; i++) {
		int sw = (int)strlen(rows[i].site_id);
		int ow = (int)strlen(rows[i].organisation_id);
		site_w = sw > site_w ? sw : site_w;
		org_w = ow > org_w ? ow : org_w;
	}
	fprintf(out, "%4s  %-*s  %-*s", "RANK", site_w, "SITE", org_w,
	        "ORGANISATION");
	for (size_t t = 0; t < nt; t++)
		fprintf(out, "  %-15s", themes[t]);
	fprintf(out, "  %4s  %8s\n", "DAYS", "PRIORITY");
	size_t missions = 0;
	long days = 0;
	for (size_t i = 0; i < n; i++) {
		const ap_score_row *r = &rows[i];
		fprintf(out, "%4zu  %-*s  %-*s", i + 1, site_w, r->site_id,
		        org_w, r->organisation_id);
		for (size_t t = 0; t < nt; t++) {
			char cell[32];
			snprintf(cell, sizeof cell, "    -");
			for (size_t k = 0; k < r->n_themes; k++)
				if (strcmp(r->themes[k], themes[t]) == 0)
					snprintf(cell, sizeof cell, "%5.1f %s",
					         r2(r->needs[k]),
					         ap_band_name(r->bands[k]));
			fprintf(out, "  %-15s", cell);
		}
		if (r->has_mission) {
			fprintf(out, "  %4d  %8.2f\n", r->days,
			        r2(r->priority));
			missions++;
			days += r->days;
		} else {
			fprintf(out, "  %4s  %8s\n", "-", "-");
		}
	}
	fprintf(
	    out,
	    _("\n%zu site%s scored, %zu with a mission, %ld mission days in "
	      "all.\n"),
	    n, n == 1 ? "" : "s", missions, days);
	if (explain)
		for (size_t i = 0; i < n; i++)
			if (rows[i].explain)
				fprintf(out, "\n%s", rows[i].explain);
}

void ap_report_table(FILE *out, const ap_host *h,
                     const ap_case_result **results, size_t n, int explain)
{
	ap_score_row *rows = ap_xcalloc(n ? n : 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		ap_score_row_fill(&rows[i], results[i], explain);
	ap_report_rows(out, ap_host_themes(h), ap_host_theme_count(h), rows, n,
	               explain);
	for (size_t i = 0; i < n; i++)
		ap_score_row_clear(&rows[i]);
	free(rows);
}

/* Text from a case file or a plugin, shown inert (see ap_buf_inert): a
 * name cannot move the terminal's cursor, reverse what follows or start a
 * line of its own. */
static void put_inert(FILE *out, const char *s)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	ap_buf_inert(&b, s, 0);
	fputs(b.data, out);
	ap_buf_free(&b);
}

static void list(FILE *out, const char *const *v, size_t n, const char *none)
{
	if (!n)
		fputs(none, out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		put_inert(out, v[i]);
	}
}

void ap_report_explain(FILE *out, const ap_case_result *r)
{
	const ap_case *c = r->c;
	const ap_site *site = ap_case_site(c);
	const ap_organisation *org = ap_case_organisation(c);
	const ap_request *rq = ap_case_request(c);
	fprintf(out, "== %s: ", site->id);
	put_inert(out, site->name);
	fputs(", ", out);
	put_inert(out, site->commune);
	fputs(" (", out);
	put_inert(out, org->name);
	fprintf(out, _(", %s)\n   case %s, file "), org->id, ap_case_id(c));
	put_inert(out, ap_case_file(c));
	fputs(_(", diagnostic by "), out);
	put_inert(out, ap_case_diagnostic(c)->firm);
	fputc('\n', out);
	fprintf(out, _("   complexity %d: "), r->complexity);
	list(out, r->factors, r->n_factors, "no factor");
	if (r->n_unknown_factors) {
		fputs(_(" (no data for: "), out);
		list(out, r->unknown_factors, r->n_unknown_factors, "");
		fputc(')', out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < r->n_themes; i++) {
		const ap_theme_result *t = &r->themes[i];
		fprintf(out,
		        _("\n   %s: need %.2f, interval %.2f..%.2f, confidence "
		          "%.0f%%, "
		          "band %s, %d day%s (plugin %s %s)\n"),
		        t->theme, r2(t->need), r2(t->need_low),
		        r2(t->need_high), round(t->confidence * 100),
		        ap_band_name(t->band), t->days, t->days == 1 ? "" : "s",
		        t->plugin, t->plugin_version);
		fprintf(out, "     %-28s %10s %5s %6s %12s\n", "indicator",
		        "value", "level", "weight", "contribution");
		for (size_t k = 0; k < t->n_rows; k++) {
			const ap_indicator_row *row = &t->rows[k];
			fprintf(out, "     %-28s %10.2f %5d %6g %12.2f%s\n",
			        row->ref, r2(row->value), row->level,
			        row->weight, r2(row->contribution),
			        row->derived ? "  (derived)" : "");
		}
		if (t->n_missing) {
			fputs(_("     missing: "), out);
			list(out, t->missing, t->n_missing, "");
			fputc('\n', out);
		}
		for (size_t k = 0; k < t->n_rules; k++) {
			fputs(_("     rule: "), out);
			put_inert(out, t->rules[k]);
			fputc('\n', out);
		}
		if (t->n_levers) {
			fputs(_("     levers:"), out);
			for (size_t k = 0; k < t->n_levers; k++) {
				const ap_lever *lv = &t->levers[k];
				fprintf(
				    out,
				    _("%s %s level %d->%d lowers the need to "
				      "%.2f (-%.2f)"),
				    k ? ";" : "", lv->ref, lv->level,
				    lv->new_level, r2(lv->need_after),
				    r2(lv->gain));
			}
			fputc('\n', out);
		}
	}
	if (r->has_mission) {
		fprintf(out, _("\n   mission: %d days on "), r->mission.days);
		list(out, r->mission.themes, r->mission.n_themes, "");
		fprintf(out, _(", priority %.2f"), r2(r->mission.priority));
	} else if (r->n_themes == 0) {
		fputs(_("\n   no mission: no theme could be scored"), out);
	} else {
		fputs(_("\n   no mission: every theme is good"), out);
	}
	fputs(_("; requested: "), out);
	list(out, rq->themes, rq->n_themes, "no theme named");
	fputc('\n', out);
}
