#!/bin/sh
# Service benchmark: `appui validate` of a generated corpus (the baseline:
# the same reading and checking, nothing stored, nothing sent), then the
# same files uploaded to `appui serve` by bench/upload_client (a C client,
# built here in BUILD_DIR) with 1, 4 and 16 concurrent clients, into a new
# store each time: uploads per
# second, the 50th and 99th percentile latency, the ratio of uploads per
# second to the files per second of validate, and the service's peak
# memory.
#
# usage: bench/service.sh [BUILD_DIR] [FILES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
files=${2:-10000}
appui=$build/bin/appui
data=$build/bench-data
cases=$data/cases-$files
load=$build/bin/upload_client
mkdir -p "$data"
cmake --build "$build" --target upload_client >/dev/null
if [ ! -d "$cases" ]; then
	echo "generating $files case files in $cases"
	python3 "$here/gencases.py" "$cases" "$files" --seed 2019
fi
bytes=$(du -sb "$cases" | cut -f1)
store=$data/service.store
serve_pid=
time_pid=
trap '[ -n "$time_pid" ] && kill "$time_pid" 2>/dev/null; [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null' EXIT

# vmhwm PID: the peak resident memory of a running process, in KiB.
vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# fresh_store: a new store with one firm account and token for each of
# FIRM-01 to FIRM-20; their FIRM=TOKEN lines in $data/service.tokens.
fresh_store() {
	rm -f "$store" "$store-wal" "$store-shm"
	"$appui" store init --store "$store" >/dev/null
	: >"$data/service.tokens"
	for n in $(seq -w 1 20); do
		"$appui" account add --firm "FIRM-$n" "bench-$n" --store "$store" >/dev/null
		echo "FIRM-$n=$("$appui" token new "bench-$n" --store "$store" 2>/dev/null)" \
			>>"$data/service.tokens"
	done
}

# serve: starts `appui serve` under /usr/bin/time -v; sets url, time_pid
# and serve_pid.
serve() {
	: >"$data/serve.log"
	/usr/bin/time -v -o "$data/serve.time" "$appui" serve --store "$store" \
		--listen 127.0.0.1:0 2>"$data/serve.log" &
	time_pid=$!
	url=
	for i in $(seq 1 200); do
		url=$(sed -n 's/^appui serve: listening on //p' "$data/serve.log" | head -n 1)
		[ -n "$url" ] && break
		sleep 0.05
	done
	[ -n "$url" ] || { cat "$data/serve.log" >&2; exit 1; }
	serve_pid=$(pgrep -P "$time_pid")
}

# stop: SIGTERM to the service, then the peak memory /usr/bin/time saw.
stop() {
	kill -TERM "$serve_pid"
	wait "$time_pid" || echo "appui serve: exit $?" >&2
	serve_pid=
	time_pid=
}

# One run to warm the page cache, then the timed one.
"$appui" validate -q "$cases" >/dev/null
/usr/bin/time -f "%e %M" -o "$data/validate.time" "$appui" validate -q "$cases" >/dev/null
read -r vt vm <"$data/validate.time"
echo "corpus: $files files, $((bytes / 1024 / 1024)) MiB; $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)); appui serve with its default workers (one per core)"
awk -v t="$vt" -v m="$vm" -v n="$files" 'BEGIN {
	printf "validate     %8.3f s  %8.1f files/s                    peak %6.1f MiB\n", t, n / t, m / 1024 }'
for clients in 1 4 16; do
	fresh_store
	serve
	"$load" --url "$url" --clients "$clients" \
		--tokens "@$data/service.tokens" --out "$data/service-$clients.txt" \
		"$cases" >"$data/service-$clients.out" ||
		{ cat "$data/service-$clients.out" >&2; exit 1; }
	own=$(vmhwm "$serve_pid")
	workers=0
	for w in $(pgrep -P "$serve_pid"); do
		k=$(vmhwm "$w")
		[ "$k" -gt "$workers" ] && workers=$k
	done
	stop
	peak=$(awk '/Maximum resident set size/ { print $NF }' "$data/serve.time")
	awk -v c="$clients" -v n="$files" -v t="$vt" -v own="$own" \
		-v w="$workers" -v peak="$peak" '
		/^status / { status = $2; for (i = 3; i <= NF; i++) status = status " " $i }
		/^uploads\/s / { ups = $2 }
		/^p50 / { p50 = $2 }
		/^p99 / { p99 = $2 }
		END {
			printf "%2d clients  %8.1f uploads/s  p50 %6.2f ms  p99 %6.2f ms  %5.3fx validate  serve peak %6.1f MiB (its own %.1f, a worker %.1f)  %s\n",
				c, ups, p50, p99, ups / (n / t), peak / 1024, own / 1024, w / 1024, status
		}' "$data/service-$clients.out"
done
