/*
 * CSV cells (RFC 4180) for the command's CSV outputs, safe to open in a
 * spreadsheet: a cell from outside that starts as a formula is written as
 * text (OWASP's advice), and nothing in one moves a terminal's cursor.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* "\x0d\n" (a CR LF that ap_buf_inert escaped) back to CR LF, in place. */
static void csv_crlf(ap_buf *b)
{
	size_t w = 0;
	for (size_t r = 0; r < b->len; r++) {
		if (strncmp(b->data + r, "\\x0d\n", 5) == 0) {
			b->data[w++] = '\r';
			r += 3;
		} else {
			b->data[w++] = b->data[r];
		}
	}
	b->len = w;
	b->data[w] = '\0';
}

/* One RFC 4180 field: quoted, with quotes doubled, when it holds a comma, a
 * quote, CR or LF (or when `text` starts as a formula: see csv_text). Other
 * controls, bytes that are not UTF-8, bidirectional controls and line
 * separators are written inert (ap_buf_inert), as in every output: a
 * spreadsheet would show them raw. */
static void csv_put(FILE *out, const char *s, int first, int formula)
{
	ap_buf b;
	ap_buf_init(&b);
	if (formula)
		ap_buf_putc(&b, '\'');
	ap_buf_puts(&b, "");
	ap_buf_inert(&b, s, 1);
	/* A CR LF line break is kept (RFC 4180 allows it in a quoted
	 * field); a CR alone is a control like the others. */
	csv_crlf(&b);
	if (!first)
		fputc(',', out);
	if (formula || strpbrk(b.data, ",\"\r\n")) {
		fputc('"', out);
		for (const char *c = b.data; *c; c++) {
			if (*c == '"')
				fputc('"', out);
			fputc(*c, out);
		}
		fputc('"', out);
	} else {
		fputs(b.data, out);
	}
	ap_buf_free(&b);
}

/* A field of appui's own (a header, a number, a date): as it is. */
void csv_field(FILE *out, const char *s, int first)
{
	csv_put(out, s, first, 0);
}

/* A field that came from a case file or a campaign: a cell that starts
 * with =, +, -, @, a tab or a CR would run as a formula in a spreadsheet,
 * so it is written as OWASP advises, after a single quote and in double
 * quotes ("'=HYPERLINK(...)"), which the spreadsheet shows as text. */
void csv_text(FILE *out, const char *s, int first)
{
	csv_put(out, s, first, s && strchr("=+-@\t\r", s[0]) && s[0]);
}

void csv_fieldf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = ap_xvasprintf(fmt, ap);
	va_end(ap);
	csv_field(out, s, 0);
	free(s);
}
