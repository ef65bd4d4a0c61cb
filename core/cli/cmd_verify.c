/* appui verify: a bundle's (or an extracted bag folder's) manifests checked,
 * then its case re-scored. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char usage_verify[] = N_(
    "usage: appui verify BUNDLE|FOLDER...\n"
    "\n"
    "Checks each bundle, or each extracted bag folder, as a BagIt bag:\n"
    "bagit.txt, every payload file against every payload manifest present\n"
    "(manifest-sha256.txt, manifest-sha512.txt: missing, extra, modified),\n"
    "every tag file against every tag manifest, Payload-Oxum. Then re-reads\n"
    "its case files, scores them with the plugins loaded now and compares\n"
    "with the stored score, naming each theme whose result changed and each\n"
    "plugin whose version differs. Exit status 1 when a check fails.\n");

/* "quality 1.0.0, security 1.0.0": the plugins that scored just now. */
static void print_plugins(FILE *out, const ap_host *h)
{
	const char *sep = "";
	for (size_t i = 0; i < ap_host_plugin_count(h); i++) {
		const ap_plugin_info *p = ap_host_plugin_at(h, i);
		if (p->status != AP_PLUGIN_LOADED)
			continue;
		fprintf(out, "%s%s %s", sep, SHOWN(p->id),
		        p->version ? SHOWN(p->version) : "?");
		sep = ", ";
	}
}

int cmd_verify(const options *o, int argc, char **argv)
{
	if (argc < 1) {
		fputs(_(usage_verify), stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	/* Without plugins or schema the bags can still be checked; only the
	 * re-scoring needs them. */
	int setup_rc = setup_open(o, &s, 1, d, stderr);
	if (setup_rc)
		fputs(_("appui verify: the bags are checked, their score is "
		        "not\n"),
		      stderr);
	size_t failed = 0;
	for (int i = 0; i < argc; i++) {
		ap_diags_clear(d);
		ap_bundle *b = NULL;
		if (ap_bundle_open(&b, argv[i], NULL, d) != 0) {
			print_diags(stdout, d, 0);
			printf(_("%s: FAILED: cannot be read as a bundle\n"),
			       SHOWN(argv[i]));
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
		printf(_("%s: %s: bag %s/ "), SHOWN(argv[i]),
		       problems || changed ? "FAILED" : "OK",
		       SHOWN(ap_bundle_name(b)));
		if (problems)
			printf(_("has %zu problem%s"), problems,
			       problems == 1 ? "" : "s");
		else
			printf(_("intact (%zu payload files, %" PRIu64
			         " bytes; manifests %s)"),
			       files, bytes, ap_bundle_manifest_algorithms(b));
		if (setup_rc)
			printf(_("; score not checked\n"));
		else if (changed)
			printf(_("; score NOT reproduced (%zu difference%s)\n"),
			       changed, changed == 1 ? "" : "s");
		else {
			printf(_("; score reproduced with "));
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
