/*
 * The pool's wire format (see pool_wire.h): buffers, parts, and the problems,
 * rows and sites as parts.
 */
#include "pool_wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* ---- buffers ------------------------------------------------------------ */

static void reserve(pool_bytes *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < extra)
		cap *= 2;
	b->data = ap_xrealloc(b->data, cap);
	b->cap = cap;
}

void pool_bytes_add(pool_bytes *b, const void *s, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
}

void pool_bytes_u32(pool_bytes *b, uint32_t v)
{
	pool_bytes_add(b, &v, 4);
}

void pool_bytes_u64(pool_bytes *b, uint64_t v)
{
	pool_bytes_add(b, &v, 8);
}

void pool_bytes_part(pool_bytes *b, const void *s, size_t n)
{
	pool_bytes_u32(b, (uint32_t)n);
	pool_bytes_add(b, s, n);
}

void pool_bytes_cstr(pool_bytes *b, const char *s)
{
	pool_bytes_part(b, s, s ? strlen(s) + 1 : 0);
}

size_t pool_bytes_open_size(pool_bytes *b)
{
	size_t at = b->len;
	pool_bytes_u32(b, 0);
	return at;
}

void pool_bytes_close_size(pool_bytes *b, size_t at)
{
	uint32_t size = (uint32_t)(b->len - at - 4);
	memcpy(b->data + at, &size, 4);
}

void pool_bytes_free(pool_bytes *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

ssize_t pool_bytes_fill(pool_bytes *b, int fd, int nonblocking)
{
	if (b->pos) {
		memmove(b->data, b->data + b->pos, b->len - b->pos);
		b->len -= b->pos;
		b->pos = 0;
	}
	reserve(b, 65536);
	for (;;) {
		ssize_t r = recv(fd, b->data + b->len, b->cap - b->len,
		                 nonblocking ? MSG_DONTWAIT : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0)
			b->len += (size_t)r;
		return r;
	}
}

const char *pool_bytes_take(pool_bytes *b, size_t n)
{
	if (b->len - b->pos < n)
		return NULL;
	const char *p = b->data + b->pos;
	b->pos += n;
	return p;
}

/* ---- parts -------------------------------------------------------------- */

uint32_t pool_get_u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

uint64_t pool_get_u64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

const char *pool_get_part(const char **p, const char *end, size_t *n)
{
	*n = 0;
	if (end - *p < 4)
		return NULL;
	uint32_t n32 = pool_get_u32(*p);
	if ((size_t)(end - *p - 4) < n32)
		return NULL;
	const char *s = *p + 4;
	*p = s + n32;
	*n = n32;
	return s;
}

/* A fixed-size part into `out`. */
static int get_fixed(const char **p, const char *end, void *out, size_t size)
{
	size_t n;
	const char *s = pool_get_part(p, end, &n);
	if (!s || n != size)
		return -1;
	memcpy(out, s, size);
	return 0;
}

/* The next part as a string pointing into the message (NULL when empty);
 * -1 when it is not a NUL-terminated string. */
static int get_cstr(const char **p, const char *end, const char **out)
{
	size_t n;
	const char *s = pool_get_part(p, end, &n);
	if (!s)
		return -1;
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if (s[n - 1] != '\0' || memchr(s, '\0', n) != s + n - 1)
		return -1;
	*out = s;
	return 0;
}

/* The same, copied (NULL when empty). */
static int get_dup(const char **p, const char *end, char **out)
{
	const char *s;
	if (get_cstr(p, end, &s))
		return -1;
	*out = s ? ap_xstrdup(s) : NULL;
	return 0;
}

/* ---- problems ----------------------------------------------------------- */

/* A u32 count, then for each its severity, line, file, field, message and
 * the message in the user's language (empty: the same). */
void pool_put_diags(pool_bytes *m, const ap_diags *d)
{
	uint32_t n = (uint32_t)ap_diags_count(d);
	pool_bytes_u32(m, n);
	for (uint32_t i = 0; i < n; i++) {
		const ap_diag *g = ap_diags_at(d, i);
		int32_t sev = (int32_t)g->severity;
		int64_t line = (int64_t)g->line;
		pool_bytes_part(m, &sev, 4);
		pool_bytes_part(m, &line, 8);
		pool_bytes_cstr(m, g->file ? g->file : "");
		pool_bytes_cstr(m, g->field ? g->field : "");
		pool_bytes_cstr(m, g->message ? g->message : "");
		pool_bytes_cstr(m, g->shown && g->shown != g->message ? g->shown
		                                                      : "");
	}
}

int pool_get_diags(const char *p, const char *end, ap_diags *d)
{
	if (end - p < 4)
		return -1;
	uint32_t n = pool_get_u32(p);
	p += 4;
	for (uint32_t i = 0; i < n; i++) {
		int32_t sev;
		int64_t line;
		const char *file, *field, *msg, *shown;
		if (get_fixed(&p, end, &sev, 4) ||
		    get_fixed(&p, end, &line, 8) || get_cstr(&p, end, &file) ||
		    get_cstr(&p, end, &field) || get_cstr(&p, end, &msg) ||
		    get_cstr(&p, end, &shown) || !file || !field || !msg)
			return -1;
		if (sev != AP_ERROR && sev != AP_WARNING)
			return -1;
		ap_diags_add_shown(d, (ap_severity)sev, file, (long)line, field,
		                   msg, shown);
	}
	return 0;
}

/* ---- rows --------------------------------------------------------------- */

/* Three strings, the themes (a count, then id, need and band each),
 * has_mission, days, priority, the explanation. */
void pool_put_row(pool_bytes *m, const ap_score_row *row)
{
	pool_bytes_cstr(m, row->case_id);
	pool_bytes_cstr(m, row->site_id);
	pool_bytes_cstr(m, row->organisation_id);
	uint32_t n = (uint32_t)row->n_themes;
	pool_bytes_part(m, &n, 4);
	for (uint32_t i = 0; i < n; i++) {
		int32_t band = (int32_t)row->bands[i];
		pool_bytes_cstr(m, row->themes[i]);
		pool_bytes_part(m, &row->needs[i], 8);
		pool_bytes_part(m, &band, 4);
	}
	int32_t has_mission = row->has_mission, days = row->days;
	pool_bytes_part(m, &has_mission, 4);
	pool_bytes_part(m, &days, 4);
	pool_bytes_part(m, &row->priority, 8);
	pool_bytes_cstr(m, row->explain);
}

int pool_get_row(const char *p, const char *end, ap_score_row *row)
{
	memset(row, 0, sizeof(*row));
	uint32_t n;
	if (get_dup(&p, end, &row->case_id) ||
	    get_dup(&p, end, &row->site_id) ||
	    get_dup(&p, end, &row->organisation_id) ||
	    get_fixed(&p, end, &n, 4) || n > (uint32_t)(end - p))
		goto bad;
	row->themes = ap_xcalloc(n + 1, sizeof(char *));
	row->needs = ap_xcalloc(n + 1, sizeof(double));
	row->bands = ap_xcalloc(n + 1, sizeof(ap_band));
	for (uint32_t i = 0; i < n; i++) {
		int32_t band;
		row->n_themes = i + 1;
		if (get_dup(&p, end, &row->themes[i]) || !row->themes[i] ||
		    get_fixed(&p, end, &row->needs[i], 8) ||
		    get_fixed(&p, end, &band, 4))
			goto bad;
		row->bands[i] = (ap_band)band;
	}
	row->n_themes = n;
	int32_t has_mission, days;
	if (get_fixed(&p, end, &has_mission, 4) ||
	    get_fixed(&p, end, &days, 4) ||
	    get_fixed(&p, end, &row->priority, 8) ||
	    get_dup(&p, end, &row->explain))
		goto bad;
	row->has_mission = has_mission;
	row->days = days;
	if (row->case_id && row->site_id && row->organisation_id)
		return 0;
bad:
	ap_score_row_clear(row);
	memset(row, 0, sizeof(*row));
	return -1;
}

/* ---- sites -------------------------------------------------------------- */

/* Eight strings, days, priority, the window, the diagnostic's date, then
 * the mission's themes. */
void pool_put_site(pool_bytes *m, const ap_plan_site *s)
{
	const char *text[] = {
	    s->file,    s->case_id,         s->site_id,           s->site_name,
	    s->commune, s->organisation_id, s->organisation_name, s->region};
	for (size_t i = 0; i < AP_ARRAY_LEN(text); i++)
		pool_bytes_cstr(m, text[i]);
	int32_t days = s->days, has_window = s->has_window;
	int64_t first = s->window_first, last = s->window_last;
	pool_bytes_part(m, &days, 4);
	pool_bytes_part(m, &s->priority, 8);
	pool_bytes_part(m, &has_window, 4);
	pool_bytes_part(m, &first, 8);
	pool_bytes_part(m, &last, 8);
	int32_t date[3] = {s->diagnosed.year, s->diagnosed.month,
	                   s->diagnosed.day};
	pool_bytes_part(m, date, sizeof date);
	int32_t np =
	    (int32_t)(s->n_partials < POOL_SITE_PARTIALS ? s->n_partials
	                                                 : POOL_SITE_PARTIALS);
	pool_bytes_part(m, &np, 4);
	for (int32_t k = 0; k < np; k++) {
		uint32_t themes = s->partials[k].themes;
		int32_t pdays = s->partials[k].days;
		pool_bytes_part(m, &themes, 4);
		pool_bytes_part(m, &pdays, 4);
		pool_bytes_part(m, &s->partials[k].priority, 8);
	}
	for (size_t i = 0; i < s->n_themes && i < POOL_SITE_THEMES; i++)
		pool_bytes_cstr(m, s->themes[i]);
}

int pool_get_site(const char *p, const char *end, ap_plan_site *s,
                  ap_partial_mission *partials, const char **themes)
{
	memset(s, 0, sizeof(*s));
	const char **text[] = {&s->file,
	                       &s->case_id,
	                       &s->site_id,
	                       &s->site_name,
	                       &s->commune,
	                       &s->organisation_id,
	                       &s->organisation_name,
	                       &s->region};
	for (size_t i = 0; i < AP_ARRAY_LEN(text); i++)
		if (get_cstr(&p, end, text[i]))
			return -1;
	int32_t days, has_window;
	int64_t first, last;
	if (get_fixed(&p, end, &days, 4) ||
	    get_fixed(&p, end, &s->priority, 8) ||
	    get_fixed(&p, end, &has_window, 4) ||
	    get_fixed(&p, end, &first, 8) || get_fixed(&p, end, &last, 8))
		return -1;
	int32_t date[3];
	if (get_fixed(&p, end, date, sizeof date))
		return -1;
	s->diagnosed = (ap_date){date[0], date[1], date[2]};
	int32_t np;
	if (get_fixed(&p, end, &np, 4) || np < 0 ||
	    (uint32_t)np > POOL_SITE_PARTIALS)
		return -1;
	for (int32_t k = 0; k < np; k++) {
		uint32_t themes_mask;
		int32_t pdays;
		if (get_fixed(&p, end, &themes_mask, 4) ||
		    get_fixed(&p, end, &pdays, 4) ||
		    get_fixed(&p, end, &partials[k].priority, 8))
			return -1;
		partials[k].themes = themes_mask;
		partials[k].days = pdays;
	}
	s->partials = partials;
	s->n_partials = (size_t)np;
	s->days = days;
	s->has_window = has_window;
	s->window_first = (ap_day)first;
	s->window_last = (ap_day)last;
	while (p < end && s->n_themes < POOL_SITE_THEMES)
		if (get_cstr(&p, end, &themes[s->n_themes++]) ||
		    !themes[s->n_themes - 1])
			return -1;
	s->themes = themes;
	return 0;
}

void pool_put_meta(pool_bytes *m, const char *sha256, size_t size,
                   const ap_case *c)
{
	pool_bytes_cstr(m, sha256);
	uint64_t n = size;
	pool_bytes_part(m, &n, 8);
	const ap_diagnostic *g = c ? ap_case_diagnostic(c) : NULL;
	const char *text[] = {
	    c ? ap_case_id(c) : NULL, c ? ap_case_site(c)->id : NULL,
	    c ? ap_case_organisation(c)->id : NULL, g ? g->firm : NULL};
	for (size_t i = 0; i < AP_ARRAY_LEN(text); i++)
		pool_bytes_cstr(m, text[i]);
	int32_t date[3] = {0, 0, 0};
	if (g) {
		date[0] = g->date.year;
		date[1] = g->date.month;
		date[2] = g->date.day;
	}
	pool_bytes_part(m, date, sizeof date);
}

int pool_get_meta(const char *p, const char *end, ap_pool_meta *m)
{
	memset(m, 0, sizeof(*m));
	uint64_t n;
	if (get_cstr(&p, end, &m->sha256) || !m->sha256 ||
	    strlen(m->sha256) != 64 || get_fixed(&p, end, &n, 8))
		return -1;
	m->size = (size_t)n;
	const char **text[] = {&m->case_id, &m->site_id, &m->organisation_id,
	                       &m->firm};
	size_t set = 0;
	for (size_t i = 0; i < AP_ARRAY_LEN(text); i++) {
		if (get_cstr(&p, end, text[i]))
			return -1;
		set += *text[i] != NULL;
	}
	int32_t date[3];
	if ((set != 0 && set != AP_ARRAY_LEN(text)) ||
	    get_fixed(&p, end, date, sizeof date) || p != end)
		return -1;
	m->diagnosed = (ap_date){date[0], date[1], date[2]};
	return 0;
}
