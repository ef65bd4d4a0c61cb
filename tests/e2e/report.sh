#!/bin/sh
# End-to-end tests of `appui report`: the HTML report of the examples with
# their campaign, the same bytes twice, under 1 MB, hostile text shown as
# text, refusals (an unknown format, -o onto an input); then a real browser
# opens it (tests/browser/report.py): no network request, one row per site,
# one Gantt bar per mission, sorting, screenshots and a PDF print kept in
# BUILD_DIR/browser-artifacts/.
# usage: report.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
CAMP=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1

expect_status 0 "report" -- "$APPUI" report --campaign "$CAMP" -o report.html "$EX"
expect_status 0 "again, to stdout" -- "$APPUI" report --campaign "$CAMP" "$EX"
cmp -s "$TMP/out" report.html && pass || fail "the same bytes twice"
size=$(wc -c <report.html)
[ "$size" -lt 1000000 ] && pass || fail "39 sites in under 1 MB ($size bytes)"
expect_grep "a strict CSP" report.html "default-src 'none'"
expect_grep "French labels" report.html "Sites classés"
expect_grep "the plan" report.html 'id="plan"'
expect_no_grep "no date unless asked" report.html "$(date +%Y-%m-%d)T"
"$APPUI" score --format json "$EX" >scores.json
"$APPUI" plan --campaign "$CAMP" --format json "$EX" >plan.json 2>/dev/null
expect_status 0 "without a campaign: no plan" -- "$APPUI" report "$EX"
expect_no_grep "no plan section" "$TMP/out" 'id="plan"'

# Hostile text from a case file is text in the page.
mkdir hostile
sed 's#<site id="GH-BOIS-FLEURI" name="[^"]*"#<site id="GH-BOIS-FLEURI" name="\&lt;script\&gt;alert(1)\&lt;/script\&gt;\&lt;img src=x onerror=alert(2)\&gt;"#' \
	"$EX/cf-2016-004-gh-bois-fleuri.xml" >hostile/h.xml
grep -q 'script' hostile/h.xml && pass || fail "the hostile case was made"
expect_status 0 "a hostile name" -- "$APPUI" report -o h.html hostile/h.xml
expect_grep "escaped" h.html "&lt;script&gt;alert(1)&lt;/script&gt;"
expect_no_grep "never markup" h.html "<script>alert"
expect_no_grep "never an attribute" h.html "<img src=x"

# score --format csv: one row per case and theme, the JSON's values, and a
# cell that would run as a formula written as text.
sed 's#<site id="GH-BOIS-FLEURI" name="[^"]*"#<site id="GH-BOIS-FLEURI" name="=HYPERLINK(\&quot;http://x\&quot;,\&quot;y\&quot;)"#' \
	"$EX/cf-2016-004-gh-bois-fleuri.xml" >hostile/f.xml
expect_status 0 "score --format csv" -- "$APPUI" score --format csv -o scores.csv "$EX" hostile/f.xml
"$APPUI" score --format json "$EX" hostile/f.xml >scores-f.json
if python3 - scores.csv scores-f.json <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
cases = json.load(open(sys.argv[2]))["cases"]
want = [(c, t) for c in cases for t in c["themes"]]
assert len(rows) == len(want), (len(rows), len(want))
for r, (c, t) in zip(rows, want):
    assert r["case_id"] == c["case_id"] and r["theme"] == t["theme"]
    assert float(r["need"]) == t["need"] and r["band"] == t["band"]
    assert float(r["need_low"]) == t["need_low"]
    m = c["mission"]
    assert (r["priority"] == "") == (m is None)
    if m:
        assert float(r["priority"]) == m["priority"]
    name = r["site_name"]
    if c["site_id"] == "GH-BOIS-FLEURI" and c["file"].endswith("f.xml"):
        assert name == "'=HYPERLINK(\"http://x\",\"y\")", name
PY
then pass; else fail "the CSV says what the JSON says, formulas as text"; fi
expect_grep "a formula as text, quoted" scores.csv "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""

# The workbook through the command: what the library test checks, read
# back by openpyxl against the JSON outputs; same bytes twice.
expect_status 0 "report --format xlsx" -- "$APPUI" report --format xlsx --campaign "$CAMP" -o r.xlsx "$EX"
expect_status 0 "again" -- "$APPUI" report --format xlsx --campaign "$CAMP" -o r2.xlsx "$EX"
cmp -s r.xlsx r2.xlsx && pass || fail "the workbook's bytes twice"
if /usr/bin/python3 "$SRC/tests/report/xlsx_check.py" scores.json plan.json r.xlsx >xlsx.out 2>&1; then
	pass
else
	fail "the workbook read back"
	tail -20 xlsx.out
fi
expect_status 2 "a workbook to stdout" -- "$APPUI" report --format xlsx "$EX"
expect_status 2 "a workbook to a device" -- "$APPUI" report --format xlsx -o /dev/null "$EX"

expect_status 2 "an unknown format" -- "$APPUI" report --format pdf "$EX"
cp "$EX/cf-2016-004-gh-bois-fleuri.xml" in.xml
expect_status 2 "-o onto an input" -- "$APPUI" report -o in.xml in.xml
cmp -s in.xml "$EX/cf-2016-004-gh-bois-fleuri.xml" && pass || fail "the input is untouched"

# --- a real browser ---------------------------------------------------------------
if ! browser_tools; then
	summary
	exit 1
fi
sed 's#</header>#<img src="http://192.0.2.1/x.png" alt=""></header>#' report.html >tampered.html
mkdir -p "$BUILD/browser-artifacts"
if "$PY" "$SRC/tests/browser/report.py" --chromium "$(command -v chromium)" \
	--chromedriver "$(command -v chromedriver)" --report report.html \
	--scores scores.json --plan plan.json --artifacts "$BUILD/browser-artifacts" \
	--work "$TMP" --tampered tampered.html >browser.out 2>&1; then
	pass
else
	fail "the report in a browser"
	cat browser.out
fi
# The follow-up report of the example campaign (report --plan).
sh "$SRC/scripts/followup-examples.sh" "$APPUI" "$TMP/fx" >/dev/null 2>&1 || fail "followup-examples.sh"
if "$PY" "$SRC/tests/browser/report.py" --chromium "$(command -v chromium)" \
	--chromedriver "$(command -v chromedriver)" --report "$TMP/fx/report.html" \
	--followup "$TMP/fx/followup.json" --artifacts "$BUILD/browser-artifacts" \
	--work "$TMP" >browser-fu.out 2>&1; then
	pass
else
	fail "the follow-up report in a browser"
	cat browser-fu.out
fi
summary
