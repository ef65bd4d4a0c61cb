/*
 * appui report: the report coordinators show (docs/reports.md): the scores
 * of the case files (or the store's latest versions) and, with a campaign,
 * its plan, as one self-contained HTML page or a workbook. Made from the
 * same JSON as `appui score --format json` and `appui plan --format json`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "appui/appui.h"
#include "appui/document.h"
#include "appui/followup.h"
#include "batch.h"
#include "cli.h"

const char usage_report[] =
    N_("usage: appui report [--format html|xlsx] [--campaign FILE | --plan "
       "PLAN-ID]\n"
       "                    [--time-limit SECONDS] [-o FILE] FILE|DIR...\n"
       "\n"
       "The report of the case files: the campaign at a glance, the ranked\n"
       "sites, a page per site and, with --campaign, the plan (a Gantt chart\n"
       "per firm, the sites not planned and why). See docs/reports.md.\n"
       "\n"
       "  -f, --format FMT       html (default: one self-contained page) or\n"
       "                         xlsx (a workbook: needs -o FILE)\n"
       "  --campaign FILE        also plan this campaign and show the plan\n"
       "  --plan PLAN-ID         show the store's saved plan PLAN-ID (as P1),\n"
       "                         each site's missions on its chart over time,\n"
       "                         and the campaign's outcome (appui followup)\n"
       "  --time-limit SECONDS   for the planner (default 10)\n"
       "  -o, --output FILE      write to FILE atomically instead of stdout\n"
       "  -s, --strict           treat every warning about a case file as an "
       "error\n"
       "\n"
       "With no FILE|DIR and a store in use (--store FILE, or store.path in\n"
       "the configuration), the latest version of each case in the store is\n"
       "read (--site S, --firm F, --since DATE keep some of them).\n");

typedef struct report_ctx {
	ap_document *doc;
	ap_plan_input *input;
	ap_followup *followup; /* with --plan */
} report_ctx;

static void report_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	report_ctx *r = ctx;
	if (res->case_text)
		ap_document_add_case(r->doc, res->case_text, res->case_len);
	if (res->case_text && r->followup)
		ap_followup_add_case(r->followup, res->case_text,
		                     res->case_len);
	if (res->site && r->input)
		ap_plan_input_add_site(r->input, res->site);
}

/* The campaign's plan into the document. Returns 0 or an exit status. */
static int add_plan(const options *o, ap_document *doc,
                    const ap_campaign *campaign, ap_plan_input *input,
                    ap_diags *d)
{
	ap_plan_options popt = AP_PLAN_OPTIONS_INIT;
	popt.time_limit = o->time_limit;
	ap_plan *plan = NULL;
	int prc = ap_plan_build(&plan, campaign, input, &popt, d);
	if (prc != AP_OK) {
		print_diags(stderr, d, 0);
		return prc == AP_EINVALID ? EXIT_INVALID : EXIT_SETUP;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		ap_oom();
	ap_plan_json(f, plan, d);
	fclose(f);
	int rc = ap_document_set_plan(doc, text, len) == AP_OK ? 0 : EXIT_SETUP;
	free(text);
	ap_plan_free(plan);
	return rc;
}

typedef struct memtext {
	char *text;
	size_t len;
	FILE *f;
} memtext;

static FILE *mem_open(memtext *m)
{
	m->text = NULL;
	m->f = open_memstream(&m->text, &m->len);
	if (!m->f)
		ap_oom();
	return m->f;
}

static int saved_json(void *ctx, const ap_store_plan *p)
{
	ap_document_set_plan(ctx, p->plan_json, p->plan_json_len);
	return 0;
}

/* --plan PLAN-ID: the saved plan, its missions and the campaign's outcome
 * into the document. Returns 0 or an exit status. */
static int add_saved(const options *o, report_ctx *r, ap_diags *d)
{
	long long id;
	if (ap_plan_id_parse(o->plan_file, &id) != 0) {
		fprintf(
		    stderr,
		    _("appui report: --plan wants a saved plan's id, as P1, "
		      "not '%s'\n"),
		    SHOWN(o->plan_file));
		return EXIT_USAGE;
	}
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_saved_missions *m = NULL;
	int status = ap_store_plan_get(s, id, saved_json, r->doc, d);
	if (status == AP_OK)
		status = ap_saved_missions_load(&m, s, id, d);
	ap_store_close(s);
	if (status != AP_OK)
		return store_exit(status, d);
	memtext t;
	ap_saved_missions_json(mem_open(&t), m, NULL);
	fclose(t.f);
	ap_document_set_missions(r->doc, t.text, t.len);
	free(t.text);
	ap_followup_set_missions(r->followup, m);
	ap_followup_json(mem_open(&t), r->followup);
	fclose(t.f);
	ap_document_set_followup(r->doc, t.text, t.len);
	free(t.text);
	ap_saved_missions_free(m);
	return 0;
}

/* A workbook is a zip file libxlsxwriter writes by name: to a regular
 * file (new or replaced), never a terminal, a pipe or a device. */
static int write_xlsx(const options *o, const ap_document *doc,
                      const ap_document_options *dopt, ap_diags *d)
{
	struct stat st;
	if (!o->output || strcmp(o->output, "-") == 0 ||
	    (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode))) {
		fputs(
		    _("appui report: a workbook is written to a file: give -o "
		      "FILE.xlsx (a regular file)\n"),
		    stderr);
		return EXIT_USAGE;
	}
	if (ap_document_xlsx(o->output, doc, dopt, d) != AP_OK) {
		print_diags(stderr, d, 0);
		return EXIT_SETUP;
	}
	return 0;
}

static int write_report(const options *o, int xlsx, const ap_document *doc,
                        ap_diags *d)
{
	ap_document_options dopt = AP_DOCUMENT_OPTIONS_INIT;
	if (xlsx)
		return write_xlsx(o, doc, &dopt, d);
	outfile out;
	int rc = out_open(&out, o->output);
	if (rc)
		return rc;
	ap_document_html(out.f, doc, &dopt, d);
	return out_close(&out, 1);
}

/* -o onto an input (a case file, the campaign, the configuration, the
 * store): refused. */
static int refuse_clobber(const options *o, const setup *s, const char *cpath,
                          const inputs *in)
{
	input_ids ids = {0};
	const char *files[] = {cpath, ap_config_path(s->cfg), in->store_file};
	input_ids_add(&ids, (const char *const *)in->paths, in->n);
	input_ids_add(&ids, files, 3);
	int rc = refuse_output_onto_inputs("report", &ids, o->output);
	input_ids_free(&ids);
	return rc;
}

static int format_of(const options *o, int *xlsx)
{
	*xlsx = o->format && strcmp(o->format, "xlsx") == 0;
	if (o->format && !*xlsx && strcmp(o->format, "html") != 0) {
		fprintf(stderr,
		        _("appui report: unknown format '%s' (html or xlsx)\n"),
		        SHOWN(o->format));
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_report(const options *o, int argc, char **argv)
{
	int xlsx;
	int rc = format_of(o, &xlsx);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	setup s;
	ap_campaign *campaign = NULL;
	inputs in = {0};
	report_ctx r = {ap_document_new(), NULL, NULL};
	rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	if (o->campaign &&
	    load_campaign(o->campaign, &s, &campaign, d, stderr) != 0) {
		fprintf(stderr, _("appui report: the campaign %s has errors\n"),
		        SHOWN(o->campaign));
		rc = EXIT_SETUP;
		goto out;
	}
	ap_diags_clear(d);
	if (o->campaign && o->plan_file) {
		fputs(_("appui report: --campaign plans anew, --plan shows a "
		        "saved "
		        "plan: give one of them\n"),
		      stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (o->plan_file)
		r.followup = ap_followup_new();
	rc = gather_inputs(o, &s, &in, argv, argc, usage_report, d);
	if (!rc)
		rc = refuse_clobber(o, &s, o->campaign, &in);
	if (rc)
		goto out;
	r.input = campaign ? ap_plan_input_new() : NULL;
	batch_spec b = batch_of(&s, o, &in, BATCH_REPORT, "scoring");
	b.on_result = report_result;
	b.ctx = &r;
	int brc = batch_run(&b, d);
	print_diags(stderr, d, 0);
	if (brc) {
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	if (campaign)
		rc = add_plan(o, r.doc, campaign, r.input, d);
	if (!rc && o->plan_file)
		rc = add_saved(o, &r, d);
	if (!rc)
		rc = write_report(o, xlsx, r.doc, d);
	if (!rc && ap_diags_errors(d))
		rc = EXIT_INVALID;
out:
	ap_plan_input_free(r.input);
	ap_followup_free(r.followup);
	ap_document_free(r.doc);
	ap_campaign_free(campaign);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
