/*
 * The worker pool: case files read, checked and scored in isolated worker
 * processes, for the command and the service alike.
 *
 * The workers are forked by ap_pool_new(), after the configuration, the
 * plugins and the schema were loaded (shared copy-on-write) and before the
 * caller opens a store or starts a daemon; a worker that dies is replaced by
 * a process that holds no descriptor of the caller's but its own pipes. A
 * plugin that crashes or runs past the case time limit costs that case and
 * that theme only: the task is retried without the theme, and the failure is
 * one of the task's problems, naming the plugin.
 *
 * A task is a path (the worker opens it) or bytes (an upload that arrived
 * after the workers were forked). Results come back as typed parts, never as
 * JSON parsed again. The pool can be driven by a blocking loop
 * (ap_pool_wait) or from the caller's own event loop (ap_pool_fds, then
 * ap_pool_dispatch when one of them is readable or the timeout passed).
 */
#ifndef APPUI_POOL_H
#define APPUI_POOL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "appui/case.h"
#include "appui/common.h"
#include "appui/diag.h"
#include "appui/host.h"
#include "appui/plan.h"
#include "appui/reader.h"
#include "appui/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a task's result carries, as bits; 0: read and check only (validity
 * and problems). */
enum ap_pool_want {
	AP_POOL_CHECK = 0,
	AP_POOL_CASE_JSON = 1u << 0, /* the case's JSON, as
	                                ap_report_json_case_text() writes it */
	AP_POOL_ROW = 1u << 1,       /* the table row */
	AP_POOL_EXPLAIN = 1u << 2,   /* the explanation (ap_report_explain);
	                                with AP_POOL_ROW, also in the row */
	AP_POOL_SITE = 1u << 3,      /* what the planner needs */
	AP_POOL_INFO = 1u << 4       /* the case's identity (ap_pool_info) */
};

#define AP_POOL_OPTIONS_VERSION 1

typedef struct ap_pool_options {
	unsigned version;       /* AP_POOL_OPTIONS_VERSION */
	size_t workers;         /* 0: one per online core; at most 64 */
	double case_time_limit; /* seconds per case and attempt; 0: 10 */
	int strict;             /* a warning about a case file is an error */
	int ordered;            /* results delivered in submission order */
} ap_pool_options;

#define AP_POOL_OPTIONS_INIT                          \
	{                                             \
		AP_POOL_OPTIONS_VERSION, 0, 0.0, 0, 0 \
	}

/* Who and what a case is about (AP_POOL_INFO). */
typedef struct ap_pool_info {
	const char *case_id, *site_id, *site_name, *commune;
	const char *organisation_id, *organisation_name, *firm;
	ap_date date; /* of the diagnostic */
	int has_mission, days;
	double priority;
} ap_pool_info;

/* One task's result; everything in it is valid during the callback only. */
typedef struct ap_pool_result {
	uint64_t id; /* as ap_pool_submit_*() returned it */
	void *tag;   /* as given to ap_pool_submit_*() */
	int valid;   /* read, checked and, when asked, scored */
	int scored;  /* every theme asked was scored (no plugin failed) */
	const ap_diags *problems; /* the case's, with the plugins that
	                             crashed or ran past the time limit */
	const char *case_json;    /* AP_POOL_CASE_JSON, or NULL */
	size_t case_json_len;
	const ap_score_row *row; /* AP_POOL_ROW, or NULL */
	const char *explain;     /* AP_POOL_EXPLAIN, or NULL */
	size_t explain_len;
	const ap_plan_site *site; /* AP_POOL_SITE, or NULL */
	const ap_pool_info *info; /* AP_POOL_INFO, or NULL */
} ap_pool_result;

typedef void (*ap_pool_on_result)(void *ctx, const ap_pool_result *r);

typedef struct ap_pool ap_pool;

/*
 * Forks the workers. `reader` and `host` must outlive the pool; the workers
 * use their copies. Each result is given to `on_result(ctx, ...)`, from
 * ap_pool_dispatch() or ap_pool_wait(). Returns 0, or -1 with the reason in
 * `d` (no worker could be started).
 */
AP_API int ap_pool_new(ap_pool **out, const ap_pool_options *opt,
                       ap_reader *reader, const ap_host *host,
                       ap_pool_on_result on_result, void *ctx, ap_diags *d);

/* Stops the workers (killed when busy) and frees the pool; results not
 * delivered are dropped. */
AP_API void ap_pool_free(ap_pool *p);

/*
 * Queues a task: the file at `path` (problems name it), or `len` bytes named
 * `name` (copied; the caller may free them on return). `want` is a set of
 * enum ap_pool_want. Returns 0 and the task's id in `*id` (may be NULL).
 */
AP_API int ap_pool_submit_path(uint64_t *id, ap_pool *p, const char *path,
                               unsigned want, void *tag);
AP_API int ap_pool_submit_bytes(uint64_t *id, ap_pool *p, const char *name,
                                const void *data, size_t len, unsigned want,
                                void *tag);

/* Tasks queued or running whose result was not delivered yet. */
AP_API size_t ap_pool_pending(const ap_pool *p);

/*
 * For the caller's event loop: fills `fds` (room for `max`) with the
 * descriptors to poll for POLLIN and returns how many; `*timeout_ms` is the
 * longest the caller may wait before calling ap_pool_dispatch() (-1: no
 * limit), so that time limits are enforced.
 */
AP_API size_t ap_pool_fds(struct pollfd *fds, int *timeout_ms, const ap_pool *p,
                          size_t max);

/* Reads what the workers sent, enforces time limits, replaces dead workers,
 * sends queued tasks, and delivers results. Never blocks. Returns 0, or -1
 * when no worker can be started any more. */
AP_API int ap_pool_dispatch(ap_pool *p);

/*
 * The blocking loop: waits at most `timeout_ms` (-1: until a result) and
 * dispatches. Returns 0, 1 when a signal interrupted the wait (EINTR: the
 * caller checks its own flag), -1 as ap_pool_dispatch().
 */
AP_API int ap_pool_wait(ap_pool *p, int timeout_ms);

/* Runs until every task was delivered (or a signal interrupts: 1). */
AP_API int ap_pool_drain(ap_pool *p);

#ifdef __cplusplus
}
#endif

#endif
