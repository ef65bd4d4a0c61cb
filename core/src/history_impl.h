/* A site's history inside (history.c builds it, history_table.c and the
 * JSON writer read it). */
#ifndef APPUI_HISTORY_IMPL_H
#define APPUI_HISTORY_IMPL_H

#include "appui/history.h"

#include "util.h"

/* An indicator of a diagnostic's theme, as the score JSON gives it. */
typedef struct hist_ind {
	const char *ref;
	double value, contribution;
	int level;
} hist_ind;

typedef struct hist_diag {
	ap_history_diagnostic pub;
	const char *site_name;
	ap_history_theme *themes; /* by theme id */
	hist_ind **inds;          /* inds[t]: theme t's indicators */
	size_t *n_inds;
} hist_diag;

/* An indicator that moved between two diagnostics; a side where it is
 * absent has has_from (has_to) 0. */
typedef struct hist_move {
	const char *ref;
	int has_from, has_to;
	int from_level, to_level;
	double from_value, to_value;
	double contribution_delta;
} hist_move;

/* The changes from diagnostic i to i + 1. */
typedef struct hist_pair {
	ap_history_change *changes;
	hist_move **moves; /* moves[c]: change c's, changes[c].n_moved */
	size_t n;
} hist_pair;

typedef struct hist_mission {
	ap_history_mission m; /* strings in the history's arena */
	int held;
} hist_mission;

struct ap_history {
	ap_history_options opt;
	const char *site_id;
	ap_arena arena;      /* the site, the diagnostics, the missions */
	ap_arena pair_arena; /* the pairs, made again at each case */
	hist_diag *diags;
	size_t n_diags, cap_diags;
	hist_pair *pairs;       /* n_diags - 1 of them */
	hist_mission *missions; /* by first day, then id */
	size_t n_missions, cap_missions;
};

/* 1 when mission m was held between diagnostics i and i + 1. */
int hist_between(const ap_history *h, size_t i, const hist_mission *m);

/* Band names in French, as the reports gloss them. */
const char *hist_band_fr(ap_band b);
const char *hist_verdict_fr(ap_history_verdict v);

#endif
