/*
 * The intake service (appui serve): an HTTP service over the store, where
 * consulting firms upload their case files and see their problems or their
 * scores, and coordinators read what arrived. docs/service.md is its guide:
 * the API, the pages, the accounts, the limits and the status codes.
 *
 * Uploads are validated and scored in the caller's worker pool (forked
 * before the store is opened and before the daemon starts): a hostile or
 * crashing input costs its own request. The service runs in the caller's
 * thread until *opt->stop is set (a signal handler sets it), then stops
 * taking connections, answers the requests in flight (for at most
 * opt->request_timeout seconds) and returns.
 */
#ifndef APPUI_SERVICE_H
#define APPUI_SERVICE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/diag.h"
#include "appui/pool.h"
#include "appui/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AP_SERVICE_OPTIONS_VERSION 1
typedef struct ap_service_options {
	int version;        /* AP_SERVICE_OPTIONS_VERSION */
	const char *listen; /* "ADDRESS:PORT" (IPv6 as [ADDR]:PORT); port 0:
	                       any free port; NULL: 127.0.0.1:8080 */
	const char *tls_certificate; /* PEM files: HTTPS when both are set */
	const char *tls_key;
	size_t max_body_bytes;       /* an upload's largest body */
	unsigned max_connections;    /* in all */
	unsigned max_per_address;    /* from one client address */
	unsigned idle_timeout;       /* seconds a connection may stay silent */
	unsigned request_timeout;    /* seconds a request may take to arrive */
	size_t max_problems;         /* problems returned per upload */
	size_t page_size;            /* default and largest listing page */
	unsigned sign_in_failures;   /* failed sign-ins from one address in
	                                10 minutes before 429 */
	FILE *log;                   /* one line per request; NULL: none */
	volatile sig_atomic_t *stop; /* set to stop the service */
	/* Called once the service listens, with its address as a URL. */
	void (*on_listening)(void *ctx, const char *url);
	void *ctx;
} ap_service_options;
#define AP_SERVICE_OPTIONS_INIT                                              \
	{                                                                    \
		AP_SERVICE_OPTIONS_VERSION, NULL, NULL, NULL, 10000000, 256, \
		    32, 30, 60, 100, 100, 10, NULL, NULL, NULL, NULL         \
	}

/*
 * Serves until *opt->stop is set. `store` is open (after the pool was
 * started) and used by this thread only. Returns AP_OK after a clean stop,
 * AP_ESETUP when the service cannot start (address taken, bad certificate),
 * AP_EUSAGE for bad options; the reason is in `d`.
 */
AP_API int ap_service_run(ap_store *store, ap_pool *pool,
                          const ap_service_options *opt, ap_diags *d);

#ifdef __cplusplus
}
#endif

#endif
