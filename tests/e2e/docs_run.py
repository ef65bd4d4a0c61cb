#!/usr/bin/env python3
"""Runs the examples of a document, as a reader would, and compares what
they print with what the document shows.

usage: docs_run.py [--update] DOC.md WORKDIR

Every ```sh block of DOC.md runs, in order, with `sh -e` in WORKDIR (which
the caller prepares, with the environment the document speaks of). When a
```text block follows it directly, the block's standard output must be that
text exactly; otherwise it must exit 0. Blocks of any other kind (```console,
```ini, ...) are shown, not run. Prints one line per failure and a summary;
exits 1 if any example failed. With --update, writes what the examples
printed into their ```text blocks instead (to regenerate the page after a
change of the code; review the difference before committing it).
"""
import re
import subprocess
import sys


def blocks(text):
    """(kind, body, line) of each fenced block, in order."""
    out = []
    for m in re.finditer(r"^```([a-z]*)\n(.*?)^```$", text, re.M | re.S):
        out.append((m.group(1), m.group(2), text[: m.start()].count("\n") + 1))
    return out


def main():
    update = sys.argv[1] == "--update"
    doc, work = sys.argv[1 + update], sys.argv[2 + update]
    text = open(doc, encoding="utf-8").read()
    bs = blocks(text)
    got = {}
    passed = failed = 0
    for i, (kind, body, line) in enumerate(bs):
        if kind != "sh":
            continue
        want = None
        if i + 1 < len(bs) and bs[i + 1][0] == "text":
            want = bs[i + 1][1]
        r = subprocess.run(["sh", "-ec", body], cwd=work, capture_output=True,
                           text=True, timeout=120)
        ok = r.returncode == 0 if want is None else r.stdout == want
        if want is not None and update and r.returncode == 0:
            got[bs[i + 1][2]] = r.stdout
            ok = True
        if ok:
            passed += 1
            continue
        failed += 1
        print("FAIL: %s:%d: the example %s" % (
            doc, line, "exited %d" % r.returncode if want is None
            else "printed something else"))
        for l in body.splitlines():
            print("  $ " + l)
        if want is not None:
            for l in want.splitlines():
                print("  want| " + l)
        for l in r.stdout.splitlines():
            print("  got | " + l)
        for l in r.stderr.splitlines()[:10]:
            print("  err | " + l)
    if got:
        lines = text.split("\n")
        out, i = [], 0
        while i < len(lines):
            out.append(lines[i])
            if i + 1 in got:  # the ```text line: its body replaced
                out.extend(got[i + 1].rstrip("\n").split("\n"))
                i += 1
                while lines[i] != "```":
                    i += 1
                out.append("```")
            i += 1
        open(doc, "w", encoding="utf-8").write("\n".join(out))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
