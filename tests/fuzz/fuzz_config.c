/*
 * Fuzz target: a host configuration file (libconfig) through ap_config_load,
 * then, when it loads, through ap_host_open with the shipped plugins (which
 * checks the theme sections against the plugins' catalogues and parameters)
 * and the scoring of the valid example case files with it, as `appui score
 * --config FILE` does. The plugins always come from the build's plugin folder,
 * never from the file's plugin_path: a fuzzed path must not dlopen whatever
 * happens to be on the machine.
 *
 * ap_config_load takes a path: the input is written to a file in a private
 * scratch folder, created once and rewritten each iteration.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <appui/report.h>
#include <appui/score.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The valid case files of the examples and of the test corpus, read once. */
static ap_case **cases;
static size_t n_cases;

static void read_cases(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "fuzz harness: cannot open %s\n", dir);
		abort();
	}
	struct dirent *e;
	ap_diags *d = ap_diags_new();
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".xml") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		ap_case *c = NULL;
		ap_diags_clear(d);
		if (ap_reader_read_file(fz_reader(), path, &c, d) != 0)
			continue;
		ap_case **grown = realloc(cases, (n_cases + 1) * sizeof(*cases));
		if (!grown)
			abort();
		cases = grown;
		cases[n_cases++] = c;
	}
	ap_diags_free(d);
	closedir(dp);
}

static void init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	read_cases(APPUI_TEST_EXAMPLES);
	read_cases(APPUI_TEST_SRCDIR "/casefiles/valid");
	if (n_cases == 0) {
		fprintf(stderr, "fuzz harness: no valid case file found\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fz_file in;
	init();
	if (!in.path)
		fz_file_init(&in, "appui.cfg");
	if (fz_cfg_include_escapes(data, size))
		return 0;
	fz_file_write(&in, data, size);

	FILE *out = fz_sink();
	ap_diags *d = ap_diags_new();
	(void)ap_config_is_campaign(in.path);
	ap_config *cfg = NULL;
	if (ap_config_load(&cfg, in.path, d) == 0) {
		for (size_t i = 0; i < ap_config_plugin_dir_count(cfg); i++)
			fputs(ap_config_plugin_dir_at(cfg, i), out);
		if (ap_config_schema(cfg))
			fputs(ap_config_schema(cfg), out);
		fprintf(out, "%zu\n", ap_config_max_file_bytes(cfg));

		size_t n_dirs;
		const ap_search_dir *dirs = fz_plugin_dirs(&n_dirs);
		ap_host *h = NULL;
		int rc = ap_host_open(&h, cfg, dirs, n_dirs, d);
		for (size_t i = 0; h && i < ap_host_plugin_count(h); i++) {
			const ap_plugin_info *pi = ap_host_plugin_at(h, i);
			fprintf(out, "%s %d %s\n", pi->id, (int)pi->status,
			        pi->reason ? pi->reason : "");
		}
		for (size_t i = 0; rc == 0 && i < n_cases; i++) {
			ap_diags *cd = ap_diags_new();
			ap_host_check_case(h, cases[i], cd);
			ap_case_result *res = NULL;
			if (ap_diags_errors(cd) == 0 &&
			    ap_host_score(h, cases[i], &res, cd) == 0) {
				ap_report_explain(out, res);
				ap_case_result_free(res);
			}
			fz_print_diags(cd);
			ap_diags_free(cd);
		}
		ap_host_free(h);
		ap_config_free(cfg);
	}
	fz_print_diags(d);
	ap_diags_free(d);
	return 0;
}
