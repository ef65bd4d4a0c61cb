#!/bin/sh
# The main job, from a fresh clone: install the dependencies, build, and
# validate then score the shipped example campaign (39 sites of 23
# organisations), with the explanation of each site; plan it; then follow
# it up (scripts/followup-examples.sh).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/bin/appui validate casefiles/examples
./build/bin/appui score casefiles/examples
./build/bin/appui score --explain casefiles/examples >build/examples-explained.txt
./build/bin/appui score --format json -o build/examples.json casefiles/examples
echo
# Plan the scheme's missions over 2016-2019 with the example campaign.
./build/bin/appui plan --campaign configs/campaign.cfg --ics build/calendars \
	-o build/plan.txt casefiles/examples
./build/bin/appui plan --campaign configs/campaign.cfg --format csv \
	-o build/plan.csv casefiles/examples
./build/bin/appui report --campaign configs/campaign.cfg -o build/report.html \
	casefiles/examples
sed -n '1,/^Firms/p' build/plan.txt
echo
# The campaign's follow-up: the plan saved in a store, what became of each
# mission, the later diagnostics of 2019-2021, and whether the sites improved.
./scripts/followup-examples.sh ./build/bin/appui build/followup
echo
echo "Explanations: build/examples-explained.txt; scores: build/examples.json"
echo "Plan: build/plan.txt, build/plan.csv, one calendar per firm in build/calendars/"
echo "Report (open it in a browser, or print it): build/report.html"
echo "Follow-up report (each site's need over time, the campaign's outcome): build/followup/report.html"
