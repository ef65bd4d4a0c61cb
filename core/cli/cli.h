/*
 * What the appui command's subcommands share: options, set-up (configuration,
 * plugins, schema), input expansion, atomic output, outputs that are inputs.
 */
#ifndef APPUI_CLI_H
#define APPUI_CLI_H

#include <stdio.h>
#include <sys/types.h>

#include "appui/appui.h"

/* What people read, in their language (appui/i18n.h); N_() marks a string
 * translated where it is shown. Never for what programs read. */
#define _(text)  ap_tr(text)
#define N_(text) AP_N_(text)

/* The exit statuses, as ap_status_exit_code() gives them for AP_EINVALID,
 * AP_EUSAGE and AP_ESETUP (the values docs/cli.md documents, tested in
 * check_util). */
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
	int jobs; /* worker processes; 0: one per core */
	/* bundle, extract */
	const char
	    *plan_file;      /* --plan: a plan JSON to take the mission from */
	const char **attach; /* --attach FILE, repeatable */
	size_t n_attach;
	const char *target_dir; /* -C DIR */
	/* plan: what-if settings for one run, and a plan to compare with */
	int set_budget_days, set_budget_euros;
	long long budget_days;   /* --budget-days N */
	double budget_euros;     /* --budget-euros X */
	const char **capacities; /* --firm-capacity FIRM=N, repeatable */
	size_t n_capacities;
	const char *against; /* --against PLAN.json */
	const char **keep;   /* --keep SITE: that site's mission of --against
	                        stays as it is; repeatable */
	size_t n_keep;
	int fewest_changes; /* --fewest-changes, with --against */
	int save;           /* --save: the plan into the store */
	const char *replan; /* --replan PLAN-ID: re-plan a saved plan */
	const char *held_from, *held_to; /* mission held --from D --to D */
	/* store, account, token */
	const char *store;  /* --store FILE */
	const char *site;   /* --site S: store list */
	const char *firm;   /* --firm F: store list, account add */
	const char *since;  /* --since DATE: store list */
	int all;            /* --all: every version (store list, export) */
	int version_n;      /* --version N after 'store': store show */
	int coordinator;    /* account add --coordinator */
	int administrator;  /* account add --administrator */
	const char *listen; /* serve --listen ADDRESS:PORT */
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

typedef struct inputs {
	char **paths;
	size_t n, cap;
	size_t unreadable; /* folders that could not be read (each an error) */
	/* Read from a store (gather_inputs()): paths[i] is the name the
	 * latest version of case case_ids[i] was sent under, versions[i] its
	 * number; store_file is the store. All NULL for files on disk. */
	char **case_ids;
	int *versions;
	char *store_file;
	/* "-" among the arguments: standard input, read whole once (at most
	 * AP_MAX_FILE_BYTES + 1 bytes); its path is "-". */
	char *stdin_body;
	size_t stdin_size;
} inputs;

typedef struct outfile {
	FILE *f;
	ap_atomic atomic; /* a file: written whole or not at all */
	int is_atomic;
	const char *final;
} outfile;

/* Text from outside (paths, names, what a file or a plugin says) as the
 * command shows it: inert (appui/text.h). The copies live in `cli_shown`,
 * freed when the command ends. */
extern ap_shown cli_shown;
#define SHOWN(s) ap_shown_text(&cli_shown, (s))

/* Prints problems from index `from` on, one per line. */
void print_diags(FILE *out, const ap_diags *d, size_t from);

/* Loads the configuration and the plugins, and with `want_reader` the
 * schema; problems go to `report`. Returns 0 or EXIT_SETUP. */
int setup_open(const options *o, setup *s, int want_reader, ap_diags *d,
               FILE *report);
void setup_free(setup *s);

/* The configuration in use: --config, $APPUI_CONFIG, the installed one,
 * or NULL for the built-in defaults. */
const char *config_path(const options *o, setup *s);

/* Files and folders (searched for *.xml, in name order) into `in`, "-" for
 * standard input (once). A folder that cannot be read is an error in `d`,
 * counted in in->unreadable. */
void expand(inputs *in, char **args, int n, ap_diags *d);
void inputs_free(inputs *in);
/* Whether input `i` is standard input. */
int input_is_stdin(const inputs *in, size_t i);

/* "verb 120/10000" on a terminal, nothing in a pipe. */
void progress(const char *verb, size_t done, size_t total);

/* Output to `path` (NULL or "-": stdout): a temporary file renamed on
 * out_close(o, 1), removed on out_close(o, 0); devices in place. */
int out_open(outfile *o, const char *path);
int out_close(outfile *o, int ok);

/* The files a command reads, by device and inode: an output that is one of
 * them (through a symbolic or a hard link too) is refused before anything
 * is written (docs/cli.md, "Outputs never replace inputs"). */
typedef struct input_id {
	dev_t dev;
	ino_t ino;
	const char *path; /* as given; not owned */
} input_id;

typedef struct input_ids {
	input_id *v;
	size_t n;
} input_ids;

/* Adds the paths that exist (each stat()ed once); NULL entries are
 * skipped. */
void input_ids_add(input_ids *ids, const char *const *paths, size_t n);
void input_ids_free(input_ids *ids);
/* 0, or EXIT_USAGE after "appui CMD: the output OUT is the input IN:
 * refused, nothing written" when `output` (followed if a link) is one of
 * `ids`. NULL and "-" (standard output) are never inputs. */
int refuse_output_onto_inputs(const char *cmd, const input_ids *ids,
                              const char *output);

/* The campaign in use: --campaign, then the installed one; NULL when
 * there is none (to free). */
char *campaign_path(const options *o);
/* Loads the campaign at `path`, its themes checked against the host's
 * plugins; problems are printed to `report`. Returns 0 or -1. */
int load_campaign(const char *path, const setup *s, ap_campaign **out,
                  ap_diags *d, FILE *report);

#define CLI_MAX_PLUGIN_DIRS 64
#define CLI_MAX_ATTACH      256
#define CLI_MAX_CAPACITIES  256
#define CLI_MAX_KEEP        4096
#define CLI_MAX_GIVEN       64

/* Splits "FIRM=N" (--firm-capacity) at its last '=': the firm's id (to
 * free) and N, a whole decimal number. Returns 0, or -1 when the text is
 * not of that form. */
int cli_firm_capacity(const char *arg, char **firm, long long *capacity);

/* Standard output through a stream that keeps its first write error
 * (cli_stdout.c): opened first thing in main(); cli_stdout_done(rc) closes
 * it and gives `rc`, or EXIT_SETUP (said on stderr) when it could not be
 * written. */
void cli_stdout_open(void);
int cli_stdout_done(int rc);

/* The first SIGINT, SIGTERM or SIGHUP cancels the operation under way
 * (ap_cancel()), which cleans up and returns AP_EINTERRUPTED; a second one
 * ends the process (cli_signals.c). cancel_off() restores what was there. */
void cancel_on_signals(void);
void cancel_off(void);
/* From main(): a signal removes the temporaries of the output files being
 * written, then ends the process as it would have. */
void leave_clean_on_signals(void);

/* What the command line gave besides the options (cli_args.c). */
typedef struct cli_args {
	const char *command; /* NULL when none was given */
	char **args;         /* room for argc; the command's arguments */
	int n_args;
	int help; /* --help */
	/* The options given, by long name (--help and appui's --version
	 * aside), each once. */
	const char *given[CLI_MAX_GIVEN];
	size_t n_given;
} cli_args;

/* Parses argv into `a` and `o`. Returns -1 to go on, or an exit status
 * (after printing why). */
int cli_parse(cli_args *a, options *o, int argc, char **argv);

/* Whether `command` (with its subcommand `sub`, or NULL) takes the long
 * option `name`; an unknown command takes everything (cli_accepts.c). */
int cli_takes(const char *command, const char *sub, const char *name);
/* 0, or EXIT_USAGE after saying which option given `a->command` ignores. */
int cli_refuse_ignored(const cli_args *a);
/* Whether `command` or any of its subcommands takes `name`. */
int cli_takes_any(const char *command, const char *name);
/* appui options [COMMAND [SUB]]: the commands, or the long options that
 * COMMAND takes, one per line (for shell completion and the tests). */
int cli_print_options(FILE *out, int argc, char **argv);

/* The commands, one file each (cmd_NAME.c): usage text and entry point. */
#define CLI_COMMAND(name)                 \
	extern const char usage_##name[]; \
	int cmd_##name(const options *o, int argc, char **argv)
CLI_COMMAND(validate);
CLI_COMMAND(score);
CLI_COMMAND(plan);
CLI_COMMAND(bundle);
CLI_COMMAND(verify);
CLI_COMMAND(extract);
CLI_COMMAND(show);
CLI_COMMAND(plugins);
CLI_COMMAND(config);
CLI_COMMAND(store);
CLI_COMMAND(account);
CLI_COMMAND(token);
CLI_COMMAND(serve);
CLI_COMMAND(report);
CLI_COMMAND(mission);
CLI_COMMAND(followup);
CLI_COMMAND(history);

/* The store a command uses (cli_store.c): --store FILE, then store.path of
 * `cfg` (NULL: the configuration in use is loaded for it). Opened (created
 * with `create`) with the time of $APPUI_NOW when it is set. Problems are
 * printed to stderr. Returns 0 and `*out`, or an exit status. */
struct ap_store;
int open_store(const options *o, const ap_config *cfg, int create,
               struct ap_store **out);
/*
 * The case files of validate, score and plan: FILE|DIR... (expanded), or,
 * with none and a store in use (--store, store.path), the latest version of
 * each case in the store (filtered by --site, --firm, --since), in order of
 * the names they were sent under. Returns 0, or an exit status after saying
 * why (`usage` when there is neither).
 */
int gather_inputs(const options *o, const setup *s, inputs *in, char **args,
                  int n, const char *usage, ap_diags *d);

/* For a command that reads files (bundle): the store's versions that
 * gather_inputs() chose, written into a new private folder under the base
 * of the names they were sent under; in->paths then name those files.
 * Returns 0 and the folder (store_folder_remove() removes it and them), or
 * an exit status after saying why. */
int store_to_folder(const options *o, const setup *s, inputs *in, char **dir);
void store_folder_remove(const inputs *in, char *dir);

/* Who runs the command, for the store's records: "local:USER". */
const char *local_actor(void);
/* The exit status of a store's status `rc`, after printing its problems
 * from `d` to stderr. */
int store_exit(int rc, const ap_diags *d);

#endif
