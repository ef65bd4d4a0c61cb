#include "cfgread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The file a setting comes from, to free. libconfig records an included
 * file by the name written in @include: join it with the include folder, so
 * the message names a file the user can open from anywhere. */
static char *src_file(const cfg_reader *r, const config_setting_t *s)
{
	const char *f = s ? config_setting_source_file(s) : NULL;
	if (!f || strcmp(f, r->main_file) == 0)
		return ap_xstrdup(r->main_file);
	return ap_path_join(r->dir, f);
}

long cfgread_line(const config_setting_t *s)
{
	return s ? (long)config_setting_source_line(s) : 0;
}

static void report(cfg_reader *r, ap_severity sev, const config_setting_t *s,
                   const char *fmt, va_list ap) AP_PRINTF(4, 0);

static void report(cfg_reader *r, ap_severity sev, const config_setting_t *s,
                   const char *fmt, va_list ap)
{
	char *msg = ap_xvasprintf(fmt, ap);
	char *file = src_file(r, s);
	ap_diags_add(r->d, sev, file, cfgread_line(s), "", "%s", msg);
	free(file);
	free(msg);
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

#define INCLUDE_DEPTH 10         /* libconfig's own limit */
#define INCLUDE_BYTES (4u << 20) /* a configuration file is small */

/*
 * libconfig 1.5 opens an @include with fopen() and reads it with its
 * scanner, which exits the process when a read fails (an include of a
 * folder, such as @include "") and reads a device or a FIFO forever. So
 * every @include of the file, and of the files it includes, is checked
 * first: a regular file of at most INCLUDE_BYTES. libconfig reads an
 * include only at the start of a line, outside a block comment; the path
 * is the include folder, a '/', and the name as written.
 */
static int check_includes(cfg_reader *r, const char *file, const char *shown,
                          int depth)
{
	if (depth > INCLUDE_DEPTH)
		return 0; /* libconfig reports the loop itself */
	FILE *f = fopen(file, "r");
	if (!f)
		return 0; /* libconfig reports it */
	char line[4096];
	long no = 0;
	int in_comment = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		no++;
		const char *p = line;
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!in_comment && strncmp(p, "@include", 8) == 0 &&
		    (p[8] == ' ' || p[8] == '\t')) {
			const char *q = p + 8;
			while (*q == ' ' || *q == '\t')
				q++;
			const char *end = NULL;
			if (*q == '"') {
				end = q + 1;
				while (*end && *end != '"' && *end != '\n')
					end++;
			}
			if (end && *end != '"') {
				/* A name libconfig would end at a NUL or read
				 * on the next lines: no file of ours has one.
				 */
				ap_diags_add(
				    r->d, AP_ERROR, shown, no, "",
				    "cannot include: the file name does "
				    "not end with '\"' on its line");
				r->errors++;
				rc = -1;
			} else if (end) {
				char *name = ap_xmalloc((size_t)(end - q));
				memcpy(name, q + 1, (size_t)(end - q - 1));
				name[end - q - 1] = '\0';
				char *target =
				    ap_xasprintf("%s/%s", r->dir, name);
				struct stat st;
				const char *why = NULL;
				if (stat(target, &st) != 0)
					why = NULL; /* libconfig reports it */
				else if (!S_ISREG(st.st_mode))
					why = "not a regular file";
				else if ((unsigned long long)st.st_size >
				         INCLUDE_BYTES)
					why = "over 4 MiB";
				if (why) {
					ap_diags_add(r->d, AP_ERROR, shown, no,
					             "",
					             "cannot include '%s': %s",
					             name, why);
					r->errors++;
					rc = -1;
				} else if (stat(target, &st) == 0) {
					rc = check_includes(r, target, target,
					                    depth + 1);
				}
				free(target);
				free(name);
			}
		}
		/* Block comments, outside strings: an @include inside one is
		 * not read. */
		int in_string = 0;
		for (const char *c = line; *c; c++) {
			if (in_comment) {
				if (c[0] == '*' && c[1] == '/') {
					in_comment = 0;
					c++;
				}
			} else if (in_string) {
				if (*c == '\\' && c[1])
					c++;
				else if (*c == '"')
					in_string = 0;
			} else if (*c == '"') {
				in_string = 1;
			} else if (*c == '#' || (c[0] == '/' && c[1] == '/')) {
				break;
			} else if (c[0] == '/' && c[1] == '*') {
				in_comment = 1;
				c++;
			}
		}
	}
	fclose(f);
	return rc;
}

int cfgread_includes_safe(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	cfg_reader r;
	memset(&r, 0, sizeof(r));
	r.d = ap_diags_new();
	r.dir = ap_path_dirname(path);
	int rc = check_includes(&r, path, path, 0);
	free(r.dir);
	ap_diags_free(r.d);
	return rc;
}

int cfgread_open(cfg_reader *r, config_t *lc, const char *path,
                 const char *what, ap_diags *d)
{
	memset(r, 0, sizeof(*r));
	r->d = d;
	r->main_file = path;
	r->dir = ap_path_dirname(path);
	struct stat st;
	const char *why = NULL;
	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	if (why) {
		ap_diags_add(d, AP_ERROR, path, 0, "", "cannot read %s: %s",
		             what, why);
		r->errors++;
		return -1;
	}
	if (check_includes(r, path, path, 0) != 0)
		return -1;
	config_init(lc);
	/* @include resolves against the including file's folder, not the cwd
	 * (libconfig's default). */
	config_set_include_dir(lc, r->dir);
	if (config_read_file(lc, path) == CONFIG_TRUE)
		return 0;
	const char *file = config_error_file(lc);
	char *shown =
	    file ? ap_path_join(strcmp(file, path) ? r->dir : NULL, file)
	         : ap_xstrdup(path);
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		ap_diags_add(d, AP_ERROR, shown, 0, "",
		             "cannot read %s (or a file it includes): %s", what,
		             errno ? strerror(errno) : "I/O error");
	else
		ap_diags_add(d, AP_ERROR, shown, config_error_line(lc), "",
		             "%s", config_error_text(lc));
	free(shown);
	r->errors++;
	config_destroy(lc);
	return -1;
}

void cfgread_close(cfg_reader *r)
{
	free(r->dir);
	r->dir = NULL;
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
