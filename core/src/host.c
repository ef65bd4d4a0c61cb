/*
 * The plugin host. dlopen is used here and nowhere else.
 *
 * Loading follows the lessons of GStreamer, Apache and collectd: plugins are
 * opened with RTLD_NOW | RTLD_LOCAL so a missing symbol fails at load time
 * with the path in the message; the ABI fields of the descriptor are checked
 * before anything else is called; every refusal is listed with its reason,
 * never hidden; plugins stay resident until exit (no dlclose), so nothing a
 * plugin registered can run after its code is gone.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/i18n.h"
#include "host_impl.h"
#include "util.h"

/* The size of the descriptor in ABI 1.0: every member up to `finish`. */
#define AP_PLUGIN_SIZE_1_0 \
	(offsetof(ap_plugin, finish) + sizeof(void (*)(void *)))

struct ap_host {
	const ap_config *cfg;
	ap_plugin_info *infos;
	size_t n_infos, cap_infos;
	loaded_plugin *loaded; /* sorted by theme once loading is done */
	size_t n_loaded;
	const char **themes;
};

/* ---- plugin environment -----------------------------------------------------
 */

double ap_env_param(const ap_plugin_env *env, const char *name)
{
	const ap_plugin *d = env->plugin->desc;
	for (size_t i = 0; i < d->params_len; i++)
		if (strcmp(d->params[i].name, name) == 0)
			return env->plugin->params[i];
	return NAN;
}

void ap_env_fail(ap_plugin_env *env, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(env->failure);
	env->failure = ap_xvasprintf(fmt, ap);
	va_end(ap);
}

/* ---- loading
 * ----------------------------------------------------------------- */

static ap_plugin_info *new_info(ap_host *h, const char *path)
{
	if (h->n_infos == h->cap_infos) {
		h->cap_infos = h->cap_infos ? h->cap_infos * 2 : 8;
		h->infos =
		    ap_xrealloc(h->infos, h->cap_infos * sizeof(*h->infos));
	}
	ap_plugin_info *info = &h->infos[h->n_infos++];
	memset(info, 0, sizeof(*info));
	info->path = ap_xstrdup(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".so") == 0)
		n -= 3;
	/* "libfoo.so" and "foo.so" are both the plugin "foo". */
	if (n > 3 && strncmp(base, "lib", 3) == 0) {
		base += 3;
		n -= 3;
	}
	char *id = ap_xmalloc(n + 1);
	memcpy(id, base, n);
	id[n] = '\0';
	info->id = id;
	info->abi_major = info->abi_minor = -1;
	return info;
}

static void refuse(ap_plugin_info *info, ap_diags *d, const char *fmt, ...)
    AP_PRINTF(3, 4);

static void refuse(ap_plugin_info *info, ap_diags *d, const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	char *why = ap_xvasprintf(fmt, ap);
	char *shown = ap_xvasprintf(ap_tr(fmt), again);
	va_end(again);
	va_end(ap);
	info->status = AP_PLUGIN_REFUSED;
	info->reason = why;
	char *message = ap_xasprintf("refused: %s", why);
	char *local = ap_xasprintf(ap_tr("refused: %s"), shown);
	ap_diags_add_shown(d, AP_WARNING, info->path, 0, "plugin", message,
	                   local);
	free(message);
	free(local);
	free(shown);
}

/* An entry of a plugin folder that is no candidate: listed, not loaded,
 * and not a warning (a README beside the plugins is no mistake). */
static void skip(ap_host *h, const char *path, const char *why)
{
	ap_plugin_info *info = new_info(h, path);
	info->status = AP_PLUGIN_SKIPPED;
	info->reason = ap_xstrdup(why);
}

static int valid_id(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* Checks a catalogue entry; returns a message (to free) or NULL. */
static char *def_problem(const ap_indicator_def *def)
{
	const double *t = def->thresholds;
	if (!isfinite(t[0]) || !isfinite(t[1]) || !isfinite(t[2]))
		return ap_xstrdup("thresholds must be finite numbers");
	if (def->direction == AP_LOWER_IS_BETTER &&
	    !(t[0] <= t[1] && t[1] <= t[2]))
		return ap_xasprintf(
		    "thresholds out of order: lower is better, so "
		    "%g <= %g <= %g is required",
		    t[0], t[1], t[2]);
	if (def->direction == AP_HIGHER_IS_BETTER &&
	    !(t[0] >= t[1] && t[1] >= t[2]))
		return ap_xasprintf(
		    "thresholds out of order: higher is better, so "
		    "%g >= %g >= %g is required",
		    t[0], t[1], t[2]);
	if (!(def->weight >= 0 && def->weight <= 100))
		return ap_xasprintf("weight %g is out of range (0..100)",
		                    def->weight);
	return NULL;
}

static int check_descriptor(ap_plugin_info *info, const ap_plugin *desc,
                            ap_diags *d)
{
	if (!valid_id(desc->theme)) {
		refuse(info, d,
		       "its theme id is missing or not [a-z0-9._-]{1,64}");
		return -1;
	}
	if (!desc->score) {
		refuse(info, d, "it has no score function");
		return -1;
	}
	if (!desc->catalogue || desc->catalogue_len == 0) {
		refuse(info, d, "its catalogue is empty");
		return -1;
	}
	if (desc->params_len && !desc->params) {
		refuse(info, d, "it declares parameters but gives none");
		return -1;
	}
	for (size_t i = 0; i < desc->catalogue_len; i++) {
		const ap_indicator_def *def = &desc->catalogue[i];
		if (!def->ref || !*def->ref || !def->unit ||
		    (unsigned)def->direction > AP_HIGHER_IS_BETTER ||
		    (unsigned)def->domain > AP_DOMAIN_FLAG) {
			refuse(info, d, "catalogue entry %zu is malformed", i);
			return -1;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(desc->catalogue[k].ref, def->ref) == 0) {
				refuse(info, d, "catalogue lists '%s' twice",
				       def->ref);
				return -1;
			}
		}
		char *why = def_problem(def);
		if (why) {
			refuse(info, d, "catalogue entry '%s': %s", def->ref,
			       why);
			free(why);
			return -1;
		}
	}
	for (size_t i = 0; i < desc->params_len; i++) {
		const ap_param_def *pd = &desc->params[i];
		if (!pd->name || !valid_id(pd->name) ||
		    !(pd->default_value >= pd->min &&
		      pd->default_value <= pd->max)) {
			refuse(
			    info, d,
			    "parameter %zu is malformed (a name [a-z0-9._-], a "
			    "default within its range)",
			    i);
			return -1;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(desc->params[k].name, pd->name) == 0) {
				refuse(info, d,
				       "parameter '%s' is declared twice",
				       pd->name);
				return -1;
			}
		}
	}
	return 0;
}

static const cfg_theme *config_theme(const ap_config *cfg, const char *theme)
{
	for (size_t i = 0; i < cfg->n_themes; i++)
		if (strcmp(cfg->themes[i].theme, theme) == 0)
			return &cfg->themes[i];
	return NULL;
}

/*
 * Applies the configuration's section for the plugin's theme: thresholds and
 * weights per indicator, values of the declared parameters. Problems are
 * configuration errors (FILE:LINE). Returns the number of errors.
 */
static size_t configure(const ap_config *cfg, loaded_plugin *lp, ap_diags *d)
{
	const ap_plugin *desc = lp->desc;
	lp->n_catalogue = desc->catalogue_len;
	lp->catalogue = ap_xmalloc(lp->n_catalogue * sizeof(*lp->catalogue));
	memcpy(lp->catalogue, desc->catalogue,
	       lp->n_catalogue * sizeof(*lp->catalogue));
	lp->params = ap_xcalloc(desc->params_len ? desc->params_len : 1,
	                        sizeof(*lp->params));
	for (size_t i = 0; i < desc->params_len; i++)
		lp->params[i] = desc->params[i].default_value;

	const cfg_theme *ct = config_theme(cfg, desc->theme);
	if (!ct)
		return 0;
	size_t errors = 0;
	const char *file = cfg->path ? cfg->path : "(defaults)";
	for (size_t i = 0; i < ct->n_indicators; i++) {
		const cfg_indicator *ci = &ct->indicators[i];
		ap_indicator_def *def = NULL;
		for (size_t k = 0; k < lp->n_catalogue && !def; k++)
			if (strcmp(lp->catalogue[k].ref, ci->ref) == 0)
				def = &lp->catalogue[k];
		if (!def) {
			ap_buf known;
			ap_buf_init(&known);
			for (size_t k = 0; k < lp->n_catalogue; k++)
				ap_buf_printf(&known, "%s%s", k ? ", " : "",
				              lp->catalogue[k].ref);
			ap_diags_add(
			    d, AP_ERROR, file, ci->line, "",
			    "theme '%s' has no indicator '%s' (known: %s)",
			    desc->theme, ci->ref, known.data);
			ap_buf_free(&known);
			errors++;
			continue;
		}
		if (ci->has_thresholds)
			memcpy(def->thresholds, ci->thresholds,
			       sizeof(def->thresholds));
		if (ci->has_weight)
			def->weight = ci->weight;
		char *why = def_problem(def);
		if (why) {
			ap_diags_add(d, AP_ERROR, file, ci->line, "",
			             "indicator '%s' of theme '%s': %s",
			             ci->ref, desc->theme, why);
			free(why);
			errors++;
		}
	}
	for (size_t i = 0; i < ct->n_params; i++) {
		const cfg_param *cp = &ct->params[i];
		size_t k = 0;
		while (k < desc->params_len &&
		       strcmp(desc->params[k].name, cp->name) != 0)
			k++;
		if (k == desc->params_len) {
			ap_buf known;
			ap_buf_init(&known);
			for (size_t j = 0; j < desc->params_len; j++)
				ap_buf_printf(&known, "%s%s", j ? ", " : "",
				              desc->params[j].name);
			ap_diags_add(
			    d, AP_ERROR, file, cp->line, "",
			    "theme '%s' has no parameter '%s' (known: %s)",
			    desc->theme, cp->name,
			    known.data ? known.data : "none");
			ap_buf_free(&known);
			errors++;
			continue;
		}
		const ap_param_def *pd = &desc->params[k];
		if (!(cp->value >= pd->min && cp->value <= pd->max)) {
			ap_diags_add(
			    d, AP_ERROR, file, cp->line, "",
			    "parameter '%s' of theme '%s' = %g is out of range "
			    "(%g..%g)",
			    cp->name, desc->theme, cp->value, pd->min, pd->max);
			errors++;
			continue;
		}
		lp->params[k] = cp->value;
	}
	return errors;
}

static int enabled(const ap_config *cfg, const char *theme)
{
	if (!cfg->plugins_set)
		return 1;
	for (size_t i = 0; i < cfg->n_plugins; i++)
		if (strcmp(cfg->plugins[i], theme) == 0)
			return 1;
	return 0;
}

static loaded_plugin *find_loaded(ap_host *h, const char *theme)
{
	for (size_t i = 0; i < h->n_loaded; i++)
		if (strcmp(h->loaded[i].desc->theme, theme) == 0)
			return &h->loaded[i];
	return NULL;
}

/*
 * Opens the plugin file `name` of the folder `dfd` and checks, on the opened
 * file, that it is a regular file nobody but its owner and group may write.
 * Returns 0, or -1 when refused (with the reason).
 */
static int check_file(ap_plugin_info *info, int dfd, const char *name,
                      ap_diags *d)
{
	int fd =
	    openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		refuse(info, d, "cannot be opened: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) != 0)
		refuse(info, d, "cannot be read: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		refuse(info, d, "not a regular file");
	else if (st.st_mode & S_IWOTH)
		refuse(info, d,
		       "every user may write to this file (mode %04o), so "
		       "anyone could change the code appui runs; not loaded "
		       "(chmod o-w %s)",
		       (unsigned)(st.st_mode & 07777), info->path);
	else
		rc = 0;
	close(fd);
	return rc;
}

/* Loads the file and reads its descriptor, refusing it (with the reason)
 * when it is no plugin of this ABI. Returns the descriptor, or NULL. */
static const ap_plugin *open_descriptor(ap_plugin_info *info, const char *path,
                                        ap_diags *d)
{
	dlerror();
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *e = dlerror();
		refuse(info, d, "cannot be loaded: %s",
		       e ? e : "unknown dlopen error");
		return NULL;
	}
	/* From here on the handle is kept: plugins stay resident until exit. */
	dlerror();
	void *sym = dlsym(handle, AP_PLUGIN_ENTRY_SYMBOL);
	if (!sym) {
		refuse(info, d,
		       "no '" AP_PLUGIN_ENTRY_SYMBOL
		       "' symbol: not an appui plugin, "
		       "or built without AP_PLUGIN_ENTRY");
		return NULL;
	}
	ap_plugin_entry_fn entry;
	memcpy(&entry, &sym, sizeof entry);
	const ap_plugin *desc = entry();
	if (!desc) {
		refuse(info, d,
		       AP_PLUGIN_ENTRY_SYMBOL "() returned no descriptor");
		return NULL;
	}
	info->abi_major = desc->abi_major;
	info->abi_minor = desc->abi_minor;
	if (desc->abi_major != AP_PLUGIN_ABI_MAJOR ||
	    desc->abi_minor > AP_PLUGIN_ABI_MINOR) {
		refuse(info, d,
		       "built for plugin ABI %u.%u, but this appui provides "
		       "ABI %d.%d; "
		       "rebuild the plugin against this appui's headers "
		       "(pkg-config "
		       "appui)",
		       desc->abi_major, desc->abi_minor, AP_PLUGIN_ABI_MAJOR,
		       AP_PLUGIN_ABI_MINOR);
		return NULL;
	}
	if (desc->struct_size < AP_PLUGIN_SIZE_1_0) {
		refuse(info, d,
		       "its descriptor is %u bytes, smaller than the %zu bytes "
		       "of ABI "
		       "%d.0; rebuild the plugin",
		       desc->struct_size, (size_t)AP_PLUGIN_SIZE_1_0,
		       AP_PLUGIN_ABI_MAJOR);
		return NULL;
	}
	return desc;
}

static size_t load_one(ap_host *h, int dfd, const char *name, const char *path,
                       size_t dir_index, ap_diags *d)
{
	ap_plugin_info *info = new_info(h, path);

	/* The same file name earlier in the path wins: the user put it there to
	 * override the installed one. */
	for (size_t i = 0; i + 1 < h->n_infos; i++) {
		ap_plugin_status st = h->infos[i].status;
		if (strcmp(h->infos[i].id, info->id) == 0 &&
		    st != AP_PLUGIN_REFUSED && st != AP_PLUGIN_SKIPPED) {
			info->status = AP_PLUGIN_SHADOWED;
			info->reason =
			    ap_xasprintf("shadowed by %s", h->infos[i].path);
			return 0;
		}
	}

	if (check_file(info, dfd, name, d) != 0)
		return 0;
	const ap_plugin *desc = open_descriptor(info, path, d);
	if (!desc)
		return 0;
	if (check_descriptor(info, desc, d) != 0)
		return 0;
	info->theme = desc->theme;
	info->name = desc->name ? desc->name : desc->theme;
	info->version = desc->version ? desc->version : "unversioned";

	if (!enabled(h->cfg, desc->theme)) {
		info->status = AP_PLUGIN_DISABLED;
		info->reason = ap_xasprintf(
		    "theme '%s' is not listed in 'plugins' of %s", desc->theme,
		    h->cfg->path ? h->cfg->path : "the configuration");
		return 0;
	}
	/* A theme provided by a folder earlier in the path is overridden on
	 * purpose (--plugin-dir before the installed plugins); two plugins for
	 * one theme in the same folder are a mistake. */
	loaded_plugin *other = find_loaded(h, desc->theme);
	if (other && other->dir_index != dir_index) {
		info->status = AP_PLUGIN_SHADOWED;
		info->reason =
		    ap_xasprintf("theme '%s' is provided by %s, earlier in "
		                 "the search path",
		                 desc->theme, h->infos[other->info_index].path);
		return 0;
	}
	if (other) {
		refuse(info, d, "theme '%s' is already provided by %s",
		       desc->theme, h->infos[other->info_index].path);
		return 0;
	}

	loaded_plugin lp = {
	    .desc = desc, .info_index = h->n_infos - 1, .dir_index = dir_index};
	size_t errors = configure(h->cfg, &lp, d);
	if (errors) {
		refuse(info, d, "its configuration has %zu error%s (see above)",
		       errors, errors > 1 ? "s" : "");
		free(lp.catalogue);
		free(lp.params);
		return errors;
	}
	if (desc->init) {
		ap_plugin_env env = {.plugin = &lp};
		if (desc->init(&env, &lp.state) != 0) {
			refuse(info, d, "its init failed: %s",
			       env.failure ? env.failure : "no reason given");
			free(env.failure);
			free(lp.catalogue);
			free(lp.params);
			return 0;
		}
		free(env.failure);
	}
	info->status = AP_PLUGIN_LOADED;
	h->loaded =
	    ap_xrealloc(h->loaded, (h->n_loaded + 1) * sizeof(*h->loaded));
	h->loaded[h->n_loaded++] = lp;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_loaded(const void *a, const void *b)
{
	return strcmp(((const loaded_plugin *)a)->desc->theme,
	              ((const loaded_plugin *)b)->desc->theme);
}

/* One entry of a plugin folder: a candidate when its name ends in .so and
 * it is a regular file (a link to one is followed); else it is skipped. */
static size_t load_entry(ap_host *h, int dfd, const char *dir, const char *name,
                         size_t dir_index, ap_diags *d)
{
	char *path = ap_path_join(dir, name);
	size_t errors = 0;
	struct stat st;
	if (name[0] == '.')
		skip(h, path, "hidden (its name starts with '.')");
	else if (!ap_str_ends_with(name, ".so") || strlen(name) < 4)
		skip(h, path, "not a plugin: its name does not end in .so");
	else if (fstatat(dfd, name, &st, 0) != 0)
		refuse(new_info(h, path), d, "cannot be read: %s",
		       strerror(errno));
	else if (!S_ISREG(st.st_mode))
		skip(h, path,
		     S_ISDIR(st.st_mode)
		         ? "a folder (plugin folders are not searched "
		           "recursively)"
		         : "not a regular file");
	else
		errors = load_one(h, dfd, name, path, dir_index, d);
	free(path);
	return errors;
}

/*
 * Opens a folder of the search path and checks it, on the opened folder:
 * one that every user may write to is refused whatever its sticky bit (in
 * /tmp, anyone may add a file). Returns the open folder, or NULL.
 */
static DIR *open_dir(ap_host *h, const ap_search_dir *sd, ap_diags *d)
{
	int fd = open(sd->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		/* A folder of the default path may legitimately not exist; one
		 * the user named should. */
		if (strcmp(sd->origin, "installed") != 0)
			ap_diags_add(
			    d, AP_WARNING, sd->dir, 0, "plugin path",
			    "cannot search this plugin folder (from %s): %s",
			    sd->origin, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (st.st_mode & S_IWOTH) {
		char *path = ap_xasprintf(
		    "%s%s", sd->dir, ap_str_ends_with(sd->dir, "/") ? "" : "/");
		refuse(new_info(h, path), d,
		       "every user may write to this plugin folder (mode "
		       "%04o, from %s), so anyone could put a plugin in it; "
		       "none of its files is loaded (chmod o-w %s)",
		       (unsigned)(st.st_mode & 07777), sd->origin, sd->dir);
		free(path);
		close(fd);
		return NULL;
	}
	DIR *dir = fdopendir(fd);
	if (!dir) {
		ap_diags_add(d, AP_WARNING, sd->dir, 0, "plugin path",
		             "cannot search this plugin folder (from %s): %s",
		             sd->origin, strerror(errno));
		close(fd);
	}
	return dir;
}

/* Loads the *.so files of one folder, in name order, and lists every other
 * entry as skipped. */
static size_t load_dir(ap_host *h, const ap_search_dir *sd, size_t dir_index,
                       ap_diags *d)
{
	DIR *dir = open_dir(h, sd, d);
	if (!dir)
		return 0;
	ap_ptrs names = {0};
	struct dirent *e;
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			ap_ptrs_push(&names, ap_xstrdup(e->d_name));
	if (names.len)
		qsort(names.items, names.len, sizeof(void *), cmp_str);
	size_t errors = 0;
	for (size_t i = 0; i < names.len; i++) {
		errors += load_entry(h, dirfd(dir), sd->dir, names.items[i],
		                     dir_index, d);
		free(names.items[i]);
	}
	closedir(dir);
	ap_ptrs_free(&names);
	return errors;
}

static int same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int ap_host_open(ap_host **out, const ap_config *cfg, const ap_search_dir *dirs,
                 size_t n_dirs, ap_diags *d)
{
	ap_host *h = ap_xcalloc(1, sizeof(*h));
	h->cfg = cfg;
	size_t errors = 0;
	for (size_t i = 0; i < n_dirs; i++) {
		/* A folder named twice (by --plugin-dir and the configuration,
		 * say) is searched once. */
		int again = 0;
		for (size_t k = 0; k < i && !again; k++)
			again = same_dir(dirs[k].dir, dirs[i].dir);
		if (!again)
			errors += load_dir(h, &dirs[i], i, d);
	}
	if (h->n_loaded)
		qsort(h->loaded, h->n_loaded, sizeof(*h->loaded), cmp_loaded);
	/* infos moved while they grew: point at them only now. */
	for (size_t i = 0; i < h->n_loaded; i++)
		h->loaded[i].info = &h->infos[h->loaded[i].info_index];
	h->themes = ap_xcalloc(h->n_loaded + 1, sizeof(*h->themes));
	for (size_t i = 0; i < h->n_loaded; i++)
		h->themes[i] = h->loaded[i].desc->theme;

	/* Configuration nobody reads is a trap: say so loudly (unless the
	 * plugin was found and refused: that was said already). */
	const char *file = cfg->path ? cfg->path : "(defaults)";
	for (size_t i = 0; i < cfg->n_themes; i++) {
		const cfg_theme *ct = &cfg->themes[i];
		int found = 0;
		for (size_t k = 0; k < h->n_infos; k++)
			found |= h->infos[k].theme &&
			         strcmp(h->infos[k].theme, ct->theme) == 0;
		if (!find_loaded(h, ct->theme) && !found)
			ap_diags_add(
			    d, AP_WARNING, file, ct->line, "",
			    "theme '%s' is configured but no loaded plugin "
			    "provides it; its settings are not used",
			    ct->theme);
	}
	for (size_t i = 0; i < cfg->n_plugins; i++) {
		if (!find_loaded(h, cfg->plugins[i])) {
			int seen = 0;
			for (size_t k = 0; k < h->n_infos; k++)
				seen |= h->infos[k].theme &&
				        strcmp(h->infos[k].theme,
				               cfg->plugins[i]) == 0;
			if (!seen)
				ap_diags_add(
				    d, AP_WARNING, file, 0, "plugins",
				    "theme '%s' is enabled but no usable "
				    "plugin "
				    "provides it (see 'appui plugins')",
				    cfg->plugins[i]);
		}
	}
	*out = h;
	return errors ? -1 : 0;
}

void ap_host_free(ap_host *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n_loaded; i++) {
		loaded_plugin *lp = &h->loaded[i];
		if (lp->desc->finish)
			lp->desc->finish(lp->state);
		free(lp->catalogue);
		free(lp->params);
	}
	for (size_t i = 0; i < h->n_infos; i++) {
		free((char *)h->infos[i].path);
		free((char *)h->infos[i].id);
		free((char *)h->infos[i].reason);
	}
	free(h->infos);
	free(h->loaded);
	free(h->themes);
	free(h);
}

const ap_config *ap_host_config(const ap_host *h)
{
	return h->cfg;
}

size_t ap_host_plugin_count(const ap_host *h)
{
	return h->n_infos;
}

const ap_plugin_info *ap_host_plugin_at(const ap_host *h, size_t i)
{
	return i < h->n_infos ? &h->infos[i] : NULL;
}

size_t ap_host_loaded_count(const ap_host *h)
{
	return h->n_loaded;
}

size_t ap_host_theme_count(const ap_host *h)
{
	return h->n_loaded;
}

const char *ap_host_theme_at(const ap_host *h, size_t i)
{
	return i < h->n_loaded ? h->themes[i] : NULL;
}

/* ---- checking and scoring
 * ------------------------------------------------------ */

static const loaded_plugin *plugin_for(const ap_host *h, const char *theme)
{
	return find_loaded((ap_host *)h, theme);
}

static const char *domain_problem(ap_domain domain, double v)
{
	switch (domain) {
	case AP_DOMAIN_PERCENT:
		return v < 0 || v > 100
		           ? "a percentage must be between 0 and 100"
		           : NULL;
	case AP_DOMAIN_COUNT:
		if (v < 0)
			return "a count cannot be negative";
		return v != floor(v) ? "a count must be a whole number" : NULL;
	case AP_DOMAIN_FLAG:
		return v != 0 && v != 1 ? "this indicator is 0 (no) or 1 (yes)"
		                        : NULL;
	case AP_DOMAIN_NONNEGATIVE:
	default:
		return v < 0 ? "this indicator cannot be negative" : NULL;
	}
}

/* "diagnostic/theme[T]/indicator[I]/@ATTR" */
static void indicator_field(ap_buf *field, const ap_theme_data *t,
                            const ap_indicator *in, const char *attr)
{
	ap_buf_reset(field);
	ap_buf_printf(field, "diagnostic/theme[%s]/indicator[%s]/@%s", t->ref,
	              in->ref, attr);
}

size_t ap_host_check_case(const ap_host *h, const ap_case *c, ap_diags *d)
{
	size_t errors = 0;
	const char *file = ap_case_file(c);
	ap_buf field;
	ap_buf_init(&field);
	for (size_t ti = 0; ti < ap_case_theme_count(c); ti++) {
		const ap_theme_data *t = ap_case_theme_at(c, ti);
		const loaded_plugin *p = plugin_for(h, t->ref);
		if (!p) {
			ap_buf_reset(&field);
			ap_buf_printf(&field, "diagnostic/theme[%s]/@ref",
			              t->ref);
			ap_diags_add(
			    d, AP_WARNING, file, t->line, field.data,
			    "no loaded plugin scores theme '%s'; it is ignored",
			    t->ref);
			continue;
		}
		size_t known = 0;
		for (size_t i = 0; i < t->n_indicators; i++) {
			const ap_indicator *in = &t->indicators[i];
			const ap_indicator_def *def = NULL;
			for (size_t k = 0; k < p->n_catalogue && !def; k++)
				if (strcmp(p->catalogue[k].ref, in->ref) == 0)
					def = &p->catalogue[k];
			/* The field is written only for a problem: most
			 * indicators have none. */
			if (!def) {
				indicator_field(&field, t, in, "ref");
				ap_diags_add(d, AP_WARNING, file, in->line,
				             field.data,
				             "theme '%s' has no indicator '%s' "
				             "in its catalogue; "
				             "it is ignored",
				             t->ref, in->ref);
				continue;
			}
			known++;
			if (in->unit && strcmp(in->unit, def->unit) != 0) {
				indicator_field(&field, t, in, "unit");
				ap_diags_add(d, AP_ERROR, file, in->line,
				             field.data,
				             "unit '%s' does not match the "
				             "catalogue's unit '%s'",
				             in->unit, def->unit);
				errors++;
			}
			const char *why =
			    domain_problem(def->domain, in->value);
			if (why) {
				indicator_field(&field, t, in, "value");
				ap_diags_add(
				    d, AP_ERROR, file, in->line, field.data,
				    "%g is out of the domain of '%s': %s",
				    in->value, in->ref, why);
				errors++;
			}
		}
		if (!known) {
			ap_buf_reset(&field);
			ap_buf_printf(&field, "diagnostic/theme[%s]", t->ref);
			ap_diags_add(d, AP_WARNING, file, t->line, field.data,
			             "theme '%s' gives no indicator of its "
			             "catalogue: it "
			             "cannot be scored",
			             t->ref);
		}
	}
	const ap_request *rq = ap_case_request(c);
	for (size_t i = 0; i < rq->n_themes; i++) {
		if (!plugin_for(h, rq->themes[i]))
			ap_diags_add(
			    d, AP_WARNING, file, rq->line, "request/@themes",
			    "the request asks for theme '%s', which no loaded "
			    "plugin scores",
			    rq->themes[i]);
	}
	ap_buf_free(&field);
	return errors;
}

/* How many indicators of a theme its plugin's catalogue knows. */
static size_t known_indicators(const loaded_plugin *p, const ap_theme_data *t)
{
	size_t known = 0;
	for (size_t i = 0; i < t->n_indicators; i++)
		for (size_t k = 0; k < p->n_catalogue; k++)
			if (strcmp(p->catalogue[k].ref, t->indicators[i].ref) ==
			    0) {
				known++;
				break;
			}
	return known;
}

int ap_host_score(const ap_host *h, const ap_case *c, ap_case_result **out,
                  ap_diags *d)
{
	return ap_host_score_with(h, c, NULL, out, d);
}

static int skipped(const ap_score_options *opt, const char *theme)
{
	for (size_t i = 0; opt && i < opt->n_skip; i++)
		if (strcmp(opt->skip[i], theme) == 0)
			return 1;
	return 0;
}

int ap_host_score_with(const ap_host *h, const ap_case *c,
                       const ap_score_options *opt, ap_case_result **out,
                       ap_diags *d)
{
	const ap_policy *policy = &h->cfg->policy;
	ap_case_result *r = ap_xcalloc(1, sizeof(*r));
	r->c = c;
	r->factors = ap_xcalloc(6, sizeof(*r->factors));
	r->unknown_factors = ap_xcalloc(6, sizeof(*r->unknown_factors));
	r->complexity = scorer_site_complexity(
	    policy, ap_case_site(c), r->factors, &r->n_factors,
	    r->unknown_factors, &r->n_unknown_factors);
	size_t n = ap_case_theme_count(c);
	r->themes = ap_xcalloc(n ? n : 1, sizeof(*r->themes));
	for (size_t i = 0; i < n; i++) {
		const ap_theme_data *t = ap_case_theme_at(c, i);
		const loaded_plugin *p = plugin_for(h, t->ref);
		if (!p || skipped(opt, t->ref))
			continue;
		if (opt && opt->before_theme)
			opt->before_theme(opt->ctx, t->ref);
		char *error = NULL;
		int rc = scorer_run(p, policy, c, t, r->complexity,
		                    &r->themes[r->n_themes], &error);
		if (rc == 0) {
			r->n_themes++;
			continue;
		}
		char field[96];
		snprintf(field, sizeof field, "diagnostic/theme[%s]", t->ref);
		/* A theme with no indicator of its catalogue was already
		 * reported by the check; say it once. */
		if (rc == -2) {
			if (known_indicators(p, t))
				ap_diags_add(d, AP_WARNING, ap_case_file(c),
				             t->line, field,
				             "theme not scored: %s", error);
		} else {
			ap_diags_add(d, AP_ERROR, ap_case_file(c), t->line,
			             field, "plugin '%s' failed on %s: %s",
			             p->info->id, ap_case_id(c), error);
		}
		free(error);
	}
	scorer_site_mission(policy, r);
	*out = r;
	return 0;
}

const char *const *ap_host_themes(const ap_host *h)
{
	return h->themes;
}
