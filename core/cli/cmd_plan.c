/* appui plan: score the case files, then plan the missions of a campaign. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "batch.h"
#include "cli.h"
#include "cmd_plan_saved.h"

const char usage_plan[] = N_(
    "usage: appui plan [--campaign FILE] [--format table|json|csv] [--ics "
    "DIR]\n"
    "                  [--time-limit SECONDS] [--budget-days N] "
    "[--budget-euros X]\n"
    "                  [--firm-capacity FIRM=N]... [--against PLAN.json\n"
    "                  [--keep SITE]... [--fewest-changes]]\n"
    "                  [--save] [--replan PLAN-ID] [-o FILE] FILE|DIR...\n"
    "\n"
    "Scores the case files, then chooses which sites get a mission, with "
    "which\n"
    "firm and on which days, within the campaign's budget, the firms'\n"
    "capacities and calendars (weekends, French public holidays, days off)\n"
    "and each site's request window. The choice maximises the sum of the\n"
    "priorities of the planned sites, proven optimal unless the time limit\n"
    "stops the search (the gap is then printed). See docs/planning.md.\n"
    "\n"
    "  --campaign FILE        the campaign (default: the installed\n"
    "                         etc/appui/campaign.cfg)\n"
    "  -f, --format FMT       table (default), json or csv (RFC 4180)\n"
    "  --ics DIR              also write one iCalendar file per firm in DIR\n"
    "  --time-limit SECONDS   for the solver (default 10)\n"
    "  --budget-days N        what if: N budget days instead of the "
    "campaign's\n"
    "  --budget-euros X       what if: X budget euros instead of the "
    "campaign's\n"
    "  --firm-capacity FIRM=N what if: firm FIRM has N days (repeatable)\n"
    "  --against PLAN.json    also say what changed from that plan (the\n"
    "                         JSON of an earlier run)\n"
    "  --keep SITE            with --against: that site's mission stays as\n"
    "                         it is there (firm, dates); the rest is planned\n"
    "                         around it (repeatable)\n"
    "  --fewest-changes       with --against: of the plans with the best\n"
    "                         priority sum, the one with the fewest changes\n"
    "                         from that plan\n"
    "  --save                 keep the plan in the store (as P1, P2...), its\n"
    "                         missions with ids that never change\n"
    "  --replan PLAN-ID       re-plan a saved plan: its confirmed and held\n"
    "                         missions stay as they are, the rest is planned\n"
    "                         around them and changes least; with --save,\n"
    "                         saved as the next plan (docs/followup.md)\n"
    "  -o, --output FILE      write to FILE atomically instead of stdout\n"
    "  -s, --strict           treat every warning about a case file as an "
    "error\n"
    "\n"
    "With no FILE|DIR and a store in use (--store FILE, or store.path in\n"
    "the configuration), the latest version of each case in the store is\n"
    "read, in order of the names it was sent under (--site S, --firm F,\n"
    "--since DATE keep some of them); see docs/store.md.\n");

/* The option a problem of ap_campaign_override() is about. */
static const char *what_if_option(const char *field)
{
	if (strcmp(field, "budget.days") == 0)
		return "--budget-days";
	if (strcmp(field, "budget.euros") == 0)
		return "--budget-euros";
	return "--firm-capacity";
}

/* --budget-days, --budget-euros and --firm-capacity onto the campaign, for
 * this run. Returns 0, or EXIT_USAGE after naming the option of each
 * problem (the campaign is then unchanged). */
static int apply_what_if(const options *o, ap_campaign *c)
{
	if (!o->set_budget_days && !o->set_budget_euros && !o->n_capacities)
		return 0;
	ap_override_options ov = AP_OVERRIDE_OPTIONS_INIT;
	ov.set_budget_days = o->set_budget_days;
	ov.budget_days = o->budget_days;
	ov.set_budget_euros = o->set_budget_euros;
	ov.budget_euros = o->budget_euros;
	ap_capacity_override *caps = calloc(o->n_capacities + 1, sizeof(*caps));
	if (!caps)
		ap_oom();
	for (size_t k = 0; k < o->n_capacities; k++) {
		char *firm = NULL;
		/* The form was checked when the option was parsed. */
		if (cli_firm_capacity(o->capacities[k], &firm,
		                      &caps[k].capacity) == 0)
			caps[k].firm = firm;
	}
	ov.capacities = caps;
	ov.n_capacities = o->n_capacities;
	ap_diags *d = ap_diags_new();
	int rc = ap_campaign_override(c, &ov, d);
	for (size_t i = 0; i < ap_diags_count(d); i++) {
		const ap_diag *g = ap_diags_at(d, i);
		fprintf(stderr, _("appui plan: %s: %s\n"),
		        what_if_option(g->field), SHOWN(g->message));
	}
	ap_diags_free(d);
	for (size_t k = 0; k < o->n_capacities; k++)
		free((char *)caps[k].firm);
	free(caps);
	return rc == AP_OK ? 0 : EXIT_USAGE;
}

/* A scored case, as a worker sent it, into the planner's input. */
static void plan_result(void *ctx, size_t index, const batch_result *res)
{
	(void)index;
	if (res->site)
		ap_plan_input_add_site(ctx, res->site);
}

/* DIR/FIRM.ics, where ap_plan_ics() writes a firm's calendar (to free). */
static char *ics_target(const char *dir, const char *firm)
{
	size_t n = strlen(dir);
	const char *sep = n == 0 || dir[n - 1] == '/' ? "" : "/";
	size_t len = n + strlen(sep) + strlen(firm) + sizeof ".ics";
	char *path = malloc(len);
	if (!path)
		ap_oom();
	snprintf(path, len, "%s%s%s.ics", dir, sep, firm);
	return path;
}

/* -o, or the calendar of any firm of the campaign, onto a case file, the
 * campaign, the configuration or the store: refused. */
static int refuse_clobber(const options *o, const setup *s,
                          const ap_campaign *c, const char *cpath,
                          const inputs *in)
{
	input_ids ids = {0};
	const char *files[] = {cpath, ap_config_path(s->cfg), o->against,
	                       in->store_file, o->store};
	input_ids_add(&ids, (const char *const *)in->paths, in->n);
	input_ids_add(&ids, files, sizeof files / sizeof files[0]);
	int rc = refuse_output_onto_inputs("plan", &ids, o->output);
	for (size_t f = 0; o->ics_dir && f < c->n_firms && !rc; f++) {
		if (!c->firms[f].id)
			continue;
		char *ics = ics_target(o->ics_dir, c->firms[f].id);
		rc = refuse_output_onto_inputs("plan", &ids, ics);
		free(ics);
	}
	input_ids_free(&ids);
	return rc;
}

enum plan_format { TABLE, JSON, CSV };

/* --against: the plan to compare with, read before any case is scored.
 * Returns 0, or EXIT_INVALID after its problems. */
static int read_against(const options *o, ap_prev_plan **prev, ap_diags *d)
{
	if (!o->against || ap_prev_plan_read(prev, o->against, d) == AP_OK)
		return 0;
	print_diags(stderr, d, 0);
	fprintf(stderr,
	        _("appui plan: %s is not a plan to compare with; nothing "
	          "planned\n"),
	        SHOWN(o->against));
	return EXIT_INVALID;
}

/* --keep SITE: each site's mission of the previous plan, as a fixed
 * mission (its strings and dates are `prev`'s). Returns 0 and the missions
 * (free the array), or EXIT_USAGE after saying why. */
static int kept_missions(const options *o, const ap_prev_plan *prev,
                         ap_fixed_mission **out)
{
	*out = NULL;
	if (o->fewest_changes && !prev) {
		fputs(
		    _("appui plan: --fewest-changes needs --against PLAN.json, "
		      "the plan to change least\n"),
		    stderr);
		return EXIT_USAGE;
	}
	if (!o->n_keep)
		return 0;
	if (!prev) {
		fputs(
		    _("appui plan: --keep needs --against PLAN.json, the plan "
		      "whose missions it keeps\n"),
		    stderr);
		return EXIT_USAGE;
	}
	ap_fixed_mission *v = calloc(o->n_keep, sizeof(*v));
	if (!v)
		ap_oom();
	for (size_t k = 0; k < o->n_keep; k++) {
		const ap_prev_mission *m = NULL;
		for (size_t i = 0; !m && i < prev->n_missions; i++)
			if (strcmp(prev->missions[i].site_id, o->keep[k]) == 0)
				m = &prev->missions[i];
		if (!m) {
			fprintf(stderr,
			        _("appui plan: --keep %s: %s has no mission of "
			          "that site\n"),
			        SHOWN(o->keep[k]), SHOWN(prev->name));
			free(v);
			return EXIT_USAGE;
		}
		v[k] = (ap_fixed_mission){m->site_id, m->firm, m->dates,
		                          (int)m->n_dates};
	}
	*out = v;
	return 0;
}

/* The plan in `format` to -o (with the changes from `prev`, if any), saved
 * with --save, then the calendars. Returns 0 or the exit status. */
static int write_plan(const options *o, enum plan_format format,
                      const ap_plan *plan, const ap_prev_plan *prev,
                      saved_plan *sp, const char *cpath, ap_diags *d)
{
	ap_plan_changes *changes = NULL;
	if (prev)
		ap_plan_diff(&changes, prev, plan);
	saved_reasons(sp, changes);
	ap_plan_report_options ropt = AP_PLAN_REPORT_OPTIONS_INIT;
	ropt.changes = changes;
	ap_diags *sd = ap_diags_new();
	int rc = saved_store(o, sp, plan, d, &ropt, cpath, sd);
	print_diags(stderr, sd, 0);
	ap_diags_free(sd);
	outfile out;
	if (!rc)
		rc = out_open(&out, o->output);
	if (!rc) {
		if (format == JSON)
			ap_plan_json_with(out.f, plan, d, &ropt);
		else if (format == CSV)
			ap_plan_csv(out.f, plan);
		else
			ap_plan_table_with(out.f, plan, &ropt);
		rc = out_close(&out, 1);
	}
	ap_plan_changes_free(changes);
	ap_plan_ics_options iopt;
	saved_ics_options(sp, &iopt);
	if (!rc && o->ics_dir &&
	    ap_plan_ics_with(plan, o->ics_dir, &iopt, d) != 0)
		rc = EXIT_SETUP;
	return rc;
}

int cmd_plan(const options *o, int argc, char **argv)
{
	enum plan_format format = TABLE;
	if (o->format && strcmp(o->format, "json") == 0)
		format = JSON;
	else if (o->format && strcmp(o->format, "csv") == 0)
		format = CSV;
	else if (o->format && strcmp(o->format, "table") != 0) {
		fprintf(
		    stderr,
		    _("appui plan: unknown format '%s' (table, json or csv)\n"),
		    SHOWN(o->format));
		return EXIT_USAGE;
	}
	ap_diags *d = ap_diags_new(), *tmp = ap_diags_new();
	setup s;
	ap_campaign *campaign = NULL;
	ap_plan_input *input = NULL;
	ap_plan *plan = NULL;
	ap_prev_plan *prev = NULL;
	ap_fixed_mission *kept = NULL;
	saved_plan sp = {0};
	inputs in = {0};
	char *cpath = NULL;
	int rc = setup_open(o, &s, 1, d, stderr);
	if (rc)
		goto out;
	cpath = campaign_path(o);
	if (!cpath) {
		fputs(_("appui plan: no campaign: give --campaign FILE\n"),
		      stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	/* The campaign is checked whole before any case file is read. */
	int crc = load_campaign(cpath, &s, &campaign, d, stderr);
	if (crc != 0) {
		fprintf(stderr,
		        _("appui plan: the campaign %s has errors; nothing "
		          "planned\n"),
		        SHOWN(cpath));
		rc = EXIT_SETUP;
		goto out;
	}
	ap_diags_clear(d);
	rc = apply_what_if(o, campaign);
	if (rc)
		goto out;
	rc = read_against(o, &prev, d);
	if (!rc)
		rc = kept_missions(o, prev, &kept);
	if (rc)
		goto out;

	rc = gather_inputs(o, &s, &in, argv, argc, usage_plan, d);
	if (rc)
		goto out;
	rc = refuse_clobber(o, &s, campaign, cpath, &in);
	if (rc)
		goto out;
	input = ap_plan_input_new();
	batch_spec b = batch_of(&s, o, &in, BATCH_PLAN, "scoring");
	b.on_result = plan_result;
	b.ctx = input;
	int brc = batch_run(&b, d);
	if (brc) {
		print_diags(stderr, d, 0);
		rc = brc > 0 ? brc : EXIT_SETUP;
		goto out;
	}
	rc = saved_open(o, &s, &sp, d);
	if (rc)
		goto out;
	if (sp.prev) { /* --replan: the saved plan, its pinned missions */
		prev = sp.prev;
		sp.prev = NULL;
		input = saved_filter(&sp, input);
	}
	ap_plan_options popt = AP_PLAN_OPTIONS_INIT;
	popt.time_limit = o->time_limit;
	popt.fixed = o->replan ? sp.fixed : kept;
	popt.n_fixed = o->replan ? sp.n_fixed : o->n_keep;
	popt.fewest_changes_from = o->fewest_changes || o->replan ? prev : NULL;
	int prc = ap_plan_build(&plan, campaign, input, &popt, d);
	if (prc != AP_OK) {
		print_diags(stderr, d, 0);
		/* A kept mission that no longer fits is the inputs' fault. */
		rc = prc == AP_EINVALID ? EXIT_INVALID : EXIT_SETUP;
		goto out;
	}
	saved_name(&sp, plan);
	rc = write_plan(o, format, plan, prev, &sp, cpath, d);
	if (!rc && o->replan && !o->save)
		fprintf(stderr,
		        _("appui plan: a re-plan of %s, not saved: "
		          "--save keeps it\n"),
		        SHOWN(o->replan));
	print_diags(stderr, d, 0);
	if (!rc && ap_diags_errors(d))
		rc = EXIT_INVALID;
out:
	free(cpath);
	free(kept);
	saved_free(&sp);
	ap_prev_plan_free(prev);
	ap_plan_free(plan);
	ap_plan_input_free(input);
	ap_campaign_free(campaign);
	inputs_free(&in);
	ap_diags_free(d);
	ap_diags_free(tmp);
	setup_free(&s);
	return rc;
}
