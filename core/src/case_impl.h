/* The case model's storage, shared by the reader and the accessors. */
#ifndef APPUI_CASE_IMPL_H
#define APPUI_CASE_IMPL_H

#include "appui/case.h"
#include "util.h"

struct ap_case {
	ap_arena arena; /* every string and array of the case */
	const char *file;
	const char *id;
	long line; /* of the root element */
	ap_organisation organisation;
	ap_site site;
	long site_line;
	ap_diagnostic diagnostic;
	ap_request request;
	long window_line;
	ap_theme_data *themes;
	size_t n_themes;
};

#endif
