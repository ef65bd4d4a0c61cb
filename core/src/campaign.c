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
 */
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/campaign.h"
#include "util.h"

typedef struct loader {
	ap_campaign *c;
	ap_diags *d;
	const char *main_file;
	char *dir; /* main_file's folder: includes resolve against it */
	const char *const *known; /* theme ids, or NULL: any theme */
	size_t n_known;
	size_t errors;
	int window_ok; /* window_first/last hold a valid window */
} loader;

/* The file a setting comes from, to free. libconfig records an included
 * file by the name written in @include, which it resolved against the
 * include folder: join them, so the message names a file the user can
 * open from any folder. */
static char *src_file(const loader *l, const config_setting_t *s)
{
	const char *f = s ? config_setting_source_file(s) : NULL;
	if (!f || strcmp(f, l->main_file) == 0)
		return ap_xstrdup(l->main_file);
	return ap_path_join(l->dir, f);
}

static long src_line(const config_setting_t *s)
{
	return s ? (long)config_setting_source_line(s) : 0;
}

static void report(loader *l, ap_severity sev, const config_setting_t *s,
                   const char *fmt, va_list ap) AP_PRINTF(4, 0);

static void report(loader *l, ap_severity sev, const config_setting_t *s,
                   const char *fmt, va_list ap)
{
	char *msg = ap_xvasprintf(fmt, ap);
	char *file = src_file(l, s);
	ap_diags_add(l->d, sev, file, src_line(s), "", "%s", msg);
	free(file);
	free(msg);
	if (sev == AP_ERROR)
		l->errors++;
}

static void cerr(loader *l, const config_setting_t *s, const char *fmt, ...)
    AP_PRINTF(3, 4);

static void cerr(loader *l, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(l, AP_ERROR, s, fmt, ap);
	va_end(ap);
}

static void cwarn(loader *l, const config_setting_t *s, const char *fmt, ...)
    AP_PRINTF(3, 4);

static void cwarn(loader *l, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(l, AP_WARNING, s, fmt, ap);
	va_end(ap);
}

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "a whole number";
	case CONFIG_TYPE_FLOAT:
		return "a decimal number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	default:
		return "an unknown type";
	}
}

/* The full name of a setting for messages: "firms[2].capacity". */
static char *setting_name(const config_setting_t *s)
{
	const char *parts[16];
	char idx[16][24];
	size_t n = 0;
	for (const config_setting_t *p = s; p && n < 16;
	     p = config_setting_parent(p)) {
		if (config_setting_is_root(p))
			break;
		const char *name = config_setting_name(p);
		if (!name) {
			/* An element of a list: name it by its index. */
			snprintf(idx[n], sizeof idx[n], "[%d]",
			         config_setting_index(p));
			name = idx[n];
		}
		parts[n++] = name;
	}
	ap_buf b;
	ap_buf_init(&b);
	while (n-- > 0) {
		if (b.len && parts[n][0] != '[')
			ap_buf_putc(&b, '.');
		ap_buf_puts(&b, parts[n]);
	}
	if (!b.data)
		ap_buf_puts(&b, "(root)");
	return b.data;
}

/* "a, b, c" for messages. */
static char *join(const char *const *v, size_t n)
{
	ap_buf b;
	ap_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		ap_buf_printf(&b, "%s%s", i ? ", " : "", v[i]);
	return b.data ? b.data : ap_xstrdup("none");
}

/* Reports members of `group` whose names are not in `known`. */
static void check_keys(loader *l, const config_setting_t *group,
                       const char *const *known, size_t n_known)
{
	int count = config_setting_length(group);
	for (int i = 0; i < count; i++) {
		const config_setting_t *m =
		    config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(m);
		int ok = 0;
		for (size_t k = 0; k < n_known && !ok; k++)
			ok = strcmp(name, known[k]) == 0;
		if (!ok) {
			char *full = setting_name(m);
			char *hint = join(known, n_known);
			cerr(l, m, "unknown setting '%s' (known here: %s)",
			     full, hint);
			free(hint);
			free(full);
		}
	}
}

static int want_type(loader *l, const config_setting_t *s, int type)
{
	int t = config_setting_type(s);
	if (t == type || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64))
		return 1;
	char *full = setting_name(s);
	cerr(l, s, "'%s' must be %s, not %s", full, type_name(type),
	     type_name(t));
	free(full);
	return 0;
}

/* A decimal setting: a whole number is accepted too (25 for 25.0). */
static int get_number(loader *l, const config_setting_t *s, double *out)
{
	int t = config_setting_type(s);
	if (t == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(s);
	else {
		char *full = setting_name(s);
		cerr(l, s, "'%s' must be a number, not %s", full, type_name(t));
		free(full);
		return -1;
	}
	return 0;
}

/* An optional whole number in min..max; *out keeps its default otherwise. */
static void opt_int(loader *l, const config_setting_t *g, const char *name,
                    int *out, long min, long max)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s || !want_type(l, s, CONFIG_TYPE_INT))
		return;
	long long v = config_setting_get_int64(s);
	if (v < min || v > max) {
		char *full = setting_name(s);
		cerr(l, s, "'%s' = %lld is out of range (%ld..%ld)", full, v,
		     min, max);
		free(full);
		return;
	}
	*out = (int)v;
}

/* An optional string, copied; NULL when absent or mistyped. */
static char *opt_string(loader *l, const config_setting_t *g, const char *name)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s || !want_type(l, s, CONFIG_TYPE_STRING))
		return NULL;
	return ap_xstrdup(config_setting_get_string(s));
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* An array or list of strings: ["a", "b"]. Empty strings are refused: a
 * theme or region "" can only be a typo. Returns -1 when `s` is not an
 * array at all (reported), else 0, with the strings kept. */
static int read_strings(loader *l, const config_setting_t *s, char ***out,
                        size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		char *full = setting_name(s);
		cerr(l, s, "'%s' must be an array of strings [\"...\"], not %s",
		     full, type_name(t));
		free(full);
		return -1;
	}
	int len = config_setting_length(s);
	char **v = ap_xcalloc((size_t)len + 1, sizeof(*v));
	size_t n = 0;
	for (int i = 0; i < len; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			char *full = setting_name(s);
			cerr(l, e, "'%s' must hold strings only", full);
			free(full);
			continue;
		}
		const char *str = config_setting_get_string(e);
		if (!*str) {
			char *full = setting_name(s);
			cerr(l, e, "'%s' holds an empty string", full);
			free(full);
			continue;
		}
		v[n++] = ap_xstrdup(str);
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* A "YYYY-MM-DD" string setting. Returns 0 and the day, or -1 (reported). */
static int read_date(loader *l, const config_setting_t *s, ap_day *out)
{
	if (!want_type(l, s, CONFIG_TYPE_STRING))
		return -1;
	const char *str = config_setting_get_string(s);
	ap_date date;
	if (ap_date_parse(str, &date) != 0) {
		char *full = setting_name(s);
		cerr(l, s,
		     "'%s' = \"%s\" is not a date: YYYY-MM-DD, a real day "
		     "of a year from 1900 to 2200",
		     full, str);
		free(full);
		return -1;
	}
	*out = ap_day_from_date(date);
	return 0;
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
		cerr(
		    l, root,
		    "no 'window': set window = { start = \"YYYY-MM-DD\"; end = "
		    "\"YYYY-MM-DD\"; };");
		return;
	}
	if (!want_type(l, g, CONFIG_TYPE_GROUP))
		return;
	check_keys(l, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(g, "start");
	const config_setting_t *e = config_setting_get_member(g, "end");
	if (!s)
		cerr(l, g, "the window has no 'start' date");
	if (!e)
		cerr(l, g, "the window has no 'end' date");
	int ok = s && read_date(l, s, &c->window_first) == 0;
	ok &= e && read_date(l, e, &c->window_last) == 0;
	if (ok && c->window_first > c->window_last) {
		char a[11], b[11];
		cerr(l, g, "the window starts on %s, after it ends on %s",
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
		cerr(l, root,
		     "no 'budget': set budget = { days = ...; } and/or "
		     "{ euros = ...; }");
		return;
	}
	if (!want_type(l, g, CONFIG_TYPE_GROUP))
		return;
	check_keys(l, g, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *days = config_setting_get_member(g, "days");
	const config_setting_t *euros = config_setting_get_member(g, "euros");
	if (!days && !euros)
		cerr(l, g,
		     "the budget sets neither 'days' nor 'euros': at least one "
		     "is needed");
	if (days && want_type(l, days, CONFIG_TYPE_INT)) {
		long long v = config_setting_get_int64(days);
		if (v <= 0)
			cerr(l, days,
			     "'budget.days' = %lld: a budget must be positive",
			     v);
		else if (v > 1000000)
			cerr(
			    l, days,
			    "'budget.days' = %lld is out of range (1..1000000)",
			    v);
		else {
			c->budget_days = (int)v;
			c->has_budget_days = 1;
		}
	}
	double v;
	if (euros && get_number(l, euros, &v) == 0) {
		if (!(v > 0) || !isfinite(v))
			cerr(l, euros,
			     "'budget.euros' = %g: a budget must be positive",
			     v);
		else {
			c->budget_euros = v;
			c->has_budget_euros = 1;
		}
	}
}

static void read_policy(loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {"min_days", "max_days",
	                                   "allow_shorter", "max_span_weeks",
	                                   "min_priority"};
	ap_campaign *c = l->c;
	const config_setting_t *g = config_setting_get_member(root, "policy");
	if (!g || !want_type(l, g, CONFIG_TYPE_GROUP))
		return;
	check_keys(l, g, keys, AP_ARRAY_LEN(keys));
	opt_int(l, g, "min_days", &c->min_days, 1, 60);
	opt_int(l, g, "max_days", &c->max_days, 1, 60);
	if (c->min_days > c->max_days)
		cerr(l, g, "min_days (%d) is above max_days (%d)", c->min_days,
		     c->max_days);
	const config_setting_t *s =
	    config_setting_get_member(g, "allow_shorter");
	if (s && want_type(l, s, CONFIG_TYPE_BOOL))
		c->allow_shorter = config_setting_get_bool(s);
	int weeks = c->max_span_days / 7;
	opt_int(l, g, "max_span_weeks", &weeks, 1, 52);
	c->max_span_days = weeks * 7;
	double v;
	s = config_setting_get_member(g, "min_priority");
	if (s && get_number(l, s, &v) == 0) {
		if (!(v >= 0) || !isfinite(v))
			cerr(l, s,
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
			cerr(l, e,
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
			cerr(l, e,
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
			cwarn(l, e,
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
	f->line = src_line(g);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		cerr(l, g,
		     "each firm must be a group { id = \"...\"; ... }, not %s",
		     type_name(config_setting_type(g)));
		return;
	}
	check_keys(l, g, keys, AP_ARRAY_LEN(keys));

	/* The id first, so that every later message names the firm. */
	const config_setting_t *s = config_setting_get_member(g, "id");
	if (!s)
		cerr(l, g, "firm %zu has no 'id'", index + 1);
	else if (want_type(l, s, CONFIG_TYPE_STRING)) {
		if (!*config_setting_get_string(s))
			cerr(l, s, "firm %zu has an empty 'id'", index + 1);
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
		cerr(l, g, "%s covers no theme: set themes = [ \"...\" ]", who);
	else if (read_strings(l, s, &f->themes, &f->n_themes) == 0 &&
	         f->n_themes == 0)
		cerr(l, s, "%s covers no theme", who);
	for (size_t i = 0; i < f->n_themes && l->known; i++) {
		if (is_known_theme(l, f->themes[i]))
			continue;
		char *hint = join(l->known, l->n_known);
		/* The element's own line, unless a refused element shifted the
		 * indexes: the array's line then. */
		const config_setting_t *e =
		    (size_t)config_setting_length(s) == f->n_themes
		        ? config_setting_get_elem(s, (unsigned)i)
		        : s;
		cerr(l, e,
		     "%s covers unknown theme '%s' (themes of the loaded "
		     "plugins: %s)",
		     who, f->themes[i], hint);
		free(hint);
	}

	s = config_setting_get_member(g, "regions");
	if (!s)
		cerr(l, g,
		     "%s serves no region: set regions = [ \"...\" ], "
		     "or [ \"*\" ] for everywhere",
		     who);
	else if (read_strings(l, s, &f->regions, &f->n_regions) == 0 &&
	         f->n_regions == 0)
		cerr(l, s, "%s serves no region (use [ \"*\" ] for everywhere)",
		     who);

	s = config_setting_get_member(g, "daily_rate");
	double rate;
	if (!s)
		cerr(l, g, "%s has no 'daily_rate' (euros excluding tax)", who);
	else if (get_number(l, s, &rate) == 0) {
		if (!(rate > 0) || !isfinite(rate))
			cerr(l, s, "%s: daily_rate = %g must be positive", who,
			     rate);
		else
			f->daily_rate = rate;
	}

	s = config_setting_get_member(g, "capacity");
	if (!s)
		cerr(l, g,
		     "%s has no 'capacity' (days available in the window)",
		     who);
	else if (want_type(l, s, CONFIG_TYPE_INT)) {
		long long v = config_setting_get_int64(s);
		if (v < 0)
			cerr(l, s, "%s: capacity %lld must not be negative",
			     who, v);
		else if (v > 100000)
			cerr(l, s,
			     "%s: capacity %lld is out of range (0..100000)",
			     who, v);
		else if (v > 0 && v < l->c->min_days) /* 0: not available */
			cerr(l, s,
			     "%s: capacity %lld cannot hold a %d-day mission "
			     "(policy.min_days)",
			     who, v, l->c->min_days);
		else
			f->capacity = (int)v;
	}

	s = config_setting_get_member(g, "days_off");
	if (s && want_type(l, s, CONFIG_TYPE_LIST))
		read_days_off(l, s, f, who);
	free(who);
}

static void read_firms(loader *l, const config_setting_t *root)
{
	ap_campaign *c = l->c;
	const config_setting_t *list = config_setting_get_member(root, "firms");
	if (!list) {
		cerr(l, root,
		     "no firm: set firms = ( { id = \"...\"; ... } );");
		return;
	}
	if (!want_type(l, list, CONFIG_TYPE_LIST))
		return;
	int n = config_setting_length(list);
	if (n == 0) {
		cerr(l, list, "no firm: 'firms' is empty");
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
				cerr(l, config_setting_get_member(g, "id"),
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
	check_keys(l, root, keys, AP_ARRAY_LEN(keys));
	const config_setting_t *s = config_setting_get_member(root, "id");
	if (!s)
		cerr(l, root, "no campaign 'id': set id = \"...\";");
	else if (want_type(l, s, CONFIG_TYPE_STRING)) {
		if (!*config_setting_get_string(s))
			cerr(l, s, "the campaign 'id' is empty");
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
	            .d = d,
	            .main_file = path,
	            .known = known_themes,
	            .n_known = known_themes ? n_known : 0};

	/* libconfig reports an unreadable file as "file I/O error" at line 0:
	 * say what is wrong with the path ourselves. */
	struct stat st;
	if (stat(path, &st) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read campaign: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read campaign: not a regular file");
		goto fail;
	}
	if (access(path, R_OK) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read campaign: %s", strerror(errno));
		goto fail;
	}

	config_t lc;
	config_init(&lc);
	/* @include resolves against the including file's folder, not the cwd.
	 */
	l.dir = ap_path_dirname(path);
	config_set_include_dir(&lc, l.dir);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		const char *ef = config_error_file(&lc);
		char *file = ef && strcmp(ef, path) != 0
		                 ? ap_path_join(l.dir, ef)
		                 : ap_xstrdup(path);
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			ap_diags_add(
			    d, AP_ERROR, file, 0, "",
			    "cannot read campaign (or a file it includes): %s",
			    errno ? strerror(errno) : "I/O error");
		else
			ap_diags_add(d, AP_ERROR, file, config_error_line(&lc),
			             "", "%s", config_error_text(&lc));
		free(file);
		config_destroy(&lc);
		goto fail;
	}
	read_root(&l, config_root_setting(&lc));
	config_destroy(&lc);
	if (l.errors)
		goto fail;
	free(l.dir);
	*out = c;
	return 0;
fail:
	free(l.dir);
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
		free_strings(f->themes, f->n_themes);
		free_strings(f->regions, f->n_regions);
		free(f->days_off);
	}
	free(c->firms);
	free(c);
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
