/* Unit tests of the worker pool: results as in-process scoring gives them,
 * tasks by path and by bytes, crashes and hangs named and contained, both
 * ways of driving it, and what a new worker holds. */
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "testutil.h"

static ap_diags *diags;
static ap_config *config;
static ap_host *host;
static ap_reader *reader;

static void setup(void)
{
	diags = ap_diags_new();
	config = ap_config_defaults(); /* every theme enabled */
	static char path[1024];
	snprintf(path, sizeof path, "%s/fragile", APPUI_TEST_BADPLUGINS);
	ap_search_dir dirs[] = {{path, "test"},
	                        {APPUI_TEST_PLUGINDIR, "installed"}};
	ck_assert_int_eq(ap_host_open(&host, config, dirs, 2, diags), 0);
	ck_assert_uint_eq(ap_host_loaded_count(host), 4);
	reader = tu_reader();
}

static void teardown(void)
{
	ap_reader_free(reader);
	ap_host_free(host);
	ap_config_free(config);
	ap_diags_free(diags);
}

static ap_pool *new_pool(size_t workers, unsigned parts, int ordered,
                         double limit)
{
	ap_pool_options opt = AP_POOL_OPTIONS_INIT;
	opt.workers = workers;
	opt.parts = parts;
	opt.ordered = ordered;
	opt.case_time_limit = limit;
	ap_pool *p = NULL;
	ck_assert_int_eq(ap_pool_new(&p, reader, host, &opt, diags), AP_OK);
	return p;
}

/* Waits for the next result. */
static ap_pool_result *next(ap_pool *p)
{
	ap_pool_result *r = NULL;
	for (int i = 0; i < 600 && !ap_pool_take(&r, p); i++)
		ck_assert_int_eq(ap_pool_wait(p, 100, diags), AP_OK);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* A case with a quality theme and the fragile plugin's x.value. */
static char *fragile_case(int value)
{
	char themes[512];
	snprintf(themes, sizeof themes,
	         "<theme ref=\"quality\"><indicator "
	         "ref=\"satisfaction.overall\" value=\"65\"/></theme>"
	         "<theme ref=\"fragile\"><indicator ref=\"x.value\" "
	         "value=\"%d\"/></theme>",
	         value);
	return tu_casefile(120, "", themes);
}

static uint64_t submit(ap_pool *p, const char *name, const char *xml)
{
	uint64_t id = 0;
	ck_assert_int_eq(ap_pool_submit_bytes(&id, p, name, xml, strlen(xml)),
	                 AP_OK);
	return id;
}

/* The first `max` shipped examples, in name order. */
static size_t examples(char paths[][1024], size_t max)
{
	struct dirent **names;
	int n = scandir(APPUI_TEST_EXAMPLES, &names, NULL, alphasort);
	ck_assert_int_gt(n, 0);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		const char *s = names[i]->d_name;
		size_t len = strlen(s);
		if (k < max && len > 4 && strcmp(s + len - 4, ".xml") == 0)
			snprintf(paths[k++], 1024, "%s/%s", APPUI_TEST_EXAMPLES,
			         s);
		free(names[i]);
	}
	free(names);
	return k;
}

/* Every part is what scoring in this process gives, byte for byte. */
START_TEST(results_match_in_process_scoring)
{
	char paths[6][1024];
	size_t n = examples(paths, 6);
	ck_assert_uint_eq(n, 6);
	ap_pool *p = new_pool(
	    2, AP_POOL_JSON | AP_POOL_ROW | AP_POOL_EXPLAIN | AP_POOL_SITE, 1,
	    10);
	uint64_t ids[6];
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(ap_pool_submit_path(&ids[i], p, paths[i]),
		                 AP_OK);
	ck_assert_uint_eq(ap_pool_pending(p), 6);
	for (size_t i = 0; i < n; i++) {
		ap_pool_result *r = next(p);
		ck_assert_uint_eq(r->id, ids[i]); /* in submission order */
		ck_assert_str_eq(r->name, paths[i]);
		ck_assert_int_eq(r->valid, 1);
		ap_case *c = NULL;
		ap_case_result *res = NULL;
		ck_assert_int_eq(
		    ap_reader_read_file(reader, paths[i], &c, diags), 0);
		ck_assert_int_eq(ap_host_score(host, c, &res, diags), 0);
		char *text = NULL;
		size_t cap = 0;
		size_t len = ap_report_json_case_text(res, &text, &cap);
		ck_assert_uint_eq(r->json_len, len);
		ck_assert_mem_eq(r->json, text, len);
		ck_assert_int_eq(r->json[len], '\0');
		ap_score_row row;
		ap_score_row_fill(&row, res, 1);
		ck_assert_str_eq(r->row->case_id, row.case_id);
		ck_assert_uint_eq(r->row->n_themes, row.n_themes);
		for (size_t t = 0; t < row.n_themes; t++) {
			ck_assert_str_eq(r->row->themes[t], row.themes[t]);
			ck_assert(r->row->needs[t] == row.needs[t]);
			ck_assert_int_eq(r->row->bands[t], row.bands[t]);
		}
		ck_assert_int_eq(r->row->has_mission, row.has_mission);
		ck_assert_int_eq(r->row->days, row.days);
		ck_assert(r->row->priority == row.priority);
		ck_assert_str_eq(r->row->explain, row.explain);
		ap_plan_site site;
		ap_plan_site_of(res, &site);
		ck_assert_str_eq(r->site->case_id, site.case_id);
		ck_assert_str_eq(r->site->site_name, site.site_name);
		ck_assert_int_eq(r->site->days, site.days);
		ck_assert_uint_eq(r->site->n_themes, site.n_themes);
		ap_score_row_clear(&row);
		free(text);
		ap_case_result_free(res);
		ap_case_free(c);
		ap_pool_result_free(r);
	}
	ck_assert_uint_eq(ap_pool_pending(p), 0);
	ap_pool_info info;
	ap_pool_info_of(&info, p);
	ck_assert_uint_eq(info.workers, 2);
	ck_assert_uint_eq(info.done, 6);
	ck_assert_uint_eq(info.replaced, 0);
	ap_pool_free(p);
}
END_TEST

/* Bytes that arrive after the workers were forked; problems name the name
 * they were given; the parts not asked for are absent. */
START_TEST(bytes_after_fork_and_problems_named)
{
	ap_pool *p = new_pool(1, AP_POOL_JSON, 1, 10);
	char *good = fragile_case(1);
	submit(p, "uploads/good.xml", good);
	submit(p, "uploads/bad.xml", "<casefile>not closed");
	ap_pool_result *r = next(p);
	ck_assert_int_eq(r->valid, 1);
	ck_assert_ptr_nonnull(r->json);
	ck_assert_ptr_null(r->row);
	ck_assert_ptr_null(r->site);
	ck_assert_ptr_nonnull(strstr(r->json, "\"CF-TEST-001\""));
	ck_assert_uint_eq(ap_diags_errors(r->diags), 0);
	ap_pool_result_free(r);
	r = next(p);
	ck_assert_int_eq(r->valid, 0);
	ck_assert_ptr_null(r->json);
	ck_assert_uint_ge(ap_diags_errors(r->diags), 1);
	ck_assert_str_eq(ap_diags_at(r->diags, 0)->file, "uploads/bad.xml");
	ap_pool_result_free(r);
	uint64_t id;
	ck_assert_int_eq(ap_pool_submit_bytes(&id, p, "huge.xml", good,
	                                      (size_t)AP_MAX_FILE_BYTES + 1),
	                 AP_EINVALID);
	free(good);
	ap_pool_free(p);
}
END_TEST

/* Validation only: no scoring, no parts; strict turns warnings into errors
 * as the command does. */
START_TEST(read_and_check_only)
{
	ap_pool *p = new_pool(1, 0, 1, 10);
	char *xml = fragile_case(666); /* never scored: never crashes */
	submit(p, "a.xml", xml);
	ap_pool_result *r = next(p);
	ck_assert_int_eq(r->valid, 1);
	ck_assert_ptr_null(r->json);
	ck_assert_ptr_null(r->row);
	ck_assert_ptr_null(r->meta);
	ap_pool_result_free(r);
	ap_pool_info info;
	ap_pool_info_of(&info, p);
	ck_assert_uint_eq(info.replaced, 0);
	free(xml);
	ap_pool_free(p);
}
END_TEST

/* What the store files a case under comes without scoring it (the fragile
 * plugin would crash on 666), with the digest of the very bytes checked;
 * an invalid file has its digest only, an unreadable one none. */
START_TEST(meta_without_scoring)
{
	ap_pool *p = new_pool(1, AP_POOL_META, 1, 10);
	char *xml = fragile_case(666);
	char dir[] = "/tmp/check_pool_XXXXXX";
	tu_mkdtemp(dir);
	char path[64];
	snprintf(path, sizeof path, "%s/c.xml", dir);
	FILE *f = fopen(path, "w");
	fputs(xml, f);
	fclose(f);
	submit(p, "a.xml", xml);
	submit(p, "b.xml", "<casefile>not closed");
	uint64_t id;
	ck_assert_int_eq(ap_pool_submit_path(&id, p, path), AP_OK);
	ck_assert_int_eq(ap_pool_submit_path(&id, p, "/nonexistent.xml"),
	                 AP_OK);
	char want[AP_SHA256_HEX];
	ap_sha256_of(xml, strlen(xml), want);
	for (int k = 0; k < 2; k++) { /* by bytes, then by path */
		ap_pool_result *r = next(p);
		ck_assert_int_eq(r->valid, 1);
		ck_assert_ptr_null(r->json);
		ck_assert_ptr_null(r->site);
		ck_assert_ptr_nonnull(r->meta);
		ck_assert_str_eq(r->meta->sha256, want);
		ck_assert_uint_eq(r->meta->size, strlen(xml));
		ck_assert_str_eq(r->meta->case_id, "CF-TEST-001");
		ck_assert_str_eq(r->meta->site_id, "T-SITE");
		ck_assert_str_eq(r->meta->organisation_id, "ORG-T");
		ck_assert_str_eq(r->meta->firm, "FIRM-T");
		ck_assert_int_eq(r->meta->diagnosed.year, 2019);
		ck_assert_int_eq(r->meta->diagnosed.month, 4);
		ck_assert_int_eq(r->meta->diagnosed.day, 11);
		ap_pool_result_free(r);
		if (k == 0) {
			r = next(p);
			ck_assert_int_eq(r->valid, 0);
			ck_assert_ptr_nonnull(r->meta);
			ck_assert_uint_eq(r->meta->size, 20);
			ck_assert_ptr_null(r->meta->case_id);
			ck_assert_ptr_null(r->meta->firm);
			ap_pool_result_free(r);
		}
	}
	ap_pool_result *r = next(p);
	ck_assert_int_eq(r->valid, 0);
	ck_assert_ptr_null(r->meta);
	ap_pool_result_free(r);
	ap_pool_info info;
	ap_pool_info_of(&info, p);
	ck_assert_uint_eq(info.replaced, 0);
	free(xml);
	ap_pool_free(p);
}
END_TEST

/* Under AddressSanitizer, the test plugin's crashes are the real signals a
 * worker dies of, as in a normal build. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "handle_segv=0:handle_abort=0";
}

/* The diagnostic for the fragile plugin in `r`, or NULL. */
static const ap_diag *blame(const ap_pool_result *r)
{
	for (size_t i = 0; i < ap_diags_count(r->diags); i++) {
		const ap_diag *g = ap_diags_at(r->diags, i);
		if (strcmp(g->field, "diagnostic/theme[fragile]") == 0)
			return g;
	}
	return NULL;
}

static void expect_blamed(const ap_pool_result *r, const char *why)
{
	const ap_diag *g = blame(r);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->severity, AP_ERROR);
	ck_assert_str_eq(g->file, r->name);
	char msg[512];
	snprintf(msg, sizeof msg,
	         "plugin 'fragile' %s; the case's other themes are scored "
	         "without it",
	         why);
	ck_assert_str_eq(g->message, msg);
	/* The other theme is still scored; the faulty one is not. */
	ck_assert_int_eq(r->valid, 1);
	ck_assert_ptr_nonnull(strstr(r->json, "\"quality\""));
	ck_assert_ptr_null(strstr(r->json, "\"fragile\""));
}

/* A crash or an abort costs that task's theme only, named; the tasks
 * around it are as they would be without it. */
START_TEST(crash_costs_one_theme_named)
{
	ap_pool *p = new_pool(2, AP_POOL_JSON, 1, 10);
	char *good = fragile_case(1), *crash = fragile_case(666),
	     *abrt = fragile_case(888);
	submit(p, "good-1.xml", good);
	submit(p, "crash.xml", crash);
	submit(p, "good-2.xml", good);
	submit(p, "abort.xml", abrt);
	submit(p, "good-3.xml", good);
	char *first = NULL;
	for (int i = 0; i < 5; i++) {
		ap_pool_result *r = next(p);
		if (i == 1)
			expect_blamed(
			    r, "crashed on crash.xml: signal 11 (SIGSEGV)");
		if (i == 3)
			expect_blamed(
			    r, "crashed on abort.xml: signal 6 (SIGABRT)");
		if (i % 2 == 0) {
			ck_assert_int_eq(r->valid, 1);
			ck_assert_uint_eq(ap_diags_count(r->diags), 0);
			ck_assert_ptr_nonnull(strstr(r->json, "\"fragile\""));
			/* The same case under another name. */
			const char *rest = strstr(r->json, "\"case_id\"");
			ck_assert_ptr_nonnull(rest);
			if (!first)
				first = strdup(rest);
			ck_assert_str_eq(rest, first);
		}
		ap_pool_result_free(r);
	}
	ap_pool_info info;
	ap_pool_info_of(&info, p);
	ck_assert_uint_eq(info.replaced, 2);
	ck_assert_uint_eq(info.workers, 2);
	free(first);
	free(good);
	free(crash);
	free(abrt);
	ap_pool_free(p);
}
END_TEST

/* A plugin that never returns is cut at the time limit, named. */
START_TEST(hang_cut_at_time_limit)
{
	ap_pool *p = new_pool(1, AP_POOL_JSON, 1, 0.5);
	char *hang = fragile_case(777), *good = fragile_case(1);
	submit(p, "hang.xml", hang);
	submit(p, "after.xml", good);
	ap_pool_result *r = next(p);
	ck_assert_str_eq(r->name, "hang.xml");
	expect_blamed(r, "ran past the time limit of 0.5 s on hang.xml");
	ap_pool_result_free(r);
	r = next(p);
	ck_assert_str_eq(r->name, "after.xml");
	ck_assert_uint_eq(ap_diags_count(r->diags), 0);
	ap_pool_result_free(r);
	free(hang);
	free(good);
	ap_pool_free(p);
}
END_TEST

/* Driven from the caller's own poll() loop, results as they are done. */
START_TEST(driven_from_own_event_loop)
{
	ap_pool *p = new_pool(2, AP_POOL_ROW, 0, 10);
	char *good = fragile_case(1);
	struct pollfd fds[AP_POOL_MAX_WORKERS];
	int timeout;
	size_t n = ap_pool_fds(fds, &timeout, p, AP_POOL_MAX_WORKERS);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(timeout, -1); /* nothing to wait for */
	uint64_t ids[8], seen = 0;
	for (int i = 0; i < 8; i++)
		ids[i] = submit(p, "x.xml", good);
	for (int loops = 0; seen != 0xff && loops < 1000; loops++) {
		n = ap_pool_fds(fds, &timeout, p, AP_POOL_MAX_WORKERS);
		ck_assert_int_ge(timeout, 0);
		ck_assert_int_le(timeout, 10001);
		ck_assert_int_ge(poll(fds, n, timeout), 0);
		ck_assert_int_eq(ap_pool_dispatch(p, fds, n, diags), AP_OK);
		ap_pool_result *r;
		while (ap_pool_take(&r, p)) {
			int k = (int)(r->id - ids[0]);
			ck_assert(k >= 0 && k < 8 && !(seen & (1u << k)));
			seen |= 1u << k;
			ck_assert_str_eq(r->row->case_id, "CF-TEST-001");
			ck_assert_ptr_null(r->row->explain);
			ap_pool_result_free(r);
		}
	}
	ck_assert_uint_eq(seen, 0xff);
	free(good);
	ap_pool_free(p);
}
END_TEST

/* A worker started after the caller opened a descriptor does not hold it:
 * closing the caller's write end gives the reader its end of file. */
START_TEST(new_worker_holds_nothing_of_callers)
{
	ap_pool *p = new_pool(1, AP_POOL_JSON, 1, 10);
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	char *crash = fragile_case(666);
	submit(p, "crash.xml", crash); /* its worker is replaced */
	ap_pool_result *r = next(p);
	ck_assert_ptr_nonnull(blame(r));
	ap_pool_result_free(r);
	ap_pool_info info;
	ap_pool_info_of(&info, p);
	ck_assert_uint_eq(info.replaced, 1);
	close(pfd[1]);
	struct pollfd pf = {pfd[0], POLLIN, 0};
	ck_assert_int_eq(poll(&pf, 1, 5000), 1);
	char c;
	ck_assert_int_eq(read(pfd[0], &c, 1), 0);
	close(pfd[0]);
	free(crash);
	ap_pool_free(p);
}
END_TEST

/* Freeing a pool whose worker is stuck with no time limit ends it. */
START_TEST(free_ends_a_stuck_worker)
{
	ap_pool *p = new_pool(1, AP_POOL_JSON, 1, 0);
	char *hang = fragile_case(777);
	submit(p, "hang.xml", hang);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(ap_pool_wait(p, 50, diags), AP_OK);
	ap_pool_result *r;
	ck_assert_int_eq(ap_pool_take(&r, p), 0);
	ck_assert_uint_eq(ap_pool_pending(p), 1);
	ap_pool_free(p);
	free(hang);
}
END_TEST

/* Options of another version are refused, with the reason. */
START_TEST(bad_options_refused)
{
	ap_pool_options opt = AP_POOL_OPTIONS_INIT;
	opt.version = 99;
	ap_pool *p = (ap_pool *)1;
	ck_assert_int_eq(ap_pool_new(&p, reader, host, &opt, diags),
	                 AP_EINVALID);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(ap_diags_errors(diags), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, results_match_in_process_scoring);
	tcase_add_test(tc, bytes_after_fork_and_problems_named);
	tcase_add_test(tc, read_and_check_only);
	tcase_add_test(tc, meta_without_scoring);
	tcase_add_test(tc, crash_costs_one_theme_named);
	tcase_add_test(tc, hang_cut_at_time_limit);
	tcase_add_test(tc, driven_from_own_event_loop);
	tcase_add_test(tc, new_worker_holds_nothing_of_callers);
	tcase_add_test(tc, free_ends_a_stuck_worker);
	tcase_add_test(tc, bad_options_refused);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
