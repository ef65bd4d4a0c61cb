#!/usr/bin/env python3
"""Checks the checker, without appui: its exact placement against a brute
force that tries every set of days, its optimum against a brute force over
every plan of every placement (also keeping fixed missions), and its rule
checker and re-plan checks against plans broken on purpose. Prints `ok
NAME` or `FAIL NAME: ...` lines, as check.py.

usage: selftest.py [TEST...]   (default: every test)"""
import datetime
import itertools
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import calendar_fr  # noqa: E402
import check  # noqa: E402

D = datetime.date


def brute_place(days, missions, span):
    """Every choice of d days per mission, tried in turn."""
    choices = []
    for a, b, d in missions:
        inside = [x for x in days if a <= x <= b]
        choices.append([c for c in itertools.combinations(inside, d)
                        if c[-1] - c[0] < span])
    for pick in itertools.product(*choices):
        flat = [x for c in pick for x in c]
        if len(flat) == len(set(flat)):
            return True
    return False


def placement_against_brute_force(rng, rounds):
    for _ in range(rounds):
        base = D(2019, 4, 29).toordinal() + rng.randint(0, 60)
        days = sorted(rng.sample(range(base, base + 16), rng.randint(3, 10)))
        span = rng.choice((2, 3, 5, 7, 14))
        missions = []
        for _ in range(rng.randint(1, 3)):
            a = base + rng.randint(-1, 12)
            missions.append((a, a + rng.randint(1, 10), rng.randint(1, 3)))
        got = check.place(days, missions, span)
        want = brute_place(days, missions, span)
        if (got is not None) != want:
            return "place() says %s, brute force %s: days %s missions %s span %d" % (
                got is not None, want, days, missions, span)
        if got is not None:
            used = [x for ds in got for x in ds]
            if len(used) != len(set(used)):
                return "place() uses a day twice: %s" % got
            for (a, b, d), ds in zip(missions, got):
                if len(ds) != d or not all(a <= x <= b and x in days for x in ds) \
                        or ds[-1] - ds[0] >= span:
                    return "place() breaks a mission: %s for %s" % (ds, (a, b, d))
    return None


CAMPAIGN = """id = "SELF";
window = { start = "%(start)s"; end = "%(end)s"; };
budget = { days = %(days)d; euros = %(euros).1f; };
policy = { allow_shorter = %(shorter)s; max_span_weeks = 1; min_days = 2; max_days = 3; };
firms = (
  { id = "FIRM-A"; themes = [ "quality", "urban" ]; regions = [ "*" ];
    daily_rate = 1000.0; capacity = %(cap_a)d; days_off = ( [ "%(off)s", "%(off)s" ] ); },
  { id = "FIRM-B"; themes = [ "quality" ]; regions = [ "Normandie" ];
    daily_rate = 700.0; capacity = %(cap_b)d; }
);
"""


def small_instance(rng, folder):
    start = D(2019, 4, 29) + datetime.timedelta(days=rng.randint(0, 10))
    end = start + datetime.timedelta(days=rng.randint(4, 13))
    path = os.path.join(folder, "campaign.cfg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(CAMPAIGN % {
            "start": start, "end": end, "days": rng.randint(2, 12),
            "euros": rng.randrange(2000, 12000, 500),
            "shorter": rng.choice(("true", "false")),
            "cap_a": rng.randint(2, 8), "cap_b": rng.randint(2, 6),
            "off": start + datetime.timedelta(days=rng.randint(0, 6))})
    campaign = check.Campaign(path)
    cases = []
    for k in range(rng.randint(1, 4)):
        a = start + datetime.timedelta(days=rng.randint(-2, 8))
        cases.append({
            "site_id": "S%d" % k, "case_id": "C%d" % k,
            "region": rng.choice(("Normandie", None)),
            "mission": {"days": rng.randint(2, 4),
                        "themes": rng.sample(("quality", "urban"), rng.randint(1, 2)),
                        "priority": rng.randint(100, 9000) / 100},
            "request_window": rng.choice((None, {
                "start": a.isoformat(),
                "end": (a + datetime.timedelta(days=rng.randint(1, 9))).isoformat()})),
        })
    return campaign, check.load_sites(campaign, {"cases": cases})


def site_options(s):
    """Every (site, firm, dates) of site `s`, rules of the site and firm
    aside from the span (rule_errors() decides)."""
    opts = []
    for f in s.eligible:
        for d in s.day_range:
            inside = [x for x in f.days
                      if s.first.toordinal() <= x <= s.last.toordinal()]
            for c in itertools.combinations(inside, d):
                opts.append((s, f, [D.fromordinal(x) for x in c]))
    return opts


def brute_optimum(campaign, sites, limit=20000, fixed=()):
    """The best sum over every plan of every (firm, days, day set) choice,
    each checked by rule_errors(); None when there are more than `limit`
    plans to try. With `fixed` missions, every plan holds them."""
    per_site = []
    gone = {s.site_id for s, _, _ in fixed}
    for s in sites:
        if s.site_id in gone:
            continue
        per_site.append([None] + site_options(s))
    count = 1
    for opts in per_site:
        count *= len(opts)
    if count > limit:
        return None
    best = 0
    for pick in itertools.product(*per_site):
        plan = list(fixed) + [p for p in pick if p]
        value = sum(s.cents for s, _, _ in plan)
        if value > best and not check.rule_errors(campaign, sites, plan):
            best = value
    return best


def optimum_against_brute_force(rng, rounds):
    """`rounds` instances small enough for the brute force, of which some
    must have a plan of two missions or more."""
    tried = several = 0
    with tempfile.TemporaryDirectory() as tmp:
        while tried < rounds:
            campaign, sites = small_instance(rng, tmp)
            want = brute_optimum(campaign, sites)
            if want is None:
                continue
            tried += 1
            got = check.optimum(campaign, sites)
            if got.cents != want:
                return "round %d: optimum %d, brute force %d" % (tried, got.cents, want)
            several += len(got.plan) >= 2
    if several < rounds // 5:
        return "only %d of %d instances plan two missions" % (several, rounds)
    return None


def fixed_optimum_against_brute_force(rng, rounds):
    """optimum() keeping fixed missions (some sites' missions drawn at
    random, together valid) against the brute force over every plan that
    holds them."""
    tried = with_rest = 0
    with tempfile.TemporaryDirectory() as tmp:
        while tried < rounds:
            campaign, sites = small_instance(rng, tmp)
            fixed = []
            for s in sites:
                opts = site_options(s) if rng.random() < 0.35 else []
                if opts:
                    fixed.append(rng.choice(opts))
            if not fixed or check.rule_errors(campaign, sites, fixed):
                continue
            want = brute_optimum(campaign, sites, fixed=fixed)
            if want is None:
                continue
            tried += 1
            got = check.optimum(campaign, sites, fixed=fixed)
            if got.cents != want:
                return "round %d: optimum %d, brute force %d, fixed %s" % (
                    tried, got.cents, want, [(s.site_id, f.id, ds) for s, f, ds in fixed])
            if check.rule_errors(campaign, sites, got.plan):
                return "round %d: the optimum breaks a rule" % tried
            with_rest += len(got.plan) > len(fixed)
    if with_rest < rounds // 5:
        return "only %d of %d instances plan around the fixed" % (with_rest, rounds)
    return None


def _mission(mid, status, site, firm, dates, plan="P1", held=(None, None)):
    return {"mission_id": mid, "plan": plan, "status": status, "site_id": site,
            "firm": firm, "days": len(dates), "dates": list(dates),
            "held_first": held[0], "held_last": held[1]}


def replan_breaks_are_caught():
    """The re-plan checks (pinned_errors, id_errors) on a good story,
    then on one break at a time: each must be reported."""
    d1, d2 = ["2019-05-06", "2019-05-07"], ["2019-05-09", "2019-05-10"]
    before = {"P1-M-001": _mission("P1-M-001", "confirmed", "S1", "FIRM-A", d1),
              "P1-M-002": _mission("P1-M-002", "held", "S2", "FIRM-A", d2,
                                   held=("2019-05-10", "2019-05-13")),
              "P1-M-003": _mission("P1-M-003", "planned", "S3", "FIRM-B", d1),
              "P1-M-004": _mission("P1-M-004", "planned", "S4", "FIRM-B", d2),
              "P1-M-005": _mission("P1-M-005", "cancelled", "S5", "FIRM-B", d2)}

    def good():
        doc = {"missions": []}
        after = {}
        for mid in ("P1-M-001", "P1-M-002", "P1-M-003"):
            m = dict(before[mid], plan="P2")
            after[mid] = m
            doc["missions"].append({"mission": mid, "site_id": m["site_id"],
                                    "firm": m["firm"], "days": m["days"],
                                    "dates": list(m["dates"]),
                                    "fixed": m["status"] != "planned"})
        after["P1-M-004"] = dict(before["P1-M-004"], plan="P2", status="cancelled")
        after["P1-M-005"] = dict(before["P1-M-005"])
        return doc, after

    doc, after = good()
    if check.pinned_errors(before, doc, after) or check.id_errors(before, doc, after):
        return "a good re-plan is refused: %s" % (
            check.pinned_errors(before, doc, after) + check.id_errors(before, doc, after))
    breaks = {
        "fixed moved": lambda doc, after: doc["missions"][0].update(dates=d2),
        "fixed firm": lambda doc, after: doc["missions"][1].update(firm="FIRM-B"),
        "not fixed": lambda doc, after: doc["missions"][0].update(fixed=False),
        "pinned dropped": lambda doc, after: doc["missions"].pop(1),
        "held undone": lambda doc, after: after["P1-M-002"].update(status="confirmed"),
        "held days": lambda doc, after: after["P1-M-002"].update(held_last="2019-05-14"),
        "planned fixed": lambda doc, after: doc["missions"][2].update(fixed=True),
        "id changed": lambda doc, after: doc["missions"][2].update(mission="P2-M-003"),
        "dropped kept": lambda doc, after: after["P1-M-004"].update(status="planned"),
        "cancel undone": lambda doc, after: after["P1-M-005"].update(status="planned"),
        "list differs": lambda doc, after: after["P1-M-003"].update(dates=d2),
        "other plan": lambda doc, after: after["P1-M-003"].update(plan="P1"),
    }
    for name, brk in breaks.items():
        doc, after = good()
        brk(doc, after)
        if not (check.pinned_errors(before, doc, after) or
                check.id_errors(before, doc, after)):
            return "a re-plan broken by %s passes" % name
    return None


def broken_plans_are_caught():
    """A valid plan, then one break at a time: each must be reported."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "campaign.cfg")
        with open(path, "w", encoding="utf-8") as f:
            f.write(CAMPAIGN % {"start": "2019-04-29", "end": "2019-05-17",
                                "days": 9, "euros": 9000.0, "shorter": "false",
                                "cap_a": 6, "cap_b": 3, "off": "2019-05-03"})
        c = check.Campaign(path)
        cases = [{"site_id": "S1", "case_id": "C1", "region": None,
                  "mission": {"days": 3, "themes": ["urban"], "priority": 50.0},
                  "request_window": None},
                 {"site_id": "S2", "case_id": "C2", "region": "Normandie",
                  "mission": {"days": 3, "themes": ["quality"], "priority": 40.0},
                  "request_window": {"start": "2019-05-06", "end": "2019-05-10"}}]
        sites = check.load_sites(c, {"cases": cases})
        s1, s2 = sites
        a, b = c.firm["FIRM-A"], c.firm["FIRM-B"]
        good = [(s1, a, [D(2019, 4, 29), D(2019, 4, 30), D(2019, 5, 2)]),
                (s2, b, [D(2019, 5, 6), D(2019, 5, 7), D(2019, 5, 9)])]
        if check.rule_errors(c, sites, good):
            return "a valid plan is refused: %s" % check.rule_errors(c, sites, good)
        # 1 May and 8 May 2019 are holidays, 30 May is Ascension (Easter
        # 21 April), 3 May is FIRM-A's day off, 4 May a Saturday.
        breaks = {
            "holiday": [(s1, a, [D(2019, 4, 29), D(2019, 4, 30), D(2019, 5, 1)]), good[1]],
            "weekend": [(s1, a, [D(2019, 4, 29), D(2019, 4, 30), D(2019, 5, 4)]), good[1]],
            "day off": [(s1, a, [D(2019, 4, 29), D(2019, 4, 30), D(2019, 5, 3)]), good[1]],
            "span": [(s1, a, [D(2019, 4, 29), D(2019, 4, 30), D(2019, 5, 6)]), good[1]],
            "site window": [good[0], (s2, b, [D(2019, 5, 2), D(2019, 5, 6), D(2019, 5, 7)])],
            "campaign window": [(s1, a, [D(2019, 4, 26), D(2019, 4, 29), D(2019, 4, 30)]), good[1]],
            "days": [(s1, a, [D(2019, 4, 29), D(2019, 4, 30)]), good[1]],
            "themes": [good[0], (s1, b, [D(2019, 5, 6), D(2019, 5, 7), D(2019, 5, 9)])],
            "region": [(s1, b, good[0][2]), good[1]],
            "twice": good + [(s1, a, [D(2019, 5, 13), D(2019, 5, 14), D(2019, 5, 15)])],
            "same day": [good[0], (s2, a, [D(2019, 5, 6), D(2019, 5, 7), D(2019, 5, 9)]),
                         (s1, a, [D(2019, 5, 9), D(2019, 5, 10), D(2019, 5, 13)])],
            "order": [(s1, a, [D(2019, 4, 30), D(2019, 4, 29), D(2019, 5, 2)]), good[1]],
        }
        if calendar_fr.easter(2019) != D(2019, 4, 21):
            return "Easter 2019"
        for name, plan in breaks.items():
            if not check.rule_errors(c, sites, plan):
                return "a plan broken by %s passes" % name
        c.budget_days = 5
        if not check.rule_errors(c, sites, good):
            return "a plan over the day budget passes"
        c.budget_days, c.budget_euros = 9, 5000
        if not check.rule_errors(c, sites, good):
            return "a plan over the euro budget passes"
        c.budget_euros = 9000
        a.capacity = 2
        if not check.rule_errors(c, sites, good):
            return "a plan over a firm's capacity passes"
    return None


def main():
    rng = random.Random(12)
    tests = [("placement", lambda: placement_against_brute_force(rng, 20000)),
             ("optimum", lambda: optimum_against_brute_force(rng, 300)),
             ("rules", broken_plans_are_caught),
             ("optimum-fixed",
              lambda: fixed_optimum_against_brute_force(random.Random(16), 200)),
             ("replan", replan_breaks_are_caught)]
    wanted = sys.argv[1:] or [name for name, _ in tests]
    unknown = set(wanted) - {name for name, _ in tests}
    if unknown:
        sys.stderr.write("usage: selftest.py [%s]...\n"
                         % "|".join(name for name, _ in tests))
        return 2
    failed = 0
    for name, test in tests:
        if name not in wanted:
            continue
        err = test()
        print("ok selftest %s" % name if err is None
              else "FAIL selftest %s: %s" % (name, err))
        failed += err is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
