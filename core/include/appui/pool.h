/*
 * The worker pool: case files read, checked and scored in worker processes,
 * so that a hostile file or a plugin that crashes or hangs costs one task and
 * one theme, never its caller.
 *
 * The workers are forked by ap_pool_new() (and again after one dies) from
 * the caller's reader and host, loaded once and shared copy-on-write. A task
 * is a path, or the bytes of a case file (an upload that arrived after the
 * workers were forked). Results come back as typed parts: the problems, the
 * case's JSON text, its table row, what the planner needs of it.
 *
 * When a worker dies or runs past the case time limit, the plugin it was
 * running is named in the task's problems ("plugin 'x' crashed on FILE:
 * signal 11 (SIGSEGV); ...") and the task is given to a new worker with that
 * theme skipped, so its other themes are still scored.
 *
 * The pool is driven either by a blocking loop (ap_pool_wait) or from the
 * caller's own event loop: poll the descriptors ap_pool_fds() gives, then
 * call ap_pool_dispatch(). It never touches the caller's signal dispositions
 * (SIGPIPE included). A new worker closes every descriptor the caller opened
 * after ap_pool_new() (client sockets, databases): it holds nothing that is
 * not its own. One thread uses a pool at a time.
 */
#ifndef APPUI_POOL_H
#define APPUI_POOL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "appui/common.h"
#include "appui/diag.h"
#include "appui/host.h"
#include "appui/plan.h"
#include "appui/reader.h"
#include "appui/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a result carries besides its problems (ap_pool_options.parts). With
 * none, a task is read and checked only. */
enum {
	AP_POOL_JSON = 1u << 0,    /* the case's JSON text */
	AP_POOL_ROW = 1u << 1,     /* its table row */
	AP_POOL_EXPLAIN = 1u << 2, /* the row with the explanation */
	AP_POOL_SITE = 1u << 3,    /* what the planner needs of it */
	AP_POOL_META = 1u << 4     /* the digest of the bytes read, and what
	                              the store files it under (needs no
	                              scoring) */
};

/* AP_POOL_META: the bytes that were read and checked, and what a valid
 * case says of itself, as the reader found it. */
typedef struct ap_pool_meta {
	const char *sha256;  /* of the bytes read: 64 lower-case hex digits */
	size_t size;         /* how many */
	const char *case_id; /* these four are NULL when the case is invalid */
	const char *site_id;
	const char *organisation_id;
	const char *firm;  /* diagnostic/@firm */
	ap_date diagnosed; /* year 0 when invalid */
} ap_pool_meta;

#define AP_POOL_MAX_WORKERS 64

#define AP_POOL_OPTIONS_VERSION 1
typedef struct ap_pool_options {
	int version;            /* AP_POOL_OPTIONS_VERSION */
	size_t workers;         /* 0: one per core; at most 64 */
	double case_time_limit; /* seconds per task and attempt; 0: none */
	int strict;             /* warnings are errors */
	unsigned parts;         /* AP_POOL_JSON | ... */
	int ordered; /* ap_pool_take() in submission order (else: as done) */
} ap_pool_options;
#define AP_POOL_OPTIONS_INIT                                         \
	{                                                            \
		AP_POOL_OPTIONS_VERSION, 0, 10.0, 0, AP_POOL_JSON, 1 \
	}

typedef struct ap_pool ap_pool;

/* One task's result; everything in it is the result's own. */
typedef struct ap_pool_result {
	uint64_t id;      /* as the submission gave it */
	const char *name; /* the path, or the name the bytes were given */
	int valid;        /* read and checked without error */
	ap_diags *diags;  /* its problems: crashed or hung plugins first,
	                     then the file's and the scoring's */
	const char *json; /* AP_POOL_JSON: as ap_report_json_case_text()
	                     writes it, NUL-terminated; NULL when invalid */
	size_t json_len;
	ap_score_row *row; /* AP_POOL_ROW: NULL when invalid; the caller may
	                      move it out (copy it and zero *row) */
	const ap_plan_site *site; /* AP_POOL_SITE: NULL when invalid */
	const ap_pool_meta *meta; /* AP_POOL_META: NULL when the file could
	                             not be read */
} ap_pool_result;

/*
 * Starts the workers. `r` and `h` must outlive the pool (a replacement
 * worker is forked from them). Returns AP_OK, AP_EINVALID for bad options,
 * or AP_ESETUP when the workers cannot be started; the reason is in `d`.
 */
AP_API int ap_pool_new(ap_pool **out, ap_reader *r, const ap_host *h,
                       const ap_pool_options *opt, ap_diags *d);

/* Stops the workers (a busy one is killed) and frees the pool and the
 * results not taken. */
AP_API void ap_pool_free(ap_pool *p);

/* Queues a case file by path; `*id` names it in its result. Returns AP_OK. */
AP_API int ap_pool_submit_path(uint64_t *id, ap_pool *p, const char *path);

/* Queues a case file's bytes (copied), named `name` in its problems.
 * Returns AP_OK, or AP_EINVALID when len > AP_MAX_FILE_BYTES. */
AP_API int ap_pool_submit_bytes(uint64_t *id, ap_pool *p, const char *name,
                                const void *data, size_t len);

/* Tasks submitted and not yet taken. */
AP_API size_t ap_pool_pending(const ap_pool *p);

/*
 * For the caller's event loop: fills `fds` (room for `cap`; at most
 * AP_POOL_MAX_WORKERS are needed) with the descriptors to poll and their
 * events, and `*timeout_ms` with the longest the loop may wait before calling
 * ap_pool_dispatch() (for the time limit; -1: no limit). Hands out queued
 * tasks first. Returns how many descriptors were filled.
 */
AP_API size_t ap_pool_fds(struct pollfd *fds, int *timeout_ms, ap_pool *p,
                          size_t cap);

/* After poll() on what ap_pool_fds() gave (with its revents): reads results,
 * sends tasks, ends workers past the time limit and replaces dead ones.
 * Returns AP_OK, or AP_ESETUP when a worker cannot be replaced (reason in
 * `d`). */
AP_API int ap_pool_dispatch(ap_pool *p, const struct pollfd *fds, size_t n,
                            ap_diags *d);

/* ap_pool_fds(), poll() for at most `timeout_ms` (-1: until something
 * happens), ap_pool_dispatch(). Returns as ap_pool_dispatch(), or
 * AP_EINTERRUPTED when a signal interrupted the wait. */
AP_API int ap_pool_wait(ap_pool *p, int timeout_ms, ap_diags *d);

/* The next result (in submission order when `ordered`): 1 and `*out` (to
 * free with ap_pool_result_free), or 0 when none is ready. */
AP_API int ap_pool_take(ap_pool_result **out, ap_pool *p);
AP_API void ap_pool_result_free(ap_pool_result *r);

/* What the pool has done, for a service's health page. */
typedef struct ap_pool_info {
	size_t workers;    /* running now */
	size_t pending;    /* submitted, not yet taken */
	uint64_t done;     /* results taken */
	uint64_t replaced; /* workers that died or ran out of time */
} ap_pool_info;
AP_API void ap_pool_info_of(ap_pool_info *out, const ap_pool *p);

#ifdef __cplusplus
}
#endif

#endif
