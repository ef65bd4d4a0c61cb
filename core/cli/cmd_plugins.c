/* appui plugins: the search path and every plugin found, with its status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"

const char usage_plugins[] = N_(
    "usage: appui plugins\n"
    "\n"
    "Lists the plugin search path, then every entry of its folders: loaded,\n"
    "disabled, shadowed, refused (a broken plugin, or a file or folder every\n"
    "user may write to) or skipped (not a *.so file), each with the reason.\n");

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
	case AP_PLUGIN_SKIPPED:
		return "skipped";
	}
	return "?";
}

/* "  -", or the text inert, in a column of `width`. */
static void column(const char *text, int width)
{
	const char *t = text ? text : "-";
	ap_print_inert(stdout, t);
	for (int n = (int)strlen(t); n < width; n++)
		putchar(' ');
}

/* One entry: what plugins and file names say is shown inert. */
static void print_plugin(const ap_plugin_info *p)
{
	printf("  %-9s ", status_name(p->status));
	column(p->theme, 10);
	putchar(' ');
	column(p->version, 8);
	if (p->abi_major >= 0)
		printf(_(" ABI %d.%d"), p->abi_major, p->abi_minor);
	else
		printf(_(" ABI ?  "));
	fputs("  ", stdout);
	ap_print_inert(stdout, p->path);
	putchar('\n');
	if (p->name && p->status == AP_PLUGIN_LOADED) {
		fputs("            ", stdout);
		ap_print_inert(stdout, p->name);
		putchar('\n');
	}
	if (p->reason) {
		fputs("            ", stdout);
		ap_print_inert(stdout, p->reason);
		putchar('\n');
	}
}

int cmd_plugins(const options *o, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fputs(_(usage_plugins), stderr);
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
	fputs(_("configuration: "), stdout);
	ap_print_inert(stdout, ap_config_path(s.cfg) ? ap_config_path(s.cfg)
	                                             : "(built-in defaults)");
	printf(_("\nplugin ABI: %d.%d\nsearch path:\n"), AP_PLUGIN_ABI_MAJOR,
	       AP_PLUGIN_ABI_MINOR);
	for (size_t i = 0; i < s.n_dirs; i++) {
		fputs("  ", stdout);
		ap_print_inert(stdout, s.dirs[i].dir);
		printf("  (%s)\n", s.dirs[i].origin);
	}
	printf(_("plugins:\n"));
	size_t n = ap_host_plugin_count(s.host);
	if (!n)
		printf(_("  none found\n"));
	for (size_t i = 0; i < n; i++)
		print_plugin(ap_host_plugin_at(s.host, i));
	ap_diags_free(d);
	setup_free(&s);
	return rc;
}
