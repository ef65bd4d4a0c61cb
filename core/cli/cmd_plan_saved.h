/* appui plan --save and --replan (cmd_plan_saved.c). */
#ifndef APPUI_CMD_PLAN_SAVED_H
#define APPUI_CMD_PLAN_SAVED_H

#include "appui/appui.h"
#include "cli.h"

typedef struct saved_plan {
	ap_store *store;          /* with --save or --replan */
	long long replans;        /* --replan's plan; 0 */
	long long id;             /* the id the plan takes when saved */
	ap_saved_missions *saved; /* the re-planned campaign's missions */
	ap_prev_plan *prev;       /* the re-planned plan */
	ap_fixed_mission *fixed;  /* its confirmed and held missions */
	size_t n_fixed;
	ap_mission_update *update; /* what the new plan does to them */
} saved_plan;

/* After the cases are scored (the store is never open across the workers'
 * fork), before planning: opens the store and reads --replan. Returns 0 or
 * an exit status (after saying why). */
int saved_open(const options *o, const setup *s, saved_plan *sp, ap_diags *d);
/* Names the plan's missions: the saved ones they continue, or new ids. */
void saved_name(saved_plan *sp, ap_plan *plan);
/* The calendars' identities and cancelled events. */
void saved_ics_options(const saved_plan *sp, ap_plan_ics_options *out);
/* With --save: the plan (its JSON as `ropt` writes it) and its missions
 * into the store. Returns 0 or an exit status. */
int saved_store(const options *o, saved_plan *sp, const ap_plan *plan,
                const ap_diags *pd, const ap_plan_report_options *ropt,
                const char *cpath, ap_diags *d);
void saved_free(saved_plan *sp);

#endif
