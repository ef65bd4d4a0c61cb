/*
 * A site's history for a terminal: the diagnostics (a row per theme), then
 * each change with the missions held between and the indicators that
 * moved, then every mission given. Text from the case files is shown inert
 * (ap_buf_inert): a site name cannot move the cursor or forge a line.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "appui/status.h"
#include "history_impl.h"
#include "text_table.h"

/* Inert text for a line of its own. */
static void put_inert(FILE *out, const char *s)
{
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	ap_buf_inert(&b, s ? s : "-", 0);
	fputs(b.data, out);
	ap_buf_free(&b);
}

static void table_diagnostics(FILE *out, const ap_history *h)
{
	static const char *const head[] = {
	    N_("DATE"), N_("CASE"),     N_("FIRM"), N_("THEME"),
	    N_("NEED"), N_("INTERVAL"), N_("BAND")};
	text_table t = {AP_ARRAY_LEN(head), head, "llllrrl", {0}};
	for (size_t i = 0; i < h->n_diags; i++) {
		const ap_history_diagnostic *d = &h->diags[i].pub;
		for (size_t k = 0; k < d->n_themes || k == 0; k++) {
			text_table_add(&t, k ? "" : d->diagnosed);
			text_table_add(&t, k ? "" : d->case_id);
			text_table_add(&t, k ? "" : d->firm);
			if (!d->n_themes) {
				for (int c = 0; c < 4; c++)
					text_table_add(&t, "-");
				break;
			}
			const ap_history_theme *th = &d->themes[k];
			text_table_add(&t, th->theme);
			text_table_addf(&t, "%.2f", th->need);
			text_table_addf(&t, "%.2f..%.2f", th->need_low,
			                th->need_high);
			text_table_addf(&t, "%s (%s)", ap_band_name(th->band),
			                hist_band_fr(th->band));
		}
	}
	fputs(_("Diagnostics (diagnostics du site), by date:\n"), out);
	text_table_print(out, &t, "  ");
}

static const ap_history_theme *theme_of(const hist_diag *d, const char *id)
{
	for (size_t i = 0; i < d->pub.n_themes; i++)
		if (strcmp(d->themes[i].theme, id) == 0)
			return &d->themes[i];
	return NULL;
}

static void band_cell(text_table *t, const hist_diag *x, const hist_diag *y,
                      const ap_history_change *c)
{
	const ap_history_theme *a = theme_of(x, c->theme);
	const ap_history_theme *b = theme_of(y, c->theme);
	if (c->band_change == AP_HISTORY_BAND_NONE || !a || !b)
		text_table_add(t, "-");
	else if (c->band_change == AP_HISTORY_BAND_SAME)
		text_table_addf(t, "same band (%s)", ap_band_name(a->band));
	else
		text_table_addf(t, "%s (%s -> %s)",
		                ap_history_band_change_name(c->band_change),
		                ap_band_name(a->band), ap_band_name(b->band));
}

static void table_themes(FILE *out, const ap_history *h, size_t i)
{
	static const char *const head[] = {N_("THEME"), N_("DELTA"),
	                                   N_("VERDICT"), N_("BAND")};
	text_table t = {AP_ARRAY_LEN(head), head, "lrll", {0}};
	const hist_pair *p = &h->pairs[i];
	for (size_t c = 0; c < p->n; c++) {
		const ap_history_change *ch = &p->changes[c];
		text_table_add(&t, ch->theme);
		if (ch->verdict == AP_HISTORY_NOT_COMPARABLE)
			text_table_add(&t, "-");
		else
			text_table_addf(&t, "%+.2f", ch->delta);
		text_table_addf(&t, "%s (%s)",
		                ap_history_verdict_name(ch->verdict),
		                hist_verdict_fr(ch->verdict));
		band_cell(&t, &h->diags[i], &h->diags[i + 1], ch);
	}
	text_table_print(out, &t, "  ");
}

static void side_cells(text_table *t, const hist_move *m)
{
	char from[32] = "-", to[32] = "-";
	if (m->has_from)
		snprintf(from, sizeof from, "%d", m->from_level);
	if (m->has_to)
		snprintf(to, sizeof to, "%d", m->to_level);
	text_table_addf(t, "%s -> %s", from, to);
	snprintf(from, sizeof from, m->has_from ? "%.15g" : "-", m->from_value);
	snprintf(to, sizeof to, m->has_to ? "%.15g" : "-", m->to_value);
	text_table_addf(t, "%s -> %s", from, to);
}

static void table_moves(FILE *out, const ap_history *h, size_t i)
{
	static const char *const head[] = {N_("THEME"), N_("INDICATOR"),
	                                   N_("LEVEL"), N_("VALUE"),
	                                   N_("CONTRIBUTION")};
	text_table t = {AP_ARRAY_LEN(head), head, "llllr", {0}};
	const hist_pair *p = &h->pairs[i];
	for (size_t c = 0; c < p->n; c++)
		for (size_t k = 0; k < p->changes[c].n_moved; k++) {
			const hist_move *m = &p->moves[c][k];
			text_table_add(&t, p->changes[c].theme);
			text_table_add(&t, m->ref);
			side_cells(&t, m);
			text_table_addf(&t, "%+.2f", m->contribution_delta);
		}
	if (!t.cells.len) {
		fputs(_("  No indicator moved.\n"), out);
		return;
	}
	fputs(_("  Indicators that moved (leviers qui ont bougé):\n"), out);
	text_table_print(out, &t, "  ");
}

static void between(FILE *out, const ap_history *h, size_t i)
{
	size_t n = 0;
	for (size_t k = 0; k < h->n_missions; k++) {
		const hist_mission *m = &h->missions[k];
		if (!hist_between(h, i, m))
			continue;
		fputs(n++ ? ", " : "  Missions held between: ", out);
		put_inert(out, m->m.mission_id);
		fputs(" (", out);
		put_inert(out, m->m.firm);
		fprintf(out, ", %s..%s)", m->m.first, m->m.last);
	}
	fputs(n ? "\n" : "  No mission held between.\n", out);
}

static void table_changes(FILE *out, const ap_history *h)
{
	if (h->n_diags < 2)
		return;
	fprintf(out,
	        _("\nChanges (évolution): a clear change is a need moved by "
	          "more than %g points, its intervals apart\n"),
	        h->opt.margin);
	for (size_t i = 0; i + 1 < h->n_diags; i++) {
		const hist_diag *x = &h->diags[i], *y = &h->diags[i + 1];
		fprintf(out, "\n%s ", x->pub.diagnosed);
		put_inert(out, x->pub.case_id);
		fprintf(out, " -> %s ", y->pub.diagnosed);
		put_inert(out, y->pub.case_id);
		fputs(":\n", out);
		between(out, h, i);
		table_themes(out, h, i);
		table_moves(out, h, i);
	}
}

static void table_missions(FILE *out, const ap_history *h)
{
	static const char *const head[] = {N_("MISSION"), N_("FIRM"),
	                                   N_("STATUS"), N_("DAYS")};
	text_table t = {AP_ARRAY_LEN(head), head, "llll", {0}};
	if (!h->n_missions)
		return;
	for (size_t k = 0; k < h->n_missions; k++) {
		const hist_mission *m = &h->missions[k];
		text_table_add(&t, m->m.mission_id);
		text_table_add(&t, m->m.firm);
		text_table_add(&t, m->m.status);
		text_table_addf(&t, "%s..%s", m->m.first, m->m.last);
	}
	fputs(_("\nMissions of the site (missions d'appui):\n"), out);
	text_table_print(out, &t, "  ");
}

int ap_history_table(FILE *out, const ap_history *h)
{
	fputs(_("Site "), out);
	put_inert(out, h->site_id);
	if (ap_history_site_name(h)) {
		fputs(", ", out);
		put_inert(out, ap_history_site_name(h));
	}
	fprintf(out, _(": %zu diagnostic%s (historique du site)\n\n"),
	        h->n_diags, h->n_diags == 1 ? "" : "s");
	if (h->n_diags)
		table_diagnostics(out, h);
	table_changes(out, h);
	table_missions(out, h);
	return ferror(out) ? AP_EOUTPUT : AP_OK;
}
