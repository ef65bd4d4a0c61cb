/*
 * appui: the command. A thin front end over libappui: it finds the
 * installation (relative to its own executable, so an installed tree works in
 * any prefix with no environment variable), expands the inputs, and prints.
 *
 * Exit status (docs/cli.md):
 *   0  success: every input valid (warnings allowed)
 *   1  some input is invalid or a theme could not be scored; the rest of the
 *      batch was still processed
 *   2  usage error: unknown command or option, missing argument, an output
 *      that is an input (refused, nothing written)
 *   3  set-up error: bad configuration, unreadable schema, no plugin loaded,
 *      output file not writable, standard output not writable
 *  70  internal error (out of memory)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "cli.h"
#include "paths.h"

static const char usage_main[] = N_(
    "usage: appui [--config FILE] [--plugin-dir DIR]... COMMAND [ARGS]\n"
    "\n"
    "Scores site diagnostics of the USH solidarity-support scheme (dispositif\n"
    "d'appui solidaire) and turns them into 3-6 day support missions.\n"
    "\n"
    "commands:\n"
    "  validate FILE|DIR...   check case files; print FILE:LINE: FIELD: "
    "message\n"
    "  score FILE|DIR...      score case files; table, --explain, --format "
    "json|csv\n"
    "  plan FILE|DIR...       score and plan the missions of a campaign\n"
    "  report FILE|DIR...     the report: ranked sites, a page per site, the\n"
    "                         plan (--campaign); HTML or xlsx\n"
    "  history SITE-ID [FILE|DIR...]\n"
    "                         a site over time: its diagnostics by date and\n"
    "                         the change of each theme from one to the next\n"
    "  bundle -o OUT FILE...  archive a site's case bundle (BagIt bag)\n"
    "  verify BUNDLE|FOLDER...\n"
    "                         check a bundle's manifests and re-score its "
    "case\n"
    "  extract BUNDLE -C DIR  extract a bundle safely\n"
    "  show BUNDLE            describe a bundle\n"
    "  plugins                list the plugins found, loaded and refused, and "
    "why\n"
    "  config check [FILE]    check a configuration file\n"
    "  store SUBCOMMAND       the store: init, add, list, show, export,\n"
    "                         backup, check, rejected, audit\n"
    "  account SUBCOMMAND     the store's accounts: add, list, revoke\n"
    "  token new ACCOUNT      a new token for an account, shown once\n"
    "  serve                  the intake service: firms upload, coordinators\n"
    "                         read (docs/service.md)\n"
    "  mission SUBCOMMAND     saved plans' missions: plans, list, confirm,\n"
    "                         held, cancel (docs/followup.md)\n"
    "  followup               a saved campaign's outcome: the sites whose\n"
    "                         mission was held, before and after\n"
    "  version                print the version and the plugin ABI\n"
    "  help [COMMAND]         this help, or a command's\n"
    "\n"
    "common options:\n"
    "  -c, --config FILE      configuration (default: $APPUI_CONFIG, then the\n"
    "                         installed etc/appui/appui.cfg)\n"
    "  -P, --plugin-dir DIR   search DIR for plugins first (repeatable)\n"
    "      --store FILE       the store (default: store.path of the\n"
    "                         configuration)\n"
    "  -h, --help             help for a command: appui COMMAND --help\n"
    "  -V, --version          print the version and the plugin ABI\n"
    "\n"
    "exit status: 0 all valid, 1 some input invalid, 2 usage error,\n"
    "3 set-up error (configuration, schema, plugins, output). See "
    "docs/cli.md.\n");

/* Every command: its name, its --help text and what runs it. */
typedef struct command {
	const char *name;
	const char *usage;
	int (*run)(const options *o, int argc, char **argv);
} command;

static const command commands[] = {
    {"validate", usage_validate, cmd_validate},
    {"score", usage_score, cmd_score},
    {"plan", usage_plan, cmd_plan},
    {"bundle", usage_bundle, cmd_bundle},
    {"verify", usage_verify, cmd_verify},
    {"extract", usage_extract, cmd_extract},
    {"show", usage_show, cmd_show},
    {"plugins", usage_plugins, cmd_plugins},
    {"config", usage_config, cmd_config},
    {"store", usage_store, cmd_store},
    {"account", usage_account, cmd_account},
    {"token", usage_token, cmd_token},
    {"serve", usage_serve, cmd_serve},
    {"report", usage_report, cmd_report},
    {"mission", usage_mission, cmd_mission},
    {"followup", usage_followup, cmd_followup},
    {"history", usage_history, cmd_history},
};

static const command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static int print_version(void)
{
	printf(_("appui %s (plugin ABI %d.%d)\n"), AP_VERSION,
	       AP_PLUGIN_ABI_MAJOR, AP_PLUGIN_ABI_MINOR);
	fputs(
	    _("Copyright (c) 2026 the appui authors.\n"
	      "License MIT: <https://opensource.org/licenses/MIT>.\n"
	      "This is free software: you are free to change and redistribute "
	      "it.\n"
	      "There is NO WARRANTY, to the extent permitted by law.\n"),
	    stdout);
	return 0;
}

/* After a command's --help: the common options it takes. */
static void print_common(const char *name)
{
	static const struct {
		const char *option, *line;
	} common[] = {
	    {"config", N_("  -c, --config FILE      configuration (default: "
	                  "$APPUI_CONFIG, then the\n"
	                  "                         installed appui.cfg)\n")},
	    {"plugin-dir", N_("  -P, --plugin-dir DIR   search DIR for plugins "
	                      "first (repeatable)\n")},
	    {"jobs", N_("  -j, --jobs N           worker processes, 1 to 64 "
	                "(default: one per core)\n")},
	};
	fputs(_("\ncommon options:\n"), stdout);
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (cli_takes_any(name, common[i].option))
			fputs(_(common[i].line), stdout);
	fputs(_("  -h, --help             this help\n"), stdout);
}

int main(int argc, char **argv)
{
	cli_stdout_open();
	leave_clean_on_signals();
	char *localedir = paths_locale();
	ap_i18n_init(localedir);
	free(localedir);
	options o = {0};
	const char *dirs[CLI_MAX_PLUGIN_DIRS];
	const char *attach[CLI_MAX_ATTACH];
	const char *capacities[CLI_MAX_CAPACITIES];
	static const char *keep[CLI_MAX_KEEP];
	o.keep = keep;
	o.plugin_dirs = dirs;
	o.attach = attach;
	o.capacities = capacities;
	cli_args a = {.args = argc > 0 ? calloc((size_t)argc, sizeof(char *))
	                               : NULL};
	if (argc > 0 && !a.args)
		ap_oom();
	int rc = cli_parse(&a, &o, argc, argv);
	if (rc >= 0)
		goto out;
	const char *name = a.command;
	if (!name) {
		fputs(_(usage_main), a.help ? stdout : stderr);
		rc = a.help ? 0 : EXIT_USAGE;
		goto out;
	}
	if (strcmp(name, "version") == 0) {
		rc = print_version();
		goto out;
	}
	/* appui help COMMAND is appui COMMAND --help. */
	if (strcmp(name, "help") == 0) {
		name = a.n_args ? a.args[0] : "help";
		a.help = 1;
	}
	const command *cmd = find_command(name);
	if (strcmp(name, "options") == 0) {
		rc = cli_print_options(stdout, a.n_args, a.args);
	} else if (cmd && a.help) {
		fputs(_(cmd->usage), stdout);
		print_common(name);
		rc = 0;
	} else if (cmd) {
		rc = cli_refuse_ignored(&a);
		if (!rc)
			rc = cmd->run(&o, a.n_args, a.args);
	} else if (strcmp(name, "help") == 0 || strcmp(name, "version") == 0) {
		fputs(_(usage_main), stdout);
		rc = 0;
	} else {
		fprintf(stderr, _("appui: unknown command '%s'\n%s"),
		        SHOWN(name), _(usage_main));
		rc = EXIT_USAGE;
	}
out:
	free(a.args);
	ap_shown_free(&cli_shown);
	return cli_stdout_done(rc);
}
