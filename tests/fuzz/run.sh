#!/bin/sh
# Runs one libFuzzer target of tests/fuzz (built with -DAPPUI_FUZZ=ON).
#
#   run.sh FUZZER SEEDS WORK SECONDS [LIBFUZZER-OPTION...]
#       Fuzzes for SECONDS with SEEDS (read only) and WORK/corpus (writable,
#       kept between runs: what one run learns, the next starts from) as the
#       corpus, then runs every input of the corpus once more with leak
#       detection (for targets fuzzed with -detect_leaks=0). Crashes, leaks
#       and timeouts are saved in WORK/artifacts/; the exit status is
#       libFuzzer's (0: nothing found). Prints the number of executions; on
#       a finding, the end of the log (the stack trace).
#   run.sh --regress FUZZER DIR WORK
#       Runs FUZZER once on every file of DIR (the minimised inputs of past
#       findings): fails when one of them crashes again.
#
# From the top of the tree, after building build-fuzz, for example:
#   tests/fuzz/run.sh build-fuzz/bin/fuzz_casefile tests/fuzz/corpus/casefile \
#     build-fuzz/tests/fuzz/work/casefile 600 -dict=tests/fuzz/xml.dict -jobs=2 -workers=2
# (-jobs=N -workers=N runs N fuzzers at once on the same corpus, each logging to fuzz-N.log in
# the current folder.)
#
# Minimising a finding before saving it as a regression input:
#   build-fuzz/bin/fuzz_casefile -minimize_crash=1 -runs=100000 \
#     -exact_artifact_path=tests/fuzz/regressions/casefile/NAME CRASH-FILE
set -eu

common="-timeout=10 -rss_limit_mb=2048 -print_final_stats=1"
here=$(cd "$(dirname "$0")" && pwd)
# Leaks of the system libraries, not of appui: see lsan.supp.
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ "${1:-}" = --regress ]; then
	[ $# -eq 4 ] || { echo "usage: $0 --regress FUZZER DIR WORK" >&2; exit 2; }
	fuzzer=$2 dir=$3 work=$4
	mkdir -p "$work/tmp"
	export TMPDIR="$work/tmp"
	n=0 failed=0
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		case $f in *.md|*.txt) continue ;; esac
		n=$((n + 1))
		# shellcheck disable=SC2086
		if ! "$fuzzer" $common "$f" >"$work/last.log" 2>&1; then
			echo "FAIL $f"
			tail -n 80 "$work/last.log"
			failed=$((failed + 1))
		fi
	done
	echo "$(basename "$fuzzer"): $n regression input(s), $failed failing"
	[ "$failed" -eq 0 ]
	exit
fi

[ $# -ge 4 ] || {
	echo "usage: $0 FUZZER SEEDS WORK SECONDS [LIBFUZZER-OPTION...]" >&2
	exit 2
}
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
# The targets make their scratch folder under TMPDIR: inside the build tree,
# so that a crash never leaves anything in /tmp.
export TMPDIR="$work/tmp"
log="$work/last.log"
rc=0
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$seconds" $common \
	-artifact_prefix="$work/artifacts/" "$@" \
	"$work/corpus" "$seeds" >"$log" 2>&1 || rc=$?

# Leaks: a target run with -detect_leaks=0 (libconfig leaks on most syntax
# errors, and every leak costs a full scan) still has its corpus checked,
# each input once, with leak detection.
if [ "$rc" -eq 0 ]; then
	# shellcheck disable=SC2086
	"$fuzzer" -runs=0 -detect_leaks=1 $common \
		-artifact_prefix="$work/artifacts/" \
		"$work/corpus" "$seeds" >"$work/leaks.log" 2>&1 || {
		rc=$?
		cat "$work/leaks.log" >>"$log"
	}
fi

name=$(basename "$fuzzer")
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
units=$(find "$work/corpus" -type f | wc -l)
echo "$name: ${execs:-?} executions in ${seconds} s (${speed:-?}/s)," \
	"corpus $units file(s) in $work/corpus, exit status $rc"
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" || true
if [ "$rc" -ne 0 ]; then
	echo "--- end of $log ---"
	tail -n 150 "$log"
	echo "--- findings in $work/artifacts:"
	ls -l "$work/artifacts"
fi
exit "$rc"
