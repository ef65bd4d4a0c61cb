/*
 * The follow-up over HTTP (docs/service.md): the saved plans and their
 * missions, a mission's status for coordinators, a campaign's outcome.
 * Everything here is a coordinator's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/followup.h"
#include "appui/history.h"
#include "appui/mission.h"
#include "jsonout.h"
#include "service_impl.h"

static svc_response *problem_of(int status, const char *title, const char *text)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	svc_problem(r, status, title, text);
	return r;
}

static svc_response *store_answer(int rc, const ap_diags *d)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	svc_store_problem(r, rc, d);
	return r;
}

/* A memory stream's text as a JSON answer. */
static svc_response *json_text(char *text, size_t len)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	r->status = 200;
	r->type = "application/json";
	ap_buf_add(&r->body, text, len);
	free(text);
	return r;
}

static int coordinator(const svc_caller *c)
{
	return c->account.role == AP_ROLE_COORDINATOR ||
	       c->account.role == AP_ROLE_ADMINISTRATOR;
}

/* ---- plans ----------------------------------------------------------------
 */

static int plan_item(void *ctx, const ap_store_plan *p)
{
	json_t *o = json_object();
	char id[32], replans[32];
	snprintf(id, sizeof id, "P%lld", p->id);
	snprintf(replans, sizeof replans, "P%lld", p->replans);
	json_object_set_new(o, "plan_id", json_string(id));
	json_object_set_new(o, "replans",
	                    p->replans ? json_string(replans) : json_null());
	json_object_set_new(o, "campaign", jsonout_str(p->campaign_name));
	json_object_set_new(o, "saved_at", jsonout_str(p->saved_at));
	json_object_set_new(o, "saved_by", jsonout_str(p->saved_by));
	json_array_append_new(ctx, o);
	return 0;
}

static svc_response *list_plans(svc *s)
{
	json_t *a = json_array();
	ap_diags *d = ap_diags_new();
	int rc = ap_store_plans(s->store, plan_item, a, d);
	svc_response *r;
	if (rc != AP_OK) {
		r = store_answer(rc, d);
		json_decref(a);
	} else {
		json_t *o = json_object();
		json_object_set_new(o, "plans", a);
		r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		svc_response_json(r, 200, o);
	}
	ap_diags_free(d);
	return r;
}

static int plan_text(void *ctx, const ap_store_plan *p)
{
	ap_buf_add(ctx, p->plan_json, p->plan_json_len);
	return 0;
}

/* GET /v1/plans/{id}: the plan's JSON, as `appui plan --save` wrote it. */
static svc_response *one_plan(svc *s, long long id)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_diags *d = ap_diags_new();
	int rc = ap_store_plan_get(s->store, id, plan_text, &b, d);
	svc_response *r;
	if (rc == AP_ENOTFOUND) {
		r = problem_of(404, "Not Found", "no such saved plan");
	} else if (rc != AP_OK) {
		r = store_answer(rc, d);
	} else {
		r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		r->status = 200;
		r->type = "application/json";
		ap_buf_add(&r->body, b.data, b.len);
	}
	ap_buf_free(&b);
	ap_diags_free(d);
	return r;
}

/* The missions of plan `id`'s campaign; NULL with `*err` set. */
static ap_saved_missions *missions_of(svc *s, long long id, svc_response **err)
{
	ap_diags *d = ap_diags_new();
	ap_buf b;
	ap_buf_init(&b);
	ap_saved_missions *m = NULL;
	int rc = ap_store_plan_get(s->store, id, plan_text, &b, d);
	if (rc == AP_OK)
		rc = ap_saved_missions_load(&m, s->store, id, d);
	*err = rc == AP_OK ? NULL
	       : rc == AP_ENOTFOUND
	           ? problem_of(404, "Not Found", "no such saved plan")
	           : store_answer(rc, d);
	ap_buf_free(&b);
	ap_diags_free(d);
	return m;
}

static svc_response *plan_missions(svc *s, long long id)
{
	svc_response *err;
	ap_saved_missions *m = missions_of(s, id, &err);
	if (!m)
		return err;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		ap_oom();
	ap_saved_missions_json(f, m, NULL);
	fclose(f);
	ap_saved_missions_free(m);
	return json_text(text, len);
}

/* GET /v1/plans/{id}/followup: every latest version scored, then the
 * outcome of the plan's held missions. */
static svc_response *plan_followup(svc *s, const svc_caller *c, long long id,
                                   void *conn)
{
	svc_response *err;
	ap_saved_missions *m = missions_of(s, id, &err);
	if (!m)
		return err;
	svc_job *j = svc_job_new(SVC_JOB_FOLLOWUP, c, conn);
	j->missions = m;
	svc_response *r = svc_job_list(s, j, NULL);
	return r ? r : svc_job_go(s, j, svc_follow_finish);
}

static svc_response *history_answer(svc *s, svc_job *j);

svc_response *svc_follow_finish(svc *s, svc_job *j)
{
	if (j->kind == SVC_JOB_HISTORY)
		return history_answer(s, j);
	ap_followup *f = ap_followup_new();
	for (size_t i = 0; i < j->n_listed; i++) {
		const svc_scored *sc =
		    svc_cache_get(s->cache, j->listed[i].sha256);
		if (sc && sc->json)
			ap_followup_add_case(f, sc->json, strlen(sc->json));
	}
	ap_followup_set_missions(f, j->missions);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		ap_oom();
	ap_followup_json(out, f);
	fclose(out);
	ap_followup_free(f);
	if (j->n_tasks == 0)
		svc_job_free(j);
	return json_text(text, len);
}

svc_response *svc_follow_get(svc *s, const svc_caller *c, char seg[4][80],
                             size_t n, void *conn)
{
	if (!coordinator(c))
		return problem_of(403, "Forbidden",
		                  "saved plans are for coordinators");
	if (n == 1)
		return list_plans(s);
	long long id;
	if (ap_plan_id_parse(seg[1], &id) != 0 || n > 3)
		return problem_of(404, "Not Found", "no such saved plan");
	if (n == 2)
		return one_plan(s, id);
	if (strcmp(seg[2], "missions") == 0)
		return plan_missions(s, id);
	if (strcmp(seg[2], "followup") == 0)
		return plan_followup(s, c, id, conn);
	return problem_of(404, "Not Found", "no such resource");
}

/* ---- a mission's life -----------------------------------------------------
 */

static svc_response *set_answer(int rc, const ap_diags *d, const char *id,
                                ap_mission_status st)
{
	if (rc == AP_OK) {
		json_t *o = json_object();
		json_object_set_new(o, "mission_id", jsonout_str(id));
		json_object_set_new(o, "status",
		                    json_string(ap_mission_status_name(st)));
		svc_response *r = ap_xmalloc(sizeof(*r));
		svc_response_init(r);
		svc_response_json(r, 200, o);
		return r;
	}
	const ap_diag *g = ap_diags_count(d) ? ap_diags_at(d, 0) : NULL;
	const char *text = g ? g->message : "the change was refused";
	if (rc == AP_ENOTFOUND)
		return problem_of(404, "Not Found", "no such mission");
	if (rc == AP_EINVALID)
		return problem_of(409, "Conflict", text);
	if (rc == AP_EUSAGE)
		return problem_of(400, "Bad Request", text);
	return store_answer(rc, d);
}

/* POST /v1/missions/{id}?status=confirmed|held|cancelled[&from=&to=]. */
svc_response *svc_follow_post(svc *s, const svc_request *q, const svc_caller *c,
                              const char *id)
{
	if (!coordinator(c))
		return problem_of(403, "Forbidden",
		                  "a mission's status is the coordinators'");
	if (!svc_auth_csrf_ok(c, q, svc_arg(q, "csrf")))
		return problem_of(403, "Forbidden",
		                  "this form needs its CSRF token");
	if (!ap_store_name_ok(id))
		return problem_of(404, "Not Found", "no such mission");
	ap_mission_status st = ap_mission_status_of(svc_arg(q, "status"));
	if (st != AP_MISSION_CONFIRMED && st != AP_MISSION_HELD &&
	    st != AP_MISSION_CANCELLED)
		return problem_of(400, "Bad Request",
		                  "status must be confirmed, held or "
		                  "cancelled");
	char actor[AP_STORE_NAME_SIZE + 8];
	snprintf(actor, sizeof actor, "%s", c->account.name);
	ap_diags *d = ap_diags_new();
	int rc = ap_store_mission_set(s->store, actor, id, st,
	                              svc_arg(q, "from"), svc_arg(q, "to"), d);
	svc_response *r = set_answer(rc, d, id, st);
	ap_diags_free(d);
	return r;
}

/* ---- a site's history -----------------------------------------------------
 */

/* GET /v1/sites/{site}/history: the latest version of each of the site's
 * cases the caller may see (a firm: its own), scored. */
svc_response *svc_follow_history(svc *s, const svc_caller *c, const char *site,
                                 void *conn)
{
	if (!ap_store_name_ok(site))
		return problem_of(404, "Not Found", "no such site");
	svc_job *j = svc_job_new(SVC_JOB_HISTORY, c, conn);
	j->name = ap_xstrdup(site);
	svc_response *r = svc_job_list(s, j, site);
	if (r)
		return r;
	if (!j->n_listed) {
		svc_job_free(j);
		return problem_of(404, "Not Found", "no such site");
	}
	return svc_job_go(s, j, svc_follow_finish);
}

typedef struct history_ctx {
	ap_history *h;
	const svc_caller *c;
} history_ctx;

/* A firm sees its own missions only. */
static int history_mission(void *ctx, const ap_store_mission *m)
{
	history_ctx *x = ctx;
	if (x->c->account.role != AP_ROLE_FIRM ||
	    strcmp(m->firm, x->c->account.firm_id) == 0)
		ap_history_add_stored(x->h, m);
	return 0;
}

static svc_response *history_answer(svc *s, svc_job *j)
{
	ap_history *h = NULL;
	ap_history_options opt = AP_HISTORY_OPTIONS_INIT;
	ap_history_new(&h, j->name, &opt);
	for (size_t i = 0; i < j->n_listed; i++) {
		const svc_scored *sc =
		    svc_cache_get(s->cache, j->listed[i].sha256);
		if (sc && sc->json)
			ap_history_add_case(h, sc->json, strlen(sc->json));
	}
	ap_store_mission_query q = AP_STORE_MISSION_QUERY_INIT;
	q.site_id = j->name;
	history_ctx x = {h, &j->caller};
	ap_diags *d = ap_diags_new();
	int rc = ap_store_missions(s->store, &q, history_mission, &x, d);
	svc_response *r = rc == AP_OK ? NULL : store_answer(rc, d);
	ap_diags_free(d);
	if (!r) {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		if (!out)
			ap_oom();
		ap_history_json(out, h);
		fclose(out);
		r = json_text(text, len);
	}
	ap_history_free(h);
	if (j->n_tasks == 0)
		svc_job_free(j);
	return r;
}
