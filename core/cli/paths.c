#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* AP_REL_* are set by the build: install directories relative to the
 * prefix, e.g. "lib/appui/plugins". */
#ifndef AP_REL_PLUGINDIR
#error "AP_REL_PLUGINDIR must be defined by the build"
#endif

static char *prefix_join(const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	/* <prefix>/bin/appui: drop the file name, then bin. */
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
	}
	size_t len = strlen(exe) + 1 + strlen(rel) + 1;
	char *out = malloc(len);
	if (out)
		snprintf(out, len, "%s/%s", exe[0] ? exe : "", rel);
	return out;
}

char *paths_config(void)
{
	return prefix_join(AP_REL_SYSCONFDIR "/appui.cfg");
}

char *paths_campaign(void)
{
	return prefix_join(AP_REL_SYSCONFDIR "/campaign.cfg");
}

char *paths_plugins(void)
{
	return prefix_join(AP_REL_PLUGINDIR);
}

char *paths_schema(void)
{
	char *p = prefix_join(AP_REL_DATADIR "/casefile.xsd");
	if (p && access(p, R_OK) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

char *paths_locale(void)
{
	return prefix_join(AP_REL_LOCALEDIR);
}
