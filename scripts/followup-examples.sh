#!/bin/sh
# The follow-up of the example campaign, on a built tree: a store holding
# the 39 first diagnostics, the plan saved in it, what became of each
# mission (casefiles/followup/missions.txt: held on which days, or
# cancelled), then the later diagnostics (casefiles/followup/), and what
# they say: a site's history, the campaign's outcome, the report.
# usage: scripts/followup-examples.sh [APPUI] [OUT-DIR]
set -eu
cd "$(dirname "$0")/.."
APPUI=${1:-./build/bin/appui}
OUT=${2:-build/followup}
STORE=$OUT/store.db
rm -rf "$OUT"
mkdir -p "$OUT"
"$APPUI" store init --store "$STORE" >/dev/null
"$APPUI" store add --store "$STORE" -q casefiles/examples >/dev/null
"$APPUI" plan --store "$STORE" --campaign configs/campaign.cfg --save \
	--ics "$OUT/calendars" -o "$OUT/plan.txt"
"$APPUI" mission list --store "$STORE" --format json >"$OUT/missions.json"
# Each line of missions.txt names a site; its mission is found by site.
grep -v '^#' casefiles/followup/missions.txt | while read -r site what first last; do
	id=$(jq -r --arg s "$site" '.missions[] | select(.site_id == $s) | .mission_id' \
		"$OUT/missions.json")
	case $what in
	held)
		"$APPUI" mission confirm "$id" --store "$STORE" >/dev/null
		"$APPUI" mission held "$id" --from "$first" --to "$last" \
			--store "$STORE" >/dev/null ;;
	cancelled)
		"$APPUI" mission cancel "$id" --store "$STORE" >/dev/null ;;
	esac
done
"$APPUI" store add --store "$STORE" -q casefiles/followup >/dev/null
"$APPUI" mission list --store "$STORE" -o "$OUT/missions.txt"
"$APPUI" followup --store "$STORE" -o "$OUT/followup.txt"
"$APPUI" followup --store "$STORE" --format json -o "$OUT/followup.json"
"$APPUI" report --store "$STORE" --plan P1 -o "$OUT/report.html"
cat "$OUT/followup.txt"
echo
echo "Follow-up: $OUT/followup.txt (and .json); missions: $OUT/missions.txt;"
echo "the report with each site's need over time: $OUT/report.html"
