/*
 * The HTML report (docs/reports.md): one self-contained page, in French,
 * with inline CSS and SVG and a small inline script that sorts the ranked
 * table (the page reads the same without it). Its Content-Security-Policy
 * allows nothing from anywhere (default-src 'none') but its own style and
 * script, named by their SHA-256. Colour never carries meaning alone: every
 * band is written beside its colour. The same inputs give the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "document_impl.h"
#include "util.h"

static const char css[] =
    ":root{--ink:#1d2430;--muted:#5b6575;--line:#d5dae2;--accent:#1f5fa8}"
    "*{box-sizing:border-box}"
    "body{margin:0 auto;max-width:80rem;padding:1rem;font:15px/1.45 "
    "system-ui,sans-serif;color:var(--ink)}"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 "
    ".5rem;border-bottom:2px solid var(--line)}h3{font-size:1.05rem;"
    "margin:1rem 0 .3rem}"
    ".muted{color:var(--muted)}"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0}"
    ".scroll{overflow-x:auto}"
    "th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid "
    "var(--line);vertical-align:top}"
    "th{background:#f2f4f7}th[data-sort]{cursor:pointer}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "#sites td{white-space:nowrap}#sites td:nth-child(2),#sites "
    "td:nth-child(3){white-space:normal}"
    ".b0{fill:#2e7d32;color:#2e7d32}.b1{fill:#b58900;color:#8a6800}"
    ".b2{fill:#d35400;color:#b34700}.b3{fill:#b71c1c;color:#b71c1c;"
    "font-weight:700}"
    ".track{fill:#e6e9ee}.whisker{stroke:#1d2430;stroke-width:1.5}"
    ".grid{stroke:#c4cad3;stroke-width:1}.axis{font-size:10px;fill:#5b6575}"
    ".holiday{fill:#e6e9ee}.off{fill:#f6d9c6}.bar{fill:#1f5fa8}"
    ".fixedbar{fill:#6a3d9a}.label{font-size:10px;fill:#1d2430}"
    ".line{fill:none;stroke-width:2}.tq{stroke:#1f5fa8;fill:#1f5fa8;"
    "color:#1f5fa8}.tu{stroke:#2e7d32;fill:#2e7d32;color:#2e7d32}"
    ".ts{stroke:#6a3d9a;fill:#6a3d9a;color:#6a3d9a}"
    ".heldm{fill:#f6d9c6}.plannedm{fill:none;stroke:#d35400;"
    "stroke-dasharray:3 2}"
    ".kpis{display:flex;flex-wrap:wrap;gap:.5rem 2rem;margin:.5rem 0}"
    ".kpis div{min-width:9rem}.kpis b{display:block;font-size:1.4rem}"
    ".site{border-top:1px solid var(--line);margin-top:1.5rem}"
    ".legend span{margin-right:1rem}"
    "svg{max-width:100%;height:auto}"
    "@media (max-width:40rem){body{padding:.5rem;font-size:14px}}"
    "@media print{@page{size:A4;margin:15mm}body{max-width:none;"
    "font-size:10pt}.site{page-break-before:always;border:0}"
    "h2{page-break-after:avoid}tr{page-break-inside:avoid}"
    "th[data-sort]{cursor:auto}}";

/* Sorts the ranked table by a column when its header is clicked. */
static const char script[] =
    "document.querySelectorAll('th[data-sort]').forEach(function(h){"
    "h.addEventListener('click',function(){var t=h.closest('table'),"
    "b=t.tBodies[0],i=h.cellIndex,up=h.dataset.dir!=='up';"
    "h.dataset.dir=up?'up':'down';var rows=Array.prototype.slice.call("
    "b.rows);rows.sort(function(x,y){var a=x.cells[i].dataset.v,c=y.cells[i]"
    ".dataset.v;var d=isNaN(a-c)?(a<c?-1:a>c?1:0):a-c;return up?d:-d});"
    "rows.forEach(function(r){b.appendChild(r)})})});";

static const char *const band_names[] = {"good", "watch", "degraded",
                                         "critical"};
static const char *const band_fr[] = {"bon", "à surveiller", "dégradé",
                                      "critique"};

int doc_band(const char *band)
{
	for (int i = 0; i < 4; i++)
		if (band && strcmp(band, band_names[i]) == 0)
			return i;
	return 0;
}

const char *doc_band_fr(int band)
{
	return band_fr[band >= 0 && band < 4 ? band : 0];
}

const char *doc_theme_fr(const char *theme)
{
	if (strcmp(theme, "quality") == 0)
		return "Qualité de service";
	if (strcmp(theme, "urban") == 0)
		return "Gestion urbaine de proximité";
	if (strcmp(theme, "security") == 0)
		return "Tranquillité et sécurité";
	return theme;
}

const char *doc_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

double doc_num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

doc_number doc_fr(double x, int places)
{
	char raw[40];
	snprintf(raw, sizeof raw, "%.*f", places, x);
	doc_number n;
	const char *p = raw;
	size_t o = 0;
	if (*p == '-')
		n.s[o++] = *p++;
	size_t digits = strspn(p, "0123456789");
	for (size_t i = 0; i < digits; i++) {
		if (i && (digits - i) % 3 == 0) {
			memcpy(n.s + o, "\u202f",
			       3); /* NARROW NO-BREAK SPACE */
			o += 3;
		}
		n.s[o++] = p[i];
	}
	for (p += digits; *p && o < sizeof n.s - 1; p++)
		n.s[o++] = *p == '.' ? ',' : *p;
	n.s[o] = '\0';
	return n;
}

doc_number doc_date_fr(const char *iso)
{
	doc_number n;
	if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
		snprintf(n.s, sizeof n.s, "%.2s/%.2s/%.4s", iso + 8, iso + 5,
		         iso);
	else
		snprintf(n.s, sizeof n.s, "%.40s", iso ? iso : "");
	return n;
}

/* 'sha256-BASE64' of `text`, for the Content-Security-Policy. */
static void csp_hash(ap_buf *b, const char *text)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	    "wxyz0123456789+/";
	char hex[AP_SHA256_HEX];
	ap_sha256_of(text, strlen(text), hex);
	unsigned char raw[33] = {0};
	for (int i = 0; i < 32; i++)
		raw[i] = (unsigned char)strtoul(
		    (char[]){hex[2 * i], hex[2 * i + 1], 0}, NULL, 16);
	ap_buf_puts(b, "'sha256-");
	for (int i = 0; i < 32; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 |
		             (unsigned)raw[i + 1] << 8 |
		             (i + 2 < 32 ? raw[i + 2] : 0);
		ap_buf_putc(b, a[v >> 18 & 63]);
		ap_buf_putc(b, a[v >> 12 & 63]);
		ap_buf_putc(b, a[v >> 6 & 63]);
		ap_buf_putc(b, i + 2 < 32 ? a[v & 63] : '=');
	}
	ap_buf_putc(b, '\'');
}

static void head(ap_buf *b, const ap_document_options *opt)
{
	const char *title =
	    opt && opt->title ? opt->title : "Dispositif d'appui solidaire";
	ap_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta "
	               "charset=\"utf-8\"><meta name=\"viewport\" "
	               "content=\"width=device-width,initial-scale=1\">"
	               "<meta http-equiv=\"Content-Security-Policy\" "
	               "content=\"default-src 'none'; img-src data:; "
	               "style-src ");
	csp_hash(b, css);
	ap_buf_puts(b, "; script-src ");
	csp_hash(b, script);
	ap_buf_puts(b, "\"><title>");
	ap_buf_html(b, title);
	ap_buf_printf(b,
	              "</title><style>%s</style></head><body><header>"
	              "<h1>",
	              css);
	ap_buf_html(b, title);
	ap_buf_puts(b, "</h1><p class=\"muted\">Rapport de l'appui solidaire "
	               "(USH, FNAR)");
	if (opt && opt->date) {
		ap_buf_puts(b, " — ");
		ap_buf_html(b, opt->date);
	}
	ap_buf_puts(b, "</p></header>\n");
}

/* ---- the campaign at a glance -------------------------------------------- */

/* The themes the cases were scored on, in the order first met. */
static size_t themes_of(const json_t *cases, const char **out, size_t cap)
{
	size_t n = 0, i, k;
	json_t *c, *t;
	json_array_foreach(cases, i, c)
	    json_array_foreach(json_object_get(c, "themes"), k, t)
	{
		const char *id = doc_str(t, "theme");
		size_t j = 0;
		while (j < n && strcmp(out[j], id) != 0)
			j++;
		if (j == n && n < cap)
			out[n++] = id;
	}
	return n;
}

/* One theme's needs as a strip: a tick per site at its need. */
static void strip(ap_buf *b, const json_t *cases, const char *theme,
                  size_t bands[4])
{
	ap_buf_puts(b, "<svg class=\"strip\" viewBox=\"0 0 320 34\" "
	               "width=\"320\" height=\"34\" role=\"img\"><rect "
	               "class=\"track\" x=\"5\" y=\"4\" width=\"300\" "
	               "height=\"16\"/>");
	size_t i, k;
	json_t *c, *t;
	json_array_foreach(cases, i, c)
	    json_array_foreach(json_object_get(c, "themes"), k, t)
	{
		if (strcmp(doc_str(t, "theme"), theme) != 0)
			continue;
		int band = doc_band(doc_str(t, "band"));
		bands[band]++;
		ap_buf_printf(b,
		              "<rect class=\"b%d\" x=\"%.1f\" y=\"4\" "
		              "width=\"1.5\" height=\"16\"/>",
		              band, 5 + 3 * doc_num(t, "need"));
	}
	for (int x = 0; x <= 100; x += 25)
		ap_buf_printf(b,
		              "<text class=\"axis\" x=\"%d\" y=\"32\" "
		              "text-anchor=\"middle\">%d</text>",
		              5 + 3 * x, x);
	ap_buf_puts(b, "</svg>");
}

static void glance(ap_buf *b, const ap_document *doc)
{
	const json_t *cases = doc->cases;
	size_t n = json_array_size(cases), n_org = 0, missions = 0, i;
	json_t *c;
	const char **orgs = ap_xcalloc(n + 1, sizeof(*orgs));
	json_array_foreach(cases, i, c)
	{
		const char *o = doc_str(c, "organisation_id");
		size_t j = 0;
		while (j < n_org && strcmp(orgs[j], o) != 0)
			j++;
		if (j == n_org)
			orgs[n_org++] = o;
		missions += json_is_object(json_object_get(c, "mission"));
	}
	free(orgs);
	ap_buf_printf(b,
	              "<section id=\"glance\"><h2>La campagne en un coup "
	              "d'œil</h2><div class=\"kpis\"><div><b>%zu</b>sites</div>"
	              "<div><b>%zu</b>organismes Hlm</div><div><b>%zu</b>sites "
	              "à accompagner (mission recommandée)</div></div>",
	              n, n_org, missions);
	if (doc->plan)
		doc_budget(b, doc->plan);
	const char *themes[16];
	size_t nt = themes_of(cases, themes, 16);
	ap_buf_puts(b, "<h3>Besoin par thème (0–100), un trait par site</h3>"
	               "<div class=\"scroll\"><table><thead><tr><th>Thème</th>"
	               "<th>Répartition des besoins</th>");
	for (int k = 0; k < 4; k++)
		ap_buf_printf(b, "<th class=\"n b%d\">%s</th>", k, band_fr[k]);
	ap_buf_puts(b, "</tr></thead><tbody>");
	for (size_t t = 0; t < nt; t++) {
		size_t bands[4] = {0};
		ap_buf_puts(b, "<tr><td>");
		ap_buf_html(b, doc_theme_fr(themes[t]));
		ap_buf_puts(b, "</td><td>");
		strip(b, cases, themes[t], bands);
		ap_buf_puts(b, "</td>");
		for (int k = 0; k < 4; k++)
			ap_buf_printf(b, "<td class=\"n\">%zu</td>", bands[k]);
		ap_buf_puts(b, "</tr>");
	}
	ap_buf_puts(b, "</tbody></table></div></section>\n");
}

/* ---- the ranked sites ---------------------------------------------------- */

/* A need as a bar with its interval under missing data. */
void doc_need_bar(ap_buf *b, const json_t *t)
{
	int band = doc_band(doc_str(t, "band"));
	double need = doc_num(t, "need"), lo = doc_num(t, "need_low"),
	       hi = doc_num(t, "need_high");
	ap_buf_printf(b,
	              "<svg viewBox=\"0 0 104 14\" width=\"104\" height=\"14\" "
	              "role=\"img\"><title>besoin %.2f, entre %.2f et %.2f"
	              "</title><rect class=\"track\" x=\"2\" y=\"3\" "
	              "width=\"100\" height=\"8\"/><rect class=\"b%d\" x=\"2\" "
	              "y=\"3\" width=\"%.2f\" height=\"8\"/><line "
	              "class=\"whisker\" x1=\"%.2f\" x2=\"%.2f\" y1=\"7\" "
	              "y2=\"7\"/><line class=\"whisker\" x1=\"%.2f\" "
	              "x2=\"%.2f\" y1=\"3\" y2=\"11\"/><line class=\"whisker\" "
	              "x1=\"%.2f\" x2=\"%.2f\" y1=\"3\" y2=\"11\"/></svg>",
	              need, lo, hi, band, need, 2 + lo, 2 + hi, 2 + lo, 2 + lo,
	              2 + hi, 2 + hi);
}

static void theme_cell(ap_buf *b, const json_t *c, const char *theme)
{
	size_t k;
	json_t *t;
	json_array_foreach(json_object_get(c, "themes"), k, t)
	{
		if (strcmp(doc_str(t, "theme"), theme) != 0)
			continue;
		int band = doc_band(doc_str(t, "band"));
		ap_buf_printf(b, "<td data-v=\"%.2f\">", doc_num(t, "need"));
		doc_need_bar(b, t);
		ap_buf_printf(b, " %s <span class=\"b%d\">%s</span></td>",
		              doc_fr(doc_num(t, "need"), 2).s, band,
		              band_fr[band]);
		return;
	}
	ap_buf_puts(b, "<td data-v=\"-1\">—</td>");
}

static void ranked(ap_buf *b, const json_t **v, size_t n, const char **themes,
                   size_t nt)
{
	ap_buf_puts(b, "<section id=\"ranked\"><h2>Sites classés</h2><p "
	               "class=\"muted\">Par priorité de mission, puis par "
	               "besoin. Chaque barre montre le besoin du thème et, en "
	               "trait, son intervalle si des données manquent. Cliquer "
	               "un en-tête trie le tableau.</p><div class=\"scroll\">"
	               "<table id=\"sites\"><thead><tr><th class=\"n\" "
	               "data-sort=\"n\">Rang</th><th data-sort=\"s\">Site</th>"
	               "<th data-sort=\"s\">Organisme</th>");
	for (size_t t = 0; t < nt; t++) {
		ap_buf_puts(b, "<th data-sort=\"n\">");
		ap_buf_html(b, doc_theme_fr(themes[t]));
		ap_buf_puts(b, "</th>");
	}
	ap_buf_puts(b, "<th class=\"n\" data-sort=\"n\">Jours</th><th "
	               "class=\"n\" data-sort=\"n\">Priorité</th></tr></thead>"
	               "<tbody>");
	for (size_t i = 0; i < n; i++) {
		const json_t *c = v[i], *m = json_object_get(c, "mission");
		ap_buf_printf(b,
		              "<tr class=\"site-row\"><td class=\"n\" "
		              "data-v=\"%zu\">%zu</td><td data-v=\"",
		              i + 1, i + 1);
		ap_buf_html(b, doc_str(c, "site_id"));
		ap_buf_puts(b, "\"><a href=\"#site-");
		ap_buf_html(b, doc_str(c, "case_id"));
		ap_buf_puts(b, "\">");
		ap_buf_html(b, doc_str(c, "site_name"));
		ap_buf_puts(b, "</a><br><span class=\"muted\">");
		ap_buf_html(b, doc_str(c, "site_id"));
		ap_buf_puts(b, "</span></td><td data-v=\"");
		ap_buf_html(b, doc_str(c, "organisation_id"));
		ap_buf_puts(b, "\">");
		ap_buf_html(b, doc_str(c, "organisation_name"));
		ap_buf_puts(b, "</td>");
		for (size_t t = 0; t < nt; t++)
			theme_cell(b, c, themes[t]);
		if (json_is_object(m))
			ap_buf_printf(
			    b,
			    "<td class=\"n\" data-v=\"%lld\">%lld</td>"
			    "<td class=\"n\" data-v=\"%.2f\">%s</td>",
			    (long long)json_integer_value(
			        json_object_get(m, "days")),
			    (long long)json_integer_value(
			        json_object_get(m, "days")),
			    doc_num(m, "priority"),
			    doc_fr(doc_num(m, "priority"), 2).s);
		else
			ap_buf_puts(b, "<td class=\"n\" data-v=\"0\">—</td><td "
			               "class=\"n\" data-v=\"0\">pas de mission"
			               "</td>");
		ap_buf_puts(b, "</tr>\n");
	}
	ap_buf_puts(b, "</tbody></table></div></section>\n");
}

int ap_document_html(FILE *out, const ap_document *doc,
                     const ap_document_options *opt, ap_diags *d)
{
	(void)d;
	ap_buf b;
	ap_buf_init(&b);
	head(&b, opt);
	glance(&b, doc);
	size_t n;
	doc_ranked *r = doc_rank(doc, &n);
	const json_t **v = ap_xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = r[i].c;
	free(r);
	const char *themes[16];
	size_t nt = themes_of(doc->cases, themes, 16);
	ranked(&b, v, n, themes, nt);
	if (doc->plan)
		doc_plan(&b, doc->plan);
	if (doc->followup)
		doc_outcome(&b, doc->followup);
	ap_buf_puts(&b, "<section id=\"pages\"><h2>Les sites, un par un</h2>");
	for (size_t i = 0; i < n; i++)
		doc_site(&b, doc, v[i]);
	ap_buf_printf(&b, "</section><script>%s</script></body></html>\n",
	              script);
	free(v);
	fwrite(b.data, 1, b.len, out);
	ap_buf_free(&b);
	return AP_OK;
}
