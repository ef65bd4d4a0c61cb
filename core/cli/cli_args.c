/*
 * The command line: options may come before or after the command and its
 * arguments (getopt_long runs in "+" mode and the loop resumes after each
 * argument); "--" ends the options. Every option is parsed here once, into
 * one `options`, whatever the command.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/diag.h"
#include "cli.h"

/* Long options without a short form. */
enum {
	OPT_BUDGET_DAYS = 0x100,
	OPT_BUDGET_EUROS,
	OPT_FIRM_CAPACITY,
	OPT_AGAINST,
	OPT_KEEP,
	OPT_FEWEST_CHANGES,
	OPT_STORE,
	OPT_SITE,
	OPT_FIRM,
	OPT_SINCE,
	OPT_ALL,
	OPT_COORDINATOR,
	OPT_ADMINISTRATOR,
	OPT_LISTEN,
	OPT_SAVE,
	OPT_REPLAN,
	OPT_FROM,
	OPT_TO
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"plugin-dir", required_argument, NULL, 'P'},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"explain", no_argument, NULL, 'e'},
    {"strict", no_argument, NULL, 's'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"campaign", required_argument, NULL, 'C'},
    {"ics", required_argument, NULL, 'I'},
    {"time-limit", required_argument, NULL, 'T'},
    {"plan", required_argument, NULL, 'L'},
    {"attach", required_argument, NULL, 'A'},
    {"directory", required_argument, NULL, 'D'},
    {"jobs", required_argument, NULL, 'j'},
    {"budget-days", required_argument, NULL, OPT_BUDGET_DAYS},
    {"budget-euros", required_argument, NULL, OPT_BUDGET_EUROS},
    {"firm-capacity", required_argument, NULL, OPT_FIRM_CAPACITY},
    {"against", required_argument, NULL, OPT_AGAINST},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"fewest-changes", no_argument, NULL, OPT_FEWEST_CHANGES},
    {"store", required_argument, NULL, OPT_STORE},
    {"site", required_argument, NULL, OPT_SITE},
    {"firm", required_argument, NULL, OPT_FIRM},
    {"since", required_argument, NULL, OPT_SINCE},
    {"all", no_argument, NULL, OPT_ALL},
    {"coordinator", no_argument, NULL, OPT_COORDINATOR},
    {"administrator", no_argument, NULL, OPT_ADMINISTRATOR},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"save", no_argument, NULL, OPT_SAVE},
    {"replan", required_argument, NULL, OPT_REPLAN},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {NULL, 0, NULL, 0},
};

/*
 * Numbers on the command line are decimal digits only, so that what is
 * typed is what is meant: no sign, no space, no hexadecimal (0x10), no
 * exponent (1e3), no "inf" or "nan". Leading zeros are decimal: 010 is ten,
 * never octal eight.
 */

/* A whole number of at most `max`. Returns 0 and *out, or -1. */
static int decimal_whole(const char *s, long max, long *out)
{
	long v = 0;
	if (!*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		int digit = *p - '0';
		if (v > (max - digit) / 10)
			return -1; /* over max, long before it overflows */
		v = v * 10 + digit;
	}
	*out = v;
	return 0;
}

/* DIGITS or DIGITS.DIGITS, at most `max`. Returns 0 and *out, or -1. */
static int decimal_number(const char *s, double max, double *out)
{
	size_t whole = strspn(s, "0123456789"), frac = 0;
	if (!whole)
		return -1;
	if (s[whole] == '.') {
		frac = strspn(s + whole + 1, "0123456789");
		if (!frac)
			return -1;
		frac++;
	}
	if (s[whole + frac] != '\0')
		return -1;
	/* The digits alone are left: strtod reads them the same in every
	 * locale (appui never sets one), and cannot overflow past max. */
	double v = strtod(s, NULL);
	if (!(v <= max))
		return -1;
	*out = v;
	return 0;
}

/* "appui: --OPTION wants WHAT, not 'ARG'", the argument shown inert. */
static int bad_number(const char *option, const char *what, const char *arg)
{
	fprintf(stderr, _("appui: --%s wants %s, not '"), option, what);
	ap_print_inert(stderr, arg);
	fputs("'\n", stderr);
	return EXIT_USAGE;
}

static int parse_jobs(options *o, const char *arg)
{
	long v;
	if (decimal_whole(arg, 64, &v) != 0 || v < 1)
		return bad_number(
		    "jobs",
		    _("a number of workers from 1 to 64, in decimal "
		      "digits"),
		    arg);
	o->jobs = (int)v;
	return -1;
}

static int parse_time_limit(options *o, const char *arg)
{
	if (decimal_number(arg, 86400, &o->time_limit) != 0 ||
	    !(o->time_limit > 0))
		return bad_number(
		    "time-limit",
		    _("seconds, more than 0 and at most 86400, in "
		      "decimal digits (as 10 or 2.5)"),
		    arg);
	return -1;
}

/* Adds `v` to a list of at most `max`; EXIT_USAGE when it is full. */
static int push(const char **list, size_t *n, size_t max, const char *v,
                const char *option)
{
	if (*n == max) {
		fprintf(stderr, _("appui: too many --%s options\n"), option);
		return EXIT_USAGE;
	}
	list[(*n)++] = v;
	return -1;
}

/* A whole number in decimal digits, for the what-if options (the campaign
 * checks the range). Returns 0, or -1. */
static int whole_number(const char *s, long long *out)
{
	long v;
	if (decimal_whole(s, LONG_MAX, &v) != 0)
		return -1;
	*out = v;
	return 0;
}

int cli_firm_capacity(const char *arg, char **firm, long long *capacity)
{
	const char *eq = strrchr(arg, '=');
	if (!eq || eq == arg || whole_number(eq + 1, capacity) != 0)
		return -1;
	size_t n = (size_t)(eq - arg);
	*firm = malloc(n + 1);
	if (!*firm)
		ap_oom();
	memcpy(*firm, arg, n);
	(*firm)[n] = '\0';
	return 0;
}

/* --budget-days, --budget-euros, --firm-capacity: their form only; the
 * campaign checks the values (ap_campaign_override()). */
static int parse_what_if(options *o, int ch, const char *arg)
{
	if (ch == OPT_BUDGET_DAYS) {
		o->set_budget_days = whole_number(arg, &o->budget_days) == 0;
		if (o->set_budget_days)
			return -1;
		fprintf(stderr,
		        _("appui: --budget-days wants a whole number of days, "
		          "not '%s'\n"),
		        SHOWN(arg));
	} else if (ch == OPT_BUDGET_EUROS) {
		o->set_budget_euros =
		    decimal_number(arg, 1e12, &o->budget_euros) == 0;
		if (o->set_budget_euros)
			return -1;
		fprintf(stderr,
		        _("appui: --budget-euros wants euros, a number more "
		          "than 0 with a dot for decimals, not '%s'\n"),
		        SHOWN(arg));
	} else {
		char *firm = NULL;
		long long v;
		if (cli_firm_capacity(arg, &firm, &v) == 0) {
			free(firm);
			return push(o->capacities, &o->n_capacities,
			            CLI_MAX_CAPACITIES, arg, "firm-capacity");
		}
		fprintf(stderr,
		        _("appui: --firm-capacity wants FIRM=DAYS, a firm's id "
		          "and a whole number of days, not '%s'\n"),
		        SHOWN(arg));
	}
	return EXIT_USAGE;
}

/* One option into `o` (or `a`). Returns -1, or the exit status. */
static int set_option(cli_args *a, options *o, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		o->config = arg;
		return -1;
	case 'P':
		return push(o->plugin_dirs, &o->n_plugin_dirs,
		            CLI_MAX_PLUGIN_DIRS, arg, "plugin-dir");
	case 'f':
		o->format = arg;
		return -1;
	case 'o':
		o->output = arg;
		return -1;
	case 'e':
		o->explain = 1;
		return -1;
	case 's':
		o->strict = 1;
		return -1;
	case 'q':
		o->quiet = 1;
		return -1;
	case 'h':
		a->help = 1;
		return -1;
	case 'V':
		a->command = "version";
		return -1;
	case 'C':
		/* -C DIR is tar's "change to DIR" for extract; --campaign
		 * FILE for plan. */
		if (a->command && strcmp(a->command, "extract") == 0)
			o->target_dir = arg;
		else
			o->campaign = arg;
		return -1;
	case 'L':
		o->plan_file = arg;
		return -1;
	case 'A':
		return push(o->attach, &o->n_attach, CLI_MAX_ATTACH, arg,
		            "attach");
	case 'D':
		o->target_dir = arg;
		return -1;
	case 'j':
		return parse_jobs(o, arg);
	case 'I':
		o->ics_dir = arg;
		return -1;
	case 'T':
		return parse_time_limit(o, arg);
	case OPT_BUDGET_DAYS:
	case OPT_BUDGET_EUROS:
	case OPT_FIRM_CAPACITY:
		return parse_what_if(o, ch, arg);
	case OPT_AGAINST:
		o->against = arg;
		return -1;
	case OPT_FEWEST_CHANGES:
		o->fewest_changes = 1;
		return -1;
	case OPT_KEEP:
		return push(o->keep, &o->n_keep, CLI_MAX_KEEP, arg, "keep");
	case OPT_STORE:
		o->store = arg;
		return -1;
	case OPT_SAVE:
		o->save = 1;
		return -1;
	case OPT_REPLAN:
		o->replan = arg;
		return -1;
	case OPT_FROM:
		o->held_from = arg;
		return -1;
	case OPT_TO:
		o->held_to = arg;
		return -1;
	case OPT_SITE:
		o->site = arg;
		return -1;
	case OPT_FIRM:
		o->firm = arg;
		return -1;
	case OPT_SINCE:
		o->since = arg;
		return -1;
	case OPT_ALL:
		o->all = 1;
		return -1;
	case OPT_COORDINATOR:
		o->coordinator = 1;
		return -1;
	case OPT_ADMINISTRATOR:
		o->administrator = 1;
		return -1;
	case OPT_LISTEN:
		o->listen = arg;
		return -1;
	}
	return EXIT_USAGE;
}

/* After 'store', --version takes the number of a version to show (store
 * show CASE-ID --version N); anywhere else it prints appui's version. */
static int store_version(options *o, int argc, char **argv)
{
	if (optind >= argc) {
		fputs(_("appui: --version after 'store' wants a version "
		        "number\n"),
		      stderr);
		return EXIT_USAGE;
	}
	char *end;
	long v = strtol(argv[optind], &end, 10);
	if (*end || v < 1 || v > 1000000) {
		fprintf(
		    stderr,
		    _("appui: --version wants a version number (1, 2, ...), "
		      "not '%s'\n"),
		    argv[optind]);
		return EXIT_USAGE;
	}
	optind++;
	o->version_n = (int)v;
	return -1;
}

/* The long options that `word` ("--NAME" or "--NAME=VALUE") abbreviates:
 * their number, the names in `out` ("'--store' '--strict'"). */
static int abbreviates(const char *word, char *out, size_t size)
{
	if (strncmp(word, "--", 2) != 0)
		return 0;
	const char *name = word + 2;
	size_t n = strcspn(name, "=");
	int found = 0;
	size_t used = 0;
	out[0] = '\0';
	for (const struct option *p = long_opts; p->name; p++) {
		if (strncmp(p->name, name, n) != 0)
			continue;
		found++;
		int w = snprintf(out + used, size - used, "%s'--%s'",
		                 used ? " " : "", p->name);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
	}
	return found;
}

static int unknown_option(int opt, const char *word)
{
	char names[1024];
	/* A long option without a short form, given without its value. */
	if (!opt && abbreviates(word, names, sizeof names) > 1)
		fprintf(
		    stderr,
		    _("appui: option '%s' is ambiguous; possibilities: %s\n"),
		    SHOWN(word), names);
	else if (opt >= OPT_BUDGET_DAYS)
		fprintf(stderr, _("appui: option %s: missing its value\n"),
		        SHOWN(word));
	else if (opt)
		fprintf(stderr,
		        _("appui: option -%c: unknown or missing its value\n"),
		        opt);
	else
		fprintf(stderr, _("appui: unknown option '%s'\n"), word);
	fputs(_("try 'appui --help'\n"), stderr);
	return EXIT_USAGE;
}

/* Notes that the option of `ch` was given, for cli_refuse_ignored(). */
static void given(cli_args *a, int ch)
{
	const struct option *p = long_opts;
	while (p->name && p->val != ch)
		p++;
	for (size_t i = 0; i < a->n_given; i++)
		if (a->given[i] == p->name)
			return;
	if (p->name && a->n_given < CLI_MAX_GIVEN)
		a->given[a->n_given++] = p->name;
}

int cli_parse(cli_args *a, options *o, int argc, char **argv)
{
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv,
		                     "+c:P:f:o:esqhVC:I:T:L:A:D:j:", long_opts,
		                     NULL);
		if (ch == -1) {
			if (optind >= argc)
				return -1;
			if (strcmp(argv[optind - 1], "--") == 0) {
				while (optind < argc)
					a->args[a->n_args++] = argv[optind++];
				return -1;
			}
			if (!a->command)
				a->command = argv[optind++];
			else
				a->args[a->n_args++] = argv[optind++];
			continue;
		}
		if (ch == '?' || ch == ':')
			return unknown_option(optopt, argv[optind - 1]);
		int store_v =
		    ch == 'V' && a->command && strcmp(a->command, "store") == 0;
		int extract_c = ch == 'C' && a->command &&
		                strcmp(a->command, "extract") == 0;
		if (store_v || (ch != 'V' && ch != 'h'))
			given(a,
			      extract_c ? 'D' : ch); /* -C DIR: --directory */
		int rc = store_v ? store_version(o, argc, argv)
		                 : set_option(a, o, ch, optarg);
		if (rc >= 0)
			return rc;
	}
}
