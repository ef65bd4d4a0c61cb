/*
 * Why: why a site is not planned (no option at all, or the budget or the
 * firms stopped it) and why a mission went to its firm. The words a
 * coordinator reads in the plan's unplanned rows and `why` fields.
 */
#include <stdint.h>
#include <stdlib.h>

#include "plan_impl.h"

static char *themes_text(const ap_plan_site *s)
{
	ap_buf b;
	ap_buf_init(&b);
	for (size_t i = 0; i < s->n_themes; i++)
		ap_buf_printf(&b, "%s%s", i ? "+" : "", s->themes[i]);
	if (!b.data)
		ap_buf_puts(&b, "-");
	return b.data;
}

/* The reason of site i, which has no option: no firm, too short a window,
 * or firms without the capacity; from [from, to], its window. */
void plan_no_option_reason(planner *p, size_t i, const plan_shortfall *sf,
                           ap_day from, ap_day to)
{
	const ap_plan_site *s = &p->in->sites[i];
	int eligible = sf->eligible, best_days = sf->best_days;
	int short_window = sf->short_window;
	int short_capacity = sf->short_capacity;
	char *themes = themes_text(s);
	if (!eligible) {
		p->reason[i] = AP_UNPLANNED_NO_FIRM;
		p->detail[i] =
		    ap_xasprintf("no firm covers %s in %s", themes,
		                 s->region ? s->region : "its region");
	} else if (short_capacity && !short_window) {
		p->reason[i] = AP_UNPLANNED_CAPACITY;
		p->detail[i] = ap_xasprintf("needs %d days; the eligible firms "
		                            "can take at most %d "
		                            "in the campaign",
		                            p->min_days[i], sf->best_capacity);
	} else {
		char a[11], b[11];
		ap_date_format(ap_date_from_day(from), a);
		ap_date_format(ap_date_from_day(to), b);
		p->reason[i] = AP_UNPLANNED_WINDOW;
		if (from > to)
			p->detail[i] =
			    ap_xstrdup("its request window is outside the "
			               "campaign window");
		else if (short_capacity)
			p->detail[i] = ap_xasprintf(
			    "needs %d working days between %s and %s; "
			    "%d eligible firm%s at most %d there, "
			    "%d cannot take %d days in the campaign",
			    p->min_days[i], a, b, short_window,
			    short_window > 1 ? "s have" : " has", best_days,
			    short_capacity, p->min_days[i]);
		else
			p->detail[i] = ap_xasprintf(
			    "needs %d working days between %s and %s; "
			    "the %d eligible firm%s at most %d",
			    p->min_days[i], a, b, eligible,
			    eligible > 1 ? "s have" : " has", best_days);
	}
	free(themes);
}

/*
 * Firm f against the final bookings, for a mission of `days` days in
 * [from, to]: its working days there, the most of them that no mission of
 * the plan books within one span, and the days its capacity has left.
 */
typedef struct firm_room {
	int working, free_in_span, capacity_left;
} firm_room;

/* Marks in `out` (one byte a day of [from, to]) the days the plan books
 * firm f: each mission's dates once, not a scan of them per day. */
static void mark_booked_days(const ap_plan *plan, size_t f, ap_day from,
                             ap_day to, unsigned char *out)
{
	for (size_t m = 0; m < plan->n_missions; m++) {
		const ap_planned *x = &plan->missions[m];
		if (x->firm != f)
			continue;
		for (int k = 0; k < x->days; k++)
			if (x->dates[k] >= from && x->dates[k] <= to)
				out[x->dates[k] - from] = 1;
	}
}

static firm_room room_of(const planner *p, const ap_plan *plan, size_t f,
                         ap_day from, ap_day to)
{
	size_t lo, hi;
	plan_avail_range(p, f, from, to, &lo, &hi);
	firm_room r = {(int)(hi - lo), 0, p->capacity[f] - plan->firm_days[f]};
	const ap_day *a = p->avail[f];
	ap_day *free_days =
	    ap_xmalloc((hi - lo ? hi - lo : 1) * sizeof(ap_day));
	unsigned char *booked =
	    ap_xcalloc(to >= from ? (size_t)(to - from + 1) : 1, 1);
	mark_booked_days(plan, f, from, to, booked);
	size_t n = 0;
	for (size_t k = lo; k < hi; k++)
		if (!booked[a[k] - from])
			free_days[n++] = a[k];
	free(booked);
	long span = p->c->max_span_days;
	for (size_t i = 0, j = 0; i < n; i++) {
		while (j < n && free_days[j] - free_days[i] < span)
			j++;
		if ((int)(j - i) > r.free_in_span)
			r.free_in_span = (int)(j - i);
	}
	free(free_days);
	return r;
}

/* "FIRM-A has 0 working days in the window" and the like: what stops firm
 * f, checked against the final bookings; NULL when nothing does. */
static char *firm_stop(const planner *p, const ap_plan *plan, size_t f,
                       int days, ap_day from, ap_day to)
{
	const ap_firm *firm = &p->c->firms[f];
	firm_room r = room_of(p, plan, f, from, to);
	if (r.capacity_left < days) {
		return ap_xasprintf("%s has %d of its %d days booked", firm->id,
		                    plan->firm_days[f], p->capacity[f]);
	}
	if (r.working < days)
		return ap_xasprintf("%s has %d working day%s in the window "
		                    "(days off, holidays)",
		                    firm->id, r.working,
		                    r.working == 1 ? "" : "s");
	if (r.free_in_span < days)
		return ap_xasprintf("%s has at most %d free day%s within one "
		                    "span in the window, its other missions "
		                    "booking the rest",
		                    firm->id, r.free_in_span,
		                    r.free_in_span == 1 ? "" : "s");
	return NULL;
}

/* The reason of site i, which had options but is not in `plan`: what
 * stopped it is the budget or each eligible firm, against the final
 * bookings. */
void plan_unplanned_reason(const planner *p, const ap_plan *plan, size_t i,
                           ap_unplanned *u)
{
	const ap_campaign *c = p->c;
	int dmin = p->min_days[i];
	double cheapest = -1;
	for (size_t j = p->site_first_opt[i];
	     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
		const plan_option *o = &p->opts[j];
		double cost = o->days * c->firms[o->firm].daily_rate;
		if (cheapest < 0 || cost < cheapest)
			cheapest = cost;
	}
	if (c->max_missions_per_org > 0) {
		const char *org = p->in->sites[i].organisation_id;
		int n = 0;
		for (size_t m = 0; m < plan->n_missions; m++)
			n += p->org_of[plan->missions[m].site] == p->org_of[i];
		if (n >= c->max_missions_per_org) {
			u->reason = AP_UNPLANNED_FAIRNESS;
			u->detail = ap_xasprintf(
			    "%s already has %d mission%s, the campaign's most "
			    "for one organisation",
			    org ? org : "its organisation", n,
			    n == 1 ? "" : "s");
			return;
		}
	}
	if (c->has_budget_days && plan->total_days + dmin > c->budget_days) {
		u->reason = AP_UNPLANNED_BUDGET;
		u->detail = ap_xasprintf(
		    "needs %d days; %d of the %d budget "
		    "days are left",
		    dmin, c->budget_days - plan->total_days, c->budget_days);
		return;
	}
	if (c->has_budget_euros &&
	    plan->total_euros + cheapest > c->budget_euros + 1e-6) {
		u->reason = AP_UNPLANNED_BUDGET;
		u->detail =
		    ap_xasprintf("costs at least %.2f EUR; %.2f EUR of "
		                 "the budget are left",
		                 cheapest, c->budget_euros - plan->total_euros);
		return;
	}
	/* Every eligible firm, with or without an option. */
	const ap_plan_site *s = &p->in->sites[i];
	ap_buf b;
	ap_buf_init(&b);
	char wa[11], wb[11];
	ap_date_format(ap_date_from_day(p->win_first[i]), wa);
	ap_date_format(ap_date_from_day(p->win_last[i]), wb);
	ap_buf_printf(&b, "needs %d days between %s and %s:", dmin, wa, wb);
	int open = 0;
	for (size_t f = 0; f < c->n_firms; f++) {
		int ok = ap_firm_serves(&c->firms[f], s->region);
		for (size_t t = 0; ok && t < s->n_themes; t++)
			ok = ap_firm_covers(&c->firms[f], s->themes[t]);
		if (!ok)
			continue;
		char *why = firm_stop(p, plan, f, dmin, p->win_first[i],
		                      p->win_last[i]);
		if (why)
			ap_buf_printf(&b, "%s %s", open ? ";" : "", why);
		else
			ap_buf_printf(&b,
			              "%s %s has room, but the search stopped "
			              "before it found this plan",
			              open ? ";" : "", c->firms[f].id);
		open = 1;
		free(why);
	}
	u->reason = AP_UNPLANNED_CAPACITY;
	u->detail = b.data;
}

/* Why this firm: the preference order, and why better-ranked firms were not
 * used. */
char *plan_explain_firm(const planner *p, const ap_plan *plan, size_t opt)
{
	const plan_option *o = &p->opts[opt];
	const ap_plan_site *s = &p->in->sites[o->site];
	const ap_firm *firm = &p->c->firms[o->firm];
	ap_buf b;
	ap_buf_init(&b);
	if (plan_firm_region_match(firm, s->region))
		ap_buf_printf(&b, "%s works in %s, the site's region", firm->id,
		              s->region);
	else
		ap_buf_printf(&b, "%s works in every region", firm->id);
	if (o->themes) {
		/* A mission on part of the site's themes: say which. */
		ap_buf_puts(&b, ", covers ");
		for (size_t t = 0, n = 0; t < s->n_themes; t++)
			if (o->themes & (1u << t))
				ap_buf_printf(&b, "%s%s", n++ ? "+" : "",
				              s->themes[t]);
		ap_buf_puts(&b, " of its themes (partial: no firm covers "
		                "them all; not planned:");
		for (size_t t = 0; t < s->n_themes; t++)
			if (!(o->themes & (1u << t)))
				ap_buf_printf(&b, " %s", s->themes[t]);
		ap_buf_printf(&b, "), %.2f EUR/day", firm->daily_rate);
	} else {
		ap_buf_printf(&b, ", covers its themes, %.2f EUR/day",
		              firm->daily_rate);
	}
	size_t first = p->site_first_opt[o->site], n = p->site_n_opts[o->site];
	size_t better = 0, others = 0;
	for (size_t j = first; j < first + n; j++) {
		const plan_option *q = &p->opts[j];
		if (q->days != o->days || q->firm == o->firm)
			continue;
		others++;
		if (q->pref >= o->pref)
			continue;
		const ap_firm *other = &p->c->firms[q->firm];
		char *stop =
		    firm_stop(p, plan, q->firm, q->days, p->win_first[o->site],
		              p->win_last[o->site]);
		const char *why = stop;
		if (!why && p->c->has_budget_euros &&
		    plan->total_euros - o->days * firm->daily_rate +
		            q->days * other->daily_rate >
		        p->c->budget_euros + 1e-6)
			why = "it would exceed the euro budget";
		else if (!why)
			why = "its free days do not fit this mission without "
			      "moving its other missions";
		ap_buf_printf(
		    &b, "%s %s (%.2f EUR/day, %s): %s",
		    better ? ";" : "; preferred", other->id, other->daily_rate,
		    plan_firm_region_match(other, s->region) ? "in region"
		                                             : "every region",
		    why);
		free(stop);
		better++;
	}
	if (!better && others)
		ap_buf_printf(&b, "; the preferred of %zu eligible firms",
		              others + 1);
	else if (!better)
		ap_buf_puts(&b, "; the only eligible firm");
	return b.data;
}

/* ---- what it would take ---------------------------------------------- */

/* The themes of site i that firm f does not cover, "+"-joined; NULL when
 * it covers them all. */
static char *missing_themes(const ap_firm *f, const ap_plan_site *s)
{
	ap_buf b;
	ap_buf_init(&b);
	for (size_t t = 0; t < s->n_themes; t++)
		if (!ap_firm_covers(f, s->themes[t]))
			ap_buf_printf(&b, "%s%s", b.len ? "+" : "",
			              s->themes[t]);
	return b.data;
}

/* No firm covers the site's themes in its region: the firm in the region
 * (or everywhere) that misses the fewest themes, and those themes. */
static char *would_take_theme(const planner *p, size_t i)
{
	const ap_plan_site *s = &p->in->sites[i];
	char *best = NULL;
	size_t best_n = SIZE_MAX, best_f = 0;
	for (size_t f = 0; f < p->c->n_firms; f++) {
		const ap_firm *firm = &p->c->firms[f];
		if (!ap_firm_serves(firm, s->region))
			continue;
		char *m = missing_themes(firm, s);
		size_t n = 1;
		for (const char *c = m; c && *c; c++)
			n += *c == '+';
		if (m && n < best_n) {
			free(best);
			best = m;
			best_n = n;
			best_f = f;
		} else {
			free(m);
		}
	}
	if (!best)
		return NULL;
	char *out =
	    ap_xasprintf("%s covering %s", p->c->firms[best_f].id, best);
	free(best);
	return out;
}

/* The changes that option (f, days) of site i needs to join the plan as it
 * is, into `b`; the number of changes, or -1 when its calendar has no room
 * (a change of numbers does not give it). */
static int option_needs(const planner *p, const ap_plan *plan, size_t i,
                        size_t f, int days, ap_buf *b)
{
	const ap_campaign *c = p->c;
	const ap_firm *firm = &c->firms[f];
	firm_room r = room_of(p, plan, f, p->win_first[i], p->win_last[i]);
	if (r.free_in_span < days)
		return -1;
	int n = 0;
	double cost = days * firm->daily_rate;
	int more_days = plan->total_days + days - c->budget_days;
	double more_euros = plan->total_euros + cost - c->budget_euros;
	if (c->has_budget_days && more_days > 0)
		ap_buf_printf(b, "%s%d more budget day%s", n++ ? " and " : "",
		              more_days, more_days == 1 ? "" : "s");
	if (c->has_budget_euros && more_euros > 1e-6)
		ap_buf_printf(b, "%s%.2f more budget euros", n++ ? " and " : "",
		              more_euros);
	if (r.capacity_left < days)
		ap_buf_printf(b, "%s%s's capacity raised by %d day%s",
		              n++ ? " and " : "", firm->id,
		              days - r.capacity_left,
		              days - r.capacity_left == 1 ? "" : "s");
	ap_buf_printf(b, " (a %d-day mission with %s)", days, firm->id);
	return n;
}

char *plan_would_take(const planner *p, const ap_plan *plan, size_t i)
{
	if (p->reason[i] == AP_UNPLANNED_BELOW_THRESHOLD && !p->site_n_opts[i])
		return NULL;
	if (p->reason[i] == AP_UNPLANNED_NO_FIRM && !p->site_n_opts[i])
		return would_take_theme(p, i);
	/* The option needing the fewest changes, then the one listed first
	 * (more days, preferred firm): each against the final bookings. */
	char *best = NULL;
	int best_n = -1;
	for (size_t j = p->site_first_opt[i];
	     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
		ap_buf b;
		ap_buf_init(&b);
		int n = option_needs(p, plan, i, p->opts[j].firm,
		                     p->opts[j].days, &b);
		if (n >= 0 && (best_n < 0 || n < best_n)) {
			free(best);
			best = b.data;
			best_n = n;
		} else {
			ap_buf_free(&b);
		}
	}
	if (best_n == 0) {
		free(best);
		best = ap_xstrdup("nothing: it fits the plan as it stands, "
		                  "which the search did not prove optimal");
	}
	return best;
}
