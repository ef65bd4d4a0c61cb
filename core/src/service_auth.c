/*
 * Who is asking: a token in "Authorization: Bearer TOKEN" (the API), or a
 * session cookie that signing in with a token gave (the pages). A session
 * keeps its token in memory, so that each request checks the account
 * again: a revoked account or token stops at once. Sessions live as long as
 * the process, 12 hours at most; a restart signs everyone out.
 *
 * Failed sign-ins (an unknown token, by header or by form) are counted per
 * client address over ten minutes: past the limit, that address is answered
 * 429 with Retry-After until the window ends.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service_impl.h"

#define SESSIONS_MAX    4096
#define SESSION_SECONDS (12 * 3600)
#define FAILURE_WINDOW  600
#define ADDRESSES_MAX   1024

typedef struct session {
	char id[SVC_SECRET_SIZE];
	char csrf[SVC_SECRET_SIZE];
	char token[AP_STORE_TOKEN_SIZE];
	time_t expires;
} session;

typedef struct failures {
	char address[64];
	time_t since;
	unsigned count;
} failures;

struct svc_auth {
	session sessions[SESSIONS_MAX];
	failures addresses[ADDRESSES_MAX];
};

struct svc_auth *svc_auth_new(void)
{
	return ap_xcalloc(1, sizeof(struct svc_auth));
}

void svc_auth_free(struct svc_auth *a)
{
	if (a)
		memset(a, 0, sizeof(*a)); /* no token left in freed memory */
	free(a);
}

static time_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Equal strings, in a time that does not depend on where they differ. */
static int same_secret(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned char diff = (unsigned char)(n != m);
	for (size_t i = 0; i < n && i < m; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* ---- failures per address ------------------------------------------------ */

static failures *failures_of(struct svc_auth *a, const char *address, int make)
{
	failures *oldest = &a->addresses[0];
	time_t t = now();
	for (size_t i = 0; i < ADDRESSES_MAX; i++) {
		failures *f = &a->addresses[i];
		if (f->count && t - f->since >= FAILURE_WINDOW)
			memset(f, 0, sizeof(*f));
		if (f->count && strcmp(f->address, address) == 0)
			return f;
		if (!f->count || f->since < oldest->since)
			oldest = f;
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->address, sizeof oldest->address, "%s", address);
	oldest->since = t;
	return oldest;
}

/* 0, or the seconds to wait when `address` failed too often. */
static long blocked(svc *s, const char *address)
{
	failures *f = failures_of(s->auth, address, 0);
	if (!f || f->count < s->opt.sign_in_failures)
		return 0;
	long left = FAILURE_WINDOW - (long)(now() - f->since);
	return left > 0 ? left : 1;
}

static void failed(svc *s, const char *address)
{
	failures_of(s->auth, address, 1)->count++;
}

static void too_many(svc_response *r, long wait)
{
	char text[120], secs[24];
	snprintf(text, sizeof text,
	         "too many failed sign-ins from this address; try again in "
	         "%ld seconds",
	         wait);
	snprintf(secs, sizeof secs, "%ld", wait);
	svc_problem(r, 429, "Too Many Requests", text);
	svc_response_header(r, "Retry-After", secs);
}

/* ---- sessions ------------------------------------------------------------ */

static session *session_of(svc *s, const char *id)
{
	time_t t = now();
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		session *ss = &s->auth->sessions[i];
		if (!ss->id[0])
			continue;
		if (ss->expires <= t) {
			memset(ss, 0, sizeof(*ss));
			continue;
		}
		if (same_secret(ss->id, id))
			return ss;
	}
	return NULL;
}

static session *session_new(svc *s, const char *token)
{
	session *slot = NULL;
	time_t t = now();
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		session *ss = &s->auth->sessions[i];
		if (!ss->id[0] || ss->expires <= t) {
			slot = ss;
			break;
		}
		if (!slot || ss->expires < slot->expires)
			slot = ss; /* full: the oldest session ends */
	}
	memset(slot, 0, sizeof(*slot));
	if (ap_random_secret(slot->id) != 0 ||
	    ap_random_secret(slot->csrf) != 0) {
		memset(slot, 0, sizeof(*slot));
		return NULL;
	}
	snprintf(slot->token, sizeof slot->token, "%.43s", token);
	slot->expires = t + SESSION_SECONDS;
	return slot;
}

/* ---- the caller ---------------------------------------------------------- */

/* The account of `token`: 0, or 401 with `r` filled. */
static int account_of(svc_caller *out, svc *s, const svc_request *q,
                      const char *token, svc_response *r)
{
	ap_diags *d = ap_diags_new();
	int rc = strlen(token) == AP_STORE_TOKEN_SIZE - 1
	             ? ap_store_token_account(&out->account, s->store, token, d)
	             : AP_ENOTFOUND;
	int status = 0;
	if (rc == AP_OK)
		out->known = 1;
	else if (rc == AP_ENOTFOUND) {
		failed(s, q->peer);
		svc_problem(r, 401, "Unauthorized",
		            "the token is unknown or revoked");
		status = 401;
	} else {
		svc_store_problem(r, rc, d);
		status = r->status;
	}
	ap_diags_free(d);
	return status;
}

int svc_auth_caller(svc_caller *out, svc *s, const svc_request *q,
                    svc_response *r)
{
	memset(out, 0, sizeof(*out));
	long wait = blocked(s, q->peer);
	const char *h = svc_header(q, "Authorization");
	if (h) {
		if (wait) {
			too_many(r, wait);
			return 429;
		}
		if (strncmp(h, "Bearer ", 7) != 0 || !h[7] ||
		    strchr(h + 7, ' ')) {
			svc_problem(r, 401, "Unauthorized",
			            "malformed Authorization header: send "
			            "'Authorization: Bearer TOKEN'");
			return 401;
		}
		return account_of(out, s, q, h + 7, r);
	}
	const char *id = svc_cookie(q, "appui_session");
	session *ss = id ? session_of(s, id) : NULL;
	if (!ss)
		return 0; /* not signed in */
	int status = account_of(out, s, q, ss->token, r);
	if (status == 401) { /* revoked since: the session ends */
		memset(ss, 0, sizeof(*ss));
		return 0;
	}
	out->by_cookie = 1;
	snprintf(out->csrf, sizeof out->csrf, "%s", ss->csrf);
	return status;
}

int svc_auth_csrf_ok(const svc_caller *c, const svc_request *q,
                     const char *form_value)
{
	if (!c->by_cookie)
		return 1; /* a Bearer token is not sent by a browser by itself
		           */
	const char *h = svc_header(q, "X-CSRF-Token");
	const char *v = h ? h : form_value;
	return v && c->csrf[0] && same_secret(v, c->csrf);
}

/* ---- sign in, sign out --------------------------------------------------- */

/* The value of `name` in an application/x-www-form-urlencoded body, decoded
 * into `out` (tokens and CSRF values hold no escapes; others are refused). */
static int form_value(const svc_request *q, const char *name, char *out,
                      size_t cap)
{
	size_t n = strlen(name);
	const char *p = q->body, *end = q->body + q->body_len;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) > n && memcmp(p, name, n) == 0 &&
		    p[n] == '=') {
			size_t len = (size_t)(stop - p) - n - 1;
			if (len >= cap)
				return -1;
			memcpy(out, p + n + 1, len);
			out[len] = '\0';
			return 0;
		}
		p = amp ? amp + 1 : NULL;
	}
	return -1;
}

static void session_cookie(svc_response *r, const svc_request *q,
                           const char *id, long max_age)
{
	char *v =
	    ap_xasprintf("appui_session=%s; Path=/; HttpOnly; SameSite=Strict; "
	                 "Max-Age=%ld%s",
	                 id, max_age, q->tls ? "; Secure" : "");
	svc_response_header(r, "Set-Cookie", v);
	free(v);
}

svc_response *svc_auth_signin(svc *s, const svc_request *q)
{
	long wait = blocked(s, q->peer);
	if (wait) {
		svc_response *r = svc_page_signin(q, NULL, 429);
		char secs[24];
		snprintf(secs, sizeof secs, "%ld", wait);
		svc_response_header(r, "Retry-After", secs);
		return r;
	}
	char token[AP_STORE_TOKEN_SIZE + 8];
	if (form_value(q, "token", token, sizeof token) != 0) {
		failed(s, q->peer);
		return svc_page_signin(q, "Jeton inconnu ou révoqué.", 401);
	}
	svc_caller c;
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	int status = account_of(&c, s, q, token, r);
	if (status == 401) {
		svc_response_free(r);
		return svc_page_signin(q, "Jeton inconnu ou révoqué.", 401);
	}
	if (status) {
		memset(token, 0, sizeof token);
		return r;
	}
	session *ss = session_new(s, token);
	memset(token, 0, sizeof token);
	if (!ss) {
		svc_problem(r, 503, "Service Unavailable",
		            "no random bytes for a session; try again");
		return r;
	}
	r->status = 303;
	svc_response_header(r, "Location", "/");
	session_cookie(r, q, ss->id, SESSION_SECONDS);
	return r;
}

svc_response *svc_auth_signout(svc *s, const svc_request *q,
                               const svc_caller *c)
{
	char csrf[SVC_SECRET_SIZE + 8];
	int has = form_value(q, "csrf", csrf, sizeof csrf) == 0;
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	if (c->known && !svc_auth_csrf_ok(c, q, has ? csrf : NULL)) {
		svc_problem(r, 403, "Forbidden",
		            "the form's CSRF token is missing or wrong");
		return r;
	}
	const char *id = svc_cookie(q, "appui_session");
	session *ss = id ? session_of(s, id) : NULL;
	if (ss)
		memset(ss, 0, sizeof(*ss));
	r->status = 303;
	svc_response_header(r, "Location", "/signin");
	session_cookie(r, q, "", 0);
	return r;
}
