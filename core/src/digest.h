/*
 * SHA-256, the one digest appui uses (bundle manifests, configuration
 * fingerprints, stored case files), as lower-case hex. The only module that
 * sees libcrypto: the others call these.
 */
#ifndef APPUI_DIGEST_H
#define APPUI_DIGEST_H

#include <stddef.h>

#define AP_SHA256_HEX 65 /* 64 hex digits and a NUL */

typedef struct ap_sha256 {
	void *ctx; /* libcrypto's EVP_MD_CTX */
} ap_sha256;

/* Out of memory (the only way these can fail) exits 70, as everywhere. */
void ap_sha256_init(ap_sha256 *s);
void ap_sha256_update(ap_sha256 *s, const void *p, size_t n);
/* Writes the digest and frees the context. */
void ap_sha256_final(ap_sha256 *s, char hex[AP_SHA256_HEX]);
/* The digest of `n` bytes at once. */
void ap_sha256_of(const void *p, size_t n, char hex[AP_SHA256_HEX]);

#endif
