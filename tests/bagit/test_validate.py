#!/usr/bin/env python3
"""Tests of validate.py, the independent BagIt validator: a bag built here
(with hashlib, from the RFC's layout, nothing of appui) is valid; each
breakage of breakages.py makes it invalid with the reason expected; each
change the RFC allows keeps it valid. Shows that the validator can fail,
so that its "valid" on appui's bags means something.

usage: test_validate.py
"""
import hashlib
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import breakages  # noqa: E402
import validate  # noqa: E402

# What validate.py must say of each breakage (a part of one error).
EXPECT = {
    "bagit-missing": "bagit.txt: missing",
    "bagit-bom": "bagit.txt: begins with a byte-order mark",
    "bagit-three-lines": "bagit.txt: 3 lines, not exactly two",
    "bagit-version": "line 1 is not 'BagIt-Version: M.N'",
    "no-payload-manifest": "no payload manifest",
    "payload-modified": "checksum does not match",
    "payload-extra": "payload file data/smuggled.txt is not listed",
    "payload-missing": "is listed but not present",
    "path-dotdot": "data/../bagit.txt has an empty, '.' or '..' component",
    "path-absolute": "/etc/hostname is absolute",
    "manifest-malformed": "not 'CHECKSUM FILEPATH'",
    "checksum-length": "a sha256 checksum has 64 digits, not 63",
    "manifests-disagree": "manifest-sha512.txt: data/",
    "listed-twice": "listed twice",
    "tagmanifest-omits-manifest": "the payload manifest manifest-sha256.txt "
                                  "is not listed",
    "tagmanifest-lists-tagmanifest": "lists the tag manifest",
    "tag-modified": "bag-info.txt: sha",
    "oxum-wrong": "bag-info.txt: Payload-Oxum",
    "info-no-space": "not 'Label: value'",
    "symlink-out": "a symbolic link",
    "fifo": "data/fifo: a special file",
    "no-data-dir": "data/: the payload directory is missing",
}


def make_bag(bag):
    """A bag of two payload files in a subfolder, both algorithms."""
    files = {"data/a.txt": b"alpha\n", "data/sub/b.bin": bytes(range(256))}
    for rel, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(bag, rel)), exist_ok=True)
        with open(os.path.join(bag, rel), "wb") as f:
            f.write(data)

    def put(rel, text):
        with open(os.path.join(bag, rel), "w", encoding="utf-8",
                  newline="") as f:
            f.write(text)
    put("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    octets = sum(len(d) for d in files.values())
    put("bag-info.txt", "Source-Organization: Test\n"
        "External-Description: a bag\n  folded onto two lines\n"
        "Payload-Oxum: %d.%d\n" % (octets, len(files)))
    for alg in ("sha256", "sha512"):
        put("manifest-%s.txt" % alg, "".join(
            "%s  %s\n" % (hashlib.new(alg, d).hexdigest(), rel)
            for rel, d in sorted(files.items())))
    for alg in ("sha256", "sha512"):
        tags = ["bag-info.txt", "bagit.txt", "manifest-sha256.txt",
                "manifest-sha512.txt"]
        put("tagmanifest-%s.txt" % alg, "".join(
            "%s  %s\n" % (hashlib.new(alg, open(os.path.join(bag, t), "rb")
                                       .read()).hexdigest(), t)
            for t in tags))


def judge(bag):
    b = validate.Bag(bag)
    b.validate()
    return b


def main():
    failed = 0
    passed = 0
    work = tempfile.mkdtemp()
    try:
        names = [n for n, _ in breakages.BAD]
        missing = set(names) ^ set(EXPECT)
        if missing:
            print("FAIL: breakages without an expectation: %s" % missing)
            failed += 1
        for kind, changes in (("good", [("as built", None)] + breakages.GOOD),
                              ("bad", breakages.BAD)):
            for name, change in changes:
                bag = os.path.join(work, "bag")
                shutil.rmtree(work)
                os.mkdir(work)
                os.mkdir(bag)
                make_bag(bag)
                if change:
                    change(bag)
                b = judge(bag)
                if kind == "good":
                    ok = not b.errors
                else:
                    ok = any(EXPECT[name] in e for e in b.errors)
                if ok:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL: %s %s: errors %s, warnings %s" %
                          (kind, name, b.errors, b.warnings))
        # A warning is not a failure, and is given: the unlisted tag file.
        bag = os.path.join(work, "bag")
        shutil.rmtree(work)
        os.makedirs(bag)
        make_bag(bag)
        breakages.unlisted_tag_file(bag)
        b = judge(bag)
        if any("tag file notes.txt is not listed" in w for w in b.warnings):
            passed += 1
        else:
            failed += 1
            print("FAIL: no warning for an unlisted tag file: %s" % b.warnings)
        # The command: exit statuses.
        rc = validate.main([bag])
        breakages.payload_modified(bag)
        rc2 = validate.main(["--quiet", bag])
        if (rc, rc2, validate.main([])) == (0, 1, 2):
            passed += 1
        else:
            failed += 1
            print("FAIL: exit statuses %s" % ((rc, rc2),))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
