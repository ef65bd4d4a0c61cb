/* Unit tests of the internal helpers (util.c, diag.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/atomic.h"
#include "appui/diag.h"
#include "appui/status.h"
#include "appui/text.h"
#include "jsonout.h"
#include "testutil.h"
#include "util.h"

START_TEST(arena_keeps_every_allocation)
{
	ap_arena a;
	ap_arena_init(&a);
	char *ptrs[2000];
	for (int i = 0; i < 2000; i++) {
		ptrs[i] = ap_arena_alloc(&a, (size_t)(i % 97) + 1);
		ck_assert_uint_eq((uintptr_t)ptrs[i] % 16, 0);
		memset(ptrs[i], i & 0xff, (size_t)(i % 97) + 1);
	}
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq((unsigned char)ptrs[i][0], i & 0xff);
	char *big = ap_arena_alloc(&a, 1 << 20); /* larger than a block */
	memset(big, 1, 1 << 20);
	ck_assert_str_eq(ap_arena_strdup(&a, "réclamations"), "réclamations");
	ck_assert_ptr_null(ap_arena_strdup(&a, NULL));
	ap_arena_free(&a);
}
END_TEST

START_TEST(buf_grows_and_formats)
{
	ap_buf b;
	ap_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		ap_buf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	ap_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	ap_buf_puts(&b, "a");
	ap_buf_putc(&b, 'b');
	ck_assert_str_eq(b.data, "ab");
	ap_buf_free(&b);
}
END_TEST

START_TEST(numbers_are_parsed_strictly)
{
	double d;
	long l;
	ck_assert_int_eq(ap_parse_double("61.5", &d), 0);
	ck_assert_double_eq(d, 61.5);
	ck_assert_int_eq(ap_parse_double("61.5x", &d), -1);
	ck_assert_int_eq(ap_parse_double("", &d), -1);
	ck_assert_int_eq(ap_parse_double("1e999", &d), -1);
	ck_assert_int_eq(ap_parse_double("nan", &d), -1);
	ck_assert_int_eq(ap_parse_long("412", &l), 0);
	ck_assert_int_eq(l, 412);
	ck_assert_int_eq(ap_parse_long("4.5", &l), -1);
	ck_assert_int_eq(ap_parse_long("99999999999999999999999", &l), -1);
}
END_TEST

START_TEST(calendar_months)
{
	ck_assert_int_eq(ap_days_in_month(2019, 2), 28);
	ck_assert_int_eq(ap_days_in_month(2020, 2), 29);
	ck_assert_int_eq(ap_days_in_month(1900, 2), 28);
	ck_assert_int_eq(ap_days_in_month(2000, 2), 29);
	ck_assert_int_eq(ap_days_in_month(2019, 4), 30);
	ck_assert_int_eq(ap_days_in_month(2019, 12), 31);
	ck_assert_int_eq(ap_days_in_month(2019, 13), 0);
}
END_TEST

START_TEST(paths)
{
	char *p = ap_path_join("/etc/appui", "x.cfg");
	ck_assert_str_eq(p, "/etc/appui/x.cfg");
	free(p);
	p = ap_path_join("/etc/appui/", "x.cfg");
	ck_assert_str_eq(p, "/etc/appui/x.cfg");
	free(p);
	p = ap_path_join("/etc/appui", "/abs/x.cfg");
	ck_assert_str_eq(p, "/abs/x.cfg");
	free(p);
	p = ap_path_dirname("configs/appui.cfg");
	ck_assert_str_eq(p, "configs");
	free(p);
	p = ap_path_dirname("appui.cfg");
	ck_assert_str_eq(p, ".");
	free(p);
	p = ap_path_dirname("/appui.cfg");
	ck_assert_str_eq(p, "/");
	free(p);
}
END_TEST

START_TEST(diagnostics_count_and_move)
{
	ap_diags *a = ap_diags_new(), *b = ap_diags_new();
	ap_diags_add(a, AP_WARNING, "f.xml", 3, "site/@id", "w %d", 1);
	ap_diags_add(a, AP_ERROR, "f.xml", 4, "", "problem\n");
	ck_assert_uint_eq(ap_diags_count(a), 2);
	ck_assert_uint_eq(ap_diags_errors(a), 1);
	/* Trailing newlines of library messages are trimmed. */
	ck_assert_str_eq(ap_diags_at(a, 1)->message, "problem");
	ap_diags_move(b, a, 1);
	ck_assert_uint_eq(ap_diags_count(a), 0);
	ck_assert_uint_eq(ap_diags_errors(b),
	                  2); /* strict: warnings become errors */
	ck_assert_str_eq(ap_diags_at(b, 0)->field, "site/@id");
	ck_assert_int_eq(ap_diags_at(b, 0)->line, 3);
	ap_diags_free(a);
	ap_diags_free(b);
}
END_TEST

/* Text shown to people is inert: every class of shifty character. */
START_TEST(inert_text)
{
	static const struct {
		const char *in, *out, *kept;
	} cases[] = {
	    {"plain é", "plain é", "plain é"},
	    {"a\033[31mb", "a\\x1b[31mb", "a\\x1b[31mb"},
	    {"line\nforged\tx", "line\\nforged\\tx", "line\nforged\tx"},
	    {"cr\rbell\a del\x7f", "cr\\x0dbell\\x07 del\\x7f",
	     "cr\\x0dbell\\x07 del\\x7f"},
	    {"c1 \xc2\x9b x", "c1 \\u009b x", "c1 \\u009b x"},
	    {"bidi \xe2\x80\xae \xe2\x81\xa6", "bidi \\u202e \\u2066",
	     "bidi \\u202e \\u2066"},
	    {"ls \xe2\x80\xa8", "ls \\u2028", "ls \\u2028"},
	    {"bad \xff\xc3", "bad \\xff\\xc3", "bad \\xff\\xc3"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int keep = 0; keep < 2; keep++) {
			ap_buf b;
			ap_buf_init(&b);
			ap_buf_puts(&b, "");
			ap_buf_inert(&b, cases[i].in, keep);
			ck_assert_str_eq(b.data,
			                 keep ? cases[i].kept : cases[i].out);
			ap_buf_free(&b);
		}
	}
}
END_TEST

/* The public form: each copy lives for AP_SHOWN_SLOTS more calls, enough
 * for every argument of one message. */
START_TEST(shown_text_slots)
{
	ap_shown sh = {0};
	const char *first = ap_shown_text(&sh, "a\033b");
	const char *kept[AP_SHOWN_SLOTS];
	kept[0] = first;
	for (int i = 1; i < AP_SHOWN_SLOTS; i++)
		kept[i] = ap_shown_text(&sh, i % 2 ? "\xe2\x80\xae" : NULL);
	ck_assert_str_eq(first, "a\\x1bb");
	for (int i = 1; i < AP_SHOWN_SLOTS; i++)
		ck_assert_str_eq(kept[i], i % 2 ? "\\u202e" : "");
	ap_shown_free(&sh);
	ck_assert_ptr_null(sh.slot[0]);
}
END_TEST

/* JSON keeps C1, bidirectional controls and line separators as escapes:
 * the text reads back the same, and no raw one is written. */
START_TEST(json_escapes_shifty)
{
	json_t *j = json_pack("{s:s}", "name",
	                      "R\xc2\x9b\xe2\x80\xae\xe2\x80\xa8\xc3\xa9");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(jsonout_dumpf(j, f, JSON_COMPACT), 0);
	fclose(f);
	ck_assert_str_eq(text, "{\"name\":\"R\\u009b\\u202e\\u2028\xc3\xa9\"}");
	json_t *back = json_loads(text, 0, NULL);
	ck_assert(json_equal(back, j));
	json_decref(back);
	json_decref(j);
	free(text);
}
END_TEST

/* What a signal handler calls: every temporary not yet committed is
 * removed, the committed files stay. */
START_TEST(atomic_remove_all_for_signals)
{
	char dir[] = "/tmp/appui-atomic-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *p1 = ap_path_join(dir, "a.txt"), *p2 = ap_path_join(dir, "b.txt"),
	     *p3 = ap_path_join(dir, "c.txt");
	ap_diags *d = ap_diags_new();
	ap_atomic a, b, c;
	ck_assert_int_eq(ap_atomic_open(&a, p1, "output file", d), 0);
	ck_assert_int_eq(ap_atomic_open(&b, p2, "output file", d), 0);
	ck_assert_int_eq(ap_atomic_open(&c, p3, "output file", d), 0);
	ck_assert_int_eq(ap_atomic_commit(&c, d), 0);
	char *t1 = ap_xstrdup(a.tmp), *t2 = ap_xstrdup(b.tmp);
	ck_assert_int_eq(access(t1, F_OK), 0);
	ap_atomic_remove_all();
	ck_assert_int_ne(access(t1, F_OK), 0);
	ck_assert_int_ne(access(t2, F_OK), 0);
	ck_assert_int_eq(access(p3, F_OK), 0);
	ap_atomic_abort(&a);
	ap_atomic_abort(&b);
	unlink(p3);
	ck_assert_int_eq(rmdir(dir), 0); /* nothing else is left */
	free(t1);
	free(t2);
	free(p1);
	free(p2);
	free(p3);
	ap_diags_free(d);
}
END_TEST

START_TEST(atomic_file_is_whole_or_absent)
{
	char dir[] = "/tmp/appui-atomic-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *path = ap_path_join(dir, "out.txt");
	FILE *f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 04750), 0);
	ap_diags *d = ap_diags_new();
	ap_atomic a;
	ck_assert_int_eq(ap_atomic_open(&a, path, "output file", d), 0);
	fputs("new\n", a.f);
	ap_atomic_abort(&a);
	char buf[16] = {0};
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, "old\n");
	ck_assert_int_eq(ap_atomic_open(&a, path, "output file", d), 0);
	fputs("new\n", a.f);
	ck_assert_int_eq(ap_atomic_commit(&a, d), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, "new\n");
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0750);
	/* Nothing but the target is left in the folder. */
	DIR *dh = opendir(dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(dh)))
		n += e->d_name[0] != '.';
	closedir(dh);
	ck_assert_int_eq(n, 1);
	/* A symbolic link is replaced, and its target's mode is not taken. */
	char *target = ap_path_join(dir, "target.txt");
	char *link = ap_path_join(dir, "link.txt");
	f = fopen(target, "w");
	fclose(f);
	ck_assert_int_eq(chmod(target, 04700), 0);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(ap_atomic_open(&a, link, "output file", d), 0);
	ck_assert_int_eq(ap_atomic_commit(&a, d), 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, ap_atomic_mode(NULL));
	unlink(link);
	unlink(target);
	free(link);
	free(target);
	/* A folder that does not exist: the message names the target. */
	char *bad = ap_path_join(dir, "missing/out.txt");
	ck_assert_int_eq(ap_atomic_open(&a, bad, "calendar", d), -2);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, bad);
	ck_assert_ptr_nonnull(
	    strstr(ap_diags_at(d, 0)->message, "cannot create the calendar"));
	unlink(path);
	rmdir(dir);
	free(bad);
	free(path);
	ap_diags_free(d);
}
END_TEST

START_TEST(status_maps_to_exit_and_http)
{
	/* docs/cli.md's exit statuses and docs/architecture.md's HTTP ones. */
	ck_assert_int_eq(ap_status_exit_code(AP_OK), 0);
	ck_assert_int_eq(ap_status_exit_code(AP_EINVALID), 1);
	ck_assert_int_eq(ap_status_exit_code(AP_EUSAGE), 2);
	ck_assert_int_eq(ap_status_exit_code(AP_ESETUP), 3);
	ck_assert_int_eq(ap_status_exit_code(AP_EOUTPUT), 3);
	ck_assert_int_eq(ap_status_exit_code(AP_ENOMEM), 70);
	ck_assert_int_eq(ap_status_exit_code(AP_EINTERRUPTED), 130);
	ck_assert_int_eq(ap_status_http(AP_OK), 200);
	ck_assert_int_eq(ap_status_http(AP_EINVALID), 422);
	ck_assert_int_eq(ap_status_http(AP_EUSAGE), 400);
	ck_assert_int_eq(ap_status_http(AP_ENOTFOUND), 404);
	ck_assert_int_eq(ap_status_http(AP_EFULL), 507);
	ck_assert_int_eq(ap_status_http(AP_EBUSY), 503);
	ck_assert_int_eq(ap_status_http(AP_EFORBIDDEN), 403);
	ck_assert_int_eq(ap_status_exit_code(AP_EFORBIDDEN), 1);
	/* An unknown value is a set-up error, never success. */
	ck_assert_int_eq(ap_status_exit_code((ap_status)-99), 3);
	ck_assert_str_eq(ap_status_name(AP_EFULL), "disk full");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, arena_keeps_every_allocation);
	tcase_add_test(tc, status_maps_to_exit_and_http);
	tcase_add_test(tc, atomic_file_is_whole_or_absent);
	tcase_add_test(tc, atomic_remove_all_for_signals);
	tcase_add_test(tc, inert_text);
	tcase_add_test(tc, shown_text_slots);
	tcase_add_test(tc, json_escapes_shifty);
	tcase_add_test(tc, buf_grows_and_formats);
	tcase_add_test(tc, numbers_are_parsed_strictly);
	tcase_add_test(tc, calendar_months);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, diagnostics_count_and_move);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
