/* appui extract: a bundle extracted safely into a folder. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char usage_extract[] = N_(
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
    "  -C, --directory DIR  where to extract (required)\n"
    "  -q, --quiet          print nothing but the problems\n");

int cmd_extract(const options *o, int argc, char **argv)
{
	if (argc != 1 || !o->target_dir) {
		if (argc == 1)
			fputs(_("appui extract: give the folder to extract "
			        "into: -C DIR\n"),
			      stderr);
		fputs(_(usage_extract), stderr);
		return EXIT_USAGE;
	}
	/* -C onto the bundle itself. The bag goes to a new DIR/NAME, never
	 * over an existing file, so a DIR that holds the bundle is fine. */
	input_ids ids = {0};
	input_ids_add(&ids, (const char *const *)argv, 1);
	int refused = refuse_output_onto_inputs("extract", &ids, o->target_dir);
	input_ids_free(&ids);
	if (refused)
		return refused;
	ap_diags *d = ap_diags_new();
	char *where = NULL;
	cancel_on_signals();
	int r = ap_bundle_extract(argv[0], o->target_dir, NULL, &where, d);
	cancel_off();
	print_diags(stderr, d, 0);
	int rc = 0;
	if (r == 0) {
		printf(_("%s: extracted to %s\n"), SHOWN(argv[0]),
		       SHOWN(where));
		if (!o->quiet)
			printf(_("check it with: appui verify '%s'\n"
			         "or without appui: (cd '%s' && sha512sum -c "
			         "--quiet manifest-sha512.txt)\n"),
			       SHOWN(where), SHOWN(where));
	} else {
		fprintf(stderr, _("appui extract: %s: nothing was extracted\n"),
		        SHOWN(argv[0]));
		rc = ap_status_exit_code((ap_status)r);
	}
	free(where);
	ap_diags_free(d);
	return rc;
}
