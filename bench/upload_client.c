/*
 * The load client of the service benchmark: uploads case files to
 * `appui serve` over N concurrent HTTP/1.1 keep-alive connections (one
 * thread each, plain blocking sockets) and records every answer.
 *
 *   upload_client --url http://HOST:PORT --clients N --tokens SPEC
 *                 [--out FILE] [--allow-errors] [--timeout S] FILES|DIRS...
 *
 * Each file is sent once: POST /v1/casefiles?name=BASENAME, Content-Type
 * application/xml, with the token of the firm its diagnostic/@firm names
 * (SPEC: FIRM=TOKEN,... or @FILE, one FIRM=TOKEN a line), as
 * tests/service/load.py does. The threads take the next file from a shared
 * list; a file is read before its request starts, and its latency runs from
 * the first byte sent to the last byte of the answer read. A connection
 * the service closes (Connection: close, or a failure) is opened again for
 * the next file; a request with no answer counts as status 0.
 *
 * stdout: the count per status, uploads per second (answers 200 or 201
 * over the wall time), the 50th and 99th percentile latency in ms (nearest
 * rank, over the answered requests). --out: one line per file, "STATUS MS
 * FILE". Exit status: 0 every answer 200 or 201 (or --allow-errors), 1
 * otherwise, 2 usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_TOKENS 256
#define MAX_HEAD   16384

typedef struct result {
	int status; /* 0: no answer */
	double ms;  /* < 0: never sent */
} result;

typedef struct run {
	char **files;
	size_t n_files, next;
	result *results;
	char *firms[MAX_TOKENS], *tokens[MAX_TOKENS];
	size_t n_tokens;
	struct addrinfo *addr;
	char host[300];
	double timeout;
	pthread_mutex_t lock;
} run;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("upload_client: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- the inputs ---------------------------------------------------------- */

static void add_token(run *r, char *item)
{
	char *eq = strchr(item, '=');
	if (!eq || eq == item || !eq[1])
		die("--tokens: not FIRM=TOKEN: '%.*s'",
		    (int)(eq ? eq - item : (long)strlen(item)), item);
	if (r->n_tokens == MAX_TOKENS)
		die("--tokens: more than %d firms", MAX_TOKENS);
	*eq = '\0';
	r->firms[r->n_tokens] = strdup(item);
	r->tokens[r->n_tokens++] = strdup(eq + 1);
}

static void read_tokens(run *r, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	if (spec[0] == '@') {
		FILE *f = fopen(spec + 1, "r");
		if (!f)
			die("--tokens: %s: %s", spec + 1, strerror(errno));
		char line[1024];
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0])
				add_token(r, line);
		}
		fclose(f);
	} else
		for (char *t = strtok_r(copy, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			add_token(r, t);
	free(copy);
}

static void add_file(run *r, size_t *cap, const char *path)
{
	if (r->n_files == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		r->files = realloc(r->files, *cap * sizeof(*r->files));
		if (!r->files)
			die("out of memory");
	}
	r->files[r->n_files++] = strdup(path);
}

static int xml_or_dir(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' &&
	       (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN ||
	        (n > 4 && strcmp(e->d_name + n - 4, ".xml") == 0));
}

/* A folder's *.xml files, walked in name order (as load.py does). */
static void walk(run *r, size_t *cap, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, xml_or_dir, alphasort);
	if (n < 0)
		die("%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk(r, cap, path);
		else if (strlen(names[i]->d_name) > 4 &&
		         strcmp(names[i]->d_name + strlen(names[i]->d_name) - 4,
		                ".xml") == 0)
			add_file(r, cap, path);
		free(names[i]);
	}
	free(names);
}

static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *b = xmalloc((size_t)st.st_size);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, b + got, (size_t)st.st_size - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	*len = got;
	return b;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value of diagnostic/@firm, as load.py's pattern finds it. */
static int firm_of(const char *b, size_t len, char *out, size_t cap)
{
	const char *end = b + len;
	for (const char *p = memmem(b, len, "<diagnostic", 11); p;
	     p = memmem(p + 1, (size_t)(end - p - 1), "<diagnostic", 11)) {
		const char *q = p + 11;
		if (q < end && !is_ws(*q) && *q != '/' && *q != '>')
			continue;
		for (; q + 5 < end && *q != '>'; q++) {
			if (!is_ws(*q) || strncmp(q + 1, "firm", 4))
				continue;
			const char *v = q + 5;
			while (v < end && is_ws(*v))
				v++;
			if (v >= end || *v != '=')
				continue;
			for (v++; v < end && is_ws(*v); v++)
				;
			if (v >= end || (*v != '"' && *v != '\''))
				continue;
			const char *stop =
			    memchr(v + 1, *v, (size_t)(end - v - 1));
			if (!stop || (size_t)(stop - v - 1) >= cap)
				return -1;
			memcpy(out, v + 1, (size_t)(stop - v - 1));
			out[stop - v - 1] = '\0';
			return 0;
		}
	}
	return -1;
}

static const char *token_of(const run *r, const char *firm)
{
	for (size_t i = 0; i < r->n_tokens; i++)
		if (strcmp(r->firms[i], firm) == 0)
			return r->tokens[i];
	return NULL;
}

/* ---- HTTP ---------------------------------------------------------------- */

typedef struct conn {
	int fd;
	char buf[MAX_HEAD];
	size_t have; /* bytes of the next answer already read */
} conn;

static int conn_open(conn *c, const run *r)
{
	c->have = 0;
	c->fd = socket(r->addr->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct timeval tv = {.tv_sec = (time_t)r->timeout,
	                     .tv_usec = (long)(fmod(r->timeout, 1) * 1e6)};
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(c->fd, r->addr->ai_addr, r->addr->ai_addrlen) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void conn_close(conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->have = 0;
}

/* Writes every part whole, however little each call takes. */
static int send_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t k = writev(fd, iov, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		size_t left = (size_t)k;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

static ssize_t recv_some(conn *c, char *into, size_t cap)
{
	ssize_t k;
	do
		k = recv(c->fd, into, cap, 0);
	while (k < 0 && errno == EINTR);
	return k;
}

/* The value of header `name` in the head `h` (lines after the status), or
 * NULL; its length in *n. */
static const char *header(const char *h, const char *name, size_t *n)
{
	size_t len = strlen(name);
	for (const char *l = strstr(h, "\r\n"); l && l[2] != '\r';
	     l = strstr(l + 2, "\r\n")) {
		const char *p = l + 2;
		if (strncasecmp(p, name, len) || p[len] != ':')
			continue;
		p += len + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		*n = strcspn(p, "\r\n");
		while (*n && (p[*n - 1] == ' ' || p[*n - 1] == '\t'))
			(*n)--;
		return p;
	}
	return NULL;
}

/* Reads and drops `left` bytes of body (-1: up to the close). */
static int skip_body(conn *c, size_t start, long long left)
{
	size_t have = c->have - start;
	if (left >= 0 && (long long)have >= left) {
		size_t rest = have - (size_t)left;
		memmove(c->buf, c->buf + start + left, rest);
		c->have = rest;
		return 0;
	}
	if (left >= 0)
		left -= (long long)have;
	c->have = 0;
	for (;;) {
		if (left == 0)
			return 0;
		size_t want = sizeof c->buf;
		if (left > 0 && (long long)want > left)
			want = (size_t)left;
		ssize_t k = recv_some(c, c->buf, want);
		if (k == 0 && left < 0)
			return 0;
		if (k <= 0)
			return -1;
		if (left > 0)
			left -= k;
	}
}

/* Reads one line ending in CRLF of a chunked body from the buffer,
 * reading more as needed; its start in *line. */
static int chunk_line(conn *c, size_t *line)
{
	for (;;) {
		char *e = memmem(c->buf, c->have, "\r\n", 2);
		if (e) {
			*line = (size_t)(e - c->buf) + 2;
			return 0;
		}
		if (c->have == sizeof c->buf)
			return -1;
		ssize_t k =
		    recv_some(c, c->buf + c->have, sizeof c->buf - c->have);
		if (k <= 0)
			return -1;
		c->have += (size_t)k;
	}
}

/* A chunked body from the buffer's start, read and dropped (no trailers
 * are expected; an empty trailer section ends it). */
static int skip_chunked(conn *c)
{
	for (;;) {
		size_t line;
		if (chunk_line(c, &line) != 0)
			return -1;
		char *end;
		unsigned long long size = strtoull(c->buf, &end, 16);
		if (end == c->buf)
			return -1;
		if (skip_body(c, line, (long long)size) != 0)
			return -1;
		if (chunk_line(c, &line) != 0) /* its CRLF, or the trailer's */
			return -1;
		memmove(c->buf, c->buf + line, c->have - line);
		c->have -= line;
		if (size == 0)
			return 0;
	}
}

/* One answer: its status, its body read and dropped; *keep 0 when the
 * connection is not to be used again. Returns -1 on no answer. */
static int read_answer(conn *c, int *keep)
{
	char *end;
	while (!(end = memmem(c->buf, c->have, "\r\n\r\n", 4))) {
		if (c->have == sizeof c->buf - 1)
			return -1;
		ssize_t k =
		    recv_some(c, c->buf + c->have, sizeof c->buf - 1 - c->have);
		if (k <= 0)
			return -1;
		c->have += (size_t)k;
	}
	size_t head = (size_t)(end - c->buf) + 4;
	char saved = c->buf[head];
	c->buf[head] = '\0';
	int status = 0;
	if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	size_t n;
	const char *v = header(c->buf, "Connection", &n);
	*keep = !(v && n == 5 && strncasecmp(v, "close", 5) == 0);
	const char *te = header(c->buf, "Transfer-Encoding", &n);
	int chunked =
	    te && n >= 7 && strncasecmp(te + n - 7, "chunked", 7) == 0;
	v = header(c->buf, "Content-Length", &n);
	long long len = chunked ? 0 : v ? strtoll(v, NULL, 10) : -1;
	c->buf[head] = saved;
	if (len < 0)
		*keep = 0; /* the body ends with the connection */
	if (skip_body(c, head, len) != 0)
		return -1;
	if (chunked && skip_chunked(c) != 0)
		return -1;
	return status;
}

/* One upload on `c` (opened if need be): the answer's status, or 0. */
static int upload(conn *c, const run *r, const char *path, const char *body,
                  size_t len, const char *token, double *ms)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char head[1024];
	int n = snprintf(head, sizeof head,
	                 "POST /v1/casefiles?name=%s HTTP/1.1\r\n"
	                 "Host: %s\r\n"
	                 "Authorization: Bearer %s\r\n"
	                 "Content-Type: application/xml\r\n"
	                 "Content-Length: %zu\r\n\r\n",
	                 base, r->host, token, len);
	if (n < 0 || (size_t)n >= sizeof head)
		return 0;
	double t0 = now_ms();
	*ms = -1;
	if (c->fd < 0 && conn_open(c, r) != 0)
		return 0;
	struct iovec iov[2] = {{head, (size_t)n}, {(void *)body, len}};
	int keep = 0, status = -1;
	if (send_all(c->fd, iov, 2) == 0)
		status = read_answer(c, &keep);
	*ms = now_ms() - t0;
	if (status < 0 || !keep)
		conn_close(c);
	return status < 0 ? 0 : status;
}

/* ---- the clients --------------------------------------------------------- */

static int take(run *r, size_t *i)
{
	pthread_mutex_lock(&r->lock);
	int got = r->next < r->n_files;
	if (got)
		*i = r->next++;
	pthread_mutex_unlock(&r->lock);
	return got;
}

static void one(run *r, conn *c, size_t i)
{
	result *res = &r->results[i];
	res->status = 0;
	res->ms = -1;
	size_t len;
	char *body = read_file(r->files[i], &len);
	char firm[256];
	if (!body) {
		fprintf(stderr, "upload_client: %s: %s\n", r->files[i],
		        strerror(errno));
		return;
	}
	const char *token =
	    firm_of(body, len, firm, sizeof firm) == 0 ? token_of(r, firm) : 0;
	if (!token) {
		res->status = -1;
		fprintf(stderr, "upload_client: %s: no token for its firm\n",
		        r->files[i]);
	} else
		res->status =
		    upload(c, r, r->files[i], body, len, token, &res->ms);
	free(body);
}

static void *client(void *arg)
{
	run *r = arg;
	conn *c = xmalloc(sizeof(*c));
	c->fd = -1;
	c->have = 0;
	size_t i;
	while (take(r, &i))
		one(r, c, i);
	conn_close(c);
	free(c);
	return NULL;
}

/* ---- the summary --------------------------------------------------------- */

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double percentile(const double *v, size_t n, double p)
{
	if (!n)
		return NAN;
	size_t k = (size_t)ceil(p / 100 * (double)n);
	return v[(k ? k : 1) - 1];
}

static void print_statuses(const run *r)
{
	int seen[1000] = {0};
	size_t count[1000] = {0}, other = 0;
	for (size_t i = 0; i < r->n_files; i++) {
		int s = r->results[i].status;
		if (s < 0 || s >= 1000)
			other++;
		else
			seen[s] = 1, count[s]++;
	}
	fputs("status", stdout);
	if (other)
		printf(" -1:%zu", other);
	for (int s = 0; s < 1000; s++)
		if (seen[s])
			printf(" %d:%zu", s, count[s]);
	putchar('\n');
}

/* Prints the figures; returns how many answers are not 200 or 201. */
static size_t summary(const run *r, double wall_ms, size_t clients)
{
	double *ms = xmalloc(r->n_files * sizeof(*ms));
	size_t n_ms = 0, ok = 0;
	for (size_t i = 0; i < r->n_files; i++) {
		const result *x = &r->results[i];
		if (x->status == 200 || x->status == 201)
			ok++;
		if (x->status > 0)
			ms[n_ms++] = x->ms;
	}
	qsort(ms, n_ms, sizeof(*ms), by_value);
	printf("files %zu in %.3f s, %zu clients\n", r->n_files, wall_ms / 1e3,
	       clients);
	print_statuses(r);
	printf("uploads/s %.1f\n", wall_ms > 0 ? ok / (wall_ms / 1e3) : 0.0);
	printf("p50 %.2f ms\n", percentile(ms, n_ms, 50));
	printf("p99 %.2f ms\n", percentile(ms, n_ms, 99));
	free(ms);
	return r->n_files - ok;
}

static void write_out(const run *r, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("--out: %s: %s", path, strerror(errno));
	for (size_t i = 0; i < r->n_files; i++)
		fprintf(f, "%d %.3f %s\n", r->results[i].status,
		        r->results[i].ms, r->files[i]);
	fclose(f);
}

/* ---- main ---------------------------------------------------------------- */

typedef struct options {
	const char *url, *tokens, *out;
	size_t clients;
	int allow_errors;
	double timeout;
	int first_file;
} options;

static void usage(void)
{
	fputs("usage: upload_client --url http://HOST:PORT [--clients N] "
	      "--tokens FIRM=TOKEN,...|@FILE [--out FILE] [--allow-errors] "
	      "[--timeout S] FILES_OR_FOLDERS...\n",
	      stderr);
	exit(2);
}

static options parse_options(int argc, char **argv)
{
	options o = {.clients = 1, .timeout = 120};
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--allow-errors") == 0) {
			o.allow_errors = 1;
			continue;
		}
		if (i + 1 == argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(a, "--url") == 0)
			o.url = v;
		else if (strcmp(a, "--tokens") == 0)
			o.tokens = v;
		else if (strcmp(a, "--out") == 0)
			o.out = v;
		else if (strcmp(a, "--clients") == 0)
			o.clients = strtoul(v, NULL, 10);
		else if (strcmp(a, "--timeout") == 0)
			o.timeout = strtod(v, NULL);
		else
			usage();
	}
	if (!o.url || !o.tokens || o.clients < 1 || o.timeout <= 0 || i == argc)
		usage();
	o.first_file = i;
	return o;
}

/* http://HOST[:PORT][/] into r->addr and r->host. */
static void resolve(run *r, const char *url)
{
	if (strncmp(url, "http://", 7) != 0)
		die("--url is http://HOST:PORT");
	snprintf(r->host, sizeof r->host, "%s", url + 7);
	r->host[strcspn(r->host, "/")] = '\0';
	char host[300], port[16] = "80";
	snprintf(host, sizeof host, "%s", r->host);
	char *colon = strrchr(host, ':');
	if (colon && !strchr(colon, ']')) {
		snprintf(port, sizeof port, "%s", colon + 1);
		*colon = '\0';
	}
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	int rc = getaddrinfo(host, port, &hints, &r->addr);
	if (rc != 0)
		die("--url: %s: %s", r->host, gai_strerror(rc));
}

int main(int argc, char **argv)
{
	options o = parse_options(argc, argv);
	run r = {.timeout = o.timeout};
	pthread_mutex_init(&r.lock, NULL);
	read_tokens(&r, o.tokens);
	resolve(&r, o.url);
	size_t cap = 0;
	for (int i = o.first_file; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			walk(&r, &cap, argv[i]);
		else
			add_file(&r, &cap, argv[i]);
	}
	r.results = calloc(r.n_files ? r.n_files : 1, sizeof(*r.results));
	size_t n = o.clients < r.n_files ? o.clients : r.n_files;
	pthread_t *t = xmalloc((n ? n : 1) * sizeof(*t));
	double t0 = now_ms();
	for (size_t i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, client, &r) != 0)
			die("cannot start a client thread");
	for (size_t i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	double wall = now_ms() - t0;
	if (o.out)
		write_out(&r, o.out);
	size_t bad = summary(&r, wall, o.clients);
	return bad && !o.allow_errors ? 1 : 0;
}
