/*
 * The service's HTTP, on libmicrohttpd (the only file that uses it): one
 * thread, one event loop over the daemon's epoll descriptor and the worker
 * pool's pipes. A request is read (its body bounded), handed to the
 * handling (service_core.c), and answered at once or, when it waits for
 * the pool, suspended until its job is done.
 *
 * Limits: connections in all and per address, an idle timeout (the
 * daemon's), and a total time for a request to arrive, counted from the
 * connection's start or its previous answer: a client that trickles a
 * request in byte by byte is cut when that time is up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "service_impl.h"

#define MAX_KV 64

/* A connection, from its start to its close: for the total time limit. */
typedef struct conn_link {
	struct conn_link *next, *prev;
	int fd;
	double since; /* its request started arriving (or it opened) */
	int waiting;  /* its request waits for the pool: not counted */
} conn_link;

/* One request, from its first header to its answer. */
typedef struct request {
	struct MHD_Connection *mc;
	svc_kv headers[MAX_KV], args[MAX_KV], cookies[MAX_KV];
	size_t n_headers, n_args, n_cookies;
	ap_buf body;
	int too_large;         /* its body is over the limit */
	int answered;          /* a response was queued */
	int suspended;         /* waiting for its job */
	svc_response *pending; /* its job's answer, to queue on resume */
	char peer[64];
	double started;
	int status;
	size_t sent;
	char who[AP_STORE_NAME_SIZE];
	char *method, *path; /* for the log line */
	conn_link *ln;
} request;

typedef struct server {
	svc *s;
	const ap_service_options *opt;
	struct MHD_Daemon *d;
	conn_link *links;
	size_t active; /* requests between their first header and their end */
	int tls;
	int stopping; /* SIGTERM: the requests in flight are answered, each
	                 connection closed after its answer, no new request */
} server;

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- log ------------------------------------------------------------------
 */

static void log_line(server *sv, const request *rq, const char *method,
                     const char *path)
{
	FILE *f = sv->opt->log;
	if (!f)
		return;
	char at[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The path as inert text: no query (nothing secret is sent in one,
	 * but nothing is kept that need not be), never a token or a body. */
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_inert(&b, path, 0);
	fprintf(f, "%s %s %s %s %d %zu %.1fms %s\n", at, rq->peer, method,
	        b.data ? b.data : "", rq->status, rq->sent,
	        (mono() - rq->started) * 1000, rq->who[0] ? rq->who : "-");
	fflush(f);
	ap_buf_free(&b);
}

/* libmicrohttpd's messages, given as a format and its arguments. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	server *sv = cls;
	if (!sv->opt->log)
		return;
	fputs("appui serve: http: ", sv->opt->log);
	vfprintf(sv->opt->log, fmt, ap);
	fflush(sv->opt->log);
}

/* ---- answers --------------------------------------------------------------
 */

static void security_headers(struct MHD_Response *m, const server *sv,
                             const char *type, int own_csp)
{
	MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(m, "X-Frame-Options", "DENY");
	MHD_add_response_header(m, "Cache-Control", "no-store");
	MHD_add_response_header(m, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(m, "Cross-Origin-Resource-Policy",
	                        "same-origin");
	/* The report names its own style and script by their hashes in its
	 * page (both policies apply): this one adds what a page cannot say. */
	if (own_csp)
		MHD_add_response_header(
		    m, "Content-Security-Policy",
		    "default-src 'none'; img-src data:; "
		    "style-src 'unsafe-inline'; script-src "
		    "'unsafe-inline'; frame-ancestors 'none'; "
		    "base-uri 'none'; form-action 'none'");
	else if (strncmp(type, "text/html", 9) == 0)
		MHD_add_response_header(
		    m, "Content-Security-Policy",
		    "default-src 'self'; script-src 'self'; style-src 'self'; "
		    "img-src 'self' data:; connect-src 'self'; "
		    "form-action 'self'; frame-ancestors 'none'; "
		    "base-uri 'none'; object-src 'none'");
	if (sv->tls)
		MHD_add_response_header(m, "Strict-Transport-Security",
		                        "max-age=31536000");
}

static enum MHD_Result send_response(server *sv, request *rq, svc_response *r)
{
	struct MHD_Response *m = MHD_create_response_from_buffer(
	    r->body.len, r->body.data ? r->body.data : (void *)"",
	    MHD_RESPMEM_MUST_COPY);
	if (!m)
		ap_oom();
	MHD_add_response_header(m, "Content-Type", r->type);
	security_headers(m, sv, r->type, r->own_csp);
	for (size_t i = 0; i < r->n_extra; i++)
		MHD_add_response_header(m, r->extra[i].name, r->extra[i].value);
	if (sv->stopping) /* a kept-alive client sends no more here */
		MHD_add_response_header(m, "Connection", "close");
	rq->status = r->status;
	rq->sent = r->body.len;
	rq->answered = 1;
	enum MHD_Result ok = MHD_queue_response(rq->mc, (unsigned)r->status, m);
	MHD_destroy_response(m);
	svc_response_free(r);
	return ok;
}

/* ---- requests -------------------------------------------------------------
 */

static enum MHD_Result add_kv(void *cls, enum MHD_ValueKind kind,
                              const char *key, const char *value)
{
	request *rq = cls;
	svc_kv *v = kind == MHD_HEADER_KIND         ? rq->headers
	            : kind == MHD_GET_ARGUMENT_KIND ? rq->args
	                                            : rq->cookies;
	size_t *n = kind == MHD_HEADER_KIND         ? &rq->n_headers
	            : kind == MHD_GET_ARGUMENT_KIND ? &rq->n_args
	                                            : &rq->n_cookies;
	if (*n < MAX_KV)
		v[(*n)++] = (svc_kv){key, value};
	return MHD_YES;
}

static void peer_of(struct MHD_Connection *mc, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, cap, "-");
	if (!ci || !ci->client_addr)
		return;
	socklen_t len = ci->client_addr->sa_family == AF_INET6
	                    ? sizeof(struct sockaddr_in6)
	                    : sizeof(struct sockaddr_in);
	if (getnameinfo(ci->client_addr, len, out, (socklen_t)cap, NULL, 0,
	                NI_NUMERICHOST) != 0)
		snprintf(out, cap, "-");
}

static request *request_new(server *sv, struct MHD_Connection *mc,
                            const char *method, const char *url)
{
	request *rq = ap_xcalloc(1, sizeof(*rq));
	rq->mc = mc;
	rq->method = ap_xstrdup(method);
	rq->path = ap_xstrdup(url);
	rq->started = mono();
	ap_buf_init(&rq->body);
	peer_of(mc, rq->peer, sizeof rq->peer);
	MHD_get_connection_values(mc, MHD_HEADER_KIND, add_kv, rq);
	MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, add_kv, rq);
	MHD_get_connection_values(mc, MHD_COOKIE_KIND, add_kv, rq);
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	rq->ln = ci ? ci->socket_context : NULL;
	sv->active++;
	return rq;
}

static svc_request view_of(const request *rq, const char *method,
                           const char *url, int tls)
{
	svc_request q = {
	    .method = method,
	    .path = url,
	    .headers = rq->headers,
	    .args = rq->args,
	    .cookies = rq->cookies,
	    .n_headers = rq->n_headers,
	    .n_args = rq->n_args,
	    .n_cookies = rq->n_cookies,
	    .body = rq->body.data ? rq->body.data : "",
	    .body_len = rq->body.len,
	    .peer = rq->peer,
	    .tls = tls,
	};
	return q;
}

static enum MHD_Result too_large(server *sv, request *rq)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	char text[128];
	snprintf(text, sizeof text,
	         "the body is more than the %zu bytes this service takes",
	         sv->opt->max_body_bytes);
	svc_problem(r, 413, "Content Too Large", text);
	svc_response_header(r, "Connection", "close");
	return send_response(sv, rq, r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **ctx)
{
	(void)version;
	server *sv = cls;
	request *rq = *ctx;
	if (!rq) { /* the headers are in */
		rq = *ctx = request_new(sv, mc, method, url);
		svc_request q = view_of(rq, method, url, sv->tls);
		svc_response *r =
		    sv->stopping
		        ? svc_stopping()
		        : svc_precheck(sv->s, &q, sv->opt->max_body_bytes);
		return r ? send_response(sv, rq, r) : MHD_YES;
	}
	if (rq->answered) { /* answered on its headers: the rest is dropped */
		*size = 0;
		return MHD_YES;
	}
	if (*size) {
		/* A body over the limit (chunked: no length was declared) is
		 * read and dropped, and answered 413 once it ends; the total
		 * time limit cuts one that never ends. */
		if (rq->too_large ||
		    rq->body.len + *size > sv->opt->max_body_bytes)
			rq->too_large = 1;
		else
			ap_buf_add(&rq->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return too_large(sv, rq);
	if (rq->pending) { /* resumed: its job is done */
		svc_response *r = rq->pending;
		rq->pending = NULL;
		return send_response(sv, rq, r);
	}
	svc_request q = view_of(rq, method, url, sv->tls);
	svc_response *r = svc_handle(sv->s, &q, rq);
	if (r) {
		if (r->who[0])
			snprintf(rq->who, sizeof rq->who, "%s", r->who);
		return send_response(sv, rq, r);
	}
	rq->suspended = 1;
	if (rq->ln)
		rq->ln->waiting = 1;
	MHD_suspend_connection(mc);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **ctx,
                         enum MHD_RequestTerminationCode why)
{
	(void)mc;
	(void)why;
	server *sv = cls;
	request *rq = *ctx;
	if (!rq)
		return;
	svc_forget(sv->s, rq);
	if (!rq->answered)
		rq->status = 499; /* the client went away before its answer */
	log_line(sv, rq, rq->method, rq->path);
	if (rq->ln) { /* the next request's time starts now */
		rq->ln->since = mono();
		rq->ln->waiting = 0;
	}
	svc_response_free(rq->pending);
	ap_buf_free(&rq->body);
	free(rq->method);
	free(rq->path);
	free(rq);
	*ctx = NULL;
	sv->active--;
}

/* ---- connections ----------------------------------------------------------
 */

static void on_connection(void *cls, struct MHD_Connection *mc, void **sock,
                          enum MHD_ConnectionNotificationCode code)
{
	server *sv = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_link *ln = ap_xcalloc(1, sizeof(*ln));
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		    mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		ln->fd = ci ? ci->connect_fd : -1;
		ln->since = mono();
		ln->next = sv->links;
		if (sv->links)
			sv->links->prev = ln;
		sv->links = ln;
		*sock = ln;
		return;
	}
	conn_link *ln = *sock;
	if (!ln)
		return;
	if (ln->prev)
		ln->prev->next = ln->next;
	else
		sv->links = ln->next;
	if (ln->next)
		ln->next->prev = ln->prev;
	free(ln);
	*sock = NULL;
}

/* A request that takes longer than the limit to arrive is cut: its socket
 * is shut, and the daemon closes the connection. */
static void cut_slow(server *sv)
{
	double now = mono(), limit = sv->opt->request_timeout;
	for (conn_link *ln = sv->links; ln; ln = ln->next)
		if (!ln->waiting && ln->fd >= 0 && now - ln->since > limit) {
			shutdown(ln->fd, SHUT_RDWR);
			ln->fd = -1;
		}
}

/* The answers of the jobs that are done, to their connections. */
static void resume_done(server *sv)
{
	svc_done done[64];
	size_t n;
	while ((n = svc_collect(sv->s, done, 64)) > 0)
		for (size_t i = 0; i < n; i++) {
			request *rq = done[i].conn;
			rq->pending = done[i].resp;
			if (rq->pending->who[0])
				snprintf(rq->who, sizeof rq->who, "%s",
				         rq->pending->who);
			rq->suspended = 0;
			MHD_resume_connection(rq->mc);
		}
}

/* ---- the daemon -----------------------------------------------------------
 */

/* "ADDR:PORT" or "[ADDR6]:PORT" into `out`. Returns 0, or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *out,
                        socklen_t *len)
{
	char host[64];
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' ||
		    (size_t)(end - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	long port = 0;
	const char *p = colon + 1;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || port > 65535)
			return -1;
		port = port * 10 + (*p - '0');
	}
	if (port > 65535)
		return -1;
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
	return -1;
}

static char *read_pem(const char *path, ap_diags *d)
{
	ap_buf b;
	ap_buf_init(&b);
	if (ap_read_regular(path, 1 << 20, &b, NULL) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "tls",
		             "cannot read the file: %s", strerror(errno));
		ap_buf_free(&b);
		return NULL;
	}
	ap_buf_putc(&b, '\0');
	return b.data;
}

static int start(server *sv, const struct sockaddr_storage *addr, char *cert,
                 char *key, ap_diags *d)
{
	const ap_service_options *o = sv->opt;
	unsigned flags =
	    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (sv->tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
	    {MHD_OPTION_END, 0, NULL},
	};
	sv->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, sv, MHD_OPTION_EXTERNAL_LOGGER,
	    mhd_log, sv, MHD_OPTION_SOCK_ADDR, addr,
	    MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_address,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, sv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, sv,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_ARRAY,
	    sv->tls ? tls : tls + 2, MHD_OPTION_END);
	if (!sv->d) {
		ap_diags_add(d, AP_ERROR, "serve", 0, "listen",
		             "cannot listen on %s: %s%s",
		             o->listen ? o->listen : "127.0.0.1:8080",
		             errno ? strerror(errno)
		                   : "the daemon did not start",
		             sv->tls ? " (or the certificate and key are not a "
		                       "pair of PEM files)"
		                     : "");
		return AP_ESETUP;
	}
	return AP_OK;
}

static void say_listening(server *sv, const struct sockaddr_storage *addr)
{
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_BIND_PORT);
	char host[64] = "?";
	const void *a =
	    addr->ss_family == AF_INET6
	        ? (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr
	        : (const void *)&((const struct sockaddr_in *)addr)->sin_addr;
	inet_ntop(addr->ss_family, a, host, sizeof host);
	char url[128];
	snprintf(url, sizeof url, "%s://%s%s%s:%u", sv->tls ? "https" : "http",
	         addr->ss_family == AF_INET6 ? "[" : "", host,
	         addr->ss_family == AF_INET6 ? "]" : "",
	         di ? (unsigned)di->port : 0u);
	if (sv->opt->on_listening)
		sv->opt->on_listening(sv->opt->ctx, url);
}

/* One turn of the loop: wait for the daemon or the pool, then run both. */
static int turn(server *sv, int epfd, ap_diags *d)
{
	struct pollfd fds[1 + AP_POOL_MAX_WORKERS];
	int pool_wait = -1;
	fds[0] = (struct pollfd){.fd = epfd, .events = POLLIN};
	size_t n = 1 + ap_pool_fds(fds + 1, &pool_wait, sv->s->pool,
	                           AP_POOL_MAX_WORKERS);
	MHD_UNSIGNED_LONG_LONG mhd_wait = 0;
	int wait = 250; /* the stop flag and the slow requests are checked */
	if (MHD_get_timeout(sv->d, &mhd_wait) == MHD_YES &&
	    mhd_wait < (MHD_UNSIGNED_LONG_LONG)wait)
		wait = (int)mhd_wait;
	if (pool_wait >= 0 && pool_wait < wait)
		wait = pool_wait;
	int k = poll(fds, (nfds_t)n, wait);
	if (k < 0 && errno != EINTR)
		return AP_ESETUP;
	if (k < 0)
		for (size_t i = 0; i < n; i++)
			fds[i].revents = 0;
	int rc = ap_pool_dispatch(sv->s->pool, fds + 1, n - 1, d);
	if (rc != AP_OK)
		return rc;
	resume_done(sv);
	MHD_run(sv->d);
	cut_slow(sv);
	return AP_OK;
}

static int serve(server *sv, ap_diags *d)
{
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_EPOLL_FD);
	int epfd = di ? di->epoll_fd : -1;
	int rc = AP_OK;
	while (rc == AP_OK && !*sv->opt->stop)
		rc = turn(sv, epfd, d);
	/* Stop: no new connection, no new request on a kept-alive one (503);
	 * the requests in flight are answered. */
	sv->stopping = 1;
	int lfd = MHD_quiesce_daemon(sv->d);
	if (lfd >= 0)
		close(lfd);
	double until = mono() + sv->opt->request_timeout;
	while (rc == AP_OK && (sv->active || svc_jobs(sv->s)) && mono() < until)
		rc = turn(sv, epfd, d);
	return rc;
}

int ap_service_run(ap_store *store, ap_pool *pool,
                   const ap_service_options *opt, ap_diags *d)
{
	if (!opt || opt->version != AP_SERVICE_OPTIONS_VERSION || !opt->stop ||
	    !store || !pool || !opt->max_body_bytes || !opt->page_size ||
	    !opt->max_connections || !opt->request_timeout) {
		ap_diags_add(d, AP_ERROR, "serve", 0, "",
		             "bad service options");
		return AP_EUSAGE;
	}
	struct sockaddr_storage addr;
	socklen_t len;
	const char *listen = opt->listen ? opt->listen : "127.0.0.1:8080";
	if (parse_listen(listen, &addr, &len) != 0) {
		ap_diags_add(d, AP_ERROR, "serve", 0, "listen",
		             "'%s' is not ADDRESS:PORT (as 127.0.0.1:8080 or "
		             "[::1]:8080)",
		             listen);
		return AP_EUSAGE;
	}
	server sv = {.opt = opt};
	sv.tls = opt->tls_certificate && opt->tls_key;
	char *cert = NULL, *key = NULL;
	if (sv.tls && (!(cert = read_pem(opt->tls_certificate, d)) ||
	               !(key = read_pem(opt->tls_key, d)))) {
		free(cert);
		return AP_ESETUP;
	}
	sv.s = svc_new(store, pool, opt);
	int rc = start(&sv, &addr, cert, key, d);
	if (rc == AP_OK) {
		say_listening(&sv, &addr);
		rc = serve(&sv, d);
		MHD_stop_daemon(sv.d);
	}
	svc_free(sv.s);
	if (key)
		memset(key, 0, strlen(key));
	free(cert);
	free(key);
	return rc;
}
