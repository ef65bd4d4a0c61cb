/*
 * A site over time (appui/history.h): the cases' JSON texts read into
 * diagnostics ordered by date then case id, and the changes between each
 * two that follow, made again whenever a case is added (a site has a few
 * diagnostics, not thousands).
 */
#include "history_impl.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "appui/calendar.h"
#include "appui/status.h"
#include "appui/store.h"
#include "jsonout.h"

const char *ap_history_verdict_name(ap_history_verdict v)
{
	switch (v) {
	case AP_HISTORY_IMPROVED:
		return "improved";
	case AP_HISTORY_WORSENED:
		return "worsened";
	case AP_HISTORY_NOT_COMPARABLE:
		return "not comparable";
	case AP_HISTORY_NO_CLEAR_CHANGE:
		break;
	}
	return "no clear change";
}

const char *hist_verdict_fr(ap_history_verdict v)
{
	switch (v) {
	case AP_HISTORY_IMPROVED:
		return "amélioration nette";
	case AP_HISTORY_WORSENED:
		return "dégradation nette";
	case AP_HISTORY_NOT_COMPARABLE:
		return "non comparable";
	case AP_HISTORY_NO_CLEAR_CHANGE:
		break;
	}
	return "pas d'évolution nette";
}

const char *ap_history_band_change_name(ap_history_band_change c)
{
	switch (c) {
	case AP_HISTORY_BAND_BETTER:
		return "better band";
	case AP_HISTORY_BAND_SAME:
		return "same band";
	case AP_HISTORY_BAND_WORSE:
		return "worse band";
	case AP_HISTORY_BAND_NONE:
		break;
	}
	return NULL;
}

const char *hist_band_fr(ap_band b)
{
	static const char *const fr[] = {"bon", "à surveiller", "dégradé",
	                                 "critique"};
	return (unsigned)b < 4 ? fr[b] : "?";
}

ap_history_verdict ap_history_rule(double old_need, double old_low,
                                   double old_high, double new_need,
                                   double new_low, double new_high,
                                   double margin)
{
	double delta = jround(new_need - old_need, 2);
	if (delta < -margin && new_high < old_low)
		return AP_HISTORY_IMPROVED;
	if (delta > margin && new_low > old_high)
		return AP_HISTORY_WORSENED;
	return AP_HISTORY_NO_CLEAR_CHANGE;
}

/* ---- life ---------------------------------------------------------------- */

int ap_history_new(ap_history **out, const char *site_id,
                   const ap_history_options *opt)
{
	*out = NULL;
	if (!site_id || !*site_id ||
	    (opt && opt->version != AP_HISTORY_OPTIONS_VERSION))
		return AP_EUSAGE;
	ap_history *h = ap_xcalloc(1, sizeof(*h));
	ap_history_options def = AP_HISTORY_OPTIONS_INIT;
	h->opt = opt ? *opt : def;
	ap_arena_init(&h->arena);
	ap_arena_init(&h->pair_arena);
	h->site_id = ap_arena_strdup(&h->arena, site_id);
	*out = h;
	return AP_OK;
}

void ap_history_free(ap_history *h)
{
	if (!h)
		return;
	ap_arena_free(&h->arena);
	ap_arena_free(&h->pair_arena);
	free(h->diags);
	free(h->missions);
	free(h);
}

/* ---- reading a case ------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A number of the object, or -1 when it is not one. */
static int jnumber(const json_t *o, const char *key, double *out)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

static int band_of(const char *name, ap_band *out)
{
	for (int b = AP_BAND_GOOD; name && b <= AP_BAND_CRITICAL; b++)
		if (strcmp(name, ap_band_name((ap_band)b)) == 0) {
			*out = (ap_band)b;
			return 0;
		}
	return -1;
}

static int read_indicators(ap_arena *a, const json_t *arr, hist_ind **out,
                           size_t *n)
{
	size_t count = json_array_size(arr), i;
	const json_t *o;
	*out = ap_arena_alloc(a, (count ? count : 1) * sizeof(**out));
	*n = count;
	json_array_foreach(arr, i, o)
	{
		hist_ind *x = &(*out)[i];
		const json_t *lv = json_object_get(o, "level");
		if (!jstr(o, "ref") || !json_is_integer(lv) ||
		    jnumber(o, "value", &x->value) ||
		    jnumber(o, "contribution", &x->contribution))
			return -1;
		x->ref = ap_arena_strdup(a, jstr(o, "ref"));
		x->level = (int)json_integer_value(lv);
	}
	return json_is_array(arr) || !arr ? 0 : -1;
}

static int read_theme(ap_arena *a, const json_t *o, ap_history_theme *t,
                      hist_ind **inds, size_t *n_inds)
{
	if (!jstr(o, "theme") || jnumber(o, "need", &t->need) ||
	    jnumber(o, "need_low", &t->need_low) ||
	    jnumber(o, "need_high", &t->need_high) ||
	    band_of(jstr(o, "band"), &t->band))
		return -1;
	t->theme = ap_arena_strdup(a, jstr(o, "theme"));
	return read_indicators(a, json_object_get(o, "indicators"), inds,
	                       n_inds);
}

/* Sorts the themes (with their indicators) by id; -1 for a theme twice. */
static int sort_themes(hist_diag *d)
{
	size_t n = d->pub.n_themes;
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0; k--) {
			int c =
			    strcmp(d->themes[k - 1].theme, d->themes[k].theme);
			if (c == 0)
				return -1;
			if (c < 0)
				break;
			ap_history_theme t = d->themes[k];
			d->themes[k] = d->themes[k - 1];
			d->themes[k - 1] = t;
			hist_ind *x = d->inds[k];
			d->inds[k] = d->inds[k - 1];
			d->inds[k - 1] = x;
			size_t m = d->n_inds[k];
			d->n_inds[k] = d->n_inds[k - 1];
			d->n_inds[k - 1] = m;
		}
	return 0;
}

static int read_themes(ap_arena *a, const json_t *arr, hist_diag *d)
{
	if (!json_is_array(arr))
		return -1;
	size_t n = json_array_size(arr), i, one = n ? n : 1;
	const json_t *o;
	d->themes = ap_arena_alloc(a, one * sizeof(*d->themes));
	d->inds = ap_arena_alloc(a, one * sizeof(*d->inds));
	d->n_inds = ap_arena_alloc(a, one * sizeof(*d->n_inds));
	d->pub.n_themes = n;
	json_array_foreach(arr, i, o)
	{
		if (read_theme(a, o, &d->themes[i], &d->inds[i], &d->n_inds[i]))
			return -1;
	}
	d->pub.themes = d->themes;
	return sort_themes(d);
}

static const char *dup_or_null(ap_arena *a, const char *s)
{
	return s ? ap_arena_strdup(a, s) : NULL;
}

/* The case `c` into `d`, its strings in `a`; -1 when it is not a case. */
static int read_case(ap_arena *a, const json_t *c, hist_diag *d)
{
	ap_date date;
	const char *diagnosed = jstr(c, "diagnosed");
	if (!jstr(c, "case_id") || !diagnosed ||
	    ap_date_parse(diagnosed, &date) != 0)
		return -1;
	memset(d, 0, sizeof(*d));
	d->pub.case_id = ap_arena_strdup(a, jstr(c, "case_id"));
	d->pub.diagnosed = ap_arena_strdup(a, diagnosed);
	d->pub.file = dup_or_null(a, jstr(c, "file"));
	d->pub.firm = dup_or_null(a, jstr(c, "firm"));
	d->site_name = dup_or_null(a, jstr(c, "site_name"));
	return read_themes(a, json_object_get(c, "themes"), d);
}

/* By diagnostic date, then case id. */
static int diag_cmp(const hist_diag *x, const hist_diag *y)
{
	int c = strcmp(x->pub.diagnosed, y->pub.diagnosed);
	return c ? c : strcmp(x->pub.case_id, y->pub.case_id);
}

static void insert_diag(ap_history *h, const hist_diag *d)
{
	if (h->n_diags == h->cap_diags) {
		h->cap_diags = h->cap_diags ? 2 * h->cap_diags : 8;
		h->diags =
		    ap_xrealloc(h->diags, h->cap_diags * sizeof(*h->diags));
	}
	size_t at = h->n_diags;
	while (at > 0 && diag_cmp(&h->diags[at - 1], d) > 0)
		at--;
	memmove(&h->diags[at + 1], &h->diags[at],
	        (h->n_diags - at) * sizeof(*h->diags));
	h->diags[at] = *d;
	h->n_diags++;
}

static int known_case(const ap_history *h, const char *case_id)
{
	for (size_t i = 0; i < h->n_diags; i++)
		if (strcmp(h->diags[i].pub.case_id, case_id) == 0)
			return 1;
	return 0;
}

static void make_pairs(ap_history *h);

int ap_history_add_case(ap_history *h, const char *json, size_t len)
{
	json_error_t e;
	json_t *c = json_loadb(json, len, 0, &e);
	int rc = AP_EINVALID;
	const char *site = jstr(c, "site_id");
	const char *case_id = jstr(c, "case_id");
	if (!json_is_object(c) || !site || strcmp(site, h->site_id) != 0 ||
	    !case_id || known_case(h, case_id))
		goto out;
	/* Read into a scratch arena first: a case refused halfway leaves
	 * nothing behind. */
	ap_arena scratch;
	ap_arena_init(&scratch);
	hist_diag d;
	if (read_case(&scratch, c, &d) == 0) {
		ap_arena_free(&scratch);
		read_case(&h->arena, c, &d);
		insert_diag(h, &d);
		make_pairs(h);
		rc = AP_OK;
	} else {
		ap_arena_free(&scratch);
	}
out:
	json_decref(c);
	return rc;
}

/* ---- the changes --------------------------------------------------------- */

static const hist_ind *find_ind(const hist_ind *v, size_t n, const char *ref)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].ref, ref) == 0)
			return &v[i];
	return NULL;
}

static hist_move move_of(const hist_ind *from, const hist_ind *to)
{
	hist_move m = {from ? from->ref : to->ref,
	               from != NULL,
	               to != NULL,
	               0,
	               0,
	               0,
	               0,
	               0};
	if (from) {
		m.from_level = from->level;
		m.from_value = from->value;
	}
	if (to) {
		m.to_level = to->level;
		m.to_value = to->value;
	}
	m.contribution_delta = jround((to ? to->contribution : 0) -
	                                  (from ? from->contribution : 0),
	                              2) +
	                       0.0;
	return m;
}

/* The indicators that moved (level or value changed, appeared or
 * disappeared): the earlier's in its order, then the new ones. */
static size_t moved(ap_arena *a, const hist_ind *x, size_t nx,
                    const hist_ind *y, size_t ny, hist_move **out)
{
	hist_move *v = ap_arena_alloc(a, (nx + ny + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < nx; i++) {
		const hist_ind *to = find_ind(y, ny, x[i].ref);
		if (!to || to->level != x[i].level || to->value != x[i].value)
			v[n++] = move_of(&x[i], to);
	}
	for (size_t i = 0; i < ny; i++)
		if (!find_ind(x, nx, y[i].ref))
			v[n++] = move_of(NULL, &y[i]);
	*out = v;
	return n;
}

static ap_history_change compare(const ap_history *h, const ap_history_theme *x,
                                 const ap_history_theme *y)
{
	ap_history_change c = {x->theme, AP_HISTORY_NO_CLEAR_CHANGE, 0,
	                       AP_HISTORY_BAND_SAME, 0};
	c.verdict = ap_history_rule(x->need, x->need_low, x->need_high, y->need,
	                            y->need_low, y->need_high, h->opt.margin);
	c.delta = jround(y->need - x->need, 2) + 0.0; /* never -0 */
	if (y->band < x->band)
		c.band_change = AP_HISTORY_BAND_BETTER;
	else if (y->band > x->band)
		c.band_change = AP_HISTORY_BAND_WORSE;
	return c;
}

/* Theme ti of `d`, or NULL past its end. */
static const ap_history_theme *theme_at(const hist_diag *d, size_t ti)
{
	return ti < d->pub.n_themes ? &d->themes[ti] : NULL;
}

static void make_pair(ap_history *h, const hist_diag *x, const hist_diag *y,
                      hist_pair *p)
{
	ap_arena *a = &h->pair_arena;
	size_t cap = x->pub.n_themes + y->pub.n_themes + 1;
	p->changes = ap_arena_alloc(a, cap * sizeof(*p->changes));
	p->moves = ap_arena_alloc(a, cap * sizeof(*p->moves));
	p->n = 0;
	size_t i = 0, k = 0;
	while (i < x->pub.n_themes || k < y->pub.n_themes) {
		const ap_history_theme *tx = theme_at(x, i),
		                       *ty = theme_at(y, k);
		int c = !tx ? 1 : !ty ? -1 : strcmp(tx->theme, ty->theme);
		ap_history_change ch = {c <= 0 ? tx->theme : ty->theme,
		                        AP_HISTORY_NOT_COMPARABLE, 0,
		                        AP_HISTORY_BAND_NONE, 0};
		p->moves[p->n] = NULL;
		if (c == 0) {
			ch = compare(h, tx, ty);
			ch.n_moved =
			    moved(a, x->inds[i], x->n_inds[i], y->inds[k],
			          y->n_inds[k], &p->moves[p->n]);
		}
		p->changes[p->n++] = ch;
		i += c <= 0;
		k += c >= 0;
	}
}

static void make_pairs(ap_history *h)
{
	ap_arena_free(&h->pair_arena);
	ap_arena_init(&h->pair_arena);
	h->pairs = NULL;
	if (h->n_diags < 2)
		return;
	h->pairs = ap_arena_alloc(&h->pair_arena,
	                          (h->n_diags - 1) * sizeof(*h->pairs));
	for (size_t i = 0; i + 1 < h->n_diags; i++)
		make_pair(h, &h->diags[i], &h->diags[i + 1], &h->pairs[i]);
}

/* ---- missions ------------------------------------------------------------ */

static int status_ok(const char *s)
{
	static const char *const names[] = {"planned", "confirmed", "held",
	                                    "cancelled"};
	for (size_t i = 0; s && i < AP_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

static int mission_cmp(const hist_mission *x, const hist_mission *y)
{
	int c = strcmp(x->m.first, y->m.first);
	return c ? c : strcmp(x->m.mission_id, y->m.mission_id);
}

int ap_history_add_mission(ap_history *h, const ap_history_mission *m)
{
	ap_date a, b;
	if (!m || !m->mission_id || !*m->mission_id || !status_ok(m->status) ||
	    !m->first || !m->last || ap_date_parse(m->first, &a) != 0 ||
	    ap_date_parse(m->last, &b) != 0 || ap_date_cmp(a, b) > 0)
		return AP_EINVALID;
	if (h->n_missions == h->cap_missions) {
		h->cap_missions = h->cap_missions ? 2 * h->cap_missions : 8;
		h->missions = ap_xrealloc(
		    h->missions, h->cap_missions * sizeof(*h->missions));
	}
	ap_arena *ar = &h->arena;
	hist_mission x = {
	    {ap_arena_strdup(ar, m->mission_id), dup_or_null(ar, m->firm),
	     ap_arena_strdup(ar, m->status), ap_arena_strdup(ar, m->first),
	     ap_arena_strdup(ar, m->last)},
	    strcmp(m->status, "held") == 0};
	size_t at = h->n_missions;
	while (at > 0 && mission_cmp(&h->missions[at - 1], &x) > 0)
		at--;
	memmove(&h->missions[at + 1], &h->missions[at],
	        (h->n_missions - at) * sizeof(*h->missions));
	h->missions[at] = x;
	h->n_missions++;
	return AP_OK;
}

int hist_between(const ap_history *h, size_t i, const hist_mission *m)
{
	return m->held && strcmp(m->m.first, h->diags[i].pub.diagnosed) > 0 &&
	       strcmp(m->m.last, h->diags[i + 1].pub.diagnosed) <= 0;
}

/* ---- accessors ----------------------------------------------------------- */

const char *ap_history_site_id(const ap_history *h)
{
	return h->site_id;
}

const char *ap_history_site_name(const ap_history *h)
{
	return h->n_diags ? h->diags[h->n_diags - 1].site_name : NULL;
}

size_t ap_history_count(const ap_history *h)
{
	return h->n_diags;
}

const ap_history_diagnostic *ap_history_at(const ap_history *h, size_t i)
{
	return i < h->n_diags ? &h->diags[i].pub : NULL;
}

const ap_history_change *ap_history_changes(const ap_history *h, size_t i,
                                            size_t *n)
{
	*n = 0;
	if (i + 1 >= h->n_diags)
		return NULL;
	*n = h->pairs[i].n;
	return h->pairs[i].changes;
}

size_t ap_history_missions_between(const ap_history *h, size_t i)
{
	size_t n = 0;
	for (size_t k = 0; i + 1 < h->n_diags && k < h->n_missions; k++)
		n += (size_t)hist_between(h, i, &h->missions[k]);
	return n;
}

int ap_history_add_stored(ap_history *h, const ap_store_mission *m)
{
	int held = m->status == AP_MISSION_HELD && m->held_first;
	ap_history_mission hm = {m->mission_id, m->firm,
	                         ap_mission_status_name(m->status),
	                         held ? m->held_first : m->first_day,
	                         held ? m->held_last : m->last_day};
	return ap_history_add_mission(h, &hm);
}
