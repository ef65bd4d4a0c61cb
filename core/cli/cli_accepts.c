/*
 * Which options each command takes. An option that a command would ignore
 * is a usage error, not silence (docs/cli.md, "Options"): `appui validate
 * --budget-days 10` says that validate has no --budget-days. The sets are
 * per subcommand where a command has them (store add, mission held, ...).
 * check_cli holds each set to the command's --help: every option a
 * command takes is in its help.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* What a command that loads the configuration and plugins takes. */
#define SETUP "config plugin-dir "
/* ... and reads case files through the worker pool. */
#define BATCH SETUP "jobs strict "
/* ... or, with no file given, a store's latest versions. */
#define STORED "store site firm since "

typedef struct accepts {
	const char *command; /* "store add": a subcommand */
	const char *options; /* long names, each followed by a space */
} accepts;

static const accepts table[] = {
    {"validate", BATCH STORED "quiet "},
    {"score", BATCH STORED "explain format output "},
    {"plan", BATCH STORED "format output campaign ics budget-days "
                          "budget-euros firm-capacity against keep "
                          "fewest-changes save replan time-limit "},
    {"report", BATCH STORED "format output campaign plan time-limit "},
    {"history", BATCH "store format output "},
    {"followup", BATCH "store format output plan "},
    {"bundle", SETUP "store site strict format output plan attach "},
    {"verify", SETUP},
    {"extract", "directory quiet "},
    {"show", ""},
    {"plugins", SETUP},
    {"config", SETUP},
    {"serve", SETUP "jobs strict store listen "},
    {"store init", "config store "},
    {"store add", BATCH "store quiet "},
    {"store list", "config store site firm since all quiet "},
    {"store show", "config store version "},
    {"store export", "config store all "},
    {"store backup", "config store "},
    {"store check", "config store "},
    {"store rejected", "config store since quiet "},
    {"store audit", "config store since quiet "},
    {"account add", "config store firm coordinator administrator "},
    {"account list", "config store quiet "},
    {"account revoke", "config store "},
    {"token new", "config store "},
    {"mission plans", "config store quiet "},
    {"mission list", "config store plan site format output "},
    {"mission confirm", "config store "},
    {"mission held", "config store from to "},
    {"mission cancel", "config store "},
};

/* The set of `command`, or of "command sub"; NULL when there is none (an
 * unknown subcommand: the command says so itself). */
static const char *options_of(const char *command, const char *sub)
{
	char key[64];
	snprintf(key, sizeof key, "%s %s ", command, sub ? sub : "");
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		size_t n = strlen(table[i].command);
		if (strcmp(table[i].command, command) == 0 ||
		    (strncmp(table[i].command, key, n) == 0 && key[n] == ' '))
			return table[i].options;
	}
	return NULL;
}

int cli_takes(const char *command, const char *sub, const char *name)
{
	const char *set = options_of(command, sub);
	if (!set)
		return 1;
	size_t n = strlen(name);
	for (const char *p = strstr(set, name); p; p = strstr(p + 1, name))
		if ((p == set || p[-1] == ' ') && p[n] == ' ')
			return 1;
	return 0;
}

int cli_refuse_ignored(const cli_args *a)
{
	const char *sub = a->n_args ? a->args[0] : NULL;
	for (size_t i = 0; i < a->n_given; i++) {
		const char *name = a->given[i];
		if (cli_takes(a->command, sub, name))
			continue;
		int has_sub = options_of(a->command, NULL) == NULL;
		fprintf(stderr,
		        _("appui %s%s%s: --%s is not an option of this command "
		          "(appui %s --help lists them)\n"),
		        a->command, has_sub ? " " : "",
		        has_sub ? SHOWN(sub) : "", name, a->command);
		return EXIT_USAGE;
	}
	return 0;
}

/* The table's keys that start with `command` (all of them for NULL). */
static int key_of(const accepts *t, const char *command)
{
	if (!command)
		return 1;
	size_t n = strlen(command);
	return strncmp(t->command, command, n) == 0 &&
	       (t->command[n] == '\0' || t->command[n] == ' ');
}

int cli_takes_any(const char *command, const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (key_of(&table[i], command) &&
		    cli_takes(table[i].command, NULL, name))
			return 1;
	return 0;
}

int cli_print_options(FILE *out, int argc, char **argv)
{
	if (argc == 0) {
		for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
			fprintf(out, "%s\n", table[i].command);
		return 0;
	}
	const char *set = options_of(argv[0], argc > 1 ? argv[1] : NULL);
	int known = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		known |= key_of(&table[i], argv[0]);
	if (!set || !known) {
		fprintf(stderr, _("appui options: no command '%s%s%s'\n"),
		        SHOWN(argv[0]), argc > 1 ? " " : "",
		        argc > 1 ? SHOWN(argv[1]) : "");
		return EXIT_USAGE;
	}
	for (const char *p = set; *p;) {
		size_t n = strcspn(p, " ");
		fprintf(out, "--%.*s\n", (int)n, p);
		p += n + (p[n] == ' ');
	}
	return 0;
}
