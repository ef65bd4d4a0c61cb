/*
 * The command's batches over the worker pool (appui/pool.h): every case is
 * read, checked and scored in a worker process, so a plugin that crashes or
 * hangs costs one case and one theme, never the batch; with --jobs N, N
 * workers score in parallel.
 *
 * Files are submitted in order, at most a window ahead of the next result to
 * print, and results are taken in input order: the output is the same, byte
 * for byte, for any number of workers, and memory stays bounded whatever the
 * size of the batch. Ctrl-C (or SIGTERM) stops the workers and delivers
 * nothing more.
 */
#include "batch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static unsigned parts_of(const batch_spec *b)
{
	switch (b->mode) {
	case BATCH_SCORE_JSON:
		return AP_POOL_JSON;
	case BATCH_SCORE_TABLE:
		return b->o->explain ? AP_POOL_ROW | AP_POOL_EXPLAIN
		                     : AP_POOL_ROW;
	case BATCH_PLAN:
		return AP_POOL_SITE;
	case BATCH_REPORT:
		return AP_POOL_JSON | AP_POOL_SITE;
	case BATCH_STORE:
		return AP_POOL_META;
	case BATCH_VALIDATE:
		break;
	}
	return 0;
}

/* A result to the batch's callback, its problems to `all`. */
static void deliver(const batch_spec *b, size_t index, ap_pool_result *r,
                    ap_diags *all)
{
	ap_diags_move(all, r->diags, 0);
	batch_result res = {
	    .valid = r->valid,
	    .case_text = r->json,
	    .case_len = r->json_len,
	    .row = r->row,
	    .site = r->site,
	    .meta = r->meta,
	};
	b->on_result(b->ctx, index, &res);
}

typedef struct stored_task {
	ap_pool *p;
	const char *name;
	int submitted;
} stored_task;

static int submit_body(void *ctx, const ap_store_version *v)
{
	stored_task *t = ctx;
	uint64_t id;
	t->submitted =
	    ap_pool_submit_bytes(&id, t->p, t->name, v->body, v->size) == AP_OK;
	return 0;
}

/* Input `i` to the pool: a path, or the bytes of a stored version under
 * the name it was sent under. Returns 0, or -1 when the store failed (said
 * on stderr). */
static int submit(const batch_spec *b, ap_pool *p, ap_store *store, size_t i)
{
	const inputs *in = b->in;
	uint64_t id;
	if (input_is_stdin(in, i))
		return ap_pool_submit_bytes(&id, p, "-", in->stdin_body,
		                            in->stdin_size) == AP_OK
		           ? 0
		           : -1;
	if (!in->case_ids)
		return ap_pool_submit_path(&id, p, in->paths[i]) == AP_OK ? 0
		                                                          : -1;
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.case_id = in->case_ids[i];
	q.n = in->versions[i];
	q.with_body = 1;
	stored_task t = {p, in->paths[i], 0};
	ap_diags *d = ap_diags_new();
	int rc = ap_store_versions(store, &q, submit_body, &t, d);
	if (rc == AP_OK && !t.submitted)
		fprintf(stderr, _("appui: %s version %d is no longer in %s\n"),
		        SHOWN(q.case_id), q.n, SHOWN(in->store_file));
	print_diags(stderr, d, 0);
	ap_diags_free(d);
	return rc == AP_OK && t.submitted ? 0 : -1;
}

/* Submits, waits and delivers until every file is done or a signal
 * came. Returns 0, or -1 when the pool or the store failed. */
static int drive(const batch_spec *b, ap_pool *p, ap_store *store,
                 size_t window, size_t *done, ap_diags *all)
{
	size_t n = b->in->n, submitted = 0;
	while (*done < n && !interrupted && !(b->stop && *b->stop)) {
		while (submitted < n && submitted - *done < window)
			if (submit(b, p, store, submitted++) != 0)
				return -1;
		int rc = ap_pool_wait(p, 100, all);
		if (rc != AP_OK && rc != AP_EINTERRUPTED)
			return -1;
		ap_pool_result *r;
		while (!(b->stop && *b->stop) && ap_pool_take(&r, p)) {
			deliver(b, (*done)++, r, all);
			ap_pool_result_free(r);
			progress(b->verb, *done, n);
		}
	}
	return 0;
}

int batch_run(const batch_spec *b, ap_diags *all)
{
	size_t n = b->in->n;
	ap_pool_options opt = AP_POOL_OPTIONS_INIT;
	opt.workers = b->jobs ? b->jobs : 1;
	if (opt.workers > AP_POOL_MAX_WORKERS)
		opt.workers = AP_POOL_MAX_WORKERS;
	if (n && opt.workers > n)
		opt.workers = n;
	opt.case_time_limit = b->case_time_limit;
	opt.strict = b->o->strict;
	opt.parts = parts_of(b);
	opt.ordered = 1;

	struct sigaction sa = {0}, old_int, old_term;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	interrupted = 0;

	ap_pool *p = NULL;
	ap_store *store = NULL;
	size_t done = 0;
	int rc = ap_pool_new(&p, b->s->reader, b->s->host, &opt, all);
	if (rc != AP_OK) {
		rc = -1;
	} else {
		rc = b->on_ready ? b->on_ready(b->ctx) : 0;
		/* A store is opened once the workers are forked. */
		if (rc == 0 && b->in->store_file)
			rc = open_store(b->o, b->s->cfg, 0, &store);
		/* Results are held only between the next one to print and
		 * the furthest one submitted. */
		if (rc == 0)
			rc = drive(b, p, store, opt.workers * 16 * 8, &done,
			           all);
	}
	ap_store_close(store);
	ap_pool_free(p);
	if (rc == 0 && interrupted) {
		fprintf(stderr,
		        _("\nappui: interrupted: %zu of %zu files done; %s\n"),
		        done, n, b->kept ? _(b->kept) : _("nothing written"));
		rc = 130;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
