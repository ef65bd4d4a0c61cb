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
  check.py --appui APPUI --replan --seeds 1-160       re-plans of saved plans:
      P1 saved in a store, its missions confirmed, held and cancelled, then
      `plan --replan P1`, checked against the optimum around the confirmed
      and held missions (README.md, "Re-plans")
Each instance prints one line, `ok NAME` or `FAIL NAME: CLASS: detail`.
"""
import argparse
import copy
import datetime
import json
import os
import random
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


def residual(campaign, sites, fixed):
    """The instance left when the fixed missions, [(site, firm, [dates])],
    are taken out of it: their sites are not planned again, their days and
    euros leave the budget, their days each firm's capacity, and their
    dates the firm's working days. Copies; `campaign` and `sites` are left
    as they are."""
    c = copy.copy(campaign)
    c.firms = []
    for f in campaign.firms:
        mine = [ds for _, g, ds in fixed if g.id == f.id]
        used = {d.toordinal() for ds in mine for d in ds}
        g = copy.copy(f)
        g.capacity = f.capacity - sum(len(ds) for ds in mine)
        g.days = [x for x in f.days if x not in used]
        c.firms.append(g)
    c.firm = {g.id: g for g in c.firms}
    if c.budget_days is not None:
        c.budget_days -= sum(len(ds) for _, _, ds in fixed)
    if c.budget_euros is not None:
        c.budget_euros -= sum(len(ds) * f.rate for _, f, ds in fixed)
    gone = {s.site_id for s, _, _ in fixed}
    rest = []
    for s in sites:
        if s.site_id not in gone:
            t = copy.copy(s)
            t.eligible = [c.firm[f.id] for f in s.eligible]
            rest.append(t)
    return c, rest


def optimum(campaign, sites, ties=False, fixed=()):
    """The best plan by exhaustive search: the largest sum of cents (with
    `ties`, then the fewest days shortened, the fewest days, the smallest
    sum of site positions). With `fixed` missions, [(site, firm, [dates])],
    the best plan that keeps them: the optimum of what is left once they
    are taken out (residual()), plus them; its key counts them in the sum
    of cents only."""
    if fixed:
        rest = optimum(*residual(campaign, sites, fixed), ties=ties)
        cents = rest.cents + sum(s.cents for s, _, _ in fixed)
        return Optimum(cents, (cents,) + rest.key[1:], list(fixed) + rest.plan)
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


# ---------------------------------------------------------------- re-plan

PINNED = ("confirmed", "held")


def run_ok(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd[1:3]), p.returncode,
                                                 p.stderr.strip()[:300]))


def missions_of(args, store):
    """`appui mission list` as {mission_id: mission}."""
    doc = run_json([args.appui, "mission", "list", "--store", store,
                    "--format", "json"])
    return {m["mission_id"]: m for m in doc["missions"]}


def follow_up(args, rng, store, missions):
    """What a campaign's follow-up does to the first plan's missions, drawn
    from `rng`: about half confirmed, some of those held (some on other
    days than planned), one of the others cancelled. Returns the commands'
    descriptions, for -v."""
    done = []
    planned = []

    def mission(*words):
        run_ok([args.appui, "mission"] + list(words) + ["--store", store])
        done.append(" ".join(words))

    for mid in sorted(missions):
        m = missions[mid]
        if rng.random() >= 0.5:
            planned.append(mid)
            continue
        mission("confirm", mid)
        if rng.random() < 0.4:
            shift = [] if rng.random() < 0.5 else _held_days(rng, m)
            mission("held", mid, *shift)
    if planned:
        mission("cancel", rng.choice(planned))
    return done


def _held_days(rng, m):
    """--from and --to a few days off the planned first and last days."""
    first = parse_day(m["dates"][0]) + datetime.timedelta(days=rng.randint(-3, 3))
    last = parse_day(m["dates"][-1]) + datetime.timedelta(days=rng.randint(-3, 3))
    first, last = min(first, last), max(first, last)
    return ["--from", first.isoformat(), "--to", last.isoformat()]


def replan_run(args, rng, seed, folder):
    """The store's story: its cases added, a first plan saved (P1), the
    follow-up, maybe one more case file, then the re-plan of P1, saved.
    Returns (missions before the re-plan, the re-plan's JSON, missions
    after it, what was done)."""
    store = os.path.join(folder, "store.db")
    cfg = os.path.join(folder, "campaign.cfg")
    plan = [args.appui, "plan", "--campaign", cfg, "--store", store, "--save",
            "--format", "json", "--time-limit", str(args.time_limit)]
    run_ok([args.appui, "store", "init", "--store", store])
    run_ok([args.appui, "store", "add", "--store", store, folder])
    run_json(plan)
    done = follow_up(args, rng, store, missions_of(args, store))
    if seed is not None and rng.random() < 0.5:
        path = gen.extra_case(seed, folder, rng)
        run_ok([args.appui, "store", "add", "--store", store, path])
        done.append("store add %s" % os.path.basename(path))
    before = missions_of(args, store)
    doc = run_json(plan + ["--replan", "P1"])
    return before, doc, missions_of(args, store), done


def replan_instance(args, name, folder, seed):
    """Checks a re-plan; one line: ok or FAIL with a class and a detail."""
    rng = random.Random("replan-%s" % (seed if seed is not None else name))
    try:
        before, doc, after, done = replan_run(args, rng, seed, folder)
    except (RuntimeError, ValueError) as e:
        return "FAIL %s: exit: %s" % (name, e)
    try:
        campaign = Campaign(os.path.join(folder, "campaign.cfg"))
        score = run_json([args.appui, "score", "--format", "json", folder])
        if score["errors"]:
            raise CheckerError("invalid case files: %s" % score["errors"][:2])
        # A site whose mission a coordinator cancelled is left out of the
        # re-plan (docs/followup.md), unless it has another mission.
        withdrawn = ({m["site_id"] for m in before.values()
                      if m["status"] == "cancelled"} -
                     {m["site_id"] for m in before.values()
                      if m["status"] != "cancelled"})
        sites = [s for s in load_sites(campaign, score)
                 if s.site_id not in withdrawn]
        by_id = {s.site_id: s for s in sites}
        fixed = [(by_id[m["site_id"]], campaign.firm[m["firm"]],
                  [parse_day(d) for d in m["dates"]])
                 for _, m in sorted(before.items()) if m["status"] in PINNED]
        best = optimum(campaign, sites, fixed=fixed)
        wrong = rule_errors(campaign, sites, best.plan)
        if wrong or sum(s.cents for s, _, _ in best.plan) != best.cents:
            raise CheckerError("the optimum found breaks a rule: %s" % wrong[:3])
    except (CheckerError, RuntimeError, libconfig_lite.ConfigError, KeyError) as e:
        return "FAIL %s: checker-error: %s" % (name, e)
    try:
        return judge_replan(args, name, campaign, sites, best,
                            (before, doc, after, done))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        return "FAIL %s: json: the plan or mission list lacks or mistypes %r" % (name, e)


def pinned_errors(before, doc, after):
    """(a): each confirmed or held mission in the re-plan as it was, fixed,
    and in the mission list with its status; no other mission fixed."""
    errs = []
    plan = {m["mission"]: m for m in doc["missions"]}
    for mid, b in sorted(before.items()):
        if b["status"] not in PINNED:
            if mid in plan and plan[mid]["fixed"]:
                errs.append("%s (%s) is fixed" % (mid, b["status"]))
            continue
        m, a = plan.get(mid), after.get(mid)
        if m is None:
            errs.append("%s (%s) is not in the re-plan" % (mid, b["status"]))
        elif not m["fixed"] or [m[k] for k in ("site_id", "firm", "days", "dates")] \
                != [b[k] for k in ("site_id", "firm", "days", "dates")]:
            errs.append("%s (%s) %s %s %s became %s %s %s%s" % (
                mid, b["status"], b["site_id"], b["firm"], ",".join(b["dates"]),
                m["site_id"], m["firm"], ",".join(m["dates"]),
                "" if m["fixed"] else ", not fixed"))
        keys = ("status", "site_id", "firm", "dates", "held_first", "held_last")
        if a is None or [a[k] for k in keys] != [b[k] for k in keys]:
            errs.append("mission list: %s was %s, is now %s" % (
                mid, [b[k] for k in keys], a and [a[k] for k in keys]))
    for m in doc["missions"]:
        if m["fixed"] and m["mission"] not in before:
            errs.append("%s is fixed but was no mission" % m["mission"])
    return errs


def id_errors(before, doc, after):
    """(d): a planned mission whose site and firm are in the re-plan keeps
    its id; one that is not is cancelled; the re-plan's ids are those of
    the mission list, of plan P2; a cancelled mission stays cancelled."""
    errs = []
    plan = {(m["site_id"], m["firm"]): m for m in doc["missions"]}
    for mid, b in sorted(before.items()):
        a = after.get(mid, {})
        if b["status"] == "planned":
            m = plan.get((b["site_id"], b["firm"]))
            if m is not None and m["mission"] != mid:
                errs.append("%s %s with %s is now %s" % (
                    mid, b["site_id"], b["firm"], m["mission"]))
            if m is None and a.get("status") != "cancelled":
                errs.append("%s %s with %s is gone from the re-plan but %s" % (
                    mid, b["site_id"], b["firm"], a.get("status", "not listed")))
        if b["status"] == "cancelled" and a.get("status") != "cancelled":
            errs.append("cancelled %s is now %s" % (mid, a.get("status")))
    for m in doc["missions"]:
        a = after.get(m["mission"])
        want = ("P2", "planned" if not m["fixed"] else None, m["site_id"],
                m["firm"], m["dates"])
        got = a and (a["plan"], a["status"] if not m["fixed"] else None,
                     a["site_id"], a["firm"], a["dates"])
        if got != want:
            errs.append("re-plan's %s %s, mission list %s" % (m["mission"], want, got))
    return errs


def judge_replan(args, name, campaign, sites, best, story):
    """Compares the re-plan with the missions before it, the rules and the
    optimum that keeps the confirmed and held missions."""
    before, doc, after, done = story
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
        detail = "\n  before the re-plan (%s):\n%s\n  re-plan (%s, sum %.2f):\n%s" \
            "\n  optimum keeping the fixed (sum %.2f):\n%s" % (
                "; ".join(done) or "nothing done", show_missions(before),
                "optimal" if optimal else "not optimal", got / 100,
                show_plan(plan), best.cents / 100, show_plan(best.plan))
    pinned = pinned_errors(before, doc, after)
    if pinned:
        return "FAIL %s: pinned-moved: %s%s" % (name, "; ".join(pinned[:4]), detail)
    if errs:
        return "FAIL %s: invalid: %s%s" % (name, "; ".join(errs[:4]), detail)
    if got > best.cents:
        return "FAIL %s: above-optimum: %.2f > %.2f (checker?)%s" % (
            name, got / 100, best.cents / 100, detail)
    if got < best.cents:
        cls = "below-optimum" if optimal else "below-optimum-not-proven"
        return "FAIL %s: %s: %.2f, optimum %.2f%s" % (
            name, cls, got / 100, best.cents / 100, detail)
    ids = id_errors(before, doc, after)
    if ids:
        return "FAIL %s: mission-ids: %s%s" % (name, "; ".join(ids[:4]), detail)
    return "ok %s%s" % (name, detail)


def show_missions(missions):
    lines = []
    for mid, m in sorted(missions.items()):
        held = " held %s..%s" % (m["held_first"], m["held_last"]) \
            if m["status"] == "held" else ""
        lines.append("    %s %s %s %s %d d: %s%s" % (
            mid, m["status"], m["site_id"], m["firm"], m["days"],
            " ".join(m["dates"]), held))
    return "\n".join(lines) or "    (no mission)"


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
    ap.add_argument("--replan", action="store_true",
                    help="check re-plans: a saved plan, its missions confirmed, "
                    "held and cancelled, then re-planned")
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
            elif args.replan:  # the store goes in the folder: a copy
                folder = os.path.join(work, "dir-%s" % name)
                shutil.rmtree(folder, ignore_errors=True)
                shutil.copytree(what, folder)
            else:
                folder = what
            if args.replan:
                seed = what if isinstance(what, int) else None
                line = replan_instance(args, name, folder, seed)
            else:
                line, _ = check_instance(args, name, folder)
            print(line, flush=True)
            failed += not line.startswith("ok")
            if folder != what and not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
