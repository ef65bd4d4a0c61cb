#!/bin/sh
# End-to-end tests of `appui bundle`, `verify`, `extract` and `show`: a
# bundle in each format read back by standard tools (tar, zstd, unzip,
# sha256sum -c) and by an independent BagIt check; byte-identical rebuilds
# at another time, from other paths, in another time zone; a full disk and
# an unwritable folder leaving no file; tampering found by verify; hostile
# archives (built with bsdtar, libarchive's own tool) refused by extract
# with nothing left behind.
# usage: bundle.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
CASE=$EX/cf-2016-003-vlh-mail.xml
BAG=VLH-MAIL_CF-2016-003
cd "$TMP" || exit 1

# ok NAME CMD...: passes when CMD succeeds.
ok() {
	name=$1
	shift
	if "$@"; then pass; else fail "$name"; fi
}

for tool in bsdtar tar gzip zstd unzip sha256sum sha512sum python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		fail "missing tool $tool (scripts/deps.sh installs it)"
	fi
done

# ---- usage --------------------------------------------------------------------
expect_status 0 "help bundle" -- "$APPUI" bundle --help
expect_grep "help bundle" "$TMP/out" "usage: appui bundle -o OUT"
expect_status 0 "help verify" -- "$APPUI" help verify
expect_status 0 "help extract" -- "$APPUI" extract --help
expect_status 0 "help show" -- "$APPUI" show --help
expect_status 2 "bundle without -o" -- "$APPUI" bundle "$CASE"
expect_grep "bundle without -o" "$TMP/err" "give the bundle to write"
expect_status 2 "bundle without case" -- "$APPUI" bundle -o x.tar.gz
expect_status 2 "bundle to stdout" -- "$APPUI" bundle -o - "$CASE"
expect_status 2 "unknown format" -- "$APPUI" bundle -f rar -o x.rar "$CASE"
expect_status 2 "format against extension" -- "$APPUI" bundle -f zip -o x.tar.gz "$CASE"
expect_status 2 "extract without -C" -- "$APPUI" extract x.tar.gz
expect_status 2 "verify nothing" -- "$APPUI" verify
expect_status 2 "show nothing" -- "$APPUI" show
if [ -e x.tar.gz ] || [ -e x.rar ]; then fail "a usage error wrote a file"; else pass; fi

# ---- inputs --------------------------------------------------------------------
"$APPUI" plan --campaign "$SRC/configs/campaign.cfg" --format json -o plan.json "$EX" 2>/dev/null
mkdir in
head -c 300000 /dev/urandom >"in/Rapport de mission – Résidence du Mail.pdf"
printf 'Compte rendu de la réunion du 3 mai\n' >in/compte-rendu.txt
ATT1="in/Rapport de mission – Résidence du Mail.pdf"
ATT2=in/compte-rendu.txt

# ---- one bundle per format, rebuilt identically -----------------------------------
for f in tar.gz tar.zst zip; do
	expect_status 0 "bundle $f" -- "$APPUI" bundle -o "one.$f" --plan plan.json \
		--attach "$ATT1" --attach "$ATT2" "$CASE"
	expect_grep "bundle $f" "$TMP/out" "bag $BAG/ ($f), 6 payload files"
done
# Later, from other paths, with other file times, in another time zone.
sleep 1
mkdir other
cp "$CASE" other/
cp "$ATT1" "$ATT2" plan.json other/
touch -d '2001-02-03 04:05:06' other/*
for f in tar.gz tar.zst zip; do
	(cd other && TZ=Pacific/Auckland "$APPUI" bundle -o "../two.$f" --plan plan.json \
		--attach "Rapport de mission – Résidence du Mail.pdf" --attach compte-rendu.txt \
		cf-2016-003-vlh-mail.xml >/dev/null)
	if cmp -s "one.$f" "two.$f"; then pass; else fail "$f: rebuilt bundle differs"; fi
done
# --format instead of the extension.
expect_status 0 "format option" -- "$APPUI" bundle --format tar.zst -o three.bag --plan plan.json \
	--attach "$ATT1" --attach "$ATT2" "$CASE"
if cmp -s one.tar.zst three.bag; then pass; else fail "--format tar.zst differs from .tar.zst"; fi

# ---- standard tools accept the bags --------------------------------------------------
ok "gzip -t" gzip -t one.tar.gz
ok "zstd -t" zstd -q -t one.tar.zst
ok "unzip -t" sh -c 'unzip -tq one.zip >/dev/null'
mkdir std-gz std-zst std-zip
ok "tar -xzf" tar -xzf one.tar.gz -C std-gz
ok "zstd | tar -x" sh -c 'zstd -dc one.tar.zst | tar -xf - -C std-zst'
ok "unzip" unzip -q one.zip -d std-zip
for d in std-gz std-zst std-zip; do
	if (cd "$d/$BAG" && sha256sum -c --quiet manifest-sha256.txt &&
		sha256sum -c --quiet tagmanifest-sha256.txt); then
		pass
	else
		fail "$d: sha256sum -c"
	fi
	# The independent validator (tests/bagit/validate.py, RFC 8493).
	if python3 "$SRC/tests/bagit/validate.py" "$d/$BAG" >"$TMP/out"; then
		pass
	else
		fail "$d: not a valid BagIt bag"
		sed 's/^/  | /' "$TMP/out"
	fi
	if (cd "$d/$BAG" && sha512sum -c --quiet manifest-sha512.txt &&
		sha512sum -c --quiet tagmanifest-sha512.txt); then
		pass
	else
		fail "$d: sha512sum -c"
	fi
	# What appui puts in a bag, beyond what a validator checks.
	if python3 - "$d/$BAG" <<'PY'; then pass; else fail "$d: appui's bag"; fi
import os, sys
bag = sys.argv[1]
def lines(name):
    with open(os.path.join(bag, name), "rb") as f:
        return f.read().decode("utf-8").splitlines()
assert lines("bagit.txt") == ["BagIt-Version: 1.0", "Tag-File-Character-Encoding: UTF-8"]
def listed(name):
    return [l.split("  ", 1)[1] for l in lines(name)]
assert listed("manifest-sha256.txt") == listed("manifest-sha512.txt")
for t in ("tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
    assert listed(t) == ["bag-info.txt", "bagit.txt", "manifest-sha256.txt",
                         "manifest-sha512.txt"], listed(t)
info = {}
for l in lines("bag-info.txt"):
    label, value = l.split(": ", 1)
    info.setdefault(label, []).append(value)
assert info["Bagging-Date"] == ["2016-04-13"]
assert info["External-Identifier"] == ["CF-2016-003"]
assert info["Bag-Software-Agent"][0].startswith("appui ")
assert len(info["Appui-Plugin"]) == 3
assert info["Appui-Mission-Status"] == ["planned"]
assert os.path.exists(os.path.join(bag, "data/attachments/Rapport de mission – Résidence du Mail.pdf"))
assert os.path.exists(os.path.join(bag, "data/plan/mission.json"))
PY
done

# ---- verify and show ----------------------------------------------------------------
for f in tar.gz tar.zst zip; do
	expect_status 0 "verify $f" -- "$APPUI" verify "one.$f"
	expect_grep "verify $f" "$TMP/out" "one.$f: OK: bag $BAG/ intact (6 payload files"
	expect_grep "verify $f" "$TMP/out" "; manifests sha256, sha512)"
	expect_grep "verify $f" "$TMP/out" "score reproduced with quality 1.0.0, security 1.0.0, urban 1.0.0"
done
expect_status 0 "show" -- "$APPUI" show one.tar.gz
for s in "bag:          $BAG/ (BagIt 1.0, bagged 2016-04-13 by appui" \
	"site:         VLH-MAIL: Résidence du Mail (Blois)" \
	"mission:      planned M-" \
	"plugins:      quality 1.0.0, security 1.0.0, urban 1.0.0" \
	"data/attachments/compte-rendu.txt" \
	"$(sha256sum "$ATT2" | cut -c1-64)"; do
	expect_grep "show" "$TMP/out" "$s"
done

# ---- tampering ---------------------------------------------------------------------
# Each copy is re-archived with GNU tar, as someone editing a bag would.
tamper() { # NAME: copies std-gz into NAME/ for editing
	rm -rf "$1"
	cp -r std-gz "$1"
}
tamper mod
printf 'forged\n' >>"mod/$BAG/data/attachments/compte-rendu.txt"
tar -czf mod.tar.gz -C mod "$BAG"
expect_status 1 "verify modified" -- "$APPUI" verify mod.tar.gz
expect_grep "verify modified" "$TMP/out" "data/attachments/compte-rendu.txt: modified: its SHA-256 is"
expect_grep "verify modified" "$TMP/out" "mod.tar.gz: FAILED"
tamper miss
rm "miss/$BAG/data/score/score.txt"
tar -czf miss.tar.gz -C miss "$BAG"
expect_status 1 "verify missing" -- "$APPUI" verify miss.tar.gz
expect_grep "verify missing" "$TMP/out" "data/score/score.txt: missing: listed in manifest-sha256.txt"
tamper extra
printf 'smuggled\n' >"extra/$BAG/data/attachments/extra.txt"
tar -czf extra.tar.gz -C extra "$BAG"
expect_status 1 "verify extra" -- "$APPUI" verify extra.tar.gz
expect_grep "verify extra" "$TMP/out" "data/attachments/extra.txt: extra: not listed in manifest-sha256.txt"
expect_grep "verify extra" "$TMP/out" "Payload-Oxum says"
# Several bundles: each judged.
expect_status 1 "verify several" -- "$APPUI" verify one.tar.gz mod.tar.gz
expect_grep "verify several" "$TMP/out" "one.tar.gz: OK"
expect_grep "verify several" "$TMP/out" "mod.tar.gz: FAILED"

# A stored score that the plugins no longer give, in an intact bag: the
# manifests are rebuilt with sha256sum, so only the re-scoring can tell.
tamper rescore
python3 - "rescore/$BAG" <<'PY'
import json, sys
p = sys.argv[1] + "/data/score/score.json"
text = open(p, encoding="utf-8").read()
doc = json.loads(text)
quality = [t for t in doc["cases"][0]["themes"] if t["theme"] == "quality"][0]
need = json.dumps(quality["need"])
old = '"theme":"quality","plugin":"quality","plugin_version":"1.0.0","need":%s,' % need
assert old in text
# Same length, so that Payload-Oxum still holds: only the score differs.
forged = ("1" if need[0] != "1" else "2") + need[1:]
text = text.replace(old, old.replace("1.0.0", "0.9.0").replace(need, forged))
open(p, "w", encoding="utf-8").write(text)
PY
(cd "rescore/$BAG" && find data -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum >manifest-sha256.txt &&
	find data -type f -print0 | LC_ALL=C sort -z | xargs -0 sha512sum >manifest-sha512.txt &&
	sha256sum bag-info.txt bagit.txt manifest-sha256.txt manifest-sha512.txt >tagmanifest-sha256.txt &&
	sha512sum bag-info.txt bagit.txt manifest-sha256.txt manifest-sha512.txt >tagmanifest-sha512.txt)
tar -czf rescore.tar.gz -C rescore "$BAG"
expect_status 1 "verify rescore" -- "$APPUI" verify rescore.tar.gz
expect_grep "verify rescore" "$TMP/out" "theme quality changed: need "
expect_grep "verify rescore" "$TMP/out" "(plugin quality 0.9.0 in the bundle, quality 1.0.0 now)"
expect_grep "verify rescore" "$TMP/out" "bag $BAG/ intact"
expect_grep "verify rescore" "$TMP/out" "score NOT reproduced"
expect_no_grep "verify rescore" "$TMP/out" "theme urban"

# ---- refusals of bundle --------------------------------------------------------------
sed 's/<dwellings>310</<dwellings>-3</' "$CASE" >invalid.xml
expect_status 1 "invalid case" -- "$APPUI" bundle -o invalid.tar.gz invalid.xml
expect_grep "invalid case" "$TMP/err" "invalid.xml:5:"
expect_status 1 "two sites" -- "$APPUI" bundle -o two-sites.tar.gz "$CASE" "$EX/cf-2016-002-ssdh-cedres.xml"
expect_grep "two sites" "$TMP/err" "a bundle holds one site"
expect_status 1 "missing attachment" -- "$APPUI" bundle -o att.tar.gz --attach nothing.pdf "$CASE"
expect_grep "missing attachment" "$TMP/err" "nothing.pdf:0: cannot open"
expect_status 1 "plan not JSON" -- "$APPUI" bundle -o p.tar.gz --plan one.tar.gz "$CASE"
expect_grep "plan not JSON" "$TMP/err" "one.tar.gz:1: not valid JSON"
echo '{"missions": [], "unplanned": []}' >empty-plan.json
expect_status 1 "site not in plan" -- "$APPUI" bundle -o p.tar.gz --plan empty-plan.json "$CASE"
expect_grep "site not in plan" "$TMP/err" "no mission and no unplanned entry for site VLH-MAIL"
expect_status 3 "unwritable folder" -- "$APPUI" bundle -o /nonexistent/b.tar.gz "$CASE"
expect_grep "unwritable folder" "$TMP/err" "cannot create the bundle: No such file or directory"
for f in invalid.tar.gz two-sites.tar.gz att.tar.gz p.tar.gz; do
	ok "$f written after a refusal" test ! -e "$f"
done
if ls ./*.tmp.* >/dev/null 2>&1; then fail "temporary file left"; else pass; fi

# A full disk: a 64 KiB tmpfs (root only; skipped where mount is refused).
mkdir small
if mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
	trap 'umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT
	expect_status 3 "full disk" -- "$APPUI" bundle -o small/b.tar.gz --attach "$ATT1" "$CASE"
	expect_grep "full disk" "$TMP/err" "No space left on device; nothing was written"
	if [ -z "$(ls -A small)" ]; then pass; else fail "full disk left: $(ls -A small)"; fi
	umount small
else
	echo "SKIP: full disk (cannot mount a tmpfs here; check_bundle simulates it)"
fi

# ---- extract --------------------------------------------------------------------------
expect_status 0 "extract" -- "$APPUI" extract one.zip -C ext
expect_grep "extract" "$TMP/out" "extracted to ext/$BAG"
if (cd "ext/$BAG" && sha256sum -c --quiet manifest-sha256.txt); then pass; else fail "extracted bag"; fi
ok "extract left: $(ls -A ext)" test "$(ls -A ext)" = "$BAG"
expect_status 3 "extract again" -- "$APPUI" extract one.zip -C ext
expect_grep "extract again" "$TMP/err" "already exists: not overwritten"

# ---- an extracted bag: verify and the independent validator agree --------------
# The folder extract leaves, then the examples' bags unpacked by tar.
expect_status 0 "verify folder" -- "$APPUI" verify "ext/$BAG"
expect_grep "verify folder" "$TMP/out" "ext/$BAG: OK: bag $BAG/ intact (6 payload files"
expect_grep "verify folder" "$TMP/out" "score reproduced with quality 1.0.0"
expect_status 0 "validate folder" -- python3 "$SRC/tests/bagit/validate.py" "ext/$BAG"
expect_status 0 "show folder" -- "$APPUI" show "ext/$BAG"
expect_grep "show folder" "$TMP/out" "(an extracted bag folder)"
mkdir examples examples/x
n=0
for c in "$EX"/*.xml; do
	n=$((n + 1))
	"$APPUI" bundle -o "examples/$n.tar.gz" "$c" >/dev/null 2>&1 || fail "bundle $c"
	tar -xzf "examples/$n.tar.gz" -C examples/x
done
ok "bags of the $n examples" test "$(ls examples/x | wc -l)" -gt 30
expect_status 0 "validate the examples" -- python3 "$SRC/tests/bagit/validate.py" examples/x/*
expect_no_grep "validate the examples" "$TMP/out" "warning"
expect_status 0 "verify the examples" -- "$APPUI" verify examples/x/*
if [ "$(grep -c ': OK: bag .* intact' "$TMP/out")" -eq "$(ls examples/x | wc -l)" ]; then
	pass
else
	fail "verify the examples: not every bag OK"
fi

# Each breakage of tests/bagit/breakages.py, one RFC 8493 rule at a time,
# applied to a copy of the extracted bag: verify and the validator agree
# (both fail a bad bag, both pass a good one), and verify says of the folder
# what it says of the same bag archived again by tar.
python3 "$SRC/tests/bagit/breakages.py" list >changes.txt
ok "breakages listed" test "$(grep -c '^bad ' changes.txt)" -ge 20
while read -r kind name; do
	rm -rf "agree/$name"
	mkdir -p "agree/$name"
	cp -r "ext/$BAG" "agree/$name/"
	bag="agree/$name/$BAG"
	python3 "$SRC/tests/bagit/breakages.py" apply "$name" "$bag" || fail "$name: not applied"
	"$APPUI" verify "$bag" >"$TMP/appui.out" 2>&1
	a=$?
	python3 "$SRC/tests/bagit/validate.py" "$bag" >"$TMP/validator.out" 2>&1
	v=$?
	want=1
	[ "$kind" = good ] && want=0
	if [ "$a" -eq "$want" ] && [ "$v" -eq "$want" ]; then
		pass
	else
		fail "$kind $name: appui verify exit $a, validator exit $v, both should be $want"
		sed 's/^/  appui| /' "$TMP/appui.out"
		sed 's/^/  validator| /' "$TMP/validator.out"
	fi
	case $name in symlink-out | fifo) continue ;; esac
	tar -czf "agree/$name.tar.gz" -C "agree/$name" "$BAG"
	"$APPUI" verify "agree/$name.tar.gz" >"$TMP/archive.out" 2>&1
	sed -e "s#^$bag:#BAG:#" -e "s#^$bag: #BAG: #" "$TMP/appui.out" | grep -v ': OK: \|: FAILED: ' >"$TMP/a1"
	sed -e "s#^agree/$name.tar.gz:#BAG:#" "$TMP/archive.out" | grep -v ': OK: \|: FAILED: ' >"$TMP/a2"
	if cmp -s "$TMP/a1" "$TMP/a2"; then
		pass
	else
		fail "$name: verify of the folder and of its archive differ"
		diff "$TMP/a1" "$TMP/a2" | head -20
	fi
done <changes.txt
# The reasons, for a few of them.
"$APPUI" verify "agree/manifests-disagree/$BAG" >"$TMP/out"
expect_grep "manifests disagree" "$TMP/out" "modified: its SHA-512 is"
expect_grep "manifests disagree" "$TMP/out" "manifest-sha512.txt says"
expect_no_grep "manifests disagree" "$TMP/out" "modified: its SHA-256"
"$APPUI" verify "agree/path-dotdot/$BAG" >"$TMP/out"
expect_grep "path outside" "$TMP/out" "data/../bagit.txt contains '..': a path outside the bag"
"$APPUI" verify "agree/symlink-out/$BAG" >"$TMP/out"
expect_grep "symlink out" "$TMP/out" "is a symbolic link (a bag holds only files and folders): not followed"
timeout 20 "$APPUI" verify "agree/fifo/$BAG" >"$TMP/out"
expect_grep "fifo" "$TMP/out" "data/fifo: is a FIFO"
"$APPUI" verify "agree/one-algorithm/$BAG" >"$TMP/out"
expect_grep "one algorithm" "$TMP/out" "intact (6 payload files, "
expect_grep "one algorithm" "$TMP/out" "; manifests sha256)"
expect_no_grep "one algorithm" "$TMP/out" "warning"
# A bundle an earlier appui made (SHA-256 manifests alone, kept in the fuzz
# corpus): still an intact bag, with no word about SHA-512, for verify and
# for the validator once unpacked.
OLD=$SRC/tests/fuzz/corpus/bundle/small.tar.gz
"$APPUI" verify "$OLD" >"$TMP/out"
expect_grep "old bundle" "$TMP/out" "intact (3 payload files, 5554 bytes; manifests sha256)"
expect_no_grep "old bundle" "$TMP/out" "manifest-sha"
mkdir old && tar -xzf "$OLD" -C old
expect_status 0 "validate old bundle" -- python3 "$SRC/tests/bagit/validate.py" old/*
# A huge file in a folder is refused before it is read.
mkdir huge && cp -r "ext/$BAG" huge/
truncate -s 257M "huge/$BAG/data/attachments/huge.bin"
expect_status 1 "verify huge folder" -- "$APPUI" verify "huge/$BAG"
expect_grep "verify huge folder" "$TMP/out" "over the limit of 268435456 bytes for one member: refused"
rm -rf huge

# Hostile archives, each built with bsdtar.
mkdir -p h/src/BAG h/src2/BAG/out h/bomb/BAG h/big/BAG h/many/BAG
echo fine >h/src/BAG/ok.txt
echo pwned >h/src2/BAG/out/evil
echo pwned >"$TMP/h/abs-evil"
bsdtar -czf h/slip.tgz -s ',^BAG/ok.txt,BAG/../../evil,' -C h/src BAG/ok.txt
bsdtar -czPf h/abs.tgz "$TMP/h/abs-evil"
rm "$TMP/h/abs-evil"
ln -s "$TMP" h/src/BAG/out
bsdtar -cf h/sym.tar -C h/src BAG/out
bsdtar -rf h/sym.tar -C h/src2 BAG/out/evil
gzip h/sym.tar
rm h/src/BAG/out
ln h/src/BAG/ok.txt h/src/BAG/hard
bsdtar -czf h/hard.tgz -C h/src BAG/ok.txt BAG/hard
rm h/src/BAG/hard
mkfifo h/src/BAG/fifo
bsdtar -czf h/fifo.tgz -C h/src BAG/ok.txt BAG/fifo
rm h/src/BAG/fifo
head -c 50000000 /dev/zero >h/bomb/BAG/zeros
bsdtar -czf h/bomb.tgz -C h/bomb BAG
rm h/bomb/BAG/zeros
truncate -s 257M h/big/BAG/huge
bsdtar -czf h/big.tgz -C h/big BAG
rm h/big/BAG/huge
(cd h/many/BAG && seq 1 10001 | xargs touch)
bsdtar -czf h/many.tgz -C h/many BAG
rm -r h/many
head -c 20000 one.tar.gz >h/truncated.tgz
echo 'not an archive' >h/not.tgz
bsdtar -cf h/zip-slip.zip --format zip -s ',^BAG/ok.txt,../evil,' -C h/src BAG/ok.txt
set -- slip.tgz "contains '..'" abs.tgz "is an absolute path" \
	sym.tar.gz "is a symbolic link" hard.tgz "is a hard link" fifo.tgz "is a FIFO" \
	bomb.tgz "decompression bomb" big.tgz "over the size limit of 268435456 bytes" \
	many.tgz "more than 10000 members" truncated.tgz "truncated" \
	not.tgz "cannot read as a bundle" zip-slip.zip "contains '..'"
if mknod h/src/BAG/null c 1 3 2>/dev/null; then
	bsdtar -czf h/dev.tgz -C h/src BAG/null
	rm h/src/BAG/null
	set -- "$@" dev.tgz "is a device"
fi
while [ $# -gt 0 ]; do
	expect_status 1 "extract $1" -- "$APPUI" extract "h/$1" -C x
	expect_grep "extract $1" "$TMP/err" "$2"
	expect_grep "extract $1" "$TMP/err" "nothing was extracted"
	ok "extract $1 left x/" test ! -e x
	mkdir x
	"$APPUI" extract "h/$1" -C x >/dev/null 2>&1
	ok "extract $1 left $(ls -A x)" test -z "$(ls -A x)"
	rmdir x
	shift 2
done
for evil in "$TMP/evil" "$TMP/h/evil" "$TMP/h/abs-evil" "$TMP/x/evil"; do
	ok "$evil was written" test ! -e "$evil"
done
# verify says the same of a hostile archive, and goes on reading.
expect_status 1 "verify hostile" -- "$APPUI" verify h/sym.tar.gz
expect_grep "verify hostile" "$TMP/out" "BAG/out: is a symbolic link"
expect_grep "verify hostile" "$TMP/out" "FAILED"
expect_status 1 "verify not an archive" -- "$APPUI" verify h/not.tgz
expect_status 1 "show hostile" -- "$APPUI" show h/hard.tgz
expect_grep "show hostile" "$TMP/err" "is a hard link"


# ---- zip times: clamped, never wrapped -----------------------------------------
# A zip holds a member's time as a DOS time and as a signed 32-bit Unix time:
# dates outside 1980-01-01 .. 2037-12-31 are clamped to that range, so both
# fields agree and no reader sees 1939 for 2100. Tar keeps the date.
mkdir zt
sed -e 's/date="2016-04-30"/date="2100-04-30"/' -e 's/date="2016-04-13"/date="2100-04-13"/' \
	"$CASE" >zt/late.xml
sed -e 's/date="2016-04-30"/date="1979-04-30"/' -e 's/date="2016-04-13"/date="1979-04-13"/' \
	-e 's#<built>[0-9]*</built>#<built>1960</built>#' "$CASE" >zt/early.xml
for c in late early; do
	expect_status 0 "zip $c" -- "$APPUI" bundle -o "zt/$c.zip" "zt/$c.xml"
	expect_status 0 "tar $c" -- "$APPUI" bundle -o "zt/$c.tar.gz" "zt/$c.xml"
	expect_status 0 "verify zip $c" -- "$APPUI" verify "zt/$c.zip"
done
if python3 - zt <<'PY'
import datetime, struct, sys, tarfile, zipfile
d = sys.argv[1]
def zip_times(path):
    out = set()
    for i in zipfile.ZipFile(path).infolist():
        ut = i.extra.find(b"UT")
        unix = struct.unpack("<i", i.extra[ut + 5:ut + 9])[0]
        out.add((i.date_time, str(datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=unix))))
    return out
assert zip_times(d + "/late.zip") == {((2037, 12, 31, 0, 0, 0), "2037-12-31 00:00:00")}, zip_times(d + "/late.zip")
assert zip_times(d + "/early.zip") == {((1980, 1, 1, 0, 0, 0), "1980-01-01 00:00:00")}, zip_times(d + "/early.zip")
for m in tarfile.open(d + "/late.tar.gz").getmembers():
    assert str(datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=m.mtime)) == "2100-04-13 00:00:00", m.mtime
PY
then pass; else fail "zip times not clamped as documented"; fi

summary
