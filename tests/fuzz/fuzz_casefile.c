/*
 * Fuzz target: a case file (untrusted XML) through the reader, and when it
 * is valid, through the checks against the shipped plugins' catalogues, the
 * scoring and the reports, as `appui score` does.
 */
#include <stddef.h>
#include <stdint.h>

#include <appui/report.h>
#include <appui/score.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ap_reader *r = fz_reader();
	const ap_host *h = fz_default_host();
	FILE *out = fz_sink();

	ap_diags *d = ap_diags_new();
	ap_case *c = NULL;
	if (ap_reader_read_memory(r, "fuzz.xml", (const char *)data, size, &c,
	                          d) == 0) {
		ap_host_check_case(h, c, d);
		ap_case_result *res = NULL;
		/* As the command does: a case with errors is not scored. */
		if (ap_diags_errors(d) == 0 &&
		    ap_host_score(h, c, &res, d) == 0) {
			const ap_case_result *one = res;
			ap_report_table(out, h, &one, 1, 1);
			ap_report_json_begin(out);
			ap_report_json_case(out, res, 0);
			ap_report_json_end(out, d);
			ap_case_result_free(res);
		}
		ap_case_free(c);
	}
	fz_print_diags(d);
	ap_diags_free(d);
	return 0;
}
