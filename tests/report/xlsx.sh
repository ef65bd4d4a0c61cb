#!/bin/sh
# The workbook (docs/workbook.md), read back by an independent reader
# (openpyxl): made through the library (make_xlsx) from the JSON outputs of
# `appui score` and `appui plan` on the example case files plus one with
# hostile strings, then checked sheet by sheet against that JSON
# (xlsx_check.py); the same inputs give the same bytes; it is written whole
# or not at all.
# usage: xlsx.sh APPUI SOURCE_DIR BUILD_DIR MAKE_XLSX
set -u
APPUI=$1
SRC=$2
MAKE=$4
. "$SRC/tests/e2e/lib.sh"
cd "$TMP" || exit 1
CHECK=$SRC/tests/report/xlsx_check.py

# Debian's openpyxl (scripts/deps.sh): the system's python first, which
# another python on the PATH may hide.
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import openpyxl' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	fail "no python3 with openpyxl (scripts/deps.sh installs python3-openpyxl)"
	summary
	exit
fi

# check NAME SCORES PLAN XLSX [TITLE [HOSTILE]]: xlsx_check.py passes.
check() {
	name=$1
	shift
	if "$PY" "$CHECK" "$@" >check.out 2>&1; then
		pass
	else
		fail "$name: the workbook does not match the JSON"
		grep -v '^xlsx_check:' check.out | head -30 | sed 's/^/  /'
	fi
	tail -1 check.out | sed "s/^/  $name: /"
}

# The examples, and a copy of one whose texts a spreadsheet would run: a
# formula, a sum, a command, a bidirectional override, an OOXML escape.
HOSTILE='=HYPERLINK("http://x","y")'
mkdir cases
cp "$SRC"/casefiles/examples/*.xml cases/
sed -e 's/id="CF-2016-001"/id="CF-2099-001"/' \
	-e 's/id="LMH-ALOUETTES"/id="HOSTILE-SITE"/' \
	-e 's|name="Résidence Les Alouettes"|name="=HYPERLINK(\&quot;http://x\&quot;,\&quot;y\&quot;)"|' \
	-e 's/commune="Roubaix"/commune="+1+1"/' \
	-e 's/name="Lille Métropole Habitat"/name="@SUM(A1) _x0041_ \&#x202E;evil"/' \
	"$SRC/casefiles/examples/cf-2016-001-lmh-alouettes.xml" >cases/zz-hostile.xml
expect_status 0 "hostile case file valid" -- "$APPUI" validate cases/zz-hostile.xml

"$APPUI" score --format json cases >scores.json 2>score.err
[ $? -eq 0 ] && pass || fail "score: $(head -3 score.err)"
"$APPUI" plan --campaign "$SRC/configs/campaign.cfg" --format json cases \
	>plan.json 2>plan.err
[ $? -eq 0 ] && pass || fail "plan: $(head -3 plan.err)"
expect_grep "the hostile site is scored" scores.json '"site_id":"HOSTILE-SITE"'

# The workbook with a plan: every sheet against the JSON, the hostile text a
# string wherever it appears.
expect_status 0 "make_xlsx" -- "$MAKE" scores.json plan.json a.xlsx
check "with a plan" scores.json plan.json a.xlsx \
	"Dispositif d'appui solidaire" "$HOSTILE"
unzip -p a.xlsx xl/worksheets/sheet1.xml | tr "<" "\n" >sites.xml
expect_grep "an OOXML escape in the input stays text" sites.xml "_x005F_x0041_"
expect_grep "a bidirectional override shown, not obeyed" sites.xml '\u202eevil'

# Deterministic bytes: again, and in another time zone.
expect_status 0 "make_xlsx again" -- "$MAKE" scores.json plan.json b.xlsx
cmp -s a.xlsx b.xlsx && pass || fail "two runs give different bytes"
TZ=Pacific/Kiritimati "$MAKE" scores.json plan.json c.xlsx
cmp -s a.xlsx c.xlsx && pass || fail "another time zone gives other bytes"

# Without a plan: the three score sheets only.
expect_status 0 "make_xlsx without a plan" -- "$MAKE" scores.json - np.xlsx
check "without a plan" scores.json - np.xlsx

# The title and the report's date become the document's properties.
expect_status 0 "make_xlsx titled" -- \
	"$MAKE" --title "Bilan =2019" --date 2019-06-30 scores.json plan.json t.xlsx
check "titled" scores.json plan.json t.xlsx "Bilan =2019"
unzip -p t.xlsx docProps/core.xml >core.xml
expect_grep "created on the report's date" core.xml \
	'<dcterms:created xsi:type="dcterms:W3CDTF">2019-06-30T00:00:00Z'
unzip -p a.xlsx docProps/core.xml >core-a.xml
expect_grep "a fixed creation time without a date" core-a.xml \
	'<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z'

# A text longer than a cell holds (32,767 UTF-16 units) is cut there, at a
# character's boundary, instead of failing the workbook.
"$PY" - scores.json long.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["cases"][0]["site_name"] = "\u00e9" * 40000
d["cases"][1]["site_name"] = "\U0001F600" * 20000
json.dump(d, open(sys.argv[2], "w"))
PY
expect_status 0 "make_xlsx with long texts" -- "$MAKE" long.json - long.xlsx
if "$PY" - long.xlsx <<'PY'; then pass; else fail "long texts not cut at 32,767 units"; fi
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Sites"]
cut = sorted((len(c.value), sum(2 if ord(ch) > 0xFFFF else 1 for ch in c.value))
             for c in ws["C"][1:] if c.value and len(c.value) > 1000)
print("  cut texts (characters, units):", cut)
sys.exit(0 if cut == [(16383, 32766), (32767, 32767)] else 1)
PY

# The mode rule of every output: a new file 0666 less the umask; a file
# replaced keeps its mode.
(umask 027 && "$MAKE" scores.json - m.xlsx)
[ "$(stat -c %a m.xlsx)" = 640 ] && pass || fail "new file mode $(stat -c %a m.xlsx), expected 640"
chmod 600 m.xlsx
"$MAKE" scores.json plan.json m.xlsx
[ "$(stat -c %a m.xlsx)" = 600 ] && pass || fail "replaced file mode $(stat -c %a m.xlsx), expected 600"
cmp -s a.xlsx m.xlsx && pass || fail "the replaced file is not the new workbook"

# Whole or not at all: a target that cannot be replaced (a folder) or
# created (no such folder) is reported by name, and nothing is left behind.
mkdir taken.xlsx
expect_status 1 "a folder in the way" -- "$MAKE" scores.json plan.json taken.xlsx
expect_grep "the folder named" "$TMP/err" "taken.xlsx:0: cannot move the workbook in place: Is a directory"
[ -d taken.xlsx ] && [ -z "$(ls taken.xlsx)" ] && pass || fail "the folder was changed"
expect_status 1 "no such folder" -- "$MAKE" scores.json plan.json nowhere/r.xlsx
expect_grep "the file named" "$TMP/err" "nowhere/r.xlsx:0: cannot create the workbook: No such file or directory"
left=$(ls | grep '\.tmp\.' || true)
[ -z "$left" ] && pass || fail "temporaries left: $left"

summary
