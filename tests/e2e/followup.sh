#!/bin/sh
# End-to-end tests of the follow-up (docs/followup.md): a plan saved in the
# store, its missions' life (planned, confirmed, held, cancelled) and its
# audit rows, a re-plan that keeps confirmed and held missions where they
# are, the campaign's outcome over the example campaign and its later
# diagnostics, the report's follow-up, and the same over HTTP with its
# authorisation.
# usage: followup.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/e2e/service_lib.sh"
EX=$SRC/casefiles/examples
CAMPAIGN=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1
APPUI_NOW=2024-03-01T09:00:00Z
export APPUI_NOW

# jqv FILE FILTER: one value of a JSON file.
jqv() { jq -r "$2" "$1"; }

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}

# --- saving a plan ---------------------------------------------------------------
"$APPUI" store init --store s.db >/dev/null
"$APPUI" store add --store s.db -q "$EX" >/dev/null
expect_status 2 "save without a store" -- env -u APPUI_CONFIG "$APPUI" plan \
	--campaign "$CAMPAIGN" --save "$EX"
expect_grep "save without a store" "$TMP/err" "no store: give --store FILE"
expect_status 0 "plan --save" -- "$APPUI" plan --store s.db --campaign "$CAMPAIGN" \
	--save --format json -o p1.json --ics cal1
expect_grep "plan --save" "$TMP/err" "saved as P1: 0 missions kept, 0 moved, 27 new, 0 cancelled"
expect_eq "plan ids" "$(jqv p1.json '.missions[0].mission')" "P1-M-001"
"$APPUI" mission list --store s.db --format json -o m1.json
expect_eq "27 planned" "$(jqv m1.json '[.missions[] | select(.status == "planned")] | length')" 27
expect_eq "ids by first day" "$(jqv m1.json '.missions[0].mission_id')" "P1-M-001"
expect_status 0 "plans" -- "$APPUI" mission plans --store s.db
expect_grep "plans" "$TMP/out" "P1      -         2024-03-01T09:00:00Z"

# --- a mission's life ------------------------------------------------------------
expect_status 1 "held before confirmed" -- "$APPUI" mission held P1-M-002 --store s.db
expect_grep "held before confirmed" "$TMP/err" "mission P1-M-002 is planned; a mission goes from planned to confirmed"
expect_status 1 "no such mission" -- "$APPUI" mission confirm P1-M-999 --store s.db
expect_grep "no such mission" "$TMP/err" "there is no mission P1-M-999"
expect_status 2 "dates only when held" -- "$APPUI" mission confirm P1-M-002 --from 2016-11-07 --store s.db
expect_status 0 "confirm" -- "$APPUI" mission confirm P1-M-002 --store s.db
expect_status 1 "confirm twice" -- "$APPUI" mission confirm P1-M-002 --store s.db
expect_status 2 "a held day that is no date" -- "$APPUI" mission held P1-M-002 --from 2016-13-01 --to 2016-11-15 --store s.db
expect_status 2 "held backwards" -- "$APPUI" mission held P1-M-002 --from 2016-11-20 --to 2016-11-15 --store s.db
expect_status 0 "held" -- "$APPUI" mission held P1-M-002 --from 2016-11-14 --to 2016-11-22 --store s.db
expect_status 1 "cancel a held one" -- "$APPUI" mission cancel P1-M-002 --store s.db
"$APPUI" mission confirm P1-M-003 --store s.db >/dev/null
"$APPUI" mission cancel P1-M-004 --store s.db >/dev/null
"$APPUI" mission list --store s.db --format json -o m2.json
expect_eq "held dates" "$(jqv m2.json '.missions[] | select(.mission_id == "P1-M-002") | "\(.status) \(.held_first) \(.held_last) \(.sequence)"')" \
	"held 2016-11-14 2016-11-22 2"
expect_eq "cancelled" "$(jqv m2.json '.missions[] | select(.mission_id == "P1-M-004") | .status')" cancelled
"$APPUI" store audit --store s.db >audit.txt
expect_grep "audit confirm" audit.txt "mission.confirm  P1-M-002  planned -> confirmed"
expect_grep "audit held" audit.txt "mission.held  P1-M-002  confirmed -> held, from 2016-11-14 to 2016-11-22"
expect_grep "audit cancel" audit.txt "mission.cancel  P1-M-004  planned -> cancelled"
expect_grep "audit plan" audit.txt "plan.save  P1  27 missions"
# The store refuses a status going back, whoever writes to the file.
python3 -c 'import sqlite3, sys
c = sqlite3.connect("s.db")
try:
    c.execute("UPDATE mission SET status = '"'planned'"' WHERE mission_id = '"'P1-M-003'"'")
    c.commit(); print("changed")
except sqlite3.DatabaseError as e: print("refused:", e)' >back.txt
expect_grep "no status back, even by SQL" back.txt "refused: a mission's status only moves forward"

# --- re-planning -----------------------------------------------------------------
expect_status 2 "replan and against" -- "$APPUI" plan --store s.db --campaign "$CAMPAIGN" \
	--replan P1 --against p1.json
expect_status 1 "replan an unknown plan" -- "$APPUI" plan --store s.db --campaign "$CAMPAIGN" --replan P7
expect_grep "replan an unknown plan" "$TMP/err" "there is no saved plan P7"
expect_status 2 "replan a bad id" -- "$APPUI" plan --store s.db --campaign "$CAMPAIGN" --replan 'P1;x'
# Fewer budget days: the plan must change, its pinned missions must not.
expect_status 0 "replan" -- "$APPUI" plan --store s.db --campaign "$CAMPAIGN" --replan P1 \
	--save --budget-days 110 --format json -o p2.json --ics cal2
expect_grep "replan" "$TMP/err" "saved as P2:"
expect_grep "a cancelled site is left out" "$TMP/err" "left out: its mission was cancelled"
for id in P1-M-002 P1-M-003; do
	before=$(jqv p1.json ".missions[] | select(.mission == \"$id\") | \"\(.site_id) \(.firm) \(.dates)\"")
	after=$(jqv p2.json ".missions[] | select(.mission == \"$id\") | \"\(.site_id) \(.firm) \(.dates) \(.fixed)\"")
	expect_eq "$id pinned" "$after" "$before true"
done
expect_eq "the budget holds" "$(jqv p2.json '.result.days <= 110')" true
expect_grep "what moved" p2.json '"changes":'
# A firm that imports P1's calendar, then P2's, has no duplicate: moved days
# updated (same UID, higher SEQUENCE), dropped and cancelled ones removed.
expect_status 0 "calendars update" -- "$(dirname "$APPUI")/ics_apply" cal1 cal2
expect_grep "calendars update" "$TMP/out" " events before, "
grep -q 'STATUS:CANCELLED' cal2/*.ics && pass || fail "cancelled events sent"
grep -q 'UID:P1-M-004-1@appui' cal2/*.ics && pass || fail "the cancelled mission's first day"
c=$(sed -n 's/.*after: [0-9]* updated, \([0-9]*\) cancelled.*/\1/p' "$TMP/out")
[ "${c:-0}" -ge 5 ] && pass || fail "at least the 5 days of P1-M-004 cancelled: ${c:-none}"
expect_grep "why it moved" p2.json '"reason":"mission cancelled"'
"$APPUI" mission list --store s.db --format json -o m3.json
expect_eq "the cancelled one stays" "$(jqv m3.json '.missions[] | select(.mission_id == "P1-M-004") | .status')" cancelled
expect_eq "one id per mission" "$(jqv m3.json '[.missions[].mission_id] | unique | length')" \
	"$(jqv m3.json '.missions | length')"
dropped=$(jqv m3.json '[.missions[] | select(.plan == "P2" and .status == "cancelled")] | length')
[ "$dropped" -ge 1 ] && pass || fail "a re-plan with less budget cancels missions ($dropped)"
expect_status 1 "re-plan a re-planned plan" -- "$APPUI" plan --store s.db --campaign "$CAMPAIGN" \
	--replan P1 --save
expect_grep "re-plan a re-planned plan" "$TMP/err" "plan P1 was re-planned already, by P2"

# --- the campaign's outcome over the examples ------------------------------------
expect_status 0 "followup examples" -- sh "$SRC/scripts/followup-examples.sh" "$APPUI" "$TMP/fx"
F=$TMP/fx/followup.json
expect_eq "held missions" "$(jqv "$F" '.held')" 25
expect_eq "with a later diagnostic" "$(jqv "$F" '.sites | length')" 13
expect_eq "the worse one" "$(jqv "$F" '.themes[] | select(.theme == "security") | .worse_band_sites | join(",")')" LMH-PEUPLIERS
expect_eq "alouettes urban" "$(jqv "$F" '.sites[] | select(.site_id == "LMH-ALOUETTES") | .themes[] | select(.theme == "urban") | "\(.need_before) \(.need_after) \(.band_change) \(.verdict)"')" \
	"92.16 50.98 better improved"
# Missing data: the need fell by 24 points, but the intervals overlap.
expect_eq "bel-air: no clear change" "$(jqv "$F" '.sites[] | select(.site_id == "LOGIREP-BEL-AIR") | .themes[] | select(.theme == "quality") | "\(.change) \(.band_change) \(.verdict)"')" \
	"-24.11 better no clear change"
expect_eq "median" "$(jqv "$F" '.themes[] | select(.theme == "urban") | .median_change')" "-9.8"
expect_eq "no later diagnostic yet" "$(jqv "$F" '[.awaiting[].site_id] | index("ARM-HORTENSIAS") != null')" true
expect_eq "cancelled ones are not held" "$(jqv "$F" '[.sites[], .awaiting[] | .site_id] | index("OPH2B-ORANGERS")')" null
expect_grep "table" "$TMP/fx/followup.txt" "LMH-PEUPLIERS       P1-M-018    2018-12-13  2021-11-25  security   29.63 -> 57.41 (+27.78)     watch     -> degraded   worsened"
R=$TMP/fx/report.html
expect_grep "report: outcome" "$R" '<section id="followup">'
charts=$(grep -o '<svg class="history"' "$R" | wc -l)
[ "$charts" -ge 25 ] && pass || fail "a chart per site followed: $charts"
expect_grep "report: a mission marked" "$R" 'P1-M-003 (tenue)'
sh "$SRC/scripts/followup-examples.sh" "$APPUI" "$TMP/fx2" >/dev/null 2>&1
cmp -s "$TMP/fx/followup.json" "$TMP/fx2/followup.json" && pass || fail "followup: same bytes twice"
cmp -s "$R" "$TMP/fx2/report.html" && pass || fail "report --plan: same bytes twice"

# --- over HTTP -------------------------------------------------------------------
S=$TMP/fx/store.db
svc_account "$S" coord --coordinator
svc_account "$S" argos --firm FIRM-ARGOS
svc_start "$S"
http coord GET /v1/plans
expect_http "plans" 200
expect_eq "plans listed" "$(jq -r '.plans[0].plan_id' "$TMP/body")" P1
http argos GET /v1/plans
expect_http "plans: not a firm's" 403
http - GET /v1/plans
expect_http "plans: no token" 401
http coord GET /v1/plans/P1
expect_http "a plan" 200
expect_eq "its JSON" "$(jq -r '.missions[0].mission' "$TMP/body")" P1-M-001
http coord GET /v1/plans/P9
expect_http "no such plan" 404
http coord GET "/v1/plans/P1'--"
expect_http "an SQL-like plan id" 404
http coord GET /v1/plans/P1/missions
expect_http "missions" 200
expect_eq "missions held" "$(jq '[.missions[] | select(.status == "held")] | length' "$TMP/body")" 25
http coord GET /v1/plans/P1/followup
expect_http "followup" 200
jq -S . "$TMP/body" >http.json
jq -S . "$F" >cli.json
cmp -s http.json cli.json && pass || fail "the service's followup is the command's"
http coord GET /v1/sites/LMH-ALOUETTES/history
expect_http "a site's history" 200
jq -S . "$TMP/body" >http-h.json
"$APPUI" history LMH-ALOUETTES --store "$S" --format json | jq -S . >cli-h.json
cmp -s http-h.json cli-h.json && pass || fail "the service's history is the command's"
expect_eq "two diagnostics, a mission" "$(jq '"\(.diagnostics | length) \(.missions | length)"' -r "$TMP/body")" "2 1"
http argos GET /v1/sites/LMH-ALOUETTES/history
expect_http "another firm's site" 404
http coord GET /v1/sites/NO-SUCH-SITE/history
expect_http "no such site" 404
http coord GET "/v1/sites/..%2F..%2Fetc/history"
expect_http "a path-like site" 404
http argos POST "/v1/missions/P1-M-020?status=cancelled"
expect_http "a firm changes no mission" 403
http coord POST "/v1/missions/P1-M-999?status=confirmed"
expect_http "no such mission" 404
http coord POST "/v1/missions/P1-M-018?status=planned"
expect_http "no such status" 400
http coord POST "/v1/missions/P1-M-018?status=cancelled"
expect_http "a held mission is not cancelled" 409
svc_stop
expect_grep "the log names the request" "$TMP/serve.log" "POST /v1/missions/P1-M-018 409"
# A planned mission of the re-plan P2, confirmed over HTTP, in the audit log.
svc_account s.db coord --coordinator
svc_start s.db
id=$(jqv m3.json '[.missions[] | select(.status == "planned")][0].mission_id')
http coord POST "/v1/missions/$id?status=confirmed"
expect_http "confirm over HTTP" 200
expect_eq "its answer" "$(jq -r .status "$TMP/body")" confirmed
svc_stop
"$APPUI" store audit --store s.db >audit2.txt
expect_grep "audit over HTTP" audit2.txt "coord  mission.confirm  $id  planned -> confirmed"

summary
