#!/usr/bin/env python3
"""Seeded generator of a campaign file for the planning benchmark.

    gencampaign.py OUT.cfg FIRMS BUDGET_DAYS [--seed N] [--year Y]
"""
import argparse
import random

from gencases import REGIONS

THEMES = ["quality", "urban", "security"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("firms", type=int)
    ap.add_argument("budget_days", type=int)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--year", type=int, default=2026)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = ['id = "BENCH-%d";' % a.year,
           'name = "Benchmark campaign %d";' % a.year,
           'window = { start = "%d-01-05"; end = "%d-12-18"; };' % (a.year, a.year),
           "budget = { days = %d; euros = %.1f; };" % (a.budget_days,
                                                     a.budget_days * 1150.0),
           "firms = ("]
    for f in range(a.firms):
        themes = rng.sample(THEMES, rng.choice([2, 3, 3]))
        regions = ['"*"'] if f % 7 == 0 else [
            '"%s"' % r for r in rng.sample(REGIONS, rng.randrange(2, 6))]
        out.append('  { id = "FIRM-%02d"; name = "Cabinet %02d"; themes = [ %s ]; '
                   "regions = [ %s ]; daily_rate = %.1f; capacity = %d; }%s"
                   % (f + 1, f + 1, ", ".join('"%s"' % t for t in themes),
                      ", ".join(regions), rng.randrange(900, 1400),
                      rng.randrange(40, 120), "," if f + 1 < a.firms else ""))
    out.append(");")
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
