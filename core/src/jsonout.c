/* JSON helpers shared by the score and plan outputs (see jsonout.h). */
#include "jsonout.h"

#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4), or 0 when the
 * bytes there are not one (RFC 3629: no overlong form, no surrogate, nothing
 * above U+10FFFF). Stops at a NUL, which is never a continuation byte. */
size_t ap_utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c == 0xE0) {
		n = 3;
		lo = 0xA0;
	} else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
		n = 3;
	} else if (c == 0xED) {
		n = 3;
		hi = 0x9F;
	} else if (c == 0xF0) {
		n = 4;
		lo = 0x90;
	} else if (c >= 0xF1 && c <= 0xF3) {
		n = 4;
	} else if (c == 0xF4) {
		n = 4;
		hi = 0x8F;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Appends `s` (NULL: nothing) with each malformed byte replaced by U+FFFD. */
void put_utf8(ap_buf *b, const char *s)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = ap_utf8_seq(p);
		if (n == 0) {
			ap_buf_puts(b, "\xEF\xBF\xBD");
			p++;
		} else {
			ap_buf_add(b, (const char *)p, n);
			p += n;
		}
	}
}

json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	/* Not UTF-8: json_string() refused it; keep the field, repaired. */
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	put_utf8(&b, s);
	j = json_string(b.data);
	ap_buf_free(&b);
	return j;
}

json_t *jdiags(const ap_diags *d, ap_severity sev)
{
	json_t *a = json_array();
	for (size_t i = 0; d && i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity != sev)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "file", jstr(g->file));
		json_object_set_new(o, "line", json_integer(g->line));
		json_object_set_new(o, "field", jstr(g->field));
		json_object_set_new(o, "message", jstr(g->message));
		json_array_append_new(a, o);
	}
	return a;
}
