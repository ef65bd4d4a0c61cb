/*
 * Scoring a bag's case files from memory, under their names in the bag, into
 * the score JSON and the explanation that bundling writes and verifying
 * computes again, in a worker of the pool. Nothing here touches an archive
 * or a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/pool.h"
#include "appui/report.h"
#include "bundle_impl.h"
#include "util.h"

/* Scores the cases in a pool of one worker, so that a plugin that crashes
 * or hangs costs an error, not the caller. Returns the results in order
 * (`n` of them, to free), or NULL when the pool cannot be started. */
static ap_pool_result **score_in_pool(ap_reader *r, const ap_host *h,
                                      const blob *cs, size_t n, int strict,
                                      ap_diags *d)
{
	ap_pool_options opt = AP_POOL_OPTIONS_INIT;
	opt.workers = 1;
	opt.strict = strict;
	opt.parts = AP_POOL_JSON | AP_POOL_ROW | AP_POOL_EXPLAIN;
	opt.case_time_limit = ap_config_case_time_limit(ap_host_config(h));
	ap_pool *p = NULL;
	if (ap_pool_new(&p, r, h, &opt, d) != AP_OK)
		return NULL;
	ap_pool_result **res = ap_xcalloc(n + 1, sizeof(*res));
	for (size_t i = 0; i < n; i++) {
		uint64_t id;
		if (ap_pool_submit_bytes(&id, p, cs[i].name, cs[i].data,
		                         cs[i].len) != AP_OK)
			ap_diags_add(d, AP_ERROR, cs[i].name, 0, "",
			             "too large to be scored");
	}
	size_t got = 0;
	while (got < n && ap_pool_pending(p)) {
		int rc = ap_pool_wait(p, -1, d);
		if (rc != AP_OK && rc != AP_EINTERRUPTED)
			break;
		while (got < n && ap_pool_take(&res[got], p))
			got++;
	}
	ap_pool_free(p);
	if (got < n) {
		for (size_t i = 0; i < got; i++)
			ap_pool_result_free(res[i]);
		free(res);
		return NULL;
	}
	return res;
}

/*
 * Reads, checks and scores each case from memory under its name in the bag,
 * and writes the score JSON and the explanation. Bundling and verifying both
 * come here, so a bag verified with the plugins it was made with gives the
 * same bytes. A case that is invalid, or a theme a plugin fails on (or
 * crashes or hangs on, in the worker that scores it), is an error (a bundle
 * holds a complete score); with `strict`, so is a warning.
 */
int bundle_score_blobs(ap_reader *r, const ap_host *h, const blob *cs, size_t n,
                       int strict, score_docs *out, case_score *scores,
                       ap_diags *d)
{
	memset(out, 0, sizeof(*out));
	/* The score text of a bag is English in every locale: the workers
	 * forked here write it. */
	ap_call_locale english;
	ap_locale_enter(&english, LC_ALL_MASK, "C");
	ap_pool_result **res = score_in_pool(r, h, cs, n, strict, d);
	ap_locale_leave(&english);
	if (!res)
		return -1;
	int rc = -1;
	FILE *jf = open_memstream(&out->json, &out->json_len);
	FILE *tf = open_memstream(&out->txt, &out->txt_len);
	if (!jf || !tf) {
		ap_oom();
	}
	ap_diags *found = ap_diags_new();
	ap_report_json_begin(jf);
	for (size_t i = 0; i < n; i++) {
		ap_pool_result *x = res[i];
		int bad = !x->valid || !x->json || !x->row ||
		          ap_diags_errors(x->diags) > 0;
		ap_diags_move(bad ? d : found, x->diags, 0);
		if (bad)
			goto fail;
		if (scores) {
			scores[i].has_mission = x->row->has_mission;
			scores[i].days = x->row->days;
			scores[i].priority = x->row->priority;
		}
		/* As ap_report_json_case() and ap_report_explain() write them.
		 */
		fputs(i ? ",\n" : "\n", jf);
		fwrite(x->json, 1, x->json_len, jf);
		if (i)
			fputc('\n', tf);
		if (x->row->explain)
			fputs(x->row->explain, tf);
	}
	ap_report_json_end(jf, found);
	rc = 0;
fail:
	for (size_t i = 0; i < n; i++)
		ap_pool_result_free(res[i]);
	free(res);
	ap_diags_free(found);
	/* fclose() makes the buffers final; a failed one means out of memory.
	 */
	if (fclose(jf) != 0 || fclose(tf) != 0) {
		ap_oom();
	}
	if (rc != 0) {
		free(out->json);
		free(out->txt);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}
