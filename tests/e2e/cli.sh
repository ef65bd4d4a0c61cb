#!/bin/sh
# End-to-end tests of the appui command: what a coordinator runs.
# usage: cli.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
cd "$TMP" || exit 1

# --- version and help ---------------------------------------------------------
expect_status 0 version -- "$APPUI" --version
expect_grep version "$TMP/out" "(plugin ABI 1.0)"
for cmd in validate score plugins config; do
	expect_status 0 "help $cmd" -- "$APPUI" $cmd --help
	expect_grep "help $cmd" "$TMP/out" "usage: appui $cmd"
done
expect_status 0 help -- "$APPUI" --help
expect_grep help "$TMP/out" "exit status"
expect_status 2 "no command" -- "$APPUI"
expect_status 2 "unknown command" -- "$APPUI" frobnicate
expect_grep "unknown command" "$TMP/err" "unknown command 'frobnicate'"
expect_status 2 "unknown option" -- "$APPUI" score --colour "$EX"
expect_status 2 "bad format" -- "$APPUI" score --format xml "$EX"
expect_grep "bad format" "$TMP/err" "unknown format 'xml'"
expect_status 2 "no inputs" -- "$APPUI" score

# Numbers on the command line are decimal digits only: anything else,
# however strtol or strtod would read it, is a usage error naming the option.
ONE=$EX/cf-2016-001-lmh-alouettes.xml
for bad in 0x10 1e3 " 5" "+5" "5 " "" "-1" 0 65 99999999999999999999999 "4 2" "٣"; do
	expect_status 2 "--jobs '$bad'" -- "$APPUI" validate --jobs "$bad" "$ONE"
	expect_grep "--jobs '$bad'" "$TMP/err" "appui: --jobs wants a number of workers from 1 to 64, in decimal digits, not '$bad'"
done
expect_status 2 "-j 0x10" -- "$APPUI" validate -j 0x10 "$ONE"
expect_grep "-j 0x10" "$TMP/err" "appui: --jobs wants"
# Leading zeros are decimal (ten workers), never octal.
expect_status 0 "--jobs 010" -- "$APPUI" validate --jobs 010 "$ONE"
expect_status 0 "--jobs 64" -- "$APPUI" validate --jobs 64 "$ONE"
for bad in 0x10 1e3 inf nan " 5" "+5" "5 " "" 0 0.0 .5 5. 86401 86400.5 1e-3 "2,5"; do
	expect_status 2 "--time-limit '$bad'" -- "$APPUI" plan --time-limit "$bad" --campaign "$SRC/configs/campaign.cfg" "$ONE"
	expect_grep "--time-limit '$bad'" "$TMP/err" "appui: --time-limit wants seconds, more than 0 and at most 86400, in decimal digits (as 10 or 2.5), not '$bad'"
done
expect_status 0 "--time-limit 2.5" -- "$APPUI" plan --time-limit 2.5 --campaign "$SRC/configs/campaign.cfg" "$ONE"

# --- validate -------------------------------------------------------------------
expect_status 0 "validate examples" -- "$APPUI" validate "$EX"
expect_grep "validate examples" "$TMP/out" "39 files: 39 valid, 0 invalid, 0 warnings"

# A batch with a bad file: the bad file is reported, the others validated.
mkdir batch
cp "$EX"/cf-2016-00[1-3]*.xml batch/
sed 's/<dwellings>[0-9]*</<dwellings>0</' "$EX"/cf-2016-004*.xml >batch/cf-2016-004-broken.xml
expect_status 1 "validate mixed batch" -- "$APPUI" validate batch
expect_grep "validate mixed batch" "$TMP/out" "batch/cf-2016-004-broken.xml:"
expect_grep "validate mixed batch" "$TMP/out" ": site/dwellings: "
expect_grep "validate mixed batch" "$TMP/out" "4 files: 3 valid, 1 invalid"
expect_status 1 "missing file" -- "$APPUI" validate nonexistent.xml
expect_grep "missing file" "$TMP/out" "nonexistent.xml:0: cannot open: No such file or directory"

# The summary adds up: N = valid + invalid + unreadable. Files that cannot
# be opened (a dangling link, a path inside a file, a missing file) are
# invalid files; a folder that cannot be read counts once as unreadable.
mkdir -p sum/ok
cp "$EX"/cf-2016-00[12]*.xml sum/ok/
ln -s "$TMP/nowhere.xml" sum/dangling.xml
deep=sum/deep
for i in $(seq 1 33); do deep=$deep/d; done
mkdir -p "$deep"
cp "$EX"/cf-2016-003*.xml "$deep/"
expect_status 1 "summary with unreadable inputs" -- "$APPUI" validate sum \
	"$EX"/cf-2016-003-vlh-mail.xml/inside nonexistent.xml
expect_grep "dangling link" "$TMP/out" "sum/dangling.xml:0: cannot open: "
expect_grep "path inside a file" "$TMP/out" "cf-2016-003-vlh-mail.xml/inside:0: cannot open: Not a directory"
expect_grep "deep folder" "$TMP/out" ":0: folders nested more than 32 deep: not searched"
expect_grep "summary adds up" "$TMP/out" "6 files: 2 valid, 3 invalid, 1 unreadable, 0 warnings"
# A folder without read permission. Permissions do not stop root: as root,
# the command runs as nobody when it can (setpriv), else that case is
# skipped (the deep folder above stands for it).
mkdir sum/locked
cp "$EX"/cf-2016-004*.xml sum/locked/
chmod 000 sum/locked
as=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$TMP"
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$as "$APPUI" --version >/dev/null 2>&1 || as=""
fi
if [ "$(id -u)" -eq 0 ] && [ -z "$as" ]; then
	echo "skipped: unreadable folder (root reads a mode 000 folder, and cannot run the command as another user here)"
else
	expect_status 1 "unreadable folder" -- $as "$APPUI" validate sum/ok sum/locked
	expect_grep "unreadable folder" "$TMP/out" "sum/locked:0: cannot open folder: Permission denied"
	expect_grep "unreadable folder counted" "$TMP/out" "3 files: 2 valid, 0 invalid, 1 unreadable, 0 warnings"
fi
chmod 755 sum/locked

# --strict: an unknown indicator is a warning, and an error with --strict.
sed 's#</theme>#<indicator ref="drones.sightings" value="2"/></theme>#' "$EX"/cf-2016-001*.xml >strict.xml
expect_status 0 "unknown ref is a warning" -- "$APPUI" validate strict.xml
expect_grep "unknown ref is a warning" "$TMP/out" "warning: theme"
expect_status 1 "unknown ref with --strict" -- "$APPUI" validate --strict strict.xml
expect_no_grep "unknown ref with --strict" "$TMP/out" "warning:"

# --strict applies to scoring too: a theme that cannot be scored is an error.
sed -e 's/"satisfaction.overall"/"drones.sightings"/' -e 's/"complaints.rate"/"drones.noise"/' \
	"$SRC/tests/casefiles/valid/missing-data-interval.xml" >noscore.xml
expect_status 0 "unscorable theme is a warning" -- "$APPUI" score noscore.xml
expect_grep "unscorable theme is a warning" "$TMP/err" "cannot be scored"
expect_status 1 "unscorable theme with --strict" -- "$APPUI" score --strict noscore.xml
expect_status 0 "help version" -- "$APPUI" help version
expect_grep "help version" "$TMP/out" "usage: appui"
expect_status 0 "help COMMAND" -- "$APPUI" help score
expect_grep "help COMMAND" "$TMP/out" "usage: appui score"

# --- score ----------------------------------------------------------------------
expect_status 0 "score table" -- "$APPUI" score "$EX"
expect_grep "score table" "$TMP/out" "RANK  SITE"
expect_grep "score table" "$TMP/out" "39 sites scored"
# Sorted by priority: the first row has the highest priority.
awk 'NR>1 && $NF ~ /^[0-9.]+$/ {print $NF}' "$TMP/out" >prio
if sort -rn -c prio 2>/dev/null; then pass; else fail "table not sorted by priority"; fi
# Sites without a mission are last.
tail -n 3 "$TMP/out" | head -1 | grep -q ' -  *-$' && pass || fail "sites without mission not last"

expect_status 0 "score explain" -- "$APPUI" score --explain "$EX"/cf-2017-005*.xml
expect_grep "score explain" "$TMP/out" "indicator"
expect_grep "score explain" "$TMP/out" "contribution"
expect_grep "score explain" "$TMP/out" "levers:"
expect_grep "score explain" "$TMP/out" "rule: "
expect_grep "score explain" "$TMP/out" "mission: 6 days"
expect_grep "score explain" "$TMP/out" "confidence"

# JSON: one valid document with the documented fields; the same bytes twice.
expect_status 0 "score json" -- "$APPUI" score --format json "$EX"
cp "$TMP/out" json1
"$APPUI" score --format json "$EX" >json2 2>/dev/null
if cmp -s json1 json2; then pass; else fail "JSON output differs between two runs"; fi
if python3 - json1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert set(doc) == {"cases", "errors", "warnings"}, doc.keys()
assert len(doc["cases"]) == 39
files = [c["file"] for c in doc["cases"]]
assert files == sorted(files), "cases not in input order"
for c in doc["cases"]:
    for k in ("file", "case_id", "site_id", "organisation_id", "complexity", "factors", "themes", "mission"):
        assert k in c, k
    for t in c["themes"]:
        for k in ("theme", "plugin", "need", "need_low", "need_high", "confidence", "band", "days", "indicators", "levers", "rules"):
            assert k in t, k
        assert t["need_low"] <= t["need"] <= t["need_high"]
        assert abs(sum(r["contribution"] for r in t["indicators"]) - t["need"]) < 0.1
        for r in t["indicators"]:
            assert set(("ref", "value", "level", "weight", "contribution")) <= set(r)
    m = c["mission"]
    if m is not None:
        assert 3 <= m["days"] <= 6 and m["themes"] and m["priority"] > 0
    else:
        assert all(t["band"] == "good" for t in c["themes"])
PY
then pass; else fail "JSON document does not have the documented shape"; fi

# Invalid files are listed in errors, the others scored, exit 1.
expect_status 1 "score mixed batch" -- "$APPUI" score --format json batch
if python3 -c "
import json,sys
d=json.load(open('$TMP/out'))
assert len(d['cases'])==3, len(d['cases'])
assert len(d['errors'])==1 and d['errors'][0]['file'].endswith('cf-2016-004-broken.xml')
assert d['errors'][0]['line'] > 0 and d['errors'][0]['field'] == 'site/dwellings'
"; then pass; else fail "JSON errors of a mixed batch"; fi

# A file name that is not UTF-8 still appears in the JSON (repaired).
cp "$EX"/cf-2016-001*.xml "$(printf 'r\351sidence.xml')"
"$APPUI" score --format json "$(printf 'r\351sidence.xml')" >latin1.json 2>/dev/null
if python3 -c "
import json
d = json.load(open('latin1.json'))
assert d['cases'][0]['file'] == 'r\ufffdsidence.xml', d['cases'][0].get('file')
"; then pass; else fail "a non-UTF-8 file name dropped from the JSON"; fi

# --output writes atomically and only on success of the write.
expect_status 0 "score --output" -- "$APPUI" score --format json -o result.json "$EX"
if cmp -s result.json json1; then pass; else fail "--output differs from stdout"; fi
if ls result.json.tmp.* >/dev/null 2>&1; then fail "temporary file left behind"; else pass; fi
# A device is written in place, never replaced by a renamed file.
mkfifo fifo.out
(cat fifo.out >fifo.got &)
expect_status 0 "output to a FIFO" -- "$APPUI" score --format json -o fifo.out "$EX"
sleep 1
[ -p fifo.out ] && pass || fail "the FIFO was replaced by a file"
if cmp -s fifo.got json1; then pass; else fail "output through a FIFO differs"; fi
expect_status 0 "output to /dev/null" -- "$APPUI" score -o /dev/null "$EX"
[ -c /dev/null ] && pass || fail "/dev/null is no longer a device"
expect_status 3 "output to a folder" -- "$APPUI" score -o . "$EX"
expect_grep "output to a folder" "$TMP/err" "is a folder, not an output file"
expect_status 3 "unwritable output" -- "$APPUI" score -o /nonexistent/dir/out.json "$EX"
expect_grep "unwritable output" "$TMP/err" "/nonexistent/dir/out.json: cannot create the output file"

# --- configuration ----------------------------------------------------------------
expect_status 0 "config check shipped" -- "$APPUI" config check "$SRC/configs/appui.cfg"
expect_grep "config check shipped" "$TMP/out" "valid (3 plugins loaded)"
cat >bad.cfg <<'CFG'
plugins = [ "quality", "urban", "security" ];
bands = { watch = 25.0; degraded = 50.0; critical = 75.0; };
days = {
  watch = 3;
  degraded = "four";
};
CFG
expect_status 1 "config check bad type" -- "$APPUI" config check bad.cfg
expect_grep "config check bad type" "$TMP/out" "bad.cfg:5: 'days.degraded' must be a whole number, not a string"
cat >bad2.cfg <<'CFG'
themes = {
  quality = {
    indicators = (
      { ref = "satisfaction.overall"; thresholds = [ 60.0, 70.0, 80.0 ]; weight = 3.0; }
    );
  };
};
CFG
expect_status 1 "config check thresholds" -- "$APPUI" config check bad2.cfg
expect_grep "config check thresholds" "$TMP/out" "bad2.cfg:4: indicator 'satisfaction.overall' of theme 'quality': thresholds out of order"
expect_status 1 "config check missing" -- "$APPUI" config check nothing.cfg
expect_grep "config check missing" "$TMP/out" "nothing.cfg:0: cannot read configuration: No such file or directory"
# A bad configuration stops scoring with status 3 before any file is read.
expect_status 3 "score with bad config" -- "$APPUI" --config bad.cfg score "$EX"
# APPUI_CONFIG is honoured.
expect_status 3 "APPUI_CONFIG" -- env APPUI_CONFIG=bad.cfg "$APPUI" score "$EX"

# A configuration change changes the scores: with a watch limit of 1, a
# security need of 5.6 is no longer good.
sed 's/watch = 25.0;/watch = 1.0;/' "$SRC/configs/appui.cfg" >strict.cfg
"$APPUI" score "$EX" >default.out 2>/dev/null
"$APPUI" --config strict.cfg score "$EX" >strict.out 2>/dev/null
expect_grep "default band limit" default.out "5.6 good"
expect_grep "configured band limit" strict.out "5.6 watch"

# --- plugins --------------------------------------------------------------------
expect_status 0 "plugins" -- "$APPUI" plugins
expect_grep "plugins" "$TMP/out" "plugin ABI: 1.0"
for t in quality urban security; do
	expect_grep "plugins $t" "$TMP/out" "$t.so"
done
if [ "$(grep -c '^  loaded' "$TMP/out")" -eq 3 ]; then pass; else fail "3 plugins loaded"; fi

summary
