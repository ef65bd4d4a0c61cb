/*
 * Accounts and their tokens. A token is 32 bytes from the kernel's random
 * source (getrandom), shown once in base64url and kept only as the SHA-256
 * of that text: a copy of the database lets no one sign in. A token is
 * looked up by its hash (a hash an attacker chooses nothing of), then the
 * hashes are compared in constant time anyway.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "store_impl.h"
#include "util.h"

static const char *const role_names[] = {NULL, "firm", "coordinator",
                                         "administrator"};

const char *ap_store_role_name(ap_store_role r)
{
	return r >= AP_ROLE_FIRM && r <= AP_ROLE_ADMINISTRATOR ? role_names[r]
	                                                       : "unknown";
}

ap_store_role ap_store_role_of(const char *name)
{
	for (int r = AP_ROLE_FIRM; r <= AP_ROLE_ADMINISTRATOR; r++)
		if (name && strcmp(name, role_names[r]) == 0)
			return (ap_store_role)r;
	return (ap_store_role)0;
}

int ap_store_account_add(ap_store *s, const char *actor, const char *name,
                         ap_store_role role, const char *firm_id, ap_diags *d)
{
	if (!ap_store_name_ok(name))
		return store_refuse(s, d, AP_EUSAGE,
		                    "the account name '%s' is not 1 to 64 of "
		                    "[A-Za-z0-9._-]",
		                    name ? name : "");
	if (role < AP_ROLE_FIRM || role > AP_ROLE_ADMINISTRATOR || !actor ||
	    !*actor)
		return store_refuse(s, d, AP_EUSAGE, "malformed account");
	if (role == AP_ROLE_FIRM && !ap_store_name_ok(firm_id))
		return store_refuse(
		    s, d, AP_EUSAGE,
		    "a firm's account '%s' needs a firm id (1 to 64 "
		    "of [A-Za-z0-9._-]), not '%s'",
		    name, firm_id ? firm_id : "");
	if (role != AP_ROLE_FIRM && firm_id)
		return store_refuse(
		    s, d, AP_EUSAGE,
		    "only a firm's account is bound to a firm: '%s' "
		    "is a %s",
		    name, ap_store_role_name(role));
	char *doing = ap_xasprintf("cannot add the account %s", name);
	int status = store_begin(s, d, doing);
	if (status != AP_OK)
		goto out;
	char at[AP_STORE_TIME_SIZE];
	store_time(s, at);
	sqlite3_stmt *st;
	status = store_prepare(s, &st, "SELECT 1 FROM account WHERE name = ?",
	                       d, doing);
	if (status == AP_OK) {
		store_bind_text(st, 1, name);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			status = store_refuse(s, d, AP_EINVALID,
			                      "%s: the name is taken", doing);
		else if (rc != SQLITE_DONE)
			status = store_fail(s, d, rc, doing);
	}
	if (status == AP_OK)
		status = store_run(s, d, doing,
		                   "INSERT INTO account (name, role, firm_id, "
		                   "created_at) VALUES (?, ?, ?, ?)",
		                   "tttt", name, ap_store_role_name(role),
		                   firm_id, at);
	char *detail = role == AP_ROLE_FIRM
	                   ? ap_xasprintf("firm, bound to %s", firm_id)
	                   : ap_xstrdup(ap_store_role_name(role));
	if (status == AP_OK)
		status =
		    store_audit(s, at, actor, "account.add", name, detail, d);
	free(detail);
	if (status == AP_OK)
		status = store_commit(s, d, doing);
	else
		store_rollback(s);
out:
	free(doing);
	return status;
}

/* The account's id and revocation time ("" while active): AP_OK, or
 * AP_ENOTFOUND. */
static int find_account(ap_store *s, const char *name, int64_t *id,
                        char revoked[AP_STORE_TIME_SIZE], ap_diags *d,
                        const char *doing)
{
	sqlite3_stmt *st;
	int status = store_prepare(
	    s, &st, "SELECT id, revoked_at FROM account WHERE name = ?", d,
	    doing);
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(revoked, AP_STORE_TIME_SIZE, "%s", store_text(st, 1));
		status = AP_OK;
	} else if (rc == SQLITE_DONE) {
		status =
		    store_refuse(s, d, AP_ENOTFOUND,
		                 "%s: there is no account '%s'", doing, name);
	} else {
		status = store_fail(s, d, rc, doing);
	}
	sqlite3_finalize(st);
	return status;
}

int ap_store_account_revoke(ap_store *s, const char *actor, const char *name,
                            ap_diags *d)
{
	if (!actor || !*actor || !name)
		return store_refuse(s, d, AP_EUSAGE, "malformed revocation");
	char *doing = ap_xasprintf("cannot revoke the account %s", name);
	int status = store_begin(s, d, doing);
	if (status != AP_OK)
		goto out;
	char at[AP_STORE_TIME_SIZE], revoked[AP_STORE_TIME_SIZE];
	store_time(s, at);
	int64_t id = 0;
	status = find_account(s, name, &id, revoked, d, doing);
	if (status == AP_OK && revoked[0])
		status =
		    store_refuse(s, d, AP_EINVALID, "%s: it was revoked at %s",
		                 doing, revoked);
	if (status == AP_OK)
		status =
		    store_run(s, d, doing,
		              "UPDATE account SET revoked_at = ? WHERE id = ?",
		              "ti", at, id);
	int64_t tokens = 0;
	if (status == AP_OK) {
		status =
		    store_run(s, d, doing,
		              "UPDATE token SET revoked_at = ? WHERE account "
		              "= ? AND revoked_at IS NULL",
		              "ti", at, id);
		tokens = sqlite3_changes64(s->db);
	}
	char *detail = ap_xasprintf("with its %lld active token%s",
	                            (long long)tokens, tokens == 1 ? "" : "s");
	if (status == AP_OK)
		status = store_audit(s, at, actor, "account.revoke", name,
		                     detail, d);
	free(detail);
	if (status == AP_OK)
		status = store_commit(s, d, doing);
	else
		store_rollback(s);
out:
	free(doing);
	return status;
}

static void account_of(sqlite3_stmt *st, ap_store_account *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof a->name, "%s", store_text(st, 0));
	a->role = ap_store_role_of(store_text(st, 1));
	snprintf(a->firm_id, sizeof a->firm_id, "%s", store_text(st, 2));
	snprintf(a->created_at, sizeof a->created_at, "%s", store_text(st, 3));
	snprintf(a->revoked_at, sizeof a->revoked_at, "%s", store_text(st, 4));
	a->tokens = (size_t)sqlite3_column_int64(st, 5);
}

#define ACCOUNT_COLUMNS                                                   \
	"a.name, a.role, a.firm_id, a.created_at, a.revoked_at, (SELECT " \
	"count(*) FROM token t WHERE t.account = a.id AND t.revoked_at "  \
	"IS NULL)"

int ap_store_accounts(ap_store *s,
                      int (*each)(void *ctx, const ap_store_account *a),
                      void *ctx, ap_diags *d)
{
	const char *doing = "cannot read the accounts";
	sqlite3_stmt *st;
	int status = store_prepare(
	    s, &st, "SELECT " ACCOUNT_COLUMNS " FROM account a ORDER BY a.name",
	    d, doing);
	if (status != AP_OK)
		return status;
	int rc;
	for (;;) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		ap_store_account a;
		account_of(st, &a);
		int r = each(ctx, &a);
		if (r != 0) {
			sqlite3_finalize(st);
			return r;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? AP_OK : store_fail(s, d, rc, doing);
}

int ap_store_token_new(char out[AP_STORE_TOKEN_SIZE], ap_store *s,
                       const char *actor, const char *account, ap_diags *d)
{
	out[0] = '\0';
	if (!actor || !*actor || !account)
		return store_refuse(s, d, AP_EUSAGE, "malformed token request");
	char token[AP_STORE_TOKEN_SIZE], hash[AP_SHA256_HEX];
	if (ap_random_secret(token) != 0)
		return store_refuse(
		    s, d, AP_ESETUP,
		    "cannot make a token: no random bytes from the "
		    "kernel (%s)",
		    strerror(errno));
	ap_sha256_of(token, strlen(token), hash);
	char *doing = ap_xasprintf("cannot make a token for %s", account);
	int status = store_begin(s, d, doing);
	if (status != AP_OK)
		goto out;
	char at[AP_STORE_TIME_SIZE], revoked[AP_STORE_TIME_SIZE];
	store_time(s, at);
	int64_t id = 0;
	status = find_account(s, account, &id, revoked, d, doing);
	if (status == AP_OK && revoked[0])
		status = store_refuse(s, d, AP_EINVALID,
		                      "%s: the account was revoked at %s",
		                      doing, revoked);
	if (status == AP_OK)
		status = store_run(s, d, doing,
		                   "INSERT INTO token (account, sha256, "
		                   "created_at) VALUES (?, ?, ?)",
		                   "itt", id, hash, at);
	char *detail = ap_xasprintf(
	    "token %lld", (long long)sqlite3_last_insert_rowid(s->db));
	if (status == AP_OK)
		status =
		    store_audit(s, at, actor, "token.new", account, detail, d);
	free(detail);
	if (status == AP_OK)
		status = store_commit(s, d, doing);
	else
		store_rollback(s);
	/* Shown only once it is stored. */
	if (status == AP_OK)
		memcpy(out, token, AP_STORE_TOKEN_SIZE);
out:
	memset(token, 0, sizeof token);
	free(doing);
	return status;
}

int ap_store_token_revoke(ap_store *s, const char *actor, const char *token,
                          ap_diags *d)
{
	if (!actor || !*actor || !token)
		return store_refuse(s, d, AP_EUSAGE,
		                    "malformed token revocation");
	char hash[AP_SHA256_HEX];
	ap_sha256_of(token, strlen(token), hash);
	const char *doing = "cannot revoke a token";
	int status = store_begin(s, d, doing);
	if (status != AP_OK)
		return status;
	char at[AP_STORE_TIME_SIZE];
	store_time(s, at);
	sqlite3_stmt *st;
	status = store_prepare(s, &st,
	                       "SELECT t.id, a.name FROM token t JOIN account a"
	                       " ON a.id = t.account WHERE t.sha256 = ? AND"
	                       " t.revoked_at IS NULL",
	                       d, doing);
	int64_t id = 0;
	char *detail = NULL, *name = NULL;
	if (status == AP_OK) {
		store_bind_text(st, 1, hash);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			name = ap_xstrdup(store_text(st, 1));
		} else if (rc == SQLITE_DONE) {
			status = store_refuse(s, d, AP_ENOTFOUND,
			                      "%s: no active token is that one",
			                      doing);
		} else {
			status = store_fail(s, d, rc, doing);
		}
		sqlite3_finalize(st);
	}
	if (status == AP_OK)
		status = store_run(
		    s, d, doing, "UPDATE token SET revoked_at = ? WHERE id = ?",
		    "ti", at, id);
	if (status == AP_OK) {
		detail = ap_xasprintf("token %lld", (long long)id);
		status =
		    store_audit(s, at, actor, "token.revoke", name, detail, d);
	}
	free(detail);
	free(name);
	if (status == AP_OK)
		return store_commit(s, d, doing);
	store_rollback(s);
	return status;
}

static int same_in_constant_time(const char *a, const char *b, size_t n)
{
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int ap_store_token_account(ap_store_account *out, ap_store *s,
                           const char *token, ap_diags *d)
{
	memset(out, 0, sizeof(*out));
	const char *doing = "cannot check a token";
	if (!token || strlen(token) != AP_STORE_TOKEN_SIZE - 1)
		return AP_ENOTFOUND;
	char hash[AP_SHA256_HEX];
	ap_sha256_of(token, strlen(token), hash);
	sqlite3_stmt *st;
	int status = store_keep(
	    s, &st,
	    "SELECT " ACCOUNT_COLUMNS ", t.sha256 FROM token t JOIN account a"
	    " ON a.id = t.account WHERE t.sha256 = ? AND t.revoked_at IS NULL"
	    " AND a.revoked_at IS NULL",
	    d, doing);
	if (status != AP_OK)
		return status;
	store_bind_text(st, 1, hash);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW &&
	    strlen(store_text(st, 6)) == AP_SHA256_HEX - 1 &&
	    same_in_constant_time(store_text(st, 6), hash, AP_SHA256_HEX - 1)) {
		account_of(st, out);
		status = AP_OK;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		status = AP_ENOTFOUND;
	} else {
		status = store_fail(s, d, rc, doing);
	}
	store_done(s, st);
	return status;
}
