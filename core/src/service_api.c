/*
 * The API's reads: the case files a caller may see (a firm its own, a
 * coordinator all), one case with its versions and latest scores, a
 * version's stored bytes, and the scores of every latest version as
 * `appui score --format json --store` prints them. Another firm's case is
 * answered 404, exactly as a case that does not exist.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "appui/document.h"
#include "appui/report.h"
#include "jsonout.h"
#include "service_impl.h"

static svc_response *answer(int status, const char *title, const char *text)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	svc_problem(r, status, title, text);
	return r;
}

static svc_response *not_found(void)
{
	return answer(404, "Not Found", "no such resource");
}

static svc_response *store_error(int rc, const ap_diags *d)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	svc_store_problem(r, rc, d);
	return r;
}

/* ---- listings ------------------------------------------------------------ */

void svc_listed_clear(svc_listed *v)
{
	free(v->case_id);
	free(v->site_id);
	free(v->organisation_id);
	free(v->firm_id);
	free(v->diagnosed);
	free(v->name);
	free(v->sender);
	free(v->received_at);
	free(v->sha256);
	free(v->body);
	memset(v, 0, sizeof(*v));
}

void svc_listed_free(svc_listed *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		svc_listed_clear(&v[i]);
	free(v);
}

typedef struct listing {
	svc_listed *v;
	size_t n, cap;
	const char *after; /* a page: cases after this id */
	size_t limit;      /* and at most this many (0: all) */
	int more;          /* there are more after the page */
} listing;

static int collect(void *ctx, const ap_store_version *v)
{
	listing *l = ctx;
	if (l->after && strcmp(v->case_id, l->after) <= 0)
		return 0;
	if (l->limit && l->n == l->limit) {
		l->more = 1;
		return 1;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = ap_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	svc_listed *o = &l->v[l->n++];
	memset(o, 0, sizeof(*o));
	o->case_id = ap_xstrdup(v->case_id);
	o->site_id = ap_xstrdup(v->site_id);
	o->organisation_id = ap_xstrdup(v->organisation_id);
	o->firm_id = ap_xstrdup(v->firm_id);
	o->diagnosed = ap_xstrdup(v->diagnosed);
	o->name = ap_xstrdup(v->name);
	o->sender = ap_xstrdup(v->sender);
	o->received_at = ap_xstrdup(v->received_at);
	o->sha256 = ap_xstrdup(v->sha256);
	o->n = v->n;
	o->n_versions = v->n_versions;
	o->size = v->size;
	if (v->body) {
		o->body = ap_xmalloc(v->size ? v->size : 1);
		memcpy(o->body, v->body, v->size);
		o->body_len = v->size;
	}
	return 0;
}

static const char *firm_of(const svc_caller *c)
{
	return c->account.role == AP_ROLE_FIRM ? c->account.firm_id : NULL;
}

/* By the name it was sent under, then case id: as score --store reads. */
static int by_name(const void *a, const void *b)
{
	const svc_listed *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->case_id, y->case_id);
}

int svc_list_latest(svc *s, const svc_caller *c, const char *site,
                    svc_listed **out, size_t *n, ap_diags *d)
{
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.firm_id = firm_of(c);
	q.site_id = site;
	q.with_body = 1;
	listing l = {0};
	int rc = ap_store_versions(s->store, &q, collect, &l, d);
	if (rc != AP_OK) {
		svc_listed_free(l.v, l.n);
		return rc;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_name);
	*out = l.v;
	*n = l.n;
	return AP_OK;
}

static json_t *version_json(const svc_listed *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "case_id", jsonout_str(v->case_id));
	json_object_set_new(o, "version", json_integer(v->n));
	json_object_set_new(o, "versions", json_integer(v->n_versions));
	json_object_set_new(o, "site_id", jsonout_str(v->site_id));
	json_object_set_new(o, "organisation_id",
	                    jsonout_str(v->organisation_id));
	json_object_set_new(o, "firm_id", jsonout_str(v->firm_id));
	json_object_set_new(o, "diagnosed", jsonout_str(v->diagnosed));
	json_object_set_new(o, "name", jsonout_str(v->name));
	json_object_set_new(o, "sender", jsonout_str(v->sender));
	json_object_set_new(o, "received_at", jsonout_str(v->received_at));
	json_object_set_new(o, "sha256", jsonout_str(v->sha256));
	json_object_set_new(o, "size", json_integer((json_int_t)v->size));
	return o;
}

/* A whole number from 1 to `max` in decimal digits, or -1. */
static long small_number(const char *s, long max)
{
	long v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= 1 && v <= max ? v : -1;
}

static int date_like(const char *s)
{
	size_t n = strlen(s);
	if (n != 10 && n != 20)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int digit = c >= '0' && c <= '9';
		if (!digit && !strchr("-T:Z", c))
			return 0;
	}
	return 1;
}

/* GET /v1/casefiles[?site=&since=&limit=&cursor=] */
static svc_response *list_cases(svc *s, const svc_request *q,
                                const svc_caller *c)
{
	const char *site = svc_arg(q, "site"), *since = svc_arg(q, "since");
	const char *lim = svc_arg(q, "limit"), *cursor = svc_arg(q, "cursor");
	long limit = lim ? small_number(lim, (long)s->opt.page_size)
	                 : (long)s->opt.page_size;
	if (limit < 0) {
		char *t = ap_xasprintf("limit is a number from 1 to %zu",
		                       s->opt.page_size);
		svc_response *r = answer(400, "Bad Request", t);
		free(t);
		return r;
	}
	if ((site && !ap_store_name_ok(site)) ||
	    (cursor && !ap_store_name_ok(cursor)))
		return answer(400, "Bad Request",
		              "site and cursor are ids: 1 to 64 letters, "
		              "digits, '.', '_' or '-'");
	if (since && !date_like(since))
		return answer(400, "Bad Request",
		              "since is a date, YYYY-MM-DD, or a time, "
		              "YYYY-MM-DDTHH:MM:SSZ");
	ap_store_query sq = AP_STORE_QUERY_INIT;
	sq.firm_id = firm_of(c);
	sq.site_id = site;
	sq.since = since;
	listing l = {.after = cursor, .limit = (size_t)limit};
	ap_diags *d = ap_diags_new();
	int rc = ap_store_versions(s->store, &sq, collect, &l, d);
	svc_response *r;
	if (rc == AP_OK || rc == 1) {
		json_t *o = json_object(), *a = json_array();
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(a, version_json(&l.v[i]));
		json_object_set_new(o, "casefiles", a);
		json_object_set_new(o, "next_cursor",
		                    l.more && l.n
		                        ? jsonout_str(l.v[l.n - 1].case_id)
		                        : json_null());
		r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		svc_response_json(r, 200, o);
	} else if (rc == AP_EUSAGE)
		r = answer(400, "Bad Request",
		           ap_diags_count(d) ? ap_diags_at(d, 0)->message
		                             : "malformed query");
	else
		r = store_error(rc, d);
	ap_diags_free(d);
	svc_listed_free(l.v, l.n);
	return r;
}

/* Every version of `case_id` the caller may see, oldest first. */
static int case_versions(svc *s, const svc_caller *c, const char *case_id,
                         int n, listing *l, ap_diags *d)
{
	ap_store_query sq = AP_STORE_QUERY_INIT;
	sq.case_id = case_id;
	sq.all_versions = n == 0;
	sq.n = n;
	sq.with_body = n != 0;
	int rc = ap_store_versions(s->store, &sq, collect, l, d);
	if (rc != AP_OK)
		return rc;
	/* A case belongs to the firm of its versions: another firm's is
	 * not there for this caller. */
	const char *firm = firm_of(c);
	if (!l->n || (firm && strcmp(l->v[0].firm_id, firm) != 0))
		return AP_ENOTFOUND;
	return AP_OK;
}

static svc_response *version_bytes(svc *s, const svc_caller *c,
                                   const char *case_id, const char *num)
{
	long n = small_number(num, 1000000);
	if (n < 0)
		return not_found();
	listing l = {0};
	ap_diags *d = ap_diags_new();
	int rc = case_versions(s, c, case_id, (int)n, &l, d);
	svc_response *r;
	if (rc == AP_OK) {
		r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		r->status = 200;
		r->type = "application/xml";
		ap_buf_add(&r->body, l.v[0].body ? l.v[0].body : "",
		           l.v[0].body_len);
	} else if (rc == AP_ENOTFOUND)
		r = not_found();
	else
		r = store_error(rc, d);
	ap_diags_free(d);
	svc_listed_free(l.v, l.n);
	return r;
}

static svc_response *one_case(svc *s, const svc_caller *c, const char *case_id,
                              void *conn)
{
	listing l = {0};
	ap_diags *d = ap_diags_new();
	int rc = case_versions(s, c, case_id, 0, &l, d);
	if (rc != AP_OK) {
		svc_response *r =
		    rc == AP_ENOTFOUND ? not_found() : store_error(rc, d);
		ap_diags_free(d);
		svc_listed_free(l.v, l.n);
		return r;
	}
	ap_diags_free(d);
	/* The latest version's bytes, to score (or read from the cache). */
	listing latest = {0};
	d = ap_diags_new();
	rc = case_versions(s, c, case_id, l.v[l.n - 1].n, &latest, d);
	ap_diags_free(d);
	svc_job *j = svc_job_new(SVC_JOB_CASE, c, conn);
	j->listed = l.v;
	j->n_listed = l.n;
	if (rc == AP_OK)
		svc_job_score(s, j, latest.v[0].name, latest.v[0].body,
		              latest.v[0].body_len, latest.v[0].sha256);
	svc_listed_free(latest.v, latest.n);
	if (!j->n_tasks)
		return svc_api_finish(s, j);
	svc_job_wait(s, j);
	return NULL;
}

/* GET /v1/scores and /v1/report: every latest version, scored. */
static svc_response *scores(svc *s, const svc_caller *c, void *conn,
                            svc_job_kind kind)
{
	if (c->account.role == AP_ROLE_FIRM)
		return answer(403, "Forbidden",
		              "the scores of every site are for coordinators");
	svc_job *j = svc_job_new(kind, c, conn);
	svc_response *r = svc_job_list(s, j, NULL);
	return r ? r : svc_job_go(s, j, svc_api_finish);
}

/* A path's segments after "/v1/": at most 4, each an id or a word. */
static size_t segments(const char *path, char seg[4][80])
{
	size_t n = 0;
	const char *p = path + 4;
	while (*p && n < 4) {
		size_t len = strcspn(p, "/");
		if (len == 0 || len >= 80)
			return 0;
		memcpy(seg[n], p, len);
		seg[n++][len] = '\0';
		p += len;
		if (*p == '/' && !*++p)
			return 0; /* a trailing slash */
	}
	return *p ? 0 : n;
}

svc_response *svc_api_get(svc *s, const svc_request *q, const svc_caller *c,
                          void *conn)
{
	char seg[4][80];
	size_t n = segments(q->path, seg);
	if (n == 1 && strcmp(seg[0], "casefiles") == 0)
		return list_cases(s, q, c);
	if (n == 1 && strcmp(seg[0], "scores") == 0)
		return scores(s, c, conn, SVC_JOB_SCORES);
	if (n == 1 && strcmp(seg[0], "report") == 0)
		return scores(s, c, conn, SVC_JOB_REPORT);
	if (n >= 1 && strcmp(seg[0], "plans") == 0)
		return svc_follow_get(s, c, seg, n, conn);
	if (n == 3 && strcmp(seg[0], "sites") == 0 &&
	    strcmp(seg[2], "history") == 0)
		return svc_follow_history(s, c, seg[1], conn);
	if (n < 2 || strcmp(seg[0], "casefiles") != 0 ||
	    !ap_store_name_ok(seg[1]))
		return not_found();
	if (n == 2)
		return one_case(s, c, seg[1], conn);
	if (n == 4 && strcmp(seg[2], "versions") == 0)
		return version_bytes(s, c, seg[1], seg[3]);
	return not_found();
}

/* ---- answers that needed the pool ---------------------------------------- */

static svc_response *case_answer(svc *s, svc_job *j)
{
	svc_listed *latest = &j->listed[j->n_listed - 1];
	json_t *o = json_object(), *a = json_array();
	json_object_set_new(o, "case_id", jsonout_str(latest->case_id));
	json_object_set_new(o, "site_id", jsonout_str(latest->site_id));
	json_object_set_new(o, "organisation_id",
	                    jsonout_str(latest->organisation_id));
	json_object_set_new(o, "firm_id", jsonout_str(latest->firm_id));
	for (size_t i = 0; i < j->n_listed; i++)
		json_array_append_new(a, version_json(&j->listed[i]));
	json_object_set_new(o, "versions", a);
	json_object_set_new(o, "latest_version", json_integer(latest->n));
	const svc_scored *sc = svc_cache_get(s->cache, latest->sha256);
	int truncated = 0;
	json_object_set_new(o, "problems",
	                    sc ? svc_problems_json(sc->problems, 0,
	                                           s->opt.max_problems,
	                                           &truncated)
	                       : json_array());
	if (!sc || !sc->json)
		json_object_set_new(o, "error",
		                    json_string("the latest version could not "
		                                "be scored; try again"));
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	svc_response_json_with(r, 200, o, "scores", sc ? sc->json : NULL);
	return r;
}

/* As appui score --format json --store: the cases in the order read, and
 * the problems of the batch. */
static svc_response *scores_answer(svc *s, svc_job *j)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		ap_oom();
	ap_diags *d = ap_diags_new();
	ap_report_json_begin(f);
	size_t shown = 0;
	for (size_t i = 0; i < j->n_listed; i++) {
		const svc_scored *sc =
		    svc_cache_get(s->cache, j->listed[i].sha256);
		if (!sc || !sc->json) {
			ap_diags_add(d, AP_ERROR, j->listed[i].name, 0, "",
			             "could not be scored; try again");
			continue;
		}
		fputs(shown++ ? ",\n" : "\n", f);
		fputs(sc->json, f);
		for (size_t k = 0; k < ap_diags_count(sc->problems); k++) {
			const ap_diag *g = ap_diags_at(sc->problems, k);
			ap_diags_add(d, g->severity, g->file, g->line, g->field,
			             "%s", g->message);
		}
	}
	ap_report_json_end(f, d);
	fclose(f);
	ap_diags_free(d);
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	r->status = 200;
	r->type = "application/json";
	ap_buf_add(&r->body, text, len);
	free(text);
	return r;
}

/* As appui report --store: the HTML report of the latest versions. */
static svc_response *report_answer(svc *s, svc_job *j)
{
	ap_document *doc = ap_document_new();
	for (size_t i = 0; i < j->n_listed; i++) {
		const svc_scored *sc =
		    svc_cache_get(s->cache, j->listed[i].sha256);
		if (sc && sc->json)
			ap_document_add_case(doc, sc->json, strlen(sc->json));
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		ap_oom();
	ap_document_options opt = AP_DOCUMENT_OPTIONS_INIT;
	ap_diags *d = ap_diags_new();
	ap_document_html(f, doc, &opt, d);
	fclose(f);
	ap_diags_free(d);
	ap_document_free(doc);
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	r->status = 200;
	r->type = "text/html; charset=utf-8";
	r->own_csp = 1;
	ap_buf_add(&r->body, text, len);
	free(text);
	return r;
}

svc_response *svc_api_finish(svc *s, svc_job *j)
{
	svc_response *r = j->kind == SVC_JOB_CASE     ? case_answer(s, j)
	                  : j->kind == SVC_JOB_REPORT ? report_answer(s, j)
	                                              : scores_answer(s, j);
	if (j->n_tasks == 0)
		svc_job_free(j); /* answered at once: never queued */
	return r;
}
