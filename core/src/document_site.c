/* The report's page of one site: its context and complexity factors, then
 * per theme its need (with the interval and the confidence), every
 * indicator with its contribution as a bar, the rules that held and the
 * levers. */
#include <math.h>
#include <string.h>

#include "document_impl.h"

static const char *factor_fr(const char *f)
{
	static const char *const names[][2] = {
	    {"ageing-stock", "patrimoine vieillissant"},
	    {"fragile-occupancy", "occupation fragile"},
	    {"enclaved-or-peripheral", "site enclavé ou périphérique"},
	    {"no-local-staff", "pas de personnel de proximité"},
	    {"far-from-agency", "loin de l'agence"},
	    {"urban-renewal", "renouvellement urbain"}};
	for (size_t i = 0; i < AP_ARRAY_LEN(names); i++)
		if (strcmp(f, names[i][0]) == 0)
			return names[i][1];
	return f;
}

static void strings(ap_buf *b, const json_t *a,
                    const char *(*name)(const char *), const char *none)
{
	size_t i;
	json_t *s;
	if (!json_array_size(a))
		ap_buf_puts(b, none);
	json_array_foreach(a, i, s)
	{
		if (i)
			ap_buf_puts(b, ", ");
		const char *v = json_string_value(s);
		ap_buf_html(b, name ? name(v ? v : "") : v);
	}
}

static void context(ap_buf *b, const json_t *c)
{
	ap_buf_puts(b, "<p>");
	ap_buf_html(b, doc_str(c, "commune"));
	ap_buf_puts(b, " — ");
	ap_buf_html(b, doc_str(c, "organisation_name"));
	ap_buf_puts(b, " (");
	ap_buf_html(b, doc_str(c, "organisation_id"));
	ap_buf_puts(b, "), ");
	ap_buf_html(b, doc_str(c, "region"));
	ap_buf_puts(b, ". Diagnostic du bureau d'études ");
	ap_buf_html(b, doc_str(c, "firm"));
	ap_buf_puts(b, ", dossier ");
	ap_buf_html(b, doc_str(c, "case_id"));
	ap_buf_printf(
	    b, ".</p><p>Complexité %lld sur 6 : ",
	    (long long)json_integer_value(json_object_get(c, "complexity")));
	strings(b, json_object_get(c, "factors"), factor_fr, "aucun facteur");
	if (json_array_size(json_object_get(c, "unknown_factors"))) {
		ap_buf_puts(b, " <span class=\"muted\">(non renseigné : ");
		strings(b, json_object_get(c, "unknown_factors"), factor_fr,
		        "");
		ap_buf_puts(b, ")</span>");
	}
	ap_buf_puts(b, ".</p>");
	const json_t *m = json_object_get(c, "mission");
	if (json_is_object(m)) {
		ap_buf_printf(
		    b,
		    "<p><b>Mission recommandée : %lld jours</b>, "
		    "priorité %s, thèmes ",
		    (long long)json_integer_value(json_object_get(m, "days")),
		    doc_fr(doc_num(m, "priority"), 2).s);
		strings(b, json_object_get(m, "themes"), doc_theme_fr, "");
		ap_buf_puts(b, ".</p>");
	} else
		ap_buf_puts(b, "<p><b>Pas de mission recommandée.</b></p>");
}

static void indicators(ap_buf *b, const json_t *t)
{
	double need = doc_num(t, "need");
	ap_buf_puts(
	    b, "<div class=\"scroll\"><table class=\"indicators\">"
	       "<thead><tr><th>Indicateur</th><th class=\"n\">Valeur"
	       "</th><th class=\"n\">Niveau (0–3)</th><th class=\"n\">"
	       "Poids</th><th>Contribution (barre : sa part du besoin)</th><th "
	       "class=\"n\">Ligne</th></tr></thead><tbody>");
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(t, "indicators"), i, r)
	{
		double c = doc_num(r, "contribution"), v = doc_num(r, "value");
		ap_buf_puts(b, "<tr><td>");
		ap_buf_html(b, doc_str(r, "ref"));
		ap_buf_printf(
		    b,
		    "</td><td class=\"n\">%s</td><td class=\"n\">%lld"
		    "</td><td class=\"n\">%g</td><td><svg viewBox=\"0 "
		    "0 104 12\" width=\"104\" height=\"12\"><rect "
		    "class=\"track\" x=\"2\" y=\"2\" width=\"100\" "
		    "height=\"8\"/><rect class=\"bar\" x=\"2\" y=\"2\" "
		    "width=\"%.2f\" height=\"8\"/></svg> %s</td><td "
		    "class=\"n\">",
		    doc_fr(v, v == floor(v) ? 0 : 2).s,
		    (long long)json_integer_value(json_object_get(r, "level")),
		    doc_num(r, "weight"),
		    need > 0 && c > 0 ? (c > need ? 100 : 100 * c / need) : 0,
		    doc_fr(c, 2).s);
		json_t *line = json_object_get(r, "line");
		if (json_is_integer(line))
			ap_buf_printf(b, "%lld",
			              (long long)json_integer_value(line));
		else
			ap_buf_puts(b, "calculé");
		ap_buf_puts(b, "</td></tr>");
	}
	ap_buf_puts(b, "</tbody></table></div>");
	if (json_array_size(json_object_get(t, "missing"))) {
		ap_buf_puts(b, "<p class=\"muted\">Données manquantes : ");
		strings(b, json_object_get(t, "missing"), NULL, "");
		ap_buf_puts(b, ".</p>");
	}
}

static void levers(ap_buf *b, const json_t *t)
{
	const json_t *a = json_object_get(t, "levers");
	if (!json_array_size(a))
		return;
	ap_buf_puts(b, "<p>Leviers (l'indicateur amélioré d'un niveau) :</p>"
	               "<ol class=\"levers\">");
	size_t i;
	json_t *lv;
	json_array_foreach(a, i, lv)
	{
		ap_buf_puts(b, "<li>");
		ap_buf_html(b, doc_str(lv, "ref"));
		ap_buf_printf(b, " : besoin %s au lieu de %s (gain %s)</li>",
		              doc_fr(doc_num(lv, "need_after"), 2).s,
		              doc_fr(doc_num(t, "need"), 2).s,
		              doc_fr(doc_num(lv, "gain"), 2).s);
	}
	ap_buf_puts(b, "</ol>");
}

static const char *severity_fr(const char *s)
{
	if (strcmp(s, "high") == 0)
		return "importante";
	if (strcmp(s, "medium") == 0)
		return "moyenne";
	if (strcmp(s, "low") == 0)
		return "faible";
	return s;
}

/* What the firm observed on the theme, as the case file says it. */
static void observations(ap_buf *b, const json_t *t)
{
	const json_t *a = json_object_get(t, "observations");
	if (!json_array_size(a))
		return;
	ap_buf_puts(b, "<p>Observations du bureau d'études :</p>"
	               "<ul class=\"observations\">");
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o)
	{
		ap_buf_puts(b, "<li>");
		const char *sev = doc_str(o, "severity");
		if (*sev) {
			ap_buf_puts(b, "<b>");
			ap_buf_html(b, severity_fr(sev));
			ap_buf_puts(b, "</b> — ");
		}
		ap_buf_html(b, doc_str(o, "text"));
		ap_buf_printf(
		    b,
		    " <span class=\"muted\">(ligne %lld)</span>"
		    "</li>",
		    (long long)json_integer_value(json_object_get(o, "line")));
	}
	ap_buf_puts(b, "</ul>");
}

static void theme(ap_buf *b, const json_t *t)
{
	int band = doc_band(doc_str(t, "band"));
	ap_buf_puts(b, "<h4>");
	ap_buf_html(b, doc_theme_fr(doc_str(t, "theme")));
	ap_buf_printf(b, " : besoin %s <span class=\"b%d\">%s</span></h4><p>",
	              doc_fr(doc_num(t, "need"), 2).s, band, doc_band_fr(band));
	doc_need_bar(b, t);
	ap_buf_printf(
	    b,
	    " entre %s et %s selon les données manquantes ; "
	    "confiance %.0f %% ; %lld jours recommandés (plugin ",
	    doc_fr(doc_num(t, "need_low"), 2).s,
	    doc_fr(doc_num(t, "need_high"), 2).s,
	    100 * doc_num(t, "confidence"),
	    (long long)json_integer_value(json_object_get(t, "days")));
	ap_buf_html(b, doc_str(t, "plugin"));
	ap_buf_puts(b, " ");
	ap_buf_html(b, doc_str(t, "plugin_version"));
	ap_buf_puts(b, ").</p>");
	indicators(b, t);
	const json_t *rules = json_object_get(t, "rules");
	if (json_array_size(rules)) {
		ap_buf_puts(b, "<p>Règles appliquées :</p><ul>");
		size_t i;
		json_t *r;
		json_array_foreach(rules, i, r)
		{
			ap_buf_puts(b, "<li>");
			ap_buf_html(b, json_string_value(r));
			ap_buf_puts(b, "</li>");
		}
		ap_buf_puts(b, "</ul>");
	}
	levers(b, t);
	observations(b, t);
}

void doc_site(ap_buf *b, const ap_document *doc, const json_t *c)
{
	ap_buf_puts(b, "<article class=\"site\" id=\"site-");
	ap_buf_html(b, doc_str(c, "case_id"));
	ap_buf_puts(b, "\"><h3>");
	ap_buf_html(b, doc_str(c, "site_name"));
	ap_buf_puts(b, " <span class=\"muted\">");
	ap_buf_html(b, doc_str(c, "site_id"));
	ap_buf_puts(b, "</span></h3>");
	context(b, c);
	doc_history(b, doc, c);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(c, "themes"), i, t) theme(b, t);
	ap_buf_puts(b, "<p><a href=\"#ranked\">Retour au classement</a></p>"
	               "</article>\n");
}
