/*
 * Missions through a campaign (docs/followup.md): a plan saved in the store
 * gives each mission an id that never changes; a re-plan keeps the
 * confirmed and held missions fixed and plans the rest around them. This
 * module is the bridge between the planner's plan and the store's missions:
 * which saved missions are fixed, and what a new plan does to each saved
 * mission (keeps it, moves it, cancels it, or plans a new one).
 */
#ifndef APPUI_MISSION_H
#define APPUI_MISSION_H

#include <stddef.h>
#include <stdio.h>

#include "appui/common.h"
#include "appui/plan.h"
#include "appui/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A saved mission, copied out of the store. */
typedef struct ap_saved_mission {
	char *mission_id, *case_id, *site_id, *firm, *dates_text;
	ap_day *dates; /* `days` planned days, increasing */
	int days;
	ap_mission_status status;
	char *held_first, *held_last; /* NULL unless held */
	int sequence;
	long long plan;   /* the latest saved plan that has it */
	char *updated_at; /* YYYY-MM-DDTHH:MM:SSZ */
} ap_saved_mission;

typedef struct ap_saved_missions {
	long long plan; /* the saved plan they were read for */
	ap_saved_mission *v;
	size_t n;
} ap_saved_missions;

/* The missions of saved plan `plan`'s campaign (ap_store_missions()).
 * Returns AP_OK, or the store's status with the reason in `d`. */
AP_API int ap_saved_missions_load(ap_saved_missions **out, ap_store *s,
                                  long long plan, ap_diags *d);
AP_API void ap_saved_missions_free(ap_saved_missions *m);

/* The confirmed and held missions, as fixed missions for the planner (the
 * strings and dates are `m`'s); free the array. `*n` may be 0. */
AP_API void ap_saved_fixed(ap_fixed_mission **out, size_t *n,
                           const ap_saved_missions *m);

/* What a new plan does to the saved missions: one row per mission to
 * write, the ids of the plan's missions, the calendar events to cancel. */
typedef struct ap_mission_update {
	ap_store_mission_in *rows; /* to ap_store_plan_save() */
	size_t n_rows;
	char (*ids)[AP_MISSION_ID_SIZE]; /* per mission of the plan */
	ap_ics_mission *ics;             /* per mission of the plan */
	ap_ics_cancelled *cancelled;
	size_t n_cancelled;
	size_t kept, moved, added, dropped; /* missions per fate */
} ap_mission_update;

/*
 * Matches the missions of `p` (about to be saved as plan `plan_id`) with
 * the saved ones (NULL: a first plan): a fixed mission is the saved one it
 * came from; a planned mission of a site with the same firm is that saved
 * mission, moved when its days differ (its sequence up by one); any other
 * is new, "P<plan_id>-M-<its number>". A saved planned mission that none
 * matches is cancelled (sequence up by one). Every cancelled mission, and
 * the days a mission no longer has, become cancelled calendar events.
 * Pure. Free with ap_mission_update_free().
 */
AP_API int ap_mission_update_of(ap_mission_update **out, const ap_plan *p,
                                const ap_saved_missions *saved,
                                long long plan_id);
AP_API void ap_mission_update_free(ap_mission_update *u);

/* The missions as a table, and as JSON ({"missions":[...]}, the fields of
 * ap_store_mission), keeping those of `site_id` only (NULL: all). */
AP_API void ap_saved_missions_table(FILE *out, const ap_saved_missions *m,
                                    const char *site_id);
AP_API void ap_saved_missions_json(FILE *out, const ap_saved_missions *m,
                                   const char *site_id);

/* Parses "P12" or "12" into 12. Returns 0, or -1. */
AP_API int ap_plan_id_parse(const char *s, long long *out);

#ifdef __cplusplus
}
#endif

#endif
