/* Decimals for the schema validator: see decimal.h. */
#include "decimal.h"

#include <string.h>

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t digits(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && s[k] >= '0' && s[k] <= '9')
		k++;
	return k;
}

/* Appends `n` bytes of `s` at *at. */
static void put(char *out, size_t *at, const char *s, size_t n)
{
	memcpy(out + *at, s, n);
	*at += n;
}

int decimal_shorten(const char *s, size_t n, char out[DECIMAL_SHORT_SIZE])
{
	while (n && blank(*s)) {
		s++;
		n--;
	}
	while (n && blank(s[n - 1]))
		n--;
	/* [+-]? (D+ (. D*)? | . D+): the lexical space of xs:decimal. */
	size_t signs = n && (*s == '+' || *s == '-');
	const char *ip = s + signs;
	size_t ni = digits(ip, n - signs);
	const char *fp = ip + ni;
	size_t nf = 0;
	int dot = ni + signs < n && *fp == '.';
	if (dot)
		nf = digits(++fp, n - signs - ni - 1);
	if (ni + nf == 0 || signs + ni + dot + nf != n)
		return 0;
	while (ni && *ip == '0') {
		ip++;
		ni--;
	}
	if (ni + nf <= DECIMAL_MAX_DIGITS)
		return 0;
	/* Trailing zeros of the fraction do not change the value. */
	while (nf && fp[nf - 1] == '0')
		nf--;
	size_t at = 0;
	if (signs)
		put(out, &at, s, 1);
	if (ni + nf <= DECIMAL_MAX_DIGITS) {
		/* The same value. */
		put(out, &at, ni ? ip : "0", ni ? ni : 1);
		if (nf) {
			put(out, &at, ".", 1);
			put(out, &at, fp, nf);
		}
	} else if (ni > 9) {
		/* At least 10^9: above every bound of 9 integer digits. */
		put(out, &at, "1000000000", 10);
	} else {
		/* Digits past the k-th of the fraction go, and are not all
		 * zeros: the value is strictly between the truncation t and
		 * t + 10^-k, and so is t followed by a 1. No bound of 9
		 * fraction digits lies between (k >= 10). */
		size_t k = DECIMAL_MAX_DIGITS - 1 - ni;
		put(out, &at, ni ? ip : "0", ni ? ni : 1);
		put(out, &at, ".", 1);
		put(out, &at, fp, k);
		put(out, &at, "1", 1);
	}
	out[at] = '\0';
	return 1;
}
