/*
 * appui: the command. A thin front end over libappui: it finds the
 * installation (relative to its own executable, so an installed tree works in
 * any prefix with no environment variable), expands the inputs, and prints.
 *
 * Exit status (docs/cli.md):
 *   0  success: every input valid (warnings allowed)
 *   1  some input is invalid or a theme could not be scored; the rest of the
 *      batch was still processed
 *   2  usage error: unknown command or option, missing argument
 *   3  set-up error: bad configuration, unreadable schema, no plugin loaded,
 *      output file not writable
 *  70  internal error (out of memory)
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"
#include "paths.h"

static const char usage_main[] =
    "usage: appui [--config FILE] [--plugin-dir DIR]... COMMAND [ARGS]\n"
    "\n"
    "Scores site diagnostics of the USH solidarity-support scheme (dispositif\n"
    "d'appui solidaire) and turns them into 3-6 day support missions.\n"
    "\n"
    "commands:\n"
    "  validate FILE|DIR...   check case files; print FILE:LINE: FIELD: "
    "message\n"
    "  score FILE|DIR...      score case files; table, --explain or --format "
    "json\n"
    "  plan FILE|DIR...       score and plan the missions of a campaign\n"
    "  bundle -o OUT FILE...  archive a site's case bundle (BagIt bag)\n"
    "  verify BUNDLE...       check a bundle's manifests and re-score its "
    "case\n"
    "  extract BUNDLE -C DIR  extract a bundle safely\n"
    "  show BUNDLE            describe a bundle\n"
    "  plugins                list the plugins found, loaded and refused, and "
    "why\n"
    "  config check [FILE]    check a configuration file\n"
    "  version                print the version and the plugin ABI\n"
    "  help [COMMAND]         this help, or a command's\n"
    "\n"
    "common options:\n"
    "  -c, --config FILE      configuration (default: $APPUI_CONFIG, then the\n"
    "                         installed etc/appui/appui.cfg)\n"
    "  -P, --plugin-dir DIR   search DIR for plugins first (repeatable)\n"
    "  -h, --help             help for a command: appui COMMAND --help\n"
    "  -V, --version          print the version and the plugin ABI\n"
    "\n"
    "exit status: 0 all valid, 1 some input invalid, 2 usage error,\n"
    "3 set-up error (configuration, schema, plugins, output). See "
    "docs/cli.md.\n";

static const char usage_validate[] =
    "usage: appui validate [--strict] [-q] FILE|DIR...\n"
    "\n"
    "Checks each case file: safe parsing, the schema, then the semantics\n"
    "(duplicates, dates, windows, units and value domains of the loaded\n"
    "catalogues). Folders are searched recursively for *.xml files, in name\n"
    "order. Each problem is printed as FILE:LINE: FIELD: message.\n"
    "\n"
    "  -s, --strict  treat every warning about a case file as an error\n"
    "                (unknown theme or indicator, a theme that cannot be\n"
    "                scored, a request for a theme no plugin scores, ...)\n"
    "  -q, --quiet   print only the problems, not the summary line\n";

static const char usage_score[] =
    "usage: appui score [--format table|json] [--explain] [--strict]\n"
    "                   [-o FILE] FILE|DIR...\n"
    "\n"
    "Scores each valid case file on every theme a loaded plugin covers, then\n"
    "gives the site's mission (3-6 days) and its priority. Invalid files are\n"
    "reported and skipped; the others are scored.\n"
    "\n"
    "  -f, --format FMT   table (default: sorted by priority) or json (one\n"
    "                     document, cases in input order)\n"
    "  -e, --explain      with the table: every indicator's value, level,\n"
    "                     weight and contribution, the rules, the levers\n"
    "  -s, --strict       treat every warning about a case file as an error\n"
    "  -o, --output FILE  write to FILE (atomically: a temporary file, then\n"
    "                     renamed) instead of standard output\n";

static const char usage_plan[] =
    "usage: appui plan [--campaign FILE] [--format table|json|csv] [--ics "
    "DIR]\n"
    "                  [--time-limit SECONDS] [-o FILE] FILE|DIR...\n"
    "\n"
    "Scores the case files, then chooses which sites get a mission, with "
    "which\n"
    "firm and on which days, within the campaign's budget, the firms'\n"
    "capacities and calendars (weekends, French public holidays, days off)\n"
    "and each site's request window. The choice maximises the sum of the\n"
    "priorities of the planned sites, proven optimal unless the time limit\n"
    "stops the search (the gap is then printed). See docs/planning.md.\n"
    "\n"
    "  --campaign FILE        the campaign (default: the installed\n"
    "                         etc/appui/campaign.cfg)\n"
    "  -f, --format FMT       table (default), json or csv (RFC 4180)\n"
    "  --ics DIR              also write one iCalendar file per firm in DIR\n"
    "  --time-limit SECONDS   for the solver (default 10)\n"
    "  -o, --output FILE      write to FILE atomically instead of stdout\n"
    "  -s, --strict           treat every warning about a case file as an "
    "error\n";

static const char usage_plugins[] =
    "usage: appui plugins\n"
    "\n"
    "Lists the plugin search path, then each plugin found: loaded, disabled,\n"
    "shadowed or refused, with the reason.\n";

static const char usage_config[] =
    "usage: appui config check [FILE]\n"
    "\n"
    "Checks FILE (default: the configuration in use), including each theme's\n"
    "section against its plugin's catalogue and parameters. A campaign file\n"
    "(one with 'firms' or 'budget') is checked as a campaign, its themes\n"
    "against the plugins of the configuration in use (--config). Problems\n"
    "are printed as FILE:LINE: message; exit 1 when there is any.\n";

/* ---- batches: validate, score
 * ------------------------------------------------- */

static size_t default_jobs(const options *o)
{
	if (o->jobs > 0)
		return (size_t)o->jobs;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

static batch_spec batch_of(setup *s, const options *o, const inputs *in,
                           batch_mode mode, const char *verb)
{
	batch_spec b = {
	    .s = s,
	    .o = o,
	    .in = in,
	    .mode = mode,
	    .jobs = default_jobs(o),
	    .case_time_limit = ap_config_case_time_limit(s->cfg),
	    .verb = verb,
	};
	return b;
}

typedef struct validate_ctx {
	ap_diags *all;
	size_t printed, valid, invalid, warnings;
} validate_ctx;

static void validate_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	validate_ctx *v = ctx;
	for (; v->printed < ap_diags_count(v->all); v->printed++) {
		const ap_diag *g = ap_diags_at(v->all, v->printed);
		ap_diag_print(stdout, g);
		v->warnings += g->severity == AP_WARNING;
	}
	if (res->valid)
		v->valid++;
	else
		v->invalid++;
}

static int cmd_validate(const options *o, int argc, char **argv)
{
	if (argc < 1) {
		fputs(usage_validate, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	expand(&in, argv, argc, d);
	print_diags(stdout, d, 0);
	validate_ctx v = {.all = d, .printed = ap_diags_count(d)};
	v.invalid = ap_diags_errors(d);
	batch_spec b = batch_of(&s, o, &in, BATCH_VALIDATE, "validating");
	b.on_result = validate_result;
	b.ctx = &v;
	int brc = batch_run(&b, d);
	fflush(stdout);
	if (brc) {
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	if (!o->quiet)
		printf("%zu file%s: %zu valid, %zu invalid, %zu warning%s\n",
		       in.n, in.n == 1 ? "" : "s", v.valid, v.invalid,
		       v.warnings, v.warnings == 1 ? "" : "s");
	rc = v.invalid || ap_diags_errors(d) ? EXIT_INVALID : 0;
out:
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}

typedef struct score_ctx {
	FILE *out;
	size_t n_json;
	ap_score_row *rows;
	size_t n_rows;
} score_ctx;

/* A table row back from a worker's JSON. */
static void row_of(ap_score_row *row, const json_t *j)
{
	memset(row, 0, sizeof(*row));
	row->case_id = strdup(json_string_value(json_object_get(j, "case_id")));
	row->site_id = strdup(json_string_value(json_object_get(j, "site_id")));
	row->organisation_id =
	    strdup(json_string_value(json_object_get(j, "organisation_id")));
	const json_t *themes = json_object_get(j, "themes");
	size_t n = json_array_size(themes);
	row->n_themes = n;
	row->themes = calloc(n + 1, sizeof(char *));
	row->needs = calloc(n + 1, sizeof(double));
	row->bands = calloc(n + 1, sizeof(ap_band));
	for (size_t i = 0; i < n; i++) {
		const json_t *t = json_array_get(themes, i);
		row->themes[i] =
		    strdup(json_string_value(json_array_get(t, 0)));
		row->needs[i] = json_real_value(json_array_get(t, 1));
		row->bands[i] =
		    (ap_band)json_integer_value(json_array_get(t, 2));
	}
	row->has_mission = json_is_true(json_object_get(j, "has_mission"));
	row->days = (int)json_integer_value(json_object_get(j, "days"));
	row->priority = json_real_value(json_object_get(j, "priority"));
	const char *ex = json_string_value(json_object_get(j, "explain"));
	row->explain = ex ? strdup(ex) : NULL;
}

static void score_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	score_ctx *sc = ctx;
	if (res->case_text) {
		fputs(sc->n_json++ ? ",\n" : "\n", sc->out);
		fwrite(res->case_text, 1, res->case_len, sc->out);
	}
	const json_t *row = res->row;
	if (row) {
		sc->rows =
		    realloc(sc->rows, (sc->n_rows + 1) * sizeof(*sc->rows));
		if (!sc->rows)
			exit(70);
		row_of(&sc->rows[sc->n_rows++], row);
	}
}

static int cmd_score(const options *o, int argc, char **argv)
{
	int json = 0;
	if (o->format && strcmp(o->format, "json") == 0)
		json = 1;
	else if (o->format && strcmp(o->format, "table") != 0) {
		fprintf(stderr,
		        "appui score: unknown format '%s' (table or json)\n",
		        o->format);
		return EXIT_USAGE;
	}
	if (argc < 1) {
		fputs(usage_score, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	score_ctx sc = {0};
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	expand(&in, argv, argc, d);
	outfile out;
	rc = out_open(&out, o->output);
	if (rc)
		goto out;
	sc.out = out.f;
	if (json)
		ap_report_json_begin(out.f);
	batch_spec b = batch_of(
	    &s, o, &in, json ? BATCH_SCORE_JSON : BATCH_SCORE_TABLE, "scoring");
	b.on_result = score_result;
	b.ctx = &sc;
	int brc = batch_run(&b, d);
	if (brc) {
		/* Interrupted or failed: no partial output file. */
		out_close(&out, 0);
		print_diags(stderr, d, 0);
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	if (json)
		ap_report_json_end(out.f, d);
	else
		ap_report_rows(out.f, ap_host_themes(s.host),
		               ap_host_theme_count(s.host), sc.rows, sc.n_rows,
		               o->explain);
	/* Problems also go to stderr, where a person running the table sees
	 * them; JSON carries them in the document as well. */
	print_diags(stderr, d, 0);
	rc = out_close(&out, 1);
	if (!rc && ap_diags_errors(d))
		rc = EXIT_INVALID;
out:
	for (size_t i = 0; i < sc.n_rows; i++)
		ap_score_row_clear(&sc.rows[i]);
	free(sc.rows);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}

/* The campaign in use: --campaign, then the installed one. */
static char *campaign_path(const options *o)
{
	if (o->campaign)
		return strdup(o->campaign);
	char *installed = paths_campaign();
	if (installed && access(installed, F_OK) == 0)
		return installed;
	free(installed);
	return NULL;
}

static int load_campaign(const char *path, const setup *s, ap_campaign **out,
                         ap_diags *d, FILE *report)
{
	size_t nt = ap_host_theme_count(s->host);
	const char **themes = calloc(nt + 1, sizeof(*themes));
	if (!themes)
		exit(70);
	for (size_t i = 0; i < nt; i++)
		themes[i] = ap_host_theme_at(s->host, i);
	size_t before = ap_diags_count(d);
	int rc = ap_campaign_load(out, path, themes, nt, d);
	print_diags(report, d, before);
	free(themes);
	return rc;
}

/* A scored case, as a worker sent it, into the planner's input. */
static void plan_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	if (res->site)
		ap_plan_input_add_site(ctx, res->site);
}

static int cmd_plan(const options *o, int argc, char **argv)
{
	enum { TABLE, JSON, CSV } format = TABLE;
	if (o->format && strcmp(o->format, "json") == 0)
		format = JSON;
	else if (o->format && strcmp(o->format, "csv") == 0)
		format = CSV;
	else if (o->format && strcmp(o->format, "table") != 0) {
		fprintf(
		    stderr,
		    "appui plan: unknown format '%s' (table, json or csv)\n",
		    o->format);
		return EXIT_USAGE;
	}
	if (argc < 1) {
		fputs(usage_plan, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new(), *tmp = ap_diags_new();
	setup s;
	ap_campaign *campaign = NULL;
	ap_plan_input *input = NULL;
	ap_plan *plan = NULL;
	inputs in = {0};
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	char *cpath = campaign_path(o);
	if (!cpath) {
		fputs("appui plan: no campaign: give --campaign FILE\n",
		      stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	/* The campaign is checked whole before any case file is read. */
	int crc = load_campaign(cpath, &s, &campaign, d, stderr);
	if (crc != 0) {
		fprintf(
		    stderr,
		    "appui plan: the campaign %s has errors; nothing planned\n",
		    cpath);
		free(cpath);
		rc = EXIT_SETUP;
		goto out;
	}
	free(cpath);
	ap_diags_clear(d);

	expand(&in, argv, argc, d);
	input = ap_plan_input_new();
	batch_spec b = batch_of(&s, o, &in, BATCH_PLAN, "scoring");
	b.on_result = plan_result;
	b.ctx = input;
	int brc = batch_run(&b, d);
	if (brc) {
		print_diags(stderr, d, 0);
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	ap_plan_options popt = {.time_limit = o->time_limit};
	if (ap_plan_build(&plan, campaign, input, &popt, d) != 0) {
		print_diags(stderr, d, 0);
		rc = EXIT_SETUP;
		goto out;
	}
	outfile out;
	rc = out_open(&out, o->output);
	if (rc)
		goto out;
	if (format == JSON)
		ap_plan_json(out.f, plan, d);
	else if (format == CSV)
		ap_plan_csv(out.f, plan);
	else
		ap_plan_table(out.f, plan);
	rc = out_close(&out, 1);
	if (!rc && o->ics_dir && ap_plan_ics(plan, o->ics_dir, d) != 0)
		rc = EXIT_SETUP;
	print_diags(stderr, d, 0);
	if (!rc && ap_diags_errors(d))
		rc = EXIT_INVALID;
out:
	ap_plan_free(plan);
	ap_plan_input_free(input);
	ap_campaign_free(campaign);
	inputs_free(&in);
	ap_diags_free(d);
	ap_diags_free(tmp);
	setup_free(&s);
	return rc;
}

static const char *status_name(ap_plugin_status st)
{
	switch (st) {
	case AP_PLUGIN_LOADED:
		return "loaded";
	case AP_PLUGIN_REFUSED:
		return "refused";
	case AP_PLUGIN_DISABLED:
		return "disabled";
	case AP_PLUGIN_SHADOWED:
		return "shadowed";
	}
	return "?";
}

static int cmd_plugins(const options *o, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fputs(usage_plugins, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	int rc = setup_open(o, &s, 0, d, stderr);
	if (!s.host) {
		ap_diags_free(d);
		setup_free(&s);
		return rc ? rc : EXIT_SETUP;
	}
	printf("configuration: %s\n", ap_config_path(s.cfg)
	                                  ? ap_config_path(s.cfg)
	                                  : "(built-in defaults)");
	printf("plugin ABI: %d.%d\nsearch path:\n", AP_PLUGIN_ABI_MAJOR,
	       AP_PLUGIN_ABI_MINOR);
	for (size_t i = 0; i < s.n_dirs; i++)
		printf("  %s  (%s)\n", s.dirs[i].dir, s.dirs[i].origin);
	printf("plugins:\n");
	size_t n = ap_host_plugin_count(s.host);
	if (!n)
		printf("  none found\n");
	for (size_t i = 0; i < n; i++) {
		const ap_plugin_info *p = ap_host_plugin_at(s.host, i);
		printf("  %-9s %-10s", status_name(p->status),
		       p->theme ? p->theme : "-");
		if (p->version)
			printf(" %-8s", p->version);
		else
			printf(" %-8s", "-");
		if (p->abi_major >= 0)
			printf(" ABI %d.%d", p->abi_major, p->abi_minor);
		else
			printf(" ABI ?  ");
		printf("  %s\n", p->path);
		if (p->name && p->status == AP_PLUGIN_LOADED)
			printf("            %s\n", p->name);
		if (p->reason)
			printf("            %s\n", p->reason);
	}
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}

static int cmd_config(options *o, int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "check") != 0 || argc > 2) {
		fputs(usage_config, stderr);
		return EXIT_USAGE;
	}
	/* For a campaign, the host configuration named by --config (or the
	 * default one) says which themes exist. */
	const char *host_config = o->config;
	if (argc == 2)
		o->config = argv[1];
	setup s;
	memset(&s, 0, sizeof(s));
	const char *path = config_path(o, &s);
	if (!path) {
		printf("no configuration file in use: the built-in defaults "
		       "apply\n");
		setup_free(&s);
		return 0;
	}
	char *shown = strdup(path);
	setup_free(&s);
	ap_diags *d = ap_diags_new();
	if (ap_config_is_campaign(shown)) {
		/* A campaign: its themes are checked against the plugins of the
		 * configuration in use. */
		options host_opts = *o;
		host_opts.config = argc == 2 ? host_config : NULL;
		int rc = setup_open(&host_opts, &s, 0, d, stderr);
		ap_campaign *campaign = NULL;
		if (rc == 0 &&
		    load_campaign(shown, &s, &campaign, d, stdout) == 0)
			printf("%s: valid campaign (%zu firm%s)\n", shown,
			       campaign->n_firms,
			       campaign->n_firms == 1 ? "" : "s");
		else if (rc == 0)
			rc = EXIT_INVALID;
		ap_campaign_free(campaign);
		free(shown);
		ap_diags_free(d);
		setup_free(&s);
		return rc == 0 ? 0 : EXIT_INVALID;
	}
	/* Loading the plugins checks each theme's section against them; the
	 * problems are this command's output, so they go to stdout. */
	int rc = setup_open(o, &s, 0, d, stdout);
	if (rc == 0)
		printf("%s: valid (%zu plugin%s loaded)\n", shown,
		       ap_host_loaded_count(s.host),
		       ap_host_loaded_count(s.host) == 1 ? "" : "s");
	free(shown);
	ap_diags_free(d);
	setup_free(&s);
	return rc ? EXIT_INVALID : 0;
}

/* ---- main
 * ---------------------------------------------------------------------------
 */

int main(int argc, char **argv)
{
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
	    {NULL, 0, NULL, 0},
	};
	options o = {0};
	const char *dirs[64];
	const char *attach[256];
	o.plugin_dirs = dirs;
	o.attach = attach;
	int help = 0;
	const char *command = NULL;
	char *args[argc > 0 ? argc : 1];
	int n_args = 0;

	/* Options may come before or after the command and its arguments. */
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv,
		                     "+c:P:f:o:esqhVC:I:T:L:A:D:j:", long_opts,
		                     NULL);
		if (ch == -1) {
			if (optind >= argc)
				break;
			if (strcmp(argv[optind - 1], "--") == 0) {
				while (optind < argc)
					args[n_args++] = argv[optind++];
				break;
			}
			if (!command)
				command = argv[optind++];
			else
				args[n_args++] = argv[optind++];
			continue;
		}
		switch (ch) {
		case 'c':
			o.config = optarg;
			break;
		case 'P':
			if (o.n_plugin_dirs == 64) {
				fputs("appui: too many --plugin-dir options\n",
				      stderr);
				return EXIT_USAGE;
			}
			dirs[o.n_plugin_dirs++] = optarg;
			break;
		case 'f':
			o.format = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'e':
			o.explain = 1;
			break;
		case 's':
			o.strict = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			help = 1;
			break;
		case 'V':
			command = "version";
			break;
		case 'C':
			/* -C DIR is tar's "change to DIR" for extract;
			 * --campaign FILE for plan. */
			if (command && strcmp(command, "extract") == 0)
				o.target_dir = optarg;
			else
				o.campaign = optarg;
			break;
		case 'L':
			o.plan_file = optarg;
			break;
		case 'A':
			if (o.n_attach == sizeof attach / sizeof attach[0]) {
				fputs("appui: too many --attach options\n",
				      stderr);
				return EXIT_USAGE;
			}
			attach[o.n_attach++] = optarg;
			break;
		case 'D':
			o.target_dir = optarg;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 64) {
				fprintf(stderr,
				        "appui: --jobs wants a number of "
				        "workers, 1 to "
				        "64, not '%s'\n",
				        optarg);
				return EXIT_USAGE;
			}
			o.jobs = (int)v;
			break;
		}
		case 'I':
			o.ics_dir = optarg;
			break;
		case 'T': {
			char *end;
			o.time_limit = strtod(optarg, &end);
			if (*end || !(o.time_limit > 0) ||
			    o.time_limit > 86400) {
				fprintf(
				    stderr,
				    "appui: --time-limit wants seconds, more "
				    "than 0 and at most 86400, not '%s'\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		}
		default:
			if (optopt)
				fprintf(stderr,
				        "appui: option -%c: unknown or missing "
				        "its value\n",
				        optopt);
			else
				fprintf(stderr, "appui: unknown option '%s'\n",
				        argv[optind - 1]);
			fputs("try 'appui --help'\n", stderr);
			return EXIT_USAGE;
		}
	}

	if (!command) {
		fputs(usage_main, help ? stdout : stderr);
		return help ? 0 : EXIT_USAGE;
	}
	if (strcmp(command, "version") == 0) {
		printf("appui %s (plugin ABI %d.%d)\n", AP_VERSION,
		       AP_PLUGIN_ABI_MAJOR, AP_PLUGIN_ABI_MINOR);
		return 0;
	}
	struct {
		const char *name;
		const char *usage;
	} const helps[] = {
	    {"validate", usage_validate}, {"score", usage_score},
	    {"plan", usage_plan},         {"bundle", usage_bundle},
	    {"verify", usage_verify},     {"extract", usage_extract},
	    {"show", usage_show},         {"plugins", usage_plugins},
	    {"config", usage_config}};
	if (strcmp(command, "help") == 0) {
		/* appui help COMMAND is appui COMMAND --help. */
		if (n_args == 0) {
			fputs(usage_main, stdout);
			return 0;
		}
		command = args[0];
		help = 1;
		if (strcmp(command, "help") == 0 ||
		    strcmp(command, "version") == 0) {
			fputs(usage_main, stdout);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
		if (strcmp(command, helps[i].name) == 0 && help) {
			fputs(helps[i].usage, stdout);
			return 0;
		}
	}
	if (strcmp(command, "validate") == 0)
		return cmd_validate(&o, n_args, args);
	if (strcmp(command, "score") == 0)
		return cmd_score(&o, n_args, args);
	if (strcmp(command, "plan") == 0)
		return cmd_plan(&o, n_args, args);
	if (strcmp(command, "plugins") == 0)
		return cmd_plugins(&o, n_args, args);
	if (strcmp(command, "bundle") == 0)
		return cmd_bundle(&o, n_args, args);
	if (strcmp(command, "verify") == 0)
		return cmd_verify(&o, n_args, args);
	if (strcmp(command, "extract") == 0)
		return cmd_extract(&o, n_args, args);
	if (strcmp(command, "show") == 0)
		return cmd_show(&o, n_args, args);
	if (strcmp(command, "config") == 0)
		return cmd_config(&o, n_args, args);
	fprintf(stderr, "appui: unknown command '%s'\n%s", command, usage_main);
	return EXIT_USAGE;
}
