/*
 * The pool's insides, shared by its parent side (pool.c) and its worker
 * side (pool_worker.c).
 */
#ifndef APPUI_POOL_IMPL_H
#define APPUI_POOL_IMPL_H

#include <sys/types.h>

#include "appui/pool.h"
#include "pool_wire.h"

/* What a worker is doing, in memory its parent reads. */
typedef struct pool_page {
	volatile int busy;
	volatile uint64_t id;
	volatile double started;
	volatile char theme[64];
} pool_page;

typedef enum task_state { T_WAITING, T_RUNNING, T_DONE } task_state;

typedef struct pool_task {
	uint64_t id;
	task_state state;
	int is_bytes;
	char *name;
	char *data; /* the bytes, kept for another attempt */
	size_t len;
	char *skip[POOL_MAX_SKIP]; /* themes to skip, from earlier failures */
	size_t n_skip;
	ap_diags *extra;        /* problems of earlier attempts */
	ap_pool_result *result; /* when done */
} pool_task;

#define POOL_QUEUE 16 /* tasks handed to a worker ahead */

typedef struct pool_worker {
	pid_t pid; /* 0: none */
	int fd;
	pool_task *queue[POOL_QUEUE]; /* handed out, oldest first */
	size_t queued;
	size_t queued_bytes;
	pool_page *page; /* shared with the worker */
	pool_bytes in;   /* received, not yet taken */
	pool_bytes out;  /* tasks to send, from out.pos */
} pool_worker;

struct ap_pool {
	ap_reader *reader;
	const ap_host *host;
	ap_pool_options opt;
	pool_worker *ws;
	size_t n_ws;
	pool_page *pages;
	int *keep; /* descriptors open at ap_pool_new(), ascending */
	size_t n_keep;
	/* Tasks submitted and not taken, in submission order, in q[lo, hi)
	 * (NULL where one was taken out of order); those before q[scan] are
	 * not waiting. */
	pool_task **q;
	size_t lo, hi, cap, scan;
	size_t pending;
	uint64_t next_id, done, replaced;
};

/* The worker's loop; never returns. */
void pool_worker_main(const ap_pool *p, pool_page *page, int fd)
    __attribute__((noreturn));

#endif
