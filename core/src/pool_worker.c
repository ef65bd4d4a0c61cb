/*
 * A pool's worker process: reads tasks from its socket, reads, checks and
 * scores each case, and sends the results back in parts (pool_wire.h).
 *
 * Which task it is on, since when, and which plugin is running are kept in
 * a page of memory shared with the parent, written without a system call:
 * when the worker dies or runs past the time limit, the parent knows which
 * plugin to blame. A worker writes its results together when it has read
 * all it was given (or has a good deal to send), so a batch costs a few
 * system calls per dozen cases, not a dozen per case.
 */
#include "pool_impl.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "reader_impl.h"
#include "util.h"

#define FLUSH_AT (32u << 10) /* a worker sends its results from this size */

static pool_page *self_page; /* in a worker: its shared page */

static void announce_theme(void *ctx, const char *theme)
{
	(void)ctx;
	size_t n = strlen(theme);
	if (n >= sizeof self_page->theme)
		n = sizeof self_page->theme - 1;
	for (size_t i = 0; i < n; i++)
		self_page->theme[i] = theme[i];
	self_page->theme[n] = '\0';
}

/* A task as the worker reads it; the strings point into its input. */
typedef struct wtask {
	uint64_t id;
	int is_bytes;
	const char *name, *data;
	size_t name_len, len;
	char *skip[POOL_MAX_SKIP];
	size_t n_skip;
	char *name_z;
} wtask;

/* A worker's buffers, kept from task to task. */
typedef struct worker_io {
	pool_bytes in, out;
	char *json; /* the last case's JSON */
	size_t json_cap;
	ap_diags *d, *tmp;
} worker_io;

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void flush_out(worker_io *io, int fd)
{
	if (write_all(fd, io->out.data, io->out.len) != 0)
		_exit(0);
	io->out.len = 0;
}

/* Reads and checks the case; problems go to io->d. With AP_POOL_META,
 * `sha256` and `*size` get the digest of the bytes read ("" when none
 * were). Returns the case, or NULL. */
static ap_case *read_case(const ap_pool *p, worker_io *io, const wtask *t,
                          char sha256[AP_SHA256_HEX], size_t *size)
{
	ap_case *c = NULL;
	ap_diags_clear(io->tmp);
	int meta = (p->opt.parts & AP_POOL_META) != 0;
	sha256[0] = '\0';
	if (t->is_bytes && meta) {
		ap_sha256_of(t->data, t->len, sha256);
		*size = t->len;
	}
	int rc =
	    t->is_bytes
	        ? ap_reader_read_memory(p->reader, t->name_z, t->data, t->len,
	                                &c, io->tmp)
	        : reader_read_file_hashed(p->reader, t->name_z, &c, io->tmp,
	                                  meta ? sha256 : NULL, size);
	if (rc == 0 && c)
		ap_host_check_case(p->host, c, io->tmp);
	int bad = rc != 0 || !c || ap_diags_errors(io->tmp) > 0 ||
	          (p->opt.strict && ap_diags_count(io->tmp) > 0);
	ap_diags_move(io->d, io->tmp, p->opt.strict);
	if (bad) {
		ap_case_free(c);
		return NULL;
	}
	return c;
}

/* Scores the case and appends the parts asked for to `m`. */
static void put_scored(const ap_pool *p, worker_io *io, const wtask *t,
                       const ap_case *c, pool_bytes *m)
{
	ap_case_result *r = NULL;
	ap_score_options so = {(const char *const *)t->skip, t->n_skip,
	                       announce_theme, NULL};
	ap_diags_clear(io->tmp);
	ap_host_score_with(p->host, c, &so, &r, io->tmp);
	ap_diags_move(io->d, io->tmp, p->opt.strict);
	unsigned parts = r ? p->opt.parts : 0;
	size_t len = 0;
	if (parts & AP_POOL_JSON)
		len = ap_report_json_case_text(r, &io->json, &io->json_cap);
	pool_bytes_part(m, io->json, len ? len + 1 : 0);
	size_t at = pool_bytes_open_size(m);
	if (parts & (AP_POOL_ROW | AP_POOL_EXPLAIN)) {
		ap_score_row row;
		ap_score_row_fill(&row, r, (parts & AP_POOL_EXPLAIN) != 0);
		pool_put_row(m, &row);
		ap_score_row_clear(&row);
	}
	pool_bytes_close_size(m, at);
	at = pool_bytes_open_size(m);
	if (parts & AP_POOL_SITE) {
		ap_plan_site site;
		ap_plan_site_of(r, &site);
		pool_put_site(m, &site);
	}
	pool_bytes_close_size(m, at);
	ap_case_result_free(r);
}

/*
 * Reads, checks and scores one case, and appends its result to io->out.
 * The problems go before the parts that depend on the scoring, so the
 * result is written in two passes: parts into `scored`, then in order.
 */
static void run_task(const ap_pool *p, worker_io *io, const wtask *t,
                     pool_bytes *scored)
{
	ap_diags_clear(io->d);
	scored->len = 0;
	char sha256[AP_SHA256_HEX];
	size_t size = 0;
	ap_case *c = read_case(p, io, t, sha256, &size);
	if (c && (p->opt.parts & ~(unsigned)AP_POOL_META))
		put_scored(p, io, t, c, scored);
	else
		for (int i = 0; i < 3; i++)
			pool_bytes_u32(scored, 0); /* json, row, site */
	size_t meta_at = pool_bytes_open_size(scored);
	if (sha256[0])
		pool_put_meta(scored, sha256, size, c);
	pool_bytes_close_size(scored, meta_at);
	pool_bytes *m = &io->out;
	char kind = 'R';
	pool_bytes_add(m, &kind, 1);
	pool_bytes_u64(m, t->id);
	size_t at = pool_bytes_open_size(m);
	pool_bytes_part(m, c ? "1" : "0", 1);
	size_t diags_at = pool_bytes_open_size(m);
	pool_put_diags(m, io->d);
	pool_bytes_close_size(m, diags_at);
	pool_bytes_add(m, scored->data, scored->len);
	pool_bytes_close_size(m, at);
	ap_case_free(c);
}

/* The next task, from what was read or else from the socket; before
 * waiting on it, the results so far are sent. Exits when the parent closes
 * its end. */
static const char *next_task(worker_io *io, int fd, size_t *size)
{
	for (;;) {
		pool_bytes *b = &io->in;
		if (b->len - b->pos >= 4) {
			uint32_t n = pool_get_u32(b->data + b->pos);
			if (n > POOL_MAX_TASK)
				_exit(0);
			if (b->len - b->pos - 4 >= n) {
				b->pos += 4;
				*size = n;
				return pool_bytes_take(b, n);
			}
		}
		if (io->out.len)
			flush_out(io, fd);
		if (pool_bytes_fill(b, fd, 0) <= 0)
			_exit(0);
	}
}

/* Parses a task; exits on a malformed one (only the parent writes them). */
static void parse_task(wtask *t, const char *p, size_t size)
{
	const char *end = p + size;
	memset(t, 0, sizeof(*t));
	if (size < 16)
		_exit(0);
	t->id = pool_get_u64(p);
	t->is_bytes = pool_get_u32(p + 8) != 0;
	uint32_t n_skip = pool_get_u32(p + 12);
	p += 16;
	t->name = pool_get_part(&p, end, &t->name_len);
	t->data = pool_get_part(&p, end, &t->len);
	if (!t->name || !t->data || n_skip > POOL_MAX_SKIP)
		_exit(0);
	/* Copied: the input buffer moves on a read. */
	t->name_z = ap_xmalloc(t->name_len + 1);
	memcpy(t->name_z, t->name, t->name_len);
	t->name_z[t->name_len] = '\0';
	for (uint32_t k = 0; k < n_skip; k++) {
		size_t n;
		const char *s = pool_get_part(&p, end, &n);
		if (!s)
			_exit(0);
		t->skip[k] = ap_xmalloc(n + 1);
		memcpy(t->skip[k], s, n);
		t->skip[k][n] = '\0';
		t->n_skip++;
	}
}

void pool_worker_main(const ap_pool *p, pool_page *page, int fd)
{
	/* The parent decides when to stop; a Ctrl-C reaches the whole process
	 * group, so workers ignore it and let the parent end them. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	self_page = page;
	worker_io io = {.d = ap_diags_new(), .tmp = ap_diags_new()};
	pool_bytes scored = {0};
	for (;;) {
		size_t size;
		const char *msg = next_task(&io, fd, &size);
		wtask t;
		parse_task(&t, msg, size);
		page->theme[0] = '\0';
		page->id = t.id;
		page->started = ap_now();
		page->busy = 1;
		run_task(p, &io, &t, &scored);
		page->busy = 0;
		for (size_t k = 0; k < t.n_skip; k++)
			free(t.skip[k]);
		free(t.name_z);
		if (io.out.len >= FLUSH_AT)
			flush_out(&io, fd);
	}
}
