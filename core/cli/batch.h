/*
 * The command's batches: the case files given on the command line through
 * the worker pool (appui/pool.h: plugin isolation and --jobs), with results
 * delivered in input order, a progress line, and Ctrl-C.
 */
#ifndef APPUI_CLI_BATCH_H
#define APPUI_CLI_BATCH_H

#include "cli.h"

typedef enum batch_mode {
	BATCH_VALIDATE,    /* read and check only */
	BATCH_SCORE_JSON,  /* result "case": the case's JSON text */
	BATCH_SCORE_TABLE, /* result "row": a table row (with explanation) */
	BATCH_PLAN,        /* result "site", for the planner's input */
	BATCH_REPORT,      /* results "case" and "site": a report */
	BATCH_STORE        /* read and check only, as BATCH_VALIDATE, with
	                      the digest of the bytes checked and what the
	                      store files a case under (result "meta") */
} batch_mode;

typedef struct batch_result {
	int valid;
	const char *case_text; /* BATCH_SCORE_JSON: the case's JSON,
	                          as ap_report_json_case() writes it (no
	                          separator); NULL when invalid */
	size_t case_len;
	ap_score_row *row;        /* BATCH_SCORE_TABLE: the row (with the
	                             explanation under --explain); the callee may
	                             move it out (copy it and zero *row) */
	const ap_plan_site *site; /* BATCH_PLAN: what the planner needs of
	                             the case (valid during the call); NULL
	                             when invalid */
	const ap_pool_meta *meta; /* BATCH_STORE: valid during the call; NULL
	                             when the file could not be read */
} batch_result;

typedef struct batch_spec {
	setup *s;
	const options *o;
	const inputs *in;
	batch_mode mode;
	size_t jobs;
	double case_time_limit; /* seconds per case and attempt */
	const char *verb;       /* for the progress line: "scoring" */
	/* Called in input order with each file's result; its problems have
	 * already been added to the batch's list. */
	void (*on_result)(void *ctx, size_t index,
	                  const struct batch_result *r);
	void *ctx;
	/* Optional: called once the workers are started, before the first
	 * file (what must not be open across their fork(), such as a store,
	 * is opened here); a nonzero return ends the batch with it. */
	int (*on_ready)(void *ctx);
	/* Optional: when the callback sets *stop, nothing more is delivered
	 * and the batch returns 0. */
	const int *stop;
	/* What the interruption message says was kept; NULL: "nothing
	 * written". */
	const char *kept;
} batch_spec;

/*
 * Runs the batch. Every problem (the files', and plugins that crashed or
 * hung) is added to `all`, in input order. Returns 0; 130 when interrupted
 * (SIGINT/SIGTERM: the workers are stopped, nothing more is delivered); -1
 * when workers could not be started; what on_ready returned.
 */
int batch_run(const batch_spec *b, ap_diags *all);

/* A batch of the command's inputs with the common options: --jobs (default:
 * one worker per core) and the configuration's case time limit. */
batch_spec batch_of(setup *s, const options *o, const inputs *in,
                    batch_mode mode, const char *verb);

#endif
