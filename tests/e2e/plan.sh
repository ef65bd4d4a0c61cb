#!/bin/sh
# End-to-end tests of `appui plan`: the example campaign, every output
# format, determinism, and bad campaign files refused before any planning.
# usage: plan.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
CAMPAIGN=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1

expect_status 0 "help plan" -- "$APPUI" plan --help
expect_grep "help plan" "$TMP/out" "usage: appui plan"
expect_status 2 "plan without inputs" -- "$APPUI" plan --campaign "$CAMPAIGN"
expect_status 2 "bad time limit" -- "$APPUI" plan --time-limit soon --campaign "$CAMPAIGN" "$EX"
expect_status 2 "bad format" -- "$APPUI" plan --format xls --campaign "$CAMPAIGN" "$EX"

# The table: missions, totals against the budget, unplanned sites, why.
expect_status 0 "plan table" -- "$APPUI" plan --campaign "$CAMPAIGN" "$EX"
for s in "MISSION" "Days:" "budgeted" "Solution:" "Not planned" "Why these firms" "below threshold"; do
	expect_grep "plan table" "$TMP/out" "$s"
done

# JSON: same bytes twice; the guarantees hold on the example campaign.
expect_status 0 "plan json" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json "$EX"
cp "$TMP/out" plan1.json
"$APPUI" plan --campaign "$CAMPAIGN" --format json "$EX" >plan2.json 2>/dev/null
if cmp -s plan1.json plan2.json; then pass; else fail "plan JSON differs between runs"; fi
if python3 - plan1.json <<'PY'
import json, sys, datetime
doc = json.load(open(sys.argv[1]))
c = doc["campaign"]
res = doc["result"]
assert res["optimal"] is True, res
assert res["days"] <= c["budget"]["days"]
assert res["euros"] <= c["budget"]["euros"] + 1e-6
assert len(doc["missions"]) == res["missions"] > 0
assert len(doc["missions"]) + len(doc["unplanned"]) == 39
booked = {}
for m in doc["missions"]:
    assert 3 <= m["days"] <= 6 and len(m["dates"]) == m["days"]
    assert m["dates"] == sorted(m["dates"])
    for d in m["dates"]:
        day = datetime.date.fromisoformat(d)
        assert day.weekday() < 5, d
        assert c["window"]["start"] <= d <= c["window"]["end"]
        key = (m["firm"], d)
        assert key not in booked, key
        booked[key] = m["mission"]
    assert m["why"]
for f in doc["firms"]:
    assert f["days_booked"] <= f["capacity"]
reasons = {u["reason"] for u in doc["unplanned"]}
assert reasons <= {"below threshold", "no firm", "window too short", "budget exhausted", "firms fully booked"}, reasons
assert "below threshold" in reasons
PY
then pass; else fail "plan JSON breaks a guarantee"; fi

# CSV: RFC 4180, one row per mission, read back by a standard parser.
expect_status 0 "plan csv" -- "$APPUI" plan --campaign "$CAMPAIGN" --format csv -o plan.csv "$EX"
if python3 - plan.csv plan1.json <<'PY'
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.count(b"\r\n") == raw.count(b"\n"), "lines must end with CRLF"
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
doc = json.load(open(sys.argv[2]))
assert len(rows) == len(doc["missions"])
for r, m in zip(rows, doc["missions"]):
    assert r["site_name"] == m["site_name"] and r["firm_id"] == m["firm"]
    assert r["dates"].split() == m["dates"]
PY
then pass; else fail "plan CSV does not read back"; fi

# iCalendar: one file per booked firm, one event per mission day.
expect_status 0 "plan ics" -- "$APPUI" plan --campaign "$CAMPAIGN" --ics cal "$EX"
if python3 - cal plan1.json <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[2]))
per_firm = {}
for m in doc["missions"]:
    per_firm[m["firm"]] = per_firm.get(m["firm"], 0) + m["days"]
files = sorted(os.listdir(sys.argv[1]))
assert files == sorted(f + ".ics" for f in per_firm), (files, per_firm)
for f, days in per_firm.items():
    text = open(os.path.join(sys.argv[1], f + ".ics"), "rb").read()
    assert text.startswith(b"BEGIN:VCALENDAR\r\n") and text.endswith(b"END:VCALENDAR\r\n")
    assert text.count(b"BEGIN:VEVENT") == days
    assert all(len(l) <= 75 for l in text.split(b"\r\n"))
PY
then pass; else fail "iCalendar files"; fi

# Bad campaign files: a FILE:LINE error, nothing planned, status 3; and
# `config check` reports the same with status 1.
good() {
	cat <<'CFG'
id = "T";
window = { start = "2019-09-02"; end = "2019-12-20"; };
budget = { days = 60; euros = 80000.0; };
firms = (
  { id = "F1"; themes = [ "quality", "urban" ]; regions = [ "*" ];
    daily_rate = 1000.0; capacity = 30; }
);
CFG
}
check_bad() { # name sed-expression expected-line expected-text
	good | sed "$2" >bad.cfg
	expect_status 3 "campaign: $1" -- "$APPUI" plan --campaign bad.cfg "$EX"
	expect_grep "campaign: $1" "$TMP/err" "bad.cfg:$3: "
	expect_grep "campaign: $1" "$TMP/err" "$4"
	expect_no_grep "campaign: $1 plans nothing" "$TMP/out" "MISSION"
	expect_status 1 "config check: $1" -- "$APPUI" config check bad.cfg
	expect_grep "config check: $1" "$TMP/out" "bad.cfg:$3: "
}
good >ok.cfg
expect_status 0 "config check campaign" -- "$APPUI" config check ok.cfg
expect_grep "config check campaign" "$TMP/out" "valid campaign (1 firm)"
# The themes of a campaign are checked against the plugins of --config.
echo 'plugins = [ "quality" ];' >quality-only.cfg
expect_status 1 "config check campaign with --config" -- "$APPUI" --config quality-only.cfg config check ok.cfg
expect_grep "config check campaign with --config" "$TMP/out" "urban"
# A campaign with a syntax error is still reported as a campaign.
good | sed 's/budget = {/budget = {{/' >syntax.cfg
expect_status 1 "campaign syntax error" -- "$APPUI" config check syntax.cfg
expect_grep "campaign syntax error" "$TMP/out" "syntax.cfg:3: "
expect_no_grep "campaign syntax error" "$TMP/out" "the configuration"
check_bad "dates in the wrong order" 's/end = "2019-12-20"/end = "2019-08-20"/' 2 "2019-08-20"
check_bad "firm with no theme" 's/themes = \[ "quality", "urban" \]/themes = [ ]/' 5 "theme"
check_bad "negative budget" 's/days = 60/days = -60/' 3 "-60"
check_bad "unknown theme" 's/"urban" \]/"urbanism" ]/' 5 "urbanism"
check_bad "capacity below a mission" 's/capacity = 30/capacity = 2/' 6 "capacity 2 cannot hold a 3-day mission"
# Amounts that would break the solver or print as inf are refused.
check_bad "daily rate too large" 's/daily_rate = 1000.0/daily_rate = 1e20/' 6 "daily_rate = 1e+20 is out of range (at most 100000 euros a day)"
check_bad "euro budget too large" 's/euros = 80000.0/euros = 1e307/' 3 "'budget.euros' = 1e+307 is out of range (at most 1e+12)"

# ---- one site, one mission --------------------------------------------------------
# The same file twice, or two diagnostics of one site: the site is planned
# once, from its most recent diagnostic; the other is named in a warning.
MAIL=$EX/cf-2016-003-vlh-mail.xml
mkdir twice
cp "$EX"/*.xml twice/
sed -e 's/id="CF-2016-003"/id="CF-2016-003-B"/' -e 's/date="2016-04-13"/date="2016-05-02"/' \
	-e 's/date="2016-04-30"/date="2016-05-20"/' "$MAIL" >twice/zz-mail-later.xml
expect_status 0 "plan, two diagnostics of one site" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json twice
cp "$TMP/out" twice.json
expect_grep "older diagnostic named" "$TMP/err" "twice/cf-2016-003-vlh-mail.xml:0: site/@id: warning: site VLH-MAIL of"
expect_grep "older diagnostic named" "$TMP/err" "the plan takes one case per site, the most recent, so not this one (case CF-2016-003, 2016-04-13)"
expect_status 0 "plan, one file twice" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json "$EX" "$MAIL"
cp "$TMP/out" same-twice.json
if python3 - twice.json same-twice.json plan1.json <<'PY'
import json, sys
later, twice, once = (json.load(open(p)) for p in sys.argv[1:])
def entries(doc, site):
    return [e for e in doc["missions"] + doc["unplanned"] if e["site_id"] == site]
assert [e["case_id"] for e in entries(later, "VLH-MAIL")] == ["CF-2016-003-B"], entries(later, "VLH-MAIL")
assert len(entries(twice, "VLH-MAIL")) == 1
# The same file given twice plans exactly as given once.
assert twice["missions"] == once["missions"] and twice["unplanned"] == once["unplanned"]
PY
then pass; else fail "a site planned more than once"; fi

# bundle --plan takes the entry of the bag's site, even when another site's
# case has the same case id (firms choose case ids, and they collide).
mkdir collide
sed -e 's/<site id="VLH-MAIL"/<site id="ZZ-OTHER"/' "$MAIL" >collide/other.xml
"$APPUI" plan --campaign "$CAMPAIGN" --format json "$EX" collide/other.xml >collide.json 2>/dev/null
for c in mail other; do
	f=$MAIL
	[ $c = other ] && f=collide/other.xml
	expect_status 0 "bundle --plan, colliding case id ($c)" -- "$APPUI" bundle -o "collide/$c.tar.gz" --plan collide.json "$f"
	expect_status 0 "extract ($c)" -- "$APPUI" extract "collide/$c.tar.gz" -C "collide/x-$c"
done
if python3 - collide <<'PY'
import glob, json, sys
for c, site in (("mail", "VLH-MAIL"), ("other", "ZZ-OTHER")):
    (path,) = glob.glob(sys.argv[1] + "/x-" + c + "/*/data/plan/mission.json")
    doc = json.load(open(path))
    entry = doc.get("mission") or doc.get("unplanned")
    assert entry["site_id"] == site, (c, entry["site_id"])
PY
then pass; else fail "bundle --plan took another site's mission"; fi


# CSV cells from case files that a spreadsheet would run as a formula are
# written after a single quote, in double quotes (OWASP); numbers as they are.
mkdir formula
sed -e 's/name="Résidence du Mail"/name="=HYPERLINK(\&quot;http:\/\/x\&quot;)"/' \
	-e 's/commune="Blois"/commune="@SUM(A1)"/' "$MAIL" >formula/f.xml
expect_status 0 "plan csv, formula names" -- "$APPUI" plan --campaign "$CAMPAIGN" --format csv formula/f.xml
expect_grep "formula neutralised" "$TMP/out" ",\"'=HYPERLINK(\"\"http://x\"\")\","
expect_no_grep "no raw formula" "$TMP/out" ",=HYPERLINK"

# ---- what-if ---------------------------------------------------------------------
# --budget-days, --budget-euros and --firm-capacity replace the campaign's for
# one run (the file is not touched), and every output but the CSV says so.
cp "$CAMPAIGN" whatif.cfg
expect_status 0 "what-if json" -- "$APPUI" plan --campaign whatif.cfg --format json --budget-days 60 "$EX"
cp "$TMP/out" days60.json
if cmp -s "$CAMPAIGN" whatif.cfg; then pass; else fail "what-if changed the campaign file"; fi
if python3 - days60.json plan1.json <<'PY'
import json, sys
what, base = (json.load(open(p)) for p in sys.argv[1:])
assert what["campaign"]["budget"]["days"] == 60
assert what["campaign"]["overrides"] == [{"setting": "budget.days", "value": 60, "file": 150}], what["campaign"]
assert "overrides" not in base["campaign"]
assert what["result"]["days"] <= 60
assert len(what["missions"]) < len(base["missions"]), (len(what["missions"]), len(base["missions"]))
assert {u["reason"] for u in what["unplanned"]} >= {"budget exhausted"}
PY
then pass; else fail "what-if --budget-days 60"; fi
expect_status 0 "what-if table" -- "$APPUI" plan --campaign "$CAMPAIGN" --budget-days 60 --budget-euros 90000.5 --firm-capacity FIRM-TRAJECTOIRES=0 --firm-capacity FIRM-ARGOS=40 "$EX"
expect_grep "what-if table" "$TMP/out" "What-if (not the campaign file): budget.days 60 (file: 150); budget.euros 90000.50 (file: 185000.00); capacity of FIRM-ARGOS 40 (file: 36); capacity of FIRM-TRAJECTOIRES 0 (file: 24)"
expect_grep "what-if table" "$TMP/out" "Days:          60 / 60 budgeted"
if [ "$(sed -n 2p "$TMP/out" | cut -c1-7)" = "What-if" ]; then pass; else fail "what-if line not under the title"; fi
expect_status 0 "what-if csv" -- "$APPUI" plan --campaign "$CAMPAIGN" --format csv --firm-capacity FIRM-ARGOS=40 "$EX"
expect_no_grep "what-if csv" "$TMP/out" "What-if"
if [ "$(head -1 "$TMP/out")" = "$(head -1 plan.csv)" ]; then pass; else fail "what-if csv header"; fi
# A capacity raised plans more: ARGOS, fully booked, gets more days.
expect_status 0 "what-if capacity" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json --firm-capacity FIRM-ARGOS=48 "$EX"
if python3 - "$TMP/out" plan1.json <<'PY'
import json, sys
what, base = (json.load(open(p)) for p in sys.argv[1:])
argos = lambda d: [f for f in d["firms"] if f["id"] == "FIRM-ARGOS"][0]
assert argos(what)["capacity"] == 48 and argos(base)["capacity"] == 36
assert what["result"]["priority_sum"] > base["result"]["priority_sum"]
PY
then pass; else fail "what-if --firm-capacity"; fi
# Bad values: exit 2, the option (and the firm) named, nothing planned.
what_if_bad() { # name expected-text args...
	wi_name=$1
	wi_text=$2
	shift 2
	expect_status 2 "what-if: $wi_name" -- "$APPUI" plan --campaign "$CAMPAIGN" "$@" "$EX"
	expect_grep "what-if: $wi_name" "$TMP/err" "$wi_text"
	expect_no_grep "what-if: $wi_name plans nothing" "$TMP/out" "MISSION"
}
what_if_bad "days 0" "appui plan: --budget-days: 0 days is out of range: a budget in days is a whole number from 1 to 1000000" --budget-days 0
what_if_bad "days too many" "appui plan: --budget-days: 1000001 days is out of range" --budget-days 1000001
what_if_bad "days decimal" "appui: --budget-days wants a whole number of days, not '60.5'" --budget-days 60.5
what_if_bad "days hex" "appui: --budget-days wants a whole number of days, not '0x3c'" --budget-days 0x3c
what_if_bad "euros 0" "appui plan: --budget-euros: 0 euros is out of range: a budget in euros is more than 0 and at most 1e+12" --budget-euros 0
what_if_bad "euros inf" "appui: --budget-euros wants euros" --budget-euros inf
what_if_bad "euros comma" "not '1500,50'" --budget-euros 1500,50
what_if_bad "unknown firm" "appui plan: --firm-capacity: no firm 'FIRM-NOPE' in the campaign (its firms: FIRM-ARGOS," --firm-capacity FIRM-NOPE=10
what_if_bad "capacity below a mission" "appui plan: --firm-capacity: firm 'FIRM-ARGOS': capacity 2 cannot hold a 3-day mission" --firm-capacity FIRM-ARGOS=2
what_if_bad "capacity twice" "firm 'FIRM-ARGOS' is given twice" --firm-capacity FIRM-ARGOS=10 --firm-capacity FIRM-ARGOS=12
what_if_bad "capacity form" "appui: --firm-capacity wants FIRM=DAYS" --firm-capacity FIRM-ARGOS
expect_status 2 "what-if: no value" -- "$APPUI" plan --campaign "$CAMPAIGN" "$EX" --budget-days
expect_grep "what-if: no value" "$TMP/err" "appui: option --budget-days: missing its value"

# ---- against a previous plan ------------------------------------------------------
# --against PLAN.json: what changed from that plan. With 60 budget days
# instead of 150, the sites out are exactly those of the default plan that
# the what-if does not plan, and the sites in the reverse.
expect_status 0 "against json" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json --budget-days 60 --against plan1.json "$EX"
cp "$TMP/out" against.json
if python3 - against.json plan1.json <<'PY'
import json, sys
now, base = (json.load(open(p)) for p in sys.argv[1:])
ch = now["changes"]
assert ch["against"] == "plan1.json"
key = lambda m: (m["site_id"], m["organisation_id"])
was = {key(m): m for m in base["missions"]}
is_ = {key(m): m for m in now["missions"]}
out = [(c["site"], c["organisation"]) for c in ch["out"]]
into = [(c["site"], c["organisation"]) for c in ch["in"]]
assert out == sorted(set(was) - set(is_)), out
assert into == sorted(set(is_) - set(was)), into
assert len(out) > 0
unplanned = {key(u): u["reason"] for u in now["unplanned"]}
for c in ch["out"]:
    m = was[(c["site"], c["organisation"])]
    assert c["firm"] == m["firm"] and c["dates"] == m["dates"]
    assert c["reason"] == unplanned[(c["site"], c["organisation"])]
both = sorted(set(was) & set(is_))
firm = [(c["site"], c["organisation"], c["from"], c["to"]) for c in ch["firm"]]
assert firm == [k + (was[k]["firm"], is_[k]["firm"]) for k in both if was[k]["firm"] != is_[k]["firm"]]
dates = [(c["site"], c["organisation"]) for c in ch["dates"]]
assert dates == [k for k in both if was[k]["dates"] != is_[k]["dates"]]
PY
then pass; else fail "against: changes from the default plan"; fi
expect_status 0 "against table" -- "$APPUI" plan --campaign "$CAMPAIGN" --budget-days 60 --against plan1.json "$EX"
expect_grep "against table" "$TMP/out" "Changes from plan1.json ("
expect_grep "against table" "$TMP/out" "  out     "
n_out=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["changes"]["out"]))' against.json)
if [ "$(grep -c '^  out     ' "$TMP/out")" = "$n_out" ]; then pass; else fail "against table: $n_out sites out expected"; fi
expect_status 0 "against itself" -- "$APPUI" plan --campaign "$CAMPAIGN" --against plan1.json "$EX"
expect_grep "against itself" "$TMP/out" "No change from plan1.json: the same sites, firms and days."
# The CSV is one row per mission, with or without a plan to compare with.
expect_status 0 "against csv" -- "$APPUI" plan --campaign "$CAMPAIGN" --format csv --against against.json "$EX"
if cmp -s "$TMP/out" plan.csv; then pass; else fail "against csv differs"; fi
# A previous plan is hostile input: exit 1 and FILE: message, nothing planned.
against_bad() { # name expected-text file
	expect_status 1 "against: $1" -- "$APPUI" plan --campaign "$CAMPAIGN" --against "$3" "$EX"
	expect_grep "against: $1" "$TMP/err" "$2"
	expect_grep "against: $1" "$TMP/err" "nothing planned"
	expect_no_grep "against: $1 plans nothing" "$TMP/out" "MISSION"
}
head -c 300 plan1.json >truncated.json
against_bad "truncated" "truncated.json:1: not valid JSON" truncated.json
echo '{"result":{}}' >not-a-plan.json
against_bad "not a plan" "not-a-plan.json:0: not a plan (no \"missions\" array)" not-a-plan.json
echo '{"missions":[{"site_id":"X","firm":"F","dates":["2019-13-01"]}]}' >bad-date.json
against_bad "bad date" "bad-date.json:0: missions[0].dates[0]: not a date (YYYY-MM-DD)" bad-date.json
mkfifo fifo.json
against_bad "fifo" "fifo.json:0: cannot read the plan: not a regular file" fifo.json
against_bad "folder" "cal:0: cannot read the plan: not a regular file" cal
truncate -s 65M huge.json
against_bad "too large" "huge.json:0: cannot read the plan: over the size limit (64 MiB)" huge.json
rm -f huge.json
against_bad "missing" "missing.json:0: cannot read the plan: No such file or directory" missing.json
# The plan compared with is an input: -o onto it is refused.
cp plan1.json again.json
expect_status 2 "against onto itself" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json --against again.json -o again.json "$EX"
expect_grep "against onto itself" "$TMP/err" "the output again.json is the input again.json"
if cmp -s plan1.json again.json; then pass; else fail "against: the input was overwritten"; fi

# ---- idle capacity ----------------------------------------------------------------
# Every firm with days left is listed with why no more site went to it: each
# site that needs a mission and is not planned, and each planned with
# another firm, counted once under its first reason.
expect_status 0 "idle table" -- "$APPUI" plan --campaign "$CAMPAIGN" "$EX"
expect_grep "idle table" "$TMP/out" "Idle capacity (days left, and why no more site went to the firm)"
expect_grep "idle table" "$TMP/out" "  FIRM-TRAJECTOIRES: 24 of 24 days left"
idle_check() { # plan.json
	python3 - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
left = {f["id"]: f["capacity"] - f["days_booked"] for f in doc["firms"]}
idle = doc["idle"]
assert [e["firm"] for e in idle] == [f for f in left if left[f] > 0], idle
need = [u for u in doc["unplanned"] if u["reason"] != "below threshold"]
names = ["theme not covered", "region not served", "no room in the window",
         "too few days left", "over budget", "another firm preferred", "not chosen"]
for e in idle:
    assert e["days_left"] == left[e["firm"]] == e["capacity"] - e["days_booked"]
    for part in ("unplanned", "elsewhere"):
        reasons = [r["reason"] for r in e[part]]
        assert reasons == sorted(reasons, key=names.index), reasons
        assert all(r["sites"] > 0 for r in e[part])
    assert sum(r["sites"] for r in e["unplanned"]) == len(need)
    others = [m for m in doc["missions"] if m["firm"] != e["firm"]]
    assert sum(r["sites"] for r in e["elsewhere"]) == len(others)
print(sorted({r["reason"] for e in idle for p in ("unplanned", "elsewhere") for r in e[p]}))
PY
}
if idle_check plan1.json >reasons.txt; then pass; else fail "idle capacity on the default plan"; fi
expect_grep "idle reasons, default plan" reasons.txt "theme not covered"
if idle_check days60.json >reasons.txt; then pass; else fail "idle capacity with 60 budget days"; fi
expect_grep "idle reasons, 60 budget days" reasons.txt "over budget"
expect_status 0 "idle csv" -- "$APPUI" plan --campaign "$CAMPAIGN" --format csv "$EX"
expect_no_grep "idle csv" "$TMP/out" "Idle"

# ---- kept missions: --keep SITE -----------------------------------------------
# A mission of the previous plan kept as it is (firm and dates) while the
# rest is planned again with 60 budget days; it counts against the budget.
keep=$(python3 -c "import json; print(json.load(open('plan1.json'))['missions'][-1]['site_id'])")
expect_status 0 "keep" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json --budget-days 60 --against plan1.json --keep "$keep" "$EX"
if python3 - "$TMP/out" plan1.json "$keep" <<'PY'
import json, sys
now, before, site = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
m = [x for x in now["missions"] if x["site_id"] == site]
b = [x for x in before["missions"] if x["site_id"] == site][0]
assert len(m) == 1 and m[0]["fixed"], m
assert m[0]["firm"] == b["firm"] and m[0]["dates"] == b["dates"], (m, b)
assert sum(x["days"] for x in now["missions"]) <= 60
assert all(not x["fixed"] for x in now["missions"] if x["site_id"] != site)
PY
then pass; else fail "keep: the kept mission is as it was, fixed"; fi
expect_status 2 "keep without against" -- "$APPUI" plan --campaign "$CAMPAIGN" --keep "$keep" "$EX"
expect_grep "keep without against" "$TMP/err" "--keep needs --against PLAN.json"
expect_status 2 "keep of no mission" -- "$APPUI" plan --campaign "$CAMPAIGN" --against plan1.json --keep NO-SUCH-SITE "$EX"
expect_grep "keep of no mission" "$TMP/err" "--keep NO-SUCH-SITE: plan1.json has no mission of that site"
# Kept missions over the budget: an error naming them, exit 1.
expect_status 1 "keep over the budget" -- "$APPUI" plan --campaign "$CAMPAIGN" --budget-days 3 --against plan1.json --keep "$keep" "$EX"
expect_grep "keep over the budget" "$TMP/err" "the fixed missions take more than the budget"

# ---- fewest changes: --fewest-changes ---------------------------------------
# Of the plans with the best priority sum, the one that changes least from
# the earlier plan: never more changes than without the option, the same
# priority sum, for several budgets.
for days in 100 120 140; do
	"$APPUI" plan --campaign "$CAMPAIGN" --format json --budget-days $days --against plan1.json "$EX" >free.json 2>/dev/null
	expect_status 0 "fewest changes $days" -- "$APPUI" plan --campaign "$CAMPAIGN" --format json --budget-days $days --against plan1.json --fewest-changes "$EX"
	if python3 - free.json "$TMP/out" <<'PY'
import json, sys
free, least = (json.load(open(p)) for p in sys.argv[1:])
count = lambda d: sum(len(d["changes"][k]) for k in ("in", "out", "firm"))
assert least["result"]["priority_sum"] == free["result"]["priority_sum"]
assert least["result"]["optimal"]
assert count(least) <= count(free), (count(least), count(free))
PY
	then pass; else fail "fewest changes $days: more changes, or another sum"; fi
done
expect_status 2 "fewest changes without against" -- "$APPUI" plan --campaign "$CAMPAIGN" --fewest-changes "$EX"
expect_grep "fewest changes without against" "$TMP/err" "--fewest-changes needs --against PLAN.json"

# ---- partial themes: policy.partial_themes ----------------------------------
# GDH-MAIL needs quality, urban and security in Bourgogne-Franche-Comté,
# which no firm covers: with the policy, a mission on the part one firm
# covers, with that part's days and priority, saying so.
sed 's/partial_themes = false;/partial_themes = true; /' "$CAMPAIGN" >partial.cfg
expect_status 0 "partial themes" -- "$APPUI" plan --campaign partial.cfg --format json "$EX"
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = [x for x in d["missions"] if x["site_id"] == "GDH-MAIL"]
assert len(m) == 1 and m[0]["partial"], m
assert m[0]["themes"] == ["quality", "urban"] and m[0]["themes_left"] == ["security"], m
assert m[0]["priority"] < 81.92 and "partial" in m[0]["why"], m
assert all(not x["partial"] for x in d["missions"] if x["site_id"] != "GDH-MAIL")
assert d["result"]["optimal"] and d["result"]["ties_settled"]
PY
then pass; else fail "partial themes: GDH-MAIL on the themes one firm covers"; fi
expect_status 0 "no partial themes by default" -- "$APPUI" plan --campaign "$CAMPAIGN" "$EX"
expect_grep "no partial themes by default" "$TMP/out" "no firm covers quality+urban+security in Bourgogne-Franche-Comté"

summary
