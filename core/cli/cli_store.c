/*
 * What the store's commands share: which store (--store FILE, then
 * store.path of the configuration), the time of its records ($APPUI_NOW, so
 * that tests and replays give the same store), who is acting.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appui/appui.h"
#include "cli.h"

const char *local_actor(void)
{
	static char actor[96];
	if (!actor[0]) {
		const struct passwd *pw = getpwuid(geteuid());
		if (pw && pw->pw_name && ap_store_name_ok(pw->pw_name))
			snprintf(actor, sizeof actor, "local:%s", pw->pw_name);
		else
			snprintf(actor, sizeof actor, "local:uid%lu",
			         (unsigned long)geteuid());
	}
	return actor;
}

int store_exit(int rc, const ap_diags *d)
{
	print_diags(stderr, d, 0);
	return ap_status_exit_code((ap_status)rc);
}

/* The path the store is at, from the configuration in use; NULL when it
 * names none (said), or when the configuration has errors (said). */
static char *configured_path(const options *o, const ap_config *cfg, int *rc)
{
	setup s;
	memset(&s, 0, sizeof s);
	ap_config *loaded = NULL;
	*rc = 0;
	if (!cfg) {
		const char *path = config_path(o, &s);
		ap_diags *d = ap_diags_new();
		if (path && ap_config_load(&loaded, path, d) != 0) {
			print_diags(stderr, d, 0);
			fprintf(stderr,
			        "appui: the configuration %s has errors\n",
			        path);
			*rc = EXIT_SETUP;
		}
		ap_diags_free(d);
		cfg = loaded;
	}
	char *store = cfg && ap_config_store_path(cfg)
	                  ? strdup(ap_config_store_path(cfg))
	                  : NULL;
	if (!*rc && !store) {
		fputs("appui: no store: give --store FILE, or set store.path "
		      "in the configuration\n",
		      stderr);
		*rc = EXIT_USAGE;
	}
	ap_config_free(loaded);
	setup_free(&s);
	return store;
}

int open_store(const options *o, const ap_config *cfg, int create,
               ap_store **out)
{
	*out = NULL;
	int rc = 0;
	char *path = o->store ? strdup(o->store) : configured_path(o, cfg, &rc);
	if (!path)
		return rc ? rc : EXIT_SETUP;
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.create = create;
	const char *now = getenv("APPUI_NOW");
	if (now && *now)
		opt.now = now;
	ap_diags *d = ap_diags_new();
	int status = ap_store_open(out, path, &opt, d);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	free(path);
	return rc;
}
