/*
 * Reading libconfig files with messages a user can act on; shared by the
 * host configuration (config.c) and campaign files (campaign.c), the only
 * users of libconfig.
 *
 * libconfig's lookup functions answer "false" both for a missing member and
 * for one of the wrong type and leave the output untouched, so members are
 * looked up, their type checked and every problem reported as FILE:LINE with
 * the file and line libconfig recorded. Problems are collected, not fatal:
 * a user fixes a file in one pass.
 */
#ifndef APPUI_CFGREAD_H
#define APPUI_CFGREAD_H

#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>

#include "appui/diag.h"

/* The @include of one file read, counting those of included files. */
#define CFGREAD_MAX_INCLUDES 64

/* Lines from `first` on of the text libconfig parsed are lines from `line`
 * on of `file`. */
typedef struct cfg_seg {
	long first, line;
	const char *file;
} cfg_seg;

typedef struct cfg_reader {
	ap_diags *d;
	const char *main_file;
	char *dir; /* main_file's folder */
	size_t errors;
	cfg_seg *segs; /* in order of `first` */
	size_t n_segs, cap_segs;
	char **files; /* the included files' names, which segs point to */
	size_t n_files;
	size_t n_includes;
} cfg_reader;

/*
 * Reads `path`, a regular file (at most 4 MiB), and the files its @include
 * name (resolved against the including file's folder; each a regular file
 * of at most 4 MiB, at most CFGREAD_MAX_INCLUDES in all), and parses them
 * into `lc`: libconfig itself opens no file (libconfig 1.5 exits the process
 * on an include of a folder and reads a device forever). Every problem is
 * reported with the file and line it is at (libconfig says only "file I/O
 * error" at line 0 for a missing file: the path and strerror are said
 * instead). Returns 0, or -1 (`lc` destroyed, or never made). Call
 * cfgread_close() in both cases.
 */
int cfgread_open(cfg_reader *r, config_t *lc, const char *path,
                 const char *what, ap_diags *d);
void cfgread_close(cfg_reader *r);

void cfgread_error(cfg_reader *r, const config_setting_t *s, const char *fmt,
                   ...) AP_PRINTF(3, 4);
void cfgread_warn(cfg_reader *r, const config_setting_t *s, const char *fmt,
                  ...) AP_PRINTF(3, 4);

/* The line of a setting in its file (0 for none). */
long cfgread_line(const cfg_reader *r, const config_setting_t *s);

/* "a whole number", "a string", ... */
const char *cfgread_type_name(int type);
/* The full name of a setting for messages, to free: "days.watch",
 * "firms.[2].capacity". */
char *cfgread_setting_name(const config_setting_t *s);
/* "a, b, c" (or "none"), to free. */
char *cfgread_join(const char *const *v, size_t n);

/* Reports members of `group` whose names are not in `known`. */
void cfgread_check_keys(cfg_reader *r, const config_setting_t *group,
                        const char *const *known, size_t n_known);
/* 1 when `s` has `type` (an int64 counts as an int), else reported, 0. */
int cfgread_want_type(cfg_reader *r, const config_setting_t *s, int type);
/* A decimal; a whole number is accepted too (25 for 25.0). 0, or -1. */
int cfgread_get_number(cfg_reader *r, const config_setting_t *s, double *out);
/* An optional whole number of `g` in min..max; *out keeps its value when
 * absent or wrong. */
void cfgread_opt_long(cfg_reader *r, const config_setting_t *g,
                      const char *name, long *out, long min, long max);
void cfgread_opt_int(cfg_reader *r, const config_setting_t *g, const char *name,
                     int *out, long min, long max);
/* An array or list of non-empty strings. Returns -1 when `s` is not an
 * array at all (reported), else 0 with the strings (to free). */
int cfgread_read_strings(cfg_reader *r, const config_setting_t *s, char ***out,
                         size_t *n_out);
void cfgread_free_strings(char **v, size_t n);

#endif
