/*
 * Scoring a bag's case files from memory, under their names in the bag, into
 * the score JSON and the explanation that bundling writes and verifying
 * computes again. Nothing here touches an archive or a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/report.h"
#include "bundle_impl.h"

/*
 * Reads, checks and scores each case from memory under its name in the bag,
 * and writes the score JSON and the explanation. Bundling and verifying both
 * come here, so a bag verified with the plugins it was made with gives the
 * same bytes. A case that is invalid, or a theme a plugin fails on, is an
 * error (a bundle holds a complete score); with `strict`, so is a warning.
 */
int bundle_score_blobs(ap_reader *r, const ap_host *h, const blob *cs, size_t n,
                       int strict, score_docs *out, case_score *scores,
                       ap_diags *d)
{
	int rc = -1;
	memset(out, 0, sizeof(*out));
	FILE *jf = open_memstream(&out->json, &out->json_len);
	FILE *tf = open_memstream(&out->txt, &out->txt_len);
	if (!jf || !tf) {
		ap_oom();
	}
	ap_diags *found = ap_diags_new(), *tmp = ap_diags_new();
	ap_report_json_begin(jf);
	for (size_t i = 0; i < n; i++) {
		ap_case *c = NULL;
		ap_case_result *res = NULL;
		ap_diags_clear(tmp);
		if (ap_reader_read_memory(r, cs[i].name, cs[i].data, cs[i].len,
		                          &c, tmp) == 0)
			ap_host_check_case(h, c, tmp);
		if (c && ap_diags_errors(tmp) == 0)
			ap_host_score(h, c, &res, tmp);
		int bad = !res || ap_diags_errors(tmp) > 0 ||
		          (strict && ap_diags_count(tmp) > 0);
		ap_diags_move(bad ? d : found, tmp, strict);
		if (bad) {
			ap_case_result_free(res);
			ap_case_free(c);
			goto fail;
		}
		if (scores) {
			scores[i].has_mission = res->has_mission;
			scores[i].days =
			    res->has_mission ? res->mission.days : 0;
			scores[i].priority = res->mission.priority;
		}
		ap_report_json_case(jf, res, i);
		if (i)
			fputc('\n', tf);
		ap_report_explain(tf, res);
		ap_case_result_free(res);
		ap_case_free(c);
	}
	ap_report_json_end(jf, found);
	rc = 0;
fail:
	ap_diags_free(found);
	ap_diags_free(tmp);
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
