/* SHA-256 through libcrypto's EVP interface: see digest.h. */
#include "digest.h"

#include <openssl/evp.h>
#include <stdio.h>

#include "util.h"

void ap_sha256_init(ap_sha256 *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		ap_oom(); /* only allocation can fail here */
	s->ctx = ctx;
}

void ap_sha256_update(ap_sha256 *s, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(s->ctx, p, n) != 1)
		ap_oom();
}

void ap_sha256_final(ap_sha256 *s, char hex[AP_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(s->ctx, md, &n) != 1 || n != 32)
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

void ap_sha256_of(const void *p, size_t n, char hex[AP_SHA256_HEX])
{
	ap_sha256 s;
	ap_sha256_init(&s);
	ap_sha256_update(&s, p, n);
	ap_sha256_final(&s, hex);
}
