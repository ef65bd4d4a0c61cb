/* appui store: the store's subcommands, thin front ends over appui/store.h
 * (add is in cmd_store_add.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appui/appui.h"
#include "cli.h"

const char usage_store[] = N_(
    "usage: appui store SUBCOMMAND [ARGS] [--store FILE]\n"
    "\n"
    "The store: one database file that keeps every version of every case\n"
    "file, byte for byte (docs/store.md). FILE is --store, else store.path\n"
    "of the configuration.\n"
    "\n"
    "  init               create the store (mode 0600), or bring its schema\n"
    "                     up to date\n"
    "  add [--strict] [-q] [--jobs N] FILE|DIR...\n"
    "                     check case files as 'appui validate' does, store\n"
    "                     the valid ones (a correction is a new version, the\n"
    "                     same bytes again a duplicate)\n"
    "  list [--site S] [--firm F] [--since DATE] [--all]\n"
    "                     the latest version of each case (--all: every\n"
    "                     version), by case id\n"
    "  show CASE-ID [--version N]\n"
    "                     the stored bytes of a version (default: the latest)\n"
    "  export DIR [--all] the latest version of each case as DIR/CASE-ID.xml\n"
    "                     (--all: every version, DIR/CASE-ID.vN.xml)\n"
    "  backup FILE        a copy of the store taken while it is in use,\n"
    "                     checked, as FILE\n"
    "  check              the store's integrity, and every version's bytes\n"
    "                     against their SHA-256\n"
    "  rejected [--since DATE]\n"
    "                     the refused attempts (no body is kept), oldest\n"
    "                     first\n"
    "  audit [--since DATE]\n"
    "                     the audit log: every change, oldest first\n"
    "  -q, --quiet        add: no summary line; list, rejected, audit: no\n"
    "                     header line\n"
    "\n"
    "The time recorded for a change is the clock's (UTC), or $APPUI_NOW\n"
    "(YYYY-MM-DDTHH:MM:SSZ) when it is set.\n");

int store_add(const options *o, int argc, char **argv);

static int usage(void)
{
	fputs(_(usage_store), stderr);
	return EXIT_USAGE;
}

static int store_init(const options *o, int argc)
{
	if (argc != 0)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 1, &s);
	if (rc)
		return rc;
	printf(_("%s: store ready (schema %d)\n"), SHOWN(ap_store_path(s)),
	       AP_STORE_SCHEMA);
	ap_store_close(s);
	return 0;
}

/* ---- list ---------------------------------------------------------------- */

#define LIST_COLUMNS 7

typedef struct table {
	char **cells; /* LIST_COLUMNS per row */
	size_t rows, cap;
} table;

static void table_add(table *t, char *const *row)
{
	if (t->rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->cells = realloc(t->cells,
		                   t->cap * LIST_COLUMNS * sizeof(*t->cells));
		if (!t->cells)
			ap_oom();
	}
	for (int i = 0; i < LIST_COLUMNS; i++) {
		t->cells[t->rows * LIST_COLUMNS + i] = strdup(row[i]);
		if (!t->cells[t->rows * LIST_COLUMNS + i])
			ap_oom();
	}
	t->rows++;
}

static int list_one(void *ctx, const ap_store_version *v)
{
	char n[16];
	snprintf(n, sizeof n, "%d", v->n);
	char *row[LIST_COLUMNS] = {(char *)v->case_id,   n,
	                           (char *)v->site_id,   (char *)v->firm_id,
	                           (char *)v->diagnosed, (char *)v->received_at,
	                           (char *)v->sha256};
	table_add(ctx, row);
	return 0;
}

/* Aligned columns; the last one (the digest) unpadded. */
static void table_print(const table *t)
{
	size_t width[LIST_COLUMNS] = {0};
	for (size_t r = 0; r < t->rows; r++)
		for (int i = 0; i < LIST_COLUMNS; i++) {
			size_t n = strlen(t->cells[r * LIST_COLUMNS + i]);
			if (n > width[i])
				width[i] = n;
		}
	for (size_t r = 0; r < t->rows; r++)
		for (int i = 0; i < LIST_COLUMNS; i++) {
			const char *c = t->cells[r * LIST_COLUMNS + i];
			if (i == LIST_COLUMNS - 1)
				printf("%s\n", SHOWN(c));
			else
				printf("%-*s  ", (int)width[i], SHOWN(c));
		}
}

static int store_list(const options *o, int argc)
{
	if (argc != 0)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.site_id = o->site;
	q.firm_id = o->firm;
	q.since = o->since;
	q.all_versions = o->all;
	table t = {0};
	char *head[LIST_COLUMNS] = {"case",      "version",  "site",  "firm",
	                            "diagnosed", "received", "sha256"};
	if (!o->quiet)
		table_add(&t, head);
	ap_diags *d = ap_diags_new();
	int status = ap_store_versions(s, &q, list_one, &t, d);
	if (status == AP_OK)
		table_print(&t);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	for (size_t i = 0; i < t.rows * LIST_COLUMNS; i++)
		free(t.cells[i]);
	free(t.cells);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

/* ---- show ---------------------------------------------------------------- */

typedef struct shown {
	int found, latest;
} shown;

static int show_one(void *ctx, const ap_store_version *v)
{
	shown *w = ctx;
	w->found = 1;
	if (fwrite(v->body, 1, v->size, stdout) != v->size)
		return AP_EOUTPUT; /* said when stdout is closed */
	return 0;
}

static int count_one(void *ctx, const ap_store_version *v)
{
	((shown *)ctx)->latest = v->n;
	return 0;
}

static int store_show(const options *o, int argc, char **argv)
{
	if (argc != 1)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_store_query q = AP_STORE_QUERY_INIT;
	q.case_id = argv[0];
	q.n = o->version_n;
	q.with_body = 1;
	shown w = {0, 0};
	ap_diags *d = ap_diags_new();
	int status = ap_store_versions(s, &q, show_one, &w, d);
	if (status == AP_OK && !w.found) {
		q.n = 0;
		q.with_body = 0;
		ap_store_versions(s, &q, count_one, &w, d);
		if (w.latest)
			fprintf(stderr,
			        _("appui store show: case %s has %d version%s; "
			          "there is no version %d\n"),
			        SHOWN(argv[0]), w.latest,
			        w.latest == 1 ? "" : "s", o->version_n);
		else
			fprintf(stderr,
			        _("appui store show: no case %s in %s\n"),
			        SHOWN(argv[0]), SHOWN(ap_store_path(s)));
		rc = EXIT_INVALID;
	} else if (status == AP_EOUTPUT) {
		rc = 0; /* standard output's error is said at the end */
	} else if (status != AP_OK) {
		rc = store_exit(status, d);
	}
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

/* ---- export, backup, check ---------------------------------------------- */

static int store_export(const options *o, int argc, char **argv)
{
	if (argc != 1)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	size_t files = 0;
	cancel_on_signals();
	int status = ap_store_export(&files, s, argv[0], o->all, d);
	cancel_off();
	print_diags(stderr, d, 0);
	if (status == AP_OK || status == AP_EINVALID)
		printf(_("%zu file%s written to %s\n"), files,
		       files == 1 ? "" : "s", SHOWN(argv[0]));
	rc = ap_status_exit_code((ap_status)status);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

static int store_backup(const options *o, int argc, char **argv)
{
	if (argc != 1)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	int status = ap_store_backup(s, argv[0], d);
	if (status == AP_OK)
		printf(_("%s: backed up to %s (integrity checked)\n"),
		       SHOWN(ap_store_path(s)), SHOWN(argv[0]));
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

static int store_check(const options *o, int argc)
{
	if (argc != 0)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	ap_store_counts c;
	int status = ap_store_check(&c, s, d);
	if (status != AP_OK && status != AP_EINVALID) {
		rc = store_exit(status, d);
		goto out;
	}
	print_diags(stdout, d, 0);
	if (status == AP_OK)
		printf(
		    _("%s: ok: %zu case%s, %zu version%s, %zu refused "
		      "attempt%s, %zu account%s, %zu token%s, %zu audit "
		      "row%s\n"),
		    SHOWN(ap_store_path(s)), c.cases, c.cases == 1 ? "" : "s",
		    c.versions, c.versions == 1 ? "" : "s", c.rejected,
		    c.rejected == 1 ? "" : "s", c.accounts,
		    c.accounts == 1 ? "" : "s", c.tokens,
		    c.tokens == 1 ? "" : "s", c.audit, c.audit == 1 ? "" : "s");
	else if (status == AP_EINVALID)
		printf(_("%s: %zu problem%s\n"), SHOWN(ap_store_path(s)),
		       ap_diags_errors(d), ap_diags_errors(d) == 1 ? "" : "s");
	rc = ap_status_exit_code((ap_status)status);
out:
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

/* ---- rejected, audit ------------------------------------------------------
 */

static int rejection_one(void *ctx, const ap_store_rejection *r)
{
	(void)ctx;
	char size[32] = "-";
	if (r->size >= 0)
		snprintf(size, sizeof size, "%lld", r->size);
	printf("%s  ", r->received_at);
	ap_print_inert(stdout, r->sender);
	printf("  %s  %zu  ", size, r->errors);
	ap_print_inert(stdout, r->first_error);
	putchar('\n');
	return 0;
}

static int audit_one(void *ctx, const ap_store_audit_row *r)
{
	(void)ctx;
	const char *v[] = {r->at, r->actor, r->action, r->object, r->detail};
	for (size_t i = 0; i < 5; i++) {
		ap_print_inert(stdout, v[i]);
		fputs(i < 4 ? "  " : "\n", stdout);
	}
	return 0;
}

static int store_log(const options *o, int argc, int audit)
{
	if (argc != 0)
		return usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	if (!o->quiet)
		puts(audit ? "at  actor  action  object  detail"
		           : "received  sender  size  errors  first error");
	ap_diags *d = ap_diags_new();
	int status =
	    audit ? ap_store_audit(s, o->since, audit_one, NULL, d)
	          : ap_store_rejections(s, o->since, rejection_one, NULL, d);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

int cmd_store(const options *o, int argc, char **argv)
{
	if (argc < 1)
		return usage();
	const char *sub = argv[0];
	argc--;
	argv++;
	if (strcmp(sub, "init") == 0)
		return store_init(o, argc);
	if (strcmp(sub, "add") == 0)
		return store_add(o, argc, argv);
	if (strcmp(sub, "list") == 0)
		return store_list(o, argc);
	if (strcmp(sub, "show") == 0)
		return store_show(o, argc, argv);
	if (strcmp(sub, "export") == 0)
		return store_export(o, argc, argv);
	if (strcmp(sub, "backup") == 0)
		return store_backup(o, argc, argv);
	if (strcmp(sub, "check") == 0)
		return store_check(o, argc);
	if (strcmp(sub, "rejected") == 0)
		return store_log(o, argc, 0);
	if (strcmp(sub, "audit") == 0)
		return store_log(o, argc, 1);
	fprintf(stderr, _("appui store: unknown subcommand '%s'\n"),
	        SHOWN(sub));
	return usage();
}
