/*
 * Calendar placement: each firm's chosen missions on its working days, as
 * blocks or earliest deadline first; and, when a firm's missions do not
 * fit, what the model learns from it (an interval capacity, or missions
 * split by start day), so that it is exact for every plan it can give.
 */
#include <stdlib.h>
#include <string.h>

#include "plan_impl.h"

typedef struct job {
	size_t opt;
	ap_day release, deadline;
	int need, done;
	ap_day started;
} job;

/* The firm's working days within [from, to]: indices into avail[f]. */
void plan_avail_range(const planner *p, size_t f, ap_day from, ap_day to,
                      size_t *lo, size_t *hi)
{
	const ap_day *a = p->avail[f];
	size_t n = p->n_avail[f], l = 0, h = n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (a[m] < from)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (a[m] <= to)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

static int by_deadline(const void *a, const void *b)
{
	const job *x = a, *y = b;
	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	if (x->release != y->release)
		return x->release < y->release ? -1 : 1;
	return x->opt < y->opt ? -1 : x->opt > y->opt;
}

/*
 * Places a firm's missions on its working days. First as blocks, one
 * mission after the other in order of deadline (what a firm prefers: a
 * mission's days together); when that fails, day by day, earliest deadline
 * first, which fits every set of windows that can be fitted at all (for
 * days of one unit each, EDF is exact). A mission's span is kept within
 * max_span_days by tightening its deadline once it starts. Returns 0 and
 * the dates, or -1 when the set does not fit.
 */
static int schedule_firm(const planner *p, size_t f, job *jobs, size_t n,
                         ap_day **dates)
{
	const ap_day *a = p->avail[f];
	size_t na = p->n_avail[f];
	long span = p->c->max_span_days;

	/* Blocks; `jobs` come sorted by deadline. */
	size_t cursor = 0;
	int ok = 1;
	for (size_t k = 0; k < n && ok; k++) {
		size_t lo, hi;
		plan_avail_range(p, f, jobs[k].release, jobs[k].deadline, &lo,
		                 &hi);
		if (lo < cursor)
			lo = cursor;
		if (hi < lo || hi - lo < (size_t)jobs[k].need ||
		    a[lo + (size_t)jobs[k].need - 1] - a[lo] >= span) {
			ok = 0;
			break;
		}
		for (int m = 0; m < jobs[k].need; m++)
			dates[k][m] = a[lo + (size_t)m];
		cursor = lo + (size_t)jobs[k].need;
	}
	if (ok)
		return 0;

	/* Earliest deadline first, day by day. */
	for (size_t k = 0; k < n; k++)
		jobs[k].done = 0;
	for (size_t t = 0; t < na; t++) {
		ap_day day = a[t];
		size_t pick = n;
		for (size_t k = 0; k < n; k++) {
			job *j = &jobs[k];
			if (j->done == j->need || j->release > day)
				continue;
			ap_day dl = j->deadline;
			if (j->done && j->started + span - 1 < dl)
				dl = j->started + span - 1;
			if (dl < day)
				return -1; /* missed */
			if (pick == n)
				pick = k;
			else {
				ap_day pdl = jobs[pick].deadline;
				if (jobs[pick].done &&
				    jobs[pick].started + span - 1 < pdl)
					pdl = jobs[pick].started + span - 1;
				if (dl < pdl)
					pick = k;
			}
		}
		if (pick == n)
			continue;
		job *j = &jobs[pick];
		if (!j->done)
			j->started = day;
		dates[pick][j->done++] = day;
	}
	for (size_t k = 0; k < n; k++)
		if (jobs[k].done < jobs[k].need)
			return -1;
	return 0;
}

/* The jobs of firm f's missions in `s`, by deadline; *n of them. */
static job *firm_jobs(const planner *p, const plan_sol *s, size_t f, size_t *n)
{
	size_t count = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		count += s->on[j] && p->opts[j].firm == f;
	*n = count;
	if (!count)
		return NULL;
	job *jobs = ap_xcalloc(count, sizeof(*jobs));
	size_t k = 0;
	for (size_t j = 0; j < p->n_opts; j++) {
		if (!s->on[j] || p->opts[j].firm != f)
			continue;
		jobs[k++] =
		    (job){j, s->from[j], s->to[j], p->opts[j].days, 0, 0};
	}
	qsort(jobs, count, sizeof(*jobs), by_deadline);
	return jobs;
}

static ap_day **new_slots(const job *jobs, size_t n)
{
	ap_day **slots = ap_xcalloc(n ? n : 1, sizeof(*slots));
	for (size_t k = 0; k < n; k++)
		slots[k] = ap_xcalloc((size_t)jobs[k].need, sizeof(ap_day));
	return slots;
}

static void free_slots(ap_day **slots, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(slots[k]);
	free(slots);
}

int plan_firm_fits(const planner *p, const plan_sol *s, size_t f)
{
	size_t n;
	job *jobs = firm_jobs(p, s, f, &n);
	ap_day **slots = new_slots(jobs, n);
	int fits = schedule_firm(p, f, jobs, n, slots) == 0;
	free_slots(slots, n);
	free(jobs);
	return fits;
}

/*
 * Hall's condition for firm f's jobs, each of which needs its days inside
 * [release, deadline]: every interval of days holds at least the days of
 * the jobs that must fall inside it. Intervals on a line: checking those
 * from a release to a deadline is enough, and when every job's interval is
 * within one span (the span then binds nothing), the condition holding
 * means that the jobs fit (earliest deadline first places them). Returns
 * the most exceeded interval in *out and 1, or 0 when none is.
 */
static int exceeded_interval(const planner *p, size_t f, const job *jobs,
                             size_t n, plan_ival *out)
{
	long worst = 0;
	for (size_t a = 0; a < n; a++) {
		for (size_t b = 0; b < n; b++) {
			ap_day u = jobs[a].release, v = jobs[b].deadline;
			if (u > v)
				continue;
			long need = 0;
			for (size_t k = 0; k < n; k++)
				if (jobs[k].release >= u &&
				    jobs[k].deadline <= v)
					need += jobs[k].need;
			size_t lo, hi;
			plan_avail_range(p, f, u, v, &lo, &hi);
			long over = need - (long)(hi - lo);
			if (over > worst) {
				worst = over;
				*out = (plan_ival){f, u, v, (int)(hi - lo)};
			}
		}
	}
	return worst > 0;
}

static void add_ival(planner *p, const plan_ival *iv)
{
	if (p->n_ivals == p->cap_ivals) {
		p->cap_ivals = p->cap_ivals ? p->cap_ivals * 2 : 16;
		p->ivals =
		    ap_xrealloc(p->ivals, p->cap_ivals * sizeof(*p->ivals));
	}
	p->ivals[p->n_ivals++] = *iv;
}

/* Firm f's missions do not fit: an interval they exceed becomes a row; when
 * none is exceeded, those whose window is longer than a span are split (the
 * span is what the windows alone do not hold). Returns 1 when the model
 * learnt something, 0 when it could not (never expected). */
static int learn(planner *p, size_t f, const job *jobs, size_t n)
{
	plan_ival iv;
	if (exceeded_interval(p, f, jobs, n, &iv)) {
		add_ival(p, &iv);
		return 1;
	}
	int split = 0;
	for (size_t k = 0; k < n; k++) {
		size_t j = jobs[k].opt;
		if (!p->split[j] &&
		    jobs[k].deadline - jobs[k].release >= p->c->max_span_days) {
			p->split[j] = 1;
			split = 1;
		}
	}
	if (split)
		plan_build_columns(p);
	return split;
}

size_t plan_place_all(planner *p, plan_sol *s)
{
	size_t nf = p->c->n_firms, bad = 0;
	for (size_t f = 0; f < nf; f++) {
		size_t n;
		job *jobs = firm_jobs(p, s, f, &n);
		if (!n)
			continue;
		ap_day **slots = new_slots(jobs, n);
		if (schedule_firm(p, f, jobs, n, slots) == 0) {
			for (size_t k = 0; k < n; k++) {
				free(s->dates[jobs[k].opt]);
				s->dates[jobs[k].opt] = slots[k];
				slots[k] = NULL;
			}
		} else {
			learn(p, f, jobs, n);
			bad++;
		}
		free_slots(slots, n);
		free(jobs);
	}
	return bad;
}
