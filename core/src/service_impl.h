/*
 * The service's request handling, without HTTP: service_http.c (the only
 * file that speaks libmicrohttpd) turns each request into an svc_request
 * and sends back the svc_response; everything else here is plain data, so
 * that the handling is tested and fuzzed without a socket.
 *
 * A request is answered at once (svc_handle), or it needs the worker pool
 * (an upload to validate and score, stored versions to score): it then
 * becomes a job, answered when its last task comes back (svc_collect).
 */
#ifndef APPUI_SERVICE_IMPL_H
#define APPUI_SERVICE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "appui/pool.h"
#include "appui/service.h"
#include "appui/store.h"
#include "util.h"

typedef struct svc_kv {
	const char *name, *value;
} svc_kv;

typedef struct svc_request {
	const char *method, *path;
	const svc_kv *headers, *args, *cookies;
	size_t n_headers, n_args, n_cookies;
	const char *body;
	size_t body_len;
	const char *peer; /* the client's address, as text */
	int tls;
} svc_request;

#define SVC_MAX_EXTRA 4
typedef struct svc_response {
	int status;
	const char *type; /* Content-Type (static) */
	ap_buf body;
	svc_kv extra[SVC_MAX_EXTRA]; /* owned strings */
	size_t n_extra;
	char who[AP_STORE_NAME_SIZE]; /* the account, for the log line */
	int own_csp; /* an HTML document that carries its own policy (the
	                report: inline style and script named by hash) */
} svc_response;

void svc_response_init(svc_response *r);
void svc_response_free(svc_response *r);
void svc_response_header(svc_response *r, const char *name, const char *value);

/* An error as application/problem+json: `text` is the message as the
 * command prints it (FILE:LINE: FIELD: message, or a sentence). */
void svc_problem(svc_response *r, int status, const char *title,
                 const char *text);

/* Header, argument and cookie look-ups (headers case-insensitively). */
const char *svc_header(const svc_request *q, const char *name);
const char *svc_arg(const svc_request *q, const char *name);
const char *svc_cookie(const svc_request *q, const char *name);

/* ---- who is asking -------------------------------------------------------
 */

/* A session id or a CSRF token: 32 random bytes in base64url. */
#define SVC_SECRET_SIZE 44

typedef struct svc_caller {
	int known; /* signed in (a token or a session) */
	ap_store_account account;
	int by_cookie; /* signed in through the pages: needs the CSRF token
	                  to change anything */
	char csrf[SVC_SECRET_SIZE]; /* the session's, with by_cookie */
} svc_caller;

/* ---- the service ---------------------------------------------------------
 */

typedef struct svc_job svc_job;
typedef struct svc svc;

/* What a finished job gives back to the HTTP layer: the connection it
 * belongs to and its response. */
typedef struct svc_done {
	void *conn;
	svc_response *resp;
} svc_done;

svc *svc_new(ap_store *store, ap_pool *pool, const ap_service_options *opt);
void svc_free(svc *s);

/* Before the body is read: a response when the request is refused on its
 * headers alone (a Content-Length that is not a number, or over the body
 * limit: 400, 413), else NULL. */
svc_response *svc_precheck(svc *s, const svc_request *q, size_t body_limit);
/* The answer to a request that arrives while the service stops: 503, to
 * send again (Retry-After). */
svc_response *svc_stopping(void);

/* The whole request: its response (to free), or NULL when it became a job
 * tied to `conn` (svc_collect gives it back). */
svc_response *svc_handle(svc *s, const svc_request *q, void *conn);

/* Takes every result the pool has ready; each job that finished is added
 * to `done` (room for `cap`). Returns how many. */
size_t svc_collect(svc *s, svc_done *done, size_t cap);

/* The connection `conn` went away: its job, if any, is answered to no one. */
void svc_forget(svc *s, void *conn);

/* Jobs waiting for the pool. */
size_t svc_jobs(const svc *s);

/* ---- parts (service_*.c) -------------------------------------------------
 */

struct svc {
	ap_store *store;
	ap_pool *pool;
	ap_service_options opt;
	svc_job *jobs; /* waiting for the pool, a list */
	size_t n_jobs;
	struct svc_cache *cache;
	struct svc_auth *auth;
};

/* Resolves the caller (a Bearer token or a session cookie). Returns 0, or
 * an HTTP status with `r` filled (401 malformed or unknown, 429 too many
 * failures from that address). */
int svc_auth_caller(svc_caller *out, svc *s, const svc_request *q,
                    svc_response *r);
/* 1 when a cookie-signed request carries its session's CSRF token (the
 * X-CSRF-Token header, or the csrf form field). */
int svc_auth_csrf_ok(const svc_caller *c, const svc_request *q,
                     const char *form_value);
/* POST /signin (token=...) and POST /signout. */
svc_response *svc_auth_signin(svc *s, const svc_request *q);
svc_response *svc_auth_signout(svc *s, const svc_request *q,
                               const svc_caller *c);
struct svc_auth *svc_auth_new(void);
void svc_auth_free(struct svc_auth *a);

/* The scores of stored bytes, by their SHA-256, from earlier uploads or
 * earlier scoring. */
typedef struct svc_scored {
	int valid;
	char *json;         /* the case's JSON text, or NULL */
	ap_score_row row;   /* zero when invalid */
	ap_diags *problems; /* its problems */
} svc_scored;
struct svc_cache *svc_cache_new(void);
void svc_cache_free(struct svc_cache *c);
const svc_scored *svc_cache_get(struct svc_cache *c, const char *sha256);
/* Keeps the result's parts (moved out of `res`) under `sha256`. */
const svc_scored *svc_cache_put(struct svc_cache *c, const char *sha256,
                                ap_pool_result *res);

/* A job: tasks sent to the pool, and what to do when all are back. */
typedef struct svc_task {
	uint64_t id;
	char sha256[AP_STORE_SHA256_SIZE];
	int done;
} svc_task;

typedef enum svc_job_kind {
	SVC_JOB_UPLOAD = 1,
	SVC_JOB_SCORES,   /* GET /v1/scores */
	SVC_JOB_CASE,     /* GET /v1/casefiles/{id} */
	SVC_JOB_REPORT,   /* GET /v1/report */
	SVC_JOB_PAGE,     /* a page that shows scores */
	SVC_JOB_FOLLOWUP, /* GET /v1/plans/{id}/followup */
	SVC_JOB_HISTORY   /* GET /v1/sites/{id}/history */
} svc_job_kind;

struct svc_job {
	svc_job *next;
	void *conn;
	svc_job_kind kind;
	svc_caller caller;
	svc_task *tasks;
	size_t n_tasks, n_done;
	/* SVC_JOB_UPLOAD: the request's body and settings. */
	char *name;
	char *body;
	size_t body_len;
	int dry_run;
	ap_pool_result *result; /* the upload's result */
	/* the others: the versions to show, as listed */
	struct svc_listed *listed;
	size_t n_listed;
	char *page;                         /* SVC_JOB_PAGE: which page */
	struct ap_saved_missions *missions; /* SVC_JOB_FOLLOWUP's */
	int tls;
};

/* Queues `job` once its tasks are submitted; answered when all are back. */
void svc_job_wait(svc *s, svc_job *job);
svc_job *svc_job_new(svc_job_kind kind, const svc_caller *c, void *conn);
void svc_job_free(svc_job *j);
/* Adds a task for each of j->listed's versions not in the cache. */
void svc_job_score_listed(svc *s, svc_job *j);
/* Lists into j->listed the latest version of each case its caller may see
 * (of `site`; NULL: all). NULL, or the store's problem as an answer (the
 * job then freed). */
svc_response *svc_job_list(svc *s, svc_job *j, const char *site);
/* Scores j->listed: the answer of `finish` at once when every score was
 * in the cache, else NULL and the job waits for the pool. */
svc_response *svc_job_go(svc *s, svc_job *j,
                         svc_response *(*finish)(svc *s, svc_job *j));
/* Adds a task for stored bytes (or answers it from the cache). */
void svc_job_score(svc *s, svc_job *j, const char *name, const void *body,
                   size_t len, const char *sha256);

/* service_upload.c */
svc_response *svc_upload_begin(svc *s, const svc_request *q,
                               const svc_caller *c, void *conn);
svc_response *svc_upload_finish(svc *s, svc_job *j);

/* service_api.c: the JSON reads. */
typedef struct svc_listed {
	char *case_id, *site_id, *organisation_id, *firm_id, *diagnosed;
	char *name, *sender, *received_at, *sha256;
	int n, n_versions;
	size_t size;
	char *body;
	size_t body_len;
} svc_listed;
void svc_listed_clear(svc_listed *v);
void svc_listed_free(svc_listed *v, size_t n);
svc_response *svc_api_get(svc *s, const svc_request *q, const svc_caller *c,
                          void *conn);
svc_response *svc_api_finish(svc *s, svc_job *j);
/* The latest version of each case the caller may see (a firm: its own),
 * filtered by site, in the order `appui score --store` reads them. */
int svc_list_latest(svc *s, const svc_caller *c, const char *site,
                    svc_listed **out, size_t *n, ap_diags *d);

/* service_follow.c: saved plans, missions, a campaign's outcome (for
 * coordinators): GET /v1/plans[/{id}[/missions|/followup]], and POST
 * /v1/missions/{id}?status=... */
svc_response *svc_follow_get(svc *s, const svc_caller *c, char seg[4][80],
                             size_t n, void *conn);
svc_response *svc_follow_post(svc *s, const svc_request *q, const svc_caller *c,
                              const char *id);
svc_response *svc_follow_history(svc *s, const svc_caller *c, const char *site,
                                 void *conn);
svc_response *svc_follow_finish(svc *s, svc_job *j);
/* service_pages.c: the web pages. */
svc_response *svc_page_get(svc *s, const svc_request *q, const svc_caller *c,
                           void *conn);
svc_response *svc_page_finish(svc *s, svc_job *j);
svc_response *svc_page_signin(const svc_request *q, const char *error,
                              int status);
svc_response *svc_static(const svc_request *q);

/* HTML and JSON text helpers. */
void svc_html_text(ap_buf *b, const char *s);
void svc_response_json(svc_response *r, int status, void *json_t_value);
/* As svc_response_json(), with `"key": raw` added to the object, where raw
 * is JSON text kept byte for byte (a case's scores, as the command prints
 * them); the object gets no such key when raw is NULL. */
void svc_response_json_with(svc_response *r, int status, void *json_t_value,
                            const char *key, const char *raw);
/* The store's status as an HTTP answer (507 full, 503 busy, ...). */
void svc_store_problem(svc_response *r, int rc, const ap_diags *d);
/* The problems of `d` from `from` as JSON objects, at most `max`. */
void *svc_problems_json(const ap_diags *d, size_t from, size_t max,
                        int *truncated);

#endif
