#!/bin/sh
# Scoring benchmark: appui against libxml2's own command-line tool doing
# less work (parse and validate against the schema, no scoring, no output),
# on the same generated corpus, in one run.
#
# With a fourth argument, a build of another version of appui (the previous
# commit, say) is timed in the same run, and each appui time is also given as
# a ratio to that version's.
#
# usage: bench/score.sh [BUILD_DIR] [FILES] [RUNS] [BASELINE_BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
files=${2:-10000}
runs=${3:-3}
base=${4:+$(cd "$4" && pwd)/bin/appui}
appui=$build/bin/appui
xsd=$here/../casefiles/casefile.xsd
data=$build/bench-data
cases=$data/cases-$files
mkdir -p "$data"
if [ ! -d "$cases" ]; then
	echo "generating $files case files in $cases"
	python3 "$here/gencases.py" "$cases" "$files" --seed 2019
fi
find "$cases" -name '*.xml' | sort >"$data/list-$files"
cores=$(nproc)
bytes=$(du -sb "$cases" | cut -f1)

# One process for xmllint too: its argument list from the file list.
cat >"$data/xmllint-schema.sh" <<SH
#!/bin/sh
xargs -a "$data/list-$files" -n 200000 xmllint --noout --schema "$xsd" >/dev/null 2>&1
SH
cat >"$data/xmllint-plain.sh" <<SH
#!/bin/sh
xargs -a "$data/list-$files" -n 200000 xmllint --noout >/dev/null 2>&1
SH
chmod +x "$data"/xmllint-*.sh

once() { # name command...: one timed run, appended to the name's times
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$data/one" "$@" >/dev/null 2>&1 || true
	cat "$data/one" >>"$data/times-$name"
}

summary() { # name: median wall seconds over its runs, and peak RSS
	sort -n "$data/times-$1" | awk -v name="$1" '
		{ t[NR] = $1; m = ($2 > m ? $2 : m) }
		END { printf "%s %.3f %.1f\n", name, t[int((NR + 1) / 2)], m / 1024 }'
}

# The runs are interleaved (one of each command, then again), so that a
# machine that gets busier or quieter during the script weighs on every
# command alike.
names="xmllint-schema xmllint-plain appui-jobs-1 appui-jobs-$cores"
[ -n "$base" ] && names="$names baseline-jobs-1 baseline-jobs-$cores"
for n in $names; do : >"$data/times-$n"; done
for r in $(seq "$runs"); do
	once xmllint-schema "$data/xmllint-schema.sh"
	once xmllint-plain "$data/xmllint-plain.sh"
	once appui-jobs-1 "$appui" score --jobs 1 --format json "$cases"
	[ -z "$base" ] || once baseline-jobs-1 "$base" score --jobs 1 --format json "$cases"
	once "appui-jobs-$cores" "$appui" score --jobs "$cores" --format json "$cases"
	[ -z "$base" ] || once "baseline-jobs-$cores" "$base" score --jobs "$cores" --format json "$cases"
done
for n in $names; do summary "$n"; done >"$data/results"

echo "corpus: $files files, $((bytes / 1024 / 1024)) MiB; $cores cores; median of $runs runs"
awk 'NR == 1 { base = $2 }
	{ printf "%-16s %8.3f s  %6.2fx xmllint-schema  peak %6.1f MiB\n", $1, $2, $2 / base, $3 }' "$data/results"
if [ -n "$base" ]; then
	echo "against the baseline build ($base):"
	awk '{ t[$1] = $2 }
		END { for (k in t) if (k ~ /^appui-/) { b = k; sub(/^appui-/, "baseline-", b)
			printf "%-16s %6.3fx %s\n", k, t[k] / t[b], b } }' "$data/results" | sort
fi
