/*
 * Unit tests of mission case bundles (bundle.c): the bag's layout and
 * labels, reproducible bytes in every format, atomic writing under a
 * simulated full disk, the checks of verify (missing, extra, modified,
 * re-scoring), and extraction of hostile archives, each built here with
 * libarchive.
 */
#define _GNU_SOURCE /* nftw, open_memstream */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appui/bundle.h"
#include "testutil.h"

/* bundle.c's write hook: not in the public API (see bundle.c). */
extern ssize_t (*ap_bundle_test_write)(int fd, const void *buf, size_t n);

#define VLH      APPUI_TEST_EXAMPLES "/cf-2016-003-vlh-mail.xml"
#define VLH_BAG  "VLH-MAIL_CF-2016-003"
#define VLH_DATE 1460505600L /* 2016-04-13T00:00:00Z */

static ap_config *cfg;
static ap_host *host;
static ap_reader *reader;
static char dir[64];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void setup(void)
{
	host = tu_host(&cfg);
	reader = tu_reader();
	strcpy(dir, "/tmp/check_bundle.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	ap_reader_free(reader);
	ap_host_free(host);
	ap_config_free(cfg);
}

/* ---- helpers ------------------------------------------------------------
 */

static char *joined(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s%s", a, b);
	return p;
}

static char *path_in(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* The number of entries of the test folder (to see what was left). */
static int entries_in(const char *folder)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", folder);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	int n = -1;
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static int has_diag(const ap_diags *d, const char *field, const char *text)
{
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if ((!field || strcmp(g->field, field) == 0) &&
		    strstr(g->message, text))
			return 1;
	}
	return 0;
}

static void dump(const ap_diags *d)
{
	for (size_t i = 0; i < ap_diags_count(d); i++)
		ap_diag_print(stderr, ap_diags_at(d, i));
}

static int make(const char *out, const char *const *cases, size_t n_cases,
                const char *plan, const char *const *att, size_t n_att,
                ap_bundle_format f, ap_diags *d)
{
	ap_bundle_spec spec = {.case_files = cases,
	                       .n_case_files = n_cases,
	                       .plan_file = plan,
	                       .attachments = att,
	                       .n_attachments = n_att,
	                       .config_file = APPUI_TEST_CONFIG,
	                       .format = f};
	return ap_bundle_create(out, &spec, reader, host, NULL, d);
}

/* A bundle of the VLH-MAIL example with one attachment; its path. */
static char *make_vlh(const char *name, ap_bundle_format f)
{
	char *att = path_in("rapport.pdf");
	write_file(att, "%PDF-1.4 rapport\n", 17);
	char *out = path_in(name);
	const char *cases[] = {VLH};
	const char *atts[] = {att};
	ap_diags *d = ap_diags_new();
	int rc = make(out, cases, 1, NULL, atts, 1, f, d);
	dump(d);
	ck_assert_int_eq(rc, 0);
	ap_diags_free(d);
	free(att);
	return out;
}

/* One entry of a hand-made archive. */
typedef struct tentry {
	const char *path;
	int type;         /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, ... */
	const char *data; /* content, or NULL for `zeros` zero bytes */
	size_t zeros;
	const char *link; /* symlink target or hard link source */
} tentry;

/* Builds an archive with libarchive, as an attacker would. */
static void build(const char *file, int zip, const tentry *e, size_t n)
{
	struct archive *a = archive_write_new();
	if (zip) {
		archive_write_set_format_zip(a);
	} else {
		archive_write_add_filter_gzip(a);
		archive_write_set_format_pax_restricted(a);
	}
	ck_assert_int_eq(archive_write_open_filename(a, file), ARCHIVE_OK);
	static char zeros[65536];
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *en = archive_entry_new();
		archive_entry_copy_pathname(en, e[i].path);
		archive_entry_set_filetype(en, (unsigned)e[i].type);
		archive_entry_set_perm(en, 0644);
		size_t size = e[i].data ? strlen(e[i].data) : e[i].zeros;
		if (e[i].type == AE_IFLNK)
			archive_entry_copy_symlink(en, e[i].link);
		else if (e[i].link)
			archive_entry_copy_hardlink(en, e[i].link);
		if (e[i].type == AE_IFREG && !e[i].link)
			archive_entry_set_size(en, (la_int64_t)size);
		ck_assert_int_ge(archive_write_header(a, en), ARCHIVE_WARN);
		if (e[i].type == AE_IFREG && !e[i].link) {
			if (e[i].data) {
				archive_write_data(a, e[i].data, size);
			} else {
				for (size_t k = 0; k < size; k += sizeof zeros)
					archive_write_data(a, zeros,
					                   size - k <
					                           sizeof zeros
					                       ? size - k
					                       : sizeof zeros);
			}
		}
		archive_entry_free(en);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* Copies a bundle, changing one member: "drop" it, "add" a new one after
 * it, or "edit" it (its content replaced by `data`). */
static void rewrite(const char *from, const char *to, const char *what,
                    const char *member, const char *data)
{
	struct archive *in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_all(in);
	ck_assert_int_eq(archive_read_open_filename(in, from, 65536),
	                 ARCHIVE_OK);
	struct archive *out = archive_write_new();
	archive_write_add_filter_gzip(out);
	archive_write_set_format_pax_restricted(out);
	ck_assert_int_eq(archive_write_open_filename(out, to), ARCHIVE_OK);
	struct archive_entry *e;
	static char buf[1 << 16];
	while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		const char *slash = strchr(p, '/');
		int hit = slash && strcmp(slash + 1, member) == 0;
		if (hit && strcmp(what, "drop") == 0)
			continue;
		if (hit && strcmp(what, "edit") == 0)
			archive_entry_set_size(e, (la_int64_t)strlen(data));
		archive_write_header(out, e);
		if (hit && strcmp(what, "edit") == 0) {
			archive_write_data(out, data, strlen(data));
		} else {
			la_ssize_t k;
			while ((k = archive_read_data(in, buf, sizeof buf)) > 0)
				archive_write_data(out, buf, (size_t)k);
		}
		if (hit && strcmp(what, "add") == 0) {
			char name[512];
			snprintf(name, sizeof name, "%.*s/data/extra.txt",
			         (int)(slash - p), p);
			struct archive_entry *x = archive_entry_new();
			archive_entry_copy_pathname(x, name);
			archive_entry_set_filetype(x, AE_IFREG);
			archive_entry_set_perm(x, 0644);
			archive_entry_set_size(x, (la_int64_t)strlen(data));
			archive_write_header(out, x);
			archive_write_data(out, data, strlen(data));
			archive_entry_free(x);
		}
	}
	archive_read_free(in);
	ck_assert_int_eq(archive_write_close(out), ARCHIVE_OK);
	archive_write_free(out);
}

/* ---- formats --------------------------------------------------------------
 */

START_TEST(formats_by_name_and_extension)
{
	ap_bundle_format f;
	ck_assert_int_eq(ap_bundle_format_from_name("tar.gz", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_TAR_GZ);
	ck_assert_int_eq(ap_bundle_format_from_name("tgz", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_TAR_GZ);
	ck_assert_int_eq(ap_bundle_format_from_name("tar.zst", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_TAR_ZST);
	ck_assert_int_eq(ap_bundle_format_from_name("zip", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_ZIP);
	ck_assert_int_eq(ap_bundle_format_from_name("rar", &f), -1);
	ck_assert_int_eq(ap_bundle_format_from_path("a/b.tgz", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_TAR_GZ);
	ck_assert_int_eq(ap_bundle_format_from_path("b.tar.zst", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_TAR_ZST);
	ck_assert_int_eq(ap_bundle_format_from_path("B.zip", &f), 0);
	ck_assert_int_eq(f, AP_BUNDLE_ZIP);
	ck_assert_int_eq(ap_bundle_format_from_path("b.bag", &f), -1);
	ck_assert_str_eq(ap_bundle_format_name(AP_BUNDLE_TAR_ZST), "tar.zst");
}
END_TEST

/* ---- the bag --------------------------------------------------------------
 */

START_TEST(bag_layout_and_labels)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ck_assert_str_eq(ap_bundle_name(b), VLH_BAG);
	ck_assert_str_eq(ap_bundle_kind(b), "tar.gz");
	static const char *const want[] = {
	    "bag-info.txt",
	    "bagit.txt",
	    "data/attachments/rapport.pdf",
	    "data/casefiles/cf-2016-003-vlh-mail.xml",
	    "data/score/score.json",
	    "data/score/score.txt",
	    "manifest-sha256.txt",
	    "manifest-sha512.txt",
	    "tagmanifest-sha256.txt",
	    "tagmanifest-sha512.txt",
	};
	ck_assert_uint_eq(ap_bundle_member_count(b), 10);
	ck_assert_str_eq(ap_bundle_manifest_algorithms(b), "sha256, sha512");
	uint64_t payload = 0;
	for (size_t i = 0; i < 10; i++) {
		const ap_bundle_member *m = ap_bundle_member_at(b, i);
		ck_assert_str_eq(m->path, want[i]);
		ck_assert_uint_eq(strlen(m->sha256), 64);
		ck_assert_uint_eq(strlen(m->sha512), 128);
		if (strncmp(m->path, "data/", 5) == 0)
			payload += m->size;
	}
	size_t len;
	const char *bagit = ap_bundle_member_data(b, "bagit.txt", &len);
	ck_assert_str_eq(bagit, "BagIt-Version: 1.0\n"
	                        "Tag-File-Character-Encoding: UTF-8\n");
	char oxum[64];
	snprintf(oxum, sizeof oxum, "%" PRIu64 ".4", payload);
	ck_assert_str_eq(ap_bundle_info(b, "Payload-Oxum"), oxum);
	ck_assert_str_eq(ap_bundle_info(b, "Bagging-Date"), "2016-04-13");
	ck_assert_str_eq(ap_bundle_info(b, "External-Identifier"),
	                 "CF-2016-003");
	ck_assert_str_eq(ap_bundle_info(b, "Source-Organization"),
	                 "Val de Loire Habitat");
	ck_assert_str_eq(ap_bundle_info(b, "Bag-Software-Agent"),
	                 "appui " AP_VERSION);
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Site-Id"), "VLH-MAIL");
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Mission-Status"),
	                 "no plan given");
	size_t plugins = 0;
	for (size_t i = 0; i < ap_bundle_info_count(b); i++) {
		const char *l, *v;
		ap_bundle_info_at(b, i, &l, &v);
		if (strcmp(l, "Appui-Plugin") == 0)
			plugins++;
		ck_assert_ptr_null(strchr(v, '\n'));
	}
	ck_assert_uint_eq(plugins, 3);
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Plugin"), "quality 1.0.0");

	/* Manifest lines: "<sha256>  <path>", sorted: what sha256sum -c
	 * reads. */
	const char *man = ap_bundle_member_data(b, "manifest-sha256.txt", &len);
	char prev[256] = "";
	size_t lines = 0;
	for (const char *p = man; *p; lines++) {
		const char *nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_int_eq(p[64], ' ');
		ck_assert_int_eq(p[65], ' ');
		char path[256];
		snprintf(path, sizeof path, "%.*s", (int)(nl - p - 66), p + 66);
		ck_assert_int_lt(strcmp(prev, path), 0);
		const char *hash = ap_bundle_manifest_hash(b, path);
		ck_assert_ptr_nonnull(hash);
		ck_assert_int_eq(strncmp(p, hash, 64), 0);
		strcpy(prev, path);
		p = nl + 1;
	}
	ck_assert_uint_eq(lines, 4);

	/* RFC 8493 section 2.4: SHA-512 beside SHA-256, the same paths in the
	 * same order, each line the member's SHA-512. */
	man = ap_bundle_member_data(b, "manifest-sha512.txt", &len);
	lines = 0;
	for (const char *p = man; *p; lines++) {
		const char *nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_int_eq(p[128], ' ');
		ck_assert_int_eq(p[129], ' ');
		char path[256];
		snprintf(path, sizeof path, "%.*s", (int)(nl - p - 130),
		         p + 130);
		const ap_bundle_member *m = NULL;
		for (size_t i = 0; i < ap_bundle_member_count(b); i++)
			if (strcmp(ap_bundle_member_at(b, i)->path, path) == 0)
				m = ap_bundle_member_at(b, i);
		ck_assert_ptr_nonnull(m);
		ck_assert_int_eq(strncmp(p, m->sha512, 128), 0);
		p = nl + 1;
	}
	ck_assert_uint_eq(lines, 4);
	/* The tag manifests list both payload manifests, not each other. */
	const char *tags =
	    ap_bundle_member_data(b, "tagmanifest-sha512.txt", &len);
	ck_assert_ptr_nonnull(strstr(tags, "  manifest-sha256.txt\n"));
	ck_assert_ptr_nonnull(strstr(tags, "  manifest-sha512.txt\n"));
	ck_assert_ptr_null(strstr(tags, "tagmanifest"));
	ck_assert_uint_eq(ap_bundle_check(b, d), 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);

	/* The score was computed from the bag's copy of the case. */
	const char *score =
	    ap_bundle_member_data(b, "data/score/score.json", &len);
	ck_assert_ptr_nonnull(strstr(
	    score, "\"file\":\"data/casefiles/cf-2016-003-vlh-mail.xml\""));
	const char *txt =
	    ap_bundle_member_data(b, "data/score/score.txt", &len);
	ck_assert_ptr_nonnull(strstr(txt, "== VLH-MAIL: Résidence du Mail"));

	ck_assert_uint_eq(ap_bundle_check(b, d), 0);
	ck_assert_uint_eq(
	    ap_bundle_rescore(b, reader, host, APPUI_TEST_CONFIG, d), 0);
	dump(d);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ap_bundle_free(b);
	ap_diags_free(d);
	free(out);
}
END_TEST

/* Every entry: the diagnostic's date, owner 0 without a name, plain modes,
 * folders before what they hold, names sorted. */
START_TEST(entries_are_normalised)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	ck_assert_int_eq(archive_read_open_filename(a, out, 65536), ARCHIVE_OK);
	struct archive_entry *e;
	char prev[512] = "";
	size_t n = 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		ck_assert_int_lt(strcmp(prev, p), 0);
		snprintf(prev, sizeof prev, "%s", p);
		ck_assert_int_eq(archive_entry_mtime(e), VLH_DATE);
		ck_assert_int_eq(archive_entry_uid(e), 0);
		ck_assert_int_eq(archive_entry_gid(e), 0);
		ck_assert(!archive_entry_uname(e) || !*archive_entry_uname(e));
		ck_assert(!archive_entry_gname(e) || !*archive_entry_gname(e));
		int dir_ = archive_entry_filetype(e) == AE_IFDIR;
		ck_assert_int_eq(archive_entry_perm(e), dir_ ? 0755 : 0644);
		ck_assert_int_eq(strncmp(p, VLH_BAG "/", strlen(VLH_BAG) + 1),
		                 0);
		n++;
	}
	ck_assert_uint_eq(n, 10 + 5); /* 10 files, the top and 4 folders */
	archive_read_free(a);
	/* The gzip header carries no time (bytes 4-7). */
	size_t len;
	char *raw = read_file(out, &len);
	ck_assert_int_eq(raw[4] | raw[5] | raw[6] | raw[7], 0);
	free(raw);
	free(out);
}
END_TEST

START_TEST(same_inputs_same_bytes_in_every_format)
{
	static const ap_bundle_format fs[] = {AP_BUNDLE_TAR_GZ,
	                                      AP_BUNDLE_TAR_ZST, AP_BUNDLE_ZIP};
	size_t xml_len;
	char *xml = read_file(VLH, &xml_len);
	char *sub = path_in("elsewhere");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	char *copy = path_in("elsewhere/cf-2016-003-vlh-mail.xml");
	write_file(copy, xml, xml_len);
	char *att = path_in("Compte rendu – réunion.txt");
	write_file(att, "réunion du 3 mai\n", strlen("réunion du 3 mai\n"));
	for (size_t i = 0; i < 3; i++) {
		char *a = path_in("one"), *b2 = path_in("two");
		ap_diags *d = ap_diags_new();
		const char *c1[] = {VLH}, *c2[] = {copy}, *atts[] = {att};
		ck_assert_int_eq(make(a, c1, 1, NULL, atts, 1, fs[i], d), 0);
		/* Other paths, other file times: the same bag. */
		struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
		ck_assert_int_eq(utimensat(AT_FDCWD, copy, ts, 0), 0);
		ck_assert_int_eq(utimensat(AT_FDCWD, att, ts, 0), 0);
		ck_assert_int_eq(make(b2, c2, 1, NULL, atts, 1, fs[i], d), 0);
		dump(d);
		size_t la, lb;
		char *ba = read_file(a, &la), *bb = read_file(b2, &lb);
		ck_assert_uint_eq(la, lb);
		ck_assert_int_eq(memcmp(ba, bb, la), 0);
		/* And it reads back as a valid bag. */
		ap_bundle *bun = NULL;
		ck_assert_int_eq(ap_bundle_open(&bun, a, NULL, d), 0);
		ck_assert_uint_eq(ap_bundle_check(bun, d), 0);
		ck_assert_ptr_nonnull(ap_bundle_member_data(
		    bun, "data/casefiles/cf-2016-003-vlh-mail.xml", NULL));
		ck_assert_str_eq(ap_bundle_kind(bun),
		                 ap_bundle_format_name(fs[i]));
		ck_assert_uint_eq(ap_diags_count(d), 0);
		ap_bundle_free(bun);
		free(ba);
		free(bb);
		free(a);
		free(b2);
		ap_diags_free(d);
	}
	free(xml);
	free(sub);
	free(copy);
	free(att);
}
END_TEST

/* A variant of the VLH-MAIL case: another id and a later diagnostic. */
static char *later_case(const char *name)
{
	size_t len;
	char *xml = read_file(VLH, &len);
	char *p = strstr(xml, "CF-2016-003");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "CF-2017-099", 11);
	p = strstr(xml, "date=\"2016-04-13\"");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "date=\"2017-02-01\"", 17);
	p = strstr(xml, "<request date=\"");
	ck_assert_ptr_nonnull(p);
	memcpy(p + 15, "2017-03-01", 10);
	char *path = path_in(name);
	write_file(path, xml, len);
	free(xml);
	return path;
}

START_TEST(several_cases_of_one_site)
{
	char *later = later_case("later.xml");
	char *out = path_in("b.zip");
	const char *cases[] = {later, VLH};
	ap_diags *d = ap_diags_new();
	int rc = make(out, cases, 2, NULL, NULL, 0, AP_BUNDLE_ZIP, d);
	dump(d);
	ck_assert_int_eq(rc, 0);
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	/* The latest diagnostic names and dates the bag. */
	ck_assert_str_eq(ap_bundle_name(b), "VLH-MAIL_CF-2017-099");
	ck_assert_str_eq(ap_bundle_info(b, "Bagging-Date"), "2017-02-01");
	ck_assert_str_eq(ap_bundle_info(b, "External-Identifier"),
	                 "CF-2017-099");
	size_t ids = 0;
	for (size_t i = 0; i < ap_bundle_info_count(b); i++) {
		const char *l, *v;
		ap_bundle_info_at(b, i, &l, &v);
		ids += strcmp(l, "External-Identifier") == 0;
	}
	ck_assert_uint_eq(ids, 2);
	size_t len;
	const char *score =
	    ap_bundle_member_data(b, "data/score/score.json", &len);
	ck_assert_ptr_nonnull(strstr(score, "\"case_id\":\"CF-2016-003\""));
	ck_assert_ptr_nonnull(strstr(score, "\"case_id\":\"CF-2017-099\""));
	ck_assert_uint_eq(ap_bundle_check(b, d), 0);
	ck_assert_uint_eq(
	    ap_bundle_rescore(b, reader, host, APPUI_TEST_CONFIG, d), 0);
	ap_bundle_free(b);
	ap_diags_free(d);
	free(out);
	free(later);
}
END_TEST

START_TEST(wrong_inputs_write_nothing)
{
	char *out = path_in("b.tar.gz");
	ap_diags *d = ap_diags_new();
	/* Two sites. */
	const char *two[] = {VLH, APPUI_TEST_EXAMPLES
	                     "/cf-2016-002-ssdh-cedres.xml"};
	ck_assert_int_eq(make(out, two, 2, NULL, NULL, 0, AP_BUNDLE_TAR_GZ, d),
	                 -1);
	ck_assert(has_diag(d, "site/@id", "a bundle holds one site"));
	/* An invalid case file: its problems under the path given. */
	char *bad = path_in("bad.xml");
	write_file(bad, "<casefile/>", 11);
	const char *one[] = {bad};
	ap_diags_clear(d);
	ck_assert_int_eq(make(out, one, 1, NULL, NULL, 0, AP_BUNDLE_TAR_GZ, d),
	                 -1);
	ck_assert_uint_gt(ap_diags_errors(d), 0);
	ck_assert_str_eq(ap_diags_at(d, 0)->file, bad);
	/* Attachments: missing, a folder, a name manifests would escape, a
	 * name given twice. */
	char *pct = path_in("100%.pdf");
	write_file(pct, "x", 1);
	char *sub = path_in("sub");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	char *dup = path_in("sub/100%.pdf");
	char *ok1 = path_in("a.pdf"), *ok2 = path_in("sub/a.pdf");
	write_file(ok1, "1", 1);
	write_file(ok2, "2", 1);
	const char *vlh[] = {VLH};
	const char *atts[] = {"/nonexistent/x.pdf", sub, pct, ok1, ok2};
	ap_diags_clear(d);
	ck_assert_int_eq(make(out, vlh, 1, NULL, atts, 5, AP_BUNDLE_TAR_GZ, d),
	                 -1);
	ck_assert(has_diag(d, NULL, "cannot open"));
	ck_assert(has_diag(d, NULL, "not a regular file"));
	ck_assert(has_diag(d, NULL, "'%' or '\\'"));
	ck_assert(has_diag(d, NULL, "another attachment is also named a.pdf"));
	/* No case file at all. */
	ap_diags_clear(d);
	ck_assert_int_eq(make(out, NULL, 0, NULL, NULL, 0, AP_BUNDLE_TAR_GZ, d),
	                 -1);
	ck_assert_int_eq(access(out, F_OK), -1);
	/* Only the inputs are left: bad.xml, 100%.pdf, a.pdf, sub/. */
	ck_assert_int_eq(entries_in(dir), 4);
	ap_diags_free(d);
	free(out);
	free(bad);
	free(pct);
	free(sub);
	free(dup);
	free(ok1);
	free(ok2);
}
END_TEST

/* appui would take its own bundle for a bomb: refused when it is made. */
START_TEST(too_compressible_is_refused)
{
	char *zeros = path_in("zeros.log");
	char *data = calloc(3u << 20, 1);
	write_file(zeros, data, 3u << 20);
	free(data);
	char *out = path_in("b.tar.gz");
	const char *cases[] = {VLH}, *atts[] = {zeros};
	ap_diags *d = ap_diags_new();
	ck_assert_int_eq(
	    make(out, cases, 1, NULL, atts, 1, AP_BUNDLE_TAR_GZ, d), -1);
	ck_assert(has_diag(d, NULL, "compress more than 100:1"));
	ck_assert_int_eq(entries_in(dir), 1);
	ap_diags_free(d);
	free(out);
	free(zeros);
}
END_TEST

/* ---- the plan entry -------------------------------------------------------
 */

static const char plan_json[] =
    "{\"campaign\":{\"id\":\"C-1\",\"name\":\"Campagne\"},"
    "\"missions\":[{\"mission\":\"M-007\",\"case_id\":\"CF-OTHER\","
    "\"site_id\":\"X\",\"days\":3},"
    "{\"mission\":\"M-009\",\"case_id\":\"CF-2016-003\",\"site_id\":"
    "\"VLH-MAIL\",\"days\":4,\"firm\":\"F1\",\"firm_name\":\"Cabinet\","
    "\"priority\":79.9,\"dates\":[\"2016-06-20\",\"2016-06-21\","
    "\"2016-06-22\",\"2016-06-23\"]}],"
    "\"unplanned\":[{\"case_id\":\"CF-2016-002\",\"site_id\":"
    "\"SSDH-CEDRES\",\"reason\":\"budget exhausted\"}]}";

START_TEST(plan_entry_planned_and_unplanned)
{
	char *plan = path_in("plan.json");
	write_file(plan, plan_json, strlen(plan_json));
	char *out = path_in("b.tar.gz");
	ap_diags *d = ap_diags_new();
	const char *vlh[] = {VLH};
	ck_assert_int_eq(make(out, vlh, 1, plan, NULL, 0, AP_BUNDLE_TAR_GZ, d),
	                 0);
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	size_t len;
	const char *m =
	    ap_bundle_member_data(b, "data/plan/mission.json", &len);
	ck_assert_ptr_nonnull(m);
	json_error_t err;
	json_t *doc = json_loadb(m, len, 0, &err);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")),
	                 "planned");
	json_t *mission = json_object_get(doc, "mission");
	ck_assert_str_eq(json_string_value(json_object_get(mission, "mission")),
	                 "M-009");
	ck_assert_ptr_nonnull(strstr(m, "\"priority\": 79.9,"));
	json_decref(doc);
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Mission-Id"), "M-009");
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Mission-Days"), "4");
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Mission-Firm"),
	                 "F1 (Cabinet)");
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Mission-Dates"),
	                 "2016-06-20 2016-06-21 2016-06-22 2016-06-23");
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Campaign"), "C-1 (Campagne)");
	ap_bundle_free(b);

	/* An unplanned site: its entry and the reason. */
	const char *ssdh[] = {APPUI_TEST_EXAMPLES
	                      "/cf-2016-002-ssdh-cedres.xml"};
	ck_assert_int_eq(make(out, ssdh, 1, plan, NULL, 0, AP_BUNDLE_TAR_GZ, d),
	                 0);
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	m = ap_bundle_member_data(b, "data/plan/mission.json", &len);
	ck_assert_ptr_nonnull(strstr(m, "\"status\": \"unplanned\""));
	ck_assert_ptr_nonnull(strstr(m, "\"reason\": \"budget exhausted\""));
	ck_assert_str_eq(ap_bundle_info(b, "Appui-Mission-Status"),
	                 "unplanned: budget exhausted");
	ap_bundle_free(b);

	/* A site the plan does not know, and a file that is not a plan. */
	const char *other[] = {APPUI_TEST_EXAMPLES
	                       "/cf-2016-001-lmh-alouettes.xml"};
	char *other_out = path_in("other.tar.gz");
	ck_assert_int_eq(
	    make(other_out, other, 1, plan, NULL, 0, AP_BUNDLE_TAR_GZ, d), -1);
	ck_assert(has_diag(d, NULL, "no mission and no unplanned entry"));
	write_file(plan, "{\"cases\":[]}", 12);
	ck_assert_int_eq(
	    make(other_out, other, 1, plan, NULL, 0, AP_BUNDLE_TAR_GZ, d), -1);
	ck_assert(has_diag(d, NULL, "not a plan"));
	ck_assert_int_eq(access(other_out, F_OK), -1);
	ap_diags_free(d);
	free(plan);
	free(out);
	free(other_out);
}
END_TEST

/* ---- atomic writing -------------------------------------------------------
 */

static size_t budget; /* bytes the "disk" still takes */

static ssize_t full_disk(int fd, const void *buf, size_t n)
{
	if (budget == 0) {
		errno = ENOSPC;
		return -1;
	}
	size_t k = n < budget ? n : budget;
	budget -= k;
	return write(fd, buf, k);
}

START_TEST(full_disk_leaves_the_old_bundle)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	size_t old_len;
	char *old = read_file(out, &old_len);
	int before = entries_in(dir);
	static const size_t budgets[] = {0, 100, 4000, 20000};
	for (size_t i = 0; i < 4; i++) {
		budget = budgets[i];
		ap_bundle_test_write = full_disk;
		ap_diags *d = ap_diags_new();
		const char *cases[] = {VLH};
		/* Big enough that the last budget runs out in the payload. */
		char *big = path_in("big.bin");
		char *data = malloc(200000);
		uint32_t x = 2463534242u; /* xorshift: incompressible */
		for (size_t k = 0; k < 200000; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			data[k] = (char)(x >> 24);
		}
		write_file(big, data, 200000);
		free(data);
		const char *atts[] = {big};
		ck_assert_int_eq(
		    make(out, cases, 1, NULL, atts, 1, AP_BUNDLE_TAR_GZ, d),
		    -2);
		ap_bundle_test_write = write;
		ck_assert(has_diag(d, NULL, "No space left on device"));
		ck_assert(has_diag(d, NULL, "nothing was written"));
		/* The old bundle is untouched, no temporary file is left. */
		size_t now_len;
		char *now = read_file(out, &now_len);
		ck_assert_uint_eq(now_len, old_len);
		ck_assert_int_eq(memcmp(now, old, old_len), 0);
		unlink(big);
		ck_assert_int_eq(entries_in(dir), before);
		free(now);
		free(big);
		ap_diags_free(d);
	}
	free(old);
	free(out);
}
END_TEST

START_TEST(unwritable_target)
{
	ap_diags *d = ap_diags_new();
	const char *cases[] = {VLH};
	ck_assert_int_eq(make("/nonexistent/folder/b.tar.gz", cases, 1, NULL,
	                      NULL, 0, AP_BUNDLE_TAR_GZ, d),
	                 -2);
	ck_assert(has_diag(d, NULL, "cannot create the bundle"));
	ap_diags_clear(d);
	/* A folder in the way. */
	ck_assert_int_eq(
	    make(dir, cases, 1, NULL, NULL, 0, AP_BUNDLE_TAR_GZ, d), -2);
	ck_assert(has_diag(d, NULL, "not a regular file"));
	ck_assert_int_eq(entries_in(dir), 0);
	ap_diags_free(d);
}
END_TEST

/* ---- verify -----------------------------------------------------------------
 */

START_TEST(check_finds_modified_missing_extra)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	char *bad = path_in("bad.tar.gz");
	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;

	rewrite(out, bad, "edit", "data/attachments/rapport.pdf", "forged");
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "data/attachments/rapport.pdf", "modified:"));
	ap_bundle_free(b);

	ap_diags_clear(d);
	rewrite(out, bad, "drop", "data/score/score.txt", NULL);
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "data/score/score.txt", "missing:"));
	ck_assert(has_diag(d, "bag-info.txt", "Payload-Oxum says"));
	ap_bundle_free(b);

	ap_diags_clear(d);
	rewrite(out, bad, "add", "data/score/score.txt", "smuggled");
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "data/extra.txt", "extra: not listed"));
	ap_bundle_free(b);

	/* A tag file: bag-info.txt changed, the tag manifest says so. */
	ap_diags_clear(d);
	rewrite(out, bad, "edit", "bagit.txt", "BagIt-Version: 0.97\n");
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "bagit.txt", "not 'BagIt-Version: M.N'"));
	ck_assert(has_diag(d, "bagit.txt", "modified:"));
	ap_bundle_free(b);

	/* A manifest line that is not one. */
	ap_diags_clear(d);
	rewrite(out, bad, "edit", "manifest-sha256.txt", "garbage\n");
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "manifest-sha256.txt", "line 1: not"));
	ap_bundle_free(b);
	ap_diags_free(d);
	free(out);
	free(bad);
}
END_TEST

/* A bag of SHA-256 alone (as appui made them before SHA-512) is valid and
 * no warning; manifests that disagree fail, naming the file and the
 * algorithm; a manifest path outside the bag is an error. */
START_TEST(every_manifest_is_checked)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	char *mid = path_in("mid.tar.gz");
	char *bad = path_in("bad.tar.gz");
	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;

	rewrite(out, mid, "drop", "manifest-sha512.txt", NULL);
	rewrite(mid, bad, "drop", "tagmanifest-sha512.txt", NULL);
	/* tagmanifest-sha256.txt lists the manifest dropped: rebuild it. */
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	char tags[1024];
	int at = 0;
	static const char *const tagged[] = {"bag-info.txt", "bagit.txt",
	                                     "manifest-sha256.txt"};
	for (size_t t = 0; t < 3; t++)
		for (size_t i = 0; i < ap_bundle_member_count(b); i++) {
			const ap_bundle_member *m = ap_bundle_member_at(b, i);
			if (strcmp(m->path, tagged[t]) == 0)
				at += snprintf(tags + at,
				               sizeof tags - (size_t)at,
				               "%s  %s\n", m->sha256, m->path);
		}
	ap_bundle_free(b);
	rewrite(bad, mid, "edit", "tagmanifest-sha256.txt", tags);
	ck_assert_int_eq(ap_bundle_open(&b, mid, NULL, d), 0);
	ck_assert_str_eq(ap_bundle_manifest_algorithms(b), "sha256");
	ck_assert_uint_eq(ap_bundle_check(b, d), 0);
	dump(d);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ap_bundle_free(b);

	/* SHA-512 alone is a bag too. */
	rewrite(out, mid, "drop", "manifest-sha256.txt", NULL);
	rewrite(mid, bad, "drop", "tagmanifest-sha256.txt", NULL);
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_str_eq(ap_bundle_manifest_algorithms(b), "sha512");
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	/* ... but tagmanifest-sha512.txt lists the dropped manifest. */
	ck_assert(has_diag(d, "manifest-sha256.txt",
	                   "missing: listed in tagmanifest-sha512.txt"));
	ck_assert_uint_eq(ap_diags_errors(d), 1);
	ap_bundle_free(b);

	/* The SHA-512 manifest says another thing than the SHA-256 one. */
	ap_diags_clear(d);
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	size_t len;
	char *man =
	    strdup(ap_bundle_member_data(b, "manifest-sha512.txt", &len));
	ap_bundle_free(b);
	char *line = strstr(man, "  data/score/score.txt");
	ck_assert_ptr_nonnull(line);
	line[-1] = line[-1] == '0' ? '1' : '0';
	rewrite(out, bad, "edit", "manifest-sha512.txt", man);
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(
	    has_diag(d, "data/score/score.txt", "modified: its SHA-512 is"));
	ck_assert(
	    has_diag(d, "data/score/score.txt", "manifest-sha512.txt says"));
	ck_assert(!has_diag(d, "data/score/score.txt", "SHA-256"));
	ck_assert(has_diag(d, "manifest-sha512.txt", "modified: its SHA-256"));
	ap_bundle_free(b);

	/* A path that climbs out, and an absolute one. */
	ap_diags_clear(d);
	static const char zeros[] = "00000000000000000000000000000000"
	                            "00000000000000000000000000000000";
	char edited[4096];
	snprintf(edited, sizeof edited, "%s  ../../etc/passwd\n%s  /etc/x\n",
	         zeros, zeros);
	rewrite(out, bad, "edit", "manifest-sha256.txt", edited);
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "manifest-sha256.txt",
	                   "../../etc/passwd contains '..': a path outside"));
	ck_assert(has_diag(d, "manifest-sha256.txt",
	                   "/etc/x is an absolute path: a path outside"));
	ap_bundle_free(b);
	ap_diags_free(d);
	free(man);
	free(out);
	free(mid);
	free(bad);
}
END_TEST

START_TEST(rescore_names_theme_and_plugin_version)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	size_t len;
	char *score =
	    strdup(ap_bundle_member_data(b, "data/score/score.json", &len));
	size_t info_len;
	char *info =
	    strdup(ap_bundle_member_data(b, "bag-info.txt", &info_len));
	ap_bundle_free(b);
	/* As if the bundle had been scored by quality 0.9.0, with another
	 * need. */
	char *q = strstr(score, "\"plugin\":\"quality\",\"plugin_version\":"
	                        "\"1.0.0\",\"need\":");
	ck_assert_ptr_nonnull(q);
	q = strstr(q, "1.0.0");
	memcpy(q, "0.9.0", 5);
	q = strstr(q, "\"need\":") + 7;
	ck_assert_int_eq(q[0], '4');
	q[0] = '3';
	char *p = strstr(info, "quality 1.0.0");
	memcpy(p, "quality 0.9.0", 13);
	char *mid = path_in("mid.tar.gz"), *bad = path_in("bad.tar.gz");
	rewrite(out, mid, "edit", "data/score/score.json", score);
	rewrite(mid, bad, "edit", "bag-info.txt", info);
	ck_assert_int_eq(ap_bundle_open(&b, bad, NULL, d), 0);
	ck_assert_uint_gt(
	    ap_bundle_rescore(b, reader, host, APPUI_TEST_CONFIG, d), 0);
	ck_assert(has_diag(d, "data/score/score.json",
	                   "case CF-2016-003: theme quality changed: need 3"));
	ck_assert(has_diag(d, "data/score/score.json",
	                   "(plugin quality 0.9.0 in the bundle, quality "
	                   "1.0.0 now)"));
	ck_assert(has_diag(d, "bag-info.txt",
	                   "plugin quality: 0.9.0 in the bundle, 1.0.0 "
	                   "loaded now"));
	/* The urban theme did not change: not named. */
	ck_assert(!has_diag(d, NULL, "theme urban"));
	ap_bundle_free(b);

	/* Another configuration is said. */
	ap_diags_clear(d);
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	ck_assert_uint_eq(ap_bundle_rescore(b, reader, host, NULL, d), 0);
	ck_assert(has_diag(d, "bag-info.txt", "the configuration differs"));
	ap_bundle_free(b);
	ap_diags_free(d);
	free(score);
	free(info);
	free(mid);
	free(bad);
	free(out);
}
END_TEST

START_TEST(show_describes_the_bag)
{
	char *out = make_vlh("b.zip", AP_BUNDLE_ZIP);
	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ap_bundle_show(f, b);
	fclose(f);
	static const char *const want[] = {
	    "bag:          " VLH_BAG "/ (BagIt 1.0, bagged 2016-04-13",
	    "site:         VLH-MAIL: Résidence du Mail (Blois)",
	    "mission:      no plan given",
	    "CF-2016-003  quality",
	    "plugins:      quality 1.0.0, security 1.0.0, urban 1.0.0",
	    "data/attachments/rapport.pdf",
	    "(zip,"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		ck_assert_msg(strstr(text, want[i]), "'%s' not in:\n%s",
		              want[i], text);
	free(text);
	ap_bundle_free(b);
	ap_diags_free(d);
	free(out);
}
END_TEST

/* ---- extraction -------------------------------------------------------------
 */

START_TEST(extract_a_bundle)
{
	char *out = make_vlh("b.tar.zst", AP_BUNDLE_TAR_ZST);
	char *target = path_in("target");
	ap_diags *d = ap_diags_new();
	char *where = NULL;
	ck_assert_int_eq(ap_bundle_extract(out, target, NULL, &where, d), 0);
	dump(d);
	char *expect = path_in("target/" VLH_BAG);
	ck_assert_str_eq(where, expect);
	char *pdf = path_in("target/" VLH_BAG "/data/attachments/rapport.pdf");
	size_t len;
	char *data = read_file(pdf, &len);
	ck_assert_str_eq(data, "%PDF-1.4 rapport\n");
	struct stat st;
	ck_assert_int_eq(stat(pdf, &st), 0);
	ck_assert_int_eq(st.st_mtime, VLH_DATE);
	ck_assert_int_eq(st.st_mode & 0022, 0);
	/* Only the bag is there: the temporary folder is gone. */
	ck_assert_int_eq(entries_in(target), 1);
	/* Never over an existing bag. */
	ck_assert_int_eq(ap_bundle_extract(out, target, NULL, NULL, d), -2);
	ck_assert(has_diag(d, NULL, "already exists: not overwritten"));
	ck_assert_int_eq(entries_in(target), 1);
	free(data);
	free(pdf);
	free(expect);
	free(where);
	free(target);
	free(out);
	ap_diags_free(d);
}
END_TEST

/* An extracted bag is read as its archive is: the same members, hashes
 * and verdict; a hostile folder is reported, and nothing outside it is
 * read or waited for. */
START_TEST(folder_is_read_as_its_archive)
{
	char *out = make_vlh("b.zip", AP_BUNDLE_ZIP);
	char *target = path_in("target");
	ap_diags *d = ap_diags_new();
	char *bag = NULL;
	ck_assert_int_eq(ap_bundle_extract(out, target, NULL, &bag, d), 0);
	ap_bundle *a = NULL, *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&a, out, NULL, d), 0);
	ck_assert_int_eq(ap_bundle_open(&b, bag, NULL, d), 0);
	ck_assert_str_eq(ap_bundle_kind(b), "folder");
	ck_assert_str_eq(ap_bundle_name(b), VLH_BAG);
	ck_assert_uint_eq(ap_bundle_member_count(b), ap_bundle_member_count(a));
	for (size_t i = 0; i < ap_bundle_member_count(a); i++) {
		const ap_bundle_member *x = ap_bundle_member_at(a, i);
		const ap_bundle_member *y = ap_bundle_member_at(b, i);
		ck_assert_str_eq(x->path, y->path);
		ck_assert_str_eq(x->sha512, y->sha512);
		ck_assert_uint_eq(x->size, y->size);
	}
	ck_assert_uint_eq(ap_bundle_check(b, d), 0);
	ck_assert_uint_eq(ap_bundle_rescore(b, reader, host, NULL, d), 0);
	dump(d);
	ck_assert_uint_eq(ap_diags_errors(d), 0);
	ap_bundle_free(a);
	ap_bundle_free(b);

	/* A secret outside the bag, linked from inside in place of a
	 * payload file; a FIFO; a file no manifest lists. */
	char *secret = path_in("secret");
	write_file(secret, "%PDF-1.4 rapport\n", 17);
	char *pdf = joined(bag, "/data/attachments/rapport.pdf");
	ck_assert_int_eq(unlink(pdf), 0);
	ck_assert_int_eq(symlink(secret, pdf), 0);
	char *fifo = joined(bag, "/data/fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	char *extra = joined(bag, "/data/attachments/extra.txt");
	write_file(extra, "smuggled\n", 9);
	ck_assert_int_eq(ap_bundle_open(&b, bag, NULL, d), 0);
	ck_assert(
	    has_diag(d, "data/attachments/rapport.pdf", "is a symbolic link"));
	ck_assert(has_diag(d, "data/fifo", "is a FIFO"));
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "data/attachments/rapport.pdf",
	                   "missing: listed in manifest-sha256.txt"));
	ck_assert(has_diag(d, "data/attachments/extra.txt",
	                   "extra: not listed in manifest-sha512.txt"));
	ap_bundle_free(b);

	/* The limits: one member's size, the number of entries, the depth. */
	ap_diags_clear(d);
	ap_bundle_limits small = {.max_member_bytes = 1000};
	ck_assert_int_eq(ap_bundle_open(&b, bag, &small, d), -1);
	ck_assert_ptr_null(b);
	ck_assert(has_diag(d, NULL, "over the limit of 1000 bytes"));
	ap_diags_clear(d);
	ap_bundle_limits few = {.max_members = 5};
	ck_assert_int_eq(ap_bundle_open(&b, bag, &few, d), -1);
	ck_assert(has_diag(d, NULL, "more than 5 members: refused"));
	ap_diags_clear(d);
	char deep[4096];
	int at = snprintf(deep, sizeof deep, "%s/data", bag);
	for (int i = 0; i < 70; i++) {
		at += snprintf(deep + at, sizeof deep - (size_t)at, "/d");
		ck_assert_int_eq(mkdir(deep, 0755), 0);
	}
	ck_assert_int_eq(ap_bundle_open(&b, bag, NULL, d), -1);
	ck_assert(has_diag(d, NULL, "folders nested more than 64 deep"));
	ap_diags_free(d);
	free(extra);
	free(fifo);
	free(pdf);
	free(secret);
	free(bag);
	free(target);
	free(out);
}
END_TEST

/* What appui writes, appui reads: a bag of more entries than reading takes
 * is refused, nothing written; a decomposed (NFD) name is stored composed
 * (NFC) in the archive and the manifest alike, so the bag verifies. */
START_TEST(written_as_read)
{
	size_t n = AP_BUNDLE_MAX_MEMBERS;
	char **atts = calloc(n, sizeof(*atts));
	ck_assert_ptr_nonnull(atts);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "a%05zu.txt", i);
		atts[i] = path_in(name);
		write_file(atts[i], "x", 1);
	}
	char *out = path_in("big.tar.gz");
	const char *cases[] = {VLH};
	ap_diags *d = ap_diags_new();
	ck_assert_int_ne(make(out, cases, 1, NULL, (const char *const *)atts, n,
	                      AP_BUNDLE_TAR_GZ, d),
	                 0);
	ck_assert(has_diag(d, NULL, "more than the 10000 that 'appui verify'"));
	ck_assert_int_ne(access(out, F_OK), 0);
	for (size_t i = 0; i < n; i++) {
		unlink(atts[i]);
		free(atts[i]);
	}
	free(atts);
	/* "Résumé.txt" decomposed: e + U+0301. */
	char *nfd = path_in("Re\xcc\x81sume\xcc\x81.txt");
	write_file(nfd, "hi\n", 3);
	const char *one[] = {nfd};
	ap_diags_clear(d);
	ck_assert_int_eq(make(out, cases, 1, NULL, one, 1, AP_BUNDLE_TAR_GZ, d),
	                 0);
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, out, NULL, d), 0);
	ck_assert_uint_eq(ap_bundle_check(b, d), 0);
	ck_assert_ptr_nonnull(ap_bundle_manifest_hash(
	    b, "data/attachments/R\xc3\xa9sum\xc3\xa9.txt"));
	ap_bundle_free(b);
	free(nfd);
	free(out);
	ap_diags_free(d);
}
END_TEST

/* A cancel (from a signal handler) stops a bundle being written and an
 * extraction: AP_EINTERRUPTED, nothing written, no temporary left. */
START_TEST(cancel_leaves_nothing)
{
	char *out = make_vlh("b.tar.gz", AP_BUNDLE_TAR_GZ);
	char *target = path_in("target");
	ck_assert_int_eq(mkdir(target, 0755), 0);
	ap_diags *d = ap_diags_new();
	ap_cancel();
	ck_assert(ap_cancelled());
	ck_assert_int_eq(ap_bundle_extract(out, target, NULL, NULL, d),
	                 AP_EINTERRUPTED);
	ck_assert(has_diag(d, NULL, "interrupted: nothing extracted"));
	ck_assert_int_eq(entries_in(target), 0);
	/* The bundle written again, over the first: it stays as it was. */
	size_t len0, len1;
	char *before = read_file(out, &len0);
	char *att = path_in("rapport.pdf");
	const char *cases[] = {VLH};
	const char *atts[] = {att};
	ck_assert_int_eq(make(out, cases, 1, NULL, atts, 1, AP_BUNDLE_ZIP, d),
	                 AP_EINTERRUPTED);
	ck_assert(has_diag(d, NULL, "interrupted: nothing written"));
	char *after = read_file(out, &len1);
	ck_assert_uint_eq(len0, len1);
	ck_assert_mem_eq(before, after, len0);
	/* The bundle, its attachment and the target folder: no temporary. */
	ck_assert_int_eq(entries_in(dir), 3);
	ap_cancel_clear();
	ck_assert_int_eq(ap_bundle_extract(out, target, NULL, NULL, d), 0);
	ck_assert_int_eq(entries_in(target), 1);
	free(before);
	free(after);
	free(att);
	free(target);
	free(out);
	ap_diags_free(d);
}
END_TEST

/* Extracts `archive` into a fresh folder: refused, nothing left, nothing
 * outside. */
static void refused(const char *archive, const ap_bundle_limits *lim,
                    const char *why)
{
	char *target = path_in("target");
	ap_diags *d = ap_diags_new();
	char *where = NULL;
	int rc = ap_bundle_extract(archive, target, lim, &where, d);
	if (rc != -1 || !has_diag(d, NULL, why))
		dump(d);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(where);
	ck_assert_msg(has_diag(d, NULL, why), "expected '%s'", why);
	/* The folder it created is gone again. */
	ck_assert_int_eq(access(target, F_OK), -1);
	/* An existing folder is left empty. */
	ck_assert_int_eq(mkdir(target, 0755), 0);
	ap_diags_clear(d);
	ck_assert_int_eq(ap_bundle_extract(archive, target, lim, NULL, d), -1);
	ck_assert_int_eq(entries_in(target), 0);
	ck_assert_int_eq(rmdir(target), 0);
	ap_diags_free(d);
	free(target);
}

START_TEST(extract_refuses_hostile_archives)
{
	char evil[128], evil_abs[160];
	snprintf(evil, sizeof evil, "%s/evil", dir);
	snprintf(evil_abs, sizeof evil_abs, "%s/evil-abs", dir);
	char *a = path_in("a.tgz"), *z = path_in("a.zip");

	/* Zip slip, in both formats. */
	tentry slip[] = {{"BAG/", AE_IFDIR, NULL, 0, NULL},
	                 {"BAG/ok.txt", AE_IFREG, "fine", 0, NULL},
	                 {"BAG/../../evil", AE_IFREG, "pwned", 0, NULL}};
	build(a, 0, slip, 3);
	refused(a, NULL, "contains '..'");
	build(z, 1, slip, 3);
	refused(z, NULL, "contains '..'");
	tentry slip2[] = {{"../evil", AE_IFREG, "pwned", 0, NULL}};
	build(a, 0, slip2, 1);
	refused(a, NULL, "contains '..'");

	/* An absolute path. */
	tentry abs[] = {{"BAG/ok.txt", AE_IFREG, "fine", 0, NULL},
	                {evil_abs, AE_IFREG, "pwned", 0, NULL}};
	build(a, 0, abs, 2);
	refused(a, NULL, "is an absolute path");
	ck_assert_int_eq(access(evil_abs, F_OK), -1);

	/* A symbolic link out, then a file through it. */
	tentry sym[] = {{"BAG/", AE_IFDIR, NULL, 0, NULL},
	                {"BAG/out", AE_IFLNK, NULL, 0, dir},
	                {"BAG/out/evil", AE_IFREG, "pwned", 0, NULL}};
	build(a, 0, sym, 3);
	refused(a, NULL, "is a symbolic link");

	/* A hard link to a file outside. */
	tentry hard[] = {{"BAG/ok.txt", AE_IFREG, "fine", 0, NULL},
	                 {"BAG/h", AE_IFREG, NULL, 0, "/etc/passwd"}};
	build(a, 0, hard, 2);
	refused(a, NULL, "is a hard link");

	/* A device and a FIFO. */
	tentry dev[] = {{"BAG/null", AE_IFCHR, NULL, 0, NULL}};
	build(a, 0, dev, 1);
	refused(a, NULL, "is a device");
	tentry fifo[] = {{"BAG/fifo", AE_IFIFO, NULL, 0, NULL}};
	build(a, 0, fifo, 1);
	refused(a, NULL, "is a FIFO");

	/* Members outside the top folder. */
	tentry two[] = {{"BAG/a", AE_IFREG, "a", 0, NULL},
	                {"OTHER/b", AE_IFREG, "b", 0, NULL}};
	build(a, 0, two, 2);
	refused(a, NULL, "outside the bag's top folder");

	/* A member twice; a file and a folder of one name, in both orders
	 * (also a folder only implied by the member in it). */
	tentry twice[] = {{"BAG/data/x.txt", AE_IFREG, "one", 0, NULL},
	                  {"BAG/data/x.txt", AE_IFREG, "two", 0, NULL}};
	build(a, 0, twice, 2);
	refused(a, NULL, "appears twice in the archive");
	build(z, 1, twice, 2);
	refused(z, NULL, "appears twice in the archive");
	tentry dir2[] = {{"BAG/data/", AE_IFDIR, NULL, 0, NULL},
	                 {"BAG/data/", AE_IFDIR, NULL, 0, NULL}};
	build(a, 0, dir2, 2);
	refused(a, NULL, "appears twice in the archive");
	tentry file_dir[] = {{"BAG/a", AE_IFREG, "a", 0, NULL},
	                     {"BAG/a/", AE_IFDIR, NULL, 0, NULL}};
	build(a, 0, file_dir, 2);
	refused(a, NULL, "is both a file and a folder");
	tentry file_in[] = {{"BAG/a", AE_IFREG, "a", 0, NULL},
	                    {"BAG/a/b", AE_IFREG, "b", 0, NULL}};
	build(a, 0, file_in, 2);
	refused(a, NULL, "is both a file and a folder");
	tentry dir_file[] = {{"BAG/a/", AE_IFDIR, NULL, 0, NULL},
	                     {"BAG/a", AE_IFREG, "a", 0, NULL}};
	build(a, 0, dir_file, 2);
	refused(a, NULL, "is both a file and a folder");
	tentry in_file[] = {{"BAG/a/b/c", AE_IFREG, "c", 0, NULL},
	                    {"BAG/a/b", AE_IFREG, "b", 0, NULL}};
	build(a, 0, in_file, 2);
	refused(a, NULL, "is both a file and a folder");
	/* A folder after the files in it, and names that share a prefix,
	 * are fine. */
	tentry fine[] = {{"BAG/a/b", AE_IFREG, "b", 0, NULL},
	                 {"BAG/a/", AE_IFDIR, NULL, 0, NULL},
	                 {"BAG/ab", AE_IFREG, "ab", 0, NULL},
	                 {"BAG/a.b", AE_IFREG, "a.b", 0, NULL},
	                 {"BAG/a/bc", AE_IFREG, "bc", 0, NULL}};
	build(a, 0, fine, 5);
	char *target = path_in("target");
	ap_diags *d = ap_diags_new();
	char *where = NULL;
	ck_assert_int_eq(ap_bundle_extract(a, target, NULL, &where, d), 0);
	ck_assert_uint_eq(ap_diags_count(d), 0);
	ck_assert_int_eq(entries_in(where), 3); /* a/ ab a.b */
	ap_diags_free(d);
	nftw(target, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(where);
	free(target);

	/* A bomb: 64 MiB of zeros, a few dozen KiB compressed. */
	tentry bomb[] = {{"BAG/zeros", AE_IFREG, NULL, 64u << 20, NULL}};
	build(a, 0, bomb, 1);
	refused(a, NULL, "expands to more than 100 times its size");

	/* The size and count limits (small, for the test). */
	ap_bundle_limits small = {.max_member_bytes = 1000, .max_members = 3};
	tentry big[] = {{"BAG/big", AE_IFREG, NULL, 1001, NULL}};
	build(a, 0, big, 1);
	refused(a, &small, "over the size limit");
	tentry many[] = {{"BAG/", AE_IFDIR, NULL, 0, NULL},
	                 {"BAG/1", AE_IFREG, "1", 0, NULL},
	                 {"BAG/2", AE_IFREG, "2", 0, NULL},
	                 {"BAG/3", AE_IFREG, "3", 0, NULL}};
	build(a, 0, many, 4);
	refused(a, &small, "more than 3 members");

	/* Truncated, and not an archive. */
	char *good = make_vlh("good.tar.gz", AP_BUNDLE_TAR_GZ);
	struct stat st;
	ck_assert_int_eq(stat(good, &st), 0);
	ck_assert_int_eq(truncate(good, st.st_size / 2), 0);
	refused(good, NULL, "truncated");
	write_file(a, "not an archive at all\n", 22);
	refused(a, NULL, "cannot read as a bundle");

	/* Nothing reached outside: the test folder holds the archives. */
	ck_assert_int_eq(access(evil, F_OK), -1);
	ck_assert_int_eq(entries_in(dir), 4); /* a.tgz a.zip good rapport */
	free(good);
	free(a);
	free(z);
}
END_TEST

/* verify reads hostile archives to the end and reports each bad member;
 * only the limits stop it. */
START_TEST(open_reports_bad_members)
{
	char *a = path_in("a.tgz");
	tentry sym[] = {{"BAG/bagit.txt", AE_IFREG, "x", 0, NULL},
	                {"BAG/link", AE_IFLNK, NULL, 0, "/etc"},
	                {"BAG/../x", AE_IFREG, "x", 0, NULL}};
	build(a, 0, sym, 3);
	ap_diags *d = ap_diags_new();
	ap_bundle *b = NULL;
	ck_assert_int_eq(ap_bundle_open(&b, a, NULL, d), 0);
	ck_assert(has_diag(d, "BAG/link", "is a symbolic link"));
	ck_assert(has_diag(d, "BAG/../x", "contains '..'"));
	ck_assert_uint_eq(ap_bundle_member_count(b), 1);
	ck_assert_uint_gt(ap_bundle_check(b, d), 0);
	ck_assert(has_diag(d, "manifest-sha256.txt", "missing"));
	ap_bundle_free(b);
	/* A member twice, a file and a folder of one name: reported in the
	 * words extract uses, the first one kept. */
	tentry dup[] = {{"BAG/bagit.txt", AE_IFREG, "x", 0, NULL},
	                {"BAG/x.txt", AE_IFREG, "one", 0, NULL},
	                {"BAG/x.txt", AE_IFREG, "two", 0, NULL},
	                {"BAG/x.txt/y", AE_IFREG, "y", 0, NULL},
	                {"BAG/data/z", AE_IFREG, "z", 0, NULL},
	                {"BAG/data", AE_IFREG, "data", 0, NULL}};
	build(a, 0, dup, 6);
	ap_diags_clear(d);
	ck_assert_int_eq(ap_bundle_open(&b, a, NULL, d), 0);
	ck_assert(has_diag(d, "BAG/x.txt", "appears twice in the archive"));
	ck_assert(has_diag(d, "BAG/x.txt", "is both a file and a folder"));
	ck_assert(has_diag(d, "BAG/data", "is both a file and a folder"));
	ck_assert_uint_eq(ap_diags_errors(d), 3);
	ck_assert_uint_eq(ap_bundle_member_count(b), 3);
	size_t len = 0;
	ck_assert_str_eq(ap_bundle_member_data(b, "x.txt", &len), "one");
	ap_bundle_free(b);
	tentry bomb[] = {{"BAG/zeros", AE_IFREG, NULL, 32u << 20, NULL}};
	build(a, 0, bomb, 1);
	ap_diags_clear(d);
	ck_assert_int_eq(ap_bundle_open(&b, a, NULL, d), -1);
	ck_assert_ptr_null(b);
	ck_assert(has_diag(d, NULL, "decompression bomb"));
	ap_diags_free(d);
	free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("create");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, formats_by_name_and_extension);
	tcase_add_test(tc, bag_layout_and_labels);
	tcase_add_test(tc, entries_are_normalised);
	tcase_add_test(tc, same_inputs_same_bytes_in_every_format);
	tcase_add_test(tc, several_cases_of_one_site);
	tcase_add_test(tc, wrong_inputs_write_nothing);
	tcase_add_test(tc, too_compressible_is_refused);
	tcase_add_test(tc, plan_entry_planned_and_unplanned);
	tcase_add_test(tc, full_disk_leaves_the_old_bundle);
	tcase_add_test(tc, unwritable_target);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, check_finds_modified_missing_extra);
	tcase_add_test(tc, every_manifest_is_checked);
	tcase_add_test(tc, rescore_names_theme_and_plugin_version);
	tcase_add_test(tc, show_describes_the_bag);
	suite_add_tcase(s, tc);
	tc = tcase_create("extract");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, extract_a_bundle);
	tcase_add_test(tc, extract_refuses_hostile_archives);
	tcase_add_test(tc, open_reports_bad_members);
	tcase_add_test(tc, cancel_leaves_nothing);
	tcase_add_test(tc, written_as_read);
	tcase_add_test(tc, folder_is_read_as_its_archive);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
