/* The report's data, shared by its writers (document_html*.c,
 * workbook.c): the parsed JSON of the command's outputs. */
#ifndef APPUI_DOCUMENT_IMPL_H
#define APPUI_DOCUMENT_IMPL_H

#include <jansson.h>

#include "appui/document.h"

struct ap_document {
	json_t *cases; /* array: each case as `score --format json` gives it,
	                  in input order */
	json_t *plan;  /* the object `plan --format json` gives, or NULL */
};

#endif
