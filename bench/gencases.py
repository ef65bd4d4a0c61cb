#!/usr/bin/env python3
"""Seeded generator of realistic appui case files, for benchmarks.

    gencases.py OUT_DIR COUNT [--seed N]

Each file is one site of one organisation: plausible dwellings, age,
situation and staffing; a diagnostic by one of the consulting firms with the
catalogue's indicators for 1-3 themes, drawn around plausible national
values, some missing; French observations (which make files 2 to 20 KB); a
request with a window in the campaign year. Same seed, same files.
"""
import argparse
import math
import os
import random

REGIONS = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne",
    "Centre-Val de Loire", "Corse", "Grand Est", "Hauts-de-France",
    "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
]
COMMUNES = ["Lille", "Roubaix", "Amiens", "Rouen", "Caen", "Rennes", "Brest",
            "Nantes", "Angers", "Tours", "Orléans", "Dijon", "Besançon",
            "Strasbourg", "Metz", "Nancy", "Reims", "Lyon", "Villeurbanne",
            "Grenoble", "Saint-Étienne", "Clermont-Ferrand", "Limoges",
            "Bordeaux", "Toulouse", "Montpellier", "Nîmes", "Marseille",
            "Toulon", "Nice", "Bastia", "Créteil", "Saint-Denis", "Évry"]
FIRMS = ["FIRM-%02d" % i for i in range(1, 21)]

# ref, low, high, kind: the range values are drawn from, most near "good".
CATALOGUE = {
    "quality": [
        ("satisfaction.overall", 50, 92, "pct"),
        ("satisfaction.cleanliness", 45, 90, "pct"),
        ("satisfaction.requests", 45, 88, "pct"),
        ("complaints.rate", 5, 90, "num"),
        ("complaints.first_reply_48h", 50, 99, "pct"),
        ("complaints.median_days", 3, 60, "num"),
        ("vacancy.long_term", 0, 8, "num"),
        ("turnover.rate", 4, 24, "num"),
        ("lifts.breakdowns", 1, 16, "num"),
        ("lifts.outage_days", 0, 45, "int"),
    ],
    "urban": [
        ("gup.convention", 0, 1, "flag"),
        ("gup.orphan_spaces", 0, 8, "int"),
        ("cleanliness.audit", 55, 98, "pct"),
        ("waste.bulky_callouts", 0, 8, "num"),
        ("waste.removal_hours", 12, 220, "int"),
        ("reports.closed_in_time", 40, 98, "pct"),
        ("vehicles.abandoned", 0, 9, "int"),
        ("lighting.failures", 0, 30, "pct"),
        ("tfpb.actions_done", 40, 100, "pct"),
        ("walking.age_months", 2, 48, "int"),
    ],
    "security": [
        ("incidents.rate", 0, 14, "num"),
        ("staff.assaults", 0, 6, "int"),
        ("staff.assaults_physical", 0, 2, "int"),
        ("vandalism.cost", 2, 35, "num"),
        ("halls.occupied", 0, 30, "pct"),
        ("deal.points", 0, 3, "int"),
        ("insecurity.feeling", 4, 50, "pct"),
        ("access.failures", 0, 40, "pct"),
        ("partnership.convention", 0, 1, "flag"),
    ],
}
OBSERVATIONS = [
    "Les parties communes du bâtiment %s sont sales le lundi matin, les "
    "rotations de ménage du week-end ne sont pas assurées.",
    "Plusieurs locataires signalent des réclamations techniques restées sans "
    "réponse depuis plus de trois semaines (chauffage, fuites, interphones).",
    "Le hall %s est régulièrement occupé en soirée ; les locataires évitent "
    "de le traverser après 20 heures.",
    "Aucune convention de gestion urbaine de proximité n'a été signée avec la "
    "ville ; le parking et les abords de l'école restent sans gestionnaire.",
    "Les encombrants s'accumulent au pied des bâtiments malgré les passages "
    "hebdomadaires ; un dépôt sauvage persiste près du local vélos.",
    "L'ascenseur de la cage %s a connu une panne de plus de deux semaines "
    "cet hiver, pénalisant les personnes âgées des étages élevés.",
    "Le diagnostic en marchant a réuni locataires, gardiens et services de la "
    "ville ; il a relevé des points lumineux hors service dans l'allée %s.",
    "Le partenariat avec la police municipale fonctionne mais les "
    "interventions de nuit restent rares ; un point de deal est signalé.",
]


MIN_BYTES, MAX_BYTES = 2048, 20480


def value(rng, low, high, kind, need):
    """A value between low and high, worse with `need` (0 good .. 1 bad)."""
    x = min(1.0, max(0.0, rng.gauss(need, 0.2)))
    if kind == "flag":
        return "0" if rng.random() < need * 0.8 else "1"
    if kind == "pct" and low > 30:  # higher is better: invert
        x = 1 - x
    v = low + (high - low) * x
    if kind == "int":
        return str(int(round(v)))
    return "%.1f" % v


def casefile(rng, i, year):
    region = rng.choice(REGIONS)
    commune = rng.choice(COMMUNES)
    org = "ORG-%03d" % rng.randrange(1, 400)
    site = "S-%06d" % i
    need = rng.betavariate(2, 3)
    dwellings = rng.randrange(40, 1200)
    lifts = rng.choice([0, 0, rng.randrange(1, 20)])
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<casefile xmlns="urn:appui:casefile:1" id="CF-B-%06d">' % i,
        '  <organisation id="%s" name="Office public de l\'habitat %d" '
        'kind="%s" region="%s"/>' % (org, rng.randrange(1, 400),
                                      rng.choice(["oph", "esh", "coop", "sem"]),
                                      region.replace("'", "&apos;")),
        '  <site id="%s" name="Résidence %s %d" commune="%s" insee="%05d">'
        % (site, rng.choice(["Les Tilleuls", "Les Peupliers", "Le Mail",
                             "Les Cèdres", "La Roseraie", "Les Iris"]),
           i, commune, rng.randrange(1000, 95999)),
        "    <dwellings>%d</dwellings>" % dwellings,
        "    <buildings>%d</buildings>" % rng.randrange(1, 15),
        "    <lifts>%d</lifts>" % lifts,
        "    <built>%d</built>" % rng.randrange(1950, 2010),
        "    <situation>%s</situation>" % rng.choice(
            ["central", "peripheral", "enclaved", "rural"]),
        '    <onsite-staff fte="%.1f"/>' % rng.choice([0, 0, 0.5, 1, 2, 3]),
        "    <agency-distance-km>%.1f</agency-distance-km>" % rng.uniform(0.5, 30),
        "    <renewal>%s</renewal>" % rng.choice(
            ["none", "none", "pnru", "npnru-national", "npnru-regional"]),
        '    <occupancy low-income-share="%d"/>' % rng.randrange(20, 80),
        "  </site>",
        '  <diagnostic firm="%s" author="Consultant %d" date="%d-%02d-%02d" '
        'method="%s">' % (rng.choice(FIRMS), rng.randrange(1, 99), year - 1,
                          rng.randrange(1, 13), rng.randrange(1, 29),
                          rng.choice(["walking", "interviews", "mixed"])),
    ]
    themes = rng.sample(list(CATALOGUE), rng.choice([1, 2, 3, 3, 3]))
    blocks = []
    for theme in themes:
        block = ['    <theme ref="%s">' % theme]
        for ref, low, high, kind in CATALOGUE[theme]:
            if ref.startswith("lifts.") and lifts == 0:
                continue
            if rng.random() < 0.12:  # missing data
                continue
            block.append('      <indicator ref="%s" value="%s"/>'
                         % (ref, value(rng, low, high, kind, need)))
        blocks.append(block)
    start_month = rng.randrange(1, 10)
    end_month = min(12, start_month + rng.randrange(2, 6))
    tail = [
        "  </diagnostic>",
        '  <request date="%d-01-%02d" themes="%s">' % (year, rng.randrange(1, 28),
                                                   " ".join(themes)),
        '    <window start="%d-%02d-01" end="%d-%02d-28"/>' % (year, start_month,
                                                              year, end_month),
        "  </request>",
        "</casefile>",
    ]
    # Observations make each file 2 to 20 KB, as real diagnostics are: a
    # size drawn log-uniformly, reached with observations of one to four
    # sentences spread over the themes.
    target = int(math.exp(rng.uniform(math.log(MIN_BYTES), math.log(MAX_BYTES))))
    size = (sum(len(l.encode()) + 1 for l in lines + tail) +
            sum(len(l.encode()) + 1 for b in blocks for l in b) +
            len(blocks) * len("    </theme>\n"))
    while size < target:
        sentences = [rng.choice(OBSERVATIONS).replace("%s", str(rng.randrange(1, 9)))
                     for _ in range(rng.randrange(1, 5))]
        line = '      <observation severity="%s">%s</observation>' % (
            rng.choice(["low", "medium", "high"]), " ".join(sentences))
        n = len(line.encode()) + 1
        if size + n > MAX_BYTES:
            if size >= MIN_BYTES:
                break
            continue  # a shorter one will fit
        rng.choice(blocks).append(line)
        size += n
    for block in blocks:
        lines += block + ["    </theme>"]
    lines += tail
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--year", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for i in range(args.count):
        # Spread over sub-folders of 1,000 files, as a real archive would be.
        sub = os.path.join(args.out, "%03d" % (i // 1000))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "cf-%06d.xml" % i), "w", encoding="utf-8") as f:
            f.write(casefile(rng, i, args.year))


if __name__ == "__main__":
    main()
