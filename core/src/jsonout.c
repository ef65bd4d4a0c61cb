/* JSON helpers shared by the score and plan outputs (see jsonout.h). */
#include "jsonout.h"

#include <stdlib.h>
#include <string.h>

/* Appends `s` (NULL: nothing) with each malformed byte replaced by U+FFFD. */
void jsonout_put_utf8(ap_buf *b, const char *s)
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

void jsonout_put_u(ap_buf *b, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = {'\\',
	               'u',
	               hex[cp >> 12 & 15],
	               hex[cp >> 8 & 15],
	               hex[cp >> 4 & 15],
	               hex[cp & 15]};
	ap_buf_add(b, esc, sizeof esc);
}

int jsonout_dumpf(const json_t *j, FILE *out, size_t flags)
{
	char *s = json_dumps(j, flags | JSON_ENCODE_ANY);
	if (!s)
		return -1;
	/* The shifty code points can only be inside strings: jansson writes
	 * nothing else that is not ASCII. */
	ap_buf b;
	ap_buf_init(&b);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : ap_utf8_seq(p);
		if (n > 1 && ap_utf8_shifty(ap_utf8_code(p, n)))
			jsonout_put_u(&b, ap_utf8_code(p, n));
		else
			ap_buf_add(&b, (const char *)p, n ? n : 1);
		p += n ? n : 1;
	}
	free(s);
	int rc = fwrite(b.data, 1, b.len, out) == b.len ? 0 : -1;
	ap_buf_free(&b);
	return rc;
}

json_t *jsonout_str(const char *s)
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
	jsonout_put_utf8(&b, s);
	j = json_string(b.data);
	ap_buf_free(&b);
	return j;
}

json_t *jsonout_diags(const ap_diags *d, ap_severity sev)
{
	json_t *a = json_array();
	for (size_t i = 0; d && i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		if (g->severity != sev)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "file", jsonout_str(g->file));
		json_object_set_new(o, "line", json_integer(g->line));
		json_object_set_new(o, "field", jsonout_str(g->field));
		json_object_set_new(o, "message", jsonout_str(g->message));
		json_array_append_new(a, o);
	}
	return a;
}
