#!/bin/sh
# Planning benchmark: 10,000 generated sites, 20 firms, a 1,000-day budget.
# Prints the wall time, peak memory, and the plan's optimality and gap.
#
# usage: bench/plan.sh [BUILD_DIR] [SITES] [TIME_LIMIT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sites=${2:-10000}
limit=${3:-10}
appui=$build/bin/appui
data=$build/bench-data
mkdir -p "$data"
cases=$data/cases-$sites
if [ ! -d "$cases" ]; then
	echo "generating $sites case files in $cases"
	python3 "$here/gencases.py" "$cases" "$sites" --seed 2019
fi
python3 "$here/gencampaign.py" "$data/campaign-20.cfg" 20 1000 --seed 7

/usr/bin/time -v "$appui" plan --campaign "$data/campaign-20.cfg" \
	--time-limit "$limit" --format json "$cases" >"$data/plan.json" 2>"$data/plan.time"
# Reading and scoring alone, to tell the planning's share.
/usr/bin/time -v "$appui" score --format json "$cases" >/dev/null 2>"$data/score.time"
# The same plan, byte for byte, at a quarter of the limit: a machine four
# times slower gives it too.
quarter=$(python3 -c "print($limit / 4)")
"$appui" plan --campaign "$data/campaign-20.cfg" --time-limit "$quarter" \
	--format json "$cases" >"$data/plan-quarter.json" 2>/dev/null
if cmp -s "$data/plan.json" "$data/plan-quarter.json"; then same=yes; else same=NO; fi
python3 - "$data/plan.json" "$data/plan.time" "$sites" "$limit" "$data/score.time" "$same" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
def timed(path):
    t = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
    parts = [float(p) for p in wall.split(":")]
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts))), rss
seconds, rss = timed(sys.argv[2])
score_seconds, _ = timed(sys.argv[5])
r = doc["result"]
print("sites %s, firms %d, budget %s days, time limit %s s" % (
    sys.argv[3], len(doc["firms"]), doc["campaign"]["budget"]["days"], sys.argv[4]))
print("wall time      %.2f s (scoring, planning and output)" % seconds)
print("scoring alone  %.2f s (so planning about %.2f s)" % (score_seconds, max(0, seconds - score_seconds)))
print("peak memory    %.1f MiB" % (rss / 1024))
print("missions       %d (%d days, %.0f EUR)" % (r["missions"], r["days"], r["euros"]))
print("priority sum   %.2f, bound %.2f" % (r["priority_sum"], r["bound"]))
print("optimal        %s, gap %.4f %%" % (r["optimal"], 100 * r["gap"]))
print("ties settled   %s" % r["ties_settled"])
print("solver rounds  %d" % r["solver_rounds"])
print("same plan at a quarter of the limit: %s" % sys.argv[6])
PY
