#!/usr/bin/env python3
"""Runs the examples of a document, as a reader would, and compares what
they print with what the document shows.

usage: docs_run.py [--update] DOC.md WORKDIR

Every ```sh block of DOC.md runs, in order, with `sh -e` in WORKDIR (which
the caller prepares, with the environment the document speaks of). What it
prints on its standard output and standard error, through one pipe as a
terminal would show both, is its output. When a ```text block follows it
directly, the output must be that text exactly; otherwise it must print
nothing, unless its fence says ```sh output=elsewhere (a list of commands
whose outputs the pages of each show: the README's). The block must exit 0,
or with N when its fence says so: ```sh status=N (a block that shows a
failure ends with the failing command).

A block of another kind whose fence names a file, ```xml file=PATH, is that
file: when PATH exists in WORKDIR (a file the repository ships), it must
hold exactly the block; otherwise the block is written to PATH when the
examples reach it (never outside WORKDIR). Either way the file the examples
use is the one the reader sees.

Blocks of any other kind (```console, ```ini, ```xml, ...) are shown, not
run, and should be few: a block that is not the output of an ```sh block and
whose first line starts with `$ appui` or `appui ` is a failure, so an
example cannot hide from this check, unless the line before its fence is
`<!-- not run: REASON -->` (the service that stays in the foreground, a
command run as root...).

Output is compared after narrow substitutions, said here so that a reader
knows what the examples cannot show: the build tree's path (the
environment's DOCS_BUILD) reads /home/coord/appui/build, the work folder's
path /home/coord/appui, the user running the examples `local:coord` (the
store's actor), as the documents say, and a line of exactly 43 base64url
characters (a new token: 32 random bytes) reads `<43 random characters>`. Anything else
that would change from run to run is fixed by the environment (APPUI_NOW for
the store's times) or by the example itself.

Prints one line per failure and a summary; exits 1 if any example failed.
With --update, writes what the examples printed into their ```text blocks
instead, adding one after an ```sh block that printed something and had none
(to regenerate the page after a change of the code; review the difference
before committing it). A block whose exit status is not the one its fence
says is a failure even with --update.
"""
import os
import pwd
import re
import subprocess
import sys

FENCE = re.compile(r"^```([a-z]*)([^\n]*)\n(.*?)^```$", re.M | re.S)
HIDDEN = re.compile(r"^(\$ appui|appui )")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$", re.M)
NOT_RUN = re.compile(r"^<!-- not run: .+ -->$")


def blocks(text):
    """(kind, info, body, line, end) of each fenced block, in order: line is
    the fence's line number (from 1), end the offset after its closing
    fence."""
    out = []
    for m in FENCE.finditer(text):
        out.append((m.group(1), m.group(2).strip(), m.group(3),
                    text[: m.start()].count("\n") + 1, m.end()))
    return out


def status_of(info):
    """(exit status, output shown) that a ```sh fence's info asks for, or
    None."""
    m = re.fullmatch(r"(?:status=(\d+))?( ?output=elsewhere)?", info)
    if not m:
        return None
    return int(m.group(1) or 0), not m.group(2)


def normalise(out, work):
    out = TOKEN.sub("<43 random characters>", out)
    me = pwd.getpwuid(os.getuid()).pw_name
    out = out.replace("local:%s " % me, "local:coord ")
    build = os.environ.get("DOCS_BUILD")
    if build:
        out = out.replace(os.path.realpath(build), "/home/coord/appui/build")
        out = out.replace(build, "/home/coord/appui/build")
    for w in {os.path.realpath(work), os.path.abspath(work)}:
        out = out.replace(w, "/home/coord/appui")
    return out


def main():
    update = sys.argv[1] == "--update"
    doc, work = sys.argv[1 + update], sys.argv[2 + update]
    if not os.path.isdir(work):  # never made here: the caller prepares it
        sys.exit("docs_run.py: %s is not a folder" % work)
    text = open(doc, encoding="utf-8").read()
    lines = text.split("\n")
    bs = blocks(text)
    got = {}  # index of an sh block: its output, for --update
    passed = failed = shown = 0
    outputs = set()

    def failure(line, what, body=None, want=None, out=None, err=None):
        nonlocal failed
        failed += 1
        print("FAIL: %s:%d: %s" % (doc, line, what))
        for l in (body or "").splitlines():
            print("  $ " + l)
        for l in (want or "").splitlines():
            print("  want| " + l)
        for l in (out or "").splitlines():
            print("  got | " + l)

    for i, (kind, info, body, line, _) in enumerate(bs):
        if kind != "sh":
            if i in outputs:
                continue
            m = re.fullmatch(r"file=([\w./-]+)", info)
            if m and ".." not in m.group(1).split("/"):
                path = os.path.join(work, m.group(1))
                if os.path.lexists(path):
                    have = open(path, encoding="utf-8").read()
                    if have == body:
                        passed += 1
                    else:
                        failure(line, "the block is not the file %s" %
                                m.group(1), None, body, have)
                    continue
                top = os.path.realpath(work) + os.sep
                if not os.path.realpath(path).startswith(top):
                    failure(line, "%s is outside the work folder" % m.group(1))
                    continue
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(body)
                passed += 1
                continue
            if info:
                failure(line, "unknown fence ```%s %s (file=PATH is known)"
                        % (kind, info))
                continue
            first = body.split("\n", 1)[0]
            if HIDDEN.match(first):
                if line >= 2 and NOT_RUN.match(lines[line - 2]):
                    shown += 1
                else:
                    failure(line, "a ```%s block shows a command: make it "
                            "```sh (its output ```text), or say why it is "
                            "not run (<!-- not run: REASON -->)" % kind, body)
            continue
        asked = status_of(info)
        if asked is None:
            failure(line, "unknown fence ```sh %s (status=N and "
                    "output=elsewhere are known)" % info)
            continue
        want_status, compared = asked
        want = None
        if i + 1 < len(bs) and bs[i + 1][0] == "text" and \
                text[bs[i][4]:].lstrip("\n").startswith("```text"):
            want = bs[i + 1][2]
            outputs.add(i + 1)
        try:
            r = subprocess.run(["sh", "-ec", body], cwd=work,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               timeout=300)
            out, status = normalise(r.stdout, work), r.returncode
        except subprocess.TimeoutExpired:
            out, status = "", "a timeout (300 s)"
        if status != want_status:
            failure(line, "the example exited %s, not %d" %
                    (status, want_status), body, want, out)
            continue
        if not compared:
            passed += 1
            continue
        if update:
            if out != (want or ""):
                got[i] = out
            passed += 1
            continue
        if out == (want or ""):
            passed += 1
            continue
        failure(line, "the example printed something else" if want is not None
                else "the example printed something, and no ```text block "
                "follows it", body, want, out)

    if got:
        out, pos = [], 0
        for i, o in sorted(got.items()):
            end = bs[i][4]
            if i + 1 in outputs:  # replace the body of its ```text block
                start = text.index("```text\n", end) + len("```text\n")
                stop = bs[i + 1][4] - len("```")
                out += [text[pos:start], o]
                pos = stop
            else:  # add one
                out += [text[pos:end], "\n\n```text\n", o, "```"]
                pos = end
        out.append(text[pos:])
        new = "".join(out)
        tmp = doc + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(new)
        os.rename(tmp, doc)
    print("%d passed, %d failed, %d shown not run" % (passed, failed, shown))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
