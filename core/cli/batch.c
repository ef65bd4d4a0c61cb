/*
 * Batches in worker processes.
 *
 * Every case is read, checked and scored in a worker process forked after
 * the set-up (configuration, plugins and schema are loaded once and shared
 * copy-on-write). So a plugin that crashes or hangs costs one case and one
 * theme, never the batch; and with --jobs N, N workers score in parallel.
 *
 * The parent hands out file indices, in order, at most a window ahead of
 * the next result to print, and prints results in input order: the output
 * is the same, byte for byte, for any number of workers, and memory stays
 * bounded whatever the size of the batch.
 *
 * Messages are length-prefixed on pipes, and both ends read them from a
 * buffer, many per system call:
 *   parent -> worker: task   u32 size, u32 index, u32 attempt, u32 n_skip,
 *                            then n_skip theme ids, each a u32 length and
 *                            bytes (the worker has the paths: it was forked
 *                            after they were listed)
 *   worker -> parent: 'R' u32 index, u32 size, then the case's result in
 *                     parts (binary: no JSON is parsed back, but for the
 *                     table's rows)
 * Up to QUEUE tasks are queued ahead in each worker's pipe so it never waits,
 * and a worker writes its results together when it has read all it was
 * given (or has a good deal to send), so a batch costs a few system calls
 * per dozen cases, not a dozen per case.
 * Which case a worker is on, since when, and which plugin is running are
 * kept in a page of memory shared with the parent, written without a system
 * call: when the worker dies or runs past the case time limit, the parent
 * knows which plugin to blame, records the error, and gives the case to a
 * new worker with that theme skipped, so its other themes are still scored.
 */
#include "batch.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SKIP 16
#define QUEUE    16          /* tasks handed to a worker ahead */
#define FLUSH_AT (32u << 10) /* a worker sends its results from this size */

/* What a worker is doing, in memory its parent reads. */
typedef struct worker_state {
	volatile int busy;
	volatile uint32_t index;
	volatile double started;
	volatile char theme[64];
} worker_state;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		ap_oom();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* ---- pipes
 * ---------------------------------------------------------------------- */

/* Bytes to send, or received and not yet taken. */
typedef struct bytes {
	char *data;
	size_t len, pos, cap;
} bytes;

static void bytes_reserve(bytes *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < extra)
		cap *= 2;
	b->data = realloc(b->data, cap);
	if (!b->data) {
		ap_oom();
	}
	b->cap = cap;
}

static void bytes_add(bytes *b, const void *s, size_t n)
{
	bytes_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
}

static void bytes_u32(bytes *b, uint32_t v)
{
	bytes_add(b, &v, 4);
}

/* A u32 length and bytes. */
static void bytes_part(bytes *b, const char *s, size_t n)
{
	bytes_u32(b, (uint32_t)n);
	bytes_add(b, s, n);
}

static void bytes_free(bytes *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
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

/* Writes what `b` holds and empties it. */
static int bytes_flush(bytes *b, int fd)
{
	int rc = write_all(fd, b->data, b->len);
	b->len = 0;
	return rc;
}

/* One read() into `b`, after moving what is left to the front. Returns the
 * bytes read, 0 at the end of the pipe, -1 on error. */
static ssize_t bytes_fill(bytes *b, int fd)
{
	if (b->pos) {
		memmove(b->data, b->data + b->pos, b->len - b->pos);
		b->len -= b->pos;
		b->pos = 0;
	}
	bytes_reserve(b, 65536);
	for (;;) {
		ssize_t r = read(fd, b->data + b->len, b->cap - b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0)
			b->len += (size_t)r;
		return r;
	}
}

/* The next `n` bytes received, or NULL when fewer are there. */
static const char *bytes_take(bytes *b, size_t n)
{
	if (b->len - b->pos < n)
		return NULL;
	const char *p = b->data + b->pos;
	b->pos += n;
	return p;
}

static uint32_t get_u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The next part of a message (a u32 length and bytes), or NULL (and *n = 0)
 * when the message has no more. */
static const char *get_part(const char **p, const char *end, size_t *n)
{
	*n = 0;
	if (end - *p < 4)
		return NULL;
	uint32_t n32 = get_u32(*p);
	if ((size_t)(end - *p - 4) < n32)
		return NULL;
	const char *s = *p + 4;
	*p = s + n32;
	*n = n32;
	return s;
}

/* ---- the worker
 * ------------------------------------------------------------------- */

static worker_state *self_state; /* in a worker: its shared page */

static void announce_theme(void *ctx, const char *theme)
{
	(void)ctx;
	size_t n = strlen(theme);
	if (n >= sizeof self_state->theme)
		n = sizeof self_state->theme - 1;
	for (size_t i = 0; i < n; i++)
		self_state->theme[i] = theme[i];
	self_state->theme[n] = '\0';
}

/* The problems as parts (themselves one part of the result): a u32 count,
 * then for each its severity, line, file, field and message. */
static void put_diags(bytes *m, const ap_diags *d)
{
	uint32_t n = (uint32_t)ap_diags_count(d);
	bytes_part(m, (const char *)&n, 4);
	for (uint32_t i = 0; i < n; i++) {
		const ap_diag *g = ap_diags_at(d, i);
		int32_t sev = (int32_t)g->severity;
		int64_t line = (int64_t)g->line;
		bytes_part(m, (const char *)&sev, 4);
		bytes_part(m, (const char *)&line, 8);
		bytes_part(m, g->file, g->file ? strlen(g->file) : 0);
		bytes_part(m, g->field, g->field ? strlen(g->field) : 0);
		bytes_part(m, g->message, g->message ? strlen(g->message) : 0);
	}
}

static json_t *row_json(const ap_score_row *row)
{
	json_t *themes = json_array();
	for (size_t i = 0; i < row->n_themes; i++)
		json_array_append_new(
		    themes, json_pack("[s,f,i]", row->themes[i], row->needs[i],
		                      (int)row->bands[i]));
	return json_pack(
	    "{s:s,s:s,s:s,s:o,s:b,s:i,s:f,s:s?}", "case_id", row->case_id,
	    "site_id", row->site_id, "organisation_id", row->organisation_id,
	    "themes", themes, "has_mission", row->has_mission, "days",
	    row->days, "priority", row->priority, "explain", row->explain);
}

/* A string with its NUL, so that the parent can point into the message;
 * NULL as an empty part. */
static void put_cstr(bytes *m, const char *s)
{
	bytes_part(m, s, s ? strlen(s) + 1 : 0);
}

/* What the planner needs of a case (BATCH_PLAN), as parts: eight strings,
 * days, priority, the window, then the mission's themes. */
static void put_site(bytes *m, const ap_plan_site *s)
{
	const char *text[] = {
	    s->file,    s->case_id,         s->site_id,           s->site_name,
	    s->commune, s->organisation_id, s->organisation_name, s->region};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		put_cstr(m, text[i]);
	int32_t days = s->days, has_window = s->has_window;
	int64_t first = s->window_first, last = s->window_last;
	bytes_part(m, (const char *)&days, 4);
	bytes_part(m, (const char *)&s->priority, 8);
	bytes_part(m, (const char *)&has_window, 4);
	bytes_part(m, (const char *)&first, 8);
	bytes_part(m, (const char *)&last, 8);
	for (size_t i = 0; i < s->n_themes; i++)
		put_cstr(m, s->themes[i]);
}

/* A worker's buffers, kept from case to case. */
typedef struct worker_io {
	bytes in, out;
	char *case_text; /* the last case's JSON */
	size_t case_cap;
	ap_diags *d, *tmp;
} worker_io;

/*
 * Reads, checks and scores one case, and appends its result to io->out:
 * 'R', the index, the size, then the parts "1"/"0" (valid), the problems,
 * the case's JSON text as a single process would write it (score), the
 * table row (JSON; the table) and what the planner needs of the case
 * (plan). Each mode fills its part; the others are empty.
 */
static void process(const batch_spec *b, worker_io *io, uint32_t index,
                    const char *path, const char *const *skip, size_t n_skip)
{
	ap_diags *d = io->d, *tmp = io->tmp;
	ap_diags_clear(d);
	size_t case_len = 0;
	char *row_text = NULL;
	ap_plan_site site;
	int has_site = 0;
	ap_case_result *r = NULL; /* kept until the message is written */
	ap_case *c = load_case(b->s, b->o, path, d, tmp);
	if (c && b->mode != BATCH_VALIDATE) {
		ap_score_options opt = {skip, n_skip, announce_theme, NULL};
		ap_diags_clear(tmp);
		ap_host_score_with(b->s->host, c, &opt, &r, tmp);
		ap_diags_move(d, tmp, b->o->strict);
		if (b->mode == BATCH_SCORE_JSON) {
			case_len = ap_report_json_case_text(r, &io->case_text,
			                                    &io->case_cap);
		} else if (b->mode == BATCH_PLAN) {
			ap_plan_site_of(r, &site);
			has_site = 1;
		} else {
			ap_score_row row;
			ap_score_row_fill(&row, r, b->o->explain);
			json_t *rj = row_json(&row);
			row_text = json_dumps(rj, JSON_COMPACT);
			json_decref(rj);
			ap_score_row_clear(&row);
		}
	}
	bytes *m = &io->out;
	size_t head = m->len;
	char kind = 'R';
	bytes_add(m, &kind, 1);
	bytes_u32(m, index);
	bytes_u32(m, 0); /* the size, set below */
	bytes_part(m, c ? "1" : "0", 1);
	size_t diags_at = m->len;
	bytes_u32(m, 0); /* the problems' size, set below */
	put_diags(m, d);
	uint32_t diags_size = (uint32_t)(m->len - diags_at - 4);
	memcpy(m->data + diags_at, &diags_size, 4);
	bytes_part(m, io->case_text, case_len);
	bytes_part(m, row_text, row_text ? strlen(row_text) : 0);
	size_t site_at = m->len;
	bytes_u32(m, 0); /* the site's size, set below */
	if (has_site)
		put_site(m, &site);
	uint32_t site_size = (uint32_t)(m->len - site_at - 4);
	memcpy(m->data + site_at, &site_size, 4);
	uint32_t size = (uint32_t)(m->len - head - 9);
	memcpy(m->data + head + 5, &size, 4);
	free(row_text);
	ap_case_result_free(r);
	ap_case_free(c);
}

/* The next task, from what was read or else from the pipe; before waiting
 * on the pipe, the results so far are sent. Exits when the parent closes
 * the pipe. */
static const char *next_task(worker_io *io, int in, int out, size_t *size)
{
	for (;;) {
		bytes *b = &io->in;
		if (b->len - b->pos >= 4) {
			uint32_t n = get_u32(b->data + b->pos);
			if (n > (1u << 20))
				_exit(0);
			if (b->len - b->pos - 4 >= n) {
				b->pos += 4;
				*size = n;
				return bytes_take(b, n);
			}
		}
		if (io->out.len && bytes_flush(&io->out, out) != 0)
			_exit(0);
		if (bytes_fill(b, in) <= 0)
			_exit(0);
	}
}

static void worker_main(const batch_spec *b, int in, int out)
{
	/* The parent decides when to stop; a Ctrl-C reaches the whole process
	 * group, so workers ignore it and let the parent end them. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	worker_io io = {.d = ap_diags_new(), .tmp = ap_diags_new()};
	for (;;) {
		size_t size;
		const char *p = next_task(&io, in, out, &size);
		const char *end = p + size;
		if (size < 12)
			_exit(0);
		uint32_t index = get_u32(p), n_skip = get_u32(p + 8);
		p += 12;
		if (n_skip > MAX_SKIP || index >= b->in->n)
			_exit(0);
		/* Theme ids are copied: the input buffer moves on a read. */
		char *skip[MAX_SKIP];
		for (uint32_t k = 0; k < n_skip; k++) {
			size_t n;
			const char *s = get_part(&p, end, &n);
			if (!s)
				_exit(0);
			skip[k] = xmalloc(n + 1);
			memcpy(skip[k], s, n);
			skip[k][n] = '\0';
		}
		self_state->theme[0] = '\0';
		self_state->index = index;
		self_state->started = now();
		self_state->busy = 1;
		process(b, &io, index, b->in->paths[index],
		        (const char *const *)skip, n_skip);
		self_state->busy = 0;
		for (uint32_t k = 0; k < n_skip; k++)
			free(skip[k]);
		if (io.out.len >= FLUSH_AT && bytes_flush(&io.out, out) != 0)
			_exit(0);
	}
}

/* ---- the parent
 * ------------------------------------------------------------------- */

typedef struct task {
	int state; /* 0 waiting, 1 running, 2 done */
	uint32_t attempt;
	char **skip; /* themes to skip (MAX_SKIP), from a first failure */
	size_t n_skip;
	ap_diags *extra; /* errors of earlier attempts (crashed plugins) */
	char *result;    /* the worker's result message */
	size_t result_len;
} task;

typedef struct worker {
	pid_t pid;
	int to, from;
	long queue[QUEUE]; /* tasks handed out, oldest first */
	size_t queued;
	worker_state *state; /* shared with the worker */
	bytes in;            /* received, not yet taken */
	bytes out;           /* tasks to send */
} worker;

static int spawn(const batch_spec *b, worker *w, worker *all, size_t n_all)
{
	int down[2], up[2];
	if (pipe(down) || pipe(up))
		return -1;
	fflush(NULL);
	memset((void *)w->state, 0, sizeof(*w->state));
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		self_state = w->state;
		close(down[1]);
		close(up[0]);
		/* Not the other workers' pipes. */
		for (size_t i = 0; i < n_all; i++) {
			if (&all[i] == w || all[i].pid <= 0)
				continue;
			close(all[i].to);
			close(all[i].from);
		}
		worker_main(b, down[0], up[1]);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	w->pid = pid;
	w->to = down[1];
	w->from = up[0];
	w->queued = 0;
	w->in.len = w->in.pos = 0;
	w->out.len = 0;
	return 0;
}

static void reap(worker *w, int *status)
{
	close(w->to);
	close(w->from);
	while (waitpid(w->pid, status, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
}

/* Queues task `index` for the worker; sent by the next flush of w->out. */
static void dispatch(worker *w, task *t, long index)
{
	bytes *m = &w->out;
	size_t head = m->len;
	bytes_u32(m, 0); /* the size, set below */
	bytes_u32(m, (uint32_t)index);
	bytes_u32(m, t->attempt);
	bytes_u32(m, (uint32_t)t->n_skip);
	for (size_t k = 0; k < t->n_skip; k++)
		bytes_part(m, t->skip[k], strlen(t->skip[k]));
	uint32_t size = (uint32_t)(m->len - head - 4);
	memcpy(m->data + head, &size, 4);
	w->queue[w->queued++] = index;
	t->state = 1;
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

/* The worker of `t` died or ran out of time: blame the plugin it was in,
 * and try the case again without it. */
static void failed(const batch_spec *b, const char *theme, task *t,
                   const char *path, const char *why)
{
	if (!t->extra)
		t->extra = ap_diags_new();
	if (theme && t->n_skip < MAX_SKIP) {
		char field[96];
		snprintf(field, sizeof field, "diagnostic/theme[%s]", theme);
		ap_diags_add(
		    t->extra, AP_ERROR, path, 0, field,
		    "plugin '%s' %s; the case's other themes are scored "
		    "without it",
		    theme, why);
		if (!t->skip)
			t->skip = xmalloc(MAX_SKIP * sizeof(*t->skip));
		t->skip[t->n_skip++] = xstrdup(theme);
		t->attempt++;
		t->state = 0; /* again, without that theme */
	} else {
		ap_diags_add(t->extra, AP_ERROR, path, 0, "",
		             "the case could not be processed: %s", why);
		t->state = 2;
		t->result = xstrdup("");
		t->result_len = 0;
	}
	(void)b;
}

/* The next part as a string (NULL when empty); -1 when the part is not a
 * NUL-terminated string. */
static int get_cstr(const char **p, const char *end, const char **out)
{
	size_t n;
	const char *s = get_part(p, end, &n);
	if (!s)
		return -1;
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if (s[n - 1] != '\0')
		return -1;
	*out = s;
	return 0;
}

/* A fixed-size part into `out`. */
static int get_fixed(const char **p, const char *end, void *out, size_t size)
{
	size_t n;
	const char *s = get_part(p, end, &n);
	if (!s || n != size)
		return -1;
	memcpy(out, s, size);
	return 0;
}

#define MAX_SITE_THEMES 32

/* The site put_site() wrote; its strings point into the message. */
static int get_site(const char *p, const char *end, ap_plan_site *s,
                    const char **themes)
{
	memset(s, 0, sizeof(*s));
	const char **text[] = {&s->file,
	                       &s->case_id,
	                       &s->site_id,
	                       &s->site_name,
	                       &s->commune,
	                       &s->organisation_id,
	                       &s->organisation_name,
	                       &s->region};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		if (get_cstr(&p, end, text[i]))
			return -1;
	int32_t days, has_window;
	int64_t first, last;
	if (get_fixed(&p, end, &days, 4) ||
	    get_fixed(&p, end, &s->priority, 8) ||
	    get_fixed(&p, end, &has_window, 4) ||
	    get_fixed(&p, end, &first, 8) || get_fixed(&p, end, &last, 8))
		return -1;
	s->days = days;
	s->has_window = has_window;
	s->window_first = (ap_day)first;
	s->window_last = (ap_day)last;
	while (p < end && s->n_themes < MAX_SITE_THEMES)
		if (get_cstr(&p, end, &themes[s->n_themes++]))
			return -1;
	s->themes = themes;
	return 0;
}

/* Turns a worker's result into the batch's callbacks. */
static void deliver(const batch_spec *b, long index, task *t, ap_diags *all)
{
	if (t->extra) {
		ap_diags_move(all, t->extra, 0);
		ap_diags_free(t->extra);
		t->extra = NULL;
	}
	const char *p = t->result, *end = t->result + t->result_len;
	size_t n_valid, n_diags, n_case, n_row;
	const char *valid = get_part(&p, end, &n_valid);
	const char *diags = get_part(&p, end, &n_diags);
	const char *case_text = get_part(&p, end, &n_case);
	const char *row_text = get_part(&p, end, &n_row);
	size_t n_site;
	const char *site_part = get_part(&p, end, &n_site);
	ap_plan_site site;
	const char *site_themes[MAX_SITE_THEMES];
	int has_site =
	    site_part && n_site &&
	    get_site(site_part, site_part + n_site, &site, site_themes) == 0;
	/* The problems: a count, then five parts each (see put_diags). */
	const char *dp = diags, *dend = diags ? diags + n_diags : NULL;
	size_t n;
	const char *count = diags ? get_part(&dp, dend, &n) : NULL;
	uint32_t n_diags_in = count && n == 4 ? get_u32(count) : 0;
	for (uint32_t i = 0; i < n_diags_in; i++) {
		size_t ns, nl, nfile, nfield, nmsg;
		const char *sev = get_part(&dp, dend, &ns);
		const char *line = get_part(&dp, dend, &nl);
		const char *file = get_part(&dp, dend, &nfile);
		const char *field = get_part(&dp, dend, &nfield);
		const char *msg = get_part(&dp, dend, &nmsg);
		if (!sev || ns != 4 || !line || nl != 8 || !file || !field ||
		    !msg)
			break;
		int32_t sev32;
		int64_t line64;
		memcpy(&sev32, sev, 4);
		memcpy(&line64, line, 8);
		char *file_z = xmalloc(nfile + 1),
		     *field_z = xmalloc(nfield + 1);
		memcpy(file_z, file, nfile);
		file_z[nfile] = '\0';
		memcpy(field_z, field, nfield);
		field_z[nfield] = '\0';
		ap_diags_add(all, (ap_severity)sev32, file_z, (long)line64,
		             field_z, "%.*s", (int)nmsg, msg);
		free(file_z);
		free(field_z);
	}
	batch_result r = {
	    .valid = valid && n_valid == 1 && valid[0] == '1',
	    .case_text = n_case ? case_text : NULL,
	    .case_len = n_case,
	    .row = n_row ? json_loadb(row_text, n_row, 0, NULL) : NULL,
	    .site = has_site ? &site : NULL,
	};
	b->on_result(b->ctx, (size_t)index, &r);
	json_decref(r.row);
	free(t->result);
	t->result = NULL;
	for (size_t k = 0; k < t->n_skip; k++)
		free(t->skip[k]);
	free(t->skip);
	t->skip = NULL;
	t->n_skip = 0;
}

/* Ends a dead worker: blames the case it was on, hands back the others it
 * held, and starts a new one in its place. `timed_out` when the parent
 * killed it for the time limit. */
static int replace_worker(const batch_spec *b, worker *w, worker *all,
                          size_t n_all, task *tasks, int timed_out)
{
	int status = 0;
	/* The page survives the process: read it before a new worker uses
	 * it. */
	int busy = w->state->busy;
	long running = busy ? (long)w->state->index : -1;
	char theme[sizeof w->state->theme];
	for (size_t i = 0; i < sizeof theme; i++)
		theme[i] = w->state->theme[i];
	theme[sizeof theme - 1] = '\0';
	reap(w, &status);
	for (size_t q = 0; q < w->queued; q++) {
		long index = w->queue[q];
		task *t = &tasks[index];
		if (index != running) {
			t->state = 0; /* not started: simply again */
			continue;
		}
		const char *path = b->in->paths[index];
		char why[256];
		if (timed_out)
			snprintf(why, sizeof why,
			         "ran past the time limit of %g s on %s",
			         b->case_time_limit, path);
		else if (WIFSIGNALED(status))
			snprintf(why, sizeof why,
			         "crashed on %s: signal %d (%s)", path,
			         WTERMSIG(status),
			         signal_name(WTERMSIG(status)));
		else
			snprintf(why, sizeof why, "stopped on %s (exit %d)",
			         path, WEXITSTATUS(status));
		failed(b, theme[0] ? theme : NULL, t, path, why);
	}
	w->queued = 0;
	if (interrupted)
		return 0;
	return spawn(b, w, all, n_all);
}

int batch_run(const batch_spec *b, ap_diags *all)
{
	size_t n = b->in->n;
	size_t jobs = b->jobs ? b->jobs : 1;
	if (jobs > 64)
		jobs = 64;
	if (jobs > n && n)
		jobs = n;
	/* Results are held only between the next one to print and the
	 * furthest one handed out. */
	size_t window = jobs * QUEUE * 8;
	task *tasks = calloc(n ? n : 1, sizeof(*tasks));
	worker *ws = calloc(jobs, sizeof(*ws));
	worker_state *pages =
	    mmap(NULL, jobs * sizeof(worker_state), PROT_READ | PROT_WRITE,
	         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tasks || !ws || pages == MAP_FAILED)
		ap_oom();
	for (size_t k = 0; k < jobs; k++)
		ws[k].state = &pages[k];

	struct sigaction sa = {0}, old_int, old_term;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);
	interrupted = 0;

	int rc = 0;
	for (size_t k = 0; k < jobs; k++)
		if (spawn(b, &ws[k], ws, jobs) != 0) {
			fprintf(stderr, "appui: cannot start a worker: %s\n",
			        strerror(errno));
			rc = -1;
			goto out;
		}

	size_t next_print = 0, next_hand = 0, done = 0, retry_from = 0;
	while (next_print < n && !interrupted) {
		/* Hand out work, a few tasks ahead per worker: retries first,
		 * then new files in order. */
		for (size_t k = 0; k < jobs; k++) {
			worker *w = &ws[k];
			while (w->pid > 0 && w->queued < QUEUE) {
				long pick = -1;
				if (retry_from < next_print)
					retry_from = next_print;
				for (size_t i = retry_from; i < next_hand; i++)
					if (tasks[i].state == 0) {
						pick = (long)i;
						break;
					}
				if (pick < 0 && next_hand < n &&
				    next_hand < next_print + window)
					pick = (long)next_hand++;
				if (pick < 0)
					break;
				dispatch(w, &tasks[pick], pick);
			}
			/* A worker that died cannot be written to: its death is
			 * seen below, and its tasks handed out again. */
			if (w->out.len)
				(void)bytes_flush(&w->out, w->to);
		}
		struct pollfd pfd[64];
		for (size_t k = 0; k < jobs; k++) {
			pfd[k].fd = ws[k].pid > 0 ? ws[k].from : -1;
			pfd[k].events = POLLIN;
			pfd[k].revents = 0;
		}
		int got = poll(pfd, jobs, 100);
		if (got < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
		double t_now = now();
		for (size_t k = 0; k < jobs; k++) {
			worker *w = &ws[k];
			if (w->pid <= 0)
				continue;
			int dead = 0;
			/* One read, and every message it completed. */
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
				dead = bytes_fill(&w->in, w->from) <= 0;
			while (!dead) {
				bytes *in = &w->in;
				if (in->len - in->pos < 9)
					break;
				const char *head = in->data + in->pos;
				uint32_t index = get_u32(head + 1);
				uint32_t len = get_u32(head + 5);
				if (len > (256u << 20) || head[0] != 'R') {
					/* Not a worker's message: end it. */
					kill(w->pid, SIGKILL);
					dead = 1;
					break;
				}
				if (in->len - in->pos - 9 < len)
					break;
				const char *data =
				    bytes_take(in, 9 + (size_t)len) + 9;
				if (w->queued && w->queue[0] == (long)index) {
					task *t = &tasks[index];
					t->result = xmalloc(len);
					memcpy(t->result, data, len);
					t->result_len = len;
					t->state = 2;
					memmove(w->queue, w->queue + 1,
					        (w->queued - 1) * sizeof(long));
					w->queued--;
				}
			}
			int timed_out = 0;
			if (!dead && w->state->busy &&
			    t_now - w->state->started > b->case_time_limit) {
				kill(w->pid, SIGKILL);
				timed_out = 1;
			}
			if ((dead || timed_out) &&
			    replace_worker(b, w, ws, jobs, tasks, timed_out) !=
			        0) {
				rc = -1;
				goto out;
			}
		}
		while (next_print < n && tasks[next_print].state == 2) {
			deliver(b, (long)next_print, &tasks[next_print], all);
			next_print++;
			done++;
			progress(b->verb, done, n);
		}
	}
	if (interrupted) {
		fprintf(stderr,
		        "\nappui: interrupted: %zu of %zu files done; nothing "
		        "written\n",
		        done, n);
		rc = 130;
	}
out:
	for (size_t k = 0; k < jobs; k++) {
		if (ws[k].pid <= 0)
			continue;
		if (rc != 0)
			kill(ws[k].pid, SIGKILL);
		int status;
		reap(&ws[k], &status);
	}
	for (size_t i = 0; i < n; i++) {
		free(tasks[i].result);
		for (size_t k = 0; k < tasks[i].n_skip; k++)
			free(tasks[i].skip[k]);
		free(tasks[i].skip);
		ap_diags_free(tasks[i].extra);
	}
	for (size_t k = 0; k < jobs; k++) {
		bytes_free(&ws[k].in);
		bytes_free(&ws[k].out);
	}
	munmap(pages, jobs * sizeof(worker_state));
	free(tasks);
	free(ws);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
