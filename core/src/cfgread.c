#include "cfgread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The place in a file of line `line` of the text libconfig parsed. */
static void place_of(const cfg_reader *r, long line, const char **file,
                     long *file_line)
{
	*file = r->main_file;
	*file_line = line;
	const cfg_seg *seg = NULL;
	for (size_t i = 0; i < r->n_segs && r->segs[i].first <= line; i++)
		seg = &r->segs[i];
	if (seg && line > 0) {
		*file = seg->file;
		*file_line = seg->line + (line - seg->first);
	}
}

long cfgread_line(const cfg_reader *r, const config_setting_t *s)
{
	if (!s)
		return 0;
	const char *file;
	long line;
	place_of(r, (long)config_setting_source_line(s), &file, &line);
	return line;
}

/* The file a setting comes from. */
static const char *src_file(const cfg_reader *r, const config_setting_t *s)
{
	const char *file = r->main_file;
	long line;
	if (s)
		place_of(r, (long)config_setting_source_line(s), &file, &line);
	return file;
}

static void report(cfg_reader *r, ap_severity sev, const config_setting_t *s,
                   const char *fmt, va_list ap) AP_PRINTF(4, 0);

static void report(cfg_reader *r, ap_severity sev, const config_setting_t *s,
                   const char *fmt, va_list ap)
{
	ap_diags_addv(r->d, sev, src_file(r, s), cfgread_line(r, s), "", fmt,
	              ap);
	if (sev == AP_ERROR)
		r->errors++;
}

void cfgread_error(cfg_reader *r, const config_setting_t *s, const char *fmt,
                   ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(r, AP_ERROR, s, fmt, ap);
	va_end(ap);
}

void cfgread_warn(cfg_reader *r, const config_setting_t *s, const char *fmt,
                  ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(r, AP_WARNING, s, fmt, ap);
	va_end(ap);
}

#define INCLUDE_DEPTH 10          /* libconfig's own limit */
#define FILE_BYTES    (4u << 20)  /* a configuration file is small */
#define TOTAL_BYTES   (16u << 20) /* a file and all it includes */

/*
 * libconfig 1.5 (that of Debian 12, without config_set_include_func())
 * opens an @include itself with fopen() and reads it with its scanner, which
 * exits the process when a read fails (an include of a folder, such as
 * @include "") and reads a device or a FIFO forever. So libconfig is never
 * given a file: each file is read here with ap_read_regular() (a regular
 * file of at most FILE_BYTES), each @include replaced by the text of the
 * file it names, and the whole given to config_read_string(); r->segs map
 * the lines of that text back to the files and their lines. At most
 * CFGREAD_MAX_INCLUDES includes in all, and TOTAL_BYTES, per file read: a
 * few small files that include each other several times cannot make
 * gigabytes.
 *
 * An @include is recognised as libconfig's scanner does: at the start of a
 * line, outside a block comment and a string, [ \t]*@include[ \t]+" then a
 * name in which \\ and \" are escapes, ending at the next '"' (here: on its
 * line). The rest of that line is read after the included text.
 */
typedef struct expander {
	cfg_reader *r;
	ap_buf text;  /* what libconfig parses */
	long line;    /* the line of text being written (1-based) */
	size_t bytes; /* read so far, all files */
} expander;

static void seg_push(cfg_reader *r, long first, const char *file, long line)
{
	if (r->n_segs && r->segs[r->n_segs - 1].first == first)
		r->n_segs--; /* an empty part: replaced */
	if (r->n_segs == r->cap_segs) {
		r->cap_segs = r->cap_segs ? 2 * r->cap_segs : 8;
		r->segs = ap_xrealloc(r->segs, r->cap_segs * sizeof(*r->segs));
	}
	r->segs[r->n_segs++] = (cfg_seg){first, line, file};
}

static void emit(expander *x, const char *p, size_t n)
{
	ap_buf_add(&x->text, p, n);
	for (size_t i = 0; i < n; i++)
		x->line += p[i] == '\n';
}

static void fail_at(cfg_reader *r, const char *file, long line, const char *fmt,
                    ...) AP_PRINTF(4, 5);

static void fail_at(cfg_reader *r, const char *file, long line, const char *fmt,
                    ...)
{
	va_list ap;
	va_start(ap, fmt);
	ap_diags_addv(r->d, AP_ERROR, file, line, "", fmt, ap);
	va_end(ap);
	r->errors++;
}

/* A file name kept as long as the reader (segs point to it). */
static const char *keep_name(cfg_reader *r, char *name)
{
	r->files = ap_xrealloc(r->files, (r->n_files + 1) * sizeof(*r->files));
	r->files[r->n_files++] = name;
	return name;
}

/* The length of "[ \t]*@include[ \t]+\"" at p, or 0. */
static size_t include_open(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if ((size_t)(end - q) < 9 || memcmp(q, "@include", 8) != 0 ||
	    (q[8] != ' ' && q[8] != '\t'))
		return 0;
	q += 8;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	return q < end && *q == '"' ? (size_t)(q + 1 - p) : 0;
}

static int expand(expander *x, const char *file, const char *data, size_t len,
                  int depth);

/* The @include of `name` at line `no` of `file`. */
static int include(expander *x, const char *file, long no, const char *name,
                   int depth)
{
	cfg_reader *r = x->r;
	if (r->n_includes >= CFGREAD_MAX_INCLUDES) {
		fail_at(r, file, no,
		        "cannot include '%s': over %d includes in all (the "
		        "limit for one file, counting the includes of "
		        "included files)",
		        name, CFGREAD_MAX_INCLUDES);
		return -1;
	}
	r->n_includes++;
	if (depth >= INCLUDE_DEPTH) {
		fail_at(r, file, no,
		        "cannot include '%s': includes nested over %d deep (a "
		        "file that includes itself?)",
		        name, INCLUDE_DEPTH);
		return -1;
	}
	/* Against the including file's folder (a name from / as it is). */
	char *dir = ap_path_dirname(file);
	const char *target = keep_name(r, ap_path_join(dir, name));
	free(dir);
	ap_buf b;
	ap_buf_init(&b);
	const char *why;
	int rc = -1;
	if (ap_read_regular(target, FILE_BYTES, &b, &why) != 0)
		fail_at(r, file, no, "cannot include '%s': %s", name,
		        errno == EFBIG ? "over 4 MiB" : why);
	else if ((x->bytes += b.len) > TOTAL_BYTES)
		fail_at(r, file, no,
		        "cannot include '%s': the included files add up to "
		        "over 16 MiB",
		        name);
	else
		rc = expand(x, target, b.data ? b.data : "", b.len, depth + 1);
	ap_buf_free(&b);
	return rc;
}

static int expand(expander *x, const char *file, const char *data, size_t len,
                  int depth)
{
	cfg_reader *r = x->r;
	enum { CODE, COMMENT, STRING } state = CODE;
	const char *p = data, *end = data + len, *done = data;
	long no = 1;
	int bol = 1;
	seg_push(r, x->line, file, 1);
	while (p < end) {
		size_t open;
		if (*p == '\0') {
			fail_at(r, file, no, "a NUL byte: not a text file");
			return -1;
		}
		if (state == CODE && bol && (open = include_open(p, end))) {
			const char *q = p + open;
			ap_buf name;
			ap_buf_init(&name);
			while (q < end && *q != '"' && *q != '\n' && *q) {
				if (*q == '\\' && q + 1 < end &&
				    (q[1] == '\\' || q[1] == '"'))
					q++;
				ap_buf_putc(&name, *q++);
			}
			if (q >= end || *q != '"') {
				/* A name libconfig would end at a NUL or
				 * read on the next lines: no file of ours
				 * has one. */
				fail_at(r, file, no,
				        "cannot include: the file name does "
				        "not end with '\"' on its line");
				ap_buf_free(&name);
				return -1;
			}
			emit(x, done, (size_t)(p - done));
			int rc = include(x, file, no,
			                 name.data ? name.data : "", depth);
			ap_buf_free(&name);
			if (rc != 0)
				return -1;
			if (x->text.len &&
			    x->text.data[x->text.len - 1] != '\n')
				emit(x, "\n", 1);
			/* The rest of the line follows on a line of its own,
			 * where libconfig would take another @include as
			 * one: it is only a syntax error where it is. */
			p = done = q + 1;
			bol = 0;
			seg_push(r, x->line, file, no);
			if (include_open(p, end)) {
				fail_at(r, file, no, "syntax error");
				return -1;
			}
			continue;
		}
		char c = *p;
		bol = 0;
		if (c == '\n') {
			no++;
			bol = 1;
		} else if (state == COMMENT) {
			if (c == '*' && p + 1 < end && p[1] == '/') {
				state = CODE;
				p++;
			}
		} else if (state == STRING) {
			if (c == '\\' && p + 1 < end && p[1] != '\0') {
				p++;
				if (*p == '\n')
					no++; /* and not at a line's start */
			} else if (c == '"') {
				state = CODE;
			}
		} else if (c == '"') {
			state = STRING;
		} else if (c == '#' ||
		           (c == '/' && p + 1 < end && p[1] == '/')) {
			while (p + 1 < end && p[1] != '\n' && p[1] != '\0')
				p++;
		} else if (c == '/' && p + 1 < end && p[1] == '*') {
			state = COMMENT;
			p++;
		}
		p++;
	}
	emit(x, done, (size_t)(end - done));
	return 0;
}

int cfgread_open(cfg_reader *r, config_t *lc, const char *path,
                 const char *what, ap_diags *d)
{
	memset(r, 0, sizeof(*r));
	r->d = d;
	r->main_file = path;
	r->dir = ap_path_dirname(path);
	expander x = {.r = r, .line = 1};
	ap_buf_init(&x.text);
	ap_buf b;
	ap_buf_init(&b);
	const char *why;
	int rc = -1;
	if (ap_read_regular(path, FILE_BYTES, &b, &why) != 0) {
		fail_at(r, path, 0, "cannot read %s: %s", what,
		        errno == EFBIG ? "over 4 MiB" : why);
		goto out;
	}
	x.bytes = b.len;
	if (expand(&x, path, b.data ? b.data : "", b.len, 0) != 0)
		goto out;
	config_init(lc);
	/* Never used: libconfig is given no @include (a folder that cannot
	 * exist, should one get through). */
	config_set_include_dir(lc, "/dev/null");
	if (config_read_string(lc, x.text.data ? x.text.data : "") ==
	    CONFIG_TRUE) {
		rc = 0;
		goto out;
	}
	const char *file;
	long line;
	place_of(r, config_error_line(lc), &file, &line);
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		fail_at(r, file, line, "cannot read %s: %s", what,
		        config_error_text(lc) ? config_error_text(lc)
		                              : "I/O error");
	else
		fail_at(r, file, line, "%s", config_error_text(lc));
	config_destroy(lc);
out:
	ap_buf_free(&b);
	ap_buf_free(&x.text);
	return rc;
}

void cfgread_close(cfg_reader *r)
{
	free(r->dir);
	r->dir = NULL;
	for (size_t i = 0; i < r->n_files; i++)
		free(r->files[i]);
	free(r->files);
	r->files = NULL;
	r->n_files = 0;
	free(r->segs);
	r->segs = NULL;
	r->n_segs = r->cap_segs = 0;
}

const char *cfgread_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "a whole number";
	case CONFIG_TYPE_FLOAT:
		return "a decimal number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	default:
		return "an unknown type";
	}
}

char *cfgread_setting_name(const config_setting_t *s)
{
	const char *parts[16];
	char idx[16][24];
	size_t n = 0;
	for (const config_setting_t *p = s; p && n < 16;
	     p = config_setting_parent(p)) {
		if (config_setting_is_root(p))
			break;
		const char *name = config_setting_name(p);
		if (!name) {
			/* An element of a list: name it by its index. */
			snprintf(idx[n], sizeof idx[n], "[%d]",
			         config_setting_index(p));
			name = idx[n];
		}
		parts[n++] = name;
	}
	ap_buf b;
	ap_buf_init(&b);
	while (n-- > 0) {
		if (b.len && parts[n][0] != '[')
			ap_buf_putc(&b, '.');
		ap_buf_puts(&b, parts[n]);
	}
	if (!b.data)
		ap_buf_puts(&b, "(root)");
	return b.data;
}

char *cfgread_join(const char *const *v, size_t n)
{
	ap_buf b;
	ap_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		ap_buf_printf(&b, "%s%s", i ? ", " : "", v[i]);
	return b.data ? b.data : ap_xstrdup("none");
}

void cfgread_check_keys(cfg_reader *r, const config_setting_t *group,
                        const char *const *known, size_t n_known)
{
	int count = config_setting_length(group);
	for (int i = 0; i < count; i++) {
		const config_setting_t *m =
		    config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(m);
		int ok = 0;
		for (size_t k = 0; k < n_known && !ok; k++)
			ok = strcmp(name, known[k]) == 0;
		if (!ok) {
			char *full = cfgread_setting_name(m);
			char *hint = cfgread_join(known, n_known);
			cfgread_error(r, m,
			              "unknown setting '%s' (known here: %s)",
			              full, hint);
			free(hint);
			free(full);
		}
	}
}

int cfgread_want_type(cfg_reader *r, const config_setting_t *s, int type)
{
	int t = config_setting_type(s);
	if (t == type || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64))
		return 1;
	char *full = cfgread_setting_name(s);
	cfgread_error(r, s, "'%s' must be %s, not %s", full,
	              cfgread_type_name(type), cfgread_type_name(t));
	free(full);
	return 0;
}

int cfgread_get_number(cfg_reader *r, const config_setting_t *s, double *out)
{
	int t = config_setting_type(s);
	if (t == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(s);
	else {
		char *full = cfgread_setting_name(s);
		cfgread_error(r, s, "'%s' must be a number, not %s", full,
		              cfgread_type_name(t));
		free(full);
		return -1;
	}
	return 0;
}

void cfgread_opt_long(cfg_reader *r, const config_setting_t *g,
                      const char *name, long *out, long min, long max)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	if (!s || !cfgread_want_type(r, s, CONFIG_TYPE_INT))
		return;
	long long v = config_setting_get_int64(s);
	if (v < min || v > max) {
		char *full = cfgread_setting_name(s);
		cfgread_error(r, s, "'%s' = %lld is out of range (%ld..%ld)",
		              full, v, min, max);
		free(full);
		return;
	}
	*out = (long)v;
}

void cfgread_opt_int(cfg_reader *r, const config_setting_t *g, const char *name,
                     int *out, long min, long max)
{
	long v = *out;
	cfgread_opt_long(r, g, name, &v, min, max);
	*out = (int)v;
}

int cfgread_read_strings(cfg_reader *r, const config_setting_t *s, char ***out,
                         size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		char *full = cfgread_setting_name(s);
		cfgread_error(
		    r, s, "'%s' must be an array of strings [\"...\"], not %s",
		    full, cfgread_type_name(t));
		free(full);
		return -1;
	}
	int len = config_setting_length(s);
	char **v = ap_xcalloc((size_t)len + 1, sizeof(*v));
	size_t n = 0;
	for (int i = 0; i < len; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			char *full = cfgread_setting_name(s);
			cfgread_error(r, e, "'%s' must hold strings only",
			              full);
			free(full);
			continue;
		}
		const char *str = config_setting_get_string(e);
		if (!*str) {
			/* A theme or region "" can only be a typo. */
			char *full = cfgread_setting_name(s);
			cfgread_error(r, e, "'%s' holds an empty string", full);
			free(full);
			continue;
		}
		v[n++] = ap_xstrdup(str);
	}
	*out = v;
	*n_out = n;
	return 0;
}

void cfgread_free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
