/*
 * The report's follow-up (docs/reports.md): a chart per site of its need
 * per theme over its diagnostics, with its missions marked, and the
 * campaign's outcome (appui followup's JSON) in a table.
 */
#include <stdlib.h>
#include <string.h>

#include "appui/calendar.h"
#include "document_impl.h"

#define CHART_W 640
#define CHART_H 220
#define PAD_L   40
#define PAD_R   16
#define PAD_T   24
#define PAD_B   28

static ap_day day_of(const char *iso)
{
	ap_date d;
	if (!iso || ap_date_parse(iso, &d) != 0)
		return 0;
	return ap_day_from_date(d);
}

/* The cases of `site_id`, by diagnostic date then case id (to free). */
static const json_t **site_cases(const ap_document *doc, const char *site_id,
                                 size_t *n)
{
	size_t cap = json_array_size(doc->cases), i;
	const json_t **v = ap_xcalloc(cap + 1, sizeof(*v));
	json_t *c;
	*n = 0;
	json_array_foreach(doc->cases, i, c)
	{
		if (strcmp(doc_str(c, "site_id"), site_id) != 0)
			continue;
		size_t k = (*n)++;
		while (k > 0) {
			const json_t *p = v[k - 1];
			int cmp = strcmp(doc_str(p, "diagnosed"),
			                 doc_str(c, "diagnosed"));
			if (cmp < 0 ||
			    (cmp == 0 && strcmp(doc_str(p, "case_id"),
			                        doc_str(c, "case_id")) <= 0))
				break;
			v[k] = v[k - 1];
			k--;
		}
		v[k] = c;
	}
	return v;
}

/* A mission's days to mark: held ones as held, the others as planned. */
static void mission_span(const json_t *m, ap_day *first, ap_day *last)
{
	const char *hf = doc_str(m, "held_first");
	if (*hf) {
		*first = day_of(hf);
		*last = day_of(doc_str(m, "held_last"));
		return;
	}
	const json_t *dates = json_object_get(m, "dates");
	*first = day_of(json_string_value(json_array_get(dates, 0)));
	*last = day_of(json_string_value(
	    json_array_get(dates, json_array_size(dates) - 1)));
}

typedef struct chart {
	ap_day from, to;
} chart;

static double x_of(const chart *ch, ap_day d)
{
	double span = (double)(ch->to - ch->from);
	return PAD_L + (CHART_W - PAD_L - PAD_R) * (double)(d - ch->from) /
	                   (span > 0 ? span : 1);
}

static double y_of(double need)
{
	return PAD_T + (CHART_H - PAD_T - PAD_B) * (100.0 - need) / 100.0;
}

static void widen(chart *ch, ap_day d)
{
	if (!d)
		return;
	if (!ch->from || d < ch->from)
		ch->from = d;
	if (!ch->to || d > ch->to)
		ch->to = d;
}

static void axes(ap_buf *b, const chart *ch)
{
	for (int need = 0; need <= 100; need += 25)
		ap_buf_printf(b,
		              "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
		              "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"axis\" "
		              "x=\"%d\" y=\"%.1f\">%d</text>",
		              PAD_L, CHART_W - PAD_R, y_of(need), y_of(need), 4,
		              y_of(need) + 3, need);
	ap_date a = ap_date_from_day(ch->from), z = ap_date_from_day(ch->to);
	for (int year = a.year + 1; year <= z.year; year++) {
		ap_day d = ap_day_from_date((ap_date){year, 1, 1});
		ap_buf_printf(b,
		              "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" "
		              "y1=\"%d\" y2=\"%d\"/><text class=\"axis\" "
		              "x=\"%.1f\" y=\"%d\">%d</text>",
		              x_of(ch, d), x_of(ch, d), PAD_T, CHART_H - PAD_B,
		              x_of(ch, d) + 2, CHART_H - PAD_B + 14, year);
	}
}

static void missions_marks(ap_buf *b, const chart *ch, const json_t **m,
                           size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ap_day f, l;
		mission_span(m[i], &f, &l);
		int held = *doc_str(m[i], "held_first") != '\0';
		double x = x_of(ch, f), w = x_of(ch, l + 1) - x;
		ap_buf_printf(b,
		              "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" "
		              "width=\"%.1f\" height=\"%d\"><title>",
		              held ? "heldm" : "plannedm", x, PAD_T,
		              w < 5 ? 5 : w, CHART_H - PAD_T - PAD_B);
		ap_buf_html(b, doc_str(m[i], "mission_id"));
		ap_buf_puts(b, "</title></rect><text class=\"label\" x=\"");
		ap_buf_printf(b, "%.1f\" y=\"%d\">", x, PAD_T - 6);
		ap_buf_html(b, doc_str(m[i], "mission_id"));
		ap_buf_puts(b, held ? " (tenue)" : " (prévue)");
		ap_buf_puts(b, "</text>");
	}
}

static const char *theme_class(const char *theme)
{
	return strcmp(theme, "quality") == 0 ? "tq"
	       : strcmp(theme, "urban") == 0 ? "tu"
	                                     : "ts";
}

static const json_t *theme_in(const json_t *c, const char *name)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(c, "themes"), i, t)
	{
		if (strcmp(doc_str(t, "theme"), name) == 0)
			return t;
	}
	return NULL;
}

/* One theme's line through the diagnostics that score it. */
static void theme_line(ap_buf *b, const chart *ch, const json_t **cases,
                       size_t n, const char *theme)
{
	ap_buf_printf(b, "<polyline class=\"line %s\" points=\"",
	              theme_class(theme));
	for (size_t i = 0; i < n; i++) {
		const json_t *t = theme_in(cases[i], theme);
		if (t)
			ap_buf_printf(
			    b, "%.1f,%.1f ",
			    x_of(ch, day_of(doc_str(cases[i], "diagnosed"))),
			    y_of(doc_num(t, "need")));
	}
	ap_buf_puts(b, "\"/>");
	for (size_t i = 0; i < n; i++) {
		const json_t *t = theme_in(cases[i], theme);
		if (!t)
			continue;
		double x = x_of(ch, day_of(doc_str(cases[i], "diagnosed")));
		ap_buf_printf(b,
		              "<line class=\"whisker %s\" x1=\"%.1f\" "
		              "x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
		              "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
		              "r=\"3.5\"><title>",
		              theme_class(theme), x, x,
		              y_of(doc_num(t, "need_low")),
		              y_of(doc_num(t, "need_high")), theme_class(theme),
		              x, y_of(doc_num(t, "need")));
		ap_buf_html(b, doc_theme_fr(theme));
		ap_buf_printf(b, " %s, %s</title></circle>",
		              doc_date_fr(doc_str(cases[i], "diagnosed")).s,
		              doc_fr(doc_num(t, "need"), 2).s);
	}
}

/* The themes of the site's cases, each once, in the order met. */
static size_t chart_themes(const json_t **cases, size_t n, const char **out,
                           size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j;
		json_t *t;
		json_array_foreach(json_object_get(cases[i], "themes"), j, t)
		{
			const char *name = doc_str(t, "theme");
			size_t m = 0;
			while (m < k && strcmp(out[m], name) != 0)
				m++;
			if (m == k && k < cap)
				out[k++] = name;
		}
	}
	return k;
}

/* The missions of `site_id` (to free). */
static const json_t **site_missions(const ap_document *doc, const char *site_id,
                                    size_t *n)
{
	const json_t *all = json_object_get(doc->missions, "missions");
	const json_t **v = ap_xcalloc(json_array_size(all) + 1, sizeof(*v));
	size_t i;
	json_t *m;
	*n = 0;
	json_array_foreach(all, i, m)
	{
		if (strcmp(doc_str(m, "site_id"), site_id) == 0 &&
		    strcmp(doc_str(m, "status"), "cancelled") != 0)
			v[(*n)++] = m;
	}
	return v;
}

static void chart_svg(ap_buf *b, const json_t **cases, size_t n,
                      const json_t **m, size_t nm)
{
	chart ch = {0, 0};
	for (size_t i = 0; i < n; i++)
		widen(&ch, day_of(doc_str(cases[i], "diagnosed")));
	for (size_t i = 0; i < nm; i++) {
		ap_day f, l;
		mission_span(m[i], &f, &l);
		widen(&ch, f);
		widen(&ch, l + 1);
	}
	ch.from -= 60;
	ch.to += 60;
	ap_buf_printf(b,
	              "<svg class=\"history\" viewBox=\"0 0 %d %d\" "
	              "role=\"img\" aria-label=\"Besoin par thème au fil des "
	              "diagnostics\">",
	              CHART_W, CHART_H);
	axes(b, &ch);
	missions_marks(b, &ch, m, nm);
	const char *themes[8];
	size_t nt = chart_themes(cases, n, themes, 8);
	for (size_t t = 0; t < nt; t++)
		theme_line(b, &ch, cases, n, themes[t]);
	ap_buf_puts(b, "</svg><p class=\"legend\">");
	for (size_t t = 0; t < nt; t++) {
		ap_buf_printf(b, "<span class=\"%s\">&#9632; ",
		              theme_class(themes[t]));
		ap_buf_html(b, doc_theme_fr(themes[t]));
		ap_buf_puts(b, "</span>");
	}
	ap_buf_puts(b, "<span>besoin 0–100, plus bas est mieux ; trait "
	               "vertical : l'intervalle sous données manquantes ; "
	               "bande : la mission</span></p>");
}

void doc_history(ap_buf *b, const ap_document *doc, const json_t *c)
{
	size_t n, nm;
	const json_t **cases = site_cases(doc, doc_str(c, "site_id"), &n);
	const json_t **m = site_missions(doc, doc_str(c, "site_id"), &nm);
	if (n >= 2 || nm >= 1) {
		ap_buf_printf(b,
		              "<h4>Au fil du temps (history): %zu diagnostic%s",
		              n, n > 1 ? "s" : "");
		if (nm)
			ap_buf_printf(b, ", %zu mission%s", nm,
			              nm > 1 ? "s" : "");
		ap_buf_puts(b, "</h4>");
		chart_svg(b, cases, n, m, nm);
	}
	free(cases);
	free(m);
}

/* ---- the campaign's outcome -----------------------------------------------
 */

static const char *verdict_fr(const char *v)
{
	return strcmp(v, "improved") == 0   ? "amélioré (improved)"
	       : strcmp(v, "worsened") == 0 ? "dégradé (worsened)"
	                                    : "pas de changement net";
}

static void names(ap_buf *b, const json_t *a)
{
	size_t i;
	json_t *s;
	if (!json_array_size(a)) {
		ap_buf_puts(b, "—");
		return;
	}
	json_array_foreach(a, i, s)
	{
		if (i)
			ap_buf_puts(b, ", ");
		ap_buf_html(b, json_string_value(s));
	}
}

static void outcome_themes(ap_buf *b, const json_t *f)
{
	ap_buf_puts(b, "<table id=\"outcome\"><thead><tr><th>Thème</th>"
	               "<th class=\"n\">Sites</th><th>Bande meilleure</th>"
	               "<th>Bande inchangée</th><th>Bande plus mauvaise</th>"
	               "<th class=\"n\">Changement médian du besoin</th>"
	               "</tr></thead><tbody>");
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(f, "themes"), i, t)
	{
		ap_buf_puts(b, "<tr class=\"outcome\"><td>");
		ap_buf_html(b, doc_theme_fr(doc_str(t, "theme")));
		ap_buf_printf(b,
		              "</td><td class=\"n\">%lld</td><td><b>%lld</b> ",
		              (long long)doc_num(t, "sites"),
		              (long long)doc_num(t, "better_band"));
		names(b, json_object_get(t, "better_band_sites"));
		ap_buf_printf(b, "</td><td><b>%lld</b> ",
		              (long long)doc_num(t, "same_band"));
		names(b, json_object_get(t, "same_band_sites"));
		ap_buf_printf(b, "</td><td><b>%lld</b> ",
		              (long long)doc_num(t, "worse_band"));
		names(b, json_object_get(t, "worse_band_sites"));
		ap_buf_printf(b, "</td><td class=\"n\">%s</td></tr>",
		              doc_fr(doc_num(t, "median_change"), 2).s);
	}
	ap_buf_puts(b, "</tbody></table>");
}

static void outcome_sites(ap_buf *b, const json_t *f)
{
	ap_buf_puts(b, "<div class=\"scroll\"><table id=\"outcome-sites\">"
	               "<thead><tr><th>Site</th><th>Mission</th><th>Tenue "
	               "jusqu'au</th><th>Diagnostic suivant</th><th>Thème</th>"
	               "<th class=\"n\">Besoin avant → après</th><th>Bande"
	               "</th><th>Verdict</th></tr></thead><tbody>");
	size_t i, k;
	json_t *s, *t;
	json_array_foreach(json_object_get(f, "sites"), i, s)
	{
		json_array_foreach(json_object_get(s, "themes"), k, t)
		{
			ap_buf_puts(b, "<tr><td><a href=\"#site-");
			ap_buf_html(
			    b, doc_str(json_object_get(s, "after"), "case_id"));
			ap_buf_puts(b, "\">");
			ap_buf_html(b, doc_str(s, "site_id"));
			ap_buf_puts(b, "</a></td><td>");
			ap_buf_html(b, doc_str(s, "mission_id"));
			ap_buf_printf(
			    b, "</td><td>%s</td><td>%s</td><td>",
			    doc_date_fr(doc_str(s, "held_last")).s,
			    doc_date_fr(doc_str(json_object_get(s, "after"),
			                        "diagnosed"))
			        .s);
			ap_buf_html(b, doc_theme_fr(doc_str(t, "theme")));
			ap_buf_printf(b, "</td><td class=\"n\">%s → %s</td>",
			              doc_fr(doc_num(t, "need_before"), 2).s,
			              doc_fr(doc_num(t, "need_after"), 2).s);
			int a = doc_band(doc_str(t, "band_before")),
			    z = doc_band(doc_str(t, "band_after"));
			ap_buf_printf(
			    b,
			    "<td><span class=\"b%d\">%s</span> → <span "
			    "class=\"b%d\">%s</span></td><td>%s</td></tr>",
			    a, doc_band_fr(a), z, doc_band_fr(z),
			    verdict_fr(doc_str(t, "verdict")));
		}
	}
	ap_buf_puts(b, "</tbody></table></div>");
}

void doc_outcome(ap_buf *b, const json_t *f)
{
	ap_buf_printf(b,
	              "<section id=\"followup\"><h2>Suivi de la campagne "
	              "(follow-up)</h2><p>%lld missions tenues ; %zu sites "
	              "avec un diagnostic ultérieur. Un changement n'est dit "
	              "« amélioré » que si le besoin baisse de plus de %s "
	              "points et que les intervalles sous données manquantes "
	              "ne se recouvrent pas.</p>",
	              (long long)doc_num(f, "held"),
	              json_array_size(json_object_get(f, "sites")),
	              doc_fr(doc_num(f, "margin"), 0).s);
	outcome_themes(b, f);
	outcome_sites(b, f);
	ap_buf_puts(b, "</section>\n");
}
