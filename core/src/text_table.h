/*
 * Tables for a terminal (internal): column widths from the cells, measured
 * in code points (the display width of the Latin text of this domain);
 * cells made inert (ap_buf_inert: a control, a bidirectional override or a
 * line separator from a case file is shown as its escape, never obeyed);
 * headings marked with N_() and shown in the user's language. Used by the
 * plan's report and a site's history.
 */
#ifndef APPUI_TEXT_TABLE_H
#define APPUI_TEXT_TABLE_H

#include <stdio.h>

#include "util.h"

typedef struct text_table {
	size_t ncols;
	const char *const *head; /* N_() strings */
	const char *align;       /* 'l' or 'r', one per column */
	ap_ptrs cells;           /* row-major, owned */
} text_table;

/* `s` inert, to free. */
char *text_table_inert(const char *s);
/* A cell: `s` inert, "-" for NULL. */
void text_table_add(text_table *t, const char *s);
void text_table_addf(text_table *t, const char *fmt, ...) AP_PRINTF(2, 3);
/* The headings and the rows, each line after `indent`, without trailing
 * spaces; the cells are freed. */
void text_table_print(FILE *out, text_table *t, const char *indent);

#endif
