/*
 * What the plan's outputs share: plan_report.c (table, JSON, CSV) and
 * plan_ics.c (calendars).
 */
#ifndef APPUI_PLAN_REPORT_H
#define APPUI_PLAN_REPORT_H

#include "appui/plan.h"

/* The themes mission `m` plans (all the site's mission themes, or the part
 * of them in ap_planned.themes), joined with `sep`, as valid UTF-8; a
 * string to free. */
char *plan_mission_themes(const ap_plan *p, const ap_planned *m,
                          const char *sep);

#endif
