/*
 * Shared helpers of the libFuzzer targets (tests/fuzz/fuzz_*.c): a private
 * scratch folder, the input written to a file for the APIs that take a path,
 * a sink for reports and diagnostics, and the reader and host opened once per
 * process with the build's schema and shipped plugins.
 *
 * Everything here aborts when the harness itself cannot be set up (a missing
 * schema or plugin folder is a broken build, not a finding).
 */
#ifndef APPUI_FUZZ_COMMON_H
#define APPUI_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <appui/config.h>
#include <appui/diag.h>
#include <appui/host.h>
#include <appui/reader.h>

/* A private folder made once per process with mkdtemp (under $TMPDIR or
 * /tmp), removed at exit. Nothing else is ever in it but what a target puts
 * there. */
const char *fz_scratch_dir(void);

/* The absolute path `name` inside the scratch folder (static storage, one
 * per name: call once at init and keep it). */
const char *fz_scratch_path(const char *name);

/* A file in the scratch folder, created once per process (mkstemp) and
 * rewritten in place by fz_file_write() each iteration. */
typedef struct fz_file {
	const char *path;
	int fd;
} fz_file;

/* Creates the file as NAME.XXXXXX in the scratch folder. */
void fz_file_init(fz_file *f, const char *name);
/* Replaces the file's content with `data` (truncated to `size`). */
void fz_file_write(fz_file *f, const uint8_t *data, size_t size);

/* /dev/null, opened once: reports and diagnostics are formatted into it so
 * that the formatting code runs on the fuzzed strings. */
FILE *fz_sink(void);

/* Formats every diagnostic of `d` into the sink. */
void fz_print_diags(const ap_diags *d);

/* The reader with the build's schema (APPUI_TEST_SCHEMA). */
ap_reader *fz_reader(void);

/* A host with the built-in defaults and the shipped plugins
 * (APPUI_TEST_PLUGINDIR); aborts unless all three load. */
const ap_host *fz_default_host(void);

/* The shipped plugins' folder as a one-entry search path. */
const ap_search_dir *fz_plugin_dirs(size_t *n);

/*
 * 1 when a libconfig input must be skipped: an @include whose file name
 * could leave the scratch folder (".." or an escape). libconfig joins the
 * include folder (the scratch folder) with the name, so "/x" stays inside,
 * but "../../dev/zero" would not; reading files outside the scratch folder
 * would make the target depend on the machine (and /dev/zero never ends).
 */
int fz_cfg_include_escapes(const uint8_t *data, size_t size);

#endif
