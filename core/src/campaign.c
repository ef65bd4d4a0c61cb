/*
 * Campaign reader: a libconfig 1.5 file (configs/campaign.cfg ships an
 * example) turned into an ap_campaign. The format:
 *
 *   id = "USH-2019";                     # required
 *   name = "Appui solidaire 2019";       # optional, defaults to the id
 *   window = { start = "2019-09-02"; end = "2019-12-20"; };   # required
 *   budget = { days = 120; euros = 165000.0; };
 *       # required, at least one of the two: days a whole number > 0,
 *       # euros (excluding tax) a number > 0
 *   policy = {                           # optional, every member too:
 *     min_days = 3;                      #   1..60
 *     max_days = 6;                      #   1..60, >= min_days
 *     allow_shorter = false;             #   plan shorter than recommended
 *     max_span_weeks = 8;                #   1..52, first to last day
 *     min_priority = 0.0;                #   >= 0; 0 = no threshold
 *     max_missions_per_organisation = 0; #   fairness cap; 0 = none
 *     partial_themes = false;            #   a mission on the themes one
 *                                        #   firm covers, when none covers all
 *   };
 *   firms = (                            # required, at least one
 *     { id = "FIRM-ARGOS";               # required, unique
 *       name = "Argos Conseil";          # optional, defaults to the id
 *       themes = [ "quality", "urban" ]; # required, not empty
 *       regions = [ "Hauts-de-France" ]; # required, not empty; "*" = all
 *       daily_rate = 1150.0;             # required, euros excl. tax, > 0
 *       capacity = 30;                   # required, days in the window:
 *                                        #   0 (takes no mission this
 *                                        #   campaign) or >= min_days
 *       days_off = ( [ "2019-10-28", "2019-10-31" ] );  # optional,
 *                                        #   inclusive ranges
 *     }
 *   );
 *
 * Dates are YYYY-MM-DD. As in config.c, every member is looked up and its
 * type checked by hand (libconfig's lookups cannot tell a missing member
 * from a mistyped one), unknown keys are errors that list the known ones,
 * a whole number is accepted where a decimal is expected, and every problem
 * is collected as FILE:LINE: message before the load fails, so a user fixes
 * a file in one pass. A day-off range reaching outside the window is only a
 * warning: those days are never planned anyway.
 *
 * A loaded campaign can take what-if settings for one run (a budget, a
 * firm's capacity: ap_campaign_override()), checked by the same rules as
 * the file's and recorded with the file's values, so that every output can
 * say the plan is not the campaign's own.
 */
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/campaign.h"
#include "cfgread.h"
#include "util.h"

/* Amounts the planner computes with exactly (a cost is days times a rate,
 * summed over missions): far above any real campaign, far below where a
 * double loses the cent or a sum prints as inf. */
#define MAX_DAILY_RATE 100000.0 /* euros a day */
#define MAX_EUROS      1e12
#define MAX_DAYS       1000000 /* budget.days */
#define MAX_CAPACITY   100000  /* a firm's days in the window */

typedef struct loader {
	cfg_reader r; /* messages, the file, its folder, the error count */
	ap_campaign *c;
	const char *const *known; /* theme ids, or NULL: any theme */
	size_t n_known;
	int window_ok; /* window_first/last hold a valid window */
} loader;

/* An optional string, copied; NULL when absent or mistyped. */
static char *opt_string(loader *l, const config_setting_t *g, const char *name)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s || !cfgread_want_type(&l->r, s, CONFIG_TYPE_STRING))
		return NULL;
	return ap_xstrdup(config_setting_get_string(s));
}

/* A "YYYY-MM-DD" string setting. Returns 0 and the day, or -1 (reported). */
static int read_date(loader *l, const config_setting_t *s, ap_day *out)
{
	if (!cfgread_want_type(&l->r, s, CONFIG_TYPE_STRING))
		return -1;
	const char *str = config_setting_get_string(s);
	ap_date date;
	if (ap_date_parse(str, &date) != 0) {
		char *full = cfgread_setting_name(s);
		cfgread_error(
		    &l->r, s,
		    "'%s' = \"%s\" is not a date: YYYY-MM-DD, a real day "
		    "of a year from 1900 to 2200",
		    full, str);
		free(full);
		return -1;
	}
	*out = ap_day_from_date(date);
	return 0;
}

/* A firm's daily_rate: required, positive, at most MAX_DAILY_RATE. */
static void read_rate(loader *l, const config_setting_t *g, const char *who,
                      ap_firm *f)
{
	const config_setting_t *s;
	s = config_setting_get_member(g, "daily_rate");
	double rate;
	if (!s)
		cfgread_error(&l->r, g,
		              "%s has no 'daily_rate' (euros excluding tax)",
		              who);
	else if (cfgread_get_number(&l->r, s, &rate) == 0) {
		if (!(rate > 0) || !isfinite(rate))
			cfgread_error(&l->r, s,
			              "%s: daily_rate = %g must be positive",
			              who, rate);
		else if (rate > MAX_DAILY_RATE)
			cfgread_error(&l->r, s,
			              "%s: daily_rate = %g is out of range (at "
			              "most %g euros a day)",
			              who, rate, MAX_DAILY_RATE);
		else
			f->daily_rate = rate;
	}
}

/* "2019-09-02" for messages; `buf` must hold 11 bytes. */
static const char *day_str(ap_day day, char *buf)
{
	ap_date_format(ap_date_from_day(day), buf);
	return buf;
}

static void read_window(loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {"start", "end"};
	ap_campaign *c = l->c;
	const config_setting_t *g = config_setting_get_member(root, "window");
	if (!g) {
		cfgread_error(
		    &l->r, root,
		    "no 'window': set window = { start = \"YYYY-MM-DD\"; end = "
		    "\"YYYY-MM-DD\"; };");
		return;
	}
	if (!cfgread_want_type(&l->r, g, CONFIG_TYPE_GROUP))
		return;
	cfgread_check_keys(&l->r, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(g, "start");
	const config_setting_t *e = config_setting_get_member(g, "end");
	if (!s)
		cfgread_error(&l->r, g, "the window has no 'start' date");
	if (!e)
		cfgread_error(&l->r, g, "the window has no 'end' date");
	int ok = s && read_date(l, s, &c->window_first) == 0;
	ok &= e && read_date(l, e, &c->window_last) == 0;
	if (ok && c->window_first > c->window_last) {
		char a[11], b[11];
		cfgread_error(
		    &l->r, g, "the window starts on %s, after it ends on %s",
		    day_str(c->window_first, a), day_str(c->window_last, b));
		ok = 0;
	}
	l->window_ok = ok;
}

static void read_budget(loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {"days", "euros"};
	ap_campaign *c = l->c;
	const config_setting_t *g = config_setting_get_member(root, "budget");
	if (!g) {
		cfgread_error(
		    &l->r, root,
		    "no 'budget': set budget = { days = ...; } and/or "
		    "{ euros = ...; }");
		return;
	}
	if (!cfgread_want_type(&l->r, g, CONFIG_TYPE_GROUP))
		return;
	cfgread_check_keys(&l->r, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *days = config_setting_get_member(g, "days");
	const config_setting_t *euros = config_setting_get_member(g, "euros");
	if (!days && !euros)
		cfgread_error(
		    &l->r, g,
		    "the budget sets neither 'days' nor 'euros': at least one "
		    "is needed");
	if (days && cfgread_want_type(&l->r, days, CONFIG_TYPE_INT)) {
		long long v = config_setting_get_int64(days);
		if (v <= 0)
			cfgread_error(
			    &l->r, days,
			    "'budget.days' = %lld: a budget must be positive",
			    v);
		else if (v > MAX_DAYS)
			cfgread_error(
			    &l->r, days,
			    "'budget.days' = %lld is out of range (1..%d)", v,
			    MAX_DAYS);
		else {
			c->budget_days = (int)v;
			c->has_budget_days = 1;
		}
	}
	double v;
	if (euros && cfgread_get_number(&l->r, euros, &v) == 0) {
		if (!(v > 0) || !isfinite(v))
			cfgread_error(
			    &l->r, euros,
			    "'budget.euros' = %g: a budget must be positive",
			    v);
		else if (v > MAX_EUROS)
			cfgread_error(&l->r, euros,
			              "'budget.euros' = %g is out of range (at "
			              "most %g)",
			              v, MAX_EUROS);
		else {
			c->budget_euros = v;
			c->has_budget_euros = 1;
		}
	}
}

static void read_policy(loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {
	    "min_days",       "max_days",     "allow_shorter",
	    "max_span_weeks", "min_priority", "max_missions_per_organisation",
	    "partial_themes"};
	ap_campaign *c = l->c;
	const config_setting_t *g = config_setting_get_member(root, "policy");
	if (!g || !cfgread_want_type(&l->r, g, CONFIG_TYPE_GROUP))
		return;
	cfgread_check_keys(&l->r, g, keys, AP_ARRAY_LEN(keys));
	cfgread_opt_int(&l->r, g, "min_days", &c->min_days, 1, 60);
	cfgread_opt_int(&l->r, g, "max_days", &c->max_days, 1, 60);
	if (c->min_days > c->max_days)
		cfgread_error(&l->r, g, "min_days (%d) is above max_days (%d)",
		              c->min_days, c->max_days);
	const config_setting_t *s =
	    config_setting_get_member(g, "allow_shorter");
	if (s && cfgread_want_type(&l->r, s, CONFIG_TYPE_BOOL))
		c->allow_shorter = config_setting_get_bool(s);
	s = config_setting_get_member(g, "partial_themes");
	if (s && cfgread_want_type(&l->r, s, CONFIG_TYPE_BOOL))
		c->partial_themes = config_setting_get_bool(s);
	int weeks = c->max_span_days / 7;
	cfgread_opt_int(&l->r, g, "max_span_weeks", &weeks, 1, 52);
	c->max_span_days = weeks * 7;
	cfgread_opt_int(&l->r, g, "max_missions_per_organisation",
	                &c->max_missions_per_org, 0, 100000);
	double v;
	s = config_setting_get_member(g, "min_priority");
	if (s && cfgread_get_number(&l->r, s, &v) == 0) {
		if (!(v >= 0) || !isfinite(v))
			cfgread_error(
			    &l->r, s,
			    "'policy.min_priority' = %g must be zero or more",
			    v);
		else
			c->min_priority = v;
	}
}

static int is_known_theme(const loader *l, const char *theme)
{
	for (size_t i = 0; i < l->n_known; i++)
		if (strcmp(l->known[i], theme) == 0)
			return 1;
	return 0;
}

static void read_days_off(loader *l, const config_setting_t *s, ap_firm *f,
                          const char *who)
{
	const ap_campaign *c = l->c;
	int len = config_setting_length(s);
	f->days_off = ap_xcalloc((size_t)len + 1, sizeof(*f->days_off));
	for (int i = 0; i < len; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		int t = config_setting_type(e);
		if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) ||
		    config_setting_length(e) != 2) {
			cfgread_error(
			    &l->r, e,
			    "%s: each day off must be a range [ \"first\", "
			    "\"last\" ] of YYYY-MM-DD dates",
			    who);
			continue;
		}
		ap_day_range r;
		int ok =
		    read_date(l, config_setting_get_elem(e, 0), &r.first) == 0;
		ok &= read_date(l, config_setting_get_elem(e, 1), &r.last) == 0;
		if (!ok)
			continue;
		char a[11], b[11], wa[11], wb[11];
		day_str(r.first, a);
		day_str(r.last, b);
		if (r.last < r.first) {
			cfgread_error(
			    &l->r, e,
			    "%s: the day-off range ends on %s, before it "
			    "starts on %s",
			    who, b, a);
			continue;
		}
		/* Harmless (days outside the window are never planned) but
		 * likely a typo in a year or month: say so, do not fail. */
		int partly =
		    r.first < c->window_first || r.last > c->window_last;
		int wholly =
		    r.last < c->window_first || r.first > c->window_last;
		if (l->window_ok && partly)
			cfgread_warn(
			    &l->r, e,
			    "%s: days off %s..%s are %s the campaign window "
			    "(%s..%s)",
			    who, a, b, wholly ? "outside" : "partly outside",
			    day_str(c->window_first, wa),
			    day_str(c->window_last, wb));
		f->days_off[f->n_days_off++] = r;
	}
}

static void read_firm(loader *l, const config_setting_t *g, size_t index,
                      ap_firm *f)
{
	static const char *const keys[] = {"id",      "name",       "themes",
	                                   "regions", "daily_rate", "capacity",
	                                   "days_off"};
	memset(f, 0, sizeof(*f));
	f->line = cfgread_line(&l->r, g);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		cfgread_error(
		    &l->r, g,
		    "each firm must be a group { id = \"...\"; ... }, not %s",
		    cfgread_type_name(config_setting_type(g)));
		return;
	}
	cfgread_check_keys(&l->r, g, keys, AP_ARRAY_LEN(keys));

	/* The id first, so that every later message names the firm. */
	const config_setting_t *s = config_setting_get_member(g, "id");
	if (!s)
		cfgread_error(&l->r, g, "firm %zu has no 'id'", index + 1);
	else if (cfgread_want_type(&l->r, s, CONFIG_TYPE_STRING)) {
		if (!*config_setting_get_string(s))
			cfgread_error(&l->r, s, "firm %zu has an empty 'id'",
			              index + 1);
		else
			f->id = ap_xstrdup(config_setting_get_string(s));
	}
	char *who = f->id ? ap_xasprintf("firm '%s'", f->id)
	                  : ap_xasprintf("firm %zu", index + 1);
	f->name = opt_string(l, g, "name");
	if (!f->name && f->id)
		f->name = ap_xstrdup(f->id);

	s = config_setting_get_member(g, "themes");
	if (!s)
		cfgread_error(&l->r, g,
		              "%s covers no theme: set themes = [ \"...\" ]",
		              who);
	else if (cfgread_read_strings(&l->r, s, &f->themes, &f->n_themes) ==
	             0 &&
	         f->n_themes == 0)
		cfgread_error(&l->r, s, "%s covers no theme", who);
	for (size_t i = 0; i < f->n_themes && l->known; i++) {
		if (is_known_theme(l, f->themes[i]))
			continue;
		char *hint = cfgread_join(l->known, l->n_known);
		/* The element's own line, unless a refused element shifted the
		 * indexes: the array's line then. */
		const config_setting_t *e =
		    (size_t)config_setting_length(s) == f->n_themes
		        ? config_setting_get_elem(s, (unsigned)i)
		        : s;
		cfgread_error(
		    &l->r, e,
		    "%s covers unknown theme '%s' (themes of the loaded "
		    "plugins: %s)",
		    who, f->themes[i], hint);
		free(hint);
	}

	s = config_setting_get_member(g, "regions");
	if (!s)
		cfgread_error(&l->r, g,
		              "%s serves no region: set regions = [ \"...\" ], "
		              "or [ \"*\" ] for everywhere",
		              who);
	else if (cfgread_read_strings(&l->r, s, &f->regions, &f->n_regions) ==
	             0 &&
	         f->n_regions == 0)
		cfgread_error(
		    &l->r, s,
		    "%s serves no region (use [ \"*\" ] for everywhere)", who);

	read_rate(l, g, who, f);

	s = config_setting_get_member(g, "capacity");
	if (!s)
		cfgread_error(
		    &l->r, g,
		    "%s has no 'capacity' (days available in the window)", who);
	else if (cfgread_want_type(&l->r, s, CONFIG_TYPE_INT)) {
		long long v = config_setting_get_int64(s);
		if (v < 0)
			cfgread_error(&l->r, s,
			              "%s: capacity %lld must not be negative",
			              who, v);
		else if (v > MAX_CAPACITY)
			cfgread_error(
			    &l->r, s,
			    "%s: capacity %lld is out of range (0..%d)", who, v,
			    MAX_CAPACITY);
		else if (v > 0 && v < l->c->min_days) /* 0: not available */
			cfgread_error(
			    &l->r, s,
			    "%s: capacity %lld cannot hold a %d-day mission "
			    "(policy.min_days)",
			    who, v, l->c->min_days);
		else
			f->capacity = (int)v;
	}

	s = config_setting_get_member(g, "days_off");
	if (s && cfgread_want_type(&l->r, s, CONFIG_TYPE_LIST))
		read_days_off(l, s, f, who);
	free(who);
}

static void read_firms(loader *l, const config_setting_t *root)
{
	ap_campaign *c = l->c;
	const config_setting_t *list = config_setting_get_member(root, "firms");
	if (!list) {
		cfgread_error(
		    &l->r, root,
		    "no firm: set firms = ( { id = \"...\"; ... } );");
		return;
	}
	if (!cfgread_want_type(&l->r, list, CONFIG_TYPE_LIST))
		return;
	int n = config_setting_length(list);
	if (n == 0) {
		cfgread_error(&l->r, list, "no firm: 'firms' is empty");
		return;
	}
	c->firms = ap_xcalloc((size_t)n + 1, sizeof(*c->firms));
	for (int i = 0; i < n; i++) {
		const config_setting_t *g =
		    config_setting_get_elem(list, (unsigned)i);
		ap_firm *f = &c->firms[c->n_firms++];
		read_firm(l, g, (size_t)i, f);
		if (!f->id)
			continue;
		for (size_t k = 0; k + 1 < c->n_firms; k++) {
			if (c->firms[k].id &&
			    strcmp(c->firms[k].id, f->id) == 0) {
				cfgread_error(
				    &l->r, config_setting_get_member(g, "id"),
				    "firm id '%s' is defined twice (first at "
				    "line %ld)",
				    f->id, c->firms[k].line);
				break;
			}
		}
	}
}

static void read_root(loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {"id",     "name",   "window",
	                                   "budget", "policy", "firms"};
	ap_campaign *c = l->c;
	cfgread_check_keys(&l->r, root, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(root, "id");
	if (!s)
		cfgread_error(&l->r, root,
		              "no campaign 'id': set id = \"...\";");
	else if (cfgread_want_type(&l->r, s, CONFIG_TYPE_STRING)) {
		if (!*config_setting_get_string(s))
			cfgread_error(&l->r, s, "the campaign 'id' is empty");
		else
			c->id = ap_xstrdup(config_setting_get_string(s));
	}
	c->name = opt_string(l, root, "name");
	if (!c->name && c->id)
		c->name = ap_xstrdup(c->id);
	read_window(l, root);
	read_budget(l, root);
	/* Before the firms: a capacity is checked against min_days. */
	read_policy(l, root);
	read_firms(l, root);
}

int ap_campaign_load(ap_campaign **out, const char *path,
                     const char *const *known_themes, size_t n_known,
                     ap_diags *d)
{
	*out = NULL;
	ap_campaign *c = ap_xcalloc(1, sizeof(*c));
	c->path = ap_xstrdup(path);
	c->min_days = 3;
	c->max_days = 6;
	c->max_span_days = 8 * 7;
	loader l = {.c = c,
	            .known = known_themes,
	            .n_known = known_themes ? n_known : 0};
	config_t lc;
	if (cfgread_open(&l.r, &lc, path, "campaign", d) != 0)
		goto fail;
	read_root(&l, config_root_setting(&lc));
	config_destroy(&lc);
	if (l.r.errors)
		goto fail;
	cfgread_close(&l.r);
	*out = c;
	return 0;
fail:
	cfgread_close(&l.r);
	ap_campaign_free(c);
	return -1;
}

void ap_campaign_free(ap_campaign *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->id);
	free(c->name);
	for (size_t i = 0; i < c->n_firms; i++) {
		ap_firm *f = &c->firms[i];
		free(f->id);
		free(f->name);
		cfgread_free_strings(f->themes, f->n_themes);
		cfgread_free_strings(f->regions, f->n_regions);
		free(f->days_off);
	}
	free(c->firms);
	free(c->overrides);
	free(c);
}

/* ---- what-if --------------------------------------------------------------
 */

const char *ap_override_setting_name(ap_override_setting s)
{
	switch (s) {
	case AP_OVERRIDE_BUDGET_DAYS:
		return "budget.days";
	case AP_OVERRIDE_BUDGET_EUROS:
		return "budget.euros";
	case AP_OVERRIDE_CAPACITY:
		return "capacity";
	}
	return "unknown";
}

static void override_error(ap_diags *d, const ap_campaign *c, const char *field,
                           const char *fmt, ...) AP_PRINTF(4, 5);
static void override_error(ap_diags *d, const ap_campaign *c, const char *field,
                           const char *fmt, ...)
{
	if (!d)
		return;
	va_list ap;
	va_start(ap, fmt);
	ap_diags_addv(d, AP_ERROR, c->path ? c->path : "campaign", 0, field,
	              fmt, ap);
	va_end(ap);
}

/* The index of the firm `id`, or c->n_firms when there is none. */
static size_t firm_index(const ap_campaign *c, const char *id)
{
	size_t f = 0;
	while (f < c->n_firms &&
	       !(c->firms[f].id && strcmp(c->firms[f].id, id) == 0))
		f++;
	return f;
}

/* "A, B, C": the firms' ids, for a message (to free). */
static char *firm_ids(const ap_campaign *c)
{
	const char **ids = ap_xcalloc(c->n_firms + 1, sizeof(*ids));
	size_t n = 0;
	for (size_t f = 0; f < c->n_firms; f++)
		if (c->firms[f].id)
			ids[n++] = c->firms[f].id;
	char *s = cfgread_join(ids, n);
	free(ids);
	return s;
}

/* The budget values of `o`, checked as read_budget() checks the file's.
 * Returns the number of problems. */
static size_t check_budget(const ap_campaign *c, const ap_override_options *o,
                           ap_diags *d)
{
	size_t bad = 0;
	if (o->set_budget_days &&
	    (o->budget_days < 1 || o->budget_days > MAX_DAYS)) {
		override_error(d, c, "budget.days",
		               "%lld days is out of range: a budget in days is "
		               "a whole number from 1 to %d",
		               o->budget_days, MAX_DAYS);
		bad++;
	}
	double v = o->budget_euros;
	if (o->set_budget_euros &&
	    (!(v > 0) || !isfinite(v) || v > MAX_EUROS)) {
		override_error(d, c, "budget.euros",
		               "%g euros is out of range: a budget in euros is "
		               "more than 0 and at most %g",
		               v, MAX_EUROS);
		bad++;
	}
	return bad;
}

/* The capacities of `o`, checked as read_firm() checks the file's; the
 * firm of each into `firm`. Returns the number of problems. */
static size_t check_capacities(const ap_campaign *c,
                               const ap_override_options *o, size_t *firm,
                               ap_diags *d)
{
	size_t bad = 0;
	for (size_t k = 0; k < o->n_capacities; k++) {
		const ap_capacity_override *co = &o->capacities[k];
		const char *id = co->firm ? co->firm : "";
		long long v = co->capacity;
		firm[k] = firm_index(c, id);
		size_t before = k;
		for (size_t j = 0; j < k && before == k; j++)
			if (firm[j] == firm[k] && firm[k] < c->n_firms)
				before = j;
		if (firm[k] == c->n_firms) {
			char *ids = firm_ids(c);
			override_error(
			    d, c, "firms.capacity",
			    "no firm '%s' in the campaign (its firms: "
			    "%s)",
			    id, ids);
			free(ids);
		} else if (before < k)
			override_error(d, c, "firms.capacity",
			               "firm '%s' is given twice", id);
		else if (v < 0 || v > MAX_CAPACITY)
			override_error(
			    d, c, "firms.capacity",
			    "firm '%s': capacity %lld is out of range "
			    "(0..%d)",
			    id, v, MAX_CAPACITY);
		else if (v > 0 && v < c->min_days)
			override_error(
			    d, c, "firms.capacity",
			    "firm '%s': capacity %lld cannot hold a "
			    "%d-day mission (policy.min_days): 0 or at "
			    "least %d",
			    id, v, c->min_days, c->min_days);
		else
			continue;
		bad++;
	}
	return bad;
}

/* Records that a setting now holds `value`; a setting replaced twice keeps
 * the file's value of its first record. The records stay in the order of
 * the settings, then of the firms, whatever the order they came in. */
static void note_override(ap_campaign *c, ap_override_setting setting,
                          size_t firm, double value, int file_set,
                          double file_value)
{
	size_t i = 0;
	while (i < c->n_overrides && (c->overrides[i].setting < setting ||
	                              (c->overrides[i].setting == setting &&
	                               c->overrides[i].firm < firm)))
		i++;
	if (i < c->n_overrides && c->overrides[i].setting == setting &&
	    c->overrides[i].firm == firm) {
		c->overrides[i].value = value;
		return;
	}
	c->overrides = ap_xrealloc(c->overrides, (c->n_overrides + 1) *
	                                             sizeof(*c->overrides));
	memmove(&c->overrides[i + 1], &c->overrides[i],
	        (c->n_overrides - i) * sizeof(*c->overrides));
	c->overrides[i] =
	    (ap_override){setting, firm, value, file_set, file_value};
	c->n_overrides++;
}

int ap_campaign_override(ap_campaign *c, const ap_override_options *o,
                         ap_diags *d)
{
	if (!c || !o || o->version != AP_OVERRIDE_OPTIONS_VERSION ||
	    (o->n_capacities && !o->capacities)) {
		if (d)
			ap_diags_add(d, AP_ERROR, "campaign", 0, "",
			             "invalid override options (version %d)",
			             o ? o->version : 0);
		return AP_EUSAGE;
	}
	size_t *firm = ap_xcalloc(o->n_capacities + 1, sizeof(*firm));
	if (check_budget(c, o, d) + check_capacities(c, o, firm, d) > 0) {
		free(firm);
		return AP_EINVALID;
	}
	if (o->set_budget_days) {
		note_override(c, AP_OVERRIDE_BUDGET_DAYS, 0,
		              (double)o->budget_days, c->has_budget_days,
		              c->budget_days);
		c->budget_days = (int)o->budget_days;
		c->has_budget_days = 1;
	}
	if (o->set_budget_euros) {
		note_override(c, AP_OVERRIDE_BUDGET_EUROS, 0, o->budget_euros,
		              c->has_budget_euros, c->budget_euros);
		c->budget_euros = o->budget_euros;
		c->has_budget_euros = 1;
	}
	for (size_t k = 0; k < o->n_capacities; k++) {
		ap_firm *f = &c->firms[firm[k]];
		note_override(c, AP_OVERRIDE_CAPACITY, firm[k],
		              (double)o->capacities[k].capacity, 1,
		              f->capacity);
		f->capacity = (int)o->capacities[k].capacity;
	}
	free(firm);
	return AP_OK;
}

int ap_firm_available(const ap_campaign *c, const ap_firm *firm, ap_day day)
{
	if (day < c->window_first || day > c->window_last ||
	    !ap_is_working_day(day))
		return 0;
	for (size_t i = 0; i < firm->n_days_off; i++)
		if (day >= firm->days_off[i].first &&
		    day <= firm->days_off[i].last)
			return 0;
	return 1;
}

int ap_firm_covers(const ap_firm *firm, const char *theme)
{
	if (!theme)
		return 0;
	for (size_t i = 0; i < firm->n_themes; i++)
		if (strcmp(firm->themes[i], theme) == 0)
			return 1;
	return 0;
}

int ap_firm_serves(const ap_firm *firm, const char *region)
{
	for (size_t i = 0; i < firm->n_regions; i++) {
		if (strcmp(firm->regions[i], "*") == 0)
			return 1;
		if (region && strcmp(firm->regions[i], region) == 0)
			return 1;
	}
	return 0;
}
