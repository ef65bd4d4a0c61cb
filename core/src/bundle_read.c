/*
 * Opening a bundle: members hashed as they stream, within the limits, those
 * appui reads back kept, bag-info.txt and the manifests parsed; the
 * accessors of an opened bundle, and ap_bundle_check() against them.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_impl.h"
#include "digest.h"

/* Members read into memory when a bundle is opened (tag files, case files,
 * score, plan entry) are kept up to this size. */
#define KEEP_MAX ((size_t)64 << 20)

/* ---- reading archives ------------------------------------------------------
 */

void bundle_resolve_limits(const ap_bundle_limits *in, uint64_t archive,
                           limits *out)
{
	out->member = in && in->max_member_bytes ? in->max_member_bytes
	                                         : AP_BUNDLE_MAX_MEMBER_BYTES;
	out->members =
	    in && in->max_members ? in->max_members : AP_BUNDLE_MAX_MEMBERS;
	out->ratio = in && in->max_ratio ? in->max_ratio : AP_BUNDLE_MAX_RATIO;
	out->total = archive > UINT64_MAX / out->ratio ? UINT64_MAX
	                                               : archive * out->ratio;
	if (out->total < RATIO_FLOOR)
		out->total = RATIO_FLOOR;
}

/* Only what bundles are made of: gzip, zstd or nothing; tar or zip. */
struct archive *bundle_reader_open(const char *path, int *fd, uint64_t *size,
                                   ap_diags *d)
{
	struct stat st;
	const char *why;
	*fd = ap_open_regular(path, &st, &why);
	if (*fd < 0) {
		if (strcmp(why, AP_NOT_REGULAR) == 0)
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "not a regular file: a bundle is a file");
		else
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "cannot read: %s", why);
		return NULL;
	}
	*size = (uint64_t)st.st_size;
	struct archive *a = archive_read_new();
	if (!a) {
		ap_oom();
	}
	/* ARCHIVE_WARN: an external program would decompress; it still
	 * reads. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	if (archive_read_open_fd(a, *fd, 64 * 1024) != ARCHIVE_OK) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "cannot read as a bundle: %s",
		             archive_error_string(a) ? archive_error_string(a)
		                                     : strerror(errno));
		archive_read_free(a);
		close(*fd);
		*fd = -1;
		return NULL;
	}
	return a;
}

const char *bundle_entry_name(struct archive_entry *e)
{
	const char *p = archive_entry_pathname_utf8(e);
	return p ? p : archive_entry_pathname(e);
}

/* Why an entry's type has no place in a bag, or NULL. */
static const char *entry_type_problem(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "is a hard link (a bag holds only files and folders)";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
		return NULL;
	case AE_IFLNK:
		return "is a symbolic link (a bag holds only files and "
		       "folders)";
	case AE_IFCHR:
	case AE_IFBLK:
		return "is a device (a bag holds only files and folders)";
	case AE_IFIFO:
		return "is a FIFO (a bag holds only files and folders)";
	case AE_IFSOCK:
		return "is a socket (a bag holds only files and folders)";
	}
	return "has an unknown type (a bag holds only files and folders)";
}

/*
 * Why an entry's path is unsafe, or NULL with the path normalised in *norm
 * (no "./" in front, no '/' at the end).
 */
static const char *entry_path_problem(const char *raw, char **norm)
{
	*norm = NULL;
	if (!raw || !*raw)
		return "has no name";
	if (raw[0] == '/' || (isalpha((unsigned char)raw[0]) && raw[1] == ':'))
		return "is an absolute path";
	if (strlen(raw) > 4096)
		return "has a name longer than 4096 bytes";
	if (bundle_has_control(raw))
		return "has a control character in its name";
	if (strchr(raw, '\\'))
		return "has a backslash in its name";
	if (!ap_utf8_valid(raw))
		return "has a name that is not valid UTF-8";
	while (raw[0] == '.' && raw[1] == '/')
		raw += 2;
	char *p = ap_xstrdup(raw);
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	const char *why = NULL;
	if (n == 0)
		why = "has no name";
	for (char *c = p; !why && *c;) {
		size_t len = strcspn(c, "/");
		if (len == 0)
			why = "has an empty component ('//') in its name";
		else if (len == 2 && c[0] == '.' && c[1] == '.')
			why = "contains '..': it would be written outside the "
			      "folder";
		else if (len == 1 && c[0] == '.')
			why = "contains a '.' component";
		c += len;
		if (*c == '/')
			c++;
	}
	if (why) {
		free(p);
		return why;
	}
	*norm = p;
	return NULL;
}

/*
 * Splits a normalised path at its top folder: every member of a bag is
 * inside one. Sets *top on the first call; *rel points into `norm`.
 */
static const char *top_problem(char **top, const char *norm, int is_dir,
                               const char **rel)
{
	const char *slash = strchr(norm, '/');
	size_t len = slash ? (size_t)(slash - norm) : strlen(norm);
	if (!slash && !is_dir)
		return "is outside the bag's top folder";
	if (!*top) {
		*top = ap_xmalloc(len + 1);
		memcpy(*top, norm, len);
		(*top)[len] = '\0';
	} else if (strlen(*top) != len || memcmp(*top, norm, len) != 0) {
		return "is outside the bag's top folder";
	}
	*rel = slash ? slash + 1 : "";
	return NULL;
}

const char *bundle_read_error(struct archive *a)
{
	const char *s = archive_error_string(a);
	return s ? s : "unknown error";
}

/*
 * The next member of a bundle being read: 1 and its entry in *e, 0 at the
 * end, -1 (reported) when the archive cannot be read or holds more than
 * `max_members`; *count counts the members read.
 */
int bundle_next_member(struct archive *a, const char *path, size_t max_members,
                       size_t *count, struct archive_entry **e, ap_diags *d)
{
	int r = archive_read_next_header(a, e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "not a readable bundle: %s", bundle_read_error(a));
		return -1;
	}
	if (++*count > max_members) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "more than %zu members: refused", max_members);
		return -1;
	}
	return 1;
}

/*
 * Why a member may not be read or extracted (its type, its path, or a top
 * folder other than the bag's), or NULL with its normalised path in *norm
 * (to free, set in either case when the path itself is sound) and its path
 * inside the bag in *rel.
 */
const char *bundle_member_problem(struct archive_entry *e, int is_dir,
                                  char **top, char **norm, const char **rel)
{
	*norm = NULL;
	const char *why = entry_type_problem(e);
	if (!why)
		why = entry_path_problem(bundle_entry_name(e), norm);
	if (!why)
		why = top_problem(top, *norm, is_dir, rel);
	return why;
}

/* ---- the names seen --------------------------------------------------------
 */

enum { SEEN_FILE, SEEN_DIR, SEEN_IMPLIED };

/* The position of the name of `len` bytes at `name` in the sorted set, and
 * whether it is there. */
static int names_find(const bundle_names *s, const char *name, size_t len,
                      size_t *pos)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = s->v[mid].name;
		int c = strncmp(m, name, len);
		if (c == 0)
			c = m[len] != '\0'; /* longer: after */
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else {
			*pos = mid;
			return 1;
		}
	}
	*pos = lo;
	return 0;
}

static void names_insert(bundle_names *s, size_t pos, const char *name,
                         size_t len, int kind)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = ap_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	memmove(&s->v[pos + 1], &s->v[pos], (s->n - pos) * sizeof(*s->v));
	char *copy = ap_xmalloc(len + 1);
	memcpy(copy, name, len);
	copy[len] = '\0';
	s->v[pos].name = copy;
	s->v[pos].kind = kind;
	s->n++;
}

const char *bundle_names_add(bundle_names *s, const char *norm, int is_dir,
                             const char **which)
{
	static const char both[] =
	    "is both a file and a folder in the archive: refused";
	static const char twice[] = "appears twice in the archive: refused";
	size_t pos;
	/* The folders the member is in: none of them may be a file. */
	for (const char *c = strchr(norm, '/'); c; c = strchr(c + 1, '/')) {
		size_t len = (size_t)(c - norm);
		if (names_find(s, norm, len, &pos)) {
			if (s->v[pos].kind == SEEN_FILE) {
				*which = s->v[pos].name;
				return both;
			}
		} else {
			names_insert(s, pos, norm, len, SEEN_IMPLIED);
		}
	}
	*which = norm;
	size_t len = strlen(norm);
	if (!names_find(s, norm, len, &pos)) {
		names_insert(s, pos, norm, len, is_dir ? SEEN_DIR : SEEN_FILE);
		return NULL;
	}
	int kind = s->v[pos].kind;
	if (!is_dir)
		return kind == SEEN_FILE ? twice : both;
	if (kind == SEEN_FILE)
		return both;
	if (kind == SEEN_DIR)
		return twice;
	s->v[pos].kind = SEEN_DIR; /* a folder after what it holds */
	return NULL;
}

void bundle_names_free(bundle_names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- an opened bundle ------------------------------------------------------
 */

void ap_bundle_free(ap_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->mem[i].path);
		ap_buf_free(&b->mem[i].data);
	}
	free(b->mem);
	for (size_t i = 0; i < b->n_info; i++) {
		free(b->labels[i]);
		free(b->values[i]);
	}
	free(b->labels);
	free(b->values);
	for (int a = 0; a < AP_DIGEST_ALGS; a++) {
		mlist *lists[2] = {&b->manifest[a], &b->tagmanifest[a]};
		for (int l = 0; l < 2; l++) {
			for (size_t i = 0; i < lists[l]->n; i++)
				free(lists[l]->v[i].path);
			free(lists[l]->v);
		}
	}
	ap_diags_free(b->parse);
	free(b->file);
	free(b->name);
	free(b->kind);
	free(b);
}

/* The members appui reads back: tag files, case files, score, plan. */
static int wants_kept(const char *rel)
{
	return !strchr(rel, '/') ||
	       strncmp(rel, CASE_DIR, strlen(CASE_DIR)) == 0 ||
	       strncmp(rel, SCORE_DIR, strlen(SCORE_DIR)) == 0 ||
	       strcmp(rel, PLAN_JSON) == 0;
}

/* bsearch: a path against a member's, or a manifest line's. */
static int cmp_member_key(const void *key, const void *elem)
{
	return strcmp(key, ((const rmember *)elem)->path);
}

static const rmember *find_member(const ap_bundle *b, const char *rel)
{
	return b->n
	           ? bsearch(rel, b->mem, b->n, sizeof(*b->mem), cmp_member_key)
	           : NULL;
}

static int cmp_rmember(const void *a, const void *b)
{
	return strcmp(((const rmember *)a)->path, ((const rmember *)b)->path);
}

static int cmp_mline(const void *a, const void *b)
{
	return strcmp(((const mline *)a)->path, ((const mline *)b)->path);
}

/* Splits a tag file into lines (LF, CRLF or CR, RFC 8493 section 2.1.1);
 * calls `fn` with each, NUL-terminated in a copy. */
static void each_line(const char *data, size_t len,
                      void (*fn)(void *, char *, long), void *ctx)
{
	char *copy = ap_xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	long no = 0;
	char *p = copy, *end = copy + len;
	while (p < end) {
		char *e = p;
		while (e < end && *e != '\n' && *e != '\r')
			e++;
		char *next = e;
		if (next < end && *next == '\r' && next + 1 < end &&
		    next[1] == '\n')
			next++;
		*e = '\0';
		fn(ctx, p, ++no);
		p = next + 1;
	}
	free(copy);
}

typedef struct mctx {
	ap_bundle *b;
	mlist *list;
	const char *name;
	size_t hex; /* the digest's hex digits: 64 or 128 */
	size_t cap;
} mctx;

/* Percent-decodes %0A, %0D and %25 (RFC 8493 section 2.1.3). */
static void pct_decode(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '%' && (strncasecmp(p, "%0A", 3) == 0 ||
		                    strncasecmp(p, "%0D", 3) == 0 ||
		                    strncmp(p, "%25", 3) == 0)) {
			*o++ = (char)strtol((char[]){p[1], p[2], 0}, NULL, 16);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/*
 * Why a path a manifest lists cannot name a file of the bag, or NULL: RFC
 * 8493 section 2.1.3 says paths are relative to the bag, with '/' between
 * components, and its section 7 warns of the ones that climb out of it. The
 * path is only ever compared with the members' names (never opened), but a
 * manifest that names such a path is broken, and says so.
 */
static const char *listed_path_problem(const char *path)
{
	if (path[0] == '/')
		return "is an absolute path";
	if (strchr(path, '\\'))
		return "has a backslash in it";
	for (const char *c = path; *c;) {
		size_t len = strcspn(c, "/");
		if (len == 0)
			return "has an empty component ('//' or a '/' at an "
			       "end)";
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return "contains '..'";
		if (len == 1 && c[0] == '.')
			return "contains a '.' component";
		c += len;
		if (*c == '/' && !*++c)
			return "has an empty component ('//' or a '/' at an "
			       "end)";
	}
	return NULL;
}

static void manifest_line(void *ctx, char *line, long no)
{
	mctx *m = ctx;
	if (!*line)
		return;
	size_t hl = strspn(line, "0123456789abcdefABCDEF");
	char *path = line + hl;
	size_t ws = strspn(path, " \t");
	path += ws;
	if (hl != m->hex || ws == 0 || !*path) {
		ap_diags_add(m->b->parse, AP_ERROR, m->b->file, 0, m->name,
		             "line %ld: not '%s  PATH'", no,
		             m->hex == 128 ? "SHA512" : "SHA256");
		return;
	}
	if (m->list->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->list->v =
		    ap_xrealloc(m->list->v, m->cap * sizeof(*m->list->v));
	}
	mline *l = &m->list->v[m->list->n++];
	for (size_t i = 0; i < m->hex; i++)
		l->hash[i] = (char)tolower((unsigned char)line[i]);
	l->hash[m->hex] = '\0';
	l->path = ap_xstrdup(path);
	pct_decode(l->path);
	l->line = no;
	const char *why = listed_path_problem(l->path);
	if (why) {
		/* Reported, and not listed: no member can have that name. */
		ap_diags_add(m->b->parse, AP_ERROR, m->b->file, 0, m->name,
		             "line %ld: %s %s: a path outside the bag", no,
		             l->path, why);
		free(l->path);
		m->list->n--;
	}
}

static void parse_manifest(ap_bundle *b, const char *name, ap_digest_alg alg,
                           mlist *list)
{
	const rmember *rm = find_member(b, name);
	if (!rm)
		return;
	list->present = 1;
	if (!rm->kept) {
		ap_diags_add(b->parse, AP_ERROR, b->file, 0, name,
		             "too large to be a manifest");
		return;
	}
	mctx ctx = {b, list, name, ap_digest_hex_len(alg), 0};
	each_line(rm->data.data ? rm->data.data : "", rm->data.len,
	          manifest_line, &ctx);
	if (list->n > 1)
		qsort(list->v, list->n, sizeof(*list->v), cmp_mline);
	for (size_t i = 1; i < list->n; i++)
		if (strcmp(list->v[i].path, list->v[i - 1].path) == 0)
			ap_diags_add(b->parse, AP_ERROR, b->file, 0, name,
			             "line %ld: %s is listed twice",
			             list->v[i].line, list->v[i].path);
}

static void info_line(void *ctx, char *line, long no)
{
	ap_bundle *b = ctx;
	if (!*line)
		return;
	if ((line[0] == ' ' || line[0] == '\t') && b->n_info) {
		/* A continuation: folded into the previous value. */
		char *v = b->values[b->n_info - 1];
		b->values[b->n_info - 1] =
		    ap_xasprintf("%s %s", v, line + strspn(line, " \t"));
		free(v);
		return;
	}
	/* RFC 8493 section 2.2.2: a label, a colon, one linear whitespace
	 * character, a value. */
	char *colon = strchr(line, ':');
	if (!colon || colon == line || (colon[1] != ' ' && colon[1] != '\t') ||
	    colon[-1] == ' ' || colon[-1] == '\t') {
		ap_diags_add(b->parse, AP_ERROR, b->file, 0, "bag-info.txt",
		             "line %ld: not 'Label: value'", no);
		return;
	}
	*colon = '\0';
	char *value = colon + 1;
	value += strspn(value, " \t");
	b->labels = ap_xrealloc(b->labels, (b->n_info + 1) * sizeof(char *));
	b->values = ap_xrealloc(b->values, (b->n_info + 1) * sizeof(char *));
	b->labels[b->n_info] = ap_xstrdup(line);
	b->values[b->n_info++] = ap_xstrdup(value);
}

static void set_kind(ap_bundle *b, struct archive *a)
{
	if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_ZIP) {
		b->kind = ap_xstrdup("zip");
		return;
	}
	switch (archive_filter_code(a, 0)) {
	case ARCHIVE_FILTER_GZIP:
		b->kind = ap_xstrdup("tar.gz");
		break;
	case ARCHIVE_FILTER_ZSTD:
		b->kind = ap_xstrdup("tar.zst");
		break;
	case ARCHIVE_FILTER_NONE:
		b->kind = ap_xstrdup("tar");
		break;
	default:
		b->kind = ap_xasprintf("tar.%s", archive_filter_name(a, 0));
	}
}

void bundle_hash_begin(bundle_hashing *h)
{
	for (int a = 0; a < AP_DIGEST_ALGS; a++)
		ap_digest_init(&h->s[a], (ap_digest_alg)a);
}

void bundle_hash_end(bundle_hashing *h, rmember *rm)
{
	ap_digest_final(&h->s[AP_DIGEST_SHA256], rm->m.sha256);
	ap_digest_final(&h->s[AP_DIGEST_SHA512], rm->m.sha512);
}

int bundle_within_limits(const limits *lm, uint64_t member, uint64_t total,
                         const char *file, const char *name, ap_diags *d)
{
	if (member > lm->member) {
		ap_diags_add(d, AP_ERROR, file, 0, name,
		             "larger than the limit of %" PRIu64
		             " bytes for one member: refused",
		             lm->member);
		return -1;
	}
	if (total > lm->total) {
		ap_diags_add(d, AP_ERROR, file, 0, name,
		             "the archive expands to more than %u times "
		             "its size: refused (a decompression bomb?)",
		             lm->ratio);
		return -1;
	}
	return 0;
}

int bundle_member_bytes(bundle_hashing *h, rmember *rm, const char *buf,
                        size_t k, const limits *lm, uint64_t *total,
                        const char *file, const char *name, ap_diags *d)
{
	rm->m.size += (uint64_t)k;
	*total += (uint64_t)k;
	if (bundle_within_limits(lm, rm->m.size, *total, file, name, d) != 0)
		return -1;
	for (int a = 0; a < AP_DIGEST_ALGS; a++)
		ap_digest_update(&h->s[a], buf, k);
	if (rm->kept && rm->m.size <= KEEP_MAX) {
		ap_buf_add(&rm->data, buf, k);
	} else if (rm->kept) {
		rm->kept = 0;
		ap_buf_free(&rm->data);
	}
	return 0;
}

rmember *bundle_add_member(ap_bundle *b, const char *rel)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->mem = ap_xrealloc(b->mem, b->cap * sizeof(*b->mem));
	}
	rmember *rm = &b->mem[b->n++];
	memset(rm, 0, sizeof(*rm));
	rm->path = ap_xstrdup(rel);
	rm->kept = wants_kept(rel);
	ap_buf_init(&rm->data);
	return rm;
}

/* Once every member is read: sorted, bag-info.txt and the manifests
 * parsed. */
void bundle_finish_open(ap_bundle *b)
{
	if (b->n > 1)
		qsort(b->mem, b->n, sizeof(*b->mem), cmp_rmember);
	for (size_t i = 0; i < b->n; i++)
		b->mem[i].m.path = b->mem[i].path;
	const rmember *info = find_member(b, "bag-info.txt");
	if (info && info->kept)
		each_line(info->data.data ? info->data.data : "",
		          info->data.len, info_line, b);
	for (int a = 0; a < AP_DIGEST_ALGS; a++) {
		parse_manifest(b, bundle_manifest[a], (ap_digest_alg)a,
		               &b->manifest[a]);
		parse_manifest(b, bundle_tagmanifest[a], (ap_digest_alg)a,
		               &b->tagmanifest[a]);
		if (b->manifest[a].present) {
			size_t len = strlen(b->algorithms);
			snprintf(b->algorithms + len,
			         sizeof b->algorithms - len, "%s%s",
			         len ? ", " : "",
			         ap_digest_name((ap_digest_alg)a));
		}
	}
}

/* Reads one member's data: hashes it, keeps it when asked, enforces the
 * limits as the bytes come (a header's size can lie). */
static int read_member(struct archive *a, const char *file, const char *name,
                       rmember *rm, char *buf, const limits *lm,
                       uint64_t *total, ap_diags *d)
{
	bundle_hashing h;
	bundle_hash_begin(&h);
	int rc = -1;
	for (;;) {
		la_ssize_t k = archive_read_data(a, buf, IO_BUF);
		if (k < 0) {
			ap_diags_add(d, AP_ERROR, file, 0, name,
			             "cannot read: %s", bundle_read_error(a));
			goto out;
		}
		if (k == 0)
			break;
		if (bundle_member_bytes(&h, rm, buf, (size_t)k, lm, total, file,
		                        name, d) != 0)
			goto out;
	}
	rc = 0;
out:
	bundle_hash_end(&h, rm);
	return rc;
}

int ap_bundle_open(ap_bundle **out, const char *path,
                   const ap_bundle_limits *lim, ap_diags *d)
{
	*out = NULL;
	/* O_DIRECTORY: anything but a folder fails here, unopened (a FIFO
	 * does not block). */
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (dfd >= 0)
		return bundle_open_dir(out, path, dfd, lim, d);
	int rc = -1;
	struct archive *a = NULL;
	int fd = -1;
	char *buf = NULL;
	bundle_names seen = {0};
	ap_bundle *b = ap_xcalloc(1, sizeof(*b));
	b->file = ap_xstrdup(path);
	b->parse = ap_diags_new();
	ap_call_locale loc;
	bundle_utf8_enter(&loc);
	a = bundle_reader_open(path, &fd, &b->archive_bytes, d);
	if (!a)
		goto fail;
	limits lm;
	bundle_resolve_limits(lim, b->archive_bytes, &lm);
	buf = ap_xmalloc(IO_BUF);
	uint64_t total = 0;
	size_t count = 0;
	for (;;) {
		struct archive_entry *e;
		int r = bundle_next_member(a, path, lm.members, &count, &e, d);
		if (r == 0)
			break;
		if (r < 0)
			goto fail;
		if (!b->kind)
			set_kind(b, a);
		const char *raw = bundle_entry_name(e);
		int is_dir = archive_entry_filetype(e) == AE_IFDIR;
		char *norm;
		const char *rel = NULL;
		const char *why =
		    bundle_member_problem(e, is_dir, &b->name, &norm, &rel);
		if (why) {
			/* Reported, not read: the bag is broken, reading
			 * goes on so that every problem is seen. */
			ap_diags_add(d, AP_ERROR, path, 0, raw ? raw : "", "%s",
			             why);
			free(norm);
			continue;
		}
		const char *which;
		why = bundle_names_add(&seen, norm, is_dir, &which);
		if (why) {
			/* Reported, the first one kept: as above. */
			ap_diags_add(d, AP_ERROR, path, 0, which, "%s", why);
			free(norm);
			continue;
		}
		if (is_dir) {
			free(norm);
			continue;
		}
		if (archive_entry_size_is_set(e) &&
		    (uint64_t)archive_entry_size(e) > lm.member) {
			ap_diags_add(d, AP_ERROR, path, 0, rel,
			             "%jd bytes, over the limit of %" PRIu64
			             " bytes for one member: refused",
			             (intmax_t)archive_entry_size(e),
			             lm.member);
			free(norm);
			goto fail;
		}
		rmember *rm = bundle_add_member(b, rel);
		int ok = read_member(a, path, rel, rm, buf, &lm, &total, d);
		free(norm);
		if (ok != 0)
			goto fail;
	}
	if (b->n == 0 && !b->name) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "an empty archive, not a bundle");
		goto fail;
	}
	if (!b->name)
		b->name = ap_xstrdup("");
	if (!b->kind)
		set_kind(b, a);
	bundle_finish_open(b);
	rc = 0;
	*out = b;
fail:
	if (a)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
	ap_locale_leave(&loc);
	free(buf);
	bundle_names_free(&seen);
	if (rc != 0)
		ap_bundle_free(b);
	return rc;
}

const char *ap_bundle_name(const ap_bundle *b)
{
	return b->name;
}

const char *ap_bundle_kind(const ap_bundle *b)
{
	return b->kind;
}

uint64_t ap_bundle_archive_bytes(const ap_bundle *b)
{
	return b->archive_bytes;
}

size_t ap_bundle_member_count(const ap_bundle *b)
{
	return b->n;
}

const ap_bundle_member *ap_bundle_member_at(const ap_bundle *b, size_t i)
{
	return i < b->n ? &b->mem[i].m : NULL;
}

const char *ap_bundle_member_data(const ap_bundle *b, const char *path,
                                  size_t *len)
{
	const rmember *rm = find_member(b, path);
	if (!rm || !rm->kept)
		return NULL;
	if (len)
		*len = rm->data.len;
	return rm->data.data ? rm->data.data : "";
}

static int cmp_mline_key(const void *key, const void *elem)
{
	return strcmp(key, ((const mline *)elem)->path);
}

static const mline *find_mline(const mlist *l, const char *path)
{
	return l->n ? bsearch(path, l->v, l->n, sizeof(*l->v), cmp_mline_key)
	            : NULL;
}

const char *ap_bundle_manifest_hash(const ap_bundle *b, const char *path)
{
	const mlist *ml = b->manifest[AP_DIGEST_SHA256].present
	                      ? &b->manifest[AP_DIGEST_SHA256]
	                      : &b->manifest[AP_DIGEST_SHA512];
	const mline *l = find_mline(ml, path);
	return l ? l->hash : NULL;
}

const char *ap_bundle_manifest_algorithms(const ap_bundle *b)
{
	return b->algorithms;
}

size_t ap_bundle_info_count(const ap_bundle *b)
{
	return b->n_info;
}

void ap_bundle_info_at(const ap_bundle *b, size_t i, const char **label,
                       const char **value)
{
	*label = i < b->n_info ? b->labels[i] : NULL;
	*value = i < b->n_info ? b->values[i] : NULL;
}

const char *ap_bundle_info(const ap_bundle *b, const char *label)
{
	for (size_t i = 0; i < b->n_info; i++)
		if (strcasecmp(b->labels[i], label) == 0)
			return b->values[i];
	return NULL;
}

/* ---- checking a bag --------------------------------------------------------
 */

int bundle_is_payload(const char *rel)
{
	return strncmp(rel, "data/", 5) == 0;
}

static int is_tagmanifest(const char *rel)
{
	return strncmp(rel, "tagmanifest-", 12) == 0 && !strchr(rel, '/');
}

static void check_bagit_txt(const ap_bundle *b, ap_diags *d)
{
	size_t len;
	const char *t = ap_bundle_member_data(b, "bagit.txt", &len);
	if (!t) {
		ap_diags_add(d, AP_ERROR, b->file, 0, "bagit.txt",
		             "missing: every bag has one");
		return;
	}
	/* RFC 8493 section 2.1.1: exactly these two lines. */
	char major[8], minor[8], enc[32], rest[2];
	char *copy = ap_xmalloc(len + 1);
	memcpy(copy, t, len);
	copy[len] = '\0';
	int n = sscanf(copy,
	               "BagIt-Version: %7[0-9].%7[0-9]%*[\r\n]"
	               "Tag-File-Character-Encoding: %31[^\r\n]%*[\r\n]%1c",
	               major, minor, enc, rest);
	free(copy);
	if (n != 3)
		ap_diags_add(d, AP_ERROR, b->file, 0, "bagit.txt",
		             "not 'BagIt-Version: M.N' then "
		             "'Tag-File-Character-Encoding: ENCODING'");
	else if (strcasecmp(enc, "UTF-8") != 0)
		ap_diags_add(d, AP_ERROR, b->file, 0, "bagit.txt",
		             "tag files in %s: appui reads UTF-8 only", enc);
}

/* A payload manifest, or a manifest of another algorithm: "manifest-ALG.txt"
 * at the top (RFC 8493 section 2.1.3). */
static int is_manifest(const char *rel)
{
	size_t n = strlen(rel);
	return strncmp(rel, "manifest-", 9) == 0 && !strchr(rel, '/') &&
	       n > 13 && strcmp(rel + n - 4, ".txt") == 0;
}

/*
 * A sorted manifest against the sorted members it should list: for a
 * payload manifest, every payload file, each an error when it is not listed;
 * for a tag manifest, the tag files other than tag manifests, where an
 * unlisted payload manifest is an error and another unlisted tag file a
 * warning (RFC 8493 section 2.2.1: a tag manifest MUST list every payload
 * manifest and SHOULD list the other tag files).
 */
static void check_list(const ap_bundle *b, const mlist *l, const char *name,
                       ap_digest_alg alg, int payload, ap_diags *d)
{
	size_t i = 0, k = 0;
	for (;;) {
		/* The next member the list should cover. */
		while (i < b->n &&
		       (payload ? !bundle_is_payload(b->mem[i].path)
		                : (bundle_is_payload(b->mem[i].path) ||
		                   is_tagmanifest(b->mem[i].path))))
			i++;
		if (i >= b->n && k >= l->n)
			break;
		int c = i >= b->n   ? 1
		        : k >= l->n ? -1
		                    : strcmp(b->mem[i].path, l->v[k].path);
		if (c < 0) {
			const char *rel = b->mem[i].path;
			if (payload || is_manifest(rel))
				ap_diags_add(d, AP_ERROR, b->file, 0, rel,
				             "extra: not listed in %s", name);
			else
				ap_diags_add(d, AP_WARNING, b->file, 0, rel,
				             "not listed in %s (a tag file "
				             "need not be: not checked)",
				             name);
			i++;
		} else if (c > 0) {
			if (!find_member(b, l->v[k].path))
				ap_diags_add(
				    d, AP_ERROR, b->file, 0, l->v[k].path,
				    "missing: listed in %s, not in the "
				    "bundle",
				    name);
			else
				ap_diags_add(d, AP_ERROR, b->file, 0,
				             l->v[k].path,
				             "listed in %s but not a %s file",
				             name, payload ? "payload" : "tag");
			k++;
		} else {
			const ap_bundle_member *m = &b->mem[i].m;
			const char *got =
			    alg == AP_DIGEST_SHA512 ? m->sha512 : m->sha256;
			if (strcmp(got, l->v[k].hash) != 0)
				ap_diags_add(
				    d, AP_ERROR, b->file, 0, l->v[k].path,
				    "modified: its %s is %s, %s says %s",
				    ap_digest_label(alg), got, name,
				    l->v[k].hash);
			i++;
			k++;
		}
	}
}

/* A manifest of an algorithm appui does not compute (md5, sha1, ...):
 * valid in a bag, but its lines cannot be checked here. */
static void check_other_manifests(const ap_bundle *b, ap_diags *d)
{
	for (size_t i = 0; i < b->n; i++) {
		const char *rel = b->mem[i].path;
		const char *alg = is_manifest(rel)      ? rel + 9
		                  : is_tagmanifest(rel) ? rel + 12
		                                        : NULL;
		if (!alg)
			continue;
		int known = 0;
		for (int a = 0; a < AP_DIGEST_ALGS; a++)
			known |= strcmp(rel, bundle_manifest[a]) == 0 ||
			         strcmp(rel, bundle_tagmanifest[a]) == 0;
		if (!known)
			ap_diags_add(d, AP_WARNING, b->file, 0, rel,
			             "not checked: appui checks the sha256 and "
			             "sha512 manifests");
	}
}

size_t ap_bundle_check(const ap_bundle *b, ap_diags *d)
{
	size_t before = ap_diags_errors(d);
	check_bagit_txt(b, d);
	ap_diags_move(d, b->parse, 0);
	int payload_manifests = 0;
	for (int a = 0; a < AP_DIGEST_ALGS; a++) {
		if (!b->manifest[a].present)
			continue;
		payload_manifests++;
		check_list(b, &b->manifest[a], bundle_manifest[a],
		           (ap_digest_alg)a, 1, d);
	}
	/* RFC 8493 section 2.1.3: at least one payload manifest. A bag with
	 * SHA-256 alone (as appui made them before it added SHA-512) is
	 * valid: SHA-512 is a SHOULD for the bags made (section 2.4), not a
	 * condition of validity, so it is no warning either. */
	if (!payload_manifests)
		ap_diags_add(d, AP_ERROR, b->file, 0, MANIFEST,
		             "missing: a bag has a payload manifest, and appui "
		             "checks manifest-sha256.txt and "
		             "manifest-sha512.txt");
	for (int a = 0; a < AP_DIGEST_ALGS; a++)
		if (b->tagmanifest[a].present)
			check_list(b, &b->tagmanifest[a], bundle_tagmanifest[a],
			           (ap_digest_alg)a, 0, d);
	check_other_manifests(b, d);
	const char *oxum = ap_bundle_info(b, "Payload-Oxum");
	if (oxum) {
		uint64_t bytes = 0, want_bytes;
		size_t files = 0, want_files;
		for (size_t i = 0; i < b->n; i++) {
			if (bundle_is_payload(b->mem[i].path)) {
				bytes += b->mem[i].m.size;
				files++;
			}
		}
		char tail;
		if (sscanf(oxum, "%" SCNu64 ".%zu%c", &want_bytes, &want_files,
		           &tail) != 2)
			ap_diags_add(d, AP_ERROR, b->file, 0, "bag-info.txt",
			             "Payload-Oxum '%s' is not OCTETS.FILES",
			             oxum);
		else if (want_bytes != bytes || want_files != files)
			ap_diags_add(d, AP_ERROR, b->file, 0, "bag-info.txt",
			             "Payload-Oxum says %" PRIu64
			             " bytes in %zu files, the payload has "
			             "%" PRIu64 " bytes in %zu files",
			             want_bytes, want_files, bytes, files);
	}
	return ap_diags_errors(d) - before;
}
