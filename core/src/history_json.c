/* A site's history as JSON (docs/cli.md, "history"): keys in a fixed
 * order, numbers as the score JSON prints them. */
#include <jansson.h>

#include "appui/status.h"
#include "history_impl.h"
#include "jsonout.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

static json_t *num2(double x)
{
	return jnum(jround(x, 2));
}

static json_t *diag_json(const hist_diag *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "case_id", jsonout_str(d->pub.case_id));
	json_object_set_new(o, "file", jsonout_str(d->pub.file));
	json_object_set_new(o, "diagnosed", jsonout_str(d->pub.diagnosed));
	json_object_set_new(o, "firm", jsonout_str(d->pub.firm));
	json_t *themes = json_array();
	for (size_t i = 0; i < d->pub.n_themes; i++) {
		const ap_history_theme *t = &d->themes[i];
		json_t *x = json_object();
		json_object_set_new(x, "theme", jsonout_str(t->theme));
		json_object_set_new(x, "need", num2(t->need));
		json_object_set_new(x, "need_low", num2(t->need_low));
		json_object_set_new(x, "need_high", num2(t->need_high));
		json_object_set_new(x, "band",
		                    json_string(ap_band_name(t->band)));
		json_array_append_new(themes, x);
	}
	json_object_set_new(o, "themes", themes);
	return o;
}

static json_t *mission_json(const hist_mission *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "mission_id", jsonout_str(m->m.mission_id));
	json_object_set_new(o, "firm", jsonout_str(m->m.firm));
	json_object_set_new(o, "status", jsonout_str(m->m.status));
	json_object_set_new(o, "first", jsonout_str(m->m.first));
	json_object_set_new(o, "last", jsonout_str(m->m.last));
	return o;
}

/* A level or a value of one side of a move: null where it is absent. */
static json_t *side(int has, json_t *v)
{
	if (has)
		return v;
	json_decref(v);
	return json_null();
}

static json_t *move_json(const hist_move *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "ref", jsonout_str(m->ref));
	json_object_set_new(o, "from_level",
	                    side(m->has_from, json_integer(m->from_level)));
	json_object_set_new(o, "to_level",
	                    side(m->has_to, json_integer(m->to_level)));
	json_object_set_new(o, "from_value",
	                    side(m->has_from, num2(m->from_value)));
	json_object_set_new(o, "to_value", side(m->has_to, num2(m->to_value)));
	json_object_set_new(o, "contribution_delta",
	                    num2(m->contribution_delta));
	return o;
}

static json_t *change_json(const ap_history_change *c, const hist_move *mv)
{
	int comparable = c->verdict != AP_HISTORY_NOT_COMPARABLE;
	json_t *o = json_object();
	json_object_set_new(o, "theme", jsonout_str(c->theme));
	json_object_set_new(o, "delta",
	                    comparable ? num2(c->delta) : json_null());
	json_object_set_new(o, "verdict",
	                    json_string(ap_history_verdict_name(c->verdict)));
	const char *band = ap_history_band_change_name(c->band_change);
	json_object_set_new(o, "band_change",
	                    band ? json_string(band) : json_null());
	json_t *inds = json_array();
	for (size_t i = 0; i < c->n_moved; i++)
		json_array_append_new(inds, move_json(&mv[i]));
	json_object_set_new(o, "indicators", inds);
	return o;
}

static json_t *pair_json(const ap_history *h, size_t i)
{
	const hist_pair *p = &h->pairs[i];
	json_t *o = json_object();
	json_object_set_new(o, "from", jsonout_str(h->diags[i].pub.case_id));
	json_object_set_new(o, "to", jsonout_str(h->diags[i + 1].pub.case_id));
	json_t *between = json_array();
	for (size_t k = 0; k < h->n_missions; k++)
		if (hist_between(h, i, &h->missions[k]))
			json_array_append_new(between,
			                      mission_json(&h->missions[k]));
	json_object_set_new(o, "missions_between", between);
	json_t *themes = json_array();
	for (size_t c = 0; c < p->n; c++)
		json_array_append_new(themes,
		                      change_json(&p->changes[c], p->moves[c]));
	json_object_set_new(o, "themes", themes);
	return o;
}

int ap_history_json(FILE *out, const ap_history *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "site_id", jsonout_str(h->site_id));
	json_object_set_new(o, "site_name",
	                    jsonout_str(ap_history_site_name(h)));
	json_t *diags = json_array(), *changes = json_array();
	json_t *missions = json_array();
	for (size_t i = 0; i < h->n_diags; i++)
		json_array_append_new(diags, diag_json(&h->diags[i]));
	for (size_t i = 0; i + 1 < h->n_diags; i++)
		json_array_append_new(changes, pair_json(h, i));
	for (size_t k = 0; k < h->n_missions; k++)
		json_array_append_new(missions, mission_json(&h->missions[k]));
	json_object_set_new(o, "diagnostics", diags);
	json_object_set_new(o, "changes", changes);
	json_object_set_new(o, "missions", missions);
	int rc = jsonout_dumpf(o, out, JSON_FLAGS);
	json_decref(o);
	if (rc == 0 && fputc('\n', out) == EOF)
		rc = -1;
	return rc == 0 ? AP_OK : AP_EOUTPUT;
}
