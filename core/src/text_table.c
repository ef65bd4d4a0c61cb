/* Tables for a terminal: see text_table.h. */
#include "text_table.h"

#include <stdarg.h>
#include <stdlib.h>

char *text_table_inert(const char *s)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	ap_buf_inert(&b, s, 0);
	return b.data;
}

static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

void text_table_add(text_table *t, const char *s)
{
	ap_ptrs_push(&t->cells, text_table_inert(s ? s : "-"));
}

void text_table_addf(text_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = ap_xvasprintf(fmt, ap);
	va_end(ap);
	text_table_add(t, s);
	free(s);
}

static void row_line(FILE *out, const text_table *t, const char *const *row,
                     const size_t *w, const char *indent)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, indent);
	for (size_t c = 0; c < t->ncols; c++) {
		size_t pad = w[c] - width(row[c]);
		if (c)
			ap_buf_puts(&b, "  ");
		for (size_t k = 0; t->align[c] == 'r' && k < pad; k++)
			ap_buf_putc(&b, ' ');
		ap_buf_puts(&b, row[c]);
		for (size_t k = 0; t->align[c] != 'r' && k < pad; k++)
			ap_buf_putc(&b, ' ');
	}
	/* A left-aligned last column would leave trailing spaces. */
	while (b.len && b.data[b.len - 1] == ' ')
		b.len--;
	fwrite(b.data, 1, b.len, out);
	fputc('\n', out);
	ap_buf_free(&b);
}

void text_table_print(FILE *out, text_table *t, const char *indent)
{
	size_t *w = ap_xcalloc(t->ncols, sizeof(*w));
	const char **head = ap_xcalloc(t->ncols, sizeof(*head));
	for (size_t c = 0; c < t->ncols; c++) {
		head[c] = _(t->head[c]);
		w[c] = width(head[c]);
	}
	for (size_t i = 0; i < t->cells.len; i++) {
		size_t cw = width(t->cells.items[i]);
		if (cw > w[i % t->ncols])
			w[i % t->ncols] = cw;
	}
	row_line(out, t, head, w, indent);
	for (size_t i = 0; i + t->ncols <= t->cells.len; i += t->ncols)
		row_line(out, t, (const char *const *)&t->cells.items[i], w,
		         indent);
	for (size_t i = 0; i < t->cells.len; i++)
		free(t->cells.items[i]);
	ap_ptrs_free(&t->cells);
	free(head);
	free(w);
}
