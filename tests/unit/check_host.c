/* Unit tests of the plugin host: the shipped plugins load; every kind of bad
 * plugin is refused with its file and cause while the others still score. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static ap_diags *diags;
static ap_config *config;

static void setup(void)
{
	diags = ap_diags_new();
	config = ap_config_defaults(); /* every theme enabled */
}

static void teardown(void)
{
	ap_config_free(config);
	ap_diags_free(diags);
}

/* Opens a host on the shipped plugins and the test plugins of `bad_dir`
 * (searched first). */
static ap_host *open_with(const char *bad_dir)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s", APPUI_TEST_BADPLUGINS, bad_dir);
	ap_search_dir dirs[] = {{path, "test"},
	                        {APPUI_TEST_PLUGINDIR, "installed"}};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, config, dirs, 2, diags), 0);
	return h;
}

static const ap_plugin_info *find(const ap_host *h, const char *id)
{
	for (size_t i = 0; i < ap_host_plugin_count(h); i++)
		if (strcmp(ap_host_plugin_at(h, i)->id, id) == 0)
			return ap_host_plugin_at(h, i);
	ck_abort_msg("plugin %s not listed", id);
	return NULL;
}

/* The three shipped plugins are loaded and score a case. */
static void shipped_still_score(ap_host *h)
{
	ck_assert_uint_eq(ap_host_loaded_count(h), 3);
	ck_assert_str_eq(ap_host_theme_at(h, 0), "quality");
	ck_assert_str_eq(ap_host_theme_at(h, 1), "security");
	ck_assert_str_eq(ap_host_theme_at(h, 2), "urban");
	ap_reader *r = tu_reader();
	char *xml =
	    tu_casefile(100, "",
	                "<theme ref=\"quality\"><indicator "
	                "ref=\"satisfaction.overall\" value=\"65\"/></theme>");
	ap_case *c;
	ap_case_result *res = tu_score(h, r, xml, &c);
	const ap_theme_result *t = tu_theme(res, "quality");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->band, AP_BAND_DEGRADED); /* level 2: need 66.67 */
	ap_case_result_free(res);
	ap_case_free(c);
	free(xml);
	ap_reader_free(r);
}

static void expect_refusal(const ap_host *h, const char *id, const char *needle)
{
	const ap_plugin_info *p = find(h, id);
	ck_assert_int_eq(p->status, AP_PLUGIN_REFUSED);
	ck_assert_msg(strstr(p->reason, needle), "reason: %s", p->reason);
	int warned = 0;
	for (size_t i = 0; i < ap_diags_count(diags); i++) {
		const ap_diag *g = ap_diags_at(diags, i);
		if (strcmp(g->file, p->path) == 0 && strstr(g->message, needle))
			warned = 1;
	}
	ck_assert_msg(warned,
	              "the refusal of %s was not reported with its path", id);
}

START_TEST(shipped_plugins_load)
{
	ap_search_dir dir = {APPUI_TEST_PLUGINDIR, "installed"};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, config, &dir, 1, diags), 0);
	ck_assert_uint_eq(ap_diags_count(diags), 0);
	const ap_plugin_info *q = find(h, "quality");
	ck_assert_int_eq(q->status, AP_PLUGIN_LOADED);
	ck_assert_str_eq(q->theme, "quality");
	ck_assert_str_eq(q->version, "1.0.0");
	ck_assert_int_eq(q->abi_major, AP_PLUGIN_ABI_MAJOR);
	ck_assert_ptr_null(q->reason);
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(other_abi_is_refused)
{
	ap_host *h = open_with("bad_abi");
	/* The test plugin aborts if its score function is ever called. */
	expect_refusal(
	    h, "bad_abi",
	    "built for plugin ABI 99.0, but this appui provides ABI 1.0");
	ck_assert_int_eq(find(h, "bad_abi")->abi_major, 99);
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(missing_entry_is_refused)
{
	ap_host *h = open_with("no_entry");
	expect_refusal(h, "no_entry", "no 'appui_plugin_entry' symbol");
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(failing_init_is_refused)
{
	ap_host *h = open_with("init_fails");
	expect_refusal(
	    h, "init_fails",
	    "its init failed: licence file /nonexistent/licence.key not found");
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(duplicate_theme_is_refused)
{
	/* Two plugins for "quality" in one folder: the second (in name order)
	 * is refused; the installed quality plugin, later in the path, is
	 * shadowed. */
	ap_host *h = open_with("duplicate");
	char needle[1200];
	snprintf(needle, sizeof needle,
	         "theme 'quality' is already provided by "
	         "%s/duplicate/quality_again.so",
	         APPUI_TEST_BADPLUGINS);
	expect_refusal(h, "quality_again_too", needle);
	ck_assert_int_eq(find(h, "quality_again")->status, AP_PLUGIN_LOADED);
	const ap_plugin_info *q = find(h, "quality");
	ck_assert_int_eq(q->status, AP_PLUGIN_SHADOWED);
	ck_assert(strstr(q->reason, "earlier in the search path"));
	ap_host_free(h);

	/* In the other order the shipped plugin wins and both copies are
	 * shadowed; the shipped plugins all score. */
	char path[1024];
	snprintf(path, sizeof path, "%s/duplicate", APPUI_TEST_BADPLUGINS);
	ap_search_dir dirs[] = {{APPUI_TEST_PLUGINDIR, "installed"},
	                        {path, "test"}};
	ck_assert_int_eq(ap_host_open(&h, config, dirs, 2, diags), 0);
	ck_assert_int_eq(find(h, "quality_again")->status, AP_PLUGIN_SHADOWED);
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(unresolved_symbol_is_refused_at_load)
{
	ap_host *h = open_with("missing_symbol");
	expect_refusal(h, "missing_symbol", "ap_function_that_does_not_exist");
	ck_assert(
	    strstr(find(h, "missing_symbol")->reason, "cannot be loaded"));
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(same_file_name_is_shadowed)
{
	/* The same folder twice is searched once. */
	ap_search_dir twice[] = {{APPUI_TEST_PLUGINDIR, "first"},
	                         {APPUI_TEST_PLUGINDIR, "second"}};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, config, twice, 2, diags), 0);
	ck_assert_uint_eq(ap_host_plugin_count(h), 3);
	ck_assert_uint_eq(ap_host_loaded_count(h), 3);
	ap_host_free(h);

	/* A copy of quality.so in an earlier folder shadows the installed one.
	 */
	char dir[] = "/tmp/appui-shadow-XXXXXX";
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cp %s/quality.so %s/", APPUI_TEST_PLUGINDIR,
	         dir);
	ck_assert_int_eq(system(cmd), 0);
	ap_search_dir dirs[] = {{dir, "--plugin-dir"},
	                        {APPUI_TEST_PLUGINDIR, "installed"}};
	ck_assert_int_eq(ap_host_open(&h, config, dirs, 2, diags), 0);
	ck_assert_uint_eq(ap_host_plugin_count(h), 4);
	ck_assert_uint_eq(ap_host_loaded_count(h), 3);
	const ap_plugin_info *first = ap_host_plugin_at(h, 0);
	ck_assert_int_eq(first->status, AP_PLUGIN_LOADED);
	ck_assert(strstr(first->path, dir) == first->path);
	const ap_plugin_info *q = NULL;
	for (size_t i = 1; i < ap_host_plugin_count(h); i++)
		if (strcmp(ap_host_plugin_at(h, i)->id, "quality") == 0)
			q = ap_host_plugin_at(h, i);
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(q->status, AP_PLUGIN_SHADOWED);
	ck_assert(strstr(q->reason, "shadowed by"));
	ap_host_free(h);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(disabled_by_configuration)
{
	ap_diags *d = ap_diags_new();
	char dir[] = "/tmp/appui-host-XXXXXX";
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/appui.cfg", dir);
	FILE *f = fopen(path, "w");
	fputs("plugins = [ \"quality\", \"energy\" ];\n", f);
	fclose(f);
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ap_search_dir sd = {APPUI_TEST_PLUGINDIR, "installed"};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, cfg, &sd, 1, d), 0);
	ck_assert_uint_eq(ap_host_loaded_count(h), 1);
	const ap_plugin_info *u = find(h, "urban");
	ck_assert_int_eq(u->status, AP_PLUGIN_DISABLED);
	ck_assert(strstr(u->reason, "not listed in 'plugins'"));
	/* An enabled theme that no plugin provides is said loudly. */
	int warned = 0;
	for (size_t i = 0; i < ap_diags_count(d); i++)
		warned |=
		    strstr(ap_diags_at(d, i)->message,
		           "theme 'energy' is enabled but no usable plugin") !=
		    NULL;
	ck_assert(warned);
	ap_host_free(h);
	ap_config_free(cfg);
	ap_diags_free(d);
}
END_TEST

START_TEST(missing_folder_is_reported)
{
	ap_search_dir dirs[] = {{"/nonexistent/plugins", "--plugin-dir"},
	                        {APPUI_TEST_PLUGINDIR, "installed"}};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, config, dirs, 2, diags), 0);
	ck_assert_uint_eq(ap_diags_count(diags), 1);
	ck_assert_str_eq(ap_diags_at(diags, 0)->file, "/nonexistent/plugins");
	ck_assert(strstr(ap_diags_at(diags, 0)->message, "from --plugin-dir"));
	ap_host_free(h);
}
END_TEST

/* The entry of `path`, or NULL. */
static const ap_plugin_info *at_path(const ap_host *h, const char *path)
{
	for (size_t i = 0; i < ap_host_plugin_count(h); i++)
		if (strcmp(ap_host_plugin_at(h, i)->path, path) == 0)
			return ap_host_plugin_at(h, i);
	return NULL;
}

/* The number of problems of `d` about `file`. */
static size_t problems_about(const char *file)
{
	size_t n = 0;
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		n += strcmp(ap_diags_at(diags, i)->file, file) == 0;
	return n;
}

/* A shipped plugin copied into `dir` under `name`, with `mode`. */
static void copy_plugin(const char *dir, const char *plugin, const char *name,
                        mode_t mode)
{
	char cmd[2048], path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(cmd, sizeof cmd, "cp %s/%s '%s'", APPUI_TEST_PLUGINDIR, plugin,
	         path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Opens a host on `dir`, then the shipped plugins. */
static ap_host *open_dir_first(const char *dir)
{
	ap_search_dir dirs[] = {{dir, "--plugin-dir"},
	                        {APPUI_TEST_PLUGINDIR, "installed"}};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, config, dirs, 2, diags), 0);
	return h;
}

START_TEST(every_entry_of_a_folder_is_listed)
{
	char dir[] = "/tmp/appui-entries-XXXXXX", path[1024];
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "cd %s && echo notes >README && echo x >.hidden.so && "
	         "mkdir sub.so && ln -s /nonexistent/x.so dangling.so && "
	         "printf 'not elf' >short.so",
	         dir);
	ck_assert_int_eq(system(cmd), 0);
	copy_plugin(dir, "urban.so", "urban.so.bak", 0644);
	ap_host *h = open_dir_first(dir);
	static const struct {
		const char *name;
		ap_plugin_status status;
		const char *reason;
	} want[] = {
	    {".hidden.so", AP_PLUGIN_SKIPPED, "hidden"},
	    {"README", AP_PLUGIN_SKIPPED, "does not end in .so"},
	    {"dangling.so", AP_PLUGIN_REFUSED, "cannot be read: No such file"},
	    {"short.so", AP_PLUGIN_REFUSED, "cannot be loaded: "},
	    {"sub.so", AP_PLUGIN_SKIPPED, "a folder"},
	    {"urban.so.bak", AP_PLUGIN_SKIPPED, "does not end in .so"},
	};
	/* In name order, before the shipped plugins, each with its reason;
	 * only the refusals are warnings. */
	ck_assert_uint_eq(ap_host_plugin_count(h), 6 + 3);
	for (size_t i = 0; i < 6; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, want[i].name);
		const ap_plugin_info *p = ap_host_plugin_at(h, i);
		ck_assert_str_eq(p->path, path);
		ck_assert_int_eq(p->status, want[i].status);
		ck_assert_msg(strstr(p->reason, want[i].reason), "%s: %s",
		              want[i].name, p->reason);
		ck_assert_uint_eq(problems_about(path),
		                  want[i].status == AP_PLUGIN_REFUSED);
	}
	snprintf(path, sizeof path, "%s/short.so", dir);
	ck_assert(strstr(at_path(h, path)->reason, path));
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(world_writable_plugin_file_is_refused)
{
	char dir[] = "/tmp/appui-wwfile-XXXXXX", path[1024];
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	copy_plugin(dir, "quality.so", "quality.so", 0666);
	copy_plugin(dir, "urban.so", "urban.so", 0775); /* group: fine */
	ap_host *h = open_dir_first(dir);
	snprintf(path, sizeof path, "%s/quality.so", dir);
	const ap_plugin_info *p = at_path(h, path);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->status, AP_PLUGIN_REFUSED);
	ck_assert_msg(strstr(p->reason, "every user may write to this file "
	                                "(mode 0666)"),
	              "%s", p->reason);
	ck_assert_ptr_null(p->theme); /* never opened as a library */
	ck_assert_uint_eq(problems_about(path), 1);
	snprintf(path, sizeof path, "%s/urban.so", dir);
	ck_assert_int_eq(at_path(h, path)->status, AP_PLUGIN_LOADED);
	/* The installed quality plugin is used instead. */
	snprintf(path, sizeof path, "%s/quality.so", APPUI_TEST_PLUGINDIR);
	ck_assert_int_eq(at_path(h, path)->status, AP_PLUGIN_LOADED);
	shipped_still_score(h);
	ap_host_free(h);
}
END_TEST

START_TEST(world_writable_folder_is_refused)
{
	char dir[] = "/tmp/appui-wwdir-XXXXXX", path[1024];
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	copy_plugin(dir, "quality.so", "quality.so", 0755);
	/* The sticky bit (as on /tmp) does not make it safe. */
	ck_assert_int_eq(chmod(dir, 01777), 0);
	ap_host *h = open_dir_first(dir);
	snprintf(path, sizeof path, "%s/", dir);
	const ap_plugin_info *p = at_path(h, path);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->status, AP_PLUGIN_REFUSED);
	ck_assert_msg(strstr(p->reason,
	                     "every user may write to this plugin "
	                     "folder (mode 1777, from --plugin-dir)"),
	              "%s", p->reason);
	ck_assert_uint_eq(problems_about(path), 1);
	snprintf(path, sizeof path, "%s/quality.so", dir);
	ck_assert_ptr_null(at_path(h, path)); /* not even listed */
	ck_assert_uint_eq(ap_host_plugin_count(h), 1 + 3);
	shipped_still_score(h);
	ap_host_free(h);

	/* Writable by its group only: searched. */
	ck_assert_int_eq(chmod(dir, 0775), 0);
	ap_diags_clear(diags);
	h = open_dir_first(dir);
	ck_assert_int_eq(at_path(h, path)->status, AP_PLUGIN_LOADED);
	ap_host_free(h);
}
END_TEST

START_TEST(failing_plugin_costs_only_its_theme)
{
	ap_host *h = open_with("score_fails");
	ck_assert_uint_eq(ap_host_loaded_count(h), 4);
	ap_reader *r = tu_reader();
	const char *themes =
	    "<theme ref=\"quality\"><indicator ref=\"satisfaction.overall\" "
	    "value=\"65\"/></theme>"
	    "<theme ref=\"failing\"><indicator ref=\"x.value\" "
	    "value=\"1\"/></theme>";
	/* 50 dwellings: the plugin fails; quality is still scored. */
	char *xml = tu_casefile(50, "", themes);
	ap_case *c = NULL;
	ck_assert_int_eq(
	    ap_reader_read_memory(r, "small.xml", xml, strlen(xml), &c, diags),
	    0);
	ap_case_result *res = NULL;
	ck_assert_int_eq(ap_host_score(h, c, &res, diags), 0);
	ck_assert_uint_eq(res->n_themes, 1);
	ck_assert_ptr_nonnull(tu_theme(res, "quality"));
	ck_assert_uint_eq(ap_diags_errors(diags), 1);
	const ap_diag *g = ap_diags_at(diags, ap_diags_count(diags) - 1);
	ck_assert_str_eq(g->file, "small.xml");
	ck_assert_str_eq(g->field, "diagnostic/theme[failing]");
	ck_assert_str_eq(g->message,
	                 "plugin 'score_fails' failed on CF-TEST-001: "
	                 "cannot score sites under 100 dwellings");
	ap_case_result_free(res);
	ap_case_free(c);
	free(xml);
	/* 200 dwellings: both themes scored. */
	xml = tu_casefile(200, "", themes);
	res = tu_score(h, r, xml, &c);
	ck_assert_uint_eq(res->n_themes, 2);
	ap_case_result_free(res);
	ap_case_free(c);
	free(xml);
	ap_reader_free(r);
	ap_host_free(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, shipped_plugins_load);
	tcase_add_test(tc, other_abi_is_refused);
	tcase_add_test(tc, missing_entry_is_refused);
	tcase_add_test(tc, failing_init_is_refused);
	tcase_add_test(tc, duplicate_theme_is_refused);
	tcase_add_test(tc, unresolved_symbol_is_refused_at_load);
	tcase_add_test(tc, same_file_name_is_shadowed);
	tcase_add_test(tc, disabled_by_configuration);
	tcase_add_test(tc, missing_folder_is_reported);
	tcase_add_test(tc, failing_plugin_costs_only_its_theme);
	tcase_add_test(tc, every_entry_of_a_folder_is_listed);
	tcase_add_test(tc, world_writable_plugin_file_is_refused);
	tcase_add_test(tc, world_writable_folder_is_refused);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
