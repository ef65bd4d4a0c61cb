#!/usr/bin/env python3
"""Checks over the answers load.py recorded and the files a store exports.

    results.py statuses RESULTS
        the count of each status, as "STATUS:COUNT ..." (sorted)
    results.py files RESULTS STATUS[,STATUS...]
        the files answered with one of these statuses, one a line
    results.py ids FILE_OR_FOLDER...
        the case id of each file (casefile/@id), sorted, one a line
    results.py same EXPORT_DIR RESULTS STATUS[,STATUS...]
        every file answered with one of these statuses is in EXPORT_DIR
        as CASE-ID.xml (what `appui store export` writes), byte for byte;
        prints how many were compared; exit 1 when one differs or is
        missing, or when there was none to compare
"""
import json
import os
import re
import sys

CASE_ID = re.compile(rb'<casefile\b[^>]*?\sid\s*=\s*["\']([^"\']*)["\']')


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def case_id(path):
    with open(path, "rb") as f:
        m = CASE_ID.search(f.read(4096))
    return m.group(1).decode("utf-8") if m else None


def wanted(spec):
    return {int(s) for s in spec.split(",")}


def statuses(results):
    counts = {}
    for r in load(results):
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print(" ".join("%d:%d" % (s, counts[s]) for s in sorted(counts)))
    return 0


def files(results, spec):
    want = wanted(spec)
    for r in load(results):
        if r["status"] in want:
            print(r["file"])
    return 0


def ids(args):
    paths = []
    for a in args:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                paths += [os.path.join(root, n) for n in names
                          if n.endswith(".xml")]
        else:
            paths.append(a)
    for i in sorted(case_id(p) or "?" for p in paths):
        print(i)
    return 0


def same(export, results, spec):
    want = wanted(spec)
    compared = bad = 0
    for r in load(results):
        if r["status"] not in want:
            continue
        compared += 1
        with open(r["file"], "rb") as f:
            sent = f.read()
        cid = case_id(r["file"])
        try:
            with open(os.path.join(export, "%s.xml" % cid), "rb") as f:
                kept = f.read()
        except OSError:
            kept = None
        if kept != sent:
            bad += 1
            if bad <= 5:
                print("%s (%s): %s" % (r["file"], cid, "missing"
                                       if kept is None else "not the bytes sent"))
    print("%d compared, %d missing or changed" % (compared, bad))
    return 1 if bad or not compared else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "statuses":
        return statuses(argv[1])
    if len(argv) == 3 and argv[0] == "files":
        return files(argv[1], argv[2])
    if len(argv) >= 2 and argv[0] == "ids":
        return ids(argv[1:])
    if len(argv) == 4 and argv[0] == "same":
        return same(argv[1], argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
