/*
 * The worker pool, the parent's side: tasks handed out a few ahead per
 * worker, results read as they come, workers that die or run past the time
 * limit replaced with the blame put on the plugin they were running.
 * See appui/pool.h; the wire format is in pool_wire.h, the worker in
 * pool_worker.c.
 */
#define _GNU_SOURCE /* close_range */
#include "pool_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define QUEUE_BYTES (1u << 20) /* bytes handed to a worker ahead */

/* ---- descriptors a worker keeps ---------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The descriptors open now: from /proc/self/fd, or else by probing. */
static void note_open_fds(ap_pool *p)
{
	size_t cap = 64;
	p->keep = ap_xmalloc(cap * sizeof(int));
	DIR *dir = opendir("/proc/self/fd");
	if (dir) {
		struct dirent *e;
		while ((e = readdir(dir))) {
			long fd;
			if (e->d_name[0] == '.' ||
			    ap_parse_long(e->d_name, &fd) || fd == dirfd(dir) ||
			    fd < 0 || fd > 1 << 30)
				continue;
			if (p->n_keep == cap)
				p->keep = ap_xrealloc(p->keep,
				                      (cap *= 2) * sizeof(int));
			p->keep[p->n_keep++] = (int)fd;
		}
		closedir(dir);
	} else {
		for (int fd = 0; fd < 1024; fd++) {
			if (fcntl(fd, F_GETFD) < 0)
				continue;
			if (p->n_keep == cap)
				p->keep = ap_xrealloc(p->keep,
				                      (cap *= 2) * sizeof(int));
			p->keep[p->n_keep++] = fd;
		}
	}
	qsort(p->keep, p->n_keep, sizeof(int), cmp_int);
}

static void close_from_to(unsigned lo, unsigned hi)
{
	if (close_range(lo, hi, 0) == 0)
		return;
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (long fd = lo; fd <= (long)hi && fd < max; fd++)
		close((int)fd);
}

/* In a new worker: closes every descriptor but those open at ap_pool_new()
 * and its own socket. */
static void close_others(const ap_pool *p, int own)
{
	unsigned lo = 0;
	int own_done = 0;
	for (size_t i = 0; i <= p->n_keep; i++) {
		int k = i < p->n_keep ? p->keep[i] : -1;
		if (!own_done && (k < 0 || own < k)) {
			k = own;
			own_done = 1;
			i--;
		}
		if (k < 0)
			break;
		if ((unsigned)k > lo)
			close_from_to(lo, (unsigned)k - 1);
		lo = (unsigned)k + 1;
	}
	close_from_to(lo, ~0u);
}

/* ---- workers ----------------------------------------------------------- */

static int spawn(ap_pool *p, pool_worker *w)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	memset((void *)w->page, 0, sizeof(*w->page));
	fflush(NULL); /* nothing buffered is written twice */
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close_others(p, sv[1]);
		pool_worker_main(p, w->page, sv[1]);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->queued = w->queued_bytes = 0;
	w->in.len = w->in.pos = 0;
	w->out.len = w->out.pos = 0;
	return 0;
}

static void reap(pool_worker *w, int *status)
{
	close(w->fd);
	w->fd = -1;
	while (waitpid(w->pid, status, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGABRT:
		return "SIGABRT";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	case SIGKILL:
		return "SIGKILL";
	default:
		return "signal";
	}
}

/* ---- tasks ------------------------------------------------------------- */

static void task_free(pool_task *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->data);
	for (size_t k = 0; k < t->n_skip; k++)
		free(t->skip[k]);
	ap_diags_free(t->extra);
	ap_pool_result_free(t->result);
	free(t);
}

static void push_task(ap_pool *p, pool_task *t)
{
	if (p->hi == p->cap) {
		if (p->lo > 0) {
			memmove(p->q, p->q + p->lo,
			        (p->hi - p->lo) * sizeof(*p->q));
			p->hi -= p->lo;
			p->scan -= p->lo;
			p->lo = 0;
		} else {
			p->cap = p->cap ? p->cap * 2 : 64;
			p->q = ap_xrealloc(p->q, p->cap * sizeof(*p->q));
		}
	}
	p->q[p->hi++] = t;
	p->pending++;
}

/* The next waiting task, in submission order, or NULL. */
static pool_task *next_waiting(ap_pool *p)
{
	if (p->scan < p->lo)
		p->scan = p->lo;
	for (; p->scan < p->hi; p->scan++) {
		pool_task *t = p->q[p->scan];
		if (t && t->state == T_WAITING)
			return t;
	}
	return NULL;
}

/* Queues `t` for `w`; sent as the socket takes it. */
static void hand_out(pool_worker *w, pool_task *t)
{
	pool_bytes *m = &w->out;
	size_t at = pool_bytes_open_size(m);
	pool_bytes_u64(m, t->id);
	pool_bytes_u32(m, (uint32_t)t->is_bytes);
	pool_bytes_u32(m, (uint32_t)t->n_skip);
	pool_bytes_part(m, t->name, strlen(t->name));
	pool_bytes_part(m, t->data, t->is_bytes ? t->len : 0);
	for (size_t k = 0; k < t->n_skip; k++)
		pool_bytes_part(m, t->skip[k], strlen(t->skip[k]));
	pool_bytes_close_size(m, at);
	w->queue[w->queued++] = t;
	w->queued_bytes += t->len;
	t->state = T_RUNNING;
}

/* Sends what the socket takes without waiting. A worker that died cannot
 * be written to: its death is seen when its socket is read. */
static void send_some(pool_worker *w)
{
	pool_bytes *m = &w->out;
	while (m->pos < m->len) {
		ssize_t n = send(w->fd, m->data + m->pos, m->len - m->pos,
		                 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				m->pos = m->len; /* dead: dropped */
			break;
		}
		m->pos += (size_t)n;
	}
	if (m->pos == m->len)
		m->len = m->pos = 0;
}

static void hand_out_all(ap_pool *p)
{
	for (size_t k = 0; k < p->n_ws; k++) {
		pool_worker *w = &p->ws[k];
		while (w->pid > 0 && w->queued < POOL_QUEUE &&
		       (w->queued == 0 || w->queued_bytes < QUEUE_BYTES)) {
			pool_task *t = next_waiting(p);
			if (!t)
				break;
			hand_out(w, t);
		}
		if (w->pid > 0)
			send_some(w);
	}
}

/* ---- results ----------------------------------------------------------- */

/* A result and what its pointers point into. */
typedef struct result_box {
	ap_pool_result pub;
	char *msg;
	ap_score_row row;
	ap_plan_site site;
	const char *site_themes[POOL_SITE_THEMES];
	ap_partial_mission site_partials[POOL_SITE_PARTIALS];
	ap_pool_meta meta;
} result_box;

static result_box *new_result(pool_task *t)
{
	result_box *b = ap_xcalloc(1, sizeof(*b));
	b->pub.id = t->id;
	b->pub.name = t->name;
	t->name = NULL;
	b->pub.diags = ap_diags_new();
	if (t->extra)
		ap_diags_move(b->pub.diags, t->extra, 0);
	return b;
}

/* The parts of a worker's message (len bytes at data) into `b`. */
static int parse_message(result_box *b, const char *data, size_t len)
{
	b->msg = ap_xmalloc(len ? len : 1);
	memcpy(b->msg, data, len);
	const char *q = b->msg, *end = b->msg + len;
	size_t n_valid, n_diags, n_json, n_row, n_site, n_meta;
	const char *valid = pool_get_part(&q, end, &n_valid);
	const char *diags = pool_get_part(&q, end, &n_diags);
	const char *json = pool_get_part(&q, end, &n_json);
	const char *row = pool_get_part(&q, end, &n_row);
	const char *site = pool_get_part(&q, end, &n_site);
	const char *meta = pool_get_part(&q, end, &n_meta);
	if (!valid || n_valid != 1 || !diags || !json || !row || !site ||
	    !meta || pool_get_diags(diags, diags + n_diags, b->pub.diags) != 0)
		return -1;
	b->pub.valid = valid[0] == '1';
	if (n_json) {
		if (json[n_json - 1] != '\0')
			return -1;
		b->pub.json = json;
		b->pub.json_len = n_json - 1;
	}
	if (n_row) {
		if (pool_get_row(row, row + n_row, &b->row) != 0)
			return -1;
		b->pub.row = &b->row;
	}
	if (n_site) {
		if (pool_get_site(site, site + n_site, &b->site,
		                  b->site_partials, b->site_themes) != 0)
			return -1;
		b->pub.site = &b->site;
	}
	if (n_meta) {
		if (pool_get_meta(meta, meta + n_meta, &b->meta) != 0)
			return -1;
		b->pub.meta = &b->meta;
	}
	return 0;
}

/* The worker's message for `t` into its result; -1 when it is malformed
 * (the result then says so). */
static int take_message(pool_task *t, const char *data, size_t len)
{
	result_box *b = new_result(t);
	t->result = &b->pub;
	t->state = T_DONE;
	if (parse_message(b, data, len) == 0)
		return 0;
	b->pub.valid = 0;
	b->pub.json = NULL;
	b->pub.json_len = 0;
	b->pub.row = NULL;
	b->pub.site = NULL;
	b->pub.meta = NULL;
	ap_diags_add(b->pub.diags, AP_ERROR, b->pub.name, 0, "",
	             "the case could not be processed: its worker sent a "
	             "malformed result");
	return -1;
}

/* The worker running `t` died or ran out of time: blame the plugin it was
 * in, and try the case again without it. */
static void failed(pool_task *t, const char *theme, const char *why)
{
	if (!t->extra)
		t->extra = ap_diags_new();
	if (theme && t->n_skip < POOL_MAX_SKIP) {
		char field[96];
		snprintf(field, sizeof field, "diagnostic/theme[%s]", theme);
		ap_diags_add(
		    t->extra, AP_ERROR, t->name, 0, field,
		    "plugin '%s' %s; the case's other themes are scored "
		    "without it",
		    theme, why);
		t->skip[t->n_skip++] = ap_xstrdup(theme);
		t->state = T_WAITING; /* again, without that theme */
		return;
	}
	ap_diags_add(t->extra, AP_ERROR, t->name, 0, "",
	             "the case could not be processed: %s", why);
	t->result = &new_result(t)->pub;
	t->state = T_DONE;
}

/* Why a worker ended, for the message. */
static void why_ended(char *why, size_t size, const ap_pool *p,
                      const char *name, int timed_out, int status)
{
	if (timed_out)
		snprintf(why, size, "ran past the time limit of %g s on %s",
		         p->opt.case_time_limit, name);
	else if (WIFSIGNALED(status))
		snprintf(why, size, "crashed on %s: signal %d (%s)", name,
		         WTERMSIG(status), signal_name(WTERMSIG(status)));
	else
		snprintf(why, size, "stopped on %s (exit %d)", name,
		         WEXITSTATUS(status));
}

/* Ends a dead worker: blames the task it was on, hands back the others it
 * held, and starts a new one in its place. */
static int replace_worker(ap_pool *p, pool_worker *w, int timed_out,
                          ap_diags *d)
{
	/* The page outlives the process: read it before a new worker uses
	 * it. */
	int busy = w->page->busy;
	uint64_t running = w->page->id;
	char theme[sizeof w->page->theme];
	for (size_t i = 0; i < sizeof theme; i++)
		theme[i] = w->page->theme[i];
	theme[sizeof theme - 1] = '\0';
	int status = 0;
	reap(w, &status);
	for (size_t i = 0; i < w->queued; i++) {
		pool_task *t = w->queue[i];
		if (!busy || t->id != running) {
			t->state = T_WAITING; /* not started: simply again */
			continue;
		}
		char why[512];
		why_ended(why, sizeof why, p, t->name, timed_out, status);
		failed(t, theme[0] ? theme : NULL, why);
	}
	w->queued = w->queued_bytes = 0;
	p->scan = p->lo;
	p->replaced++;
	if (spawn(p, w) != 0) {
		ap_diags_add(d, AP_ERROR, "", 0, "",
		             "cannot start a worker: %s", strerror(errno));
		return AP_ESETUP;
	}
	return AP_OK;
}

/* Every complete message in w->in. Returns -1 when one is not a worker's
 * message (the worker is then killed). */
static int read_messages(pool_worker *w)
{
	pool_bytes *in = &w->in;
	while (in->len - in->pos >= POOL_RESULT_HEAD) {
		const char *head = in->data + in->pos;
		uint64_t id = pool_get_u64(head + 1);
		uint32_t len = pool_get_u32(head + 9);
		if (head[0] != 'R' || len > POOL_MAX_RESULT || !w->queued ||
		    w->queue[0]->id != id)
			return -1;
		if (in->len - in->pos - POOL_RESULT_HEAD < len)
			break;
		const char *data =
		    pool_bytes_take(in, POOL_RESULT_HEAD + (size_t)len) +
		    POOL_RESULT_HEAD;
		pool_task *t = w->queue[0];
		memmove(w->queue, w->queue + 1,
		        (w->queued - 1) * sizeof(*w->queue));
		w->queued--;
		w->queued_bytes -= t->len;
		if (take_message(t, data, len) != 0)
			return -1;
	}
	return 0;
}

/* ---- the public side --------------------------------------------------- */

int ap_pool_new(ap_pool **out, ap_reader *r, const ap_host *h,
                const ap_pool_options *opt, ap_diags *d)
{
	*out = NULL;
	if (!opt || opt->version != AP_POOL_OPTIONS_VERSION || !r || !h ||
	    opt->case_time_limit < 0) {
		ap_diags_add(d, AP_ERROR, "", 0, "pool",
		             "invalid options (version %d)",
		             opt ? opt->version : 0);
		return AP_EINVALID;
	}
	ap_pool *p = ap_xcalloc(1, sizeof(*p));
	p->reader = r;
	p->host = h;
	p->opt = *opt;
	p->next_id = 1;
	size_t n = opt->workers;
	if (n == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores > 0 ? (size_t)cores : 1;
	}
	if (n > AP_POOL_MAX_WORKERS)
		n = AP_POOL_MAX_WORKERS;
	p->n_ws = n;
	p->ws = ap_xcalloc(n, sizeof(*p->ws));
	p->pages = mmap(NULL, n * sizeof(pool_page), PROT_READ | PROT_WRITE,
	                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->pages == MAP_FAILED) {
		p->pages = NULL;
		ap_pool_free(p);
		ap_oom();
	}
	note_open_fds(p);
	for (size_t k = 0; k < n; k++) {
		p->ws[k].page = &p->pages[k];
		p->ws[k].fd = -1;
		if (spawn(p, &p->ws[k]) != 0) {
			ap_diags_add(d, AP_ERROR, "", 0, "",
			             "cannot start a worker: %s",
			             strerror(errno));
			ap_pool_free(p);
			return AP_ESETUP;
		}
	}
	*out = p;
	return AP_OK;
}

void ap_pool_free(ap_pool *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->n_ws; k++) {
		pool_worker *w = &p->ws[k];
		if (w->pid > 0) {
			/* An idle worker ends on the closed socket. */
			if (w->page->busy || w->queued)
				kill(w->pid, SIGKILL);
			int status;
			reap(w, &status);
		}
		pool_bytes_free(&w->in);
		pool_bytes_free(&w->out);
	}
	for (size_t i = p->lo; i < p->hi; i++)
		task_free(p->q[i]);
	if (p->pages)
		munmap(p->pages, p->n_ws * sizeof(pool_page));
	free(p->q);
	free(p->ws);
	free(p->keep);
	free(p);
}

static pool_task *new_task(uint64_t *id, ap_pool *p, const char *name)
{
	pool_task *t = ap_xcalloc(1, sizeof(*t));
	t->id = p->next_id++;
	t->name = ap_xstrdup(name ? name : "");
	*id = t->id;
	return t;
}

int ap_pool_submit_path(uint64_t *id, ap_pool *p, const char *path)
{
	push_task(p, new_task(id, p, path));
	return AP_OK;
}

int ap_pool_submit_bytes(uint64_t *id, ap_pool *p, const char *name,
                         const void *data, size_t len)
{
	*id = 0;
	if (len > AP_MAX_FILE_BYTES)
		return AP_EINVALID;
	pool_task *t = new_task(id, p, name);
	t->is_bytes = 1;
	t->data = ap_xmalloc(len ? len : 1);
	if (len)
		memcpy(t->data, data, len);
	t->len = len;
	push_task(p, t);
	return AP_OK;
}

size_t ap_pool_pending(const ap_pool *p)
{
	return p->pending;
}

/* Milliseconds until the first worker could pass the time limit. */
static int next_deadline_ms(const ap_pool *p)
{
	if (p->opt.case_time_limit <= 0)
		return -1;
	double now = ap_now(), soonest = -1;
	for (size_t k = 0; k < p->n_ws; k++) {
		const pool_worker *w = &p->ws[k];
		if (w->pid <= 0 || !w->queued)
			continue;
		/* A task not started yet cannot end sooner than a full limit
		 * from now. */
		double left = w->page->busy ? w->page->started +
		                                  p->opt.case_time_limit - now
		                            : p->opt.case_time_limit;
		if (soonest < 0 || left < soonest)
			soonest = left < 0 ? 0 : left;
	}
	if (soonest < 0)
		return -1;
	return (int)(soonest * 1000) + 1;
}

size_t ap_pool_fds(struct pollfd *fds, int *timeout_ms, ap_pool *p, size_t cap)
{
	hand_out_all(p);
	size_t n = 0;
	for (size_t k = 0; k < p->n_ws && n < cap; k++) {
		const pool_worker *w = &p->ws[k];
		if (w->pid <= 0)
			continue;
		fds[n].fd = w->fd;
		fds[n].events = POLLIN | (w->out.len ? POLLOUT : 0);
		fds[n].revents = 0;
		n++;
	}
	*timeout_ms = next_deadline_ms(p);
	return n;
}

/* The revents poll() gave for `fd`, 0 when it is not in `fds`. */
static short revents_of(const struct pollfd *fds, size_t n, int fd)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i].fd == fd)
			return fds[i].revents;
	return 0;
}

int ap_pool_dispatch(ap_pool *p, const struct pollfd *fds, size_t n,
                     ap_diags *d)
{
	double now = ap_now();
	for (size_t k = 0; k < p->n_ws; k++) {
		pool_worker *w = &p->ws[k];
		if (w->pid <= 0)
			continue;
		short ev = revents_of(fds, n, w->fd);
		int dead = 0;
		if (ev & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t got = pool_bytes_fill(&w->in, w->fd, 1);
			dead = got == 0 || (got < 0 && errno != EAGAIN &&
			                    errno != EWOULDBLOCK);
		}
		if (!dead && read_messages(w) != 0) {
			kill(w->pid, SIGKILL); /* not a worker's message */
			dead = 1;
		}
		int timed_out = 0;
		if (!dead && p->opt.case_time_limit > 0 && w->page->busy &&
		    now - w->page->started > p->opt.case_time_limit) {
			kill(w->pid, SIGKILL);
			timed_out = 1;
		}
		if (dead || timed_out) {
			int rc = replace_worker(p, w, timed_out, d);
			if (rc != AP_OK)
				return rc;
		} else if (ev & POLLOUT) {
			send_some(w);
		}
	}
	hand_out_all(p);
	return AP_OK;
}

int ap_pool_wait(ap_pool *p, int timeout_ms, ap_diags *d)
{
	struct pollfd fds[AP_POOL_MAX_WORKERS];
	int deadline;
	size_t n = ap_pool_fds(fds, &deadline, p, AP_POOL_MAX_WORKERS);
	if (deadline >= 0 && (timeout_ms < 0 || deadline < timeout_ms))
		timeout_ms = deadline;
	if (poll(fds, n, timeout_ms) < 0) {
		if (errno == EINTR)
			return AP_EINTERRUPTED;
		ap_diags_add(d, AP_ERROR, "", 0, "", "poll: %s",
		             strerror(errno));
		return AP_ESETUP;
	}
	return ap_pool_dispatch(p, fds, n, d);
}

static void drop_taken(ap_pool *p, size_t i)
{
	p->q[i] = NULL;
	p->pending--;
	p->done++;
	while (p->lo < p->hi && !p->q[p->lo])
		p->lo++;
	if (p->lo == p->hi)
		p->lo = p->hi = p->scan = 0;
}

int ap_pool_take(ap_pool_result **out, ap_pool *p)
{
	*out = NULL;
	for (size_t i = p->lo; i < p->hi; i++) {
		pool_task *t = p->q[i];
		if (t && t->state == T_DONE) {
			*out = t->result;
			t->result = NULL;
			task_free(t);
			drop_taken(p, i);
			return 1;
		}
		if (t && p->opt.ordered)
			return 0;
	}
	return 0;
}

void ap_pool_result_free(ap_pool_result *r)
{
	if (!r)
		return;
	result_box *b = (result_box *)r;
	ap_diags_free(r->diags);
	ap_score_row_clear(&b->row);
	free((char *)r->name);
	free(b->msg);
	free(b);
}

void ap_pool_info_of(ap_pool_info *out, const ap_pool *p)
{
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < p->n_ws; k++)
		out->workers += p->ws[k].pid > 0;
	out->pending = p->pending;
	out->done = p->done;
	out->replaced = p->replaced;
}
