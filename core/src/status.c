/* The status table: one row per ap_status, read by both front ends. */
#include "appui/status.h"

#include <signal.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static const struct {
	ap_status status;
	int exit_code, http;
	const char *name;
} table[] = {
    {AP_OK, 0, 200, "success"},
    {AP_EINVALID, 1, 422, "invalid input"},
    {AP_EOUTPUT, 3, 500, "cannot write the output"},
    {AP_ESETUP, 3, 500, "set-up error"},
    {AP_EUSAGE, 2, 400, "usage error"},
    {AP_EINTERRUPTED, 130, 503, "interrupted"},
    {AP_ENOMEM, 70, 503, "out of memory"},
    {AP_ENOTFOUND, 1, 404, "not found"},
    {AP_EFULL, 3, 507, "disk full"},
    {AP_EBUSY, 3, 503, "busy"},
    {AP_EFORBIDDEN, 1, 403, "not allowed"},
};

static size_t row_of(ap_status s)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].status == s)
			return i;
	return 3; /* an unknown status is a set-up error */
}

int ap_status_exit_code(ap_status s)
{
	return table[row_of(s)].exit_code;
}

int ap_status_http(ap_status s)
{
	return table[row_of(s)].http;
}

const char *ap_status_name(ap_status s)
{
	return table[row_of(s)].name;
}

void ap_oom(void)
{
	fputs("appui: out of memory\n", stderr);
	exit(ap_status_exit_code(AP_ENOMEM));
}

static volatile sig_atomic_t cancelled;

void ap_cancel(void)
{
	cancelled = 1;
}

int ap_cancelled(void)
{
	return cancelled != 0;
}

void ap_cancel_clear(void)
{
	cancelled = 0;
}
