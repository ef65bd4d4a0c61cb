/* Small internal helpers: an arena, a growable buffer, safe string copies. */
#ifndef APPUI_UTIL_H
#define APPUI_UTIL_H

#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

#include "appui/common.h"
#include "appui/i18n.h"
#include "appui/status.h"

/* What people read, in their language (appui/i18n.h); N_() marks a string
 * translated where it is shown. Never for what programs read (JSON, CSV,
 * the store, the service's answers). */
#define _(text)  ap_tr(text)
#define N_(text) AP_N_(text)

/* The locale of a call: the calling thread works in locale `name` for the
 * categories of `mask` (and "C" for the others) from ap_locale_enter() to
 * ap_locale_leave() (uselocale: this thread, and the processes it forks,
 * nothing global). When the locale cannot be made, nothing changes. */
typedef struct ap_call_locale {
	locale_t loc, old;
} ap_call_locale;
void ap_locale_enter(ap_call_locale *u, int mask, const char *name);
void ap_locale_leave(ap_call_locale *u);

#define AP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Out of memory is not recoverable for a command-line batch: say so, exit 70.
 */
void *ap_xmalloc(size_t n);
void *ap_xcalloc(size_t n, size_t size);
void *ap_xrealloc(void *p, size_t n);
char *ap_xstrdup(const char *s);
char *ap_xasprintf(const char *fmt, ...) AP_PRINTF(1, 2);
char *ap_xvasprintf(const char *fmt, va_list ap);

/*
 * An arena: everything of one case is freed at once. Blocks grow
 * geometrically; allocations are 16-byte aligned.
 */
typedef struct ap_arena_block ap_arena_block;
typedef struct ap_arena {
	ap_arena_block *head;
	size_t used, cap;
} ap_arena;

void ap_arena_init(ap_arena *a);
void ap_arena_free(ap_arena *a);
void *ap_arena_alloc(ap_arena *a, size_t n);
char *ap_arena_strdup(ap_arena *a, const char *s);

/* A growable byte buffer, always NUL-terminated. */
typedef struct ap_buf {
	char *data;
	size_t len, cap;
} ap_buf;

void ap_buf_init(ap_buf *b);
void ap_buf_free(ap_buf *b);
void ap_buf_reset(ap_buf *b);
/* Room for `extra` more bytes and the NUL after them. */
void ap_buf_grow(ap_buf *b, size_t extra);
void ap_buf_printf(ap_buf *b, const char *fmt, ...) AP_PRINTF(2, 3);

/* Inline: the JSON writer appends a few bytes at a time. */
static inline void ap_buf_reserve(ap_buf *b, size_t extra)
{
	if (b->cap - b->len <= extra)
		ap_buf_grow(b, extra);
}

static inline void ap_buf_add(ap_buf *b, const char *s, size_t n)
{
	ap_buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void ap_buf_puts(ap_buf *b, const char *s)
{
	ap_buf_add(b, s, strlen(s));
}

static inline void ap_buf_putc(ap_buf *b, char c)
{
	ap_buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* A growable array of pointers. */
typedef struct ap_ptrs {
	void **items;
	size_t len, cap;
} ap_ptrs;

void ap_ptrs_push(ap_ptrs *v, void *p);
void ap_ptrs_free(ap_ptrs *v);

/* strtod/strtol wrappers that accept only a whole, finite, in-range string. */
int ap_parse_double(const char *s, double *out);
int ap_parse_long(const char *s, long *out);

/* Days in a month of the proleptic Gregorian calendar. */
int ap_days_in_month(int year, int month);

/* Joins a folder and a name; "name" stays as is when absolute. */
char *ap_path_join(const char *dir, const char *name);
/* The folder part of a path ("." when there is none). */
char *ap_path_dirname(const char *path);

/*
 * The mode of a file appui writes (by mkstemp, which makes 0600, then a
 * rename): that of the regular file it replaces, when `replacing` names
 * one (not a symbolic link to one), else what a plain creation gives, 0666 less
 * the umask (read without changing it, which umask() would do for every thread
 * for a moment).
 */
mode_t ap_new_file_mode(const char *replacing);

/* The one UTF-8 validator (RFC 3629: no overlong form, no surrogate,
 * nothing above U+10FFFF). ap_utf8_seq: the length of the well-formed
 * sequence at `s` (1 to 4), or 0; it stops at a NUL. ap_utf8_valid: 1 when
 * the whole string is well-formed. */
size_t ap_utf8_seq(const unsigned char *s);
int ap_utf8_valid(const char *s);
/* The code point of the well-formed sequence of `n` bytes at `p`. */
unsigned ap_utf8_code(const unsigned char *p, size_t n);
/* 1 for the code points that change how a terminal or a viewer shows what
 * follows: C1 controls, bidirectional controls, line and paragraph
 * separators. Every output escapes them (\uNNNN) or refuses them. */
int ap_utf8_shifty(unsigned cp);

/* The one clock for durations: monotonic seconds (time limits, never
 * written into a result). */
double ap_now(void);

/* `s` as text safe to show a person: C0 controls and bytes that are not
 * UTF-8 as \xNN, C1, bidirectional controls and line separators as
 * \uNNNN, so that nothing read from a file moves a terminal's cursor,
 * colours it, reverses what follows or forges a line. With `keep_lines`,
 * newline and tab pass (multi-line text of appui's own); else they are
 * \n and \t. */
void ap_buf_inert(ap_buf *b, const char *s, int keep_lines);

/* `s` made inert (as ap_buf_inert, without keep_lines), then escaped for
 * HTML text and attribute values (& < > " '). */
void ap_buf_html(ap_buf *b, const char *s);

/*
 * Opens `path` for reading only when it is a regular file: opened with
 * O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY (a FIFO does not wait for a writer,
 * a terminal is not taken), then fstat'd, so the file checked is the file
 * read. Every file appui reads goes through here: nothing hangs on a FIFO, a
 * device or a folder. Returns the descriptor, with its status in *st (when
 * not NULL); or -1 with the reason in *why: strerror(errno), or
 * AP_NOT_REGULAR.
 */
#define AP_NOT_REGULAR "not a regular file"
struct stat;
int ap_open_regular(const char *path, struct stat *st, const char **why);

/*
 * Reads the whole of a regular file of at most `limit` bytes into `out`
 * (NUL-terminated; `out->len` bytes, which may hold NULs) through
 * ap_open_regular(). Returns 0, or -1 with the reason in *why: as
 * ap_open_regular(), a read error, or, with errno EFBIG, "over the size
 * limit" (checked before reading, and again as it is read).
 */
/* Reads the regular file `fd` of `size` bytes (as fstat gave it) from where
 * it is into `out`, NUL-terminated. Returns 0; -1 on a read error (errno);
 * 1 when it grew over `limit` bytes while read. */
int ap_read_fd(int fd, size_t size, size_t limit, ap_buf *out);

int ap_read_regular(const char *path, size_t limit, ap_buf *out,
                    const char **why);

/* Returns 1 if `s` ends with `suffix`. */
int ap_str_ends_with(const char *s, const char *suffix);

/* A secret (a token, a session id): 32 bytes from getrandom() in base64url
 * without padding, 43 characters and a NUL. Returns 0, or -1 with errno
 * when the kernel gives no random bytes (never a weak secret). */
#define AP_SECRET_SIZE 44
int ap_random_secret(char out[AP_SECRET_SIZE]);

#endif
