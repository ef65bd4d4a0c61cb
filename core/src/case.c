#include <string.h>

#include "appui/reader.h"
#include "case_impl.h"

const char *ap_case_id(const ap_case *c)
{
	return c->id;
}

const char *ap_case_file(const ap_case *c)
{
	return c->file;
}

const ap_organisation *ap_case_organisation(const ap_case *c)
{
	return &c->organisation;
}

const ap_site *ap_case_site(const ap_case *c)
{
	return &c->site;
}

const ap_diagnostic *ap_case_diagnostic(const ap_case *c)
{
	return &c->diagnostic;
}

const ap_request *ap_case_request(const ap_case *c)
{
	return &c->request;
}

size_t ap_case_theme_count(const ap_case *c)
{
	return c->n_themes;
}

const ap_theme_data *ap_case_theme_at(const ap_case *c, size_t i)
{
	return i < c->n_themes ? &c->themes[i] : NULL;
}

const ap_theme_data *ap_case_theme(const ap_case *c, const char *ref)
{
	for (size_t i = 0; i < c->n_themes; i++)
		if (strcmp(c->themes[i].ref, ref) == 0)
			return &c->themes[i];
	return NULL;
}

const ap_indicator *ap_theme_indicator(const ap_theme_data *t, const char *ref)
{
	for (size_t i = 0; i < t->n_indicators; i++)
		if (strcmp(t->indicators[i].ref, ref) == 0)
			return &t->indicators[i];
	return NULL;
}

void ap_case_free(ap_case *c)
{
	if (!c)
		return;
	ap_arena arena = c->arena;
	ap_arena_free(&arena); /* the case itself lives in its arena */
}
