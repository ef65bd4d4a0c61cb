#!/usr/bin/env python3
"""Seeded generator of small planning instances for check.py.

An instance is a folder holding campaign.cfg (libconfig, as
configs/campaign.cfg) and 2 to 8 case files (casefile format version 1).
The same seed always gives the same bytes. The instances are small, so that
check.py can find their optimum by exhaustive search, and hard where
planners go wrong: short campaign windows around French public holidays,
one- or two-week spans, firms' days off, small capacities, binding budgets,
and many sites wanting one firm in the same weeks.

usage: gen.py SEED DIR
"""
import datetime
import os
import random
import sys

from calendar_fr import easter

THEMES = ("quality", "urban", "security")
REGIONS = ("Normandie", "Île-de-France", "Occitanie")

# Each indicator: (theme, ref, low, high, decimals, direction). The ranges
# are those met in the example case files, so every value is inside the
# indicator's domain (flags are 0 or 1); direction 1: a higher value is
# worse, -1: a lower value is worse.
INDICATORS = (
    ("quality", "satisfaction.overall", 52, 91, 0, -1),
    ("quality", "satisfaction.cleanliness", 46, 89, 0, -1),
    ("quality", "satisfaction.requests", 43, 86, 0, -1),
    ("quality", "complaints.rate", 8.8, 99.7, 1, 1),
    ("quality", "complaints.first_reply_48h", 40, 98, 0, -1),
    ("quality", "complaints.median_days", 3, 67, 0, 1),
    ("quality", "vacancy.long_term", 0.3, 8.7, 1, 1),
    ("quality", "turnover.rate", 6, 22.7, 1, 1),
    ("quality", "lifts.breakdowns", 1.8, 18.2, 1, 1),
    ("quality", "lifts.outage_days", 0, 64, 0, 1),
    ("urban", "gup.convention", 0, 1, 0, -1),
    ("urban", "gup.orphan_spaces", 0, 8, 0, 1),
    ("urban", "cleanliness.audit", 45, 97, 0, -1),
    ("urban", "waste.bulky_callouts", 0.2, 8.4, 1, 1),
    ("urban", "waste.removal_hours", 24, 302, 0, 1),
    ("urban", "reports.closed_in_time", 24, 95, 0, -1),
    ("urban", "vehicles.abandoned", 0, 9, 0, 1),
    ("urban", "lighting.failures", 0, 35, 0, 1),
    ("urban", "tfpb.actions_done", 25, 98, 0, -1),
    ("urban", "walking.age_months", 3, 54, 0, 1),
    ("security", "incidents.rate", 0.4, 14.8, 1, 1),
    ("security", "staff.assaults", 0, 7, 0, 1),
    ("security", "staff.assaults_physical", 0, 3, 0, 1),
    ("security", "vandalism.cost", 2.6, 39.0, 1, 1),
    ("security", "halls.occupied", 0, 36, 0, 1),
    ("security", "deal.points", 0, 3, 0, 1),
    ("security", "insecurity.feeling", 5, 52, 0, 1),
    ("security", "access.failures", 0, 49, 0, 1),
    ("security", "partnership.convention", 0, 1, 0, -1),
)


def anchors(year):
    """Days a campaign window is built around: public holidays, most of
    them in May, when three or four fall within a few weeks."""
    e = easter(year)
    one = datetime.timedelta(days=1)
    return [
        e + one,  # Easter Monday
        datetime.date(year, 5, 1),
        datetime.date(year, 5, 8),
        datetime.date(year, 5, 8),
        e + 39 * one,  # Ascension
        e + 39 * one,
        e + 50 * one,  # Whit Monday
        datetime.date(year, 7, 14),
        datetime.date(year, 8, 15),
        datetime.date(year, 11, 1),
        datetime.date(year, 11, 11),
        datetime.date(year, 12, 25),
    ]


def day_str(d):
    return d.isoformat()


def campaign(rng, seed):
    """The campaign as a dict (also what campaign_cfg() writes)."""
    year = rng.randint(2016, 2034)
    anchor = rng.choice(anchors(year))
    start = anchor - datetime.timedelta(days=rng.randint(0, 12))
    length = rng.choice((5, 8, 10, 12, 14, 18, 21, 25, 30))
    end = start + datetime.timedelta(days=length - 1)
    min_days, max_days = rng.choice(((3, 6),) * 6 + ((2, 4), (3, 5), (4, 6)))
    policy = {"min_days": min_days, "max_days": max_days}
    policy["allow_shorter"] = rng.random() < 0.3
    span = rng.choice((1, 1, 1, 2, 2, None))
    if span:
        policy["max_span_weeks"] = span
    if span == 1 and rng.random() < 0.6:
        # A week has at most five working days: without this, most
        # missions of one-week spans could not be planned at all.
        policy["min_days"] = min_days = min(min_days, 3)
        policy["max_days"] = max_days = 5
    if rng.random() < 0.1:
        policy["min_priority"] = float(rng.choice((30, 50, 70)))
    firms = []
    n_firms = rng.choice((1, 1, 2, 2, 3))
    for k in range(n_firms):
        if rng.random() < 0.5:
            themes = list(THEMES)
        else:
            themes = [t for t in THEMES if rng.random() < 0.6] or ["quality"]
        if rng.random() < 0.5:
            regions = ["*"]
        else:
            regions = rng.sample(REGIONS, rng.randint(1, 2))
        capacity = rng.randint(min_days, 3 * max_days)
        if rng.random() < 0.05:
            capacity = 0
        days_off = []
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            first = start + datetime.timedelta(days=rng.randint(-2, length))
            last = first + datetime.timedelta(days=rng.randint(0, 3))
            days_off.append((first, last))
        firms.append({
            "id": "FIRM-%s" % "ABC"[k],
            "themes": themes,
            "regions": regions,
            "daily_rate": float(rng.randrange(800, 1500, 50)),
            "capacity": capacity,
            "days_off": days_off,
        })
    budget = {}
    r = rng.random()
    if r < 0.7:
        budget["days"] = rng.randint(min_days, 4 * max_days)
    if r > 0.5 or not budget:
        budget["euros"] = float(rng.randrange(3000, 30000, 500))
    return {
        "id": "PLAN-EXACT-%d" % seed,
        "start": start,
        "end": end,
        "budget": budget,
        "policy": policy,
        "firms": firms,
    }


def campaign_cfg(c):
    out = ['# Generated by tests/plan-exact/gen.py.',
           'id = "%s";' % c["id"],
           'window = { start = "%s"; end = "%s"; };'
           % (day_str(c["start"]), day_str(c["end"]))]
    b = c["budget"]
    parts = []
    if "days" in b:
        parts.append("days = %d;" % b["days"])
    if "euros" in b:
        parts.append("euros = %.1f;" % b["euros"])
    out.append("budget = { %s };" % " ".join(parts))
    pol = []
    for key, val in c["policy"].items():
        if isinstance(val, bool):
            pol.append("%s = %s;" % (key, "true" if val else "false"))
        elif isinstance(val, float):
            pol.append("%s = %.1f;" % (key, val))
        else:
            pol.append("%s = %d;" % (key, val))
    out.append("policy = { %s };" % " ".join(pol))
    out.append("firms = (")
    for k, f in enumerate(c["firms"]):
        lines = ['  { id = "%s";' % f["id"],
                 '    themes = [ %s ];' % ", ".join('"%s"' % t for t in f["themes"]),
                 '    regions = [ %s ];' % ", ".join('"%s"' % r for r in f["regions"]),
                 '    daily_rate = %.1f;' % f["daily_rate"],
                 '    capacity = %d;' % f["capacity"]]
        if f["days_off"]:
            ranges = ", ".join('[ "%s", "%s" ]' % (day_str(a), day_str(b))
                               for a, b in f["days_off"])
            lines.append("    days_off = ( %s );" % ranges)
        lines.append("  }" + ("," if k + 1 < len(c["firms"]) else ""))
        out.extend(lines)
    out.append(");")
    return "\n".join(out) + "\n"


def indicator_value(rng, severity, low, high, decimals, direction):
    """A value at about `severity` (0 best .. 1 worst) of the range."""
    u = min(1.0, max(0.0, severity + rng.uniform(-0.25, 0.25)))
    if direction < 0:
        u = 1 - u
    v = low + (high - low) * u
    return ("%.1f" % v) if decimals else str(int(round(v)))


def case_xml(rng, c, k, window):
    """Case file k (site S0k), its request window `window` or None."""
    year = c["start"].year
    region = rng.choice(REGIONS + (None,))
    org = '  <organisation id="ORG-%d" name="Organisation %d" kind="%s"%s/>' % (
        k, k, rng.choice(("oph", "esh", "coop")),
        ' region="%s"' % region if region else "")
    site = ['  <site id="S%02d" name="Site %d" commune="Commune %d">' % (k, k, k),
            "    <dwellings>%d</dwellings>" % rng.randint(40, 900)]
    if rng.random() < 0.8:
        site.append("    <built>%d</built>" % rng.randint(1950, year - 2))
    if rng.random() < 0.8:
        site.append("    <situation>%s</situation>" % rng.choice(
            ("central", "peripheral", "enclaved", "rural")))
    if rng.random() < 0.7:
        site.append('    <onsite-staff fte="%d"/>' % rng.randint(0, 4))
    if rng.random() < 0.5:
        site.append("    <renewal>%s</renewal>" % rng.choice(
            ("none", "pnru", "npnru-national", "npnru-regional")))
    if rng.random() < 0.5:
        site.append('    <occupancy low-income-share="%d"/>' % rng.randint(20, 90))
    site.append("  </site>")
    diag = ['  <diagnostic firm="FIRM-DIAG" date="%d-10-15" method="mixed">'
            % (year - 1)]
    themes = [t for t in THEMES if rng.random() < 0.75] or [rng.choice(THEMES)]
    for theme in themes:
        diag.append('    <theme ref="%s">' % theme)
        # A theme is good, on watch, degraded or critical about equally
        # often, so missions have 1 to 3 themes and 3 to 6 days.
        severity = rng.random() * rng.choice((0.6, 0.8, 1.0))
        values = {}
        for t, ref, low, high, dec, direction in INDICATORS:
            if t == theme and rng.random() < 0.85:
                values[ref] = indicator_value(rng, severity, low, high, dec,
                                              direction)
        if "staff.assaults_physical" in values:
            # Physical assaults are some of the assaults.
            values["staff.assaults_physical"] = str(min(
                int(values["staff.assaults_physical"]),
                int(values.get("staff.assaults", "0"))))
        for ref, v in values.items():
            diag.append('      <indicator ref="%s" value="%s"/>' % (ref, v))
        diag.append("    </theme>")
    diag.append("  </diagnostic>")
    req = ['  <request date="%d-11-20">' % (year - 1)]
    if window:
        req.append('    <window start="%s" end="%s"/>'
                   % (day_str(window[0]), day_str(window[1])))
    req.append("  </request>")
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                      '<casefile xmlns="urn:appui:casefile:1" id="CF-%d-%03d">'
                      % (year, k), org] + site + diag + req + ["</casefile>", ""])


def request_window(rng, c):
    """Most sites ask for part of the campaign; a few for all of it (no
    window) or for days reaching outside it."""
    if rng.random() < 0.25:
        return None
    length = (c["end"] - c["start"]).days + 1
    a = rng.randint(-3, max(0, length - 3))
    b = a + rng.randint(2, max(2, length))
    one = datetime.timedelta(days=1)
    return (c["start"] + a * one, c["start"] + b * one)


def generate(seed, folder):
    rng = random.Random(seed)
    c = campaign(rng, seed)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "campaign.cfg"), "w", encoding="utf-8") as f:
        f.write(campaign_cfg(c))
    n_sites = rng.randint(2, 8)
    # Often many sites share one window: they compete for the same days.
    shared = request_window(rng, c) if rng.random() < 0.4 else None
    for k in range(1, n_sites + 1):
        window = shared if shared and rng.random() < 0.7 else request_window(rng, c)
        with open(os.path.join(folder, "case-%02d.xml" % k), "w",
                  encoding="utf-8") as f:
            f.write(case_xml(rng, c, k, window))


def extra_case(seed, folder, rng):
    """One more case file for instance `seed` in `folder`, made as the
    others are (its campaign, a request window, the next site number),
    its randomness drawn from `rng`. Returns its path."""
    c = campaign(random.Random(seed), seed)
    k = 1 + sum(1 for n in os.listdir(folder)
                if n.startswith("case-") and n.endswith(".xml"))
    path = os.path.join(folder, "case-%02d.xml" % k)
    with open(path, "w", encoding="utf-8") as f:
        f.write(case_xml(rng, c, k, request_window(rng, c)))
    return path


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: gen.py SEED DIR\n")
        return 2
    generate(int(sys.argv[1]), sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
