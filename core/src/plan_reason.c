/*
 * Why: why a site is not planned (no option at all, or the budget or the
 * firms stopped it) and why a mission went to its firm. The words a
 * coordinator reads in the plan's unplanned rows and `why` fields.
 */
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

/* The reason of site i, which had options but is not in `plan`: what
 * stopped it is the budget or the firms. */
void plan_unplanned_reason(const planner *p, const ap_plan *plan, size_t i,
                           ap_unplanned *u)
{
	const ap_campaign *c = p->c;
	int dmin = p->min_days[i];
	double cheapest = -1;
	int room = 0;
	for (size_t j = p->site_first_opt[i];
	     j < p->site_first_opt[i] + p->site_n_opts[i]; j++) {
		const plan_option *o = &p->opts[j];
		double cost = o->days * c->firms[o->firm].daily_rate;
		if (cheapest < 0 || cost < cheapest)
			cheapest = cost;
		room |=
		    plan->firm_days[o->firm] + o->days <= p->capacity[o->firm];
	}
	if (c->has_budget_days && plan->total_days + dmin > c->budget_days) {
		u->reason = AP_UNPLANNED_BUDGET;
		u->detail = ap_xasprintf(
		    "needs %d days; %d of the %d budget "
		    "days are left",
		    dmin, c->budget_days - plan->total_days, c->budget_days);
	} else if (c->has_budget_euros &&
	           plan->total_euros + cheapest > c->budget_euros + 1e-6) {
		u->reason = AP_UNPLANNED_BUDGET;
		u->detail =
		    ap_xasprintf("costs at least %.2f EUR; %.2f EUR of "
		                 "the budget are left",
		                 cheapest, c->budget_euros - plan->total_euros);
	} else if (!room) {
		u->reason = AP_UNPLANNED_CAPACITY;
		u->detail = ap_xstrdup("every eligible firm is fully booked");
	} else {
		u->reason = AP_UNPLANNED_CAPACITY;
		u->detail = ap_xstrdup("the eligible firms' calendars are full "
		                       "in its window");
	}
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
	ap_buf_printf(&b, ", covers its themes, %.2f EUR/day",
	              firm->daily_rate);
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
		const char *why;
		if (plan->firm_days[q->firm] + q->days > p->capacity[q->firm])
			why = "was fully booked";
		else if (p->c->has_budget_euros &&
		         plan->total_euros - o->days * firm->daily_rate +
		                 q->days * other->daily_rate >
		             p->c->budget_euros + 1e-6)
			why = "would exceed the euro budget";
		else
			why =
			    "had no room in its calendar in the site's window";
		ap_buf_printf(
		    &b, "%s %s (%.2f EUR/day, %s) %s",
		    better ? ";" : "; preferred", other->id, other->daily_rate,
		    plan_firm_region_match(other, s->region) ? "in region"
		                                             : "every region",
		    why);
		better++;
	}
	if (!better && others)
		ap_buf_printf(&b, "; the preferred of %zu eligible firms",
		              others + 1);
	else if (!better)
		ap_buf_puts(&b, "; the only eligible firm");
	return b.data;
}
