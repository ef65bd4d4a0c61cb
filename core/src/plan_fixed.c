/*
 * Fixed missions: missions that must stay as they are (confirmed with the
 * firm, under way), given with ap_plan_options. Each is checked (its site
 * among the inputs, its firm in the campaign, its dates working days of
 * that firm in the campaign window, no firm day twice, the budget), then
 * taken out of what the planner shares: its days and euros from the
 * budget, its days from the firm's capacity, its dates from the firm's
 * calendar, its site from the sites to plan. The plan lists it as it was
 * given, marked fixed.
 */
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

static const char *where(const planner *p)
{
	return p->c->path ? p->c->path : "campaign";
}

static size_t firm_index(const ap_campaign *c, const char *id)
{
	for (size_t f = 0; f < c->n_firms; f++)
		if (id && strcmp(c->firms[f].id, id) == 0)
			return f;
	return SIZE_MAX;
}

static size_t site_index(const ap_plan_input *in, const char *id)
{
	for (size_t i = 0; i < in->n; i++)
		if (id && strcmp(in->sites[i].site_id, id) == 0)
			return i;
	return SIZE_MAX;
}

/* Whether firm f's day `day` is a working day of the campaign not yet
 * taken; takes it. */
static int take_day(planner *p, size_t f, ap_day day)
{
	size_t lo, hi;
	plan_avail_range(p, f, day, day, &lo, &hi);
	if (lo == hi)
		return 0;
	memmove(&p->avail[f][lo], &p->avail[f][lo + 1],
	        (p->n_avail[f] - lo - 1) * sizeof(ap_day));
	p->n_avail[f]--;
	return 1;
}

/* One fixed mission checked and taken out; 0, or -1 with the reason in
 * `d`. */
static int fix_one(planner *p, const ap_fixed_mission *m, ap_diags *d)
{
	const ap_campaign *c = p->c;
	size_t f = firm_index(c, m->firm_id), i = site_index(p->in, m->site_id);
	const char *site = m->site_id ? m->site_id : "?";
	if (i == SIZE_MAX) {
		ap_diags_add(d, AP_ERROR, where(p), 0, "fixed",
		             "fixed mission of site '%s': no case file of that "
		             "site is given",
		             site);
		return -1;
	}
	if (f == SIZE_MAX) {
		ap_diags_add(d, AP_ERROR, where(p), 0, "fixed",
		             "fixed mission of site '%s': no firm '%s' in the "
		             "campaign",
		             site, m->firm_id ? m->firm_id : "");
		return -1;
	}
	if (p->fixed_of[i] != SIZE_MAX || m->days < 1 || !m->dates) {
		ap_diags_add(d, AP_ERROR, where(p), 0, "fixed",
		             p->fixed_of[i] != SIZE_MAX
		                 ? "fixed mission of site '%s': the site has "
		                   "another fixed mission"
		                 : "fixed mission of site '%s': no dates",
		             site);
		return -1;
	}
	for (int k = 0; k < m->days; k++) {
		char day[11];
		ap_date_format(ap_date_from_day(m->dates[k]), day);
		if ((k && m->dates[k] <= m->dates[k - 1]) ||
		    !take_day(p, f, m->dates[k])) {
			ap_diags_add(d, AP_ERROR, where(p), 0, "fixed",
			             "fixed mission of site '%s': %s is not a "
			             "free working day of %s in the campaign",
			             site, day, c->firms[f].id);
			return -1;
		}
	}
	p->fixed_of[i] = (size_t)(m - p->fixed_missions);
	p->fixed_firm[p->fixed_of[i]] = f;
	p->capacity[f] -= m->days;
	p->eff.budget_days -= m->days;
	p->eff.budget_euros -= m->days * c->firms[f].daily_rate;
	return 0;
}

int plan_fix_missions(planner *p, const ap_fixed_mission *fixed, size_t n,
                      ap_diags *d)
{
	size_t ns = p->in->n;
	p->fixed_missions = fixed;
	p->n_fixed_missions = n;
	p->fixed_of = ap_xmalloc((ns ? ns : 1) * sizeof(size_t));
	for (size_t i = 0; i < ns; i++)
		p->fixed_of[i] = SIZE_MAX;
	p->fixed_firm = ap_xcalloc(n ? n : 1, sizeof(size_t));
	int rc = 0;
	for (size_t k = 0; k < n; k++)
		if (fix_one(p, &fixed[k], d) != 0)
			rc = -1;
	for (size_t f = 0; rc == 0 && f < p->c->n_firms; f++) {
		if (p->capacity[f] < 0) {
			ap_diags_add(d, AP_ERROR, where(p), 0, "fixed",
			             "the fixed missions of %s take more than "
			             "its capacity",
			             p->c->firms[f].id);
			rc = -1;
		}
	}
	if (rc == 0 &&
	    ((p->c->has_budget_days && p->eff.budget_days < 0) ||
	     (p->c->has_budget_euros && p->eff.budget_euros < -1e-6))) {
		ap_diags_add(d, AP_ERROR, where(p), 0, "fixed",
		             "the fixed missions take more than the budget");
		rc = -1;
	}
	return rc;
}

void plan_add_fixed(const planner *p, ap_plan *plan)
{
	const ap_campaign *c = p->c;
	size_t n = plan->n_missions + p->n_fixed_missions;
	double fixed_priority = 0;
	plan->missions =
	    ap_xrealloc(plan->missions, (n ? n : 1) * sizeof(*plan->missions));
	for (size_t i = 0; i < p->in->n; i++) {
		if (p->fixed_of[i] == SIZE_MAX)
			continue;
		const ap_fixed_mission *m = &p->fixed_missions[p->fixed_of[i]];
		size_t f = p->fixed_firm[p->fixed_of[i]];
		ap_planned *x = &plan->missions[plan->n_missions++];
		*x = (ap_planned){.site = i, .firm = f, .days = m->days};
		x->dates = ap_xmalloc((size_t)m->days * sizeof(ap_day));
		memcpy(x->dates, m->dates, (size_t)m->days * sizeof(ap_day));
		x->cost = m->days * c->firms[f].daily_rate;
		x->fixed = 1;
		x->priority = p->in->sites[i].priority;
		x->why = ap_xasprintf("fixed: kept as given with %s",
		                      c->firms[f].id);
		plan->priority_sum += p->in->sites[i].priority;
		fixed_priority += (double)plan_cents(p->in->sites[i].priority);
		plan->total_days += m->days;
		plan->total_euros += x->cost;
		plan->firm_days[f] += m->days;
		plan->firm_euros[f] += x->cost;
	}
	/* The bound was the planned part's: the fixed ones add to both. */
	plan->bound += fixed_priority / 100.0;
	if (!plan->optimal && plan->bound > 0)
		plan->gap = (plan->bound - plan->priority_sum) / plan->bound;
}
