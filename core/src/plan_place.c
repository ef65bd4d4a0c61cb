/*
 * Calendar placement: each firm's chosen missions on its working days, as
 * blocks or earliest deadline first, and the cut that forbids a set of
 * missions a firm cannot fit, so that the programs are solved again without
 * it.
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

static void add_cut(planner *p, const size_t *opts, size_t n)
{
	p->cuts = ap_xrealloc(p->cuts, (p->n_cuts + 1) * sizeof(*p->cuts));
	p->cut_len =
	    ap_xrealloc(p->cut_len, (p->n_cuts + 1) * sizeof(*p->cut_len));
	p->cuts[p->n_cuts] = ap_xmalloc(n * sizeof(size_t));
	memcpy(p->cuts[p->n_cuts], opts, n * sizeof(size_t));
	p->cut_len[p->n_cuts++] = n;
}

/* The jobs of firm f's chosen options, by deadline; *n of them. */
static job *firm_jobs(const planner *p, const unsigned char *chosen, size_t f,
                      size_t *n)
{
	size_t count = 0;
	for (size_t j = 0; j < p->n_opts; j++)
		count += chosen[j] && p->opts[j].firm == f;
	*n = count;
	if (!count)
		return NULL;
	job *jobs = ap_xcalloc(count, sizeof(*jobs));
	size_t k = 0;
	for (size_t j = 0; j < p->n_opts; j++) {
		if (!chosen[j] || p->opts[j].firm != f)
			continue;
		const plan_option *o = &p->opts[j];
		jobs[k++] = (job){
		    j, p->win_first[o->site], p->win_last[o->site], o->days, 0,
		    0};
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

/* Whether firm f's chosen options fit its calendar. */
int plan_firm_fits(const planner *p, const unsigned char *chosen, size_t f)
{
	size_t n;
	job *jobs = firm_jobs(p, chosen, f, &n);
	ap_day **slots = new_slots(jobs, n);
	int fits = schedule_firm(p, f, jobs, n, slots) == 0;
	for (size_t k = 0; k < n; k++)
		free(slots[k]);
	free(slots);
	free(jobs);
	return fits;
}

/*
 * Schedules every firm's chosen options. Returns the number of firms whose
 * set did not fit (a cut was added for each); fills `dates` otherwise.
 */
size_t plan_place_all(planner *p, const unsigned char *chosen, ap_day **dates)
{
	size_t nf = p->c->n_firms, bad = 0;
	for (size_t f = 0; f < nf; f++) {
		size_t n;
		job *jobs = firm_jobs(p, chosen, f, &n);
		if (!n)
			continue;
		ap_day **slots = new_slots(jobs, n);
		if (schedule_firm(p, f, jobs, n, slots) == 0) {
			for (size_t k = 0; k < n; k++) {
				free(dates[jobs[k].opt]);
				dates[jobs[k].opt] = slots[k];
			}
		} else {
			size_t *set = ap_xmalloc(n * sizeof(size_t));
			for (size_t k = 0; k < n; k++) {
				set[k] = jobs[k].opt;
				free(slots[k]);
			}
			add_cut(p, set, n);
			free(set);
			bad++;
		}
		free(slots);
		free(jobs);
	}
	return bad;
}
