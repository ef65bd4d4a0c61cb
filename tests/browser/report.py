#!/usr/bin/env python3
"""The HTML report as a reader opens it: headless chromium on the file.

usage: report.py --chromium BIN --chromedriver BIN --report FILE.html
                 --scores SCORES.json --plan PLAN.json --artifacts DIR
                 --work DIR [--tampered FILE.html]
       report.py --chromium BIN --chromedriver BIN --report FILE.html
                 --followup FOLLOWUP.json --artifacts DIR --work DIR

Checks that the page makes no network request (every resource it loads is
the file itself or data:), breaks no Content-Security-Policy, shows one row
per site, one Gantt bar per mission and one page per site, that sorting
works, and keeps screenshots of each part and a PDF print (A4) in DIR. With
--tampered, a copy of the report with a remote image in it must be caught
by the same check (so that the check is shown able to fail). With
--followup (a report made with --plan, and `appui followup --format json`
of the same store), the follow-up instead: no network request or CSP
violation, one outcome row per theme, a chart over time for every site
followed with its held mission marked, a screenshot of each.
Prints "N passed, N failed"; exit 1 on any failure.
"""
import argparse
import base64
import json
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s%s" % (what, (": " + str(detail)) if detail else ""))


def browser(a):
    opts = webdriver.ChromeOptions()
    opts.binary_location = a.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--user-data-dir=" + tempfile.mkdtemp(prefix="chrome.",
                                                       dir=a.work),
                 "--window-size=1280,900", "--lang=fr-FR", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-extensions",
                 "--proxy-server=http://127.0.0.1:9"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs",
                        {"browser": "ALL", "performance": "ALL"})
    svc = Service(executable_path=a.chromedriver,
                  log_path=os.path.join(a.work, "chromedriver-report.log"))
    return webdriver.Chrome(service=svc, options=opts)


def requests_off_file(d, url):
    """The URLs the page asked for that are not the report itself."""
    out = []
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            u = m["params"]["request"]["url"]
            if u != url and not u.startswith("data:"):
                out.append(u)
    names = d.execute_script(
        "return performance.getEntries().map(function (e) {"
        " return e.name; });")
    out += [n for n in names if n != url and n.startswith(("http", "ws"))]
    return out


def console_problems(d):
    return [e.get("message", "") for e in d.get_log("browser")
            if e.get("level") in ("SEVERE", "WARNING")]


def open_page(d, path):
    url = "file://" + os.path.abspath(path)
    d.get("about:blank")
    d.get_log("performance")
    d.get_log("browser")
    d.get(url)
    return url


def followup_checks(d, a):
    fu = json.load(open(a.followup))
    url = open_page(d, a.report)
    check(not requests_off_file(d, url), "follow-up: no network request",
          requests_off_file(d, url))
    check(not console_problems(d), "follow-up: no CSP violation",
          console_problems(d))
    rows = d.find_elements(By.CSS_SELECTOR, "#outcome tr.outcome")
    check(len(rows) == len(fu["themes"]), "one outcome row per theme",
          "%d rows, %d themes" % (len(rows), len(fu["themes"])))
    for s in fu["sites"]:
        page = d.find_element(By.ID, "site-" + s["after"]["case_id"])
        charts = page.find_elements(By.CSS_SELECTOR, "svg.history")
        check(len(charts) == 1, "a chart over time for " + s["site_id"])
        held = page.find_elements(By.CSS_SELECTOR, "svg.history rect.heldm")
        check(len(held) >= 1 and charts[0].is_displayed(),
              "its held mission marked, " + s["site_id"])
    os.makedirs(a.artifacts, exist_ok=True)
    for css, name in (("#followup", "report-followup"),
                      ("svg.history", "report-history")):
        el = d.find_element(By.CSS_SELECTOR, css)
        d.execute_script("arguments[0].scrollIntoView();", el)
        check(el.screenshot(os.path.join(a.artifacts, name + ".png")),
              "a screenshot of " + css)


def main():
    p = argparse.ArgumentParser()
    for o in ("chromium", "chromedriver", "report", "artifacts", "work"):
        p.add_argument("--" + o, required=True)
    for o in ("scores", "plan", "tampered", "followup"):
        p.add_argument("--" + o)
    a = p.parse_args()
    if a.followup:
        d = browser(a)
        try:
            followup_checks(d, a)
        finally:
            d.quit()
        print("%d passed, %d failed" % (passed, failed))
        sys.exit(1 if failed else 0)
    scores = json.load(open(a.scores))
    plan = json.load(open(a.plan))
    d = browser(a)
    try:
        url = open_page(d, a.report)
        check(not requests_off_file(d, url), "no network request",
              requests_off_file(d, url))
        check(not console_problems(d), "no console error or CSP violation",
              console_problems(d))
        rows = d.find_elements(By.CSS_SELECTOR, "#sites tbody tr")
        check(len(rows) == len(scores["cases"]), "one row per site",
              "%d rows, %d cases" % (len(rows), len(scores["cases"])))
        bars = d.find_elements(By.CSS_SELECTOR, "svg.gantt g.mission")
        check(len(bars) == len(plan["missions"]), "one Gantt bar per mission",
              "%d bars, %d missions" % (len(bars), len(plan["missions"])))
        got = sorted(b.get_attribute("data-mission") for b in bars)
        check(got == sorted(m["mission"] for m in plan["missions"]),
              "each mission's bar")
        pages = d.find_elements(By.CSS_SELECTOR, "article.site")
        check(len(pages) == len(scores["cases"]), "a page per site")
        unplanned = d.find_elements(By.CSS_SELECTOR, "#unplanned tbody tr")
        check(len(unplanned) == len(plan["unplanned"]),
              "one row per site not planned")
        # Sorting: a click on "Priorité" orders the rows by it.
        head = d.find_elements(By.CSS_SELECTOR, "#sites th[data-sort]")[-1]
        head.click()
        vals = [float(r.find_elements(By.TAG_NAME, "td")[-1]
                      .get_attribute("data-v"))
                for r in d.find_elements(By.CSS_SELECTOR, "#sites tbody tr")]
        check(vals == sorted(vals), "sorted by priority on a click")
        head.click()
        vals = [float(r.find_elements(By.TAG_NAME, "td")[-1]
                      .get_attribute("data-v"))
                for r in d.find_elements(By.CSS_SELECTOR, "#sites tbody tr")]
        check(vals == sorted(vals, reverse=True), "and back on a second")
        os.makedirs(a.artifacts, exist_ok=True)
        for css, name in (("header", "report-header"),
                          ("#glance", "report-glance"),
                          ("#ranked", "report-ranked"),
                          ("#plan", "report-plan"),
                          ("article.site", "report-site")):
            el = d.find_element(By.CSS_SELECTOR, css)
            d.execute_script("arguments[0].scrollIntoView();", el)
            ok = el.screenshot(os.path.join(a.artifacts, name + ".png"))
            check(ok, "a screenshot of " + css)
        pdf = d.print_page()
        path = os.path.join(a.artifacts, "report.pdf")
        with open(path, "wb") as f:
            f.write(base64.b64decode(pdf))
        check(os.path.getsize(path) > 10000, "a PDF print")
        if a.tampered:
            url = open_page(d, a.tampered)
            check(requests_off_file(d, url) or console_problems(d),
                  "a remote image in the page is caught")
    finally:
        d.quit()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
