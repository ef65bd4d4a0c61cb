/*
 * Showing an opened bundle to a person: what bag-info.txt records, the
 * score it holds, its payload and each member with its SHA-256, checked
 * against the manifest.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "appui/text.h"
#include "bundle_impl.h"

/* Everything shown comes from the bag, which anyone may have written: it
 * is shown inert (appui/text.h). */
#define SHOWN(s) ap_shown_text(&sh, (s))

/* ---- showing a bag ---------------------------------------------------------
 */

static void show_score(FILE *out, const ap_bundle *b)
{
	size_t len;
	const char *s = ap_bundle_member_data(b, SCORE_JSON, &len);
	json_error_t err;
	json_t *doc = s ? json_loadb(s, len, 0, &err) : NULL;
	ap_shown sh = {0};
	if (!doc) {
		fprintf(out, _("score:        %s\n"),
		        s ? "data/score/score.json is not valid JSON"
		          : "none (no data/score/score.json)");
		return;
	}
	fprintf(out, _("score:        %-12s %-10s %7s  %-9s %4s  %s\n"), "case",
	        "theme", "need", "band", "days", "plugin");
	size_t i, k;
	json_t *c, *t;
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
		json_array_foreach(json_object_get(c, "themes"), k, t)
		{
			fprintf(out,
			        "              %-12s %-10s %7.2f  %-9s "
			        "%4" JSON_INTEGER_FORMAT "  %s %s\n",
			        k ? "" : SHOWN(bundle_jget_str(c, "case_id")),
			        SHOWN(bundle_jget_str(t, "theme")),
			        json_number_value(json_object_get(t, "need")),
			        SHOWN(bundle_jget_str(t, "band")),
			        json_integer_value(json_object_get(t, "days")),
			        SHOWN(bundle_jget_str(t, "plugin")),
			        SHOWN(bundle_jget_str(t, "plugin_version")));
		}
		json_t *m = json_object_get(c, "mission");
		if (json_is_object(m))
			fprintf(
			    out,
			    _("              %-12s mission of %lld days, "
			      "priority %.2f\n"),
			    "",
			    (long long)json_integer_value(
			        json_object_get(m, "days")),
			    json_number_value(json_object_get(m, "priority")));
		else
			fprintf(out, _("              %-12s no mission\n"), "");
	}
	json_decref(doc);
	ap_shown_free(&sh);
}

/* Every value of `label`, joined. */
static void show_info(FILE *out, const ap_bundle *b, const char *title,
                      const char *label, const char *sep)
{
	int first = 1;
	ap_shown sh = {0};
	for (size_t i = 0; i < b->n_info; i++) {
		if (strcasecmp(b->labels[i], label) != 0)
			continue;
		fprintf(out, first ? "%-13s %s" : "%s%s", first ? title : sep,
		        SHOWN(b->values[i]));
		first = 0;
	}
	if (!first)
		fputc('\n', out);
	ap_shown_free(&sh);
}

void ap_bundle_show(FILE *out, const ap_bundle *b)
{
	char size[32];
	ap_shown sh = {0};
	bundle_human_size(size, sizeof size, b->archive_bytes);
	if (b->kind && strcmp(b->kind, "folder") == 0)
		fprintf(out, _("bundle:       %s (an extracted bag folder)\n"),
		        SHOWN(b->file));
	else
		fprintf(out,
		        _("bundle:       %s (%s, %s, %" PRIu64 " bytes)\n"),
		        SHOWN(b->file), b->kind ? b->kind : "?", size,
		        b->archive_bytes);
	size_t vlen;
	const char *bagit = ap_bundle_member_data(b, "bagit.txt", &vlen);
	char version[16] = "?";
	if (bagit)
		sscanf(bagit, "BagIt-Version: %15[0-9.]", version);
	fprintf(out, _("bag:          %s/ (BagIt %s"), SHOWN(b->name), version);
	const char *date = ap_bundle_info(b, "Bagging-Date");
	const char *agent = ap_bundle_info(b, "Bag-Software-Agent");
	if (date)
		fprintf(out, _(", bagged %s"), SHOWN(date));
	if (agent)
		fprintf(out, _(" by %s"), SHOWN(agent));
	fputs(")\n", out);
	const char *org = ap_bundle_info(b, "Source-Organization");
	const char *org_id = ap_bundle_info(b, "Appui-Organisation-Id");
	if (org)
		fprintf(out, _("organisation: %s%s%s%s\n"), SHOWN(org),
		        org_id ? " (" : "", org_id ? SHOWN(org_id) : "",
		        org_id ? ")" : "");
	const char *site = ap_bundle_info(b, "Appui-Site-Id");
	const char *site_name = ap_bundle_info(b, "Appui-Site-Name");
	if (site)
		fprintf(out, _("site:         %s%s%s\n"), SHOWN(site),
		        site_name ? ": " : "",
		        site_name ? SHOWN(site_name) : "");
	show_info(out, b, "diagnostics:", "Appui-Diagnostic",
	          "\n              ");
	show_info(out, b, "recommended:", "Appui-Recommended-Days", "");
	show_info(out, b, "campaign:", "Appui-Campaign", "");
	const char *status = ap_bundle_info(b, "Appui-Mission-Status");
	if (status) {
		fprintf(out, _("mission:      %s"), SHOWN(status));
		const char *id = ap_bundle_info(b, "Appui-Mission-Id");
		const char *days = ap_bundle_info(b, "Appui-Mission-Days");
		const char *firm = ap_bundle_info(b, "Appui-Mission-Firm");
		const char *dates = ap_bundle_info(b, "Appui-Mission-Dates");
		if (id)
			fprintf(out, " %s", SHOWN(id));
		if (days)
			fprintf(out, _(", %s days"), SHOWN(days));
		if (firm)
			fprintf(out, _(" with %s"), SHOWN(firm));
		if (dates)
			fprintf(out, _("\n              on %s"), SHOWN(dates));
		fputc('\n', out);
	}
	show_score(out, b);
	show_info(out, b, "plugins:", "Appui-Plugin", ", ");
	show_info(out, b, "config:", "Appui-Configuration", "");
	const char *oxum = ap_bundle_info(b, "Payload-Oxum");
	uint64_t bytes = 0;
	size_t files = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (bundle_is_payload(b->mem[i].path)) {
			bytes += b->mem[i].m.size;
			files++;
		}
	}
	fprintf(out, _("payload:      %zu files, %" PRIu64 " bytes%s%s%s\n"),
	        files, bytes, oxum ? " (Payload-Oxum " : "",
	        oxum ? SHOWN(oxum) : "", oxum ? ")" : "");
	fprintf(out, _("\nmembers:\n%12s  %-64s  %s\n"), "bytes", "sha256",
	        "path");
	for (size_t i = 0; i < b->n; i++) {
		const ap_bundle_member *m = &b->mem[i].m;
		const char *note = "";
		if (bundle_is_payload(m->path)) {
			const char *want = ap_bundle_manifest_hash(b, m->path);
			if (!want)
				note = "  (not in the manifest)";
			else if (strcmp(want, m->sha256) != 0)
				note = "  (differs from the manifest)";
		}
		fprintf(out, _("%12" PRIu64 "  %s  %s%s\n"), m->size,
		        SHOWN(m->sha256), SHOWN(m->path), note);
	}
	ap_shown_free(&sh);
}
