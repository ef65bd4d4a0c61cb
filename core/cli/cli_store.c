/*
 * What the store's commands share: which store (--store FILE, then
 * store.path of the configuration), the time of its records ($APPUI_NOW, so
 * that tests and replays give the same store), who is acting.
 */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appui/appui.h"
#include "cli.h"

const char *local_actor(void)
{
	static char actor[96];
	if (!actor[0]) {
		const struct passwd *pw = getpwuid(geteuid());
		if (pw && pw->pw_name && ap_store_name_ok(pw->pw_name))
			snprintf(actor, sizeof actor, "local:%s", pw->pw_name);
		else
			snprintf(actor, sizeof actor, "local:uid%lu",
			         (unsigned long)geteuid());
	}
	return actor;
}

int store_exit(int rc, const ap_diags *d)
{
	print_diags(stderr, d, 0);
	return ap_status_exit_code((ap_status)rc);
}

/* The path the store is at, from the configuration in use; NULL when it
 * names none (said), or when the configuration has errors (said). */
static char *configured_path(const options *o, const ap_config *cfg, int *rc)
{
	setup s;
	memset(&s, 0, sizeof s);
	ap_config *loaded = NULL;
	*rc = 0;
	if (!cfg) {
		const char *path = config_path(o, &s);
		ap_diags *d = ap_diags_new();
		if (path && ap_config_load(&loaded, path, d) != 0) {
			print_diags(stderr, d, 0);
			fprintf(stderr,
			        _("appui: the configuration %s has errors\n"),
			        SHOWN(path));
			*rc = EXIT_SETUP;
		}
		ap_diags_free(d);
		cfg = loaded;
	}
	char *store = cfg && ap_config_store_path(cfg)
	                  ? strdup(ap_config_store_path(cfg))
	                  : NULL;
	if (!*rc && !store) {
		fputs(_("appui: no store: give --store FILE, or set store.path "
		        "in the configuration\n"),
		      stderr);
		*rc = EXIT_USAGE;
	}
	ap_config_free(loaded);
	setup_free(&s);
	return store;
}

int open_store(const options *o, const ap_config *cfg, int create,
               ap_store **out)
{
	*out = NULL;
	int rc = 0;
	char *path = o->store ? strdup(o->store) : configured_path(o, cfg, &rc);
	if (!path)
		return rc ? rc : EXIT_SETUP;
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.create = create;
	const char *now = getenv("APPUI_NOW");
	if (now && *now)
		opt.now = now;
	ap_diags *d = ap_diags_new();
	int status = ap_store_open(out, path, &opt, d);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	free(path);
	return rc;
}

/* ---- case files from the store ------------------------------------------ */

typedef struct stored {
	char *name, *case_id;
	int n;
} stored;

typedef struct stored_list {
	stored *v;
	size_t n, cap;
} stored_list;

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);
	if (!d)
		ap_oom();
	return d;
}

static int collect(void *ctx, const ap_store_version *v)
{
	stored_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			ap_oom();
	}
	l->v[l->n++] =
	    (stored){dup_or_die(v->name), dup_or_die(v->case_id), v->n};
	return 0;
}

/* By name, as the files would be read from their folder; then by case id
 * (a name two cases were sent under). */
static int by_name(const void *a, const void *b)
{
	const stored *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->case_id, y->case_id);
}

int gather_inputs(const options *o, const setup *s, inputs *in, char **args,
                  int n, const char *usage, ap_diags *d)
{
	if (n > 0 && o->store) {
		fputs(_("appui: give case files or --store, not both\n"),
		      stderr);
		return EXIT_USAGE;
	}
	if (n > 0) {
		expand(in, args, n, d);
		return 0;
	}
	if (!o->store && !ap_config_store_path(s->cfg)) {
		fputs(_(usage), stderr);
		return EXIT_USAGE;
	}
	ap_store *st;
	int rc = open_store(o, s->cfg, 0, &st);
	if (rc)
		return rc;
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.site_id = o->site;
	q.firm_id = o->firm;
	q.since = o->since;
	stored_list l = {0};
	ap_diags *sd = ap_diags_new();
	int status = ap_store_versions(st, &q, collect, &l, sd);
	in->store_file = dup_or_die(ap_store_path(st));
	/* Closed before the workers are forked; they are read again, each
	 * when its turn comes (batch.c). */
	ap_store_close(st);
	rc = status == AP_OK ? 0 : store_exit(status, sd);
	ap_diags_free(sd);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_name);
	in->paths = calloc(l.n + 1, sizeof(*in->paths));
	in->case_ids = calloc(l.n + 1, sizeof(*in->case_ids));
	in->versions = calloc(l.n + 1, sizeof(*in->versions));
	if (!in->paths || !in->case_ids || !in->versions)
		ap_oom();
	for (size_t i = 0; i < l.n; i++) {
		in->paths[i] = l.v[i].name;
		in->case_ids[i] = l.v[i].case_id;
		in->versions[i] = l.v[i].n;
	}
	in->n = in->cap = l.n;
	free(l.v);
	return rc;
}

/* ---- stored versions as files (bundle) ---------------------------------- */

typedef struct body_out {
	const char *path;
	int written;
} body_out;

static int write_body(void *ctx, const ap_store_version *v)
{
	body_out *b = ctx;
	int fd = open(b->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < v->size) {
		ssize_t w =
		    write(fd, (const char *)v->body + off, v->size - off);
		if (w < 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	b->written = close(fd) == 0;
	return b->written ? 0 : -1;
}

/* The last part of a name it was sent under. */
static const char *base_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

void store_folder_remove(const inputs *in, char *dir)
{
	if (!dir)
		return;
	for (size_t i = 0; i < in->n; i++)
		if (in->paths[i] &&
		    strncmp(in->paths[i], dir, strlen(dir)) == 0)
			unlink(in->paths[i]);
	rmdir(dir);
	free(dir);
}

/* Version i of `in` into `dir`, under its sent name; in->paths[i] then
 * names the file. Returns 0, or EXIT_INVALID after saying why. */
static int materialise(ap_store *st, inputs *in, size_t i, const char *dir)
{
	const char *base = base_of(in->paths[i]);
	for (size_t k = 0; k < i; k++)
		if (strcmp(base_of(in->paths[k]), base) == 0) {
			fprintf(
			    stderr,
			    _("appui: two cases of the store were sent as "
			      "%s: a bag names its files by their names; give "
			      "the files, or --site to keep one\n"),
			    SHOWN(base));
			return EXIT_INVALID;
		}
	char *path = malloc(strlen(dir) + strlen(base) + 2);
	if (!path)
		ap_oom();
	sprintf(path, "%s/%s", dir, base);
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.case_id = in->case_ids[i];
	q.n = in->versions[i];
	q.with_body = 1;
	body_out b = {path, 0};
	ap_diags *d = ap_diags_new();
	int rc = ap_store_versions(st, &q, write_body, &b, d);
	print_diags(stderr, d, 0);
	ap_diags_free(d);
	if (rc != AP_OK || !b.written) {
		fprintf(stderr,
		        _("appui: %s version %d: cannot be read into %s\n"),
		        SHOWN(q.case_id), q.n, SHOWN(dir));
		unlink(path);
		free(path);
		return EXIT_SETUP;
	}
	/* Seen from now on under its own base name, in the private folder. */
	free(in->paths[i]);
	in->paths[i] = path;
	return 0;
}

int store_to_folder(const options *o, const setup *s, inputs *in, char **dir)
{
	*dir = NULL;
	const char *tmp = getenv("TMPDIR");
	size_t len = strlen(tmp && *tmp ? tmp : "/tmp") + 20;
	char *d = malloc(len);
	if (!d)
		ap_oom();
	snprintf(d, len, "%s/appui-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d)) {
		fprintf(stderr,
		        _("appui: cannot make a private folder in %s\n"),
		        SHOWN(tmp && *tmp ? tmp : "/tmp"));
		free(d);
		return EXIT_SETUP;
	}
	ap_store *st = NULL;
	int rc = open_store(o, s->cfg, 0, &st);
	for (size_t i = 0; rc == 0 && i < in->n; i++)
		rc = materialise(st, in, i, d);
	ap_store_close(st);
	if (rc) {
		store_folder_remove(in, d);
		return rc;
	}
	*dir = d;
	return 0;
}
