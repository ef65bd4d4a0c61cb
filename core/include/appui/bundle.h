/*
 * Mission case bundles: everything about one site's mission (its case files,
 * their score, its entry of a plan, attachments) archived as one serialized
 * BagIt bag (RFC 8493), so that a standard tool (tar, unzip, sha256sum -c)
 * can check it years later. See docs/bundles.md.
 *
 * The archive library and the hash live behind this module only. Bundles are
 * reproducible (the same inputs give the same bytes), written atomically
 * (a temporary file in the target folder, flushed, then renamed), and read
 * with limits (member size, member count, expansion ratio) so that a hostile
 * archive is refused before it fills a disk.
 */
#ifndef APPUI_BUNDLE_H
#define APPUI_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/diag.h"
#include "appui/host.h"
#include "appui/reader.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ap_bundle_format {
	AP_BUNDLE_TAR_GZ = 0, /* the default */
	AP_BUNDLE_TAR_ZST = 1,
	AP_BUNDLE_ZIP = 2
} ap_bundle_format;

/* "tar.gz" (or "tgz"), "tar.zst", "zip". Returns 0, or -1 when unknown. */
AP_API int ap_bundle_format_from_name(const char *name, ap_bundle_format *out);
/* From a file name's extension (.tar.gz, .tgz, .tar.zst, .zip). Returns 0,
 * or -1 when the name has none of them. */
AP_API int ap_bundle_format_from_path(const char *path, ap_bundle_format *out);
AP_API const char *ap_bundle_format_name(ap_bundle_format f);

/* What goes into a bundle. */
typedef struct ap_bundle_spec {
	const char *const *case_files; /* one site's case files, >= 1 */
	size_t n_case_files;
	const char *plan_file; /* the JSON of `appui plan`, or NULL */
	const char *const *attachments;
	size_t n_attachments;
	/* The configuration the host was opened with (its SHA-256 is recorded),
	 * or NULL for the built-in defaults. */
	const char *config_file;
	ap_bundle_format format;
	int strict; /* a warning about a case file refuses the bundle */
} ap_bundle_spec;

/* What was written, for the caller to report. */
typedef struct ap_bundle_summary {
	char
	    *name; /* the bag's top folder; free with ap_bundle_summary_clear */
	size_t payload_files;
	uint64_t payload_bytes;
	uint64_t archive_bytes;
} ap_bundle_summary;

AP_API void ap_bundle_summary_clear(ap_bundle_summary *s);

/*
 * Reads and checks the case files (problems are reported under the paths
 * given), scores them with `h`, picks the site's entry of the plan, and
 * writes the bag to `path`. Returns 0; -1 when an input is wrong (invalid
 * case file, unreadable attachment, site not in the plan), -2 when the bundle
 * cannot be written (folder, disk); the problems are in `d` and there is no
 * new file at `path` (an existing file there is left as it was). `summary`
 * may be NULL. A zip entry's time is stored as local time (DOS): for the same
 * zip bytes in every time zone, run with TZ=UTC, as the appui command does.
 */
AP_API int ap_bundle_create(const char *path, const ap_bundle_spec *spec,
                            ap_reader *r, const ap_host *h,
                            ap_bundle_summary *summary, ap_diags *d);

/* Limits for reading an archive; a member of 0 takes the default. */
typedef struct ap_bundle_limits {
	uint64_t max_member_bytes; /* default 256 MiB */
	size_t max_members;        /* default 10,000 */
	/* The uncompressed size of the members may be at most this many times
	 * the archive's size (default 100): refuses decompression bombs. */
	unsigned max_ratio;
} ap_bundle_limits;

#define AP_BUNDLE_MAX_MEMBER_BYTES ((uint64_t)256 << 20)
#define AP_BUNDLE_MAX_MEMBERS      10000u
#define AP_BUNDLE_MAX_RATIO        100u

/* A bundle read whole: every member hashed, the small ones kept. */
typedef struct ap_bundle ap_bundle;

typedef struct ap_bundle_member {
	const char *path; /* inside the bag: "bagit.txt", "data/score/..." */
	uint64_t size;
	char sha256[65];  /* lower-case hex */
	char sha512[129]; /* lower-case hex */
} ap_bundle_member;

/*
 * Reads the archive at `path` to the end, hashing every member. Returns 0
 * when it could be read (problems with members, such as a symbolic link or
 * a member outside the top folder, are errors in `d`), -1 when it could not
 * (not an archive, truncated, a limit exceeded: the reason in `d`).
 *
 * When `path` is a folder, it is read as an extracted bag (the folder that
 * `appui extract`, tar or unzip leave): the folder is the bag, its name the
 * bag's name, kind "folder". Nothing but regular files and folders is read:
 * a symbolic link (followed nowhere), a FIFO, a device or a socket is an
 * error, never opened; the member limits apply (the expansion ratio does
 * not: nothing is decompressed), and folders nested over 64 deep are
 * refused.
 */
AP_API int ap_bundle_open(ap_bundle **out, const char *path,
                          const ap_bundle_limits *lim, ap_diags *d);
AP_API void ap_bundle_free(ap_bundle *b);

/* The bag's top folder, or "" when the archive has none. */
AP_API const char *ap_bundle_name(const ap_bundle *b);
/* "tar.gz", "tar.zst", "zip", or the archive library's description. */
AP_API const char *ap_bundle_kind(const ap_bundle *b);
AP_API uint64_t ap_bundle_archive_bytes(const ap_bundle *b);

/* The regular files of the bag, sorted by path. */
AP_API size_t ap_bundle_member_count(const ap_bundle *b);
AP_API const ap_bundle_member *ap_bundle_member_at(const ap_bundle *b,
                                                   size_t i);
/* A member's bytes when it was kept (tag files, case files, score, plan
 * entry), or NULL. */
AP_API const char *ap_bundle_member_data(const ap_bundle *b, const char *path,
                                         size_t *len);
/* manifest-sha256.txt's hash of a payload file (else manifest-sha512.txt's,
 * in a bag without SHA-256), or NULL when it is not listed. */
AP_API const char *ap_bundle_manifest_hash(const ap_bundle *b,
                                           const char *path);

/* The algorithms of the payload manifests present, as the summary of
 * `appui verify` names them: "sha256, sha512", "sha256" (a bag made before
 * appui wrote SHA-512), or "" when there is none it reads. */
AP_API const char *ap_bundle_manifest_algorithms(const ap_bundle *b);

/* The lines of bag-info.txt, in file order (continuation lines joined). */
AP_API size_t ap_bundle_info_count(const ap_bundle *b);
AP_API void ap_bundle_info_at(const ap_bundle *b, size_t i, const char **label,
                              const char **value);
/* The first value of `label` (case-insensitive), or NULL. */
AP_API const char *ap_bundle_info(const ap_bundle *b, const char *label);

/*
 * Checks the bag (RFC 8493): bagit.txt, every payload file against every
 * payload manifest present (manifest-sha256.txt, manifest-sha512.txt: at
 * least one; missing, extra, modified, naming the manifest), the paths the
 * manifests list (none outside the bag), every tag file against every tag
 * manifest present, and Payload-Oxum. Each problem is an error in `d` (file:
 * the bundle, field: the member); a tag file that no tag manifest lists,
 * which the RFC allows, and a manifest of an algorithm appui does not
 * check, are warnings. Returns the number of errors.
 */
AP_API size_t ap_bundle_check(const ap_bundle *b, ap_diags *d);

/*
 * Re-reads the bag's case files from memory, checks and scores them with
 * `h`, and compares with data/score/score.json: each theme whose result
 * changed is an error naming the theme, the values and the plugin versions;
 * a plugin whose version differs from the one recorded in bag-info.txt, or a
 * configuration (`config_file`, NULL for the built-in defaults) other than
 * the one recorded, is a warning. Returns the number of errors added (0: the
 * score is reproduced).
 */
AP_API size_t ap_bundle_rescore(const ap_bundle *b, ap_reader *r,
                                const ap_host *h, const char *config_file,
                                ap_diags *d);

/* Describes the bag for a person: site, case, mission, score, software,
 * then every member with its size and SHA-256. */
AP_API void ap_bundle_show(FILE *out, const ap_bundle *b);

/*
 * Extracts the bundle at `path` into the folder `dir` (created when
 * missing): the bag's top folder becomes `dir`/NAME. Refuses absolute paths,
 * "..", links, devices and FIFOs, members outside one top folder, and the
 * limits of `lim`; everything is extracted into a temporary folder inside
 * `dir`, then renamed, so a refused archive leaves nothing behind, and an
 * existing `dir`/NAME is never overwritten. Returns 0 and, when `extracted`
 * is not NULL, the bag's path (to free); -1 when the archive is refused, -2
 * when `dir` cannot be written; the reason is in `d`.
 *
 * The working directory is changed for the duration of the call (as tar -C
 * does) so that the archive library resolves every member relative to the
 * temporary folder: do not call it while other threads use relative paths.
 */
AP_API int ap_bundle_extract(const char *path, const char *dir,
                             const ap_bundle_limits *lim, char **extracted,
                             ap_diags *d);

#ifdef __cplusplus
}
#endif

#endif
