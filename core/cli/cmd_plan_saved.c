/*
 * appui plan --save and --replan PLAN-ID: the plan kept in the store, its
 * missions with ids that never change, and a re-plan that keeps the
 * confirmed and held missions fixed (docs/followup.md). A thin layer over
 * appui/mission.h and appui/store.h.
 */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "cli.h"
#include "cmd_plan_saved.h"

/* The largest campaign file kept with a plan. */
#define CAMPAIGN_MAX ((size_t)4 << 20)

typedef struct found_plan {
	ap_prev_plan *prev;
	ap_diags *d;
	int status;
} found_plan;

static int read_saved(void *ctx, const ap_store_plan *p)
{
	found_plan *f = ctx;
	char name[32];
	snprintf(name, sizeof name, "P%lld", p->id);
	f->status = ap_prev_plan_parse(&f->prev, name, p->plan_json,
	                               p->plan_json_len, f->d);
	return 0;
}

/* --replan: the saved plan (to say what moved) and its campaign's
 * missions, the confirmed and held of them fixed. */
static int open_replan(const options *o, saved_plan *sp, ap_diags *d)
{
	if (ap_plan_id_parse(o->replan, &sp->replans) != 0) {
		fprintf(stderr,
		        _("appui plan: --replan wants a saved plan's id, as P1 "
		          "(appui mission plans lists them), not '%s'\n"),
		        SHOWN(o->replan));
		return EXIT_USAGE;
	}
	found_plan f = {NULL, d, AP_OK};
	int status =
	    ap_store_plan_get(sp->store, sp->replans, read_saved, &f, d);
	if (status == AP_OK)
		status = f.status;
	sp->prev = f.prev;
	if (status == AP_OK)
		status = ap_saved_missions_load(&sp->saved, sp->store,
		                                sp->replans, d);
	if (status != AP_OK)
		return store_exit(status, d);
	ap_saved_fixed(&sp->fixed, &sp->n_fixed, sp->saved);
	return 0;
}

int saved_open(const options *o, const setup *s, saved_plan *sp, ap_diags *d)
{
	memset(sp, 0, sizeof *sp);
	if (!o->save && !o->replan)
		return 0;
	if (o->replan && (o->against || o->n_keep || o->fewest_changes)) {
		fputs(_("appui plan: --replan compares with the saved plan and "
		        "keeps its confirmed and held missions: --against, "
		        "--keep "
		        "and --fewest-changes do not go with it\n"),
		      stderr);
		return EXIT_USAGE;
	}
	int rc = open_store(o, s->cfg, 0, &sp->store);
	if (rc)
		return rc;
	int status = ap_store_plan_next(&sp->id, sp->store, d);
	if (status != AP_OK)
		return store_exit(status, d);
	return o->replan ? open_replan(o, sp, d) : 0;
}

ap_plan_input *saved_filter(const saved_plan *sp, ap_plan_input *in)
{
	if (!sp->saved)
		return in;
	ap_plan_input *kept = ap_plan_input_new();
	for (size_t i = 0; i < ap_plan_input_count(in); i++) {
		const ap_plan_site *site = ap_plan_input_at(in, i);
		if (!ap_saved_site_withdrawn(sp->saved, site->site_id))
			ap_plan_input_add_site(kept, site);
		else
			fprintf(stderr,
			        _("appui plan: %s left out: its mission was "
			          "cancelled (appui mission list --site %s)\n"),
			        SHOWN(site->site_id), SHOWN(site->site_id));
	}
	ap_plan_input_free(in);
	return kept;
}

void saved_reasons(const saved_plan *sp, ap_plan_changes *changes)
{
	for (size_t i = 0; sp->saved && changes && i < changes->n_changes;
	     i++) {
		ap_plan_change *c = &changes->changes[i];
		if (c->kind == AP_CHANGE_OUT &&
		    ap_saved_site_withdrawn(sp->saved, c->site_id))
			c->reason = "mission cancelled";
	}
}

void saved_name(saved_plan *sp, ap_plan *plan)
{
	if (!sp->store)
		return;
	ap_mission_update_of(&sp->update, plan, sp->saved, sp->id);
	const char **ids = calloc(plan->n_missions + 1, sizeof(*ids));
	if (!ids)
		ap_oom();
	for (size_t i = 0; i < plan->n_missions; i++)
		ids[i] = sp->update->ids[i];
	ap_plan_set_mission_ids(plan, ids);
	free(ids);
}

void saved_ics_options(const saved_plan *sp, ap_plan_ics_options *out)
{
	*out = (ap_plan_ics_options)AP_PLAN_ICS_OPTIONS_INIT;
	if (!sp->update)
		return;
	out->missions = sp->update->ics;
	out->cancelled = sp->update->cancelled;
	out->n_cancelled = sp->update->n_cancelled;
}

static char *read_campaign(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(CAMPAIGN_MAX + 1);
	if (!buf)
		ap_oom();
	*len = fread(buf, 1, CAMPAIGN_MAX + 1, f);
	int bad = ferror(f) || *len > CAMPAIGN_MAX;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The plan's JSON, as `--format json` writes it, into memory. */
static char *plan_json_text(const ap_plan *plan, const ap_diags *pd,
                            const ap_plan_report_options *ropt, size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);
	if (!m)
		ap_oom();
	ap_plan_json_with(m, plan, pd, ropt);
	if (fclose(m) != 0)
		ap_oom();
	return text;
}

int saved_store(const options *o, saved_plan *sp, const ap_plan *plan,
                const ap_diags *pd, const ap_plan_report_options *ropt,
                const char *cpath, ap_diags *d)
{
	if (!o->save)
		return 0;
	ap_store_plan_in in = AP_STORE_PLAN_INIT;
	size_t clen = 0;
	char *campaign = read_campaign(cpath, &clen);
	if (!campaign) {
		fprintf(stderr,
		        _("appui plan: cannot read the campaign %s again "
		          "to keep it with the plan; nothing saved\n"),
		        SHOWN(cpath));
		return EXIT_SETUP;
	}
	in.id = sp->id;
	in.campaign_name = cpath;
	in.campaign = campaign;
	in.campaign_len = clen;
	in.plan_json = plan_json_text(plan, pd, ropt, &in.plan_json_len);
	in.replans = sp->replans;
	in.actor = local_actor();
	in.missions = sp->update->rows;
	in.n_missions = sp->update->n_rows;
	long long id = 0;
	int status = ap_store_plan_save(&id, sp->store, &in, d);
	free(campaign);
	free((char *)in.plan_json);
	if (status != AP_OK)
		return store_exit(status, d);
	const ap_mission_update *u = sp->update;
	fprintf(stderr,
	        _("appui plan: saved as P%lld: %zu missions kept, %zu moved, "
	          "%zu new, %zu cancelled\n"),
	        id, u->kept, u->moved, u->added, u->dropped);
	return 0;
}

void saved_free(saved_plan *sp)
{
	ap_mission_update_free(sp->update);
	ap_saved_missions_free(sp->saved);
	ap_prev_plan_free(sp->prev);
	free(sp->fixed);
	ap_store_close(sp->store);
	memset(sp, 0, sizeof *sp);
}
