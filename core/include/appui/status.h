/*
 * One status for every libappui call that can fail, mapped once to the
 * command's exit status and to the service's HTTP status, so that the two
 * front ends say the same thing about the same failure.
 */
#ifndef APPUI_STATUS_H
#define APPUI_STATUS_H

#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ap_status {
	AP_OK = 0,
	AP_EINVALID = -1,     /* an input is wrong (its problems say why) */
	AP_EOUTPUT = -2,      /* an output cannot be written (folder, disk) */
	AP_ESETUP = -3,       /* configuration, schema or plugins unusable */
	AP_EUSAGE = -4,       /* the caller asked for something impossible */
	AP_EINTERRUPTED = -5, /* stopped by a signal; nothing was written */
	AP_ENOMEM = -6,       /* out of memory */
	AP_ENOTFOUND = -7,    /* no such object (or not the caller's) */
	AP_EFULL = -8,        /* the disk is full; nothing was lost */
	AP_EBUSY = -9,        /* try again later */
	AP_EFORBIDDEN = -10   /* not the caller's to change (a case of another
	                         firm) */
} ap_status;

/* The command's exit status: 0, 1 invalid input, 2 usage, 3 set-up or
 * output, 70 internal (out of memory), 130 interrupted. */
AP_API int ap_status_exit_code(ap_status s);

/* The service's HTTP status: 200, 422, 400, 403, 404, 500, 503, 507. */
AP_API int ap_status_http(ap_status s);

/* Out of memory, which a batch cannot recover from: prints "appui: out of
 * memory" to standard error and exits with ap_status_exit_code(AP_ENOMEM).
 * The one such exit of libappui and the command. */
AP_API void ap_oom(void) __attribute__((noreturn));

/* A short English name: "invalid input", "cannot write the output"... */
AP_API const char *ap_status_name(ap_status s);

/*
 * Cancelling a long operation (writing a bundle, extracting one) from a
 * signal handler: ap_cancel() only sets a flag (it is async-signal-safe);
 * the operation stops at its next step (at most a mebibyte later), removes
 * what it had written, and returns AP_EINTERRUPTED. ap_cancel_clear()
 * before the next operation.
 */
AP_API void ap_cancel(void);
AP_API int ap_cancelled(void);
AP_API void ap_cancel_clear(void);

#ifdef __cplusplus
}
#endif

#endif
