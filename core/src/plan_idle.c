/*
 * Idle capacity: the firms a plan leaves with days, and why no more site
 * went to them. A coordinator who sees a firm with 24 days left and sites
 * not planned asks why the one was not given the other; the answer is
 * usually that the firm cannot take them (themes, region, calendar), and
 * the plan should say so rather than leave it to be worked out by hand.
 *
 * Computed from the plan's inputs alone (the campaign, the sites, the
 * missions), not from the planner's working state, so that it holds for
 * any plan, however it was made, and says the same for the same plan. Each
 * candidate site is counted once per firm, under the first reason that
 * stops the firm from taking it, in the order of ap_idle_reason: what the
 * firm is (themes, regions), then its calendar and days as booked, then
 * the budget, then the choice between firms.
 */
#include <stdlib.h>
#include <string.h>

#include "appui/plan.h"
#include "util.h"

const char *ap_idle_reason_name(ap_idle_reason r)
{
	switch (r) {
	case AP_IDLE_THEME:
		return N_("theme not covered");
	case AP_IDLE_REGION:
		return N_("region not served");
	case AP_IDLE_WINDOW:
		return N_("no room in the window");
	case AP_IDLE_DAYS_LEFT:
		return N_("too few days left");
	case AP_IDLE_BUDGET:
		return N_("over budget");
	case AP_IDLE_PREFERRED:
		return N_("another firm preferred");
	case AP_IDLE_OTHER:
		return N_("not chosen");
	}
	return N_("unknown");
}

/* One firm's calendar as the plan leaves it. */
typedef struct free_days {
	ap_day *day; /* its working days in the campaign not booked, in order */
	size_t n;
	size_t *run; /* run[i]: free days from day[i] within one span */
} free_days;

static int firm_booked(const ap_plan *p, size_t f)
{
	return p->firm_days ? p->firm_days[f] : 0;
}

/* Marks the days of firm f's missions in `booked` (one byte per day of the
 * campaign window). */
static void mark_booked(const ap_plan *p, size_t f, unsigned char *booked,
                        long span)
{
	const ap_campaign *c = p->campaign;
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_planned *m = &p->missions[i];
		if (m->firm != f || !m->dates)
			continue;
		for (int k = 0; k < m->days; k++) {
			long at = m->dates[k] - c->window_first;
			if (at >= 0 && at < span)
				booked[at] = 1;
		}
	}
}

static void free_days_of(const ap_plan *p, size_t f, free_days *out)
{
	const ap_campaign *c = p->campaign;
	long span = c->window_last - c->window_first + 1;
	if (span < 1)
		span = 1;
	unsigned char *booked = ap_xcalloc((size_t)span, 1);
	mark_booked(p, f, booked, span);
	out->day = ap_xcalloc((size_t)span, sizeof(*out->day));
	out->run = ap_xcalloc((size_t)span, sizeof(*out->run));
	out->n = 0;
	for (ap_day d = c->window_first; d <= c->window_last; d++)
		if (!booked[d - c->window_first] &&
		    ap_firm_available(c, &c->firms[f], d))
			out->day[out->n++] = d;
	long max_span = c->max_span_days > 0 ? c->max_span_days : 1;
	size_t j = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (j < i)
			j = i;
		while (j < out->n && out->day[j] - out->day[i] < max_span)
			j++;
		out->run[i] = j - i;
	}
	free(booked);
}

static void free_days_free(free_days *fd)
{
	free(fd->day);
	free(fd->run);
}

/* The first free day at or after `day`. */
static size_t first_at(const free_days *fd, ap_day day)
{
	size_t lo = 0, hi = fd->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fd->day[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 1 when `need` free days fit in [from, to] within one span. */
static int has_room(const free_days *fd, ap_day from, ap_day to, int need)
{
	if (need <= 0)
		return 1;
	size_t lo = first_at(fd, from), hi = first_at(fd, to + 1);
	for (size_t i = lo; i + (size_t)need <= hi; i++)
		if (fd->run[i] >= (size_t)need)
			return 1;
	return 0;
}

/* The site's window: its request window within the campaign's. */
static void site_window(const ap_campaign *c, const ap_plan_site *s,
                        ap_day *from, ap_day *to)
{
	*from = c->window_first;
	*to = c->window_last;
	if (s->has_window) {
		if (s->window_first > *from)
			*from = s->window_first;
		if (s->window_last < *to)
			*to = s->window_last;
	}
}

/* The fewest days an unplanned site's mission can have. */
static int fewest_days(const ap_campaign *c, const ap_plan_site *s)
{
	if (c->allow_shorter)
		return c->min_days;
	return s->days < c->min_days   ? c->min_days
	       : s->days > c->max_days ? c->max_days
	                               : s->days;
}

static int covers_all(const ap_firm *f, const ap_plan_site *s)
{
	for (size_t t = 0; t < s->n_themes; t++)
		if (!ap_firm_covers(f, s->themes[t]))
			return 0;
	return 1;
}

/* 1 when firm `a` comes before firm `b` for a site of `region`: a firm
 * naming the region before one serving everywhere, then the lower rate,
 * then the lower id (the planner's order, docs/planning.md). */
static int preferred(const ap_firm *a, const ap_firm *b, const char *region)
{
	int ra = 0, rb = 0;
	for (size_t i = 0; region && i < a->n_regions; i++)
		ra |= strcmp(a->regions[i], region) == 0;
	for (size_t i = 0; region && i < b->n_regions; i++)
		rb |= strcmp(b->regions[i], region) == 0;
	if (ra != rb)
		return ra;
	if (a->daily_rate != b->daily_rate)
		return a->daily_rate < b->daily_rate;
	return strcmp(a->id ? a->id : "", b->id ? b->id : "") < 0;
}

/* A candidate site for firm f: its mission's days and what it costs now
 * (0 when not planned), and the firm it has (NULL when not planned). */
typedef struct candidate {
	const ap_plan_site *site;
	int need;
	double cost_now;
	const ap_firm *firm_now;
} candidate;

static ap_idle_reason first_reason(const ap_plan *p, const ap_idle_firm *idle,
                                   const free_days *fd, const candidate *k)
{
	const ap_campaign *c = p->campaign;
	const ap_firm *f = &c->firms[idle->firm];
	const ap_plan_site *s = k->site;
	if (!covers_all(f, s))
		return AP_IDLE_THEME;
	if (!ap_firm_serves(f, s->region))
		return AP_IDLE_REGION;
	ap_day from, to;
	site_window(c, s, &from, &to);
	if (from > to || !has_room(fd, from, to, k->need))
		return AP_IDLE_WINDOW;
	if (k->need > idle->days_left)
		return AP_IDLE_DAYS_LEFT;
	int days = p->total_days + (k->firm_now ? 0 : k->need);
	double euros = p->total_euros - k->cost_now + k->need * f->daily_rate;
	if ((c->has_budget_days && days > c->budget_days) ||
	    (c->has_budget_euros && euros > c->budget_euros + 1e-6))
		return AP_IDLE_BUDGET;
	if (k->firm_now && preferred(k->firm_now, f, s->region))
		return AP_IDLE_PREFERRED;
	return AP_IDLE_OTHER;
}

/* Counts the sites firm idle->firm did not get, by first reason. */
static void count_reasons(const ap_plan *p, ap_idle_firm *idle)
{
	const ap_campaign *c = p->campaign;
	free_days fd;
	free_days_of(p, idle->firm, &fd);
	for (size_t i = 0; i < p->n_unplanned; i++) {
		const ap_unplanned *u = &p->unplanned[i];
		const ap_plan_site *s = ap_plan_input_at(p->input, u->site);
		if (u->reason == AP_UNPLANNED_BELOW_THRESHOLD || s->days <= 0)
			continue;
		candidate k = {s, fewest_days(c, s), 0, NULL};
		idle->unplanned[first_reason(p, idle, &fd, &k)]++;
		idle->n_unplanned++;
	}
	for (size_t i = 0; i < p->n_missions; i++) {
		const ap_planned *m = &p->missions[i];
		if (m->firm == idle->firm)
			continue;
		candidate k = {ap_plan_input_at(p->input, m->site), m->days,
		               m->cost, &c->firms[m->firm]};
		idle->elsewhere[first_reason(p, idle, &fd, &k)]++;
		idle->n_elsewhere++;
	}
	free_days_free(&fd);
}

int ap_plan_idle_of(ap_plan_idle **out, const ap_plan *p)
{
	if (!out)
		return AP_EUSAGE;
	*out = NULL;
	if (!p || !p->campaign || !p->input)
		return AP_EUSAGE;
	const ap_campaign *c = p->campaign;
	ap_plan_idle *idle = ap_xcalloc(1, sizeof(*idle));
	idle->firms = ap_xcalloc(c->n_firms + 1, sizeof(*idle->firms));
	for (size_t f = 0; f < c->n_firms; f++) {
		int left = c->firms[f].capacity - firm_booked(p, f);
		if (left <= 0)
			continue;
		ap_idle_firm *e = &idle->firms[idle->n_firms++];
		e->firm = f;
		e->days_left = left;
		count_reasons(p, e);
	}
	*out = idle;
	return AP_OK;
}

void ap_plan_idle_free(ap_plan_idle *idle)
{
	if (!idle)
		return;
	free(idle->firms);
	free(idle);
}
