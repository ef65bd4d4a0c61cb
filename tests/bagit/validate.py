#!/usr/bin/env python3
"""An independent BagIt validator: RFC 8493 (BagIt 1.0), sections 2 and 3,
as the Library of Congress's bagit.py applies them, written from the RFC's
text for appui's tests (Debian 12 packages no BagIt validator). It shares
nothing with appui: no code, no list of expected files.

usage: validate.py [--quiet] BAG...

Each BAG is a bag's folder (the base directory). For each, prints every
problem as "BAG: error: ..." or "BAG: warning: ...", then "BAG: valid" or
"BAG: invalid (N errors)". Exit status 0 when every bag is valid, 1 when one
is not, 2 on a usage error.

What is checked (the RFC's section in brackets):
- bagit.txt [2.1.1]: present; no byte-order mark; exactly two lines,
  "BagIt-Version: M.N" and "Tag-File-Character-Encoding: ENCODING"; tag
  files are then decoded with ENCODING.
- the payload directory data/ [2.1.2] is present and a directory.
- payload manifests manifest-ALG.txt [2.1.3]: at least one; each line
  CHECKSUM, linear whitespace, FILEPATH; FILEPATH percent-decoded (%0A, %0D,
  %25), relative, '/'-separated, no '.' or '..' component, inside data/,
  listed once; the checksum's length that of ALG's digest.
- completeness [3]: every file listed in every manifest is present, every
  payload file is listed in every payload manifest.
- tag manifests tagmanifest-ALG.txt [2.2.1]: the same line rules; each lists
  every payload manifest (MUST) and no tag manifest (MUST NOT), nothing in
  data/; a tag file it does not list is a warning (SHOULD).
- validity [3]: every checksum of every manifest and tag manifest matches.
- bag-info.txt [2.2.2]: "Label: value" lines (a label, a colon, one linear
  whitespace, a value) and continuation lines that start with whitespace;
  Payload-Oxum OCTETCOUNT.STREAMCOUNT matching the payload; reserved labels
  that SHOULD NOT repeat are warnings when they do.
- line endings [2.1.1]: LF, CR LF or CR; a tag file whose last line has no
  line ending is accepted (bagit.py does), a blank line in a manifest a
  warning (it lists nothing).
- elements [2, 7]: a bag's elements are files and directories: a symbolic
  link, FIFO, device or socket anywhere in the bag is an error, and never
  followed or opened.
"""
import hashlib
import os
import re
import stat
import sys

# RFC 8493 section 2.4: MUST support sha256 and sha512, SHOULD md5 and sha1.
ALGORITHMS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64,
              "sha384": 96, "sha512": 128}
# Section 2.2.2: these SHOULD NOT be repeated.
NOT_REPEATED = ("Bagging-Date", "Bag-Size", "Payload-Oxum",
                "Bag-Group-Identifier", "Bag-Count")


class Bag:
    def __init__(self, path):
        self.path = path
        self.errors = []
        self.warnings = []
        self.encoding = "utf-8"
        self.files = {}  # every regular file: path inside the bag -> size

    def error(self, msg):
        self.errors.append(msg)

    def warn(self, msg):
        self.warnings.append(msg)

    # ---- the elements ------------------------------------------------------

    def walk(self):
        """Every element, without following a link (os.lstat only)."""
        stack = [""]
        while stack:
            rel = stack.pop()
            full = os.path.join(self.path, rel) if rel else self.path
            try:
                names = sorted(os.listdir(full))
            except OSError as e:
                self.error("%s: cannot list: %s" % (rel or ".", e.strerror))
                continue
            for name in names:
                sub = rel + "/" + name if rel else name
                st = os.lstat(os.path.join(self.path, sub))
                if stat.S_ISDIR(st.st_mode):
                    stack.append(sub)
                elif stat.S_ISREG(st.st_mode):
                    self.files[sub] = st.st_size
                elif stat.S_ISLNK(st.st_mode):
                    self.error("%s: a symbolic link: a bag holds files and "
                               "directories" % sub)
                else:
                    self.error("%s: a special file: a bag holds files and "
                               "directories" % sub)

    def read(self, rel):
        with open(os.path.join(self.path, rel), "rb") as f:
            return f.read()

    def digest(self, rel, alg):
        h = hashlib.new(alg)
        with open(os.path.join(self.path, rel), "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    # ---- tag files -----------------------------------------------------------

    def lines(self, rel):
        """The lines of a tag file, decoded, split at LF, CR LF or CR."""
        raw = self.read(rel)
        try:
            text = raw.decode(self.encoding)
        except (UnicodeDecodeError, LookupError) as e:
            self.error("%s: not in %s: %s" % (rel, self.encoding, e))
            return []
        if text.startswith("\ufeff"):
            self.error("%s: begins with a byte-order mark" % rel)
            text = text[1:]
        out = re.split(r"\r\n|\r|\n", text)
        if out and out[-1] == "":
            out.pop()  # the line ending of the last line
        return out

    def bagit_txt(self):
        if "bagit.txt" not in self.files:
            self.error("bagit.txt: missing (every bag has one)")
            return False
        raw = self.read("bagit.txt")
        if raw.startswith(b"\xef\xbb\xbf"):
            self.error("bagit.txt: begins with a byte-order mark")
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.error("bagit.txt: not UTF-8")
            return False
        lines = re.split(r"\r\n|\r|\n", text)
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != 2:
            self.error("bagit.txt: %d lines, not exactly two" % len(lines))
            return False
        m1 = re.fullmatch(r"BagIt-Version: ([0-9]+)\.([0-9]+)", lines[0])
        m2 = re.fullmatch(r"Tag-File-Character-Encoding: (\S+)", lines[1])
        if not m1:
            self.error("bagit.txt: line 1 is not 'BagIt-Version: M.N'")
        if not m2:
            self.error("bagit.txt: line 2 is not "
                       "'Tag-File-Character-Encoding: ENCODING'")
        if not (m1 and m2):
            return False
        self.encoding = m2.group(1)
        try:
            "".encode(self.encoding)
        except LookupError:
            self.error("bagit.txt: unknown encoding %s" % self.encoding)
            return False
        return True

    def bag_info(self):
        if "bag-info.txt" not in self.files:
            return
        labels = []
        for no, line in enumerate(self.lines("bag-info.txt"), 1):
            if line[:1] in (" ", "\t"):
                if not labels:
                    self.error("bag-info.txt: line %d: a continuation with "
                               "nothing to continue" % no)
                else:
                    labels[-1][1] += " " + line.strip()
                continue
            m = re.fullmatch(r"([^:\s][^:]*?):[ \t](.*)", line)
            if not m or m.group(1) != m.group(1).strip():
                self.error("bag-info.txt: line %d: not 'Label: value'" % no)
                continue
            labels.append([m.group(1), m.group(2)])
        for name in NOT_REPEATED:
            n = sum(1 for label, _ in labels if label.lower() == name.lower())
            if n > 1:
                self.warn("bag-info.txt: %s given %d times" % (name, n))
        oxum = [v for label, v in labels if label.lower() == "payload-oxum"]
        if oxum:
            m = re.fullmatch(r"([0-9]+)\.([0-9]+)", oxum[0].strip())
            payload = [p for p in self.files if p.startswith("data/")]
            octets = sum(self.files[p] for p in payload)
            if not m:
                self.error("bag-info.txt: Payload-Oxum %r is not "
                           "OCTETCOUNT.STREAMCOUNT" % oxum[0])
            elif (int(m.group(1)), int(m.group(2))) != (octets, len(payload)):
                self.error("bag-info.txt: Payload-Oxum %s, the payload is "
                           "%d.%d" % (oxum[0], octets, len(payload)))

    # ---- manifests -------------------------------------------------------------

    def manifest(self, rel, alg):
        """{path: checksum} of a manifest, its lines checked."""
        entries = {}
        size = ALGORITHMS[alg]
        for no, line in enumerate(self.lines(rel), 1):
            if line == "":
                self.warn("%s: line %d: blank" % (rel, no))
                continue
            m = re.fullmatch(r"([0-9a-fA-F]+)[ \t]+(.+)", line)
            if not m:
                self.error("%s: line %d: not 'CHECKSUM FILEPATH'" % (rel, no))
                continue
            checksum, path = m.group(1).lower(), m.group(2)
            if len(checksum) != size:
                self.error("%s: line %d: a %s checksum has %d digits, not %d"
                           % (rel, no, alg, size, len(checksum)))
                continue
            path = re.sub(r"%(0[AaDd]|25)",
                          lambda x: chr(int(x.group(1), 16)), path)
            parts = path.split("/")
            if path.startswith("/") or re.match(r"[A-Za-z]:", path):
                self.error("%s: line %d: %s is absolute" % (rel, no, path))
                continue
            if "" in parts or "." in parts or ".." in parts:
                self.error("%s: line %d: %s has an empty, '.' or '..' "
                           "component" % (rel, no, path))
                continue
            if "\\" in path:
                self.error("%s: line %d: %s uses '\\' (the separator is '/')"
                           % (rel, no, path))
                continue
            if path in entries:
                self.error("%s: line %d: %s listed twice" % (rel, no, path))
                continue
            entries[path] = (checksum, no)
        return entries

    def present(self, path):
        """The regular file of the bag a listed path names, or None. Names
        are compared as they are: the RFC does not normalise them."""
        return path if path in self.files else None

    def check_manifest(self, rel, alg, entries, payload):
        for path, (checksum, no) in sorted(entries.items()):
            if payload and not path.startswith("data/"):
                self.error("%s: line %d: %s is not in the payload directory"
                           % (rel, no, path))
                continue
            if not payload and path.startswith("data/"):
                self.error("%s: line %d: %s is a payload file" % (rel, no, path))
                continue
            if not payload and re.fullmatch(r"tagmanifest-\w+\.txt", path):
                self.error("%s: line %d: lists the tag manifest %s" %
                           (rel, no, path))
                continue
            found = self.present(path)
            if found is None:
                self.error("%s: %s is listed but not present" % (rel, path))
            elif self.digest(found, alg) != checksum:
                self.error("%s: %s: %s checksum does not match" %
                           (rel, path, alg))

    def validate(self):
        if not os.path.isdir(self.path) or os.path.islink(self.path):
            self.error("not a directory")
            return
        self.walk()
        if not self.bagit_txt():
            return
        if not os.path.isdir(os.path.join(self.path, "data")) or \
                os.path.islink(os.path.join(self.path, "data")):
            self.error("data/: the payload directory is missing")
        payload = sorted(p for p in self.files if p.startswith("data/"))
        tops = sorted(p for p in self.files if "/" not in p)
        manifests = []
        tagmanifests = []
        for p in tops:
            m = re.fullmatch(r"(tag)?manifest-(\w+)\.txt", p)
            if not m:
                continue
            alg = m.group(2)
            if alg not in ALGORITHMS:
                self.error("%s: unknown algorithm %s" % (p, alg))
                continue
            (tagmanifests if m.group(1) else manifests).append((p, alg))
        if not manifests:
            self.error("no payload manifest (manifest-ALG.txt)")
        for rel, alg in manifests:
            entries = self.manifest(rel, alg)
            self.check_manifest(rel, alg, entries, True)
            listed = {self.present(p) for p in entries}
            for p in payload:
                if p not in listed:
                    self.error("%s: payload file %s is not listed" % (rel, p))
        for rel, alg in tagmanifests:
            entries = self.manifest(rel, alg)
            self.check_manifest(rel, alg, entries, False)
            listed = {self.present(p) for p in entries}
            for p, _ in manifests:
                if p not in listed:
                    self.error("%s: the payload manifest %s is not listed" %
                               (rel, p))
            for p in self.files:
                if p.startswith("data/") or p in listed or \
                        re.fullmatch(r"(tag)?manifest-\w+\.txt", p):
                    continue
                self.warn("%s: tag file %s is not listed" % (rel, p))
        self.bag_info()


def main(argv):
    quiet = "--quiet" in argv
    bags = [a for a in argv if a != "--quiet"]
    if not bags:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    status = 0
    for path in bags:
        bag = Bag(path)
        bag.validate()
        for w in bag.warnings:
            if not quiet:
                print("%s: warning: %s" % (path, w))
        for e in bag.errors:
            print("%s: error: %s" % (path, e))
        if bag.errors:
            print("%s: invalid (%d error%s)" % (path, len(bag.errors),
                                              "" if len(bag.errors) == 1
                                              else "s"))
            status = 1
        else:
            print("%s: valid" % path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
