#!/usr/bin/env python3
"""Checks casefiles/followup against the outcome table of its README.md.

usage: check_examples.py APPUI REPO-ROOT

Scores casefiles/examples and casefiles/followup with `APPUI score --format
json`, plans the example campaign with `APPUI plan --format json`, reads
casefiles/followup/missions.txt and the table of casefiles/followup/README.md,
and checks that what the table says is what appui measures: each theme's need
before and after (and its interval when data is missing), its band before and
after, and its outcome by the rule of the README (a change of more than 5
points whose intervals do not overlap). It also checks the data the table
rests on: one later diagnostic per site, of the same site and organisation,
dated after the site's mission; missions.txt gives one line per mission of
the plan. Ends with "N passed, N failed"; exits 1 when a check failed.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {"c": "urn:appui:casefile:1"}
THRESHOLD = 5.0  # points of need
EARLIEST, LATEST = "2019-06-01", "2021-12-31"
THEMES = ("quality", "urban", "security")
SITE_OUTCOMES = (
    "improved",
    "no clear change",
    "worse",
    "no clear change (missing data)",
    "no mission (comparison)",
)

BANDS = ("good", "watch", "degraded", "critical")

passed = 0
failed = 0
better_band = {}  # improved site: whether a mission theme improved to a better band


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)
    return ok


def run_json(args):
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit("%s: exit %d\n%s" % (" ".join(args), out.returncode, out.stderr))
    return json.loads(out.stdout)


def is_date(text):
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d\d-\d\d", text) is not None


def diag_date(path):
    root = ET.parse(path).getroot()
    return root.find("c:diagnostic", NS).get("date")


def site_part(path):
    """The organisation and site elements, as bytes to compare."""
    root = ET.parse(path).getroot()
    parts = []
    for tag in ("organisation", "site"):
        el = root.find("c:" + tag, NS)
        el.tail = None
        parts.append(ET.tostring(el))
    return b"".join(parts)


def read_missions(path):
    """missions.txt: {site: ("held", first, last) or ("cancelled",)}."""
    missions = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            where = "missions.txt:%d" % n
            if words[1:2] == ["held"] and len(words) == 4:
                ok = is_date(words[2]) and is_date(words[3])
                ok = check(ok, where + ": dates are not YYYY-MM-DD: " + line)
                if ok:
                    check(words[2] <= words[3], where + ": FIRST after LAST")
                entry = ("held", words[2], words[3])
            elif words[1:] == ["cancelled"]:
                entry = ("cancelled",)
            else:
                check(False, where + ": not 'SITE held FIRST LAST' nor 'SITE cancelled'")
                continue
            check(words[0] not in missions, where + ": %s given twice" % words[0])
            missions[words[0]] = entry
    return missions


CELL = re.compile(
    r"(\d+\.\d\d)(?: \((\d+\.\d\d)\.\.(\d+\.\d\d)\))? → "
    r"(\d+\.\d\d)(?: \((\d+\.\d\d)\.\.(\d+\.\d\d)\))?, "
    r"(good|watch|degraded|critical) → (good|watch|degraded|critical): "
    r"(improved|no clear change|worse)"
)


def read_table(path):
    """The README's outcome table: {site: row}, each row a dict."""
    rows = {}
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("|"):
                header = None
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] == "site":
                header = cells
                continue
            if header is None or set(cells[0]) <= set("-: "):
                continue
            row = dict(zip(header, cells))
            site = row["site"].strip("`")
            check(site not in rows, "README: %s has two rows" % site)
            rows[site] = row
    return rows


def parse_cell(text):
    """A theme cell: None for "—", else the figures it gives."""
    if text == "—":
        return None
    m = CELL.fullmatch(text)
    if not check(m is not None, "README: cannot read the cell '%s'" % text):
        return None
    g = m.groups()
    num = lambda s: None if s is None else float(s)
    return {
        "before": (num(g[0]), num(g[1]), num(g[2])),
        "after": (num(g[3]), num(g[4]), num(g[5])),
        "bands": (g[6], g[7]),
        "outcome": g[8],
    }


def outcome(before, after):
    """The README's rule, on two scored themes."""
    delta = after["need"] - before["need"]
    overlap = (
        after["need_low"] <= before["need_high"]
        and before["need_low"] <= after["need_high"]
    )
    if abs(delta) <= THRESHOLD or overlap:
        return "no clear change"
    return "improved" if delta < 0 else "worse"


def near(a, b):
    return abs(a - b) < 0.0051


def check_figures(where, shown, theme):
    """The need (interval) of the README against the measured theme."""
    need, low, high = shown
    check(near(need, theme["need"]), "%s: need %.2f, measured %.2f" % (where, need, theme["need"]))
    point = theme["need_low"] == theme["need_high"]
    if low is None:
        check(point, "%s: the interval %.2f..%.2f is not shown" % (where, theme["need_low"], theme["need_high"]))
    else:
        ok = near(low, theme["need_low"]) and near(high, theme["need_high"])
        check(ok and not point, "%s: interval %.2f..%.2f, measured %.2f..%.2f" % (where, low, high, theme["need_low"], theme["need_high"]))


def check_theme(site, name, cell, before, after):
    """One theme of one site: the README's cell against both scores.
    Returns the theme's outcome by the rule, or None."""
    where = "%s %s" % (site, name)
    shown = parse_cell(cell)
    if before is None or after is None:
        check(shown is None and before is None and after is None, where + ": the theme is not scored in both diagnostics, yet not '—' in both")
        return None
    if shown is None:
        check(False, where + ": scored in both diagnostics but '—' in the README")
        return None
    check_figures(where + " before", shown["before"], before)
    check_figures(where + " after", shown["after"], after)
    bands = (before["band"], after["band"])
    check(shown["bands"] == bands, "%s: bands %s → %s, measured %s → %s" % ((where,) + shown["bands"] + bands))
    got = outcome(before, after)
    check(shown["outcome"] == got, "%s: '%s' in the README, the rule gives '%s'" % (where, shown["outcome"], got))
    return got


def check_site_outcome(site, said, themes, mission_themes, planned):
    """The row's site outcome against its themes' outcomes. themes:
    {theme: (outcome, before, after)}."""
    where = site + ": site outcome '%s'" % said
    got = {t: o for t, (o, _, _) in themes.items()}
    if said == "no mission (comparison)":
        check(not planned, where + " but the plan has a mission for it")
        return
    check(planned, where + " but the plan has no mission for it")
    if said == "improved":
        better = [t for t in mission_themes if got.get(t) == "improved"]
        check(better, where + ": no mission theme improved")
        rank = lambda t, i: BANDS.index(themes[t][i]["band"])
        better_band[site] = any(rank(t, 2) < rank(t, 1) for t in better)
        check("worse" not in got.values(), where + ": a theme is worse")
    elif said == "worse":
        check("worse" in got.values(), where + ": no theme is worse")
    elif said == "no clear change":
        within = all(abs(a["need"] - b["need"]) <= THRESHOLD for _, b, a in themes.values())
        check(within, where + ": a theme moved by more than %g points" % THRESHOLD)
    else:  # missing data
        check(set(got.values()) == {"no clear change"}, where + ": a theme changed clearly")
        masked = [
            t
            for t, (_, b, a) in themes.items()
            if b["need"] - a["need"] > THRESHOLD and a["missing"] and not b["missing"]
        ]
        check(masked, where + ": no theme whose need fell by more than %g points with indicators left out" % THRESHOLD)


def later_file_name(path, first_path, case_id, date):
    """cf-YYYY-NNN-slug.xml, id CF-YYYY-NNN, YYYY the diagnostic's year,
    slug the first case file's."""
    name = os.path.basename(path)
    slug = re.sub(r"^cf-\d{4}-\d{3}-", "", os.path.basename(first_path))
    m = re.fullmatch(r"cf-(\d{4})-(\d{3})-(.+)", name)
    return (
        m is not None
        and m.group(1) == date[:4]
        and m.group(3) == slug
        and case_id == "CF-%s-%s" % (m.group(1), m.group(2))
    )


def check_dates(site, row, first, later, mission, held):
    """Dates of the row against the files, the plan and missions.txt."""
    d1, d2 = diag_date(first["file"]), diag_date(later["file"])
    check(row["first diagnostic"] == "%s, %s" % (first["case_id"], d1), "%s: first diagnostic is %s, %s" % (site, first["case_id"], d1))
    check(row["later diagnostic"] == "%s, %s" % (later["case_id"], d2), "%s: later diagnostic is %s, %s" % (site, later["case_id"], d2))
    check(EARLIEST <= d2 <= LATEST, "%s: later diagnostic %s not in %s..%s" % (site, d2, EARLIEST, LATEST))
    if mission is not None:
        end = mission["dates"][-1]
        check(d2 > end, "%s: later diagnostic %s not after the planned mission's end %s" % (site, d2, end))
    if held is None:
        check(row["mission held"] == "none", "%s: no mission, yet '%s'" % (site, row["mission held"]))
    elif held[0] == "cancelled":
        check(False, "%s: its mission is cancelled in missions.txt (a later diagnostic is for held missions or none)" % site)
    else:
        check(row["mission held"] == "%s .. %s" % held[1:], "%s: missions.txt says held %s .. %s" % ((site,) + held[1:]))
        check(held[2] < d2, "%s: mission held until %s, not before the later diagnostic %s" % (site, held[2], d2))


def check_case(site, row, first, later, mission, held, firms):
    """One site: its files, its dates, its themes and its outcome."""
    check(later["firm"] in firms, "%s: firm %s is not a firm of the campaign" % (site, later["firm"]))
    check(site_part(first["file"]) == site_part(later["file"]), "%s: organisation or site differ from the first case file" % site)
    ok = later_file_name(later["file"], first["file"], later["case_id"], diag_date(later["file"]))
    check(ok, "%s: file name %s or case id %s does not follow cf-YYYY-NNN-<first file's name>" % (site, later["file"], later["case_id"]))
    check_dates(site, row, first, later, mission, held)
    t1 = {t["theme"]: t for t in first["themes"]}
    t2 = {t["theme"]: t for t in later["themes"]}
    themes = {}
    for name in THEMES:
        got = check_theme(site, name, row[name], t1.get(name), t2.get(name))
        if got is not None:
            themes[name] = (got, t1[name], t2[name])
    said = row["site outcome"]
    if check(said in SITE_OUTCOMES, "%s: unknown site outcome '%s'" % (site, said)):
        mission_themes = mission["themes"] if mission else []
        check_site_outcome(site, said, themes, mission_themes, mission is not None)
    return said


def check_missions(missions, plan):
    planned = [m["site_id"] for m in plan["missions"]]
    check(sorted(missions) == sorted(planned), "missions.txt: its sites are not the plan's %d missions" % len(planned))
    cancelled = [s for s, e in missions.items() if e[0] == "cancelled"]
    check(len(cancelled) == 2, "missions.txt: %d cancelled missions, expected 2" % len(cancelled))
    shifted = 0
    for m in plan["missions"]:
        e = missions.get(m["site_id"])
        if e and e[0] == "held":
            shifted += e[1:] != (m["dates"][0], m["dates"][-1])
    check(0 < shifted <= len(planned) // 4, "missions.txt: %d held missions shifted from the plan; expected a few" % shifted)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_examples.py APPUI REPO-ROOT")
    appui, root = sys.argv[1], sys.argv[2]
    examples = os.path.join(root, "casefiles", "examples")
    followup = os.path.join(root, "casefiles", "followup")
    first = run_json([appui, "score", "--format", "json", examples])
    later = run_json([appui, "score", "--format", "json", followup])
    campaign = os.path.join(root, "configs", "campaign.cfg")
    plan = run_json([appui, "plan", "--campaign", campaign, "--format", "json", examples])
    check(not later["errors"] and not later["warnings"], "casefiles/followup: errors or warnings: %s" % (later["errors"] + later["warnings"]))

    firsts = {c["site_id"]: c for c in first["cases"]}
    missions_of = {m["site_id"]: m for m in plan["missions"]}
    firms = {f["id"] for f in plan["firms"]}
    missions = read_missions(os.path.join(followup, "missions.txt"))
    check_missions(missions, plan)
    rows = read_table(os.path.join(followup, "README.md"))
    seen = {}
    for case in later["cases"]:
        site = case["site_id"]
        if not check(site not in seen, "%s: two later diagnostics" % site):
            continue
        if not check(site in firsts, "%s: no first case file in casefiles/examples" % site):
            continue
        if not check(site in rows, "%s: no row in the README's table" % site):
            continue
        seen[site] = check_case(site, rows[site], firsts[site], case, missions_of.get(site), missions.get(site), firms)
    check(set(rows) == set(seen), "README: rows without a later diagnostic: %s" % sorted(set(rows) - set(seen)))
    for said in SITE_OUTCOMES:
        check(said in seen.values(), "no site with the outcome '%s'" % said)
    most = sum(better_band.values()) * 2 > len(better_band)
    check(most, "improved sites: %d of %d with a better band on an improved mission theme, not most" % (sum(better_band.values()), len(better_band)))

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
