/*
 * What the bundle files share: the format names, the summary, the checks of
 * a member's name, sizes for people, the C.UTF-8 locale of a call, and the
 * reading of input files (whole, exactly, within a size limit).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uninorm.h>

#include "bundle_impl.h"
#include "digest.h"

/* The manifests' names, by algorithm: see bundle_impl.h. */
const char *const bundle_manifest[AP_DIGEST_ALGS] = {"manifest-sha256.txt",
                                                     "manifest-sha512.txt"};
const char *const bundle_tagmanifest[AP_DIGEST_ALGS] = {
    "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"};

/* A C0 control character or DEL. */
int bundle_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* "12 MiB"-style sizes for people; exact bytes are printed next to them. */
void bundle_human_size(char *out, size_t n, uint64_t bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB",
	                                    "TiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < AP_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, n, "%" PRIu64 " bytes", bytes);
	else
		snprintf(out, n, "%.1f %s", v, units[u]);
}

/* The C.UTF-8 locale of a call: see bundle_impl.h. */
void bundle_utf8_enter(ap_call_locale *u)
{
	ap_locale_enter(u, LC_CTYPE_MASK, "C.UTF-8");
}

/* ---- formats ------------------------------------------------------------
 */

static const struct {
	const char *name;
	const char *ext;
	ap_bundle_format format;
} formats[] = {
    {"tar.gz", ".tar.gz", AP_BUNDLE_TAR_GZ},
    {"tgz", ".tgz", AP_BUNDLE_TAR_GZ},
    {"tar.zst", ".tar.zst", AP_BUNDLE_TAR_ZST},
    {"zip", ".zip", AP_BUNDLE_ZIP},
};

int ap_bundle_format_from_name(const char *name, ap_bundle_format *out)
{
	for (size_t i = 0; name && i < AP_ARRAY_LEN(formats); i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	}
	return -1;
}

int ap_bundle_format_from_path(const char *path, ap_bundle_format *out)
{
	for (size_t i = 0; path && i < AP_ARRAY_LEN(formats); i++) {
		if (ap_str_ends_with(path, formats[i].ext)) {
			*out = formats[i].format;
			return 0;
		}
	}
	return -1;
}

const char *ap_bundle_format_name(ap_bundle_format f)
{
	switch (f) {
	case AP_BUNDLE_TAR_GZ:
		return "tar.gz";
	case AP_BUNDLE_TAR_ZST:
		return "tar.zst";
	case AP_BUNDLE_ZIP:
		return "zip";
	}
	return "?";
}

void ap_bundle_summary_clear(ap_bundle_summary *s)
{
	if (!s)
		return;
	free(s->name);
	memset(s, 0, sizeof(*s));
}

/* ---- names and input files ----------------------------------------------
 */

/*
 * Why `name` cannot be the file name of a member, or NULL. Manifests would
 * have to percent-encode '%', CR and LF, which `sha256sum -c` does not
 * understand, and a backslash starts an escaped line for it: such names are
 * refused rather than written in a form only one of the two tools reads.
 */
const char *bundle_bad_member_name(const char *name)
{
	if (!*name)
		return "the name is empty";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "the name is '.' or '..'";
	if (bundle_has_control(name))
		return "the name contains a control character";
	if (strpbrk(name, "%\\"))
		return "the name contains '%' or '\\', which manifests "
		       "would have to escape: rename the file";
	if (!ap_utf8_valid(name))
		return "the name is not valid UTF-8";
	if (strlen(name) > 200)
		return "the name is longer than 200 bytes";
	return NULL;
}

/*
 * Opens a regular file for reading, by ap_open_regular(): a FIFO given by
 * mistake is refused instead of waiting for a writer.
 */
int bundle_open_input(const char *path, uint64_t max, uint64_t *size,
                      ap_diags *d)
{
	struct stat st;
	const char *why;
	int fd = ap_open_regular(path, &st, &why);
	if (fd < 0) {
		if (strcmp(why, AP_NOT_REGULAR) == 0)
			ap_diags_add(
			    d, AP_ERROR, path, 0, "",
			    "not a regular file: only files can be bundled");
		else
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "cannot open: %s", why);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "%jd bytes, over the limit of %" PRIu64
		             " bytes for one member (appui extract would "
		             "refuse the bundle)",
		             (intmax_t)st.st_size, max);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* Reads exactly `size` bytes of `fd`: a file that changes while it is read
 * is an error, not a silently different copy. */
int bundle_read_exact(int fd, const char *path, char *buf, size_t size,
                      ap_diags *d)
{
	size_t got = 0;
	while (got < size) {
		ssize_t k = read(fd, buf + got, size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "cannot read: %s", strerror(errno));
			return -1;
		}
		if (k == 0) {
			ap_diags_add(d, AP_ERROR, path, 0, "",
			             "the file shrank while it was read");
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

int bundle_at_end(int fd, const char *path, ap_diags *d)
{
	char c;
	ssize_t k;
	do
		k = read(fd, &c, 1);
	while (k < 0 && errno == EINTR);
	if (k != 0) {
		ap_diags_add(d, AP_ERROR, path, 0, "",
		             "the file grew while it was read");
		return -1;
	}
	return 0;
}

int bundle_read_input(const char *path, uint64_t max, char **data, size_t *len,
                      ap_diags *d)
{
	uint64_t size;
	int fd = bundle_open_input(path, max, &size, d);
	if (fd < 0)
		return -1;
	char *buf = ap_xmalloc((size_t)size + 1);
	if (bundle_read_exact(fd, path, buf, (size_t)size, d) != 0 ||
	    bundle_at_end(fd, path, d) != 0) {
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	buf[size] = '\0';
	*data = buf;
	*len = (size_t)size;
	return 0;
}

const char *bundle_jget_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int bundle_config_hash(const char *path, char hex[65], ap_diags *d)
{
	char *data = NULL;
	size_t len = 0;
	if (bundle_read_input(path, 16u << 20, &data, &len, d) != 0)
		return -1;
	ap_sha256_of(data, len, hex);
	free(data);
	return 0;
}

char *bundle_member_name(const char *dir, const char *name)
{
	size_t len = 0;
	uint8_t *nfc = NULL;
	if (ap_utf8_valid(name))
		nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)name,
		                   strlen(name), NULL, &len);
	char *out = nfc ? ap_xasprintf("%s%.*s", dir, (int)len, (char *)nfc)
	                : ap_xasprintf("%s%s", dir, name);
	free(nfc);
	return out;
}
