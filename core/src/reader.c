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
 * Checks that need the plugins' catalogues (unknown refs, units, domains) are
 * done by the host, see host_check_case().
 */
#include "appui/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "case_impl.h"
#include "util.h"

#define CASEFILE_NS "urn:appui:casefile:1"
#define NS_PREFIX   "{" CASEFILE_NS "}"

struct ap_reader {
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vctxt;
	xmlParserCtxtPtr pctxt;
	size_t max_file_bytes;
	internalSubsetSAXFunc sax_internal_subset;
	ap_buf file; /* the current file's bytes, reused across a batch */

	/* The file being read, for the error callbacks. */
	const char *name;
	ap_diags *diags;
	int doctype_seen;
	size_t schema_errors;
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
	xmlParserCtxtPtr ctxt = ctx;
	ap_reader *r = ctxt->_private;
	r->doctype_seen = 1;
	xmlStopParser(ctxt);
}

/* ---- fields and messages --------------------------------------------------
 */

static const char *attr(const xmlNode *node, const char *name)
{
	for (const xmlAttr *a = node->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, name) == 0) {
			if (a->children && a->children->content)
				return (const char *)a->children->content;
			return "";
		}
	}
	return NULL;
}

/*
 * A short path to a node for messages: "site/dwellings",
 * "diagnostic/theme[quality]/indicator[complaints.rate]/@value". Themes and
 * indicators are named by their ref, which a firm finds in its file faster
 * than a position.
 */
static void field_path(ap_buf *b, const xmlNode *node)
{
	const char *attr_name = NULL;
	if (node && node->type == XML_ATTRIBUTE_NODE) {
		attr_name = (const char *)node->name;
		node = node->parent;
	}
	const xmlNode *chain[32];
	size_t n = 0;
	for (const xmlNode *p = node;
	     p && p->type == XML_ELEMENT_NODE && n < 32; p = p->parent)
		chain[n++] = p;
	ap_buf_reset(b);
	/* chain[n-1] is the root: the path starts below it, except for itself.
	 */
	if (n == 1)
		ap_buf_puts(b, (const char *)chain[0]->name);
	for (size_t i = n >= 2 ? n - 1 : 0; i-- > 0;) {
		if (b->len)
			ap_buf_putc(b, '/');
		ap_buf_puts(b, (const char *)chain[i]->name);
		const char *ref = attr(chain[i], "ref");
		if (ref &&
		    (strcmp((const char *)chain[i]->name, "theme") == 0 ||
		     strcmp((const char *)chain[i]->name, "indicator") == 0))
			ap_buf_printf(b, "[%s]", ref);
	}
	if (attr_name) {
		if (b->len)
			ap_buf_putc(b, '/');
		ap_buf_printf(b, "@%s", attr_name);
	}
}

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
static void schema_error(void *data, xmlErrorPtr err)
{
	ap_reader *r = data;
	ap_buf field, msg;
	ap_buf_init(&field);
	ap_buf_init(&msg);
	ap_buf_puts(&msg, err->message ? err->message : "schema error");
	strip_namespace(msg.data);
	field_path(&field, (const xmlNode *)err->node);

	const char *text = msg.data;
	if (strncmp(text, "Element '", 9) == 0) {
		const char *close = strstr(text + 9, "'");
		if (close && strncmp(close, "', attribute '", 14) == 0) {
			const char *an = close + 14;
			const char *aend = strstr(an, "': ");
			if (aend &&
			    (!err->node || ((const xmlNode *)err->node)->type !=
			                       XML_ATTRIBUTE_NODE)) {
				ap_buf_putc(&field, '/');
				ap_buf_putc(&field, '@');
				ap_buf_add(&field, an, (size_t)(aend - an));
			}
			if (aend)
				text = aend + 3;
		} else if (close && strncmp(close, "': ", 3) == 0) {
			text = close + 3;
		}
	}
	/* "The attribute 'ref' is required but missing.": name it in the field.
	 */
	if (strncmp(text, "The attribute '", 15) == 0) {
		const char *an = text + 15;
		const char *aend = strchr(an, '\'');
		if (aend) {
			ap_buf_puts(&field, "/@");
			ap_buf_add(&field, an, (size_t)(aend - an));
		}
	}
	ap_diags_add(r->diags, AP_ERROR, r->name, err->line, field.data, "%s",
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
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ap_diags_add(d, AP_ERROR, path, 0, field, "cannot open: %s",
		             strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, field, "cannot stat: %s",
		             strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ap_diags_add(d, AP_ERROR, path, 0, field,
		             "not a regular file; refusing to read it");
		goto out;
	}
	if ((unsigned long long)st.st_size > limit) {
		ap_diags_add(
		    d, AP_ERROR, path, 0, field,
		    "file is %lld bytes, over the limit of %zu bytes; refusing "
		    "to parse it",
		    (long long)st.st_size, limit);
		goto out;
	}
	ap_buf_reset(out);
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ap_diags_add(d, AP_ERROR, path, 0, field,
			             "read error: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > limit) {
			ap_diags_add(
			    d, AP_ERROR, path, 0, field,
			    "file grew over the limit of %zu bytes while read",
			    limit);
			goto out;
		}
		ap_buf_add(out, chunk, (size_t)n);
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

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
	r->pctxt->_private = r;
	r->sax_internal_subset = r->pctxt->sax->internalSubset;
	r->pctxt->sax->internalSubset = deny_doctype;
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
	ap_buf_free(&r->file);
	free(r);
}

/* ---- building the model ---------------------------------------------------
 */

typedef struct build {
	ap_reader *r;
	ap_case *c;
	ap_diags *d;
	ap_buf field;
	size_t errors;
} build;

static void err_at(build *b, const xmlNode *node, const char *attr_name,
                   const char *fmt, ...) AP_PRINTF(4, 5);

static void err_at(build *b, const xmlNode *node, const char *attr_name,
                   const char *fmt, ...)
{
	field_path(&b->field, node);
	if (attr_name)
		ap_buf_printf(&b->field, "/@%s", attr_name);
	va_list ap;
	va_start(ap, fmt);
	char *msg = ap_xvasprintf(fmt, ap);
	va_end(ap);
	ap_diags_add(b->d, AP_ERROR, b->r->name, xmlGetLineNo(node),
	             b->field.data, "%s", msg);
	free(msg);
	b->errors++;
}

static const char *dup_attr(build *b, const xmlNode *node, const char *name)
{
	return ap_arena_strdup(&b->c->arena, attr(node, name));
}

static int is(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)node->name, name) == 0;
}

static const char *text_of(const xmlNode *node)
{
	for (const xmlNode *t = node->children; t; t = t->next)
		if (t->type == XML_TEXT_NODE && t->content)
			return (const char *)t->content;
	return "";
}

/* Whitespace around a schema-checked token is allowed (xs:token collapses). */
static const char *dup_token(build *b, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
	             s[n - 1] == '\r'))
		n--;
	char *p = ap_arena_alloc(&b->c->arena, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static double num(build *b, const char *s)
{
	double v = NAN;
	const char *t = dup_token(b, s);
	if (ap_parse_double(t, &v) != 0)
		return NAN;
	return v;
}

static long whole(build *b, const char *s)
{
	long v = -1;
	const char *t = dup_token(b, s);
	if (ap_parse_long(t, &v) != 0)
		return -1;
	return v;
}

/* A date the schema matched as NNNN-NN-NN; checks that the calendar has it. */
static ap_date date_of(build *b, const xmlNode *node, const char *name)
{
	ap_date dt = {0, 0, 0};
	const char *s = attr(node, name);
	if (!s)
		return dt;
	s = dup_token(b, s);
	int y, m, dd;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &dd) != 3) {
		err_at(b, node, name, "'%s' is not a date (YYYY-MM-DD)", s);
		return dt;
	}
	if (m < 1 || m > 12) {
		err_at(b, node, name,
		       "'%s' is not a calendar date: no month %d", s, m);
		return dt;
	}
	int last = ap_days_in_month(y, m);
	if (dd < 1 || dd > last) {
		err_at(
		    b, node, name,
		    "'%s' is not a calendar date: month %02d of %d has %d days",
		    s, m, y, last);
		return dt;
	}
	if (y < 1900) {
		err_at(b, node, name, "'%s' is not a plausible date", s);
		return dt;
	}
	dt.year = y;
	dt.month = m;
	dt.day = dd;
	return dt;
}

static int date_cmp(ap_date a, ap_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

static void build_site(build *b, const xmlNode *node)
{
	ap_site *s = &b->c->site;
	s->id = dup_attr(b, node, "id");
	s->name = dup_attr(b, node, "name");
	s->commune = dup_attr(b, node, "commune");
	s->insee = dup_attr(b, node, "insee");
	s->qpv = dup_attr(b, node, "qpv");
	s->dwellings = -1;
	s->buildings = s->lifts = s->built = -1;
	s->onsite_fte = s->agency_distance_km = s->low_income_share = NAN;
	b->c->site_line = xmlGetLineNo(node);
	for (const xmlNode *n = node->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *t = text_of(n);
		if (is(n, "dwellings"))
			s->dwellings = whole(b, t);
		else if (is(n, "buildings"))
			s->buildings = whole(b, t);
		else if (is(n, "lifts"))
			s->lifts = whole(b, t);
		else if (is(n, "built")) {
			s->built = whole(b, t);
			b->c->site_line = xmlGetLineNo(n);
		} else if (is(n, "situation"))
			s->situation = dup_token(b, t);
		else if (is(n, "renewal"))
			s->renewal = dup_token(b, t);
		else if (is(n, "quality-commitment"))
			s->quality_commitment = dup_token(b, t);
		else if (is(n, "agency-distance-km"))
			s->agency_distance_km = num(b, t);
		else if (is(n, "onsite-staff")) {
			const char *v = attr(n, "fte");
			if (v)
				s->onsite_fte = num(b, v);
		} else if (is(n, "occupancy")) {
			const char *v = attr(n, "low-income-share");
			if (v)
				s->low_income_share = num(b, v);
		}
	}
}

/* The construction year is checked against the diagnostic, not the wall
 * clock, so that the same file gives the same result in any year. */
static void check_built(build *b, const xmlNode *site)
{
	long built = b->c->site.built;
	int diag_year = b->c->diagnostic.date.year;
	if (built < 0)
		return;
	const xmlNode *n = site->children;
	while (n && !is(n, "built"))
		n = n->next;
	if (built < 1850)
		err_at(b, n, NULL, "construction year %ld is before 1850",
		       built);
	else if (diag_year && built > diag_year)
		err_at(b, n, NULL,
		       "construction year %ld is after the diagnostic (%d): "
		       "the site "
		       "must exist when diagnosed",
		       built, diag_year);
}

static void build_theme(build *b, const xmlNode *node, ap_theme_data *t)
{
	ap_arena *a = &b->c->arena;
	t->ref = dup_token(b, attr(node, "ref"));
	t->line = xmlGetLineNo(node);
	size_t ni = 0, no = 0;
	for (const xmlNode *n = node->children; n; n = n->next) {
		if (is(n, "indicator"))
			ni++;
		else if (is(n, "observation"))
			no++;
	}
	ap_indicator *inds = ap_arena_alloc(a, (ni ? ni : 1) * sizeof(*inds));
	ap_observation *obs = ap_arena_alloc(a, (no ? no : 1) * sizeof(*obs));
	ni = no = 0;
	for (const xmlNode *n = node->children; n; n = n->next) {
		if (is(n, "indicator")) {
			ap_indicator *in = &inds[ni];
			in->ref = dup_token(b, attr(n, "ref"));
			in->line = xmlGetLineNo(n);
			for (size_t k = 0; k < ni; k++) {
				if (strcmp(inds[k].ref, in->ref) == 0) {
					err_at(b, n, "ref",
					       "indicator '%s' is given twice "
					       "in theme '%s' (first "
					       "at line %ld)",
					       in->ref, t->ref, inds[k].line);
					break;
				}
			}
			in->value = num(b, attr(n, "value"));
			const char *v = attr(n, "year");
			in->year = v ? whole(b, v) : -1;
			v = attr(n, "period-months");
			in->period_months = v ? whole(b, v) : -1;
			in->source = dup_attr(b, n, "source");
			v = attr(n, "unit");
			in->unit = v ? dup_token(b, v) : NULL;
			ni++;
		} else if (is(n, "observation")) {
			const char *sev = attr(n, "severity");
			obs[no].severity = sev ? dup_token(b, sev) : NULL;
			obs[no].text = ap_arena_strdup(a, text_of(n));
			obs[no].line = xmlGetLineNo(n);
			no++;
		}
	}
	t->indicators = inds;
	t->n_indicators = ni;
	t->observations = obs;
	t->n_observations = no;
}

static void build_diagnostic(build *b, const xmlNode *node)
{
	ap_case *c = b->c;
	c->diagnostic.firm = dup_token(b, attr(node, "firm"));
	c->diagnostic.author = dup_attr(b, node, "author");
	const char *m = attr(node, "method");
	c->diagnostic.method = m ? dup_token(b, m) : NULL;
	c->diagnostic.date = date_of(b, node, "date");

	size_t n_themes = 0;
	for (const xmlNode *n = node->children; n; n = n->next)
		if (is(n, "theme"))
			n_themes++;
	c->themes = ap_arena_alloc(&c->arena, (n_themes ? n_themes : 1) *
	                                          sizeof(*c->themes));
	for (const xmlNode *n = node->children; n; n = n->next) {
		if (!is(n, "theme"))
			continue;
		ap_theme_data *t = &c->themes[c->n_themes];
		build_theme(b, n, t);
		for (size_t k = 0; k < c->n_themes; k++) {
			if (strcmp(c->themes[k].ref, t->ref) == 0) {
				err_at(b, n, "ref",
				       "theme '%s' appears twice in the "
				       "diagnostic (first at "
				       "line %ld)",
				       t->ref, c->themes[k].line);
				break;
			}
		}
		c->n_themes++;
	}
}

static void build_request(build *b, const xmlNode *node)
{
	ap_case *c = b->c;
	ap_request *rq = &c->request;
	rq->line = xmlGetLineNo(node);
	rq->date = date_of(b, node, "date");
	const char *themes = attr(node, "themes");
	if (themes) {
		/* A space-separated list (xs:list): split on any whitespace. */
		char *copy = ap_arena_strdup(&c->arena, themes);
		size_t cap = 1;
		for (const char *p = copy; *p; p++)
			cap += (*p == ' ' || *p == '\t' || *p == '\n' ||
			        *p == '\r');
		const char **list =
		    ap_arena_alloc(&c->arena, cap * sizeof(*list));
		char *save = NULL;
		for (char *tok = strtok_r(copy, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			int dup = 0;
			for (size_t k = 0; k < rq->n_themes; k++)
				dup |= strcmp(list[k], tok) == 0;
			if (!dup)
				list[rq->n_themes++] = tok;
		}
		rq->themes = list;
	}
	if (rq->date.year && c->diagnostic.date.year &&
	    date_cmp(rq->date, c->diagnostic.date) < 0)
		ap_diags_add(
		    b->d, AP_WARNING, b->r->name, xmlGetLineNo(node),
		    "request/@date",
		    "the request (%04d-%02d-%02d) predates the diagnostic "
		    "(%04d-%02d-%02d)",
		    rq->date.year, rq->date.month, rq->date.day,
		    c->diagnostic.date.year, c->diagnostic.date.month,
		    c->diagnostic.date.day);
	for (const xmlNode *n = node->children; n; n = n->next) {
		if (is(n, "window")) {
			c->window_line = xmlGetLineNo(n);
			rq->window_start = date_of(b, n, "start");
			rq->window_end = date_of(b, n, "end");
			if (rq->window_start.year && rq->window_end.year &&
			    date_cmp(rq->window_end, rq->window_start) < 0)
				err_at(b, n, "end",
				       "the window ends (%04d-%02d-%02d) "
				       "before it starts "
				       "(%04d-%02d-%02d)",
				       rq->window_end.year,
				       rq->window_end.month, rq->window_end.day,
				       rq->window_start.year,
				       rq->window_start.month,
				       rq->window_start.day);
		} else if (is(n, "note")) {
			rq->note = ap_arena_strdup(&c->arena, text_of(n));
		}
	}
}

static int build_case(ap_reader *r, xmlDocPtr doc, ap_case **out, ap_diags *d)
{
	ap_arena arena;
	ap_arena_init(&arena);
	ap_case *c = ap_arena_alloc(&arena, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->arena = arena;

	build b = {.r = r, .c = c, .d = d};
	ap_buf_init(&b.field);

	const xmlNode *root = xmlDocGetRootElement(doc);
	c->file = ap_arena_strdup(&c->arena, r->name);
	c->id = dup_token(&b, attr(root, "id"));
	c->line = xmlGetLineNo(root);
	const xmlNode *site = NULL;
	for (const xmlNode *n = root->children; n; n = n->next) {
		if (is(n, "organisation")) {
			c->organisation.id = dup_token(&b, attr(n, "id"));
			c->organisation.name = dup_attr(&b, n, "name");
			const char *k = attr(n, "kind");
			c->organisation.kind = k ? dup_token(&b, k) : NULL;
			c->organisation.region = dup_attr(&b, n, "region");
		} else if (is(n, "site")) {
			site = n;
			build_site(&b, n);
		} else if (is(n, "diagnostic")) {
			build_diagnostic(&b, n);
		} else if (is(n, "request")) {
			build_request(&b, n);
		}
	}
	if (site)
		check_built(&b, site);
	ap_buf_free(&b.field);
	if (b.errors) {
		ap_case_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* ---- reading --------------------------------------------------------------
 */

static void report_parse_error(ap_reader *r, ap_diags *d)
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
	const xmlError *e = xmlCtxtGetLastError(r->pctxt);
	if (!e || !e->message) {
		ap_diags_add(d, AP_ERROR, r->name, 0, "",
		             "not well-formed XML");
		return;
	}
	/* libxml2 ends some messages with a newline before our hint. */
	char *msg = ap_xstrdup(e->message);
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	const char *hint = "";
	/* libxml2 suggests an option the user cannot set: drop it. */
	char *huge = strstr(msg, " use XML_PARSE_HUGE option");
	if (huge) {
		*huge = '\0';
		hint = " (a case file is at most 4 elements deep)";
	}
	switch (e->code) {
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_INVALID_ENCODING:
		hint = " (case files are UTF-8 text)";
		break;
	case XML_ERR_DOCUMENT_END:
	case XML_ERR_GT_REQUIRED:
	case XML_ERR_LTSLASH_REQUIRED:
	case XML_ERR_TAG_NOT_FINISHED:
		hint = " (is the file truncated?)";
		break;
	default:
		break;
	}
	ap_diags_add(d, AP_ERROR, r->name, e->line, "",
	             "not well-formed XML: %s%s", msg, hint);
	free(msg);
}

int ap_reader_read_memory(ap_reader *r, const char *name, const char *data,
                          size_t len, ap_case **out, ap_diags *d)
{
	*out = NULL;
	r->name = name;
	r->diags = d;
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

	/*
	 * No XML_PARSE_NOENT (substitutes entities, loads external ones), no
	 * DTDLOAD/DTDATTR/DTDVALID, no HUGE (keeps libxml2's depth and
	 * amplification limits); NONET in case anything still tries the
	 * network.
	 */
	int options = XML_PARSE_NONET | XML_PARSE_NOERROR |
	              XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS |
	              XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
	              XML_PARSE_BIG_LINES;
	xmlDocPtr doc =
	    xmlCtxtReadMemory(r->pctxt, data, (int)len, name, NULL, options);
	int rc = -1;
	if (!doc || r->doctype_seen || !r->pctxt->wellFormed) {
		report_parse_error(r, d);
		goto out;
	}

	/* Case files are UTF-8: libxml2 would convert a declared Latin-1 file,
	 * but a firm's tool writing Latin-1 will get accents wrong elsewhere.
	 */
	if (doc->encoding &&
	    strcasecmp((const char *)doc->encoding, "UTF-8") != 0 &&
	    strcasecmp((const char *)doc->encoding, "UTF8") != 0 &&
	    strcasecmp((const char *)doc->encoding, "US-ASCII") != 0) {
		ap_diags_add(
		    d, AP_ERROR, name, 1, "encoding",
		    "case files are UTF-8, this one declares '%s'; save it "
		    "as UTF-8",
		    (const char *)doc->encoding);
		goto out;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root) {
		ap_diags_add(d, AP_ERROR, name, 0, "", "no root element");
		goto out;
	}
	const char *ns =
	    root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
	if (strcmp((const char *)root->name, "casefile") != 0 || !ns ||
	    strcmp(ns, CASEFILE_NS) != 0) {
		ap_diags_add(d, AP_ERROR, name, xmlGetLineNo(root),
		             (const char *)root->name,
		             "the root element must be <casefile "
		             "xmlns=\"" CASEFILE_NS "\">; found <%s>%s%s%s",
		             (const char *)root->name,
		             ns ? " in namespace \"" : " with no namespace",
		             ns ? ns : "", ns ? "\"" : "");
		goto out;
	}

	int v = xmlSchemaValidateDoc(r->vctxt, doc);
	if (v != 0) {
		if (r->schema_errors == 0)
			ap_diags_add(
			    d, AP_ERROR, name, 0, "",
			    "schema validation failed (internal error %d)", v);
		goto out;
	}
	rc = build_case(r, doc, out, d);
out:
	if (doc)
		xmlFreeDoc(doc);
	r->name = NULL;
	r->diags = NULL;
	return rc;
}

int ap_reader_read_file(ap_reader *r, const char *path, ap_case **out,
                        ap_diags *d)
{
	*out = NULL;
	if (read_whole_file(path, r->max_file_bytes, &r->file, d, "") != 0)
		return -1;
	int rc = ap_reader_read_memory(
	    r, path, r->file.data ? r->file.data : "", r->file.len, out, d);
	/* Keep the buffer for the next file unless this one was unusually big.
	 */
	if (r->file.cap > (1u << 20))
		ap_buf_free(&r->file);
	return rc;
}
