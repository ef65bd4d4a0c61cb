#!/usr/bin/env python3
"""An exact checker of `appui plan`, independent of its planner.

For an instance (a folder with campaign.cfg and case files), it

1. reads the campaign itself (libconfig_lite.py) and each site's mission
   (days, themes, priority, region, request window) from
   `appui score --format json`: the planning is what is checked, not the
   scoring;
2. finds the true optimum, the largest sum of priorities (in hundredths,
   as the planner counts them) of a plan that keeps every rule, by
   exhaustive search: every assignment of sites to (firm, days) or to
   nothing, budgets and capacities checked exactly, and each firm's set
   of missions placed on its calendar by an exact search (each mission's
   first day tried in turn, the days then matched to missions by
   augmenting paths), so no heuristic decides what fits;
3. runs `appui plan --format json` and checks that its plan keeps every
   rule, with working days recomputed here (calendar_fr.py), that its
   priority sum is never above the optimum, and that it equals the
   optimum when the plan says it is optimal.

The optimal plan found is checked by the same rule checker as appui's,
so a mistake of the search shows as a checker error.

usage:
  check.py --appui APPUI --seeds 1-500 [--work DIR]   random instances (gen.py)
  check.py --appui APPUI --seed 42 --keep DIR -v      replay one seed
  check.py --appui APPUI --dir FOLDER [...]           fixed instances
Each instance prints one line, `ok NAME` or `FAIL NAME: CLASS: detail`.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import calendar_fr  # noqa: E402
import gen  # noqa: E402
import libconfig_lite  # noqa: E402

REASONS = {"below threshold", "no firm", "window too short",
           "budget exhausted", "firms fully booked"}


def parse_day(text):
    return datetime.date.fromisoformat(text)


class CheckerError(Exception):
    """The instance or the checker itself is wrong, not the plan."""


# ---------------------------------------------------------------- instance

class Firm:
    def __init__(self, g, first, last):
        self.id = g["id"]
        self.themes = set(g["themes"])
        self.regions = list(g["regions"])
        self.rate = g["daily_rate"]
        self.capacity = g["capacity"]
        self.days_off = [(parse_day(a), parse_day(b))
                         for a, b in g.get("days_off", [])]
        # Its working days in the campaign window, as ordinals.
        self.days = [d.toordinal() for d in _days(first, last)
                     if calendar_fr.is_working_day(d, self.days_off)]

    def serves(self, region):
        return "*" in self.regions or (region is not None and region in self.regions)

    def works(self, day):
        return calendar_fr.is_working_day(day, self.days_off)


def _days(first, last):
    d = first
    while d <= last:
        yield d
        d += calendar_fr.ONE_DAY


class Site:
    """A case of the score JSON, with what planning needs of it."""

    def __init__(self, case, campaign, position):
        self.site_id = case["site_id"]
        self.case_id = case["case_id"]
        self.region = case["region"]
        self.position = position  # in site-id order
        m = case["mission"]
        self.rec = m["days"] if m else 0
        self.themes = set(m["themes"]) if m else set()
        self.priority = m["priority"] if m else 0.0
        self.cents = int(round(self.priority * 100))
        c = campaign
        first, last = c.first, c.last
        w = case["request_window"]
        if w:
            first = max(first, parse_day(w["start"]))
            last = min(last, parse_day(w["end"]))
        self.first, self.last = first, last
        self.below = (self.rec <= 0 or self.priority <= 0 or
                      (c.min_priority > 0 and self.priority < c.min_priority))
        top = min(max(self.rec, c.min_days), c.max_days)
        low = c.min_days if c.allow_shorter else top
        self.top = top
        self.day_range = list(range(top, low - 1, -1))
        self.eligible = [f for f in c.firms
                         if self.themes <= f.themes and f.serves(self.region)]


class Campaign:
    def __init__(self, path):
        with open(path, encoding="utf-8") as fh:
            cfg = libconfig_lite.parse(fh.read())
        self.first = parse_day(cfg["window"]["start"])
        self.last = parse_day(cfg["window"]["end"])
        b = cfg["budget"]
        self.budget_days = b.get("days")
        self.budget_euros = b.get("euros")
        p = cfg.get("policy", {})
        self.min_days = p.get("min_days", 3)
        self.max_days = p.get("max_days", 6)
        self.allow_shorter = p.get("allow_shorter", False)
        self.span = 7 * p.get("max_span_weeks", 8)
        self.min_priority = p.get("min_priority", 0)
        self.firms = [Firm(g, self.first, self.last) for g in cfg["firms"]]
        self.firm = {f.id: f for f in self.firms}


def load_sites(campaign, score):
    cases = score["cases"]
    ids = [c["site_id"] for c in cases]
    if len(set(ids)) != len(ids):
        raise CheckerError("two case files of one site: not supported here")
    order = sorted(range(len(cases)), key=lambda k: (cases[k]["site_id"],
                                                     cases[k]["case_id"]))
    pos = {k: p for p, k in enumerate(order)}
    return [Site(cases[k], campaign, pos[k]) for k in range(len(cases))]


# ---------------------------------------------------------------- calendar

def _candidates(days, first, last, d, span):
    """The day intervals [lo, hi] (indices into `days`) that a mission of d
    days in [first, last] can use: one per possible first day, its last
    day under `span` calendar days later; an interval inside another is
    left out (what fits it fits the larger one)."""
    out = []
    n = len(days)
    j = 0
    for i in range(n):
        if days[i] < first:
            continue
        if days[i] > last:
            break
        end = min(last, days[i] + span - 1)
        j = max(j, i)
        while j + 1 < n and days[j + 1] <= end:
            j += 1
        if j - i + 1 >= d and (not out or out[-1][1] != j):
            out.append((i, j))
    return out


def _augment(m, intervals, owner, seen):
    lo, hi = intervals[m]
    for k in range(lo, hi + 1):
        if k in seen:
            continue
        seen.add(k)
        if owner[k] is None or _augment(owner[k], intervals, owner, seen):
            owner[k] = m
            return True
    return False


def place(days, missions, span):
    """Exact: the day lists (ordinals) of `missions`, [(first, last, d)],
    each d distinct working days of `days` inside [first, last] with its
    last day less than `span` days after its first, no day used twice; or
    None when no such placement exists.

    Every placement gives each mission a first day, so its days lie in
    one of its candidate intervals; the search tries every combination of
    candidates (pruned as soon as the chosen ones cannot be matched), and
    for fixed intervals, augmenting paths find a matching of the mission
    days to the working days whenever one exists."""
    cands = [_candidates(days, a, b, d, span) for a, b, d in missions]
    order = sorted(range(len(missions)), key=lambda m: len(cands[m]))
    intervals = [None] * len(missions)

    def search(k, owner):
        if k == len(order):
            return owner
        m = order[k]
        for iv in cands[m]:
            intervals[m] = iv
            trial = list(owner)
            if all(_augment(m, intervals, trial, set())
                   for _ in range(missions[m][2])):
                done = search(k + 1, trial)
                if done is not None:
                    return done
        intervals[m] = None
        return None

    owner = search(0, [None] * len(days))
    if owner is None:
        return None
    out = [[] for _ in missions]
    for k, m in enumerate(owner):
        if m is not None:
            out[m].append(days[k])
    return out


# ---------------------------------------------------------------- optimum

class Optimum:
    def __init__(self, cents, key, plan):
        self.cents = cents
        self.key = key  # (cents, -days shortened, -days, -positions)
        self.plan = plan  # [(site, firm, [dates])]


def optimum(campaign, sites, ties=False):
    """The best plan by exhaustive search: the largest sum of cents (with
    `ties`, then the fewest days shortened, the fewest days, the smallest
    sum of site positions)."""
    c = campaign
    span = c.span
    options = {}
    for s in sites:
        if s.below:
            continue
        opts = []
        for f in s.eligible:
            for d in s.day_range:
                if d <= f.capacity and place(
                        f.days, [(s.first.toordinal(), s.last.toordinal(), d)],
                        span):
                    opts.append((f, d))
        if opts:
            options[s.site_id] = opts
    todo = sorted((s for s in sites if s.site_id in options),
                  key=lambda s: (-s.cents, s.site_id))
    rest = [0] * (len(todo) + 1)
    for i in range(len(todo) - 1, -1, -1):
        rest[i] = rest[i + 1] + todo[i].cents
    memo = {}

    def fits(f, missions):
        key = (f.id, tuple(sorted(missions)))
        if key not in memo:
            memo[key] = place(f.days, sorted(missions), span) is not None
        return memo[key]

    best = [None]
    chosen = []
    booked = {f.id: [] for f in c.firms}
    used = {f.id: 0 for f in c.firms}

    def score():
        cents = sum(s.cents for s, _, _ in chosen)
        short = sum(s.top - d for s, _, d in chosen)
        days = sum(d for _, _, d in chosen)
        pos = sum(s.position for s, _, _ in chosen)
        return (cents, -short, -days, -pos) if ties else (cents,)

    def dfs(i, cents, days, euros):
        if best[0] is not None:
            bound = cents + rest[i]
            if bound < best[0][0][0] or (not ties and bound == best[0][0][0]):
                return
        if i == len(todo):
            key = score()
            if best[0] is None or key > best[0][0]:
                best[0] = (key, list(chosen))
            return
        s = todo[i]
        for f, d in options[s.site_id]:
            if c.budget_days is not None and days + d > c.budget_days:
                continue
            cost = d * f.rate
            if c.budget_euros is not None and euros + cost > c.budget_euros:
                continue
            if used[f.id] + d > f.capacity:
                continue
            mission = (s.first.toordinal(), s.last.toordinal(), d)
            if not fits(f, booked[f.id] + [mission]):
                continue
            booked[f.id].append(mission)
            used[f.id] += d
            chosen.append((s, f, d))
            dfs(i + 1, cents + s.cents, days + d, euros + cost)
            chosen.pop()
            used[f.id] -= d
            booked[f.id].pop()
        dfs(i + 1, cents, days, euros)

    dfs(0, 0, 0, 0)
    key, picked = best[0]
    plan = []
    for f in c.firms:
        mine = [(s, d) for s, g, d in picked if g is f]
        missions = [(s.first.toordinal(), s.last.toordinal(), d) for s, d in mine]
        dates = place(f.days, missions, span)
        if dates is None:
            raise CheckerError("the optimum's missions of %s do not place" % f.id)
        for (s, d), ds in zip(mine, dates):
            plan.append((s, f, [datetime.date.fromordinal(x) for x in ds]))
    return Optimum(key[0], key, plan)


# ---------------------------------------------------------------- rules

def rule_errors(campaign, sites, plan):
    """Every rule that `plan`, [(site, firm, [dates])], breaks."""
    c = campaign
    errs = []
    seen_sites = set()
    booked = {}
    firm_days = {f.id: 0 for f in c.firms}
    total_days, total_euros = 0, 0
    for s, f, dates in plan:
        name = "%s with %s" % (s.site_id, f.id)
        if s.site_id in seen_sites:
            errs.append("%s: the site is planned twice" % s.site_id)
        seen_sites.add(s.site_id)
        if s.below:
            errs.append("%s: planned below the threshold (priority %.2f)"
                        % (name, s.priority))
        if not s.themes <= f.themes:
            errs.append("%s: the firm does not cover %s" % (
                name, "+".join(sorted(s.themes - f.themes))))
        if not f.serves(s.region):
            errs.append("%s: the firm does not serve region %s" % (name, s.region))
        d = len(dates)
        if d not in s.day_range:
            errs.append("%s: %d days, allowed %s" % (name, d, s.day_range))
        if dates != sorted(set(dates)):
            errs.append("%s: dates not increasing: %s" % (name, dates))
        for day in dates:
            where = "%s: %s" % (name, day)
            if not c.first <= day <= c.last:
                errs.append("%s is outside the campaign window" % where)
            if not s.first <= day <= s.last:
                errs.append("%s is outside the site's window %s..%s"
                            % (where, s.first, s.last))
            if day.weekday() >= 5:
                errs.append("%s is a weekend day" % where)
            elif calendar_fr.is_holiday(day):
                errs.append("%s is a public holiday" % where)
            elif not f.works(day):
                errs.append("%s is a day off of the firm" % where)
            if (f.id, day) in booked:
                errs.append("%s: the firm is already booked by %s"
                            % (where, booked[f.id, day]))
            booked[f.id, day] = s.site_id
        if dates and (dates[-1] - dates[0]).days >= c.span:
            errs.append("%s: first to last day %s..%s is not under %d days"
                        % (name, dates[0], dates[-1], c.span))
        firm_days[f.id] += d
        total_days += d
        total_euros += d * f.rate
    for f in c.firms:
        if firm_days[f.id] > f.capacity:
            errs.append("%s: %d days booked, capacity %d"
                        % (f.id, firm_days[f.id], f.capacity))
    if c.budget_days is not None and total_days > c.budget_days:
        errs.append("%d days, budget %d" % (total_days, c.budget_days))
    if c.budget_euros is not None and total_euros > c.budget_euros:
        errs.append("%s euros, budget %s" % (float(total_euros), float(c.budget_euros)))
    return errs


def document_errors(campaign, sites, doc, plan):
    """What the JSON says of itself that is not so: totals, lists, reasons."""
    errs = []
    by_id = {s.site_id: s for s in sites}
    res = doc["result"]
    missions, unplanned = doc["missions"], doc["unplanned"]
    if res["missions"] != len(missions) or res["unplanned"] != len(unplanned):
        errs.append("result counts differ from the lists")
    listed = [m["site_id"] for m in missions] + [u["site_id"] for u in unplanned]
    if sorted(listed) != sorted(by_id):
        errs.append("missions and unplanned are not the sites: %s vs %s"
                    % (sorted(listed), sorted(by_id)))
    cents = sum(s.cents for s, _, _ in plan)
    if int(round(res["priority_sum"] * 100)) != cents:
        errs.append("priority_sum %.2f, the missions' priorities add up to %.2f"
                    % (res["priority_sum"], cents / 100))
    days = sum(len(ds) for _, _, ds in plan)
    euros = sum(len(ds) * f.rate for _, f, ds in plan)
    if res["days"] != days:
        errs.append("result.days %d, missions %d" % (res["days"], days))
    if abs(res["euros"] - float(euros)) > 0.005:
        errs.append("result.euros %s, missions %s" % (res["euros"], float(euros)))
    for m in missions:
        s = by_id.get(m["site_id"])
        if s is None:
            continue
        if m["days"] != len(m["dates"]):
            errs.append("%s: days %d but %d dates" % (s.site_id, m["days"], len(m["dates"])))
        if m["recommended_days"] != s.rec:
            errs.append("%s: recommended_days %d, scoring says %d"
                        % (s.site_id, m["recommended_days"], s.rec))
        f = campaign.firm.get(m["firm"])
        if f and abs(m["cost"] - float(m["days"] * f.rate)) > 0.005:
            errs.append("%s: cost %s is not days x rate" % (s.site_id, m["cost"]))
    for u in unplanned:
        s = by_id.get(u["site_id"])
        if u["reason"] not in REASONS:
            errs.append("%s: unknown reason %r" % (u["site_id"], u["reason"]))
        if s is None or s.below:
            continue
        if (u["reason"] == "no firm") != (not s.eligible):
            errs.append("%s: reason %r, but %d eligible firms"
                        % (s.site_id, u["reason"], len(s.eligible)))
    booked = {}
    for _, f, ds in plan:
        booked[f.id] = booked.get(f.id, 0) + len(ds)
    for g in doc["firms"]:
        if g["days_booked"] != booked.get(g["id"], 0):
            errs.append("%s: days_booked %d, missions %d"
                        % (g["id"], g["days_booked"], booked.get(g["id"], 0)))
    return errs


# ---------------------------------------------------------------- running

def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd[:2]), p.returncode,
                                                 p.stderr.strip()[:300]))
    return json.loads(p.stdout)


def show_plan(plan):
    lines = []
    for s, f, ds in sorted(plan, key=lambda x: (x[2][0] if x[2] else 0, x[0].site_id)):
        lines.append("    %s %.2f %s %d d: %s" % (s.site_id, s.priority, f.id, len(ds),
                                                 " ".join(d.isoformat() for d in ds)))
    return "\n".join(lines) or "    (no mission)"


def check_instance(args, name, folder):
    """One line: ok or FAIL with a class and a detail."""
    try:
        campaign = Campaign(os.path.join(folder, "campaign.cfg"))
        score = run_json([args.appui, "score", "--format", "json", folder])
        if score["errors"]:
            raise CheckerError("invalid case files: %s" % score["errors"][:2])
        sites = load_sites(campaign, score)
        best = optimum(campaign, sites, args.ties)
        wrong = rule_errors(campaign, sites, best.plan)
        if wrong or sum(s.cents for s, _, _ in best.plan) != best.cents:
            raise CheckerError("the optimum found breaks a rule: %s" % wrong[:3])
    except (CheckerError, RuntimeError, libconfig_lite.ConfigError, KeyError) as e:
        return "FAIL %s: checker-error: %s" % (name, e), None
    try:
        doc = run_json([args.appui, "plan", "--campaign",
                        os.path.join(folder, "campaign.cfg"), "--format", "json",
                        "--time-limit", str(args.time_limit), folder])
    except (RuntimeError, ValueError) as e:
        return "FAIL %s: exit: %s" % (name, e), best
    try:
        return judge(args, name, campaign, sites, best, doc)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return "FAIL %s: json: the plan document lacks or mistypes %r" % (name, e), best


def judge(args, name, campaign, sites, best, doc):
    """Compares appui's plan document with the rules and the optimum."""
    by_id = {s.site_id: s for s in sites}
    plan, errs = [], []
    for m in doc["missions"]:
        s, f = by_id.get(m["site_id"]), campaign.firm.get(m["firm"])
        if s is None or f is None:
            errs.append("mission of unknown site or firm: %s %s" % (m["site_id"], m["firm"]))
            continue
        plan.append((s, f, [parse_day(d) for d in m["dates"]]))
    errs += rule_errors(campaign, sites, plan)
    errs += document_errors(campaign, sites, doc, plan)
    got = sum(s.cents for s, _, _ in plan)
    optimal = doc["result"]["optimal"]
    detail = ""
    if args.verbose:
        detail = "\n  appui (%s, sum %.2f):\n%s\n  optimum (sum %.2f):\n%s" % (
            "optimal" if optimal else "not optimal", got / 100, show_plan(plan),
            best.cents / 100, show_plan(best.plan))
    if errs:
        return "FAIL %s: invalid: %s%s" % (name, "; ".join(errs[:4]), detail), best
    if got > best.cents:
        return "FAIL %s: above-optimum: %.2f > %.2f (checker?)%s" % (
            name, got / 100, best.cents / 100, detail), best
    if got < best.cents:
        cls = "below-optimum" if optimal else "below-optimum-not-proven"
        return "FAIL %s: %s: %.2f, optimum %.2f%s" % (
            name, cls, got / 100, best.cents / 100, detail), best
    if args.ties:
        key = (got, -sum(s.top - len(ds) for s, _, ds in plan),
               -sum(len(ds) for _, _, ds in plan),
               -sum(s.position for s, _, _ in plan))
        if doc["result"]["ties_settled"] and key != best.key:
            return "FAIL %s: ties: %s, best %s%s" % (name, key, best.key, detail), best
    return "ok %s%s" % (name, detail), best


def seed_range(text):
    a, _, b = text.partition("-")
    return range(int(a), int(b or a) + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--appui", required=True)
    ap.add_argument("--seeds", type=seed_range, help="A-B: random instances")
    ap.add_argument("--seed", type=int, help="one random instance")
    ap.add_argument("--dir", action="append", default=[], help="a fixed instance")
    ap.add_argument("--work", help="where instances are written (default: a temporary folder)")
    ap.add_argument("--keep", help="with --seed: write the instance to this folder and keep it")
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--ties", action="store_true",
                    help="also check the tie-breaks (days shortened, days, site order)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print both plans")
    args = ap.parse_args()
    seeds = list(args.seeds or []) + ([args.seed] if args.seed is not None else [])
    work = args.work or tempfile.mkdtemp(prefix="plan-exact.")
    failed = 0
    try:
        jobs = [("seed %d" % s, s) for s in seeds] + [
            (os.path.basename(os.path.normpath(d)), d) for d in args.dir]
        for name, what in jobs:
            if isinstance(what, int):
                folder = args.keep if args.keep else os.path.join(work, "seed-%d" % what)
                shutil.rmtree(folder, ignore_errors=True)
                gen.generate(what, folder)
            else:
                folder = what
            line, _ = check_instance(args, name, folder)
            print(line, flush=True)
            failed += not line.startswith("ok")
            if isinstance(what, int) and not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
