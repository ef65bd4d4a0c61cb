/* Atomic files: see appui/atomic.h for the sequence and the mode rule. */
#include "appui/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define ATOMIC_BUFFER (256u << 10)

unsigned ap_atomic_mode(const char *replacing)
{
	return (unsigned)ap_new_file_mode(replacing) & 0777;
}

/* The temporaries that exist now, for ap_atomic_remove_all() in a signal
 * handler: a slot is set once its file is created, cleared before the name
 * is freed. */
#define LIVE_MAX 64
static char *volatile live[LIVE_MAX];

static void live_add(char *tmp)
{
	for (size_t i = 0; i < LIVE_MAX; i++)
		if (!live[i]) {
			live[i] = tmp;
			return;
		}
}

static void live_drop(const char *tmp)
{
	for (size_t i = 0; tmp && i < LIVE_MAX; i++)
		if (live[i] == tmp)
			live[i] = NULL;
}

void ap_atomic_remove_all(void)
{
	for (size_t i = 0; i < LIVE_MAX; i++) {
		char *t = live[i];
		if (t)
			unlink(t);
	}
}

static void atomic_free(ap_atomic *a)
{
	live_drop(a->tmp);
	free(a->tmp);
	free(a->path);
	free(a->what);
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

/* "PATH:0: cannot DOING the WHAT[ in place]: reason", then the temporary
 * removed. */
static int atomic_fail(ap_atomic *a, ap_diags *d, const char *doing, int err)
{
	int moving = strcmp(doing, "move") == 0;
	ap_diags_add(d, AP_ERROR, a->path, 0, "", "cannot %s the %s%s: %s",
	             doing, a->what, moving ? " in place" : "", strerror(err));
	ap_atomic_abort(a);
	return AP_EOUTPUT;
}

int ap_atomic_open(ap_atomic *out, const char *path, const char *what,
                   ap_diags *d)
{
	memset(out, 0, sizeof(*out));
	out->path = ap_xstrdup(path);
	out->what = ap_xstrdup(what);
	out->tmp = ap_xasprintf("%s.tmp.XXXXXX", path);
	mode_t mode = (mode_t)ap_atomic_mode(path);
	int fd = mkstemp(out->tmp);
	if (fd < 0) {
		int err = errno;
		free(out->tmp);
		out->tmp = NULL;
		return atomic_fail(out, d, "create", err);
	}
	live_add(out->tmp);
	if (fchmod(fd, mode) != 0 || !(out->f = fdopen(fd, "w"))) {
		int err = errno;
		close(fd);
		return atomic_fail(out, d, "create", err);
	}
	/* glibc ignores the size asked for without a buffer given. */
	out->buf = ap_xmalloc(ATOMIC_BUFFER);
	setvbuf(out->f, out->buf, _IOFBF, ATOMIC_BUFFER);
	return 0;
}

int ap_atomic_sync(ap_atomic *a, ap_diags *d)
{
	if (a->synced)
		return 0;
	int err = 0;
	if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0)
		err = errno ? errno : EIO;
	if (fclose(a->f) != 0 && !err)
		err = errno;
	a->f = NULL;
	if (err)
		return atomic_fail(a, d, "write", err);
	a->synced = 1;
	return 0;
}

/* The renamed file survives a crash only once the folder entry is on the
 * disk too; a folder that cannot be synced (some file systems refuse)
 * changes nothing for the caller, hence no error. */
static void sync_folder_of(const char *path)
{
	char *dir = ap_path_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int ap_atomic_commit(ap_atomic *a, ap_diags *d)
{
	int rc = ap_atomic_sync(a, d);
	if (rc != 0)
		return rc;
	if (rename(a->tmp, a->path) != 0)
		return atomic_fail(a, d, "move", errno);
	live_drop(a->tmp);
	free(a->tmp);
	a->tmp = NULL;
	sync_folder_of(a->path);
	atomic_free(a);
	return 0;
}

void ap_atomic_abort(ap_atomic *a)
{
	if (a->f)
		fclose(a->f);
	a->f = NULL;
	if (a->tmp)
		unlink(a->tmp);
	atomic_free(a);
}
