#!/usr/bin/env python3
"""Bags broken on purpose, one rule of RFC 8493 at a time, and bags changed
in ways the RFC allows. Used twice: by test_validate.py, to show that
validate.py finds each breakage in a bag built here, and by
tests/e2e/bundle.sh, to show that `appui verify` and validate.py agree on
each one applied to a bag that appui made.

usage: breakages.py list              "bad NAME" or "good NAME", one a line
       breakages.py apply NAME BAG    changes the bag's folder BAG

Each change touches one thing and, where it needs to, puts the rest back in
order (Payload-Oxum, the tag manifests' checksums), so that the one broken
rule is what a validator has to find.
"""
import hashlib
import os
import re
import sys


def path(bag, rel):
    return os.path.join(bag, rel)


def read(bag, rel):
    with open(path(bag, rel), "rb") as f:
        return f.read()


def write(bag, rel, data):
    with open(path(bag, rel), "wb") as f:
        f.write(data)


def tops(bag, prefix):
    """The top-level files named PREFIX-ALG.txt, with ALG."""
    out = []
    for name in sorted(os.listdir(bag)):
        m = re.fullmatch(re.escape(prefix) + r"-(\w+)\.txt", name)
        if m:
            out.append((name, m.group(1)))
    return out


def payload(bag):
    out = []
    for root, dirs, files in os.walk(path(bag, "data")):
        for f in files:
            out.append(os.path.relpath(os.path.join(root, f), bag))
    return sorted(out)


def digest(bag, rel, alg):
    return hashlib.new(alg, read(bag, rel)).hexdigest()


def manifest_lines(bag, rel):
    return read(bag, rel).decode("utf-8").splitlines()


def set_oxum(bag):
    """Payload-Oxum as the payload now is."""
    files = payload(bag)
    octets = sum(os.path.getsize(path(bag, p)) for p in files)
    text = read(bag, "bag-info.txt").decode("utf-8")
    text = re.sub(r"(?m)^Payload-Oxum: .*$",
                  "Payload-Oxum: %d.%d" % (octets, len(files)), text)
    write(bag, "bag-info.txt", text.encode("utf-8"))


def rehash_tags(bag):
    """Each tag manifest's checksums of the files it lists, recomputed
    (lines whose file is gone are dropped)."""
    for rel, alg in tops(bag, "tagmanifest"):
        out = []
        for line in manifest_lines(bag, rel):
            name = line.split(None, 1)[1]
            if os.path.isfile(path(bag, name)):
                out.append("%s  %s\n" % (digest(bag, name, alg), name))
        write(bag, rel, "".join(out).encode("utf-8"))


def add_line(bag, rel, line):
    write(bag, rel, read(bag, rel) + line.encode("utf-8") + b"\n")


def each_manifest(bag, fn):
    for rel, alg in tops(bag, "manifest"):
        fn(rel, alg)


# ---- bad bags: each breaks one rule -------------------------------------------


def bagit_missing(bag):
    os.unlink(path(bag, "bagit.txt"))
    rehash_tags(bag)


def bagit_bom(bag):
    write(bag, "bagit.txt", b"\xef\xbb\xbf" + read(bag, "bagit.txt"))
    rehash_tags(bag)


def bagit_three_lines(bag):
    add_line(bag, "bagit.txt", "Bag-Software-Agent: someone")
    rehash_tags(bag)


def bagit_version(bag):
    text = read(bag, "bagit.txt").replace(b"BagIt-Version: 1.0",
                                          b"BagIt-Version: 1")
    write(bag, "bagit.txt", text)
    rehash_tags(bag)


def no_payload_manifest(bag):
    each_manifest(bag, lambda rel, alg: os.unlink(path(bag, rel)))
    rehash_tags(bag)


def payload_modified(bag):
    rel = payload(bag)[-1]
    data = bytearray(read(bag, rel))
    data[0] ^= 1  # same size: only the checksums can tell
    write(bag, rel, bytes(data))


def payload_extra(bag):
    write(bag, "data/smuggled.txt", b"not in any manifest\n")
    set_oxum(bag)
    rehash_tags(bag)


def payload_missing(bag):
    os.unlink(path(bag, payload(bag)[-1]))
    set_oxum(bag)
    rehash_tags(bag)


def path_dotdot(bag):
    each_manifest(bag, lambda rel, alg: add_line(
        bag, rel, "%s  data/../bagit.txt" % digest(bag, "bagit.txt", alg)))
    rehash_tags(bag)


def path_absolute(bag):
    each_manifest(bag, lambda rel, alg: add_line(
        bag, rel, "%s  /etc/hostname" % ("0" * len(
            hashlib.new(alg).hexdigest()))))
    rehash_tags(bag)


def manifest_malformed(bag):
    add_line(bag, tops(bag, "manifest")[0][0], "this is not a checksum line")
    rehash_tags(bag)


def checksum_length(bag):
    rel = tops(bag, "manifest")[0][0]
    lines = manifest_lines(bag, rel)
    lines[0] = lines[0][1:]  # one hex digit short
    write(bag, rel, ("\n".join(lines) + "\n").encode("utf-8"))
    rehash_tags(bag)


def manifests_disagree(bag):
    # The last manifest (sha512 beside sha256) says another thing for one
    # file than the file is; the first still agrees with it.
    rel = tops(bag, "manifest")[-1][0]
    lines = manifest_lines(bag, rel)
    lines[0] = ("1" if lines[0][0] == "0" else "0") + lines[0][1:]
    write(bag, rel, ("\n".join(lines) + "\n").encode("utf-8"))
    rehash_tags(bag)


def listed_twice(bag):
    rel = tops(bag, "manifest")[0][0]
    add_line(bag, rel, manifest_lines(bag, rel)[0])
    rehash_tags(bag)


def tagmanifest_omits_manifest(bag):
    for rel, alg in tops(bag, "tagmanifest"):
        lines = [l for l in manifest_lines(bag, rel)
                 if not re.search(r"\smanifest-\w+\.txt$", l)]
        write(bag, rel, "".join(l + "\n" for l in lines).encode("utf-8"))


def tagmanifest_lists_tagmanifest(bag):
    tags = tops(bag, "tagmanifest")
    rel, alg = tags[-1]
    other = tags[0][0]
    add_line(bag, rel, "%s  %s" % (digest(bag, other, alg), other))


def tag_modified(bag):
    add_line(bag, "bag-info.txt", "Internal-Sender-Description: edited")


def oxum_wrong(bag):
    text = read(bag, "bag-info.txt").decode("utf-8")
    text = re.sub(r"(?m)^Payload-Oxum: ([0-9]+)\.([0-9]+)$",
                  lambda m: "Payload-Oxum: %d.%s" % (int(m.group(1)) + 1,
                                                    m.group(2)), text)
    write(bag, "bag-info.txt", text.encode("utf-8"))
    rehash_tags(bag)


def info_no_space(bag):
    add_line(bag, "bag-info.txt", "Contact-Name:nobody")
    rehash_tags(bag)


def symlink_out(bag):
    # A payload file replaced by a link to a copy outside the bag: the
    # same bytes, so only the link itself is wrong.
    rel = payload(bag)[-1]
    outside = os.path.join(os.path.dirname(os.path.abspath(bag)),
                           "outside-" + os.path.basename(rel))
    with open(outside, "wb") as f:
        f.write(read(bag, rel))
    os.unlink(path(bag, rel))
    os.symlink(outside, path(bag, rel))


def fifo(bag):
    os.mkfifo(path(bag, "data/fifo"))


def no_data_dir(bag):
    os.rename(path(bag, "data"), path(bag, "payload"))


BAD = [
    ("bagit-missing", bagit_missing),
    ("bagit-bom", bagit_bom),
    ("bagit-three-lines", bagit_three_lines),
    ("bagit-version", bagit_version),
    ("no-payload-manifest", no_payload_manifest),
    ("payload-modified", payload_modified),
    ("payload-extra", payload_extra),
    ("payload-missing", payload_missing),
    ("path-dotdot", path_dotdot),
    ("path-absolute", path_absolute),
    ("manifest-malformed", manifest_malformed),
    ("checksum-length", checksum_length),
    ("manifests-disagree", manifests_disagree),
    ("listed-twice", listed_twice),
    ("tagmanifest-omits-manifest", tagmanifest_omits_manifest),
    ("tagmanifest-lists-tagmanifest", tagmanifest_lists_tagmanifest),
    ("tag-modified", tag_modified),
    ("oxum-wrong", oxum_wrong),
    ("info-no-space", info_no_space),
    ("symlink-out", symlink_out),
    ("fifo", fifo),
    ("no-data-dir", no_data_dir),
]

# ---- good bags: changed as the RFC allows ---------------------------------------


def line_endings(bag, eol):
    names = ["bagit.txt", "bag-info.txt"] + [r for r, _ in tops(bag, "manifest")]
    for rel in names:
        text = read(bag, rel).decode("utf-8")
        write(bag, rel, text.replace("\n", eol).encode("utf-8"))
    rehash_tags(bag)
    for rel, _ in tops(bag, "tagmanifest"):
        text = read(bag, rel).decode("utf-8")
        write(bag, rel, text.replace("\n", eol).encode("utf-8"))


def unlisted_tag_file(bag):
    write(bag, "notes.txt", b"a tag file no tag manifest lists (SHOULD)\n")


def first_algorithm_only(bag):
    """A bag of one algorithm, as appui's bundles were before SHA-512."""
    keep = tops(bag, "manifest")[0][1]
    for rel, alg in tops(bag, "manifest") + tops(bag, "tagmanifest"):
        if alg != keep:
            os.unlink(path(bag, rel))
    rehash_tags(bag)


def percent_name(bag):
    # RFC 8493 section 2.1.3: a '%' in a path is written %25.
    data = b"one hundred per cent\n"
    write(bag, "data/100%.txt", data)
    each_manifest(bag, lambda rel, alg: add_line(
        bag, rel, "%s  data/100%%25.txt" % hashlib.new(alg, data).hexdigest()))
    set_oxum(bag)
    rehash_tags(bag)


GOOD = [
    ("crlf", lambda bag: line_endings(bag, "\r\n")),
    ("cr", lambda bag: line_endings(bag, "\r")),
    ("unlisted-tag-file", unlisted_tag_file),
    ("one-algorithm", first_algorithm_only),
    ("percent-name", percent_name),
]


def main(argv):
    if argv[:1] == ["list"]:
        for name, _ in BAD:
            print("bad " + name)
        for name, _ in GOOD:
            print("good " + name)
        return 0
    if len(argv) == 3 and argv[0] == "apply":
        fns = dict(BAD + GOOD)
        if argv[1] not in fns:
            print("no such change: " + argv[1], file=sys.stderr)
            return 2
        fns[argv[1]](argv[2])
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
