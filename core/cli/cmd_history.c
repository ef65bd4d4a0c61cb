/*
 * appui history: a site over time (docs/followup.md): the case files of one
 * site among the inputs (or the latest version of each of its cases in the
 * store, with its missions), scored today, ordered by diagnostic date, with
 * the change of each theme from one diagnostic to the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "appui/history.h"
#include "batch.h"
#include "cli.h"

const char usage_history[] = N_(
    "usage: appui history SITE-ID [--format table|json] [--strict]\n"
    "                     [-o FILE] [FILE|DIR...]\n"
    "\n"
    "A site over time: the case files of site SITE-ID among FILE|DIR...\n"
    "(the others are scored and left out), each scored with today's plugins\n"
    "and configuration, by diagnostic date; per diagnostic, each theme's\n"
    "need, interval and band; from one diagnostic to the next, each theme's\n"
    "change (improved, worsened, no clear change, not comparable: the rule\n"
    "is in docs/followup.md), its band change, the indicators that moved,\n"
    "and the missions held between the two.\n"
    "\n"
    "  -f, --format FMT   table (default) or json (docs/cli.md)\n"
    "  -s, --strict       treat every warning about a case file as an error\n"
    "  -o, --output FILE  write to FILE atomically instead of stdout\n"
    "\n"
    "With no FILE|DIR and a store in use (--store FILE, or store.path in\n"
    "the configuration), the latest version of each case of the site in\n"
    "the store is read, and the store's missions of the site.\n");

typedef struct history_ctx {
	ap_history *h;
	const inputs *in;
	size_t of_site;
	int twice; /* a case of the site given twice */
} history_ctx;

static void history_result(void *ctx, size_t index, const batch_result *res)
{
	history_ctx *x = ctx;
	if (!res->case_text || !res->site ||
	    strcmp(res->site->site_id, ap_history_site_id(x->h)) != 0)
		return;
	if (ap_history_add_case(x->h, res->case_text, res->case_len) == AP_OK) {
		x->of_site++;
		return;
	}
	fprintf(stderr,
	        _("appui history: %s: case %s is given twice; the first one "
	          "is read\n"),
	        SHOWN(x->in->paths[index]), SHOWN(res->site->case_id));
	x->twice = 1;
}

static int format_of(const options *o, int *json)
{
	*json = o->format && strcmp(o->format, "json") == 0;
	if (o->format && !*json && strcmp(o->format, "table") != 0) {
		fprintf(
		    stderr,
		    _("appui history: unknown format '%s' (table or json)\n"),
		    SHOWN(o->format));
		return EXIT_USAGE;
	}
	return 0;
}

/* -o onto an input (a case file, the configuration, the store): refused. */
static int refuse_clobber(const setup *s, const inputs *in, const char *output)
{
	input_ids ids = {0};
	const char *files[] = {ap_config_path(s->cfg), in->store_file};
	input_ids_add(&ids, (const char *const *)in->paths, in->n);
	input_ids_add(&ids, files, 2);
	int rc = refuse_output_onto_inputs("history", &ids, output);
	input_ids_free(&ids);
	return rc;
}

static int write_history(const options *o, int json, const ap_history *h)
{
	outfile out;
	int rc = out_open(&out, o->output);
	if (rc)
		return rc;
	int st = json ? ap_history_json(out.f, h) : ap_history_table(out.f, h);
	return out_close(&out, st == AP_OK);
}

/* The cases of the site, scored, into x->h. Returns 0 or an exit status. */
static int read_cases(const options *o, setup *s, inputs *in, history_ctx *x,
                      ap_diags *d)
{
	batch_spec b = batch_of(s, o, in, BATCH_REPORT, "scoring");
	b.on_result = history_result;
	b.ctx = x;
	int brc = batch_run(&b, d);
	print_diags(stderr, d, 0);
	if (brc)
		return brc > 0 ? brc : EXIT_SETUP;
	if (!x->of_site) {
		fprintf(stderr, _("appui history: no case of site %s %s\n"),
		        SHOWN(ap_history_site_id(x->h)),
		        in->store_file ? _("in the store")
		                       : _("among the inputs"));
		return ap_status_exit_code(AP_ENOTFOUND);
	}
	return 0;
}

static int add_stored_mission(void *ctx, const ap_store_mission *m)
{
	if (ap_history_add_stored(ctx, m) != AP_OK)
		fprintf(stderr,
		        _("appui history: mission %s has no dates it can be "
		          "placed by; left out\n"),
		        SHOWN(m->mission_id));
	return 0;
}

/* The store's missions of the site into `h`. Returns 0 or an exit
 * status. */
static int read_missions(const options *o, const setup *s, ap_history *h)
{
	ap_store *st = NULL;
	int rc = open_store(o, s->cfg, 0, &st);
	if (rc)
		return rc;
	ap_store_mission_query q = AP_STORE_MISSION_QUERY_INIT;
	q.site_id = ap_history_site_id(h);
	ap_diags *d = ap_diags_new();
	int status = ap_store_missions(st, &q, add_stored_mission, h, d);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(st);
	return rc;
}

static int site_arg(int argc, char **argv, const char **site)
{
	if (argc < 1 || !argv[0][0]) {
		fputs(_(usage_history), stderr);
		return EXIT_USAGE;
	}
	*site = argv[0];
	return 0;
}

int cmd_history(const options *o, int argc, char **argv)
{
	int json;
	const char *site = NULL;
	int rc = format_of(o, &json);
	if (!rc)
		rc = site_arg(argc, argv, &site);
	if (rc)
		return rc;
	options so = *o; /* the store's cases of this site only */
	so.site = site;
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	history_ctx x = {NULL, &in, 0, 0};
	if (ap_history_new(&x.h, site, NULL) != AP_OK)
		ap_oom();
	rc = setup_open(o, &s, 1, d, stderr);
	if (!rc)
		rc = gather_inputs(&so, &s, &in, argv + 1, argc - 1,
		                   usage_history, d);
	if (!rc)
		rc = refuse_clobber(&s, &in, o->output);
	if (!rc)
		rc = read_cases(&so, &s, &in, &x, d);
	if (!rc && in.store_file)
		rc = read_missions(&so, &s, x.h);
	if (!rc)
		rc = write_history(o, json, x.h);
	if (!rc && (ap_diags_errors(d) || x.twice))
		rc = EXIT_INVALID;
	ap_history_free(x.h);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
