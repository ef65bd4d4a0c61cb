/* appui mission: the saved plans' missions, and their life (planned,
 * confirmed, held, cancelled); a thin front end over appui/store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appui/appui.h"
#include "cli.h"

const char usage_mission[] =
    N_("usage: appui mission plans [--store FILE]\n"
       "       appui mission list [--plan PLAN-ID] [--site SITE] "
       "[--format table|json]\n"
       "                          [--store FILE]\n"
       "       appui mission confirm M-ID [--store FILE]\n"
       "       appui mission held M-ID [--from DATE --to DATE] [--store "
       "FILE]\n"
       "       appui mission cancel M-ID [--store FILE]\n"
       "\n"
       "The missions of the plans saved with `appui plan --save`\n"
       "(docs/followup.md). A mission goes from planned to confirmed, then to\n"
       "held (done: --from and --to give the days it was held, by default its\n"
       "planned first and last days) or cancelled; never back. Each change is\n"
       "in the store's audit log, and moves up the SEQUENCE of the mission's\n"
       "calendar events. `plan --replan PLAN-ID` keeps confirmed and held\n"
       "missions as they are.\n"
       "\n"
       "  plans           the saved plans, oldest first (-q, --quiet: no\n"
       "                  header line)\n"
       "  list            the missions (of PLAN-ID's campaign: its plan and\n"
       "                  its re-plans), by first day\n"
       "  --plan PLAN-ID  a saved plan, as P1 (default: every mission)\n"
       "  --site SITE     that site's missions only\n"
       "  -f, --format FMT table (default) or json\n"
       "  -o, --output FILE write to FILE atomically instead of stdout\n");

static int mission_usage(void)
{
	fputs(_(usage_mission), stderr);
	return EXIT_USAGE;
}

static int plans_one(void *ctx, const ap_store_plan *p)
{
	(void)ctx;
	char replans[32] = "-";
	if (p->replans)
		snprintf(replans, sizeof replans, "P%lld", p->replans);
	printf("P%-5lld  %-8s  %-20s  %-20s  %s\n", p->id, replans,
	       SHOWN(p->saved_at), SHOWN(p->saved_by), SHOWN(p->campaign_name));
	return 0;
}

static int mission_plans(ap_store *s, const options *o, ap_diags *d)
{
	if (!o->quiet)
		printf("%-6s  %-8s  %-20s  %-20s  %s\n", "plan", "replans",
		       "saved", "by", "campaign");
	return ap_store_plans(s, plans_one, NULL, d);
}

static int mission_list(ap_store *s, const options *o, ap_diags *d)
{
	long long plan = 0;
	if (o->plan_file && ap_plan_id_parse(o->plan_file, &plan) != 0) {
		fprintf(
		    stderr,
		    _("appui mission: --plan wants a saved plan's id, as P1, "
		      "not '%s'\n"),
		    SHOWN(o->plan_file));
		return AP_EUSAGE;
	}
	int json = o->format && strcmp(o->format, "json") == 0;
	if (o->format && !json && strcmp(o->format, "table") != 0) {
		fprintf(
		    stderr,
		    _("appui mission: unknown format '%s' (table or json)\n"),
		    SHOWN(o->format));
		return AP_EUSAGE;
	}
	ap_saved_missions *m = NULL;
	int status = ap_saved_missions_load(&m, s, plan, d);
	outfile out;
	if (status == AP_OK && out_open(&out, o->output) == 0) {
		if (json)
			ap_saved_missions_json(out.f, m, o->site);
		else
			ap_saved_missions_table(out.f, m, o->site);
		if (out_close(&out, 1) != 0)
			status = AP_EOUTPUT;
	}
	ap_saved_missions_free(m);
	return status;
}

static int mission_set(ap_store *s, const options *o, const char *verb,
                       const char *id, ap_diags *d)
{
	ap_mission_status st =
	    strcmp(verb, "confirm") == 0 ? AP_MISSION_CONFIRMED
	    : strcmp(verb, "held") == 0  ? AP_MISSION_HELD
	                                 : AP_MISSION_CANCELLED;
	if ((o->held_from || o->held_to) && st != AP_MISSION_HELD) {
		fputs(
		    _("appui mission: --from and --to give the days a mission "
		      "was held: only with `held`\n"),
		    stderr);
		return AP_EUSAGE;
	}
	int status = ap_store_mission_set(s, local_actor(), id, st,
	                                  o->held_from, o->held_to, d);
	if (status == AP_OK)
		printf(_("mission %s: %s\n"), SHOWN(id),
		       ap_mission_status_name(st));
	return status;
}

static int is_change(const char *verb)
{
	return strcmp(verb, "confirm") == 0 || strcmp(verb, "held") == 0 ||
	       strcmp(verb, "cancel") == 0;
}

int cmd_mission(const options *o, int argc, char **argv)
{
	if (argc < 1)
		return mission_usage();
	const char *verb = argv[0];
	int change = is_change(verb);
	if (change
	        ? argc != 2
	        : (strcmp(verb, "plans") != 0 && strcmp(verb, "list") != 0) ||
	              argc != 1) {
		if (!change && strcmp(verb, "plans") != 0 &&
		    strcmp(verb, "list") != 0)
			fprintf(stderr,
			        _("appui mission: unknown subcommand '%s'\n"),
			        SHOWN(verb));
		return mission_usage();
	}
	ap_store *s;
	int rc = open_store(o, NULL, 0, &s);
	if (rc)
		return rc;
	ap_diags *d = ap_diags_new();
	int status = change ? mission_set(s, o, verb, argv[1], d)
	             : strcmp(verb, "plans") == 0 ? mission_plans(s, o, d)
	                                          : mission_list(s, o, d);
	rc = status == AP_OK ? 0 : store_exit(status, d);
	ap_diags_free(d);
	ap_store_close(s);
	return rc;
}
