/*
 * What the store's commands share: which store (--store FILE, then
 * store.path of the configuration), the time of its records ($APPUI_NOW, so
 * that tests and replays give the same store), who is acting.
 */
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
			        "appui: the configuration %s has errors\n",
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
		fputs("appui: no store: give --store FILE, or set store.path "
		      "in the configuration\n",
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
		fputs("appui: give case files or --store, not both\n", stderr);
		return EXIT_USAGE;
	}
	if (n > 0) {
		expand(in, args, n, d);
		return 0;
	}
	if (!o->store && !ap_config_store_path(s->cfg)) {
		fputs(usage, stderr);
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
