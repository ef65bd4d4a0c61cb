/*
 * appui followup: a saved campaign's outcome (docs/followup.md): for the
 * sites whose mission was held and that have a later diagnostic, per theme,
 * how many improved a band, stayed or worsened, and the median change. A
 * thin front end over appui/followup.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "appui/followup.h"
#include "batch.h"
#include "cli.h"

const char usage_followup[] = N_(
    "usage: appui followup [--plan PLAN-ID] [FILE|DIR]... [--format "
    "table|json]\n"
    "                      [-o FILE] [--store FILE]\n"
    "\n"
    "The outcome of a saved campaign (docs/followup.md): for each site\n"
    "whose mission was held (`appui mission held`) and that has a later\n"
    "diagnostic, per theme, the need before and after and the band; then\n"
    "per theme how many sites improved a band, stayed or worsened, the\n"
    "median change of need, and each site named. A change is only called\n"
    "an improvement when the need fell by more than 5 points and the two\n"
    "intervals under missing data do not overlap; else \"no clear change\".\n"
    "\n"
    "The missions are the store's (--store FILE, or store.path in the\n"
    "configuration). The diagnostics are the case files given, or with\n"
    "none the store's latest version of each case.\n"
    "\n"
    "  --plan PLAN-ID   the saved plan, as P1 (default: the latest saved);\n"
    "                   its re-plans' missions count with it\n"
    "  -f, --format FMT table (default) or json\n"
    "  -o, --output FILE write to FILE atomically instead of stdout\n"
    "  -s, --strict     warnings about a case file are errors\n");

static void followup_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	if (res->case_text)
		ap_followup_add_case(ctx, res->case_text, res->case_len);
}

typedef struct latest_plan {
	long long id;
} latest_plan;

static int plan_id_of(void *ctx, const ap_store_plan *p)
{
	((latest_plan *)ctx)->id = p->id;
	return 0;
}

/* The saved missions of --plan (or the latest plan) into `f`. Opened
 * after the workers are done: no store across their fork. */
static int load_missions(const options *o, ap_saved_missions **out, ap_diags *d)
{
	latest_plan lp = {0};
	if (o->plan_file && ap_plan_id_parse(o->plan_file, &lp.id) != 0) {
		fprintf(stderr,
		        _("appui followup: --plan wants a saved plan's id, as "
		          "P1, not '%s'\n"),
		        SHOWN(o->plan_file));
		return EXIT_USAGE;
	}
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	int status = ap_store_plan_get(s, lp.id, plan_id_of, &lp, d);
	if (status == AP_OK)
		status = ap_saved_missions_load(out, s, lp.id, d);
	ap_store_close(s);
	return status == AP_OK ? 0 : store_exit(status, d);
}

/* -o onto an input (a case file, the configuration, the store): refused. */
static int refuse_clobber(const options *o, const setup *s, const inputs *in)
{
	input_ids ids = {0};
	const char *files[] = {ap_config_path(s->cfg), in->store_file,
	                       o->store};
	input_ids_add(&ids, (const char *const *)in->paths, in->n);
	input_ids_add(&ids, files, 3);
	int rc = refuse_output_onto_inputs("followup", &ids, o->output);
	input_ids_free(&ids);
	return rc;
}

static int format_of(const options *o, int *json)
{
	*json = o->format && strcmp(o->format, "json") == 0;
	if (o->format && !*json && strcmp(o->format, "table") != 0) {
		fprintf(
		    stderr,
		    _("appui followup: unknown format '%s' (table or json)\n"),
		    SHOWN(o->format));
		return EXIT_USAGE;
	}
	return 0;
}

static int write_followup(const options *o, int json, ap_followup *f)
{
	outfile out;
	int rc = out_open(&out, o->output);
	if (rc)
		return rc;
	if (json)
		ap_followup_json(out.f, f);
	else
		ap_followup_table(out.f, f);
	return out_close(&out, 1);
}

int cmd_followup(const options *o, int argc, char **argv)
{
	int json;
	int rc = format_of(o, &json);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	ap_followup *f = ap_followup_new();
	ap_saved_missions *missions = NULL;
	rc = setup_open(o, &s, 1, d, stderr);
	if (!rc)
		rc = gather_inputs(o, &s, &in, argv, argc, usage_followup, d);
	if (!rc)
		rc = refuse_clobber(o, &s, &in);
	if (rc)
		goto out;
	batch_spec b = batch_of(&s, o, &in, BATCH_REPORT, "scoring");
	b.on_result = followup_result;
	b.ctx = f;
	int brc = batch_run(&b, d);
	print_diags(stderr, d, 0);
	if (brc) {
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	ap_diags_clear(d);
	rc = load_missions(o, &missions, d);
	if (rc)
		goto out;
	ap_followup_set_missions(f, missions);
	rc = write_followup(o, json, f);
out:
	ap_followup_free(f);
	ap_saved_missions_free(missions);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
