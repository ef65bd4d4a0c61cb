/*
 * Files written whole or not at all: the bytes go to a temporary file beside
 * the target (same folder, so the same file system), which is flushed to the
 * disk, renamed over the target, and then the folder entry is flushed too.
 * A crash, a full disk or an error at any point leaves either the old file
 * or the new one, never a part, and no temporary behind it (but for a crash
 * between creation and removal).
 *
 * The mode rule (the one place it is written): a new file gets what a plain
 * creation would give, 0666 less the umask; a file that replaces a regular
 * file gets that file's permission bits (0777 of them: setuid, setgid and
 * sticky are never carried over). A temporary is created 0600 and takes its
 * final mode before the first byte is written.
 */
#ifndef APPUI_ATOMIC_H
#define APPUI_ATOMIC_H

#include <stdio.h>

#include "appui/common.h"
#include "appui/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_atomic {
	FILE *f;    /* write here (a 256 KiB buffer), or to fileno(f) */
	char *tmp;  /* the temporary's name; NULL once renamed or removed */
	char *path; /* the target */
	char *what; /* "output file", "calendar": for the messages */
	char *buf;  /* f's buffer */
	int synced; /* flushed to the disk and closed */
} ap_atomic;

/* Creates the temporary for `path`. Returns 0, or AP_EOUTPUT with
 * "PATH: cannot create the WHAT: reason" in `d`. */
AP_API int ap_atomic_open(ap_atomic *out, const char *path, const char *what,
                          ap_diags *d);

/* Flushes the temporary to the disk and closes it, without renaming it (to
 * write several files and rename them only when all are complete). Returns
 * 0, or AP_EOUTPUT with the reason in `d` (the temporary is removed). */
AP_API int ap_atomic_sync(ap_atomic *a, ap_diags *d);

/* ap_atomic_sync(), then the rename over the target and the folder's
 * flush; frees `a`. Returns 0, or AP_EOUTPUT with the reason in `d` (the
 * temporary is removed; the target is as it was). */
AP_API int ap_atomic_commit(ap_atomic *a, ap_diags *d);

/* Removes the temporary and frees `a`; the target is as it was. Safe on a
 * zeroed, a committed or an aborted `a`. */
AP_API void ap_atomic_abort(ap_atomic *a);

/* Removes every temporary not yet committed or aborted (at most 64 are
 * tracked): async-signal-safe, for a handler that then ends the process. */
AP_API void ap_atomic_remove_all(void);

/* The mode a file written at `replacing` gets (see above); NULL: a new one. */
AP_API unsigned ap_atomic_mode(const char *replacing);

#ifdef __cplusplus
}
#endif

#endif
