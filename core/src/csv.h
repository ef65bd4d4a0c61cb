/* CSV cells (csv.c): the plan's and the scores' CSV outputs. */
#ifndef APPUI_CSV_H
#define APPUI_CSV_H

#include <stdio.h>

#include "appui/common.h"

/* A field of appui's own (a header, a number, a date), after a comma
 * unless `first`. */
void csv_field(FILE *out, const char *s, int first);
/* A field from a case file or a campaign: as csv_field, and a cell that
 * starts with =, +, -, @, a tab or a CR is written after a single quote,
 * in double quotes ("'=1+1"), which a spreadsheet shows as text. */
void csv_text(FILE *out, const char *s, int first);
/* csv_field() of a formatted number, never first. */
void csv_fieldf(FILE *out, const char *fmt, ...) AP_PRINTF(2, 3);

#endif
