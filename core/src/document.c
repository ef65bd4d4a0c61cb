/* The report's data: the command's JSON outputs, parsed once. */
#include <stdlib.h>
#include <string.h>

#include "document_impl.h"
#include "util.h"

ap_document *ap_document_new(void)
{
	ap_document *doc = ap_xcalloc(1, sizeof(*doc));
	doc->cases = json_array();
	return doc;
}

void ap_document_free(ap_document *doc)
{
	if (!doc)
		return;
	json_decref(doc->cases);
	json_decref(doc->plan);
	json_decref(doc->missions);
	json_decref(doc->followup);
	free(doc);
}

/* Numbers are kept as the writer wrote them: JSON_DECODE_INT_AS_REAL is
 * not used, so whole numbers stay integers. */
static json_t *parse(const char *json, size_t len)
{
	json_error_t e;
	json_t *v = json_loadb(json, len, JSON_REJECT_DUPLICATES, &e);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

int ap_document_add_case(ap_document *doc, const char *json, size_t len)
{
	json_t *v = parse(json, len);
	if (!v || !json_is_string(json_object_get(v, "case_id"))) {
		json_decref(v);
		return AP_EINVALID;
	}
	json_array_append_new(doc->cases, v);
	return AP_OK;
}

/* `*slot` replaced by the object `json`, which must have an array `key`. */
static int set_object(json_t **slot, const char *json, size_t len,
                      const char *key)
{
	json_t *v = parse(json, len);
	if (!v || !json_is_array(json_object_get(v, key))) {
		json_decref(v);
		return AP_EINVALID;
	}
	json_decref(*slot);
	*slot = v;
	return AP_OK;
}

int ap_document_set_plan(ap_document *doc, const char *json, size_t len)
{
	return set_object(&doc->plan, json, len, "missions");
}

int ap_document_set_missions(ap_document *doc, const char *json, size_t len)
{
	return set_object(&doc->missions, json, len, "missions");
}

int ap_document_set_followup(ap_document *doc, const char *json, size_t len)
{
	return set_object(&doc->followup, json, len, "themes");
}

double doc_top_need(const json_t *c)
{
	double m = -1;
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(c, "themes"), i, t)
	{
		double n = json_number_value(json_object_get(t, "need"));
		m = n > m ? n : m;
	}
	return m;
}

static int cmp_id(const json_t *x, const json_t *y, const char *key)
{
	const char *a = json_string_value(json_object_get(x, key));
	const char *b = json_string_value(json_object_get(y, key));
	return strcmp(a ? a : "", b ? b : "");
}

static int by_rank(const void *a, const void *b)
{
	const doc_ranked *x = a, *y = b;
	if (x->has_mission != y->has_mission)
		return x->has_mission ? -1 : 1;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	int c = cmp_id(x->c, y->c, "site_id");
	if (!c)
		c = cmp_id(x->c, y->c, "case_id");
	if (!c)
		c = x->input < y->input ? -1 : x->input > y->input;
	return c;
}

doc_ranked *doc_rank(const ap_document *doc, size_t *n)
{
	*n = json_array_size(doc->cases);
	doc_ranked *r = ap_xcalloc(*n + 1, sizeof(*r));
	for (size_t i = 0; i < *n; i++) {
		const json_t *c = json_array_get(doc->cases, i);
		const json_t *m = json_object_get(c, "mission");
		r[i].c = c;
		r[i].input = i;
		r[i].has_mission = json_is_object(m);
		r[i].key =
		    r[i].has_mission
		        ? json_number_value(json_object_get(m, "priority"))
		        : doc_top_need(c);
	}
	if (*n)
		qsort(r, *n, sizeof(*r), by_rank);
	return r;
}
