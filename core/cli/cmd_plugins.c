/* appui plugins: the search path and every plugin found, with its status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"

const char usage_plugins[] =
    "usage: appui plugins\n"
    "\n"
    "Lists the plugin search path, then each plugin found: loaded, disabled,\n"
    "shadowed or refused, with the reason.\n";

static const char *status_name(ap_plugin_status st)
{
	switch (st) {
	case AP_PLUGIN_LOADED:
		return "loaded";
	case AP_PLUGIN_REFUSED:
		return "refused";
	case AP_PLUGIN_DISABLED:
		return "disabled";
	case AP_PLUGIN_SHADOWED:
		return "shadowed";
	}
	return "?";
}

int cmd_plugins(const options *o, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fputs(usage_plugins, stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	int rc = setup_open(o, &s, 0, d, stderr);
	if (!s.host) {
		ap_diags_free(d);
		setup_free(&s);
		return rc ? rc : EXIT_SETUP;
	}
	printf("configuration: %s\n", ap_config_path(s.cfg)
	                                  ? SHOWN(ap_config_path(s.cfg))
	                                  : "(built-in defaults)");
	printf("plugin ABI: %d.%d\nsearch path:\n", AP_PLUGIN_ABI_MAJOR,
	       AP_PLUGIN_ABI_MINOR);
	for (size_t i = 0; i < s.n_dirs; i++)
		printf("  %s  (%s)\n", SHOWN(s.dirs[i].dir), s.dirs[i].origin);
	printf("plugins:\n");
	size_t n = ap_host_plugin_count(s.host);
	if (!n)
		printf("  none found\n");
	for (size_t i = 0; i < n; i++) {
		const ap_plugin_info *p = ap_host_plugin_at(s.host, i);
		printf("  %-9s %-10s", status_name(p->status),
		       p->theme ? SHOWN(p->theme) : "-");
		if (p->version)
			printf(" %-8s", SHOWN(p->version));
		else
			printf(" %-8s", "-");
		if (p->abi_major >= 0)
			printf(" ABI %d.%d", p->abi_major, p->abi_minor);
		else
			printf(" ABI ?  ");
		printf("  %s\n", SHOWN(p->path));
		if (p->name && p->status == AP_PLUGIN_LOADED)
			printf("            %s\n", SHOWN(p->name));
		if (p->reason)
			printf("            %s\n", SHOWN(p->reason));
	}
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
