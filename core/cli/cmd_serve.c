/*
 * appui serve: the intake service (appui/service.h, docs/service.md), in
 * the foreground: the workers are forked first, then the store is opened,
 * then the daemon listens. One line per request on stderr. SIGTERM or
 * SIGINT: the requests in flight are answered, then it stops (status 0).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "appui/service.h"
#include "cli.h"

const char usage_serve[] =
    N_("usage: appui serve [--listen ADDRESS:PORT] [--store FILE] [--jobs N]\n"
       "                   [--strict]\n"
       "\n"
       "Serves the store over HTTP (HTTPS with service.tls in the\n"
       "configuration): firms upload case files and see their problems or\n"
       "their scores; coordinators read what arrived. See docs/service.md.\n"
       "\n"
       "  --listen ADDRESS:PORT  where to listen (default: service.listen of\n"
       "                         the configuration, else 127.0.0.1:8080);\n"
       "                         port 0 takes any free port\n"
       "  --store FILE           the store (default: store.path)\n"
       "  -s, --strict           warnings are errors\n"
       "\n"
       "Its first line on stderr is 'appui serve: listening on URL'; then one\n"
       "line per request. SIGTERM or SIGINT stops it once the requests in\n"
       "flight are answered. Exit status: 0 stopped, 2 usage, 3 set-up (the\n"
       "store, the address, the certificate).\n");

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void catch_stop(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

static void listening(void *ctx, const char *url)
{
	(void)ctx;
	fprintf(stderr, _("appui serve: listening on %s\n"), url);
	fflush(stderr);
}

static void options_of(ap_service_options *so, const options *o,
                       const ap_config *cfg)
{
	ap_service_settings st;
	ap_config_service(&st, cfg);
	so->listen = o->listen ? o->listen : st.listen;
	so->tls_certificate = st.tls_certificate;
	so->tls_key = st.tls_key;
	so->max_body_bytes = st.max_body_bytes;
	so->max_connections = st.max_connections;
	so->max_per_address = st.max_per_address;
	so->idle_timeout = st.idle_timeout;
	so->request_timeout = st.request_timeout;
	so->max_problems = st.max_problems;
	so->page_size = st.page_size;
	so->sign_in_failures = st.sign_in_failures;
	so->log = stderr;
	so->stop = &stopping;
	so->on_listening = listening;
}

static int start_pool(ap_pool **pool, const options *o, const setup *s,
                      ap_diags *d)
{
	ap_pool_options po = AP_POOL_OPTIONS_INIT;
	po.workers = (size_t)o->jobs;
	po.case_time_limit = ap_config_case_time_limit(s->cfg);
	po.strict = o->strict;
	po.parts = AP_POOL_JSON | AP_POOL_ROW | AP_POOL_META;
	po.ordered = 0;
	return ap_pool_new(pool, s->reader, s->host, &po, d);
}

int cmd_serve(const options *o, int argc, char **argv)
{
	(void)argv;
	/* The service answers programs, and its log is read by them: English
	 * in every locale (docs/service.md). */
	ap_i18n_off();
	if (argc > 0) {
		fputs(_(usage_serve), stderr);
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new();
	setup s;
	ap_pool *pool = NULL;
	ap_store *store = NULL;
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	catch_stop();
	/* The workers first: they hold nothing of the store or the
	 * daemon. */
	if (start_pool(&pool, o, &s, d) != AP_OK) {
		print_diags(stderr, d, 0);
		rc = EXIT_SETUP;
		goto out;
	}
	rc = open_store(o, s.cfg, 0, &store);
	if (rc)
		goto out;
	ap_service_options so = AP_SERVICE_OPTIONS_INIT;
	options_of(&so, o, s.cfg);
	int status = ap_service_run(store, pool, &so, d);
	print_diags(stderr, d, 0);
	rc = status == AP_OK ? 0 : ap_status_exit_code((ap_status)status);
	if (status == AP_OK)
		fputs(_("appui serve: stopped\n"), stderr);
out:
	ap_store_close(store);
	ap_pool_free(pool);
	setup_free(&s);
	ap_diags_free(d);
	return rc;
}
