/* The report's data: the command's JSON outputs, parsed once. */
#include <stdlib.h>

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

int ap_document_set_plan(ap_document *doc, const char *json, size_t len)
{
	json_t *v = parse(json, len);
	if (!v || !json_is_array(json_object_get(v, "missions"))) {
		json_decref(v);
		return AP_EINVALID;
	}
	json_decref(doc->plan);
	doc->plan = v;
	return AP_OK;
}
