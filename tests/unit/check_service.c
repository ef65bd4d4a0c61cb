/* Unit tests of the service's request handling (service_*.c, without HTTP):
 * the checks made on the headers alone, who is asking (tokens, malformed
 * headers, sessions, CSRF, failed sign-ins), the routes, uploads through a
 * real worker pool into a real store, what a firm may see, HTML escaping
 * and the scores kept per digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service_impl.h"
#include "testutil.h"

static char dir[64], path[160];
static ap_diags *diags;
static ap_store *store;
static ap_pool *pool;
static svc *service;
static char firm_tok[AP_STORE_TOKEN_SIZE], other_tok[AP_STORE_TOKEN_SIZE],
    coord_tok[AP_STORE_TOKEN_SIZE];
static char auth_firm[80], auth_other[80], auth_coord[80];
static volatile sig_atomic_t never;
static ap_config *cfg;
static ap_host *host;
static ap_reader *reader;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_service_XXXXXX");
	ck_assert_ptr_nonnull(tu_mkdtemp(dir));
	snprintf(path, sizeof path, "%s/s.db", dir);
	diags = ap_diags_new();
	ap_pool_options po = AP_POOL_OPTIONS_INIT;
	po.workers = 1;
	po.parts = AP_POOL_JSON | AP_POOL_ROW | AP_POOL_META;
	po.ordered = 0;
	host = tu_host(&cfg);
	reader = tu_reader();
	ck_assert_int_eq(ap_pool_new(&pool, reader, host, &po, diags), AP_OK);
	ap_store_options so = AP_STORE_OPTIONS_INIT;
	so.create = 1;
	ck_assert_int_eq(ap_store_open(&store, path, &so, diags), AP_OK);
	ck_assert_int_eq(ap_store_account_add(store, "t", "argos", AP_ROLE_FIRM,
	                                      "FIRM-ARGOS", diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_account_add(store, "t", "traj", AP_ROLE_FIRM,
	                                      "FIRM-TRAJECTOIRES", diags),
	                 AP_OK);
	ck_assert_int_eq(ap_store_account_add(store, "t", "carol",
	                                      AP_ROLE_COORDINATOR, NULL, diags),
	                 AP_OK);
	ck_assert_int_eq(
	    ap_store_token_new(firm_tok, store, "t", "argos", diags), AP_OK);
	ck_assert_int_eq(
	    ap_store_token_new(other_tok, store, "t", "traj", diags), AP_OK);
	ck_assert_int_eq(
	    ap_store_token_new(coord_tok, store, "t", "carol", diags), AP_OK);
	snprintf(auth_firm, sizeof auth_firm, "Bearer %s", firm_tok);
	snprintf(auth_other, sizeof auth_other, "Bearer %s", other_tok);
	snprintf(auth_coord, sizeof auth_coord, "Bearer %s", coord_tok);
	ap_service_options opt = AP_SERVICE_OPTIONS_INIT;
	opt.sign_in_failures = 3;
	opt.max_problems = 2;
	opt.stop = &never;
	service = svc_new(store, pool, &opt);
}

static void teardown(void)
{
	svc_free(service);
	ap_store_close(store);
	ap_pool_free(pool);
	ap_reader_free(reader);
	ap_host_free(host);
	ap_config_free(cfg);
	ap_diags_free(diags);
}

/* A request: "NAME: value" headers, then its body. */
typedef struct req {
	svc_kv headers[4], args[4], cookies[2];
	svc_request q;
} req;

static svc_request *make(req *r, const char *method, const char *p,
                         const char *auth)
{
	memset(r, 0, sizeof(*r));
	r->q.method = method;
	r->q.path = p;
	r->q.headers = r->headers;
	r->q.args = r->args;
	r->q.cookies = r->cookies;
	r->q.body = "";
	r->q.peer = "192.0.2.7";
	if (auth)
		r->headers[r->q.n_headers++] = (svc_kv){"Authorization", auth};
	return &r->q;
}

static void header(req *r, const char *name, const char *value)
{
	r->headers[r->q.n_headers++] = (svc_kv){name, value};
}

static void arg(req *r, const char *name, const char *value)
{
	r->args[r->q.n_args++] = (svc_kv){name, value};
}

/* The answer to `q`, driving the pool when it waits for it. */
static svc_response *answer(svc_request *q)
{
	static int conn;
	svc_response *r = svc_handle(service, q, &conn);
	for (int i = 0; !r && i < 1000; i++) {
		svc_done done[4];
		size_t n = svc_collect(service, done, 4);
		for (size_t k = 0; k < n; k++)
			r = done[k].resp;
		if (!r)
			ck_assert_int_eq(ap_pool_wait(pool, 1000, diags),
			                 AP_OK);
	}
	ck_assert_ptr_nonnull(r);
	return r;
}

static int status_of(svc_request *q)
{
	svc_response *r = answer(q);
	int s = r->status;
	svc_response_free(r);
	return s;
}

static char *example(const char *name, size_t *len)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", APPUI_TEST_EXAMPLES, name);
	FILE *f = fopen(p, "rb");
	ck_assert_ptr_nonnull(f);
	static char buf[65536];
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

static svc_response *upload(const char *auth, const char *file)
{
	req r;
	svc_request *q = make(&r, "POST", "/v1/casefiles", auth);
	header(&r, "Content-Type", "application/xml");
	arg(&r, "name", file);
	q->body = example(file, &q->body_len);
	return answer(q);
}

START_TEST(refused_on_headers)
{
	req r;
	svc_request *q = make(&r, "POST", "/v1/casefiles", auth_firm);
	header(&r, "Content-Length", "20000000");
	svc_response *a = svc_precheck(service, q, 10000000);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->status, 413);
	ck_assert_str_eq(a->type, "application/problem+json");
	ck_assert_ptr_nonnull(strstr(a->body.data, "\"text\":\"the body is "
	                                           "20000000 bytes"));
	svc_response_free(a);
	make(&r, "POST", "/v1/casefiles", auth_firm);
	header(&r, "Content-Length", "12x");
	a = svc_precheck(service, &r.q, 10000000);
	ck_assert_int_eq(a->status, 400);
	svc_response_free(a);
	make(&r, "GET", "/v1/casefiles", auth_firm);
	ck_assert_ptr_null(svc_precheck(service, &r.q, 10000000));
}
END_TEST

START_TEST(who_is_asking)
{
	req r;
	ck_assert_int_eq(status_of(make(&r, "GET", "/v1/casefiles", NULL)),
	                 401);
	ck_assert_int_eq(
	    status_of(make(&r, "GET", "/v1/casefiles", "Basic YTpi")), 401);
	ck_assert_int_eq(
	    status_of(make(&r, "GET", "/v1/casefiles", "Bearer a b")), 401);
	ck_assert_int_eq(status_of(make(&r, "GET", "/v1/casefiles", auth_firm)),
	                 200);
	ck_assert_int_eq(status_of(make(&r, "GET", "/healthz", NULL)), 200);
	ck_assert_int_eq(status_of(make(&r, "GET", "/v1/nothing", auth_firm)),
	                 404);
	ck_assert_int_eq(
	    status_of(make(&r, "DELETE", "/v1/casefiles/X", auth_firm)), 405);
	/* Three unknown tokens from one address: then 429, even for a good
	 * one from there, and not from elsewhere. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(
		    status_of(make(&r, "GET", "/v1/casefiles", "Bearer nope")),
		    401);
	svc_response *a = answer(make(&r, "GET", "/v1/casefiles", auth_firm));
	ck_assert_int_eq(a->status, 429);
	ck_assert_str_eq(a->extra[0].name, "Retry-After");
	svc_response_free(a);
	make(&r, "GET", "/v1/casefiles", auth_firm);
	r.q.peer = "192.0.2.8";
	ck_assert_int_eq(status_of(&r.q), 200);
}
END_TEST

START_TEST(uploads)
{
	svc_response *a = upload(auth_firm, "cf-2016-004-gh-bois-fleuri.xml");
	ck_assert_int_eq(a->status, 201);
	ck_assert_str_eq(a->extra[0].value,
	                 "/v1/casefiles/CF-2016-004/versions/1");
	ck_assert_ptr_nonnull(strstr(a->body.data, "\"outcome\":\"new_case\""));
	/* The scores are the command's text, byte for byte. */
	ck_assert_ptr_nonnull(strstr(a->body.data, "\"scores\":{\"file\":"
	                                           "\"cf-2016-004-gh-bois-"
	                                           "fleuri.xml\""));
	svc_response_free(a);
	a = upload(auth_firm, "cf-2016-004-gh-bois-fleuri.xml");
	ck_assert_int_eq(a->status, 200);
	ck_assert_ptr_nonnull(
	    strstr(a->body.data, "\"outcome\":\"duplicate\""));
	svc_response_free(a);
	/* Another firm's file; a coordinator's upload. */
	a = upload(auth_firm, "cf-2016-002-ssdh-cedres.xml");
	ck_assert_int_eq(a->status, 403);
	ck_assert_ptr_nonnull(strstr(a->body.data, "diagnostic/@firm"));
	svc_response_free(a);
	a = upload(auth_coord, "cf-2016-002-ssdh-cedres.xml");
	ck_assert_int_eq(a->status, 403);
	svc_response_free(a);
	/* Not XML: 400; the wrong type: 415. */
	req r;
	svc_request *q = make(&r, "POST", "/v1/casefiles", auth_firm);
	header(&r, "Content-Type", "application/xml");
	q->body = "\x01\x02 not xml";
	q->body_len = 11;
	ck_assert_int_eq(status_of(q), 400);
	q = make(&r, "POST", "/v1/casefiles", auth_firm);
	header(&r, "Content-Type", "text/plain");
	q->body = "<x/>";
	q->body_len = 4;
	ck_assert_int_eq(status_of(q), 415);
}
END_TEST

START_TEST(another_firms_case_is_not_there)
{
	svc_response_free(upload(auth_firm, "cf-2016-004-gh-bois-fleuri.xml"));
	req r;
	svc_response *a =
	    answer(make(&r, "GET", "/v1/casefiles/CF-2016-004", auth_other));
	ck_assert_int_eq(a->status, 404);
	svc_response_free(a);
	a = answer(make(&r, "GET", "/v1/casefiles", auth_other));
	ck_assert_int_eq(a->status, 200);
	ck_assert_ptr_null(strstr(a->body.data, "CF-2016-004"));
	svc_response_free(a);
	a = answer(make(&r, "GET", "/v1/casefiles/CF-2016-004", auth_coord));
	ck_assert_int_eq(a->status, 200);
	ck_assert_ptr_nonnull(strstr(a->body.data, "\"latest_version\":1"));
	svc_response_free(a);
	ck_assert_int_eq(status_of(make(&r, "GET", "/v1/scores", auth_firm)),
	                 403);
	ck_assert_int_eq(status_of(make(&r, "GET", "/v1/scores", auth_coord)),
	                 200);
	ck_assert_int_eq(
	    status_of(make(&r, "GET", "/v1/casefiles/%2e%2e", auth_coord)),
	    404);
}
END_TEST

START_TEST(sessions_and_csrf)
{
	req r;
	char body[128];
	snprintf(body, sizeof body, "token=%s", firm_tok);
	svc_request *q = make(&r, "POST", "/signin", NULL);
	q->body = body;
	q->body_len = strlen(body);
	svc_response *a = answer(q);
	ck_assert_int_eq(a->status, 303);
	const char *cookie = NULL;
	for (size_t i = 0; i < a->n_extra; i++)
		if (strcmp(a->extra[i].name, "Set-Cookie") == 0)
			cookie = a->extra[i].value;
	ck_assert_ptr_nonnull(cookie);
	ck_assert_ptr_nonnull(strstr(cookie, "; HttpOnly; SameSite=Strict"));
	ck_assert_ptr_null(strstr(cookie, "Secure"));
	char id[64];
	ck_assert_int_eq(sscanf(cookie, "appui_session=%63[^;]", id), 1);
	svc_response_free(a);
	/* The firm's page, with the session's CSRF token in it. */
	q = make(&r, "GET", "/", NULL);
	r.cookies[r.q.n_cookies++] = (svc_kv){"appui_session", id};
	a = answer(q);
	ck_assert_int_eq(a->status, 200);
	ck_assert_ptr_nonnull(strstr(a->body.data, "id=\"drop\""));
	char csrf[64];
	const char *m = strstr(a->body.data, "name=\"csrf\" content=\"");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(sscanf(m, "name=\"csrf\" content=\"%63[^\"]", csrf),
	                 1);
	svc_response_free(a);
	/* An upload by the cookie without the token is refused. */
	q = make(&r, "POST", "/v1/casefiles", NULL);
	r.cookies[r.q.n_cookies++] = (svc_kv){"appui_session", id};
	header(&r, "Content-Type", "application/xml");
	q->body = example("cf-2016-004-gh-bois-fleuri.xml", &q->body_len);
	ck_assert_int_eq(status_of(q), 403);
	header(&r, "X-CSRF-Token", csrf);
	ck_assert_int_eq(status_of(q), 201);
	/* A wrong token signs in no one. */
	q = make(&r, "POST", "/signin", NULL);
	q->body = "token=AAAA";
	q->body_len = 10;
	ck_assert_int_eq(status_of(q), 401);
}
END_TEST

START_TEST(html_is_escaped)
{
	ap_buf b;
	ap_buf_init(&b);
	svc_html_text(&b, "<script>alert('x')</script>&\"");
	ck_assert_str_eq(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/"
	                         "script&gt;&amp;&quot;");
	ap_buf_free(&b);
}
END_TEST

START_TEST(paging)
{
	svc_response_free(upload(auth_firm, "cf-2016-004-gh-bois-fleuri.xml"));
	svc_response_free(upload(auth_firm, "cf-2017-002-logirep-erables.xml"));
	req r;
	svc_request *q = make(&r, "GET", "/v1/casefiles", auth_coord);
	arg(&r, "limit", "1");
	svc_response *a = answer(q);
	ck_assert_ptr_nonnull(strstr(a->body.data, "\"next_cursor\":"
	                                           "\"CF-2016-004\""));
	svc_response_free(a);
	arg(&r, "cursor", "CF-2016-004");
	a = answer(q);
	ck_assert_ptr_nonnull(strstr(a->body.data, "CF-2017-002"));
	ck_assert_ptr_nonnull(strstr(a->body.data, "\"next_cursor\":null"));
	svc_response_free(a);
	q = make(&r, "GET", "/v1/casefiles", auth_coord);
	arg(&r, "limit", "0");
	ck_assert_int_eq(status_of(q), 400);
	q = make(&r, "GET", "/v1/casefiles", auth_coord);
	arg(&r, "site", "x' OR 1=1 --");
	ck_assert_int_eq(status_of(q), 400);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("service");
	TCase *tc = tcase_create("handling");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, refused_on_headers);
	tcase_add_test(tc, who_is_asking);
	tcase_add_test(tc, uploads);
	tcase_add_test(tc, another_firms_case_is_not_there);
	tcase_add_test(tc, sessions_and_csrf);
	tcase_add_test(tc, html_is_escaped);
	tcase_add_test(tc, paging);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
