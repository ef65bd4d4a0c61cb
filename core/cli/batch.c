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
 * Messages are length-prefixed on pipes:
 *   parent -> worker: task   u32 index, u32 attempt, u32 n_skip,
 *                            then n_skip theme ids and the path, each a
 *                            u32 length and bytes
 *   worker -> parent: 'R' u32 index + the case's result in parts
 * A few tasks are queued ahead in each worker's pipe so it never waits.
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
#define QUEUE    4 /* tasks handed to a worker ahead */

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
		fputs("appui: out of memory\n", stderr);
		exit(70);
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

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_u32(int fd, uint32_t v)
{
	return write_all(fd, &v, sizeof v);
}

static int send_str(int fd, const char *s, size_t n)
{
	return send_u32(fd, (uint32_t)n) || write_all(fd, s, n) ? -1 : 0;
}

/* A message: one kind byte, u32 index, u32 length, bytes. */
static int send_msg(int fd, char kind, uint32_t index, const char *s, size_t n)
{
	char head[9];
	head[0] = kind;
	memcpy(head + 1, &index, 4);
	uint32_t len = (uint32_t)n;
	memcpy(head + 5, &len, 4);
	return write_all(fd, head, sizeof head) || write_all(fd, s, n) ? -1 : 0;
}

static char *recv_str(int fd)
{
	uint32_t n;
	if (read_all(fd, &n, sizeof n))
		return NULL;
	if (n > (64u << 20))
		return NULL;
	char *s = xmalloc(n + 1);
	if (read_all(fd, s, n)) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
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

static json_t *diags_json(const ap_diags *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		json_array_append_new(
		    a, json_pack("[i,s,I,s,s]", (int)g->severity, g->file,
		                 (json_int_t)g->line, g->field, g->message));
	}
	return a;
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

/* Appends a u32 length and bytes to a growing message. */
static void put_part(char **buf, size_t *len, size_t *cap, const char *s,
                     size_t n)
{
	if (*len + n + 4 > *cap) {
		*cap = (*len + n + 4) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			exit(70);
	}
	uint32_t n32 = (uint32_t)n;
	memcpy(*buf + *len, &n32, 4);
	if (n)
		memcpy(*buf + *len + 4, s, n);
	*len += n + 4;
}

/*
 * The result of one case, as parts: "1"/"0" (valid), the problems (JSON),
 * the case's JSON text as a single process would write it (score, plan),
 * and the table row (JSON). The case text goes as is: no second encoding.
 */
static void process(const batch_spec *b, int out, uint32_t index,
                    const char *path, const char *const *skip, size_t n_skip)
{
	ap_diags *d = ap_diags_new(), *tmp = ap_diags_new();
	char *case_text = NULL, *row_text = NULL;
	size_t case_len = 0;
	ap_case *c = load_case(b->s, b->o, path, d, tmp);
	if (c && b->mode != BATCH_VALIDATE) {
		ap_score_options opt = {skip, n_skip, announce_theme, NULL};
		ap_case_result *r = NULL;
		ap_diags_clear(tmp);
		ap_host_score_with(b->s->host, c, &opt, &r, tmp);
		ap_diags_move(d, tmp, b->o->strict);
		if (b->mode == BATCH_SCORE_JSON || b->mode == BATCH_PLAN) {
			/* The same writer as a single process would use; index
			 * 0 writes "\n{...}", the parent adds its own
			 * separators. */
			FILE *mem = open_memstream(&case_text, &case_len);
			if (!mem)
				exit(70);
			ap_report_json_case(mem, r, 0);
			fclose(mem);
		} else {
			ap_score_row row;
			ap_score_row_fill(&row, r, b->o->explain);
			json_t *rj = row_json(&row);
			row_text = json_dumps(rj, JSON_COMPACT);
			json_decref(rj);
			ap_score_row_clear(&row);
		}
		ap_case_result_free(r);
	}
	json_t *dj = diags_json(d);
	char *diags_text = json_dumps(dj, JSON_COMPACT);
	json_decref(dj);
	char *msg = NULL;
	size_t len = 0, cap = 0;
	put_part(&msg, &len, &cap, c ? "1" : "0", 1);
	put_part(&msg, &len, &cap, diags_text, strlen(diags_text));
	put_part(&msg, &len, &cap, case_text ? case_text + 1 : "",
	         case_text ? case_len - 1 : 0);
	put_part(&msg, &len, &cap, row_text ? row_text : "",
	         row_text ? strlen(row_text) : 0);
	send_msg(out, 'R', index, msg, len);
	free(msg);
	free(diags_text);
	free(case_text);
	free(row_text);
	ap_case_free(c);
	ap_diags_free(d);
	ap_diags_free(tmp);
}

static void worker_main(const batch_spec *b, int in, int out)
{
	/* The parent decides when to stop; a Ctrl-C reaches the whole process
	 * group, so workers ignore it and let the parent end them. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	for (;;) {
		uint32_t index, attempt, n_skip;
		if (read_all(in, &index, 4) || read_all(in, &attempt, 4) ||
		    read_all(in, &n_skip, 4) || n_skip > MAX_SKIP)
			_exit(0);
		char *skip[MAX_SKIP];
		for (uint32_t k = 0; k < n_skip; k++)
			if (!(skip[k] = recv_str(in)))
				_exit(0);
		char *path = recv_str(in);
		if (!path)
			_exit(0);
		self_state->theme[0] = '\0';
		self_state->index = index;
		self_state->started = now();
		self_state->busy = 1;
		process(b, out, index, path, (const char *const *)skip, n_skip);
		self_state->busy = 0;
		for (uint32_t k = 0; k < n_skip; k++)
			free(skip[k]);
		free(path);
	}
}

/* ---- the parent
 * ------------------------------------------------------------------- */

typedef struct task {
	int state; /* 0 waiting, 1 running, 2 done */
	uint32_t attempt;
	char *skip[MAX_SKIP];
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

static int dispatch(worker *w, task *t, long index, const char *path)
{
	if (send_u32(w->to, (uint32_t)index) || send_u32(w->to, t->attempt) ||
	    send_u32(w->to, (uint32_t)t->n_skip))
		return -1;
	for (size_t k = 0; k < t->n_skip; k++)
		if (send_str(w->to, t->skip[k], strlen(t->skip[k])))
			return -1;
	if (send_str(w->to, path, strlen(path)))
		return -1;
	w->queue[w->queued++] = index;
	t->state = 1;
	return 0;
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

/* The next part of a result message, or NULL (and *n = 0). */
static const char *get_part(const char **p, const char *end, size_t *n)
{
	uint32_t n32;
	if (end - *p < 4) {
		*n = 0;
		return NULL;
	}
	memcpy(&n32, *p, 4);
	if ((size_t)(end - *p - 4) < n32) {
		*n = 0;
		return NULL;
	}
	const char *s = *p + 4;
	*p = s + n32;
	*n = n32;
	return s;
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
	json_t *dj = diags ? json_loadb(diags, n_diags, 0, NULL) : NULL;
	size_t i;
	json_t *g;
	json_array_foreach(dj, i, g)
	{
		ap_diags_add(
		    all, (ap_severity)json_integer_value(json_array_get(g, 0)),
		    json_string_value(json_array_get(g, 1)),
		    (long)json_integer_value(json_array_get(g, 2)),
		    json_string_value(json_array_get(g, 3)), "%s",
		    json_string_value(json_array_get(g, 4)));
	}
	json_decref(dj);
	batch_result r = {
	    .valid = valid && n_valid == 1 && valid[0] == '1',
	    .case_text = n_case ? case_text : NULL,
	    .case_len = n_case,
	    .row = n_row ? json_loadb(row_text, n_row, 0, NULL) : NULL,
	};
	b->on_result(b->ctx, (size_t)index, &r);
	json_decref(r.row);
	free(t->result);
	t->result = NULL;
	for (size_t k = 0; k < t->n_skip; k++)
		free(t->skip[k]);
	t->n_skip = 0;
}

static int read_message(worker *w, char *kind, uint32_t *index, char **data,
                        size_t *size)
{
	char head[9];
	if (read_all(w->from, head, sizeof head))
		return -1;
	*kind = head[0];
	uint32_t len;
	memcpy(index, head + 1, 4);
	memcpy(&len, head + 5, 4);
	if (len > (256u << 20))
		return -1;
	*data = xmalloc((size_t)len + 1);
	if (read_all(w->from, *data, len)) {
		free(*data);
		return -1;
	}
	(*data)[len] = '\0';
	*size = len;
	return 0;
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
		exit(70);
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
				if (dispatch(w, &tasks[pick], pick,
				             b->in->paths[pick]) != 0) {
					tasks[pick].state = 0;
					break; /* its death is seen below */
				}
			}
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
			/* Every message waiting, not one per wake-up. */
			while (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) {
				char kind;
				uint32_t index;
				char *data = NULL;
				size_t len = 0;
				if (read_message(w, &kind, &index, &data,
				                 &len) != 0) {
					dead = 1;
					break;
				}
				if (kind == 'R' && w->queued &&
				    w->queue[0] == (long)index) {
					tasks[index].result = data;
					tasks[index].result_len = len;
					tasks[index].state = 2;
					data = NULL;
					memmove(w->queue, w->queue + 1,
					        (w->queued - 1) * sizeof(long));
					w->queued--;
				}
				free(data);
				struct pollfd more = {w->from, POLLIN, 0};
				if (poll(&more, 1, 0) <= 0)
					break;
				pfd[k].revents = more.revents;
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
		ap_diags_free(tasks[i].extra);
	}
	munmap(pages, jobs * sizeof(worker_state));
	free(tasks);
	free(ws);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
