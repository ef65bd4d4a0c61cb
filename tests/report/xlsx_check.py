#!/usr/bin/python3
"""Reads a workbook back with openpyxl and checks it against the JSON.

usage: xlsx_check.py SCORES.json PLAN.json|- REPORT.xlsx [TITLE] [HOSTILE]

SCORES.json is the whole `appui score --format json` document, PLAN.json
the `appui plan --format json` one ("-": a workbook without a plan). Checks
the sheets, their headers (bold, frozen), the filter over each table, the
column widths, one row per case / theme / indicator / mission / site not
planned / firm, each cell's type (numbers, dates, text, booleans) and value,
that no cell is a formula, and, with HOSTILE, that the cells holding that
text are strings. Prints "N passed, N failed"; exit 1 on any failure.
"""
import datetime
import json
import re
import sys
import zipfile

import openpyxl

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return ok


def shifty(cp):
    return (0x80 <= cp <= 0x9F or cp in (0x061C, 0x200E, 0x200F, 0x2028,
                                         0x2029) or 0x202A <= cp <= 0x202E
            or 0x2066 <= cp <= 0x2069)


def inert(s):
    """The text a cell shows for `s` (as ap_buf_inert with lines kept)."""
    out = []
    for ch in s:
        cp = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif cp < 0x20 or cp == 0x7F:
            out.append("\\x%02x" % cp)
        elif shifty(cp):
            out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    return "".join(out)


def excel_text(v):
    """A string cell as Excel shows it: "_xHHHH_" decoded (openpyxl keeps
    the escapes)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)),
                  v)


def iso(d):
    return datetime.datetime.strptime(d, "%Y-%m-%d")


def same(cell, want, where):
    """The cell holds `want` with its type: None is an empty cell, str a
    string, bool a boolean, a number a number, a datetime a date."""
    v = cell.value
    if want is None or want == "" or want == []:
        return check(v is None, "%s: %r, expected an empty cell" % (where, v))
    if isinstance(want, list):
        want = ", ".join(want)
    if isinstance(want, str):
        return check(cell.data_type == "s" and isinstance(v, str)
                     and excel_text(v) == inert(want),
                     "%s: %r (%s), expected the text %r" %
                     (where, v, cell.data_type, want))
    if isinstance(want, bool):
        return check(cell.data_type == "b" and v is want,
                     "%s: %r, expected %r" % (where, v, want))
    if isinstance(want, datetime.datetime):
        return check(isinstance(v, datetime.datetime) and v == want
                     and cell.is_date, "%s: %r, expected the date %s" %
                     (where, v, want.date()))
    return check(cell.data_type == "n" and not isinstance(v, bool)
                 and isinstance(v, (int, float)) and abs(v - want) < 1e-9,
                 "%s: %r (%s), expected the number %r" %
                 (where, v, cell.data_type, want))


def col_letter(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def table(ws, headers, nrows):
    """The sheet's header, frozen pane, filter, widths and row count."""
    got = [c.value for c in ws[1]]
    check(got == headers, "%s: headers %r, expected %r" %
          (ws.title, got, headers))
    check(all(c.font.b for c in ws[1]), "%s: header not bold" % ws.title)
    check(ws.freeze_panes == "A2", "%s: frozen at %r, expected A2" %
          (ws.title, ws.freeze_panes))
    ref = "A1:%s%d" % (col_letter(len(headers)), nrows + 1)
    check(ws.auto_filter.ref == ref, "%s: filter %r, expected %r" %
          (ws.title, ws.auto_filter.ref, ref))
    for i in range(1, len(headers) + 1):
        dim = ws.column_dimensions.get(col_letter(i))
        check(dim is not None and 6 <= (dim.width or 0) <= 62,
              "%s: column %s has no sensible width" % (ws.title, i))
    check(ws.max_row == nrows + 1, "%s: %d rows, expected %d" %
          (ws.title, ws.max_row - 1, nrows))
    return list(ws.iter_rows(min_row=2, max_row=nrows + 1))


def rank(cases):
    """The score table's order: missions by decreasing priority, then the
    others by decreasing top need; ties by site id, then case id."""
    def key(i_c):
        i, c = i_c
        m = c.get("mission")
        if m:
            k = m["priority"]
        else:
            k = max((t["need"] for t in c["themes"]), default=-1)
        return (0 if m else 1, -k, c["site_id"], c["case_id"], i)
    return [c for _, c in sorted(enumerate(cases), key=key)]


SITE_HEAD = ["Rank", "Site", "Site name", "Commune", "Organisation",
             "Organisation name", "Region", "Case", "Diagnostic firm",
             "Complexity"]
SITE_TAIL = ["Top need", "Mission days", "Priority", "Mission themes",
             "Window start", "Window end", "File"]


def check_sites(ws, ranked, themes):
    rows = table(ws, SITE_HEAD + ["Need " + t for t in themes] + SITE_TAIL,
                 len(ranked))
    keys = ["site_id", "site_name", "commune", "organisation_id",
            "organisation_name", "region", "case_id", "firm", "complexity"]
    for i, (row, c) in enumerate(zip(rows, ranked)):
        where = "Sites row %d (%s)" % (i + 2, c["case_id"])
        want = [i + 1] + [c.get(k) for k in keys]
        needs = {t["theme"]: t["need"] for t in c["themes"]}
        want += [needs.get(t) for t in themes]
        m = c.get("mission") or {}
        w = c.get("request_window") or {}
        want += [max(needs.values()) if needs else None, m.get("days"),
                 m.get("priority"), m.get("themes"),
                 iso(w["start"]) if w else None,
                 iso(w["end"]) if w else None, c.get("file")]
        for j, (cell, v) in enumerate(zip(row, want)):
            same(cell, v, "%s col %d" % (where, j + 1))


THEME_HEAD = ["Rank", "Site", "Case", "Theme", "Need", "Need low",
              "Need high", "Band", "Days", "Confidence", "Missing", "Plugin",
              "Plugin version", "Rules"]


def check_themes(ws, ranked):
    want_rows = []
    for i, c in enumerate(ranked):
        for t in c["themes"]:
            want_rows.append([i + 1, c["site_id"], c["case_id"]] +
                             [t[k] for k in ("theme", "need", "need_low",
                                             "need_high", "band", "days",
                                             "confidence")] +
                             [len(t["missing"]), t["plugin"],
                              t["plugin_version"], "; ".join(t["rules"])])
    rows = table(ws, THEME_HEAD, len(want_rows))
    for r, (row, want) in enumerate(zip(rows, want_rows)):
        for j, (cell, v) in enumerate(zip(row, want)):
            same(cell, v, "Themes row %d col %d" % (r + 2, j + 1))


IND_HEAD = ["Rank", "Site", "Case", "Theme", "Indicator", "Value", "Level",
            "Weight", "Contribution", "Missing", "Derived", "Line"]


def check_indicators(ws, ranked):
    want_rows = []
    for i, c in enumerate(ranked):
        for t in c["themes"]:
            head = [i + 1, c["site_id"], c["case_id"], t["theme"]]
            for v in t["indicators"]:
                want_rows.append(head + [v[k] for k in (
                    "ref", "value", "level", "weight", "contribution")] +
                    [False, v.get("derived", False), v.get("line")])
            for ref in t["missing"]:
                want_rows.append(head + [ref, None, None, None, None, True,
                                         None, None])
    rows = table(ws, IND_HEAD, len(want_rows))
    for r, (row, want) in enumerate(zip(rows, want_rows)):
        for j, (cell, v) in enumerate(zip(row, want)):
            same(cell, v, "Indicators row %d col %d" % (r + 2, j + 1))


PLAN_HEAD = ["Mission", "Site", "Site name", "Organisation",
             "Organisation name", "Region", "Case", "Themes", "Firm",
             "Firm name", "Days", "Recommended days", "First day",
             "Last day", "Daily rate", "Cost", "Priority", "Partial",
             "Fixed", "Why"]


def check_plan(ws, plan):
    missions = plan["missions"]
    rows = table(ws, PLAN_HEAD, len(missions))
    keys = ["mission", "site_id", "site_name", "organisation_id",
            "organisation_name", "region", "case_id", "themes", "firm",
            "firm_name", "days", "recommended_days"]
    for r, (row, m) in enumerate(zip(rows, missions)):
        dates = sorted(m["dates"])
        want = [m.get(k) for k in keys]
        want += [iso(dates[0]) if dates else None,
                 iso(dates[-1]) if dates else None]
        want += [m.get(k) for k in ("daily_rate", "cost", "priority",
                                    "partial", "fixed", "why")]
        for j, (cell, v) in enumerate(zip(row, want)):
            same(cell, v, "Plan row %d (%s) col %d" % (r + 2, m["mission"],
                                                       j + 1))


UNPLANNED_HEAD = ["Site", "Site name", "Organisation", "Region", "Case",
                  "Reason", "Detail", "Would take", "Priority", "Days"]


def check_unplanned(ws, plan):
    rows = table(ws, UNPLANNED_HEAD, len(plan["unplanned"]))
    keys = ["site_id", "site_name", "organisation_id", "region", "case_id",
            "reason", "detail", "would_take", "priority", "days"]
    for r, (row, u) in enumerate(zip(rows, plan["unplanned"])):
        for j, (cell, k) in enumerate(zip(row, keys)):
            same(cell, u.get(k), "Unplanned row %d col %s" % (r + 2, k))


FIRM_HEAD = ["Firm", "Name", "Daily rate", "Days booked", "Capacity",
             "Booked share", "Euros", "Days off"]


def check_firms(ws, plan):
    rows = table(ws, FIRM_HEAD, len(plan["firms"]))
    for r, (row, f) in enumerate(zip(rows, plan["firms"])):
        share = (f["days_booked"] / f["capacity"]
                 if f.get("capacity") else None)
        off = "; ".join("%s to %s" % (p["start"], p["end"])
                        for p in f.get("days_off", []))
        want = [f["id"], f["name"], f["daily_rate"], f["days_booked"],
                f["capacity"], share, f["euros"], off]
        for j, (cell, v) in enumerate(zip(row, want)):
            same(cell, v, "Firms row %d col %d" % (r + 2, j + 1))


def check_no_formula(path, wb, hostile):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode("utf-8")
                check("<f>" not in xml and "<f " not in xml,
                      "%s holds a formula" % name)
    seen = 0
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                check(cell.data_type != "f", "%s!%s is a formula" %
                      (ws.title, cell.coordinate))
                if hostile and cell.value == hostile:
                    seen += 1
                    check(cell.data_type == "s", "%s!%s: %r is not text" %
                          (ws.title, cell.coordinate, hostile))
    if hostile:
        check(seen >= 2, "the text %r in %d cells, expected it on Sites "
              "and on Plan or Unplanned" % (hostile, seen))


def main():
    scores_file, plan_file, path = sys.argv[1:4]
    title = sys.argv[4] if len(sys.argv) > 4 else "Dispositif d'appui solidaire"
    hostile = sys.argv[5] if len(sys.argv) > 5 else None
    with open(scores_file, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    plan = None
    if plan_file != "-":
        with open(plan_file, encoding="utf-8") as f:
            plan = json.load(f)
    wb = openpyxl.load_workbook(path)
    sheets = ["Sites", "Themes", "Indicators"]
    if plan is not None:
        sheets += ["Plan", "Unplanned", "Firms"]
    if not check(wb.sheetnames == sheets, "sheets %r, expected %r" %
                 (wb.sheetnames, sheets)):
        return
    check(wb.properties.title == title, "title %r, expected %r" %
          (wb.properties.title, title))
    themes = []
    for c in cases:
        for t in c["themes"]:
            if t["theme"] not in themes:
                themes.append(t["theme"])
    ranked = rank(cases)
    check_sites(wb["Sites"], ranked, themes)
    check_themes(wb["Themes"], ranked)
    check_indicators(wb["Indicators"], ranked)
    if plan is not None:
        check_plan(wb["Plan"], plan)
        check_unplanned(wb["Unplanned"], plan)
        check_firms(wb["Firms"], plan)
    check_no_formula(path, wb, hostile)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash of the checker is a failure too
        check(False, "checker stopped: %s: %s" % (type(e).__name__, e))
    print("xlsx_check: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
