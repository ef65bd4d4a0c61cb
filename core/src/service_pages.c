/*
 * The web pages, in French: sign-in; a firm's page (upload by drag and drop
 * or a file picker, each file's problems with their line numbers or its
 * scores, its case files and versions); a coordinator's pages (the ranked
 * sites, what arrived lately, a site's scores and explanation). Every page
 * is built here from the store and the scores, with every outside text
 * escaped; the script and the style sheet are the service's own
 * (service_assets.c), so the pages run under a Content-Security-Policy of
 * 'self' only.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "appui/report.h"
#include "service_impl.h"

static const char *const band_fr[] = {"bon", "à surveiller", "dégradé",
                                      "critique"};
static const char *const band_id[] = {"good", "watch", "degraded", "critical"};
static const char *const theme_id[] = {"quality", "urban", "security"};
static const char *const theme_fr[] = {"Qualité de service",
                                       "Gestion urbaine de proximité",
                                       "Tranquillité, sécurité"};

/* A theme's name in French; an unknown theme keeps its id. */
static const char *theme_name(const char *id)
{
	for (size_t i = 0; i < 3; i++)
		if (strcmp(id, theme_id[i]) == 0)
			return theme_fr[i];
	return id;
}

/* A band's number from its id in the scores' JSON, or -1. */
static int band_of(const char *id)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(id, band_id[i]) == 0)
			return i;
	return -1;
}

/* A band in words, in the colour of its class (appui.css). */
static void band_badge(ap_buf *b, int band)
{
	if (band < 0 || band > 3)
		return;
	ap_buf_printf(b, "<span class=\"band b%d\">%s</span>", band,
	              band_fr[band]);
}

/* A number as French writes it, with a decimal comma: one decimal, or
 * when `exact` as many as it has (a value as the file gave it). */
static void num_fr(ap_buf *b, double x, int exact)
{
	char t[64];
	if (exact)
		snprintf(t, sizeof t, "%g", x);
	else
		snprintf(t, sizeof t, "%.1f", x);
	char *dot = strchr(t, '.');
	if (dot)
		*dot = ',';
	ap_buf_puts(b, t);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ) as French writes
 * it: 20/09/2016, 03/12/2026 à 13:26 UTC; anything else as it is. */
static void date_fr(ap_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2) ||
	    (n > 10 && (n < 16 || s[10] != 'T' || !digits(s + 11, 2) ||
	                s[13] != ':' || !digits(s + 14, 2)))) {
		svc_html_text(b, s);
		return;
	}
	ap_buf_printf(b, "%.2s/%.2s/%.4s", s + 8, s + 5, s);
	if (n > 10)
		ap_buf_printf(b, " à %.2s:%.2s%s", s + 11, s + 14,
		              s[n - 1] == 'Z' ? " UTC" : "");
}

/* The file's own name, without the folders it was sent from. */
static void file_name(ap_buf *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	svc_html_text(b, slash && slash[1] ? slash + 1 : path);
}

static svc_response *page_new(int status)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	r->status = status;
	r->type = "text/html; charset=utf-8";
	return r;
}

static void head(ap_buf *b, const char *title, const svc_caller *c)
{
	ap_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"fr\"><head>"
	               "<meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width, "
	               "initial-scale=1\">");
	if (c && c->by_cookie) {
		ap_buf_puts(b, "<meta name=\"csrf\" content=\"");
		svc_html_text(b, c->csrf);
		ap_buf_puts(b, "\">");
	}
	ap_buf_puts(b, "<title>");
	svc_html_text(b, title);
	ap_buf_puts(b, " — appui</title>"
	               "<link rel=\"icon\" href=\"data:,\">"
	               "<link rel=\"stylesheet\" href=\"/static/appui.css\">"
	               "<script src=\"/static/appui.js\" defer></script>"
	               "</head><body><header><a class=\"brand\" href=\"/\">"
	               "appui</a> <span>Dispositif d'appui solidaire</span>");
	if (c && c->known) {
		ap_buf_puts(b, "<form method=\"post\" action=\"/signout\" "
		               "class=\"signout\"><span id=\"who\">");
		svc_html_text(b, c->account.name);
		if (c->account.role == AP_ROLE_FIRM) {
			ap_buf_puts(b, " (bureau d'études ");
			svc_html_text(b, c->account.firm_id);
			ap_buf_puts(b, ")");
		} else
			ap_buf_puts(b, " (coordination)");
		ap_buf_puts(b, "</span><input type=\"hidden\" name=\"csrf\" "
		               "value=\"");
		svc_html_text(b, c->csrf);
		ap_buf_puts(b, "\"><button type=\"submit\">Se déconnecter"
		               "</button></form>");
	}
	ap_buf_puts(b, "</header><main>");
}

static void foot(ap_buf *b)
{
	ap_buf_puts(b, "</main></body></html>\n");
}

svc_response *svc_page_signin(const svc_request *q, const char *error,
                              int status)
{
	(void)q;
	svc_response *r = page_new(status);
	ap_buf *b = &r->body;
	head(b, "Connexion", NULL);
	ap_buf_puts(b, "<h1>Connexion</h1>");
	if (status == 429)
		ap_buf_puts(b, "<p class=\"error\" role=\"alert\">Trop "
		               "d'essais manqués depuis cette adresse : "
		               "réessayez plus tard.</p>");
	else if (error) {
		ap_buf_puts(b, "<p class=\"error\" role=\"alert\">");
		svc_html_text(b, error);
		ap_buf_puts(b, "</p>");
	}
	ap_buf_puts(b, "<form method=\"post\" action=\"/signin\" id=\"signin\">"
	               "<label for=\"token\">Jeton d'accès</label>"
	               "<input id=\"token\" name=\"token\" type=\"password\" "
	               "autocomplete=\"off\" required>"
	               "<button type=\"submit\" id=\"signin-button\">Se "
	               "connecter</button></form>"
	               "<p class=\"hint\">Le jeton vous a été remis par "
	               "l'administrateur du service (<code>appui token "
	               "new</code>).</p>");
	foot(b);
	return r;
}

/* ---- a firm's page ------------------------------------------------------- */

/* A cell with the name of its column (shown beside the value on a phone,
 * where a row is shown as a card). */
static void cell(ap_buf *b, const char *label, const char *cls)
{
	ap_buf_printf(b, "<td data-label=\"%s\"%s%s%s>", label,
	              cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
}

static void case_row(ap_buf *b, const svc_listed *v, int firm)
{
	ap_buf_puts(b, "<tr>");
	cell(b, "Dossier", "id");
	ap_buf_puts(b, "<a href=\"/casefiles/");
	svc_html_text(b, v->case_id);
	ap_buf_puts(b, "\">");
	svc_html_text(b, v->case_id);
	ap_buf_puts(b, "</a></td>");
	cell(b, "Site", "id");
	svc_html_text(b, v->site_id);
	ap_buf_puts(b, "</td>");
	if (!firm) {
		cell(b, "Bureau d'études", "id");
		svc_html_text(b, v->firm_id);
		ap_buf_puts(b, "</td>");
	}
	cell(b, "Diagnostic du", "date");
	date_fr(b, v->diagnosed);
	ap_buf_puts(b, "</td>");
	cell(b, "Versions", "num");
	ap_buf_printf(b, "%d</td>", v->n_versions);
	cell(b, "Reçu le", "date");
	date_fr(b, v->received_at);
	ap_buf_puts(b, "</td>");
	cell(b, "Fichier", "file");
	file_name(b, v->name);
	ap_buf_puts(b, "</td></tr>");
}

static void cases_table(ap_buf *b, const svc_listed *v, size_t n, int firm)
{
	ap_buf_puts(b, "<table id=\"cases\" class=\"cards\"><thead><tr>"
	               "<th>Dossier</th><th>Site</th>");
	if (!firm)
		ap_buf_puts(b, "<th>Bureau d'études</th>");
	ap_buf_puts(b, "<th>Diagnostic du</th><th class=\"num\">Versions</th>"
	               "<th>Reçu le</th><th>Fichier</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++)
		case_row(b, &v[i], firm);
	if (!n)
		ap_buf_printf(b,
		              "<tr class=\"empty\"><td colspan=\"%d\">Aucun "
		              "dossier pour l'instant.</td></tr>",
		              firm ? 6 : 7);
	ap_buf_puts(b, "</tbody></table>");
}

static svc_response *firm_page(svc *s, const svc_caller *c)
{
	svc_listed *v = NULL;
	size_t n = 0;
	ap_diags *d = ap_diags_new();
	int rc = svc_list_latest(s, c, NULL, &v, &n, d);
	svc_response *r = page_new(200);
	if (rc != AP_OK) {
		svc_store_problem(r, rc, d);
		ap_diags_free(d);
		return r;
	}
	ap_diags_free(d);
	ap_buf *b = &r->body;
	head(b, "Déposer des diagnostics", c);
	ap_buf_puts(
	    b,
	    "<h1>Déposer des diagnostics</h1>"
	    "<section id=\"upload\" aria-labelledby=\"upload-title\">"
	    "<h2 id=\"upload-title\">Envoyer des dossiers (XML)</h2>"
	    "<div id=\"drop\"><p>Glissez-déposez ici un ou plusieurs "
	    "dossiers XML</p><p class=\"or\">ou</p>"
	    "<input id=\"files\" type=\"file\" accept=\".xml,application/xml,"
	    "text/xml\" multiple><label for=\"files\" class=\"picker\">"
	    "Choisir des fichiers…</label></div>"
	    "<p class=\"dry\"><label><input type=\"checkbox\" id=\"dry-run\"> "
	    "Vérifier seulement (rien n'est enregistré)</label></p>"
	    "<ol id=\"results\" aria-live=\"polite\"></ol></section>"
	    "<section><h2>Vos dossiers</h2>");
	cases_table(b, v, n, 1);
	ap_buf_puts(b, "</section>");
	foot(b);
	svc_listed_free(v, n);
	return r;
}

/* ---- a coordinator's pages ----------------------------------------------- */

typedef struct ranked {
	const svc_listed *v;
	const ap_score_row *row;
} ranked;

/* As the command's table ranks them. */
static int by_priority(const void *a, const void *b)
{
	return ap_score_row_rank(((const ranked *)a)->row,
	                         ((const ranked *)b)->row);
}

static void need_cell(ap_buf *b, const ap_score_row *row, size_t t)
{
	for (size_t i = 0; i < row->n_themes; i++) {
		if (strcmp(row->themes[i], theme_id[t]) != 0)
			continue;
		int band = (int)row->bands[i];
		if (band < 0 || band > 3)
			band = 0;
		ap_buf_printf(b, "<td data-label=\"%s\" class=\"need band%d\">",
		              theme_fr[t], band);
		ap_buf_printf(b,
		              "<meter min=\"0\" max=\"100\" value=\"%.1f\">"
		              "</meter> ",
		              row->needs[i]);
		num_fr(b, row->needs[i], 0);
		ap_buf_puts(b, " ");
		band_badge(b, band);
		ap_buf_puts(b, "</td>");
		return;
	}
	ap_buf_printf(b,
	              "<td data-label=\"%s\" class=\"need none\">"
	              "<span class=\"hint\">non diagnostiqué</span></td>",
	              theme_fr[t]);
}

static void site_row(ap_buf *b, const ap_score_row *row, size_t rank)
{
	ap_buf_printf(b,
	              "<tr class=\"site\"><td data-label=\"Rang\" "
	              "class=\"num rank\">%zu</td>",
	              rank);
	cell(b, "Site", "id");
	ap_buf_puts(b, "<a href=\"/sites/");
	svc_html_text(b, row->site_id);
	ap_buf_puts(b, "\">");
	svc_html_text(b, row->site_id);
	ap_buf_puts(b, "</a></td>");
	cell(b, "Organisme", "id");
	svc_html_text(b, row->organisation_id);
	ap_buf_puts(b, "</td>");
	for (size_t t = 0; t < 3; t++)
		need_cell(b, row, t);
	if (row->has_mission) {
		cell(b, "Jours", "num");
		ap_buf_printf(b, "%d</td>", row->days);
		cell(b, "Priorité", "num");
		num_fr(b, row->priority, 0);
		ap_buf_puts(b, "</td></tr>");
	} else
		ap_buf_puts(b, "<td data-label=\"Jours\" class=\"num\">—</td>"
		               "<td data-label=\"Priorité\" class=\"num\">"
		               "pas de mission</td></tr>");
}

static void ranked_table(svc *s, ap_buf *b, const svc_listed *v, size_t n)
{
	ranked *rk = ap_xcalloc(n + 1, sizeof(*rk));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const svc_scored *sc = svc_cache_get(s->cache, v[i].sha256);
		if (sc && sc->row.case_id)
			rk[m++] = (ranked){&v[i], &sc->row};
	}
	if (m)
		qsort(rk, m, sizeof(*rk), by_priority);
	ap_buf_puts(b, "<table id=\"sites\" class=\"cards\"><thead><tr>"
	               "<th class=\"num\">Rang</th><th>Site</th>"
	               "<th>Organisme</th>");
	for (size_t t = 0; t < 3; t++)
		ap_buf_printf(b, "<th>%s</th>", theme_fr[t]);
	ap_buf_puts(b, "<th class=\"num\">Jours</th><th class=\"num\">"
	               "Priorité</th></tr></thead><tbody>");
	for (size_t i = 0; i < m; i++)
		site_row(b, rk[i].row, i + 1);
	if (m < n)
		ap_buf_printf(b,
		              "<tr class=\"empty\"><td colspan=\"8\">%zu "
		              "dossier(s) n'ont pas pu être notés : "
		              "réessayez.</td></tr>",
		              n - m);
	else if (!n)
		ap_buf_puts(b, "<tr class=\"empty\"><td colspan=\"8\">Aucun "
		               "site classé pour l'instant.</td></tr>");
	ap_buf_puts(b, "</tbody></table>");
	free(rk);
}

static int by_received(const void *a, const void *b)
{
	const svc_listed *x = a, *y = b;
	int c = strcmp(y->received_at, x->received_at);
	return c ? c : strcmp(x->case_id, y->case_id);
}

static svc_response *coordinator_page(svc *s, svc_job *j)
{
	svc_response *r = page_new(200);
	ap_buf *b = &r->body;
	head(b, "Sites classés", &j->caller);
	ap_buf_puts(b, "<h1>Sites classés</h1><p class=\"lead\">");
	if (j->n_listed == 1)
		ap_buf_puts(b, "1 dossier reçu");
	else
		ap_buf_printf(b, "%zu dossiers reçus", j->n_listed);
	ap_buf_puts(b, " : les sites sont classés par priorité de mission "
	               "(les sites sans mission ensuite, par besoin). Le "
	               "besoin va de 0 à 100 pour chaque thème.</p>");
	ranked_table(s, b, j->listed, j->n_listed);
	if (j->n_listed)
		qsort(j->listed, j->n_listed, sizeof(*j->listed), by_received);
	size_t recent = j->n_listed < 20 ? j->n_listed : 20;
	ap_buf_puts(b, "<section><h2>Reçus dernièrement</h2>");
	cases_table(b, j->listed, recent, 0);
	ap_buf_puts(b, "</section>");
	foot(b);
	return r;
}

/* ---- a case's or a site's scores ----------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static double jnum(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static void theme_title(ap_buf *b, const json_t *t)
{
	ap_buf_puts(b, "<h3>");
	svc_html_text(b, theme_name(jstr(t, "theme")));
	ap_buf_puts(b, " : besoin ");
	num_fr(b, jnum(t, "need"), 0);
	ap_buf_puts(b, " ");
	int band = band_of(jstr(t, "band"));
	if (band >= 0)
		band_badge(b, band);
	else { /* a band this page does not know: as the scores name it */
		ap_buf_puts(b, "<span class=\"band\">");
		svc_html_text(b, jstr(t, "band"));
		ap_buf_puts(b, "</span>");
	}
	ap_buf_puts(b, "</h3><p class=\"hint\">Intervalle ");
	num_fr(b, jnum(t, "need_low"), 0);
	ap_buf_puts(b, " à ");
	num_fr(b, jnum(t, "need_high"), 0);
	ap_buf_printf(b, ", confiance %.0f %%", 100 * jnum(t, "confidence"));
	size_t i;
	json_t *x;
	if (json_array_size(json_object_get(t, "missing"))) {
		ap_buf_puts(b, " ; indicateurs manquants : ");
		json_array_foreach(json_object_get(t, "missing"), i, x)
		{
			ap_buf_puts(b, i ? ", " : "");
			svc_html_text(b, json_string_value(x));
		}
	}
	ap_buf_puts(b, ".</p>");
}

/* Each indicator's value and its part of the theme's need (the parts add
 * up to the need: the bar is that part). */
static void indicator_rows(ap_buf *b, const json_t *t)
{
	double need = jnum(t, "need");
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(t, "indicators"), i, ind)
	{
		double c = jnum(ind, "contribution");
		ap_buf_puts(b,
		            "<tr><td data-label=\"Indicateur\" class=\"id\">");
		svc_html_text(b, jstr(ind, "ref"));
		ap_buf_puts(b, "</td><td data-label=\"Valeur\" class=\"num\">");
		json_t *val = json_object_get(ind, "value");
		if (json_is_number(val))
			num_fr(b, json_number_value(val), 1);
		else
			ap_buf_puts(b, "manquant");
		ap_buf_printf(b,
		              "</td><td data-label=\"Part du besoin\">"
		              "<meter min=\"0\" max=\"%.1f\" value=\"%.1f\">"
		              "</meter> ",
		              need > 0 ? need : 100, c);
		num_fr(b, c, 0);
		ap_buf_puts(b, "</td></tr>");
	}
}

static void levers_list(ap_buf *b, const json_t *t)
{
	const json_t *levers = json_object_get(t, "levers");
	if (!json_array_size(levers))
		return;
	ap_buf_puts(b, "<p>Leviers (un niveau de mieux sur l'indicateur) :</p>"
	               "<ul class=\"levers\">");
	size_t i;
	json_t *lv;
	json_array_foreach(levers, i, lv)
	{
		ap_buf_puts(b, "<li><span class=\"id\">");
		svc_html_text(b, jstr(lv, "ref"));
		ap_buf_puts(b, "</span> : le besoin passerait à ");
		num_fr(b, jnum(lv, "need_after"), 0);
		ap_buf_puts(b, " (−");
		num_fr(b, jnum(lv, "gain"), 0);
		ap_buf_puts(b, ")</li>");
	}
	ap_buf_puts(b, "</ul>");
}

static void theme_section(ap_buf *b, const json_t *t)
{
	ap_buf_puts(b, "<section class=\"theme\">");
	theme_title(b, t);
	ap_buf_puts(b, "<table class=\"indicators\"><thead><tr><th>"
	               "Indicateur</th><th class=\"num\">Valeur</th><th>Part "
	               "du besoin</th></tr></thead><tbody>");
	indicator_rows(b, t);
	ap_buf_puts(b, "</tbody></table>");
	levers_list(b, t);
	ap_buf_puts(b, "</section>");
}

/* On a site's page, the case's id and a link to its own page; on the
 * case's page (titled with its id), its version only. */
static void case_heading(ap_buf *b, const svc_listed *v, int site)
{
	ap_buf_puts(b, "<article class=\"case\"><h2>");
	if (site) {
		ap_buf_puts(b, "Dossier <a href=\"/casefiles/");
		svc_html_text(b, v->case_id);
		ap_buf_puts(b, "\">");
		svc_html_text(b, v->case_id);
		ap_buf_puts(b, "</a>, version");
	} else
		ap_buf_puts(b, "Version");
	ap_buf_printf(b, " %d sur %d</h2><p>Diagnostic du ", v->n,
	              v->n_versions);
	date_fr(b, v->diagnosed);
	ap_buf_puts(b, " par ");
	svc_html_text(b, v->firm_id);
	ap_buf_puts(b, ", reçu le ");
	date_fr(b, v->received_at);
	ap_buf_puts(b, " — <a href=\"/v1/casefiles/");
	svc_html_text(b, v->case_id);
	ap_buf_printf(b, "/versions/%d\">le fichier XML</a></p>", v->n);
}

static void mission_line(ap_buf *b, const json_t *o)
{
	json_t *m = json_object_get(o, "mission");
	if (!json_is_object(m)) {
		ap_buf_puts(b, "<p class=\"mission\">Pas de mission "
		               "recommandée.</p>");
		return;
	}
	ap_buf_printf(
	    b,
	    "<p class=\"mission\">Mission recommandée : <strong>"
	    "%lld jours</strong>, priorité ",
	    (long long)json_integer_value(json_object_get(m, "days")));
	num_fr(b, jnum(m, "priority"), 0);
	ap_buf_puts(b, "</p>");
}

static void case_section(svc *s, ap_buf *b, const svc_listed *v, int site)
{
	case_heading(b, v, site);
	const svc_scored *sc = svc_cache_get(s->cache, v->sha256);
	json_error_t e;
	json_t *o = sc && sc->json ? json_loads(sc->json, 0, &e) : NULL;
	if (!o) {
		ap_buf_puts(b, "<p class=\"error\">Ce dossier n'a pas pu être "
		               "noté : réessayez.</p></article>");
		return;
	}
	ap_buf_puts(b, "<p class=\"place\">");
	svc_html_text(b, jstr(o, "site_name"));
	ap_buf_puts(b, ", ");
	svc_html_text(b, jstr(o, "commune"));
	ap_buf_puts(b, " — ");
	svc_html_text(b, jstr(o, "organisation_name"));
	ap_buf_puts(b, "</p>");
	mission_line(b, o);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(o, "themes"), i, t)
	    theme_section(b, t);
	json_decref(o);
	ap_buf_puts(b, "</article>");
}

static svc_response *scores_page(svc *s, svc_job *j)
{
	if (!j->n_listed) {
		svc_response *r = page_new(404);
		head(&r->body, "Introuvable", &j->caller);
		ap_buf_puts(&r->body, "<h1>Introuvable</h1><p>Aucun dossier "
		                      "ici. <a href=\"/\">Accueil</a></p>");
		foot(&r->body);
		return r;
	}
	svc_response *r = page_new(200);
	ap_buf *b = &r->body;
	int site = strncmp(j->page, "/sites/", 7) == 0;
	char *title =
	    ap_xasprintf("%s %s", site ? "Site" : "Dossier",
	                 site ? j->listed[0].site_id : j->listed[0].case_id);
	head(b, title, &j->caller);
	ap_buf_printf(b, "<p class=\"back\"><a href=\"/\">← %s</a></p><h1>",
	              j->caller.account.role == AP_ROLE_FIRM
	                  ? "Déposer des diagnostics"
	                  : "Sites classés");
	svc_html_text(b, title);
	ap_buf_puts(b, "</h1>");
	free(title);
	for (size_t i = 0; i < j->n_listed; i++)
		case_section(s, b, &j->listed[i], site);
	foot(b);
	return r;
}

svc_response *svc_page_finish(svc *s, svc_job *j)
{
	svc_response *r = strcmp(j->page, "/") == 0 ? coordinator_page(s, j)
	                                            : scores_page(s, j);
	if (!j->n_tasks)
		svc_job_free(j); /* answered at once: never queued */
	return r;
}

/* A page that shows scores: the versions it shows, scored first. */
static svc_response *scored_page(svc *s, const svc_request *q,
                                 const svc_caller *c, void *conn,
                                 const char *site, const char *case_id)
{
	svc_job *j = svc_job_new(SVC_JOB_PAGE, c, conn);
	j->page = ap_xstrdup(q->path);
	ap_diags *d = ap_diags_new();
	int rc = svc_list_latest(s, c, site, &j->listed, &j->n_listed, d);
	if (rc != AP_OK) {
		svc_job_free(j);
		svc_response *r = page_new(500);
		svc_store_problem(r, rc, d);
		ap_diags_free(d);
		return r;
	}
	ap_diags_free(d);
	if (case_id) { /* keep that case only */
		size_t k = 0;
		for (size_t i = 0; i < j->n_listed; i++) {
			if (strcmp(j->listed[i].case_id, case_id) == 0 && !k)
				j->listed[k++] = j->listed[i];
			else
				svc_listed_clear(&j->listed[i]);
		}
		j->n_listed = k;
	}
	for (size_t i = 0; i < j->n_listed; i++) {
		svc_listed *v = &j->listed[i];
		svc_job_score(s, j, v->name, v->body, v->body_len, v->sha256);
	}
	if (!j->n_tasks)
		return svc_page_finish(s, j);
	svc_job_wait(s, j);
	return NULL;
}

svc_response *svc_page_get(svc *s, const svc_request *q, const svc_caller *c,
                           void *conn)
{
	const char *p = q->path;
	int coordinator = c->account.role != AP_ROLE_FIRM;
	if (strcmp(p, "/") == 0 || strcmp(p, "/signin") == 0)
		return coordinator ? scored_page(s, q, c, conn, NULL, NULL)
		                   : firm_page(s, c);
	if (strncmp(p, "/casefiles/", 11) == 0 && ap_store_name_ok(p + 11))
		return scored_page(s, q, c, conn, NULL, p + 11);
	if (coordinator && strncmp(p, "/sites/", 7) == 0 &&
	    ap_store_name_ok(p + 7))
		return scored_page(s, q, c, conn, p + 7, NULL);
	svc_response *r = page_new(404);
	head(&r->body, "Introuvable", c);
	ap_buf_puts(&r->body, "<h1>Introuvable</h1><p>Cette page n'existe "
	                      "pas. <a href=\"/\">Accueil</a></p>");
	foot(&r->body);
	return r;
}
