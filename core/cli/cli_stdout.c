/*
 * The command's standard output: every command's standard output goes through
 * one stream whose writes keep the first error (stdio forgets it: a later
 * fflush() of an emptied buffer succeeds), and is checked once, when the
 * command is done.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"

static int stdout_errno;

static ssize_t stdout_write(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	size_t done = 0;
	while (done < n) {
		ssize_t k = write(STDOUT_FILENO, buf + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!stdout_errno)
				stdout_errno = k < 0 ? errno : EIO;
			return -1;
		}
		done += (size_t)k;
	}
	return (ssize_t)done;
}

static int stdout_close(void *cookie)
{
	(void)cookie;
	if (close(STDOUT_FILENO) != 0 && errno != EINTR) {
		if (!stdout_errno)
			stdout_errno = errno;
		return -1;
	}
	return 0;
}

void cli_stdout_open(void)
{
	cookie_io_functions_t io = {.write = stdout_write,
	                            .close = stdout_close};
	FILE *f = fopencookie(NULL, "w", io);
	if (!f)
		ap_oom();
	/* A terminal is written line by line, as stdio does. */
	if (isatty(STDOUT_FILENO))
		setvbuf(f, NULL, _IOLBF, 0);
	stdout = f;
}

/* The command's exit status `rc`, or EXIT_SETUP when its standard output
 * could not be written (said on stderr). Statuses above EXIT_SETUP (out of
 * memory, interrupted) are kept. */
int cli_stdout_done(int rc)
{
	int bad = fflush(stdout) != 0;
	bad |= ferror(stdout) != 0;
	bad |= fclose(stdout) != 0;
	if (!bad)
		return rc;
	fprintf(stderr, _("appui: cannot write to standard output: %s\n"),
	        strerror(stdout_errno ? stdout_errno : EIO));
	return rc > EXIT_SETUP ? rc : EXIT_SETUP;
}
