#define _GNU_SOURCE
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ap_host *tu_host(ap_config **cfg_out)
{
	ap_diags *d = ap_diags_new();
	ap_config *cfg = NULL;
	ck_assert_int_eq(ap_config_load(&cfg, APPUI_TEST_CONFIG, d), 0);
	ap_search_dir dir = {APPUI_TEST_PLUGINDIR, "test"};
	ap_host *h = NULL;
	ck_assert_int_eq(ap_host_open(&h, cfg, &dir, 1, d), 0);
	ck_assert_uint_eq(ap_host_loaded_count(h), 3);
	ap_diags_free(d);
	*cfg_out = cfg;
	return h;
}

ap_reader *tu_reader(void)
{
	ap_diags *d = ap_diags_new();
	ap_reader *r = NULL;
	ck_assert_int_eq(ap_reader_new(&r, APPUI_TEST_SCHEMA, 0, d), 0);
	ap_diags_free(d);
	return r;
}

char *tu_casefile(long dwellings, const char *site_extra, const char *themes)
{
	static const char fmt[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<casefile xmlns=\"urn:appui:casefile:1\" id=\"CF-TEST-001\">\n"
	    "  <organisation id=\"ORG-T\" name=\"Test Habitat\" "
	    "kind=\"oph\"/>\n"
	    "  <site id=\"T-SITE\" name=\"Résidence Test\" commune=\"Lille\">\n"
	    "    <dwellings>%ld</dwellings>\n"
	    "%s\n"
	    "  </site>\n"
	    "  <diagnostic firm=\"FIRM-T\" date=\"2019-04-11\">\n"
	    "%s\n"
	    "  </diagnostic>\n"
	    "  <request date=\"2019-05-02\"/>\n"
	    "</casefile>\n";
	size_t n = sizeof fmt + 32 + strlen(site_extra) + strlen(themes);
	char *xml = malloc(n);
	ck_assert_ptr_nonnull(xml);
	snprintf(xml, n, fmt, dwellings, site_extra, themes);
	return xml;
}

ap_case_result *tu_score(ap_host *h, ap_reader *r, const char *xml,
                         ap_case **case_out)
{
	ap_diags *d = ap_diags_new();
	ap_case *c = NULL;
	int rc = ap_reader_read_memory(r, "test.xml", xml, strlen(xml), &c, d);
	if (rc == 0)
		ap_host_check_case(h, c, d);
	for (size_t i = 0; i < ap_diags_count(d); i++)
		ap_diag_print(stderr, ap_diags_at(d, i));
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(ap_diags_errors(d), 0);
	ap_case_result *res = NULL;
	ck_assert_int_eq(ap_host_score(h, c, &res, d), 0);
	ap_diags_free(d);
	*case_out = c;
	return res;
}

const ap_theme_result *tu_theme(const ap_case_result *r, const char *theme)
{
	for (size_t i = 0; i < r->n_themes; i++)
		if (strcmp(r->themes[i].theme, theme) == 0)
			return &r->themes[i];
	return NULL;
}

const ap_indicator_row *tu_row(const ap_theme_result *t, const char *ref)
{
	for (size_t i = 0; i < t->n_rows; i++)
		if (strcmp(t->rows[i].ref, ref) == 0)
			return &t->rows[i];
	return NULL;
}

int tu_has_rule(const ap_theme_result *t, const char *needle)
{
	for (size_t i = 0; i < t->n_rules; i++)
		if (strstr(t->rules[i], needle))
			return 1;
	return 0;
}

int tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static char *scratch[64];
static size_t n_scratch;

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_scratch(void)
{
	for (size_t i = 0; i < n_scratch; i++) {
		nftw(scratch[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(scratch[i]);
	}
	n_scratch = 0;
}

char *tu_mkdtemp(char *template)
{
	char *dir = mkdtemp(template);
	if (dir && n_scratch < sizeof scratch / sizeof scratch[0]) {
		if (n_scratch == 0)
			atexit(remove_scratch);
		scratch[n_scratch++] = strdup(dir);
	}
	return dir;
}
