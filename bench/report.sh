#!/bin/sh
# The report's benchmark: `appui report` of N generated sites (default
# 10,000) against `appui score --format json` of the same sites, in one
# run, with hyperfine; the report's size; and the report with a campaign
# (20 firms, 1,000 days) against `appui plan --format json`.
#
# usage: bench/report.sh [BUILD_DIR] [SITES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sites=${2:-10000}
appui=$build/bin/appui
data=$build/bench-data
mkdir -p "$data"
cases=$data/cases-$sites
if [ ! -d "$cases" ]; then
	echo "generating $sites case files in $cases"
	python3 "$here/gencases.py" "$cases" "$sites" --seed 2019
fi
python3 "$here/gencampaign.py" "$data/campaign-20.cfg" 20 1000 --seed 7
hyperfine --warmup 1 --runs 5 --export-json "$data/report-bench.json" \
	-n "score --format json" "$appui score --format json -o $data/scores.json $cases" \
	-n "report" "$appui report -o $data/report.html $cases" \
	-n "plan --format json" "$appui plan --campaign $data/campaign-20.cfg --format json -o $data/plan.json $cases" \
	-n "report --campaign" "$appui report --campaign $data/campaign-20.cfg -o $data/report-plan.html $cases"
python3 - "$data/report-bench.json" "$data/report.html" "$data/report-plan.html" <<'PY'
import json, os, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print("report / score --format json: %.2f" % (r["report"] / r["score --format json"]))
print("report --campaign / plan --format json: %.2f" % (r["report --campaign"] / r["plan --format json"]))
print("report size: %.1f MB; with the plan: %.1f MB" % (
    os.path.getsize(sys.argv[2]) / 1e6, os.path.getsize(sys.argv[3]) / 1e6))
PY
