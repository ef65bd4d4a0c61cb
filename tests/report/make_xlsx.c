/*
 * make_xlsx [--title T] [--date YYYY-MM-DD] SCORES.json PLAN.json|- OUT.xlsx
 *
 * The workbook through the library alone: each case of SCORES.json (the
 * whole `appui score --format json` document) given as its JSON text to
 * ap_document_add_case(), the plan (`appui plan --format json`) to
 * ap_document_set_plan() unless it is "-", then ap_document_xlsx().
 * Exit 0 when written, 1 when refused (the problems on stderr), 2 on a
 * usage error or an unreadable input.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/diag.h"
#include "appui/document.h"
#include "appui/status.h"

static int add_cases(ap_document *doc, const char *file)
{
	json_error_t e;
	json_t *all = json_load_file(file, 0, &e);
	json_t *cases = json_object_get(all, "cases");
	if (!json_is_array(cases)) {
		fprintf(stderr, "%s:%d: not a score document: %s\n", file,
		        e.line, all ? "no \"cases\" array" : e.text);
		json_decref(all);
		return -1;
	}
	size_t i;
	json_t *c;
	int rc = 0;
	json_array_foreach(cases, i, c)
	{
		char *text = json_dumps(c, JSON_COMPACT);
		if (!text ||
		    ap_document_add_case(doc, text, strlen(text)) != AP_OK) {
			fprintf(stderr, "%s: case %zu refused\n", file, i);
			rc = -1;
		}
		free(text);
	}
	json_decref(all);
	return rc;
}

static int set_plan(ap_document *doc, const char *file)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		perror(file);
		return -1;
	}
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	do {
		if (len + 65536 > cap)
			text = realloc(text, cap = 2 * cap + 65536);
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	int rc = ap_document_set_plan(doc, text, len) == AP_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "%s: not a plan document\n", file);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	ap_document_options opt = AP_DOCUMENT_OPTIONS_INIT;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1]; i += 2) {
		if (!strcmp(argv[i], "--title"))
			opt.title = argv[i + 1];
		else if (!strcmp(argv[i], "--date"))
			opt.date = argv[i + 1];
		else
			break;
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: make_xlsx [--title T] [--date D] "
		                "SCORES.json PLAN.json|- OUT.xlsx\n");
		return 2;
	}
	ap_document *doc = ap_document_new();
	int rc = 2;
	if (add_cases(doc, argv[i]) == 0 &&
	    (!strcmp(argv[i + 1], "-") || set_plan(doc, argv[i + 1]) == 0)) {
		ap_diags *d = ap_diags_new();
		rc = ap_document_xlsx(argv[i + 2], doc, &opt, d) == AP_OK ? 0
		                                                          : 1;
		for (size_t k = 0; k < ap_diags_count(d); k++)
			ap_diag_print(stderr, ap_diags_at(d, k));
		ap_diags_free(d);
	}
	ap_document_free(doc);
	return rc;
}
