#!/bin/sh
# End-to-end tests of `appui history SITE-ID` (docs/cli.md, docs/followup.md):
# three diagnostics of one example site made from its case file with edited
# values, read from files (given in any order, among other sites' files and
# an invalid one) and from a store with a corrected version and a held
# mission; the table, the JSON, the exit statuses.
# usage: history.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
cd "$TMP" || exit 1
APPUI_NOW=2024-03-01T09:00:00Z
export APPUI_NOW

expect_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}
jqv() { jq -r "$2" "$1"; }

# --- three diagnostics of LMH-ALOUETTES ------------------------------------------
mkdir in
cp "$EX/cf-2016-001-lmh-alouettes.xml" in/a.xml
# 2018: quality and urban much better; security as it was.
sed -e 's/id="CF-2016-001"/id="CF-2018-901"/' \
	-e 's/date="2016-09-20"/date="2018-10-01"/' \
	-e 's/request date="2016-10-12"/request date="2018-10-15"/' \
	-e 's/start="2016-11-28" end="2017-03-10"/start="2018-11-05" end="2019-03-01"/' \
	-e 's/"satisfaction.overall" value="54"/"satisfaction.overall" value="88"/' \
	-e 's/"satisfaction.cleanliness" value="48"/"satisfaction.cleanliness" value="86"/' \
	-e 's/"complaints.rate" value="74.1"/"complaints.rate" value="4"/' \
	-e 's/"complaints.first_reply_48h" value="58"/"complaints.first_reply_48h" value="95"/' \
	-e 's/"lifts.breakdowns" value="16.8"/"lifts.breakdowns" value="1"/' \
	-e 's/"cleanliness.audit" value="62"/"cleanliness.audit" value="95"/' \
	-e 's/"waste.removal_hours" value="221"/"waste.removal_hours" value="10"/' \
	-e 's/"reports.closed_in_time" value="40"/"reports.closed_in_time" value="95"/' \
	in/a.xml >in/b.xml
# 2020: urban back as it was in 2016; no security theme.
sed -e 's/id="CF-2018-901"/id="CF-2020-901"/' \
	-e 's/date="2018-10-01"/date="2020-06-02"/' \
	-e 's/request date="2018-10-15"/request date="2020-06-15"/' \
	-e 's/start="2018-11-05" end="2019-03-01"/start="2020-09-07" end="2021-01-29"/' \
	-e 's/"cleanliness.audit" value="95"/"cleanliness.audit" value="62"/' \
	-e 's/"waste.removal_hours" value="10"/"waste.removal_hours" value="221"/' \
	-e 's/"reports.closed_in_time" value="95"/"reports.closed_in_time" value="40"/' \
	-e '/<theme ref="security">/,/<\/theme>/d' \
	in/b.xml >in/c.xml
cp "$EX/cf-2019-001-hdn-faubourg.xml" in/other-site.xml

# --- over files ------------------------------------------------------------------
expect_status 0 "json over files" -- "$APPUI" history LMH-ALOUETTES --format json \
	in/c.xml in/other-site.xml in/a.xml in/b.xml
cp "$TMP/out" h.json
expect_eq "by date" "$(jqv h.json '[.diagnostics[].case_id] | join(" ")')" \
	"CF-2016-001 CF-2018-901 CF-2020-901"
expect_eq "dates" "$(jqv h.json '[.diagnostics[].diagnosed] | join(" ")')" \
	"2016-09-20 2018-10-01 2020-06-02"
expect_eq "site" "$(jqv h.json '"\(.site_id) \(.site_name)"')" \
	"LMH-ALOUETTES Résidence Les Alouettes"
expect_eq "pairs" "$(jqv h.json '[.changes[] | "\(.from)>\(.to)"] | join(" ")')" \
	"CF-2016-001>CF-2018-901 CF-2018-901>CF-2020-901"
expect_eq "2018: quality improved" \
	"$(jqv h.json '.changes[0].themes[] | select(.theme == "quality") | "\(.verdict), \(.band_change)"')" \
	"improved, better band"
expect_eq "2018: security unchanged, no indicator moved" \
	"$(jqv h.json '.changes[0].themes[] | select(.theme == "security") | "\(.delta) \(.verdict), \(.band_change), \(.indicators | length)"')" \
	"0 no clear change, same band, 0"
expect_eq "2018: the quality levers that moved" \
	"$(jqv h.json '[.changes[0].themes[] | select(.theme == "quality") | .indicators[].ref] | join(" ")')" \
	"satisfaction.overall satisfaction.cleanliness complaints.rate complaints.first_reply_48h lifts.breakdowns"
expect_eq "2018: a lever's levels and values" \
	"$(jqv h.json '.changes[0].themes[] | select(.theme == "quality") | .indicators[0] | "\(.from_level)>\(.to_level) \(.from_value)>\(.to_value)"')" \
	"3>0 54>88"
expect_eq "2020: urban worsened" \
	"$(jqv h.json '.changes[1].themes[] | select(.theme == "urban") | "\(.verdict), \(.band_change)"')" \
	"worsened, worse band"
expect_eq "2020: security not comparable" \
	"$(jqv h.json '.changes[1].themes[] | select(.theme == "security") | "\(.delta) \(.verdict) \(.band_change)"')" \
	"null not comparable null"
expect_eq "deltas are the needs' difference" \
	"$(jqv h.json '[.changes[0].themes[] | select(.theme == "quality") | .delta] == [(.diagnostics[1].themes[] | select(.theme == "quality") | .need) - (.diagnostics[0].themes[] | select(.theme == "quality") | .need) | . * 100 | round / 100]')" \
	"true"
expect_eq "no mission from files" "$(jqv h.json '.missions | length')" 0

expect_status 0 "table over files" -- "$APPUI" history LMH-ALOUETTES in
cp "$TMP/out" h.txt
expect_grep "table: title" h.txt "Site LMH-ALOUETTES, Résidence Les Alouettes: 3 diagnostics (historique du site)"
expect_grep "table: a verdict with its gloss" h.txt "improved (amélioration nette)"
expect_grep "table: a pair" h.txt "2018-10-01 CF-2018-901 -> 2020-06-02 CF-2020-901:"
expect_grep "table: not comparable" h.txt "not comparable (non comparable)"
expect_grep "table: a lever" h.txt "satisfaction.overall        3 -> 0  54 -> 88"
expect_no_grep "table: the other site left out" h.txt "HDN-FAUBOURG"
expect_no_grep "table: the other site left out" h.txt "CF-2019-001"

# The same output to a file, atomically; onto an input: refused.
expect_status 0 "-o" -- "$APPUI" history LMH-ALOUETTES --format json -o out.json in
expect_eq "-o: same bytes" "$(cmp -s out.json h.json && echo same)" same
expect_status 2 "-o onto an input" -- "$APPUI" history LMH-ALOUETTES -o in/a.xml in
expect_grep "-o onto an input" "$TMP/err" "refused, nothing written"

# An invalid file among the inputs: its problems, exit 1, the rest goes on.
cp "$SRC/tests/casefiles/invalid/bad-enum.xml" in/zz-invalid.xml
expect_status 1 "an invalid file among them" -- "$APPUI" history LMH-ALOUETTES --format json in
expect_grep "an invalid file among them" "$TMP/err" "zz-invalid.xml:"
expect_eq "an invalid file among them: the rest read" "$(jqv "$TMP/out" '.diagnostics | length')" 3
rm in/zz-invalid.xml

# Usage and errors.
expect_status 1 "no case of the site" -- "$APPUI" history NOPE-SITE in
expect_grep "no case of the site" "$TMP/err" "appui history: no case of site NOPE-SITE among the inputs"
expect_status 2 "no site" -- "$APPUI" history
expect_grep "no site" "$TMP/err" "usage: appui history SITE-ID"
expect_status 2 "unknown format" -- "$APPUI" history LMH-ALOUETTES --format xml in
expect_grep "unknown format" "$TMP/err" "unknown format 'xml' (table or json)"
expect_status 1 "a case given twice" -- "$APPUI" history LMH-ALOUETTES in/a.xml in/a.xml
expect_grep "a case given twice" "$TMP/err" "case CF-2016-001 is given twice"

# --- over a store: the latest versions, the site's missions ------------------------
"$APPUI" store init --store s.db >/dev/null
"$APPUI" store add --store s.db -q "$EX" >/dev/null
# The campaign planned on the first diagnostics; the site's mission held.
"$APPUI" plan --store s.db --campaign "$SRC/configs/campaign.cfg" --save -o plan.txt 2>/dev/null
"$APPUI" mission list --store s.db --site LMH-ALOUETTES --format json -o m.json
mid=$(jqv m.json '.missions[0].mission_id')
expect_eq "store: the site has a mission" "$(jqv m.json '.missions | length')" 1
"$APPUI" mission confirm "$mid" --store s.db >/dev/null
"$APPUI" mission held "$mid" --from 2016-11-28 --to 2016-12-05 --store s.db >/dev/null
# Then the later diagnostics, and a corrected 2016 one: its version 2 is
# the one read.
"$APPUI" store add --store s.db -q in/b.xml in/c.xml >/dev/null
sed 's/"halls.occupied" value="23"/"halls.occupied" value="2"/' in/a.xml >a-v2.xml
"$APPUI" store add --store s.db -q a-v2.xml >/dev/null
expect_status 0 "json over the store" -- "$APPUI" history LMH-ALOUETTES --store s.db --format json
cp "$TMP/out" s.json
expect_eq "store: the site's cases" "$(jqv s.json '[.diagnostics[].case_id] | join(" ")')" \
	"CF-2016-001 CF-2018-901 CF-2020-901"
expect_eq "store: the latest version" \
	"$(jqv s.json '.changes[0].themes[] | select(.theme == "security") | [.indicators[].ref] | join(" ")')" \
	"halls.occupied"
expect_eq "store: the held mission between 2016 and 2018" \
	"$(jqv s.json '.changes[0].missions_between | map("\(.mission_id) \(.status) \(.first) \(.last)") | join(",")')" \
	"$mid held 2016-11-28 2016-12-05"
expect_eq "store: none between 2018 and 2020" "$(jqv s.json '.changes[1].missions_between | length')" 0
expect_eq "store: the site's missions" "$(jqv s.json '[.missions[].mission_id] | join(" ")')" "$mid"
expect_status 0 "table over the store" -- "$APPUI" history LMH-ALOUETTES --store s.db
expect_grep "store table: missions between" "$TMP/out" "Missions held between: $mid (FIRM-"
expect_status 1 "store: no case of the site" -- "$APPUI" history NOPE-SITE --store s.db
expect_grep "store: no case of the site" "$TMP/err" "no case of site NOPE-SITE in the store"
expect_status 2 "files and --store" -- "$APPUI" history LMH-ALOUETTES --store s.db in

summary
