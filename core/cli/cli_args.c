/*
 * The command line: options may come before or after the command and its
 * arguments (getopt_long runs in "+" mode and the loop resumes after each
 * argument); "--" ends the options. Every option is parsed here once, into
 * one `options`, whatever the command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Long options without a short form. */
enum {
	OPT_STORE = 256,
	OPT_SITE,
	OPT_FIRM,
	OPT_SINCE,
	OPT_ALL,
	OPT_COORDINATOR,
	OPT_ADMINISTRATOR
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
    {"store", required_argument, NULL, OPT_STORE},
    {"site", required_argument, NULL, OPT_SITE},
    {"firm", required_argument, NULL, OPT_FIRM},
    {"since", required_argument, NULL, OPT_SINCE},
    {"all", no_argument, NULL, OPT_ALL},
    {"coordinator", no_argument, NULL, OPT_COORDINATOR},
    {"administrator", no_argument, NULL, OPT_ADMINISTRATOR},
    {NULL, 0, NULL, 0},
};

static int parse_jobs(options *o, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v < 1 || v > 64) {
		fprintf(stderr,
		        "appui: --jobs wants a number of workers, 1 to 64, "
		        "not '%s'\n",
		        arg);
		return EXIT_USAGE;
	}
	o->jobs = (int)v;
	return -1;
}

static int parse_time_limit(options *o, const char *arg)
{
	char *end;
	o->time_limit = strtod(arg, &end);
	if (*end || !(o->time_limit > 0) || o->time_limit > 86400) {
		fprintf(stderr,
		        "appui: --time-limit wants seconds, more than 0 and "
		        "at most 86400, not '%s'\n",
		        arg);
		return EXIT_USAGE;
	}
	return -1;
}

/* Adds `v` to a list of at most `max`; EXIT_USAGE when it is full. */
static int push(const char **list, size_t *n, size_t max, const char *v,
                const char *option)
{
	if (*n == max) {
		fprintf(stderr, "appui: too many --%s options\n", option);
		return EXIT_USAGE;
	}
	list[(*n)++] = v;
	return -1;
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
	case OPT_STORE:
		o->store = arg;
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
	}
	return EXIT_USAGE;
}

/* After 'store', --version takes the number of a version to show (store
 * show CASE-ID --version N); anywhere else it prints appui's version. */
static int store_version(options *o, int argc, char **argv)
{
	if (optind >= argc) {
		fputs("appui: --version after 'store' wants a version "
		      "number\n",
		      stderr);
		return EXIT_USAGE;
	}
	char *end;
	long v = strtol(argv[optind], &end, 10);
	if (*end || v < 1 || v > 1000000) {
		fprintf(stderr,
		        "appui: --version wants a version number (1, 2, ...), "
		        "not '%s'\n",
		        argv[optind]);
		return EXIT_USAGE;
	}
	optind++;
	o->version_n = (int)v;
	return -1;
}

static int unknown_option(int opt, const char *word)
{
	if (opt)
		fprintf(stderr,
		        "appui: option -%c: unknown or missing its value\n",
		        opt);
	else
		fprintf(stderr, "appui: unknown option '%s'\n", word);
	fputs("try 'appui --help'\n", stderr);
	return EXIT_USAGE;
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
		int rc =
		    ch == 'V' && a->command && strcmp(a->command, "store") == 0
		        ? store_version(o, argc, argv)
		        : set_option(a, o, ch, optarg);
		if (rc >= 0)
			return rc;
	}
}
