/*
 * Where the installation is. Everything is found relative to the running
 * executable (bin/appui -> ../lib/appui/plugins, ../share/appui,
 * ../etc/appui), so an installed tree works in any prefix, and the build tree
 * has the same layout, with no environment variable.
 */
#ifndef APPUI_CLI_PATHS_H
#define APPUI_CLI_PATHS_H

/* Each returns a string to free, or NULL when it cannot be determined. */
char *paths_config(void);   /* <prefix>/etc/appui/appui.cfg */
char *paths_campaign(void); /* <prefix>/etc/appui/campaign.cfg */
char *paths_plugins(void);  /* <prefix>/lib/appui/plugins */
char *paths_schema(void);   /* <prefix>/share/appui/casefile.xsd */
char *paths_locale(void);   /* <prefix>/share/locale: the catalogues */

#endif
