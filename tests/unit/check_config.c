/* Unit tests of the configuration reader: defaults, the shipped file, and
 * every kind of bad configuration with its FILE:LINE. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_impl.h"
#include "testutil.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/appui-cfg-XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
}

static char *write_file(const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads `text` and expects failure with a message containing `needle` on
 * line `line`. */
static void expect_error(const char *text, long line, const char *needle)
{
	make_dir();
	char *path = write_file("appui.cfg", text);
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	int rc = ap_config_load(&cfg, path, d);
	int found = 0;
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (strstr(g->message, needle) && g->line == line &&
		    strcmp(g->file, path) == 0)
			found = 1;
		else
			ap_diag_print(stderr, g);
	}
	ck_assert_msg(rc == -1 && cfg == NULL, "expected failure");
	ck_assert_msg(found, "no error '%s' at line %ld", needle, line);
	ap_diags_free(d);
	free(path);
}

/* Loads `text` over the shipped plugins; expects the host to report an
 * error containing `needle` on line `line`. */
static void expect_host_error(const char *text, long line, const char *needle)
{
	make_dir();
	char *path = write_file("appui.cfg", text);
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ap_search_dir sd = {APPUI_TEST_PLUGINDIR, "test"};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, cfg, &sd, 1, d), -1);
	int found = 0;
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity == AP_ERROR && strstr(g->message, needle) &&
		    g->line == line)
			found = 1;
	}
	ck_assert_msg(found, "no error '%s' at line %ld", needle, line);
	ap_host_free(h);
	ap_config_free(cfg);
	ap_diags_free(d);
	free(path);
}

START_TEST(defaults_are_the_documented_ones)
{
	ap_config *cfg = ap_config_defaults();
	const ap_policy *p = &cfg->policy;
	ck_assert_double_eq(p->band_watch, 25);
	ck_assert_double_eq(p->band_degraded, 50);
	ck_assert_double_eq(p->band_critical, 75);
	ck_assert_int_eq(p->days_watch, 3);
	ck_assert_int_eq(p->days_degraded, 4);
	ck_assert_int_eq(p->days_critical, 5);
	ck_assert_int_eq(p->mission_min, 3);
	ck_assert_int_eq(p->mission_max, 6);
	ck_assert_double_eq(p->priority_other_themes, 0.25);
	ck_assert_double_eq(p->priority_complexity, 5);
	ck_assert_int_eq(p->built_before, 1977);
	ck_assert_uint_eq(cfg->max_file_bytes, 10000000u);
	ck_assert_ptr_null(ap_config_path(cfg));
	ap_config_free(cfg);
}
END_TEST

/* The shipped file restates the defaults: loading it changes nothing, and
 * every catalogue entry in it equals the plugin's compiled default. */
START_TEST(shipped_file_equals_defaults)
{
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, APPUI_TEST_CONFIG, d), 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ap_config *defaults = ap_config_defaults();
	ck_assert_double_eq(cfg->policy.band_watch,
	                    defaults->policy.band_watch);
	ck_assert_int_eq(cfg->policy.days_critical,
	                 defaults->policy.days_critical);
	ck_assert_uint_eq(cfg->n_themes, 3);
	ck_assert_int_eq(cfg->plugins_set, 1);
	ck_assert_uint_eq(cfg->n_plugins, 3);

	for (size_t t = 0; t < cfg->n_themes; t++) {
		const cfg_theme *ct = &cfg->themes[t];
		char so[512];
		snprintf(so, sizeof so, "%s/%s.so", APPUI_TEST_PLUGINDIR,
		         ct->theme);
		void *handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
		ck_assert_msg(handle != NULL, "%s", dlerror());
		ap_plugin_entry_fn entry;
		void *sym = dlsym(handle, AP_PLUGIN_ENTRY_SYMBOL);
		memcpy(&entry, &sym, sizeof entry);
		const ap_plugin *desc = entry();
		size_t scored = 0;
		for (size_t k = 0; k < desc->catalogue_len; k++)
			scored += desc->catalogue[k].weight > 0;
		/* Every scored indicator is in the file, with the same numbers.
		 */
		ck_assert_uint_eq(ct->n_indicators, scored);
		for (size_t i = 0; i < ct->n_indicators; i++) {
			const cfg_indicator *ci = &ct->indicators[i];
			const ap_indicator_def *def = NULL;
			for (size_t k = 0; k < desc->catalogue_len; k++)
				if (strcmp(desc->catalogue[k].ref, ci->ref) ==
				    0)
					def = &desc->catalogue[k];
			ck_assert_msg(def != NULL, "%s not in the plugin",
			              ci->ref);
			ck_assert(ci->has_thresholds && ci->has_weight);
			for (int j = 0; j < 3; j++)
				ck_assert_double_eq(ci->thresholds[j],
				                    def->thresholds[j]);
			ck_assert_double_eq(ci->weight, def->weight);
		}
		for (size_t i = 0; i < ct->n_params; i++) {
			const ap_param_def *pd = NULL;
			for (size_t k = 0; k < desc->params_len; k++)
				if (strcmp(desc->params[k].name,
				           ct->params[i].name) == 0)
					pd = &desc->params[k];
			ck_assert_ptr_nonnull(pd);
			ck_assert_double_eq(ct->params[i].value,
			                    pd->default_value);
		}
	}
	ap_config_free(defaults);
	ap_config_free(cfg);
	ap_diags_free(d);
}
END_TEST

START_TEST(syntax_error_has_its_line)
{
	expect_error("bands = {\n  watch = 25.0;\n  degraded = = 50.0;\n};\n",
	             3, "syntax error");
}
END_TEST

START_TEST(unknown_key)
{
	expect_error(
	    "plugins = [ \"quality\" ];\n\nbandz = { watch = 25.0; };\n", 3,
	    "unknown setting 'bandz'");
	expect_error("days = {\n  watch = 3;\n  critcal = 5;\n};\n", 3,
	             "unknown setting 'days.critcal'");
}
END_TEST

START_TEST(wrong_type)
{
	expect_error("days = {\n  watch = \"three\";\n};\n", 2,
	             "'days.watch' must be a whole number, not a string");
	expect_error("days = {\n  watch = 3.5;\n};\n", 2,
	             "must be a whole number, not a decimal");
	expect_error("plugins = \"quality\";\n", 1,
	             "must be an array of strings");
}
END_TEST

/* store.path is relative to the configuration's folder; mistakes are
 * named with their line. */
START_TEST(store_path_resolved_against_the_file)
{
	make_dir();
	char *path = write_file("appui.cfg",
	                        "store = {\n  path = \"db/appui.db\";\n};\n");
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	char want[128];
	snprintf(want, sizeof want, "%s/db/appui.db", dir);
	ck_assert_str_eq(ap_config_store_path(cfg), want);
	ap_config_free(cfg);
	ap_diags_free(d);
	free(path);
	cfg = ap_config_defaults();
	ck_assert_ptr_null(ap_config_store_path(cfg));
	ap_config_free(cfg);
	expect_error("store = {\n  path = \"\";\n};\n", 2,
	             "'store.path' is empty");
	expect_error("store = {\n  file = \"x.db\";\n};\n", 2,
	             "unknown setting 'store.file'");
	expect_error("store = {\n  path = 3;\n};\n", 2, "must be a string");
}
END_TEST

START_TEST(numbers_accept_whole_values)
{
	make_dir();
	char *path = write_file(
	    "appui.cfg",
	    "bands = { watch = 20; degraded = 45; critical = 70; };\n");
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ck_assert_double_eq(cfg->policy.band_watch, 20);
	ck_assert_double_eq(cfg->policy.band_critical, 70);
	ap_config_free(cfg);
	ap_diags_free(d);
	free(path);
}
END_TEST

START_TEST(out_of_order_and_range)
{
	expect_error("bands = {\n  watch = 60.0;\n  degraded = 50.0;\n};\n", 1,
	             "band limits out of order");
	expect_error("days = {\n  watch = 5;\n  degraded = 4;\n};\n", 1,
	             "days out of order");
	expect_error("days = {\n  mission_min = 7;\n  mission_max = 6;\n};\n",
	             1, "mission_min (7) is above mission_max (6)");
	expect_error("bands = {\n  critical = 175.0;\n};\n", 2, "out of range");
	/* A typo in an enumeration would silently switch a factor off. */
	expect_error("complexity = {\n  situations = [ \"enclaved\", "
	             "\"periferal\" ];\n};\n",
	             2, "'periferal' in 'complexity.situations' is not one of");
}
END_TEST

START_TEST(thresholds_against_the_plugin)
{
	expect_error("themes = {\n quality = {\n  indicators = (\n"
	             "   { ref = \"satisfaction.overall\"; thresholds = [ "
	             "80.0, 70.0 ]; }\n"
	             "  );\n };\n};\n",
	             4, "must be three numbers");
	expect_host_error("themes = {\n quality = {\n  indicators = (\n"
	                  "   { ref = \"satisfaction.overall\"; thresholds = [ "
	                  "60.0, 70.0, 80.0 ]; }\n"
	                  "  );\n };\n};\n",
	                  4, "thresholds out of order: higher is better");
	expect_host_error(
	    "themes = {\n security = {\n  indicators = (\n"
	    "   { ref = \"deal.points\"; thresholds = [ 2.0, 1.0, 0.0 ]; }\n"
	    "  );\n };\n};\n",
	    4, "thresholds out of order: lower is better");
	expect_host_error("themes = {\n urban = {\n  indicators = (\n"
	                  "   { ref = \"gup.conventions\"; weight = 2.0; }\n"
	                  "  );\n };\n};\n",
	                  4,
	                  "theme 'urban' has no indicator 'gup.conventions'");
	expect_host_error("themes = {\n urban = {\n  params = {\n"
	                  "   orphan_spaces = 3;\n  };\n };\n};\n",
	                  4, "theme 'urban' has no parameter 'orphan_spaces'");
	expect_host_error("themes = {\n security = {\n  params = {\n"
	                  "   deal_points_floor = 0;\n  };\n };\n};\n",
	                  4, "out of range");
}
END_TEST

START_TEST(configured_values_are_used)
{
	make_dir();
	char *path = write_file(
	    "appui.cfg", "themes = {\n security = {\n  indicators = (\n"
	                 "   { ref = \"deal.points\"; weight = 5.0; }\n  );\n"
	                 "  params = { deal_points_floor = 4; };\n };\n};\n");
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ap_search_dir sd = {APPUI_TEST_PLUGINDIR, "test"};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, cfg, &sd, 1, d), 0);
	ap_reader *r = tu_reader();
	char *xml =
	    tu_casefile(100, "",
	                "<theme ref=\"security\">"
	                "<indicator ref=\"deal.points\" value=\"3\"/>"
	                "<indicator ref=\"staff.assaults\" value=\"0\"/>"
	                "</theme>");
	ap_case *c;
	ap_case_result *res = tu_score(h, r, xml, &c);
	const ap_theme_result *t = tu_theme(res, "security");
	ck_assert_ptr_nonnull(t);
	/* weights 5 (level 3) and 3 (level 0): 100*15/(3*8) = 62.5 */
	ck_assert_double_eq_tol(t->need, 62.5, 1e-9);
	/* 3 deal points is under the configured floor of 4: no rule. */
	ck_assert(!tu_has_rule(t, "deal points"));
	ap_case_result_free(res);
	ap_case_free(c);
	free(xml);
	ap_reader_free(r);
	ap_host_free(h);
	ap_config_free(cfg);
	ap_diags_free(d);
	free(path);
}
END_TEST

START_TEST(missing_and_unreadable_files)
{
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, "/nonexistent/appui.cfg", d), -1);
	ck_assert_uint_eq(ap_diags_count(d), 1);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, "/nonexistent/appui.cfg");
	ck_assert(
	    strstr(ap_diags_at(d, 0)->message, "No such file or directory"));
	ap_diags_clear(d);
	make_dir();
	ck_assert_int_eq(ap_config_load(&cfg, dir, d), -1);
	ck_assert(strstr(ap_diags_at(d, 0)->message, "not a regular file"));
	ap_diags_free(d);
}
END_TEST

/* libconfig 1.5 exits the process when an include is a folder and reads a
 * device or a FIFO forever: such includes are refused first, with their
 * line (found by fuzzing: @include ""). */
START_TEST(includes_of_other_than_files_are_refused)
{
	make_dir();
	char fifo[4096];
	snprintf(fifo, sizeof fifo, "%s/pipe.cfg", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	static const char *const bad[] = {
	    "bands = { watch = 30.0; };\n@include \"\"\n",
	    "@include \"pipe.cfg\"\n",
	    "  @include\t\".\"\n",
	};
	ap_diags *d = ap_diags_new();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *path = write_file("appui.cfg", bad[i]);
		ap_config *cfg = NULL;
		ap_diags_clear(d);
		ck_assert_int_eq(ap_config_load(&cfg, path, d), -1);
		ck_assert_uint_eq(ap_diags_count(d), 1);
		ck_assert_str_eq(ap_diags_at(d, 0)->file, path);
		ck_assert_int_eq(ap_diags_at(d, 0)->line, i == 0 ? 2 : 1);
		ck_assert(strstr(ap_diags_at(d, 0)->message, "cannot include"));
		ck_assert(
		    strstr(ap_diags_at(d, 0)->message, "not a regular file"));
		free(path);
	}
	/* A name that does not end on its line (here at a NUL byte, where
	 * libconfig would end it: the include folder itself). */
	static const char nul[] = "@include \"\0x\"\n";
	char npath[4096];
	snprintf(npath, sizeof npath, "%s/nul.cfg", dir);
	FILE *f = fopen(npath, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(nul, 1, sizeof nul - 1, f);
	fclose(f);
	ap_diags_clear(d);
	ap_config *nc = NULL;
	ck_assert_int_eq(ap_config_load(&nc, npath, d), -1);
	ck_assert(strstr(ap_diags_at(d, 0)->message, "does not end"));
	/* In a block comment, an include is not read: not refused either. */
	char *path = write_file("appui.cfg", "/* a note\n@include \"\"\n*/\n");
	ap_config *cfg = NULL;
	ap_diags_clear(d);
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ap_config_free(cfg);
	free(path);
	ap_diags_free(d);
}
END_TEST

START_TEST(includes_resolve_against_the_file)
{
	make_dir();
	char *inc = write_file(
	    "bands.cfg",
	    "bands = { watch = 30.0; degraded = 55.0; critical = 80.0; };\n");
	char *path = write_file("appui.cfg", "@include \"bands.cfg\"\n");
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	/* The test runs from another folder: the include is found all the same.
	 */
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ck_assert_double_eq(cfg->policy.band_watch, 30);
	ap_config_free(cfg);
	/* An error in an included file names that file and its line. */
	free(write_file("bands.cfg", "bands = {\n watch = \"x\";\n};\n"));
	ck_assert_int_eq(ap_config_load(&cfg, path, d), -1);
	ck_assert(strstr(ap_diags_at(d, 0)->file, "bands.cfg") != NULL);
	ck_assert_int_eq(ap_diags_at(d, 0)->line, 2);
	ap_diags_clear(d);
	/* An include loop is an error, not a hang. */
	free(write_file("bands.cfg", "@include \"appui.cfg\"\n"));
	ck_assert_int_eq(ap_config_load(&cfg, path, d), -1);
	ck_assert_uint_ge(ap_diags_errors(d), 1);
	ap_diags_free(d);
	free(inc);
	free(path);
}
END_TEST

/* The includes of one file are capped in all (CFGREAD_MAX_INCLUDES), not
 * only in depth: a few files that include each other several times would
 * otherwise expand without end. The error names the include over the cap. */
START_TEST(includes_are_capped_in_all)
{
	make_dir();
	char text[1024] = "";
	free(write_file("c.cfg", "# nothing\n"));
	/* 7 of b.cfg, which has 8 of c.cfg: 7 + 7 * 8 = 63 includes. */
	for (int k = 0; k < 7; k++)
		strcat(text, "@include \"b.cfg\"\n");
	char *b = write_file("b.cfg", "@include \"c.cfg\"\n@include "
	                              "\"c.cfg\"\n@include \"c.cfg\"\n"
	                              "@include \"c.cfg\"\n@include "
	                              "\"c.cfg\"\n@include \"c.cfg\"\n"
	                              "@include \"c.cfg\"\n@include "
	                              "\"c.cfg\"\n");
	char *path = write_file("appui.cfg", text);
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ap_config_free(cfg);
	/* One more (64) is still fine; two more (65) are not. */
	strcat(text, "@include \"c.cfg\"\n");
	free(write_file("appui.cfg", text));
	ck_assert_int_eq(ap_config_load(&cfg, path, d), 0);
	ap_config_free(cfg);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	strcat(text, "bands = { watch = 30.0; };\n@include \"c.cfg\"\n");
	free(write_file("appui.cfg", text));
	ck_assert_int_eq(ap_config_load(&cfg, path, d), -1);
	ck_assert_uint_eq(ap_diags_count(d), 1);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, path);
	ck_assert_int_eq(ap_diags_at(d, 0)->line, 10);
	ck_assert(strstr(ap_diags_at(d, 0)->message,
	                 "cannot include 'c.cfg': over 64 includes in all"));
	ap_diags_free(d);
	free(b);
	free(path);
}
END_TEST

/* A nested include resolves against the folder of the file that includes
 * it; the lines after an include keep their numbers; a NUL byte, which
 * libconfig would take for the end of the text, is refused. */
START_TEST(includes_nest_and_keep_lines)
{
	make_dir();
	char sub[128];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	free(write_file("sub/a.cfg", "@include \"b.cfg\"\n"));
	char *b = write_file("sub/b.cfg", "\n\nbands = { watch = \"x\"; };\n");
	char *path = write_file("appui.cfg", "# head\n@include \"sub/a.cfg\" "
	                                     "# a comment\n\nnope = 1;\n");
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, path, d), -1);
	ck_assert_uint_eq(ap_diags_count(d), 2);
	int seen = 0;
	for (size_t i = 0; i < 2; i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (strcmp(g->file, b) == 0 && g->line == 3 &&
		    strstr(g->message, "'bands.watch'"))
			seen |= 1;
		if (strcmp(g->file, path) == 0 && g->line == 4 &&
		    strstr(g->message, "'nope'"))
			seen |= 2;
	}
	ck_assert_int_eq(seen, 3);
	ap_diags_clear(d);
	static const char nul[] = "bands = { };\n# \0\nnope = 1;\n";
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(nul, 1, sizeof nul - 1, f);
	fclose(f);
	ck_assert_int_eq(ap_config_load(&cfg, path, d), -1);
	ck_assert_uint_eq(ap_diags_count(d), 1);
	ck_assert_int_eq(ap_diags_at(d, 0)->line, 2);
	ck_assert(strstr(ap_diags_at(d, 0)->message, "NUL byte"));
	ap_diags_free(d);
	free(b);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, defaults_are_the_documented_ones);
	tcase_add_test(tc, shipped_file_equals_defaults);
	tcase_add_test(tc, syntax_error_has_its_line);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, store_path_resolved_against_the_file);
	tcase_add_test(tc, wrong_type);
	tcase_add_test(tc, numbers_accept_whole_values);
	tcase_add_test(tc, out_of_order_and_range);
	tcase_add_test(tc, thresholds_against_the_plugin);
	tcase_add_test(tc, configured_values_are_used);
	tcase_add_test(tc, missing_and_unreadable_files);
	tcase_add_test(tc, includes_resolve_against_the_file);
	tcase_add_test(tc, includes_of_other_than_files_are_refused);
	tcase_add_test(tc, includes_are_capped_in_all);
	tcase_add_test(tc, includes_nest_and_keep_lines);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
