/* Shared by the appui subcommands: see cli.h. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "paths.h"

ap_shown cli_shown;

void print_diags(FILE *out, const ap_diags *d, size_t from)
{
	for (size_t i = from; i < ap_diags_count(d); i++)
		ap_diag_print(out, ap_diags_at(d, i));
}

/* ---- set-up -----------------------------------------------------------------
 */

void setup_free(setup *s)
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
		ap_oom();
	}
	s->owned[s->n_owned++] = str;
	return str;
}

static void add_dir(setup *s, const char *dir, const char *origin)
{
	s->dirs = realloc(s->dirs, (s->n_dirs + 1) * sizeof(*s->dirs));
	if (!s->dirs) {
		ap_oom();
	}
	s->dirs[s->n_dirs++] = (ap_search_dir){dir, origin};
}

/* The configuration in use: --config, $APPUI_CONFIG, then the installed one,
 * then the built-in defaults. */
const char *config_path(const options *o, setup *s)
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
int setup_open(const options *o, setup *s, int want_reader, ap_diags *d,
               FILE *report)
{
	memset(s, 0, sizeof(*s));
	const char *path = config_path(o, s);
	if (path) {
		if (ap_config_load(&s->cfg, path, d) != 0) {
			print_diags(report, d, 0);
			fprintf(report,
			        _("appui: the configuration %s has errors\n"),
			        SHOWN(path));
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
		fprintf(report, _("appui: the configuration %s has errors\n"),
		        ap_config_path(cfg) ? SHOWN(ap_config_path(cfg))
		                            : "(defaults)");
		return EXIT_SETUP;
	}
	ap_diags_clear(d);
	if (!want_reader)
		return 0;
	if (ap_host_loaded_count(s->host) == 0) {
		fputs(_("appui: no theme plugin could be loaded; see 'appui "
		        "plugins'\n"),
		      stderr);
		return EXIT_SETUP;
	}
	char *schema = ap_config_schema(cfg) ? strdup(ap_config_schema(cfg))
	                                     : paths_schema();
	if (!schema) {
		fputs(_("appui: cannot locate the case file schema "
		        "(casefile.xsd); set "
		        "'schema' in the configuration\n"),
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

static void inputs_add(inputs *in, char *path)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->paths = realloc(in->paths, in->cap * sizeof(*in->paths));
		if (!in->paths) {
			ap_oom();
		}
	}
	in->paths[in->n++] = path;
}

/* A folder entry: its name and what readdir() says it is. */
typedef struct entry {
	char *name;
	unsigned char type; /* DT_DIR, DT_REG, ... or DT_UNKNOWN */
} entry;

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int has_xml_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

/* Case files of a folder, recursively, in name order at each level.
 * Symbolic links to folders are not followed. */
static void expand_dir(inputs *in, const char *dir, ap_diags *d, int depth)
{
	if (depth > 32) {
		ap_diags_add(d, AP_ERROR, dir, 0, "",
		             "folders nested more than 32 deep: not searched");
		in->unreadable++;
		return;
	}
	DIR *dh = opendir(dir);
	if (!dh) {
		ap_diags_add(d, AP_ERROR, dir, 0, "", "cannot open folder: %s",
		             strerror(errno));
		in->unreadable++;
		return;
	}
	entry *names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				ap_oom();
			}
		}
		names[n].name = strdup(e->d_name);
		names[n].type = e->d_type;
		if (!names[n].name) {
			ap_oom();
		}
		n++;
		errno = 0;
	}
	if (errno) {
		/* What was listed is still read; the folder counts as not
		 * read, since some of its files may be missing. */
		ap_diags_add(d, AP_ERROR, dir, 0, "", "cannot read folder: %s",
		             strerror(errno));
		in->unreadable++;
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof(*names), cmp_entries);
	size_t dl = strlen(dir);
	for (size_t i = 0; i < n; i++) {
		size_t len = dl + 1 + strlen(names[i].name) + 1;
		char *path = malloc(len);
		if (!path) {
			ap_oom();
		}
		snprintf(path, len, "%s%s%s", dir,
		         dir[dl - 1] == '/' ? "" : "/", names[i].name);
		/* The entry's type saves a system call per file; a file
		 * system that does not give it is asked. */
		int is_dir = names[i].type == DT_DIR;
		if (names[i].type == DT_UNKNOWN) {
			struct stat st;
			is_dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
		}
		if (is_dir) {
			expand_dir(in, path, d, depth + 1);
			free(path);
		} else if (has_xml_suffix(names[i].name)) {
			inputs_add(in, path);
		} else {
			free(path);
		}
		free(names[i].name);
	}
	free(names);
}

/* Standard input, whole, as the file "-". A second "-" is an error (there
 * is nothing left to read). Larger than the reader takes is read only that
 * far: the reader refuses it by its size. */
static void expand_stdin(inputs *in, ap_diags *d)
{
	if (in->stdin_body) {
		ap_diags_add(d, AP_ERROR, "-", 0, "",
		             "standard input is given more than once");
		in->unreadable++;
		return;
	}
	size_t cap = AP_MAX_FILE_BYTES + 1, len = 0;
	char *body = malloc(cap);
	if (!body)
		ap_oom();
	while (len < cap) {
		size_t got = fread(body + len, 1, cap - len, stdin);
		if (got == 0)
			break;
		len += got;
	}
	if (ferror(stdin)) {
		ap_diags_add(d, AP_ERROR, "-", 0, "",
		             "cannot read standard input: %s", strerror(errno));
		in->unreadable++;
		free(body);
		return;
	}
	in->stdin_body = body;
	in->stdin_size = len;
	inputs_add(in, strdup("-"));
}

int input_is_stdin(const inputs *in, size_t i)
{
	return in->stdin_body && !in->case_ids &&
	       strcmp(in->paths[i], "-") == 0;
}

void expand(inputs *in, char **args, int n, ap_diags *d)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(args[i], "-") == 0)
			expand_stdin(in, d);
		else if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
			expand_dir(in, args[i], d, 0);
		else
			inputs_add(
			    in,
			    strdup(args[i])); /* the reader reports problems */
	}
}

void inputs_free(inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->paths[i]);
		if (in->case_ids)
			free(in->case_ids[i]);
	}
	free(in->paths);
	free(in->case_ids);
	free(in->versions);
	free(in->store_file);
	free(in->stdin_body);
	memset(in, 0, sizeof(*in));
}

/* Progress on a terminal only; pipes and files stay quiet. */
void progress(const char *verb, size_t done, size_t total)
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

#define OUT_BUFFER (256u << 10)

/* A library problem about the output, as the command says it. */
static int out_problem(ap_diags *d)
{
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		fprintf(stderr, _("appui: %s: %s\n"), SHOWN(g->file),
		        SHOWN(g->message));
	}
	ap_diags_free(d);
	return EXIT_SETUP;
}

int out_open(outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		/* A large buffer for a file or a pipe: a batch's JSON is tens
		 * of megabytes. A terminal keeps its line buffering. */
		static char stdout_buffer[OUT_BUFFER];
		if (!isatty(STDOUT_FILENO))
			setvbuf(stdout, stdout_buffer, _IOFBF, OUT_BUFFER);
		return 0;
	}
	/* A device or a pipe (-o /dev/stdout, a FIFO) is written in place:
	 * renaming a file over it would replace it. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			fprintf(
			    stderr,
			    _("appui: %s: is a folder, not an output file\n"),
			    SHOWN(path));
			return EXIT_SETUP;
		}
		o->f = fopen(path, "w");
		if (!o->f) {
			fprintf(stderr,
			        _("appui: %s: cannot open for writing: %s\n"),
			        SHOWN(path), strerror(errno));
			return EXIT_SETUP;
		}
		o->final = path;
		return 0;
	}
	ap_diags *d = ap_diags_new();
	if (ap_atomic_open(&o->atomic, path, "output file", d) != 0)
		return out_problem(d);
	ap_diags_free(d);
	o->f = o->atomic.f;
	o->is_atomic = 1;
	o->final = path;
	return 0;
}

/* Commits the output (rename) when `ok`, removes it otherwise. */
int out_close(outfile *o, int ok)
{
	int rc = 0;
	if (o->is_atomic) {
		if (!ok) {
			ap_atomic_abort(&o->atomic);
			return 0;
		}
		ap_diags *d = ap_diags_new();
		if (ap_atomic_commit(&o->atomic, d) != 0)
			return out_problem(d);
		ap_diags_free(d);
		return 0;
	}
	/* stdout: main() says why it cannot be written, once, for every
	 * command. */
	if (o->f == stdout)
		return fflush(stdout) != 0 || ferror(stdout) ? EXIT_SETUP : 0;
	/* A device written in place. */
	if (fflush(o->f) != 0 || ferror(o->f)) {
		fprintf(stderr, _("appui: cannot write the output: %s\n"),
		        strerror(errno));
		rc = EXIT_SETUP;
	}
	if (fclose(o->f) != 0 && !rc) {
		fprintf(stderr, _("appui: cannot write the output: %s\n"),
		        strerror(errno));
		rc = EXIT_SETUP;
	}
	return rc;
}

/* ---- outputs never replace inputs
 * ----------------------------------------------------------- */

void input_ids_add(input_ids *ids, const char *const *paths, size_t n)
{
	ids->v = realloc(ids->v, (ids->n + n + 1) * sizeof(*ids->v));
	if (!ids->v)
		ap_oom();
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (paths[i] && stat(paths[i], &st) == 0)
			ids->v[ids->n++] =
			    (input_id){st.st_dev, st.st_ino, paths[i]};
	}
}

void input_ids_free(input_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

int refuse_output_onto_inputs(const char *cmd, const input_ids *ids,
                              const char *output)
{
	struct stat st;
	if (!output || strcmp(output, "-") == 0 || stat(output, &st) != 0)
		return 0;
	for (size_t i = 0; i < ids->n; i++) {
		if (ids->v[i].dev != st.st_dev || ids->v[i].ino != st.st_ino)
			continue;
		fprintf(stderr,
		        _("appui %s: the output %s is the input %s: refused, "
		          "nothing written\n"),
		        cmd, SHOWN(output), SHOWN(ids->v[i].path));
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- commands
 * ----------------------------------------------------------------- */

static size_t default_jobs(const options *o)
{
	if (o->jobs > 0)
		return (size_t)o->jobs;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

batch_spec batch_of(setup *s, const options *o, const inputs *in,
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

/* The campaign in use: --campaign, then the installed one. */
char *campaign_path(const options *o)
{
	if (o->campaign)
		return strdup(o->campaign);
	char *installed = paths_campaign();
	if (installed && access(installed, F_OK) == 0)
		return installed;
	free(installed);
	return NULL;
}

int load_campaign(const char *path, const setup *s, ap_campaign **out,
                  ap_diags *d, FILE *report)
{
	size_t nt = ap_host_theme_count(s->host);
	const char **themes = calloc(nt + 1, sizeof(*themes));
	if (!themes)
		ap_oom();
	for (size_t i = 0; i < nt; i++)
		themes[i] = ap_host_theme_at(s->host, i);
	size_t before = ap_diags_count(d);
	int rc = ap_campaign_load(out, path, themes, nt, d);
	print_diags(report, d, before);
	free(themes);
	return rc;
}
