/*
 * Fuzz target: an HTTP request through the service's handling (everything
 * after libmicrohttpd has split it into a method, a path, headers,
 * arguments, cookies and a body): the pre-check, the sign-in, the routing,
 * the API, the pages and the uploads, over a real store and worker pool
 * made once per process.
 *
 * The input is text:
 *   METHOD PATH\n
 *   then lines "H name: value", "A name=value" or "C name=value"\n
 *   then an empty line, then the body.
 * In a header, argument or cookie value, "$FIRM" and "$COORD" stand for the
 * tokens of a firm's and a coordinator's account (random, so a fuzzer
 * could never guess them). The store keeps what the uploads add.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <appui/pool.h>
#include <appui/service.h>
#include <appui/store.h>

#include "fuzz_common.h"
#include "service_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_KV 32

static svc *service;
static ap_pool *pool;
static char firm_token[AP_STORE_TOKEN_SIZE], coord_token[AP_STORE_TOKEN_SIZE];

static void die(const char *what)
{
	fprintf(stderr, "fuzz_service: %s\n", what);
	abort();
}

/* A saved plan P1 with one mission, P1-M-001, for the follow-up's
 * requests to find. */
static int save_plan(ap_store *st, ap_diags *d)
{
	ap_store_mission_in m = {NULL,
	                         1,
	                         "CF-2016-004",
	                         "GH-BOIS-FLEURI",
	                         "FIRM-ARGOS",
	                         3,
	                         "2019-09-02,2019-09-03,2019-09-04",
	                         AP_MISSION_PLANNED,
	                         0};
	ap_store_plan_in in = AP_STORE_PLAN_INIT;
	in.id = 1;
	in.campaign_name = "campaign.cfg";
	in.campaign = "id = \"C\";";
	in.campaign_len = 9;
	in.plan_json = "{\"missions\":[]}";
	in.plan_json_len = 15;
	in.actor = "fuzz";
	in.missions = &m;
	in.n_missions = 1;
	long long id;
	return ap_store_plan_save(&id, st, &in, d);
}

static void setup(void)
{
	ap_diags *d = ap_diags_new();
	ap_pool_options po = AP_POOL_OPTIONS_INIT;
	po.workers = 1;
	po.parts = AP_POOL_JSON | AP_POOL_ROW | AP_POOL_META;
	po.ordered = 0;
	if (ap_pool_new(&pool, fz_reader(), fz_default_host(), &po, d) != AP_OK)
		die("no worker pool");
	ap_store_options so = AP_STORE_OPTIONS_INIT;
	so.create = 1;
	so.now = "2024-03-01T09:00:00Z";
	static const char *db;
	static ap_store *st;
	db = fz_scratch_path("s.db");
	if (ap_store_open(&st, db, &so, d) != AP_OK ||
	    ap_store_account_add(st, "fuzz", "firm", AP_ROLE_FIRM, "FIRM-ARGOS",
	                         d) != AP_OK ||
	    ap_store_account_add(st, "fuzz", "coord", AP_ROLE_COORDINATOR, NULL,
	                         d) != AP_OK ||
	    ap_store_token_new(firm_token, st, "fuzz", "firm", d) != AP_OK ||
	    ap_store_token_new(coord_token, st, "fuzz", "coord", d) != AP_OK ||
	    save_plan(st, d) != AP_OK)
		die("no store");
	ap_service_options opt = AP_SERVICE_OPTIONS_INIT;
	opt.max_body_bytes = 100000;
	opt.sign_in_failures = 1000000;
	static volatile sig_atomic_t never;
	opt.stop = &never;
	service = svc_new(st, pool, &opt);
	ap_diags_free(d);
}

/* `v` with $FIRM and $COORD replaced, into `out`. */
static const char *expand(const char *v, char *out, size_t cap)
{
	const char *tok = strstr(v, "$FIRM")    ? firm_token
	                  : strstr(v, "$COORD") ? coord_token
	                                        : NULL;
	if (!tok)
		return v;
	const char *at = strchr(v, '$');
	snprintf(out, cap, "%.*s%s%s", (int)(at - v), v, tok,
	         at + (tok == firm_token ? 5 : 6));
	return out;
}

typedef struct parsed {
	char *text;
	svc_kv headers[MAX_KV], args[MAX_KV], cookies[MAX_KV];
	char values[3 * MAX_KV][160];
	size_t n_headers, n_args, n_cookies, n_values;
	svc_request q;
} parsed;

static void add(parsed *p, char kind, char *line)
{
	char sep = kind == 'H' ? ':' : '=';
	char *eq = strchr(line, sep);
	if (!eq || p->n_values == 3 * MAX_KV)
		return;
	*eq = '\0';
	char *v = eq + 1;
	while (*v == ' ')
		v++;
	const char *val = expand(v, p->values[p->n_values], 160);
	if (val != v)
		p->n_values++;
	svc_kv *kv = kind == 'H'   ? p->headers
	             : kind == 'A' ? p->args
	                           : p->cookies;
	size_t *n = kind == 'H'   ? &p->n_headers
	            : kind == 'A' ? &p->n_args
	                          : &p->n_cookies;
	if (*n < MAX_KV)
		kv[(*n)++] = (svc_kv){line, val};
}

/* Splits the input; 0 when it has no request line. */
static int parse(parsed *p, const uint8_t *data, size_t size)
{
	memset(p, 0, sizeof(*p));
	p->text = malloc(size + 1);
	memcpy(p->text, data, size);
	p->text[size] = '\0';
	char *end = p->text + size, *line = p->text;
	char *nl = memchr(line, '\n', size);
	if (!nl)
		return 0;
	*nl = '\0';
	char *sp = strchr(line, ' ');
	if (!sp)
		return 0;
	*sp = '\0';
	p->q.method = line;
	p->q.path = sp + 1;
	for (line = nl + 1; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		*nl = '\0';
		if (!*line) {
			line = nl + 1;
			break;
		}
		if ((line[0] == 'H' || line[0] == 'A' || line[0] == 'C') &&
		    line[1] == ' ')
			add(p, line[0], line + 2);
	}
	p->q.headers = p->headers;
	p->q.args = p->args;
	p->q.cookies = p->cookies;
	p->q.n_headers = p->n_headers;
	p->q.n_args = p->n_args;
	p->q.n_cookies = p->n_cookies;
	p->q.body = line < end ? line : "";
	p->q.body_len = line < end ? (size_t)(end - line) : 0;
	p->q.peer = "127.0.0.1";
	return 1;
}

/* Drives the pool until the request's job is answered. */
static svc_response *wait_for(void *conn)
{
	ap_diags *d = ap_diags_new();
	svc_response *r = NULL;
	for (int i = 0; i < 100000 && !r; i++) {
		svc_done done[8];
		size_t n = svc_collect(service, done, 8);
		for (size_t k = 0; k < n; k++) {
			if (done[k].conn == conn)
				r = done[k].resp;
			else
				svc_response_free(done[k].resp);
		}
		/* libFuzzer's own timers may interrupt the wait: go on. */
		int rc = r ? AP_OK : ap_pool_wait(pool, 1000, d);
		if (rc != AP_OK && rc != AP_EINTERRUPTED)
			die("the pool stopped");
	}
	ap_diags_free(d);
	if (!r)
		die("a job was never answered");
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!service)
		setup();
	parsed p;
	static int conn;
	if (parse(&p, data, size)) {
		svc_response *r = svc_precheck(service, &p.q, 100000);
		if (!r && p.q.body_len <= 100000) {
			r = svc_handle(service, &p.q, &conn);
			if (!r)
				r = wait_for(&conn);
		}
		if (r && (r->status < 200 || r->status >= 600))
			die("an answer that is not an HTTP status");
		if (r && r->status >= 500 && r->status != 503 &&
		    r->status != 507)
			die("a 500 on a request");
		svc_response_free(r);
	}
	free(p.text);
	return 0;
}
