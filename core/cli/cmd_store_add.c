/*
 * appui store add: case files checked as `appui validate` checks them (the
 * same worker pool, the same problems, printed the same way), then the
 * valid ones stored. A file is stored only if its bytes are still those a
 * worker checked (their SHA-256), each in its own transaction, and said to
 * be stored only once that transaction is on the disk: a file reported as
 * stored survives a crash or kill -9 of appui, and running the command
 * again stores exactly the files that were not (the others are
 * duplicates). A refused file is recorded as an attempt, without its body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"

typedef struct add_ctx {
	const options *o;
	setup *s;
	const inputs *in;
	ap_store *store;
	ap_diags *all;
	size_t printed; /* problems of `all` printed so far */
	size_t new_cases, corrections, duplicates, invalid, warnings;
	int stop;    /* the store cannot be written: stop the batch */
	int stop_rc; /* then the exit status */
} add_ctx;

/* Opened once the workers are started: never across their fork(). */
static int add_ready(void *ctx)
{
	add_ctx *a = ctx;
	return open_store(a->o, a->s->cfg, 0, &a->store);
}

/* The first error among problems [from, count) of `d`, as printed. */
static char *first_error(const ap_diags *d, size_t from, size_t *errors)
{
	char *text = NULL;
	*errors = 0;
	for (size_t i = from; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity != AP_ERROR)
			continue;
		if (!text)
			text = ap_diag_text(g);
		(*errors)++;
	}
	return text ? text : strdup("not stored");
}

/* A file not stored: its attempt recorded, with its problems from `from`.
 * Returns the store's status (its problems in `t`). */
static int record_refusal(add_ctx *a, const char *path, const ap_pool_meta *m,
                          size_t from, ap_diags *t)
{
	ap_store_attempt att = AP_STORE_ATTEMPT_INIT;
	att.name = path;
	att.sha256 = m ? m->sha256 : NULL;
	att.size = m ? m->size : 0;
	att.sender = local_actor();
	char *text = first_error(a->all, from, &att.errors);
	att.first_error = text;
	int rc = ap_store_add_rejected(a->store, &att, t);
	free(text);
	return rc;
}

static int store_valid(add_ctx *a, size_t index, const ap_pool_meta *m,
                       ap_diags *t)
{
	const char *path = a->in->paths[index];
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", m->diagnosed.year,
	         m->diagnosed.month, m->diagnosed.day);
	ap_store_upload u = AP_STORE_UPLOAD_INIT;
	u.name = path;
	u.case_id = m->case_id;
	u.site_id = m->site_id;
	u.organisation_id = m->organisation_id;
	u.firm_id = m->firm;
	u.diagnosed = date;
	u.sender = local_actor();
	ap_store_added r;
	int rc;
	if (input_is_stdin(a->in, index)) {
		/* Standard input: the bytes checked are the bytes kept. */
		u.data = a->in->stdin_body;
		u.len = a->in->stdin_size;
		rc = ap_store_add(&r, a->store, &u, t);
	} else {
		rc = ap_store_add_file(&r, a->store, path, m->sha256, &u, t);
	}
	if (rc != AP_OK)
		return rc;
	if (r.outcome == AP_STORE_DUPLICATE) {
		a->duplicates++;
		printf(_("%s: duplicate of %s version %d, not stored again\n"),
		       SHOWN(path), SHOWN(m->case_id), r.n);
	} else {
		int is_new = r.outcome == AP_STORE_NEW_CASE;
		a->new_cases += is_new;
		a->corrections += !is_new;
		printf(_("%s: stored as %s version %d (%s)\n"), SHOWN(path),
		       SHOWN(m->case_id), r.n,
		       is_new ? _("new case") : _("correction"));
	}
	return AP_OK;
}

/* Whether the store failed as a store (full, busy, unwritable), not over
 * this one file: then the batch stops. */
static int store_failed(int rc)
{
	return rc != AP_OK && rc != AP_EINVALID && rc != AP_EFORBIDDEN &&
	       rc != AP_EUSAGE;
}

static void add_result(void *ctx, size_t index, const batch_result *res)
{
	add_ctx *a = ctx;
	const char *path = a->in->paths[index];
	size_t from = a->printed;
	/* The store's problems: the file's (another firm's case, changed
	 * since checked) join its others; the store's own go to stderr. */
	ap_diags *t = ap_diags_new();
	int rc = res->valid && res->meta && res->meta->case_id
	             ? store_valid(a, index, res->meta, t)
	             : AP_EINVALID;
	if (rc != AP_OK && !store_failed(rc)) {
		ap_diags_move(a->all, t, 0);
		a->invalid++;
		rc = record_refusal(a, path, res->meta, from, t);
	}
	for (; a->printed < ap_diags_count(a->all); a->printed++) {
		const ap_diag *g = ap_diags_at(a->all, a->printed);
		ap_diag_print(stdout, g);
		a->warnings += g->severity == AP_WARNING;
	}
	/* Each line out as soon as it is true. */
	fflush(stdout);
	if (store_failed(rc)) {
		print_diags(stderr, t, 0);
		a->stop = 1;
		a->stop_rc = ap_status_exit_code((ap_status)rc);
	}
	ap_diags_free(t);
}

int store_add(const options *o, int argc, char **argv)
{
	if (argc < 1) {
		fputs(_("usage: appui store add [--strict] [-q] [--jobs N] "
		        "FILE|DIR...\n"),
		      stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	add_ctx a = {.o = o, .s = &s, .in = &in, .all = d};
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	expand(&in, argv, argc, d);
	print_diags(stdout, d, 0);
	a.printed = ap_diags_count(d);
	a.invalid = ap_diags_errors(d);
	batch_spec b = batch_of(&s, o, &in, BATCH_STORE, "storing");
	b.on_result = add_result;
	b.on_ready = add_ready;
	b.ctx = &a;
	b.stop = &a.stop;
	b.kept = N_("the files said to be stored are kept");
	int brc = batch_run(&b, d);
	fflush(stdout);
	if (brc) {
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	if (a.stop) {
		fprintf(
		    stderr,
		    _("appui store add: stopped: the store cannot be written; "
		      "the files said to be stored are kept\n"));
		rc = a.stop_rc;
		goto out;
	}
	if (!o->quiet)
		printf(_("%zu file%s: %zu stored (%zu new case%s, %zu "
		         "correction%s), %zu duplicate%s, %zu invalid, %zu "
		         "warning%s\n"),
		       in.n, in.n == 1 ? "" : "s", a.new_cases + a.corrections,
		       a.new_cases, a.new_cases == 1 ? "" : "s", a.corrections,
		       a.corrections == 1 ? "" : "s", a.duplicates,
		       a.duplicates == 1 ? "" : "s", a.invalid, a.warnings,
		       a.warnings == 1 ? "" : "s");
	rc = a.invalid ? EXIT_INVALID : 0;
out:
	ap_store_close(a.store);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
