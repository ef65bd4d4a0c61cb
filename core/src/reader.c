/*
 * The case file reader. libxml2 is used here and nowhere else.
 *
 * Order of checks, each stopping the file at the first stage that fails:
 *   1. the file: a regular file, not over the size limit;
 *   2. well-formedness, with a hardened parser (no DOCTYPE, no network, no
 *      external entity, libxml2's depth and amplification limits);
 *   3. the root element and namespace;
 *   4. the schema (every error, with its line and field);
 *   5. semantics the schema cannot express (duplicates, calendar dates,
 *      windows in order, construction year), every error.
 * Stages 2 to 5 are one pass: the schema validator is plugged into the
 * parser's SAX events, and the case is built from the same events; no
 * document tree is built. Each stage's problems are held until the pass
 * ends and reported only if the stages before it passed, so the messages
 * are those of checking a tree stage by stage.
 * Checks that need the plugins' catalogues (unknown refs, units, domains) are
 * done by the host, see host_check_case().
 */
#include "appui/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include "appui/calendar.h"
#include "case_impl.h"
#include "decimal.h"
#include "reader_impl.h"
#include "util.h"

#define CASEFILE_NS "urn:appui:casefile:1"
#define NS_PREFIX   "{" CASEFILE_NS "}"

struct parse;

struct ap_reader {
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vctxt;
	xmlParserCtxtPtr pctxt;
	size_t max_file_bytes;
	ap_buf file; /* the current file's bytes, reused across a batch */
	struct parse *parse; /* the current file's state, reused */

	/* The file being read, for the error callbacks. */
	const char *name;
	int doctype_seen;
	size_t schema_errors;
};

/*
 * A set of strings (not owned), each with the index of the item it came
 * from: a file may hold any number of themes, indicators or requested
 * themes, and duplicates are found in linear time, not quadratic.
 */
typedef struct strset {
	const char **keys; /* NULL: an empty slot */
	size_t *vals;
	size_t cap, n; /* cap: 0 or a power of two */
} strset;

static size_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)h;
}

static void strset_place(strset *h, const char *key, size_t val)
{
	size_t i = str_hash(key) & (h->cap - 1);
	while (h->keys[i])
		i = (i + 1) & (h->cap - 1);
	h->keys[i] = key;
	h->vals[i] = val;
	h->n++;
}

/* The item stored for `key`, or SIZE_MAX after storing `val` for it. */
static size_t strset_put(strset *h, const char *key, size_t val)
{
	if ((h->n + 1) * 2 > h->cap) {
		strset old = *h;
		h->cap = old.cap ? old.cap * 2 : 32;
		h->keys = ap_xcalloc(h->cap, sizeof(*h->keys));
		h->vals = ap_xmalloc(h->cap * sizeof(*h->vals));
		h->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				strset_place(h, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	for (size_t i = str_hash(key) & (h->cap - 1); h->keys[i];
	     i = (i + 1) & (h->cap - 1))
		if (strcmp(h->keys[i], key) == 0)
			return h->vals[i];
	strset_place(h, key, val);
	return SIZE_MAX;
}

static void strset_free(strset *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof(*h));
}

/* Empty again; a set grown large by one file is not kept for the next. */
static void strset_clear(strset *h)
{
	if (h->cap > 4096)
		strset_free(h);
	else if (h->n)
		memset(h->keys, 0, h->cap * sizeof(*h->keys));
	h->n = 0;
}

/* An open element, for field paths and lines. */
typedef struct level {
	const char *name; /* local name, from the parser's dictionary */
	const char *ref;  /* theme and indicator: the ref attribute */
	long line;
} level;

#define MAX_LEVELS 32 /* deeper elements are counted, not recorded */

/*
 * One file being read. Elements are built into the case as the parser
 * reports them, while the schema validator checks the same events: no
 * document tree is built. Problems of the schema, and of the checks after
 * it, are held until the end: they count only if the file is well-formed
 * (and the checks only if the schema passed), as when a tree was validated.
 */
struct parse {
	ap_reader *r;
	xmlParserCtxtPtr p;
	ap_case *c;
	ap_diags *schema; /* the schema's problems */
	ap_diags *checks; /* the checks after it */
	size_t check_errors;
	ap_arena scratch; /* this file's refs, for paths */
	ap_buf field;
	ap_buf text; /* the current element's text, when kept */
	int keep_text;
	level stack[MAX_LEVELS];
	int depth; /* elements open */
	int ended; /* the top one has ended: popped at the next event, so
	              that the schema's end-of-element problems name it */
	int wrong_root;
	char root_ns[256];
	/* The diagnostic's themes, and the current theme's content. */
	ap_theme_data *themes;
	size_t n_themes, cap_themes;
	ap_indicator *inds;
	size_t n_inds, cap_inds;
	ap_observation *obs;
	size_t n_obs, cap_obs;
	long built_line;                    /* of <built>, or 0 */
	strset theme_refs, ind_refs, asked; /* for duplicates */
	/* The schema validator's own events, called after ours. */
	xmlSAXHandlerPtr vsax;
	void *vdata;
	/* The parser's first error, and whether it met the end of the file
	 * then: libxml2 goes on after an error, and its last one is often a
	 * consequence of the first ("Extra content at the end of the
	 * document" after a stray '&' that ended the root element early). */
	xmlError first;
	int first_at_end;
	char root_qname[128]; /* as written in the file; "" until it opens */
	/* Decimals the validator was given shorter (see decimal.h), so that
	 * its messages show the file's own digits; until the next element. */
	struct shortened {
		char given[DECIMAL_SHORT_SIZE];
		char shown[48];
	} shortened[4];
	int n_shortened;
	const xmlChar **vattrs; /* the attributes as the validator gets them */
	size_t cap_vattrs;
	int hold_text; /* a decimal element's text, held for the validator */
	int hold_depth;
};

/* ---- hardening ------------------------------------------------------------
 */

/*
 * Every external entity, DTD or schema import is refused: a case file never
 * needs one, and loading one is how XXE reads local files or calls out.
 */
static xmlParserInputPtr deny_external_entity(const char *url, const char *id,
                                              xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* Called by the parser when it meets <!DOCTYPE: stop before any declaration. */
static void deny_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                         const xmlChar *sys_id)
{
	(void)name;
	(void)ext_id;
	(void)sys_id;
	struct parse *ps = ctx;
	ps->r->doctype_seen = 1;
	xmlStopParser(ps->p);
}

/* ---- fields and messages --------------------------------------------------
 */

/* Removes every "{urn:appui:casefile:1}" from a libxml2 message. */
static void strip_namespace(char *msg)
{
	size_t k = strlen(NS_PREFIX);
	char *p;
	while ((p = strstr(msg, NS_PREFIX)) != NULL)
		memmove(p, p + k, strlen(p + k) + 1);
}

/*
 * Schema errors read "Element 'x', attribute 'y': problem." Their element and
 * attribute already are the field, so keep only the problem, and move the
 * attribute into the field.
 */
static void path_of(const struct parse *ps, ap_buf *b);
static long current_line(const struct parse *ps);

/* `text` (n bytes) for a message: at most 40 bytes of it, then "...". */
static void abbreviate(char shown[48], const char *text, size_t n)
{
	snprintf(shown, 48, "%.*s%s", n > 40 ? 40 : (int)n, text,
	         n > 40 ? "..." : "");
}

/* The validator's message with the file's digits for each decimal it was
 * given shorter. */
static void unshorten(const struct parse *ps, ap_buf *msg)
{
	for (int i = 0; i < ps->n_shortened; i++) {
		const struct shortened *sh = &ps->shortened[i];
		char quoted[DECIMAL_SHORT_SIZE + 2];
		snprintf(quoted, sizeof quoted, "'%s'", sh->given);
		char *at = strstr(msg->data, quoted);
		if (!at)
			continue;
		ap_buf out;
		ap_buf_init(&out);
		ap_buf_add(&out, msg->data, (size_t)(at - msg->data));
		ap_buf_printf(&out, "'%s'%s", sh->shown, at + strlen(quoted));
		ap_buf_free(msg);
		*msg = out;
	}
}

static void schema_error(void *data, xmlErrorPtr err)
{
	ap_reader *r = data;
	struct parse *ps = r->parse;
	ap_buf field, msg;
	ap_buf_init(&field);
	ap_buf_init(&msg);
	ap_buf_puts(&msg, err->message ? err->message : "schema error");
	strip_namespace(msg.data);
	msg.len = strlen(msg.data);
	while (msg.len &&
	       (msg.data[msg.len - 1] == '\n' || msg.data[msg.len - 1] == ' '))
		msg.data[--msg.len] = '\0';
	path_of(ps, &field);
	unshorten(ps, &msg);

	const char *text = msg.data;
	int named = 0; /* the attribute is in the field */
	if (strncmp(text, "Element '", 9) == 0) {
		const char *close = strstr(text + 9, "'");
		if (close && strncmp(close, "', attribute '", 14) == 0) {
			const char *an = close + 14;
			const char *aend = strstr(an, "': ");
			if (aend) {
				ap_buf_putc(&field, '/');
				ap_buf_putc(&field, '@');
				ap_buf_add(&field, an, (size_t)(aend - an));
				text = aend + 3;
				named = 1;
			}
		} else if (close && strncmp(close, "': ", 3) == 0) {
			text = close + 3;
		}
	}
	/* "The attribute 'ref' is required but missing.": name it in the field.
	 */
	if (!named && strncmp(text, "The attribute '", 15) == 0) {
		const char *an = text + 15;
		const char *aend = strchr(an, '\'');
		if (aend) {
			ap_buf_puts(&field, "/@");
			ap_buf_add(&field, an, (size_t)(aend - an));
		}
	}
	/* The line of the element the problem is on: the validator sees only
	 * events, and would give the parser's position. Text that comes in
	 * pieces ("a &lt; b") is checked piece by piece: one message is
	 * enough. */
	ap_diags *list = ps->schema;
	long line = current_line(ps);
	size_t n = ap_diags_count(list);
	const ap_diag *last = n ? ap_diags_at(list, n - 1) : NULL;
	if (!last || last->line != line || strcmp(last->field, field.data) ||
	    strcmp(last->message, text))
		ap_diags_add(list, AP_ERROR, r->name, line, field.data, "%s",
		             text);
	r->schema_errors++;
	ap_buf_free(&field);
	ap_buf_free(&msg);
}

/* The encoding named in the XML declaration, if there is one. */
static int declared_encoding(const char *data, size_t len, char *out,
                             size_t cap)
{
	size_t n = len < 256 ? len : 256;
	if (n < 6 || memcmp(data, "<?xml", 5) != 0)
		return 0;
	const char *end = memchr(data, '>', n);
	if (!end)
		return 0;
	const char *p = data;
	while (p + 8 < end && memcmp(p, "encoding", 8) != 0)
		p++;
	if (p + 8 >= end)
		return 0;
	p += 8;
	while (p < end && (*p == ' ' || *p == '=' || *p == '\t'))
		p++;
	if (p >= end || (*p != '"' && *p != '\''))
		return 0;
	char q = *p++;
	size_t k = 0;
	while (p < end && *p != q && k + 1 < cap)
		out[k++] = *p++;
	out[k] = '\0';
	return k > 0;
}

/* libxml2's generic error channel prints to stderr; every problem it can
 * meet is reported through its structured errors instead. */
static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* ---- set-up ---------------------------------------------------------------
 */

static int read_whole_file(const char *path, size_t limit, ap_buf *out,
                           ap_diags *d, const char *field)
{
	struct stat st;
	const char *why;
	int fd = ap_open_regular(path, &st, &why);
	if (fd < 0) {
		if (strcmp(why, AP_NOT_REGULAR) == 0)
			ap_diags_add(d, AP_ERROR, path, 0, field,
			             "not a regular file; refusing to read it");
		else
			ap_diags_add(d, AP_ERROR, path, 0, field,
			             "cannot open: %s", why);
		return -1;
	}
	int rc = -1;
	if ((unsigned long long)st.st_size > limit) {
		ap_diags_add(
		    d, AP_ERROR, path, 0, field,
		    "file is %lld bytes, over the limit of %zu bytes; refusing "
		    "to parse it",
		    (long long)st.st_size, limit);
		goto out;
	}
	int r = ap_read_fd(fd, (size_t)st.st_size, limit, out);
	if (r < 0) {
		ap_diags_add(d, AP_ERROR, path, 0, field, "read error: %s",
		             strerror(errno));
		goto out;
	}
	if (r > 0) {
		ap_diags_add(d, AP_ERROR, path, 0, field,
		             "file grew over the limit of %zu bytes while read",
		             limit);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static struct parse *parse_new(ap_reader *r);
static void parse_free(struct parse *ps);

int ap_reader_new(ap_reader **out, const char *schema_path,
                  size_t max_file_bytes, ap_diags *d)
{
	*out = NULL;
	xmlInitParser();
	/* Process-wide: nothing appui parses may load an external resource. */
	xmlSetExternalEntityLoader(deny_external_entity);
	xmlSetGenericErrorFunc(NULL, silent);

	ap_reader *r = ap_xcalloc(1, sizeof(*r));
	r->max_file_bytes =
	    max_file_bytes ? max_file_bytes : AP_DEFAULT_MAX_FILE_BYTES;
	if (r->max_file_bytes > AP_MAX_FILE_BYTES)
		r->max_file_bytes = AP_MAX_FILE_BYTES;
	ap_buf_init(&r->file);

	ap_buf xsd;
	ap_buf_init(&xsd);
	if (read_whole_file(schema_path, 4u << 20, &xsd, d, "schema") != 0)
		goto fail_buf;
	xmlSchemaParserCtxtPtr sp =
	    xmlSchemaNewMemParserCtxt(xsd.data, (int)xsd.len);
	if (!sp) {
		ap_diags_add(d, AP_ERROR, schema_path, 0, "schema",
		             "cannot create a schema parser");
		goto fail_buf;
	}
	r->schema = xmlSchemaParse(sp);
	xmlSchemaFreeParserCtxt(sp);
	if (!r->schema) {
		const xmlError *e = xmlGetLastError();
		ap_diags_add(d, AP_ERROR, schema_path, e ? e->line : 0,
		             "schema", "not a valid XML schema: %s",
		             e && e->message ? e->message : "unknown error");
		goto fail_buf;
	}
	ap_buf_free(&xsd);

	r->vctxt = xmlSchemaNewValidCtxt(r->schema);
	r->pctxt = xmlNewParserCtxt();
	if (!r->vctxt || !r->pctxt) {
		ap_diags_add(d, AP_ERROR, schema_path, 0, "schema",
		             "cannot create the parser");
		ap_reader_free(r);
		return -1;
	}
	xmlSchemaSetValidStructuredErrors(r->vctxt, schema_error, r);
	r->parse = parse_new(r);
	*out = r;
	return 0;

fail_buf:
	ap_buf_free(&xsd);
	ap_reader_free(r);
	return -1;
}

void ap_reader_free(ap_reader *r)
{
	if (!r)
		return;
	if (r->vctxt)
		xmlSchemaFreeValidCtxt(r->vctxt);
	if (r->schema)
		xmlSchemaFree(r->schema);
	if (r->pctxt)
		xmlFreeParserCtxt(r->pctxt);
	parse_free(r->parse);
	ap_buf_free(&r->file);
	free(r);
}

/* ---- building the model, as the parser reads ----------------------------
 */

/* Drops the whitespace around `*s` (`*n` bytes): a schema-checked token may
 * have some (xs:token collapses it). */
static void trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t k = *n;
	while (k && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
		k--;
	}
	while (k && (p[k - 1] == ' ' || p[k - 1] == '\t' || p[k - 1] == '\n' ||
	             p[k - 1] == '\r'))
		k--;
	*s = p;
	*n = k;
}

/* The token of `s` (n bytes), in the arena. */
static const char *dup_token_n(ap_arena *a, const char *s, size_t n)
{
	trim(&s, &n);
	char *p = ap_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The token of `s` (n bytes), NUL-terminated: in `buf` when it fits, else
 * in memory that *heap is set to, to free. */
static const char *token_in(const char *s, size_t n, char *buf, size_t cap,
                            char **heap)
{
	trim(&s, &n);
	char *out = buf;
	*heap = NULL;
	if (n >= cap)
		out = *heap = ap_xmalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* Grows a vector of `size`-byte items to hold `need`. */
static void *grow(void *items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return items;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	*cap = n;
	return ap_xrealloc(items, n * size);
}

/* The attributes of one element, as the parser gives them: values are not
 * NUL-terminated, and each is copied (to the case's arena) when kept. */
typedef struct attrs {
	const xmlChar **v; /* localname, prefix, URI, value, end; per attr */
	int n;
} attrs;

/* The unqualified attribute `name` (value and length), or NULL. */
static const char *attr_n(const attrs *at, const char *name, size_t *len)
{
	for (int i = 0; i < at->n; i++) {
		const xmlChar **a = at->v + 5 * i;
		if (a[2] == NULL && a[0][0] == (xmlChar)name[0] &&
		    strcmp((const char *)a[0], name) == 0) {
			*len = (size_t)(a[4] - a[3]);
			return (const char *)a[3];
		}
	}
	return NULL;
}

/*
 * An attribute's value as the document means it. Without entity
 * substitution (never asked for: see parse_and_validate), libxml2 passes
 * each '&' of a value as "&#38;", to be decoded by whoever builds a tree;
 * every other reference is already replaced.
 */
static char *attr_value(ap_arena *ar, const char *v, size_t n)
{
	char *p = ap_arena_alloc(ar, n + 1), *o = p;
	for (size_t i = 0; i < n;) {
		if (v[i] == '&' && n - i >= 5 &&
		    memcmp(v + i, "&#38;", 5) == 0) {
			*o++ = '&';
			i += 5;
		} else {
			*o++ = v[i++];
		}
	}
	*o = '\0';
	return p;
}

static const char *attr_dup(ap_arena *ar, const attrs *at, const char *name)
{
	size_t n;
	const char *v = attr_n(at, name, &n);
	return v ? attr_value(ar, v, n) : NULL;
}

static const char *attr_token(ap_arena *ar, const attrs *at, const char *name)
{
	size_t n;
	const char *v = attr_n(at, name, &n);
	if (!v)
		return NULL;
	/* Trimmed in the value's own copy: one allocation. */
	char *copy = attr_value(ar, v, n);
	const char *s = copy;
	size_t len = strlen(copy);
	trim(&s, &len);
	copy[(size_t)(s - copy) + len] = '\0';
	return s;
}

static void settle(struct parse *ps)
{
	if (ps->ended) {
		ps->depth--;
		ps->ended = 0;
	}
}

static const level *top(const struct parse *ps)
{
	if (ps->depth < 1)
		return NULL;
	return &ps->stack[ps->depth <= MAX_LEVELS ? ps->depth - 1
	                                          : MAX_LEVELS - 1];
}

static const char *parent_name(const struct parse *ps)
{
	if (ps->depth < 2 || ps->depth > MAX_LEVELS)
		return "";
	return ps->stack[ps->depth - 2].name;
}

/*
 * A short path to the current element for messages: "site/dwellings",
 * "diagnostic/theme[quality]/indicator[complaints.rate]". Themes and
 * indicators are named by their ref, which a firm finds in its file faster
 * than a position.
 */
static void path_of(const struct parse *ps, ap_buf *b)
{
	ap_buf_reset(b);
	int n = ps->depth < MAX_LEVELS ? ps->depth : MAX_LEVELS;
	if (n == 1)
		ap_buf_puts(b, ps->stack[0].name);
	for (int i = 1; i < n; i++) {
		if (b->len)
			ap_buf_putc(b, '/');
		ap_buf_puts(b, ps->stack[i].name);
		if (ps->stack[i].ref)
			ap_buf_printf(b, "[%s]", ps->stack[i].ref);
	}
}

static void check_err(struct parse *ps, const char *attr_name, long line,
                      const char *fmt, ...) AP_PRINTF(4, 5);

/* A problem of the checks after the schema, on the current element. */
static void check_err(struct parse *ps, const char *attr_name, long line,
                      const char *fmt, ...)
{
	path_of(ps, &ps->field);
	if (attr_name)
		ap_buf_printf(&ps->field, "/@%s", attr_name);
	va_list ap;
	va_start(ap, fmt);
	ap_diags_addv(ps->checks, AP_ERROR, ps->r->name, line, ps->field.data,
	              fmt, ap);
	va_end(ap);
	ps->check_errors++;
}

/*
 * Numbers. The schema has checked their form, not their size: a value that
 * does not fit, or is outside the domain appui gives it, is an error on its
 * element or attribute, never taken as absent. `attr` is the attribute's
 * name, or NULL for the element's text.
 */
static void number_err(struct parse *ps, const char *attr, long line,
                       const char *text, const char *why)
{
	char shown[48];
	abbreviate(shown, text, strlen(text));
	check_err(ps, attr, line, "%s %s", shown, why);
}

/* A decimal: NAN when there is none or it does not fit (with an error).
 * Digits beyond a double's precision are rounded, as the schema's decimal
 * allows any number of them; a value too small to tell from 0 is 0. */
static double num(struct parse *ps, const char *attr, long line, const char *s,
                  size_t n)
{
	char buf[64], *heap;
	const char *t = token_in(s, n, buf, sizeof buf, &heap);
	char *end;
	errno = 0;
	double v = strtod(t, &end);
	if (*t == '\0' || *end) {
		v = NAN; /* the schema let nothing else through */
	} else if (errno == ERANGE && fabs(v) > 1) {
		number_err(ps, attr, line, t,
		           "does not fit: a number appui can compute with is "
		           "under 1e308");
		v = NAN;
	} else if (errno == ERANGE) {
		v = 0;
	}
	free(heap);
	return v;
}

/* A whole number from lo to hi: -1 when there is none or it is outside
 * (with an error). */
static long whole(struct parse *ps, const char *attr, long line, const char *s,
                  size_t n, long lo, long hi)
{
	char buf[64], *heap;
	const char *t = token_in(s, n, buf, sizeof buf, &heap);
	long v = -1;
	size_t digits = strspn(t + (*t == '-' || *t == '+'), "0123456789");
	if (t[digits + (*t == '-' || *t == '+')] != '\0') {
		number_err(
		    ps, attr, line, t,
		    "is not a plain whole number (digits only, as 2019)");
		v = -1;
	} else if (ap_parse_long(t, &v) != 0 || v < lo || v > hi) {
		char why[96];
		snprintf(why, sizeof why, "is out of range: from %ld to %ld",
		         lo, hi);
		number_err(ps, attr, line, t, why);
		v = -1;
	}
	free(heap);
	return v;
}

/* NNNN-NN-NN, what the schema lets through, read without sscanf. */
static int digits_date(const char *s, int *y, int *m, int *d)
{
	static const char shape[] = "0000-00-00";
	for (int i = 0; i < 10; i++) {
		if (shape[i] == '-' ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	}
	if (s[10] != '\0')
		return 0;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return 1;
}

/* A date the schema matched as NNNN-NN-NN; checks that the calendar has it. */
static ap_date date_of(struct parse *ps, const attrs *at, const char *name,
                       long line)
{
	ap_date dt = {0, 0, 0};
	const char *s = attr_token(&ps->c->arena, at, name);
	if (!s)
		return dt;
	int y, m, dd;
	if (!digits_date(s, &y, &m, &dd) &&
	    sscanf(s, "%4d-%2d-%2d", &y, &m, &dd) != 3) {
		check_err(ps, name, line, "'%s' is not a date (YYYY-MM-DD)", s);
		return dt;
	}
	if (m < 1 || m > 12) {
		check_err(ps, name, line,
		          "'%s' is not a calendar date: no month %d", s, m);
		return dt;
	}
	int last = ap_days_in_month(y, m);
	if (dd < 1 || dd > last) {
		check_err(
		    ps, name, line,
		    "'%s' is not a calendar date: month %02d of %d has %d days",
		    s, m, y, last);
		return dt;
	}
	if (y < 1900) {
		check_err(ps, name, line, "'%s' is not a plausible date", s);
		return dt;
	}
	dt.year = y;
	dt.month = m;
	dt.day = dd;
	return dt;
}

static int is(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

static void start_request(struct parse *ps, const attrs *at, long line)
{
	ap_case *c = ps->c;
	ap_request *rq = &c->request;
	/* A file the schema will refuse may hold two requests: the model is
	 * built as the events come, so each element starts afresh. */
	rq->themes = NULL;
	rq->n_themes = 0;
	rq->line = line;
	rq->date = date_of(ps, at, "date", line);
	const char *themes = attr_dup(&c->arena, at, "themes");
	if (themes) {
		/* A space-separated list (xs:list): split on any whitespace. */
		char *copy = (char *)themes;
		size_t cap = 1;
		for (const char *p = copy; *p; p++)
			cap += (*p == ' ' || *p == '\t' || *p == '\n' ||
			        *p == '\r');
		const char **list =
		    ap_arena_alloc(&c->arena, cap * sizeof(*list));
		char *save = NULL;
		strset_clear(&ps->asked);
		for (char *tok = strtok_r(copy, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			if (strset_put(&ps->asked, tok, rq->n_themes) ==
			    SIZE_MAX)
				list[rq->n_themes++] = tok;
		rq->themes = list;
	}
	if (rq->date.year && c->diagnostic.date.year &&
	    ap_date_cmp(rq->date, c->diagnostic.date) < 0)
		ap_diags_add(
		    ps->checks, AP_WARNING, ps->r->name, line, "request/@date",
		    "the request (%04d-%02d-%02d) predates the diagnostic "
		    "(%04d-%02d-%02d)",
		    rq->date.year, rq->date.month, rq->date.day,
		    c->diagnostic.date.year, c->diagnostic.date.month,
		    c->diagnostic.date.day);
}

static void start_window(struct parse *ps, const attrs *at, long line)
{
	ap_case *c = ps->c;
	ap_request *rq = &c->request;
	c->window_line = line;
	rq->window_start = date_of(ps, at, "start", line);
	rq->window_end = date_of(ps, at, "end", line);
	if (rq->window_start.year && rq->window_end.year &&
	    ap_date_cmp(rq->window_end, rq->window_start) < 0)
		check_err(ps, "end", line,
		          "the window ends (%04d-%02d-%02d) before it starts "
		          "(%04d-%02d-%02d)",
		          rq->window_end.year, rq->window_end.month,
		          rq->window_end.day, rq->window_start.year,
		          rq->window_start.month, rq->window_start.day);
}

static void start_indicator(struct parse *ps, const attrs *at, long line)
{
	ap_arena *a = &ps->c->arena;
	ps->inds =
	    grow(ps->inds, &ps->cap_inds, ps->n_inds + 1, sizeof(*ps->inds));
	ap_indicator *in = &ps->inds[ps->n_inds];
	in->ref = attr_token(a, at, "ref");
	in->line = line;
	const char *theme_ref = ps->n_themes && ps->themes[ps->n_themes - 1].ref
	                            ? ps->themes[ps->n_themes - 1].ref
	                            : "";
	size_t first =
	    in->ref ? strset_put(&ps->ind_refs, in->ref, ps->n_inds) : SIZE_MAX;
	if (first != SIZE_MAX)
		check_err(ps, "ref", line,
		          "indicator '%s' is given twice in theme '%s' "
		          "(first at line %ld)",
		          in->ref, theme_ref, ps->inds[first].line);
	size_t n;
	const char *v = attr_n(at, "value", &n);
	in->value = v ? num(ps, "value", line, v, n) : NAN;
	v = attr_n(at, "year", &n);
	in->year = v ? whole(ps, "year", line, v, n, 1850, 9999) : -1;
	v = attr_n(at, "period-months", &n);
	in->period_months =
	    v ? whole(ps, "period-months", line, v, n, 1, 1200) : -1;
	in->source = attr_dup(a, at, "source");
	in->unit = attr_token(a, at, "unit");
	ps->n_inds++;
}

/* The element just opened, at depth ps->depth, in the case's namespace. */
static void start_element(struct parse *ps, const char *name, const attrs *at,
                          long line)
{
	ap_case *c = ps->c;
	ap_arena *a = &c->arena;
	const char *parent = parent_name(ps);
	switch (ps->depth) {
	case 1:
		c->id = attr_token(a, at, "id");
		c->line = line;
		return;
	case 2:
		if (is(name, "organisation")) {
			c->organisation.id = attr_token(a, at, "id");
			c->organisation.name = attr_dup(a, at, "name");
			c->organisation.kind = attr_token(a, at, "kind");
			c->organisation.region = attr_dup(a, at, "region");
		} else if (is(name, "site")) {
			ap_site *s = &c->site;
			s->id = attr_dup(a, at, "id");
			s->name = attr_dup(a, at, "name");
			s->commune = attr_dup(a, at, "commune");
			s->insee = attr_dup(a, at, "insee");
			s->qpv = attr_dup(a, at, "qpv");
			c->site_line = line;
		} else if (is(name, "diagnostic")) {
			ap_diagnostic *dg = &c->diagnostic;
			dg->firm = attr_token(a, at, "firm");
			dg->author = attr_dup(a, at, "author");
			dg->method = attr_token(a, at, "method");
			dg->date = date_of(ps, at, "date", line);
		} else if (is(name, "request")) {
			start_request(ps, at, line);
		}
		return;
	case 3:
		if (is(parent, "site")) {
			size_t n;
			const char *v;
			if (is(name, "onsite-staff")) {
				v = attr_n(at, "fte", &n);
				if (v)
					c->site.onsite_fte =
					    num(ps, "fte", line, v, n);
			} else if (is(name, "occupancy")) {
				v = attr_n(at, "low-income-share", &n);
				if (v)
					c->site.low_income_share = num(
					    ps, "low-income-share", line, v, n);
			} else {
				if (is(name, "built"))
					ps->built_line = line;
				ps->keep_text = 1;
			}
		} else if (is(parent, "diagnostic") && is(name, "theme")) {
			ps->themes =
			    grow(ps->themes, &ps->cap_themes, ps->n_themes + 1,
			         sizeof(*ps->themes));
			ap_theme_data *t = &ps->themes[ps->n_themes++];
			memset(t, 0, sizeof(*t));
			t->ref = attr_token(a, at, "ref");
			t->line = line;
			ps->n_inds = ps->n_obs = 0;
			strset_clear(&ps->ind_refs);
		} else if (is(parent, "request")) {
			if (is(name, "window"))
				start_window(ps, at, line);
			else if (is(name, "note"))
				ps->keep_text = 1;
		}
		return;
	case 4:
		if (!is(parent, "theme"))
			return;
		if (is(name, "indicator")) {
			start_indicator(ps, at, line);
		} else if (is(name, "observation")) {
			ps->obs = grow(ps->obs, &ps->cap_obs, ps->n_obs + 1,
			               sizeof(*ps->obs));
			ap_observation *o = &ps->obs[ps->n_obs++];
			o->severity = attr_token(a, at, "severity");
			o->text = "";
			o->line = line;
			ps->keep_text = 1;
		}
		return;
	default:
		return;
	}
}

/* A site element's text into the site. */
static void site_value(struct parse *ps, const char *name, const char *t,
                       long line)
{
	ap_arena *a = &ps->c->arena;
	ap_site *s = &ps->c->site;
	size_t n = strlen(t);
	if (is(name, "dwellings"))
		s->dwellings = whole(ps, NULL, line, t, n, 1, 1000000);
	else if (is(name, "buildings"))
		s->buildings = whole(ps, NULL, line, t, n, 0, 100000);
	else if (is(name, "lifts"))
		s->lifts = whole(ps, NULL, line, t, n, 0, 100000);
	else if (is(name, "built")) {
		/* Its domain is checked against the diagnostic's date. */
		s->built = whole(ps, NULL, ps->built_line, t, n, -99999, 99999);
		ps->c->site_line = ps->built_line;
	} else if (is(name, "situation"))
		s->situation = dup_token_n(a, t, strlen(t));
	else if (is(name, "renewal"))
		s->renewal = dup_token_n(a, t, strlen(t));
	else if (is(name, "quality-commitment"))
		s->quality_commitment = dup_token_n(a, t, strlen(t));
	else if (is(name, "agency-distance-km"))
		s->agency_distance_km = num(ps, NULL, line, t, n);
}

static void end_theme(struct parse *ps, long line)
{
	ap_arena *a = &ps->c->arena;
	ap_theme_data *t = &ps->themes[ps->n_themes - 1];
	ap_indicator *inds =
	    ap_arena_alloc(a, (ps->n_inds ? ps->n_inds : 1) * sizeof(*inds));
	ap_observation *obs =
	    ap_arena_alloc(a, (ps->n_obs ? ps->n_obs : 1) * sizeof(*obs));
	if (ps->n_inds)
		memcpy(inds, ps->inds, ps->n_inds * sizeof(*inds));
	if (ps->n_obs)
		memcpy(obs, ps->obs, ps->n_obs * sizeof(*obs));
	t->indicators = inds;
	t->n_indicators = ps->n_inds;
	t->observations = obs;
	t->n_observations = ps->n_obs;
	size_t first =
	    t->ref ? strset_put(&ps->theme_refs, t->ref, ps->n_themes - 1)
	           : SIZE_MAX;
	if (first != SIZE_MAX)
		check_err(ps, "ref", line,
		          "theme '%s' appears twice in the diagnostic "
		          "(first at line %ld)",
		          t->ref, ps->themes[first].line);
}

/* The construction year is checked against the diagnostic, not the wall
 * clock, so that the same file gives the same result in any year. */
static void check_built(struct parse *ps)
{
	ap_case *c = ps->c;
	long built = c->site.built;
	int diag_year = c->diagnostic.date.year;
	if (built < 0)
		return;
	const char *field = "site/built";
	if (built < 1850) {
		ap_diags_add(ps->checks, AP_ERROR, ps->r->name, ps->built_line,
		             field, "construction year %ld is before 1850",
		             built);
		ps->check_errors++;
	} else if (diag_year && built > diag_year) {
		ap_diags_add(ps->checks, AP_ERROR, ps->r->name, ps->built_line,
		             field,
		             "construction year %ld is after the diagnostic "
		             "(%d): the site must exist when diagnosed",
		             built, diag_year);
		ps->check_errors++;
	}
}

/* The element at the top of the stack ends. */
static void end_element(struct parse *ps, const char *name, long line)
{
	ap_case *c = ps->c;
	const char *parent = parent_name(ps);
	const char *text =
	    ps->keep_text ? (ps->text.data ? ps->text.data : "") : NULL;
	switch (ps->depth) {
	case 1:
		check_built(ps);
		return;
	case 2:
		if (is(name, "diagnostic")) {
			size_t n = ps->n_themes;
			c->themes = ap_arena_alloc(
			    &c->arena, (n ? n : 1) * sizeof(*c->themes));
			if (n)
				memcpy(c->themes, ps->themes,
				       n * sizeof(*c->themes));
			c->n_themes = n;
		}
		return;
	case 3:
		if (is(parent, "site") && text)
			site_value(ps, name, text, line);
		else if (is(parent, "diagnostic") && is(name, "theme"))
			end_theme(ps, line);
		else if (is(parent, "request") && is(name, "note") && text)
			c->request.note = ap_arena_strdup(&c->arena, text);
		return;
	case 4:
		if (is(parent, "theme") && is(name, "observation") && text &&
		    ps->n_obs)
			ps->obs[ps->n_obs - 1].text =
			    ap_arena_strdup(&c->arena, text);
		return;
	default:
		return;
	}
}

/* ---- SAX events ---------------------------------------------------------
 *
 * The parser calls these; each does the reader's part, then hands the event
 * to the schema validator (plugged in "direct" mode, so that the reader
 * chooses what the validator sees).
 */

/* The decimals of the schema (casefile.xsd: xs:decimal, NonNegativeDecimal,
 * Percent): an attribute of an element, or an element's text (attr NULL).
 * The reader reads each with num(). */
static const struct {
	const char *element, *attr;
} decimals[] = {
    {"indicator", "value"},
    {"onsite-staff", "fte"},
    {"occupancy", "low-income-share"},
    {"agency-distance-km", NULL},
};

/* Keeps `given` (what the validator gets) for the file's `s` (n bytes). */
static void note_shortened(struct parse *ps, const char *given, const char *s,
                           size_t n)
{
	struct shortened *sh = &ps->shortened[ps->n_shortened++];
	snprintf(sh->given, sizeof sh->given, "%s", given);
	trim(&s, &n);
	abbreviate(sh->shown, s, n);
}

/*
 * The attributes of the element `name` as the validator gets them: each
 * decimal with more digits than libxml2 reads replaced by a shorter one
 * (decimal.h); the reader keeps the file's own.
 */
static const xmlChar **validator_attrs(struct parse *ps, const char *name,
                                       const xmlChar **attributes, int n)
{
	const xmlChar **out = attributes;
	for (size_t k = 0; k < sizeof decimals / sizeof *decimals; k++) {
		if (!decimals[k].attr || !is(name, decimals[k].element))
			continue;
		for (int i = 0; i < n; i++) {
			const xmlChar **a = attributes + 5 * i;
			char given[DECIMAL_SHORT_SIZE];
			size_t len = (size_t)(a[4] - a[3]);
			if (a[2] || !is((const char *)a[0], decimals[k].attr) ||
			    ps->n_shortened == 4 ||
			    !decimal_shorten((const char *)a[3], len, given))
				continue;
			if (out == attributes) {
				size_t need = 5 * (size_t)n;
				ps->vattrs = grow(ps->vattrs, &ps->cap_vattrs,
				                  need, sizeof(*ps->vattrs));
				memcpy(ps->vattrs, attributes,
				       need * sizeof(*out));
				out = ps->vattrs;
			}
			note_shortened(ps, given, (const char *)a[3], len);
			const char *g =
			    ps->shortened[ps->n_shortened - 1].given;
			out[5 * i + 3] = (const xmlChar *)g;
			out[5 * i + 4] = (const xmlChar *)g + strlen(g);
		}
	}
	return out;
}

/* A decimal element's text goes to the validator when the element ends,
 * shortened if it must be. */
static int holds_decimal_text(const char *name)
{
	for (size_t k = 0; k < sizeof decimals / sizeof *decimals; k++)
		if (!decimals[k].attr && is(name, decimals[k].element))
			return 1;
	return 0;
}

/* The held text to the validator; `shorten` when the element ends (an
 * element inside it gets the text as it is, the schema refusing both). */
static void give_held_text(struct parse *ps, int shorten)
{
	const char *t = ps->text.data ? ps->text.data : "";
	size_t n = ps->text.len;
	char given[DECIMAL_SHORT_SIZE];
	ps->hold_text = 0;
	if (shorten && ps->n_shortened < 4 && decimal_shorten(t, n, given)) {
		note_shortened(ps, given, t, n);
		ps->vsax->characters(ps->vdata, (const xmlChar *)given,
		                     (int)strlen(given));
	} else if (n) {
		ps->vsax->characters(ps->vdata, (const xmlChar *)t, (int)n);
	}
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces,
                     const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
	struct parse *ps = ctx;
	settle(ps);
	if (ps->hold_text)
		give_held_text(ps, 0);
	ps->n_shortened = 0;
	const char *name = (const char *)localname;
	long line = xmlSAX2GetLineNumber(ps->p);
	attrs at = {attributes, nb_attributes};
	const xmlChar **vattrs = attributes;
	ps->depth++;
	if (ps->depth <= MAX_LEVELS) {
		level *lv = &ps->stack[ps->depth - 1];
		lv->name = name;
		lv->line = line;
		lv->ref = NULL;
		if (is(name, "theme") || is(name, "indicator"))
			lv->ref = attr_dup(&ps->scratch, &at, "ref");
	}
	ps->keep_text = 0;
	ap_buf_reset(&ps->text);
	const char *ns = (const char *)uri;
	if (ps->depth == 1 &&
	    (!is(name, "casefile") || !ns || !is(ns, CASEFILE_NS))) {
		ps->wrong_root = 1;
		snprintf(ps->root_ns, sizeof ps->root_ns, "%s", ns ? ns : "");
	}
	if (ps->depth == 1)
		snprintf(ps->root_qname, sizeof ps->root_qname, "%s%s%s",
		         prefix ? (const char *)prefix : "", prefix ? ":" : "",
		         name);
	if (!ps->wrong_root && ns && is(ns, CASEFILE_NS)) {
		start_element(ps, name, &at, line);
		vattrs = validator_attrs(ps, name, attributes, nb_attributes);
		if (ps->keep_text && holds_decimal_text(name)) {
			ps->hold_text = 1;
			ps->hold_depth = ps->depth;
		}
	}
	ps->vsax->startElementNs(ps->vdata, localname, prefix, uri,
	                         nb_namespaces, namespaces, nb_attributes,
	                         nb_defaulted, vattrs);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
	struct parse *ps = ctx;
	settle(ps);
	const char *ns = (const char *)uri;
	if (!ps->wrong_root && ns && is(ns, CASEFILE_NS) && top(ps))
		end_element(ps, (const char *)localname, top(ps)->line);
	if (ps->hold_text && ps->depth == ps->hold_depth)
		give_held_text(ps, 1);
	ps->keep_text = 0;
	ap_buf_reset(&ps->text);
	ps->ended = 1;
	ps->vsax->endElementNs(ps->vdata, localname, prefix, uri);
}

static void keep_text(struct parse *ps, const xmlChar *ch, int len)
{
	settle(ps);
	if (ps->keep_text && len > 0)
		ap_buf_add(&ps->text, (const char *)ch, (size_t)len);
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct parse *ps = ctx;
	keep_text(ps, ch, len);
	if (!ps->hold_text)
		ps->vsax->characters(ps->vdata, ch, len);
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
	struct parse *ps = ctx;
	keep_text(ps, ch, len);
	if (!ps->hold_text)
		ps->vsax->cdataBlock(ps->vdata, ch, len);
}

static void on_reference(void *ctx, const xmlChar *name)
{
	struct parse *ps = ctx;
	if (ps->vsax->reference)
		ps->vsax->reference(ps->vdata, name);
}

/* Only blanks from `p` to `end`. */
static int only_blanks(const xmlChar *p, const xmlChar *end)
{
	for (; p && p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return 0;
	return 1;
}

/* The parser's problems, as they come: the first is kept. */
static void on_error(void *ctx, xmlErrorPtr err)
{
	struct parse *ps = ctx;
	if (!err || err->level < XML_ERR_ERROR || ps->first.code != 0)
		return;
	xmlCopyError(err, &ps->first);
	if (ps->first.code == 0)
		ps->first.code = XML_ERR_INTERNAL_ERROR;
	const xmlParserInputPtr in = ps->p->input;
	ps->first_at_end = in && only_blanks(in->cur, in->end);
}

/* ---- reading --------------------------------------------------------------
 */

/* `data` ends with the end tag of its root element `qname` (and blanks). */
static int ends_with_end_tag(const char *data, size_t len, const char *qname)
{
	size_t n = strlen(qname);
	while (len && strchr(" \t\r\n", data[len - 1]))
		len--;
	if (!n || !len || data[len - 1] != '>')
		return 0;
	len--;
	while (len && strchr(" \t\r\n", data[len - 1]))
		len--;
	return len >= n + 2 && memcmp(data + len - n, qname, n) == 0 &&
	       memcmp(data + len - n - 2, "</", 2) == 0;
}

/*
 * The file is cut short when the parser met its end at the first error, or
 * when its root element opened and the file does not end with the root's
 * end tag. Content after the root element is not a truncation.
 */
static int truncated(const struct parse *ps, const char *data, size_t len)
{
	int code = ps->first.code;
	if (code == XML_ERR_DOCUMENT_END || code == XML_ERR_DOCUMENT_EMPTY)
		return 0;
	return ps->first_at_end ||
	       (ps->root_qname[0] &&
	        !ends_with_end_tag(data, len, ps->root_qname));
}

/*
 * The file is not well-formed: its first error, which the others may follow
 * from, with a hint where the cause is likely.
 */
static void report_parse_error(ap_reader *r, const struct parse *ps,
                               const char *data, size_t len, ap_diags *d)
{
	if (r->doctype_seen) {
		ap_diags_add(
		    d, AP_ERROR, r->name, xmlSAX2GetLineNumber(r->pctxt),
		    "DOCTYPE",
		    "document type declarations are not allowed in case "
		    "files (they can define entities); remove the "
		    "<!DOCTYPE ...> line");
		return;
	}
	const xmlError *e = ps->first.code ? &ps->first : NULL;
	if (!e || !e->message) {
		ap_diags_add(d, AP_ERROR, r->name, 0, "",
		             "not well-formed XML");
		return;
	}
	/* libxml2 ends some messages with a newline before our hint. */
	char *msg = ap_xstrdup(e->message);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	const char *hint = "";
	/* libxml2 suggests an option the user cannot set: drop it. */
	char *huge = strstr(msg, " use XML_PARSE_HUGE option");
	if (huge) {
		*huge = '\0';
		hint = " (a case file is at most 4 elements deep)";
	}
	if (e->code == XML_ERR_INVALID_CHAR ||
	    e->code == XML_ERR_INVALID_ENCODING)
		hint = " (case files are UTF-8 text)";
	else if (truncated(ps, data, len))
		hint = " (is the file truncated?)";
	ap_diags_add(d, AP_ERROR, r->name, e->line, "",
	             "not well-formed XML: %s%s", msg, hint);
	free(msg);
}

static struct parse *parse_new(ap_reader *r)
{
	struct parse *ps = ap_xcalloc(1, sizeof(*ps));
	ps->r = r;
	ps->p = r->pctxt;
	ps->schema = ap_diags_new();
	ps->checks = ap_diags_new();
	ap_arena_init(&ps->scratch);
	ap_buf_init(&ps->field);
	ap_buf_init(&ps->text);
	return ps;
}

static void parse_free(struct parse *ps)
{
	if (!ps)
		return;
	ap_diags_free(ps->schema);
	ap_diags_free(ps->checks);
	ap_arena_free(&ps->scratch);
	ap_buf_free(&ps->field);
	ap_buf_free(&ps->text);
	free(ps->themes);
	free(ps->inds);
	free(ps->obs);
	strset_free(&ps->theme_refs);
	strset_free(&ps->ind_refs);
	strset_free(&ps->asked);
	xmlResetError(&ps->first);
	free(ps->vattrs);
	free(ps);
}

static long current_line(const struct parse *ps)
{
	const level *lv = top(ps);
	return lv ? lv->line : xmlSAX2GetLineNumber(ps->p);
}

/* A new case, every optional number absent. */
static ap_case *case_new(const char *name)
{
	ap_arena arena;
	ap_arena_init(&arena);
	ap_case *c = ap_arena_alloc(&arena, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->arena = arena;
	c->file = ap_arena_strdup(&c->arena, name);
	ap_site *s = &c->site;
	s->dwellings = s->buildings = s->lifts = s->built = -1;
	s->onsite_fte = s->agency_distance_km = s->low_income_share = NAN;
	return c;
}

/* Parses `data` once: well-formedness, the schema (plugged into the parser's
 * events) and the case, all at once. Returns xmlSchemaIsValid(). */
static int parse_and_validate(ap_reader *r, struct parse *ps, const char *data,
                              size_t len)
{
	static const xmlSAXHandler events = {
	    .initialized = XML_SAX2_MAGIC,
	    .internalSubset = deny_doctype,
	    .startElementNs = on_start,
	    .endElementNs = on_end,
	    .characters = on_text,
	    .cdataBlock = on_cdata,
	    .ignorableWhitespace = on_text,
	    .reference = on_reference,
	    .serror = on_error,
	};
	xmlParserCtxtPtr p = r->pctxt;
	xmlCtxtReset(p);
	xmlResetError(&ps->first);
	ps->first_at_end = 0;
	/* libxml2 copies the bytes: its static (no copy) input buffers lose
	 * text in streaming validation (2.9.14: valid files reported with
	 * misplaced elements). */
	xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(
	    data, (int)len, XML_CHAR_ENCODING_NONE);
	if (!buf)
		return -1;
	xmlParserInputPtr in =
	    xmlNewIOInputStream(p, buf, XML_CHAR_ENCODING_NONE);
	if (!in) {
		xmlFreeParserInputBuffer(buf);
		return -1;
	}
	inputPush(p, in);

	/* Plugged without a handler of ours, the validator gives its own
	 * events, which ours call after doing the reader's part. */
	xmlSAXHandlerPtr vsax = NULL;
	void *vdata = NULL;
	xmlSchemaSAXPlugPtr plug = xmlSchemaSAXPlug(r->vctxt, &vsax, &vdata);
	if (!plug)
		return -1;
	ps->vsax = vsax;
	ps->vdata = vdata;
	memcpy(p->sax, &events, sizeof(events));
	p->userData = ps;
	/*
	 * No XML_PARSE_NOENT (substitutes entities, loads external ones), no
	 * DTDLOAD/DTDATTR/DTDVALID, no HUGE (keeps libxml2's depth and
	 * amplification limits); NONET in case anything still tries the
	 * network.
	 */
	xmlCtxtUseOptions(p, XML_PARSE_NONET | XML_PARSE_NOERROR |
	                         XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
	                         XML_PARSE_BIG_LINES);
	xmlParseDocument(p);
	int valid = xmlSchemaIsValid(r->vctxt);
	xmlSchemaSAXUnplug(plug);
	ps->vsax = NULL;
	ps->vdata = NULL;
	return valid;
}

/* The state of the last file forgotten, a new case for `name`. */
static void parse_reset(struct parse *ps, const char *name)
{
	ap_diags_clear(ps->schema);
	ap_diags_clear(ps->checks);
	ap_arena_free(&ps->scratch);
	ap_arena_init(&ps->scratch);
	ps->check_errors = 0;
	ps->keep_text = 0;
	ps->depth = 0;
	ps->ended = 0;
	ps->wrong_root = 0;
	ps->root_ns[0] = '\0';
	ps->root_qname[0] = '\0';
	ps->n_shortened = 0;
	ps->hold_text = 0;
	ps->n_themes = ps->n_inds = ps->n_obs = 0;
	strset_clear(&ps->theme_refs);
	strset_clear(&ps->ind_refs);
	ps->built_line = 0;
	ps->c = case_new(name);
}

int ap_reader_read_memory(ap_reader *r, const char *name, const char *data,
                          size_t len, ap_case **out, ap_diags *d)
{
	*out = NULL;
	r->name = name;
	r->doctype_seen = 0;
	r->schema_errors = 0;

	if (len == 0) {
		ap_diags_add(d, AP_ERROR, name, 0, "", "the file is empty");
		return -1;
	}
	if (len > r->max_file_bytes) {
		ap_diags_add(
		    d, AP_ERROR, name, 0, "",
		    "document is %zu bytes, over the limit of %zu bytes", len,
		    r->max_file_bytes);
		return -1;
	}
	if (len > (size_t)INT32_MAX) {
		ap_diags_add(d, AP_ERROR, name, 0, "", "document too large");
		return -1;
	}

	/* The encoding declared, checked before libxml2 converts anything:
	 * a converter fed bytes it cannot take prints to stderr and reports
	 * a "premature end". Case files are UTF-8. */
	char declared[32];
	if (declared_encoding(data, len, declared, sizeof declared) &&
	    strcasecmp(declared, "UTF-8") != 0 &&
	    strcasecmp(declared, "UTF8") != 0 &&
	    strcasecmp(declared, "US-ASCII") != 0) {
		ap_diags_add(
		    d, AP_ERROR, name, 1, "encoding",
		    "case files are UTF-8, this one declares '%s'; save it "
		    "as UTF-8",
		    declared);
		return -1;
	}

	struct parse *ps = r->parse;
	parse_reset(ps, name);
	int valid = parse_and_validate(r, ps, data, len);
	xmlParserCtxtPtr p = r->pctxt;
	/* The encoding as libxml2 records it in a document. */
	const char *enc = (const char *)p->encoding;
	if (!enc && p->inputNr > 0 && p->inputTab[0])
		enc = (const char *)p->inputTab[0]->encoding;
	int rc = -1;
	if (r->doctype_seen || !p->wellFormed) {
		report_parse_error(r, ps, data, len, d);
	} else if (enc && strcasecmp(enc, "UTF-8") != 0 &&
	           strcasecmp(enc, "UTF8") != 0 &&
	           strcasecmp(enc, "US-ASCII") != 0) {
		/* Case files are UTF-8: libxml2 would convert a Latin-1
		 * file, but a firm's tool writing Latin-1 will get accents
		 * wrong elsewhere. */
		ap_diags_add(d, AP_ERROR, name, 1, "encoding",
		             "case files are UTF-8, this one declares '%s'; "
		             "save it as UTF-8",
		             enc);
	} else if (ps->wrong_root) {
		const char *ns = ps->root_ns;
		ap_diags_add(d, AP_ERROR, name, ps->stack[0].line,
		             ps->stack[0].name,
		             "the root element must be <casefile "
		             "xmlns=\"" CASEFILE_NS "\">; found <%s>%s%s%s",
		             ps->stack[0].name,
		             *ns ? " in namespace \"" : " with no namespace",
		             ns, *ns ? "\"" : "");
	} else if (valid != 1) {
		ap_diags_move(d, ps->schema, 0);
		if (r->schema_errors == 0)
			ap_diags_add(
			    d, AP_ERROR, name, 0, "",
			    "schema validation failed (internal error %d)",
			    valid);
	} else {
		ap_diags_move(d, ps->checks, 0);
		if (ps->check_errors == 0) {
			*out = ps->c;
			ps->c = NULL;
			rc = 0;
		}
	}
	ap_case_free(ps->c);
	ps->c = NULL;
	/* Nothing of this file stays in the parser. */
	xmlCtxtReset(p);
	xmlResetError(&ps->first);
	r->name = NULL;
	return rc;
}

int reader_read_file_hashed(ap_reader *r, const char *path, ap_case **out,
                            ap_diags *d, char sha256[AP_SHA256_HEX],
                            size_t *size)
{
	*out = NULL;
	if (sha256)
		sha256[0] = '\0';
	if (read_whole_file(path, r->max_file_bytes, &r->file, d, "") != 0)
		return -1;
	if (sha256) {
		ap_sha256_of(r->file.data, r->file.len, sha256);
		*size = r->file.len;
	}
	int rc = ap_reader_read_memory(
	    r, path, r->file.data ? r->file.data : "", r->file.len, out, d);
	/* Keep the buffer for the next file unless this one was unusually big.
	 */
	if (r->file.cap > (1u << 20))
		ap_buf_free(&r->file);
	return rc;
}

int ap_reader_read_file(ap_reader *r, const char *path, ap_case **out,
                        ap_diags *d)
{
	return reader_read_file_hashed(r, path, out, d, NULL, NULL);
}
