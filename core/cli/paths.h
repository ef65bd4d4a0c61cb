/*
 * Where the installation is. Everything is found relative to the running
 * executable: <prefix>/bin/appui gives the prefix, and the configuration's
 * folder follows GNUInstallDirs' rule for that prefix (cmake/AppuiDirs.cmake),
 * the same rule `cmake --install` used: /usr -> /etc/appui, /opt/X ->
 * /etc/opt/X/appui, any other prefix -> <prefix>/etc/appui. So an installed
 * tree works in any prefix and still works once moved, and the build tree
 * (which has the layout of an installed tree) works with no environment
 * variable.
 */
#ifndef APPUI_CLI_PATHS_H
#define APPUI_CLI_PATHS_H

/* Each returns a string to free, or NULL when it cannot be determined. */
char *paths_config(void);   /* <sysconfdir>/appui/appui.cfg */
char *paths_campaign(void); /* <sysconfdir>/appui/campaign.cfg */
char *paths_plugins(void);  /* <prefix>/lib/appui/plugins */
char *paths_schema(void);   /* <prefix>/share/appui/casefile.xsd */
char *paths_locale(void);   /* <prefix>/share/locale: the catalogues */

/* The absolute form of an install directory REL (absolute: kept as it is)
 * under PREFIX ("" for /), by GNUInstallDirs' rule; SPECIAL is nonzero for
 * the system configuration and state directories (etc, var), which leave a
 * /usr or /opt/X prefix. A string to free, or NULL when out of memory. */
char *paths_full_dir(const char *prefix, const char *rel, int special);

#endif
