#include "util.h"

#include <time.h>

#include "appui/status.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

void *ap_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		ap_oom();
	return p;
}

void *ap_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		ap_oom();
	return p;
}

void *ap_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		ap_oom();
	return q;
}

char *ap_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ap_xmalloc(n);
	memcpy(p, s, n);
	return p;
}

char *ap_xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return ap_xstrdup("");
	char *p = ap_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *ap_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = ap_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

struct ap_arena_block {
	ap_arena_block *next;
	size_t cap;
	_Alignas(16) unsigned char data[];
};

void ap_arena_init(ap_arena *a)
{
	a->head = NULL;
	a->used = a->cap = 0;
}

void ap_arena_free(ap_arena *a)
{
	ap_arena_block *b = a->head;
	while (b) {
		ap_arena_block *next = b->next;
		free(b);
		b = next;
	}
	ap_arena_init(a);
}

void *ap_arena_alloc(ap_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->cap - a->used < n) {
		size_t cap = a->head ? a->head->cap * 2 : 4096;
		if (cap < n)
			cap = n;
		ap_arena_block *b = ap_xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->next = a->head;
		a->head = b;
		a->cap = cap;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += n;
	return p;
}

char *ap_arena_strdup(ap_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = ap_arena_alloc(a, n);
	memcpy(p, s, n);
	return p;
}

void ap_buf_init(ap_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void ap_buf_free(ap_buf *b)
{
	free(b->data);
	ap_buf_init(b);
}

void ap_buf_reset(ap_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void ap_buf_grow(ap_buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= extra)
		cap *= 2;
	b->data = ap_xrealloc(b->data, cap);
	b->cap = cap;
}

void ap_buf_printf(ap_buf *b, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n > 0) {
		ap_buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
}

void ap_ptrs_push(ap_ptrs *v, void *p)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = ap_xrealloc(v->items, v->cap * sizeof(*v->items));
	}
	v->items[v->len++] = p;
}

void ap_ptrs_free(ap_ptrs *v)
{
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

int ap_parse_double(const char *s, double *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int ap_parse_long(const char *s, long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int ap_days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 &&
	    ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

char *ap_path_join(const char *dir, const char *name)
{
	if (name[0] == '/' || !dir || !*dir)
		return ap_xstrdup(name);
	size_t n = strlen(dir);
	if (dir[n - 1] == '/')
		return ap_xasprintf("%s%s", dir, name);
	return ap_xasprintf("%s/%s", dir, name);
}

char *ap_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ap_xstrdup(".");
	if (slash == path)
		return ap_xstrdup("/");
	size_t n = (size_t)(slash - path);
	char *d = ap_xmalloc(n + 1);
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

int ap_str_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

mode_t ap_new_file_mode(const char *replacing)
{
	struct stat st;
	/* lstat: a symbolic link is replaced, not followed, so its target's
	 * mode is never taken. */
	if (replacing && lstat(replacing, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	mode_t mask = 022;
	FILE *f = fopen("/proc/self/status", "re");
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f)) {
			if (strncmp(line, "Umask:", 6) == 0) {
				mask =
				    (mode_t)strtoul(line + 6, NULL, 8) & 0777;
				break;
			}
		}
		fclose(f);
	} else {
		mask = umask(0);
		umask(mask);
	}
	return 0666 & ~mask;
}

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4), or 0 when the
 * bytes there are not one (RFC 3629: no overlong form, no surrogate, nothing
 * above U+10FFFF). Stops at a NUL, which is never a continuation byte. */
size_t ap_utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c == 0xE0) {
		n = 3;
		lo = 0xA0;
	} else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
		n = 3;
	} else if (c == 0xED) {
		n = 3;
		hi = 0x9F;
	} else if (c == 0xF0) {
		n = 4;
		lo = 0x90;
	} else if (c >= 0xF1 && c <= 0xF3) {
		n = 4;
	} else if (c == 0xF4) {
		n = 4;
		hi = 0x8F;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

int ap_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = ap_utf8_seq(p);
		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

unsigned ap_utf8_code(const unsigned char *p, size_t n)
{
	static const unsigned char lead[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
	unsigned cp = p[0] & lead[n];
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (p[i] & 0x3F);
	return cp;
}

int ap_utf8_shifty(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

void ap_buf_inert(ap_buf *b, const char *s, int keep_lines)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n = ap_utf8_seq(p);
		unsigned cp = n ? ap_utf8_code(p, n) : 0;
		if (keep_lines && (*p == '\n' || *p == '\t')) {
			ap_buf_putc(b, (char)*p);
		} else if (*p == '\n' || *p == '\t') {
			ap_buf_puts(b, *p == '\n' ? "\\n" : "\\t");
		} else if (!n || *p < 0x20 || *p == 0x7F) {
			char esc[5] = {'\\', 'x', hex[*p >> 4], hex[*p & 15],
			               0};
			ap_buf_puts(b, esc);
			n = 1;
		} else if (ap_utf8_shifty(cp)) {
			ap_buf_printf(b, "\\u%04x", cp);
		} else {
			ap_buf_add(b, (const char *)p, n);
		}
		p += n ? n : 1;
	}
}

double ap_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ap_open_regular(const char *path, struct stat *st, const char **why)
{
	struct stat own;
	if (!st)
		st = &own;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, st) != 0) {
		*why = strerror(errno);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		*why = AP_NOT_REGULAR;
		close(fd);
		errno = 0;
		return -1;
	}
	return fd;
}

int ap_read_fd(int fd, size_t size, size_t limit, ap_buf *out)
{
	/* Read in place, asking for a byte more than the size: a regular
	 * file's read() comes short only at its end, so one call usually
	 * reads it all and sees the end. */
	ap_buf_reset(out);
	size_t want = size + 1;
	for (;;) {
		ap_buf_reserve(out, want);
		ssize_t n = read(fd, out->data + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > limit)
			return 1;
		if ((size_t)n < want)
			return 0;
		want = 65536; /* it grew while read: go on to its end */
	}
}

int ap_read_regular(const char *path, size_t limit, ap_buf *out,
                    const char **why)
{
	struct stat st;
	int fd = ap_open_regular(path, &st, why);
	if (fd < 0)
		return -1;
	int rc = -1;
	ap_buf_reset(out);
	if ((unsigned long long)st.st_size > limit)
		goto too_big;
	int r = ap_read_fd(fd, (size_t)st.st_size, limit, out);
	if (r > 0)
		goto too_big;
	if (r < 0) {
		*why = strerror(errno);
		goto out;
	}
	rc = 0;
	goto out;
too_big:
	*why = "over the size limit";
	errno = EFBIG;
out:
	close(fd);
	return rc;
}

/* 32 bytes from the kernel, or -1 (no random source: never a weak token). */
static int random_bytes(unsigned char *out, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = getrandom(out + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

/* base64url (RFC 4648 section 5) of 32 bytes, without padding: 43 chars. */
static void base64url(const unsigned char in[32], char out[AP_SECRET_SIZE])
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	    "wxyz0123456789-_";
	size_t o = 0;
	for (size_t i = 0; i < 32; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < 32)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < 32)
			v |= in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		if (i + 1 < 32)
			out[o++] = a[(v >> 6) & 63];
		if (i + 2 < 32)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

int ap_random_secret(char out[AP_SECRET_SIZE])
{
	unsigned char raw[32];
	if (random_bytes(raw, sizeof raw) != 0)
		return -1;
	base64url(raw, out);
	memset(raw, 0, sizeof raw);
	return 0;
}

void ap_buf_html(ap_buf *b, const char *s)
{
	ap_buf t;
	ap_buf_init(&t);
	ap_buf_inert(&t, s ? s : "", 0);
	for (const char *c = t.data ? t.data : ""; *c; c++) {
		switch (*c) {
		case '<':
			ap_buf_puts(b, "&lt;");
			break;
		case '>':
			ap_buf_puts(b, "&gt;");
			break;
		case '&':
			ap_buf_puts(b, "&amp;");
			break;
		case '"':
			ap_buf_puts(b, "&quot;");
			break;
		case '\'':
			ap_buf_puts(b, "&#39;");
			break;
		default:
			ap_buf_putc(b, *c);
		}
	}
	ap_buf_free(&t);
}

void ap_locale_enter(ap_call_locale *u, int mask, const char *name)
{
	u->loc = newlocale(mask, name, (locale_t)0);
	u->old = u->loc ? uselocale(u->loc) : (locale_t)0;
}

void ap_locale_leave(ap_call_locale *u)
{
	if (!u->loc)
		return;
	uselocale(u->old);
	freelocale(u->loc);
	u->loc = (locale_t)0;
}
