/* appui validate: check case files, print FILE:LINE: FIELD: message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"

const char usage_validate[] = N_(
    "usage: appui validate [--strict] [-q] FILE|DIR...\n"
    "\n"
    "Checks each case file: safe parsing, the schema, then the semantics\n"
    "(duplicates, dates, windows, units and value domains of the loaded\n"
    "catalogues). Folders are searched recursively for *.xml files, in name\n"
    "order. Each problem is printed as FILE:LINE: FIELD: message.\n"
    "\n"
    "  -s, --strict  treat every warning about a case file as an error\n"
    "                (unknown theme or indicator, a theme that cannot be\n"
    "                scored, a request for a theme no plugin scores, ...)\n"
    "  -q, --quiet   print only the problems, not the summary line\n"
    "\n"
    "The summary adds up: N files: X valid, Y invalid, W warnings, N = X + Y;\n"
    "a folder that cannot be read counts once as unreadable (N = X + Y + Z).\n"

    "With no FILE|DIR and a store in use (--store FILE, or store.path in\n"
    "the configuration), the latest version of each case in the store is\n"
    "read, in order of the names it was sent under (--site S, --firm F,\n"
    "--since DATE keep some of them); see docs/store.md.\n");

typedef struct validate_ctx {
	ap_diags *all;
	size_t printed, valid, invalid, warnings;
} validate_ctx;

static void validate_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	validate_ctx *v = ctx;
	for (; v->printed < ap_diags_count(v->all); v->printed++) {
		const ap_diag *g = ap_diags_at(v->all, v->printed);
		ap_diag_print(stdout, g);
		v->warnings += g->severity == AP_WARNING;
	}
	if (res->valid)
		v->valid++;
	else
		v->invalid++;
}

/*
 * "N files: X valid, Y invalid, W warnings", where N = X + Y; a folder that
 * could not be read is a file of its own, neither valid nor invalid, so
 * that the numbers add up: "N files: X valid, Y invalid, Z unreadable, ...",
 * N = X + Y + Z.
 */
static void print_summary(const inputs *in, const validate_ctx *v)
{
	size_t n = v->valid + v->invalid + in->unreadable;
	printf(_("%zu file%s: %zu valid, %zu invalid, "), n, n == 1 ? "" : "s",
	       v->valid, v->invalid);
	if (in->unreadable)
		printf(_("%zu unreadable, "), in->unreadable);
	printf(_("%zu warning%s\n"), v->warnings, v->warnings == 1 ? "" : "s");
}

int cmd_validate(const options *o, int argc, char **argv)
{
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	rc = gather_inputs(o, &s, &in, argv, argc, usage_validate, d);
	if (rc)
		goto out;
	print_diags(stdout, d, 0);
	validate_ctx v = {.all = d, .printed = ap_diags_count(d)};
	batch_spec b = batch_of(&s, o, &in, BATCH_VALIDATE, "validating");
	b.on_result = validate_result;
	b.ctx = &v;
	int brc = batch_run(&b, d);
	fflush(stdout);
	if (brc) {
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	if (!o->quiet)
		print_summary(&in, &v);
	rc = v.invalid || ap_diags_errors(d) ? EXIT_INVALID : 0;
out:
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
