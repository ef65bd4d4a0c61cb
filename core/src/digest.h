/*
 * SHA-256 and SHA-512, the digests appui uses (bundle manifests, which RFC
 * 8493 says SHOULD include SHA-512; configuration fingerprints and stored
 * case files, SHA-256), as lower-case hex. The only module that sees
 * libcrypto: the others call these.
 */
#ifndef APPUI_DIGEST_H
#define APPUI_DIGEST_H

#include <stddef.h>

#define AP_SHA256_HEX 65  /* 64 hex digits and a NUL */
#define AP_SHA512_HEX 129 /* 128 hex digits and a NUL */

/* The algorithms of a bag's manifests, in the order of their file names
 * (manifest-sha256.txt sorts before manifest-sha512.txt). */
typedef enum ap_digest_alg {
	AP_DIGEST_SHA256 = 0,
	AP_DIGEST_SHA512 = 1
} ap_digest_alg;
#define AP_DIGEST_ALGS 2

typedef struct ap_digest {
	void *ctx; /* libcrypto's EVP_MD_CTX */
	ap_digest_alg alg;
} ap_digest;

/* "sha256", "sha512": the name in a manifest's file name (RFC 8493
 * section 2.4). */
const char *ap_digest_name(ap_digest_alg alg);
/* "SHA-256", "SHA-512": for people. */
const char *ap_digest_label(ap_digest_alg alg);
/* The number of hex digits of a digest: 64 or 128. */
size_t ap_digest_hex_len(ap_digest_alg alg);

/* Out of memory (the only way these can fail) exits 70, as everywhere.
 * `hex` has room for AP_SHA512_HEX bytes. */
void ap_digest_init(ap_digest *s, ap_digest_alg alg);
void ap_digest_update(ap_digest *s, const void *p, size_t n);
/* Writes the digest and frees the context. */
void ap_digest_final(ap_digest *s, char *hex);

typedef ap_digest ap_sha256;
void ap_sha256_init(ap_sha256 *s);
void ap_sha256_update(ap_sha256 *s, const void *p, size_t n);
void ap_sha256_final(ap_sha256 *s, char hex[AP_SHA256_HEX]);
/* The digest of `n` bytes at once. */
void ap_sha256_of(const void *p, size_t n, char hex[AP_SHA256_HEX]);

#endif
