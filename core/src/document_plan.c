/* The report's plan: the budget used (gauges), a Gantt chart per firm over
 * the campaign window (holidays and the firm's days off shaded, each
 * mission a bar labelled with its site), the missions and why each firm,
 * the sites not planned with their reason, and the firms' bookings. */
#include <string.h>

#include "appui/calendar.h"
#include "document_impl.h"

#define GANTT_WIDTH 900.0
#define ROW         18

static ap_day day_of(const char *s)
{
	ap_date d;
	return s && ap_date_parse(s, &d) == 0 ? ap_day_from_date(d) : -1;
}

static void gauge(ap_buf *b, const char *what, double used, const json_t *cap,
                  const char *unit)
{
	ap_buf_printf(b, "<p>%s : <b>%s</b> %s", what, doc_fr(used, 0).s, unit);
	if (!json_is_number(cap)) {
		ap_buf_puts(b, " (pas de plafond)</p>");
		return;
	}
	double c = json_number_value(cap), f = c > 0 ? used / c : 0;
	double w = 300 * (f > 1 ? 1 : f);
	ap_buf_printf(
	    b,
	    " sur %s (%.0f %%)<br><svg viewBox=\"0 0 304 16\" "
	    "width=\"304\" height=\"16\" role=\"img\"><title>%.0f %% "
	    "du budget</title><rect class=\"track\" x=\"2\" y=\"2\" "
	    "width=\"300\" height=\"12\"/><rect class=\"bar\" "
	    "x=\"2\" y=\"2\" width=\"%.1f\" height=\"12\"/></svg></p>",
	    doc_fr(c, 0).s, 100 * f, 100 * f, w);
}

void doc_budget(ap_buf *b, const json_t *plan)
{
	const json_t *r = json_object_get(plan, "result");
	const json_t *bud =
	    json_object_get(json_object_get(plan, "campaign"), "budget");
	ap_buf_puts(b, "<h3>Budget</h3><div class=\"budget\">");
	gauge(b, "Jours financés", doc_num(r, "days"),
	      json_object_get(bud, "days"), "jours");
	gauge(b, "Euros (HT)", doc_num(r, "euros"),
	      json_object_get(bud, "euros"), "€");
	ap_buf_puts(b, "</div>");
}

/* ---- Gantt -----------------------------------------------------------------
 */

typedef struct scale {
	ap_day first, last;
	double px; /* per day */
} scale;

static double x_of(const scale *s, ap_day d)
{
	return (double)(d - s->first) * s->px;
}

static void shade(ap_buf *b, const scale *s, ap_day from, ap_day to,
                  const char *cls, double h)
{
	if (from < s->first)
		from = s->first;
	if (to > s->last)
		to = s->last;
	if (from > to)
		return;
	double w = (double)(to - from + 1) * s->px;
	ap_buf_printf(b,
	              "<rect class=\"%s\" x=\"%.2f\" y=\"14\" width=\"%.2f\" "
	              "height=\"%.0f\"/>",
	              cls, x_of(s, from), w < 1 ? 1 : w, h);
}

/* Month (or year) marks along the top. */
static void axis(ap_buf *b, const scale *s, double h)
{
	int step = s->px * 30 >= 45 ? 1 : s->px * 91 >= 45 ? 3 : 12;
	for (ap_day d = s->first; d <= s->last; d++) {
		ap_date t = ap_date_from_day(d);
		if (t.day != 1 || (t.month - 1) % step != 0)
			continue;
		double x = x_of(s, d);
		ap_buf_printf(b,
		              "<line class=\"grid\" x1=\"%.2f\" x2=\"%.2f\" "
		              "y1=\"12\" y2=\"%.0f\"/><text class=\"axis\" "
		              "x=\"%.2f\" y=\"10\">",
		              x, x, h + 14, x + 2);
		if (step == 12)
			ap_buf_printf(b, "%d</text>", t.year);
		else
			ap_buf_printf(b, "%02d/%d</text>", t.month, t.year);
	}
}

static void mission_bar(ap_buf *b, const scale *s, const json_t *m, int row)
{
	const json_t *dates = json_object_get(m, "dates");
	int fixed = json_is_true(json_object_get(m, "fixed"));
	double y = 14 + row * ROW + 4;
	ap_buf_puts(b, "<g class=\"mission\" data-mission=\"");
	ap_buf_html(b, doc_str(m, "mission"));
	ap_buf_puts(b, "\"><title>");
	ap_buf_html(b, doc_str(m, "mission"));
	ap_buf_puts(b, " ");
	ap_buf_html(b, doc_str(m, "site_name"));
	ap_buf_printf(
	    b, " : %lld jours",
	    (long long)json_integer_value(json_object_get(m, "days")));
	ap_buf_puts(b, "</title>");
	double x_end = 0, x_start = -1;
	size_t i;
	json_t *d;
	json_array_foreach(dates, i, d)
	{
		ap_day day = day_of(json_string_value(d));
		if (day < s->first || day > s->last)
			continue;
		double x = x_of(s, day), w = s->px < 2 ? 2 : s->px - 0.5;
		if (x_start < 0)
			x_start = x;
		x_end = x + w;
		ap_buf_printf(b,
		              "<rect class=\"%s\" x=\"%.2f\" y=\"%.0f\" "
		              "width=\"%.2f\" height=\"10\"/>",
		              fixed ? "fixedbar" : "bar", x, y, w);
	}
	int right = x_end + 90 < GANTT_WIDTH;
	ap_buf_printf(b, "<text class=\"label\" x=\"%.2f\" y=\"%.0f\"%s>",
	              right ? x_end + 3 : (x_start < 0 ? 0 : x_start) - 3,
	              y + 9, right ? "" : " text-anchor=\"end\"");
	ap_buf_html(b, doc_str(m, "site_id"));
	ap_buf_puts(b, "</text></g>");
}

static void gantt(ap_buf *b, const scale *s, const json_t *firm,
                  const json_t *missions)
{
	const char *id = doc_str(firm, "id");
	size_t n = 0, i;
	json_t *m;
	json_array_foreach(missions, i, m) n +=
	    strcmp(doc_str(m, "firm"), id) == 0;
	ap_buf_puts(b, "<h4>");
	ap_buf_html(b, doc_str(firm, "name"));
	ap_buf_puts(b, " <span class=\"muted\">");
	ap_buf_html(b, id);
	ap_buf_printf(
	    b, "</span> : %lld jours sur %lld</h4>",
	    (long long)json_integer_value(json_object_get(firm, "days_booked")),
	    (long long)json_integer_value(json_object_get(firm, "capacity")));
	if (!n) {
		ap_buf_puts(b, "<p class=\"muted\">Aucune mission.</p>");
		return;
	}
	double h = (double)n * ROW + 4;
	ap_buf_printf(b,
	              "<div class=\"scroll\"><svg class=\"gantt\" viewBox=\"0 "
	              "0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
	              "role=\"img\">",
	              GANTT_WIDTH, h + 16, GANTT_WIDTH, h + 16);
	for (ap_day d = s->first; d <= s->last; d++)
		if (ap_french_holiday(d))
			shade(b, s, d, d, "holiday", h);
	json_t *off;
	json_array_foreach(json_object_get(firm, "days_off"), i, off)
	    shade(b, s, day_of(doc_str(off, "start")),
	          day_of(doc_str(off, "end")), "off", h);
	axis(b, s, h);
	int row = 0;
	json_array_foreach(missions, i, m) if (strcmp(doc_str(m, "firm"), id) ==
	                                       0) mission_bar(b, s, m, row++);
	ap_buf_puts(b, "</svg></div>");
}

/* ---- tables -----------------------------------------------------------------
 */

static void missions_table(ap_buf *b, const json_t *missions)
{
	ap_buf_puts(b, "<h3>Les missions</h3><div class=\"scroll\"><table "
	               "id=\"missions\"><thead><tr><th>Mission</th><th>Site"
	               "</th><th>Bureau d'études</th><th class=\"n\">Jours"
	               "</th><th>Dates</th><th class=\"n\">Coût (€ HT)</th>"
	               "<th class=\"n\">Priorité</th><th>Pourquoi ce bureau"
	               "</th></tr></thead><tbody>");
	size_t i;
	json_t *m;
	json_array_foreach(missions, i, m)
	{
		const json_t *dates = json_object_get(m, "dates");
		size_t nd = json_array_size(dates);
		ap_buf_puts(b, "<tr><td>");
		ap_buf_html(b, doc_str(m, "mission"));
		ap_buf_puts(b, "</td><td>");
		ap_buf_html(b, doc_str(m, "site_name"));
		ap_buf_puts(b, " <span class=\"muted\">");
		ap_buf_html(b, doc_str(m, "site_id"));
		ap_buf_puts(b, "</span></td><td>");
		ap_buf_html(b, doc_str(m, "firm_name"));
		ap_buf_printf(
		    b, "</td><td class=\"n\">%lld</td><td>",
		    (long long)json_integer_value(json_object_get(m, "days")));
		if (nd) {
			const char *first =
			    json_string_value(json_array_get(dates, 0));
			const char *last =
			    json_string_value(json_array_get(dates, nd - 1));
			ap_buf_html(b, doc_date_fr(first).s);
			ap_buf_puts(b, " → ");
			ap_buf_html(b, doc_date_fr(last).s);
		}
		ap_buf_printf(b,
		              "</td><td class=\"n\">%s</td><td "
		              "class=\"n\">%s</td><td>",
		              doc_fr(doc_num(m, "cost"), 2).s,
		              doc_fr(doc_num(m, "priority"), 2).s);
		ap_buf_html(b, doc_str(m, "why"));
		ap_buf_puts(b, "</td></tr>\n");
	}
	ap_buf_puts(b, "</tbody></table></div>");
}

static void unplanned_table(ap_buf *b, const json_t *unplanned)
{
	ap_buf_printf(b, "<h3>Les sites non planifiés (%zu)</h3>",
	              json_array_size(unplanned));
	if (!json_array_size(unplanned)) {
		ap_buf_puts(b, "<p>Aucun : chaque site qui le demande a sa "
		               "mission.</p>");
		return;
	}
	ap_buf_puts(b, "<div class=\"scroll\"><table id=\"unplanned\"><thead>"
	               "<tr><th>Site</th><th class=\"n\">Priorité</th><th>"
	               "Raison</th><th>Détail</th><th>Ce qu'il faudrait</th>"
	               "</tr></thead><tbody>");
	size_t i;
	json_t *u;
	json_array_foreach(unplanned, i, u)
	{
		ap_buf_puts(b, "<tr><td>");
		ap_buf_html(b, doc_str(u, "site_name"));
		ap_buf_puts(b, " <span class=\"muted\">");
		ap_buf_html(b, doc_str(u, "site_id"));
		ap_buf_printf(b, "</span></td><td class=\"n\">%s</td><td>",
		              doc_fr(doc_num(u, "priority"), 2).s);
		ap_buf_html(b, doc_str(u, "reason"));
		ap_buf_puts(b, "</td><td>");
		ap_buf_html(b, doc_str(u, "detail"));
		ap_buf_puts(b, "</td><td>");
		ap_buf_html(b, doc_str(u, "would_take"));
		ap_buf_puts(b, "</td></tr>\n");
	}
	ap_buf_puts(b, "</tbody></table></div>");
}

void doc_plan(ap_buf *b, const json_t *plan)
{
	const json_t *camp = json_object_get(plan, "campaign");
	const json_t *w = json_object_get(camp, "window");
	const json_t *r = json_object_get(plan, "result");
	const json_t *missions = json_object_get(plan, "missions");
	ap_buf_puts(b, "<section id=\"plan\"><h2>Le plan : ");
	ap_buf_html(b, doc_str(camp, "name"));
	ap_buf_puts(b, "</h2><p>Du ");
	ap_buf_html(b, doc_date_fr(doc_str(w, "start")).s);
	ap_buf_puts(b, " au ");
	ap_buf_html(b, doc_date_fr(doc_str(w, "end")).s);
	ap_buf_printf(b, " : %zu missions, %s jours, %s € HT. ",
	              json_array_size(missions),
	              doc_fr(doc_num(r, "days"), 0).s,
	              doc_fr(doc_num(r, "euros"), 2).s);
	if (json_is_true(json_object_get(r, "optimal")))
		ap_buf_puts(b, "Plan optimal (prouvé).</p>");
	else
		ap_buf_printf(b, "Plan non prouvé optimal (écart %s %%).</p>",
		              doc_fr(doc_num(r, "gap"), 2).s);
	doc_budget(b, plan);
	scale s = {day_of(doc_str(w, "start")), day_of(doc_str(w, "end")), 1};
	if (s.first >= 0 && s.last >= s.first) {
		s.px = GANTT_WIDTH / (double)(s.last - s.first + 1);
		ap_buf_puts(b,
		            "<h3>Calendrier par bureau d'études</h3><p "
		            "class=\"legend\"><svg viewBox=\"0 0 12 12\" "
		            "width=\"12\" height=\"12\"><rect class=\"bar\" "
		            "width=\"12\" height=\"12\"/></svg> mission <svg "
		            "viewBox=\"0 0 12 12\" width=\"12\" height=\"12\">"
		            "<rect class=\"holiday\" width=\"12\" "
		            "height=\"12\"/></svg> jour férié <svg viewBox=\"0 "
		            "0 12 12\" width=\"12\" height=\"12\"><rect "
		            "class=\"off\" width=\"12\" height=\"12\"/></svg> "
		            "congés du bureau</p>");
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(plan, "firms"), i, f)
		    gantt(b, &s, f, missions);
	}
	missions_table(b, missions);
	unplanned_table(b, json_object_get(plan, "unplanned"));
	ap_buf_puts(b, "</section>\n");
}
