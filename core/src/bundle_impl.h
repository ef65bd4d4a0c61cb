/*
 * What the bundle files (bundle_*.c) share and nothing else sees: the bag's
 * layout, the types of a bag being written or read, and the functions one
 * bundle file offers another (bundle_ prefix). libarchive's types are only
 * named here: a file that does not call it does not include it.
 */
#ifndef APPUI_BUNDLE_IMPL_H
#define APPUI_BUNDLE_IMPL_H

#include <jansson.h>
#include <locale.h>
#include <stdint.h>
#include <time.h>

#include "appui/bundle.h"
#include "digest.h"
#include "util.h"

struct archive;
struct archive_entry;

#define IO_BUF (1u << 20) /* copy buffer: large reads keep up with gzip */
/* Below this many bytes, the expansion ratio is not checked: a small bag of
 * text legitimately compresses more than 100:1, and is no bomb. */
#define RATIO_FLOOR ((uint64_t)1 << 20)

#define CASE_DIR    "data/casefiles/"
#define SCORE_DIR   "data/score/"
#define SCORE_JSON  SCORE_DIR "score.json"
#define SCORE_TXT   SCORE_DIR "score.txt"
#define PLAN_JSON   "data/plan/mission.json"
#define ATTACH_DIR  "data/attachments/"
#define MANIFEST    "manifest-sha256.txt"
#define TAGMANIFEST "tagmanifest-sha256.txt"

/* The manifests of each algorithm (ap_digest_alg): "manifest-sha512.txt",
 * "tagmanifest-sha512.txt". RFC 8493 section 2.4 says new bags SHOULD use
 * SHA-512; bags appui wrote before it did have SHA-256 alone, and stay
 * valid. */
extern const char *const bundle_manifest[AP_DIGEST_ALGS];
extern const char *const bundle_tagmanifest[AP_DIGEST_ALGS];

/* ---- shared helpers (bundle_common.c) -------------------------------------
 */

/*
 * libarchive converts names between UTF-8 and the locale's character set;
 * in the "C" locale of a command a non-ASCII name cannot be converted (and
 * libarchive 3.6.2 then dereferences a NULL name in archive_write_header).
 * Bag names are UTF-8, so the calling thread works in C.UTF-8 for the
 * duration of a call (uselocale: this thread only, nothing global).
 */
void bundle_utf8_enter(ap_call_locale *u); /* ap_locale_leave() ends it */

int bundle_has_control(const char *s);
/* Why `name` cannot be the file name of a member, or NULL. */
const char *bundle_bad_member_name(const char *name);
/* "DIR" + `name` in Unicode's composed form (NFC), as libarchive stores
 * it, so that the manifests name exactly what the archive holds. */
char *bundle_member_name(const char *dir, const char *name);
/* "12 MiB"-style sizes for people; exact bytes are printed next to them. */
void bundle_human_size(char *out, size_t n, uint64_t bytes);
/* A string member of a JSON object, or "". */
const char *bundle_jget_str(const json_t *o, const char *key);

/* Input files: a regular file of at most `max` bytes, read whole and
 * exactly (a file that changes while it is read is an error). */
int bundle_open_input(const char *path, uint64_t max, uint64_t *size,
                      ap_diags *d);
int bundle_read_exact(int fd, const char *path, char *buf, size_t size,
                      ap_diags *d);
int bundle_at_end(int fd, const char *path, ap_diags *d);
int bundle_read_input(const char *path, uint64_t max, char **data, size_t *len,
                      ap_diags *d);
/* The SHA-256 of a configuration file, as recorded in bag-info.txt. */
int bundle_config_hash(const char *path, char hex[65], ap_diags *d);

/* ---- scoring (bundle_score.c) ----------------------------------------------
 */

/* A case file: its name inside the bag and its bytes. */
typedef struct blob {
	const char *name;
	const char *data;
	size_t len;
} blob;

/* What bag-info.txt records of a case's score. */
typedef struct case_score {
	int has_mission, days;
	double priority;
} case_score;

/* A score as a bag holds it: data/score/score.json and score.txt, owned by
 * the caller once bundle_score_blobs() succeeds. */
typedef struct score_docs {
	char *json;
	size_t json_len;
	char *txt;
	size_t txt_len;
} score_docs;

/*
 * Reads, checks and scores the `n` cases `cs` from memory, each under its
 * name in the bag, into `out` (zeroed on failure) and, when `scores` is not
 * NULL, its `n` entries. A case that is invalid, or a theme a plugin fails
 * on, is an error; with `strict`, so is a warning. Returns 0 or -1, with the
 * problems in `d`.
 */
int bundle_score_blobs(ap_reader *r, const ap_host *h, const blob *cs, size_t n,
                       int strict, score_docs *out, case_score *scores,
                       ap_diags *d);

/* ---- writing (bundle_write.c) ----------------------------------------------
 */

enum { M_PAYLOAD, M_TAG, M_MANIFEST, M_TAGMANIFEST };

typedef struct wmember {
	char *path; /* inside the bag */
	char *data; /* the content when it is in memory (owned) */
	int fd;     /* otherwise an open file, read while writing */
	char *src;  /* that file's path, for messages */
	uint64_t size;
	int kind;
	ap_digest_alg alg; /* of a manifest or tag manifest */
	int hashed;
	char hash[AP_DIGEST_ALGS][AP_SHA512_HEX];
} wmember;

typedef struct writer {
	struct archive *a;
	int fd;
	const char *path; /* the bundle being written */
	const char *top;
	time_t mtime;
	uint64_t written;
	wmember *m;
	size_t n;
	char *buf;
	int utf8;      /* the thread is in C.UTF-8 */
	int bad_input; /* the failure is an input's, not the output's */
	int cancelled; /* stopped by ap_cancel() */
} writer;

/* Sets an entry's name: UTF-8 when the thread could enter C.UTF-8, else
 * its bytes as they are. */
void bundle_set_entry_name(struct archive_entry *e, const char *name, int utf8);

/* ---- reading (bundle_read.c) -----------------------------------------------
 */

/* ap_bundle_limits with the defaults filled in, and the total for one
 * archive's size. */
typedef struct limits {
	uint64_t member;
	size_t members;
	uint64_t total;
	unsigned ratio;
} limits;

/* 0, or -1 with the problem in `d` (FILE:0: NAME: ...) when a member of
 * `member` bytes, or an archive expanded to `total`, is over the limits. */
int bundle_within_limits(const limits *lm, uint64_t member, uint64_t total,
                         const char *file, const char *name, ap_diags *d);

typedef struct rmember {
	ap_bundle_member m; /* m.path points to path */
	char *path;
	ap_buf data;
	int kept;
} rmember;

typedef struct mline {
	char *path;
	char hash[AP_SHA512_HEX];
	long line;
} mline;

typedef struct mlist {
	int present;
	mline *v;
	size_t n;
} mlist;

struct ap_bundle {
	char *file;
	char *name;
	char *kind;
	uint64_t archive_bytes;
	rmember *mem;
	size_t n, cap;
	char **labels, **values;
	size_t n_info;
	mlist manifest[AP_DIGEST_ALGS], tagmanifest[AP_DIGEST_ALGS];
	char algorithms[32]; /* of the payload manifests: "sha256, sha512" */
	ap_diags *parse;     /* problems of the tag files, reported by check */
};

void bundle_resolve_limits(const ap_bundle_limits *in, uint64_t archive,
                           limits *out);
/* An archive reader of `path` (gzip, zstd or none; tar or zip), or NULL.
 * `path` is opened by ap_open_regular() (a FIFO or a device is refused, not
 * read); *fd, to close after archive_read_free(), and *size are its. */
struct archive *bundle_reader_open(const char *path, int *fd, uint64_t *size,
                                   ap_diags *d);
const char *bundle_entry_name(struct archive_entry *e);
const char *bundle_read_error(struct archive *a);
/* The next member: 1 and its entry in *e, 0 at the end, -1 (reported). */
int bundle_next_member(struct archive *a, const char *path, size_t max_members,
                       size_t *count, struct archive_entry **e, ap_diags *d);
/* Why a member may not be read or extracted, or NULL (see bundle_read.c). */
const char *bundle_member_problem(struct archive_entry *e, int is_dir,
                                  char **top, char **norm, const char **rel);
/*
 * The names of the members of an archive being read, and of the folders
 * they are in: a member given twice, or a name that is both a file and a
 * folder (a file "a" and a member "a/b", in either order), is refused before
 * anything of it is used.
 */
typedef struct seen_name {
	char *name;
	int kind;
} seen_name;

typedef struct bundle_names {
	seen_name *v; /* sorted by name */
	size_t n, cap;
} bundle_names;

/* Records the normalised member name `norm`. Returns why it clashes with a
 * member recorded before, with the name at issue in *which (valid until the
 * set changes), or NULL. */
const char *bundle_names_add(bundle_names *s, const char *norm, int is_dir,
                             const char **which);
void bundle_names_free(bundle_names *s);

/* A path of the payload (data/...). */
int bundle_is_payload(const char *rel);

/* A member being hashed in every algorithm as its bytes come. */
typedef struct bundle_hashing {
	ap_digest s[AP_DIGEST_ALGS];
} bundle_hashing;

void bundle_hash_begin(bundle_hashing *h);
/* Writes the digests into rm->m and frees the contexts. */
void bundle_hash_end(bundle_hashing *h, rmember *rm);
/* `k` more bytes of `rm`: counted against the limits (one member, the
 * total), hashed, kept when the member is. Returns 0, or -1 (reported, `name`
 * the field) when a limit is passed. */
int bundle_member_bytes(bundle_hashing *h, rmember *rm, const char *buf,
                        size_t k, const limits *lm, uint64_t *total,
                        const char *file, const char *name, ap_diags *d);
/* A new member of `b` at `rel` (inside the bag), kept if appui reads it. */
rmember *bundle_add_member(ap_bundle *b, const char *rel);
/* Once every member is in: sorted, bag-info.txt and the manifests parsed. */
void bundle_finish_open(ap_bundle *b);

/* ---- reading a folder (bundle_dir.c) ---------------------------------------
 */

/* ap_bundle_open() of the folder `path`, open as `dfd` (closed here). */
int bundle_open_dir(ap_bundle **out, const char *path, int dfd,
                    const ap_bundle_limits *lim, ap_diags *d);

#endif
