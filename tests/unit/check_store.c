#define _GNU_SOURCE /* memmem */
/* Unit tests of the store: versions kept byte for byte, duplicates,
 * refused attempts, accounts and tokens (hashed), the audit row in the same
 * transaction, schema versions (forward, and a newer one refused), the
 * append-only rules, the check, export and backup, a full disk and a busy
 * store. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "store_impl.h"
#include "testutil.h"

static char dir[64];
static char path[160];
static ap_diags *diags;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_store_XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	snprintf(path, sizeof path, "%s/appui.db", dir);
	diags = ap_diags_new();
}

static void teardown(void)
{
	ap_diags_free(diags);
}

/* 1 when some problem's message contains `needle`. */
static int said(const char *needle)
{
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		if (strstr(ap_diags_at(diags, i)->message, needle))
			return 1;
	for (size_t i = 0; i < ap_diags_count(diags); i++)
		ap_diag_print(stderr, ap_diags_at(diags, i));
	return 0;
}

static ap_store *open_at(const char *now)
{
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.create = 1;
	opt.now = now;
	ap_store *s = NULL;
	ck_assert_int_eq(ap_store_open(&s, path, &opt, diags), AP_OK);
	return s;
}

static ap_store_upload upload(const char *case_id, const char *firm,
                              const char *site, const char *body, size_t len)
{
	ap_store_upload u = AP_STORE_UPLOAD_INIT;
	u.name = "uploads/x.xml";
	u.data = body;
	u.len = len;
	u.case_id = case_id;
	u.site_id = site;
	u.organisation_id = "ORG-T";
	u.firm_id = firm;
	u.diagnosed = "2019-04-11";
	u.sender = "local:test";
	return u;
}

static int add(ap_store *s, ap_store_added *out, const char *case_id,
               const char *firm, const char *site, const char *body)
{
	ap_store_upload u = upload(case_id, firm, site, body, strlen(body));
	return ap_store_add(out, s, &u, diags);
}

/* One number from the database. */
static long long scalar(ap_store *s, const char *sql)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void exec_ok(ap_store *s, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(store_db(s), sql, NULL, NULL, &err);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "");
}

/* What a listing gives, one line per version. */
typedef struct listing {
	char text[4096];
	size_t n;
} listing;

static int list_one(void *ctx, const ap_store_version *v)
{
	listing *l = ctx;
	size_t at = strlen(l->text);
	snprintf(l->text + at, sizeof l->text - at, "%s/%d/%d %s %s %s\n",
	         v->case_id, v->n, v->n_versions, v->site_id, v->firm_id,
	         v->received_at);
	l->n++;
	return 0;
}

static listing list(ap_store *s, const ap_store_query *q)
{
	listing l = {{0}, 0};
	ck_assert_int_eq(ap_store_versions(s, q, list_one, &l, diags), AP_OK);
	return l;
}

START_TEST(created_0600_in_wal_and_missing_refused)
{
	ap_store *s = NULL;
	ck_assert_int_eq(ap_store_open(&s, path, NULL, diags), AP_ESETUP);
	ck_assert_ptr_null(s);
	ck_assert(said("no store here: create it with 'appui store init'"));
	ck_assert_int_ne(access(path, F_OK), 0);
	s = open_at(NULL);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(scalar(s, "PRAGMA user_version"), AP_STORE_SCHEMA);
	ck_assert_int_eq(scalar(s, "PRAGMA application_id"),
	                 STORE_APPLICATION_ID);
	ck_assert_int_eq(scalar(s, "SELECT journal_mode = 'wal' FROM "
	                           "pragma_journal_mode"),
	                 1);
	ck_assert_int_eq(scalar(s, "PRAGMA synchronous"), 2); /* FULL */
	ck_assert_int_eq(scalar(s, "PRAGMA foreign_keys"), 1);
	ck_assert_str_eq(ap_store_path(s), path);
	ap_store_close(s);
	/* Opening again changes nothing. */
	s = open_at(NULL);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit WHERE action = "
	                           "'store.migrate'"),
	                 1);
	ap_store_close(s);
}
END_TEST

typedef struct body_copy {
	char body[64];
	size_t size;
	char sha[AP_SHA256_HEX];
} body_copy;

static int take_body(void *ctx, const ap_store_version *v)
{
	body_copy *got = ctx;
	ck_assert_uint_lt(v->size, sizeof got->body);
	memcpy(got->body, v->body, v->size);
	got->size = v->size;
	snprintf(got->sha, sizeof got->sha, "%s", v->sha256);
	return 0;
}

START_TEST(versions_kept_byte_for_byte_and_duplicates)
{
	ap_store *s = open_at("2024-03-01T10:00:00Z");
	/* Bytes as they are: CR LF, a NUL, no final newline. */
	static const char v1[] = "<casefile>\r\n\0one</casefile>";
	ap_store_upload u =
	    upload("CF-1", "FIRM-A", "SITE-1", v1, sizeof v1 - 1);
	ap_store_added a;
	ck_assert_int_eq(ap_store_add(&a, s, &u, diags), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_NEW_CASE);
	ck_assert_int_eq(a.n, 1);
	char want[AP_SHA256_HEX];
	ap_sha256_of(v1, sizeof v1 - 1, want);
	ck_assert_str_eq(a.sha256, want);
	ck_assert_str_eq(a.received_at, "2024-03-01T10:00:00Z");
	long long audit = scalar(s, "SELECT count(*) FROM audit");

	/* The same bytes again: a duplicate, nothing written. */
	ck_assert_int_eq(ap_store_add(&a, s, &u, diags), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_DUPLICATE);
	ck_assert_int_eq(a.n, 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM version"), 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit"), audit);

	/* A correction is version 2; version 1 is still there as it was. */
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "SITE-2", "<two/>"),
	                 AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_NEW_VERSION);
	ck_assert_int_eq(a.n, 2);
	/* Version 1's bytes once more: still a duplicate of version 1. */
	ck_assert_int_eq(ap_store_add(&a, s, &u, diags), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_DUPLICATE);
	ck_assert_int_eq(a.n, 1);

	ap_store_query q = AP_STORE_QUERY_INIT;
	q.case_id = "CF-1";
	q.n = 1;
	q.with_body = 1;
	body_copy got = {{0}, 0, {0}};
	ck_assert_int_eq(ap_store_versions(s, &q, take_body, &got, diags),
	                 AP_OK);
	ck_assert_uint_eq(got.size, sizeof v1 - 1);
	ck_assert_int_eq(memcmp(got.body, v1, sizeof v1 - 1), 0);
	ck_assert_str_eq(got.sha, want);

	q = (ap_store_query)AP_STORE_QUERY_INIT;
	listing l = list(s, &q);
	ck_assert_str_eq(l.text,
	                 "CF-1/2/2 SITE-2 FIRM-A 2024-03-01T10:00:00Z\n");
	q.all_versions = 1;
	l = list(s, &q);
	ck_assert_str_eq(l.text,
	                 "CF-1/1/2 SITE-1 FIRM-A 2024-03-01T10:00:00Z\n"
	                 "CF-1/2/2 SITE-2 FIRM-A 2024-03-01T10:00:00Z\n");
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit WHERE action = "
	                           "'casefile.upload'"),
	                 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit WHERE action = "
	                           "'casefile.correction'"),
	                 1);
	ap_store_close(s);
}
END_TEST

START_TEST(a_case_belongs_to_its_firm)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<a/>"), AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-B", "S", "<b/>"),
	                 AP_EFORBIDDEN);
	ck_assert(said("case CF-1 belongs to firm FIRM-A"));
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM version"), 1);
	ck_assert_int_eq(scalar(s, "SELECT latest FROM casefile"), 1);
	ap_store_close(s);
}
END_TEST

/* A group commit: the changes are one transaction, a change refused on
 * its own is undone alone, and nothing is seen by another connection
 * before the commit. */
START_TEST(a_group_commit)
{
	ap_store *s = open_at("2024-03-01T09:00:00Z");
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S-1", "<a/>"), AP_OK);
	ck_assert_int_eq(ap_store_batch_begin(s, diags), AP_OK);
	ck_assert_int_eq(ap_store_batch_begin(s, diags), AP_EUSAGE);
	ck_assert_int_eq(add(s, &a, "CF-2", "FIRM-A", "S-2", "<b/>"), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_NEW_CASE);
	/* Another firm's case: refused, and only that change undone. */
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-B", "S-1", "<c/>"),
	                 AP_EFORBIDDEN);
	ck_assert_int_eq(add(s, &a, "CF-2", "FIRM-A", "S-2", "<b2/>"), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_NEW_VERSION);
	/* Another reader sees none of it yet. */
	ap_store *other = open_at(NULL);
	ck_assert_int_eq(scalar(other, "SELECT count(*) FROM version"), 1);
	ck_assert_int_eq(ap_store_batch_commit(s, diags), AP_OK);
	ck_assert_int_eq(scalar(other, "SELECT count(*) FROM version"), 3);
	ck_assert_int_eq(ap_store_batch_commit(s, diags), AP_EUSAGE);
	ap_store_close(other);
	ap_store_close(s);
}
END_TEST

START_TEST(malformed_uploads_refused)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "../etc", "FIRM-A", "S", "<a/>"),
	                 AP_EUSAGE);
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM A", "S", "<a/>"), AP_EUSAGE);
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", ""), AP_EUSAGE);
	ap_store_upload u = upload("CF-1", "F", "S", "<a/>", 4);
	u.diagnosed = "2019-02-30";
	ck_assert_int_eq(ap_store_add(&a, s, &u, diags), AP_EUSAGE);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM casefile"), 0);
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.since = "yesterday";
	ck_assert_int_eq(ap_store_versions(s, &q, list_one, NULL, diags),
	                 AP_EUSAGE);
	ap_store_close(s);
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.now = "2024-13-01T00:00:00Z";
	ck_assert_int_eq(ap_store_open(&s, path, &opt, diags), AP_EUSAGE);
	ck_assert(said("is not YYYY-MM-DDTHH:MM:SSZ"));
}
END_TEST

START_TEST(listings_sorted_and_filtered)
{
	ap_store *s = open_at("2024-01-10T08:00:00Z");
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-9", "FIRM-A", "S1", "<9/>"), AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-10", "FIRM-B", "S2", "<10/>"), AP_OK);
	ap_store_close(s);
	s = open_at("2024-02-20T08:00:00Z");
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S2", "<1/>"), AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-9", "FIRM-A", "S3", "<9b/>"), AP_OK);
	ap_store_query q = AP_STORE_QUERY_INIT;
	listing l = list(s, &q);
	ck_assert_str_eq(l.text, "CF-1/1/1 S2 FIRM-A 2024-02-20T08:00:00Z\n"
	                         "CF-10/1/1 S2 FIRM-B 2024-01-10T08:00:00Z\n"
	                         "CF-9/2/2 S3 FIRM-A 2024-02-20T08:00:00Z\n");
	q.site_id = "S2";
	l = list(s, &q);
	ck_assert_uint_eq(l.n, 2);
	q.site_id = "S1"; /* CF-9's latest is at S3 now */
	ck_assert_uint_eq(list(s, &q).n, 0);
	q.all_versions = 1;
	ck_assert_str_eq(list(s, &q).text,
	                 "CF-9/1/2 S1 FIRM-A 2024-01-10T08:00:00Z\n");
	q = (ap_store_query)AP_STORE_QUERY_INIT;
	q.firm_id = "FIRM-B";
	ck_assert_str_eq(list(s, &q).text,
	                 "CF-10/1/1 S2 FIRM-B 2024-01-10T08:00:00Z\n");
	q = (ap_store_query)AP_STORE_QUERY_INIT;
	q.since = "2024-02-20";
	l = list(s, &q);
	ck_assert_str_eq(l.text, "CF-1/1/1 S2 FIRM-A 2024-02-20T08:00:00Z\n"
	                         "CF-9/2/2 S3 FIRM-A 2024-02-20T08:00:00Z\n");
	q.since = "2024-02-20T08:00:01Z";
	ck_assert_uint_eq(list(s, &q).n, 0);
	ap_store_close(s);
}
END_TEST

static int rejection_text(void *ctx, const ap_store_rejection *r)
{
	char *out = ctx;
	size_t at = strlen(out);
	snprintf(out + at, 512 - at, "%s %s %lld %zu %s\n", r->name,
	         r->sha256 ? r->sha256 : "-", r->size, r->errors,
	         r->first_error);
	return 0;
}

START_TEST(rejected_attempts_keep_no_body)
{
	ap_store *s = open_at("2024-05-05T05:05:05Z");
	ap_store_attempt a = AP_STORE_ATTEMPT_INIT;
	a.name = "bad.xml";
	a.data = "<casefile>SECRET-BODY";
	a.len = strlen(a.data);
	a.sender = "local:test";
	a.errors = 2;
	a.first_error = "bad.xml:1: not well-formed";
	ck_assert_int_eq(ap_store_add_rejected(s, &a, diags), AP_OK);
	ap_store_attempt b = AP_STORE_ATTEMPT_INIT;
	b.name = "gone.xml";
	b.sender = "local:test";
	b.errors = 1;
	b.first_error = "gone.xml:0: cannot open";
	ck_assert_int_eq(ap_store_add_rejected(s, &b, diags), AP_OK);
	char want[AP_SHA256_HEX], sql[256];
	ap_sha256_of(a.data, a.len, want);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM rejected WHERE name = 'bad.xml' AND "
	         "sha256 = '%s' AND size = %zu AND errors = 2 AND received_at "
	         "= '2024-05-05T05:05:05Z'",
	         want, a.len);
	ck_assert_int_eq(scalar(s, sql), 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM rejected WHERE name = "
	                           "'gone.xml' AND sha256 IS NULL AND size IS "
	                           "NULL"),
	                 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit WHERE action = "
	                           "'casefile.rejected'"),
	                 2);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM version"), 0);
	char text[512] = "";
	ck_assert_int_eq(
	    ap_store_rejections(s, NULL, rejection_text, text, diags), AP_OK);
	char line[256];
	snprintf(line, sizeof line,
	         "bad.xml %s %zu 2 bad.xml:1: not well-formed\n"
	         "gone.xml - -1 1 gone.xml:0: cannot open\n",
	         want, a.len);
	ck_assert_str_eq(text, line);
	text[0] = '\0';
	ck_assert_int_eq(
	    ap_store_rejections(s, "2024-05-06", rejection_text, text, diags),
	    AP_OK);
	ck_assert_str_eq(text, "");
	ck_assert_int_eq(
	    ap_store_rejections(s, "May", rejection_text, text, diags),
	    AP_EUSAGE);
	ap_store_close(s);
	/* The body is nowhere in the file. */
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	ck_assert_ptr_null(memmem(buf, n, "SECRET-BODY", 11));
	free(buf);
}
END_TEST

static int count_accounts(void *ctx, const ap_store_account *a)
{
	char *out = ctx;
	size_t at = strlen(out);
	snprintf(out + at, 512 - at, "%s %s %s %zu %s\n", a->name,
	         ap_store_role_name(a->role), a->firm_id[0] ? a->firm_id : "-",
	         a->tokens, a->revoked_at[0] ? "revoked" : "active");
	return 0;
}

/* The whole database, its WAL included, holds nothing of `text`. */
static void nowhere_in_files(const char *text)
{
	const char *suffix[] = {"", "-wal"};
	for (int i = 0; i < 2; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		FILE *f = fopen(p, "rb");
		if (!f)
			continue;
		char *buf = malloc(4 << 20);
		size_t n = fread(buf, 1, 4 << 20, f);
		fclose(f);
		ck_assert_msg(!memmem(buf, n, text, strlen(text)),
		              "'%s' found in %s", text, p);
		free(buf);
	}
}

START_TEST(accounts_and_tokens_hashed)
{
	ap_store *s = open_at("2024-06-01T00:00:00Z");
	ck_assert_int_eq(ap_store_account_add(s, "local:admin", "acme",
	                                      AP_ROLE_FIRM, "FIRM-A", diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_account_add(s, "local:admin", "claire",
	                                      AP_ROLE_COORDINATOR, NULL, diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_account_add(s, "local:admin", "acme",
	                                      AP_ROLE_COORDINATOR, NULL, diags),
	                 AP_EINVALID);
	ck_assert(said("the name is taken"));
	ck_assert_int_eq(ap_store_account_add(s, "local:admin", "nofirm",
	                                      AP_ROLE_FIRM, NULL, diags),
	                 AP_EUSAGE);
	ck_assert_int_eq(ap_store_account_add(s, "local:admin", "x",
	                                      AP_ROLE_ADMINISTRATOR, "FIRM-A",
	                                      diags),
	                 AP_EUSAGE);
	ck_assert_int_eq(ap_store_account_add(s, "local:admin", "a b",
	                                      AP_ROLE_ADMINISTRATOR, NULL,
	                                      diags),
	                 AP_EUSAGE);

	char t1[AP_STORE_TOKEN_SIZE], t2[AP_STORE_TOKEN_SIZE];
	ck_assert_int_eq(
	    ap_store_token_new(t1, s, "local:admin", "acme", diags), AP_OK);
	ck_assert_int_eq(
	    ap_store_token_new(t2, s, "local:admin", "acme", diags), AP_OK);
	ck_assert_uint_eq(strlen(t1), 43);
	ck_assert_uint_eq(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
	                             "nopqrstuvwxyz0123456789-_"),
	                  43);
	ck_assert_str_ne(t1, t2);
	char hash[AP_SHA256_HEX], sql[200];
	ap_sha256_of(t1, strlen(t1), hash);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM token WHERE sha256 = '%s'", hash);
	ck_assert_int_eq(scalar(s, sql), 1);

	ap_store_account who;
	ck_assert_int_eq(ap_store_token_account(&who, s, t1, diags), AP_OK);
	ck_assert_str_eq(who.name, "acme");
	ck_assert_int_eq(who.role, AP_ROLE_FIRM);
	ck_assert_str_eq(who.firm_id, "FIRM-A");
	char wrong[AP_STORE_TOKEN_SIZE];
	memcpy(wrong, t1, sizeof wrong);
	wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(ap_store_token_account(&who, s, wrong, diags),
	                 AP_ENOTFOUND);
	ck_assert_int_eq(ap_store_token_account(&who, s, hash, diags),
	                 AP_ENOTFOUND);
	ck_assert_int_eq(
	    ap_store_token_new(t2, s, "local:admin", "nobody", diags),
	    AP_ENOTFOUND);

	/* One token revoked by its text: the other still works. */
	char t3[AP_STORE_TOKEN_SIZE];
	ck_assert_int_eq(
	    ap_store_token_new(t3, s, "local:admin", "acme", diags), AP_OK);
	ck_assert_int_eq(ap_store_token_revoke(s, "local:admin", t3, diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_token_account(&who, s, t3, diags),
	                 AP_ENOTFOUND);
	ck_assert_int_eq(ap_store_token_revoke(s, "local:admin", t3, diags),
	                 AP_ENOTFOUND);
	ck_assert_int_eq(ap_store_token_account(&who, s, t1, diags), AP_OK);
	char text[512] = "";
	ck_assert_int_eq(ap_store_accounts(s, count_accounts, text, diags),
	                 AP_OK);
	ck_assert_str_eq(text, "acme firm FIRM-A 2 active\n"
	                       "claire coordinator - 0 active\n");

	ck_assert_int_eq(
	    ap_store_account_revoke(s, "local:admin", "acme", diags), AP_OK);
	ck_assert_int_eq(ap_store_token_account(&who, s, t1, diags),
	                 AP_ENOTFOUND);
	ck_assert_int_eq(
	    ap_store_account_revoke(s, "local:admin", "acme", diags),
	    AP_EINVALID);
	ck_assert_int_eq(
	    ap_store_token_new(t2, s, "local:admin", "acme", diags),
	    AP_EINVALID);
	ck_assert_int_eq(
	    ap_store_account_revoke(s, "local:admin", "nobody", diags),
	    AP_ENOTFOUND);
	text[0] = '\0';
	ap_store_accounts(s, count_accounts, text, diags);
	ck_assert_str_eq(text, "acme firm FIRM-A 0 revoked\n"
	                       "claire coordinator - 0 active\n");
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit WHERE action IN "
	                           "('account.add', 'account.revoke', "
	                           "'token.new', 'token.revoke')"),
	                 7);
	ap_store_close(s);
	nowhere_in_files(t1);
}
END_TEST

static int audit_text(void *ctx, const ap_store_audit_row *r)
{
	char *out = ctx;
	size_t at = strlen(out);
	snprintf(out + at, 512 - at, "%s %s %s\n", r->actor, r->action,
	         r->object);
	return 0;
}

/* A change and its audit row are one transaction: when the audit row
 * cannot be written, the change is not there either. */
START_TEST(audit_row_in_the_same_transaction)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<1/>"), AP_OK);
	exec_ok(s, "CREATE TRIGGER t BEFORE INSERT ON audit WHEN NEW.action <> "
	           "'casefile.upload' BEGIN SELECT RAISE(ABORT, 'no audit'); "
	           "END");
	ck_assert_int_ne(add(s, &a, "CF-1", "FIRM-A", "S", "<2/>"), AP_OK);
	ck_assert(said("no audit"));
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM version"), 1);
	ck_assert_int_eq(scalar(s, "SELECT latest FROM casefile"), 1);
	ck_assert_int_ne(ap_store_account_add(s, "local:t", "acme",
	                                      AP_ROLE_FIRM, "FIRM-A", diags),
	                 AP_OK);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM account"), 0);
	char token[AP_STORE_TOKEN_SIZE];
	exec_ok(s, "DROP TRIGGER t");
	ck_assert_int_eq(ap_store_account_add(s, "local:t", "acme",
	                                      AP_ROLE_FIRM, "FIRM-A", diags),
	                 AP_OK);
	exec_ok(s, "CREATE TRIGGER t BEFORE INSERT ON audit BEGIN SELECT "
	           "RAISE(ABORT, 'no audit'); END");
	ck_assert_int_ne(ap_store_token_new(token, s, "local:t", "acme", diags),
	                 AP_OK);
	ck_assert_str_eq(token, ""); /* never shown when not stored */
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM token"), 0);
	ck_assert_int_ne(ap_store_account_revoke(s, "local:t", "acme", diags),
	                 AP_OK);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM account WHERE "
	                           "revoked_at IS NULL"),
	                 1);
	ap_store_attempt r = AP_STORE_ATTEMPT_INIT;
	r.name = "bad.xml";
	r.sender = "local:t";
	r.first_error = "bad.xml:1: x";
	ck_assert_int_ne(ap_store_add_rejected(s, &r, diags), AP_OK);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM rejected"), 0);
	/* Every change that went through has exactly one audit row, in the
	 * order of the changes. */
	char text[512] = "";
	ck_assert_int_eq(ap_store_audit(s, NULL, audit_text, text, diags),
	                 AP_OK);
	ck_assert_str_eq(text, "appui store.migrate schema\n"
	                       "local:test casefile.upload CF-1\n"
	                       "local:t account.add acme\n");
	ap_store_close(s);
}
END_TEST

START_TEST(versions_and_audit_are_append_only)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<1/>"), AP_OK);
	const char *refused[] = {
	    "UPDATE version SET body = x'00'", "DELETE FROM version",
	    "UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"};
	for (size_t i = 0; i < 4; i++) {
		char *err = NULL;
		ck_assert_int_ne(
		    sqlite3_exec(store_db(s), refused[i], NULL, NULL, &err),
		    SQLITE_OK);
		ck_assert_ptr_nonnull(strstr(err, "append-only"));
		sqlite3_free(err);
	}
	ap_store_close(s);
}
END_TEST

START_TEST(newer_schema_refused)
{
	ap_store *s = open_at(NULL);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	         AP_STORE_SCHEMA + 1);
	exec_ok(s, sql);
	ap_store_close(s);
	ck_assert_int_eq(ap_store_open(&s, path, NULL, diags), AP_ESETUP);
	ck_assert_ptr_null(s);
	char want[128];
	snprintf(want, sizeof want,
	         "the store has schema version %d, newer than this appui",
	         AP_STORE_SCHEMA + 1);
	ck_assert(said(want));
	ck_assert(said("nothing was changed"));
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), AP_STORE_SCHEMA + 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}
END_TEST

START_TEST(older_schema_migrated_forward)
{
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.create = 1;
	ap_store *s = NULL;
	ck_assert_int_eq(store_open_at(&s, path, &opt, 1, diags), AP_OK);
	ck_assert_int_eq(scalar(s, "PRAGMA user_version"), 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM sqlite_schema WHERE "
	                           "name = 'mission'"),
	                 0);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<1/>"), AP_OK);
	ap_store_close(s);
	s = open_at(NULL);
	ck_assert_int_eq(scalar(s, "PRAGMA user_version"), AP_STORE_SCHEMA);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM sqlite_schema WHERE "
	                           "name IN ('plan', 'mission')"),
	                 2);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM version"), 1);
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM audit WHERE action = "
	                           "'store.migrate'"),
	                 2);
	ap_store_close(s);
}
END_TEST

START_TEST(mission_status_only_moves_forward)
{
	ap_store *s = open_at(NULL);
	exec_ok(s,
	        "INSERT INTO plan (id, campaign_name, campaign, "
	        "campaign_sha256, plan_json, saved_at, saved_by) VALUES (1, "
	        "'c.cfg', x'00', printf('%064d', 0), x'7b7d', 'now', 't');"
	        "INSERT INTO mission (mission_id, plan, case_id, site_id, "
	        "firm, days, first_day, last_day, updated_at) VALUES ('M-1', "
	        "1, 'CF-1', 'S', 'F', 3, '2019-01-07', '2019-01-09', 'now')");
	char *err = NULL;
	sqlite3 *db = store_db(s);
	ck_assert_int_ne(sqlite3_exec(db,
	                              "UPDATE mission SET status = 'held', "
	                              "held_first = '2019-01-07', held_last = "
	                              "'2019-01-09'",
	                              NULL, NULL, &err),
	                 SQLITE_OK);
	ck_assert_ptr_nonnull(strstr(err, "only moves forward"));
	sqlite3_free(err);
	exec_ok(s, "UPDATE mission SET status = 'confirmed'");
	/* Held needs its dates as held. */
	ck_assert_int_ne(sqlite3_exec(db, "UPDATE mission SET status = 'held'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	exec_ok(s, "UPDATE mission SET status = 'held', held_first = "
	           "'2019-01-08', held_last = '2019-01-10'");
	ck_assert_int_ne(sqlite3_exec(db,
	                              "UPDATE mission SET status = 'planned', "
	                              "held_first = NULL, held_last = NULL",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	ap_store_close(s);
}
END_TEST

START_TEST(other_files_are_not_stores)
{
	ap_store *s = NULL;
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.create = 1;
	FILE *f = fopen(path, "w");
	fputs("this is not a database, it is text long enough to be read as "
	      "a header of one hundred bytes or so.........................",
	      f);
	fclose(f);
	ck_assert_int_eq(ap_store_open(&s, path, &opt, diags), AP_ESETUP);
	ck_assert(
	    said("not an appui store: the file is not a SQLite database"));
	unlink(path);
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "CREATE TABLE theirs (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	ck_assert_int_eq(ap_store_open(&s, path, &opt, diags), AP_ESETUP);
	ck_assert(said("a SQLite database of another program"));
	ck_assert_int_eq(ap_store_open(&s, dir, &opt, diags), AP_ESETUP);
	ck_assert(said("not a regular file"));
}
END_TEST

/* A version whose bytes were changed behind the store's back (its
 * append-only trigger dropped) is found by the check and not exported. */
START_TEST(check_finds_a_tampered_body)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<one/>"), AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<two/>"), AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-2", "FIRM-A", "S", "<x/>"), AP_OK);
	ap_store_counts c;
	ck_assert_int_eq(ap_store_check(&c, s, diags), AP_OK);
	ck_assert_uint_eq(c.cases, 2);
	ck_assert_uint_eq(c.versions, 3);
	ck_assert_uint_eq(ap_diags_count(diags), 0);
	exec_ok(s,
	        "DROP TRIGGER version_no_update;"
	        "UPDATE version SET body = CAST('<ONE/>' AS BLOB) WHERE n = 1 "
	        "AND casefile = (SELECT id FROM casefile WHERE case_id = "
	        "'CF-1')");
	ck_assert_int_eq(ap_store_check(&c, s, diags), AP_EINVALID);
	ck_assert_uint_eq(ap_diags_errors(diags), 1);
	ck_assert(said("case CF-1 version 1: its 6 bytes hash to"));
	ck_assert(said("they were changed"));

	char out[160];
	snprintf(out, sizeof out, "%s/export", dir);
	size_t files = 0;
	ck_assert_int_eq(ap_store_export(&files, s, out, 1, diags),
	                 AP_EINVALID);
	ck_assert_uint_eq(files, 2);
	char p[200];
	snprintf(p, sizeof p, "%s/CF-1.v1.xml", out);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/CF-1.v2.xml", out);
	ck_assert_int_eq(access(p, F_OK), 0);
	/* A version numbering gone wrong is found too. */
	exec_ok(s, "UPDATE casefile SET latest = 5 WHERE case_id = 'CF-2'");
	ap_diags_clear(diags);
	ck_assert_int_eq(ap_store_check(&c, s, diags), AP_EINVALID);
	ck_assert(said("case CF-2: 1 versions, numbered up to 1, but its "
	               "latest is 5"));
	ap_store_close(s);
}
END_TEST

static char *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	ck_assert_ptr_nonnull(f);
	char *buf = malloc(1 << 16);
	*n = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

START_TEST(export_latest_and_every_version)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<one/>\n"), AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<two/>\r\n"),
	                 AP_OK);
	ck_assert_int_eq(add(s, &a, "CF-2", "FIRM-A", "S", "<x/>"), AP_OK);
	char out[160], p[200];
	snprintf(out, sizeof out, "%s/latest", dir);
	size_t files, n;
	ck_assert_int_eq(ap_store_export(&files, s, out, 0, diags), AP_OK);
	ck_assert_uint_eq(files, 2);
	snprintf(p, sizeof p, "%s/CF-1.xml", out);
	char *b = slurp(p, &n);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(memcmp(b, "<two/>\r\n", 8), 0);
	free(b);
	snprintf(out, sizeof out, "%s/all", dir);
	ck_assert_int_eq(ap_store_export(&files, s, out, 1, diags), AP_OK);
	ck_assert_uint_eq(files, 3);
	snprintf(p, sizeof p, "%s/CF-1.v1.xml", out);
	b = slurp(p, &n);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(memcmp(b, "<one/>\n", 7), 0);
	free(b);
	/* Only the files: no temporary left beside them. */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 3", out);
	ck_assert_int_eq(system(cmd), 0);
	ap_store_close(s);
}
END_TEST

START_TEST(backup_is_checked_and_self_contained)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<one/>"), AP_OK);
	ck_assert_int_eq(ap_store_account_add(s, "local:t", "acme",
	                                      AP_ROLE_FIRM, "FIRM-A", diags),
	                 AP_OK);
	char copy[128];
	snprintf(copy, sizeof copy, "%s/backup.db", dir);
	ck_assert_int_eq(ap_store_backup(s, copy, diags), AP_OK);
	ck_assert_int_eq(ap_store_backup(s, path, diags), AP_EUSAGE);
	ck_assert(said("this is the store itself"));
	ap_store_close(s);
	struct stat st;
	ck_assert_int_eq(stat(copy, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	size_t n;
	char *head = slurp(copy, &n);
	/* Bytes 18 and 19 of the header: 1 for a rollback journal (2: WAL).
	 */
	ck_assert_int_eq(head[18], 1);
	ck_assert_int_eq(head[19], 1);
	free(head);
	char wal[200];
	snprintf(wal, sizeof wal, "%s-wal", copy);
	ck_assert_int_ne(access(wal, F_OK), 0);
	snprintf(path, sizeof path, "%s", copy);
	s = open_at(NULL);
	ap_store_counts c;
	ck_assert_int_eq(ap_store_check(&c, s, diags), AP_OK);
	ck_assert_uint_eq(c.versions, 1);
	ck_assert_uint_eq(c.accounts, 1);
	ap_store_close(s);
}
END_TEST

/* A full disk (here the store's page limit, which SQLite answers the same
 * way): a clear refusal, nothing of the change, the rest intact, and the
 * next change once there is room. */
START_TEST(full_disk_refused_and_nothing_lost)
{
	ap_store *s = open_at(NULL);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<one/>"), AP_OK);
	long long pages = scalar(s, "PRAGMA page_count");
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
	scalar(s, sql);
	size_t big = 200000;
	char *body = malloc(big);
	memset(body, 'x', big);
	ap_store_upload u = upload("CF-2", "FIRM-A", "S", body, big);
	ck_assert_int_eq(ap_store_add(&a, s, &u, diags), AP_EFULL);
	ck_assert(said("cannot store CF-2: the disk is full: nothing of this "
	               "change was written"));
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM casefile"), 1);
	ap_store_counts c;
	ck_assert_int_eq(ap_store_check(&c, s, diags), AP_OK);
	scalar(s, "PRAGMA max_page_count = 1000000");
	ck_assert_int_eq(ap_store_add(&a, s, &u, diags), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_NEW_CASE);
	free(body);
	ap_store_close(s);
}
END_TEST

/* Another writer holding the store past the busy timeout: AP_EBUSY, said;
 * once it is done, the change goes through. */
START_TEST(busy_store_said_then_written)
{
	ap_store *s = open_at(NULL);
	ap_store_close(s);
	ap_store_options opt = AP_STORE_OPTIONS_INIT;
	opt.busy_timeout_ms = 200;
	ck_assert_int_eq(ap_store_open(&s, path, &opt, diags), AP_OK);
	sqlite3 *other;
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(
	    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	ap_store_added a;
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<one/>"), AP_EBUSY);
	ck_assert(said("the store is busy: another process held it for more "
	               "than 200 ms; try again"));
	sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(other);
	ck_assert_int_eq(add(s, &a, "CF-1", "FIRM-A", "S", "<one/>"), AP_OK);
	ap_store_close(s);
}
END_TEST

/* A file stored only if it is still the one that was checked. */
START_TEST(add_file_checks_the_digest)
{
	ap_store *s = open_at(NULL);
	char p[160];
	snprintf(p, sizeof p, "%s/c.xml", dir);
	FILE *f = fopen(p, "w");
	fputs("<checked/>", f);
	fclose(f);
	char sha[AP_SHA256_HEX];
	ap_sha256_of("<checked/>", 10, sha);
	ap_store_upload u = upload("CF-1", "FIRM-A", "S", NULL, 0);
	u.name = p;
	ap_store_added a;
	ck_assert_int_eq(ap_store_add_file(&a, s, p, sha, &u, diags), AP_OK);
	ck_assert_int_eq(a.outcome, AP_STORE_NEW_CASE);
	f = fopen(p, "w");
	fputs("<changed/>", f);
	fclose(f);
	ck_assert_int_eq(ap_store_add_file(&a, s, p, sha, &u, diags),
	                 AP_EINVALID);
	ck_assert(said("the file changed after it was checked: not stored"));
	ck_assert_int_eq(scalar(s, "SELECT count(*) FROM version"), 1);
	ap_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, created_0600_in_wal_and_missing_refused);
	tcase_add_test(tc, versions_kept_byte_for_byte_and_duplicates);
	tcase_add_test(tc, a_case_belongs_to_its_firm);
	tcase_add_test(tc, a_group_commit);
	tcase_add_test(tc, malformed_uploads_refused);
	tcase_add_test(tc, listings_sorted_and_filtered);
	tcase_add_test(tc, rejected_attempts_keep_no_body);
	tcase_add_test(tc, accounts_and_tokens_hashed);
	tcase_add_test(tc, audit_row_in_the_same_transaction);
	tcase_add_test(tc, versions_and_audit_are_append_only);
	tcase_add_test(tc, newer_schema_refused);
	tcase_add_test(tc, older_schema_migrated_forward);
	tcase_add_test(tc, mission_status_only_moves_forward);
	tcase_add_test(tc, other_files_are_not_stores);
	tcase_add_test(tc, check_finds_a_tampered_body);
	tcase_add_test(tc, export_latest_and_every_version);
	tcase_add_test(tc, backup_is_checked_and_self_contained);
	tcase_add_test(tc, full_disk_refused_and_nothing_lost);
	tcase_add_test(tc, busy_store_said_then_written);
	tcase_add_test(tc, add_file_checks_the_digest);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
