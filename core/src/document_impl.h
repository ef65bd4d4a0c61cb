/* The report's data, shared by its writers (document_html*.c,
 * workbook.c): the parsed JSON of the command's outputs. */
#ifndef APPUI_DOCUMENT_IMPL_H
#define APPUI_DOCUMENT_IMPL_H

#include <jansson.h>

#include "appui/document.h"

struct ap_document {
	json_t *cases;    /* array: each case as `score --format json` gives it,
	                     in input order */
	json_t *plan;     /* the object `plan --format json` gives, or NULL */
	json_t *missions; /* `mission list --format json`'s, or NULL */
	json_t *followup; /* `followup --format json`'s, or NULL */
};

/* The cases as the score table ranks them (ap_score_row_rank): missions
 * by decreasing priority, then the others by decreasing top need; site id,
 * case id, then input order settle ties. Shared by both writers. */
typedef struct doc_ranked {
	const json_t *c;
	int has_mission;
	double key; /* the mission's priority, else the top need */
	size_t input;
} doc_ranked;
/* The ranked cases (to free) and their number in `*n`. */
doc_ranked *doc_rank(const ap_document *doc, size_t *n);
/* A case's highest theme need (-1 when it has no theme). */
double doc_top_need(const json_t *c);

/* The HTML writer's parts (document_html.c, document_site.c,
 * document_plan.c). */
#include "util.h"

int doc_band(const char *band);    /* "good" 0 ... "critical" 3 */
const char *doc_band_fr(int band); /* "bon" ... "critique" */
const char *doc_theme_fr(const char *theme);
const char *doc_str(const json_t *o, const char *key); /* "" when absent */
double doc_num(const json_t *o, const char *key);
void doc_need_bar(ap_buf *b, const json_t *theme);
/* A number as French readers write it: 157 330,00 (a narrow no-break space
 * between thousands, a decimal comma), valid to the end of the expression:
 * doc_fr(x, 2).s. */
typedef struct doc_number {
	char s[48];
} doc_number;
doc_number doc_fr(double x, int places);
/* "2016-05-02" as 02/05/2016 (other text as it is). */
doc_number doc_date_fr(const char *iso);
/* A site's page: context, each theme's indicators, rules and levers. */
void doc_site(ap_buf *b, const ap_document *doc, const json_t *c);
/* A site's need per theme over its diagnostics, its missions marked
 * (document_follow.c); nothing for a site seen once and never planned. */
void doc_history(ap_buf *b, const ap_document *doc, const json_t *c);
/* The campaign's outcome: per theme, then per site. */
void doc_outcome(ap_buf *b, const json_t *followup);
/* The plan: totals, a Gantt chart per firm, the sites not planned. */
void doc_plan(ap_buf *b, const json_t *plan);
/* Days and euros against the budget, as gauges. */
void doc_budget(ap_buf *b, const json_t *plan);

#endif
