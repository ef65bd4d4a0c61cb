/*
 * `appui score --format csv`: one row per case and theme, for tools and
 * spreadsheets (docs/cli.md), made from the case's JSON text so that it
 * says what `--format json` says. Cells from the case file are written as
 * text when they would run as a formula (csv.h).
 */
#include <jansson.h>
#include <string.h>

#include "appui/report.h"
#include "csv.h"
#include "jsonout.h"

void ap_report_csv_header(FILE *out)
{
	static const char *const head[] = {"case_id",
	                                   "site_id",
	                                   "site_name",
	                                   "organisation_id",
	                                   "organisation_name",
	                                   "region",
	                                   "firm",
	                                   "theme",
	                                   "need",
	                                   "need_low",
	                                   "need_high",
	                                   "confidence",
	                                   "band",
	                                   "theme_days",
	                                   "mission_days",
	                                   "priority"};
	for (size_t i = 0; i < AP_ARRAY_LEN(head); i++)
		csv_field(out, head[i], i == 0);
	fputs("\r\n", out);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* A number as the JSON has it: whole numbers without a fraction. */
static void num(FILE *out, const json_t *v)
{
	if (json_is_integer(v))
		csv_fieldf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		csv_fieldf(out, "%.15g", json_real_value(v));
	else
		csv_field(out, "", 0);
}

int ap_report_csv_case(FILE *out, const char *json, size_t len)
{
	json_error_t e;
	json_t *c = json_loadb(json, len, 0, &e);
	if (!json_is_object(c)) {
		json_decref(c);
		return AP_EINVALID;
	}
	const json_t *m = json_object_get(c, "mission");
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(c, "themes"), i, t)
	{
		csv_text(out, str(c, "case_id"), 1);
		static const char *const keys[] = {
		    "site_id",           "site_name", "organisation_id",
		    "organisation_name", "region",    "firm"};
		for (size_t k = 0; k < AP_ARRAY_LEN(keys); k++)
			csv_text(out, str(c, keys[k]), 0);
		csv_text(out, str(t, "theme"), 0);
		num(out, json_object_get(t, "need"));
		num(out, json_object_get(t, "need_low"));
		num(out, json_object_get(t, "need_high"));
		num(out, json_object_get(t, "confidence"));
		csv_field(out, str(t, "band"), 0);
		num(out, json_object_get(t, "days"));
		num(out, json_object_get(m, "days"));
		num(out, json_object_get(m, "priority"));
		fputs("\r\n", out);
	}
	json_decref(c);
	return AP_OK;
}
