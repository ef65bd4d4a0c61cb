/* Helpers shared by the unit suites. */
#ifndef APPUI_TESTUTIL_H
#define APPUI_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "appui/appui.h"

/* A host with the shipped plugins and the shipped configuration. */
ap_host *tu_host(ap_config **cfg_out);

/* A reader for the shipped schema. */
ap_reader *tu_reader(void);

/*
 * A complete, valid case file around `site_extra` (elements added inside
 * <site>, after <dwellings>) and `themes` (the <theme> elements). dwellings
 * is the site's number of dwellings. Returns a string to free.
 */
char *tu_casefile(long dwellings, const char *site_extra, const char *themes);

/* Reads `xml` (asserting it is valid), scores it, returns the result; the
 * case is returned in *case_out for freeing. */
ap_case_result *tu_score(ap_host *h, ap_reader *r, const char *xml,
                         ap_case **case_out);

/* The result for `theme`, or NULL. */
const ap_theme_result *tu_theme(const ap_case_result *r, const char *theme);

/* The explanation row for `ref`, or NULL. */
const ap_indicator_row *tu_row(const ap_theme_result *t, const char *ref);

/* 1 when some rule text contains `needle`. */
int tu_has_rule(const ap_theme_result *t, const char *needle);

/* mkdtemp() whose folder is removed, with what it holds, when the test
 * process exits (each test is a process of its own in fork mode). */
char *tu_mkdtemp(char *template);

/* Runs a suite; returns the exit status for main(). */
int tu_run(Suite *s);

#endif
