#!/bin/sh
# Plugins run in worker processes: a plugin that crashes or hangs on one
# case costs that case's theme only, and the rest of the batch comes out as
# it would without the faulty case. --jobs gives the same bytes as one job.
# usage: isolation.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
# Under AddressSanitizer, let the test plugin's crashes be the real signals
# a worker dies of, as in a normal build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_abort=0:detect_leaks=0"
EX=$SRC/casefiles/examples
cd "$TMP" || exit 1

# The shipped configuration plus the fragile test plugin, and a short case
# time limit so that the hang is cut quickly.
sed -e 's/^plugins = .*/plugins = [ "quality", "urban", "security", "fragile" ];/' \
	-e 's/case_time_limit = 10.0;/case_time_limit = 2.0;/' \
	"$SRC/configs/appui.cfg" >fragile.cfg
OPTS="--config fragile.cfg -P $BUILD/plugins/fragile"

mkdir good bad
i=0
for f in "$EX"/cf-2016-00*.xml; do
	i=$((i + 1))
	sed 's#</diagnostic>#<theme ref="fragile"><indicator ref="x.value" value="1"/></theme></diagnostic>#' \
		"$f" >"good/$(basename "$f")"
done
cp good/*.xml bad/
# Three faulty cases among the good ones.
set -- bad/*.xml
sed -i 's/"x.value" value="1"/"x.value" value="666"/' "$2"
sed -i 's/"x.value" value="1"/"x.value" value="777"/' "$4"
sed -i 's/"x.value" value="1"/"x.value" value="888"/' "$6"
crash=$(basename "$2")
hang=$(basename "$4")
abrt=$(basename "$6")

expect_status 0 "good batch" -- "$APPUI" $OPTS score --format json good
cp "$TMP/out" good.json
expect_status 1 "faulty batch" -- "$APPUI" $OPTS score --format json --jobs 2 bad
cp "$TMP/out" bad.json
expect_grep "crash named" "$TMP/err" "plugin 'fragile' crashed on bad/$crash: signal 11 (SIGSEGV)"
expect_grep "hang named" "$TMP/err" "plugin 'fragile' ran past the time limit of 2 s on bad/$hang"
expect_grep "abort named" "$TMP/err" "plugin 'fragile' crashed on bad/$abrt: signal 6 (SIGABRT)"
if python3 - good.json bad.json "$crash" "$hang" "$abrt" <<'PY'
import json, sys
good = json.load(open(sys.argv[1]))
bad = json.load(open(sys.argv[2]))
faulty = set(sys.argv[3:])
g = {c["file"].split("/")[-1]: c for c in good["cases"]}
b = {c["file"].split("/")[-1]: c for c in bad["cases"]}
assert set(g) == set(b), "every case is still there"
for name in g:
    if name in faulty:
        # The faulty theme is missing; the others are as they were.
        themes = {t["theme"]: t for t in b[name]["themes"]}
        assert "fragile" not in themes
        for t in g[name]["themes"]:
            if t["theme"] != "fragile":
                assert themes[t["theme"]] == t, (name, t["theme"])
    else:
        good_case = dict(g[name]); bad_case = dict(b[name])
        good_case.pop("file"); bad_case.pop("file")
        assert good_case == bad_case, name
errs = [e for e in bad["errors"] if e["field"] == "diagnostic/theme[fragile]"]
assert len(errs) == 3, errs
PY
then pass; else fail "faulty cases changed other results"; fi

# bundle and verify score in a worker too: a crashing plugin is an error
# that names it, not the end of the command; nothing is written.
expect_status 1 "bundle, crashing plugin" -- "$APPUI" $OPTS bundle -o crash.tar.gz "bad/$crash"
expect_grep "bundle crash named" "$TMP/err" "plugin 'fragile' crashed on data/casefiles/$crash: signal 11 (SIGSEGV)"
expect_grep "bundle not written" "$TMP/err" "appui bundle: crash.tar.gz not written"
if [ -e crash.tar.gz ]; then fail "bundle written despite the crash"; else pass; fi
# Bundled without the plugin (its theme is ignored), then verified with it.
expect_status 0 "bundle without the plugin" -- "$APPUI" bundle -o crash.tar.gz "bad/$crash"
expect_status 1 "verify, crashing plugin" -- "$APPUI" $OPTS verify crash.tar.gz
expect_grep "verify crash named" "$TMP/out" "plugin 'fragile' crashed on data/casefiles/$crash: signal 11 (SIGSEGV)"
expect_grep "verify says not reproduced" "$TMP/out" "score NOT reproduced"

# Any number of jobs gives the same bytes.
"$APPUI" score --format json --jobs 1 "$EX" >j1.json 2>/dev/null
"$APPUI" score --format json --jobs 2 "$EX" >j2.json 2>/dev/null
"$APPUI" score --format json --jobs 5 "$EX" >j5.json 2>/dev/null
if cmp -s j1.json j2.json && cmp -s j1.json j5.json; then pass; else fail "--jobs changes the output"; fi
"$APPUI" score --jobs 1 "$EX" >t1.txt 2>/dev/null
"$APPUI" score --jobs 3 "$EX" >t3.txt 2>/dev/null
if cmp -s t1.txt t3.txt; then pass; else fail "--jobs changes the table"; fi
expect_status 2 "bad --jobs" -- "$APPUI" score --jobs 0 "$EX"

# Ctrl-C during a batch: the workers stop, what was done is said, and no
# partial output file is left.
mkdir many
for k in $(seq 1 40); do cp bad/"$hang" "many/h$k.xml"; done
"$APPUI" $OPTS score --format json -o partial.json many >/dev/null 2>int.err &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && pass || fail "interrupted batch exit $rc, expected 130"
expect_grep "interrupted" int.err "appui: interrupted:"
if ls partial.json* >/dev/null 2>&1; then fail "partial output left behind"; else pass; fi
sleep 1
if pgrep -f "appui $OPTS score" >/dev/null; then fail "workers still running"; else pass; fi
summary
