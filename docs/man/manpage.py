#!/usr/bin/env python3
"""Writes the markdown of one man page from the documentation, for pandoc.

usage: manpage.py SOURCE.md OUT.md [APPUI]

SOURCE.md (docs/man/NAME.SECTION.md) holds only what a man page needs and the
documentation does not have (its NAME line, a synopsis); everything else is
taken from the documentation pages at build time, so no paragraph exists in
two places. A line of SOURCE.md may be:

  <!-- include PAGE.md#ANCHOR -->   the section of PAGE.md (relative to
      SOURCE.md's folder) whose heading has that GitHub anchor, with its
      subsections, up to the next heading of the same or a higher level; its
      heading becomes a man section (level 1), the rest follow it down.
  <!-- include PAGE.md#ANCHOR lead -->  only the section's text before its
      first subsection, without its heading (under a heading of SOURCE.md).
  <!-- include PAGE.md -->          the whole page, but its title.
  <!-- commands -->                 for each command that `APPUI --help`
      lists, a subsection with the output of `APPUI COMMAND --help` (the
      code's own words, so the page cannot lag behind the command).

Level 1 headings are upper-cased (man's convention: NAME, DESCRIPTION...).
Links are made plain text by links.lua, as a man page cannot follow them.
"""
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^(```|~~~)")


def anchor(title):
    """GitHub's anchor of a heading: lower case, punctuation dropped,
    spaces to hyphens."""
    a = title.strip().lower()
    a = re.sub(r"[^\w\- ]", "", a)
    return a.replace(" ", "-")


def headings(lines):
    """(index, level, title) of each heading outside fenced blocks."""
    out, fenced = [], False
    for i, l in enumerate(lines):
        if FENCE.match(l):
            fenced = not fenced
        elif not fenced:
            m = re.match(r"^(#{1,6}) (.*)$", l)
            if m:
                out.append((i, len(m.group(1)), m.group(2)))
    return out


def shift(lines, by):
    """The headings of lines (outside fenced blocks) moved up by `by`
    levels, at least level 1."""
    out, fenced = [], False
    for l in lines:
        if FENCE.match(l):
            fenced = not fenced
        elif not fenced:
            m = re.match(r"^(#{1,6}) (.*)$", l)
            if m:
                lvl = max(1, len(m.group(1)) - by)
                title = m.group(2).upper() if lvl == 1 else m.group(2)
                l = "#" * lvl + " " + title
        out.append(l)
    return out


def include(base, ref, lead=False):
    path, _, want = ref.partition("#")
    lines = open(os.path.join(base, path), encoding="utf-8").read().split("\n")
    # The fences' words after the language (```sh status=1, ```xml
    # file=NAME) are for the examples' runner; pandoc would not see a fence.
    lines = [re.sub(r"^(```\w*) .*$", r"\1", l) for l in lines]
    hs = headings(lines)
    if not want:  # the whole page but its title
        start = hs[0][0] + 1 if hs and hs[0][1] == 1 else 0
        return shift(lines[start:], 1)
    for n, (i, lvl, title) in enumerate(hs):
        if anchor(title) == want:
            end = len(lines)
            for j, l2, _ in hs[n + 1:]:
                if l2 <= lvl or lead:
                    end = j
                    break
            if lead:
                return lines[i + 1:end]
            return shift(lines[i:end], lvl - 1)
    sys.exit("%s: no section #%s in %s" % (sys.argv[1], want, path))


def commands(appui):
    def run(*args):
        return subprocess.run([appui, *args], check=True, capture_output=True,
                              text=True, env=dict(os.environ, LC_ALL="C")).stdout
    top = run("--help")
    out = []
    names = []
    listing = False
    for l in top.split("\n"):
        if l == "commands:":
            listing = True
        elif listing and not l.strip():
            break
        elif listing:
            m = re.match(r"^  ([a-z]+)", l)
            if m and m.group(1) not in names:
                names.append(m.group(1))
    for name in names:
        if name == "help":
            continue
        text = run(name, "--help")
        out += ["## appui %s" % name, "", "```", text.rstrip("\n"), "```", ""]
    return names, ["```", top.rstrip("\n"), "```", ""] + out


def main():
    src, dest = sys.argv[1], sys.argv[2]
    appui = sys.argv[3] if len(sys.argv) > 3 else None
    base = os.path.dirname(src)
    out = []
    for l in open(src, encoding="utf-8").read().split("\n"):
        m = re.match(r"^<!-- include (\S+)( lead)? -->$", l)
        if m:
            out += include(base, m.group(1), bool(m.group(2)))
            continue
        if l == "<!-- commands -->":
            if not appui:
                sys.exit("%s: <!-- commands --> needs the appui to ask" % src)
            out += commands(appui)[1]
            continue
        out.append(l)
    with open(dest, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
