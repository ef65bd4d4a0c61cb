/*
 * appui bundle: a site's mission case bundle, as a BagIt bag. The bags
 * themselves (layout, archives, hashes, limits) are libappui's
 * (appui/bundle.h); this file turns options into calls, problems into lines
 * and exit statuses.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char usage_bundle[] = N_(
    "usage: appui bundle -o OUT [--format tar.gz|tar.zst|zip] [--plan "
    "PLAN.json]\n"
    "                    [--attach FILE]... [--strict] CASEFILE|DIR...\n"
    "       appui bundle -o OUT --store FILE --site SITE [...]\n"
    "\n"
    "Archives everything about one site's mission as one BagIt bag (RFC "
    "8493):\n"
    "the site's case files, their score (JSON and text), its entry of a plan\n"
    "(its mission, or why it is unplanned) and attachments. The same inputs\n"
    "give the same bytes; the bundle is written to a temporary file in OUT's\n"
    "folder, flushed, then renamed. With --store and no CASEFILE, the\n"
    "latest versions of the site's cases (--site) are taken from the store,\n"
    "byte for byte. See docs/bundles.md.\n"
    "\n"
    "  -o, --output OUT   the bundle to write (required)\n"
    "  -f, --format FMT   tar.gz (default), tar.zst or zip; without it, "
    "from\n"
    "                     OUT's extension (.tar.gz, .tgz, .tar.zst, .zip)\n"
    "  --plan PLAN.json   the output of 'appui plan --format json'\n"
    "  --attach FILE      add FILE under data/attachments/ (repeatable)\n"
    "  -s, --strict       refuse case files with warnings\n");

static int bundle_format(const options *o, ap_bundle_format *f)
{
	ap_bundle_format by_ext;
	int has_ext = ap_bundle_format_from_path(o->output, &by_ext) == 0;
	if (o->format) {
		if (ap_bundle_format_from_name(o->format, f) != 0) {
			fprintf(stderr,
			        _("appui bundle: unknown format '%s' (tar.gz, "
			          "tar.zst or zip)\n"),
			        SHOWN(o->format));
			return EXIT_USAGE;
		}
		if (has_ext && by_ext != *f) {
			fprintf(
			    stderr,
			    _("appui bundle: --format %s, but %s names a %s "
			      "file\n"),
			    SHOWN(o->format), SHOWN(o->output),
			    ap_bundle_format_name(by_ext));
			return EXIT_USAGE;
		}
		return 0;
	}
	*f = has_ext ? by_ext : AP_BUNDLE_TAR_GZ;
	return 0;
}

/* The bundle onto a case file, an attachment, the plan or the
 * configuration: refused. */
static int refuse_clobber(const options *o, const setup *s, const inputs *in)
{
	input_ids ids = {0};
	const char *files[] = {o->plan_file, ap_config_path(s->cfg),
	                       in->store_file};
	input_ids_add(&ids, (const char *const *)in->paths, in->n);
	input_ids_add(&ids, o->attach, o->n_attach);
	input_ids_add(&ids, files, sizeof files / sizeof files[0]);
	int rc = refuse_output_onto_inputs("bundle", &ids, o->output);
	input_ids_free(&ids);
	return rc;
}

int cmd_bundle(const options *o, int argc, char **argv)
{
	if ((argc < 1 && !o->store) || !o->output) {
		if (argc >= 1 || o->store)
			fputs(_("appui bundle: give the bundle to write: -o "
			        "OUT\n"),
			      stderr);
		fputs(_(usage_bundle), stderr);
		return EXIT_USAGE;
	}
	if (strcmp(o->output, "-") == 0) {
		fputs(_("appui bundle: a bundle is written to a file (it is "
		        "renamed into place), not to standard output\n"),
		      stderr);
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0) {
			fputs(
			    _("appui bundle: a bag keeps each case file under "
			      "its name: give files, not standard input (-)\n"),
			    stderr);
			return EXIT_USAGE;
		}
	ap_bundle_format format;
	int rc = bundle_format(o, &format);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	setup s;
	inputs in = {0};
	char *from_store = NULL; /* the folder of stored versions, if any */
	ap_bundle_summary sum = {0};
	rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	rc = gather_inputs(o, &s, &in, argv, argc, usage_bundle, d);
	if (!rc && in.case_ids)
		rc = store_to_folder(o, &s, &in, &from_store);
	if (rc)
		goto out;
	if (ap_diags_errors(d)) {
		print_diags(stderr, d, 0);
		rc = EXIT_INVALID;
		goto out;
	}
	rc = refuse_clobber(o, &s, &in);
	if (rc)
		goto out;
	/* A zip entry's DOS time is local time (libarchive converts with
	 * localtime): in UTC, the bytes are the same in every time zone. */
	setenv("TZ", "UTC0", 1);
	tzset();
	ap_bundle_spec spec = {
	    .case_files = (const char *const *)in.paths,
	    .n_case_files = in.n,
	    .plan_file = o->plan_file,
	    .attachments = o->attach,
	    .n_attachments = o->n_attach,
	    .config_file = ap_config_path(s.cfg),
	    .format = format,
	    .strict = o->strict,
	};
	cancel_on_signals();
	int r = ap_bundle_create(o->output, &spec, s.reader, s.host, &sum, d);
	cancel_off();
	print_diags(stderr, d, 0);
	if (r == 0) {
		printf(_("%s: bag %s/ (%s), %zu payload files, %" PRIu64
		         " bytes; %" PRIu64 " bytes written\n"),
		       SHOWN(o->output), SHOWN(sum.name),
		       ap_bundle_format_name(format), sum.payload_files,
		       sum.payload_bytes, sum.archive_bytes);
		rc = 0;
	} else {
		fprintf(stderr, _("appui bundle: %s not written\n"),
		        SHOWN(o->output));
		rc = ap_status_exit_code((ap_status)r);
	}
out:
	store_folder_remove(&in, from_store);
	ap_bundle_summary_clear(&sum);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
