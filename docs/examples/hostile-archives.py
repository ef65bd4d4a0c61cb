#!/usr/bin/env python3
"""Hostile archives, built as an attacker would, for the examples of
docs/bundles.md: each one breaks one rule of `appui extract`. Written into
the current folder; their members' times are fixed, so what `bsdtar -tv`
lists is the same on every run."""
import io
import tarfile

WHEN = 1460505600  # 2016-04-13 00:00 UTC


class Zeros:
    """A file of zeros, read in pieces, so no big buffer is needed."""

    def read(self, n):
        return b"\0" * n


def member(t, name, kind=tarfile.REGTYPE, data=b"", size=None, link=""):
    i = tarfile.TarInfo(name)
    i.type, i.linkname, i.mtime = kind, link, WHEN
    i.uname = i.gname = "root"
    i.mode = {tarfile.DIRTYPE: 0o755, tarfile.SYMTYPE: 0o777}.get(kind, 0o644)
    if kind == tarfile.REGTYPE:
        i.size = len(data) if size is None else size
        t.addfile(i, Zeros() if size is not None else io.BytesIO(data))
    else:
        t.addfile(i)


with tarfile.open("slip.tgz", "w:gz") as t:  # a path that climbs out
    member(t, "BAG/../../evil", data=b"hi\n")
with tarfile.open("abs.tgz", "w:gz") as t:  # an absolute path
    member(t, "/tmp/evil", data=b"hello")
with tarfile.open("sym.tar.gz", "w:gz") as t:  # a link, then a file through it
    member(t, "BAG/link", tarfile.SYMTYPE, link="/tmp")
    member(t, "BAG/link/evil2", data=b"x\n")
with tarfile.open("hard.tgz", "w:gz") as t:  # a hard link
    member(t, "BAG/a.txt", data=b"hi\n")
    member(t, "BAG/hard", tarfile.LNKTYPE, link="BAG/a.txt")
with tarfile.open("bomb.tgz", "w:gz") as t:  # 50 MB of zeros in 50 KB
    member(t, "BAG/", tarfile.DIRTYPE)
    member(t, "BAG/zeros", size=50000000)
with tarfile.open("big.tgz", "w:gz", compresslevel=1) as t:  # 257 MiB
    member(t, "BAG/", tarfile.DIRTYPE)
    member(t, "BAG/big0", size=257 * 1024 * 1024)
with tarfile.open("twice.tar", "w") as t:  # one name, two members
    member(t, "BAG/", tarfile.DIRTYPE)
    member(t, "BAG/bagit.txt", data=b"x\n")
    member(t, "BAG/data/x.txt", data=b"one\n")
    member(t, "BAG/data/x.txt", data=b"two\n")
with tarfile.open("file-in.tar", "w") as t:  # a file that is also a folder
    member(t, "BAG/bagit.txt", data=b"x\n")
    member(t, "BAG/data/x.txt", data=b"x\n")
    member(t, "BAG/data/x.txt/y", data=b"x\n")
