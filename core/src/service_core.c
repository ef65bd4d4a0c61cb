/*
 * The service's requests, routed: who is asking, then what they ask for.
 * Responses, look-ups and the jobs that wait for the worker pool.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "appui/mission.h"
#include "jsonout.h"
#include "service_impl.h"

/* ---- responses ----------------------------------------------------------- */

void svc_response_init(svc_response *r)
{
	memset(r, 0, sizeof(*r));
	ap_buf_init(&r->body);
	r->type = "text/plain; charset=utf-8";
}

void svc_response_free(svc_response *r)
{
	if (!r)
		return;
	ap_buf_free(&r->body);
	for (size_t i = 0; i < r->n_extra; i++) {
		free((char *)r->extra[i].name);
		free((char *)r->extra[i].value);
	}
	free(r);
}

static svc_response *response_new(void)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	return r;
}

void svc_response_header(svc_response *r, const char *name, const char *value)
{
	if (r->n_extra == SVC_MAX_EXTRA)
		return;
	r->extra[r->n_extra].name = ap_xstrdup(name);
	r->extra[r->n_extra].value = ap_xstrdup(value);
	r->n_extra++;
}

void svc_response_json(svc_response *r, int status, void *value)
{
	json_t *j = value;
	r->status = status;
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text)
		ap_oom();
	ap_buf_reset(&r->body);
	ap_buf_puts(&r->body, text);
	ap_buf_putc(&r->body, '\n');
	free(text);
	json_decref(j);
	if (!strstr(r->type, "problem"))
		r->type = "application/json";
}

void svc_response_json_with(svc_response *r, int status, void *value,
                            const char *key, const char *raw)
{
	svc_response_json(r, status, value);
	if (!raw || r->body.len < 3)
		return;
	/* "...}\n": the raw JSON text goes in before the closing brace, as it
	 * is (a parse and a dump would rewrite its numbers). */
	r->body.len -= 2;
	ap_buf_printf(&r->body, ",\"%s\":", key);
	ap_buf_puts(&r->body, raw);
	ap_buf_puts(&r->body, "}\n");
}

void svc_problem(svc_response *r, int status, const char *title,
                 const char *text)
{
	json_t *j = json_object();
	json_object_set_new(j, "type", json_string("about:blank"));
	json_object_set_new(j, "title", jsonout_str(title));
	json_object_set_new(j, "status", json_integer(status));
	json_object_set_new(j, "detail", jsonout_str(text));
	json_object_set_new(j, "text", jsonout_str(text));
	r->type = "application/problem+json";
	svc_response_json(r, status, j);
}

static svc_response *problem(int status, const char *title, const char *text)
{
	svc_response *r = response_new();
	svc_problem(r, status, title, text);
	return r;
}

void svc_store_problem(svc_response *r, int rc, const ap_diags *d)
{
	const ap_diag *g = ap_diags_count(d) ? ap_diags_at(d, 0) : NULL;
	const char *text = g ? g->message : "the store cannot be used";
	switch (rc) {
	case AP_EFULL:
		svc_problem(r, 507, "Insufficient Storage", text);
		break;
	case AP_EBUSY:
		svc_problem(r, 503, "Service Unavailable", text);
		svc_response_header(r, "Retry-After", "5");
		break;
	default:
		svc_problem(r, 500, "Internal Server Error", text);
	}
}

void *svc_problems_json(const ap_diags *d, size_t from, size_t max,
                        int *truncated)
{
	json_t *a = json_array();
	*truncated = 0;
	for (size_t i = from; i < ap_diags_count(d); i++) {
		if (json_array_size(a) == max) {
			*truncated = 1;
			break;
		}
		const ap_diag *g = ap_diags_at(d, i);
		char *text = ap_diag_text(g);
		json_t *p = json_object();
		json_object_set_new(
		    p, "severity",
		    json_string(g->severity == AP_ERROR ? "error" : "warning"));
		json_object_set_new(p, "line", json_integer(g->line));
		json_object_set_new(p, "field", jsonout_str(g->field));
		json_object_set_new(p, "message", jsonout_str(g->message));
		json_object_set_new(p, "text", jsonout_str(text));
		json_array_append_new(a, p);
		free(text);
	}
	return a;
}

void svc_html_text(ap_buf *b, const char *s)
{
	ap_buf_html(b, s);
}

/* ---- look-ups ------------------------------------------------------------ */

static const char *lookup(const svc_kv *kv, size_t n, const char *name,
                          int fold)
{
	for (size_t i = 0; i < n; i++)
		if (kv[i].name && (fold ? strcasecmp(kv[i].name, name)
		                        : strcmp(kv[i].name, name)) == 0)
			return kv[i].value ? kv[i].value : "";
	return NULL;
}

const char *svc_header(const svc_request *q, const char *name)
{
	return lookup(q->headers, q->n_headers, name, 1);
}

const char *svc_arg(const svc_request *q, const char *name)
{
	return lookup(q->args, q->n_args, name, 0);
}

const char *svc_cookie(const svc_request *q, const char *name)
{
	return lookup(q->cookies, q->n_cookies, name, 0);
}

/* ---- jobs ---------------------------------------------------------------- */

svc_job *svc_job_new(svc_job_kind kind, const svc_caller *c, void *conn)
{
	svc_job *j = ap_xcalloc(1, sizeof(*j));
	j->kind = kind;
	j->caller = *c;
	j->conn = conn;
	return j;
}

void svc_job_free(svc_job *j)
{
	if (!j)
		return;
	free(j->tasks);
	free(j->name);
	free(j->body);
	free(j->page);
	if (j->result)
		ap_pool_result_free(j->result);
	svc_listed_free(j->listed, j->n_listed);
	ap_saved_missions_free(j->missions);
	free(j);
}

void svc_job_score_listed(svc *s, svc_job *j)
{
	for (size_t i = 0; i < j->n_listed; i++)
		svc_job_score(s, j, j->listed[i].name, j->listed[i].body,
		              j->listed[i].body_len, j->listed[i].sha256);
}

svc_response *svc_job_list(svc *s, svc_job *j, const char *site)
{
	ap_diags *d = ap_diags_new();
	int rc =
	    svc_list_latest(s, &j->caller, site, &j->listed, &j->n_listed, d);
	svc_response *r = NULL;
	if (rc != AP_OK) {
		r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		svc_store_problem(r, rc, d);
		svc_job_free(j);
	}
	ap_diags_free(d);
	return r;
}

svc_response *svc_job_go(svc *s, svc_job *j,
                         svc_response *(*finish)(svc *s, svc_job *j))
{
	svc_job_score_listed(s, j);
	if (!j->n_tasks)
		return finish(s, j);
	svc_job_wait(s, j);
	return NULL;
}

void svc_job_score(svc *s, svc_job *j, const char *name, const void *body,
                   size_t len, const char *sha256)
{
	if (sha256 && svc_cache_get(s->cache, sha256))
		return;
	j->tasks = ap_xrealloc(j->tasks, (j->n_tasks + 1) * sizeof(*j->tasks));
	svc_task *t = &j->tasks[j->n_tasks++];
	memset(t, 0, sizeof(*t));
	if (sha256)
		snprintf(t->sha256, sizeof t->sha256, "%s", sha256);
	ap_pool_submit_bytes(&t->id, s->pool, name, body, len);
}

void svc_job_wait(svc *s, svc_job *job)
{
	job->next = s->jobs;
	s->jobs = job;
	s->n_jobs++;
}

size_t svc_jobs(const svc *s)
{
	return s->n_jobs;
}

static svc_response *job_finish(svc *s, svc_job *j)
{
	switch (j->kind) {
	case SVC_JOB_UPLOAD:
		return svc_upload_finish(s, j);
	case SVC_JOB_PAGE:
		return svc_page_finish(s, j);
	case SVC_JOB_FOLLOWUP:
	case SVC_JOB_HISTORY:
		return svc_follow_finish(s, j);
	default:
		return svc_api_finish(s, j);
	}
}

/* The account a response was for, for the log line. */
static svc_response *for_account(svc_response *r, const svc_caller *c)
{
	if (r)
		snprintf(r->who, sizeof r->who, "%s", c->account.name);
	return r;
}

/* Gives result `r` to the task waiting for it; 1 when its job is done. */
static svc_job *give_result(svc *s, ap_pool_result *r)
{
	for (svc_job *j = s->jobs; j; j = j->next)
		for (size_t i = 0; i < j->n_tasks; i++) {
			svc_task *t = &j->tasks[i];
			if (t->id != r->id || t->done)
				continue;
			t->done = 1;
			j->n_done++;
			if (j->kind == SVC_JOB_UPLOAD)
				j->result = r;
			else {
				svc_cache_put(s->cache, t->sha256, r);
				ap_pool_result_free(r);
			}
			return j->n_done == j->n_tasks ? j : NULL;
		}
	ap_pool_result_free(r); /* its connection went away */
	return NULL;
}

static void unlink_job(svc *s, svc_job *job)
{
	for (svc_job **p = &s->jobs; *p; p = &(*p)->next)
		if (*p == job) {
			*p = job->next;
			s->n_jobs--;
			return;
		}
}

/* The uploads of one turn are stored in one transaction (one flush to the
 * disk for all, a group commit) and acknowledged only once it is on the
 * disk; if it fails, each of them is answered as the store failed. */
static void commit_uploads(svc *s, svc_done *done, size_t n, const int *stored)
{
	ap_diags *d = ap_diags_new();
	int rc = ap_store_batch_commit(s->store, d);
	for (size_t i = 0; rc != AP_OK && i < n; i++) {
		if (!stored[i] || done[i].resp->status != 201)
			continue;
		char who[AP_STORE_NAME_SIZE];
		memcpy(who, done[i].resp->who, sizeof who);
		svc_response_free(done[i].resp);
		done[i].resp = response_new();
		svc_store_problem(done[i].resp, rc, d);
		memcpy(done[i].resp->who, who, sizeof who);
	}
	ap_diags_free(d);
}

size_t svc_collect(svc *s, svc_done *done, size_t cap)
{
	size_t n = 0;
	int batch = 0;
	int stored[64];
	if (cap > 64)
		cap = 64;
	ap_pool_result *r;
	while (n < cap && ap_pool_take(&r, s->pool)) {
		svc_job *j = give_result(s, r);
		if (!j)
			continue;
		unlink_job(s, j);
		if (j->conn && j->kind == SVC_JOB_UPLOAD && !batch) {
			ap_diags *d = ap_diags_new();
			batch = ap_store_batch_begin(s->store, d) == AP_OK;
			ap_diags_free(d);
		}
		if (j->conn) {
			done[n].conn = j->conn;
			done[n].resp =
			    for_account(job_finish(s, j), &j->caller);
			stored[n] = j->kind == SVC_JOB_UPLOAD;
			n++;
		}
		svc_job_free(j);
	}
	if (batch)
		commit_uploads(s, done, n, stored);
	return n;
}

void svc_forget(svc *s, void *conn)
{
	for (svc_job *j = s->jobs; j; j = j->next)
		if (j->conn == conn)
			j->conn =
			    NULL; /* its results are dropped as they come */
	/* A job of no one's with every result back is freed here. */
	for (svc_job **p = &s->jobs; *p;) {
		svc_job *j = *p;
		if (!j->conn && j->n_done == j->n_tasks) {
			*p = j->next;
			s->n_jobs--;
			svc_job_free(j);
		} else
			p = &j->next;
	}
}

/* ---- the service ----------------------------------------------------------
 */

svc *svc_new(ap_store *store, ap_pool *pool, const ap_service_options *opt)
{
	svc *s = ap_xcalloc(1, sizeof(*s));
	s->store = store;
	s->pool = pool;
	s->opt = *opt;
	s->cache = svc_cache_new();
	s->auth = svc_auth_new();
	return s;
}

void svc_free(svc *s)
{
	if (!s)
		return;
	while (s->jobs) {
		svc_job *j = s->jobs;
		s->jobs = j->next;
		svc_job_free(j);
	}
	svc_cache_free(s->cache);
	svc_auth_free(s->auth);
	free(s);
}

static int is_api(const char *path)
{
	return strncmp(path, "/v1/", 4) == 0 || strcmp(path, "/v1") == 0;
}

static int method_is(const svc_request *q, const char *m)
{
	return strcmp(q->method, m) == 0;
}

svc_response *svc_precheck(svc *s, const svc_request *q, size_t body_limit)
{
	(void)s;
	if (!method_is(q, "POST"))
		return NULL;
	const char *len = svc_header(q, "Content-Length");
	if (len) {
		char *end;
		unsigned long long v = strtoull(len, &end, 10);
		if (!isdigit((unsigned char)*len) || *end)
			return problem(400, "Bad Request",
			               "Content-Length is not a number");
		if (v > body_limit) {
			char text[160];
			snprintf(text, sizeof text,
			         "the body is %llu bytes, more than the %zu "
			         "this service takes",
			         v, body_limit);
			return problem(413, "Content Too Large", text);
		}
	}
	return NULL;
}

svc_response *svc_stopping(void)
{
	svc_response *r = problem(503, "Service Unavailable",
	                          "the service is stopping; send it again "
	                          "in a moment");
	svc_response_header(r, "Retry-After", "5");
	return r;
}

static svc_response *not_found(void)
{
	return problem(404, "Not Found", "no such resource");
}

static svc_response *route_api(svc *s, const svc_request *q,
                               const svc_caller *c, void *conn)
{
	if (strcmp(q->path, "/v1/casefiles") == 0 && method_is(q, "POST"))
		return svc_upload_begin(s, q, c, conn);
	const char *mission = "/v1/missions/";
	if (strncmp(q->path, mission, strlen(mission)) == 0 &&
	    method_is(q, "POST"))
		return svc_follow_post(s, q, c, q->path + strlen(mission));
	if (!method_is(q, "GET") && !method_is(q, "HEAD")) {
		svc_response *r =
		    problem(405, "Method Not Allowed",
		            "this resource is read with GET only");
		svc_response_header(r, "Allow", "GET, HEAD");
		return r;
	}
	return svc_api_get(s, q, c, conn);
}

svc_response *svc_handle(svc *s, const svc_request *q, void *conn)
{
	if (strcmp(q->path, "/healthz") == 0) {
		svc_response *r = response_new();
		ap_diags *d = ap_diags_new();
		int rc = ap_store_ping(s->store, d);
		if (rc == AP_OK) {
			r->status = 200;
			ap_buf_puts(&r->body, "ok\n");
		} else
			svc_store_problem(r, rc, d);
		ap_diags_free(d);
		return r;
	}
	if (strncmp(q->path, "/static/", 8) == 0)
		return svc_static(q);
	if (strcmp(q->path, "/signin") == 0 && method_is(q, "POST"))
		return svc_auth_signin(s, q);
	svc_caller c;
	svc_response *r = response_new();
	if (svc_auth_caller(&c, s, q, r) != 0) {
		if (!is_api(q->path) && r->status == 401) {
			svc_response_free(r);
			return svc_page_signin(q, NULL, 200);
		}
		return r;
	}
	svc_response_free(r);
	if (is_api(q->path)) {
		if (!c.known)
			return problem(401, "Unauthorized",
			               "sign in: send 'Authorization: Bearer "
			               "TOKEN'");
		return for_account(route_api(s, q, &c, conn), &c);
	}
	if (strcmp(q->path, "/signout") == 0 && method_is(q, "POST"))
		return svc_auth_signout(s, q, &c);
	if (!c.known)
		return svc_page_signin(q, NULL, 200);
	if (!method_is(q, "GET") && !method_is(q, "HEAD"))
		return not_found();
	return for_account(svc_page_get(s, q, &c, conn), &c);
}
