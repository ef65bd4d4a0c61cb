/*
 * POST /v1/casefiles: a firm's case file, checked and scored in the worker
 * pool as `appui validate` and `appui score` do, then kept in the store as
 * `appui store add` keeps it. The answer is sent once the version is on the
 * disk (201 new case or version, 200 the same bytes again); a refused file
 * is answered with every problem as the command prints it (422, or 400 when
 * it is not XML at all) and its attempt recorded, without its body.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonout.h"
#include "service_impl.h"

static svc_response *fail(int status, const char *title, const char *text)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	svc_problem(r, status, title, text);
	return r;
}

/* application/xml or text/xml, with parameters (charset) allowed. */
static int xml_type(const char *t)
{
	if (!t)
		return 0;
	size_t n = strcspn(t, "; ");
	return (n == 15 && strncasecmp(t, "application/xml", n) == 0) ||
	       (n == 8 && strncasecmp(t, "text/xml", n) == 0);
}

/* The name the file's problems are given: ?name=, a plain file name. */
static const char *upload_name(const svc_request *q)
{
	const char *n = svc_arg(q, "name");
	return n ? n : "upload.xml";
}

svc_response *svc_upload_begin(svc *s, const svc_request *q,
                               const svc_caller *c, void *conn)
{
	if (c->account.role != AP_ROLE_FIRM)
		return fail(403, "Forbidden",
		            "only a firm's account uploads case files");
	if (!svc_auth_csrf_ok(c, q, NULL))
		return fail(403, "Forbidden",
		            "the request's X-CSRF-Token is missing or wrong");
	if (!xml_type(svc_header(q, "Content-Type")))
		return fail(415, "Unsupported Media Type",
		            "send the case file as Content-Type: "
		            "application/xml");
	const char *dry = svc_arg(q, "dry_run");
	if (dry && strcmp(dry, "0") && strcmp(dry, "1"))
		return fail(400, "Bad Request", "dry_run is 0 or 1");
	const char *name = upload_name(q);
	if (!ap_store_name_ok(name))
		return fail(400, "Bad Request",
		            "name: a file name of 1 to 64 letters, digits, "
		            "'.', '_' or '-'");
	if (q->body_len == 0)
		return fail(400, "Bad Request",
		            "the body is empty: send the case file's XML");
	svc_job *j = svc_job_new(SVC_JOB_UPLOAD, c, conn);
	j->dry_run = dry && strcmp(dry, "1") == 0;
	j->name = ap_xstrdup(name);
	j->body = ap_xmalloc(q->body_len);
	memcpy(j->body, q->body, q->body_len);
	j->body_len = q->body_len;
	j->tasks = ap_xcalloc(1, sizeof(*j->tasks));
	j->n_tasks = 1;
	if (ap_pool_submit_bytes(&j->tasks[0].id, s->pool, name, q->body,
	                         q->body_len) != AP_OK) {
		svc_job_free(j);
		return fail(413, "Content Too Large",
		            "the case file is larger than a case file may be");
	}
	svc_job_wait(s, j);
	return NULL;
}

/* Not XML at all (400) rather than XML that is not a valid case (422). */
static int not_xml(const ap_diags *d)
{
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity != AP_ERROR)
			continue;
		return strncmp(g->message, "not well-formed", 15) == 0 ||
		       strcmp(g->field, "DOCTYPE") == 0 ||
		       strcmp(g->field, "encoding") == 0 ||
		       strcmp(g->message, "the file is empty") == 0;
	}
	return 0;
}

/* The first error of `d` as the command prints it, to free. */
static char *first_text(const ap_diags *d, size_t *errors)
{
	*errors = 0;
	char *text = NULL;
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity != AP_ERROR)
			continue;
		if (!text)
			text = ap_diag_text(g);
		(*errors)++;
	}
	return text ? text : ap_xstrdup("refused");
}

/* A refusal: the attempt recorded (not for a dry run), the problems
 * returned. */
static svc_response *refuse(svc *s, svc_job *j, int status, const char *title,
                            const ap_diags *problems)
{
	const ap_pool_meta *m = j->result->meta;
	size_t errors;
	char *text = first_text(problems, &errors);
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	if (!j->dry_run) {
		ap_store_attempt a = AP_STORE_ATTEMPT_INIT;
		a.name = j->name;
		a.data = j->body;
		a.len = j->body_len;
		a.sender = j->caller.account.name;
		a.errors = errors;
		a.first_error = text;
		ap_diags *d = ap_diags_new();
		int rc = ap_store_add_rejected(s->store, &a, d);
		if (rc != AP_OK) {
			svc_store_problem(r, rc, d);
			ap_diags_free(d);
			free(text);
			return r;
		}
		ap_diags_free(d);
	}
	(void)m;
	int truncated;
	json_t *j_ = json_object();
	json_object_set_new(j_, "type", json_string("about:blank"));
	json_object_set_new(j_, "title", json_string(title));
	json_object_set_new(j_, "status", json_integer(status));
	json_object_set_new(j_, "detail", jsonout_str(text));
	json_object_set_new(j_, "text", jsonout_str(text));
	json_object_set_new(j_, "errors", json_integer((json_int_t)errors));
	json_object_set_new(
	    j_, "problems",
	    svc_problems_json(problems, 0, s->opt.max_problems, &truncated));
	json_object_set_new(j_, "truncated", json_boolean(truncated));
	r->type = "application/problem+json";
	svc_response_json(r, status, j_);
	free(text);
	return r;
}

static const char *outcome_name(ap_store_outcome o)
{
	switch (o) {
	case AP_STORE_NEW_CASE:
		return "new_case";
	case AP_STORE_NEW_VERSION:
		return "new_version";
	default:
		return "duplicate";
	}
}

/* The answer to a valid file: what became of it, and its scores. */
static svc_response *accepted(svc *s, svc_job *j, const ap_store_added *a)
{
	const ap_pool_result *res = j->result;
	json_t *o = json_object();
	json_object_set_new(
	    o, "outcome", json_string(a ? outcome_name(a->outcome) : "valid"));
	json_object_set_new(o, "dry_run", json_boolean(j->dry_run));
	json_object_set_new(o, "name", jsonout_str(j->name));
	json_object_set_new(o, "case_id", jsonout_str(res->meta->case_id));
	json_object_set_new(o, "site_id", jsonout_str(res->meta->site_id));
	json_object_set_new(o, "sha256", json_string(res->meta->sha256));
	char *where = NULL;
	if (a) {
		where = ap_xasprintf("/v1/casefiles/%s/versions/%d",
		                     res->meta->case_id, a->n);
		json_object_set_new(o, "version", json_integer(a->n));
		json_object_set_new(o, "received_at",
		                    json_string(a->received_at));
		json_object_set_new(o, "location", json_string(where));
	}
	int truncated;
	json_object_set_new(
	    o, "problems",
	    svc_problems_json(res->diags, 0, s->opt.max_problems, &truncated));
	json_object_set_new(o, "truncated", json_boolean(truncated));
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	int created = a && a->outcome != AP_STORE_DUPLICATE;
	svc_response_json_with(r, created ? 201 : 200, o, "scores", res->json);
	if (where)
		svc_response_header(r, "Location", where);
	free(where);
	return r;
}

static svc_response *store_it(svc *s, svc_job *j)
{
	const ap_pool_meta *m = j->result->meta;
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", m->diagnosed.year,
	         m->diagnosed.month, m->diagnosed.day);
	ap_store_upload u = AP_STORE_UPLOAD_INIT;
	u.name = j->name;
	u.data = j->body;
	u.len = j->body_len;
	u.case_id = m->case_id;
	u.site_id = m->site_id;
	u.organisation_id = m->organisation_id;
	u.firm_id = m->firm;
	u.diagnosed = date;
	u.sender = j->caller.account.name;
	ap_store_added a;
	ap_diags *d = ap_diags_new();
	int rc = ap_store_add(&a, s->store, &u, d);
	svc_response *r;
	if (rc == AP_OK)
		r = accepted(s, j, &a);
	else if (rc == AP_EFORBIDDEN)
		r = refuse(s, j, 403, "Forbidden", d);
	else {
		r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		svc_store_problem(r, rc, d);
	}
	ap_diags_free(d);
	return r;
}

svc_response *svc_upload_finish(svc *s, svc_job *j)
{
	ap_pool_result *res = j->result;
	if (!res->valid || !res->meta || !res->meta->case_id ||
	    /* a plugin crashed or ran past the time limit on it: the pool
	     * scored it without that theme (appui score says status 1) */
	    ap_diags_errors(res->diags))
		return refuse(s, j, not_xml(res->diags) ? 400 : 422,
		              not_xml(res->diags) ? "Bad Request"
		                                  : "Unprocessable Content",
		              res->diags);
	if (strcmp(res->meta->firm, j->caller.account.firm_id) != 0) {
		ap_diags *d = ap_diags_new();
		ap_diags_add(d, AP_ERROR, j->name, 0, "diagnostic/@firm",
		             "the file is a diagnostic of firm '%s'; this "
		             "account uploads for firm '%s' only",
		             res->meta->firm, j->caller.account.firm_id);
		svc_response *r = refuse(s, j, 403, "Forbidden", d);
		ap_diags_free(d);
		return r;
	}
	svc_response *r = j->dry_run ? accepted(s, j, NULL) : store_it(s, j);
	if (r->status < 300)
		svc_cache_put(s->cache, res->meta->sha256, res);
	return r;
}
