/* appui account, appui token: the store's accounts and their tokens, thin
 * front ends over appui/store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "cli.h"

const char usage_account[] = N_(
    "usage: appui account add (--firm FIRM-ID | --coordinator |\n"
    "                          --administrator) NAME [--store FILE]\n"
    "       appui account list [--store FILE]\n"
    "       appui account revoke NAME [--store FILE]\n"
    "\n"
    "The store's accounts (docs/store.md). A firm's account is bound to its\n"
    "firm id (diagnostic/@firm); a coordinator reads and plans everything;\n"
    "an administrator manages the store. NAME and FIRM-ID: 1 to 64 of\n"
    "A-Z a-z 0-9 . _ -. Revoking an account revokes its tokens; nothing is\n"
    "deleted. Each change is in the audit log.\n"
    "\n"
    "  -q, --quiet   list: no header line\n");

const char usage_token[] = N_(
    "usage: appui token new ACCOUNT [--store FILE]\n"
    "\n"
    "Makes a token for ACCOUNT: 32 random bytes, printed once, alone on its\n"
    "line of standard output, and kept only as its SHA-256: it cannot be\n"
    "shown again (make a new one; revoking the account revokes them all).\n");

static int account_usage(void)
{
	fputs(_(usage_account), stderr);
	return EXIT_USAGE;
}

static int account_add(const options *o, int argc, char **argv)
{
	int roles = (o->firm != NULL) + o->coordinator + o->administrator;
	if (argc != 1 || roles != 1) {
		if (argc == 1)
			fputs(
			    _("appui account add: give one of --firm FIRM-ID, "
			      "--coordinator, --administrator\n"),
			    stderr);
		return account_usage();
	}
	ap_store_role role = o->firm          ? AP_ROLE_FIRM
	                     : o->coordinator ? AP_ROLE_COORDINATOR
	                                      : AP_ROLE_ADMINISTRATOR;
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	int status =
	    ap_store_account_add(s, local_actor(), argv[0], role, o->firm, d);
	if (status == AP_OK && o->firm)
		printf(_("account %s added: firm %s\n"), SHOWN(argv[0]),
		       SHOWN(o->firm));
	else if (status == AP_OK)
		printf(_("account %s added: %s\n"), SHOWN(argv[0]),
		       ap_store_role_name(role));
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

static int list_one(void *ctx, const ap_store_account *a)
{
	(void)ctx;
	/* Names are checked when written; the file may have been changed
	 * since. */
	printf("%-20s  %-13s  %-20s  %6zu  %-20s  %s\n", SHOWN(a->name),
	       ap_store_role_name(a->role),
	       a->firm_id[0] ? SHOWN(a->firm_id) : "-", a->tokens,
	       SHOWN(a->created_at),
	       a->revoked_at[0] ? SHOWN(a->revoked_at) : "-");
	return 0;
}

static int account_list(const options *o, int argc)
{
	if (argc != 0)
		return account_usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	if (!o->quiet)
		printf("%-20s  %-13s  %-20s  %6s  %-20s  %s\n", "name", "role",
		       "firm", "tokens", "created", "revoked");
	ap_diags *d = ap_diags_new();
	int status = ap_store_accounts(s, list_one, NULL, d);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

static int account_revoke(const options *o, int argc, char **argv)
{
	if (argc != 1)
		return account_usage();
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	int status = ap_store_account_revoke(s, local_actor(), argv[0], d);
	if (status == AP_OK)
		printf(_("account %s revoked, with its tokens\n"),
		       SHOWN(argv[0]));
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}

int cmd_account(const options *o, int argc, char **argv)
{
	if (argc < 1)
		return account_usage();
	if (strcmp(argv[0], "add") == 0)
		return account_add(o, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return account_list(o, argc - 1);
	if (strcmp(argv[0], "revoke") == 0)
		return account_revoke(o, argc - 1, argv + 1);
	fprintf(stderr, _("appui account: unknown subcommand '%s'\n"),
	        SHOWN(argv[0]));
	return account_usage();
}

int cmd_token(const options *o, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "new") != 0) {
		fputs(_(usage_token), stderr);
		return EXIT_USAGE;
	}
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	char token[AP_STORE_TOKEN_SIZE];
	int status = ap_store_token_new(token, s, local_actor(), argv[1], d);
	if (status == AP_OK) {
		printf("%s\n", token);
		/* A token that did not reach its reader must not stay valid. */
		if (fflush(stdout) != 0 || ferror(stdout)) {
			int r =
			    ap_store_token_revoke(s, local_actor(), token, d);
			fprintf(
			    stderr,
			    _("appui token new: the token could not be written "
			      "to standard output: %s\n"),
			    r == AP_OK ? _("it was revoked")
			               : _("revoke the account's tokens"));
			status = r == AP_OK ? AP_EOUTPUT : r;
		} else {
			fprintf(stderr,
			        _("appui token new: a token for %s; it is "
			          "shown this "
			          "once and kept only as its SHA-256\n"),
			        SHOWN(argv[1]));
		}
	}
	memset(token, 0, sizeof token);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}
