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
#include "paths.h"

enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_SETUP = 3 };

typedef struct options {
	const char *config;
	const char *campaign;
	const char *ics_dir;
	double time_limit;
	const char *output;
	const char *format;
	const char **plugin_dirs;
	size_t n_plugin_dirs;
	int strict, explain, quiet;
} options;

typedef struct setup {
	ap_config *cfg;
	ap_host *host;
	ap_reader *reader;
	ap_search_dir *dirs;
	size_t n_dirs;
	char **owned; /* strings the search path points to */
	size_t n_owned;
} setup;

/* ---- help -------------------------------------------------------------------
 */

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

static void print_diags(FILE *out, const ap_diags *d, size_t from)
{
	for (size_t i = from; i < ap_diags_count(d); i++)
		ap_diag_print(out, ap_diags_at(d, i));
}

/* ---- set-up -----------------------------------------------------------------
 */

static void setup_free(setup *s)
{
	ap_reader_free(s->reader);
	ap_host_free(s->host);
	ap_config_free(s->cfg);
	for (size_t i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->dirs);
	memset(s, 0, sizeof(*s));
}

static char *own(setup *s, char *str)
{
	s->owned = realloc(s->owned, (s->n_owned + 1) * sizeof(*s->owned));
	if (!s->owned) {
		fputs("appui: out of memory\n", stderr);
		exit(70);
	}
	s->owned[s->n_owned++] = str;
	return str;
}

static void add_dir(setup *s, const char *dir, const char *origin)
{
	s->dirs = realloc(s->dirs, (s->n_dirs + 1) * sizeof(*s->dirs));
	if (!s->dirs) {
		fputs("appui: out of memory\n", stderr);
		exit(70);
	}
	s->dirs[s->n_dirs++] = (ap_search_dir){dir, origin};
}

/* The configuration in use: --config, $APPUI_CONFIG, then the installed one,
 * then the built-in defaults. */
static const char *config_path(const options *o, setup *s)
{
	if (o->config)
		return o->config;
	const char *env = getenv("APPUI_CONFIG");
	if (env && *env)
		return env;
	char *installed = paths_config();
	if (installed && access(installed, F_OK) == 0)
		return own(s, installed);
	free(installed);
	return NULL;
}

/*
 * Loads the configuration and the plugins. With `want_reader`, also the
 * schema. Problems go to stderr; returns 0 or EXIT_SETUP.
 */
static int setup_open(const options *o, setup *s, int want_reader, ap_diags *d,
                      FILE *report)
{
	memset(s, 0, sizeof(*s));
	const char *path = config_path(o, s);
	if (path) {
		if (ap_config_load(&s->cfg, path, d) != 0) {
			print_diags(report, d, 0);
			fprintf(report,
			        "appui: the configuration %s has errors\n",
			        path);
			return EXIT_SETUP;
		}
	} else {
		s->cfg = ap_config_defaults();
	}
	const ap_config *cfg = s->cfg;

	for (size_t i = 0; i < o->n_plugin_dirs; i++)
		add_dir(s, o->plugin_dirs[i], "--plugin-dir");
	const char *env = getenv("APPUI_PLUGIN_PATH");
	if (env && *env) {
		char *copy = own(s, strdup(env));
		char *save = NULL;
		for (char *p = strtok_r(copy, ":", &save); p;
		     p = strtok_r(NULL, ":", &save))
			add_dir(s, p, "APPUI_PLUGIN_PATH");
	}
	for (size_t i = 0; i < ap_config_plugin_dir_count(cfg); i++)
		add_dir(s, ap_config_plugin_dir_at(cfg, i), "plugin_path");
	char *installed = paths_plugins();
	if (installed)
		add_dir(s, own(s, installed), "installed");

	size_t before = ap_diags_count(d);
	int host_rc = ap_host_open(&s->host, cfg, s->dirs, s->n_dirs, d);
	print_diags(report, d, before);
	if (host_rc != 0) {
		fprintf(report, "appui: the configuration %s has errors\n",
		        ap_config_path(cfg) ? ap_config_path(cfg)
		                            : "(defaults)");
		return EXIT_SETUP;
	}
	ap_diags_clear(d);
	if (!want_reader)
		return 0;
	if (ap_host_loaded_count(s->host) == 0) {
		fputs("appui: no theme plugin could be loaded; see 'appui "
		      "plugins'\n",
		      stderr);
		return EXIT_SETUP;
	}
	char *schema = ap_config_schema(cfg) ? strdup(ap_config_schema(cfg))
	                                     : paths_schema();
	if (!schema) {
		fputs("appui: cannot locate the case file schema "
		      "(casefile.xsd); set "
		      "'schema' in the configuration\n",
		      stderr);
		return EXIT_SETUP;
	}
	own(s, schema);
	if (ap_reader_new(&s->reader, schema, ap_config_max_file_bytes(cfg),
	                  d) != 0) {
		print_diags(stderr, d, 0);
		return EXIT_SETUP;
	}
	return 0;
}

/* ---- inputs
 * ------------------------------------------------------------------ */

typedef struct inputs {
	char **paths;
	size_t n, cap;
} inputs;

static void inputs_add(inputs *in, char *path)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->paths = realloc(in->paths, in->cap * sizeof(*in->paths));
		if (!in->paths) {
			fputs("appui: out of memory\n", stderr);
			exit(70);
		}
	}
	in->paths[in->n++] = path;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_xml_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

/* Case files of a folder, recursively, in name order at each level. */
static void expand_dir(inputs *in, const char *dir, ap_diags *d, int depth)
{
	if (depth > 32) {
		ap_diags_add(d, AP_ERROR, dir, 0, "",
		             "folders nested too deeply");
		return;
	}
	DIR *dh = opendir(dir);
	if (!dh) {
		ap_diags_add(d, AP_ERROR, dir, 0, "", "cannot open folder: %s",
		             strerror(errno));
		return;
	}
	inputs names = {0};
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		inputs_add(&names, strdup(e->d_name));
	}
	closedir(dh);
	if (names.n)
		qsort(names.paths, names.n, sizeof(char *), cmp_names);
	size_t dl = strlen(dir);
	for (size_t i = 0; i < names.n; i++) {
		size_t len = dl + 1 + strlen(names.paths[i]) + 1;
		char *path = malloc(len);
		if (!path) {
			fputs("appui: out of memory\n", stderr);
			exit(70);
		}
		snprintf(path, len, "%s%s%s", dir,
		         dir[dl - 1] == '/' ? "" : "/", names.paths[i]);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			expand_dir(in, path, d, depth + 1);
			free(path);
		} else if (has_xml_suffix(names.paths[i])) {
			inputs_add(in, path);
		} else {
			free(path);
		}
		free(names.paths[i]);
	}
	free(names.paths);
}

static void expand(inputs *in, char **args, int n, ap_diags *d)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
			expand_dir(in, args[i], d, 0);
		else
			inputs_add(
			    in,
			    strdup(args[i])); /* the reader reports problems */
	}
}

static void inputs_free(inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->paths[i]);
	free(in->paths);
}

/* Progress on a terminal only; pipes and files stay quiet. */
static void progress(const char *verb, size_t done, size_t total)
{
	static int tty = -1;
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty || total < 200)
		return;
	if (done == total || done % (total / 100 ? total / 100 : 1) == 0)
		fprintf(stderr, "\r%s %zu/%zu%s", verb, done, total,
		        done == total ? "\n" : "");
}

/* ---- atomic output
 * -------------------------------------------------------------- */

typedef struct outfile {
	FILE *f;
	char *tmp;
	const char *final;
} outfile;

static int out_open(outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	/* A device or a pipe (-o /dev/stdout, a FIFO) is written in place:
	 * renaming a file over it would replace it. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			fprintf(stderr,
			        "appui: %s: is a folder, not an output file\n",
			        path);
			return EXIT_SETUP;
		}
		o->f = fopen(path, "w");
		if (!o->f) {
			fprintf(stderr,
			        "appui: %s: cannot open for writing: %s\n",
			        path, strerror(errno));
			return EXIT_SETUP;
		}
		o->final = path;
		return 0;
	}
	size_t n = strlen(path) + 16;
	o->tmp = malloc(n);
	if (!o->tmp)
		exit(70);
	snprintf(o->tmp, n, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		fprintf(stderr,
		        "appui: %s: cannot create the output file: %s\n", path,
		        strerror(errno));
		free(o->tmp);
		return EXIT_SETUP;
	}
	o->f = fdopen(fd, "w");
	o->final = path;
	return 0;
}

/* Commits the output (rename) when `ok`, removes it otherwise. */
static int out_close(outfile *o, int ok)
{
	int rc = 0;
	if (!o->tmp) {
		/* stdout, or a device written in place. */
		if (fflush(o->f) != 0 || ferror(o->f)) {
			fprintf(stderr, "appui: cannot write the output: %s\n",
			        strerror(errno));
			rc = EXIT_SETUP;
		}
		if (o->f != stdout)
			fclose(o->f);
		return rc;
	}
	if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0 || ferror(o->f)) {
		fprintf(stderr, "appui: %s: cannot write the output: %s\n",
		        o->final, strerror(errno));
		rc = EXIT_SETUP;
	}
	if (fclose(o->f) != 0 && rc == 0) {
		fprintf(stderr, "appui: %s: cannot write the output: %s\n",
		        o->final, strerror(errno));
		rc = EXIT_SETUP;
	}
	if (rc == 0 && ok && rename(o->tmp, o->final) != 0) {
		fprintf(stderr,
		        "appui: %s: cannot move the output in place: %s\n",
		        o->final, strerror(errno));
		rc = EXIT_SETUP;
	}
	if (rc != 0 || !ok)
		unlink(o->tmp);
	free(o->tmp);
	return rc;
}

/* ---- commands
 * ----------------------------------------------------------------- */

/* Reads and checks one file. Problems go to `d` (strict turns warnings into
 * errors). Returns the case or NULL. */
static ap_case *load_case(setup *s, const options *o, const char *path,
                          ap_diags *d, ap_diags *tmp)
{
	ap_case *c = NULL;
	ap_diags_clear(tmp);
	if (ap_reader_read_file(s->reader, path, &c, tmp) == 0)
		ap_host_check_case(s->host, c, tmp);
	int bad =
	    ap_diags_errors(tmp) > 0 || (o->strict && ap_diags_count(tmp) > 0);
	ap_diags_move(d, tmp, o->strict);
	if (bad) {
		ap_case_free(c);
		return NULL;
	}
	return c;
}

static int cmd_validate(const options *o, int argc, char **argv)
{
	if (argc < 1) {
		fputs(usage_validate, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new(), *tmp = ap_diags_new();
	setup s;
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc) {
		ap_diags_free(d);
		ap_diags_free(tmp);
		setup_free(&s);
		return rc;
	}
	inputs in = {0};
	expand(&in, argv, argc, d);
	print_diags(stdout, d, 0);
	size_t invalid = ap_diags_errors(d), warnings = 0, valid = 0;
	for (size_t i = 0; i < in.n; i++) {
		size_t before = ap_diags_count(d), errs = ap_diags_errors(d);
		ap_case *c = load_case(&s, o, in.paths[i], d, tmp);
		print_diags(stdout, d, before);
		warnings +=
		    (ap_diags_count(d) - before) - (ap_diags_errors(d) - errs);
		if (c)
			valid++;
		else
			invalid++;
		ap_case_free(c);
		ap_diags_clear(d);
		progress("validating", i + 1, in.n);
	}
	if (!o->quiet)
		printf("%zu file%s: %zu valid, %zu invalid, %zu warning%s\n",
		       in.n, in.n == 1 ? "" : "s", valid, invalid, warnings,
		       warnings == 1 ? "" : "s");
	inputs_free(&in);
	ap_diags_free(d);
	ap_diags_free(tmp);
	setup_free(&s);
	return invalid ? EXIT_INVALID : 0;
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
	ap_diags *d = ap_diags_new(), *tmp = ap_diags_new();
	setup s;
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc) {
		ap_diags_free(d);
		ap_diags_free(tmp);
		setup_free(&s);
		return rc;
	}
	inputs in = {0};
	expand(&in, argv, argc, d);

	outfile out;
	rc = out_open(&out, o->output);
	if (rc) {
		inputs_free(&in);
		ap_diags_free(d);
		ap_diags_free(tmp);
		setup_free(&s);
		return rc;
	}
	/* JSON streams case by case; the table needs every result to sort. */
	const ap_case_result **kept = NULL;
	ap_case **cases = NULL;
	size_t n_kept = 0, n_json = 0;
	if (!json) {
		kept = calloc(in.n + 1, sizeof(*kept));
		cases = calloc(in.n + 1, sizeof(*cases));
		if (!kept || !cases)
			exit(70);
	} else {
		ap_report_json_begin(out.f);
	}
	for (size_t i = 0; i < in.n; i++) {
		ap_case *c = load_case(&s, o, in.paths[i], d, tmp);
		progress("scoring", i + 1, in.n);
		if (!c)
			continue;
		ap_case_result *r = NULL;
		ap_diags_clear(tmp);
		ap_host_score(s.host, c, &r, tmp);
		ap_diags_move(d, tmp, o->strict);
		if (json) {
			ap_report_json_case(out.f, r, n_json++);
			ap_case_result_free(r);
			ap_case_free(c);
		} else {
			kept[n_kept] = r;
			cases[n_kept++] = c;
		}
	}
	if (json) {
		ap_report_json_end(out.f, d);
	} else {
		ap_report_table(out.f, s.host, kept, n_kept, o->explain);
	}
	/* Problems also go to stderr, where a person running the table sees
	 * them; JSON carries them in the document as well. */
	print_diags(stderr, d, 0);
	rc = out_close(&out, 1);
	size_t errors = ap_diags_errors(d);
	for (size_t i = 0; i < n_kept; i++) {
		ap_case_result_free((ap_case_result *)kept[i]);
		ap_case_free(cases[i]);
	}
	free(kept);
	free(cases);
	inputs_free(&in);
	ap_diags_free(d);
	ap_diags_free(tmp);
	setup_free(&s);
	if (rc)
		return rc;
	return errors ? EXIT_INVALID : 0;
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
	for (size_t i = 0; i < in.n; i++) {
		ap_case *c = load_case(&s, o, in.paths[i], d, tmp);
		progress("scoring", i + 1, in.n);
		if (!c)
			continue;
		ap_case_result *r = NULL;
		ap_diags_clear(tmp);
		ap_host_score(s.host, c, &r, tmp);
		ap_diags_move(d, tmp, o->strict);
		ap_plan_input_add(input, r);
		ap_case_result_free(r);
		ap_case_free(c);
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
	    {NULL, 0, NULL, 0},
	};
	options o = {0};
	const char *dirs[64];
	o.plugin_dirs = dirs;
	int help = 0;
	const char *command = NULL;
	char *args[argc > 0 ? argc : 1];
	int n_args = 0;

	/* Options may come before or after the command and its arguments. */
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv,
		                     "+c:P:f:o:esqhVC:I:T:", long_opts, NULL);
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
			o.campaign = optarg;
			break;
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
	} const helps[] = {{"validate", usage_validate},
	                   {"score", usage_score},
	                   {"plan", usage_plan},
	                   {"plugins", usage_plugins},
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
	if (strcmp(command, "config") == 0)
		return cmd_config(&o, n_args, args);
	fprintf(stderr, "appui: unknown command '%s'\n%s", command, usage_main);
	return EXIT_USAGE;
}
