#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by the build: AP_REL_* are install directories relative to the
 * prefix, e.g. "lib/appui/plugins"; AP_SYSCONFDIR is CMAKE_INSTALL_SYSCONFDIR
 * ("etc", or an absolute folder given at configure time). */
#ifndef AP_REL_PLUGINDIR
#error "AP_REL_PLUGINDIR must be defined by the build"
#endif
#ifndef AP_SYSCONFDIR
#error "AP_SYSCONFDIR must be defined by the build"
#endif

static char *join(const char *a, const char *b, const char *c)
{
	size_t len = strlen(a) + strlen(b) + strlen(c) + 1;
	char *out = malloc(len);
	if (out)
		snprintf(out, len, "%s%s%s", a, b, c);
	return out;
}

char *paths_full_dir(const char *prefix, const char *rel, int special)
{
	if (rel[0] == '/')
		return join(rel, "", "");
	/* GNUInstallDirs_get_absolute_install_dir, CMake 3.25. */
	size_t n = strlen(prefix);
	while (n > 0 && prefix[n - 1] == '/')
		n--;
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, prefix, n);
	p[n] = '\0';
	char *out;
	if (n == 0) /* the prefix is / */
		out = join(
		    "/", special || strncmp(rel, "usr/", 4) == 0 ? "" : "usr/",
		    rel);
	else if (special && strcmp(p, "/usr") == 0)
		out = join("/", rel, "");
	else if (special && strncmp(p, "/opt/", 5) == 0 &&
	         strncmp(p, "/opt/homebrew/", 14) != 0)
		out = join("/", rel, p);
	else
		out = join(p, "/", rel);
	free(p);
	return out;
}

/* The prefix: the running executable's folder's parent (<prefix>/bin/appui);
 * "" for an executable in /bin. */
static char *prefix_of_exe(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
	}
	return join(exe, "", "");
}

static char *prefix_join(const char *rel)
{
	char *prefix = prefix_of_exe();
	if (!prefix)
		return NULL;
	char *out = paths_full_dir(prefix, rel, 0);
	free(prefix);
	return out;
}

/* The build tree mirrors an installed tree with the plain layout
 * (<build>/etc/appui) wherever it is, even under /opt: a folder with a
 * CMakeCache.txt is a build tree, never an installed prefix. */
static int is_build_tree(const char *prefix)
{
	char *cache = join(prefix, "/", "CMakeCache.txt");
	int yes = cache && access(cache, F_OK) == 0;
	free(cache);
	return yes;
}

static char *sysconf_file(const char *name)
{
	char *prefix = prefix_of_exe();
	if (!prefix)
		return NULL;
	char *dir = is_build_tree(prefix) && AP_SYSCONFDIR[0] != '/'
	                ? join(prefix, "/", AP_SYSCONFDIR)
	                : paths_full_dir(prefix, AP_SYSCONFDIR, 1);
	free(prefix);
	if (!dir)
		return NULL;
	char *out = join(dir, "/appui/", name);
	free(dir);
	return out;
}

char *paths_config(void)
{
	return sysconf_file("appui.cfg");
}

char *paths_campaign(void)
{
	return sysconf_file("campaign.cfg");
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
