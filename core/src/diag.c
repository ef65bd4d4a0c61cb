#include "appui/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "appui/i18n.h"
#include "util.h"

struct ap_diags {
	ap_diag *items;
	size_t len, cap, errors;
};

ap_diags *ap_diags_new(void)
{
	return ap_xcalloc(1, sizeof(ap_diags));
}

void ap_diags_clear(ap_diags *d)
{
	for (size_t i = 0; i < d->len; i++) {
		free((char *)d->items[i].file);
		free((char *)d->items[i].field);
		if (d->items[i].shown != d->items[i].message)
			free((char *)d->items[i].shown);
		free((char *)d->items[i].message);
	}
	d->len = 0;
	d->errors = 0;
}

void ap_diags_free(ap_diags *d)
{
	if (!d)
		return;
	ap_diags_clear(d);
	free(d->items);
	free(d);
}

/* A diagnostic is one line; library messages may hold several. */
static void one_line(char *message)
{
	size_t n = strlen(message);
	while (n && (message[n - 1] == '\n' || message[n - 1] == ' '))
		message[--n] = '\0';
	for (char *p = message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* Takes `message` and `shown` (NULL, or `message`: the same text). */
static void push(ap_diags *d, ap_severity sev, const char *file, long line,
                 const char *field, char *message, char *shown)
{
	if (d->len == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->items = ap_xrealloc(d->items, d->cap * sizeof(*d->items));
	}
	one_line(message);
	if (shown && shown != message && strcmp(shown, message) != 0)
		one_line(shown);
	else {
		if (shown != message)
			free(shown);
		shown = message;
	}
	d->items[d->len++] = (ap_diag){
	    .severity = sev,
	    .file = ap_xstrdup(file ? file : "-"),
	    .line = line,
	    .field = ap_xstrdup(field ? field : ""),
	    .message = message,
	    .shown = shown,
	};
	if (sev == AP_ERROR)
		d->errors++;
}

void ap_diags_add(ap_diags *d, ap_severity sev, const char *file, long line,
                  const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ap_diags_addv(d, sev, file, line, field, fmt, ap);
	va_end(ap);
}

void ap_diags_addv(ap_diags *d, ap_severity sev, const char *file, long line,
                   const char *field, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	char *message = ap_xvasprintf(fmt, ap);
	const char *local = ap_tr(fmt);
	char *shown = local != fmt ? ap_xvasprintf(local, again) : NULL;
	va_end(again);
	push(d, sev, file, line, field, message, shown);
}

void ap_diags_add_shown(ap_diags *d, ap_severity sev, const char *file,
                        long line, const char *field, const char *message,
                        const char *shown)
{
	push(d, sev, file, line, field, ap_xstrdup(message),
	     shown && *shown ? ap_xstrdup(shown) : NULL);
}

size_t ap_diags_count(const ap_diags *d)
{
	return d->len;
}

const ap_diag *ap_diags_at(const ap_diags *d, size_t i)
{
	return i < d->len ? &d->items[i] : NULL;
}

size_t ap_diags_errors(const ap_diags *d)
{
	return d->errors;
}

void ap_diags_move(ap_diags *dst, ap_diags *src, int strict)
{
	for (size_t i = 0; i < src->len; i++) {
		ap_diag *g = &src->items[i];
		ap_severity sev = strict ? AP_ERROR : g->severity;
		push(dst, sev, g->file, g->line, g->field, (char *)g->message,
		     (char *)g->shown);
		free((char *)g->file);
		free((char *)g->field);
	}
	src->len = 0;
	src->errors = 0;
}

/* FILE:LINE: FIELD: message, inert, without its newline; in the user's
 * language when `shown`. */
static void diag_line(ap_buf *b, const ap_diag *g, int shown)
{
	/* File names, fields and messages quote what files hold: inert. */
	ap_buf_inert(b, g->file, 0);
	ap_buf_printf(b, ":%ld: ", g->line);
	if (g->field[0]) {
		ap_buf_inert(b, g->field, 0);
		ap_buf_puts(b, ": ");
	}
	if (g->severity == AP_WARNING)
		ap_buf_puts(b, shown ? ap_tr("warning: ") : "warning: ");
	ap_buf_inert(b, shown && g->shown ? g->shown : g->message, 0);
}

char *ap_diag_text(const ap_diag *g)
{
	ap_buf b;
	ap_buf_init(&b);
	diag_line(&b, g, 0);
	ap_buf_putc(&b, '\0');
	return b.data;
}

void ap_diag_print(FILE *out, const ap_diag *g)
{
	ap_buf b;
	ap_buf_init(&b);
	diag_line(&b, g, 1);
	ap_buf_putc(&b, '\n');
	fwrite(b.data, 1, b.len, out);
	ap_buf_free(&b);
}

void ap_print_inert(FILE *out, const char *text)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_inert(&b, text ? text : "", 0);
	if (b.len)
		fwrite(b.data, 1, b.len, out);
	ap_buf_free(&b);
}
