/* appui show: a bundle described for a person. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char usage_show[] =
    N_("usage: appui show BUNDLE...\n"
       "\n"
       "Describes a bundle for a person: site, diagnostics, mission, score,\n"
       "plugin versions, then every member with its size and SHA-256. It does\n"
       "not judge the bag: 'appui verify' does.\n");

/* The archive format: --format, else OUT's extension, else tar.gz. */

int cmd_show(const options *o, int argc, char **argv)
{
	(void)o;
	if (argc < 1) {
		fputs(_(usage_show), stderr);
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
