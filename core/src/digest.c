/* SHA-256 and SHA-512 through libcrypto's EVP interface: see digest.h. */
#include "digest.h"

#include <openssl/evp.h>
#include <stdio.h>

#include "util.h"

const char *ap_digest_name(ap_digest_alg alg)
{
	return alg == AP_DIGEST_SHA512 ? "sha512" : "sha256";
}

const char *ap_digest_label(ap_digest_alg alg)
{
	return alg == AP_DIGEST_SHA512 ? "SHA-512" : "SHA-256";
}

size_t ap_digest_hex_len(ap_digest_alg alg)
{
	return alg == AP_DIGEST_SHA512 ? 128 : 64;
}

void ap_digest_init(ap_digest *s, ap_digest_alg alg)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md =
	    alg == AP_DIGEST_SHA512 ? EVP_sha512() : EVP_sha256();
	if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1)
		ap_oom(); /* only allocation can fail here */
	s->ctx = ctx;
	s->alg = alg;
}

void ap_digest_update(ap_digest *s, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(s->ctx, p, n) != 1)
		ap_oom();
}

void ap_digest_final(ap_digest *s, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(s->ctx, md, &n) != 1 ||
	    2 * (size_t)n != ap_digest_hex_len(s->alg))
		ap_oom();
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

void ap_sha256_init(ap_sha256 *s)
{
	ap_digest_init(s, AP_DIGEST_SHA256);
}

void ap_sha256_update(ap_sha256 *s, const void *p, size_t n)
{
	ap_digest_update(s, p, n);
}

void ap_sha256_final(ap_sha256 *s, char hex[AP_SHA256_HEX])
{
	ap_digest_final(s, hex);
}

void ap_sha256_of(const void *p, size_t n, char hex[AP_SHA256_HEX])
{
	ap_sha256 s;
	ap_sha256_init(&s);
	ap_sha256_update(&s, p, n);
	ap_sha256_final(&s, hex);
}
