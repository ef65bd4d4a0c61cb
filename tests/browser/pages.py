#!/usr/bin/env python3
"""The service's pages in a real browser, as a user goes through them.

Headless Chromium through chromedriver (Debian's packages; nothing is
fetched): the sign-in page, a wrong token, the firm's token; the firm's
uploads by a drag and drop and by the file picker, a valid file's scores and
an invalid one's problems with their line numbers; its case files; signing
out; the coordinator's ranked sites and one site's page. Along the way: no
request goes anywhere but the service's origin, and the console shows no
script error and no Content-Security-Policy violation. A screenshot of each
page is saved in --artifacts.

Prints one line per failed check and ends with "N passed, N failed"; exits
1 when a check failed.
"""
import argparse
import base64
import json
import os
import re
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

NS = {"c": "urn:appui:casefile:1"}
WAIT = 20  # seconds: any one thing the page is waited for
THEMES_FR = ("Qualité de service", "Gestion urbaine de proximité",
             "Tranquillité, sécurité")
BANDS_FR = ("bon", "à surveiller", "dégradé", "critique")


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s%s" % (what, (": " + detail) if detail else ""))
        return ok

    def equal(self, got, want, what):
        return self.check(got == want, what,
                          "got %r, expected %r" % (got, want))


def casefile(path):
    """(case id, site id, firm, number of themes, site name) of a case
    file."""
    root = ET.parse(path).getroot()
    site = root.find("c:site", NS)
    diag = root.find("c:diagnostic", NS)
    return (root.get("id"), site.get("id"), diag.get("firm"),
            len(diag.findall("c:theme", NS)), site.get("name"))


def broken_copy(src, dst):
    """A copy of src with one indicator's value made a word, and the line
    it is on (the line the service must name)."""
    data = open(src, "rb").read()
    m = re.search(rb'(<indicator ref="[^"]+" value=")[0-9.]+(")', data)
    bad = data[:m.start()] + m.group(1) + b"beaucoup" + m.group(2) + \
        data[m.end():]
    with open(dst, "wb") as f:
        f.write(bad)
    return data[:m.start()].count(b"\n") + 1


def browser(args):
    work = args.work
    opts = webdriver.ChromeOptions()
    opts.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--user-data-dir=" + tempfile.mkdtemp(prefix="chrome.",
                                                       dir=work),
                 "--window-size=1280,900", "--lang=fr-FR",
                 "--no-first-run", "--no-default-browser-check",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions",
                 # Anything not on loopback would go to a proxy that is
                 # not there: the browser reaches nothing but this machine.
                 "--proxy-server=http://127.0.0.1:9"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs",
                        {"browser": "ALL", "performance": "ALL"})
    svc = Service(executable_path=args.chromedriver,
                  log_path=os.path.join(work, "chromedriver.log"))
    return webdriver.Chrome(service=svc, options=opts)


class Session:
    def __init__(self, args, checks):
        self.a = args
        self.c = checks
        self.url = args.url.rstrip("/")
        self.d = browser(args)
        self.d.set_page_load_timeout(WAIT)
        self.d.set_script_timeout(WAIT)
        self.requests = []
        # What the browser's own start page loaded is not the service's.
        self.d.get("about:blank")
        self.d.get_log("performance")
        self.d.get_log("browser")

    # ---- what every page must keep to ---------------------------------------

    def console(self, where, allowed=()):
        """The console since the last look: nothing but the failed loads
        the step expects (the answers with a status in allowed)."""
        for e in self.d.get_log("browser"):
            msg = e.get("message", "")
            if e.get("source") == "network" and any(
                    "status of %d" % s in msg for s in allowed):
                continue
            csp = "Content Security Policy" in msg or "Refused to" in msg
            self.c.check(False, "%s: console %s" % (
                where, "CSP violation" if csp else e.get("level")), msg)

    def origin(self, where):
        """Every resource the page loaded is the service's own."""
        names = self.d.execute_script(
            "return performance.getEntries().map(function (e) {"
            " return e.name; }).filter(function (n) {"
            " return /^[a-z]+:/.test(n); });")
        for n in names:
            self.c.check(n.startswith(self.url + "/"),
                         "%s: a request to %s" % (where, n))
        for e in self.d.get_log("performance"):
            m = json.loads(e["message"])["message"]
            if m.get("method") == "Network.requestWillBeSent":
                self.requests.append(m["params"]["request"]["url"])

    def shot(self, name, where):
        """A screenshot of the whole page as a desktop shows it, and
        another as a phone does (its viewport and width); at a phone's
        width the page must not scroll sideways (a wide table scrolls in
        its own box)."""
        for suffix, width, mobile in (("", 1280, False),
                                      ("-phone", 390, True)):
            self.metrics(width, 800, mobile)
            if mobile:
                wide = self.d.execute_script(
                    "return document.documentElement.scrollWidth >"
                    " document.documentElement.clientWidth + 1;")
                self.c.check(not wide, "%s: wider than a phone" % where)
            h = self.d.execute_script(
                "return document.documentElement.scrollHeight;")
            self.metrics(width, min(max(h, 400), 8000), mobile)
            png = self.d.execute_cdp_cmd("Page.captureScreenshot",
                                         {"format": "png"})["data"]
            path = os.path.join(self.a.artifacts, name + suffix + ".png")
            with open(path, "wb") as f:
                f.write(base64.b64decode(png))
        self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def metrics(self, width, height, mobile):
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": mobile})

    def wait(self, what, cond):
        try:
            return WebDriverWait(self.d, WAIT).until(lambda d: cond())
        except TimeoutException:
            self.c.check(False, "%s: not seen within %d s" % (what, WAIT))
            return None

    def q(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        e = self.q(css)
        return e[0].text if e else ""

    # ---- signing in and out -------------------------------------------------

    def sign_in(self, token, where):
        self.d.get(self.url + "/")
        self.c.check(bool(self.q("form#signin input#token")),
                     "%s: the sign-in form" % where)
        self.q("input#token")[0].send_keys(token)
        self.q("#signin-button")[0].click()

    def sign_in_page(self):
        c = self.c
        self.d.get(self.url + "/")
        c.equal(self.d.title, "Connexion — appui", "sign-in page: title")
        c.equal(self.text("label[for=token]"), "Jeton d'accès",
                "sign-in page: the token's label")
        c.equal(self.q("input#token")[0].get_attribute("type"), "password",
                "sign-in page: the token is not shown")
        self.console("sign-in page")
        self.origin("sign-in page")
        self.shot("signin", "sign-in page")
        self.sign_in("pas-un-jeton-0123456789", "wrong token")
        err = self.wait("wrong token: the error", lambda: self.q("p.error"))
        if err:
            c.equal(err[0].text, "Jeton inconnu ou révoqué.",
                    "wrong token: the error")
        c.equal(self.d.get_cookies(), [], "wrong token: no cookie")
        c.check(bool(self.q("form#signin")), "wrong token: the form again")
        self.console("wrong token", allowed=(401,))
        self.origin("wrong token")
        self.shot("signin-error", "wrong token")

    def cookie(self, where):
        ck = [k for k in self.d.get_cookies() if k["name"] == "appui_session"]
        if not self.c.equal(len(ck), 1, "%s: the session cookie" % where):
            return
        k = ck[0]
        self.c.equal(k.get("httpOnly"), True, "%s: cookie HttpOnly" % where)
        self.c.equal(k.get("sameSite"), "Strict",
                     "%s: cookie SameSite" % where)
        self.c.equal(k.get("path"), "/", "%s: cookie path" % where)
        seen = self.d.execute_script("return document.cookie;")
        self.c.check("appui_session" not in seen,
                     "%s: the page's script sees the cookie" % where)

    def sign_out(self):
        self.q("form.signout button[type=submit]")[0].click()
        self.wait("signing out: the sign-in page",
                  lambda: self.q("form#signin"))
        self.c.equal([k["name"] for k in self.d.get_cookies()], [],
                     "signed out: the cookie is gone")
        self.d.get(self.url + "/")
        self.c.check(bool(self.q("form#signin")) and not self.q("#drop"),
                     "signed out: the firm's page is no longer shown")
        self.console("signing out")

    # ---- the firm's page ----------------------------------------------------

    def drop(self, paths):
        """A drag and drop of the files onto #drop, as a file manager does:
        a DataTransfer holding File objects with the files' bytes."""
        files = [[os.path.basename(p),
                  base64.b64encode(open(p, "rb").read()).decode()]
                 for p in paths]
        return self.d.execute_script("""
            var dt = new DataTransfer();
            arguments[0].forEach(function (f) {
                var s = atob(f[1]), b = new Uint8Array(s.length);
                for (var i = 0; i < s.length; i++)
                    b[i] = s.charCodeAt(i);
                dt.items.add(new File([b], f[0], {type: "text/xml"}));
            });
            var drop = document.getElementById("drop");
            function ev(type) {
                var e = new DragEvent(type, {bubbles: true, cancelable: true,
                                             dataTransfer: dt});
                drop.dispatchEvent(e);
                return e.defaultPrevented;
            }
            var over = ev("dragover");
            var shown = drop.classList.contains("over");
            var taken = ev("drop");
            return [over, shown, taken, drop.classList.contains("over")];
        """, files)

    def results(self, n):
        """The first n results once they are all answered."""
        return self.wait("%d results answered" % n, lambda: (
            len(self.q("#results > li.result")) >= n and
            not self.q("#results > li.result.pending")) and
            self.q("#results > li.result")[:n])

    def valid_result(self, li, name, themes, where):
        c = self.c
        c.equal(li.get_attribute("class"), "result ok", where + ": ok")
        c.equal(li.find_element(By.CSS_SELECTOR, "strong.name").text, name,
                where + ": its name")
        state = li.find_element(By.CSS_SELECTOR, ".state").text
        c.check("nouveau dossier" in state, where + ": stored as a new case",
                state)
        rows = li.find_elements(By.CSS_SELECTOR, "table.scores tr.theme")
        c.equal(len(rows), themes, where + ": a row per theme")
        for r in rows:
            cells = [td.text for td in r.find_elements(By.TAG_NAME, "td")]
            c.check(len(cells) == 4 and cells[0] in THEMES_FR and
                    re.match(r"^\d+,\d$", cells[1]) and cells[3] in BANDS_FR,
                    where + ": a theme, its need and its band in words",
                    repr(cells))
        c.check(bool(li.find_elements(By.CSS_SELECTOR, "p.mission")),
                where + ": the mission")

    def invalid_result(self, li, name, line, where):
        c = self.c
        c.equal(li.get_attribute("class"), "result bad", where + ": refused")
        c.equal(li.find_element(By.CSS_SELECTOR, "strong.name").text, name,
                where + ": its name")
        probs = li.find_elements(By.CSS_SELECTOR, "ul.problems li.problem")
        c.check(len(probs) >= 1, where + ": its problems")
        for p in probs:
            c.equal(p.get_attribute("data-line"), str(line),
                    where + ": the problem's line")
            c.check(("ligne %d" % line) in p.text,
                    where + ": 'ligne %d' shown" % line, p.text)
            c.check("beaucoup" in p.text or "beaucoup" in
                    (p.get_attribute("title") or ""),
                    where + ": the wrong value named", p.text)

    def firm_page(self, uploads, bad, bad_line, firm_cases):
        a, c = self.a, self.c
        self.sign_in(self.token(a.firm_token), "firm")
        if not self.wait("firm: its page", lambda: self.q("#drop")):
            return
        self.cookie("firm")
        c.check(a.firm in self.text("#who"), "firm: who is signed in",
                self.text("#who"))
        drop, picker = uploads
        got = self.drop([drop[0], bad])
        c.equal(got, [True, True, True, False],
                "drop: dragover taken and shown, drop taken")
        res = self.results(2)
        if res:
            self.valid_result(res[0], os.path.basename(drop[0]), drop[1],
                              "drop, valid file")
            self.invalid_result(res[1], os.path.basename(bad), bad_line,
                                "drop, invalid file")
        self.q("input#files")[0].send_keys(picker[0] + "\n" + bad)
        res = self.results(4)
        if res:
            self.valid_result(res[2], os.path.basename(picker[0]), picker[1],
                              "picker, valid file")
            self.invalid_result(res[3], os.path.basename(bad), bad_line,
                                "picker, invalid file")
        c.equal(self.q("input#files")[0].get_attribute("value"), "",
                "picker: emptied for the next files")
        # Checking only: the valid file again, said valid, nothing stored.
        self.q("input#dry-run")[0].click()
        self.q("input#files")[0].send_keys(picker[0])
        res = self.results(5)
        if res:
            c.equal(res[4].get_attribute("class"), "result ok",
                    "dry run: valid")
            state = res[4].find_element(By.CSS_SELECTOR, ".state").text
            c.check("vérification seule" in state and
                    "rien n'est enregistré" in state, "dry run: said so",
                    state)
            c.equal(len(res[4].find_elements(By.CSS_SELECTOR, "a.open")), 0,
                    "dry run: no case to open")
        self.q("input#dry-run")[0].click()
        # The table of its case files shows the new ones without a reload.
        self.wait("firm: the new cases in table#cases", lambda: sorted(
            td.text for td in self.q("table#cases tbody td:first-child a"))
            == sorted(firm_cases))
        self.console("firm's uploads", allowed=(422,))
        self.origin("firm's uploads")
        self.shot("firm", "firm's page")
        self.d.get(self.url + "/")
        ids = [td.text for td in
               self.q("table#cases tbody tr td:first-child a")]
        c.equal(sorted(ids), sorted(firm_cases), "firm: table#cases")
        self.console("firm's page")
        self.origin("firm's page")
        # Its case's own page, from the table's link.
        link = self.q('table#cases a[href="/casefiles/%s"]' % drop[2])
        if c.check(bool(link), "firm: the link to its case"):
            link[0].click()
            self.wait("firm: the case's page", lambda: self.q("article.case"))
            c.equal(self.d.current_url, self.url + "/casefiles/" + drop[2],
                    "firm: the case's page")
            c.equal(len(self.q("article.case section.theme")), drop[1],
                    "firm: the case's themes")
            # Its XML link gives back the bytes sent.
            xml = self.d.execute_async_script("""
                var done = arguments[arguments.length - 1];
                var a = document.querySelector(
                    'article.case a[href$="/versions/1"]');
                if (!a) { done(null); return; }
                fetch(a.href, {credentials: "same-origin"})
                    .then(function (r) { return r.text(); })
                    .then(done, function () { done(null); });
            """)
            c.check(xml == open(drop[0], encoding="utf-8").read(),
                    "firm: the case's XML link gives the file sent")
            self.console("firm: case page")
            self.origin("firm: case page")
            self.shot("case", "case page")
        self.sign_out()

    # ---- the coordinator's pages --------------------------------------------

    def coordinator_pages(self, sites):
        c = self.c
        self.sign_in(self.token(self.a.coordinator_token), "coordinator")
        if not self.wait("coordinator: its page",
                         lambda: self.q("table#sites")):
            return
        self.cookie("coordinator")
        rows = self.q("table#sites tr.site")
        c.equal(len(rows), len(sites), "coordinator: a tr.site per site")
        shown = [r.find_element(By.CSS_SELECTOR, "a").text for r in rows]
        c.equal(sorted(shown), sorted(sites), "coordinator: the sites")
        ranks = [r.find_element(By.CSS_SELECTOR, "td").text for r in rows]
        c.equal(ranks, [str(i + 1) for i in range(len(rows))],
                "coordinator: ranks")
        for r in rows:
            for td in r.find_elements(By.CSS_SELECTOR, "td.need[class*=band]"):
                badge = td.find_elements(By.CSS_SELECTOR, "span.band")
                c.check(len(badge) == 1 and badge[0].text in BANDS_FR and
                        re.match(r"^\d+,\d ", td.text) is not None,
                        "coordinator: a need and its band in words", td.text)
        self.console("coordinator's page")
        self.origin("coordinator's page")
        self.shot("coordinator", "coordinator's page")
        if not rows:
            return
        site = shown[0]
        needs = [td.text.split()[0] for td in rows[0].find_elements(
            By.CSS_SELECTOR, "td.need[class*=band]")]
        rows[0].find_element(By.CSS_SELECTOR, "a").click()
        self.wait("site: its page", lambda: self.q("article.case"))
        c.equal(self.d.current_url, self.url + "/sites/" + site,
                "site: its address")
        c.check(site in self.text("h1"), "site: its title", self.text("h1"))
        c.check(sites[site] in self.text("article.case .place"),
                "site: its name", self.text("article.case .place"))
        heads = [h.text for h in self.q("article.case section.theme h3")]
        c.equal(len(heads), len(needs), "site: a section per theme")
        for n in needs:
            c.check(any(("besoin " + n) in h for h in heads),
                    "site: the need %s of the ranked table" % n, repr(heads))
        c.check(bool(self.q("table.indicators tbody tr")),
                "site: the indicators")
        self.console("site page")
        self.origin("site page")
        self.shot("site", "site page")

    def token(self, path):
        return open(path).read().strip()

    def close(self):
        try:
            self.d.quit()
        except WebDriverException:
            pass


def main():
    p = argparse.ArgumentParser()
    for o in ("url", "firm-token", "coordinator-token", "firm", "examples",
              "stored", "drop", "picker", "work", "artifacts", "chromium",
              "chromedriver"):
        p.add_argument("--" + o, required=True)
    a = p.parse_args()
    c = Checks()
    stored = [casefile(os.path.join(a.examples, f)) for f in a.stored.split()]
    uploads = []
    for f in (a.drop, a.picker):
        path = os.path.join(a.examples, f)
        case, _, firm, themes, _ = casefile(path)
        c.equal(firm, a.firm, "%s is the firm's own" % f)
        uploads.append((path, themes, case))
    bad = os.path.join(a.work, "invalid-" + a.drop)
    bad_line = broken_copy(os.path.join(a.examples, a.drop), bad)
    firm_cases = [s[0] for s in stored if s[2] == a.firm] + \
        [u[2] for u in uploads]
    sites = {f[1]: f[4] for f in stored + [casefile(u[0]) for u in uploads]}
    s = None
    try:
        s = Session(a, c)
        s.sign_in_page()
        s.firm_page(uploads, bad, bad_line, firm_cases)
        s.coordinator_pages(sites)
        for u in s.requests:
            c.check(u.startswith(s.url + "/"), "a request to " + u)
        c.check(len(s.requests) > 10, "the requests were seen",
                "%d requests" % len(s.requests))
    except WebDriverException as e:
        c.check(False, "the browser", str(e).splitlines()[0])
    except Exception as e:  # a page not as expected: one failed check
        traceback.print_exc()
        c.check(False, "the pages", repr(e))
    finally:
        if s:
            s.close()
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
