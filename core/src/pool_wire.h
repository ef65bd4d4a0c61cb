/*
 * The pool's wire format, between the parent and its workers (pool.c,
 * pool_worker.c). Messages are length-prefixed on a socket pair, and both
 * ends read them from a buffer, many per system call:
 *
 *   parent -> worker: task   u32 size, u64 id, u32 is_bytes, u32 n_skip,
 *                            then parts: the name (a path when !is_bytes),
 *                            the bytes (empty for a path), n_skip theme ids
 *   worker -> parent: 'R', u64 id, u32 size, then the result's parts:
 *                     valid ("1"/"0"), the problems, the JSON text (with
 *                     its NUL), the row, the site, the meta (each empty
 *                     when not asked for or invalid)
 *
 * A part is a u32 length and bytes. Both ends are the same program on the
 * same machine: integers are in its byte order.
 */
#ifndef APPUI_POOL_WIRE_H
#define APPUI_POOL_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "appui/diag.h"
#include "appui/plan.h"
#include "appui/pool.h"
#include "appui/reader.h"
#include "appui/report.h"

#define POOL_MAX_SKIP      16
#define POOL_TASK_HEAD     20 /* size, id, is_bytes, n_skip */
#define POOL_RESULT_HEAD   13 /* 'R', id, size */
#define POOL_MAX_TASK      (AP_MAX_FILE_BYTES + (1u << 20))
#define POOL_MAX_RESULT    (256u << 20)
#define POOL_SITE_THEMES   32
#define POOL_SITE_PARTIALS ((1u << AP_PARTIAL_MAX_THEMES) - 2)

/* Bytes to send, or received and not yet taken. */
typedef struct pool_bytes {
	char *data;
	size_t len, pos, cap;
} pool_bytes;

void pool_bytes_add(pool_bytes *b, const void *s, size_t n);
void pool_bytes_u32(pool_bytes *b, uint32_t v);
void pool_bytes_u64(pool_bytes *b, uint64_t v);
/* A u32 length and bytes. */
void pool_bytes_part(pool_bytes *b, const void *s, size_t n);
/* A string with its NUL, so that the reader can point into the message;
 * NULL as an empty part. */
void pool_bytes_cstr(pool_bytes *b, const char *s);
/* Reserves a u32 to be set by pool_bytes_close_size(); returns its place. */
size_t pool_bytes_open_size(pool_bytes *b);
void pool_bytes_close_size(pool_bytes *b, size_t at);
void pool_bytes_free(pool_bytes *b);
/* One read() into `b` (what was taken is dropped first): the bytes read,
 * 0 at the end, -1 on error (errno; EAGAIN when `nonblocking`). */
ssize_t pool_bytes_fill(pool_bytes *b, int fd, int nonblocking);
/* The next `n` bytes received, or NULL when fewer are there. */
const char *pool_bytes_take(pool_bytes *b, size_t n);

uint32_t pool_get_u32(const char *p);
uint64_t pool_get_u64(const char *p);
/* The next part between *p and end, or NULL (and *n = 0) when none is. */
const char *pool_get_part(const char **p, const char *end, size_t *n);

/* The problems, a row, a site: written by the worker, read by the parent.
 * A site's and a row's strings are copied or point into the message as
 * their comments say; each get returns 0, or -1 on a malformed part. */
void pool_put_diags(pool_bytes *m, const ap_diags *d);
int pool_get_diags(const char *p, const char *end, ap_diags *d);
void pool_put_row(pool_bytes *m, const ap_score_row *row);
/* `row` gets copies (ap_score_row_clear() frees them). */
int pool_get_row(const char *p, const char *end, ap_score_row *row);
void pool_put_site(pool_bytes *m, const ap_plan_site *s);
/* `s`'s strings point into the message; `themes` has POOL_SITE_THEMES,
 * `partials` POOL_SITE_PARTIALS. */
int pool_get_site(const char *p, const char *end, ap_plan_site *s,
                  ap_partial_mission *partials, const char **themes);
/* The digest and size of the bytes read, and what the case (NULL when
 * invalid) says of itself; `m`'s strings point into the message. */
void pool_put_meta(pool_bytes *m, const char *sha256, size_t size,
                   const ap_case *c);
int pool_get_meta(const char *p, const char *end, ap_pool_meta *m);

#endif
