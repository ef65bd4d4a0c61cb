/*
 * Fuzz target: a previous plan (the JSON of `appui plan --format json`)
 * through ap_prev_plan_parse, as `appui plan --against` reads it; when it
 * parses, the changes from it to a fixed plan (ap_plan_diff) and the table
 * and JSON that show them.
 *
 * The fixed plan is built by hand (no solver): three sites planned with
 * two firms, one not planned, so that a fuzzed plan meets every kind of
 * change.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <appui/plan.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP02 18141L /* 2019-09-02 */

static const char *const quality[] = {"quality"};
static ap_firm firms[2];
static ap_campaign camp;
static ap_planned missions[3];
static ap_unplanned unplanned[1];
static ap_plan plan;
static ap_day days0[] = {SEP02, SEP02 + 1, SEP02 + 2};
static ap_day days1[] = {SEP02 + 7, SEP02 + 8, SEP02 + 9};
static ap_day days2[] = {SEP02 + 14, SEP02 + 15, SEP02 + 16};

static void add_site(ap_plan_input *in, const char *id, const char *org)
{
	ap_plan_site s;
	memset(&s, 0, sizeof s);
	s.file = "x.xml";
	s.case_id = id;
	s.site_id = id;
	s.organisation_id = org;
	s.themes = quality;
	s.n_themes = 1;
	s.days = 3;
	s.priority = 50;
	ap_plan_input_add_site(in, &s);
}

static void make_plan(void)
{
	static char id0[] = "F1", id1[] = "F2";
	firms[0].id = id0;
	firms[1].id = id1;
	camp.id = id0;
	camp.window_first = SEP02;
	camp.window_last = SEP02 + 100;
	camp.min_days = 3;
	camp.max_days = 6;
	camp.max_span_days = 56;
	camp.firms = firms;
	camp.n_firms = 2;
	ap_plan_input *in = ap_plan_input_new();
	add_site(in, "S-1", "ORG-A");
	add_site(in, "S-2", "ORG-A");
	add_site(in, "S-3", NULL);
	add_site(in, "S-5", "ORG-B");
	missions[0] = (ap_planned){3, 0, 3, days2, 3000, NULL};
	missions[1] = (ap_planned){2, 1, 3, days1, 3000, NULL};
	missions[2] = (ap_planned){0, 0, 3, days0, 3000, NULL};
	unplanned[0] = (ap_unplanned){1, AP_UNPLANNED_BUDGET, NULL};
	plan.campaign = &camp;
	plan.input = in; /* kept for the life of the process */
	plan.missions = missions;
	plan.n_missions = 3;
	plan.unplanned = unplanned;
	plan.n_unplanned = 1;
	plan.optimal = 1;
	plan.ties_settled = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!plan.campaign)
		make_plan();
	FILE *out = fz_sink();
	ap_diags *d = ap_diags_new();
	ap_prev_plan *prev = NULL;
	if (ap_prev_plan_parse(&prev, "prev.json", (const char *)data, size,
	                       d) == AP_OK) {
		ap_plan_changes *ch = NULL;
		if (ap_plan_diff(&ch, prev, &plan) == AP_OK) {
			ap_plan_report_options o = AP_PLAN_REPORT_OPTIONS_INIT;
			o.changes = ch;
			ap_plan_table_with(out, &plan, &o);
			ap_plan_json_with(out, &plan, d, &o);
		}
		ap_plan_changes_free(ch);
	}
	ap_prev_plan_free(prev);
	fz_print_diags(d);
	ap_diags_free(d);
	return 0;
}
