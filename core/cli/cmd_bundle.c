/*
 * The bundle commands: bundle, verify, extract, show. The bags themselves
 * (BagIt layout, archives, hashes, limits) are libappui's (appui/bundle.h);
 * this file turns options into calls, problems into lines and exit statuses.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char usage_bundle[] =
    "usage: appui bundle -o OUT [--format tar.gz|tar.zst|zip] [--plan "
    "PLAN.json]\n"
    "                    [--attach FILE]... [--strict] CASEFILE|DIR...\n"
    "\n"
    "Archives everything about one site's mission as one BagIt bag (RFC "
    "8493):\n"
    "the site's case files, their score (JSON and text), its entry of a plan\n"
    "(its mission, or why it is unplanned) and attachments. The same inputs\n"
    "give the same bytes; the bundle is written to a temporary file in OUT's\n"
    "folder, flushed, then renamed. See docs/bundles.md.\n"
    "\n"
    "  -o, --output OUT   the bundle to write (required)\n"
    "  -f, --format FMT   tar.gz (default), tar.zst or zip; without it, "
    "from\n"
    "                     OUT's extension (.tar.gz, .tgz, .tar.zst, .zip)\n"
    "  --plan PLAN.json   the output of 'appui plan --format json'\n"
    "  --attach FILE      add FILE under data/attachments/ (repeatable)\n"
    "  -s, --strict       refuse case files with warnings\n";

const char usage_verify[] =
    "usage: appui verify BUNDLE...\n"
    "\n"
    "Checks each bundle as a BagIt bag: bagit.txt, every payload file "
    "against\n"
    "manifest-sha256.txt (missing, extra, modified), every tag file against\n"
    "tagmanifest-sha256.txt, Payload-Oxum. Then re-reads its case files, "
    "scores\n"
    "them with the plugins loaded now and compares with the stored score,\n"
    "naming each theme whose result changed and each plugin whose version\n"
    "differs. Exit status 1 when a check fails.\n";

const char usage_extract[] =
    "usage: appui extract BUNDLE -C DIR\n"
    "\n"
    "Extracts a bundle into DIR (created if missing): the bag's folder "
    "becomes\n"
    "DIR/NAME. Refused: absolute paths, '..', links, devices, FIFOs, a "
    "member\n"
    "over 256 MiB, more than 10,000 members, an archive expanding to more "
    "than\n"
    "100 times its size. Everything goes to a temporary folder in DIR first,\n"
    "so a refused archive leaves nothing behind; DIR/NAME is never\n"
    "overwritten.\n"
    "\n"
    "  -C, --directory DIR  where to extract (required)\n";

const char usage_show[] =
    "usage: appui show BUNDLE...\n"
    "\n"
    "Describes a bundle for a person: site, diagnostics, mission, score,\n"
    "plugin versions, then every member with its size and SHA-256. It does\n"
    "not judge the bag: 'appui verify' does.\n";

/* The archive format: --format, else OUT's extension, else tar.gz. */
static int bundle_format(const options *o, ap_bundle_format *f)
{
	ap_bundle_format by_ext;
	int has_ext = ap_bundle_format_from_path(o->output, &by_ext) == 0;
	if (o->format) {
		if (ap_bundle_format_from_name(o->format, f) != 0) {
			fprintf(stderr,
			        "appui bundle: unknown format '%s' (tar.gz, "
			        "tar.zst or zip)\n",
			        o->format);
			return EXIT_USAGE;
		}
		if (has_ext && by_ext != *f) {
			fprintf(stderr,
			        "appui bundle: --format %s, but %s names a %s "
			        "file\n",
			        o->format, o->output,
			        ap_bundle_format_name(by_ext));
			return EXIT_USAGE;
		}
		return 0;
	}
	*f = has_ext ? by_ext : AP_BUNDLE_TAR_GZ;
	return 0;
}

int cmd_bundle(const options *o, int argc, char **argv)
{
	if (argc < 1 || !o->output) {
		if (argc >= 1)
			fputs(
			    "appui bundle: give the bundle to write: -o OUT\n",
			    stderr);
		fputs(usage_bundle, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(o->output, "-") == 0) {
		fputs("appui bundle: a bundle is written to a file (it is "
		      "renamed into place), not to standard output\n",
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
	ap_bundle_summary sum = {0};
	rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	expand(&in, argv, argc, d);
	if (ap_diags_errors(d)) {
		print_diags(stderr, d, 0);
		rc = EXIT_INVALID;
		goto out;
	}
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
	int r = ap_bundle_create(o->output, &spec, s.reader, s.host, &sum, d);
	print_diags(stderr, d, 0);
	if (r == 0) {
		printf("%s: bag %s/ (%s), %zu payload files, %" PRIu64
		       " bytes; %" PRIu64 " bytes written\n",
		       o->output, sum.name, ap_bundle_format_name(format),
		       sum.payload_files, sum.payload_bytes, sum.archive_bytes);
		rc = 0;
	} else {
		fprintf(stderr, "appui bundle: %s not written\n", o->output);
		rc = r == -2 ? EXIT_SETUP : EXIT_INVALID;
	}
out:
	ap_bundle_summary_clear(&sum);
	inputs_free(&in);
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}

/* "quality 1.0.0, security 1.0.0": the plugins that scored just now. */
static void print_plugins(FILE *out, const ap_host *h)
{
	const char *sep = "";
	for (size_t i = 0; i < ap_host_plugin_count(h); i++) {
		const ap_plugin_info *p = ap_host_plugin_at(h, i);
		if (p->status != AP_PLUGIN_LOADED)
			continue;
		fprintf(out, "%s%s %s", sep, p->id,
		        p->version ? p->version : "?");
		sep = ", ";
	}
}

int cmd_verify(const options *o, int argc, char **argv)
{
	if (argc < 1) {
		fputs(usage_verify, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	/* Without plugins or schema the bags can still be checked; only the
	 * re-scoring needs them. */
	int setup_rc = setup_open(o, &s, 1, d, stderr);
	if (setup_rc)
		fputs("appui verify: the bags are checked, their score is "
		      "not\n",
		      stderr);
	size_t failed = 0;
	for (int i = 0; i < argc; i++) {
		ap_diags_clear(d);
		ap_bundle *b = NULL;
		if (ap_bundle_open(&b, argv[i], NULL, d) != 0) {
			print_diags(stdout, d, 0);
			printf("%s: FAILED: cannot be read as a bundle\n",
			       argv[i]);
			failed++;
			continue;
		}
		size_t problems = ap_diags_errors(d);
		problems += ap_bundle_check(b, d);
		size_t changed = 0;
		if (!setup_rc)
			changed = ap_bundle_rescore(b, s.reader, s.host,
			                            ap_config_path(s.cfg), d);
		print_diags(stdout, d, 0);
		uint64_t bytes = 0;
		size_t files = 0;
		for (size_t k = 0; k < ap_bundle_member_count(b); k++) {
			const ap_bundle_member *m = ap_bundle_member_at(b, k);
			if (strncmp(m->path, "data/", 5) == 0) {
				bytes += m->size;
				files++;
			}
		}
		printf("%s: %s: bag %s/ ", argv[i],
		       problems || changed ? "FAILED" : "OK",
		       ap_bundle_name(b));
		if (problems)
			printf("has %zu problem%s", problems,
			       problems == 1 ? "" : "s");
		else
			printf("intact (%zu payload files, %" PRIu64 " bytes)",
			       files, bytes);
		if (setup_rc)
			printf("; score not checked\n");
		else if (changed)
			printf("; score NOT reproduced (%zu difference%s)\n",
			       changed, changed == 1 ? "" : "s");
		else {
			printf("; score reproduced with ");
			print_plugins(stdout, s.host);
			putchar('\n');
		}
		if (problems || changed)
			failed++;
		ap_bundle_free(b);
	}
	ap_diags_free(d);
	setup_free(&s);
	if (failed)
		return EXIT_INVALID;
	return setup_rc ? EXIT_SETUP : 0;
}

int cmd_extract(const options *o, int argc, char **argv)
{
	if (argc != 1 || !o->target_dir) {
		if (argc == 1)
			fputs("appui extract: give the folder to extract "
			      "into: -C DIR\n",
			      stderr);
		fputs(usage_extract, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	char *where = NULL;
	int r = ap_bundle_extract(argv[0], o->target_dir, NULL, &where, d);
	print_diags(stderr, d, 0);
	int rc = 0;
	if (r == 0) {
		printf("%s: extracted to %s\n", argv[0], where);
		if (!o->quiet)
			printf("check it with: (cd '%s' && sha256sum -c "
			       "--quiet manifest-sha256.txt)\n",
			       where);
	} else {
		fprintf(stderr, "appui extract: %s: nothing was extracted\n",
		        argv[0]);
		rc = r == -2 ? EXIT_SETUP : EXIT_INVALID;
	}
	free(where);
	ap_diags_free(d);
	return rc;
}

int cmd_show(const options *o, int argc, char **argv)
{
	(void)o;
	if (argc < 1) {
		fputs(usage_show, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		ap_bundle *b = NULL;
		ap_diags_clear(d);
		if (i)
			putchar('\n');
		int r = ap_bundle_open(&b, argv[i], NULL, d);
		if (r == 0)
			ap_bundle_show(stdout, b);
		/* Members that have no place in a bag are said, after the
		 * description. */
		print_diags(stderr, d, 0);
		if (r != 0 || ap_diags_errors(d))
			rc = EXIT_INVALID;
		ap_bundle_free(b);
	}
	ap_diags_free(d);
	return rc;
}
