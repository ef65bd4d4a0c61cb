/* Numbers in appui's JSON outputs (scores, plans): rounded as printed, and
 * whole numbers without a fraction. Shared by report.c and plan_report.c. */
#ifndef APPUI_JSONOUT_H
#define APPUI_JSONOUT_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "appui/diag.h"
#include "util.h"

/* Appends `s` (NULL: nothing) with each malformed UTF-8 byte replaced by
 * U+FFFD. */
void jsonout_put_utf8(ap_buf *b, const char *s);

/* A JSON string, or null for NULL; text that is not UTF-8 (a file name,
 * say) is kept, repaired, where json_string() alone would drop the field. */
json_t *jsonout_str(const char *s);

/* `\uNNNN` for the code point `cp` (of the BMP). */
void jsonout_put_u(ap_buf *b, unsigned cp);

/*
 * json_dumpf(), with C1 controls, bidirectional controls and line
 * separators written as \uNNNN escapes, as C0 controls are: JSON allows them
 * raw, but a terminal or a viewer showing the file would obey them, and
 * U+2028/U+2029 end a line in JavaScript. Returns -1 on a write error.
 */
int jsonout_dumpf(const json_t *j, FILE *out, size_t flags);

/* The problems of one severity as [{"file","line","field","message"}]. */
json_t *jsonout_diags(const ap_diags *d, ap_severity sev);

/* Rounded to `places` decimals, as the outputs print it. */
static inline double jround(double x, int places)
{
	double scale = places == 2 ? 100.0 : pow(10.0, places);
	return round(x * scale) / scale;
}

/* A number: integers print without a fraction (61, not 61.0); a value that
 * is not finite has no JSON form and is null. */
static inline json_t *jnum(double x)
{
	if (!isfinite(x))
		return json_null();
	if (x == floor(x) && fabs(x) < 1e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

#endif
