/*
 * The plan's calendars: one RFC 5545 file per firm, one all-day event per
 * mission day, and for a saved plan the cancelled days of its earlier
 * versions, so that a firm that imports each version in turn ends with the
 * plan's days and nothing else (docs/planning.md, "iCalendar files").
 *
 * A calendar is a function of the plan and the options alone (no clock, no
 * locale, no hash order): the same plan gives the same bytes, since a
 * spurious change would look like a rescheduled event. Text is valid UTF-8
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

/* ---- the options, checked ------------------------------------------------ */

/* A cancelled entry and the index of its firm in the campaign. */
typedef struct ics_cancel {
	const ap_ics_cancelled *c;
	size_t firm;
} ics_cancel;

/* What the calendars are written from. */
typedef struct ics_ctx {
	const ap_plan *p;
	const ap_ics_mission *missions; /* NULL: an unsaved plan */
	const ap_ics_mission **by_id;   /* the missions by id */
	ics_cancel *cancelled;          /* by mission id, firm id, first day */
	size_t n_cancelled;
	char dtstamp[40];
} ics_ctx;

static int cmp_saved(const void *a, const void *b)
{
	const ap_ics_mission *x = *(const ap_ics_mission *const *)a;
	const ap_ics_mission *y = *(const ap_ics_mission *const *)b;
	return strcmp(x->mission_id, y->mission_id);
}

static int cmp_cancel(const void *a, const void *b)
{
	const ap_ics_cancelled *x = ((const ics_cancel *)a)->c;
	const ap_ics_cancelled *y = ((const ics_cancel *)b)->c;
	int c = strcmp(x->mission_id, y->mission_id);
	if (c == 0)
		c = strcmp(x->firm_id, y->firm_id);
	if (c == 0)
		c = (x->first_index > y->first_index) -
		    (x->first_index < y->first_index);
	return c;
}

/* Every saved mission has an id, a sequence of 0 or more, and an id of its
 * own: two missions with one id would give two events one UID. Returns the
 * number of problems. */
static int ics_check_missions(ics_ctx *x, const char *dir, ap_diags *d)
{
	const ap_plan *p = x->p;
	int bad = 0;
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_ics_mission *s = &x->missions[i];
		char num[24];
		mission_number(i, num);
		if (!s->mission_id || !*s->mission_id) {
			ics_error(d, dir, "mission %s has no saved id", num);
			bad++;
		} else if (s->sequence < 0) {
			ics_error(d, dir,
			          "mission '%s': sequence %d is negative",
			          s->mission_id, s->sequence);
			bad++;
		}
	}
	if (bad || p->n_missions == 0)
		return bad;
	x->by_id = ap_xcalloc(p->n_missions, sizeof(*x->by_id));
	for (size_t i = 0; i < p->n_missions; i++)
		x->by_id[i] = &x->missions[i];
	qsort(x->by_id, p->n_missions, sizeof(*x->by_id), cmp_saved);
	for (size_t i = 1; i < p->n_missions; i++)
		if (cmp_saved(&x->by_id[i - 1], &x->by_id[i]) == 0) {
			ics_error(d, dir, "two missions have the id '%s'",
			          x->by_id[i]->mission_id);
			bad++;
		}
	return bad;
}

/* The index of the campaign's firm `id`, or -1. */
static long firm_index(const ap_campaign *c, const char *id)
{
	for (size_t f = 0; id && f < c->n_firms; f++)
		if (c->firms[f].id && strcmp(c->firms[f].id, id) == 0)
			return (long)f;
	return -1;
}

/* One cancelled entry on its own; its firm in *firm. */
static int ics_check_cancel(const ics_ctx *x, const ap_ics_cancelled *c,
                            size_t j, size_t *firm, const char *dir,
                            ap_diags *d)
{
	const char *mid = c->mission_id;
	if (!mid || !*mid) {
		ics_error(d, dir, "cancelled entry %zu has no mission id",
		          j + 1);
		return 1;
	}
	int bad = 0;
	long f = firm_index(x->p->campaign, c->firm_id);
	if (f < 0) {
		ics_error(d, dir,
		          "cancelled mission '%s': no firm '%s' in "
		          "the campaign",
		          mid, c->firm_id ? c->firm_id : "");
		bad++;
	}
	*firm = f < 0 ? 0 : (size_t)f;
	if (c->days < 0 || c->first_index < 0 || c->first_index > c->days) {
		ics_error(d, dir,
		          "cancelled mission '%s': first index %d "
		          "out of its %d days",
		          mid, c->first_index, c->days);
		bad++;
	} else if (c->first_index < c->days && !c->dates) {
		ics_error(d, dir, "cancelled mission '%s': no dates", mid);
		bad++;
	}
	if (c->sequence < 0) {
		ics_error(d, dir,
		          "cancelled mission '%s': sequence %d is "
		          "negative",
		          mid, c->sequence);
		bad++;
	}
	return bad;
}

/* Entry `k` against its neighbour and the plan: one entry per mission and
 * firm, and no day both planned and cancelled in one calendar. */
static int ics_check_overlap(const ics_ctx *x, size_t k, const char *dir,
                             ap_diags *d)
{
	const ics_cancel *e = &x->cancelled[k];
	const ap_ics_cancelled *c = e->c;
	const ap_firm *f = firm_of(x->p, e->firm);
	if (k > 0 && e[-1].firm == e->firm &&
	    strcmp(e[-1].c->mission_id, c->mission_id) == 0) {
		ics_error(d, dir,
		          "mission '%s' is cancelled twice in the "
		          "calendar of %s",
		          c->mission_id, f->id);
		return 1;
	}
	if (!x->by_id || c->first_index >= c->days)
		return 0;
	ap_ics_mission key = {c->mission_id, 0};
	const ap_ics_mission *kp = &key, **hit;
	hit = bsearch(&kp, x->by_id, x->p->n_missions, sizeof(*x->by_id),
	              cmp_saved);
	if (!hit)
		return 0;
	const ap_planned *m = &x->p->missions[*hit - x->missions];
	if (m->firm != e->firm || c->first_index >= m->days)
		return 0;
	ics_error(d, dir,
	          "mission '%s': day %d is both planned and cancelled "
	          "in the calendar of %s",
	          c->mission_id, c->first_index + 1, f->id);
	return 1;
}

static int ics_check_cancelled(ics_ctx *x, const ap_plan_ics_options *opt,
                               const char *dir, ap_diags *d)
{
	size_t n = opt->cancelled ? opt->n_cancelled : 0;
	if (n && !x->missions && x->p->n_missions > 0) {
		ics_error(d, dir,
		          "cancelled missions need the saved ids of "
		          "the plan's missions");
		return 1;
	}
	int bad = 0;
	x->cancelled = ap_xcalloc(n ? n : 1, sizeof(*x->cancelled));
	for (size_t j = 0; j < n; j++) {
		x->cancelled[j].c = &opt->cancelled[j];
		bad += ics_check_cancel(x, &opt->cancelled[j], j,
		                        &x->cancelled[j].firm, dir, d);
	}
	if (bad)
		return bad;
	qsort(x->cancelled, n, sizeof(*x->cancelled), cmp_cancel);
	x->n_cancelled = n;
	for (size_t k = 0; k < n; k++)
		bad += ics_check_overlap(x, k, dir, d);
	return bad;
}

static void ics_ctx_free(ics_ctx *x)
{
	free(x->by_id);
	free(x->cancelled);
}

/*
 * DTSTAMP is required in every VEVENT of a METHOD:PUBLISH calendar
 * (RFC 5545 3.6.1, RFC 5546). It should be the time the calendar was
 * written, but the clock would make two runs of the same plan differ in
 * every event; the campaign window's first day, at midnight UTC, is a fixed,
 * plausible instant (the plan is about that window) that keeps the file
 * byte-stable. A saved plan's changes are ordered by SEQUENCE instead.
 */
static int ics_ctx_init(ics_ctx *x, const ap_plan *p,
                        const ap_plan_ics_options *opt, const char *dir,
                        ap_diags *d)
{
	memset(x, 0, sizeof *x);
	x->p = p;
	char stamp[24];
	ics_day(p->campaign->window_first, stamp);
	snprintf(x->dtstamp, sizeof x->dtstamp, "%sT000000Z", stamp);
	if (!opt)
		return 0;
	if (opt->version > AP_PLAN_ICS_OPTIONS_VERSION) {
		ics_error(d, dir,
		          "calendar options of version %d: this "
		          "libappui knows up to %d",
		          opt->version, AP_PLAN_ICS_OPTIONS_VERSION);
		return -1;
	}
	x->missions = opt->missions;
	int bad = x->missions ? ics_check_missions(x, dir, d) : 0;
	if (bad == 0)
		bad = ics_check_cancelled(x, opt, dir, d);
	return bad ? -1 : 0;
}

/* ---- events -------------------------------------------------------------- */

/* UID:<mission id>-<k>@appui, day k (from 1) of a saved mission. */
static void ics_saved_uid(ap_buf *out, const char *mission_id, int k)
{
	ap_buf l;
	ap_buf_init(&l);
	ap_buf_puts(&l, "UID:");
	ics_escape(&l, mission_id);
	ap_buf_printf(&l, "-%d@appui", k);
	ics_line(out, l.data);
	ap_buf_free(&l);
}

/* The UID of an unsaved plan's event names the case, the day and the firm,
 * not the mission number: a new plan renumbers missions, but a site's day
 * with a firm keeps its UID, so a re-import updates events instead of
 * duplicating them. */
static void ics_plan_uid(ap_buf *out, const ap_plan_site *s, const ap_firm *f,
                         const char *day)
{
	ap_buf l;
	ap_buf_init(&l);
	ap_buf_puts(&l, "UID:");
	ics_escape(&l, s->case_id);
	ap_buf_printf(&l, "-%s-", day);
	ics_escape(&l, f->id);
	ap_buf_puts(&l, "@appui");
	ics_line(out, l.data);
	ap_buf_free(&l);
}

static void ics_description(ap_buf *out, const ap_plan_site *s,
                            const ap_firm *f, const char *themes,
                            const char *mission, int k, int days)
{
	ap_buf l;
	ap_buf_init(&l);
	ap_buf_printf(&l,
	              "Case %s\nOrganisation: ", s->case_id ? s->case_id : "-");
	if (s->organisation_name)
		ap_buf_printf(&l, "%s (%s)", s->organisation_name,
		              s->organisation_id ? s->organisation_id : "-");
	else
		ap_buf_puts(&l, s->organisation_id ? s->organisation_id : "-");
	ap_buf_printf(
	    &l, "\nThemes: %s\nMission %s, day %d of %d, site %s, firm %s",
	    themes, mission, k + 1, days, s->site_id ? s->site_id : "-", f->id);
	ics_text(out, "DESCRIPTION", l.data);
	ap_buf_free(&l);
}

/* Day k (from 0) of mission i. */
static void ics_event(ap_buf *out, const ics_ctx *x, size_t i, int k)
{
	const ap_plan *p = x->p;
	const ap_planned *m = &p->missions[i];
	const ap_plan_site *s = site_of(p, m->site);
	const ap_firm *f = firm_of(p, m->firm);
	const ap_ics_mission *saved = x->missions ? &x->missions[i] : NULL;
	char num[24], day[24], next[24];
	mission_number(i, num);
	ics_day(m->dates[k], day);
	ics_day(m->dates[k] + 1, next);
	char *themes = plan_mission_themes(p, m, ", ");
	const char *name = s->site_name ? s->site_name : s->site_id;

	ics_line(out, "BEGIN:VEVENT");
	if (saved)
		ics_saved_uid(out, saved->mission_id, k + 1);
	else
		ics_plan_uid(out, s, f, day);
	ics_linef(out, "DTSTAMP:%s", x->dtstamp);
	ics_linef(out, "DTSTART;VALUE=DATE:%s", day);
	ics_linef(out, "DTEND;VALUE=DATE:%s", next);
	if (saved)
		ics_linef(out, "SEQUENCE:%d", saved->sequence);
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
	ics_description(out, s, f, themes, saved ? saved->mission_id : num, k,
	                m->days);
	ics_line(out, "TRANSP:OPAQUE");
	ics_line(out, "STATUS:CONFIRMED");
	ics_line(out, "END:VEVENT");
	free(themes);
}

/* Day k (from 0) of a cancelled entry: its UID, its day, a higher SEQUENCE;
 * it no longer holds the firm's time. */
static void ics_cancelled_event(ap_buf *out, const ics_ctx *x,
                                const ics_cancel *e, int k)
{
	const ap_ics_cancelled *c = e->c;
	const char *site = c->site_id && *c->site_id ? c->site_id : "-";
	char day[24], next[24];
	ics_day(c->dates[k], day);
	ics_day(c->dates[k] + 1, next);

	ics_line(out, "BEGIN:VEVENT");
	ics_saved_uid(out, c->mission_id, k + 1);
	ics_linef(out, "DTSTAMP:%s", x->dtstamp);
	ics_linef(out, "DTSTART;VALUE=DATE:%s", day);
	ics_linef(out, "DTEND;VALUE=DATE:%s", next);
	ics_linef(out, "SEQUENCE:%d", c->sequence);
	char *text =
	    ap_xasprintf("Appui solidaire: %s annulé (cancelled)", site);
	ics_text(out, "SUMMARY", text);
	free(text);
	text = ap_xasprintf("Cancelled: mission %s, day %d of %d, site %s, "
	                    "firm %s\nCase %s",
	                    c->mission_id, k + 1, c->days, site,
	                    firm_of(x->p, e->firm)->id,
	                    c->case_id && *c->case_id ? c->case_id : "-");
	ics_text(out, "DESCRIPTION", text);
	free(text);
	ics_line(out, "TRANSP:TRANSPARENT");
	ics_line(out, "STATUS:CANCELLED");
	ics_line(out, "END:VEVENT");
}

/* ---- files --------------------------------------------------------------- */

/* The calendar of firm `f`, into `out`. */
static void ics_calendar(ap_buf *out, const ics_ctx *x, size_t f)
{
	const ap_plan *p = x->p;
	const ap_campaign *c = p->campaign;
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
			ics_event(out, x, i, k);
	}
	for (size_t j = 0; j < x->n_cancelled; j++) {
		const ics_cancel *e = &x->cancelled[j];
		if (e->firm != f)
			continue;
		for (int k = e->c->first_index; k < e->c->days; k++)
			ics_cancelled_event(out, x, e, k);
	}
	ics_line(out, "END:VCALENDAR");
}

/* The firm has an event: a mission day, or a cancelled day. */
static int ics_firm_used(const ics_ctx *x, size_t f)
{
	for (size_t i = 0; i < x->p->n_missions; i++)
		if (x->p->missions[i].firm == f && x->p->missions[i].days > 0)
			return 1;
	for (size_t j = 0; j < x->n_cancelled; j++)
		if (x->cancelled[j].firm == f &&
		    x->cancelled[j].c->first_index < x->cancelled[j].c->days)
			return 1;
	return 0;
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
	size_t firm;
} ics_file;

/* The files to write, one per firm with an event, into files[]; their
 * number in *n. */
static int ics_files(const ics_ctx *x, const char *dir, ics_file *files,
                     size_t *n, ap_diags *d)
{
	const ap_campaign *c = x->p->campaign;
	*n = 0;
	for (size_t f = 0; f < c->n_firms; f++) {
		if (!ics_firm_used(x, f))
			continue;
		const char *id = c->firms[f].id;
		if (!safe_file_name(id)) {
			ics_error(d, dir,
			          "firm '%s': its id cannot be a file name",
			          id ? id : "");
			return -1;
		}
		/* Two firms with one id would write one file: refuse rather
		 * than lose one firm's calendar. */
		int rc = 0;
		for (size_t k = 0; k < *n; k++)
			if (strcmp(c->firms[files[k].firm].id, id) == 0) {
				ics_error(d, dir, "two firms have the id '%s'",
				          id);
				rc = -1;
			}
		char *name = ap_xasprintf("%s.ics", id);
		files[*n].path = ap_path_join(dir, name);
		free(name);
		files[(*n)++].firm = f;
		if (rc)
			return rc;
	}
	return 0;
}

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
static int ics_write_all(const ics_ctx *x, const char *dir, ap_diags *d)
{
	const ap_campaign *c = x->p->campaign;
	size_t n = 0;
	ics_file *files =
	    ap_xcalloc(c->n_firms ? c->n_firms : 1, sizeof(*files));
	int rc = ics_files(x, dir, files, &n, d);
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
		ics_calendar(&data, x, files[k].firm);
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
	return rc;
}

int ap_plan_ics_with(const ap_plan *p, const char *dir,
                     const ap_plan_ics_options *opt, ap_diags *d)
{
	if (!dir)
		dir = ".";
	ics_ctx x;
	int rc = ics_ctx_init(&x, p, opt, dir, d);
	if (rc == 0)
		rc = ics_write_all(&x, dir, d);
	ics_ctx_free(&x);
	return rc;
}

int ap_plan_ics(const ap_plan *p, const char *dir, ap_diags *d)
{
	return ap_plan_ics_with(p, dir, NULL, d);
}
