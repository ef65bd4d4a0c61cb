#!/bin/sh
# Store benchmark: `appui store add` of a generated corpus into a new store,
# against `appui validate` of the same files (the baseline: the same
# reading and checking, nothing stored), in one run; its peak memory; the
# database's size against the files'; and `appui score --store` against
# `appui score DIR` on the same cases.
#
# usage: bench/store.sh [BUILD_DIR] [FILES] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
files=${2:-10000}
runs=${3:-3}
appui=$build/bin/appui
data=$build/bench-data
cases=$data/cases-$files
mkdir -p "$data"
if [ ! -d "$cases" ]; then
	echo "generating $files case files in $cases"
	python3 "$here/gencases.py" "$cases" "$files" --seed 2019
fi
bytes=$(du -sb "$cases" | cut -f1)
store=$data/bench.store
export APPUI_NOW=2026-01-05T09:00:00Z

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

# store add into a new store each time: every file is a first version.
cat >"$data/store-add.sh" <<SH
#!/bin/sh
rm -f "$store" "$store-wal" "$store-shm"
"$appui" store init --store "$store" >/dev/null
exec "$appui" store add --store "$store" -q "$cases"
SH
chmod +x "$data/store-add.sh"

names="validate store-add score-dir score-store"
for n in $names; do : >"$data/times-$n"; done
# Interleaved runs: a machine that gets busier weighs on every command.
for r in $(seq "$runs"); do
	once validate "$appui" validate -q "$cases"
	once store-add "$data/store-add.sh"
	once score-dir "$appui" score --format json "$cases"
	once score-store "$appui" score --store "$store" --format json
done
for n in $names; do summary "$n"; done >"$data/results"
db=$(du -sb "$store" | cut -f1)
stored=$("$appui" store list --store "$store" -q | wc -l)

echo "corpus: $files files, $((bytes / 1024 / 1024)) MiB; $(nproc) cores; median of $runs runs"
awk 'NR == 1 { base = $2 } $1 == "score-dir" { sbase = $2 }
	{ t[$1] = $2; m[$1] = $3 }
	END {
		printf "validate        %8.3f s  (the baseline)          peak %6.1f MiB\n", t["validate"], m["validate"]
		printf "store add       %8.3f s  %6.2fx validate      peak %6.1f MiB\n", t["store-add"], t["store-add"] / t["validate"], m["store-add"]
		printf "score DIR       %8.3f s                          peak %6.1f MiB\n", t["score-dir"], m["score-dir"]
		printf "score --store   %8.3f s  %6.2fx score DIR     peak %6.1f MiB\n", t["score-store"], t["score-store"] / t["score-dir"], m["score-store"]
	}' "$data/results"
echo "stored          $stored versions"
echo "database        $((db / 1024 / 1024)) MiB, $(python3 -c "print(round($db / $bytes, 2))")x the files ($((bytes / 1024 / 1024)) MiB)"
