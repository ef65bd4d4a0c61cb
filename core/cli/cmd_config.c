/* appui config check: a configuration or a campaign file, checked whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"

const char usage_config[] = N_(
    "usage: appui config check [FILE]\n"
    "\n"
    "Checks FILE (default: the configuration in use), including each theme's\n"
    "section against its plugin's catalogue and parameters. A campaign file\n"
    "(one with 'firms' or 'budget') is checked as a campaign, its themes\n"
    "against the plugins of the configuration in use (--config). Problems\n"
    "are printed as FILE:LINE: message; exit 1 when there is any.\n");

int cmd_config(const options *given, int argc, char **argv)
{
	options own = *given, *o = &own;
	if (argc < 1 || strcmp(argv[0], "check") != 0 || argc > 2) {
		fputs(_(usage_config), stderr);
		return EXIT_USAGE;
	}
	/* For a campaign, the host configuration named by --config (or the
	 * default one) says which themes exist. */
	const char *host_config = o->config;
	if (argc == 2)
		o->config = argv[1];
	setup s;
	memset(&s, 0, sizeof(s));
	const char *path = config_path(o, &s);
	if (!path) {
		printf(_("no configuration file in use: the built-in defaults "
		         "apply\n"));
		setup_free(&s);
		return 0;
	}
	char *shown = strdup(path);
	setup_free(&s);
	ap_diags *d = ap_diags_new();
	if (ap_config_is_campaign(shown)) {
		/* A campaign: its themes are checked against the plugins of the
		 * configuration in use. */
		options host_opts = *o;
		host_opts.config = argc == 2 ? host_config : NULL;
		int rc = setup_open(&host_opts, &s, 0, d, stderr);
		ap_campaign *campaign = NULL;
		if (rc == 0 &&
		    load_campaign(shown, &s, &campaign, d, stdout) == 0)
			printf(_("%s: valid campaign (%zu firm%s)\n"),
			       SHOWN(shown), campaign->n_firms,
			       campaign->n_firms == 1 ? "" : "s");
		else if (rc == 0)
			rc = EXIT_INVALID;
		ap_campaign_free(campaign);
		free(shown);
		ap_diags_free(d);
		setup_free(&s);
		return rc == 0 ? 0 : EXIT_INVALID;
	}
	/* Loading the plugins checks each theme's section against them; the
	 * problems are this command's output, so they go to stdout. */
	int rc = setup_open(o, &s, 0, d, stdout);
	if (rc == 0)
		printf(_("%s: valid (%zu plugin%s loaded)\n"), SHOWN(shown),
		       ap_host_loaded_count(s.host),
		       ap_host_loaded_count(s.host) == 1 ? "" : "s");
	free(shown);
	ap_diags_free(d);
	setup_free(&s);
	return rc ? EXIT_INVALID : 0;
}
