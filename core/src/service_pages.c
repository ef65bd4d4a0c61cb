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

#include "service_impl.h"

static const char *const band_fr[] = {"bon", "à surveiller", "dégradé",
                                      "critique"};

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

static void cases_table(ap_buf *b, const svc_listed *v, size_t n, int firm)
{
	ap_buf_puts(b, "<table id=\"cases\"><thead><tr><th>Dossier</th>"
	               "<th>Site</th>");
	if (!firm)
		ap_buf_puts(b, "<th>Bureau d'études</th>");
	ap_buf_puts(b, "<th>Diagnostic du</th><th>Versions</th>"
	               "<th>Reçu le</th><th>Fichier</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		ap_buf_puts(b, "<tr><td><a href=\"/casefiles/");
		svc_html_text(b, v[i].case_id);
		ap_buf_puts(b, "\">");
		svc_html_text(b, v[i].case_id);
		ap_buf_puts(b, "</a></td><td>");
		svc_html_text(b, v[i].site_id);
		if (!firm) {
			ap_buf_puts(b, "</td><td>");
			svc_html_text(b, v[i].firm_id);
		}
		ap_buf_puts(b, "</td><td>");
		svc_html_text(b, v[i].diagnosed);
		ap_buf_printf(b, "</td><td class=\"num\">%d</td><td>",
		              v[i].n_versions);
		svc_html_text(b, v[i].received_at);
		ap_buf_puts(b, "</td><td>");
		svc_html_text(b, v[i].name);
		ap_buf_puts(b, "</td></tr>");
	}
	if (!n)
		ap_buf_printf(b,
		              "<tr><td colspan=\"%d\">Aucun dossier pour "
		              "l'instant.</td></tr>",
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
	    "<div id=\"drop\" tabindex=\"0\">Déposez ici un ou plusieurs "
	    "dossiers XML, ou <label for=\"files\" class=\"picker\">"
	    "choisissez des fichiers</label>"
	    "<input id=\"files\" type=\"file\" accept=\".xml,application/xml,"
	    "text/xml\" multiple></div>"
	    "<label><input type=\"checkbox\" id=\"dry-run\"> Vérifier "
	    "seulement (rien n'est enregistré)</label>"
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

static double top_need(const ap_score_row *r)
{
	double m = -1;
	for (size_t i = 0; i < r->n_themes; i++)
		if (r->needs[i] > m)
			m = r->needs[i];
	return m;
}

/* As the command's table: missions by priority, then the others by need;
 * the site and case ids settle ties. */
static int by_priority(const void *a, const void *b)
{
	const ap_score_row *x = ((const ranked *)a)->row;
	const ap_score_row *y = ((const ranked *)b)->row;
	if (x->has_mission != y->has_mission)
		return y->has_mission - x->has_mission;
	double px = x->has_mission ? x->priority : top_need(x);
	double py = y->has_mission ? y->priority : top_need(y);
	if (px != py)
		return px < py ? 1 : -1;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->case_id, y->case_id);
}

static void need_cell(ap_buf *b, const ap_score_row *row, const char *theme)
{
	for (size_t i = 0; i < row->n_themes; i++) {
		if (strcmp(row->themes[i], theme) != 0)
			continue;
		int band = (int)row->bands[i];
		if (band < 0 || band > 3)
			band = 0;
		ap_buf_printf(b,
		              "<td class=\"need band%d\"><meter min=\"0\" "
		              "max=\"100\" value=\"%.1f\"></meter> %.1f <span "
		              "class=\"band\">",
		              band, row->needs[i], row->needs[i]);
		ap_buf_puts(b, band_fr[band]);
		ap_buf_puts(b, "</span></td>");
		return;
	}
	ap_buf_puts(b, "<td class=\"need\">—</td>");
}

static void ranked_table(svc *s, ap_buf *b, const svc_listed *v, size_t n)
{
	static const char *const themes[] = {"quality", "urban", "security"};
	static const char *const themes_fr[] = {"Qualité de service",
	                                        "Gestion urbaine de proximité",
	                                        "Tranquillité, sécurité"};
	ranked *rk = ap_xcalloc(n + 1, sizeof(*rk));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const svc_scored *sc = svc_cache_get(s->cache, v[i].sha256);
		if (sc && sc->row.case_id)
			rk[m++] = (ranked){&v[i], &sc->row};
	}
	if (m)
		qsort(rk, m, sizeof(*rk), by_priority);
	ap_buf_puts(b, "<table id=\"sites\"><thead><tr><th>Rang</th>"
	               "<th>Site</th><th>Organisme</th>");
	for (size_t t = 0; t < 3; t++) {
		ap_buf_puts(b, "<th>");
		ap_buf_puts(b, themes_fr[t]);
		ap_buf_puts(b, "</th>");
	}
	ap_buf_puts(b, "<th>Jours</th><th>Priorité</th></tr></thead><tbody>");
	for (size_t i = 0; i < m; i++) {
		const ap_score_row *row = rk[i].row;
		ap_buf_printf(b,
		              "<tr class=\"site\"><td class=\"num\">%zu</td>"
		              "<td><a href=\"/sites/",
		              i + 1);
		svc_html_text(b, row->site_id);
		ap_buf_puts(b, "\">");
		svc_html_text(b, row->site_id);
		ap_buf_puts(b, "</a></td><td>");
		svc_html_text(b, row->organisation_id);
		ap_buf_puts(b, "</td>");
		for (size_t t = 0; t < 3; t++)
			need_cell(b, row, themes[t]);
		if (row->has_mission)
			ap_buf_printf(b,
			              "<td class=\"num\">%d</td><td "
			              "class=\"num\">%.1f</td></tr>",
			              row->days, row->priority);
		else
			ap_buf_puts(b,
			            "<td class=\"num\">—</td><td "
			            "class=\"num\">pas de mission</td></tr>");
	}
	if (m < n)
		ap_buf_printf(b,
		              "<tr><td colspan=\"8\">%zu dossier(s) n'ont "
		              "pas pu être notés : réessayez.</td></tr>",
		              n - m);
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
	ap_buf_printf(b,
	              "<h1>Sites classés</h1><p>%zu dossier(s) reçu(s), "
	              "classés par priorité de mission.</p>",
	              j->n_listed);
	ranked_table(s, b, j->listed, j->n_listed);
	if (j->n_listed)
		qsort(j->listed, j->n_listed, sizeof(*j->listed), by_received);
	size_t recent = j->n_listed < 20 ? j->n_listed : 20;
	ap_buf_puts(b, "<section><h2>Reçu dernièrement</h2>");
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

static void theme_section(ap_buf *b, const json_t *t)
{
	ap_buf_puts(b, "<section class=\"theme\"><h3>");
	svc_html_text(b, jstr(t, "theme"));
	ap_buf_printf(b, " : besoin %.1f (%.1f–%.1f), ",
	              json_number_value(json_object_get(t, "need")),
	              json_number_value(json_object_get(t, "need_low")),
	              json_number_value(json_object_get(t, "need_high")));
	svc_html_text(b, jstr(t, "band"));
	ap_buf_puts(b, "</h3><table class=\"indicators\"><thead><tr><th>"
	               "Indicateur</th><th>Valeur</th><th>Contribution</th>"
	               "</tr></thead><tbody>");
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(t, "indicators"), i, ind)
	{
		double c =
		    json_number_value(json_object_get(ind, "contribution"));
		ap_buf_puts(b, "<tr><td>");
		svc_html_text(b, jstr(ind, "ref"));
		ap_buf_puts(b, "</td><td>");
		json_t *val = json_object_get(ind, "value");
		if (json_is_number(val))
			ap_buf_printf(b, "%g", json_number_value(val));
		else
			ap_buf_puts(b, "manquant");
		ap_buf_printf(b,
		              "</td><td><meter min=\"0\" max=\"100\" "
		              "value=\"%.1f\"></meter> %.1f</td></tr>",
		              c, c);
	}
	ap_buf_puts(b, "</tbody></table>");
	json_t *lv;
	if (json_array_size(json_object_get(t, "levers"))) {
		ap_buf_puts(b, "<p>Leviers :</p><ul class=\"levers\">");
		json_array_foreach(json_object_get(t, "levers"), i, lv)
		{
			ap_buf_puts(b, "<li>");
			svc_html_text(b, jstr(lv, "ref"));
			ap_buf_printf(
			    b, " : gain %.1f</li>",
			    json_number_value(json_object_get(lv, "gain")));
		}
		ap_buf_puts(b, "</ul>");
	}
	ap_buf_puts(b, "</section>");
}

static void case_section(svc *s, ap_buf *b, const svc_listed *v)
{
	ap_buf_puts(b, "<article class=\"case\"><h2>Dossier ");
	svc_html_text(b, v->case_id);
	ap_buf_printf(b, ", version %d sur %d</h2><p>Diagnostic du ", v->n,
	              v->n_versions);
	svc_html_text(b, v->diagnosed);
	ap_buf_puts(b, " par ");
	svc_html_text(b, v->firm_id);
	ap_buf_puts(b, ", reçu le ");
	svc_html_text(b, v->received_at);
	ap_buf_puts(b, " (<a href=\"/v1/casefiles/");
	svc_html_text(b, v->case_id);
	ap_buf_printf(b, "/versions/%d\">XML</a>)</p>", v->n);
	const svc_scored *sc = svc_cache_get(s->cache, v->sha256);
	json_error_t e;
	json_t *o = sc && sc->json ? json_loads(sc->json, 0, &e) : NULL;
	if (!o) {
		ap_buf_puts(b, "<p class=\"error\">Ce dossier n'a pas pu être "
		               "noté : réessayez.</p></article>");
		return;
	}
	ap_buf_puts(b, "<p>");
	svc_html_text(b, jstr(o, "site_name"));
	ap_buf_puts(b, ", ");
	svc_html_text(b, jstr(o, "commune"));
	ap_buf_puts(b, " — ");
	svc_html_text(b, jstr(o, "organisation_name"));
	ap_buf_puts(b, "</p>");
	json_t *m = json_object_get(o, "mission");
	if (json_is_object(m))
		ap_buf_printf(
		    b,
		    "<p class=\"mission\">Mission recommandée : %lld jours, "
		    "priorité %.1f</p>",
		    (long long)json_integer_value(json_object_get(m, "days")),
		    json_number_value(json_object_get(m, "priority")));
	else
		ap_buf_puts(b, "<p class=\"mission\">Pas de mission "
		               "recommandée.</p>");
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
		                      "ici.</p>");
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
	ap_buf_puts(b, "<h1>");
	svc_html_text(b, title);
	ap_buf_puts(b, "</h1>");
	free(title);
	for (size_t i = 0; i < j->n_listed; i++)
		case_section(s, b, &j->listed[i]);
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
