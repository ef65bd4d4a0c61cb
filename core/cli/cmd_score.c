/* appui score: the ranked table, the explanations, or the JSON document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"

const char usage_score[] = N_(
    "usage: appui score [--format table|json|csv] [--explain] [--strict]\n"
    "                   [-o FILE] FILE|DIR...\n"
    "\n"
    "Scores each valid case file on every theme a loaded plugin covers, then\n"
    "gives the site's mission (3-6 days) and its priority. Invalid files are\n"
    "reported and skipped; the others are scored.\n"
    "\n"
    "  -f, --format FMT   table (default: sorted by priority), json (one\n"
    "                     document, cases in input order) or csv (one row\n"
    "                     per case and theme, in input order)\n"
    "  -e, --explain      with the table: every indicator's value, level,\n"
    "                     weight and contribution, the rules, the levers\n"
    "  -s, --strict       treat every warning about a case file as an error\n"
    "  -o, --output FILE  write to FILE (atomically: a temporary file, then\n"
    "                     renamed) instead of standard output\n"
    "\n"
    "With no FILE|DIR and a store in use (--store FILE, or store.path in\n"
    "the configuration), the latest version of each case in the store is\n"
    "read, in order of the names it was sent under (--site S, --firm F,\n"
    "--since DATE keep some of them); see docs/store.md.\n");

typedef struct score_ctx {
	FILE *out;
	int csv;
	size_t n_json;
	ap_score_row *rows;
	size_t n_rows;
} score_ctx;

static void score_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	score_ctx *sc = ctx;
	if (res->case_text && sc->csv) {
		ap_report_csv_case(sc->out, res->case_text, res->case_len);
	} else if (res->case_text) {
		fputs(sc->n_json++ ? ",\n" : "\n", sc->out);
		fwrite(res->case_text, 1, res->case_len, sc->out);
	}
	if (res->row) {
		sc->rows =
		    realloc(sc->rows, (sc->n_rows + 1) * sizeof(*sc->rows));
		if (!sc->rows)
			ap_oom();
		sc->rows[sc->n_rows++] = *res->row; /* moved out */
		memset(res->row, 0, sizeof(*res->row));
	}
}

/* -o onto a case file, the configuration or the store: refused. */
static int refuse_clobber(const setup *s, const inputs *in, const char *output)
{
	input_ids ids = {0};
	const char *files[] = {ap_config_path(s->cfg), in->store_file};
	input_ids_add(&ids, (const char *const *)in->paths, in->n);
	input_ids_add(&ids, files, 2);
	int rc = refuse_output_onto_inputs("score", &ids, output);
	input_ids_free(&ids);
	return rc;
}

int cmd_score(const options *o, int argc, char **argv)
{
	int json = 0, csv = 0;
	if (o->format && strcmp(o->format, "json") == 0)
		json = 1;
	else if (o->format && strcmp(o->format, "csv") == 0)
		csv = 1;
	else if (o->format && strcmp(o->format, "table") != 0) {
		fprintf(stderr,
		        _("appui score: unknown format '%s' (table, json or "
		          "csv)\n"),
		        SHOWN(o->format));
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	score_ctx sc = {0};
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	rc = gather_inputs(o, &s, &in, argv, argc, usage_score, d);
	if (rc)
		goto out;
	rc = refuse_clobber(&s, &in, o->output);
	if (rc)
		goto out;
	outfile out;
	rc = out_open(&out, o->output);
	if (rc)
		goto out;
	sc.out = out.f;
	sc.csv = csv;
	if (json)
		ap_report_json_begin(out.f);
	if (csv)
		ap_report_csv_header(out.f);
	batch_spec b = batch_of(
	    &s, o, &in, json || csv ? BATCH_SCORE_JSON : BATCH_SCORE_TABLE,
	    "scoring");
	b.on_result = score_result;
	b.ctx = &sc;
	int brc = batch_run(&b, d);
	if (brc) {
		/* Interrupted or failed: no partial output file. */
		out_close(&out, 0);
		print_diags(stderr, d, 0);
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	if (json)
		ap_report_json_end(out.f, d);
	else if (!csv)
		ap_report_rows(out.f, ap_host_themes(s.host),
		               ap_host_theme_count(s.host), sc.rows, sc.n_rows,
		               o->explain);
	/* Problems also go to stderr, where a person running the table sees
	 * them; JSON carries them in the document as well. */
	print_diags(stderr, d, 0);
	rc = out_close(&out, 1);
	if (!rc && ap_diags_errors(d))
		rc = EXIT_INVALID;
out:
	for (size_t i = 0; i < sc.n_rows; i++)
		ap_score_row_clear(&sc.rows[i]);
	free(sc.rows);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
