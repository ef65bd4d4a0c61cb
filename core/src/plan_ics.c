/*
 * The plan's calendars: one RFC 5545 file per firm, one all-day event per
 * mission day (docs/planning.md, "iCalendar files").
 *
 * A calendar is a function of the plan alone (no clock, no locale, no hash
 * order): the same plan gives the same bytes, since a spurious change would
 * look like a rescheduled event. Text is valid UTF-8
 * and escaped whatever the plan holds (see ics_escape): an id or a name
 * never adds a line.
 */
#include "appui/plan.h"

#include "appui/atomic.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonout.h"
#include "plan_report.h"
#include "util.h"

static const ap_plan_site *site_of(const ap_plan *p, size_t i)
{
	return ap_plan_input_at(p->input, i);
}

static const ap_firm *firm_of(const ap_plan *p, size_t i)
{
	return &p->campaign->firms[i];
}

/* "M-001": missions are numbered in plan order, from 1 (as in the table). */
static void mission_number(size_t i, char out[24])
{
	snprintf(out, 24, "M-%03zu", i + 1);
}

/* ---- text and lines ------------------------------------------------------ */

/* The length of the sequence at `c` when it is a shifty code point (C1,
 * bidirectional control, line separator), else 0. */
static size_t shifty_at(const char *c)
{
	const unsigned char *p = (const unsigned char *)c;
	size_t n = *p >= 0x80 ? ap_utf8_seq(p) : 0;
	return n && ap_utf8_shifty(ap_utf8_code(p, n)) ? n : 0;
}

/* RFC 5545 3.3.11: TEXT escapes backslash, semicolon and comma, and writes a
 * line break as \n. Other control characters are not allowed in TEXT and are
 * dropped; a CR LF pair is one line break. C1 controls, bidirectional
 * controls and line separators, which a calendar would obey, are shown as
 * their escape (\u202e, written \\u202e). */
static void ics_escape(ap_buf *b, const char *s)
{
	ap_buf clean;
	ap_buf_init(&clean);
	ap_buf_puts(&clean, "");
	jsonout_put_utf8(&clean, s);
	for (const char *c = clean.data; *c; c++) {
		switch (*c) {
		case '\\':
			ap_buf_puts(b, "\\\\");
			break;
		case ';':
			ap_buf_puts(b, "\\;");
			break;
		case ',':
			ap_buf_puts(b, "\\,");
			break;
		case '\r':
			if (c[1] != '\n')
				ap_buf_puts(b, "\\n");
			break;
		case '\n':
			ap_buf_puts(b, "\\n");
			break;
		default: {
			size_t n = shifty_at(c);
			if (n) {
				ap_buf_putc(b, '\\');
				jsonout_put_u(
				    b,
				    ap_utf8_code((const unsigned char *)c, n));
				c += n - 1;
			} else if (((unsigned char)*c >= 0x20 && *c != 0x7F) ||
			           *c == '\t') {
				ap_buf_putc(b, *c);
			}
			break;
		}
		}
	}
	ap_buf_free(&clean);
}

/*
 * Appends one content line, folded (RFC 5545 3.1): at most 75 octets a line
 * without the CRLF, a continuation line starting with one space. A fold never
 * splits a UTF-8 sequence: clients that decode each physical line would show
 * two replacement characters instead of the letter.
 */
static void ics_line(ap_buf *out, const char *line)
{
	size_t len = strlen(line), pos = 0, max = 75;
	while (len - pos > max) {
		size_t cut = pos + max, back = 0;
		/* Back up to the start of a sequence (at most 3 bytes: longer
		 * runs of continuation bytes are not UTF-8 anyway). */
		while (back < 3 && ((unsigned char)line[cut] & 0xC0) == 0x80) {
			cut--;
			back++;
		}
		ap_buf_add(out, line + pos, cut - pos);
		ap_buf_puts(out, "\r\n ");
		pos = cut;
		max = 74; /* the leading space counts */
	}
	ap_buf_add(out, line + pos, len - pos);
	ap_buf_puts(out, "\r\n");
}

/* NAME:escaped text */
static void ics_text(ap_buf *out, const char *name, const char *text)
{
	ap_buf l;
	ap_buf_init(&l);
	ap_buf_puts(&l, name);
	ap_buf_putc(&l, ':');
	ics_escape(&l, text);
	ics_line(out, l.data);
	ap_buf_free(&l);
}

static void ics_linef(ap_buf *out, const char *fmt, ...) AP_PRINTF(2, 3);
static void ics_linef(ap_buf *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = ap_xvasprintf(fmt, ap);
	va_end(ap);
	ics_line(out, s);
	free(s);
}

/* YYYYMMDD; the buffer is larger than the 9 bytes a real date needs so
 * that no value can truncate. */
static void ics_day(ap_day day, char out[24])
{
	ap_date d = ap_date_from_day(day);
	snprintf(out, 24, "%04d%02d%02d", d.year, d.month, d.day);
}

static void ics_event(ap_buf *out, const ap_plan *p, size_t i, int k,
                      const char *dtstamp)
{
	const ap_planned *m = &p->missions[i];
	const ap_plan_site *s = site_of(p, m->site);
	const ap_firm *f = firm_of(p, m->firm);
	char id[24], day[24], next[24];
	mission_number(i, id);
	ics_day(m->dates[k], day);
	ics_day(m->dates[k] + 1, next);
	char *themes = plan_mission_themes(p, m, ", ");
	const char *name = s->site_name ? s->site_name : s->site_id;

	ics_line(out, "BEGIN:VEVENT");
	/* The UID names the case, the day and the firm, not the mission
	 * number: a new plan renumbers missions, but a site's day with a firm
	 * keeps its UID, so a re-import updates events instead of duplicating
	 * them. */
	ap_buf l;
	ap_buf_init(&l);
	ap_buf_puts(&l, "UID:");
	ics_escape(&l, s->case_id);
	ap_buf_printf(&l, "-%s-", day);
	ics_escape(&l, f->id);
	ap_buf_puts(&l, "@appui");
	ics_line(out, l.data);
	ics_linef(out, "DTSTAMP:%s", dtstamp);
	ics_linef(out, "DTSTART;VALUE=DATE:%s", day);
	ics_linef(out, "DTEND;VALUE=DATE:%s", next);

	char *text = ap_xasprintf("Appui solidaire: %s (%s) day %d/%d", name,
	                          themes, k + 1, m->days);
	ics_text(out, "SUMMARY", text);
	free(text);
	if (s->commune && *s->commune)
		text = ap_xasprintf("%s, %s", name, s->commune);
	else
		text = ap_xstrdup(name);
	ics_text(out, "LOCATION", text);
	free(text);
	ap_buf_reset(&l);
	ap_buf_printf(&l,
	              "Case %s\nOrganisation: ", s->case_id ? s->case_id : "-");
	if (s->organisation_name)
		ap_buf_printf(&l, "%s (%s)", s->organisation_name,
		              s->organisation_id ? s->organisation_id : "-");
	else
		ap_buf_puts(&l, s->organisation_id ? s->organisation_id : "-");
	ap_buf_printf(
	    &l, "\nThemes: %s\nMission %s, day %d of %d, site %s, firm %s",
	    themes, id, k + 1, m->days, s->site_id ? s->site_id : "-", f->id);
	ics_text(out, "DESCRIPTION", l.data);
	ap_buf_free(&l);
	ics_line(out, "TRANSP:OPAQUE");
	ics_line(out, "STATUS:CONFIRMED");
	ics_line(out, "END:VEVENT");
	free(themes);
}

/* The calendar of firm `f`, into `out`. */
static void ics_calendar(ap_buf *out, const ap_plan *p, size_t f)
{
	const ap_campaign *c = p->campaign;
	/*
	 * DTSTAMP is required in every VEVENT of a METHOD:PUBLISH calendar
	 * (RFC 5545 3.6.1, RFC 5546). It should be the time the calendar was
	 * written, but the clock would make two runs of the same plan differ
	 * in every event; the campaign window's first day, at midnight UTC, is
	 * a fixed, plausible instant (the plan is about that window) that keeps
	 * the file byte-stable.
	 */
	char stamp[24], dtstamp[40];
	ics_day(c->window_first, stamp);
	snprintf(dtstamp, sizeof dtstamp, "%sT000000Z", stamp);

	ics_line(out, "BEGIN:VCALENDAR");
	ics_line(out, "VERSION:2.0");
	ics_line(out, "PRODID:-//appui//mission plan//EN");
	ics_line(out, "CALSCALE:GREGORIAN");
	ics_line(out, "METHOD:PUBLISH");
	char *name =
	    ap_xasprintf("%s - %s", c->name ? c->name : (c->id ? c->id : ""),
	                 c->firms[f].name ? c->firms[f].name : c->firms[f].id);
	ics_text(out, "X-WR-CALNAME", name);
	free(name);
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_planned *m = &p->missions[i];
		if (m->firm != f || !m->dates)
			continue;
		for (int k = 0; k < m->days; k++)
			ics_event(out, p, i, k, dtstamp);
	}
	ics_line(out, "END:VCALENDAR");
}

static void ics_error(ap_diags *d, const char *file, const char *fmt, ...)
    AP_PRINTF(3, 4);
static void ics_error(ap_diags *d, const char *file, const char *fmt, ...)
{
	if (!d)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = ap_xvasprintf(fmt, ap);
	va_end(ap);
	ap_diags_add(d, AP_ERROR, file, 0, "", "%s", msg);
	free(msg);
}

/* A firm id becomes a file name: it must stay one name inside DIR. */
static int safe_file_name(const char *id)
{
	if (!id || !*id || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return 0;
	for (const unsigned char *c = (const unsigned char *)id; *c; c++)
		if (*c == '/' || *c < 0x20 || *c == 0x7F)
			return 0;
	return 1;
}

typedef struct ics_file {
	char *path;     /* DIR/<firm-id>.ics */
	ap_atomic file; /* its temporary, until renamed */
} ics_file;

/* Writes `data` to a new temporary file next to `f->path`, synced. */
static int ics_write_tmp(ics_file *f, const ap_buf *data, ap_diags *d)
{
	if (ap_atomic_open(&f->file, f->path, "calendar", d) != 0)
		return -1;
	fwrite(data->data, 1, data->len, f->file.f);
	return ap_atomic_sync(&f->file, d) == 0 ? 0 : -1;
}

/*
 * Every calendar is first written and synced to a temporary file, and only
 * when all are complete are they renamed in place: a failure to write (disk
 * full, no permission) then leaves no temporary file and no calendar of this
 * plan beside the calendars of an older one, and a calendar is always
 * replaced whole. Only a failing rename, after the others succeeded, can
 * leave part of the set in place.
 */
int ap_plan_ics(const ap_plan *p, const char *dir, ap_diags *d)
{
	const ap_campaign *c = p->campaign;
	if (!dir)
		dir = ".";
	size_t n = 0;
	ics_file *files =
	    ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(*files));
	size_t *firm = ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(*firm));
	int rc = 0;

	for (size_t f = 0; f < c->n_firms && rc == 0; f++) {
		int used = 0;
		for (size_t i = 0; i < p->n_missions && !used; i++)
			used =
			    p->missions[i].firm == f && p->missions[i].days > 0;
		if (!used)
			continue;
		const char *id = c->firms[f].id;
		if (!safe_file_name(id)) {
			ics_error(d, dir,
			          "firm '%s': its id cannot be a file name",
			          id ? id : "");
			rc = -1;
			break;
		}
		/* Two firms with one id would write one file: refuse rather
		 * than lose one firm's calendar. */
		for (size_t k = 0; k < n; k++)
			if (strcmp(c->firms[firm[k]].id, id) == 0) {
				ics_error(d, dir, "two firms have the id '%s'",
				          id);
				rc = -1;
			}
		char *name = ap_xasprintf("%s.ics", id);
		files[n].path = ap_path_join(dir, name);
		free(name);
		firm[n++] = f;
	}
	if (rc == 0 && n > 0 && *dir && mkdir(dir, 0777) != 0 &&
	    errno != EEXIST) {
		ics_error(d, dir, "cannot create the folder: %s",
		          strerror(errno));
		rc = -1;
	}

	ap_buf data;
	ap_buf_init(&data);
	for (size_t k = 0; k < n && rc == 0; k++) {
		ap_buf_reset(&data);
		ics_calendar(&data, p, firm[k]);
		rc = ics_write_tmp(&files[k], &data, d);
	}
	ap_buf_free(&data);
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = ap_atomic_commit(&files[k].file, d) == 0 ? 0 : -1;
	for (size_t k = 0; k < n; k++) {
		ap_atomic_abort(&files[k].file);
		free(files[k].path);
	}
	free(files);
	free(firm);
	return rc;
}
